/* Sealed in-memory copies of our own binary (CVE-2019-5736): what runs inside a
 * container as lxc-execute's init, and what lxc-attach re-executes itself from. */
#ifndef LXC_REXEC_H
#define LXC_REXEC_H

#include "error.h"

/* A memfd holding /proc/self/exe, sealed against writes, growth and shrinking. */
int rexec_sealed_self(struct lxc_error *err);
/* Unless already running from such a memfd, re-exec argv from one. Returns only
 * on failure. */
int rexec_from_memfd(char **argv, struct lxc_error *err);

#endif
