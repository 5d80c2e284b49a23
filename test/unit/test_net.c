/* Unit tests for lib/netlink.c, the parsing helpers of lib/net.c, lib/net_state.c and the
 * lxc-net config/rules of lib/lxcnet.c: no root, no network changes. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lxc.h"
#include "lxcnet.h"
#include "net.h"
#include "netlink.h"
#include "unit.h"

/* ---- netlink messages ---------------------------------------------------------------- */

TEST(netlink_build_and_parse_nested)
{
	const struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *data[VETH_INFO_MAX + 1];
	const struct nlattr *peer[IFLA_MAX + 1];
	struct nl_msg m;
	struct ifinfomsg *ifi;
	const struct nlmsghdr *h;
	const void *attrs;
	size_t len, info, d, p;
	char name[IFNAMSIZ];
	uint32_t mtu;

	nl_msg_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = nl_msg_reserve(&m, sizeof(*ifi));
	ifi->ifi_index = 7;
	nl_attr_put_str(&m, IFLA_IFNAME, "hnv0");   /* 5 bytes: padded */
	nl_attr_put_u32(&m, IFLA_MTU, 1400);
	info = nl_nest_start(&m, IFLA_LINKINFO);
	nl_attr_put_str(&m, IFLA_INFO_KIND, "veth");
	d = nl_nest_start(&m, IFLA_INFO_DATA);
	p = nl_nest_start(&m, VETH_INFO_PEER);
	nl_msg_reserve(&m, sizeof(struct ifinfomsg));
	nl_attr_put_str(&m, IFLA_IFNAME, "hnv1");
	nl_nest_end(&m, p);
	nl_nest_end(&m, d);
	nl_nest_end(&m, info);

	h = nl_msg_hdr(&m);
	CHECK_INT(h->nlmsg_len, m.len);
	CHECK_INT(m.len % 4, 0);
	CHECK_INT(h->nlmsg_type, RTM_NEWLINK);
	CHECK(h->nlmsg_flags & NLM_F_REQUEST);
	CHECK(h->nlmsg_flags & NLM_F_EXCL);
	attrs = nl_msg_attrs(h, sizeof(*ifi), &len);
	CHECK(nl_attr_parse(attrs, len, tb, IFLA_MAX) == 0);
	CHECK(nl_attr_get_str(tb[IFLA_IFNAME], name, sizeof(name)));
	CHECK_STR(name, "hnv0");
	CHECK(nl_attr_get_u32(tb[IFLA_MTU], &mtu) && mtu == 1400);
	CHECK(tb[IFLA_LINKINFO] && (tb[IFLA_LINKINFO]->nla_type & NLA_F_NESTED));
	CHECK(nl_attr_parse(nl_attr_data(tb[IFLA_LINKINFO]), nl_attr_len(tb[IFLA_LINKINFO]), li, IFLA_INFO_MAX) == 0);
	CHECK(nl_attr_get_str(li[IFLA_INFO_KIND], name, sizeof(name)));
	CHECK_STR(name, "veth");
	CHECK(nl_attr_parse(nl_attr_data(li[IFLA_INFO_DATA]), nl_attr_len(li[IFLA_INFO_DATA]), data, VETH_INFO_MAX) == 0);
	CHECK(data[VETH_INFO_PEER] != NULL);
	CHECK(nl_attr_len(data[VETH_INFO_PEER]) > sizeof(struct ifinfomsg));
	CHECK(nl_attr_parse((const char *)nl_attr_data(data[VETH_INFO_PEER]) + sizeof(struct ifinfomsg),
			    nl_attr_len(data[VETH_INFO_PEER]) - sizeof(struct ifinfomsg), peer, IFLA_MAX) == 0);
	CHECK(nl_attr_get_str(peer[IFLA_IFNAME], name, sizeof(name)));
	CHECK_STR(name, "hnv1");
	/* the outer nest ends exactly at the end of the message */
	CHECK_INT((const char *)tb[IFLA_LINKINFO] - (const char *)h + tb[IFLA_LINKINFO]->nla_len, m.len);
	nl_msg_free(&m);
}

TEST(netlink_attr_parse_rejects_damage)
{
	unsigned char buf[16] = { 0 };
	const struct nlattr *tb[4];
	struct nlattr *a = (struct nlattr *)buf;
	uint32_t v;

	a->nla_len = 8;
	a->nla_type = 1;
	memcpy(buf + 4, "\x2a\0\0\0", 4);
	CHECK(nl_attr_parse(buf, 8, tb, 3) == 0);
	CHECK(nl_attr_get_u32(tb[1], &v) && v == 42);
	a->nla_len = 40; /* longer than the buffer */
	CHECK(nl_attr_parse(buf, 16, tb, 3) < 0);
	CHECK(tb[1] == NULL);
	a->nla_len = 2; /* shorter than a header */
	CHECK(nl_attr_parse(buf, 16, tb, 3) < 0);
	a->nla_len = 4; /* empty attribute: too short for a u32 */
	CHECK(nl_attr_parse(buf, 4, tb, 3) == 0);
	CHECK(!nl_attr_get_u32(tb[1], &v));
	a->nla_type = 9; /* beyond max: ignored */
	CHECK(nl_attr_parse(buf, 4, tb, 3) == 0 && tb[1] == NULL);
}

/* An NLMSG_ERROR the way the kernel sends it with NETLINK_CAP_ACK and NETLINK_EXT_ACK. */
static size_t build_error(unsigned char *buf, uint32_t seq, int code, const char *text, bool capped,
			  uint32_t offs)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(h);
	size_t len = NLMSG_HDRLEN + sizeof(*e);

	memset(buf, 0, 512);
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_seq = seq;
	e->error = code;
	e->msg.nlmsg_len = NLMSG_HDRLEN + 16; /* the request: header + 16 bytes */
	e->msg.nlmsg_seq = seq;
	if (!capped)
		len += 16; /* echoed payload */
	else
		h->nlmsg_flags |= NLM_F_CAPPED;
	if (text) {
		struct nlattr *a = (struct nlattr *)(buf + len);

		h->nlmsg_flags |= NLM_F_ACK_TLVS;
		a->nla_type = NLMSGERR_ATTR_MSG;
		a->nla_len = NLA_HDRLEN + strlen(text) + 1;
		memcpy(a + 1, text, strlen(text) + 1);
		len += NLA_ALIGN(a->nla_len);
		if (offs) {
			a = (struct nlattr *)(buf + len);
			a->nla_type = NLMSGERR_ATTR_OFFS;
			a->nla_len = NLA_HDRLEN + 4;
			memcpy(a + 1, &offs, 4);
			len += 8;
		}
	}
	h->nlmsg_len = len;
	return len;
}

TEST(netlink_reply_errors_and_extack)
{
	unsigned char buf[512];
	struct nl_reply r;
	struct lxc_error err = { 0 };
	size_t len;

	len = build_error(buf, 5, 0, NULL, true, 0);
	memset(&r, 0, sizeof(r));
	CHECK_INT(nl_reply_process(buf, len, 5, NULL, NULL, &r, &err), NL_REPLY_DONE);

	len = build_error(buf, 5, -EEXIST, "Device already exists", true, 36);
	memset(&r, 0, sizeof(r));
	CHECK_INT(nl_reply_process(buf, len, 5, NULL, NULL, &r, &err), NL_REPLY_ERROR);
	CHECK_INT(r.code, EEXIST);
	CHECK_STR(r.msg, "Device already exists");
	CHECK_INT(r.bad_attr_offset, 36);

	/* without NETLINK_CAP_ACK the whole request comes back before the TLVs */
	len = build_error(buf, 5, -EOPNOTSUPP, "Unknown device type", false, 0);
	memset(&r, 0, sizeof(r));
	CHECK_INT(nl_reply_process(buf, len, 5, NULL, NULL, &r, &err), NL_REPLY_ERROR);
	CHECK_INT(r.code, EOPNOTSUPP);
	CHECK_STR(r.msg, "Unknown device type");

	/* plain errno, no text */
	len = build_error(buf, 5, -ENODEV, NULL, true, 0);
	memset(&r, 0, sizeof(r));
	CHECK_INT(nl_reply_process(buf, len, 5, NULL, NULL, &r, &err), NL_REPLY_ERROR);
	CHECK_INT(r.code, ENODEV);
	CHECK_STR(r.msg, "");

	/* another request's answer is skipped */
	len = build_error(buf, 4, -ENODEV, NULL, true, 0);
	memset(&r, 0, sizeof(r));
	CHECK_INT(nl_reply_process(buf, len, 5, NULL, NULL, &r, &err), NL_REPLY_MORE);

	/* damage: a length beyond the datagram */
	len = build_error(buf, 5, -ENODEV, NULL, true, 0);
	((struct nlmsghdr *)buf)->nlmsg_len = 400;
	memset(&r, 0, sizeof(r));
	CHECK_INT(nl_reply_process(buf, len, 5, NULL, NULL, &r, &err), NL_REPLY_ERROR);
	CHECK_INT(r.code, 0);
	CHECK(strstr(err.msg, "malformed") != NULL);

	/* an error message too short for struct nlmsgerr */
	((struct nlmsghdr *)buf)->nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK_INT(nl_reply_process(buf, NLMSG_HDRLEN + 2, 5, NULL, NULL, &r, &err), NL_REPLY_ERROR);
	CHECK(strstr(err.msg, "truncated") != NULL);
}

static int count_cb(const struct nlmsghdr *h, void *arg, struct lxc_error *err)
{
	(*(int *)arg)++;
	return h->nlmsg_type == RTM_NEWADDR ? error_set(err, "stop here") : 0;
}

TEST(netlink_reply_dump_parts)
{
	unsigned char buf[256] = { 0 };
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nl_reply r = { 0 };
	struct lxc_error err = { 0 };
	int calls = 0, code = -EINTR;
	size_t off = 0;

	for (int i = 0; i < 2; i++) {
		h = (struct nlmsghdr *)(buf + off);
		h->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
		h->nlmsg_type = RTM_NEWLINK;
		h->nlmsg_flags = NLM_F_MULTI;
		h->nlmsg_seq = 9;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	CHECK_INT(nl_reply_process(buf, off, 9, count_cb, &calls, &r, &err), NL_REPLY_MORE);
	CHECK_INT(calls, 2);
	h = (struct nlmsghdr *)(buf + off);
	h->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	h->nlmsg_type = NLMSG_DONE;
	h->nlmsg_seq = 9;
	CHECK_INT(nl_reply_process(buf, off + h->nlmsg_len, 9, count_cb, &calls, &r, &err), NL_REPLY_DONE);
	CHECK_INT(calls, 4);
	/* a dump interrupted by the kernel reports its errno in NLMSG_DONE */
	memcpy(NLMSG_DATA(h), &code, sizeof(code));
	CHECK_INT(nl_reply_process(h, h->nlmsg_len, 9, count_cb, &calls, &r, &err), NL_REPLY_ERROR);
	CHECK_INT(r.code, EINTR);
	/* a callback stops the walk with its own error */
	h = (struct nlmsghdr *)buf;
	h->nlmsg_type = RTM_NEWADDR;
	CHECK_INT(nl_reply_process(buf, off, 9, count_cb, &calls, &r, &err), NL_REPLY_ERROR);
	CHECK_STR(err.msg, "stop here");
}

TEST(netlink_talks_to_the_kernel)
{
	struct lxc_error err = { 0 };
	struct nl_sock sk;
	struct net_link lo;

	CHECK(nl_open(&sk, NETLINK_ROUTE, &err) == 0);
	CHECK(net_link_get(&sk, "lo", 0, &lo, &err) == 0);
	CHECK(lo.flags & IFF_LOOPBACK);
	CHECK_INT(lo.ifindex, 1);
	CHECK_ERR(net_link_get(&sk, "hnnope0", 0, &lo, &err), &err, "no interface \"hnnope0\"");
	CHECK_INT(err.code, ENODEV);
	CHECK_ERR(net_link_get(&sk, "this-name-is-too-long", 0, &lo, &err), &err, "invalid interface name");
	/* an unprivileged or invalid request: the kernel's reason comes through */
	{
		struct net_link_spec spec = { .name = "hnbad0", .kind = "no-such-kind" };

		CHECK(net_link_create(&sk, &spec, &err) < 0);
		CHECK(strstr(err.msg, "failed to create no-such-kind device \"hnbad0\"") != NULL);
	}
	nl_close(&sk);
}

/* ---- parsing helpers ------------------------------------------------------------------ */

TEST(net_hwaddr)
{
	struct lxc_error err = { 0 };
	uint8_t mac[6];
	char text[18];
	bool varied = false;

	CHECK(net_hwaddr_parse("00:16:3E:ab:cd:ef", mac, &err) == 0);
	net_hwaddr_format(mac, text);
	CHECK_STR(text, "00:16:3e:ab:cd:ef");
	for (int i = 0; i < 20; i++) {
		uint8_t first[6];

		CHECK(net_hwaddr_parse("00:16:3e:xx:xx:xX", mac, &err) == 0);
		CHECK(mac[0] == 0 && mac[1] == 0x16 && mac[2] == 0x3e);
		if (i == 0)
			memcpy(first, mac, 6);
		varied |= memcmp(first, mac, 6) != 0;
		CHECK(net_hwaddr_parse("xx:xx:xx:xx:xx:xx", mac, &err) == 0);
		CHECK((mac[0] & 1) == 0); /* never multicast */
	}
	CHECK(varied);
	CHECK(net_hwaddr_parse("x1:00:00:00:00:00", mac, &err) == 0 && (mac[0] & 0x0f) == 0x01); /* as written */
	CHECK_ERR(net_hwaddr_parse("00:16:3e:00:00", mac, &err), &err, "expected xx:xx:xx:xx:xx:xx");
	CHECK_ERR(net_hwaddr_parse("00:16:3e:00:00:0g", mac, &err), &err, "bad hex digit 'g'");
	CHECK_ERR(net_hwaddr_parse("00-16-3e-00-00-00", mac, &err), &err, "expected ':'");
}

TEST(net_hwaddr_fill_config)
{
	const char *in = "# lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx stays a comment\n"
			 "lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx\n"
			 "  lxc.net.12.hwaddr=xX:xx:xx:xx:xx:xx\n"
			 "lxc.network.hwaddr = 00:16:3e:xx:xx:xx\n"
			 "lxc.network.3.hwaddr = 00:16:3e:xx:xx:xx\n"
			 "lxc.net.0.name = xx0\n"
			 "lxc.net.x.hwaddr = 00:16:3e:xx:xx:xx\n"
			 "lxc.net.0.hwaddrx = 00:16:3e:xx:xx:xx\n"
			 "lxc.net.1.hwaddr = 02:16:3E:AB:CD:EF";
	char *out = net_hwaddr_fill_config(in);
	struct strlist lines = { 0 };
	uint8_t mac[6];

	strlist_split(&lines, out, "\n");
	CHECK_INT(lines.len, 9);
	if (lines.len == 9) {
		CHECK_STR(lines.items[0], "# lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx stays a comment");
		CHECK(str_starts_with(lines.items[1], "lxc.net.0.hwaddr = 00:16:3e:") && !strpbrk(lines.items[1] + 20, "xX"));
		CHECK(net_hwaddr_parse(lines.items[1] + 19, mac, NULL) == 0);
		CHECK(str_starts_with(lines.items[2], "  lxc.net.12.hwaddr=") && !strpbrk(lines.items[2] + 20, "xX"));
		/* the first octet's second digit stays even: unicast */
		CHECK(strchr("02468ace", lines.items[2][21]) != NULL);
		CHECK(str_starts_with(lines.items[3], "lxc.network.hwaddr = 00:16:3e:") && !strchr(lines.items[3] + 20, 'x'));
		CHECK(str_starts_with(lines.items[4], "lxc.network.3.hwaddr = 00:16:3e:") && !strchr(lines.items[4] + 22, 'x'));
		CHECK_STR(lines.items[5], "lxc.net.0.name = xx0");
		CHECK_STR(lines.items[6], "lxc.net.x.hwaddr = 00:16:3e:xx:xx:xx");
		CHECK_STR(lines.items[7], "lxc.net.0.hwaddrx = 00:16:3e:xx:xx:xx");
		CHECK_STR(lines.items[8], "lxc.net.1.hwaddr = 02:16:3E:AB:CD:EF"); /* as written */
	}
	strlist_clear(&lines);
	free(out);
	out = net_hwaddr_fill_config("");
	CHECK_STR(out, "");
	free(out);
}

TEST(net_address_parsing)
{
	uint32_t a;
	uint8_t a6[16];
	unsigned prefix;
	char text[INET6_ADDRSTRLEN];

	CHECK_INT(net_netmask_to_prefix("255.255.255.0"), 24);
	CHECK_INT(net_netmask_to_prefix("255.255.255.255"), 32);
	CHECK_INT(net_netmask_to_prefix("0.0.0.0"), 0);
	CHECK_INT(net_netmask_to_prefix("255.0.255.0"), -1);
	CHECK_INT(net_netmask_to_prefix("nope"), -1);
	CHECK(net_ipv4_parse_cidr("10.213.0.0/24", &a, &prefix) == 0 && prefix == 24);
	CHECK_STR(inet_ntop(AF_INET, &a, text, sizeof(text)), "10.213.0.0");
	CHECK(net_ipv4_parse_cidr("10.213.0.1", &a, &prefix) == 0 && prefix == 32);
	CHECK(net_ipv4_parse_cidr("10.213.0.1/33", &a, &prefix) < 0);
	CHECK(net_ipv4_parse_cidr("10.213.0.1/", &a, &prefix) < 0);
	CHECK(net_ipv4_parse_cidr("10.213.0/24", &a, &prefix) < 0);
	CHECK(net_ipv6_parse_cidr("fd42::1/64", a6, &prefix) == 0 && prefix == 64);
	CHECK_STR(inet_ntop(AF_INET6, a6, text, sizeof(text)), "fd42::1");
	CHECK(net_ipv6_parse_cidr("fd42::1/129", a6, &prefix) < 0);
	CHECK(net_ipv6_parse_cidr("fd42::g/64", a6, &prefix) < 0);
}

TEST(net_names)
{
	char name[IFNAMSIZ], other[IFNAMSIZ];

	net_random_ifname("vethXXXXXX", name);
	CHECK_INT(strlen(name), 10);
	/* a drawn character may itself be an 'X': only the template as a whole must not survive */
	CHECK(!strncmp(name, "veth", 4) && strcmp(name, "vethXXXXXX") != 0);
	for (const char *p = name + 4; *p; p++)
		CHECK((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'));
	net_random_ifname("vethXXXXXX", other);
	CHECK(strcmp(name, other) != 0);
	net_tmp_ifname(3, name);
	CHECK(net_ifname_valid(name));
	CHECK(net_ifname_valid("eth0"));
	CHECK(net_ifname_valid("123456789012345"));
	CHECK(!net_ifname_valid("1234567890123456"));
	CHECK(!net_ifname_valid(""));
	CHECK(!net_ifname_valid("a/b"));
	CHECK(!net_ifname_valid("a b"));
	CHECK(!net_ifname_valid(".."));
	CHECK_STR(net_type_name(NET_MACVLAN), "macvlan");
	CHECK_STR(net_type_name(NET_UNSET), "unset");
}

TEST(net_run_programs)
{
	struct lxc_error err = { 0 };
	char *fail[] = { "sh", "-c", "echo 'broken thing' >&2; exit 3", NULL };
	char *in[] = { "sh", "-c", "read x && [ \"$x\" = hello ]", NULL };
	char *env[] = { "sh", "-c", "[ \"$HNET_X\" = bar ] && [ \"$HOME\" = /hn ]", NULL };
	char *extra[] = { "HNET_X=bar", "HOME=/hn", NULL };
	char *missing[] = { "hnet-no-such-program", NULL };
	char *sig[] = { "sh", "-c", "kill -9 $$", NULL };
	char *p;

	CHECK_ERR(net_run(fail, NULL, NULL, &err), &err, "exited with status 3: broken thing");
	CHECK(net_run(in, NULL, "hello\n", &err) == 0);
	CHECK(net_run(in, NULL, "bye\n", &err) < 0);
	CHECK(net_run(env, extra, NULL, &err) == 0);
	CHECK_ERR(net_run(missing, NULL, NULL, &err), &err, "cannot run \"hnet-no-such-program\"");
	CHECK_ERR(net_run(sig, NULL, NULL, &err), &err, "killed by signal 9");
	p = net_find_program("sh");
	CHECK(p && p[0] == '/');
	free(p);
}

/* ---- state ------------------------------------------------------------------------------- */

TEST(net_state_round_trip)
{
	struct net_state st, back;
	struct lxc_error err = { 0 };
	char *text, *again;

	net_state_init(&st);
	net_state_init(&back);
	st.name = xstrdup("web 1");
	st.hook_version = 1;
	st.pid = 4242;
	st.pid_starttime = 123456789ULL;
	st.n_nics = 3;
	st.nics = xzalloc(3 * sizeof(*st.nics));
	st.nics[0] = (struct net_state_nic){ .index = 0, .type = NET_VETH, .host_ifname = xstrdup("vethAb12Cd"),
					      .link = xstrdup("hnovs0"), .ovs = true, .script_up_done = true,
					      .script_down = xstrdup("/etc/lxc/down net=%1 x") };
	st.nics[1] = (struct net_state_nic){ .index = 2, .type = NET_PHYS, .link = xstrdup("hnph0"),
					      .phys_name = xstrdup("hnph0"), .phys_ifindex = 17, .phys_mtu = 1450,
					      .phys_ns_ifindex = 3, .ns_ifindex = 3, .phys_moved = true,
					      .phys_mac = { 0x02, 0, 0, 0xab, 0xcd, 0xef } };
	st.nics[2] = (struct net_state_nic){ .index = 5, .type = NET_EMPTY };
	text = net_state_serialize(&st);
	CHECK(strstr(text, "lxc-net-state 1\n") == text);
	CHECK(strstr(text, "name web%201\n") != NULL);
	CHECK(strstr(text, "script-down=/etc/lxc/down%20net%3D%251%20x") != NULL);
	CHECK(net_state_parse(&back, text, &err) == 0);
	CHECK_STR(back.name, "web 1");
	CHECK_INT(back.hook_version, 1);
	CHECK_INT(back.pid, 4242);
	CHECK(back.pid_starttime == 123456789ULL);
	CHECK_INT(back.netns_fd, -1);
	CHECK_INT(back.n_nics, 3);
	if (back.n_nics == 3) {
		CHECK_INT(back.nics[0].type, NET_VETH);
		CHECK_STR(back.nics[0].host_ifname, "vethAb12Cd");
		CHECK_STR(back.nics[0].link, "hnovs0");
		CHECK(back.nics[0].ovs && back.nics[0].script_up_done);
		CHECK_STR(back.nics[0].script_down, "/etc/lxc/down net=%1 x");
		CHECK_INT(back.nics[1].index, 2);
		CHECK_STR(back.nics[1].phys_name, "hnph0");
		CHECK_INT(back.nics[1].phys_ifindex, 17);
		CHECK_INT(back.nics[1].phys_mtu, 1450);
		CHECK_INT(back.nics[1].phys_ns_ifindex, 3);
		CHECK_INT(back.nics[1].ns_ifindex, 3);
		CHECK_INT(back.nics[0].ns_ifindex, 0);
		CHECK(back.nics[1].phys_moved && !back.nics[1].ovs);
		CHECK(!memcmp(back.nics[1].phys_mac, st.nics[1].phys_mac, 6));
		CHECK_INT(back.nics[2].type, NET_EMPTY);
		CHECK(back.nics[2].host_ifname == NULL);
	}
	again = net_state_serialize(&back);
	CHECK_STR(again, text);
	free(again);
	free(text);
	net_state_free(&st);
	net_state_free(&back);
}

TEST(net_state_parse_errors)
{
	struct net_state st;
	struct lxc_error err = { 0 };

	net_state_init(&st);
	CHECK_ERR(net_state_parse(&st, "", &err), &err, "empty");
	CHECK_ERR(net_state_parse(&st, "something else\n", &err), &err, "line 1: not a network state");
	CHECK_ERR(net_state_parse(&st, "lxc-net-state 1\nname a\n\nnic 0 veth host=%zz\n", &err), &err,
		  "line 4: bad escape in the value of \"host\"");
	CHECK_ERR(net_state_parse(&st, "lxc-net-state 1\nnic 0 veth colour=blue\n", &err), &err,
		  "line 2: unknown key \"colour\"");
	CHECK_ERR(net_state_parse(&st, "lxc-net-state 1\nnic 0 warp\n", &err), &err, "unknown network type \"warp\"");
	CHECK_ERR(net_state_parse(&st, "lxc-net-state 1\nnic 0 veth host=a%00b\n", &err), &err, "bad escape");
	CHECK_ERR(net_state_parse(&st, "lxc-net-state 1\nnic 0 phys phys-moved=maybe\n", &err), &err,
		  "bad value for \"phys-moved\"");
	CHECK_ERR(net_state_parse(&st, "lxc-net-state 1\nnic 0 phys phys-mac=xx:00:00:00:00:00\n", &err), &err,
		  "bad value for \"phys-mac\"");
	CHECK_ERR(net_state_parse(&st, "lxc-net-state 1\npid 1\n", &err), &err, "line 2: unknown record \"pid\"");
	CHECK_INT(st.n_nics, 0);
	CHECK(net_state_parse(&st, "lxc-net-state 1\nname\nhook-version 0\npid 0 0\n", &err) == 0);
	CHECK_STR(st.name, "");
	net_state_free(&st);
}

/* ---- configuration checks that need no privileges ---------------------------------------- */

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

TEST(net_check_messages)
{
	struct lxc_conf conf = { 0 };
	struct conf_net nets[2];
	struct lxc_error err = { 0 };

	conf.nets = nets;
	conf.n_nets = 1;
	nic_init(&nets[0], 0, NET_UNSET);
	CHECK_ERR(net_check(&conf, &err), &err, "lxc.net.0.type is not set");
	nic_init(&nets[0], 0, NET_MACVLAN);
	CHECK_ERR(net_check(&conf, &err), &err, "lxc.net.0.link is required for type macvlan");
	nets[0].link = "hnnope0";
	CHECK_ERR(net_check(&conf, &err), &err, "lxc.net.0.link: no interface \"hnnope0\"");
	nic_init(&nets[0], 0, NET_VLAN);
	nets[0].link = "lo";
	CHECK_ERR(net_check(&conf, &err), &err, "lxc.net.0.vlan.id is required");
	nic_init(&nets[0], 0, NET_PHYS);
	nets[0].link = "lo";
	CHECK_ERR(net_check(&conf, &err), &err, "loopback device cannot be given away");
	nic_init(&nets[0], 0, NET_VETH);
	nets[0].name = "a-name-that-is-too-long";
	CHECK_ERR(net_check(&conf, &err), &err, "lxc.net.0.name: \"a-name-that-is-too-long\" is not a valid interface name");
	nic_init(&nets[0], 0, NET_VETH);
	nets[0].hwaddr = "00:16:3e:zz:00:00";
	CHECK_ERR(net_check(&conf, &err), &err, "lxc.net.0.hwaddr: invalid hwaddr");
	nic_init(&nets[0], 0, NET_VETH);
	nets[0].ipv4_gateway_set = true;
	CHECK_ERR(net_check(&conf, &err), &err, "a gateway needs the interface up");
	nets[0].flags_up = true;
	nets[0].ipv4_gateway_set = false;
	nets[0].ipv4_gateway_auto = true;
	CHECK_ERR(net_check(&conf, &err), &err, "gateway \"auto\" needs lxc.net.0.link");
	nic_init(&nets[0], 0, NET_VETH);
	nets[0].link = "lo"; /* exists, but is no bridge (and no OVS database answers here) */
	CHECK_ERR(net_check(&conf, &err), &err, "\"lo\" is neither a bridge nor an Open vSwitch bridge");
	nets[0].link = "hnnobr0";
	CHECK_ERR(net_check(&conf, &err), &err, "lxc.net.0.link: bridge \"hnnobr0\" not found");
	nic_init(&nets[0], 0, NET_VETH);
	nets[0].veth_mode = 1;
	CHECK_ERR(net_check(&conf, &err), &err, "veth.mode = router is not supported");
	/* all "none": the host's namespace, nothing to check */
	nic_init(&nets[0], 0, NET_NONE);
	nic_init(&nets[1], 1, NET_NONE);
	conf.n_nets = 2;
	CHECK(net_check(&conf, &err) == 0);
	CHECK(net_uses_host_netns(&conf));
	nets[1].type = NET_EMPTY;
	CHECK(!net_uses_host_netns(&conf));
	conf.n_nets = 0;
	CHECK(!net_uses_host_netns(&conf)); /* no NIC: a new, empty namespace (LXC) */
}

TEST(net_info_errors_without_a_container)
{
	struct lxc_error err = { 0 };
	struct net_if_info *ifs = (struct net_if_info *)1;
	size_t n = 7;
	unsigned long long rx, tx;

	CHECK_ERR(net_get_stats(999999999, &ifs, &n, &err), &err, "container network: failed to open /proc/999999999/ns/net");
	CHECK(ifs == NULL && n == 0);
	CHECK_ERR(net_link_stats("hnnope0", &rx, &tx, &err), &err, "no interface \"hnnope0\"");
	CHECK(net_link_stats("lo", &rx, &tx, &err) == 0);
	CHECK_ERR(net_move_interface_in(999999999, "lo", "bad/name", &err), &err, "\"bad/name\" is not a valid interface name");
	CHECK_INT(net_pid_starttime(999999999), 0);
	CHECK(net_pid_starttime(getpid()) > 0);
}

/* ---- lxc-net ---------------------------------------------------------------------------------- */

TEST(lxcnet_config_defaults_and_parse)
{
	struct lxcnet_config c;
	struct lxc_error err = { 0 };
	const char *text =
		"# comment\n"
		"\n"
		"USE_LXC_BRIDGE=\"true\"\n"
		"  LXC_BRIDGE='hnbr0'   # trailing comment\n"
		"export LXC_ADDR=10.213.0.1\n"
		"NET_PREFIX=10.213.0\n"
		"LXC_NETWORK=\"${NET_PREFIX}.0/24\"\n"
		"LXC_DHCP_RANGE=$NET_PREFIX.2,\"$NET_PREFIX\".254\n"
		"LXC_DOMAIN=\"a \\\"quoted\\\" \\$dollar\"\n"
		"LXC_DHCP_CONFILE=\n"
		"SOMETHING_ELSE=ignored\n";

	lxcnet_config_defaults(&c);
	CHECK_STR(c.bridge, "lxcbr0");
	CHECK_STR(c.bridge_mac, "00:16:3e:00:00:00");
	CHECK_STR(c.addr, "10.0.3.1");
	CHECK_STR(c.netmask, "255.255.255.0");
	CHECK_STR(c.network, "10.0.3.0/24");
	CHECK_STR(c.dhcp_range, "10.0.3.2,10.0.3.254");
	CHECK_STR(c.dhcp_max, "253");
	CHECK_STR(c.dhcp_ping, "true");
	CHECK_STR(c.use_nft, "true");
	CHECK_STR(c.ipv6_nat, "false");
	CHECK_STR(c.ipv6_addr, "");
	CHECK(lxcnet_config_parse(&c, text, "/t/lxc-net", &err) == 0);
	CHECK_STR(c.bridge, "hnbr0");
	CHECK_STR(c.addr, "10.213.0.1");
	CHECK_STR(c.network, "10.213.0.0/24");
	CHECK_STR(c.dhcp_range, "10.213.0.2,10.213.0.254");
	CHECK_STR(c.domain, "a \"quoted\" $dollar");
	CHECK_STR(c.dhcp_confile, "");
	CHECK_STR(c.netmask, "255.255.255.0"); /* untouched default */
	CHECK_ERR(lxcnet_config_parse(&c, "A=1\nif true; then X=1; fi\n", "/t/f", &err), &err, "/t/f:2: not a KEY=value assignment");
	CHECK_ERR(lxcnet_config_parse(&c, "LXC_BRIDGE=\"open\n", "/t/f", &err), &err, "/t/f:1: unterminated double quote");
	CHECK_ERR(lxcnet_config_parse(&c, "LXC_BRIDGE=a b\n", "/t/f", &err), &err, "unexpected text after the value");
	CHECK_ERR(lxcnet_config_parse(&c, "LXC_BRIDGE=$(hostname)\n", "/t/f", &err), &err, "command substitution");
	CHECK_ERR(lxcnet_config_parse(&c, "LXC_BRIDGE=a;b\n", "/t/f", &err), &err, "shell syntax");
	lxcnet_config_free(&c);
	CHECK(lxcnet_config_load(&c, "/nonexistent/lxc-net", &err) == 0);
	CHECK_STR(c.bridge, "lxcbr0");
	lxcnet_config_free(&c);
}

TEST(lxcnet_rules_and_dnsmasq_arguments)
{
	struct lxcnet_config c;
	struct lxcnet_paths p = { .rundir = "/r", .leasedir = "/l" };
	struct strlist argv = { 0 };
	struct lxc_error err = { 0 };
	char *rules, *joined;

	lxcnet_config_defaults(&c);
	CHECK(lxcnet_config_parse(&c, "LXC_BRIDGE=hnbr0\nLXC_ADDR=10.213.0.1\nLXC_NETWORK=10.213.0.0/24\n"
				      "LXC_DHCP_RANGE=10.213.0.2,10.213.0.254\n", "t", &err) == 0);
	rules = lxcnet_nft_start_rules(&c);
	CHECK(strstr(rules, "add table inet lxc\n") != NULL);
	CHECK(strstr(rules, "add rule inet lxc input iifname \"hnbr0\" udp dport { 53, 67 } accept\n") != NULL);
	CHECK(strstr(rules, "add rule inet lxc forward oifname \"hnbr0\" accept\n") != NULL);
	CHECK(strstr(rules, "add rule ip lxc postrouting ip saddr 10.213.0.0/24 ip daddr != 10.213.0.0/24 counter masquerade\n") != NULL);
	CHECK(strstr(rules, "ip6") == NULL);
	free(rules);
	rules = lxcnet_nft_stop_rules(&c);
	CHECK_STR(rules, "add table inet lxc\ndelete table inet lxc\nadd table ip lxc\ndelete table ip lxc\n");
	free(rules);

	lxcnet_dnsmasq_argv(&c, &p, "dnsmasq", &argv);
	joined = strlist_join(&argv, " ");
	CHECK_STR(joined, "dnsmasq --conf-file=/dev/null -u dnsmasq --strict-order --bind-interfaces "
			  "--pid-file=/r/dnsmasq.pid --listen-address 10.213.0.1 --dhcp-range 10.213.0.2,10.213.0.254 "
			  "--dhcp-lease-max=253 --dhcp-no-override --except-interface=lo --interface=hnbr0 "
			  "--dhcp-leasefile=/l/dnsmasq.hnbr0.leases --dhcp-authoritative");
	free(joined);
	strlist_clear(&argv);

	CHECK(lxcnet_config_parse(&c, "LXC_DOMAIN=lxc\nLXC_DHCP_PING=false\nLXC_DHCP_CONFILE=/etc/d.conf\n"
				      "LXC_IPV6_ADDR=fd42::1\nLXC_IPV6_MASK=64\nLXC_IPV6_NETWORK=fd42::/64\nLXC_IPV6_NAT=true\n",
				      "t", &err) == 0);
	lxcnet_dnsmasq_argv(&c, &p, "nobody", &argv);
	joined = strlist_join(&argv, " ");
	CHECK(strstr(joined, "dnsmasq --conf-file=/etc/d.conf -s lxc -S /lxc/ --no-ping -u nobody ") == joined);
	CHECK(str_ends_with(joined, "--dhcp-authoritative --dhcp-range=fd42::1,ra-only --listen-address fd42::1"));
	free(joined);
	strlist_clear(&argv);
	rules = lxcnet_nft_start_rules(&c);
	CHECK(strstr(rules, "add rule ip6 lxc postrouting ip6 saddr fd42::/64 ip6 daddr != fd42::/64 counter masquerade\n") != NULL);
	free(rules);
	rules = lxcnet_nft_stop_rules(&c);
	CHECK(strstr(rules, "delete table ip6 lxc\n") != NULL);
	free(rules);
	lxcnet_config_free(&c);
}
