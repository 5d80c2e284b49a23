/* Unit tests for lib/cgroup_layout.c and lib/cgroup_serial.c: layout detection from
 * mountinfo//proc/self/cgroup samples, cgroup naming, and the serialised context. */
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "lxc.h"
#include "unit.h"

/* This machine: v1 controllers + an empty cgroup2, memory nested (hybrid). */
static const char hybrid_mountinfo[] =
	"22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
	"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"35 30 0:32 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
	"36 30 0:33 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
	"37 30 0:34 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
	"38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char hybrid_self[] =
	"9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n"
	"4:memory:/process_api/d643eb84\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/\n";

/* A systemd host with only cgroup2. */
static const char unified_mountinfo[] =
	"24 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
	"29 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
	"rw,nsdelegate,memory_recursiveprot\n";
static const char unified_self[] = "0::/user.slice/user-0.slice/session-3.scope\n";
static const char unified_init[] = "0::/init.scope\n";

/* An old host: v1 only, cpu and cpuacct co-mounted, a mount point with a space. */
static const char legacy_mountinfo[] =
	"30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
	"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime shared:10 - cgroup cgroup rw,memory\n"
	"35 30 0:32 / /sys/fs/cgroup/my\\040devices rw,relatime - cgroup cgroup rw,devices\n"
	"39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/x,name=systemd\n"
	"41 30 0:38 /lxc/outer /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n";
static const char legacy_self[] =
	"6:freezer:/elsewhere\n5:devices:/a\n4:memory:/a\n3:cpu,cpuacct:/a\n1:name=systemd:/a/b\n";

static struct cgroup_ctx *parse(const char *mi, const char *self, const char *init, const char *use)
{
	struct cgroup_ctx *c = cgroup_ctx_alloc();
	struct lxc_error err = { 0 };

	CHECK(cgroup_parse_layout(c, mi, self, init, use, &err) == 0);
	return c;
}

static struct cgroup_hier *by_mnt(struct cgroup_ctx *c, const char *mnt)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->h[i].mnt, mnt))
			return &c->h[i];
	return NULL;
}

TEST(cgroup_layout_hybrid)
{
	struct cgroup_ctx *c = parse(hybrid_mountinfo, hybrid_self, "0::/\n", NULL);
	struct cgroup_hier *mem = by_mnt(c, "/sys/fs/cgroup/memory");

	CHECK_INT(c->layout, CGROUP_LAYOUT_HYBRID);
	CHECK_INT(c->n, 10);
	CHECK(c->unified >= 0 && !strcmp(c->h[c->unified].mnt, "/sys/fs/cgroup/unified"));
	CHECK(mem && !strcmp(mem->base, "process_api/d643eb84"));
	CHECK_STR(by_mnt(c, "/sys/fs/cgroup/pids")->base, "");
	CHECK_STR(by_mnt(c, "/sys/fs/cgroup/systemd")->ctrl_str, "name=systemd");
	CHECK(cgroup_find_ctrl(c, "freezer") == by_mnt(c, "/sys/fs/cgroup/freezer"));
	CHECK(cgroup_find_ctrl(c, "hugetlb") == NULL);
	CHECK_STR(cgroup_layout_name(c->layout), "hybrid");
	cgroup_ctx_free(c);
}

TEST(cgroup_layout_unified_escapes_like_lxc)
{
	/* root, not lxc.cgroup.relative: below init's cgroup with /init.scope pruned */
	struct cgroup_ctx *c = parse(unified_mountinfo, unified_self, unified_init, NULL);

	CHECK_INT(c->layout, CGROUP_LAYOUT_UNIFIED);
	CHECK_INT(c->n, 1);
	CHECK_INT(c->unified, 0);
	CHECK_STR(c->h[0].base, "");
	CHECK_STR(c->h[0].ctrl_str, "");
	cgroup_ctx_free(c);
	/* relative: the caller's own cgroup */
	c = parse(unified_mountinfo, unified_self, NULL, NULL);
	CHECK_STR(c->h[0].base, "user.slice/user-0.slice/session-3.scope");
	cgroup_ctx_free(c);
	c = parse(unified_mountinfo, unified_self, "0::/system.slice/lxc.service/init.scope\n", NULL);
	CHECK_STR(c->h[0].base, "system.slice/lxc.service");
	cgroup_ctx_free(c);
}

TEST(cgroup_layout_legacy)
{
	struct cgroup_ctx *c = parse(legacy_mountinfo, legacy_self, NULL, NULL);
	struct cgroup_hier *cpu = cgroup_find_ctrl(c, "cpuacct");

	CHECK_INT(c->layout, CGROUP_LAYOUT_LEGACY);
	CHECK_INT(c->unified, -1);
	/* freezer's mount root /lxc/outer does not contain /elsewhere: not usable */
	CHECK_INT(c->n, 4);
	CHECK(cpu && cpu == cgroup_find_ctrl(c, "cpu"));
	CHECK_STR(cpu->ctrl_str, "cpu,cpuacct");
	CHECK_STR(cpu->mnt, "/sys/fs/cgroup/cpu,cpuacct");
	CHECK(cgroup_find_ctrl(c, "devices") && !strcmp(cgroup_find_ctrl(c, "devices")->mnt, "/sys/fs/cgroup/my devices"));
	CHECK_STR(by_mnt(c, "/sys/fs/cgroup/systemd")->base, "a/b");
	CHECK(cgroup_find_ctrl(c, "freezer") == NULL);
	cgroup_ctx_free(c);
}

TEST(cgroup_layout_mount_root_below)
{
	/* a bind of a sub-tree (inside a container): paths are relative to that root */
	static const char mi[] = "41 30 0:38 /lxc/c1 /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer\n";
	struct cgroup_ctx *c = parse(mi, "6:freezer:/lxc/c1/x\n", NULL, NULL);

	CHECK_INT(c->n, 1);
	CHECK_STR(c->h[0].base, "x");
	CHECK_STR(c->h[0].mnt_root, "/lxc/c1");
	cgroup_ctx_free(c);
	c = parse(mi, "6:freezer:/lxc/c10\n", NULL, NULL);
	CHECK_INT(c->n, 0);
	CHECK_INT(c->layout, CGROUP_LAYOUT_NONE);
	cgroup_ctx_free(c);
}

TEST(cgroup_layout_use_filter)
{
	struct cgroup_ctx *c = parse(hybrid_mountinfo, hybrid_self, NULL, "memory, pids");

	CHECK_INT(c->n, 3); /* memory, pids, and the cgroup2 mount */
	CHECK(cgroup_find_ctrl(c, "memory") && cgroup_find_ctrl(c, "pids") && !cgroup_find_ctrl(c, "cpu"));
	CHECK_INT(c->layout, CGROUP_LAYOUT_HYBRID);
	cgroup_ctx_free(c);
}

static int names(struct cgroup_ctx **out, const char *name, const char *pattern, const struct lxc_conf *conf,
		 struct lxc_error *err)
{
	*out = cgroup_ctx_alloc();
	return cgroup_parse_names(*out, name, pattern, conf, err);
}

TEST(cgroup_names)
{
	struct lxc_conf *conf = xzalloc(sizeof(*conf));
	struct lxc_error err = { 0 };
	struct cgroup_ctx *c;

	CHECK(names(&c, "c1", NULL, NULL, &err) == 0);
	CHECK_STR(c->limit_name, "lxc.payload.c1");
	CHECK_STR(c->monitor_name, "lxc.monitor.c1");
	CHECK(c->retry && !c->inner_name);
	cgroup_ctx_free(c);

	CHECK(names(&c, "c1", "lxc/%n", NULL, &err) == 0);
	CHECK_STR(c->limit_name, "lxc/c1/lxc.payload");
	CHECK_STR(c->monitor_name, "lxc/c1/lxc.monitor");
	cgroup_ctx_free(c);

	conf->cgroup_dir = xstrdup("/my-cgroup//first/");
	CHECK(names(&c, "c1", "lxc/%n", conf, &err) == 0);
	CHECK_STR(c->limit_name, "my-cgroup/first/lxc.payload.c1");
	CHECK_STR(c->monitor_name, "my-cgroup/first/lxc.monitor.c1");
	cgroup_ctx_free(c);

	conf->cgroup_dir_container = xstrdup("ct");
	CHECK_ERR(names(&c, "c1", NULL, conf, &err), &err, "must be set together");
	cgroup_ctx_free(c);
	conf->cgroup_dir_monitor = xstrdup("mon");
	CHECK_ERR(names(&c, "c1", NULL, conf, &err), &err, "cannot be combined");
	cgroup_ctx_free(c);
	free(conf->cgroup_dir);
	conf->cgroup_dir = NULL;
	conf->cgroup_dir_container_inner = xstrdup("inner");
	conf->cgroup_dir_monitor_pivot = xstrdup("pivot");
	CHECK(names(&c, "c1", NULL, conf, &err) == 0);
	CHECK_STR(c->limit_name, "ct");
	CHECK_STR(c->inner_name, "inner");
	CHECK_STR(c->monitor_name, "mon");
	CHECK_STR(c->monitor_pivot, "pivot");
	CHECK(!c->retry);
	cgroup_ctx_free(c);

	free(conf->cgroup_dir_monitor);
	conf->cgroup_dir_monitor = xstrdup("ct/mon");
	CHECK_ERR(names(&c, "c1", NULL, conf, &err), &err, "must not contain each other");
	cgroup_ctx_free(c);
	free(conf->cgroup_dir_monitor);
	conf->cgroup_dir_monitor = xstrdup("a/../../escape");
	CHECK_ERR(names(&c, "c1", NULL, conf, &err), &err, "\"..\" are not allowed");
	cgroup_ctx_free(c);

	CHECK_ERR(names(&c, "a/b", NULL, NULL, &err), &err, "invalid container name");
	cgroup_ctx_free(c);
	CHECK_ERR(names(&c, "..", NULL, NULL, &err), &err, "invalid container name");
	cgroup_ctx_free(c);
	CHECK_ERR(names(&c, "c1", "../%n", NULL, &err), &err, "lxc.cgroup.pattern");
	cgroup_ctx_free(c);

	free(conf->cgroup_dir_container);
	free(conf->cgroup_dir_monitor);
	free(conf->cgroup_dir_container_inner);
	free(conf->cgroup_dir_monitor_pivot);
	free(conf);
}

TEST(cgroup_key_and_caps)
{
	struct lxc_conf *conf = xzalloc(sizeof(*conf));

	CHECK(cgroup_key_valid("memory.limit_in_bytes"));
	CHECK(!cgroup_key_valid("../memory.max"));
	CHECK(!cgroup_key_valid("a/b"));
	CHECK(!cgroup_key_valid(""));
	CHECK(!cgroup_key_valid(".."));
	CHECK(cgroup_conf_keeps_sys_admin(conf));
	strlist_push(&conf->cap_drop, "sys_admin");
	CHECK(!cgroup_conf_keeps_sys_admin(conf));
	strlist_push(&conf->cap_keep, "sys_admin");
	CHECK(cgroup_conf_keeps_sys_admin(conf));
	strlist_clear(&conf->cap_keep);
	strlist_push(&conf->cap_keep, "net_admin");
	CHECK(!cgroup_conf_keeps_sys_admin(conf));
	strlist_clear(&conf->cap_keep);
	strlist_clear(&conf->cap_drop);
	free(conf);
}

TEST(cgroup_v1_memsw_after_memory)
{
	struct conf_kv kv[] = {
		{ "memory.memsw.limit_in_bytes", "2G" },
		{ "cpu.shares", "512" },
		{ "memory.limit_in_bytes", "1G" },
		{ "pids.max", "10" },
	};
	const struct conf_kv *p[4] = { &kv[0], &kv[1], &kv[2], &kv[3] };

	cgroup_v1_sort_settings(p, 4);
	CHECK_STR(p[0]->key, "cpu.shares");
	CHECK_STR(p[1]->key, "memory.limit_in_bytes");
	CHECK_STR(p[2]->key, "memory.memsw.limit_in_bytes");
	CHECK_STR(p[3]->key, "pids.max");
}

/* A context as cgroup_create leaves it, without touching cgroupfs. */
static struct cgroup_ctx *fake_created(void)
{
	struct cgroup_ctx *c = parse(hybrid_mountinfo, hybrid_self, "0::/\n", NULL);
	struct lxc_error err = { 0 };

	CHECK(cgroup_parse_names(c, "web 1", NULL, NULL, &err) == 0);
	for (size_t i = 0; i < c->n; i++) {
		struct cgroup_hier *h = &c->h[i];

		h->rel[CG_LIMIT] = cgroup_join_rel(h->base, "lxc.payload.web 1");
		h->rel[CG_PAYLOAD] = xstrdup(h->rel[CG_LIMIT]);
		h->rel[CG_MONITOR] = cgroup_join_rel(h->base, "lxc.monitor.web 1");
		h->top[CG_LIMIT] = xstrdup(h->rel[CG_LIMIT]);
		h->top[CG_MONITOR] = xstrdup(h->rel[CG_MONITOR]);
		for (int r = 0; r < CG_ROLES; r++)
			h->cg[r] = cgroup_hier_cg_path(h, h->rel[r]);
	}
	return c;
}

TEST(cgroup_serialize_round_trip)
{
	struct cgroup_ctx *c = fake_created(), *d = NULL;
	struct lxc_error err = { 0 };
	struct cgroup_dev_rule r;
	struct cgroup_hier_info info;
	char *a, *b;

	cgroup_dev_list_reset(&c->devs, false);
	CHECK(cgroup_dev_rule_parse("c 1:3 rwm", true, &r, &err) == 0);
	cgroup_dev_list_add(&c->devs, &r);
	c->devs_active = true;
	a = cgroup_ctx_serialize(c);
	CHECK(strstr(a, "lxc-cgroup 1\n") == a);
	CHECK(strstr(a, "lxc.payload.web%201") != NULL); /* the space is escaped */
	CHECK(cgroup_ctx_deserialize_with(&d, a, hybrid_mountinfo, &err) == 0);
	if (d) {
		b = cgroup_ctx_serialize(d);
		CHECK_STR(b, a);
		free(b);
		CHECK_INT(d->layout, CGROUP_LAYOUT_HYBRID);
		CHECK_INT(d->devs.n, 1);
		CHECK(!d->devs.default_allow);
		CHECK(cgroup_hier_get(d, (size_t)(cgroup_find_ctrl(d, "memory") - d->h), &info) == 0);
		CHECK_INT(info.version, 1);
		CHECK(cgroup_hier_get(d, d->n, &info) < 0);
		CHECK(cgroup_hier_get(d, (size_t)(cgroup_find_ctrl(d, "memory") - d->h), &info) == 0);
		CHECK_STR(info.mountpoint, "/sys/fs/cgroup/memory");
		CHECK_STR(info.limit, "/process_api/d643eb84/lxc.payload.web 1");
		CHECK_STR(info.monitor, "/process_api/d643eb84/lxc.monitor.web 1");
		CHECK_STR(d->name, "web 1");
	}
	cgroup_ctx_free(d);
	free(a);
	cgroup_ctx_free(c);
}

static void check_rejected(const char *from, const char *to, const char *needle)
{
	struct cgroup_ctx *c = fake_created(), *d = NULL;
	struct lxc_error err = { 0 };
	char *text = cgroup_ctx_serialize(c), *bad;
	char *at = strstr(text, from);

	CHECK(at != NULL);
	if (!at) {
		free(text);
		cgroup_ctx_free(c);
		return;
	}
	bad = xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	CHECK_ERR(cgroup_ctx_deserialize_with(&d, bad, hybrid_mountinfo, &err), &err, needle);
	CHECK(d == NULL);
	free(bad);
	free(text);
	cgroup_ctx_free(c);
}

TEST(cgroup_deserialize_rejects_bad_input)
{
	struct cgroup_ctx *d = NULL;
	struct lxc_error err = { 0 };

	CHECK_ERR(cgroup_ctx_deserialize_with(&d, "", hybrid_mountinfo, &err), &err, "no \"lxc-cgroup 1\" header");
	CHECK_ERR(cgroup_ctx_deserialize_with(&d, "lxc-cgroup 1\n", hybrid_mountinfo, &err), &err, "incomplete");
	/* a mount point that is not a cgroup mount here */
	check_rejected("=/sys/fs/cgroup/memory ", "=/tmp ", "\"/tmp\" is not a cgroup mount");
	check_rejected("=/sys/fs/cgroup/memory ", "=/sys/fs/cgroup/pids ", "is not a cgroup mount of memory");
	check_rejected("=/sys/fs/cgroup/unified ", "=/sys/fs/cgroup ", "is not a cgroup2 mount");
	/* paths: "..", absolute, outside the base, top not above the cgroup */
	check_rejected("=process_api/d643eb84/lxc.payload.web%201 =process_api",
		       "=process_api/d643eb84/../../x =process_api", "invalid cgroup path");
	check_rejected("=lxc.payload.web%201 =lxc.payload.web%201 =lxc.monitor.web%201 =lxc.payload.web%201",
		       "=/etc =lxc.payload.web%201 =lxc.monitor.web%201 =lxc.payload.web%201", "invalid cgroup path");
	check_rejected("=process_api/d643eb84/lxc.monitor.web%201 =process_api/d643eb84/lxc.payload.web%201",
		       "=process_api/other =process_api/d643eb84/lxc.payload.web%201", "inconsistent");
	check_rejected("=process_api/d643eb84 =process_api/d643eb84/lxc.payload.web%201",
		       "=process_api/d643eb84 =process_api", "inconsistent");
	check_rejected("=process_api/d643eb84/lxc.monitor.web%201\n", "=process_api\n", "inconsistent");
	/* encoding and structure */
	check_rejected("=lxc.monitor.web%201 =lxc.payload.web%201", "=lxc.monitor.web%00 =lxc.payload.web%201",
		       "malformed field");
	check_rejected("hier 2 =", "hier 3 =", "malformed hierarchy line");
	check_rejected("name =web%201\n", "name =a/b\n", "unexpected line");
	check_rejected("layout hybrid", "layout weird", "unexpected line");
	check_rejected("hier 1 =pids", "hier 1 =pids/../x", "malformed hierarchy line");
	check_rejected("\nhier 2", "\nhier 2 =%20 =/sys/fs/cgroup/unified = - - - - - -\nhier 2", "malformed");
}

TEST(cgroup_deserialize_two_unified_rejected)
{
	struct cgroup_ctx *c = fake_created(), *d = NULL;
	struct lxc_error err = { 0 };
	char *text = cgroup_ctx_serialize(c), *line = strstr(text, "hier 2 "), *dup;
	size_t len = strcspn(line, "\n") + 1;

	dup = xasprintf("%s%.*s", text, (int)len, line);
	CHECK_ERR(cgroup_ctx_deserialize_with(&d, dup, hybrid_mountinfo, &err), &err, "two cgroup2 hierarchies");
	free(dup);
	free(text);
	cgroup_ctx_free(c);
}
