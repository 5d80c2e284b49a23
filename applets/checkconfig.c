/* lxc-checkconfig: which container features the kernel has, in LXC's sections and words,
 * from its build configuration (CONFIG=FILE, /proc/config.gz, /boot) or by probing it. */
//applet: checkconfig
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applet.h"
#include "kconfig.h"

struct check {
	const struct kconfig *k;
	bool color;
	bool modules;      /* /proc/modules exists: say whether a module is loaded */
	int required_missing;
};

enum color { GREEN, RED, YELLOW };

static void colored(const struct check *c, enum color col, const char *word)
{
	static const char *const codes[] = { "\033[1;32m", "\033[1;31m", "\033[1;33m" };

	if (c->color)
		printf("%s%s\033[0;39m", codes[col], word);
	else
		fputs(word, stdout);
}

static bool module_loaded(const char *module)
{
	_cleanup_free_ char *text = NULL;
	size_t n = strlen(module);

	if (file_read("/proc/modules", &text, NULL, NULL) < 0)
		return false;
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, module, n) && l[n] == ' ')
			return true;
	return false;
}

static bool newer_than(const struct kconfig *k, int major, int minor)
{
	/* an unknown version counts as the latest, as in LXC */
	return k->major == 0 || k->major > major || (k->major == major && k->minor >= minor);
}

/* "Label: enabled|missing|required[, loaded|, not loaded]" */
static bool show_state(struct check *c, const char *label, enum kconfig_state st, bool mandatory, const char *module)
{
	printf("%s: ", label);
	if (st == KCONFIG_YES || st == KCONFIG_MODULE) {
		colored(c, GREEN, "enabled");
		if (module && st == KCONFIG_MODULE && c->modules)
			printf(module_loaded(module) ? ", loaded" : ", not loaded");
	} else if (st == KCONFIG_UNKNOWN) {
		colored(c, YELLOW, "unknown");
	} else if (mandatory) {
		colored(c, RED, "required");
		c->required_missing++;
	} else {
		colored(c, YELLOW, "missing");
	}
	printf("\n");
	return st == KCONFIG_YES || st == KCONFIG_MODULE;
}

static bool show(struct check *c, const char *label, const char *option, bool mandatory, const char *module)
{
	return show_state(c, label, kconfig_state(c->k, option), mandatory, module);
}

static void check_userns_tools(void)
{
	static const char *const tools[] = { "newuidmap", "newgidmap" };
	const char *path = getenv("PATH");

	for (size_t i = 0; i < ARRAY_SIZE(tools); i++) {
		struct strlist dirs = { 0 };
		bool found = false;

		strlist_split(&dirs, path ? path : "/usr/bin:/bin", ":");
		for (size_t d = 0; d < dirs.len && !found; d++) {
			_cleanup_free_ char *p = xasprintf("%s/%s", dirs.items[d], tools[i]);
			struct stat st;

			if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
				found = true;
				if (!(st.st_mode & S_ISUID))
					printf("Warning: %s is not setuid-root\n", tools[i]);
			}
		}
		if (!found)
			printf("%s is not installed\n", tools[i]);
		strlist_clear(&dirs);
	}
}

static void cgroup_mounts(struct strlist *v1, struct strlist *v2)
{
	_cleanup_free_ char *text = NULL;
	struct strlist lines = { 0 };

	if (file_read("/proc/self/mounts", &text, NULL, NULL) < 0)
		return;
	strlist_split(&lines, text, "\n");
	for (size_t i = 0; i < lines.len; i++) {
		struct strlist f = { 0 };

		strlist_split(&f, lines.items[i], " ");
		if (f.len >= 3 && !strcmp(f.items[2], "cgroup"))
			strlist_push(v1, f.items[1]);
		else if (f.len >= 3 && !strcmp(f.items[2], "cgroup2"))
			strlist_push(v2, f.items[1]);
		strlist_clear(&f);
	}
	strlist_clear(&lines);
}

static void control_groups(struct check *c)
{
	struct strlist v1 = { 0 }, v2 = { 0 };
	bool cgroups;
	enum kconfig_state ns;

	printf("--- Control groups ---\n");
	cgroups = show(c, "Cgroups", "CONFIG_CGROUPS", false, NULL);
	/* no option of its own: every kernel since 4.6 with cgroups has the namespace */
	if (c->k->text)
		ns = cgroups && newer_than(c->k, 4, 6) ? KCONFIG_YES : KCONFIG_NO;
	else
		ns = access("/proc/self/ns/cgroup", F_OK) == 0 ? KCONFIG_YES : KCONFIG_NO;
	show_state(c, "Cgroup namespace", ns, false, NULL);

	cgroup_mounts(&v1, &v2);
	printf("Cgroup v1 mount points: \n");
	for (size_t i = 0; i < v1.len; i++)
		printf(" - %s\n", v1.items[i]);
	printf("Cgroup v2 mount points: \n");
	for (size_t i = 0; i < v2.len; i++)
		printf(" - %s\n", v2.items[i]);
	/* a host that is not pure cgroup v2 needs these v1 hierarchies */
	if (!(v2.len == 1 && !strcmp(v2.items[0], "/sys/fs/cgroup"))) {
		bool systemd = false, freezer = false;

		for (size_t i = 0; i < v1.len; i++) {
			systemd |= strstr(v1.items[i], "/systemd") != NULL;
			freezer |= strstr(v1.items[i], "/freezer") != NULL;
		}
		if (!systemd) {
			printf("Cgroup v1 systemd controller: ");
			colored(c, RED, "missing");
			printf("\n");
		}
		if (!freezer) {
			printf("Cgroup v1 freezer controller: ");
			colored(c, RED, "missing");
			printf("\n");
		}
		if (v1.len) {
			_cleanup_free_ char *flag = xasprintf("%s/cgroup.clone_children", v1.items[0]);

			if (access(flag, F_OK) == 0) {
				printf("Cgroup v1 clone_children flag: ");
				colored(c, GREEN, "enabled");
				printf("\n");
			}
		}
	}
	strlist_clear(&v1);
	strlist_clear(&v2);

	show(c, "Cgroup device", "CONFIG_CGROUP_DEVICE", false, NULL);
	show(c, "Cgroup sched", "CONFIG_CGROUP_SCHED", false, NULL);
	show(c, "Cgroup cpu account", "CONFIG_CGROUP_CPUACCT", false, NULL);
	show(c, "Cgroup memory controller", newer_than(c->k, 3, 6) ? "CONFIG_MEMCG" : "CONFIG_CGROUP_MEM_RES_CTLR",
	     false, NULL);
	if (kconfig_state(c->k, "CONFIG_SMP") != KCONFIG_NO)
		show(c, "Cgroup cpuset", "CONFIG_CPUSETS", false, NULL);
	printf("\n");
}

/* Where this tool was run from, for the usage line: the lxc-checkconfig link on PATH
 * or next to the binary, else "BINARY checkconfig". */
static char *own_path(const char *progname)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct strlist dirs = { 0 };
	struct stat self, st;
	char *found = NULL, *slash;
	const char *path = getenv("PATH");

	if (n < 0 || stat("/proc/self/exe", &self) < 0)
		return xstrdup("/usr/bin/lxc-checkconfig");
	exe[n] = '\0';
	strlist_split(&dirs, path ? path : "", ":");
	for (size_t i = 0; i < dirs.len && !found; i++) {
		char *p = xasprintf("%s/%s", dirs.items[i], progname);

		if (stat(p, &st) == 0 && st.st_dev == self.st_dev && st.st_ino == self.st_ino)
			found = p;
		else
			free(p);
	}
	strlist_clear(&dirs);
	if (found)
		return found;
	slash = strrchr(exe, '/');
	if (slash) {
		char *p = xasprintf("%.*s/%s", (int)(slash - exe), exe, progname);

		if (stat(p, &st) == 0 && st.st_dev == self.st_dev && st.st_ino == self.st_ino)
			return p;
		free(p);
	}
	return xasprintf("%s checkconfig", exe);
}

static int checkconfig_main(struct lxc_args *args)
{
	struct strlist notes = { 0 };
	struct kconfig k;
	struct check c = { .k = &k, .color = isatty(STDOUT_FILENO), .modules = access("/proc/modules", F_OK) == 0 };
	_cleanup_free_ char *self = NULL;

	kconfig_load(&k, getenv("CONFIG"), &notes);
	printf("LXC version %s\n", LXC_VERSION);
	for (size_t i = 0; i < notes.len; i++)
		printf("%s\n", notes.items[i]);
	strlist_clear(&notes);
	if (k.text && k.major == 0)
		printf("WARNING: Unable to detect version from configuration, assuming latest\n\n");
	printf("\n--- Namespaces ---\n");
	show(&c, "Namespaces", "CONFIG_NAMESPACES", true, NULL);
	show(&c, "Utsname namespace", "CONFIG_UTS_NS", false, NULL);
	show(&c, "Ipc namespace", "CONFIG_IPC_NS", true, NULL);
	show(&c, "Pid namespace", "CONFIG_PID_NS", true, NULL);
	if (show(&c, "User namespace", "CONFIG_USER_NS", false, NULL))
		check_userns_tools();
	show(&c, "Network namespace", "CONFIG_NET_NS", false, NULL);
	if (!newer_than(&k, 4, 7))
		show(&c, "Multiple /dev/pts instances", "DEVPTS_MULTIPLE_INSTANCES", false, NULL);
	printf("\n");

	control_groups(&c);

	printf("--- Misc ---\n");
	show(&c, "Veth pair device", "CONFIG_VETH", false, "veth");
	show(&c, "Macvlan", "CONFIG_MACVLAN", false, "macvlan");
	show(&c, "Vlan", "CONFIG_VLAN_8021Q", false, "8021q");
	show(&c, "Bridges", "CONFIG_BRIDGE", false, "bridge");
	show(&c, "Advanced netfilter", "CONFIG_NETFILTER_ADVANCED", false, "nf_tables");
	if (k.major == 4 || (k.major == 3 && k.minor > 6)) {
		show(&c, "CONFIG_NF_NAT_IPV4", "CONFIG_NF_NAT_IPV4", false, "nf_nat_ipv4");
		show(&c, "CONFIG_NF_NAT_IPV6", "CONFIG_NF_NAT_IPV6", false, "nf_nat_ipv6");
	}
	show(&c, "CONFIG_IP_NF_TARGET_MASQUERADE", "CONFIG_IP_NF_TARGET_MASQUERADE", false, "nf_nat_masquerade_ipv4");
	show(&c, "CONFIG_IP6_NF_TARGET_MASQUERADE", "CONFIG_IP6_NF_TARGET_MASQUERADE", false,
	     "nf_nat_masquerade_ipv6");
	show(&c, "CONFIG_NETFILTER_XT_TARGET_CHECKSUM", "CONFIG_NETFILTER_XT_TARGET_CHECKSUM", false, "xt_CHECKSUM");
	show(&c, "CONFIG_NETFILTER_XT_MATCH_COMMENT", "CONFIG_NETFILTER_XT_MATCH_COMMENT", false, "xt_comment");
	show(&c, "FUSE (for use with lxcfs)", "CONFIG_FUSE_FS", false, "fuse");
	printf("\n");

	printf("--- Checkpoint/Restore ---\n");
	show(&c, "checkpoint restore", "CONFIG_CHECKPOINT_RESTORE", false, NULL);
	show(&c, "CONFIG_FHANDLE", "CONFIG_FHANDLE", false, NULL);
	show(&c, "CONFIG_EVENTFD", "CONFIG_EVENTFD", false, NULL);
	show(&c, "CONFIG_EPOLL", "CONFIG_EPOLL", false, NULL);
	show(&c, "CONFIG_UNIX_DIAG", "CONFIG_UNIX_DIAG", false, NULL);
	show(&c, "CONFIG_INET_DIAG", "CONFIG_INET_DIAG", false, NULL);
	show(&c, "CONFIG_PACKET_DIAG", "CONFIG_PACKET_DIAG", false, NULL);
	show(&c, "CONFIG_NETLINK_DIAG", "CONFIG_NETLINK_DIAG", false, NULL);
	/* built into every kernel since 2.6.33 */
	if (k.major == 2 && k.minor == 6)
		show(&c, "File capabilities", "CONFIG_SECURITY_FILE_CAPABILITIES", false, NULL);
	else
		show_state(&c, "File capabilities", KCONFIG_YES, false, NULL);

	self = own_path(args->progname);
	printf("\nNote : Before booting a new kernel, you can check its configuration\n"
	       "usage : CONFIG=/path/to/config %s\n\n", self);
	kconfig_free(&k);
	return c.required_missing ? 1 : 0;
}

const struct applet applet_checkconfig = {
	.name = "checkconfig",
	.help = "\n\n"
		"lxc-checkconfig reports which container features the kernel provides: namespaces,\n"
		"control groups, network devices, netfilter and what checkpoint/restore needs. It reads\n"
		"the kernel configuration named by the CONFIG environment variable (plain or gzip),\n"
		"else /proc/config.gz, /boot/config-$(uname -r) or /lib/modules/$(uname -r)/build/.config;\n"
		"without one it probes the running kernel. Exit status 1 when a required feature\n"
		"is missing.\n",
	.main = checkconfig_main,
};
