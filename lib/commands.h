/* The monitor's command socket: a SOCK_SEQPACKET path socket in a root-only
 * directory; one request and one response per packet, an fd may ride along. */
#ifndef LXC_COMMANDS_H
#define LXC_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum lxc_cmd {
	CMD_GET_STATE = 1,    /* ret = enum lxc_state */
	CMD_GET_INIT_PID,     /* ret = init's pid (host pid namespace) */
	CMD_GET_CGROUP,       /* data = serialised cgroup context */
	CMD_GET_CONFIG_ITEM,  /* in: key; data = value */
	CMD_GET_NET,          /* data = serialised network state */
	CMD_SIGNAL,           /* arg = signal number sent to init, or CMD_SIGNAL_HALT/REBOOT */
	CMD_STOP,             /* kill init with lxc.signal.stop; ret once sent */
	CMD_FREEZE,           /* ret once FROZEN */
	CMD_UNFREEZE,
	CMD_CONSOLE,          /* arg = tty number (-1 any free, 0 console); fd = pty master */
	CMD_GET_NAME,
	CMD_GET_LXCPATH,
	CMD_GET_CLONE_FLAGS,  /* ret = CLONE_NEW* the container was started with */
	CMD_DEVICE,           /* lxc-device: in "add|del\nDEV\n[DEST\n]" (device_request_format) */
	CMD_CHECKPOINT,       /* lxc-checkpoint: in "key=value" lines (lib/checkpoint.c); ret once CRIU is done */
	CMD_COUNT,
};

/* CMD_SIGNAL arguments naming the configured signal (lxc.signal.halt/reboot) */
#define CMD_SIGNAL_HALT (-1)
#define CMD_SIGNAL_REBOOT (-2)

#define CMD_DATA_MAX 65000

struct cmd_request {
	uint32_t cmd;
	int32_t arg;
	uint32_t len;         /* bytes of data that follow */
};

struct cmd_response {
	int32_t ret;          /* >= 0 success (value), < 0 -errno */
	uint32_t len;         /* bytes of data that follow (a NUL-terminated string) */
};

/* Client side. Returns a connected fd, or -1 with err->code ENOENT/ECONNREFUSED when no
 * monitor runs (i.e. the container is STOPPED). */
int cmd_connect(const char *socket_path, struct lxc_error *err);
/* One round trip. *data (may be NULL) gets the response text (malloc'd); *fd (may be NULL)
 * a received fd or -1. Returns the response's ret, or -1 with err set on transport errors
 * (a negative ret from the monitor is returned as is, with err set from it too). */
int cmd_call(int fd, enum lxc_cmd cmd, int arg, const char *in, char **data, int *recv_fd,
	     struct lxc_error *err);
/* connect + call + close; ENOENT/ECONNREFUSED when no monitor. */
int cmd_call_once(const char *socket_path, enum lxc_cmd cmd, int arg, const char *in, char **data,
		  struct lxc_error *err);

/* Server side. */
int cmd_listen(const char *socket_path, struct lxc_error *err);
/* Read one request from a client; *in gets the data (malloc'd, NUL-terminated).
 * Returns 0, or -1 on EOF/error (close the client). Peer credentials are checked on accept. */
int cmd_read_request(int client, struct cmd_request *req, char **in);
int cmd_send_response(int client, int ret, const char *data, int send_fd);
/* accept4 + peer credential check (root or our own uid); -1 when refused. */
int cmd_accept(int listen_fd);

#endif
