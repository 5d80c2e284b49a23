/* lxc-console: attach this terminal to one of the container's ttys (or its console)
 * through the pty master the monitor hands over; Ctrl-a q detaches. */
//applet: console
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "commands.h"
#include "container.h"
#include "runtime.h"
#include "terminal.h"

static struct {
	int tty;
	int escape;
} opt = { .tty = -1, .escape = 1 };

static const struct option options[] = {
	{ "tty", required_argument, NULL, 't' },
	{ "escape", required_argument, NULL, 'e' },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	if (o == 't') {
		if (str_to_int(arg, &opt.tty) < 0 || opt.tty < -1) {
			fprintf(stderr, "%s: invalid tty number \"%s\"\n", args->progname, arg);
			return -1;
		}
		return 0;
	}
	/* "^b" or "b": Ctrl-b */
	if (arg[0] == '^' && arg[1] && !arg[2])
		opt.escape = (arg[1] & 0x1f);
	else if (arg[0] && !arg[1])
		opt.escape = (arg[0] & 0x1f);
	else {
		fprintf(stderr, "%s: invalid escape \"%s\" (use ^X)\n", args->progname, arg);
		return -1;
	}
	return 0;
}

static int console_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };
	struct runtime_paths paths;
	struct terminal_state term;
	int conn, master = -1, tty, ret = 0;
	char letter = 'a' + opt.escape - 1;

	if (container_require_defined(args->lxcpath, args->name, &err) < 0)
		return applet_fail_error(args, &err);
	runtime_paths_init(&paths, args->lxcpath, args->name);
	conn = cmd_connect(paths.command, &err);
	runtime_paths_free(&paths);
	if (conn < 0)
		return applet_fail(args, "%s is not running", args->name);
	tty = cmd_call(conn, CMD_CONSOLE, opt.tty, NULL, NULL, &master, &err);
	if (tty < 0 || master < 0) {
		close(conn);
		if (master >= 0)
			close(master);
		return applet_fail_error(args, &err);
	}
	fprintf(stderr, "\nConnected to tty %d\n"
			"Type <Ctrl+%c q> to exit the console, <Ctrl+%c Ctrl+%c> to enter Ctrl+%c itself\n",
		tty, letter, letter, letter, letter);
	terminal_raw(STDIN_FILENO, &term);
	if (terminal_proxy(STDIN_FILENO, STDOUT_FILENO, master, opt.escape, &err) < 0)
		ret = 1;
	terminal_restore(&term);
	fprintf(stderr, "\n");
	close(master);
	close(conn); /* the monitor frees the tty */
	if (ret)
		return applet_fail_error(args, &err);
	return 0;
}

const struct applet applet_console = {
	.name = "console",
	.help = "--name=NAME [--tty NUMBER]\n\n"
		"lxc-console logs on the container with the identifier NAME\n\n"
		"Options :\n"
		"  -n, --name=NAME      NAME of the container\n"
		"  -t, --tty=NUMBER     console tty number\n"
		"  -e, --escape=PREFIX  prefix for escape command\n"
		"  --rcfile=FILE        Load configuration file FILE\n",
	.options = options,
	.shortopts = "t:e:",
	.parse = parse,
	.main = console_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
