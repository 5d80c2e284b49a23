/* lxc-cgroup: read or write one cgroup file of a running container
 * (lxc-cgroup -n NAME memory.limit_in_bytes [VALUE]). */
//applet: cgroup
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "applet.h"
#include "cgroup.h"
#include "commands.h"
#include "container.h"

static int cgroup_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };
	_cleanup_free_ char *serial = NULL;
	struct cgroup_ctx *cg = NULL;
	int ret = 0;

	if (args->argc < 1)
		return applet_fail(args, "missing state object");
	if (container_require_defined(args->lxcpath, args->name, &err) < 0)
		return applet_fail_error(args, &err);
	if (container_command(args->lxcpath, args->name, CMD_GET_CGROUP, 0, NULL, &serial, &err) < 0) {
		if (err.code == ENOENT || err.code == ECONNREFUSED)
			return applet_fail(args, "%s is not running", args->name);
		return applet_fail_error(args, &err);
	}
	if (cgroup_ctx_deserialize(&cg, serial, &err) < 0)
		return applet_fail_error(args, &err);
	if (args->argc >= 2) {
		if (cgroup_set(cg, args->argv[0], args->argv[1], &err) < 0)
			ret = applet_fail(args, "failed to assign '%s' value to '%s' for '%s': %s", args->argv[1],
					  args->argv[0], args->name, err.msg);
	} else {
		_cleanup_free_ char *value = NULL;

		if (cgroup_get(cg, args->argv[0], &value, &err) < 0)
			ret = applet_fail(args, "failed to retrieve value of '%s' for '%s': %s", args->argv[0],
					  args->name, err.msg);
		else
			printf("%s\n", value);
	}
	cgroup_ctx_free(cg);
	return ret;
}

const struct applet applet_cgroup = {
	.name = "cgroup",
	.help = "--name=NAME state-object [value]\n\n"
		"Get or set the value of a state object (for example, 'cpuset.cpus')\n"
		"in the container's cgroup for the corresponding subsystem.\n\n"
		"Options :\n"
		"  -n, --name=NAME      NAME of the container\n"
		"  --rcfile=FILE        Load configuration file FILE\n",
	.main = cgroup_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
