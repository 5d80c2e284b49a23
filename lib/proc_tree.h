/* The tasks of a process tree, read from /proc (a container's processes as CRIU sees
 * them: init and its descendants). */
#ifndef LXC_PROC_TREE_H
#define LXC_PROC_TREE_H

#include <sys/types.h>

/* Called for each thread tid of each process pid of the tree; parent is the process
 * that lists pid among its children (0 for the root). Non-zero stops the walk. */
typedef int (*proc_tree_fn)(pid_t pid, pid_t tid, pid_t parent, void *data);

/* Walks the tree rooted at pid depth first, through /proc/PID/task/TID/children.
 * Returns fn's non-zero value, 0 when every task was seen, or -1 when the tree could not
 * be read or holds more than max tasks. */
int proc_tree_walk(pid_t pid, proc_tree_fn fn, void *data, unsigned max);

#endif
