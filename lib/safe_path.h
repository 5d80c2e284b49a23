/* Opening and creating paths inside a container's rootfs without ever leaving it
 * (CVE-2015-1335, CVE-2021-30465): openat2(RESOLVE_IN_ROOT) with an O_NOFOLLOW walk fallback. */
#ifndef LXC_SAFE_PATH_H
#define LXC_SAFE_PATH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Paths are taken relative to root->fd whether or not they start with '/'. Symlinks are
 * resolved as if root->fd were "/" (an absolute link or ".." never leaves it) and magic links
 * (/proc/PID/fd/N, /proc/PID/root) are refused. On kernels without openat2 (< 5.6, or a
 * seccomp filter returning ENOSYS/EPERM) the fallback refuses every symlink and "..".
 *
 * Errors: -1, errno set, err->code = errno, err->msg the cause only ("No such file or
 * directory", or "\"/proc\" is a symbolic link (to \"/tmp\"), refusing to follow it" with the
 * component named); the caller prefixes what it was doing and on which path. */

/* The root: its fd (not owned) and, read once, its /proc/self/fd path for the inside check. */
struct safe_root {
	int fd;
	size_t len;              /* strlen(path); 0 when /proc is not mounted */
	char path[PATH_MAX];
};

void safe_root_init(struct safe_root *root, int fd);

enum {
	SAFE_PATH_NO_SYMLINKS = 1u << 0, /* refuse every symlink, even one that stays inside */
	SAFE_PATH_NO_OPENAT2 = 1u << 1,  /* use the fallback walk (tests) */
};

/* open() path inside root; oflags as for openat (O_CLOEXEC is added). The result is
 * checked to really be inside root (safe_path_check_inside). */
int safe_path_open(const struct safe_root *root, const char *path, int oflags, unsigned sflags, struct lxc_error *err);

/* mkdir -p inside root (modes are passed to mkdirat as given, so subject to the umask);
 * returns an O_PATH fd on the directory. An existing directory is fine. */
int safe_path_mkdir(const struct safe_root *root, const char *path, mode_t mode, unsigned sflags, struct lxc_error *err);

/* Create path as an empty regular file unless something is already there (its parent
 * directories too); returns an O_PATH fd on what is there. A dangling symlink is refused. */
int safe_path_create_file(const struct safe_root *root, const char *path, mode_t mode, unsigned sflags,
			  struct lxc_error *err);

/* Open the directory holding path's last component (creating it and its parents when
 * create is true) and point *name at that component inside path. Refuses paths whose last
 * component is empty, "." or "..". */
int safe_path_open_parent(const struct safe_root *root, const char *path, bool create, const char **name,
			  unsigned sflags, struct lxc_error *err);

/* Whether fd still lies inside root (a rename may have moved it out since it was opened):
 * compares /proc/self/fd paths, or walks ".." when /proc is not mounted (directories only:
 * a file is then trusted to the resolution). 0 when inside. */
int safe_path_check_inside(const struct safe_root *root, int fd, struct lxc_error *err);

#endif
