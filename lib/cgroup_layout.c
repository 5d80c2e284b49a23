/* Cgroup layout detection (mountinfo + /proc/self/cgroup: legacy, hybrid, unified) and the
 * container's cgroup names (lxc.cgroup.pattern, lxc.cgroup.dir*), without touching cgroupfs. */
#include <limits.h>
#include <string.h>

#include "cgroup_internal.h"
#include "log.h"

/* ---- layout detection ----------------------------------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

void cgroup_mounts_free(struct cgroup_mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].root);
		free(m[i].mnt);
		strlist_clear(&m[i].opts);
	}
	free(m);
}

/* Every cgroup/cgroup2 mount in a mountinfo text. */
struct cgroup_mount *cgroup_mounts_parse(const char *mountinfo, size_t *count)
{
	_cleanup_free_ char *copy = xstrdup(mountinfo);
	struct cgroup_mount *m = NULL;
	char *line, *save = NULL;
	size_t n = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct strlist f = { 0 };
		size_t dash;

		strlist_split(&f, line, " ");
		for (dash = 6; dash < f.len && strcmp(f.items[dash], "-") != 0; dash++)
			;
		if (f.len < 7 || dash + 3 >= f.len + 1 || dash + 2 >= f.len ||
		    (strcmp(f.items[dash + 1], "cgroup") != 0 && strcmp(f.items[dash + 1], "cgroup2") != 0)) {
			strlist_clear(&f);
			continue;
		}
		m = xrealloc(m, (n + 1) * sizeof(*m));
		memset(&m[n], 0, sizeof(*m));
		m[n].version = strcmp(f.items[dash + 1], "cgroup2") == 0 ? 2 : 1;
		m[n].root = xstrdup(f.items[3]);
		m[n].mnt = xstrdup(f.items[4]);
		unescape_octal(m[n].root);
		unescape_octal(m[n].mnt);
		if (dash + 3 < f.len)
			strlist_split(&m[n].opts, f.items[dash + 3], ",");
		n++;
		strlist_clear(&f);
	}
	*count = n;
	return m;
}

/* Is cgroup path (absolute, as in /proc/self/cgroup) visible below a mount with this root?
 * Returns the part below the root ("" for the root itself), or NULL. */
const char *cgroup_path_below_root(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (str_equal(root, "/"))
		return path[0] == '/' ? path + 1 : NULL;
	if (strncmp(path, root, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return NULL;
	return path[n] ? path + n + 1 : path + n;
}

/* The cgroup path of hierarchy `ctrls` ("" for v2) in /proc/PID/cgroup text, or NULL. */
char *cgroup_proc_lookup(const char *text, const char *ctrls)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *line, *save = NULL;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c2 = '\0';
		if (strcmp(c1 + 1, ctrls) == 0)
			return xstrdup(c2 + 1);
	}
	return NULL;
}

static bool mount_has_ctrls(const struct cgroup_mount *m, const struct strlist *ctrls)
{
	for (size_t i = 0; i < ctrls->len; i++)
		if (!strlist_contains(&m->opts, ctrls->items[i]))
			return false;
	return ctrls->len > 0;
}

static bool use_wants(const char *use, const struct strlist *ctrls)
{
	struct strlist wanted = { 0 };
	bool any = false;

	if (!use || !*use)
		return true;
	strlist_split(&wanted, use, ", ");
	for (size_t i = 0; i < ctrls->len && !any; i++)
		any = strlist_contains(&wanted, ctrls->items[i]) || strlist_contains(&wanted, "@all");
	strlist_clear(&wanted);
	return any;
}

void cgroup_hier_init_fds(struct cgroup_hier *h)
{
	for (int r = 0; r < CG_ROLES; r++)
		h->fd[r] = -1;
	h->base_fd = -1;
}

static struct cgroup_hier *hier_add(struct cgroup_ctx *c, int version, const char *ctrl_str,
				    const struct cgroup_mount *m, const char *base)
{
	struct cgroup_hier *h;

	c->h = xrealloc(c->h, (c->n + 1) * sizeof(*c->h));
	h = &c->h[c->n++];
	memset(h, 0, sizeof(*h));
	cgroup_hier_init_fds(h);
	h->version = version;
	h->ctrl_str = xstrdup(ctrl_str);
	if (version == 1)
		strlist_split(&h->ctrls, ctrl_str, ",");
	h->mnt = xstrdup(m->mnt);
	h->mnt_root = xstrdup(m->root);
	h->base = xstrdup(base);
	return h;
}

/* systemd keeps PID 1 in /init.scope; its parent is where LXC puts containers. */
static void prune_init_scope(char *cg)
{
	size_t n = strlen(cg), k = strlen("/init.scope");

	if (n >= k && strcmp(cg + n - k, "/init.scope") == 0)
		cg[n - k == 0 ? 1 : n - k] = '\0';
}

int cgroup_parse_layout(struct cgroup_ctx *c, const char *mountinfo, const char *self_cg,
			const char *init_cg, const char *use, struct lxc_error *err)
{
	_cleanup_free_ char *copy = xstrdup(self_cg);
	struct cgroup_mount *m;
	size_t nm;
	char *line, *save = NULL;
	bool v1_ctrl = false;

	m = cgroup_mounts_parse(mountinfo, &nm);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2, *ctrls, *path;
		struct strlist want = { 0 };
		int version;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c1 = *c2 = '\0';
		ctrls = c1 + 1;
		path = c2 + 1;
		version = strcmp(line, "0") == 0 && !*ctrls ? 2 : 1;
		if (version == 1 && !*ctrls)
			continue;
		strlist_split(&want, ctrls, ",");
		if (version == 1 && !use_wants(use, &want)) {
			DEBUG("cgroup: hierarchy %s not used (lxc.cgroup.use = %s)", ctrls, use);
			strlist_clear(&want);
			continue;
		}
		for (size_t i = 0; i < nm; i++) {
			_cleanup_free_ char *init_path = NULL;
			const char *base;

			if (m[i].version != version || (version == 1 && !mount_has_ctrls(&m[i], &want)))
				continue;
			if (version == 2 && init_cg && (init_path = cgroup_proc_lookup(init_cg, ""))) {
				prune_init_scope(init_path);
				path = init_path;
			}
			base = cgroup_path_below_root(path, m[i].root);
			if (!base)
				continue;
			hier_add(c, version, version == 1 ? ctrls : "", &m[i], base);
			if (version == 2)
				c->unified = (int)c->n - 1;
			for (size_t k = 0; version == 1 && k < want.len; k++)
				v1_ctrl |= !str_starts_with(want.items[k], "name=");
			break;
		}
		strlist_clear(&want);
	}
	cgroup_mounts_free(m, nm);
	if (v1_ctrl)
		c->layout = c->unified >= 0 ? CGROUP_LAYOUT_HYBRID : CGROUP_LAYOUT_LEGACY;
	else
		c->layout = c->unified >= 0 ? CGROUP_LAYOUT_UNIFIED : CGROUP_LAYOUT_NONE;
	if (c->layout == CGROUP_LAYOUT_NONE && c->n == 0)
		DEBUG("cgroup: no cgroup hierarchy found");
	(void)err;
	return 0;
}

/* ---- naming ---------------------------------------------------------------------------- */

/* A relative cgroup path from the config: slashes trimmed, no "." or ".." components. */
static int normalize_dir(const char *key, const char *in, char **out, struct lxc_error *err)
{
	struct strlist parts = { 0 };

	if (strchr(in, '\n'))
		return error_set(err, "%s = \"%s\": invalid cgroup path", key, in);
	strlist_split(&parts, in, "/");
	for (size_t i = 0; i < parts.len; i++) {
		if (!strcmp(parts.items[i], ".") || !strcmp(parts.items[i], "..")) {
			strlist_clear(&parts);
			return error_set(err, "%s = \"%s\": \".\" and \"..\" are not allowed in cgroup paths",
					 key, in);
		}
	}
	if (!parts.len) {
		strlist_clear(&parts);
		return error_set(err, "%s = \"%s\": empty cgroup path", key, in);
	}
	*out = strlist_join(&parts, "/");
	strlist_clear(&parts);
	return 0;
}

static char *replace_name(const char *pattern, const char *name)
{
	size_t cap = strlen(pattern) + 1, len = 0;
	char *out = xmalloc(cap);

	for (const char *p = pattern; *p; p++) {
		const char *add = NULL;
		char one[2] = { *p, 0 };

		if (p[0] == '%' && p[1] == 'n') {
			add = name;
			p++;
		} else {
			add = one;
		}
		if (len + strlen(add) + 1 > cap) {
			cap = (len + strlen(add) + 1) * 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + len, add, strlen(add));
		len += strlen(add);
	}
	out[len] = '\0';
	return out;
}

static bool name_valid(const char *name)
{
	return name && *name && !strchr(name, '/') && !strchr(name, '\n') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && strlen(name) < NAME_MAX - 32;
}

int cgroup_parse_names(struct cgroup_ctx *c, const char *name, const char *pattern,
		       const struct lxc_conf *conf, struct lxc_error *err)
{
	const char *dir = conf ? conf->cgroup_dir : NULL;
	const char *cdir = conf ? conf->cgroup_dir_container : NULL;
	const char *mdir = conf ? conf->cgroup_dir_monitor : NULL;
	const char *inner = conf ? conf->cgroup_dir_container_inner : NULL;

	if (!name_valid(name))
		return error_set(err, "invalid container name \"%s\" for a cgroup", name ? name : "");
	c->name = xstrdup(name);
	if (cdir || mdir) {
		if (!cdir || !mdir)
			return error_set(err, "lxc.cgroup.dir.container and lxc.cgroup.dir.monitor must be set together");
		if (dir)
			return error_set(err, "lxc.cgroup.dir cannot be combined with lxc.cgroup.dir.container/monitor");
		if (normalize_dir("lxc.cgroup.dir.container", cdir, &c->limit_name, err) < 0 ||
		    normalize_dir("lxc.cgroup.dir.monitor", mdir, &c->monitor_name, err) < 0)
			return -1;
		if (inner && normalize_dir("lxc.cgroup.dir.container.inner", inner, &c->inner_name, err) < 0)
			return -1;
		if (cgroup_rel_under(c->monitor_name, c->limit_name) || cgroup_rel_under(c->limit_name, c->monitor_name))
			return error_set(err, "lxc.cgroup.dir.container (\"%s\") and lxc.cgroup.dir.monitor (\"%s\") must not contain each other",
					 c->limit_name, c->monitor_name);
		c->retry = false;
	} else if (dir) {
		_cleanup_free_ char *d = NULL;

		if (normalize_dir("lxc.cgroup.dir", dir, &d, err) < 0)
			return -1;
		c->limit_name = xasprintf("%s/lxc.payload.%s", d, name);
		c->monitor_name = xasprintf("%s/lxc.monitor.%s", d, name);
		c->retry = true;
		if (inner)
			INFO("cgroup: lxc.cgroup.dir.container.inner has no effect without lxc.cgroup.dir.container");
	} else if (pattern && *pattern) {
		_cleanup_free_ char *tree = replace_name(pattern, name), *d = NULL;

		if (normalize_dir("lxc.cgroup.pattern", tree, &d, err) < 0)
			return -1;
		c->limit_name = xasprintf("%s/lxc.payload", d);
		c->monitor_name = xasprintf("%s/lxc.monitor", d);
		c->retry = true;
	} else {
		c->limit_name = xasprintf("lxc.payload.%s", name);
		c->monitor_name = xasprintf("lxc.monitor.%s", name);
		c->retry = true;
	}
	if (conf && conf->cgroup_dir_monitor_pivot &&
	    normalize_dir("lxc.cgroup.dir.monitor.pivot", conf->cgroup_dir_monitor_pivot, &c->monitor_pivot, err) < 0)
		return -1;
	return 0;
}

/* Does the container keep CAP_SYS_ADMIN (lxc.cap.keep / lxc.cap.drop)? */
bool cgroup_conf_keeps_sys_admin(const struct lxc_conf *conf)
{
	if (!conf)
		return true;
	if (conf->cap_keep.len)
		return strlist_contains(&conf->cap_keep, "sys_admin") && !strlist_contains(&conf->cap_keep, "none");
	return !strlist_contains(&conf->cap_drop, "sys_admin");
}

