/* lxc-device: hand a host device node or network interface to a running container, or
 * take it back. The container's monitor does the work (lib/device.h says why). */
//applet: device
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "commands.h"
#include "container.h"
#include "device.h"
#include "runtime.h"

static int device_main(struct lxc_args *args)
{
	struct device_request r = { 0 };
	struct lxc_error err = { 0 };
	struct runtime_paths paths;
	_cleanup_free_ char *text = NULL, *out = NULL;
	_cleanup_close_ int conn = -1;
	int ret;

	if (args->argc < 2 || args->argc > 3) {
		fprintf(stderr, "Usage: %s --name=NAME -- add|del DEV [DEST]\n", args->progname);
		return 1;
	}
	if (strcmp(args->argv[0], "add") != 0 && strcmp(args->argv[0], "del") != 0)
		return applet_fail(args, "unknown operation \"%s\" (add or del)", args->argv[0]);
	for (int i = 1; i < args->argc; i++)
		if (!*args->argv[i] || strchr(args->argv[i], '\n'))
			return applet_fail(args, "invalid device \"%s\"", args->argv[i]);
	if (geteuid() != 0)
		return applet_fail(args, "%s must be run as root", args->progname);
	if (container_require_defined(args->lxcpath, args->name, &err) < 0)
		return applet_fail_error(args, &err);
	r.op = args->argv[0][0] == 'a' ? DEVICE_ADD : DEVICE_DEL;
	r.dev = args->argv[1];
	r.dest = args->argc == 3 ? args->argv[2] : NULL;
	text = device_request_format(&r);
	runtime_paths_init(&paths, args->lxcpath, args->name);
	conn = cmd_connect(paths.command, &err);
	runtime_paths_free(&paths);
	if (conn < 0)
		return applet_fail(args, "%s is not running", args->name);
	ret = cmd_call(conn, CMD_DEVICE, 0, text, &out, NULL, &err);
	if (ret < 0)
		return applet_fail(args, "failed to %s \"%s\": %s", r.op == DEVICE_ADD ? "add" : "remove", r.dev,
				   err.msg);
	if (out)
		INFO("%s", out);
	return 0;
}

const struct applet applet_device = {
	.name = "device",
	.help = "--name=NAME -- add|del DEV [DEST]\n\n"
		"lxc-device attach or detach DEV to or from container.\n\n"
		"DEV is a host device node (a path: /dev/net/tun, /dev/loop0) created in the\n"
		"container at DEST (default: the same path) with the device allowed in its\n"
		"cgroup, or a host network interface moved into the container and named DEST.\n"
		"del removes the node and its device rule, or moves the interface back to the\n"
		"host (as DEST, default the name it had there).\n\n"
		"Options :\n"
		"  -n, --name=NAME      NAME of the container\n"
		"  --rcfile=FILE        Load configuration file FILE\n",
	.main = device_main,
	.flags = APPLET_NEEDS_NAME,
};
