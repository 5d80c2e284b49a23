/* Capabilities for init and attached processes. Names come from the config
 * (conf_cap_parse); the sets are changed with prctl and libcap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "caps.h"
#include "utils.h"

int caps_last_cap(void)
{
	static int cached = -1;
	char *buf = NULL;
	int last;

	if (cached >= 0)
		return cached;
	if (file_read("/proc/sys/kernel/cap_last_cap", &buf, NULL, NULL) == 0 &&
	    str_to_int(str_trim(buf), &last) == 0 && last > 0 && last < 64)
		cached = last;
	else
		cached = CAP_LAST_CAP;
	free(buf);
	return cached;
}

static int mask_from_names(const struct strlist *names, uint64_t *mask, struct lxc_error *err)
{
	*mask = 0;
	for (size_t i = 0; i < names->len; i++) {
		int cap;

		if (strcmp(names->items[i], "none") == 0)
			continue;
		cap = conf_cap_parse(names->items[i]);
		if (cap < 0)
			return error_set(err, "unknown capability \"%s\"", names->items[i]);
		if (cap <= caps_last_cap())
			*mask |= 1ULL << cap;
	}
	return 0;
}

int caps_compute_keep(const struct lxc_conf *conf, uint64_t *keep, struct lxc_error *err)
{
	uint64_t all = caps_last_cap() >= 63 ? ~0ULL : (1ULL << (caps_last_cap() + 1)) - 1;
	uint64_t mask;

	if (conf->cap_keep.len) {
		if (mask_from_names(&conf->cap_keep, &mask, err) < 0)
			return error_prefix(err, "lxc.cap.keep");
		*keep = mask;
		return 0;
	}
	if (mask_from_names(&conf->cap_drop, &mask, err) < 0)
		return error_prefix(err, "lxc.cap.drop");
	*keep = all & ~mask;
	return 0;
}

int caps_drop_bounding(uint64_t keep, struct lxc_error *err)
{
	for (int cap = 0; cap <= caps_last_cap(); cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return error_sys(err, errno, "failed to drop capability %d from the bounding set", cap);
	}
	return 0;
}

int caps_apply(uint64_t keep, struct lxc_error *err)
{
	cap_t caps = cap_get_proc();
	int ret = 0;

	if (!caps)
		return error_sys(err, errno, "failed to read capabilities");
	for (int cap = 0; cap <= caps_last_cap(); cap++) {
		cap_value_t v = cap;
		cap_flag_value_t have = CAP_CLEAR;

		cap_get_flag(caps, v, CAP_PERMITTED, &have);
		cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_CLEAR);
		if (!(keep & (1ULL << cap)) || have == CAP_CLEAR) {
			cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_CLEAR);
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR);
		} else {
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
		}
	}
	if (cap_set_proc(caps) < 0)
		ret = error_sys(err, errno, "failed to set capabilities");
	cap_free(caps);
	if (ret == 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		ret = error_sys(err, errno, "failed to clear ambient capabilities");
	return ret;
}
