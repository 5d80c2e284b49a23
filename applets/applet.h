/* The contract between main.c and the applets: each applets/X.c defines one
 * `const struct applet applet_X` and a line "//applet: X" that the Makefile collects. */
#ifndef LXC_APPLET_H
#define LXC_APPLET_H

#include <getopt.h>
#include <stdbool.h>

#include "lxc.h"

/* Options every applet accepts, parsed once in main.c. */
struct lxc_args {
	const char *progname;     /* "lxc-start" */
	const char *name;         /* -n, or the first positional when the applet allows it */
	const char *lxcpath;      /* -P, else the system default */
	const char *logfile;      /* -o */
	int logpriority;          /* -l, LOG_LEVEL_*; -1 unset */
	bool quiet;               /* -q */
	const char *rcfile;       /* --rcfile */
	int argc;                 /* positionals after options (NAME removed when taken) */
	char **argv;
	struct lxc_sysconf *sysconf;
	char **argv_full;         /* the whole command line, for re-executing ourselves */
};

enum applet_flags {
	APPLET_NEEDS_NAME      = 1 << 0, /* "No container name specified" without -n */
	APPLET_POSITIONAL_NAME = 1 << 1, /* a lone first positional is the name */
	APPLET_NO_COMMON       = 1 << 2, /* argv is passed through untouched (e.g. "lxc-net start") */
	APPLET_NO_LOG_NAME     = 1 << 3, /* -n is not a container (lxc-monitor regex) */
};

struct applet {
	const char *name;              /* "start" for lxc-start */
	/* Help text as LXC prints it after "Usage: lxc-X ": the usage line, a blank line, the
	 * description, a blank line, "Options :" and the option lines. main.c adds the
	 * common options and the trailer. */
	const char *help;
	const struct option *options;  /* the applet's long options, {0} terminated; may be NULL */
	const char *shortopts;         /* the applet's short options (getopt syntax) */
	/* Called for each applet option; return 0, or -1 to fail with usage (exit 1). */
	int (*parse)(struct lxc_args *args, int opt, const char *optarg);
	int (*main)(struct lxc_args *args);
	unsigned flags;
};

/* Print "prog: [name: ]message" on stderr and return 1 (the usual exit code). */
int applet_fail(const struct lxc_args *args, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same for a struct lxc_error. */
int applet_fail_error(const struct lxc_args *args, const struct lxc_error *err);

/* applets/common.c */
/* Apply "-s KEY=VAL" defines after the config file (not written back to it). */
int applet_apply_defines(struct lxc_conf *conf, const struct strlist *defines, struct lxc_error *err);
/* Use lxc.log.file / lxc.log.level unless -o / -l were given. */
void applet_container_log(const struct lxc_args *args, const struct lxc_conf *conf);

/* applets/docs.c */
void docs_man_applet(const struct applet *a);
void docs_man_conf(void);
void docs_completion(const struct applet *const *applets, size_t n);

#endif
