/* One message on a unix socket with at most one file descriptor riding along
 * (SCM_RIGHTS): the command socket and the start handshake both use it. */
#ifndef LXC_FDPASS_H
#define LXC_FDPASS_H

#include <sys/types.h>
#include <sys/uio.h>

/* sendmsg of iov with send_fd attached when >= 0; retries EINTR, never SIGPIPE. */
ssize_t fdpass_send(int sock, const struct iovec *iov, int iovcnt, int send_fd);
/* recvmsg into iov; *recv_fd gets the first passed fd (close-on-exec) or -1, further
 * fds are closed. *truncated (may be NULL) tells whether the message did not fit. */
ssize_t fdpass_recv(int sock, struct iovec *iov, int iovcnt, int *recv_fd, int *truncated);

#endif
