/* The container's /dev/console as the monitor sees it: a fresh pty from the host's
 * devpts, its output copied to lxc.console.logfile (size-capped, rotated) and to a peer. */
#ifndef LXC_CONSOLE_H
#define LXC_CONSOLE_H

#include <stdbool.h>

#include "conf.h"
#include "error.h"

struct console {
	int master;            /* -1: no console (lxc.console.path = none) */
	int slave;             /* kept open so the console never hangs up between inits */
	char *slave_name;      /* "/dev/pts/N": the child reopens it in its own mount namespace */
	int peer_out;          /* where output is relayed (-F: stdout; lxc.console.path device), -1 */
	int peer_in;           /* where input comes from (-F: stdin), -1 */
	int log_fd;
	char *log_path;
	unsigned long long log_size, log_limit;
	bool log_rotate;
	bool handed_out;       /* an lxc-console client holds the master: stop reading it */
};

/* console_path overrides lxc.console.path, log_path lxc.console.logfile (both may be NULL). */
int console_open(struct console *c, const struct lxc_conf *conf, const char *console_path,
		 const char *log_path, struct lxc_error *err);
/* Read what the container wrote and copy it to the log and the peer. Returns -1 on hang-up. */
int console_pump_output(struct console *c);
/* Copy available input from peer_in to the console. Returns -1 when peer_in is at EOF. */
int console_pump_input(struct console *c);
void console_close(struct console *c);

#endif
