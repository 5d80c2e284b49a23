/* Cgroup v1 specifics: cpuset initialisation, lxc.cgroup.* settings per controller,
 * the freezer.state freezer, and killing what is left in a tree of v1 cgroups. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "log.h"

int cgroup_v1_cpuset_init(int parent_fd, int child_fd, struct lxc_error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		_cleanup_free_ char *mine = NULL, *parent = NULL;

		if (cgroup_read_at(child_fd, files[i], &mine, err) < 0)
			return -1;
		if (*mine)
			continue;
		/* a new v1 cpuset starts empty and refuses tasks until filled */
		if (cgroup_read_at(parent_fd, files[i], &parent, err) < 0 ||
		    file_write_str_at(child_fd, files[i], parent, err) < 0)
			return error_prefix(err, "failed to initialise %s", files[i]);
	}
	/* sub-cgroups the container makes get their cpus/mems the same way */
	if (file_write_str_at(child_fd, "cgroup.clone_children", "1", NULL) < 0)
		DEBUG("cgroup: cannot set cgroup.clone_children in a cpuset cgroup");
	return 0;
}

int cgroup_write_setting(int dirfd, const char *dir, const char *prefix, const char *key, const char *value,
			 struct lxc_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, key, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	size_t len = strlen(value);
	ssize_t r;

	if (fd < 0)
		return error_sys(err, errno, "failed to set %s%s = \"%s\" (%s/%s)", prefix, key, value, dir, key);
	do
		r = write(fd, value, len);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return error_sys(err, errno, "failed to set %s%s = \"%s\" (%s/%s)", prefix, key, value, dir, key);
	if ((size_t)r != len)
		return error_set(err, "failed to set %s%s = \"%s\" (%s/%s): short write", prefix, key, value, dir, key);
	TRACE("cgroup: %s/%s = \"%s\"", dir, key, value);
	return 0;
}

/* The kernel refuses a memsw limit below the memory limit, so LXC writes
 * memory.memsw.limit_in_bytes after memory.limit_in_bytes whatever the file order. */
void cgroup_v1_sort_settings(const struct conf_kv **kv, size_t n)
{
	size_t last_mem = n;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i]->key, "memory.limit_in_bytes"))
			last_mem = i;
	if (last_mem == n)
		return;
	for (size_t i = 0; i < last_mem;) {
		if (strcmp(kv[i]->key, "memory.memsw.limit_in_bytes") != 0) {
			i++;
			continue;
		}
		/* move it to just after the last memory.limit_in_bytes */
		const struct conf_kv *memsw = kv[i];

		memmove(&kv[i], &kv[i + 1], (last_mem - i) * sizeof(*kv));
		kv[last_mem] = memsw;
		last_mem--;
	}
}

int cgroup_v1_apply(struct cgroup_ctx *c, const struct lxc_conf *conf, struct lxc_error *err)
{
	_cleanup_free_ const struct conf_kv **kv = NULL;
	size_t n = conf->n_cgroup;

	if (!n)
		return 0;
	kv = xmalloc(n * sizeof(*kv));
	for (size_t i = 0; i < n; i++)
		kv[i] = &conf->cgroup[i];
	cgroup_v1_sort_settings(kv, n);
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *ctrl = NULL, *dir = NULL;
		const char *key = kv[i]->key;
		struct cgroup_hier *h;
		int fd;

		if (!cgroup_key_valid(key) || !strchr(key, '.'))
			return error_set(err, "lxc.cgroup.%s: the key must be CONTROLLER.FILE (no \"/\" or \"..\")", key);
		ctrl = xstrndup(key, strcspn(key, "."));
		h = cgroup_find_ctrl(c, ctrl);
		if (!h)
			return error_set(err, "failed to set lxc.cgroup.%s = \"%s\": no cgroup v1 hierarchy has the \"%s\" controller",
					 key, kv[i]->value, ctrl);
		fd = cgroup_hier_fd(h, CG_LIMIT, err);
		if (fd < 0)
			return -1;
		dir = cgroup_hier_path(h, h->rel[CG_LIMIT]);
		if (cgroup_write_setting(fd, dir, "lxc.cgroup.", key, kv[i]->value, err) < 0)
			return -1;
	}
	INFO("cgroup: applied %zu lxc.cgroup.* setting(s)", n);
	return 0;
}

/* ---- freezer ---------------------------------------------------------------------------- */

static int freezer_fd(struct cgroup_ctx *c, struct lxc_error *err)
{
	struct cgroup_hier *h = cgroup_find_ctrl(c, "freezer");

	if (!h)
		return error_set(err, "no freezer cgroup controller is mounted");
	return cgroup_hier_fd(h, CG_LIMIT, err);
}

int cgroup_v1_freezer_state(struct cgroup_ctx *c, enum cgroup_freezer_state *st, struct lxc_error *err)
{
	_cleanup_free_ char *s = NULL;
	int fd = freezer_fd(c, err);

	if (fd < 0 || cgroup_read_at(fd, "freezer.state", &s, err) < 0)
		return -1;
	if (!strcmp(s, "FROZEN"))
		*st = CGROUP_FROZEN;
	else if (!strcmp(s, "FREEZING"))
		*st = CGROUP_FREEZING;
	else if (!strcmp(s, "THAWED"))
		*st = CGROUP_THAWED;
	else
		return error_set(err, "unexpected freezer.state \"%s\"", s);
	return 0;
}

int cgroup_v1_freeze(struct cgroup_ctx *c, bool freeze, int timeout_ms, struct lxc_error *err)
{
	uint64_t deadline = cgroup_now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);
	unsigned delay_us = 100; /* a few tasks freeze within tens of µs */
	int fd = freezer_fd(c, err);

	if (fd < 0 || file_write_str_at(fd, "freezer.state", freeze ? "FROZEN" : "THAWED", err) < 0)
		return error_prefix(err, "failed to %s the container", freeze ? "freeze" : "thaw");
	if (!freeze)
		return 0;
	/* v1 has no notification for freezer.state: poll it, backing off to 50 ms */
	for (;;) {
		enum cgroup_freezer_state st;

		if (cgroup_v1_freezer_state(c, &st, err) < 0)
			return -1;
		if (st == CGROUP_FROZEN)
			return 0;
		if (timeout_ms >= 0 && cgroup_now_ms() >= deadline) {
			file_write_str_at(fd, "freezer.state", "THAWED", NULL);
			return error_sys(err, ETIMEDOUT, "the container did not freeze within %d ms (thawed again)",
					 timeout_ms);
		}
		usleep(delay_us);
		delay_us = delay_us < 50000 ? delay_us * 2 : 50000;
		/* a task that could not be frozen makes the kernel stop trying: ask again */
		file_write_str_at(fd, "freezer.state", "FROZEN", NULL);
	}
}

/* ---- kill ------------------------------------------------------------------------------- */

int cgroup_v1_kill(int dirfd, const char *shown, int timeout_ms, struct lxc_error *err)
{
	uint64_t deadline = cgroup_now_ms() + (uint64_t)timeout_ms;
	unsigned delay_us = 500;

	for (;;) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;

		if (cgroup_tree_pids(dirfd, &pids, &n, err) < 0)
			return error_prefix(err, "%s", shown);
		if (!n)
			return 0;
		for (size_t i = 0; i < n; i++)
			if (kill(pids[i], SIGKILL) < 0 && errno != ESRCH)
				return error_sys(err, errno, "failed to kill process %d in %s", (int)pids[i], shown);
		if (cgroup_now_ms() >= deadline)
			return error_set(err, "%zu process(es) still in %s after %d ms", n, shown, timeout_ms);
		usleep(delay_us);
		delay_us = delay_us < 50000 ? delay_us * 2 : 50000;
	}
}
