/* The configuration model's life cycle (conf_new/conf_free, conf_load_container)
 * and the small parsers the runtime shares with the key table: signals, caps, namespaces. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>

#include "conf_internal.h"
#include "sysconf.h"

void conf_buf_add(struct conf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += n;
			return;
		}
		b->cap = (b->cap + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
}

struct lxc_conf *conf_new(void)
{
	struct lxc_conf *conf = xzalloc(sizeof(*conf));

	conf->personality = ~0UL;
	conf->monitor_signal_pdeath = SIGKILL;
	conf->no_new_privs = -1;
	conf->keyring_session = -1;
	conf->init_uid = -1;
	conf->init_gid = -1;
	conf->log_level = -1;
	conf->rootfs_managed = -1;
	conf->autodev = -1;
	conf->net_legacy_last = -1;
	return conf;
}

static void kv_free(struct conf_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void conf_free(struct lxc_conf *conf)
{
	if (!conf)
		return;
	free(conf->arch_name);
	free(conf->uts_name);
	strlist_clear(&conf->environment);
	free(conf->time_offset_boot);
	free(conf->time_offset_monotonic);
	free(conf->pivotdir);
	free(conf->init_cmd);
	free(conf->execute_cmd);
	free(conf->init_cwd);
	strlist_clear(&conf->init_groups);
	strlist_clear(&conf->groups);
	free(conf->log_file);
	free(conf->log_syslog);
	free(conf->rootfs_path);
	free(conf->rootfs_mount);
	free(conf->rootfs_options);
	free(conf->rootfs_backend);
	free(conf->mount_fstab);
	strlist_clear(&conf->mount_entries);
	free(conf->shmounts_host);
	free(conf->shmounts_container);
	free(conf->tty_dir);
	free(conf->console_path);
	free(conf->console_logfile);
	free(conf->console_buffer_logfile);
	strlist_clear(&conf->cap_drop);
	strlist_clear(&conf->cap_keep);
	free(conf->apparmor_profile);
	strlist_clear(&conf->apparmor_raw);
	free(conf->selinux_context);
	free(conf->selinux_context_keyring);
	free(conf->seccomp_profile);
	free(conf->seccomp_notify_proxy);
	free(conf->seccomp_notify_cookie);
	free(conf->idmaps);
	for (int i = 0; i < HOOK_COUNT; i++)
		strlist_clear(&conf->hooks[i]);
	kv_free(conf->cgroup, conf->n_cgroup);
	kv_free(conf->cgroup2, conf->n_cgroup2);
	free(conf->cgroup_dir);
	free(conf->cgroup_dir_container);
	free(conf->cgroup_dir_container_inner);
	free(conf->cgroup_dir_monitor);
	free(conf->cgroup_dir_monitor_pivot);
	for (size_t i = 0; i < conf->n_prlimits; i++)
		free(conf->prlimits[i].name);
	free(conf->prlimits);
	kv_free(conf->sysctls, conf->n_sysctls);
	kv_free(conf->procs, conf->n_procs);
	for (int i = 0; i < NS_COUNT; i++)
		free(conf->ns_share[i]);
	conf_net_clear_all(conf);
	free(conf->path);
	conf_lines_free(conf);
	strlist_clear(&conf->includes);
	free(conf->name);
	free(conf);
}

struct conf_net *conf_net_get(struct lxc_conf *conf, int index, bool create)
{
	size_t pos = 0;

	while (pos < conf->n_nets && conf->nets[pos].index < index)
		pos++;
	if (pos < conf->n_nets && conf->nets[pos].index == index)
		return &conf->nets[pos];
	if (!create || index < 0)
		return NULL;
	conf->nets = xrealloc(conf->nets, (conf->n_nets + 1) * sizeof(*conf->nets));
	memmove(&conf->nets[pos + 1], &conf->nets[pos], (conf->n_nets - pos) * sizeof(*conf->nets));
	conf->n_nets++;
	memset(&conf->nets[pos], 0, sizeof(conf->nets[pos]));
	conf->nets[pos].index = index;
	conf->nets[pos].veth_vlan_id = -1;
	conf->nets[pos].ipvlan_mode = -1;
	conf->nets[pos].ipvlan_isolation = -1;
	conf->nets[pos].vlan_id = -1;
	return &conf->nets[pos];
}

/* ---- signals ------------------------------------------------------------------------ */

/* glibc's (and LXC's) real-time range; musl reserves one more, but configs say SIGRTMIN+n
 * meaning LXC's numbering. */
#define CONF_SIGRTMIN 34
#define CONF_SIGRTMAX 64

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "ILL", SIGILL },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "IOT", SIGIOT }, { "BUS", SIGBUS },
	{ "FPE", SIGFPE }, { "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD }, { "CLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO }, { "POLL", SIGPOLL },
	{ "PWR", SIGPWR }, { "SYS", SIGSYS },
};

static int signal_number(const char *s, int *sig)
{
	unsigned v;

	if (str_to_uint(s, &v) < 0 || v > CONF_SIGRTMAX)
		return -1;
	*sig = (int)v;
	return 0;
}

int conf_signal_parse(const char *s, int *sig)
{
	const char *name = s;

	if (!s || !*s)
		return -1;
	if (*s >= '0' && *s <= '9')
		return signal_number(s, sig);
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
		bool min = strncasecmp(name, "RTMIN", 5) == 0;
		const char *rest = name + 5;
		int n = 0, v;

		if (*rest) {
			if (*rest != (min ? '+' : '-') || signal_number(rest + 1, &n) < 0)
				return -1;
		}
		v = min ? CONF_SIGRTMIN + n : CONF_SIGRTMAX - n;
		if (v < CONF_SIGRTMIN || v > CONF_SIGRTMAX)
			return -1;
		*sig = v;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(signal_names); i++) {
		if (strcasecmp(name, signal_names[i].name) == 0) {
			*sig = signal_names[i].sig;
			return 0;
		}
	}
	return -1;
}

/* ---- capabilities ----------------------------------------------------------------- */

/* Indexed by capability number (linux/capability.h). */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
	"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
	"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

int conf_cap_parse(const char *name)
{
	unsigned v;

	if (!name)
		return -1;
	/* LXC also takes numbers, for capabilities newer than its table */
	if (*name >= '0' && *name <= '9')
		return str_to_uint(name, &v) == 0 && v <= 63 ? (int)v : -1;
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (strcmp(name, cap_names[i]) == 0)
			return (int)i;
	return -1;
}

/* ---- namespaces ---------------------------------------------------------------------- */

static const char *const ns_names[NS_COUNT] = {
	[NS_USER] = "user", [NS_MNT] = "mnt", [NS_PID] = "pid", [NS_UTS] = "uts",
	[NS_IPC] = "ipc", [NS_NET] = "net", [NS_CGROUP] = "cgroup", [NS_TIME] = "time",
};

const char *conf_ns_name(enum conf_ns ns)
{
	return (unsigned)ns < NS_COUNT ? ns_names[ns] : NULL;
}

int conf_ns_parse(const char *name)
{
	for (int i = 0; i < NS_COUNT; i++)
		if (strcmp(name, ns_names[i]) == 0)
			return i;
	return -1;
}

/* ---- architectures ------------------------------------------------------------------- */

static const struct {
	const char *name;
	bool bits32;
} arch_names[] = {
	{ "arm", true }, { "armel", true }, { "armhf", true }, { "armv7l", true },
	{ "athlon", true }, { "i386", true }, { "i486", true }, { "i586", true },
	{ "i686", true }, { "linux32", true }, { "mips", true }, { "mipsel", true },
	{ "ppc", true }, { "powerpc", true }, { "x86", true },
	{ "aarch64", false }, { "amd64", false }, { "arm64", false }, { "linux64", false },
	{ "mips64", false }, { "mips64el", false }, { "ppc64", false }, { "ppc64el", false },
	{ "ppc64le", false }, { "powerpc64", false }, { "riscv64", false }, { "s390x", false },
	{ "x86_64", false },
};

int conf_arch_parse(const char *name, unsigned long *personality, const char **normal)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++) {
		if (strcmp(name, arch_names[i].name) == 0) {
			*personality = arch_names[i].bits32 ? PER_LINUX32 : PER_LINUX;
			/* LXC prints the personality, not the name given */
			*normal = arch_names[i].bits32 ? "i686" : "x86_64";
			return 0;
		}
	}
	return -1;
}

/* ---- small value parsers ----------------------------------------------------------------- */

bool conf_value_empty(const char *value)
{
	return !value || !*value;
}

int conf_parse_bool(const char *value, const char *key, int *out, struct lxc_error *err)
{
	if (strcmp(value, "0") == 0)
		*out = 0;
	else if (strcmp(value, "1") == 0)
		*out = 1;
	else
		return error_set(err, "expected 0 or 1, got \"%s\"", value);
	return 0;
}

/* ---- loading a container --------------------------------------------------------------------- */

int conf_load_container(struct lxc_conf *conf, const char *lxcpath, const char *name, const char *rcfile,
			struct lxc_error *err)
{
	struct lxc_sysconf sc = { 0 };
	_cleanup_free_ char *path = NULL;
	int ret;

	if (!name && !rcfile)
		return error_set(err, "no container name and no configuration file given");
	if (!name)
		name = "";
	if (!rcfile && !lxcpath) {
		if (sysconf_load(&sc, err) < 0)
			return -1;
		path = xasprintf("%s/%s/config", sc.lxcpath, name);
		sysconf_free(&sc);
	} else {
		path = rcfile ? xstrdup(rcfile) : xasprintf("%s/%s/config", lxcpath, name);
	}
	if (!path_exists(path))
		return error_sys(err, ENOENT, "%s%sno configuration file \"%s\"", name, *name ? ": " : "", path);
	ret = conf_load_file(conf, path, err);
	if (ret == 0 && *name) {
		free(conf->name);
		conf->name = xstrdup(name);
	}
	return ret;
}
