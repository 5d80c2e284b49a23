#!/usr/bin/env bats
# Nothing a container's network made outlives it: after a normal stop, after a start that
# fails at any step once devices exist, after kill -9 of the monitor (its guard undoes
# it), and after kill -9 of monitor and guard (the next start undoes it).

load helpers
load net-lib

setup_file() {
	needs root
	hr_setup clean
	ip -n "$HR_NS" link add hrbr4 type bridge
	ip -n "$HR_NS" addr add 10.214.4.1/24 dev hrbr4
	ip -n "$HR_NS" link set hrbr4 up
	ip -n "$HR_NS" link add hrcm0 type veth peer name hrcm1
	ip -n "$HR_NS" link set hrcm0 up
}

teardown_file() {
	hr_teardown
}

# Three NICs: two veths on the bridge (one named), a macvlan; script.down logs.
make_ct() {
	local name=$1
	shift
	printf '#!/bin/sh\necho "down $*" >> %s/%s.down\no=$(readlink /proc/$$/fd/0); echo "$o" > %s/%s.stdin\n' \
		"$LXC_TEST_PATH" "$name" "$LXC_TEST_PATH" "$name" > "$LXC_TEST_PATH/$name.sh"
	chmod +x "$LXC_TEST_PATH/$name.sh"
	{
		cat <<-EOF
		lxc.net.0.type = veth
		lxc.net.0.link = hrbr4
		lxc.net.0.flags = up
		lxc.net.0.ipv4.address = 10.214.4.10/24
		lxc.net.0.script.down = $LXC_TEST_PATH/$name.sh
		lxc.net.1.type = veth
		lxc.net.1.link = hrbr4
		lxc.net.1.veth.pair = hr$name
		lxc.net.2.type = macvlan
		lxc.net.2.link = hrcm0
		EOF
		for line in "$@"; do echo "$line"; done
	} | hr_create "$name"
}

# The container's monitor is init's parent (its guard: guard_of).
ppid_of() {
	awk '/^PPid:/ { print $2 }' "/proc/$1/status"
}

stopped() {
	[ "$(lxc-info -P "$LXC_TEST_PATH" -n "$1" -s)" = "State:          STOPPED" ]
}

@test "normal stop: no veth, no bridge port, no address left" {
	make_ct c1
	before=$(hr_links)
	hr_start c1
	[ "$(ip -n "$HR_NS" -o link show master hrbr4 | wc -l)" -eq 2 ]
	[ "$(hr_links)" != "$before" ]
	hr_stop c1
	[ "$(hr_links)" = "$before" ]
	[[ "$(cat "$LXC_TEST_PATH/c1.down")" =~ ^"down c1 net down veth hrbr4 veth"[A-Za-z0-9]{6}$ ]]
}

@test "failed start after the devices exist (container side): everything removed" {
	# two NICs with one name: the rename in the container fails after the host side is done
	make_ct c2 "lxc.net.1.name = eth0" "lxc.net.0.name = eth0"
	before=$(hr_links)
	run hr_start c2
	[ "$status" -eq 1 ]
	[[ "$output" == *"lxc.net.1.name"* ]]
	[ "$(hr_links)" = "$before" ]
	stopped c2
	# the first NIC was complete: its script.down ran
	grep -q '^down c2 net down veth hrbr4 veth' "$LXC_TEST_PATH/c2.down"
}

@test "failed start in a later step (a start hook): everything removed" {
	make_ct c3 "lxc.hook.start-host = /bin/false"
	before=$(hr_links)
	run hr_start c3
	[ "$status" -eq 1 ]
	[ "$(hr_links)" = "$before" ]
	stopped c3
}

@test "failed start on the host side (second veth name taken): the first is removed" {
	make_ct c4
	ip -n "$HR_NS" link add hrc4 type veth peer name hrc4p
	before=$(hr_links)
	run hr_start c4
	[ "$status" -eq 1 ]
	[[ "$output" == *'lxc.net.1.veth.pair: interface "hrc4" already exists on the host'* ]]
	[ "$(hr_links)" = "$before" ]
	ip -n "$HR_NS" link del hrc4
}

@test "kill -9 of the monitor: its guard removes everything and runs script.down" {
	make_ct c5
	before=$(hr_links)
	hr_start c5
	init=$(hr_pid c5)
	monitor=$(ppid_of "$init")
	guard=$(guard_of "$monitor")
	[ "$monitor" -gt 1 ]
	[ "$guard" -gt 1 ]
	kill -9 "$monitor"
	wait_until "stopped c5"
	wait_until '[ "$(hr_links)" = "$before" ]'
	[ "$(hr_links)" = "$before" ]
	wait_until "[ ! -d /proc/$init ]"
	wait_until "grep -q '^down c5 net down veth hrbr4 veth' $LXC_TEST_PATH/c5.down"
	# run by the guard (which closed its own stdin and stdout), the script still gets its
	# pipe as stdin
	cat "$LXC_TEST_PATH/c5.stdin"
	[[ "$(cat "$LXC_TEST_PATH/c5.stdin")" == pipe:* ]]
	wait_until "[ ! -d /proc/$guard ]"
	# and it starts again
	hr_start c5
	hr_stop c5
	[ "$(hr_links)" = "$before" ]
}

@test "kill -9 of monitor and guard: the next start undoes what they left" {
	make_ct c6
	before=$(hr_links)
	hr_start c6
	init=$(hr_pid c6)
	monitor=$(ppid_of "$init")
	guard=$(guard_of "$monitor")
	kill -9 "$guard" "$monitor"
	wait_until "[ ! -d /proc/$init ]"
	stopped c6
	[ ! -e "$LXC_TEST_PATH/c6.down" ]
	hr_start c6
	# the dead start's script.down ran before the new start
	grep -q '^down c6 net down veth hrbr4 veth' "$LXC_TEST_PATH/c6.down"
	hr_stop c6
	wait_until '[ "$(hr_links)" = "$before" ]'
	[ "$(hr_links)" = "$before" ]
}
