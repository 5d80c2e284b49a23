/* lib/criu.c against the real CRIU (criu swrk): VERSION, CHECK, DUMP of a process tree
 * started here, RESTORE of it as our child, notifications, and failures. Needs root and criu. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "criu.h"
#include "unit.h"

static const char *live_missing(void)
{
	struct lxc_error err;
	char *path = NULL;

	if (geteuid() != 0)
		return "needs root (CRIU dumps and restores processes)";
	if (criu_find(NULL, &path, &err) < 0)
		return "needs criu on PATH";
	free(path);
	return NULL;
}

/* `sleep 1000` in a session of its own, stdio on /dev/null: a tree CRIU can dump alone. */
static pid_t start_sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setsid();
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		close_fds_from(3, NULL, 0);
		execl("/bin/sleep", "sleep", "1000", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void end_child(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static char *make_images_dir(int *fd)
{
	char tmpl[] = "/tmp/hcr-criu-live.XXXXXX";

	if (!mkdtemp(tmpl)) {
		*fd = -1;
		return NULL;
	}
	*fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return xstrdup(tmpl);
}

static void drop_images_dir(char *dir, int fd)
{
	struct lxc_error err;

	if (fd >= 0)
		close(fd);
	if (dir && remove_tree(dir, &err) < 0)
		printf("#   %s\n", err.msg);
	free(dir);
}

struct notes {
	struct strlist scripts;
	int post_restore_pid;
	int fail_on;        /* index (1-based) of the notification to refuse, 0: none */
};

static int note(void *data, const char *script, int pid, int fd, struct lxc_error *err)
{
	struct notes *n = data;

	strlist_push(&n->scripts, script);
	if (!strcmp(script, "post-restore"))
		n->post_restore_pid = pid;
	if ((int)n->scripts.len == n->fail_on)
		return error_set(err, "refused by the test");
	return 0;
}

static char *joined(const struct notes *n)
{
	return strlist_join(&n->scripts, ",");
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

static pid_t ppid_of(pid_t pid)
{
	char path[64], *text = NULL, *close_paren;
	struct lxc_error err;
	int ppid = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (file_read(path, &text, NULL, &err) < 0)
		return -1;
	close_paren = strrchr(text, ')');
	if (close_paren)
		sscanf(close_paren, ") %*c %d", &ppid);
	free(text);
	return ppid;
}

TEST(criu_live_version)
{
	struct lxc_error err = { 0 };
	struct criu_version v;
	struct criu_conn c;
	const char *why = live_missing();

	if (why)
		SKIP(why);
	CHECK(criu_open(&c, NULL, NULL, 0, &err) == 0);
	if (criu_version(&c, &v, &err) < 0)
		printf("#   %s\n", err.msg), unit_failures++;
	CHECK_INT(v.major, 4);
	CHECK(v.minor >= 1);
	criu_close(&c);
}

TEST(criu_live_check_usable)
{
	struct lxc_error err = { 0 };
	struct criu_version v = { 0 };
	const char *why = live_missing();

	if (why)
		SKIP(why);
	if (criu_check_usable(NULL, &v, &err) < 0)
		printf("#   %s\n", err.msg), unit_failures++;
	CHECK(v.major >= 4);
}

/* VERSION, FEATURE_CHECK and DUMP on one criu process, then RESTORE on another. */
TEST(criu_live_dump_and_restore)
{
	struct criu_features feat = { .mem_track = 1, .lazy_pages = 1, .pidfd_store = -1 };
	struct notes dn = { 0 }, rn = { 0 };
	struct lxc_error err = { 0 };
	struct criu_version v;
	struct criu_resp resp;
	struct criu_opts o;
	struct criu_req req;
	struct criu_conn c;
	char *dir, *order, *img;
	int dirfd, status, fds;
	pid_t pid;
	const char *why = live_missing();

	if (why)
		SKIP(why);
	fds = count_fds();
	dir = make_images_dir(&dirfd);
	CHECK(dir && dirfd >= 0);
	pid = start_sleeper();
	CHECK(pid > 0);
	usleep(50 * 1000); /* let it exec */

	CHECK(criu_open(&c, NULL, NULL, 0, &err) == 0);
	CHECK(criu_version(&c, &v, &err) == 0);
	CHECK(criu_features(&c, &feat, &err) == 0);
	CHECK(feat.mem_track == 0 || feat.mem_track == 1);
	CHECK(feat.lazy_pages == 0 || feat.lazy_pages == 1);
	CHECK_INT(feat.pidfd_store, -1);
	criu_opts_init(&o);
	o.images_dir_fd = dirfd;
	o.pid = pid;
	o.leave_running = true;
	o.log_level = 4;
	o.log_file = "dump.log";
	o.notify_scripts = true;
	criu_req_init(&req, CRIU_REQ_DUMP);
	req.opts = &o;
	if (criu_request(&c, &req, note, &dn, &resp, &err) < 0)
		printf("#   %s\n", err.msg), unit_failures++;
	CHECK(resp.success && resp.has_dump && !resp.dump_restored);
	criu_resp_free(&resp);
	criu_close(&c);
	order = joined(&dn);
	printf("#   dump notifications: %s\n", order);
	CHECK(str_starts_with(order, "pre-dump,"));
	CHECK(str_ends_with(order, ",post-dump"));
	free(order);
	img = xasprintf("%s/core-%d.img", dir, (int)pid);
	CHECK(path_exists(img));
	free(img);

	/* leave_running: still alive; then it goes, and comes back from the images */
	CHECK(kill(pid, 0) == 0);
	CHECK(waitpid(pid, &status, WNOHANG) == 0);
	end_child(pid);

	CHECK(criu_open(&c, NULL, NULL, 0, &err) == 0);
	criu_opts_init(&o);
	o.images_dir_fd = dirfd;
	o.log_level = 4;
	o.log_file = "restore.log";
	o.notify_scripts = true;
	o.rst_sibling = true;
	criu_req_init(&req, CRIU_REQ_RESTORE);
	req.opts = &o;
	if (criu_request(&c, &req, note, &rn, &resp, &err) < 0)
		printf("#   %s\n", err.msg), unit_failures++;
	CHECK(resp.success && resp.has_restore);
	CHECK_INT(resp.restore_pid, pid);
	criu_resp_free(&resp);
	criu_close(&c);
	order = joined(&rn);
	printf("#   restore notifications: %s\n", order);
	CHECK(str_starts_with(order, "pre-restore,"));
	CHECK(strstr(order, ",post-restore,") != NULL);
	CHECK(str_ends_with(order, ",post-resume"));
	CHECK_INT(rn.post_restore_pid, pid);
	free(order);

	/* rst_sibling: the restored tree is our child, running sleep again */
	CHECK_INT(ppid_of(pid), getpid());
	CHECK(waitpid(pid, &status, WNOHANG) == 0);
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	strlist_clear(&dn.scripts);
	strlist_clear(&rn.scripts);
	drop_images_dir(dir, dirfd);
	CHECK_INT(count_fds(), fds); /* no descriptor left behind by either criu process */
}

/* A refused notification makes CRIU abort: the dump fails with our error, the process
 * is left running, unfrozen. */
TEST(criu_live_notify_refusal_aborts_dump)
{
	struct notes dn = { .fail_on = 1 };
	struct lxc_error err = { 0 };
	struct criu_resp resp;
	struct criu_opts o;
	struct criu_req req;
	struct criu_conn c;
	char *dir, state = '?', path[64], *stat = NULL;
	int dirfd;
	pid_t pid;
	const char *why = live_missing();

	if (why)
		SKIP(why);
	dir = make_images_dir(&dirfd);
	pid = start_sleeper();
	usleep(50 * 1000);
	CHECK(criu_open(&c, NULL, NULL, 0, &err) == 0);
	criu_opts_init(&o);
	o.images_dir_fd = dirfd;
	o.pid = pid;
	o.log_file = "dump.log";
	o.notify_scripts = true;
	criu_req_init(&req, CRIU_REQ_DUMP);
	req.opts = &o;
	CHECK_ERR(criu_request(&c, &req, note, &dn, &resp, &err), &err,
		  "criu dump: notify \"pre-dump\": refused by the test");
	criu_resp_free(&resp);
	criu_close(&c);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (file_read(path, &stat, NULL, &err) == 0 && strrchr(stat, ')'))
		state = strrchr(stat, ')')[2];
	free(stat);
	CHECK(state == 'S');
	end_child(pid);
	strlist_clear(&dn.scripts);
	drop_images_dir(dir, dirfd);
}

TEST(criu_live_dump_failure_reports_log)
{
	struct lxc_error err = { 0 };
	struct criu_resp resp;
	struct criu_opts o;
	struct criu_req req;
	struct criu_conn c;
	char *dir, *want, lines[512];
	int dirfd, pid_max = 32768, missing;
	const char *why = live_missing();
	char *text = NULL;

	if (why)
		SKIP(why);
	if (file_read("/proc/sys/kernel/pid_max", &text, NULL, &err) == 0)
		str_to_int(str_trim(text), &pid_max);
	free(text);
	for (missing = pid_max - 1; missing > 300 && kill(missing, 0) == 0; missing--)
		;
	dir = make_images_dir(&dirfd);
	CHECK(criu_open(&c, NULL, NULL, 0, &err) == 0);
	criu_opts_init(&o);
	o.images_dir_fd = dirfd;
	o.pid = missing;
	o.log_file = "dump.log";
	criu_req_init(&req, CRIU_REQ_DUMP);
	req.opts = &o;
	CHECK(criu_request(&c, &req, NULL, NULL, &resp, &err) < 0);
	printf("#   %s\n", err.msg);
	CHECK(resp.type == CRIU_REQ_DUMP && !resp.success);
	CHECK(resp.cr_errmsg != NULL);
	want = xasprintf("criu dump failed: see %s/dump.log: Error (", dir);
	CHECK(str_starts_with(err.msg, want));
	free(want);
	CHECK(strstr(err.msg, "RLIMIT_NOFILE") == NULL);
	want = xasprintf("%s/dump.log", dir);
	CHECK(criu_log_first_errors(want, lines, sizeof(lines)) >= 1);
	free(want);
	criu_resp_free(&resp);
	criu_close(&c);
	drop_images_dir(dir, dirfd);
}
