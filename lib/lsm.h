/* AppArmor and SELinux labels for the container's init and attached processes.
 * The label is written through a procfs fd checked to really be procfs (CVE-2019-16884). */
#ifndef LXC_LSM_H
#define LXC_LSM_H

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
};

bool lsm_apparmor_enabled(void);
bool lsm_selinux_enabled(void);
/* Decide the label from the config (lxc.apparmor.*, lxc.selinux.context) and what the
 * kernel has; loads a "generated" AppArmor profile. Without AppArmor in the kernel an
 * AppArmor profile is ignored with a log line, as LXC does. */
int lsm_prepare(struct lsm_plan *p, const struct lxc_conf *conf, const char *name, const char *lxcpath,
		struct lxc_error *err);
/* Open the exec attribute of the calling task while the host's /proc is still visible. */
int lsm_open_attr(struct lsm_plan *p, struct lxc_error *err);
/* Write the label for the next execve. */
int lsm_apply(struct lsm_plan *p, struct lxc_error *err);
void lsm_plan_free(struct lsm_plan *p);

#endif
