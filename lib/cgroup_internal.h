/* Internals shared by cgroup.c, cgroup_v1.c, cgroup_v2.c, cgroup_devices.c, cgroup_stats.c
 * and cgroup_mount.c (and their unit tests). Not for other modules: use lib/cgroup.h. */
#ifndef LXC_CGROUP_INTERNAL_H
#define LXC_CGROUP_INTERNAL_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cgroup.h"
#include "utils.h"

/* Directory fds a hierarchy caches, by role. */
enum cgroup_role { CG_LIMIT, CG_PAYLOAD, CG_MONITOR, CG_ROLES };

struct cgroup_hier {
	int version;                 /* 1 or 2 */
	struct strlist ctrls;        /* v1: "cpu", "cpuacct", "name=systemd"; v2: cgroup.controllers of base */
	char *ctrl_str;              /* v1: as in /proc/self/cgroup ("cpu,cpuacct"); v2: "" */
	char *mnt;                   /* mount point, "/sys/fs/cgroup/memory" */
	char *mnt_root;              /* root of that mount inside the hierarchy, usually "/" */
	char *base;                  /* caller's cgroup relative to mnt: "" or "process_api/ID" */
	char *rel[CG_ROLES];         /* cgroups relative to mnt, NULL until created */
	char *top[CG_ROLES];         /* highest directory this context created (limit, -, monitor) */
	char *cg[CG_ROLES];          /* the same as /proc/PID/cgroup shows them (for info) */
	int fd[CG_ROLES];            /* O_DIRECTORY fds, opened on first use; -1 */
	int base_fd;                 /* O_DIRECTORY fd on base, opened on first use; -1 */
};

/* The device rules model shared by v1 and v2 (man lxc.container.conf "CONTROL GROUPS"). */
enum {
	CGROUP_DEV_MKNOD = 1,        /* same values as BPF_DEVCG_ACC_* */
	CGROUP_DEV_READ = 2,
	CGROUP_DEV_WRITE = 4,
	CGROUP_DEV_RWM = 7,
};

struct cgroup_dev_rule {
	char type;                   /* 'a', 'c' or 'b' */
	int64_t major, minor;        /* -1 for '*' */
	unsigned access;             /* CGROUP_DEV_* bits */
	bool allow;
};

struct cgroup_dev_list {
	bool default_allow;          /* "allow a" seen last: a denylist program */
	struct cgroup_dev_rule *rules; /* exceptions to the default, all with allow != default_allow */
	size_t n;
};

/* Stat files kept open between reads (a pread at 0 is ~3x cheaper than open+read+close). */
enum cgroup_stat_file {
	CGS_V1_CPU_USAGE, CGS_V1_CPU_STAT, CGS_V1_BLK_BYTES, CGS_V1_BLK_IOS, CGS_V1_MEM, CGS_V1_MEMSW,
	CGS_V1_KMEM, CGS_V2_CPU, CGS_V2_IO, CGS_V2_MEM, CGS_V2_SWAP, CGS_V2_MEMSTAT, CGS_COUNT,
};

struct cgroup_ctx {
	char *name;
	enum cgroup_layout layout;
	struct cgroup_hier *h;
	size_t n;
	int unified;                 /* index of the cgroup2 hierarchy, -1 when none */
	/* names relative to each hierarchy's base */
	char *limit_name;            /* "lxc.payload.c1", "a/b/lxc.payload.c1", "lxc/c1/lxc.payload" */
	char *inner_name;            /* lxc.cgroup.dir.container.inner or NULL */
	char *monitor_name;
	bool retry;                  /* "-1", "-2"... may be appended when the name is taken */
	char *monitor_pivot;         /* lxc.cgroup.dir.monitor.pivot or NULL */
	bool sys_admin;              /* the container keeps CAP_SYS_ADMIN */
	/* v2 device program */
	struct cgroup_dev_list devs;
	bool devs_active;            /* a program built from devs is attached */
	int bpf_fd;                  /* the attached program, -1 */
	int stat_fd[CGS_COUNT];      /* open stat files; -1 not opened yet, -2 absent */
	int stat_fd_limit;           /* fds at or above this are not kept (RLIMIT_NOFILE - 64) */
};

/* ---- cgroup_layout.c ----------------------------------------------------------------- */
struct cgroup_mount {            /* one cgroup/cgroup2 line of mountinfo */
	int version;
	char *root, *mnt;
	struct strlist opts;         /* super options: "rw", "memory", "name=systemd"... */
};
struct cgroup_mount *cgroup_mounts_parse(const char *mountinfo, size_t *count);
void cgroup_mounts_free(struct cgroup_mount *m, size_t n);
/* The part of an absolute cgroup path below a mount root ("" for the root), or NULL. */
const char *cgroup_path_below_root(const char *path, const char *root);
/* The path of hierarchy ctrls ("" for v2) in /proc/PID/cgroup text; malloc'd or NULL. */
char *cgroup_proc_lookup(const char *text, const char *ctrls);
void cgroup_hier_init_fds(struct cgroup_hier *h);
bool cgroup_conf_keeps_sys_admin(const struct lxc_conf *conf);
/* Parse mountinfo and /proc/self/cgroup text into c->h (no file system access). init_cg is
 * /proc/1/cgroup text or NULL: used for the v2 base as LXC does (root, not relative). */
int cgroup_parse_layout(struct cgroup_ctx *c, const char *mountinfo, const char *self_cg,
			const char *init_cg, const char *use, struct lxc_error *err);
/* Work out limit/inner/monitor names from pattern and conf (no file system access). */
int cgroup_parse_names(struct cgroup_ctx *c, const char *name, const char *pattern,
		       const struct lxc_conf *conf, struct lxc_error *err);
void cgroup_stats_close(struct cgroup_ctx *c);
/* ---- cgroup.c ------------------------------------------------------------------------ */
struct cgroup_ctx *cgroup_ctx_alloc(void);
char *cgroup_join_rel(const char *a, const char *b);          /* "a/b", either may be "" */
bool cgroup_rel_under(const char *path, const char *prefix);  /* component-wise prefix */
char *cgroup_hier_cg_path(const struct cgroup_hier *h, const char *rel); /* mnt_root + rel */
/* Every pid in the tree (appended to *pids). */
int cgroup_tree_pids(int dirfd, pid_t **pids, size_t *n, struct lxc_error *err);
/* A cached dir fd for a hierarchy's role (opened on first use). */
int cgroup_hier_fd(struct cgroup_hier *h, enum cgroup_role role, struct lxc_error *err);
char *cgroup_hier_path(const struct cgroup_hier *h, const char *rel); /* mnt + "/" + rel */
struct cgroup_hier *cgroup_find_ctrl(struct cgroup_ctx *c, const char *ctrl); /* v1 hierarchy */
/* Is key a plain file name ("memory.max"): no '/', no "..", not empty? */
bool cgroup_key_valid(const char *key);
/* Any process in this cgroup or below? */
int cgroup_tree_has_procs(int dirfd, bool *has, struct lxc_error *err);
/* rmdir name under parent and everything below it (cgroupfs: directories only). */
int cgroup_tree_remove(int parent_fd, const char *name, struct lxc_error *err);
/* Write "pid" to dirfd/cgroup.procs. */
int cgroup_write_procs(int dirfd, pid_t pid, struct lxc_error *err);
/* Read a cgroup file under dirfd, trailing newline removed. */
int cgroup_read_at(int dirfd, const char *file, char **out, struct lxc_error *err);

static inline uint64_t cgroup_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- cgroup_v1.c --------------------------------------------------------------------- */
/* Write one setting; errors read 'failed to set PREFIXKEY = "VALUE" (DIR/KEY): cause'. */
int cgroup_write_setting(int dirfd, const char *dir, const char *prefix, const char *key, const char *value,
			 struct lxc_error *err);
int cgroup_v1_cpuset_init(int parent_fd, int child_fd, struct lxc_error *err);
int cgroup_v1_apply(struct cgroup_ctx *c, const struct lxc_conf *conf, struct lxc_error *err);
int cgroup_v1_freeze(struct cgroup_ctx *c, bool freeze, int timeout_ms, struct lxc_error *err);
int cgroup_v1_freezer_state(struct cgroup_ctx *c, enum cgroup_freezer_state *st, struct lxc_error *err);
/* SIGKILL every task in the tree at dirfd until it is empty (shown names it in errors). */
int cgroup_v1_kill(int dirfd, const char *shown, int timeout_ms, struct lxc_error *err);
/* Reorder so that memory.memsw.limit_in_bytes follows memory.limit_in_bytes. */
void cgroup_v1_sort_settings(const struct conf_kv **kv, size_t n);

/* ---- cgroup_v2.c --------------------------------------------------------------------- */
int cgroup_v2_read_controllers(struct cgroup_hier *h, struct lxc_error *err);
/* Enable ctrls ("+memory +pids ...") from base down to the parent of rel. */
int cgroup_v2_delegate(struct cgroup_hier *h, const char *rel, const struct strlist *ctrls,
		       struct lxc_error *err);
int cgroup_v2_apply(struct cgroup_ctx *c, const struct lxc_conf *conf, struct lxc_error *err);
int cgroup_v2_freeze(struct cgroup_ctx *c, bool freeze, int timeout_ms, struct lxc_error *err);
int cgroup_v2_freezer_state(struct cgroup_ctx *c, enum cgroup_freezer_state *st, struct lxc_error *err);
/* cgroup.kill (or freeze + SIGKILL + thaw) and wait for "populated 0". */
int cgroup_v2_kill(int dirfd, const char *shown, int timeout_ms, struct lxc_error *err);
/* Wait until cgroup.events has "key value" (poll on the file, no sleeping). */
int cgroup_v2_wait_event(int dirfd, const char *key, const char *value, int timeout_ms,
			 struct lxc_error *err);
/* Build, load and attach (replacing the previous one) the program for c->devs. */
int cgroup_v2_devices_commit(struct cgroup_ctx *c, struct lxc_error *err);

/* ---- cgroup_devices.c ---------------------------------------------------------------- */
/* "a", "c 1:3 rwm", "b *:* m", "c 136:* rw"; allow says which list it came from. */
int cgroup_dev_rule_parse(const char *text, bool allow, struct cgroup_dev_rule *r, struct lxc_error *err);
char *cgroup_dev_rule_format(const struct cgroup_dev_rule *r); /* "c 1:3 rwm", "a" */
void cgroup_dev_list_reset(struct cgroup_dev_list *l, bool default_allow);
void cgroup_dev_list_add(struct cgroup_dev_list *l, const struct cgroup_dev_rule *r);
void cgroup_dev_list_free(struct cgroup_dev_list *l);
/* The reference decision (what the program must compute); type 'c' or 'b'. */
bool cgroup_dev_list_allows(const struct cgroup_dev_list *l, char type, uint32_t major, uint32_t minor,
			    unsigned access);
/* "default deny\nallow c 1:3 rwm\n..." and back. */
char *cgroup_dev_list_format(const struct cgroup_dev_list *l);
int cgroup_dev_list_parse(struct cgroup_dev_list *l, const char *text, struct lxc_error *err);
/* The BPF_PROG_TYPE_CGROUP_DEVICE program for l; *n instructions, malloc'd. */
struct bpf_insn *cgroup_dev_prog_build(const struct cgroup_dev_list *l, size_t *n);
int cgroup_dev_prog_load(const struct bpf_insn *insns, size_t n, struct lxc_error *err);
/* Attach with BPF_F_ALLOW_MULTI; when old_fd >= 0 replace it (BPF_F_REPLACE, or attach
 * then detach on kernels without it). */
int cgroup_dev_prog_attach(int cgroup_fd, int prog_fd, int old_fd, struct lxc_error *err);
int cgroup_dev_prog_detach(int cgroup_fd, int prog_fd, struct lxc_error *err);
/* The program named "lxc_devices" attached directly to cgroup_fd, or -1 (ENOENT). */
int cgroup_dev_prog_find(int cgroup_fd, struct lxc_error *err);
#define CGROUP_DEV_PROG_NAME "lxc_devices"
#define CGROUP_DEV_XATTR "trusted.lxc.devices"

/* ---- cgroup_stats.c ------------------------------------------------------------------ */
/* Parsers for the stat files (pure; unit tested with samples). */
int cgroup_stats_kv(const char *text, const char *key, uint64_t *out);       /* "key N" lines */
int cgroup_stats_v1_blkio(const char *text, uint64_t *total, uint64_t *rd, uint64_t *wr);
int cgroup_stats_v2_io(const char *text, uint64_t *rbytes, uint64_t *wbytes, uint64_t *rios,
		       uint64_t *wios);
uint64_t cgroup_stats_v2_kmem(const char *memory_stat);

#endif
