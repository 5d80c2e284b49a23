/* lxc-usernsexec: run a command in a new user namespace with the given id maps
 * (-m u|g|b:nsid:hostid:range); without -m, root maps onto its /etc/subuid range. */
//applet: usernsexec
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"

static struct strlist maps;

static const struct option options[] = {
	{ "map", required_argument, NULL, 'm' },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	strlist_push(&maps, arg);
	return 0;
}

/* "b:0:100000:65536" -> lines for uid_map and gid_map */
static int add_map(const char *spec, char **uid_text, char **gid_text, struct lxc_error *err)
{
	char type;
	unsigned long ns, host, range;
	char extra;

	if (sscanf(spec, "%c:%lu:%lu:%lu%c", &type, &ns, &host, &range, &extra) != 4 ||
	    (type != 'u' && type != 'g' && type != 'b'))
		return error_set(err, "invalid map \"%s\" (expected u|g|b:nsid:hostid:range)", spec);
	for (int pass = 0; pass < 2; pass++) {
		char **text = pass == 0 ? uid_text : gid_text;
		char *next;

		if (type != 'b' && type != (pass == 0 ? 'u' : 'g'))
			continue;
		next = xasprintf("%s%lu %lu %lu\n", *text, ns, host, range);
		free(*text);
		*text = next;
	}
	return 0;
}

/* root's range from /etc/subuid and /etc/subgid, mapped to 0 */
static void default_maps(void)
{
	const char *files[2] = { "/etc/subuid", "/etc/subgid" };

	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *text = NULL;
		unsigned long start, count;
		char *line, *save = NULL;

		if (file_read(files[i], &text, NULL, NULL) < 0)
			continue;
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (sscanf(line, "root:%lu:%lu", &start, &count) == 2 || sscanf(line, "0:%lu:%lu", &start, &count) == 2) {
				strlist_push_owned(&maps, xasprintf("%c:0:%lu:%lu", i == 0 ? 'u' : 'g', start, count));
				break;
			}
		}
	}
}

static int usernsexec_main(struct lxc_args *args)
{
	_cleanup_free_ char *uid_text = xstrdup(""), *gid_text = xstrdup("");
	struct lxc_error err = { 0 };
	int to_child[2], to_parent[2], status;
	char c;
	pid_t pid;

	if (args->argc < 1)
		return applet_fail(args, "a command is required");
	if (!maps.len)
		default_maps();
	if (!maps.len)
		return applet_fail(args, "no -m maps given and no range for root in /etc/subuid");
	for (size_t i = 0; i < maps.len; i++)
		if (add_map(maps.items[i], &uid_text, &gid_text, &err) < 0)
			return applet_fail_error(args, &err);
	if (pipe2(to_child, O_CLOEXEC) < 0 || pipe2(to_parent, O_CLOEXEC) < 0)
		return applet_fail(args, "pipe failed: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return applet_fail(args, "fork failed: %s", strerror(errno));
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER) < 0) {
			fprintf(stderr, "%s: failed to create a user namespace: %s\n", args->progname, strerror(errno));
			_exit(1);
		}
		if (write(to_parent[1], "u", 1) != 1 || read(to_child[0], &c, 1) != 1 || c != 'g')
			_exit(1);
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			fprintf(stderr, "%s: failed to become root in the namespace: %s\n", args->progname, strerror(errno));
			_exit(1);
		}
		execvp(args->argv[0], args->argv);
		fprintf(stderr, "%s: failed to exec \"%s\": %s\n", args->progname, args->argv[0], strerror(errno));
		_exit(127);
	}
	if (read(to_parent[0], &c, 1) != 1) {
		waitpid(pid, NULL, 0);
		return 1;
	}
	{
		_cleanup_free_ char *up = xasprintf("/proc/%d/uid_map", (int)pid);
		_cleanup_free_ char *gp = xasprintf("/proc/%d/gid_map", (int)pid);

		if ((*uid_text && file_write_str(up, uid_text, &err) < 0) ||
		    (*gid_text && file_write_str(gp, gid_text, &err) < 0)) {
			kill(pid, 9);
			waitpid(pid, NULL, 0);
			return applet_fail_error(args, &err);
		}
	}
	if (write(to_child[1], "g", 1) != 1)
		return 1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	strlist_clear(&maps);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const struct applet applet_usernsexec = {
	.name = "usernsexec",
	.help = "-m uid-map [-m uid-map]... -- COMMAND\n\n"
		"lxc-usernsexec runs COMMAND as root in a new user namespace\n\n"
		"Options :\n"
		"  -m, --map=u|g|b:NSID:HOSTID:RANGE  an id mapping (may repeat)\n",
	.options = options,
	.shortopts = "+m:",
	.parse = parse,
	.main = usernsexec_main,
};
