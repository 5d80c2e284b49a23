/* Root tests of container networking (lib/net_setup.c, lib/net_info.c): each test works in
 * its own "host" network namespace (ip netns add hnet-...), a forked child in a new netns
 * plays the container, and the result is checked with ip(8). Without root they pass empty. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lxc.h"
#include "net.h"
#include "unit.h"

static bool have_root(void)
{
	if (geteuid() == 0)
		return true;
	printf("#   skipped: needs root\n");
	return false;
}

/* Run a shell command in the current netns; its stdout+stderr in *out when wanted. */
static int shf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int shf(char **out, const char *fmt, ...)
{
	char *cmd, *full, chunk[4096];
	size_t len = 0;
	va_list ap;
	FILE *f;
	int status;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	full = xasprintf("(%s) 2>&1", cmd);
	f = popen(full, "r");
	if (out)
		*out = xzalloc(1);
	while (f) {
		size_t n = fread(chunk, 1, sizeof(chunk), f);

		if (n == 0)
			break;
		if (out) {
			*out = xrealloc(*out, len + n + 1);
			memcpy(*out + len, chunk, n);
			len += n;
			(*out)[len] = '\0';
		}
	}
	status = f ? pclose(f) : -1;
	free(full);
	free(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Whether the output of a command contains needle; prints the output when not. */
static bool sh_has(const char *needle, const char *cmd)
{
	char *out = NULL;
	bool ok;

	shf(&out, "%s", cmd);
	ok = strstr(out, needle) != NULL;
	if (!ok)
		printf("#   \"%s\" lacks \"%s\":\n#   %s\n", cmd, needle, out);
	free(out);
	return ok;
}

/* ---- a private host namespace per test ------------------------------------------------ */

struct testns {
	char name[64];
	int orig;
};

static bool testns_enter(struct testns *t, const char *name)
{
	char path[128];
	int fd;

	snprintf(t->name, sizeof(t->name), "%s", name);
	shf(NULL, "ip netns del %s 2>/dev/null; ip netns add %s", name, name);
	t->orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->orig < 0 || fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		printf("#   cannot enter %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	shf(NULL, "ip link set lo up");
	return true;
}

static void testns_leave(struct testns *t)
{
	if (setns(t->orig, CLONE_NEWNET) < 0)
		abort();
	close(t->orig);
	shf(NULL, "ip netns del %s", t->name);
}

/* Interface names of the current namespace, sorted, one line. */
static char *link_names(void)
{
	char *out = NULL;

	shf(&out, "ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\\n' ' '");
	return out;
}

static char *addr_list(void)
{
	char *out = NULL;

	shf(&out, "ip -o addr show | awk '{print $2, $4}' | sort | tr '\\n' ' '");
	return out;
}

/* ---- a forked child in a new netns plays the container -------------------------------------- */

struct fake_ct {
	pid_t pid;
	int cmd, res;
	char ns[64];
};

static const struct lxc_conf *ct_conf;

static void ct_child(int cmd, int res)
{
	char c, ok = 1;

	if (unshare(CLONE_NEWNET) < 0)
		ok = 0;
	if (write(res, &ok, 1) != 1)
		_exit(1);
	while (read(cmd, &c, 1) == 1) {
		struct lxc_error err = { 0 };
		int ret;

		if (c != 'c')
			break;
		ret = net_configure_container_side(ct_conf, &err);
		if (write(res, &ret, sizeof(ret)) != sizeof(ret) || write(res, err.msg, sizeof(err.msg)) != sizeof(err.msg))
			_exit(1);
	}
	_exit(0);
}

static bool ct_start(struct fake_ct *ct, const char *ns, const struct lxc_conf *conf)
{
	int cmd[2], res[2];
	char ok = 0;

	ct_conf = conf;
	snprintf(ct->ns, sizeof(ct->ns), "%s", ns);
	if (pipe(cmd) < 0 || pipe(res) < 0)
		return false;
	fflush(stdout);
	ct->pid = fork();
	if (ct->pid == 0) {
		close(cmd[1]);
		close(res[0]);
		ct_child(cmd[0], res[1]);
	}
	close(cmd[0]);
	close(res[1]);
	ct->cmd = cmd[1];
	ct->res = res[0];
	if (read(ct->res, &ok, 1) != 1 || !ok)
		return false;
	/* a name for ip -n */
	shf(NULL, "ip netns del %s 2>/dev/null; ip netns attach %s %d", ns, ns, (int)ct->pid);
	return true;
}

/* Ask the child to run net_configure_container_side; its error text in msg. */
static int ct_configure(struct fake_ct *ct, char msg[1024])
{
	int ret = -1;

	msg[0] = '\0';
	if (write(ct->cmd, "c", 1) != 1 || read(ct->res, &ret, sizeof(ret)) != sizeof(ret) ||
	    read(ct->res, msg, 1024) != 1024)
		return -1;
	if (ret < 0)
		printf("#   container side: %s\n", msg);
	return ret;
}

static void ct_stop(struct fake_ct *ct)
{
	if (ct->pid > 0) {
		kill(ct->pid, SIGKILL);
		waitpid(ct->pid, NULL, 0);
		close(ct->cmd);
		close(ct->res);
	}
	ct->pid = 0;
	shf(NULL, "ip netns del %s 2>/dev/null", ct->ns);
}

static void nic_init(struct conf_net *n, int index, enum net_type type)
{
	memset(n, 0, sizeof(*n));
	n->index = index;
	n->type = type;
	n->veth_vlan_id = -1;
	n->ipvlan_mode = -1;
	n->ipvlan_isolation = -1;
	n->vlan_id = -1;
}

static struct net_ipv4 v4(const char *a, unsigned prefix)
{
	struct net_ipv4 r = { .prefix = prefix };

	inet_pton(AF_INET, a, &r.addr);
	return r;
}

/* Whether the kernel can make a link of this kind (ipvlan, 8021q are modules). */
static bool kernel_has(const char *kind)
{
	return shf(NULL, "ip link add hnprobe0 type veth peer name hnprobe1 && "
		   "ip link add link hnprobe0 name hnprobe2 type %s %s; rc=$?; ip link del hnprobe0; exit $rc",
		   kind, !strcmp(kind, "vlan") ? "id 2" : "") == 0;
}

/* ---- veth on a bridge ------------------------------------------------------------------------- */

TEST(net_root_veth_on_bridge)
{
	struct testns t;
	struct fake_ct ct = { 0 };
	struct lxc_conf conf = { 0 };
	struct conf_net n;
	struct net_ipv4 a4[2];
	struct net_ipv6 a6 = { .prefix = 64 };
	struct net_state st, parsed;
	struct lxc_error err = { 0 };
	struct net_if_info *ifs = NULL;
	size_t nifs = 0;
	char msg[1024], gw[INET_ADDRSTRLEN];
	char *before, *after, *before_addr, *after_addr, *text;

	if (!have_root() || !testns_enter(&t, "hnet-vb"))
		return;
	shf(NULL, "ip link add hnbr1 type bridge && ip addr add 10.213.1.1/24 dev hnbr1 && ip link set hnbr1 up");
	before = link_names();
	before_addr = addr_list();

	nic_init(&n, 0, NET_VETH);
	n.link = "hnbr1";
	n.veth_pair = "hnvb0";
	n.name = "eth0";
	n.hwaddr = "00:16:3e:12:34:xx";
	n.mtu = 1400;
	n.flags_up = true;
	a4[0] = v4("10.213.1.2", 24);
	a4[1] = v4("10.213.1.3", 24);
	inet_pton(AF_INET, "10.213.1.127", &a4[1].broadcast);
	n.ipv4 = a4;
	n.n_ipv4 = 2;
	inet_pton(AF_INET6, "fd42:213:1::2", a6.addr);
	n.ipv6 = &a6;
	n.n_ipv6 = 1;
	n.ipv4_gateway_auto = true;
	n.ipv6_gateway_set = true;
	inet_pton(AF_INET6, "fd42:213:1::1", n.ipv6_gateway);
	strlist_push(&n.veth_ipv4_routes, "10.213.9.0/24");
	n.veth_n_rxqueues = 2;
	n.veth_n_txqueues = 3;
	conf.nets = &n;
	conf.n_nets = 1;

	CHECK(net_check(&conf, &err) == 0);
	CHECK(n.ipv4_gateway_set);
	CHECK_STR(inet_ntop(AF_INET, &n.ipv4_gateway, gw, sizeof(gw)), "10.213.1.1");
	CHECK(ct_start(&ct, "hnet-vb-c", &conf));
	net_state_init(&st);
	CHECK(net_create_host_side(&conf, "vb", ct.pid, &st, &err) == 0);
	if (err.msg[0])
		printf("#   %s\n", err.msg);
	CHECK(sh_has("master hnbr1", "ip link show hnvb0"));
	CHECK(sh_has("mtu 1400", "ip link show hnvb0"));
	CHECK(sh_has(",UP>", "ip link show hnvb0"));
	CHECK(sh_has("link/ether fe:", "ip link show hnvb0"));
	CHECK(sh_has("10.213.9.0/24 dev hnvb0", "ip route"));
	CHECK(sh_has("numtxqueues 3 numrxqueues 2", "ip -d link show hnvb0"));
	CHECK(sh_has("numtxqueues 3 numrxqueues 2", "ip -n hnet-vb-c -d link show lxcnet0tmp"));
	CHECK(sh_has("lxcnet0tmp", "ip -n hnet-vb-c link"));

	CHECK(ct_configure(&ct, msg) == 0);
	CHECK(sh_has("inet 10.213.1.2/24 brd 10.213.1.255 scope global eth0", "ip -n hnet-vb-c addr show eth0"));
	CHECK(sh_has("inet 10.213.1.3/24 brd 10.213.1.127 scope global secondary eth0", "ip -n hnet-vb-c addr show eth0"));
	CHECK(sh_has("inet6 fd42:213:1::2/64", "ip -n hnet-vb-c addr show eth0"));
	CHECK(sh_has("link/ether 00:16:3e:12:34:", "ip -n hnet-vb-c link show eth0"));
	CHECK(sh_has("mtu 1400", "ip -n hnet-vb-c link show eth0"));
	CHECK(sh_has("state UP", "ip -n hnet-vb-c link show eth0"));
	CHECK(sh_has("default via 10.213.1.1 dev eth0", "ip -n hnet-vb-c route"));
	CHECK(sh_has("default via fd42:213:1::1 dev eth0", "ip -n hnet-vb-c -6 route"));
	CHECK(sh_has("LOOPBACK,UP", "ip -n hnet-vb-c link show lo"));
	CHECK(sh_has("1 packets received", "busybox ping -c1 -W3 10.213.1.2"));

	/* lxc-info's view */
	CHECK(net_get_stats(ct.pid, &ifs, &nifs, &err) == 0);
	CHECK_INT(nifs, 2);
	for (size_t i = 0; i < nifs; i++) {
		if (ifs[i].loopback) {
			CHECK_STR(ifs[i].name, "lo");
			continue;
		}
		CHECK_STR(ifs[i].name, "eth0");
		CHECK_INT(ifs[i].ipv4.len, 2);
		if (ifs[i].ipv4.len == 2) {
			CHECK_STR(ifs[i].ipv4.items[0], "10.213.1.2");
			CHECK_STR(ifs[i].ipv4.items[1], "10.213.1.3");
		}
		CHECK(strlist_contains(&ifs[i].ipv6, "fd42:213:1::2"));
		CHECK_STR(ifs[i].host_ifname, "hnvb0");
		CHECK(ifs[i].host_rx_bytes > 0); /* the ping's reply went into the host end */
		CHECK(ifs[i].tx_bytes == ifs[i].host_rx_bytes);
	}
	net_if_info_free(ifs, nifs);
	{
		/* lxc-ls -f asks this for every container: it must stay cheap */
		struct timespec t0, t1;
		double us;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < 200; i++) {
			CHECK(net_get_stats(ct.pid, &ifs, &nifs, &err) == 0);
			net_if_info_free(ifs, nifs);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3) / 200;
		printf("#   net_get_stats: %.0f us per call (ASan build)\n", us);
		CHECK(us < 20000);
	}

	/* the state survives its text form */
	text = net_state_serialize(&st);
	net_state_init(&parsed);
	CHECK(net_state_parse(&parsed, text, &err) == 0);
	CHECK_STR(parsed.nics[0].host_ifname, "hnvb0");
	CHECK_INT(parsed.pid, ct.pid);
	net_state_free(&parsed);
	free(text);

	kill(ct.pid, SIGKILL);
	waitpid(ct.pid, NULL, 0);
	ct.pid = 0;
	CHECK(net_teardown(&st, &err) == 0);
	CHECK_INT(st.n_nics, 0);
	CHECK_INT(st.netns_fd, -1);
	CHECK(net_teardown(&st, &err) == 0); /* idempotent */
	after = link_names();
	after_addr = addr_list();
	CHECK_STR(after, before);
	CHECK_STR(after_addr, before_addr);
	CHECK(sh_has("", "ip link show master hnbr1"));
	CHECK(shf(NULL, "ip link show master hnbr1 | grep -q .") != 0);
	CHECK(shf(NULL, "ip route | grep -q 10.213.9.0") != 0);
	free(before);
	free(after);
	free(before_addr);
	free(after_addr);
	net_state_free(&st);
	strlist_clear(&n.veth_ipv4_routes);
	ct_stop(&ct);
	testns_leave(&t);
}

TEST(net_root_two_containers_ping_over_bridge)
{
	struct testns t;
	struct fake_ct c1 = { 0 }, c2 = { 0 };
	struct lxc_conf k1 = { 0 }, k2 = { 0 };
	struct conf_net n1, n2;
	struct net_ipv4 a1 = v4("10.213.2.11", 24), a2 = v4("10.213.2.12", 24);
	struct net_state s1, s2;
	struct lxc_error err = { 0 };
	char msg[1024], *before, *after;

	if (!have_root() || !testns_enter(&t, "hnet-tp"))
		return;
	shf(NULL, "ip link add hnbr2 type bridge && ip link set hnbr2 up");
	before = link_names();
	nic_init(&n1, 0, NET_VETH);
	n1.link = "hnbr2";
	n1.flags_up = true;
	n1.ipv4 = &a1;
	n1.n_ipv4 = 1;
	n2 = n1;
	n2.ipv4 = &a2;
	k1.nets = &n1;
	k1.n_nets = 1;
	k2.nets = &n2;
	k2.n_nets = 1;
	net_state_init(&s1);
	net_state_init(&s2);
	CHECK(net_check(&k1, &err) == 0);
	CHECK(ct_start(&c1, "hnet-tp-c1", &k1));
	CHECK(net_create_host_side(&k1, "c1", c1.pid, &s1, &err) == 0);
	CHECK(ct_configure(&c1, msg) == 0);
	CHECK(ct_start(&c2, "hnet-tp-c2", &k2));
	CHECK(net_create_host_side(&k2, "c2", c2.pid, &s2, &err) == 0);
	CHECK(ct_configure(&c2, msg) == 0);
	/* generated host names */
	CHECK(s1.n_nics == 1 && str_starts_with(s1.nics[0].host_ifname, "veth") && strlen(s1.nics[0].host_ifname) == 10);
	CHECK(s2.n_nics == 1 && strcmp(s1.nics[0].host_ifname, s2.nics[0].host_ifname) != 0);
	/* default name eth0 */
	CHECK(sh_has("eth0", "ip -n hnet-tp-c1 -o link"));
	CHECK(sh_has("1 packets received", "ip netns exec hnet-tp-c1 busybox ping -c1 -W3 10.213.2.12"));
	CHECK(sh_has("1 packets received", "ip netns exec hnet-tp-c2 busybox ping -c1 -W3 10.213.2.11"));
	ct_stop(&c1);
	ct_stop(&c2);
	CHECK(net_teardown(&s1, &err) == 0);
	CHECK(net_teardown(&s2, &err) == 0);
	after = link_names();
	CHECK_STR(after, before);
	free(before);
	free(after);
	net_state_free(&s1);
	net_state_free(&s2);
	testns_leave(&t);
}

/* ---- macvlan, ipvlan, vlan ----------------------------------------------------------------------- */

TEST(net_root_macvlan_modes)
{
	static const struct { int mode; const char *name; } modes[] = {
		{ 0, "private" }, { MACVLAN_MODE_VEPA, "vepa" }, { MACVLAN_MODE_BRIDGE, "bridge" },
		{ MACVLAN_MODE_PASSTHRU, "passthru" },
	};
	struct testns t;
	struct lxc_error err = { 0 };
	char *before, *after;

	if (!have_root() || !testns_enter(&t, "hnet-mv"))
		return;
	shf(NULL, "ip link add hnmvp0 type veth peer name hnmvp1 && ip link set hnmvp0 up && ip link set hnmvp1 up");
	before = link_names();
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		struct fake_ct ct = { 0 };
		struct lxc_conf conf = { 0 };
		struct conf_net n;
		struct net_state st;
		struct net_ipv4 a = v4("10.213.3.2", 24);
		char msg[1024], want[64];

		nic_init(&n, 0, NET_MACVLAN);
		n.link = "hnmvp0";
		n.macvlan_mode = modes[i].mode;
		n.name = "mv0";
		n.flags_up = true;
		n.mtu = 1300;
		n.ipv4 = &a;
		n.n_ipv4 = 1;
		conf.nets = &n;
		conf.n_nets = 1;
		net_state_init(&st);
		CHECK(net_check(&conf, &err) == 0);
		CHECK(ct_start(&ct, "hnet-mv-c", &conf));
		CHECK(net_create_host_side(&conf, "mv", ct.pid, &st, &err) == 0);
		if (err.msg[0])
			printf("#   %s: %s\n", modes[i].name, err.msg);
		CHECK(ct_configure(&ct, msg) == 0);
		snprintf(want, sizeof(want), "macvlan mode %s", modes[i].name);
		CHECK(sh_has(want, "ip -n hnet-mv-c -d link show mv0"));
		CHECK(sh_has("mtu 1300", "ip -n hnet-mv-c link show mv0"));
		CHECK(sh_has("inet 10.213.3.2/24", "ip -n hnet-mv-c addr show mv0"));
		/* nothing on the host side */
		after = link_names();
		CHECK_STR(after, before);
		free(after);
		ct_stop(&ct);
		CHECK(net_teardown(&st, &err) == 0);
		net_state_free(&st);
	}
	free(before);
	testns_leave(&t);
}

/* A passthru macvlan made while the last container's macvlan is still on the lower device
 * (its namespace is being freed): the start waits for the device instead of failing. */
TEST(net_root_macvlan_passthru_waits_for_previous)
{
	struct testns t;
	struct fake_ct ct = { 0 };
	struct lxc_conf conf = { 0 };
	struct conf_net n;
	struct net_state st;
	struct lxc_error err = { 0 };
	char msg[1024];

	if (!have_root() || !testns_enter(&t, "hnet-pt"))
		return;
	shf(NULL, "ip link add hnptp0 type veth peer name hnptp1 && ip link set hnptp0 up");
	shf(NULL, "ip netns del hnet-pt-old 2>/dev/null; ip netns add hnet-pt-old && "
		  "ip link add hnptold link hnptp0 netns hnet-pt-old type macvlan mode bridge");
	CHECK(sh_has("hnptold", "ip -n hnet-pt-old link show"));
	shf(NULL, "(sleep 0.3; ip netns del hnet-pt-old) >/dev/null 2>&1 &");
	nic_init(&n, 0, NET_MACVLAN);
	n.link = "hnptp0";
	n.macvlan_mode = MACVLAN_MODE_PASSTHRU;
	n.name = "pt0";
	conf.nets = &n;
	conf.n_nets = 1;
	net_state_init(&st);
	CHECK(ct_start(&ct, "hnet-pt-c", &conf));
	CHECK(net_create_host_side(&conf, "pt", ct.pid, &st, &err) == 0);
	if (err.msg[0])
		printf("#   %s\n", err.msg);
	CHECK(ct_configure(&ct, msg) == 0);
	CHECK(sh_has("macvlan mode passthru", "ip -n hnet-pt-c -d link show pt0"));
	ct_stop(&ct);
	CHECK(net_teardown(&st, &err) == 0);
	net_state_free(&st);
	testns_leave(&t);
}

TEST(net_root_macvlan_bridge_mode_containers_talk)
{
	struct testns t;
	struct fake_ct c1 = { 0 }, c2 = { 0 };
	struct lxc_conf k1 = { 0 }, k2 = { 0 };
	struct conf_net n1, n2;
	struct net_ipv4 a1 = v4("10.213.4.11", 24), a2 = v4("10.213.4.12", 24);
	struct net_state s1, s2;
	struct lxc_error err = { 0 };
	char msg[1024];

	if (!have_root() || !testns_enter(&t, "hnet-mb"))
		return;
	shf(NULL, "ip link add hnmbp0 type veth peer name hnmbp1 && ip link set hnmbp0 up && ip link set hnmbp1 up");
	nic_init(&n1, 0, NET_MACVLAN);
	n1.link = "hnmbp0";
	n1.macvlan_mode = MACVLAN_MODE_BRIDGE;
	n1.flags_up = true;
	n1.ipv4 = &a1;
	n1.n_ipv4 = 1;
	n2 = n1;
	n2.ipv4 = &a2;
	k1.nets = &n1;
	k1.n_nets = 1;
	k2.nets = &n2;
	k2.n_nets = 1;
	net_state_init(&s1);
	net_state_init(&s2);
	CHECK(ct_start(&c1, "hnet-mb-c1", &k1));
	CHECK(net_create_host_side(&k1, "c1", c1.pid, &s1, &err) == 0);
	CHECK(ct_configure(&c1, msg) == 0);
	CHECK(ct_start(&c2, "hnet-mb-c2", &k2));
	CHECK(net_create_host_side(&k2, "c2", c2.pid, &s2, &err) == 0);
	CHECK(ct_configure(&c2, msg) == 0);
	CHECK(sh_has("1 packets received", "ip netns exec hnet-mb-c1 busybox ping -c1 -W3 10.213.4.12"));
	ct_stop(&c1);
	ct_stop(&c2);
	CHECK(net_teardown(&s1, &err) == 0);
	CHECK(net_teardown(&s2, &err) == 0);
	net_state_free(&s1);
	net_state_free(&s2);
	testns_leave(&t);
}

static void lower_type_test(const char *nsname, enum net_type type, const char *kind, const char *want)
{
	struct testns t;
	struct fake_ct ct = { 0 };
	struct lxc_conf conf = { 0 };
	struct conf_net n;
	struct net_state st;
	struct lxc_error err = { 0 };
	struct net_ipv4 a = v4("10.213.5.2", 24);
	char msg[1024], ctns[64];

	if (!testns_enter(&t, nsname))
		return;
	if (!kernel_has(kind)) {
		printf("#   skipped: needs kernel support for %s (VM lane)\n", kind);
		testns_leave(&t);
		return;
	}
	shf(NULL, "ip link add hnlp0 type veth peer name hnlp1 && ip link set hnlp0 up && ip link set hnlp1 up");
	nic_init(&n, 0, type);
	n.link = "hnlp0";
	n.vlan_id = 42;
	n.ipvlan_mode = 0; /* l2 */
	n.flags_up = true;
	n.ipv4 = &a;
	n.n_ipv4 = 1;
	n.ipv4_gateway_dev = true;
	conf.nets = &n;
	conf.n_nets = 1;
	net_state_init(&st);
	snprintf(ctns, sizeof(ctns), "%s-c", nsname);
	CHECK(net_check(&conf, &err) == 0);
	CHECK(ct_start(&ct, ctns, &conf));
	CHECK(net_create_host_side(&conf, "x", ct.pid, &st, &err) == 0);
	CHECK(ct_configure(&ct, msg) == 0);
	{
		char *cmd = xasprintf("ip -n %s -d link show eth0", ctns);
		char *rcmd = xasprintf("ip -n %s route", ctns);

		CHECK(sh_has(want, cmd));
		CHECK(sh_has("default dev eth0", rcmd));
		free(cmd);
		free(rcmd);
	}
	ct_stop(&ct);
	CHECK(net_teardown(&st, &err) == 0);
	net_state_free(&st);
	testns_leave(&t);
}

TEST(net_root_ipvlan)
{
	if (have_root())
		lower_type_test("hnet-iv", NET_IPVLAN, "ipvlan", "ipvlan  mode l2");
}

TEST(net_root_vlan)
{
	/* needs 8021q */
	if (have_root())
		lower_type_test("hnet-vl", NET_VLAN, "vlan", "vlan protocol 802.1Q id 42");
}

/* ---- phys, empty, none ------------------------------------------------------------------------- */

TEST(net_root_phys_moves_in_and_back)
{
	struct testns t;
	struct fake_ct ct = { 0 };
	struct lxc_conf conf = { 0 };
	struct conf_net n;
	struct net_state st;
	struct lxc_error err = { 0 };
	struct net_ipv4 a = v4("10.213.6.2", 24);
	char msg[1024], *before, *after;

	if (!have_root() || !testns_enter(&t, "hnet-ph"))
		return;
	/* no dummy module here: one end of a veth pair is the "physical" NIC */
	shf(NULL, "ip link add hnph0 type veth peer name hnph1 && ip link set hnph0 mtu 1450 && "
		  "ip link set hnph0 address 02:00:00:21:30:05");
	before = link_names();
	nic_init(&n, 0, NET_PHYS);
	n.link = "hnph0";
	n.name = "eth5";
	n.mtu = 1300;
	n.hwaddr = "02:00:00:21:30:06";
	n.flags_up = true;
	n.ipv4 = &a;
	n.n_ipv4 = 1;
	conf.nets = &n;
	conf.n_nets = 1;
	net_state_init(&st);
	CHECK(net_check(&conf, &err) == 0);
	CHECK(ct_start(&ct, "hnet-ph-c", &conf));
	CHECK(net_create_host_side(&conf, "ph", ct.pid, &st, &err) == 0);
	CHECK(ct_configure(&ct, msg) == 0);
	CHECK(shf(NULL, "ip link show hnph0") != 0);
	CHECK(sh_has("mtu 1300", "ip -n hnet-ph-c link show eth5"));
	CHECK(sh_has("link/ether 02:00:00:21:30:06", "ip -n hnet-ph-c link show eth5"));
	CHECK(sh_has("inet 10.213.6.2/24", "ip -n hnet-ph-c addr show eth5"));
	CHECK(st.n_nics == 1 && st.nics[0].phys_moved && st.nics[0].phys_ns_ifindex > 0);
	/* the container stops; its namespace lives on through st.netns_fd */
	kill(ct.pid, SIGKILL);
	waitpid(ct.pid, NULL, 0);
	ct.pid = 0;
	CHECK(net_teardown(&st, &err) == 0);
	if (err.msg[0])
		printf("#   %s\n", err.msg);
	CHECK(sh_has("mtu 1450", "ip link show hnph0"));
	CHECK(sh_has("link/ether 02:00:00:21:30:05", "ip link show hnph0"));
	after = link_names();
	CHECK_STR(after, before);
	free(before);
	free(after);
	net_state_free(&st);
	ct_stop(&ct);
	testns_leave(&t);
}

TEST(net_root_empty_and_none)
{
	struct testns t;
	struct fake_ct ct = { 0 };
	struct lxc_conf conf = { 0 };
	struct conf_net n;
	struct net_state st;
	struct lxc_error err = { 0 };
	char msg[1024], *before, *after;

	if (!have_root() || !testns_enter(&t, "hnet-em"))
		return;
	before = link_names();
	nic_init(&n, 0, NET_EMPTY);
	n.flags_up = true;
	conf.nets = &n;
	conf.n_nets = 1;
	net_state_init(&st);
	CHECK(!net_uses_host_netns(&conf));
	CHECK(net_check(&conf, &err) == 0);
	CHECK(ct_start(&ct, "hnet-em-c", &conf));
	CHECK(net_create_host_side(&conf, "em", ct.pid, &st, &err) == 0);
	CHECK(ct_configure(&ct, msg) == 0);
	{
		char *out = NULL;

		shf(&out, "ip -n hnet-em-c -o link | wc -l");
		CHECK_STR(out, "1\n");
		free(out);
	}
	CHECK(sh_has("LOOPBACK,UP", "ip -n hnet-em-c link show lo"));
	after = link_names();
	CHECK_STR(after, before);
	free(after);
	ct_stop(&ct);
	CHECK(net_teardown(&st, &err) == 0);
	net_state_free(&st);

	/* none: nothing is made, and the container side leaves our own namespace alone */
	n.type = NET_NONE;
	CHECK(net_uses_host_netns(&conf));
	net_state_init(&st);
	CHECK(net_create_host_side(&conf, "none", getpid(), &st, &err) == 0);
	CHECK_INT(st.n_nics, 0);
	CHECK_INT(st.netns_fd, -1);
	shf(NULL, "ip link set lo down");
	CHECK(net_configure_container_side(&conf, &err) == 0);
	CHECK(shf(NULL, "ip link show lo | grep -q LOOPBACK,UP") != 0);
	net_state_free(&st);
	after = link_names();
	CHECK_STR(after, before);
	free(after);
	free(before);
	testns_leave(&t);
}

/* ---- scripts ------------------------------------------------------------------------------------- */

TEST(net_root_scripts_get_lxc_arguments)
{
	struct testns t;
	struct fake_ct ct = { 0 };
	struct lxc_conf conf = { 0 };
	struct conf_net n;
	struct net_state st;
	struct lxc_error err = { 0 };
	char dir[] = "/tmp/hnet-script.XXXXXX", *script, *up, *log = NULL;

	if (!have_root() || !mkdtemp(dir) || !testns_enter(&t, "hnet-sc"))
		return;
	shf(NULL, "ip link add hnbr7 type bridge");
	script = xasprintf("%s/hook", dir);
	shf(NULL, "printf '#!/bin/sh\\necho \"$@|$LXC_NAME|$LXC_HOOK_TYPE|$LXC_HOOK_SECTION|$LXC_NET_TYPE|$LXC_NET_PARENT|$LXC_NET_PEER\" >> %s/log\\n' > %s && chmod +x %s",
	    dir, script, script);
	up = xasprintf("%s extra", script); /* LXC runs it through sh: arguments allowed */
	nic_init(&n, 0, NET_VETH);
	n.link = "hnbr7";
	n.veth_pair = "hnsc0";
	n.script_up = up;
	n.script_down = script;
	conf.nets = &n;
	conf.n_nets = 1;
	net_state_init(&st);
	CHECK(ct_start(&ct, "hnet-sc-c", &conf));
	CHECK(net_create_host_side(&conf, "web", ct.pid, &st, &err) == 0);
	ct_stop(&ct);
	CHECK(net_teardown(&st, &err) == 0);
	{
		char *path = xasprintf("%s/log", dir);

		CHECK(file_read(path, &log, NULL, &err) == 0);
		free(path);
	}
	/* LXC 5: NAME net up|down TYPE LINK VETH */
	CHECK_STR(log, "extra web net up veth hnbr7 hnsc0|web|up|net|veth|hnbr7|hnsc0\n"
		       "web net down veth hnbr7 hnsc0|web|down|net|veth|hnbr7|hnsc0\n");
	free(log);
	net_state_free(&st);

	/* lxc.hook.version = 1: LXC 5 drops "NAME net up|down", keeps TYPE LINK VETH */
	conf.hook_version = 1;
	net_state_init(&st);
	shf(NULL, "rm -f %s/log", dir);
	CHECK(ct_start(&ct, "hnet-sc-c", &conf));
	CHECK(net_create_host_side(&conf, "web", ct.pid, &st, &err) == 0);
	ct_stop(&ct);
	CHECK(net_teardown(&st, &err) == 0);
	net_state_free(&st);
	{
		char *path = xasprintf("%s/log", dir);

		CHECK(file_read(path, &log, NULL, &err) == 0);
		free(path);
	}
	CHECK_STR(log, "extra veth hnbr7 hnsc0|web|up|net|veth|hnbr7|hnsc0\n"
		       "veth hnbr7 hnsc0|web|down|net|veth|hnbr7|hnsc0\n");
	free(log);
	conf.hook_version = 0;

	/* a failing script.up fails the start, and says which key */
	free(up);
	up = xasprintf("%s/missing-script", dir);
	n.script_up = up;
	net_state_init(&st);
	CHECK(ct_start(&ct, "hnet-sc-c", &conf));
	CHECK_ERR(net_create_host_side(&conf, "web", ct.pid, &st, &err), &err, "lxc.net.0.script.up");
	CHECK(strstr(err.msg, "exited with status 127") != NULL);
	ct_stop(&ct);
	CHECK(net_teardown(&st, &err) == 0);
	CHECK(shf(NULL, "ip link show hnsc0") != 0);
	net_state_free(&st);
	free(up);
	free(script);
	testns_leave(&t);
	remove_tree(dir, &err);
}

/* ---- crash recovery ---------------------------------------------------------------------------------- */

TEST(net_root_teardown_from_state_after_monitor_crash)
{
	struct testns t;
	struct fake_ct ct = { 0 };
	struct lxc_conf conf = { 0 };
	struct conf_net n[2];
	struct net_state st;
	struct lxc_error err = { 0 };
	char dir[] = "/tmp/hnet-crash.XXXXXX", *statefile, *text = NULL, *before, *after;
	int sync[2];
	pid_t monitor;
	char c;

	if (!have_root() || !mkdtemp(dir) || !testns_enter(&t, "hnet-cr"))
		return;
	shf(NULL, "ip link add hnbr8 type bridge && ip link set hnbr8 up && "
		  "ip link add hnph8 type veth peer name hnph9");
	before = link_names();
	nic_init(&n[0], 0, NET_VETH);
	n[0].link = "hnbr8";
	nic_init(&n[1], 1, NET_PHYS);
	n[1].link = "hnph8";
	conf.nets = n;
	conf.n_nets = 2;
	statefile = xasprintf("%s/net", dir);
	CHECK(ct_start(&ct, "hnet-cr-c", &conf));
	CHECK(pipe(sync) == 0);
	fflush(stdout);
	monitor = fork();
	if (monitor == 0) {
		/* the monitor: make the network, save the state, then "crash" (get killed) */
		struct net_state ms;
		char *s;

		net_state_init(&ms);
		if (net_create_host_side(&conf, "cr", ct.pid, &ms, &err) < 0)
			_exit(1);
		s = net_state_serialize(&ms);
		if (file_write_atomic(statefile, s, strlen(s), 0600, &err) < 0)
			_exit(1);
		if (write(sync[1], "k", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(sync[1]);
	CHECK(read(sync[0], &c, 1) == 1);
	close(sync[0]);
	kill(monitor, SIGKILL);
	waitpid(monitor, NULL, 0);
	CHECK(shf(NULL, "ip link show master hnbr8 | grep -q veth") == 0);
	CHECK(shf(NULL, "ip link show hnph8") != 0);

	/* a new monitor finds the state file; the container still runs */
	CHECK(file_read(statefile, &text, NULL, &err) == 0);
	net_state_init(&st);
	CHECK(net_state_parse(&st, text, &err) == 0);
	CHECK_INT(st.pid, ct.pid);
	CHECK(net_teardown(&st, &err) == 0);
	if (err.msg[0])
		printf("#   %s\n", err.msg);
	after = link_names();
	CHECK_STR(after, before);
	CHECK(shf(NULL, "ip link show master hnbr8 | grep -q .") != 0);
	CHECK(shf(NULL, "ip -n hnet-cr-c -o link | grep -vq 'lo:'") != 0);
	free(after);
	net_state_free(&st);

	/* again, but the container died with its monitor: the veth goes with its namespace;
	 * the stand-in "phys" device (a veth end) cannot come back and that is reported */
	ct_stop(&ct);
	CHECK(ct_start(&ct, "hnet-cr-c", &conf));
	net_state_init(&st);
	CHECK(net_create_host_side(&conf, "cr", ct.pid, &st, &err) == 0);
	free(text);
	text = net_state_serialize(&st);
	net_state_free(&st);    /* drops the held namespace, as a crash would */
	ct_stop(&ct);
	net_state_init(&st);
	CHECK(net_state_parse(&st, text, &err) == 0);
	CHECK_ERR(net_teardown(&st, &err), &err, "did not come back to the host");
	CHECK_INT(st.n_nics, 0);
	shf(NULL, "for i in 1 2 3 4 5 6 7 8 9 10; do ip link show master hnbr8 | grep -q . || break; sleep 0.2; done");
	CHECK(shf(NULL, "ip link show master hnbr8 | grep -q .") != 0);
	net_state_free(&st);
	free(text);
	free(before);
	free(statefile);
	testns_leave(&t);
	remove_tree(dir, &err);
}

/* ---- lxc-device: moving interfaces ------------------------------------------------------------------- */

TEST(net_root_move_interface_in_and_out)
{
	struct testns t;
	struct fake_ct ct = { 0 };
	struct lxc_conf conf = { 0 };
	struct lxc_error err = { 0 };

	if (!have_root() || !testns_enter(&t, "hnet-md"))
		return;
	shf(NULL, "ip link add hnmd0 type veth peer name hnmd1 && ip link set hnmd0 up && ip link set hnmd1 up && "
		  "ip link add hnmd2 type veth peer name hnmd3");
	CHECK(ct_start(&ct, "hnet-md-c", &conf));
	CHECK(net_move_interface_in(ct.pid, "hnmd0", "eth3", &err) == 0);
	CHECK(shf(NULL, "ip link show hnmd0") != 0);
	CHECK(sh_has("eth3", "ip -n hnet-md-c link show eth3"));
	CHECK(sh_has(",UP", "ip -n hnet-md-c link show eth3"));
	/* a down interface stays down */
	CHECK(net_move_interface_in(ct.pid, "hnmd2", NULL, &err) == 0);
	CHECK(shf(NULL, "ip -n hnet-md-c link show hnmd2 | grep -q ',UP'") != 0);
	CHECK_ERR(net_move_interface_in(ct.pid, "hnmd9", "eth4", &err), &err,
		  "no such network interface \"hnmd9\" on the host");
	CHECK_ERR(net_move_interface_in(ct.pid, "hnmd1", "eth3", &err), &err,
		  "an interface named \"eth3\" already exists in the container");
	CHECK(sh_has(",UP", "ip link show hnmd1")); /* left as it was */
	CHECK_ERR(net_move_interface_in(ct.pid, "lo", "lo2", &err), &err, "loopback");
	CHECK_ERR(net_move_interface_out(ct.pid, "eth9", NULL, &err), &err,
		  "no such network interface \"eth9\" in the container");
	CHECK_ERR(net_move_interface_out(ct.pid, "eth3", "hnmd1", &err), &err,
		  "an interface named \"hnmd1\" already exists on the host");
	CHECK(net_move_interface_out(ct.pid, "eth3", "hnmd0", &err) == 0);
	CHECK(sh_has(",UP", "ip link show hnmd0"));
	CHECK(shf(NULL, "ip -n hnet-md-c link show eth3") != 0);
	CHECK(net_move_interface_out(ct.pid, "hnmd2", NULL, &err) == 0);
	CHECK(shf(NULL, "ip link show hnmd2") == 0);
	ct_stop(&ct);
	testns_leave(&t);
}

/* ---- Open vSwitch (userspace datapath: this kernel has no openvswitch module) ------------------------ */

TEST(net_root_openvswitch_bridge)
{
	struct testns t;
	struct fake_ct c1 = { 0 }, c2 = { 0 };
	struct lxc_conf k1 = { 0 }, k2 = { 0 };
	struct conf_net n1, n2;
	struct net_ipv4 a1 = v4("10.213.7.11", 24), a2 = v4("10.213.7.12", 24);
	struct net_state s1, s2;
	struct lxc_error err = { 0 };
	char dir[] = "/tmp/hnet-ovs.XXXXXX", msg[1024];
	char *out = NULL;

	if (!have_root())
		return;
	if (shf(NULL, "command -v ovs-vswitchd && command -v ovsdb-server") != 0) {
		printf("#   skipped: needs Open vSwitch (openvswitch-switch)\n");
		return;
	}
	if (!mkdtemp(dir) || !testns_enter(&t, "hnet-ov"))
		return;
	setenv("OVS_RUNDIR", dir, 1);
	setenv("OVS_DBDIR", dir, 1);
	setenv("OVS_LOGDIR", dir, 1);
	CHECK(shf(&out, "ovsdb-tool create %s/conf.db /usr/share/openvswitch/vswitch.ovsschema && "
		  "ovsdb-server %s/conf.db --remote=punix:%s/db.sock --pidfile=%s/ovsdb-server.pid --detach "
		  "--log-file=%s/ovsdb-server.log && ovs-vsctl --no-wait init && "
		  "ovs-vswitchd unix:%s/db.sock --pidfile=%s/ovs-vswitchd.pid --detach --log-file=%s/ovs-vswitchd.log && "
		  "ovs-vsctl --timeout=10 add-br hnovs0 -- set bridge hnovs0 datapath_type=netdev && "
		  "ip link set hnovs0 up",
		  dir, dir, dir, dir, dir, dir, dir, dir) == 0 || (printf("#   %s\n", out), false));
	free(out);

	nic_init(&n1, 0, NET_VETH);
	n1.link = "hnovs0";
	n1.flags_up = true;
	n1.ipv4 = &a1;
	n1.n_ipv4 = 1;
	n2 = n1;
	n2.ipv4 = &a2;
	n2.veth_pair = "hnovsp2";
	k1.nets = &n1;
	k1.n_nets = 1;
	k2.nets = &n2;
	k2.n_nets = 1;
	net_state_init(&s1);
	net_state_init(&s2);
	CHECK(net_check(&k1, &err) == 0);
	if (err.msg[0])
		printf("#   %s\n", err.msg);
	CHECK(ct_start(&c1, "hnet-ov-c1", &k1));
	CHECK(net_create_host_side(&k1, "c1", c1.pid, &s1, &err) == 0);
	CHECK(ct_configure(&c1, msg) == 0);
	CHECK(ct_start(&c2, "hnet-ov-c2", &k2));
	CHECK(net_create_host_side(&k2, "c2", c2.pid, &s2, &err) == 0);
	CHECK(ct_configure(&c2, msg) == 0);
	CHECK(s1.n_nics == 1 && s1.nics[0].ovs);
	CHECK(sh_has("hnovsp2", "ovs-vsctl list-ports hnovs0"));
	CHECK(sh_has("1 packets received", "ip netns exec hnet-ov-c1 busybox ping -c1 -W5 10.213.7.12"));
	ct_stop(&c1);
	ct_stop(&c2);
	CHECK(net_teardown(&s1, &err) == 0);
	CHECK(net_teardown(&s2, &err) == 0);
	shf(&out, "ovs-vsctl list-ports hnovs0");
	CHECK_STR(out, "");
	free(out);
	CHECK(shf(NULL, "ip link show hnovsp2") != 0);
	net_state_free(&s1);
	net_state_free(&s2);
	shf(NULL, "ovs-vsctl --timeout=5 del-br hnovs0; kill $(cat %s/ovs-vswitchd.pid) $(cat %s/ovsdb-server.pid); "
		  "for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /proc/$(cat %s/ovs-vswitchd.pid) ] || break; sleep 0.2; done",
	    dir, dir, dir);
	unsetenv("OVS_RUNDIR");
	unsetenv("OVS_DBDIR");
	unsetenv("OVS_LOGDIR");
	testns_leave(&t);
	remove_tree(dir, &err);
}
