/* probe: a static test helper run inside containers to try escapes and report errno.
 * Usage: probe NAME [ARGS]; prints "ok" or the errno name, exit 0 when the call succeeded. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
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

/* Push each byte of text into the input queue of the terminal open on fd. */
static int inject(int fd, const char *text)
{
	for (const char *c = text; *c; c++)
		if (ioctl(fd, TIOCSTI, c) < 0)
			return report(-1);
	return report(0);
}

/* Turn the two-character sequence \n into a newline, in place. */
static char *unescape(char *s)
{
	char *out = s;

	for (char *in = s; *in; in++) {
		if (in[0] == '\\' && in[1] == 'n') {
			*out++ = '\n';
			in++;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return s;
}

/* CVE-2019-5736 racer: for SECONDS, hold an O_PATH fd on /proc/<pid>/exe of every new
 * process that does not run EXCLUDE, then try to reopen each read-write and write its
 * first byte back unchanged. Prints one line per distinct executable seen with what
 * the write attempt gave, and "WRITABLE" for any that could have been overwritten. */
static int race_exe(int seconds, const char *exclude)
{
	enum { MAX = 512 };
	static int seen_pid[MAX], held[MAX];
	static char target[MAX][128], result[MAX][64];
	int n_seen = 0, n_held = 0, writable = 0;
	time_t end = time(NULL) + seconds;

	while (time(NULL) < end) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		if (!d)
			return report(-1);
		while ((de = readdir(d)) && n_held < MAX && n_seen < MAX) {
			int pid = atoi(de->d_name), known = 0;
			char path[64], link[128];
			ssize_t len;

			if (pid <= 0 || pid == getpid())
				continue;
			for (int i = 0; i < n_seen && !known; i++)
				known = seen_pid[i] == pid;
			snprintf(path, sizeof(path), "/proc/%d/exe", pid);
			len = readlink(path, link, sizeof(link) - 1);
			if (len <= 0)
				continue;
			link[len] = '\0';
			if (known || strstr(link, exclude))
				continue;
			seen_pid[n_seen++] = pid;
			held[n_held] = open(path, O_PATH | O_CLOEXEC);
			if (held[n_held] >= 0)
				snprintf(target[n_held++], sizeof(target[0]), "%s", link);
		}
		closedir(d);
	}
	for (int i = 0; i < n_held; i++) {
		char path[64], byte;
		int fd;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", held[i]);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			snprintf(result[i], sizeof(result[0]), "%s", strerror(errno));
		} else if (pread(fd, &byte, 1, 0) != 1 || pwrite(fd, &byte, 1, 0) != 1) {
			snprintf(result[i], sizeof(result[0]), "%s", strerror(errno));
			close(fd);
		} else {
			snprintf(result[i], sizeof(result[0]), "WRITABLE");
			writable++;
			close(fd);
		}
		printf("%s: %s\n", target[i], result[i]);
	}
	printf("%d processes held, %d writable\n", n_held, writable);
	return writable ? 1 : 0;
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
	if (!strcmp(what, "getpid32"))
		return report(syscall32(20, 0, 0, 0, 0));
	if (!strcmp(what, "kill0") && argc > 2)
		return report(kill(atoi(argv[2]), 0));
	if (!strcmp(what, "tiocsti_path") && argc > 3) {
		/* probe tiocsti_path PATH TEXT: inject TEXT (\n = newline) into the tty at PATH */
		int fd = open(argv[2], O_RDWR | O_NOCTTY);

		if (fd < 0)
			return report(-1);
		return inject(fd, unescape(argv[3]));
	}
	if (!strcmp(what, "tiocsti_fd") && argc > 3)
		return inject(atoi(argv[2]), unescape(argv[3]));
	if (!strcmp(what, "race_exe") && argc > 3)
		return race_exe(atoi(argv[2]), argv[3]);
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
