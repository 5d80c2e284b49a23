/* Unit tests for lib/utils.c, lib/error.c, lib/log.c and lib/sysconf.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lxc.h"
#include "unit.h"

TEST(utils_str_to_int)
{
	int v;
	unsigned u;
	long long ll;

	CHECK(str_to_int("42", &v) == 0 && v == 42);
	CHECK(str_to_int("-7", &v) == 0 && v == -7);
	CHECK(str_to_int("", &v) < 0);
	CHECK(str_to_int("4x", &v) < 0);
	CHECK(str_to_int("99999999999", &v) < 0);
	CHECK(str_to_uint("-1", &u) < 0);
	CHECK(str_to_uint("4294967295", &u) == 0 && u == 4294967295u);
	CHECK(str_to_int64("9223372036854775807", &ll) == 0);
	CHECK(str_to_int64("9223372036854775808", &ll) < 0);
}

TEST(utils_strlist)
{
	struct strlist l = { 0 };
	char *j;

	strlist_split(&l, "  a b\tc  ", " \t");
	CHECK_INT(l.len, 3);
	CHECK_STR(l.items[2], "c");
	CHECK(l.items[3] == NULL);
	CHECK(strlist_contains(&l, "b"));
	j = strlist_join(&l, ",");
	CHECK_STR(j, "a,b,c");
	free(j);
	strlist_clear(&l);
	CHECK_INT(l.len, 0);
	j = strlist_join(&l, ",");
	CHECK_STR(j, "");
	free(j);
}

TEST(utils_trim_and_affixes)
{
	char buf[] = " \t hello world \n";

	CHECK_STR(str_trim(buf), "hello world");
	CHECK(str_starts_with("lxc.net.0", "lxc.net."));
	CHECK(!str_starts_with("lxc", "lxc.net."));
	CHECK(str_ends_with("a.conf", ".conf"));
	CHECK(!str_ends_with("conf", ".conf"));
}

TEST(utils_files)
{
	char dir[] = "/tmp/lxc-unit.XXXXXX";
	struct lxc_error err = { 0 };
	char *p, *buf = NULL;
	size_t len;

	CHECK(mkdtemp(dir) != NULL);
	p = xasprintf("%s/a/b/c", dir);
	CHECK(mkdir_p(p, 0755, &err) == 0);
	CHECK(is_dir(p));
	free(p);
	p = xasprintf("%s/a/file", dir);
	CHECK(file_write_atomic(p, "data\n", 5, 0600, &err) == 0);
	CHECK(file_read(p, &buf, &len, &err) == 0);
	CHECK_INT(len, 5);
	CHECK_STR(buf, "data\n");
	free(buf);
	free(p);
	p = xasprintf("%s/missing", dir);
	CHECK_ERR(file_read(p, &buf, NULL, &err), &err, "No such file or directory");
	CHECK_INT(err.code, ENOENT);
	free(p);
	CHECK(remove_tree(dir, &err) == 0);
	CHECK(!path_exists(dir));
}

TEST(error_prefix_chains)
{
	struct lxc_error err = { 0 };

	CHECK(error_sys(&err, ENOENT, "failed to open \"%s\"", "/x") == -1);
	CHECK_STR(err.msg, "failed to open \"/x\": No such file or directory");
	error_prefix(&err, "mount step %d", 3);
	CHECK_STR(err.msg, "mount step 3: failed to open \"/x\": No such file or directory");
	CHECK_INT(err.code, ENOENT);
	CHECK(error_set(NULL, "ignored") == -1);
}

TEST(log_level_names)
{
	CHECK_INT(log_level_parse("TRACE"), LOG_LEVEL_TRACE);
	CHECK_INT(log_level_parse("debug"), LOG_LEVEL_DEBUG);
	CHECK_INT(log_level_parse("8"), LOG_LEVEL_FATAL);
	CHECK_INT(log_level_parse("WARNING"), LOG_LEVEL_WARN);
	CHECK_INT(log_level_parse("bogus"), -1);
	CHECK_INT(log_level_parse("9"), -1);
	CHECK_STR(log_level_name(LOG_LEVEL_ERROR), "ERROR");
}

TEST(log_file_gets_messages_at_level)
{
	char path[] = "/tmp/lxc-unit-log.XXXXXX";
	int fd = mkstemp(path);
	struct lxc_error err = { 0 };
	char *buf = NULL;

	close(fd);
	log_set_prog("lxc-test", "c1");
	log_set_quiet(true);
	CHECK(log_set_file(path) == 0);
	log_set_level(LOG_LEVEL_INFO);
	DEBUG("hidden %d", 1);
	INFO("shown %d", 2);
	log_close();
	log_set_quiet(false);
	CHECK(file_read(path, &buf, NULL, &err) == 0);
	CHECK(buf && !strstr(buf, "hidden"));
	CHECK(buf && strstr(buf, "lxc-test c1 "));
	CHECK(buf && strstr(buf, "INFO     test_utils.c:"));
	CHECK(buf && strstr(buf, "shown 2\n"));
	free(buf);
	unlink(path);
	log_set_level(LOG_LEVEL_ERROR);
}

TEST(sysconf_defaults_and_file)
{
	char path[] = "/tmp/lxc-unit-sys.XXXXXX";
	int fd = mkstemp(path);
	struct lxc_sysconf sc = { 0 };
	struct lxc_error err = { 0 };

	CHECK(write(fd, "lxc.lxcpath = /srv\n\n# c\nlxc.cgroup.use = memory\n", 47) == 47);
	close(fd);
	CHECK(sysconf_load_file(&sc, "/nonexistent/lxc.conf", &err) == 0);
	CHECK_STR(sc.lxcpath, "/var/lib/lxc");
	CHECK(sysconf_get(&sc, "lxc.cgroup.use") == NULL);
	CHECK(sysconf_load_file(&sc, path, &err) == 0);
	CHECK_STR(sysconf_get(&sc, "lxc.lxcpath"), "/srv");
	CHECK_STR(sysconf_get(&sc, "lxc.cgroup.use"), "memory");
	CHECK_STR(sc.default_config, "/etc/lxc/default.conf");
	sysconf_free(&sc);
	unlink(path);
}

/* close_fds_from keeps exactly the listed fds at or above from (a negative or low entry
 * must not turn into a range that closes stdin/stdout/stderr); run in a child, whose fds
 * it may close at will. */
TEST(utils_close_fds_from_keeps_listed)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fds[6], keep[5];
		unsigned bad = 0;

		for (int i = 0; i < 6; i++)
			fds[i] = fcntl(0, F_DUPFD, 20 + 3 * i);
		keep[0] = fds[4], keep[1] = fds[1], keep[2] = fds[1], keep[3] = -1, keep[4] = 1;
		close_fds_from(3, keep, 5);
		for (int i = 0; i < 6; i++)
			bad |= (unsigned)((fcntl(fds[i], F_GETFD) >= 0) != (i == 1 || i == 4)) << i;
		for (int fd = 0; fd < 3; fd++)
			bad |= (unsigned)(fcntl(fd, F_GETFD) < 0) << (8 + fd);
		_exit(bad ? 1 : 0);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
