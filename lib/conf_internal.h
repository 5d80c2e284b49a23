/* Shared between the conf*.c files only: the key table's shape, resolved key
 * references, the include reader and a small output buffer for getters. */
#ifndef LXC_CONF_INTERNAL_H
#define LXC_CONF_INTERNAL_H

#include <stddef.h>
#include <sys/types.h>

#include "conf.h"

#define CONF_INCLUDE_MAX 16

/* Getter output: grows as needed. */
struct conf_buf {
	char *s;
	size_t len, cap;
};
void conf_buf_add(struct conf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The file reader's state for one conf_load_* call: the include chain, for loops. */
struct conf_reader {
	struct {
		dev_t dev;
		ino_t ino;
		char *path;
	} chain[CONF_INCLUDE_MAX + 1];
	int depth;
	bool err_complete;   /* err already names file:line (an error inside an include) */
};

struct conf_key;

/* A key name resolved against the table. */
struct conf_ref {
	const struct conf_key *key;
	const char *sub;         /* family member ("devices.allow", "nofile"); NULL = whole family */
	int net;                 /* NIC index of a per-NIC key; -1 for lxc.net itself */
	bool legacy;             /* written with its LXC 1.x/2.x name */
	bool net_unindexed;      /* lxc.network.X: the NIC is chosen by the 1.x rule */
	/* where a set comes from, for relative includes and loop detection */
	const char *file;
	struct conf_reader *reader;
};

typedef int (*conf_set_fn)(struct lxc_conf *conf, const struct conf_ref *ref, const char *value,
			   struct lxc_error *err);
/* Returns -1 with err set when the key cannot be read (no such NIC, wrong NIC type). */
typedef int (*conf_get_fn)(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
			   struct lxc_error *err);
typedef void (*conf_clear_fn)(struct lxc_conf *conf, const struct conf_ref *ref);

enum {
	CK_FAMILY = 1 << 0,  /* name is a prefix: "lxc.cgroup" covers lxc.cgroup.<sub> */
	CK_LIST   = 1 << 1,  /* values accumulate; conf_set_item appends a line */
	CK_NET    = 1 << 2,  /* per-NIC: name is the part after lxc.net.N. */
	CK_HOOK   = 1 << 3,  /* one of lxc.hook.<type> (cleared by lxc.hook) */
	CK_SPLIT  = 1 << 4,  /* list values split on blanks (cap.drop, group) */
	CK_NOGET  = 1 << 5,  /* set/clear only (lxc.hook, lxc.net.N) */
	CK_HOOKS  = 1 << 6,  /* lxc.hook: stands for every lxc.hook.<type> */
	CK_ICASE  = 1 << 7,  /* family members compare without case (prlimit names) */
};

struct conf_key {
	const char *name;        /* modern name */
	const char *legacy;      /* LXC 1.x/2.x name, or NULL */
	unsigned flags;
	size_t off;              /* field used by the generic handlers */
	long arg;                /* handler-specific: display of "unset", required NIC type... */
	conf_set_fn set;
	conf_get_fn get;
	conf_clear_fn clear;
};

/* conf_keys.c */
extern const struct conf_key conf_keys[];
extern const size_t conf_n_keys;
/* conf_keys_kv.c: handlers of the families and structured values */
int conf_kv_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err);
int conf_kv_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err);
void conf_kv_clear(struct lxc_conf *conf, const struct conf_ref *ref);
int conf_prlimit_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err);
int conf_prlimit_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err);
void conf_prlimit_clear(struct lxc_conf *conf, const struct conf_ref *ref);
int conf_idmap_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err);
int conf_idmap_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out, struct lxc_error *err);
void conf_idmap_clear(struct lxc_conf *conf, const struct conf_ref *ref);
int conf_ns_flags_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err);
int conf_ns_flags_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
		      struct lxc_error *err);
int conf_ns_share_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err);
int conf_ns_share_get(struct lxc_conf *conf, const struct conf_ref *ref, struct conf_buf *out,
		      struct lxc_error *err);
void conf_ns_share_clear(struct lxc_conf *conf, const struct conf_ref *ref);

/* conf_keys_net.c */
extern const struct conf_key conf_net_keys[];
extern const size_t conf_n_net_keys;
extern const struct conf_key conf_net_root_key;  /* lxc.net */
extern const struct conf_key conf_nic_root_key;  /* lxc.net.N */
void conf_net_clear_all(struct lxc_conf *conf);
void conf_net_free(struct conf_net *net);

/* Resolve a key name; conf (may be NULL) picks the NIC of an unindexed lxc.network.X.
 * Returns -1 for an unknown key (err: "KEY: unknown configuration key"). */
int conf_resolve(const struct lxc_conf *conf, const char *key, struct conf_ref *ref, struct lxc_error *err);
/* The modern, fully indexed name of a resolved key (malloc'd). */
char *conf_ref_name(const struct conf_ref *ref);
/* Does clearing `target` cover the line whose canonical key resolves to `line`? */
bool conf_ref_covers(const struct conf_ref *target, const struct conf_ref *line);
/* Apply a value (validation + typed store). Errors are "KEY: what is wrong". */
int conf_ref_set(struct lxc_conf *conf, const struct conf_ref *ref, const char *key, const char *value,
		 struct lxc_error *err);

/* conf_parse.c */
int conf_include(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err);
/* Split "key = value" in place: *key and *value trimmed, quotes stripped.
 * Returns 1 for a key line, 0 for a comment/blank/non-lxc line, -1 for a malformed one. */
int conf_split_line(char *line, char **key, char **value);

/* conf_write.c */
void conf_text_append(struct lxc_conf *conf, const char *text, const char *key);
void conf_lines_free(struct lxc_conf *conf);

/* Room for element n of an array that grows one element at a time: capacity doubles at
 * powers of two, so no capacity field is needed (shrinking n keeps enough room). */
static inline void *conf_grow(void *p, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0)
		p = xrealloc(p, (n ? n * 2 : 1) * size);
	return p;
}

/* generic helpers in conf.c */
int conf_arch_parse(const char *name, unsigned long *personality, const char **normal);
int conf_parse_bool(const char *value, const char *key, int *out, struct lxc_error *err);
bool conf_value_empty(const char *value);

#endif
