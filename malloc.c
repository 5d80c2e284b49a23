/* malloc for the static binary (linked into build/lxc only: the unit tests use glibc's
 * under ASan). musl's mallocng maps and unmaps small groups as a heap grows and shrinks;
 * every munmap is a TLB shootdown, ~10 µs under a hypervisor (lxc-execute's median went
 * from 22.5 to 19.7 ms with this file, the two binaries timed in turns on one VM).
 *
 * Our processes are short-lived, or small and steady (the monitor): blocks come in
 * power-of-two classes and go back to a free list of their class, never to the kernel.
 * Up to 4 KiB they are carved from 64 KiB arenas, up to 128 KiB (file and netlink
 * buffers, read again at every lxc-top refresh) each is a mapping of its own; larger
 * blocks are unmapped by free and mremap'd by realloc. Not thread-safe: nothing in this
 * project starts threads. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER 16              /* keeps every block 16-byte aligned, as malloc must */
#define MIN_CLASS 32           /* class c holds MIN_CLASS << c bytes, header included */
#define N_CLASSES 13           /* 32 ... 128 KiB */
#define ARENA_CLASSES 8        /* 32 ... 4096: from arenas */
#define ARENA_SIZE (64 * 1024)
#define PAGE 4096
#define LARGE SIZE_MAX         /* the class of a block that is a mapping of its own */

/* In front of every block: its size (of the class, or of the mapping) and its class. */
struct header {
	size_t size;
	size_t class;
};

struct free_block {
	struct free_block *next;
};

static struct free_block *free_lists[N_CLASSES];
static unsigned char *arena_next, *arena_end;

static struct header *header_of(void *p)
{
	return (struct header *)((unsigned char *)p - HEADER);
}

static int class_for(size_t n)
{
	size_t size = MIN_CLASS;

	for (int c = 0; c < N_CLASSES; c++, size <<= 1)
		if (n <= size - HEADER)
			return c;
	return -1;
}

static void *map_pages(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

static void *large_alloc(size_t n)
{
	size_t len = (n + HEADER + PAGE - 1) & ~(size_t)(PAGE - 1);
	struct header *h;

	if (n > SIZE_MAX - HEADER - PAGE) {
		errno = ENOMEM;
		return NULL;
	}
	h = map_pages(len);
	if (!h)
		return NULL;
	h->size = len;
	h->class = LARGE;
	return (unsigned char *)h + HEADER;
}

/* A new block of class c: carved from the current arena (the rest of an arena too small
 * for it is left unused: at most 4 KiB of 64), or over 4 KiB a mapping of its own. */
static struct header *class_block(int c)
{
	size_t size = (size_t)MIN_CLASS << c;
	struct header *h;

	if (c >= ARENA_CLASSES)
		return map_pages(size);
	if ((size_t)(arena_end - arena_next) < size) {
		unsigned char *a = map_pages(ARENA_SIZE);

		if (!a)
			return NULL;
		arena_next = a;
		arena_end = a + ARENA_SIZE;
	}
	h = (struct header *)arena_next;
	arena_next += size;
	return h;
}

void *malloc(size_t n)
{
	int c = class_for(n);
	struct header *h;

	if (c < 0)
		return large_alloc(n);
	if (free_lists[c]) {
		struct free_block *b = free_lists[c];

		free_lists[c] = b->next;
		return b;
	}
	h = class_block(c);
	if (!h)
		return NULL;
	h->size = (size_t)MIN_CLASS << c;
	h->class = (size_t)c;
	return (unsigned char *)h + HEADER;
}

void free(void *p)
{
	struct header *h;
	struct free_block *b = p;

	if (!p)
		return;
	h = header_of(p);
	if (h->class == LARGE) {
		munmap(h, h->size);
		return;
	}
	b->next = free_lists[h->class];
	free_lists[h->class] = b;
}

void *calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(count * size);
	if (p)
		memset(p, 0, count * size); /* a block from a free list holds old data */
	return p;
}

void *realloc(void *p, size_t n)
{
	struct header *h;
	size_t have;
	void *q;

	if (!p)
		return malloc(n);
	h = header_of(p);
	have = h->size - HEADER;
	if (n <= have)
		return p;
	if (h->class == LARGE && n <= SIZE_MAX - HEADER - PAGE) {
		size_t len = (n + HEADER + PAGE - 1) & ~(size_t)(PAGE - 1);
		struct header *moved = mremap(h, h->size, len, MREMAP_MAYMOVE);

		if (moved == MAP_FAILED) {
			errno = ENOMEM;
			return NULL;
		}
		moved->size = len;
		return (unsigned char *)moved + HEADER;
	}
	q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	free(p);
	return q;
}

/* Nothing here asks for more alignment than malloc gives; these exist so that no libc
 * code can reach musl's own allocator with a block ours would then free. */
int posix_memalign(void **out, size_t align, size_t n)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	if (align > HEADER)
		return ENOMEM;
	p = malloc(n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
	void *p = NULL;
	int e = posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align, n);

	if (e) {
		errno = e;
		return NULL;
	}
	return p;
}

size_t malloc_usable_size(void *p)
{
	return p ? header_of(p)->size - HEADER : 0;
}
