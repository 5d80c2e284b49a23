#!/usr/bin/env bats
# lxc-config: the system configuration keys, defaults, and a custom lxc.conf.

load helpers

setup() {
	export LXC_SYSTEM_CONF=$(mktemp)
}

teardown() {
	rm -f "$LXC_SYSTEM_CONF"
}

@test "lxc-config -l lists LXC's system keys in LXC's order" {
	run lxc-config -l
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "lxc.default_config" ]
	[ "${lines[1]}" = "lxc.lxcpath" ]
	[ "${lines[2]}" = "lxc.bdev.lvm.vg" ]
	[ "${lines[3]}" = "lxc.bdev.lvm.thin_pool" ]
	[ "${lines[4]}" = "lxc.bdev.zfs.root" ]
	[ "${lines[5]}" = "lxc.cgroup.use" ]
	[ "${lines[6]}" = "lxc.cgroup.pattern" ]
}

@test "defaults without a system config" {
	rm -f "$LXC_SYSTEM_CONF"
	run lxc-config lxc.lxcpath
	[ "$output" = "/var/lib/lxc" ]
	run lxc-config lxc.default_config
	[ "$output" = "/etc/lxc/default.conf" ]
	run lxc-config lxc.bdev.lvm.vg
	[ "$output" = "lxc" ]
	run lxc-config lxc.cgroup.pattern
	[ "$output" = "lxc.cgroup.pattern is not set." ]
}

@test "values come from the system config" {
	printf '# comment\nlxc.lxcpath = /srv/lxc\nlxc.cgroup.pattern = lxc/%%n\n' > "$LXC_SYSTEM_CONF"
	run lxc-config lxc.lxcpath
	[ "$output" = "/srv/lxc" ]
	run lxc-config lxc.cgroup.pattern
	[ "$output" = "lxc/%n" ]
}

@test "a bad system config line names file and line" {
	printf 'lxc.lxcpath = /srv\nlxc.bogus = 1\n' > "$LXC_SYSTEM_CONF"
	run lxc-config lxc.lxcpath
	[ "$status" -eq 1 ]
	[[ "$output" == *"$LXC_SYSTEM_CONF:2: lxc.bogus: unknown key"* ]]
}

@test "unknown item exits 1" {
	run lxc-config lxc.nope
	[ "$status" -eq 1 ]
	[ "$output" = "Unknown configuration item: lxc.nope" ]
}
