/* Runtime paths and the monitor lock. Paths are derived from a hash so that long
 * lxcpaths still fit in a unix socket address, and live in a root-only directory. */
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

	p->dir = xasprintf("%s/c/%016llx", LXC_RUNDIR, h);
	p->command = xasprintf("%s/command", p->dir);
	p->state = xasprintf("%s/state", p->dir);
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

int runtime_lock(const struct runtime_paths *p, struct lxc_error *err)
{
	int fd = open_lock_file(p, true, err);

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int saved = errno;

		close(fd);
		return error_sys(err, saved, "failed to lock \"%s\"", p->lock);
	}
	return fd;
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
