/* lxc-update-config's work: rewrite the LXC 1.x/2.x keys of one config file to today's
 * names, line by line, keeping comments, order and includes (which are read, never changed). */
#include <string.h>

#include "conf_internal.h"

/* 1.x keys that today's LXC rejects and that carry nothing worth keeping once converted */
static bool obsolete_key(const char *canonical)
{
	return !strcmp(canonical, "lxc.kmsg") || !strcmp(canonical, "lxc.pivotdir") ||
	       !strcmp(canonical, "lxc.rootfs.backend");
}

/* The key as written on a line: start offset and length. */
static bool written_key(const char *text, size_t *start, size_t *len)
{
	const char *p = text + strspn(text, " \t"), *eq = strchr(p, '=');
	const char *end = eq;

	if (!eq)
		return false;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*start = p - text;
	*len = end - p;
	return *len > 0;
}

static char *replace_key(const char *text, size_t start, size_t len, const char *key)
{
	return xasprintf("%.*s%s%s", (int)start, text, key, text + start + len);
}

/* "#lxc.utsname = x" becomes "#lxc.uts.name = x"; commented network lines stay, their
 * NIC index would be a guess. */
static char *update_comment(const char *text)
{
	const char *p = text + strspn(text, " \t");
	_cleanup_free_ char *key = NULL;
	struct conf_ref ref;
	size_t start, len;

	if (*p != '#')
		return NULL;
	p += strspn(p, "#");
	p += strspn(p, " \t");
	if (!str_starts_with(p, "lxc.") || !written_key(p, &start, &len))
		return NULL;
	key = xstrndup(p + start, len);
	if (conf_resolve(NULL, key, &ref, NULL) < 0 || !ref.legacy || (ref.key->flags & CK_NET) ||
	    ref.key == &conf_net_root_key || ref.key == &conf_nic_root_key) {
		return NULL;
	} else {
		_cleanup_free_ char *modern = conf_ref_name(&ref);

		return replace_key(text, (p - text) + start, len, modern);
	}
}

static char *update_rootfs(const struct lxc_conf *conf, const char *text, size_t start, size_t len)
{
	const char *eq = strchr(text + start + len, '=');
	_cleanup_free_ char *value = xstrdup(eq + 1);
	char *v = str_trim(value);
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	/* lxc.rootfs.backend goes away: its driver moves into the path, as LXC's script does;
	 * without one the path stays as is (the backend is detected, as LXC does) */
	if (conf->rootfs_backend && *v && !strchr(v, ':'))
		return xasprintf("%.*slxc.rootfs.path = %s:%s", (int)start, text, conf->rootfs_backend, v);
	return replace_key(text, start, len, "lxc.rootfs.path");
}

int conf_update_legacy(const char *path, char **out, bool *changed, struct lxc_error *err)
{
	struct lxc_conf *conf = conf_new();
	_cleanup_free_ char *before = NULL;
	size_t i = 0;

	if (conf_load_file(conf, path, err) < 0) {
		conf_free(conf);
		return -1;
	}
	before = conf_text(conf);
	while (i < conf->n_lines) {
		struct conf_line *l = &conf->lines[i];
		_cleanup_free_ char *key = NULL;
		struct conf_ref ref;
		char *updated = NULL;
		size_t start, len;

		if (!l->key) {
			updated = update_comment(l->text);
		} else if (obsolete_key(l->key)) {
			free(l->text);
			free(l->key);
			memmove(l, l + 1, (conf->n_lines - i - 1) * sizeof(*l));
			conf->n_lines--;
			continue;
		} else if (written_key(l->text, &start, &len)) {
			key = xstrndup(l->text + start, len);
			if (conf_resolve(NULL, key, &ref, NULL) == 0 && ref.legacy)
				updated = strcmp(l->key, "lxc.rootfs.path") == 0 ? update_rootfs(conf, l->text, start, len)
										 : replace_key(l->text, start, len, l->key);
		}
		if (updated) {
			free(l->text);
			l->text = updated;
		}
		i++;
	}
	*out = conf_text(conf);
	*changed = strcmp(before, *out) != 0;
	conf_free(conf);
	return 0;
}
