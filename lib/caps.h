/* Capabilities of the container's init: lxc.cap.drop / lxc.cap.keep applied to the
 * bounding set, then permitted/effective; inheritable and ambient are cleared. */
#ifndef LXC_CAPS_H
#define LXC_CAPS_H

#include <stdint.h>

#include "conf.h"
#include "error.h"

/* Mask (bit n = capability n) of what init keeps, from keep/drop lists; the last
 * capability the running kernel knows is honoured. */
int caps_compute_keep(const struct lxc_conf *conf, uint64_t *keep, struct lxc_error *err);
/* Drop every bounding-set capability not in keep. Effective caps stay until
 * caps_apply() (seccomp still needs CAP_SYS_ADMIN to be installed). */
int caps_drop_bounding(uint64_t keep, struct lxc_error *err);
/* permitted = effective = (current & keep), inheritable = 0, ambient cleared. */
int caps_apply(uint64_t keep, struct lxc_error *err);
/* Highest capability number the kernel supports (from /proc/sys/kernel/cap_last_cap). */
int caps_last_cap(void);

#endif
