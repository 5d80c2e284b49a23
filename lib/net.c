/* Network device operations over rtnetlink (links, addresses, routes), address and name
 * helpers, and running the few programs networking needs (ovs-vsctl, nft, scripts). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "utils.h"

extern char **environ;

const char *net_type_name(enum net_type type)
{
	switch (type) {
	case NET_EMPTY: return "empty";
	case NET_VETH: return "veth";
	case NET_MACVLAN: return "macvlan";
	case NET_IPVLAN: return "ipvlan";
	case NET_VLAN: return "vlan";
	case NET_PHYS: return "phys";
	case NET_NONE: return "none";
	case NET_UNSET: break;
	}
	return "unset";
}

/* ---- links ------------------------------------------------------------------------ */

static void net_parse_linkinfo(const struct nlattr *li, struct net_link *out)
{
	const struct nlattr *tb[IFLA_INFO_MAX + 1];

	nl_attr_parse(nl_attr_data(li), nl_attr_len(li), tb, IFLA_INFO_MAX);
	if (tb[IFLA_INFO_KIND])
		nl_attr_get_str(tb[IFLA_INFO_KIND], out->kind, sizeof(out->kind));
}

int net_link_parse(const struct nlmsghdr *h, struct net_link *out)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const void *attrs;
	size_t len;
	uint32_t u;

	if (h->nlmsg_type != RTM_NEWLINK || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -1;
	memset(out, 0, sizeof(*out));
	out->ifindex = ifi->ifi_index;
	out->flags = ifi->ifi_flags;
	out->link_netnsid = -1;
	attrs = nl_msg_attrs(h, sizeof(*ifi), &len);
	nl_attr_parse(attrs, len, tb, IFLA_MAX);
	nl_attr_get_str(tb[IFLA_IFNAME], out->name, sizeof(out->name));
	if (nl_attr_get_u32(tb[IFLA_MTU], &u))
		out->mtu = u;
	if (nl_attr_get_u32(tb[IFLA_MASTER], &u))
		out->master = (int)u;
	if (nl_attr_get_u32(tb[IFLA_LINK], &u))
		out->link = (int)u;
	if (nl_attr_get_u32(tb[IFLA_LINK_NETNSID], &u))
		out->link_netnsid = (int)u;
	if (tb[IFLA_ADDRESS] && nl_attr_len(tb[IFLA_ADDRESS]) == 6) {
		memcpy(out->mac, nl_attr_data(tb[IFLA_ADDRESS]), 6);
		out->has_mac = true;
	}
	if (tb[IFLA_STATS64] && nl_attr_len(tb[IFLA_STATS64]) >= 4 * sizeof(uint64_t)) {
		uint64_t s[4]; /* rx_packets, tx_packets, rx_bytes, tx_bytes */

		memcpy(s, nl_attr_data(tb[IFLA_STATS64]), sizeof(s));
		out->rx_bytes = s[2];
		out->tx_bytes = s[3];
	}
	if (tb[IFLA_LINKINFO])
		net_parse_linkinfo(tb[IFLA_LINKINFO], out);
	return 0;
}

static int net_link_one_cb(const struct nlmsghdr *h, void *arg, struct lxc_error *err)
{
	return net_link_parse(h, arg) < 0 ? error_set(err, "unexpected reply to RTM_GETLINK") : 0;
}

static int net_link_get_nsid(struct nl_sock *sk, int netnsid, const char *name, int ifindex,
			     struct net_link *out, struct lxc_error *err)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	int ret;

	nl_msg_init(&m, RTM_GETLINK, 0);
	ifi = nl_msg_reserve(&m, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (netnsid >= 0)
		nl_attr_put_s32(&m, IFLA_TARGET_NETNSID, netnsid);
	if (!ifindex) {
		if (!name || !net_ifname_valid(name)) {
			nl_msg_free(&m);
			error_set(err, "invalid interface name \"%s\"", name ? name : "");
			if (err)
				err->code = ENODEV;
			return -1;
		}
		nl_attr_put_str(&m, IFLA_IFNAME, name);
	}
	memset(out, 0, sizeof(*out));
	ret = nl_query(sk, &m, net_link_one_cb, out, err);
	nl_msg_free(&m);
	if (ret < 0 && err && err->code == ENODEV) {
		if (ifindex)
			error_sys(err, ENODEV, "no interface with index %d", ifindex);
		else
			error_sys(err, ENODEV, "no interface \"%s\"", name);
	}
	return ret;
}

int net_link_get(struct nl_sock *sk, const char *name, int ifindex, struct net_link *out,
		 struct lxc_error *err)
{
	return net_link_get_nsid(sk, -1, name, ifindex, out, err);
}

int net_link_get_peer(struct nl_sock *sk, int netnsid, int ifindex, struct net_link *out,
		      struct lxc_error *err)
{
	return net_link_get_nsid(sk, netnsid, NULL, ifindex, out, err);
}

static int net_nsid_cb(const struct nlmsghdr *h, void *arg, struct lxc_error *err)
{
	const struct nlattr *tb[NETNSA_MAX + 1];
	const void *attrs;
	size_t len;
	uint32_t v;

	if (h->nlmsg_type != RTM_NEWNSID || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct rtgenmsg)))
		return error_set(err, "unexpected reply to RTM_GETNSID");
	attrs = nl_msg_attrs(h, sizeof(struct rtgenmsg), &len);
	nl_attr_parse(attrs, len, tb, NETNSA_MAX);
	if (nl_attr_get_u32(tb[NETNSA_NSID], &v))
		*(int *)arg = (int)v;
	return 0;
}

int net_netns_id(struct nl_sock *sk, int netns_fd, struct lxc_error *err)
{
	struct nl_msg m;
	struct rtgenmsg *g;
	int id = -1, ret;

	nl_msg_init(&m, RTM_GETNSID, 0);
	g = nl_msg_reserve(&m, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	nl_attr_put_u32(&m, NETNSA_FD, (uint32_t)netns_fd);
	ret = nl_query(sk, &m, net_nsid_cb, &id, err);
	nl_msg_free(&m);
	if (ret < 0)
		return error_prefix(err, "failed to ask for a network namespace id");
	return id < 0 ? -1 : id;
}

struct net_link_vec {
	struct net_link *v;
	size_t n;
};

static int net_link_list_cb(const struct nlmsghdr *h, void *arg, struct lxc_error *err)
{
	struct net_link_vec *vec = arg;
	struct net_link l;

	if (net_link_parse(h, &l) < 0)
		return 0;
	vec->v = xrealloc(vec->v, (vec->n + 1) * sizeof(*vec->v));
	vec->v[vec->n++] = l;
	return 0;
}

int net_link_list(struct nl_sock *sk, struct net_link **out, size_t *n, struct lxc_error *err)
{
	struct net_link_vec vec = { 0 };
	struct nl_msg m;
	struct ifinfomsg *ifi;
	int ret;

	nl_msg_init(&m, RTM_GETLINK, NLM_F_DUMP);
	ifi = nl_msg_reserve(&m, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ret = nl_query(sk, &m, net_link_list_cb, &vec, err);
	nl_msg_free(&m);
	if (ret < 0) {
		free(vec.v);
		return error_prefix(err, "failed to list network interfaces");
	}
	*out = vec.v;
	*n = vec.n;
	return 0;
}

static void net_put_link_spec(struct nl_msg *m, const struct net_link_spec *spec);

static void net_put_linkinfo(struct nl_msg *m, const struct net_link_spec *spec)
{
	size_t info = nl_nest_start(m, IFLA_LINKINFO), data;

	nl_attr_put_str(m, IFLA_INFO_KIND, spec->kind);
	if (!strcmp(spec->kind, "veth") && spec->peer) {
		size_t peer;
		struct ifinfomsg *pifi;

		data = nl_nest_start(m, IFLA_INFO_DATA);
		peer = nl_nest_start(m, VETH_INFO_PEER);
		/* the peer's attributes follow its own ifinfomsg */
		pifi = nl_msg_reserve(m, sizeof(*pifi));
		pifi->ifi_family = AF_UNSPEC;
		if (spec->peer->up) {
			pifi->ifi_flags = IFF_UP;
			pifi->ifi_change = IFF_UP;
		}
		net_put_link_spec(m, spec->peer);
		nl_nest_end(m, peer);
		nl_nest_end(m, data);
	} else if (!strcmp(spec->kind, "macvlan")) {
		data = nl_nest_start(m, IFLA_INFO_DATA);
		nl_attr_put_u32(m, IFLA_MACVLAN_MODE, spec->macvlan_mode ? spec->macvlan_mode : MACVLAN_MODE_PRIVATE);
		nl_nest_end(m, data);
	} else if (!strcmp(spec->kind, "ipvlan")) {
		data = nl_nest_start(m, IFLA_INFO_DATA);
		nl_attr_put_u16(m, IFLA_IPVLAN_MODE, (uint16_t)spec->ipvlan_mode);
		nl_attr_put_u16(m, IFLA_IPVLAN_FLAGS, (uint16_t)spec->ipvlan_flags);
		nl_nest_end(m, data);
	} else if (!strcmp(spec->kind, "vlan")) {
		data = nl_nest_start(m, IFLA_INFO_DATA);
		nl_attr_put_u16(m, IFLA_VLAN_ID, (uint16_t)spec->vlan_id);
		nl_nest_end(m, data);
	}
	nl_nest_end(m, info);
}

static void net_put_link_spec(struct nl_msg *m, const struct net_link_spec *spec)
{
	if (spec->name)
		nl_attr_put_str(m, IFLA_IFNAME, spec->name);
	if (spec->mtu)
		nl_attr_put_u32(m, IFLA_MTU, spec->mtu);
	if (spec->mac)
		nl_attr_put(m, IFLA_ADDRESS, spec->mac, 6);
	if (spec->master)
		nl_attr_put_u32(m, IFLA_MASTER, (uint32_t)spec->master);
	if (spec->lower)
		nl_attr_put_u32(m, IFLA_LINK, (uint32_t)spec->lower);
	if (spec->netns_pid > 0)
		nl_attr_put_u32(m, IFLA_NET_NS_PID, (uint32_t)spec->netns_pid);
	if (spec->num_rx_queues)
		nl_attr_put_u32(m, IFLA_NUM_RX_QUEUES, spec->num_rx_queues);
	if (spec->num_tx_queues)
		nl_attr_put_u32(m, IFLA_NUM_TX_QUEUES, spec->num_tx_queues);
	if (spec->kind)
		net_put_linkinfo(m, spec);
}

int net_link_create(struct nl_sock *sk, const struct net_link_spec *spec, struct lxc_error *err)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	int ret;

	nl_msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = nl_msg_reserve(&m, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (spec->up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	net_put_link_spec(&m, spec);
	ret = nl_transact(sk, &m, err);
	nl_msg_free(&m);
	if (ret < 0)
		return error_prefix(err, "failed to create %s device \"%s\"", spec->kind, spec->name);
	return 0;
}

/* RTM_NEWLINK on an existing device with the attributes the caller adds. */
static int net_link_change(struct nl_sock *sk, struct nl_msg *m, struct lxc_error *err)
{
	return nl_transact(sk, m, err);
}

static struct ifinfomsg *net_link_msg(struct nl_msg *m, int ifindex)
{
	struct ifinfomsg *ifi;

	nl_msg_init(m, RTM_NEWLINK, 0);
	ifi = nl_msg_reserve(m, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return ifi;
}

int net_link_delete(struct nl_sock *sk, int ifindex, struct lxc_error *err)
{
	struct nl_msg m;
	struct ifinfomsg *ifi;
	int ret;

	nl_msg_init(&m, RTM_DELLINK, 0);
	ifi = nl_msg_reserve(&m, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ret = nl_transact(sk, &m, err);
	nl_msg_free(&m);
	return ret < 0 ? error_prefix(err, "failed to delete interface %d", ifindex) : 0;
}

int net_link_set_up(struct nl_sock *sk, int ifindex, bool up, struct lxc_error *err)
{
	struct nl_msg m;
	struct ifinfomsg *ifi = net_link_msg(&m, ifindex);
	int ret;

	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	ret = net_link_change(sk, &m, err);
	nl_msg_free(&m);
	return ret < 0 ? error_prefix(err, "failed to bring %s interface %d", up ? "up" : "down", ifindex) : 0;
}

int net_link_set_mtu(struct nl_sock *sk, int ifindex, unsigned mtu, struct lxc_error *err)
{
	struct nl_msg m;
	int ret;

	net_link_msg(&m, ifindex);
	nl_attr_put_u32(&m, IFLA_MTU, mtu);
	ret = net_link_change(sk, &m, err);
	nl_msg_free(&m);
	return ret < 0 ? error_prefix(err, "failed to set mtu %u", mtu) : 0;
}

int net_link_set_mac(struct nl_sock *sk, int ifindex, const uint8_t mac[6], struct lxc_error *err)
{
	char text[18];
	struct nl_msg m;
	int ret;

	net_link_msg(&m, ifindex);
	nl_attr_put(&m, IFLA_ADDRESS, mac, 6);
	ret = net_link_change(sk, &m, err);
	nl_msg_free(&m);
	net_hwaddr_format(mac, text);
	return ret < 0 ? error_prefix(err, "failed to set hwaddr %s", text) : 0;
}

int net_link_set_master(struct nl_sock *sk, int ifindex, int master, struct lxc_error *err)
{
	struct nl_msg m;
	int ret;

	net_link_msg(&m, ifindex);
	nl_attr_put_u32(&m, IFLA_MASTER, (uint32_t)master);
	ret = net_link_change(sk, &m, err);
	nl_msg_free(&m);
	return ret < 0 ? error_prefix(err, "failed to attach interface %d to bridge %d", ifindex, master) : 0;
}

int net_link_rename(struct nl_sock *sk, int ifindex, const char *name, struct lxc_error *err)
{
	struct nl_msg m;
	int ret;

	net_link_msg(&m, ifindex);
	nl_attr_put_str(&m, IFLA_IFNAME, name);
	ret = net_link_change(sk, &m, err);
	nl_msg_free(&m);
	return ret < 0 ? error_prefix(err, "failed to rename interface %d to \"%s\"", ifindex, name) : 0;
}

int net_link_move(struct nl_sock *sk, int ifindex, pid_t pid, int netns_fd, const char *new_name,
		  struct lxc_error *err)
{
	struct nl_msg m;
	int ret;

	net_link_msg(&m, ifindex);
	if (pid > 0)
		nl_attr_put_u32(&m, IFLA_NET_NS_PID, (uint32_t)pid);
	else
		nl_attr_put_u32(&m, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	/* the name applies in the target namespace: no clash with a name used there */
	if (new_name)
		nl_attr_put_str(&m, IFLA_IFNAME, new_name);
	ret = net_link_change(sk, &m, err);
	nl_msg_free(&m);
	return ret;
}

/* ---- addresses and routes ------------------------------------------------------------ */

static size_t net_family_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int net_addr_add(struct nl_sock *sk, int ifindex, int family, const void *addr, unsigned prefix,
		 const void *broadcast, struct lxc_error *err)
{
	char text[INET6_ADDRSTRLEN];
	struct nl_msg m;
	struct ifaddrmsg *ifa;
	int ret;

	nl_msg_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	ifa = nl_msg_reserve(&m, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_index = (uint32_t)ifindex;
	nl_attr_put(&m, IFA_LOCAL, addr, net_family_len(family));
	nl_attr_put(&m, IFA_ADDRESS, addr, net_family_len(family));
	if (family == AF_INET && broadcast)
		nl_attr_put(&m, IFA_BROADCAST, broadcast, 4);
	ret = nl_transact(sk, &m, err);
	nl_msg_free(&m);
	if (ret < 0) {
		inet_ntop(family, addr, text, sizeof(text));
		return error_prefix(err, "failed to add address %s/%u", text, prefix);
	}
	return 0;
}

int net_addr_del(struct nl_sock *sk, const struct net_addr *a, struct lxc_error *err)
{
	struct nl_msg m;
	struct ifaddrmsg *ifa;
	int ret;

	nl_msg_init(&m, RTM_DELADDR, 0);
	ifa = nl_msg_reserve(&m, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)a->prefix;
	ifa->ifa_index = (uint32_t)a->ifindex;
	nl_attr_put(&m, IFA_LOCAL, a->addr, net_family_len(a->family));
	ret = nl_transact(sk, &m, err);
	nl_msg_free(&m);
	return ret < 0 ? error_prefix(err, "failed to remove an address") : 0;
}

struct net_addr_vec {
	int ifindex;
	struct net_addr *v;
	size_t n;
};

int net_addr_parse(const struct nlmsghdr *h, struct net_addr *out)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct nlattr *a;
	const void *attrs;
	size_t len;

	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return -1;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return -1;
	attrs = nl_msg_attrs(h, sizeof(*ifa), &len);
	nl_attr_parse(attrs, len, tb, IFA_MAX);
	/* IPv4: IFA_ADDRESS is the peer on point-to-point links; IPv6 has IFA_LOCAL only there */
	a = ifa->ifa_family == AF_INET ? (tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS])
				       : (tb[IFA_ADDRESS] ? tb[IFA_ADDRESS] : tb[IFA_LOCAL]);
	if (!a || nl_attr_len(a) < net_family_len(ifa->ifa_family))
		return -1;
	memset(out, 0, sizeof(*out));
	out->family = ifa->ifa_family;
	memcpy(out->addr, nl_attr_data(a), net_family_len(out->family));
	out->ifindex = (int)ifa->ifa_index;
	out->prefix = ifa->ifa_prefixlen;
	out->scope = ifa->ifa_scope;
	return 0;
}

static int net_addr_list_cb(const struct nlmsghdr *h, void *arg, struct lxc_error *err)
{
	struct net_addr_vec *vec = arg;
	struct net_addr na;

	if (net_addr_parse(h, &na) < 0 || (vec->ifindex && na.ifindex != vec->ifindex))
		return 0;
	vec->v = xrealloc(vec->v, (vec->n + 1) * sizeof(*vec->v));
	vec->v[vec->n++] = na;
	return 0;
}

int net_addr_list(struct nl_sock *sk, int family, int ifindex, struct net_addr **out, size_t *n,
		  struct lxc_error *err)
{
	struct net_addr_vec vec = { .ifindex = ifindex };
	struct nl_msg m;
	struct ifaddrmsg *ifa;
	int ret;

	nl_msg_init(&m, RTM_GETADDR, NLM_F_DUMP);
	ifa = nl_msg_reserve(&m, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ret = nl_query(sk, &m, net_addr_list_cb, &vec, err);
	nl_msg_free(&m);
	if (ret < 0) {
		free(vec.v);
		return error_prefix(err, "failed to list addresses");
	}
	*out = vec.v;
	*n = vec.n;
	return 0;
}

int net_route_add(struct nl_sock *sk, int family, const void *dst, unsigned dst_len,
		  const void *gw, int ifindex, struct lxc_error *err)
{
	struct nl_msg m;
	struct rtmsg *rt;
	int ret;

	nl_msg_init(&m, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	rt = nl_msg_reserve(&m, sizeof(*rt));
	rt->rtm_family = (uint8_t)family;
	rt->rtm_dst_len = (uint8_t)(dst ? dst_len : 0);
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_type = RTN_UNICAST;
	rt->rtm_scope = (family == AF_INET && !gw) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	if (dst)
		nl_attr_put(&m, RTA_DST, dst, net_family_len(family));
	if (gw)
		nl_attr_put(&m, RTA_GATEWAY, gw, net_family_len(family));
	if (ifindex)
		nl_attr_put_u32(&m, RTA_OIF, (uint32_t)ifindex);
	ret = nl_transact(sk, &m, err);
	nl_msg_free(&m);
	return ret;
}

/* ---- parsing and formatting ----------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void net_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* no entropy source at all: a weak but unique-enough fallback */
			for (; got < n; got++)
				p[got] = (unsigned char)(getpid() * 31 + got * 17 + (size_t)&got);
			return;
		}
		got += (size_t)r;
	}
}

int net_hwaddr_parse(const char *s, uint8_t mac[6], struct lxc_error *err)
{
	uint8_t rnd[12];
	bool first_random = false;
	size_t i;

	net_random_bytes(rnd, sizeof(rnd));
	if (!s || strlen(s) != 17)
		return error_set(err, "invalid hwaddr \"%s\" (expected xx:xx:xx:xx:xx:xx)", s ? s : "");
	for (i = 0; i < 6; i++) {
		int v[2];

		for (int j = 0; j < 2; j++) {
			char c = s[i * 3 + j];

			if (c == 'x' || c == 'X') {
				v[j] = rnd[i * 2 + j] & 0xf;
				first_random |= i == 0 && j == 1;
			} else if ((v[j] = hexval(c)) < 0) {
				return error_set(err, "invalid hwaddr \"%s\" (bad hex digit '%c')", s, c);
			}
		}
		if (i < 5 && s[i * 3 + 2] != ':')
			return error_set(err, "invalid hwaddr \"%s\" (expected ':' after byte %zu)", s, i + 1);
		mac[i] = (uint8_t)(v[0] << 4 | v[1]);
	}
	/* a random multicast bit would make the address unusable on any link */
	if (first_random)
		mac[0] &= 0xfe;
	return 0;
}

void net_hwaddr_format(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* "lxc.net.3.hwaddr", "lxc.network.hwaddr", "lxc.network.0.hwaddr" (len bytes of key). */
static bool net_is_hwaddr_key(const char *key, size_t len)
{
	static const char suffix[] = ".hwaddr";
	size_t slen = sizeof(suffix) - 1, i;

	if (len <= slen || memcmp(key + len - slen, suffix, slen) != 0)
		return false;
	len -= slen;
	if (len == 11 && !memcmp(key, "lxc.network", 11))
		return true;
	if (len > 8 && !memcmp(key, "lxc.net.", 8))
		i = 8;
	else if (len > 12 && !memcmp(key, "lxc.network.", 12))
		i = 12;
	else
		return false;
	for (; i < len; i++)
		if (key[i] < '0' || key[i] > '9')
			return false;
	return true;
}

char *net_hwaddr_fill_config(const char *text)
{
	char *out = xstrdup(text);
	char *line = out;

	while (*line) {
		char *end = strchrnul(line, '\n'), *k = line, *eq, *ke;

		while (k < end && (*k == ' ' || *k == '\t'))
			k++;
		eq = memchr(k, '=', (size_t)(end - k));
		if (eq) {
			for (ke = eq; ke > k && (ke[-1] == ' ' || ke[-1] == '\t'); ke--)
				;
			if (net_is_hwaddr_key(k, (size_t)(ke - k))) {
				char *v = eq + 1;
				size_t n = 0;
				uint8_t rnd[32];

				while (v < end && (*v == ' ' || *v == '\t'))
					v++;
				net_random_bytes(rnd, sizeof(rnd));
				for (char *c = v; c < end; c++, n++) {
					if (*c != 'x' && *c != 'X')
						continue;
					/* the second digit holds the multicast bit: keep it clear */
					*c = "0123456789abcdef"[rnd[n % sizeof(rnd)] & (c - v == 1 ? 0x0e : 0x0f)];
				}
			}
		}
		line = *end ? end + 1 : end;
	}
	return out;
}

int net_netmask_to_prefix(const char *mask)
{
	struct in_addr a;
	uint32_t m;
	int prefix = 0;

	if (!mask || inet_pton(AF_INET, mask, &a) != 1)
		return -1;
	m = ntohl(a.s_addr);
	while (m & 0x80000000u) {
		prefix++;
		m <<= 1;
	}
	return m ? -1 : prefix;
}

static int net_parse_prefix(const char *s, unsigned max, unsigned *prefix)
{
	unsigned v;

	if (str_to_uint(s, &v) < 0 || v > max)
		return -1;
	*prefix = v;
	return 0;
}

int net_ipv4_parse_cidr(const char *s, uint32_t *addr, unsigned *prefix)
{
	char buf[INET_ADDRSTRLEN + 4];
	char *slash;

	if (!s || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	*prefix = 32;
	if (slash) {
		*slash = '\0';
		if (net_parse_prefix(slash + 1, 32, prefix) < 0)
			return -1;
	}
	return inet_pton(AF_INET, buf, addr) == 1 ? 0 : -1;
}

int net_ipv6_parse_cidr(const char *s, uint8_t addr[16], unsigned *prefix)
{
	char buf[INET6_ADDRSTRLEN + 5];
	char *slash;

	if (!s || strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	*prefix = 128;
	if (slash) {
		*slash = '\0';
		if (net_parse_prefix(slash + 1, 128, prefix) < 0)
			return -1;
	}
	return inet_pton(AF_INET6, buf, addr) == 1 ? 0 : -1;
}

void net_random_ifname(const char *tmpl, char buf[IFNAMSIZ])
{
	static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	uint8_t rnd[IFNAMSIZ];
	size_t len = strlen(tmpl);

	if (len >= IFNAMSIZ)
		len = IFNAMSIZ - 1;
	memcpy(buf, tmpl, len);
	buf[len] = '\0';
	net_random_bytes(rnd, sizeof(rnd));
	for (size_t i = len; i > 0 && buf[i - 1] == 'X'; i--)
		buf[i - 1] = chars[rnd[i - 1] % (sizeof(chars) - 1)];
}

void net_tmp_ifname(int index, char buf[IFNAMSIZ])
{
	snprintf(buf, IFNAMSIZ, "lxcnet%dtmp", index);
}

bool net_ifname_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ' || *p == '\t' || *p == '\n')
			return false;
	return true;
}

/* ---- running programs ------------------------------------------------------------------- */

char *net_find_program(const char *name)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *all = NULL;
	struct strlist dirs = { 0 };
	char *found = NULL;

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	/* monitors started from cron or systemd may lack the sbin directories */
	all = xasprintf("%s:/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin", path ? path : "");
	strlist_split(&dirs, all, ":");
	for (size_t i = 0; i < dirs.len && !found; i++) {
		char *p = xasprintf("%s/%s", dirs.items[i], name);

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	strlist_clear(&dirs);
	return found;
}

static char **net_build_env(char *const extra[])
{
	size_t n = 0, k = 0, nextra = 0;
	char **env;

	while (environ && environ[n])
		n++;
	while (extra && extra[nextra])
		nextra++;
	env = xzalloc((n + nextra + 1) * sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t klen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		bool overridden = false;

		for (size_t j = 0; j < nextra && !overridden; j++)
			overridden = !strncmp(extra[j], environ[i], klen) && extra[j][klen] == '=';
		if (!overridden)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < nextra; j++)
		env[k++] = extra[j];
	return env;
}

static void net_log_lines(const char *prog, const char *text)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		DEBUG("%s: %s", prog, line);
}

/* Feed stdin, collect stdout and stderr, without deadlocking on full pipes. */
static void net_pump(int in, const char *data, int out, int errfd, char **outbuf, char **errbuf)
{
	size_t inlen = data ? strlen(data) : 0, inoff = 0, olen = 0, elen = 0;
	struct pollfd p[3];

	*outbuf = xzalloc(1);
	*errbuf = xzalloc(1);
	if (inlen == 0 && in >= 0) {
		close(in);
		in = -1;
	}
	for (;;) {
		int nfds = 0, io = -1, oo = -1, eo = -1;

		if (in >= 0) {
			p[nfds] = (struct pollfd){ .fd = in, .events = POLLOUT };
			io = nfds++;
		}
		if (out >= 0) {
			p[nfds] = (struct pollfd){ .fd = out, .events = POLLIN };
			oo = nfds++;
		}
		if (errfd >= 0) {
			p[nfds] = (struct pollfd){ .fd = errfd, .events = POLLIN };
			eo = nfds++;
		}
		if (nfds == 0)
			break;
		if (poll(p, (nfds_t)nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (io >= 0 && p[io].revents) {
			ssize_t w = write(in, data + inoff, inlen - inoff);

			if (w > 0)
				inoff += (size_t)w;
			if (w < 0 || inoff == inlen) {
				close(in);
				in = -1;
			}
		}
		for (int which = 0; which < 2; which++) {
			int idx = which ? eo : oo;
			int *fd = which ? &errfd : &out;
			char **buf = which ? errbuf : outbuf;
			size_t *len = which ? &elen : &olen;
			char chunk[4096];
			ssize_t r;

			if (idx < 0 || !p[idx].revents)
				continue;
			r = read(*fd, chunk, sizeof(chunk));
			if (r <= 0) {
				close(*fd);
				*fd = -1;
				continue;
			}
			if (*len < 65536) { /* keep the start; a chatty program cannot grow us */
				*buf = xrealloc(*buf, *len + (size_t)r + 1);
				memcpy(*buf + *len, chunk, (size_t)r);
				*len += (size_t)r;
				(*buf)[*len] = '\0';
			}
		}
	}
	if (in >= 0)
		close(in);
}

int net_run(char *const argv[], char *const env_extra[], const char *stdin_data,
	    struct lxc_error *err)
{
	_cleanup_free_ char *prog = net_find_program(argv[0]);
	_cleanup_free_ char *out = NULL, *errtext = NULL;
	_cleanup_free_ char **env = NULL;
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	int status;
	pid_t pid;

	if (!prog)
		return error_sys(err, ENOENT, "cannot run \"%s\" (not found in PATH or the sbin directories)", argv[0]);
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		int e = errno;

		for (int i = 0; i < 2; i++) {
			if (pin[i] >= 0) close(pin[i]);
			if (pout[i] >= 0) close(pout[i]);
			if (perr[i] >= 0) close(perr[i]);
		}
		return error_sys(err, e, "failed to create pipes for \"%s\"", argv[0]);
	}
	env = net_build_env(env_extra);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(pin[0]); close(pin[1]); close(pout[0]); close(pout[1]); close(perr[0]); close(perr[1]);
		return error_sys(err, e, "failed to fork for \"%s\"", argv[0]);
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(pin[0], 0) < 0 || dup2(pout[1], 1) < 0 || dup2(perr[1], 2) < 0)
			_exit(127);
		execve(prog, argv, env);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	{
		/* a program that exits without reading stdin must not kill us with SIGPIPE */
		struct sigaction ign = { .sa_handler = SIG_IGN }, old;

		sigaction(SIGPIPE, &ign, &old);
		net_pump(pin[1], stdin_data, pout[0], perr[0], &out, &errtext);
		sigaction(SIGPIPE, &old, NULL);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return error_sys(err, errno, "failed to wait for \"%s\"", argv[0]);
	}
	if (out[0])
		net_log_lines(argv[0], out);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	{
		char *nl = strchr(errtext, '\n');

		if (nl)
			*nl = '\0';
		if (!errtext[0] && out[0]) { /* some programs complain on stdout */
			free(errtext);
			errtext = xstrdup(out);
			nl = strchr(errtext, '\n');
			if (nl)
				*nl = '\0';
		}
		if (WIFEXITED(status))
			error_set(err, "\"%s\" exited with status %d%s%s", prog, WEXITSTATUS(status),
				  errtext[0] ? ": " : "", errtext);
		else
			error_set(err, "\"%s\" was killed by signal %d", prog, WTERMSIG(status));
		if (err)
			err->code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
	}
	return -1;
}

bool net_ovs_bridge_exists(const char *bridge)
{
	char *argv[] = { "ovs-vsctl", "--timeout=5", "br-exists", (char *)bridge, NULL };
	struct lxc_error err = { 0 };

	return net_run(argv, NULL, NULL, &err) == 0;
}

int net_open_netns(pid_t pid, struct lxc_error *err)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_sys(err, errno, "failed to open %s", path);
	return fd;
}

unsigned long long net_pid_starttime(pid_t pid)
{
	_cleanup_free_ char *buf = NULL;
	char path[64];
	const char *p;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (file_read(path, &buf, NULL, NULL) < 0)
		return 0;
	/* the command name may contain anything, ')' included: fields follow the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* after ")" come fields 3..; starttime is field 22 */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	return start;
}
