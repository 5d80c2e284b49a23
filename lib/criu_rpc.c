/* CRIU RPC messages: criu_req encoding (fields in field-number order, which is what
 * protoc produces) and a strict criu_resp decoder that skips unknown fields. */
#include <stdio.h>
#include <string.h>

#include "criu_rpc.h"

const char *criu_req_type_name(int type)
{
	static const char *const names[] = {
		"empty", "dump", "restore", "check", "pre-dump", "page-server", "notify",
		"cpuinfo-dump", "cpuinfo-check", "feature-check", "version", "wait-pid",
		"page-server-chld", "single-pre-dump",
	};

	if (type >= 0 && (size_t)type < ARRAY_SIZE(names))
		return names[type];
	return "unknown request";
}

void criu_opts_init(struct criu_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->images_dir_fd = -1;
	o->pid = CRIU_UNSET;
	o->log_level = CRIU_UNSET;
	o->ps.port = o->ps.pid = o->ps.fd = CRIU_UNSET;
	o->work_dir_fd = CRIU_UNSET;
	o->cpu_cap = CRIU_UNSET;
	o->manage_cgroups_mode = CRIU_UNSET;
	o->ghost_limit = CRIU_UNSET;
	o->empty_ns = CRIU_UNSET;
	o->timeout = CRIU_UNSET;
	o->status_fd = CRIU_UNSET;
	o->pre_dump_mode = CRIU_UNSET;
	o->pidfd_store_sk = CRIU_UNSET;
	o->network_lock = CRIU_UNSET;
}

void criu_opts_clear_lists(struct criu_opts *o)
{
	strlist_clear(&o->exec_cmd);
	strlist_clear(&o->skip_mnt);
	strlist_clear(&o->enable_fs);
	strlist_clear(&o->irmap_scan_paths);
	strlist_clear(&o->external);
	strlist_clear(&o->cgroup_dump_controller);
}

void criu_req_init(struct criu_req *req, enum criu_req_type type)
{
	memset(req, 0, sizeof(*req));
	req->type = type;
	req->notify_success = -1;
	req->pid = CRIU_UNSET;
}

/* ---- encoding -------------------------------------------------------------------- */

static void put_int(struct pb_buf *b, uint32_t field, int v)
{
	if (v != CRIU_UNSET)
		pb_put_int32(b, field, v);
}

static void put_flag(struct pb_buf *b, uint32_t field, bool v)
{
	if (v)
		pb_put_bool(b, field, true);
}

static void put_str(struct pb_buf *b, uint32_t field, const char *s)
{
	if (s)
		pb_put_string(b, field, s);
}

static void put_strlist(struct pb_buf *b, uint32_t field, const struct strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		pb_put_string(b, field, l->items[i]);
}

static int put_u32(struct pb_buf *b, uint32_t field, int64_t v, const char *name, struct lxc_error *err)
{
	if (v == CRIU_UNSET)
		return 0;
	if (v < 0 || v > UINT32_MAX)
		return error_set(err, "criu option %s: %lld is out of range", name, (long long)v);
	pb_put_uint64(b, field, (uint64_t)v);
	return 0;
}

static int put_kv_list(struct pb_buf *b, uint32_t field, const struct criu_kv *kv, size_t n,
		       const char *name, struct lxc_error *err)
{
	for (size_t i = 0; i < n; i++) {
		size_t mark;

		if (!kv[i].key || !kv[i].val)
			return error_set(err, "criu option %s[%zu]: both sides are required", name, i);
		mark = pb_begin_message(b, field);
		pb_put_string(b, 1, kv[i].key);
		pb_put_string(b, 2, kv[i].val);
		pb_end_message(b, mark);
	}
	return 0;
}

static int put_opts(struct pb_buf *b, const struct criu_opts *o, struct lxc_error *err)
{
	const struct criu_page_server *ps = &o->ps;
	size_t mark;

	if (o->log_file && strchr(o->log_file, '/'))
		return error_set(err, "criu option log_file \"%s\": must be a file name in the work directory, without '/'",
				 o->log_file);

	pb_put_int32(b, 1, o->images_dir_fd);
	put_int(b, 2, o->pid);
	put_flag(b, 3, o->leave_running);
	put_flag(b, 4, o->ext_unix_sk);
	put_flag(b, 5, o->tcp_established);
	put_flag(b, 6, o->evasive_devices);
	put_flag(b, 7, o->shell_job);
	put_flag(b, 8, o->file_locks);
	put_int(b, 9, o->log_level);
	put_str(b, 10, o->log_file);
	if (ps->address || ps->port != CRIU_UNSET || ps->fd != CRIU_UNSET) {
		mark = pb_begin_message(b, 11);
		put_str(b, 1, ps->address);
		put_int(b, 2, ps->port);
		put_int(b, 3, ps->pid);
		put_int(b, 4, ps->fd);
		pb_end_message(b, mark);
	}
	put_flag(b, 12, o->notify_scripts);
	put_str(b, 13, o->root);
	put_str(b, 14, o->parent_img);
	put_flag(b, 15, o->track_mem);
	put_flag(b, 16, o->auto_dedup);
	put_int(b, 17, o->work_dir_fd);
	put_flag(b, 18, o->link_remap);
	if (put_kv_list(b, 19, o->veths, o->n_veths, "veths", err) < 0)
		return -1;
	if (put_u32(b, 20, o->cpu_cap, "cpu_cap", err) < 0)
		return -1;
	put_flag(b, 21, o->force_irmap);
	put_strlist(b, 22, &o->exec_cmd);
	if (put_kv_list(b, 23, o->ext_mnt, o->n_ext_mnt, "ext_mnt", err) < 0)
		return -1;
	put_flag(b, 24, o->manage_cgroups);
	for (size_t i = 0; i < o->n_cg_root; i++) {
		if (!o->cg_root[i].path)
			return error_set(err, "criu option cg_root[%zu]: path is required", i);
		mark = pb_begin_message(b, 25);
		put_str(b, 1, o->cg_root[i].ctrl);
		pb_put_string(b, 2, o->cg_root[i].path);
		pb_end_message(b, mark);
	}
	put_flag(b, 26, o->rst_sibling);
	for (size_t i = 0; i < o->n_inherit_fd; i++) {
		if (!o->inherit_fd[i].key)
			return error_set(err, "criu option inherit_fd[%zu]: key is required", i);
		mark = pb_begin_message(b, 27);
		pb_put_string(b, 1, o->inherit_fd[i].key);
		pb_put_int32(b, 2, o->inherit_fd[i].fd);
		pb_end_message(b, mark);
	}
	put_flag(b, 28, o->auto_ext_mnt);
	put_flag(b, 29, o->ext_sharing);
	put_flag(b, 30, o->ext_masters);
	put_strlist(b, 31, &o->skip_mnt);
	put_strlist(b, 32, &o->enable_fs);
	put_int(b, 34, o->manage_cgroups_mode);
	if (put_u32(b, 35, o->ghost_limit, "ghost_limit", err) < 0)
		return -1;
	put_strlist(b, 36, &o->irmap_scan_paths);
	put_strlist(b, 37, &o->external);
	if (put_u32(b, 38, o->empty_ns, "empty_ns", err) < 0)
		return -1;
	for (size_t i = 0; i < o->n_join_ns; i++) {
		if (!o->join_ns[i].ns || !o->join_ns[i].ns_file)
			return error_set(err, "criu option join_ns[%zu]: ns and ns_file are required", i);
		mark = pb_begin_message(b, 39);
		pb_put_string(b, 1, o->join_ns[i].ns);
		pb_put_string(b, 2, o->join_ns[i].ns_file);
		put_str(b, 3, o->join_ns[i].extra_opt);
		pb_end_message(b, mark);
	}
	put_str(b, 41, o->cgroup_props);
	put_str(b, 42, o->cgroup_props_file);
	put_strlist(b, 43, &o->cgroup_dump_controller);
	put_str(b, 44, o->freeze_cgroup);
	if (put_u32(b, 45, o->timeout, "timeout", err) < 0)
		return -1;
	put_flag(b, 46, o->tcp_skip_in_flight);
	put_flag(b, 47, o->weak_sysctls);
	put_flag(b, 48, o->lazy_pages);
	put_int(b, 49, o->status_fd);
	put_flag(b, 50, o->orphan_pts_master);
	put_str(b, 51, o->config_file);
	put_flag(b, 52, o->tcp_close);
	put_str(b, 53, o->lsm_profile);
	put_str(b, 54, o->tls_cacert);
	put_str(b, 55, o->tls_cacrl);
	put_str(b, 56, o->tls_cert);
	put_str(b, 57, o->tls_key);
	put_flag(b, 58, o->tls);
	put_flag(b, 59, o->tls_no_cn_verify);
	put_str(b, 60, o->cgroup_yard);
	put_int(b, 61, o->pre_dump_mode);
	put_int(b, 62, o->pidfd_store_sk);
	put_str(b, 63, o->lsm_mount_context);
	put_int(b, 64, o->network_lock);
	put_flag(b, 65, o->mntns_compat_mode);
	put_flag(b, 66, o->skip_file_rwx_check);
	put_flag(b, 67, o->unprivileged);
	put_str(b, 68, o->images_dir);
	put_flag(b, 69, o->leave_stopped);
	put_flag(b, 70, o->display_stats);
	put_flag(b, 71, o->log_to_stderr);
	return 0;
}

static void put_features(struct pb_buf *b, uint32_t field, const struct criu_features *f)
{
	size_t mark = pb_begin_message(b, field);

	if (f->mem_track >= 0)
		pb_put_bool(b, 1, f->mem_track);
	if (f->lazy_pages >= 0)
		pb_put_bool(b, 2, f->lazy_pages);
	if (f->pidfd_store >= 0)
		pb_put_bool(b, 3, f->pidfd_store);
	pb_end_message(b, mark);
}

int criu_req_encode(const struct criu_req *req, struct pb_buf *out, struct lxc_error *err)
{
	size_t start = out->len;

	pb_put_int32(out, 1, req->type);
	if (req->opts) {
		size_t mark = pb_begin_message(out, 2);

		if (put_opts(out, req->opts, err) < 0) {
			out->len = start;
			return -1;
		}
		pb_end_message(out, mark);
	}
	if (req->notify_success >= 0)
		pb_put_bool(out, 3, req->notify_success);
	put_flag(out, 4, req->keep_open);
	if (req->features)
		put_features(out, 5, req->features);
	if (req->pid != CRIU_UNSET) {
		if (req->pid < 0) {
			out->len = start;
			return error_set(err, "criu request pid %d is out of range", req->pid);
		}
		pb_put_uint64(out, 6, (uint64_t)req->pid);
	}
	return 0;
}

/* ---- decoding -------------------------------------------------------------------- */

/* Why a decode failed, for a message naming the field. */
static int bad(struct lxc_error *err, const char *what)
{
	return error_set(err, "malformed criu response: %s", what);
}

static int take_string(const struct pb_field *f, char **dst, const char *name, struct lxc_error *err)
{
	char *s;

	if (pb_field_string(f, &s) < 0)
		return error_set(err, "malformed criu response: %s is not a string", name);
	free(*dst); /* a repeated occurrence of an optional field replaces the earlier one */
	*dst = s;
	return 0;
}

static void copy_bounded(char *dst, size_t size, const struct pb_field *f)
{
	size_t n = f->len < size - 1 ? f->len : size - 1;

	memcpy(dst, f->data, n);
	dst[n] = '\0';
}

/* Sub-message walkers. A message may occur several times; protobuf merges them,
 * which is what decoding into the same struct does. `seen` tracks required fields. */

static int decode_dump(const struct pb_field *outer, struct criu_resp *r, struct lxc_error *err)
{
	struct pb_reader rd;
	struct pb_field f;
	int n;

	if (pb_field_message(outer, &rd) < 0)
		return bad(err, "dump is not a message");
	while ((n = pb_next(&rd, &f)) > 0) {
		if (f.num == 1 && pb_field_bool(&f, &r->dump_restored) < 0)
			return bad(err, "dump.restored has the wrong type");
	}
	r->has_dump = true;
	return n < 0 ? bad(err, "dump is truncated") : 0;
}

static int decode_restore(const struct pb_field *outer, struct criu_resp *r, bool *seen_pid,
			  struct lxc_error *err)
{
	struct pb_reader rd;
	struct pb_field f;
	int32_t v;
	int n;

	if (pb_field_message(outer, &rd) < 0)
		return bad(err, "restore is not a message");
	while ((n = pb_next(&rd, &f)) > 0) {
		if (f.num != 1)
			continue;
		if (pb_field_int32(&f, &v) < 0)
			return bad(err, "restore.pid has the wrong type");
		r->restore_pid = v;
		*seen_pid = true;
	}
	r->has_restore = true;
	return n < 0 ? bad(err, "restore is truncated") : 0;
}

static int decode_notify(const struct pb_field *outer, struct criu_resp *r, struct lxc_error *err)
{
	struct pb_reader rd;
	struct pb_field f;
	int32_t v;
	int n;

	if (pb_field_message(outer, &rd) < 0)
		return bad(err, "notify is not a message");
	while ((n = pb_next(&rd, &f)) > 0) {
		if (f.num == 1) {
			if (take_string(&f, &r->notify_script, "notify.script", err) < 0)
				return -1;
		} else if (f.num == 2) {
			if (pb_field_int32(&f, &v) < 0)
				return bad(err, "notify.pid has the wrong type");
			r->notify_pid = v;
		}
	}
	r->has_notify = true;
	return n < 0 ? bad(err, "notify is truncated") : 0;
}

static int decode_ps(const struct pb_field *outer, struct criu_resp *r, struct lxc_error *err)
{
	struct pb_reader rd;
	struct pb_field f;
	int32_t v;
	int n;

	if (pb_field_message(outer, &rd) < 0)
		return bad(err, "ps is not a message");
	while ((n = pb_next(&rd, &f)) > 0) {
		if (f.num != 2 && f.num != 3)
			continue; /* address and fd are request-side */
		if (pb_field_int32(&f, &v) < 0)
			return bad(err, "ps.port/pid has the wrong type");
		if (f.num == 2)
			r->ps_port = v;
		else
			r->ps_pid = v;
	}
	r->has_ps = true;
	return n < 0 ? bad(err, "ps is truncated") : 0;
}

static int decode_features(const struct pb_field *outer, struct criu_resp *r, struct lxc_error *err)
{
	struct pb_reader rd;
	struct pb_field f;
	bool v;
	int n;

	if (pb_field_message(outer, &rd) < 0)
		return bad(err, "features is not a message");
	while ((n = pb_next(&rd, &f)) > 0) {
		if (f.num < 1 || f.num > 3)
			continue;
		if (pb_field_bool(&f, &v) < 0)
			return bad(err, "a feature has the wrong type");
		if (f.num == 1)
			r->features.mem_track = v;
		else if (f.num == 2)
			r->features.lazy_pages = v;
		else
			r->features.pidfd_store = v;
	}
	r->has_features = true;
	return n < 0 ? bad(err, "features is truncated") : 0;
}

static int decode_version(const struct pb_field *outer, struct criu_resp *r, unsigned *seen,
			  struct lxc_error *err)
{
	struct criu_version *v = &r->version;
	struct pb_reader rd;
	struct pb_field f;
	int32_t i;
	int n;

	if (pb_field_message(outer, &rd) < 0)
		return bad(err, "version is not a message");
	while ((n = pb_next(&rd, &f)) > 0) {
		switch (f.num) {
		case 1: case 2: case 4: case 5:
			if (pb_field_int32(&f, &i) < 0)
				return bad(err, "a version number has the wrong type");
			if (f.num == 1)
				v->major = i, *seen |= 1;
			else if (f.num == 2)
				v->minor = i, *seen |= 2;
			else if (f.num == 4)
				v->sublevel = i;
			else
				v->extra = i;
			break;
		case 3: case 6:
			if (f.wire != PB_WIRE_LEN || memchr(f.data, '\0', f.len))
				return bad(err, "version gitid/name is not a string");
			if (f.num == 3)
				copy_bounded(v->gitid, sizeof(v->gitid), &f);
			else
				copy_bounded(v->name, sizeof(v->name), &f);
			break;
		default:
			break;
		}
	}
	r->has_version = true;
	return n < 0 ? bad(err, "version is truncated") : 0;
}

static int decode_top(struct pb_reader *rd, struct criu_resp *r, struct lxc_error *err)
{
	struct pb_field f;
	bool seen_type = false, seen_success = false, seen_restore_pid = false;
	unsigned seen_version = 0;
	int32_t v;
	int n;

	while ((n = pb_next(rd, &f)) > 0) {
		switch (f.num) {
		case 1:
			if (pb_field_int32(&f, &v) < 0)
				return bad(err, "type has the wrong type");
			r->type = v;
			seen_type = true;
			break;
		case 2:
			if (pb_field_bool(&f, &r->success) < 0)
				return bad(err, "success has the wrong type");
			seen_success = true;
			break;
		case 3:
			if (decode_dump(&f, r, err) < 0)
				return -1;
			break;
		case 4:
			if (decode_restore(&f, r, &seen_restore_pid, err) < 0)
				return -1;
			break;
		case 5:
			if (decode_notify(&f, r, err) < 0)
				return -1;
			break;
		case 6:
			if (decode_ps(&f, r, err) < 0)
				return -1;
			break;
		case 7:
			if (pb_field_int32(&f, &v) < 0)
				return bad(err, "cr_errno has the wrong type");
			r->cr_errno = v;
			break;
		case 8:
			if (decode_features(&f, r, err) < 0)
				return -1;
			break;
		case 9:
			if (take_string(&f, &r->cr_errmsg, "cr_errmsg", err) < 0)
				return -1;
			break;
		case 10:
			if (decode_version(&f, r, &seen_version, err) < 0)
				return -1;
			break;
		case 11:
			if (pb_field_int32(&f, &v) < 0)
				return bad(err, "status has the wrong type");
			r->status = v;
			r->has_status = true;
			break;
		default:
			break; /* a field of a newer CRIU */
		}
	}
	if (n < 0)
		return bad(err, "truncated or invalid field");
	if (!seen_type || !seen_success)
		return bad(err, "type or success is missing");
	if (r->has_restore && !seen_restore_pid)
		return bad(err, "restore.pid is missing");
	if (r->has_version && seen_version != 3)
		return bad(err, "version major/minor is missing");
	return 0;
}

int criu_resp_decode(const void *buf, size_t len, struct criu_resp *resp, struct lxc_error *err)
{
	struct pb_reader rd;

	memset(resp, 0, sizeof(*resp));
	resp->restore_pid = -1;
	resp->notify_pid = -1;
	resp->ps_pid = resp->ps_port = -1;
	resp->features.mem_track = resp->features.lazy_pages = resp->features.pidfd_store = -1;
	resp->version.sublevel = resp->version.extra = -1;
	pb_reader_init(&rd, buf, len);
	if (decode_top(&rd, resp, err) < 0) {
		criu_resp_free(resp);
		return -1;
	}
	return 0;
}

void criu_resp_free(struct criu_resp *resp)
{
	free(resp->notify_script);
	free(resp->cr_errmsg);
	resp->notify_script = NULL;
	resp->cr_errmsg = NULL;
}
