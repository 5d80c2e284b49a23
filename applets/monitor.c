/* lxc-monitor: print the state changes and exit codes of containers whose names
 * match a regular expression, as LXC prints them. */
//applet: monitor
#include <regex.h>
#include <stdio.h>

#include "applet.h"
#include "state.h"

static const struct option options[] = {
	{ "quit", no_argument, NULL, 'Q' },
	{ 0 },
};

static bool quit;

static int parse(struct lxc_args *args, int o, const char *arg)
{
	quit = true;
	return 0;
}

static int monitor_main(struct lxc_args *args)
{
	const char *pattern = args->name ? args->name : ".*";
	_cleanup_free_ char *anchored = xasprintf("^(%s)$", pattern);
	struct lxc_error err = { 0 };
	struct event_listener l;
	regex_t re;

	if (quit)
		return 0; /* there is no lxc-monitord to stop: events go straight to listeners */
	if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) != 0)
		return applet_fail(args, "invalid regular expression \"%s\"", pattern);
	if (event_listen(&l, args->lxcpath, &err) < 0) {
		regfree(&re);
		return applet_fail_error(args, &err);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		struct lxc_event ev;
		int r = event_receive(&l, &ev, -1, &err);

		if (r < 0) {
			applet_fail_error(args, &err);
			break;
		}
		if (regexec(&re, ev.name, 0, NULL, 0) != 0)
			continue;
		if (ev.type == EVENT_STATE)
			printf("'%s' changed state to [%s]\n", ev.name, state_name(ev.value));
		else if (ev.type == EVENT_EXIT)
			printf("'%s' exited with status [%d]\n", ev.name, ev.value);
	}
	event_unlisten(&l);
	regfree(&re);
	return 1;
}

const struct applet applet_monitor = {
	.name = "monitor",
	.help = "[--name=NAME]\n\n"
		"lxc-monitor monitors the state of the NAME container\n\n"
		"Options :\n"
		"  -n, --name=NAME   NAME of the container\n"
		"                    NAME may be a regular expression\n"
		"  -Q, --quit        tell lxc-monitord to quit\n",
	.options = options,
	.shortopts = "Q",
	.parse = parse,
	.main = monitor_main,
	.flags = APPLET_POSITIONAL_NAME | APPLET_NO_LOG_NAME,
};
