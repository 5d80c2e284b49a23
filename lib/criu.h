/* Driving CRIU as `criu swrk 3`: finding the binary, one swrk process per operation,
 * the request/notify loop over a SOCK_SEQPACKET pair, and errors that quote CRIU's log.
 *
 * Typical use (one exec of criu per operation):
 *
 *   struct criu_conn c;
 *   criu_open(&c, sc, NULL, 0, err);          fork+exec `criu swrk 3`
 *   criu_version(&c, &v, err);                VERSION, keep_open; refuses CRIU < 4.1
 *   criu_request(&c, &req, notify, data, &resp, err);   DUMP / RESTORE ...
 *   criu_resp_free(&resp);
 *   criu_close(&c);                           closes the socket, reaps criu
 *
 * CRIU serves further requests on the same process only after VERSION, FEATURE_CHECK,
 * PAGE_SERVER(_CHLD), CPUINFO_* with keep_open, and after PRE_DUMP (which waits for the
 * next PRE_DUMP or the final DUMP). Any other request ends the process: CHECK, DUMP and
 * RESTORE each take their own criu_open(). */
#ifndef LXC_CRIU_H
#define LXC_CRIU_H

#include <stddef.h>
#include <sys/types.h>

#include "criu_rpc.h"
#include "error.h"
#include "sysconf.h"

/* Oldest CRIU accepted (mount-v2, the RPC fields used, fixes for current kernels). */
#define CRIU_MIN_MAJOR 4
#define CRIU_MIN_MINOR 1

/* extra_fds[i] of criu_open() is descriptor CRIU_EXTRA_FD(i) inside CRIU: use that
 * number in criu_inherit_fd.fd and criu_page_server.fd. */
#define CRIU_EXTRA_FD(i) (4 + (int)(i))

struct criu_conn {
	int sock;          /* our end of the socketpair; -1 once closed */
	pid_t pid;         /* the `criu swrk` process; -1 once reaped */
	int wait_status;   /* its wait status once reaped, else -1 */
	int stderr_fd;     /* a memfd holding what criu wrote to its stderr */
	char *binary;      /* the criu executed */
	char *log_path;    /* absolute path of the last request's log file, NULL if unknown */
};

/*
 * Called for each CRIU notification ("pre-dump", "post-restore", "orphan-pts-master"...)
 * when the request set notify_scripts. pid is the restored root's host pid for
 * "setup-namespaces" and "post-restore", else -1. fd is the descriptor CRIU passed
 * (the new pty master for "orphan-pts-master"), else -1: it is closed when the callback
 * returns, so dup() it to keep it. Return 0 to let CRIU go on; -1 (with err set) makes
 * CRIU abort the operation, and criu_request() then fails with this error.
 */
typedef int (*criu_notify_fn)(void *data, const char *script, int pid, int fd, struct lxc_error *err);

/*
 * The criu binary to run: lxc.criu.path from the system config (sc may be NULL), else
 * $CRIU, else "criu" in $PATH. A value without '/' is looked up in $PATH. *path is
 * malloc'ed. Fails naming where the value came from when it is not executable.
 */
int criu_find(const struct lxc_sysconf *sc, char **path, struct lxc_error *err);

/*
 * Starts `criu swrk 3` with the server end of a SOCK_SEQPACKET socketpair on fd 3 and
 * extra_fds[i] on CRIU_EXTRA_FD(i); stdin and stdout are /dev/null; stderr is a memory
 * file of the connection (never our terminal: CRIU writes errors there, e.g. when a
 * kept-open connection is closed) that failures quote when the log file has nothing.
 * No other descriptor is inherited; signal mask and SIGCHLD/SIGPIPE dispositions are reset.
 * On a machine whose hardware breakpoints never fire (some VMs; CRIU then waits
 * forever for a task to trap) CRIU is told to stop tasks by syscall tracing instead
 * (CRIU_FAULT=130), unless the caller set CRIU_FAULT. Fails if criu cannot be executed.
 */
int criu_open(struct criu_conn *c, const struct lxc_sysconf *sc, const int *extra_fds, size_t n_extra,
	      struct lxc_error *err);

/*
 * Sends req and waits for its answer, serving NOTIFY messages in between with fn
 * (fn may be NULL: every notification is acknowledged). Returns 0 when CRIU answered
 * success; resp then holds the answer (release it with criu_resp_free()).
 * Returns -1 when:
 *  - CRIU answered success=false: resp holds the answer (cr_errno, cr_errmsg) and err
 *    says "criu dump failed: see /dir/dump.log: Error (...): ...; Error (...)";
 *  - CRIU exited or closed the connection: err carries its exit status and the log's
 *    errors, criu is reaped, resp is empty;
 *  - the answer was malformed or of another type, fn failed, or a syscall failed.
 * resp must always be released with criu_resp_free(). After a failure other than
 * success=false the connection is unusable; criu_close() still has to be called.
 */
int criu_request(struct criu_conn *c, const struct criu_req *req, criu_notify_fn fn, void *data,
		 struct criu_resp *resp, struct lxc_error *err);

/* VERSION with keep_open. Fails with one line when CRIU does not answer it or is
 * older than CRIU_MIN_MAJOR.CRIU_MIN_MINOR ("criu 3.17.1 (/usr/sbin/criu) is too old..."). */
int criu_version(struct criu_conn *c, struct criu_version *v, struct lxc_error *err);

/* FEATURE_CHECK with keep_open: f holds 1 for each feature to probe; on return each
 * probed feature is 0 or 1 (unprobed ones -1). */
int criu_features(struct criu_conn *c, struct criu_features *f, struct lxc_error *err);

/* Closes the socket (CRIU sees EOF and ends) and reaps criu. Safe to call twice. */
void criu_close(struct criu_conn *c);

/*
 * Whether CRIU can work here: a criu swrk of its own runs VERSION (>= 4.1) then CHECK
 * (CRIU's kernel checks, as `criu check`). v may be NULL. On failure err is one line
 * naming the binary and CRIU's first errors.
 */
int criu_check_usable(const struct lxc_sysconf *sc, struct criu_version *v, struct lxc_error *err);

/*
 * The first "Error (file:line): text" lines of a CRIU log (at most 5, timestamps
 * dropped, joined by "; ") into buf. The RLIMIT_NOFILE error CRIU logs and then ignores
 * when it lacks CAP_SYS_RESOURCE is skipped. Returns the number of lines (0 leaves buf
 * ""), or -1 with errno when the log cannot be read.
 */
int criu_log_first_errors(const char *log_path, char *buf, size_t len);

#endif
