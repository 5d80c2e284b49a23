/* lxc-device in the monitor: the CMD_DEVICE request, and device nodes made or removed in
 * the container's mount namespace (a forked child, safe_path) plus their cgroup rule. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device.h"
#include "log.h"
#include "safe_path.h"
#include "utils.h"

/* ---- the request ------------------------------------------------------------------------ */

char *device_request_format(const struct device_request *r)
{
	return xasprintf("%s\n%s\n%s%s", r->op == DEVICE_ADD ? "add" : "del", r->dev, r->dest ? r->dest : "",
			 r->dest ? "\n" : "");
}

void device_request_free(struct device_request *r)
{
	free(r->dev);
	free(r->dest);
	r->dev = r->dest = NULL;
}

int device_request_parse(struct device_request *r, const char *text, struct lxc_error *err)
{
	struct strlist words = { 0 };
	int ret = 0;

	memset(r, 0, sizeof(*r));
	strlist_split(&words, text ? text : "", "\n");
	if (words.len < 2 || words.len > 3)
		ret = error_set(err, "a device request is \"add|del\", DEV and an optional DEST, one per line");
	else if (strcmp(words.items[0], "add") != 0 && strcmp(words.items[0], "del") != 0)
		ret = error_set(err, "unknown device operation \"%s\" (add or del)", words.items[0]);
	if (ret == 0) {
		r->op = words.items[0][0] == 'a' ? DEVICE_ADD : DEVICE_DEL;
		r->dev = xstrdup(words.items[1]);
		r->dest = words.len == 3 ? xstrdup(words.items[2]) : NULL;
	}
	strlist_clear(&words);
	return ret;
}

bool device_request_is_node(const struct device_request *r)
{
	return strchr(r->dev, '/') != NULL;
}

int device_handle(struct device_target *t, const char *request, char **out, struct lxc_error *err)
{
	struct device_request r;
	const char *dest;
	int ret;

	if (device_request_parse(&r, request, err) < 0)
		return -1;
	dest = r.dest ? r.dest : r.dev;
	if (device_request_is_node(&r))
		ret = r.op == DEVICE_ADD ? device_node_add(t, r.dev, dest, out, err)
					 : device_node_del(t, r.dev, dest, out, err);
	else
		ret = r.op == DEVICE_ADD ? device_net_add(t, r.dev, r.dest, out, err)
					 : device_net_del(t, r.dev, r.dest, out, err);
	device_request_free(&r);
	return ret;
}

/* ---- device nodes ----------------------------------------------------------------------- */

char *device_rule(mode_t mode, dev_t rdev)
{
	return xasprintf("%c %u:%u rwm", S_ISBLK(mode) ? 'b' : 'c', major(rdev), minor(rdev));
}

static const char *node_kind(mode_t mode)
{
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISLNK(mode))
		return "symbolic link";
	if (S_ISREG(mode))
		return "regular file";
	return "special file";
}

enum node_action {
	NODE_CREATE,
	NODE_REMOVE,
};

/* What the child in the container's mount namespace reports back over a pipe. */
struct node_result {
	int ret;                 /* 0 or -1 */
	int code;
	bool existed;            /* create: the same node was there already */
	bool missing;            /* remove: nothing there */
	mode_t mode;             /* remove: the node removed */
	dev_t rdev;
	char msg[sizeof(((struct lxc_error *)0)->msg)];
};

static void node_fail(struct node_result *r, const struct lxc_error *err)
{
	r->ret = -1;
	r->code = err->code;
	snprintf(r->msg, sizeof(r->msg), "%s", err->msg);
}

static bool node_same(const struct stat *a, const struct stat *b)
{
	return (a->st_mode & S_IFMT) == (b->st_mode & S_IFMT) && a->st_rdev == b->st_rdev;
}

/* In the child, inside the container's mount namespace with "/" its root. want: the host
 * node (create; remove: only a node of that device is removed), or mode 0 (remove any). */
static void node_in_container(enum node_action act, const char *dest, const struct stat *want,
			      struct node_result *r)
{
	_cleanup_close_ int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int dir = -1;
	struct lxc_error err = { 0 };
	struct safe_root root;
	const char *base;
	struct stat cur;

	umask(0);
	if (rootfd < 0) {
		error_sys(&err, errno, "cannot open the container's root directory");
		node_fail(r, &err);
		return;
	}
	safe_root_init(&root, rootfd);
	dir = safe_path_open_parent(&root, dest, act == NODE_CREATE, &base, 0, &err);
	if (dir < 0 && act == NODE_REMOVE && err.code == ENOENT) {
		r->missing = true;
		return;
	}
	if (dir < 0) {
		error_prefix(&err, "\"%s\" in the container", dest);
		node_fail(r, &err);
		return;
	}
	if (fstatat(dir, base, &cur, AT_SYMLINK_NOFOLLOW) == 0) {
		bool is_node = S_ISCHR(cur.st_mode) || S_ISBLK(cur.st_mode);

		if (act == NODE_CREATE) {
			if (is_node && node_same(&cur, want)) {
				r->existed = true;
				return;
			}
			error_set(&err, "destination \"%s\" already exists in the container (a %s)", dest,
				  node_kind(cur.st_mode));
			err.code = EEXIST;
			node_fail(r, &err);
			return;
		}
		if (!is_node) {
			error_set(&err, "\"%s\" in the container is a %s, not a device node; left alone", dest,
				  node_kind(cur.st_mode));
			node_fail(r, &err);
			return;
		}
		if (want->st_mode && !node_same(&cur, want)) {
			error_set(&err, "\"%s\" in the container is another device (%s %u:%u); left alone", dest,
				  node_kind(cur.st_mode), major(cur.st_rdev), minor(cur.st_rdev));
			node_fail(r, &err);
			return;
		}
		r->mode = cur.st_mode;
		r->rdev = cur.st_rdev;
		if (unlinkat(dir, base, 0) < 0) {
			error_sys(&err, errno, "failed to remove \"%s\" in the container", dest);
			node_fail(r, &err);
			return;
		}
		return;
	}
	if (errno != ENOENT) {
		error_sys(&err, errno, "cannot look at \"%s\" in the container", dest);
		node_fail(r, &err);
		return;
	}
	if (act == NODE_REMOVE) {
		r->missing = true;
		return;
	}
	if (mknodat(dir, base, want->st_mode & (S_IFMT | 07777), want->st_rdev) < 0) {
		error_sys(&err, errno, "failed to create \"%s\" in the container", dest);
		node_fail(r, &err);
		return;
	}
	/* AT_SYMLINK_NOFOLLOW: were the node swapped for a symlink, only the link changes owner */
	if (fchownat(dir, base, want->st_uid, want->st_gid, AT_SYMLINK_NOFOLLOW) < 0) {
		error_sys(&err, errno, "failed to give \"%s\" in the container the host's owner %u:%u", dest,
			  (unsigned)want->st_uid, (unsigned)want->st_gid);
		unlinkat(dir, base, 0);
		node_fail(r, &err);
		return;
	}
}

/* Join the container's mount namespace in a child. init's pidfd names init itself; the
 * /proc path is the fallback for kernels before 5.8, safe here because init is our
 * child and its pid cannot be reused before we reap it. */
static int node_join(const struct device_target *t)
{
	char path[64];
	int fd, ret;

	if (t->init_pidfd >= 0 && setns(t->init_pidfd, CLONE_NEWNS) == 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)t->init_pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNS);
	close(fd);
	return ret;
}

static int node_run(const struct device_target *t, enum node_action act, const char *dest, const struct stat *want,
		    struct node_result *res, struct lxc_error *err)
{
	int p[2], status;
	ssize_t n;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(p, O_CLOEXEC) < 0)
		return error_sys(err, errno, "pipe failed");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return error_sys(err, errno, "fork failed");
	}
	if (pid == 0) {
		struct node_result r = { 0 };

		close(p[0]);
		if (node_join(t) < 0) {
			struct lxc_error e = { 0 };

			error_sys(&e, errno, "failed to join the mount namespace of the container's init (pid %d)",
				  (int)t->init_pid);
			node_fail(&r, &e);
		} else {
			node_in_container(act, dest, want, &r);
		}
		_exit(write_full(p[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	n = read_full(p[0], res, sizeof(*res));
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(*res))
		return error_set(err, "the helper in the container's mount namespace died before it answered");
	if (res->ret < 0) {
		err->code = res->code;
		snprintf(err->msg, sizeof(err->msg), "%s", res->msg);
		return -1;
	}
	return 0;
}

static int device_not_a_node(const char *path, mode_t mode, struct lxc_error *err)
{
	error_set(err, "\"%s\" is a %s, not a device node (a character or block device)", path, node_kind(mode));
	if (err)
		err->code = ENODEV;
	return -1;
}

int device_node_add(struct device_target *t, const char *host_path, const char *dest, char **out,
		    struct lxc_error *err)
{
	_cleanup_free_ char *rule = NULL;
	struct node_result res;
	struct stat host;

	if (stat(host_path, &host) < 0) {
		if (errno == ENOENT)
			return error_sys(err, ENOENT, "no such device \"%s\" on the host", host_path);
		return error_sys(err, errno, "cannot look at \"%s\" on the host", host_path);
	}
	if (!S_ISCHR(host.st_mode) && !S_ISBLK(host.st_mode))
		return device_not_a_node(host_path, host.st_mode, err);
	if (node_run(t, NODE_CREATE, dest, &host, &res, err) < 0)
		return -1;
	rule = device_rule(host.st_mode, host.st_rdev);
	/* the node first: were the rule added first, undoing it could revoke one from the config */
	if (cgroup_device_add(t->cgroup, rule, err) < 0) {
		struct node_result undo;
		struct lxc_error e = { 0 };

		if (!res.existed && node_run(t, NODE_REMOVE, dest, &host, &undo, &e) < 0)
			WARN("lxc-device: could not remove \"%s\" again: %s", dest, e.msg);
		return error_prefix(err, "cannot allow the container to use \"%s\" (%s)", host_path, rule);
	}
	*out = xasprintf("added %s %s (%s) as \"%s\"%s", node_kind(host.st_mode), host_path, rule, dest,
			 res.existed ? " (the node was there already)" : "");
	return 0;
}

int device_node_del(struct device_target *t, const char *host_path, const char *dest, char **out,
		    struct lxc_error *err)
{
	_cleanup_free_ char *rule = NULL;
	struct stat host, none = { 0 };
	struct node_result res;
	bool have_host = stat(host_path, &host) == 0;

	if (have_host && !S_ISCHR(host.st_mode) && !S_ISBLK(host.st_mode))
		return device_not_a_node(host_path, host.st_mode, err);
	if (node_run(t, NODE_REMOVE, dest, have_host ? &host : &none, &res, err) < 0)
		return -1;
	if (res.missing && !have_host)
		return error_sys(err, ENOENT, "no device node \"%s\" in the container and no \"%s\" on the host", dest,
				 host_path);
	rule = have_host ? device_rule(host.st_mode, host.st_rdev) : device_rule(res.mode, res.rdev);
	if (cgroup_device_remove(t->cgroup, rule, err) < 0)
		return error_prefix(err, "removed \"%s\" but cannot revoke the container's access (%s)", dest, rule);
	*out = xasprintf("removed \"%s\" and its device rule (%s)%s", dest, rule,
			 res.missing ? " (there was no node in the container)" : "");
	return 0;
}
