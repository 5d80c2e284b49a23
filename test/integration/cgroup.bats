#!/usr/bin/env bats
# The cgroup v2 half of lib/cgroup*.c on a pure cgroup2 kernel (VM lane): runs the unit
# tests named cgroup_v2_* from build/unit-tests (test/check.sh builds it in the unit lane,
# which runs before this one). On a pure v2 host none of them may skip.

load helpers

unit_v2() {
	needs root cgroup2
	bin="$LXC_TOP/build/unit-tests"
	[ -x "$bin" ] || skip "build/unit-tests is missing (run test/check.sh unit first)"
	run "$bin" "$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ok 1 $1"* ]]
	[[ "$output" != *"not ok"* ]]
	[[ "$output" != *"# skip"* ]]
}

@test "cgroup2: BPF device program is loaded, attached, replaced and detached" {
	unit_v2 cgroup_v2_bpf_device_program
}

@test "cgroup2: container lifecycle (device rules, lxc-device, freezer, cpu.stat, cgroup.kill)" {
	unit_v2 cgroup_v2_lifecycle
}

@test "cgroup2: lxc.cgroup.devices.* rules become the BPF program" {
	unit_v2 cgroup_v2_translates_v1_device_rules
}

@test "cgroup2: lxc.cgroup2.memory.max / pids.max are applied; bad values are named" {
	unit_v2 cgroup_v2_settings
}

@test "cgroup2: monitor leaves its cgroup before it is removed" {
	unit_v2 cgroup_v2_monitor_pivot
}

@test "cgroup2: leftovers of a crashed monitor are killed and removed" {
	unit_v2 cgroup_v2_cleanup_stale
}

@test "cgroup2: lxc.mount.auto cgroup mounts" {
	unit_v2 cgroup_v2_mount_auto
}
