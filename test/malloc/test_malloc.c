/* Tests of malloc.c, the allocator of the static binary: built with musl-gcc and the
 * allocator itself (test/check.sh, unit lane), TAP on stdout. A random workload checks
 * that no two live blocks overlap and that realloc keeps contents. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t malloc_usable_size(void *p);

static int n_test, failed_here;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			printf("#   %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
			failed_here = 1;                                         \
		}                                                                \
	} while (0)

static void report(const char *name)
{
	printf("%s %d malloc_%s\n", failed_here ? "not ok" : "ok", ++n_test, name);
	failed_here = 0;
}

static void alignment_and_sizes(void)
{
	for (size_t n = 0; n < 9000; n += 7) {
		unsigned char *p = malloc(n);

		CHECK(p && ((uintptr_t)p & 15) == 0);
		CHECK(malloc_usable_size(p) >= n);
		memset(p, 0xa5, n);
		free(p);
	}
	free(NULL);
	report("alignment_and_sizes");
}

static void free_list_reuse_and_calloc(void)
{
	unsigned char *a = malloc(100), *b;
	volatile size_t huge = SIZE_MAX - 8, half = SIZE_MAX / 2; /* not known to the compiler */

	memset(a, 0xff, 100);
	free(a);
	b = malloc(90); /* same class */
	CHECK(b == a);
	free(b);
	b = calloc(10, 10);
	CHECK(b == a);
	for (int i = 0; i < 100; i++)
		CHECK(b[i] == 0);
	free(b);
	errno = 0;
	CHECK(calloc(half, 4) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(malloc(huge) == NULL && errno == ENOMEM);
	report("free_list_reuse_and_calloc");
}

static void realloc_keeps_contents(void)
{
	size_t sizes[] = { 10, 40, 1000, 4080, 4081, 10000, 300000, 5000000, 64 };
	unsigned char *p = NULL;
	size_t have = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];

		p = realloc(p, n);
		CHECK(p != NULL);
		for (size_t k = 0; k < (have < n ? have : n); k++)
			CHECK(p[k] == (unsigned char)(k * 7));
		for (size_t k = 0; k < n; k++)
			p[k] = (unsigned char)(k * 7);
		have = n;
	}
	/* shrinking keeps the block */
	{
		unsigned char *q = realloc(p, 8);

		CHECK(q == p);
		free(q);
	}
	report("realloc_keeps_contents");
}

static void posix_memalign_small_alignments(void)
{
	void *p = NULL;

	CHECK(posix_memalign(&p, 16, 100) == 0 && p && ((uintptr_t)p & 15) == 0);
	free(p);
	CHECK(posix_memalign(&p, 3, 100) == EINVAL);
	report("posix_memalign_small_alignments");
}

/* xorshift: the same workload every run */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct live {
	unsigned char *p;
	size_t n;
	unsigned char tag;
};

static int intact(const struct live *l)
{
	for (size_t k = 0; k < l->n; k++)
		if (l->p[k] != (unsigned char)(l->tag + k))
			return 0;
	return 1;
}

static void fill(struct live *l)
{
	for (size_t k = 0; k < l->n; k++)
		l->p[k] = (unsigned char)(l->tag + k);
}

static void random_workload_no_overlap(void)
{
	enum { SLOTS = 512, OPS = 40000 };
	static struct live slots[SLOTS];
	int bad = 0;

	for (int op = 0; op < OPS && !bad; op++) {
		struct live *l = &slots[next() % SLOTS];
		uint64_t r = next();
		size_t n = r % 4 == 0 ? (size_t)(next() % 70000) : (size_t)(next() % 600);

		if (l->p && !intact(l))
			bad = 1;
		if (!l->p) {
			l->p = malloc(n);
		} else if (r % 3 == 0) {
			free(l->p);
			l->p = NULL;
			continue;
		} else {
			unsigned char *q = realloc(l->p, n);
			size_t keep = n < l->n ? n : l->n;

			for (size_t k = 0; q && k < keep; k++)
				if (q[k] != (unsigned char)(l->tag + k))
					bad = 1;
			l->p = q;
		}
		CHECK(l->p != NULL);
		l->n = n;
		l->tag = (unsigned char)r;
		fill(l);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].p && !intact(&slots[i]))
			bad = 1;
		free(slots[i].p);
	}
	CHECK(!bad);
	report("random_workload_no_overlap");
}

int main(void)
{
	alignment_and_sizes();
	free_list_reuse_and_calloc();
	realloc_keeps_contents();
	posix_memalign_small_alignments();
	random_workload_no_overlap();
	return 0;
}
