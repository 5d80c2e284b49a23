/* The setup handshake between monitor and child: small SEQPACKET messages
 * {step, text} that may carry one fd. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "start_internal.h"
#include "utils.h"

struct sync_head {
	int32_t step;
};

int sync_send(int fd, int step, const char *text, int send_fd)
{
	struct sync_head head = { .step = step };
	struct iovec iov[2] = {
		{ .iov_base = &head, .iov_len = sizeof(head) },
		{ .iov_base = (void *)(text ? text : ""), .iov_len = text ? strlen(text) : 0 },
	};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	if (send_fd >= 0) {
		struct cmsghdr *cmsg;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &send_fd, sizeof(int));
	}
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

int sync_recv(int fd, char *buf, size_t len, int *recv_fd)
{
	struct sync_head head;
	struct iovec iov[2] = {
		{ .iov_base = &head, .iov_len = sizeof(head) },
		{ .iov_base = buf, .iov_len = len - 1 },
	};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2,
			      .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	ssize_t n;

	if (recv_fd)
		*recv_fd = -1;
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < (ssize_t)sizeof(head)) {
		buf[0] = '\0';
		return n == 0 ? 0 : -1; /* 0: peer closed (exec'd or died) */
	}
	buf[n - sizeof(head)] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int got;

			memcpy(&got, CMSG_DATA(c), sizeof(int));
			if (recv_fd && *recv_fd < 0)
				*recv_fd = got;
			else
				close(got);
		}
	}
	return head.step;
}

int sync_expect(int fd, int step, int *recv_fd, struct lxc_error *err)
{
	char buf[1024];
	int got = sync_recv(fd, buf, sizeof(buf), recv_fd);

	if (got == step)
		return 0;
	if (got == SYNC_ERROR)
		return error_set(err, "%s", buf);
	if (got == 0)
		return error_set(err, "the other side of the start handshake exited");
	if (got < 0)
		return error_sys(err, errno, "start handshake failed");
	return error_set(err, "start handshake: expected step %d, got %d", step, got);
}
