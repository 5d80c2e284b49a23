/* Attaching to a running container (lxc-attach). */
#ifndef LXC_ATTACH_H
#define LXC_ATTACH_H

#include <stdbool.h>

#include "error.h"
#include "utils.h"

struct attach_options {
	const char *name, *lxcpath, *rcfile;
	int ns_flags;                  /* CLONE_NEW* to join; 0 = all the container has */
	bool elevated_caps, elevated_cgroup, elevated_lsm;
	bool remount_sys_proc;
	bool clear_env;
	struct strlist set_vars;       /* -v K=V */
	struct strlist keep_vars;      /* --keep-var K (with --clear-env) */
	long uid, gid;                 /* -1: root in the container */
	unsigned long arch_personality; /* ~0UL: the container's own */
	char **argv;                   /* NULL: the user's shell from the container's passwd */
};

/* Runs the command; *exit_status is its exit code (128+signal when killed). */
int container_attach(const struct attach_options *o, int *exit_status, struct lxc_error *err);

#endif
