/* The monitor's life while the container runs: one epoll loop over init's pidfd,
 * signals, the command socket and its clients, and the console. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint_internal.h"
#include "commands.h"
#include "device.h"
#include "log.h"
#include "start_internal.h"
#include "state.h"
#include "utils.h"

#define MAX_CLIENTS 64

enum { TAG_PIDFD = 1, TAG_SIGNAL, TAG_LISTEN, TAG_CONSOLE, TAG_PEER_IN, TAG_CLIENT_BASE = 100 };

struct client {
	int fd;
	int tty;          /* tty handed to this client, -1 none (0 = console) */
};

struct monitor {
	struct start_ctx *ctx;
	int epfd;
	int sigfd;
	struct client clients[MAX_CLIENTS];
	bool *tty_busy;   /* index 0 = console, 1..n = ttys */
};

static int pidfd_signal(struct start_ctx *ctx, int sig)
{
	return syscall(SYS_pidfd_send_signal, ctx->init_pidfd, sig, NULL, 0);
}

static void watch(struct monitor *m, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	/* EPERM: a regular file or /dev/null as stdin, which has nothing to wait for */
	if (fd >= 0 && epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 && errno != EPERM)
		WARN("epoll_ctl failed for fd %d: %s", fd, strerror(errno));
}

static void unwatch(struct monitor *m, int fd)
{
	if (fd >= 0)
		epoll_ctl(m->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static int freeze(struct monitor *m, bool on, struct lxc_error *err)
{
	struct start_ctx *ctx = m->ctx;

	if (on) {
		monitor_set_state(ctx, STATE_FREEZING);
		if (cgroup_freeze(ctx->cgroup, true, 30000, err) < 0) {
			monitor_set_state(ctx, STATE_RUNNING);
			return -1;
		}
		monitor_set_state(ctx, STATE_FROZEN);
		return 0;
	}
	if (cgroup_freeze(ctx->cgroup, false, 30000, err) < 0)
		return -1;
	monitor_set_state(ctx, STATE_THAWED);
	monitor_set_state(ctx, STATE_RUNNING);
	return 0;
}

/* lxc-console: hand out a pty master. tty -1 picks the first free tty, else the console. */
static int give_console(struct monitor *m, struct client *c, int tty, int *fd_out, struct lxc_error *err)
{
	struct start_ctx *ctx = m->ctx;
	int n = (int)ctx->n_ttys;

	if (tty < 0) {
		for (int i = 1; i <= n; i++)
			if (!m->tty_busy[i]) {
				tty = i;
				break;
			}
		if (tty < 0)
			tty = 0;
	}
	if (tty > n && ctx->opts->execute)
		return error_set(err, "tty %d does not exist (an lxc-execute container has no ttys)", tty);
	if (tty > n)
		return error_set(err, "tty %d does not exist (lxc.tty.max = %d)", tty, n);
	if (tty == 0 && ctx->console.master < 0)
		return error_set(err, "the container has no console (lxc.console.path = none)");
	if (m->tty_busy[tty])
		return error_set(err, "tty %d is busy", tty);
	m->tty_busy[tty] = true;
	c->tty = tty;
	if (tty == 0) {
		/* while a client holds the console, it reads it; we stop */
		unwatch(m, ctx->console.master);
		ctx->console.handed_out = true;
		*fd_out = ctx->console.master;
	} else {
		*fd_out = ctx->tty_masters[tty - 1];
	}
	return tty;
}

static void release_client(struct monitor *m, struct client *c)
{
	struct start_ctx *ctx = m->ctx;

	if (c->tty >= 0) {
		m->tty_busy[c->tty] = false;
		if (c->tty == 0 && ctx->console.master >= 0) {
			ctx->console.handed_out = false;
			watch(m, ctx->console.master, TAG_CONSOLE);
		}
	}
	unwatch(m, c->fd);
	close(c->fd);
	c->fd = -1;
	c->tty = -1;
}

/* lxc.net.N.veth.pair of a running container names the host end even when the kernel
 * chose it (LXC answers the same). */
static void running_veth_pair(const struct start_ctx *ctx, const char *key, char **out)
{
	_cleanup_free_ char *canon = conf_canonical_key(key);
	int index, end = 0;

	if (!canon || sscanf(canon, "lxc.net.%d.veth.pair%n", &index, &end) != 1 || canon[end])
		return;
	for (size_t i = 0; i < ctx->net.n_nics; i++) {
		if (ctx->net.nics[i].index == index && ctx->net.nics[i].host_ifname) {
			free(*out);
			*out = xstrdup(ctx->net.nics[i].host_ifname);
		}
	}
}

static void handle_request(struct monitor *m, struct client *c)
{
	struct start_ctx *ctx = m->ctx;
	struct cmd_request req;
	struct lxc_error err = { 0 };
	_cleanup_free_ char *in = NULL;
	_cleanup_free_ char *out = NULL;
	int ret = 0, send_fd = -1;

	if (cmd_read_request(c->fd, &req, &in) < 0) {
		release_client(m, c);
		return;
	}
	switch (req.cmd) {
	case CMD_GET_STATE:
		ret = ctx->state;
		break;
	case CMD_GET_INIT_PID:
		ret = ctx->init_pid;
		break;
	case CMD_GET_CGROUP:
		out = cgroup_ctx_serialize(ctx->cgroup);
		break;
	case CMD_GET_CONFIG_ITEM:
		ret = conf_get_item(ctx->conf, in, &out, &err);
		if (ret >= 0 && out && !out[0])
			running_veth_pair(ctx, in, &out);
		break;
	case CMD_GET_NET:
		out = net_state_serialize(&ctx->net);
		break;
	case CMD_SIGNAL: {
		int sig = req.arg;

		if (sig == CMD_SIGNAL_HALT)
			sig = ctx->conf->signal_halt ? ctx->conf->signal_halt : SIGPWR;
		else if (sig == CMD_SIGNAL_REBOOT)
			sig = ctx->conf->signal_reboot ? ctx->conf->signal_reboot : SIGINT;
		ret = pidfd_signal(ctx, sig);
		if (ret < 0)
			ret = error_sys(&err, errno, "failed to send signal %d to init", sig);
		break;
	}
	case CMD_STOP:
		ret = pidfd_signal(ctx, ctx->conf->signal_stop ? ctx->conf->signal_stop : SIGKILL);
		if (ret < 0)
			ret = error_sys(&err, errno, "failed to stop init");
		else if (ctx->state == STATE_FROZEN)
			ret = freeze(m, false, &err); /* a frozen task cannot act on the signal */
		break;
	case CMD_FREEZE:
		ret = ctx->state == STATE_FROZEN ? 0 : freeze(m, true, &err);
		break;
	case CMD_UNFREEZE:
		ret = ctx->state != STATE_FROZEN ? 0 : freeze(m, false, &err);
		break;
	case CMD_CONSOLE:
		ret = give_console(m, c, req.arg, &send_fd, &err);
		break;
	case CMD_GET_NAME:
		out = xstrdup(ctx->name);
		break;
	case CMD_GET_LXCPATH:
		out = xstrdup(ctx->lxcpath);
		break;
	case CMD_GET_CLONE_FLAGS:
		ret = ctx->clone_flags;
		break;
	case CMD_DEVICE: {
		/* moved interfaces land in ctx->net: start_teardown's net_teardown returns them */
		struct device_target dt = { .name = ctx->name, .init_pid = ctx->init_pid, .init_pidfd = ctx->init_pidfd,
					    .clone_flags = ctx->clone_flags, .cgroup = ctx->cgroup, .net = &ctx->net };
		struct lxc_error serr = { 0 };

		ret = device_handle(&dt, in, &out, &err);
		if (ret >= 0 && start_write_state(ctx, &serr) < 0)
			WARN("lxc-device: the crash record was not updated: %s", serr.msg);
		break;
	}
	case CMD_CHECKPOINT:
		ret = checkpoint_dump(ctx, in, &err);
		break;
	default:
		ret = error_set(&err, "unknown command %u", req.cmd);
		break;
	}
	if (ret < 0) {
		int code = err.code ? err.code : EINVAL;

		cmd_send_response(c->fd, -code, err.msg, -1);
		return;
	}
	cmd_send_response(c->fd, ret, out, send_fd);
}

static void accept_client(struct monitor *m)
{
	int fd = cmd_accept(m->ctx->cmd_fd);

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (m->clients[i].fd < 0) {
			m->clients[i].fd = fd;
			m->clients[i].tty = -1;
			watch(m, fd, TAG_CLIENT_BASE + i);
			return;
		}
	}
	close(fd); /* too many clients */
}

static void handle_signal(struct monitor *m)
{
	struct start_ctx *ctx = m->ctx;
	struct signalfd_siginfo si;

	while (read(m->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			continue; /* init's exit is seen on its pidfd */
		/* with lxc-execute, a terminal's ^C already reached init in our process group */
		if (ctx->opts->execute && si.ssi_signo == SIGINT)
			continue;
		DEBUG("forwarding signal %u to init", si.ssi_signo);
		pidfd_signal(ctx, si.ssi_signo);
	}
}

int monitor_run(struct start_ctx *ctx, struct lxc_error *err)
{
	struct monitor m = { .ctx = ctx };
	sigset_t set;
	int ret = 0;

	m.tty_busy = xzalloc((ctx->n_ttys + 1) * sizeof(bool));
	for (int i = 0; i < MAX_CLIENTS; i++)
		m.clients[i].fd = m.clients[i].tty = -1;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	m.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	m.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (m.sigfd < 0 || m.epfd < 0) {
		ret = error_sys(err, errno, "failed to set up the monitor loop");
		goto out;
	}
	watch(&m, ctx->init_pidfd, TAG_PIDFD);
	watch(&m, m.sigfd, TAG_SIGNAL);
	watch(&m, ctx->cmd_fd, TAG_LISTEN);
	watch(&m, ctx->console.master, TAG_CONSOLE);
	if (ctx->console.master >= 0 && ctx->console.peer_in >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG_PEER_IN };

		fcntl(ctx->console.peer_in, F_SETFL, fcntl(ctx->console.peer_in, F_GETFL) | O_NONBLOCK);
		/* a regular file or /dev/null cannot be polled (EPERM): it is always readable,
		 * so it is copied in now, up to its end */
		if (epoll_ctl(m.epfd, EPOLL_CTL_ADD, ctx->console.peer_in, &ev) < 0) {
			if (errno != EPERM)
				WARN("epoll_ctl failed for the console input: %s", strerror(errno));
			while (console_pump_input(&ctx->console) == 0)
				;
		}
	}
	while (!ctx->init_exited) {
		struct epoll_event evs[16];
		int n = epoll_wait(m.epfd, evs, ARRAY_SIZE(evs), -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = error_sys(err, errno, "epoll_wait failed");
			break;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			if (tag == TAG_PIDFD) {
				if (waitpid(ctx->init_pid, &ctx->init_status, WNOHANG) == ctx->init_pid)
					ctx->init_exited = true;
			} else if (tag == TAG_SIGNAL) {
				handle_signal(&m);
			} else if (tag == TAG_LISTEN) {
				accept_client(&m);
			} else if (tag == TAG_CONSOLE) {
				if (!ctx->console.handed_out && console_pump_output(&ctx->console) < 0)
					unwatch(&m, ctx->console.master); /* no slave open right now */
			} else if (tag == TAG_PEER_IN) {
				if (console_pump_input(&ctx->console) < 0)
					unwatch(&m, ctx->console.peer_in);
			} else if (tag >= TAG_CLIENT_BASE && tag < TAG_CLIENT_BASE + MAX_CLIENTS) {
				struct client *c = &m.clients[tag - TAG_CLIENT_BASE];

				if (c->fd >= 0)
					handle_request(&m, c);
			}
		}
	}
	/* drain what init printed last */
	if (ctx->console.master >= 0 && !ctx->console.handed_out)
		console_pump_output(&ctx->console);
	if (ctx->init_exited && WIFSIGNALED(ctx->init_status) && WTERMSIG(ctx->init_status) == SIGHUP)
		ctx->reboot = true;
out:
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (m.clients[i].fd >= 0)
			close(m.clients[i].fd);
	if (m.sigfd >= 0)
		close(m.sigfd);
	if (m.epfd >= 0)
		close(m.epfd);
	free(m.tty_busy);
	return ret;
}
