/* Logging: one process-wide log (the only global mutable state lib/ keeps).
 * Goes to the -o/lxc.log.file file at -l/lxc.log.level, and WARN and above to stderr unless -q. */
#ifndef LXC_LOG_H
#define LXC_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LEVEL_TRACE,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_INFO,
	LOG_LEVEL_NOTICE,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_CRIT,
	LOG_LEVEL_ALERT,
	LOG_LEVEL_FATAL,
	LOG_LEVEL_NONE,
};

/* "TRACE".."FATAL" (any case) or "0".."8"; returns -1 when unknown. */
int log_level_parse(const char *s);
const char *log_level_name(int level);

/* progname: "lxc-start"; name: container or NULL. */
void log_set_prog(const char *progname, const char *name);
void log_set_quiet(bool quiet);
bool log_get_quiet(void);
const char *log_get_prog(void);
/* Opens (appends to) path; returns -1 with errno on failure. NULL closes the file. */
int log_set_file(const char *path);
void log_set_level(int level);
int log_get_level(void);
/* The log file's descriptor (-o or lxc.log.file), -1 when there is none. */
int log_file_fd(void);
/* Whether a message at this level would be written anywhere (to skip costly formatting). */
bool log_enabled(int level);
/* Close the log file descriptor (before exec into a container). */
void log_close(void);

void log_write(int level, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define TRACE(...)  log_write(LOG_LEVEL_TRACE, __FILE__, __LINE__, __VA_ARGS__)
#define DEBUG(...)  log_write(LOG_LEVEL_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#define INFO(...)   log_write(LOG_LEVEL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define NOTICE(...) log_write(LOG_LEVEL_NOTICE, __FILE__, __LINE__, __VA_ARGS__)
#define WARN(...)   log_write(LOG_LEVEL_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define ERROR(...)  log_write(LOG_LEVEL_ERROR, __FILE__, __LINE__, __VA_ARGS__)

#endif
