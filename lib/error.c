/* Errors as values: formatting helpers for struct lxc_error.
 * Messages stay bounded (truncated, never overflowing). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int error_set(struct lxc_error *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = 0;
	return -1;
}

int error_sys(struct lxc_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(code));
	err->code = code;
	return -1;
}

int error_prefix(struct lxc_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}

void error_clear(struct lxc_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}
