/* Fuzz target: LXC seccomp policies (at most 100 KB) through the parser and, when they
 * parse, through the libseccomp compile. No crash, no leak, and the parsed model holds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "seccomp.h"

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* libseccomp 2.5.4 can loop forever on two rules for one syscall with <, <=, > or >=
 * comparisons (lxc-start bounds it with seccomp_compile_bounded); such inputs are parsed only. */
static bool may_loop_libseccomp(const struct seccomp_policy *p)
{
	for (size_t i = 0; i < p->nrules; i++) {
		bool ranged = false;

		for (unsigned a = 0; a < p->rules[i].nargs; a++)
			ranged |= p->rules[i].args[a].op != SECCOMP_CMP_EQ && p->rules[i].args[a].op != SECCOMP_CMP_NE &&
				  p->rules[i].args[a].op != SECCOMP_CMP_MASKED_EQ;
		if (!ranged)
			continue;
		for (size_t j = 0; j < p->nrules; j++)
			if (j != i && p->rules[j].nargs && p->rules[i].syscall && p->rules[j].syscall &&
			    !strcmp(p->rules[i].syscall, p->rules[j].syscall))
				return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist warnings = { 0 };
	struct seccomp_program prog;
	struct seccomp_policy p;
	struct lxc_error err;

	log_set_quiet(true);
	if (size > 100 * 1024)
		return 0;
	if (seccomp_policy_parse(&p, (const char *)data, size, "fuzz", &err) < 0) {
		check(!strncmp(err.msg, "fuzz", 4));
		return 0;
	}
	check(p.version == 1 || p.version == 2);
	for (size_t i = 0; i < p.nrules; i++) {
		const struct seccomp_rule *r = &p.rules[i];

		check(r->nargs <= SECCOMP_MAX_ARGS && r->arches && !(r->arches & ~SECCOMP_ARCH_ALL));
		check(r->action.kind != SECCOMP_ACTION_ERRNO || r->action.errno_value <= 4095);
		check(r->line >= 3 && (r->syscall != NULL) == (p.version == 2));
		for (unsigned a = 0; a < r->nargs; a++)
			check(r->args[a].index < SECCOMP_MAX_ARGS);
	}
	/* compiling costs milliseconds: keep the fuzzer fast on huge rule lists */
	if (p.nrules <= 256 && !may_loop_libseccomp(&p) && seccomp_compile(&p, &prog, &warnings, &err) == 0) {
		check(prog.len > 0 && prog.len <= BPF_MAXINSNS);
		check(BPF_CLASS(prog.insns[prog.len - 1].code) == BPF_RET);
		seccomp_program_free(&prog);
	}
	strlist_clear(&warnings);
	seccomp_policy_free(&p);
	return 0;
}
