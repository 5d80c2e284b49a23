/* Terminal helpers: pty allocation, raw mode and the relay loop. The relay is
 * poll()-based and restores the user's terminal on every exit path. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "terminal.h"
#include "utils.h"

static int unlock_and_open_slave(int master, int *slave, char **slave_name, struct lxc_error *err)
{
	int unlock = 0, fd;
	unsigned int ptyno;

	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return error_sys(err, errno, "failed to unlock pty");
	/* TIOCGPTPEER opens the slave through the master: no path lookup, no race */
	fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return error_sys(err, errno, "failed to open pty slave");
	if (slave_name) {
		if (ioctl(master, TIOCGPTN, &ptyno) < 0) {
			close(fd);
			return error_sys(err, errno, "failed to get pty number");
		}
		*slave_name = xasprintf("/dev/pts/%u", ptyno);
	}
	*slave = fd;
	return 0;
}

int terminal_openpty(const char *ptmx_path, int *master, int *slave, char **slave_name, struct lxc_error *err)
{
	int m = open(ptmx_path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0)
		return error_sys(err, errno, "failed to open \"%s\"", ptmx_path);
	if (unlock_and_open_slave(m, slave, slave_name, err) < 0) {
		close(m);
		return -1;
	}
	*master = m;
	return 0;
}

int terminal_openpty_at(int ptmx_fd, int *master, int *slave, struct lxc_error *err)
{
	_cleanup_free_ char *path = xasprintf("/proc/self/fd/%d", ptmx_fd);

	return terminal_openpty(path, master, slave, NULL, err);
}

int terminal_raw(int fd, struct terminal_state *st)
{
	struct termios raw;

	st->fd = fd;
	st->saved = false;
	if (!isatty(fd) || tcgetattr(fd, &st->old) < 0)
		return 0;
	raw = st->old;
	cfmakeraw(&raw);
	raw.c_oflag |= OPOST; /* keep \n -> \r\n for our own messages */
	if (tcsetattr(fd, TCSAFLUSH, &raw) < 0)
		return -1;
	st->saved = true;
	return 0;
}

void terminal_restore(struct terminal_state *st)
{
	if (st->saved)
		tcsetattr(st->fd, TCSAFLUSH, &st->old);
	st->saved = false;
}

void terminal_copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* Forward buf to master, watching for the escape sequence; returns 1 when it was typed. */
static int forward_input(int master, const char *buf, size_t n, int escape_char, bool *pending_escape)
{
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];

		if (escape_char > 0 && *pending_escape) {
			*pending_escape = false;
			if (c == 'q')
				return 1;
			if (c != escape_char) {
				char e = escape_char;

				if (write_full(master, &e, 1) < 0)
					return -1;
			}
		} else if (escape_char > 0 && c == escape_char) {
			*pending_escape = true;
			continue;
		}
		if (write_full(master, &c, 1) < 0)
			return -1;
	}
	return 0;
}

int terminal_proxy(int in_fd, int out_fd, int master, int escape_char, struct lxc_error *err)
{
	sigset_t mask, old;
	_cleanup_close_ int sfd = -1;
	bool pending_escape = false, in_open = in_fd >= 0;
	char buf[4096];
	int ret = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (in_open)
		terminal_copy_winsize(in_fd, master);
	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = master, .events = POLLIN },
			{ .fd = in_open ? in_fd : -1, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		ssize_t n;

		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = error_sys(err, errno, "poll failed");
			break;
		}
		if (pfd[2].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) > 0 && in_open)
				terminal_copy_winsize(in_fd, master);
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(master, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break; /* EIO: the other side is gone */
			if (write_full(out_fd, buf, n) < 0) {
				ret = error_sys(err, errno, "failed to write output");
				break;
			}
		}
		if (in_open && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			int r;

			n = read(in_fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				in_open = false;
				continue;
			}
			r = forward_input(master, buf, n, escape_char, &pending_escape);
			if (r == 1)
				break;
			if (r < 0) {
				ret = error_sys(err, errno, "failed to forward input");
				break;
			}
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
