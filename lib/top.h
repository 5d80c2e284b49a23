/* lxc-top's model and output: the running containers of an lxcpath with their cgroup
 * counters (top.c), and the screen, CSV and JSON lines made from them (top_format.c). */
#ifndef LXC_TOP_H
#define LXC_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"

/* One running container after a refresh. */
struct top_row {
	const char *name;                /* owned by the struct top it came from */
	struct cgroup_stats st;
};

struct top_entry;

/* The containers of one lxcpath, kept across refreshes: a container's monitor is asked
 * for its cgroups once, when its command socket appears (start) or changes (restart);
 * later refreshes only stat the socket and pread the cgroup files that stay open. */
struct top {
	char *lxcpath;
	struct top_entry *ents;
	size_t n_ents;
	struct top_row *rows;            /* running containers, in lxcpath order */
	size_t n_rows;
	unsigned long queries;           /* monitor round trips so far (--bench, tests) */
};

void top_init(struct top *t, const char *lxcpath);
void top_free(struct top *t);
/* Rescan the lxcpath and read every running container's counters into t->rows. Fails
 * only when the lxcpath cannot be read; a container that stops meanwhile is left out. */
int top_refresh(struct top *t, struct lxc_error *err);

/* Sort keys, as lxc-top's -s letters: name ascending; the others largest first.
 * reverse flips the order. */
enum top_sort_key {
	TOP_SORT_NAME = 'n',
	TOP_SORT_CPU = 'c',
	TOP_SORT_BLKIO = 'b',
	TOP_SORT_MEM = 'm',
	TOP_SORT_MEMSW = 's',
	TOP_SORT_KMEM = 'k',
};
bool top_sort_key_valid(int key);
void top_sort(struct top_row *rows, size_t n, int key, bool reverse);

/* ---- output (top_format.c): every function returns a new string ------------------------ */

/* LXC's lxc-top sizes: "  0.00   " below 1 KiB, else "580.00 KiB", "20.58 MiB", "1.50 GiB". */
void top_humanize(uint64_t bytes, char *buf, size_t len);

/* Which optional columns a screen has: MemSw and KMem when some row's kernel reports them. */
struct top_layout {
	bool memsw, kmem;
};
void top_layout_of(const struct top_row *rows, size_t n, struct top_layout *layout);
/* Header line 0 ("Container CPU ...") or 1 ("Name Used ..."), without escapes. */
char *top_format_header(int line, const struct top_layout *layout);
/* A row: label is the container name (cut at 18 columns) or "TOTAL i of N". */
char *top_format_row(const char *label, const struct cgroup_stats *st, const struct top_layout *layout);
/* The sum of the counters of rows[0..n). */
void top_total(const struct top_row *rows, size_t n, struct cgroup_stats *sum);

/* A full frame for a terminal of term_rows x term_cols: cursor home, the header in reverse
 * video, as many rows as fit (term_rows - 3), the TOTAL line, every line cut at term_cols,
 * the rest of the screen cleared. rows must be sorted already. */
char *top_render_screen(const struct top_row *rows, size_t n, unsigned term_rows, unsigned term_cols);

/* Batch output, LXC's CSV: the header line, and one line per container (with '\n'). */
const char *top_csv_header(void);
char *top_format_csv(uint64_t time_ms, const struct top_row *row);
/* One JSON object per container per interval, same keys as the CSV (plus read/write). */
char *top_format_jsonl(uint64_t time_ms, const struct top_row *row);

#endif
