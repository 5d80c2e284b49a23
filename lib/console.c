/* The monitor's side of the container console: pty allocation, log file with a size
 * cap (lxc.console.size, lxc.console.rotate keeps one .1 file) and relay to a peer. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "log.h"
#include "terminal.h"
#include "utils.h"

int console_open(struct console *c, const struct lxc_conf *conf, const char *console_path,
		 const char *log_path, struct lxc_error *err)
{
	const char *path = console_path ? console_path : conf->console_path;

	memset(c, 0, sizeof(*c));
	c->master = c->slave = c->peer_out = c->peer_in = c->log_fd = -1;
	if (path && strcmp(path, "none") == 0)
		return 0;
	if (terminal_openpty("/dev/ptmx", &c->master, &c->slave, &c->slave_name, err) < 0)
		return error_prefix(err, "failed to allocate the console");
	fcntl(c->master, F_SETFL, O_NONBLOCK);
	if (path && *path) {
		/* a host device (e.g. /dev/tty1) that the console is relayed to */
		c->peer_out = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
		if (c->peer_out < 0) {
			int saved = errno;

			console_close(c);
			return error_sys(err, saved, "lxc.console.path: failed to open \"%s\"", path);
		}
		c->peer_in = c->peer_out;
		terminal_copy_winsize(c->peer_out, c->master);
	}
	if (!log_path)
		log_path = conf->console_logfile;
	if (log_path && *log_path) {
		struct stat st;

		c->log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (c->log_fd < 0) {
			int saved = errno;

			console_close(c);
			return error_sys(err, saved, "lxc.console.logfile: failed to open \"%s\"", log_path);
		}
		c->log_path = xstrdup(log_path);
		c->log_limit = conf->console_size;
		c->log_rotate = conf->console_rotate > 0;
		if (fstat(c->log_fd, &st) == 0)
			c->log_size = st.st_size;
	}
	return 0;
}

static void console_log(struct console *c, const char *buf, size_t n)
{
	if (c->log_fd < 0)
		return;
	if (c->log_limit && c->log_size + n > c->log_limit) {
		/* keep the newest output: rotate to .1, or start the file over */
		if (c->log_rotate) {
			_cleanup_free_ char *old = xasprintf("%s.1", c->log_path);

			rename(c->log_path, old);
			close(c->log_fd);
			c->log_fd = open(c->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		} else if (ftruncate(c->log_fd, 0) < 0) {
			WARN("failed to truncate console log \"%s\"", c->log_path);
		}
		c->log_size = 0;
		if (c->log_fd < 0)
			return;
	}
	if (write_full(c->log_fd, buf, n) > 0)
		c->log_size += n;
}

int console_pump_output(struct console *c)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(c->master, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		console_log(c, buf, n);
		if (c->peer_out >= 0 && write_full(c->peer_out, buf, n) < 0)
			c->peer_out = -1; /* the reader went away; keep logging */
	}
}

int console_pump_input(struct console *c)
{
	char buf[4096];
	ssize_t n;

	do
		n = read(c->peer_in, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0)
		return -1;
	return write_full(c->master, buf, n) < 0 ? -1 : 0;
}

void console_close(struct console *c)
{
	if (c->peer_out >= 0 && c->peer_out > 2)
		close(c->peer_out);
	if (c->peer_in >= 0 && c->peer_in > 2 && c->peer_in != c->peer_out)
		close(c->peer_in);
	if (c->master >= 0)
		close(c->master);
	if (c->slave >= 0)
		close(c->slave);
	if (c->log_fd >= 0)
		close(c->log_fd);
	free(c->log_path);
	free(c->slave_name);
	memset(c, 0, sizeof(*c));
	c->master = c->slave = c->peer_out = c->peer_in = c->log_fd = -1;
}
