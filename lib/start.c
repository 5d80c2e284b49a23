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
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "checkpoint_internal.h"
#include "commands.h"
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

static int prepare_memfd(struct start_ctx *ctx, struct lxc_error *err)
{
	ctx->exec_memfd = rexec_sealed_self(err);
	return ctx->exec_memfd < 0 ? -1 : 0;
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
		struct mount_plan_opts mopts = { .has_netns = ctx->clone_flags & CLONE_NEWNET };

		if (mount_plan_compile(ctx->conf, &mopts, &ctx->plan, err) < 0)
			return -1;
	}
	if (ns_open_shared(ctx->conf, ctx->lxcpath, ctx->share_fds, err) < 0)
		return -1;
	if (ctx->opts->execute && prepare_memfd(ctx, err) < 0)
		return -1;
	return 0;
}

/* ---- crash state: what the guard undoes when the monitor dies ---------------------- */

int start_write_state(struct start_ctx *ctx, struct lxc_error *err)
{
	_cleanup_free_ char *cg = ctx->cgroup ? cgroup_ctx_serialize(ctx->cgroup) : xstrdup("");
	_cleanup_free_ char *net = net_state_serialize(&ctx->net);
	_cleanup_free_ char *text = xasprintf("%s\n%s\n%s\n%s", ctx->name, ctx->lxcpath, cg, net);
	_cleanup_free_ char *body = xasprintf("%zu\n%zu\n%s", strlen(cg), strlen(net), text);

	return file_write_replace(ctx->paths.state, body, strlen(body), 0600, err);
}

/* Undo what a monitor recorded in its state file: cgroups and network devices. */
static void cleanup_from_state_file(const struct runtime_paths *paths, const struct lxc_sysconf *sc)
{
	_cleanup_free_ char *body = NULL;
	struct lxc_error err = { 0 };
	char *p, *name, *lxcpath;
	size_t cg_len, net_len;

	if (file_read(paths->state, &body, NULL, NULL) < 0)
		return;
	if (sscanf(body, "%zu\n%zu\n", &cg_len, &net_len) != 2)
		goto out;
	p = strchr(body, '\n');
	p = p ? strchr(p + 1, '\n') : NULL;
	if (!p)
		goto out;
	name = p + 1;
	if (!(p = strchr(name, '\n')))
		goto out;
	*p = '\0';
	lxcpath = p + 1;
	if (!(p = strchr(lxcpath, '\n')))
		goto out;
	*p++ = '\0';
	if (strlen(p) < cg_len + 1 + net_len)
		goto out;
	p[cg_len] = '\0';
	p[cg_len + 1 + net_len] = '\0';
	{
		struct net_state net = { 0 };

		net_state_init(&net);
		if (net_state_parse(&net, p + cg_len + 1, &err) == 0)
			net_teardown(&net, &err);
		net_state_free(&net);
	}
	if (cg_len) {
		struct cgroup_ctx *cg = NULL;

		if (cgroup_ctx_deserialize(&cg, p, &err) == 0) {
			if (cgroup_destroy(cg, &err) < 0)
				WARN("after a monitor crash: %s", err.msg);
			cgroup_ctx_free(cg);
		}
	}
	(void)sc;
out:
	unlink(paths->state);
	unlink(paths->command);
	rmdir(paths->dir);
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

/* lxc.tty.max ptys from the host's devpts, before clone: the child inherits the slaves. */
static int allocate_ttys(struct start_ctx *ctx, struct lxc_error *err)
{
	unsigned n = ctx->conf->tty_max;

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

/* Parent side of setup, from clone to exec. */
static int start_spawn(struct start_ctx *ctx, struct lxc_error *err)
{
	char buf[1024];
	int step, fd;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctx->sync_fd) < 0)
		return error_sys(err, errno, "socketpair failed");
	ctx->init_pid = clone_init(ctx, err);
	if (ctx->init_pid < 0)
		return -1;
	close(ctx->sync_fd[1]);
	ctx->sync_fd[1] = -1;
	DEBUG("cloned init as pid %d with flags 0x%x", (int)ctx->init_pid, ctx->clone_flags);
	if (sync_expect(ctx->sync_fd[0], SYNC_CHILD_READY, NULL, err) < 0)
		return -1;
	if ((ctx->clone_flags & CLONE_NEWUSER) && write_id_maps(ctx, err) < 0)
		return -1;
	if (cgroup_enter(ctx->cgroup, CGROUP_PAYLOAD, ctx->init_pid, err) < 0)
		return -1;
	if (cgroup_apply_settings(ctx->cgroup, ctx->conf, err) < 0)
		return -1;
	if ((ctx->clone_flags & CLONE_NEWNET) && net_create_host_side(ctx->conf, ctx->name, ctx->init_pid, &ctx->net, err) < 0)
		return -1;
	if (start_write_state(ctx, err) < 0)
		return -1;
	if (sync_send(ctx->sync_fd[0], SYNC_HOST_DONE, NULL, -1) < 0)
		return error_sys(err, errno, "failed to continue the start handshake");
	step = sync_recv(ctx->sync_fd[0], buf, sizeof(buf), &fd);
	if (fd >= 0)
		close(fd);
	if (step == SYNC_ERROR)
		return error_set(err, "%s", buf);
	if (step != SYNC_SETUP_DONE)
		return error_set(err, "the container's init exited during setup");
	/* init is in all its namespaces now; the stop hook gets those that are not ours */
	for (int ns = 0; ns < NS_COUNT && ctx->conf->hooks[HOOK_STOP].len; ns++) {
		_cleanup_free_ char *path = xasprintf("/proc/%d/ns/%s", (int)ctx->init_pid, ns_proc_name(ns));
		_cleanup_free_ char *own = xasprintf("/proc/self/ns/%s", ns_proc_name(ns));
		struct stat theirs, ours;

		ctx->init_ns_fds[ns] = open(path, O_RDONLY | O_CLOEXEC);
		if (ctx->init_ns_fds[ns] >= 0 && fstat(ctx->init_ns_fds[ns], &theirs) == 0 && stat(own, &ours) == 0 &&
		    theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) {
			close(ctx->init_ns_fds[ns]);
			ctx->init_ns_fds[ns] = -1;
		}
	}
	if (start_run_hook(ctx, HOOK_START_HOST, err) < 0)
		return -1;
	if (sync_send(ctx->sync_fd[0], SYNC_GO, NULL, -1) < 0)
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
	return 0;
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
	ctx->init_pid = 0;
	ctx->init_status = 0;
	ctx->init_exited = false;
	ctx->reboot = false;
}

static void report_status(struct start_ctx *ctx, const char *text)
{
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
	if (cgroup_ctx_new(&ctx->cgroup, ctx->name, ctx->conf, ctx->opts->sysconf, err) < 0 ||
	    cgroup_create(ctx->cgroup, err) < 0)
		goto fail;
	if (start_write_state(ctx, err) < 0)
		goto fail;
	if (cgroup_enter(ctx->cgroup, CGROUP_MONITOR, getpid(), err) < 0)
		goto fail;
	if (console_open(&ctx->console, ctx->conf, ctx->opts->console_path, ctx->opts->console_log, err) < 0)
		goto fail;
	if (allocate_ttys(ctx, err) < 0 || chown_ptys(ctx, err) < 0)
		goto fail;
	if (ctx->opts->foreground_console && ctx->console.master >= 0 && ctx->console.peer_out < 0) {
		ctx->console.peer_out = STDOUT_FILENO;
		ctx->console.peer_in = STDIN_FILENO;
	}
	if (!ctx->opts->restore && start_run_hook(ctx, HOOK_PRE_START, err) < 0)
		goto fail;
	if ((ctx->opts->restore ? restore_spawn(ctx, err) : start_spawn(ctx, err)) < 0)
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
	monitor_set_state(ctx, STATE_ABORTING);
	/* a caller still waiting prints it (once, to the terminal and the log); after a
	 * reboot nobody waits, so it goes to the log from here */
	if (ctx->status_fd >= 0)
		INFO("the start failed: %s", err->msg);
	else
		ERROR("%s", err->msg);
	monitor_set_state(ctx, STATE_STOPPING);
	start_teardown(ctx);
	return -1;
}

/* The monitor: runs the container, again after each reboot (init killed by SIGHUP, as
 * the kernel does when reboot(2) is called in a pid namespace). Returns the exit code
 * for the process (init's status encoded as a shell would). */
static int monitor_main(struct start_ctx *ctx)
{
	struct lxc_error err = { 0 };
	int ret;

	ctx->cmd_fd = -1;
	if (mkdir_p(ctx->paths.dir, 0700, &err) < 0 || chmod(ctx->paths.dir, 0700) < 0 ||
	    (ctx->cmd_fd = cmd_listen(ctx->paths.command, &err)) < 0) {
		monitor_set_state(ctx, STATE_ABORTING);
		INFO("the start failed: %s", err.msg);
		ret = -1;
	} else {
		while ((ret = monitor_run_once(ctx, &err)) == 0 && ctx->reboot) {
			INFO("init rebooted the container: starting it again");
			monitor_set_state(ctx, STATE_STOPPED);
			run_reset(ctx);
			/* a restored container reboots into a fresh start: prepare what CRIU gave */
			if (ctx->opts->restore && (prepare_init_argv(ctx, &err) < 0 ||
			    seccomp_prepare(ctx->conf->seccomp_profile, NULL, &ctx->seccomp, &err) < 0 ||
			    lsm_prepare(&ctx->lsm, ctx->conf, ctx->name, ctx->lxcpath, &err) < 0)) {
				ret = -1;
				break;
			}
			ctx->opts->restore = false;
		}
	}
	unlink(ctx->paths.state);
	unlink(ctx->paths.command);
	rmdir(ctx->paths.dir);
	if (ctx->opts->pidfile)
		unlink(ctx->opts->pidfile); /* as LXC: the file names a running monitor only */
	if (ret < 0) {
		char *msg = xasprintf("ERR %s", err.msg);

		report_status(ctx, msg);
		free(msg);
		return 1;
	}
	if (WIFEXITED(ctx->init_status))
		return WEXITSTATUS(ctx->init_status);
	return 128 + WTERMSIG(ctx->init_status);
}

/* The guard: waits for the monitor and, if it died without tearing down (killed),
 * undoes what its state file records. It holds the lock until then, then announces
 * STOPPED and the exit code (init's, as the monitor's exit code carries it). */
static int guard_wait(struct start_ctx *ctx, pid_t monitor)
{
	sigset_t set;
	int status, code;

	/* signals were blocked before the fork; pass them on to the monitor */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		pid_t got = waitpid(monitor, &status, WNOHANG);
		int sig;

		if (got == monitor)
			break;
		if (got < 0 && errno != EINTR)
			return 1;
		sig = sigwaitinfo(&set, NULL);
		if (sig > 0 && sig != SIGCHLD)
			kill(monitor, sig);
	}
	if (path_exists(ctx->paths.state)) {
		struct lxc_error err = { 0 };

		cleanup_from_state_file(&ctx->paths, ctx->opts->sysconf);
		/* the guard prepared the same plan before the fork: it knows the profile */
		if (lsm_unload_generated(&ctx->lsm, &err) < 0)
			WARN("after a monitor crash: %s", err.msg);
	}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	/* the monitor is gone and so is all it made: the lock goes last */
	runtime_unlock(&ctx->paths, ctx->lock_fd);
	ctx->lock_fd = -1;
	event_broadcast(ctx->lxcpath, ctx->name, EVENT_STATE, STATE_STOPPED);
	event_broadcast(ctx->lxcpath, ctx->name, EVENT_EXIT, code);
	return code;
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
	ctx->conf = opts->conf;
	ctx->name = opts->name;
	ctx->lxcpath = opts->lxcpath;
	ctx->lock_fd = ctx->exec_memfd = ctx->init_pidfd = ctx->cmd_fd = ctx->status_fd = -1;
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
	net_state_free(&ctx->net);
	if (ctx->cgroup)
		cgroup_ctx_free(ctx->cgroup);
	console_close(&ctx->console);
	close_ttys(ctx);
	if (ctx->exec_memfd >= 0)
		close(ctx->exec_memfd);
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
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
	/* blocked from here on: the guard forwards them, the monitor reads them from a
	 * signalfd, and init unblocks everything before exec */
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
		cleanup_from_state_file(&ctx.paths, opts->sysconf);
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
		close(pipefd[0]);
		ctx.status_fd = pipefd[1];
		if (opts->daemonize) {
			pid_t monitor;
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);

			setsid();
			if (chdir("/") < 0)
				_exit(1);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
				close(null);
			}
			monitor = fork();
			if (monitor < 0)
				_exit(1);
			if (monitor > 0) {
				close(ctx.status_fd);
				_exit(guard_wait(&ctx, monitor));
			}
		}
		_exit(monitor_main(&ctx));
	}
	close(pipefd[1]);
	/* lxc-start -F: the terminal talks to the container's console, key by key */
	if (opts->foreground_console)
		terminal_raw(STDIN_FILENO, &term);
	if (opts->daemonize) {
		/* the guard holds the lock now and releases it after the monitor's teardown */
		close(ctx.lock_fd);
		ctx.lock_fd = -1;
	}
	ret = read_status(pipefd[0], err);
	close(pipefd[0]);
	if (!opts->daemonize) {
		*exit_status = guard_wait(&ctx, pid);
	} else if (ret < 0) {
		int status;

		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	terminal_restore(&term);
out:
	ctx_free(&ctx);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
