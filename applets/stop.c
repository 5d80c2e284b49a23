/* lxc-stop: ask init to halt (lxc.signal.halt), wait, then kill after the timeout;
 * or reboot (-r), or kill at once (-k). Exit 2 when the container was not running. */
//applet: stop
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "commands.h"
#include "container.h"
#include "runtime.h"
#include "state.h"

enum { OPT_NOLOCK = 0x2000, OPT_NOKILL };

static struct {
	bool reboot, nowait, kill, nokill;
	int timeout;
} opt = { .timeout = 60 };

static const struct option options[] = {
	{ "reboot", no_argument, NULL, 'r' },
	{ "nowait", no_argument, NULL, 'W' },
	{ "timeout", required_argument, NULL, 't' },
	{ "kill", no_argument, NULL, 'k' },
	{ "nolock", no_argument, NULL, OPT_NOLOCK },
	{ "nokill", no_argument, NULL, OPT_NOKILL },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	switch (o) {
	case 'r': opt.reboot = true; break;
	case 'W': opt.nowait = true; break;
	case 'k': opt.kill = true; break;
	case OPT_NOLOCK: break; /* we take no API lock to stop */
	case OPT_NOKILL: opt.nokill = true; break;
	case 't':
		if (str_to_int(arg, &opt.timeout) < 0) {
			fprintf(stderr, "%s: invalid timeout \"%s\"\n", args->progname, arg);
			return -1;
		}
		break;
	}
	return 0;
}

static int wait_for(struct event_listener *l, const struct lxc_args *args, unsigned mask, int timeout_s,
		    struct lxc_error *err)
{
	return container_wait_state(l, args->lxcpath, args->name, mask, timeout_s < 0 ? -1 : timeout_s * 1000, err);
}

static void wait_unlocked(const struct lxc_args *args)
{
	struct runtime_paths paths;

	runtime_paths_init(&paths, args->lxcpath, args->name);
	for (int i = 0; i < 500 && runtime_is_locked(&paths); i++)
		usleep(10000);
	runtime_paths_free(&paths);
}

static int stop_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };
	struct event_listener l;
	bool stopped = false;
	int ret = 0, r;

	if (container_require_defined(args->lxcpath, args->name, &err) < 0)
		return applet_fail_error(args, &err);
	if (container_state(args->lxcpath, args->name) == STATE_STOPPED) {
		applet_fail(args, "%s is not running", args->name);
		return 2;
	}
	if (event_listen(&l, args->lxcpath, &err) < 0)
		return applet_fail_error(args, &err);
	if (opt.reboot) {
		/* -r: init's reboot signal; wait for the new init unless -W (or -t 0) */
		r = container_command(args->lxcpath, args->name, CMD_SIGNAL, CMD_SIGNAL_REBOOT, NULL, NULL, &err);
		if (r < 0)
			ret = applet_fail_error(args, &err);
		else if (!opt.nowait && opt.timeout != 0 &&
			 (wait_for(&l, args, 1u << STATE_STOPPING, opt.timeout, &err) <= 0 ||
			  wait_for(&l, args, 1u << STATE_RUNNING, opt.timeout, &err) <= 0))
			ret = applet_fail(args, "%s did not reboot within %d seconds", args->name, opt.timeout);
		goto out;
	}
	if (!opt.kill) {
		/* a clean shutdown: lxc.signal.halt, then wait -t seconds (-1: for ever; 0 or
		 * -W: not at all), then kill unless --nokill */
		r = container_command(args->lxcpath, args->name, CMD_SIGNAL, CMD_SIGNAL_HALT, NULL, NULL, &err);
		if (r < 0 && err.code != ENOENT && err.code != ECONNREFUSED) {
			ret = applet_fail_error(args, &err);
			goto out;
		}
		if (opt.nowait || opt.timeout == 0)
			goto out;
		r = wait_for(&l, args, 1u << STATE_STOPPED, opt.timeout, &err);
		if (r > 0) {
			stopped = true;
			goto out;
		}
		if (opt.nokill) {
			ret = applet_fail(args, "%s did not stop within %d seconds", args->name, opt.timeout);
			goto out;
		}
	}
	r = container_command(args->lxcpath, args->name, CMD_STOP, 0, NULL, NULL, &err);
	if (r < 0 && err.code != ENOENT && err.code != ECONNREFUSED) {
		ret = applet_fail_error(args, &err);
		goto out;
	}
	if (!opt.nowait) {
		/* lxc.signal.stop may be one init ignores: SIGKILL after the timeout */
		r = wait_for(&l, args, 1u << STATE_STOPPED, opt.timeout, &err);
		if (r == 0 && container_command(args->lxcpath, args->name, CMD_SIGNAL, SIGKILL, NULL, NULL, &err) == 0)
			r = wait_for(&l, args, 1u << STATE_STOPPED, -1, &err);
		stopped = r > 0;
	}
out:
	/* STOPPED is announced before the teardown's last step: wait for the lock too, so
	 * that a start right after us finds the container gone */
	if (stopped)
		wait_unlocked(args);
	event_unlisten(&l);
	return ret;
}

const struct applet applet_stop = {
	.name = "stop",
	.help = "--name=NAME\n\n"
		"lxc-stop stops a container with the identifier NAME\n\n"
		"Options :\n"
		"  -n, --name=NAME   NAME of the container\n"
		"  -r, --reboot      reboot the container\n"
		"  -W, --nowait      don't wait for shutdown or reboot to complete\n"
		"  -t, --timeout=T   wait T seconds before hard-stopping\n"
		"  -k, --kill        kill container rather than request clean shutdown\n"
		"      --nolock      Avoid using API locks\n"
		"      --nokill      Only request clean shutdown, don't force kill after timeout\n"
		"  --rcfile=FILE     Load configuration file FILE\n",
	.options = options,
	.shortopts = "rWt:k",
	.parse = parse,
	.main = stop_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
