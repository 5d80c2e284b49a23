/* Running lxc.hook.* scripts. Version 0 hooks get "NAME lxc TYPE" appended to their
 * command line; version 1 hooks get the same information only in the environment. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hooks.h"
#include "log.h"
#include "utils.h"

static const char *const hook_names[HOOK_COUNT] = {
	[HOOK_PRE_START] = "pre-start",
	[HOOK_PRE_MOUNT] = "pre-mount",
	[HOOK_MOUNT] = "mount",
	[HOOK_AUTODEV] = "autodev",
	[HOOK_START] = "start",
	[HOOK_STOP] = "stop",
	[HOOK_POST_STOP] = "post-stop",
	[HOOK_CLONE] = "clone",
	[HOOK_DESTROY] = "destroy",
	[HOOK_START_HOST] = "start-host",
};

const char *hook_type_name(enum conf_hook hook)
{
	return hook_names[hook];
}

/* Single-quote s for /bin/sh. */
static char *shell_quote(const char *s)
{
	size_t n = 3;
	char *out, *p;

	for (const char *c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	p = out = xmalloc(n);
	*p++ = '\'';
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *c;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return out;
}

static int run_one(const char *command, const struct lxc_conf *conf, enum conf_hook hook, const char *name,
		   char *const *env, char *const *extra_args, struct lxc_error *err)
{
	_cleanup_free_ char *line = xstrdup(command);
	int status;
	pid_t pid;

	if (conf->hook_version == 0) {
		const char *args[3] = { name, "lxc", hook_names[hook] };

		for (size_t i = 0; i < 3; i++) {
			_cleanup_free_ char *q = shell_quote(args[i]);
			char *next = xasprintf("%s %s", line, q);

			free(line);
			line = next;
		}
		for (size_t i = 0; extra_args && extra_args[i]; i++) {
			_cleanup_free_ char *q = shell_quote(extra_args[i]);
			char *next = xasprintf("%s %s", line, q);

			free(line);
			line = next;
		}
	}
	DEBUG("running %s hook: %s", hook_names[hook], line);
	pid = fork();
	if (pid < 0)
		return error_sys(err, errno, "failed to fork for the %s hook", hook_names[hook]);
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setenv("LXC_NAME", name, 1);
		setenv("LXC_HOOK_TYPE", hook_names[hook], 1);
		setenv("LXC_HOOK_SECTION", "lxc", 1);
		setenv("LXC_HOOK_VERSION", conf->hook_version ? "1" : "0", 1);
		setenv("LXC_CGNS_AWARE", "1", 1);
		setenv("LXC_LOG_LEVEL", log_level_name(log_get_level()), 1);
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		execl("/bin/sh", "sh", "-c", line, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return error_sys(err, errno, "failed to wait for the %s hook", hook_names[hook]);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return error_set(err, "%s hook \"%s\" failed with exit status %d", hook_names[hook], command,
				 WEXITSTATUS(status));
	return error_set(err, "%s hook \"%s\" was killed by signal %d", hook_names[hook], command, WTERMSIG(status));
}

int hooks_run(const struct lxc_conf *conf, enum conf_hook hook, const char *name,
	      char *const *env, char *const *extra_args, struct lxc_error *err)
{
	const struct strlist *list = &conf->hooks[hook];

	for (size_t i = 0; i < list->len; i++)
		if (run_one(list->items[i], conf, hook, name, env, extra_args, err) < 0)
			return -1;
	return 0;
}
