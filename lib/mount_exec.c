/* Executing a mount plan: one loop, every target opened inside the rootfs and mounted
 * through its fd; plus the bind-by-fd primitive for the runtime's ttys and the host half of shmounts. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "log.h"
#include "mount.h"
#include "mount_syscall.h"
#include "safe_path.h"
#include "utils.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

struct exec_state {
	const struct mount_exec_ctx *ctx;
	struct safe_root root;   /* the rootfs fd and its path, read once per plan */
	const struct mount_op *op;
	char path[PATH_MAX];     /* the op's target as the user sees it on the host */
	/* The directory of the last mknod/symlink/touch: runs of them in /dev share one
	 * resolution. Dropped by every op that mounts (it could cover the directory). */
	int parent_fd;
	unsigned parent_flags;
	char parent[PATH_MAX];
};

/* err = just the cause; the caller prefixes what failed and where. */
static int set_cause(struct lxc_error *err, int code)
{
	error_set(err, "%s", strerror(code));
	if (err)
		err->code = code;
	errno = code;
	return -1;
}

static unsigned safe_flags(const struct mount_op *op)
{
	return (op->opts & MOUNT_OPT_NO_SYMLINKS) ? SAFE_PATH_NO_SYMLINKS : 0;
}

static const char *host_path(const struct mount_exec_ctx *ctx, const char *in_rootfs, char *buf, size_t size)
{
	const char *root = ctx->rootfs_display ? ctx->rootfs_display : "";
	size_t len = strlen(root);

	while (len && root[len - 1] == '/')
		len--;
	snprintf(buf, size, "%.*s/%s", (int)len, root, in_rootfs);
	return buf;
}

/* Attributes on the mount fd refers to (its root); recursively with MS_REC in flags. */
static int set_attrs(int fd, unsigned long set, unsigned long clear)
{
	struct mount_attr_args a;

	mount_attr_from_flags(set, clear, &a);
	if (!a.attr_set && !a.attr_clr)
		return 0;
	return mount_sys_setattr(fd, "", AT_EMPTY_PATH | ((set & MS_REC) ? AT_RECURSIVE : 0), &a);
}

static int set_propagation(int fd, unsigned long propagation)
{
	struct mount_attr_args a = { .propagation = propagation & ~(unsigned long)MS_REC };

	if (!propagation)
		return 0;
	return mount_sys_setattr(fd, "", AT_EMPTY_PATH | ((propagation & MS_REC) ? AT_RECURSIVE : 0), &a);
}

/* The target of a mount or bind, created first when the op asks for it. */
static int open_target(struct exec_state *st, bool dir, struct lxc_error *err)
{
	const struct mount_op *op = st->op;
	const struct safe_root *root = &st->root;

	if (op->opts & MOUNT_OPT_CREATE_DIR)
		return safe_path_mkdir(root, op->target, 0755, safe_flags(op), err);
	if (op->opts & MOUNT_OPT_CREATE_FILE)
		return safe_path_create_file(root, op->target, 0644, safe_flags(op), err);
	return safe_path_open(root, op->target, O_PATH | (dir ? O_DIRECTORY : 0), safe_flags(op), err);
}

static void drop_parent(struct exec_state *st)
{
	closep(&st->parent_fd);
	st->parent_fd = -1;
}

/* The (created if missing) directory of op->target, borrowed: the caller must not close it. */
static int open_parent(struct exec_state *st, const char **name, struct lxc_error *err)
{
	const char *target = st->op->target, *slash = strrchr(target, '/');
	size_t len = slash ? (size_t)(slash - target) : 0;
	unsigned flags = safe_flags(st->op);

	if (st->parent_fd >= 0 && flags == st->parent_flags && strlen(st->parent) == len &&
	    strncmp(st->parent, target, len) == 0 && slash && slash[1] && strcmp(slash + 1, ".") != 0 &&
	    strcmp(slash + 1, "..") != 0) {
		*name = slash + 1;
		return st->parent_fd;
	}
	drop_parent(st);
	st->parent_fd = safe_path_open_parent(&st->root, target, true, name, flags, err);
	if (st->parent_fd >= 0 && len < sizeof(st->parent)) {
		memcpy(st->parent, target, len);
		st->parent[len] = '\0';
		st->parent_flags = flags;
	} else if (st->parent_fd >= 0) {
		st->parent[0] = '\0';
		st->parent_flags = ~0u; /* too long to remember: never matches */
	}
	return st->parent_fd;
}

static int exec_mount(struct exec_state *st, struct lxc_error *err)
{
	const struct mount_op *op = st->op;
	_cleanup_close_ int target = -1, mounted = -1;
	int rc;

	target = open_target(st, true, err);
	if (target < 0)
		goto fail;
	/* mount(2) on "." after fchdir: the kernel mounts on exactly the directory we opened */
	if (fchdir(target) < 0) {
		error_sys(err, errno, "fchdir");
		goto fail;
	}
	rc = mount(op->source, ".", op->fstype, op->flags, op->data);
	if (rc < 0 && errno == EINVAL && op->data_fallback) {
		TRACE("mounting %s on %s again without the options the kernel refused", op->fstype, st->path);
		rc = mount(op->source, ".", op->fstype, op->flags, op->data_fallback);
	}
	if (rc < 0) {
		set_cause(err, errno);
		goto fail;
	}
	if (op->propagation) {
		/* "." still names the covered directory: look the path up again to get the new mount */
		mounted = safe_path_open(&st->root, op->target, O_PATH, safe_flags(op), err);
		if (mounted < 0)
			goto fail;
		if (set_propagation(mounted, op->propagation) < 0) {
			error_sys(err, errno, "cannot set its propagation");
			goto fail;
		}
	}
	return 0;
fail:
	return error_prefix(err, "failed to mount \"%s\" on \"%s\"", op->source, st->path);
}

static int exec_bind(struct exec_state *st, struct lxc_error *err)
{
	const struct mount_op *op = st->op;
	unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((op->flags & MS_REC) ? AT_RECURSIVE : 0);
	_cleanup_close_ int source = -1, tree = -1, target = -1;
	char source_path[PATH_MAX];
	const char *shown = op->source;

	if (op->opts & MOUNT_OPT_SOURCE_IN_ROOTFS) {
		shown = host_path(st->ctx, op->source, source_path, sizeof(source_path));
		source = safe_path_open(&st->root, op->source, O_PATH, safe_flags(op), err);
		if (source < 0 && errno == ENOENT && (op->opts & MOUNT_OPT_SKIP_MISSING)) {
			TRACE("%s does not exist: nothing to bind", shown);
			return 0;
		}
	}
	/* the target first, as LXC: an optional entry whose source is missing still gets
	 * its create=dir|file (a rootfs prepared for a device that comes later) */
	target = open_target(st, false, err);
	if (target < 0)
		goto fail;
	if (op->opts & MOUNT_OPT_SOURCE_IN_ROOTFS) {
		if (source < 0)
			goto fail;
		tree = mount_sys_open_tree(source, "", tree_flags | AT_EMPTY_PATH);
	} else {
		tree = mount_sys_open_tree(AT_FDCWD, op->source, tree_flags);
	}
	if (tree < 0) {
		set_cause(err, errno);
		goto fail;
	}
	/* attributes go on the detached copy: it is never visible with the wrong ones */
	if (set_attrs(tree, op->flags, op->clear) < 0) {
		error_sys(err, errno, "cannot set mount attributes");
		goto fail;
	}
	if (mount_sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		set_cause(err, errno);
		goto fail;
	}
	/* tree now names the attached mount */
	if (set_propagation(tree, op->propagation) < 0) {
		error_sys(err, errno, "cannot set its propagation");
		goto fail;
	}
	return 0;
fail:
	return error_prefix(err, "failed to bind-mount \"%s\" on \"%s\"", shown, st->path);
}

static int exec_remount(struct exec_state *st, struct lxc_error *err)
{
	const struct mount_op *op = st->op;
	_cleanup_close_ int fd = -1;

	fd = safe_path_open(&st->root, op->target, O_PATH, safe_flags(op), err);
	if (fd < 0)
		return error_prefix(err, "failed to change the mount flags of \"%s\"", st->path);
	if (set_attrs(fd, op->flags, op->clear) < 0 || set_propagation(fd, op->propagation) < 0)
		return error_sys(err, errno, "failed to change the mount flags of \"%s\"%s", st->path,
				 errno == EINVAL ? " (is it a mount point?)" : "");
	return 0;
}

static int exec_mkdir(struct exec_state *st, struct lxc_error *err)
{
	int fd = safe_path_mkdir(&st->root, st->op->target, st->op->mode, safe_flags(st->op), err);

	if (fd < 0)
		return error_prefix(err, "failed to create directory \"%s\"", st->path);
	close(fd);
	return 0;
}

/* mknod is refused in a user namespace: bind the host's node onto an empty file instead. */
static int bind_host_node(int parent, const char *name, const char *node, struct lxc_error *err)
{
	_cleanup_close_ int file = -1, tree = -1;

	file = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (file < 0)
		return error_sys(err, errno, "cannot create a file to bind \"%s\" onto", node);
	tree = mount_sys_open_tree(AT_FDCWD, node, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0 || mount_sys_move_mount(tree, "", file, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_sys(err, errno, "mknod refused and binding \"%s\" failed", node);
	return 0;
}

static int exec_mknod(struct exec_state *st, struct lxc_error *err)
{
	const struct mount_op *op = st->op;
	int parent;
	const char *name;

	parent = open_parent(st, &name, err);
	if (parent < 0)
		goto fail;
	if (mknodat(parent, name, op->mode, op->dev) == 0 || errno == EEXIST)
		return 0;
	if (errno == EPERM && op->source) {
		TRACE("mknod %s refused, binding %s instead", st->path, op->source);
		if (bind_host_node(parent, name, op->source, err) == 0)
			return 0;
		goto fail;
	}
	set_cause(err, errno);
fail:
	return error_prefix(err, "failed to create device node \"%s\"", st->path);
}

static int exec_symlink(struct exec_state *st, struct lxc_error *err)
{
	const struct mount_op *op = st->op;
	int parent;
	const char *name;
	struct stat sb;

	parent = open_parent(st, &name, err);
	if (parent < 0)
		goto fail;
	if (symlinkat(op->source, parent, name) == 0)
		return 0;
	if (errno != EEXIST) {
		set_cause(err, errno);
		goto fail;
	}
	if (!(op->opts & MOUNT_OPT_REPLACE))
		return 0; /* as LXC: what the rootfs has there stays */
	if (fstatat(parent, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	if (unlinkat(parent, name, 0) < 0 || symlinkat(op->source, parent, name) < 0) {
		error_sys(err, errno, "cannot replace it");
		goto fail;
	}
	return 0;
fail:
	return error_prefix(err, "failed to create symbolic link \"%s\" -> \"%s\"", st->path, op->source);
}

static int exec_touch(struct exec_state *st, struct lxc_error *err)
{
	const struct mount_op *op = st->op;
	_cleanup_close_ int fd = -1;
	const char *name;
	int parent;

	parent = open_parent(st, &name, err);
	if (parent < 0)
		return error_prefix(err, "failed to create \"%s\"", st->path);
	fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, op->mode);
	if (fd < 0 && errno != EEXIST)
		return error_sys(err, errno, "failed to create \"%s\"", st->path);
	return 0;
}

static int exec_op(struct exec_state *st, struct lxc_error *err)
{
	const struct mount_op *op = st->op;
	const struct mount_exec_ctx *ctx = st->ctx;

	switch (op->kind) {
	case MOUNT_OP_MOUNT:
		return exec_mount(st, err);
	case MOUNT_OP_BIND:
		return exec_bind(st, err);
	case MOUNT_OP_REMOUNT:
		return exec_remount(st, err);
	case MOUNT_OP_MKDIR:
		return exec_mkdir(st, err);
	case MOUNT_OP_MKNOD:
		return exec_mknod(st, err);
	case MOUNT_OP_SYMLINK:
		return exec_symlink(st, err);
	case MOUNT_OP_TOUCH:
		return exec_touch(st, err);
	case MOUNT_OP_CGROUP:
		if (!ctx->cgroup_mount)
			return error_set(err, "lxc.mount.auto asks for cgroup mounts but the runtime gave no cgroup mounter");
		if (ctx->cgroup_mount(ctx->data, ctx->rootfs_fd, op->cgroup_flags, err) < 0)
			return error_prefix(err, "lxc.mount.auto cgroup");
		return 0;
	case MOUNT_OP_HOOK:
		if (!ctx->run_hook)
			return error_set(err, "lxc.hook.%s is set but the runtime gave no hook runner", op->source);
		return ctx->run_hook(ctx->data, op->source, err);
	}
	return error_set(err, "unknown mount operation %d", (int)op->kind);
}

/* Filesystems that need no device: mounting them opens nothing the devices cgroup rules. */
static bool fstype_without_device(const char *type)
{
	static const char *const types[] = {
		"proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", "securityfs", "debugfs",
		"tracefs", "fusectl", "configfs", "hugetlbfs", "bpf", "ramfs", "binfmt_misc", "pstore",
		"efivarfs", "overlay",
	};

	for (size_t i = 0; type && i < ARRAY_SIZE(types); i++)
		if (!strcmp(type, types[i]))
			return true;
	return false;
}

size_t mount_plan_host_barrier(const struct mount_plan *plan, bool cgroups_inert)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct mount_op *op = &plan->ops[i];

		if (op->kind == MOUNT_OP_HOOK || op->kind == MOUNT_OP_MKNOD ||
		    (op->kind == MOUNT_OP_CGROUP && !cgroups_inert) ||
		    (op->kind == MOUNT_OP_MOUNT && !fstype_without_device(op->fstype)))
			return i;
	}
	return plan->n;
}

int mount_plan_exec(const struct mount_plan *plan, const struct mount_exec_ctx *ctx, struct lxc_error *err)
{
	return mount_plan_exec_range(plan, ctx, 0, plan->n, err);
}

int mount_plan_exec_range(const struct mount_plan *plan, const struct mount_exec_ctx *ctx, size_t from,
			  size_t to, struct lxc_error *err)
{
	struct exec_state st = { .ctx = ctx, .parent_fd = -1 };
	mode_t old_umask = umask(0); /* modes in the plan are meant literally (dev/shm 1777) */
	int rc = 0;

	safe_root_init(&st.root, ctx->rootfs_fd);
	for (size_t i = from; i < to && i < plan->n; i++) {
		st.op = &plan->ops[i];
		host_path(ctx, st.op->target, st.path, sizeof(st.path));
		if (log_enabled(LOG_LEVEL_TRACE)) {
			char buf[1024];

			TRACE("mount op %zu: %s", i + 1, mount_op_describe(st.op, buf, sizeof(buf)));
		}
		if (st.op->kind != MOUNT_OP_MKNOD && st.op->kind != MOUNT_OP_SYMLINK && st.op->kind != MOUNT_OP_TOUCH &&
		    st.op->kind != MOUNT_OP_MKDIR)
			drop_parent(&st);
		if (exec_op(&st, err) == 0)
			continue;
		if (st.op->line)
			error_prefix(err, "%s", st.op->origin);
		if (st.op->opts & MOUNT_OPT_OPTIONAL) {
			INFO("skipping optional mount: %s", err ? err->msg : st.op->origin);
			error_clear(err);
			continue;
		}
		rc = -1;
		break;
	}
	drop_parent(&st);
	umask(old_umask);
	if (fchdir(ctx->rootfs_fd) < 0 && rc == 0)
		rc = error_sys(err, errno, "cannot change directory to the rootfs");
	return rc;
}

int mount_bind_fd(int src_fd, int rootfs_fd, const char *target_in_rootfs, unsigned long flags,
		  struct lxc_error *err)
{
	const char *shown = target_in_rootfs;
	_cleanup_close_ int tree = -1, target = -1;
	struct safe_root root;

	while (*shown == '/')
		shown++;
	tree = mount_sys_open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
					       ((flags & MS_REC) ? AT_RECURSIVE : 0));
	if (tree < 0)
		return error_sys(err, errno, "failed to bind-mount fd %d on \"/%s\"", src_fd, shown);
	safe_root_init(&root, rootfs_fd);
	target = safe_path_open(&root, target_in_rootfs, O_PATH, 0, err);
	if (target < 0)
		return error_prefix(err, "failed to bind-mount fd %d on \"/%s\"", src_fd, shown);
	if (set_attrs(tree, flags, 0) < 0 ||
	    mount_sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_sys(err, errno, "failed to bind-mount fd %d on \"/%s\"", src_fd, shown);
	return 0;
}

int mount_shmounts_host_setup(const char *host_path, struct lxc_error *err)
{
	struct stat st, parent_st;
	struct statfs sfs;
	_cleanup_free_ char *parent = NULL;

	if (!host_path || host_path[0] != '/')
		return error_set(err, "shmounts: \"%s\" is not an absolute path", host_path ? host_path : "");
	if (mkdir_p(host_path, 0711, err) < 0)
		return error_prefix(err, "shmounts");
	parent = xasprintf("%s/..", host_path);
	if (stat(host_path, &st) < 0 || stat(parent, &parent_st) < 0 || statfs(host_path, &sfs) < 0)
		return error_sys(err, errno, "shmounts: cannot inspect \"%s\"", host_path);
	/* a mount point already (from an earlier start): keep it and what is mounted below */
	if (st.st_dev == parent_st.st_dev || (unsigned long)sfs.f_type != (unsigned long)TMPFS_MAGIC) {
		if (mount("tmpfs", host_path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=100k,mode=0711") < 0)
			return error_sys(err, errno, "shmounts: failed to mount a tmpfs on \"%s\"", host_path);
	}
	if (mount(NULL, host_path, NULL, MS_SHARED, NULL) < 0)
		return error_sys(err, errno, "shmounts: failed to make \"%s\" shared", host_path);
	return 0;
}
