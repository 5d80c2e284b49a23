/* lxc-wait: return as soon as the container reaches one of the given states
 * (event-driven: the monitor's state events, no polling). */
//applet: wait
#include <stdio.h>
#include <string.h>
#include <time.h>

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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int wait_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };
	struct event_listener l;
	unsigned mask;
	long long deadline;
	int ret = 1;

	if (!opt.states)
		return applet_fail(args, "missing state option to wait for (-s)");
	if (state_parse_mask(opt.states, &mask, &err) < 0)
		return applet_fail_error(args, &err);
	if (container_name_check(args->name, &err) < 0)
		return applet_fail_error(args, &err);
	/* listen first, then look: no state change can slip between the two */
	if (event_listen(&l, args->lxcpath, &err) < 0)
		return applet_fail_error(args, &err);
	if (mask & (1u << container_state(args->lxcpath, args->name))) {
		event_unlisten(&l);
		return 0;
	}
	deadline = opt.timeout < 0 ? -1 : now_ms() + opt.timeout * 1000LL;
	for (;;) {
		struct lxc_event ev;
		int left = deadline < 0 ? -1 : (int)(deadline - now_ms());
		int r;

		if (deadline >= 0 && left <= 0)
			break;
		r = event_receive(&l, &ev, left, &err);
		if (r < 0) {
			applet_fail_error(args, &err);
			break;
		}
		if (r == 0)
			break;
		if (ev.type == EVENT_STATE && !strcmp(ev.name, args->name) && (mask & (1u << ev.value))) {
			ret = 0;
			break;
		}
	}
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
