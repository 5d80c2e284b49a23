/* Small helpers shared by every module: cleanup attributes, allocation that
 * aborts on exhaustion, strings, string lists, and whole-file I/O. */
#ifndef LXC_UTILS_H
#define LXC_UTILS_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "error.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* __attribute__((cleanup)) helpers: no goto ladders, no leaks on error paths. */
#define _cleanup_(f) __attribute__((cleanup(f)))
static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void closedirp(DIR **d) { if (*d) closedir(*d); }
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hand ownership out of a cleanup variable. */
#define steal_ptr(p) ({ __typeof__(p) _tmp = (p); (p) = NULL; _tmp; })
#define steal_fd(fd) ({ int _tmp = (fd); (fd) = -1; _tmp; })

/* Allocation failure aborts: there is no sane recovery in a container manager. */
void *xmalloc(size_t n);
void *xzalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Strings */
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
char *str_trim(char *s);                 /* in place; returns the trimmed start */
bool str_equal(const char *a, const char *b); /* NULL-safe */
/* Decimal parsing with full validation (no trailing junk, range checked). */
int str_to_int(const char *s, int *out);
int str_to_uint(const char *s, unsigned int *out);
int str_to_int64(const char *s, long long *out);
int str_to_uint64(const char *s, unsigned long long *out);

/* A growable, NULL-terminated vector of owned strings. */
struct strlist {
	char **items;
	size_t len;
	size_t cap;
};
void strlist_push(struct strlist *l, const char *s);      /* copies s */
void strlist_push_owned(struct strlist *l, char *s);      /* takes s */
void strlist_clear(struct strlist *l);
bool strlist_contains(const struct strlist *l, const char *s);
/* Split on any of seps, skipping empty fields. */
void strlist_split(struct strlist *l, const char *s, const char *seps);
/* Join with sep; returns a new string ("" for an empty list). */
char *strlist_join(const struct strlist *l, const char *sep);

/* Files */
/* Read a whole file (NUL-terminated); len may be NULL. */
int file_read(const char *path, char **buf, size_t *len, struct lxc_error *err);
int file_read_at(int dirfd, const char *path, char **buf, size_t *len, struct lxc_error *err);
/* Write a string to an existing file (procfs, cgroupfs): one write call. */
int file_write_str(const char *path, const char *s, struct lxc_error *err);
int file_write_str_at(int dirfd, const char *path, const char *s, struct lxc_error *err);
/* Write via tmp + rename in the same directory, fsync'ed (configs). */
int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode, struct lxc_error *err);
/* The same without fsync: atomic, not durable (runtime state under /run, caches,
 * files of a rootfs being created). */
int file_write_replace(const char *path, const char *data, size_t len, mode_t mode, struct lxc_error *err);
int mkdir_p(const char *path, mode_t mode, struct lxc_error *err);
/* rm -rf without crossing into other file systems or following symlinks. */
int remove_tree(const char *path, struct lxc_error *err);
bool path_exists(const char *path);
bool is_dir(const char *path);

/* Full read/write that retry on EINTR and short counts; return -1 with errno. */
ssize_t read_full(int fd, void *buf, size_t n);
ssize_t write_full(int fd, const void *buf, size_t n);

/* Close every fd >= from except those listed (sorted not required). */
void close_fds_from(int from, const int *keep, size_t nkeep);

#endif
