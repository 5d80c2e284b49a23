/* The built-in busybox template: a rootfs made of the host's static busybox, its
 * applet links, and a minimal /etc — so lxc-create works with no scripts installed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "template.h"
#include "utils.h"

static const char *const rootfs_dirs[] = {
	"selinux", "dev", "home", "root", "etc", "etc/init.d", "bin", "usr", "usr/bin", "sbin", "usr/sbin",
	"proc", "sys", "mnt", "tmp", "var", "var/log", "var/run", "dev/pts", "lib", "usr/lib", "lib64",
	"usr/lib64", "usr/share", "usr/share/udhcpc",
};

static const struct {
	const char *path;
	mode_t mode;
	const char *text;
} rootfs_files[] = {
	{ "etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\n" },
	{ "etc/group", 0644, "root:x:0:root\n" },
	{ "etc/shadow", 0600, "" },
	{ "etc/fstab", 0644, "" },
	{ "etc/init.d/rcS", 0744,
	  "#!/bin/sh\n"
	  "# first thing busybox init runs: logging, fstab, an address by DHCP\n"
	  "/bin/syslogd\n"
	  "/bin/mount -a\n"
	  "/bin/udhcpc -b -q 2>/dev/null\n" },
	{ "etc/inittab", 0644,
	  "::sysinit:/etc/init.d/rcS\n"
	  "tty1::respawn:/bin/getty -L tty1 115200 vt100\n"
	  "console::askfirst:/bin/sh\n" },
	{ "usr/share/udhcpc/default.script", 0744,
	  "#!/bin/sh\n"
	  "# udhcpc calls this with the lease in the environment\n"
	  "case \"$1\" in\n"
	  "deconfig)\n"
	  "\tip addr flush dev \"$interface\"\n"
	  "\t;;\n"
	  "renew|bound)\n"
	  "\t[ -n \"$router\" ] && ip route del default 2>/dev/null\n"
	  "\tip addr add \"$ip/$mask\" ${broadcast:+broadcast $broadcast} dev \"$interface\"\n"
	  "\t[ -n \"$router\" ] && ip route add default via \"${router%% *}\" dev \"$interface\"\n"
	  "\t: > /etc/resolv.conf\n"
	  "\t[ -n \"$domain\" ] && echo \"search $domain\" >> /etc/resolv.conf\n"
	  "\tfor ns in $dns; do echo \"nameserver $ns\" >> /etc/resolv.conf; done\n"
	  "\t;;\n"
	  "esac\n"
	  "exit 0\n" },
};

/* Where the host's busybox is: $BUSYBOX, else the first "busybox" on PATH. */
static char *find_busybox(void)
{
	const char *env = getenv("BUSYBOX");
	const char *path = getenv("PATH");
	struct strlist dirs = { 0 };
	char *found = NULL;

	if (env && *env)
		return access(env, X_OK) == 0 ? xstrdup(env) : NULL;
	strlist_split(&dirs, path && *path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", ":");
	strlist_push(&dirs, "/bin");
	for (size_t i = 0; i < dirs.len && !found; i++) {
		char *p = xasprintf("%s/busybox", dirs.items[i]);

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	strlist_clear(&dirs);
	return found;
}

static int copy_file(const char *src, const char *dst, mode_t mode, struct lxc_error *err)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	_cleanup_close_ int fd = -1;

	if (file_read(src, &data, &len, err) < 0)
		return -1;
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return error_sys(err, errno, "failed to create \"%s\"", dst);
	if (write_full(fd, data, len) < 0)
		return error_sys(err, errno, "failed to write \"%s\"", dst);
	return 0;
}

/* busybox --list, read through a pipe: the applet names to link. */
static int list_applets(const char *busybox, struct strlist *names, struct lxc_error *err)
{
	int pipefd[2], status;
	_cleanup_free_ char *out = NULL;
	size_t len = 0, cap = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return error_sys(err, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return error_sys(err, errno, "fork");
	if (pid == 0) {
		dup2(pipefd[1], 1);
		execl(busybox, "busybox", "--list", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		ssize_t n;

		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 16384;
			out = xrealloc(out, cap + 1);
		}
		n = read(pipefd[0], out + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!out || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return error_set(err, "\"%s --list\" failed", busybox);
	out[len] = '\0';
	strlist_split(names, out, "\n");
	return 0;
}

static int append_config(const char *path, const char *name, const char *rootfs, struct lxc_error *err)
{
	_cleanup_free_ char *config = xasprintf("%s/config", path);
	_cleanup_fclose_ FILE *f = fopen(config, "ae");
	static const char *const libdirs[] = { "lib", "usr/lib", "lib64", "usr/lib64" };

	if (!f)
		return error_sys(err, errno, "failed to open \"%s\"", config);
	fprintf(f, "lxc.signal.halt = SIGUSR1\n"
		   "lxc.signal.reboot = SIGTERM\n"
		   "lxc.uts.name = \"%s\"\n"
		   "lxc.autodev = 1\n"
		   "lxc.tty.max = 5\n"
		   "lxc.pty.max = 1\n"
		   "lxc.cap.drop = sys_module mac_admin mac_override sys_time\n"
		   "\n"
		   "# With AppArmor, uncomment the next line to run the container unconfined:\n"
		   "#lxc.apparmor.profile = unconfined\n"
		   "\n"
		   "lxc.mount.auto = cgroup:mixed proc:mixed sys:ro\n"
		   "lxc.mount.entry = shm dev/shm tmpfs defaults,create=dir 0 0\n"
		   "lxc.mount.entry = mqueue dev/mqueue mqueue defaults,optional,create=dir 0 0\n",
		name);
	/* the same read-only library binds LXC's template adds, so configs match */
	for (size_t i = 0; i < ARRAY_SIZE(libdirs); i++) {
		_cleanup_free_ char *host = xasprintf("/%s", libdirs[i]);
		_cleanup_free_ char *inside = xasprintf("%s/%s", rootfs, libdirs[i]);

		if (is_dir(host) && is_dir(inside))
			fprintf(f, "lxc.mount.entry = /%s %s none ro,bind 0 0\n", libdirs[i], libdirs[i]);
	}
	fprintf(f, "lxc.mount.entry = /sys/kernel/security sys/kernel/security none ro,bind,optional 0 0\n");
	if (fflush(f) != 0)
		return error_sys(err, errno, "failed to write \"%s\"", config);
	return 0;
}

int template_busybox(const char *path, const char *name, const char *rootfs, char *const *args,
		     struct lxc_error *err)
{
	_cleanup_free_ char *busybox = find_busybox();
	_cleanup_free_ char *dst = NULL;
	struct strlist applets = { 0 };
	int ret = -1;

	(void)args;
	if (!busybox)
		return error_set(err, "busybox template: no busybox binary found (install busybox-static or set $BUSYBOX)");
	if (mkdir_p(rootfs, 0755, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(rootfs_dirs); i++) {
		_cleanup_free_ char *d = xasprintf("%s/%s", rootfs, rootfs_dirs[i]);

		if (mkdir(d, 0755) < 0 && errno != EEXIST)
			return error_sys(err, errno, "failed to create \"%s\"", d);
	}
	{
		_cleanup_free_ char *tmp = xasprintf("%s/tmp", rootfs);

		chmod(tmp, 01777);
	}
	for (size_t i = 0; i < ARRAY_SIZE(rootfs_files); i++) {
		_cleanup_free_ char *f = xasprintf("%s/%s", rootfs, rootfs_files[i].path);
		size_t len = strlen(rootfs_files[i].text);

		if (file_write_replace(f, rootfs_files[i].text, len, rootfs_files[i].mode, err) < 0)
			return -1;
		chmod(f, rootfs_files[i].mode);
	}
	dst = xasprintf("%s/bin/busybox", rootfs);
	if (copy_file(busybox, dst, 0755, err) < 0)
		return -1;
	if (list_applets(busybox, &applets, err) < 0)
		goto out;
	for (size_t i = 0; i < applets.len; i++) {
		const char *a = applets.items[i];
		_cleanup_free_ char *link = xasprintf("%s/bin/%s", rootfs, a);

		if (strchr(a, '/') || !strcmp(a, "busybox"))
			continue;
		if (symlink("busybox", link) < 0 && errno != EEXIST) {
			error_sys(err, errno, "failed to create \"%s\"", link);
			goto out;
		}
	}
	{
		_cleanup_free_ char *init = xasprintf("%s/sbin/init", rootfs);

		if (link(dst, init) < 0 && symlink("/bin/busybox", init) < 0) {
			error_sys(err, errno, "failed to create \"%s\"", init);
			goto out;
		}
	}
	ret = append_config(path, name, rootfs, err);
out:
	strlist_clear(&applets);
	return ret;
}
