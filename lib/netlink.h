/* A small rtnetlink client: a socket (optionally inside another network namespace),
 * messages built with attributes and nests, and request/ack with the kernel's error text. */
#ifndef LXC_NETLINK_H
#define LXC_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "error.h"

struct nl_sock {
	int fd;
	int protocol;
	uint32_t seq;
	uint32_t portid;
};

/* Open a netlink socket (NETLINK_ROUTE...) in the caller's network namespace, with
 * extended acks on so that errors carry the kernel's own explanation. */
int nl_open(struct nl_sock *sk, int protocol, struct lxc_error *err);
/* Same, but the socket lives in the network namespace netns_fd refers to (an nsfs fd);
 * the calling thread enters it only for the socket() call. */
int nl_open_in_netns(struct nl_sock *sk, int protocol, int netns_fd, struct lxc_error *err);
void nl_close(struct nl_sock *sk);

/* A message under construction: one nlmsghdr, then a family header, then attributes. */
struct nl_msg {
	unsigned char *buf;
	size_t len;
	size_t cap;
};

void nl_msg_init(struct nl_msg *m, uint16_t type, uint16_t flags);
void nl_msg_free(struct nl_msg *m);
struct nlmsghdr *nl_msg_hdr(const struct nl_msg *m);
/* Append len zeroed bytes (padded to 4) and return them: the family header. */
void *nl_msg_reserve(struct nl_msg *m, size_t len);
void nl_attr_put(struct nl_msg *m, uint16_t type, const void *data, size_t len);
void nl_attr_put_u8(struct nl_msg *m, uint16_t type, uint8_t v);
void nl_attr_put_u16(struct nl_msg *m, uint16_t type, uint16_t v);
void nl_attr_put_u32(struct nl_msg *m, uint16_t type, uint32_t v);
void nl_attr_put_s32(struct nl_msg *m, uint16_t type, int32_t v);
void nl_attr_put_str(struct nl_msg *m, uint16_t type, const char *s);
/* Nests: start returns a handle that end() closes (fills in the length). */
size_t nl_nest_start(struct nl_msg *m, uint16_t type);
void nl_nest_end(struct nl_msg *m, size_t nest);

/* Attribute access on received messages. */
const struct nlattr *nl_attr_next(const struct nlattr *a, size_t *remaining);
/* Index the attributes in [data, data+len) by type into tb[0..max] (unknown types and
 * malformed tails are skipped; later duplicates win). Returns 0, or -1 when the block
 * is malformed (tb still holds what came before the damage). */
int nl_attr_parse(const void *data, size_t len, const struct nlattr **tb, int max);
static inline const void *nl_attr_data(const struct nlattr *a) { return (const char *)a + NLA_HDRLEN; }
static inline size_t nl_attr_len(const struct nlattr *a) { return a->nla_len - NLA_HDRLEN; }
/* Typed getters: false when the attribute is absent or too short. */
bool nl_attr_get_u8(const struct nlattr *a, uint8_t *v);
bool nl_attr_get_u16(const struct nlattr *a, uint16_t *v);
bool nl_attr_get_u32(const struct nlattr *a, uint32_t *v);
bool nl_attr_get_u64(const struct nlattr *a, uint64_t *v);
/* Copies a string attribute into buf (NUL-terminated, truncated); false when absent. */
bool nl_attr_get_str(const struct nlattr *a, char *buf, size_t size);
/* The attributes following a family header of hdrlen bytes in message h. */
const void *nl_msg_attrs(const struct nlmsghdr *h, size_t hdrlen, size_t *len);

/* Called for each data message of a reply; return <0 to stop with that error (the
 * callback sets err), 0 to go on. */
typedef int (*nl_msg_cb)(const struct nlmsghdr *h, void *arg, struct lxc_error *err);

/* The outcome of one received datagram (pure: used by the fuzz target). */
enum nl_reply_status {
	NL_REPLY_MORE = 0,  /* keep reading */
	NL_REPLY_DONE = 1,  /* ack or end of dump reached */
	NL_REPLY_ERROR = -1, /* kernel error (code, text) or malformed reply */
};
struct nl_reply {
	int code;           /* errno from NLMSG_ERROR (positive), 0 when none */
	char msg[256];      /* extended ack text, "" when the kernel gave none */
	uint32_t bad_attr_offset; /* NLMSGERR_ATTR_OFFS, 0 when none */
};
/* Walk the messages of one datagram: skip those of other sequence numbers, call cb
 * for data, stop at NLMSG_ERROR/NLMSG_DONE. cb may be NULL. */
enum nl_reply_status nl_reply_process(const void *buf, size_t len, uint32_t seq, nl_msg_cb cb,
				      void *arg, struct nl_reply *out, struct lxc_error *err);

/* Send m with NLM_F_ACK and wait for the ack. On a kernel error, err reads
 * "<strerror>" or "<extack text> (<strerror>)" and err->code is the errno. */
int nl_transact(struct nl_sock *sk, struct nl_msg *m, struct lxc_error *err);
/* Send m (a GET, with or without NLM_F_DUMP) and call cb for every answer. */
int nl_query(struct nl_sock *sk, struct nl_msg *m, nl_msg_cb cb, void *arg, struct lxc_error *err);

#endif
