/* lxc.mount.auto = cgroup / cgroup-full: the container's /sys/fs/cgroup, made in its mount
 * namespace before pivot_root. Targets are opened below the rootfs without following symlinks. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "log.h"

enum cg_mode { CG_MODE_RO, CG_MODE_MIXED, CG_MODE_RW };

#define CG_MNT_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME)

static const char *fdpath(char buf[32], int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

/* Open (and with create, make) dir below dirfd, one component at a time, refusing
 * symlinks: O_DIRECTORY|O_NOFOLLOW fails on a symlink. Returns an O_PATH fd. */
static int open_below(int dirfd, const char *rel, bool create, const char *shown, struct lxc_error *err)
{
	struct strlist parts = { 0 };
	int cur = dup(dirfd);

	if (cur < 0)
		return error_sys(err, errno, "dup");
	strlist_split(&parts, rel, "/");
	for (size_t i = 0; i < parts.len; i++) {
		const char *comp = parts.items[i];
		int next;

		if (!strcmp(comp, ".") || !strcmp(comp, "..")) {
			close(cur);
			strlist_clear(&parts);
			return error_set(err, "\"%s\": \"..\" is not allowed", shown);
		}
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(cur, comp, 0755) < 0 && errno != EEXIST) {
				error_sys(err, errno, "failed to create \"%s\" (at \"%s\")", shown, comp);
				close(cur);
				strlist_clear(&parts);
				return -1;
			}
			next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			int saved = errno;

			close(cur);
			if (saved == ENOTDIR || saved == ELOOP)
				error_sys(err, saved, "refusing \"%s\": \"%s\" is a symlink or not a directory", shown, comp);
			else
				error_sys(err, saved, "failed to open \"%s\" (at \"%s\")", shown, comp);
			strlist_clear(&parts);
			return -1;
		}
		close(cur);
		cur = next;
	}
	strlist_clear(&parts);
	return cur;
}

static int do_mount(const char *src, int target_fd, const char *fstype, unsigned long flags, const char *data,
		    const char *shown, struct lxc_error *err)
{
	char buf[32];

	if (mount(src, fdpath(buf, target_fd), fstype, flags, data) < 0)
		return error_sys(err, errno, "failed to mount %s on \"%s\"", fstype ? fstype : "(bind)", shown);
	TRACE("cgroup: mounted %s on %s", fstype ? fstype : src, shown);
	return 0;
}

/* Bind src_fd onto parent/name; read-only when ro (a bind needs a remount for that, on
 * the new mount's root: reopen name so the fd points into the new mount). */
static int bind_at(int src_fd, int parent_fd, const char *name, bool ro, const char *shown, struct lxc_error *err)
{
	_cleanup_close_ int target = openat(parent_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int root = -1;
	char src[32];

	if (target < 0)
		return error_sys(err, errno, "failed to open \"%s\"", shown);
	if (do_mount(fdpath(src, src_fd), target, NULL, MS_BIND, NULL, shown, err) < 0)
		return -1;
	if (!ro)
		return 0;
	root = openat(parent_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return error_sys(err, errno, "failed to open \"%s\"", shown);
	return do_mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | CG_MNT_FLAGS, NULL, shown, err);
}

/* Remount the mount whose root is parent/name read-only. */
static int remount_ro(int parent_fd, const char *name, const char *shown, struct lxc_error *err)
{
	_cleanup_close_ int root = openat(parent_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (root < 0)
		return error_sys(err, errno, "failed to open \"%s\"", shown);
	return do_mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | CG_MNT_FLAGS, NULL, shown, err);
}

/* Bind the container's own cgroup (src_fd) at dir_fd/rel, creating the directories of
 * rel (in a tmpfs) or walking them (in a cgroupfs). */
static int bind_own(int src_fd, int dir_fd, const char *rel, bool create, bool ro, const char *shown,
		    struct lxc_error *err)
{
	const char *slash = strrchr(rel, '/');
	_cleanup_free_ char *parent_rel = slash ? xstrndup(rel, slash - rel) : xstrdup("");
	_cleanup_free_ char *where = xasprintf("%s/%s", shown, rel);
	_cleanup_close_ int parent = open_below(dir_fd, parent_rel, create, where, err);
	const char *leaf = slash ? slash + 1 : rel;

	if (parent < 0)
		return -1;
	if (create && mkdirat(parent, leaf, 0755) < 0 && errno != EEXIST)
		return error_sys(err, errno, "failed to create \"%s\"", where);
	return bind_at(src_fd, parent, leaf, ro, where, err);
}

static char *mount_opts(const struct cgroup_hier *h)
{
	/* named hierarchies ("name=systemd") mount with "none,name=..." */
	if (h->ctrls.len == 1 && str_starts_with(h->ctrls.items[0], "name="))
		return xasprintf("none,%s", h->ctrl_str);
	return xstrdup(h->ctrl_str);
}

/* One hierarchy at tmpfs_fd/name (or, for pure v2, the tmpfs itself when name is NULL). */
static int mount_hier(struct cgroup_ctx *c, struct cgroup_hier *h, int tmpfs_fd, const char *name, int src_fd,
		      enum cg_mode mode, bool full, bool cgns, const char *shown, struct lxc_error *err)
{
	_cleanup_close_ int dir = -1;
	const char *own = h->rel[CG_PAYLOAD];

	if (mkdirat(tmpfs_fd, name, 0755) < 0 && errno != EEXIST)
		return error_sys(err, errno, "failed to create \"%s\"", shown);
	dir = openat(tmpfs_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		return error_sys(err, errno, "failed to open \"%s\"", shown);
	if (cgns) {
		/* in a cgroup namespace a fresh mount shows the container's cgroup as its root */
		_cleanup_free_ char *opts = h->version == 1 ? mount_opts(h) : NULL;
		unsigned long flags = CG_MNT_FLAGS | (mode == CG_MODE_RO ? MS_RDONLY : 0);

		return do_mount(h->version == 2 ? "cgroup2" : "cgroup", dir, h->version == 2 ? "cgroup2" : "cgroup",
				flags, opts, shown, err);
	}
	if (full) {
		_cleanup_close_ int whole = open(h->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_close_ int inside = -1;

		if (whole < 0)
			return error_sys(err, errno, "failed to open \"%s\"", h->mnt);
		if (bind_at(whole, tmpfs_fd, name, mode != CG_MODE_RW, shown, err) < 0)
			return -1;
		if (mode != CG_MODE_MIXED)
			return 0;
		inside = openat(tmpfs_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (inside < 0)
			return error_sys(err, errno, "failed to open \"%s\"", shown);
		return bind_own(src_fd, inside, own, false, false, shown, err);
	}
	/* only the path to the container's cgroup, as plain tmpfs directories */
	if (mode != CG_MODE_RW) {
		_cleanup_close_ int self = -1;

		if (bind_at(dir, tmpfs_fd, name, false, shown, err) < 0)
			return -1;
		self = openat(tmpfs_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (self < 0)
			return error_sys(err, errno, "failed to open \"%s\"", shown);
		close(dir);
		dir = steal_fd(self);
	}
	if (bind_own(src_fd, dir, own, true, mode == CG_MODE_RO, shown, err) < 0)
		return -1;
	(void)c;
	return mode == CG_MODE_RW ? 0 : remount_ro(tmpfs_fd, name, shown, err);
}

static void link_comounted(int tmpfs_fd, const struct cgroup_hier *h, const char *name)
{
	for (size_t i = 0; h->version == 1 && h->ctrls.len > 1 && i < h->ctrls.len; i++) {
		const char *ctrl = h->ctrls.items[i];

		if (str_starts_with(ctrl, "name=") || !strcmp(ctrl, name))
			continue;
		if (symlinkat(name, tmpfs_fd, ctrl) < 0 && errno != EEXIST)
			DEBUG("cgroup: cannot link /sys/fs/cgroup/%s: %s", ctrl, strerror(errno));
	}
}

#define CG_FULL_BITS (AUTO_CGROUP_FULL_RO | AUTO_CGROUP_FULL_MIXED | AUTO_CGROUP_FULL_RW | AUTO_CGROUP_FULL_NOSPEC)
#define CG_ANY_BITS (AUTO_CGROUP_RO | AUTO_CGROUP_MIXED | AUTO_CGROUP_RW | AUTO_CGROUP_NOSPEC | CG_FULL_BITS)

bool cgroup_mount_auto_inert(const struct cgroup_ctx *c, unsigned flags, bool have_cgroupns)
{
	if (!(flags & CG_ANY_BITS))
		return true;
	return have_cgroupns && !(flags & AUTO_CGROUP_FORCE) && c->sys_admin && c->layout != CGROUP_LAYOUT_UNIFIED;
}

int cgroup_mount_auto(struct cgroup_ctx *c, int rootfs_fd, unsigned flags, bool have_cgroupns, struct lxc_error *err)
{
	const unsigned full_bits = CG_FULL_BITS;
	const char *shown = "/sys/fs/cgroup";
	bool full = flags & full_bits, unified = c->layout == CGROUP_LAYOUT_UNIFIED;
	_cleanup_close_ int target = -1, tmpfs = -1;
	enum cg_mode mode;
	int *src = NULL;
	int ret = -1;

	if (!(flags & CG_ANY_BITS))
		return 0;
	if (flags & (AUTO_CGROUP_NOSPEC | AUTO_CGROUP_FULL_NOSPEC))
		mode = c->sys_admin ? CG_MODE_RW : CG_MODE_MIXED;
	else if (flags & (AUTO_CGROUP_RO | AUTO_CGROUP_FULL_RO))
		mode = CG_MODE_RO;
	else if (flags & (AUTO_CGROUP_RW | AUTO_CGROUP_FULL_RW))
		mode = CG_MODE_RW;
	else
		mode = CG_MODE_MIXED;
	/* LXC: with a cgroup namespace the container's init can mount cgroups itself, so
	 * only ":force", a container without CAP_SYS_ADMIN, or a pure v2 host get mounts */
	if (cgroup_mount_auto_inert(c, flags, have_cgroupns)) {
		INFO("cgroup: not mounting /sys/fs/cgroup: the container has a cgroup namespace and CAP_SYS_ADMIN");
		return 0;
	}
	target = open_below(rootfs_fd, "sys/fs/cgroup", true, shown, err);
	if (target < 0)
		return error_prefix(err, "lxc.mount.auto cgroup");
	if (have_cgroupns && unified) {
		unsigned long f = CG_MNT_FLAGS | (mode == CG_MODE_RO ? MS_RDONLY : 0);

		if (do_mount("cgroup2", target, "cgroup2", f, NULL, shown, err) < 0)
			return error_prefix(err, "lxc.mount.auto cgroup");
		return 0;
	}
	/* the container's own cgroups, opened while the host's paths are reachable */
	src = xmalloc((c->n ? c->n : 1) * sizeof(*src));
	for (size_t i = 0; i < c->n; i++)
		src[i] = -1;
	for (size_t i = 0; i < c->n && !have_cgroupns; i++) {
		_cleanup_free_ char *path = cgroup_hier_path(&c->h[i], c->h[i].rel[CG_PAYLOAD]);

		if (!c->h[i].rel[CG_PAYLOAD]) {
			error_set(err, "the container's cgroup in %s has not been created", c->h[i].mnt);
			goto out;
		}
		src[i] = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (src[i] < 0) {
			error_sys(err, errno, "failed to open \"%s\"", path);
			goto out;
		}
	}
	if (unified && full) {
		/* pure v2 without a cgroup namespace: /sys/fs/cgroup is the hierarchy itself */
		struct cgroup_hier *h = &c->h[c->unified];
		_cleanup_close_ int whole = open(h->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
		_cleanup_close_ int parent = open_below(rootfs_fd, "sys/fs", false, shown, err);
		_cleanup_close_ int inside = -1;

		if (whole < 0 || parent < 0 || bind_at(whole, parent, "cgroup", mode != CG_MODE_RW, shown, err) < 0)
			goto out;
		inside = open_below(rootfs_fd, "sys/fs/cgroup", false, shown, err);
		if (inside < 0 ||
		    (mode == CG_MODE_MIXED && bind_own(src[c->unified], inside, h->rel[CG_PAYLOAD], false, false, shown, err) < 0))
			goto out;
		ret = 0;
		goto out;
	}
	if (do_mount("cgroup", target, "tmpfs", CG_MNT_FLAGS, "size=10240k,mode=755", shown, err) < 0)
		goto out;
	tmpfs = open_below(rootfs_fd, "sys/fs/cgroup", false, shown, err);
	if (tmpfs < 0)
		goto out;
	if (unified) {
		/* pure v2, only the container's cgroup: the tmpfs plays the hierarchy */
		struct cgroup_hier *h = &c->h[c->unified];

		if (bind_own(src[c->unified], tmpfs, h->rel[CG_PAYLOAD], true, mode == CG_MODE_RO, shown, err) < 0)
			goto out;
		if (mode != CG_MODE_RW) {
			_cleanup_close_ int parent = open_below(rootfs_fd, "sys/fs", false, shown, err);

			if (parent < 0 || remount_ro(parent, "cgroup", shown, err) < 0)
				goto out;
		}
		ret = 0;
		goto out;
	}
	for (size_t i = 0; i < c->n; i++) {
		struct cgroup_hier *h = &c->h[i];
		const char *name = strrchr(h->mnt, '/') ? strrchr(h->mnt, '/') + 1 : h->mnt;
		_cleanup_free_ char *where = xasprintf("%s/%s", shown, name);

		if (!*name || !strcmp(name, ".") || !strcmp(name, "..")) {
			error_set(err, "cannot name the mount point for %s", h->mnt);
			goto out;
		}
		if (mount_hier(c, h, tmpfs, name, src[i], mode, full, have_cgroupns, where, err) < 0)
			goto out;
		link_comounted(tmpfs, h, name);
	}
	INFO("cgroup: mounted /sys/fs/cgroup (%s%s%s)", full ? "cgroup-full:" : "cgroup:",
	     mode == CG_MODE_RO ? "ro" : mode == CG_MODE_RW ? "rw" : "mixed", have_cgroupns ? ", cgroup namespace" : "");
	ret = 0;
out:
	for (size_t i = 0; src && i < c->n; i++)
		if (src[i] >= 0)
			close(src[i]);
	free(src);
	return ret < 0 ? error_prefix(err, "lxc.mount.auto cgroup") : 0;
}
