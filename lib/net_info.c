/* Looking into and changing a running container's network namespace from the host:
 * interface addresses and counters (lxc-info, lxc-ls) and moving devices (lxc-device). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "utils.h"

/* A netlink socket inside pid's network namespace: cheaper than forking a child into it,
 * and the caller's thread is back in its own namespace before this returns. */
static int net_open_container_socket(pid_t pid, struct nl_sock *sk, struct lxc_error *err)
{
	_cleanup_close_ int ns = net_open_netns(pid, err);

	if (ns < 0)
		return -1;
	return nl_open_in_netns(sk, NETLINK_ROUTE, ns, err);
}

void net_if_info_free(struct net_if_info *ifs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		strlist_clear(&ifs[i].ipv4);
		strlist_clear(&ifs[i].ipv6);
	}
	free(ifs);
}

/* The host side of a container NIC: a veth's peer (if it points back at the NIC) or the
 * lower device of a macvlan, ipvlan or vlan, in the namespace the container knows by
 * IFLA_LINK_NETNSID. Asked on the container's own socket: works from any namespace. */
static void net_match_host_peer(struct nl_sock *csk, const struct net_link *in, struct net_if_info *info)
{
	struct net_link peer;

	if (in->link <= 0 || in->link_netnsid < 0)
		return;
	if (net_link_get_peer(csk, in->link_netnsid, in->link, &peer, NULL) < 0)
		return;
	if (!strcmp(in->kind, "veth") && (strcmp(peer.kind, "veth") != 0 || peer.link != in->ifindex))
		return;
	snprintf(info->host_ifname, sizeof(info->host_ifname), "%s", peer.name);
	info->host_rx_bytes = peer.rx_bytes;
	info->host_tx_bytes = peer.tx_bytes;
}

int net_get_stats(pid_t init_pid, struct net_if_info **out, size_t *n, struct lxc_error *err)
{
	struct nl_sock csk;
	struct net_link *links = NULL;
	struct net_addr *addrs = NULL;
	size_t nlinks = 0, naddrs = 0;
	struct net_if_info *ifs;
	int ret = -1;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	*out = NULL;
	*n = 0;
	if (net_open_container_socket(init_pid, &csk, err) < 0)
		return error_prefix(err, "container network");
	if (net_link_list(&csk, &links, &nlinks, err) < 0 ||
	    net_addr_list(&csk, AF_UNSPEC, 0, &addrs, &naddrs, err) < 0)
		goto out;
	ifs = xzalloc((nlinks ? nlinks : 1) * sizeof(*ifs));
	for (size_t i = 0; i < nlinks; i++) {
		struct net_if_info *info = &ifs[i];

		snprintf(info->name, sizeof(info->name), "%s", links[i].name);
		info->ifindex = links[i].ifindex;
		info->up = links[i].flags & IFF_UP;
		info->loopback = links[i].flags & IFF_LOOPBACK;
		info->rx_bytes = links[i].rx_bytes;
		info->tx_bytes = links[i].tx_bytes;
		for (size_t j = 0; j < naddrs; j++) {
			char text[INET6_ADDRSTRLEN];

			if (addrs[j].ifindex != links[i].ifindex)
				continue;
			/* LXC's get_ips lists global IPv6 addresses, not link-local ones */
			if (addrs[j].family == AF_INET6 && addrs[j].scope != RT_SCOPE_UNIVERSE)
				continue;
			inet_ntop(addrs[j].family, addrs[j].addr, text, sizeof(text));
			strlist_push(addrs[j].family == AF_INET ? &info->ipv4 : &info->ipv6, text);
		}
		snprintf(info->kind, sizeof(info->kind), "%s", links[i].kind);
		net_match_host_peer(&csk, &links[i], info);
	}
	*out = ifs;
	*n = nlinks;
	ret = 0;
out:
	free(links);
	free(addrs);
	nl_close(&csk);
	return ret;
}

int net_link_stats(const char *ifname, unsigned long long *rx, unsigned long long *tx,
		   struct lxc_error *err)
{
	struct nl_sock sk;
	struct net_link l;
	int ret;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	if (nl_open(&sk, NETLINK_ROUTE, err) < 0)
		return -1;
	ret = net_link_get(&sk, ifname, 0, &l, err);
	nl_close(&sk);
	if (ret < 0)
		return -1;
	*rx = l.rx_bytes;
	*tx = l.tx_bytes;
	return 0;
}

/* Whether name exists in pid's namespace (or netns_fd's when pid is 0): true with
 * err->code EEXIST when it does, or on a failure to look (err->code other). */
static bool net_name_taken(pid_t pid, int netns_fd, const char *name, struct lxc_error *err)
{
	_cleanup_close_ int own = -1;
	struct nl_sock sk;
	struct net_link l;
	int ret;

	if (pid > 0) {
		own = net_open_netns(pid, err);
		if (own < 0)
			return true;
		netns_fd = own;
	}
	if (nl_open_in_netns(&sk, NETLINK_ROUTE, netns_fd, err) < 0)
		return true;
	ret = net_link_get(&sk, name, 0, &l, err);
	nl_close(&sk);
	if (ret == 0) {
		err->code = EEXIST;
		return true;
	}
	return err->code != ENODEV;
}

/* The kernel's answers to a namespace move, in words a user can act on. */
static int net_move_error(struct lxc_error *err, const char *ifname, const char *target_name,
			  const char *where)
{
	switch (err->code) {
	case EEXIST:
		return error_set(err, "an interface named \"%s\" already exists %s", target_name, where);
	case EBUSY:
		return error_set(err, "interface \"%s\" is busy (in use by another device or namespace)", ifname);
	case EINVAL:
	case EOPNOTSUPP:
		return error_prefix(err, "interface \"%s\" cannot be moved to another network namespace", ifname);
	default:
		return error_prefix(err, "failed to move interface \"%s\" %s", ifname, where);
	}
}

int net_move_interface_in(pid_t init_pid, const char *host_ifname, const char *new_name,
			  struct lxc_error *err)
{
	const char *target = new_name ? new_name : host_ifname;
	struct nl_sock host, csk;
	struct net_link l, moved;
	bool was_up;
	int ret;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	if (!net_ifname_valid(target))
		return error_set(err, "\"%s\" is not a valid interface name", target);
	if (nl_open(&host, NETLINK_ROUTE, err) < 0)
		return -1;
	if (net_link_get(&host, host_ifname, 0, &l, err) < 0) {
		nl_close(&host);
		if (err->code == ENODEV)
			return error_set(err, "no such network interface \"%s\" on the host", host_ifname);
		return -1;
	}
	if (l.flags & IFF_LOOPBACK) {
		nl_close(&host);
		return error_set(err, "interface \"%s\" is a loopback device and cannot be moved", host_ifname);
	}
	/* the kernel moves first and renames after: a taken name must be caught before the move */
	if (net_name_taken(init_pid, 0, target, err)) {
		nl_close(&host);
		return err->code == EEXIST ? error_set(err, "an interface named \"%s\" already exists in the container", target) : -1;
	}
	was_up = l.flags & IFF_UP;
	/* down first, as LXC does: the move would close it anyway, and the order is explicit */
	ret = was_up ? net_link_set_up(&host, l.ifindex, false, err) : 0;
	if (ret == 0 && net_link_move(&host, l.ifindex, init_pid, -1, target, err) < 0) {
		net_move_error(err, host_ifname, target, "in the container");
		if (was_up)
			(void)net_link_set_up(&host, l.ifindex, true, NULL);
		ret = -1;
	}
	nl_close(&host);
	if (ret < 0 || !was_up)
		return ret;
	if (net_open_container_socket(init_pid, &csk, err) < 0)
		return error_prefix(err, "moved \"%s\" but cannot bring it up", host_ifname);
	ret = net_link_get(&csk, target, 0, &moved, err);
	if (ret == 0)
		ret = net_link_set_up(&csk, moved.ifindex, true, err);
	nl_close(&csk);
	return ret < 0 ? error_prefix(err, "moved \"%s\" into the container as \"%s\"", host_ifname, target) : 0;
}

int net_move_interface_out(pid_t init_pid, const char *ifname, const char *orig_name,
			   struct lxc_error *err)
{
	const char *target = orig_name ? orig_name : ifname;
	_cleanup_close_ int self = -1;
	struct nl_sock host, csk;
	struct net_link l, back;
	bool was_up;
	int ret;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	if (!net_ifname_valid(target))
		return error_set(err, "\"%s\" is not a valid interface name", target);
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return error_sys(err, errno, "failed to open /proc/thread-self/ns/net");
	if (net_open_container_socket(init_pid, &csk, err) < 0)
		return error_prefix(err, "container network");
	if (net_link_get(&csk, ifname, 0, &l, err) < 0) {
		nl_close(&csk);
		if (err->code == ENODEV)
			return error_set(err, "no such network interface \"%s\" in the container", ifname);
		return -1;
	}
	if (l.flags & IFF_LOOPBACK) {
		nl_close(&csk);
		return error_set(err, "interface \"%s\" is a loopback device and cannot be moved", ifname);
	}
	if (net_name_taken(0, self, target, err)) {
		nl_close(&csk);
		return err->code == EEXIST ? error_set(err, "an interface named \"%s\" already exists on the host", target) : -1;
	}
	was_up = l.flags & IFF_UP;
	ret = was_up ? net_link_set_up(&csk, l.ifindex, false, err) : 0;
	if (ret == 0 && net_link_move(&csk, l.ifindex, 0, self, target, err) < 0) {
		net_move_error(err, ifname, target, "on the host");
		if (was_up)
			(void)net_link_set_up(&csk, l.ifindex, true, NULL);
		ret = -1;
	}
	nl_close(&csk);
	if (ret < 0 || !was_up)
		return ret;
	if (nl_open(&host, NETLINK_ROUTE, err) < 0)
		return -1;
	ret = net_link_get(&host, target, 0, &back, err);
	if (ret == 0)
		ret = net_link_set_up(&host, back.ifindex, true, err);
	nl_close(&host);
	return ret < 0 ? error_prefix(err, "moved \"%s\" to the host as \"%s\"", ifname, target) : 0;
}
