/* lxc-checkpoint -r inside the monitor: instead of cloning init, CRIU restores the dumped
 * tree as the monitor's child (rst_sibling), given fresh ptys for the console and ttys,
 * the host sources of the bind mounts, new host ends for the veths and the new cgroups. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "checkpoint_internal.h"
#include "log.h"
#include "net.h"
#include "utils.h"

#define MAX_CG_ROOTS 32
#define MAX_BINDS 256

struct restore {
	struct start_ctx *ctx;
	const struct checkpoint_request *req;
	struct checkpoint_meta meta;
	struct criu_opts o;
	int extra[65];                         /* pty slaves handed to CRIU */
	size_t n_extra;
	struct criu_inherit_fd inherit[65];
	char *keys[65];
	size_t n_inherit;
	struct criu_cg_root roots[MAX_CG_ROOTS];
	char *freezer;
	int dirfd;                             /* the images, opened in CRIU's mount namespace */
};

static void restore_free(struct restore *r)
{
	checkpoint_meta_free(&r->meta);
	criu_opts_clear_lists(&r->o);
	for (size_t i = 0; i < r->n_inherit; i++)
		free(r->keys[i]);
	free(r->freezer);
	if (r->dirfd >= 0)
		close(r->dirfd);
}

/* The image's ttys get this monitor's new ptys: same number (the config is the same). */
static int restore_ttys(struct restore *r, struct lxc_error *err)
{
	struct start_ctx *ctx = r->ctx;

	for (size_t i = 0; i < r->meta.n_ttys; i++) {
		const struct checkpoint_tty *t = &r->meta.ttys[i];
		const char *name;
		int fd;

		if (t->index == 0) {
			if (ctx->console.slave < 0)
				return error_set(err, "the checkpoint has a console but lxc.console.path = none");
			fd = ctx->console.slave;
			name = ctx->console.slave_name;
		} else {
			if (t->index > ctx->n_ttys)
				return error_set(err, "the checkpoint has tty%u but lxc.tty.max = %zu", t->index, ctx->n_ttys);
			fd = ctx->tty_slaves[t->index - 1];
			name = ctx->tty_names[t->index - 1];
		}
		if (r->n_extra >= ARRAY_SIZE(r->extra))
			return error_set(err, "too many ttys");
		r->keys[r->n_inherit] = xasprintf("tty[%llx:%llx]", t->rdev, t->dev);
		r->inherit[r->n_inherit].key = r->keys[r->n_inherit];
		r->inherit[r->n_inherit].fd = CRIU_EXTRA_FD(r->n_extra);
		r->n_inherit++;
		r->extra[r->n_extra++] = fd;
		strlist_push_owned(&r->o.external, xasprintf("mnt[" CHECKPOINT_TTY_MNT "]:%s", t->index, name));
	}
	r->o.inherit_fd = r->inherit;
	r->o.n_inherit_fd = r->n_inherit;
	return 0;
}

/* Host bind N comes from this host's config, resolved: CRIU's mount-v2 cannot bind a
 * symlink (/lib on a merged-/usr system). */
static int restore_binds(struct restore *r, struct lxc_error *err)
{
	const struct mount_plan *plan = &r->ctx->plan;
	size_t ops[MAX_BINDS];
	size_t n = checkpoint_plan_binds(plan, ops, MAX_BINDS);

	if (n != r->meta.binds.len)
		return error_set(err, "the checkpoint has %zu host bind mounts, the config %zu", r->meta.binds.len, n);
	for (size_t i = 0; i < n; i++) {
		const struct mount_op *op = &plan->ops[ops[i]];
		char real[PATH_MAX];

		if (strcmp(op->target, r->meta.binds.items[i] + 1))
			return error_set(err, "host bind mount %zu is on \"/%s\", the checkpoint has \"%s\"", i, op->target,
					 r->meta.binds.items[i]);
		if (!realpath(op->source, real)) {
			if (op->opts & MOUNT_OPT_OPTIONAL)
				continue; /* not mounted at the dump either, or CRIU will say so */
			return error_sys(err, errno, "%s: source \"%s\"", op->origin ? op->origin : "lxc.mount.entry",
					 op->source);
		}
		strlist_push_owned(&r->o.external, xasprintf("mnt[" CHECKPOINT_BIND_MNT "]:%s", i, real));
	}
	return 0;
}

static struct net_state_nic *net_add(struct net_state *st)
{
	st->nics = xrealloc(st->nics, (st->n_nics + 1) * sizeof(*st->nics));
	memset(&st->nics[st->n_nics], 0, sizeof(st->nics[0]));
	return &st->nics[st->n_nics++];
}

/* New host ends for the veths, recorded before CRIU makes them so that a crash (or a
 * failure) removes them; they join their bridges at network-unlock. */
static int restore_nics(struct restore *r, struct lxc_error *err)
{
	struct start_ctx *ctx = r->ctx;
	struct nl_sock sk;
	bool open = false;
	int ret = 0;

	free(ctx->net.name);
	ctx->net.name = xstrdup(ctx->name);
	ctx->net.hook_version = ctx->conf->hook_version;
	for (size_t i = 0; i < ctx->conf->n_nets && ret == 0; i++) {
		const struct conf_net *cn = &ctx->conf->nets[i];
		const struct checkpoint_nic *mn = NULL;
		struct net_state_nic *sn;
		char name[IFNAMSIZ];
		struct net_link l;

		if (cn->type != NET_VETH)
			continue;
		for (size_t k = 0; k < r->meta.n_nics && !mn; k++)
			if (r->meta.nics[k].index == cn->index)
				mn = &r->meta.nics[k];
		if (!mn) {
			ret = error_set(err, "lxc.net.%d is not in the checkpoint", cn->index);
			break;
		}
		if (!open && nl_open(&sk, NETLINK_ROUTE, err) < 0)
			return -1;
		open = true;
		for (int attempt = 0;; attempt++) {
			if (cn->veth_pair)
				snprintf(name, sizeof(name), "%s", cn->veth_pair);
			else
				net_random_ifname("vethXXXXXX", name);
			if (net_link_get(&sk, name, 0, &l, err) < 0 && err->code == ENODEV)
				break;
			if (cn->veth_pair || attempt == 10) {
				ret = error_set(err, "lxc.net.%d: interface \"%s\" already exists on the host", cn->index, name);
				break;
			}
		}
		if (ret < 0)
			break;
		if (net_link_get(&sk, cn->link, 0, &l, err) < 0) {
			ret = error_prefix(err, "lxc.net.%d.link", cn->index);
			break;
		}
		sn = net_add(&ctx->net);
		sn->index = cn->index;
		sn->type = NET_VETH;
		sn->host_ifname = xstrdup(name);
		sn->link = xstrdup(cn->link);
		strlist_push_owned(&r->o.external, xasprintf("veth[%s]:%s", mn->ifname, name));
	}
	if (open)
		nl_close(&sk);
	return ret;
}

static int restore_options(struct restore *r, int dirfd, struct lxc_error *err)
{
	struct start_ctx *ctx = r->ctx;
	struct criu_opts *o = &r->o;

	o->images_dir_fd = dirfd;
	o->log_file = "restore.log";
	o->log_level = r->req->verbose ? 4 : 2;
	o->root = ctx->rootfs.mount_point;
	o->rst_sibling = true;
	o->notify_scripts = true;
	o->tcp_established = true;
	o->file_locks = true;
	o->link_remap = true;
	o->evasive_devices = true;
	o->manage_cgroups = true;
	/* the payload cgroups exist with the config's limits: CRIU fills them, and creates
	 * (with their properties) only the ones the container made below */
	o->manage_cgroups_mode = CRIU_CG_SOFT;
	o->cg_root = r->roots;
	o->n_cg_root = checkpoint_cg_roots(ctx, r->roots, MAX_CG_ROOTS, &r->freezer);
	o->ext_sharing = o->ext_masters = true;
	if (r->meta.netns_fresh)
		o->empty_ns = CLONE_NEWNET;
	if (restore_ttys(r, err) < 0 || restore_binds(r, err) < 0 || restore_nics(r, err) < 0)
		return -1;
	return 0;
}

/* CRIU needs the rootfs as a mount point: it is mounted in CRIU's own mount namespace
 * (checkpoint_ns.c), so the host never sees it and nothing is left behind however the
 * restore ends. */
static int mount_rootfs(void *data, struct lxc_error *err)
{
	struct start_ctx *ctx = data;
	int ret = rootfs_mount(&ctx->rootfs, err);

	if (ctx->rootfs.fd >= 0) {
		close(ctx->rootfs.fd); /* it would pin the private mount; CRIU has its own */
		ctx->rootfs.fd = -1;
	}
	return ret;
}

static void close_tty_slaves(struct start_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_ttys && ctx->tty_slaves; i++) {
		if (ctx->tty_slaves[i] >= 0)
			close(ctx->tty_slaves[i]);
		ctx->tty_slaves[i] = -1;
	}
}

int restore_spawn(struct start_ctx *ctx, struct lxc_error *err)
{
	struct restore r = { .ctx = ctx, .req = ctx->opts->restore, .dirfd = -1 };
	struct checkpoint_ns ns = { .host_mnt = -1 };
	struct checkpoint_notify note = { .ctx = ctx, .req = r.req, .restore = true, .ns = &ns };
	const struct checkpoint_criu_hooks hooks = { .prepare = mount_rootfs, .data = ctx };
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ char *version = NULL;
	struct criu_version v;
	struct criu_resp resp;
	struct criu_req req;
	struct criu_conn c;
	int ret = -1;

	criu_opts_init(&r.o);
	dirfd = open(r.req->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return error_sys(err, errno, "cannot open the checkpoint directory \"%s\"", r.req->dir);
	if (checkpoint_meta_read(dirfd, r.req->dir, &r.meta, err) < 0)
		return -1;
	if (restore_options(&r, dirfd, err) < 0)
		goto out;
	if (start_write_state(ctx, err) < 0)
		goto out;
	if (cgroup_apply_settings(ctx->cgroup, ctx->conf, err) < 0)
		goto out;
	if (checkpoint_criu_start(&ns, &c, r.req, ctx->opts->sysconf, r.extra, r.n_extra, &hooks, &r.dirfd, &v, err) < 0)
		goto out;
	r.o.images_dir_fd = r.dirfd;
	version = checkpoint_criu_version_text(&v);
	if (strcmp(version, r.meta.criu_version)) {
		error_set(err, "%s was made by criu %s; this is criu %s (%s): restore with the same CRIU version",
			  r.req->dir, r.meta.criu_version, version, c.binary);
		criu_close(&c);
		goto out;
	}
	note.conn = &c;
	note.lo_up = r.meta.netns_fresh;
	criu_req_init(&req, CRIU_REQ_RESTORE);
	req.opts = &r.o;
	ret = criu_request(&c, &req, checkpoint_notify, &note, &resp, err);
	if (ret == 0)
		ctx->init_pid = resp.restore_pid;
	criu_resp_free(&resp);
	criu_close(&c);
	if (ret < 0)
		goto out;
	ctx->init_pidfd = (int)syscall(SYS_pidfd_open, ctx->init_pid, 0);
	if (ctx->init_pidfd < 0) {
		ret = error_sys(err, errno, "cannot watch the restored init (pid %d)", (int)ctx->init_pid);
		goto out;
	}
	ctx->net.pid = ctx->init_pid;
	ctx->net.pid_starttime = net_pid_starttime(ctx->init_pid);
	ret = start_write_state(ctx, err);
	DEBUG("restored init as pid %d from %s", (int)ctx->init_pid, r.req->dir);
out:
	close_tty_slaves(ctx);
	checkpoint_ns_free(&ns);
	restore_free(&r);
	return ret;
}
