/* Fuzz target: lxc.mount.entry lines (fstab syntax, octal escapes, option words) through
 * the parser, the plan compiler and the plan printer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lxc.h"
#include "mount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lxc_conf conf;
	struct mount_plan plan = { 0 };
	struct mount_entry entry;
	struct lxc_error err;
	char *line = xstrndup((const char *)data, size);
	FILE *out = fopen("/dev/null", "w");

	if (mount_entry_parse(line, &entry, &err) == 0)
		mount_entry_free(&entry);
	memset(&conf, 0, sizeof(conf));
	conf.rootfs_path = "/r";
	conf.autodev = -1;
	conf.pty_max = 4;
	conf.tty_max = 2;
	conf.mount_auto = size ? data[0] : 0;
	conf.shmounts_host = "/run/shm";
	strlist_split(&conf.mount_entries, line, "\n");
	if (mount_plan_compile(&conf, NULL, &plan, &err) == 0 && out)
		mount_plan_format(&plan, out);
	mount_plan_free(&plan);
	strlist_clear(&conf.mount_entries);
	if (out)
		fclose(out);
	free(line);
	return 0;
}
