/* Reading config files: "key = value" lines, comments, quotes, lxc.include of files and
 * directories (sorted), include loops and depth. Errors name "file:line: key: what". */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf_internal.h"

/* Files up to this size are read on the stack (includes nest at most CONF_INCLUDE_MAX deep) */
#define CONF_FILE_STACK 4096

int conf_split_line(char *line, char **key, char **value)
{
	char *p = line, *eq, *v;
	size_t n;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	/* like LXC, lines that are not lxc.* keys are ignored */
	if (strncmp(p, "lxc.", 4) != 0)
		return 0;
	eq = strchr(p, '=');
	if (!eq) {
		*key = str_trim(p);
		return -1;
	}
	*eq = '\0';
	*key = str_trim(p);
	v = str_trim(eq + 1);
	n = strlen(v);
	/* a value in matching quotes loses them (LXC 5's templates write lxc.uts.name = "c") */
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	*value = v;
	return 1;
}

/* Only regular files: an include of /dev/zero or a FIFO must not hang the parser.
 * Small files are read into buf (the caller's stack), larger ones into *heap: musl's
 * allocator returns freed memory to the kernel at once, and the unmap costs more than
 * parsing a whole config. */
static int read_regular(const char *path, char *buf, size_t size, char **text, char **heap, size_t *len,
			struct stat *st, struct lxc_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	*heap = NULL;
	if (fd < 0)
		return error_sys(err, errno, "failed to open \"%s\"", path);
	if (fstat(fd, st) < 0)
		return error_sys(err, errno, "failed to stat \"%s\"", path);
	if (!S_ISREG(st->st_mode))
		return error_set(err, "\"%s\" is not a regular file", path);
	if ((size_t)st->st_size >= size)
		buf = *heap = xmalloc(st->st_size + 1);
	n = read_full(fd, buf, st->st_size);
	if (n < 0) {
		int saved = errno;

		free(*heap);
		*heap = NULL;
		return error_sys(err, saved, "failed to read \"%s\"", path);
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Parse text in place. keep: the main file, whose lines become the kept text. */
static int parse_text(struct lxc_conf *conf, struct conf_reader *r, const char *path, char *text, size_t len,
		      bool keep, struct lxc_error *err)
{
	size_t pos = 0;
	int lineno = 0;

	if (keep)
		conf->text_final_newline = len > 0 && text[len - 1] == '\n';
	while (pos < len) {
		char *line = text + pos, *nl = memchr(line, '\n', len - pos), *key, *value;
		_cleanup_free_ char *canonical = NULL;
		struct conf_ref ref;
		int kind;

		if (nl)
			*nl = '\0';
		pos = nl ? (size_t)(nl - text) + 1 : len;
		lineno++;
		if (keep)
			conf_text_append(conf, line, NULL);
		kind = conf_split_line(line, &key, &value);
		if (kind == 0)
			continue;
		if (kind < 0)
			return error_set(err, "%s:%d: %s: expected \"key = value\"", path, lineno, key);
		if (conf_resolve(conf, key, &ref, err) < 0)
			return error_prefix(err, "%s:%d", path, lineno);
		if (keep) {
			canonical = conf_ref_name(&ref);
			conf->lines[conf->n_lines - 1].key = steal_ptr(canonical);
		}
		ref.file = path;
		ref.reader = r;
		if (conf_ref_set(conf, &ref, key, value, err) < 0) {
			if (r->err_complete)
				return -1;
			return error_prefix(err, "%s:%d", path, lineno);
		}
	}
	return 0;
}

static void chain_message(struct conf_reader *r, const char *last, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i <= r->depth && used < size; i++)
		used += snprintf(buf + used, size - used, "%s -> ", r->chain[i].path);
	if (used < size)
		snprintf(buf + used, size - used, "%s", last);
}

static int include_file(struct lxc_conf *conf, struct conf_reader *r, const char *path, struct lxc_error *err)
{
	_cleanup_free_ char *heap = NULL;
	char buf[CONF_FILE_STACK], *text, chain[768];
	struct stat st;
	size_t len;
	int ret;

	if (r->depth >= CONF_INCLUDE_MAX) {
		chain_message(r, path, chain, sizeof(chain));
		return error_set(err, "includes nested more than %d deep: %s", CONF_INCLUDE_MAX, chain);
	}
	if (read_regular(path, buf, sizeof(buf), &text, &heap, &len, &st, err) < 0)
		return -1;
	for (int i = 0; i <= r->depth; i++) {
		if (r->chain[i].dev == st.st_dev && r->chain[i].ino == st.st_ino) {
			chain_message(r, path, chain, sizeof(chain));
			return error_set(err, "include loop: %s", chain);
		}
	}
	r->depth++;
	r->chain[r->depth].dev = st.st_dev;
	r->chain[r->depth].ino = st.st_ino;
	r->chain[r->depth].path = xstrdup(path);
	if (r->depth > conf->include_depth)
		conf->include_depth = r->depth;
	ret = parse_text(conf, r, path, text, len, false, err);
	free(r->chain[r->depth].path);
	r->chain[r->depth].path = NULL;
	r->depth--;
	if (ret < 0)
		r->err_complete = true; /* the message names the included file and line */
	return ret;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Every *.conf regular file of the directory, in sorted order. Read with getdents64 into
 * a stack buffer: opendir's heap buffer costs a map and unmap with musl. */
static int include_dir(struct lxc_conf *conf, struct conf_reader *r, const char *dir, struct lxc_error *err)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct strlist names = { 0 };
	char buf[2048] __attribute__((aligned(8)));
	long n;
	int ret = 0;

	if (fd < 0)
		return error_sys(err, errno, "failed to open directory \"%s\"", dir);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *de = (struct linux_dirent64 *)(buf + off);
			struct stat st;

			off += de->d_reclen;
			if (de->d_name[0] == '.' || !str_ends_with(de->d_name, ".conf"))
				continue;
			if (fstatat(fd, de->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
				continue;
			strlist_push(&names, de->d_name);
		}
	}
	if (n < 0) {
		strlist_clear(&names);
		return error_sys(err, errno, "failed to read directory \"%s\"", dir);
	}
	if (names.len)
		qsort(names.items, names.len, sizeof(*names.items), compare_names);
	for (size_t i = 0; i < names.len && ret == 0; i++) {
		_cleanup_free_ char *path = xasprintf("%s%s%s", dir, str_ends_with(dir, "/") ? "" : "/",
						      names.items[i]);

		ret = include_file(conf, r, path, err);
	}
	strlist_clear(&names);
	return ret;
}

static void reader_init(struct conf_reader *r, const char *main_path)
{
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->chain[0].path = xstrdup(main_path ? main_path : "(command line)");
	if (main_path && stat(main_path, &st) == 0) {
		r->chain[0].dev = st.st_dev;
		r->chain[0].ino = st.st_ino;
	} else {
		r->chain[0].ino = (ino_t)-1;
	}
}

static void reader_free(struct conf_reader *r)
{
	for (int i = 0; i <= CONF_INCLUDE_MAX; i++) {
		free(r->chain[i].path);
		r->chain[i].path = NULL;
	}
}

int conf_include(struct lxc_conf *conf, const struct conf_ref *ref, const char *value, struct lxc_error *err)
{
	struct conf_reader local, *r = ref->reader;
	_cleanup_free_ char *path = NULL;
	const char *base = ref->file ? ref->file : conf->path;
	struct stat st;
	int ret;

	if (value[0] == '/' || !base) {
		path = xstrdup(value);
	} else {
		_cleanup_free_ char *copy = xstrdup(base);

		path = xasprintf("%s/%s", dirname(copy), value);
	}
	if (stat(path, &st) < 0) {
		/* LXC skips a directory include that does not exist (userns.conf includes
		 * userns.conf.d/, which is usually absent); a missing file is an error */
		if (errno == ENOENT && str_ends_with(value, "/"))
			return 0;
		return error_sys(err, errno, "failed to include \"%s\"", path);
	}
	if (!r) {
		reader_init(&local, conf->path);
		r = &local;
	}
	ret = S_ISDIR(st.st_mode) ? include_dir(conf, r, path, err) : include_file(conf, r, path, err);
	if (r == &local)
		reader_free(&local);
	return ret;
}

static int load_text(struct lxc_conf *conf, const char *path, char *text, size_t len, struct lxc_error *err)
{
	struct conf_reader r;
	int ret;

	conf_lines_free(conf);
	strlist_clear(&conf->includes);
	free(conf->path);
	conf->path = path ? xstrdup(path) : NULL;
	reader_init(&r, path);
	ret = parse_text(conf, &r, path ? path : "(text)", text, len, true, err);
	reader_free(&r);
	return ret;
}

int conf_load_file(struct lxc_conf *conf, const char *path, struct lxc_error *err)
{
	_cleanup_free_ char *heap = NULL;
	char buf[CONF_FILE_STACK], *text;
	struct stat st;
	size_t len;

	if (read_regular(path, buf, sizeof(buf), &text, &heap, &len, &st, err) < 0)
		return -1;
	return load_text(conf, path, text, len, err);
}

int conf_load_buffer(struct lxc_conf *conf, const char *path, const char *text, size_t len, struct lxc_error *err)
{
	_cleanup_free_ char *copy = xmalloc(len + 1);

	memcpy(copy, text, len);
	copy[len] = '\0';
	return load_text(conf, path, copy, len, err);
}
