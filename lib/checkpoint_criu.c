/* What a dump and a restore tell CRIU alike: external tty and bind mount names, cgroup
 * roots, which NICs can be checkpointed, and the answers to CRIU's notifications
 * (network lock by bridge detach, the -A action script). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint_internal.h"
#include "log.h"
#include "net.h"
#include "utils.h"

extern char **environ;

size_t checkpoint_tty_targets(const struct lxc_conf *conf, unsigned index, char *out[2])
{
	const char *dir = conf->tty_dir && *conf->tty_dir ? conf->tty_dir : NULL;
	char name[32];
	size_t n = 0;

	if (index == 0)
		snprintf(name, sizeof(name), "console");
	else
		snprintf(name, sizeof(name), "tty%u", index);
	/* the start binds the console on both /dev/console and /dev/<tty.dir>/console */
	if (!dir || index == 0)
		out[n++] = xasprintf("/dev/%s", name);
	if (dir)
		out[n++] = xasprintf("/dev/%s/%s", dir, name);
	return n;
}

size_t checkpoint_plan_binds(const struct mount_plan *plan, size_t *ops, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n && n < max; i++) {
		const struct mount_op *op = &plan->ops[i];

		if (op->kind == MOUNT_OP_BIND && !(op->opts & MOUNT_OPT_SOURCE_IN_ROOTFS) && op->source &&
		    op->source[0] == '/')
			ops[n++] = i;
	}
	return n;
}

static bool controller_in(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += len)
		if ((p == list || p[-1] == ',') && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

size_t checkpoint_cg_roots(struct start_ctx *ctx, struct criu_cg_root *roots, size_t max, char **freezer)
{
	size_t n = 0, count = ctx->cgroup ? cgroup_hier_count(ctx->cgroup) : 0;
	struct cgroup_hier_info info;

	*freezer = NULL;
	for (size_t i = 0; i < count && n < max; i++) {
		if (cgroup_hier_get(ctx->cgroup, i, &info) < 0 || !info.payload)
			continue;
		/* CRIU names the cgroup2 hierarchy by the empty controller list */
		roots[n].ctrl = info.version == 2 ? "" : info.controllers;
		roots[n++].path = info.payload;
		if (info.version == 1 && controller_in(info.controllers, "freezer")) {
			free(*freezer);
			*freezer = xasprintf("%s%s", info.mountpoint, info.payload);
		} else if (info.version == 2 && !*freezer) {
			*freezer = xasprintf("%s%s", info.mountpoint, info.payload);
		}
	}
	return n;
}

int checkpoint_net_check(const struct lxc_conf *conf, struct lxc_error *err)
{
	for (size_t i = 0; i < conf->n_nets; i++) {
		const struct conf_net *n = &conf->nets[i];

		switch (n->type) {
		case NET_UNSET:
		case NET_EMPTY:
		case NET_NONE:
			continue;
		case NET_VETH:
			if (!n->link || !*n->link)
				return error_set(err, "lxc.net.%d: a veth without lxc.net.%d.link cannot be checkpointed "
						      "(lxc-checkpoint moves the host end on and off its bridge)", n->index, n->index);
			if (n->veth_mode != 0)
				return error_set(err, "lxc.net.%d.veth.mode = router cannot be checkpointed (bridge mode only)",
						 n->index);
			if (n->veth_ipv4_routes.len || n->veth_ipv6_routes.len || n->veth_vlan_id >= 0 ||
			    n->veth_vlan_tagged_ids.len)
				return error_set(err, "lxc.net.%d: veth host routes and VLAN settings cannot be checkpointed",
						 n->index);
			continue;
		default:
			return error_set(err, "lxc.net.%d.type = %s cannot be checkpointed (veth on a bridge, empty and none can)",
					 n->index, net_type_name(n->type));
		}
	}
	return 0;
}

/* A host-side MAC as a start gives the host end (fe:...: never the bridge's lowest). */
static void host_mac(uint8_t mac[6])
{
	if (getrandom(mac, 6, 0) != 6)
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)rand();
	mac[0] = 0xfe;
}

static const struct conf_net *conf_nic(const struct lxc_conf *conf, int index)
{
	for (size_t i = 0; i < conf->n_nets; i++)
		if (conf->nets[i].index == index)
			return &conf->nets[i];
	return NULL;
}

int checkpoint_net_lock(struct start_ctx *ctx, bool lock, bool restored, struct lxc_error *err)
{
	struct nl_sock sk;
	int ret = 0;

	if (!ctx->net.n_nics)
		return 0;
	if (nl_open(&sk, NETLINK_ROUTE, err) < 0)
		return -1;
	for (size_t i = 0; i < ctx->net.n_nics && ret == 0; i++) {
		const struct net_state_nic *sn = &ctx->net.nics[i];
		const struct conf_net *cn = conf_nic(ctx->conf, sn->index);
		struct net_link veth, bridge;

		if (sn->type != NET_VETH || !sn->host_ifname || !sn->link)
			continue;
		if (net_link_get(&sk, sn->host_ifname, 0, &veth, err) < 0) {
			ret = error_prefix(err, "lxc.net.%d", sn->index);
			break;
		}
		if (lock) {
			/* off the bridge: nothing reaches the container, no RST while it is away */
			ret = net_link_set_master(&sk, veth.ifindex, 0, err);
			continue;
		}
		if (net_link_get(&sk, sn->link, 0, &bridge, err) < 0) {
			ret = error_prefix(err, "lxc.net.%d.link", sn->index);
			break;
		}
		if (restored) {
			uint8_t mac[6];

			host_mac(mac);
			if (net_link_set_mac(&sk, veth.ifindex, mac, err) < 0 ||
			    net_link_set_mtu(&sk, veth.ifindex, cn && cn->mtu ? cn->mtu : bridge.mtu, err) < 0) {
				ret = -1;
				break;
			}
		}
		if (net_link_set_master(&sk, veth.ifindex, bridge.ifindex, err) < 0 ||
		    net_link_set_up(&sk, veth.ifindex, true, err) < 0)
			ret = -1;
		else
			DEBUG("lxc.net.%d: \"%s\" is on bridge \"%s\" again", sn->index, sn->host_ifname, sn->link);
	}
	nl_close(&sk);
	if (ret < 0)
		return error_prefix(err, "network %s", lock ? "lock" : "unlock");
	return 0;
}

/* -A: CRIU's action-script convention (CRTOOLS_SCRIPT_ACTION, CRTOOLS_IMAGE_DIR,
 * CRTOOLS_INIT_PID), run by us on each notification since swrk runs no scripts. */
static int run_action_script(struct checkpoint_notify *n, const char *script, struct lxc_error *err)
{
	const char *path = n->req->action_script;
	pid_t pid, init = n->pid > 0 ? n->pid : (n->restore ? 0 : n->ctx->init_pid);
	int status;

	pid = fork();
	if (pid < 0)
		return error_sys(err, errno, "cannot fork for the action script");
	if (pid == 0) {
		sigset_t none;
		char pidtext[32];

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		setenv("CRTOOLS_SCRIPT_ACTION", script, 1);
		setenv("CRTOOLS_IMAGE_DIR", n->req->dir, 1);
		setenv("LXC_NAME", n->ctx->name, 1);
		if (init > 0) {
			snprintf(pidtext, sizeof(pidtext), "%d", (int)init);
			setenv("CRTOOLS_INIT_PID", pidtext, 1);
		}
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return error_sys(err, errno, "action script \"%s\"", path);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return error_set(err, "action script \"%s\" could not be run (exit status 127)", path);
	if (WIFEXITED(status))
		return error_set(err, "action script \"%s\" failed (exit status %d)", path, WEXITSTATUS(status));
	return error_set(err, "action script \"%s\" was killed by signal %d", path, WTERMSIG(status));
}

/* What a start does for a container without NICs: the loopback up (the new namespace
 * CRIU made for an image without one starts with it down). */
static int checkpoint_lo_up(pid_t pid, struct lxc_error *err)
{
	_cleanup_close_ int ns = pid > 0 ? net_open_netns(pid, err) : -1;
	struct nl_sock sk;
	int ret;

	if (pid <= 0)
		return error_set(err, "setup-namespaces came without the restored init's pid");
	if (ns < 0 || nl_open_in_netns(&sk, NETLINK_ROUTE, ns, err) < 0)
		return error_prefix(err, "cannot bring lo up in the restored container");
	ret = net_link_set_up(&sk, 1, true, err); /* lo is interface 1 in every namespace */
	nl_close(&sk);
	return ret < 0 ? error_prefix(err, "the restored container") : 0;
}

int checkpoint_notify(void *data, const char *script, int pid, int fd, struct lxc_error *err)
{
	struct checkpoint_notify *n = data;

	(void)fd;
	if (pid > 0)
		n->pid = pid;
	if (n->ns && n->conn)
		checkpoint_ns_keep_kdat(n->ns, n->conn->pid);
	if (!strcmp(script, "setup-namespaces") && n->lo_up) {
		if (checkpoint_lo_up(n->pid, err) < 0)
			return -1;
	} else if (!strcmp(script, "network-lock")) {
		if (checkpoint_net_lock(n->ctx, true, false, err) < 0)
			return -1;
		n->net_locked = true;
	} else if (!strcmp(script, "network-unlock")) {
		if (checkpoint_net_lock(n->ctx, false, n->restore, err) < 0)
			return -1;
		n->net_locked = false;
	}
	if (n->req->action_script && run_action_script(n, script, err) < 0)
		return -1;
	return 0;
}

/* The criu of req->criu when named there, else sc's usual search. */
static const struct lxc_sysconf *criu_sysconf(const struct checkpoint_request *req, const struct lxc_sysconf *sc,
					      struct lxc_sysconf *named)
{
	if (!req->criu)
		return sc;
	memset(named, 0, sizeof(*named));
	named->criu_path = (char *)req->criu;
	named->path = (char *)"lxc-checkpoint";
	return named;
}

int checkpoint_criu_open(struct criu_conn *c, const struct checkpoint_request *req, const struct lxc_sysconf *sc,
			 const int *extra_fds, size_t n_extra, struct criu_version *v, struct lxc_error *err)
{
	struct lxc_sysconf named;

	if (criu_open(c, criu_sysconf(req, sc, &named), extra_fds, n_extra, err) < 0)
		return -1;
	if (criu_version(c, v, err) < 0) {
		criu_close(c);
		return -1;
	}
	return 0;
}

int checkpoint_criu_start(struct checkpoint_ns *ns, struct criu_conn *c, const struct checkpoint_request *req,
			  const struct lxc_sysconf *sc, const int *extra_fds, size_t n_extra,
			  const struct checkpoint_criu_hooks *hooks, int *dirfd, struct criu_version *v,
			  struct lxc_error *err)
{
	struct lxc_sysconf named;
	bool spawned = false;
	int ret = checkpoint_ns_enter(ns, err);

	*dirfd = -1;
	if (ret == 0 && hooks && hooks->prepare)
		ret = hooks->prepare(hooks->data, err);
	if (ret == 0) {
		*dirfd = open(req->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*dirfd < 0)
			ret = error_sys(err, errno, "cannot open the checkpoint directory \"%s\"", req->dir);
	}
	if (ret == 0)
		ret = criu_open(c, criu_sysconf(req, sc, &named), extra_fds, n_extra, err);
	spawned = ret == 0;
	if (checkpoint_ns_leave(ns, ret == 0 ? err : NULL) < 0 && ret == 0)
		ret = -1;
	/* criu takes ~10 ms to load its libraries: time for other work */
	if (ret == 0 && hooks && hooks->loading)
		ret = hooks->loading(hooks->data, err);
	if (ret == 0)
		ret = criu_version(c, v, err);
	if (ret < 0 && spawned)
		criu_close(c);
	if (ret < 0 && *dirfd >= 0) {
		close(*dirfd);
		*dirfd = -1;
	}
	return ret;
}
