/* The user's text, kept for writing back: set/clear edit the lines of the main file
 * (comments, order, blank lines and includes stay as written); conf_write replaces it atomically. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_internal.h"

void conf_lines_free(struct lxc_conf *conf)
{
	for (size_t i = 0; i < conf->n_lines; i++) {
		free(conf->lines[i].text);
		free(conf->lines[i].key);
	}
	free(conf->lines);
	conf->lines = NULL;
	conf->n_lines = 0;
	conf->text_final_newline = false;
}

void conf_text_append(struct lxc_conf *conf, const char *text, const char *key)
{
	conf->lines = conf_grow(conf->lines, conf->n_lines, sizeof(*conf->lines));
	conf->lines[conf->n_lines].text = xstrdup(text);
	conf->lines[conf->n_lines].key = key ? xstrdup(key) : NULL;
	conf->n_lines++;
}

static void line_remove(struct lxc_conf *conf, size_t i)
{
	free(conf->lines[i].text);
	free(conf->lines[i].key);
	memmove(&conf->lines[i], &conf->lines[i + 1], (conf->n_lines - i - 1) * sizeof(*conf->lines));
	conf->n_lines--;
}

char *conf_text(const struct lxc_conf *conf)
{
	struct conf_buf b = { 0 };

	for (size_t i = 0; i < conf->n_lines; i++)
		conf_buf_add(&b, "%s%s", conf->lines[i].text,
			     i + 1 < conf->n_lines || conf->text_final_newline ? "\n" : "");
	return b.s ? b.s : xstrdup("");
}

int conf_write(const struct lxc_conf *conf, const char *path, struct lxc_error *err)
{
	_cleanup_free_ char *text = conf_text(conf);
	struct stat st;
	bool existed = stat(path, &st) == 0;
	mode_t mode = existed ? st.st_mode & 07777 : 0640;

	if (file_write_atomic(path, text, strlen(text), mode, err) < 0)
		return -1;
	/* the umask may have narrowed the mode of the new file */
	if (existed && chmod(path, mode) < 0)
		return error_sys(err, errno, "failed to restore the mode of \"%s\"", path);
	return 0;
}

/* ---- items ------------------------------------------------------------------------------------ */

static void reader_for(struct conf_reader *r, const struct lxc_conf *conf)
{
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->chain[0].path = xstrdup(conf->path ? conf->path : "(command line)");
	r->chain[0].ino = (ino_t)-1;
	if (conf->path && stat(conf->path, &st) == 0) {
		r->chain[0].dev = st.st_dev;
		r->chain[0].ino = st.st_ino;
	}
}

/* Resolve for reading or clearing: an unindexed lxc.network.X means the last NIC, even "type". */
static int resolve_existing(struct lxc_conf *conf, const char *key, struct conf_ref *ref, struct lxc_error *err)
{
	if (conf_resolve(conf, key, ref, err) < 0)
		return -1;
	if (ref->net_unindexed)
		ref->net = conf->net_legacy_last;
	return 0;
}

static int apply(struct lxc_conf *conf, const char *key, const char *value, struct conf_ref *ref,
		 struct lxc_error *err)
{
	struct conf_reader r;
	int ret;

	if (conf_resolve(conf, key, ref, err) < 0)
		return -1;
	reader_for(&r, conf);
	ref->reader = &r;
	ref->file = conf->path;
	ret = conf_ref_set(conf, ref, key, value ? value : "", err);
	free(r.chain[0].path);
	ref->reader = NULL;
	return ret;
}

int conf_apply_item(struct lxc_conf *conf, const char *key, const char *value, struct lxc_error *err)
{
	struct conf_ref ref;

	return apply(conf, key, value, &ref, err);
}

int conf_get_item(struct lxc_conf *conf, const char *key, char **out, struct lxc_error *err)
{
	struct conf_buf b = { 0 };
	struct conf_ref ref;

	if (resolve_existing(conf, key, &ref, err) < 0)
		return -1;
	if (ref.key->flags & CK_NOGET)
		return error_set(err, "%s: can only be set or cleared", key);
	if (ref.key->get(conf, &ref, &b, err) < 0) {
		free(b.s);
		return error_prefix(err, "%s", key);
	}
	*out = b.s ? b.s : xstrdup("");
	return 0;
}

static bool has_includes(const struct lxc_conf *conf)
{
	for (size_t i = 0; i < conf->n_lines; i++)
		if (conf->lines[i].key && strcmp(conf->lines[i].key, "lxc.include") == 0)
			return true;
	return false;
}

/* Drops every kept line the target covers, except the one at keep_first_at. */
static void remove_covered(struct lxc_conf *conf, const struct conf_ref *target, size_t keep_first_at)
{
	for (size_t i = conf->n_lines; i-- > 0;) {
		struct conf_ref line;

		if (i == keep_first_at || !conf->lines[i].key)
			continue;
		if (conf_resolve(NULL, conf->lines[i].key, &line, NULL) < 0)
			continue;
		if (conf_ref_covers(target, &line))
			line_remove(conf, i);
	}
}

static ssize_t first_covered(const struct lxc_conf *conf, const struct conf_ref *target)
{
	for (size_t i = 0; i < conf->n_lines; i++) {
		struct conf_ref line;

		if (conf->lines[i].key && conf_resolve(NULL, conf->lines[i].key, &line, NULL) == 0 &&
		    conf_ref_covers(target, &line))
			return (ssize_t)i;
	}
	return -1;
}

/* What a config line loses around its value when read (str_trim; a newline cannot be in one). */
static bool trimmed_when_read(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A value that would lose characters when read back gets quotes. */
static char *quote_value(const char *value)
{
	size_t n = strlen(value);
	char q;

	if (n == 0)
		return xstrdup("");
	if (!trimmed_when_read(value[0]) && !trimmed_when_read(value[n - 1]) &&
	    !(n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]))
		return xstrdup(value);
	q = value[0] == '"' || value[n - 1] == '"' ? '\'' : '"';
	return xasprintf("%c%s%c", q, value, q);
}

static void line_set_value(struct lxc_conf *conf, size_t i, const char *value)
{
	char *text = conf->lines[i].text, *eq = strchr(text, '=');
	_cleanup_free_ char *quoted = quote_value(value);
	size_t keep;

	if (!eq)
		return;
	keep = (eq - text) + 1;
	keep += strspn(text + keep, " \t");
	conf->lines[i].text = xasprintf("%.*s%s", (int)keep, text, quoted);
	free(text);
}

static void append_line(struct lxc_conf *conf, const char *key, const char *value)
{
	_cleanup_free_ char *quoted = quote_value(value);
	_cleanup_free_ char *text = *value ? xasprintf("%s = %s", key, quoted) : xasprintf("%s =", key);

	conf_text_append(conf, text, key);
	conf->text_final_newline = true;
}

/* Empty the key in the text; values coming from included files are cleared by a "key =" line. */
static void text_clear(struct lxc_conf *conf, const struct conf_ref *ref, const char *name)
{
	remove_covered(conf, ref, (size_t)-1);
	if (strcmp(name, "lxc.include") != 0 && has_includes(conf))
		append_line(conf, name, "");
}

/* A NIC's type changed: settings for another type no longer apply, and their lines would
 * now be refused when the file is read again (they follow the type line). */
static void drop_other_type_keys(struct lxc_conf *conf, const struct conf_ref *ref)
{
	struct conf_net *net;

	if (!(ref->key->flags & CK_NET) || strcmp(ref->key->name, "type") != 0)
		return;
	net = conf_net_get(conf, ref->net, false);
	for (size_t i = 0; i < conf_n_net_keys; i++) {
		struct conf_ref other = { .key = &conf_net_keys[i], .net = ref->net };

		if (!other.key->arg || (net && (long)net->type == other.key->arg))
			continue;
		other.key->clear(conf, &other);
		remove_covered(conf, &other, (size_t)-1);
	}
}

int conf_set_item(struct lxc_conf *conf, const char *key, const char *value, struct lxc_error *err)
{
	_cleanup_free_ char *name = NULL, *trimmed = NULL;
	struct conf_ref ref;
	ssize_t first;

	if (!value)
		value = "";
	if (strchr(value, '\n'))
		return error_set(err, "%s: a value cannot contain a newline", key);
	/* the key as a config line gives it (blanks around it dropped): the line written is
	 * named by what was checked here ("lxc.cgroup.dir\r" is not a cgroup file "dir\r") */
	trimmed = xstrdup(key);
	key = str_trim(trimmed);
	if (apply(conf, key, value, &ref, err) < 0)
		return -1;
	name = conf_ref_name(&ref);
	drop_other_type_keys(conf, &ref);
	if (conf_value_empty(value)) {
		text_clear(conf, &ref, name);
		return 0;
	}
	if ((ref.key->flags & CK_LIST) || (ref.net_unindexed && strcmp(ref.key->name, "type") == 0)) {
		append_line(conf, name, value);
		return 0;
	}
	first = first_covered(conf, &ref);
	if (first < 0) {
		append_line(conf, name, value);
		return 0;
	}
	/* the first line keeps its place and its spelling of the key; later duplicates go */
	line_set_value(conf, first, value);
	remove_covered(conf, &ref, first);
	return 0;
}

int conf_clear_item(struct lxc_conf *conf, const char *key, struct lxc_error *err)
{
	_cleanup_free_ char *name = NULL;
	struct conf_ref ref;

	if (resolve_existing(conf, key, &ref, err) < 0)
		return -1;
	if (ref.net_unindexed && ref.net < 0)
		return error_set(err, "%s: no network defined yet", key);
	ref.key->clear(conf, &ref);
	drop_other_type_keys(conf, &ref);
	name = conf_ref_name(&ref);
	text_clear(conf, &ref, name);
	return 0;
}
