/* Container states and state-change events. Events are datagrams sent by each
 * monitor to the listener sockets of its lxcpath: no daemon, nothing to poll. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"
#include "state.h"
#include "sysconf.h"
#include "utils.h"

static const char *const state_names[STATE_COUNT] = {
	"STOPPED", "STARTING", "RUNNING", "STOPPING", "ABORTING", "FREEZING", "FROZEN", "THAWED",
};

const char *state_name(int state)
{
	if (state < 0 || state >= STATE_COUNT)
		return "UNKNOWN";
	return state_names[state];
}

int state_parse(const char *s)
{
	for (int i = 0; i < STATE_COUNT; i++)
		if (strcasecmp(s, state_names[i]) == 0)
			return i;
	return -1;
}

int state_parse_mask(const char *s, unsigned *mask, struct lxc_error *err)
{
	struct strlist parts = { 0 };
	int ret = 0;

	*mask = 0;
	strlist_split(&parts, s, "| ");
	for (size_t i = 0; i < parts.len; i++) {
		int st = state_parse(parts.items[i]);

		if (st < 0) {
			ret = error_set(err, "invalid state \"%s\"", parts.items[i]);
			break;
		}
		*mask |= 1u << st;
	}
	if (ret == 0 && !*mask)
		ret = error_set(err, "no state given");
	strlist_clear(&parts);
	return ret;
}

char *event_dir(const char *lxcpath)
{
	return xasprintf("%s/events/%016llx", LXC_RUNDIR, (unsigned long long)runtime_hash(lxcpath, NULL));
}

void event_broadcast(const char *lxcpath, const char *name, int type, int value)
{
	_cleanup_free_ char *dir = event_dir(lxcpath);
	_cleanup_closedir_ DIR *d = opendir(dir);
	_cleanup_close_ int fd = -1;
	struct lxc_event ev = { .type = type, .value = value };
	struct dirent *de;

	if (!d)
		return;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return;
	snprintf(ev.name, sizeof(ev.name), "%s", name);
	while ((de = readdir(d))) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", dir, de->d_name) >= (int)sizeof(sun.sun_path))
			continue;
		if (sendto(fd, &ev, sizeof(ev), 0, (struct sockaddr *)&sun, sizeof(sun)) < 0 &&
		    errno == ECONNREFUSED)
			unlink(sun.sun_path); /* a listener that died without cleaning up */
	}
}

int event_listen(struct event_listener *l, const char *lxcpath, struct lxc_error *err)
{
	_cleanup_free_ char *dir = event_dir(lxcpath);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timespec ts;

	l->fd = -1;
	l->path = NULL;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	l->path = xasprintf("%s/%d-%ld", dir, (int)getpid(), (long)ts.tv_nsec);
	if (strlen(l->path) >= sizeof(sun.sun_path)) {
		event_unlisten(l);
		return error_set(err, "event socket path too long");
	}
	strcpy(sun.sun_path, l->path);
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		int saved = errno;

		event_unlisten(l);
		return error_sys(err, saved, "failed to listen for state events");
	}
	/* the last listener to leave removes the directory: it may vanish under us */
	for (int tries = 0;; tries++) {
		if (mkdir_p(dir, 0700, err) < 0) {
			event_unlisten(l);
			return -1;
		}
		if (bind(l->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			return 0;
		if (errno != ENOENT || tries == 10) {
			int saved = errno;

			event_unlisten(l);
			return error_sys(err, saved, "failed to listen for state events");
		}
	}
}

int event_receive(struct event_listener *l, struct lxc_event *ev, int timeout_ms, struct lxc_error *err)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return error_sys(err, errno, "failed to wait for state events");
	if (r == 0)
		return 0;
	n = recv(l->fd, ev, sizeof(*ev), 0);
	if (n != sizeof(*ev))
		return error_set(err, "malformed state event");
	ev->name[sizeof(ev->name) - 1] = '\0';
	return 1;
}

void event_unlisten(struct event_listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->path) {
		char *slash = strrchr(l->path, '/');

		unlink(l->path);
		/* fails while other listeners are there, as it should */
		*slash = '\0';
		rmdir(l->path);
	}
	free(l->path);
	l->fd = -1;
	l->path = NULL;
}
