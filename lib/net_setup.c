/* A container's NICs from lxc.net.*: checks before clone, the host side after clone,
 * the container side in the child, the script hooks, and teardown. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "utils.h"

/* Every message about a NIC starts with its key prefix. */
#define NIC_FMT "lxc.net.%d"

static bool net_all_none(const struct lxc_conf *conf)
{
	if (conf->n_nets == 0)
		return false;
	for (size_t i = 0; i < conf->n_nets; i++)
		if (conf->nets[i].type != NET_NONE)
			return false;
	return true;
}

bool net_needs_host_side(const struct lxc_conf *conf)
{
	for (size_t i = 0; i < conf->n_nets; i++)
		if (conf->nets[i].type != NET_NONE && conf->nets[i].type != NET_EMPTY)
			return true;
	return false;
}

bool net_uses_host_netns(const struct lxc_conf *conf)
{
	if (!net_all_none(conf))
		return false;
	WARN("lxc.net.%d.type = none: the container shares the host's network namespace; the host's "
	     "network devices are usable in it, and e.g. 'halt' in the container may shut down the host",
	     conf->nets[0].index);
	return true;
}

/* ---- checks before clone ---------------------------------------------------------------- */

static int net_first_addr(struct nl_sock *sk, int family, int ifindex, void *out, struct lxc_error *err)
{
	struct net_addr *addrs = NULL;
	size_t n = 0;
	int ret = -1;

	if (net_addr_list(sk, family, ifindex, &addrs, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* IPv6: the bridge's link-local address is no use as a default gateway */
		if (family == AF_INET6 && addrs[i].scope != RT_SCOPE_UNIVERSE)
			continue;
		memcpy(out, addrs[i].addr, family == AF_INET ? 4 : 16);
		ret = 0;
		break;
	}
	free(addrs);
	return ret;
}

/* lxc.net.N.link for veth: a kernel bridge, or else an Open vSwitch bridge. */
static int net_check_bridge(struct nl_sock *sk, const struct conf_net *n, bool *is_ovs,
			    int *ifindex, struct lxc_error *err)
{
	struct net_link l;
	struct lxc_error lerr = { 0 };

	*is_ovs = false;
	*ifindex = 0;
	if (net_link_get(sk, n->link, 0, &l, &lerr) == 0) {
		*ifindex = l.ifindex;
		if (!strcmp(l.kind, "bridge"))
			return 0;
	} else if (lerr.code != ENODEV) {
		return error_set(err, NIC_FMT ".link: %s", n->index, lerr.msg);
	}
	/* LXC's rule: a link that is not a kernel bridge is taken for an OVS bridge */
	if (net_ovs_bridge_exists(n->link)) {
		*is_ovs = true;
		return 0;
	}
	if (*ifindex)
		return error_set(err, NIC_FMT ".link: \"%s\" is neither a bridge nor an Open vSwitch bridge",
				 n->index, n->link);
	return error_set(err, NIC_FMT ".link: bridge \"%s\" not found", n->index, n->link);
}

static int net_check_one(struct nl_sock *sk, struct conf_net *n, struct lxc_error *err)
{
	struct net_link parent = { 0 };
	uint8_t mac[6];

	if (n->type == NET_UNSET)
		return error_set(err, NIC_FMT ".type is not set", n->index);
	if (n->type == NET_NONE)
		return 0;
	if (n->name && !net_ifname_valid(n->name))
		return error_set(err, NIC_FMT ".name: \"%s\" is not a valid interface name (at most %d characters, no '/', ':' or spaces)",
				 n->index, n->name, IFNAMSIZ - 1);
	if (n->hwaddr && net_hwaddr_parse(n->hwaddr, mac, err) < 0)
		return error_prefix(err, NIC_FMT ".hwaddr", n->index);
	if (n->veth_mode == 1)
		return error_set(err, NIC_FMT ".veth.mode = router is not supported (only bridge)", n->index);
	if (n->veth_vlan_id >= 0 || n->veth_vlan_tagged_ids.len)
		return error_set(err, NIC_FMT ".veth.vlan.*: bridge VLAN filtering is not supported", n->index);
	if (n->l2proxy)
		return error_set(err, NIC_FMT ".l2proxy is not supported", n->index);
	if ((n->ipv4_gateway_set || n->ipv4_gateway_auto || n->ipv4_gateway_dev ||
	     n->ipv6_gateway_set || n->ipv6_gateway_auto || n->ipv6_gateway_dev) && !n->flags_up)
		return error_set(err, NIC_FMT ": a gateway needs the interface up (lxc.net.%d.flags = up)",
				 n->index, n->index);
	switch (n->type) {
	case NET_VETH:
		if (n->veth_pair && !net_ifname_valid(n->veth_pair))
			return error_set(err, NIC_FMT ".veth.pair: \"%s\" is not a valid interface name", n->index, n->veth_pair);
		if (n->link) {
			bool ovs;
			int idx;

			if (net_check_bridge(sk, n, &ovs, &idx, err) < 0)
				return -1;
			parent.ifindex = idx;
		}
		break;
	case NET_MACVLAN:
	case NET_IPVLAN:
	case NET_VLAN:
	case NET_PHYS:
		if (!n->link)
			return error_set(err, NIC_FMT ".link is required for type %s", n->index, net_type_name(n->type));
		if (net_link_get(sk, n->link, 0, &parent, err) < 0)
			return error_prefix(err, NIC_FMT ".link", n->index);
		if (n->type == NET_PHYS && (parent.flags & IFF_LOOPBACK))
			return error_set(err, NIC_FMT ".link: the loopback device cannot be given away", n->index);
		if (n->type == NET_VLAN && (n->vlan_id < 0 || n->vlan_id > 4094))
			return error_set(err, NIC_FMT ".vlan.id is required for type vlan (0-4094)", n->index);
		break;
	default:
		break;
	}
	if (n->ipv4_gateway_auto || n->ipv6_gateway_auto) {
		if (n->type != NET_VETH && n->type != NET_MACVLAN && n->type != NET_IPVLAN)
			return error_set(err, NIC_FMT ": gateway \"auto\" works only for veth, macvlan and ipvlan", n->index);
		if (!n->link || !parent.ifindex)
			return error_set(err, NIC_FMT ": gateway \"auto\" needs lxc.net.%d.link to be a host interface",
					 n->index, n->index);
	}
	/* the child cannot see the host's bridge: resolve "auto" now */
	if (n->ipv4_gateway_auto) {
		if (net_first_addr(sk, AF_INET, parent.ifindex, &n->ipv4_gateway, err) < 0)
			return error_set(err, NIC_FMT ".ipv4.gateway = auto: \"%s\" has no IPv4 address", n->index, n->link);
		n->ipv4_gateway_set = true;
	}
	if (n->ipv6_gateway_auto) {
		if (net_first_addr(sk, AF_INET6, parent.ifindex, n->ipv6_gateway, err) < 0)
			return error_set(err, NIC_FMT ".ipv6.gateway = auto: \"%s\" has no global IPv6 address", n->index, n->link);
		n->ipv6_gateway_set = true;
	}
	return 0;
}

int net_check(struct lxc_conf *conf, struct lxc_error *err)
{
	struct nl_sock sk;
	int ret = 0;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	if (conf->n_nets == 0 || net_all_none(conf))
		return 0;
	if (nl_open(&sk, NETLINK_ROUTE, err) < 0)
		return -1;
	for (size_t i = 0; i < conf->n_nets && ret == 0; i++)
		ret = net_check_one(&sk, &conf->nets[i], err);
	nl_close(&sk);
	return ret;
}

/* ---- scripts --------------------------------------------------------------------------- */

/* LXC runs "exec SCRIPT NAME net up|down TYPE [LINK] [VETH]" through sh (so the key may
 * carry arguments of its own); with lxc.hook.version = 1 the first three go and the rest
 * is in the environment as well (LXC_NET_TYPE, LXC_NET_PARENT, LXC_NET_PEER). */
static int net_run_script(const char *script, const struct net_state *st, const char *hook,
			  const struct net_state_nic *sn, struct lxc_error *err)
{
	const char *type = net_type_name(sn->type);
	const char *peer = sn->type == NET_VETH ? sn->host_ifname : NULL;
	_cleanup_free_ char *cmd = xasprintf("exec %s \"$@\"", script);
	_cleanup_free_ char *e_name = xasprintf("LXC_NAME=%s", st->name ? st->name : "");
	_cleanup_free_ char *e_hook = xasprintf("LXC_HOOK_TYPE=%s", hook);
	_cleanup_free_ char *e_version = xasprintf("LXC_HOOK_VERSION=%d", st->hook_version);
	_cleanup_free_ char *e_type = xasprintf("LXC_NET_TYPE=%s", type);
	_cleanup_free_ char *e_parent = sn->link ? xasprintf("LXC_NET_PARENT=%s", sn->link) : NULL;
	_cleanup_free_ char *e_peer = peer ? xasprintf("LXC_NET_PEER=%s", peer) : NULL;
	char *env[] = { e_name, e_hook, "LXC_HOOK_SECTION=net", e_version, e_type, NULL, NULL, NULL };
	char *argv[12] = { "sh", "-c", cmd, "sh" };
	size_t k = 4, e = 5;

	if (e_parent)
		env[e++] = e_parent;
	if (e_peer)
		env[e++] = e_peer;
	if (st->hook_version == 0) {
		argv[k++] = (char *)(st->name ? st->name : "");
		argv[k++] = "net";
		argv[k++] = (char *)hook;
	}
	argv[k++] = (char *)type;
	if (sn->link)
		argv[k++] = sn->link;
	if (peer)
		argv[k++] = (char *)peer;
	argv[k] = NULL;
	DEBUG(NIC_FMT ": running script.%s \"%s\"", sn->index, hook, script);
	return net_run(argv, env, NULL, err);
}

/* ---- host side ---------------------------------------------------------------------------- */

static struct net_state_nic *net_state_add(struct net_state *st, const struct conf_net *n)
{
	struct net_state_nic *sn;

	st->nics = xrealloc(st->nics, (st->n_nics + 1) * sizeof(*st->nics));
	sn = &st->nics[st->n_nics++];
	memset(sn, 0, sizeof(*sn));
	sn->index = n->index;
	sn->type = n->type;
	sn->link = n->link ? xstrdup(n->link) : NULL;
	return sn;
}

/* Bridge-less veths and veths on kernel bridges get their host end MAC from us: high
 * (0xfe) so that a bridge, which takes the lowest port MAC, keeps a stable address. */
static void net_host_mac(uint8_t mac[6])
{
	net_hwaddr_parse("fe:xx:xx:xx:xx:xx", mac, NULL);
}

static int net_add_host_routes(struct nl_sock *sk, const struct conf_net *n, int ifindex,
			       struct lxc_error *err)
{
	for (size_t i = 0; i < n->veth_ipv4_routes.len; i++) {
		uint32_t dst;
		unsigned prefix;

		if (net_ipv4_parse_cidr(n->veth_ipv4_routes.items[i], &dst, &prefix) < 0)
			return error_set(err, NIC_FMT ".veth.ipv4.route: invalid route \"%s\"", n->index,
					 n->veth_ipv4_routes.items[i]);
		if (net_route_add(sk, AF_INET, &dst, prefix, NULL, ifindex, err) < 0)
			return error_prefix(err, NIC_FMT ".veth.ipv4.route: failed to add \"%s\"", n->index,
					    n->veth_ipv4_routes.items[i]);
	}
	for (size_t i = 0; i < n->veth_ipv6_routes.len; i++) {
		uint8_t dst[16];
		unsigned prefix;

		if (net_ipv6_parse_cidr(n->veth_ipv6_routes.items[i], dst, &prefix) < 0)
			return error_set(err, NIC_FMT ".veth.ipv6.route: invalid route \"%s\"", n->index,
					 n->veth_ipv6_routes.items[i]);
		if (net_route_add(sk, AF_INET6, dst, prefix, NULL, ifindex, err) < 0)
			return error_prefix(err, NIC_FMT ".veth.ipv6.route: failed to add \"%s\"", n->index,
					    n->veth_ipv6_routes.items[i]);
	}
	return 0;
}

static int net_create_veth(struct nl_sock *sk, const struct conf_net *n, pid_t pid,
			   struct net_state_nic *sn, struct lxc_error *err)
{
	struct net_link_spec host = { .kind = "veth", .up = true }, peer = { 0 };
	char name[IFNAMSIZ], tmp[IFNAMSIZ];
	struct net_link link = { 0 }, created;
	uint8_t mac[6];
	bool ovs = false;
	int ret = -1;

	if (n->link) {
		int idx;

		if (net_check_bridge(sk, n, &ovs, &idx, err) < 0)
			return -1;
		if (!ovs && net_link_get(sk, NULL, idx, &link, err) < 0)
			return error_prefix(err, NIC_FMT ".link", n->index);
	}
	net_tmp_ifname(n->index, tmp);
	net_host_mac(mac);
	peer.name = tmp;
	peer.netns_pid = pid;
	/* LXC gives both ends the bridge's MTU unless lxc.net.N.mtu says otherwise */
	peer.mtu = host.mtu = n->mtu ? n->mtu : link.mtu;
	peer.num_rx_queues = host.num_rx_queues = n->veth_n_rxqueues;
	peer.num_tx_queues = host.num_tx_queues = n->veth_n_txqueues;
	host.peer = &peer;
	host.mac = mac;
	host.master = ovs ? 0 : link.ifindex;
	/* a generated name may clash with a device made meanwhile: draw again */
	for (int attempt = 0; attempt < 10; attempt++) {
		if (n->veth_pair)
			snprintf(name, sizeof(name), "%s", n->veth_pair);
		else
			net_random_ifname("vethXXXXXX", name);
		free(sn->host_ifname);
		sn->host_ifname = xstrdup(name); /* recorded first: a crash mid-way is still undone */
		host.name = name;
		ret = net_link_create(sk, &host, err);
		if (ret == 0 || n->veth_pair || err->code != EEXIST)
			break;
	}
	if (ret < 0) {
		if (err->code == EEXIST)
			error_set(err, "interface \"%s\" already exists on the host", name);
		free(sn->host_ifname);
		sn->host_ifname = NULL;
		return error_prefix(err, NIC_FMT "%s", n->index, n->veth_pair ? ".veth.pair" : "");
	}
	if (ovs) {
		char *argv[] = { "ovs-vsctl", "--timeout=30", "--may-exist", "add-port", n->link, name, NULL };

		sn->ovs = true;
		if (net_run(argv, NULL, NULL, err) < 0)
			return error_prefix(err, NIC_FMT ": failed to add \"%s\" to Open vSwitch bridge \"%s\"",
					    n->index, name, n->link);
	}
	if (net_link_get(sk, name, 0, &created, err) < 0)
		return error_prefix(err, NIC_FMT, n->index);
	sn->ns_ifindex = created.link;
	if (net_add_host_routes(sk, n, created.ifindex, err) < 0)
		return -1;
	DEBUG(NIC_FMT ": veth pair \"%s\" <-> \"%s\"%s%s", n->index, name, tmp, n->link ? " on " : "",
	      n->link ? n->link : "");
	return 0;
}

/* The index a NIC has in the container's namespace, by its temporary name there. */
static int net_find_in_container(const struct net_state *st, const char *name, int *ifindex,
				 struct lxc_error *err)
{
	struct nl_sock csk;
	struct net_link l;
	int ret;

	if (nl_open_in_netns(&csk, NETLINK_ROUTE, st->netns_fd, err) < 0)
		return -1;
	ret = net_link_get(&csk, name, 0, &l, err);
	nl_close(&csk);
	if (ret == 0)
		*ifindex = l.ifindex;
	return ret;
}

/* A passthru macvlan needs its lower device to itself (the kernel says EINVAL otherwise).
 * The macvlan of a container that just stopped goes away with its network namespace,
 * which the kernel frees asynchronously: a quick restart waits for that, up to 2 s. */
static int net_link_create_retrying(struct nl_sock *sk, const struct net_link_spec *spec,
				    struct lxc_error *err)
{
	bool passthru = spec->kind && !strcmp(spec->kind, "macvlan") &&
			spec->macvlan_mode == MACVLAN_MODE_PASSTHRU;

	for (int tries = 0;; tries++) {
		if (net_link_create(sk, spec, err) == 0)
			return 0;
		if (!passthru || !err || err->code != EINVAL || tries >= 100)
			return -1;
		error_clear(err);
		usleep(20 * 1000);
	}
}

static int net_create_lower(struct nl_sock *sk, const struct conf_net *n, const struct net_state *st,
			    struct net_state_nic *sn, struct lxc_error *err)
{
	pid_t pid = st->pid;
	struct net_link_spec spec = { .netns_pid = pid, .mtu = n->mtu };
	struct net_link parent;
	char tmp[IFNAMSIZ];

	if (net_link_get(sk, n->link, 0, &parent, err) < 0)
		return error_prefix(err, NIC_FMT ".link", n->index);
	net_tmp_ifname(n->index, tmp);
	spec.name = tmp;
	spec.lower = parent.ifindex;
	switch (n->type) {
	case NET_MACVLAN:
		spec.kind = "macvlan";
		spec.macvlan_mode = n->macvlan_mode ? (unsigned)n->macvlan_mode : MACVLAN_MODE_PRIVATE;
		break;
	case NET_IPVLAN:
		spec.kind = "ipvlan";
		spec.ipvlan_mode = n->ipvlan_mode >= 0 ? n->ipvlan_mode : IPVLAN_MODE_L3;
		spec.ipvlan_flags = n->ipvlan_isolation >= 0 ? n->ipvlan_isolation : 0;
		break;
	default:
		spec.kind = "vlan";
		spec.vlan_id = n->vlan_id;
		break;
	}
	/* made inside the container's namespace at once: nothing to clean up on the host */
	if (net_link_create_retrying(sk, &spec, err) < 0)
		return error_prefix(err, NIC_FMT " (link \"%s\")", n->index, n->link);
	if (net_find_in_container(st, tmp, &sn->ns_ifindex, err) < 0)
		return error_prefix(err, NIC_FMT ": the new %s device", n->index, spec.kind);
	return 0;
}

static int net_move_phys(struct nl_sock *sk, const struct conf_net *n, const struct net_state *st,
			 struct net_state_nic *sn, struct lxc_error *err)
{
	struct net_link l, moved;
	struct nl_sock csk;
	char tmp[IFNAMSIZ];

	if (net_link_get(sk, n->link, 0, &l, err) < 0)
		return error_prefix(err, NIC_FMT ".link", n->index);
	sn->phys_name = xstrdup(l.name);
	sn->phys_ifindex = l.ifindex;
	sn->phys_mtu = l.mtu;
	if (l.has_mac)
		memcpy(sn->phys_mac, l.mac, 6);
	net_tmp_ifname(n->index, tmp);
	sn->phys_moved = true; /* before the move: a crash right after it must still give it back */
	if (net_link_move(sk, l.ifindex, st->pid, -1, tmp, err) < 0) {
		sn->phys_moved = false;
		return error_prefix(err, NIC_FMT ": failed to move \"%s\" into the container", n->index, n->link);
	}
	/* its index there finds it at teardown whatever the container renamed it to */
	if (nl_open_in_netns(&csk, NETLINK_ROUTE, st->netns_fd, err) < 0)
		return error_prefix(err, NIC_FMT, n->index);
	if (net_link_get(&csk, tmp, 0, &moved, err) == 0)
		sn->ns_ifindex = sn->phys_ns_ifindex = moved.ifindex;
	nl_close(&csk);
	return sn->phys_ns_ifindex ? 0 : error_prefix(err, NIC_FMT ": \"%s\" did not arrive in the container", n->index, n->link);
}

int net_create_host_side(const struct lxc_conf *conf, const char *name, pid_t child_pid,
			 struct net_state *st, struct lxc_error *err)
{
	struct nl_sock sk;
	int ret = 0;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	free(st->name);
	st->name = xstrdup(name ? name : "");
	st->hook_version = conf->hook_version;
	st->pid = child_pid;
	st->pid_starttime = net_pid_starttime(child_pid);
	if (net_all_none(conf))
		return 0;
	if (st->netns_fd < 0) {
		/* held until teardown: phys devices, and those lxc-device moved in, must be
		 * taken back out of a live namespace */
		st->netns_fd = net_open_netns(child_pid, err);
		if (st->netns_fd < 0)
			return error_prefix(err, "container network namespace");
	}
	if (conf->n_nets == 0)
		return 0;
	if (nl_open(&sk, NETLINK_ROUTE, err) < 0)
		return -1;
	for (size_t i = 0; i < conf->n_nets && ret == 0; i++) {
		const struct conf_net *n = &conf->nets[i];
		struct net_state_nic *sn;

		if (n->type == NET_NONE)
			continue;
		sn = net_state_add(st, n);
		switch (n->type) {
		case NET_VETH:
			ret = net_create_veth(&sk, n, child_pid, sn, err);
			break;
		case NET_MACVLAN:
		case NET_IPVLAN:
		case NET_VLAN:
			ret = net_create_lower(&sk, n, st, sn, err);
			break;
		case NET_PHYS:
			ret = net_move_phys(&sk, n, st, sn, err);
			break;
		case NET_EMPTY:
			break;
		default:
			ret = error_set(err, NIC_FMT ".type is not set", n->index);
		}
		if (ret == 0 && n->script_up) {
			ret = net_run_script(n->script_up, st, "up", sn, err);
			if (ret < 0)
				error_prefix(err, NIC_FMT ".script.up", n->index);
		}
		if (ret == 0) {
			sn->script_down = n->script_down ? xstrdup(n->script_down) : NULL;
			sn->script_up_done = true;
		}
	}
	nl_close(&sk);
	return ret;
}

/* ---- container side ------------------------------------------------------------------------- */

static int net_default_route(struct nl_sock *sk, const struct conf_net *n, int family, int ifindex,
			     struct lxc_error *err)
{
	bool dev = family == AF_INET ? n->ipv4_gateway_dev : n->ipv6_gateway_dev;
	const void *gw = family == AF_INET ? (const void *)&n->ipv4_gateway : (const void *)n->ipv6_gateway;
	const char *key = family == AF_INET ? "ipv4.gateway" : "ipv6.gateway";
	char text[INET6_ADDRSTRLEN];

	if (dev) {
		if (net_route_add(sk, family, NULL, 0, NULL, ifindex, err) < 0)
			return error_prefix(err, NIC_FMT ".%s = dev: failed to add the default route", n->index, key);
		return 0;
	}
	if (net_route_add(sk, family, NULL, 0, gw, ifindex, err) == 0)
		return 0;
	inet_ntop(family, gw, text, sizeof(text));
	/* a gateway outside every configured prefix: reach it on the link first, as LXC does */
	if (err->code == ENETUNREACH || err->code == EHOSTUNREACH) {
		if (net_route_add(sk, family, gw, family == AF_INET ? 32 : 128, NULL, ifindex, err) == 0 &&
		    net_route_add(sk, family, NULL, 0, gw, ifindex, err) == 0)
			return 0;
	}
	return error_prefix(err, NIC_FMT ".%s: failed to add the default route via %s", n->index, key, text);
}

static int net_configure_one(struct nl_sock *sk, const struct conf_net *n, struct lxc_error *err)
{
	char tmp[IFNAMSIZ];
	struct net_link l;

	net_tmp_ifname(n->index, tmp);
	if (net_link_get(sk, tmp, 0, &l, err) < 0)
		return error_prefix(err, NIC_FMT ": the %s device did not arrive in the container", n->index,
				    net_type_name(n->type));
	if (n->hwaddr) {
		uint8_t mac[6];

		if (net_hwaddr_parse(n->hwaddr, mac, err) < 0 || net_link_set_mac(sk, l.ifindex, mac, err) < 0)
			return error_prefix(err, NIC_FMT ".hwaddr", n->index);
	}
	if (n->mtu && n->mtu != l.mtu && net_link_set_mtu(sk, l.ifindex, n->mtu, err) < 0)
		return error_prefix(err, NIC_FMT ".mtu", n->index);
	/* "eth%d": the kernel picks the first free number, as LXC's default does */
	if (net_link_rename(sk, l.ifindex, n->name ? n->name : "eth%d", err) < 0)
		return error_prefix(err, NIC_FMT ".name", n->index);
	for (size_t i = 0; i < n->n_ipv4; i++) {
		const struct net_ipv4 *a = &n->ipv4[i];
		uint32_t bcast = a->broadcast;

		if (!bcast && a->prefix < 31)
			bcast = a->addr | htonl(a->prefix ? 0xffffffffu >> a->prefix : 0xffffffffu);
		if (net_addr_add(sk, l.ifindex, AF_INET, &a->addr, a->prefix, bcast ? &bcast : NULL, err) < 0)
			return error_prefix(err, NIC_FMT ".ipv4.address", n->index);
	}
	for (size_t i = 0; i < n->n_ipv6; i++)
		if (net_addr_add(sk, l.ifindex, AF_INET6, n->ipv6[i].addr, n->ipv6[i].prefix, NULL, err) < 0)
			return error_prefix(err, NIC_FMT ".ipv6.address", n->index);
	if (!n->flags_up)
		return 0;
	if (net_link_set_up(sk, l.ifindex, true, err) < 0)
		return error_prefix(err, NIC_FMT ".flags", n->index);
	/* routes via a gateway need the prefix routes that appear when the link is up */
	if ((n->ipv4_gateway_set || n->ipv4_gateway_dev) && net_default_route(sk, n, AF_INET, l.ifindex, err) < 0)
		return -1;
	if ((n->ipv6_gateway_set || n->ipv6_gateway_dev) && net_default_route(sk, n, AF_INET6, l.ifindex, err) < 0)
		return -1;
	return 0;
}

int net_configure_container_side(const struct lxc_conf *conf, struct lxc_error *err)
{
	struct net_link lo;
	struct nl_sock sk;
	int ret = 0;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	if (net_all_none(conf))
		return 0;
	if (nl_open(&sk, NETLINK_ROUTE, err) < 0)
		return -1;
	if (net_link_get(&sk, "lo", 0, &lo, err) < 0 || net_link_set_up(&sk, lo.ifindex, true, err) < 0) {
		nl_close(&sk);
		return error_prefix(err, "loopback");
	}
	for (size_t i = 0; i < conf->n_nets && ret == 0; i++) {
		const struct conf_net *n = &conf->nets[i];

		if (n->type == NET_NONE || n->type == NET_EMPTY)
			continue;
		ret = net_configure_one(&sk, n, err);
	}
	nl_close(&sk);
	return ret;
}

/* ---- teardown --------------------------------------------------------------------------------- */

/* Keep the first failure for the caller, log the others. */
static void net_note(struct lxc_error *first, bool *failed, const struct lxc_error *e)
{
	if (!*failed) {
		*first = *e;
		*failed = true;
	} else {
		WARN("%s", e->msg);
	}
}

/* The container's netns: the one we hold, or init's if it still runs (same start time). */
static int net_container_netns(struct net_state *st)
{
	if (st->netns_fd >= 0)
		return dup(st->netns_fd);
	if (st->pid > 0 && st->pid_starttime && net_pid_starttime(st->pid) == st->pid_starttime)
		return net_open_netns(st->pid, NULL);
	return -1;
}

/* Find the phys device by the index it has in that namespace (ifindex), else by its
 * original MAC, else by its original host index (a move keeps the index when free). */
static int net_find_phys(struct nl_sock *sk, const struct net_state_nic *sn, int ifindex,
			 bool by_host_index, struct net_link *out, struct lxc_error *err)
{
	struct net_link *links = NULL;
	size_t n = 0;
	int found = -1;
	static const uint8_t zero[6];

	if (net_link_list(sk, &links, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && found < 0 && ifindex; i++)
		if (links[i].ifindex == ifindex && !(links[i].flags & IFF_LOOPBACK))
			found = (int)i;
	for (size_t i = 0; i < n && found < 0; i++)
		if (memcmp(sn->phys_mac, zero, 6) && links[i].has_mac && !memcmp(links[i].mac, sn->phys_mac, 6) &&
		    !(links[i].flags & IFF_LOOPBACK))
			found = (int)i;
	for (size_t i = 0; i < n && found < 0 && by_host_index; i++)
		if (links[i].ifindex == sn->phys_ifindex && !(links[i].flags & IFF_LOOPBACK))
			found = (int)i;
	if (found >= 0)
		*out = links[found];
	free(links);
	if (found < 0) {
		error_set(err, "device not found");
		err->code = ENODEV;
	}
	return found < 0 ? -1 : 0;
}

/* The container may have changed the device's MTU and MAC (lxc.net.N.mtu/hwaddr): the
 * host gets them back as they were. */
static void net_restore_phys(struct nl_sock *host, const struct net_state_nic *sn)
{
	static const uint8_t zero[6];
	struct net_link l;
	struct lxc_error e = { 0 };

	if (net_link_get(host, sn->phys_name, 0, &l, &e) < 0)
		return;
	if (sn->phys_mtu && l.mtu != sn->phys_mtu && net_link_set_mtu(host, l.ifindex, sn->phys_mtu, &e) < 0)
		WARN(NIC_FMT ": failed to restore the mtu of \"%s\": %s", sn->index, sn->phys_name, e.msg);
	if (memcmp(sn->phys_mac, zero, 6) && l.has_mac && memcmp(l.mac, sn->phys_mac, 6) &&
	    net_link_set_mac(host, l.ifindex, sn->phys_mac, &e) < 0)
		WARN(NIC_FMT ": failed to restore the hwaddr of \"%s\": %s", sn->index, sn->phys_name, e.msg);
}

static int net_return_phys(struct net_state *st, struct nl_sock *host, struct net_state_nic *sn,
			   struct lxc_error *err)
{
	_cleanup_close_ int ns = net_container_netns(st);
	_cleanup_close_ int self = -1;
	struct nl_sock csk;
	struct net_link l;
	int ret;

	if (ns < 0) {
		/* init and its namespace are gone: the kernel handed a real device back to the
		 * initial namespace under its container name; find it and restore the name */
		if (net_link_get(host, sn->phys_name, 0, &l, err) == 0)
			return 0; /* back already */
		/* by MAC only: on the host its old index may belong to another device by now */
		if (net_find_phys(host, sn, 0, false, &l, err) < 0) {
			error_set(err, NIC_FMT ": \"%s\" did not come back to the host (a virtual device dies with the container)",
				  sn->index, sn->phys_name);
			return -1;
		}
		if (strcmp(l.name, sn->phys_name) != 0 && net_link_rename(host, l.ifindex, sn->phys_name, err) < 0)
			return error_prefix(err, NIC_FMT ": giving \"%s\" its name back", sn->index, sn->phys_name);
		net_restore_phys(host, sn);
		return 0;
	}
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return error_sys(err, errno, "failed to open /proc/thread-self/ns/net");
	if (nl_open_in_netns(&csk, NETLINK_ROUTE, ns, err) < 0)
		return error_prefix(err, NIC_FMT ": returning \"%s\"", sn->index, sn->phys_name);
	ret = net_find_phys(&csk, sn, sn->phys_ns_ifindex, true, &l, err);
	if (ret == 0) {
		struct net_link taken;
		struct lxc_error e2 = { 0 };
		/* the kernel moves first and renames after: with its name taken on the host the
		 * device still comes back, under a name of the kernel's choosing, and we say so */
		bool clash = net_link_get(host, sn->phys_name, 0, &taken, &e2) == 0;

		(void)net_link_set_up(&csk, l.ifindex, false, NULL);
		ret = net_link_move(&csk, l.ifindex, 0, self, clash ? "dev%d" : sn->phys_name, err);
		if (ret < 0)
			error_prefix(err, NIC_FMT ": failed to move \"%s\" back to the host", sn->index, sn->phys_name);
		else if (clash)
			ret = error_set(err, NIC_FMT ": \"%s\" is taken on the host; the device came back under another name",
					sn->index, sn->phys_name);
	} else {
		error_prefix(err, NIC_FMT ": \"%s\" is no longer in the container", sn->index, sn->phys_name);
	}
	nl_close(&csk);
	if (ret == 0)
		net_restore_phys(host, sn);
	return ret;
}

#define NSID_UNASKED (-2) /* net_netns_id answers -1 when there is none */

/* A device in the container that came from outside (lxc-device add) and is not one of
 * the NICs we made: a physical one (no kind), or a veth, macvlan, ipvlan or vlan whose
 * peer or lower device is in our namespace (host_nsid: its id there). Devices the
 * container made for itself, also those paired with a nested container, die with it. */
static bool net_is_foreign(const struct net_state *st, int host_nsid, const struct net_link *l)
{
	static const char *const kinds[] = { "veth", "macvlan", "ipvlan", "vlan" };
	bool known_kind = false;

	if (l->flags & IFF_LOOPBACK)
		return false;
	for (size_t i = 0; i < st->n_nics; i++)
		if (st->nics[i].ns_ifindex == l->ifindex || st->nics[i].phys_ns_ifindex == l->ifindex)
			return false;
	if (!l->kind[0])
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		known_kind |= !strcmp(l->kind, kinds[i]);
	return known_kind && host_nsid >= 0 && l->link_netnsid == host_nsid;
}

/* Move the foreign devices of the (still held) container namespace to ours, under the
 * names they have in there; a name taken here gets one of the kernel's choosing. */
static int net_return_foreign(struct net_state *st, struct nl_sock *host, struct lxc_error *first,
			      bool *failed)
{
	_cleanup_close_ int self = -1;
	struct net_link *links = NULL;
	struct lxc_error e = { 0 };
	struct nl_sock csk;
	size_t n = 0;
	int host_nsid = NSID_UNASKED;

	if (st->netns_fd < 0)
		return 0;
	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		error_sys(&e, errno, "failed to open /proc/thread-self/ns/net");
		net_note(first, failed, &e);
		return -1;
	}
	if (nl_open_in_netns(&csk, NETLINK_ROUTE, st->netns_fd, &e) < 0 || net_link_list(&csk, &links, &n, &e) < 0) {
		if (csk.fd >= 0)
			nl_close(&csk);
		net_note(first, failed, &e);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct net_link taken;
		bool clash;

		/* our namespace's id in there: asked once, and only when there is more than lo */
		if (!(links[i].flags & IFF_LOOPBACK) && host_nsid == NSID_UNASKED)
			host_nsid = net_netns_id(&csk, self, NULL);
		if (!net_is_foreign(st, host_nsid, &links[i]))
			continue;
		clash = net_link_get(host, links[i].name, 0, &taken, NULL) == 0;
		(void)net_link_set_up(&csk, links[i].ifindex, false, NULL);
		if (net_link_move(&csk, links[i].ifindex, 0, self, clash ? "dev%d" : links[i].name, &e) < 0) {
			error_prefix(&e, "failed to move \"%s\" out of the container", links[i].name);
			net_note(first, failed, &e);
		} else {
			INFO("moved \"%s\" out of the container%s", links[i].name,
			     clash ? " under another name (its name is taken on the host)" : "");
		}
	}
	free(links);
	nl_close(&csk);
	return 0;
}

static int net_remove_veth(struct nl_sock *host, struct net_state_nic *sn, struct lxc_error *err)
{
	struct net_link l;
	int ret = 0;

	if (sn->ovs && sn->link) {
		char *argv[] = { "ovs-vsctl", "--timeout=30", "--if-exists", "del-port", sn->link, sn->host_ifname, NULL };

		if (net_run(argv, NULL, NULL, err) < 0)
			ret = error_prefix(err, NIC_FMT ": failed to remove port \"%s\" from Open vSwitch bridge \"%s\"",
					   sn->index, sn->host_ifname, sn->link);
	}
	if (net_link_get(host, sn->host_ifname, 0, &l, err) < 0) {
		/* gone already: it died with its peer's namespace */
		return err->code == ENODEV ? ret : error_prefix(err, NIC_FMT, sn->index);
	}
	if (strcmp(l.kind, "veth") != 0)
		return error_set(err, NIC_FMT ": \"%s\" is not a veth device any more; left alone", sn->index,
				 sn->host_ifname);
	if (net_link_delete(host, l.ifindex, err) < 0 && err->code != ENODEV)
		return error_prefix(err, NIC_FMT ": \"%s\"", sn->index, sn->host_ifname);
	return ret;
}

int net_teardown(struct net_state *st, struct lxc_error *err)
{
	struct lxc_error first = { 0 }, e = { 0 };
	bool failed = false;
	struct nl_sock host;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	if (st->n_nics == 0 && st->netns_fd < 0)
		goto out;
	if (nl_open(&host, NETLINK_ROUTE, err) < 0)
		return -1;
	net_return_foreign(st, &host, &first, &failed);
	/* in lxc.net.N order, as LXC runs the script.down hooks */
	for (size_t i = 0; i < st->n_nics; i++) {
		struct net_state_nic *sn = &st->nics[i];

		/* script.down runs "before destroying the network" (lxc.container.conf(5)) */
		if (sn->script_up_done && sn->script_down) {
			if (net_run_script(sn->script_down, st, "down", sn, &e) < 0) {
				error_prefix(&e, NIC_FMT ".script.down", sn->index);
				net_note(&first, &failed, &e);
			}
		}
		if (sn->type == NET_PHYS && sn->phys_moved && net_return_phys(st, &host, sn, &e) < 0)
			net_note(&first, &failed, &e);
		if (sn->type == NET_VETH && sn->host_ifname && net_remove_veth(&host, sn, &e) < 0)
			net_note(&first, &failed, &e);
	}
	for (size_t i = 0; i < st->n_nics; i++)
		net_state_nic_clear(&st->nics[i]);
	st->n_nics = 0;
	nl_close(&host);
out:
	if (st->netns_fd >= 0) {
		close(st->netns_fd);
		st->netns_fd = -1;
	}
	if (failed) {
		if (err)
			*err = first;
		return -1;
	}
	return 0;
}
