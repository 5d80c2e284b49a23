/* Logging: formats one line per message for the log file (LXC's layout) and
 * a short "prog: name: message" line for stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *const level_names[] = {
	"TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "CRIT", "ALERT", "FATAL",
};

static struct {
	const char *prog;
	const char *name;
	int fd;
	int level;
	bool quiet;
} log_state = { "lxc", NULL, -1, LOG_LEVEL_ERROR, false };

int log_level_parse(const char *s)
{
	if (!s || !*s)
		return -1;
	if (s[0] >= '0' && s[0] <= '8' && s[1] == '\0')
		return s[0] - '0';
	for (int i = 0; i < LOG_LEVEL_NONE; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return i;
	/* LXC also accepts the long spellings */
	if (strcasecmp(s, "WARNING") == 0)
		return LOG_LEVEL_WARN;
	if (strcasecmp(s, "CRITICAL") == 0)
		return LOG_LEVEL_CRIT;
	return -1;
}

const char *log_level_name(int level)
{
	if (level < 0 || level >= LOG_LEVEL_NONE)
		return "NONE";
	return level_names[level];
}

void log_set_prog(const char *progname, const char *name)
{
	log_state.prog = progname;
	log_state.name = name;
}

void log_set_quiet(bool quiet)
{
	log_state.quiet = quiet;
}

bool log_get_quiet(void)
{
	return log_state.quiet;
}

const char *log_get_prog(void)
{
	return log_state.prog;
}

int log_set_file(const char *path)
{
	int fd = -1;

	if (path && *path) {
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd < 0)
			return -1;
	}
	log_close();
	log_state.fd = fd;
	return 0;
}

void log_set_level(int level)
{
	log_state.level = level;
}

int log_get_level(void)
{
	return log_state.level;
}

int log_file_fd(void)
{
	return log_state.fd;
}

bool log_enabled(int level)
{
	if (level >= LOG_LEVEL_WARN && !log_state.quiet)
		return true;
	return log_state.fd >= 0 && level >= log_state.level;
}

void log_close(void)
{
	if (log_state.fd >= 0)
		close(log_state.fd);
	log_state.fd = -1;
}

static void write_file_line(int level, const char *file, int line, const char *msg)
{
	char buf[2048], stamp[32];
	struct timeval tv;
	struct tm tm;
	const char *base = strrchr(file, '/');
	int n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	n = snprintf(buf, sizeof(buf), "%s %s %s.%03ld %-8s %s:%d - %s\n", log_state.prog,
		     log_state.name ? log_state.name : "", stamp, (long)tv.tv_usec / 1000,
		     level_names[level], base ? base + 1 : file, line, msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	if (write(log_state.fd, buf, n) < 0) {
		/* nowhere left to report a failing log write */
	}
}

void log_write(int level, const char *file, int line, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;
	int saved_errno = errno;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log_state.fd >= 0 && level >= log_state.level)
		write_file_line(level, file, line, msg);
	if (level >= LOG_LEVEL_WARN && !log_state.quiet) {
		if (log_state.name)
			fprintf(stderr, "%s: %s: %s\n", log_state.prog, log_state.name, msg);
		else
			fprintf(stderr, "%s: %s\n", log_state.prog, msg);
	}
	errno = saved_errno;
}
