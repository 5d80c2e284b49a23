/* lxc-ls: list the containers of an lxcpath — names, one per line, LXC's fancy
 * columns (-f, -F), or JSON — filtered by state, groups and a regular expression. */
//applet: ls
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "container.h"
#include "info.h"
#include "json.h"
#include "state.h"

enum { OPT_ACTIVE = 0x2000, OPT_RUNNING, OPT_FROZEN, OPT_STOPPED, OPT_DEFINED, OPT_NESTING, OPT_FILTER, OPT_FORMAT };

static struct {
	bool line, fancy, json, defined;
	unsigned states;           /* bit mask of wanted states; 0 = any */
	const char *columns;
	const char *groups;
	const char *filter;
} opt;

static const struct option options[] = {
	{ "line", no_argument, NULL, '1' },
	{ "fancy", no_argument, NULL, 'f' },
	{ "fancy-format", required_argument, NULL, 'F' },
	{ "active", no_argument, NULL, OPT_ACTIVE },
	{ "running", no_argument, NULL, OPT_RUNNING },
	{ "frozen", no_argument, NULL, OPT_FROZEN },
	{ "stopped", no_argument, NULL, OPT_STOPPED },
	{ "defined", no_argument, NULL, OPT_DEFINED },
	{ "nesting", optional_argument, NULL, OPT_NESTING },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "groups", required_argument, NULL, 'g' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ 0 },
};

static const char *const all_columns[] = {
	"NAME", "STATE", "PID", "RAM", "SWAP", "AUTOSTART", "GROUPS", "INTERFACE", "IPV4", "IPV6", "UNPRIVILEGED",
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	switch (o) {
	case '1': opt.line = true; break;
	case 'f': opt.fancy = true; break;
	case 'F': opt.fancy = true; opt.columns = arg; break;
	case 'g': opt.groups = arg; break;
	case OPT_ACTIVE:
		opt.states |= ~(1u << STATE_STOPPED) & ((1u << STATE_COUNT) - 1);
		break;
	case OPT_RUNNING: opt.states |= 1u << STATE_RUNNING; break;
	case OPT_FROZEN: opt.states |= 1u << STATE_FROZEN; break;
	case OPT_STOPPED: opt.states |= 1u << STATE_STOPPED; break;
	case OPT_DEFINED: opt.defined = true; break;
	case OPT_NESTING: break; /* nested containers are not listed */
	case OPT_FILTER: opt.filter = arg; break;
	case OPT_FORMAT:
		if (!strcmp(arg, "json"))
			opt.json = true;
		else if (strcmp(arg, "table") != 0) {
			fprintf(stderr, "%s: unknown format \"%s\" (table or json)\n", args->progname, arg);
			return -1;
		}
		break;
	}
	return 0;
}

struct row {
	char *name;
	int state;
	struct container_info info;
	struct lxc_conf *conf;
};

static int compare_rows(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->name, ((const struct row *)b)->name);
}

static bool has_all_groups(const struct lxc_conf *conf, const char *groups)
{
	struct strlist want = { 0 };
	bool ok = true;

	strlist_split(&want, groups, ",");
	for (size_t i = 0; i < want.len && ok; i++)
		ok = conf && strlist_contains(&conf->groups, want.items[i]);
	strlist_clear(&want);
	return ok;
}

/* The text of one cell; "-" when empty, as LXC prints it. */
static char *cell(const struct row *r, const char *col)
{
	const struct container_info *ci = &r->info;

	if (!strcmp(col, "NAME"))
		return xstrdup(r->name);
	if (!strcmp(col, "STATE"))
		return xstrdup(state_name(r->state));
	if (!strcmp(col, "PID"))
		return ci->pid > 0 ? xasprintf("%d", (int)ci->pid) : xstrdup("-");
	if (!strcmp(col, "RAM"))
		return ci->have_stats ? xasprintf("%.2fMB", ci->mem_bytes / 1048576.0) : xstrdup("-");
	if (!strcmp(col, "SWAP"))
		return ci->have_stats ? xasprintf("%.2fMB",
			(ci->memsw_bytes > ci->mem_bytes ? ci->memsw_bytes - ci->mem_bytes : 0) / 1048576.0) : xstrdup("-");
	if (!strcmp(col, "AUTOSTART"))
		return xasprintf("%d", r->conf && r->conf->start_auto > 0 ? 1 : 0);
	if (!strcmp(col, "GROUPS"))
		return r->conf && r->conf->groups.len ? strlist_join(&r->conf->groups, ",") : xstrdup("-");
	if (!strcmp(col, "INTERFACE"))
		return ci->interfaces.len ? strlist_join(&ci->interfaces, ", ") : xstrdup("-");
	if (!strcmp(col, "IPV4"))
		return ci->ipv4.len ? strlist_join(&ci->ipv4, ", ") : xstrdup("-");
	if (!strcmp(col, "IPV6"))
		return ci->ipv6.len ? strlist_join(&ci->ipv6, ", ") : xstrdup("-");
	if (!strcmp(col, "UNPRIVILEGED"))
		return xstrdup(r->conf && r->conf->n_idmaps ? "true" : "false");
	return xstrdup("-");
}

static void print_fancy(struct row *rows, size_t n, const struct strlist *cols)
{
	size_t *width = xzalloc(cols->len * sizeof(size_t));
	char ***cells = xzalloc((n + 1) * sizeof(char **));

	for (size_t c = 0; c < cols->len; c++)
		width[c] = strlen(cols->items[c]);
	for (size_t i = 0; i < n; i++) {
		cells[i] = xzalloc(cols->len * sizeof(char *));
		for (size_t c = 0; c < cols->len; c++) {
			cells[i][c] = cell(&rows[i], cols->items[c]);
			if (strlen(cells[i][c]) > width[c])
				width[c] = strlen(cells[i][c]);
		}
	}
	for (size_t c = 0; c < cols->len; c++)
		printf("%-*s ", (int)width[c], cols->items[c]);
	printf("\n");
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < cols->len; c++) {
			printf("%-*s ", (int)width[c], cells[i][c]);
			free(cells[i][c]);
		}
		printf("\n");
		free(cells[i]);
	}
	free(cells);
	free(width);
}

static void print_json(struct row *rows, size_t n, const struct strlist *cols)
{
	struct json j;

	json_init(&j, stdout);
	json_array_begin(&j, NULL);
	for (size_t i = 0; i < n; i++) {
		const struct container_info *ci = &rows[i].info;
		const struct lxc_conf *conf = rows[i].conf;

		json_object_begin(&j, NULL);
		for (size_t c = 0; c < cols->len; c++) {
			const char *col = cols->items[c];

			if (!strcmp(col, "NAME"))
				json_string(&j, "name", rows[i].name);
			else if (!strcmp(col, "STATE"))
				json_string(&j, "state", state_name(rows[i].state));
			else if (!strcmp(col, "PID"))
				json_int(&j, "pid", ci->pid > 0 ? ci->pid : 0);
			else if (!strcmp(col, "RAM"))
				json_uint(&j, "memory_bytes", ci->mem_bytes);
			else if (!strcmp(col, "SWAP"))
				json_uint(&j, "swap_bytes", ci->memsw_bytes > ci->mem_bytes ? ci->memsw_bytes - ci->mem_bytes : 0);
			else if (!strcmp(col, "AUTOSTART"))
				json_bool(&j, "autostart", conf && conf->start_auto > 0);
			else if (!strcmp(col, "UNPRIVILEGED"))
				json_bool(&j, "unprivileged", conf && conf->n_idmaps);
			else {
				const struct strlist *l = !strcmp(col, "GROUPS") ? (conf ? &conf->groups : NULL)
							: !strcmp(col, "INTERFACE") ? &ci->interfaces
							: !strcmp(col, "IPV4") ? &ci->ipv4 : &ci->ipv6;
				const char *key = !strcmp(col, "GROUPS") ? "groups" : !strcmp(col, "INTERFACE") ? "interfaces"
						: !strcmp(col, "IPV4") ? "ipv4" : "ipv6";

				json_array_begin(&j, key);
				for (size_t k = 0; l && k < l->len; k++)
					json_string(&j, NULL, l->items[k]);
				json_array_end(&j);
			}
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_end(&j);
}

static int parse_columns(struct strlist *cols)
{
	const char *spec = opt.columns ? opt.columns
				       : opt.json && !opt.fancy ? "NAME,STATE,PID,RAM,SWAP,AUTOSTART,GROUPS,INTERFACE,IPV4,IPV6,UNPRIVILEGED"
								: "NAME,STATE,AUTOSTART,GROUPS,IPV4,IPV6,UNPRIVILEGED";

	strlist_split(cols, spec, ",");
	for (size_t i = 0; i < cols->len; i++) {
		bool known = false;

		for (char *c = cols->items[i]; *c; c++)
			*c = (*c >= 'a' && *c <= 'z') ? *c - 32 : *c;
		for (size_t k = 0; k < ARRAY_SIZE(all_columns); k++)
			known |= !strcmp(cols->items[i], all_columns[k]);
		if (!known) {
			/* LXC prints this and still exits 0 */
			printf("Invalid key: %s\n", cols->items[i]);
			return -1;
		}
	}
	return 0;
}

static bool needs(const struct strlist *cols, const char *a, const char *b)
{
	return strlist_contains(cols, a) || (b && strlist_contains(cols, b));
}

static int ls_main(struct lxc_args *args)
{
	struct strlist cols = { 0 };
	_cleanup_closedir_ DIR *dir = NULL;
	struct row *rows = NULL;
	size_t n = 0, cap = 0;
	regex_t re;
	bool use_re = false;
	const char *pattern = opt.filter ? opt.filter : args->argc > 0 ? args->argv[0] : NULL;
	unsigned what = 0;
	struct dirent *de;

	if ((opt.fancy || opt.json) && parse_columns(&cols) < 0) {
		strlist_clear(&cols);
		return 0;
	}
	if (pattern) {
		if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
			return applet_fail(args, "invalid regular expression \"%s\"", pattern);
		use_re = true;
	}
	if (needs(&cols, "PID", NULL))
		what |= INFO_PID;
	if (needs(&cols, "RAM", "SWAP"))
		what |= INFO_STATS | INFO_PID;
	if (needs(&cols, "IPV4", "IPV6") || needs(&cols, "INTERFACE", NULL))
		what |= INFO_NET | INFO_PID;
	dir = opendir(args->lxcpath);
	while (dir && (de = readdir(dir))) {
		struct row r = { 0 };
		struct lxc_error err = { 0 };

		if (de->d_name[0] == '.' || !container_defined(args->lxcpath, de->d_name))
			continue;
		if (use_re && regexec(&re, de->d_name, 0, NULL, 0) != 0)
			continue;
		r.state = container_state(args->lxcpath, de->d_name);
		if (opt.states && !(opt.states & (1u << r.state)))
			continue;
		if (opt.groups || opt.fancy || opt.json)
			r.conf = container_load_conf(args->lxcpath, de->d_name, NULL, &err);
		if (opt.groups && !has_all_groups(r.conf, opt.groups)) {
			if (r.conf)
				conf_free(r.conf);
			continue;
		}
		r.info.pid = -1;
		if (what && r.state != STATE_STOPPED)
			container_info_read(args->lxcpath, de->d_name, what, &r.info, &err);
		r.info.state = r.state;
		r.name = xstrdup(de->d_name);
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		rows[n++] = r;
	}
	qsort(rows, n, sizeof(*rows), compare_rows);
	if (opt.json)
		print_json(rows, n, &cols);
	else if (opt.fancy)
		print_fancy(rows, n, &cols);
	else {
		for (size_t i = 0; i < n; i++)
			printf(opt.line ? "%s\n" : "%s ", rows[i].name);
		if (!opt.line && n)
			printf("\n");
	}
	for (size_t i = 0; i < n; i++) {
		free(rows[i].name);
		container_info_free(&rows[i].info);
		if (rows[i].conf)
			conf_free(rows[i].conf);
	}
	free(rows);
	strlist_clear(&cols);
	if (use_re)
		regfree(&re);
	return 0;
}

const struct applet applet_ls = {
	.name = "ls",
	.help = "\n[-P lxcpath] [--active] [--running] [--frozen] [--stopped] [--nesting] [-g groups] [--filter regex]\n"
		"[-1] [-P lxcpath] [--active] [--running] [--frozen] [--stopped] [--nesting] [-g groups] [--filter regex]\n"
		"[-f] [-P lxcpath] [--active] [--running] [--frozen] [--stopped] [--nesting] [-g groups] [--filter regex]\n\n"
		"lxc-ls list containers\n\n"
		"Options :\n"
		"  -1, --line         show one entry per line\n"
		"  -f, --fancy        use a fancy, column-based output\n"
		"  -F, --fancy-format comma separated list of columns to show in the fancy output\n"
		"                     valid columns are: NAME, STATE, PID, RAM, SWAP, AUTOSTART,\n"
		"                     GROUPS, INTERFACE, IPV4 and IPV6, UNPRIVILEGED\n"
		"  --active           list only active containers\n"
		"  --running          list only running containers\n"
		"  --frozen           list only frozen containers\n"
		"  --stopped          list only stopped containers\n"
		"  --defined          list only defined containers\n"
		"  --nesting=NUM      list nested containers up to NUM (default is 5) levels of nesting\n"
		"  --filter=REGEX     filter container names by regular expression\n"
		"  -g --groups        comma separated list of groups a container must have to be displayed\n"
		"  --format=json      a JSON array of objects (respects -F columns)\n",
	.options = options,
	.shortopts = "1fF:g:",
	.parse = parse,
	.main = ls_main,
};
