/* lxc-device for network interfaces, in the monitor: a host interface moved into the
 * container's network namespace and recorded in its network state, so that the monitor's
 * teardown gives it back; "del" moves it back at once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "utils.h"

/* The container's network namespace, held from now until teardown: a virtual interface
 * (veth...) moved in must outlive init, or it would be destroyed with the namespace
 * instead of coming back. */
static int device_net_netns(struct device_target *t, struct lxc_error *err)
{
	struct net_state *st = t->net;

	if (st->netns_fd < 0) {
		st->netns_fd = net_open_netns(t->init_pid, err);
		if (st->netns_fd < 0)
			return error_prefix(err, "the container's network namespace");
	}
	if (!st->pid) {
		st->pid = t->init_pid;
		st->pid_starttime = net_pid_starttime(t->init_pid);
	}
	return st->netns_fd;
}

static bool device_net_has(int netns_fd, const char *ifname)
{
	struct nl_sock sk;
	struct net_link l;
	int ret;

	if (nl_open_in_netns(&sk, NETLINK_ROUTE, netns_fd, NULL) < 0)
		return false;
	ret = net_link_get(&sk, ifname, 0, &l, NULL);
	nl_close(&sk);
	return ret == 0;
}

/* A search for the network namespace that has an interface: every namespace is looked
 * into once (by inode), ours and the container's are told apart. */
struct device_net_search {
	const char *ifname;
	struct stat self, container;
	ino_t *seen;
	size_t n_seen;
};

/* 1 when the namespace at path (a /proc/PID/ns/net or an nsfs mount) has the interface */
static int device_net_probe(struct device_net_search *s, const char *path, struct stat *sb)
{
	_cleanup_close_ int fd = -1;

	if (stat(path, sb) < 0 || (sb->st_dev == s->self.st_dev && sb->st_ino == s->self.st_ino))
		return 0;
	for (size_t i = 0; i < s->n_seen; i++)
		if (s->seen[i] == sb->st_ino)
			return 0;
	s->seen = xrealloc(s->seen, (s->n_seen + 1) * sizeof(*s->seen));
	s->seen[s->n_seen++] = sb->st_ino;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && device_net_has(fd, s->ifname);
}

/* mountinfo escapes blanks and backslashes in paths as \040 and the like */
static void device_net_unescape(char *p)
{
	char *out = p;

	for (; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
}

/* Network namespaces bound to a path ("ip netns add" puts them in /run/netns): no process
 * needs to live in them. *where gets the path of the one holding the interface. */
static bool device_net_in_mounts(struct device_net_search *s, char **where)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;

	if (file_read("/proc/self/mountinfo", &text, NULL, NULL) < 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char root[64], mnt[4096];
		const char *sep = strstr(line, " - ");
		struct stat sb;

		if (!sep || strncmp(sep + 3, "nsfs ", 5) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %63s %4095s", root, mnt) != 2 || strncmp(root, "net:[", 5) != 0)
			continue;
		device_net_unescape(mnt);
		if (device_net_probe(s, mnt, &sb) == 1) {
			*where = xstrdup(mnt);
			return true;
		}
	}
	return false;
}

/* ifname is not on the host: say where it is, if some other network namespace has it.
 * Looks into every process's namespace and every bound one; runs only on this error path. */
static int device_net_elsewhere(struct device_target *t, const char *ifname, struct lxc_error *err)
{
	struct device_net_search s = { .ifname = ifname };
	_cleanup_closedir_ DIR *proc = opendir("/proc");
	_cleanup_free_ char *where = NULL;
	struct dirent *de;
	int ret = -1;

	if (stat("/proc/self/ns/net", &s.self) < 0 || !proc)
		goto none;
	if (t->net->netns_fd >= 0)
		fstat(t->net->netns_fd, &s.container);
	/* the container first: the likeliest place for it is where it was moved before,
	 * maybe under another name */
	for (size_t i = 0; i < t->net->n_nics; i++) {
		const struct net_state_nic *sn = &t->net->nics[i];
		struct nl_sock sk;
		struct net_link l;

		if (sn->type != NET_PHYS || !sn->phys_moved || !str_equal(sn->phys_name, ifname) || t->net->netns_fd < 0)
			continue;
		if (nl_open_in_netns(&sk, NETLINK_ROUTE, t->net->netns_fd, NULL) < 0)
			break;
		if (net_link_get(&sk, NULL, sn->phys_ns_ifindex, &l, NULL) == 0) {
			nl_close(&sk);
			error_set(err, "interface \"%s\" is already in the container, as \"%s\"", ifname, l.name);
			err->code = EEXIST;
			goto out;
		}
		nl_close(&sk);
	}
	if (t->net->netns_fd >= 0 && device_net_has(t->net->netns_fd, ifname)) {
		error_set(err, "interface \"%s\" is already in the container", ifname);
		err->code = EEXIST;
		goto out;
	}
	while ((de = readdir(proc))) {
		char path[64], comm[64] = "";
		_cleanup_free_ char *text = NULL;
		struct stat sb;
		int pid;

		if (str_to_int(de->d_name, &pid) < 0 || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
		if (device_net_probe(&s, path, &sb) != 1)
			continue;
		if (sb.st_ino == s.container.st_ino || pid == t->init_pid) {
			error_set(err, "interface \"%s\" is already in the container", ifname);
			err->code = EEXIST;
			goto out;
		}
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		if (file_read(path, &text, NULL, NULL) == 0)
			snprintf(comm, sizeof(comm), " (%s)", str_trim(text));
		error_set(err, "interface \"%s\" is busy in another network namespace, that of process %d%s; "
			       "it must be on the host to be moved", ifname, pid, comm);
		err->code = EBUSY;
		goto out;
	}
	if (device_net_in_mounts(&s, &where)) {
		error_set(err, "interface \"%s\" is busy in another network namespace, the one bound at \"%s\"; "
			       "it must be on the host to be moved", ifname, where);
		err->code = EBUSY;
		goto out;
	}
none:
	error_set(err, "no such network interface \"%s\" on the host", ifname);
	err->code = ENODEV;
out:
	free(s.seen);
	return ret;
}

static int device_net_check(struct device_target *t, const char *ifname, struct lxc_error *err)
{
	if (!(t->clone_flags & CLONE_NEWNET))
		return error_set(err, "container \"%s\" shares the host's network namespace: there is no namespace "
				      "to move \"%s\" to", t->name, ifname);
	if (!net_ifname_valid(ifname))
		return error_set(err, "\"%s\" is neither a path to a device node nor an interface name", ifname);
	return 0;
}

int device_net_add(struct device_target *t, const char *ifname, const char *dest, char **out,
		   struct lxc_error *err)
{
	const char *target = dest ? dest : ifname;
	struct net_state *st = t->net;
	struct net_state_nic *sn;
	struct nl_sock sk;
	struct net_link l, moved;
	int ns, ret;

	if (device_net_check(t, ifname, err) < 0)
		return -1;
	if (nl_open(&sk, NETLINK_ROUTE, err) < 0)
		return -1;
	ret = net_link_get(&sk, ifname, 0, &l, err);
	nl_close(&sk);
	if (ret < 0)
		return err->code == ENODEV ? device_net_elsewhere(t, ifname, err) : -1;
	ns = device_net_netns(t, err);
	if (ns < 0)
		return -1;
	if (net_move_interface_in(t->init_pid, ifname, dest, err) < 0)
		return -1;
	/* the same record a configured phys NIC gets: net_teardown returns it by its index in
	 * the container (whatever it is called there), restoring name, MTU and MAC */
	st->nics = xrealloc(st->nics, (st->n_nics + 1) * sizeof(*st->nics));
	sn = &st->nics[st->n_nics];
	memset(sn, 0, sizeof(*sn));
	sn->index = DEVICE_NET_INDEX_BASE + (int)st->n_nics;
	sn->type = NET_PHYS;
	sn->phys_name = xstrdup(l.name);
	sn->phys_ifindex = l.ifindex;
	sn->phys_mtu = l.mtu;
	if (l.has_mac)
		memcpy(sn->phys_mac, l.mac, 6);
	sn->phys_moved = true;
	st->n_nics++;
	if (nl_open_in_netns(&sk, NETLINK_ROUTE, ns, err) == 0) {
		if (net_link_get(&sk, target, 0, &moved, err) == 0)
			sn->phys_ns_ifindex = moved.ifindex;
		nl_close(&sk);
	}
	if (!sn->phys_ns_ifindex)
		WARN("lxc-device: \"%s\" moved, but not found in the container as \"%s\"", ifname, target);
	*out = xasprintf("moved interface \"%s\" into the container as \"%s\"", ifname, target);
	return 0;
}

int device_net_del(struct device_target *t, const char *ifname, const char *dest, char **out,
		   struct lxc_error *err)
{
	struct net_state *st = t->net;
	const char *target = dest;
	struct nl_sock sk;
	struct net_link l;
	size_t rec = st->n_nics;
	int ns, ret;

	if (device_net_check(t, ifname, err) < 0)
		return -1;
	ns = device_net_netns(t, err);
	if (ns < 0 || nl_open_in_netns(&sk, NETLINK_ROUTE, ns, err) < 0)
		return -1;
	ret = net_link_get(&sk, ifname, 0, &l, err);
	/* also by the host name it was added under ("del veth1" after "add veth1 eth1") */
	for (size_t i = 0; ret < 0 && err->code == ENODEV && i < st->n_nics; i++)
		if (st->nics[i].type == NET_PHYS && st->nics[i].phys_moved && st->nics[i].phys_ns_ifindex &&
		    str_equal(st->nics[i].phys_name, ifname))
			ret = net_link_get(&sk, NULL, st->nics[i].phys_ns_ifindex, &l, err);
	nl_close(&sk);
	if (ret < 0) {
		if (err->code != ENODEV)
			return -1;
		error_set(err, "no such network interface \"%s\" in the container", ifname);
		err->code = ENODEV;
		return -1;
	}
	for (size_t i = 0; i < st->n_nics && rec == st->n_nics; i++)
		if (st->nics[i].type == NET_PHYS && st->nics[i].phys_moved && st->nics[i].phys_ns_ifindex == l.ifindex)
			rec = i;
	if (!target)
		target = rec < st->n_nics && st->nics[rec].phys_name ? st->nics[rec].phys_name : ifname;
	if (net_move_interface_out(t->init_pid, l.name, target, err) < 0)
		return -1;
	*out = xasprintf("moved interface \"%s\" back to the host as \"%s\"", l.name, target);
	if (rec < st->n_nics) {
		net_state_nic_clear(&st->nics[rec]);
		memmove(&st->nics[rec], &st->nics[rec + 1], (st->n_nics - rec - 1) * sizeof(*st->nics));
		st->n_nics--;
	}
	return 0;
}
