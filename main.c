/* Multicall entry point: picks the applet from basename(argv[0]) ("lxc-start")
 * or from "lxc APPLET ...", parses the options every lxc-* tool shares, then runs it. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets/applet.h"
#include "lib/start.h"

#define APPLET(ident, name) extern const struct applet applet_##ident;
#include "applets.h"
#undef APPLET
#define APPLET(ident, name) &applet_##ident,
/* Sorted by name at build time (Makefile), so lookup is a binary search. */
static const struct applet *const applets[] = {
#include "applets.h"
};
#undef APPLET

/* Long common options get values of their own, so an applet may reuse a short
 * letter (lxc-config -l, lxc-top -n) without shadowing --logpriority or --name. */
enum {
	OPT_NAME = 0x1000,
	OPT_LXCPATH,
	OPT_LOGFILE,
	OPT_LOGPRIORITY,
	OPT_QUIET,
	OPT_HELP,
	OPT_RCFILE,
	OPT_USAGE,
	OPT_VERSION,
};

static const struct option common_options[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "lxcpath", required_argument, NULL, OPT_LXCPATH },
	{ "logfile", required_argument, NULL, OPT_LOGFILE },
	{ "logpriority", required_argument, NULL, OPT_LOGPRIORITY },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "rcfile", required_argument, NULL, OPT_RCFILE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "usage", no_argument, NULL, OPT_USAGE },
	{ "version", no_argument, NULL, OPT_VERSION },
};
static const char common_shortopts[] = "n:P:o:l:qh?";

static const char common_help[] =
	"\nCommon options :\n"
	"  -o, --logfile=FILE               Output log to FILE instead of stderr\n"
	"  -l, --logpriority=LEVEL          Set log priority to LEVEL\n"
	"  -q, --quiet                      Don't produce any output\n"
	"  -P, --lxcpath=PATH               Use specified container path\n"
	"  -?, --help                       Give this help list\n"
	"      --usage                      Give a short usage message\n"
	"      --version                    Print the version number\n"
	"\n"
	"Mandatory or optional arguments to long options are also mandatory or optional\n"
	"for any corresponding short options.\n"
	"\n"
	"See the %s man page for further information.\n\n";

static int compare_applet(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct applet *const *)elem)->name);
}

static const struct applet *find_applet(const char *name)
{
	const struct applet *const *found;

	if (str_starts_with(name, "lxc-"))
		name += 4;
	found = bsearch(name, applets, ARRAY_SIZE(applets), sizeof(applets[0]), compare_applet);
	return found ? *found : NULL;
}

int applet_fail(const struct lxc_args *args, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* goes to the log file too, and to stderr unless -q */
	log_write(LOG_LEVEL_ERROR, "main.c", 0, "%s", msg);
	(void)args;
	return 1;
}

int applet_fail_error(const struct lxc_args *args, const struct lxc_error *err)
{
	return applet_fail(args, "%s", err->msg);
}

static void print_help(const struct applet *a, const char *progname)
{
	fprintf(stderr, "Usage: %s %s", progname, a->help);
	fprintf(stderr, common_help, progname);
}

static void print_usage(const struct applet *a, const char *progname)
{
	fprintf(stderr, "Usage: %s ", progname);
	for (const struct option *o = a->options; o && o->name; o++) {
		if (o->val > 0 && o->val < 128)
			fprintf(stderr, "[-%c|--%s%s] ", o->val, o->name, o->has_arg ? "=ARG" : "");
		else
			fprintf(stderr, "[--%s%s] ", o->name, o->has_arg ? "=ARG" : "");
	}
	fprintf(stderr, "\n\t[-n|--name=NAME] [-h|--help] [--usage] [--version] [-q|--quiet]\n"
			"\t[-o|--logfile=LOGFILE] [-l|--logpriority=LOGPRIORITY] [-P|--lxcpath=LXCPATH]"
			" [--rcfile=RCFILE]\n");
}

/* Does the applet claim this option value for itself? */
static bool applet_owns_option(const struct applet *a, int opt)
{
	if (opt > 0 && opt < 128 && a->shortopts && strchr(a->shortopts, opt) && opt != ':')
		return true;
	for (const struct option *o = a->options; o && o->name; o++)
		if (o->val == opt && !o->flag)
			return true;
	return false;
}

static struct option *merge_options(const struct applet *a)
{
	size_t n = 0, k = 0;
	struct option *all;

	for (const struct option *o = a->options; o && o->name; o++)
		n++;
	all = xzalloc((n + ARRAY_SIZE(common_options) + 1) * sizeof(*all));
	for (const struct option *o = a->options; o && o->name; o++)
		all[k++] = *o;
	for (size_t i = 0; i < ARRAY_SIZE(common_options); i++) {
		bool shadowed = false;

		for (size_t j = 0; j < n; j++)
			shadowed |= strcmp(all[j].name, common_options[i].name) == 0;
		if (!shadowed)
			all[k++] = common_options[i];
	}
	return all;
}

static int parse_common(const struct applet *a, struct lxc_args *args, int argc, char **argv)
{
	_cleanup_free_ struct option *longopts = merge_options(a);
	_cleanup_free_ char *shortopts = NULL;
	const char *own = a->shortopts ? a->shortopts : "";
	bool posix = own[0] == '+';
	int opt;

	shortopts = xasprintf("%s%s%s", posix ? "+" : "", own + posix, common_shortopts);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == '?' && optopt != 0 && optopt != '?') {
			if (optopt < 128 && optopt > 0 && !strchr(shortopts, optopt))
				fprintf(stderr, "%s: invalid option -- '%c'\n", args->progname, optopt);
			else if (optopt < 128 && optopt > 0)
				fprintf(stderr, "%s: option requires an argument -- '%c'\n", args->progname, optopt);
			else
				fprintf(stderr, "%s: option '%s' requires an argument\n", args->progname, argv[optind - 1]);
			print_help(a, args->progname);
			return 1;
		}
		if (opt == '?' && optopt == 0) {
			fprintf(stderr, "%s: unrecognized option '%s'\n", args->progname, argv[optind - 1]);
			print_help(a, args->progname);
			return 1;
		}
		if (opt != '?' && applet_owns_option(a, opt)) {
			if (a->parse(args, opt, optarg) < 0) {
				print_help(a, args->progname);
				return 1;
			}
			continue;
		}
		switch (opt) {
		case 'n':
		case OPT_NAME:
			args->name = optarg;
			break;
		case 'P':
		case OPT_LXCPATH:
			args->lxcpath = optarg;
			break;
		case 'o':
		case OPT_LOGFILE:
			args->logfile = optarg;
			break;
		case 'l':
		case OPT_LOGPRIORITY:
			args->logpriority = log_level_parse(optarg);
			if (args->logpriority < 0) {
				fprintf(stderr, "%s: invalid log priority \"%s\"\n", args->progname, optarg);
				return 1;
			}
			break;
		case 'q':
		case OPT_QUIET:
			args->quiet = true;
			break;
		case OPT_RCFILE:
			args->rcfile = optarg;
			break;
		case 'h':
		case '?':
		case OPT_HELP:
			print_help(a, args->progname);
			return 0;
		case OPT_USAGE:
			print_usage(a, args->progname);
			return 0;
		case OPT_VERSION:
			printf("%s\n", LXC_VERSION);
			return 0;
		default:
			print_help(a, args->progname);
			return 1;
		}
	}
	args->argc = argc - optind;
	args->argv = argv + optind;
	return -1; /* go on */
}

static int run_applet(const struct applet *a, const char *progname, int argc, char **argv, char **argv_full)
{
	struct lxc_sysconf sysconf = { 0 };
	struct lxc_args args = { .progname = progname, .logpriority = -1, .sysconf = &sysconf,
				 .argv_full = argv_full };
	struct lxc_error err = { 0 };
	int ret;

	log_set_prog(progname, NULL);
	if (a->flags & APPLET_NO_COMMON) {
		args.argc = argc - 1;
		args.argv = argv + 1;
	} else {
		ret = parse_common(a, &args, argc, argv);
		if (ret >= 0)
			return ret;
		if (!args.name && (a->flags & APPLET_POSITIONAL_NAME) && args.argc > 0) {
			args.name = args.argv[0];
			args.argc--;
			args.argv++;
		}
	}
	if (!(a->flags & APPLET_NO_LOG_NAME))
		log_set_prog(progname, args.name);
	log_set_quiet(args.quiet);
	if (args.logpriority >= 0)
		log_set_level(args.logpriority);
	if (args.logfile && log_set_file(args.logfile) < 0) {
		fprintf(stderr, "%s: failed to open log file \"%s\": %s\n", progname, args.logfile, strerror(errno));
		return 1;
	}
	if ((a->flags & APPLET_NEEDS_NAME) && !args.name) {
		fprintf(stderr, "%s: No container name specified\n", progname);
		return 1;
	}
	if (sysconf_load(&sysconf, &err) < 0) {
		ret = applet_fail_error(&args, &err);
		goto out;
	}
	if (!args.lxcpath)
		args.lxcpath = sysconf.lxcpath;
	ret = a->main(&args);
out:
	sysconf_free(&sysconf);
	log_close();
	return ret;
}

static int install_links(const char *dir)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int ret = 0;

	if (n < 0) {
		fprintf(stderr, "lxc: cannot find own binary: %s\n", strerror(errno));
		return 1;
	}
	self[n] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(applets); i++) {
		_cleanup_free_ char *link = xasprintf("%s/lxc-%s", dir, applets[i]->name);

		if (symlink(self, link) < 0 && errno != EEXIST) {
			fprintf(stderr, "lxc: failed to create \"%s\": %s\n", link, strerror(errno));
			ret = 1;
		}
	}
	return ret;
}

static int multicall_main(int argc, char **argv)
{
	const struct applet *a;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout,
			"Usage: lxc APPLET [ARGS...]  or  lxc-APPLET [ARGS...]\n"
			"       lxc --list             list the applets\n"
			"       lxc --install DIR      create lxc-* symlinks in DIR\n"
			"       lxc --man APPLET       a man page (also: --man lxc.container.conf)\n"
			"       lxc --completion       bash completion for the lxc-* tools\n"
			"       lxc --version\n");
		return argc < 2 ? 1 : 0;
	}
	if (!strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < ARRAY_SIZE(applets); i++)
			printf("lxc-%s\n", applets[i]->name);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("%s\n", LXC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--man") && argc == 3) {
		if (!strcmp(argv[2], "lxc.container.conf")) {
			docs_man_conf();
			return 0;
		}
		a = find_applet(argv[2]);
		if (!a) {
			fprintf(stderr, "lxc: applet not found: %s\n", argv[2]);
			return 127;
		}
		docs_man_applet(a);
		return 0;
	}
	if (!strcmp(argv[1], "--completion")) {
		docs_completion(applets, ARRAY_SIZE(applets));
		return 0;
	}
	if (!strcmp(argv[1], "--install")) {
		if (argc != 3) {
			fprintf(stderr, "lxc: --install needs a directory\n");
			return 1;
		}
		return install_links(argv[2]);
	}
	a = find_applet(argv[1]);
	if (!a) {
		fprintf(stderr, "lxc: applet not found: %s\n", argv[1]);
		return 127;
	}
	{
		_cleanup_free_ char *progname = xasprintf("lxc-%s", a->name);

		return run_applet(a, progname, argc - 1, argv + 1, argv);
	}
}

int main(int argc, char **argv)
{
	const char *base = argv[0] ? strrchr(argv[0], '/') : NULL;
	const struct applet *a;

	base = base ? base + 1 : (argv[0] ? argv[0] : "lxc");
	/* not an applet: what a guard runs after its monitor was killed */
	if (!strcmp(base, "lxc-guard"))
		return start_guard_cleanup(argc, argv);
	if (!strcmp(base, "lxc") || !str_starts_with(base, "lxc-"))
		return multicall_main(argc, argv);
	a = find_applet(base);
	if (!a) {
		fprintf(stderr, "lxc: applet not found: %s\n", base);
		return 127;
	}
	return run_applet(a, base, argc, argv, argv);
}
