/* Shared by the monitor's dump (checkpoint_dump.c), restore (restore.c), the images
 * directory's description (checkpoint_image.c) and the CRIU options both use
 * (checkpoint_criu.c). Not part of the public API. */
#ifndef LXC_CHECKPOINT_INTERNAL_H
#define LXC_CHECKPOINT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "checkpoint.h"
#include "criu.h"
#include "start_internal.h"

#define CHECKPOINT_FORMAT 1

/* A pty the monitor holds the master of: index 0 is the console, N is ttyN. CRIU knows
 * it by the slave's st_rdev and st_dev at dump time ("tty[rdev:dev]"). */
struct checkpoint_tty {
	unsigned index;
	unsigned long long rdev, dev;
};

/* A NIC of the config (lxc.net.N) and its name inside the container when dumped. */
struct checkpoint_nic {
	int index;
	char *ifname;
};

/* lxc-checkpoint.meta */
struct checkpoint_meta {
	int format;
	bool predump;               /* memory only: cannot be restored */
	char *name, *lxcpath;       /* the container dumped */
	char *criu_version;         /* "4.1.1", as criu_version_text() */
	char *parent;               /* --predump-dir, or NULL */
	struct checkpoint_tty *ttys;
	size_t n_ttys;
	struct strlist binds;       /* container paths ("/lib") of external bind mount N */
	struct checkpoint_nic *nics;
	size_t n_nics;
	bool netns_fresh;           /* netns left out: restore makes a new one, lo up */
};

void checkpoint_meta_free(struct checkpoint_meta *m);
/* Written last (after CRIU's images), atomically: a directory without it is no dump. */
int checkpoint_meta_write(int dirfd, const struct checkpoint_meta *m, struct lxc_error *err);
/* dir is only for messages. A missing file: err->code ENOENT. */
int checkpoint_meta_read(int dirfd, const char *dir, struct checkpoint_meta *m, struct lxc_error *err);
/* The same from the file's text (modified): an images directory may come from another
 * host, so this is a fuzz target. */
int checkpoint_meta_parse(char *text, const char *dir, struct checkpoint_meta *m, struct lxc_error *err);
/* Remove what says "this is a dump" before CRIU writes over an old one. */
void checkpoint_meta_remove(int dirfd);

/* "4.1.1" or "4.1.1-gitid"; malloc'ed. */
char *checkpoint_criu_version_text(const struct criu_version *v);

/* Whether dumped_text (a config as dumped from old_lxcpath/name) is text as it is now in
 * new_lxcpath (the container dir may have moved: its path is compared as relative). On a
 * difference err names the first differing line. */
int checkpoint_config_compare(const char *dumped_text, const char *old_lxcpath, const char *new_lxcpath,
			      const char *name, const char *text, const char *dir, struct lxc_error *err);

/* ---- CRIU options both directions use (checkpoint_criu.c) ------------------------------ */

/* Name of the external mount of console/tty N and of host bind N in CRIU's images. */
#define CHECKPOINT_TTY_MNT "lxc-tty%u"
#define CHECKPOINT_BIND_MNT "lxc-bind%zu"

/* The container paths a console/tty N is bind-mounted on (one or two): malloc'ed. */
size_t checkpoint_tty_targets(const struct lxc_conf *conf, unsigned index, char *out[2]);
/* The host bind mounts of the mount plan, in plan order: op indexes into plan->ops. */
size_t checkpoint_plan_binds(const struct mount_plan *plan, size_t *ops, size_t max);

/* cg_root for every hierarchy (the payload cgroups); strings borrowed from ctx->cgroup.
 * *freezer: where CRIU freezes the tree (v1 freezer or the cgroup2 payload), malloc'ed. */
size_t checkpoint_cg_roots(struct start_ctx *ctx, struct criu_cg_root *roots, size_t max, char **freezer);

/* The mount namespace of one criu process (checkpoint_ns.c). */
struct checkpoint_ns {
	int host_mnt;               /* where the caller returns to */
	bool entered;
	char *kdat_path;            /* our copy of CRIU's kernel-feature cache; NULL: CRIU's own */
	bool kdat_given;            /* CRIU found our copy in its /run */
	bool kdat_kept;
};

/* Unshare (slave of the host's); on a host without a tmpfs /run, give CRIU one. */
int checkpoint_ns_enter(struct checkpoint_ns *ns, struct lxc_error *err);
/* Back to the host's mount namespace (criu, forked meanwhile, stays in the new one). */
int checkpoint_ns_leave(struct checkpoint_ns *ns, struct lxc_error *err);
/* Once criu has probed the kernel (at its first notification): keep the result. */
void checkpoint_ns_keep_kdat(struct checkpoint_ns *ns, pid_t criu_pid);
void checkpoint_ns_free(struct checkpoint_ns *ns);

/* State of one CRIU conversation, for its notifications. */
struct checkpoint_notify {
	struct start_ctx *ctx;
	const struct checkpoint_request *req;
	bool restore;
	bool net_locked;            /* the host veths are off their bridges */
	pid_t pid;                  /* the root task, from setup-namespaces/post-restore */
	bool lo_up;                 /* restore into a new netns: lo up at setup-namespaces */
	struct criu_conn *conn;     /* to read CRIU's kernel-feature cache while it runs */
	struct checkpoint_ns *ns;
};

/* criu_notify_fn: the network lock (dump), lo up in a new netns (restore's
 * setup-namespaces), the veths joining their bridges (restore's network-unlock), and the
 * action script of -A for every notification. */
int checkpoint_notify(void *data, const char *script, int pid, int fd, struct lxc_error *err);
/* Host veths off (lock) or back on (unlock) their bridges; unlock also brings them up
 * and, after a restore, gives them the MTU and a host-side MAC as a start does. */
int checkpoint_net_lock(struct start_ctx *ctx, bool lock, bool restored, struct lxc_error *err);
/* Which NIC configurations can be checkpointed (veth on a bridge, none, empty). */
int checkpoint_net_check(const struct lxc_conf *conf, struct lxc_error *err);

/* Opens a criu swrk for this request (binary: req->criu, else the usual search) and runs
 * VERSION on it. extra_fds as for criu_open(). */
int checkpoint_criu_open(struct criu_conn *c, const struct checkpoint_request *req, const struct lxc_sysconf *sc,
			 const int *extra_fds, size_t n_extra, struct criu_version *v, struct lxc_error *err);
/* Work around the start of criu: prepare runs in criu's mount namespace before criu is
 * spawned, loading back in ours while criu loads (before VERSION). Either may be NULL. */
struct checkpoint_criu_hooks {
	int (*prepare)(void *data, struct lxc_error *err);
	int (*loading)(void *data, struct lxc_error *err);
	void *data;
};
/* The same with criu in a mount namespace of its own (ns, left again on return); *dirfd
 * is req->dir opened there (CRIU's images_dir_fd: CRIU works in it, e.g. mounts its
 * cgroup yard). */
int checkpoint_criu_start(struct checkpoint_ns *ns, struct criu_conn *c, const struct checkpoint_request *req,
			  const struct lxc_sysconf *sc, const int *extra_fds, size_t n_extra,
			  const struct checkpoint_criu_hooks *hooks, int *dirfd, struct criu_version *v,
			  struct lxc_error *err);

/* ---- the monitor's side ----------------------------------------------------------------- */

/* CMD_CHECKPOINT: request is checkpoint_request_encode()'s text. */
int checkpoint_dump(struct start_ctx *ctx, const char *request, struct lxc_error *err);
/* The restore's replacement for clone + handshake: sets ctx->init_pid and init_pidfd. */
int restore_spawn(struct start_ctx *ctx, struct lxc_error *err);

/* The request as text for the command socket ("key=value" lines) and back; decoded
 * strings point into text, which is modified. */
char *checkpoint_request_encode(const struct checkpoint_request *req);
int checkpoint_request_decode(char *text, struct checkpoint_request *req, struct lxc_error *err);

#endif
