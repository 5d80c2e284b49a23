/* Control groups for one container: layout detection (cgroup v1, hybrid, pure v2), the
 * payload and monitor cgroups, limits, devices, freezer, stats, serialisation, teardown. */
#ifndef LXC_CGROUP_H
#define LXC_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "error.h"
#include "sysconf.h"

enum cgroup_layout {
	CGROUP_LAYOUT_NONE,     /* no cgroup file system mounted */
	CGROUP_LAYOUT_LEGACY,   /* v1 controllers only */
	CGROUP_LAYOUT_HYBRID,   /* v1 controllers plus a cgroup2 mount (empty or nearly) */
	CGROUP_LAYOUT_UNIFIED,  /* cgroup2 only */
};

enum cgroup_which {
	CGROUP_PAYLOAD,         /* the container: init and everything it starts */
	CGROUP_MONITOR,         /* the monitor process (lxc-start) */
};

enum cgroup_freezer_state {
	CGROUP_THAWED,
	CGROUP_FREEZING,
	CGROUP_FROZEN,
};

struct cgroup_ctx;

/* What lxc-top and lxc-info show. Counters a host lacks stay 0 and their bit stays
 * clear in `valid`. */
enum {
	CGROUP_STAT_CPU   = 1u << 0, /* cpu_usage_ns, cpu_user_ticks, cpu_system_ticks */
	CGROUP_STAT_BLKIO = 1u << 1,
	CGROUP_STAT_MEM   = 1u << 2,
	CGROUP_STAT_MEMSW = 1u << 3,
	CGROUP_STAT_KMEM  = 1u << 4,
};

struct cgroup_stats {
	unsigned valid;                  /* CGROUP_STAT_* */
	uint64_t cpu_usage_ns;
	uint64_t cpu_user_ticks;         /* USER_HZ, as cpuacct.stat */
	uint64_t cpu_system_ticks;
	uint64_t blkio_bytes, blkio_read_bytes, blkio_write_bytes;
	uint64_t blkio_iops, blkio_read_iops, blkio_write_iops;
	uint64_t mem_used;               /* bytes */
	uint64_t memsw_used;             /* memory + swap, bytes */
	uint64_t kmem_used;              /* kernel memory, bytes; 0 when not accounted */
};

/* One hierarchy as other modules see it (criu --cgroup-root, lxc-info, attach). */
struct cgroup_hier_info {
	int version;                     /* 1 or 2 */
	const char *controllers;         /* "memory", "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
	const char *mountpoint;          /* "/sys/fs/cgroup/memory" */
	const char *limit;               /* container cgroup (limits apply here), as in /proc/PID/cgroup */
	const char *payload;             /* where init runs: limit, or limit/<dir.container.inner> */
	const char *monitor;             /* NULL until created */
};

/* Detect the layout from /proc/self/mountinfo and /proc/self/cgroup, and work out the
 * container's cgroup names from the system config (lxc.cgroup.pattern, lxc.cgroup.use)
 * and conf (lxc.cgroup.dir*, lxc.cgroup.relative, capabilities for mount.auto). conf and
 * sc may be NULL (defaults). Nothing is created yet. */
int cgroup_ctx_new(struct cgroup_ctx **out, const char *name, const struct lxc_conf *conf,
		   const struct lxc_sysconf *sc, struct lxc_error *err);
void cgroup_ctx_free(struct cgroup_ctx *c);
enum cgroup_layout cgroup_ctx_layout(const struct cgroup_ctx *c);
const char *cgroup_layout_name(enum cgroup_layout layout); /* "legacy", "hybrid", "unified", "none" */

/* Create lxc.monitor.NAME and lxc.payload.NAME (or what the config names) in every
 * hierarchy. A stale payload cgroup without processes is removed and reused; one still
 * in use makes the next try use "-1", "-2"... On v2, controllers are enabled in the
 * parents' cgroup.subtree_control; on v1 cpuset, cpus/mems are copied from the parent. */
int cgroup_create(struct cgroup_ctx *c, struct lxc_error *err);
/* One of the two: a start makes the payload's first (the container's init waits for it)
 * and the monitor's while init execs. A failure removes what it made. */
int cgroup_create_for(struct cgroup_ctx *c, enum cgroup_which which, struct lxc_error *err);
/* Move pid (a whole process; 0: the calling one, which must run a single thread) into the
 * payload or monitor cgroup in every hierarchy. */
int cgroup_enter(struct cgroup_ctx *c, enum cgroup_which which, pid_t pid, struct lxc_error *err);
/* lxc.cgroup.* (v1 hosts, hybrid) or lxc.cgroup2.* (pure v2), in file order; devices rules
 * go to devices.allow/deny on v1 and become a BPF program on v2 (v1-style rules are
 * translated when there are no lxc.cgroup2.devices.* rules). Keys for the other version
 * are ignored with a log line. Call before the container's init execs. */
int cgroup_apply_settings(struct cgroup_ctx *c, const struct lxc_conf *conf, struct lxc_error *err);

/* lxc-device: allow ("add") or deny ("remove") one rule such as "c 1:3 rwm". On v2 the
 * device program is rebuilt and replaced atomically; the rule list is kept on the cgroup
 * itself (xattr), so another process with a deserialised context sees the current one. */
int cgroup_device_add(struct cgroup_ctx *c, const char *rule, struct lxc_error *err);
int cgroup_device_remove(struct cgroup_ctx *c, const char *rule, struct lxc_error *err);

/* Freeze or thaw the container and wait (up to timeout_ms; <0 waits forever) until the
 * kernel reports it FROZEN (or thawed). */
int cgroup_freeze(struct cgroup_ctx *c, bool freeze, int timeout_ms, struct lxc_error *err);
int cgroup_get_freezer_state(struct cgroup_ctx *c, enum cgroup_freezer_state *state, struct lxc_error *err);
const char *cgroup_freezer_state_name(enum cgroup_freezer_state state); /* "FROZEN"... */

/* lxc-cgroup: key is a file name such as "memory.limit_in_bytes" (v1: the controller's
 * hierarchy) or "memory.max" (v2). Keys with "/" or ".." are refused. *value is malloc'd
 * and has its trailing newline removed. */
int cgroup_get(struct cgroup_ctx *c, const char *key, char **value, struct lxc_error *err);
int cgroup_set(struct cgroup_ctx *c, const char *key, const char *value, struct lxc_error *err);

/* Counters for lxc-top/lxc-info. The stat files stay open in the context (up to 7 fds) and
 * are re-read with pread: about 2 us per file. When fds run out they are read uncached. */
int cgroup_stats_read(struct cgroup_ctx *c, struct cgroup_stats *st, struct lxc_error *err);
/* Number of processes in the payload cgroup (and below), for "is it empty". */
int cgroup_count_procs(struct cgroup_ctx *c, size_t *n, struct lxc_error *err);

/* The monitor hands its context to lxc-cgroup, lxc-freeze, lxc-info, lxc-top over the
 * command socket. The text is one "key value" per line; deserialise checks every path
 * against this host's cgroup mounts (no "..", nothing outside a cgroup mount). */
char *cgroup_ctx_serialize(const struct cgroup_ctx *c);
int cgroup_ctx_deserialize(struct cgroup_ctx **out, const char *text, struct lxc_error *err);
/* The same against mountinfo text the caller read once (lxc-top with many containers). */
int cgroup_ctx_deserialize_with(struct cgroup_ctx **out, const char *text, const char *mountinfo,
				struct lxc_error *err);

/* Kill what is left in the payload (cgroup.kill on v2, SIGKILL per task on v1), wait until
 * it is empty, remove it with any sub-cgroups the container made, then the monitor cgroup
 * (moving the caller out first if it is inside). Idempotent. */
int cgroup_destroy(struct cgroup_ctx *c, struct lxc_error *err);
/* After a crash (no monitor holds the container lock): remove NAME's leftover payload and
 * monitor cgroups ("-N" suffixed ones too), killing orphaned processes in them. A leftover
 * that may be another container's is left alone: "lxc.payload.NAME-N" when NAME-N exists
 * in sc's lxcpath, "lxc.payload.NAME" when NAME is "OTHER-N" and OTHER exists. */
int cgroup_cleanup_stale(const char *name, const struct lxc_sysconf *sc, const struct lxc_conf *conf,
			 struct lxc_error *err);

/* lxc.mount.auto = cgroup[:mixed|ro|rw[:force]] / cgroup-full:*, run inside the container's
 * mount namespace before pivot_root. rootfs_fd is the container's root directory; targets
 * are opened below it without following symlinks. auto_flags are AUTO_CGROUP_* from conf.h.
 * With a cgroup namespace (have_cgroupns) and no ":force", nothing is mounted unless the
 * container loses CAP_SYS_ADMIN or the host is pure v2 (the container's init mounts it). */
int cgroup_mount_auto(struct cgroup_ctx *c, int rootfs_fd, unsigned auto_flags, bool have_cgroupns,
		      struct lxc_error *err);
/* True when cgroup_mount_auto mounts nothing for these flags: with a cgroup namespace and
 * CAP_SYS_ADMIN the container mounts its cgroups itself (as LXC: except ":force" and on a
 * pure cgroup v2 host). Needs only the layout, not the container's cgroups. */
bool cgroup_mount_auto_inert(const struct cgroup_ctx *c, unsigned auto_flags, bool have_cgroupns);

/* Hierarchies, for criu and lxc-info. */
size_t cgroup_hier_count(const struct cgroup_ctx *c);
int cgroup_hier_get(const struct cgroup_ctx *c, size_t i, struct cgroup_hier_info *info);
/* The payload's cgroup2 directory fd (for clone3 CLONE_INTO_CGROUP), or -1 when there is
 * no cgroup2 hierarchy or it is not created. Owned by the context. */
int cgroup_unified_fd(struct cgroup_ctx *c, enum cgroup_which which);

#endif
