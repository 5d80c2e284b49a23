/* What lxc-info, lxc-ls and lxc-top show about a container: state, init pid,
 * resource usage from its cgroups and its network addresses. */
#ifndef LXC_INFO_H
#define LXC_INFO_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "utils.h"

enum info_what {
	INFO_STATE = 1 << 0,
	INFO_PID   = 1 << 1,
	INFO_STATS = 1 << 2,  /* cgroup usage */
	INFO_NET   = 1 << 3,  /* addresses, interfaces, host link counters */
};

struct info_link {
	char *name;                      /* host side (veth) */
	unsigned long long tx, rx;
};

struct container_info {
	int state;
	pid_t pid;                       /* -1 when not running */
	bool have_stats;
	unsigned long long cpu_ns, cpu_user_ticks, cpu_sys_ticks;
	unsigned long long blkio_bytes, blkio_read, blkio_write, blkio_iops;
	unsigned long long mem_bytes, memsw_bytes, kmem_bytes;
	struct strlist ipv4, ipv6, interfaces;
	struct info_link *links;
	size_t n_links;
};

int container_info_read(const char *lxcpath, const char *name, unsigned what, struct container_info *ci,
			struct lxc_error *err);
void container_info_free(struct container_info *ci);
/* LXC's humanised size: "0 bytes", "420.00 KiB", "1.50 MiB", "2.00 GiB". */
void info_humanize(unsigned long long bytes, char *buf, size_t len);

#endif
