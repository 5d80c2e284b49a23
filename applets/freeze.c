/* lxc-freeze and lxc-unfreeze: suspend or resume every process of a container
 * (the monitor drives the freezer and announces FREEZING, FROZEN, THAWED). */
//applet: freeze
//applet: unfreeze
#include <errno.h>
#include <string.h>

#include "applet.h"
#include "commands.h"
#include "container.h"

static int freeze_common(struct lxc_args *args, bool freeze)
{
	struct lxc_error err = { 0 };

	if (container_require_defined(args->lxcpath, args->name, &err) < 0)
		return applet_fail_error(args, &err);
	if (container_command(args->lxcpath, args->name, freeze ? CMD_FREEZE : CMD_UNFREEZE, 0, NULL, NULL, &err) < 0) {
		if (err.code == ENOENT || err.code == ECONNREFUSED)
			return applet_fail(args, "%s is not running", args->name);
		return applet_fail(args, "failed to %s %s: %s", freeze ? "freeze" : "unfreeze", args->name, err.msg);
	}
	return 0;
}

static int freeze_main(struct lxc_args *args)
{
	return freeze_common(args, true);
}

static int unfreeze_main(struct lxc_args *args)
{
	return freeze_common(args, false);
}

const struct applet applet_freeze = {
	.name = "freeze",
	.help = "--name=NAME\n\n"
		"lxc-freeze freezes a container with the identifier NAME\n\n"
		"Options :\n"
		"  -n, --name=NAME      NAME of the container\n"
		"  --rcfile=FILE        Load configuration file FILE\n",
	.main = freeze_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};

const struct applet applet_unfreeze = {
	.name = "unfreeze",
	.help = "--name=NAME\n\n"
		"lxc-unfreeze unfreezes a container with the identifier NAME\n\n"
		"Options :\n"
		"  -n, --name=NAME      NAME of the container\n"
		"  --rcfile=FILE        Load configuration file FILE\n",
	.main = unfreeze_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
