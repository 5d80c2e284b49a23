/* Command socket framing, client calls and server helpers. The socket lives in a
 * 0700 root directory and peers are checked with SO_PEERCRED: no abstract socket
 * that a container sharing the host's network namespace could reach. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "commands.h"
#include "fdpass.h"
#include "utils.h"

static int fill_addr(struct sockaddr_un *sun, const char *path, struct lxc_error *err)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return error_set(err, "socket path \"%s\" too long", path);
	strcpy(sun->sun_path, path);
	return 0;
}

int cmd_connect(const char *socket_path, struct lxc_error *err)
{
	struct sockaddr_un sun;
	int fd;

	if (fill_addr(&sun, socket_path, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_sys(err, errno, "failed to create socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int saved = errno;

		close(fd);
		return error_sys(err, saved, "failed to connect to \"%s\"", socket_path);
	}
	return fd;
}

static ssize_t send_packet(int fd, const void *head, size_t head_len, const char *data, size_t len, int send_fd)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)head, .iov_len = head_len },
		{ .iov_base = (void *)data, .iov_len = len },
	};

	return fdpass_send(fd, iov, len ? 2 : 1, send_fd);
}

/* Receive one packet: header into head, the rest into a malloc'd NUL-terminated buffer. */
static ssize_t recv_packet(int fd, void *head, size_t head_len, char **data, int *recv_fd)
{
	char *buf = xmalloc(head_len + CMD_DATA_MAX + 1);
	struct iovec iov = { .iov_base = buf, .iov_len = head_len + CMD_DATA_MAX };
	int truncated = 0;
	ssize_t n = fdpass_recv(fd, &iov, 1, recv_fd, &truncated);

	if (n < (ssize_t)head_len || truncated) {
		if (recv_fd && *recv_fd >= 0) {
			close(*recv_fd);
			*recv_fd = -1;
		}
		free(buf);
		if (n >= 0)
			errno = n == 0 ? ECONNRESET : EBADMSG;
		return -1;
	}
	memcpy(head, buf, head_len);
	memmove(buf, buf + head_len, n - head_len);
	buf[n - head_len] = '\0';
	*data = buf;
	return n - head_len;
}

int cmd_call(int fd, enum lxc_cmd cmd, int arg, const char *in, char **data, int *recv_fd,
	     struct lxc_error *err)
{
	struct cmd_request req = { .cmd = cmd, .arg = arg, .len = in ? strlen(in) : 0 };
	struct cmd_response rsp;
	char *buf = NULL;
	ssize_t n;

	if (data)
		*data = NULL;
	if (req.len > CMD_DATA_MAX)
		return error_set(err, "command data too long");
	if (send_packet(fd, &req, sizeof(req), in, req.len, -1) < 0)
		return error_sys(err, errno, "failed to send command to the monitor");
	n = recv_packet(fd, &rsp, sizeof(rsp), &buf, recv_fd);
	if (n < 0)
		return error_sys(err, errno, "failed to receive the monitor's answer");
	if (rsp.ret < 0) {
		if (*buf)
			error_set(err, "%s", buf);
		else
			error_sys(err, -rsp.ret, "the monitor refused the command");
		if (err)
			err->code = -rsp.ret;
	}
	if (data)
		*data = buf;
	else
		free(buf);
	return rsp.ret;
}

int cmd_call_once(const char *socket_path, enum lxc_cmd cmd, int arg, const char *in, char **data,
		  struct lxc_error *err)
{
	_cleanup_close_ int fd = cmd_connect(socket_path, err);

	if (fd < 0)
		return -1;
	return cmd_call(fd, cmd, arg, in, data, NULL, err);
}

int cmd_listen(const char *socket_path, struct lxc_error *err)
{
	struct sockaddr_un sun;
	int fd;

	if (fill_addr(&sun, socket_path, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return error_sys(err, errno, "failed to create command socket");
	unlink(socket_path); /* left by a crashed monitor; the lock proves it is gone */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 64) < 0) {
		int saved = errno;

		close(fd);
		return error_sys(err, saved, "failed to bind command socket \"%s\"", socket_path);
	}
	chmod(socket_path, 0600);
	return fd;
}

int cmd_accept(int listen_fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    (cred.uid != 0 && cred.uid != geteuid())) {
		close(fd);
		return -1;
	}
	return fd;
}

int cmd_read_request(int client, struct cmd_request *req, char **in)
{
	ssize_t n = recv_packet(client, req, sizeof(*req), in, NULL);

	if (n < 0)
		return -1;
	if ((size_t)n != req->len) {
		free(*in);
		*in = NULL;
		return -1;
	}
	return 0;
}

int cmd_send_response(int client, int ret, const char *data, int send_fd)
{
	struct cmd_response rsp = { .ret = ret, .len = data ? strlen(data) : 0 };

	if (rsp.len > CMD_DATA_MAX)
		rsp.len = CMD_DATA_MAX;
	return send_packet(client, &rsp, sizeof(rsp), data, rsp.len, send_fd) < 0 ? -1 : 0;
}
