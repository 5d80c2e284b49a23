/* Errors as values: a failing lib/ call fills a struct lxc_error and returns -1.
 * Callers add context with error_prefix(); only applets print, once. */
#ifndef LXC_ERROR_H
#define LXC_ERROR_H

#include <stdarg.h>

struct lxc_error {
	int code;        /* errno-style cause, 0 when the cause is not a syscall */
	char msg[1024];  /* human text, already carrying all context */
};

/* Set the message; returns -1 so that `return error_set(err, ...)` works.
 * err may be NULL (the error is then dropped). */
int error_set(struct lxc_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like error_set() but appends ": strerror(code)" and records code. */
int error_sys(struct lxc_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend context: "context: previous message". Returns -1. */
int error_prefix(struct lxc_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void error_clear(struct lxc_error *err);

#endif
