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

/* A pty slave the monitor opened sits on a mount of the host's mount namespace, which
 * cannot be bind-mounted from ours: reopen it by name through our copy of /dev/pts. */
static int bind_pty(const char *name, int rootfs_fd, const char *target, struct lxc_error *err)
{
	/* O_PATH: the device is not opened, so the container's devices rules (applied by now)
	 * do not decide whether its console can be bound, as LXC's bind by path */
	_cleanup_close_ int fd = open(name, O_PATH | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return error_sys(err, errno, "failed to reopen \"%s\"", name);
	return mount_bind_fd(fd, rootfs_fd, target, 0, err);
}

/* lxc.tty.max: the slaves of open_ttys (held since, on our copy of the host's devpts) are
 * bind-mounted on /dev/ttyN, or on /dev/<tty.dir>/ttyN with /dev/ttyN symlinks. */
static int setup_ttys(struct start_ctx *ctx, int rootfs_fd, struct lxc_error *err)
{
	const char *dir = ctx->conf->tty_dir;

	for (size_t i = 0; i < ctx->n_ttys; i++) {
		unsigned n = i + 1;
		_cleanup_free_ char *target = dir && *dir ? xasprintf("dev/%s/tty%u", dir, n) : xasprintf("dev/tty%u", n);

		if (mount_bind_fd(ctx->tty_slaves[i], rootfs_fd, target, 0, err) < 0)
			return error_prefix(err, "tty%u", n);
		close(ctx->tty_slaves[i]);
		ctx->tty_slaves[i] = -1;
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
		if (bind_pty(ctx->console.slave_name, rootfs_fd, alt, err) < 0)
			return -1;
	}
	return bind_pty(ctx->console.slave_name, rootfs_fd, target, err);
}

static int child_run_hook(void *data, const char *hook, struct lxc_error *err)
{
	struct start_ctx *ctx = data;

	if (!strcmp(hook, "mount"))
		return start_run_hook(ctx, HOOK_MOUNT, err);
	if (!strcmp(hook, "autodev"))
		return start_run_hook(ctx, HOOK_AUTODEV, err);
	return error_set(err, "unknown hook \"%s\"", hook);
}

/* SYNC_HOST_DONE: the monitor has moved us into our cgroups, written the id maps and
 * made the network devices. */
static int wait_host_done(struct start_ctx *ctx, struct lxc_error *err)
{
	_cleanup_free_ char *cgroup_text = NULL;

	if (sync_expect_text(ctx->sync_fd[1], SYNC_HOST_DONE, &cgroup_text, NULL, err) < 0)
		_exit(1); /* the monitor is gone or gave up */
	if (*cgroup_text && cgroup_ctx_deserialize(&ctx->cgroup, cgroup_text, err) < 0)
		return error_prefix(err, "start handshake");
	return 0;
}

/* SYNC_CONSOLE: the console, opened by the monitor while we set up the mounts. */
static int wait_console(struct start_ctx *ctx, struct lxc_error *err)
{
	_cleanup_free_ char *name = NULL;
	int fd = -1;

	if (sync_expect_text(ctx->sync_fd[1], SYNC_CONSOLE, &name, &fd, err) < 0)
		_exit(1);
	if (*name && fd < 0)
		return error_set(err, "start handshake: the console came without its fd");
	if (*name) {
		ctx->console.slave_name = steal_ptr(name);
		ctx->console.slave = fd;
	}
	return 0;
}

/* lxc.tty.max ptys from the host's devpts (the container's own devpts is capped by
 * lxc.pty.max), opened by init rather than by the monitor, which is busy with the cgroups
 * meanwhile (a pty costs a few hundred microseconds), and before SYNC_CHILD_READY: the
 * monitor applies the cgroup settings only after it, so the container's devices rules do
 * not apply yet, as to anything the monitor opens. Each master goes to the monitor
 * (SYNC_TTY); the slaves stay here until setup_ttys binds them. */
static int open_ttys(struct start_ctx *ctx, struct lxc_error *err)
{
	unsigned n = start_tty_count(ctx);

	if (!n)
		return 0;
	ctx->tty_names = xzalloc(n * sizeof(char *));
	ctx->tty_slaves = xmalloc(n * sizeof(int));
	for (unsigned i = 0; i < n; i++) {
		_cleanup_close_ int master = -1;

		if (terminal_openpty("/dev/ptmx", &master, &ctx->tty_slaves[i], &ctx->tty_names[i], err) < 0)
			return error_prefix(err, "tty%u", i + 1);
		ctx->n_ttys++;
		if (sync_send(ctx->sync_fd[1], SYNC_TTY, ctx->tty_names[i], master) < 0)
			return error_sys(err, errno, "failed to hand tty%u to the monitor", i + 1);
	}
	return 0;
}

/* How far the child got before the monitor's SYNC_HOST_DONE (setup_early). */
struct child_progress {
	bool named;        /* hostname set */
	bool net_done;     /* loopback up (no NIC needs the host) */
	bool rootfs_done;  /* / made a slave, pre-mount hooks run, rootfs mounted */
	size_t plan_next;  /* mount plan operations done */
	bool ttys_bound;   /* ttys bound on /dev/ttyN */
};

static int mount_rootfs_once(struct start_ctx *ctx, struct child_progress *p, struct lxc_error *err)
{
	if (p->rootfs_done)
		return 0;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return error_sys(err, errno, "failed to make / a slave mount");
	if (start_run_hook(ctx, HOOK_PRE_MOUNT, err) < 0)
		return -1;
	if (rootfs_mount(&ctx->rootfs, err) < 0)
		return -1;
	if (ctx->rootfs.mount_point)
		setenv("LXC_ROOTFS_MOUNT", ctx->rootfs.mount_point, 1);
	mount_plan_log(&ctx->plan);
	p->rootfs_done = true;
	return 0;
}

static int run_plan(struct start_ctx *ctx, struct child_progress *p, size_t to, struct lxc_error *err)
{
	struct mount_exec_ctx exec = {
		.rootfs_fd = ctx->rootfs.fd,
		.rootfs_display = ctx->rootfs.mount_point,
		.cgroup_mount = child_cgroup_mount,
		.run_hook = child_run_hook,
		.data = ctx,
	};

	if (mount_plan_exec_range(&ctx->plan, &exec, p->plan_next, to, err) < 0)
		return -1;
	p->plan_next = to;
	return 0;
}

/* While the monitor makes the cgroups and ptys: what needs none of them, nor the host's
 * side of the network, nor id maps, nor a hook (see mount_plan_host_barrier). */
static int setup_early(struct start_ctx *ctx, struct child_progress *p, struct lxc_error *err)
{
	if (ctx->clone_flags & CLONE_NEWUSER)
		return 0; /* unmapped until the monitor writes the id maps: files made now would be nobody's */
	if (set_hostname(ctx, err) < 0)
		return -1;
	p->named = true;
	if ((ctx->clone_flags & CLONE_NEWNET) && !net_needs_host_side(ctx->conf)) {
		if (net_configure_container_side(ctx->conf, err) < 0)
			return -1;
		p->net_done = true;
	}
	if (ctx->conf->hooks[HOOK_PRE_MOUNT].len)
		return 0;
	if (mount_rootfs_once(ctx, p, err) < 0 || run_plan(ctx, p, mount_plan_host_barrier(&ctx->plan, start_cgroup_mounts_inert(ctx)), err) < 0)
		return -1;
	/* the ttys go on the plan's placeholders, after everything the plan does (as in LXC,
	 * the autodev hook still sees the placeholders) */
	if (p->plan_next < ctx->plan.n)
		return 0;
	if (setup_ttys(ctx, ctx->rootfs.fd, err) < 0)
		return -1;
	p->ttys_bound = true;
	return 0;
}

/* rootfs and plan were compiled by the monitor before clone: here they only run */
static int setup_filesystem(struct start_ctx *ctx, struct child_progress *p, struct lxc_error *err)
{
	if (mount_rootfs_once(ctx, p, err) < 0 || run_plan(ctx, p, ctx->plan.n, err) < 0 || wait_console(ctx, err) < 0)
		return -1;
	if ((!p->ttys_bound && setup_ttys(ctx, ctx->rootfs.fd, err) < 0) || setup_console(ctx, ctx->rootfs.fd, err) < 0)
		return -1;
	if (apply_sysctls(ctx, err) < 0)
		return -1;
	if (lsm_open_attr(&ctx->lsm, err) < 0)
		return -1;
	return rootfs_pivot(&ctx->rootfs, err);
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
	if (start_tty_count(ctx)) {
		ttys = xstrdup("");
		for (unsigned i = 1; i <= start_tty_count(ctx); i++) {
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
	struct child_progress progress = { 0 };
	struct lxc_error err = { 0 };
	sigset_t none;

	/* die with the monitor: no window in which a container runs unsupervised */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	close(ctx->sync_fd[0]);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (ns_join_shared(ctx->share_fds, &err) < 0)
		child_fail(ctx, &err);
	if (open_ttys(ctx, &err) < 0)
		child_fail(ctx, &err);
	if (sync_send(ctx->sync_fd[1], SYNC_CHILD_READY, NULL, -1) < 0)
		_exit(1);
	if (setup_early(ctx, &progress, &err) < 0 || wait_host_done(ctx, &err) < 0)
		child_fail(ctx, &err);
	if (ctx->clone_flags & CLONE_NEWUSER) {
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			error_sys(&err, errno, "failed to become root in the user namespace");
			child_fail(ctx, &err);
		}
	}
	/* the monitor has moved us into the payload cgroup: that becomes our cgroup root */
	if ((ctx->clone_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
		error_sys(&err, errno, "failed to create the cgroup namespace");
		child_fail(ctx, &err);
	}
	if (ctx->conf->personality != ~0UL && personality(ctx->conf->personality) < 0) {
		error_sys(&err, errno, "lxc.arch: failed to set personality");
		child_fail(ctx, &err);
	}
	if (!progress.named && set_hostname(ctx, &err) < 0)
		child_fail(ctx, &err);
	if ((ctx->clone_flags & CLONE_NEWNET) && !progress.net_done && net_configure_container_side(ctx->conf, &err) < 0)
		child_fail(ctx, &err);
	if (setup_filesystem(ctx, &progress, &err) < 0)
		child_fail(ctx, &err);
	if (apply_prlimits(ctx, &err) < 0)
		child_fail(ctx, &err);
	build_environment(ctx);
	if (start_run_hook(ctx, HOOK_START, &err) < 0)
		child_fail(ctx, &err);
	if (sync_send(ctx->sync_fd[1], SYNC_SETUP_DONE, NULL, -1) < 0)
		_exit(1);
	if (sync_expect(ctx->sync_fd[1], SYNC_GO, &ctx->exec_memfd, &err) < 0)
		_exit(1);
	if (ctx->opts->execute && ctx->exec_memfd < 0) {
		error_set(&err, "start handshake: no copy of the binary to run init from");
		child_fail(ctx, &err);
	}
	if (setup_stdio(ctx, &err) < 0 || drop_privileges(ctx, &err) < 0)
		child_fail(ctx, &err);
	exec_init(ctx, &err);
	child_fail(ctx, &err);
}
