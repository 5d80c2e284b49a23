#!/usr/bin/env bats
# AppArmor with the real runtime (lib/lsm.c). With AppArmor in the kernel (VM lane): a loaded
# profile confines init and attached processes, "generated" loads LXC's container-base and is
# removed at stop, "unconfined"/"unchanged", allow_incomplete, and the label only ever goes
# through a real procfs (CVE-2019-16884 at start, CVE-2015-1334 at attach). Without AppArmor
# (this host): a profile is ignored with a log line, so LXC's stock default.conf works.

load helpers

AAFS=/sys/kernel/security/apparmor

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/hvr-aa.XXXXXX)
}

teardown_file() {
	lxc_cleanup_path
	for p in hvr-aa-named hvr-aa-outer; do
		[ ! -w "$AAFS/.remove" ] || printf %s "$p" > "$AAFS/.remove" 2> /dev/null || true
	done
}

P() { echo "$LXC_TEST_PATH"; }

# aa_container NAME [CONFIG LINE...]: a fresh busybox container with those config lines and a
# file the named profile denies.
aa_container() {
	local name=$1
	shift
	make_busybox "$name"
	echo "hvr secret" > "$(P)/$name/rootfs/etc/hvr-secret"
	for line in "$@"; do
		echo "$line" >> "$(P)/$name/config"
	done
}

init_pid() {
	lxc-info -P "$(P)" -n "$1" -p | awk '{ print $2 }'
}

# hvr-aa-named: everything but one file; hvr-aa-outer: everything, and may change profile
load_profiles() {
	apparmor_parser -rK <<-'EOF'
	profile hvr-aa-named flags=(attach_disconnected,mediate_deleted) {
	  file,
	  capability,
	  network,
	  mount,
	  umount,
	  pivot_root,
	  signal,
	  ptrace,
	  unix,
	  deny /etc/hvr-secret rw,
	}
	profile hvr-aa-outer flags=(attach_disconnected,mediate_deleted) {
	  file,
	  capability,
	  network,
	  mount,
	  umount,
	  pivot_root,
	  signal,
	  ptrace,
	  unix,
	  change_profile,
	}
	EOF
}

@test "apparmor: a loaded profile confines init and attached processes; its denials hold" {
	needs root apparmor
	load_profiles
	aa_container hvr-aa1 "lxc.apparmor.profile = hvr-aa-named"
	lxc-start -P "$(P)" -n hvr-aa1
	pid=$(init_pid hvr-aa1)
	[ "$(cat "/proc/$pid/attr/current")" = "hvr-aa-named (enforce)" ]
	for who in 1 self; do
		run lxc-attach -P "$(P)" -n hvr-aa1 -- cat /proc/$who/attr/current
		echo "/proc/$who: $output"
		[ "$status" -eq 0 ]
		[ "$output" = "hvr-aa-named (enforce)" ]
	done
	run lxc-attach -P "$(P)" -n hvr-aa1 -- cat /etc/hvr-secret
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	# what the profile allows still works
	run lxc-attach -P "$(P)" -n hvr-aa1 -- cat /etc/passwd
	[ "$status" -eq 0 ]
	lxc-stop -P "$(P)" -n hvr-aa1 -k
	# init itself, not only attached processes
	run lxc-execute -P "$(P)" -n hvr-aa1 -- sh -c 'cat /proc/self/attr/current; echo; cat /etc/hvr-secret'
	echo "$output"
	[ "${lines[0]}" = "hvr-aa-named (enforce)" ]
	[[ "$output" == *"Permission denied"* ]]
	[ "$status" -ne 0 ]
}

@test "apparmor: a profile that is not loaded fails the start and names it" {
	needs root apparmor
	aa_container hvr-aa2 "lxc.apparmor.profile = hvr-aa-not-loaded"
	run lxc-start -P "$(P)" -n hvr-aa2
	[ "$status" -eq 1 ]
	[[ "$output" == *'AppArmor profile "hvr-aa-not-loaded" is not loaded'* ]]
	run lxc-info -P "$(P)" -n hvr-aa2 -s
	[ "$output" = "State:          STOPPED" ]
}

@test "apparmor: allow_incomplete: this kernel mediates mounts; without that a confined start needs allow_incomplete" {
	needs root apparmor
	load_profiles
	# Debian's 6.1 has mount mediation: a confined start passes the check as is (test 1)
	[ -e "$AAFS/features/mount/mask" ]
	aa_container hvr-aa3 "lxc.apparmor.profile = hvr-aa-named"
	# a kernel without it, as lxc-start sees it: features/ without mount, in a private mount ns
	hide='mount -t tmpfs hvr-nofeatures '"$AAFS"'/features && exec "$@"'
	run unshare -m sh -c "$hide" _ lxc-start -P "$(P)" -n hvr-aa3
	[ "$status" -eq 1 ]
	[[ "$output" == *"AppArmor cannot mediate mounts on this kernel"*"lxc.apparmor.allow_incomplete = 1"* ]]
	echo "lxc.apparmor.allow_incomplete = 1" >> "$(P)/hvr-aa3/config"
	run unshare -m sh -c "$hide" _ lxc-start -P "$(P)" -n hvr-aa3
	[ "$status" -eq 0 ]
	[ "$(cat "/proc/$(init_pid hvr-aa3)/attr/current")" = "hvr-aa-named (enforce)" ]
	lxc-stop -P "$(P)" -n hvr-aa3 -k
	# unconfined needs no mount mediation
	sed -i '/allow_incomplete/d; s/^lxc.apparmor.profile = .*/lxc.apparmor.profile = unconfined/' "$(P)/hvr-aa3/config"
	run unshare -m sh -c "$hide" _ lxc-start -P "$(P)" -n hvr-aa3
	[ "$status" -eq 0 ]
	lxc-stop -P "$(P)" -n hvr-aa3 -k
}

@test "apparmor: generated: LXC's container-base is loaded, confines, takes lxc.apparmor.raw, is removed at stop" {
	needs root apparmor
	aa_container hvr-aa4 "lxc.apparmor.profile = generated" "lxc.apparmor.raw = deny /etc/hvr-secret rw,"
	label="lxc-hvr-aa4_<$(P)>"
	# unconfined, the paths container-base denies are readable in this container
	run lxc-execute -P "$(P)" -n hvr-aa4 -s lxc.apparmor.profile=unconfined -- \
		cat /sys/kernel/security/lsm /etc/hvr-secret
	[ "$status" -eq 0 ]
	lxc-start -P "$(P)" -n hvr-aa4
	grep -qxF "$label (enforce)" "$AAFS/profiles"
	[ "$(cat "/proc/$(init_pid hvr-aa4)/attr/current")" = "$label (enforce)" ]
	run lxc-attach -P "$(P)" -n hvr-aa4 -- cat /sys/kernel/security/lsm
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	run lxc-attach -P "$(P)" -n hvr-aa4 -- cat /etc/hvr-secret
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	run lxc-attach -P "$(P)" -n hvr-aa4 -- cat /etc/passwd
	[ "$status" -eq 0 ]
	lxc-stop -P "$(P)" -n hvr-aa4
	run grep -cF "$label" "$AAFS/profiles"
	[ "$output" = 0 ]
	# a killed monitor: its guard unloads the profile
	lxc-start -P "$(P)" -n hvr-aa4
	grep -qxF "$label (enforce)" "$AAFS/profiles"
	pid=$(init_pid hvr-aa4)
	kill -9 "$(awk '{ print $4 }' "/proc/$pid/stat")"
	wait_until "[ ! -d /proc/$pid ]"
	wait_until "! grep -qF '$label' $AAFS/profiles"
	[ "$(lxc-info -P "$(P)" -n hvr-aa4 -s)" = "State:          STOPPED" ]
}

@test "apparmor: unconfined, unchanged and unset under a confined lxc-start" {
	needs root apparmor
	load_profiles
	aa_container hvr-aa5 "lxc.apparmor.profile = unconfined"
	aa-exec -p hvr-aa-outer -- lxc-start -P "$(P)" -n hvr-aa5
	[ "$(cat "/proc/$(init_pid hvr-aa5)/attr/current")" = "unconfined" ]
	lxc-stop -P "$(P)" -n hvr-aa5 -k
	sed -i 's/^lxc.apparmor.profile = .*/lxc.apparmor.profile = unchanged/' "$(P)/hvr-aa5/config"
	aa-exec -p hvr-aa-outer -- lxc-start -P "$(P)" -n hvr-aa5
	[ "$(cat "/proc/$(init_pid hvr-aa5)/attr/current")" = "hvr-aa-outer (enforce)" ]
	lxc-stop -P "$(P)" -n hvr-aa5 -k
	# unset, with LXC's default profile not loaded: the same, and said so
	sed -i '/^lxc.apparmor.profile/d' "$(P)/hvr-aa5/config"
	run aa-exec -p hvr-aa-outer -- lxc-start -P "$(P)" -n hvr-aa5
	[ "$status" -eq 0 ]
	[[ "$output" == *"lxc-container-default-cgns is not loaded: keeping lxc-start's own profile"* ]]
	[ "$(cat "/proc/$(init_pid hvr-aa5)/attr/current")" = "hvr-aa-outer (enforce)" ]
	lxc-stop -P "$(P)" -n hvr-aa5 -k
}

@test "apparmor: CVE-2019-16884: a tmpfs with a fake attr/ over /proc does not swallow the label" {
	needs root apparmor
	load_profiles
	# the pre-mount hook runs in the container's mount namespace before the label is opened
	hook="$(P)/hvr-hide-proc"
	cat > "$hook" <<-'EOF'
	#!/bin/sh
	mount -t tmpfs hvr-fake-proc /proc || exit 1
	mkdir -p /proc/self/attr/apparmor
	: > /proc/self/attr/apparmor/exec
	: > /proc/self/attr/exec
	EOF
	chmod +x "$hook"
	aa_container hvr-aa6 "lxc.apparmor.profile = hvr-aa-named" "lxc.hook.pre-mount = $hook"
	# (the cgroup mount goes through /proc/self/fd: this is about the label alone)
	sed -i 's/^lxc.mount.auto = .*/lxc.mount.auto = proc:mixed sys:ro/' "$(P)/hvr-aa6/config"
	run lxc-start -P "$(P)" -n hvr-aa6
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not on procfs: refusing to set the security label"* ]]
	run lxc-info -P "$(P)" -n hvr-aa6 -s
	[ "$output" = "State:          STOPPED" ]
	# the host's /proc was not touched
	[ "$(stat -fc %T /proc)" = proc ]
}

@test "apparmor: CVE-2015-1334: attach sets the label through the host's /proc, not the container's" {
	needs root apparmor
	load_profiles
	aa_container hvr-aa7 "lxc.apparmor.profile = hvr-aa-named"
	lxc-start -P "$(P)" -n hvr-aa7
	# the container hides its /proc under a tmpfs with a fake attr/current
	lxc-attach -P "$(P)" -n hvr-aa7 -- sh -c \
		'mount -t tmpfs hvr-fake-proc /proc && mkdir -p /proc/self/attr && : > /proc/self/attr/exec'
	lxc-attach -P "$(P)" -n hvr-aa7 -- sleep 4242 &
	attached=$!
	wait_until 'spid=$(pgrep -xf "sleep 4242")' 100
	[ "$(cat "/proc/$spid/attr/current")" = "hvr-aa-named (enforce)" ]
	kill "$spid"
	wait "$attached" || true
	run lxc-attach -P "$(P)" -n hvr-aa7 -- cat /etc/hvr-secret
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	lxc-stop -P "$(P)" -n hvr-aa7 -k
}

@test "apparmor: without AppArmor in the kernel a profile is ignored with a log line" {
	needs root
	[ "$(cat /sys/module/apparmor/parameters/enabled 2> /dev/null)" != Y ] ||
		skip "AppArmor is enabled in this kernel (the case of kernels without it)"
	# the AppArmor lines of LXC's stock /etc/lxc/default.conf (Debian's), and its default profile
	aa_container hvr-aa8 "lxc.apparmor.profile = generated" "lxc.apparmor.allow_nesting = 1"
	lxc-start -P "$(P)" -n hvr-aa8 -l INFO -o "$(P)/hvr-aa8.log"
	grep -q 'AppArmor is not enabled in the kernel: lxc.apparmor.profile "generated" ignored' "$(P)/hvr-aa8.log"
	run lxc-attach -P "$(P)" -n hvr-aa8 -- true
	[ "$status" -eq 0 ]
	lxc-stop -P "$(P)" -n hvr-aa8 -k
	sed -i 's/^lxc.apparmor.profile = .*/lxc.apparmor.profile = lxc-container-default-cgns/' "$(P)/hvr-aa8/config"
	run lxc-start -P "$(P)" -n hvr-aa8 -l INFO -o "$(P)/hvr-aa8.log"
	[ "$status" -eq 0 ]
	grep -q 'lxc.apparmor.profile "lxc-container-default-cgns" ignored' "$(P)/hvr-aa8.log"
	lxc-stop -P "$(P)" -n hvr-aa8 -k
}
