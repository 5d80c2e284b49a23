/* The setup handshake between monitor and child: small SEQPACKET messages
 * {step, text} that may carry one fd. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fdpass.h"
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

	return fdpass_send(fd, iov, 2, send_fd) < 0 ? -1 : 0;
}

int sync_recv(int fd, char *buf, size_t len, int *recv_fd)
{
	struct sync_head head;
	struct iovec iov[2] = {
		{ .iov_base = &head, .iov_len = sizeof(head) },
		{ .iov_base = buf, .iov_len = len - 1 },
	};
	ssize_t n = fdpass_recv(fd, iov, 2, recv_fd, NULL);

	if (n < (ssize_t)sizeof(head)) {
		buf[0] = '\0';
		if (recv_fd && *recv_fd >= 0) {
			close(*recv_fd);
			*recv_fd = -1;
		}
		return n == 0 ? 0 : -1; /* 0: peer closed (exec'd or died) */
	}
	buf[n - sizeof(head)] = '\0';
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
