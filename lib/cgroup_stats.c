/* Counters for lxc-top and lxc-info from the container's cgroup files (v1 cpuacct, blkio,
 * memory; v2 cpu.stat, io.stat, memory.*). Cheap: cached dir fds, openat + read, no exec. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/resource.h>
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

void cgroup_stats_close(struct cgroup_ctx *c)
{
	for (int i = 0; i < CGS_COUNT; i++) {
		if (c->stat_fd[i] >= 0)
			close(c->stat_fd[i]);
		c->stat_fd[i] = -1;
	}
}

/* Read all of fd from offset 0 into *buf (grown when the file is larger). */
static char *pread_all(int fd, char **buf, size_t *cap)
{
	size_t used = 0;

	for (;;) {
		ssize_t r;

		if (used + 1 >= *cap) {
			*cap = *cap ? *cap * 2 : 4096;
			*buf = xrealloc(*buf, *cap);
		}
		r = pread(fd, *buf + used, *cap - used - 1, (off_t)used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return NULL;
		if (r == 0)
			break;
		used += (size_t)r;
		/* cgroup files come whole in one read: skip the read that returns 0 */
		if (used + 1 < *cap)
			break;
	}
	(*buf)[used] = '\0';
	return *buf;
}

/* File `file` of hierarchy h's limit cgroup, through the context's cache; NULL when the
 * file does not exist (the counter is not available) or cannot be read. */
static char *stat_read(struct cgroup_ctx *c, enum cgroup_stat_file slot, struct cgroup_hier *h, const char *file,
		       char **buf, size_t *cap)
{
	_cleanup_free_ char *path = NULL;
	int fd = c->stat_fd[slot];
	char *text;

	if (fd == -2 || !h || !h->rel[CG_LIMIT])
		return NULL;
	if (fd < 0) {
		path = xasprintf("%s/%s/%s", h->mnt, h->rel[CG_LIMIT], file);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			if (errno == ENOENT)
				c->stat_fd[slot] = -2;
			return NULL;
		}
	}
	text = pread_all(fd, buf, cap);
	if (c->stat_fd[slot] >= 0 || !text)
		return text;
	/* keep it, unless it is one of the last fds the process may open */
	if (fd < c->stat_fd_limit)
		c->stat_fd[slot] = fd;
	else
		close(fd);
	return text;
}

static bool parse_u64(const char *text, uint64_t *out)
{
	_cleanup_free_ char *copy = text ? xstrdup(text) : NULL;
	unsigned long long v;

	if (!copy || str_to_uint64(str_trim(copy), &v) < 0)
		return false;
	*out = v;
	return true;
}

static int stats_v2(struct cgroup_ctx *c, struct cgroup_stats *st, char **buf, size_t *cap)
{
	struct cgroup_hier *h = &c->h[c->unified];
	uint64_t usec, user, sys, swap, rios, wios;
	long hz = sysconf(_SC_CLK_TCK);
	const char *t;

	if ((t = stat_read(c, CGS_V2_CPU, h, "cpu.stat", buf, cap)) && cgroup_stats_kv(t, "usage_usec", &usec) == 0 &&
	    cgroup_stats_kv(t, "user_usec", &user) == 0 && cgroup_stats_kv(t, "system_usec", &sys) == 0) {
		st->cpu_usage_ns = usec * 1000;
		st->cpu_user_ticks = user * (uint64_t)hz / 1000000;
		st->cpu_system_ticks = sys * (uint64_t)hz / 1000000;
		st->valid |= CGROUP_STAT_CPU;
	}
	if ((t = stat_read(c, CGS_V2_IO, h, "io.stat", buf, cap))) {
		cgroup_stats_v2_io(t, &st->blkio_read_bytes, &st->blkio_write_bytes, &rios, &wios);
		st->blkio_bytes = st->blkio_read_bytes + st->blkio_write_bytes;
		st->blkio_read_iops = rios;
		st->blkio_write_iops = wios;
		st->blkio_iops = rios + wios;
		st->valid |= CGROUP_STAT_BLKIO;
	}
	if (parse_u64(stat_read(c, CGS_V2_MEM, h, "memory.current", buf, cap), &st->mem_used)) {
		st->valid |= CGROUP_STAT_MEM;
		if (parse_u64(stat_read(c, CGS_V2_SWAP, h, "memory.swap.current", buf, cap), &swap)) {
			st->memsw_used = st->mem_used + swap;
			st->valid |= CGROUP_STAT_MEMSW;
		}
		if ((t = stat_read(c, CGS_V2_MEMSTAT, h, "memory.stat", buf, cap))) {
			st->kmem_used = cgroup_stats_v2_kmem(t);
			st->valid |= CGROUP_STAT_KMEM;
		}
	}
	return 0;
}

static int stats_v1(struct cgroup_ctx *c, struct cgroup_stats *st, char **buf, size_t *cap)
{
	struct cgroup_hier *cpu = cgroup_find_ctrl(c, "cpuacct"), *blk = cgroup_find_ctrl(c, "blkio");
	struct cgroup_hier *mem = cgroup_find_ctrl(c, "memory");
	const char *t;

	if (parse_u64(stat_read(c, CGS_V1_CPU_USAGE, cpu, "cpuacct.usage", buf, cap), &st->cpu_usage_ns) &&
	    (t = stat_read(c, CGS_V1_CPU_STAT, cpu, "cpuacct.stat", buf, cap)) &&
	    cgroup_stats_kv(t, "user", &st->cpu_user_ticks) == 0 && cgroup_stats_kv(t, "system", &st->cpu_system_ticks) == 0)
		st->valid |= CGROUP_STAT_CPU;
	/* the _recursive files count sub-cgroups the container made too */
	if ((t = stat_read(c, CGS_V1_BLK_BYTES, blk, "blkio.throttle.io_service_bytes_recursive", buf, cap))) {
		cgroup_stats_v1_blkio(t, &st->blkio_bytes, &st->blkio_read_bytes, &st->blkio_write_bytes);
		if ((t = stat_read(c, CGS_V1_BLK_IOS, blk, "blkio.throttle.io_serviced_recursive", buf, cap)))
			cgroup_stats_v1_blkio(t, &st->blkio_iops, &st->blkio_read_iops, &st->blkio_write_iops);
		st->valid |= CGROUP_STAT_BLKIO;
	}
	if (parse_u64(stat_read(c, CGS_V1_MEM, mem, "memory.usage_in_bytes", buf, cap), &st->mem_used))
		st->valid |= CGROUP_STAT_MEM;
	if (parse_u64(stat_read(c, CGS_V1_MEMSW, mem, "memory.memsw.usage_in_bytes", buf, cap), &st->memsw_used))
		st->valid |= CGROUP_STAT_MEMSW;
	if (parse_u64(stat_read(c, CGS_V1_KMEM, mem, "memory.kmem.usage_in_bytes", buf, cap), &st->kmem_used) &&
	    st->kmem_used)
		st->valid |= CGROUP_STAT_KMEM;
	return 0;
}

int cgroup_stats_read(struct cgroup_ctx *c, struct cgroup_stats *st, struct lxc_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0;
	bool v2 = c->layout == CGROUP_LAYOUT_UNIFIED && c->unified >= 0;

	struct rlimit rl;

	memset(st, 0, sizeof(*st));
	if (!c->stat_fd_limit)
		c->stat_fd_limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 128 && rl.rlim_cur < INT_MAX ?
				   (int)rl.rlim_cur - 64 : 64;
	if (c->layout == CGROUP_LAYOUT_NONE || !c->n)
		return error_set(err, "no cgroup hierarchies are mounted");
	for (size_t i = 0; i < c->n; i++)
		if (!c->h[i].rel[CG_LIMIT])
			return error_set(err, "stats of \"%s\": the container's cgroups do not exist", c->name);
	if (v2)
		stats_v2(c, st, &buf, &cap);
	else
		stats_v1(c, st, &buf, &cap);
	if (!st->valid) {
		/* nothing readable at all: most likely the container is gone */
		struct cgroup_hier *h = v2 ? &c->h[c->unified] : &c->h[0];
		_cleanup_free_ char *dir = cgroup_hier_path(h, h->rel[CG_LIMIT]);

		if (!is_dir(dir))
			return error_sys(err, ENOENT, "stats of \"%s\": no cgroup \"%s\"", c->name, dir);
	}
	return 0;
}
