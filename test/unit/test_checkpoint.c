/* Unit tests for the parts of lxc-checkpoint that need no CRIU: the request sent to the
 * monitor, HOST:PORT parsing, lxc-checkpoint.meta, the config comparison of a restore. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "checkpoint_internal.h"
#include "unit.h"

TEST(checkpoint_request_roundtrip)
{
	struct checkpoint_request in = { .dir = "/var/img", .stop = true, .verbose = true, .predump_dir = "../pre",
					 .action_script = "/bin/a", .page_server = "10.0.0.2:27", .criu = "/sbin/criu" };
	struct checkpoint_request out;
	struct lxc_error err = { 0 };
	char *text = checkpoint_request_encode(&in);

	CHECK(checkpoint_request_decode(text, &out, &err) == 0);
	CHECK_STR(out.dir, "/var/img");
	CHECK(out.stop && out.verbose && !out.predump);
	CHECK_STR(out.predump_dir, "../pre");
	CHECK_STR(out.action_script, "/bin/a");
	CHECK_STR(out.page_server, "10.0.0.2:27");
	CHECK_STR(out.criu, "/sbin/criu");
	free(text);
	text = xstrdup("dir=/x\nbogus=1");
	CHECK_ERR(checkpoint_request_decode(text, &out, &err), &err, "unknown key \"bogus\"");
	free(text);
	text = xstrdup("stop=1");
	CHECK_ERR(checkpoint_request_decode(text, &out, &err), &err, "without a directory");
	free(text);
}

TEST(checkpoint_hostport)
{
	struct lxc_error err = { 0 };
	char *host;
	int port;

	CHECK(checkpoint_parse_hostport("10.215.9.2:27415", true, &host, &port, &err) == 0);
	CHECK_STR(host, "10.215.9.2");
	CHECK_INT(port, 27415);
	free(host);
	CHECK(checkpoint_parse_hostport("[fd00::2]:80", true, &host, &port, &err) == 0);
	CHECK_STR(host, "fd00::2");
	free(host);
	CHECK(checkpoint_parse_hostport("8080", false, &host, &port, &err) == 0);
	CHECK(host == NULL && port == 8080);
	CHECK_ERR(checkpoint_parse_hostport("8080", true, &host, &port, &err), &err, "expected HOST:PORT");
	CHECK_ERR(checkpoint_parse_hostport("h:0", true, &host, &port, &err), &err, "PORT 1-65535");
	CHECK_ERR(checkpoint_parse_hostport("h:65536", true, &host, &port, &err), &err, "PORT 1-65535");
	CHECK_ERR(checkpoint_parse_hostport("h:x", false, &host, &port, &err), &err, "[ADDRESS:]PORT");
}

static char *temp_dir(int *fd)
{
	char tmpl[] = "/tmp/hck-unit.XXXXXX";

	if (!mkdtemp(tmpl))
		return NULL;
	*fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return xstrdup(tmpl);
}

static int put(const char *path, const char *text, struct lxc_error *err)
{
	return file_write_replace(path, text, strlen(text), 0600, err);
}

TEST(checkpoint_meta_roundtrip)
{
	struct checkpoint_tty ttys[2] = { { 0, 0x8806, 0x19 }, { 1, 0x8807, 0x19 } };
	struct checkpoint_nic nics[1] = { { 0, (char *)"eth0" } };
	struct checkpoint_meta m = { .format = CHECKPOINT_FORMAT, .name = (char *)"c1", .lxcpath = (char *)"/var/lib/lxc",
				     .criu_version = (char *)"4.2.1", .parent = (char *)"../pre", .ttys = ttys,
				     .n_ttys = 2, .nics = nics, .n_nics = 1 };
	struct checkpoint_meta r;
	struct lxc_error err = { 0 };
	int fd;
	char *dir = temp_dir(&fd);

	CHECK(dir && fd >= 0);
	strlist_push(&m.binds, "/lib");
	strlist_push(&m.binds, "/usr/lib");
	CHECK_ERR(checkpoint_meta_read(fd, dir, &r, &err), &err, "holds no checkpoint (no lxc-checkpoint.meta)");
	CHECK_INT(err.code, ENOENT);
	CHECK(checkpoint_meta_write(fd, &m, &err) == 0);
	CHECK(checkpoint_meta_read(fd, dir, &r, &err) == 0);
	CHECK_STR(r.name, "c1");
	CHECK_STR(r.lxcpath, "/var/lib/lxc");
	CHECK_STR(r.criu_version, "4.2.1");
	CHECK_STR(r.parent, "../pre");
	CHECK(!r.predump);
	CHECK_INT(r.n_ttys, 2);
	CHECK(r.ttys[1].index == 1 && r.ttys[1].rdev == 0x8807 && r.ttys[1].dev == 0x19);
	CHECK_INT(r.binds.len, 2);
	CHECK_STR(r.binds.items[1], "/usr/lib");
	CHECK_INT(r.n_nics, 1);
	CHECK_STR(r.nics[0].ifname, "eth0");
	CHECK(!r.netns_fresh);
	checkpoint_meta_free(&r);
	m.netns_fresh = true;
	CHECK(checkpoint_meta_write(fd, &m, &err) == 0);
	CHECK(checkpoint_meta_read(fd, dir, &r, &err) == 0);
	CHECK(r.netns_fresh);
	checkpoint_meta_free(&r);
	strlist_clear(&m.binds);

	/* written by a newer version, broken, incomplete */
	{
		char *path = xasprintf("%s/%s", dir, CHECKPOINT_META);

		CHECK(put(path, "format 9\nname c\nlxcpath /\ncriu 9\n", &err) == 0);
		CHECK_ERR(checkpoint_meta_read(fd, dir, &r, &err), &err, "format 9 is newer");
		CHECK(put(path, "format 1\ntty 0 zz\n", &err) == 0);
		CHECK_ERR(checkpoint_meta_read(fd, dir, &r, &err), &err, "lxc-checkpoint.meta:2: bad tty line");
		CHECK(put(path, "format 1\nnetns warm\n", &err) == 0);
		CHECK_ERR(checkpoint_meta_read(fd, dir, &r, &err), &err, "lxc-checkpoint.meta:2: unknown netns \"warm\"");
		CHECK(put(path, "format 1\nname c\n", &err) == 0);
		CHECK_ERR(checkpoint_meta_read(fd, dir, &r, &err), &err, "incomplete");
		checkpoint_meta_remove(fd);
		CHECK(access(path, F_OK) < 0);
		free(path);
	}
	close(fd);
	rmdir(dir);
	free(dir);
}

TEST(checkpoint_config_compare)
{
	const char *old = "lxc.rootfs.path = dir:/a/c1/rootfs\nlxc.mount.entry = /a/c1/data data none bind 0 0\n"
			  "lxc.uts.name = c1\n";
	const char *moved = "lxc.rootfs.path = dir:/b/c1/rootfs\nlxc.mount.entry = /b/c1/data data none bind 0 0\n"
			    "lxc.uts.name = c1\n";
	struct lxc_error err = { 0 };

	CHECK(checkpoint_config_compare(old, "/a", "/a", "c1", old, "/img", &err) == 0);
	/* the container moved with its lxcpath */
	CHECK(checkpoint_config_compare(old, "/a", "/b", "c1", moved, "/img", &err) == 0);
	/* a path that only starts like the container dir is not the container dir */
	CHECK(checkpoint_config_compare("x = /a/c10\n", "/a", "/b", "c1", "x = /a/c10\n", "/img", &err) == 0);
	CHECK_ERR(checkpoint_config_compare(old, "/a", "/a", "c1", moved, "/img", &err), &err,
		  "config changed since the checkpoint in /img: line 1 was \"lxc.rootfs.path = dir:/a/c1/rootfs\", "
		  "is \"lxc.rootfs.path = dir:/b/c1/rootfs\"");
	CHECK_ERR(checkpoint_config_compare(old, "/a", "/a", "c1", "lxc.rootfs.path = dir:/a/c1/rootfs\n", "/img", &err),
		  &err, "line 2 was \"lxc.mount.entry");
}

TEST(checkpoint_criu_version_text)
{
	struct criu_version v = { .major = 4, .minor = 2, .sublevel = 1, .extra = -1 };
	char *t = checkpoint_criu_version_text(&v);

	CHECK_STR(t, "4.2.1");
	free(t);
	v.sublevel = -1;
	snprintf(v.gitid, sizeof(v.gitid), "abc");
	t = checkpoint_criu_version_text(&v);
	CHECK_STR(t, "4.2-abc");
	free(t);
}
