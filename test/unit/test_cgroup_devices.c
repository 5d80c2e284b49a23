/* Unit tests for lib/cgroup_devices.c: rule parsing, the allow/deny list semantics of
 * lxc.container.conf(5), and the generated BPF program run through a small interpreter
 * against the reference decision for a table of devices and accesses. */
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "lxc.h"
#include "unit.h"

TEST(cgroup_dev_rule_parse)
{
	static const struct {
		const char *text;
		char type;
		long long major, minor;
		unsigned access;
		const char *formatted;
	} good[] = {
		{ "a", 'a', -1, -1, CGROUP_DEV_RWM, "a" },
		{ " a ", 'a', -1, -1, CGROUP_DEV_RWM, "a" },
		{ "a *:* rwm", 'a', -1, -1, CGROUP_DEV_RWM, "a" },
		{ "c 1:3 rwm", 'c', 1, 3, CGROUP_DEV_RWM, "c 1:3 rwm" },
		{ "b *:* m", 'b', -1, -1, CGROUP_DEV_MKNOD, "b *:* m" },
		{ "c 136:* rw", 'c', 136, -1, CGROUP_DEV_READ | CGROUP_DEV_WRITE, "c 136:* rw" },
		{ "c 10:229", 'c', 10, 229, CGROUP_DEV_RWM, "c 10:229 rwm" },
		{ "c 254:0 mr", 'c', 254, 0, CGROUP_DEV_READ | CGROUP_DEV_MKNOD, "c 254:0 rm" },
		{ "b 4294967295:7 w", 'b', 4294967295LL, 7, CGROUP_DEV_WRITE, "b 4294967295:7 w" },
	};
	static const char *const bad[] = {
		"", "x", "c", "c 1", "c 1:", "c :3 r", "c 1:3 rx", "c 1:3 rr", "c 1:3 r w", "c 1-3 r",
		"c 4294967296:1 r", "c 1:3rw", "ab", "c -1:3 r",
	};
	struct lxc_error err = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct cgroup_dev_rule r;
		char *f;

		CHECK(cgroup_dev_rule_parse(good[i].text, false, &r, &err) == 0);
		CHECK_INT(r.type, good[i].type);
		CHECK_INT(r.major, good[i].major);
		CHECK_INT(r.minor, good[i].minor);
		CHECK_INT(r.access, good[i].access);
		CHECK(!r.allow);
		f = cgroup_dev_rule_format(&r);
		CHECK_STR(f, good[i].formatted);
		free(f);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cgroup_dev_rule r;

		CHECK_ERR(cgroup_dev_rule_parse(bad[i], true, &r, &err), &err, "invalid device rule");
	}
}

static void add(struct cgroup_dev_list *l, bool allow, const char *text)
{
	struct cgroup_dev_rule r;
	struct lxc_error err = { 0 };

	CHECK(cgroup_dev_rule_parse(text, allow, &r, &err) == 0);
	cgroup_dev_list_add(l, &r);
}

#define R CGROUP_DEV_READ
#define W CGROUP_DEV_WRITE
#define M CGROUP_DEV_MKNOD

TEST(cgroup_dev_list_manpage_examples)
{
	struct cgroup_dev_list l = { 0 };

	/* allowlist: create any node, use only /dev/null */
	cgroup_dev_list_reset(&l, true);
	add(&l, false, "a");
	add(&l, true, "c *:* m");
	add(&l, true, "b *:* m");
	add(&l, true, "c 1:3 rwm");
	CHECK(!l.default_allow);
	CHECK(cgroup_dev_list_allows(&l, 'c', 1, 3, R | W));
	CHECK(cgroup_dev_list_allows(&l, 'c', 1, 5, M));
	CHECK(cgroup_dev_list_allows(&l, 'b', 8, 0, M));
	CHECK(!cgroup_dev_list_allows(&l, 'c', 1, 5, R));
	CHECK(!cgroup_dev_list_allows(&l, 'b', 8, 0, R));
	/* deny rules for single devices are ignored in an allowlist unless they narrow an exception */
	add(&l, false, "c 4:1 rwm");
	CHECK_INT(l.n, 3);
	/* lxc-device del: deny what was allowed */
	add(&l, false, "c 1:3 w");
	CHECK(cgroup_dev_list_allows(&l, 'c', 1, 3, R));
	CHECK(!cgroup_dev_list_allows(&l, 'c', 1, 3, W));
	add(&l, false, "c 1:3 rm");
	CHECK_INT(l.n, 2);
	CHECK(!cgroup_dev_list_allows(&l, 'c', 1, 3, R));

	/* denylist: no nodes may be created, /dev/null not at all */
	add(&l, true, "a");
	add(&l, false, "c *:* m");
	add(&l, false, "b *:* m");
	add(&l, false, "c 1:3 rwm");
	CHECK(l.default_allow);
	CHECK(cgroup_dev_list_allows(&l, 'c', 1, 5, R | W));
	CHECK(!cgroup_dev_list_allows(&l, 'c', 1, 5, M));
	CHECK(!cgroup_dev_list_allows(&l, 'c', 1, 3, R));
	CHECK(!cgroup_dev_list_allows(&l, 'c', 1, 5, R | M)); /* any denied bit denies */
	/* "allow a" again resets without changing the type; "deny a" switches */
	add(&l, true, "a");
	CHECK(l.default_allow && l.n == 0);
	add(&l, false, "a");
	CHECK(!l.default_allow && l.n == 0);
	CHECK(!cgroup_dev_list_allows(&l, 'c', 1, 3, R));
	cgroup_dev_list_free(&l);
}

TEST(cgroup_dev_list_format_parse)
{
	struct cgroup_dev_list l = { 0 }, m = { 0 };
	struct lxc_error err = { 0 };
	char *a, *b;

	cgroup_dev_list_reset(&l, false);
	add(&l, true, "c 1:3 rwm");
	add(&l, true, "c 136:* rw");
	a = cgroup_dev_list_format(&l);
	CHECK_STR(a, "default deny\nallow c 1:3 rwm\nallow c 136:* rw\n");
	CHECK(cgroup_dev_list_parse(&m, a, &err) == 0);
	b = cgroup_dev_list_format(&m);
	CHECK_STR(b, a);
	free(a);
	free(b);
	CHECK_ERR(cgroup_dev_list_parse(&m, "allow c 1:3 rwm\n", &err), &err, "invalid device rule list");
	CHECK_ERR(cgroup_dev_list_parse(&m, "default deny\nallow a\n", &err), &err, "global rule");
	CHECK_ERR(cgroup_dev_list_parse(&m, "default deny\nallow c 1:x rwm\n", &err), &err, "invalid device rule");
	CHECK_ERR(cgroup_dev_list_parse(&m, "default deny\ndefault allow\n", &err), &err, "invalid device rule list");
	cgroup_dev_list_free(&l);
	cgroup_dev_list_free(&m);
}

/* ---- a small eBPF interpreter for the instructions the builder emits ------------------ */

static int run_prog(const struct bpf_insn *p, size_t n, const struct bpf_cgroup_dev_ctx *ctx, int *ret)
{
	uint64_t r[11] = { 0 };
	size_t pc = 0, steps = 0;

	r[1] = (uint64_t)(uintptr_t)ctx;
	while (pc < n && steps++ < 10000) {
		const struct bpf_insn *i = &p[pc++];
		uint8_t cls = BPF_CLASS(i->code), op = BPF_OP(i->code);
		uint64_t src = BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;

		if (i->code == (BPF_LDX | BPF_MEM | BPF_W)) {
			if (i->src_reg != BPF_REG_1 || i->off < 0 || i->off > 8 || i->off % 4)
				return -1; /* only the context may be read */
			r[i->dst_reg] = *(const uint32_t *)((const char *)ctx + i->off);
		} else if (cls == BPF_ALU64) {
			switch (op) {
			case BPF_MOV: r[i->dst_reg] = src; break;
			case BPF_AND: r[i->dst_reg] &= src; break;
			case BPF_RSH: r[i->dst_reg] >>= src; break;
			default: return -1;
			}
		} else if (cls == BPF_JMP32) {
			uint32_t a = (uint32_t)r[i->dst_reg], b = (uint32_t)src;
			bool jump;

			if (op == BPF_JNE)
				jump = a != b;
			else if (op == BPF_JEQ)
				jump = a == b;
			else
				return -1;
			if (jump)
				pc += i->off;
		} else if (i->code == (BPF_JMP | BPF_EXIT)) {
			*ret = (int)r[0];
			return 0;
		} else {
			return -1;
		}
	}
	return -1;
}

static bool prog_allows(const struct bpf_insn *p, size_t n, char type, uint32_t major, uint32_t minor,
			unsigned access, bool *ok)
{
	struct bpf_cgroup_dev_ctx ctx = {
		.access_type = (access << 16) | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK),
		.major = major,
		.minor = minor,
	};
	int ret = -1;

	*ok = run_prog(p, n, &ctx, &ret) == 0 && (ret == 0 || ret == 1);
	return ret == 1;
}

/* Every rule set x every device x every access: program == reference. */
TEST(cgroup_dev_prog_decision_table)
{
	static const char *const sets[][8] = {
		{ NULL },
		{ "-a", NULL },
		{ "+a", NULL },
		{ "-a", "+c *:* m", "+b *:* m", "+c 1:3 rwm", "+c 1:5 rwm", "+c 136:* rwm", "+c 10:229 rwm", NULL },
		{ "+a", "-c *:* m", "-b *:* m", "-c 1:3 rwm", NULL },
		{ "-a", "+c 1:3 r", "+c 1:3 w", "+b 8:* rw", "+a 4294967295:4294967295 rwm", NULL },
		{ "+a", "-c 1:* w", "-a *:7 m", "-b 8:0 r", NULL },
		{ "-a", "+a *:* r", NULL },
		{ "-c 1:5 rwm", NULL }, /* v1-style refinement of "everything allowed" */
	};
	static const uint32_t majors[] = { 1, 4, 5, 8, 10, 136, 4294967295u };
	static const uint32_t minors[] = { 0, 3, 5, 7, 229, 4294967295u };
	static const unsigned accesses[] = { R, W, M, R | W, R | M, R | W | M };
	size_t checked = 0;

	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		struct cgroup_dev_list l = { 0 };
		struct bpf_insn *p;
		size_t n;

		cgroup_dev_list_reset(&l, s == ARRAY_SIZE(sets) - 1);
		for (size_t k = 0; sets[s][k]; k++)
			add(&l, sets[s][k][0] == '+', sets[s][k] + 1);
		p = cgroup_dev_prog_build(&l, &n);
		CHECK(n >= 8 && p[n - 1].code == (BPF_JMP | BPF_EXIT));
		for (size_t t = 0; t < 2; t++)
			for (size_t a = 0; a < ARRAY_SIZE(majors); a++)
				for (size_t b = 0; b < ARRAY_SIZE(minors); b++)
					for (size_t x = 0; x < ARRAY_SIZE(accesses); x++) {
						char type = t ? 'b' : 'c';
						bool ok, got = prog_allows(p, n, type, majors[a], minors[b], accesses[x], &ok);
						bool want = cgroup_dev_list_allows(&l, type, majors[a], minors[b], accesses[x]);

						CHECK(ok);
						if (got != want) {
							printf("#   set %zu: %c %u:%u access %u: program %d, reference %d\n", s, type,
							       majors[a], minors[b], accesses[x], got, want);
							unit_failures++;
						}
						checked++;
					}
		free(p);
		cgroup_dev_list_free(&l);
	}
	CHECK_INT(checked, 9 * 2 * 7 * 6 * 6);
}

TEST(cgroup_dev_prog_shape)
{
	struct cgroup_dev_list l = { 0 };
	struct bpf_insn *p;
	size_t n;

	/* only the default: the six context loads, r0 = default, exit */
	cgroup_dev_list_reset(&l, false);
	p = cgroup_dev_prog_build(&l, &n);
	CHECK_INT(n, 8);
	CHECK_INT(p[6].code, BPF_ALU64 | BPF_MOV | BPF_K);
	CHECK_INT(p[6].imm, 0);
	free(p);
	/* one exact allow rule with rwm: type, major, minor checks, r0 = 1, exit */
	add(&l, true, "c 1:3 rwm");
	p = cgroup_dev_prog_build(&l, &n);
	CHECK_INT(n, 8 + 5);
	CHECK_INT(p[6].code, BPF_JMP32 | BPF_JNE | BPF_K);
	CHECK_INT(p[6].imm, BPF_DEVCG_DEV_CHAR);
	CHECK_INT(p[6].off, 4); /* to the final default */
	CHECK_INT(p[9].imm, 1);
	free(p);
	cgroup_dev_list_free(&l);
}
