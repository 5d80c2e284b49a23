/* The mount namespace a criu process runs in: a slave copy of the host's, where a restore
 * mounts the rootfs for CRIU (the host never sees it), and where CRIU can keep its
 * kernel-feature cache although this host's /run is no tmpfs.
 *
 * CRIU probes the kernel at every start (tens to hundreds of ms: a test netns, iptables,
 * pagemap...) unless /run/criu.kdat holds the result, and it writes that file only on a
 * tmpfs (so that it dies with the boot). On hosts whose /run is a tmpfs nothing is done
 * here. Elsewhere CRIU gets a tmpfs /run in its namespace (the host's /run entries bound
 * into it, so every path stays valid); the cache it writes there is kept by us as
 * /run/lxc/criu.kdat.<boot id> and handed back to the next criu. A cache from another
 * boot is never used; one from another CRIU build is refused by CRIU itself (magic). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "checkpoint_internal.h"
#include "log.h"
#include "mount_syscall.h"
#include "runtime.h"
#include "utils.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

#define KDAT_NAME "criu.kdat"
#define KDAT_MAX (64 * 1024)

/* Bind every entry of the host's /run (a detached copy: old) into the new tmpfs. */
static int run_rebuild(int old, struct lxc_error *err)
{
	_cleanup_close_ int run = open("/run", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dfd = openat(old, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;

	if (run < 0 || !d) {
		if (dfd >= 0 && !d)
			close(dfd);
		return error_sys(err, errno, "cannot read /run");
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		struct stat st;
		int sub, fd;

		if (!strcmp(n, ".") || !strcmp(n, "..") || str_starts_with(n, KDAT_NAME))
			continue;
		if (fstatat(old, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t len = readlinkat(old, n, target, sizeof(target) - 1);

			if (len < 0)
				continue;
			target[len] = '\0';
			if (symlinkat(target, run, n) < 0)
				return error_sys(err, errno, "cannot recreate /run/%s", n);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdirat(run, n, st.st_mode & 07777) < 0)
				return error_sys(err, errno, "cannot recreate /run/%s", n);
		} else {
			fd = openat(run, n, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
			if (fd < 0)
				return error_sys(err, errno, "cannot recreate /run/%s", n);
			close(fd);
		}
		sub = mount_sys_open_tree(old, n, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_SYMLINK_NOFOLLOW);
		if (sub < 0)
			return error_sys(err, errno, "cannot bind /run/%s", n);
		if (mount_sys_move_mount(sub, "", run, n, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			int e = errno;

			close(sub);
			return error_sys(err, e, "cannot bind /run/%s", n);
		}
		close(sub);
	}
	return 0;
}

/* A tmpfs /run with the host's entries and our kdat cache, for CRIU's eyes only. */
static int run_for_criu(struct checkpoint_ns *ns, struct lxc_error *err)
{
	_cleanup_free_ char *cache = NULL;
	_cleanup_close_ int old = -1;
	size_t len = 0;
	struct statfs sfs;

	if (statfs("/run", &sfs) < 0 || sfs.f_type == TMPFS_MAGIC)
		return 0; /* CRIU caches by itself */
	ns->kdat_path = runtime_boot_cache_path(KDAT_NAME);
	if (!ns->kdat_path)
		return 0;
	if (file_read(ns->kdat_path, &cache, &len, NULL) < 0)
		len = 0;
	old = mount_sys_open_tree(AT_FDCWD, "/run", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (old < 0)
		return error_sys(err, errno, "cannot copy /run for criu");
	if (mount("lxc-criu-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=16m") < 0)
		return error_sys(err, errno, "cannot mount a tmpfs on /run for criu");
	if (run_rebuild(old, err) < 0)
		return -1;
	if (len > 0 && len <= KDAT_MAX) {
		_cleanup_close_ int fd = open("/run/" KDAT_NAME, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		ns->kdat_given = fd >= 0 && write_full(fd, cache, len) == (ssize_t)len;
	}
	return 0;
}

int checkpoint_ns_enter(struct checkpoint_ns *ns, struct lxc_error *err)
{
	memset(ns, 0, sizeof(*ns));
	ns->host_mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (ns->host_mnt < 0)
		return error_sys(err, errno, "cannot open our mount namespace");
	if (unshare(CLONE_NEWNS) < 0) {
		close(ns->host_mnt);
		ns->host_mnt = -1;
		return error_sys(err, errno, "cannot make a mount namespace for criu");
	}
	ns->entered = true;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return error_sys(err, errno, "cannot make / a slave mount for criu");
	if (run_for_criu(ns, err) < 0) {
		WARN("criu runs without a kernel-feature cache: %s", err->msg);
		error_clear(err);
	}
	return 0;
}

int checkpoint_ns_leave(struct checkpoint_ns *ns, struct lxc_error *err)
{
	int ret = 0;

	if (ns->entered && setns(ns->host_mnt, CLONE_NEWNS) < 0)
		ret = error_sys(err, errno, "cannot return to the host's mount namespace");
	ns->entered = false;
	if (ns->host_mnt >= 0)
		close(ns->host_mnt);
	ns->host_mnt = -1;
	return ret;
}

void checkpoint_ns_keep_kdat(struct checkpoint_ns *ns, pid_t criu_pid)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_free_ char *data = NULL;
	struct lxc_error err = { 0 };
	size_t len = 0;

	if (!ns->kdat_path || ns->kdat_given || ns->kdat_kept || criu_pid <= 0)
		return;
	ns->kdat_kept = true;
	path = xasprintf("/proc/%d/root/run/" KDAT_NAME, (int)criu_pid);
	if (file_read(path, &data, &len, NULL) < 0 || len == 0 || len > KDAT_MAX)
		return;
	if (mkdir_p(LXC_RUNDIR, 0755, &err) < 0 || file_write_replace(ns->kdat_path, data, len, 0600, &err) < 0) {
		DEBUG("cannot keep criu's kernel-feature cache: %s", err.msg);
		return;
	}
	DEBUG("kept criu's kernel-feature cache as %s", ns->kdat_path);
	runtime_boot_cache_drop_others(KDAT_NAME, ns->kdat_path);
}

void checkpoint_ns_free(struct checkpoint_ns *ns)
{
	struct lxc_error err = { 0 };

	if (ns->entered)
		checkpoint_ns_leave(ns, &err);
	free(ns->kdat_path);
	ns->kdat_path = NULL;
}
