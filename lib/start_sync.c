/* The setup handshake between monitor and child: small SEQPACKET messages
 * {step, text} that may carry one fd. */
#include <errno.h>
#include <sched.h>
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

static int unexpected(int step, int got, const char *buf, struct lxc_error *err)
{
	if (got == SYNC_ERROR)
		error_set(err, "%s", buf);
	else if (got == 0)
		error_set(err, "the other side of the start handshake exited");
	else if (got < 0)
		error_sys(err, errno, "start handshake failed");
	else
		error_set(err, "start handshake: expected step %d, got %d", step, got);
	return -1;
}

int sync_expect(int fd, int step, int *recv_fd, struct lxc_error *err)
{
	char buf[1024];
	int got = sync_recv(fd, buf, sizeof(buf), recv_fd);

	return got == step ? 0 : unexpected(step, got, buf, err);
}

int sync_expect_text(int fd, int step, char **text, int *recv_fd, struct lxc_error *err)
{
	char *buf = xmalloc(SYNC_TEXT_MAX);
	int got = sync_recv(fd, buf, SYNC_TEXT_MAX, recv_fd);

	*text = NULL;
	if (got == step) {
		*text = buf;
		return 0;
	}
	unexpected(step, got, buf, err);
	free(buf);
	return -1;
}

bool start_cgroup_mounts_inert(const struct start_ctx *ctx)
{
	for (size_t i = 0; i < ctx->plan.n; i++) {
		const struct mount_op *op = &ctx->plan.ops[i];

		if (op->kind == MOUNT_OP_CGROUP &&
		    (!ctx->cgroup || !cgroup_mount_auto_inert(ctx->cgroup, op->cgroup_flags, ctx->clone_flags & CLONE_NEWCGROUP)))
			return false;
	}
	return true;
}
