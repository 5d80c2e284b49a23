/* lxc-device: host device nodes and network interfaces handed to a running container
 * (device.c: requests and nodes; device_net.c: interfaces).
 *
 * Who does the work (the choice the design asks to document): the container's monitor,
 * asked over its command socket (CMD_DEVICE). It holds what the job needs without a
 * lookup that could race: init's pidfd (setns on it joins the right mount namespace even
 * if the pid were reused), the container's cgroup context, and its network record, into
 * which moved interfaces are written so that the monitor's teardown (net_teardown) and,
 * after a monitor crash, the guard give them back. It also serialises concurrent
 * lxc-device calls (the v2 device program is rebuilt from the rule list each time).
 *
 * A node is created by a child of the monitor that joins only the container's mount
 * namespace (setns(init_pidfd, CLONE_NEWNS): root and cwd become the container's root),
 * opens the parent directory with safe_path (openat2 RESOLVE_IN_ROOT, nothing resolves
 * outside that root, no magic links) and mknodat()s relative to it: the container cannot
 * redirect the node to a host path with a symlink. */
#ifndef LXC_DEVICE_H
#define LXC_DEVICE_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "net.h"

/* Index given to interfaces moved by lxc-device in the network record (the configured
 * NICs are lxc.net.0..N); only shows in teardown warnings. */
#define DEVICE_NET_INDEX_BASE 1000

enum device_op {
	DEVICE_ADD,
	DEVICE_DEL,
};

struct device_request {
	enum device_op op;
	char *dev;       /* a host path ("/dev/net/tun") or an interface name ("eth1") */
	char *dest;      /* the path or name in the container; NULL: the same as dev */
};

/* The CMD_DEVICE text: "add|del", DEV and DEST on separate lines. */
char *device_request_format(const struct device_request *r);
int device_request_parse(struct device_request *r, const char *text, struct lxc_error *err);
void device_request_free(struct device_request *r);
/* A path (it has a '/') names a device node; anything else a network interface. */
bool device_request_is_node(const struct device_request *r);

/* The running container as its monitor knows it. */
struct device_target {
	const char *name;
	pid_t init_pid;
	int init_pidfd;
	int clone_flags;             /* CLONE_NEW* it was started with */
	struct cgroup_ctx *cgroup;
	struct net_state *net;       /* moved interfaces are recorded here (NET_PHYS records) */
};

/* Monitor side: carry out one CMD_DEVICE request. *out gets what was done ("added ...").
 * Errors name the cause: not a device node, no such device or interface, destination
 * exists, interface in another namespace... */
int device_handle(struct device_target *t, const char *request, char **out, struct lxc_error *err);

/* Device nodes: "c 10:200 rwm" for a character device node's mode and rdev. */
char *device_rule(mode_t mode, dev_t rdev);
int device_node_add(struct device_target *t, const char *host_path, const char *dest, char **out,
		    struct lxc_error *err);
int device_node_del(struct device_target *t, const char *host_path, const char *dest, char **out,
		    struct lxc_error *err);

/* Interfaces (device_net.c): moved into the container's network namespace as dest (NULL:
 * same name), up again if it was up, and recorded; del moves it back under dest, else the
 * name it had on the host, else its name in the container. */
int device_net_add(struct device_target *t, const char *ifname, const char *dest, char **out,
		   struct lxc_error *err);
int device_net_del(struct device_target *t, const char *ifname, const char *dest, char **out,
		   struct lxc_error *err);

#endif
