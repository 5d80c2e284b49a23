/* The system configuration (/etc/lxc/lxc.conf): lxc.lxcpath, lxc.default_config,
 * lxc.bdev.*, lxc.cgroup.use, lxc.cgroup.pattern, and lxc.criu.path. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sysconf.h"
#include "utils.h"

const char *const sysconf_keys[] = {
	"lxc.default_config",
	"lxc.lxcpath",
	"lxc.bdev.lvm.vg",
	"lxc.bdev.lvm.thin_pool",
	"lxc.bdev.zfs.root",
	"lxc.cgroup.use",
	"lxc.cgroup.pattern",
	"lxc.criu.path",
	NULL,
};

static char **sysconf_field(struct lxc_sysconf *sc, const char *key)
{
	static const struct {
		const char *key;
		size_t offset;
	} fields[] = {
		{ "lxc.default_config", offsetof(struct lxc_sysconf, default_config) },
		{ "lxc.lxcpath", offsetof(struct lxc_sysconf, lxcpath) },
		{ "lxc.bdev.lvm.vg", offsetof(struct lxc_sysconf, bdev_lvm_vg) },
		{ "lxc.bdev.lvm.thin_pool", offsetof(struct lxc_sysconf, bdev_lvm_thin_pool) },
		{ "lxc.bdev.zfs.root", offsetof(struct lxc_sysconf, bdev_zfs_root) },
		{ "lxc.cgroup.use", offsetof(struct lxc_sysconf, cgroup_use) },
		{ "lxc.cgroup.pattern", offsetof(struct lxc_sysconf, cgroup_pattern) },
		{ "lxc.criu.path", offsetof(struct lxc_sysconf, criu_path) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (strcmp(fields[i].key, key) == 0)
			return (char **)((char *)sc + fields[i].offset);
	return NULL;
}

static void set_defaults(struct lxc_sysconf *sc)
{
	sc->lxcpath = xstrdup(LXC_DEFAULT_LXCPATH);
	sc->default_config = xstrdup(LXC_SYSCONFDIR "/default.conf");
	sc->bdev_lvm_vg = xstrdup("lxc");
	sc->bdev_lvm_thin_pool = xstrdup("lxc");
	sc->bdev_zfs_root = xstrdup("lxc");
	/* cgroup.use, cgroup.pattern and criu.path stay NULL: "not set" */
}

int sysconf_load_file(struct lxc_sysconf *sc, const char *path, struct lxc_error *err)
{
	_cleanup_free_ char *text = NULL;
	char *line, *save = NULL;
	int lineno = 0;

	sysconf_free(sc);
	set_defaults(sc);
	if (!path)
		return 0;
	if (file_read(path, &text, NULL, err) < 0) {
		if (err && err->code == ENOENT)
			return 0;
		return -1;
	}
	sc->path = xstrdup(path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *key, *value, **field;

		lineno++;
		line = str_trim(line);
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq)
			return error_set(err, "%s:%d: expected \"key = value\", got \"%s\"", path, lineno, line);
		*eq = '\0';
		key = str_trim(line);
		value = str_trim(eq + 1);
		field = sysconf_field(sc, key);
		if (!field)
			return error_set(err, "%s:%d: %s: unknown key", path, lineno, key);
		free(*field);
		*field = xstrdup(value);
	}
	return 0;
}

int sysconf_load(struct lxc_sysconf *sc, struct lxc_error *err)
{
	const char *path = getenv("LXC_SYSTEM_CONF");

	return sysconf_load_file(sc, path && *path ? path : LXC_SYSCONFDIR "/lxc.conf", err);
}

void sysconf_free(struct lxc_sysconf *sc)
{
	free(sc->lxcpath);
	free(sc->default_config);
	free(sc->bdev_lvm_vg);
	free(sc->bdev_lvm_thin_pool);
	free(sc->bdev_zfs_root);
	free(sc->cgroup_use);
	free(sc->cgroup_pattern);
	free(sc->criu_path);
	free(sc->path);
	memset(sc, 0, sizeof(*sc));
}

const char *sysconf_get(const struct lxc_sysconf *sc, const char *key)
{
	char **field = sysconf_field((struct lxc_sysconf *)sc, key);

	return field ? *field : NULL;
}
