/* Opening and creating paths inside a container's rootfs without leaving it:
 * openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), or an O_NOFOLLOW walk on old kernels. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mount_syscall.h"
#include "safe_path.h"
#include "utils.h"

/* openat2 returns EAGAIN when a rename raced the lookup; retrying is the documented answer. */
#define OPENAT2_RETRIES 16
/* ".." steps taken by the /proc-less inside check before giving up. */
#define DOTDOT_MAX_DEPTH 256

static int fail(struct lxc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct lxc_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	errno = code;
	return -1;
}

static int fail_errno(struct lxc_error *err, int code)
{
	return fail(err, code, "%s", strerror(code));
}

static const char *skip_slashes(const char *p)
{
	while (*p == '/')
		p++;
	return p;
}

/* Next path component after *p, skipping slashes and "." components; false at the end. */
static bool next_component(const char **p, const char **start, size_t *len)
{
	for (;;) {
		const char *s = *p, *e;

		while (*s == '/')
			s++;
		if (!*s) {
			*p = s;
			return false;
		}
		for (e = s; *e && *e != '/'; e++)
			;
		*p = e;
		if (e - s == 1 && s[0] == '.')
			continue;
		*start = s;
		*len = (size_t)(e - s);
		return true;
	}
}

static int copy_name(char *name, const char *start, size_t len, struct lxc_error *err)
{
	if (len > NAME_MAX)
		return fail(err, ENAMETOOLONG, "component \"%.32s...\" is too long", start);
	memcpy(name, start, len);
	name[len] = '\0';
	return 0;
}

/* Walk path component by component with O_NOFOLLOW: used on kernels without openat2, and
 * to name the symlink that made a strict openat2 fail with ELOOP (explain_only). */
static int walk(int root_fd, const char *path, int oflags, bool explain_only, struct lxc_error *err)
{
	const char *rel = skip_slashes(path), *p = rel, *start;
	char name[NAME_MAX + 1];
	size_t len;
	int cur = -1, e;

	if (!next_component(&p, &start, &len)) {
		int fd = openat(root_fd, ".", oflags | O_CLOEXEC);

		return fd >= 0 ? fd : fail_errno(err, errno);
	}
	for (;;) {
		const char *q = p, *next_start = NULL;
		size_t next_len = 0;
		bool last = !next_component(&q, &next_start, &next_len);
		int prefix_len = (int)(start + len - rel);
		int dfd = cur >= 0 ? cur : root_fd, fd;
		struct stat st;

		if (copy_name(name, start, len, err) < 0)
			goto out;
		if (strcmp(name, "..") == 0) {
			if (explain_only) /* no symlink found before it: say what openat2 said */
				fail_errno(err, ELOOP);
			else
				fail(err, EXDEV, "\"..\" in \"/%s\" is not supported without openat2", rel);
			goto out;
		}
		fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			e = errno;
			if (explain_only)
				fail_errno(err, ELOOP);
			else if (last)
				fail_errno(err, e);
			else
				fail(err, e, "\"/%.*s\": %s", prefix_len, rel, strerror(e));
			goto out;
		}
		if (fstat(fd, &st) < 0) {
			fail_errno(err, errno);
			close(fd);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlinkat(dfd, name, target, sizeof(target) - 1);

			target[n > 0 ? n : 0] = '\0';
			close(fd);
			fail(err, ELOOP, "\"/%.*s\" is a symbolic link (to \"%s\"), refusing to follow it",
			     prefix_len, rel, target);
			goto out;
		}
		if (last) {
			if (explain_only) {
				close(fd);
				fail_errno(err, ELOOP);
				goto out;
			}
			if ((oflags & O_DIRECTORY) && !S_ISDIR(st.st_mode)) {
				close(fd);
				fail_errno(err, ENOTDIR);
				goto out;
			}
			if (!(oflags & O_PATH)) {
				/* the O_PATH probe saw no symlink; O_NOFOLLOW keeps it that way */
				close(fd);
				fd = openat(dfd, name, oflags | O_NOFOLLOW | O_CLOEXEC);
				if (fd < 0)
					fail_errno(err, errno);
			}
			e = errno;
			closep(&cur);
			errno = e;
			return fd;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			fail(err, ENOTDIR, "\"/%.*s\": %s", prefix_len, rel, strerror(ENOTDIR));
			goto out;
		}
		closep(&cur);
		cur = fd;
		start = next_start;
		len = next_len;
		p = q;
	}
out:
	e = errno;
	closep(&cur);
	errno = e;
	return -1;
}

static int open_resolved(int root_fd, const char *path, int oflags, unsigned sflags,
			 struct lxc_error *err)
{
	struct open_how how = {
		.flags = (unsigned long long)(oflags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
			   ((sflags & SAFE_PATH_NO_SYMLINKS) ? RESOLVE_NO_SYMLINKS : 0),
	};
	const char *rel = skip_slashes(path);
	int fd = -1;

	if (!(sflags & SAFE_PATH_NO_OPENAT2)) {
		for (int i = 0; i < OPENAT2_RETRIES; i++) {
			fd = mount_sys_openat2(root_fd, *rel ? rel : ".", &how);
			if (fd >= 0 || errno != EAGAIN)
				break;
		}
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM) {
			if (errno == ELOOP && (sflags & SAFE_PATH_NO_SYMLINKS))
				return walk(root_fd, path, oflags, true, err);
			return fail_errno(err, errno);
		}
	}
	/* no openat2 (kernel < 5.6, or a seccomp filter answering ENOSYS/EPERM) */
	return walk(root_fd, path, oflags, false, err);
}

static ssize_t fd_path(int fd, char *buf, size_t size)
{
	char link[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, size - 1);
	if (n <= 0 || (size_t)n >= size - 1 || buf[0] != '/')
		return -1;
	buf[n] = '\0';
	return n;
}

static int check_inside_dotdot(int root_fd, int fd, struct lxc_error *err)
{
	struct stat root_st, st, parent_st;
	int cur = -1;

	if (fstat(root_fd, &root_st) < 0 || fstat(fd, &st) < 0)
		return fail_errno(err, errno);
	/* a file cannot be walked up from without /proc; the resolution itself stayed inside */
	if (!S_ISDIR(st.st_mode))
		return 0;
	for (int depth = 0; depth < DOTDOT_MAX_DEPTH; depth++) {
		int parent;

		if (st.st_dev == root_st.st_dev && st.st_ino == root_st.st_ino) {
			closep(&cur);
			return 0;
		}
		parent = openat(cur >= 0 ? cur : fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (parent < 0) {
			int e = errno;

			closep(&cur);
			return fail_errno(err, e);
		}
		closep(&cur);
		cur = parent;
		if (fstat(cur, &parent_st) < 0) {
			int e = errno;

			closep(&cur);
			return fail_errno(err, e);
		}
		if (parent_st.st_dev == st.st_dev && parent_st.st_ino == st.st_ino)
			break; /* ".." of "/" is "/": reached the top without meeting root */
		st = parent_st;
	}
	closep(&cur);
	return fail(err, EXDEV, "the path lies outside the container's root");
}

void safe_root_init(struct safe_root *root, int fd)
{
	ssize_t n = fd_path(fd, root->path, sizeof(root->path));

	root->fd = fd;
	root->len = n > 0 ? (size_t)n : 0;
	if (!root->len)
		root->path[0] = '\0';
}

int safe_path_check_inside(const struct safe_root *root, int fd, struct lxc_error *err)
{
	char path[PATH_MAX];
	size_t rn = root->len;
	ssize_t pn;

	pn = rn ? fd_path(fd, path, sizeof(path)) : -1;
	if (pn > 0) {
		if (rn == 1) /* the root is "/" */
			return 0;
		if ((size_t)pn >= rn && memcmp(path, root->path, rn) == 0 && (path[rn] == '/' || !path[rn]))
			return 0;
		return fail(err, EXDEV, "resolved to \"%s\", outside the container's root \"%s\"", path, root->path);
	}
	return check_inside_dotdot(root->fd, fd, err);
}

int safe_path_open(const struct safe_root *root, const char *path, int oflags, unsigned sflags, struct lxc_error *err)
{
	int fd = open_resolved(root->fd, path, oflags, sflags, err);

	if (fd < 0)
		return -1;
	if (safe_path_check_inside(root, fd, err) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Name the component a failure happened on, unless the message already names a path. */
static int prefix_component(struct lxc_error *err, const char *prefix, const char *full)
{
	int e = errno;

	if (err && strcmp(prefix, full) != 0 && err->msg[0] != '"')
		error_prefix(err, "\"/%s\"", prefix);
	errno = e;
	return -1;
}

int safe_path_mkdir(const struct safe_root *root, const char *path, mode_t mode, unsigned sflags, struct lxc_error *err)
{
	const int root_fd = root->fd;
	const char *rel = skip_slashes(path), *p = rel, *start;
	char prefix[PATH_MAX], name[NAME_MAX + 1];
	bool created = false;
	int parent = -1, fd;
	size_t len;

	fd = safe_path_open(root, rel, O_PATH | O_DIRECTORY, sflags, err);
	if (fd >= 0 || (errno != ENOENT && errno != ENOTDIR)) /* ENOTDIR: the walk names the file */
		return fd;
	if (strlen(rel) >= sizeof(prefix))
		return fail(err, ENAMETOOLONG, "path \"%.64s...\" is too long", rel);
	while (next_component(&p, &start, &len)) {
		int dfd = parent >= 0 ? parent : root_fd;
		size_t plen = (size_t)(start + len - rel);

		memcpy(prefix, rel, plen);
		prefix[plen] = '\0';
		if (copy_name(name, start, len, err) < 0) {
			fd = -1;
		} else if (created) {
			/* below a directory made just now nothing can be a planted symlink, and
			 * O_NOFOLLOW refuses one made by a racer */
			if (mkdirat(dfd, name, mode) < 0 && errno != EEXIST)
				fd = fail_errno(err, errno);
			else if ((fd = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
				fail_errno(err, errno);
		} else {
			fd = safe_path_open(root, prefix, O_PATH | O_DIRECTORY, sflags, err);
			if (fd < 0 && errno == ENOENT) {
				if (strcmp(name, "..") == 0)
					fd = fail_errno(err, ENOENT);
				else if (mkdirat(dfd, name, mode) < 0 && errno != EEXIST)
					fd = fail_errno(err, errno);
				else
					fd = safe_path_open(root, prefix, O_PATH | O_DIRECTORY, sflags, err);
				created = fd >= 0;
			}
		}
		if (fd < 0) {
			int e = errno;

			closep(&parent);
			errno = e;
			return prefix_component(err, prefix, rel);
		}
		closep(&parent);
		parent = fd;
	}
	if (parent < 0) /* the path named the root itself, which exists */
		return safe_path_open(root, ".", O_PATH | O_DIRECTORY, sflags, err);
	return parent;
}

int safe_path_open_parent(const struct safe_root *root, const char *path, bool create, const char **name,
			  unsigned sflags, struct lxc_error *err)
{
	char dir[PATH_MAX];
	const char *rel = skip_slashes(path), *slash, *base;
	size_t dlen;

	slash = strrchr(rel, '/');
	base = slash ? slash + 1 : rel;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return fail(err, EINVAL, "\"/%s\" does not end in a file name", rel);
	dlen = slash ? (size_t)(slash - rel) : 0;
	if (dlen >= sizeof(dir))
		return fail(err, ENAMETOOLONG, "path \"%.64s...\" is too long", rel);
	memcpy(dir, rel, dlen);
	dir[dlen] = '\0';
	*name = base;
	if (create)
		return safe_path_mkdir(root, dir, 0755, sflags, err);
	return safe_path_open(root, dir, O_PATH | O_DIRECTORY, sflags, err);
}

int safe_path_create_file(const struct safe_root *root, const char *path, mode_t mode, unsigned sflags,
			  struct lxc_error *err)
{
	_cleanup_close_ int parent = -1;
	const char *name;
	struct stat st;
	int fd;

	fd = safe_path_open(root, path, O_PATH, sflags, err);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	parent = safe_path_open_parent(root, path, true, &name, sflags, err);
	if (parent < 0)
		return -1;
	fd = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno != EEXIST)
		return fail_errno(err, errno);
	closep(&fd);
	fd = safe_path_open(root, path, O_PATH, sflags, err);
	if (fd < 0 && errno == ENOENT && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return fail(err, ELOOP, "\"/%s\" is a dangling symbolic link", skip_slashes(path));
	return fd;
}
