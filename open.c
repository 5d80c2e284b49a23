/* open() for the static binary (linked into build/lxc only, as malloc.c). musl follows
 * every open(..., O_CLOEXEC) with an fcntl(F_SETFD) for kernels older than 2.6.23, which
 * ignored the flag; a start makes about ninety such opens, and under a hypervisor every
 * system call is a round trip. openat(AT_FDCWD) is the same call without that. */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}
