/* Root tests for the mount module: each forks a child that unshares mount/pid/uts/ipc (and
 * net) namespaces, builds a small busybox rootfs in /tmp/hmnt-*, runs rootfs_mount + the
 * plan + rootfs_pivot and checks from inside; the parent checks the host's mount table is
 * unchanged. Skipped when not root. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lxc.h"
#include "mount.h"
#include "safe_path.h"
#include "unit.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#define PROC_MAGIC 0x9fa0
#define SYSFS_MAGIC 0x62656572
#define TMPFS_MAGIC_ 0x01021994
#define DEVPTS_MAGIC 0x1cd1

struct ctr {
	char dir[64];            /* /tmp/hmnt-XXXXXX, removed at the end */
	char rootfs[128];
	struct lxc_conf *conf;
	struct mount_plan_opts opts;
	dev_t host_pts_dev;      /* st_dev of the host's /dev/pts */
	int sync[2];             /* shmounts test: container -> host */
	int sync_back[2];        /* host -> container */
	int console_master;      /* kept open, as the runtime does: pty 0 stays allocated */
};

static void path_of(const struct ctr *c, const char *rel, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", c->rootfs, rel);
}

static void ctr_mkdir(const struct ctr *c, const char *rel)
{
	char p[256];

	path_of(c, rel, p, sizeof(p));
	CHECK(mkdir(p, 0755) == 0 || errno == EEXIST);
}

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);

	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = open(to, O_CREAT | O_WRONLY | O_CLOEXEC, mode);
	ssize_t n;

	CHECK(in >= 0 && out >= 0);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, (size_t)n) == n);
	close(in);
	close(out);
}

static bool ctr_make(struct ctr *c)
{
	static const char *const dirs[] = { "bin", "proc", "sys", "dev", "etc", "mnt", "tmp" };
	struct stat st;
	char p[256];

	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "/tmp/hmnt-XXXXXX");
	if (!mkdtemp(c->dir))
		return false;
	snprintf(c->rootfs, sizeof(c->rootfs), "%s/rootfs", c->dir);
	CHECK(mkdir(c->rootfs, 0755) == 0);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		ctr_mkdir(c, dirs[i]);
	path_of(c, "bin/busybox", p, sizeof(p));
	copy_file("/bin/busybox", p, 0755);
	path_of(c, "bin/sh", p, sizeof(p));
	CHECK(symlink("busybox", p) == 0);
	c->conf = xzalloc(sizeof(*c->conf));
	c->conf->rootfs_path = xstrdup(c->rootfs);
	c->conf->autodev = 0;
	c->conf->console_path = xstrdup("none");
	c->host_pts_dev = stat("/dev/pts", &st) == 0 ? st.st_dev : 0;
	c->sync[0] = c->sync[1] = c->sync_back[0] = c->sync_back[1] = -1;
	c->console_master = -1;
	return true;
}

static void ctr_free(struct ctr *c)
{
	struct lxc_error err;

	free(c->conf->rootfs_path);
	free(c->conf->rootfs_options);
	free(c->conf->console_path);
	free(c->conf->shmounts_host);
	free(c->conf->shmounts_container);
	strlist_clear(&c->conf->mount_entries);
	free(c->conf);
	for (int i = 0; i < 2; i++) {
		closep(&c->sync[i]);
		closep(&c->sync_back[i]);
	}
	CHECK(remove_tree(c->dir, &err) == 0);
}

/* Host mount lines whose mount point is `path` (or below it unless exact). */
static char *host_mounts(const char *path, bool exact)
{
	_cleanup_free_ char *text = NULL;
	struct strlist lines = { 0 }, keep = { 0 };
	struct lxc_error err;
	size_t len = strlen(path);
	char *out;

	if (file_read("/proc/self/mountinfo", &text, NULL, &err) < 0)
		return xstrdup("unreadable");
	strlist_split(&lines, text, "\n");
	for (size_t i = 0; i < lines.len; i++) {
		char mp[4096];

		if (sscanf(lines.items[i], "%*s %*s %*s %*s %4095s", mp) == 1 && strncmp(mp, path, len) == 0 &&
		    ((!exact && mp[len] == '/') || !mp[len]))
			strlist_push(&keep, lines.items[i]);
	}
	out = strlist_join(&keep, "\n");
	strlist_clear(&lines);
	strlist_clear(&keep);
	return out;
}

static char *host_mounts_under(const char *path)
{
	return host_mounts(path, false);
}

/* Mount points of the current mount namespace, from the container's own /proc. */
static void mount_points(struct strlist *out)
{
	_cleanup_free_ char *text = NULL;
	struct strlist lines = { 0 };
	struct lxc_error err;

	CHECK(file_read("/proc/self/mountinfo", &text, NULL, &err) == 0);
	strlist_split(&lines, text ? text : "", "\n");
	for (size_t i = 0; i < lines.len; i++) {
		char mp[4096];

		if (sscanf(lines.items[i], "%*s %*s %*s %*s %4095s", mp) == 1)
			strlist_push(out, mp);
	}
	strlist_clear(&lines);
}

static long fs_type(const char *path)
{
	struct statfs s;

	return statfs(path, &s) == 0 ? (long)s.f_type : -1;
}

static bool read_only(const char *path)
{
	struct statvfs s;

	return statvfs(path, &s) == 0 && (s.f_flag & ST_RDONLY);
}

static int open_errno(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static bool is_char(const char *path, unsigned maj, unsigned min)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj && minor(st.st_rdev) == min;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

typedef void (*before_pivot_fn)(struct ctr *c, struct rootfs *rootfs);

/* What the runtime does in the child: rootfs, plan, (ttys), pivot. */
static int ctr_setup(struct ctr *c, before_pivot_fn before_pivot, struct lxc_error *err)
{
	struct rootfs rootfs;
	struct mount_plan plan = { 0 };
	struct mount_exec_ctx ctx = { 0 };
	long long t0, t1;
	int rc = -1;

	if (rootfs_prepare(c->conf, &rootfs, err) < 0)
		return -1;
	if (mount_plan_compile(c->conf, &c->opts, &plan, err) < 0)
		goto out;
	t0 = now_us();
	if (rootfs_mount(&rootfs, err) < 0)
		goto out;
	ctx.rootfs_fd = rootfs.fd;
	ctx.rootfs_display = rootfs.mount_point;
	if (mount_plan_exec(&plan, &ctx, err) < 0)
		goto out;
	if (before_pivot)
		before_pivot(c, &rootfs);
	if (rootfs_pivot(&rootfs, err) < 0)
		goto out;
	t1 = now_us();
	printf("# rootfs + %zu operations + pivot_root: %lld us\n", plan.n, t1 - t0);
	rc = 0;
out:
	mount_plan_free(&plan);
	rootfs_release(&rootfs);
	return rc;
}

/* Child in new namespaces (pid 1 of a new pid ns), returning its CHECK failures. */
static int in_namespaces(struct ctr *c, int flags, void (*body)(struct ctr *c))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		pid_t inner;

		/* never touch the host's propagation: only a new mount ns is made rslave */
		if (unshare(flags) < 0 ||
		    ((flags & CLONE_NEWNS) && mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)) {
			printf("#   unshare/make-rslave: %s\n", strerror(errno));
			fflush(stdout);
			_exit(99);
		}
		inner = fork();
		if (inner == 0) {
			unit_failures = 0;
			body(c);
			fflush(stdout);
			_exit(unit_failures > 90 ? 90 : unit_failures);
		}
		if (inner < 0 || waitpid(inner, &status, 0) < 0)
			_exit(98);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define CTR_NS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC)

/* ---- a full container ---------------------------------------------------------------- */

static void bind_console(struct ctr *c, struct rootfs *rootfs)
{
	struct lxc_error err;
	char p[256];
	int master, slave, unlock = 0;

	/* as the runtime will: a pty of the container's own devpts, bound on /dev/console */
	path_of(c, "dev/ptmx", p, sizeof(p));
	master = open(p, O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(master >= 0);
	CHECK(ioctl(master, TIOCSPTLCK, &unlock) == 0);
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(slave >= 0);
	path_of(c, "dev/console", p, sizeof(p));
	if (mount_bind_fd(slave, rootfs->fd, "/dev/console", 0, &err) < 0)
		printf("#   mount_bind_fd: %s\n", err.msg);
	CHECK_ERR(mount_bind_fd(slave, rootfs->fd, "dev/missing", 0, &err), &err,
		  "failed to bind-mount fd");
	close(slave);
	c->console_master = master;
}

static void full_inside(struct ctr *c)
{
	static const char *const expected[] = {
		"/", "/dev", "/proc", "/proc/sys", "/proc/sys/net", "/proc/sysrq-trigger", "/sys",
		"/sys/devices/virtual/net", "/mnt/data", "/mnt/tmp", "/etc/hmnt-file", "/dev/pts",
		"/dev/console",
	};
	struct strlist mps = { 0 };
	struct lxc_error err;
	struct stat st;
	char buf[64] = "";
	int fd, n = -1, status;
	pid_t pid;

	if (ctr_setup(c, bind_console, &err) < 0) {
		printf("#   setup failed: %s\n", err.msg);
		unit_failures++;
		return;
	}
	/* proc:mixed */
	CHECK_INT(fs_type("/proc"), PROC_MAGIC);
	CHECK_INT(open_errno("/proc/sys/kernel/hostname", O_WRONLY), EROFS);
	/* this kernel may lack CONFIG_MAGIC_SYSRQ: then there is nothing to protect */
	if (access("/proc/sysrq-trigger", F_OK) == 0 || errno != ENOENT)
		CHECK_INT(open_errno("/proc/sysrq-trigger", O_WRONLY), EROFS);
	else
		printf("# no /proc/sysrq-trigger on this kernel\n");
	CHECK_INT(open_errno("/proc/sys/net/ipv4/ip_forward", O_WRONLY), 0); /* own netns */
	/* sys:mixed */
	CHECK_INT(fs_type("/sys"), SYSFS_MAGIC);
	CHECK(read_only("/sys"));
	CHECK_INT(open_errno("/sys/kernel/mm/transparent_hugepage/enabled", O_WRONLY), EROFS);
	CHECK(!read_only("/sys/devices/virtual/net"));
	CHECK_INT(open_errno("/sys/devices/virtual/net/lo/mtu", O_WRONLY), 0);
	/* entries: ro bind, optional skipped, tmpfs with create=dir, file bind */
	CHECK(read_only("/mnt/data"));
	CHECK_INT(open_errno("/mnt/data/marker", O_RDONLY), 0);
	CHECK_INT(open_errno("/mnt/data/new", O_WRONLY | O_CREAT), EROFS);
	/* optional with no source: not mounted, but create=dir made the directory (as LXC) */
	CHECK(stat("/mnt/opt", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(fs_type("/mnt/opt"), fs_type("/mnt"));
	CHECK_INT(fs_type("/mnt/tmp"), TMPFS_MAGIC_);
	CHECK(stat("/mnt/tmp", &st) == 0 && (st.st_mode & 07777) == 0700);
	fd = open("/etc/hmnt-file", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0);
	CHECK_STR(buf, "host file\n");
	close(fd);
	/* autodev */
	CHECK_INT(fs_type("/dev"), TMPFS_MAGIC_);
	CHECK(is_char("/dev/null", 1, 3) && is_char("/dev/zero", 1, 5) && is_char("/dev/full", 1, 7));
	CHECK(is_char("/dev/random", 1, 8) && is_char("/dev/urandom", 1, 9) && is_char("/dev/tty", 5, 0));
	CHECK(stat("/dev/null", &st) == 0 && (st.st_mode & 0777) == 0666);
	CHECK(stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777);
	n = (int)readlink("/dev/ptmx", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = '\0', strcmp(buf, "pts/ptmx") == 0));
	n = (int)readlink("/dev/fd", buf, sizeof(buf) - 1);
	CHECK(n > 0 && (buf[n] = '\0', strcmp(buf, "/proc/self/fd") == 0));
	CHECK(lstat("/dev/tty1", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(lstat("/dev/tty2", &st) == 0 && S_ISREG(st.st_mode));
	/* a private devpts: the console is its pty 0, the next one is 1 */
	CHECK_INT(fs_type("/dev/pts"), DEVPTS_MAGIC);
	CHECK(stat("/dev/pts", &st) == 0 && st.st_dev != c->host_pts_dev);
	CHECK(is_char("/dev/console", 136, 0));
	fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(fd >= 0 && ioctl(fd, TIOCGPTN, &n) == 0);
	CHECK_INT(n, 1);
	close(fd);
	/* the old root is gone: exactly the container's mounts */
	mount_points(&mps);
	for (size_t i = 0; i < mps.len; i++)
		if (!strlist_contains(&(struct strlist){ (char **)expected, ARRAY_SIZE(expected), 0 }, mps.items[i])) {
			printf("#   unexpected mount point %s\n", mps.items[i]);
			unit_failures++;
		}
	CHECK_INT(mps.len, ARRAY_SIZE(expected) - (access("/proc/sysrq-trigger", F_OK) < 0));
	strlist_clear(&mps);
	/* and the busybox userland runs in it */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl("/bin/busybox", "busybox", "sh", "-c",
		      "test -c /dev/null && test -L /dev/ptmx && ! echo 1 2>/dev/null >/proc/sysrq-trigger && "
		      "! touch /mnt/data/x 2>/dev/null && test \"$(awk '$5 == \"/\"' /proc/self/mountinfo | wc -l)\" = 1 || "
		      "{ echo '#   busybox checks failed:'; sed 's/^/#   /' /proc/self/mountinfo; exit 1; }",
		      (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(mount_root_full_container)
{
	struct ctr c;
	char p[256], hostdata[192], hostfile[192];
	_cleanup_free_ char *before = NULL, *after = NULL, *etc_before = NULL, *etc_after = NULL;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	snprintf(hostdata, sizeof(hostdata), "%s/hostdata", c.dir);
	CHECK(mkdir(hostdata, 0755) == 0);
	snprintf(p, sizeof(p), "%s/marker", hostdata);
	write_text(p, "m\n");
	snprintf(hostfile, sizeof(hostfile), "%s/hostfile", c.dir);
	write_text(hostfile, "host file\n");
	c.conf->autodev = -1;
	c.conf->pty_max = 16;
	c.conf->tty_max = 2;
	free(c.conf->console_path);
	c.conf->console_path = NULL;
	c.conf->mount_auto = AUTO_PROC_MIXED | AUTO_SYS_MIXED;
	c.opts.has_netns = true;
	snprintf(p, sizeof(p), "%s mnt/data none bind,ro,create=dir 0 0", hostdata);
	strlist_push(&c.conf->mount_entries, p);
	strlist_push(&c.conf->mount_entries, "/nonexistent-hmnt mnt/opt none bind,optional,create=dir");
	strlist_push(&c.conf->mount_entries, "tmpfs mnt/tmp tmpfs size=1m,mode=700,create=dir");
	snprintf(p, sizeof(p), "%s /etc/hmnt-file none bind,create=file", hostfile);
	strlist_push(&c.conf->mount_entries, p);
	before = host_mounts_under(c.dir);
	etc_before = host_mounts_under("/etc");
	CHECK_INT(in_namespaces(&c, CTR_NS | CLONE_NEWNET, full_inside), 0);
	after = host_mounts_under(c.dir);
	etc_after = host_mounts_under("/etc");
	CHECK_STR(after, before);
	CHECK_STR(etc_after, etc_before);
	ctr_free(&c);
}

/* ---- sys:ro, proc:rw, rootfs options ------------------------------------------------- */

static void ro_inside(struct ctr *c)
{
	struct lxc_error err;
	struct statvfs s;

	if (ctr_setup(c, NULL, &err) < 0) {
		printf("#   setup failed: %s\n", err.msg);
		unit_failures++;
		return;
	}
	CHECK(read_only("/sys"));
	CHECK(read_only("/sys/devices/virtual/net"));
	CHECK_INT(open_errno("/sys/devices/virtual/net/lo/mtu", O_WRONLY), EROFS);
	CHECK(!read_only("/proc/sys"));
	CHECK_INT(open_errno("/proc/sys/kernel/hostname", O_WRONLY), 0); /* own uts ns */
	/* lxc.rootfs.options = ro,nosuid,nodev, applied after the plan made /newdir */
	CHECK(statvfs("/", &s) == 0);
	CHECK((s.f_flag & (ST_RDONLY | ST_NOSUID | ST_NODEV)) == (ST_RDONLY | ST_NOSUID | ST_NODEV));
	CHECK_INT(fs_type("/newdir"), TMPFS_MAGIC_);
	CHECK_INT(open_errno("/etc/x", O_WRONLY | O_CREAT), EROFS);
}

TEST(mount_root_sys_ro_proc_rw_rootfs_options)
{
	struct ctr c;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	c.conf->mount_auto = AUTO_SYS_RO | AUTO_PROC_RW;
	c.conf->rootfs_options = xstrdup("ro,nosuid,nodev,rslave");
	strlist_push(&c.conf->mount_entries, "tmpfs newdir tmpfs create=dir");
	CHECK_INT(in_namespaces(&c, CTR_NS | CLONE_NEWNET, ro_inside), 0);
	ctr_free(&c);
}

/* ---- symlinked /proc, /sys, /dev are refused ----------------------------------------- */

static const char *refusal_needle;

static void refused_inside(struct ctr *c)
{
	struct lxc_error err;

	CHECK_ERR(ctr_setup(c, NULL, &err), &err, refusal_needle);
	printf("# refused: %s\n", err.msg);
}

struct refusal_case {
	const char *dir, *link;  /* rootfs/dir -> link ("@" = the host sentinel dir) */
	unsigned mount_auto;
	int autodev;
	unsigned pty_max;
};

TEST(mount_root_symlinked_special_dirs_refused)
{
	static const struct refusal_case cases[] = {
		{ "proc", "/tmp", AUTO_PROC_MIXED, 0, 0 },
		{ "proc", "tmp", AUTO_PROC_RW, 0, 0 },        /* pointing inside: refused too */
		{ "sys", "/tmp", AUTO_SYS_RO, 0, 0 },
		{ "sys", "etc", AUTO_SYS_MIXED, 0, 0 },
		{ "dev", "@", 0, 1, 0 },                      /* CVE-2026-41579: autodev */
		{ "dev", "@", 0, 0, 4 },                      /* devpts without autodev */
		{ "dev", "tmp", 0, 1, 0 },
	};

	if (getuid() != 0)
		SKIP("needs root");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *tmp_before = NULL, *tmp_after = NULL, *mine_before = NULL, *mine_after = NULL;
		_cleanup_free_ char *sentinel = NULL;
		char p[256], link[256], sentinel_dir[192];
		struct ctr c;
		DIR *d;
		struct dirent *de;
		int entries = 0;

		if (!ctr_make(&c))
			return;
		snprintf(sentinel_dir, sizeof(sentinel_dir), "%s/hostdev", c.dir);
		CHECK(mkdir(sentinel_dir, 0755) == 0);
		snprintf(p, sizeof(p), "%s/ptmx", sentinel_dir);
		write_text(p, "sentinel\n");
		path_of(&c, cases[i].dir, p, sizeof(p));
		CHECK(rmdir(p) == 0);
		snprintf(link, sizeof(link), "%s", strcmp(cases[i].link, "@") == 0 ? sentinel_dir : cases[i].link);
		CHECK(symlink(link, p) == 0);
		c.conf->mount_auto = cases[i].mount_auto;
		c.conf->autodev = cases[i].autodev;
		c.conf->pty_max = cases[i].pty_max;
		refusal_needle = "is a symbolic link";
		tmp_before = host_mounts("/tmp", true);
		mine_before = host_mounts_under(c.dir);
		printf("# rootfs/%s -> %s\n", cases[i].dir, link);
		CHECK_INT(in_namespaces(&c, CTR_NS, refused_inside), 0);
		tmp_after = host_mounts("/tmp", true);
		mine_after = host_mounts_under(c.dir);
		CHECK_STR(mine_after, mine_before);
		/* no new mount on /tmp itself (other tests may mount below it concurrently) */
		CHECK_STR(tmp_after, tmp_before);
		/* the sentinel dir is untouched: only ptmx, same content */
		d = opendir(sentinel_dir);
		while (d && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
				entries++;
				CHECK_STR(de->d_name, "ptmx");
			}
		if (d)
			closedir(d);
		CHECK_INT(entries, 1);
		snprintf(p, sizeof(p), "%s/ptmx", sentinel_dir);
		CHECK(file_read(p, &sentinel, NULL, &(struct lxc_error){ 0 }) == 0);
		CHECK_STR(sentinel, "sentinel\n");
		ctr_free(&c);
	}
}

/* ---- mount.entry targets through symlinks stay in the rootfs ------------------------- */

static void escape_inside(struct ctr *c)
{
	struct lxc_error err;

	if (ctr_setup(c, NULL, &err) < 0) {
		printf("#   setup failed: %s\n", err.msg);
		unit_failures++;
		return;
	}
	/* both landed on the container's /etc: the bind on top of the tmpfs */
	CHECK_INT(open_errno("/etc/marker", O_RDONLY), 0);
	CHECK(access("/mnt/x", F_OK) == 0);
}

TEST(mount_root_entry_symlink_escape)
{
	struct ctr c;
	char p[256], hostdata[192];
	_cleanup_free_ char *etc_before = NULL, *etc_after = NULL;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	ctr_mkdir(&c, "mnt/sub");
	path_of(&c, "mnt/x", p, sizeof(p));
	CHECK(symlink("/etc", p) == 0);
	path_of(&c, "mnt/sub/y", p, sizeof(p));
	CHECK(symlink("../../../../../../../etc", p) == 0);
	snprintf(hostdata, sizeof(hostdata), "%s/hostdata", c.dir);
	CHECK(mkdir(hostdata, 0755) == 0);
	snprintf(p, sizeof(p), "%s/marker", hostdata);
	write_text(p, "m\n");
	strlist_push(&c.conf->mount_entries, "tmpfs mnt/x tmpfs defaults");
	snprintf(p, sizeof(p), "%s mnt/sub/y none bind", hostdata);
	strlist_push(&c.conf->mount_entries, p);
	etc_before = host_mounts_under("/etc");
	CHECK_INT(in_namespaces(&c, CTR_NS, escape_inside), 0);
	etc_after = host_mounts_under("/etc");
	CHECK_STR(etc_after, etc_before);
	CHECK(access("/etc/marker", F_OK) < 0);
	ctr_free(&c);
}

/* ---- the exec error message ---------------------------------------------------------- */

static void error_inside(struct ctr *c)
{
	struct lxc_error err;
	char want[512];

	snprintf(want, sizeof(want), "lxc.mount.entry #1: failed to mount \"nosuchfs\" on \"%s/mnt\": No such device",
		 c->rootfs);
	CHECK_ERR(ctr_setup(c, NULL, &err), &err, want);
	CHECK_INT(err.code, ENODEV);
}

TEST(mount_root_exec_error_names_operation_and_path)
{
	struct ctr c;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	strlist_push(&c.conf->mount_entries, "nosuchfs mnt nosuchfs defaults");
	CHECK_INT(in_namespaces(&c, CTR_NS, error_inside), 0);
	ctr_free(&c);
}

/* ---- the inside check without /proc -------------------------------------------------- */

static void noproc_inside(struct ctr *c)
{
	struct lxc_error err;
	struct safe_root sr;
	int root, in, out, file;

	root = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(umount2("/proc", MNT_DETACH) == 0);
	CHECK(access("/proc/self/fd", F_OK) < 0);
	safe_root_init(&sr, root);
	CHECK_INT(sr.len, 0);
	in = safe_path_open(&sr, "mnt", O_PATH, 0, &err);
	CHECK(in >= 0);
	CHECK(safe_path_check_inside(&sr, in, &err) == 0);
	out = open(c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK_ERR(safe_path_check_inside(&sr, out, &err), &err, "outside the container's root");
	file = safe_path_open(&sr, "bin/busybox", O_PATH, 0, &err);
	CHECK(file >= 0);
	close(in);
	close(out);
	close(file);
	close(root);
}

TEST(mount_root_check_inside_without_proc)
{
	struct ctr c;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	CHECK_INT(in_namespaces(&c, CLONE_NEWNS, noproc_inside), 0);
	ctr_free(&c);
}

/* ---- mknod refused in a user namespace: host nodes are bound instead ------------------ */

static void userns_inside(struct ctr *c)
{
	struct lxc_error err;

	if (ctr_setup(c, NULL, &err) < 0) {
		printf("#   setup failed: %s\n", err.msg);
		unit_failures++;
		return;
	}
	CHECK(is_char("/dev/null", 1, 3));
	CHECK(is_char("/dev/tty", 5, 0));
	CHECK_INT(open_errno("/dev/null", O_WRONLY), 0);
	/* devpts refused gid=5 (unmapped) and was mounted without it */
	CHECK_INT(fs_type("/dev/pts"), DEVPTS_MAGIC);
	CHECK_INT(open_errno("/dev/ptmx", O_RDWR | O_NOCTTY), 0);
}

static void userns_enter(struct ctr *c)
{
	struct lxc_error err;

	/* map only root: mknod is then refused, and gid 5 does not exist */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0 ||
	    file_write_str("/proc/self/setgroups", "deny", &err) < 0 ||
	    file_write_str("/proc/self/uid_map", "0 0 1", &err) < 0 ||
	    file_write_str("/proc/self/gid_map", "0 0 1", &err) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
		printf("#   entering a user namespace: %s\n", strerror(errno));
		unit_failures++;
		return;
	}
	userns_inside(c);
}

TEST(mount_root_userns_mknod_falls_back_to_bind)
{
	struct ctr c;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	c.conf->autodev = 1;
	CHECK_INT(in_namespaces(&c, 0, userns_enter), 0);
	ctr_free(&c);
}

/* ---- shmounts: mounts made on the host later appear inside ----------------------------- */

static void shmounts_container(struct ctr *c)
{
	struct lxc_error err;
	struct stat a, b;
	char byte = 0;

	if (ctr_setup(c, NULL, &err) < 0) {
		printf("#   setup failed: %s\n", err.msg);
		unit_failures++;
		return;
	}
	CHECK(write(c->sync[1], "r", 1) == 1);
	CHECK(read(c->sync_back[0], &byte, 1) == 1);
	CHECK(stat("/mnt/shared", &a) == 0 && stat("/mnt/shared/sub", &b) == 0);
	CHECK(a.st_dev != b.st_dev);
	CHECK_INT(open_errno("/mnt/shared/sub/late", O_RDONLY), 0);
}

static void shmounts_host(struct ctr *c)
{
	struct lxc_error err;
	char host[192], p[256], byte = 0;
	pid_t pid;
	int status;

	/* this child plays the host: its own private mount ns */
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	snprintf(host, sizeof(host), "%s/shm", c->dir);
	if (mount_shmounts_host_setup(host, &err) < 0) {
		printf("#   %s\n", err.msg);
		unit_failures++;
		return;
	}
	CHECK(mount_shmounts_host_setup(host, &err) == 0); /* again: keeps the existing tmpfs */
	snprintf(p, sizeof(p), "%s/sub", host);
	CHECK(mkdir(p, 0755) == 0);
	c->conf->mount_auto = AUTO_SHMOUNTS;
	c->conf->shmounts_host = xstrdup(host);
	c->conf->shmounts_container = xstrdup("/mnt/shared");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		_exit(in_namespaces(c, CTR_NS, shmounts_container));
	}
	CHECK(read(c->sync[0], &byte, 1) == 1);
	CHECK(mount("tmpfs", p, "tmpfs", 0, "size=64k") == 0);
	snprintf(p, sizeof(p), "%s/sub/late", host);
	write_text(p, "late\n");
	CHECK(write(c->sync_back[1], "m", 1) == 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
	CHECK_INT(WEXITSTATUS(status), 0);
}

TEST(mount_root_shmounts_propagate)
{
	struct ctr c;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	CHECK(pipe2(c.sync, O_CLOEXEC) == 0 && pipe2(c.sync_back, O_CLOEXEC) == 0);
	CHECK_INT(in_namespaces(&c, CLONE_NEWNS, shmounts_host), 0);
	ctr_free(&c);
}

/* ---- no autodev: private devpts over the rootfs's own /dev ---------------------------- */

static void devpts_inside(struct ctr *c)
{
	struct lxc_error err;
	struct stat pts, ptmx;
	int fd, n = -1;

	if (ctr_setup(c, NULL, &err) < 0) {
		printf("#   setup failed: %s\n", err.msg);
		unit_failures++;
		return;
	}
	CHECK_INT(fs_type("/dev/pts"), DEVPTS_MAGIC);
	CHECK(stat("/dev/pts", &pts) == 0 && pts.st_dev != c->host_pts_dev);
	/* the rootfs's ptmx node is covered by the new instance's */
	CHECK(stat("/dev/ptmx", &ptmx) == 0 && ptmx.st_dev == pts.st_dev);
	fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(fd >= 0 && ioctl(fd, TIOCGPTN, &n) == 0);
	CHECK_INT(n, 0);
	close(fd);
	CHECK(access("/dev/tty1", F_OK) == 0);
}

TEST(mount_root_devpts_without_autodev)
{
	struct ctr c;
	char p[256];
	struct stat st;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	path_of(&c, "dev/ptmx", p, sizeof(p));
	CHECK(mknod(p, S_IFCHR | 0666, makedev(5, 2)) == 0);
	c.conf->pty_max = 4;
	c.conf->tty_max = 1;
	CHECK_INT(in_namespaces(&c, CTR_NS, devpts_inside), 0);
	/* what the plan wrote into the rootfs's /dev stays there; the node is untouched */
	CHECK(lstat(p, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 2));
	path_of(&c, "dev/fd", p, sizeof(p));
	CHECK(lstat(p, &st) == 0 && S_ISLNK(st.st_mode));
	ctr_free(&c);
}

/* ---- no rootfs: only a private devpts, in the container's mount ns --------------------- */

static void no_rootfs_inside(struct ctr *c)
{
	struct lxc_error err;
	struct stat st;

	if (ctr_setup(c, NULL, &err) < 0) {
		printf("#   setup failed: %s\n", err.msg);
		unit_failures++;
		return;
	}
	CHECK(stat("/dev/pts", &st) == 0 && st.st_dev != c->host_pts_dev);
	CHECK(stat("/dev/ptmx", &st) == 0 && st.st_dev != c->host_pts_dev);
}

TEST(mount_root_no_rootfs_private_devpts)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	struct stat st;
	struct ctr c;

	if (getuid() != 0)
		SKIP("needs root");
	if (!ctr_make(&c))
		return;
	free(c.conf->rootfs_path);
	c.conf->rootfs_path = NULL;
	c.conf->autodev = -1;
	c.conf->pty_max = 4;
	before = host_mounts_under("/dev");
	CHECK_INT(in_namespaces(&c, CTR_NS, no_rootfs_inside), 0);
	after = host_mounts_under("/dev");
	CHECK_STR(after, before);
	CHECK(stat("/dev/pts", &st) == 0 && st.st_dev == c.host_pts_dev);
	ctr_free(&c);
}
