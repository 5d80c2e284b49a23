/* Resolving a key name against the table: modern and 1.x names, families (lxc.cgroup.X),
 * per-NIC keys with the 1.x numbering rule, canonical names, and which lines a clear covers. */
#include <string.h>
#include <strings.h>

#include "conf_internal.h"

static const struct conf_key *find_net_key(const char *sub, bool legacy)
{
	for (size_t i = 0; i < conf_n_net_keys; i++) {
		const struct conf_key *k = &conf_net_keys[i];

		/* 1.x spelled the address keys without ".address" */
		if (strcmp(k->name, sub) == 0 || (legacy && k->legacy && strcmp(k->legacy, sub) == 0))
			return k;
	}
	return NULL;
}

/* Parses "N" (digits only) at *p, advancing past it. */
static int parse_index(const char **p, int *out)
{
	long long v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > 1000000)
			return -1;
		s++;
	}
	*p = s;
	*out = (int)v;
	return 0;
}

/* The NIC an unindexed 1.x key applies to: a type line starts a new one after every NIC
 * defined so far; other keys apply to the last one started. */
static int legacy_nic(const struct lxc_conf *conf, bool new_nic)
{
	if (new_nic)
		return conf && conf->n_nets ? conf->nets[conf->n_nets - 1].index + 1 : 0;
	if (!conf)
		return 0;
	return conf->net_legacy_last;
}

static int resolve_net(const struct lxc_conf *conf, const char *key, struct conf_ref *ref)
{
	bool legacy = str_starts_with(key, "lxc.network");
	const char *p = key + (legacy ? strlen("lxc.network") : strlen("lxc.net"));

	ref->legacy = legacy;
	if (*p == '\0') {
		ref->key = &conf_net_root_key;
		ref->net = -1;
		return 0;
	}
	if (*p != '.')
		return -1;
	p++;
	if (*p >= '0' && *p <= '9') {
		if (parse_index(&p, &ref->net) < 0)
			return -1;
		if (*p == '\0') {
			ref->key = &conf_nic_root_key;
			return 0;
		}
		if (*p != '.')
			return -1;
		ref->key = find_net_key(p + 1, legacy);
		return ref->key ? 0 : -1;
	}
	if (!legacy)
		return -1;
	ref->key = find_net_key(p, true);
	if (!ref->key)
		return -1;
	ref->net_unindexed = true;
	ref->net = legacy_nic(conf, strcmp(ref->key->name, "type") == 0);
	return 0;
}

int conf_resolve(const struct lxc_conf *conf, const char *key, struct conf_ref *ref, struct lxc_error *err)
{
	memset(ref, 0, sizeof(*ref));
	ref->net = -1;
	if (str_starts_with(key, "lxc.net") &&
	    (key[7] == '\0' || key[7] == '.' || str_starts_with(key + 7, "work"))) {
		if (resolve_net(conf, key, ref) == 0)
			return 0;
		memset(ref, 0, sizeof(*ref));
		return error_set(err, "%s: unknown configuration key", key);
	}
	if (!str_starts_with(key, "lxc.") || !key[4])
		return error_set(err, "%s: unknown configuration key", key);
	for (size_t i = 0; i < conf_n_keys; i++) {
		const struct conf_key *k = &conf_keys[i];
		const char *names[2] = { k->name, k->legacy };

		for (int j = 0; j < 2; j++) {
			const char *name = names[j];
			size_t n;

			/* every name is "lxc." and two more characters at least: a cheap filter
			 * first keeps parsing fast where strcmp is not vectorised (musl) */
			if (!name || name[4] != key[4] || name[5] != key[5])
				continue;
			if (strcmp(key + 4, name + 4) == 0) {
				ref->key = k;
				ref->legacy = j == 1;
				return 0;
			}
			if (!(k->flags & CK_FAMILY))
				continue;
			n = strlen(name);
			if (strncmp(key, name, n) == 0 && key[n] == '.' && key[n + 1]) {
				ref->key = k;
				ref->sub = key + n + 1;
				ref->legacy = j == 1;
				return 0;
			}
		}
	}
	return error_set(err, "%s: unknown configuration key", key);
}

char *conf_ref_name(const struct conf_ref *ref)
{
	if (ref->key == &conf_net_root_key)
		return xstrdup("lxc.net");
	if (ref->key == &conf_nic_root_key)
		return xasprintf("lxc.net.%d", ref->net);
	if (ref->key->flags & CK_NET)
		return xasprintf("lxc.net.%d.%s", ref->net < 0 ? 0 : ref->net, ref->key->name);
	if (ref->sub)
		return xasprintf("%s.%s", ref->key->name, ref->sub);
	return xstrdup(ref->key->name);
}

bool conf_ref_covers(const struct conf_ref *target, const struct conf_ref *line)
{
	bool line_net = line->key == &conf_nic_root_key || (line->key->flags & CK_NET);

	if (target->key == &conf_net_root_key)
		return line_net || line->key == &conf_net_root_key;
	if (target->key == &conf_nic_root_key)
		return line_net && line->net == target->net;
	if (target->key->flags & CK_NET)
		return line->key == target->key && line->net == target->net;
	if (target->key->flags & CK_HOOKS)
		return line->key == target->key || (line->key->flags & CK_HOOK);
	if (line->key != target->key)
		return false;
	if (!target->sub)
		return true;
	if (!line->sub)
		return false;
	/* resource names are matched without case, like the setter does */
	if (target->key->flags & CK_ICASE)
		return strcasecmp(line->sub, target->sub) == 0;
	return strcmp(line->sub, target->sub) == 0;
}

int conf_ref_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *key, const char *value,
		 struct lxc_error *err)
{
	if (ref->reader)
		ref->reader->err_complete = false;
	if (ref->key->set(conf, ref, value, err) < 0) {
		if (ref->reader && ref->reader->err_complete)
			return -1;
		return error_prefix(err, "%s", key);
	}
	return 0;
}

char *conf_canonical_key(const char *key)
{
	struct conf_ref ref;

	if (conf_resolve(NULL, key, &ref, NULL) < 0)
		return NULL;
	return conf_ref_name(&ref);
}
