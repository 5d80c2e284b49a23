#!/usr/bin/env bats
# lxc.net.N.type with real containers: veth (generated or named host end, on a bridge or
# not), macvlan in its four modes, vlan, phys, empty, none, several NICs at once; and
# that each stop leaves the namespace as it was.

load helpers
load net-lib

setup_file() {
	needs root
	hr_setup types
	ip -n "$HR_NS" link add hrbr1 type bridge
	ip -n "$HR_NS" addr add 10.214.1.1/24 dev hrbr1
	ip -n "$HR_NS" link set hrbr1 up
	# a parent for macvlan and vlan: one end of a veth pair, both ends up
	ip -n "$HR_NS" link add hrmv0 type veth peer name hrmv1
	ip -n "$HR_NS" link set hrmv0 up
	ip -n "$HR_NS" link set hrmv1 up
}

teardown_file() {
	hr_teardown
}

@test "veth on a bridge: generated vethXXXXXX host end, a port of the bridge, traffic both ways" {
	hr_create vb <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr1
	lxc.net.0.flags = up
	lxc.net.0.ipv4.address = 10.214.1.2/24
	EOF
	before=$(hr_links)
	hr_start vb
	run ip -n "$HR_NS" -o link show master hrbr1
	[ "${#lines[@]}" -eq 1 ]
	host=$(echo "$output" | awk '{ sub(/@.*/, "", $2); print $2 }')
	[[ "$host" =~ ^veth[A-Za-z0-9]{6}$ ]]
	# the host end's peer is the container's eth0
	peer=$(ip -n "$HR_NS" -o link show "$host" | sed -n 's/.*@if\([0-9]*\):.*/\1/p')
	[ "$(in_ct vb ip -o link show eth0 | cut -d: -f1)" = "$peer" ]
	run hr_attach vb ping -c1 -W3 10.214.1.1
	[ "$status" -eq 0 ]
	run in_ns busybox ping -c1 -W3 10.214.1.2
	[ "$status" -eq 0 ]
	hr_stop vb
	[ "$(hr_links)" = "$before" ]
}

@test "veth.pair names the host end; without link it is on no bridge and reaches the host directly" {
	hr_create vp <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.veth.pair = hrvp0
	lxc.net.0.flags = up
	lxc.net.0.ipv4.address = 10.214.5.2/24
	EOF
	before=$(hr_links)
	hr_start vp
	run ip -n "$HR_NS" -o link show hrvp0
	[ "$status" -eq 0 ]
	[[ "$output" != *" master "* ]]
	[[ "$output" == *",UP"* ]]
	ip -n "$HR_NS" addr add 10.214.5.1/24 dev hrvp0
	run hr_attach vp ping -c1 -W3 10.214.5.1
	[ "$status" -eq 0 ]
	hr_stop vp
	[ "$(hr_links)" = "$before" ]
	run ip -n "$HR_NS" link show hrvp0
	[ "$status" -ne 0 ]
}

@test "veth.pair on a bridge, and a taken pair name fails the start cleanly" {
	hr_create vq <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr1
	lxc.net.0.veth.pair = hrvq0
	EOF
	hr_start vq
	run ip -n "$HR_NS" -o link show master hrbr1
	[[ "$output" == *" hrvq0@"* ]]
	hr_stop vq
	ip -n "$HR_NS" link add hrvq0 type veth peer name hrvq1
	before=$(hr_links)
	run hr_start vq
	[ "$status" -eq 1 ]
	[[ "$output" == *'lxc.net.0.veth.pair: interface "hrvq0" already exists on the host'* ]]
	[ "$(hr_links)" = "$before" ]
	ip -n "$HR_NS" link del hrvq0
}

@test "macvlan: each mode reaches the kernel (private, vepa, bridge, passthru)" {
	for mode in private vepa bridge passthru; do
		hr_create "mv-$mode" <<-EOF
		lxc.net.0.type = macvlan
		lxc.net.0.link = hrmv0
		lxc.net.0.macvlan.mode = $mode
		lxc.net.0.flags = up
		EOF
		before=$(hr_links)
		hr_start "mv-$mode"
		run in_ct "mv-$mode" ip -d -o link show eth0
		[[ "$output" == *"macvlan mode $mode "* ]]
		[[ "$output" == *"eth0@if"* ]]
		hr_stop "mv-$mode"
		[ "$(hr_links)" = "$before" ]
	done
}

@test "macvlan: bridge mode lets two containers talk, private mode does not" {
	for mode in bridge private; do
		for i in 1 2; do
			hr_create "m$mode$i" <<-EOF
			lxc.net.0.type = macvlan
			lxc.net.0.link = hrmv0
			lxc.net.0.macvlan.mode = $mode
			lxc.net.0.flags = up
			lxc.net.0.ipv4.address = 10.214.7.$i/24
			EOF
			hr_start "m$mode$i"
		done
		run hr_attach "m${mode}1" ping -c1 -W2 10.214.7.2
		if [ "$mode" = bridge ]; then
			[ "$status" -eq 0 ]
		else
			[ "$status" -ne 0 ]
		fi
		hr_stop "m${mode}1"
		hr_stop "m${mode}2"
	done
}

@test "vlan: vlan.id on the link" {
	needs 8021q
	hr_create vl <<-'EOF'
	lxc.net.0.type = vlan
	lxc.net.0.link = hrmv0
	lxc.net.0.vlan.id = 42
	lxc.net.0.flags = up
	lxc.net.0.ipv4.address = 10.214.42.2/24
	EOF
	before=$(hr_links)
	hr_start vl
	run in_ct vl ip -d -o link show eth0
	[[ "$output" == *"vlan protocol 802.1Q id 42 "* ]]
	hr_stop vl
	[ "$(hr_links)" = "$before" ]
}

@test "phys: the device moves in (name, mtu, hwaddr) and comes back as it was on stop" {
	ip -n "$HR_NS" link add hrph0 type veth peer name hrph1
	ip -n "$HR_NS" addr add 10.214.6.1/24 dev hrph1
	ip -n "$HR_NS" link set hrph1 up
	mac=$(hr_mac hrph0)
	hr_create ph <<-'EOF'
	lxc.net.0.type = phys
	lxc.net.0.link = hrph0
	lxc.net.0.name = hrin0
	lxc.net.0.mtu = 1400
	lxc.net.0.hwaddr = 00:16:3e:21:40:06
	lxc.net.0.flags = up
	lxc.net.0.ipv4.address = 10.214.6.2/24
	EOF
	before=$(hr_links)
	hr_start ph
	run ip -n "$HR_NS" link show hrph0
	[ "$status" -ne 0 ]
	run in_ct ph ip -o link show hrin0
	[[ "$output" == *"mtu 1400 "* ]]
	[[ "$output" == *"link/ether 00:16:3e:21:40:06 "* ]]
	run hr_attach ph ping -c1 -W3 10.214.6.1
	[ "$status" -eq 0 ]
	hr_stop ph
	[ "$(hr_links)" = "$before" ]
	run ip -n "$HR_NS" -o link show hrph0
	[[ "$output" == *"mtu 1500 "* ]]
	[ "$(hr_mac hrph0)" = "$mac" ]
	ip -n "$HR_NS" link del hrph0
}

@test "empty: a network namespace with only the loopback device, up" {
	hr_create em <<-'EOF'
	lxc.net.0.type = empty
	EOF
	before=$(hr_links)
	hr_start em
	run in_ct em ip -o link
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "1: lo: <LOOPBACK,UP,LOWER_UP>"* ]]
	[ "$(in_ct em readlink /proc/self/ns/net)" != "$(in_ns readlink /proc/self/ns/net)" ]
	hr_stop em
	[ "$(hr_links)" = "$before" ]
}

@test "none: no network namespace of its own, with LXC's warning" {
	hr_create no <<-'EOF'
	lxc.net.0.type = none
	EOF
	run hr_start no
	[ "$status" -eq 0 ]
	[[ "$output" == *"lxc.net.0.type = none: the container shares the host's network namespace"* ]]
	pid=$(hr_pid no)
	[ "$(readlink /proc/$pid/ns/net)" = "$(in_ns readlink /proc/self/ns/net)" ]
	# the container's init sees the devices of the namespace it was started from
	run nsenter --net=/proc/$pid/ns/net ip -o link show hrbr1
	[ "$status" -eq 0 ]
	hr_stop no
}

@test "none next to another NIC is ignored, as in LXC: the container gets its own namespace" {
	hr_create nv <<-'EOF'
	lxc.net.0.type = none
	lxc.net.1.type = veth
	lxc.net.1.link = hrbr1
	EOF
	run hr_start nv
	[ "$status" -eq 0 ]
	[[ "$output" != *"shares the host's network namespace"* ]]
	pid=$(hr_pid nv)
	[ "$(readlink /proc/$pid/ns/net)" != "$(in_ns readlink /proc/self/ns/net)" ]
	run in_ct nv ip -o link show eth0
	[ "$status" -eq 0 ]
	hr_stop nv
}

@test "several NICs: created in order, named eth0, eth1... unless lxc.net.N.name says otherwise" {
	hr_create multi <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr1
	lxc.net.0.flags = up
	lxc.net.1.type = macvlan
	lxc.net.1.link = hrmv0
	lxc.net.1.name = hrin1
	lxc.net.2.type = veth
	lxc.net.2.veth.pair = hrmu2
	lxc.net.3.type = empty
	lxc.net.4.type = macvlan
	lxc.net.4.link = hrmv0
	EOF
	before=$(hr_links)
	hr_start multi
	run in_ct multi ip -o link
	[ "${#lines[@]}" -eq 5 ]
	[[ "${lines[1]}" == "2: eth0@"* ]]
	[[ "${lines[2]}" == "3: hrin1@"* ]]
	[[ "${lines[3]}" == "4: eth1@"* ]]
	[[ "${lines[4]}" == "5: eth2@"* ]]
	[[ "${lines[1]}" == *",UP,"* ]]
	[[ "${lines[3]}" != *",UP"* ]]
	hr_stop multi
	[ "$(hr_links)" = "$before" ]
}

@test "a device moved into a running container comes back to the host when it stops" {
	hr_create mv <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr1
	EOF
	ip -n "$HR_NS" link add hrmd0 type veth peer name hrmd1
	before=$(hr_links)
	hr_start mv
	pid=$(hr_pid mv)
	# what lxc-device add does, and a device the container makes for itself
	ip -n "$HR_NS" link set hrmd0 netns "$pid"
	in_ct mv ip link set hrmd0 name hrdev5
	in_ct mv ip link add hrown0 type veth peer name hrown1
	# ... and one paired with a namespace other than the host's (a nested container)
	ip netns add "$HR_NS-nested"
	in_ct mv ip link add hrnest0 type veth peer name hrnest1 netns "$HR_NS-nested"
	hr_stop mv
	wait_until "! ip -n $HR_NS-nested link show hrnest1 > /dev/null 2>&1"
	ip netns del "$HR_NS-nested"
	run ip -n "$HR_NS" -o link show hrdev5
	[ "$status" -eq 0 ]
	[[ "$output" == *"hrdev5@hrmd1"* ]]
	ip -n "$HR_NS" link set hrdev5 name hrmd0
	[ "$(hr_links)" = "$before" ]
	ip -n "$HR_NS" link del hrmd0
}
