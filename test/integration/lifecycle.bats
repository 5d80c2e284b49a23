#!/usr/bin/env bats
# The container lifecycle with the real binary: create (built-in busybox template),
# start, info, ls, attach, execute, freeze, cgroup, wait, monitor, stop, destroy.

load helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/lxc-life.XXXXXX)
	make_busybox c1
}

teardown_file() {
	lxc_cleanup_path
}

# a failed test leaves neither its background processes nor c1 running to the next one
teardown() {
	[ -z "${mon:-}" ] || kill "$mon" 2>/dev/null || true
	lxc-stop -P "$(P)" -n c1 -k >/dev/null 2>&1 || true
}

P() { echo "$LXC_TEST_PATH"; }

@test "create: busybox rootfs, config with LXC's header and keys" {
	[ -x "$(P)/c1/rootfs/bin/busybox" ]
	[ -e "$(P)/c1/rootfs/sbin/init" ]
	[ -L "$(P)/c1/rootfs/bin/sh" ]
	run head -n 1 "$(P)/c1/config"
	[[ "$output" == "# Template used to create this container: "*lxc-busybox ]]
	grep -q "^lxc.rootfs.path = dir:$(P)/c1/rootfs$" "$(P)/c1/config"
	grep -q '^lxc.uts.name = "c1"$' "$(P)/c1/config"
	grep -q '^lxc.mount.auto = cgroup:mixed proc:mixed sys:ro$' "$(P)/c1/config"
}

@test "create: an existing name is refused" {
	run lxc-create -P "$(P)" -n c1 -t busybox
	[ "$status" -eq 1 ]
	[[ "$output" == *"Container already exists"* ]]
}

@test "create: unsafe names are refused and create nothing" {
	for bad in "a/b" ".." "../x" ".hidden" "-x" "sp ace"; do
		run lxc-create -P "$(P)" -n "$bad" -t busybox
		[ "$status" -eq 1 ]
	done
	[ ! -e "$(P)/a" ]
	[ "$(ls "$(P)")" = "c1" ]
}

@test "create: unknown template creates nothing" {
	run lxc-create -P "$(P)" -n nope -t no-such-template
	[ "$status" -eq 1 ]
	[[ "$output" == *'template "no-such-template" not found'* ]]
	[ ! -e "$(P)/nope" ]
}

@test "create: a failing template leaves no directory behind" {
	t=$(mktemp)
	printf '#!/bin/sh\necho "args: $*" >&2\nmkdir -p "${3#--rootfs=}/partial"\nexit 3\n' > "$t"
	chmod +x "$t"
	run lxc-create -P "$(P)" -n failing -t "$t" -- --custom
	rm -f "$t"
	[ "$status" -eq 1 ]
	[[ "$output" == *"failed (exit status 3)"* ]]
	[ ! -e "$(P)/failing" ]
}

@test "create: a template script gets LXC's arguments" {
	t=$(mktemp)
	printf '#!/bin/sh\necho "$@" > "${1#--path=}/args"\n' > "$t"
	chmod +x "$t"
	run lxc-create -P "$(P)" -n scripted -t "$t" -- -r 7 --flag
	rm -f "$t"
	[ "$status" -eq 0 ]
	[ "$(cat "$(P)/scripted/args")" = "--path=$(P)/scripted --name=scripted --rootfs=$(P)/scripted/rootfs -r 7 --flag" ]
	lxc-destroy -P "$(P)" -n scripted
	[ ! -e "$(P)/scripted" ]
}

@test "lxc-info on a stopped container; missing container" {
	run lxc-info -P "$(P)" -n c1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Name:           c1" ]
	[ "${lines[1]}" = "State:          STOPPED" ]
	run lxc-info -P "$(P)" nosuch
	[ "$status" -eq 1 ]
	[ "$output" = "nosuch doesn't exist" ]
}

@test "start, info, ls, attach, stop" {
	run lxc-start -P "$(P)" -n c1
	[ "$status" -eq 0 ]
	run lxc-info -P "$(P)" -n c1 -s
	[ "$output" = "State:          RUNNING" ]
	run lxc-info -P "$(P)" -n c1 -p
	[[ "$output" =~ ^PID:\ +[0-9]+$ ]]
	pid=${output##* }
	[ -d "/proc/$pid" ]
	run lxc-ls -P "$(P)" --running
	[ "$output" = "c1 " ]
	run lxc-ls -P "$(P)" -1
	[ "$output" = "c1" ]
	run lxc-attach -P "$(P)" -n c1 -- /bin/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "c1" ]
	run lxc-attach -P "$(P)" -n c1 -- /bin/sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run lxc-stop -P "$(P)" -n c1 -t 10
	[ "$status" -eq 0 ]
	run lxc-info -P "$(P)" -n c1 -s
	[ "$output" = "State:          STOPPED" ]
	[ ! -d "/proc/$pid" ] || ! grep -q busybox "/proc/$pid/cmdline" 2>/dev/null
}

@test "lxc-stop on a stopped container exits 2" {
	run lxc-stop -P "$(P)" -n c1
	[ "$status" -eq 2 ]
	[[ "$output" == *"c1 is not running"* ]]
}

@test "two starts: exactly one wins" {
	a=0 b=0
	# by pid: under BATS_TEST_TIMEOUT, bats's own countdown is job %1
	lxc-start -P "$(P)" -n c1 &
	p1=$!
	lxc-start -P "$(P)" -n c1 &
	p2=$!
	wait "$p1" || a=$?
	wait "$p2" || b=$?
	[ $((a + b)) -eq 1 ]
	run lxc-start -P "$(P)" -n c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"already running"* ]]
	lxc-stop -P "$(P)" -n c1 -k
}

@test "lxc-ls -f: LXC's columns and padding; --format json" {
	lxc-start -P "$(P)" -n c1
	run lxc-ls -P "$(P)" -f
	[ "${lines[0]}" = "NAME STATE   AUTOSTART GROUPS IPV4 IPV6 UNPRIVILEGED " ]
	[ "${lines[1]}" = "c1   RUNNING 0         -      -    -    false        " ]
	run lxc-ls -P "$(P)" -F NAME,STATE,PID
	[[ "${lines[1]}" =~ ^c1\ +RUNNING\ [0-9]+\ $ ]]
	run lxc-ls -P "$(P)" -F NAME,BOGUS
	[ "$status" -eq 0 ]
	[ "$output" = "Invalid key: BOGUS" ]
	run lxc-ls -P "$(P)" --format json
	[[ "$output" == '[{"name":"c1","state":"RUNNING","pid":'* ]]
	run lxc-ls -P "$(P)" --stopped
	[ "$output" = "" ]
	run lxc-ls -P "$(P)" --filter '^c'
	[ "$output" = "c1 " ]
	run lxc-ls -P "$(P)" --filter '^x'
	[ "$output" = "" ]
	lxc-stop -P "$(P)" -n c1 -k
}

@test "lxc-info -c reads config keys; --format json" {
	run lxc-info -P "$(P)" -n c1 -c lxc.uts.name
	[ "$output" = "lxc.uts.name = c1" ]
	lxc-start -P "$(P)" -n c1
	run lxc-info -P "$(P)" -n c1 --format json
	[[ "$output" == '{"name":"c1","state":"RUNNING","pid":'* ]]
	run lxc-info -P "$(P)" -n c1 -S -H
	[[ "$output" == *"Memory use:"* ]]
	lxc-stop -P "$(P)" -n c1 -k
}

@test "freeze and unfreeze" {
	lxc-start -P "$(P)" -n c1
	run lxc-freeze -P "$(P)" -n c1
	[ "$status" -eq 0 ]
	run lxc-info -P "$(P)" -n c1 -s
	[ "$output" = "State:          FROZEN" ]
	run lxc-unfreeze -P "$(P)" -n c1
	[ "$status" -eq 0 ]
	run lxc-info -P "$(P)" -n c1 -s
	[ "$output" = "State:          RUNNING" ]
	lxc-stop -P "$(P)" -n c1 -k
}

@test "lxc-cgroup reads and writes the container's cgroup" {
	needs cgroup1
	lxc-start -P "$(P)" -n c1
	run lxc-cgroup -P "$(P)" -n c1 memory.limit_in_bytes 67108864
	[ "$status" -eq 0 ]
	run lxc-cgroup -P "$(P)" -n c1 memory.limit_in_bytes
	[ "$output" = "67108864" ]
	run lxc-cgroup -P "$(P)" -n c1 ../../x
	[ "$status" -eq 1 ]
	lxc-stop -P "$(P)" -n c1 -k
}

@test "lxc-wait returns when the state is reached, times out otherwise" {
	run lxc-wait -P "$(P)" -n c1 -s STOPPED -t 1
	[ "$status" -eq 0 ]
	run lxc-wait -P "$(P)" -n c1 -s RUNNING -t 1
	[ "$status" -eq 1 ]
	( sleep 0.5; lxc-start -P "$(P)" -n c1 ) &
	starter=$!
	start=$(date +%s%N)
	run lxc-wait -P "$(P)" -n c1 -s 'RUNNING|FROZEN' -t 10
	[ "$status" -eq 0 ]
	wait "$starter" # (a bare wait would also wait for bats's BATS_TEST_TIMEOUT countdown)
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 5000 ]
	lxc-stop -P "$(P)" -n c1 -k
	run lxc-wait -P "$(P)" -n c1 -s BOGUS
	[ "$status" -eq 1 ]
}

@test "lxc-monitor prints state changes as LXC does" {
	out=$(mktemp)
	lxc-monitor -P "$(P)" -n 'c.*' > "$out" &
	mon=$!
	sleep 0.3
	lxc-start -P "$(P)" -n c1
	lxc-stop -P "$(P)" -n c1 -k
	sleep 0.3
	kill $mon; wait $mon || true
	grep -q "^'c1' changed state to \[STARTING\]$" "$out"
	grep -q "^'c1' changed state to \[RUNNING\]$" "$out"
	grep -q "^'c1' changed state to \[STOPPED\]$" "$out"
	grep -q "^'c1' exited with status \[" "$out"
	rm -f "$out"
}

@test "lxc-execute: exit status propagated, init is our memfd binary" {
	run lxc-execute -P "$(P)" -n c1 -- /bin/sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run lxc-execute -P "$(P)" -n c1 -- /bin/sh -c 'readlink /proc/1/exe; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/memfd:"* ]]
	[[ "${lines[1]}" == "lxc-init -- /bin/sh -c"* ]]
	run lxc-execute -P "$(P)" -n c1 -- /bin/echo hello
	[ "$output" = "hello" ]
}

@test "lxc-destroy refuses a running container without -f" {
	lxc-start -P "$(P)" -n c1
	run lxc-destroy -P "$(P)" -n c1
	[ "$status" -eq 1 ]
	[ -d "$(P)/c1" ]
	make_busybox c2
	lxc-start -P "$(P)" -n c2
	run lxc-destroy -P "$(P)" -n c2 -f
	[ "$status" -eq 0 ]
	[ ! -e "$(P)/c2" ]
	lxc-stop -P "$(P)" -n c1 -k
}

@test "a killed monitor takes the container down and leaves nothing" {
	lxc-start -P "$(P)" -n c1
	pid=$(lxc-info -P "$(P)" -n c1 -p | awk '{print $2}')
	monitor=$(awk '{print $4}' /proc/$pid/stat)
	cg=$(awk -F: '$2 == "memory" {print $3}' /proc/$pid/cgroup)
	[ -d "/sys/fs/cgroup/memory$cg" ]
	kill -9 "$monitor"
	wait_until "[ ! -d /proc/$pid ]"
	wait_until "[ \"\$(lxc-info -P $(P) -n c1 -s)\" = 'State:          STOPPED' ]"
	wait_until "[ ! -d /sys/fs/cgroup/memory$cg ]"
	run lxc-ls -P "$(P)" --stopped
	[[ "$output" == *c1* ]]
	# and it starts again
	run lxc-start -P "$(P)" -n c1
	[ "$status" -eq 0 ]
	lxc-stop -P "$(P)" -n c1 -k
}
