#!/usr/bin/env bats
# Smoke tests of the file system keys as the container sees them (the mount module has
# root unit tests; these check the wiring): lxc.rootfs.options, lxc.mount.entry,
# lxc.mount.auto, lxc.autodev, lxc.tty.max / lxc.tty.dir, lxc.pty.max.

load helpers
load runtime_helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/hsc-mnt.XXXXXX)
	make_busybox hscm
	cp "$LXC_TEST_PATH/hscm/config" "$LXC_TEST_PATH/config.orig"
	mkdir -p "$LXC_TEST_PATH/share"
	echo host-data > "$LXC_TEST_PATH/share/file"
	echo host-file > "$LXC_TEST_PATH/single"
}

teardown_file() {
	lxc_cleanup_path
}

teardown() {
	lxc-stop -P "$LXC_TEST_PATH" -n hscm -k >/dev/null 2>&1 || true
	cp "$LXC_TEST_PATH/config.orig" "$LXC_TEST_PATH/hscm/config"
}

P() { echo "$LXC_TEST_PATH"; }
in_ct() { lxc-attach -P "$(P)" -n hscm -- "$@"; }
# start with the template's config plus these lines (printf format); init is a sleep so
# that a read-only or bare file system does not matter
start_with() {
	printf "$1\n" >> "$(P)/hscm/config"
	lxc-start -P "$(P)" -n hscm -- /bin/sleep 1000
}
# mount options of the mount on $1 inside the container (the last one there)
opts_of() { in_ct /bin/sh -c "awk '\$5 == \"$1\" { o = \$6 } END { print o }' /proc/self/mountinfo"; }
fstype_of() { in_ct /bin/sh -c "awk '\$5 == \"$1\" { for (i = 7; \$i != \"-\"; i++); t = \$(i + 1) } END { print t }' /proc/self/mountinfo"; }

@test "lxc.rootfs.options = ro: a read-only root" {
	start_with 'lxc.rootfs.options = ro'
	run in_ct /bin/touch /hsc-x
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$(opts_of /)" == ro,* ]]
	# the host's copy of the directory stays writable
	touch "$(P)/hscm/rootfs/hsc-host-side" && rm "$(P)/hscm/rootfs/hsc-host-side"
}

@test "lxc.mount.entry: bind, bind ro, optional, create=dir, create=file" {
	start_with "lxc.mount.entry = $(P)/share mnt none bind,ro 0 0
lxc.mount.entry = $(P)/share hsc-rw none bind,create=dir 0 0
lxc.mount.entry = $(P)/single hsc-dir/hsc-file none bind,create=file 0 0
lxc.mount.entry = /nonexistent-hsc hsc-opt none bind,optional,create=dir 0 0
lxc.mount.entry = tmpfs hsc-tmp tmpfs size=1m,create=dir 0 0"
	run in_ct /bin/cat /mnt/file
	[ "$output" = host-data ]
	run in_ct /bin/sh -c 'echo x > /mnt/new'
	[[ "$output" == *"Read-only file system"* ]]
	in_ct /bin/sh -c 'echo from-container > /hsc-rw/new'
	[ "$(cat "$(P)/share/new")" = from-container ]
	rm -f "$(P)/share/new"
	run in_ct /bin/cat /hsc-dir/hsc-file
	[ "$output" = host-file ]
	# optional: no source, no mount, no error; its create=dir still made the target (as LXC)
	[ "$(fstype_of /hsc-opt)" = "" ]
	[ -d "$(P)/hscm/rootfs/hsc-opt" ]
	[ "$(fstype_of /hsc-tmp)" = tmpfs ]
	rmdir "$(P)/hscm/rootfs/hsc-rw" "$(P)/hscm/rootfs/hsc-tmp"
	rm -rf "$(P)/hscm/rootfs/hsc-opt"
	rm -r "$(P)/hscm/rootfs/hsc-dir"
}

@test "lxc.mount.entry: a missing source without optional fails the start" {
	printf 'lxc.mount.entry = /nonexistent-hsc mnt none bind 0 0\n' >> "$(P)/hscm/config"
	run lxc-start -P "$(P)" -n hscm
	[ "$status" -eq 1 ]
	[[ "$output" == *'"/nonexistent-hsc"'* ]]
}

@test "lxc.mount.auto proc:mixed sys:mixed: /proc/sys read-only but for net, /sys read-only but for net" {
	start_with 'lxc.mount.auto =\nlxc.mount.auto = proc:mixed sys:mixed'
	[[ "$(opts_of /proc)" == rw,* ]]
	[[ "$(opts_of /proc/sys)" == ro,* ]]
	[[ "$(opts_of /proc/sys/net)" == rw,* ]]
	[[ "$(opts_of /sys)" == ro,* ]]
	[[ "$(opts_of /sys/devices/virtual/net)" == rw,* ]]
}

@test "lxc.mount.auto proc:rw sys:rw, and sys:ro" {
	start_with 'lxc.mount.auto =\nlxc.mount.auto = proc:rw sys:rw'
	[[ "$(opts_of /proc)" == rw,* ]]
	[ "$(in_ct /bin/sh -c "awk '\$5 == \"/proc/sys\"' /proc/self/mountinfo")" = "" ]
	[[ "$(opts_of /sys)" == rw,* ]]
	lxc-stop -P "$(P)" -n hscm -k
	cp "$(P)/config.orig" "$(P)/hscm/config"
	start_with 'lxc.mount.auto =\nlxc.mount.auto = proc sys:ro'
	[[ "$(opts_of /sys)" == ro,* ]]
}

@test "lxc.mount.auto cgroup:mixed:force: the hierarchies, rooted at the container's own cgroup" {
	needs cgroup1
	start_with 'lxc.mount.auto =\nlxc.mount.auto = proc sys cgroup:mixed:force'
	[ "$(fstype_of /sys/fs/cgroup)" = tmpfs ]
	[ "$(fstype_of /sys/fs/cgroup/memory)" = cgroup ]
	run in_ct /bin/ls /sys/fs/cgroup
	[[ "$output" == *memory* ]]
	run in_ct /bin/sh -c 'grep ":memory:" /proc/self/cgroup'
	[[ "$output" == *":memory:/" ]]
	# what the container sees as the root is its own cgroup: it may make children there,
	# and the hierarchy's real root (release_agent) is out of sight
	run in_ct /bin/sh -c 'mkdir /sys/fs/cgroup/memory/hsc-child && rmdir /sys/fs/cgroup/memory/hsc-child && echo made'
	[ "$output" = made ]
	run in_ct /bin/sh -c 'ls /sys/fs/cgroup/*/release_agent 2>/dev/null | wc -l'
	[ "$output" = 0 ]
}

@test "lxc.mount.auto without cgroup: nothing on /sys/fs/cgroup; with a cgroup namespace LXC leaves it to init" {
	start_with 'lxc.mount.auto =\nlxc.mount.auto = proc sys'
	[ "$(fstype_of /sys/fs/cgroup)" != tmpfs ]
	run in_ct /bin/sh -c 'ls /sys/fs/cgroup | wc -l'
	[ "$output" = 0 ]
}

@test "lxc.mount.auto shmounts:HOST:CT: a shared tmpfs on the host path; what the host mounts there shows up inside" {
	host="$(P)/shm-host"
	start_with "lxc.mount.auto = shmounts:$host:/mnt/shm"
	[ "$(stat -f -c %T "$host")" = tmpfs ]
	grep -q " $host .*shared:" /proc/self/mountinfo
	mkdir "$host/sub"
	mount -t tmpfs hsc-shm "$host/sub"
	echo from-the-host > "$host/sub/file"
	run in_ct /bin/cat /mnt/shm/sub/file
	umount -l "$host/sub"
	lxc-stop -P "$(P)" -n hscm -k
	# kept for the next start, as in LXC
	[ "$(stat -f -c %T "$host")" = tmpfs ]
	umount -l "$host"
	[ "$output" = from-the-host ]
}

@test "lxc.autodev = 1: a tmpfs /dev with the standard nodes; 0: the rootfs's own /dev" {
	start_with 'lxc.autodev = 1'
	[ "$(fstype_of /dev)" = tmpfs ]
	run in_ct /bin/sh -c 'for n in null zero full random urandom tty; do [ -c /dev/$n ] || echo "missing $n"; done; readlink /dev/ptmx'
	[ "$output" = "pts/ptmx" ]
	lxc-stop -P "$(P)" -n hscm -k
	cp "$(P)/config.orig" "$(P)/hscm/config"
	start_with 'lxc.autodev = 0'
	[ "$(fstype_of /dev)" = "" ]
	touch "$(P)/hscm/rootfs/dev/hsc-own"
	run in_ct /bin/ls /dev/hsc-own
	[ "$status" -eq 0 ]
	rm "$(P)/hscm/rootfs/dev/hsc-own"
}

@test "lxc.tty.max and lxc.tty.dir: the ttys, where they are, and container_ttys" {
	start_with 'lxc.tty.max = 2\nlxc.tty.dir = lxc'
	run in_ct /bin/sh -c 'ls /dev/lxc | tr "\n" " "; echo; readlink /dev/tty1; readlink /dev/tty2; ls /dev/tty3 2>&1 >/dev/null | wc -l'
	echo "$output"
	[ "${lines[0]}" = "console tty1 tty2 " ]
	[ "${lines[1]}" = lxc/tty1 ]
	[ "${lines[2]}" = lxc/tty2 ]
	[ "${lines[3]}" = 1 ]
	pid=$(init_pid hscm)
	tr '\0' '\n' < /proc/$pid/environ | grep -qx 'container_ttys=tty1 tty2'
	lxc-stop -P "$(P)" -n hscm -k
	cp "$(P)/config.orig" "$(P)/hscm/config"
	start_with 'lxc.tty.max = 0\nlxc.tty.dir ='
	run in_ct /bin/sh -c 'ls /dev/tty1 2>/dev/null; [ -c /dev/console ] && echo console'
	[ "$output" = console ]
}

@test "lxc.pty.max: the container's own devpts instance with that limit" {
	start_with 'lxc.pty.max = 3'
	[ "$(fstype_of /dev/pts)" = devpts ]
	[[ "$(in_ct /bin/sh -c "awk '\$5 == \"/dev/pts\" { print \$NF }' /proc/self/mountinfo")" == *max=3* ]]
	# not the host's: its own numbering starts at 0
	run in_ct /bin/sh -c 'ls /dev/pts'
	[[ "$output" == *ptmx* ]]
	[ "$(in_ct /bin/sh -c 'ls /dev/pts | grep -c "^[0-9]"')" -le 3 ]
}
