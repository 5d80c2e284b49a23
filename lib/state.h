/* Container states as LXC defines them, and state-change events: each monitor
 * sends a datagram to every listener bound in the lxcpath's event directory. */
#ifndef LXC_STATE_H
#define LXC_STATE_H

#include <stdbool.h>

#include "error.h"

enum lxc_state {
	STATE_STOPPED,
	STATE_STARTING,
	STATE_RUNNING,
	STATE_STOPPING,
	STATE_ABORTING,
	STATE_FREEZING,
	STATE_FROZEN,
	STATE_THAWED,
	STATE_COUNT,
};

const char *state_name(int state);
int state_parse(const char *s);            /* "RUNNING" -> STATE_RUNNING, -1 unknown */
/* "RUNNING|FROZEN" -> bit mask of (1 << state); -1 with err on an unknown name. */
int state_parse_mask(const char *s, unsigned *mask, struct lxc_error *err);

enum event_type {
	EVENT_STATE,       /* value = enum lxc_state */
	EVENT_EXIT,        /* value = init's exit code (128 + signal when killed) */
};

struct lxc_event {
	int type;
	int value;
	char name[256];    /* container name */
};

/* The per-lxcpath directory that listeners bind in (created 0700 on demand). */
char *event_dir(const char *lxcpath);
/* Send an event to every listener of lxcpath; dead listeners are removed. */
void event_broadcast(const char *lxcpath, const char *name, int type, int value);

struct event_listener {
	int fd;
	char *path;
};
int event_listen(struct event_listener *l, const char *lxcpath, struct lxc_error *err);
/* Wait up to timeout_ms (-1 forever) for one event; returns 1 with ev filled, 0 on timeout. */
int event_receive(struct event_listener *l, struct lxc_event *ev, int timeout_ms, struct lxc_error *err);
void event_unlisten(struct event_listener *l);

#endif
