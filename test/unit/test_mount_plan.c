/* Unit tests for lib/mount_plan.c and lib/dev.c: config -> the exact list of operations
 * (as mount_plan_format prints it), fstab-line and option parsing, and the errors for bad
 * entries. No root needed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lxc.h"
#include "mount.h"
#include "unit.h"

static struct lxc_conf *conf_with_rootfs(void)
{
	struct lxc_conf *c = xzalloc(sizeof(*c));

	c->rootfs_path = xstrdup("/var/lib/lxc/web/rootfs");
	c->autodev = 0;
	return c;
}

static void conf_release(struct lxc_conf *c)
{
	free(c->rootfs_path);
	free(c->mount_fstab);
	free(c->tty_dir);
	free(c->console_path);
	free(c->shmounts_host);
	free(c->shmounts_container);
	strlist_clear(&c->mount_entries);
	for (int i = 0; i < HOOK_COUNT; i++)
		strlist_clear(&c->hooks[i]);
	free(c);
}

/* The formatted plan, or NULL with err set. */
static char *plan_text(const struct lxc_conf *c, bool netns, struct lxc_error *err)
{
	struct mount_plan_opts opts = { .has_netns = netns };
	struct mount_plan plan = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	error_clear(err);
	if (mount_plan_compile(c, &opts, &plan, err) < 0) {
		mount_plan_free(&plan);
		return NULL;
	}
	f = open_memstream(&text, &len);
	mount_plan_format(&plan, f);
	fclose(f);
	mount_plan_free(&plan);
	return text;
}

#define CHECK_PLAN(conf, netns, expected)                                       \
	do {                                                                    \
		struct lxc_error e_;                                            \
		char *t_ = plan_text(conf, netns, &e_);                         \
		if (!t_)                                                        \
			printf("#   compile failed: %s\n", e_.msg);             \
		CHECK_STR(t_, expected);                                        \
		free(t_);                                                       \
	} while (0)

#define CHECK_PLAN_ERR(conf, needle)                                            \
	do {                                                                    \
		struct lxc_error e_;                                            \
		char *t_ = plan_text(conf, false, &e_);                         \
		if (t_)                                                         \
			printf("#   compiled, expected an error:\n%s", t_);     \
		CHECK(t_ == NULL);                                              \
		if (!t_ && !strstr(e_.msg, needle))                             \
			printf("#   error \"%s\" lacks \"%s\"\n", e_.msg, needle); \
		CHECK(t_ || strstr(e_.msg, needle));                            \
		free(t_);                                                       \
	} while (0)

TEST(mount_plan_empty_without_rootfs)
{
	struct lxc_conf *c = xzalloc(sizeof(*c));

	c->autodev = -1; /* no rootfs: autodev never touches the host's /dev */
	CHECK_PLAN(c, false, "");
	conf_release(c);
}

TEST(mount_plan_no_rootfs_private_devpts)
{
	struct lxc_conf *c = xzalloc(sizeof(*c));

	c->autodev = -1;
	c->pty_max = 8;
	CHECK_PLAN(c, false,
		   "  1 mount    devpts on /dev/pts type devpts (nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5,max=8) (on EINVAL: newinstance,ptmxmode=0666,mode=0620,max=8) [no-symlinks]  # lxc.pty.max\n"
		   "  2 bind     <rootfs>/dev/pts/ptmx on /dev/ptmx  # lxc.pty.max\n");
	conf_release(c);
}

TEST(mount_plan_autodev_defaults)
{
	struct lxc_conf *c = conf_with_rootfs();

	c->autodev = -1;
	CHECK_PLAN(c, false,
		   "  1 mount    tmpfs on /dev type tmpfs (nosuid,size=500000,mode=755) [create=dir,no-symlinks]  # lxc.autodev\n"
		   "  2 mkdir    /dev/shm mode 1777 [no-symlinks]  # lxc.autodev\n"
		   "  3 mkdir    /dev/mqueue mode 0755 [no-symlinks]  # lxc.autodev\n"
		   "  4 mknod    /dev/null c 1:3 mode 0666 (or bind /dev/null) [no-symlinks]  # lxc.autodev\n"
		   "  5 mknod    /dev/zero c 1:5 mode 0666 (or bind /dev/zero) [no-symlinks]  # lxc.autodev\n"
		   "  6 mknod    /dev/full c 1:7 mode 0666 (or bind /dev/full) [no-symlinks]  # lxc.autodev\n"
		   "  7 mknod    /dev/random c 1:8 mode 0666 (or bind /dev/random) [no-symlinks]  # lxc.autodev\n"
		   "  8 mknod    /dev/urandom c 1:9 mode 0666 (or bind /dev/urandom) [no-symlinks]  # lxc.autodev\n"
		   "  9 mknod    /dev/tty c 5:0 mode 0666 (or bind /dev/tty) [no-symlinks]  # lxc.autodev\n"
		   " 10 mount    devpts on /dev/pts type devpts (nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5) (on EINVAL: newinstance,ptmxmode=0666,mode=0620) [create=dir,no-symlinks]  # lxc.autodev\n"
		   " 11 symlink  /dev/ptmx -> pts/ptmx [no-symlinks]  # lxc.autodev\n"
		   " 12 symlink  /dev/fd -> /proc/self/fd [no-symlinks]  # /dev symlinks\n"
		   " 13 symlink  /dev/stdin -> /proc/self/fd/0 [no-symlinks]  # /dev symlinks\n"
		   " 14 symlink  /dev/stdout -> /proc/self/fd/1 [no-symlinks]  # /dev symlinks\n"
		   " 15 symlink  /dev/stderr -> /proc/self/fd/2 [no-symlinks]  # /dev symlinks\n"
		   " 16 touch    /dev/console mode 0600 [no-symlinks]  # lxc.tty\n");
	conf_release(c);
}

TEST(mount_plan_autodev_size_ttydir_hooks)
{
	struct lxc_conf *c = conf_with_rootfs();
	struct lxc_error err;
	char *t;

	c->autodev = 1;
	c->autodev_tmpfs_size = 2;
	c->pty_max = 100;
	c->tty_max = 2;
	c->tty_dir = xstrdup("lxc");
	c->console_path = xstrdup("none");
	strlist_push(&c->hooks[HOOK_AUTODEV], "/bin/true");
	strlist_push(&c->hooks[HOOK_MOUNT], "/bin/true");
	t = plan_text(c, false, &err);
	CHECK(t != NULL);
	if (t) {
		CHECK(strstr(t, "  1 mount    tmpfs on /dev type tmpfs (nosuid,size=2m,mode=755)"));
		/* mount hook after the mounts, autodev hook before the nodes */
		CHECK(strstr(t, "  4 hook     mount  # lxc.hook.mount\n  5 hook     autodev  # lxc.hook.autodev\n"
			      "  6 mknod    /dev/null"));
		CHECK(strstr(t, "gid=5,max=100)"));
		CHECK(strstr(t, "touch    /dev/lxc/tty1 mode 0600 [no-symlinks]  # lxc.tty.dir\n"
			      " 19 symlink  /dev/tty1 -> lxc/tty1 [no-symlinks,replace]  # lxc.tty.dir\n"
			      " 20 touch    /dev/lxc/tty2"));
		CHECK(!strstr(t, "console")); /* lxc.console.path = none */
	}
	free(t);
	conf_release(c);
}

TEST(mount_plan_no_autodev_devpts_binds_ptmx)
{
	struct lxc_conf *c = conf_with_rootfs();

	c->pty_max = 4;
	c->tty_max = 1;
	CHECK_PLAN(c, false,
		   "  1 mount    devpts on /dev/pts type devpts (nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5,max=4) (on EINVAL: newinstance,ptmxmode=0666,mode=0620,max=4) [create=dir,no-symlinks]  # lxc.pty.max\n"
		   "  2 bind     <rootfs>/dev/pts/ptmx on /dev/ptmx [create=file]  # lxc.pty.max\n"
		   "  3 symlink  /dev/fd -> /proc/self/fd  # /dev symlinks\n"
		   "  4 symlink  /dev/stdin -> /proc/self/fd/0  # /dev symlinks\n"
		   "  5 symlink  /dev/stdout -> /proc/self/fd/1  # /dev symlinks\n"
		   "  6 symlink  /dev/stderr -> /proc/self/fd/2  # /dev symlinks\n"
		   "  7 touch    /dev/console mode 0600  # lxc.tty\n"
		   "  8 touch    /dev/tty1 mode 0600  # lxc.tty\n");
	conf_release(c);
}

/* lxc-execute: the console's placeholder stays, the ttys' go */
TEST(mount_plan_no_ttys_keeps_the_console)
{
	struct lxc_conf *c = conf_with_rootfs();
	struct mount_plan_opts opts = { .no_ttys = true };
	struct mount_plan plan = { 0 };
	struct lxc_error err;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	c->tty_max = 2;
	CHECK(mount_plan_compile(c, &opts, &plan, &err) == 0);
	f = open_memstream(&text, &len);
	mount_plan_format(&plan, f);
	fclose(f);
	CHECK(strstr(text, "touch    /dev/console mode 0600") != NULL);
	CHECK(strstr(text, "/dev/tty1") == NULL);
	free(text);
	mount_plan_free(&plan);
	conf_release(c);
}

static const char proc_mixed_base[] =
	"  1 mount    proc on /proc type proc (nosuid,nodev,noexec) [create=dir,no-symlinks]  # lxc.mount.auto proc:mixed\n"
	"  2 bind     <rootfs>/proc/sys on /proc/sys (ro) [no-symlinks]  # lxc.mount.auto proc:mixed\n";

TEST(mount_plan_proc_mixed_with_and_without_netns)
{
	struct lxc_conf *c = conf_with_rootfs();
	char want[2048];

	c->mount_auto = AUTO_PROC_MIXED;
	c->console_path = xstrdup("none");
	snprintf(want, sizeof(want), "%s%s%s", proc_mixed_base,
		 "  3 bind     <rootfs>/proc/sys/net on /proc/sys/net (rw) [no-symlinks,if-exists]  # lxc.mount.auto proc:mixed\n",
		 "  4 bind     <rootfs>/proc/sysrq-trigger on /proc/sysrq-trigger (ro) [no-symlinks,if-exists]  # lxc.mount.auto proc:mixed\n");
	{
		struct lxc_error e;
		char *t = plan_text(c, true, &e);

		CHECK(t && str_starts_with(t, want));
		free(t);
		snprintf(want, sizeof(want), "%s%s", proc_mixed_base,
			 "  3 bind     <rootfs>/proc/sysrq-trigger on /proc/sysrq-trigger (ro) [no-symlinks,if-exists]  # lxc.mount.auto proc:mixed\n");
		t = plan_text(c, false, &e);
		CHECK(t && str_starts_with(t, want));
		free(t);
	}
	conf_release(c);
}

TEST(mount_plan_sys_variants)
{
	struct lxc_conf *c = conf_with_rootfs();
	struct lxc_error e;
	char *t;

	c->console_path = xstrdup("none");
	c->mount_auto = AUTO_SYS_MIXED;
	t = plan_text(c, false, &e);
	CHECK(t && str_starts_with(t,
		"  1 mount    sysfs on /sys type sysfs (nosuid,nodev,noexec) [create=dir,no-symlinks]  # lxc.mount.auto sys:mixed\n"
		"  2 remount  /sys (ro) [no-symlinks]  # lxc.mount.auto sys:mixed\n"
		"  3 bind     <rootfs>/sys/devices/virtual/net on /sys/devices/virtual/net (rw) [no-symlinks]  # lxc.mount.auto sys:mixed\n"
		"  4 symlink"));
	free(t);
	c->mount_auto = AUTO_SYS_RO | AUTO_PROC_RW;
	t = plan_text(c, false, &e);
	CHECK(t && str_starts_with(t,
		"  1 mount    proc on /proc type proc (nosuid,nodev,noexec) [create=dir,no-symlinks]  # lxc.mount.auto proc:rw\n"
		"  2 mount    sysfs on /sys type sysfs (ro,nosuid,nodev,noexec) [create=dir,no-symlinks]  # lxc.mount.auto sys:ro\n"
		"  3 symlink"));
	free(t);
	c->mount_auto = AUTO_SYS_RW;
	t = plan_text(c, false, &e);
	CHECK(t && str_starts_with(t,
		"  1 mount    sysfs on /sys type sysfs (nosuid,nodev,noexec) [create=dir,no-symlinks]  # lxc.mount.auto sys:rw\n"
		"  2 symlink"));
	free(t);
	conf_release(c);
}

TEST(mount_plan_entries)
{
	struct lxc_conf *c = xzalloc(sizeof(*c));

	c->autodev = 0;
	strlist_push(&c->mount_entries, "/srv/data mnt/data none bind,ro,create=dir 0 0");
	strlist_push(&c->mount_entries, "tmpfs /run tmpfs size=10m,mode=755,nosuid,rslave,optional,nofail,x-systemd.foo");
	strlist_push(&c->mount_entries, "/srv/tree /opt/tree none rbind,ro,nodev,rw,shared");
	strlist_push(&c->mount_entries, "dev/null proc/kcore none bind,relative");
	strlist_push(&c->mount_entries, "/srv/file\\040name etc/my\\040file none bind,create=file,noatime");
	strlist_push(&c->mount_entries, "proc proc proc");
	CHECK_PLAN(c, false,
		   "  1 bind     /srv/data on /mnt/data (ro) [create=dir]  # lxc.mount.entry #1\n"
		   "  2 mount    tmpfs on /run type tmpfs (nosuid,rslave,size=10m,mode=755) [optional]  # lxc.mount.entry #2\n"
		   "  3 bind     /srv/tree on /opt/tree (rec,nodev,shared)  # lxc.mount.entry #3\n"
		   "  4 bind     <rootfs>/dev/null on /proc/kcore  # lxc.mount.entry #4\n"
		   "  5 bind     /srv/file name on /etc/my file (noatime) [create=file]  # lxc.mount.entry #5\n"
		   "  6 mount    proc on /proc type proc  # lxc.mount.entry #6\n");
	conf_release(c);
}

TEST(mount_plan_fstab_then_entries)
{
	struct lxc_conf *c = xzalloc(sizeof(*c));
	char path[] = "/tmp/hmnt-fstab-XXXXXX";
	int fd = mkstemp(path);
	static const char fstab[] = "# comment\n\nproc proc proc nodev,noexec,nosuid 0 0\n"
				    "   /srv/x mnt/x none bind 0 0   \n";
	char want[1024];

	CHECK(fd >= 0);
	CHECK(write(fd, fstab, sizeof(fstab) - 1) == (ssize_t)(sizeof(fstab) - 1));
	close(fd);
	c->mount_fstab = xstrdup(path);
	strlist_push(&c->mount_entries, "tmpfs tmp tmpfs defaults");
	snprintf(want, sizeof(want),
		 "  1 mount    proc on /proc type proc (nosuid,nodev,noexec)  # lxc.mount.fstab %s line 3\n"
		 "  2 bind     /srv/x on /mnt/x  # lxc.mount.fstab %s line 4\n"
		 "  3 mount    tmpfs on /tmp type tmpfs  # lxc.mount.entry #1\n", path, path);
	CHECK_PLAN(c, false, want);
	unlink(path);
	CHECK_PLAN_ERR(c, "lxc.mount.fstab: ");
	conf_release(c);
}

TEST(mount_plan_cgroup_and_shmounts)
{
	struct lxc_conf *c = xzalloc(sizeof(*c));

	c->mount_auto = AUTO_CGROUP_MIXED | AUTO_CGROUP_FORCE | AUTO_SHMOUNTS;
	c->shmounts_host = xstrdup("/run/lxc-shm/web");
	strlist_push(&c->mount_entries, "tmpfs mnt tmpfs defaults");
	CHECK_PLAN(c, false,
		   "  1 mount    tmpfs on /mnt type tmpfs  # lxc.mount.entry #1\n"
		   "  2 bind     /run/lxc-shm/web on /dev/.lxc-mounts (rec,rslave) [create=dir]  # lxc.mount.auto shmounts\n"
		   "  3 cgroup   /sys/fs/cgroup cgroup:mixed:force  # lxc.mount.auto cgroup\n");
	c->shmounts_container = xstrdup("/mnt/shared/");
	c->mount_auto = AUTO_SHMOUNTS | AUTO_CGROUP_FULL_RO;
	CHECK_PLAN(c, false,
		   "  1 mount    tmpfs on /mnt type tmpfs  # lxc.mount.entry #1\n"
		   "  2 bind     /run/lxc-shm/web on /mnt/shared (rec,rslave) [create=dir]  # lxc.mount.auto shmounts\n"
		   "  3 cgroup   /sys/fs/cgroup cgroup-full:ro  # lxc.mount.auto cgroup\n");
	free(c->shmounts_host);
	c->shmounts_host = NULL;
	CHECK_PLAN_ERR(c, "shmounts needs an absolute host path");
	conf_release(c);
}

/* What a start runs before the container is in its cgroups: everything up to the first
 * hook, device node, filesystem on a device, or cgroup mount it does not leave to the
 * container (mount_plan_host_barrier). first_kind: index of the first op of that kind. */
static size_t first_kind(const struct mount_plan *plan, enum mount_op_kind kind)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->ops[i].kind == kind)
			return i;
	return plan->n;
}

TEST(mount_plan_host_barrier)
{
	struct lxc_conf *c = conf_with_rootfs();
	struct mount_plan_opts opts = { .has_netns = true };
	struct lxc_error err = { 0 };
	struct mount_plan plan = { 0 };

	/* binds and device-less filesystems only: all of it */
	strlist_push(&c->mount_entries, "/srv/data mnt/data none bind,ro,create=dir 0 0");
	strlist_push(&c->mount_entries, "tmpfs run tmpfs defaults 0 0");
	strlist_push(&c->mount_entries, "proc proc proc defaults 0 0");
	CHECK(mount_plan_compile(c, &opts, &plan, &err) == 0);
	CHECK(mount_plan_host_barrier(&plan, true) == plan.n);
	mount_plan_free(&plan);
	/* a filesystem on a device waits for the devices cgroup; what follows it too */
	strlist_push(&c->mount_entries, "/dev/sdb1 mnt/disk ext4 defaults 0 0");
	strlist_push(&c->mount_entries, "tmpfs tmp tmpfs defaults 0 0");
	CHECK(mount_plan_compile(c, &opts, &plan, &err) == 0);
	CHECK(mount_plan_host_barrier(&plan, true) == 3); /* the 4th entry */
	CHECK(plan.ops[3].fstype && !strcmp(plan.ops[3].fstype, "ext4"));
	mount_plan_free(&plan);
	strlist_clear(&c->mount_entries);
	/* a cgroup mount only when it is not left to the container */
	c->mount_auto = AUTO_CGROUP_MIXED;
	CHECK(mount_plan_compile(c, &opts, &plan, &err) == 0);
	CHECK(mount_plan_host_barrier(&plan, true) == plan.n);
	CHECK(mount_plan_host_barrier(&plan, false) == first_kind(&plan, MOUNT_OP_CGROUP));
	CHECK(first_kind(&plan, MOUNT_OP_CGROUP) < plan.n);
	mount_plan_free(&plan);
	/* autodev: /dev itself before, its device nodes after */
	c->autodev = 1;
	CHECK(mount_plan_compile(c, &opts, &plan, &err) == 0);
	CHECK(first_kind(&plan, MOUNT_OP_MKNOD) < plan.n);
	CHECK(mount_plan_host_barrier(&plan, true) == first_kind(&plan, MOUNT_OP_MKNOD));
	CHECK(plan.ops[0].kind == MOUNT_OP_MOUNT && !strcmp(plan.ops[0].fstype, "tmpfs"));
	mount_plan_free(&plan);
	/* a mount hook waits for everything */
	c->autodev = 0;
	c->mount_auto = 0;
	strlist_push(&c->hooks[HOOK_MOUNT], "/bin/true");
	CHECK(mount_plan_compile(c, &opts, &plan, &err) == 0);
	CHECK(mount_plan_host_barrier(&plan, true) == first_kind(&plan, MOUNT_OP_HOOK));
	CHECK(first_kind(&plan, MOUNT_OP_HOOK) < plan.n);
	mount_plan_free(&plan);
	conf_release(c);
}

/* One bad lxc.mount.entry per row: the message names the entry and the problem. */
TEST(mount_plan_bad_entries)
{
	static const struct {
		const char *entry, *error;
	} rows[] = {
		{ "proc proc", "lxc.mount.entry #1: \"proc proc\": expected \"source target type [options [freq [passno]]]\"" },
		{ "a b c d 0 0 extra", "lxc.mount.entry #1: too many fields" },
		{ "tmpfs ../etc tmpfs defaults", "lxc.mount.entry #1: target \"../etc\" contains \"..\"" },
		{ "tmpfs mnt/../../x tmpfs defaults", "contains \"..\"" },
		{ "/srv / none bind", "target \"/\" is the container's root" },
		{ "srv mnt none bind", "bind source \"srv\" is not an absolute path" },
		{ "tmpfs mnt none defaults", "no filesystem type for \"mnt\" and not a bind mount" },
		{ "tmpfs mnt tmpfs create=sock", "\"create=sock\": create= takes \"dir\" or \"file\"" },
		{ "tmpfs mnt tmpfs create=dir,create=file", "create=dir and create=file are exclusive" },
		{ "x mnt tmpfs relative", "\"relative\" applies to bind mounts only" },
		{ "x ../y none bind,relative", "target \"../y\" contains \"..\"" },
		{ "../x y none bind,relative", "relative source \"../x\" contains \"..\"" },
		{ "x mnt tmpfs defaults 0 x", "field 6 (\"x\") must be a number" },
		{ "x mnt tmpfs shared,private", "conflicting propagation options (\"private\")" },
		{ "x mnt tmpfs remount", "\"remount\" is not supported in a mount entry" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct lxc_conf *c = xzalloc(sizeof(*c));

		strlist_push(&c->mount_entries, rows[i].entry);
		CHECK_PLAN_ERR(c, rows[i].error);
		conf_release(c);
	}
}

TEST(mount_plan_bad_auto)
{
	struct lxc_conf *c = xzalloc(sizeof(*c));

	c->mount_auto = AUTO_PROC_MIXED | AUTO_PROC_RW;
	CHECK_PLAN_ERR(c, "lxc.mount.auto: proc:mixed and proc:rw exclude each other");
	c->mount_auto = AUTO_SYS_RO | AUTO_SYS_RW;
	CHECK_PLAN_ERR(c, "only one of sys:ro, sys:mixed and sys:rw");
	conf_release(c);
}

TEST(mount_options_parse_words)
{
	struct mount_options o;
	struct lxc_error err;

	CHECK(mount_options_parse("ro,nosuid,rw,size=1m,auto,mode=0755,defaults,comment=x", &o, &err) == 0);
	CHECK_INT(o.flags, MS_NOSUID);
	CHECK_INT(o.clear, MS_RDONLY);
	CHECK_STR(o.data, "size=1m,mode=0755");
	mount_options_free(&o);
	CHECK(mount_options_parse("rbind,rprivate,optional,create=file", &o, &err) == 0);
	CHECK_INT(o.flags, MS_BIND | MS_REC);
	CHECK_INT(o.propagation, MS_PRIVATE | MS_REC);
	CHECK_INT(o.opts, MOUNT_OPT_OPTIONAL | MOUNT_OPT_CREATE_FILE);
	CHECK(o.data == NULL);
	mount_options_free(&o);
	CHECK(mount_options_parse("", &o, &err) == 0 && o.flags == 0 && !o.data);
	CHECK_ERR(mount_options_parse("slave,shared", &o, &err), &err, "conflicting propagation");
}

TEST(mount_entry_parse_fields)
{
	struct mount_entry e;
	struct lxc_error err;

	CHECK(mount_entry_parse("  /a\\040b\\011c\t mnt\\134x  none  bind  0  0\n", &e, &err) == 0);
	CHECK_STR(e.source, "/a b\tc");
	CHECK_STR(e.target, "mnt\\x");
	CHECK_STR(e.fstype, "none");
	CHECK_INT(e.options.flags, MS_BIND);
	mount_entry_free(&e);
	/* options default to "defaults"; a NUL escape stays literal */
	CHECK(mount_entry_parse("tmpfs t\\000 tmpfs", &e, &err) == 0);
	CHECK_STR(e.target, "t\\000");
	CHECK_INT(e.options.flags, 0);
	mount_entry_free(&e);
	CHECK_ERR(mount_entry_parse("", &e, &err), &err, "expected \"source target type");
}

TEST(mount_plan_log_and_describe)
{
	struct lxc_conf *c = conf_with_rootfs();
	struct mount_plan plan = { 0 };
	struct lxc_error err;
	char buf[64];

	c->mount_auto = AUTO_PROC_MIXED;
	CHECK(mount_plan_compile(c, NULL, &plan, &err) == 0);
	CHECK(plan.n > 3);
	mount_plan_log(&plan); /* TRACE is off: must not crash nor print */
	/* a small buffer truncates, never overflows */
	mount_op_describe(&plan.ops[0], buf, sizeof(buf));
	CHECK_INT(strlen(buf), sizeof(buf) - 1);
	CHECK(str_starts_with(buf, "mount    proc on /proc type proc"));
	mount_plan_free(&plan);
	conf_release(c);
}
