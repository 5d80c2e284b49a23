/* lxc-checkpoint: save a running container to a directory with CRIU (-s also stops it,
 * -p pre-dumps its memory) or bring it back from one (-r); --page-server(-listen) sends
 * the memory pages over TCP to the host that will restore it. */
//applet: checkpoint
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "checkpoint.h"
#include "container.h"
#include "criu.h"
#include "start.h"

enum { OPT_PREDUMP_DIR = 0x2000, OPT_PAGE_SERVER, OPT_PAGE_SERVER_LISTEN };

static struct {
	bool restore, stop, verbose, predump, foreground;
	const char *dir, *predump_dir, *action_script, *page_server, *listen;
} opt;

static const struct option options[] = {
	{ "restore", no_argument, NULL, 'r' },
	{ "checkpoint-dir", required_argument, NULL, 'D' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "action-script", required_argument, NULL, 'A' },
	{ "stop", no_argument, NULL, 's' },
	{ "pre-dump", no_argument, NULL, 'p' },
	{ "predump-dir", required_argument, NULL, OPT_PREDUMP_DIR },
	{ "daemon", no_argument, NULL, 'd' },
	{ "foreground", no_argument, NULL, 'F' },
	{ "page-server", required_argument, NULL, OPT_PAGE_SERVER },
	{ "page-server-listen", required_argument, NULL, OPT_PAGE_SERVER_LISTEN },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	switch (o) {
	case 'r': opt.restore = true; break;
	case 'D': opt.dir = arg; break;
	case 'v': opt.verbose = true; break;
	case 'A': opt.action_script = arg; break;
	case 's': opt.stop = true; break;
	case 'p': opt.predump = true; break;
	case OPT_PREDUMP_DIR: opt.predump_dir = arg; break;
	case 'd': opt.foreground = false; break;
	case 'F': opt.foreground = true; break;
	case OPT_PAGE_SERVER: opt.page_server = arg; break;
	case OPT_PAGE_SERVER_LISTEN: opt.listen = arg; break;
	}
	return 0;
}

/* CRIU and the monitor work from other directories: make paths absolute. */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	return xasprintf("%s/%s", cwd, path);
}

static int check_options(struct lxc_args *args)
{
	if (!opt.dir)
		return applet_fail(args, "Checkpoint directory must be specified (-D DIR)");
	if (opt.restore && (opt.stop || opt.predump || opt.predump_dir || opt.page_server || opt.listen))
		return applet_fail(args, "-r cannot be combined with -s, -p, --predump-dir or --page-server");
	if (!opt.restore && opt.foreground)
		return applet_fail(args, "-F and -d apply to a restore (-r) only");
	if (opt.stop && opt.predump)
		return applet_fail(args, "-s cannot be combined with -p (a pre-dump leaves the container running)");
	if (opt.listen && (opt.stop || opt.predump || opt.predump_dir || opt.page_server))
		return applet_fail(args, "--page-server-listen only receives pages: no other checkpoint option applies");
	if (opt.predump_dir && (opt.predump_dir[0] == '/' || !*opt.predump_dir))
		return applet_fail(args, "--predump-dir is relative to the checkpoint directory (-D)");
	return 0;
}

static int restore(struct lxc_args *args, const struct checkpoint_request *req)
{
	struct start_options so = { 0 };
	struct lxc_error err = { 0 };
	_cleanup_free_ char *config = NULL;
	struct lxc_conf *conf;
	int status = 0, ret;

	if (container_require_defined(args->lxcpath, args->name, &err) < 0 && !args->rcfile)
		return applet_fail_error(args, &err);
	config = args->rcfile ? xstrdup(args->rcfile) : container_config_path(args->lxcpath, args->name);
	conf = container_load_conf(args->lxcpath, args->name, config, &err);
	if (!conf)
		return applet_fail_error(args, &err);
	applet_container_log(args, conf);
	if (checkpoint_restore_check(args->lxcpath, args->name, conf, req->dir, &err) < 0) {
		conf_free(conf);
		return applet_fail_error(args, &err);
	}
	so.name = args->name;
	so.lxcpath = args->lxcpath;
	so.config_path = config;
	so.conf = conf;
	so.sysconf = args->sysconf;
	so.daemonize = !opt.foreground;
	so.foreground_console = opt.foreground;
	so.restore = req;
	ret = container_start(&so, &status, &err);
	conf_free(conf);
	if (ret < 0) {
		checkpoint_explain_failure(req->criu, args->sysconf, &err);
		return applet_fail_error(args, &err);
	}
	return opt.foreground ? status : 0;
}

static int checkpoint_main(struct lxc_args *args)
{
	struct checkpoint_request req = { 0 };
	struct lxc_error err = { 0 };
	_cleanup_free_ char *dir = NULL;
	_cleanup_free_ char *script = NULL;
	_cleanup_free_ char *criu = NULL;

	if (check_options(args))
		return 1;
	if (container_name_check(args->name, &err) < 0)
		return applet_fail_error(args, &err);
	dir = absolute(opt.dir);
	script = opt.action_script ? absolute(opt.action_script) : NULL;
	req.dir = dir;
	req.stop = opt.stop;
	req.verbose = opt.verbose;
	req.predump = opt.predump;
	req.predump_dir = opt.predump_dir;
	req.action_script = script;
	req.page_server = opt.page_server;
	if (opt.restore || opt.listen) {
		/* the monitor (restore) or criu (page server) is started from here: our $CRIU */
		if (criu_find(args->sysconf, &criu, &err) < 0)
			return applet_fail_error(args, &err);
		req.criu = criu;
	}
	if (opt.listen) {
		if (checkpoint_page_server(opt.listen, dir, criu, args->sysconf, &err) < 0)
			return applet_fail_error(args, &err);
		return 0;
	}
	if (opt.restore)
		return restore(args, &req);
	if (container_checkpoint(args->lxcpath, args->name, &req, args->sysconf, &err) < 0)
		return applet_fail_error(args, &err);
	return 0;
}

const struct applet applet_checkpoint = {
	.name = "checkpoint",
	.help = "--name=NAME\n\n"
		"lxc-checkpoint checkpoints and restores a container\n"
		"  Serializes a container's running state to disk to allow restoring it in\n"
		"  its running state at a later time.\n\n"
		"Options :\n"
		"  -n, --name=NAME           NAME of the container\n"
		"  -r, --restore             Restore container\n"
		"  -D, --checkpoint-dir=DIR  directory to save the checkpoint in\n"
		"  -v, --verbose             Enable verbose criu logs\n"
		"  -A, --action-script=PATH  Path to criu action script\n"
		"  Checkpoint options:\n"
		"  -s, --stop                Stop the container after checkpointing.\n"
		"  -p, --pre-dump            Only pre-dump the memory of the container.\n"
		"                            Container keeps on running and following\n"
		"                            checkpoints will only dump the changes.\n"
		"  --predump-dir=DIR         path to images from previous dump (relative to -D)\n"
		"  --page-server=HOST:PORT   send the memory pages to a page server on HOST\n"
		"  Restore options:\n"
		"  -d, --daemon              Daemonize the container (default)\n"
		"  -F, --foreground          Start with the current tty attached to /dev/console\n"
		"  --rcfile=FILE             Load configuration file FILE\n"
		"  Page server (the receiving host, before the dump):\n"
		"  --page-server-listen=[ADDR:]PORT\n"
		"                            receive memory pages into -D until the dump is done\n",
	.options = options,
	.shortopts = "rD:vA:spdF",
	.parse = parse,
	.main = checkpoint_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
