/* lxc-config: print the system configuration (lxc.lxcpath, lxc.default_config...).
 * "lxc-config -l" lists the keys, "lxc-config KEY" prints one value. */
//applet: config
#include <stdio.h>
#include <string.h>

#include "applet.h"

static bool list_keys;

static const struct option options[] = {
	{ "list", no_argument, NULL, 'l' },
	{ 0 },
};

static int parse(struct lxc_args *args, int opt, const char *arg)
{
	list_keys = true;
	return 0;
}

static bool is_known(const char *key)
{
	for (const char *const *k = sysconf_keys; *k; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

static int config_main(struct lxc_args *args)
{
	const char *value;

	if (list_keys) {
		for (const char *const *k = sysconf_keys; *k; k++)
			printf("%s\n", *k);
		return 0;
	}
	if (args->argc != 1) {
		printf("Usage: lxc-config -l: list all available configuration items\n"
		       "       lxc-config item: print configuration item\n");
		return 0;
	}
	if (!is_known(args->argv[0])) {
		fprintf(stderr, "Unknown configuration item: %s\n", args->argv[0]);
		return 1;
	}
	value = sysconf_get(args->sysconf, args->argv[0]);
	if (value)
		printf("%s\n", value);
	else
		printf("%s is not set.\n", args->argv[0]);
	return 0;
}

const struct applet applet_config = {
	.name = "config",
	.help = "[-l] [ITEM]\n\n"
		"lxc-config prints the system configuration (lxc.lxcpath, lxc.default_config, ...)\n\n"
		"Options :\n"
		"  -l, --list            list all available configuration items\n",
	.options = options,
	.shortopts = "l",
	.parse = parse,
	.main = config_main,
};
