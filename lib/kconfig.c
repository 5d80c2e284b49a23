/* Reading the kernel configuration for lxc-checkconfig: a .config file found where LXC
 * looks (gzip through an external gzip), or, without one, probes of the running kernel. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/packet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kconfig.h"

#define MAX_CONFIG_SIZE (64 << 20)

/* ---- reading a .config ---------------------------------------------------------------- */

/* argv < fd, whole output into *out; -1 when the program is missing or fails. */
static int run_filter(const char *const argv[], int fd, char **out, size_t *outlen)
{
	int p[2], status;
	size_t used = 0, cap = 1 << 16;
	char *buf;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (dup2(fd, 0) < 0 || dup2(p[1], 1) < 0 || (null >= 0 && dup2(null, 2) < 0))
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			if (cap >= MAX_CONFIG_SIZE)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(p[0], buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += n;
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || used == 0) {
		free(buf);
		return -1;
	}
	buf[used] = '\0';
	*out = buf;
	*outlen = used;
	return 0;
}

static int gunzip(const char *path, char **out)
{
	static const char *const tools[][3] = { { "gzip", "-dc", NULL }, { "zcat", NULL, NULL } };
	size_t len;

	for (size_t i = 0; i < ARRAY_SIZE(tools); i++) {
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return -1;
		if (run_filter(tools[i], fd, out, &len) == 0)
			return 0;
	}
	return -1;
}

/* "# Linux/x86 6.18.44 Kernel Configuration" */
static void parse_version(struct kconfig *k)
{
	for (const char *l = k->text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *end = strchr(l, '\n');
		size_t n = end ? (size_t)(end - l) : strlen(l);
		_cleanup_free_ char *line = NULL;
		struct strlist words = { 0 };

		if (strncmp(l, "# Linux", 7) || !memmem(l, n, "Kernel Configuration", 20))
			continue;
		line = xstrndup(l, n);
		strlist_split(&words, line, " \t");
		for (size_t i = 0; i < words.len; i++)
			if (sscanf(words.items[i], "%d.%d", &k->major, &k->minor) == 2)
				break;
		strlist_clear(&words);
		return;
	}
}

/* Use path if it holds a configuration; explain in notes what went wrong if it exists. */
static bool try_read(struct kconfig *k, const char *path, struct strlist *notes)
{
	struct lxc_error err;
	char *data;
	size_t len;

	if (file_read(path, &data, &len, &err) < 0) {
		if (err.code != ENOENT)
			strlist_push_owned(notes, xasprintf("Cannot read %s: %s", path, strerror(err.code)));
		return false;
	}
	if (len >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
		free(data);
		if (gunzip(path, &data) < 0) {
			strlist_push_owned(notes, xasprintf("Cannot decompress %s (gzip or zcat is needed)", path));
			return false;
		}
	}
	k->text = data;
	k->path = xstrdup(path);
	parse_version(k);
	return true;
}

void kconfig_load(struct kconfig *k, const char *config_env, struct strlist *notes)
{
	const char *first = config_env && *config_env ? config_env : "/proc/config.gz";
	_cleanup_free_ char *boot = NULL, *headers = NULL;
	struct utsname u;

	memset(k, 0, sizeof(*k));
	if (try_read(k, first, notes))
		return;
	/* LXC's order: the running kernel's own config in /boot wins over the build tree's */
	strlist_push_owned(notes, xasprintf("Kernel configuration not found at %s; searching...", first));
	if (uname(&u) == 0) {
		boot = xasprintf("/boot/config-%s", u.release);
		headers = xasprintf("/lib/modules/%s/build/.config", u.release);
		if (try_read(k, boot, notes) || try_read(k, headers, notes)) {
			strlist_push_owned(notes, xasprintf("Kernel configuration found at %s", k->path));
			return;
		}
		sscanf(u.release, "%d.%d", &k->major, &k->minor);
	}
	strlist_push(notes, "No kernel configuration found: probing the running kernel instead (\"unknown\" "
			    "where it does not tell)");
}

void kconfig_free(struct kconfig *k)
{
	free(k->text);
	free(k->path);
	memset(k, 0, sizeof(*k));
}

static enum kconfig_state state_in_text(const char *text, const char *option)
{
	size_t n = strlen(option);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, option, n) && l[n] == '=')
			return l[n + 1] == 'y' ? KCONFIG_YES : l[n + 1] == 'm' ? KCONFIG_MODULE : KCONFIG_NO;
	return KCONFIG_NO;
}

/* ---- probing the running kernel ----------------------------------------------------------- */

static enum kconfig_state yes_if(bool b)
{
	return b ? KCONFIG_YES : KCONFIG_NO;
}

static enum kconfig_state probe_path(const char *path)
{
	return yes_if(access(path, F_OK) == 0);
}

static enum kconfig_state probe_namespaces(const char *unused)
{
	static const char *const ns[] = { "uts", "ipc", "pid", "user", "net", "cgroup" };

	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		_cleanup_free_ char *p = xasprintf("/proc/self/ns/%s", ns[i]);

		if (access(p, F_OK) == 0)
			return KCONFIG_YES;
	}
	return KCONFIG_NO;
}

/* /proc/cgroups lists every controller built in, mounted or not, v1 or v2. */
static enum kconfig_state probe_cgroup_controller(const char *name)
{
	_cleanup_free_ char *text = NULL;
	struct strlist lines = { 0 };
	enum kconfig_state st = KCONFIG_NO;

	if (file_read("/proc/cgroups", &text, NULL, NULL) < 0)
		return KCONFIG_NO;
	strlist_split(&lines, text, "\n");
	for (size_t i = 0; i < lines.len; i++) {
		size_t n = strcspn(lines.items[i], " \t");

		if (n == strlen(name) && !strncmp(lines.items[i], name, n))
			st = KCONFIG_YES;
	}
	strlist_clear(&lines);
	return st;
}

static enum kconfig_state probe_smp(const char *unused)
{
	return yes_if(sysconf(_SC_NPROCESSORS_CONF) > 1 || probe_cgroup_controller("cpuset") == KCONFIG_YES);
}

static bool file_has_word(const char *path, const char *word)
{
	_cleanup_free_ char *text = NULL;
	struct strlist words = { 0 };
	bool found;

	if (file_read(path, &text, NULL, NULL) < 0)
		return false;
	strlist_split(&words, text, " \t\n");
	found = strlist_contains(&words, word);
	strlist_clear(&words);
	return found;
}

static enum kconfig_state probe_filesystem(const char *fs)
{
	return yes_if(file_has_word("/proc/filesystems", fs));
}

/* x_tables targets and matches show once their module is in (or built in and used). */
static enum kconfig_state probe_xt(const char *spec)
{
	const char *colon = strchr(spec, ':');
	_cleanup_free_ char *file = xstrndup(spec, colon - spec);

	return file_has_word(file, colon + 1) ? KCONFIG_YES : KCONFIG_UNKNOWN;
}

static enum kconfig_state probe_syscall(const char *name)
{
	long r;

	if (!strcmp(name, "eventfd"))
		r = syscall(SYS_eventfd2, 0, EFD_CLOEXEC);
	else if (!strcmp(name, "epoll"))
		r = syscall(SYS_epoll_create1, EPOLL_CLOEXEC);
	else {
		/* a zero-sized handle: EOVERFLOW when the call exists */
		struct { unsigned int bytes; int type; } fh = { 0, 0 };
		int mnt;

		r = syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &fh, &mnt, 0);
		if (r < 0 && errno != ENOSYS)
			return KCONFIG_YES;
	}
	if (r >= 0) {
		close((int)r);
		return KCONFIG_YES;
	}
	return errno == ENOSYS ? KCONFIG_NO : KCONFIG_UNKNOWN;
}

/* Ask sock_diag for an empty dump of one family: ENOENT means no handler for it. */
static enum kconfig_state probe_sock_diag(const char *which)
{
	struct {
		struct nlmsghdr nh;
		union {
			struct unix_diag_req un;
			struct inet_diag_req_v2 in;
			struct packet_diag_req pk;
			struct netlink_diag_req nl;
		} r;
	} req = { .nh = { .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP } };
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	char buf[8192];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;

	if (fd < 0)
		return KCONFIG_UNKNOWN;
	if (!strcmp(which, "unix")) {
		req.r.un.sdiag_family = AF_UNIX; /* no states asked: nothing is dumped */
		req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.r.un));
	} else if (!strcmp(which, "inet")) {
		req.r.in.sdiag_family = AF_INET;
		req.r.in.sdiag_protocol = IPPROTO_TCP;
		req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.r.in));
	} else if (!strcmp(which, "packet")) {
		req.r.pk.sdiag_family = AF_PACKET;
		req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.r.pk));
	} else {
		req.r.nl.sdiag_family = AF_NETLINK;
		req.r.nl.sdiag_protocol = NDIAG_PROTO_ALL;
		req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.r.nl));
	}
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return KCONFIG_UNKNOWN;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)sizeof(*h) || !NLMSG_OK(h, (size_t)n))
		return KCONFIG_UNKNOWN;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		return e->error == -ENOENT ? KCONFIG_NO : KCONFIG_UNKNOWN;
	}
	return KCONFIG_YES;
}

static void add_attr(struct nlmsghdr *nh, size_t cap, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	if (NLMSG_ALIGN(nh->nlmsg_len) + RTA_SPACE(len) > cap)
		return;
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* In a throwaway network namespace: create a link of this kind ("kind" or "kind/lower"
 * when it needs a lower device). Only "Unknown device type" (EOPNOTSUPP) means missing. */
static int try_newlink(const char *kind, bool lower)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[256];
	} req = { .nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK,
			  .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL } };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), one = 1;
	struct rtattr *info;
	char buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;

	if (fd < 0)
		return 2;
	add_attr(&req.nh, sizeof(req), IFLA_IFNAME, "probe0", 7);
	if (lower)
		add_attr(&req.nh, sizeof(req), IFLA_LINK, &one, sizeof(one));
	info = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	add_attr(&req.nh, sizeof(req), IFLA_LINKINFO, NULL, 0);
	add_attr(&req.nh, sizeof(req), IFLA_INFO_KIND, kind, strlen(kind) + 1);
	info->rta_len = (char *)&req + req.nh.nlmsg_len - (char *)info;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0 || (n = recv(fd, buf, sizeof(buf), 0)) < (ssize_t)sizeof(*h) ||
	    h->nlmsg_type != NLMSG_ERROR)
		return 2;
	return ((const struct nlmsgerr *)NLMSG_DATA(h))->error == -EOPNOTSUPP ? 1 : 0;
}

static enum kconfig_state probe_link(const char *spec)
{
	const char *slash = strchr(spec, '/');
	_cleanup_free_ char *kind = slash ? xstrndup(spec, slash - spec) : xstrdup(spec);
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return KCONFIG_UNKNOWN;
	if (pid == 0) {
		if (unshare(CLONE_NEWNET) < 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
			_exit(2);
		_exit(try_newlink(kind, slash != NULL));
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return KCONFIG_UNKNOWN;
	return WEXITSTATUS(status) == 0 ? KCONFIG_YES : WEXITSTATUS(status) == 1 ? KCONFIG_NO : KCONFIG_UNKNOWN;
}

static const struct {
	const char *option;
	enum kconfig_state (*probe)(const char *arg);
	const char *arg;
} probes[] = {
	{ "CONFIG_NAMESPACES", probe_namespaces, NULL },
	{ "CONFIG_UTS_NS", probe_path, "/proc/self/ns/uts" },
	{ "CONFIG_IPC_NS", probe_path, "/proc/self/ns/ipc" },
	{ "CONFIG_PID_NS", probe_path, "/proc/self/ns/pid" },
	{ "CONFIG_USER_NS", probe_path, "/proc/self/ns/user" },
	{ "CONFIG_NET_NS", probe_path, "/proc/self/ns/net" },
	{ "CONFIG_CGROUPS", probe_path, "/proc/self/cgroup" },
	{ "CONFIG_CGROUP_DEVICE", probe_cgroup_controller, "devices" },
	{ "CONFIG_CGROUP_SCHED", probe_cgroup_controller, "cpu" },
	{ "CONFIG_CGROUP_CPUACCT", probe_cgroup_controller, "cpuacct" },
	{ "CONFIG_MEMCG", probe_cgroup_controller, "memory" },
	{ "CONFIG_CPUSETS", probe_cgroup_controller, "cpuset" },
	{ "CONFIG_SMP", probe_smp, NULL },
	{ "CONFIG_VETH", probe_link, "veth" },
	{ "CONFIG_MACVLAN", probe_link, "macvlan/lower" },
	{ "CONFIG_VLAN_8021Q", probe_link, "vlan/lower" },
	{ "CONFIG_BRIDGE", probe_link, "bridge" },
	{ "CONFIG_NETFILTER_ADVANCED", probe_xt, "/proc/net/ip_tables_matches:comment" },
	{ "CONFIG_IP_NF_TARGET_MASQUERADE", probe_xt, "/proc/net/ip_tables_targets:MASQUERADE" },
	{ "CONFIG_IP6_NF_TARGET_MASQUERADE", probe_xt, "/proc/net/ip6_tables_targets:MASQUERADE" },
	{ "CONFIG_NETFILTER_XT_TARGET_CHECKSUM", probe_xt, "/proc/net/ip_tables_targets:CHECKSUM" },
	{ "CONFIG_NETFILTER_XT_MATCH_COMMENT", probe_xt, "/proc/net/ip_tables_matches:comment" },
	{ "CONFIG_FUSE_FS", probe_filesystem, "fuse" },
	{ "CONFIG_CHECKPOINT_RESTORE", probe_path, "/proc/sys/kernel/ns_last_pid" },
	{ "CONFIG_FHANDLE", probe_syscall, "name_to_handle_at" },
	{ "CONFIG_EVENTFD", probe_syscall, "eventfd" },
	{ "CONFIG_EPOLL", probe_syscall, "epoll" },
	{ "CONFIG_UNIX_DIAG", probe_sock_diag, "unix" },
	{ "CONFIG_INET_DIAG", probe_sock_diag, "inet" },
	{ "CONFIG_PACKET_DIAG", probe_sock_diag, "packet" },
	{ "CONFIG_NETLINK_DIAG", probe_sock_diag, "netlink" },
};

enum kconfig_state kconfig_state(const struct kconfig *k, const char *option)
{
	if (k->text)
		return state_in_text(k->text, option);
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		if (!strcmp(probes[i].option, option))
			return probes[i].probe(probes[i].arg);
	return KCONFIG_UNKNOWN;
}
