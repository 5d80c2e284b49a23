/* lxc-checkpoint: a running container saved to an images directory with CRIU and brought
 * back from it, here or on another host. This is what the applet calls; the work is done by
 * the container's monitor (checkpoint_dump.c, restore.c).
 *
 * Design (why the monitor drives CRIU):
 *  - Dump: the applet sends CMD_CHECKPOINT; the running container's monitor runs
 *    `criu swrk` itself. It holds what CRIU must be told (the pty masters of the console
 *    and ttys, the host ends of the veths and their bridges, the cgroup paths, the mount
 *    plan), answers CRIU's notifications (network lock: the host veth leaves its bridge;
 *    unlock: it joins again), and no lxc-freeze or lxc-stop can run in the middle of a dump.
 *    With -s, CRIU kills the container after the dump and the monitor tears down as for
 *    any exit; the applet returns once the container is STOPPED.
 *  - Restore: lxc-checkpoint -r runs the normal start (lock, guard, monitor, state file,
 *    cgroups, fresh console and tty ptys, command socket, events, teardown) with one step
 *    swapped: instead of cloning init, the monitor asks CRIU to restore the tree with
 *    rst_sibling, so the restored init is the monitor's own child, as a cloned one is.
 *  - The console and ttys are host ptys whose masters stay in the monitor: the dump
 *    declares them external (tty[rdev:dev] and their bind mounts), the restore hands CRIU
 *    new ptys (inherit_fd, and ext mounts mapped to the new /dev/pts/N).
 *  - Bind mounts from the host (lxc.mount.entry binds: /lib, /usr/lib...) are external
 *    mounts keyed by their place in the container, mapped back on restore to the source
 *    of the restoring host's config resolved with realpath (a merged-/usr /lib is a
 *    symlink; CRIU's mount-v2 refuses to bind it, which is where LXC 5's restore fails).
 *  - CRIU's own network lock (iptables) is not used: the monitor detaches the host veths
 *    from their bridges instead, and on restore attaches them only at network-unlock.
 *  - A container without NICs whose network namespace is still as a new one (lo up,
 *    nothing else: netns_fingerprint.c compares it with a new one while the container is
 *    frozen) is dumped with CRIU's empty_ns: CRIU's namespace dump runs ip and iptables
 *    about ten times (~80 ms of a 185 ms dump, ~115 ms of a restore). The restore gets a
 *    new namespace, and lo is brought up at setup-namespaces, before sockets come back.
 *    Any difference (an address, route, rule, nftables or iptables table, conf sysctl, a
 *    process in another netns) and CRIU dumps the namespace whole, as LXC does.
 *  - The container is frozen before CRIU starts, never in the middle of a vfork (the
 *    parent would wait in the kernel, where CRIU cannot stop it): then thawed and frozen
 *    again until the child has exec'd.
 *
 * The images directory is self-describing: besides CRIU's images it holds "lxc.config" (the
 * container's config text as the monitor runs it) and "lxc-checkpoint.meta" (format,
 * container, CRIU version, the external ttys, mounts and NICs, "netns fresh"). A restore
 * refuses a directory made by another CRIU version or for another config. */
#ifndef LXC_CHECKPOINT_H
#define LXC_CHECKPOINT_H

#include <stdbool.h>

#include "error.h"
#include "start.h"
#include "sysconf.h"

/* The file names inside an images directory. */
#define CHECKPOINT_META "lxc-checkpoint.meta"
#define CHECKPOINT_CONFIG "lxc.config"

/* What lxc-checkpoint asks the monitor for (CMD_CHECKPOINT), and what a restore needs. */
struct checkpoint_request {
	const char *dir;            /* -D, absolute */
	bool stop;                  /* -s: the container stops after the dump */
	bool verbose;               /* -v: CRIU logs at level 4 */
	bool predump;               /* -p: memory only; the container keeps running */
	const char *predump_dir;    /* --predump-dir: earlier images, relative to dir */
	const char *action_script;  /* -A: run on each CRIU notification */
	const char *page_server;    /* --page-server HOST:PORT: pages go there, not to dir */
	const char *criu;           /* the criu binary (resolved by the caller), NULL: search */
};

/*
 * lxc-checkpoint (dump, pre-dump): the container must be running. Creates dir when
 * missing and asks the monitor to dump. With req->stop, returns once the container is
 * STOPPED. On failure the container is still RUNNING and err names CRIU's log and its
 * first "Error (...)" lines.
 */
int container_checkpoint(const char *lxcpath, const char *name, const struct checkpoint_request *req,
			 const struct lxc_sysconf *sc, struct lxc_error *err);

/*
 * Before a restore, without touching anything: dir holds a complete dump (not a pre-dump)
 * of this container, its config matches conf (the container may have moved to another
 * lxcpath: paths below <lxcpath>/<name> are compared relative to it), and the container
 * is stopped. conf is the config the restore will run with.
 */
int checkpoint_restore_check(const char *lxcpath, const char *name, const struct lxc_conf *conf,
			     const char *dir, struct lxc_error *err);

/* After a failed dump or restore whose error came from CRIU: when CRIU cannot work on this
 * system at all (criu_check_usable(): VERSION, then CRIU's own kernel checks), err becomes
 * that one line, followed by the operation's error. Otherwise err is left alone. */
void checkpoint_explain_failure(const char *criu, const struct lxc_sysconf *sc, struct lxc_error *err);

/* `lxc-checkpoint --page-server-listen [ADDR:]PORT -D DIR`: a CRIU page server that
 * writes the pages a dump sends (--page-server) into dir; returns when that dump is over. */
int checkpoint_page_server(const char *listen, const char *dir, const char *criu,
			   const struct lxc_sysconf *sc, struct lxc_error *err);

/* "HOST:PORT", "[v6]:PORT" or (listen) "PORT": host malloc'ed (NULL when absent). */
int checkpoint_parse_hostport(const char *s, bool host_required, char **host, int *port, struct lxc_error *err);

#endif
