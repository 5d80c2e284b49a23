/* Unit tests for lib/criu.c without a real CRIU: finding the binary, the fd layout of
 * the launched process, the request/notify loop against a scripted peer, and errors. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criu.h"
#include "fdpass.h"
#include "unit.h"

static char *read_fixture(const char *name, size_t *len)
{
	const char *top = getenv("LXC_TOP");
	char *path = xasprintf("%s/test/unit/fixtures/criu/%s", top ? top : ".", name);
	char *buf = NULL;
	struct lxc_error err;

	if (file_read(path, &buf, len, &err) < 0)
		buf = NULL;
	free(path);
	return buf;
}

static char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/hcr-criu-unit.XXXXXX";

	return mkdtemp(tmpl) ? xstrdup(tmpl) : NULL;
}

static void write_exec(const char *path, const char *text)
{
	struct lxc_error err;

	CHECK(file_write_atomic(path, text, strlen(text), 0755, &err) == 0);
}

static int count_fds(void)
{
	_cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += de->d_name[0] != '.';
	return n;
}

/* ---- criu_find ------------------------------------------------------------------- */

TEST(criu_find_order)
{
	char *dir = make_tmpdir(), *old_path = xstrdup(getenv("PATH") ? getenv("PATH") : "");
	char *old_criu = getenv("CRIU") ? xstrdup(getenv("CRIU")) : NULL;
	char *in_path = xasprintf("%s/criu", dir), *other = xasprintf("%s/other-criu", dir);
	struct lxc_sysconf sc = { 0 };
	struct lxc_error err = { 0 };
	char *found = NULL;

	write_exec(in_path, "#!/bin/sh\n");
	write_exec(other, "#!/bin/sh\n");
	setenv("PATH", dir, 1);
	unsetenv("CRIU");
	CHECK(criu_find(NULL, &found, &err) == 0);
	CHECK_STR(found, in_path);
	free(found);

	setenv("CRIU", other, 1);
	CHECK(criu_find(&sc, &found, &err) == 0);
	CHECK_STR(found, other);
	free(found);
	setenv("CRIU", "other-criu", 1); /* a bare name is looked up in PATH */
	CHECK(criu_find(&sc, &found, &err) == 0);
	CHECK_STR(found, other);
	free(found);

	sc.criu_path = in_path; /* lxc.criu.path wins over $CRIU */
	sc.path = "/etc/lxc/lxc.conf";
	CHECK(criu_find(&sc, &found, &err) == 0);
	CHECK_STR(found, in_path);
	free(found);

	sc.criu_path = "/nonexistent/criu";
	CHECK_ERR(criu_find(&sc, &found, &err), &err, "lxc.criu.path in /etc/lxc/lxc.conf: \"/nonexistent/criu\"");
	sc.criu_path = dir;
	CHECK_ERR(criu_find(&sc, &found, &err), &err, "is not an executable file");
	sc.criu_path = NULL;
	setenv("CRIU", "/nonexistent/criu", 1);
	CHECK_ERR(criu_find(&sc, &found, &err), &err, "$CRIU: \"/nonexistent/criu\"");
	unsetenv("CRIU");
	unlink(in_path);
	CHECK_ERR(criu_find(NULL, &found, &err), &err, "criu not found in PATH");

	setenv("PATH", old_path, 1);
	if (old_criu)
		setenv("CRIU", old_criu, 1);
	unlink(other);
	rmdir(dir);
	free(dir);
	free(in_path);
	free(other);
	free(old_path);
	free(old_criu);
}

/* ---- the log --------------------------------------------------------------------- */

TEST(criu_log_first_errors_extracts_errors)
{
	static const char log[] =
		"(00.000000) Version: 4.1.1 (gitid 0)\n"
		"(00.069923) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted\n"
		"(00.078500) Warn  (compel/arch/x86/src/lib/infect.c:418): Will restore 1 with interrupted system call\n"
		"(00.080000) Error (criu/tty.c:1021): tty: Can't open /dev/console\n"
		"pie: 27242: Error (criu/pie/parasite.c:100): bad thing\n"
		"(00.090000) Error (criu/cr-dump.c:2111): Dumping FAILED.\n"
		"(00.090001) Error (a.c:1): four\n"
		"(00.090002) Error (a.c:2): five\n"
		"(00.090003) Error (a.c:3): six is past the limit\n";
	char *dir = make_tmpdir(), *path = xasprintf("%s/dump.log", dir);
	struct lxc_error err;
	char buf[512], small[24];

	CHECK(file_write_atomic(path, log, sizeof(log) - 1, 0644, &err) == 0);
	CHECK_INT(criu_log_first_errors(path, buf, sizeof(buf)), 5);
	CHECK_STR(buf, "Error (criu/tty.c:1021): tty: Can't open /dev/console; "
		       "Error (criu/pie/parasite.c:100): bad thing; "
		       "Error (criu/cr-dump.c:2111): Dumping FAILED.; Error (a.c:1): four; Error (a.c:2): five");
	CHECK_INT(criu_log_first_errors(path, small, sizeof(small)), 5);
	CHECK_INT(strlen(small), sizeof(small) - 1);
	CHECK(str_starts_with("Error (criu/tty.c:1021): tty", small));

	CHECK(file_write_atomic(path, "(00.1) all good\n", 16, 0644, &err) == 0);
	CHECK_INT(criu_log_first_errors(path, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
	unlink(path);
	errno = 0;
	CHECK_INT(criu_log_first_errors(path, buf, sizeof(buf)), -1);
	CHECK_INT(errno, ENOENT);
	rmdir(dir);
	free(path);
	free(dir);
}

/* ---- launching: fd layout and exit status ------------------------------------------ */

TEST(criu_open_fd_layout_and_exit_status)
{
	static const char script[] =
		"#!/bin/sh\n"
		"s=\"args $*\nfault ${CRIU_FAULT:-none}\"\n"
		"for fd in 0 1 2 3 4 5 6 7 8 9; do\n"
		"  [ -e /proc/$$/fd/$fd ] && s=\"$s\nfd $fd $(readlink /proc/$$/fd/$fd)\"\n"
		"done\n"
		"printf '%b\\n' \"$s\" > \"$HCR_OUT\"\n"
		"echo '(00.1) Error (fake.c:1): no kernel support for X' >&2\n"
		"exit 7\n";
	char *dir = make_tmpdir(), *fake = xasprintf("%s/fake-criu", dir);
	char *out = xasprintf("%s/out", dir), *extra_path = xasprintf("%s/extra", dir);
	char *old_criu = getenv("CRIU") ? xstrdup(getenv("CRIU")) : NULL, *text = NULL, *want = NULL;
	struct lxc_error err = { 0 };
	struct criu_conn c;
	struct criu_resp resp;
	struct criu_req req;
	int extra, leak;

	write_exec(fake, script);
	setenv("CRIU", fake, 1);
	setenv("HCR_OUT", out, 1);
	extra = open(extra_path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	leak = dup2(extra, 9); /* not CLOEXEC: criu must still not inherit it */
	CHECK(extra >= 0 && leak == 9);

	CHECK(criu_open(&c, NULL, &extra, 1, &err) == 0);
	CHECK(c.sock >= 0 && c.pid > 0);
	criu_req_init(&req, CRIU_REQ_VERSION);
	req.keep_open = true;
	/* with no log file, what criu wrote to stderr is quoted */
	CHECK_ERR(criu_request(&c, &req, NULL, NULL, &resp, &err), &err,
		  "exited with status 7: Error (fake.c:1): no kernel support for X");
	CHECK(strstr(err.msg, fake) != NULL);
	CHECK(c.sock == -1 && c.pid == -1 && WIFEXITED(c.wait_status));
	criu_resp_free(&resp);
	criu_close(&c);
	criu_close(&c); /* twice is fine */

	CHECK(file_read(out, &text, NULL, &err) == 0);
	want = xasprintf("args swrk 3\n");
	CHECK(text && str_starts_with(text, want));
	CHECK(text && strstr(text, "fd 0 /dev/null\nfd 1 /dev/null\nfd 2 /memfd:criu-stderr"));
	CHECK(text && strstr(text, "\nfd 3 socket:["));
	free(want);
	want = xasprintf("fd 4 %s\n", extra_path);
	CHECK(text && strstr(text, want));
	CHECK(text && !strstr(text, "fd 5") && !strstr(text, "fd 9"));
	/* CRIU_FAULT is either left unset or set for machines without working breakpoints */
	CHECK(text && (strstr(text, "fault none") || strstr(text, "fault 130")));
	free(text);
	free(want);

	/* a CRIU_FAULT of the caller's own is passed through untouched */
	setenv("CRIU_FAULT", "5", 1);
	CHECK(criu_open(&c, NULL, NULL, 0, &err) == 0);
	criu_close(&c);
	unsetenv("CRIU_FAULT");
	CHECK(file_read(out, &text, NULL, &err) == 0);
	CHECK(text && strstr(text, "fault 5\n") && !strstr(text, "fd 4"));
	free(text);

	/* not executable at all */
	setenv("CRIU", dir, 1);
	CHECK_ERR(criu_open(&c, NULL, NULL, 0, &err), &err, "is not an executable file");
	criu_close(&c);
	/* executable bit but exec fails */
	write_exec(fake, "\x7f" "ELF garbage");
	setenv("CRIU", fake, 1);
	CHECK_ERR(criu_open(&c, NULL, NULL, 0, &err), &err, "cannot execute");
	criu_close(&c);

	close(extra);
	close(leak);
	if (old_criu)
		setenv("CRIU", old_criu, 1);
	else
		unsetenv("CRIU");
	unsetenv("HCR_OUT");
	unlink(fake);
	unlink(out);
	unlink(extra_path);
	rmdir(dir);
	free(fake);
	free(out);
	free(extra_path);
	free(dir);
	free(old_criu);
}

/* ---- the loop against a scripted peer ---------------------------------------------- */

/* The peer's side: what it expects and sends, in order. */
struct fake_step {
	const char *expect;  /* golden request the client must send, or NULL */
	size_t expect_len;
	const char *send;    /* fixture to answer with, or NULL */
	int send_fd;         /* passed with SCM_RIGHTS when >= 0 */
	const char *raw;     /* raw bytes instead of a fixture */
	size_t raw_len;
};

static void fake_send(int sk, const void *buf, size_t len, int fd)
{
	struct iovec iov = { (void *)buf, len };

	if (fdpass_send(sk, &iov, 1, fd) != (ssize_t)len)
		_exit(20);
}

/* Forks a peer that plays steps on the other end of c's socket, then exits with
 * exit_code (a step that goes wrong exits 10 + its index). */
static void fake_start(struct criu_conn *c, const struct fake_step *steps, size_t n, int exit_code)
{
	int sv[2];
	pid_t pid;

	memset(c, 0, sizeof(*c));
	c->wait_status = -1;
	c->stderr_fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		for (size_t i = 0; i < n; i++) {
			if (steps[i].expect) {
				char buf[4096];
				ssize_t got = recv(sv[1], buf, sizeof(buf), 0);

				if (got != (ssize_t)steps[i].expect_len ||
				    memcmp(buf, steps[i].expect, steps[i].expect_len) != 0)
					_exit(10 + (int)i);
			}
			if (steps[i].send) {
				size_t len = 0;
				char *buf = read_fixture(steps[i].send, &len);

				if (!buf)
					_exit(30);
				fake_send(sv[1], buf, len, steps[i].send_fd);
				free(buf);
			}
			if (steps[i].raw)
				fake_send(sv[1], steps[i].raw, steps[i].raw_len, -1);
		}
		_exit(exit_code);
	}
	close(sv[1]);
	c->sock = sv[0];
	c->pid = pid;
	c->binary = xstrdup("fake-criu");
}

struct seen {
	char scripts[256];
	int pids[8];
	int fds_ok[8];
	int n;
	int fail_at; /* the callback fails on this call (1-based), 0: never */
};

static int record_notify(void *data, const char *script, int pid, int fd, struct lxc_error *err)
{
	struct seen *s = data;

	if (s->n < 8) {
		s->pids[s->n] = pid;
		/* the passed descriptor is usable: the peer gave us a pipe's write end */
		s->fds_ok[s->n] = fd >= 0 ? write(fd, "x", 1) == 1 : -1;
	}
	s->n++;
	snprintf(s->scripts + strlen(s->scripts), sizeof(s->scripts) - strlen(s->scripts), "%s%s",
		 s->scripts[0] ? "," : "", script);
	if (s->n == s->fail_at)
		return error_set(err, "console socket is gone");
	return 0;
}

#define NOTIFY_OK "\x08\x06\x18\x01", 4
#define NOTIFY_FAIL "\x08\x06\x18\x00", 4
#define VERSION_REQ "\x08\x0a\x20\x01", 4

TEST(criu_request_serves_notifications)
{
	struct lxc_error err = { 0 };
	struct seen s = { 0 };
	struct criu_version v;
	struct criu_conn c;
	int p[2];
	char got[4] = { 0 };
	int before = count_fds();

	CHECK(pipe2(p, O_CLOEXEC) == 0);
	{
		const struct fake_step steps[] = {
			{ VERSION_REQ, "resp_notify.bin", p[1], NULL, 0 },
			{ NOTIFY_OK, "resp_notify_noscript.bin", -1, NULL, 0 },
			{ NOTIFY_OK, "resp_version.bin", -1, NULL, 0 },
		};

		fake_start(&c, steps, ARRAY_SIZE(steps), 0);
	}
	close(p[1]);
	CHECK(criu_version(&c, &v, &err) == 0);
	CHECK_INT(v.major, 4);
	CHECK_INT(v.sublevel, 1);
	CHECK_STR(s.scripts, ""); /* criu_version() passes no callback: acknowledged silently */
	criu_close(&c);
	CHECK(WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 0);
	/* the fd that came with the notification was closed: the pipe sees EOF */
	CHECK_INT(read(p[0], got, sizeof(got)), 0);
	close(p[0]);

	/* the same exchange with a callback */
	CHECK(pipe2(p, O_CLOEXEC) == 0);
	{
		const struct fake_step steps[] = {
			{ VERSION_REQ, "resp_notify.bin", p[1], NULL, 0 },
			{ NOTIFY_OK, "resp_notify_noscript.bin", -1, NULL, 0 },
			{ NOTIFY_OK, "resp_version.bin", -1, NULL, 0 },
		};
		struct criu_resp resp;
		struct criu_req req;

		fake_start(&c, steps, ARRAY_SIZE(steps), 0);
		close(p[1]);
		criu_req_init(&req, CRIU_REQ_VERSION);
		req.keep_open = true;
		CHECK(criu_request(&c, &req, record_notify, &s, &resp, &err) == 0);
		CHECK(resp.has_version && resp.version.major == 4);
		criu_resp_free(&resp);
	}
	criu_close(&c);
	CHECK(WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 0);
	CHECK_STR(s.scripts, "post-restore,");
	CHECK_INT(s.n, 2);
	CHECK_INT(s.pids[0], 4242);
	CHECK_INT(s.fds_ok[0], 1);
	CHECK_INT(s.pids[1], -1);
	CHECK_INT(s.fds_ok[1], -1);
	CHECK_INT(read(p[0], got, sizeof(got)), 1);
	close(p[0]);
	CHECK_INT(count_fds(), before);
}

TEST(criu_request_callback_failure_aborts)
{
	const struct fake_step steps[] = {
		{ VERSION_REQ, "resp_notify.bin", -1, NULL, 0 },
		{ NOTIFY_FAIL, "resp_dump_failed.bin", -1, NULL, 0 },
	};
	struct lxc_error err = { 0 };
	struct seen s = { .fail_at = 1 };
	struct criu_resp resp;
	struct criu_req req;
	struct criu_conn c;

	fake_start(&c, steps, ARRAY_SIZE(steps), 0);
	criu_req_init(&req, CRIU_REQ_VERSION);
	req.keep_open = true;
	CHECK_ERR(criu_request(&c, &req, record_notify, &s, &resp, &err), &err,
		  "criu version: notify \"post-restore\": console socket is gone");
	criu_resp_free(&resp);
	criu_close(&c);
	/* the peer saw notify_success=false (else it exits 11) */
	CHECK(WIFEXITED(c.wait_status) && WEXITSTATUS(c.wait_status) == 0);
}

/* A DUMP request whose log goes to dir/x.log. */
static void dump_req(struct criu_req *req, struct criu_opts *o, int dirfd)
{
	criu_opts_init(o);
	o->images_dir_fd = dirfd;
	o->log_file = "x.log";
	o->pid = 1;
	criu_req_init(req, CRIU_REQ_DUMP);
	req->opts = o;
}

static size_t encoded(const struct criu_req *req, char *out, size_t size)
{
	struct pb_buf b = { 0 };
	size_t n = 0;

	if (criu_req_encode(req, &b, NULL) == 0 && b.len <= size) {
		memcpy(out, b.data, b.len);
		n = b.len;
	}
	pb_buf_free(&b);
	return n;
}

TEST(criu_request_failures_quote_the_log)
{
	static const char log[] = "(00.1) Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: x\n"
				  "(00.2) Error (criu/cr-dump.c:2111): Dumping FAILED.\n";
	char *dir = make_tmpdir(), *logp = xasprintf("%s/x.log", dir), *want;
	struct lxc_error err = { 0 };
	struct criu_resp resp;
	struct criu_opts o;
	struct criu_req req;
	struct criu_conn c;
	char raw[256];
	size_t n;
	pid_t pid;
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	CHECK(file_write_atomic(logp, log, sizeof(log) - 1, 0644, &err) == 0);
	dump_req(&req, &o, dirfd);
	n = encoded(&req, raw, sizeof(raw));
	CHECK(n > 0);

	/* success=false: the error names the log and quotes it; resp keeps cr_errno/errmsg */
	{
		const struct fake_step steps[] = { { raw, n, "resp_dump_failed.bin", -1, NULL, 0 } };

		fake_start(&c, steps, ARRAY_SIZE(steps), 0);
	}
	CHECK(criu_request(&c, &req, NULL, NULL, &resp, &err) < 0);
	want = xasprintf("criu dump failed: see %s: Error (criu/cr-dump.c:2111): Dumping FAILED.", logp);
	CHECK_STR(err.msg, want);
	free(want);
	CHECK_INT(err.code, 3);
	CHECK(!resp.success && resp.cr_errno == 3 && resp.cr_errmsg);
	CHECK_STR(c.log_path, logp);
	criu_resp_free(&resp);
	criu_close(&c);

	/* the peer dies in the middle */
	{
		const struct fake_step steps[] = { { raw, n, NULL, -1, NULL, 0 } };

		fake_start(&c, steps, ARRAY_SIZE(steps), 3);
	}
	pid = c.pid;
	CHECK(criu_request(&c, &req, NULL, NULL, &resp, &err) < 0);
	want = xasprintf("criu dump: fake-criu (pid %d) exited with status 3: see %s: Error (criu/cr-dump.c:2111): Dumping FAILED.",
			 (int)pid, logp);
	CHECK_STR(err.msg, want);
	free(want);
	CHECK(c.pid == -1 && c.sock == -1);
	criu_resp_free(&resp);
	/* once gone, further requests fail cleanly */
	CHECK_ERR(criu_request(&c, &req, NULL, NULL, &resp, &err), &err, "connection to criu is closed");
	criu_resp_free(&resp);
	criu_close(&c);

	/* the peer is killed: the signal is named; the log has no error lines */
	unlink(logp);
	{
		const struct fake_step steps[] = { { raw, n, NULL, -1, NULL, 0 } };

		fake_start(&c, steps, ARRAY_SIZE(steps), 0);
		kill(c.pid, SIGKILL);
	}
	CHECK(criu_request(&c, &req, NULL, NULL, &resp, &err) < 0);
	CHECK(strstr(err.msg, "killed by signal 9") != NULL);
	CHECK(strstr(err.msg, logp) != NULL);
	criu_resp_free(&resp);
	criu_close(&c);

	close(dirfd);
	rmdir(dir);
	free(logp);
	free(dir);
}

TEST(criu_request_refuses_bad_answers)
{
	struct lxc_error err = { 0 };
	struct criu_resp resp;
	struct criu_version v;
	struct criu_req req;
	struct criu_conn c;

	criu_req_init(&req, CRIU_REQ_VERSION);
	req.keep_open = true;
	{
		const struct fake_step steps[] = { { VERSION_REQ, NULL, -1, "\x08\x0a\x10", 3 } };

		fake_start(&c, steps, ARRAY_SIZE(steps), 0);
	}
	CHECK_ERR(criu_request(&c, &req, NULL, NULL, &resp, &err), &err, "criu version: malformed criu response");
	criu_resp_free(&resp);
	criu_close(&c);

	{
		const struct fake_step steps[] = { { VERSION_REQ, "resp_restore.bin", -1, NULL, 0 } };

		fake_start(&c, steps, ARRAY_SIZE(steps), 0);
	}
	CHECK_ERR(criu_request(&c, &req, NULL, NULL, &resp, &err), &err, "answered with a restore message");
	criu_resp_free(&resp);
	criu_close(&c);

	{
		const struct fake_step steps[] = { { VERSION_REQ, "resp_empty.bin", -1, NULL, 0 } };

		fake_start(&c, steps, ARRAY_SIZE(steps), 0);
	}
	CHECK_ERR(criu_request(&c, &req, NULL, NULL, &resp, &err), &err, "refused the request: Invalid req");
	criu_resp_free(&resp);
	criu_close(&c);

	/* too old, and too old to know VERSION at all */
	{
		const struct fake_step steps[] = { { VERSION_REQ, "resp_version_old.bin", -1, NULL, 0 } };

		fake_start(&c, steps, ARRAY_SIZE(steps), 0);
	}
	CHECK_ERR(criu_version(&c, &v, &err), &err, "criu 3.17 (fake-criu) is too old: 4.1 or newer is needed");
	criu_close(&c);
	{
		const struct fake_step steps[] = { { VERSION_REQ, NULL, -1, NULL, 0 } };

		fake_start(&c, steps, ARRAY_SIZE(steps), 1);
	}
	CHECK_ERR(criu_version(&c, &v, &err), &err, "fake-criu: no answer to VERSION (CRIU 4.1 or newer is needed)");
	criu_close(&c);
}

TEST(criu_request_refuses_two_descriptors)
{
	struct lxc_error err = { 0 };
	struct criu_resp resp;
	struct criu_req req;
	struct criu_conn c;
	int sv[2], fds[2];
	size_t len = 0;
	char *msg = read_fixture("resp_notify.bin", &len);
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(2 * sizeof(int))];
	} ctl;
	struct iovec iov;
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct timeval tmo = { 2, 0 };
	int before;

	/* a peer we drive by hand from this process */
	CHECK(msg != NULL);
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	/* a failing check must not hang the suite waiting for a peer that is this process */
	CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)) == 0);
	CHECK(pipe2(fds, O_CLOEXEC) == 0);
	before = count_fds();
	memset(&c, 0, sizeof(c));
	c.sock = sv[0];
	c.pid = -1;
	c.stderr_fd = -1;
	c.binary = xstrdup("fake-criu");
	iov.iov_base = msg;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.space;
	mh.msg_controllen = sizeof(ctl.space);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	CHECK(sendmsg(sv[1], &mh, 0) == (ssize_t)len);
	close(fds[0]);
	close(fds[1]);
	criu_req_init(&req, CRIU_REQ_VERSION);
	CHECK_ERR(criu_request(&c, &req, NULL, NULL, &resp, &err), &err, "more than one descriptor");
	criu_resp_free(&resp);
	/* what came with the message was closed again: only the pipe's two ends are gone */
	CHECK_INT(count_fds(), before - 2);
	criu_close(&c);
	close(sv[1]);
	free(msg);
}

TEST(criu_request_refuses_keep_open_criu_ignores)
{
	struct lxc_error err = { 0 };
	struct criu_resp resp;
	struct criu_opts o;
	struct criu_req req;
	struct criu_conn c;
	int sv[2];
	char buf[64];

	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	memset(&c, 0, sizeof(c));
	c.sock = sv[0];
	c.pid = -1;
	c.stderr_fd = -1;
	c.binary = xstrdup("fake-criu");
	criu_opts_init(&o);
	criu_req_init(&req, CRIU_REQ_CHECK);
	req.opts = &o;
	req.keep_open = true;
	CHECK_ERR(criu_request(&c, &req, NULL, NULL, &resp, &err), &err,
		  "criu check: keep_open is only honoured on version, feature-check, page-server and cpuinfo requests");
	criu_resp_free(&resp);
	/* nothing was sent */
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN);
	criu_close(&c);
	close(sv[1]);
}
