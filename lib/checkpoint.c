/* lxc-checkpoint's side of a checkpoint: checks that change nothing, the request sent to
 * the monitor, the checks before a restore, and the page server of a receiving host. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint_internal.h"
#include "commands.h"
#include "container.h"
#include "log.h"
#include "state.h"
#include "utils.h"

/* ---- the request on the command socket ------------------------------------------------- */

char *checkpoint_request_encode(const struct checkpoint_request *req)
{
	struct strlist l = { 0 };
	char *text;

	strlist_push_owned(&l, xasprintf("dir=%s", req->dir));
	if (req->stop)
		strlist_push(&l, "stop=1");
	if (req->verbose)
		strlist_push(&l, "verbose=1");
	if (req->predump)
		strlist_push(&l, "predump=1");
	if (req->predump_dir)
		strlist_push_owned(&l, xasprintf("predump_dir=%s", req->predump_dir));
	if (req->action_script)
		strlist_push_owned(&l, xasprintf("action_script=%s", req->action_script));
	if (req->page_server)
		strlist_push_owned(&l, xasprintf("page_server=%s", req->page_server));
	if (req->criu)
		strlist_push_owned(&l, xasprintf("criu=%s", req->criu));
	text = strlist_join(&l, "\n");
	strlist_clear(&l);
	return text;
}

int checkpoint_request_decode(char *text, struct checkpoint_request *req, struct lxc_error *err)
{
	char *save = NULL;

	memset(req, 0, sizeof(*req));
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, '=');

		if (!v)
			return error_set(err, "checkpoint request: \"%s\" is not key=value", line);
		*v++ = '\0';
		if (!strcmp(line, "dir"))
			req->dir = v;
		else if (!strcmp(line, "stop"))
			req->stop = !strcmp(v, "1");
		else if (!strcmp(line, "verbose"))
			req->verbose = !strcmp(v, "1");
		else if (!strcmp(line, "predump"))
			req->predump = !strcmp(v, "1");
		else if (!strcmp(line, "predump_dir"))
			req->predump_dir = v;
		else if (!strcmp(line, "action_script"))
			req->action_script = v;
		else if (!strcmp(line, "page_server"))
			req->page_server = v;
		else if (!strcmp(line, "criu"))
			req->criu = v;
		else
			return error_set(err, "checkpoint request: unknown key \"%s\"", line);
	}
	if (!req->dir || !*req->dir)
		return error_set(err, "checkpoint request without a directory");
	return 0;
}

int checkpoint_parse_hostport(const char *s, bool host_required, char **host, int *port, struct lxc_error *err)
{
	const char *colon = strrchr(s, ':');
	const char *p = colon ? colon + 1 : s;
	unsigned v;

	*host = NULL;
	if (str_to_uint(p, &v) < 0 || v == 0 || v > 65535)
		return error_set(err, "\"%s\": expected %sPORT with PORT 1-65535", s, host_required ? "HOST:" : "[ADDRESS:]");
	if (colon) {
		size_t len = (size_t)(colon - s);

		if (len >= 2 && s[0] == '[' && s[len - 1] == ']')
			*host = xstrndup(s + 1, len - 2);
		else
			*host = xstrndup(s, len);
	}
	if (host_required && (!*host || !**host)) {
		free(*host);
		*host = NULL;
		return error_set(err, "\"%s\": expected HOST:PORT", s);
	}
	*port = (int)v;
	return 0;
}

void checkpoint_explain_failure(const char *criu, const struct lxc_sysconf *sc, struct lxc_error *err)
{
	struct lxc_sysconf named = { .criu_path = (char *)criu, .path = (char *)"lxc-checkpoint" };
	struct lxc_error check = { 0 };
	char failed[sizeof(err->msg)];

	/* CRIU's own failures only: not ours (a refused notification, a missing bridge...) */
	if (!err || !str_starts_with(err->msg, "criu ") || strstr(err->msg, ": notify \""))
		return;
	if (criu_check_usable(criu ? &named : sc, NULL, &check) == 0)
		return;
	memcpy(failed, err->msg, sizeof(failed));
	error_set(err, "%s; %s", check.msg, failed);
}

/* ---- dump ------------------------------------------------------------------------------ */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* -s: CRIU killed the container; its monitor tears down and says STOPPED once the lock is
 * free, so that a restore right after us finds it stopped. */
static int wait_stopped(struct event_listener *l, const char *lxcpath, const char *name, struct lxc_error *err)
{
	long long deadline = now_ms() + 60000;
	struct runtime_paths paths;
	bool locked;

	for (;;) {
		struct lxc_event ev;
		int r;

		runtime_paths_init(&paths, lxcpath, name);
		locked = runtime_is_locked(&paths);
		runtime_paths_free(&paths);
		if (!locked)
			return 0;
		if (now_ms() >= deadline)
			return error_set(err, "%s was checkpointed but did not stop within 60 seconds", name);
		r = event_receive(l, &ev, 200, err);
		if (r < 0)
			return -1;
	}
}

int container_checkpoint(const char *lxcpath, const char *name, const struct checkpoint_request *req,
			 const struct lxc_sysconf *sc, struct lxc_error *err)
{
	struct checkpoint_request sent = *req;
	_cleanup_free_ char *criu = NULL;
	_cleanup_free_ char *text = NULL;
	struct event_listener l = { .fd = -1 };
	int ret;

	if (container_require_defined(lxcpath, name, err) < 0)
		return -1;
	if (strchr(req->dir, '\n') || (req->action_script && strchr(req->action_script, '\n')) ||
	    (req->predump_dir && strchr(req->predump_dir, '\n')))
		return error_set(err, "paths with a newline are not supported");
	if (container_state(lxcpath, name) == STATE_STOPPED)
		return error_set(err, "%s is not running", name);
	if (!req->criu) {
		/* found with our environment ($CRIU, PATH), not the monitor's */
		if (criu_find(sc, &criu, err) < 0)
			return -1;
		sent.criu = criu;
	}
	if (req->action_script && access(req->action_script, X_OK) < 0)
		return error_sys(err, errno, "action script \"%s\"", req->action_script);
	if (mkdir_p(req->dir, 0700, err) < 0)
		return error_prefix(err, "checkpoint directory");
	if (req->stop && event_listen(&l, lxcpath, err) < 0)
		return -1;
	text = checkpoint_request_encode(&sent);
	ret = container_command(lxcpath, name, CMD_CHECKPOINT, 0, text, NULL, err);
	if (ret < 0 && err && (err->code == ENOENT || err->code == ECONNREFUSED))
		error_set(err, "%s is not running", name);
	else if (ret < 0)
		checkpoint_explain_failure(sent.criu, sc, err);
	if (ret >= 0 && req->stop)
		ret = wait_stopped(&l, lxcpath, name, err);
	if (l.fd >= 0)
		event_unlisten(&l);
	return ret < 0 ? -1 : 0;
}

/* ---- restore --------------------------------------------------------------------------- */

int checkpoint_restore_check(const char *lxcpath, const char *name, const struct lxc_conf *conf,
			     const char *dir, struct lxc_error *err)
{
	struct checkpoint_meta meta;
	_cleanup_close_ int dirfd = -1;
	_cleanup_free_ char *dumped = NULL;
	_cleanup_free_ char *text = NULL;
	int ret;

	if (container_state(lxcpath, name) != STATE_STOPPED)
		return error_set(err, "%s is running: only a stopped container can be restored", name);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return error_sys(err, errno, "checkpoint directory \"%s\"", dir);
	if (checkpoint_meta_read(dirfd, dir, &meta, err) < 0)
		return -1;
	if (strcmp(meta.name, name))
		ret = error_set(err, "%s holds a checkpoint of container \"%s\", not of \"%s\"", dir, meta.name, name);
	else if (meta.predump)
		ret = error_set(err, "%s holds a pre-dump (memory only): restore the dump made after it with --predump-dir", dir);
	else if (file_read_at(dirfd, CHECKPOINT_CONFIG, &dumped, NULL, err) < 0)
		ret = error_prefix(err, "%s", dir);
	else if (conf->n_idmaps)
		ret = error_set(err, "unprivileged containers (lxc.idmap) cannot be restored");
	else if (checkpoint_net_check(conf, err) < 0)
		ret = -1;
	else {
		text = conf_text(conf);
		ret = checkpoint_config_compare(dumped, meta.lxcpath, lxcpath, name, text, dir, err);
	}
	checkpoint_meta_free(&meta);
	return ret;
}

/* ---- page server ----------------------------------------------------------------------- */

int checkpoint_page_server(const char *listen, const char *dir, const char *criu, const struct lxc_sysconf *sc,
			   struct lxc_error *err)
{
	struct checkpoint_request req = { .dir = dir, .criu = criu };
	_cleanup_free_ char *host = NULL;
	_cleanup_close_ int dirfd = -1;
	struct criu_version v;
	struct criu_resp resp;
	struct criu_opts o;
	struct criu_req r;
	struct criu_conn c;
	int port, ret, child;

	if (checkpoint_parse_hostport(listen, false, &host, &port, err) < 0)
		return error_prefix(err, "--page-server-listen");
	if (mkdir_p(dir, 0700, err) < 0)
		return error_prefix(err, "checkpoint directory");
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return error_sys(err, errno, "checkpoint directory \"%s\"", dir);
	if (checkpoint_criu_open(&c, &req, sc, NULL, 0, &v, err) < 0)
		return -1;
	criu_opts_init(&o);
	o.images_dir_fd = dirfd;
	o.log_file = "page-server.log";
	o.ps.address = host;
	o.ps.port = port;
	/* the page server as criu's child, kept open: WAIT_PID then returns when it is done */
	criu_req_init(&r, CRIU_REQ_PAGE_SERVER_CHLD);
	r.opts = &o;
	r.keep_open = true;
	ret = criu_request(&c, &r, NULL, NULL, &resp, err);
	child = resp.ps_pid;
	criu_resp_free(&resp);
	if (ret == 0 && child <= 0)
		ret = error_set(err, "criu started no page server");
	if (ret == 0) {
		DEBUG("criu page server (pid %d) listens on %s:%d", child, host ? host : "*", port);
		criu_req_init(&r, CRIU_REQ_WAIT_PID);
		r.pid = child;
		ret = criu_request(&c, &r, NULL, NULL, &resp, err);
		if (ret == 0 && resp.has_status && !(WIFEXITED(resp.status) && WEXITSTATUS(resp.status) == 0))
			ret = error_set(err, "the page server failed: see %s/page-server.log", dir);
		criu_resp_free(&resp);
	}
	criu_close(&c);
	criu_opts_clear_lists(&o);
	return ret;
}
