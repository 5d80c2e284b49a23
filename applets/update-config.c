/* lxc-update-config: rewrite a container config's LXC 1.x/2.x keys to today's names
 * (lxc.network.* gets explicit indices), keeping the original as FILE.backup. */
//applet: update-config
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "applet.h"

static const char *config_path;

static const struct option options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ 0 },
};

static int parse(struct lxc_args *args, int opt, const char *arg)
{
	config_path = arg;
	return 0;
}

static int update_config_main(struct lxc_args *args)
{
	_cleanup_free_ char *original = NULL, *updated = NULL, *backup = NULL;
	struct lxc_error err = { 0 };
	bool changed = false;
	struct stat st;
	size_t len;

	if (!config_path) {
		printf("Usage: %s -c|--config CONFIG\n"
		       "CONFIG: the container configuration to update\n", args->progname);
		return 0;
	}
	if (file_read(config_path, &original, &len, &err) < 0 || stat(config_path, &st) < 0)
		return applet_fail_error(args, &err);
	if (conf_update_legacy(config_path, &updated, &changed, &err) < 0)
		return applet_fail_error(args, &err);
	/* nothing to change: touch nothing, so a second run keeps the first run's backup */
	if (!changed)
		return 0;
	backup = xasprintf("%s.backup", config_path);
	if (file_write_atomic(backup, original, len, st.st_mode & 07777, &err) < 0 ||
	    file_write_atomic(config_path, updated, strlen(updated), st.st_mode & 07777, &err) < 0)
		return applet_fail_error(args, &err);
	return 0;
}

const struct applet applet_update_config = {
	.name = "update-config",
	.help = "-c|--config CONFIG\n\n"
		"lxc-update-config rewrites the LXC 1.x keys of a container configuration to\n"
		"today's names (lxc.utsname -> lxc.uts.name, lxc.network.* -> lxc.net.N.*, ...).\n"
		"Comments and order are kept; the original is saved as CONFIG.backup.\n"
		"Included files are not changed. A configuration without old keys is left alone.\n\n"
		"Options :\n"
		"  -c, --config=CONFIG   the container configuration to update\n",
	.options = options,
	.shortopts = "c:",
	.parse = parse,
	.main = update_config_main,
	.flags = APPLET_NO_LOG_NAME,
};
