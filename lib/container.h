/* A container as the tools see it: a name in an lxcpath, its config, and (when it
 * runs) a monitor to ask. Shared by every applet. */
#ifndef LXC_CONTAINER_H
#define LXC_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "conf.h"
#include "error.h"
#include "runtime.h"

/* Refuse names that are not a single safe path component. */
int container_name_check(const char *name, struct lxc_error *err);
char *container_dir(const char *lxcpath, const char *name);
char *container_config_path(const char *lxcpath, const char *name);
/* A container is defined when <lxcpath>/<name>/config exists. */
bool container_defined(const char *lxcpath, const char *name);
/* STATE_* from the monitor; STATE_STOPPED when none answers. */
int container_state(const char *lxcpath, const char *name);
/* Init's pid, or -1 when not running. */
pid_t container_init_pid(const char *lxcpath, const char *name);
/* Error out with "NAME doesn't exist" (LXC's text) unless the container is defined. */
int container_require_defined(const char *lxcpath, const char *name, struct lxc_error *err);
/* Load the container's config (rcfile overrides <lxcpath>/<name>/config). */
struct lxc_conf *container_load_conf(const char *lxcpath, const char *name, const char *rcfile,
				     struct lxc_error *err);
/* A command to the running monitor; ENOENT/ECONNREFUSED in err->code when not running. */
int container_command(const char *lxcpath, const char *name, int cmd, int arg, const char *in,
		      char **out, struct lxc_error *err);

/* Wait until the container is in one of the states of mask (bits 1 << STATE_*), the
 * listener having been opened before the action that changes the state. Events are
 * the trigger; the state is asked again whenever none came for a second, because a
 * listener whose queue is full loses datagrams. timeout_ms < 0 waits forever.
 * Returns 1 when reached, 0 on timeout, -1 on error. */
struct event_listener;
int container_wait_state(struct event_listener *l, const char *lxcpath, const char *name, unsigned mask,
			 int timeout_ms, struct lxc_error *err);

#endif
