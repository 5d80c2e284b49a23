/* Cgroups common to v1 and v2: create/enter/destroy, lxc-cgroup get/set, device and freezer
 * dispatch, crash cleanup. Layout and names: cgroup_layout.c; versions: cgroup_v1.c/_v2.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "log.h"

/* ---- small helpers -------------------------------------------------------------------- */

char *cgroup_join_rel(const char *a, const char *b)
{
	if (!a || !*a)
		return xstrdup(b);
	if (!b || !*b)
		return xstrdup(a);
	return xasprintf("%s/%s", a, b);
}

char *cgroup_hier_path(const struct cgroup_hier *h, const char *rel)
{
	if (!rel || !*rel)
		return xstrdup(h->mnt);
	return xasprintf("%s/%s", h->mnt, rel);
}

/* The path as /proc/PID/cgroup shows it: mount root + rel. */
char *cgroup_hier_cg_path(const struct cgroup_hier *h, const char *rel)
{
	const char *root = h->mnt_root;

	if (!rel || !*rel)
		return xstrdup(root);
	return xasprintf("%s%s%s", root, str_equal(root, "/") ? "" : "/", rel);
}

bool cgroup_key_valid(const char *key)
{
	if (!key || !*key || strchr(key, '/') || strstr(key, "..") || strchr(key, '\n'))
		return false;
	return strcmp(key, ".") != 0;
}

/* Is path (a/b/c) equal to prefix or below it, component-wise? */
bool cgroup_rel_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (!n)
		return true;
	return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int cgroup_read_at(int dirfd, const char *file, char **out, struct lxc_error *err)
{
	size_t len;

	if (file_read_at(dirfd, file, out, &len, err) < 0)
		return -1;
	while (len > 0 && ((*out)[len - 1] == '\n' || (*out)[len - 1] == ' '))
		(*out)[--len] = '\0';
	return 0;
}

int cgroup_write_procs(int dirfd, pid_t pid, struct lxc_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return file_write_str_at(dirfd, "cgroup.procs", buf, err);
}

/* Move pid (0: ourselves) into the cgroup at dirfd. Moving ourselves on cgroup v1, we write
 * "0" to "tasks": for a thread that moves itself the kernel skips its global threadgroup
 * lock, whose first taker after a quiet spell waits for an RCU grace period (up to ~1.5 ms
 * on a busy VM). Our processes run one thread, so the thread is the process. */
static int hier_move(const struct cgroup_hier *h, int dirfd, pid_t pid, struct lxc_error *err)
{
	if (pid == 0)
		return file_write_str_at(dirfd, h->version == 1 ? "tasks" : "cgroup.procs", "0", err);
	return cgroup_write_procs(dirfd, pid, err);
}

int cgroup_hier_fd(struct cgroup_hier *h, enum cgroup_role role, struct lxc_error *err)
{
	_cleanup_free_ char *path = NULL;

	if (h->fd[role] >= 0)
		return h->fd[role];
	if (!h->rel[role])
		return error_set(err, "the container's cgroup in %s has not been created", h->mnt);
	path = cgroup_hier_path(h, h->rel[role]);
	h->fd[role] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (h->fd[role] < 0)
		return error_sys(err, errno, "failed to open cgroup \"%s\"", path);
	return h->fd[role];
}

static void hier_close_fds(struct cgroup_hier *h)
{
	for (int r = 0; r < CG_ROLES; r++) {
		if (h->fd[r] >= 0)
			close(h->fd[r]);
		h->fd[r] = -1;
	}
}

/* The caller's cgroup in this hierarchy, where ours are made, removed and left for: opened
 * once (a start makes, enters and removes a cgroup in each hierarchy twice). Borrowed. */
static int hier_base_fd(struct cgroup_hier *h)
{
	if (h->base_fd < 0) {
		_cleanup_free_ char *path = cgroup_hier_path(h, h->base);

		h->base_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	return h->base_fd;
}

static void hier_forget(struct cgroup_hier *h, enum cgroup_role role)
{
	if (h->fd[role] >= 0)
		close(h->fd[role]);
	h->fd[role] = -1;
	free(h->rel[role]);
	free(h->top[role]);
	free(h->cg[role]);
	h->rel[role] = h->top[role] = h->cg[role] = NULL;
}

struct cgroup_hier *cgroup_find_ctrl(struct cgroup_ctx *c, const char *ctrl)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->h[i].version == 1 && strlist_contains(&c->h[i].ctrls, ctrl))
			return &c->h[i];
	return NULL;
}

struct cgroup_ctx *cgroup_ctx_alloc(void)
{
	struct cgroup_ctx *c = xzalloc(sizeof(*c));

	c->unified = -1;
	c->bpf_fd = -1;
	for (int i = 0; i < CGS_COUNT; i++)
		c->stat_fd[i] = -1;
	cgroup_dev_list_reset(&c->devs, true);
	return c;
}

void cgroup_ctx_free(struct cgroup_ctx *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct cgroup_hier *h = &c->h[i];

		hier_close_fds(h);
		if (h->base_fd >= 0)
			close(h->base_fd);
		for (int r = 0; r < CG_ROLES; r++) {
			free(h->rel[r]);
			free(h->top[r]);
			free(h->cg[r]);
		}
		strlist_clear(&h->ctrls);
		free(h->ctrl_str);
		free(h->mnt);
		free(h->mnt_root);
		free(h->base);
	}
	free(c->h);
	cgroup_stats_close(c);
	if (c->bpf_fd >= 0)
		close(c->bpf_fd);
	cgroup_dev_list_free(&c->devs);
	free(c->name);
	free(c->limit_name);
	free(c->inner_name);
	free(c->monitor_name);
	free(c->monitor_pivot);
	free(c);
}

enum cgroup_layout cgroup_ctx_layout(const struct cgroup_ctx *c)
{
	return c->layout;
}

const char *cgroup_layout_name(enum cgroup_layout layout)
{
	switch (layout) {
	case CGROUP_LAYOUT_LEGACY:
		return "legacy";
	case CGROUP_LAYOUT_HYBRID:
		return "hybrid";
	case CGROUP_LAYOUT_UNIFIED:
		return "unified";
	default:
		return "none";
	}
}

const char *cgroup_freezer_state_name(enum cgroup_freezer_state state)
{
	return state == CGROUP_FROZEN ? "FROZEN" : state == CGROUP_FREEZING ? "FREEZING" : "THAWED";
}

int cgroup_ctx_new(struct cgroup_ctx **out, const char *name, const struct lxc_conf *conf,
		   const struct lxc_sysconf *sc, struct lxc_error *err)
{
	struct cgroup_ctx *c = cgroup_ctx_alloc();
	_cleanup_free_ char *mountinfo = NULL, *self_cg = NULL, *init_cg = NULL;
	bool escape = geteuid() == 0 && !(conf && conf->cgroup_relative);

	*out = NULL;
	if (cgroup_parse_names(c, name, sc ? sc->cgroup_pattern : NULL, conf, err) < 0)
		goto fail;
	if (file_read("/proc/self/mountinfo", &mountinfo, NULL, err) < 0 ||
	    file_read("/proc/self/cgroup", &self_cg, NULL, err) < 0)
		goto fail;
	/* LXC puts containers below init's cgroup2 cgroup as root: v2 allows controllers only
	 * in cgroups without processes, and the caller's own cgroup has the caller in it. The
	 * v1 hierarchies have no such rule and stay below the caller's cgroup. */
	if (escape && file_read("/proc/1/cgroup", &init_cg, NULL, NULL) < 0)
		init_cg = NULL;
	if (cgroup_parse_layout(c, mountinfo, self_cg, init_cg, sc ? sc->cgroup_use : NULL, err) < 0)
		goto fail;
	if (c->unified >= 0 && cgroup_v2_read_controllers(&c->h[c->unified], err) < 0)
		goto fail;
	c->sys_admin = cgroup_conf_keeps_sys_admin(conf);
	DEBUG("cgroup: %s layout, %zu hierarchies, payload \"%s\", monitor \"%s\"",
	      cgroup_layout_name(c->layout), c->n, c->limit_name, c->monitor_name);
	*out = c;
	return 0;
fail:
	cgroup_ctx_free(c);
	return error_prefix(err, "cgroup setup for \"%s\"", name ? name : "");
}

/* ---- trees ----------------------------------------------------------------------------- */

int cgroup_tree_has_procs(int dirfd, bool *has, struct lxc_error *err)
{
	_cleanup_free_ char *events = NULL, *procs = NULL;
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	int fd;

	*has = false;
	/* v2 keeps the answer for the whole subtree in cgroup.events */
	if (file_read_at(dirfd, "cgroup.events", &events, NULL, NULL) == 0) {
		*has = strstr(events, "populated 1") != NULL;
		return 0;
	}
	if (file_read_at(dirfd, "cgroup.procs", &procs, NULL, err) < 0)
		return -1;
	if (*procs) {
		*has = true;
		return 0;
	}
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return error_sys(err, errno, "failed to list cgroup");
	}
	while ((de = readdir(dir)) && !*has) {
		_cleanup_close_ int sub = -1;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0)
			continue; /* removed meanwhile */
		if (cgroup_tree_has_procs(sub, has, err) < 0)
			return -1;
	}
	return 0;
}

int cgroup_tree_remove(int parent_fd, const char *name, struct lxc_error *err)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	int fd;

	/* the usual case, a leaf: one syscall */
	if (unlinkat(parent_fd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	if (errno != ENOTEMPTY && errno != EBUSY)
		return error_sys(err, errno, "failed to remove cgroup \"%s\"", name);
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : error_sys(err, errno, "failed to open cgroup \"%s\"", name);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return error_sys(err, errno, "failed to list cgroup \"%s\"", name);
	}
	while ((de = readdir(dir))) {
		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (cgroup_tree_remove(dirfd(dir), de->d_name, err) < 0)
			return error_prefix(err, "%s", name);
	}
	if (unlinkat(parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return error_sys(err, errno, "failed to remove cgroup \"%s\"", name);
	return 0;
}

/* Remove the tree at rel, then its parents up to (and including) top while they are
 * empty: directories shared with other containers stay. */
static int hier_remove(struct cgroup_hier *h, const char *rel, const char *top, struct lxc_error *err)
{
	_cleanup_free_ char *path = xstrdup(rel);

	for (bool first = true;; first = false) {
		char *slash = strrchr(path, '/');
		const char *leaf = slash ? slash + 1 : path;
		_cleanup_free_ char *parent_rel = slash ? xstrndup(path, slash - path) : xstrdup("");
		_cleanup_free_ char *parent = cgroup_hier_path(h, parent_rel);
		_cleanup_close_ int own = -1;
		int pfd = strcmp(parent_rel, h->base) == 0 ? hier_base_fd(h) :
			  (own = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC));

		if (pfd < 0)
			return errno == ENOENT ? 0 : error_sys(err, errno, "failed to open cgroup \"%s\"", parent);
		if (first) {
			if (cgroup_tree_remove(pfd, leaf, err) < 0)
				return error_prefix(err, "failed to remove \"%s/%s\"", h->mnt, path);
		} else if (unlinkat(pfd, leaf, AT_REMOVEDIR) < 0) {
			if (errno != ENOENT)
				DEBUG("cgroup: keeping \"%s/%s\": %s", h->mnt, path, strerror(errno));
			return 0;
		}
		if (!top || strcmp(path, top) == 0 || !cgroup_rel_under(path, top) || !slash)
			return 0;
		free(path);
		path = steal_ptr(parent_rel);
	}
}

int cgroup_tree_pids(int dirfd, pid_t **pids, size_t *n, struct lxc_error *err)
{
	_cleanup_free_ char *procs = NULL;
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	char *line, *save = NULL;
	int fd;

	if (file_read_at(dirfd, "cgroup.procs", &procs, NULL, err) < 0)
		return -1;
	for (line = strtok_r(procs, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int pid;

		if (str_to_int(line, &pid) < 0 || pid <= 0)
			continue;
		*pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
		(*pids)[(*n)++] = pid;
	}
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return error_sys(err, errno, "failed to list cgroup");
	}
	while ((de = readdir(dir))) {
		_cleanup_close_ int sub = -1;

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (sub >= 0 && cgroup_tree_pids(sub, pids, n, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- create ---------------------------------------------------------------------------- */

enum mk_result { MK_CREATED, MK_BUSY };

/* mkdir -p base/name in one hierarchy (base: relative to mnt, base_fd: an fd on it, borrowed).
 * A leaf that exists without processes is removed and made again (a crashed start left it);
 * one with processes is MK_BUSY. *top gets the highest directory made (relative to mnt), or
 * stays NULL; *leaf_fd an O_DIRECTORY fd on base/name when it was made. */
static int hier_make(struct cgroup_hier *h, const char *base, int base_fd, const char *name, char **top,
		     int *leaf_fd, struct lxc_error *err)
{
	struct strlist parts = { 0 };
	_cleanup_free_ char *rel = xstrdup(base);
	int cur = base_fd;
	bool cpuset = h->version == 1 && strlist_contains(&h->ctrls, "cpuset");
	int ret = MK_CREATED;

	*top = NULL;
	*leaf_fd = -1;
	if (cur < 0)
		return error_sys(err, errno, "failed to open cgroup \"%s/%s\"", h->mnt, base);
	strlist_split(&parts, name, "/");
	for (size_t i = 0; i < parts.len; i++) {
		const char *comp = parts.items[i];
		bool leaf = i + 1 == parts.len, made = true;
		char *next_rel = cgroup_join_rel(rel, comp);
		int next;

		free(rel);
		rel = next_rel;
		if (mkdirat(cur, comp, 0755) < 0) {
			if (errno != EEXIST) {
				ret = error_sys(err, errno, "failed to create cgroup \"%s/%s\"", h->mnt, rel);
				break;
			}
			made = false;
			if (leaf) {
				_cleanup_close_ int old = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
				bool busy = true;

				if (old >= 0 && cgroup_tree_has_procs(old, &busy, NULL) < 0)
					busy = true;
				if (busy) {
					ret = MK_BUSY;
					break;
				}
				INFO("cgroup: removing stale empty cgroup \"%s/%s\"", h->mnt, rel);
				if (cgroup_tree_remove(cur, comp, err) < 0) {
					ret = -1;
					break;
				}
				if (mkdirat(cur, comp, 0755) < 0) {
					ret = error_sys(err, errno, "failed to recreate cgroup \"%s/%s\"", h->mnt, rel);
					break;
				}
				made = true;
			}
		}
		if (made && !*top)
			*top = xstrdup(rel);
		next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (next < 0) {
			ret = error_sys(err, errno, "failed to open cgroup \"%s/%s\"", h->mnt, rel);
			break;
		}
		if (cpuset && cgroup_v1_cpuset_init(cur, next, err) < 0) {
			close(next);
			ret = error_prefix(err, "cgroup \"%s/%s\"", h->mnt, rel);
			break;
		}
		if (cur != base_fd)
			close(cur);
		cur = next;
	}
	if (ret == MK_CREATED && cur != base_fd)
		*leaf_fd = cur;
	else if (cur != base_fd)
		close(cur);
	strlist_clear(&parts);
	if (ret != MK_CREATED && *top) {
		struct lxc_error ignored = { 0 };

		/* everything below a directory we made is ours */
		hier_remove(h, *top, *top, &ignored);
		free(*top);
		*top = NULL;
	}
	return ret;
}

static int create_role(struct cgroup_ctx *c, enum cgroup_role role, const char *name, struct lxc_error *err)
{
	for (int idx = 0; idx < 1000; idx++) {
		_cleanup_free_ char *cand = idx ? xasprintf("%s-%d", name, idx) : xstrdup(name);
		size_t i;
		int r = MK_CREATED;

		for (i = 0; i < c->n; i++) {
			char *top = NULL;
			int fd;

			r = hier_make(&c->h[i], c->h[i].base, hier_base_fd(&c->h[i]), cand, &top, &fd, err);
			if (r != MK_CREATED)
				break;
			c->h[i].fd[role] = fd;
			c->h[i].rel[role] = cgroup_join_rel(c->h[i].base, cand);
			c->h[i].top[role] = top;
			c->h[i].cg[role] = cgroup_hier_cg_path(&c->h[i], c->h[i].rel[role]);
		}
		if (r == MK_CREATED) {
			INFO("cgroup: %s cgroup is \"%s\"", role == CG_MONITOR ? "monitor" : "container", cand);
			return 0;
		}
		/* undo this round in the hierarchies done so far */
		for (size_t k = 0; k < i; k++) {
			struct lxc_error ignored = { 0 };

			hier_remove(&c->h[k], c->h[k].rel[role], c->h[k].top[role], &ignored);
			hier_forget(&c->h[k], role);
		}
		if (r < 0)
			return -1;
		if (!c->retry)
			return error_set(err, "cgroup \"%s\" already exists and has processes in %s",
					 cand, c->h[i].mnt);
		INFO("cgroup: \"%s\" is in use in %s, trying another name", cand, c->h[i].mnt);
	}
	return error_set(err, "no free cgroup name for \"%s\" (tried 1000)", name);
}

static int create_payload(struct cgroup_ctx *c, struct lxc_error *err)
{
	if (create_role(c, CG_LIMIT, c->limit_name, err) < 0)
		goto fail;
	for (size_t i = 0; i < c->n; i++) {
		struct cgroup_hier *h = &c->h[i];

		if (!c->inner_name) {
			h->rel[CG_PAYLOAD] = xstrdup(h->rel[CG_LIMIT]);
			if (h->fd[CG_LIMIT] >= 0) /* (musl's F_DUPFD_CLOEXEC adds an F_SETFD) */
				h->fd[CG_PAYLOAD] = openat(h->fd[CG_LIMIT], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		} else {
			char *top = NULL;
			int r, limit_fd = cgroup_hier_fd(h, CG_LIMIT, err);

			/* inner is made below the limit cgroup */
			r = limit_fd < 0 ? -1 :
			    hier_make(h, h->rel[CG_LIMIT], limit_fd, c->inner_name, &top, &h->fd[CG_PAYLOAD], err);
			free(top);
			if (r != MK_CREATED) {
				if (r == MK_BUSY)
					error_set(err, "inner cgroup \"%s\" is in use", c->inner_name);
				goto fail;
			}
			h->rel[CG_PAYLOAD] = cgroup_join_rel(h->rel[CG_LIMIT], c->inner_name);
		}
		h->cg[CG_PAYLOAD] = cgroup_hier_cg_path(h, h->rel[CG_PAYLOAD]);
	}
	if (c->layout == CGROUP_LAYOUT_UNIFIED) {
		struct cgroup_hier *h = &c->h[c->unified];

		if (cgroup_v2_delegate(h, h->rel[CG_LIMIT], &h->ctrls, err) < 0 ||
		    (c->inner_name && cgroup_v2_delegate(h, h->rel[CG_PAYLOAD], &h->ctrls, err) < 0))
			goto fail;
	}
	return 0;
fail:
	{
		struct lxc_error ignored = { 0 };

		cgroup_destroy(c, &ignored);
	}
	return error_prefix(err, "failed to create the container cgroup");
}

int cgroup_create_for(struct cgroup_ctx *c, enum cgroup_which which, struct lxc_error *err)
{
	enum cgroup_role role = which == CGROUP_MONITOR ? CG_MONITOR : CG_LIMIT;

	if (c->n == 0)
		return error_set(err, "no cgroup hierarchies are mounted");
	for (size_t i = 0; i < c->n; i++)
		if (c->h[i].rel[role])
			return error_set(err, "cgroups for \"%s\" already created", c->name);
	if (which == CGROUP_PAYLOAD)
		return create_payload(c, err);
	if (create_role(c, CG_MONITOR, c->monitor_name, err) < 0)
		return error_prefix(err, "failed to create the monitor cgroup");
	return 0;
}

int cgroup_create(struct cgroup_ctx *c, struct lxc_error *err)
{
	if (cgroup_create_for(c, CGROUP_MONITOR, err) < 0)
		return -1;
	return cgroup_create_for(c, CGROUP_PAYLOAD, err);
}

/* ---- enter ----------------------------------------------------------------------------- */

/* A payload whose container enabled controllers below it (nested containers, systemd) takes
 * no more processes (cgroup v2's "no internal processes"): join its ".lxc" leaf, as LXC does. */
static int enter_payload_leaf(int fd, pid_t pid, struct lxc_error *err)
{
	_cleanup_close_ int leaf = -1;

	if (mkdirat(fd, ".lxc", 0755) < 0 && errno != EEXIST)
		return error_sys(err, errno, "cannot create the \".lxc\" leaf");
	leaf = openat(fd, ".lxc", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (leaf < 0)
		return error_sys(err, errno, "cannot open the \".lxc\" leaf");
	return cgroup_write_procs(leaf, pid, err);
}

int cgroup_enter(struct cgroup_ctx *c, enum cgroup_which which, pid_t pid, struct lxc_error *err)
{
	enum cgroup_role role = which == CGROUP_MONITOR ? CG_MONITOR : CG_PAYLOAD;

	for (size_t i = 0; i < c->n; i++) {
		struct lxc_error e = { 0 };
		int fd = cgroup_hier_fd(&c->h[i], role, err), ret = -1;

		if (fd >= 0) {
			ret = hier_move(&c->h[i], fd, pid, &e);
			if (ret < 0 && e.code == EBUSY && role == CG_PAYLOAD && c->h[i].version == 2)
				ret = enter_payload_leaf(fd, pid, &e);
			if (ret < 0 && err)
				*err = e;
		}
		if (ret < 0)
			return error_prefix(err, "failed to move process %d into cgroup \"%s\" (%s)",
					    (int)(pid ? pid : getpid()), c->h[i].cg[role] ? c->h[i].cg[role] : "?", c->h[i].mnt);
	}
	return 0;
}

/* ---- settings, get/set, freezer, devices --------------------------------------------- */

int cgroup_apply_settings(struct cgroup_ctx *c, const struct lxc_conf *conf, struct lxc_error *err)
{
	switch (c->layout) {
	case CGROUP_LAYOUT_UNIFIED:
		return cgroup_v2_apply(c, conf, err);
	case CGROUP_LAYOUT_LEGACY:
	case CGROUP_LAYOUT_HYBRID:
		/* common.conf has both kinds: not worth a warning on every start */
		if (conf->n_cgroup2)
			INFO("cgroup: ignoring %zu lxc.cgroup2.* setting(s): this host has cgroup v1 controllers",
			     conf->n_cgroup2);
		return cgroup_v1_apply(c, conf, err);
	default:
		if (conf->n_cgroup || conf->n_cgroup2)
			return error_set(err, "cannot apply lxc.cgroup settings: no cgroup hierarchies are mounted");
		return 0;
	}
}

/* The hierarchy and dir fd lxc-cgroup means by key. */
static int key_target(struct cgroup_ctx *c, const char *key, struct cgroup_hier **hp, struct lxc_error *err)
{
	_cleanup_free_ char *ctrl = NULL;
	struct cgroup_hier *h = NULL;

	if (!cgroup_key_valid(key))
		return error_set(err, "invalid cgroup key \"%s\"", key ? key : "");
	if (c->layout != CGROUP_LAYOUT_UNIFIED) {
		ctrl = xstrndup(key, strcspn(key, "."));
		h = cgroup_find_ctrl(c, ctrl);
	}
	if (!h && c->unified >= 0)
		h = &c->h[c->unified];
	if (!h)
		return error_set(err, "no cgroup hierarchy has the \"%s\" controller", ctrl ? ctrl : key);
	*hp = h;
	return cgroup_hier_fd(h, CG_LIMIT, err);
}

int cgroup_get(struct cgroup_ctx *c, const char *key, char **value, struct lxc_error *err)
{
	struct cgroup_hier *h;
	int fd = key_target(c, key, &h, err);

	if (fd < 0)
		return -1;
	if (cgroup_read_at(fd, key, value, err) < 0)
		return error_prefix(err, "failed to read %s of \"%s\" (%s)", key, h->cg[CG_LIMIT], h->mnt);
	return 0;
}

int cgroup_set(struct cgroup_ctx *c, const char *key, const char *value, struct lxc_error *err)
{
	struct cgroup_hier *h;
	int fd;

	if (c->layout == CGROUP_LAYOUT_UNIFIED && str_equal(key, "devices.allow"))
		return cgroup_device_add(c, value, err);
	if (c->layout == CGROUP_LAYOUT_UNIFIED && str_equal(key, "devices.deny"))
		return cgroup_device_remove(c, value, err);
	fd = key_target(c, key, &h, err);
	if (fd < 0)
		return -1;
	if (file_write_str_at(fd, key, value, err) < 0) {
		int code = err ? err->code : 0;

		return error_sys(err, code, "failed to set %s = \"%s\" in %s/%s", key, value,
				 h->mnt, h->rel[CG_LIMIT]);
	}
	return 0;
}

static int device_change(struct cgroup_ctx *c, const char *text, bool allow, struct lxc_error *err)
{
	struct cgroup_dev_rule r;
	struct cgroup_hier *h;

	if (cgroup_dev_rule_parse(text, allow, &r, err) < 0)
		return -1;
	if (c->layout != CGROUP_LAYOUT_UNIFIED) {
		_cleanup_free_ char *rule = cgroup_dev_rule_format(&r);
		int fd;

		h = cgroup_find_ctrl(c, "devices");
		if (!h)
			return error_set(err, "no devices cgroup controller is mounted");
		fd = cgroup_hier_fd(h, CG_LIMIT, err);
		if (fd < 0 || file_write_str_at(fd, allow ? "devices.allow" : "devices.deny", rule, err) < 0)
			return error_prefix(err, "failed to %s device \"%s\"", allow ? "allow" : "deny", rule);
		return 0;
	}
	h = &c->h[c->unified];
	{
		int fd = cgroup_hier_fd(h, CG_LIMIT, err);
		char buf[65536];
		ssize_t n;

		if (fd < 0)
			return -1;
		/* the rules last committed, by whichever process did it */
		n = fgetxattr(fd, CGROUP_DEV_XATTR, buf, sizeof(buf) - 1);
		if (n > 0) {
			struct cgroup_dev_list cur = { 0 };

			buf[n] = '\0';
			if (cgroup_dev_list_parse(&cur, buf, err) < 0)
				return error_prefix(err, "%s on \"%s\"", CGROUP_DEV_XATTR, h->cg[CG_LIMIT]);
			cgroup_dev_list_free(&c->devs);
			c->devs = cur;
			c->devs_active = true;
		} else if (!c->devs_active) {
			/* no device program yet: every device is allowed */
			cgroup_dev_list_reset(&c->devs, true);
		}
	}
	cgroup_dev_list_add(&c->devs, &r);
	if (!c->devs_active && c->devs.default_allow && c->devs.n == 0)
		return 0; /* still allows everything: nothing to attach */
	return cgroup_v2_devices_commit(c, err);
}

int cgroup_device_add(struct cgroup_ctx *c, const char *rule, struct lxc_error *err)
{
	return device_change(c, rule, true, err);
}

int cgroup_device_remove(struct cgroup_ctx *c, const char *rule, struct lxc_error *err)
{
	return device_change(c, rule, false, err);
}

int cgroup_freeze(struct cgroup_ctx *c, bool freeze, int timeout_ms, struct lxc_error *err)
{
	if (c->layout != CGROUP_LAYOUT_UNIFIED && cgroup_find_ctrl(c, "freezer"))
		return cgroup_v1_freeze(c, freeze, timeout_ms, err);
	if (c->unified >= 0)
		return cgroup_v2_freeze(c, freeze, timeout_ms, err);
	return error_set(err, "no freezer: neither a v1 freezer controller nor cgroup2 is mounted");
}

int cgroup_get_freezer_state(struct cgroup_ctx *c, enum cgroup_freezer_state *state, struct lxc_error *err)
{
	if (c->layout != CGROUP_LAYOUT_UNIFIED && cgroup_find_ctrl(c, "freezer"))
		return cgroup_v1_freezer_state(c, state, err);
	if (c->unified >= 0)
		return cgroup_v2_freezer_state(c, state, err);
	return error_set(err, "no freezer: neither a v1 freezer controller nor cgroup2 is mounted");
}

int cgroup_count_procs(struct cgroup_ctx *c, size_t *n, struct lxc_error *err)
{
	struct cgroup_hier *h = c->unified >= 0 ? &c->h[c->unified] : (c->n ? &c->h[0] : NULL);
	int fd;

	*n = 0;
	if (!h)
		return error_set(err, "no cgroup hierarchies are mounted");
	fd = cgroup_hier_fd(h, CG_LIMIT, err);
	if (fd < 0)
		return -1;
	{
		_cleanup_free_ pid_t *pids = NULL;

		if (cgroup_tree_pids(fd, &pids, n, err) < 0)
			return -1;
	}
	return 0;
}

/* A frozen v1 task does not die before it is thawed. */
static void thaw_v1(struct cgroup_hier *fr, const char *rel)
{
	_cleanup_free_ char *path = cgroup_hier_path(fr, rel);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0 && file_write_str_at(fd, "freezer.state", "THAWED", NULL) < 0)
		DEBUG("cgroup: cannot thaw \"%s\"", path);
}

/* Kill everything in the tree at dirfd and wait until it is empty. */
static int hier_kill(struct cgroup_hier *h, int dirfd, struct lxc_error *err)
{
	if (h->version == 2)
		return cgroup_v2_kill(dirfd, h->mnt, 10000, err);
	return cgroup_v1_kill(dirfd, h->mnt, 10000, err);
}

/* ---- destroy ----------------------------------------------------------------------------- */

/* Is the calling process in rel (or below) in this hierarchy? */
static bool self_inside(const struct cgroup_hier *h, const char *self_cg, const char *rel)
{
	_cleanup_free_ char *mine = cgroup_proc_lookup(self_cg, h->version == 2 ? "" : h->ctrl_str);
	const char *below;

	if (!mine || !(below = cgroup_path_below_root(mine, h->mnt_root)))
		return false;
	return cgroup_rel_under(below, rel);
}

/* Move the caller out of the monitor cgroup so that it can be removed. */
static int monitor_pivot(struct cgroup_ctx *c, struct cgroup_hier *h, struct lxc_error *err)
{
	_cleanup_free_ char *rel = NULL, *path = NULL;
	_cleanup_close_ int fd = -1;

	if (c->monitor_pivot)
		rel = cgroup_join_rel(h->base, c->monitor_pivot);
	else if (h->version == 1 || !*h->base)
		rel = xstrdup(h->base);
	else
		rel = cgroup_join_rel(h->base, "lxc.pivot"); /* v2: processes only in leaves */
	if (strcmp(rel, h->base) == 0 && hier_base_fd(h) >= 0)
		return hier_move(h, h->base_fd, 0, err);
	path = cgroup_hier_path(h, rel);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		/* only a pivot cgroup of our own may be missing */
		if (mkdir_p(path, 0755, err) < 0)
			return -1;
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0)
		return error_sys(err, errno, "failed to open cgroup \"%s\"", path);
	return hier_move(h, fd, 0, err);
}

static void keep_first(struct lxc_error *err, int *ret, const struct lxc_error *e)
{
	if (*ret == 0 && err)
		*err = *e;
	*ret = -1;
}

int cgroup_destroy(struct cgroup_ctx *c, struct lxc_error *err)
{
	_cleanup_free_ char *self_cg = NULL;
	int ret = 0;

	{
		struct cgroup_hier *fr = cgroup_find_ctrl(c, "freezer");

		if (fr && fr->rel[CG_LIMIT])
			thaw_v1(fr, fr->rel[CG_LIMIT]);
	}
	if (c->bpf_fd >= 0) {
		close(c->bpf_fd);
		c->bpf_fd = -1;
	}
	c->devs_active = false;
	cgroup_stats_close(c);
	/* Usually init has died and taken its pid namespace along: the cgroups are empty and
	 * removing them is all there is to do. Only a cgroup still busy gets its tasks
	 * killed (a task may sit in different cgroups per hierarchy) before a second try. */
	for (size_t i = 0; i < c->n; i++) {
		struct cgroup_hier *h = &c->h[i];
		struct lxc_error e = { 0 };
		int fd;

		if (!h->rel[CG_LIMIT])
			continue;
		hier_close_fds(h);
		if (hier_remove(h, h->rel[CG_LIMIT], h->top[CG_LIMIT], &e) == 0) {
			hier_forget(h, CG_LIMIT), hier_forget(h, CG_PAYLOAD);
			continue;
		}
		if (e.code != EBUSY && e.code != ENOTEMPTY) {
			keep_first(err, &ret, &e);
			continue;
		}
		error_clear(&e);
		fd = cgroup_hier_fd(h, CG_LIMIT, &e);
		if (fd >= 0 && hier_kill(h, fd, &e) == 0) {
			hier_close_fds(h);
			if (hier_remove(h, h->rel[CG_LIMIT], h->top[CG_LIMIT], &e) == 0) {
				hier_forget(h, CG_LIMIT), hier_forget(h, CG_PAYLOAD);
				continue;
			}
		}
		hier_close_fds(h);
		keep_first(err, &ret, &e);
	}
	if (file_read("/proc/self/cgroup", &self_cg, NULL, NULL) < 0)
		self_cg = xstrdup("");
	for (size_t i = 0; i < c->n; i++) {
		struct cgroup_hier *h = &c->h[i];
		struct lxc_error e = { 0 };

		if (!h->rel[CG_MONITOR])
			continue;
		hier_close_fds(h);
		if (self_inside(h, self_cg, h->rel[CG_MONITOR]) && monitor_pivot(c, h, &e) < 0) {
			error_prefix(&e, "failed to leave the monitor cgroup in %s", h->mnt);
			keep_first(err, &ret, &e);
			continue;
		}
		if (hier_remove(h, h->rel[CG_MONITOR], h->top[CG_MONITOR], &e) < 0)
			keep_first(err, &ret, &e);
		else
			hier_forget(h, CG_MONITOR);
	}
	return ret;
}

/* ---- crash cleanup --------------------------------------------------------------------- */

/* Could a leftover named cand (leaf of name, maybe "-N") belong to another container? It
 * does when the leaf is "lxc.payload.OTHER" and OTHER exists in lxcpath. */
static bool maybe_other_container(const char *leaf, const char *prefix, const char *name, int idx,
				  const char *lxcpath)
{
	_cleanup_free_ char *other = NULL, *cfg = NULL;
	const char *dash;

	if (!lxcpath || !str_starts_with(leaf, prefix))
		return false;
	other = idx ? xasprintf("%s-%d", name, idx) : xstrdup(name);
	if (idx) {
		cfg = xasprintf("%s/%s/config", lxcpath, other);
		return path_exists(cfg);
	}
	/* NAME itself may be "OTHER-N": OTHER's monitor may have picked that suffix */
	dash = strrchr(name, '-');
	if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1)) {
		_cleanup_free_ char *base = xstrndup(name, dash - name);

		cfg = xasprintf("%s/%s/config", lxcpath, base);
		return path_exists(cfg);
	}
	return false;
}

static int cleanup_one(struct cgroup_ctx *c, const char *cand, struct lxc_error *err)
{
	bool busy = false;
	int ret = 0;

	for (size_t i = 0; i < c->n; i++) {
		_cleanup_free_ char *rel = cgroup_join_rel(c->h[i].base, cand), *path = cgroup_hier_path(&c->h[i], rel);
		_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		bool has = false;

		if (fd >= 0 && cgroup_tree_has_procs(fd, &has, NULL) == 0 && has)
			busy = true;
	}
	if (busy && cgroup_find_ctrl(c, "freezer")) {
		struct cgroup_hier *fr = cgroup_find_ctrl(c, "freezer");
		_cleanup_free_ char *rel = cgroup_join_rel(fr->base, cand);

		thaw_v1(fr, rel);
	}
	for (size_t i = 0; i < c->n; i++) {
		struct cgroup_hier *h = &c->h[i];
		_cleanup_free_ char *rel = cgroup_join_rel(h->base, cand), *path = cgroup_hier_path(h, rel);
		_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		struct lxc_error e = { 0 };

		if (fd < 0)
			continue;
		if (busy && hier_kill(h, fd, &e) < 0) {
			keep_first(err, &ret, &e);
			continue;
		}
		WARN("cgroup: removing leftover cgroup \"%s\"", path);
		if (hier_remove(h, rel, NULL, &e) < 0)
			keep_first(err, &ret, &e);
	}
	return ret;
}

int cgroup_cleanup_stale(const char *name, const struct lxc_sysconf *sc, const struct lxc_conf *conf,
			 struct lxc_error *err)
{
	struct cgroup_ctx *c = NULL;
	const char *lxcpath = sc ? sc->lxcpath : NULL;
	int ret = 0;

	if (cgroup_ctx_new(&c, name, conf, sc, err) < 0)
		return -1;
	for (int role = CG_LIMIT; role < CG_ROLES; role++) {
		const char *full = role == CG_LIMIT ? c->limit_name : c->monitor_name;
		const char *leaf = strrchr(full, '/') ? strrchr(full, '/') + 1 : full;
		const char *prefix = role == CG_LIMIT ? "lxc.payload." : "lxc.monitor.";
		struct strlist cands = { 0 };

		if (role == CG_PAYLOAD)
			continue;
		strlist_push(&cands, full);
		if (c->retry) {
			/* "-N" variants of the leaf, in any hierarchy */
			for (size_t i = 0; i < c->n; i++) {
				_cleanup_free_ char *dir_rel = NULL, *dir = NULL;
				_cleanup_closedir_ DIR *d = NULL;
				struct dirent *de;
				size_t dl = strlen(full) - strlen(leaf);

				dir_rel = cgroup_join_rel(c->h[i].base, dl ? xstrndup(full, dl - 1) : "");
				dir = cgroup_hier_path(&c->h[i], dir_rel);
				d = opendir(dir);
				while (d && (de = readdir(d))) {
					const char *suf = de->d_name + strlen(leaf);
					_cleanup_free_ char *cand = NULL;

					if (!str_starts_with(de->d_name, leaf) || suf[0] != '-' || !suf[1] ||
					    strspn(suf + 1, "0123456789") != strlen(suf + 1))
						continue;
					cand = dl ? xasprintf("%.*s%s", (int)dl, full, de->d_name) : xstrdup(de->d_name);
					if (!strlist_contains(&cands, cand))
						strlist_push(&cands, cand);
				}
			}
		}
		for (size_t k = 0; k < cands.len; k++) {
			const char *cand = cands.items[k];
			const char *cleaf = strrchr(cand, '/') ? strrchr(cand, '/') + 1 : cand;
			int idx = 0;
			struct lxc_error e = { 0 };

			if (strlen(cleaf) > strlen(leaf))
				str_to_int(cleaf + strlen(leaf) + 1, &idx);
			if (maybe_other_container(leaf, prefix, name, idx, lxcpath)) {
				INFO("cgroup: leaving \"%s\": it may belong to another container", cand);
				continue;
			}
			if (cleanup_one(c, cand, &e) < 0)
				keep_first(err, &ret, &e);
		}
		strlist_clear(&cands);
	}
	cgroup_ctx_free(c);
	return ret;
}

/* ---- info -------------------------------------------------------------------------------- */

size_t cgroup_hier_count(const struct cgroup_ctx *c)
{
	return c->n;
}

int cgroup_hier_get(const struct cgroup_ctx *c, size_t i, struct cgroup_hier_info *info)
{
	const struct cgroup_hier *h;

	if (i >= c->n)
		return -1;
	h = &c->h[i];
	info->version = h->version;
	info->controllers = h->ctrl_str;
	info->mountpoint = h->mnt;
	info->limit = h->cg[CG_LIMIT];
	info->payload = h->cg[CG_PAYLOAD];
	info->monitor = h->cg[CG_MONITOR];
	return 0;
}

int cgroup_unified_fd(struct cgroup_ctx *c, enum cgroup_which which)
{
	if (c->unified < 0)
		return -1;
	return cgroup_hier_fd(&c->h[c->unified], which == CGROUP_MONITOR ? CG_MONITOR : CG_PAYLOAD, NULL);
}
