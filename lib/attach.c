/* lxc-attach: run a command inside a running container's namespaces, cgroup, LSM
 * label, capabilities and seccomp filter, with a pty when stdin is a terminal. */
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "caps.h"
#include "cgroup.h"
#include "commands.h"
#include "container.h"
#include "log.h"
#include "lsm.h"
#include "namespace.h"
#include "seccomp.h"
#include "start_internal.h" /* sync_send, sync_recv */
#include "terminal.h"
#include "utils.h"

extern char **environ;

struct attach_ctx {
	const struct attach_options *o;
	struct lxc_conf *conf;
	pid_t init_pid;
	int ns_fds[NS_COUNT];
	int ns_flags;
	struct cgroup_ctx *cgroup;
	struct seccomp_program seccomp;
	struct lsm_plan lsm;
	uint64_t caps_keep;
	int pty_slave;
	int pty_sock;               /* attached child's end of the pty handshake, -1: no pty */
	bool std_tty[3];            /* which of our stdin/out/err are terminals */
};

/* The pty handshake: the attached child opens a pty on the container's devpts and
 * sends us the master, or asks for one of the host's and gets its slave. */
enum { PTY_MASTER = 1, PTY_FROM_HOST, PTY_SLAVE };

/* Signals lxc-attach passes on to the attached process when it runs without a pty
 * (with one, the terminal delivers ^C and friends itself). */
static const int forwarded_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void forwarded_set(sigset_t *set, bool with_chld)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded_signals); i++)
		sigaddset(set, forwarded_signals[i]);
	if (with_chld)
		sigaddset(set, SIGCHLD);
}

/* Wait for child, passing forwarded signals on to it (they are blocked by the caller). */
static int wait_forwarding(pid_t child)
{
	sigset_t set;
	int status;

	forwarded_set(&set, true);
	for (;;) {
		pid_t got = waitpid(child, &status, WNOHANG);
		int sig;

		if (got == child)
			return status;
		if (got < 0 && errno != EINTR)
			return 126 << 8; /* as if it exited 126 */
		sig = sigwaitinfo(&set, NULL);
		if (sig > 0 && sig != SIGCHLD)
			kill(child, sig);
	}
}

/* The login shell of uid in the container's /etc/passwd (read by us: no NSS modules
 * from the container are ever loaded, CVE-2019-14271). */
static char *container_shell(uid_t uid)
{
	_cleanup_free_ char *passwd = NULL;
	char *line, *save = NULL;

	if (file_read("/etc/passwd", &passwd, NULL, NULL) < 0)
		return xstrdup("/bin/sh");
	for (line = strtok_r(passwd, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *fields[7] = { 0 };
		char *p = line;
		unsigned id;
		int i;

		for (i = 0; i < 7 && p; i++) {
			fields[i] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (i == 7 && str_to_uint(fields[2], &id) == 0 && id == uid && fields[6][0])
			return xstrdup(fields[6]);
	}
	return xstrdup("/bin/sh");
}

static void build_env(const struct attach_options *o)
{
	if (o->clear_env) {
		struct strlist keep = { 0 };

		for (size_t i = 0; i < o->keep_vars.len; i++) {
			const char *v = getenv(o->keep_vars.items[i]);

			if (v)
				strlist_push_owned(&keep, xasprintf("%s=%s", o->keep_vars.items[i], v));
		}
		clearenv();
		for (size_t i = 0; i < keep.len; i++)
			putenv(xstrdup(keep.items[i]));
		strlist_clear(&keep);
	}
	setenv("container", "lxc", 1);
	if (!getenv("PATH"))
		setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	for (size_t i = 0; i < o->set_vars.len; i++) {
		const char *kv = o->set_vars.items[i];
		const char *eq = strchr(kv, '=');

		if (eq) {
			_cleanup_free_ char *key = xstrndup(kv, eq - kv);

			setenv(key, eq + 1, 1);
		}
	}
}

static int remount_sys_proc(struct lxc_error *err)
{
	if (unshare(CLONE_NEWNS) < 0)
		return error_sys(err, errno, "failed to unshare the mount namespace for -R");
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return error_sys(err, errno, "failed to make / a slave mount");
	umount2("/proc", MNT_DETACH);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return error_sys(err, errno, "failed to mount /proc");
	umount2("/sys", MNT_DETACH);
	if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) < 0)
		return error_sys(err, errno, "failed to mount /sys");
	return 0;
}

/* In the attached process: a pty whose name means something in the container (tty,
 * ttyname, sudo): from the container's own devpts when it gives one, else from ours. */
static int attach_get_pty(struct attach_ctx *a, uid_t uid, gid_t gid, struct lxc_error *err)
{
	int master = -1, slave = -1;
	char buf[64];

	if (terminal_openpty("/dev/ptmx", &master, &slave, NULL, NULL) == 0) {
		int r = sync_send(a->pty_sock, PTY_MASTER, NULL, master);

		close(master);
		if (r < 0) {
			close(slave);
			return error_sys(err, errno, "failed to pass the terminal to lxc-attach");
		}
	} else if (sync_send(a->pty_sock, PTY_FROM_HOST, NULL, -1) < 0 ||
		   sync_recv(a->pty_sock, buf, sizeof(buf), &slave) != PTY_SLAVE || slave < 0) {
		if (slave >= 0)
			close(slave);
		return error_set(err, "failed to get a terminal for the attached process");
	}
	if ((uid || gid) && fchown(slave, uid, gid) < 0)
		WARN("failed to give the terminal to uid %u", (unsigned)uid);
	close(a->pty_sock);
	a->pty_sock = -1;
	a->pty_slave = slave;
	return 0;
}

/* The attached process itself, already in the container's pid namespace. */
__attribute__((noreturn)) static void attached_child(struct attach_ctx *a, int errpipe)
{
	const struct attach_options *o = a->o;
	struct lxc_error err = { 0 };
	uid_t uid = o->uid >= 0 ? (uid_t)o->uid : 0;
	gid_t gid = o->gid >= 0 ? (gid_t)o->gid : 0;
	_cleanup_free_ char *shell = NULL;
	char *sh_argv[2];
	char **argv = o->argv;

	if (!o->elevated_lsm && lsm_open_attr(&a->lsm, &err) < 0)
		goto fail;
	if (a->ns_fds[NS_MNT] >= 0 && setns(a->ns_fds[NS_MNT], CLONE_NEWNS) < 0) {
		error_sys(&err, errno, "failed to join the mount namespace");
		goto fail;
	}
	if (a->ns_fds[NS_MNT] < 0 && o->remount_sys_proc && remount_sys_proc(&err) < 0)
		goto fail;
	if (chdir("/") < 0) {
		error_sys(&err, errno, "failed to change to /");
		goto fail;
	}
	if (o->arch_personality != ~0UL && personality(o->arch_personality) < 0) {
		error_sys(&err, errno, "failed to set personality");
		goto fail;
	}
	/* a session of its own: the caller's controlling terminal (reachable through
	 * /dev/tty) must not stay the attached process's, or it could push input into it */
	setsid();
	if (a->pty_sock >= 0 && attach_get_pty(a, uid, gid, &err) < 0)
		goto fail;
	if (a->pty_slave >= 0) {
		/* the new pty replaces exactly the terminals; pipes and files stay as given */
		ioctl(a->pty_slave, TIOCSCTTY, 0);
		for (int i = 0; i < 3; i++)
			if (a->std_tty[i])
				dup2(a->pty_slave, i);
	}
	build_env(o);
	if (!argv || !argv[0]) {
		shell = container_shell(uid);
		sh_argv[0] = shell;
		sh_argv[1] = NULL;
		argv = sh_argv;
	}
	if (!o->elevated_lsm && lsm_apply(&a->lsm, &err) < 0)
		goto fail;
	if (!o->elevated_caps && caps_drop_bounding(a->caps_keep, &err) < 0)
		goto fail;
	if (a->conf->no_new_privs > 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		error_sys(&err, errno, "failed to set no_new_privs");
		goto fail;
	}
	if (seccomp_install(&a->seccomp, NULL, &err) < 0)
		goto fail;
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0) {
		error_sys(&err, errno, "failed to switch to uid %u gid %u", (unsigned)uid, (unsigned)gid);
		goto fail;
	}
	if (!o->elevated_caps && uid == 0 && caps_apply(a->caps_keep, &err) < 0)
		goto fail;
	{
		int keep[1] = { errpipe };

		close_fds_from(3, keep, 1);
	}
	{
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	execvp(argv[0], argv);
	error_sys(&err, errno, "failed to exec \"%s\"", argv[0]);
fail:
	if (write_full(errpipe, err.msg, strlen(err.msg)) < 0)
		_exit(126);
	_exit(126);
}

/* First child: joins every namespace but the mount one (the grandchild still needs the
 * host's /proc for its LSM attribute), enters the cgroup, forks into the pid namespace. */
__attribute__((noreturn)) static void joining_child(struct attach_ctx *a, int errpipe)
{
	static const enum conf_ns order[] = { NS_USER, NS_PID, NS_UTS, NS_IPC, NS_NET, NS_CGROUP, NS_TIME };
	struct lxc_error err = { 0 };
	int status;
	pid_t pid;

	if (a->cgroup && !a->o->elevated_cgroup && cgroup_enter(a->cgroup, CGROUP_PAYLOAD, 0, &err) < 0)
		goto fail;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		if (a->ns_fds[order[i]] < 0)
			continue;
		if (setns(a->ns_fds[order[i]], ns_clone_flag(order[i])) < 0) {
			error_sys(&err, errno, "failed to join the %s namespace", ns_proc_name(order[i]));
			goto fail;
		}
	}
	pid = fork();
	if (pid < 0) {
		error_sys(&err, errno, "fork failed");
		goto fail;
	}
	if (pid == 0)
		attached_child(a, errpipe);
	close(errpipe);
	status = wait_forwarding(pid);
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	_exit(128 + WTERMSIG(status));
fail:
	if (write_full(errpipe, err.msg, strlen(err.msg)) < 0)
		_exit(126);
	_exit(126);
}

/* Joining a namespace we are in already is useless, and for a user namespace an error. */
static void drop_own_namespaces(struct attach_ctx *a)
{
	for (int ns = 0; ns < NS_COUNT; ns++) {
		_cleanup_free_ char *own = xasprintf("/proc/self/ns/%s", ns_proc_name(ns));
		struct stat theirs, ours;

		if (a->ns_fds[ns] < 0 || fstat(a->ns_fds[ns], &theirs) < 0 || stat(own, &ours) < 0)
			continue;
		if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino) {
			close(a->ns_fds[ns]);
			a->ns_fds[ns] = -1;
		}
	}
}

static int attach_prepare(struct attach_ctx *a, struct lxc_error *err)
{
	const struct attach_options *o = a->o;
	_cleanup_free_ char *cg = NULL;
	int flags;

	if (container_require_defined(o->lxcpath, o->name, err) < 0)
		return -1;
	a->init_pid = container_init_pid(o->lxcpath, o->name);
	if (a->init_pid < 0)
		return error_set(err, "%s is not running", o->name);
	/* every namespace init is in, also those it shares with another container or
	 * the host (lxc.namespace.share.*, --share-*): the ones we are in already drop out
	 * below */
	flags = 0;
	for (int ns = 0; ns < NS_COUNT; ns++) {
		_cleanup_free_ char *own = xasprintf("/proc/self/ns/%s", ns_proc_name(ns));

		if (access(own, F_OK) == 0) /* the kernel has this kind */
			flags |= ns_clone_flag(ns);
	}
	a->ns_flags = o->ns_flags ? (o->ns_flags & flags) : flags;
	if (container_command(o->lxcpath, o->name, CMD_GET_CGROUP, 0, NULL, &cg, err) < 0)
		return -1;
	if (cg && *cg && cgroup_ctx_deserialize(&a->cgroup, cg, err) < 0)
		return -1;
	a->conf = container_load_conf(o->lxcpath, o->name, o->rcfile, err);
	if (!a->conf)
		return -1;
	if (caps_compute_keep(a->conf, &a->caps_keep, err) < 0)
		return -1;
	if (seccomp_prepare(a->conf->seccomp_profile, NULL, &a->seccomp, err) < 0)
		return -1;
	if (!o->elevated_lsm && lsm_prepare_attach(&a->lsm, a->init_pid, err) < 0)
		return -1;
	if (ns_open_pid(a->init_pid, a->ns_flags, a->ns_fds, err) < 0)
		return -1;
	drop_own_namespaces(a);
	/* the pid could have been recycled between the query and the opens */
	if (container_init_pid(o->lxcpath, o->name) != a->init_pid)
		return error_set(err, "%s stopped while attaching", o->name);
	return 0;
}

/* Our side of the pty handshake: returns the master to relay, or -1 when the attached
 * process failed before it got a terminal (its error comes through the error pipe). */
static int attach_serve_pty(int sock)
{
	int fd = -1, master = -1, slave = -1;
	char buf[64];
	int step = sync_recv(sock, buf, sizeof(buf), &fd);

	if (step == PTY_MASTER)
		return fd;
	if (fd >= 0)
		close(fd);
	if (step != PTY_FROM_HOST)
		return -1;
	if (terminal_openpty("/dev/ptmx", &master, &slave, NULL, NULL) < 0)
		return -1; /* the child sees EOF and reports it */
	if (sync_send(sock, PTY_SLAVE, NULL, slave) < 0) {
		close(master);
		master = -1;
	}
	close(slave);
	return master;
}

int container_attach(const struct attach_options *o, int *exit_status, struct lxc_error *err)
{
	struct attach_ctx a = { .o = o, .pty_slave = -1, .pty_sock = -1 };
	struct terminal_state term = { .fd = -1 };
	int master = -1, errpipe[2] = { -1, -1 }, pty_sock[2] = { -1, -1 }, status, ret = -1;
	bool any_tty = false;
	sigset_t forward, old_mask;
	char msg[1024];
	ssize_t n;
	pid_t pid;

	for (int ns = 0; ns < NS_COUNT; ns++)
		a.ns_fds[ns] = -1;
	/* nothing in the container may ptrace or read us while we hold host fds */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (attach_prepare(&a, err) < 0)
		goto out;
	/* any terminal among stdin/out/err gets a new pty in its place: a terminal of the
	 * host never reaches the container (TIOCSTI would type into it) */
	for (int i = 0; i < 3; i++)
		any_tty |= a.std_tty[i] = isatty(i);
	if (any_tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pty_sock) < 0) {
		error_sys(err, errno, "socketpair failed");
		goto out;
	}
	a.pty_sock = pty_sock[1];
	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		error_sys(err, errno, "pipe failed");
		goto out;
	}
	/* blocked from here: forwarded by whoever waits (both children inherit the mask) */
	forwarded_set(&forward, true);
	sigprocmask(SIG_BLOCK, &forward, &old_mask);
	pid = fork();
	if (pid < 0) {
		error_sys(err, errno, "fork failed");
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		goto out;
	}
	if (pid == 0) {
		close(errpipe[0]);
		if (pty_sock[0] >= 0)
			close(pty_sock[0]);
		joining_child(&a, errpipe[1]);
	}
	close(errpipe[1]);
	errpipe[1] = -1;
	if (pty_sock[1] >= 0) {
		close(pty_sock[1]);
		pty_sock[1] = a.pty_sock = -1;
		master = attach_serve_pty(pty_sock[0]);
	}
	if (master >= 0) {
		int out = a.std_tty[1] ? STDOUT_FILENO : a.std_tty[2] ? STDERR_FILENO : -1;
		_cleanup_close_ int null = out < 0 ? open("/dev/null", O_WRONLY | O_CLOEXEC) : -1;

		/* with a pty the terminal delivers ^C itself; kill(1) of us ends the relay */
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		if (!a.std_tty[0])
			terminal_copy_winsize(out, master);
		terminal_raw(a.std_tty[0] ? STDIN_FILENO : -1, &term);
		terminal_proxy(a.std_tty[0] ? STDIN_FILENO : -1, out >= 0 ? out : null, master, -1, NULL);
		terminal_restore(&term);
		sigprocmask(SIG_BLOCK, &forward, NULL);
	}
	n = read_full(errpipe[0], msg, sizeof(msg) - 1);
	status = wait_forwarding(pid);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (n > 0) {
		msg[n] = '\0';
		error_set(err, "%s", msg);
		goto out;
	}
	*exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	ret = 0;
out:
	if (master >= 0)
		close(master);
	if (a.pty_slave >= 0)
		close(a.pty_slave);
	if (errpipe[0] >= 0)
		close(errpipe[0]);
	if (errpipe[1] >= 0)
		close(errpipe[1]);
	for (int i = 0; i < 2; i++)
		if (pty_sock[i] >= 0)
			close(pty_sock[i]);
	ns_close_all(a.ns_fds);
	seccomp_program_free(&a.seccomp);
	lsm_plan_free(&a.lsm);
	if (a.cgroup)
		cgroup_ctx_free(a.cgroup);
	if (a.conf)
		conf_free(a.conf);
	return ret;
}
