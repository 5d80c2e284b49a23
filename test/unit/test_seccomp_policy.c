/* Unit tests for lib/seccomp_policy.c: every construct of LXC's policy language and every
 * error, with the exact "file:line: what" text. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mount.h>

#include "seccomp.h"
#include "unit.h"

static int parse(struct seccomp_policy *p, const char *text, struct lxc_error *err)
{
	return seccomp_policy_parse(p, text, strlen(text), "p.seccomp", err);
}

static const struct seccomp_rule *find_rule(const struct seccomp_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].syscall && !strcmp(p->rules[i].syscall, name))
			return &p->rules[i];
	return NULL;
}

TEST(seccomp_policy_lxc_common)
{
	/* LXC 5's common.seccomp, byte for byte */
	static const char text[] = "2\ndenylist\n"
				   "reject_force_umount  # comment this to allow umount -f;  not recommended\n"
				   "[all]\nkexec_load errno 1\nopen_by_handle_at errno 1\ninit_module errno 1\n"
				   "finit_module errno 1\ndelete_module errno 1\n";
	struct seccomp_policy p;
	struct lxc_error err;
	const struct seccomp_rule *r;

	CHECK_INT(parse(&p, text, &err), 0);
	CHECK_INT(p.version, 2);
	CHECK(!p.allowlist);
	CHECK_INT(p.default_action.kind, SECCOMP_ACTION_ALLOW);
	CHECK_INT(p.nrules, 6);
	CHECK(!p.notify);
	r = find_rule(&p, "umount2");
	CHECK(r != NULL);
	if (r) {
		CHECK_INT(r->action.kind, SECCOMP_ACTION_ERRNO);
		CHECK_INT(r->action.errno_value, EACCES);
		CHECK_INT(r->nargs, 1);
		CHECK_INT(r->args[0].index, 1);
		CHECK_INT(r->args[0].op, SECCOMP_CMP_MASKED_EQ);
		CHECK_INT(r->args[0].mask, MNT_FORCE);
		CHECK_INT(r->args[0].value, MNT_FORCE);
		CHECK_INT(r->arches, SECCOMP_ARCH_ALL);
		CHECK_INT(r->line, 3);
	}
	r = find_rule(&p, "delete_module");
	CHECK(r && r->action.kind == SECCOMP_ACTION_ERRNO && r->action.errno_value == 1 && r->line == 9);
	seccomp_policy_free(&p);
}

TEST(seccomp_policy_types_and_defaults)
{
	static const struct {
		const char *line2;
		bool allowlist;
		enum seccomp_action_kind def, rule;
		unsigned def_errno;
	} cases[] = {
		{ "denylist", false, SECCOMP_ACTION_ALLOW, SECCOMP_ACTION_KILL, 0 },
		{ "blacklist", false, SECCOMP_ACTION_ALLOW, SECCOMP_ACTION_KILL, 0 },
		{ "allowlist", true, SECCOMP_ACTION_KILL, SECCOMP_ACTION_ALLOW, 0 },
		{ "whitelist", true, SECCOMP_ACTION_KILL, SECCOMP_ACTION_ALLOW, 0 },
		{ "allowlist errno 38", true, SECCOMP_ACTION_ERRNO, SECCOMP_ACTION_ALLOW, 38 },
		{ "allowlist trap", true, SECCOMP_ACTION_TRAP, SECCOMP_ACTION_ALLOW, 0 },
		{ "denylist   kill  ", false, SECCOMP_ACTION_KILL, SECCOMP_ACTION_KILL, 0 },
		{ "whitelist allow # comment", true, SECCOMP_ACTION_ALLOW, SECCOMP_ACTION_ALLOW, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *text = xasprintf("2\n%s\ngetpid\n", cases[i].line2);
		struct seccomp_policy p;
		struct lxc_error err;

		CHECK_INT(parse(&p, text, &err), 0);
		CHECK_INT(p.allowlist, cases[i].allowlist);
		CHECK_INT(p.default_action.kind, cases[i].def);
		CHECK_INT(p.default_action.errno_value, cases[i].def_errno);
		CHECK_INT(p.nrules, 1);
		if (p.nrules == 1)
			CHECK_INT(p.rules[0].action.kind, cases[i].rule);
		seccomp_policy_free(&p);
	}
}

TEST(seccomp_policy_actions)
{
	static const char text[] = "2\ndenylist\n"
				   "a0 kill\na1 errno 0\na2 errno 4095\na3 allow\na4 trap\na5 notify\n"
				   "a6\na7 errno 12 # trailing comment\na8 # comment instead of an action\n";
	static const struct seccomp_action want[] = {
		{ SECCOMP_ACTION_KILL, 0 }, { SECCOMP_ACTION_ERRNO, 0 }, { SECCOMP_ACTION_ERRNO, 4095 },
		{ SECCOMP_ACTION_ALLOW, 0 }, { SECCOMP_ACTION_TRAP, 0 }, { SECCOMP_ACTION_NOTIFY, 0 },
		{ SECCOMP_ACTION_KILL, 0 }, { SECCOMP_ACTION_ERRNO, 12 }, { SECCOMP_ACTION_KILL, 0 },
	};
	struct seccomp_policy p;
	struct lxc_error err;
	char buf[32];

	CHECK_INT(parse(&p, text, &err), 0);
	CHECK_INT(p.nrules, ARRAY_SIZE(want));
	for (size_t i = 0; i < p.nrules && i < ARRAY_SIZE(want); i++) {
		CHECK_INT(p.rules[i].action.kind, want[i].kind);
		CHECK_INT(p.rules[i].action.errno_value, want[i].errno_value);
		CHECK_INT(p.rules[i].line, 3 + i);
	}
	CHECK(p.notify);
	CHECK_STR(seccomp_action_format(&p.rules[2].action, buf, sizeof(buf)), "errno 4095");
	CHECK_STR(seccomp_action_format(&p.rules[5].action, buf, sizeof(buf)), "notify");
	seccomp_policy_free(&p);
}

TEST(seccomp_policy_argument_filters)
{
	static const char text[] = "2\ndenylist\n"
				   "ioctl errno 1 [1,0x5412,&=,0xffffffff]\n"
				   "personality errno 22 [0, 8, ==] [1,010,!=] [2,3,<] [3,4,<=] [4,5,>] [5,6,>=]\n"
				   "mmap kill [0,1,SCMP_CMP_EQ][1,2,SCMP_CMP_NE] [2,3,SCMP_CMP_MASKED_EQ,7]\n"
				   "read [2,18446744073709551615,SCMP_CMP_GE]\n"
				   "write errno 5 [0,1,&=]\n";
	struct seccomp_policy p;
	struct lxc_error err;
	const struct seccomp_rule *r;

	CHECK_INT(parse(&p, text, &err), 0);
	r = find_rule(&p, "ioctl");
	CHECK(r && r->nargs == 1 && r->args[0].index == 1 && r->args[0].op == SECCOMP_CMP_MASKED_EQ &&
	      r->args[0].value == 0x5412 && r->args[0].mask == 0xffffffff);
	r = find_rule(&p, "personality");
	CHECK(r && r->nargs == 6);
	if (r && r->nargs == 6) {
		static const enum seccomp_cmp_op ops[] = { SECCOMP_CMP_EQ, SECCOMP_CMP_NE, SECCOMP_CMP_LT,
							   SECCOMP_CMP_LE, SECCOMP_CMP_GT, SECCOMP_CMP_GE };

		for (unsigned i = 0; i < 6; i++) {
			CHECK_INT(r->args[i].index, i);
			CHECK_INT(r->args[i].op, ops[i]);
		}
		CHECK_INT(r->args[0].value, 8);
		CHECK_INT(r->args[1].value, 8); /* octal 010 */
		CHECK_INT(r->action.errno_value, 22);
	}
	r = find_rule(&p, "mmap");
	CHECK(r && r->nargs == 3 && r->action.kind == SECCOMP_ACTION_KILL && r->args[1].op == SECCOMP_CMP_NE &&
	      r->args[2].op == SECCOMP_CMP_MASKED_EQ && r->args[2].mask == 7);
	r = find_rule(&p, "read");
	CHECK(r && r->nargs == 1 && r->args[0].value == UINT64_MAX && r->action.kind == SECCOMP_ACTION_KILL);
	/* LXC reads a missing mask as 0 */
	r = find_rule(&p, "write");
	CHECK(r && r->args[0].mask == 0 && r->args[0].value == 1);
	seccomp_policy_free(&p);
}

TEST(seccomp_policy_sections)
{
	static const char text[] = "2\nblacklist\n"
				   "before\n"
				   "[x86]\ni1\n[I386]\ni2\n[i686]\ni3\n"
				   "[x86_64]\nx1\n[AMD64]\nx2\n"
				   "[x32]\nt1\n"
				   "[arm64]\nthis line is not even parsed [[[\n[ppc64le]\nneither errno xyz\n"
				   "[all]  # back to every architecture\nafter\n";
	struct seccomp_policy p;
	struct lxc_error err;
	static const struct {
		const char *name;
		unsigned arches;
	} want[] = {
		{ "before", SECCOMP_ARCH_ALL }, { "i1", SECCOMP_ARCH_I386 }, { "i2", SECCOMP_ARCH_I386 },
		{ "i3", SECCOMP_ARCH_I386 }, { "x1", SECCOMP_ARCH_X86_64 }, { "x2", SECCOMP_ARCH_X86_64 },
		{ "t1", SECCOMP_ARCH_X32 }, { "after", SECCOMP_ARCH_ALL },
	};

	CHECK_INT(parse(&p, text, &err), 0);
	CHECK_INT(p.nrules, ARRAY_SIZE(want));
	for (size_t i = 0; i < p.nrules && i < ARRAY_SIZE(want); i++) {
		CHECK_STR(p.rules[i].syscall, want[i].name);
		CHECK_INT(p.rules[i].arches, want[i].arches);
	}
	seccomp_policy_free(&p);
}

TEST(seccomp_policy_comments_blank_lines_crlf)
{
	static const char text[] = "2\r\ndenylist\r\n# a comment\r\n\r\n   \t\n  # indented comment\r\n"
				   "getpid errno 3\r\n#getppid\r\nkill_me#not-a-comment\r\n";
	struct seccomp_policy p;
	struct lxc_error err;

	CHECK_INT(parse(&p, text, &err), 0);
	CHECK_INT(p.nrules, 2);
	if (p.nrules == 2) {
		CHECK_STR(p.rules[0].syscall, "getpid");
		CHECK_INT(p.rules[0].line, 7);
		CHECK_INT(p.rules[0].action.errno_value, 3);
		/* '#' inside a word is part of it (an unknown syscall, warned about when compiling) */
		CHECK_STR(p.rules[1].syscall, "kill_me#not-a-comment");
		CHECK_INT(p.rules[1].line, 9);
	}
	seccomp_policy_free(&p);
	/* no final newline */
	CHECK_INT(parse(&p, "2\nallowlist\nread", &err), 0);
	CHECK_INT(p.nrules, 1);
	seccomp_policy_free(&p);
}

TEST(seccomp_policy_version1)
{
	struct seccomp_policy p;
	struct lxc_error err;

	CHECK_INT(parse(&p, "1\nwhitelist\n0\n1\n# comment\n\n60\n231\n", &err), 0);
	CHECK_INT(p.version, 1);
	CHECK(p.allowlist);
	CHECK_INT(p.default_action.kind, SECCOMP_ACTION_KILL);
	CHECK_INT(p.nrules, 4);
	if (p.nrules == 4) {
		CHECK(p.rules[0].syscall == NULL);
		CHECK_INT(p.rules[0].nr, 0);
		CHECK_INT(p.rules[3].nr, 231);
		CHECK_INT(p.rules[3].line, 8);
		CHECK_INT(p.rules[3].action.kind, SECCOMP_ACTION_ALLOW);
		CHECK_INT(p.rules[3].arches, SECCOMP_ARCH_X86_64);
	}
	seccomp_policy_free(&p);
	CHECK_INT(parse(&p, "1\nallowlist\n", &err), 0);
	CHECK_INT(p.nrules, 0);
	seccomp_policy_free(&p);
}

TEST(seccomp_policy_errors)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "", "p.seccomp:1: empty file, expected the policy version (1 or 2)" },
		{ "\n", "p.seccomp:1: expected the policy version (1 or 2)" },
		{ "3\ndenylist\n", "p.seccomp:1: unsupported policy version \"3\" (expected 1 or 2)" },
		{ "two\ndenylist\n", "p.seccomp:1: unsupported policy version \"two\" (expected 1 or 2)" },
		{ "2\n", "p.seccomp:2: missing policy type (allowlist or denylist)" },
		{ "2", "p.seccomp:2: missing policy type (allowlist or denylist)" },
		{ "2\n\nread\n", "p.seccomp:2: missing policy type (allowlist or denylist)" },
		{ "2\ngraylist\n",
		  "p.seccomp:2: unknown policy type \"graylist\" (expected allowlist, denylist, whitelist or blacklist)" },
		{ "1\ndenylist\n", "p.seccomp:2: version 1 policies can only be an allowlist" },
		{ "1\nallowlist kill\n", "p.seccomp:2: unexpected \"kill\" after the policy type" },
		{ "2\ndenylist bogus\n",
		  "p.seccomp:2: unknown action \"bogus\" (expected kill, errno N, allow, trap or notify)" },
		{ "2\ndenylist trap extra\n", "p.seccomp:2: unexpected \"extra\" after the default action" },
		{ "2\ndenylist\n\nfoo errno\n", "p.seccomp:4: \"errno\" needs a value (errno N)" },
		{ "2\ndenylist\nfoo errno 4096\n", "p.seccomp:3: errno value \"4096\" is not a number from 0 to 4095" },
		{ "2\ndenylist\nfoo errno -1\n", "p.seccomp:3: errno value \"-1\" is not a number from 0 to 4095" },
		{ "2\ndenylist\nfoo errno EPERM\n", "p.seccomp:3: errno value \"EPERM\" is not a number from 0 to 4095" },
		{ "2\ndenylist\nfoo kil\n",
		  "p.seccomp:3: unknown action \"kil\" (expected kill, errno N, allow, trap or notify)" },
		{ "2\ndenylist\nfoo errno 1 junk\n", "p.seccomp:3: unexpected \"junk\" after the rule for \"foo\"" },
		{ "2\ndenylist\nfoo errno 1 [1,2,==] x\n", "p.seccomp:3: unexpected \"x\" after the rule for \"foo\"" },
		{ "2\ndenylist\nfoo errno 1 [1,2,==\n", "p.seccomp:3: argument filter \"[1,2,==\" lacks its closing \"]\"" },
		{ "2\ndenylist\nfoo errno 1 [1,2]\n", "p.seccomp:3: argument filter [1,2] needs index,value,op[,mask]" },
		{ "2\ndenylist\nfoo errno 1 [1,2,==,3,4]\n",
		  "p.seccomp:3: argument filter [1,2,==,3,4] needs index,value,op[,mask]" },
		{ "2\ndenylist\nfoo errno 1 [1,2,==,3,4,5,6]\n",
		  "p.seccomp:3: argument filter [1,2,==,3,4,5,6] needs index,value,op[,mask]" },
		{ "2\ndenylist\nfoo errno 1 [6,0,==]\n", "p.seccomp:3: argument index \"6\" is not a number from 0 to 5" },
		{ "2\ndenylist\nfoo errno 1 [x,0,==]\n", "p.seccomp:3: argument index \"x\" is not a number from 0 to 5" },
		{ "2\ndenylist\nfoo errno 1 [0,zz,==]\n", "p.seccomp:3: argument value \"zz\" is not a number" },
		{ "2\ndenylist\nfoo errno 1 [0,-1,==]\n", "p.seccomp:3: argument value \"-1\" is not a number" },
		{ "2\ndenylist\nfoo errno 1 [0,0x1ffffffffffffffff,==]\n",
		  "p.seccomp:3: argument value \"0x1ffffffffffffffff\" is not a number" },
		{ "2\ndenylist\nfoo errno 1 [0,1,=~]\n",
		  "p.seccomp:3: unknown comparison \"=~\" (expected ==, !=, <, <=, >, >= or &=)" },
		{ "2\ndenylist\nfoo errno 1 [0,1,&=,q]\n", "p.seccomp:3: argument mask \"q\" is not a number" },
		{ "2\ndenylist\nfoo errno 1 [0,1,==] [0,2,==]\n", "p.seccomp:3: argument 0 is compared twice in one rule" },
		{ "2\ndenylist\nfoo [0,0,==][1,0,==][2,0,==][3,0,==][4,0,==][5,0,==][0,1,==]\n",
		  "p.seccomp:3: more than 6 argument filters" },
		{ "2\ndenylist\n[sparc]\n", "p.seccomp:3: unknown architecture section \"[sparc]\"" },
		{ "2\ndenylist\n[x86\n", "p.seccomp:3: architecture section \"[x86\" lacks its closing \"]\"" },
		{ "2\ndenylist\nreject_force_umount errno 5\n",
		  "p.seccomp:3: reject_force_umount takes no action or arguments" },
		{ "1\nallowlist\n0\nread\n",
		  "p.seccomp:4: \"read\" is not a syscall number (version 1 lists numbers only)" },
		{ "1\nallowlist\n70000\n",
		  "p.seccomp:3: \"70000\" is not a syscall number (version 1 lists numbers only)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct seccomp_policy p;
		struct lxc_error err = { 0 };

		CHECK_INT(parse(&p, cases[i].text, &err), -1);
		CHECK_STR(err.msg, cases[i].msg);
		/* a failed parse leaves nothing to free */
		CHECK(p.rules == NULL && p.source == NULL);
	}
}

TEST(seccomp_policy_nul_byte_and_size)
{
	static const char text[] = "2\ndenylist\nread\0write\n";
	struct seccomp_policy p;
	struct lxc_error err;
	char *big;

	CHECK_INT(seccomp_policy_parse(&p, text, sizeof(text) - 1, "p.seccomp", &err), -1);
	CHECK_STR(err.msg, "p.seccomp:3: contains a NUL byte");
	big = xzalloc(SECCOMP_MAX_PROFILE_SIZE + 2);
	memset(big, '\n', SECCOMP_MAX_PROFILE_SIZE + 1);
	CHECK_INT(seccomp_policy_parse(&p, big, SECCOMP_MAX_PROFILE_SIZE + 1, "big", &err), -1);
	CHECK_STR(err.msg, "big: larger than 1048576 bytes");
	free(big);
}

TEST(seccomp_policy_load_files)
{
	struct seccomp_policy p;
	struct lxc_error err;
	const char *top = getenv("LXC_TOP");
	_cleanup_free_ char *path = xasprintf("%s/seccomp/default.seccomp", top ? top : ".");

	CHECK_ERR(seccomp_policy_load(&p, "/nonexistent/hsec.seccomp", &err),
		  &err, "seccomp profile: failed to open \"/nonexistent/hsec.seccomp\": No such file or directory");
	/* the shipped default profile */
	CHECK_INT(seccomp_policy_load(&p, path, &err), 0);
	CHECK_STR(p.source, path);
	CHECK(!p.allowlist);
	CHECK(find_rule(&p, "umount2") && find_rule(&p, "kexec_file_load") && find_rule(&p, "open_by_handle_at"));
	CHECK_INT(p.nrules, 9);
	seccomp_policy_free(&p);
}
