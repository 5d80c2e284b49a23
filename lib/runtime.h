/* Where a running container's runtime files live (/run/lxc/c/<hash>.*) and the
 * lock its monitor holds for its whole life (flock: the kernel drops it on death). */
#ifndef LXC_RUNTIME_H
#define LXC_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"

/* FNV-1a 64 of "lxcpath/name" (or of lxcpath alone when name is NULL). */
uint64_t runtime_hash(const char *lxcpath, const char *name);

struct runtime_paths {
	char *dir;       /* /run/lxc/c, 0700, shared by all containers and kept: a directory
			  * made and removed per start costs a block (and a discard) */
	char *command;   /* <dir>/<hash>.command: the monitor's command socket */
	char *state;     /* <dir>/<hash>.state: what to undo after a monitor crash */
	char *lock;      /* /run/lxc/lock/<hash> */
};

void runtime_paths_init(struct runtime_paths *p, const char *lxcpath, const char *name);
void runtime_paths_free(struct runtime_paths *p);

/* Take the container's lock. Returns the lock fd, or -1: err->code EWOULDBLOCK when
 * another monitor holds it. The fd is not close-on-exec-safe to share: callers pass
 * it to the processes that must keep it held. */
int runtime_lock(const struct runtime_paths *p, struct lxc_error *err);
/* Release a lock taken by runtime_lock and remove its file. Only the last process that
 * holds the lock may call it (a copy of fd elsewhere keeps the lock held, and whoever
 * locks after the removal gets a new file). */
void runtime_unlock(const struct runtime_paths *p, int fd);
/* Whether the lock file at its path is still the one fd holds: a monitor's last step is to
 * remove it, so a guard that finds it there knows its monitor died before the end. */
bool runtime_lock_file_is(const struct runtime_paths *p, int fd);
/* Whether some process holds the lock right now. */
bool runtime_is_locked(const struct runtime_paths *p);

/* /run/lxc/NAME.<boot id>: a cache that must not outlive the boot, although /run is not
 * a tmpfs on every host; NULL when the boot id cannot be read. */
char *runtime_boot_cache_path(const char *name);
/* Removes the caches /run/lxc/NAME.* of other boots than keep's. */
void runtime_boot_cache_drop_others(const char *name, const char *keep);

#endif
