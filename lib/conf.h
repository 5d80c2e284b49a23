/* The container configuration model: every key of LXC 1.1 and LXC 5, typed,
 * plus the user's own text (for writing back unchanged). Parsing lives in conf_parse.c,
 * the key table in conf_keys.c, text editing in conf_write.c. */
#ifndef LXC_CONF_H
#define LXC_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "utils.h"

/* ---- network ---------------------------------------------------------------- */

enum net_type {
	NET_UNSET = 0,
	NET_EMPTY,
	NET_VETH,
	NET_MACVLAN,
	NET_IPVLAN,
	NET_VLAN,
	NET_PHYS,
	NET_NONE,
};

struct net_ipv4 {
	uint32_t addr;      /* network byte order */
	uint32_t broadcast; /* 0 = derive from prefix */
	unsigned prefix;
};

struct net_ipv6 {
	uint8_t addr[16];
	unsigned prefix;
};

struct conf_net {
	int index;               /* N of lxc.net.N */
	enum net_type type;
	char *link;
	char *name;              /* name inside the container */
	char *hwaddr;            /* as written; 'x' digits randomised on create */
	unsigned mtu;            /* 0 = unset */
	bool flags_up;
	bool l2proxy;
	char *script_up;
	char *script_down;
	/* veth */
	char *veth_pair;
	int veth_mode;           /* 0 bridge, 1 router */
	int veth_vlan_id;        /* -1 unset */
	bool veth_vlan_none;     /* veth.vlan.id = none: leave the bridge's default untagged VLAN */
	struct strlist veth_vlan_tagged_ids;
	struct strlist veth_ipv4_routes;
	struct strlist veth_ipv6_routes;
	unsigned veth_n_rxqueues, veth_n_txqueues;
	/* macvlan / ipvlan / vlan */
	int macvlan_mode;        /* MACVLAN_MODE_* from linux/if_link.h, 0 = unset (private) */
	int ipvlan_mode;         /* IPVLAN_MODE_*; -1 unset */
	int ipvlan_isolation;    /* IPVLAN_F_*; -1 unset */
	int vlan_id;             /* -1 unset */
	/* addresses */
	struct net_ipv4 *ipv4;
	size_t n_ipv4;
	struct net_ipv6 *ipv6;
	size_t n_ipv6;
	bool ipv4_gateway_auto, ipv4_gateway_dev;
	bool ipv4_gateway_set;
	uint32_t ipv4_gateway;
	bool ipv6_gateway_auto, ipv6_gateway_dev;
	bool ipv6_gateway_set;
	uint8_t ipv6_gateway[16];
};

/* ---- mounts ----------------------------------------------------------------- */

/* lxc.mount.auto, as flags */
enum {
	AUTO_PROC_MIXED       = 1u << 0,
	AUTO_PROC_RW          = 1u << 1,
	AUTO_SYS_RO           = 1u << 2,
	AUTO_SYS_MIXED        = 1u << 3,
	AUTO_SYS_RW           = 1u << 4,
	AUTO_CGROUP_RO        = 1u << 5,
	AUTO_CGROUP_MIXED     = 1u << 6,
	AUTO_CGROUP_RW        = 1u << 7,
	AUTO_CGROUP_FULL_RO   = 1u << 8,
	AUTO_CGROUP_FULL_MIXED = 1u << 9,
	AUTO_CGROUP_FULL_RW   = 1u << 10,
	AUTO_CGROUP_FORCE     = 1u << 11, /* ":force" suffix */
	AUTO_CGROUP_NOSPEC    = 1u << 12, /* plain "cgroup" */
	AUTO_CGROUP_FULL_NOSPEC = 1u << 13,
	AUTO_SHMOUNTS         = 1u << 14,
};

/* ---- id maps, limits, key/value settings ------------------------------------ */

struct conf_idmap {
	char type;               /* 'u' or 'g' */
	unsigned long nsid, hostid, range;
};

struct conf_kv {                 /* lxc.cgroup.X, lxc.cgroup2.X, lxc.sysctl.X, lxc.proc.X */
	char *key;               /* the part after the prefix, e.g. "memory.limit_in_bytes" */
	char *value;
};

struct conf_prlimit {
	char *name;              /* as written after lxc.prlimit. (e.g. "nofile") */
	int resource;            /* RLIMIT_* */
	unsigned long long soft, hard; /* RLIM_INFINITY for "unlimited" */
};

enum conf_hook {
	HOOK_PRE_START,
	HOOK_PRE_MOUNT,
	HOOK_MOUNT,
	HOOK_AUTODEV,
	HOOK_START,
	HOOK_STOP,
	HOOK_POST_STOP,
	HOOK_CLONE,
	HOOK_DESTROY,
	HOOK_START_HOST,
	HOOK_COUNT,
};

/* Namespaces in the order LXC lists them; index into conf.ns_share. */
enum conf_ns {
	NS_USER, NS_MNT, NS_PID, NS_UTS, NS_IPC, NS_NET, NS_CGROUP, NS_TIME, NS_COUNT,
};

/* ---- the user's text ---------------------------------------------------------- */

/* One line of the main config file, as written. key is the canonical key when the
 * line is a key line (NULL for comments/blank lines). */
struct conf_line {
	char *text;
	char *key;
};

/* ---- the whole configuration --------------------------------------------------- */

struct lxc_conf {
	/* general */
	char *arch_name;              /* as given, normalised by the setter: "x86_64", "i686"... */
	unsigned long personality;    /* PER_LINUX or PER_LINUX32; ~0UL unset */
	char *uts_name;
	int signal_halt, signal_reboot, signal_stop; /* 0 = unset (defaults SIGPWR, SIGINT, SIGKILL) */
	int monitor_signal_pdeath;    /* default SIGKILL; 0 = none */
	bool monitor_unshare;
	struct strlist environment;
	bool ephemeral;
	int no_new_privs;             /* -1 unset */
	int keyring_session;          /* -1 unset (default on) */
	bool sched_core;
	char *time_offset_boot, *time_offset_monotonic;
	bool kmsg;                    /* 1.x only; kept */
	char *pivotdir;               /* 1.x only; kept, unused */

	/* init */
	char *init_cmd;
	char *execute_cmd;
	char *init_cwd;
	long long init_uid, init_gid; /* -1 unset */
	struct strlist init_groups;

	/* start / autostart */
	int start_auto, start_delay, start_order;
	struct strlist groups;

	/* logging */
	char *log_file;
	int log_level;                /* -1 unset */
	char *log_syslog;

	/* rootfs */
	char *rootfs_path;            /* as written (may carry a "dir:" style prefix) */
	char *rootfs_mount;
	char *rootfs_options;
	int rootfs_managed;           /* -1 unset (default 1) */
	char *rootfs_backend;         /* 2.0 only; kept */

	/* mounts */
	char *mount_fstab;
	struct strlist mount_entries;
	unsigned mount_auto;          /* AUTO_* */
	char *shmounts_host, *shmounts_container; /* shmounts:HOST[:CONTAINER] */

	/* devices, ttys, console */
	int autodev;                  /* -1 unset (default 1) */
	unsigned autodev_tmpfs_size;  /* bytes (tmpfs size=); 0 = default (500000) */
	unsigned tty_max;
	char *tty_dir;
	unsigned pty_max;
	char *console_path;           /* NULL = allocate; "none" = no console */
	char *console_logfile;
	unsigned long long console_size;        /* bytes; 0 = unset */
	int console_rotate;
	unsigned long long console_buffer_size; /* bytes; 0 = unset */
	char *console_buffer_logfile;

	/* capabilities */
	struct strlist cap_drop;      /* lower-case names without "cap_" */
	struct strlist cap_keep;
	bool cap_keep_none;           /* "lxc.cap.keep = none" last: keep mode with nothing kept */

	/* LSMs */
	char *apparmor_profile;
	int apparmor_allow_incomplete;
	int apparmor_allow_nesting;
	struct strlist apparmor_raw;
	char *selinux_context;
	char *selinux_context_keyring;

	/* seccomp */
	char *seccomp_profile;
	int seccomp_allow_nesting;
	char *seccomp_notify_proxy;
	char *seccomp_notify_cookie;

	/* user namespace */
	struct conf_idmap *idmaps;
	size_t n_idmaps;

	/* hooks */
	struct strlist hooks[HOOK_COUNT];
	int hook_version;             /* 0 or 1 */

	/* cgroups */
	struct conf_kv *cgroup;       /* lxc.cgroup.* (v1) in file order */
	size_t n_cgroup;
	struct conf_kv *cgroup2;      /* lxc.cgroup2.* */
	size_t n_cgroup2;
	char *cgroup_dir;
	char *cgroup_dir_container;
	char *cgroup_dir_container_inner;
	char *cgroup_dir_monitor;
	char *cgroup_dir_monitor_pivot;
	bool cgroup_relative;

	/* limits, sysctls, /proc */
	struct conf_prlimit *prlimits;
	size_t n_prlimits;
	struct conf_kv *sysctls;
	size_t n_sysctls;
	struct conf_kv *procs;
	size_t n_procs;

	/* namespaces */
	int ns_clone;                 /* CLONE_NEW* flags from lxc.namespace.clone; 0 = unset */
	int ns_keep;                  /* CLONE_NEW* flags from lxc.namespace.keep */
	char *ns_share[NS_COUNT];     /* lxc.namespace.share.<ns>: NAME, PID or path */

	/* network */
	struct conf_net *nets;        /* sorted by index */
	size_t n_nets;
	bool net_legacy_seen;         /* lxc.network.* lines appeared (1.x style) */
	int net_legacy_last;          /* NIC an unindexed lxc.network.X applies to; -1 none */

	/* bookkeeping */
	char *path;                   /* the main file, NULL when built in memory */
	struct conf_line *lines;      /* the main file's text, includes unexpanded */
	size_t n_lines;
	bool text_final_newline;      /* the text ends with '\n' (kept byte for byte) */
	int include_depth;
	struct strlist includes;      /* lxc.include values of the main file (and of set/apply), as written */
	char *name;                   /* container name (conf_load_container), else NULL */
};

struct lxc_conf *conf_new(void);
void conf_free(struct lxc_conf *conf);

/* Read a config file into conf (its lines become the text kept for writing back).
 * Errors name "file:line: key: what is wrong". */
int conf_load_file(struct lxc_conf *conf, const char *path, struct lxc_error *err);
/* Apply one "key = value" as if it were a line (lxc-start -s, set_config_item);
 * also edits the kept text: a single-valued key replaces its line, a list key appends. */
int conf_set_item(struct lxc_conf *conf, const char *key, const char *value, struct lxc_error *err);
/* Same, but the kept text is left alone (defaults, command-line overrides). */
int conf_apply_item(struct lxc_conf *conf, const char *key, const char *value, struct lxc_error *err);
/* Value of key as LXC's get_config_item prints it; *out is malloc'd. */
int conf_get_item(struct lxc_conf *conf, const char *key, char **out, struct lxc_error *err);
/* Clear a key (typed value and its lines in the kept text). */
int conf_clear_item(struct lxc_conf *conf, const char *key, struct lxc_error *err);
/* The kept text, joined (what conf_write writes). */
char *conf_text(const struct lxc_conf *conf);
/* Write the kept text to path atomically. */
int conf_write(const struct lxc_conf *conf, const char *path, struct lxc_error *err);
/* Canonical (modern) name of a key, or NULL when unknown; *out malloc'd. */
char *conf_canonical_key(const char *key);
/* All known keys (modern names; prefixes end with '.'), for lxc-config style listings. */
const char *const *conf_key_names(void);

/* Helpers the runtime uses */
struct conf_net *conf_net_get(struct lxc_conf *conf, int index, bool create);
int conf_signal_parse(const char *s, int *sig);   /* "SIGPWR", "PWR", "30", "SIGRTMIN+3" */
const char *conf_ns_name(enum conf_ns ns);        /* "user", "mnt", ... */
int conf_cap_parse(const char *name);             /* "sys_admin" -> CAP_SYS_ADMIN, -1 unknown */
int conf_ns_parse(const char *name);              /* "mnt" -> NS_MNT, -1 unknown */

/* Parse text as if it were the main file at path (path may be NULL: relative includes then
 * resolve from the current directory; messages say "(text)"). The text is kept like a file's. */
int conf_load_buffer(struct lxc_conf *conf, const char *path, const char *text, size_t len,
		     struct lxc_error *err);

/* Load a container's configuration: rcfile, else <lxcpath>/<name>/config; lxcpath NULL (and
 * no rcfile) means the system's lxc.lxcpath (/etc/lxc/lxc.conf, $LXC_SYSTEM_CONF). Sets
 * conf->name. A missing file fails with err->code ENOENT (the caller words "doesn't exist").
 * Unset keys keep their "unset" values (documented per field); the runtime applies LXC's
 * defaults, so that writing the config back never adds them. */
int conf_load_container(struct lxc_conf *conf, const char *lxcpath, const char *name, const char *rcfile,
			struct lxc_error *err);

/* lxc-update-config: the text of the config file at path with its 1.x/2.x keys renamed
 * (lxc.network.* get explicit indices, lxc.network.ipv4 -> lxc.net.N.ipv4.address,
 * lxc.rootfs -> lxc.rootfs.path, lxc.id_map -> lxc.idmap, lxc.limit.* -> lxc.prlimit.*...),
 * lxc.kmsg, lxc.pivotdir and lxc.rootfs.backend lines dropped (a backend becomes the
 * "driver:" prefix of the rootfs path), commented-out 1.x keys renamed too (except network
 * ones). *changed tells whether anything differs. Included files are read, not changed. */
int conf_update_legacy(const char *path, char **out, bool *changed, struct lxc_error *err);

/*
 * Parsing, as LXC does it: one "key = value" per line, blanks around both trimmed; a line
 * whose first non-blank is '#' is a comment; lines that do not start with "lxc." are ignored
 * (LXC ignores them too); a value in matching single or double quotes loses them; a key
 * line without '=' is an error. List keys accumulate and an empty value clears them; for
 * single-valued keys the last line wins and an empty value unsets. lxc.include takes a
 * file, or a directory (every *.conf regular file in it, sorted by name); a relative path
 * is relative to the including file's directory; a missing include is an error unless
 * it is written as a directory ("dir/"), which LXC skips. Unindexed 1.x lxc.network.X
 * lines: each lxc.network.type starts a new NIC after every NIC defined so far, and the
 * other keys apply to the NIC whose type was set last.
 *
 * conf_get_item returns what LXC 5's get_config_item returns (`lxc-info -c KEY` prints it as
 * "KEY = VALUE"): single values without a newline; list keys (cap.drop, cap.keep, group,
 * environment, mount.entry, apparmor.raw, hooks, namespace.clone/keep, lxc.net's type
 * list, lxc.cgroup.X) one value per line, each followed by '\n'; lxc.idmap,
 * lxc.net.N.ipv4.address/ipv6.address and the veth route/tagged-id lists joined with '\n'
 * and no final newline; lxc.cgroup, lxc.cgroup2, lxc.sysctl, lxc.proc and lxc.prlimit
 * (whole families) as "lxc.cgroup.K = V\n" lines; signals as numbers; lxc.arch as
 * "i686"/"x86_64"; lxc.log.level as a name ("NOTSET" when unset); console sizes in bytes;
 * lxc.rootfs.path without its "backend:" prefix; lxc.seccomp.notify.proxy without
 * "unix:"; prlimits as N, "unlimited" or SOFT:HARD. Unset values print as LXC prints them
 * (0 for numbers and flags, 1 for lxc.autodev and lxc.rootfs.managed, 9 for
 * lxc.monitor.signal.pdeath, "" for strings). lxc.net.N.* of a NIC that does not exist,
 * and type-specific NIC keys of another type, are errors, as in LXC.
 * Where LXC 5.0.2's output is a bug or not observable we print something sensible instead:
 * unset string keys print "" (LXC: "(null)" for cgroup.dir*, namespace.share.*);
 * lxc.mount.auto includes ":force" and shmounts:HOST[:CONTAINER] (LXC drops them);
 * time offsets print as written (LXC: "10 s" for boot, "10s" for monotonic); an IPv4 address
 * without a prefix gets its classful prefix from the real address (LXC reads the bytes in
 * the wrong order); an unset ipvlan mode prints "l3" (the documented default; LXC: "l2");
 * a NIC without a type prints ""; lxc.hwaddr keeps its 'x' digits (LXC randomises them
 * when parsing); a gateway set to "" is cleared (LXC keeps "auto"); lxc.include lists the
 * main file's includes (LXC: invalid); 1.x key names are accepted by every call (LXC 5
 * rejects them). LXC 5 refuses lxc.cap.drop together with lxc.cap.keep; we accept both,
 * as LXC 1.1 did (keep wins at start).
 *
 * conf_set_item edits the kept text: a single-valued key changes the value of the first
 * line with the same canonical key (keeping that line's spelling of the key, legacy or
 * modern) and drops later duplicates, or appends "key = value" with the modern name; a list
 * key appends. An empty value (and conf_clear_item) removes the key's lines — for a family
 * like lxc.cgroup every lxc.cgroup.* setting, for lxc.net every NIC line, for lxc.hook
 * every hook — and, when the file has lxc.include lines, appends "key =" so that values
 * from the included files stay cleared when the file is read again.
 */

#endif
