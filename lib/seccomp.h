/* Seccomp: LXC's policy language (versions 1 and 2) parsed into a rule list, compiled
 * into one BPF program covering x86_64, i386 and x32, cached, and installed in the container. */
#ifndef LXC_SECCOMP_H
#define LXC_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sysconf.h"
#include "utils.h"

/* This header shadows libseccomp's <seccomp.h> on the include path (-Ilib); lib/seccomp.c
 * includes <seccomp.h> with LXC_SECCOMP_LIBSECCOMP defined to get both. */
#ifdef LXC_SECCOMP_LIBSECCOMP
#include_next <seccomp.h>
#endif

/* ---- The policy model (lib/seccomp_policy.c) ------------------------------------------ */

/* The architectures one filter covers; a rule applies to those of its [section]. */
enum seccomp_arch {
	SECCOMP_ARCH_X86_64 = 1 << 0,
	SECCOMP_ARCH_I386 = 1 << 1,
	SECCOMP_ARCH_X32 = 1 << 2,
	SECCOMP_ARCH_ALL = SECCOMP_ARCH_X86_64 | SECCOMP_ARCH_I386 | SECCOMP_ARCH_X32,
};

enum seccomp_action_kind {
	SECCOMP_ACTION_KILL,   /* the whole process dies with SIGSYS */
	SECCOMP_ACTION_ERRNO,  /* the call fails with errno_value */
	SECCOMP_ACTION_ALLOW,
	SECCOMP_ACTION_TRAP,   /* SIGSYS delivered to the caller */
	SECCOMP_ACTION_NOTIFY, /* a supervisor decides, through the listener fd */
};

struct seccomp_action {
	enum seccomp_action_kind kind;
	unsigned errno_value; /* SECCOMP_ACTION_ERRNO only, 0..4095 */
};

enum seccomp_cmp_op {
	SECCOMP_CMP_NE,        /* != */
	SECCOMP_CMP_LT,        /* <  */
	SECCOMP_CMP_LE,        /* <= */
	SECCOMP_CMP_EQ,        /* == */
	SECCOMP_CMP_GE,        /* >= */
	SECCOMP_CMP_GT,        /* >  */
	SECCOMP_CMP_MASKED_EQ, /* &=: (arg & mask) == value */
};

struct seccomp_arg_cmp {
	unsigned index; /* 0..5 */
	enum seccomp_cmp_op op;
	uint64_t value;
	uint64_t mask;  /* SECCOMP_CMP_MASKED_EQ only */
};

#define SECCOMP_MAX_ARGS 6
#define SECCOMP_MAX_PROFILE_SIZE (1024 * 1024)

struct seccomp_rule {
	char *syscall;   /* the name; NULL for a version-1 rule (a number) */
	int nr;          /* version 1: syscall number on x86_64 */
	unsigned arches; /* SECCOMP_ARCH_* bits */
	struct seccomp_action action;
	unsigned nargs;
	struct seccomp_arg_cmp args[SECCOMP_MAX_ARGS];
	unsigned line;   /* where it was written, for messages */
};

struct seccomp_policy {
	char *source;    /* the file name used in messages */
	int version;     /* 1 or 2 */
	bool allowlist;  /* allowlist/whitelist (else denylist/blacklist) */
	struct seccomp_action default_action; /* for calls no rule matches */
	struct seccomp_rule *rules;
	size_t nrules, cap;
	bool notify;     /* some action is notify: installing returns a listener fd */
};

/* Parse a policy text (len bytes, need not be NUL-terminated). Errors read
 * "SOURCE:LINE: what is wrong". Unknown syscall names are not errors here: they are
 * found, warned about and skipped when compiling (as LXC does). */
int seccomp_policy_parse(struct seccomp_policy *p, const char *text, size_t len, const char *source,
			 struct lxc_error *err);
int seccomp_policy_load(struct seccomp_policy *p, const char *path, struct lxc_error *err);
void seccomp_policy_free(struct seccomp_policy *p);
/* "kill", "errno 1", "allow", "trap", "notify" into buf. */
const char *seccomp_action_format(const struct seccomp_action *a, char *buf, size_t size);

/* ---- Compiled programs (lib/seccomp.c) ------------------------------------------------- */

enum seccomp_origin {
	SECCOMP_ORIGIN_NONE,     /* no profile configured: nothing to install */
	SECCOMP_ORIGIN_SKIPPED,  /* no seccomp in the kernel, or already confined (as LXC) */
	SECCOMP_ORIGIN_EMBEDDED, /* the default profile, compiled at build time */
	SECCOMP_ORIGIN_COMPILED, /* compiled now with libseccomp (and stored in the cache) */
	SECCOMP_ORIGIN_CACHED,   /* read back from the BPF cache */
};

struct seccomp_program {
	const struct sock_filter *insns; /* NULL: nothing to install */
	unsigned short len;
	bool notify;                     /* install with a listener (SECCOMP_FILTER_FLAG_NEW_LISTENER) */
	enum seccomp_origin origin;
	struct sock_filter *buf;         /* owned copy behind insns (NULL for the embedded table) */
};

#define SECCOMP_CACHE_DIR LXC_RUNDIR "/seccomp-cache"
/* LXC's profile path in common.conf; the embedded default stands in when it is absent. */
#define SECCOMP_LXC_COMMON_PROFILE "/usr/share/lxc/config/common.seccomp"

struct seccomp_options {
	const char *cache_dir; /* NULL: SECCOMP_CACHE_DIR; "" disables the cache */
	bool allow_nesting;    /* lxc.seccomp.allow_nesting: load even when already confined */
	const char *status_path; /* NULL: /proc/self/status (tests point it elsewhere) */
	int compile_timeout_ms;  /* 0: 10 s for compiling a profile (see seccomp_compile_bounded) */
};

/* Done early, in the monitor before clone, so that a bad profile fails the start before
 * any setup (forks a short-lived compiler process on a cache miss). profile: a path,
 * "default" (the embedded profile), or NULL/"" for none. LXC's common.seccomp path with
 * no file there also means the embedded profile, and so does a file whose text is the
 * embedded profile's. Other profiles are
 * compiled with libseccomp and cached by content under opts->cache_dir (root-only, files
 * written atomically and checked against the profile text when read back).
 * opts may be NULL. On success out must be released with seccomp_program_free(). */
int seccomp_prepare(const char *profile, const struct seccomp_options *opts, struct seccomp_program *out,
		    struct lxc_error *err);

/* In the container's child right before exec: attaches the program to the calling
 * thread. Allocates nothing. Needs CAP_SYS_ADMIN (in the current user namespace) or
 * no_new_privs; LXC's convention of not setting no_new_privs is kept. When the program
 * has notify rules, *notify_fd receives the listener fd (the caller passes it to the
 * monitor); notify_fd may be NULL only for programs without notify. *notify_fd is -1
 * when no listener was created. Nothing to install (NONE/SKIPPED) returns 0. */
int seccomp_install(const struct seccomp_program *p, int *notify_fd, struct lxc_error *err);

void seccomp_program_free(struct seccomp_program *p);

/* Compile a parsed policy into BPF with libseccomp, in this process (seccomp/bpfgen uses
 * it at build time). Rules skipped (unknown syscall names) or without effect (libseccomp
 * keeps only the first argument-less rule of a syscall) are reported in warnings as
 * "SOURCE:LINE: ..." when warnings is not NULL, else logged with WARN. */
int seccomp_compile(const struct seccomp_policy *p, struct seccomp_program *out, struct strlist *warnings,
		    struct lxc_error *err);

/* The same in a helper process that is killed after timeout_ms (<= 0: 10 s): libseccomp
 * 2.5.4 can loop forever on some profiles, and a start must fail rather than hang.
 * Forks: call it where no other thread runs (the monitor before clone does). */
int seccomp_compile_bounded(const struct seccomp_policy *p, int timeout_ms, struct seccomp_program *out,
			    struct strlist *warnings, struct lxc_error *err);

/* Whether a program is well formed enough to hand to the kernel (ends in a return, jumps
 * stay inside); the kernel checks the rest. */
bool seccomp_bpf_valid(const struct sock_filter *insns, size_t len);

/* The number of a syscall on one architecture (x32 numbers carry 0x40000000), or -1. */
int seccomp_syscall_number(const char *name, enum seccomp_arch arch);

/* The version of libseccomp compiled in, e.g. "libseccomp 2.5.4" (part of the cache key). */
const char *seccomp_compiler(void);

/* The default profile as seccomp/bpfgen emitted it into build/seccomp_default.c. Weak:
 * absent from the generator itself and from test builds that lack the generated file. */
struct seccomp_embedded {
	const char *text;          /* seccomp/default.seccomp as it was compiled */
	size_t text_len;
	const struct sock_filter *insns;
	unsigned short len;
	bool notify;
	const char *compiler;      /* seccomp_compiler() of the generator */
};
extern const struct seccomp_embedded seccomp_embedded_default __attribute__((weak));

#endif
