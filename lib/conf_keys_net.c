/* The per-NIC keys, lxc.net.N.* (1.x lxc.network.*): their table, setters, getters and
 * clearers, and the address formats they accept. */
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>

#include "conf_internal.h"

#define NF(field) offsetof(struct conf_net, field)
#define NFIELD(net, ref, type) ((type *)((char *)(net) + (ref)->key->off))

static const char *const type_names[] = {
	[NET_UNSET] = "", [NET_EMPTY] = "empty", [NET_VETH] = "veth", [NET_MACVLAN] = "macvlan",
	[NET_IPVLAN] = "ipvlan", [NET_VLAN] = "vlan", [NET_PHYS] = "phys", [NET_NONE] = "none",
};

void conf_net_free(struct conf_net *net)
{
	free(net->link);
	free(net->name);
	free(net->hwaddr);
	free(net->script_up);
	free(net->script_down);
	free(net->veth_pair);
	strlist_clear(&net->veth_vlan_tagged_ids);
	strlist_clear(&net->veth_ipv4_routes);
	strlist_clear(&net->veth_ipv6_routes);
	free(net->ipv4);
	free(net->ipv6);
}

void conf_net_clear_all(struct lxc_conf *conf)
{
	for (size_t i = 0; i < conf->n_nets; i++)
		conf_net_free(&conf->nets[i]);
	free(conf->nets);
	conf->nets = NULL;
	conf->n_nets = 0;
	conf->net_legacy_last = -1;
}

static void net_remove(struct lxc_conf *conf, int index)
{
	for (size_t i = 0; i < conf->n_nets; i++) {
		if (conf->nets[i].index != index)
			continue;
		conf_net_free(&conf->nets[i]);
		memmove(&conf->nets[i], &conf->nets[i + 1], (conf->n_nets - i - 1) * sizeof(*conf->nets));
		conf->n_nets--;
		break;
	}
	if (conf->net_legacy_last == index)
		conf->net_legacy_last = -1;
}

/* The NIC a key applies to. Type-specific keys (arg = the type) need a NIC of that type. */
static struct conf_net *nic_for(struct lxc_conf *conf, const struct conf_ref *ref, bool create,
				struct lxc_error *err)
{
	struct conf_net *net;

	if (ref->net < 0) {
		error_set(err, "no network defined yet (a lxc.network.type line must come first)");
		return NULL;
	}
	/* a failed type-specific set must not leave a new, typeless NIC behind */
	net = conf_net_get(conf, ref->net, create && !ref->key->arg);
	if (!net && ref->key->arg) {
		error_set(err, "only valid for %s networks (lxc.net.%d.type is not set)", type_names[ref->key->arg],
			  ref->net);
		return NULL;
	}
	if (!net) {
		error_set(err, "no network with index %d", ref->net);
		return NULL;
	}
	if (ref->key->arg && net->type != (enum net_type)ref->key->arg) {
		error_set(err, "only valid for %s networks (lxc.net.%d.type is %s)", type_names[ref->key->arg],
			  ref->net, net->type == NET_UNSET ? "not set" : type_names[net->type]);
		return NULL;
	}
	if (ref->legacy)
		conf->net_legacy_seen = true;
	return net;
}

/* ---- generic per-NIC handlers -------------------------------------------------------------- */

static int set_nstr(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, true, err);
	char **p;

	if (!net)
		return -1;
	p = NFIELD(net, ref, char *);
	free(*p);
	*p = conf_value_empty(value) ? NULL : xstrdup(value);
	return 0;
}

static int get_nstr(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);
	char *v;

	if (!net)
		return -1;
	v = *NFIELD(net, ref, char *);
	conf_buf_add(out, "%s", v ? v : "");
	return 0;
}

static void clr_nstr(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net) {
		free(*NFIELD(net, ref, char *));
		*NFIELD(net, ref, char *) = NULL;
	}
}

/* unsigned; printed empty when 0 (unset) */
static int set_nuint(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net;
	unsigned v = 0;

	if (!conf_value_empty(value) && (str_to_uint(value, &v) < 0 || v == 0))
		return error_set(err, "expected a positive number, got \"%s\"", value);
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	*NFIELD(net, ref, unsigned) = v;
	return 0;
}

static int get_nuint(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);

	if (!net)
		return -1;
	if (*NFIELD(net, ref, unsigned))
		conf_buf_add(out, "%u", *NFIELD(net, ref, unsigned));
	return 0;
}

static void clr_nuint(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net)
		*NFIELD(net, ref, unsigned) = 0;
}

/* A string list; LXC joins these with newlines, without a trailing one. */
static int get_nlist(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);
	struct strlist *l;

	if (!net)
		return -1;
	l = NFIELD(net, ref, struct strlist);
	for (size_t i = 0; i < l->len; i++)
		conf_buf_add(out, "%s%s", i ? "\n" : "", l->items[i]);
	return 0;
}

static void clr_nlist(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net)
		strlist_clear(NFIELD(net, ref, struct strlist));
}

/* ---- type, flags, l2proxy, hwaddr ----------------------------------------------------------------- */

static int set_type(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net;
	int type = NET_UNSET;

	if (!conf_value_empty(value)) {
		for (type = NET_EMPTY; type <= NET_NONE; type++)
			if (strcmp(value, type_names[type]) == 0)
				break;
		if (type > NET_NONE)
			return error_set(err, "unknown network type \"%s\" (none, empty, veth, macvlan, ipvlan, "
					 "vlan, phys)", value);
	}
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	net->type = type;
	conf->net_legacy_last = ref->net;
	return 0;
}

static int get_type(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);

	if (!net)
		return -1;
	conf_buf_add(out, "%s", type_names[net->type]);
	return 0;
}

static void clr_type(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net)
		net->type = NET_UNSET;
}

static int set_flags(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net;

	if (!conf_value_empty(value) && strcmp(value, "up") != 0)
		return error_set(err, "unknown flag \"%s\" (only \"up\" is supported)", value);
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	net->flags_up = !conf_value_empty(value);
	return 0;
}

static int get_flags(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);

	if (!net)
		return -1;
	conf_buf_add(out, "%s", net->flags_up ? "up" : "");
	return 0;
}

static void clr_flags(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net)
		net->flags_up = false;
}

static int set_l2proxy(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net;
	int v = 0;

	if (!conf_value_empty(value) && conf_parse_bool(value, NULL, &v, err) < 0)
		return -1;
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	net->l2proxy = v;
	return 0;
}

static int get_l2proxy(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);

	if (!net)
		return -1;
	conf_buf_add(out, "%d", net->l2proxy ? 1 : 0);
	return 0;
}

static void clr_l2proxy(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net)
		net->l2proxy = false;
}

static bool hex_or_x(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') || (c | 0x20) == 'x';
}

/* Six colon-separated bytes; an 'x' digit is randomised when the NIC is created. */
static int set_hwaddr(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	if (!conf_value_empty(value)) {
		bool ok = strlen(value) == 17;

		for (int i = 0; ok && i < 17; i++)
			ok = i % 3 == 2 ? value[i] == ':' : hex_or_x(value[i]);
		if (!ok)
			return error_set(err, "invalid MAC address \"%s\" (expected xx:xx:xx:xx:xx:xx, "
					 "hex digits or x for random)", value);
	}
	return set_nstr(conf, ref, value, err);
}

/* ---- addresses ----------------------------------------------------------------------------------- */

/* The classful default prefix LXC applies when none is given. */
static unsigned ipv4_default_prefix(uint32_t addr_nbo)
{
	uint32_t a = ntohl(addr_nbo);

	if ((a & 0x80000000u) == 0)
		return 8;
	if ((a & 0xc0000000u) == 0x80000000u)
		return 16;
	if ((a & 0xe0000000u) == 0xc0000000u)
		return 24;
	return 32;
}

static int parse_prefix(const char *s, unsigned max, unsigned *out)
{
	return str_to_uint(s, out) < 0 || *out > max ? -1 : 0;
}

/* "a.b.c.d[/prefix]" (prefix_required: must have one). */
static int parse_ipv4(const char *s, bool prefix_required, uint32_t *addr, unsigned *prefix)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *slash = strchr(copy, '/');
	struct in_addr in;

	if (slash)
		*slash = '\0';
	else if (prefix_required)
		return -1;
	if (inet_pton(AF_INET, copy, &in) != 1)
		return -1;
	*addr = in.s_addr;
	if (slash)
		return parse_prefix(slash + 1, 32, prefix);
	if (prefix)
		*prefix = ipv4_default_prefix(in.s_addr);
	return 0;
}

static int parse_ipv6(const char *s, bool prefix_required, uint8_t addr[16], unsigned *prefix)
{
	_cleanup_free_ char *copy = xstrdup(s);
	char *slash = strchr(copy, '/');

	if (slash)
		*slash = '\0';
	else if (prefix_required)
		return -1;
	if (inet_pton(AF_INET6, copy, addr) != 1)
		return -1;
	if (slash)
		return parse_prefix(slash + 1, 128, prefix);
	if (prefix)
		*prefix = 64;
	return 0;
}

static int set_ipv4(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct strlist f = { 0 };
	struct net_ipv4 a = { 0 };
	struct conf_net *net;
	int ok;

	if (conf_value_empty(value)) {
		net = nic_for(conf, ref, true, err);
		if (!net)
			return -1;
		free(net->ipv4);
		net->ipv4 = NULL;
		net->n_ipv4 = 0;
		return 0;
	}
	strlist_split(&f, value, " \t");
	ok = (f.len == 1 || f.len == 2) && parse_ipv4(f.items[0], false, &a.addr, &a.prefix) == 0;
	if (ok && f.len == 2) {
		struct in_addr b;

		ok = inet_pton(AF_INET, f.items[1], &b) == 1;
		a.broadcast = b.s_addr;
	}
	strlist_clear(&f);
	if (!ok)
		return error_set(err, "invalid IPv4 address \"%s\" (expected a.b.c.d/prefix [broadcast])", value);
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	net->ipv4 = conf_grow(net->ipv4, net->n_ipv4, sizeof(*net->ipv4));
	net->ipv4[net->n_ipv4++] = a;
	return 0;
}

static int get_ipv4(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);
	char buf[INET_ADDRSTRLEN];

	if (!net)
		return -1;
	for (size_t i = 0; i < net->n_ipv4; i++) {
		inet_ntop(AF_INET, &net->ipv4[i].addr, buf, sizeof(buf));
		conf_buf_add(out, "%s%s/%u", i ? "\n" : "", buf, net->ipv4[i].prefix);
	}
	return 0;
}

static void clr_ipv4(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net) {
		free(net->ipv4);
		net->ipv4 = NULL;
		net->n_ipv4 = 0;
	}
}

static int set_ipv6(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct net_ipv6 a = { 0 };
	struct conf_net *net;

	if (!conf_value_empty(value) && parse_ipv6(value, false, a.addr, &a.prefix) < 0)
		return error_set(err, "invalid IPv6 address \"%s\" (expected x::y/prefix)", value);
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	if (conf_value_empty(value)) {
		free(net->ipv6);
		net->ipv6 = NULL;
		net->n_ipv6 = 0;
		return 0;
	}
	net->ipv6 = conf_grow(net->ipv6, net->n_ipv6, sizeof(*net->ipv6));
	net->ipv6[net->n_ipv6++] = a;
	return 0;
}

static int get_ipv6(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);
	char buf[INET6_ADDRSTRLEN];

	if (!net)
		return -1;
	for (size_t i = 0; i < net->n_ipv6; i++) {
		inet_ntop(AF_INET6, net->ipv6[i].addr, buf, sizeof(buf));
		conf_buf_add(out, "%s%s/%u", i ? "\n" : "", buf, net->ipv6[i].prefix);
	}
	return 0;
}

static void clr_ipv6(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net) {
		free(net->ipv6);
		net->ipv6 = NULL;
		net->n_ipv6 = 0;
	}
}

/* Gateways: an address, "auto" (the bridge's address) or "dev" (a device route). The key's
 * off says which family: 4 or 6. */
static int set_gateway(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	bool v6 = ref->key->off == 6, is_auto = false, is_dev = false;
	uint8_t addr[16] = { 0 };
	struct conf_net *net;

	if (!conf_value_empty(value)) {
		is_auto = strcmp(value, "auto") == 0;
		is_dev = strcmp(value, "dev") == 0;
		if (!is_auto && !is_dev && inet_pton(v6 ? AF_INET6 : AF_INET, value, addr) != 1)
			return error_set(err, "invalid IPv%d gateway \"%s\" (expected an address, auto or dev)",
					 v6 ? 6 : 4, value);
	}
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	if (v6) {
		net->ipv6_gateway_auto = is_auto;
		net->ipv6_gateway_dev = is_dev;
		net->ipv6_gateway_set = !conf_value_empty(value) && !is_auto && !is_dev;
		memcpy(net->ipv6_gateway, addr, 16);
	} else {
		net->ipv4_gateway_auto = is_auto;
		net->ipv4_gateway_dev = is_dev;
		net->ipv4_gateway_set = !conf_value_empty(value) && !is_auto && !is_dev;
		memcpy(&net->ipv4_gateway, addr, 4);
	}
	return 0;
}

static int get_gateway(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);
	char buf[INET6_ADDRSTRLEN];
	bool v6 = ref->key->off == 6;

	if (!net)
		return -1;
	if (v6 ? net->ipv6_gateway_auto : net->ipv4_gateway_auto)
		conf_buf_add(out, "auto");
	else if (v6 ? net->ipv6_gateway_dev : net->ipv4_gateway_dev)
		conf_buf_add(out, "dev");
	else if (v6 ? net->ipv6_gateway_set : net->ipv4_gateway_set)
		conf_buf_add(out, "%s", inet_ntop(v6 ? AF_INET6 : AF_INET,
						  v6 ? (void *)net->ipv6_gateway : (void *)&net->ipv4_gateway,
						  buf, sizeof(buf)));
	return 0;
}

static void clr_gateway(struct lxc_conf *conf, const struct conf_ref *ref)
{
	if (conf_net_get(conf, ref->net, false))
		set_gateway(conf, ref, NULL, NULL);
}

/* ---- veth ---------------------------------------------------------------------------------------- */

static int set_veth_mode(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net;
	int mode = 0;

	if (!conf_value_empty(value)) {
		if (strcmp(value, "bridge") == 0)
			mode = 0;
		else if (strcmp(value, "router") == 0)
			mode = 1;
		else
			return error_set(err, "unknown veth mode \"%s\" (bridge, router)", value);
	}
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	net->veth_mode = mode;
	return 0;
}

static int get_veth_mode(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);

	if (!net)
		return -1;
	conf_buf_add(out, "%s", net->veth_mode ? "router" : "bridge");
	return 0;
}

static void clr_veth_mode(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net)
		net->veth_mode = 0;
}

static int parse_vlan(const char *s, unsigned min, unsigned *v)
{
	return str_to_uint(s, v) < 0 || *v < min || *v > 4094 ? -1 : 0;
}

/* "none" takes the port out of the bridge's default untagged VLAN; LXC prints it as -1. */
static int set_veth_vlan(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net;
	bool none = !conf_value_empty(value) && strcmp(value, "none") == 0;
	unsigned v = 0;

	if (!conf_value_empty(value) && !none && parse_vlan(value, 0, &v) < 0)
		return error_set(err, "invalid VLAN id \"%s\" (0-4094 or none)", value);
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	net->veth_vlan_none = none;
	net->veth_vlan_id = conf_value_empty(value) || none ? -1 : (int)v;
	return 0;
}

static int get_veth_vlan(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);

	if (!net)
		return -1;
	conf_buf_add(out, "%d", net->veth_vlan_none ? -1 : net->veth_vlan_id < 0 ? 0 : net->veth_vlan_id);
	return 0;
}

static void clr_veth_vlan(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net) {
		net->veth_vlan_none = false;
		net->veth_vlan_id = -1;
	}
}

static int set_tagged(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net;
	unsigned v;

	if (!conf_value_empty(value) && parse_vlan(value, 1, &v) < 0)
		return error_set(err, "invalid VLAN id \"%s\" (1-4094)", value);
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	if (conf_value_empty(value))
		strlist_clear(&net->veth_vlan_tagged_ids);
	else
		strlist_push_owned(&net->veth_vlan_tagged_ids, xasprintf("%u", v));
	return 0;
}

/* arg of the key is the NIC type; off is the route list, v4 or v6 told by the key's name */
static int set_route(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	bool v6 = strstr(ref->key->name, "ipv6") != NULL;
	struct conf_net *net;
	uint8_t addr[16];
	unsigned prefix;

	if (!conf_value_empty(value)) {
		int bad = v6 ? parse_ipv6(value, true, addr, &prefix) : parse_ipv4(value, true, (uint32_t *)addr, &prefix);

		if (bad)
			return error_set(err, "invalid IPv%d route \"%s\" (expected %s)", v6 ? 6 : 4, value,
					 v6 ? "x::y/prefix" : "a.b.c.d/prefix");
	}
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	if (conf_value_empty(value))
		strlist_clear(NFIELD(net, ref, struct strlist));
	else
		strlist_push(NFIELD(net, ref, struct strlist), value);
	return 0;
}

/* ---- macvlan, ipvlan, vlan ------------------------------------------------------------------------ */

struct mode_name {
	const char *name;
	int value;
};

static const struct mode_name macvlan_modes[] = {
	{ "private", MACVLAN_MODE_PRIVATE }, { "vepa", MACVLAN_MODE_VEPA },
	{ "bridge", MACVLAN_MODE_BRIDGE }, { "passthru", MACVLAN_MODE_PASSTHRU }, { NULL, 0 },
};
static const struct mode_name ipvlan_modes[] = {
	{ "l3", IPVLAN_MODE_L3 }, { "l3s", IPVLAN_MODE_L3S }, { "l2", IPVLAN_MODE_L2 }, { NULL, 0 },
};
static const struct mode_name ipvlan_isolations[] = {
	{ "bridge", 0 }, { "private", IPVLAN_F_PRIVATE }, { "vepa", IPVLAN_F_VEPA }, { NULL, 0 },
};

static const struct mode_name *modes_of(const struct conf_ref *ref, int *unset)
{
	if (ref->key->off == NF(macvlan_mode)) {
		*unset = 0;
		return macvlan_modes;
	}
	*unset = -1;
	return ref->key->off == NF(ipvlan_mode) ? ipvlan_modes : ipvlan_isolations;
}

static int set_mode(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	int unset;
	const struct mode_name *m = modes_of(ref, &unset);
	struct conf_net *net;
	int v = unset;

	if (!conf_value_empty(value)) {
		const struct mode_name *i;

		for (i = m; i->name; i++)
			if (strcmp(i->name, value) == 0)
				break;
		if (!i->name) {
			char list[64] = "";

			for (i = m; i->name; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i == m ? "" : ", ",
					 i->name);
			return error_set(err, "unknown mode \"%s\" (%s)", value, list);
		}
		v = i->value;
	}
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	*NFIELD(net, ref, int) = v;
	return 0;
}

/* Unset prints the kernel's default: private (macvlan), l3 and bridge (ipvlan). */
static int get_mode(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);
	int unset, v;
	const struct mode_name *m = modes_of(ref, &unset);

	if (!net)
		return -1;
	v = *NFIELD(net, ref, int);
	if (v == unset)
		v = m[0].value;
	for (; m->name; m++)
		if (m->value == v)
			conf_buf_add(out, "%s", m->name);
	return 0;
}

static void clr_mode(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);
	int unset;

	modes_of(ref, &unset);
	if (net)
		*NFIELD(net, ref, int) = unset;
}

static int set_vlan_id(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_net *net;
	unsigned v = 0;

	if (!conf_value_empty(value) && parse_vlan(value, 0, &v) < 0)
		return error_set(err, "invalid VLAN id \"%s\" (0-4094)", value);
	net = nic_for(conf, ref, true, err);
	if (!net)
		return -1;
	net->vlan_id = conf_value_empty(value) ? -1 : (int)v;
	return 0;
}

static int get_vlan_id(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_net *net = nic_for(conf, ref, false, err);

	if (!net)
		return -1;
	conf_buf_add(out, "%d", net->vlan_id < 0 ? 0 : net->vlan_id);
	return 0;
}

static void clr_vlan_id(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net = conf_net_get(conf, ref->net, false);

	if (net)
		net->vlan_id = -1;
}

/* ---- lxc.net and lxc.net.N ------------------------------------------------------------------------- */

static int set_net_root(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	if (!conf_value_empty(value))
		return error_set(err, "only an empty value (remove the network%s) is allowed",
				 ref->key == &conf_net_root_key ? "s" : "");
	if (ref->legacy)
		conf->net_legacy_seen = true;
	if (ref->key == &conf_net_root_key)
		conf_net_clear_all(conf);
	else
		net_remove(conf, ref->net);
	return 0;
}

static int get_net_root(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	for (size_t i = 0; i < conf->n_nets; i++)
		conf_buf_add(out, "%s\n", type_names[conf->nets[i].type]);
	return 0;
}

static void clr_net_root(struct lxc_conf *conf, const struct conf_ref *ref)
{
	set_net_root(conf, ref, NULL, NULL);
}

const struct conf_key conf_net_root_key = {
	"lxc.net", "lxc.network", 0, 0, 0, set_net_root, get_net_root, clr_net_root,
};
const struct conf_key conf_nic_root_key = {
	"lxc.net.N", "lxc.network.N", CK_NOGET, 0, 0, set_net_root, NULL, clr_net_root,
};

#define NSTR(n, field, type)  { n, NULL, CK_NET, NF(field), type, set_nstr, get_nstr, clr_nstr }
#define NUINT(n, field, type) { n, NULL, CK_NET, NF(field), type, set_nuint, get_nuint, clr_nuint }

const struct conf_key conf_net_keys[] = {
	{ "type", NULL, CK_NET, 0, 0, set_type, get_type, clr_type },
	{ "flags", NULL, CK_NET, 0, 0, set_flags, get_flags, clr_flags },
	NSTR("link", link, 0),
	NSTR("name", name, 0),
	{ "hwaddr", NULL, CK_NET, NF(hwaddr), 0, set_hwaddr, get_nstr, clr_nstr },
	NUINT("mtu", mtu, 0),
	{ "l2proxy", NULL, CK_NET, 0, 0, set_l2proxy, get_l2proxy, clr_l2proxy },
	NSTR("script.up", script_up, 0),
	NSTR("script.down", script_down, 0),
	{ "ipv4.address", "ipv4", CK_NET | CK_LIST, 0, 0, set_ipv4, get_ipv4, clr_ipv4 },
	{ "ipv4.gateway", NULL, CK_NET, 4, 0, set_gateway, get_gateway, clr_gateway },
	{ "ipv6.address", "ipv6", CK_NET | CK_LIST, 0, 0, set_ipv6, get_ipv6, clr_ipv6 },
	{ "ipv6.gateway", NULL, CK_NET, 6, 0, set_gateway, get_gateway, clr_gateway },
	NSTR("veth.pair", veth_pair, NET_VETH),
	{ "veth.mode", NULL, CK_NET, 0, NET_VETH, set_veth_mode, get_veth_mode, clr_veth_mode },
	{ "veth.vlan.id", NULL, CK_NET, 0, NET_VETH, set_veth_vlan, get_veth_vlan, clr_veth_vlan },
	{ "veth.vlan.tagged.id", NULL, CK_NET | CK_LIST, NF(veth_vlan_tagged_ids), NET_VETH, set_tagged, get_nlist,
	  clr_nlist },
	{ "veth.ipv4.route", NULL, CK_NET | CK_LIST, NF(veth_ipv4_routes), NET_VETH, set_route, get_nlist, clr_nlist },
	{ "veth.ipv6.route", NULL, CK_NET | CK_LIST, NF(veth_ipv6_routes), NET_VETH, set_route, get_nlist, clr_nlist },
	NUINT("veth.n_rxqueues", veth_n_rxqueues, NET_VETH),
	NUINT("veth.n_txqueues", veth_n_txqueues, NET_VETH),
	{ "macvlan.mode", NULL, CK_NET, NF(macvlan_mode), NET_MACVLAN, set_mode, get_mode, clr_mode },
	{ "ipvlan.mode", NULL, CK_NET, NF(ipvlan_mode), NET_IPVLAN, set_mode, get_mode, clr_mode },
	{ "ipvlan.isolation", NULL, CK_NET, NF(ipvlan_isolation), NET_IPVLAN, set_mode, get_mode, clr_mode },
	{ "vlan.id", NULL, CK_NET, 0, NET_VLAN, set_vlan_id, get_vlan_id, clr_vlan_id },
};

const size_t conf_n_net_keys = ARRAY_SIZE(conf_net_keys);
