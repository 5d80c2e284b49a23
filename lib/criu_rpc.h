/* CRIU's RPC messages (images/rpc.proto of CRIU 4.1.1) as C structs: encoding of
 * criu_req with every criu_opts field, decoding of criu_resp. Field numbers are the contract. */
#ifndef LXC_CRIU_RPC_H
#define LXC_CRIU_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "protobuf.h"
#include "utils.h"

enum criu_req_type {
	CRIU_REQ_EMPTY = 0,
	CRIU_REQ_DUMP = 1,
	CRIU_REQ_RESTORE = 2,
	CRIU_REQ_CHECK = 3,
	CRIU_REQ_PRE_DUMP = 4,
	CRIU_REQ_PAGE_SERVER = 5,
	CRIU_REQ_NOTIFY = 6,
	CRIU_REQ_CPUINFO_DUMP = 7,
	CRIU_REQ_CPUINFO_CHECK = 8,
	CRIU_REQ_FEATURE_CHECK = 9,
	CRIU_REQ_VERSION = 10,
	CRIU_REQ_WAIT_PID = 11,
	CRIU_REQ_PAGE_SERVER_CHLD = 12,
	CRIU_REQ_SINGLE_PRE_DUMP = 13,
};

enum criu_cg_mode {
	CRIU_CG_IGNORE = 0,
	CRIU_CG_NONE = 1,
	CRIU_CG_PROPS = 2,
	CRIU_CG_SOFT = 3,
	CRIU_CG_FULL = 4,
	CRIU_CG_STRICT = 5,
	CRIU_CG_DEFAULT = 6,
};

enum criu_network_lock {
	CRIU_NETLOCK_IPTABLES = 1,
	CRIU_NETLOCK_NFTABLES = 2,
	CRIU_NETLOCK_SKIP = 3,
};

enum criu_pre_dump_mode {
	CRIU_PRE_DUMP_SPLICE = 1,
	CRIU_PRE_DUMP_VM_READ = 2,
};

/* "dump", "restore", "check"...; "request 42" style text for unknown values. */
const char *criu_req_type_name(int type);

/* Numeric option fields hold CRIU_UNSET when they are not to be sent. */
#define CRIU_UNSET (-1)

/* ext_mnt (23: key, val) and the deprecated veths (19: if_in = key, if_out = val). */
struct criu_kv {
	const char *key;
	const char *val;
};

struct criu_inherit_fd {
	const char *key;  /* "fd[3]:tty[88:5]", "extRootNetNS", "pipe:[1234]" */
	int fd;           /* a descriptor in CRIU's own table (see criu_open's extra_fds) */
};

struct criu_cg_root {
	const char *ctrl; /* NULL: every controller */
	const char *path;
};

struct criu_join_ns {
	const char *ns;
	const char *ns_file;
	const char *extra_opt; /* may be NULL */
};

/* Page server (11). Sent when address is set or port or fd is not CRIU_UNSET. */
struct criu_page_server {
	const char *address;
	int port;
	int pid;
	int fd;
};

/*
 * criu_opts. Everything is borrowed from the caller except the strlists, which the
 * caller fills with strlist_push() and releases with criu_opts_clear_lists().
 * Always start from criu_opts_init(). bools are sent when true (CRIU's defaults are all
 * false); ints and the uint32 fields (held in int64_t) are sent unless CRIU_UNSET;
 * strings unless NULL; lists in order. The number after each field is its field number.
 */
struct criu_opts {
	int images_dir_fd;          /* 1, required: always sent; -1 means "use images_dir" */
	int pid;                    /* 2 */
	bool leave_running;         /* 3 */
	bool ext_unix_sk;           /* 4 */
	bool tcp_established;       /* 5 */
	bool evasive_devices;       /* 6 */
	bool shell_job;             /* 7 */
	bool file_locks;            /* 8 */
	int log_level;              /* 9: 0..4 */
	const char *log_file;       /* 10: a file name in the work dir, without '/' */
	struct criu_page_server ps; /* 11 */
	bool notify_scripts;        /* 12 */
	const char *root;           /* 13 */
	const char *parent_img;     /* 14 */
	bool track_mem;             /* 15 */
	bool auto_dedup;            /* 16 */
	int work_dir_fd;            /* 17 */
	bool link_remap;            /* 18 */
	const struct criu_kv *veths; size_t n_veths; /* 19, deprecated in favour of external */
	int64_t cpu_cap;            /* 20 */
	bool force_irmap;           /* 21 */
	struct strlist exec_cmd;    /* 22 */
	const struct criu_kv *ext_mnt; size_t n_ext_mnt; /* 23 */
	bool manage_cgroups;        /* 24 */
	const struct criu_cg_root *cg_root; size_t n_cg_root; /* 25 */
	bool rst_sibling;           /* 26 */
	const struct criu_inherit_fd *inherit_fd; size_t n_inherit_fd; /* 27 */
	bool auto_ext_mnt;          /* 28 */
	bool ext_sharing;           /* 29 */
	bool ext_masters;           /* 30 */
	struct strlist skip_mnt;    /* 31 */
	struct strlist enable_fs;   /* 32 */
	int manage_cgroups_mode;    /* 34: enum criu_cg_mode */
	int64_t ghost_limit;        /* 35 */
	struct strlist irmap_scan_paths; /* 36 */
	struct strlist external;    /* 37 */
	int64_t empty_ns;           /* 38: CLONE_NEWNET is the only value CRIU accepts */
	const struct criu_join_ns *join_ns; size_t n_join_ns; /* 39 */
	const char *cgroup_props;   /* 41 */
	const char *cgroup_props_file; /* 42 */
	struct strlist cgroup_dump_controller; /* 43 */
	const char *freeze_cgroup;  /* 44 */
	int64_t timeout;            /* 45 */
	bool tcp_skip_in_flight;    /* 46 */
	bool weak_sysctls;          /* 47 */
	bool lazy_pages;            /* 48 */
	int status_fd;              /* 49 */
	bool orphan_pts_master;     /* 50 */
	const char *config_file;    /* 51 */
	bool tcp_close;             /* 52 */
	const char *lsm_profile;    /* 53 */
	const char *tls_cacert;     /* 54 */
	const char *tls_cacrl;      /* 55 */
	const char *tls_cert;       /* 56 */
	const char *tls_key;        /* 57 */
	bool tls;                   /* 58 */
	bool tls_no_cn_verify;      /* 59 */
	const char *cgroup_yard;    /* 60 */
	int pre_dump_mode;          /* 61: enum criu_pre_dump_mode */
	int pidfd_store_sk;         /* 62 */
	const char *lsm_mount_context; /* 63 */
	int network_lock;           /* 64: enum criu_network_lock */
	bool mntns_compat_mode;     /* 65 */
	bool skip_file_rwx_check;   /* 66 */
	bool unprivileged;          /* 67 */
	const char *images_dir;     /* 68 */
	bool leave_stopped;         /* 69 */
	bool display_stats;         /* 70 */
	bool log_to_stderr;         /* 71 */
};

void criu_opts_init(struct criu_opts *o);
void criu_opts_clear_lists(struct criu_opts *o);

/* Features (criu_features): -1 absent, 0 false, 1 true. In a FEATURE_CHECK request,
 * set to 1 the ones to probe; the reply carries the answers. */
struct criu_features {
	int mem_track;
	int lazy_pages;
	int pidfd_store;
};

struct criu_req {
	enum criu_req_type type;                /* 1 */
	const struct criu_opts *opts;           /* 2, NULL: not sent */
	int notify_success;                     /* 3: -1 not sent, 0, 1 */
	bool keep_open;                         /* 4 */
	const struct criu_features *features;   /* 5, NULL: not sent */
	int pid;                                /* 6 (WAIT_PID), CRIU_UNSET: not sent */
};

/* Starts a request of this type with nothing else set. */
void criu_req_init(struct criu_req *req, enum criu_req_type type);

/* Appends the encoded request to out. Fails (naming the field) only on a request CRIU
 * would refuse: a required sub-field left NULL, a log_file with '/', a uint32 out of range. */
int criu_req_encode(const struct criu_req *req, struct pb_buf *out, struct lxc_error *err);

struct criu_version {
	int major;
	int minor;
	int sublevel;    /* -1 absent */
	int extra;       /* -1 absent */
	char gitid[64];  /* "" absent; longer values are truncated */
	char name[64];
};

/* A decoded criu_resp. Strings are owned: release with criu_resp_free(). */
struct criu_resp {
	int type;                   /* 1: enum criu_req_type, unknown values kept */
	bool success;               /* 2 */
	bool has_dump;              /* 3 */
	bool dump_restored;
	bool has_restore;           /* 4 */
	int restore_pid;
	bool has_notify;            /* 5 */
	char *notify_script;        /* NULL when the notify carried none */
	int notify_pid;             /* -1 absent */
	bool has_ps;                /* 6 */
	int ps_pid;                 /* -1 absent */
	int ps_port;                /* -1 absent */
	int cr_errno;               /* 7: 0 absent */
	bool has_features;          /* 8 */
	struct criu_features features;
	char *cr_errmsg;            /* 9: NULL absent */
	bool has_version;           /* 10 */
	struct criu_version version;
	bool has_status;            /* 11 */
	int status;
};

/* Decodes one message. Unknown fields are skipped; truncated or malformed input, a
 * known field with the wrong wire type, a string with a NUL, or a missing required field
 * (type, success, restore.pid, version.major/minor) is refused. On failure resp holds
 * nothing to free. */
int criu_resp_decode(const void *buf, size_t len, struct criu_resp *resp, struct lxc_error *err);
void criu_resp_free(struct criu_resp *resp);

#endif
