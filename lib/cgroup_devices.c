/* Device rules ("c 1:3 rwm"), the allow/deny list semantics of lxc.container.conf(5), and
 * the cgroup2 BPF_PROG_TYPE_CGROUP_DEVICE program built from them (load/attach/replace). */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "log.h"

/* ---- rules ---------------------------------------------------------------------------- */

static int parse_num(const char **p, int64_t *out)
{
	const char *s = *p;
	int64_t v = 0;

	if (*s == '*') {
		*out = -1;
		*p = s + 1;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > 0xffffffffLL)
			return -1;
	}
	*out = v;
	*p = s;
	return 0;
}

int cgroup_dev_rule_parse(const char *text, bool allow, struct cgroup_dev_rule *r, struct lxc_error *err)
{
	const char *p = text ? text : "";

	memset(r, 0, sizeof(*r));
	r->allow = allow;
	r->major = r->minor = -1;
	r->access = CGROUP_DEV_RWM;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != 'a' && *p != 'b' && *p != 'c')
		goto bad;
	r->type = *p++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		if (r->type != 'a')
			goto bad;
		return 0; /* "a" is "a *:* rwm" */
	}
	if (parse_num(&p, &r->major) < 0 || *p++ != ':' || parse_num(&p, &r->minor) < 0)
		goto bad;
	if (*p && *p != ' ' && *p != '\t')
		goto bad;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p) {
		r->access = 0;
		for (; *p && *p != ' ' && *p != '\t'; p++) {
			unsigned bit = *p == 'r' ? CGROUP_DEV_READ : *p == 'w' ? CGROUP_DEV_WRITE :
				       *p == 'm' ? CGROUP_DEV_MKNOD : 0;

			if (!bit || (r->access & bit))
				goto bad;
			r->access |= bit;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p)
			goto bad;
	}
	return 0;
bad:
	return error_set(err, "invalid device rule \"%s\": expected \"TYPE MAJOR:MINOR ACCESS\" "
			 "(TYPE a, b or c; MAJOR and MINOR a number or *; ACCESS made of r, w, m)",
			 text ? text : "");
}

static bool rule_is_global(const struct cgroup_dev_rule *r)
{
	return r->type == 'a' && r->major < 0 && r->minor < 0 && r->access == CGROUP_DEV_RWM;
}

char *cgroup_dev_rule_format(const struct cgroup_dev_rule *r)
{
	char maj[16], min[16], acc[4];
	size_t k = 0;

	if (rule_is_global(r))
		return xstrdup("a");
	snprintf(maj, sizeof(maj), r->major < 0 ? "*" : "%lld", (long long)r->major);
	snprintf(min, sizeof(min), r->minor < 0 ? "*" : "%lld", (long long)r->minor);
	if (r->access & CGROUP_DEV_READ)
		acc[k++] = 'r';
	if (r->access & CGROUP_DEV_WRITE)
		acc[k++] = 'w';
	if (r->access & CGROUP_DEV_MKNOD)
		acc[k++] = 'm';
	acc[k] = '\0';
	return xasprintf("%c %s:%s %s", r->type, maj, min, acc);
}

/* ---- the list ------------------------------------------------------------------------- */

void cgroup_dev_list_free(struct cgroup_dev_list *l)
{
	free(l->rules);
	l->rules = NULL;
	l->n = 0;
}

void cgroup_dev_list_reset(struct cgroup_dev_list *l, bool default_allow)
{
	cgroup_dev_list_free(l);
	l->default_allow = default_allow;
}

static bool same_device(const struct cgroup_dev_rule *a, const struct cgroup_dev_rule *b)
{
	return a->type == b->type && a->major == b->major && a->minor == b->minor;
}

/* "allow a"/"deny a" reset the list and pick the default. Otherwise a rule agreeing with
 * the default takes its access bits away from an exception for the same device (that is
 * how lxc-device removes what it added), and a rule against the default adds or widens
 * an exception. */
void cgroup_dev_list_add(struct cgroup_dev_list *l, const struct cgroup_dev_rule *r)
{
	if (rule_is_global(r)) {
		cgroup_dev_list_reset(l, r->allow);
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		struct cgroup_dev_rule *e = &l->rules[i];

		if (!same_device(e, r))
			continue;
		if (r->allow == l->default_allow)
			e->access &= ~r->access;
		else
			e->access |= r->access;
		if (!e->access) {
			memmove(e, e + 1, (l->n - i - 1) * sizeof(*e));
			l->n--;
		}
		return;
	}
	if (r->allow == l->default_allow || !r->access)
		return;
	l->rules = xrealloc(l->rules, (l->n + 1) * sizeof(*l->rules));
	l->rules[l->n++] = *r;
}

static bool rule_matches(const struct cgroup_dev_rule *r, char type, uint32_t major, uint32_t minor)
{
	return (r->type == 'a' || r->type == type) && (r->major < 0 || r->major == major) &&
	       (r->minor < 0 || r->minor == minor);
}

/* As the v1 kernel decides: an allow exception must cover every requested access bit;
 * a deny exception blocks when it covers any of them. */
bool cgroup_dev_list_allows(const struct cgroup_dev_list *l, char type, uint32_t major, uint32_t minor,
			    unsigned access)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct cgroup_dev_rule *r = &l->rules[i];

		if (!rule_matches(r, type, major, minor))
			continue;
		if (!l->default_allow && (access & ~r->access) == 0)
			return true;
		if (l->default_allow && (access & r->access) != 0)
			return false;
	}
	return l->default_allow;
}

char *cgroup_dev_list_format(const struct cgroup_dev_list *l)
{
	struct strlist lines = { 0 };
	char *out;

	strlist_push(&lines, l->default_allow ? "default allow" : "default deny");
	for (size_t i = 0; i < l->n; i++) {
		_cleanup_free_ char *rule = cgroup_dev_rule_format(&l->rules[i]);

		strlist_push_owned(&lines, xasprintf("%s %s", l->rules[i].allow ? "allow" : "deny", rule));
	}
	strlist_push(&lines, "");
	out = strlist_join(&lines, "\n");
	strlist_clear(&lines);
	return out;
}

int cgroup_dev_list_parse(struct cgroup_dev_list *l, const char *text, struct lxc_error *err)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *line, *save = NULL;
	bool seen_default = false;

	cgroup_dev_list_reset(l, false);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct cgroup_dev_rule r;

		if (!strcmp(line, "default allow") || !strcmp(line, "default deny")) {
			if (seen_default)
				goto bad;
			cgroup_dev_list_reset(l, !strcmp(line, "default allow"));
			seen_default = true;
		} else if (seen_default && (str_starts_with(line, "allow ") || str_starts_with(line, "deny "))) {
			bool allow = line[0] == 'a';

			if (cgroup_dev_rule_parse(line + (allow ? 6 : 5), allow, &r, err) < 0) {
				cgroup_dev_list_free(l);
				return -1;
			}
			if (rule_is_global(&r)) {
				cgroup_dev_list_free(l);
				return error_set(err, "unexpected global rule \"%s\" in a device rule list", line);
			}
			cgroup_dev_list_add(l, &r);
		} else {
			goto bad;
		}
	}
	if (seen_default)
		return 0;
bad:
	cgroup_dev_list_free(l);
	return error_set(err, "invalid device rule list near \"%s\"", line ? line : "(end)");
}

/* ---- the BPF program ------------------------------------------------------------------------ */

struct prog {
	struct bpf_insn *insns;
	size_t n, cap;
};

static size_t emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->insns = xrealloc(p->insns, p->cap * sizeof(*p->insns));
	}
	p->insns[p->n] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
	return p->n++;
}

/* r2 = device type, r3 = access bits, r4 = major, r5 = minor (bpf_cgroup_dev_ctx). Each
 * exception is a block of conditional jumps to the next block and "r0 = !default; exit";
 * falling off the end returns the default. Comparisons are 32-bit: numbers are u32. */
struct bpf_insn *cgroup_dev_prog_build(const struct cgroup_dev_list *l, size_t *n)
{
	struct prog p = { 0 };
	int32_t dflt = l->default_allow ? 1 : 0;

	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	emit(&p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xffff);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_3, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	emit(&p, BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
	emit(&p, BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
	for (size_t i = 0; i < l->n; i++) {
		const struct cgroup_dev_rule *r = &l->rules[i];
		size_t jumps[4], nj = 0;

		if (r->type != 'a')
			jumps[nj++] = emit(&p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_2, 0, 0,
					   r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
		if (!l->default_allow && r->access != CGROUP_DEV_RWM) {
			/* an allow exception covers the request only if no bit falls outside it */
			emit(&p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
			emit(&p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)(~r->access & 0xffff));
			jumps[nj++] = emit(&p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_1, 0, 0, 0);
		} else if (l->default_allow) {
			/* a deny exception blocks when any requested bit is in it */
			emit(&p, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
			emit(&p, BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t)r->access);
			jumps[nj++] = emit(&p, BPF_JMP32 | BPF_JEQ | BPF_K, BPF_REG_1, 0, 0, 0);
		}
		if (r->major >= 0)
			jumps[nj++] = emit(&p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t)(uint32_t)r->major);
		if (r->minor >= 0)
			jumps[nj++] = emit(&p, BPF_JMP32 | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t)(uint32_t)r->minor);
		emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, !dflt);
		emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		for (size_t k = 0; k < nj; k++)
			p.insns[jumps[k]].off = (int16_t)(p.n - jumps[k] - 1);
	}
	emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, dflt);
	emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*n = p.n;
	return p.insns;
}

/* ---- bpf(2) ---------------------------------------------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

int cgroup_dev_prog_load(const struct bpf_insn *insns, size_t n, struct lxc_error *err)
{
	union bpf_attr attr;
	char log[4096];
	int fd, saved;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)insns;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	memcpy(attr.prog_name, CGROUP_DEV_PROG_NAME, sizeof(CGROUP_DEV_PROG_NAME));
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	saved = errno;
	if (saved == EPERM || saved == ENOSYS)
		return error_sys(err, saved, "failed to load the BPF device program");
	/* ask again with the verifier's log for the message */
	log[0] = '\0';
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		return fd;
	log[sizeof(log) - 1] = '\0';
	log[strcspn(log, "\n")] = '\0';
	return error_sys(err, saved, "failed to load the BPF device program (%zu instructions%s%s)", n,
			 log[0] ? "; verifier: " : "", log);
}

int cgroup_dev_prog_attach(int cgroup_fd, int prog_fd, int old_fd, struct lxc_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (old_fd >= 0) {
		attr.attach_flags |= BPF_F_REPLACE;
		attr.replace_bpf_fd = (uint32_t)old_fd;
		if (sys_bpf(BPF_PROG_ATTACH, &attr) == 0)
			return 0;
		if (errno != EINVAL)
			return error_sys(err, errno, "failed to replace the BPF device program");
		/* no BPF_F_REPLACE (Linux < 5.6): attach, then detach old */
		attr.attach_flags = BPF_F_ALLOW_MULTI;
		attr.replace_bpf_fd = 0;
	}
	if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0)
		return error_sys(err, errno, "failed to attach the BPF device program");
	if (old_fd >= 0 && cgroup_dev_prog_detach(cgroup_fd, old_fd, NULL) < 0 && errno != ENOENT)
		DEBUG("cgroup: could not detach the previous device program: %s", strerror(errno));
	return 0;
}

int cgroup_dev_prog_detach(int cgroup_fd, int prog_fd, struct lxc_error *err)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	if (sys_bpf(BPF_PROG_DETACH, &attr) < 0)
		return error_sys(err, errno, "failed to detach the BPF device program");
	return 0;
}

int cgroup_dev_prog_find(int cgroup_fd, struct lxc_error *err)
{
	uint32_t ids[64];
	union bpf_attr attr;
	int found = -1;

	memset(&attr, 0, sizeof(attr));
	attr.query.target_fd = (uint32_t)cgroup_fd;
	attr.query.attach_type = BPF_CGROUP_DEVICE;
	attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
	attr.query.prog_cnt = ARRAY_SIZE(ids);
	if (sys_bpf(BPF_PROG_QUERY, &attr) < 0)
		return error_sys(err, errno, "failed to query the cgroup's BPF device programs");
	for (uint32_t i = 0; i < attr.query.prog_cnt && i < ARRAY_SIZE(ids) && found < 0; i++) {
		struct bpf_prog_info info;
		union bpf_attr a;
		int fd;

		memset(&a, 0, sizeof(a));
		a.prog_id = ids[i];
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)fd;
		a.info.info_len = sizeof(info);
		a.info.info = (uint64_t)(uintptr_t)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0 && !strcmp(info.name, CGROUP_DEV_PROG_NAME))
			found = fd;
		else
			close(fd);
	}
	if (found < 0)
		return error_sys(err, ENOENT, "no device program named %s on this cgroup", CGROUP_DEV_PROG_NAME);
	return found;
}
