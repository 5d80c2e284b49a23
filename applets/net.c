/* lxc-net: start/stop the host bridge (lxcbr0), its NAT rules and dnsmasq, as LXC's
 * /usr/libexec/lxc/lxc-net does, from the variables in /etc/default/lxc-net. */
//applet: net
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "lxcnet.h"

static const char usage[] = "Usage: lxc-net {start|stop|restart|reload|force-reload|status}\n";

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && v[0] ? v : def;
}

static int net_do_start(const struct lxc_args *args, const struct lxcnet_config *c, const struct lxcnet_paths *p)
{
	struct lxc_error err = { 0 };
	int ret = lxcnet_start(c, p, &err);

	if (ret < 0)
		return applet_fail_error(args, &err);
	if (ret == LXCNET_ALREADY_RUNNING) {
		printf("lxc-net is already running\n");
		return 1;
	}
	return 0;
}

static int net_do_stop(const struct lxc_args *args, const struct lxcnet_config *c, const struct lxcnet_paths *p)
{
	struct lxc_error err = { 0 };
	int ret = lxcnet_stop(c, p, false, &err);

	if (ret < 0)
		return applet_fail_error(args, &err);
	if (ret == LXCNET_NOT_RUNNING) {
		printf("lxc-net isn't running\n");
		return 1;
	}
	return 0;
}

static int net_do_status(const struct lxc_args *args, const struct lxcnet_config *c, const struct lxcnet_paths *p)
{
	struct lxcnet_status st;
	struct lxc_error err = { 0 };

	if (lxcnet_get_status(c, p, &st, &err) < 0)
		return applet_fail_error(args, &err);
	if (!st.running) {
		printf("lxc-net isn't running\n");
		lxcnet_status_free(&st);
		return 3; /* LSB: not running */
	}
	printf("lxc-net is running\n");
	if (st.bridge_exists)
		printf("bridge: %s (%s)%s%s\n", c->bridge, st.bridge_up ? "up" : "down",
		       st.bridge_addr ? " " : "", st.bridge_addr ? st.bridge_addr : "");
	else
		printf("bridge: %s (missing)\n", c->bridge);
	if (st.dnsmasq_pid)
		printf("dnsmasq: pid %d\n", (int)st.dnsmasq_pid);
	else
		printf("dnsmasq: not running\n");
	if (st.firewall)
		printf("firewall: %s\n", st.firewall);
	lxcnet_status_free(&st);
	return 0;
}

static int net_main(struct lxc_args *args)
{
	struct lxcnet_paths paths = {
		.rundir = env_or("LXC_NET_RUNDIR", "/run/lxc"),
		.leasedir = env_or("LXC_NET_LEASEDIR", "/var/lib/misc"),
	};
	const char *config = env_or("LXC_NET_CONFIG", "/etc/default/lxc-net");
	struct lxcnet_config c = { 0 };
	struct lxc_error err = { 0 };
	const char *cmd = args->argc == 1 ? args->argv[0] : "";
	int ret;

	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "--usage")) {
		fputs(usage, stderr);
		return 0;
	}
	if (strcmp(cmd, "start") && strcmp(cmd, "stop") && strcmp(cmd, "restart") && strcmp(cmd, "reload") &&
	    strcmp(cmd, "force-reload") && strcmp(cmd, "status")) {
		fputs(usage, stderr);
		return 2;
	}
	if (lxcnet_config_load(&c, config, &err) < 0) {
		lxcnet_config_free(&c);
		return applet_fail_error(args, &err);
	}
	if (!strcmp(cmd, "start")) {
		ret = net_do_start(args, &c, &paths);
	} else if (!strcmp(cmd, "stop")) {
		ret = net_do_stop(args, &c, &paths);
	} else if (!strcmp(cmd, "restart") || !strcmp(cmd, "reload") || !strcmp(cmd, "force-reload")) {
		/* LXC runs "stop" then "start"; a stop of a stopped network only says so */
		net_do_stop(args, &c, &paths);
		ret = net_do_start(args, &c, &paths);
	} else {
		ret = net_do_status(args, &c, &paths);
	}
	lxcnet_config_free(&c);
	return ret;
}

const struct applet applet_net = {
	.name = "net",
	.help = "{start|stop|restart|reload|force-reload|status}\n\n"
		"lxc-net manages the host bridge for containers (LXC_BRIDGE, lxcbr0 by default): its\n"
		"address, NAT rules and dnsmasq (DHCP and DNS), configured in /etc/default/lxc-net.\n",
	.main = net_main,
	.flags = APPLET_NO_COMMON | APPLET_NO_LOG_NAME,
};
