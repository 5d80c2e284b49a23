/* lxc-execute: run one command as an application container. Its init is this same
 * binary (applet "init", from a sealed memfd): it reaps zombies and forwards signals. */
//applet: execute
#include <stdio.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "start.h"

static struct {
	bool daemonize;
	const char *rcfile;
	struct strlist defines;
	const char *uid, *gid;
} opt;

static const struct option options[] = {
	{ "daemon", no_argument, NULL, 'd' },
	{ "rcfile", required_argument, NULL, 'f' },
	{ "define", required_argument, NULL, 's' },
	{ "uid", required_argument, NULL, 'u' },
	{ "gid", required_argument, NULL, 'g' },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	switch (o) {
	case 'd': opt.daemonize = true; break;
	case 'f': opt.rcfile = arg; break;
	case 's': strlist_push(&opt.defines, arg); break;
	case 'u': opt.uid = arg; break;
	case 'g': opt.gid = arg; break;
	}
	return 0;
}

static int execute_main(struct lxc_args *args)
{
	struct start_options so = { 0 };
	struct lxc_error err = { 0 };
	_cleanup_free_ char *config = NULL;
	struct lxc_conf *conf;
	int status = 0, ret;

	if (container_name_check(args->name, &err) < 0)
		return applet_fail_error(args, &err);
	if (!opt.rcfile && !container_defined(args->lxcpath, args->name))
		return applet_fail(args, "%s doesn't exist", args->name);
	config = opt.rcfile ? xstrdup(opt.rcfile) : container_config_path(args->lxcpath, args->name);
	conf = container_load_conf(args->lxcpath, args->name, config, &err);
	if (!conf)
		return applet_fail_error(args, &err);
	if ((opt.uid && conf_apply_item(conf, "lxc.init.uid", opt.uid, &err) < 0) ||
	    (opt.gid && conf_apply_item(conf, "lxc.init.gid", opt.gid, &err) < 0) ||
	    applet_apply_defines(conf, &opt.defines, &err) < 0) {
		conf_free(conf);
		return applet_fail_error(args, &err);
	}
	applet_container_log(args, conf);
	so.name = args->name;
	so.lxcpath = args->lxcpath;
	so.config_path = config;
	so.conf = conf;
	so.sysconf = args->sysconf;
	so.argv = args->argc > 0 ? args->argv : NULL;
	so.daemonize = opt.daemonize;
	so.execute = true;
	ret = container_start(&so, &status, &err);
	conf_free(conf);
	strlist_clear(&opt.defines);
	if (ret < 0)
		return applet_fail_error(args, &err);
	return opt.daemonize ? 0 : status;
}

const struct applet applet_execute = {
	.name = "execute",
	.help = "--name=NAME -- COMMAND\n\n"
		"lxc-execute creates a container with the identifier NAME\n"
		"and execs COMMAND into this container.\n\n"
		"Options :\n"
		"  -n, --name=NAME      NAME of the container\n"
		"  -d, --daemon         Daemonize the container\n"
		"  -f, --rcfile=FILE    Load configuration file FILE\n"
		"  -s, --define KEY=VAL Assign VAL to configuration variable KEY\n"
		"  -u, --uid=UID        Execute COMMAND with UID inside the container\n"
		"  -g, --gid=GID        Execute COMMAND with GID inside the container\n",
	.options = options,
	.shortopts = "df:s:u:g:",
	.parse = parse,
	.main = execute_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
