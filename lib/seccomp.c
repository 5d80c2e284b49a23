/* Seccomp programs for a container: the build-time default, profiles compiled on demand
 * and kept in a content-keyed BPF cache, and the install in the container's child. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "seccomp.h"

void seccomp_program_free(struct seccomp_program *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

/* ---- the BPF cache ---------------------------------------------------------------------- */

/* <dir>/<16 hex digits>.bpf: this header, the profile text, the instructions. The name is
 * a hash of compiler and text; reading back compares the text itself, so a hash collision
 * is only a cache miss. */
#define CACHE_MAGIC "LXCSBPF1"
struct cache_header {
	char magic[8];
	uint32_t text_len;
	uint32_t insn_count;
	uint32_t flags; /* bit 0: notify */
	uint32_t reserved;
	uint64_t checksum; /* FNV-1a over compiler, text and instructions: torn or rotten files */
	char compiler[32];
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *b = data;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}
#define FNV_OFFSET 0xcbf29ce484222325ULL

static uint64_t cache_checksum(const struct cache_header *h, const char *text, const void *insns)
{
	uint64_t sum = fnv1a(FNV_OFFSET, h->compiler, sizeof(h->compiler));

	sum = fnv1a(sum, text, h->text_len);
	return fnv1a(sum, insns, (size_t)h->insn_count * sizeof(struct sock_filter));
}

static char *cache_path(const char *dir, const char *text, size_t len)
{
	const char *compiler = seccomp_compiler();
	uint64_t h = fnv1a(FNV_OFFSET, compiler, strlen(compiler) + 1);

	h = fnv1a(h, text, len);
	return xasprintf("%s/%016llx.bpf", dir, (unsigned long long)h);
}

/* The directory must be ours and closed to everyone else: what is read from it is
 * installed without compiling. */
static bool cache_dir_ready(const char *dir)
{
	_cleanup_free_ char *parent = xstrdup(dir);
	char *slash = strrchr(parent, '/');
	struct lxc_error err;
	struct stat st;

	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir_p(parent, 0755, &err) < 0) {
			DEBUG("seccomp cache disabled: %s", err.msg);
			return false;
		}
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		DEBUG("seccomp cache disabled: cannot create \"%s\": %s", dir, strerror(errno));
		return false;
	}
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		WARN("seccomp cache disabled: \"%s\" is not a directory private to uid %d", dir, (int)geteuid());
		return false;
	}
	return true;
}

static bool cache_load(const char *path, const char *text, size_t len, struct seccomp_program *out)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *data = NULL;
	struct cache_header h;
	const char *ctext;
	size_t expect;
	struct stat st;

	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022)) {
		WARN("seccomp cache: ignoring \"%s\": not a regular file only uid %d may write", path, (int)geteuid());
		return false;
	}
	if (st.st_size < (off_t)sizeof(h) ||
	    st.st_size > (off_t)(sizeof(h) + SECCOMP_MAX_PROFILE_SIZE + BPF_MAXINSNS * sizeof(struct sock_filter))) {
		WARN("seccomp cache: \"%s\" is damaged, compiling again", path);
		return false;
	}
	data = xmalloc(st.st_size);
	if (read_full(fd, data, st.st_size) != st.st_size) {
		WARN("seccomp cache: cannot read \"%s\"", path);
		return false;
	}
	memcpy(&h, data, sizeof(h));
	expect = sizeof(h) + (size_t)h.text_len + (size_t)h.insn_count * sizeof(struct sock_filter);
	ctext = data + sizeof(h);
	if (memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) || expect != (size_t)st.st_size ||
	    h.insn_count == 0 || h.insn_count > BPF_MAXINSNS || h.flags > 1) {
		WARN("seccomp cache: \"%s\" is damaged, compiling again", path);
		return false;
	}
	if (strncmp(h.compiler, seccomp_compiler(), sizeof(h.compiler)) || h.text_len != len ||
	    memcmp(ctext, text, len))
		return false; /* another profile or compiler under the same name */
	out->buf = xmalloc((size_t)h.insn_count * sizeof(struct sock_filter));
	memcpy(out->buf, ctext + len, (size_t)h.insn_count * sizeof(struct sock_filter));
	if (h.checksum != cache_checksum(&h, ctext, out->buf) || !seccomp_bpf_valid(out->buf, h.insn_count)) {
		WARN("seccomp cache: \"%s\" is damaged, compiling again", path);
		seccomp_program_free(out);
		return false;
	}
	out->insns = out->buf;
	out->len = (unsigned short)h.insn_count;
	out->notify = h.flags & 1;
	out->origin = SECCOMP_ORIGIN_CACHED;
	return true;
}

static void cache_store(const char *path, const char *text, size_t len, const struct seccomp_program *prog)
{
	size_t code = (size_t)prog->len * sizeof(struct sock_filter);
	size_t total = sizeof(struct cache_header) + len + code;
	_cleanup_free_ char *data = xzalloc(total);
	struct cache_header h = { .text_len = (uint32_t)len, .insn_count = prog->len, .flags = prog->notify };
	struct lxc_error err;

	memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
	snprintf(h.compiler, sizeof(h.compiler), "%s", seccomp_compiler());
	h.checksum = cache_checksum(&h, text, prog->insns);
	memcpy(data, &h, sizeof(h));
	memcpy(data + sizeof(h), text, len);
	memcpy(data + sizeof(h) + len, prog->insns, code);
	if (file_write_replace(path, data, total, 0600, &err) < 0)
		WARN("seccomp cache: %s", err.msg);
	else
		DEBUG("seccomp cache: stored \"%s\"", path);
}

/* ---- prepare and install ---------------------------------------------------------------- */

/* LXC loads no profile when the kernel lacks seccomp or the task is already confined. */
static bool seccomp_wanted(const struct seccomp_options *opts)
{
	_cleanup_free_ char *status = NULL;
	const char *line;

	if (file_read(opts->status_path ? opts->status_path : "/proc/self/status", &status, NULL, NULL) < 0)
		return true;
	line = strstr(status, "\nSeccomp:");
	if (!line) {
		INFO("the kernel has no seccomp support: not loading a seccomp profile");
		return false;
	}
	if (strtol(line + strlen("\nSeccomp:"), NULL, 10) != 0 && !opts->allow_nesting) {
		INFO("already confined by seccomp: not loading a seccomp profile (see lxc.seccomp.allow_nesting)");
		return false;
	}
	return true;
}

static bool embedded_available(void)
{
	return &seccomp_embedded_default != NULL;
}

static int use_embedded(struct seccomp_program *out, struct lxc_error *err)
{
	if (!embedded_available())
		return error_set(err, "the default seccomp profile is not built into this binary");
	out->insns = seccomp_embedded_default.insns;
	out->len = seccomp_embedded_default.len;
	out->notify = seccomp_embedded_default.notify;
	out->origin = SECCOMP_ORIGIN_EMBEDDED;
	return 0;
}

static bool is_lxc_common_profile(const char *path)
{
	return !strcmp(path, SECCOMP_LXC_COMMON_PROFILE) || !strcmp(path, LXC_DATADIR "/config/common.seccomp");
}

int seccomp_prepare(const char *profile, const struct seccomp_options *opts, struct seccomp_program *out,
		    struct lxc_error *err)
{
	static const struct seccomp_options defaults;
	_cleanup_free_ char *text = NULL, *cached = NULL;
	struct seccomp_policy policy;
	const char *dir;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &defaults;
	if (!profile || !*profile)
		return 0;
	if (!seccomp_wanted(opts)) {
		out->origin = SECCOMP_ORIGIN_SKIPPED;
		return 0;
	}
	if (!strcmp(profile, "default"))
		return use_embedded(out, err);
	if (file_read(profile, &text, &len, err) < 0) {
		if (err && err->code == ENOENT && is_lxc_common_profile(profile)) {
			INFO("\"%s\" is not installed: using the built-in default seccomp profile", profile);
			return use_embedded(out, err);
		}
		return error_prefix(err, "seccomp profile");
	}
	if (embedded_available() && len == seccomp_embedded_default.text_len &&
	    !memcmp(text, seccomp_embedded_default.text, len))
		return use_embedded(out, err);
	if (len > SECCOMP_MAX_PROFILE_SIZE)
		return error_set(err, "seccomp profile \"%s\" is larger than %d bytes", profile,
				 SECCOMP_MAX_PROFILE_SIZE);

	dir = opts->cache_dir ? opts->cache_dir : SECCOMP_CACHE_DIR;
	if (*dir && cache_dir_ready(dir)) {
		cached = cache_path(dir, text, len);
		if (cache_load(cached, text, len, out)) {
			DEBUG("seccomp profile \"%s\" loaded from the cache \"%s\"", profile, cached);
			return 0;
		}
	}
	if (seccomp_policy_parse(&policy, text, len, profile, err) < 0)
		return -1;
	ret = seccomp_compile_bounded(&policy, opts->compile_timeout_ms, out, NULL, err);
	seccomp_policy_free(&policy);
	if (ret < 0)
		return -1;
	if (cached)
		cache_store(cached, text, len, out);
	return 0;
}

int seccomp_install(const struct seccomp_program *p, int *notify_fd, struct lxc_error *err)
{
	struct sock_fprog prog = { .len = p->len, .filter = (struct sock_filter *)p->insns };
	unsigned flags = p->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	long ret;

	if (notify_fd)
		*notify_fd = -1;
	if (!p->insns)
		return 0;
	if (p->notify && !notify_fd)
		return error_set(err, "the seccomp profile has notify rules but the caller takes no listener fd");
	ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (ret < 0 && errno == ENOSYS && !p->notify)
		ret = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	if (ret < 0 && errno == EACCES)
		return error_sys(err, errno, "cannot install the seccomp filter without CAP_SYS_ADMIN or no_new_privs");
	if (ret < 0)
		return error_sys(err, errno, "cannot install the seccomp filter");
	if (p->notify)
		*notify_fd = (int)ret;
	return 0;
}
