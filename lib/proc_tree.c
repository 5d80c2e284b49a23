/* Walking a process tree through /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN, which
 * CRIU needs as well). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "proc_tree.h"
#include "utils.h"

static int walk(pid_t pid, pid_t parent, proc_tree_fn fn, void *data, unsigned *budget)
{
	char path[96];
	_cleanup_closedir_ DIR *tasks = NULL;
	struct dirent *t;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		return -1;
	while ((t = readdir(tasks))) {
		_cleanup_free_ char *children = NULL;
		char *p, *end;
		long tid;
		int ret;

		if (t->d_name[0] == '.')
			continue;
		if (!*budget)
			return -1;
		(*budget)--;
		tid = strtol(t->d_name, NULL, 10);
		ret = fn(pid, (pid_t)tid, parent, data);
		if (ret)
			return ret;
		snprintf(path, sizeof(path), "/proc/%d/task/%ld/children", (int)pid, tid);
		if (file_read(path, &children, NULL, NULL) < 0)
			return -1;
		for (p = children; *p; p = end) {
			long child = strtol(p, &end, 10);

			if (end == p)
				break;
			ret = walk((pid_t)child, pid, fn, data, budget);
			if (ret)
				return ret;
		}
	}
	return 0;
}

int proc_tree_walk(pid_t pid, proc_tree_fn fn, void *data, unsigned max)
{
	return walk(pid, 0, fn, data, &max);
}
