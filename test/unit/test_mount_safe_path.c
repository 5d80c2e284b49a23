/* Unit tests for lib/safe_path.c: resolution that never leaves the root (openat2 and the
 * O_NOFOLLOW fallback), strict no-symlink mode, mkdir -p / create-file inside the root, and
 * the "still inside" check. Works without root, in a temp dir. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lxc.h"
#include "safe_path.h"
#include "unit.h"

struct tree {
	char dir[64];
	int fd;
	struct safe_root root;
};

/* root/ with: etc/, a/b/, abs -> /etc, rel -> ../../../../../etc, inner -> a,
 * dangle -> /nonexistent, file */
static void tree_make(struct tree *t)
{
	char p[256];

	snprintf(t->dir, sizeof(t->dir), "/tmp/hmnt-sp-XXXXXX");
	CHECK(mkdtemp(t->dir) != NULL);
	snprintf(p, sizeof(p), "%s/etc", t->dir);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/a", t->dir);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/a/b", t->dir);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(p, sizeof(p), "%s/abs", t->dir);
	CHECK(symlink("/etc", p) == 0);
	snprintf(p, sizeof(p), "%s/rel", t->dir);
	CHECK(symlink("../../../../../etc", p) == 0);
	snprintf(p, sizeof(p), "%s/inner", t->dir);
	CHECK(symlink("a", p) == 0);
	snprintf(p, sizeof(p), "%s/dangle", t->dir);
	CHECK(symlink("/nonexistent-hmnt", p) == 0);
	snprintf(p, sizeof(p), "%s/file", t->dir);
	CHECK(close(open(p, O_CREAT | O_WRONLY, 0644)) == 0);
	t->fd = open(t->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(t->fd >= 0);
	safe_root_init(&t->root, t->fd);
	CHECK(t->root.len == strlen(t->dir));
}

static void tree_free(struct tree *t)
{
	struct lxc_error err;

	close(t->fd);
	CHECK(remove_tree(t->dir, &err) == 0);
}

/* Whether fd is the inode at root/rel. */
static bool same_inode(struct tree *t, int fd, const char *rel)
{
	struct stat a, b;
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", t->dir, rel);
	return fd >= 0 && fstat(fd, &a) == 0 && lstat(p, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

TEST(mount_safe_path_symlinks_resolve_inside)
{
	struct tree t;
	struct lxc_error err;
	int fd;

	tree_make(&t);
	/* an absolute link and a ..-laden one both land on root/etc, not the host's /etc */
	fd = safe_path_open(&t.root, "abs", O_PATH | O_DIRECTORY, 0, &err);
	CHECK(same_inode(&t, fd, "etc"));
	close(fd);
	fd = safe_path_open(&t.root, "/rel/", O_PATH | O_DIRECTORY, 0, &err);
	CHECK(same_inode(&t, fd, "etc"));
	close(fd);
	fd = safe_path_open(&t.root, "../../a/./b", O_PATH, 0, &err);
	CHECK(same_inode(&t, fd, "a/b"));
	close(fd);
	fd = safe_path_open(&t.root, "inner/b", O_PATH, 0, &err);
	CHECK(same_inode(&t, fd, "a/b"));
	close(fd);
	fd = safe_path_open(&t.root, "", O_PATH, 0, &err);
	CHECK(same_inode(&t, fd, "."));
	close(fd);
	CHECK_ERR(safe_path_open(&t.root, "a/missing", O_PATH, 0, &err), &err, "No such file or directory");
	CHECK_INT(err.code, ENOENT);
	CHECK_ERR(safe_path_open(&t.root, "file", O_PATH | O_DIRECTORY, 0, &err), &err, "Not a directory");
	tree_free(&t);
}

TEST(mount_safe_path_strict_refuses_symlinks)
{
	struct tree t;
	struct lxc_error err;
	int fd;

	tree_make(&t);
	CHECK_ERR(safe_path_open(&t.root, "abs", O_PATH, SAFE_PATH_NO_SYMLINKS, &err), &err,
		  "\"/abs\" is a symbolic link (to \"/etc\"), refusing to follow it");
	CHECK_INT(err.code, ELOOP);
	/* also when the link stays inside, and when it is not the last component */
	CHECK_ERR(safe_path_open(&t.root, "inner/b", O_PATH, SAFE_PATH_NO_SYMLINKS, &err), &err,
		  "\"/inner\" is a symbolic link (to \"a\")");
	fd = safe_path_open(&t.root, "a/b", O_PATH, SAFE_PATH_NO_SYMLINKS, &err);
	CHECK(same_inode(&t, fd, "a/b"));
	close(fd);
	tree_free(&t);
}

TEST(mount_safe_path_fallback_walk)
{
	const unsigned walk = SAFE_PATH_NO_OPENAT2;
	struct tree t;
	struct lxc_error err;
	int fd;

	tree_make(&t);
	fd = safe_path_open(&t.root, "/a//./b/", O_PATH | O_DIRECTORY, walk, &err);
	CHECK(same_inode(&t, fd, "a/b"));
	close(fd);
	fd = safe_path_open(&t.root, "file", O_RDONLY, walk, &err);
	CHECK(same_inode(&t, fd, "file"));
	close(fd);
	/* without openat2 every symlink is refused, even one that stays inside */
	CHECK_ERR(safe_path_open(&t.root, "abs", O_PATH, walk, &err), &err, "\"/abs\" is a symbolic link (to \"/etc\")");
	CHECK_ERR(safe_path_open(&t.root, "inner/b", O_PATH, walk, &err), &err, "\"/inner\" is a symbolic link");
	CHECK_ERR(safe_path_open(&t.root, "abs", O_RDONLY, walk, &err), &err, "is a symbolic link");
	CHECK_ERR(safe_path_open(&t.root, "a/../etc", O_PATH, walk, &err), &err, "\"..\" in \"/a/../etc\" is not supported");
	CHECK_ERR(safe_path_open(&t.root, "a/nope/c", O_PATH, walk, &err), &err, "\"/a/nope\": No such file or directory");
	CHECK_ERR(safe_path_open(&t.root, "file/x", O_PATH, walk, &err), &err, "\"/file\": Not a directory");
	CHECK_ERR(safe_path_open(&t.root, "file", O_PATH | O_DIRECTORY, walk, &err), &err, "Not a directory");
	tree_free(&t);
}

TEST(mount_safe_path_mkdir_stays_inside)
{
	struct tree t;
	struct lxc_error err;
	char p[256];
	int fd;

	tree_make(&t);
	fd = safe_path_mkdir(&t.root, "/x/y/z", 0700, 0, &err);
	CHECK(same_inode(&t, fd, "x/y/z"));
	close(fd);
	fd = safe_path_mkdir(&t.root, "x/y/z", 0700, 0, &err); /* exists: fine */
	CHECK(same_inode(&t, fd, "x/y/z"));
	close(fd);
	/* through an absolute symlink: created in root/etc, never in the host's /etc */
	fd = safe_path_mkdir(&t.root, "abs/hmnt-made-here/sub", 0755, 0, &err);
	CHECK(same_inode(&t, fd, "etc/hmnt-made-here/sub"));
	close(fd);
	CHECK(access("/etc/hmnt-made-here", F_OK) < 0);
	CHECK_ERR(safe_path_mkdir(&t.root, "abs/strict", 0755, SAFE_PATH_NO_SYMLINKS, &err), &err,
		  "\"/abs\" is a symbolic link");
	CHECK_ERR(safe_path_mkdir(&t.root, "file/sub", 0755, 0, &err), &err, "\"/file\": Not a directory");
	fd = safe_path_mkdir(&t.root, "w1/w2", 0755, SAFE_PATH_NO_OPENAT2, &err);
	CHECK(same_inode(&t, fd, "w1/w2"));
	close(fd);
	snprintf(p, sizeof(p), "%s/etc/hmnt-made-here/sub", t.dir);
	CHECK(is_dir(p));
	tree_free(&t);
}

TEST(mount_safe_path_create_file_and_parent)
{
	struct tree t;
	struct lxc_error err;
	const char *name = NULL;
	int fd;

	tree_make(&t);
	fd = safe_path_create_file(&t.root, "new/dir/f", 0600, 0, &err);
	CHECK(same_inode(&t, fd, "new/dir/f"));
	close(fd);
	fd = safe_path_create_file(&t.root, "file", 0600, 0, &err); /* exists: opened */
	CHECK(same_inode(&t, fd, "file"));
	close(fd);
	CHECK_ERR(safe_path_create_file(&t.root, "dangle", 0600, 0, &err), &err, "\"/dangle\" is a dangling symbolic link");
	CHECK(access("/nonexistent-hmnt", F_OK) < 0);
	fd = safe_path_open_parent(&t.root, "/a/b/leaf", false, &name, 0, &err);
	CHECK(same_inode(&t, fd, "a/b"));
	CHECK_STR(name, "leaf");
	close(fd);
	fd = safe_path_open_parent(&t.root, "top", false, &name, 0, &err);
	CHECK(same_inode(&t, fd, "."));
	CHECK_STR(name, "top");
	close(fd);
	CHECK_ERR(safe_path_open_parent(&t.root, "a/b/", false, &name, 0, &err), &err, "does not end in a file name");
	CHECK_ERR(safe_path_open_parent(&t.root, "a/..", false, &name, 0, &err), &err, "does not end in a file name");
	tree_free(&t);
}

TEST(mount_safe_path_check_inside)
{
	struct tree t;
	struct lxc_error err;
	int in, out;
	char p[256];

	tree_make(&t);
	in = safe_path_open(&t.root, "a/b", O_PATH, 0, &err);
	CHECK(safe_path_check_inside(&t.root, in, &err) == 0);
	out = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK_ERR(safe_path_check_inside(&t.root, out, &err), &err, "outside the container's root");
	CHECK_INT(err.code, EXDEV);
	close(out);
	/* a sibling whose name starts with the root's is still outside */
	snprintf(p, sizeof(p), "%s-sibling", t.dir);
	CHECK(mkdir(p, 0700) == 0);
	out = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK_ERR(safe_path_check_inside(&t.root, out, &err), &err, "outside the container's root");
	close(out);
	rmdir(p);
	/* a directory renamed out of the root after it was opened is caught */
	snprintf(p, sizeof(p), "%s-moved", t.dir);
	{
		char from[256];

		snprintf(from, sizeof(from), "%s/a", t.dir);
		CHECK(rename(from, p) == 0);
		CHECK_ERR(safe_path_check_inside(&t.root, in, &err), &err, "outside the container's root");
		CHECK(rename(p, from) == 0);
	}
	close(in);
	tree_free(&t);
}
