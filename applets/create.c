/* lxc-create: define a container — its config from -f or the default config, then
 * a template (busybox is built in). Nothing is left behind when it fails. */
//applet: create
#include <stdio.h>

#include "applet.h"
#include "template.h"

enum { OPT_DIR = 0x2000, OPT_IGNORED };

static struct create_options opt;

static const struct option options[] = {
	{ "template", required_argument, NULL, 't' },
	{ "config", required_argument, NULL, 'f' },
	{ "bdev", required_argument, NULL, 'B' },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "lvname", required_argument, NULL, OPT_IGNORED },
	{ "vgname", required_argument, NULL, OPT_IGNORED },
	{ "thinpool", required_argument, NULL, OPT_IGNORED },
	{ "fstype", required_argument, NULL, OPT_IGNORED },
	{ "fssize", required_argument, NULL, OPT_IGNORED },
	{ "zfsroot", required_argument, NULL, OPT_IGNORED },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	switch (o) {
	case 't': opt.template_name = arg; break;
	case 'f': opt.config_file = arg; break;
	case 'B': opt.backing = arg; break;
	case OPT_DIR: opt.rootfs_dir = arg; break;
	default: break; /* options of backing stores other than dir */
	}
	return 0;
}

static int create_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };

	opt.name = args->name;
	opt.lxcpath = args->lxcpath;
	opt.sysconf = args->sysconf;
	opt.template_args = args->argv;
	if (!opt.template_name)
		return applet_fail(args, "A template must be specified.\nUse \"none\" if you really want a container without a rootfs.");
	if (container_create(&opt, &err) < 0)
		return applet_fail_error(args, &err);
	return 0;
}

const struct applet applet_create = {
	.name = "create",
	.help = "--name=NAME --template=TEMPLATE [OPTION...] [-- template-options]\n\n"
		"lxc-create creates a container\n\n"
		"Options :\n"
		"  -n, --name=NAME               NAME of the container\n"
		"  -f, --config=CONFIG           Initial configuration file\n"
		"  -t, --template=TEMPLATE       Template to use to setup container\n"
		"  -B, --bdev=BDEV               Backing store type to use (dir, best)\n"
		"      --dir=DIR                 Place rootfs directory under DIR\n",
	.options = options,
	.shortopts = "t:f:B:",
	.parse = parse,
	.main = create_main,
	.flags = APPLET_NEEDS_NAME,
};
