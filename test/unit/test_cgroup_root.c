/* Root tests of lib/cgroup*.c on this machine's real hierarchies (skipped when not root):
 * cgroup_v1_* need v1 controllers; cgroup_v2_* run on the cgroup2 hierarchy (on a hybrid
 * host, its empty cgroup2 mount stands in for a pure v2 one where no controller is needed). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "lxc.h"
#include "unit.h"

/* ---- a probe process: does what it is told from inside its cgroups ------------------- */

struct probe {
	pid_t pid;
	int cmd, reply;
};

static void probe_main(int cmd, int reply)
{
	char buf[256];
	ssize_t n;

	while ((n = read(cmd, buf, sizeof(buf) - 1)) > 0) {
		int result = 0;

		buf[n] = '\0';
		if (!strncmp(buf, "open ", 5)) {
			int fd = open(buf + 5, O_RDONLY | O_CLOEXEC);

			result = fd < 0 ? errno : 0;
			if (fd >= 0)
				close(fd);
		} else if (!strncmp(buf, "burn ", 5)) {
			struct timespec a, b;
			long ms = atol(buf + 5);

			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
			do
				clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
			while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
		} else if (!strcmp(buf, "exit")) {
			_exit(0);
		}
		if (write(reply, &result, sizeof(result)) != sizeof(result))
			_exit(2);
	}
	_exit(0);
}

static int probe_start(struct probe *p)
{
	int c[2], r[2];

	if (pipe2(c, O_CLOEXEC) < 0 || pipe2(r, O_CLOEXEC) < 0)
		return -1;
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		close(c[1]);
		close(r[0]);
		probe_main(c[0], r[1]);
	}
	close(c[0]);
	close(r[1]);
	p->cmd = c[1];
	p->reply = r[0];
	return 0;
}

/* -1 when no answer within timeout_ms (e.g. frozen), else the probe's result (an errno). */
static int probe_ask(struct probe *p, const char *cmd, int timeout_ms)
{
	struct pollfd pfd = { .fd = p->reply, .events = POLLIN };
	int result;

	if (write(p->cmd, cmd, strlen(cmd)) < 0)
		return -2;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	if (read(p->reply, &result, sizeof(result)) != sizeof(result))
		return -2;
	return result;
}

/* Reap the probe (waiting up to 10 s); returns the signal that killed it, 0 when it
 * exited, -1 when it is still alive (e.g. frozen: it is left behind, the test fails). */
static int probe_reap(struct probe *p, bool kill_it)
{
	int status = 0;
	pid_t r = 0;

	if (p->pid <= 0)
		return 0;
	if (kill_it)
		kill(p->pid, SIGKILL);
	for (int i = 0; i < 1000 && (r = waitpid(p->pid, &status, WNOHANG)) == 0; i++)
		usleep(10000);
	if (r != p->pid)
		return -1;
	close(p->cmd);
	close(p->reply);
	p->pid = 0;
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* A lib call that must succeed; its error message is printed when it does not. */
#define CHECK_OK(call)                                                                                \
	do {                                                                                          \
		error_clear(&err);                                                                    \
		if ((call) < 0) {                                                                     \
			printf("#   %s:%d: %s: %s\n", __FILE__, __LINE__, #call, err.msg);              \
			unit_failures++;                                                              \
		}                                                                                     \
	} while (0)

/* ---- fixtures ------------------------------------------------------------------------------ */

static void kv_add(struct conf_kv **arr, size_t *n, const char *key, const char *value)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[*n].key = xstrdup(key);
	(*arr)[*n].value = xstrdup(value);
	(*n)++;
}

static void kv_free(struct conf_kv *arr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(arr[i].key);
		free(arr[i].value);
	}
	free(arr);
}

static void conf_release(struct lxc_conf *conf)
{
	kv_free(conf->cgroup, conf->n_cgroup);
	kv_free(conf->cgroup2, conf->n_cgroup2);
	free(conf->cgroup_dir);
	free(conf->cgroup_dir_container);
	free(conf->cgroup_dir_container_inner);
	free(conf->cgroup_dir_monitor);
	strlist_clear(&conf->cap_drop);
	free(conf);
}

static char *test_name(const char *what)
{
	static int seq;

	return xasprintf("hcg-%s-%d-%d", what, (int)getpid(), seq++);
}

static const char *v1_skip(void)
{
	if (geteuid() != 0)
		return "needs root";
	if (!is_dir("/sys/fs/cgroup/memory") || !is_dir("/sys/fs/cgroup/devices"))
		return "needs cgroup v1 controllers (this host is not hybrid/legacy)";
	return NULL;
}

static bool pure_v2(void)
{
	struct cgroup_ctx *c = NULL;
	bool yes;

	if (cgroup_ctx_new(&c, "probe", NULL, NULL, NULL) < 0)
		return false;
	yes = c->layout == CGROUP_LAYOUT_UNIFIED;
	cgroup_ctx_free(c);
	return yes;
}

/* The host's cgroup2 hierarchy as the only one: a pure v2 host, or the cgroup2 mount of a
 * hybrid host (where it has no controllers, so none are delegated). */
static struct cgroup_ctx *v2_ctx(const char *name, const struct lxc_conf *conf, const char **skip)
{
	_cleanup_free_ char *mi = NULL, *self = NULL, *v2line = NULL;
	struct lxc_error err = { 0 };
	struct cgroup_ctx *c = NULL;

	*skip = NULL;
	if (geteuid() != 0) {
		*skip = "needs root";
		return NULL;
	}
	if (pure_v2()) {
		CHECK(cgroup_ctx_new(&c, name, conf, NULL, &err) == 0);
		if (!c)
			printf("#   %s\n", err.msg);
		return c;
	}
	if (file_read("/proc/self/mountinfo", &mi, NULL, NULL) < 0 || !strstr(mi, " - cgroup2 ") ||
	    file_read("/proc/self/cgroup", &self, NULL, NULL) < 0 || !strstr(self, "0::")) {
		*skip = "no cgroup2 mount on this host";
		return NULL;
	}
	v2line = xstrndup(strstr(self, "0::"), strcspn(strstr(self, "0::"), "\n"));
	c = cgroup_ctx_alloc();
	CHECK(cgroup_parse_names(c, name, NULL, conf, &err) == 0);
	CHECK(cgroup_parse_layout(c, mi, v2line, "0::/\n", NULL, &err) == 0);
	CHECK_INT(c->layout, CGROUP_LAYOUT_UNIFIED);
	c->sys_admin = true;
	return c;
}

/* Every directory the context made, as file system paths. */
static void ctx_paths(struct cgroup_ctx *c, struct strlist *out)
{
	for (size_t i = 0; i < c->n; i++) {
		strlist_push_owned(out, cgroup_hier_path(&c->h[i], c->h[i].rel[CG_LIMIT]));
		strlist_push_owned(out, cgroup_hier_path(&c->h[i], c->h[i].rel[CG_MONITOR]));
	}
}

static void check_gone(const struct strlist *paths)
{
	for (size_t i = 0; i < paths->len; i++)
		if (path_exists(paths->items[i])) {
			printf("#   still there after destroy: %s\n", paths->items[i]);
			unit_failures++;
		}
}

static char *read_path(const char *dir, const char *file)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, file);
	char *text = NULL;

	if (file_read(p, &text, NULL, NULL) < 0)
		return xstrdup("(unreadable)");
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* ---- cgroup v1 (this machine) ----------------------------------------------------------------- */

TEST(cgroup_v1_lifecycle)
{
	const char *skip = v1_skip();
	struct lxc_conf *conf;
	struct cgroup_ctx *c = NULL, *d = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	struct strlist paths = { 0 };
	struct cgroup_stats s1, s2;
	enum cgroup_freezer_state st;
	_cleanup_free_ char *name = NULL, *self = NULL, *text = NULL;
	char *v = NULL;

	if (skip)
		SKIP(skip);
	name = test_name("v1");
	conf = xzalloc(sizeof(*conf));
	kv_add(&conf->cgroup, &conf->n_cgroup, "memory.limit_in_bytes", "64M");
	kv_add(&conf->cgroup, &conf->n_cgroup, "pids.max", "50");
	kv_add(&conf->cgroup, &conf->n_cgroup, "cpuset.cpus", "0");
	kv_add(&conf->cgroup, &conf->n_cgroup, "devices.deny", "a");
	kv_add(&conf->cgroup, &conf->n_cgroup, "devices.allow", "c 1:3 rwm");
	kv_add(&conf->cgroup2, &conf->n_cgroup2, "memory.max", "1G"); /* ignored on v1 hosts */
	CHECK(cgroup_ctx_new(&c, name, conf, NULL, &err) == 0);
	if (!c) {
		printf("#   %s\n", err.msg);
		conf_release(conf);
		return;
	}
	CHECK(c->layout == CGROUP_LAYOUT_HYBRID || c->layout == CGROUP_LAYOUT_LEGACY);
	CHECK(cgroup_create(c, &err) == 0);
	ctx_paths(c, &paths);
	for (size_t i = 0; i < paths.len; i++)
		CHECK(is_dir(paths.items[i]));
	/* the memory cgroup of this shell is nested: the container's sits below it */
	{
		struct cgroup_hier *mem = cgroup_find_ctrl(c, "memory");
		_cleanup_free_ char *mine = NULL;

		CHECK(file_read("/proc/self/cgroup", &self, NULL, NULL) == 0);
		mine = cgroup_proc_lookup(self, "memory");
		CHECK(mem && mine && str_starts_with(mem->cg[CG_LIMIT], mine));
		CHECK(mem && str_ends_with(mem->cg[CG_LIMIT], name));
	}
	CHECK(probe_start(&p) == 0);
	CHECK(cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err) == 0);
	CHECK_OK(cgroup_apply_settings(c, conf, &err));
	/* the settings landed */
	{
		struct cgroup_hier *mem = cgroup_find_ctrl(c, "memory"), *pids = cgroup_find_ctrl(c, "pids");
		struct cgroup_hier *cpuset = cgroup_find_ctrl(c, "cpuset");
		_cleanup_free_ char *md = cgroup_hier_path(mem, mem->rel[CG_LIMIT]), *pd = cgroup_hier_path(pids, pids->rel[CG_LIMIT]);
		_cleanup_free_ char *cd = cgroup_hier_path(cpuset, cpuset->rel[CG_LIMIT]);
		_cleanup_free_ char *a = read_path(md, "memory.limit_in_bytes"), *b = read_path(pd, "pids.max");
		_cleanup_free_ char *e = read_path(cd, "cpuset.cpus"), *procs = read_path(pd, "cgroup.procs");
		_cleanup_free_ char *want = xasprintf("%d", (int)p.pid);

		CHECK_STR(a, "67108864");
		CHECK_STR(b, "50");
		CHECK_STR(e, "0");
		CHECK_STR(procs, want);
	}
	/* devices: from inside, /dev/null opens and /dev/zero does not */
	CHECK_INT(probe_ask(&p, "open /dev/null", 5000), 0);
	CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), EPERM);
	CHECK(cgroup_device_add(c, "c 1:5 r", &err) == 0);
	CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), 0);
	CHECK(cgroup_device_remove(c, "c 1:5 r", &err) == 0);
	CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), EPERM);
	/* lxc-cgroup */
	CHECK(cgroup_get(c, "memory.limit_in_bytes", &v, &err) == 0);
	CHECK_STR(v, "67108864");
	free(v);
	CHECK(cgroup_set(c, "pids.max", "60", &err) == 0);
	CHECK(cgroup_get(c, "pids.max", &v, &err) == 0);
	CHECK_STR(v, "60");
	free(v);
	CHECK_ERR(cgroup_set(c, "../pids.max", "1", &err), &err, "invalid cgroup key");
	CHECK_ERR(cgroup_get(c, "pids/../../x", &v, &err), &err, "invalid cgroup key");
	CHECK_ERR(cgroup_set(c, "pids.max", "many", &err), &err, "failed to set pids.max = \"many\"");
	CHECK_ERR(cgroup_get(c, "nosuch.file", &v, &err), &err, "nosuch");
	/* freezer */
	CHECK(cgroup_get_freezer_state(c, &st, &err) == 0 && st == CGROUP_THAWED);
	CHECK(cgroup_freeze(c, true, 5000, &err) == 0);
	CHECK(cgroup_get_freezer_state(c, &st, &err) == 0 && st == CGROUP_FROZEN);
	CHECK_INT(probe_ask(&p, "ping", 200), -1); /* frozen: no answer */
	CHECK(cgroup_freeze(c, false, 5000, &err) == 0);
	{
		struct pollfd pfd = { .fd = p.reply, .events = POLLIN };
		int r = -1;

		CHECK(poll(&pfd, 1, 5000) == 1 && read(p.reply, &r, sizeof(r)) == sizeof(r) && r == 0);
	}
	CHECK(cgroup_get_freezer_state(c, &st, &err) == 0 && st == CGROUP_THAWED);
	/* stats rise for a CPU burner */
	CHECK(cgroup_stats_read(c, &s1, &err) == 0);
	CHECK_INT(probe_ask(&p, "burn 150", 10000), 0);
	CHECK(cgroup_stats_read(c, &s2, &err) == 0);
	CHECK((s2.valid & (CGROUP_STAT_CPU | CGROUP_STAT_MEM | CGROUP_STAT_BLKIO)) ==
	      (CGROUP_STAT_CPU | CGROUP_STAT_MEM | CGROUP_STAT_BLKIO));
	CHECK(s2.cpu_usage_ns >= s1.cpu_usage_ns + 100000000ull);
	CHECK(s2.cpu_user_ticks + s2.cpu_system_ticks >= s1.cpu_user_ticks + s1.cpu_system_ticks + 5);
	CHECK(s2.mem_used > 0);
	/* another process's view: serialise, deserialise, use */
	text = cgroup_ctx_serialize(c);
	CHECK(cgroup_ctx_deserialize(&d, text, &err) == 0);
	if (d) {
		CHECK(cgroup_get(d, "pids.max", &v, &err) == 0);
		CHECK_STR(v, "60");
		free(v);
		CHECK(cgroup_get_freezer_state(d, &st, &err) == 0 && st == CGROUP_THAWED);
		CHECK(cgroup_stats_read(d, &s1, &err) == 0 && s1.cpu_usage_ns >= s2.cpu_usage_ns);
		cgroup_ctx_free(d);
	}
	/* teardown kills the probe and leaves nothing in any hierarchy */
	CHECK_OK(cgroup_destroy(c, &err));
	CHECK_INT(probe_reap(&p, false), SIGKILL);
	check_gone(&paths);
	CHECK(cgroup_destroy(c, &err) == 0); /* idempotent */
	probe_reap(&p, true);
	strlist_clear(&paths);
	cgroup_ctx_free(c);
	conf_release(conf);
}

TEST(cgroup_v1_setting_errors)
{
	const char *skip = v1_skip();
	struct lxc_conf *conf;
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	_cleanup_free_ char *name = NULL;

	if (skip)
		SKIP(skip);
	name = test_name("err");
	conf = xzalloc(sizeof(*conf));
	kv_add(&conf->cgroup, &conf->n_cgroup, "memory.limit_in_bytes", "64x");
	CHECK(cgroup_ctx_new(&c, name, conf, NULL, &err) == 0 && cgroup_create(c, &err) == 0);
	if (c) {
		CHECK_ERR(cgroup_apply_settings(c, conf, &err), &err,
			  "failed to set lxc.cgroup.memory.limit_in_bytes = \"64x\" (/sys/fs/cgroup/memory/");
		CHECK(strstr(err.msg, "/memory.limit_in_bytes): Invalid argument") != NULL);
		free(conf->cgroup[0].key);
		conf->cgroup[0].key = xstrdup("bogus.thing");
		CHECK_ERR(cgroup_apply_settings(c, conf, &err), &err,
			  "lxc.cgroup.bogus.thing = \"64x\": no cgroup v1 hierarchy has the \"bogus\" controller");
		free(conf->cgroup[0].key);
		conf->cgroup[0].key = xstrdup("memory.../x");
		CHECK_ERR(cgroup_apply_settings(c, conf, &err), &err, "lxc.cgroup.memory.../x: the key must be");
		CHECK(cgroup_destroy(c, &err) == 0);
	}
	cgroup_ctx_free(c);
	conf_release(conf);
}

/* A stale empty payload cgroup is removed and reused; a busy one makes "-1". */
TEST(cgroup_v1_stale_and_retry)
{
	const char *skip = v1_skip();
	struct cgroup_ctx *c = NULL, *c2 = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	_cleanup_free_ char *name = NULL, *stale = NULL, *sub = NULL, *busy = NULL;

	if (skip)
		SKIP(skip);
	name = test_name("stale");
	/* empty leftover with a sub-cgroup, as a crashed container may leave */
	stale = xasprintf("/sys/fs/cgroup/pids/lxc.payload.%s", name);
	sub = xasprintf("%s/inner", stale);
	CHECK(mkdir(stale, 0755) == 0 && mkdir(sub, 0755) == 0);
	CHECK(cgroup_ctx_new(&c, name, NULL, NULL, &err) == 0 && cgroup_create(c, &err) == 0);
	if (c) {
		struct cgroup_hier *h = cgroup_find_ctrl(c, "pids");

		CHECK_STR(h->rel[CG_LIMIT] + strlen(h->base) + (*h->base ? 1 : 0), stale + strlen("/sys/fs/cgroup/pids/"));
		CHECK(is_dir(stale) && !is_dir(sub));
		/* now the payload is in use by a process: a second start of the same name gets -1 */
		CHECK(probe_start(&p) == 0 && cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err) == 0);
		CHECK(cgroup_ctx_new(&c2, name, NULL, NULL, &err) == 0 && cgroup_create(c2, &err) == 0);
		if (c2) {
			for (size_t i = 0; i < c2->n; i++)
				CHECK(str_ends_with(c2->h[i].rel[CG_LIMIT], "-1"));
			CHECK(cgroup_destroy(c2, &err) == 0);
			cgroup_ctx_free(c2);
		}
		busy = xstrdup(stale);
		CHECK(cgroup_destroy(c, &err) == 0);
		CHECK_INT(probe_reap(&p, false), SIGKILL);
		CHECK(!path_exists(busy));
	}
	probe_reap(&p, true);
	rmdir(sub);
	rmdir(stale);
	cgroup_ctx_free(c);
}

/* A monitor that crashed while the container was frozen: cleanup thaws, kills, removes. */
TEST(cgroup_v1_cleanup_stale_frozen)
{
	const char *skip = v1_skip();
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	struct strlist paths = { 0 };
	_cleanup_free_ char *name = NULL;

	if (skip)
		SKIP(skip);
	name = test_name("crfrz");
	CHECK_OK(cgroup_ctx_new(&c, name, NULL, NULL, &err));
	if (!c)
		return;
	CHECK_OK(cgroup_create(c, &err));
	ctx_paths(c, &paths);
	CHECK(probe_start(&p) == 0);
	CHECK_OK(cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err));
	CHECK_OK(cgroup_freeze(c, true, 5000, &err));
	cgroup_ctx_free(c);
	CHECK_OK(cgroup_cleanup_stale(name, NULL, NULL, &err));
	CHECK_INT(probe_reap(&p, false), SIGKILL);
	check_gone(&paths);
	strlist_clear(&paths);
}

/* A "crashed" monitor: cgroup_cleanup_stale kills the orphan and removes everything. */
TEST(cgroup_v1_cleanup_stale)
{
	const char *skip = v1_skip();
	struct cgroup_ctx *c = NULL, *other = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 }, q = { 0 };
	struct strlist paths = { 0 };
	struct lxc_sysconf sc = { 0 };
	_cleanup_free_ char *name = NULL, *other_name = NULL, *other_dir = NULL, *other_cfg = NULL;
	_cleanup_free_ char *lxcpath = xstrdup("/tmp/hcg-lxcpath.XXXXXX");

	if (skip)
		SKIP(skip);
	CHECK(mkdtemp(lxcpath) != NULL);
	sc.lxcpath = lxcpath;
	name = test_name("crash");
	CHECK(cgroup_ctx_new(&c, name, NULL, &sc, &err) == 0 && cgroup_create(c, &err) == 0);
	CHECK(probe_start(&p) == 0 && cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err) == 0);
	ctx_paths(c, &paths);
	cgroup_ctx_free(c); /* the monitor "died" without cleaning up */
	/* a container named NAME-1 exists and runs in "lxc.payload.NAME-1": left alone */
	other_name = xasprintf("%s-1", name);
	other_dir = xasprintf("%s/%s", lxcpath, other_name);
	other_cfg = xasprintf("%s/config", other_dir);
	CHECK(mkdir(other_dir, 0755) == 0 && file_write_atomic(other_cfg, "", 0, 0644, &err) == 0);
	CHECK(cgroup_ctx_new(&other, other_name, NULL, &sc, &err) == 0 && cgroup_create(other, &err) == 0);
	CHECK(probe_start(&q) == 0 && cgroup_enter(other, CGROUP_PAYLOAD, q.pid, &err) == 0);

	CHECK_OK(cgroup_cleanup_stale(name, &sc, NULL, &err));
	CHECK_INT(probe_reap(&p, false), SIGKILL);
	check_gone(&paths);
	CHECK_INT(probe_ask(&q, "ping", 5000), 0);
	for (size_t i = 0; other && i < other->n; i++) {
		_cleanup_free_ char *path = cgroup_hier_path(&other->h[i], other->h[i].rel[CG_LIMIT]);

		CHECK(is_dir(path));
	}
	CHECK(cgroup_destroy(other, &err) == 0);
	CHECK_INT(probe_reap(&q, false), SIGKILL);
	probe_reap(&p, true);
	probe_reap(&q, true);
	cgroup_ctx_free(other);
	strlist_clear(&paths);
	unlink(other_cfg);
	rmdir(other_dir);
	rmdir(lxcpath);
}

/* lxc.cgroup.dir, and dir.container/.monitor/.inner: limits outside, init inside. */
TEST(cgroup_v1_dirs_from_config)
{
	const char *skip = v1_skip();
	struct lxc_conf *conf;
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	struct strlist paths = { 0 };
	_cleanup_free_ char *name = NULL, *top = NULL, *ct = NULL, *mon = NULL;

	if (skip)
		SKIP(skip);
	name = test_name("dir");
	top = test_name("top");
	conf = xzalloc(sizeof(*conf));
	conf->cgroup_dir = xasprintf("%s/sub", top);
	CHECK(cgroup_ctx_new(&c, name, conf, NULL, &err) == 0 && cgroup_create(c, &err) == 0);
	if (c) {
		struct cgroup_hier *h = cgroup_find_ctrl(c, "pids");
		_cleanup_free_ char *want = xasprintf("%s/sub/lxc.payload.%s", top, name);
		_cleanup_free_ char *topdir = xasprintf("/sys/fs/cgroup/pids/%s", top);

		CHECK_STR(h->rel[CG_LIMIT], want);
		CHECK_STR(h->top[CG_MONITOR], top); /* the monitor's, made first, made top/ */
		CHECK(cgroup_destroy(c, &err) == 0);
		CHECK(!path_exists(topdir)); /* we made it, we removed it */
	}
	cgroup_ctx_free(c);
	c = NULL;
	free(conf->cgroup_dir);
	conf->cgroup_dir = NULL;
	ct = test_name("ct");
	mon = test_name("mon");
	conf->cgroup_dir_container = xstrdup(ct);
	conf->cgroup_dir_monitor = xstrdup(mon);
	conf->cgroup_dir_container_inner = xstrdup("ns");
	kv_add(&conf->cgroup, &conf->n_cgroup, "pids.max", "33");
	CHECK(cgroup_ctx_new(&c, name, conf, NULL, &err) == 0 && cgroup_create(c, &err) == 0);
	if (c) {
		struct cgroup_hier *h = cgroup_find_ctrl(c, "pids");
		_cleanup_free_ char *outer = cgroup_hier_path(h, h->rel[CG_LIMIT]);
		_cleanup_free_ char *inner = cgroup_hier_path(h, h->rel[CG_PAYLOAD]);
		_cleanup_free_ char *want = xasprintf("%d", (int)0);

		ctx_paths(c, &paths);
		CHECK(str_ends_with(outer, ct) && str_ends_with(inner, "/ns"));
		CHECK(probe_start(&p) == 0 && cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err) == 0);
		CHECK(cgroup_apply_settings(c, conf, &err) == 0);
		{
			_cleanup_free_ char *lim = read_path(outer, "pids.max"), *in = read_path(inner, "cgroup.procs");
			_cleanup_free_ char *pid = xasprintf("%d", (int)p.pid);

			CHECK_STR(lim, "33");
			CHECK_STR(in, pid);
		}
		CHECK(cgroup_destroy(c, &err) == 0);
		CHECK_INT(probe_reap(&p, false), SIGKILL);
		check_gone(&paths);
	}
	probe_reap(&p, true);
	strlist_clear(&paths);
	cgroup_ctx_free(c);
	conf_release(conf);
}

/* The monitor moves itself in, and destroy moves it back out before removing the cgroup. */
TEST(cgroup_v1_monitor_pivot)
{
	const char *skip = v1_skip();
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	_cleanup_free_ char *name = NULL, *before = NULL, *inside = NULL, *after = NULL;

	if (skip)
		SKIP(skip);
	name = test_name("mon");
	CHECK(file_read("/proc/self/cgroup", &before, NULL, NULL) == 0);
	CHECK(cgroup_ctx_new(&c, name, NULL, NULL, &err) == 0 && cgroup_create(c, &err) == 0);
	CHECK(cgroup_enter(c, CGROUP_MONITOR, getpid(), &err) == 0);
	CHECK(file_read("/proc/self/cgroup", &inside, NULL, NULL) == 0);
	CHECK(strstr(inside, name) != NULL);
	CHECK_OK(cgroup_destroy(c, &err));
	CHECK(file_read("/proc/self/cgroup", &after, NULL, NULL) == 0);
	CHECK_STR(after, before);
	cgroup_ctx_free(c);
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* lxc-top reads 100 containers every refresh: the files stay open, no fork/exec. */
TEST(cgroup_v1_stats_cost)
{
	const char *skip = v1_skip();
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	struct cgroup_stats st;
	_cleanup_free_ char *name = NULL;
	double t;
	int kept = 0;

	if (skip)
		SKIP(skip);
	name = test_name("cost");
	CHECK_OK(cgroup_ctx_new(&c, name, NULL, NULL, &err));
	if (!c)
		return;
	CHECK_OK(cgroup_create(c, &err));
	CHECK_OK(cgroup_stats_read(c, &st, &err));
	for (int i = 0; i < CGS_COUNT; i++)
		kept += c->stat_fd[i] >= 0;
	CHECK(kept >= 5);
	t = cpu_ms();
	for (int i = 0; i < 100; i++)
		CHECK_OK(cgroup_stats_read(c, &st, &err));
	t = cpu_ms() - t;
	printf("# 100 stat reads: %.2f ms CPU (sanitizer build)\n", t);
	CHECK(t < 20.0 * 3); /* budget 20 ms; ASan+UBSan is ~2-3x slower */
	CHECK_OK(cgroup_destroy(c, &err));
	for (int i = 0; i < CGS_COUNT; i++)
		CHECK(c->stat_fd[i] == -1);
	CHECK_ERR(cgroup_stats_read(c, &st, &err), &err, "do not exist");
	cgroup_ctx_free(c);
}

/* Stopping a frozen container: destroy thaws it so that SIGKILL takes effect. */
TEST(cgroup_v1_destroy_frozen)
{
	const char *skip = v1_skip();
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	_cleanup_free_ char *name = NULL;

	if (skip)
		SKIP(skip);
	name = test_name("frz");
	CHECK_OK(cgroup_ctx_new(&c, name, NULL, NULL, &err));
	if (!c)
		return;
	CHECK_OK(cgroup_create(c, &err));
	CHECK(probe_start(&p) == 0);
	CHECK_OK(cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err));
	CHECK_OK(cgroup_freeze(c, true, 5000, &err));
	CHECK_OK(cgroup_destroy(c, &err));
	CHECK_INT(probe_reap(&p, false), SIGKILL);
	probe_reap(&p, true);
	cgroup_ctx_free(c);
}

/* ---- lxc.mount.auto ------------------------------------------------------------------------- */

/* In a child with its own mount namespace: mount.auto into a scratch rootfs, then run
 * checks; the exit status is the number of failed checks (or 100 + step on errors). */
static int mount_child(struct cgroup_ctx *c, const char *rootfs, unsigned flags, bool cgns,
		       int (*checks)(struct cgroup_ctx *c, const char *cgroot))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct lxc_error err = { 0 };
		_cleanup_free_ char *cgroot = xasprintf("%s/sys/fs/cgroup", rootfs);
		int rootfd;

		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(101);
		if (cgns && (cgroup_enter(c, CGROUP_PAYLOAD, getpid(), &err) < 0 || unshare(CLONE_NEWCGROUP) < 0))
			_exit(102);
		rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			_exit(103);
		if (cgroup_mount_auto(c, rootfd, flags, cgns, &err) < 0) {
			printf("#   child: %s\n", err.msg);
			fflush(stdout);
			_exit(104);
		}
		_exit(checks ? checks(c, cgroot) : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

static int try_mkdir(const char *path)
{
	int r = mkdir(path, 0755) < 0 ? errno : 0;

	if (!r)
		rmdir(path);
	return r;
}

/* cgroup:mixed: own cgroup writable at its host path, the rest read-only. */
static int checks_mixed(struct cgroup_ctx *c, const char *cgroot)
{
	struct cgroup_hier *h = cgroup_find_ctrl(c, "pids");
	_cleanup_free_ char *own = xasprintf("%s/pids/%s", cgroot, h->rel[CG_PAYLOAD]);
	_cleanup_free_ char *sub = xasprintf("%s/hcg-sub", own), *up = xasprintf("%s/pids/hcg-up", cgroot);
	_cleanup_free_ char *file = xasprintf("%s/pids.max", own);
	int bad = 0;

	bad += !is_dir(own);
	bad += try_mkdir(sub) != 0;                 /* own cgroup: rw */
	bad += try_mkdir(up) != EROFS;               /* the hierarchy: ro */
	bad += file_write_str(file, "77", NULL) != 0;
	return bad;
}

static int checks_ro(struct cgroup_ctx *c, const char *cgroot)
{
	struct cgroup_hier *h = cgroup_find_ctrl(c, "pids");
	_cleanup_free_ char *own = xasprintf("%s/pids/%s", cgroot, h->rel[CG_PAYLOAD]);
	_cleanup_free_ char *sub = xasprintf("%s/hcg-sub", own);

	return !is_dir(own) + (try_mkdir(sub) != EROFS);
}

/* cgroup-full:mixed: the host's whole hierarchy visible read-only, own cgroup rw. */
static int checks_full_mixed(struct cgroup_ctx *c, const char *cgroot)
{
	struct cgroup_hier *h = cgroup_find_ctrl(c, "pids");
	_cleanup_free_ char *own = xasprintf("%s/pids/%s", cgroot, h->rel[CG_PAYLOAD]);
	_cleanup_free_ char *sub = xasprintf("%s/hcg-sub", own), *root_procs = xasprintf("%s/pids/cgroup.procs", cgroot);
	_cleanup_free_ char *up = xasprintf("%s/pids/hcg-up", cgroot);

	return !path_exists(root_procs) + (try_mkdir(sub) != 0) + (try_mkdir(up) != EROFS);
}

/* With a cgroup namespace (":force"): fresh mounts whose root is the container's cgroup. */
static int checks_cgns(struct cgroup_ctx *c, const char *cgroot)
{
	_cleanup_free_ char *procs = xasprintf("%s/pids/cgroup.procs", cgroot), *mine = NULL;
	_cleanup_free_ char *want = xasprintf("%d", (int)getpid());
	_cleanup_free_ char *sub = xasprintf("%s/pids/hcg-sub", cgroot);

	if (file_read(procs, &mine, NULL, NULL) < 0)
		return 50;
	mine[strcspn(mine, "\n")] = '\0';
	return (strcmp(mine, want) != 0) + (try_mkdir(sub) != 0);
}

TEST(cgroup_v1_mount_auto)
{
	const char *skip = v1_skip();
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	_cleanup_free_ char *name = NULL, *rootfs = xstrdup("/tmp/hcg-rootfs.XXXXXX"), *cg = NULL;
	_cleanup_free_ char *evil = xstrdup("/tmp/hcg-evil.XXXXXX"), *sys = NULL;

	if (skip)
		SKIP(skip);
	CHECK(mkdtemp(rootfs) != NULL && mkdtemp(evil) != NULL);
	cg = xasprintf("%s/sys/fs/cgroup", rootfs);
	CHECK(mkdir_p(cg, 0755, &err) == 0);
	name = test_name("mnt");
	CHECK(cgroup_ctx_new(&c, name, NULL, NULL, &err) == 0 && cgroup_create(c, &err) == 0);
	if (c) {
		CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_MIXED, false, checks_mixed), 0);
		CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_RO, false, checks_ro), 0);
		CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_FULL_MIXED, false, checks_full_mixed), 0);
		CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_MIXED | AUTO_CGROUP_FORCE, true, checks_cgns), 0);
		/* with a cgroup namespace and CAP_SYS_ADMIN, no ":force": nothing is mounted */
		CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_MIXED, true, NULL), 0);
		/* a symlink on the way out of the rootfs is refused, the host dir stays empty */
		sys = xasprintf("%s/sys", rootfs);
		CHECK(remove_tree(sys, &err) == 0 && symlink(evil, sys) == 0);
		CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_MIXED, false, NULL), 104);
		{
			_cleanup_free_ char *fs = xasprintf("%s/fs", evil);

			CHECK(!path_exists(fs));
		}
		CHECK(cgroup_destroy(c, &err) == 0);
		unlink(sys);
	}
	cgroup_ctx_free(c);
	remove_tree(rootfs, &err);
	remove_tree(evil, &err);
}

/* cgroup2 (alone, or the hybrid host's cgroup2 mount standing in for a pure v2 host) */
static int checks_v2_mixed(struct cgroup_ctx *c, const char *cgroot)
{
	struct cgroup_hier *h = &c->h[c->unified];
	_cleanup_free_ char *own = xasprintf("%s/%s", cgroot, h->rel[CG_PAYLOAD]);
	_cleanup_free_ char *sub = xasprintf("%s/hcg-sub", own), *up = xasprintf("%s/hcg-up", cgroot);
	_cleanup_free_ char *events = xasprintf("%s/cgroup.events", own);

	return !path_exists(events) + (try_mkdir(sub) != 0) + (try_mkdir(up) != EROFS);
}

static int checks_v2_full_ro(struct cgroup_ctx *c, const char *cgroot)
{
	struct cgroup_hier *h = &c->h[c->unified];
	_cleanup_free_ char *own = xasprintf("%s/%s", cgroot, h->rel[CG_PAYLOAD]);
	_cleanup_free_ char *sub = xasprintf("%s/hcg-sub", own), *root = xasprintf("%s/cgroup.procs", cgroot);

	return !path_exists(root) + (try_mkdir(sub) != EROFS);
}

static int checks_v2_cgns(struct cgroup_ctx *c, const char *cgroot)
{
	_cleanup_free_ char *procs = xasprintf("%s/cgroup.procs", cgroot), *mine = NULL;
	_cleanup_free_ char *want = xasprintf("%d", (int)getpid());

	if (file_read(procs, &mine, NULL, NULL) < 0)
		return 50;
	mine[strcspn(mine, "\n")] = '\0';
	return strcmp(mine, want) != 0;
}

TEST(cgroup_v2_mount_auto)
{
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	_cleanup_free_ char *name = test_name("v2mnt"), *rootfs = xstrdup("/tmp/hcg-rootfs.XXXXXX"), *cg = NULL;
	const char *skip;

	c = v2_ctx(name, NULL, &skip);
	if (!c)
		SKIP(skip);
	CHECK(mkdtemp(rootfs) != NULL);
	cg = xasprintf("%s/sys/fs/cgroup", rootfs);
	CHECK_OK(mkdir_p(cg, 0755, &err));
	CHECK_OK(cgroup_create(c, &err));
	CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_MIXED, false, checks_v2_mixed), 0);
	CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_FULL_RO, false, checks_v2_full_ro), 0);
	/* pure v2 with a cgroup namespace: cgroup2 itself on /sys/fs/cgroup, even without :force */
	CHECK_INT(mount_child(c, rootfs, AUTO_CGROUP_MIXED, true, checks_v2_cgns), 0);
	CHECK_OK(cgroup_destroy(c, &err));
	cgroup_ctx_free(c);
	remove_tree(rootfs, &err);
}

/* ---- cgroup v2 --------------------------------------------------------------------------------- */

static int bpf_prog_count(int cgfd)
{
	uint32_t ids[16];
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cgfd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = ARRAY_SIZE(ids);
	if (syscall(SYS_bpf, BPF_PROG_QUERY, &attr, sizeof(attr)) < 0)
		return -1;
	return (int)attr.query.prog_cnt;
}

/* The raw program: load, attach to a cgroup2 child, replace, detach. Works on hybrid hosts
 * too: the kernel runs cgroup2 device programs whatever the v1 devices controller says. */
TEST(cgroup_v2_bpf_device_program)
{
	struct cgroup_dev_list l = { 0 };
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	_cleanup_free_ struct bpf_insn *insns = NULL, *insns2 = NULL;
	_cleanup_free_ char *dir = NULL, *name = NULL;
	const char *skip;
	struct cgroup_ctx *c = v2_ctx("probe", NULL, &skip);
	_cleanup_close_ int fd = -1;
	int prog = -1, prog2 = -1;
	size_t n;

	if (!c)
		SKIP(skip);
	name = test_name("bpf");
	dir = cgroup_hier_path(&c->h[c->unified], name);
	cgroup_ctx_free(c);
	CHECK(mkdir(dir, 0755) == 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cgroup_dev_list_reset(&l, false);
	{
		struct cgroup_dev_rule r;

		CHECK(cgroup_dev_rule_parse("c 1:3 rwm", true, &r, &err) == 0);
		cgroup_dev_list_add(&l, &r);
	}
	insns = cgroup_dev_prog_build(&l, &n);
	prog = cgroup_dev_prog_load(insns, n, &err);
	if (prog < 0)
		printf("#   %s\n", err.msg);
	CHECK(prog >= 0 && cgroup_dev_prog_attach(fd, prog, -1, &err) == 0);
	CHECK_INT(bpf_prog_count(fd), 1);
	CHECK(probe_start(&p) == 0 && cgroup_write_procs(fd, p.pid, &err) == 0);
	CHECK_INT(probe_ask(&p, "open /dev/null", 5000), 0);
	CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), EPERM);
	/* replace: now /dev/zero too */
	{
		struct cgroup_dev_rule r;

		CHECK(cgroup_dev_rule_parse("c 1:5 r", true, &r, &err) == 0);
		cgroup_dev_list_add(&l, &r);
	}
	insns2 = cgroup_dev_prog_build(&l, &n);
	prog2 = cgroup_dev_prog_load(insns2, n, &err);
	CHECK(prog2 >= 0 && cgroup_dev_prog_attach(fd, prog2, prog, &err) == 0);
	CHECK_INT(bpf_prog_count(fd), 1);
	CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), 0);
	/* the one attached is found by name (another process's view) */
	{
		struct lxc_error e = { 0 };
		int found = cgroup_dev_prog_find(fd, &e);

		CHECK(found >= 0);
		if (found >= 0)
			close(found);
	}
	CHECK(cgroup_dev_prog_detach(fd, prog2, &err) == 0);
	CHECK_INT(bpf_prog_count(fd), 0);
	CHECK_INT(probe_ask(&p, "open /dev/full", 5000), 0);
	probe_reap(&p, true);
	if (prog >= 0)
		close(prog);
	if (prog2 >= 0)
		close(prog2);
	cgroup_dev_list_free(&l);
	CHECK(rmdir(dir) == 0);
}

/* The context on cgroup2: create, enter, device rules from lxc.cgroup2.*, lxc-device from
 * a deserialised context, cgroup.freeze, cpu.stat, cgroup.kill and removal. */
TEST(cgroup_v2_lifecycle)
{
	struct lxc_conf *conf = xzalloc(sizeof(*conf));
	struct cgroup_ctx *c = NULL, *d = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	struct strlist paths = { 0 };
	struct cgroup_stats s1, s2;
	enum cgroup_freezer_state st;
	_cleanup_free_ char *name = test_name("v2"), *text = NULL;
	const char *skip;
	int fd;

	kv_add(&conf->cgroup2, &conf->n_cgroup2, "devices.deny", "a");
	kv_add(&conf->cgroup2, &conf->n_cgroup2, "devices.allow", "c 1:3 rwm");
	kv_add(&conf->cgroup2, &conf->n_cgroup2, "devices.allow", "c 1:9 rwm");
	kv_add(&conf->cgroup, &conf->n_cgroup, "memory.limit_in_bytes", "1G"); /* ignored on v2 */
	c = v2_ctx(name, conf, &skip);
	if (!c) {
		conf_release(conf);
		SKIP(skip);
	}
	CHECK_OK(cgroup_create(c, &err));
	ctx_paths(c, &paths);
	CHECK(probe_start(&p) == 0 && cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err) == 0);
	CHECK(cgroup_unified_fd(c, CGROUP_PAYLOAD) >= 0);
	CHECK_OK(cgroup_apply_settings(c, conf, &err));
	fd = cgroup_hier_fd(&c->h[c->unified], CG_LIMIT, &err);
	CHECK_INT(bpf_prog_count(fd), 1);
	CHECK_INT(probe_ask(&p, "open /dev/null", 5000), 0);
	CHECK_INT(probe_ask(&p, "open /dev/urandom", 5000), 0);
	CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), EPERM);
	/* lxc-device add in the monitor's context */
	CHECK(cgroup_device_add(c, "c 1:5 rwm", &err) == 0);
	CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), 0);
	CHECK_INT(bpf_prog_count(fd), 1);
	/* lxc-device del from another process: rules come from the cgroup's xattr */
	text = cgroup_ctx_serialize(c);
	CHECK(cgroup_ctx_deserialize(&d, text, &err) == 0);
	if (d) {
		int dfd = cgroup_hier_fd(&d->h[d->unified], CG_LIMIT, &err);

		CHECK(fremovexattr(dfd, CGROUP_DEV_XATTR) == 0 || errno == ENODATA);
		CHECK(fsetxattr(dfd, CGROUP_DEV_XATTR, "default deny\nallow c 1:3 rwm\nallow c 1:9 rwm\nallow c 1:5 rwm\n",
				strlen("default deny\nallow c 1:3 rwm\nallow c 1:9 rwm\nallow c 1:5 rwm\n"), 0) == 0);
		CHECK_OK(cgroup_device_remove(d, "c 1:9 rwm", &err));
		CHECK_INT(bpf_prog_count(fd), 1);
		CHECK_INT(probe_ask(&p, "open /dev/urandom", 5000), EPERM);
		CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), 0); /* kept: it was in the xattr */
		/* and the monitor's next change starts from that state too */
		CHECK(cgroup_device_remove(c, "c 1:5 rwm", &err) == 0);
		CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), EPERM);
		CHECK_INT(probe_ask(&p, "open /dev/urandom", 5000), EPERM);
		CHECK_INT(bpf_prog_count(fd), 1);
		cgroup_ctx_free(d);
	}
	/* cgroup.freeze, waited on with cgroup.events */
	CHECK(cgroup_freeze(c, true, 5000, &err) == 0);
	CHECK(cgroup_get_freezer_state(c, &st, &err) == 0 && st == CGROUP_FROZEN);
	CHECK_INT(probe_ask(&p, "ping", 200), -1);
	CHECK(cgroup_freeze(c, false, 5000, &err) == 0);
	{
		struct pollfd pfd = { .fd = p.reply, .events = POLLIN };
		int r = -1;

		CHECK(poll(&pfd, 1, 5000) == 1 && read(p.reply, &r, sizeof(r)) == sizeof(r) && r == 0);
	}
	CHECK(cgroup_get_freezer_state(c, &st, &err) == 0 && st == CGROUP_THAWED);
	/* cpu.stat is there without the cpu controller */
	CHECK(cgroup_stats_read(c, &s1, &err) == 0);
	CHECK_INT(probe_ask(&p, "burn 150", 10000), 0);
	CHECK(cgroup_stats_read(c, &s2, &err) == 0);
	CHECK(s2.valid & CGROUP_STAT_CPU);
	CHECK(s2.cpu_usage_ns >= s1.cpu_usage_ns + 100000000ull);
	{
		size_t n = 0;

		CHECK(cgroup_count_procs(c, &n, &err) == 0 && n == 1);
	}
	CHECK_OK(cgroup_destroy(c, &err));
	CHECK_INT(probe_reap(&p, false), SIGKILL);
	check_gone(&paths);
	probe_reap(&p, true);
	strlist_clear(&paths);
	cgroup_ctx_free(c);
	conf_release(conf);
}

/* v1-style device rules become the program on cgroup2, refining "everything allowed". */
TEST(cgroup_v2_translates_v1_device_rules)
{
	struct lxc_conf *conf = xzalloc(sizeof(*conf));
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	_cleanup_free_ char *name = test_name("v1dev");
	const char *skip;

	kv_add(&conf->cgroup, &conf->n_cgroup, "devices.deny", "c 1:5 rwm");
	kv_add(&conf->cgroup, &conf->n_cgroup, "pids.max", "10"); /* ignored with a log line */
	c = v2_ctx(name, conf, &skip);
	if (!c) {
		conf_release(conf);
		SKIP(skip);
	}
	CHECK(cgroup_create(c, &err) == 0);
	CHECK(probe_start(&p) == 0 && cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err) == 0);
	CHECK(cgroup_apply_settings(c, conf, &err) == 0);
	CHECK_INT(probe_ask(&p, "open /dev/null", 5000), 0);
	CHECK_INT(probe_ask(&p, "open /dev/zero", 5000), EPERM);
	CHECK(cgroup_destroy(c, &err) == 0);
	CHECK_INT(probe_reap(&p, false), SIGKILL);
	cgroup_ctx_free(c);
	conf_release(conf);
}

/* Limits need the controllers, which only a pure v2 host delegates. */
TEST(cgroup_v2_settings)
{
	struct lxc_conf *conf = xzalloc(sizeof(*conf));
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	_cleanup_free_ char *name = test_name("v2set");
	const char *skip;
	bool pure = geteuid() == 0 && pure_v2();

	kv_add(&conf->cgroup2, &conf->n_cgroup2, "memory.max", "64M");
	kv_add(&conf->cgroup2, &conf->n_cgroup2, "pids.max", "20");
	c = v2_ctx(name, conf, &skip);
	if (!c) {
		conf_release(conf);
		SKIP(skip);
	}
	CHECK(cgroup_create(c, &err) == 0);
	if (!pure) {
		/* hybrid: the cgroup2 mount has no memory controller; the error says so */
		CHECK_ERR(cgroup_apply_settings(c, conf, &err), &err, "the \"memory\" controller is not available");
		CHECK(strstr(err.msg, "failed to set lxc.cgroup2.memory.max = \"64M\"") != NULL);
		CHECK(cgroup_destroy(c, &err) == 0);
		cgroup_ctx_free(c);
		conf_release(conf);
		SKIP("memory/pids limits need a pure cgroup2 host (VM lane); checked the error instead");
	}
	CHECK_OK(cgroup_apply_settings(c, conf, &err));
	{
		char *v = NULL;
		struct cgroup_stats s;

		CHECK(cgroup_get(c, "memory.max", &v, &err) == 0);
		CHECK_STR(v, "67108864");
		free(v);
		CHECK(cgroup_get(c, "pids.max", &v, &err) == 0);
		CHECK_STR(v, "20");
		free(v);
		CHECK(cgroup_set(c, "pids.max", "30", &err) == 0);
		CHECK_ERR(cgroup_set(c, "memory.max", "64x", &err), &err, "failed to set memory.max = \"64x\"");
		CHECK(cgroup_stats_read(c, &s, &err) == 0 && (s.valid & CGROUP_STAT_MEM));
	}
	CHECK(cgroup_destroy(c, &err) == 0);
	cgroup_ctx_free(c);
	conf_release(conf);
}

/* The monitor moves itself in, and destroy moves it out before removing its cgroup. */
TEST(cgroup_v2_monitor_pivot)
{
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	struct strlist paths = { 0 };
	_cleanup_free_ char *name = test_name("v2mon"), *before = NULL, *after = NULL;
	const char *skip;

	c = v2_ctx(name, NULL, &skip);
	if (!c)
		SKIP(skip);
	CHECK(file_read("/proc/self/cgroup", &before, NULL, NULL) == 0);
	CHECK(cgroup_create(c, &err) == 0);
	ctx_paths(c, &paths);
	CHECK(cgroup_enter(c, CGROUP_MONITOR, getpid(), &err) == 0);
	CHECK_OK(cgroup_destroy(c, &err));
	CHECK(file_read("/proc/self/cgroup", &after, NULL, NULL) == 0);
	CHECK_STR(after, before);
	check_gone(&paths);
	strlist_clear(&paths);
	cgroup_ctx_free(c);
}

/* A crashed v2 container: cleanup_stale finds it by name and empties it with cgroup.kill. */
TEST(cgroup_v2_cleanup_stale)
{
	struct cgroup_ctx *c = NULL;
	struct lxc_error err = { 0 };
	struct probe p = { 0 };
	struct strlist paths = { 0 };
	_cleanup_free_ char *name = test_name("v2crash");
	const char *skip;

	c = v2_ctx(name, NULL, &skip);
	if (!c)
		SKIP(skip);
	CHECK(cgroup_create(c, &err) == 0);
	ctx_paths(c, &paths);
	CHECK(probe_start(&p) == 0 && cgroup_enter(c, CGROUP_PAYLOAD, p.pid, &err) == 0);
	cgroup_ctx_free(c); /* the monitor "died" */
	CHECK_OK(cgroup_cleanup_stale(name, NULL, NULL, &err));
	CHECK_INT(probe_reap(&p, false), SIGKILL);
	check_gone(&paths);
	probe_reap(&p, true);
	strlist_clear(&paths);
}
