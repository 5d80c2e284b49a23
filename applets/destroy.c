/* lxc-destroy: remove a container (its rootfs and directory); -f stops it first,
 * without -f a running container is refused. */
//applet: destroy
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "commands.h"
#include "container.h"
#include "state.h"
#include "template.h"

static bool force;

static const struct option options[] = {
	{ "force", no_argument, NULL, 'f' },
	{ "snapshots", no_argument, NULL, 's' },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	if (o == 'f')
		force = true;
	return 0;
}

static int destroy_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };

	if (container_require_defined(args->lxcpath, args->name, &err) < 0)
		return applet_fail_error(args, &err);
	if (container_state(args->lxcpath, args->name) != STATE_STOPPED) {
		struct event_listener l;

		if (!force)
			return applet_fail(args, "Container is running (use -f to stop it first)");
		if (event_listen(&l, args->lxcpath, &err) < 0)
			return applet_fail_error(args, &err);
		container_command(args->lxcpath, args->name, CMD_STOP, 0, NULL, NULL, &err);
		container_wait_state(&l, args->lxcpath, args->name, 1u << STATE_STOPPED, 30000, &err);
		event_unlisten(&l);
	}
	/* the monitor's guard may still hold the lock for a moment while it cleans up */
	for (int i = 0; i < 50; i++) {
		if (container_destroy(args->lxcpath, args->name, &err) == 0)
			return 0;
		if (!force || err.code != 0 || !strstr(err.msg, "is running"))
			break;
		usleep(100000);
	}
	return applet_fail(args, "%s", err.msg);
}

const struct applet applet_destroy = {
	.name = "destroy",
	.help = "--name=NAME [-f] [-P lxcpath]\n\n"
		"lxc-destroy destroys a container with the identifier NAME\n\n"
		"Options :\n"
		"  -n, --name=NAME   NAME of the container\n"
		"  -s, --snapshots   destroy including all snapshots\n"
		"  -f, --force       wait for the container to shut down\n"
		"  --rcfile=FILE     Load configuration file FILE\n",
	.options = options,
	.shortopts = "fs",
	.parse = parse,
	.main = destroy_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
