/* Compiling a parsed seccomp policy with libseccomp into one BPF program for x86_64, i386
 * and x32, in process or in a helper process with a time limit (libseccomp can loop). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
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

/* Whether libseccomp can filter the call on this architecture: it has a number there, or
 * it is one of the socket and ipc calls i386 also reaches through socketcall() and ipc()
 * (libseccomp's pseudo numbers __PNR_socket..__PNR_sendmmsg and __PNR_semop..__PNR_shmctl;
 * it then filters both ways in). */
static bool syscall_on_arch(uint32_t token, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(token, name);

	return nr >= 0 || (nr <= __PNR_socket && nr >= __PNR_sendmmsg) || (nr <= __PNR_semop && nr >= __PNR_shmctl);
}

static bool syscall_known(const char *name)
{
	for (size_t i = 0; i < NARCH; i++)
		if (syscall_on_arch(filter_arches[i].token, name))
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
		if (r->syscall ? !syscall_on_arch(filter_arches[i].token, r->syscall)
			       : filter_arches[i].bit != SECCOMP_ARCH_X86_64)
			continue; /* not a syscall of this architecture */
		added = true;
		rc = seccomp_rule_add_exact_array(ctx[i], action, native, r->nargs, cmp);
		if (rc == -EACCES) {
			/* the action is the default one: nothing to add */
			continue;
		}
		if (rc == -EINVAL && r->nargs && filter_arches[i].bit == SECCOMP_ARCH_I386)
			return error_set(err, "%s:%u: libseccomp cannot add the rule for \"%s\" on i386: its arguments "
					 "cannot be filtered there (socketcall passes them through a pointer); write the "
					 "rule in [x86_64] and [x32] sections instead", p->source, r->line, r->syscall);
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

		free(out->buf);
		out->buf = NULL;
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

bool seccomp_bpf_valid(const struct sock_filter *insns, size_t len)
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


/* ---- compiling in a helper process ---------------------------------------------------------- */

/* The helper's answer: this header, text (the error message, or the warnings, each NUL
 * terminated), then the instructions. */
struct compile_reply {
	int32_t status;
	int32_t code;
	uint32_t nwarnings;
	uint32_t len;
	uint32_t notify;
	uint32_t textlen;
};
#define REPLY_MAX (sizeof(struct compile_reply) + 256 * 1024 + BPF_MAXINSNS * sizeof(struct sock_filter))

static int compile_helper(const struct seccomp_policy *p, int fd)
{
	struct strlist warnings = { 0 };
	struct compile_reply r = { 0 };
	struct seccomp_program prog = { 0 };
	struct lxc_error err = { 0 };
	char *buf, *at;
	size_t text = 0;

	r.status = seccomp_compile(p, &prog, &warnings, &err);
	if (r.status < 0) {
		r.code = err.code;
		text = strlen(err.msg) + 1;
	} else {
		for (size_t i = 0; i < warnings.len; i++)
			text += strlen(warnings.items[i]) + 1;
		r.nwarnings = warnings.len;
		r.len = prog.len;
		r.notify = prog.notify;
	}
	r.textlen = text;
	at = buf = xmalloc(sizeof(r) + text + prog.len * sizeof(struct sock_filter));
	memcpy(at, &r, sizeof(r));
	at += sizeof(r);
	if (r.status < 0) {
		memcpy(at, err.msg, text);
		at += text;
	}
	for (size_t i = 0; r.status == 0 && i < warnings.len; i++) {
		memcpy(at, warnings.items[i], strlen(warnings.items[i]) + 1);
		at += strlen(warnings.items[i]) + 1;
	}
	if (prog.len) {
		memcpy(at, prog.insns, prog.len * sizeof(struct sock_filter));
		at += prog.len * sizeof(struct sock_filter);
	}
	return write_full(fd, buf, at - buf) < 0 ? 1 : 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Read the helper's whole answer, or give up at the deadline (-1, errno ETIMEDOUT). */
static ssize_t read_reply(int fd, char *buf, size_t size, long long deadline)
{
	size_t used = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		n = read(fd, buf + used, size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0 || (used += n) == size)
			return used;
	}
}

static int parse_reply(const struct seccomp_policy *p, const char *buf, size_t n, struct seccomp_program *out,
		       struct strlist *warnings, struct lxc_error *err)
{
	struct compile_reply r;
	const char *text, *end;
	size_t code;

	if (n < sizeof(r))
		return error_set(err, "%s: the seccomp compiler process died", p->source);
	memcpy(&r, buf, sizeof(r));
	text = buf + sizeof(r);
	code = (size_t)r.len * sizeof(struct sock_filter);
	if (r.textlen > n - sizeof(r) || code != n - sizeof(r) - r.textlen || (r.textlen && text[r.textlen - 1]))
		return error_set(err, "%s: the seccomp compiler process sent a damaged answer", p->source);
	if (r.status < 0) {
		error_set(err, "%s", r.textlen ? text : "the seccomp compiler failed");
		if (err)
			err->code = r.code;
		return -1;
	}
	end = text + r.textlen;
	for (const char *w = text; w < end; w += strlen(w) + 1) {
		if (warnings)
			strlist_push(warnings, w);
		else
			WARN("%s", w);
	}
	out->buf = xmalloc(code ? code : 1);
	if (code)
		memcpy(out->buf, end, code);
	if (!seccomp_bpf_valid(out->buf, r.len)) {
		free(out->buf);
		out->buf = NULL;
		return error_set(err, "%s: the seccomp compiler process sent an invalid program", p->source);
	}
	out->insns = out->buf;
	out->len = (unsigned short)r.len;
	out->notify = r.notify;
	out->origin = SECCOMP_ORIGIN_COMPILED;
	return 0;
}

int seccomp_compile_bounded(const struct seccomp_policy *p, int timeout_ms, struct seccomp_program *out,
			    struct strlist *warnings, struct lxc_error *err)
{
	_cleanup_free_ char *buf = NULL;
	int fds[2], status, saved;
	ssize_t n;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	if (pipe2(fds, O_CLOEXEC) < 0)
		return error_sys(err, errno, "cannot create a pipe for the seccomp compiler");
	pid = fork();
	if (pid < 0) {
		saved = errno;
		close(fds[0]);
		close(fds[1]);
		return error_sys(err, saved, "cannot fork the seccomp compiler");
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(compile_helper(p, fds[1]));
	}
	close(fds[1]);
	buf = xmalloc(REPLY_MAX);
	n = read_reply(fds[0], buf, REPLY_MAX, now_ms() + (timeout_ms > 0 ? timeout_ms : 10000));
	saved = errno;
	close(fds[0]);
	if (n < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n < 0 && saved == ETIMEDOUT)
		return error_set(err, "%s: libseccomp did not finish compiling the profile within %d ms (libseccomp 2.5 "
				 "can loop on several <, <=, > or >= comparisons for one syscall)", p->source,
				 timeout_ms > 0 ? timeout_ms : 10000);
	if (n < 0)
		return error_sys(err, saved, "%s: cannot read from the seccomp compiler", p->source);
	return parse_reply(p, buf, n, out, warnings, err);
}
