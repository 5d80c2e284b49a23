/* rtnetlink transport: sockets (also inside another network namespace), message
 * building, and reading replies with the kernel's extended-ack error text. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"
#include "utils.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

static int nl_setup(struct nl_sock *sk, int fd, int protocol, struct lxc_error *err)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	socklen_t addrlen = sizeof(addr);
	int one = 1, bufsize = 1 << 20;

	/* Both options are best effort: old kernels simply give plain errno acks. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize, sizeof(bufsize));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &addrlen) < 0) {
		int e = errno;

		close(fd);
		return error_sys(err, e, "failed to bind the netlink socket");
	}
	sk->fd = fd;
	sk->protocol = protocol;
	sk->portid = addr.nl_pid;
	/* a per-socket start keeps replies to an earlier, abandoned socket apart */
	sk->seq = (uint32_t)getpid() ^ (uint32_t)fd << 20;
	return 0;
}

int nl_open(struct nl_sock *sk, int protocol, struct lxc_error *err)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);

	sk->fd = -1;
	if (fd < 0)
		return error_sys(err, errno, "failed to open a netlink socket");
	return nl_setup(sk, fd, protocol, err);
}

int nl_open_in_netns(struct nl_sock *sk, int protocol, int netns_fd, struct lxc_error *err)
{
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int fd, e;

	sk->fd = -1;
	if (self < 0)
		return error_sys(err, errno, "failed to open /proc/thread-self/ns/net");
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return error_sys(err, errno, "failed to enter the network namespace");
	/* a socket stays bound to the namespace it was created in */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
	e = errno;
	if (setns(self, CLONE_NEWNET) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		return error_sys(err, e, "failed to return to the original network namespace");
	}
	if (fd < 0)
		return error_sys(err, e, "failed to open a netlink socket in the network namespace");
	return nl_setup(sk, fd, protocol, err);
}

void nl_close(struct nl_sock *sk)
{
	if (sk->fd >= 0)
		close(sk->fd);
	sk->fd = -1;
}

/* ---- building ------------------------------------------------------------------ */

static void nl_msg_grow(struct nl_msg *m, size_t extra)
{
	size_t need = m->len + NLMSG_ALIGN(extra);

	if (need <= m->cap)
		return;
	while (m->cap < need)
		m->cap = m->cap ? m->cap * 2 : 256;
	m->buf = xrealloc(m->buf, m->cap);
}

void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *h;

	m->buf = NULL;
	m->len = m->cap = 0;
	nl_msg_grow(m, NLMSG_HDRLEN);
	memset(m->buf, 0, NLMSG_HDRLEN);
	m->len = NLMSG_HDRLEN;
	h = nl_msg_hdr(m);
	h->nlmsg_len = m->len;
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
}

void nl_msg_free(struct nl_msg *m)
{
	free(m->buf);
	m->buf = NULL;
	m->len = m->cap = 0;
}

struct nlmsghdr *nl_msg_hdr(const struct nl_msg *m)
{
	return (struct nlmsghdr *)m->buf;
}

void *nl_msg_reserve(struct nl_msg *m, size_t len)
{
	void *p;

	nl_msg_grow(m, len);
	p = m->buf + m->len;
	memset(p, 0, NLMSG_ALIGN(len));
	m->len += NLMSG_ALIGN(len);
	nl_msg_hdr(m)->nlmsg_len = m->len;
	return p;
}

void nl_attr_put(struct nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = nl_msg_reserve(m, NLA_HDRLEN + len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
}

void nl_attr_put_u8(struct nl_msg *m, uint16_t type, uint8_t v)
{
	nl_attr_put(m, type, &v, sizeof(v));
}

void nl_attr_put_u16(struct nl_msg *m, uint16_t type, uint16_t v)
{
	nl_attr_put(m, type, &v, sizeof(v));
}

void nl_attr_put_u32(struct nl_msg *m, uint16_t type, uint32_t v)
{
	nl_attr_put(m, type, &v, sizeof(v));
}

void nl_attr_put_s32(struct nl_msg *m, uint16_t type, int32_t v)
{
	nl_attr_put(m, type, &v, sizeof(v));
}

void nl_attr_put_str(struct nl_msg *m, uint16_t type, const char *s)
{
	nl_attr_put(m, type, s, strlen(s) + 1);
}

size_t nl_nest_start(struct nl_msg *m, uint16_t type)
{
	size_t off = m->len;

	nl_attr_put(m, type | NLA_F_NESTED, NULL, 0);
	return off;
}

void nl_nest_end(struct nl_msg *m, size_t nest)
{
	struct nlattr *a = (struct nlattr *)(m->buf + nest);

	a->nla_len = m->len - nest;
}

/* ---- parsing --------------------------------------------------------------------- */

const struct nlattr *nl_attr_next(const struct nlattr *a, size_t *remaining)
{
	size_t step = NLA_ALIGN(a->nla_len);

	if (step >= *remaining) {
		*remaining = 0;
		return NULL;
	}
	*remaining -= step;
	return (const struct nlattr *)((const char *)a + step);
}

int nl_attr_parse(const void *data, size_t len, const struct nlattr **tb, int max)
{
	const struct nlattr *a = data;

	memset(tb, 0, sizeof(*tb) * (size_t)(max + 1));
	while (len >= NLA_HDRLEN) {
		uint16_t type;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -1;
		type = a->nla_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = a;
		a = nl_attr_next(a, &len);
		if (!a)
			return 0;
	}
	return len == 0 ? 0 : -1;
}

bool nl_attr_get_u8(const struct nlattr *a, uint8_t *v)
{
	if (!a || nl_attr_len(a) < sizeof(*v))
		return false;
	memcpy(v, nl_attr_data(a), sizeof(*v));
	return true;
}

bool nl_attr_get_u16(const struct nlattr *a, uint16_t *v)
{
	if (!a || nl_attr_len(a) < sizeof(*v))
		return false;
	memcpy(v, nl_attr_data(a), sizeof(*v));
	return true;
}

bool nl_attr_get_u32(const struct nlattr *a, uint32_t *v)
{
	if (!a || nl_attr_len(a) < sizeof(*v))
		return false;
	memcpy(v, nl_attr_data(a), sizeof(*v));
	return true;
}

bool nl_attr_get_u64(const struct nlattr *a, uint64_t *v)
{
	if (!a || nl_attr_len(a) < sizeof(*v))
		return false;
	memcpy(v, nl_attr_data(a), sizeof(*v));
	return true;
}

bool nl_attr_get_str(const struct nlattr *a, char *buf, size_t size)
{
	size_t n;

	if (!a || size == 0)
		return false;
	n = strnlen(nl_attr_data(a), nl_attr_len(a));
	if (n >= size)
		n = size - 1;
	memcpy(buf, nl_attr_data(a), n);
	buf[n] = '\0';
	return true;
}

const void *nl_msg_attrs(const struct nlmsghdr *h, size_t hdrlen, size_t *len)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);

	if (h->nlmsg_len < off) {
		*len = 0;
		return NULL;
	}
	*len = h->nlmsg_len - off;
	return (const char *)h + off;
}

/* The errno of an NLMSG_ERROR/NLMSG_DONE: negative from the kernel; nonsense (a value no
 * errno has) becomes EPROTO. */
static int nl_errno(int code)
{
	long v = code < 0 ? -(long)code : (long)code;

	return v > 4095 ? EPROTO : (int)v;
}

/* The TLVs after an NLMSG_ERROR/NLMSG_DONE payload: the message text and the offset of
 * the attribute the kernel disliked. */
static void nl_parse_extack(const void *tlvs, size_t len, struct nl_reply *out)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	uint32_t offs;

	nl_attr_parse(tlvs, len, tb, NLMSGERR_ATTR_MAX);
	if (tb[NLMSGERR_ATTR_MSG])
		nl_attr_get_str(tb[NLMSGERR_ATTR_MSG], out->msg, sizeof(out->msg));
	if (nl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS], &offs))
		out->bad_attr_offset = offs;
}

static enum nl_reply_status nl_parse_error(const struct nlmsghdr *h, struct nl_reply *out,
					   struct lxc_error *err)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	size_t payload = h->nlmsg_len - NLMSG_HDRLEN, tlv_off;
	int code;

	if (payload < sizeof(*e))
		return error_set(err, "truncated netlink error message"), NL_REPLY_ERROR;
	memcpy(&code, &e->error, sizeof(code));
	if (code == 0)
		return NL_REPLY_DONE;
	out->code = nl_errno(code);
	tlv_off = sizeof(*e);
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		/* the whole offending request is echoed before the TLVs */
		uint32_t echoed = e->msg.nlmsg_len;

		if (echoed < NLMSG_HDRLEN || echoed - NLMSG_HDRLEN > payload - tlv_off)
			echoed = NLMSG_HDRLEN;
		tlv_off += NLMSG_ALIGN(echoed - NLMSG_HDRLEN);
	}
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && tlv_off < payload)
		nl_parse_extack((const char *)e + tlv_off, payload - tlv_off, out);
	return NL_REPLY_ERROR;
}

enum nl_reply_status nl_reply_process(const void *buf, size_t len, uint32_t seq, nl_msg_cb cb,
				      void *arg, struct nl_reply *out, struct lxc_error *err)
{
	const struct nlmsghdr *h = buf;
	size_t left = len, step;

	for (; left > 0; left -= step, h = (const struct nlmsghdr *)((const char *)h + step)) {
		if (left < NLMSG_HDRLEN || h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > left) {
			error_set(err, "malformed netlink reply (%zu stray bytes)", left);
			return NL_REPLY_ERROR;
		}
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step > left)
			step = left;
		if (h->nlmsg_seq != seq)
			continue;
		switch (h->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_ERROR:
			return nl_parse_error(h, out, err);
		case NLMSG_DONE: {
			size_t payload = h->nlmsg_len - NLMSG_HDRLEN;
			int code = 0;

			/* a dump that failed midway reports the errno (and TLVs) here */
			if (payload >= sizeof(code))
				memcpy(&code, NLMSG_DATA(h), sizeof(code));
			if (code == 0)
				return NL_REPLY_DONE;
			out->code = nl_errno(code);
			if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && payload > sizeof(code))
				nl_parse_extack((const char *)NLMSG_DATA(h) + sizeof(code),
						payload - sizeof(code), out);
			return NL_REPLY_ERROR;
		}
		default:
			if (h->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			if (cb && cb(h, arg, err) < 0)
				return NL_REPLY_ERROR;
		}
	}
	return NL_REPLY_MORE;
}

static int nl_send(struct nl_sock *sk, struct nl_msg *m, struct lxc_error *err)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h = nl_msg_hdr(m);
	ssize_t n;

	h->nlmsg_seq = ++sk->seq;
	h->nlmsg_pid = sk->portid;
	do
		n = sendto(sk->fd, m->buf, m->len, 0, (struct sockaddr *)&kernel, sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return error_sys(err, errno, "failed to send a netlink request");
	return 0;
}

/* Read datagrams until the reply to the last request is complete: its ack (requests
 * always ask for one) or the end of the dump. */
static int nl_receive(struct nl_sock *sk, nl_msg_cb cb, void *arg, struct lxc_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0;

	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov;
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1 };
		struct nl_reply reply = { 0 };
		enum nl_reply_status st;
		ssize_t n;

		/* learn the size first: a dump part can exceed any fixed buffer we pick */
		iov.iov_base = buf;
		iov.iov_len = 0;
		do
			n = recvmsg(sk->fd, &mh, MSG_PEEK | MSG_TRUNC);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return error_sys(err, errno, "failed to read a netlink reply");
		if ((size_t)n > cap) {
			cap = (size_t)n;
			free(buf);
			buf = xmalloc(cap);
		}
		iov.iov_base = buf;
		iov.iov_len = cap;
		mh.msg_namelen = sizeof(from);
		do
			n = recvmsg(sk->fd, &mh, 0);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return error_sys(err, errno, "failed to read a netlink reply");
		if (mh.msg_flags & MSG_TRUNC)
			return error_set(err, "netlink reply truncated");
		if (from.nl_pid != 0)
			continue; /* not from the kernel */
		st = nl_reply_process(buf, (size_t)n, sk->seq, cb, arg, &reply, err);
		if (st == NL_REPLY_DONE)
			return 0;
		if (st == NL_REPLY_ERROR) {
			if (reply.code == 0)
				return -1; /* err already says what went wrong */
			if (reply.msg[0])
				return error_sys(err, reply.code, "%s", reply.msg);
			error_set(err, "%s", strerror(reply.code));
			if (err)
				err->code = reply.code;
			return -1;
		}
	}
}

int nl_transact(struct nl_sock *sk, struct nl_msg *m, struct lxc_error *err)
{
	nl_msg_hdr(m)->nlmsg_flags |= NLM_F_ACK;
	if (nl_send(sk, m, err) < 0)
		return -1;
	return nl_receive(sk, NULL, NULL, err);
}

int nl_query(struct nl_sock *sk, struct nl_msg *m, nl_msg_cb cb, void *arg, struct lxc_error *err)
{
	struct nlmsghdr *h = nl_msg_hdr(m);
	bool dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	if (!dump)
		h->nlmsg_flags |= NLM_F_ACK;
	if (nl_send(sk, m, err) < 0)
		return -1;
	return nl_receive(sk, cb, arg, err);
}
