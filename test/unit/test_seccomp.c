/* Unit tests for lib/seccomp.c: compiled programs judged by a small BPF interpreter (every
 * architecture, including ones the kernel here cannot run) and by real syscalls in forked
 * children (native, i386 via int $0x80, x32 numbers); the embedded default; the cache. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "seccomp.h"
#include "unit.h"

#define RET_ALLOW SECCOMP_RET_ALLOW
#define RET_KILL SECCOMP_RET_KILL_PROCESS
#define RET_ERRNO(n) (SECCOMP_RET_ERRNO | (n))
#define BPF_BAD 0xdeadbeefu
#define X32_BIT 0x40000000

/* ---- helpers ------------------------------------------------------------------------------ */

/* Classic BPF as the kernel runs it on struct seccomp_data. */
static uint32_t bpf_run(const struct seccomp_program *p, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

	for (size_t pc = 0; pc < p->len; pc++) {
		const struct sock_filter *f = &p->insns[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k % 4 || f->k + 4 > sizeof(*d))
				return BPF_BAD;
			memcpy(&a, (const char *)d + f->k, 4);
			break;
		case BPF_LD | BPF_IMM: a = f->k; break;
		case BPF_LDX | BPF_IMM: x = f->k; break;
		case BPF_LD | BPF_MEM: a = mem[f->k % BPF_MEMWORDS]; break;
		case BPF_LDX | BPF_MEM: x = mem[f->k % BPF_MEMWORDS]; break;
		case BPF_ST: mem[f->k % BPF_MEMWORDS] = a; break;
		case BPF_STX: mem[f->k % BPF_MEMWORDS] = x; break;
		case BPF_MISC | BPF_TAX: x = a; break;
		case BPF_MISC | BPF_TXA: a = x; break;
		case BPF_ALU | BPF_AND | BPF_K: a &= f->k; break;
		case BPF_ALU | BPF_OR | BPF_K: a |= f->k; break;
		case BPF_ALU | BPF_ADD | BPF_K: a += f->k; break;
		case BPF_ALU | BPF_SUB | BPF_K: a -= f->k; break;
		case BPF_ALU | BPF_RSH | BPF_K: a >>= f->k; break;
		case BPF_ALU | BPF_LSH | BPF_K: a <<= f->k; break;
		case BPF_JMP | BPF_JA: pc += f->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == f->k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > f->k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= f->k ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += (a & f->k) ? f->jt : f->jf; break;
		case BPF_JMP | BPF_JEQ | BPF_X: pc += a == x ? f->jt : f->jf; break;
		case BPF_RET | BPF_K: return f->k;
		case BPF_RET | BPF_A: return a;
		default:
			printf("#   BPF interpreter: unknown opcode 0x%x at %zu\n", f->code, pc);
			return BPF_BAD;
		}
	}
	return BPF_BAD;
}

static uint32_t decide(const struct seccomp_program *p, uint32_t arch, int nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = { .nr = nr, .arch = arch, .args = { a0, a1 } };

	return bpf_run(p, &d);
}

static uint32_t decide_name(const struct seccomp_program *p, enum seccomp_arch arch, const char *name,
			    uint64_t a0, uint64_t a1)
{
	uint32_t audit = arch == SECCOMP_ARCH_I386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;

	return decide(p, audit, seccomp_syscall_number(name, arch), a0, a1);
}

static int compile_text(const char *text, struct seccomp_program *prog, struct strlist *warnings)
{
	struct seccomp_policy policy;
	struct lxc_error err;
	int ret;

	if (seccomp_policy_parse(&policy, text, strlen(text), "t.seccomp", &err) < 0) {
		printf("#   %s\n", err.msg);
		return -1;
	}
	ret = seccomp_compile(&policy, prog, warnings, &err);
	if (ret < 0)
		printf("#   %s\n", err.msg);
	seccomp_policy_free(&policy);
	return ret;
}

static char *default_profile_text(void)
{
	const char *top = getenv("LXC_TOP");
	_cleanup_free_ char *path = xasprintf("%s/seccomp/default.seccomp", top ? top : ".");
	struct lxc_error err;
	char *text;

	if (file_read(path, &text, NULL, &err) < 0) {
		printf("#   %s\n", err.msg);
		return xstrdup("");
	}
	return text;
}

static char *replace_all(const char *s, const char *from, const char *to)
{
	struct strlist parts = { 0 };
	const char *hit;
	char *out;

	while ((hit = strstr(s, from))) {
		strlist_push_owned(&parts, xstrndup(s, hit - s));
		s = hit + strlen(from);
	}
	strlist_push(&parts, s);
	out = strlist_join(&parts, to);
	strlist_clear(&parts);
	return out;
}

static char *write_temp(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct lxc_error err;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write_full(fd, text, strlen(text)) < 0)
		printf("#   cannot write %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	(void)err;
	return path;
}

/* i386 syscalls from this 64-bit process: the kernel sees AUDIT_ARCH_I386. */
static long int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(0L), "D"(0L)
			 : "memory", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15");
	return ret;
}

/* int $0x80 needs IA32 emulation; some hypervisors and ia32_emulation=0 kernels lack it. */
static int have_int80 = -1;

static bool int80_available(void)
{
	int status;
	pid_t pid;

	if (have_int80 >= 0)
		return have_int80;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL);
		_exit(int80(seccomp_syscall_number("getpid", SECCOMP_ARCH_I386), 0, 0, 0) == getpid() ? 0 : 1);
	}
	have_int80 = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!have_int80)
		printf("# skip: int $0x80 does not work on this kernel: i386 calls judged by the BPF interpreter only\n");
	return have_int80;
}

static int child_fails;
#define CCHECK(cond)                                                                                   \
	do {                                                                                           \
		int e_ = errno;                                                                        \
		if (!(cond)) {                                                                         \
			dprintf(1, "#   child %s:%d: %s failed (errno %d)\n", __FILE__, __LINE__, #cond, e_); \
			child_fails++;                                                                 \
		}                                                                                      \
	} while (0)

static bool failed_with(long ret, int want)
{
	return ret == -1 && errno == want;
}

/* Fork, install p (no core dumps: some children are meant to die of SIGSYS), run fn. */
static int run_in_child(const struct seccomp_program *p, int (*fn)(void *), void *arg)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		struct lxc_error err;

		setrlimit(RLIMIT_CORE, &no_core);
		if (seccomp_install(p, NULL, &err) < 0) {
			dprintf(1, "#   child: %s\n", err.msg);
			_exit(200);
		}
		child_fails = 0;
		_exit(fn(arg) ? 1 : (child_fails ? 1 : 0));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		printf("#   fork/wait: %s\n", strerror(errno));
	return status;
}

#define CHECK_EXIT(status, code)                                                                 \
	do {                                                                                     \
		int s_ = (status);                                                               \
		if (!WIFEXITED(s_) || WEXITSTATUS(s_) != (code))                                 \
			printf("#   wait status 0x%x, expected exit %d\n", s_, (code));            \
		CHECK(WIFEXITED(s_) && WEXITSTATUS(s_) == (code));                               \
	} while (0)
#define CHECK_SIGNAL(status, sig)                                                                \
	do {                                                                                     \
		int s_ = (status);                                                               \
		if (!WIFSIGNALED(s_) || WTERMSIG(s_) != (sig))                                   \
			printf("#   wait status 0x%x, expected signal %d\n", s_, (sig));           \
		CHECK(WIFSIGNALED(s_) && WTERMSIG(s_) == (sig));                                 \
	} while (0)

static const char *const denied[] = { "kexec_load", "kexec_file_load", "init_module",
				      "finit_module", "delete_module", "open_by_handle_at" };

/* ---- decisions, judged by the interpreter ------------------------------------------------- */

/* The decision table of the default profile for every architecture in the filter. */
static void check_default_decisions(const struct seccomp_program *p, unsigned eno)
{
	static const enum seccomp_arch arches[] = { SECCOMP_ARCH_X86_64, SECCOMP_ARCH_I386, SECCOMP_ARCH_X32 };

	for (size_t a = 0; a < ARRAY_SIZE(arches); a++) {
		enum seccomp_arch arch = arches[a];

		for (size_t i = 0; i < ARRAY_SIZE(denied); i++) {
			if (seccomp_syscall_number(denied[i], arch) < 0)
				continue; /* kexec_file_load does not exist on i386 */
			CHECK_INT(decide_name(p, arch, denied[i], 0, 0), RET_ERRNO(eno));
		}
		CHECK_INT(decide_name(p, arch, "umount2", 0, MNT_FORCE), RET_ERRNO(EACCES));
		CHECK_INT(decide_name(p, arch, "umount2", 0, MNT_FORCE | MNT_DETACH), RET_ERRNO(EACCES));
		CHECK_INT(decide_name(p, arch, "umount2", 0, MNT_DETACH), RET_ALLOW);
		CHECK_INT(decide_name(p, arch, "ioctl", 0, TIOCSTI), RET_ERRNO(eno));
		CHECK_INT(decide_name(p, arch, "ioctl", 0, TIOCLINUX), RET_ERRNO(eno));
		/* junk in the high half of the cmd register does not get past */
		CHECK_INT(decide_name(p, arch, "ioctl", 0, TIOCSTI | (1ULL << 32)), RET_ERRNO(eno));
		CHECK_INT(decide_name(p, arch, "ioctl", 0, TIOCLINUX | (0xffffffffULL << 32)), RET_ERRNO(eno));
		CHECK_INT(decide_name(p, arch, "ioctl", 0, TCGETS), RET_ALLOW);
		CHECK_INT(decide_name(p, arch, "ioctl", 0, TIOCSTI + 1), RET_ALLOW);
		for (const char *const *ok = (const char *const[]){ "mount", "unshare", "keyctl", "bpf", "getpid",
								   "clone", "setns", "open_tree", NULL };
		     *ok; ok++)
			CHECK_INT(decide_name(p, arch, *ok, 0, 0), RET_ALLOW);
	}
	/* the x86_64 number of a denied call with the x32 bit set */
	CHECK_INT(decide(p, AUDIT_ARCH_X86_64, __NR_init_module | X32_BIT, 0, 0), RET_ERRNO(eno));
	CHECK_INT(decide(p, AUDIT_ARCH_X86_64, __NR_finit_module | X32_BIT, 0, 0), RET_ERRNO(eno));
	/* architectures the filter does not cover are killed */
	CHECK_INT(decide(p, AUDIT_ARCH_AARCH64, 0, 0, 0), RET_KILL);
	CHECK_INT(decide(p, AUDIT_ARCH_ARM, 0, 0, 0), RET_KILL);
	CHECK_INT(decide(p, 0, 0, 0, 0), RET_KILL);
}

TEST(seccomp_default_decisions)
{
	_cleanup_free_ char *text = default_profile_text();
	struct seccomp_program prog;
	struct strlist warnings = { 0 };

	CHECK_INT(compile_text(text, &prog, &warnings), 0);
	CHECK_INT(warnings.len, 0);
	CHECK_INT(prog.origin, SECCOMP_ORIGIN_COMPILED);
	CHECK(!prog.notify);
	check_default_decisions(&prog, EPERM);
	seccomp_program_free(&prog);
}

TEST(seccomp_embedded_matches_runtime_compile)
{
	_cleanup_free_ char *text = default_profile_text();
	const struct seccomp_embedded *e = &seccomp_embedded_default;
	struct seccomp_program prog, embedded;
	struct lxc_error err;

	if (!e) {
		printf("# build/seccomp_default.c is not built (run make first): only the runtime compile is checked\n");
		return;
	}
	CHECK_INT(e->text_len, strlen(text));
	CHECK(e->text_len == strlen(text) && !memcmp(e->text, text, e->text_len));
	CHECK_STR(e->compiler, seccomp_compiler());
	CHECK_INT(compile_text(text, &prog, NULL), 0);
	CHECK_INT(e->len, prog.len);
	CHECK(e->len == prog.len && !memcmp(e->insns, prog.insns, prog.len * sizeof(prog.insns[0])));
	CHECK_INT(seccomp_prepare("default", NULL, &embedded, &err), 0);
	CHECK_INT(embedded.origin, SECCOMP_ORIGIN_EMBEDDED);
	CHECK(embedded.insns == e->insns);
	check_default_decisions(&embedded, EPERM);
	seccomp_program_free(&embedded);
	seccomp_program_free(&prog);
}

TEST(seccomp_compile_sections_and_unknown_names)
{
	static const char text[] = "2\ndenylist\n"
				   "nosuchcall errno 1\n"
				   "[x86]\ngetpid errno 9\nkexec_file_load errno 1\n"
				   "[x86_64]\ngetppid errno 10\n"
				   "[x32]\ngettid errno 11\n"
				   "[all]\nsocketcall errno 12\nsched_yield allow\n";
	struct strlist warnings = { 0 };
	struct seccomp_program prog;

	CHECK_INT(compile_text(text, &prog, &warnings), 0);
	/* only the unknown name is reported; kexec_file_load merely is no i386 call */
	CHECK_INT(warnings.len, 1);
	if (warnings.len == 1)
		CHECK_STR(warnings.items[0], "t.seccomp:3: unknown syscall \"nosuchcall\", rule skipped");
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_I386, "getpid", 0, 0), RET_ERRNO(9));
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getpid", 0, 0), RET_ALLOW);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X32, "getpid", 0, 0), RET_ALLOW);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getppid", 0, 0), RET_ERRNO(10));
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_I386, "getppid", 0, 0), RET_ALLOW);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X32, "getppid", 0, 0), RET_ALLOW);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X32, "gettid", 0, 0), RET_ERRNO(11));
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "gettid", 0, 0), RET_ALLOW);
	/* a call only i386 has */
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_I386, "socketcall", 0, 0), RET_ERRNO(12));
	seccomp_program_free(&prog);
	strlist_clear(&warnings);
	/* i386 reaches socket() and semget() both directly and through socketcall()/ipc() */
	CHECK_INT(compile_text("2\ndenylist\nsocket errno 97\nsemget errno 98\n", &prog, &warnings), 0);
	CHECK_INT(warnings.len, 0);
	CHECK_INT(decide(&prog, AUDIT_ARCH_I386, 102 /* socketcall */, 1 /* SYS_SOCKET */, 0), RET_ERRNO(97));
	CHECK_INT(decide(&prog, AUDIT_ARCH_I386, 102, 2 /* SYS_BIND */, 0), RET_ALLOW);
	CHECK_INT(decide(&prog, AUDIT_ARCH_I386, 359 /* socket */, 0, 0), RET_ERRNO(97));
	CHECK_INT(decide(&prog, AUDIT_ARCH_I386, 117 /* ipc */, 2 /* SEMGET */, 0), RET_ERRNO(98));
	CHECK_INT(decide(&prog, AUDIT_ARCH_I386, 393 /* semget */, 0, 0), RET_ERRNO(98));
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "socket", 0, 0), RET_ERRNO(97));
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X32, "socket", 0, 0), RET_ERRNO(97));
	strlist_clear(&warnings);
	seccomp_program_free(&prog);
}

TEST(seccomp_compile_argument_operators)
{
	static const char text[] = "2\ndenylist\n"
				   "read errno 1 [0,5,==]\nwrite errno 2 [0,5,!=]\nclose errno 3 [0,5,<]\n"
				   "dup errno 4 [0,5,<=]\ndup2 errno 5 [0,5,>]\nfsync errno 6 [0,5,>=]\n"
				   "lseek errno 7 [2,0x10,&=,0x30]\n"
				   "pread64 errno 8 [0,1,==] [3,0x100000000,>=]\n";
	static const struct {
		const char *name;
		uint64_t a0;
		uint32_t want;
	} cases[] = {
		{ "read", 5, RET_ERRNO(1) }, { "read", 6, RET_ALLOW }, { "read", 5 | (1ULL << 40), RET_ALLOW },
		{ "write", 5, RET_ALLOW }, { "write", 4, RET_ERRNO(2) },
		{ "close", 4, RET_ERRNO(3) }, { "close", 5, RET_ALLOW },
		{ "dup", 5, RET_ERRNO(4) }, { "dup", 6, RET_ALLOW },
		{ "dup2", 6, RET_ERRNO(5) }, { "dup2", 5, RET_ALLOW }, { "dup2", 1ULL << 33, RET_ERRNO(5) },
		{ "fsync", 5, RET_ERRNO(6) }, { "fsync", 4, RET_ALLOW },
	};
	struct seccomp_program prog;
	struct seccomp_data d = { .arch = AUDIT_ARCH_X86_64 };

	CHECK_INT(compile_text(text, &prog, NULL), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, cases[i].name, cases[i].a0, 0), cases[i].want);
	d.nr = __NR_lseek;
	d.args[2] = 0x10;
	CHECK_INT(bpf_run(&prog, &d), RET_ERRNO(7));
	d.args[2] = 0x1f;
	CHECK_INT(bpf_run(&prog, &d), RET_ERRNO(7));
	d.args[2] = 0x20;
	CHECK_INT(bpf_run(&prog, &d), RET_ALLOW);
	d.nr = __NR_pread64;
	d.args[0] = 1;
	d.args[3] = 0x100000000ULL;
	CHECK_INT(bpf_run(&prog, &d), RET_ERRNO(8));
	d.args[3] = 0xffffffffULL;
	CHECK_INT(bpf_run(&prog, &d), RET_ALLOW);
	d.args[0] = 2;
	d.args[3] = 0x100000000ULL;
	CHECK_INT(bpf_run(&prog, &d), RET_ALLOW);
	seccomp_program_free(&prog);
}

TEST(seccomp_compile_policy_defaults)
{
	struct seccomp_program prog;

	/* denylist: the default rule action kills, the rest is allowed */
	CHECK_INT(compile_text("2\ndenylist\ngetppid\n", &prog, NULL), 0);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getppid", 0, 0), RET_KILL);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getpid", 0, 0), RET_ALLOW);
	seccomp_program_free(&prog);
	/* allowlist: listed calls pass, the rest is killed; a default action may be given */
	CHECK_INT(compile_text("2\nallowlist errno 38\ngetpid\nread trap\n", &prog, NULL), 0);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_I386, "getpid", 0, 0), RET_ALLOW);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getppid", 0, 0), RET_ERRNO(38));
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "read", 0, 0), SECCOMP_RET_TRAP);
	seccomp_program_free(&prog);
	/* a rule whose action is the default one changes nothing and is accepted */
	CHECK_INT(compile_text("2\ndenylist\ngetpid allow\n", &prog, NULL), 0);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getpid", 0, 0), RET_ALLOW);
	seccomp_program_free(&prog);
	/* version 1: x86_64 numbers only; other architectures get the default (kill) */
	CHECK_INT(compile_text("1\nwhitelist\n39\n", &prog, NULL), 0);
	CHECK_INT(decide(&prog, AUDIT_ARCH_X86_64, 39, 0, 0), RET_ALLOW);
	CHECK_INT(decide(&prog, AUDIT_ARCH_X86_64, 110, 0, 0), RET_KILL);
	CHECK_INT(decide(&prog, AUDIT_ARCH_I386, 20, 0, 0), RET_KILL);
	seccomp_program_free(&prog);
	/* notify */
	CHECK_INT(compile_text("2\ndenylist\ngetppid notify\n", &prog, NULL), 0);
	CHECK(prog.notify);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getppid", 0, 0), SECCOMP_RET_USER_NOTIF);
	seccomp_program_free(&prog);
}

TEST(seccomp_compile_moot_rules)
{
	static const char text[] = "2\ndenylist\n"
				   "getpid errno 1\ngetpid errno 2\ngetpid errno 3 [0,5,==]\ngetpid errno 1\n"
				   "gettid errno 4 [0,1,==]\ngettid kill\n"
				   "[x86]\ngetppid errno 5\n[x86_64]\ngetppid errno 6\n";
	struct strlist warnings = { 0 };
	struct seccomp_program prog;

	/* libseccomp keeps the first rule without arguments and drops the others: warned */
	CHECK_INT(compile_text(text, &prog, &warnings), 0);
	CHECK_INT(warnings.len, 3);
	if (warnings.len == 3) {
		CHECK_STR(warnings.items[0], "t.seccomp:4: the rule for \"getpid\" has no effect: line 3 already "
					     "decides every call of it");
		CHECK_STR(warnings.items[1], "t.seccomp:5: the rule for \"getpid\" has no effect: line 3 already "
					     "decides every call of it");
		CHECK_STR(warnings.items[2], "t.seccomp:7: the rule for \"gettid\" has no effect: line 8 already "
					     "decides every call of it");
	}
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getpid", 5, 0), RET_ERRNO(1));
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "gettid", 1, 0), RET_KILL);
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_I386, "getppid", 0, 0), RET_ERRNO(5));
	CHECK_INT(decide_name(&prog, SECCOMP_ARCH_X86_64, "getppid", 0, 0), RET_ERRNO(6));
	strlist_clear(&warnings);
	seccomp_program_free(&prog);
}

TEST(seccomp_compile_bounded_helper)
{
	static const char text[] = "2\ndenylist\nnosuchcall errno 1\ngetpid errno 3\ngetppid notify\n";
	static const char sock[] = "2\ndenylist\nsocket errno 97 [0,40,==]\n";
	static const char loops[] = "2\ndenylist\nbpf errno 2 [1,5,>] [3,9,==]\nbpf errno 2 [1,5,>] [4,9,==]\n";
	struct strlist w1 = { 0 }, w2 = { 0 };
	struct seccomp_program here, there;
	struct seccomp_policy p;
	struct lxc_error err;
	struct timespec t0, t1;

	/* the helper's program, warnings and flags are those of an in-process compile */
	CHECK_INT(seccomp_policy_parse(&p, text, strlen(text), "b.seccomp", &err), 0);
	CHECK_INT(seccomp_compile(&p, &here, &w1, &err), 0);
	CHECK_INT(seccomp_compile_bounded(&p, 0, &there, &w2, &err), 0);
	CHECK(here.len == there.len && !memcmp(here.insns, there.insns, here.len * sizeof(here.insns[0])));
	CHECK(there.notify && there.origin == SECCOMP_ORIGIN_COMPILED);
	CHECK_INT(w2.len, 1);
	if (w1.len == 1 && w2.len == 1)
		CHECK_STR(w2.items[0], w1.items[0]);
	seccomp_program_free(&here);
	seccomp_program_free(&there);
	seccomp_policy_free(&p);
	strlist_clear(&w1);
	strlist_clear(&w2);
	/* errors come back with their text */
	CHECK_INT(seccomp_policy_parse(&p, sock, strlen(sock), "e.seccomp", &err), 0);
	CHECK_ERR(seccomp_compile_bounded(&p, 0, &there, NULL, &err), &err,
		  "e.seccomp:3: libseccomp cannot add the rule for \"socket\" on i386: its arguments cannot be "
		  "filtered there (socketcall passes them through a pointer); write the rule in [x86_64] and [x32] "
		  "sections instead");
	seccomp_policy_free(&p);
	/* libseccomp 2.5.4 loops forever on this one: the start fails instead of hanging */
	CHECK_INT(seccomp_policy_parse(&p, loops, strlen(loops), "l.seccomp", &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (seccomp_compile_bounded(&p, 300, &there, NULL, &err) < 0)
		CHECK_STR(err.msg, "l.seccomp: libseccomp did not finish compiling the profile within 300 ms "
				   "(libseccomp 2.5 can loop on several <, <=, > or >= comparisons for one syscall)");
	else
		seccomp_program_free(&there); /* a libseccomp without the bug */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(t1.tv_sec - t0.tv_sec < 3);
	seccomp_policy_free(&p);
}

/* ---- decisions, judged by the kernel -------------------------------------------------------- */

static int default_profile_body(void *arg)
{
	long want = *(const int *)arg;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), pipefd[2], avail = -1;
	char c = 'x';
	struct termios t;

	/* natively */
	CCHECK(failed_with(syscall(SYS_kexec_load, 0, 0, NULL, 0xffff0000UL), want));
	CCHECK(failed_with(syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0xffffUL), want));
	CCHECK(failed_with(syscall(SYS_init_module, NULL, 0, ""), want));
	CCHECK(failed_with(syscall(SYS_finit_module, -1, "", 0), want));
	CCHECK(failed_with(syscall(SYS_delete_module, "hsec_none", O_NONBLOCK), want));
	CCHECK(failed_with(syscall(SYS_open_by_handle_at, -1, NULL, 0), want));
	CCHECK(failed_with(umount2("/hsec-none", MNT_FORCE), EACCES));
	CCHECK(failed_with(umount2("/hsec-none", MNT_DETACH), ENOENT));
	CCHECK(failed_with(ioctl(fd, TIOCSTI, &c), want));
	CCHECK(failed_with(ioctl(fd, TIOCLINUX, &c), want));
	CCHECK(failed_with(syscall(SYS_ioctl, fd, TIOCSTI | (1UL << 32), &c), want));
	CCHECK(failed_with(syscall(SYS_ioctl, fd, TIOCLINUX | (0xffffffffUL << 32), &c), want));
	CCHECK(failed_with(ioctl(fd, TCGETS, &t), ENOTTY));
	/* i386, through int $0x80 */
	for (size_t i = 0; i < ARRAY_SIZE(denied) && have_int80; i++) {
		int nr = seccomp_syscall_number(denied[i], SECCOMP_ARCH_I386);

		if (nr >= 0)
			CCHECK(int80(nr, -1, 0, 0) == -want);
	}
	if (have_int80) {
		CCHECK(int80(seccomp_syscall_number("umount2", SECCOMP_ARCH_I386), 0, MNT_FORCE, 0) == -EACCES);
		CCHECK(int80(seccomp_syscall_number("ioctl", SECCOMP_ARCH_I386), fd, TIOCSTI, 0) == -want);
		CCHECK(int80(seccomp_syscall_number("ioctl", SECCOMP_ARCH_I386), fd, TIOCLINUX, 0) == -want);
		CCHECK(int80(seccomp_syscall_number("getpid", SECCOMP_ARCH_I386), 0, 0, 0) == getpid());
	}
	/* x32 numbers: the x32 table, and x86_64 numbers with the x32 bit */
	for (size_t i = 0; i < ARRAY_SIZE(denied); i++) {
		int nr = seccomp_syscall_number(denied[i], SECCOMP_ARCH_X32);

		CCHECK(nr & X32_BIT);
		CCHECK(failed_with(syscall(nr, -1, 0, 0, 0, 0xffffUL), want));
	}
	CCHECK(failed_with(syscall(SYS_init_module | X32_BIT, NULL, 0, ""), want));
	CCHECK(failed_with(syscall(SYS_delete_module | X32_BIT, "hsec_none", 0), want));
	CCHECK(failed_with(syscall(seccomp_syscall_number("umount2", SECCOMP_ARCH_X32), "/hsec-none", MNT_FORCE), EACCES));
	CCHECK(failed_with(syscall(seccomp_syscall_number("ioctl", SECCOMP_ARCH_X32), fd, TIOCSTI, &c), want));
	/* what is allowed still works, and no_new_privs was not needed */
	CCHECK(pipe(pipefd) == 0 && write(pipefd[1], "ab", 2) == 2 && ioctl(pipefd[0], FIONREAD, &avail) == 0 &&
	       avail == 2);
	CCHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
	CCHECK(getppid() > 0);
	return 0;
}

TEST(seccomp_default_live)
{
	_cleanup_free_ char *text = default_profile_text();
	struct seccomp_program prog;
	int eperm = EPERM;

	int80_available();
	CHECK_INT(compile_text(text, &prog, NULL), 0);
	CHECK_EXIT(run_in_child(&prog, default_profile_body, &eperm), 0);
	seccomp_program_free(&prog);
}

/* The same with errno 77: a result no kernel path gives, so the filter is what answers. */
TEST(seccomp_default_live_distinct_errno)
{
	_cleanup_free_ char *text = default_profile_text();
	_cleanup_free_ char *variant = replace_all(text, "errno 1", "errno 77");
	struct seccomp_program prog;
	int e77 = 77;

	int80_available();
	CHECK(strstr(variant, "errno 77") != NULL);
	CHECK_INT(compile_text(variant, &prog, NULL), 0);
	CHECK_EXIT(run_in_child(&prog, default_profile_body, &e77), 0);
	seccomp_program_free(&prog);
}

/* Raw exit_group: libc's and the sanitizers' exit paths make calls an allowlist kills. */
static int call_getpid_then_getppid(void *arg)
{
	CCHECK(syscall(SYS_getpid) > 0);
	if (arg)
		syscall(SYS_getppid);
	syscall(SYS_exit_group, child_fails ? 1 : 0);
	return 0;
}

static int call_i386_getpid(void *arg)
{
	int80(seccomp_syscall_number("getpid", SECCOMP_ARCH_I386), 0, 0, 0);
	return 0;
}

TEST(seccomp_allowlist_kills)
{
	_cleanup_free_ char *v1 = xasprintf("1\nallowlist\n%d\n%d\n", SYS_exit_group, SYS_getpid);
	struct seccomp_program prog;

	CHECK_INT(compile_text("2\nallowlist\nexit_group\ngetpid\n", &prog, NULL), 0);
	CHECK_EXIT(run_in_child(&prog, call_getpid_then_getppid, NULL), 0);
	CHECK_SIGNAL(run_in_child(&prog, call_getpid_then_getppid, "getppid"), SIGSYS);
	seccomp_program_free(&prog);
	/* version 1 */
	CHECK_INT(compile_text(v1, &prog, NULL), 0);
	CHECK_EXIT(run_in_child(&prog, call_getpid_then_getppid, NULL), 0);
	CHECK_SIGNAL(run_in_child(&prog, call_getpid_then_getppid, "getppid"), SIGSYS);
	if (int80_available())
		CHECK_SIGNAL(run_in_child(&prog, call_i386_getpid, NULL), SIGSYS);
	seccomp_program_free(&prog);
	/* a denylist rule without an action kills */
	CHECK_INT(compile_text("2\ndenylist\ngetppid\n", &prog, NULL), 0);
	CHECK_SIGNAL(run_in_child(&prog, call_getpid_then_getppid, "getppid"), SIGSYS);
	seccomp_program_free(&prog);
}

static int errno_body(void *arg)
{
	CCHECK(failed_with(mkdirat(AT_FDCWD, "/tmp/hsec-never", 0700), 42));
	if (have_int80)
		CCHECK(int80(seccomp_syscall_number("mkdirat", SECCOMP_ARCH_I386), AT_FDCWD, 0, 0) == -42);
	CCHECK(failed_with(personality(0x1234), 5));
	CCHECK(personality(0xffffffff) >= 0);
	return 0;
}

static void sigsys_exit(int sig)
{
	_exit(55);
}

static int trap_body(void *arg)
{
	signal(SIGSYS, sigsys_exit);
	syscall(SYS_getppid);
	return 0;
}

TEST(seccomp_errno_trap_and_arguments_live)
{
	struct seccomp_program prog;

	int80_available();
	CHECK_INT(compile_text("2\ndenylist\nmkdirat errno 42\npersonality errno 5 [0,0x1234,==]\n", &prog, NULL), 0);
	CHECK_EXIT(run_in_child(&prog, errno_body, NULL), 0);
	seccomp_program_free(&prog);
	CHECK_INT(compile_text("2\ndenylist\ngetppid trap\n", &prog, NULL), 0);
	CHECK_EXIT(run_in_child(&prog, trap_body, NULL), 55);
	seccomp_program_free(&prog);
}

/* notify: the child's listener fd goes to the parent, which answers getppid() with 4242. */
TEST(seccomp_notify_listener)
{
	struct seccomp_program prog;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	struct lxc_error err;
	int sv[2], status = -1, listener = -1;
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	pid_t pid;

	CHECK_INT(compile_text("2\ndenylist\ngetppid notify\n", &prog, NULL), 0);
	CHECK_ERR(seccomp_install(&prog, NULL, &err), &err, "notify rules but the caller takes no listener fd");
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct cmsghdr *cm;
		int fd;

		close(sv[0]);
		if (seccomp_install(&prog, &fd, &err) < 0 || fd < 0) {
			dprintf(1, "#   child: %s\n", err.msg);
			_exit(2);
		}
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		if (sendmsg(sv[1], &msg, 0) != 1)
			_exit(3);
		_exit(syscall(SYS_getppid) == 4242 ? 0 : 4);
	}
	close(sv[1]);
	if (recvmsg(sv[0], &msg, 0) == 1 && CMSG_FIRSTHDR(&msg))
		memcpy(&listener, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	CHECK(listener >= 0);
	memset(&req, 0, sizeof(req));
	CHECK_INT(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
	CHECK_INT(req.data.nr, SYS_getppid);
	CHECK_INT(req.data.arch, AUDIT_ARCH_X86_64);
	CHECK_INT(req.pid, pid);
	resp = (struct seccomp_notif_resp){ .id = req.id, .val = 4242 };
	CHECK_INT(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
	CHECK_INT(waitpid(pid, &status, 0), pid);
	CHECK_EXIT(status, 0);
	close(listener);
	close(sv[0]);
	seccomp_program_free(&prog);
}

/* ---- prepare: profiles, the embedded default, skipping, the cache --------------------------- */

TEST(seccomp_prepare_none_and_errors)
{
	struct seccomp_program prog;
	struct lxc_error err;
	char dir[] = "/tmp/hsec-unit.XXXXXX";
	_cleanup_free_ char *bad = NULL, *status_none = NULL, *status_confined = NULL, *good = NULL;
	struct seccomp_options opts = { .cache_dir = "" };
	int fd = 123;

	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(seccomp_prepare(NULL, NULL, &prog, &err), 0);
	CHECK_INT(prog.origin, SECCOMP_ORIGIN_NONE);
	CHECK(prog.insns == NULL);
	CHECK_INT(seccomp_install(&prog, &fd, &err), 0);
	CHECK_INT(fd, -1);
	CHECK_INT(seccomp_prepare("", NULL, &prog, &err), 0);
	CHECK_INT(prog.origin, SECCOMP_ORIGIN_NONE);

	CHECK_ERR(seccomp_prepare("/nonexistent/hsec.seccomp", NULL, &prog, &err), &err,
		  "seccomp profile: failed to open \"/nonexistent/hsec.seccomp\": No such file or directory");
	/* only LXC's own common.seccomp path falls back to the default */
	CHECK_ERR(seccomp_prepare("/usr/share/lxc/config/hsec-other.seccomp", NULL, &prog, &err), &err,
		  "failed to open \"/usr/share/lxc/config/hsec-other.seccomp\"");
	bad = write_temp(dir, "bad.seccomp", "2\ndenylist\nread errno 1\nwrite errno\n");
	CHECK_ERR(seccomp_prepare(bad, &opts, &prog, &err), &err, "/bad.seccomp:4: \"errno\" needs a value (errno N)");

	/* as LXC: no Seccomp: line, or already confined, means no profile is loaded */
	good = write_temp(dir, "good.seccomp", "2\ndenylist\ngetppid errno 1\n");
	status_none = write_temp(dir, "status-none", "Name:\tx\nNoNewPrivs:\t0\n");
	status_confined = write_temp(dir, "status-confined", "Name:\tx\nSeccomp:\t2\nSeccomp_filters:\t1\n");
	opts.status_path = status_none;
	CHECK_INT(seccomp_prepare(good, &opts, &prog, &err), 0);
	CHECK_INT(prog.origin, SECCOMP_ORIGIN_SKIPPED);
	CHECK(prog.insns == NULL);
	opts.status_path = status_confined;
	CHECK_INT(seccomp_prepare(good, &opts, &prog, &err), 0);
	CHECK_INT(prog.origin, SECCOMP_ORIGIN_SKIPPED);
	opts.allow_nesting = true;
	CHECK_INT(seccomp_prepare(good, &opts, &prog, &err), 0);
	CHECK_INT(prog.origin, SECCOMP_ORIGIN_COMPILED);
	seccomp_program_free(&prog);
	remove_tree(dir, NULL);
}

static int prepare_common_without_file(void *arg)
{
	struct seccomp_program prog;
	struct lxc_error err;

	/* hide whatever LXC installed at /usr/share/lxc/config, in a private mount namespace */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 2;
	if (access("/usr/share/lxc/config", F_OK) == 0 &&
	    mount("tmpfs", "/usr/share/lxc/config", "tmpfs", 0, "size=16k") < 0)
		return 3;
	CCHECK(access(SECCOMP_LXC_COMMON_PROFILE, F_OK) < 0);
	CCHECK(seccomp_prepare(SECCOMP_LXC_COMMON_PROFILE, NULL, &prog, &err) == 0);
	CCHECK(prog.origin == SECCOMP_ORIGIN_EMBEDDED);
	CCHECK(prog.insns == seccomp_embedded_default.insns);
	return 0;
}

TEST(seccomp_prepare_embedded)
{
	static const struct seccomp_program nothing;
	char dir[] = "/tmp/hsec-unit.XXXXXX";
	_cleanup_free_ char *copy = NULL;
	struct seccomp_program prog;
	struct lxc_error err;

	if (!&seccomp_embedded_default) {
		CHECK_ERR(seccomp_prepare("default", NULL, &prog, &err), &err,
			  "the default seccomp profile is not built into this binary");
		printf("# build/seccomp_default.c is not built (run make first)\n");
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(seccomp_prepare("default", NULL, &prog, &err), 0);
	CHECK_INT(prog.origin, SECCOMP_ORIGIN_EMBEDDED);
	CHECK(prog.buf == NULL);
	seccomp_program_free(&prog);
	/* LXC's path without a file there (forked: it needs its own mount namespace) */
	CHECK_EXIT(run_in_child(&nothing, prepare_common_without_file, NULL), 0);
	/* a file with the very text of the default uses the embedded program */
	copy = write_temp(dir, "common.seccomp", seccomp_embedded_default.text);
	CHECK_INT(seccomp_prepare(copy, NULL, &prog, &err), 0);
	CHECK_INT(prog.origin, SECCOMP_ORIGIN_EMBEDDED);
	seccomp_program_free(&prog);
	remove_tree(dir, NULL);
}

static int count_cache_files(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += str_ends_with(e->d_name, ".bpf");
	return n;
}

static char *only_cache_file(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (str_ends_with(e->d_name, ".bpf"))
			return xasprintf("%s/%s", dir, e->d_name);
	return xstrdup("(none)");
}

static enum seccomp_origin prepare_origin(const char *profile, const struct seccomp_options *opts,
					  struct seccomp_program *keep)
{
	struct seccomp_program prog;
	struct lxc_error err;
	enum seccomp_origin o;

	if (seccomp_prepare(profile, opts, &prog, &err) < 0) {
		printf("#   %s\n", err.msg);
		return (enum seccomp_origin)-1;
	}
	o = prog.origin;
	if (keep)
		*keep = prog;
	else
		seccomp_program_free(&prog);
	return o;
}

TEST(seccomp_cache_round_trip)
{
	char dir[] = "/tmp/hsec-unit.XXXXXX";
	_cleanup_free_ char *cache = NULL, *profile = NULL, *notify = NULL, *file = NULL;
	struct seccomp_program first, again;
	struct seccomp_options opts = { 0 };
	struct stat st;
	char byte;
	int fd;

	CHECK(mkdtemp(dir) != NULL);
	cache = xasprintf("%s/run/seccomp-cache", dir);
	opts.cache_dir = cache;
	profile = write_temp(dir, "p.seccomp", "2\ndenylist\ngetppid errno 7\n[x86]\ngetpid errno 8\n");

	CHECK_INT(prepare_origin(profile, &opts, &first), SECCOMP_ORIGIN_COMPILED);
	CHECK(stat(cache, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	CHECK_INT(count_cache_files(cache), 1);
	file = only_cache_file(cache);
	CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK_INT(prepare_origin(profile, &opts, &again), SECCOMP_ORIGIN_CACHED);
	CHECK_INT(again.len, first.len);
	CHECK(again.len == first.len && !memcmp(again.insns, first.insns, first.len * sizeof(first.insns[0])));
	CHECK(!again.notify);
	CHECK_INT(decide_name(&again, SECCOMP_ARCH_I386, "getpid", 0, 0), RET_ERRNO(8));
	seccomp_program_free(&again);

	/* a damaged entry is compiled again and rewritten */
	fd = open(file, O_RDWR);
	CHECK(fd >= 0 && pread(fd, &byte, 1, st.st_size - 3) == 1);
	byte ^= 0x40;
	CHECK(pwrite(fd, &byte, 1, st.st_size - 3) == 1);
	close(fd);
	CHECK_INT(prepare_origin(profile, &opts, NULL), SECCOMP_ORIGIN_COMPILED);
	CHECK_INT(prepare_origin(profile, &opts, &again), SECCOMP_ORIGIN_CACHED);
	CHECK(again.len == first.len && !memcmp(again.insns, first.insns, first.len * sizeof(first.insns[0])));
	seccomp_program_free(&again);
	CHECK_INT(truncate(file, 40), 0);
	CHECK_INT(prepare_origin(profile, &opts, NULL), SECCOMP_ORIGIN_COMPILED);
	/* a world-writable entry is not trusted */
	CHECK_INT(chmod(file, 0666), 0);
	CHECK_INT(prepare_origin(profile, &opts, NULL), SECCOMP_ORIGIN_COMPILED);
	CHECK(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600);

	/* another text is another entry; notify survives the round trip */
	notify = write_temp(dir, "n.seccomp", "2\ndenylist\ngetppid notify\n");
	CHECK_INT(prepare_origin(notify, &opts, NULL), SECCOMP_ORIGIN_COMPILED);
	CHECK_INT(count_cache_files(cache), 2);
	CHECK_INT(prepare_origin(notify, &opts, &again), SECCOMP_ORIGIN_CACHED);
	CHECK(again.notify);
	seccomp_program_free(&again);

	/* a cache directory others can enter is not used */
	CHECK_INT(chmod(cache, 0755), 0);
	CHECK_INT(prepare_origin(profile, &opts, NULL), SECCOMP_ORIGIN_COMPILED);
	CHECK_INT(chmod(cache, 0700), 0);
	/* "" disables the cache */
	opts.cache_dir = "";
	CHECK_INT(prepare_origin(profile, &opts, NULL), SECCOMP_ORIGIN_COMPILED);
	seccomp_program_free(&first);
	remove_tree(dir, NULL);
}

static int cached_program_body(void *arg)
{
	CCHECK(failed_with(syscall(SYS_getppid), 7));
	if (have_int80)
		CCHECK(int80(seccomp_syscall_number("getpid", SECCOMP_ARCH_I386), 0, 0, 0) == -8);
	CCHECK(getpid() > 0);
	return 0;
}

TEST(seccomp_cached_program_installs)
{
	char dir[] = "/tmp/hsec-unit.XXXXXX";
	_cleanup_free_ char *cache = NULL, *profile = NULL;
	struct seccomp_options opts = { 0 };
	struct seccomp_program prog;

	int80_available();
	CHECK(mkdtemp(dir) != NULL);
	cache = xasprintf("%s/cache", dir);
	opts.cache_dir = cache;
	profile = write_temp(dir, "p.seccomp", "2\ndenylist\ngetppid errno 7\n[x86]\ngetpid errno 8\n");
	CHECK_INT(prepare_origin(profile, &opts, NULL), SECCOMP_ORIGIN_COMPILED);
	CHECK_INT(prepare_origin(profile, &opts, &prog), SECCOMP_ORIGIN_CACHED);
	CHECK_EXIT(run_in_child(&prog, cached_program_body, NULL), 0);
	seccomp_program_free(&prog);
	remove_tree(dir, NULL);
}
