/* lxc-unshare: run a command in new namespaces (-s MOUNT|PID|UTSNAME|IPC|USER|NETWORK),
 * optionally with a hostname, an interface moved in, and default mounts. */
//applet: unshare
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applet.h"
#include "net.h"

static struct {
	int flags;
	long long uid;
	const char *hostname;
	struct strlist ifaces;
	bool daemonize, mounts;
} opt = { .uid = -1 };

static const struct option options[] = {
	{ "namespaces", required_argument, NULL, 's' },
	{ "user", required_argument, NULL, 'u' },
	{ "hostname", required_argument, NULL, 'H' },
	{ "ifname", required_argument, NULL, 'i' },
	{ "daemon", no_argument, NULL, 'd' },
	{ "remount", no_argument, NULL, 'M' },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	static const struct { const char *name; int flag; } names[] = {
		{ "MOUNT", CLONE_NEWNS }, { "PID", CLONE_NEWPID }, { "UTSNAME", CLONE_NEWUTS },
		{ "IPC", CLONE_NEWIPC }, { "USER", CLONE_NEWUSER }, { "NETWORK", CLONE_NEWNET },
		{ "CGROUP", CLONE_NEWCGROUP },
	};
	struct strlist parts = { 0 };

	switch (o) {
	case 's':
		strlist_split(&parts, arg, "|");
		for (size_t i = 0; i < parts.len; i++) {
			bool found = false;

			for (size_t k = 0; k < ARRAY_SIZE(names); k++)
				if (!strcmp(parts.items[i], names[k].name)) {
					opt.flags |= names[k].flag;
					found = true;
				}
			if (!found) {
				fprintf(stderr, "%s: invalid namespace \"%s\"\n", args->progname, parts.items[i]);
				strlist_clear(&parts);
				return -1;
			}
		}
		strlist_clear(&parts);
		break;
	case 'u':
		if (str_to_int64(arg, &opt.uid) < 0 || opt.uid < 0) {
			fprintf(stderr, "%s: invalid uid \"%s\"\n", args->progname, arg);
			return -1;
		}
		break;
	case 'H': opt.hostname = arg; break;
	case 'i': strlist_push(&opt.ifaces, arg); break;
	case 'd': opt.daemonize = true; break;
	case 'M': opt.mounts = true; break;
	}
	return 0;
}

static int setup_inside(struct lxc_error *err)
{
	if (opt.hostname && sethostname(opt.hostname, strlen(opt.hostname)) < 0)
		return error_sys(err, errno, "failed to set hostname");
	if (opt.mounts && (opt.flags & CLONE_NEWNS)) {
		if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
			return error_sys(err, errno, "failed to make / a slave mount");
		if (opt.flags & CLONE_NEWPID) {
			umount2("/proc", MNT_DETACH);
			if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
				return error_sys(err, errno, "failed to mount /proc");
		}
		if (mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, NULL) < 0)
			return error_sys(err, errno, "failed to mount /dev/shm");
		if (opt.flags & CLONE_NEWIPC)
			mount("mqueue", "/dev/mqueue", "mqueue", 0, NULL);
	}
	if (opt.uid >= 0 && (setresgid(opt.uid, opt.uid, opt.uid) < 0 || setresuid(opt.uid, opt.uid, opt.uid) < 0))
		return error_sys(err, errno, "failed to switch to uid %lld", opt.uid);
	return 0;
}

static int unshare_main(struct lxc_args *args)
{
	struct lxc_error err = { 0 };
	int sync[2], status;
	char go;
	pid_t pid;

	if (!opt.flags)
		return applet_fail(args, "a namespace list is needed (-s)");
	if (args->argc < 1)
		return applet_fail(args, "a command to execute in the new namespace is required");
	if (opt.ifaces.len && !(opt.flags & CLONE_NEWNET))
		return applet_fail(args, "-i needs a network namespace (-s NETWORK)");
	if (pipe2(sync, O_CLOEXEC) < 0)
		return applet_fail(args, "pipe failed: %s", strerror(errno));
	pid = syscall(SYS_clone, opt.flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0)
		return applet_fail(args, "failed to create the namespaces: %s", strerror(errno));
	if (pid == 0) {
		close(sync[1]);
		if (read(sync[0], &go, 1) != 1)
			_exit(1);
		if (setup_inside(&err) < 0) {
			fprintf(stderr, "%s: %s\n", args->progname, err.msg);
			_exit(1);
		}
		execvp(args->argv[0], args->argv);
		fprintf(stderr, "%s: failed to exec \"%s\": %s\n", args->progname, args->argv[0], strerror(errno));
		_exit(127);
	}
	close(sync[0]);
	for (size_t i = 0; i < opt.ifaces.len; i++) {
		if (net_move_interface_in(pid, opt.ifaces.items[i], NULL, &err) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return applet_fail_error(args, &err);
		}
	}
	if (write(sync[1], "g", 1) != 1)
		return applet_fail(args, "failed to start the command");
	close(sync[1]);
	if (opt.daemonize)
		return 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const struct applet applet_unshare = {
	.name = "unshare",
	.help = "-s NAMESPACES COMMAND\n\n"
		"lxc-unshare run a COMMAND in a new set of namespaces\n\n"
		"Options :\n"
		"  -s, --namespaces=FLAGS  ORed list of namespaces: MOUNT, PID, UTSNAME, IPC, USER, NETWORK\n"
		"  -u, --user=USERID       new user to use\n"
		"  -i, --ifname=IFNAME     interface name to move into the network namespace\n"
		"  -H, --hostname=NAME     set the hostname in the new UTS namespace\n"
		"  -d, --daemon            don't wait for the command\n"
		"  -M, --remount           remount /proc, /dev/shm and /dev/mqueue in the new namespaces\n",
	.options = options,
	.shortopts = "+s:u:H:i:dM",
	.parse = parse,
	.main = unshare_main,
};
