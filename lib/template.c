/* lxc-create and lxc-destroy: write the config, run the template with LXC's argument
 * convention, prepend LXC's header; remove everything again on failure. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "hooks.h"
#include "log.h"
#include "net.h"
#include "runtime.h"
#include "state.h"
#include "template.h"
#include "utils.h"

/* -t NAME: an executable absolute path, else <datadir>/templates/lxc-NAME. */
static char *template_path(const char *t, struct lxc_error *err)
{
	char *path;
	const char *dir = getenv("LXC_TEMPLATE_DIR");

	if (t[0] == '/') {
		if (access(t, X_OK) < 0)
			return error_sys(err, errno, "template \"%s\" is not executable", t), NULL;
		return xstrdup(t);
	}
	if (strchr(t, '/'))
		return error_set(err, "invalid template name \"%s\"", t), NULL;
	path = xasprintf("%s/lxc-%s", dir && *dir ? dir : LXC_DATADIR "/templates", t);
	if (access(path, X_OK) < 0) {
		error_sys(err, errno, "template \"%s\" not found (looked for \"%s\")", t, path);
		free(path);
		return NULL;
	}
	return path;
}

static int write_initial_config(const struct create_options *o, const char *dir, const char *rootfs,
				struct lxc_error *err)
{
	const char *src = o->config_file ? o->config_file : o->sysconf->default_config;
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *path = xasprintf("%s/config", dir);
	_cleanup_free_ char *out = NULL;
	struct lxc_conf *check;

	if (src && file_read(src, &text, NULL, err) < 0) {
		/* a missing system default is fine; a missing -f file is not */
		if (o->config_file || !err || err->code != ENOENT)
			return -1;
	}
	if (text && *text && text[strlen(text) - 1] != '\n') {
		char *t = xasprintf("%s\n", text);

		free(text);
		text = t;
	}
	if (text) {
		/* "xx" digits of hwaddr keys become fixed here, as LXC writes them */
		char *filled = net_hwaddr_fill_config(text);

		free(text);
		text = filled;
	}
	out = xasprintf("%slxc.rootfs.path = dir:%s\n", text ? text : "", rootfs);
	if (file_write_atomic(path, out, strlen(out), 0640, err) < 0)
		return -1;
	/* refuse a config we could not start later */
	check = conf_new();
	if (conf_load_file(check, path, err) < 0) {
		conf_free(check);
		return -1;
	}
	conf_free(check);
	return 0;
}

static int run_template_script(const char *script, const struct create_options *o, const char *dir,
			       const char *rootfs, struct lxc_error *err)
{
	struct strlist argv = { 0 };
	int status;
	pid_t pid;

	strlist_push(&argv, script);
	strlist_push_owned(&argv, xasprintf("--path=%s", dir));
	strlist_push_owned(&argv, xasprintf("--name=%s", o->name));
	strlist_push_owned(&argv, xasprintf("--rootfs=%s", rootfs));
	for (char *const *a = o->template_args; a && *a; a++)
		strlist_push(&argv, *a);
	pid = fork();
	if (pid < 0) {
		strlist_clear(&argv);
		return error_sys(err, errno, "fork failed");
	}
	if (pid == 0) {
		/* mounts a template makes stay private to it */
		if (unshare(CLONE_NEWNS) == 0)
			mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL);
		execv(script, argv.items);
		fprintf(stderr, "failed to exec template \"%s\": %s\n", script, strerror(errno));
		_exit(127);
	}
	strlist_clear(&argv);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return error_set(err, "template \"%s\" failed (%s %d)", script,
				 WIFEXITED(status) ? "exit status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}

static int prepend_header(const char *dir, const char *template, char *const *args, struct lxc_error *err)
{
	_cleanup_free_ char *path = xasprintf("%s/config", dir);
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *params = xstrdup("");
	_cleanup_free_ char *out = NULL;

	if (file_read(path, &text, NULL, err) < 0)
		return -1;
	{
		/* a template may have written hwaddr keys with "xx" digits too */
		char *filled = net_hwaddr_fill_config(text);

		free(text);
		text = filled;
	}
	for (char *const *a = args; a && *a; a++) {
		char *next = xasprintf("%s %s", params, *a);

		free(params);
		params = next;
	}
	out = xasprintf("# Template used to create this container: %s\n"
			"# Parameters passed to the template:%s\n"
			"# For additional config options, please look at lxc.container.conf(5)\n"
			"\n"
			"# Uncomment the following line to support nesting containers:\n"
			"#lxc.include = " LXC_DATADIR "/config/nesting.conf\n"
			"# (Be aware this has security implications)\n"
			"\n%s",
			template, params, text);
	return file_write_atomic(path, out, strlen(out), 0640, err);
}

int container_create(const struct create_options *o, struct lxc_error *err)
{
	_cleanup_free_ char *dir = container_dir(o->lxcpath, o->name);
	_cleanup_free_ char *rootfs = NULL;
	_cleanup_free_ char *script = NULL;
	const char *t = o->template_name;
	int ret = -1;

	if (container_name_check(o->name, err) < 0)
		return -1;
	if (o->backing && strcmp(o->backing, "dir") != 0 && strcmp(o->backing, "best") != 0)
		return error_set(err, "backing store \"%s\" is not supported (dir, best)", o->backing);
	if (!t)
		return error_set(err, "a template must be given with -t (\"none\" for an empty rootfs)");
	/* resolve everything before touching the disk: a typo creates nothing */
	if (strcmp(t, "busybox") != 0 && strcmp(t, "none") != 0) {
		script = template_path(t, err);
		if (!script)
			return -1;
	}
	if (!is_dir(o->lxcpath) && mkdir_p(o->lxcpath, 0755, err) < 0)
		return -1;
	if (mkdir(dir, 0770) < 0) {
		if (errno == EEXIST)
			return error_set(err, "Container already exists");
		return error_sys(err, errno, "failed to create \"%s\"", dir);
	}
	rootfs = o->rootfs_dir ? xstrdup(o->rootfs_dir) : xasprintf("%s/rootfs", dir);
	if (write_initial_config(o, dir, rootfs, err) < 0)
		goto out;
	if (mkdir(rootfs, 0755) < 0 && errno != EEXIST) {
		error_sys(err, errno, "failed to create \"%s\"", rootfs);
		goto out;
	}
	if (!strcmp(t, "busybox")) {
		if (template_busybox(dir, o->name, rootfs, o->template_args, err) < 0)
			goto out;
	} else if (script && run_template_script(script, o, dir, rootfs, err) < 0) {
		goto out;
	}
	if (strcmp(t, "none") != 0 &&
	    prepend_header(dir, script ? script : LXC_DATADIR "/templates/lxc-busybox", o->template_args, err) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0) {
		struct lxc_error ignored = { 0 };

		if (o->rootfs_dir)
			remove_tree(rootfs, &ignored);
		remove_tree(dir, &ignored);
	}
	return ret;
}

/* "dir:/path" or "/path" -> "/path"; NULL for other backing stores. */
static const char *rootfs_dir_of(const struct lxc_conf *conf)
{
	const char *p = conf->rootfs_path;

	if (!p || !*p)
		return NULL;
	if (str_starts_with(p, "dir:"))
		return p + 4;
	return p[0] == '/' ? p : NULL;
}

int container_destroy(const char *lxcpath, const char *name, struct lxc_error *err)
{
	_cleanup_free_ char *dir = container_dir(lxcpath, name);
	struct runtime_paths paths;
	struct lxc_conf *conf;
	int lock, ret = -1;

	if (container_require_defined(lxcpath, name, err) < 0)
		return -1;
	runtime_paths_init(&paths, lxcpath, name);
	/* holding the lock keeps a start from racing with the removal */
	lock = runtime_lock(&paths, err);
	if (lock < 0) {
		if (err->code == EWOULDBLOCK)
			error_set(err, "%s is running", name);
		runtime_paths_free(&paths);
		return -1;
	}
	conf = container_load_conf(lxcpath, name, NULL, err);
	if (conf) {
		const char *rootfs = rootfs_dir_of(conf);
		_cleanup_free_ char *cfg = container_config_path(lxcpath, name);
		_cleanup_free_ char *e_conf = xasprintf("LXC_CONFIG_FILE=%s", cfg);
		_cleanup_free_ char *e_root = xasprintf("LXC_ROOTFS_PATH=%s", conf->rootfs_path ? conf->rootfs_path : "");
		char *env[] = { e_conf, e_root, NULL };

		/* a rootfs outside the container's directory may be anything (even "/"): leave it */
		if (rootfs && !str_starts_with(rootfs, dir)) {
			WARN("rootfs \"%s\" is outside \"%s\": not removed", rootfs, dir);
			rootfs = NULL;
		}
		if (hooks_run(conf, HOOK_DESTROY, name, env, NULL, err) == 0 &&
		    (!rootfs || remove_tree(rootfs, err) == 0) && remove_tree(dir, err) == 0)
			ret = 0;
		conf_free(conf);
	} else if (remove_tree(dir, err) == 0) {
		/* an unparsable config still goes: its rootfs is unknown, the directory is not */
		ret = 0;
	}
	runtime_unlock(&paths, lock);
	runtime_paths_free(&paths);
	return ret;
}
