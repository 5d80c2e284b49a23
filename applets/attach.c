/* lxc-attach: run a command (default: the shell) inside a running container.
 * Re-executes itself from a sealed memfd first (CVE-2019-5736). */
//applet: attach
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>

#include "applet.h"
#include "attach.h"
#include "rexec.h"

enum { OPT_CLEAR_ENV = 0x2000, OPT_KEEP_ENV, OPT_KEEP_VAR };

static struct attach_options opt = { .uid = -1, .gid = -1, .arch_personality = ~0UL };

static const struct option options[] = {
	{ "elevated-privileges", optional_argument, NULL, 'e' },
	{ "arch", required_argument, NULL, 'a' },
	{ "namespaces", required_argument, NULL, 's' },
	{ "remount-sys-proc", no_argument, NULL, 'R' },
	{ "clear-env", no_argument, NULL, OPT_CLEAR_ENV },
	{ "keep-env", no_argument, NULL, OPT_KEEP_ENV },
	{ "pty-log", required_argument, NULL, 'L' },
	{ "set-var", required_argument, NULL, 'v' },
	{ "keep-var", required_argument, NULL, OPT_KEEP_VAR },
	{ "rcfile", required_argument, NULL, 'f' },
	{ "uid", required_argument, NULL, 'u' },
	{ "gid", required_argument, NULL, 'g' },
	{ "context", required_argument, NULL, 'c' },
	{ 0 },
};

static int parse_elevated(const char *arg)
{
	struct strlist parts = { 0 };
	int ret = 0;

	if (!arg) {
		opt.elevated_caps = opt.elevated_cgroup = opt.elevated_lsm = true;
		return 0;
	}
	strlist_split(&parts, arg, "|");
	for (size_t i = 0; i < parts.len; i++) {
		if (!strcmp(parts.items[i], "CAP"))
			opt.elevated_caps = true;
		else if (!strcmp(parts.items[i], "CGROUP"))
			opt.elevated_cgroup = true;
		else if (!strcmp(parts.items[i], "LSM"))
			opt.elevated_lsm = true;
		else
			ret = -1;
	}
	strlist_clear(&parts);
	return ret;
}

static int parse_namespaces(const char *arg)
{
	static const struct { const char *name; int flag; } names[] = {
		{ "MOUNT", CLONE_NEWNS }, { "PID", CLONE_NEWPID }, { "UTSNAME", CLONE_NEWUTS },
		{ "IPC", CLONE_NEWIPC }, { "USER", CLONE_NEWUSER }, { "NETWORK", CLONE_NEWNET },
		{ "CGROUP", CLONE_NEWCGROUP },
	};
	struct strlist parts = { 0 };
	int ret = 0;

	strlist_split(&parts, arg, "|");
	for (size_t i = 0; i < parts.len; i++) {
		bool found = false;

		for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
			if (!strcmp(parts.items[i], names[k].name)) {
				opt.ns_flags |= names[k].flag;
				found = true;
			}
		}
		if (!found)
			ret = -1;
	}
	strlist_clear(&parts);
	/* -s implies all privileges elevated, as LXC documents */
	opt.elevated_caps = opt.elevated_cgroup = opt.elevated_lsm = true;
	return ret;
}

static int parse(struct lxc_args *args, int o, const char *arg)
{
	long long v;

	switch (o) {
	case 'e':
		if (parse_elevated(arg) < 0) {
			fprintf(stderr, "%s: invalid privilege list \"%s\" (CAP|CGROUP|LSM)\n", args->progname, arg);
			return -1;
		}
		break;
	case 'a':
		if (!strcmp(arg, "x86") || !strcmp(arg, "i686") || !strcmp(arg, "i386"))
			opt.arch_personality = PER_LINUX32;
		else if (!strcmp(arg, "x86_64") || !strcmp(arg, "amd64"))
			opt.arch_personality = PER_LINUX;
		else {
			fprintf(stderr, "%s: invalid architecture \"%s\"\n", args->progname, arg);
			return -1;
		}
		break;
	case 's':
		if (parse_namespaces(arg) < 0) {
			fprintf(stderr, "%s: invalid namespace list \"%s\"\n", args->progname, arg);
			return -1;
		}
		break;
	case 'R': opt.remount_sys_proc = true; break;
	case OPT_CLEAR_ENV: opt.clear_env = true; break;
	case OPT_KEEP_ENV: opt.clear_env = false; break;
	case 'L': break; /* pty logging is not kept: output goes to the terminal */
	case 'v': strlist_push(&opt.set_vars, arg); break;
	case OPT_KEEP_VAR: strlist_push(&opt.keep_vars, arg); break;
	case 'f': opt.rcfile = arg; break;
	case 'c': break; /* SELinux context: taken from lxc.selinux.context */
	case 'u':
	case 'g':
		if (str_to_int64(arg, &v) < 0 || v < 0 || v > 0xfffffffe) {
			fprintf(stderr, "%s: invalid id \"%s\"\n", args->progname, arg);
			return -1;
		}
		if (o == 'u')
			opt.uid = v;
		else
			opt.gid = v;
		break;
	}
	return 0;
}

static int attach_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };
	int status = 0;

	if (rexec_from_memfd(args->argv_full, &err) < 0)
		return applet_fail_error(args, &err);
	opt.name = args->name;
	opt.lxcpath = args->lxcpath;
	opt.argv = args->argc > 0 ? args->argv : NULL;
	if (container_attach(&opt, &status, &err) < 0)
		return applet_fail_error(args, &err);
	return status;
}

const struct applet applet_attach = {
	.name = "attach",
	.help = "--name=NAME [-- COMMAND]\n\n"
		"Execute the specified COMMAND - enter the container NAME\n\n"
		"Options :\n"
		"  -n, --name=NAME   NAME of the container\n"
		"  -e, --elevated-privileges=PRIVILEGES\n"
		"                    Use elevated privileges instead of those of the\n"
		"                    container: an OR'd list of CAP, CGROUP and LSM\n"
		"                    (all of them when none is given).\n"
		"  -a, --arch=ARCH   Use ARCH for program instead of container's own\n"
		"                    architecture.\n"
		"  -s, --namespaces=FLAGS\n"
		"                    Attach only to these namespaces, an OR'd list of\n"
		"                    MOUNT, PID, UTSNAME, IPC, USER or NETWORK (implies -e).\n"
		"  -R, --remount-sys-proc\n"
		"                    Remount /sys and /proc when not attaching to the\n"
		"                    mount namespace.\n"
		"      --clear-env   Clear all environment variables before attaching.\n"
		"      --keep-env    Keep all current environment variables (default).\n"
		"  -v, --set-var     Set an additional variable seen by the attached program.\n"
		"      --keep-var    Keep a variable when --clear-env is given.\n"
		"  -f, --rcfile=FILE Load configuration file FILE\n"
		"  -u, --uid=UID     Execute COMMAND with UID inside the container\n"
		"  -g, --gid=GID     Execute COMMAND with GID inside the container\n",
	.options = options,
	.shortopts = "e::a:s:RL:v:f:u:g:c:",
	.parse = parse,
	.main = attach_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
