/* The guard: a process behind the monitor that waits for the monitor's death and, if the
 * monitor was killed, undoes what its state file records (cgroups, network devices). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "start_internal.h"
#include "state.h"
#include "utils.h"

/* Why CLONE_VM and not fork: a fork copies the monitor's page tables and leaves every page
 * the monitor writes afterwards to a copy-on-write fault, and the monitor's exit tears its
 * address space down before its caller hears of it; under a hypervisor that was 1.2-1.4 ms
 * of lxc-execute's ~16 (the guard shares the memory now, and the teardown is the guard's,
 * after the monitor's exit).
 * The price: the guard must not touch what the monitor writes. Everything it needs is in
 * one mapping of its own (struct guard, its stack, the strings), written before the
 * clone and never again; until the monitor is gone it makes only system calls through
 * guard_syscall, which leaves errno (in the thread area the two share) alone. Once the
 * monitor is gone, a crash is cleaned up by a fresh copy of this binary (exec'd as
 * "lxc-guard", start_guard_cleanup): the monitor may have died halfway through a malloc.
 * What shares the monitor's memory dies with it when the OOM killer picks the monitor (and,
 * on kernels before 5.16, when it dumps core): then the next start undoes what was left
 * (container_start), as after a kill of both. */

#define GUARD_STACK (16 * 1024)

struct guard {
	pid_t monitor;
	int lock_fd;
	int log_fd;
	int status_fd;           /* a daemon's status pipe: closed at once, its reader waits for EOF */
	int monitor_sock;        /* the monitor's end of the guard socket */
	char *lock_path;
	char **envp;             /* the monitor's: it never changes it (forked children do) */
	char *argv[10];          /* "lxc-guard" LOCK_FD LXCPATH NAME LABEL LOG_FD LEVEL QUIET PROG */
	char text[];             /* the strings, then the stack */
};

static long guard_syscall(long nr, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	register long r10 __asm__("r10") = d;
	unsigned long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return (long)ret;
#else
	/* elsewhere libc's wrapper, which sets errno only when a call fails: none of the
	 * guard's calls before the monitor's death can, with the arguments it passes */
	return syscall(nr, a, b, c, d);
#endif
}

/* Runs on the guard's own stack in the monitor's memory (see above). */
static int guard_main(void *arg)
{
	struct guard *g = arg;
	unsigned long all = ~0UL, death = 1UL << (SIGUSR1 - 1);
	struct runtime_paths paths = { .lock = g->lock_path };

	/* the caller's signals are for the monitor; a daemon's caller reads the status pipe
	 * to EOF, and a caller reading our output must not wait for the guard either */
	guard_syscall(SYS_rt_sigprocmask, SIG_BLOCK, (long)&all, 0, sizeof(all));
	if (g->status_fd >= 0)
		guard_syscall(SYS_close, g->status_fd, 0, 0, 0);
	guard_syscall(SYS_close, g->monitor_sock, 0, 0, 0);
	guard_syscall(SYS_close, STDIN_FILENO, 0, 0, 0);
	guard_syscall(SYS_close, STDOUT_FILENO, 0, 0, 0);
	guard_syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGUSR1, 0, 0);
	guard_syscall(SYS_prctl, PR_SET_NAME, (long)"lxc-guard", 0, 0);
	if (guard_syscall(SYS_getppid, 0, 0, 0, 0) == g->monitor)
		while (guard_syscall(SYS_rt_sigtimedwait, (long)&death, 0, 0, sizeof(death)) != SIGUSR1)
			; /* -EINTR after a SIGSTOP/SIGCONT */
	/* The monitor's last step removes the lock file; still there (and ours), the monitor
	 * died before the end. Not the state file's presence: by now the next start may have
	 * written its own under the same name. After a normal exit the lock file is gone (or
	 * a new start's), and exiting only drops our copy of the lock fd. */
	if (!runtime_lock_file_is(&paths, g->lock_fd))
		_exit(0);
	fcntl(g->lock_fd, F_SETFD, 0);
	if (g->log_fd >= 0)
		fcntl(g->log_fd, F_SETFD, 0);
	execve("/proc/self/exe", g->argv, g->envp);
	dprintf(STDERR_FILENO, "lxc-guard: cannot run the cleanup after a monitor crash: %s\n", strerror(errno));
	_exit(1);
}

/* Copies s into the guard's text area at *pos. */
static char *guard_str(struct guard *g, size_t *pos, const char *s)
{
	char *dst = g->text + *pos;
	size_t n = strlen(s) + 1;

	memcpy(dst, s, n);
	*pos += n;
	return dst;
}

pid_t start_guard_spawn(struct start_ctx *ctx, int monitor_sock, struct lxc_error *err)
{
	char lock_fd[16], log_fd[16], level[16];
	const char *label = ctx->lsm.generated && ctx->lsm.label ? ctx->lsm.label : "";
	const char *args[] = { "lxc-guard", lock_fd, ctx->lxcpath, ctx->name, label, log_fd, level,
			       log_get_quiet() ? "1" : "0", log_get_prog() };
	size_t text = strlen(ctx->paths.lock) + 1, pos = 0, size;
	struct guard *g;
	pid_t pid;

	snprintf(lock_fd, sizeof(lock_fd), "%d", ctx->lock_fd);
	snprintf(log_fd, sizeof(log_fd), "%d", log_file_fd());
	snprintf(level, sizeof(level), "%d", log_get_level());
	for (size_t i = 0; i < ARRAY_SIZE(args); i++)
		text += strlen(args[i]) + 1;
	text = (text + 15) & ~(size_t)15;
	size = ((sizeof(*g) + 15) & ~(size_t)15) + text + GUARD_STACK; /* the stack's top 16-aligned */
	/* never unmapped by the monitor: the guard uses it until its own exit */
	g = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED)
		return error_sys(err, errno, "cannot map the guard's memory");
	g->monitor = getpid();
	g->lock_fd = ctx->lock_fd;
	g->log_fd = log_file_fd();
	g->status_fd = ctx->status_fd;
	g->monitor_sock = monitor_sock;
	g->envp = environ;
	for (size_t i = 0; i < ARRAY_SIZE(args); i++)
		g->argv[i] = guard_str(g, &pos, args[i]);
	g->argv[ARRAY_SIZE(args)] = NULL;
	g->lock_path = guard_str(g, &pos, ctx->paths.lock);
	pid = clone(guard_main, (char *)g + size, CLONE_VM | SIGCHLD, g);
	if (pid < 0) {
		munmap(g, size);
		return error_sys(err, errno, "cannot start the guard");
	}
	return pid;
}

/* Undo what a monitor recorded in its state file: cgroups and network devices. */
void start_cleanup_state_file(const struct runtime_paths *paths)
{
	_cleanup_free_ char *body = NULL;
	struct lxc_error err = { 0 };
	char *p, *name, *lxcpath;
	size_t cg_len, net_len;

	if (file_read(paths->state, &body, NULL, NULL) < 0)
		return;
	if (sscanf(body, "%zu\n%zu\n", &cg_len, &net_len) != 2)
		goto out;
	p = strchr(body, '\n');
	p = p ? strchr(p + 1, '\n') : NULL;
	if (!p)
		goto out;
	name = p + 1;
	if (!(p = strchr(name, '\n')))
		goto out;
	*p = '\0';
	lxcpath = p + 1;
	if (!(p = strchr(lxcpath, '\n')))
		goto out;
	*p++ = '\0';
	if (strlen(p) < cg_len + 1 + net_len)
		goto out;
	p[cg_len] = '\0';
	p[cg_len + 1 + net_len] = '\0';
	{
		struct net_state net = { 0 };

		net_state_init(&net);
		if (net_state_parse(&net, p + cg_len + 1, &err) == 0)
			net_teardown(&net, &err);
		net_state_free(&net);
	}
	if (cg_len) {
		struct cgroup_ctx *cg = NULL;

		if (cgroup_ctx_deserialize(&cg, p, &err) == 0) {
			if (cgroup_destroy(cg, &err) < 0)
				WARN("after a monitor crash: %s", err.msg);
			cgroup_ctx_free(cg);
		}
	}
out:
	unlink(paths->state);
	unlink(paths->command);
}

/* "lxc-guard LOCK_FD LXCPATH NAME LABEL LOG_FD LEVEL QUIET PROG", exec'd by a guard whose
 * monitor was killed: undo what the monitor left, release the lock, announce STOPPED. */
int start_guard_cleanup(int argc, char **argv)
{
	struct lsm_plan lsm = { .kind = LSM_APPARMOR, .attr_fd = -1, .generated = true };
	struct lxc_error err = { 0 };
	struct runtime_paths paths;
	int lock_fd, log_fd, null;

	if (argc != 9) {
		fprintf(stderr, "lxc-guard: for the monitor's use only\n");
		return 1;
	}
	lock_fd = atoi(argv[1]);
	log_fd = atoi(argv[5]);
	log_set_prog(argv[8], argv[3]);
	log_set_level(atoi(argv[6]));
	log_set_quiet(argv[7][0] == '1');
	if (log_fd >= 0) {
		char path[32];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", log_fd);
		log_set_file(path);
		close(log_fd);
	}
	/* fds 0 and 1 taken again: a pipe made for script.down must not land on them (a dup2
	 * onto itself keeps close-on-exec, and the script would lose its stdin) */
	null = open("/dev/null", O_RDWR);
	if (null == STDIN_FILENO && dup2(null, STDOUT_FILENO) < 0)
		WARN("cannot fill the guard's stdout with /dev/null");
	runtime_paths_init(&paths, argv[2], argv[3]);
	if (runtime_lock_file_is(&paths, lock_fd)) {
		start_cleanup_state_file(&paths);
		lsm.label = argv[4][0] ? argv[4] : NULL;
		if (lsm_unload_generated(&lsm, &err) < 0)
			WARN("after a monitor crash: %s", err.msg);
		runtime_unlock(&paths, lock_fd);
		event_broadcast(argv[2], argv[3], EVENT_STATE, STATE_STOPPED);
	}
	runtime_paths_free(&paths);
	return 0;
}
