/* Gathering what lxc-info, lxc-ls and lxc-top show: asks the monitor for state, pid
 * and cgroup paths, reads the cgroup counters and the container's interfaces. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "commands.h"
#include "container.h"
#include "info.h"
#include "log.h"
#include "net.h"
#include "runtime.h"
#include "state.h"

static int read_stats(int conn, struct container_info *ci, struct lxc_error *err)
{
	_cleanup_free_ char *serial = NULL;
	struct cgroup_ctx *cg = NULL;
	struct cgroup_stats st = { 0 };
	int ret;

	if (cmd_call(conn, CMD_GET_CGROUP, 0, NULL, &serial, NULL, err) < 0)
		return -1;
	if (cgroup_ctx_deserialize(&cg, serial, err) < 0)
		return -1;
	ret = cgroup_stats_read(cg, &st, err);
	cgroup_ctx_free(cg);
	if (ret < 0)
		return -1;
	ci->have_stats = true;
	ci->cpu_ns = st.cpu_usage_ns;
	ci->cpu_user_ticks = st.cpu_user_ticks;
	ci->cpu_sys_ticks = st.cpu_system_ticks;
	ci->blkio_bytes = st.blkio_bytes;
	ci->blkio_read = st.blkio_read_bytes;
	ci->blkio_write = st.blkio_write_bytes;
	ci->blkio_iops = st.blkio_iops;
	ci->mem_bytes = st.mem_used;
	ci->memsw_bytes = st.memsw_used;
	ci->kmem_bytes = st.kmem_used;
	return 0;
}

static int info_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* LXC's get_ips and get_interfaces return their lists sorted as strings. */
static void info_sort(struct strlist *l)
{
	if (l->len > 1)
		qsort(l->items, l->len, sizeof(char *), info_strcmp);
}

static void add_link(struct container_info *ci, const char *name, unsigned long long tx, unsigned long long rx)
{
	ci->links = xrealloc(ci->links, (ci->n_links + 1) * sizeof(*ci->links));
	ci->links[ci->n_links++] = (struct info_link){ .name = xstrdup(name), .tx = tx, .rx = rx };
}

/* LXC's "Link:" lines: one per NIC in config order, the veth host end or else
 * lxc.net.N.link, up to the first NIC that has neither; the counters are the host
 * device's, seen from the container (its RX is the container's TX). A phys NIC is in the
 * container itself: its own counters. */
static void links_from_state(struct container_info *ci, const struct net_state *st,
			     const struct net_if_info *ifs, size_t n)
{
	for (size_t i = 0; i < st->n_nics; i++) {
		const struct net_state_nic *sn = &st->nics[i];
		const char *name = sn->type == NET_VETH ? sn->host_ifname : sn->link;
		unsigned long long tx = 0, rx = 0;

		if (!name)
			break;
		for (size_t k = 0; k < n; k++) {
			if (sn->type == NET_PHYS ? ifs[k].ifindex == sn->phys_ns_ifindex
						 : (sn->ns_ifindex ? ifs[k].ifindex == sn->ns_ifindex
								   : !strcmp(ifs[k].host_ifname, name))) {
				tx = sn->type == NET_PHYS ? ifs[k].tx_bytes : ifs[k].host_rx_bytes;
				rx = sn->type == NET_PHYS ? ifs[k].rx_bytes : ifs[k].host_tx_bytes;
				break;
			}
		}
		add_link(ci, name, tx, rx);
	}
}

static int read_net(int conn, struct container_info *ci, struct lxc_error *err)
{
	_cleanup_free_ char *serial = NULL;
	struct net_if_info *ifs = NULL;
	struct net_state st;
	size_t n = 0;

	if (net_get_stats(ci->pid, &ifs, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		strlist_push(&ci->interfaces, ifs[i].name);
		/* LXC leaves out the interface named "lo" and link-local IPv6 */
		if (ifs[i].loopback || !strcmp(ifs[i].name, "lo"))
			continue;
		for (size_t k = 0; k < ifs[i].ipv4.len; k++)
			strlist_push(&ci->ipv4, ifs[i].ipv4.items[k]);
		for (size_t k = 0; k < ifs[i].ipv6.len; k++)
			strlist_push(&ci->ipv6, ifs[i].ipv6.items[k]);
	}
	info_sort(&ci->interfaces);
	info_sort(&ci->ipv4);
	info_sort(&ci->ipv6);
	net_state_init(&st);
	if (conn >= 0 && cmd_call(conn, CMD_GET_NET, 0, NULL, &serial, NULL, NULL) >= 0 && serial &&
	    net_state_parse(&st, serial, NULL) == 0) {
		links_from_state(ci, &st, ifs, n);
	} else {
		/* no record from the monitor: the veth peers seen from the container */
		for (size_t i = 0; i < n; i++)
			if (!strcmp(ifs[i].kind, "veth") && ifs[i].host_ifname[0])
				add_link(ci, ifs[i].host_ifname, ifs[i].host_rx_bytes, ifs[i].host_tx_bytes);
	}
	net_state_free(&st);
	net_if_info_free(ifs, n);
	return 0;
}

int container_info_read(const char *lxcpath, const char *name, unsigned what, struct container_info *ci,
			struct lxc_error *err)
{
	struct runtime_paths paths;
	int conn, st;

	memset(ci, 0, sizeof(*ci));
	ci->pid = -1;
	ci->state = STATE_STOPPED;
	runtime_paths_init(&paths, lxcpath, name);
	conn = cmd_connect(paths.command, NULL);
	runtime_paths_free(&paths);
	if (conn < 0)
		return 0; /* no monitor: STOPPED, nothing more to know */
	st = cmd_call(conn, CMD_GET_STATE, 0, NULL, NULL, NULL, NULL);
	if (st >= 0)
		ci->state = st;
	if (ci->state != STATE_STOPPED && (what & (INFO_PID | INFO_NET))) {
		int pid = cmd_call(conn, CMD_GET_INIT_PID, 0, NULL, NULL, NULL, NULL);

		ci->pid = pid > 0 ? pid : -1;
	}
	/* counters and addresses are best effort: a container stopping right now has none */
	if (ci->state != STATE_STOPPED && (what & INFO_STATS) && read_stats(conn, ci, err) < 0)
		DEBUG("no cgroup statistics for %s: %s", name, err ? err->msg : "");
	if (ci->pid > 0 && (what & INFO_NET) && read_net(conn, ci, err) < 0)
		DEBUG("no network information for %s: %s", name, err ? err->msg : "");
	close(conn);
	return 0;
}

void container_info_free(struct container_info *ci)
{
	strlist_clear(&ci->ipv4);
	strlist_clear(&ci->ipv6);
	strlist_clear(&ci->interfaces);
	for (size_t i = 0; i < ci->n_links; i++)
		free(ci->links[i].name);
	free(ci->links);
	ci->links = NULL;
	ci->n_links = 0;
}

void info_humanize(unsigned long long bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu bytes", bytes);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.2f %s", v, units[u]);
}
