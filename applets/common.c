/* Helpers several applets share: -s defines, the container's own log settings.
 * (No "//applet:" line: this file is not an applet.) */
#include <string.h>

#include "applet.h"

/* -s KEY=VAL, applied after the config file (not written back to it). */
int applet_apply_defines(struct lxc_conf *conf, const struct strlist *defines, struct lxc_error *err)
{
	for (size_t i = 0; i < defines->len; i++) {
		_cleanup_free_ char *kv = xstrdup(defines->items[i]);
		char *eq = strchr(kv, '=');

		if (!eq)
			return error_set(err, "-s %s: expected KEY=VALUE", defines->items[i]);
		*eq = '\0';
		if (conf_apply_item(conf, str_trim(kv), str_trim(eq + 1), err) < 0)
			return -1;
	}
	return 0;
}

/* The log the container config asks for, unless -o/-l were given. */
void applet_container_log(const struct lxc_args *args, const struct lxc_conf *conf)
{
	if (!args->logfile && conf->log_file && *conf->log_file)
		log_set_file(conf->log_file);
	if (args->logpriority < 0 && conf->log_level >= 0)
		log_set_level(conf->log_level);
}

