/* Terminal helpers: ptys, raw mode that is always restored, and a proxy loop
 * between the user's terminal and a pty master (lxc-console, lxc-attach, lxc-start -F). */
#ifndef LXC_TERMINAL_H
#define LXC_TERMINAL_H

#include <stdbool.h>
#include <termios.h>

#include "error.h"

/* Open a new pty pair from the devpts that ptmx_path belongs to ("/dev/ptmx" for the
 * host's). Both fds are O_CLOEXEC; *slave_name (may be NULL) gets "/dev/pts/N" style. */
int terminal_openpty(const char *ptmx_path, int *master, int *slave, char **slave_name, struct lxc_error *err);
/* Same, relative to an open ptmx-capable directory fd (the container's devpts mount). */
int terminal_openpty_at(int ptmx_fd, int *master, int *slave, struct lxc_error *err);

struct terminal_state {
	int fd;
	bool saved;
	struct termios old;
};
/* Put fd into raw mode when it is a tty; remembered in st for terminal_restore. */
int terminal_raw(int fd, struct terminal_state *st);
void terminal_restore(struct terminal_state *st);
/* Copy the window size of from to to (both ttys); no-op otherwise. */
void terminal_copy_winsize(int from, int to);

/* Relay in_fd -> master and master -> out_fd until master hangs up (or the escape
 * sequence escape_char,'q' is typed when escape_char > 0). Handles SIGWINCH by copying
 * in_fd's window size to master. Returns 0 on hang-up/escape, -1 on error. */
int terminal_proxy(int in_fd, int out_fd, int master, int escape_char, struct lxc_error *err);

#endif
