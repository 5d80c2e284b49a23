/* The kernel's build configuration as lxc-checkconfig reads it: a .config file (plain or
 * gzip), or, when none is found, answers probed from the running kernel. */
#ifndef LXC_KCONFIG_H
#define LXC_KCONFIG_H

#include <stdbool.h>

#include "error.h"
#include "utils.h"

enum kconfig_state {
	KCONFIG_NO,      /* not set */
	KCONFIG_YES,     /* =y, or found in the running kernel */
	KCONFIG_MODULE,  /* =m */
	KCONFIG_UNKNOWN, /* probing: the running kernel does not tell */
};

struct kconfig {
	char *text;     /* the .config text; NULL when probing */
	char *path;     /* where it was read from; NULL when probing */
	int major, minor; /* kernel version; 0.0 when the file does not say */
};

/* Find and read the configuration as LXC's lxc-checkconfig does: config_env (the CONFIG
 * environment variable) when it names a file, else /proc/config.gz, /boot/config-$(uname -r),
 * /lib/modules/$(uname -r)/build/.config. gzip files are decompressed with an external
 * gzip (or zcat). When nothing usable is found, k->text is NULL and kconfig_state() probes
 * the running kernel (request_module may load a module then; link kinds are tried in a
 * throwaway network namespace). notes gets the lines to print about the search, in
 * LXC's words ("Kernel configuration not found at ...; searching..."). */
void kconfig_load(struct kconfig *k, const char *config_env, struct strlist *notes);
void kconfig_free(struct kconfig *k);

/* The state of one option ("CONFIG_USER_NS"). */
enum kconfig_state kconfig_state(const struct kconfig *k, const char *option);

#endif
