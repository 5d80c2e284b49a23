/* Creating and destroying containers: the config written first, then a template
 * (the built-in busybox one, or a lxc-NAME script run with LXC's arguments). */
#ifndef LXC_TEMPLATE_H
#define LXC_TEMPLATE_H

#include "conf.h"
#include "error.h"
#include "sysconf.h"

struct create_options {
	const char *name, *lxcpath;
	const char *template_name;  /* "busybox", "none", "debian", or an absolute path */
	const char *config_file;    /* -f; NULL: the system's default config */
	const char *backing;        /* -B: dir (default), best */
	const char *rootfs_dir;     /* --dir */
	char *const *template_args; /* after "--" */
	const struct lxc_sysconf *sysconf;
};

/* Fails without leaving a container directory behind. */
int container_create(const struct create_options *o, struct lxc_error *err);
/* The built-in busybox template (template_busybox.c). */
int template_busybox(const char *path, const char *name, const char *rootfs, char *const *args,
		     struct lxc_error *err);
/* Remove a stopped container: destroy hooks, rootfs, directory. */
int container_destroy(const char *lxcpath, const char *name, struct lxc_error *err);

#endif
