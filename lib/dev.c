/* The container's /dev as plan operations: lxc.autodev's tmpfs and device nodes, a private
 * devpts (lxc.pty.max), the fd/stdin/... symlinks, and placeholders for the console and ttys. */
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "mount.h"
#include "utils.h"

/* LXC 5's default (lxc.autodev.tmpfs.size unset or 0): 500000 bytes. */
#define AUTODEV_DEFAULT_SIZE "500000"
#define TTY_GID "5"

static const struct {
	const char *name;
	unsigned major, minor;
} autodev_nodes[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *name, *target;
} dev_symlinks[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

static bool autodev_on(const struct lxc_conf *conf, bool has_rootfs)
{
	return has_rootfs && conf->autodev != 0; /* -1 (unset) means on */
}

static struct mount_op *add_path_op(struct mount_plan *plan, enum mount_op_kind kind, const char *origin,
				    mode_t mode, unsigned opts, const char *fmt, const char *arg)
{
	char path[256];
	struct mount_op *op;

	snprintf(path, sizeof(path), fmt, arg);
	op = mount_plan_add(plan, kind, path, origin);
	op->mode = mode;
	op->opts = opts;
	return op;
}

void dev_plan_early(const struct lxc_conf *conf, bool has_rootfs, struct mount_plan *plan)
{
	const char *o = "lxc.autodev";
	struct mount_op *op;

	if (!autodev_on(conf, has_rootfs))
		return;
	op = mount_plan_add(plan, MOUNT_OP_MOUNT, "dev", o);
	op->source = xstrdup("tmpfs");
	op->fstype = xstrdup("tmpfs");
	/* no noexec: as with runc and Docker, /dev/shm often lives on it */
	op->flags = MS_NOSUID;
	op->data = conf->autodev_tmpfs_size ? xasprintf("size=%um,mode=755", conf->autodev_tmpfs_size)
					    : xstrdup("size=" AUTODEV_DEFAULT_SIZE ",mode=755");
	op->opts = MOUNT_OPT_CREATE_DIR | MOUNT_OPT_NO_SYMLINKS;
	add_path_op(plan, MOUNT_OP_MKDIR, o, 01777, MOUNT_OPT_NO_SYMLINKS, "dev/%s", "shm");
	add_path_op(plan, MOUNT_OP_MKDIR, o, 0755, MOUNT_OPT_NO_SYMLINKS, "dev/%s", "mqueue");
}

static void add_devpts(const struct lxc_conf *conf, bool autodev, bool has_rootfs, struct mount_plan *plan)
{
	const char *o = conf->pty_max ? "lxc.pty.max" : "lxc.autodev";
	char max[32] = "";
	struct mount_op *op;

	if (conf->pty_max)
		snprintf(max, sizeof(max), ",max=%u", conf->pty_max);
	op = mount_plan_add(plan, MOUNT_OP_MOUNT, "dev/pts", o);
	op->source = xstrdup("devpts");
	op->fstype = xstrdup("devpts");
	op->flags = MS_NOSUID | MS_NOEXEC;
	op->data = xasprintf("newinstance,ptmxmode=0666,mode=0620,gid=" TTY_GID "%s", max);
	/* in a user namespace without gid 5 mapped, devpts refuses gid=5 */
	op->data_fallback = xasprintf("newinstance,ptmxmode=0666,mode=0620%s", max);
	op->opts = MOUNT_OPT_NO_SYMLINKS | (has_rootfs ? MOUNT_OPT_CREATE_DIR : 0);
	if (autodev) {
		op = add_path_op(plan, MOUNT_OP_SYMLINK, o, 0, MOUNT_OPT_NO_SYMLINKS, "dev/%s", "ptmx");
		op->source = xstrdup("pts/ptmx");
	} else {
		/* the rootfs's own /dev: cover its ptmx (node or symlink) with the new instance's */
		op = mount_plan_add(plan, MOUNT_OP_BIND, "dev/ptmx", o);
		op->source = xstrdup("dev/pts/ptmx");
		op->opts = MOUNT_OPT_SOURCE_IN_ROOTFS | (has_rootfs ? MOUNT_OPT_CREATE_FILE : 0);
	}
}

static void add_placeholder(const struct lxc_conf *conf, bool autodev, const char *name, struct mount_plan *plan)
{
	const char *dir = conf->tty_dir && *conf->tty_dir ? conf->tty_dir : NULL;
	unsigned strict = autodev ? MOUNT_OPT_NO_SYMLINKS : 0;
	char path[256];
	struct mount_op *op;

	if (!dir) {
		add_path_op(plan, MOUNT_OP_TOUCH, "lxc.tty", 0600, strict, "dev/%s", name);
		return;
	}
	snprintf(path, sizeof(path), "dev/%s/%s", dir, name);
	op = mount_plan_add(plan, MOUNT_OP_TOUCH, path, "lxc.tty.dir");
	op->mode = 0600;
	op->opts = strict;
	/* as LXC: /dev/NAME becomes a symlink into the tty dir, replacing what the rootfs had */
	op = add_path_op(plan, MOUNT_OP_SYMLINK, "lxc.tty.dir", 0, strict | MOUNT_OPT_REPLACE, "dev/%s", name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	op->source = xstrdup(path);
}

void dev_plan_late(const struct lxc_conf *conf, bool has_rootfs, unsigned ttys, struct mount_plan *plan)
{
	bool autodev = autodev_on(conf, has_rootfs);

	if (autodev) {
		if (conf->hooks[HOOK_AUTODEV].len)
			mount_plan_add(plan, MOUNT_OP_HOOK, "", "lxc.hook.autodev")->source = xstrdup("autodev");
		for (size_t i = 0; i < ARRAY_SIZE(autodev_nodes); i++) {
			struct mount_op *op = add_path_op(plan, MOUNT_OP_MKNOD, "lxc.autodev", S_IFCHR | 0666,
							  MOUNT_OPT_NO_SYMLINKS, "dev/%s", autodev_nodes[i].name);

			op->dev = makedev(autodev_nodes[i].major, autodev_nodes[i].minor);
			op->source = xasprintf("/dev/%s", autodev_nodes[i].name);
		}
	}
	/* a /dev without devpts is useless for ttys, so autodev always gets one */
	if (autodev || conf->pty_max > 0)
		add_devpts(conf, autodev, has_rootfs, plan);
	if (!has_rootfs)
		return; /* the host's /dev: nothing to add */
	for (size_t i = 0; i < ARRAY_SIZE(dev_symlinks); i++) {
		struct mount_op *op = add_path_op(plan, MOUNT_OP_SYMLINK, "/dev symlinks", 0,
						  autodev ? MOUNT_OPT_NO_SYMLINKS : 0, "dev/%s", dev_symlinks[i].name);

		op->source = xstrdup(dev_symlinks[i].target);
	}
	if (!conf->console_path || strcmp(conf->console_path, "none") != 0)
		add_placeholder(conf, autodev, "console", plan);
	for (unsigned i = 1; i <= ttys; i++) {
		char name[32];

		snprintf(name, sizeof(name), "tty%u", i);
		add_placeholder(conf, autodev, name, plan);
	}
}
