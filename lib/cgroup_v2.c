/* Cgroup v2 specifics: controller delegation, lxc.cgroup2.* settings, cgroup.freeze with
 * cgroup.events notifications, cgroup.kill, and committing the BPF device program. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "log.h"

int cgroup_v2_read_controllers(struct cgroup_hier *h, struct lxc_error *err)
{
	_cleanup_free_ char *dir = cgroup_hier_path(h, h->base), *text = NULL;
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	strlist_clear(&h->ctrls);
	if (fd < 0 || cgroup_read_at(fd, "cgroup.controllers", &text, NULL) < 0) {
		DEBUG("cgroup: no cgroup.controllers in \"%s\"", dir);
		return 0;
	}
	strlist_split(&h->ctrls, text, " \n");
	(void)err;
	return 0;
}

/* Enable the missing controllers of ctrls in one cgroup's subtree_control. */
static int delegate_one(int dirfd, const char *dir, const struct strlist *ctrls, struct lxc_error *err)
{
	_cleanup_free_ char *enabled = NULL;
	struct strlist on = { 0 };

	if (cgroup_read_at(dirfd, "cgroup.subtree_control", &enabled, err) < 0)
		return error_prefix(err, "%s", dir);
	strlist_split(&on, enabled, " ");
	for (size_t i = 0; i < ctrls->len; i++) {
		_cleanup_free_ char *plus = NULL;
		struct lxc_error e = { 0 };

		if (strlist_contains(&on, ctrls->items[i]))
			continue;
		plus = xasprintf("+%s", ctrls->items[i]);
		if (file_write_str_at(dirfd, "cgroup.subtree_control", plus, &e) == 0)
			continue;
		if (e.code == EBUSY) {
			strlist_clear(&on);
			return error_sys(err, EBUSY,
					 "cannot enable the %s controller in %s/cgroup.subtree_control: the cgroup has processes "
					 "(cgroup v2 delegates controllers only from cgroups without processes; start from an "
					 "empty cgroup or as root without lxc.cgroup.relative)",
					 ctrls->items[i], dir);
		}
		WARN("cgroup: cannot enable the %s controller in %s: %s", ctrls->items[i], dir, strerror(e.code));
	}
	strlist_clear(&on);
	return 0;
}

int cgroup_v2_delegate(struct cgroup_hier *h, const char *rel, const struct strlist *ctrls,
		       struct lxc_error *err)
{
	_cleanup_free_ char *dir_rel = xstrdup(h->base);
	const char *below = rel + strlen(h->base);
	struct strlist parts = { 0 };
	int ret = 0;

	if (!ctrls->len || !cgroup_rel_under(rel, h->base))
		return 0;
	while (*below == '/')
		below++;
	strlist_split(&parts, below, "/");
	/* base, then each level down to the parent of rel */
	for (size_t i = 0; i < parts.len && ret == 0; i++) {
		_cleanup_free_ char *dir = cgroup_hier_path(h, dir_rel);
		_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char *next;

		if (fd < 0)
			ret = error_sys(err, errno, "failed to open cgroup \"%s\"", dir);
		else
			ret = delegate_one(fd, dir, ctrls, err);
		next = cgroup_join_rel(dir_rel, parts.items[i]);
		free(dir_rel);
		dir_rel = next;
	}
	strlist_clear(&parts);
	return ret;
}

static bool is_devices_key(const char *key)
{
	return !strcmp(key, "devices.allow") || !strcmp(key, "devices.deny");
}

int cgroup_v2_apply(struct cgroup_ctx *c, const struct lxc_conf *conf, struct lxc_error *err)
{
	struct cgroup_hier *h = &c->h[c->unified];
	_cleanup_free_ char *dir = NULL;
	bool v2_devices = false, any_devices = false;
	int fd;

	for (size_t i = 0; i < conf->n_cgroup2; i++)
		v2_devices |= is_devices_key(conf->cgroup2[i].key);
	if (!conf->n_cgroup2 && !conf->n_cgroup)
		return 0;
	fd = cgroup_hier_fd(h, CG_LIMIT, err);
	if (fd < 0)
		return -1;
	dir = cgroup_hier_path(h, h->rel[CG_LIMIT]);
	/* LXC: without lxc.cgroup2.devices.*, the v1 device rules become the program. They
	 * refine the parent's "everything allowed" as they would on v1. */
	if (!v2_devices) {
		cgroup_dev_list_reset(&c->devs, true);
		for (size_t i = 0; i < conf->n_cgroup; i++) {
			const struct conf_kv *kv = &conf->cgroup[i];
			struct cgroup_dev_rule r;

			if (!is_devices_key(kv->key)) {
				INFO("cgroup: ignoring lxc.cgroup.%s: this host has only cgroup2", kv->key);
				continue;
			}
			if (cgroup_dev_rule_parse(kv->value, !strcmp(kv->key, "devices.allow"), &r, err) < 0)
				return error_prefix(err, "lxc.cgroup.%s", kv->key);
			cgroup_dev_list_add(&c->devs, &r);
			any_devices = true;
		}
	} else {
		cgroup_dev_list_reset(&c->devs, false);
		if (conf->n_cgroup)
			INFO("cgroup: ignoring %zu lxc.cgroup.* setting(s): this host has only cgroup2", conf->n_cgroup);
	}
	for (size_t i = 0; i < conf->n_cgroup2; i++) {
		const struct conf_kv *kv = &conf->cgroup2[i];

		if (is_devices_key(kv->key)) {
			struct cgroup_dev_rule r;

			if (cgroup_dev_rule_parse(kv->value, !strcmp(kv->key, "devices.allow"), &r, err) < 0)
				return error_prefix(err, "lxc.cgroup2.%s", kv->key);
			cgroup_dev_list_add(&c->devs, &r);
			any_devices = true;
			continue;
		}
		if (!cgroup_key_valid(kv->key))
			return error_set(err, "lxc.cgroup2.%s: invalid key (no \"/\" or \"..\")", kv->key);
		if (cgroup_write_setting(fd, dir, "lxc.cgroup2.", kv->key, kv->value, err) < 0) {
			_cleanup_free_ char *ctrl = xstrndup(kv->key, strcspn(kv->key, "."));

			if (err && err->code == ENOENT && !strlist_contains(&h->ctrls, ctrl))
				return error_prefix(err, "the \"%s\" controller is not available in %s", ctrl,
						    h->cg[CG_LIMIT]);
			return -1;
		}
	}
	if (any_devices && cgroup_v2_devices_commit(c, err) < 0)
		return -1;
	INFO("cgroup: applied %zu lxc.cgroup2.* setting(s)%s", conf->n_cgroup2,
	     any_devices ? " and the device program" : "");
	return 0;
}

/* ---- events, freezer, kill ------------------------------------------------------------- */

/* Does cgroup.events (re-read from the start) have the line "key value"? */
static int events_has(int efd, const char *key, const char *value, bool *match, struct lxc_error *err)
{
	char buf[512], want[128], line[130];
	ssize_t n;

	if (lseek(efd, 0, SEEK_SET) < 0)
		return error_sys(err, errno, "failed to rewind cgroup.events");
	n = read(efd, buf, sizeof(buf) - 1);
	if (n < 0)
		return error_sys(err, errno, "failed to read cgroup.events");
	buf[n] = '\0';
	snprintf(want, sizeof(want), "%s %s\n", key, value);
	snprintf(line, sizeof(line), "\n%s", want);
	*match = !strncmp(buf, want, strlen(want)) || strstr(buf, line) != NULL;
	return 0;
}

int cgroup_v2_wait_event(int dirfd, const char *key, const char *value, int timeout_ms,
			 struct lxc_error *err)
{
	_cleanup_close_ int efd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	uint64_t deadline = cgroup_now_ms() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms);

	if (efd < 0)
		return error_sys(err, errno, "failed to open cgroup.events");
	for (;;) {
		struct pollfd p = { .fd = efd, .events = POLLPRI };
		bool match;
		int wait_ms = -1, r;

		if (events_has(efd, key, value, &match, err) < 0)
			return -1;
		if (match)
			return 0;
		if (timeout_ms >= 0) {
			uint64_t now = cgroup_now_ms();

			if (now >= deadline)
				return error_sys(err, ETIMEDOUT, "no \"%s %s\" in cgroup.events within %d ms",
						 key, value, timeout_ms);
			wait_ms = (int)(deadline - now);
		}
		/* kernfs wakes pollers with POLLPRI when the file changes */
		r = poll(&p, 1, wait_ms);
		if (r < 0 && errno != EINTR)
			return error_sys(err, errno, "failed to wait on cgroup.events");
	}
}

static int v2_fd(struct cgroup_ctx *c, struct lxc_error *err)
{
	if (c->unified < 0)
		return error_set(err, "no cgroup2 hierarchy is mounted");
	return cgroup_hier_fd(&c->h[c->unified], CG_LIMIT, err);
}

int cgroup_v2_freezer_state(struct cgroup_ctx *c, enum cgroup_freezer_state *st, struct lxc_error *err)
{
	_cleanup_free_ char *want = NULL, *events = NULL;
	int fd = v2_fd(c, err);

	if (fd < 0 || cgroup_read_at(fd, "cgroup.freeze", &want, err) < 0 ||
	    cgroup_read_at(fd, "cgroup.events", &events, err) < 0)
		return -1;
	if (strcmp(want, "1") != 0)
		*st = CGROUP_THAWED;
	else
		*st = strstr(events, "frozen 1") ? CGROUP_FROZEN : CGROUP_FREEZING;
	return 0;
}

int cgroup_v2_freeze(struct cgroup_ctx *c, bool freeze, int timeout_ms, struct lxc_error *err)
{
	int fd = v2_fd(c, err);

	if (fd < 0 || file_write_str_at(fd, "cgroup.freeze", freeze ? "1" : "0", err) < 0)
		return error_prefix(err, "failed to %s the container", freeze ? "freeze" : "thaw");
	if (cgroup_v2_wait_event(fd, "frozen", freeze ? "1" : "0", timeout_ms, err) < 0) {
		if (freeze)
			file_write_str_at(fd, "cgroup.freeze", "0", NULL);
		return error_prefix(err, "failed to %s the container%s", freeze ? "freeze" : "thaw",
				    freeze ? " (thawed again)" : "");
	}
	return 0;
}

int cgroup_v2_kill(int dirfd, const char *shown, int timeout_ms, struct lxc_error *err)
{
	struct lxc_error e = { 0 };
	bool has = false;

	if (cgroup_tree_has_procs(dirfd, &has, err) < 0)
		return error_prefix(err, "%s", shown);
	if (!has)
		return 0;
	if (file_write_str_at(dirfd, "cgroup.kill", "1", &e) < 0) {
		if (e.code != ENOENT)
			return error_sys(err, e.code, "failed to write cgroup.kill in %s", shown);
		/* before Linux 5.14: signal every task */
		if (cgroup_v1_kill(dirfd, shown, timeout_ms, err) < 0)
			return -1;
	}
	if (cgroup_v2_wait_event(dirfd, "populated", "0", timeout_ms, err) < 0)
		return error_prefix(err, "processes left in %s", shown);
	return 0;
}

/* ---- devices ------------------------------------------------------------------------------ */

int cgroup_v2_devices_commit(struct cgroup_ctx *c, struct lxc_error *err)
{
	struct cgroup_hier *h = &c->h[c->unified];
	_cleanup_free_ struct bpf_insn *insns = NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int found = -1;
	int fd = cgroup_hier_fd(h, CG_LIMIT, err), prog, old;
	size_t n;

	if (fd < 0)
		return -1;
	insns = cgroup_dev_prog_build(&c->devs, &n);
	prog = cgroup_dev_prog_load(insns, n, err);
	if (prog < 0)
		return error_prefix(err, "device rules for \"%s\"", h->cg[CG_LIMIT]);
	old = c->bpf_fd;
	if (old < 0) {
		/* a context from another process: replace what the monitor attached */
		found = cgroup_dev_prog_find(fd, NULL);
		old = found;
	}
	if (cgroup_dev_prog_attach(fd, prog, old, err) < 0) {
		/* ours was replaced by another process (lxc-device): replace theirs */
		if (!(err && err->code == ENOENT && c->bpf_fd >= 0 && (found = cgroup_dev_prog_find(fd, NULL)) >= 0 &&
		      cgroup_dev_prog_attach(fd, prog, found, err) == 0)) {
			close(prog);
			return error_prefix(err, "device rules for \"%s\"", h->cg[CG_LIMIT]);
		}
	}
	if (c->bpf_fd >= 0)
		close(c->bpf_fd);
	c->bpf_fd = prog;
	c->devs_active = true;
	text = cgroup_dev_list_format(&c->devs);
	if (fsetxattr(fd, CGROUP_DEV_XATTR, text, strlen(text), 0) < 0)
		DEBUG("cgroup: cannot record device rules on %s: %s", h->cg[CG_LIMIT], strerror(errno));
	DEBUG("cgroup: device program (%zu instructions, %zu rules, default %s) on %s", n, c->devs.n,
	      c->devs.default_allow ? "allow" : "deny", h->cg[CG_LIMIT]);
	return 0;
}
