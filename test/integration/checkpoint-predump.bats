#!/usr/bin/env bats
# lxc-checkpoint -p (pre-dump: memory only, the container keeps running) and a final dump
# on top of it with --predump-dir: needs soft-dirty memory tracking, so it runs in the VM
# lane (make check-vm); here the kernel lacks it (checkpoint.bats checks the message).

load helpers

P() { echo "$LXC_TEST_PATH"; }

setup_file() {
	needs root criu
	export LXC_TEST_PATH=$(mktemp -d /tmp/hck-predump.XXXXXX)
	make_busybox hckp1
}

teardown_file() {
	lxc_cleanup_path
}

@test "pre-dump, then a dump on top of it with --predump-dir, then restore" {
	needs softdirty
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckp1
	run lxc-attach -P "$(P)" -n hckp1 -- sh -c 'head -c 200000 /dev/urandom > /tmp/blob && md5sum /tmp/blob > /tmp/sum'
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	# a process of the container's own session (reparented to its init)
	lxc-attach -P "$(P)" -n hckp1 -- setsid sh -c 'sleep 1000 </dev/null >/dev/null 2>&1 &'
	wait_until "lxc-attach -P '$(P)' -n hckp1 -- pidof sleep >/dev/null" 100
	sleeper=$(lxc-attach -P "$(P)" -n hckp1 -- pidof sleep)

	run lxc-checkpoint -P "$(P)" -n hckp1 -D "$d/pre" -p
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ -z "$output" ]
	[ "$(lxc-info -P "$(P)" -n hckp1 -s | awk '{print $2}')" = RUNNING ]
	grep -qx 'kind pre-dump' "$d/pre/lxc-checkpoint.meta"
	ls "$d/pre"/pages-*.img >/dev/null

	run lxc-checkpoint -P "$(P)" -n hckp1 -D "$d/final" -s --predump-dir=../pre
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(readlink "$d/final/parent")" = ../pre ]
	grep -qx 'parent ../pre' "$d/final/lxc-checkpoint.meta"
	# a pre-dump alone cannot be restored
	run lxc-checkpoint -P "$(P)" -n hckp1 -D "$d/pre" -r
	[ "$status" -eq 1 ]
	[[ "$output" == *"holds a pre-dump (memory only)"* ]]

	run lxc-checkpoint -P "$(P)" -n hckp1 -D "$d/final" -r
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	[ "$(lxc-attach -P "$(P)" -n hckp1 -- pidof sleep)" = "$sleeper" ]
	run lxc-attach -P "$(P)" -n hckp1 -- md5sum -c /tmp/sum
	[ "$status" -eq 0 ]
	lxc-stop -P "$(P)" -n hckp1 -k
}
