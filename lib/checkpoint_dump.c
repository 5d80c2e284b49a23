/* The monitor's side of lxc-checkpoint (CMD_CHECKPOINT): one `criu swrk` runs VERSION,
 * then DUMP or PRE_DUMP of the container's init with its ttys, host bind mounts and veths
 * declared external; the images directory then gets the config and its description. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "checkpoint_internal.h"
#include "log.h"
#include "net.h"
#include "netns_fingerprint.h"
#include "proc_tree.h"
#include "state.h"
#include "utils.h"

#define MAX_CG_ROOTS 32
#define MAX_BINDS 256

/* What a dump cannot carry, said before CRIU runs. */
static int dump_check(struct start_ctx *ctx, const struct checkpoint_request *req, struct lxc_error *err)
{
	if (ctx->state != STATE_RUNNING && ctx->state != STATE_FROZEN)
		return error_set(err, "%s is %s", ctx->name, state_name(ctx->state));
	if (ctx->conf->n_idmaps)
		return error_set(err, "unprivileged containers (lxc.idmap) cannot be checkpointed");
	for (int ns = 0; ns < NS_COUNT; ns++)
		if (ctx->conf->ns_share[ns])
			return error_set(err, "lxc.namespace.share.%s: a container sharing namespaces cannot be checkpointed",
					 conf_ns_name(ns));
	if (!ctx->rootfs.backend)
		return error_set(err, "a container without its own rootfs (lxc.rootfs.path) cannot be checkpointed");
	if (!(ctx->clone_flags & CLONE_NEWPID) || !(ctx->clone_flags & CLONE_NEWNS))
		return error_set(err, "a container without its own pid and mount namespaces cannot be checkpointed");
	if (checkpoint_net_check(ctx->conf, err) < 0)
		return -1;
	if (req->dir[0] != '/')
		return error_set(err, "checkpoint directory \"%s\" is not absolute", req->dir);
	return 0;
}

/* The console (0) and ttys (1..n) whose masters we hold: CRIU must not look for them. */
static int dump_ttys(struct start_ctx *ctx, struct checkpoint_meta *m, struct criu_opts *o, struct lxc_error *err)
{
	m->ttys = xzalloc((ctx->n_ttys + 1) * sizeof(*m->ttys));
	for (size_t i = 0; i <= ctx->n_ttys; i++) {
		struct checkpoint_tty *t = &m->ttys[m->n_ttys];
		struct stat st;
		char *targets[2];
		size_t nt;

		if (i == 0) {
			if (ctx->console.slave < 0)
				continue;
			if (fstat(ctx->console.slave, &st) < 0)
				return error_sys(err, errno, "cannot stat the console");
		} else if (stat(ctx->tty_names[i - 1], &st) < 0) {
			return error_sys(err, errno, "cannot stat tty%zu (\"%s\")", i, ctx->tty_names[i - 1]);
		}
		t->index = (unsigned)i;
		t->rdev = (unsigned long long)st.st_rdev;
		t->dev = (unsigned long long)st.st_dev;
		m->n_ttys++;
		strlist_push_owned(&o->external, xasprintf("tty[%llx:%llx]", t->rdev, t->dev));
		nt = checkpoint_tty_targets(ctx->conf, t->index, targets);
		for (size_t k = 0; k < nt; k++) {
			strlist_push_owned(&o->external, xasprintf("mnt[%s]:" CHECKPOINT_TTY_MNT, targets[k], t->index));
			free(targets[k]);
		}
	}
	return 0;
}

static void dump_binds(struct start_ctx *ctx, struct checkpoint_meta *m, struct criu_opts *o)
{
	size_t ops[MAX_BINDS];
	size_t n = checkpoint_plan_binds(&ctx->plan, ops, MAX_BINDS);

	for (size_t i = 0; i < n; i++) {
		const struct mount_op *op = &ctx->plan.ops[ops[i]];
		_cleanup_free_ char *target = xasprintf("/%s", op->target);

		strlist_push(&m->binds, target);
		strlist_push_owned(&o->external, xasprintf("mnt[%s]:" CHECKPOINT_BIND_MNT, target, i));
	}
}

/* The names the veths have inside the container: CRIU's images use them, and the restore
 * maps each back to a new host end ("veth[eth0]:vethXXXXXX"). */
static int dump_nics(struct start_ctx *ctx, struct checkpoint_meta *m, struct lxc_error *err)
{
	struct net_if_info *ifs = NULL;
	size_t n = 0;

	if (!ctx->net.n_nics)
		return 0;
	if (net_get_stats(ctx->init_pid, &ifs, &n, err) < 0)
		return error_prefix(err, "cannot list the container's interfaces");
	m->nics = xzalloc(ctx->net.n_nics * sizeof(*m->nics));
	for (size_t i = 0; i < ctx->net.n_nics; i++) {
		const struct net_state_nic *sn = &ctx->net.nics[i];
		const char *found = NULL;

		if (sn->type != NET_VETH || !sn->host_ifname)
			continue;
		for (size_t k = 0; k < n && !found; k++)
			if (!strcmp(ifs[k].host_ifname, sn->host_ifname))
				found = ifs[k].name;
		if (!found) {
			net_if_info_free(ifs, n);
			return error_set(err, "lxc.net.%d: the peer of \"%s\" is not in the container", sn->index,
					 sn->host_ifname);
		}
		m->nics[m->n_nics].index = sn->index;
		m->nics[m->n_nics++].ifname = xstrdup(found);
	}
	net_if_info_free(ifs, n);
	return 0;
}

/* proc_tree_fn: 1 for a vfork child that has not exec'd yet (it shares its parent's
 * memory). Its parent waits in the kernel, where ptrace cannot stop it: CRIU would wait
 * for it until its timeout. */
static int task_in_vfork(pid_t pid, pid_t tid, pid_t parent, void *data)
{
	(void)data;
	return pid == tid && parent > 0 && syscall(SYS_kcmp, parent, pid, KCMP_VM, 0, 0) == 0;
}

/* Frozen by us (CRIU's own wait for a v1 freezer sleeps in 100 ms steps), but not in the
 * middle of a vfork: thawed and frozen again until it is done (a container that has just
 * started spawns its services that way), for up to a second. */
static int dump_freeze(struct start_ctx *ctx, struct lxc_error *err)
{
	for (int attempt = 0;; attempt++) {
		if (cgroup_freeze(ctx->cgroup, true, 30000, err) < 0)
			return -1;
		if (attempt == 200 || proc_tree_walk(ctx->init_pid, task_in_vfork, NULL, 65536) != 1)
			return 0;
		TRACE("a task of %s is in the middle of a vfork: thawed to let it exec", ctx->name);
		if (cgroup_freeze(ctx->cgroup, false, 0, err) < 0)
			return -1;
		usleep(5000);
	}
}

/* A network namespace as fresh as a new one (compared while the container is frozen) is
 * left out of the images: CRIU's dump of it runs ip and iptables-save ten times over, and
 * the restore makes a new one with lo up (restore.c). Not for containers with NICs. */
static bool dump_netns_check_start(struct start_ctx *ctx, const struct checkpoint_request *req,
				   struct netns_check *check)
{
	if (req->predump || !(ctx->clone_flags & CLONE_NEWNET) || ctx->net.n_nics)
		return false;
	netns_check_start(check, ctx->init_pid);
	return true;
}

static void dump_netns_check_finish(struct netns_check *check, bool *started, bool *fresh)
{
	struct lxc_error e = { 0 };
	_cleanup_free_ char *why = NULL;

	if (!*started)
		return;
	*started = false;
	if (netns_check_finish(check, fresh, &why, &e) < 0)
		WARN("%s (CRIU dumps the namespace)", e.msg);
	else if (why)
		DEBUG("the network namespace is dumped: it differs from a new one (%s)", why);
	else
		DEBUG("the network namespace is as a new one: left out of the images");
}

/* What dump_run does while criu loads: the container frozen, its network namespace
 * compared with a new one (in parallel, collected before the dump request). */
struct dump_prep {
	struct start_ctx *ctx;
	const struct checkpoint_request *req;
	bool was_frozen;
	bool checking;
	struct netns_check check;
};

static int dump_while_criu_loads(void *data, struct lxc_error *err)
{
	struct dump_prep *p = data;

	if (!p->was_frozen && p->ctx->cgroup && dump_freeze(p->ctx, err) < 0)
		return -1;
	p->checking = dump_netns_check_start(p->ctx, p->req, &p->check);
	return 0;
}

static int dump_page_server(const char *spec, struct criu_opts *o, char **host, struct lxc_error *err)
{
	int port;

	if (checkpoint_parse_hostport(spec, true, host, &port, err) < 0)
		return error_prefix(err, "--page-server");
	o->ps.address = *host;
	o->ps.port = port;
	return 0;
}

/* After a dump: the bridges joined again if still detached (CRIU unlocks itself unless it
 * died; after -s they stay detached: the connections must not see the container gone),
 * the freezer thawed if asked. */
static void dump_undo(struct start_ctx *ctx, struct checkpoint_notify *n, bool unlock, bool thaw)
{
	struct lxc_error e = { 0 };
	enum cgroup_freezer_state fs;

	if (unlock && n->net_locked && checkpoint_net_lock(ctx, false, false, &e) < 0)
		WARN("after the dump: %s", e.msg);
	if (thaw && ctx->cgroup && cgroup_get_freezer_state(ctx->cgroup, &fs, &e) == 0 && fs != CGROUP_THAWED &&
	    cgroup_freeze(ctx->cgroup, false, 10000, &e) < 0)
		WARN("after the dump: %s", e.msg);
}

/* Linux 6.16 refuses SO_PASSCRED/SO_PASSSEC on inet sockets, which CRIU before 4.2
 * asks for every socket it dumps: say what to do about it. */
static void dump_hint(const struct criu_version *v, struct lxc_error *err)
{
	char msg[sizeof(err->msg)];

	if (err && (v->major < 4 || (v->major == 4 && v->minor < 2)) && strstr(err->msg, "Can't get 1:16 opt")) {
		memcpy(msg, err->msg, sizeof(msg));
		error_set(err, "%.700s (criu %d.%d cannot dump sockets on Linux 6.16 and later: use CRIU 4.2 or newer)",
			  msg, v->major, v->minor);
	}
}

/* The config as this monitor runs it: a restore compares the container's config with it. */
static int write_config(int dirfd, const char *dir, const char *text, struct lxc_error *err)
{
	_cleanup_close_ int fd = openat(dirfd, CHECKPOINT_CONFIG, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 || write_full(fd, text, strlen(text)) < 0)
		return error_sys(err, errno, "cannot write %s/%s", dir, CHECKPOINT_CONFIG);
	return 0;
}

static int dump_run(struct start_ctx *ctx, const struct checkpoint_request *req, int dirfd, struct lxc_error *err)
{
	struct checkpoint_meta meta = { .format = CHECKPOINT_FORMAT };
	struct checkpoint_notify note = { .ctx = ctx, .req = req };
	struct criu_cg_root roots[MAX_CG_ROOTS];
	_cleanup_free_ char *freezer = NULL;
	_cleanup_free_ char *ps_host = NULL;
	_cleanup_free_ char *text = NULL;
	bool was_frozen = ctx->state == STATE_FROZEN;
	bool track = req->predump || req->predump_dir;
	struct criu_version v;
	struct criu_resp resp;
	struct criu_opts o;
	struct criu_req r;
	struct criu_conn c;
	struct checkpoint_ns ns = { .host_mnt = -1 };
	struct dump_prep prep = { .ctx = ctx, .req = req, .was_frozen = was_frozen };
	const struct checkpoint_criu_hooks hooks = { .loading = dump_while_criu_loads, .data = &prep };
	bool fresh_unused;
	_cleanup_close_ int criu_dirfd = -1;
	int ret = -1;

	criu_opts_init(&o);
	o.images_dir_fd = dirfd;
	o.log_file = req->predump ? "pre-dump.log" : "dump.log";
	o.log_level = req->verbose ? 4 : 2;
	o.pid = ctx->init_pid;
	o.leave_running = !req->stop || req->predump;
	o.tcp_established = true;
	o.tcp_skip_in_flight = true;
	o.file_locks = true;
	o.link_remap = true;
	o.notify_scripts = true;
	o.manage_cgroups = true;
	o.manage_cgroups_mode = CRIU_CG_SOFT;
	o.cg_root = roots;
	o.n_cg_root = checkpoint_cg_roots(ctx, roots, MAX_CG_ROOTS, &freezer);
	o.freeze_cgroup = freezer;
	o.network_lock = CRIU_NETLOCK_SKIP; /* our lock: checkpoint_net_lock() */
	o.auto_ext_mnt = o.ext_sharing = o.ext_masters = true;
	o.track_mem = track;
	o.parent_img = req->predump_dir;
	if (req->page_server && dump_page_server(req->page_server, &o, &ps_host, err) < 0)
		goto out;
	if (dump_ttys(ctx, &meta, &o, err) < 0 || dump_nics(ctx, &meta, err) < 0)
		goto out;
	dump_binds(ctx, &meta, &o);

	if (checkpoint_criu_start(&ns, &c, req, ctx->opts->sysconf, NULL, 0, &hooks, &criu_dirfd, &v, err) < 0)
		goto out_thaw;
	o.images_dir_fd = criu_dirfd;
	note.conn = &c;
	note.ns = &ns;
	if (track) {
		struct criu_features f = { .mem_track = 1, .lazy_pages = -1, .pidfd_store = -1 };

		if (criu_features(&c, &f, err) < 0 || f.mem_track != 1) {
			if (f.mem_track == 0)
				error_set(err, "%s needs memory change tracking (soft-dirty), which this kernel lacks "
					       "(CONFIG_MEM_SOFT_DIRTY; `criu check --feature mem_dirty_track`)",
					  req->predump ? "--pre-dump" : "--predump-dir");
			criu_close(&c);
			goto out_thaw;
		}
	}
	meta.name = xstrdup(ctx->name);
	meta.lxcpath = xstrdup(ctx->lxcpath);
	meta.criu_version = checkpoint_criu_version_text(&v);
	meta.predump = req->predump;
	meta.parent = req->predump_dir ? xstrdup(req->predump_dir) : NULL;

	/* before CRIU: after a dump with -s there is no container left to write it from */
	text = conf_text(ctx->conf);
	if (write_config(dirfd, req->dir, text, err) < 0) {
		criu_close(&c);
		goto out_thaw;
	}
	dump_netns_check_finish(&prep.check, &prep.checking, &meta.netns_fresh);
	if (meta.netns_fresh)
		o.empty_ns = CLONE_NEWNET;
	criu_req_init(&r, req->predump ? CRIU_REQ_PRE_DUMP : CRIU_REQ_DUMP);
	r.opts = &o;
	ret = criu_request(&c, &r, checkpoint_notify, &note, &resp, err);
	criu_resp_free(&resp);
	criu_close(&c);
	/* CRIU leaves the cgroup as it found it: thaw what we froze, and with -s let the
	 * killed tasks die */
	dump_undo(ctx, &note, ret < 0 || !req->stop || req->predump,
		  ret < 0 ? !was_frozen : (!was_frozen || (req->stop && !req->predump)));
	if (ret < 0) {
		dump_hint(&v, err);
		goto out;
	}
	ret = checkpoint_meta_write(dirfd, &meta, err);
	goto out;
out_thaw:
	dump_undo(ctx, &note, false, !was_frozen);
out:
	dump_netns_check_finish(&prep.check, &prep.checking, &fresh_unused);
	checkpoint_ns_free(&ns);
	criu_opts_clear_lists(&o);
	checkpoint_meta_free(&meta);
	return ret;
}

int checkpoint_dump(struct start_ctx *ctx, const char *request, struct lxc_error *err)
{
	_cleanup_free_ char *text = xstrdup(request);
	_cleanup_close_ int dirfd = -1;
	struct checkpoint_request req;
	int ret;

	if (checkpoint_request_decode(text, &req, err) < 0)
		return -1;
	if (dump_check(ctx, &req, err) < 0)
		return -1;
	dirfd = open(req.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return error_sys(err, errno, "cannot open the checkpoint directory \"%s\"", req.dir);
	/* whatever this directory held, a failed dump must not leave it looking like a dump */
	checkpoint_meta_remove(dirfd);
	INFO("checkpoint%s of %s into %s", req.predump ? " (pre-dump)" : req.stop ? " and stop" : "", ctx->name, req.dir);
	ret = dump_run(ctx, &req, dirfd, err);
	if (ret < 0)
		return -1;
	return 0;
}
