/* Fuzz target: the netlink reply parser (lib/netlink.c nl_reply_process, attribute and
 * extended-ack parsing) and the link/address decoders of lib/net.c fed by it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "netlink.h"

static int fuzz_cb(const struct nlmsghdr *h, void *arg, struct lxc_error *err)
{
	struct net_link l;
	struct net_addr a;

	(void)arg;
	(void)err;
	if (net_link_parse(h, &l) == 0 && l.kind[0] == '!')
		return -1; /* lets inputs also reach the stop-on-callback-error path */
	(void)net_addr_parse(h, &a);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lxc_error err = { 0 };
	struct nl_reply reply = { 0 };
	uint32_t seq = 0;
	void *buf;

	/* the first 4 bytes pick the sequence number answered; the kernel's buffers are aligned */
	if (size < 4)
		return 0;
	memcpy(&seq, data, 4);
	buf = malloc(size - 4 ? size - 4 : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 4, size - 4);
	(void)nl_reply_process(buf, size - 4, seq, fuzz_cb, NULL, &reply, &err);
	if (reply.msg[sizeof(reply.msg) - 1] != '\0')
		abort(); /* the extack text must stay terminated */
	free(buf);
	return 0;
}
