/* Whether a network namespace holds anything a fresh one lacks: lxc-checkpoint then lets
 * CRIU skip the namespace's contents (its dump runs ip and iptables about ten times). */
#ifndef LXC_NETNS_FINGERPRINT_H
#define LXC_NETNS_FINGERPRINT_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "utils.h"

/* The calling thread's network namespace as sorted text lines: links (what CRIU restores
 * of them), addresses, routes of every table, rules, netns ids, nftables tables, legacy
 * iptables tables, the conf sysctls of all/default/lo, net.unix.max_dgram_qlen and
 * net.ipv4.ping_group_range. Counters and timers are left out. */
void netns_fingerprint(struct strlist *lines);
/* The first line one sorted fingerprint has and the other lacks; NULL when equal. */
const char *netns_fingerprint_diff(const struct strlist *a, const struct strlist *b);

/* Whether pid's network namespace equals a new one with lo up, and every process below
 * pid is in it: start forks the two fingerprints (in parallel, while the caller goes on),
 * finish waits for them. Not fresh: *why (malloc'ed) says what differs. The caller keeps
 * the processes frozen so that the answer holds until the dump. finish must be called
 * once after start. */
struct netns_check {
	pid_t child[2];             /* fingerprint of the namespace / of a new one */
	int out[2];                 /* memfds they write into */
	int failed;                 /* errno of a failed start */
	char *why;                  /* decided before forking */
};
void netns_check_start(struct netns_check *c, pid_t pid);
int netns_check_finish(struct netns_check *c, bool *fresh, char **why, struct lxc_error *err);

#endif
