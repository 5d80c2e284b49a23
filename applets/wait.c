/* lxc-wait: return as soon as the container reaches one of the given states
 * (event-driven: the monitor's state events, no polling). */
//applet: wait
#include <stdio.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "state.h"

static struct {
	const char *states;
	int timeout;
} opt = { .timeout = -1 };

static const struct option options[] = {
	{ "state", required_argument, NULL, 's' },
	{ "timeout", required_argument, NULL, 't' },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	if (o == 's') {
		opt.states = arg;
	} else if (str_to_int(arg, &opt.timeout) < 0) {
		fprintf(stderr, "%s: invalid timeout \"%s\"\n", args->progname, arg);
		return -1;
	}
	return 0;
}

static int wait_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };
	struct event_listener l;
	unsigned mask;
	int ret;

	if (!opt.states)
		return applet_fail(args, "missing state option to wait for (-s)");
	if (state_parse_mask(opt.states, &mask, &err) < 0)
		return applet_fail_error(args, &err);
	if (container_name_check(args->name, &err) < 0)
		return applet_fail_error(args, &err);
	/* listen first, then look: no state change can slip between the two */
	if (event_listen(&l, args->lxcpath, &err) < 0)
		return applet_fail_error(args, &err);
	ret = container_wait_state(&l, args->lxcpath, args->name, mask,
				   opt.timeout < 0 ? -1 : opt.timeout * 1000, &err);
	if (ret < 0)
		applet_fail_error(args, &err);
	ret = ret == 1 ? 0 : 1;
	event_unlisten(&l);
	return ret;
}

const struct applet applet_wait = {
	.name = "wait",
	.help = "--name=NAME --state=STATE\n\n"
		"lxc-wait waits for NAME container state to reach STATE\n\n"
		"Options :\n"
		"  -n, --name=NAME   NAME of the container\n"
		"  -s, --state=STATE ORed states to wait for\n"
		"                    STOPPED, STARTING, RUNNING, STOPPING,\n"
		"                    ABORTING, FREEZING, FROZEN, THAWED\n"
		"  -t, --timeout=TMO Seconds to wait for state changes\n"
		"  --rcfile=FILE     Load configuration file FILE\n",
	.options = options,
	.shortopts = "s:t:",
	.parse = parse,
	.main = wait_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
