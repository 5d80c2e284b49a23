/* Unit tests for lxc-top's output (lib/top_format.c) and sorting (lib/top.c): LXC's
 * columns byte for byte (captured from LXC 5.0.2's lxc-top), CSV, JSON lines, the screen. */
#include <stdlib.h>
#include <string.h>

#include "top.h"
#include "unit.h"

TEST(top_humanize)
{
	static const struct {
		unsigned long long v;
		const char *text;
	} cases[] = {
		{ 0, "  0.00   " },
		{ 5, "  5.00   " },
		{ 1023, "1023.00   " },
		{ 1024, "1.00 KiB" },
		{ 1536, "1.50 KiB" },
		{ 389120, "380.00 KiB" },
		{ 593920, "580.00 KiB" },
		{ 1048575, "1.00 MiB" },
		{ 21577728, "20.58 MiB" },
		{ 67108864, "64.00 MiB" },
		{ 1610612736ULL, "1.50 GiB" },
		{ 5ULL << 40, "5120.00 GiB" },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		top_humanize(cases[i].v, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].text);
	}
}

/* One line of LXC 5.0.2's lxc-top on this machine, and the counters behind it. */
static const char lxc_header0[] = "Container                   CPU          CPU          CPU                                "
				  "BlkIO        Mem      MemSw       KMem";
static const char lxc_header1[] = "Name                       Used          Sys         User                    "
				  "Total(Read/Write)       Used       Used       Used";
static const char lxc_row[] = "htd-ref                    0.09         0.06         0.03         0.00   (  0.00   /  "
			      "0.00   )  20.58 MiB  20.58 MiB 380.00 KiB";

static struct cgroup_stats sample_stats(void)
{
	struct cgroup_stats st = { 0 };

	st.valid = CGROUP_STAT_CPU | CGROUP_STAT_BLKIO | CGROUP_STAT_MEM | CGROUP_STAT_MEMSW | CGROUP_STAT_KMEM;
	st.cpu_usage_ns = 94699601;
	st.cpu_system_ticks = 6;
	st.cpu_user_ticks = 3;
	st.mem_used = st.memsw_used = 21577728;
	st.kmem_used = 389120;
	return st;
}

TEST(top_format_matches_lxc)
{
	struct top_layout all = { .memsw = true, .kmem = true }, none = { 0 };
	struct cgroup_stats st = sample_stats();
	char *s;

	s = top_format_header(0, &all);
	CHECK_STR(s, lxc_header0);
	free(s);
	s = top_format_header(1, &all);
	CHECK_STR(s, lxc_header1);
	free(s);
	s = top_format_row("htd-ref", &st, &all);
	CHECK_STR(s, lxc_row);
	free(s);
	/* without MemSw and KMem the line ends after Mem */
	s = top_format_row("htd-ref", &st, &none);
	CHECK(strlen(s) == strlen(lxc_row) - 22);
	CHECK(strncmp(s, lxc_row, strlen(s)) == 0);
	free(s);
	/* long names are cut to the column */
	s = top_format_row("a-very-long-container-name", &st, &none);
	CHECK(strncmp(s, "a-very-long-contai ", 19) == 0);
	free(s);
}

TEST(top_layout_and_total)
{
	struct top_row rows[2] = { { "a", sample_stats() }, { "b", sample_stats() } };
	struct top_layout l;
	struct cgroup_stats sum;

	rows[0].st.valid = CGROUP_STAT_CPU | CGROUP_STAT_MEM;
	rows[1].st.valid = CGROUP_STAT_CPU | CGROUP_STAT_MEM;
	top_layout_of(rows, 2, &l);
	CHECK(!l.memsw && !l.kmem);
	rows[1].st.valid |= CGROUP_STAT_KMEM;
	top_layout_of(rows, 2, &l);
	CHECK(!l.memsw && l.kmem);
	top_total(rows, 2, &sum);
	CHECK_INT(sum.cpu_usage_ns, 2 * 94699601ULL);
	CHECK_INT(sum.mem_used, 2 * 21577728ULL);
	CHECK_INT(sum.cpu_system_ticks, 12);
}

TEST(top_sort)
{
	struct top_row rows[3] = { { "b", { 0 } }, { "c", { 0 } }, { "a", { 0 } } };

	rows[0].st.mem_used = 10;
	rows[1].st.mem_used = 30;
	rows[2].st.mem_used = 20;
	rows[0].st.cpu_usage_ns = 5;
	top_sort(rows, 3, TOP_SORT_NAME, false);
	CHECK_STR(rows[0].name, "a");
	CHECK_STR(rows[2].name, "c");
	top_sort(rows, 3, TOP_SORT_NAME, true);
	CHECK_STR(rows[0].name, "c");
	/* numbers: largest first, like LXC's; -r smallest first */
	top_sort(rows, 3, TOP_SORT_MEM, false);
	CHECK_STR(rows[0].name, "c");
	CHECK_STR(rows[1].name, "a");
	CHECK_STR(rows[2].name, "b");
	top_sort(rows, 3, TOP_SORT_MEM, true);
	CHECK_STR(rows[0].name, "b");
	/* ties go by name */
	top_sort(rows, 3, TOP_SORT_CPU, false);
	CHECK_STR(rows[0].name, "b");
	CHECK_STR(rows[1].name, "a");
	CHECK_STR(rows[2].name, "c");
	CHECK(top_sort_key_valid('k') && top_sort_key_valid('s') && !top_sort_key_valid('x') && !top_sort_key_valid(0));
	top_sort(rows, 0, TOP_SORT_MEM, false);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

TEST(top_render_screen)
{
	struct top_row rows[5] = { { "r0", sample_stats() }, { "r1", sample_stats() }, { "r2", sample_stats() },
				   { "r3", sample_stats() }, { "r4", sample_stats() } };
	char *s = top_render_screen(rows, 5, 6, 40);

	/* 6 lines: 2 headers in reverse video, 3 rows, TOTAL over the 3 shown */
	CHECK(strncmp(s, "\033[H", 3) == 0);
	CHECK_INT(count(s, "\033[1;7m"), 2);
	CHECK_INT(count(s, "\r\n"), 5);
	CHECK(strstr(s, "r2 ") && !strstr(s, "r3 "));
	CHECK(strstr(s, "TOTAL 3 of 5"));
	CHECK(!strstr(s, "\033[J"));
	/* cut at 40 columns: no line is longer */
	for (const char *line = s; line; line = strstr(line, "\r\n"), line = line ? line + 2 : NULL) {
		const char *text = strstr(line, "\033[2K") + 4, *end = strstr(line, "\r\n");
		size_t len = end ? (size_t)(end - text) : strlen(text);

		if (!strncmp(text, "\033[1;7m", 6))
			len -= 6 + 4;
		CHECK(len <= 40);
	}
	free(s);
	/* a tall terminal: all rows, then the rest of the screen cleared */
	s = top_render_screen(rows, 5, 30, 200);
	CHECK(strstr(s, "TOTAL 5 of 5") && strstr(s, "r4 "));
	CHECK(strstr(s, "\033[J"));
	free(s);
	s = top_render_screen(rows, 0, 10, 200);
	CHECK(strstr(s, "TOTAL 0 of 0"));
	free(s);
	/* too small for any row: the headers that fit */
	s = top_render_screen(rows, 5, 1, 200);
	CHECK_INT(count(s, "\033[1;7m"), 1);
	CHECK(!strstr(s, "TOTAL"));
	free(s);
}

TEST(top_batch_formats)
{
	struct top_row row = { "web", sample_stats() };
	char *s;

	row.st.blkio_bytes = 4096;
	row.st.blkio_iops = 2;
	CHECK_STR(top_csv_header(), "time_ms,container,cpu_nanos,cpu_sys_userhz,cpu_user_userhz,blkio_bytes,blkio_iops,"
				    "mem_used_bytes,memsw_used_bytes,kernel_mem_used_bytes\n");
	s = top_format_csv(1795918817608ULL, &row);
	CHECK_STR(s, "1795918817608,web,94699601,6,3,4096,2,21577728,21577728,389120\n");
	free(s);
	s = top_format_jsonl(1000, &row);
	CHECK_STR(s, "{\"time_ms\":1000,\"container\":\"web\",\"cpu_nanos\":94699601,\"cpu_sys_userhz\":6,"
		     "\"cpu_user_userhz\":3,\"blkio_bytes\":4096,\"blkio_read_bytes\":0,\"blkio_write_bytes\":0,"
		     "\"blkio_iops\":2,\"mem_used_bytes\":21577728,\"memsw_used_bytes\":21577728,"
		     "\"kernel_mem_used_bytes\":389120}\n");
	free(s);
}
