/* AppArmor and SELinux labels. Only the exec label is set: the kernel applies it at
 * the container init's execve, so our own setup code runs unconfined. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "lsm.h"
#include "runtime.h"
#include "utils.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

#define APPARMOR_FS "/sys/kernel/security/apparmor"

bool lsm_apparmor_enabled(void)
{
	char *buf = NULL;
	bool on = false;

	if (file_read("/sys/module/apparmor/parameters/enabled", &buf, NULL, NULL) == 0)
		on = buf[0] == 'Y';
	free(buf);
	return on && is_dir(APPARMOR_FS);
}

bool lsm_selinux_enabled(void)
{
	char *buf = NULL;
	bool on = false;

	if (file_read("/sys/fs/selinux/enforce", &buf, NULL, NULL) == 0)
		on = true;
	free(buf);
	return on;
}

static bool apparmor_profile_loaded(const char *profile)
{
	_cleanup_free_ char *list = NULL;
	size_t n = strlen(profile);

	if (file_read(APPARMOR_FS "/profiles", &list, NULL, NULL) < 0)
		return false;
	for (char *line = list; line && *line;) {
		char *next = strchr(line, '\n');

		if (strncmp(line, profile, n) == 0 && line[n] == ' ')
			return true;
		line = next ? next + 1 : NULL;
	}
	return false;
}

/* The profile LXC calls "generated": container-base rules plus nesting when allowed. */
static char *apparmor_generated_text(const char *profile, const struct lxc_conf *conf)
{
	char *text = xasprintf(
		"#include <tunables/global>\n"
		"profile \"%s\" flags=(attach_disconnected,mediate_deleted) {\n"
		"  #include <abstractions/lxc/container-base>\n"
		"  deny mount fstype=devpts,\n"
		"  mount fstype=cgroup -> /sys/fs/cgroup/**,\n"
		"  mount fstype=cgroup2 -> /sys/fs/cgroup/**,\n"
		"  deny /dev/.lxc/proc/** rw,\n"
		"  deny /dev/.lxc/sys/** rw,\n"
		"%s"
		"}\n",
		profile,
		conf->apparmor_allow_nesting > 0 ? "  mount fstype=proc -> /usr/lib/*/lxc/**,\n"
						    "  mount fstype=sysfs -> /usr/lib/*/lxc/**,\n"
						    "  pivot_root,\n" : "");

	for (size_t i = 0; i < conf->apparmor_raw.len; i++) {
		char *more = xasprintf("%.*s  %s\n}\n", (int)(strlen(text) - 2), text, conf->apparmor_raw.items[i]);

		free(text);
		text = more;
	}
	return text;
}

static int apparmor_load_generated(const char *profile, const struct lxc_conf *conf, struct lxc_error *err)
{
	_cleanup_free_ char *text = apparmor_generated_text(profile, conf);
	int pipefd[2], status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return error_sys(err, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return error_sys(err, errno, "fork");
	if (pid == 0) {
		dup2(pipefd[0], 0);
		/* replace a profile of that name, no cache: the text is made at every start */
		execlp("apparmor_parser", "apparmor_parser", "-rK", (char *)NULL);
		_exit(127);
	}
	close(pipefd[0]);
	if (write_full(pipefd[1], text, strlen(text)) < 0)
		WARN("failed to send the AppArmor profile to apparmor_parser");
	close(pipefd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return error_set(err, "apparmor_parser failed to load the generated profile \"%s\"%s", profile,
				 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (apparmor_parser not found)" : "");
	return 0;
}

/* A task's label as /proc/PID/attr/current shows it, without AppArmor's " (enforce)" mode. */
static char *read_label(const char *pid, bool apparmor)
{
	_cleanup_free_ char *path = xasprintf("/proc/%s/attr/apparmor/current", pid);
	char *text = NULL, *mode;
	size_t len;

	if (!apparmor || !path_exists(path)) {
		free(path);
		path = xasprintf("/proc/%s/attr/current", pid);
	}
	if (file_read(path, &text, &len, NULL) < 0)
		return NULL;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\0'))
		text[--len] = '\0';
	mode = strrchr(text, ' ');
	if (apparmor && mode && mode[1] == '(' && text[len - 1] == ')')
		*mode = '\0';
	return text;
}

static bool apparmor_self_unconfined(void)
{
	_cleanup_free_ char *label = read_label("self", true);

	return !label || strcmp(label, "unconfined") == 0;
}

static int prepare_apparmor(struct lsm_plan *p, const struct lxc_conf *conf, const char *name,
			    const char *lxcpath, struct lxc_error *err)
{
	const char *profile = conf->apparmor_profile;

	if (!lsm_apparmor_enabled()) {
		if (profile && strcmp(profile, "unconfined") != 0)
			INFO("AppArmor is not enabled in the kernel: lxc.apparmor.profile \"%s\" ignored", profile);
		return 0;
	}
	if (!profile)
		profile = apparmor_profile_loaded("lxc-container-default-cgns") ? "lxc-container-default-cgns" : NULL;
	if (!profile) {
		if (apparmor_self_unconfined())
			WARN("no AppArmor profile set and lxc-container-default-cgns is not loaded: running unconfined");
		else
			WARN("no AppArmor profile set and lxc-container-default-cgns is not loaded: keeping lxc-start's own profile");
		return 0;
	}
	if (strcmp(profile, "unchanged") == 0)
		return 0;
	if (strcmp(profile, "unconfined") == 0) {
		/* only a confined caller has something to leave */
		if (!apparmor_self_unconfined()) {
			p->kind = LSM_APPARMOR;
			p->label = xstrdup(profile);
		}
		return 0;
	}
	if (!is_dir(APPARMOR_FS "/features/mount") && conf->apparmor_allow_incomplete <= 0)
		return error_set(err, "AppArmor cannot mediate mounts on this kernel: refusing to start confined "
				      "(set lxc.apparmor.allow_incomplete = 1 to accept it)");
	if (strcmp(profile, "generated") == 0) {
		_cleanup_free_ char *gen = xasprintf("lxc-%s_<%s>", name, lxcpath);

		if (apparmor_load_generated(gen, conf, err) < 0)
			return -1;
		p->label = steal_ptr(gen);
		p->generated = true;
	} else {
		if (!apparmor_profile_loaded(profile))
			return error_set(err, "AppArmor profile \"%s\" is not loaded", profile);
		p->label = xstrdup(profile);
	}
	p->kind = LSM_APPARMOR;
	return 0;
}

int lsm_prepare(struct lsm_plan *p, const struct lxc_conf *conf, const char *name, const char *lxcpath,
		struct lxc_error *err)
{
	memset(p, 0, sizeof(*p));
	p->attr_fd = -1;
	if (conf->selinux_context && lsm_selinux_enabled()) {
		p->kind = LSM_SELINUX;
		p->label = xstrdup(conf->selinux_context);
		return 0;
	}
	if (conf->selinux_context)
		INFO("SELinux is not enabled: lxc.selinux.context ignored");
	return prepare_apparmor(p, conf, name, lxcpath, err);
}

int lsm_prepare_attach(struct lsm_plan *p, pid_t init_pid, struct lxc_error *err)
{
	_cleanup_free_ char *pid = xasprintf("%d", (int)init_pid);
	bool apparmor = lsm_apparmor_enabled();
	char *label;

	memset(p, 0, sizeof(*p));
	p->attr_fd = -1;
	if (!apparmor && !lsm_selinux_enabled())
		return 0;
	label = read_label(pid, apparmor);
	if (!label)
		return error_sys(err, errno, "cannot read the security label of the container's init (pid %s)", pid);
	p->kind = apparmor ? LSM_APPARMOR : LSM_SELINUX;
	p->label = label;
	/* unconfined init, unconfined caller: nothing to change */
	if (apparmor && strcmp(label, "unconfined") == 0 && apparmor_self_unconfined())
		lsm_plan_free(p);
	return 0;
}

int lsm_unload_generated(struct lsm_plan *p, struct lxc_error *err)
{
	struct lxc_error e = { 0 };

	if (!p->generated || !p->label)
		return 0;
	if (file_write_str(APPARMOR_FS "/.remove", p->label, &e) < 0 && e.code != ENOENT)
		return error_sys(err, e.code, "failed to unload the AppArmor profile \"%s\"", p->label);
	DEBUG("unloaded the generated AppArmor profile \"%s\"", p->label);
	return 0;
}

int lsm_open_attr(struct lsm_plan *p, struct lxc_error *err)
{
	const char *path;
	struct statfs sfs;

	if (p->kind == LSM_NONE || !p->label)
		return 0;
	path = p->kind == LSM_APPARMOR && path_exists("/proc/self/attr/apparmor/exec")
		       ? "/proc/self/attr/apparmor/exec" : "/proc/self/attr/exec";
	p->attr_fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (p->attr_fd < 0)
		return error_sys(err, errno, "failed to open \"%s\"", path);
	/* a tmpfs or bind mount over /proc would swallow the label silently */
	if (fstatfs(p->attr_fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return error_set(err, "\"%s\" is not on procfs: refusing to set the security label", path);
	return 0;
}

int lsm_apply(struct lsm_plan *p, struct lxc_error *err)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n;

	if (p->kind == LSM_NONE || !p->label)
		return 0;
	if (p->attr_fd < 0 && lsm_open_attr(p, err) < 0)
		return -1;
	text = p->kind == LSM_APPARMOR ? xasprintf("exec %s", p->label) : xstrdup(p->label);
	do
		n = write(p->attr_fd, text, strlen(text));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return error_sys(err, errno, "failed to set the %s label \"%s\"",
				 p->kind == LSM_APPARMOR ? "AppArmor" : "SELinux", p->label);
	return 0;
}

void lsm_plan_free(struct lsm_plan *p)
{
	if (p->attr_fd >= 0)
		close(p->attr_fd);
	free(p->label);
	memset(p, 0, sizeof(*p));
	p->attr_fd = -1;
}
