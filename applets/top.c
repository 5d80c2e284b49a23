/* lxc-top: a full-screen view of the running containers' CPU, block I/O and memory use,
 * refreshed every -d seconds (plain ANSI escapes and termios); -b prints CSV or JSON lines. */
//applet: top
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "applet.h"
#include "top.h"

enum { OPT_FORMAT = 0x2000, OPT_BENCH };
enum top_format { FORMAT_SCREEN, FORMAT_CSV, FORMAT_JSONL };

static struct {
	double delay;
	int sort;
	bool reverse;
	enum top_format format;
	unsigned long count;   /* stop after this many refreshes; 0 never */
	unsigned long bench;   /* --bench: time this many refreshes */
} opt = { .delay = 3.0, .sort = TOP_SORT_NAME };

/* The terminal as we found it, for every way out, crashes included (signal handler). */
static struct termios saved_tio;
static volatile sig_atomic_t tio_saved;
static const char screen_leave[] = "\033[?25h\033[?1049l"; /* show the cursor, leave the alternate screen */

static const struct option options[] = {
	{ "delay", required_argument, NULL, 'd' },
	{ "sort", required_argument, NULL, 's' },
	{ "reverse", no_argument, NULL, 'r' },
	{ "batch", no_argument, NULL, 'b' },
	{ "count", required_argument, NULL, 'n' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "bench", optional_argument, NULL, OPT_BENCH },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	char *end;
	unsigned long long n;

	switch (o) {
	case 'd':
		opt.delay = strtod(arg, &end);
		if (end == arg || *end || !isfinite(opt.delay) || opt.delay < 0 || opt.delay > 86400) {
			fprintf(stderr, "%s: invalid delay \"%s\" (seconds, e.g. 1 or 0.5)\n", args->progname, arg);
			return -1;
		}
		break;
	case 's':
		if (strlen(arg) != 1 || !top_sort_key_valid(arg[0])) {
			fprintf(stderr, "%s: invalid sort key \"%s\" (one of n, c, b, m, s, k)\n", args->progname, arg);
			return -1;
		}
		opt.sort = arg[0];
		break;
	case 'r': opt.reverse = true; break;
	case 'b':
		if (opt.format == FORMAT_SCREEN)
			opt.format = FORMAT_CSV;
		break;
	case 'n':
	case OPT_BENCH:
		if (!arg && o == OPT_BENCH) {
			opt.bench = 100;
			break;
		}
		if (str_to_uint64(arg, &n) < 0 || n == 0) {
			fprintf(stderr, "%s: invalid count \"%s\" (a positive number)\n", args->progname, arg);
			return -1;
		}
		*(o == 'n' ? &opt.count : &opt.bench) = n;
		break;
	case OPT_FORMAT:
		if (!strcmp(arg, "csv"))
			opt.format = FORMAT_CSV;
		else if (!strcmp(arg, "jsonl"))
			opt.format = FORMAT_JSONL;
		else {
			fprintf(stderr, "%s: unknown format \"%s\" (csv or jsonl)\n", args->progname, arg);
			return -1;
		}
		break;
	}
	return 0;
}

static double cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Counter files stay open between refreshes (7 per container): use the hard limit. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int bench(struct lxc_args *args, struct top *t)
{
	struct lxc_error err = { 0 };
	double start = cpu_ms(), first, rest;
	unsigned long first_queries;

	if (top_refresh(t, &err) < 0)
		return applet_fail_error(args, &err);
	first = cpu_ms() - start;
	first_queries = t->queries;
	start = cpu_ms();
	for (unsigned long i = 0; i < opt.bench; i++)
		if (top_refresh(t, &err) < 0)
			return applet_fail_error(args, &err);
	rest = (cpu_ms() - start) / (double)opt.bench;
	printf("lxc-top refresh of %zu containers: %.2f ms CPU\n", t->n_rows, rest);
	printf("first refresh (asks every monitor): %.2f ms CPU, %lu monitor queries; "
	       "%lu refreshes after it: %lu monitor queries\n",
	       first, first_queries, opt.bench, t->queries - first_queries);
	return 0;
}

static int batch(struct lxc_args *args, struct top *t)
{
	struct lxc_error err = { 0 };

	if (opt.format == FORMAT_CSV)
		fputs(top_csv_header(), stdout);
	for (unsigned long iter = 1;; iter++) {
		uint64_t ms;

		if (top_refresh(t, &err) < 0)
			return applet_fail_error(args, &err);
		ms = now_ms(CLOCK_REALTIME);
		top_sort(t->rows, t->n_rows, opt.sort, opt.reverse);
		for (size_t i = 0; i < t->n_rows; i++) {
			char *line = opt.format == FORMAT_CSV ? top_format_csv(ms, &t->rows[i])
							      : top_format_jsonl(ms, &t->rows[i]);

			fputs(line, stdout);
			free(line);
		}
		if (fflush(stdout) == EOF)
			return errno == EPIPE ? 0 : applet_fail(args, "failed to write: %s", strerror(errno));
		if (opt.count && iter >= opt.count)
			return 0;
		if (opt.delay > 0) {
			struct timespec ts = { .tv_sec = (time_t)opt.delay,
					       .tv_nsec = (long)((opt.delay - (time_t)opt.delay) * 1e9) };

			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
	}
}

/* ---- the interactive screen ----------------------------------------------------------- */

static void term_restore(void)
{
	if (!tio_saved)
		return;
	tio_saved = 0;
	if (write(STDOUT_FILENO, screen_leave, sizeof(screen_leave) - 1) < 0) {
		/* nothing left to tell it to */
	}
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

/* A crash must not leave the user's terminal without echo and on the alternate screen. */
static void crash_handler(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int term_enter(void)
{
	static const char enter[] = "\033[?1049h\033[?25l\033[2J"; /* alternate screen, no cursor */
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa = { .sa_handler = crash_handler };
	struct termios tio;

	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return -1;
	tio = saved_tio;
	/* keys arrive one by one without echo; ^C still raises SIGINT, output stays cooked */
	tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &tio) < 0)
		return -1;
	tio_saved = 1;
	return write_full(STDOUT_FILENO, enter, sizeof(enter) - 1) < 0 ? -1 : 0;
}

static int draw(struct top *t)
{
	struct winsize ws = { 0 };
	_cleanup_free_ char *frame = NULL;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || !ws.ws_row || !ws.ws_col) {
		ws.ws_row = 24;
		ws.ws_col = 80;
	}
	top_sort(t->rows, t->n_rows, opt.sort, opt.reverse);
	frame = top_render_screen(t->rows, t->n_rows, ws.ws_row, ws.ws_col);
	return write_full(STDOUT_FILENO, frame, strlen(frame)) < 0 ? -1 : 0;
}

/* One key: returns true to quit. Sort letters pick a column, the same one again reverses. */
static bool key(int c)
{
	if (c == 'q')
		return true;
	if (c == 'r') {
		opt.reverse = !opt.reverse;
	} else if (top_sort_key_valid(c)) {
		opt.reverse = c == opt.sort ? !opt.reverse : false;
		opt.sort = c;
	}
	return false;
}

/* Wait for the next refresh, redrawing on keys and window size changes. 1 means quit. */
static int wait_next(struct top *t, int sigfd)
{
	uint64_t deadline = now_ms(CLOCK_MONOTONIC) + (uint64_t)(opt.delay * 1000);

	for (;;) {
		struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
		uint64_t now = now_ms(CLOCK_MONOTONIC);
		bool redraw = false;
		int n;

		if (now >= deadline)
			return 0;
		n = poll(pfd, 2, (int)(deadline - now));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo != SIGWINCH)
					return 1;
				redraw = true;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[64];
			ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

			if (r <= 0)
				return 1; /* the terminal went away */
			/* an escape sequence (arrow keys...) is not a command */
			for (ssize_t i = 0; i < r && buf[i] != '\033'; i++) {
				if (key((unsigned char)buf[i]))
					return 1;
				redraw = true;
			}
		}
		if (redraw && draw(t) < 0)
			return -1;
	}
}

static int interactive(struct lxc_args *args, struct top *t)
{
	struct lxc_error err = { 0 };
	sigset_t set, old;
	int sigfd, ret = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return applet_fail(args, "stdin and stdout must be a terminal (use -b for batch output)");
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return applet_fail(args, "signalfd failed: %s", strerror(errno));
	}
	if (term_enter() < 0) {
		ret = applet_fail(args, "failed to set up the terminal: %s", strerror(errno));
		goto out;
	}
	for (unsigned long iter = 1;; iter++) {
		int w;

		if (top_refresh(t, &err) < 0) {
			term_restore();
			ret = applet_fail_error(args, &err);
			break;
		}
		if (draw(t) < 0 || (opt.count && iter >= opt.count))
			break;
		w = wait_next(t, sigfd);
		if (w != 0)
			break;
	}
out:
	term_restore();
	close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static int top_main(struct lxc_args *args)
{
	struct top t;
	int ret;

	if (args->argc > 0)
		return applet_fail(args, "unexpected argument \"%s\" (lxc-top shows every running container)",
				   args->argv[0]);
	raise_fd_limit();
	top_init(&t, args->lxcpath);
	if (opt.bench)
		ret = bench(args, &t);
	else if (opt.format != FORMAT_SCREEN)
		ret = batch(args, &t);
	else
		ret = interactive(args, &t);
	top_free(&t);
	return ret;
}

const struct applet applet_top = {
	.name = "top",
	.help = "\n\n"
		"lxc-top monitors the state of the active containers\n\n"
		"Options :\n"
		"  -d, --delay     delay in seconds between refreshes (default: 3.0)\n"
		"  -b, --batch     output designed to capture to a file\n"
		"  -s, --sort      sort by [n,c,b,m] (default: n) where\n"
		"                  n = Name\n"
		"                  c = CPU use\n"
		"                  b = Block I/O use\n"
		"                  m = Memory use\n"
		"                  s = Memory + Swap use\n"
		"                  k = Kernel memory use\n"
		"  -r, --reverse   sort in reverse (descending) order\n"
		"  -n, --count=N   stop after N refreshes\n"
		"      --format=F  batch output as csv (the default) or jsonl (one JSON object\n"
		"                  per container per refresh); implies -b\n",
	.options = options,
	.shortopts = "d:s:rbn:",
	.parse = parse,
	.main = top_main,
	.flags = APPLET_NO_LOG_NAME,
};
