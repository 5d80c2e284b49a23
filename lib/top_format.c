/* lxc-top's output: LXC's screen layout (columns, humanised sizes, TOTAL line), drawn with
 * plain ANSI escapes, and the batch formats (LXC's CSV, JSON lines). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "top.h"
#include "utils.h"

void top_humanize(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB" };
	uint64_t unit = 1024, whole, frac;
	int u = 0;

	if (bytes < 1024) {
		/* as wide as "x.xx KiB", so that columns of mixed sizes line up */
		snprintf(buf, len, "%3u.00   ", (unsigned)bytes);
		return;
	}
	for (;;) {
		whole = bytes / unit;
		frac = ((bytes % unit) * 100 + unit / 2) / unit;
		if (frac == 100) {
			whole++;
			frac = 0;
		}
		/* 1048575 bytes is "1.00 MiB", not "1024.00 KiB" */
		if (whole < 1024 || u == 2)
			break;
		unit *= 1024;
		u++;
	}
	snprintf(buf, len, "%llu.%02u %s", (unsigned long long)whole, (unsigned)frac, units[u]);
}

void top_layout_of(const struct top_row *rows, size_t n, struct top_layout *layout)
{
	memset(layout, 0, sizeof(*layout));
	for (size_t i = 0; i < n; i++) {
		layout->memsw |= rows[i].st.valid & CGROUP_STAT_MEMSW;
		layout->kmem |= rows[i].st.valid & CGROUP_STAT_KMEM;
	}
}

/* Column widths of LXC's lxc-top: name 18, three CPU columns 12, BlkIO 36, sizes 10. */
char *top_format_header(int line, const struct top_layout *layout)
{
	static const char *const words[2][8] = {
		{ "Container", "CPU", "CPU", "CPU", "BlkIO", "Mem", "MemSw", "KMem" },
		{ "Name", "Used", "Sys", "User", "Total(Read/Write)", "Used", "Used", "Used" },
	};
	const char *const *w = words[line ? 1 : 0];

	return xasprintf("%-18s %12s %12s %12s %36s %10s%s%*s%s%*s", w[0], w[1], w[2], w[3], w[4], w[5],
			 layout->memsw ? " " : "", layout->memsw ? 10 : 0, layout->memsw ? w[6] : "",
			 layout->kmem ? " " : "", layout->kmem ? 10 : 0, layout->kmem ? w[7] : "");
}

char *top_format_row(const char *label, const struct cgroup_stats *st, const struct top_layout *layout)
{
	char total[24], rd[24], wr[24], blkio[80], mem[24], memsw[24], kmem[24];
	double hz = (double)sysconf(_SC_CLK_TCK);

	if (hz <= 0)
		hz = 100;
	top_humanize(st->blkio_bytes, total, sizeof(total));
	top_humanize(st->blkio_read_bytes, rd, sizeof(rd));
	top_humanize(st->blkio_write_bytes, wr, sizeof(wr));
	snprintf(blkio, sizeof(blkio), "%s(%s/%s)", total, rd, wr);
	top_humanize(st->mem_used, mem, sizeof(mem));
	top_humanize(st->memsw_used, memsw, sizeof(memsw));
	top_humanize(st->kmem_used, kmem, sizeof(kmem));
	return xasprintf("%-18.18s %12.2f %12.2f %12.2f %36s %10s%s%*s%s%*s", label, st->cpu_usage_ns / 1e9,
			 st->cpu_system_ticks / hz, st->cpu_user_ticks / hz, blkio, mem,
			 layout->memsw ? " " : "", layout->memsw ? 10 : 0, layout->memsw ? memsw : "",
			 layout->kmem ? " " : "", layout->kmem ? 10 : 0, layout->kmem ? kmem : "");
}

void top_total(const struct top_row *rows, size_t n, struct cgroup_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < n; i++) {
		const struct cgroup_stats *s = &rows[i].st;

		sum->valid |= s->valid;
		sum->cpu_usage_ns += s->cpu_usage_ns;
		sum->cpu_user_ticks += s->cpu_user_ticks;
		sum->cpu_system_ticks += s->cpu_system_ticks;
		sum->blkio_bytes += s->blkio_bytes;
		sum->blkio_read_bytes += s->blkio_read_bytes;
		sum->blkio_write_bytes += s->blkio_write_bytes;
		sum->blkio_iops += s->blkio_iops;
		sum->blkio_read_iops += s->blkio_read_iops;
		sum->blkio_write_iops += s->blkio_write_iops;
		sum->mem_used += s->mem_used;
		sum->memsw_used += s->memsw_used;
		sum->kmem_used += s->kmem_used;
	}
}

/* Append one screen line: cleared first (so no stale text stays right of it), cut to the
 * terminal's width (no wrapping), optionally in bold reverse video. */
static void screen_line(char **buf, const char *text, unsigned cols, bool header, bool last)
{
	size_t n = strlen(text);
	char *next;

	if (n > cols)
		n = cols;
	next = xasprintf("%s\033[2K%s%.*s%s%s", *buf, header ? "\033[1;7m" : "", (int)n, text,
			 header ? "\033[0m" : "", last ? "" : "\r\n");
	free(*buf);
	*buf = next;
}

char *top_render_screen(const struct top_row *rows, size_t n, unsigned term_rows, unsigned term_cols)
{
	struct top_layout layout;
	struct cgroup_stats sum;
	char *buf = xstrdup("\033[H"), *line, label[64];
	size_t shown = 0;
	unsigned used = 0;

	top_layout_of(rows, n, &layout);
	for (int h = 0; h < 2 && used < term_rows; h++, used++) {
		line = top_format_header(h, &layout);
		screen_line(&buf, line, term_cols, true, used + 1 == term_rows);
		free(line);
	}
	if (term_rows >= 3) {
		shown = term_rows - 3 < n ? term_rows - 3 : n;
		for (size_t i = 0; i < shown; i++, used++) {
			line = top_format_row(rows[i].name, &rows[i].st, &layout);
			screen_line(&buf, line, term_cols, false, false);
			free(line);
		}
		top_total(rows, shown, &sum);
		snprintf(label, sizeof(label), "TOTAL %zu of %zu", shown, n);
		line = top_format_row(label, &sum, &layout);
		screen_line(&buf, line, term_cols, false, ++used == term_rows);
		free(line);
	}
	if (used < term_rows) {
		/* the lines below the TOTAL line still hold the previous frame's rows */
		line = xasprintf("%s\033[J", buf);
		free(buf);
		buf = line;
	}
	return buf;
}

const char *top_csv_header(void)
{
	return "time_ms,container,cpu_nanos,cpu_sys_userhz,cpu_user_userhz,blkio_bytes,blkio_iops,"
	       "mem_used_bytes,memsw_used_bytes,kernel_mem_used_bytes\n";
}

char *top_format_csv(uint64_t time_ms, const struct top_row *row)
{
	const struct cgroup_stats *s = &row->st;

	return xasprintf("%llu,%s,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu\n", (unsigned long long)time_ms, row->name,
			 (unsigned long long)s->cpu_usage_ns, (unsigned long long)s->cpu_system_ticks,
			 (unsigned long long)s->cpu_user_ticks, (unsigned long long)s->blkio_bytes,
			 (unsigned long long)s->blkio_iops, (unsigned long long)s->mem_used,
			 (unsigned long long)s->memsw_used, (unsigned long long)s->kmem_used);
}

char *top_format_jsonl(uint64_t time_ms, const struct top_row *row)
{
	const struct cgroup_stats *s = &row->st;
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct json j;

	if (!f)
		return xstrdup("");
	json_init(&j, f);
	json_object_begin(&j, NULL);
	json_uint(&j, "time_ms", time_ms);
	json_string(&j, "container", row->name);
	json_uint(&j, "cpu_nanos", s->cpu_usage_ns);
	json_uint(&j, "cpu_sys_userhz", s->cpu_system_ticks);
	json_uint(&j, "cpu_user_userhz", s->cpu_user_ticks);
	json_uint(&j, "blkio_bytes", s->blkio_bytes);
	json_uint(&j, "blkio_read_bytes", s->blkio_read_bytes);
	json_uint(&j, "blkio_write_bytes", s->blkio_write_bytes);
	json_uint(&j, "blkio_iops", s->blkio_iops);
	json_uint(&j, "mem_used_bytes", s->mem_used);
	json_uint(&j, "memsw_used_bytes", s->memsw_used);
	json_uint(&j, "kernel_mem_used_bytes", s->kmem_used);
	json_object_end(&j);
	json_end(&j);
	fclose(f);
	return text ? text : xstrdup("");
}
