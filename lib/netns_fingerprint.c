/* What a CRIU dump of a network namespace would carry, as text, so that a container whose
 * namespace is still as the kernel makes it (lo up, nothing else) can skip that dump. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net.h"
#include "netlink.h"
#include "netns_fingerprint.h"
#include "proc_tree.h"
#include "utils.h"

/* Attributes left out of a message's text: counters and timers change by themselves. */
static bool attr_volatile(uint16_t msg_type, uint16_t attr)
{
	switch (msg_type) {
	case RTM_NEWADDR:
		return attr == IFA_CACHEINFO;
	case RTM_NEWROUTE:
		return attr == RTA_CACHEINFO || attr == RTA_EXPIRES;
	default:
		return false;
	}
}

static void hex_append(char **out, size_t *len, const void *data, size_t n)
{
	const unsigned char *p = data;

	*out = xrealloc(*out, *len + 2 * n + 1);
	for (size_t i = 0; i < n; i++)
		snprintf(*out + *len + 2 * i, 3, "%02x", p[i]);
	*len += 2 * n;
}

/* "TYPE HEADERHEX aTYPE=HEX..." of one message, volatile attributes left out. */
static char *message_text(const struct nlmsghdr *h, size_t hdrlen)
{
	size_t len, alen;
	char *out = xasprintf("msg%u ", h->nlmsg_type);
	const void *attrs = nl_msg_attrs(h, hdrlen, &alen);
	const struct nlattr *a = attrs;

	len = strlen(out);
	hex_append(&out, &len, NLMSG_DATA(h), hdrlen);
	for (; a && alen >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= alen; a = nl_attr_next(a, &alen)) {
		char tag[24];
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		if (attr_volatile(h->nlmsg_type, type))
			continue;
		snprintf(tag, sizeof(tag), " a%u=", type);
		out = xrealloc(out, len + strlen(tag) + 1);
		memcpy(out + len, tag, strlen(tag) + 1);
		len += strlen(tag);
		hex_append(&out, &len, nl_attr_data(a), nl_attr_len(a));
	}
	return out;
}

/* Links: only what CRIU restores of a device (name, type, flags, mtu, address, master,
 * kind): the rest of IFLA_* is counters and kernel bookkeeping. */
static char *link_text(const struct nlmsghdr *h)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct nlattr *info[IFLA_INFO_MAX + 1] = { 0 };
	char name[IFNAMSIZ] = "", kind[32] = "", alias[256] = "";
	uint32_t mtu = 0, txqlen = 0, master = 0;
	size_t alen, len;
	const void *attrs = nl_msg_attrs(h, sizeof(*ifi), &alen);
	char *out;

	nl_attr_parse(attrs, alen, tb, IFLA_MAX);
	if (tb[IFLA_LINKINFO])
		nl_attr_parse(nl_attr_data(tb[IFLA_LINKINFO]), nl_attr_len(tb[IFLA_LINKINFO]), info, IFLA_INFO_MAX);
	nl_attr_get_str(tb[IFLA_IFNAME], name, sizeof(name));
	nl_attr_get_str(info[IFLA_INFO_KIND], kind, sizeof(kind));
	nl_attr_get_str(tb[IFLA_IFALIAS], alias, sizeof(alias));
	nl_attr_get_u32(tb[IFLA_MTU], &mtu);
	nl_attr_get_u32(tb[IFLA_TXQLEN], &txqlen);
	nl_attr_get_u32(tb[IFLA_MASTER], &master);
	out = xasprintf("link %d %s type=%u flags=%x mtu=%u txqlen=%u master=%u kind=%s alias=%s addr=", ifi->ifi_index,
			name, ifi->ifi_type, ifi->ifi_flags, mtu, txqlen, master, kind, alias);
	len = strlen(out);
	if (tb[IFLA_ADDRESS])
		hex_append(&out, &len, nl_attr_data(tb[IFLA_ADDRESS]), nl_attr_len(tb[IFLA_ADDRESS]));
	return out;
}

struct dump {
	struct strlist *lines;
	size_t hdrlen;
};

static int dump_cb(const struct nlmsghdr *h, void *arg, struct lxc_error *err)
{
	struct dump *d = arg;

	(void)err;
	if (h->nlmsg_len < NLMSG_LENGTH(d->hdrlen))
		return 0;
	strlist_push_owned(d->lines, h->nlmsg_type == RTM_NEWLINK ? link_text(h) : message_text(h, d->hdrlen));
	return 0;
}

/* The dumps a fingerprint holds, every family at once (AF_UNSPEC, the zeroed header). */
static const struct {
	int protocol;
	uint16_t type;
	size_t hdrlen;
} dumps[] = {
	{ NETLINK_ROUTE, RTM_GETLINK, sizeof(struct ifinfomsg) },
	{ NETLINK_ROUTE, RTM_GETADDR, sizeof(struct ifaddrmsg) },
	{ NETLINK_ROUTE, RTM_GETROUTE, sizeof(struct rtmsg) },
	{ NETLINK_ROUTE, RTM_GETRULE, sizeof(struct fib_rule_hdr) },
	{ NETLINK_ROUTE, RTM_GETNSID, sizeof(struct rtgenmsg) },
	{ NETLINK_NETFILTER, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, sizeof(struct nfgenmsg) },
};

/* All the dumps, one socket per protocol; a kernel error (a missing module) becomes a
 * line of its own, the same in both namespaces compared. */
static void dumps_into(struct strlist *lines)
{
	struct nl_sock route = { .fd = -1 }, netfilter = { .fd = -1 };
	struct lxc_error err = { 0 };
	bool opened = nl_open(&route, NETLINK_ROUTE, &err) == 0 && nl_open(&netfilter, NETLINK_NETFILTER, &err) == 0;

	for (size_t i = 0; i < ARRAY_SIZE(dumps) && opened; i++) {
		struct dump d = { .lines = lines, .hdrlen = dumps[i].hdrlen };
		struct nl_sock *sk = dumps[i].protocol == NETLINK_ROUTE ? &route : &netfilter;
		struct nl_msg m;
		void *hdr;

		nl_msg_init(&m, dumps[i].type, NLM_F_REQUEST | NLM_F_DUMP);
		hdr = nl_msg_reserve(&m, dumps[i].hdrlen);
		if (dumps[i].protocol == NETLINK_NETFILTER)
			((struct nfgenmsg *)hdr)->version = NFNETLINK_V0;
		if (nl_query(sk, &m, dump_cb, &d, &err) < 0)
			strlist_push_owned(lines, xasprintf("dump %u: error %d", dumps[i].type, err.code));
		nl_msg_free(&m);
	}
	if (!opened)
		strlist_push_owned(lines, xasprintf("netlink: %s", err.msg));
	nl_close(&route);
	nl_close(&netfilter);
}

/* "dir/name=value" of a file (a sysctl) in dir (dirfd, or AT_FDCWD), or "...: error N".
 * Runs in a child that never execs: no O_CLOEXEC (musl adds an fcntl for it), and ~300
 * files are opened relative to their directory. */
static void file_into(struct strlist *lines, int dirfd, const char *dir, const char *name)
{
	char buf[512], path[256];
	ssize_t n = -1;
	int fd, e;

	if (dirfd == AT_FDCWD) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		fd = open(path, O_RDONLY);
	} else {
		fd = openat(dirfd, name, O_RDONLY);
	}
	e = errno;
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		e = errno;
		close(fd);
	}
	if (n < 0) {
		strlist_push_owned(lines, xasprintf("%s/%s: error %d", dir, name, e));
		return;
	}
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	strlist_push_owned(lines, xasprintf("%s/%s=%s", dir, name, buf));
}

/* Every sysctl of a conf directory (a superset of what CRIU carries). */
static void sysctl_dir_into(struct strlist *lines, const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		strlist_push_owned(lines, xasprintf("%s: error %d", dir, errno));
		return;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			file_into(lines, dirfd(d), dir, e->d_name);
}

static int line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void netns_fingerprint(struct strlist *lines)
{
	static const char *const conf_dirs[] = {
		"/proc/sys/net/ipv4/conf/all", "/proc/sys/net/ipv4/conf/default", "/proc/sys/net/ipv4/conf/lo",
		"/proc/sys/net/ipv6/conf/all", "/proc/sys/net/ipv6/conf/default", "/proc/sys/net/ipv6/conf/lo",
	};

	dumps_into(lines);
	file_into(lines, AT_FDCWD, "/proc/self/net", "ip_tables_names");
	file_into(lines, AT_FDCWD, "/proc/self/net", "ip6_tables_names");
	for (size_t i = 0; i < ARRAY_SIZE(conf_dirs); i++)
		sysctl_dir_into(lines, conf_dirs[i]);
	file_into(lines, AT_FDCWD, "/proc/sys/net/unix", "max_dgram_qlen");
	file_into(lines, AT_FDCWD, "/proc/sys/net/ipv4", "ping_group_range");
	qsort(lines->items, lines->len, sizeof(*lines->items), line_cmp);
}

/* The first line one sorted list has and the other lacks, or NULL. */
const char *netns_fingerprint_diff(const struct strlist *a, const struct strlist *b)
{
	size_t i = 0, k = 0;

	while (i < a->len && k < b->len) {
		int c = strcmp(a->items[i], b->items[k]);

		if (c)
			return c < 0 ? a->items[i] : b->items[k];
		i++;
		k++;
	}
	if (i < a->len)
		return a->items[i];
	return k < b->len ? b->items[k] : NULL;
}

/* proc_tree_fn: 1 for a task outside the namespace (data: its inode). */
static int task_elsewhere(pid_t pid, pid_t tid, pid_t parent, void *data)
{
	char path[96];
	struct stat st;

	(void)parent;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/ns/net", (int)pid, (int)tid);
	return stat(path, &st) < 0 || st.st_ino != *(ino_t *)data;
}

/* In a child: the fingerprint of pid's network namespace, or (pid 0) of a new one with lo
 * up, as lines into fd. */
static void fingerprint_child(pid_t pid, int fd)
{
	struct strlist lines = { 0 };
	struct lxc_error err = { 0 };
	_cleanup_free_ char *text = NULL;
	struct nl_sock sk;

	if (pid > 0) {
		int ns = net_open_netns(pid, &err);

		if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
			_exit(2);
	} else {
		if (unshare(CLONE_NEWNET) < 0 || nl_open(&sk, NETLINK_ROUTE, &err) < 0)
			_exit(2);
		if (net_link_set_up(&sk, (int)if_nametoindex("lo"), true, &err) < 0)
			_exit(2);
		nl_close(&sk);
	}
	netns_fingerprint(&lines);
	text = strlist_join(&lines, "\n");
	_exit(write_full(fd, text, strlen(text)) < 0 ? 2 : 0);
}

void netns_check_start(struct netns_check *c, pid_t pid)
{
	char path[64];
	struct stat st;

	memset(c, 0, sizeof(*c));
	c->out[0] = c->out[1] = -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) < 0) {
		c->failed = errno;
		return;
	}
	switch (proc_tree_walk(pid, task_elsewhere, &st.st_ino, 4096)) {
	case 0:
		break;
	case 1:
		c->why = xstrdup("a process has another network namespace");
		return;
	default:
		c->why = xstrdup("the container's process tree cannot be read");
		return;
	}
	/* the two fingerprints are taken in parallel, in children: a namespace is entered
	 * by the whole process and cannot be left unless it can be reopened */
	for (int i = 0; i < 2; i++) {
		c->out[i] = memfd_create("netns-fingerprint", MFD_CLOEXEC);
		if (c->out[i] < 0 || (c->child[i] = fork()) < 0) {
			c->failed = errno;
			return;
		}
		if (c->child[i] == 0)
			fingerprint_child(i == 0 ? pid : 0, c->out[i]);
	}
}

/* Waits for child i; its fingerprint split into lines (in buf). */
static int check_collect(struct netns_check *c, int i, char **buf, struct strlist *lines)
{
	struct stat st;
	char *line, *save = NULL;
	int status;

	while (waitpid(c->child[i], &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	c->child[i] = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || fstat(c->out[i], &st) < 0)
		return -1;
	*buf = xzalloc((size_t)st.st_size + 1);
	if (pread(c->out[i], *buf, (size_t)st.st_size, 0) != st.st_size)
		return -1;
	for (line = strtok_r(*buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		strlist_push(lines, line);
	return 0;
}

int netns_check_finish(struct netns_check *c, bool *fresh, char **why, struct lxc_error *err)
{
	struct strlist lines[2] = { { 0 }, { 0 } };
	char *bufs[2] = { NULL, NULL };
	const char *diff;
	int ret = 0;

	*fresh = false;
	*why = c->why;
	c->why = NULL;
	for (int i = 0; i < 2; i++)
		if (c->child[i] > 0 && check_collect(c, i, &bufs[i], &lines[i]) < 0 && !c->failed)
			c->failed = EIO;
	if (c->failed)
		ret = error_sys(err, c->failed, "cannot compare the network namespace with a new one");
	else if (!*why) {
		diff = netns_fingerprint_diff(&lines[0], &lines[1]);
		*fresh = !diff;
		if (diff)
			*why = xstrdup(diff);
	}
	for (int i = 0; i < 2; i++) {
		strlist_clear(&lines[i]);
		free(bufs[i]);
		if (c->out[i] >= 0)
			close(c->out[i]);
		c->out[i] = -1;
	}
	return ret;
}
