/* Which namespaces a container gets (lxc.namespace.clone/keep, idmaps, net type none)
 * and joining the ones it shares with another container or process. */
#ifndef LXC_NAMESPACE_H
#define LXC_NAMESPACE_H

#include <sys/types.h>

#include "conf.h"
#include "error.h"

/* "user", "mnt", "pid"... (the /proc/PID/ns/ names). */
const char *ns_proc_name(enum conf_ns ns);
int ns_clone_flag(enum conf_ns ns);
/* CLONE_NEW* flags for the container's init, with shared namespaces removed. */
int ns_clone_flags(const struct lxc_conf *conf, int *flags, struct lxc_error *err);
/* Open the namespaces named by lxc.namespace.share.* (container NAME in lxcpath, a PID
 * or a path); fds[ns] = -1 when not shared. Close with ns_close_all. */
int ns_open_shared(const struct lxc_conf *conf, const char *lxcpath, int fds[NS_COUNT], struct lxc_error *err);
/* setns() into every open fd except the pid namespace (joined by the monitor before clone). */
int ns_join_shared(const int fds[NS_COUNT], struct lxc_error *err);
void ns_close_all(int fds[NS_COUNT]);
/* Open /proc/PID/ns/<name> for each ns in flags; fds[ns] = -1 otherwise. */
int ns_open_pid(pid_t pid, int flags, int fds[NS_COUNT], struct lxc_error *err);

#endif
