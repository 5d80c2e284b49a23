/* Namespace selection and sharing for container starts and attaches. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "namespace.h"
#include "net.h"
#include "runtime.h"
#include "utils.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	const char *name;
	int flag;
} ns_table[NS_COUNT] = {
	[NS_USER] = { "user", CLONE_NEWUSER },
	[NS_MNT] = { "mnt", CLONE_NEWNS },
	[NS_PID] = { "pid", CLONE_NEWPID },
	[NS_UTS] = { "uts", CLONE_NEWUTS },
	[NS_IPC] = { "ipc", CLONE_NEWIPC },
	[NS_NET] = { "net", CLONE_NEWNET },
	[NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP },
	[NS_TIME] = { "time", CLONE_NEWTIME },
};

const char *ns_proc_name(enum conf_ns ns)
{
	return ns_table[ns].name;
}

int ns_clone_flag(enum conf_ns ns)
{
	return ns_table[ns].flag;
}

int ns_clone_flags(const struct lxc_conf *conf, int *flags, struct lxc_error *err)
{
	int f = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;

	if (conf->n_idmaps)
		f |= CLONE_NEWUSER;
	/* LXC's rule: only NICs that are all "none" share the host's network namespace */
	if (!conf->ns_clone && !conf->ns_share[NS_NET] && net_uses_host_netns(conf))
		f &= ~CLONE_NEWNET;
	if (conf->ns_clone)
		f = conf->ns_clone;
	f &= ~conf->ns_keep;
	for (int ns = 0; ns < NS_COUNT; ns++)
		if (conf->ns_share[ns])
			f &= ~ns_table[ns].flag;
	if (!(f & CLONE_NEWNS))
		return error_set(err, "a container needs its own mount namespace (lxc.namespace.keep/clone)");
	if ((f & CLONE_NEWUSER) && !conf->n_idmaps)
		return error_set(err, "a user namespace needs lxc.idmap entries");
	*flags = f;
	return 0;
}

static int open_ns_of_pid(pid_t pid, enum conf_ns ns, struct lxc_error *err)
{
	_cleanup_free_ char *path = xasprintf("/proc/%d/ns/%s", (int)pid, ns_table[ns].name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_sys(err, errno, "failed to open \"%s\"", path);
	return fd;
}

/* lxc.namespace.share.X = NAME | PID | /path */
static int open_shared_target(const char *target, enum conf_ns ns, const char *lxcpath, struct lxc_error *err)
{
	struct runtime_paths paths;
	int pid, ret;

	if (target[0] == '/') {
		int fd = open(target, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return error_sys(err, errno, "failed to open \"%s\"", target);
		return fd;
	}
	if (str_to_int(target, &pid) == 0 && pid > 0)
		return open_ns_of_pid(pid, ns, err);
	runtime_paths_init(&paths, lxcpath, target);
	ret = cmd_call_once(paths.command, CMD_GET_INIT_PID, 0, NULL, NULL, err);
	runtime_paths_free(&paths);
	if (ret <= 0) {
		if (err && (err->code == ENOENT || err->code == ECONNREFUSED))
			error_set(err, "container \"%s\" is not running", target);
		return -1;
	}
	return open_ns_of_pid(ret, ns, err);
}

int ns_open_shared(const struct lxc_conf *conf, const char *lxcpath, int fds[NS_COUNT], struct lxc_error *err)
{
	for (int ns = 0; ns < NS_COUNT; ns++)
		fds[ns] = -1;
	for (int ns = 0; ns < NS_COUNT; ns++) {
		if (!conf->ns_share[ns])
			continue;
		fds[ns] = open_shared_target(conf->ns_share[ns], ns, lxcpath, err);
		if (fds[ns] < 0) {
			ns_close_all(fds);
			return error_prefix(err, "lxc.namespace.share.%s", ns_table[ns].name);
		}
	}
	return 0;
}

int ns_join_shared(const int fds[NS_COUNT], struct lxc_error *err)
{
	/* user first: it decides what the others may be joined with */
	static const enum conf_ns order[] = { NS_USER, NS_MNT, NS_UTS, NS_IPC, NS_NET, NS_CGROUP, NS_TIME };

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		enum conf_ns ns = order[i];

		if (fds[ns] < 0)
			continue;
		if (setns(fds[ns], ns_table[ns].flag) < 0)
			return error_sys(err, errno, "failed to join the shared %s namespace", ns_table[ns].name);
	}
	return 0;
}

void ns_close_all(int fds[NS_COUNT])
{
	for (int ns = 0; ns < NS_COUNT; ns++) {
		if (fds[ns] >= 0)
			close(fds[ns]);
		fds[ns] = -1;
	}
}

int ns_open_pid(pid_t pid, int flags, int fds[NS_COUNT], struct lxc_error *err)
{
	for (int ns = 0; ns < NS_COUNT; ns++)
		fds[ns] = -1;
	for (int ns = 0; ns < NS_COUNT; ns++) {
		if (!(flags & ns_table[ns].flag))
			continue;
		fds[ns] = open_ns_of_pid(pid, ns, err);
		if (fds[ns] < 0) {
			ns_close_all(fds);
			return -1;
		}
	}
	return 0;
}
