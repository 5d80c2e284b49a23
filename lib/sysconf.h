/* The system configuration (/etc/lxc/lxc.conf): where containers live and which
 * defaults apply. Read once per command, before anything touches a container. */
#ifndef LXC_SYSCONF_H
#define LXC_SYSCONF_H

#include "error.h"

#ifndef LXC_DEFAULT_LXCPATH
#define LXC_DEFAULT_LXCPATH "/var/lib/lxc"
#endif
#ifndef LXC_SYSCONFDIR
#define LXC_SYSCONFDIR "/etc/lxc"
#endif
#ifndef LXC_DATADIR
#define LXC_DATADIR "/usr/share/lxc"
#endif
#ifndef LXC_RUNDIR
#define LXC_RUNDIR "/run/lxc"
#endif

struct lxc_sysconf {
	char *lxcpath;            /* lxc.lxcpath */
	char *default_config;     /* lxc.default_config */
	char *bdev_lvm_vg;        /* lxc.bdev.lvm.vg */
	char *bdev_lvm_thin_pool; /* lxc.bdev.lvm.thin_pool */
	char *bdev_zfs_root;      /* lxc.bdev.zfs.root */
	char *cgroup_use;         /* lxc.cgroup.use */
	char *cgroup_pattern;     /* lxc.cgroup.pattern */
	char *criu_path;          /* lxc.criu.path (ours) */
	char *path;               /* the file read, or NULL when absent */
};

/* Load the system config: $LXC_SYSTEM_CONF, else LXC_SYSCONFDIR/lxc.conf.
 * A missing file is not an error (defaults apply). */
int sysconf_load(struct lxc_sysconf *sc, struct lxc_error *err);
/* Parse a specific file (defaults first). */
int sysconf_load_file(struct lxc_sysconf *sc, const char *path, struct lxc_error *err);
void sysconf_free(struct lxc_sysconf *sc);
/* Value of one key ("lxc.lxcpath"...); NULL when unknown or not set (check sysconf_keys). */
const char *sysconf_get(const struct lxc_sysconf *sc, const char *key);
/* The keys lxc-config -l lists, NULL-terminated. */
extern const char *const sysconf_keys[];

#endif
