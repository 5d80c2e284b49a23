/* Fuzzes what reaches lib/cgroup*.c as text from other processes and config files: the
 * serialised context (command socket), device rules and rule lists (xattr, lxc-device). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"

static const char mountinfo[] =
	"31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	"38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

/* A ".." component (not merely two dots inside a name like "..ns"). */
static int has_dotdot(const char *rel)
{
	for (const char *p = rel; (p = strstr(p, "..")); p += 2)
		if ((p == rel || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = strndup((const char *)data, size);
	struct lxc_error err = { 0 };
	struct cgroup_ctx *c = NULL, *d = NULL;
	struct cgroup_dev_rule r;
	struct cgroup_dev_list l = { 0 };

	if (!text)
		return 0;
	/* what deserialises must serialise to something that deserialises to the same text */
	if (cgroup_ctx_deserialize_with(&c, text, mountinfo, &err) == 0) {
		char *again = cgroup_ctx_serialize(c), *third;

		if (cgroup_ctx_deserialize_with(&d, again, mountinfo, &err) != 0)
			abort();
		third = cgroup_ctx_serialize(d);
		if (strcmp(again, third) != 0)
			abort();
		for (size_t i = 0; i < c->n; i++)
			for (int role = 0; role < CG_ROLES; role++)
				if (c->h[i].rel[role] && (has_dotdot(c->h[i].rel[role]) || c->h[i].rel[role][0] == '/'))
					abort();
		free(again);
		free(third);
		cgroup_ctx_free(d);
		cgroup_ctx_free(c);
	}
	/* a rule that parses formats to a rule that parses the same */
	if (cgroup_dev_rule_parse(text, true, &r, &err) == 0) {
		char *f = cgroup_dev_rule_format(&r);
		struct cgroup_dev_rule r2;

		if (cgroup_dev_rule_parse(f, true, &r2, &err) != 0 || r2.type != r.type || r2.major != r.major ||
		    r2.minor != r.minor || r2.access != r.access)
			abort();
		free(f);
	}
	if (cgroup_dev_list_parse(&l, text, &err) == 0) {
		size_t n;
		struct bpf_insn *p = cgroup_dev_prog_build(&l, &n);

		if (n < 8 || p[n - 1].code != (BPF_JMP | BPF_EXIT))
			abort();
		free(p);
		cgroup_dev_list_free(&l);
	}
	free(text);
	return 0;
}
