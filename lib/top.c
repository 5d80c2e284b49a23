/* lxc-top's model: which containers of an lxcpath run, and their cgroup counters. Cheap
 * per refresh: a readdir, one stat per container, preads on cgroup files kept open. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "container.h"
#include "log.h"
#include "runtime.h"
#include "state.h"
#include "top.h"
#include "utils.h"

struct top_entry {
	char *name;
	char *sock;                      /* the monitor's command socket */
	/* identity of the socket the context was taken from: a new one means a restart */
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
	struct cgroup_ctx *cg;           /* NULL: not running, or not asked yet */
	bool seen;
};

void top_init(struct top *t, const char *lxcpath)
{
	memset(t, 0, sizeof(*t));
	t->lxcpath = xstrdup(lxcpath);
}

static void top_entry_forget(struct top_entry *e)
{
	if (e->cg)
		cgroup_ctx_free(e->cg);
	e->cg = NULL;
	e->dev = 0;
	e->ino = 0;
}

static void top_entry_free(struct top_entry *e)
{
	top_entry_forget(e);
	free(e->name);
	free(e->sock);
}

void top_free(struct top *t)
{
	for (size_t i = 0; i < t->n_ents; i++)
		top_entry_free(&t->ents[i]);
	free(t->ents);
	free(t->rows);
	free(t->lxcpath);
	memset(t, 0, sizeof(*t));
}

static struct top_entry *top_find(struct top *t, const char *name, size_t hint)
{
	/* readdir returns a stable order: the entry at the same position usually matches */
	if (hint < t->n_ents && !strcmp(t->ents[hint].name, name))
		return &t->ents[hint];
	for (size_t i = 0; i < t->n_ents; i++)
		if (!strcmp(t->ents[i].name, name))
			return &t->ents[i];
	return NULL;
}

static struct top_entry *top_add(struct top *t, const char *name)
{
	struct runtime_paths paths;
	struct top_entry *e;

	t->ents = xrealloc(t->ents, (t->n_ents + 1) * sizeof(*t->ents));
	e = &t->ents[t->n_ents++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	runtime_paths_init(&paths, t->lxcpath, name);
	e->sock = xstrdup(paths.command);
	runtime_paths_free(&paths);
	return e;
}

static int top_scan(struct top *t, struct lxc_error *err)
{
	_cleanup_closedir_ DIR *dir = opendir(t->lxcpath);
	struct dirent *de;
	size_t pos = 0, k = 0;

	if (!dir)
		return error_sys(err, errno, "cannot read the container path \"%s\"", t->lxcpath);
	for (size_t i = 0; i < t->n_ents; i++)
		t->ents[i].seen = false;
	while ((de = readdir(dir))) {
		struct top_entry *e;

		if (de->d_name[0] == '.')
			continue;
		e = top_find(t, de->d_name, pos);
		if (!e) {
			if (!container_defined(t->lxcpath, de->d_name))
				continue;
			e = top_add(t, de->d_name);
		}
		e->seen = true;
		pos = (size_t)(e - t->ents) + 1;
	}
	/* containers destroyed since the last scan */
	for (size_t i = 0; i < t->n_ents; i++) {
		if (t->ents[i].seen)
			t->ents[k++] = t->ents[i];
		else
			top_entry_free(&t->ents[i]);
	}
	t->n_ents = k;
	return 0;
}

static bool top_state_active(int state)
{
	return state == STATE_RUNNING || state == STATE_FROZEN || state == STATE_FREEZING ||
	       state == STATE_THAWED;
}

/* Ask the monitor behind e->sock for its cgroups; 0 when e now has a context. */
static int top_query(struct top *t, struct top_entry *e, const struct stat *sb, char **mountinfo)
{
	_cleanup_free_ char *serial = NULL;
	_cleanup_close_ int conn = cmd_connect(e->sock, NULL);
	struct lxc_error err = { 0 };
	int state;

	if (conn < 0)
		return -1; /* a socket nobody listens on: the monitor is gone */
	t->queries++;
	state = cmd_call(conn, CMD_GET_STATE, 0, NULL, NULL, NULL, NULL);
	if (!top_state_active(state))
		return -1; /* starting or stopping: asked again next time */
	t->queries++;
	if (cmd_call(conn, CMD_GET_CGROUP, 0, NULL, &serial, NULL, &err) < 0)
		goto fail;
	if (!*mountinfo && file_read("/proc/self/mountinfo", mountinfo, NULL, &err) < 0)
		goto fail;
	if (cgroup_ctx_deserialize_with(&e->cg, serial, *mountinfo, &err) < 0)
		goto fail;
	e->dev = sb->st_dev;
	e->ino = sb->st_ino;
	e->ctime = sb->st_ctim;
	return 0;
fail:
	DEBUG("lxc-top: %s: %s", e->name, err.msg);
	return -1;
}

static bool top_same_socket(const struct top_entry *e, const struct stat *sb)
{
	return e->cg && e->dev == sb->st_dev && e->ino == sb->st_ino && e->ctime.tv_sec == sb->st_ctim.tv_sec &&
	       e->ctime.tv_nsec == sb->st_ctim.tv_nsec;
}

int top_refresh(struct top *t, struct lxc_error *err)
{
	_cleanup_free_ char *mountinfo = NULL;

	if (top_scan(t, err) < 0)
		return -1;
	t->rows = xrealloc(t->rows, (t->n_ents ? t->n_ents : 1) * sizeof(*t->rows));
	t->n_rows = 0;
	for (size_t i = 0; i < t->n_ents; i++) {
		struct top_entry *e = &t->ents[i];
		struct top_row *row = &t->rows[t->n_rows];
		struct lxc_error lerr = { 0 };
		struct stat sb;

		if (stat(e->sock, &sb) < 0) {
			top_entry_forget(e); /* stopped */
			continue;
		}
		if (!top_same_socket(e, &sb)) {
			top_entry_forget(e);
			if (top_query(t, e, &sb, &mountinfo) < 0)
				continue;
		}
		if (cgroup_stats_read(e->cg, &row->st, &lerr) < 0) {
			/* stopped between the stat and the read: asked again once it runs */
			DEBUG("lxc-top: %s: %s", e->name, lerr.msg);
			top_entry_forget(e);
			continue;
		}
		row->name = e->name;
		t->n_rows++;
	}
	return 0;
}

bool top_sort_key_valid(int key)
{
	return key && strchr("ncbmsk", key);
}

static uint64_t top_sort_value(const struct cgroup_stats *st, int key)
{
	switch (key) {
	case TOP_SORT_CPU: return st->cpu_usage_ns;
	case TOP_SORT_BLKIO: return st->blkio_bytes;
	case TOP_SORT_MEM: return st->mem_used;
	case TOP_SORT_MEMSW: return st->memsw_used;
	case TOP_SORT_KMEM: return st->kmem_used;
	default: return 0;
	}
}

/* qsort has no context argument: each item carries its sort value */
struct top_sort_item {
	const struct top_row *row;
	uint64_t value;
};

static int top_cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct top_sort_item *)a)->row->name, ((const struct top_sort_item *)b)->row->name);
}

static int top_cmp_value(const void *a, const void *b)
{
	const struct top_sort_item *x = a, *y = b;

	if (x->value != y->value)
		return x->value > y->value ? -1 : 1; /* largest first */
	return strcmp(x->row->name, y->row->name);
}

void top_sort(struct top_row *rows, size_t n, int key, bool reverse)
{
	_cleanup_free_ struct top_sort_item *items = xmalloc((n ? n : 1) * sizeof(*items));
	_cleanup_free_ struct top_row *copy = xmalloc((n ? n : 1) * sizeof(*copy));

	for (size_t i = 0; i < n; i++)
		items[i] = (struct top_sort_item){ .row = &rows[i], .value = top_sort_value(&rows[i].st, key) };
	qsort(items, n, sizeof(*items), key == TOP_SORT_NAME || !top_sort_key_valid(key) ? top_cmp_name : top_cmp_value);
	for (size_t i = 0; i < n; i++)
		copy[i] = *items[reverse ? n - 1 - i : i].row;
	memcpy(rows, copy, n * sizeof(*rows));
}
