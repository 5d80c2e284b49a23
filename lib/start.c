/* Starting a container: validation, the lock, the guard/monitor processes, clone of
 * init, the parent side of setup, and teardown. The child side is in start_child.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "checkpoint_internal.h"
#include "commands.h"
#include "fdpass.h"
#include "hooks.h"
#include "log.h"
#include "rexec.h"
#include "start_internal.h"
#include "state.h"
#include "terminal.h"
#include "utils.h"

/* ---- preparation: everything that can fail before anything is set up ------------- */

/* lxc.init.cmd / lxc.execute.cmd into words as LXC splits them: blanks separate,
 * '...' and "..." group (the quotes go), no other escapes. */
static int split_quoted(struct strlist *out, const char *s, struct lxc_error *err)
{
	const char *all = s;

	while (*s) {
		_cleanup_free_ char *word = xmalloc(strlen(s) + 1);
		size_t n = 0;
		bool have = false;

		while (*s == ' ' || *s == '\t')
			s++;
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '\'' || *s == '"') {
				char q = *s++;

				while (*s && *s != q)
					word[n++] = *s++;
				if (!*s)
					return error_set(err, "unbalanced %c in \"%s\"", q, all);
				s++;
			} else {
				word[n++] = *s++;
			}
			have = true;
		}
		word[n] = '\0';
		if (have)
			strlist_push(out, word);
	}
	return 0;
}

static int prepare_init_argv(struct start_ctx *ctx, struct lxc_error *err)
{
	struct strlist argv = { 0 };
	const char *cmd;

	if (ctx->opts->execute) {
		/* our own init (applet "init") runs the command as its child */
		strlist_push(&argv, "lxc-init");
		strlist_push(&argv, "--");
	}
	if (ctx->opts->argv && ctx->opts->argv[0]) {
		for (char *const *a = ctx->opts->argv; *a; a++)
			strlist_push(&argv, *a);
	} else {
		cmd = ctx->opts->execute ? ctx->conf->execute_cmd : ctx->conf->init_cmd;
		if (!cmd)
			cmd = ctx->opts->execute ? NULL : "/sbin/init";
		if (!cmd) {
			strlist_clear(&argv);
			return error_set(err, "no command given and lxc.execute.cmd is not set");
		}
		if (split_quoted(&argv, cmd, err) < 0) {
			strlist_clear(&argv);
			return error_prefix(err, ctx->opts->execute ? "lxc.execute.cmd" : "lxc.init.cmd");
		}
		if (!argv.len) {
			strlist_clear(&argv);
			return error_set(err, "%s is empty", ctx->opts->execute ? "lxc.execute.cmd" : "lxc.init.cmd");
		}
	}
	ctx->init_argv = argv.items;
	return 0;
}

static int rootfs_dir_check(struct start_ctx *ctx, struct lxc_error *err)
{
	const char *path = ctx->conf->rootfs_path;

	if (!path || !*path)
		return 0; /* the host's root: allowed by LXC for application containers */
	if (str_starts_with(path, "dir:"))
		path += 4;
	if (path[0] == '/' && !is_dir(path) && !strchr(ctx->conf->rootfs_path, ':'))
		return error_set(err, "lxc.rootfs.path: \"%s\" does not exist or is not a directory", path);
	return 0;
}

static int start_prepare(struct start_ctx *ctx, struct lxc_error *err)
{
	if (rootfs_dir_check(ctx, err) < 0)
		return -1;
	if (ns_clone_flags(ctx->conf, &ctx->clone_flags, err) < 0)
		return -1;
	if (caps_compute_keep(ctx->conf, &ctx->caps_keep, err) < 0)
		return -1;
	/* a restore gets init, its seccomp filter and its LSM label back from CRIU */
	if (!ctx->opts->restore && prepare_init_argv(ctx, err) < 0)
		return -1;
	if (!ctx->opts->restore && seccomp_prepare(ctx->conf->seccomp_profile, NULL, &ctx->seccomp, err) < 0)
		return -1;
	if (!ctx->opts->restore && lsm_prepare(&ctx->lsm, ctx->conf, ctx->name, ctx->lxcpath, err) < 0)
		return -1;
	if ((ctx->clone_flags & CLONE_NEWNET) && net_check(ctx->conf, err) < 0)
		return -1;
	if (rootfs_prepare(ctx->conf, &ctx->rootfs, err) < 0)
		return -1;
	{
		struct mount_plan_opts mopts = { .has_netns = ctx->clone_flags & CLONE_NEWNET,
						 .no_ttys = !start_tty_count(ctx) };

		if (mount_plan_compile(ctx->conf, &mopts, &ctx->plan, err) < 0)
			return -1;
	}
	return ns_open_shared(ctx->conf, ctx->lxcpath, ctx->share_fds, err);
}

/* ---- crash state: what the guard undoes when the monitor dies ---------------------- */

/* Rewritten in place by one pwrite while the container runs: replacing the file (tmp +
 * rename) frees the old one's block, and where /run is a disk filesystem mounted with
 * "discard" each freed block waits for the disk. A write of less than a page is never
 * cut short by a kill, and the reader goes by the lengths on the first lines, so the tail
 * of a longer earlier record does not matter. Bigger records are written aside. */
int start_write_state(struct start_ctx *ctx, struct lxc_error *err)
{
	_cleanup_free_ char *cg = ctx->cgroup ? cgroup_ctx_serialize(ctx->cgroup) : xstrdup("");
	_cleanup_free_ char *net = net_state_serialize(&ctx->net);
	_cleanup_free_ char *text = xasprintf("%s\n%s\n%s\n%s", ctx->name, ctx->lxcpath, cg, net);
	_cleanup_free_ char *body = xasprintf("%zu\n%zu\n%s", strlen(cg), strlen(net), text);
	size_t len = strlen(body);

	if (len >= 4096) {
		if (ctx->state_fd >= 0)
			close(ctx->state_fd);
		ctx->state_fd = -1;
		return file_write_replace(ctx->paths.state, body, len, 0600, err);
	}
	if (ctx->state_fd < 0) {
		ctx->state_fd = open(ctx->paths.state, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (ctx->state_fd < 0)
			return error_sys(err, errno, "failed to open \"%s\"", ctx->paths.state);
	}
	if (pwrite(ctx->state_fd, body, len, 0) != (ssize_t)len)
		return error_sys(err, errno, "failed to write \"%s\"", ctx->paths.state);
	return 0;
}

/* ---- the monitor's start sequence --------------------------------------------------- */

void monitor_set_state(struct start_ctx *ctx, int state)
{
	ctx->state = state;
	INFO("state changed to %s", state_name(state));
	event_broadcast(ctx->lxcpath, ctx->name, EVENT_STATE, state);
}

int start_run_hook(struct start_ctx *ctx, enum conf_hook hook, struct lxc_error *err)
{
	_cleanup_free_ char *e_conf = xasprintf("LXC_CONFIG_FILE=%s", ctx->opts->config_path ? ctx->opts->config_path : "");
	_cleanup_free_ char *e_rootfs = xasprintf("LXC_ROOTFS_PATH=%s", ctx->conf->rootfs_path ? ctx->conf->rootfs_path : "");
	_cleanup_free_ char *e_mount = xasprintf("LXC_ROOTFS_MOUNT=%s", ctx->rootfs.mount_point ? ctx->rootfs.mount_point : "");
	_cleanup_free_ char *e_console = xasprintf("LXC_CONSOLE=%s", ctx->conf->console_path ? ctx->conf->console_path : "");
	_cleanup_free_ char *e_clog = xasprintf("LXC_CONSOLE_LOGPATH=%s",
						ctx->conf->console_logfile ? ctx->conf->console_logfile : "");
	_cleanup_free_ char *e_pid = ctx->init_pid > 0 ? xasprintf("LXC_PID=%d", (int)ctx->init_pid) : xstrdup("LXC_PID=");
	_cleanup_free_ char *e_target = xasprintf("LXC_TARGET=%s", ctx->reboot ? "reboot" : "stop");
	bool stopping = hook == HOOK_STOP || hook == HOOK_POST_STOP;
	char *env[] = { e_conf, e_rootfs, e_mount, e_console, e_clog, e_pid, stopping ? e_target : NULL, NULL };
	struct strlist args = { 0 };
	int ret;

	if (!ctx->conf->hooks[hook].len)
		return 0;
	/* the stop hook gets "TYPE:/proc/MONITOR/fd/N" for each of init's namespaces, as
	 * LXC passes them: init is dead, the namespaces live on through our fds */
	for (int ns = 0; hook == HOOK_STOP && ns < NS_COUNT; ns++)
		if (ctx->init_ns_fds[ns] >= 0)
			strlist_push_owned(&args, xasprintf("%s:/proc/%d/fd/%d", ns_proc_name(ns), (int)getpid(),
							    ctx->init_ns_fds[ns]));
	ret = hooks_run(ctx->conf, hook, ctx->name, env, args.items, err);
	strlist_clear(&args);
	return ret;
}

static int write_id_maps(struct start_ctx *ctx, struct lxc_error *err)
{
	for (int pass = 0; pass < 2; pass++) {
		char type = pass == 0 ? 'u' : 'g';
		_cleanup_free_ char *text = xstrdup("");
		_cleanup_free_ char *path = xasprintf("/proc/%d/%s", (int)ctx->init_pid, pass == 0 ? "uid_map" : "gid_map");

		for (size_t i = 0; i < ctx->conf->n_idmaps; i++) {
			const struct conf_idmap *m = &ctx->conf->idmaps[i];
			char *next;

			if (m->type != type)
				continue;
			next = xasprintf("%s%lu %lu %lu\n", text, m->nsid, m->hostid, m->range);
			free(text);
			text = next;
		}
		if (*text && file_write_str(path, text, err) < 0)
			return error_prefix(err, "lxc.idmap");
	}
	return 0;
}

static pid_t clone_init(struct start_ctx *ctx, struct lxc_error *err)
{
	struct clone_args args = {
		/* the cgroup namespace comes later, from inside the payload cgroup (start_child.c) */
		.flags = ((unsigned)ctx->clone_flags & ~CLONE_NEWCGROUP) | CLONE_PIDFD,
		.pidfd = (unsigned long)&ctx->init_pidfd,
		.exit_signal = SIGCHLD,
	};
	int own_pidns = -1;
	pid_t pid;

	if (ctx->share_fds[NS_PID] >= 0) {
		/* the child must be born in the shared pid namespace */
		own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own_pidns < 0 || setns(ctx->share_fds[NS_PID], CLONE_NEWPID) < 0) {
			int saved = errno;

			if (own_pidns >= 0)
				close(own_pidns);
			return error_sys(err, saved, "failed to join the shared pid namespace");
		}
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		start_child(ctx);
	if (own_pidns >= 0) {
		if (setns(own_pidns, CLONE_NEWPID) < 0)
			WARN("failed to return to our own pid namespace");
		close(own_pidns);
	}
	if (pid < 0)
		return error_sys(err, errno, "failed to clone the container's init");
	return pid;
}

/* A restore's lxc.tty.max ptys from the host's devpts, before CRIU runs. */
static int allocate_ttys(struct start_ctx *ctx, struct lxc_error *err)
{
	unsigned n = start_tty_count(ctx);

	if (!n)
		return 0;
	ctx->tty_masters = xmalloc(n * sizeof(int));
	ctx->tty_slaves = xmalloc(n * sizeof(int));
	ctx->tty_names = xzalloc(n * sizeof(char *));
	for (unsigned i = 0; i < n; i++) {
		if (terminal_openpty("/dev/ptmx", &ctx->tty_masters[i], &ctx->tty_slaves[i], &ctx->tty_names[i], err) < 0)
			return error_prefix(err, "tty%u", i + 1);
		ctx->n_ttys++;
	}
	return 0;
}

/* The host id that id 0 of the container maps to (type 'u' or 'g'), or -1. */
static long mapped_root(const struct lxc_conf *conf, char type)
{
	for (size_t i = 0; i < conf->n_idmaps; i++) {
		const struct conf_idmap *m = &conf->idmaps[i];

		if (m->type == type && m->nsid == 0 && m->range > 0)
			return (long)m->hostid;
	}
	return -1;
}

/* With a user namespace the container's root is an unprivileged user of the host: the
 * console and tty slaves must be its own, or init cannot open them. */
static int chown_ptys(struct start_ctx *ctx, struct lxc_error *err)
{
	long uid = mapped_root(ctx->conf, 'u'), gid = mapped_root(ctx->conf, 'g');

	if (!(ctx->clone_flags & CLONE_NEWUSER))
		return 0;
	if (uid < 0 || gid < 0)
		return error_set(err, "lxc.idmap: no mapping for root (u 0 ... and g 0 ...)");
	if (ctx->console.slave >= 0 && fchown(ctx->console.slave, uid, gid) < 0)
		return error_sys(err, errno, "failed to give the console \"%s\" to the container's root",
				 ctx->console.slave_name);
	for (size_t i = 0; i < ctx->n_ttys; i++)
		if (fchown(ctx->tty_slaves[i], uid, gid) < 0)
			return error_sys(err, errno, "failed to give \"%s\" to the container's root",
					 ctx->tty_names[i]);
	return 0;
}

static void close_tty_slaves(struct start_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_ttys && ctx->tty_slaves; i++) {
		if (ctx->tty_slaves[i] >= 0)
			close(ctx->tty_slaves[i]);
		ctx->tty_slaves[i] = -1;
	}
}

/* Clone init as soon as the start is validated: it sets up what it can on its own
 * (start_child.c: setup_early) while the monitor makes the cgroups and ptys. */
static int start_clone(struct start_ctx *ctx, struct lxc_error *err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctx->sync_fd) < 0)
		return error_sys(err, errno, "socketpair failed");
	ctx->init_pid = clone_init(ctx, err);
	if (ctx->init_pid < 0)
		return -1;
	close(ctx->sync_fd[1]);
	ctx->sync_fd[1] = -1;
	DEBUG("cloned init as pid %d with flags 0x%x", (int)ctx->init_pid, ctx->clone_flags);
	return 0;
}

/* After a failed step: when init has given up already (its own setup failed while the
 * monitor made the cgroups), its message says what went wrong; ours would only be a
 * consequence (its namespaces gone, say). */
static void prefer_child_error(struct start_ctx *ctx, struct lxc_error *err)
{
	char buf[1024];
	int fd, step, flags;

	if (ctx->sync_fd[0] < 0 || (flags = fcntl(ctx->sync_fd[0], F_GETFL)) < 0 ||
	    fcntl(ctx->sync_fd[0], F_SETFL, flags | O_NONBLOCK) < 0)
		return;
	while ((step = sync_recv(ctx->sync_fd[0], buf, sizeof(buf), &fd)) > 0) {
		if (fd >= 0)
			close(fd);
		if (step == SYNC_ERROR) {
			error_set(err, "%s", buf);
			break;
		}
	}
	fcntl(ctx->sync_fd[0], F_SETFL, flags);
}

/* A failed send means init has exited: what it said last is the reason. */
static int child_gone(struct start_ctx *ctx, struct lxc_error *err)
{
	error_set(err, "the container's init exited during setup");
	prefer_child_error(ctx, err);
	return -1;
}

static int send_host_done(struct start_ctx *ctx, struct lxc_error *err)
{
	_cleanup_free_ char *text = start_cgroup_mounts_inert(ctx) ? xstrdup("") : cgroup_ctx_serialize(ctx->cgroup);

	if (sync_send(ctx->sync_fd[0], SYNC_HOST_DONE, text, -1) < 0)
		return child_gone(ctx, err);
	return 0;
}

/* The console, and for a restore the lxc.tty.max ptys (a start has its init open those:
 * start_child.c, open_ttys). */
static int open_terminals(struct start_ctx *ctx, bool ttys, struct lxc_error *err)
{
	if (console_open(&ctx->console, ctx->conf, ctx->opts->console_path, ctx->opts->console_log, err) < 0)
		return -1;
	if ((ttys && allocate_ttys(ctx, err) < 0) || chown_ptys(ctx, err) < 0)
		return -1;
	if (ctx->opts->foreground_console && ctx->console.master >= 0 && ctx->console.peer_out < 0) {
		ctx->console.peer_out = STDOUT_FILENO;
		ctx->console.peer_in = STDIN_FILENO;
	}
	return 0;
}

static int send_console(struct start_ctx *ctx, struct lxc_error *err)
{
	const char *name = ctx->console.slave >= 0 ? ctx->console.slave_name : "";

	if (sync_send(ctx->sync_fd[0], SYNC_CONSOLE, name, ctx->console.slave) < 0)
		return child_gone(ctx, err);
	return 0;
}

/* A tty init opened: the monitor keeps the master (lxc-console, checkpoints). With a
 * user namespace the slave goes to the container's root (chown_ptys, with the console),
 * which needs it open here until init runs: the master opens it. */
static int add_tty(struct start_ctx *ctx, const char *name, int master, struct lxc_error *err)
{
	int slave = -1;

	if ((ctx->clone_flags & CLONE_NEWUSER) &&
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		close(master);
		return error_sys(err, errno, "failed to open \"%s\"", name);
	}
	ctx->tty_masters = xrealloc(ctx->tty_masters, (ctx->n_ttys + 1) * sizeof(int));
	ctx->tty_slaves = xrealloc(ctx->tty_slaves, (ctx->n_ttys + 1) * sizeof(int));
	ctx->tty_names = xrealloc(ctx->tty_names, (ctx->n_ttys + 1) * sizeof(char *));
	ctx->tty_masters[ctx->n_ttys] = master;
	ctx->tty_slaves[ctx->n_ttys] = slave;
	ctx->tty_names[ctx->n_ttys++] = xstrdup(name);
	return 0;
}

/* SYNC_TTY messages come before SYNC_CHILD_READY (start_child.c: open_ttys). */
static int expect_ready(struct start_ctx *ctx, struct lxc_error *err)
{
	char buf[1024];
	int step, fd;

	while ((step = sync_recv(ctx->sync_fd[0], buf, sizeof(buf), &fd)) == SYNC_TTY && fd >= 0)
		if (add_tty(ctx, buf, fd, err) < 0)
			return -1;
	if (fd >= 0)
		close(fd);
	if (step == SYNC_CHILD_READY)
		return 0;
	if (step == SYNC_ERROR)
		return error_set(err, "%s", buf);
	return error_set(err, "the container's init exited during setup");
}

/* The monitor's own cgroup, made once init runs, before the start is reported: nothing
 * waits for it. Made while init exec'd, the two competed (lxc-execute 0.3 ms slower, the
 * binaries timed in turns on this VM). */
static int enter_monitor_cgroup(struct start_ctx *ctx, struct lxc_error *err)
{
	if (cgroup_create_for(ctx->cgroup, CGROUP_MONITOR, err) < 0 || start_write_state(ctx, err) < 0)
		return -1;
	return cgroup_enter(ctx->cgroup, CGROUP_MONITOR, 0, err);
}

static int open_init_ns(struct start_ctx *ctx, const char *ns)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/ns/%s", (int)ctx->init_pid, ns);

	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Parent side of setup, from clone to exec. */
static int start_spawn(struct start_ctx *ctx, struct lxc_error *err)
{
	char buf[1024];
	int step, fd;

	/* into its cgroups while init opens its ttys; their settings (devices rules) only once
	 * it has (SYNC_CHILD_READY), so that these rules do not decide about the ttys */
	if (cgroup_enter(ctx->cgroup, CGROUP_PAYLOAD, ctx->init_pid, err) < 0)
		return -1;
	if (expect_ready(ctx, err) < 0)
		return -1;
	if ((ctx->clone_flags & CLONE_NEWUSER) && write_id_maps(ctx, err) < 0)
		return -1;
	if (cgroup_apply_settings(ctx->cgroup, ctx->conf, err) < 0)
		return -1;
	if ((ctx->clone_flags & CLONE_NEWNET) && net_create_host_side(ctx->conf, ctx->name, ctx->init_pid, &ctx->net, err) < 0)
		return -1;
	if (start_write_state(ctx, err) < 0)
		return -1;
	if (send_host_done(ctx, err) < 0 || open_terminals(ctx, false, err) < 0 || send_console(ctx, err) < 0)
		return -1;
	/* lxc-execute: init runs from a sealed copy of this binary; it comes with SYNC_GO */
	if (ctx->opts->execute && (ctx->exec_memfd = rexec_sealed_self(err)) < 0)
		return -1;
	step = sync_recv(ctx->sync_fd[0], buf, sizeof(buf), &fd);
	if (fd >= 0)
		close(fd);
	if (step == SYNC_ERROR)
		return error_set(err, "%s", buf);
	if (step != SYNC_SETUP_DONE)
		return error_set(err, "the container's init exited during setup");
	/* init is in all its namespaces now; the stop hook gets those that are not ours */
	for (int ns = 0; ns < NS_COUNT && ctx->conf->hooks[HOOK_STOP].len; ns++) {
		_cleanup_free_ char *own = xasprintf("/proc/self/ns/%s", ns_proc_name(ns));
		struct stat theirs, ours;

		ctx->init_ns_fds[ns] = open_init_ns(ctx, ns_proc_name(ns));
		if (ctx->init_ns_fds[ns] >= 0 && fstat(ctx->init_ns_fds[ns], &theirs) == 0 && stat(own, &ours) == 0 &&
		    theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) {
			close(ctx->init_ns_fds[ns]);
			ctx->init_ns_fds[ns] = -1;
		}
	}
	/* freeing a mount namespace waits for an RCU grace period (its mounts): held here,
	 * init's exit does not wait for it before the monitor learns of it (monitor_main) */
	if (ctx->clone_flags & CLONE_NEWNS)
		ctx->init_mntns_fd = open_init_ns(ctx, "mnt");
	if (start_run_hook(ctx, HOOK_START_HOST, err) < 0)
		return -1;
	if (sync_send(ctx->sync_fd[0], SYNC_GO, NULL, ctx->exec_memfd) < 0)
		return error_sys(err, errno, "failed to let init go on");
	/* the child's end is close-on-exec: EOF means init has exec'd */
	step = sync_recv(ctx->sync_fd[0], buf, sizeof(buf), NULL);
	if (step == SYNC_ERROR)
		return error_set(err, "%s", buf);
	if (step != 0)
		return error_set(err, "the container's init failed before exec");
	close(ctx->sync_fd[0]);
	ctx->sync_fd[0] = -1;
	close_tty_slaves(ctx);
	/* (a failure here still takes init down: start_teardown) */
	return enter_monitor_cgroup(ctx, err);
}

/* Undo one run of the container: init and its cgroups, network, hooks. The command
 * socket and runtime directory stay (a reboot starts the next run in this monitor). */
static void start_teardown(struct start_ctx *ctx)
{
	struct lxc_error err = { 0 };

	if (ctx->init_pid > 0 && !ctx->init_exited) {
		syscall(SYS_pidfd_send_signal, ctx->init_pidfd, SIGKILL, NULL, 0);
		while (waitpid(ctx->init_pid, &ctx->init_status, 0) < 0 && errno == EINTR)
			;
		ctx->init_exited = true;
	}
	if (start_run_hook(ctx, HOOK_STOP, &err) < 0)
		WARN("%s", err.msg);
	if (net_teardown(&ctx->net, &err) < 0)
		WARN("%s", err.msg);
	if (ctx->cgroup && cgroup_destroy(ctx->cgroup, &err) < 0)
		WARN("%s", err.msg);
	if (lsm_unload_generated(&ctx->lsm, &err) < 0)
		WARN("%s", err.msg);
	if (start_run_hook(ctx, HOOK_POST_STOP, &err) < 0)
		WARN("%s", err.msg);
}

static void close_ttys(struct start_ctx *ctx)
{
	close_tty_slaves(ctx);
	for (size_t i = 0; i < ctx->n_ttys; i++)
		close(ctx->tty_masters[i]);
	free(ctx->tty_masters);
	free(ctx->tty_slaves);
	for (size_t i = 0; i < ctx->n_ttys && ctx->tty_names; i++)
		free(ctx->tty_names[i]);
	free(ctx->tty_names);
	ctx->tty_masters = ctx->tty_slaves = NULL;
	ctx->tty_names = NULL;
	ctx->n_ttys = 0;
}

/* Forget what one run made, so that the next run (after a reboot) starts afresh. */
static void run_reset(struct start_ctx *ctx)
{
	net_state_free(&ctx->net);
	net_state_init(&ctx->net);
	if (ctx->cgroup)
		cgroup_ctx_free(ctx->cgroup);
	ctx->cgroup = NULL;
	console_close(&ctx->console);
	close_ttys(ctx);
	for (int i = 0; i < 2; i++) {
		if (ctx->sync_fd[i] >= 0)
			close(ctx->sync_fd[i]);
		ctx->sync_fd[i] = -1;
	}
	if (ctx->init_pidfd >= 0)
		close(ctx->init_pidfd);
	ctx->init_pidfd = -1;
	ns_close_all(ctx->init_ns_fds);
	if (ctx->init_mntns_fd >= 0)
		close(ctx->init_mntns_fd);
	ctx->init_mntns_fd = -1;
	ctx->init_pid = 0;
	ctx->init_status = 0;
	ctx->init_exited = false;
	ctx->reboot = false;
}

static void report_status(struct start_ctx *ctx, const char *text)
{
	ctx->caller_waiting = false;
	if (ctx->status_fd < 0)
		return;
	if (write_full(ctx->status_fd, text, strlen(text)) < 0)
		WARN("failed to report the start status");
	close(ctx->status_fd);
	ctx->status_fd = -1;
}

static int write_pidfile(const char *path, struct lxc_error *err)
{
	_cleanup_free_ char *text = xasprintf("%d\n", (int)getpid());

	return file_write_replace(path, text, strlen(text), 0644, err);
}

/* One run of the container, from cgroups to teardown. Returns 0 when init ran (its
 * status is in ctx->init_status), -1 when the start failed (err says why). */
static int monitor_run_once(struct start_ctx *ctx, struct lxc_error *err)
{
	int ret;

	monitor_set_state(ctx, STATE_STARTING);
	/* as LXC: pre-start runs before cgroups, ttys and init exist */
	if (!ctx->opts->restore && start_run_hook(ctx, HOOK_PRE_START, err) < 0)
		goto fail;
	/* lxc.mount.auto = shmounts:HOST: a shared tmpfs on the host path (kept across
	 * starts, as LXC does), which init binds into the container as a slave */
	if ((ctx->conf->mount_auto & AUTO_SHMOUNTS) && mount_shmounts_host_setup(ctx->conf->shmounts_host, err) < 0)
		goto fail;
	/* the layout before clone: init needs it to know whether it mounts cgroups itself */
	if (cgroup_ctx_new(&ctx->cgroup, ctx->name, ctx->conf, ctx->opts->sysconf, err) < 0)
		goto fail;
	if (!ctx->opts->restore && start_clone(ctx, err) < 0)
		goto fail;
	if (cgroup_create_for(ctx->cgroup, CGROUP_PAYLOAD, err) < 0 || start_write_state(ctx, err) < 0)
		goto fail;
	if (ctx->opts->restore &&
	    (open_terminals(ctx, true, err) < 0 || enter_monitor_cgroup(ctx, err) < 0 || restore_spawn(ctx, err) < 0))
		goto fail;
	if (!ctx->opts->restore && start_spawn(ctx, err) < 0)
		goto fail;
	if (ctx->opts->pidfile && write_pidfile(ctx->opts->pidfile, err) < 0)
		goto fail;
	monitor_set_state(ctx, STATE_RUNNING);
	report_status(ctx, "OK");
	ret = monitor_run(ctx, err);
	monitor_set_state(ctx, STATE_STOPPING);
	start_teardown(ctx);
	/* STOPPED is announced by the guard once the lock is free, so that
	 * "lxc-stop && lxc-start" never finds the container still locked */
	if (ret < 0)
		WARN("%s", err->msg);
	return 0;
fail:
	prefer_child_error(ctx, err);
	monitor_set_state(ctx, STATE_ABORTING);
	/* a caller still waiting prints it (once, to the terminal and the log); after a
	 * reboot nobody waits, so it goes to the log from here */
	if (ctx->caller_waiting)
		INFO("the start failed: %s", err->msg);
	else
		ERROR("%s", err->msg);
	monitor_set_state(ctx, STATE_STOPPING);
	start_teardown(ctx);
	return -1;
}

/* Closes *fd, after passing it to the guard (start_guard.c), which holds it unread until it
 * exits. */
static void hand_to_guard(struct start_ctx *ctx, int *fd)
{
	struct iovec iov = { .iov_base = "f", .iov_len = 1 };

	if (*fd < 0)
		return;
	if (ctx->guard_sock >= 0 && fdpass_send(ctx->guard_sock, &iov, 1, *fd) < 0)
		DEBUG("cannot hand fd %d to the guard: %s", *fd, strerror(errno));
	close(*fd);
	*fd = -1;
}

/* The monitor: runs the container, again after each reboot (init killed by SIGHUP, as
 * the kernel does when reboot(2) is called in a pid namespace), then removes its runtime
 * files and the lock and announces STOPPED. Returns the exit code for the process (init's
 * status encoded as a shell would), or -1 with err set when the start failed while the
 * caller was still waiting for it. */
static int monitor_main(struct start_ctx *ctx, struct lxc_error *err)
{
	int ret, code;

	ctx->cmd_fd = -1;
	if (mkdir_p(ctx->paths.dir, 0700, err) < 0 || chmod(ctx->paths.dir, 0700) < 0 ||
	    (ctx->cmd_fd = cmd_listen(ctx->paths.command, err)) < 0) {
		monitor_set_state(ctx, STATE_ABORTING);
		INFO("the start failed: %s", err->msg);
		ret = -1;
	} else {
		while ((ret = monitor_run_once(ctx, err)) == 0 && ctx->reboot) {
			INFO("init rebooted the container: starting it again");
			monitor_set_state(ctx, STATE_STOPPED);
			run_reset(ctx);
			/* a restored container reboots into a fresh start: prepare what CRIU gave */
			if (ctx->opts->restore && (prepare_init_argv(ctx, err) < 0 ||
			    seccomp_prepare(ctx->conf->seccomp_profile, NULL, &ctx->seccomp, err) < 0 ||
			    lsm_prepare(&ctx->lsm, ctx->conf, ctx->name, ctx->lxcpath, err) < 0)) {
				ret = -1;
				break;
			}
			ctx->opts->restore = false;
		}
	}
	unlink(ctx->paths.state);
	unlink(ctx->paths.command);
	if (ctx->opts->pidfile)
		unlink(ctx->opts->pidfile); /* as LXC: the file names a running monitor only */
	if (ret < 0)
		code = 1;
	else if (WIFEXITED(ctx->init_status))
		code = WEXITSTATUS(ctx->init_status);
	else
		code = 128 + WTERMSIG(ctx->init_status);
	/* what is slow to free and nobody sees any more goes to the guard's socket: the
	 * guard's exit, after ours, frees it, not the caller. The last run's mount namespace
	 * (an RCU grace period), the sealed copy of our binary (lxc-execute: ~150 pages), the
	 * console's pty (its line discipline's buffers). */
	hand_to_guard(ctx, &ctx->init_mntns_fd);
	hand_to_guard(ctx, &ctx->exec_memfd);
	hand_to_guard(ctx, &ctx->console.master);
	hand_to_guard(ctx, &ctx->console.slave);
	/* everything is undone: the lock goes last, so that "lxc-stop && lxc-start" never
	 * finds the container still locked */
	runtime_unlock(&ctx->paths, ctx->lock_fd);
	ctx->lock_fd = -1;
	event_broadcast(ctx->lxcpath, ctx->name, EVENT_STATE, STATE_STOPPED);
	event_broadcast(ctx->lxcpath, ctx->name, EVENT_EXIT, code);
	if (ret < 0 && ctx->caller_waiting) {
		char *msg = xasprintf("ERR %s", err->msg);

		report_status(ctx, msg);
		free(msg);
		return -1;
	}
	return code;
}

/* This process becomes the monitor, with a guard behind it. */
static int monitor_with_guard(struct start_ctx *ctx, struct lxc_error *err)
{
	int sv[2];

	/* the guard's end stays open until it exits: nobody reads it (monitor_main) */
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return error_sys(err, errno, "socketpair failed");
	if (start_guard_spawn(ctx, sv[0], err) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	close(sv[1]);
	ctx->guard_sock = sv[0];
	return monitor_main(ctx, err);
}

static int read_status(int fd, struct lxc_error *err)
{
	char buf[1200];
	ssize_t n = read_full(fd, buf, sizeof(buf) - 1);

	if (n <= 0)
		return error_set(err, "the monitor exited before the container started");
	buf[n] = '\0';
	if (strncmp(buf, "OK", 2) == 0)
		return 0;
	return error_set(err, "%s", str_starts_with(buf, "ERR ") ? buf + 4 : buf);
}

static void ctx_init(struct start_ctx *ctx, struct start_options *opts)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->opts = opts;
	ctx->caller_waiting = true;
	ctx->conf = opts->conf;
	ctx->name = opts->name;
	ctx->lxcpath = opts->lxcpath;
	ctx->lock_fd = ctx->exec_memfd = ctx->init_pidfd = ctx->cmd_fd = ctx->status_fd = ctx->state_fd = -1;
	ctx->init_mntns_fd = ctx->guard_sock = -1;
	ctx->sync_fd[0] = ctx->sync_fd[1] = -1;
	for (int ns = 0; ns < NS_COUNT; ns++)
		ctx->share_fds[ns] = ctx->init_ns_fds[ns] = -1;
	ctx->console.master = ctx->console.slave = ctx->console.peer_in = ctx->console.peer_out = -1;
	ctx->console.log_fd = -1;
	net_state_init(&ctx->net); /* netns_fd -1: "not held" (0 would be stdin) */
	runtime_paths_init(&ctx->paths, opts->lxcpath, opts->name);
}

static void ctx_free(struct start_ctx *ctx)
{
	if (ctx->init_argv) {
		for (char **a = ctx->init_argv; *a; a++)
			free(*a);
		free(ctx->init_argv);
	}
	seccomp_program_free(&ctx->seccomp);
	rootfs_release(&ctx->rootfs);
	mount_plan_free(&ctx->plan);
	lsm_plan_free(&ctx->lsm);
	ns_close_all(ctx->share_fds);
	ns_close_all(ctx->init_ns_fds);
	if (ctx->init_mntns_fd >= 0)
		close(ctx->init_mntns_fd);
	if (ctx->guard_sock >= 0)
		close(ctx->guard_sock);
	net_state_free(&ctx->net);
	if (ctx->cgroup)
		cgroup_ctx_free(ctx->cgroup);
	console_close(&ctx->console);
	close_ttys(ctx);
	if (ctx->exec_memfd >= 0)
		close(ctx->exec_memfd);
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	if (ctx->state_fd >= 0)
		close(ctx->state_fd);
	runtime_paths_free(&ctx->paths);
}

int container_start(struct start_options *opts, int *exit_status, struct lxc_error *err)
{
	struct start_ctx ctx;
	struct terminal_state term = { .fd = -1 };
	int pipefd[2], ret = -1;
	sigset_t set, old;
	pid_t pid;

	*exit_status = 0;
	/* as LXC: a daemon (or -C) keeps nothing its caller left open beyond stdio, or a pipe
	 * given to it would stay open, and its reader waiting, as long as the container runs.
	 * Nothing of ours is open yet but the log. */
	if (opts->daemonize || opts->close_inherited_fds) {
		int keep = log_file_fd();

		close_fds_from(3, &keep, keep >= 0 ? 1 : 0);
	}
	/* blocked from here on: the monitor reads them from a signalfd, the guard ignores
	 * them, and init unblocks everything before exec */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	ctx_init(&ctx, opts);
	if (start_prepare(&ctx, err) < 0)
		goto out;
	for (int tries = 0;; tries++) {
		ctx.lock_fd = runtime_lock(&ctx.paths, err);
		if (ctx.lock_fd >= 0)
			break;
		/* without a command socket the holder is a guard finishing the teardown of
		 * a stopped container (or a start that has not got that far): wait a little */
		if (err->code != EWOULDBLOCK || path_exists(ctx.paths.command) || tries == 40) {
			if (err->code == EWOULDBLOCK)
				error_set(err, "container is already running");
			goto out;
		}
		usleep(25000);
	}
	/* a previous monitor and its guard were both killed: undo what they left */
	if (path_exists(ctx.paths.state))
		start_cleanup_state_file(&ctx.paths);
	if (!opts->daemonize) {
		int code;

		/* lxc-start -F: the terminal talks to the container's console, key by key */
		if (opts->foreground_console)
			terminal_raw(STDIN_FILENO, &term);
		code = monitor_with_guard(&ctx, err);
		terminal_restore(&term);
		if (code >= 0)
			*exit_status = code;
		ret = code < 0 ? -1 : 0;
		goto out;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		error_sys(err, errno, "pipe failed");
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		error_sys(err, errno, "fork failed");
		close(pipefd[0]);
		close(pipefd[1]);
		goto out;
	}
	if (pid == 0) {
		struct lxc_error child_err = { 0 };
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		close(pipefd[0]);
		ctx.status_fd = pipefd[1];
		setsid();
		if (chdir("/") < 0)
			_exit(1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
		_exit(monitor_with_guard(&ctx, &child_err) < 0 ? 1 : 0);
	}
	close(pipefd[1]);
	/* the daemon holds the lock now and releases it after its teardown */
	close(ctx.lock_fd);
	ctx.lock_fd = -1;
	ret = read_status(pipefd[0], err);
	close(pipefd[0]);
	if (ret < 0) {
		int status;

		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
out:
	ctx_free(&ctx);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
