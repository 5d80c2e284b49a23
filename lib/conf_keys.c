/* THE key table: every container key of LXC 1.1 and LXC 5 with its setter, getter,
 * clearer and 1.x name. Per-NIC keys are in conf_keys_net.c, the handlers of the key
 * families (cgroup, sysctl, prlimit...) in conf_keys_kv.c, name resolution in conf_ref.c. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_internal.h"
#include "log.h"

#define F(field) offsetof(struct lxc_conf, field)
#define FIELD(conf, ref, type) ((type *)((char *)(conf) + (ref)->key->off))

/* ---- generic handlers: strings ---------------------------------------------------------- */

static int set_str(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	char **p = FIELD(conf, ref, char *);

	free(*p);
	*p = conf_value_empty(value) ? NULL : xstrdup(value);
	return 0;
}

static int get_str(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	char **p = FIELD(conf, ref, char *);

	conf_buf_add(out, "%s", *p ? *p : "");
	return 0;
}

static void clr_str(struct lxc_conf *conf, const struct conf_ref *ref)
{
	char **p = FIELD(conf, ref, char *);

	free(*p);
	*p = NULL;
}

/* ---- generic handlers: 0/1 flags ----------------------------------------------------------- */

static int set_bool(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	int v = 0;

	if (!conf_value_empty(value) && conf_parse_bool(value, NULL, &v, err) < 0)
		return -1;
	*FIELD(conf, ref, bool) = v;
	return 0;
}

static int get_bool(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	conf_buf_add(out, "%d", *FIELD(conf, ref, bool) ? 1 : 0);
	return 0;
}

static void clr_bool(struct lxc_conf *conf, const struct conf_ref *ref)
{
	*FIELD(conf, ref, bool) = false;
}

/* An int flag. arg < 0: unset is 0. arg 0/1: unset is -1, shown as arg (LXC's default). */
static int unset_of(const struct conf_ref *ref)
{
	return ref->key->arg < 0 ? 0 : -1;
}

static int set_flag(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	int v;

	if (conf_value_empty(value))
		v = unset_of(ref);
	else if (conf_parse_bool(value, NULL, &v, err) < 0)
		return -1;
	*FIELD(conf, ref, int) = v;
	return 0;
}

static int get_flag(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	int v = *FIELD(conf, ref, int);

	conf_buf_add(out, "%d", v < 0 ? (int)ref->key->arg : v);
	return 0;
}

static void clr_flag(struct lxc_conf *conf, const struct conf_ref *ref)
{
	*FIELD(conf, ref, int) = unset_of(ref);
}

/* ---- generic handlers: numbers --------------------------------------------------------------- */

static int set_uint(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	unsigned v = 0;

	if (!conf_value_empty(value) && str_to_uint(value, &v) < 0)
		return error_set(err, "expected a non-negative number, got \"%s\"", value);
	*FIELD(conf, ref, unsigned) = v;
	return 0;
}

static int get_uint(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	conf_buf_add(out, "%u", *FIELD(conf, ref, unsigned));
	return 0;
}

static void clr_uint(struct lxc_conf *conf, const struct conf_ref *ref)
{
	*FIELD(conf, ref, unsigned) = 0;
}

/* arg: the smallest value allowed */
static int set_int(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	int v = 0;

	if (!conf_value_empty(value) && (str_to_int(value, &v) < 0 || v < ref->key->arg))
		return error_set(err, ref->key->arg == 0 ? "expected a non-negative number, got \"%s\""
							 : "expected a number, got \"%s\"", value);
	*FIELD(conf, ref, int) = v;
	return 0;
}

static int get_int(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	conf_buf_add(out, "%d", *FIELD(conf, ref, int));
	return 0;
}

static void clr_int(struct lxc_conf *conf, const struct conf_ref *ref)
{
	*FIELD(conf, ref, int) = 0;
}

/* ---- generic handlers: lists ------------------------------------------------------------------- */

static int set_list(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct strlist *l = FIELD(conf, ref, struct strlist);

	if (conf_value_empty(value))
		strlist_clear(l);
	else if (ref->key->flags & CK_SPLIT)
		strlist_split(l, value, " \t");
	else
		strlist_push(l, value);
	return 0;
}

/* LXC prints list values one per line, each followed by a newline. */
static int get_list(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	struct strlist *l = FIELD(conf, ref, struct strlist);

	for (size_t i = 0; i < l->len; i++)
		conf_buf_add(out, "%s\n", l->items[i]);
	return 0;
}

static void clr_list(struct lxc_conf *conf, const struct conf_ref *ref)
{
	strlist_clear(FIELD(conf, ref, struct strlist));
}

/* ---- signals ---------------------------------------------------------------------------------- */

/* arg: the value when unset */
static int set_signal(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	int sig = (int)ref->key->arg;

	if (!conf_value_empty(value) && conf_signal_parse(value, &sig) < 0)
		return error_set(err, "unknown signal \"%s\"", value);
	*FIELD(conf, ref, int) = sig;
	return 0;
}

static void clr_signal(struct lxc_conf *conf, const struct conf_ref *ref)
{
	*FIELD(conf, ref, int) = (int)ref->key->arg;
}

/* ---- general keys ------------------------------------------------------------------------------ */

static int set_arch(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	const char *normal;
	unsigned long pers;

	if (conf_value_empty(value)) {
		free(conf->arch_name);
		conf->arch_name = NULL;
		conf->personality = ~0UL;
		return 0;
	}
	if (conf_arch_parse(value, &pers, &normal) < 0)
		return error_set(err, "unknown architecture \"%s\"", value);
	free(conf->arch_name);
	conf->arch_name = xstrdup(normal);
	conf->personality = pers;
	return 0;
}

static void clr_arch(struct lxc_conf *conf, const struct conf_ref *ref)
{
	set_arch(conf, ref, NULL, NULL);
}

static int set_uts_name(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	if (value && strlen(value) > 64)
		return error_set(err, "host name longer than 64 characters");
	return set_str(conf, ref, value, err);
}

static int set_log_level(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	int level = -1;

	if (!conf_value_empty(value) && (level = log_level_parse(value)) < 0)
		return error_set(err, "unknown log level \"%s\" (0-8 or TRACE, DEBUG, INFO, NOTICE, WARN, "
				 "ERROR, CRIT, ALERT, FATAL)", value);
	conf->log_level = level;
	return 0;
}

static int get_log_level(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	conf_buf_add(out, "%s", conf->log_level < 0 ? "NOTSET" : log_level_name(conf->log_level));
	return 0;
}

static void clr_log_level(struct lxc_conf *conf, const struct conf_ref *ref)
{
	conf->log_level = -1;
}

static int set_syslog(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	static const char *const facilities[] = {
		"daemon", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
	};

	if (!conf_value_empty(value)) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(facilities); i++)
			if (strcmp(value, facilities[i]) == 0)
				break;
		if (i == ARRAY_SIZE(facilities))
			return error_set(err, "unknown syslog facility \"%s\" (daemon, local0..local7)", value);
	}
	return set_str(conf, ref, value, err);
}

static const char *const rootfs_backends[] = {
	"dir", "aufs", "btrfs", "loop", "lvm", "nbd", "overlay", "overlayfs", "rbd", "zfs",
};

/* LXC prints the path without its "backend:" prefix. */
static int get_rootfs_path(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
			   struct lxc_error *err)
{
	const char *p = conf->rootfs_path ? conf->rootfs_path : "";
	const char *colon = strchr(p, ':');

	for (size_t i = 0; colon && i < ARRAY_SIZE(rootfs_backends); i++) {
		if (strlen(rootfs_backends[i]) == (size_t)(colon - p) && !strncmp(p, rootfs_backends[i], colon - p)) {
			p = colon + 1;
			break;
		}
	}
	conf_buf_add(out, "%s", p);
	return 0;
}

static int set_rootfs_backend(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			      struct lxc_error *err)
{
	size_t i;

	for (i = 0; !conf_value_empty(value) && i < ARRAY_SIZE(rootfs_backends); i++)
		if (strcmp(value, rootfs_backends[i]) == 0)
			break;
	if (!conf_value_empty(value) && i == ARRAY_SIZE(rootfs_backends))
		return error_set(err, "unknown storage backend \"%s\"", value);
	return set_str(conf, ref, value, err);
}

/* ---- lxc.mount.auto -------------------------------------------------------------------------- */

#define AUTO_PROC_MASK (AUTO_PROC_MIXED | AUTO_PROC_RW)
#define AUTO_SYS_MASK (AUTO_SYS_RO | AUTO_SYS_MIXED | AUTO_SYS_RW)
#define AUTO_CGROUP_MASK (AUTO_CGROUP_RO | AUTO_CGROUP_MIXED | AUTO_CGROUP_RW | AUTO_CGROUP_FULL_RO | \
			  AUTO_CGROUP_FULL_MIXED | AUTO_CGROUP_FULL_RW | AUTO_CGROUP_FORCE | \
			  AUTO_CGROUP_NOSPEC | AUTO_CGROUP_FULL_NOSPEC)

static const struct {
	const char *token;
	unsigned mask, flags;
} auto_tokens[] = {
	{ "proc", AUTO_PROC_MASK, AUTO_PROC_MIXED },
	{ "proc:mixed", AUTO_PROC_MASK, AUTO_PROC_MIXED },
	{ "proc:rw", AUTO_PROC_MASK, AUTO_PROC_RW },
	{ "sys", AUTO_SYS_MASK, AUTO_SYS_MIXED },
	{ "sys:ro", AUTO_SYS_MASK, AUTO_SYS_RO },
	{ "sys:mixed", AUTO_SYS_MASK, AUTO_SYS_MIXED },
	{ "sys:rw", AUTO_SYS_MASK, AUTO_SYS_RW },
	{ "cgroup", AUTO_CGROUP_MASK, AUTO_CGROUP_NOSPEC },
	{ "cgroup:mixed", AUTO_CGROUP_MASK, AUTO_CGROUP_MIXED },
	{ "cgroup:ro", AUTO_CGROUP_MASK, AUTO_CGROUP_RO },
	{ "cgroup:rw", AUTO_CGROUP_MASK, AUTO_CGROUP_RW },
	{ "cgroup:force", AUTO_CGROUP_MASK, AUTO_CGROUP_NOSPEC | AUTO_CGROUP_FORCE },
	{ "cgroup:mixed:force", AUTO_CGROUP_MASK, AUTO_CGROUP_MIXED | AUTO_CGROUP_FORCE },
	{ "cgroup:ro:force", AUTO_CGROUP_MASK, AUTO_CGROUP_RO | AUTO_CGROUP_FORCE },
	{ "cgroup:rw:force", AUTO_CGROUP_MASK, AUTO_CGROUP_RW | AUTO_CGROUP_FORCE },
	{ "cgroup-full", AUTO_CGROUP_MASK, AUTO_CGROUP_FULL_NOSPEC },
	{ "cgroup-full:mixed", AUTO_CGROUP_MASK, AUTO_CGROUP_FULL_MIXED },
	{ "cgroup-full:ro", AUTO_CGROUP_MASK, AUTO_CGROUP_FULL_RO },
	{ "cgroup-full:rw", AUTO_CGROUP_MASK, AUTO_CGROUP_FULL_RW },
	{ "cgroup-full:force", AUTO_CGROUP_MASK, AUTO_CGROUP_FULL_NOSPEC | AUTO_CGROUP_FORCE },
	{ "cgroup-full:mixed:force", AUTO_CGROUP_MASK, AUTO_CGROUP_FULL_MIXED | AUTO_CGROUP_FORCE },
	{ "cgroup-full:ro:force", AUTO_CGROUP_MASK, AUTO_CGROUP_FULL_RO | AUTO_CGROUP_FORCE },
	{ "cgroup-full:rw:force", AUTO_CGROUP_MASK, AUTO_CGROUP_FULL_RW | AUTO_CGROUP_FORCE },
};

static void clr_mount_auto(struct lxc_conf *conf, const struct conf_ref *ref)
{
	conf->mount_auto = 0;
	free(conf->shmounts_host);
	free(conf->shmounts_container);
	conf->shmounts_host = conf->shmounts_container = NULL;
}

static int set_shmounts(struct lxc_conf *conf, const char *spec, struct lxc_error *err)
{
	const char *host = spec + strlen("shmounts:");
	const char *colon = strchr(host, ':');
	_cleanup_free_ char *h = colon ? xstrndup(host, colon - host) : xstrdup(host);

	if (!*h || (colon && (!colon[1] || strchr(colon + 1, ':'))))
		return error_set(err, "expected shmounts:HOST[:CONTAINER], got \"%s\"", spec);
	free(conf->shmounts_host);
	free(conf->shmounts_container);
	conf->shmounts_host = steal_ptr(h);
	conf->shmounts_container = colon ? xstrdup(colon + 1) : NULL;
	conf->mount_auto |= AUTO_SHMOUNTS;
	return 0;
}

static int set_mount_auto(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			  struct lxc_error *err)
{
	struct strlist tokens = { 0 };
	unsigned flags = conf->mount_auto;
	int ret = 0;

	if (conf_value_empty(value)) {
		clr_mount_auto(conf, ref);
		return 0;
	}
	strlist_split(&tokens, value, " \t");
	for (size_t i = 0; i < tokens.len && ret == 0; i++) {
		const char *t = tokens.items[i];
		size_t j;

		if (str_starts_with(t, "shmounts:")) {
			ret = set_shmounts(conf, t, err);
			flags |= AUTO_SHMOUNTS;
			continue;
		}
		for (j = 0; j < ARRAY_SIZE(auto_tokens); j++)
			if (strcmp(t, auto_tokens[j].token) == 0)
				break;
		if (j == ARRAY_SIZE(auto_tokens)) {
			ret = error_set(err, "unknown file system to mount automatically \"%s\"", t);
			break;
		}
		flags = (flags & ~auto_tokens[j].mask) | auto_tokens[j].flags;
	}
	strlist_clear(&tokens);
	if (ret == 0)
		conf->mount_auto = flags;
	return ret;
}

static int get_mount_auto(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
			  struct lxc_error *err)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
		{ AUTO_PROC_MIXED, "proc:mixed" }, { AUTO_PROC_RW, "proc:rw" },
		{ AUTO_SYS_RO, "sys:ro" }, { AUTO_SYS_MIXED, "sys:mixed" }, { AUTO_SYS_RW, "sys:rw" },
		{ AUTO_CGROUP_NOSPEC, "cgroup" }, { AUTO_CGROUP_MIXED, "cgroup:mixed" },
		{ AUTO_CGROUP_RO, "cgroup:ro" }, { AUTO_CGROUP_RW, "cgroup:rw" },
		{ AUTO_CGROUP_FULL_NOSPEC, "cgroup-full" }, { AUTO_CGROUP_FULL_MIXED, "cgroup-full:mixed" },
		{ AUTO_CGROUP_FULL_RO, "cgroup-full:ro" }, { AUTO_CGROUP_FULL_RW, "cgroup-full:rw" },
	};
	const char *sep = "";

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(conf->mount_auto & names[i].flag))
			continue;
		conf_buf_add(out, "%s%s%s", sep, names[i].name,
			     (names[i].flag & AUTO_CGROUP_MASK) && (conf->mount_auto & AUTO_CGROUP_FORCE) ? ":force" : "");
		sep = " ";
	}
	if ((conf->mount_auto & AUTO_SHMOUNTS) && conf->shmounts_host) {
		conf_buf_add(out, "%sshmounts:%s", sep, conf->shmounts_host);
		if (conf->shmounts_container)
			conf_buf_add(out, ":%s", conf->shmounts_container);
	}
	return 0;
}

/* ---- capabilities ---------------------------------------------------------------------------- */

static int check_caps(const struct strlist *names, struct lxc_error *err)
{
	for (size_t i = 0; i < names->len; i++)
		if (conf_cap_parse(names->items[i]) < 0)
			return error_set(err, "unknown capability \"%s\" (lower-case names without \"cap_\", "
					 "e.g. sys_admin)", names->items[i]);
	return 0;
}

static int set_cap_drop(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct strlist names = { 0 };

	if (conf_value_empty(value)) {
		strlist_clear(&conf->cap_drop);
		return 0;
	}
	strlist_split(&names, value, " \t");
	if (check_caps(&names, err) < 0) {
		strlist_clear(&names);
		return -1;
	}
	for (size_t i = 0; i < names.len; i++)
		strlist_push_owned(&conf->cap_drop, steal_ptr(names.items[i]));
	strlist_clear(&names);
	return 0;
}

/* "none" clears what was kept so far and, alone, keeps nothing (drops every capability). */
static int set_cap_keep(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct strlist names = { 0 };

	if (conf_value_empty(value)) {
		strlist_clear(&conf->cap_keep);
		conf->cap_keep_none = false;
		return 0;
	}
	strlist_split(&names, value, " \t");
	for (size_t i = 0; i < names.len; i++) {
		if (strcmp(names.items[i], "none") != 0 && conf_cap_parse(names.items[i]) < 0) {
			error_set(err, "unknown capability \"%s\" (lower-case names without \"cap_\", "
				  "e.g. sys_admin, or none)", names.items[i]);
			strlist_clear(&names);
			return -1;
		}
	}
	for (size_t i = 0; i < names.len; i++) {
		if (strcmp(names.items[i], "none") == 0) {
			strlist_clear(&conf->cap_keep);
			conf->cap_keep_none = true;
		} else {
			strlist_push(&conf->cap_keep, names.items[i]);
			conf->cap_keep_none = false;
		}
	}
	strlist_clear(&names);
	return 0;
}

static void clr_cap_keep(struct lxc_conf *conf, const struct conf_ref *ref)
{
	strlist_clear(&conf->cap_keep);
	conf->cap_keep_none = false;
}

/* ---- console sizes ------------------------------------------------------------------------------- */

/* "auto" (128 KiB), or N with an optional KB/MB/GB suffix (any case, powers of 1024);
 * like LXC, at least a page and rounded up to a power of two. */
static int set_console_size(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			    struct lxc_error *err)
{
	unsigned long long *p = FIELD(conf, ref, unsigned long long), v, mult = 1;
	_cleanup_free_ char *num = NULL;
	size_t len;

	if (conf_value_empty(value)) {
		*p = 0;
		return 0;
	}
	if (strcasecmp(value, "auto") == 0) {
		*p = 128 * 1024;
		return 0;
	}
	num = xstrdup(value);
	len = strlen(num);
	if (len > 2 && strchr("kKmMgG", num[len - 2]) && (num[len - 1] == 'b' || num[len - 1] == 'B')) {
		char u = num[len - 2] | 0x20;

		mult = u == 'k' ? 1024ULL : u == 'm' ? 1024ULL * 1024 : 1024ULL * 1024 * 1024;
		num[len - 2] = '\0';
	}
	if (str_to_uint64(str_trim(num), &v) < 0 || v > (1ULL << 40) / mult)
		return error_set(err, "expected a size (e.g. 1MB, 64KB, auto), got \"%s\"", value);
	v *= mult;
	if (v > 0 && v < 4096)
		v = 4096;
	if (v & (v - 1)) {
		unsigned long long pow = 1;

		while (pow < v)
			pow <<= 1;
		v = pow;
	}
	*p = v;
	return 0;
}

static int get_u64(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	conf_buf_add(out, "%llu", *FIELD(conf, ref, unsigned long long));
	return 0;
}

static void clr_u64(struct lxc_conf *conf, const struct conf_ref *ref)
{
	*FIELD(conf, ref, unsigned long long) = 0;
}

/* ---- init ------------------------------------------------------------------------------------- */

static int set_id(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	unsigned v;

	if (conf_value_empty(value)) {
		*FIELD(conf, ref, long long) = -1;
		return 0;
	}
	if (str_to_uint(value, &v) < 0)
		return error_set(err, "expected a numeric id, got \"%s\"", value);
	*FIELD(conf, ref, long long) = v;
	return 0;
}

static int get_id(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err)
{
	long long v = *FIELD(conf, ref, long long);

	conf_buf_add(out, "%lld", v < 0 ? 0 : v);
	return 0;
}

static void clr_id(struct lxc_conf *conf, const struct conf_ref *ref)
{
	*FIELD(conf, ref, long long) = -1;
}

static int set_init_groups(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			   struct lxc_error *err)
{
	struct strlist ids = { 0 };
	unsigned v;

	if (conf_value_empty(value)) {
		strlist_clear(&conf->init_groups);
		return 0;
	}
	strlist_split(&ids, value, ",");
	for (size_t i = 0; i < ids.len; i++) {
		if (str_to_uint(ids.items[i], &v) < 0) {
			error_set(err, "expected comma-separated numeric group ids, got \"%s\"", value);
			strlist_clear(&ids);
			return -1;
		}
	}
	for (size_t i = 0; i < ids.len; i++)
		strlist_push_owned(&conf->init_groups, steal_ptr(ids.items[i]));
	strlist_clear(&ids);
	return 0;
}

static int get_init_groups(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
			   struct lxc_error *err)
{
	for (size_t i = 0; i < conf->init_groups.len; i++)
		conf_buf_add(out, "%s%s", i ? "," : "", conf->init_groups.items[i]);
	return 0;
}

/* ---- environment -------------------------------------------------------------------------------- */

/* A bare NAME takes its value from the caller's environment, as LXC does. */
static int set_environment(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			   struct lxc_error *err)
{
	const char *eq;

	if (conf_value_empty(value)) {
		strlist_clear(&conf->environment);
		return 0;
	}
	eq = strchr(value, '=');
	if (eq == value)
		return error_set(err, "expected NAME=VALUE or NAME, got \"%s\"", value);
	if (!eq) {
		const char *env = getenv(value);

		if (!env)
			return error_set(err, "\"%s\" is not set in the environment", value);
		strlist_push_owned(&conf->environment, xasprintf("%s=%s", value, env));
		return 0;
	}
	strlist_push(&conf->environment, value);
	return 0;
}

/* ---- time offsets ------------------------------------------------------------------------------- */

/* [-]N followed by h, m, s, ms, us or ns; stored as written, printed as written. */
static int set_time_offset(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			   struct lxc_error *err)
{
	static const char *const units[] = { "h", "m", "s", "ms", "us", "ns" };
	const char *p = value;
	size_t i;

	if (conf_value_empty(value))
		return set_str(conf, ref, NULL, err);
	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		goto bad;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p - value > 19)
		goto bad;
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(p, units[i]) == 0)
			break;
	if (i == ARRAY_SIZE(units))
		goto bad;
	return set_str(conf, ref, value, err);
bad:
	return error_set(err, "expected a time offset like 10s, -5ms, 2h (units h, m, s, ms, us, ns), got \"%s\"",
			 value);
}

/* ---- seccomp notify proxy ------------------------------------------------------------------------ */

static int set_notify_proxy(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			    struct lxc_error *err)
{
	if (!conf_value_empty(value) && (!str_starts_with(value, "unix:") || !value[5]))
		return error_set(err, "expected unix:/path or unix:@abstract, got \"%s\"", value);
	return set_str(conf, ref, value, err);
}

/* LXC prints the socket address, without "unix:" (and without an abstract socket's '@'). */
static int get_notify_proxy(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
			    struct lxc_error *err)
{
	const char *p = conf->seccomp_notify_proxy ? conf->seccomp_notify_proxy + 5 : "";

	conf_buf_add(out, "%s", *p == '@' ? p + 1 : p);
	return 0;
}

/* ---- cgroup directories -------------------------------------------------------------------------- */

static int set_cgroup_dir(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			  struct lxc_error *err)
{
	if (!conf_value_empty(value)) {
		if (value[0] == '/')
			return error_set(err, "cgroup paths may not be absolute: \"%s\"", value);
		for (const char *p = value; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
			if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
				return error_set(err, "cgroup paths may not walk upwards via \"..\": \"%s\"", value);
	}
	return set_str(conf, ref, value, err);
}

/* ---- lxc.hook (clears every hook) ----------------------------------------------------------------- */

static void clr_hooks(struct lxc_conf *conf, const struct conf_ref *ref)
{
	for (int i = 0; i < HOOK_COUNT; i++)
		strlist_clear(&conf->hooks[i]);
}

static int set_hooks(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	if (!conf_value_empty(value))
		return error_set(err, "only an empty value (clear every hook) is allowed; use lxc.hook.<type>");
	clr_hooks(conf, ref);
	return 0;
}

static int set_hook_version(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			    struct lxc_error *err)
{
	if (!conf_value_empty(value) && strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
		return error_set(err, "only 0 (arguments) and 1 (environment) are supported, got \"%s\"", value);
	return set_flag(conf, ref, value, err);
}

/* ---- lxc.include ----------------------------------------------------------------------------------- */

static int set_include(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	if (conf_value_empty(value))
		return 0;
	if (ref->reader && ref->reader->depth == 0)
		strlist_push(&conf->includes, value);
	return conf_include(conf, ref, value, err);
}

/* ---- the table ------------------------------------------------------------------------------------------- */

#define STR(n, l, field)      { n, l, 0, F(field), 0, set_str, get_str, clr_str }
#define BOOL(n, l, field)     { n, l, 0, F(field), 0, set_bool, get_bool, clr_bool }
#define FLAG(n, l, field, d)  { n, l, 0, F(field), d, set_flag, get_flag, clr_flag }
#define UINT(n, l, field)     { n, l, 0, F(field), 0, set_uint, get_uint, clr_uint }
#define INT(n, l, field, min) { n, l, 0, F(field), min, set_int, get_int, clr_int }
#define LIST(n, l, field, fl) { n, l, CK_LIST | (fl), F(field), 0, set_list, get_list, clr_list }
#define SIG(n, l, field, d)   { n, l, 0, F(field), d, set_signal, get_int, clr_signal }
#define HOOK(n, h)            { n, NULL, CK_LIST | CK_HOOK, F(hooks[h]), 0, set_list, get_list, clr_list }
#define KV(n, l, arr, cnt, fl) { n, l, CK_FAMILY | (fl), F(arr), F(cnt), conf_kv_set, conf_kv_get, conf_kv_clear }

const struct conf_key conf_keys[] = {
	{ "lxc.include", NULL, CK_LIST, F(includes), 0, set_include, get_list, clr_list },
	/* general */
	{ "lxc.arch", NULL, 0, F(arch_name), 0, set_arch, get_str, clr_arch },
	{ "lxc.uts.name", "lxc.utsname", 0, F(uts_name), 0, set_uts_name, get_str, clr_str },
	SIG("lxc.signal.halt", "lxc.haltsignal", signal_halt, 0),
	SIG("lxc.signal.reboot", "lxc.rebootsignal", signal_reboot, 0),
	SIG("lxc.signal.stop", "lxc.stopsignal", signal_stop, 0),
	SIG("lxc.monitor.signal.pdeath", NULL, monitor_signal_pdeath, SIGKILL),
	BOOL("lxc.monitor.unshare", NULL, monitor_unshare),
	{ "lxc.environment", NULL, CK_LIST, F(environment), 0, set_environment, get_list, clr_list },
	BOOL("lxc.ephemeral", NULL, ephemeral),
	FLAG("lxc.no_new_privs", NULL, no_new_privs, 0),
	FLAG("lxc.keyring.session", NULL, keyring_session, 0),
	BOOL("lxc.sched.core", NULL, sched_core),
	{ "lxc.time.offset.boot", NULL, 0, F(time_offset_boot), 0, set_time_offset, get_str, clr_str },
	{ "lxc.time.offset.monotonic", NULL, 0, F(time_offset_monotonic), 0, set_time_offset, get_str, clr_str },
	BOOL("lxc.kmsg", NULL, kmsg),
	STR("lxc.pivotdir", NULL, pivotdir),
	/* init */
	STR("lxc.init.cmd", "lxc.init_cmd", init_cmd),
	STR("lxc.execute.cmd", NULL, execute_cmd),
	STR("lxc.init.cwd", NULL, init_cwd),
	{ "lxc.init.uid", "lxc.init_uid", 0, F(init_uid), 0, set_id, get_id, clr_id },
	{ "lxc.init.gid", "lxc.init_gid", 0, F(init_gid), 0, set_id, get_id, clr_id },
	{ "lxc.init.groups", NULL, CK_LIST, F(init_groups), 0, set_init_groups, get_init_groups, clr_list },
	/* autostart */
	{ "lxc.start.auto", NULL, 0, F(start_auto), -1, set_flag, get_flag, clr_flag },
	INT("lxc.start.delay", NULL, start_delay, 0),
	INT("lxc.start.order", NULL, start_order, -2147483647 - 1),
	LIST("lxc.group", NULL, groups, CK_SPLIT),
	/* logging */
	STR("lxc.log.file", "lxc.logfile", log_file),
	{ "lxc.log.level", "lxc.loglevel", 0, F(log_level), 0, set_log_level, get_log_level, clr_log_level },
	{ "lxc.log.syslog", "lxc.syslog", 0, F(log_syslog), 0, set_syslog, get_str, clr_str },
	/* rootfs */
	{ "lxc.rootfs.path", "lxc.rootfs", 0, F(rootfs_path), 0, set_str, get_rootfs_path, clr_str },
	STR("lxc.rootfs.mount", NULL, rootfs_mount),
	STR("lxc.rootfs.options", NULL, rootfs_options),
	FLAG("lxc.rootfs.managed", NULL, rootfs_managed, 1),
	{ "lxc.rootfs.backend", NULL, 0, F(rootfs_backend), 0, set_rootfs_backend, get_str, clr_str },
	/* mounts */
	STR("lxc.mount.fstab", "lxc.mount", mount_fstab),
	LIST("lxc.mount.entry", NULL, mount_entries, 0),
	{ "lxc.mount.auto", NULL, CK_LIST, F(mount_auto), 0, set_mount_auto, get_mount_auto, clr_mount_auto },
	/* devices, ttys, console */
	FLAG("lxc.autodev", NULL, autodev, 1),
	UINT("lxc.autodev.tmpfs.size", NULL, autodev_tmpfs_size),
	UINT("lxc.tty.max", "lxc.tty", tty_max),
	STR("lxc.tty.dir", "lxc.devttydir", tty_dir),
	UINT("lxc.pty.max", "lxc.pts", pty_max),
	STR("lxc.console.path", "lxc.console", console_path),
	STR("lxc.console.logfile", NULL, console_logfile),
	{ "lxc.console.size", NULL, 0, F(console_size), 0, set_console_size, get_u64, clr_u64 },
	FLAG("lxc.console.rotate", NULL, console_rotate, -1),
	{ "lxc.console.buffer.size", NULL, 0, F(console_buffer_size), 0, set_console_size, get_u64, clr_u64 },
	STR("lxc.console.buffer.logfile", NULL, console_buffer_logfile),
	/* capabilities */
	{ "lxc.cap.drop", NULL, CK_LIST, F(cap_drop), 0, set_cap_drop, get_list, clr_list },
	{ "lxc.cap.keep", NULL, CK_LIST, F(cap_keep), 0, set_cap_keep, get_list, clr_cap_keep },
	/* LSMs */
	STR("lxc.apparmor.profile", "lxc.aa_profile", apparmor_profile),
	FLAG("lxc.apparmor.allow_incomplete", "lxc.aa_allow_incomplete", apparmor_allow_incomplete, -1),
	FLAG("lxc.apparmor.allow_nesting", NULL, apparmor_allow_nesting, -1),
	LIST("lxc.apparmor.raw", NULL, apparmor_raw, 0),
	STR("lxc.selinux.context", "lxc.se_context", selinux_context),
	STR("lxc.selinux.context.keyring", NULL, selinux_context_keyring),
	/* seccomp */
	STR("lxc.seccomp.profile", "lxc.seccomp", seccomp_profile),
	FLAG("lxc.seccomp.allow_nesting", NULL, seccomp_allow_nesting, -1),
	{ "lxc.seccomp.notify.proxy", NULL, 0, F(seccomp_notify_proxy), 0, set_notify_proxy, get_notify_proxy,
	  clr_str },
	STR("lxc.seccomp.notify.cookie", NULL, seccomp_notify_cookie),
	/* user namespace */
	{ "lxc.idmap", "lxc.id_map", CK_LIST, F(idmaps), 0, conf_idmap_set, conf_idmap_get, conf_idmap_clear },
	/* hooks */
	{ "lxc.hook", NULL, CK_NOGET | CK_HOOKS, 0, 0, set_hooks, NULL, clr_hooks },
	{ "lxc.hook.version", NULL, 0, F(hook_version), -1, set_hook_version, get_flag, clr_flag },
	HOOK("lxc.hook.pre-start", HOOK_PRE_START),
	HOOK("lxc.hook.pre-mount", HOOK_PRE_MOUNT),
	HOOK("lxc.hook.mount", HOOK_MOUNT),
	HOOK("lxc.hook.autodev", HOOK_AUTODEV),
	HOOK("lxc.hook.start", HOOK_START),
	HOOK("lxc.hook.stop", HOOK_STOP),
	HOOK("lxc.hook.post-stop", HOOK_POST_STOP),
	HOOK("lxc.hook.clone", HOOK_CLONE),
	HOOK("lxc.hook.destroy", HOOK_DESTROY),
	HOOK("lxc.hook.start-host", HOOK_START_HOST),
	/* cgroups: the directory keys come before the lxc.cgroup family so that they win */
	{ "lxc.cgroup.dir", NULL, 0, F(cgroup_dir), 0, set_cgroup_dir, get_str, clr_str },
	{ "lxc.cgroup.dir.container", NULL, 0, F(cgroup_dir_container), 0, set_cgroup_dir, get_str, clr_str },
	{ "lxc.cgroup.dir.container.inner", NULL, 0, F(cgroup_dir_container_inner), 0, set_cgroup_dir, get_str,
	  clr_str },
	{ "lxc.cgroup.dir.monitor", NULL, 0, F(cgroup_dir_monitor), 0, set_cgroup_dir, get_str, clr_str },
	{ "lxc.cgroup.dir.monitor.pivot", NULL, 0, F(cgroup_dir_monitor_pivot), 0, set_cgroup_dir, get_str,
	  clr_str },
	BOOL("lxc.cgroup.relative", NULL, cgroup_relative),
	KV("lxc.cgroup", NULL, cgroup, n_cgroup, CK_LIST),
	KV("lxc.cgroup2", NULL, cgroup2, n_cgroup2, CK_LIST),
	/* limits, sysctls, /proc */
	{ "lxc.prlimit", "lxc.limit", CK_FAMILY | CK_ICASE, 0, 0, conf_prlimit_set, conf_prlimit_get, conf_prlimit_clear },
	KV("lxc.sysctl", NULL, sysctls, n_sysctls, 0),
	KV("lxc.proc", NULL, procs, n_procs, 0),
	/* namespaces */
	{ "lxc.namespace.clone", NULL, CK_LIST, F(ns_clone), 0, conf_ns_flags_set, conf_ns_flags_get, clr_int },
	{ "lxc.namespace.keep", NULL, CK_LIST, F(ns_keep), 0, conf_ns_flags_set, conf_ns_flags_get, clr_int },
	{ "lxc.namespace.share", NULL, CK_FAMILY, 0, 0, conf_ns_share_set, conf_ns_share_get, conf_ns_share_clear },
};

const size_t conf_n_keys = ARRAY_SIZE(conf_keys);

static const char *const key_names[] = {
	"lxc.include", "lxc.arch", "lxc.uts.name", "lxc.signal.halt", "lxc.signal.reboot", "lxc.signal.stop",
	"lxc.monitor.signal.pdeath", "lxc.monitor.unshare", "lxc.environment", "lxc.ephemeral",
	"lxc.no_new_privs", "lxc.keyring.session", "lxc.sched.core", "lxc.time.offset.boot",
	"lxc.time.offset.monotonic", "lxc.kmsg", "lxc.pivotdir", "lxc.init.cmd", "lxc.execute.cmd",
	"lxc.init.cwd", "lxc.init.uid", "lxc.init.gid", "lxc.init.groups", "lxc.start.auto",
	"lxc.start.delay", "lxc.start.order", "lxc.group", "lxc.log.file", "lxc.log.level", "lxc.log.syslog",
	"lxc.rootfs.path", "lxc.rootfs.mount", "lxc.rootfs.options", "lxc.rootfs.managed",
	"lxc.rootfs.backend", "lxc.mount.fstab", "lxc.mount.entry", "lxc.mount.auto", "lxc.autodev",
	"lxc.autodev.tmpfs.size", "lxc.tty.max", "lxc.tty.dir", "lxc.pty.max", "lxc.console.path",
	"lxc.console.logfile", "lxc.console.size", "lxc.console.rotate", "lxc.console.buffer.size",
	"lxc.console.buffer.logfile", "lxc.cap.drop", "lxc.cap.keep", "lxc.apparmor.profile",
	"lxc.apparmor.allow_incomplete", "lxc.apparmor.allow_nesting", "lxc.apparmor.raw",
	"lxc.selinux.context", "lxc.selinux.context.keyring", "lxc.seccomp.profile",
	"lxc.seccomp.allow_nesting", "lxc.seccomp.notify.proxy", "lxc.seccomp.notify.cookie", "lxc.idmap",
	"lxc.hook.version", "lxc.hook.pre-start", "lxc.hook.pre-mount", "lxc.hook.mount", "lxc.hook.autodev",
	"lxc.hook.start", "lxc.hook.stop", "lxc.hook.post-stop", "lxc.hook.clone", "lxc.hook.destroy",
	"lxc.hook.start-host", "lxc.cgroup.dir", "lxc.cgroup.dir.container", "lxc.cgroup.dir.container.inner",
	"lxc.cgroup.dir.monitor", "lxc.cgroup.dir.monitor.pivot", "lxc.cgroup.relative", "lxc.cgroup.",
	"lxc.cgroup2.", "lxc.prlimit.", "lxc.sysctl.", "lxc.proc.", "lxc.namespace.clone",
	"lxc.namespace.keep", "lxc.namespace.share.", "lxc.net.",
	NULL,
};

const char *const *conf_key_names(void)
{
	return key_names;
}
