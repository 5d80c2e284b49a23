/* Counters for lxc-top and lxc-info from the container's cgroup files (v1 cpuacct, blkio,
 * memory; v2 cpu.stat, io.stat, memory.*). Cheap: cached dir fds, openat + read, no exec. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "log.h"

int cgroup_stats_kv(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *end;
		unsigned long long v;

		if (strncmp(p, key, klen) != 0 || p[klen] != ' ')
			continue;
		v = strtoull(p + klen + 1, &end, 10);
		if (end == p + klen + 1 || (*end && *end != '\n'))
			return -1;
		*out = v;
		return 0;
	}
	return -1;
}

/* blkio.throttle.io_service_bytes / io_serviced:
 *   "8:0 Read 4096\n8:0 Write 0\n...\n8:0 Total 4096\nTotal 4096\n" */
int cgroup_stats_v1_blkio(const char *text, uint64_t *total, uint64_t *rd, uint64_t *wr)
{
	uint64_t dev_total = 0;
	bool have_total = false;

	*total = *rd = *wr = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char op[16];
		unsigned long long v;

		if (sscanf(p, "Total %llu", &v) == 1) {
			*total = v;
			have_total = true;
		} else if (sscanf(p, "%*u:%*u %15s %llu", op, &v) == 2) {
			if (!strcmp(op, "Read"))
				*rd += v;
			else if (!strcmp(op, "Write"))
				*wr += v;
			else if (!strcmp(op, "Total"))
				dev_total += v;
		}
	}
	if (!have_total)
		*total = dev_total;
	return 0;
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device. */
int cgroup_stats_v2_io(const char *text, uint64_t *rbytes, uint64_t *wbytes, uint64_t *rios, uint64_t *wios)
{
	*rbytes = *wbytes = *rios = *wios = 0;
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		_cleanup_free_ char *line = xstrndup(p, len);
		char *tok, *save = NULL;

		for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			unsigned long long v;
			char *eq = strchr(tok, '=');

			if (!eq)
				continue;
			v = strtoull(eq + 1, NULL, 10);
			*eq = '\0';
			if (!strcmp(tok, "rbytes"))
				*rbytes += v;
			else if (!strcmp(tok, "wbytes"))
				*wbytes += v;
			else if (!strcmp(tok, "rios"))
				*rios += v;
			else if (!strcmp(tok, "wios"))
				*wios += v;
		}
	}
	return 0;
}

/* Kernel memory of a v2 cgroup: memory.stat "kernel" (Linux 5.18+), else its parts. */
uint64_t cgroup_stats_v2_kmem(const char *memory_stat)
{
	static const char *const parts[] = { "kernel_stack", "pagetables", "percpu", "sock", "vmalloc" };
	uint64_t sum = 0, v;

	if (cgroup_stats_kv(memory_stat, "kernel", &v) == 0)
		return v;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		if (cgroup_stats_kv(memory_stat, parts[i], &v) == 0)
			sum += v;
	if (cgroup_stats_kv(memory_stat, "slab", &v) == 0) {
		sum += v;
	} else {
		if (cgroup_stats_kv(memory_stat, "slab_reclaimable", &v) == 0)
			sum += v;
		if (cgroup_stats_kv(memory_stat, "slab_unreclaimable", &v) == 0)
			sum += v;
	}
	return sum;
}

/* A file of the cgroup at dirfd, NULL when it does not exist (counter not available). */
static char *read_opt(int dirfd, const char *file)
{
	char *text = NULL;

	if (dirfd < 0 || file_read_at(dirfd, file, &text, NULL, NULL) < 0)
		return NULL;
	return text;
}

static bool read_u64(int dirfd, const char *file, uint64_t *out)
{
	_cleanup_free_ char *text = read_opt(dirfd, file);
	unsigned long long v;

	if (!text || str_to_uint64(str_trim(text), &v) < 0)
		return false;
	*out = v;
	return true;
}

static int limit_fd_of(struct cgroup_ctx *c, const char *ctrl, struct lxc_error *err)
{
	struct cgroup_hier *h = cgroup_find_ctrl(c, ctrl);

	return h ? cgroup_hier_fd(h, CG_LIMIT, err) : -1;
}

static int stats_v2(struct cgroup_ctx *c, struct cgroup_stats *st, struct lxc_error *err)
{
	int fd = cgroup_hier_fd(&c->h[c->unified], CG_LIMIT, err);
	_cleanup_free_ char *cpu = NULL, *io = NULL, *mem = NULL;
	uint64_t usec, user, sys, swap, rios, wios;
	long hz = sysconf(_SC_CLK_TCK);

	if (fd < 0)
		return -1;
	cpu = read_opt(fd, "cpu.stat");
	if (cpu && cgroup_stats_kv(cpu, "usage_usec", &usec) == 0 && cgroup_stats_kv(cpu, "user_usec", &user) == 0 &&
	    cgroup_stats_kv(cpu, "system_usec", &sys) == 0) {
		st->cpu_usage_ns = usec * 1000;
		st->cpu_user_ticks = user * (uint64_t)hz / 1000000;
		st->cpu_system_ticks = sys * (uint64_t)hz / 1000000;
		st->valid |= CGROUP_STAT_CPU;
	}
	io = read_opt(fd, "io.stat");
	if (io) {
		cgroup_stats_v2_io(io, &st->blkio_read_bytes, &st->blkio_write_bytes, &rios, &wios);
		st->blkio_bytes = st->blkio_read_bytes + st->blkio_write_bytes;
		st->blkio_read_iops = rios;
		st->blkio_write_iops = wios;
		st->blkio_iops = rios + wios;
		st->valid |= CGROUP_STAT_BLKIO;
	}
	if (read_u64(fd, "memory.current", &st->mem_used)) {
		st->valid |= CGROUP_STAT_MEM;
		if (read_u64(fd, "memory.swap.current", &swap)) {
			st->memsw_used = st->mem_used + swap;
			st->valid |= CGROUP_STAT_MEMSW;
		}
		mem = read_opt(fd, "memory.stat");
		if (mem) {
			st->kmem_used = cgroup_stats_v2_kmem(mem);
			st->valid |= CGROUP_STAT_KMEM;
		}
	}
	return 0;
}

static int stats_v1(struct cgroup_ctx *c, struct cgroup_stats *st, struct lxc_error *err)
{
	int cpu = limit_fd_of(c, "cpuacct", err), blk = limit_fd_of(c, "blkio", err);
	int mem = limit_fd_of(c, "memory", err);
	_cleanup_free_ char *cpustat = NULL, *bytes = NULL, *ios = NULL;

	if ((cpu < 0 && cgroup_find_ctrl(c, "cpuacct")) || (blk < 0 && cgroup_find_ctrl(c, "blkio")) ||
	    (mem < 0 && cgroup_find_ctrl(c, "memory")))
		return -1;
	cpustat = read_opt(cpu, "cpuacct.stat");
	if (read_u64(cpu, "cpuacct.usage", &st->cpu_usage_ns) && cpustat &&
	    cgroup_stats_kv(cpustat, "user", &st->cpu_user_ticks) == 0 &&
	    cgroup_stats_kv(cpustat, "system", &st->cpu_system_ticks) == 0)
		st->valid |= CGROUP_STAT_CPU;
	/* the _recursive files include sub-cgroups the container made */
	bytes = read_opt(blk, "blkio.throttle.io_service_bytes_recursive");
	if (!bytes)
		bytes = read_opt(blk, "blkio.throttle.io_service_bytes");
	ios = read_opt(blk, "blkio.throttle.io_serviced_recursive");
	if (!ios)
		ios = read_opt(blk, "blkio.throttle.io_serviced");
	if (bytes) {
		cgroup_stats_v1_blkio(bytes, &st->blkio_bytes, &st->blkio_read_bytes, &st->blkio_write_bytes);
		if (ios)
			cgroup_stats_v1_blkio(ios, &st->blkio_iops, &st->blkio_read_iops, &st->blkio_write_iops);
		st->valid |= CGROUP_STAT_BLKIO;
	}
	if (read_u64(mem, "memory.usage_in_bytes", &st->mem_used))
		st->valid |= CGROUP_STAT_MEM;
	if (read_u64(mem, "memory.memsw.usage_in_bytes", &st->memsw_used))
		st->valid |= CGROUP_STAT_MEMSW;
	if (read_u64(mem, "memory.kmem.usage_in_bytes", &st->kmem_used) && st->kmem_used)
		st->valid |= CGROUP_STAT_KMEM;
	return 0;
}

int cgroup_stats_read(struct cgroup_ctx *c, struct cgroup_stats *st, struct lxc_error *err)
{
	memset(st, 0, sizeof(*st));
	if (c->layout == CGROUP_LAYOUT_UNIFIED && c->unified >= 0)
		return stats_v2(c, st, err) < 0 ? error_prefix(err, "stats of \"%s\"", c->name) : 0;
	if (c->layout == CGROUP_LAYOUT_NONE)
		return error_set(err, "no cgroup hierarchies are mounted");
	return stats_v1(c, st, err) < 0 ? error_prefix(err, "stats of \"%s\"", c->name) : 0;
}
