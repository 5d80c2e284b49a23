/* The cgroup context as text, for the monitor's command socket (lxc-cgroup, lxc-freeze,
 * lxc-info, lxc-top), and its strict reading back: every path must lie in a cgroup mount. */
#include <string.h>

#include "cgroup_internal.h"
#include "log.h"

#define SERIAL_MAGIC "lxc-cgroup 1"

/* A field: "-" for NULL, else "=" and the value with bytes <= ' ', '%' and DEL as %XX. */
static void put_field(struct strlist *l, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out, *p;

	if (!s) {
		strlist_push(l, "-");
		return;
	}
	p = out = xmalloc(strlen(s) * 3 + 2);
	*p++ = '=';
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		if (*q <= ' ' || *q == '%' || *q == 0x7f) {
			*p++ = '%';
			*p++ = hex[*q >> 4];
			*p++ = hex[*q & 15];
		} else {
			*p++ = (char)*q;
		}
	}
	*p = '\0';
	strlist_push_owned(l, out);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 0 with *out malloc'd or NULL ("-"); -1 when malformed. */
static int get_field(const char *tok, char **out)
{
	char *p;

	*out = NULL;
	if (!strcmp(tok, "-"))
		return 0;
	if (tok[0] != '=')
		return -1;
	p = *out = xmalloc(strlen(tok));
	for (const char *q = tok + 1; *q; q++) {
		if (*q == '%') {
			int hi = hexval(q[1]), lo = hi < 0 ? -1 : hexval(q[2]);

			if (lo < 0 || (hi == 0 && lo == 0)) {
				free(*out);
				*out = NULL;
				return -1;
			}
			*p++ = (char)(hi * 16 + lo);
			q += 2;
		} else {
			*p++ = *q;
		}
	}
	*p = '\0';
	return 0;
}

static void put_line(struct strlist *lines, struct strlist *fields)
{
	strlist_push_owned(lines, strlist_join(fields, " "));
	strlist_clear(fields);
}

char *cgroup_ctx_serialize(const struct cgroup_ctx *c)
{
	struct strlist lines = { 0 }, f = { 0 };
	char *out;

	strlist_push(&lines, SERIAL_MAGIC);
	strlist_push(&f, "name");
	put_field(&f, c->name);
	put_line(&lines, &f);
	strlist_push_owned(&lines, xasprintf("layout %s", cgroup_layout_name(c->layout)));
	strlist_push(&f, "names");
	put_field(&f, c->limit_name);
	put_field(&f, c->inner_name);
	put_field(&f, c->monitor_name);
	put_field(&f, c->monitor_pivot);
	strlist_push(&f, c->retry ? "1" : "0");
	strlist_push(&f, c->sys_admin ? "1" : "0");
	put_line(&lines, &f);
	for (size_t i = 0; i < c->n; i++) {
		const struct cgroup_hier *h = &c->h[i];

		strlist_push(&f, "hier");
		strlist_push(&f, h->version == 2 ? "2" : "1");
		put_field(&f, h->ctrl_str);
		put_field(&f, h->mnt);
		put_field(&f, h->base);
		for (int r = 0; r < CG_ROLES; r++)
			put_field(&f, h->rel[r]);
		put_field(&f, h->top[CG_LIMIT]);
		put_field(&f, h->top[CG_MONITOR]);
		put_line(&lines, &f);
	}
	if (c->devs_active) {
		_cleanup_free_ char *devs = cgroup_dev_list_format(&c->devs);

		strlist_push(&f, "devices");
		put_field(&f, devs);
		put_line(&lines, &f);
	}
	strlist_push(&lines, "");
	out = strlist_join(&lines, "\n");
	strlist_clear(&lines);
	return out;
}

/* A relative cgroup path: no leading or trailing '/', no empty, "." or ".." component. */
static bool rel_valid(const char *s)
{
	struct strlist parts = { 0 };
	bool ok = true;

	if (!*s)
		return true;
	if (s[0] == '/' || s[strlen(s) - 1] == '/' || strstr(s, "//"))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return false;
	strlist_split(&parts, s, "/");
	for (size_t i = 0; i < parts.len; i++)
		ok &= strcmp(parts.items[i], ".") != 0 && strcmp(parts.items[i], "..") != 0;
	strlist_clear(&parts);
	return ok;
}

/* Strictly below base (a cgroup we made never is the caller's own). */
static bool rel_below(const char *rel, const char *base)
{
	return rel && strcmp(rel, base) != 0 && cgroup_rel_under(rel, base);
}

static bool ctrls_valid(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("_=,.-", *p)))
			return false;
	return true;
}

static int parse_hier(struct cgroup_ctx *c, char **tok, size_t ntok, const struct cgroup_mount *m, size_t nm,
		      struct lxc_error *err)
{
	char *v[8] = { 0 };
	struct cgroup_hier *h;
	const struct cgroup_mount *mount = NULL;
	int version, ret = -1;

	if (ntok != 10 || (strcmp(tok[1], "1") && strcmp(tok[1], "2")))
		return error_set(err, "malformed hierarchy line");
	version = tok[1][0] - '0';
	for (size_t i = 0; i < 8; i++)
		if (get_field(tok[2 + i], &v[i]) < 0) {
			error_set(err, "malformed field \"%s\"", tok[2 + i]);
			goto out;
		}
	/* v: 0 ctrls, 1 mnt, 2 base, 3 limit, 4 payload, 5 monitor, 6 top limit, 7 top monitor */
	if (!v[0] || !v[1] || !v[2] || (version == 2 ? *v[0] != '\0' : !ctrls_valid(v[0]))) {
		error_set(err, "malformed hierarchy line");
		goto out;
	}
	for (size_t i = 0; i < nm && !mount; i++) {
		struct strlist want = { 0 };

		strlist_split(&want, v[0], ",");
		if (m[i].version == version && !strcmp(m[i].mnt, v[1])) {
			bool all = true;

			for (size_t k = 0; k < want.len; k++)
				all &= strlist_contains(&m[i].opts, want.items[k]);
			if (all)
				mount = &m[i];
		}
		strlist_clear(&want);
	}
	if (!mount) {
		error_set(err, "\"%s\" is not a cgroup%s mount%s%s on this host", v[1], version == 2 ? "2" : "",
			  version == 1 ? " of " : "", version == 1 ? v[0] : "");
		goto out;
	}
	for (size_t i = 2; i < 8; i++)
		if (v[i] && !rel_valid(v[i])) {
			error_set(err, "invalid cgroup path \"%s\" below %s", v[i], v[1]);
			goto out;
		}
	if ((v[3] && !rel_below(v[3], v[2])) || (v[5] && !rel_below(v[5], v[2])) || (!v[3] != !v[4]) ||
	    (v[4] && !cgroup_rel_under(v[4], v[3])) || (v[6] && (!v[3] || !rel_below(v[6], v[2]) || !cgroup_rel_under(v[3], v[6]))) ||
	    (v[7] && (!v[5] || !rel_below(v[7], v[2]) || !cgroup_rel_under(v[5], v[7])))) {
		error_set(err, "inconsistent cgroup paths below %s", v[1]);
		goto out;
	}
	if (version == 2 && c->unified >= 0) {
		error_set(err, "two cgroup2 hierarchies");
		goto out;
	}
	c->h = xrealloc(c->h, (c->n + 1) * sizeof(*c->h));
	h = &c->h[c->n++];
	memset(h, 0, sizeof(*h));
	cgroup_hier_init_fds(h);
	h->version = version;
	h->ctrl_str = steal_ptr(v[0]);
	if (version == 1)
		strlist_split(&h->ctrls, h->ctrl_str, ",");
	else
		c->unified = (int)c->n - 1;
	h->mnt = steal_ptr(v[1]);
	h->mnt_root = xstrdup(mount->root);
	h->base = steal_ptr(v[2]);
	for (int r = 0; r < CG_ROLES; r++) {
		h->rel[r] = steal_ptr(v[3 + r]);
		h->cg[r] = h->rel[r] ? cgroup_hier_cg_path(h, h->rel[r]) : NULL;
	}
	h->top[CG_LIMIT] = steal_ptr(v[6]);
	h->top[CG_MONITOR] = steal_ptr(v[7]);
	ret = 0;
out:
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		free(v[i]);
	return ret;
}

static int parse_line(struct cgroup_ctx *c, char *line, const struct cgroup_mount *m, size_t nm, bool *seen_name,
		      struct lxc_error *err)
{
	struct strlist tok = { 0 };
	int ret = -1;

	strlist_split(&tok, line, " ");
	if (!tok.len) {
		ret = 0;
	} else if (!strcmp(tok.items[0], "name") && tok.len == 2 && !*seen_name) {
		if (get_field(tok.items[1], &c->name) == 0 && c->name && *c->name && !strchr(c->name, '/'))
			ret = 0, *seen_name = true;
	} else if (!strcmp(tok.items[0], "layout") && tok.len == 2) {
		static const enum cgroup_layout all[] = { CGROUP_LAYOUT_NONE, CGROUP_LAYOUT_LEGACY,
							  CGROUP_LAYOUT_HYBRID, CGROUP_LAYOUT_UNIFIED };

		for (size_t i = 0; i < ARRAY_SIZE(all); i++)
			if (!strcmp(tok.items[1], cgroup_layout_name(all[i])))
				c->layout = all[i], ret = 0;
	} else if (!strcmp(tok.items[0], "names") && tok.len == 7 && !c->limit_name) {
		if (get_field(tok.items[1], &c->limit_name) == 0 && get_field(tok.items[2], &c->inner_name) == 0 &&
		    get_field(tok.items[3], &c->monitor_name) == 0 && get_field(tok.items[4], &c->monitor_pivot) == 0 &&
		    c->limit_name && c->monitor_name && strchr("01", tok.items[5][0]) && !tok.items[5][1] &&
		    strchr("01", tok.items[6][0]) && !tok.items[6][1]) {
			c->retry = tok.items[5][0] == '1';
			c->sys_admin = tok.items[6][0] == '1';
			ret = 0;
		}
	} else if (!strcmp(tok.items[0], "hier")) {
		ret = parse_hier(c, tok.items, tok.len, m, nm, err);
		strlist_clear(&tok);
		return ret;
	} else if (!strcmp(tok.items[0], "devices") && tok.len == 2 && !c->devs_active) {
		_cleanup_free_ char *text = NULL;

		if (get_field(tok.items[1], &text) == 0 && text) {
			ret = cgroup_dev_list_parse(&c->devs, text, err);
			c->devs_active = ret == 0;
			strlist_clear(&tok);
			return ret;
		}
	}
	strlist_clear(&tok);
	return ret < 0 ? error_set(err, "unexpected line") : 0;
}

int cgroup_ctx_deserialize_with(struct cgroup_ctx **out, const char *text, const char *mountinfo,
				struct lxc_error *err)
{
	struct cgroup_ctx *c = cgroup_ctx_alloc();
	_cleanup_free_ char *copy = xstrdup(text ? text : "");
	struct cgroup_mount *m;
	size_t nm, lineno = 0;
	char *line, *save = NULL;
	bool seen_name = false;
	int ret = 0;

	*out = NULL;
	m = cgroup_mounts_parse(mountinfo, &nm);
	if (strncmp(copy, SERIAL_MAGIC "\n", strlen(SERIAL_MAGIC) + 1) != 0) {
		ret = error_set(err, "not a cgroup context (no \"%s\" header)", SERIAL_MAGIC);
		goto out;
	}
	for (line = strtok_r(copy, "\n", &save); line && ret == 0; line = strtok_r(NULL, "\n", &save)) {
		if (lineno++ == 0)
			continue;
		if (parse_line(c, line, m, nm, &seen_name, err) < 0)
			ret = error_prefix(err, "cgroup context line %zu", lineno);
	}
	if (ret == 0 && (!seen_name || !c->limit_name))
		ret = error_set(err, "incomplete cgroup context (no name or names line)");
out:
	cgroup_mounts_free(m, nm);
	if (ret < 0) {
		cgroup_ctx_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int cgroup_ctx_deserialize(struct cgroup_ctx **out, const char *text, struct lxc_error *err)
{
	_cleanup_free_ char *mountinfo = NULL;

	if (file_read("/proc/self/mountinfo", &mountinfo, NULL, err) < 0)
		return -1;
	return cgroup_ctx_deserialize_with(out, text, mountinfo, err);
}
