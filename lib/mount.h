/* The container's filesystem setup as an ordered list of operations: the rootfs
 * (rootfs.c), lxc.mount.* and autodev compiled to a plan (mount_plan.c, dev.c), one loop
 * executing it (mount_exec.c), then pivot_root. Every target is opened inside the rootfs
 * (safe_path.h) and mounted through its fd.
 *
 * How the runtime uses it, in the child, after making "/" rslave in its new mount ns:
 *
 *	rootfs_prepare(conf, &rootfs, err);           // parse only (can run in the parent)
 *	mount_plan_compile(conf, &opts, &plan, err);  // parse only; mount_plan_format = dry run
 *	rootfs_mount(&rootfs, err);
 *	mount_plan_exec(&plan, &ctx, err);           // ctx.rootfs_fd = rootfs.fd
 *	mount_bind_fd(pty_fd, rootfs.fd, "dev/console", 0, err);  // ttys, console
 *	rootfs_pivot(&rootfs, err);
 *
 * Mechanism (the choice the design asks to document): a target is opened with openat2()
 * RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS relative to the rootfs fd (O_NOFOLLOW walk on older
 * kernels), checked to still be inside, then
 *   - binds use the new mount API: open_tree(OPEN_TREE_CLONE) on the source, mount_setattr()
 *     on the still-detached copy (so a "ro" bind is never writable, not even briefly, and
 *     "rbind,ro" is read-only recursively), move_mount() onto the target fd;
 *   - filesystems (proc, sysfs, tmpfs, devpts, entries with a type) use mount(2) with the
 *     data string passed through verbatim, on "." after fchdir() to the target fd: no
 *     dependency on a mounted /proc (initramfs hosts), no magic-link resolution;
 *   - flag changes of existing mounts use mount_setattr() on the mount's fd.
 * mount_plan_exec leaves the cwd at the rootfs. Nothing reads /proc/self/mountinfo.
 *
 * Default lxc.rootfs.mount: a directory rootfs is bind-mounted onto itself (inside the
 * container's private mount namespace, invisible to the host), so messages name the paths
 * users know ("/var/lib/lxc/web/rootfs/proc"); backends mounting an image or device use
 * ROOTFS_DEFAULT_MOUNT, created when missing. */
#ifndef LXC_MOUNT_H
#define LXC_MOUNT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "conf.h"
#include "error.h"

/* ---- rootfs (rootfs.c) ------------------------------------------------------------------ */

#define ROOTFS_DEFAULT_MOUNT "/run/lxc/rootfs"

/* A storage backend: how lxc.rootfs.path = "NAME:SPEC" gets mounted. storage/ modules
 * define one and add it to the table in rootfs.c. */
struct rootfs_backend {
	const char *name;        /* "dir"; also the "NAME:" prefix of lxc.rootfs.path */
	/* Mount spec (the path after the prefix) on target, an existing directory, in the
	 * container's mount namespace. flags: the MS_RDONLY/NOSUID/NODEV/NOEXEC/atime words of
	 * lxc.rootfs.options (rootfs_pivot sets them on the top mount again, so a backend may
	 * ignore them); data: its filesystem options, NULL when none. 0, or -1 with err set. */
	int (*mount)(const char *spec, const char *target, unsigned long flags, const char *data,
		     struct lxc_error *err);
	bool accepts_data;       /* whether filesystem options in lxc.rootfs.options make sense */
	bool is_dir;             /* spec is a directory: default mount point is spec itself */
};

extern const struct rootfs_backend rootfs_backend_dir;

struct rootfs {
	const struct rootfs_backend *backend; /* NULL: no lxc.rootfs.path, the host's "/" */
	char *spec;              /* lxc.rootfs.path without its "NAME:" prefix */
	char *mount_point;       /* lxc.rootfs.mount or the default (see above) */
	unsigned long attrs;     /* MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC|atime: set at pivot */
	unsigned long propagation; /* MS_SHARED.. | MS_REC: set right after mounting */
	char *data;              /* filesystem options for the backend, or NULL */
	int fd;                  /* O_PATH fd on the mounted rootfs, -1 before rootfs_mount */
};

/* Parse lxc.rootfs.{path,mount,options}; no system calls. rootfs is overwritten. */
int rootfs_prepare(const struct lxc_conf *conf, struct rootfs *rootfs, struct lxc_error *err);
/* Mount the rootfs at its mount point (in the caller's, i.e. the container's, mount ns) and
 * open rootfs->fd. Without a rootfs, rootfs->fd is "/". */
int rootfs_mount(struct rootfs *rootfs, struct lxc_error *err);
/* Apply ro/nosuid/nodev/noexec of lxc.rootfs.options (late, so the plan could still create
 * mount points), pivot_root(".", ".") into the rootfs and detach the old root: no host mount
 * stays reachable. cwd becomes "/". No-op without a rootfs. When "/" is the initramfs (which
 * pivot_root cannot move), the rootfs is moved over "/" and chrooted into instead. */
int rootfs_pivot(struct rootfs *rootfs, struct lxc_error *err);
void rootfs_release(struct rootfs *rootfs);

/* ---- the plan (mount_plan.c, dev.c) ------------------------------------------------------- */

enum mount_op_kind {
	MOUNT_OP_MOUNT,    /* mount(source, target, fstype, flags, data) */
	MOUNT_OP_BIND,     /* clone source (recursively with MS_REC), set attrs, attach on target */
	MOUNT_OP_REMOUNT,  /* change attributes of the mount whose root is target */
	MOUNT_OP_MKDIR,    /* mkdir -p target, mode */
	MOUNT_OP_MKNOD,    /* device node target; if mknod is refused (user ns), bind the host's
			    * node named by source onto an empty file */
	MOUNT_OP_SYMLINK,  /* symlink target -> source */
	MOUNT_OP_TOUCH,    /* empty file target (a placeholder the runtime binds a pty onto) */
	MOUNT_OP_CGROUP,   /* the caller's cgroup mounter, with cgroup_flags */
	MOUNT_OP_HOOK,     /* the caller's hook runner; source is the hook: "mount", "autodev" */
};

enum {
	MOUNT_OPT_OPTIONAL = 1u << 0,    /* a failure is logged and skipped */
	MOUNT_OPT_CREATE_DIR = 1u << 1,  /* create a missing target as a directory */
	MOUNT_OPT_CREATE_FILE = 1u << 2, /* create a missing target as an empty file */
	MOUNT_OPT_NO_SYMLINKS = 1u << 3, /* no symlink anywhere in target (or in-rootfs source) */
	MOUNT_OPT_SOURCE_IN_ROOTFS = 1u << 4, /* BIND: source is a path inside the rootfs */
	MOUNT_OPT_REPLACE = 1u << 5,     /* SYMLINK: replace an existing non-directory */
	MOUNT_OPT_SKIP_MISSING = 1u << 6, /* BIND: nothing to do when the source does not exist
					   * (/proc/sysrq-trigger without CONFIG_MAGIC_SYSRQ) */
};

struct mount_op {
	enum mount_op_kind kind;
	char *source;            /* fs source, bind source, node to bind as fallback, link text */
	char *target;            /* inside the rootfs, without a leading '/' ("" = the root) */
	char *fstype;            /* MOUNT */
	char *data;              /* MOUNT: filesystem options, passed through */
	char *data_fallback;     /* MOUNT: retried with these on EINVAL (devpts gid=5 in a userns) */
	unsigned long flags;     /* MOUNT: MS_* flags; BIND/REMOUNT: MS_REC + attributes to set */
	unsigned long clear;     /* BIND/REMOUNT: attributes to clear (MS_RDONLY: make writable) */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE [| MS_REC] */
	unsigned opts;           /* MOUNT_OPT_* */
	mode_t mode;             /* MKDIR/TOUCH permissions; MKNOD: S_IFCHR|S_IFBLK + permissions */
	dev_t dev;               /* MKNOD */
	unsigned cgroup_flags;   /* CGROUP: the AUTO_CGROUP_* bits of lxc.mount.auto */
	unsigned line;           /* N of the Nth lxc.mount.entry / fstab line; 0 when generated */
	char *origin;            /* "lxc.mount.entry #3", "lxc.mount.auto proc:mixed", ... */
};

struct mount_plan {
	struct mount_op *ops;
	size_t n, cap;
};

/* What the plan depends on beyond the config. */
struct mount_plan_opts {
	bool has_netns;          /* own network namespace: proc:mixed leaves /proc/sys/net writable */
	bool no_ttys;            /* lxc-execute: no /dev/ttyN placeholders (start_tty_count) */
};

/* Compile lxc.mount.{auto,fstab,entry}, lxc.autodev*, lxc.pty.max, lxc.tty.*, lxc.console.path
 * and the mount/autodev hooks into plan (appended to). Reads the fstab file; no other
 * system calls. Order: autodev tmpfs, proc/sys, fstab, entries, shmounts, cgroup, mount
 * hook, autodev hook + nodes, devpts + ptmx, /dev symlinks, console/tty placeholders.
 * Errors name the key (and line) and what is wrong. */
int mount_plan_compile(const struct lxc_conf *conf, const struct mount_plan_opts *opts,
		       struct mount_plan *plan, struct lxc_error *err);
void mount_plan_free(struct mount_plan *plan);

/* One line per operation: "  3 mount    proc on /proc type proc (nosuid,nodev,noexec)  # lxc.mount.auto proc:mixed" */
void mount_plan_format(const struct mount_plan *plan, FILE *out);
/* The same lines at TRACE level (nothing is formatted when TRACE is off). */
void mount_plan_log(const struct mount_plan *plan);
/* The text of one operation without number and origin; returns buf. */
char *mount_op_describe(const struct mount_op *op, char *buf, size_t size);

/* ---- executing (mount_exec.c) -------------------------------------------------------------- */

struct mount_exec_ctx {
	int rootfs_fd;           /* rootfs.fd */
	const char *rootfs_display; /* prefix of paths in messages (rootfs.mount_point); NULL = "" */
	/* For MOUNT_OP_CGROUP (another module owns cgroup mounts). */
	int (*cgroup_mount)(void *data, int rootfs_fd, unsigned flags, struct lxc_error *err);
	/* For MOUNT_OP_HOOK: run lxc.hook.<hook>. */
	int (*run_hook)(void *data, const char *hook, struct lxc_error *err);
	void *data;
};

/* Execute every operation in order. Stops at the first failure of a non-optional
 * operation: 'failed to mount "proc" on "/var/lib/lxc/web/rootfs/proc": Permission denied'
 * (prefixed with "lxc.mount.entry #N: " for config lines). Optional failures are logged and
 * skipped. Leaves the cwd at the rootfs. */
int mount_plan_exec(const struct mount_plan *plan, const struct mount_exec_ctx *ctx,
		    struct lxc_error *err);
/* The same for operations [from, to) only (a start runs the plan in two parts). */
int mount_plan_exec_range(const struct mount_plan *plan, const struct mount_exec_ctx *ctx, size_t from,
			  size_t to, struct lxc_error *err);
/* Index of the first operation that needs the host's part of a start done, that is the
 * container in its cgroups with their settings applied: hooks (they may expect that),
 * cgroup mounts unless cgroups_inert (they mount the container's own cgroups, or need its
 * cgroup namespace), device nodes and filesystems on a device (the devices cgroup
 * decides whether mknod and mount may use the device). Everything before it can run
 * while the monitor still makes the cgroups. plan->n when none. */
size_t mount_plan_host_barrier(const struct mount_plan *plan, bool cgroups_inert);

/* Bind-mount whatever src_fd refers to (a pty slave, a file, a directory) onto
 * target_in_rootfs, resolved safely inside rootfs_fd; the target must exist. flags: MS_REC
 * to clone recursively, MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC set on the new mount. */
int mount_bind_fd(int src_fd, int rootfs_fd, const char *target_in_rootfs, unsigned long flags,
		  struct lxc_error *err);

/* Host side of lxc.mount.auto = shmounts:HOST[:CONTAINER], run by the monitor in the host's
 * mount namespace before the container's is made: mkdir -p HOST, a small tmpfs on it unless
 * it is one already, made shared so mounts under it appear in the container. */
int mount_shmounts_host_setup(const char *host_path, struct lxc_error *err);

/* ---- parsing (mount_plan.c), exposed for tests, fuzzing and lxc.rootfs.options ------------ */

struct mount_options {
	unsigned long flags;     /* MS_* flags set, incl. MS_BIND and MS_REC for bind/rbind */
	unsigned long clear;     /* MS_* flags explicitly turned off ("rw", "suid", ...) */
	unsigned long propagation;
	unsigned opts;           /* MOUNT_OPT_OPTIONAL, _CREATE_DIR, _CREATE_FILE, _SOURCE_IN_ROOTFS */
	char *data;              /* everything else, comma-joined, or NULL */
};

/* Parse a comma-separated fstab option field. Userspace-only words (auto, noauto, user,
 * nofail, _netdev, x-*, comment=*) are dropped. */
int mount_options_parse(const char *text, struct mount_options *out, struct lxc_error *err);
void mount_options_free(struct mount_options *o);

struct mount_entry {
	char *source, *target, *fstype; /* octal escapes (\040) decoded */
	struct mount_options options;
};

/* Parse one fstab-syntax line (source target type [options [freq [passno]]]). */
int mount_entry_parse(const char *line, struct mount_entry *entry, struct lxc_error *err);
void mount_entry_free(struct mount_entry *entry);

/* ---- shared by mount_plan.c and dev.c ----------------------------------------------------- */

struct mount_op *mount_plan_add(struct mount_plan *plan, enum mount_op_kind kind, const char *target,
				const char *origin);
/* autodev, devpts, /dev symlinks and console/tty placeholders (dev.c). has_rootfs false:
 * only a private devpts (lxc.pty.max > 0), never touching the host's /dev otherwise. */
void dev_plan_early(const struct lxc_conf *conf, bool has_rootfs, struct mount_plan *plan);
void dev_plan_late(const struct lxc_conf *conf, bool has_rootfs, unsigned ttys, struct mount_plan *plan);

#endif
