/* Starting a container: the monitor process (parent side of setup, command socket,
 * reaping, teardown) and the child that becomes the container's init. */
#ifndef LXC_START_H
#define LXC_START_H

#include <stdbool.h>

#include "conf.h"
#include "error.h"
#include "sysconf.h"

struct checkpoint_request; /* lib/checkpoint.h */

struct start_options {
	const char *name;
	const char *lxcpath;
	const char *config_path;      /* the container's config file (hooks' LXC_CONFIG_FILE) */
	struct lxc_conf *conf;
	const struct lxc_sysconf *sysconf;
	char *const *argv;            /* command instead of lxc.init.cmd (NULL: from config) */
	bool daemonize;               /* lxc-start default; -F clears it */
	bool close_inherited_fds;     /* lxc-start -C; a daemon always does */
	bool execute;                 /* lxc-execute: our own init from a sealed memfd, stdio inherited */
	bool foreground_console;      /* relay the console to our stdin/stdout */
	const char *pidfile;          /* -p: the monitor's pid */
	const char *console_path;     /* -c */
	const char *console_log;      /* -L */
	/* lxc-checkpoint -r: init comes back from CRIU's images (lib/restore.c) instead of
	 * being cloned; everything else is a normal start */
	const struct checkpoint_request *restore;
};

/* Start the container. Daemon mode: returns in the caller once the container runs
 * (0) or failed (-1, err says why), the monitor lives on in the background.
 * Foreground: returns when the container has stopped; *exit_status is init's wait status. */
int container_start(struct start_options *opts, int *exit_status, struct lxc_error *err);
/* main() of "lxc-guard", which a guard execs after its monitor was killed (start_guard.c). */
int start_guard_cleanup(int argc, char **argv);

#endif
