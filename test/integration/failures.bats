#!/usr/bin/env bats
# Failed starts: one clear line naming the step and the path, exit 1, and nothing left
# behind (runtime dir, lock, event dir, cgroups, mounts, veths); unknown names create
# nothing; a monitor killed together with its guard is cleaned up by the next start.

load helpers
load runtime_helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/hsc-fail.XXXXXX)
	make_default hscf
	cp "$LXC_TEST_PATH/hscf/config" "$LXC_TEST_PATH/config.orig"
	printf '2\ndenylist\n[all]\nkexec_load bogus\n' > "$LXC_TEST_PATH/bad.seccomp"
}

teardown_file() {
	lxc_cleanup_path
}

P() { echo "$LXC_TEST_PATH"; }

# Start hscf with the extra config lines $1 (printf format); it must fail with exactly
# one line of output that contains $2, and leave nothing behind.
fails_cleanly() {
	cp "$(P)/config.orig" "$(P)/hscf/config"
	printf "$1\n" >> "$(P)/hscf/config"
	before=$(awk '{ print $5 }' /proc/self/mountinfo | sort)
	run lxc-start -P "$(P)" -n hscf
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "lxc-start: hscf: "*$2* ]]
	run leftovers "$(P)" hscf
	echo "$output"
	[ -z "$output" ]
	# no mount of the failed start reached the host's mount table
	[ "$(awk '{ print $5 }' /proc/self/mountinfo | sort | comm -13 <(echo "$before") - | grep -c "$(P)")" -eq 0 ]
	run lxc-info -P "$(P)" -n hscf -s
	[ "$output" = "State:          STOPPED" ]
}

@test "failed start: bad config key" {
	fails_cleanly 'lxc.bogus = 1' "$(P)/hscf/config:"*"lxc.bogus"
}

@test "failed start: bad config value" {
	fails_cleanly 'lxc.cap.drop = no_such_cap' "lxc.cap.drop"*"no_such_cap"
}

@test "failed start: missing rootfs" {
	fails_cleanly 'lxc.rootfs.path = /nonexistent/hsc-rootfs' 'lxc.rootfs.path: "/nonexistent/hsc-rootfs"'
}

@test "failed start: failing pre-start hook (host, before clone)" {
	fails_cleanly 'lxc.hook.pre-start = /bin/false' 'pre-start hook "/bin/false" failed'
}

@test "failed start: failing mount hook (in the container's mount namespace)" {
	fails_cleanly 'lxc.hook.mount = /bin/false' 'mount hook "/bin/false" failed'
}

@test "failed start: failing start hook, after cgroups and a veth exist" {
	fails_cleanly 'lxc.net.0.type = veth\nlxc.net.0.veth.pair = hscfv0\nlxc.hook.start = /bin/false' \
		'start hook "/bin/false" failed'
}

@test "failed start: mount error, after cgroups and a veth exist" {
	fails_cleanly 'lxc.net.0.type = veth\nlxc.net.0.veth.pair = hscfv1\nlxc.mount.entry = /nonexistent-hsc mnt none bind 0 0' \
		'lxc.mount.entry'*'"/nonexistent-hsc" on "'"$(P)"'/hscf/rootfs/mnt"'
}

@test "failed start: missing seccomp profile" {
	fails_cleanly 'lxc.seccomp.profile = /nonexistent/hsc.seccomp' '"/nonexistent/hsc.seccomp"'
}

@test "failed start: seccomp profile with a bad line" {
	fails_cleanly "lxc.seccomp.profile = $(P)/bad.seccomp" "$(P)/bad.seccomp:4: unknown action \"bogus\""
}

@test "failed start: cgroup setting the kernel refuses" {
	needs cgroup1
	fails_cleanly 'lxc.cgroup.memory.hsc_no_such_file = 1' 'lxc.cgroup.memory.hsc_no_such_file'
}

@test "failed start: init command that does not exist" {
	fails_cleanly 'lxc.init.cmd = /nonexistent/init' '"/nonexistent/init"'
}

@test "failed start: lxc.init.cwd that does not exist" {
	fails_cleanly 'lxc.init.cwd = /nonexistent' 'lxc.init.cwd'*'"/nonexistent"'
}

@test "failed start: missing bridge for a veth" {
	fails_cleanly 'lxc.net.0.type = veth\nlxc.net.0.link = hscnobr0' 'lxc.net.0.link'*'"hscnobr0"'
}

@test "failed start in the foreground (lxc-start -F, lxc-execute): still one line" {
	cp "$(P)/config.orig" "$(P)/hscf/config"
	printf 'lxc.mount.entry = /nonexistent-hsc mnt none bind 0 0\n' >> "$(P)/hscf/config"
	run lxc-start -F -P "$(P)" -n hscf < /dev/null
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "lxc-start: hscf: lxc.mount.entry"*"/nonexistent-hsc"* ]]
	run lxc-execute -P "$(P)" -n hscf -- /bin/true
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "lxc-execute: hscf: lxc.mount.entry"*"/nonexistent-hsc"* ]]
	run leftovers "$(P)" hscf
	[ -z "$output" ]
}

@test "after the failures the container still starts and stops cleanly" {
	cp "$(P)/config.orig" "$(P)/hscf/config"
	lxc-start -P "$(P)" -n hscf
	run lxc-info -P "$(P)" -n hscf -s
	[ "$output" = "State:          RUNNING" ]
	lxc-stop -P "$(P)" -n hscf -k
	run leftovers "$(P)" hscf
	echo "$output"
	[ -z "$output" ]
}

@test "unknown names create nothing (start, info, stop, attach, console, execute, wait, freeze, cgroup)" {
	before=$(cd "$(P)" && find . | sort)
	for tool in start info stop attach console execute freeze unfreeze "cgroup memory.limit_in_bytes"; do
		run lxc-$tool -P "$(P)" -n hsc-typo
		echo "lxc-$tool: $status: $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"hsc-typo doesn't exist"* ]]
	done
	run lxc-wait -P "$(P)" -n hsc-typo -s RUNNING -t 0
	[ "$status" -ne 0 ]
	run lxc-start -P "$(P)" -n hsc-typo -F -- /bin/true
	[[ "$output" == *"hsc-typo doesn't exist"* ]]
	[ "$(cd "$(P)" && find . | sort)" = "$before" ]
	run leftovers "$(P)" hsc-typo
	echo "$output"
	[ -z "$output" ]
}

@test "a monitor killed together with its guard: the next start cleans up and starts" {
	cp "$(P)/config.orig" "$(P)/hscf/config"
	lxc-start -P "$(P)" -n hscf
	pid=$(init_pid hscf)
	[ -n "$pid" ]
	monitor=$(awk '{ print $4 }' /proc/$pid/stat)
	guard=$(guard_of "$monitor")
	grep -q lxc-start /proc/$monitor/cmdline
	grep -q lxc-start /proc/$guard/cmdline
	kill -9 "$guard" "$monitor"
	wait_until "[ ! -d /proc/$pid ]"
	run lxc-info -P "$(P)" -n hscf -s
	[ "$output" = "State:          STOPPED" ]
	run lxc-ls -P "$(P)" --stopped
	[[ "$output" == *hscf* ]]
	# what the dead monitor left: its state file and its cgroups
	[ -e "/run/lxc/c/$(runtime_hash "$(P)" hscf).state" ]
	run lxc-start -P "$(P)" -n hscf
	[ "$status" -eq 0 ]
	# the stale cgroups were removed and reused, not sidestepped with a "-1" suffix
	run find /sys/fs/cgroup -maxdepth 6 -type d -name 'lxc.payload.hscf*'
	[[ "$output" != *"lxc.payload.hscf-"* ]]
	lxc-stop -P "$(P)" -n hscf -k
	run leftovers "$(P)" hscf
	echo "$output"
	[ -z "$output" ]
}
