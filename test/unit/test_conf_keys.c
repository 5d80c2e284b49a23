/* Every key of the table, one line each: set/get/clear round trip (values and kept text),
 * its 1.x name mapping to the modern one, and a bad value refused with an error naming it. */
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"
#include "lxc.h"
#include "unit.h"

struct key_case {
	const char *key;     /* modern name */
	const char *legacy;  /* 1.x/2.x name, or NULL */
	const char *setup;   /* config text loaded first (e.g. the NIC's type), or NULL */
	const char *value;   /* a good value */
	const char *got;     /* conf_get_item after setting it */
	const char *unset;   /* conf_get_item after clearing */
	const char *bad;     /* a refused value */
	const char *why;     /* part of the error message for it */
};

#define NL "a value cannot contain a newline"
#define NUM "expected a non-negative number"
#define BIN "expected 0 or 1"
#define VETH "lxc.net.0.type = veth\n"

static const struct key_case cases[] = {
	{ "lxc.include", NULL, NULL, "/nonexistent-hconf/", "/nonexistent-hconf/\n", "", "/nonexistent/hconf.conf", "failed to include" },
	{ "lxc.arch", NULL, NULL, "amd64", "x86_64", "", "vax", "unknown architecture \"vax\"" },
	{ "lxc.uts.name", "lxc.utsname", NULL, "web", "web", "",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "longer than 64" },
	{ "lxc.signal.halt", "lxc.haltsignal", NULL, "SIGRTMIN+3", "37", "0", "SIGFOO", "unknown signal \"SIGFOO\"" },
	{ "lxc.signal.reboot", "lxc.rebootsignal", NULL, "SIGTERM", "15", "0", "65", "unknown signal" },
	{ "lxc.signal.stop", "lxc.stopsignal", NULL, "SIGRTMAX-1", "63", "0", "SIGRTMIN+31", "unknown signal" },
	{ "lxc.monitor.signal.pdeath", NULL, NULL, "SIGTERM", "15", "9", "TERMX", "unknown signal" },
	{ "lxc.monitor.unshare", NULL, NULL, "1", "1", "0", "2", BIN },
	{ "lxc.environment", NULL, NULL, "A=b c", "A=b c\n", "", "=x", "expected NAME=VALUE" },
	{ "lxc.ephemeral", NULL, NULL, "1", "1", "0", "yes", BIN },
	{ "lxc.no_new_privs", NULL, NULL, "1", "1", "0", "true", BIN },
	{ "lxc.keyring.session", NULL, NULL, "1", "1", "0", "-1", BIN },
	{ "lxc.sched.core", NULL, NULL, "1", "1", "0", "on", BIN },
	{ "lxc.time.offset.boot", NULL, NULL, "10s", "10s", "", "10", "expected a time offset" },
	{ "lxc.time.offset.monotonic", NULL, NULL, "-5ms", "-5ms", "", "5 s", "expected a time offset" },
	{ "lxc.kmsg", NULL, NULL, "1", "1", "0", "2", BIN },
	{ "lxc.pivotdir", NULL, NULL, "lxc_putold", "lxc_putold", "", "a\nb", NL },
	{ "lxc.init.cmd", "lxc.init_cmd", NULL, "/sbin/init --x", "/sbin/init --x", "", "a\nb", NL },
	{ "lxc.execute.cmd", NULL, NULL, "/bin/sh", "/bin/sh", "", "a\nb", NL },
	{ "lxc.init.cwd", NULL, NULL, "/root", "/root", "", "a\nb", NL },
	{ "lxc.init.uid", "lxc.init_uid", NULL, "1000", "1000", "0", "-1", "expected a numeric id" },
	{ "lxc.init.gid", "lxc.init_gid", NULL, "100", "100", "0", "wheel", "expected a numeric id" },
	{ "lxc.init.groups", NULL, NULL, "10,20", "10,20", "", "10 20", "comma-separated" },
	{ "lxc.start.auto", NULL, NULL, "1", "1", "0", "2", BIN },
	{ "lxc.start.delay", NULL, NULL, "5", "5", "0", "-1", NUM },
	{ "lxc.start.order", NULL, NULL, "-3", "-3", "0", "first", "expected a number" },
	{ "lxc.group", NULL, NULL, "onboot web", "onboot\nweb\n", "", "a\nb", NL },
	{ "lxc.log.file", "lxc.logfile", NULL, "/var/log/c.log", "/var/log/c.log", "", "a\nb", NL },
	{ "lxc.log.level", "lxc.loglevel", NULL, "debug", "DEBUG", "NOTSET", "9", "unknown log level \"9\"" },
	{ "lxc.log.syslog", "lxc.syslog", NULL, "local3", "local3", "", "kern", "unknown syslog facility" },
	{ "lxc.rootfs.path", "lxc.rootfs", NULL, "dir:/srv/r", "/srv/r", "", "a\nb", NL },
	{ "lxc.rootfs.mount", NULL, NULL, "/mnt/r", "/mnt/r", "", "a\nb", NL },
	{ "lxc.rootfs.options", NULL, NULL, "idmap=container", "idmap=container", "", "a\nb", NL },
	{ "lxc.rootfs.managed", NULL, NULL, "0", "0", "1", "no", BIN },
	{ "lxc.rootfs.backend", NULL, NULL, "btrfs", "btrfs", "", "ext4", "unknown storage backend \"ext4\"" },
	{ "lxc.mount.fstab", "lxc.mount", NULL, "/etc/fstab.c", "/etc/fstab.c", "", "a\nb", NL },
	{ "lxc.mount.entry", NULL, NULL, "proc proc proc defaults 0 0", "proc proc proc defaults 0 0\n", "", "a\nb", NL },
	{ "lxc.mount.auto", NULL, NULL, "proc sys:ro cgroup:mixed:force shmounts:/h:/c",
	  "proc:mixed sys:ro cgroup:mixed:force shmounts:/h:/c", "", "proc:foo", "unknown file system" },
	{ "lxc.autodev", NULL, NULL, "0", "0", "1", "2", BIN },
	{ "lxc.autodev.tmpfs.size", NULL, NULL, "1000", "1000", "0", "1k", NUM },
	{ "lxc.tty.max", "lxc.tty", NULL, "4", "4", "0", "-1", NUM },
	{ "lxc.tty.dir", "lxc.devttydir", NULL, "lxc", "lxc", "", "a\nb", NL },
	{ "lxc.pty.max", "lxc.pts", NULL, "1024", "1024", "0", "many", NUM },
	{ "lxc.console.path", "lxc.console", NULL, "none", "none", "", "a\nb", NL },
	{ "lxc.console.logfile", NULL, NULL, "/tmp/c.log", "/tmp/c.log", "", "a\nb", NL },
	{ "lxc.console.size", NULL, NULL, "1MB", "1048576", "0", "1XB", "expected a size" },
	{ "lxc.console.rotate", NULL, NULL, "1", "1", "0", "2", BIN },
	{ "lxc.console.buffer.size", NULL, NULL, "auto", "131072", "0", "-4", "expected a size" },
	{ "lxc.console.buffer.logfile", NULL, NULL, "/tmp/b.log", "/tmp/b.log", "", "a\nb", NL },
	{ "lxc.cap.drop", NULL, NULL, "sys_admin net_raw", "sys_admin\nnet_raw\n", "", "SYS_ADMIN",
	  "unknown capability \"SYS_ADMIN\"" },
	{ "lxc.cap.keep", NULL, NULL, "sys_admin", "sys_admin\n", "", "cap_sys_admin", "unknown capability" },
	{ "lxc.apparmor.profile", "lxc.aa_profile", NULL, "unconfined", "unconfined", "", "a\nb", NL },
	{ "lxc.apparmor.allow_incomplete", "lxc.aa_allow_incomplete", NULL, "1", "1", "0", "x", BIN },
	{ "lxc.apparmor.allow_nesting", NULL, NULL, "1", "1", "0", "x", BIN },
	{ "lxc.apparmor.raw", NULL, NULL, "deny /x rw,", "deny /x rw,\n", "", "a\nb", NL },
	{ "lxc.selinux.context", "lxc.se_context", NULL, "u:r:lxc_t:s0", "u:r:lxc_t:s0", "", "a\nb", NL },
	{ "lxc.selinux.context.keyring", NULL, NULL, "u:r:k:s0", "u:r:k:s0", "", "a\nb", NL },
	{ "lxc.seccomp.profile", "lxc.seccomp", NULL, "/x.seccomp", "/x.seccomp", "", "a\nb", NL },
	{ "lxc.seccomp.allow_nesting", NULL, NULL, "1", "1", "0", "x", BIN },
	{ "lxc.seccomp.notify.proxy", NULL, NULL, "unix:/run/p", "/run/p", "", "/run/p", "expected unix:" },
	{ "lxc.seccomp.notify.cookie", NULL, NULL, "ck", "ck", "", "a\nb", NL },
	{ "lxc.idmap", "lxc.id_map", NULL, "u 0 100000 65536", "u 0 100000 65536", "", "x 0 1 2",
	  "expected \"u|g NSID HOSTID RANGE\"" },
	{ "lxc.hook", NULL, "lxc.hook.mount = /m\n", "", NULL, NULL, "/x", "only an empty value" },
	{ "lxc.hook.version", NULL, NULL, "1", "1", "0", "2", "only 0 (arguments) and 1" },
	{ "lxc.hook.pre-start", NULL, NULL, "/h a", "/h a\n", "", "a\nb", NL },
	{ "lxc.hook.pre-mount", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.hook.mount", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.hook.autodev", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.hook.start", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.hook.stop", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.hook.post-stop", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.hook.clone", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.hook.destroy", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.hook.start-host", NULL, NULL, "/h", "/h\n", "", "a\nb", NL },
	{ "lxc.cgroup.dir", NULL, NULL, "a/b", "a/b", "", "/abs", "may not be absolute" },
	{ "lxc.cgroup.dir.container", NULL, NULL, "c", "c", "", "../c", "may not walk upwards" },
	{ "lxc.cgroup.dir.container.inner", NULL, NULL, "i", "i", "", "i/../..", "may not walk upwards" },
	{ "lxc.cgroup.dir.monitor", NULL, NULL, "m", "m", "", "/m", "may not be absolute" },
	{ "lxc.cgroup.dir.monitor.pivot", NULL, NULL, "p", "p", "", "..", "may not walk upwards" },
	{ "lxc.cgroup.relative", NULL, NULL, "1", "1", "0", "x", BIN },
	{ "lxc.cgroup.memory.limit_in_bytes", NULL, NULL, "1G", "1G\n", "", "a\nb", NL },
	{ "lxc.cgroup2.memory.high", NULL, NULL, "1G", "1G\n", "", "a\nb", NL },
	{ "lxc.prlimit.nofile", "lxc.limit.nofile", NULL, "1024:unlimited", "1024:unlimited", "", "lots",
	  "expected N, unlimited or SOFT:HARD" },
	{ "lxc.sysctl.net.ipv4.ip_forward", NULL, NULL, "1", "1", "", "a\nb", NL },
	{ "lxc.proc.oom_score_adj", NULL, NULL, "10", "10", "", "a\nb", NL },
	{ "lxc.namespace.clone", NULL, NULL, "mnt net", "mnt\nnet\n", "", "mount", "unknown namespace \"mount\"" },
	{ "lxc.namespace.keep", NULL, NULL, "user ipc", "ipc\nuser\n", "", "network", "unknown namespace" },
	{ "lxc.namespace.share.net", NULL, NULL, "c2", "c2", "", "a\nb", NL },
	/* per NIC */
	{ "lxc.net", "lxc.network", VETH, "", NULL, "", "veth", "only an empty value" },
	{ "lxc.net.0.type", "lxc.network.0.type", NULL, "macvlan", "macvlan", NULL, "vethh",
	  "unknown network type \"vethh\"" },
	{ "lxc.net.0.flags", "lxc.network.0.flags", VETH, "up", "up", "", "down", "unknown flag" },
	{ "lxc.net.0.link", "lxc.network.0.link", VETH, "br0", "br0", "", "a\nb", NL },
	{ "lxc.net.0.name", "lxc.network.0.name", VETH, "eth0", "eth0", "", "a\nb", NL },
	{ "lxc.net.0.hwaddr", "lxc.network.0.hwaddr", VETH, "00:16:3e:xX:xx:0a", "00:16:3e:xX:xx:0a", "",
	  "00:16:3e:aa:bb", "invalid MAC address" },
	{ "lxc.net.0.mtu", "lxc.network.0.mtu", VETH, "1500", "1500", "", "abc", "expected a positive number" },
	{ "lxc.net.0.l2proxy", NULL, VETH, "1", "1", "0", "2", BIN },
	{ "lxc.net.0.script.up", "lxc.network.0.script.up", VETH, "/up", "/up", "", "a\nb", NL },
	{ "lxc.net.0.script.down", "lxc.network.0.script.down", VETH, "/down", "/down", "", "a\nb", NL },
	{ "lxc.net.0.ipv4.address", "lxc.network.0.ipv4", VETH, "10.0.0.1/24 10.0.0.255", "10.0.0.1/24", "",
	  "10.0.0.300/24", "invalid IPv4 address" },
	{ "lxc.net.0.ipv4.gateway", "lxc.network.0.ipv4.gateway", VETH, "10.0.0.254", "10.0.0.254", "",
	  "10.0.0.1/24", "invalid IPv4 gateway" },
	{ "lxc.net.0.ipv6.address", "lxc.network.0.ipv6", VETH, "fd00::2", "fd00::2/64", "", "fd00::1/129",
	  "invalid IPv6 address" },
	{ "lxc.net.0.ipv6.gateway", "lxc.network.0.ipv6.gateway", VETH, "auto", "auto", "", "fd00::/64",
	  "invalid IPv6 gateway" },
	{ "lxc.net.0.veth.pair", "lxc.network.0.veth.pair", VETH, "vp0", "vp0", "", "a\nb", NL },
	{ "lxc.net.0.veth.mode", NULL, VETH, "router", "router", "bridge", "nat", "unknown veth mode" },
	{ "lxc.net.0.veth.vlan.id", NULL, VETH, "none", "-1", "0", "4095", "invalid VLAN id" },
	{ "lxc.net.0.veth.vlan.tagged.id", NULL, VETH, "10", "10", "", "0", "invalid VLAN id" },
	{ "lxc.net.0.veth.ipv4.route", NULL, VETH, "10.1.0.0/16", "10.1.0.0/16", "", "10.1.0.0", "invalid IPv4 route" },
	{ "lxc.net.0.veth.ipv6.route", NULL, VETH, "fd01::/64", "fd01::/64", "", "fd01::", "invalid IPv6 route" },
	{ "lxc.net.0.veth.n_rxqueues", NULL, VETH, "2", "2", "", "0", "expected a positive number" },
	{ "lxc.net.0.veth.n_txqueues", NULL, VETH, "3", "3", "", "x", "expected a positive number" },
	{ "lxc.net.0.macvlan.mode", "lxc.network.0.macvlan.mode", "lxc.net.0.type = macvlan\n", "bridge", "bridge",
	  "private", "l2", "unknown mode \"l2\"" },
	{ "lxc.net.0.ipvlan.mode", NULL, "lxc.net.0.type = ipvlan\n", "l3s", "l3s", "l3", "l4", "unknown mode" },
	{ "lxc.net.0.ipvlan.isolation", NULL, "lxc.net.0.type = ipvlan\n", "private", "private", "bridge", "none",
	  "unknown mode" },
	{ "lxc.net.0.vlan.id", "lxc.network.0.vlan.id", "lxc.net.0.type = vlan\n", "100", "100", "0", "5000",
	  "invalid VLAN id" },
};

static struct lxc_conf *with_setup(const char *setup)
{
	struct lxc_conf *conf = conf_new();
	struct lxc_error err = { 0 };

	if (setup && conf_load_buffer(conf, NULL, setup, strlen(setup), &err) < 0)
		printf("#   setup \"%s\" failed: %s\n", setup, err.msg);
	return conf;
}

static void check_get(struct lxc_conf *conf, const char *key, const char *want)
{
	struct lxc_error err = { 0 };
	char *got = NULL;

	if (conf_get_item(conf, key, &got, &err) < 0) {
		printf("#   get %s failed: %s\n", key, err.msg);
		unit_failures++;
		return;
	}
	if (strcmp(got, want) != 0) {
		printf("#   get %s == \"%s\", expected \"%s\"\n", key, got, want);
		unit_failures++;
	}
	free(got);
}

/* The kept text holds a line starting with key (after leading blanks) */
static bool text_has_key(struct lxc_conf *conf, const char *key)
{
	for (size_t i = 0; i < conf->n_lines; i++)
		if (conf->lines[i].key && strcmp(conf->lines[i].key, key) == 0)
			return true;
	return false;
}

TEST(conf_keys_round_trip)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct key_case *c = &cases[i];
		struct lxc_conf *conf = with_setup(c->setup);
		struct lxc_error err = { 0 };
		int before = unit_failures;

		if (conf_set_item(conf, c->key, c->value, &err) < 0) {
			printf("#   set %s = \"%s\" failed: %s\n", c->key, c->value, err.msg);
			unit_failures++;
		}
		if (c->got)
			check_get(conf, c->key, c->got);
		if (*c->value && !text_has_key(conf, c->key)) {
			printf("#   no \"%s\" line in the text after set\n", c->key);
			unit_failures++;
		}
		CHECK(conf_clear_item(conf, c->key, &err) == 0);
		if (c->unset)
			check_get(conf, c->key, c->unset);
		if (text_has_key(conf, c->key)) {
			printf("#   \"%s\" line left in the text after clear\n", c->key);
			unit_failures++;
		}
		if (unit_failures != before)
			printf("#   ^ case %s\n", c->key);
		conf_free(conf);
	}
}

TEST(conf_keys_legacy_names)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct key_case *c = &cases[i];
		struct lxc_conf *conf;
		struct lxc_error err = { 0 };
		char *canon;

		if (!c->legacy)
			continue;
		canon = conf_canonical_key(c->legacy);
		CHECK_STR(canon, c->key);
		free(canon);
		conf = with_setup(c->setup);
		if (conf_set_item(conf, c->legacy, c->value, &err) < 0) {
			printf("#   set %s failed: %s\n", c->legacy, err.msg);
			unit_failures++;
		} else if (c->got) {
			check_get(conf, c->key, c->got);
			check_get(conf, c->legacy, c->got);
		}
		conf_free(conf);
	}
}

TEST(conf_keys_bad_values)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct key_case *c = &cases[i];
		struct lxc_conf *conf = with_setup(c->setup);
		struct lxc_error err = { 0 };
		_cleanup_free_ char *text = conf_text(conf);
		_cleanup_free_ char *after = NULL;
		char want[256];

		snprintf(want, sizeof(want), "%s: ", c->key);
		CHECK_ERR(conf_set_item(conf, c->key, c->bad, &err), &err, want);
		if (!strstr(err.msg, c->why)) {
			printf("#   %s = \"%s\": error \"%s\" lacks \"%s\"\n", c->key, c->bad, err.msg, c->why);
			unit_failures++;
		}
		/* a refused value leaves the text alone */
		after = conf_text(conf);
		CHECK_STR(after, text);
		conf_free(conf);
	}
}

/* The table of cases covers the key table: a key added without a test line fails here. */
TEST(conf_keys_all_covered)
{
	for (size_t i = 0; i < conf_n_keys; i++) {
		const struct conf_key *k = &conf_keys[i];
		bool found = false;

		for (size_t j = 0; j < ARRAY_SIZE(cases) && !found; j++) {
			size_t n = strlen(k->name);

			found = strcmp(cases[j].key, k->name) == 0 ||
				((k->flags & CK_FAMILY) && !strncmp(cases[j].key, k->name, n) && cases[j].key[n] == '.');
			if (found && (k->flags & CK_FAMILY)) {
				struct conf_ref ref;

				/* lxc.cgroup.dir must not count for the lxc.cgroup family */
				found = conf_resolve(NULL, cases[j].key, &ref, NULL) == 0 && ref.key == k;
			}
		}
		if (!found) {
			printf("#   key %s has no test case\n", k->name);
			unit_failures++;
		}
	}
	for (size_t i = 0; i < conf_n_net_keys; i++) {
		char key[64];
		bool found = false;

		snprintf(key, sizeof(key), "lxc.net.0.%s", conf_net_keys[i].name);
		for (size_t j = 0; j < ARRAY_SIZE(cases) && !found; j++)
			found = strcmp(cases[j].key, key) == 0;
		if (!found) {
			printf("#   key %s has no test case\n", key);
			unit_failures++;
		}
	}
	for (const char *const *n = conf_key_names(); *n; n++) {
		_cleanup_free_ char *probe = str_ends_with(*n, ".") ?
			xasprintf("%s%s", *n, str_starts_with(*n, "lxc.net.") ? "0.type" :
					      str_starts_with(*n, "lxc.namespace.share.") ? "net" :
					      str_starts_with(*n, "lxc.prlimit.") ? "nofile" : "x.y") :
			xstrdup(*n);
		char *canon = conf_canonical_key(probe);

		CHECK_STR(canon, probe);
		free(canon);
	}
}
