/* A tiny unit-test harness: TEST(name) { ... } registers itself; CHECK* macros
 * record failures without stopping the run. Output is TAP, one line per test. */
#ifndef LXC_UNIT_H
#define LXC_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
extern int unit_failures;   /* failures of the running test */
extern const char *unit_skip_reason; /* set by SKIP() */

/* Ends the running test as skipped (TAP "# skip reason"): for tests that need root,
 * a helper binary or a kernel feature this machine lacks. */
#define SKIP(reason)                        \
	do {                                \
		unit_skip_reason = (reason); \
		return;                     \
	} while (0)

#define TEST(name_)                                                          \
	static void test_##name_(void);                                      \
	static struct unit_test unit_##name_ = { #name_, test_##name_, NULL }; \
	__attribute__((constructor)) static void register_##name_(void)      \
	{                                                                    \
		unit_register(&unit_##name_);                                \
	}                                                                    \
	static void test_##name_(void)

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			unit_failures++;                                             \
		}                                                                    \
	} while (0)

#define CHECK_INT(a, b)                                                                     \
	do {                                                                                \
		long long a_ = (long long)(a), b_ = (long long)(b);                         \
		if (a_ != b_) {                                                             \
			printf("#   %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
			unit_failures++;                                                    \
		}                                                                           \
	} while (0)

#define CHECK_STR(a, b)                                                                     \
	do {                                                                                \
		const char *a_ = (a), *b_ = (b);                                            \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                    \
			printf("#   %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
			       a_ ? a_ : "(null)", b_ ? b_ : "(null)");                     \
			unit_failures++;                                                    \
		}                                                                           \
	} while (0)

/* Checks that a lib/ call failed and its message contains `needle`. */
#define CHECK_ERR(call, err, needle)                                                       \
	do {                                                                               \
		if ((call) >= 0) {                                                         \
			printf("#   %s:%d: %s succeeded, expected failure\n", __FILE__, __LINE__, #call); \
			unit_failures++;                                                   \
		} else if (!strstr((err)->msg, needle)) {                                  \
			printf("#   %s:%d: error \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, (err)->msg, needle); \
			unit_failures++;                                                   \
		}                                                                          \
	} while (0)

#endif
