/* Unit tests for the config engine: parsing rules, includes, errors, list clearing, 1.x
 * network semantics, kept text and its edits, real configs, lxc-update-config's rewrite. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf_internal.h"
#include "lxc.h"
#include "unit.h"

static char *tmpdir(void)
{
	char *d = xstrdup("/tmp/hconf-unit.XXXXXX");

	if (!mkdtemp(d))
		abort();
	return d;
}

static char *put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct lxc_error err = { 0 };
	char *slash = strrchr(path, '/');

	*slash = '\0';
	mkdir_p(path, 0755, &err);
	*slash = '/';
	if (file_write_atomic(path, text, strlen(text), 0644, &err) < 0)
		printf("#   %s\n", err.msg);
	return path;
}

static struct lxc_conf *parse(const char *text, struct lxc_error *err)
{
	struct lxc_conf *conf = conf_new();

	if (conf_load_buffer(conf, "/test/config", text, strlen(text), err) < 0) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}

static char *get(struct lxc_conf *conf, const char *key)
{
	struct lxc_error err = { 0 };
	char *out = NULL;

	if (conf_get_item(conf, key, &out, &err) < 0)
		return xasprintf("ERROR: %s", err.msg);
	return out;
}

#define CHECK_GET(conf, key, want)                 \
	do {                                       \
		char *got_ = get(conf, key);       \
		CHECK_STR(got_, want);             \
		free(got_);                        \
	} while (0)

/* ---- parsing rules ------------------------------------------------------------------------- */

TEST(conf_parse_lines_comments_quotes)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("# a comment\n"
				      "   # indented comment\n"
				      "\n"
				      "\tlxc.uts.name=   \"c1\"   \n"
				      "lxc.tty.dir = 'lxc'\n"
				      "lxc.init.cmd = \"/bin/sh'\n"
				      "lxc.log.file = /x # not a comment\n"
				      "something else entirely\n"
				      "lxc.arch = x86\r\n",
				      &err);

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK_GET(conf, "lxc.uts.name", "c1");
	CHECK_GET(conf, "lxc.tty.dir", "lxc");
	CHECK_GET(conf, "lxc.init.cmd", "\"/bin/sh'");
	CHECK_GET(conf, "lxc.log.file", "/x # not a comment");
	CHECK_GET(conf, "lxc.arch", "i686");
	conf_free(conf);
}

TEST(conf_parse_errors_name_file_line_key)
{
	struct lxc_error err = { 0 };

	CHECK(parse("lxc.uts.name = a\nlxc.foo = 1\n", &err) == NULL);
	CHECK_STR(err.msg, "/test/config:2: lxc.foo: unknown configuration key");
	CHECK(parse("\n\nlxc.net.0.type = vethh\n", &err) == NULL);
	CHECK(str_starts_with(err.msg, "/test/config:3: lxc.net.0.type: unknown network type \"vethh\""));
	CHECK(parse("lxc.uts.name\n", &err) == NULL);
	CHECK_STR(err.msg, "/test/config:1: lxc.uts.name: expected \"key = value\"");
	CHECK(parse("lxc.network.link = br0\n", &err) == NULL);
	CHECK(str_starts_with(err.msg, "/test/config:1: lxc.network.link: no network defined yet"));
	CHECK(parse("lxc.net.0.type = veth\nlxc.net.0.macvlan.mode = bridge\n", &err) == NULL);
	CHECK_STR(err.msg, "/test/config:2: lxc.net.0.macvlan.mode: only valid for macvlan networks "
			   "(lxc.net.0.type is veth)");
	CHECK(parse("lxc.namespace.clone = net\nlxc.namespace.keep = user\n", &err) == NULL);
	CHECK(strstr(err.msg, "cannot both be set") != NULL);
	CHECK(parse("lxc.cgroup.../x = 1\n", &err) == NULL);
	CHECK(strstr(err.msg, "invalid name") != NULL);
	CHECK(parse("lxc.prlimit.bogus = 1\n", &err) == NULL);
	CHECK(strstr(err.msg, "lxc.prlimit.bogus: unknown resource limit \"bogus\"") != NULL);
	CHECK(parse("lxc.namespace.share.foo = 1\n", &err) == NULL);
	CHECK(strstr(err.msg, "unknown namespace \"foo\"") != NULL);
}

TEST(conf_environment_bare_name_takes_callers_value)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf;

	setenv("HCONF_UNIT_VAR", "from env", 1);
	conf = parse("lxc.environment = HCONF_UNIT_VAR\nlxc.environment = B=2\n", &err);
	CHECK(conf != NULL);
	if (conf)
		CHECK_GET(conf, "lxc.environment", "HCONF_UNIT_VAR=from env\nB=2\n");
	conf_free(conf);
	unsetenv("HCONF_UNIT_VAR");
	CHECK(parse("lxc.environment = HCONF_UNIT_VAR\n", &err) == NULL);
	CHECK(strstr(err.msg, "\"HCONF_UNIT_VAR\" is not set in the environment") != NULL);
}

TEST(conf_single_valued_last_wins_lists_accumulate)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("lxc.uts.name = a\nlxc.utsname = b\n"
				      "lxc.cap.drop = sys_admin\nlxc.cap.drop = net_raw mknod\n"
				      "lxc.mount.auto = proc\nlxc.mount.auto = sys:rw\nlxc.mount.auto = proc:rw\n"
				      "lxc.sysctl.a = 1\nlxc.sysctl.b = 2\nlxc.sysctl.a = 3\n",
				      &err);

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK_GET(conf, "lxc.uts.name", "b");
	CHECK_GET(conf, "lxc.cap.drop", "sys_admin\nnet_raw\nmknod\n");
	CHECK_GET(conf, "lxc.mount.auto", "proc:rw sys:rw");
	CHECK_GET(conf, "lxc.sysctl", "lxc.sysctl.a = 3\nlxc.sysctl.b = 2\n");
	CHECK_INT(conf->mount_auto, AUTO_PROC_RW | AUTO_SYS_RW);
	conf_free(conf);
}

TEST(conf_list_clearing)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("lxc.cgroup.devices.deny = a\n"
				      "lxc.cgroup.devices.allow = c 1:3 rwm\n"
				      "lxc.cgroup.memory.limit_in_bytes = 1G\n"
				      "lxc.cgroup.devices.allow = c 1:5 rwm\n"
				      "lxc.cgroup.devices.allow =\n"
				      "lxc.cgroup2.devices.allow = a\n"
				      "lxc.hook.mount = /m\nlxc.hook.start = /s\nlxc.hook.version = 1\n"
				      "lxc.cap.drop = sys_admin\nlxc.cap.drop =\nlxc.cap.drop = mknod\n"
				      "lxc.cap.keep = sys_admin\nlxc.cap.keep = none\n"
				      "lxc.idmap = u 0 1000 10\nlxc.id_map =\n",
				      &err);

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK_GET(conf, "lxc.cgroup", "lxc.cgroup.devices.deny = a\nlxc.cgroup.memory.limit_in_bytes = 1G\n");
	CHECK_GET(conf, "lxc.cgroup.devices.allow", "");
	CHECK_GET(conf, "lxc.cgroup.devices.deny", "a\n");
	CHECK_GET(conf, "lxc.cgroup2", "lxc.cgroup2.devices.allow = a\n");
	CHECK_GET(conf, "lxc.cap.drop", "mknod\n");
	CHECK_GET(conf, "lxc.cap.keep", "");
	CHECK(conf->cap_keep_none);
	CHECK_GET(conf, "lxc.idmap", "");
	CHECK_GET(conf, "lxc.hook.mount", "/m\n");
	CHECK(conf_apply_item(conf, "lxc.hook", "", &err) == 0);
	CHECK_GET(conf, "lxc.hook.mount", "");
	CHECK_GET(conf, "lxc.hook.start", "");
	CHECK_GET(conf, "lxc.hook.version", "1");
	CHECK(conf_apply_item(conf, "lxc.cgroup", "", &err) == 0);
	CHECK_GET(conf, "lxc.cgroup", "");
	CHECK_INT(conf->n_cgroup2, 1);
	conf_free(conf);
}

TEST(conf_cgroup_dir_keys_are_not_settings)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("lxc.cgroup.dir = d\nlxc.cgroup.dir.container = c\n"
				      "lxc.cgroup.dir.container.inner = i\nlxc.cgroup.dir.monitor = m\n"
				      "lxc.cgroup.dir.monitor.pivot = p\nlxc.cgroup.relative = 1\n"
				      "lxc.cgroup.cpuset.cpus = 0\n",
				      &err);

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK_INT(conf->n_cgroup, 1);
	CHECK_STR(conf->cgroup[0].key, "cpuset.cpus");
	CHECK_STR(conf->cgroup_dir_monitor_pivot, "p");
	CHECK(conf->cgroup_relative);
	CHECK(conf_apply_item(conf, "lxc.cgroup", "", &err) == 0);
	CHECK_STR(conf->cgroup_dir, "d");
	conf_free(conf);
}

TEST(conf_typed_values)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("lxc.signal.halt = SIGPWR\nlxc.signal.stop = SIGRTMIN+2\n"
				      "lxc.prlimit.nofile = 100\nlxc.limit.core = unlimited\nlxc.prlimit.NPROC = 5:10\n"
				      "lxc.idmap = u 0 100000 65536\nlxc.idmap = g 0 100000 65536\n"
				      "lxc.namespace.share.net = 42\nlxc.console.size = 3000000\n",
				      &err);

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK_INT(conf->signal_halt, SIGPWR);
	CHECK_INT(conf->signal_stop, 36);
	CHECK_INT(conf->n_prlimits, 3);
	CHECK_INT(conf->prlimits[1].soft, RLIM_INFINITY);
	CHECK_STR(conf->prlimits[2].name, "NPROC");
	CHECK_GET(conf, "lxc.prlimit", "lxc.prlimit.nofile = 100\nlxc.prlimit.core = unlimited\n"
				       "lxc.prlimit.NPROC = 5:10\n");
	CHECK_GET(conf, "lxc.prlimit.nproc", "5:10");
	CHECK_GET(conf, "lxc.idmap", "u 0 100000 65536\ng 0 100000 65536");
	CHECK_INT(conf->idmaps[1].type, 'g');
	CHECK_STR(conf->ns_share[NS_NET], "42");
	CHECK_GET(conf, "lxc.console.size", "4194304");
	conf_free(conf);
}

TEST(conf_signal_cap_ns_helpers)
{
	int sig = 0;

	CHECK(conf_signal_parse("SIGPWR", &sig) == 0 && sig == SIGPWR);
	CHECK(conf_signal_parse("PWR", &sig) == 0 && sig == SIGPWR);
	CHECK(conf_signal_parse("sigterm", &sig) == 0 && sig == SIGTERM);
	CHECK(conf_signal_parse("30", &sig) == 0 && sig == 30);
	CHECK(conf_signal_parse("SIGRTMIN+3", &sig) == 0 && sig == 37);
	CHECK(conf_signal_parse("SIGRTMAX-10", &sig) == 0 && sig == 54);
	CHECK(conf_signal_parse("SIGRTMIN", &sig) == 0 && sig == 34);
	CHECK(conf_signal_parse("SIGRTMAX+1", &sig) < 0);
	CHECK(conf_signal_parse("65", &sig) < 0);
	CHECK(conf_signal_parse("SIGBOGUS", &sig) < 0);
	CHECK(conf_signal_parse("", &sig) < 0);
	CHECK_INT(conf_cap_parse("sys_admin"), 21);
	CHECK_INT(conf_cap_parse("checkpoint_restore"), 40);
	CHECK_INT(conf_cap_parse("21"), 21);
	CHECK_INT(conf_cap_parse("SYS_ADMIN"), -1);
	CHECK_INT(conf_cap_parse("cap_sys_admin"), -1);
	CHECK_STR(conf_ns_name(NS_MNT), "mnt");
	CHECK_INT(conf_ns_parse("cgroup"), NS_CGROUP);
	CHECK_INT(conf_ns_parse("mount"), -1);
}

/* ---- network ---------------------------------------------------------------------------------- */

TEST(conf_network_1x_semantics)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("lxc.network.type = veth\n"
				      "lxc.network.link = br0\n"
				      "lxc.network.ipv4 = 10.0.3.5/24 10.0.3.255\n"
				      "lxc.network.ipv4 = 10.0.4.5\n"
				      "lxc.network.ipv6 = fd00::5/64\n"
				      "lxc.network.ipv4.gateway = auto\n"
				      "lxc.network.type = macvlan\n"
				      "lxc.network.macvlan.mode = vepa\n"
				      "lxc.network.flags = up\n",
				      &err);

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK(conf->net_legacy_seen);
	CHECK_INT(conf->n_nets, 2);
	CHECK_GET(conf, "lxc.net", "veth\nmacvlan\n");
	CHECK_GET(conf, "lxc.net.0.link", "br0");
	CHECK_GET(conf, "lxc.net.0.ipv4.address", "10.0.3.5/24\n10.0.4.5/8");
	CHECK_GET(conf, "lxc.net.0.ipv6.address", "fd00::5/64");
	CHECK_GET(conf, "lxc.net.0.ipv4.gateway", "auto");
	CHECK_GET(conf, "lxc.net.1.macvlan.mode", "vepa");
	CHECK_GET(conf, "lxc.net.1.flags", "up");
	CHECK_GET(conf, "lxc.net.0.flags", "");
	CHECK_GET(conf, "lxc.network.link", "");  /* the last NIC: 1 */
	CHECK(conf->nets[0].ipv4[0].broadcast == htonl(0x0a0003ffu));
	CHECK_STR(conf->lines[2].key, "lxc.net.0.ipv4.address");
	CHECK_STR(conf->lines[6].key, "lxc.net.1.type");
	/* an empty lxc.network clears every NIC, and numbering starts again */
	CHECK(conf_apply_item(conf, "lxc.network", "", &err) == 0);
	CHECK_INT(conf->n_nets, 0);
	CHECK(conf_apply_item(conf, "lxc.network.type", "phys", &err) == 0);
	CHECK_GET(conf, "lxc.net.0.type", "phys");
	CHECK(conf_apply_item(conf, "lxc.net", "", &err) == 0);
	CHECK_GET(conf, "lxc.net", "");
	conf_free(conf);
}

TEST(conf_network_modern_and_indexed_legacy)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("lxc.net.1.type = veth\n"
				      "lxc.net.1.veth.pair = vp1\n"
				      "lxc.network.0.type = vlan\n"
				      "lxc.network.0.vlan.id = 7\n"
				      "lxc.network.0.ipv4 = 10.1.1.1/16\n"
				      "lxc.network.type = empty\n",
				      &err);

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK_INT(conf->n_nets, 3);
	CHECK_INT(conf->nets[0].index, 0);
	CHECK_INT(conf->nets[0].type, NET_VLAN);
	CHECK_INT(conf->nets[0].vlan_id, 7);
	CHECK_GET(conf, "lxc.net.0.ipv4.address", "10.1.1.1/16");
	CHECK_INT(conf->nets[2].index, 2);
	CHECK_GET(conf, "lxc.net", "vlan\nveth\nempty\n");
	CHECK_GET(conf, "lxc.net.5.type", "ERROR: lxc.net.5.type: no network with index 5");
	CHECK_GET(conf, "lxc.net.1.vlan.id", "ERROR: lxc.net.1.vlan.id: only valid for vlan networks "
					     "(lxc.net.1.type is veth)");
	CHECK(conf_clear_item(conf, "lxc.net.1", &err) == 0);
	CHECK_GET(conf, "lxc.net", "vlan\nempty\n");
	CHECK_GET(conf, "lxc.net.1", "ERROR: lxc.net.1: can only be set or cleared");
	conf_free(conf);
}

/* ---- includes ----------------------------------------------------------------------------------- */

TEST(conf_include_files_and_sorted_directories)
{
	_cleanup_free_ char *dir = tmpdir();
	struct lxc_conf *conf = conf_new();
	struct lxc_error err = { 0 };
	char *main_path;

	free(put(dir, "d/b.conf", "lxc.uts.name = from-b\nlxc.group = b\n"));
	free(put(dir, "d/a.conf", "lxc.uts.name = from-a\nlxc.group = a\n"));
	free(put(dir, "d/c.txt", "lxc.uts.name = from-txt\n"));
	free(put(dir, "d/.hidden.conf", "lxc.uts.name = hidden\n"));
	free(put(dir, "sub/common.conf", "lxc.include = ../d\nlxc.tty.max = 4\n"));
	main_path = put(dir, "c/config", "lxc.include = ../sub/common.conf\nlxc.include = missing.d/\n"
					  "lxc.tty.dir = lxc\n");
	CHECK(conf_load_file(conf, main_path, &err) == 0);
	CHECK_GET(conf, "lxc.uts.name", "from-b");
	CHECK_GET(conf, "lxc.group", "a\nb\n");
	CHECK_GET(conf, "lxc.tty.max", "4");
	CHECK_GET(conf, "lxc.include", "../sub/common.conf\nmissing.d/\n");
	CHECK_INT(conf->include_depth, 2);
	CHECK_INT(conf->n_lines, 3);
	conf_free(conf);
	free(main_path);

	/* a missing file, or a missing directory not written as one, is an error */
	conf = conf_new();
	main_path = put(dir, "c/config2", "\nlxc.include = nothere.conf\n");
	CHECK_ERR(conf_load_file(conf, main_path, &err), &err, ":2: lxc.include: failed to include");
	CHECK(strstr(err.msg, "/c/nothere.conf\": No such file or directory") != NULL);
	conf_free(conf);
	free(main_path);

	/* errors inside an included file name that file and line, once */
	conf = conf_new();
	free(put(dir, "bad.conf", "lxc.tty.max = 1\nlxc.tty.max = x\n"));
	main_path = put(dir, "c/config3", "lxc.include = ../bad.conf\n");
	CHECK(conf_load_file(conf, main_path, &err) < 0);
	CHECK(str_ends_with(err.msg, "/bad.conf:2: lxc.tty.max: expected a non-negative number, got \"x\""));
	CHECK(strstr(err.msg, "config3") == NULL);
	conf_free(conf);
	free(main_path);

	/* includes are regular files only */
	conf = conf_new();
	main_path = put(dir, "c/config4", "lxc.include = /dev/zero\n");
	CHECK_ERR(conf_load_file(conf, main_path, &err), &err, "\"/dev/zero\" is not a regular file");
	conf_free(conf);
	free(main_path);
	CHECK(remove_tree(dir, &err) == 0);
}

TEST(conf_include_loops_and_depth)
{
	_cleanup_free_ char *dir = tmpdir();
	struct lxc_conf *conf = conf_new();
	struct lxc_error err = { 0 };
	char *a = put(dir, "a.conf", "lxc.include = b.conf\n");
	char *b = put(dir, "b.conf", "lxc.tty.max = 1\nlxc.include = a.conf\n");
	char *self = put(dir, "self.conf", "lxc.include = self.conf\n");
	char name[32], text[64];

	CHECK(conf_load_file(conf, a, &err) < 0);
	CHECK(strstr(err.msg, "b.conf:2: lxc.include: include loop: ") != NULL);
	CHECK(strstr(err.msg, "a.conf -> ") != NULL && str_ends_with(err.msg, "/b.conf -> " ) == false);
	CHECK(str_ends_with(err.msg, "a.conf"));
	conf_free(conf);
	conf = conf_new();
	CHECK_ERR(conf_load_file(conf, self, &err), &err, "self.conf:1: lxc.include: include loop:");
	conf_free(conf);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "n%d.conf", i);
		snprintf(text, sizeof(text), "lxc.include = n%d.conf\n", i + 1);
		free(put(dir, name, text));
	}
	free(put(dir, "n20.conf", "lxc.tty.max = 1\n"));
	conf = conf_new();
	snprintf(name, sizeof(name), "%s/n0.conf", dir);
	CHECK_ERR(conf_load_file(conf, name, &err), &err, "includes nested more than 16 deep");
	conf_free(conf);
	free(a);
	free(b);
	free(self);
	CHECK(remove_tree(dir, &err) == 0);
}

/* ---- kept text ---------------------------------------------------------------------------------- */

static char *fixture(const char *name)
{
	const char *top = getenv("LXC_TOP");

	return xasprintf("%s/test/unit/fixtures/%s", top ? top : ".", name);
}

TEST(conf_text_is_kept_byte_for_byte)
{
	static const char *const texts[] = {
		"", "\n", "lxc.uts.name = a", "lxc.uts.name = a\n\n\n", "# c\r\nlxc.tty.max = 1\r\n",
		"  lxc.include = /nonexistent-hconf/   \n#x\n\n\tlxc.cap.drop=mknod\n",
	};
	_cleanup_free_ char *path = fixture("busybox.config");
	_cleanup_free_ char *orig = NULL, *text = NULL;
	struct lxc_error err = { 0 };
	struct lxc_conf *conf;

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++) {
		conf = parse(texts[i], &err);
		CHECK(conf != NULL);
		if (conf) {
			char *t = conf_text(conf);

			CHECK_STR(t, texts[i]);
			free(t);
		}
		conf_free(conf);
	}
	conf = conf_new();
	CHECK(conf_load_file(conf, path, &err) == 0);
	CHECK(file_read(path, &orig, NULL, &err) == 0);
	text = conf_text(conf);
	CHECK_STR(text, orig);
	conf_free(conf);
}

/* A key given with blanks around it (-s, the API) means what the same line in a file means,
 * and a value keeps what the file would trim: found by fuzz_conf_define, "lxc.cgroup.dir\r"
 * was taken for a cgroup file "dir\r", and "\r/abla/b" was written bare; either way the file
 * then failed to load. */
TEST(conf_set_item_key_as_in_a_file)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("", &err), *again;
	char *text;
	int plain, blank;

	CHECK(conf != NULL);
	if (!conf)
		return;
	plain = conf_set_item(conf, "lxc.cgroup.dir", "/abla/b", &err);
	blank = conf_set_item(conf, "lxc.cgroup.dir\r", "/abla/b", &err);
	CHECK(plain == blank);
	CHECK(conf_set_item(conf, " lxc.uts.name\t", "c1", &err) == 0);
	CHECK_GET(conf, "lxc.uts.name", "c1");
	/* a value the parser would trim ("\r/..." would read back absolute) is written quoted */
	CHECK(conf_set_item(conf, "lxc.cgroup.dir", "\r/abla/b", &err) == 0);
	CHECK_GET(conf, "lxc.cgroup.dir", "\r/abla/b");
	text = conf_text(conf);
	again = conf_new();
	CHECK(conf_load_buffer(again, "/test/config", text, strlen(text), &err) == 0);
	conf_free(again);
	free(text);
	conf_free(conf);
}

TEST(conf_set_item_edits_text)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("# head\n"
				      "lxc.utsname = old\n"
				      "lxc.tty.max = 1\n"
				      "  lxc.uts.name   =  older\n"
				      "lxc.cap.drop = mknod\n"
				      "lxc.network.type = veth\n"
				      "lxc.network.link = br0\n"
				      "# tail",
				      &err);
	char *text;

	CHECK(conf != NULL);
	if (!conf)
		return;
	/* first line keeps its place and spelling; the later duplicate goes */
	CHECK(conf_set_item(conf, "lxc.uts.name", "new", &err) == 0);
	/* by 1.x name: the 1.x line of NIC 0 changes in place */
	CHECK(conf_set_item(conf, "lxc.net.0.link", "br1", &err) == 0);
	/* list: appended */
	CHECK(conf_set_item(conf, "lxc.cap.drop", "sys_time", &err) == 0);
	/* not there yet: appended with the modern name */
	CHECK(conf_set_item(conf, "lxc.aa_profile", "unconfined", &err) == 0);
	CHECK(conf_set_item(conf, "lxc.net.0.ipv4.address", " 10.0.0.1/24", &err) == 0);
	text = conf_text(conf);
	CHECK_STR(text, "# head\n"
			"lxc.utsname = new\n"
			"lxc.tty.max = 1\n"
			"lxc.cap.drop = mknod\n"
			"lxc.network.type = veth\n"
			"lxc.network.link = br1\n"
			"# tail\n"
			"lxc.cap.drop = sys_time\n"
			"lxc.apparmor.profile = unconfined\n"
			"lxc.net.0.ipv4.address = \" 10.0.0.1/24\"\n");
	free(text);
	CHECK_GET(conf, "lxc.uts.name", "new");
	CHECK_GET(conf, "lxc.net.0.link", "br1");
	CHECK_GET(conf, "lxc.cap.drop", "mknod\nsys_time\n");

	/* clearing removes the key's lines; a family clears every member */
	CHECK(conf_clear_item(conf, "lxc.cap.drop", &err) == 0);
	CHECK(conf_clear_item(conf, "lxc.net", &err) == 0);
	CHECK(conf_set_item(conf, "lxc.tty.max", "", &err) == 0);
	text = conf_text(conf);
	CHECK_STR(text, "# head\nlxc.utsname = new\n# tail\nlxc.apparmor.profile = unconfined\n");
	free(text);
	CHECK_GET(conf, "lxc.tty.max", "0");
	CHECK_GET(conf, "lxc.net", "");
	conf_free(conf);

	/* with includes, an emptied key gets a "key =" line so the included values stay cleared */
	conf = parse("lxc.include = /usr/share/lxc/config/common.conf\nlxc.cgroup.devices.allow = b 7:* rwm\n", &err);
	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK(conf_clear_item(conf, "lxc.cgroup", &err) == 0);
	CHECK(conf_clear_item(conf, "lxc.tty.max", &err) == 0);
	text = conf_text(conf);
	CHECK_STR(text, "lxc.include = /usr/share/lxc/config/common.conf\nlxc.cgroup =\nlxc.tty.max =\n");
	free(text);
	CHECK_INT(conf->n_cgroup, 0);
	CHECK(conf_set_item(conf, "lxc.uts.name", "a\nb", &err) < 0);
	conf_free(conf);
}

TEST(conf_write_is_atomic_and_byte_identical)
{
	_cleanup_free_ char *dir = tmpdir();
	_cleanup_free_ char *src = fixture("busybox.config");
	_cleanup_free_ char *orig = NULL, *written = NULL, *dst = xasprintf("%s/config", dir);
	struct lxc_conf *conf = conf_new();
	struct lxc_error err = { 0 };
	struct stat st;

	CHECK(file_read(src, &orig, NULL, &err) == 0);
	CHECK(file_write_atomic(dst, orig, strlen(orig), 0600, &err) == 0);
	CHECK(conf_load_file(conf, dst, &err) == 0);
	CHECK(conf_write(conf, dst, &err) == 0);
	CHECK(file_read(dst, &written, NULL, &err) == 0);
	CHECK_STR(written, orig);
	CHECK(stat(dst, &st) == 0 && (st.st_mode & 0777) == 0600);
	free(written);
	CHECK(conf_set_item(conf, "lxc.tty.max", "6", &err) == 0);
	CHECK(conf_write(conf, dst, &err) == 0);
	CHECK(file_read(dst, &written, NULL, &err) == 0);
	CHECK(strstr(written, "\nlxc.tty.max = 6\nlxc.pty.max = 1\n") != NULL);
	conf_free(conf);
	CHECK(remove_tree(dir, &err) == 0);
}

/* ---- real configs --------------------------------------------------------------------------------- */

TEST(conf_busybox_fixture_parses)
{
	_cleanup_free_ char *path = fixture("busybox.config");
	struct lxc_conf *conf = conf_new();
	struct lxc_error err = { 0 };

	CHECK(conf_load_file(conf, path, &err) == 0);
	CHECK_GET(conf, "lxc.uts.name", "c");
	CHECK_GET(conf, "lxc.net.0.type", "veth");
	CHECK_GET(conf, "lxc.cap.drop", "sys_module\nmac_admin\nmac_override\nsys_time\n");
	CHECK_GET(conf, "lxc.mount.auto", "proc:mixed sys:ro cgroup:mixed");
	CHECK_GET(conf, "lxc.signal.halt", "10");
	CHECK_GET(conf, "lxc.rootfs.path", "/var/lib/lxc/c/rootfs");
	CHECK_INT(conf->mount_entries.len, 7);
	conf_free(conf);
}

TEST(conf_debian_shipped_configs_parse)
{
	_cleanup_closedir_ DIR *d = opendir("/usr/share/lxc/config");
	struct lxc_error err = { 0 };
	struct dirent *de;
	int n = 0;

	if (!d) {
		printf("# no /usr/share/lxc/config (Debian's lxc package): nothing to check\n");
		return;
	}
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		struct lxc_conf *conf;

		if (!str_ends_with(de->d_name, ".conf"))
			continue;
		path = xasprintf("/usr/share/lxc/config/%s", de->d_name);
		conf = conf_new();
		if (conf_load_file(conf, path, &err) < 0) {
			printf("#   %s\n", err.msg);
			unit_failures++;
		}
		conf_free(conf);
		n++;
	}
	CHECK(n > 10);
	if (path_exists("/etc/lxc/default.conf")) {
		struct lxc_conf *conf = conf_new();

		CHECK(conf_load_file(conf, "/etc/lxc/default.conf", &err) == 0);
		conf_free(conf);
	}
}

TEST(conf_common_conf_parses_fast)
{
	static const char text[] = "lxc.include = /usr/share/lxc/config/debian.common.conf\n"
				   "lxc.include = /usr/share/lxc/config/userns.conf\n"
				   "lxc.net.0.type = veth\nlxc.rootfs.path = dir:/var/lib/lxc/c/rootfs\n";
	struct lxc_error err = { 0 };
	struct timespec t0, t1;
	const int rounds = 200;
	double per;

	if (!path_exists("/usr/share/lxc/config/debian.common.conf"))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < rounds; i++) {
		struct lxc_conf *conf = conf_new();

		CHECK(conf_load_buffer(conf, "/x/config", text, sizeof(text) - 1, &err) == 0);
		conf_free(conf);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	per = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / rounds / 1000.0;
	printf("# parsing a config with debian.common.conf + userns.conf: %.1f us\n", per);
#ifdef __SANITIZE_ADDRESS__
	/* ASan and UBSan make this several times slower (the static musl build: ~0.3 ms) */
	CHECK(per < 10000.0);
#else
	CHECK(per < 1000.0);
#endif
}

TEST(conf_load_container_paths)
{
	_cleanup_free_ char *dir = tmpdir();
	struct lxc_conf *conf = conf_new();
	struct lxc_error err = { 0 };

	free(put(dir, "web/config", "lxc.uts.name = web\n"));
	CHECK(conf_load_container(conf, dir, "web", NULL, &err) == 0);
	CHECK_STR(conf->name, "web");
	CHECK(str_ends_with(conf->path, "/web/config"));
	CHECK_GET(conf, "lxc.uts.name", "web");
	conf_free(conf);
	conf = conf_new();
	CHECK(conf_load_container(conf, dir, "nope", NULL, &err) < 0);
	CHECK_INT(err.code, ENOENT);
	conf_free(conf);
	conf = conf_new();
	free(put(dir, "rc", "lxc.uts.name = rc\n"));
	{
		_cleanup_free_ char *rc = xasprintf("%s/rc", dir);

		CHECK(conf_load_container(conf, dir, "web", rc, &err) == 0);
		CHECK_GET(conf, "lxc.uts.name", "rc");
	}
	conf_free(conf);
	/* no lxcpath: the system's lxc.lxcpath */
	{
		_cleanup_free_ char *sys = put(dir, "lxc.conf", "");
		_cleanup_free_ char *text = xasprintf("lxc.lxcpath = %s\n", dir);

		free(put(dir, "lxc.conf", text));
		setenv("LXC_SYSTEM_CONF", sys, 1);
		conf = conf_new();
		CHECK(conf_load_container(conf, NULL, "web", NULL, &err) == 0);
		CHECK_GET(conf, "lxc.uts.name", "web");
		conf_free(conf);
		unsetenv("LXC_SYSTEM_CONF");
	}
	CHECK(remove_tree(dir, &err) == 0);
}

/* ---- lxc-update-config ------------------------------------------------------------------------------ */

TEST(conf_update_legacy_rewrites_keys)
{
	_cleanup_free_ char *dir = tmpdir();
	struct lxc_error err = { 0 };
	char *out = NULL, *again = NULL;
	bool changed = false;
	struct lxc_conf *conf;
	char *path;

	free(put(dir, "inc.conf", "lxc.tty = 2\n"));
	path = put(dir, "config",
		   "# 1.x config\n"
		   "lxc.include = inc.conf\n"
		   "lxc.utsname = old\n"
		   "#lxc.aa_profile = unconfined\n"
		   "#lxc.network.type = veth\n"
		   "lxc.rootfs = /var/lib/lxc/old/rootfs\n"
		   "lxc.rootfs.backend = dir\n"
		   "lxc.kmsg = 0\n"
		   "lxc.pivotdir = lxc_putold\n"
		   "lxc.network.type = veth\n"
		   "  lxc.network.link = lxcbr0\n"
		   "lxc.network.ipv4 = 10.0.3.2/24\n"
		   "lxc.network.ipv4.gateway = 10.0.3.1\n"
		   "lxc.network.type = empty\n"
		   "lxc.network.flags = up\n"
		   "lxc.id_map = u 0 100000 65536\n"
		   "lxc.limit.nofile = 1024\n"
		   "lxc.loglevel = 1\n"
		   "lxc.cgroup.cpuset.cpus = 0\n"
		   "lxc.tty = 4\n");
	CHECK(conf_update_legacy(path, &out, &changed, &err) == 0);
	CHECK(changed);
	CHECK_STR(out, "# 1.x config\n"
		       "lxc.include = inc.conf\n"
		       "lxc.uts.name = old\n"
		       "#lxc.apparmor.profile = unconfined\n"
		       "#lxc.network.type = veth\n"
		       "lxc.rootfs.path = dir:/var/lib/lxc/old/rootfs\n"
		       "lxc.net.0.type = veth\n"
		       "  lxc.net.0.link = lxcbr0\n"
		       "lxc.net.0.ipv4.address = 10.0.3.2/24\n"
		       "lxc.net.0.ipv4.gateway = 10.0.3.1\n"
		       "lxc.net.1.type = empty\n"
		       "lxc.net.1.flags = up\n"
		       "lxc.idmap = u 0 100000 65536\n"
		       "lxc.prlimit.nofile = 1024\n"
		       "lxc.log.level = 1\n"
		       "lxc.cgroup.cpuset.cpus = 0\n"
		       "lxc.tty.max = 4\n");
	/* the result parses, means the same, and a second run changes nothing */
	CHECK(file_write_atomic(path, out, strlen(out), 0644, &err) == 0);
	conf = conf_new();
	CHECK(conf_load_file(conf, path, &err) == 0);
	CHECK(!conf->net_legacy_seen);
	CHECK_GET(conf, "lxc.net.1.flags", "up");
	CHECK_GET(conf, "lxc.rootfs.path", "/var/lib/lxc/old/rootfs");
	conf_free(conf);
	CHECK(conf_update_legacy(path, &again, &changed, &err) == 0);
	CHECK(!changed);
	CHECK_STR(again, out);
	free(out);
	free(again);
	free(path);
	CHECK(remove_tree(dir, &err) == 0);
}

TEST(conf_nic_type_change_drops_settings_of_other_types)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("lxc.net.0.type = veth\n"
				      "lxc.net.0.veth.pair = vp0\n"
				      "lxc.net.0.link = br0\n"
				      "lxc.net.0.veth.ipv4.route = 10.9.0.0/16\n",
				      &err);
	struct lxc_conf *again;
	char *text;

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK(conf_set_item(conf, "lxc.net.0.type", "macvlan", &err) == 0);
	text = conf_text(conf);
	CHECK_STR(text, "lxc.net.0.type = macvlan\nlxc.net.0.link = br0\n");
	CHECK(conf->nets[0].veth_pair == NULL);
	CHECK_INT(conf->nets[0].veth_ipv4_routes.len, 0);
	again = parse(text, &err);
	CHECK(again != NULL);
	conf_free(again);
	free(text);
	CHECK(conf_clear_item(conf, "lxc.net.0.type", &err) == 0);
	CHECK(conf_set_item(conf, "lxc.net.0.macvlan.mode", "vepa", &err) < 0);
	CHECK(strstr(err.msg, "lxc.net.0.type is not set") != NULL);
	CHECK_INT(conf->n_nets, 1);
	conf_free(conf);
}

TEST(conf_canonical_names)
{
	static const char *const pairs[][2] = {
		{ "lxc.utsname", "lxc.uts.name" },
		{ "lxc.network.ipv4", "lxc.net.0.ipv4.address" },
		{ "lxc.network.3.ipv6", "lxc.net.3.ipv6.address" },
		{ "lxc.network.ipv4.gateway", "lxc.net.0.ipv4.gateway" },
		{ "lxc.network", "lxc.net" },
		{ "lxc.network.2", "lxc.net.2" },
		{ "lxc.limit.nofile", "lxc.prlimit.nofile" },
		{ "lxc.limit", "lxc.prlimit" },
		{ "lxc.id_map", "lxc.idmap" },
		{ "lxc.rootfs", "lxc.rootfs.path" },
		{ "lxc.rootfs.mount", "lxc.rootfs.mount" },
		{ "lxc.mount", "lxc.mount.fstab" },
		{ "lxc.console", "lxc.console.path" },
		{ "lxc.console.logfile", "lxc.console.logfile" },
		{ "lxc.seccomp", "lxc.seccomp.profile" },
		{ "lxc.cgroup.dir.monitor", "lxc.cgroup.dir.monitor" },
		{ "lxc.cgroup.devices.allow", "lxc.cgroup.devices.allow" },
		{ "lxc.kmsg", "lxc.kmsg" },
	};
	static const char *const unknown[] = {
		"lxc.foo", "lxc.net.x.type", "lxc.net.0.bogus", "lxc.net.type", "lxc.networks", "lxc.cgroup.",
		"lxc.", "lxc", "", "lxc.hook.bogus", "lxc.namespace.share", "lxc.uts.name.x",
	};

	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		char *c = conf_canonical_key(pairs[i][0]);

		CHECK_STR(c, pairs[i][1]);
		free(c);
	}
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		char *c = conf_canonical_key(unknown[i]);

		if (c && strcmp(unknown[i], "lxc.namespace.share") != 0) {
			printf("#   \"%s\" resolved to \"%s\"\n", unknown[i], c);
			unit_failures++;
		}
		free(c);
	}
}

TEST(conf_mount_auto_tokens)
{
	static const char *const cases[][2] = {
		{ "proc sys cgroup", "proc:mixed sys:mixed cgroup" },
		{ "cgroup:ro cgroup-full:rw", "cgroup-full:rw" },
		{ "cgroup-full:mixed:force", "cgroup-full:mixed:force" },
		{ "cgroup:force", "cgroup:force" },
		{ "sys:rw proc:rw shmounts:/a", "proc:rw sys:rw shmounts:/a" },
	};
	struct lxc_error err = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct lxc_conf *conf = conf_new();

		CHECK(conf_apply_item(conf, "lxc.mount.auto", cases[i][0], &err) == 0);
		CHECK_GET(conf, "lxc.mount.auto", cases[i][1]);
		conf_free(conf);
	}
	{
		struct lxc_conf *conf = conf_new();

		CHECK_ERR(conf_apply_item(conf, "lxc.mount.auto", "shmounts:", &err), &err, "expected shmounts:HOST");
		CHECK_ERR(conf_apply_item(conf, "lxc.mount.auto", "cgroup:ro:force:x", &err), &err,
			  "lxc.mount.auto: unknown file system to mount automatically \"cgroup:ro:force:x\"");
		CHECK_INT(conf->mount_auto, 0);
		conf_free(conf);
	}
}

TEST(conf_set_item_legacy_new_nic_appends_modern_line)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = parse("lxc.network.type = veth\n", &err);
	char *text;

	CHECK(conf != NULL);
	if (!conf)
		return;
	CHECK(conf_set_item(conf, "lxc.network.type", "empty", &err) == 0);
	CHECK(conf_set_item(conf, "lxc.network.flags", "up", &err) == 0);
	text = conf_text(conf);
	CHECK_STR(text, "lxc.network.type = veth\nlxc.net.1.type = empty\nlxc.net.1.flags = up\n");
	free(text);
	CHECK(conf_set_item(conf, "lxc.net", "x", &err) < 0);
	CHECK(strstr(err.msg, "lxc.net: only an empty value") != NULL);
	conf_free(conf);
}
