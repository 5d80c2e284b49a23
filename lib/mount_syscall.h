/* Private to the mount module: the mount-by-fd system calls (openat2, open_tree,
 * move_mount, mount_setattr, pivot_root), which musl 1.2.3 does not wrap at all. */
#ifndef LXC_MOUNT_SYSCALL_H
#define LXC_MOUNT_SYSCALL_H

#include <fcntl.h>
#include <string.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

/* glibc's <sys/mount.h> defines some of these, musl's none: define what is missing. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* Same layout as the kernel's struct mount_attr (own name: glibc 2.36 declares that one). */
struct mount_attr_args {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

/* MS_* flags to set and to clear, as mount_setattr() attributes. */
static inline void mount_attr_from_flags(unsigned long set, unsigned long clear, struct mount_attr_args *a)
{
	static const struct { unsigned long ms; uint64_t attr; } map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY },       { MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV },         { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
	};

	memset(a, 0, sizeof(*a));
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (set & map[i].ms)
			a->attr_set |= map[i].attr;
		else if (clear & map[i].ms)
			a->attr_clr |= map[i].attr;
	}
	/* atime is one field: changing it means clearing the whole field, then setting a value */
	if (set & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
		a->attr_clr |= MOUNT_ATTR__ATIME;
		a->attr_set |= (set & MS_NOATIME) ? MOUNT_ATTR_NOATIME
			     : (set & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME : MOUNT_ATTR_RELATIME;
	} else if (clear & (MS_NOATIME | MS_STRICTATIME)) {
		a->attr_clr |= MOUNT_ATTR__ATIME;
		a->attr_set |= MOUNT_ATTR_RELATIME;
	}
}

static inline int mount_sys_openat2(int dfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dfd, path, how, sizeof(*how));
}

static inline int mount_sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int mount_sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to,
				       unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static inline int mount_sys_setattr(int dfd, const char *path, unsigned int flags,
				    struct mount_attr_args *attr)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, sizeof(*attr));
}

static inline int mount_sys_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

#endif
