/* AppArmor and SELinux labels for the container's init and attached processes.
 * The label is written through a procfs fd checked to really be procfs (CVE-2019-16884). */
#ifndef LXC_LSM_H
#define LXC_LSM_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf.h"
#include "error.h"

enum lsm_kind {
	LSM_NONE,
	LSM_APPARMOR,
	LSM_SELINUX,
};

struct lsm_plan {
	enum lsm_kind kind;
	char *label;       /* AppArmor profile or SELinux context; NULL = leave as is */
	int attr_fd;       /* open /proc/self/attr/.../exec, see lsm_open_attr */
	bool generated;    /* an AppArmor profile we loaded ("generated"), see lsm_unload_generated */
};

bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
/* Decide the label from the config (lxc.apparmor.*, lxc.selinux.context) and what the
 * kernel has; loads a "generated" AppArmor profile. Without AppArmor in the kernel an
 * AppArmor profile is ignored with a log line, as LXC does. "unchanged" keeps the caller's
 * label; "unconfined" leaves a confined caller's. A confined start is refused when the
 * kernel cannot mediate mounts, unless lxc.apparmor.allow_incomplete = 1. */
int lsm_prepare(struct lsm_plan *p, const struct lxc_conf *conf, const char *name, const char *lxcpath,
		struct lxc_error *err);
/* lxc-attach: the label of the container's init as it runs (from the host's /proc), so an
 * attached process gets what init has whatever the config says now. */
int lsm_prepare_attach(struct lsm_plan *p, pid_t init_pid, struct lxc_error *err);
/* After the container stopped: remove the "generated" profile lsm_prepare loaded. */
int lsm_unload_generated(struct lsm_plan *p, struct lxc_error *err);
/* Open the exec attribute of the calling task while the host's /proc is still visible. */
int lsm_open_attr(struct lsm_plan *p, struct lxc_error *err);
/* Write the label for the next execve. */
int lsm_apply(struct lsm_plan *p, struct lxc_error *err);
void lsm_plan_free(struct lsm_plan *p);

#endif
