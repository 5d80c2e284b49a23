/* The key families and structured values of the table: lxc.cgroup.*, lxc.cgroup2.*,
 * lxc.sysctl.*, lxc.proc.*, lxc.prlimit.* (1.x lxc.limit.*), lxc.idmap, lxc.namespace.*. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "conf_internal.h"

#define F(field) offsetof(struct lxc_conf, field)
#define FIELD(conf, ref, type) ((type *)((char *)(conf) + (ref)->key->off))

/* ---- namespaces ------------------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int flag;
} clone_flags[] = {
	/* LXC's order, which its getter follows */
	{ "mnt", CLONE_NEWNS }, { "pid", CLONE_NEWPID }, { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
	{ "user", CLONE_NEWUSER }, { "net", CLONE_NEWNET }, { "cgroup", CLONE_NEWCGROUP },
	{ "time", 0x00000080 /* CLONE_NEWTIME */ },
};

int conf_ns_flags_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	int *p = FIELD(conf, ref, int), *other = ref->key->off == F(ns_clone) ? &conf->ns_keep : &conf->ns_clone;
	struct strlist names = { 0 };
	int flags = 0;

	if (conf_value_empty(value)) {
		*p = 0;
		return 0;
	}
	if (*other)
		return error_set(err, "lxc.namespace.clone and lxc.namespace.keep cannot both be set");
	strlist_split(&names, value, " \t");
	for (size_t i = 0; i < names.len; i++) {
		size_t j;

		for (j = 0; j < ARRAY_SIZE(clone_flags); j++)
			if (strcmp(names.items[i], clone_flags[j].name) == 0)
				break;
		if (j == ARRAY_SIZE(clone_flags)) {
			error_set(err, "unknown namespace \"%s\" (user, mnt, pid, uts, ipc, net, cgroup, time)",
				  names.items[i]);
			strlist_clear(&names);
			return -1;
		}
		flags |= clone_flags[j].flag;
	}
	strlist_clear(&names);
	*p |= flags;
	return 0;
}

int conf_ns_flags_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
			struct lxc_error *err)
{
	int flags = *FIELD(conf, ref, int);

	for (size_t i = 0; i < ARRAY_SIZE(clone_flags); i++)
		if (flags & clone_flags[i].flag)
			conf_buf_add(out, "%s\n", clone_flags[i].name);
	return 0;
}

static int share_ns(const struct conf_ref *ref, struct lxc_error *err)
{
	int ns;

	if (!ref->sub)
		return error_set(err, "needs a namespace after \"lxc.namespace.share.\"");
	ns = conf_ns_parse(ref->sub);
	if (ns < 0)
		return error_set(err, "unknown namespace \"%s\" (user, mnt, pid, uts, ipc, net, cgroup, time)",
				 ref->sub);
	return ns;
}

void conf_ns_share_clear(struct lxc_conf *conf, const struct conf_ref *ref);

int conf_ns_share_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	int ns;

	if (!ref->sub && conf_value_empty(value)) {
		conf_ns_share_clear(conf, ref);
		return 0;
	}
	ns = share_ns(ref, err);

	if (ns < 0)
		return -1;
	free(conf->ns_share[ns]);
	conf->ns_share[ns] = conf_value_empty(value) ? NULL : xstrdup(value);
	return 0;
}

int conf_ns_share_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
			struct lxc_error *err)
{
	int ns = share_ns(ref, err);

	if (ns < 0)
		return -1;
	conf_buf_add(out, "%s", conf->ns_share[ns] ? conf->ns_share[ns] : "");
	return 0;
}

void conf_ns_share_clear(struct lxc_conf *conf, const struct conf_ref *ref)
{
	for (int i = 0; i < NS_COUNT; i++) {
		if (ref->sub && conf_ns_parse(ref->sub) != i)
			continue;
		free(conf->ns_share[i]);
		conf->ns_share[i] = NULL;
	}
}

/* ---- key/value families: lxc.cgroup.*, lxc.cgroup2.*, lxc.sysctl.*, lxc.proc.* ---------------------- */

#define KV_ARRAY(conf, ref) ((struct conf_kv **)((char *)(conf) + (ref)->key->off))
#define KV_COUNT(conf, ref) ((size_t *)((char *)(conf) + (ref)->key->arg))

static void kv_remove(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_kv *kv = *KV_ARRAY(conf, ref);
	size_t *n = KV_COUNT(conf, ref), keep = 0;

	for (size_t i = 0; i < *n; i++) {
		if (!ref->sub || strcmp(kv[i].key, ref->sub) == 0) {
			free(kv[i].key);
			free(kv[i].value);
		} else {
			kv[keep++] = kv[i];
		}
	}
	*n = keep;
}

static int check_sub(const struct conf_ref *ref, struct lxc_error *err)
{
	const char *s = ref->sub;

	if (!s || !*s)
		return error_set(err, "needs a name after \"%s.\"", ref->key->name);
	/* the name becomes a path under /sys/fs/cgroup or /proc: keep it a single component */
	if (strchr(s, '/') || strpbrk(s, " \t") || strcmp(s, ".") == 0 || strstr(s, ".."))
		return error_set(err, "invalid name \"%s\"", s);
	return 0;
}

/* CK_LIST families (cgroup settings) append in file order; others replace in place. */
int conf_kv_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_kv **kv = KV_ARRAY(conf, ref);
	size_t *n = KV_COUNT(conf, ref);

	if (conf_value_empty(value)) {
		kv_remove(conf, ref);
		return 0;
	}
	if (check_sub(ref, err) < 0)
		return -1;
	if (!(ref->key->flags & CK_LIST)) {
		for (size_t i = 0; i < *n; i++) {
			if (strcmp((*kv)[i].key, ref->sub) == 0) {
				free((*kv)[i].value);
				(*kv)[i].value = xstrdup(value);
				return 0;
			}
		}
	}
	*kv = conf_grow(*kv, *n, sizeof(**kv));
	(*kv)[*n].key = xstrdup(ref->sub);
	(*kv)[*n].value = xstrdup(value);
	(*n)++;
	return 0;
}

/* Whole family: "lxc.cgroup.K = V\n" per entry. One member: cgroup settings print "V\n" per
 * entry, sysctl/proc print the value alone (LXC's formats). */
int conf_kv_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct conf_kv *kv = *KV_ARRAY(conf, ref);
	size_t n = *KV_COUNT(conf, ref);

	for (size_t i = 0; i < n; i++) {
		if (!ref->sub)
			conf_buf_add(out, "%s.%s = %s\n", ref->key->name, kv[i].key, kv[i].value);
		else if (strcmp(kv[i].key, ref->sub) == 0)
			conf_buf_add(out, (ref->key->flags & CK_LIST) ? "%s\n" : "%s", kv[i].value);
	}
	return 0;
}

void conf_kv_clear(struct lxc_conf *conf, const struct conf_ref *ref)
{
	kv_remove(conf, ref);
}

/* ---- lxc.prlimit.* (1.x-era lxc.limit.*) -------------------------------------------------------------- */

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

static int rlimit_value(const char *s, unsigned long long *v)
{
	if (strcmp(s, "unlimited") == 0) {
		*v = RLIM_INFINITY;
		return 0;
	}
	return str_to_uint64(s, v);
}

int conf_prlimit_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	unsigned long long soft, hard;
	const char *colon;
	size_t i;
	int resource = -1;

	if (conf_value_empty(value)) {
		size_t keep = 0;

		for (i = 0; i < conf->n_prlimits; i++) {
			if (!ref->sub || strcasecmp(conf->prlimits[i].name, ref->sub) == 0)
				free(conf->prlimits[i].name);
			else
				conf->prlimits[keep++] = conf->prlimits[i];
		}
		conf->n_prlimits = keep;
		return 0;
	}
	if (!ref->sub)
		return error_set(err, "needs a resource name after \"lxc.prlimit.\"");
	for (i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strcasecmp(ref->sub, rlimit_names[i].name) == 0)
			resource = rlimit_names[i].resource;
	if (resource < 0)
		return error_set(err, "unknown resource limit \"%s\" (as, core, cpu, data, fsize, locks, memlock, "
				 "msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack)", ref->sub);
	colon = strchr(value, ':');
	if (colon) {
		_cleanup_free_ char *s = xstrndup(value, colon - value);

		if (rlimit_value(s, &soft) < 0 || rlimit_value(colon + 1, &hard) < 0)
			goto bad;
	} else if (rlimit_value(value, &soft) < 0) {
		goto bad;
	} else {
		hard = soft;
	}
	for (i = 0; i < conf->n_prlimits; i++)
		if (conf->prlimits[i].resource == resource)
			break;
	if (i == conf->n_prlimits) {
		conf->prlimits = conf_grow(conf->prlimits, conf->n_prlimits, sizeof(*conf->prlimits));
		conf->prlimits[i].name = xstrdup(ref->sub);
		conf->n_prlimits++;
	}
	conf->prlimits[i].resource = resource;
	conf->prlimits[i].soft = soft;
	conf->prlimits[i].hard = hard;
	return 0;
bad:
	return error_set(err, "expected N, unlimited or SOFT:HARD, got \"%s\"", value);
}

static void rlimit_print(struct conf_buf *out, unsigned long long v)
{
	if (v == RLIM_INFINITY)
		conf_buf_add(out, "unlimited");
	else
		conf_buf_add(out, "%llu", v);
}

static void prlimit_print(struct conf_buf *out, const struct conf_prlimit *l)
{
	rlimit_print(out, l->soft);
	if (l->hard != l->soft) {
		conf_buf_add(out, ":");
		rlimit_print(out, l->hard);
	}
}

int conf_prlimit_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
		       struct lxc_error *err)
{
	for (size_t i = 0; i < conf->n_prlimits; i++) {
		const struct conf_prlimit *l = &conf->prlimits[i];

		if (!ref->sub) {
			conf_buf_add(out, "lxc.prlimit.%s = ", l->name);
			prlimit_print(out, l);
			conf_buf_add(out, "\n");
		} else if (strcasecmp(l->name, ref->sub) == 0) {
			prlimit_print(out, l);
		}
	}
	return 0;
}

void conf_prlimit_clear(struct lxc_conf *conf, const struct conf_ref *ref)
{
	conf_prlimit_set(conf, ref, NULL, NULL);
}

/* ---- lxc.idmap (1.x lxc.id_map) --------------------------------------------------------------------------- */

int conf_idmap_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct strlist f = { 0 };
	struct conf_idmap m = { 0 };
	unsigned long long v[3];
	int ret = 0;

	if (conf_value_empty(value)) {
		free(conf->idmaps);
		conf->idmaps = NULL;
		conf->n_idmaps = 0;
		return 0;
	}
	strlist_split(&f, value, " \t");
	if (f.len != 4 || strlen(f.items[0]) != 1 || (f.items[0][0] != 'u' && f.items[0][0] != 'g'))
		ret = -1;
	for (int i = 0; ret == 0 && i < 3; i++)
		if (str_to_uint64(f.items[i + 1], &v[i]) < 0 || v[i] > 0xffffffffULL)
			ret = -1;
	if (ret == 0 && (v[2] == 0 || v[0] + v[2] > 0x100000000ULL || v[1] + v[2] > 0x100000000ULL))
		ret = -1;
	if (ret < 0) {
		strlist_clear(&f);
		return error_set(err, "expected \"u|g NSID HOSTID RANGE\", got \"%s\"", value);
	}
	m.type = f.items[0][0];
	m.nsid = v[0];
	m.hostid = v[1];
	m.range = v[2];
	strlist_clear(&f);
	conf->idmaps = conf_grow(conf->idmaps, conf->n_idmaps, sizeof(*conf->idmaps));
	conf->idmaps[conf->n_idmaps++] = m;
	return 0;
}

int conf_idmap_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	for (size_t i = 0; i < conf->n_idmaps; i++)
		conf_buf_add(out, "%s%c %lu %lu %lu", i ? "\n" : "", conf->idmaps[i].type, conf->idmaps[i].nsid,
			     conf->idmaps[i].hostid, conf->idmaps[i].range);
	return 0;
}

void conf_idmap_clear(struct lxc_conf *conf, const struct conf_ref *ref)
{
	conf_idmap_set(conf, ref, NULL, NULL);
}
