#!/usr/bin/env bats
# Interfaces moved into a running container (what lxc-device add/del does): the
# net_move_interface_in/out calls against a real container, and the monitor giving such
# interfaces back to the host when the container stops.

load helpers
load net-lib

# test/integration/net-move.c linked against the build's lib/ objects, once per run.
net_move_bin() {
	local out="$LXC_TOP/build/net-move" deps=/var/cache/lxc-static-deps
	if [ ! -x "$out" ] || [ "$LXC_TOP/test/integration/net-move.c" -nt "$out" ] || [ "$LXC_TOP/build/lxc" -nt "$out" ]; then
		musl-gcc -static -O2 -D_GNU_SOURCE -I"$LXC_TOP/lib" -I"$LXC_TOP/build" -isystem "$deps/include" \
			-isystem "$deps/kernel-headers" -Wl,--gc-sections "$LXC_TOP/test/integration/net-move.c" \
			"$LXC_TOP"/build/lib/*.o "$deps/lib/libseccomp.a" "$deps/lib/libcap.a" -o "$out" >&2
	fi
	echo "$out"
}

setup_file() {
	needs root
	hr_setup device
	NET_MOVE=$(net_move_bin)
	export NET_MOVE
	hr_create d1 <<-'EOF'
	lxc.net.0.type = empty
	EOF
}

teardown_file() {
	hr_teardown
}

setup() {
	ip -n "$HR_NS" link add hrdv0 type veth peer name hrdv1
	ip -n "$HR_NS" addr add 10.214.11.1/24 dev hrdv1
	ip -n "$HR_NS" link set hrdv1 up
	ip -n "$HR_NS" link set hrdv0 up
}

teardown() {
	lxc-stop -P "$LXC_TEST_PATH" -n d1 -k > /dev/null 2>&1 || true
	ip -n "$HR_NS" link del hrdv1 2>/dev/null || true
}

@test "move in under a new name (still up), use it, move it back out under its name" {
	hr_start d1
	pid=$(hr_pid d1)
	run in_ns "$NET_MOVE" in "$pid" hrdv0 eth5
	[ "$status" -eq 0 ]
	run ip -n "$HR_NS" link show hrdv0
	[ "$status" -ne 0 ]
	run in_ct d1 ip -o link show eth5
	[[ "$output" == *",UP"* ]]
	hr_attach d1 ip addr add 10.214.11.2/24 dev eth5
	run hr_attach d1 ping -c1 -W3 10.214.11.1
	[ "$status" -eq 0 ]
	run in_ns "$NET_MOVE" out "$pid" eth5 hrdv0
	[ "$status" -eq 0 ]
	run in_ct d1 ip -o link show eth5
	[ "$status" -ne 0 ]
	run ip -n "$HR_NS" -o link show hrdv0
	[ "$status" -eq 0 ]
	[[ "$output" == *",UP"* ]]
	hr_stop d1
}

@test "refusals: a name taken in the container, a missing interface, the loopback device" {
	hr_start d1
	pid=$(hr_pid d1)
	run in_ns "$NET_MOVE" in "$pid" hrdv0 lo
	[ "$status" -eq 1 ]
	[[ "$output" == *'an interface named "lo" already exists in the container'* ]]
	run in_ns "$NET_MOVE" in "$pid" hrnope0
	[ "$status" -eq 1 ]
	[[ "$output" == *'no such network interface "hrnope0" on the host'* ]]
	run in_ns "$NET_MOVE" out "$pid" lo
	[ "$status" -eq 1 ]
	[[ "$output" == *'loopback'* ]]
	# nothing moved
	ip -n "$HR_NS" link show hrdv0
	hr_stop d1
}

@test "an interface moved in comes back to the host when the container stops" {
	before=$(hr_links)
	hr_start d1
	in_ns "$NET_MOVE" in "$(hr_pid d1)" hrdv0
	hr_stop d1
	[ "$(hr_links)" = "$before" ]
	run ip -n "$HR_NS" -o link show hrdv0
	[ "$status" -eq 0 ]
}

@test "lxc-device add/del for interfaces: moved in renamed, moved back, back on the host after stop" {
	hr_start d1
	run in_ns lxc-device -P "$LXC_TEST_PATH" -n d1 add hrdv0 eth7
	[ "$status" -eq 0 ]
	run in_ct d1 ip -o link show eth7
	[ "$status" -eq 0 ]
	run in_ns lxc-device -P "$LXC_TEST_PATH" -n d1 del eth7 hrdv0
	[ "$status" -eq 0 ]
	ip -n "$HR_NS" link show hrdv0
	in_ns lxc-device -P "$LXC_TEST_PATH" -n d1 add hrdv0
	hr_stop d1
	ip -n "$HR_NS" link show hrdv0
}
