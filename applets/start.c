/* lxc-start: start a container; daemonizes by default, -F keeps it in the foreground
 * with the console on this terminal. */
//applet: start
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "container.h"
#include "start.h"

enum { OPT_SHARE_NET = 0x2000, OPT_SHARE_IPC, OPT_SHARE_UTS, OPT_SHARE_PID };

static struct {
	bool foreground, close_all_fds;
	const char *pidfile, *rcfile, *console, *console_log;
	struct strlist defines;
	const char *share[NS_COUNT];
} opt;

static const struct option options[] = {
	{ "daemon", no_argument, NULL, 'd' },
	{ "foreground", no_argument, NULL, 'F' },
	{ "pidfile", required_argument, NULL, 'p' },
	{ "rcfile", required_argument, NULL, 'f' },
	{ "console", required_argument, NULL, 'c' },
	{ "console-log", required_argument, NULL, 'L' },
	{ "close-all-fds", no_argument, NULL, 'C' },
	{ "define", required_argument, NULL, 's' },
	{ "share-net", required_argument, NULL, OPT_SHARE_NET },
	{ "share-ipc", required_argument, NULL, OPT_SHARE_IPC },
	{ "share-uts", required_argument, NULL, OPT_SHARE_UTS },
	{ "share-pid", required_argument, NULL, OPT_SHARE_PID },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	switch (o) {
	case 'd': opt.foreground = false; break;
	case 'F': opt.foreground = true; break;
	case 'p': opt.pidfile = arg; break;
	case 'f': opt.rcfile = arg; break;
	case 'c': opt.console = arg; break;
	case 'L': opt.console_log = arg; break;
	case 'C': opt.close_all_fds = true; break;
	case 's': strlist_push(&opt.defines, arg); break;
	case OPT_SHARE_NET: opt.share[NS_NET] = arg; break;
	case OPT_SHARE_IPC: opt.share[NS_IPC] = arg; break;
	case OPT_SHARE_UTS: opt.share[NS_UTS] = arg; break;
	case OPT_SHARE_PID: opt.share[NS_PID] = arg; break;
	}
	return 0;
}

static int start_main(struct lxc_args *args)
{
	struct start_options so = { 0 };
	struct lxc_error err = { 0 };
	_cleanup_free_ char *config = NULL;
	struct lxc_conf *conf;
	int status = 0, ret;

	if (container_name_check(args->name, &err) < 0)
		return applet_fail_error(args, &err);
	config = opt.rcfile ? xstrdup(opt.rcfile) : container_config_path(args->lxcpath, args->name);
	if (!opt.rcfile && !container_defined(args->lxcpath, args->name))
		return applet_fail(args, "%s doesn't exist", args->name);
	conf = container_load_conf(args->lxcpath, args->name, config, &err);
	if (!conf)
		return applet_fail_error(args, &err);
	if (applet_apply_defines(conf, &opt.defines, &err) < 0) {
		conf_free(conf);
		return applet_fail_error(args, &err);
	}
	for (int ns = 0; ns < NS_COUNT; ns++) {
		if (opt.share[ns]) {
			free(conf->ns_share[ns]);
			conf->ns_share[ns] = xstrdup(opt.share[ns]);
		}
	}
	applet_container_log(args, conf);
	so.name = args->name;
	so.lxcpath = args->lxcpath;
	so.config_path = config;
	so.conf = conf;
	so.sysconf = args->sysconf;
	so.argv = args->argc > 0 ? args->argv : NULL;
	so.daemonize = !opt.foreground;
	so.close_inherited_fds = opt.close_all_fds;
	so.foreground_console = opt.foreground;
	so.pidfile = opt.pidfile;
	so.console_path = opt.console;
	so.console_log = opt.console_log;
	ret = container_start(&so, &status, &err);
	conf_free(conf);
	strlist_clear(&opt.defines);
	if (ret < 0)
		return applet_fail_error(args, &err);
	return opt.foreground ? status : 0;
}

const struct applet applet_start = {
	.name = "start",
	.help = "--name=NAME -- COMMAND\n\n"
		"lxc-start start COMMAND in specified container NAME\n\n"
		"Options :\n"
		"  -n, --name=NAME        NAME of the container\n"
		"  -d, --daemon           Daemonize the container (default)\n"
		"  -F, --foreground       Start with the current tty attached to /dev/console\n"
		"  -p, --pidfile=FILE     Create a file with the process id\n"
		"  -f, --rcfile=FILE      Load configuration file FILE\n"
		"  -c, --console=FILE     Use specified FILE for the container console\n"
		"  -L, --console-log=FILE Log container console output to FILE\n"
		"  -C, --close-all-fds    If any fds are inherited, close them\n"
		"                         Note: --daemon implies --close-all-fds\n"
		"  -s, --define KEY=VAL   Assign VAL to configuration variable KEY\n"
		"      --share-[net|ipc|uts|pid]=NAME Share a namespace with another container or pid\n",
	.options = options,
	.shortopts = "dFp:f:c:L:Cs:",
	.parse = parse,
	.main = start_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
