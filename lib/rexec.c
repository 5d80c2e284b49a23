/* Sealed self-copies: a container process that opens /proc/<pid>/exe of one of ours
 * finds a sealed memfd, never the host binary it could overwrite. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rexec.h"
#include "utils.h"

extern char **environ;

int rexec_sealed_self(struct lxc_error *err)
{
	_cleanup_close_ int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	int fd;

	if (self < 0 || fstat(self, &st) < 0)
		return error_sys(err, errno, "failed to open our own binary");
	fd = memfd_create("lxc", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return error_sys(err, errno, "memfd_create failed");
	for (off_t off = 0; off < st.st_size;) {
		ssize_t n = sendfile(fd, self, NULL, st.st_size - off);

		if (n <= 0) {
			int saved = n < 0 ? errno : EIO;

			close(fd);
			return error_sys(err, saved, "failed to copy our binary into a memfd");
		}
		off += n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		close(fd);
		return error_sys(err, errno, "failed to seal the memfd");
	}
	return fd;
}

int rexec_from_memfd(char **argv, struct lxc_error *err)
{
	char target[64];
	ssize_t n = readlink("/proc/self/exe", target, sizeof(target) - 1);
	int fd;

	if (n > 0) {
		target[n] = '\0';
		if (str_starts_with(target, "/memfd:"))
			return 0; /* already */
	}
	fd = rexec_sealed_self(err);
	if (fd < 0)
		return -1;
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	close(fd);
	return error_sys(err, errno, "failed to re-execute from a sealed memfd");
}
