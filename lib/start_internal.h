/* State shared by the monitor (start.c, start_monitor.c) and the child (start_child.c)
 * during one start, and the setup handshake between them. Not part of the public API. */
#ifndef LXC_START_INTERNAL_H
#define LXC_START_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "console.h"
#include "conf.h"
#include "lsm.h"
#include "mount.h"
#include "namespace.h"
#include "net.h"
#include "runtime.h"
#include "seccomp.h"
#include "start.h"

/* Handshake steps on the sync socketpair (SOCK_SEQPACKET). */
enum sync_step {
	SYNC_CHILD_READY = 1, /* child: PDEATHSIG set, shared namespaces joined, ttys open */
	SYNC_HOST_DONE,       /* monitor: id maps, cgroups, network devices done; text: the
			       * cgroup context when the mount plan mounts cgroups */
	SYNC_TTY,             /* child: one lxc.tty.max pty opened, its name; the master comes along */
	SYNC_CONSOLE,         /* monitor: the console's slave name ("" for none); its fd comes along */
	SYNC_SETUP_DONE,      /* child: filesystem set up, about to drop privileges */
	SYNC_GO,              /* monitor: start-host hook ran, go and exec; lxc-execute: the
			       * sealed copy of the binary to exec comes along */
	SYNC_ERROR,           /* either side: text follows; the start is aborted */
};

struct start_ctx {
	struct start_options *opts;
	struct lxc_conf *conf;
	const char *name, *lxcpath;
	struct runtime_paths paths;
	int lock_fd;
	int clone_flags;
	int share_fds[NS_COUNT];
	int init_ns_fds[NS_COUNT];  /* init's namespaces, for the stop hook's arguments */
	int init_mntns_fd;          /* init's mount namespace, kept past init's death (see guard_sock) */
	int guard_sock;             /* to the guard: the last run's init_mntns_fd is parked there */
	struct seccomp_program seccomp;
	struct rootfs rootfs;       /* compiled by the monitor, mounted by the child */
	struct mount_plan plan;
	struct lsm_plan lsm;
	uint64_t caps_keep;
	struct cgroup_ctx *cgroup;
	struct net_state net;
	int sync_fd[2];             /* [0] monitor end, [1] child end */
	struct console console;
	int *tty_masters;           /* lxc.tty.max ptys (opened by the child, by the monitor for a
				     * restore): masters stay with the monitor */
	int *tty_slaves;            /* ... slaves held until init runs (restore), -1 */
	char **tty_names;           /* "/dev/pts/N" of each slave (a checkpoint records them) */
	size_t n_ttys;
	char **init_argv;
	int exec_memfd;             /* lxc-execute: sealed copy of our binary, -1 otherwise */
	pid_t init_pid;
	int init_pidfd;
	int state;
	int cmd_fd;                 /* listening command socket */
	int status_fd;              /* daemon mode: where to report started/failed, -1 otherwise */
	int state_fd;               /* paths.state, rewritten in place (start_write_state) */
	bool caller_waiting;        /* lxc-start/lxc-execute still waits for OK or an error */
	int init_status;            /* wait status of init once it exited */
	bool init_exited;
	bool reboot;
};

/* The ptys lxc.tty.max asks for. lxc-execute's application container gets none, as in
 * LXC (no /dev/ttyN, no container_ttys): nothing in it runs a getty, and each pty costs
 * a few hundred microseconds of a start that is mostly its command's. */
static inline unsigned start_tty_count(const struct start_ctx *ctx)
{
	return ctx->opts->execute ? 0 : ctx->conf->tty_max;
}

/* start_guard.c: the guard process, which undoes a killed monitor's leftovers (returns
 * its pid), and that undoing (also for a start that finds a state file left behind). */
pid_t start_guard_spawn(struct start_ctx *ctx, int monitor_sock, struct lxc_error *err);
void start_cleanup_state_file(const struct runtime_paths *paths);

/* start_child.c: runs in the cloned child; never returns. */
__attribute__((noreturn)) void start_child(struct start_ctx *ctx);

/* sync helpers (start_sync.c) */
int sync_send(int fd, int step, const char *text, int send_fd);
/* Waits for `step`; a SYNC_ERROR from the peer becomes err. *recv_fd may be NULL. */
int sync_expect(int fd, int step, int *recv_fd, struct lxc_error *err);
/* Receive any message; returns the step, text in buf. */
int sync_recv(int fd, char *buf, size_t len, int *recv_fd);

/* Waits for `step` and returns its text (up to SYNC_TEXT_MAX bytes, malloc'd) in *text. */
#define SYNC_TEXT_MAX 65536
int sync_expect_text(int fd, int step, char **text, int *recv_fd, struct lxc_error *err);

/* Whether the mount plan's cgroup mount (if any) leaves everything to the container
 * (cgroup_mount_auto_inert): then init does not wait for its cgroups to mount, and
 * SYNC_HOST_DONE carries no cgroup context. Needs ctx->cgroup, made before clone. */
bool start_cgroup_mounts_inert(const struct start_ctx *ctx);

/* start_monitor.c: after init runs, serve commands and reap; returns when it exited. */
int monitor_run(struct start_ctx *ctx, struct lxc_error *err);
void monitor_set_state(struct start_ctx *ctx, int state);
/* start.c: record what the guard must undo if the monitor dies (cgroups, network). */
int start_write_state(struct start_ctx *ctx, struct lxc_error *err);

/* hooks.c */
int start_run_hook(struct start_ctx *ctx, enum conf_hook hook, struct lxc_error *err);

#endif
