/* The container's root filesystem: lxc.rootfs.{path,mount,options} parsed, mounted through
 * a storage backend (a directory here; storage/ modules add theirs), then pivot_root into it. */
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>

#include "log.h"
#include "mount.h"
#include "mount_syscall.h"
#include "utils.h"

#define ROOTFS_ATTR_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | \
			   MS_RELATIME | MS_STRICTATIME)

static int dir_mount(const char *spec, const char *target, unsigned long flags, const char *data,
		     struct lxc_error *err)
{
	_cleanup_close_ int dir = -1, tree = -1, mnt = -1;

	dir = open(spec, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return error_sys(err, errno, "lxc.rootfs.path: cannot open \"%s\"%s", spec,
				 errno == ENOTDIR ? " (images and block devices need a storage backend prefix)" : "");
	/* recursive, as LXC: mounts below the rootfs directory come along */
	tree = mount_sys_open_tree(dir, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
	if (tree < 0)
		return error_sys(err, errno, "failed to bind-mount the rootfs \"%s\"", spec);
	mnt = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (mnt < 0)
		return error_sys(err, errno, "lxc.rootfs.mount: cannot open \"%s\"", target);
	if (mount_sys_move_mount(tree, "", mnt, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return error_sys(err, errno, "failed to bind-mount the rootfs \"%s\" on \"%s\"", spec, target);
	return 0;
}

const struct rootfs_backend rootfs_backend_dir = {
	.name = "dir",
	.mount = dir_mount,
	.accepts_data = false,
	.is_dir = true,
};

/* Backends this build knows. A storage/ module adds its rootfs_backend here. */
static const struct rootfs_backend *const rootfs_backends[] = {
	&rootfs_backend_dir,
};

/* LXC's other prefixes: recognised, to say "not supported" rather than "unknown". */
static const char *const rootfs_foreign_backends[] = {
	"btrfs", "zfs", "lvm", "loop", "nbd", "overlay", "overlayfs", "aufs", "rbd", "blockdev",
};

static char *strip_trailing_slashes(const char *s)
{
	size_t len = strlen(s);

	while (len > 1 && s[len - 1] == '/')
		len--;
	return xstrndup(s, len);
}

static int parse_path(const char *path, struct rootfs *rootfs, struct lxc_error *err)
{
	const char *colon = strchr(path, ':');
	const char *spec = path;

	if (path[0] != '/' && colon) {
		size_t len = (size_t)(colon - path);

		for (size_t i = 0; i < ARRAY_SIZE(rootfs_backends); i++)
			if (strlen(rootfs_backends[i]->name) == len && strncmp(rootfs_backends[i]->name, path, len) == 0)
				rootfs->backend = rootfs_backends[i];
		if (!rootfs->backend) {
			for (size_t i = 0; i < ARRAY_SIZE(rootfs_foreign_backends); i++)
				if (strlen(rootfs_foreign_backends[i]) == len &&
				    strncmp(rootfs_foreign_backends[i], path, len) == 0)
					return error_set(err, "lxc.rootfs.path: the \"%.*s\" storage backend is not supported by this build",
							 (int)len, path);
			return error_set(err, "lxc.rootfs.path: unknown storage backend \"%.*s\" in \"%s\"", (int)len, path, path);
		}
		spec = colon + 1;
	} else {
		rootfs->backend = &rootfs_backend_dir;
	}
	if (rootfs->backend->is_dir && spec[0] != '/')
		return error_set(err, "lxc.rootfs.path: \"%s\" is not an absolute path", path);
	rootfs->spec = strip_trailing_slashes(spec);
	return 0;
}

static int parse_options(const char *text, struct rootfs *rootfs, struct lxc_error *err)
{
	struct mount_options o;

	if (mount_options_parse(text, &o, err) < 0)
		return error_prefix(err, "lxc.rootfs.options");
	if (o.opts || (o.flags & ~ROOTFS_ATTR_FLAGS)) {
		mount_options_free(&o);
		return error_set(err, "lxc.rootfs.options: \"%s\": only ro, nosuid, nodev, noexec, atime and propagation flags apply to the rootfs",
				 text);
	}
	if (o.data && !rootfs->backend->accepts_data) {
		error_set(err, "lxc.rootfs.options: \"%s\" is not a mount flag (a %s rootfs takes no filesystem options)",
			  o.data, rootfs->backend->name);
		mount_options_free(&o);
		return -1;
	}
	rootfs->attrs = o.flags;
	rootfs->propagation = o.propagation;
	rootfs->data = steal_ptr(o.data);
	return 0;
}

int rootfs_prepare(const struct lxc_conf *conf, struct rootfs *rootfs, struct lxc_error *err)
{
	memset(rootfs, 0, sizeof(*rootfs));
	rootfs->fd = -1;
	if (!conf->rootfs_path || !*conf->rootfs_path)
		return 0;
	if (parse_path(conf->rootfs_path, rootfs, err) < 0)
		goto fail;
	if (conf->rootfs_mount && *conf->rootfs_mount) {
		if (conf->rootfs_mount[0] != '/') {
			error_set(err, "lxc.rootfs.mount: \"%s\" is not an absolute path", conf->rootfs_mount);
			goto fail;
		}
		rootfs->mount_point = strip_trailing_slashes(conf->rootfs_mount);
	} else {
		rootfs->mount_point = xstrdup(rootfs->backend->is_dir ? rootfs->spec : ROOTFS_DEFAULT_MOUNT);
	}
	if (conf->rootfs_options && parse_options(conf->rootfs_options, rootfs, err) < 0)
		goto fail;
	return 0;
fail:
	rootfs_release(rootfs);
	return -1;
}

int rootfs_mount(struct rootfs *rootfs, struct lxc_error *err)
{
	struct mount_attr_args a = { .propagation = rootfs->propagation & ~(unsigned long)MS_REC };

	if (!rootfs->backend) {
		rootfs->fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		return rootfs->fd >= 0 ? 0 : error_sys(err, errno, "cannot open \"/\"");
	}
	if (strcmp(rootfs->mount_point, ROOTFS_DEFAULT_MOUNT) == 0 && mkdir_p(rootfs->mount_point, 0755, err) < 0)
		return error_prefix(err, "lxc.rootfs.mount");
	if (rootfs->backend->mount(rootfs->spec, rootfs->mount_point, rootfs->attrs, rootfs->data, err) < 0)
		return -1;
	rootfs->fd = open(rootfs->mount_point, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfs->fd < 0)
		return error_sys(err, errno, "cannot open the mounted rootfs \"%s\"", rootfs->mount_point);
	if (rootfs->propagation &&
	    mount_sys_setattr(rootfs->fd, "", AT_EMPTY_PATH | ((rootfs->propagation & MS_REC) ? AT_RECURSIVE : 0), &a) < 0)
		return error_sys(err, errno, "lxc.rootfs.options: cannot set the propagation of \"%s\"", rootfs->mount_point);
	DEBUG("rootfs \"%s\" mounted on \"%s\"", rootfs->spec, rootfs->mount_point);
	return 0;
}

static int apply_attrs(const struct rootfs *rootfs, struct lxc_error *err)
{
	struct mount_attr_args a;

	mount_attr_from_flags(rootfs->attrs, 0, &a);
	if (!a.attr_set && !a.attr_clr)
		return 0;
	if (mount_sys_setattr(rootfs->fd, "", AT_EMPTY_PATH, &a) < 0)
		return error_sys(err, errno, "lxc.rootfs.options: cannot apply them to \"%s\"", rootfs->mount_point);
	return 0;
}

/* Is our "/" the initramfs, the root mount of the mount namespace (its own parent in
 * mountinfo, type "rootfs")? pivot_root refuses to move that one (EINVAL). Read only after
 * pivot_root failed: the usual path needs no /proc. */
static bool root_is_initramfs(void)
{
	_cleanup_free_ char *text = NULL;

	if (file_read("/proc/self/mountinfo", &text, NULL, NULL) < 0)
		return false;
	for (char *line = text, *next; line && *line; line = next) {
		unsigned id, parent;
		int end = 0;
		const char *sep;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE SUPER" */
		if (sscanf(line, "%u %u %*s %*s %n", &id, &parent, &end) != 2 || !end || id != parent ||
		    strncmp(line + end, "/ ", 2) != 0)
			continue;
		sep = strstr(line + end, " - ");
		if (sep && str_starts_with(sep + 3, "rootfs "))
			return true;
	}
	return false;
}

/* The fallback for an initramfs "/", the only place we chroot: the rootfs mount is moved
 * over "/" and becomes our root (what switch_root does). The initramfs stays below it in
 * this mount namespace, unreachable: nothing of the host is mounted inside the container's
 * root, and as the moved mount covers the initramfs's own root directory, ".." from the
 * container's root finds no mountpoint to step onto, also after a chroot(2) into a
 * subdirectory (the classic escape; test/vm/initramfs.bats tries it). */
static int move_root(struct rootfs *rootfs, struct lxc_error *err)
{
	INFO("pivot_root is impossible with an initramfs as \"/\": moving \"%s\" onto \"/\" and chrooting into it",
	     rootfs->mount_point);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return error_sys(err, errno, "failed to move the rootfs \"%s\" onto \"/\" (initramfs root)",
				 rootfs->mount_point);
	if (chroot(".") < 0)
		return error_sys(err, errno, "failed to chroot into \"%s\"", rootfs->mount_point);
	if (chdir("/") < 0)
		return error_sys(err, errno, "cannot change directory to \"/\"");
	return 0;
}

int rootfs_pivot(struct rootfs *rootfs, struct lxc_error *err)
{
	if (!rootfs->backend)
		return 0;
	if (rootfs->fd < 0)
		return error_set(err, "rootfs_pivot: the rootfs is not mounted");
	if (apply_attrs(rootfs, err) < 0)
		return -1;
	if (fchdir(rootfs->fd) < 0)
		return error_sys(err, errno, "cannot change directory to \"%s\"", rootfs->mount_point);
	/* new root and old root stacked on "."; the old one is then detached. No chroot: nothing
	 * of the host's mount table stays reachable. */
	if (mount_sys_pivot_root(".", ".") < 0) {
		int saved = errno;

		if (saved == EINVAL && root_is_initramfs())
			return move_root(rootfs, err);
		return error_sys(err, saved, "failed to pivot_root into \"%s\"", rootfs->mount_point);
	}
	/* keep the detach from propagating to the host, whatever the runtime set up */
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return error_sys(err, errno, "cannot make the old root a slave mount");
	if (umount2(".", MNT_DETACH) < 0)
		return error_sys(err, errno, "cannot detach the old root");
	if (chdir("/") < 0)
		return error_sys(err, errno, "cannot change directory to \"/\"");
	return 0;
}

void rootfs_release(struct rootfs *rootfs)
{
	closep(&rootfs->fd);
	rootfs->fd = -1;
	free(rootfs->spec);
	free(rootfs->mount_point);
	free(rootfs->data);
	rootfs->spec = rootfs->mount_point = rootfs->data = NULL;
	rootfs->backend = NULL;
}
