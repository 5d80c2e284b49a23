/* Runtime paths and the monitor lock. Paths are derived from a hash so that long
 * lxcpaths still fit in a unix socket address, and live in a root-only directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"
#include "sysconf.h"
#include "utils.h"

uint64_t runtime_hash(const char *lxcpath, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *s = lxcpath; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	if (name) {
		h = (h ^ '/') * 0x100000001b3ULL;
		for (const char *s = name; *s; s++)
			h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	}
	return h;
}

void runtime_paths_init(struct runtime_paths *p, const char *lxcpath, const char *name)
{
	unsigned long long h = runtime_hash(lxcpath, name);

	p->dir = xasprintf("%s/c", LXC_RUNDIR);
	p->command = xasprintf("%s/%016llx.command", p->dir, h);
	p->state = xasprintf("%s/%016llx.state", p->dir, h);
	p->lock = xasprintf("%s/lock/%016llx", LXC_RUNDIR, h);
}

void runtime_paths_free(struct runtime_paths *p)
{
	free(p->dir);
	free(p->command);
	free(p->state);
	free(p->lock);
	memset(p, 0, sizeof(*p));
}

static int open_lock_file(const struct runtime_paths *p, bool create, struct lxc_error *err)
{
	_cleanup_free_ char *dir = xasprintf("%s/lock", LXC_RUNDIR);
	int fd;

	if (create && mkdir_p(dir, 0755, err) < 0)
		return -1;
	fd = open(p->lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return error_sys(err, errno, "failed to open lock \"%s\"", p->lock);
	return fd;
}

/* The lock file is removed by whoever releases it (runtime_unlock), so a locker may end
 * up holding a file that was unlinked after it opened it: then it tries again. */
int runtime_lock(const struct runtime_paths *p, struct lxc_error *err)
{
	for (int tries = 0; tries < 100; tries++) {
		struct stat st_fd, st_path;
		int fd = open_lock_file(p, true, err);

		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			int saved = errno;

			close(fd);
			return error_sys(err, saved, "failed to lock \"%s\"", p->lock);
		}
		if (fstat(fd, &st_fd) == 0 && lstat(p->lock, &st_path) == 0 &&
		    st_fd.st_dev == st_path.st_dev && st_fd.st_ino == st_path.st_ino)
			return fd;
		close(fd);
	}
	return error_set(err, "failed to lock \"%s\": it keeps being replaced", p->lock);
}

bool runtime_lock_file_is(const struct runtime_paths *p, int fd)
{
	struct stat st_fd, st_path;

	return fd >= 0 && fstat(fd, &st_fd) == 0 && lstat(p->lock, &st_path) == 0 &&
	       st_fd.st_dev == st_path.st_dev && st_fd.st_ino == st_path.st_ino;
}

void runtime_unlock(const struct runtime_paths *p, int fd)
{
	if (fd < 0)
		return;
	/* still ours (we hold it, so nobody else may have replaced it): remove it first */
	if (runtime_lock_file_is(p, fd))
		unlink(p->lock);
	close(fd);
}

bool runtime_is_locked(const struct runtime_paths *p)
{
	_cleanup_close_ int fd = open_lock_file(p, false, NULL);

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(fd, LOCK_UN);
	return false;
}

char *runtime_boot_cache_path(const char *name)
{
	_cleanup_free_ char *boot = NULL;

	if (file_read("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL) < 0)
		return NULL;
	boot[strcspn(boot, "\n")] = '\0';
	if (!*boot || strchr(boot, '/'))
		return NULL;
	return xasprintf("%s/%s.%s", LXC_RUNDIR, name, boot);
}

void runtime_boot_cache_drop_others(const char *name, const char *keep)
{
	_cleanup_closedir_ DIR *d = opendir(LXC_RUNDIR);
	const char *base = strrchr(keep, '/') + 1;
	size_t len = strlen(name);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, name, len) && de->d_name[len] == '.' && strcmp(de->d_name, base))
			unlinkat(dirfd(d), de->d_name, 0);
}
