/* probe: a static test helper run inside containers to try escapes and report errno.
 * Usage: probe NAME [ARGS]; prints "ok" or the errno name, exit 0 when the call succeeded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

static int report(long r)
{
	if (r >= 0) {
		printf("ok\n");
		return 0;
	}
	printf("%s\n", strerror(errno));
	return 1;
}

/* i386 system call through int $0x80 (numbers from arch/x86/entry/syscalls/syscall_32.tbl) */
static long syscall32(long nr, long a, long b, long c, long d)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
	if (ret < 0 && ret > -4096) {
		errno = -ret;
		return -1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (!strcmp(what, "kexec_load"))
		return report(syscall(SYS_kexec_load, 0, 0, NULL, 0));
	if (!strcmp(what, "kexec_load32"))
		return report(syscall32(283, 0, 0, 0, 0));
	if (!strcmp(what, "init_module"))
		return report(syscall(SYS_init_module, NULL, 0, ""));
	if (!strcmp(what, "init_module32"))
		return report(syscall32(128, 0, 0, 0, 0));
	if (!strcmp(what, "finit_module"))
		return report(syscall(SYS_finit_module, -1, "", 0));
	if (!strcmp(what, "open_by_handle_at"))
		return report(syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, 0));
	if (!strcmp(what, "open_by_handle_at32"))
		return report(syscall32(342, -100, 0, 0, 0));
	if (!strcmp(what, "umount_force"))
		return report(umount2(argc > 2 ? argv[2] : "/tmp", MNT_FORCE));
	if (!strcmp(what, "tiocsti")) {
		char c = 'x';

		return report(ioctl(0, TIOCSTI, &c));
	}
	if (!strcmp(what, "write") && argc > 3) {
		int fd = open(argv[2], O_WRONLY);

		if (fd < 0)
			return report(-1);
		return report(write(fd, argv[3], strlen(argv[3])));
	}
	if (!strcmp(what, "mknod_open") && argc > 4) {
		/* probe mknod_open PATH MAJOR MINOR: the node may be made, opening must fail */
		dev_t dev = makedev(atoi(argv[3]), atoi(argv[4]));

		unlink(argv[2]);
		if (mknod(argv[2], S_IFBLK | 0600, dev) < 0 && errno != EEXIST)
			printf("mknod: %s\n", strerror(errno));
		return report(open(argv[2], O_RDONLY));
	}
	if (!strcmp(what, "overwrite") && argc > 2) {
		/* CVE-2019-5736: try to open a binary for writing through /proc */
		int fd = open(argv[2], O_WRONLY);

		return report(fd);
	}
	fprintf(stderr, "probe: unknown probe \"%s\"\n", what);
	return 2;
}
