/* lxc-net: LXC's host bridge service done in-process: the bridge over rtnetlink, NAT
 * rules through nft (or iptables), dnsmasq for DHCP and DNS, guarded by network_up. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "lxcnet.h"
#include "net.h"
#include "utils.h"

static const struct {
	const char *key;
	size_t offset;
	const char *def;
} lxcnet_keys[] = {
	{ "USE_LXC_BRIDGE", offsetof(struct lxcnet_config, use_lxc_bridge), "true" },
	{ "LXC_BRIDGE", offsetof(struct lxcnet_config, bridge), "lxcbr0" },
	{ "LXC_BRIDGE_MAC", offsetof(struct lxcnet_config, bridge_mac), "00:16:3e:00:00:00" },
	{ "LXC_ADDR", offsetof(struct lxcnet_config, addr), "10.0.3.1" },
	{ "LXC_NETMASK", offsetof(struct lxcnet_config, netmask), "255.255.255.0" },
	{ "LXC_NETWORK", offsetof(struct lxcnet_config, network), "10.0.3.0/24" },
	{ "LXC_DHCP_RANGE", offsetof(struct lxcnet_config, dhcp_range), "10.0.3.2,10.0.3.254" },
	{ "LXC_DHCP_MAX", offsetof(struct lxcnet_config, dhcp_max), "253" },
	{ "LXC_DHCP_CONFILE", offsetof(struct lxcnet_config, dhcp_confile), "" },
	{ "LXC_DHCP_PING", offsetof(struct lxcnet_config, dhcp_ping), "true" },
	{ "LXC_DOMAIN", offsetof(struct lxcnet_config, domain), "" },
	{ "LXC_USE_NFT", offsetof(struct lxcnet_config, use_nft), "true" },
	{ "LXC_IPV6_ADDR", offsetof(struct lxcnet_config, ipv6_addr), "" },
	{ "LXC_IPV6_MASK", offsetof(struct lxcnet_config, ipv6_mask), "" },
	{ "LXC_IPV6_NETWORK", offsetof(struct lxcnet_config, ipv6_network), "" },
	{ "LXC_IPV6_NAT", offsetof(struct lxcnet_config, ipv6_nat), "false" },
};

static char **lxcnet_slot(struct lxcnet_config *c, size_t i)
{
	return (char **)((char *)c + lxcnet_keys[i].offset);
}

void lxcnet_config_defaults(struct lxcnet_config *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(lxcnet_keys); i++)
		*lxcnet_slot(c, i) = xstrdup(lxcnet_keys[i].def);
}

void lxcnet_config_free(struct lxcnet_config *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(lxcnet_keys); i++) {
		free(*lxcnet_slot(c, i));
		*lxcnet_slot(c, i) = NULL;
	}
}

/* ---- the config file: shell assignments, parsed without a shell ------------------------ */

struct lxcnet_parse {
	struct lxcnet_config *c;
	struct strlist others;   /* "KEY=value" of variables we do not use, for $KEY */
	char *out;
	size_t len;
};

static void lxcnet_append(struct lxcnet_parse *ps, const char *s, size_t n)
{
	ps->out = xrealloc(ps->out, ps->len + n + 1);
	memcpy(ps->out + ps->len, s, n);
	ps->len += n;
	ps->out[ps->len] = '\0';
}

static const char *lxcnet_lookup(struct lxcnet_parse *ps, const char *name, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(lxcnet_keys); i++)
		if (strlen(lxcnet_keys[i].key) == n && !strncmp(lxcnet_keys[i].key, name, n))
			return *lxcnet_slot(ps->c, i);
	for (size_t i = ps->others.len; i > 0; i--) {
		const char *kv = ps->others.items[i - 1];

		if (!strncmp(kv, name, n) && kv[n] == '=')
			return kv + n + 1;
	}
	return ""; /* as in sh: an unset variable expands to nothing */
}

static bool lxcnet_namechar(char ch, bool first)
{
	return ch == '_' || isalpha((unsigned char)ch) || (!first && isdigit((unsigned char)ch));
}

/* $NAME or ${NAME} at *p (which points at '$'); advances p. */
static int lxcnet_expand(struct lxcnet_parse *ps, const char **p)
{
	const char *s = *p + 1, *start;
	size_t n = 0;
	bool braced = *s == '{';

	if (braced)
		s++;
	start = s;
	while (lxcnet_namechar(s[n], n == 0))
		n++;
	if (n == 0) {
		if (braced)
			return -1;
		lxcnet_append(ps, "$", 1);
		*p += 1;
		return 0;
	}
	if (braced && s[n] != '}')
		return -1;
	{
		const char *v = lxcnet_lookup(ps, start, n);

		lxcnet_append(ps, v, strlen(v));
	}
	*p = s + n + (braced ? 1 : 0);
	return 0;
}

/* The value after '=': quoted and unquoted parts up to an unquoted blank. */
static int lxcnet_parse_value(struct lxcnet_parse *ps, const char *p, const char **why)
{
	ps->len = 0;
	ps->out = xrealloc(ps->out, 1);
	ps->out[0] = '\0';
	while (*p && *p != ' ' && *p != '\t') {
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end)
				return *why = "unterminated single quote", -1;
			lxcnet_append(ps, p + 1, (size_t)(end - p - 1));
			p = end + 1;
		} else if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1])) {
					lxcnet_append(ps, p + 1, 1);
					p += 2;
				} else if (*p == '$') {
					if (lxcnet_expand(ps, &p) < 0)
						return *why = "bad ${...} expansion", -1;
				} else if (*p == '`') {
					return *why = "command substitution is not supported", -1;
				} else {
					lxcnet_append(ps, p++, 1);
				}
			}
			if (*p != '"')
				return *why = "unterminated double quote", -1;
			p++;
		} else if (*p == '\\' && p[1]) {
			lxcnet_append(ps, p + 1, 1);
			p += 2;
		} else if (*p == '$') {
			if (p[1] == '(')
				return *why = "command substitution is not supported", -1;
			if (lxcnet_expand(ps, &p) < 0)
				return *why = "bad ${...} expansion", -1;
		} else if (strchr("`;&|<>()", *p)) {
			return *why = "shell syntax other than assignments is not supported", -1;
		} else {
			lxcnet_append(ps, p++, 1);
		}
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p && *p != '#')
		return *why = "unexpected text after the value", -1;
	return 0;
}

static int lxcnet_parse_line(struct lxcnet_parse *ps, char *line, const char **why)
{
	char *p = line, *eq;
	size_t i;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return 0;
	if (!strncmp(p, "export", 6) && (p[6] == ' ' || p[6] == '\t')) {
		p += 6;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	for (i = 0; lxcnet_namechar(p[i], i == 0); i++)
		;
	if (i == 0 || p[i] != '=')
		return *why = "not a KEY=value assignment", -1;
	eq = p + i;
	*eq = '\0';
	if (lxcnet_parse_value(ps, eq + 1, why) < 0)
		return -1;
	for (size_t k = 0; k < ARRAY_SIZE(lxcnet_keys); k++) {
		if (!strcmp(lxcnet_keys[k].key, p)) {
			free(*lxcnet_slot(ps->c, k));
			*lxcnet_slot(ps->c, k) = xstrdup(ps->out);
			return 0;
		}
	}
	strlist_push_owned(&ps->others, xasprintf("%s=%s", p, ps->out));
	return 0;
}

int lxcnet_config_parse(struct lxcnet_config *c, const char *text, const char *path,
			struct lxc_error *err)
{
	_cleanup_free_ char *copy = xstrdup(text);
	struct lxcnet_parse ps = { .c = c };
	char *line, *next;
	int lineno = 0, ret = 0;

	for (line = copy; line && ret == 0; line = next) {
		const char *why = NULL;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (lxcnet_parse_line(&ps, line, &why) < 0)
			ret = error_set(err, "%s:%d: %s", path, lineno, why);
	}
	free(ps.out);
	strlist_clear(&ps.others);
	return ret;
}

int lxcnet_config_load(struct lxcnet_config *c, const char *path, struct lxc_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	lxcnet_config_defaults(c);
	if (file_read(path, &text, NULL, err) < 0)
		return err->code == ENOENT ? 0 : -1;
	return lxcnet_config_parse(c, text, path, err);
}

/* ---- rules ---------------------------------------------------------------------------------- */

static bool lxcnet_true(const char *v)
{
	return v && !strcmp(v, "true");
}

static bool lxcnet_has_ipv6(const struct lxcnet_config *c)
{
	return c->ipv6_addr[0] && c->ipv6_mask[0] && c->ipv6_network[0];
}

char *lxcnet_nft_start_rules(const struct lxcnet_config *c)
{
	_cleanup_free_ char *v6 = NULL;

	if (lxcnet_has_ipv6(c) && lxcnet_true(c->ipv6_nat))
		v6 = xasprintf("add table ip6 lxc\n"
			       "flush table ip6 lxc\n"
			       "add chain ip6 lxc postrouting { type nat hook postrouting priority 100; }\n"
			       "add rule ip6 lxc postrouting ip6 saddr %s ip6 daddr != %s counter masquerade\n",
			       c->ipv6_network, c->ipv6_network);
	return xasprintf("%s"
			 "add table inet lxc\n"
			 "flush table inet lxc\n"
			 "add chain inet lxc input { type filter hook input priority 0; }\n"
			 "add rule inet lxc input iifname \"%s\" udp dport { 53, 67 } accept\n"
			 "add rule inet lxc input iifname \"%s\" tcp dport { 53, 67 } accept\n"
			 "add chain inet lxc forward { type filter hook forward priority 0; }\n"
			 "add rule inet lxc forward iifname \"%s\" accept\n"
			 "add rule inet lxc forward oifname \"%s\" accept\n"
			 "add table ip lxc\n"
			 "flush table ip lxc\n"
			 "add chain ip lxc postrouting { type nat hook postrouting priority 100; }\n"
			 "add rule ip lxc postrouting ip saddr %s ip daddr != %s counter masquerade\n",
			 v6 ? v6 : "", c->bridge, c->bridge, c->bridge, c->bridge, c->network, c->network);
}

char *lxcnet_nft_stop_rules(const struct lxcnet_config *c)
{
	/* "add" first so that deleting a table that is not there is no error */
	return xasprintf("add table inet lxc\ndelete table inet lxc\nadd table ip lxc\ndelete table ip lxc\n%s",
			 lxcnet_true(c->ipv6_nat) ? "add table ip6 lxc\ndelete table ip6 lxc\n" : "");
}

/* iptables rules as LXC installs them: table, chain, insert (-I) or append (-A), match. */
static const struct {
	const char *table, *chain;
	bool insert;
	const char *spec; /* words; "BRIDGE" and "NETWORK" stand for the configured values */
} lxcnet_ipt_rules[] = {
	{ "filter", "INPUT", true, "-i BRIDGE -p udp --dport 67 -j ACCEPT" },
	{ "filter", "INPUT", true, "-i BRIDGE -p tcp --dport 67 -j ACCEPT" },
	{ "filter", "INPUT", true, "-i BRIDGE -p udp --dport 53 -j ACCEPT" },
	{ "filter", "INPUT", true, "-i BRIDGE -p tcp --dport 53 -j ACCEPT" },
	{ "filter", "FORWARD", true, "-i BRIDGE -j ACCEPT" },
	{ "filter", "FORWARD", true, "-o BRIDGE -j ACCEPT" },
	{ "nat", "POSTROUTING", false, "-s NETWORK ! -d NETWORK -j MASQUERADE" },
	{ "mangle", "POSTROUTING", false, "-o BRIDGE -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill" },
};

/* Run prog -w -t table op chain spec..., spec's words taken one by one (values from the
 * config stay single arguments whatever they contain). */
static int lxcnet_iptables(const char *prog, const char *table, const char *op, const char *chain,
			   const char *spec, const struct lxcnet_config *c, const char *network,
			   struct lxc_error *err)
{
	struct strlist words = { 0 }, argv = { 0 };
	int ret;

	strlist_push(&argv, prog);
	strlist_push(&argv, "-w");
	strlist_push(&argv, "-t");
	strlist_push(&argv, table);
	strlist_push(&argv, op);
	strlist_push(&argv, chain);
	strlist_split(&words, spec, " ");
	for (size_t i = 0; i < words.len; i++) {
		const char *w = words.items[i];

		strlist_push(&argv, !strcmp(w, "BRIDGE") ? c->bridge : !strcmp(w, "NETWORK") ? network : w);
	}
	ret = net_run(argv.items, NULL, NULL, err);
	strlist_clear(&words);
	strlist_clear(&argv);
	return ret;
}

static int lxcnet_iptables_all(const struct lxcnet_config *c, bool add, struct lxc_error *err)
{
	struct lxc_error e = { 0 };

	if (lxcnet_has_ipv6(c) && lxcnet_true(c->ipv6_nat) &&
	    lxcnet_iptables("ip6tables", "nat", add ? "-A" : "-D", "POSTROUTING", "-s NETWORK ! -d NETWORK -j MASQUERADE",
			    c, c->ipv6_network, &e) < 0 && add) {
		*err = e;
		return error_prefix(err, "failed to add the IPv6 NAT rule");
	}
	for (size_t i = 0; i < ARRAY_SIZE(lxcnet_ipt_rules); i++) {
		const char *op = add ? (lxcnet_ipt_rules[i].insert ? "-I" : "-A") : "-D";

		/* removal goes on past a missing rule: stop must undo whatever is there */
		if (lxcnet_iptables("iptables", lxcnet_ipt_rules[i].table, op, lxcnet_ipt_rules[i].chain,
				    lxcnet_ipt_rules[i].spec, c, c->network, &e) < 0 && add) {
			*err = e;
			return error_prefix(err, "failed to add an iptables rule");
		}
	}
	return 0;
}

/* LXC's test: nft exists, can list the ruleset, and LXC_USE_NFT is true. */
static bool lxcnet_use_nft(const struct lxcnet_config *c)
{
	char *argv[] = { "nft", "list", "ruleset", NULL };
	struct lxc_error e = { 0 };

	return lxcnet_true(c->use_nft) && net_run(argv, NULL, NULL, &e) == 0;
}

static int lxcnet_nft(const char *rules, struct lxc_error *err)
{
	char *argv[] = { "nft", "-f", "-", NULL };

	return net_run(argv, NULL, rules, err);
}

/* ---- files and processes ------------------------------------------------------------------------ */

static char *lxcnet_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static char *lxcnet_leasefile(const struct lxcnet_config *c, const struct lxcnet_paths *p)
{
	return xasprintf("%s/dnsmasq.%s.leases", p->leasedir, c->bridge);
}

void lxcnet_dnsmasq_argv(const struct lxcnet_config *c, const struct lxcnet_paths *p,
			 const char *user, struct strlist *argv)
{
	strlist_push(argv, "dnsmasq");
	/* hermetic: never the system's /etc/dnsmasq.conf unless configured */
	strlist_push_owned(argv, xasprintf("--conf-file=%s", c->dhcp_confile[0] ? c->dhcp_confile : "/dev/null"));
	if (c->domain[0]) {
		strlist_push(argv, "-s");
		strlist_push(argv, c->domain);
		strlist_push(argv, "-S");
		strlist_push_owned(argv, xasprintf("/%s/", c->domain));
	}
	if (!strcmp(c->dhcp_ping, "false"))
		strlist_push(argv, "--no-ping");
	strlist_push(argv, "-u");
	strlist_push(argv, user);
	strlist_push(argv, "--strict-order");
	strlist_push(argv, "--bind-interfaces");
	strlist_push_owned(argv, xasprintf("--pid-file=%s/dnsmasq.pid", p->rundir));
	strlist_push(argv, "--listen-address");
	strlist_push(argv, c->addr);
	strlist_push(argv, "--dhcp-range");
	strlist_push(argv, c->dhcp_range);
	strlist_push_owned(argv, xasprintf("--dhcp-lease-max=%s", c->dhcp_max));
	strlist_push(argv, "--dhcp-no-override");
	strlist_push(argv, "--except-interface=lo");
	strlist_push_owned(argv, xasprintf("--interface=%s", c->bridge));
	strlist_push_owned(argv, xasprintf("--dhcp-leasefile=%s/dnsmasq.%s.leases", p->leasedir, c->bridge));
	strlist_push(argv, "--dhcp-authoritative");
	if (lxcnet_has_ipv6(c)) {
		strlist_push_owned(argv, xasprintf("--dhcp-range=%s,ra-only", c->ipv6_addr));
		strlist_push(argv, "--listen-address");
		strlist_push(argv, c->ipv6_addr);
	}
}

/* The first of LXC's candidate accounts that exists (read /etc/passwd ourselves: a
 * static binary has no NSS). */
static const char *lxcnet_dnsmasq_user(void)
{
	static const char *const candidates[] = { "lxc-dnsmasq", "dnsmasq", "nobody" };
	_cleanup_free_ char *passwd = NULL;

	if (file_read("/etc/passwd", &passwd, NULL, NULL) < 0)
		return "nobody";
	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
		size_t n = strlen(candidates[i]);

		for (const char *line = passwd; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
			if (!strncmp(line, candidates[i], n) && line[n] == ':')
				return candidates[i];
	}
	return "nobody";
}

/* dnsmasq's pid from its pid file, if that process is a dnsmasq (a stale file must not
 * make us signal whatever took the number). */
static pid_t lxcnet_dnsmasq_pid(const struct lxcnet_paths *p)
{
	_cleanup_free_ char *pidfile = lxcnet_path(p->rundir, "dnsmasq.pid");
	_cleanup_free_ char *text = NULL, *comm = NULL, *commpath = NULL;
	int pid;

	if (file_read(pidfile, &text, NULL, NULL) < 0 || str_to_int(str_trim(text), &pid) < 0 || pid <= 0)
		return 0;
	commpath = xasprintf("/proc/%d/comm", pid);
	if (file_read(commpath, &comm, NULL, NULL) < 0 || strcmp(str_trim(comm), "dnsmasq") != 0)
		return 0;
	return pid;
}

static void lxcnet_kill_dnsmasq(const struct lxcnet_paths *p)
{
	pid_t pid = lxcnet_dnsmasq_pid(p);
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	if (!pid)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 250 && kill(pid, 0) == 0; i++)
		nanosleep(&pause, NULL);
	if (kill(pid, 0) == 0)
		kill(pid, SIGKILL);
}

static int lxcnet_write_sysctl(const char *path, const char *value, bool required, struct lxc_error *err)
{
	struct lxc_error e = { 0 };

	if (file_write_str(path, value, &e) == 0)
		return 0;
	if (!required) {
		DEBUG("%s", e.msg);
		return 0;
	}
	*err = e;
	return -1;
}

/* ---- the bridge ----------------------------------------------------------------------------------- */

static int lxcnet_bridge_up(struct nl_sock *sk, const struct lxcnet_config *c, struct lxc_error *err)
{
	struct net_link br;
	struct lxc_error e = { 0 };
	uint8_t mac[6];
	uint32_t addr, bcast;
	int prefix = net_netmask_to_prefix(c->netmask);
	_cleanup_free_ char *path = NULL;

	if (prefix < 0)
		return error_set(err, "LXC_NETMASK: \"%s\" is not a netmask", c->netmask);
	if (inet_pton(AF_INET, c->addr, &addr) != 1)
		return error_set(err, "LXC_ADDR: \"%s\" is not an IPv4 address", c->addr);
	if (net_hwaddr_parse(c->bridge_mac, mac, err) < 0)
		return error_prefix(err, "LXC_BRIDGE_MAC");
	if (net_link_get(sk, c->bridge, 0, &br, &e) < 0) {
		struct net_link_spec spec = { .name = c->bridge, .kind = "bridge" };

		if (e.code != ENODEV)
			return (*err = e, -1);
		if (net_link_create(sk, &spec, err) < 0 || net_link_get(sk, c->bridge, 0, &br, err) < 0)
			return -1;
	}
	if (lxcnet_write_sysctl("/proc/sys/net/ipv4/ip_forward", "1", true, err) < 0)
		return error_prefix(err, "failed to enable IPv4 forwarding");
	path = xasprintf("/proc/sys/net/ipv6/conf/%s/accept_dad", c->bridge);
	lxcnet_write_sysctl(path, "0", false, err);
	bcast = addr | htonl(prefix ? 0xffffffffu >> prefix : 0xffffffffu);
	if (prefix == 32)
		bcast = addr;
	if (net_addr_add(sk, br.ifindex, AF_INET, &addr, (unsigned)prefix, &bcast, err) < 0 ||
	    net_link_set_mac(sk, br.ifindex, mac, err) < 0 || net_link_set_up(sk, br.ifindex, true, err) < 0)
		return error_prefix(err, "bridge \"%s\"", c->bridge);
	if (lxcnet_has_ipv6(c)) {
		uint8_t a6[16];
		unsigned p6;
		_cleanup_free_ char *autoconf = xasprintf("/proc/sys/net/ipv6/conf/%s/autoconf", c->bridge);

		if (inet_pton(AF_INET6, c->ipv6_addr, a6) != 1 || str_to_uint(c->ipv6_mask, &p6) < 0 || p6 > 128)
			return error_set(err, "LXC_IPV6_ADDR/LXC_IPV6_MASK: \"%s/%s\" is not an IPv6 address and prefix",
					 c->ipv6_addr, c->ipv6_mask);
		if (lxcnet_write_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1", true, err) < 0)
			return error_prefix(err, "failed to enable IPv6 forwarding");
		lxcnet_write_sysctl(autoconf, "0", false, err);
		if (net_addr_add(sk, br.ifindex, AF_INET6, a6, p6, NULL, err) < 0)
			return error_prefix(err, "bridge \"%s\"", c->bridge);
	}
	return 0;
}

/* Down, addresses flushed, and deleted unless containers are still attached (LXC). */
static int lxcnet_bridge_down(struct nl_sock *sk, const struct lxcnet_config *c, struct lxc_error *err)
{
	struct net_link br, *links = NULL;
	struct net_addr *addrs = NULL;
	size_t nlinks = 0, naddrs = 0;
	bool ports = false;
	struct lxc_error e = { 0 };

	if (net_link_get(sk, c->bridge, 0, &br, &e) < 0)
		return e.code == ENODEV ? 0 : (*err = e, -1);
	if (net_addr_list(sk, AF_UNSPEC, br.ifindex, &addrs, &naddrs, err) < 0)
		return -1;
	for (size_t i = 0; i < naddrs; i++)
		if (net_addr_del(sk, &addrs[i], &e) < 0)
			WARN("bridge \"%s\": %s", c->bridge, e.msg);
	free(addrs);
	if (net_link_set_up(sk, br.ifindex, false, err) < 0)
		return error_prefix(err, "bridge \"%s\"", c->bridge);
	if (net_link_list(sk, &links, &nlinks, err) < 0)
		return -1;
	for (size_t i = 0; i < nlinks; i++)
		ports |= links[i].master == br.ifindex;
	free(links);
	if (ports) {
		INFO("bridge \"%s\" still has ports: left in place", c->bridge);
		return 0;
	}
	return net_link_delete(sk, br.ifindex, err) < 0 ? error_prefix(err, "bridge \"%s\"", c->bridge) : 0;
}

/* ---- start / stop / status ---------------------------------------------------------------------------- */

/* Undo everything start does; backend: "nft", "iptables", or NULL to decide as LXC. */
static int lxcnet_teardown(const struct lxcnet_config *c, const struct lxcnet_paths *p,
			   const char *backend, struct lxc_error *err)
{
	_cleanup_free_ char *pidfile = lxcnet_path(p->rundir, "dnsmasq.pid");
	_cleanup_free_ char *leases = lxcnet_leasefile(c, p);
	struct lxc_error e = { 0 };
	struct nl_sock sk;
	int ret = 0;

	if (!backend)
		backend = lxcnet_use_nft(c) ? "nft" : "iptables";
	if (!strcmp(backend, "nft")) {
		_cleanup_free_ char *rules = lxcnet_nft_stop_rules(c);

		if (lxcnet_nft(rules, &e) < 0) {
			*err = e;
			ret = error_prefix(err, "failed to remove the nftables rules");
		}
	} else {
		lxcnet_iptables_all(c, false, &e);
	}
	lxcnet_kill_dnsmasq(p);
	unlink(pidfile);
	unlink(leases);
	if (nl_open(&sk, NETLINK_ROUTE, &e) < 0 || lxcnet_bridge_down(&sk, c, &e) < 0) {
		if (ret == 0)
			*err = e;
		ret = -1;
	}
	if (sk.fd >= 0)
		nl_close(&sk);
	return ret;
}

int lxcnet_stop(const struct lxcnet_config *c, const struct lxcnet_paths *p, bool force,
		struct lxc_error *err)
{
	_cleanup_free_ char *up = lxcnet_path(p->rundir, "network_up");
	_cleanup_free_ char *backend = NULL;
	int ret;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	if (!lxcnet_true(c->use_lxc_bridge))
		return LXCNET_DISABLED;
	if (!path_exists(up) && !force)
		return LXCNET_NOT_RUNNING;
	/* start records the firewall it used in network_up */
	if (file_read(up, &backend, NULL, NULL) == 0) {
		char *t = str_trim(backend);

		memmove(backend, t, strlen(t) + 1);
	}
	ret = lxcnet_teardown(c, p, backend && backend[0] ? backend : NULL, err);
	unlink(up);
	return ret < 0 ? -1 : LXCNET_OK;
}

static int lxcnet_start_dnsmasq(const struct lxcnet_config *c, const struct lxcnet_paths *p,
				struct lxc_error *err)
{
	struct strlist argv = { 0 };
	int ret;

	if (mkdir_p(p->leasedir, 0755, err) < 0)
		return -1;
	lxcnet_dnsmasq_argv(c, p, lxcnet_dnsmasq_user(), &argv);
	/* dnsmasq daemonizes: its foreground part exits once it serves, or fails */
	ret = net_run(argv.items, NULL, NULL, err);
	strlist_clear(&argv);
	return ret < 0 ? error_prefix(err, "failed to start dnsmasq") : 0;
}

int lxcnet_start(const struct lxcnet_config *c, const struct lxcnet_paths *p, struct lxc_error *err)
{
	_cleanup_free_ char *up = lxcnet_path(p->rundir, "network_up");
	struct lxc_error e = { 0 };
	struct net_link br;
	struct nl_sock sk;
	const char *backend;
	int ret;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	if (!lxcnet_true(c->use_lxc_bridge))
		return LXCNET_DISABLED;
	if (path_exists(up))
		return LXCNET_ALREADY_RUNNING;
	if (nl_open(&sk, NETLINK_ROUTE, err) < 0)
		return -1;
	/* a bridge left by an earlier run: clear it first, as LXC's "stop force" */
	if (net_link_get(&sk, c->bridge, 0, &br, &e) == 0)
		lxcnet_stop(c, p, true, &e);
	ret = mkdir_p(p->rundir, 0755, err);
	if (ret == 0)
		ret = lxcnet_bridge_up(&sk, c, err);
	nl_close(&sk);
	backend = lxcnet_use_nft(c) ? "nft" : "iptables";
	if (ret == 0 && !strcmp(backend, "nft")) {
		_cleanup_free_ char *rules = lxcnet_nft_start_rules(c);

		if ((ret = lxcnet_nft(rules, err)) < 0)
			error_prefix(err, "failed to load the nftables rules");
	} else if (ret == 0) {
		ret = lxcnet_iptables_all(c, true, err);
	}
	if (ret == 0)
		ret = lxcnet_start_dnsmasq(c, p, err);
	if (ret == 0) {
		_cleanup_free_ char *line = xasprintf("%s\n", backend);

		ret = file_write_atomic(up, line, strlen(line), 0644, err);
	}
	if (ret < 0) {
		lxcnet_teardown(c, p, backend, &e); /* leave nothing half made */
		return error_prefix(err, "Failed to setup lxc-net");
	}
	return LXCNET_OK;
}

int lxcnet_get_status(const struct lxcnet_config *c, const struct lxcnet_paths *p,
		      struct lxcnet_status *st, struct lxc_error *err)
{
	_cleanup_free_ char *up = lxcnet_path(p->rundir, "network_up");
	struct net_link br;
	struct lxc_error e = { 0 };
	struct nl_sock sk;
	struct lxc_error local_err = { 0 };

	if (!err)
		err = &local_err;

	memset(st, 0, sizeof(*st));
	if (file_read(up, &st->firewall, NULL, NULL) == 0) {
		char *t = str_trim(st->firewall);

		st->running = true;
		memmove(st->firewall, t, strlen(t) + 1);
		if (!st->firewall[0]) {
			free(st->firewall);
			st->firewall = NULL;
		}
	}
	st->dnsmasq_pid = lxcnet_dnsmasq_pid(p);
	if (nl_open(&sk, NETLINK_ROUTE, err) < 0)
		return -1;
	if (net_link_get(&sk, c->bridge, 0, &br, &e) == 0) {
		struct net_addr *addrs = NULL;
		size_t n = 0;

		st->bridge_exists = true;
		st->bridge_up = br.flags & IFF_UP;
		if (net_addr_list(&sk, AF_INET, br.ifindex, &addrs, &n, &e) == 0 && n > 0) {
			char text[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, addrs[0].addr, text, sizeof(text));
			st->bridge_addr = xasprintf("%s/%u", text, addrs[0].prefix);
		}
		free(addrs);
	}
	nl_close(&sk);
	return 0;
}

void lxcnet_status_free(struct lxcnet_status *st)
{
	free(st->bridge_addr);
	free(st->firewall);
	memset(st, 0, sizeof(*st));
}
