/* Seccomp programs: a policy compiled with libseccomp into one BPF filter for x86_64, i386
 * and x32, the build-time default, a content-keyed BPF cache, and the install in the child. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
/* ours, which then pulls in libseccomp's (see lib/seccomp.h) */
#define LXC_SECCOMP_LIBSECCOMP
#include <seccomp.h>

#define XSTR(x) STR(x)
#define STR(x) #x

const char *seccomp_compiler(void)
{
	return "libseccomp " XSTR(SCMP_VER_MAJOR) "." XSTR(SCMP_VER_MINOR) "." XSTR(SCMP_VER_MICRO);
}

/* ---- compiling ------------------------------------------------------------------------ */

static const struct {
	unsigned bit;
	uint32_t token;
	const char *name;
} filter_arches[] = {
	{ SECCOMP_ARCH_X86_64, SCMP_ARCH_X86_64, "x86_64" },
	{ SECCOMP_ARCH_I386, SCMP_ARCH_X86, "i386" },
	{ SECCOMP_ARCH_X32, SCMP_ARCH_X32, "x32" },
};
#define NARCH ARRAY_SIZE(filter_arches)

static uint32_t scmp_action(const struct seccomp_action *a)
{
	switch (a->kind) {
	case SECCOMP_ACTION_ERRNO:
		return SCMP_ACT_ERRNO(a->errno_value);
	case SECCOMP_ACTION_ALLOW:
		return SCMP_ACT_ALLOW;
	case SECCOMP_ACTION_TRAP:
		return SCMP_ACT_TRAP;
	case SECCOMP_ACTION_NOTIFY:
		return SCMP_ACT_NOTIFY;
	case SECCOMP_ACTION_KILL:
		break;
	}
	/* LXC kills the thread; killing the process leaves no half-dead container init */
	return SCMP_ACT_KILL_PROCESS;
}

static enum scmp_compare scmp_op(enum seccomp_cmp_op op)
{
	static const enum scmp_compare ops[] = {
		[SECCOMP_CMP_NE] = SCMP_CMP_NE, [SECCOMP_CMP_LT] = SCMP_CMP_LT,
		[SECCOMP_CMP_LE] = SCMP_CMP_LE, [SECCOMP_CMP_EQ] = SCMP_CMP_EQ,
		[SECCOMP_CMP_GE] = SCMP_CMP_GE, [SECCOMP_CMP_GT] = SCMP_CMP_GT,
		[SECCOMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};

	return ops[op];
}

static void release_contexts(scmp_filter_ctx *ctx)
{
	for (size_t i = 0; i < NARCH; i++)
		if (ctx[i])
			seccomp_release(ctx[i]);
}

/* One context per architecture, each holding only that architecture, so that a rule of
 * an [x86] section lands in the i386 part only; merged into one filter at the end. */
static int make_contexts(const struct seccomp_policy *p, scmp_filter_ctx *ctx, struct lxc_error *err)
{
	uint32_t def = scmp_action(&p->default_action);
	char action[32];
	int rc;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		return error_set(err, "seccomp profiles are only supported on x86_64 hosts");
	for (size_t i = 0; i < NARCH; i++) {
		ctx[i] = seccomp_init(def);
		if (!ctx[i])
			return error_set(err, "%s: libseccomp refuses the default action \"%s\"", p->source,
					 seccomp_action_format(&p->default_action, action, sizeof(action)));
		/* an architecture the filter does not know is killed, whatever the policy */
		rc = seccomp_attr_set(ctx[i], SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
		if (rc == 0 && filter_arches[i].token != SCMP_ARCH_X86_64) {
			rc = seccomp_arch_add(ctx[i], filter_arches[i].token);
			if (rc == 0)
				rc = seccomp_arch_remove(ctx[i], SCMP_ARCH_NATIVE);
		}
		if (rc < 0)
			return error_sys(err, -rc, "%s: libseccomp cannot set up the %s filter", p->source,
					 filter_arches[i].name);
	}
	return 0;
}

int seccomp_syscall_number(const char *name, enum seccomp_arch arch)
{
	for (size_t i = 0; i < NARCH; i++)
		if (filter_arches[i].bit == arch) {
			int nr = seccomp_syscall_resolve_name_arch(filter_arches[i].token, name);

			return nr < 0 ? -1 : nr;
		}
	return -1;
}

static bool syscall_known(const char *name)
{
	for (size_t i = 0; i < NARCH; i++)
		if (seccomp_syscall_resolve_name_arch(filter_arches[i].token, name) >= 0)
			return true;
	return false;
}

static void warn(struct strlist *warnings, char *msg)
{
	if (warnings) {
		strlist_push_owned(warnings, msg);
	} else {
		WARN("%s", msg);
		free(msg);
	}
}

static int add_rule(const struct seccomp_policy *p, const struct seccomp_rule *r, scmp_filter_ctx *ctx,
		    struct strlist *warnings, struct lxc_error *err)
{
	struct scmp_arg_cmp cmp[SECCOMP_MAX_ARGS];
	uint32_t action = scmp_action(&r->action);
	bool added = false;
	int native;

	for (unsigned a = 0; a < r->nargs; a++) {
		const struct seccomp_arg_cmp *c = &r->args[a];

		cmp[a] = (struct scmp_arg_cmp){ .arg = c->index, .op = scmp_op(c->op) };
		/* libseccomp takes the mask first for masked equality */
		if (c->op == SECCOMP_CMP_MASKED_EQ) {
			cmp[a].datum_a = c->mask;
			cmp[a].datum_b = c->value;
		} else {
			cmp[a].datum_a = c->value;
		}
	}
	/* libseccomp takes x86_64 (or pseudo) numbers and translates them by name for the
	 * i386 and x32 contexts; it must only be asked where the syscall exists */
	native = r->syscall ? seccomp_syscall_resolve_name(r->syscall) : r->nr;
	for (size_t i = 0; i < NARCH && native != __NR_SCMP_ERROR; i++) {
		int rc;

		if (!(r->arches & filter_arches[i].bit))
			continue;
		if (r->syscall ? seccomp_syscall_resolve_name_arch(filter_arches[i].token, r->syscall) < 0
			       : filter_arches[i].bit != SECCOMP_ARCH_X86_64)
			continue; /* not a syscall of this architecture */
		added = true;
		rc = seccomp_rule_add_exact_array(ctx[i], action, native, r->nargs, cmp);
		if (rc == -EACCES) {
			/* the action is the default one: nothing to add */
			continue;
		}
		if (rc < 0)
			return error_sys(err, -rc, "%s:%u: libseccomp cannot add the rule for \"%s\" on %s", p->source,
					 r->line, r->syscall ? r->syscall : "(number)", filter_arches[i].name);
	}
	if (added || !r->syscall)
		return 0;
	if (syscall_known(r->syscall)) {
		DEBUG("%s:%u: \"%s\" is no syscall of this section's architectures", p->source, r->line, r->syscall);
		return 0;
	}
	warn(warnings, xasprintf("%s:%u: unknown syscall \"%s\", rule skipped", p->source, r->line, r->syscall));
	return 0;
}

static int rule_key_cmp(const struct seccomp_rule *a, const struct seccomp_rule *b)
{
	if (!a->syscall || !b->syscall)
		return a->syscall ? 1 : b->syscall ? -1 : (a->nr > b->nr) - (a->nr < b->nr);
	return strcmp(a->syscall, b->syscall);
}

static int rule_order(const void *x, const void *y)
{
	const struct seccomp_rule *a = *(const struct seccomp_rule *const *)x, *b = *(const struct seccomp_rule *const *)y;
	int c = rule_key_cmp(a, b);

	return c ? c : (a->line > b->line) - (a->line < b->line);
}

static bool same_action(const struct seccomp_action *a, const struct seccomp_action *b)
{
	return a->kind == b->kind && a->errno_value == b->errno_value;
}

/* libseccomp keeps the first rule without arguments for a syscall and silently drops
 * every other rule for it: say so instead of letting a rule vanish. */
static void warn_moot_rules(const struct seccomp_policy *p, struct strlist *warnings)
{
	_cleanup_free_ const struct seccomp_rule **sorted = xmalloc((p->nrules + 1) * sizeof(*sorted));
	size_t start = 0;

	for (size_t i = 0; i < p->nrules; i++)
		sorted[i] = &p->rules[i];
	qsort(sorted, p->nrules, sizeof(*sorted), rule_order);
	while (start < p->nrules) {
		const struct seccomp_rule *first[NARCH] = { 0 };
		size_t end = start;

		while (end < p->nrules && !rule_key_cmp(sorted[start], sorted[end]))
			end++;
		for (size_t i = start; i < end; i++)
			for (size_t a = 0; a < NARCH; a++)
				if (!first[a] && !sorted[i]->nargs && (sorted[i]->arches & filter_arches[a].bit))
					first[a] = sorted[i];
		for (size_t i = start; i < end; i++) {
			const struct seccomp_rule *r = sorted[i];

			for (size_t a = 0; a < NARCH; a++) {
				const struct seccomp_rule *u = first[a];

				if (!u || u == r || !(r->arches & filter_arches[a].bit) || same_action(&u->action, &r->action))
					continue;
				warn(warnings, xasprintf("%s:%u: the rule for \"%s\" has no effect: line %u already decides "
							 "every call of it", p->source, r->line,
							 r->syscall ? r->syscall : "(number)", u->line));
				break;
			}
		}
		start = end;
	}
}

static bool bpf_program_valid(const struct sock_filter *insns, size_t len)
{
	if (len == 0 || len > BPF_MAXINSNS || BPF_CLASS(insns[len - 1].code) != BPF_RET)
		return false;
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &insns[pc];

		if (BPF_CLASS(f->code) != BPF_JMP)
			continue;
		if (BPF_OP(f->code) == BPF_JA ? pc + 1 + f->k >= len : pc + 1 + f->jt >= len || pc + 1 + f->jf >= len)
			return false;
	}
	return true;
}

static int export_bpf(scmp_filter_ctx ctx, struct seccomp_program *out, struct lxc_error *err)
{
	_cleanup_close_ int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	struct stat st;
	size_t n;
	int rc;

	if (fd < 0)
		return error_sys(err, errno, "cannot create a memfd for the seccomp program");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0)
		return error_sys(err, -rc, "libseccomp cannot generate the BPF program");
	if (fstat(fd, &st) < 0)
		return error_sys(err, errno, "cannot stat the seccomp program memfd");
	n = (size_t)st.st_size / sizeof(struct sock_filter);
	if (st.st_size % sizeof(struct sock_filter) || n == 0 || n > BPF_MAXINSNS)
		return error_set(err, "the seccomp program has %zu instructions (at most %d fit in a filter)", n,
				 BPF_MAXINSNS);
	out->buf = xmalloc(st.st_size);
	if (pread(fd, out->buf, st.st_size, 0) != st.st_size) {
		int saved = errno;

		seccomp_program_free(out);
		return error_sys(err, saved, "cannot read the seccomp program back");
	}
	out->insns = out->buf;
	out->len = (unsigned short)n;
	return 0;
}

int seccomp_compile(const struct seccomp_policy *p, struct seccomp_program *out, struct strlist *warnings,
		    struct lxc_error *err)
{
	scmp_filter_ctx ctx[NARCH] = { 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	if (make_contexts(p, ctx, err) < 0)
		goto fail;
	warn_moot_rules(p, warnings);
	for (size_t i = 0; i < p->nrules; i++)
		if (add_rule(p, &p->rules[i], ctx, warnings, err) < 0)
			goto fail;
	for (size_t i = 1; i < NARCH; i++) {
		rc = seccomp_merge(ctx[0], ctx[i]);
		if (rc < 0) {
			error_sys(err, -rc, "%s: libseccomp cannot merge the %s filter", p->source, filter_arches[i].name);
			goto fail;
		}
		ctx[i] = NULL; /* merged, and released by libseccomp */
	}
	if (export_bpf(ctx[0], out, err) < 0) {
		error_prefix(err, "%s", p->source);
		goto fail;
	}
	release_contexts(ctx);
	out->notify = p->notify;
	out->origin = SECCOMP_ORIGIN_COMPILED;
	return 0;
fail:
	release_contexts(ctx);
	return -1;
}

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
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) ||
	    st.st_size < (off_t)sizeof(h) || st.st_size > (off_t)(sizeof(h) + SECCOMP_MAX_PROFILE_SIZE +
								  BPF_MAXINSNS * sizeof(struct sock_filter))) {
		WARN("seccomp cache: ignoring \"%s\" (not a private regular file of a sane size)", path);
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
	if (h.checksum != cache_checksum(&h, ctext, out->buf) || !bpf_program_valid(out->buf, h.insn_count)) {
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
	if (file_write_atomic(path, data, total, 0600, &err) < 0)
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
	ret = seccomp_compile(&policy, out, NULL, err);
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
