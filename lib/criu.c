/* Runs `criu swrk 3` and talks to it: one protobuf message per SOCK_SEQPACKET record,
 * notifications answered through a callback, failures reported with CRIU's own log lines. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/user.h>
#endif

#include "criu.h"
#include "log.h"
#include "runtime.h"
#include "sysconf.h"
#include "utils.h"

/* CRIU's answers are a few hundred bytes; anything this large is not CRIU talking. */
#define CRIU_MSG_MAX (1u << 20)
#define CRIU_LOG_MAX_ERRORS 5

extern char **environ;

/* ---- finding criu ---------------------------------------------------------------- */

static char *criu_search_path(const char *name)
{
	const char *path = getenv("PATH");
	struct strlist dirs = { 0 };
	char *found = NULL;

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	strlist_split(&dirs, path, ":");
	for (size_t i = 0; i < dirs.len && !found; i++) {
		char *cand = xasprintf("%s/%s", dirs.items[i], name);
		struct stat st;

		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	strlist_clear(&dirs);
	return found;
}

static int criu_resolve(const char *value, const char *origin, char **path, struct lxc_error *err)
{
	struct stat st;

	if (!strchr(value, '/')) {
		*path = criu_search_path(value);
		if (!*path)
			return error_set(err, "%s: \"%s\" not found in PATH", origin, value);
		return 0;
	}
	if (stat(value, &st) < 0)
		return error_sys(err, errno, "%s: \"%s\"", origin, value);
	if (!S_ISREG(st.st_mode) || access(value, X_OK) < 0)
		return error_set(err, "%s: \"%s\" is not an executable file", origin, value);
	*path = xstrdup(value);
	return 0;
}

int criu_find(const struct lxc_sysconf *sc, char **path, struct lxc_error *err)
{
	const char *env = getenv("CRIU");

	if (sc && sc->criu_path && *sc->criu_path) {
		_cleanup_free_ char *origin = xasprintf("lxc.criu.path in %s", sc->path ? sc->path : "the system config");

		return criu_resolve(sc->criu_path, origin, path, err);
	}
	if (env && *env)
		return criu_resolve(env, "$CRIU", path, err);
	*path = criu_search_path("criu");
	if (!*path)
		return error_set(err, "criu not found in PATH: install CRIU %d.%d or newer, or name it with lxc.criu.path in %s/lxc.conf or $CRIU",
				 CRIU_MIN_MAJOR, CRIU_MIN_MINOR, LXC_SYSCONFDIR);
	return 0;
}

/* ---- the log ---------------------------------------------------------------------- */

static int criu_errors_from(FILE *f, char *buf, size_t len)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, used = 0;
	int found = 0;

	if (len)
		buf[0] = '\0';
	while (found < CRIU_LOG_MAX_ERRORS && getline(&line, &cap, f) >= 0) {
		char *e = strstr(line, "Error (");

		if (!e || strstr(e, "Can't setup RLIMIT_NOFILE"))
			continue;
		e[strcspn(e, "\n")] = '\0';
		if (len > used) {
			int w = snprintf(buf + used, len - used, "%s%s", found ? "; " : "", e);

			used += w < 0 ? 0 : (size_t)w;
			if (used >= len)
				used = len - 1;
		}
		found++;
	}
	return found;
}

int criu_log_first_errors(const char *log_path, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(log_path, "re");

	if (len)
		buf[0] = '\0';
	if (!f)
		return -1;
	return criu_errors_from(f, buf, len);
}

/* The first errors CRIU wrote to its stderr. */
static int criu_stderr_errors(const struct criu_conn *c, char *buf, size_t len)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	size_t cap = 64 * 1024, have = 0;
	ssize_t n;

	if (len)
		buf[0] = '\0';
	if (c->stderr_fd < 0)
		return 0;
	text = xmalloc(cap);
	while (have < cap && (n = pread(c->stderr_fd, text + have, cap - have, (off_t)have)) > 0)
		have += (size_t)n;
	if (!have)
		return 0;
	f = fmemopen(text, have, "r");
	return f ? criu_errors_from(f, buf, len) : 0;
}

/* ---- hardware breakpoints --------------------------------------------------------- */

#define HWBP_CACHE_NAME "criu-hw-breakpoints"

#if defined(__x86_64__) || defined(__i386__)
__attribute__((noinline)) static void criu_bp_target(void)
{
	__asm__ volatile("" ::: "memory");
}

/* CRIU puts an execute breakpoint (DR0/DR7) on the parasite's sigreturn and waits for
 * the trap. Some hypervisors accept the debug registers but never raise the trap: the
 * same probe on a child of our own tells whether that is the case here. */
static bool criu_hw_breakpoints_work(void)
{
	int status;
	bool works = true;
	pid_t pid = fork();

	if (pid < 0)
		return true; /* cannot tell: leave CRIU's default */
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0) {
			raise(SIGSTOP);
			criu_bp_target();
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		goto out;
	if (ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[0]), (void *)criu_bp_target) ||
	    ptrace(PTRACE_POKEUSER, pid, offsetof(struct user, u_debugreg[7]), (void *)1L) ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL))
		goto out;
	if (waitpid(pid, &status, 0) == pid)
		works = !(WIFEXITED(status) || WIFSIGNALED(status));
out:
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return works;
}
#else
static bool criu_hw_breakpoints_work(void)
{
	return true;
}
#endif

/* The probe costs a fork and two ptrace stops (2 to 6 ms here): its answer is kept
 * for the boot. */
static bool criu_hw_breakpoints_work_cached(void)
{
	_cleanup_free_ char *path = runtime_boot_cache_path(HWBP_CACHE_NAME);
	_cleanup_free_ char *known = NULL;
	struct lxc_error err = { 0 };
	bool works;

	if (path && file_read(path, &known, NULL, NULL) == 0 && (!strcmp(known, "1") || !strcmp(known, "0")))
		return known[0] == '1';
	works = criu_hw_breakpoints_work();
	if (path && mkdir_p(LXC_RUNDIR, 0755, &err) == 0 && file_write_replace(path, works ? "1" : "0", 1, 0644, &err) == 0)
		runtime_boot_cache_drop_others(HWBP_CACHE_NAME, path);
	return works;
}

/* ---- launching -------------------------------------------------------------------- */

static void criu_child(const char *binary, char **envp, int sock, const int *extra, size_t n_extra,
		       int in_fd, int err_fd, int errpipe)
{
	int base = 4 + (int)n_extra;
	int moved[3 + 1 + 64]; /* stdin, stdout, stderr, sock, extras (n_extra checked by caller) */
	char *argv[] = { "criu", "swrk", "3", NULL };
	sigset_t all;
	int e;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);

	/* every source goes above the target range first, so no dup2 clobbers a source;
	 * the error pipe then sits right above the range and all beyond it is closed */
	errpipe = fcntl(errpipe, F_DUPFD_CLOEXEC, base + 1);
	moved[0] = fcntl(in_fd, F_DUPFD_CLOEXEC, base + 1);
	moved[1] = fcntl(in_fd, F_DUPFD_CLOEXEC, base + 1);
	moved[2] = fcntl(err_fd, F_DUPFD_CLOEXEC, base + 1);
	moved[3] = fcntl(sock, F_DUPFD_CLOEXEC, base + 1);
	for (size_t i = 0; i < n_extra; i++)
		moved[4 + i] = fcntl(extra[i], F_DUPFD_CLOEXEC, base + 1);
	if (errpipe < 0 || dup3(errpipe, base, O_CLOEXEC) < 0)
		_exit(127);
	errpipe = base;
	for (int i = 0; i < base; i++)
		if (moved[i] < 0 || dup2(moved[i], i) < 0)
			goto fail;
	/* close_range needs Linux 5.9; the fallback reads /proc (allocates, but only here) */
	if (syscall(SYS_close_range, base + 1, ~0U, 0) < 0)
		close_fds_from(base + 1, NULL, 0);
	execve(binary, argv, envp);
fail:
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0) {
		/* the parent then sees a dead child without a reason */
	}
	_exit(127);
}

/* environ plus CRIU_FAULT=130 (no hardware breakpoints) when this machine needs it. */
static char **criu_env(void)
{
	size_t n = 0;
	char **envp;
	bool has_fault = false;

	for (char **e = environ; e && *e; e++, n++)
		has_fault |= str_starts_with(*e, "CRIU_FAULT=");
	envp = xzalloc((n + 2) * sizeof(*envp));
	if (n)
		memcpy(envp, environ, n * sizeof(*envp));
	if (!has_fault && !criu_hw_breakpoints_work_cached()) {
		INFO("hardware breakpoints do not trap on this machine: criu will stop tasks by syscall tracing");
		envp[n] = "CRIU_FAULT=130";
	}
	return envp;
}

int criu_open(struct criu_conn *c, const struct lxc_sysconf *sc, const int *extra_fds, size_t n_extra,
	      struct lxc_error *err)
{
	_cleanup_free_ char *binary = NULL;
	_cleanup_free_ char **envp = NULL;
	_cleanup_close_ int child_end = -1, devnull = -1, pipe_rd = -1, pipe_wr = -1;
	int sv[2], pipefd[2], e;
	ssize_t n;
	pid_t pid;

	c->sock = -1;
	c->pid = -1;
	c->wait_status = -1;
	c->stderr_fd = -1;
	c->binary = NULL;
	c->log_path = NULL;
	if (n_extra > 64)
		return error_set(err, "criu: %zu extra descriptors (at most 64)", n_extra);
	if (criu_find(sc, &binary, err) < 0)
		return -1;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return error_sys(err, errno, "open /dev/null");
	/* CRIU's stderr (errors before its log is set up, the whole log with log_to_stderr,
	 * and its complaint when a kept-open connection is closed) is kept, not shown:
	 * failures quote it. O_APPEND, so reading it back never moves CRIU's writes. */
	c->stderr_fd = memfd_create("criu-stderr", MFD_CLOEXEC);
	if (c->stderr_fd < 0)
		return error_sys(err, errno, "memfd_create");
	if (fcntl(c->stderr_fd, F_SETFL, O_APPEND) < 0) {
		e = errno;
		close(steal_fd(c->stderr_fd));
		return error_sys(err, e, "memfd O_APPEND");
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return error_sys(err, errno, "pipe");
	pipe_rd = pipefd[0];
	pipe_wr = pipefd[1];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return error_sys(err, errno, "socketpair for criu");
	c->sock = sv[0];
	child_end = sv[1];
	envp = criu_env();

	pid = fork();
	if (pid < 0) {
		e = errno;
		close(steal_fd(c->sock));
		close(steal_fd(c->stderr_fd));
		return error_sys(err, e, "fork for %s", binary);
	}
	if (pid == 0)
		criu_child(binary, envp, child_end, extra_fds, n_extra, devnull, c->stderr_fd, pipe_wr);

	/* our copy of the server end must go, or a dead criu would never read as EOF */
	close(steal_fd(child_end));
	close(steal_fd(pipe_wr));
	do
		n = read(pipe_rd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		close(steal_fd(c->sock));
		close(steal_fd(c->stderr_fd));
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		if (n == (ssize_t)sizeof(e))
			return error_sys(err, e, "cannot execute %s", binary);
		return error_set(err, "cannot execute %s", binary);
	}
	c->pid = pid;
	c->binary = steal_ptr(binary);
	DEBUG("started %s swrk 3 as pid %d", c->binary, (int)pid);
	return 0;
}

static void criu_reap(struct criu_conn *c)
{
	int status;

	if (c->pid < 0)
		return;
	while (waitpid(c->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1; /* somebody else reaped it */
			break;
		}
	}
	c->wait_status = status;
	c->pid = -1;
}

void criu_close(struct criu_conn *c)
{
	if (c->sock >= 0) {
		close(c->sock);
		c->sock = -1;
	}
	criu_reap(c);
	if (c->stderr_fd >= 0) {
		char lines[768];

		if (log_enabled(LOG_LEVEL_DEBUG) && criu_stderr_errors(c, lines, sizeof(lines)) > 0)
			DEBUG("criu stderr: %s", lines);
		close(c->stderr_fd);
		c->stderr_fd = -1;
	}
	free(c->binary);
	free(c->log_path);
	c->binary = NULL;
	c->log_path = NULL;
}

/* The log file a request makes CRIU write: log_file (default "criu.log") in the work
 * dir, which defaults to the images dir. NULL when it cannot be known. */
static char *criu_log_path(const struct criu_req *req)
{
	const struct criu_opts *o = req->opts;
	const char *name;
	char link[64], dir[4096];
	ssize_t n;
	int fd;

	if (!o || o->log_to_stderr || o->config_file)
		return NULL;
	name = o->log_file ? o->log_file : "criu.log";
	fd = o->work_dir_fd != CRIU_UNSET ? o->work_dir_fd : o->images_dir_fd;
	if (fd < 0)
		return o->images_dir && o->work_dir_fd == CRIU_UNSET ? xasprintf("%s/%s", o->images_dir, name) : NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, dir, sizeof(dir) - 1);
	if (n <= 0)
		return NULL;
	dir[n] = '\0';
	return xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", name);
}

/* ": see PATH: Error (...)..." or "" to append to a failure message. */
static char *criu_log_hint(const struct criu_conn *c, const char *errmsg)
{
	char lines[768];

	if (c->log_path && criu_log_first_errors(c->log_path, lines, sizeof(lines)) > 0)
		return xasprintf(": see %s: %s", c->log_path, lines);
	if (criu_stderr_errors(c, lines, sizeof(lines)) > 0)
		return c->log_path ? xasprintf(": %s (see %s)", lines, c->log_path) : xasprintf(": %s", lines);
	if (errmsg && *errmsg)
		return c->log_path ? xasprintf(": %s (see %s)", errmsg, c->log_path) : xasprintf(": %s", errmsg);
	return c->log_path ? xasprintf(" (see %s)", c->log_path) : xstrdup("");
}

/* ---- messages --------------------------------------------------------------------- */

/* CRIU went away in the middle of op: reap it and say how it ended. */
static int criu_gone(struct criu_conn *c, const char *op, struct lxc_error *err)
{
	_cleanup_free_ char *hint = NULL;
	char how[64];
	int pid = c->pid;

	close(c->sock);
	c->sock = -1;
	criu_reap(c);
	if (c->wait_status < 0)
		snprintf(how, sizeof(how), "closed the connection");
	else if (WIFSIGNALED(c->wait_status))
		snprintf(how, sizeof(how), "was killed by signal %d (%s)", WTERMSIG(c->wait_status),
			 strsignal(WTERMSIG(c->wait_status)));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(c->wait_status));
	hint = criu_log_hint(c, NULL);
	return error_set(err, "criu %s: %s (pid %d) %s%s", op, c->binary, pid, how, hint);
}

static int criu_send(struct criu_conn *c, const struct criu_req *req, const char *op, struct lxc_error *err)
{
	struct pb_buf b = { 0 };
	ssize_t n;
	int e;

	if (c->sock < 0)
		return error_set(err, "criu %s: the connection to criu is closed", op);
	if (criu_req_encode(req, &b, err) < 0)
		return error_prefix(err, "criu %s", op);
	do
		n = send(c->sock, b.data, b.len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	e = errno;
	pb_buf_free(&b);
	if (n < 0 && (e == EPIPE || e == ECONNRESET))
		return criu_gone(c, op, err);
	if (n < 0)
		return error_sys(err, e, "criu %s: send", op);
	return 0;
}

/* One record and at most one passed descriptor. 0: got it; 1: EOF; -1: error. */
static int criu_recv(struct criu_conn *c, uint8_t **buf, size_t *len, int *fd, struct lxc_error *err)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct msghdr msg = { 0 };
	struct iovec iov;
	struct cmsghdr *cm;
	ssize_t n;

	*buf = NULL;
	*fd = -1;
	do
		n = recv(c->sock, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n == 0 || (n < 0 && errno == ECONNRESET))
		return 1;
	if (n < 0)
		return error_sys(err, errno, "receive from criu");
	if ((size_t)n > CRIU_MSG_MAX)
		return error_set(err, "criu sent a %zd-byte message (at most %u expected)", n, CRIU_MSG_MAX);
	*buf = xmalloc((size_t)n);
	iov.iov_base = *buf;
	iov.iov_len = (size_t)n;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.space;
	msg.msg_controllen = sizeof(ctl.space);
	do
		n = recvmsg(c->sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n == 0 || (n < 0 && errno == ECONNRESET)) {
		free(steal_ptr(*buf));
		return 1;
	}
	if (n < 0) {
		int e = errno;

		free(steal_ptr(*buf));
		return error_sys(err, e, "receive from criu");
	}
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int got;

			memcpy(&got, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (*fd < 0) {
				*fd = got;
				continue;
			}
			close(got);
			msg.msg_flags |= MSG_CTRUNC; /* more than the one CRIU ever passes */
		}
	}
	*len = (size_t)n;
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		free(steal_ptr(*buf));
		if (*fd >= 0)
			close(steal_fd(*fd));
		return error_set(err, "criu sent a truncated message or more than one descriptor");
	}
	return 0;
}

static int criu_reply_notify(struct criu_conn *c, bool ok, const char *op, struct lxc_error *err)
{
	struct criu_req r;

	criu_req_init(&r, CRIU_REQ_NOTIFY);
	r.notify_success = ok;
	return criu_send(c, &r, op, err);
}

/* The requests after which CRIU serves another one on the same connection. */
static bool criu_keeps_open(enum criu_req_type type)
{
	switch (type) {
	case CRIU_REQ_VERSION:
	case CRIU_REQ_FEATURE_CHECK:
	case CRIU_REQ_PAGE_SERVER:
	case CRIU_REQ_PAGE_SERVER_CHLD:
	case CRIU_REQ_CPUINFO_DUMP:
	case CRIU_REQ_CPUINFO_CHECK:
		return true;
	default:
		return false;
	}
}

int criu_request(struct criu_conn *c, const struct criu_req *req, criu_notify_fn fn, void *data,
		 struct criu_resp *resp, struct lxc_error *err)
{
	const char *op = criu_req_type_name(req->type);
	struct lxc_error cb_err = { 0 };
	bool cb_failed = false;

	memset(resp, 0, sizeof(*resp));
	if (req->keep_open && !criu_keeps_open(req->type))
		/* CRIU would end without an answer: say why instead of "criu exited" */
		return error_set(err, "criu %s: keep_open is only honoured on version, feature-check, page-server and cpuinfo requests",
				 op);
	free(c->log_path);
	c->log_path = criu_log_path(req);
	if (criu_send(c, req, op, err) < 0)
		return -1;
	for (;;) {
		_cleanup_free_ uint8_t *buf = NULL;
		_cleanup_close_ int fd = -1;
		size_t len = 0;
		int r = criu_recv(c, &buf, &len, &fd, err);

		if (r < 0)
			return error_prefix(err, "criu %s", op);
		if (r > 0) {
			if (cb_failed) {
				*err = cb_err;
				return -1;
			}
			return criu_gone(c, op, err);
		}
		if (criu_resp_decode(buf, len, resp, err) < 0)
			return error_prefix(err, "criu %s", op);
		if (resp->type != CRIU_REQ_NOTIFY)
			break;
		if (fn && !cb_failed) {
			const char *script = resp->notify_script ? resp->notify_script : "";

			TRACE("criu %s: notify \"%s\" pid %d fd %d", op, script, resp->notify_pid, fd);
			if (fn(data, script, resp->notify_pid, fd, &cb_err) < 0) {
				cb_failed = true;
				error_prefix(&cb_err, "criu %s: notify \"%s\"", op, script);
			}
		}
		criu_resp_free(resp);
		if (criu_reply_notify(c, !cb_failed, op, err) < 0)
			return cb_failed ? (*err = cb_err, -1) : -1;
	}
	if (cb_failed) {
		*err = cb_err;
		return -1;
	}
	/* CRIU answers PAGE_SERVER_CHLD with a PAGE_SERVER message */
	if (resp->type != (int)req->type &&
	    !(req->type == CRIU_REQ_PAGE_SERVER_CHLD && resp->type == CRIU_REQ_PAGE_SERVER)) {
		if (resp->type == CRIU_REQ_EMPTY)
			return error_set(err, "criu %s: %s refused the request%s%s", op, c->binary,
					 resp->cr_errmsg ? ": " : "", resp->cr_errmsg ? resp->cr_errmsg : "");
		return error_set(err, "criu %s: answered with a %s message", op, criu_req_type_name(resp->type));
	}
	if (!resp->success) {
		_cleanup_free_ char *hint = criu_log_hint(c, resp->cr_errmsg);

		error_set(err, "criu %s failed%s", op, hint);
		if (err)
			err->code = resp->cr_errno;
		return -1;
	}
	return 0;
}

/* ---- VERSION, FEATURE_CHECK, CHECK ---------------------------------------------------- */

int criu_version(struct criu_conn *c, struct criu_version *v, struct lxc_error *err)
{
	struct criu_resp resp;
	struct criu_req req;
	int ret;

	criu_req_init(&req, CRIU_REQ_VERSION);
	req.keep_open = true;
	ret = criu_request(c, &req, NULL, NULL, &resp, err);
	if (ret == 0 && !resp.has_version)
		ret = error_set(err, "the answer carries no version");
	if (ret < 0) {
		criu_resp_free(&resp);
		return error_prefix(err, "%s: no answer to VERSION (CRIU %d.%d or newer is needed)",
				    c->binary ? c->binary : "criu", CRIU_MIN_MAJOR, CRIU_MIN_MINOR);
	}
	*v = resp.version;
	criu_resp_free(&resp);
	if (v->major < CRIU_MIN_MAJOR || (v->major == CRIU_MIN_MAJOR && v->minor < CRIU_MIN_MINOR)) {
		char sub[16] = "";

		if (v->sublevel >= 0)
			snprintf(sub, sizeof(sub), ".%d", v->sublevel);
		return error_set(err, "criu %d.%d%s (%s) is too old: %d.%d or newer is needed (lxc.criu.path or $CRIU name another criu)",
				 v->major, v->minor, sub, c->binary, CRIU_MIN_MAJOR, CRIU_MIN_MINOR);
	}
	return 0;
}

int criu_features(struct criu_conn *c, struct criu_features *f, struct lxc_error *err)
{
	struct criu_resp resp;
	struct criu_req req;

	criu_req_init(&req, CRIU_REQ_FEATURE_CHECK);
	req.keep_open = true;
	req.features = f;
	if (criu_request(c, &req, NULL, NULL, &resp, err) < 0) {
		criu_resp_free(&resp);
		return -1;
	}
	if (f->mem_track > 0)
		f->mem_track = resp.features.mem_track > 0;
	if (f->lazy_pages > 0)
		f->lazy_pages = resp.features.lazy_pages > 0;
	if (f->pidfd_store > 0)
		f->pidfd_store = resp.features.pidfd_store > 0;
	criu_resp_free(&resp);
	return 0;
}

int criu_check_usable(const struct lxc_sysconf *sc, struct criu_version *v, struct lxc_error *err)
{
	_cleanup_close_ int root_fd = -1;
	struct criu_version ver;
	struct criu_conn c;
	struct criu_opts o;
	struct criu_resp resp;
	struct criu_req req;
	int ret;

	root_fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return error_sys(err, errno, "open /");
	if (criu_open(&c, sc, NULL, 0, err) < 0)
		return -1;
	if (criu_version(&c, &ver, err) < 0) {
		criu_close(&c);
		return -1;
	}
	if (v)
		*v = ver;
	criu_opts_init(&o);
	o.images_dir_fd = root_fd; /* CHECK writes no image; the images dir is only opened */
	o.log_to_stderr = true;    /* kept by the connection and quoted on failure */
	criu_req_init(&req, CRIU_REQ_CHECK);
	req.opts = &o;
	ret = criu_request(&c, &req, NULL, NULL, &resp, err);
	criu_resp_free(&resp);
	if (ret < 0)
		error_prefix(err, "criu %d.%d (%s) cannot work on this system", ver.major, ver.minor, c.binary);
	criu_close(&c);
	return ret;
}
