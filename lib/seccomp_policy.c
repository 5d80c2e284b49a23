/* LXC's seccomp policy language, versions 1 and 2, parsed into a struct seccomp_policy.
 * Text only, no libseccomp here: syscall names are resolved per architecture when compiling. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>

#include "log.h"
#include "seccomp.h"

struct parser {
	struct seccomp_policy *p;
	unsigned line;
	unsigned section;                 /* arches of the current [section]; 0: skipped */
	struct seccomp_action rule_default;
	struct lxc_error *err;
};

static int parse_error(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int parse_error(struct parser *ps, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_set(ps->err, "%s:%u: %s", ps->p->source, ps->line, msg);
}

/* Section names LXC knows (plus the usual aliases). Sections for architectures this
 * filter does not cover are skipped, as LXC skips those that are not native. */
static const struct {
	const char *name;
	unsigned arches;
} sections[] = {
	{ "all", SECCOMP_ARCH_ALL },
	{ "x86_64", SECCOMP_ARCH_X86_64 }, { "amd64", SECCOMP_ARCH_X86_64 },
	{ "x86", SECCOMP_ARCH_I386 }, { "i386", SECCOMP_ARCH_I386 }, { "i486", SECCOMP_ARCH_I386 },
	{ "i586", SECCOMP_ARCH_I386 }, { "i686", SECCOMP_ARCH_I386 },
	{ "x32", SECCOMP_ARCH_X32 },
	{ "arm", 0 }, { "armel", 0 }, { "armhf", 0 }, { "arm64", 0 }, { "aarch64", 0 },
	{ "ppc", 0 }, { "powerpc", 0 }, { "ppc64", 0 }, { "ppc64le", 0 }, { "ppc64el", 0 },
	{ "mips", 0 }, { "mipsel", 0 }, { "mips64", 0 }, { "mips64n32", 0 }, { "mipsel64", 0 },
	{ "mipsel64n32", 0 }, { "s390", 0 }, { "s390x", 0 }, { "riscv64", 0 }, { "loongarch64", 0 },
	{ "parisc", 0 }, { "parisc64", 0 },
};

static const struct {
	const char *symbol, *libseccomp_name;
	enum seccomp_cmp_op op;
} cmp_ops[] = {
	{ "!=", "SCMP_CMP_NE", SECCOMP_CMP_NE }, { "<", "SCMP_CMP_LT", SECCOMP_CMP_LT },
	{ "<=", "SCMP_CMP_LE", SECCOMP_CMP_LE }, { "==", "SCMP_CMP_EQ", SECCOMP_CMP_EQ },
	{ ">=", "SCMP_CMP_GE", SECCOMP_CMP_GE }, { ">", "SCMP_CMP_GT", SECCOMP_CMP_GT },
	{ "&=", "SCMP_CMP_MASKED_EQ", SECCOMP_CMP_MASKED_EQ },
};

static char *skip_space(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A word ends at blank space or where an argument filter starts. */
static size_t word_len(const char *s)
{
	return strcspn(s, " \t[");
}

static bool word_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && strncmp(s, word, n) == 0;
}

/* Numbers in argument filters: decimal, 0x hex or 0 octal, as LXC reads them. */
static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* '#' starts a comment at the beginning of a line or after blank space (LXC only knows
 * whole-line comments, but ignores what follows a rule's action, so both work there). */
static char *strip_comment(char *line)
{
	for (char *s = line; *s; s++)
		if (*s == '#' && (s == line || s[-1] == ' ' || s[-1] == '\t')) {
			*s = '\0';
			break;
		}
	return str_trim(line);
}

const char *seccomp_action_format(const struct seccomp_action *a, char *buf, size_t size)
{
	static const char *const names[] = {
		[SECCOMP_ACTION_KILL] = "kill", [SECCOMP_ACTION_ERRNO] = "errno",
		[SECCOMP_ACTION_ALLOW] = "allow", [SECCOMP_ACTION_TRAP] = "trap",
		[SECCOMP_ACTION_NOTIFY] = "notify",
	};

	if (a->kind == SECCOMP_ACTION_ERRNO)
		snprintf(buf, size, "errno %u", a->errno_value);
	else
		snprintf(buf, size, "%s", names[a->kind]);
	return buf;
}

/* kill | errno N | allow | trap | notify, at *pos; advances *pos past it. */
static int parse_action(struct parser *ps, char **pos, struct seccomp_action *a)
{
	char *s = *pos;
	size_t n = word_len(s);

	a->errno_value = 0;
	if (word_is(s, n, "kill")) {
		a->kind = SECCOMP_ACTION_KILL;
	} else if (word_is(s, n, "allow")) {
		a->kind = SECCOMP_ACTION_ALLOW;
	} else if (word_is(s, n, "trap")) {
		a->kind = SECCOMP_ACTION_TRAP;
	} else if (word_is(s, n, "notify")) {
		a->kind = SECCOMP_ACTION_NOTIFY;
		ps->p->notify = true;
	} else if (word_is(s, n, "errno")) {
		char num[16];
		size_t m;

		s = skip_space(s + n);
		m = word_len(s);
		if (m == 0)
			return parse_error(ps, "\"errno\" needs a value (errno N)");
		snprintf(num, sizeof(num), "%.*s", (int)m, s);
		if (m >= sizeof(num) || str_to_uint(num, &a->errno_value) < 0 || a->errno_value > 4095)
			return parse_error(ps, "errno value \"%.*s\" is not a number from 0 to 4095", (int)m, s);
		a->kind = SECCOMP_ACTION_ERRNO;
		n = m;
	} else {
		return parse_error(ps, "unknown action \"%.*s\" (expected kill, errno N, allow, trap or notify)",
				   (int)n, s);
	}
	*pos = s + n;
	return 0;
}

/* [index,value,op] or [index,value,op,mask]; *pos is at the '['. */
static int parse_arg(struct parser *ps, char **pos, struct seccomp_rule *r)
{
	char *open = *pos, *close = strchr(open, ']');
	_cleanup_free_ char *text = NULL;
	char *fields[5];
	size_t nfields = 0;
	struct seccomp_arg_cmp *c;
	uint64_t index;
	size_t i;

	if (!close)
		return parse_error(ps, "argument filter \"%s\" lacks its closing \"]\"", open);
	if (r->nargs == SECCOMP_MAX_ARGS)
		return parse_error(ps, "more than %d argument filters", SECCOMP_MAX_ARGS);
	*close = '\0';
	text = xstrdup(open + 1);
	for (char *f = open + 1, *comma;; f = comma + 1) {
		if (nfields == ARRAY_SIZE(fields))
			break;
		comma = strchr(f, ',');
		if (comma)
			*comma = '\0';
		fields[nfields++] = str_trim(f);
		if (!comma)
			break;
	}
	if (nfields < 3 || nfields > 4)
		return parse_error(ps, "argument filter [%s] needs index,value,op[,mask]", text);
	c = &r->args[r->nargs];
	if (parse_u64(fields[0], &index) < 0 || index >= SECCOMP_MAX_ARGS)
		return parse_error(ps, "argument index \"%s\" is not a number from 0 to 5", fields[0]);
	c->index = (unsigned)index;
	for (i = 0; i < r->nargs; i++)
		if (r->args[i].index == c->index)
			return parse_error(ps, "argument %u is compared twice in one rule", c->index);
	if (parse_u64(fields[1], &c->value) < 0)
		return parse_error(ps, "argument value \"%s\" is not a number", fields[1]);
	for (i = 0; i < ARRAY_SIZE(cmp_ops); i++)
		if (!strcmp(fields[2], cmp_ops[i].symbol) || !strcmp(fields[2], cmp_ops[i].libseccomp_name))
			break;
	if (i == ARRAY_SIZE(cmp_ops))
		return parse_error(ps, "unknown comparison \"%s\" (expected ==, !=, <, <=, >, >= or &=)", fields[2]);
	c->op = cmp_ops[i].op;
	/* LXC reads a missing mask as 0 */
	c->mask = 0;
	if (nfields == 4 && parse_u64(fields[3], &c->mask) < 0)
		return parse_error(ps, "argument mask \"%s\" is not a number", fields[3]);
	r->nargs++;
	*pos = close + 1;
	return 0;
}

static struct seccomp_rule *push_rule(struct seccomp_policy *p)
{
	if (p->nrules == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->rules = xrealloc(p->rules, p->cap * sizeof(*p->rules));
	}
	memset(&p->rules[p->nrules], 0, sizeof(p->rules[0]));
	return &p->rules[p->nrules++];
}

static int parse_section(struct parser *ps, char *s)
{
	size_t n = strlen(s);

	if (s[n - 1] != ']')
		return parse_error(ps, "architecture section \"%s\" lacks its closing \"]\"", s);
	s[n - 1] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(sections); i++)
		if (!strcasecmp(s + 1, sections[i].name)) {
			ps->section = sections[i].arches;
			if (!ps->section)
				DEBUG("%s:%u: skipping section [%s]: not an architecture of this host",
				      ps->p->source, ps->line, s + 1);
			return 0;
		}
	return parse_error(ps, "unknown architecture section \"[%s]\"", s + 1);
}

static int parse_rule_v2(struct parser *ps, char *s)
{
	struct seccomp_rule rule = { .arches = ps->section, .action = ps->rule_default, .line = ps->line };
	_cleanup_free_ char *name = xstrndup(s, word_len(s));

	s = skip_space(s + strlen(name));
	if (!strcmp(name, "reject_force_umount")) {
		/* umount2(target, flags) with MNT_FORCE in flags fails with EACCES */
		if (*s)
			return parse_error(ps, "reject_force_umount takes no action or arguments");
		rule.action = (struct seccomp_action){ SECCOMP_ACTION_ERRNO, EACCES };
		rule.nargs = 1;
		rule.args[0] = (struct seccomp_arg_cmp){ 1, SECCOMP_CMP_MASKED_EQ, MNT_FORCE, MNT_FORCE };
		free(name);
		name = xstrdup("umount2");
	} else {
		if (*s && *s != '[') {
			if (parse_action(ps, &s, &rule.action) < 0)
				return -1;
			s = skip_space(s);
		}
		while (*s == '[') {
			if (parse_arg(ps, &s, &rule) < 0)
				return -1;
			s = skip_space(s);
		}
		if (*s)
			return parse_error(ps, "unexpected \"%s\" after the rule for \"%s\"", s, name);
	}
	rule.syscall = steal_ptr(name);
	*push_rule(ps->p) = rule;
	return 0;
}

static int parse_rule_v1(struct parser *ps, const char *s)
{
	struct seccomp_rule *r;
	int nr;

	if (str_to_int(s, &nr) < 0 || nr < 0 || nr > 65535)
		return parse_error(ps, "\"%s\" is not a syscall number (version 1 lists numbers only)", s);
	r = push_rule(ps->p);
	r->nr = nr;
	r->arches = SECCOMP_ARCH_X86_64;
	r->action = (struct seccomp_action){ SECCOMP_ACTION_ALLOW, 0 };
	r->line = ps->line;
	return 0;
}

/* Line 2: the policy type, and in version 2 an optional default action. */
static int parse_policy_line(struct parser *ps, char *s)
{
	struct seccomp_policy *p = ps->p;
	size_t n = word_len(s);

	if (word_is(s, n, "allowlist") || word_is(s, n, "whitelist"))
		p->allowlist = true;
	else if (word_is(s, n, "denylist") || word_is(s, n, "blacklist"))
		p->allowlist = false;
	else if (n == 0)
		return parse_error(ps, "missing policy type (allowlist or denylist)");
	else
		return parse_error(ps, "unknown policy type \"%.*s\" (expected allowlist, denylist, whitelist or "
				   "blacklist)", (int)n, s);
	if (p->version == 1 && !p->allowlist)
		return parse_error(ps, "version 1 policies can only be an allowlist");
	/* LXC's defaults: a denylist allows what no rule names and kills what one does */
	p->default_action.kind = p->allowlist ? SECCOMP_ACTION_KILL : SECCOMP_ACTION_ALLOW;
	ps->rule_default.kind = p->allowlist ? SECCOMP_ACTION_ALLOW : SECCOMP_ACTION_KILL;
	s = skip_space(s + n);
	if (!*s)
		return 0;
	if (p->version == 1)
		return parse_error(ps, "unexpected \"%s\" after the policy type", s);
	if (parse_action(ps, &s, &p->default_action) < 0)
		return -1;
	s = skip_space(s);
	if (*s)
		return parse_error(ps, "unexpected \"%s\" after the default action", s);
	return 0;
}

static int parse_text(struct seccomp_policy *p, const char *text, size_t len, const char *source,
		      struct lxc_error *err)
{
	struct parser ps = { .p = p, .section = SECCOMP_ARCH_ALL, .err = err };
	_cleanup_free_ char *buf = NULL;
	const char *nul;
	char *line, *next;

	memset(p, 0, sizeof(*p));
	p->source = xstrdup(source ? source : "(seccomp profile)");
	if (len > SECCOMP_MAX_PROFILE_SIZE)
		return error_set(err, "%s: larger than %d bytes", p->source, SECCOMP_MAX_PROFILE_SIZE);
	nul = memchr(text, '\0', len);
	if (nul) {
		ps.line = 1;
		for (const char *c = text; c < nul; c++)
			ps.line += *c == '\n';
		return parse_error(&ps, "contains a NUL byte");
	}
	buf = xstrndup(text, len);
	for (line = buf; line; line = next) {
		char *s;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else if (!*line)
			break;
		ps.line++;
		s = strip_comment(line);
		if (ps.line == 1) {
			if (!*s)
				return parse_error(&ps, "expected the policy version (1 or 2)");
			if (str_to_int(s, &p->version) < 0 || (p->version != 1 && p->version != 2))
				return parse_error(&ps, "unsupported policy version \"%s\" (expected 1 or 2)", s);
			continue;
		}
		if (ps.line == 2) {
			if (parse_policy_line(&ps, s) < 0)
				return -1;
			continue;
		}
		if (!*s)
			continue;
		if (p->version == 1) {
			if (parse_rule_v1(&ps, s) < 0)
				return -1;
		} else if (*s == '[') {
			if (parse_section(&ps, s) < 0)
				return -1;
		} else if (ps.section && parse_rule_v2(&ps, s) < 0) {
			return -1;
		}
	}
	if (ps.line == 0) {
		ps.line = 1;
		return parse_error(&ps, "empty file, expected the policy version (1 or 2)");
	}
	if (ps.line == 1) {
		ps.line = 2;
		return parse_error(&ps, "missing policy type (allowlist or denylist)");
	}
	return 0;
}

int seccomp_policy_parse(struct seccomp_policy *p, const char *text, size_t len, const char *source,
			 struct lxc_error *err)
{
	if (parse_text(p, text, len, source, err) < 0) {
		seccomp_policy_free(p);
		return -1;
	}
	return 0;
}

int seccomp_policy_load(struct seccomp_policy *p, const char *path, struct lxc_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	memset(p, 0, sizeof(*p));
	if (file_read(path, &text, &len, err) < 0)
		return error_prefix(err, "seccomp profile");
	return seccomp_policy_parse(p, text, len, path, err);
}

void seccomp_policy_free(struct seccomp_policy *p)
{
	for (size_t i = 0; i < p->nrules; i++)
		free(p->rules[i].syscall);
	free(p->rules);
	free(p->source);
	memset(p, 0, sizeof(*p));
}
