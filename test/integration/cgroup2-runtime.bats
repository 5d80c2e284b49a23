#!/usr/bin/env bats
# cgroup v2 with real containers (VM lane: a pure cgroup2 host): lxc.cgroup2.* limits that
# bite, the BPF device program, freezer, lxc-info's counters, lxc-cgroup, cleanup after a
# stop and after a killed monitor, and a writable cgroup2 subtree delegated to the container.

load helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/hvr-cg2.XXXXXX)
}

teardown_file() {
	lxc_cleanup_path
}

teardown() {
	[ -z "${loopdev:-}" ] || losetup -d "$loopdev" 2> /dev/null || true
	[ -z "${loopimg:-}" ] || rm -f "$loopimg"
}

P() { echo "$LXC_TEST_PATH"; }

# cg_container NAME [CONFIG LINE...]: a fresh busybox container with those config lines
cg_container() {
	local name=$1
	shift
	make_busybox "$name"
	for line in "$@"; do
		echo "$line" >> "$(P)/$name/config"
	done
}

init_pid() {
	lxc-info -P "$(P)" -n "$1" -p | awk '{ print $2 }'
}

# The cgroup2 directory of a process, on the host
cg_of() {
	echo "/sys/fs/cgroup$(awk -F: '$1 == 0 { print $3 }' "/proc/$1/cgroup")"
}

attach() {
	local name=$1
	shift
	lxc-attach -P "$(P)" -n "$name" -- "$@"
}

# A 16 MiB loop device (its block major:minor for io.max): $loopdev, $loopimg, $majmin
make_loop() {
	modprobe loop
	loopimg=$(mktemp /tmp/hvr-cg2-img.XXXXXX)
	truncate -s 16M "$loopimg"
	loopdev=$(losetup -f --show "$loopimg")
	majmin=$(cat "/sys/class/block/${loopdev#/dev/}/dev")
}

@test "cgroup2: memory.max, pids.max, cpu.max, cpuset.cpus and io.max are set and bite" {
	needs root cgroup2
	make_loop
	cg_container hvr-lim \
		"lxc.cgroup2.memory.max = 32M" \
		"lxc.cgroup2.memory.swap.max = 0" \
		"lxc.cgroup2.pids.max = 24" \
		"lxc.cgroup2.cpu.max = 50000 100000" \
		"lxc.cgroup2.cpuset.cpus = 0" \
		"lxc.cgroup2.io.max = $majmin wbps=1048576" \
		"lxc.mount.entry = $loopdev dev/hvr-loop none bind,create=file 0 0"
	lxc-start -P "$(P)" -n hvr-lim
	cg=$(cg_of "$(init_pid hvr-lim)")
	[[ "$cg" == */lxc.payload.hvr-lim ]]
	[ "$(cat "$cg/memory.max")" = 33554432 ]
	[ "$(cat "$cg/pids.max")" = 24 ]
	[ "$(cat "$cg/cpu.max")" = "50000 100000" ]
	[ "$(cat "$cg/cpuset.cpus")" = 0 ]
	[ "$(cat "$cg/io.max")" = "$majmin rbps=max wbps=1048576 riops=max wiops=max" ]
	# inside: one CPU; an allocation beyond memory.max is killed; forks beyond pids.max fail
	run attach hvr-lim sh -c 'grep Cpus_allowed_list /proc/self/status'
	[[ "$output" == *$'\t'0 ]]
	# (one read(2) into a 64 MiB buffer: the kernel charges it page by page with nothing
	# to refault meanwhile, so the OOM killer comes at once; a process growing its buffer
	# step by step can make the memcg thrash for minutes under TCG)
	run attach hvr-lim dd if=/dev/zero of=/dev/null bs=64M count=1
	[ "$status" -eq 137 ]
	[ "$(awk '$1 == "oom_kill" { print $2 }' "$cg/memory.events")" -ge 1 ]
	run attach hvr-lim sh -c 'for i in $(seq 30); do sleep 3 & done; wait'
	[ "$status" -ne 0 ]
	[ "$(awk '$1 == "max" { print $2 }' "$cg/pids.events")" -ge 1 ]
	# 3 MiB of direct writes at 1 MiB/s take over a second
	t0=$(date +%s%N)
	attach hvr-lim dd if=/dev/zero of=/dev/hvr-loop bs=1M count=3 oflag=direct
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 1500 ]
	# ... and lxc-info counts them (io.stat)
	run lxc-info -P "$(P)" -n hvr-lim -S
	blkio=$(awk '/^BlkIO use:/ { print $3 }' <<< "$output")
	[ "${blkio%.*}" -ge 3 ]
	[[ "$output" == *"BlkIO use:"*"MiB"* ]]
	lxc-stop -P "$(P)" -n hvr-lim -k
}

@test "cgroup2: the BPF device program allows what the rules allow; a denied device fails even after mknod" {
	needs root cgroup2
	cg_container hvr-dev \
		"lxc.cgroup2.devices.deny = a" \
		"lxc.cgroup2.devices.allow = c *:* m" \
		"lxc.cgroup2.devices.allow = b *:* m" \
		"lxc.cgroup2.devices.allow = c 1:3 rwm" \
		"lxc.cgroup2.devices.allow = c 1:5 rwm" \
		"lxc.cgroup2.devices.allow = c 1:9 rwm" \
		"lxc.cgroup2.devices.allow = c 5:0 rwm" \
		"lxc.cgroup2.devices.allow = c 5:1 rwm" \
		"lxc.cgroup2.devices.allow = c 5:2 rwm" \
		"lxc.cgroup2.devices.allow = c 136:* rwm"
	lxc-start -P "$(P)" -n hvr-dev
	run attach hvr-dev sh -c 'echo x > /dev/null && head -c 5 /dev/zero | wc -c && head -c 5 /dev/urandom | wc -c'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 5 ]
	[ "${lines[1]}" = 5 ]
	# /dev/full (1:7) exists (autodev) but is not allowed
	run attach hvr-dev sh -c 'echo x > /dev/full'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	# mknod is allowed ("m"), opening the node is not: /dev/mem, and a block device
	run attach hvr-dev sh -c 'mknod /tmp/hvr-mem c 1 1 && mknod /tmp/hvr-blk b 7 0 && echo made'
	[ "$output" = made ]
	run attach hvr-dev head -c 1 /tmp/hvr-mem
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	run attach hvr-dev head -c 1 /tmp/hvr-blk
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	lxc-stop -P "$(P)" -n hvr-dev -k
}

@test "cgroup2: lxc-freeze and lxc-unfreeze use cgroup.freeze" {
	needs root cgroup2
	cg_container hvr-frz
	lxc-start -P "$(P)" -n hvr-frz
	cg=$(cg_of "$(init_pid hvr-frz)")
	lxc-freeze -P "$(P)" -n hvr-frz
	[ "$(lxc-info -P "$(P)" -n hvr-frz -s)" = "State:          FROZEN" ]
	[ "$(cat "$cg/cgroup.freeze")" = 1 ]
	grep -qx 'frozen 1' "$cg/cgroup.events"
	lxc-unfreeze -P "$(P)" -n hvr-frz
	[ "$(lxc-info -P "$(P)" -n hvr-frz -s)" = "State:          RUNNING" ]
	grep -qx 'frozen 0' "$cg/cgroup.events"
	run attach hvr-frz echo thawed
	[ "$output" = thawed ]
	lxc-stop -P "$(P)" -n hvr-frz -k
}

@test "cgroup2: lxc-info shows CPU and memory use; lxc-cgroup reads and writes v2 files" {
	needs root cgroup2
	cg_container hvr-inf
	lxc-start -P "$(P)" -n hvr-inf
	attach hvr-inf sh -c 'i=0; while [ $i -lt 30000 ]; do i=$((i + 1)); done'
	run lxc-info -P "$(P)" -n hvr-inf -S
	[ "$status" -eq 0 ]
	cpu=$(awk '/^CPU use:/ { print $3 }' <<< "$output")
	mem=$(awk '/^Memory use:/ { print $3 }' <<< "$output")
	[[ "$output" == *"BlkIO use:"* ]]
	awk -v c="$cpu" -v m="$mem" 'BEGIN { exit !(c > 0 && m > 0) }'
	run lxc-cgroup -P "$(P)" -n hvr-inf memory.max 64M
	[ "$status" -eq 0 ]
	run lxc-cgroup -P "$(P)" -n hvr-inf memory.max
	[ "$output" = 67108864 ]
	run lxc-cgroup -P "$(P)" -n hvr-inf pids.current
	[ "$output" -ge 1 ]
	run lxc-cgroup -P "$(P)" -n hvr-inf ../memory.max
	[ "$status" -eq 1 ]
	lxc-stop -P "$(P)" -n hvr-inf -k
}

@test "cgroup2: stop removes the payload and monitor cgroups" {
	needs root cgroup2
	cg_container hvr-stp
	lxc-start -P "$(P)" -n hvr-stp
	pid=$(init_pid hvr-stp)
	cg=$(cg_of "$pid")
	mon=$(cg_of "$(awk '{ print $4 }' "/proc/$pid/stat")")
	[[ "$mon" == */lxc.monitor.hvr-stp ]]
	[ -d "$cg" ] && [ -d "$mon" ]
	lxc-stop -P "$(P)" -n hvr-stp
	[ ! -d "$cg" ] && [ ! -d "$mon" ]
	[ -z "$(find /sys/fs/cgroup -name '*hvr-stp*')" ]
}

@test "cgroup2: a killed monitor (kill -9) leaves no cgroup, nor do a killed monitor and guard" {
	needs root cgroup2
	cg_container hvr-kil
	lxc-start -P "$(P)" -n hvr-kil
	pid=$(init_pid hvr-kil)
	monitor=$(awk '{ print $4 }' "/proc/$pid/stat")
	cg=$(cg_of "$pid")
	mon=$(cg_of "$monitor")
	kill -9 "$monitor"
	wait_until "[ ! -d /proc/$pid ]"
	wait_until "[ ! -d $cg ] && [ ! -d $mon ]"
	[ "$(lxc-info -P "$(P)" -n hvr-kil -s)" = "State:          STOPPED" ]
	# both: nothing is left to clean up but the state file; the next start does it
	lxc-start -P "$(P)" -n hvr-kil
	pid=$(init_pid hvr-kil)
	monitor=$(awk '{ print $4 }' "/proc/$pid/stat")
	guard=$(guard_of "$monitor")
	kill -9 "$guard" "$monitor"
	wait_until "[ ! -d /proc/$pid ]"
	[ "$(lxc-info -P "$(P)" -n hvr-kil -s)" = "State:          STOPPED" ]
	lxc-start -P "$(P)" -n hvr-kil
	[ "$(cg_of "$(init_pid hvr-kil)")" = "$cg" ]
	lxc-stop -P "$(P)" -n hvr-kil -k
	[ -z "$(find /sys/fs/cgroup -name '*hvr-kil*')" ]
}

@test "cgroup2: delegation: cgroup:rw and cgroup:mixed give a writable cgroup2 subtree in a cgroup namespace" {
	needs root cgroup2
	for mode in rw mixed; do
		cg_container "hvr-del-$mode" "lxc.mount.auto = cgroup:$mode proc:mixed sys:ro"
		lxc-start -P "$(P)" -n "hvr-del-$mode"
		cg=$(cg_of "$(init_pid "hvr-del-$mode")")
		run attach "hvr-del-$mode" sh -c 'grep " /sys/fs/cgroup " /proc/mounts; cat /proc/self/cgroup'
		[[ "${lines[0]}" == "cgroup2 /sys/fs/cgroup cgroup2 rw,"* ]]
		[ "${lines[1]}" = "0::/" ]
		# a sub-cgroup, and a process moved into it
		run attach "hvr-del-$mode" sh -c \
			'mkdir /sys/fs/cgroup/hvr-sub && echo $$ > /sys/fs/cgroup/hvr-sub/cgroup.procs && cat /proc/self/cgroup'
		[ "$status" -eq 0 ]
		[ "$output" = "0::/hvr-sub" ]
		[ -d "$cg/hvr-sub" ]
		# the container's own limits stay the host's (nsdelegate)
		run attach "hvr-del-$mode" sh -c 'echo 1G > /sys/fs/cgroup/memory.max'
		[ "$status" -ne 0 ]
		[ "$(cat "$cg/memory.max")" = max ]
		lxc-stop -P "$(P)" -n "hvr-del-$mode" -k
		[ ! -d "$cg" ]
	done
	# cgroup:ro is read-only
	cg_container hvr-del-ro "lxc.mount.auto = cgroup:ro proc:mixed sys:ro"
	lxc-start -P "$(P)" -n hvr-del-ro
	run attach hvr-del-ro mkdir /sys/fs/cgroup/hvr-sub
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	lxc-stop -P "$(P)" -n hvr-del-ro -k
}

@test "cgroup2: delegation: a container starts a nested container in its subtree; attach still works" {
	needs root cgroup2
	# the outer init moves itself to a leaf (cgroup v2 has no internal processes; the name
	# systemd gives it, which LXC looks past), then starts the inner container with this binary
	cg_container hvr-nest "lxc.mount.auto = cgroup:rw proc:mixed sys:ro" \
		"lxc.mount.entry = $LXC_BIN bin/lxc none ro,bind,create=file 0 0" \
		"lxc.init.cmd = /bin/sh /hvr-nest.sh" "lxc.pty.max = 64"
	cat > "$(P)/hvr-nest/rootfs/hvr-nest.sh" <<-'EOF2'
	exec > /hvr-nest.log 2>&1
	set -ex
	mkdir /sys/fs/cgroup/init.scope
	echo $$ > /sys/fs/cgroup/init.scope/cgroup.procs
	mkdir -p /run /var/lib/lxc
	mount -t tmpfs hvr-run /run
	lxc create -n inner -t busybox
	lxc start -n inner
	touch /hvr-nest.ready
	exec sleep 100000
	EOF2
	lxc-start -P "$(P)" -n hvr-nest
	rootfs="$(P)/hvr-nest/rootfs"
	wait_until '[ -e "$rootfs/hvr-nest.ready" ] || ! lxc-info -P "$(P)" -n hvr-nest -s | grep -q RUNNING' 600
	cat "$rootfs/hvr-nest.log"
	[ -e "$rootfs/hvr-nest.ready" ]
	cg=$(cg_of "$(init_pid hvr-nest)")
	[[ "$cg" == */lxc.payload.hvr-nest/init.scope ]]
	cg=${cg%/init.scope}
	# the inner container's cgroups, below the outer's, with their own controllers
	[ -n "$(cat "$cg/lxc.payload.inner/cgroup.procs")" ]
	[ -d "$cg/lxc.monitor.inner" ]
	[[ " $(cat "$cg/cgroup.subtree_control") " == *" memory "* ]]
	# attach to the outer one lands in its ".lxc" leaf, then into the inner one
	run attach hvr-nest cat /proc/self/cgroup
	[ "$output" = "0::/.lxc" ]
	run attach hvr-nest lxc attach -n inner -- cat /proc/self/cgroup
	[ "$output" = "0::/" ]
	lxc-stop -P "$(P)" -n hvr-nest -k
	[ ! -d "$cg" ]
}

@test "cgroup namespace: the container sees its own cgroup as the root, in every hierarchy" {
	needs root
	cg_container hvr-cns
	lxc-start -P "$(P)" -n hvr-cns
	run attach hvr-cns cat /proc/1/cgroup /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	# "N:controllers:/" for each: nothing above the container's cgroup shows
	[ -z "$(grep -v ':/$' <<< "$output")" ]
	lxc-stop -P "$(P)" -n hvr-cns -k
}
