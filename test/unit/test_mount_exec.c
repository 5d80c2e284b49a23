/* Unit tests for lib/mount_exec.c and lib/rootfs.c that need no root: file operations
 * (mkdir, symlink, touch) in a temp dir, optional failures, error messages, the caller's
 * cgroup/hook callbacks, the TRACE log of a plan, and lxc.rootfs.* parsing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lxc.h"
#include "mount.h"
#include "unit.h"

struct dir {
	char path[64];
	int fd;
};

static void dir_make(struct dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/hmnt-ex-XXXXXX");
	CHECK(mkdtemp(d->path) != NULL);
	d->fd = open(d->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(d->fd >= 0);
}

static void dir_free(struct dir *d)
{
	struct lxc_error err;

	close(d->fd);
	CHECK(remove_tree(d->path, &err) == 0);
}

static struct mount_op *add(struct mount_plan *plan, enum mount_op_kind kind, const char *target, const char *source)
{
	struct mount_op *op = mount_plan_add(plan, kind, target, "test");

	op->source = source ? xstrdup(source) : NULL;
	return op;
}

static int run(struct dir *d, struct mount_plan *plan, struct mount_exec_ctx *ctx, struct lxc_error *err)
{
	struct mount_exec_ctx local = { 0 };

	if (!ctx)
		ctx = &local;
	ctx->rootfs_fd = d->fd;
	ctx->rootfs_display = d->path;
	return mount_plan_exec(plan, ctx, err);
}

static mode_t mode_of(struct dir *d, const char *rel, bool follow)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", d->path, rel);
	if ((follow ? stat(p, &st) : lstat(p, &st)) < 0)
		return 0;
	return st.st_mode;
}

static bool link_is(struct dir *d, const char *rel, const char *want)
{
	char p[256], buf[256];
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%s", d->path, rel);
	n = readlink(p, buf, sizeof(buf) - 1);
	if (n < 0)
		return false;
	buf[n] = '\0';
	return strcmp(buf, want) == 0;
}

TEST(mount_exec_file_operations)
{
	struct mount_plan plan = { 0 };
	struct lxc_error err;
	struct dir d;
	char p[256];

	dir_make(&d);
	add(&plan, MOUNT_OP_MKDIR, "dev/shm", NULL)->mode = 01777;
	add(&plan, MOUNT_OP_SYMLINK, "dev/fd", "/proc/self/fd");
	add(&plan, MOUNT_OP_SYMLINK, "dev/fd", "/elsewhere");               /* exists: kept */
	add(&plan, MOUNT_OP_TOUCH, "dev/lxc/console", NULL)->mode = 0600;   /* parent created */
	add(&plan, MOUNT_OP_TOUCH, "dev/lxc/console", NULL)->mode = 0600;   /* exists: fine */
	add(&plan, MOUNT_OP_TOUCH, "dev/tty1", NULL)->mode = 0600;
	add(&plan, MOUNT_OP_SYMLINK, "dev/tty1", "lxc/tty1")->opts = MOUNT_OPT_REPLACE;
	add(&plan, MOUNT_OP_SYMLINK, "dev/shm", "nope")->opts = MOUNT_OPT_REPLACE; /* a dir stays */
	CHECK(run(&d, &plan, NULL, &err) == 0);
	CHECK(S_ISDIR(mode_of(&d, "dev/shm", false)) && (mode_of(&d, "dev/shm", false) & 07777) == 01777);
	CHECK(link_is(&d, "dev/fd", "/proc/self/fd"));
	CHECK(S_ISREG(mode_of(&d, "dev/lxc/console", false)) && (mode_of(&d, "dev/lxc/console", false) & 0777) == 0600);
	CHECK(link_is(&d, "dev/tty1", "lxc/tty1"));
	/* the exec loop leaves the cwd at the rootfs */
	CHECK(getcwd(p, sizeof(p)) && strcmp(p, d.path) == 0);
	CHECK(chdir("/") == 0);
	mount_plan_free(&plan);
	dir_free(&d);
}

TEST(mount_exec_file_ops_stay_inside)
{
	struct mount_plan plan = { 0 };
	struct lxc_error err;
	struct dir d;
	char p[256];

	dir_make(&d);
	snprintf(p, sizeof(p), "%s/etc", d.path);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/out", d.path);
	CHECK(symlink("/etc", p) == 0);
	/* through a symlink to "/etc": lands in the rootfs's etc */
	add(&plan, MOUNT_OP_TOUCH, "out/hmnt-touched", NULL)->mode = 0644;
	add(&plan, MOUNT_OP_SYMLINK, "out/hmnt-link", "x");
	CHECK(run(&d, &plan, NULL, &err) == 0);
	CHECK(S_ISREG(mode_of(&d, "etc/hmnt-touched", false)));
	CHECK(S_ISLNK(mode_of(&d, "etc/hmnt-link", false)));
	CHECK(access("/etc/hmnt-touched", F_OK) < 0);
	mount_plan_free(&plan);
	/* strict ops refuse the symlink, naming it */
	add(&plan, MOUNT_OP_TOUCH, "out/strict", NULL)->opts = MOUNT_OPT_NO_SYMLINKS;
	snprintf(p, sizeof(p), "failed to create \"%s/out/strict\": \"/out\" is a symbolic link (to \"/etc\"), refusing to follow it",
		 d.path);
	CHECK_ERR(run(&d, &plan, NULL, &err), &err, p);
	CHECK(chdir("/") == 0);
	mount_plan_free(&plan);
	dir_free(&d);
}

TEST(mount_exec_optional_and_errors)
{
	struct mount_plan plan = { 0 };
	struct lxc_error err;
	struct mount_op *op;
	struct dir d;
	char want[256];

	dir_make(&d);
	op = add(&plan, MOUNT_OP_BIND, "mnt", "/nonexistent-hmnt");
	op->opts = MOUNT_OPT_OPTIONAL | MOUNT_OPT_CREATE_DIR;
	op->line = 1;
	add(&plan, MOUNT_OP_MKDIR, "after", NULL)->mode = 0755;
	CHECK(run(&d, &plan, NULL, &err) == 0);
	CHECK(S_ISDIR(mode_of(&d, "after", false))); /* the loop went on */
	CHECK(S_ISDIR(mode_of(&d, "mnt", false)));   /* create=dir happens first, as in LXC */
	mount_plan_free(&plan);

	op = add(&plan, MOUNT_OP_BIND, "mnt", "/nonexistent-hmnt");
	op->line = 2;
	free(op->origin);
	op->origin = xstrdup("lxc.mount.entry #2");
	add(&plan, MOUNT_OP_MKDIR, "never", NULL)->mode = 0755;
	snprintf(want, sizeof(want), "lxc.mount.entry #2: failed to bind-mount \"/nonexistent-hmnt\" on \"%s/mnt\": No such file or directory",
		 d.path);
	CHECK_ERR(run(&d, &plan, NULL, &err), &err, want);
	CHECK_INT(err.code, ENOENT);
	CHECK(mode_of(&d, "never", false) == 0);     /* stopped at the failure */
	mount_plan_free(&plan);

	add(&plan, MOUNT_OP_MOUNT, "missing/dir", "proc")->fstype = xstrdup("proc");
	snprintf(want, sizeof(want), "failed to mount \"proc\" on \"%s/missing/dir\": No such file or directory", d.path);
	CHECK_ERR(run(&d, &plan, NULL, &err), &err, want);
	mount_plan_free(&plan);

	add(&plan, MOUNT_OP_REMOUNT, "nope", NULL)->flags = MS_RDONLY;
	CHECK_ERR(run(&d, &plan, NULL, &err), &err, "failed to change the mount flags of");
	CHECK(chdir("/") == 0);
	mount_plan_free(&plan);
	dir_free(&d);
}

struct calls {
	int cgroup_fd;
	unsigned cgroup_flags;
	char hooks[64];
	bool fail;
};

static int fake_cgroup(void *data, int rootfs_fd, unsigned flags, struct lxc_error *err)
{
	struct calls *c = data;

	c->cgroup_fd = rootfs_fd;
	c->cgroup_flags = flags;
	return c->fail ? error_set(err, "no cgroup2 here") : 0;
}

static int fake_hook(void *data, const char *hook, struct lxc_error *err)
{
	struct calls *c = data;

	strncat(c->hooks, hook, sizeof(c->hooks) - strlen(c->hooks) - 2);
	strcat(c->hooks, ",");
	return 0;
}

TEST(mount_exec_callbacks)
{
	struct lxc_conf *conf = xzalloc(sizeof(*conf));
	struct mount_plan plan = { 0 };
	struct calls calls = { .cgroup_fd = -1 };
	struct mount_exec_ctx ctx = { .cgroup_mount = fake_cgroup, .run_hook = fake_hook, .data = &calls };
	struct lxc_error err;
	struct dir d;

	dir_make(&d);
	conf->mount_auto = AUTO_CGROUP_FULL_MIXED;
	strlist_push(&conf->hooks[HOOK_MOUNT], "/bin/true");
	CHECK(mount_plan_compile(conf, NULL, &plan, &err) == 0);
	CHECK(run(&d, &plan, &ctx, &err) == 0);
	CHECK_INT(calls.cgroup_fd, d.fd);
	CHECK_INT(calls.cgroup_flags, AUTO_CGROUP_FULL_MIXED);
	CHECK_STR(calls.hooks, "mount,");
	calls.fail = true;
	CHECK_ERR(run(&d, &plan, &ctx, &err), &err, "lxc.mount.auto cgroup: no cgroup2 here");
	ctx.cgroup_mount = NULL;
	CHECK_ERR(run(&d, &plan, &ctx, &err), &err, "asks for cgroup mounts but the runtime gave no cgroup mounter");
	CHECK(chdir("/") == 0);
	mount_plan_free(&plan);
	strlist_clear(&conf->hooks[HOOK_MOUNT]);
	free(conf);
	dir_free(&d);
}

TEST(mount_plan_log_at_trace)
{
	struct lxc_conf *conf = xzalloc(sizeof(*conf));
	struct mount_plan plan = { 0 };
	struct lxc_error err;
	char path[] = "/tmp/hmnt-log-XXXXXX";
	_cleanup_free_ char *text = NULL;
	int fd = mkstemp(path), level = log_get_level();

	close(fd);
	conf->mount_auto = AUTO_PROC_RW;
	CHECK(mount_plan_compile(conf, NULL, &plan, &err) == 0);
	CHECK(log_set_file(path) == 0);
	log_set_level(LOG_LEVEL_TRACE);
	mount_plan_log(&plan);
	log_set_file(NULL);
	log_set_level(level);
	CHECK(file_read(path, &text, NULL, &err) == 0);
	CHECK(text && strstr(text, "mount plan   1: mount    proc on /proc type proc (nosuid,nodev,noexec)"));
	CHECK(text && strstr(text, "# lxc.mount.auto proc:rw"));
	unlink(path);
	mount_plan_free(&plan);
	free(conf);
}

TEST(mount_rootfs_prepare_parsing)
{
	static const struct {
		const char *path, *mount, *options, *error;
		const char *spec, *mount_point;
		unsigned long attrs, propagation;
	} rows[] = {
		{ "/var/lib/lxc/web/rootfs/", NULL, NULL, NULL, "/var/lib/lxc/web/rootfs", "/var/lib/lxc/web/rootfs", 0, 0 },
		{ "dir:/srv/c", "/mnt/root/", "ro,nosuid,nodev,noexec,rslave", NULL, "/srv/c", "/mnt/root",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, MS_SLAVE | MS_REC },
		{ "/srv/c", NULL, "noatime,rw", NULL, "/srv/c", "/srv/c", MS_NOATIME, 0 },
		{ "rootfs", NULL, NULL, "lxc.rootfs.path: \"rootfs\" is not an absolute path", NULL, NULL, 0, 0 },
		{ "dir:relative", NULL, NULL, "\"dir:relative\" is not an absolute path", NULL, NULL, 0, 0 },
		{ "lvm:/dev/vg/c", NULL, NULL, "the \"lvm\" storage backend is not supported by this build", NULL, NULL, 0, 0 },
		{ "zork:/x", NULL, NULL, "unknown storage backend \"zork\" in \"zork:/x\"", NULL, NULL, 0, 0 },
		{ "/srv/c", "mnt", NULL, "lxc.rootfs.mount: \"mnt\" is not an absolute path", NULL, NULL, 0, 0 },
		{ "/srv/c", NULL, "ro,size=1m", "\"size=1m\" is not a mount flag (a dir rootfs takes no filesystem options)", NULL, NULL, 0, 0 },
		{ "/srv/c", NULL, "bind", "only ro, nosuid, nodev, noexec, atime and propagation flags", NULL, NULL, 0, 0 },
		{ "/srv/c", NULL, "optional", "only ro, nosuid", NULL, NULL, 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct lxc_conf conf;
		struct rootfs r;
		struct lxc_error err;

		memset(&conf, 0, sizeof(conf));
		conf.rootfs_path = (char *)rows[i].path;
		conf.rootfs_mount = (char *)rows[i].mount;
		conf.rootfs_options = (char *)rows[i].options;
		if (rows[i].error) {
			CHECK_ERR(rootfs_prepare(&conf, &r, &err), &err, rows[i].error);
			CHECK(r.spec == NULL && r.mount_point == NULL && r.fd == -1);
			continue;
		}
		CHECK(rootfs_prepare(&conf, &r, &err) == 0);
		CHECK(r.backend == &rootfs_backend_dir);
		CHECK_STR(r.spec, rows[i].spec);
		CHECK_STR(r.mount_point, rows[i].mount_point);
		CHECK_INT(r.attrs, rows[i].attrs);
		CHECK_INT(r.propagation, rows[i].propagation);
		CHECK_INT(r.fd, -1);
		rootfs_release(&r);
	}
}

TEST(mount_rootfs_without_path_is_the_host_root)
{
	struct lxc_conf conf;
	struct rootfs r;
	struct lxc_error err;
	struct stat a, b;

	memset(&conf, 0, sizeof(conf));
	CHECK(rootfs_prepare(&conf, &r, &err) == 0);
	CHECK(r.backend == NULL);
	CHECK(rootfs_mount(&r, &err) == 0);
	CHECK(fstat(r.fd, &a) == 0 && stat("/", &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	CHECK(rootfs_pivot(&r, &err) == 0); /* nothing to pivot into */
	rootfs_release(&r);
	CHECK_INT(r.fd, -1);
}
