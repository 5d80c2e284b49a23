/* Container lookup helpers for the applets: names, paths, state, config, commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "container.h"
#include "state.h"
#include "utils.h"

int container_name_check(const char *name, struct lxc_error *err)
{
	if (!name || !*name)
		return error_set(err, "no container name given");
	if (strlen(name) > 200)
		return error_set(err, "container name \"%.20s...\" is too long", name);
	if (!strcmp(name, ".") || !strcmp(name, "..") || name[0] == '-' || name[0] == '.')
		return error_set(err, "invalid container name \"%s\"", name);
	for (const char *c = name; *c; c++) {
		if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f || *c == ' ' || *c == '\t')
			return error_set(err, "invalid container name \"%s\": it must be one path component "
					      "without '/', blanks or control characters", name);
	}
	return 0;
}

char *container_dir(const char *lxcpath, const char *name)
{
	return xasprintf("%s/%s", lxcpath, name);
}

char *container_config_path(const char *lxcpath, const char *name)
{
	return xasprintf("%s/%s/config", lxcpath, name);
}

bool container_defined(const char *lxcpath, const char *name)
{
	_cleanup_free_ char *path = NULL;

	if (container_name_check(name, NULL) < 0)
		return false;
	path = container_config_path(lxcpath, name);
	return access(path, F_OK) == 0;
}

int container_require_defined(const char *lxcpath, const char *name, struct lxc_error *err)
{
	if (container_name_check(name, err) < 0)
		return -1;
	if (!container_defined(lxcpath, name))
		return error_set(err, "%s doesn't exist", name);
	return 0;
}

int container_command(const char *lxcpath, const char *name, int cmd, int arg, const char *in,
		      char **out, struct lxc_error *err)
{
	struct runtime_paths paths;
	int ret;

	runtime_paths_init(&paths, lxcpath, name);
	ret = cmd_call_once(paths.command, cmd, arg, in, out, err);
	runtime_paths_free(&paths);
	return ret;
}

int container_state(const char *lxcpath, const char *name)
{
	int st = container_command(lxcpath, name, CMD_GET_STATE, 0, NULL, NULL, NULL);

	return st < 0 ? STATE_STOPPED : st;
}

pid_t container_init_pid(const char *lxcpath, const char *name)
{
	int pid = container_command(lxcpath, name, CMD_GET_INIT_PID, 0, NULL, NULL, NULL);

	return pid > 0 ? pid : -1;
}

struct lxc_conf *container_load_conf(const char *lxcpath, const char *name, const char *rcfile,
				     struct lxc_error *err)
{
	_cleanup_free_ char *path = rcfile ? xstrdup(rcfile) : container_config_path(lxcpath, name);
	struct lxc_conf *conf = conf_new();

	if (conf_load_file(conf, path, err) < 0) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}
