/* lxc-init: pid 1 of an lxc-execute container. Runs the command as its child,
 * forwards signals to it, reaps every zombie, and exits with the command's status. */
//applet: init
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"

extern char **environ;

static int init_main(struct lxc_args *args)
{
	char **cmd = args->argv;
	posix_spawnattr_t attr;
	sigset_t all, old;
	int sfd, err, status = 0;
	pid_t child;

	if (args->argc > 0 && !strcmp(cmd[0], "--"))
		cmd++;
	if (!cmd[0]) {
		fprintf(stderr, "lxc-init: no command given\n");
		return 1;
	}
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	sfd = signalfd(-1, &all, SFD_CLOEXEC);
	/* posix_spawn is a vfork (musl: CLONE_VM|CLONE_VFORK): no copy of our page tables
	 * for a process that execs at once, and no copy-on-write faults afterwards */
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &old);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	err = posix_spawnp(&child, cmd[0], NULL, &attr, cmd, environ);
	posix_spawnattr_destroy(&attr);
	if (err) {
		fprintf(stderr, "lxc-init: failed to exec \"%s\": %s\n", cmd[0], strerror(err));
		return 127;
	}
	for (;;) {
		struct signalfd_siginfo si;
		pid_t pid;
		int st;

		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD) {
			/* SIGKILL/SIGSTOP never arrive here; everything else goes to the command */
			kill(child, si.ssi_signo);
			continue;
		}
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			if (pid == child) {
				status = st;
				child = -1;
			}
		}
		if (child < 0)
			break;
	}
	/* the command is done: whatever it left behind goes with us (only as pid 1 of a pid
	 * namespace: anywhere else kill(-1) would hit every process of the user) */
	if (getpid() == 1)
		kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

const struct applet applet_init = {
	.name = "init",
	.help = "-- COMMAND\n\n"
		"lxc-init runs COMMAND as the child of a minimal init (pid 1 of lxc-execute)\n\n"
		"Options :\n",
	.main = init_main,
	.flags = APPLET_NO_COMMON,
};
