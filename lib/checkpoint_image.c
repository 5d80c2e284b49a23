/* What an images directory says about itself: lxc-checkpoint.meta (which container, which
 * CRIU, which external ttys, mounts and NICs) and the config it was dumped with. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint_internal.h"
#include "utils.h"

void checkpoint_meta_free(struct checkpoint_meta *m)
{
	free(m->name);
	free(m->lxcpath);
	free(m->criu_version);
	free(m->parent);
	free(m->ttys);
	strlist_clear(&m->binds);
	for (size_t i = 0; i < m->n_nics; i++)
		free(m->nics[i].ifname);
	free(m->nics);
	memset(m, 0, sizeof(*m));
}

char *checkpoint_criu_version_text(const struct criu_version *v)
{
	char sub[16] = "";

	if (v->sublevel >= 0)
		snprintf(sub, sizeof(sub), ".%d", v->sublevel);
	if (v->gitid[0])
		return xasprintf("%d.%d%s-%s", v->major, v->minor, sub, v->gitid);
	return xasprintf("%d.%d%s", v->major, v->minor, sub);
}

/* One value per line: a newline inside one would end the line early. */
static int meta_value_ok(const char *what, const char *v, struct lxc_error *err)
{
	if (v && strchr(v, '\n'))
		return error_set(err, "%s \"%s\" contains a newline", what, v);
	return 0;
}

int checkpoint_meta_write(int dirfd, const struct checkpoint_meta *m, struct lxc_error *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *path = NULL;
	char link[64], dir[4096];
	ssize_t n;
	struct strlist lines = { 0 };
	int ret;

	if (meta_value_ok("lxcpath", m->lxcpath, err) < 0 || meta_value_ok("--predump-dir", m->parent, err) < 0)
		return -1;
	strlist_push(&lines, "# lxc-checkpoint: what these CRIU images are (written last)");
	strlist_push_owned(&lines, xasprintf("format %d", m->format));
	strlist_push(&lines, m->predump ? "kind pre-dump" : "kind dump");
	strlist_push_owned(&lines, xasprintf("name %s", m->name));
	strlist_push_owned(&lines, xasprintf("lxcpath %s", m->lxcpath));
	strlist_push_owned(&lines, xasprintf("criu %s", m->criu_version));
	if (m->parent)
		strlist_push_owned(&lines, xasprintf("parent %s", m->parent));
	for (size_t i = 0; i < m->n_ttys; i++)
		strlist_push_owned(&lines, xasprintf("tty %u %llx %llx", m->ttys[i].index, m->ttys[i].rdev, m->ttys[i].dev));
	for (size_t i = 0; i < m->binds.len; i++) {
		if (meta_value_ok("mount target", m->binds.items[i], err) < 0) {
			strlist_clear(&lines);
			return -1;
		}
		strlist_push_owned(&lines, xasprintf("bind %zu %s", i, m->binds.items[i]));
	}
	for (size_t i = 0; i < m->n_nics; i++)
		strlist_push_owned(&lines, xasprintf("nic %d %s", m->nics[i].index, m->nics[i].ifname));
	if (m->netns_fresh)
		strlist_push(&lines, "netns fresh");
	strlist_push(&lines, "");
	text = strlist_join(&lines, "\n");
	strlist_clear(&lines);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n <= 0)
		return error_sys(err, errno, "cannot find the images directory");
	dir[n] = '\0';
	path = xasprintf("%s/%s", dir, CHECKPOINT_META);
	/* not fsync'ed, like the CRIU images next to it */
	ret = file_write_replace(path, text, strlen(text), 0600, err);
	return ret;
}

void checkpoint_meta_remove(int dirfd)
{
	unlinkat(dirfd, CHECKPOINT_META, 0);
}

static int meta_line(struct checkpoint_meta *m, char *line, struct lxc_error *err)
{
	char *val = strchr(line, ' ');
	char *end;

	if (!val)
		return error_set(err, "\"%s\" has no value", line);
	*val++ = '\0';
	if (!strcmp(line, "format")) {
		if (str_to_int(val, &m->format) < 0)
			return error_set(err, "format \"%s\" is not a number", val);
	} else if (!strcmp(line, "kind")) {
		if (strcmp(val, "dump") && strcmp(val, "pre-dump"))
			return error_set(err, "unknown kind \"%s\"", val);
		m->predump = !strcmp(val, "pre-dump");
	} else if (!strcmp(line, "name")) {
		free(m->name);
		m->name = xstrdup(val);
	} else if (!strcmp(line, "lxcpath")) {
		free(m->lxcpath);
		m->lxcpath = xstrdup(val);
	} else if (!strcmp(line, "criu")) {
		free(m->criu_version);
		m->criu_version = xstrdup(val);
	} else if (!strcmp(line, "parent")) {
		free(m->parent);
		m->parent = xstrdup(val);
	} else if (!strcmp(line, "tty")) {
		struct checkpoint_tty t;

		if (sscanf(val, "%u %llx %llx", &t.index, &t.rdev, &t.dev) != 3)
			return error_set(err, "bad tty line \"%s\"", val);
		m->ttys = xrealloc(m->ttys, (m->n_ttys + 1) * sizeof(*m->ttys));
		m->ttys[m->n_ttys++] = t;
	} else if (!strcmp(line, "bind")) {
		unsigned long idx = strtoul(val, &end, 10);

		if (end == val || *end != ' ' || idx != m->binds.len || end[1] != '/')
			return error_set(err, "bad bind line \"%s\"", val);
		strlist_push(&m->binds, end + 1);
	} else if (!strcmp(line, "nic")) {
		long idx = strtol(val, &end, 10);

		if (end == val || *end != ' ' || !end[1] || idx < 0)
			return error_set(err, "bad nic line \"%s\"", val);
		m->nics = xrealloc(m->nics, (m->n_nics + 1) * sizeof(*m->nics));
		m->nics[m->n_nics].index = (int)idx;
		m->nics[m->n_nics++].ifname = xstrdup(end + 1);
	} else if (!strcmp(line, "netns")) {
		if (strcmp(val, "fresh"))
			return error_set(err, "unknown netns \"%s\"", val);
		m->netns_fresh = true;
	}
	/* unknown keys: written by a newer version; what matters is format */
	return 0;
}

int checkpoint_meta_parse(char *text, const char *dir, struct checkpoint_meta *m, struct lxc_error *err)
{
	char *line, *save = NULL;
	unsigned n = 0;

	memset(m, 0, sizeof(*m));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		n++;
		if (line[0] == '#')
			continue;
		if (meta_line(m, line, err) < 0) {
			checkpoint_meta_free(m);
			return error_prefix(err, "%s/%s:%u", dir, CHECKPOINT_META, n);
		}
	}
	if (m->format != CHECKPOINT_FORMAT || !m->name || !m->lxcpath || !m->criu_version) {
		int format = m->format;

		checkpoint_meta_free(m);
		if (format > CHECKPOINT_FORMAT)
			return error_set(err, "%s/%s: format %d is newer than this lxc-checkpoint understands (%d)", dir,
					 CHECKPOINT_META, format, CHECKPOINT_FORMAT);
		return error_set(err, "%s/%s: incomplete (format, name, lxcpath and criu are required)", dir, CHECKPOINT_META);
	}
	return 0;
}

int checkpoint_meta_read(int dirfd, const char *dir, struct checkpoint_meta *m, struct lxc_error *err)
{
	_cleanup_free_ char *text = NULL;

	memset(m, 0, sizeof(*m));
	if (file_read_at(dirfd, CHECKPOINT_META, &text, NULL, err) < 0) {
		if (err && err->code == ENOENT) {
			error_set(err, "%s holds no checkpoint (no %s)", dir, CHECKPOINT_META);
			err->code = ENOENT;
			return -1;
		}
		return error_prefix(err, "%s", dir);
	}
	return checkpoint_meta_parse(text, dir, m, err);
}

/* Replace "old/" and a trailing "old" by "new" (old being a container directory). */
static char *replace_dir(const char *text, const char *old, const char *new)
{
	size_t lo = strlen(old), cap = strlen(text) + 1, len = 0;
	char *out = xmalloc(cap);

	for (const char *p = text; *p;) {
		const char *hit = strstr(p, old);
		size_t keep;

		if (!hit || !(hit[lo] == '/' || hit[lo] == '\n' || hit[lo] == '\0' || hit[lo] == ' ' || hit[lo] == '"')) {
			keep = hit ? (size_t)(hit - p) + 1 : strlen(p);
			if (len + keep + 1 > cap)
				out = xrealloc(out, cap = len + keep + 1);
			memcpy(out + len, p, keep);
			len += keep;
			p += keep;
			continue;
		}
		keep = (size_t)(hit - p);
		if (len + keep + strlen(new) + 1 > cap)
			out = xrealloc(out, cap = (len + keep + strlen(new)) * 2 + 1);
		memcpy(out + len, p, keep);
		len += keep;
		memcpy(out + len, new, strlen(new));
		len += strlen(new);
		p = hit + lo;
	}
	out[len] = '\0';
	return out;
}

static char *nth_line(const char *text, unsigned n)
{
	const char *p = text;

	for (unsigned i = 1; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p)
		return xstrdup("(end of file)");
	return xstrndup(p, strcspn(p, "\n"));
}

int checkpoint_config_compare(const char *dumped_text, const char *old_lxcpath, const char *new_lxcpath,
			      const char *name, const char *text, const char *dir, struct lxc_error *err)
{
	_cleanup_free_ char *old_dir = xasprintf("%s/%s", old_lxcpath, name);
	_cleanup_free_ char *new_dir = xasprintf("%s/%s", new_lxcpath, name);
	_cleanup_free_ char *moved = strcmp(old_dir, new_dir) ? replace_dir(dumped_text, old_dir, new_dir)
							       : xstrdup(dumped_text);
	_cleanup_free_ char *was = NULL;
	_cleanup_free_ char *now = NULL;
	unsigned line = 1;

	if (!strcmp(moved, text))
		return 0;
	for (size_t i = 0; moved[i] && moved[i] == text[i]; i++)
		if (moved[i] == '\n')
			line++;
	was = nth_line(moved, line);
	now = nth_line(text, line);
	return error_set(err, "the container's config changed since the checkpoint in %s: line %u was \"%s\", is \"%s\"",
			 dir, line, was, now);
}
