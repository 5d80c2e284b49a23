/* lxc.hook.*: each hook runs through /bin/sh with LXC's arguments
 * (NAME lxc TYPE [extra...]) and LXC_* environment; a failing hook fails the step. */
#ifndef LXC_HOOKS_H
#define LXC_HOOKS_H

#include "conf.h"
#include "error.h"

/* "pre-start", "mount"... as used in LXC_HOOK_TYPE and the third argument. */
const char *hook_type_name(enum conf_hook hook);

/* Run every hook of the list in order. env: extra "K=V" strings (NULL-terminated, may be
 * NULL) added to a copy of the caller's environment; extra_args may be NULL. */
int hooks_run(const struct lxc_conf *conf, enum conf_hook hook, const char *name,
	      char *const *env, char *const *extra_args, struct lxc_error *err);

#endif
