/* Compiling lxc.mount.{auto,fstab,entry} (and, through dev.c, autodev and devpts) into an
 * ordered list of mount operations; parsing fstab lines; printing the plan. No syscalls. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "log.h"
#include "mount.h"
#include "mount_syscall.h"
#include "utils.h"

#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif

/* Attributes a bind mount (mount_setattr) can carry. */
#define MOUNT_ATTR_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | \
			  MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW)
#define PROPAGATION_FLAGS (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)
#define AUTO_CGROUP_MASK (AUTO_CGROUP_RO | AUTO_CGROUP_MIXED | AUTO_CGROUP_RW | AUTO_CGROUP_FULL_RO | \
			  AUTO_CGROUP_FULL_MIXED | AUTO_CGROUP_FULL_RW | AUTO_CGROUP_FORCE | \
			  AUTO_CGROUP_NOSPEC | AUTO_CGROUP_FULL_NOSPEC)
#define SHMOUNTS_DEFAULT_TARGET "dev/.lxc-mounts"

struct flag_word {
	const char *name;
	unsigned long set, clear;
};

static const struct flag_word flag_words[] = {
	{ "defaults", 0, 0 },
	{ "ro", MS_RDONLY, 0 },           { "rw", 0, MS_RDONLY },
	{ "nosuid", MS_NOSUID, 0 },       { "suid", 0, MS_NOSUID },
	{ "nodev", MS_NODEV, 0 },         { "dev", 0, MS_NODEV },
	{ "noexec", MS_NOEXEC, 0 },       { "exec", 0, MS_NOEXEC },
	{ "sync", MS_SYNCHRONOUS, 0 },    { "async", 0, MS_SYNCHRONOUS },
	{ "dirsync", MS_DIRSYNC, 0 },
	{ "mand", MS_MANDLOCK, 0 },       { "nomand", 0, MS_MANDLOCK },
	{ "noatime", MS_NOATIME, 0 },     { "atime", 0, MS_NOATIME },
	{ "nodiratime", MS_NODIRATIME, 0 }, { "diratime", 0, MS_NODIRATIME },
	{ "relatime", MS_RELATIME, 0 },   { "norelatime", 0, MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 }, { "nostrictatime", 0, MS_STRICTATIME },
	{ "lazytime", MS_LAZYTIME, 0 },   { "nolazytime", 0, MS_LAZYTIME },
	{ "silent", MS_SILENT, 0 },       { "loud", 0, MS_SILENT },
	{ "nosymfollow", MS_NOSYMFOLLOW, 0 }, { "symfollow", 0, MS_NOSYMFOLLOW },
	{ "bind", MS_BIND, 0 },           { "rbind", MS_BIND | MS_REC, 0 },
};

static const struct flag_word propagation_words[] = {
	{ "shared", MS_SHARED, 0 },         { "rshared", MS_SHARED | MS_REC, 0 },
	{ "slave", MS_SLAVE, 0 },           { "rslave", MS_SLAVE | MS_REC, 0 },
	{ "private", MS_PRIVATE, 0 },       { "rprivate", MS_PRIVATE | MS_REC, 0 },
	{ "unbindable", MS_UNBINDABLE, 0 }, { "runbindable", MS_UNBINDABLE | MS_REC, 0 },
};

/* Options mount(8) consumes itself: passing them to the kernel would fail with EINVAL. */
static bool userspace_only_option(const char *w)
{
	static const char *const words[] = { "auto", "noauto", "user", "nouser", "users", "owner",
					     "group", "nofail", "_netdev" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return str_starts_with(w, "x-") || str_starts_with(w, "comment=");
}

static const struct flag_word *find_word(const struct flag_word *table, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, w) == 0)
			return &table[i];
	return NULL;
}

int mount_options_parse(const char *text, struct mount_options *out, struct lxc_error *err)
{
	struct strlist words = { 0 }, data = { 0 };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	strlist_split(&words, text ? text : "", ",");
	for (size_t i = 0; i < words.len && rc == 0; i++) {
		const char *w = words.items[i];
		const struct flag_word *f;

		if ((f = find_word(flag_words, ARRAY_SIZE(flag_words), w))) {
			out->flags = (out->flags & ~f->clear) | f->set;
			out->clear = (out->clear & ~f->set) | f->clear;
		} else if ((f = find_word(propagation_words, ARRAY_SIZE(propagation_words), w))) {
			if (out->propagation && out->propagation != f->set)
				rc = error_set(err, "conflicting propagation options (\"%s\")", w);
			out->propagation = f->set;
		} else if (strcmp(w, "optional") == 0) {
			out->opts |= MOUNT_OPT_OPTIONAL;
		} else if (strcmp(w, "relative") == 0) {
			out->opts |= MOUNT_OPT_SOURCE_IN_ROOTFS;
		} else if (str_starts_with(w, "create=")) {
			unsigned o = strcmp(w + 7, "dir") == 0    ? MOUNT_OPT_CREATE_DIR
				     : strcmp(w + 7, "file") == 0 ? MOUNT_OPT_CREATE_FILE
								  : 0;

			if (!o)
				rc = error_set(err, "\"%s\": create= takes \"dir\" or \"file\"", w);
			else if (out->opts & (MOUNT_OPT_CREATE_DIR | MOUNT_OPT_CREATE_FILE) & ~o)
				rc = error_set(err, "create=dir and create=file are exclusive");
			out->opts |= o;
		} else if (strcmp(w, "remount") == 0 || strcmp(w, "move") == 0) {
			rc = error_set(err, "\"%s\" is not supported in a mount entry", w);
		} else if (!userspace_only_option(w)) {
			strlist_push(&data, w);
		}
	}
	if (rc == 0 && data.len)
		out->data = strlist_join(&data, ",");
	strlist_clear(&words);
	strlist_clear(&data);
	return rc;
}

void mount_options_free(struct mount_options *o)
{
	free(o->data);
	o->data = NULL;
}

/* fstab fields escape blanks and backslashes as \040, \011, \012, \134. */
static char *decode_field(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *p = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			char c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));

			if (!c) { /* a NUL would cut the path short: keep the text */
				*p++ = s[i];
				continue;
			}
			*p++ = c;
			i += 3;
		} else {
			*p++ = s[i];
		}
	}
	*p = '\0';
	return out;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int mount_entry_parse(const char *line, struct mount_entry *entry, struct lxc_error *err)
{
	char *fields[6] = { 0 };
	const char *p = line;
	size_t n = 0;
	int rc = 0;

	memset(entry, 0, sizeof(*entry));
	for (;;) {
		const char *start;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (n == ARRAY_SIZE(fields)) {
			rc = error_set(err, "too many fields (at most 6: source target type options freq passno)");
			goto out;
		}
		fields[n++] = decode_field(start, (size_t)(p - start));
	}
	if (n < 3) {
		rc = error_set(err, "\"%s\": expected \"source target type [options [freq [passno]]]\"", line);
		goto out;
	}
	for (size_t i = 4; i < n; i++) {
		if (!all_digits(fields[i])) {
			rc = error_set(err, "field %zu (\"%s\") must be a number", i + 1, fields[i]);
			goto out;
		}
	}
	if (mount_options_parse(n > 3 ? fields[3] : "defaults", &entry->options, err) < 0) {
		rc = -1;
		goto out;
	}
	entry->source = steal_ptr(fields[0]);
	entry->target = steal_ptr(fields[1]);
	entry->fstype = steal_ptr(fields[2]);
out:
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		free(fields[i]);
	return rc;
}

void mount_entry_free(struct mount_entry *entry)
{
	free(entry->source);
	free(entry->target);
	free(entry->fstype);
	mount_options_free(&entry->options);
	memset(entry, 0, sizeof(*entry));
}

struct mount_op *mount_plan_add(struct mount_plan *plan, enum mount_op_kind kind, const char *target,
				const char *origin)
{
	struct mount_op *op;

	if (plan->n == plan->cap) {
		plan->cap = plan->cap ? plan->cap * 2 : 32;
		plan->ops = xrealloc(plan->ops, plan->cap * sizeof(*plan->ops));
	}
	op = &plan->ops[plan->n++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->target = xstrdup(target);
	op->origin = xstrdup(origin);
	return op;
}

void mount_plan_free(struct mount_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct mount_op *op = &plan->ops[i];

		free(op->source);
		free(op->target);
		free(op->fstype);
		free(op->data);
		free(op->data_fallback);
		free(op->origin);
	}
	free(plan->ops);
	memset(plan, 0, sizeof(*plan));
}

/* A path inside the rootfs, as the plan stores it: no leading or trailing '/', no "..". */
static char *rootfs_relative(const char *path, const char *what, struct lxc_error *err)
{
	const char *p = path;
	size_t len;

	while (*p == '/')
		p++;
	len = strlen(p);
	while (len && p[len - 1] == '/')
		len--;
	if (!len) {
		error_set(err, "%s \"%s\" is the container's root", what, path);
		return NULL;
	}
	for (const char *c = p; c < p + len;) {
		const char *e = memchr(c, '/', (size_t)(p + len - c));
		size_t clen = e ? (size_t)(e - c) : (size_t)(p + len - c);

		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			error_set(err, "%s \"%s\" contains \"..\"", what, path);
			return NULL;
		}
		c += clen + 1;
	}
	return xstrndup(p, len);
}

static int compile_entry(struct mount_plan *plan, const char *text, const char *origin, unsigned line,
			 struct lxc_error *err)
{
	struct mount_entry e;
	struct mount_op *op;
	char *target, *source = NULL;
	bool bind;

	if (mount_entry_parse(text, &e, err) < 0)
		return error_prefix(err, "%s", origin);
	target = rootfs_relative(e.target, "target", err);
	if (!target)
		goto fail;
	bind = e.options.flags & MS_BIND;
	if (e.options.opts & MOUNT_OPT_SOURCE_IN_ROOTFS) {
		if (!bind) {
			error_set(err, "\"relative\" applies to bind mounts only");
			goto fail;
		}
		if (!(source = rootfs_relative(e.source, "relative source", err)))
			goto fail;
	} else if (bind && e.source[0] != '/') {
		error_set(err, "bind source \"%s\" is not an absolute path (add \"relative\" for a path in the rootfs)",
			  e.source);
		goto fail;
	} else {
		source = xstrdup(e.source);
	}
	if (!bind && (!*e.fstype || strcmp(e.fstype, "none") == 0)) {
		error_set(err, "no filesystem type for \"%s\" and not a bind mount", e.target);
		goto fail;
	}
	op = mount_plan_add(plan, bind ? MOUNT_OP_BIND : MOUNT_OP_MOUNT, target, origin);
	op->source = source;
	op->line = line;
	op->opts = e.options.opts;
	op->propagation = e.options.propagation;
	if (bind) {
		/* as in LXC, "rw" and friends on a bind keep the source's flags */
		op->flags = e.options.flags & (MS_REC | MOUNT_ATTR_FLAGS);
		if (e.options.data)
			WARN("%s: filesystem options \"%s\" ignored for a bind mount", origin, e.options.data);
	} else {
		op->fstype = xstrdup(e.fstype);
		op->flags = e.options.flags;
		op->data = steal_ptr(e.options.data);
	}
	free(target);
	mount_entry_free(&e);
	return 0;
fail:
	free(target);
	free(source);
	mount_entry_free(&e);
	return error_prefix(err, "%s", origin);
}

static int compile_fstab(struct mount_plan *plan, const char *path, struct lxc_error *err)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	unsigned n = 0;

	if (file_read(path, &text, NULL, err) < 0)
		return error_prefix(err, "lxc.mount.fstab");
	for (line = text; line; line = save) {
		char *nl = strchr(line, '\n'), *t;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		n++;
		t = str_trim(line);
		if (!*t || *t == '#')
			continue;
		_cleanup_free_ char *origin = xasprintf("lxc.mount.fstab %s line %u", path, n);
		if (compile_entry(plan, t, origin, n, err) < 0)
			return -1;
	}
	return 0;
}

static struct mount_op *add_bind_self(struct mount_plan *plan, const char *path, const char *origin)
{
	struct mount_op *op = mount_plan_add(plan, MOUNT_OP_BIND, path, origin);

	op->source = xstrdup(path);
	op->opts = MOUNT_OPT_SOURCE_IN_ROOTFS | MOUNT_OPT_NO_SYMLINKS;
	return op;
}

static struct mount_op *add_fs(struct mount_plan *plan, const char *fstype, const char *target,
			       unsigned long flags, const char *origin)
{
	struct mount_op *op = mount_plan_add(plan, MOUNT_OP_MOUNT, target, origin);

	op->source = xstrdup(fstype);
	op->fstype = xstrdup(fstype);
	op->flags = flags;
	op->opts = MOUNT_OPT_CREATE_DIR | MOUNT_OPT_NO_SYMLINKS;
	return op;
}

static int compile_auto(const struct lxc_conf *conf, const struct mount_plan_opts *opts,
			struct mount_plan *plan, struct lxc_error *err)
{
	unsigned a = conf->mount_auto;
	const unsigned long hardened = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	unsigned sys = a & (AUTO_SYS_RO | AUTO_SYS_MIXED | AUTO_SYS_RW);

	if ((a & AUTO_PROC_MIXED) && (a & AUTO_PROC_RW))
		return error_set(err, "lxc.mount.auto: proc:mixed and proc:rw exclude each other");
	if (sys & (sys - 1))
		return error_set(err, "lxc.mount.auto: only one of sys:ro, sys:mixed and sys:rw may be given");
	if (a & AUTO_PROC_RW)
		add_fs(plan, "proc", "proc", hardened, "lxc.mount.auto proc:rw");
	if (a & AUTO_PROC_MIXED) {
		const char *o = "lxc.mount.auto proc:mixed";
		struct mount_op *op;

		add_fs(plan, "proc", "proc", hardened, o);
		add_bind_self(plan, "proc/sys", o)->flags = MS_RDONLY;
		/* the container's own network sysctls stay writable */
		if (opts && opts->has_netns) {
			op = add_bind_self(plan, "proc/sys/net", o);
			op->clear = MS_RDONLY;
			op->opts |= MOUNT_OPT_SKIP_MISSING;
		}
		op = add_bind_self(plan, "proc/sysrq-trigger", o);
		op->flags = MS_RDONLY;
		op->opts |= MOUNT_OPT_SKIP_MISSING;
	}
	if (a & AUTO_SYS_RW)
		add_fs(plan, "sysfs", "sys", hardened, "lxc.mount.auto sys:rw");
	if (a & AUTO_SYS_RO)
		add_fs(plan, "sysfs", "sys", hardened | MS_RDONLY, "lxc.mount.auto sys:ro");
	if (a & AUTO_SYS_MIXED) {
		const char *o = "lxc.mount.auto sys:mixed";
		struct mount_op *op;

		/* mounted rw, then made ro per mount: a ro superblock could not be bound rw below */
		add_fs(plan, "sysfs", "sys", hardened, o);
		op = mount_plan_add(plan, MOUNT_OP_REMOUNT, "sys", o);
		op->flags = MS_RDONLY;
		op->opts = MOUNT_OPT_NO_SYMLINKS;
		add_bind_self(plan, "sys/devices/virtual/net", o)->clear = MS_RDONLY;
	}
	return 0;
}

static int compile_shmounts(const struct lxc_conf *conf, struct mount_plan *plan, struct lxc_error *err)
{
	_cleanup_free_ char *target = NULL;
	struct mount_op *op;

	if (!(conf->mount_auto & AUTO_SHMOUNTS))
		return 0;
	if (!conf->shmounts_host || conf->shmounts_host[0] != '/')
		return error_set(err, "lxc.mount.auto: shmounts needs an absolute host path (shmounts:HOST[:CONTAINER])");
	target = rootfs_relative(conf->shmounts_container ? conf->shmounts_container : SHMOUNTS_DEFAULT_TARGET,
				 "shmounts container path", err);
	if (!target)
		return error_prefix(err, "lxc.mount.auto");
	op = mount_plan_add(plan, MOUNT_OP_BIND, target, "lxc.mount.auto shmounts");
	op->source = xstrdup(conf->shmounts_host);
	op->flags = MS_REC;
	op->propagation = MS_SLAVE | MS_REC;
	op->opts = MOUNT_OPT_CREATE_DIR;
	return 0;
}

int mount_plan_compile(const struct lxc_conf *conf, const struct mount_plan_opts *opts,
		       struct mount_plan *plan, struct lxc_error *err)
{
	bool has_rootfs = conf->rootfs_path && *conf->rootfs_path;

	dev_plan_early(conf, has_rootfs, plan);
	if (compile_auto(conf, opts, plan, err) < 0)
		return -1;
	if (conf->mount_fstab && *conf->mount_fstab && compile_fstab(plan, conf->mount_fstab, err) < 0)
		return -1;
	for (size_t i = 0; i < conf->mount_entries.len; i++) {
		_cleanup_free_ char *origin = xasprintf("lxc.mount.entry #%zu", i + 1);

		if (compile_entry(plan, conf->mount_entries.items[i], origin, (unsigned)(i + 1), err) < 0)
			return -1;
	}
	if (compile_shmounts(conf, plan, err) < 0)
		return -1;
	if (conf->mount_auto & AUTO_CGROUP_MASK) {
		struct mount_op *op = mount_plan_add(plan, MOUNT_OP_CGROUP, "sys/fs/cgroup", "lxc.mount.auto cgroup");

		op->cgroup_flags = conf->mount_auto & AUTO_CGROUP_MASK;
	}
	if (conf->hooks[HOOK_MOUNT].len)
		mount_plan_add(plan, MOUNT_OP_HOOK, "", "lxc.hook.mount")->source = xstrdup("mount");
	dev_plan_late(conf, has_rootfs, opts && opts->no_ttys ? 0 : conf->tty_max, plan);
	return 0;
}

/* ---- printing ----------------------------------------------------------------------------- */

struct out {
	char *buf;
	size_t size, len;
};

static void out_add(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void out_flags(struct out *o, unsigned long flags, unsigned long clear, unsigned long prop,
		      const char *data, const char *extra)
{
	static const struct { unsigned long flag; const char *set, *clear; } names[] = {
		{ MS_REC, "rec", NULL },
		{ MS_RDONLY, "ro", "rw" },          { MS_NOSUID, "nosuid", "suid" },
		{ MS_NODEV, "nodev", "dev" },       { MS_NOEXEC, "noexec", "exec" },
		{ MS_SYNCHRONOUS, "sync", "async" }, { MS_DIRSYNC, "dirsync", NULL },
		{ MS_MANDLOCK, "mand", "nomand" },  { MS_NOATIME, "noatime", "atime" },
		{ MS_NODIRATIME, "nodiratime", "diratime" }, { MS_RELATIME, "relatime", "norelatime" },
		{ MS_STRICTATIME, "strictatime", "nostrictatime" }, { MS_LAZYTIME, "lazytime", "nolazytime" },
		{ MS_SILENT, "silent", "loud" },    { MS_NOSYMFOLLOW, "nosymfollow", "symfollow" },
	};
	const char *sep = " (";

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (flags & names[i].flag) {
			out_add(o, "%s%s", sep, names[i].set);
			sep = ",";
		}
		if ((clear & names[i].flag) && names[i].clear) {
			out_add(o, "%s%s", sep, names[i].clear);
			sep = ",";
		}
	}
	for (size_t i = 0; prop && i < ARRAY_SIZE(propagation_words); i++) {
		if (propagation_words[i].set == prop) {
			out_add(o, "%s%s", sep, propagation_words[i].name);
			sep = ",";
		}
	}
	if (data && *data) {
		out_add(o, "%s%s", sep, data);
		sep = ",";
	}
	if (extra) {
		out_add(o, "%s%s", sep, extra);
		sep = ",";
	}
	if (*sep == ',')
		out_add(o, ")");
}

static void out_opts(struct out *o, unsigned opts)
{
	static const struct { unsigned opt; const char *name; } names[] = {
		{ MOUNT_OPT_OPTIONAL, "optional" },   { MOUNT_OPT_CREATE_DIR, "create=dir" },
		{ MOUNT_OPT_CREATE_FILE, "create=file" }, { MOUNT_OPT_NO_SYMLINKS, "no-symlinks" },
		{ MOUNT_OPT_REPLACE, "replace" },     { MOUNT_OPT_SKIP_MISSING, "if-exists" },
	};
	const char *sep = " [";

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (opts & names[i].opt) {
			out_add(o, "%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	if (*sep == ',')
		out_add(o, "]");
}

static void out_cgroup_flags(struct out *o, unsigned f)
{
	static const struct { unsigned flag; const char *name; } names[] = {
		{ AUTO_CGROUP_NOSPEC, "cgroup" },           { AUTO_CGROUP_RO, "cgroup:ro" },
		{ AUTO_CGROUP_MIXED, "cgroup:mixed" },      { AUTO_CGROUP_RW, "cgroup:rw" },
		{ AUTO_CGROUP_FULL_NOSPEC, "cgroup-full" }, { AUTO_CGROUP_FULL_RO, "cgroup-full:ro" },
		{ AUTO_CGROUP_FULL_MIXED, "cgroup-full:mixed" }, { AUTO_CGROUP_FULL_RW, "cgroup-full:rw" },
	};
	const char *sep = " ";

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (f & names[i].flag) {
			out_add(o, "%s%s%s", sep, names[i].name, (f & AUTO_CGROUP_FORCE) ? ":force" : "");
			sep = ",";
		}
	}
}

char *mount_op_describe(const struct mount_op *op, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	const char *t = op->target;

	buf[0] = '\0';
	switch (op->kind) {
	case MOUNT_OP_MOUNT:
		out_add(&o, "mount    %s on /%s type %s", op->source, t, op->fstype);
		out_flags(&o, op->flags, 0, op->propagation, op->data, NULL);
		if (op->data_fallback)
			out_add(&o, " (on EINVAL: %s)", op->data_fallback);
		break;
	case MOUNT_OP_BIND:
		if (op->opts & MOUNT_OPT_SOURCE_IN_ROOTFS)
			out_add(&o, "bind     <rootfs>/%s on /%s", op->source, t);
		else
			out_add(&o, "bind     %s on /%s", op->source, t);
		out_flags(&o, op->flags, op->clear, op->propagation, NULL, NULL);
		break;
	case MOUNT_OP_REMOUNT:
		out_add(&o, "remount  /%s", t);
		out_flags(&o, op->flags, op->clear, op->propagation, NULL, NULL);
		break;
	case MOUNT_OP_MKDIR:
		out_add(&o, "mkdir    /%s mode %04o", t, (unsigned)op->mode);
		break;
	case MOUNT_OP_MKNOD:
		out_add(&o, "mknod    /%s %c %u:%u mode %04o", t, S_ISBLK(op->mode) ? 'b' : 'c',
			major(op->dev), minor(op->dev), (unsigned)(op->mode & 07777));
		if (op->source)
			out_add(&o, " (or bind %s)", op->source);
		break;
	case MOUNT_OP_SYMLINK:
		out_add(&o, "symlink  /%s -> %s", t, op->source);
		break;
	case MOUNT_OP_TOUCH:
		out_add(&o, "touch    /%s mode %04o", t, (unsigned)op->mode);
		break;
	case MOUNT_OP_CGROUP:
		out_add(&o, "cgroup   /%s", t);
		out_cgroup_flags(&o, op->cgroup_flags);
		break;
	case MOUNT_OP_HOOK:
		out_add(&o, "hook     %s", op->source);
		break;
	}
	out_opts(&o, op->opts);
	return buf;
}

void mount_plan_format(const struct mount_plan *plan, FILE *out)
{
	char buf[1024];

	for (size_t i = 0; i < plan->n; i++)
		fprintf(out, "%3zu %s  # %s\n", i + 1, mount_op_describe(&plan->ops[i], buf, sizeof(buf)),
			plan->ops[i].origin);
}

void mount_plan_log(const struct mount_plan *plan)
{
	char buf[1024];

	if (!log_enabled(LOG_LEVEL_TRACE))
		return;
	for (size_t i = 0; i < plan->n; i++)
		TRACE("mount plan %3zu: %s  # %s", i + 1, mount_op_describe(&plan->ops[i], buf, sizeof(buf)),
		      plan->ops[i].origin);
}
