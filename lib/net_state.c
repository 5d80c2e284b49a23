/* The record of what container networking made on the host (struct net_state), and its
 * text form, written by the runtime to a state file so a later monitor can undo it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "utils.h"

#define NET_STATE_MAGIC "lxc-net-state 1"

void net_state_init(struct net_state *st)
{
	memset(st, 0, sizeof(*st));
	st->netns_fd = -1;
}

void net_state_nic_clear(struct net_state_nic *n)
{
	free(n->host_ifname);
	free(n->link);
	free(n->phys_name);
	free(n->script_down);
}

void net_state_free(struct net_state *st)
{
	for (size_t i = 0; i < st->n_nics; i++)
		net_state_nic_clear(&st->nics[i]);
	free(st->nics);
	free(st->name);
	if (st->netns_fd >= 0)
		close(st->netns_fd);
	net_state_init(st);
}

/* Values may hold anything (script paths with spaces): space, '%', '=' and control or
 * high bytes become %XX. */
static void net_state_put(char **buf, size_t *len, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char tmp[4];
		size_t n;

		if (*p <= ' ' || *p >= 0x7f || *p == '%' || *p == '=') {
			snprintf(tmp, sizeof(tmp), "%%%02X", *p);
			n = 3;
		} else {
			tmp[0] = (char)*p;
			n = 1;
		}
		*buf = xrealloc(*buf, *len + n + 1);
		memcpy(*buf + *len, tmp, n);
		*len += n;
		(*buf)[*len] = '\0';
	}
}

static void net_state_puts(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);

	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

static void net_state_kv(char **buf, size_t *len, const char *key, const char *value)
{
	if (!value)
		return;
	net_state_puts(buf, len, " ");
	net_state_puts(buf, len, key);
	net_state_puts(buf, len, "=");
	net_state_put(buf, len, value);
}

char *net_state_serialize(const struct net_state *st)
{
	char *buf = xstrdup(NET_STATE_MAGIC "\n");
	size_t len = strlen(buf);
	char num[64];

	net_state_puts(&buf, &len, "name ");
	net_state_put(&buf, &len, st->name ? st->name : "");
	snprintf(num, sizeof(num), "\nhook-version %d\npid %d %llu\n", st->hook_version, (int)st->pid,
		 st->pid_starttime);
	net_state_puts(&buf, &len, num);
	for (size_t i = 0; i < st->n_nics; i++) {
		const struct net_state_nic *n = &st->nics[i];

		snprintf(num, sizeof(num), "nic %d %s", n->index, net_type_name(n->type));
		net_state_puts(&buf, &len, num);
		net_state_kv(&buf, &len, "host", n->host_ifname);
		net_state_kv(&buf, &len, "link", n->link);
		net_state_kv(&buf, &len, "ovs", n->ovs ? "1" : NULL);
		if (n->ns_ifindex) {
			snprintf(num, sizeof(num), "%d", n->ns_ifindex);
			net_state_kv(&buf, &len, "ns-ifindex", num);
		}
		if (n->phys_name) {
			char mac[18];

			net_state_kv(&buf, &len, "phys-name", n->phys_name);
			snprintf(num, sizeof(num), "%d", n->phys_ifindex);
			net_state_kv(&buf, &len, "phys-ifindex", num);
			net_hwaddr_format(n->phys_mac, mac);
			net_state_kv(&buf, &len, "phys-mac", mac);
			snprintf(num, sizeof(num), "%u", n->phys_mtu);
			net_state_kv(&buf, &len, "phys-mtu", num);
			snprintf(num, sizeof(num), "%d", n->phys_ns_ifindex);
			net_state_kv(&buf, &len, "phys-ns-ifindex", num);
			net_state_kv(&buf, &len, "phys-moved", n->phys_moved ? "1" : "0");
		}
		net_state_kv(&buf, &len, "script-down", n->script_down);
		net_state_kv(&buf, &len, "script-up-done", n->script_up_done ? "1" : NULL);
		net_state_puts(&buf, &len, "\n");
	}
	return buf;
}

static int net_state_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int net_state_unescape(const char *s, char **out)
{
	size_t n = strlen(s), k = 0;
	char *r = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '%') {
			r[k++] = s[i];
			continue;
		}
		hi = i + 1 < n ? net_state_hex(s[i + 1]) : -1;
		lo = i + 2 < n ? net_state_hex(s[i + 2]) : -1;
		/* an embedded NUL would silently cut the value */
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(r);
			return -1;
		}
		r[k++] = (char)(hi << 4 | lo);
		i += 2;
	}
	r[k] = '\0';
	*out = r;
	return 0;
}

static enum net_type net_state_type(const char *s)
{
	for (int t = NET_EMPTY; t <= NET_NONE; t++)
		if (!strcmp(s, net_type_name((enum net_type)t)))
			return (enum net_type)t;
	return NET_UNSET;
}

static int net_state_parse_flag(const char *v, bool *out)
{
	if (!strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int net_state_parse_nic(struct net_state_nic *n, struct strlist *words, struct lxc_error *err)
{
	if (words->len < 3 || str_to_int(words->items[1], &n->index) < 0 || n->index < 0)
		return error_set(err, "expected \"nic INDEX TYPE ...\"");
	n->type = net_state_type(words->items[2]);
	if (n->type == NET_UNSET)
		return error_set(err, "unknown network type \"%s\"", words->items[2]);
	for (size_t i = 3; i < words->len; i++) {
		char *eq = strchr(words->items[i], '='), *value = NULL;
		const char *key = words->items[i];
		char **slot = NULL;
		int bad = 0;

		if (!eq)
			return error_set(err, "expected KEY=VALUE, got \"%s\"", key);
		*eq = '\0';
		if (net_state_unescape(eq + 1, &value) < 0)
			return error_set(err, "bad escape in the value of \"%s\"", key);
		if (!strcmp(key, "host"))
			slot = &n->host_ifname;
		else if (!strcmp(key, "link"))
			slot = &n->link;
		else if (!strcmp(key, "phys-name"))
			slot = &n->phys_name;
		else if (!strcmp(key, "script-down"))
			slot = &n->script_down;
		else if (!strcmp(key, "ovs"))
			bad = net_state_parse_flag(value, &n->ovs);
		else if (!strcmp(key, "phys-moved"))
			bad = net_state_parse_flag(value, &n->phys_moved);
		else if (!strcmp(key, "script-up-done"))
			bad = net_state_parse_flag(value, &n->script_up_done);
		else if (!strcmp(key, "phys-ifindex"))
			bad = str_to_int(value, &n->phys_ifindex);
		else if (!strcmp(key, "ns-ifindex"))
			bad = str_to_int(value, &n->ns_ifindex);
		else if (!strcmp(key, "phys-ns-ifindex"))
			bad = str_to_int(value, &n->phys_ns_ifindex);
		else if (!strcmp(key, "phys-mtu"))
			bad = str_to_uint(value, &n->phys_mtu);
		else if (!strcmp(key, "phys-mac"))
			bad = strchr(value, 'x') || strchr(value, 'X') ||
			      net_hwaddr_parse(value, n->phys_mac, NULL);
		else
			bad = 2;
		if (slot) {
			free(*slot);
			*slot = value;
			continue;
		}
		free(value);
		if (bad == 2)
			return error_set(err, "unknown key \"%s\"", key);
		if (bad)
			return error_set(err, "bad value for \"%s\"", key);
	}
	return 0;
}

int net_state_parse(struct net_state *st, const char *text, struct lxc_error *err)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *line, *next;
	int lineno = 0, ret = 0;
	bool magic = false;

	net_state_free(st);
	for (line = copy; line && *line && ret == 0; line = next) {
		struct strlist words = { 0 };

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (!magic) {
			if (strcmp(line, NET_STATE_MAGIC) != 0) {
				ret = error_set(err, "network state line 1: not a network state (expected \"%s\")",
						NET_STATE_MAGIC);
				break;
			}
			magic = true;
			continue;
		}
		strlist_split(&words, line, " ");
		if (words.len == 0) {
			strlist_clear(&words);
			continue;
		}
		if (!strcmp(words.items[0], "name") && words.len <= 2) {
			free(st->name);
			st->name = NULL;
			if (words.len == 2 && net_state_unescape(words.items[1], &st->name) < 0)
				ret = error_set(err, "bad escape in the name");
			else if (words.len == 1)
				st->name = xstrdup("");
		} else if (!strcmp(words.items[0], "hook-version") && words.len == 2) {
			if (str_to_int(words.items[1], &st->hook_version) < 0)
				ret = error_set(err, "bad hook version");
		} else if (!strcmp(words.items[0], "pid") && words.len == 3) {
			int pid;

			if (str_to_int(words.items[1], &pid) < 0 || pid < 0 ||
			    str_to_uint64(words.items[2], &st->pid_starttime) < 0)
				ret = error_set(err, "bad pid");
			st->pid = pid;
		} else if (!strcmp(words.items[0], "nic")) {
			st->nics = xrealloc(st->nics, (st->n_nics + 1) * sizeof(*st->nics));
			memset(&st->nics[st->n_nics], 0, sizeof(*st->nics));
			st->n_nics++;
			ret = net_state_parse_nic(&st->nics[st->n_nics - 1], &words, err);
		} else {
			ret = error_set(err, "unknown record \"%s\"", words.items[0]);
		}
		if (ret < 0)
			error_prefix(err, "network state line %d", lineno);
		strlist_clear(&words);
	}
	if (ret == 0 && !magic)
		ret = error_set(err, "network state: empty");
	if (ret < 0)
		net_state_free(st);
	return ret;
}
