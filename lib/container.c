/* Container lookup helpers for the applets: names, paths, state, config, commands. */
#include <errno.h>
#include <time.h>
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
	struct runtime_paths paths;
	int st = -1;

	runtime_paths_init(&paths, lxcpath, name);
	/* most containers of a long list are stopped: a stat is far cheaper than a socket */
	if (path_exists(paths.command))
		st = cmd_call_once(paths.command, CMD_GET_STATE, 0, NULL, NULL, NULL);
	runtime_paths_free(&paths);
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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int container_wait_state(struct event_listener *l, const char *lxcpath, const char *name, unsigned mask,
			 int timeout_ms, struct lxc_error *err)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

	for (;;) {
		struct lxc_event ev;
		long long left = deadline < 0 ? 1000 : deadline - now_ms();
		int r;

		if (mask & (1u << container_state(lxcpath, name)))
			return 1;
		if (deadline >= 0 && left <= 0)
			return 0;
		/* drain events until ours arrives; on silence, look at the state again */
		do {
			r = event_receive(l, &ev, left > 1000 ? 1000 : (int)left, err);
			if (r < 0)
				return -1;
			if (r > 0 && ev.type == EVENT_STATE && !strcmp(ev.name, name) && (mask & (1u << ev.value)))
				return 1;
		} while (r > 0);
	}
}
