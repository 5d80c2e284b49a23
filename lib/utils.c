/* Small helpers shared by every module.
 * Allocation aborts on exhaustion; everything else reports through struct lxc_error. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "utils.h"

static void out_of_memory(void)
{
	static const char msg[] = "lxc: out of memory\n";

	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do */
	}
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xzalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		out_of_memory();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		out_of_memory();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	return p;
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

char *str_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	*end = '\0';
	return s;
}

bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

int str_to_int64(const char *s, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s)
		return -1;
	*out = v;
	return 0;
}

int str_to_uint64(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || end == s)
		return -1;
	*out = v;
	return 0;
}

int str_to_int(const char *s, int *out)
{
	long long v;

	if (str_to_int64(s, &v) < 0 || v < INT_MIN || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

int str_to_uint(const char *s, unsigned int *out)
{
	unsigned long long v;

	if (str_to_uint64(s, &v) < 0 || v > UINT_MAX)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

void strlist_push_owned(struct strlist *l, char *s)
{
	if (l->len + 2 > l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->len++] = s;
	l->items[l->len] = NULL;
}

void strlist_push(struct strlist *l, const char *s)
{
	strlist_push_owned(l, xstrdup(s));
}

void strlist_clear(struct strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = l->cap = 0;
}

bool strlist_contains(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->len; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

void strlist_split(struct strlist *l, const char *s, const char *seps)
{
	while (*s) {
		size_t n;

		s += strspn(s, seps);
		n = strcspn(s, seps);
		if (n)
			strlist_push_owned(l, xstrndup(s, n));
		s += n;
	}
}

char *strlist_join(const struct strlist *l, const char *sep)
{
	size_t total = 1, seplen = strlen(sep);
	char *out, *p;

	for (size_t i = 0; i < l->len; i++)
		total += strlen(l->items[i]) + seplen;
	p = out = xmalloc(total);
	*p = '\0';
	for (size_t i = 0; i < l->len; i++) {
		size_t n = strlen(l->items[i]);

		if (i) {
			memcpy(p, sep, seplen);
			p += seplen;
		}
		memcpy(p, l->items[i], n);
		p += n;
	}
	*p = '\0';
	return out;
}

ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, (char *)buf + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

ssize_t write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(fd, (const char *)buf + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		done += r;
	}
	return done;
}

int file_read_at(int dirfd, const char *path, char **buf, size_t *len, struct lxc_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t cap = 4096, used = 0;
	char *data;

	if (fd < 0)
		return error_sys(err, errno, "failed to open \"%s\"", path);
	data = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (used + 1 >= cap) {
			cap *= 2;
			data = xrealloc(data, cap);
		}
		r = read(fd, data + used, cap - used - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int saved = errno;

			free(data);
			return error_sys(err, saved, "failed to read \"%s\"", path);
		}
		if (r == 0)
			break;
		used += r;
	}
	data[used] = '\0';
	*buf = data;
	if (len)
		*len = used;
	return 0;
}

int file_read(const char *path, char **buf, size_t *len, struct lxc_error *err)
{
	return file_read_at(AT_FDCWD, path, buf, len, err);
}

int file_write_str_at(int dirfd, const char *path, const char *s, struct lxc_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	size_t n = strlen(s);
	ssize_t r;

	if (fd < 0)
		return error_sys(err, errno, "failed to open \"%s\"", path);
	do
		r = write(fd, s, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return error_sys(err, errno, "failed to write \"%s\" to \"%s\"", s, path);
	if ((size_t)r != n)
		return error_set(err, "short write of \"%s\" to \"%s\"", s, path);
	return 0;
}

int file_write_str(const char *path, const char *s, struct lxc_error *err)
{
	return file_write_str_at(AT_FDCWD, path, s, err);
}

static int write_replace(const char *path, const char *data, size_t len, mode_t mode, bool durable,
			 struct lxc_error *err)
{
	_cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0)
		return error_sys(err, errno, "failed to create \"%s\"", tmp);
	if (write_full(fd, data, len) < 0 || (durable && fsync(fd) < 0)) {
		int saved = errno;

		close(fd);
		unlink(tmp);
		return error_sys(err, saved, "failed to write \"%s\"", tmp);
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		int saved = errno;

		unlink(tmp);
		return error_sys(err, saved, "failed to replace \"%s\"", path);
	}
	return 0;
}

int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode, struct lxc_error *err)
{
	return write_replace(path, data, len, mode, true, err);
}

int file_write_replace(const char *path, const char *data, size_t len, mode_t mode, struct lxc_error *err)
{
	return write_replace(path, data, len, mode, false, err);
}

int mkdir_p(const char *path, mode_t mode, struct lxc_error *err)
{
	_cleanup_free_ char *copy = xstrdup(path);

	for (char *p = copy + 1; ; p++) {
		char saved = *p;

		if (saved != '/' && saved != '\0')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return error_sys(err, errno, "failed to create directory \"%s\"", copy);
		*p = saved;
		if (saved == '\0')
			break;
	}
	if (!is_dir(path))
		return error_set(err, "\"%s\" exists and is not a directory", path);
	return 0;
}

static int remove_tree_at(int parent, const char *name, dev_t dev, struct lxc_error *err)
{
	struct stat st;
	int fd;
	DIR *dir;
	struct dirent *de;
	int ret = 0;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : error_sys(err, errno, "failed to stat \"%s\"", name);
	if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
			return error_sys(err, errno, "failed to remove \"%s\"", name);
		return 0;
	}
	if (st.st_dev != dev)
		return error_set(err, "refusing to remove \"%s\": it is on another file system (a mount?)", name);
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return error_sys(err, errno, "failed to open \"%s\"", name);
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return error_sys(err, errno, "failed to open \"%s\"", name);
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (remove_tree_at(dirfd(dir), de->d_name, dev, err) < 0) {
			ret = -1;
			break;
		}
	}
	closedir(dir);
	if (ret == 0 && unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return error_sys(err, errno, "failed to remove directory \"%s\"", name);
	return ret;
}

int remove_tree(const char *path, struct lxc_error *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error_sys(err, errno, "failed to stat \"%s\"", path);
	if (remove_tree_at(AT_FDCWD, path, st.st_dev, err) < 0)
		return error_prefix(err, "failed to remove \"%s\"", path);
	return 0;
}

bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* close_range(2) (Linux 5.9) over the gaps between the kept fds: a call per gap, where the
 * /proc/self/fd scan makes one per open fd. False when the kernel has none. */
static bool close_gaps(int from, const int *keep, size_t nkeep)
{
	unsigned sorted[8], lo = (unsigned)from;
	size_t n = 0;

	if (nkeep > ARRAY_SIZE(sorted))
		return false;
	for (size_t i = 0; i < nkeep; i++) {
		size_t j;

		if (keep[i] < from)
			continue;
		j = n++;
		for (; j > 0 && sorted[j - 1] > (unsigned)keep[i]; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = (unsigned)keep[i];
	}
	for (size_t i = 0; i < n; i++) {
		if (sorted[i] < lo)
			continue;
		if (sorted[i] > lo && syscall(SYS_close_range, lo, sorted[i] - 1, 0) < 0)
			return false;
		lo = sorted[i] + 1;
	}
	return syscall(SYS_close_range, lo, ~0U, 0) == 0;
}

void close_fds_from(int from, const int *keep, size_t nkeep)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;

	if (close_gaps(from, keep, nkeep))
		return;
	dir = opendir("/proc/self/fd");
	if (!dir) {
		/* no procfs: close a generous range instead */
		for (int fd = from; fd < 1024; fd++) {
			bool kept = false;

			for (size_t i = 0; i < nkeep; i++)
				kept |= keep[i] == fd;
			if (!kept)
				close(fd);
		}
		return;
	}
	while ((de = readdir(dir))) {
		int fd;
		bool kept = false;

		if (str_to_int(de->d_name, &fd) < 0 || fd < from || fd == dirfd(dir))
			continue;
		for (size_t i = 0; i < nkeep; i++)
			kept |= keep[i] == fd;
		if (!kept)
			close(fd);
	}
}
