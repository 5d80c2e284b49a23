/* The container's init before it execs: joins what it shares, waits for the
 * monitor's host-side setup, builds its filesystem, then drops privileges and execs. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "hooks.h"
#include "log.h"
#include "mount.h"
#include "start_internal.h"
#include "terminal.h"
#include "utils.h"

extern char **environ;

__attribute__((noreturn)) static void child_fail(struct start_ctx *ctx, struct lxc_error *err)
{
	sync_send(ctx->sync_fd[1], SYNC_ERROR, err->msg, -1);
	_exit(1);
}

static int child_cgroup_mount(void *data, int rootfs_fd, unsigned flags, struct lxc_error *err)
{
	struct start_ctx *ctx = data;

	return cgroup_mount_auto(ctx->cgroup, rootfs_fd, flags, ctx->clone_flags & CLONE_NEWCGROUP, err);
}

static int set_hostname(struct start_ctx *ctx, struct lxc_error *err)
{
	const char *host = ctx->conf->uts_name ? ctx->conf->uts_name : ctx->name;

	if (!(ctx->clone_flags & CLONE_NEWUTS))
		return 0;
	if (sethostname(host, strlen(host)) < 0)
		return error_sys(err, errno, "failed to set the hostname to \"%s\"", host);
	return 0;
}

/* lxc.sysctl.* through the host's /proc, still mounted: namespaced sysctls
 * resolve to the writer's namespaces. */
static int apply_sysctls(struct start_ctx *ctx, struct lxc_error *err)
{
	for (size_t i = 0; i < ctx->conf->n_sysctls; i++) {
		const struct conf_kv *kv = &ctx->conf->sysctls[i];
		_cleanup_free_ char *path = xasprintf("/proc/sys/%s", kv->key);

		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		if (strstr(kv->key, ".."))
			return error_set(err, "lxc.sysctl.%s: invalid name", kv->key);
		if (file_write_str(path, kv->value, err) < 0)
			return error_prefix(err, "lxc.sysctl.%s", kv->key);
	}
	for (size_t i = 0; i < ctx->conf->n_procs; i++) {
		const struct conf_kv *kv = &ctx->conf->procs[i];
		_cleanup_free_ char *path = xasprintf("/proc/self/%s", kv->key);

		if (strchr(kv->key, '/') || strstr(kv->key, ".."))
			return error_set(err, "lxc.proc.%s: invalid name", kv->key);
		if (file_write_str(path, kv->value, err) < 0)
			return error_prefix(err, "lxc.proc.%s", kv->key);
	}
	return 0;
}

static int apply_prlimits(struct start_ctx *ctx, struct lxc_error *err)
{
	for (size_t i = 0; i < ctx->conf->n_prlimits; i++) {
		const struct conf_prlimit *l = &ctx->conf->prlimits[i];
		struct rlimit rl = { .rlim_cur = l->soft, .rlim_max = l->hard };

		if (setrlimit(l->resource, &rl) < 0)
			return error_sys(err, errno, "failed to set lxc.prlimit.%s", l->name);
	}
	return 0;
}

/* lxc.tty.max ptys from the container's own devpts; slaves bind-mounted on /dev/ttyN
 * (or /dev/<tty.dir>/ttyN), masters handed to the monitor. */
static int setup_ttys(struct start_ctx *ctx, int rootfs_fd, struct lxc_error *err)
{
	_cleanup_close_ int ptmx = -1;
	const char *dir = ctx->conf->tty_dir;

	if (!ctx->conf->tty_max)
		return 0;
	ptmx = openat(rootfs_fd, "dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
	if (ptmx < 0)
		return error_sys(err, errno, "failed to open the container's dev/pts/ptmx (lxc.tty.max needs devpts)");
	for (unsigned i = 1; i <= ctx->conf->tty_max; i++) {
		_cleanup_close_ int master = -1, slave = -1;
		_cleanup_free_ char *target = dir && *dir ? xasprintf("dev/%s/tty%u", dir, i) : xasprintf("dev/tty%u", i);

		if (terminal_openpty_at(ptmx, &master, &slave, err) < 0)
			return error_prefix(err, "tty%u", i);
		if (mount_bind_fd(slave, rootfs_fd, target, 0, err) < 0)
			return -1;
		if (dir && *dir) {
			_cleanup_free_ char *link = xasprintf("dev/tty%u", i);
			_cleanup_free_ char *dest = xasprintf("%s/tty%u", dir, i);

			unlinkat(rootfs_fd, link, 0);
			if (symlinkat(dest, rootfs_fd, link) < 0)
				return error_sys(err, errno, "failed to create /dev/tty%u", i);
		}
		if (sync_send(ctx->sync_fd[1], SYNC_TTY_FD, NULL, master) < 0)
			return error_sys(err, errno, "failed to send tty%u to the monitor", i);
	}
	return 0;
}

static int setup_console(struct start_ctx *ctx, int rootfs_fd, struct lxc_error *err)
{
	const char *target = "dev/console";
	_cleanup_free_ char *alt = NULL;

	if (ctx->console.slave < 0)
		return 0;
	if (ctx->conf->tty_dir && *ctx->conf->tty_dir) {
		alt = xasprintf("dev/%s/console", ctx->conf->tty_dir);
		if (mount_bind_fd(ctx->console.slave, rootfs_fd, alt, 0, err) < 0)
			return -1;
	}
	return mount_bind_fd(ctx->console.slave, rootfs_fd, target, 0, err);
}

static int setup_filesystem(struct start_ctx *ctx, struct lxc_error *err)
{
	struct mount_plan plan = { 0 };
	struct rootfs rootfs = { 0 };
	int ret = -1;

	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return error_sys(err, errno, "failed to make / a slave mount");
	if (start_run_hook(ctx, HOOK_PRE_MOUNT, err) < 0)
		return -1;
	if (rootfs_mount(&rootfs, ctx->conf, ctx->name, ctx->lxcpath, err) < 0)
		return -1;
	if (mount_plan_build(&plan, ctx->conf, &rootfs, err) < 0)
		goto out;
	mount_plan_log(&plan);
	if (mount_plan_run(&plan, &rootfs, child_cgroup_mount, ctx, err) < 0)
		goto out;
	setenv("LXC_ROOTFS_MOUNT", rootfs.mount_path, 1);
	if (start_run_hook(ctx, HOOK_MOUNT, err) < 0)
		goto out;
	if (setup_ttys(ctx, rootfs.fd, err) < 0 || setup_console(ctx, rootfs.fd, err) < 0)
		goto out;
	if (ctx->conf->autodev != 0 && start_run_hook(ctx, HOOK_AUTODEV, err) < 0)
		goto out;
	if (apply_sysctls(ctx, err) < 0)
		goto out;
	if (lsm_open_attr(&ctx->lsm, err) < 0)
		goto out;
	if (rootfs_pivot(&rootfs, err) < 0)
		goto out;
	ret = 0;
out:
	mount_plan_free(&plan);
	rootfs_free(&rootfs);
	return ret;
}

static void build_environment(struct start_ctx *ctx)
{
	const char *term = getenv("TERM");
	_cleanup_free_ char *keep_term = term ? xstrdup(term) : NULL;
	_cleanup_free_ char *ttys = NULL;

	clearenv();
	setenv("container", "lxc", 1);
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	if (ctx->opts->execute && keep_term)
		setenv("TERM", keep_term, 1);
	if (ctx->conf->tty_max) {
		ttys = xstrdup("");
		for (unsigned i = 1; i <= ctx->conf->tty_max; i++) {
			char *next = xasprintf("%s%stty%u", ttys, i > 1 ? " " : "", i);

			free(ttys);
			ttys = next;
		}
		setenv("container_ttys", ttys, 1);
	}
	for (size_t i = 0; i < ctx->conf->environment.len; i++) {
		const char *kv = ctx->conf->environment.items[i];
		const char *eq = strchr(kv, '=');

		if (eq) {
			_cleanup_free_ char *key = xstrndup(kv, eq - kv);

			setenv(key, eq + 1, 1);
		}
	}
}

/* stdin/out/err: the console (a new session with it as controlling tty), or for
 * lxc-execute whatever the caller gave us. */
static int setup_stdio(struct start_ctx *ctx, struct lxc_error *err)
{
	int fd = ctx->console.slave;

	if (ctx->opts->execute || fd < 0) {
		if (!ctx->opts->execute) {
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);

			/* no console: do not leak the caller's terminal into the container */
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
				close(null);
			}
			setsid();
		}
		return 0;
	}
	if (setsid() < 0)
		return error_sys(err, errno, "setsid failed");
	if (ioctl(fd, TIOCSCTTY, 0) < 0)
		return error_sys(err, errno, "failed to make the console the controlling terminal");
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			return error_sys(err, errno, "failed to set up stdio");
	return 0;
}

static int drop_privileges(struct start_ctx *ctx, struct lxc_error *err)
{
	const struct lxc_conf *conf = ctx->conf;
	uid_t uid = conf->init_uid >= 0 ? (uid_t)conf->init_uid : 0;
	gid_t gid = conf->init_gid >= 0 ? (gid_t)conf->init_gid : 0;

	if (conf->init_cwd && chdir(conf->init_cwd) < 0)
		return error_sys(err, errno, "lxc.init.cwd: failed to change to \"%s\"", conf->init_cwd);
	if (!conf->init_cwd && chdir("/") < 0)
		return error_sys(err, errno, "failed to change to /");
	if (lsm_apply(&ctx->lsm, err) < 0)
		return -1;
	if (caps_drop_bounding(ctx->caps_keep, err) < 0)
		return -1;
	if (conf->no_new_privs > 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return error_sys(err, errno, "failed to set no_new_privs");
	if (seccomp_install(&ctx->seccomp, NULL, err) < 0)
		return error_prefix(err, "seccomp");
	if (gid != 0 || uid != 0 || conf->init_groups.len) {
		gid_t groups[64];
		size_t n = 0;

		for (size_t i = 0; i < conf->init_groups.len && n < ARRAY_SIZE(groups); i++) {
			unsigned g;

			if (str_to_uint(conf->init_groups.items[i], &g) == 0)
				groups[n++] = g;
		}
		if (setgroups(n, groups) < 0)
			return error_sys(err, errno, "failed to set supplementary groups");
		if (setresgid(gid, gid, gid) < 0)
			return error_sys(err, errno, "lxc.init.gid: failed to switch to gid %u", (unsigned)gid);
		if (setresuid(uid, uid, uid) < 0)
			return error_sys(err, errno, "lxc.init.uid: failed to switch to uid %u", (unsigned)uid);
		/* a credential change clears it */
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	}
	return caps_apply(ctx->caps_keep, err);
}

static int exec_init(struct start_ctx *ctx, struct lxc_error *err)
{
	int keep[2] = { ctx->sync_fd[1], ctx->exec_memfd };

	close_fds_from(3, keep, ctx->exec_memfd >= 0 ? 2 : 1);
	if (ctx->exec_memfd >= 0) {
		syscall(SYS_execveat, ctx->exec_memfd, "", ctx->init_argv, environ, AT_EMPTY_PATH);
		return error_sys(err, errno, "failed to exec the init of lxc-execute");
	}
	execvp(ctx->init_argv[0], ctx->init_argv);
	return error_sys(err, errno, "failed to exec \"%s\"", ctx->init_argv[0]);
}

void start_child(struct start_ctx *ctx)
{
	struct lxc_error err = { 0 };
	sigset_t none;

	/* die with the monitor: no window in which a container runs unsupervised */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	close(ctx->sync_fd[0]);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (ns_join_shared(ctx->share_fds, &err) < 0)
		child_fail(ctx, &err);
	if (sync_send(ctx->sync_fd[1], SYNC_CHILD_READY, NULL, -1) < 0)
		_exit(1);
	if (sync_expect(ctx->sync_fd[1], SYNC_HOST_DONE, NULL, &err) < 0)
		_exit(1); /* the monitor is gone or gave up */
	if (ctx->clone_flags & CLONE_NEWUSER) {
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			error_sys(&err, errno, "failed to become root in the user namespace");
			child_fail(ctx, &err);
		}
	}
	if (ctx->conf->personality != ~0UL && personality(ctx->conf->personality) < 0) {
		error_sys(&err, errno, "lxc.arch: failed to set personality");
		child_fail(ctx, &err);
	}
	if (set_hostname(ctx, &err) < 0)
		child_fail(ctx, &err);
	if ((ctx->clone_flags & CLONE_NEWNET) && net_configure_container_side(ctx->conf, &ctx->net, &err) < 0)
		child_fail(ctx, &err);
	if (setup_filesystem(ctx, &err) < 0)
		child_fail(ctx, &err);
	if (apply_prlimits(ctx, &err) < 0)
		child_fail(ctx, &err);
	build_environment(ctx);
	if (start_run_hook(ctx, HOOK_START, &err) < 0)
		child_fail(ctx, &err);
	if (sync_send(ctx->sync_fd[1], SYNC_SETUP_DONE, NULL, -1) < 0)
		_exit(1);
	if (sync_expect(ctx->sync_fd[1], SYNC_GO, NULL, &err) < 0)
		_exit(1);
	if (setup_stdio(ctx, &err) < 0 || drop_privileges(ctx, &err) < 0)
		child_fail(ctx, &err);
	exec_init(ctx, &err);
	child_fail(ctx, &err);
}
