#!/usr/bin/env bats
# lxc.net.N.* keys with real containers: name, flags, hwaddr (random digits written back
# by lxc-create), mtu, IPv4 and IPv6 addresses and gateways, script.up/script.down, and
# the LXC 1.x spelling lxc.network.*.

load helpers
load net-lib

setup_file() {
	needs root
	hr_setup keys
	ip -n "$HR_NS" link add hrbr2 type bridge
	ip -n "$HR_NS" addr add 10.214.2.1/24 dev hrbr2
	ip -n "$HR_NS" addr add 10.214.3.1/16 dev hrbr2
	ip -n "$HR_NS" addr add fd42:214:2::1/64 dev hrbr2 nodad
	ip -n "$HR_NS" link set hrbr2 up
}

teardown_file() {
	hr_teardown
}

@test "name, flags = up, mtu on both ends" {
	hr_create k1 <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.veth.pair = hrk1
	lxc.net.0.name = hrinner
	lxc.net.0.flags = up
	lxc.net.0.mtu = 1400
	EOF
	hr_start k1
	run in_ct k1 ip -o link show hrinner
	[ "$status" -eq 0 ]
	[[ "$output" == *"<BROADCAST,MULTICAST,UP,LOWER_UP>"* ]]
	[[ "$output" == *" mtu 1400 "* ]]
	run ip -n "$HR_NS" -o link show hrk1
	[[ "$output" == *" mtu 1400 "* ]]
	hr_stop k1
}

@test "without flags = up the interface stays down (and has no routes)" {
	hr_create k2 <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.ipv4.address = 10.214.2.20/24
	EOF
	hr_start k2
	run in_ct k2 ip -o link show eth0
	[[ "$output" != *",UP"* ]]
	run in_ct k2 ip -4 -o addr show eth0
	[[ "$output" == *"inet 10.214.2.20/24 brd 10.214.2.255 "* ]]
	run in_ct k2 ip -4 route
	[ -z "$output" ]
	hr_stop k2
}

@test "hwaddr: a fixed address is set; x digits are randomised once and written back by lxc-create" {
	hr_create k3 <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx
	lxc.net.1.type = veth
	lxc.net.1.link = hrbr2
	lxc.net.1.hwaddr = xX:xx:xx:xx:xx:xx
	lxc.net.2.type = veth
	lxc.net.2.link = hrbr2
	lxc.net.2.hwaddr = 02:16:3e:21:40:03
	EOF
	# the file given to lxc-create is left alone; the container's config has fixed digits
	grep -q '^lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx$' "$LXC_TEST_PATH/k3.conf"
	run grep -c 'hwaddr = .*[xX]' "$LXC_TEST_PATH/k3/config"
	[ "$output" = 0 ]
	mac0=$(sed -n 's/^lxc.net.0.hwaddr = //p' "$LXC_TEST_PATH/k3/config")
	mac1=$(sed -n 's/^lxc.net.1.hwaddr = //p' "$LXC_TEST_PATH/k3/config")
	[[ "$mac0" =~ ^00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$ ]]
	# a random first octet stays unicast: its second digit is even
	[[ "$mac1" =~ ^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$ ]]
	for round in 1 2; do
		hr_start k3
		[[ "$(in_ct k3 ip -o link show eth0)" == *"link/ether $mac0 "* ]]
		[[ "$(in_ct k3 ip -o link show eth1)" == *"link/ether $mac1 "* ]]
		[[ "$(in_ct k3 ip -o link show eth2)" == *"link/ether 02:16:3e:21:40:03 "* ]]
		hr_stop k3
	done
}

@test "ipv4.address: several, with prefix and broadcast; ipv4.gateway by address" {
	hr_create k4 <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.flags = up
	lxc.net.0.ipv4.address = 10.214.2.4/24
	lxc.net.0.ipv4.address = 10.214.3.4/16 10.214.255.254
	lxc.net.0.ipv4.address = 10.214.4.4
	lxc.net.0.ipv4.gateway = 10.214.2.1
	EOF
	hr_start k4
	run in_ct k4 ip -4 -o addr show eth0
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == *"inet 10.214.2.4/24 brd 10.214.2.255 scope global eth0"* ]]
	[[ "${lines[1]}" == *"inet 10.214.3.4/16 brd 10.214.255.254 scope global eth0"* ]]
	# no prefix: LXC's classful default
	[[ "${lines[2]}" == *"inet 10.214.4.4/8 brd 10.255.255.255 scope global eth0"* ]]
	run in_ct k4 ip -4 route show default
	[ "$output" = "default via 10.214.2.1 dev eth0 " ] || [ "$output" = "default via 10.214.2.1 dev eth0" ]
	run hr_attach k4 ping -c1 -W3 10.214.3.1
	[ "$status" -eq 0 ]
	hr_stop k4
}

@test "ipv4.gateway = auto: the bridge's first address; ipv6 address and gateway = auto" {
	hr_create k5 <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.flags = up
	lxc.net.0.ipv4.address = 10.214.2.5/24
	lxc.net.0.ipv4.gateway = auto
	lxc.net.0.ipv6.address = fd42:214:2::5/64
	lxc.net.0.ipv6.gateway = auto
	EOF
	hr_start k5
	run in_ct k5 ip -4 route show default
	[[ "$output" == "default via 10.214.2.1 dev eth0"* ]]
	run in_ct k5 ip -6 -o addr show eth0 scope global
	[[ "$output" == *"inet6 fd42:214:2::5/64 scope global"* ]]
	run in_ct k5 ip -6 route show default
	[[ "$output" == "default via fd42:214:2::1 dev eth0"* ]]
	wait_until "in_ct k5 ip -6 -o addr show eth0 scope global | grep -vq tentative" 50
	run hr_attach k5 ping -c1 -W3 fd42:214:2::1
	[ "$status" -eq 0 ]
	hr_stop k5
}

@test "ipv6.gateway by address, outside the interface's prefix: reached on the link" {
	hr_create k6 <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.flags = up
	lxc.net.0.ipv6.address = fd42:214:6::6/64
	lxc.net.0.ipv6.gateway = fd42:214:2::1
	EOF
	hr_start k6
	run in_ct k6 ip -6 route show default
	[[ "$output" == "default via fd42:214:2::1 dev eth0"* ]]
	hr_stop k6
}

@test "gateway = auto on a bridge without an address fails the start and says why" {
	ip -n "$HR_NS" link add hrbr3 type bridge
	hr_create k7 <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr3
	lxc.net.0.flags = up
	lxc.net.0.ipv4.gateway = auto
	EOF
	before=$(hr_links)
	run hr_start k7
	[ "$status" -eq 1 ]
	[[ "$output" == *'lxc.net.0.ipv4.gateway = auto: "hrbr3" has no IPv4 address'* ]]
	[ "$(hr_links)" = "$before" ]
	ip -n "$HR_NS" link del hrbr3
}

# A net script that records its arguments and LXC_* environment.
write_script() {
	cat > "$LXC_TEST_PATH/netscript" <<-EOF
	#!/bin/sh
	{ echo "args: \$*"; env | grep -E '^LXC_(NAME|HOOK_TYPE|HOOK_SECTION|HOOK_VERSION|NET_TYPE|NET_PARENT|NET_PEER)=' | sort; } >> "$LXC_TEST_PATH/script.log"
	EOF
	chmod +x "$LXC_TEST_PATH/netscript"
	rm -f "$LXC_TEST_PATH/script.log"
}

@test "script.up and script.down get LXC's arguments and LXC_NET_* environment" {
	write_script
	hr_create k8 <<-EOF
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.veth.pair = hrk8
	lxc.net.0.script.up = $LXC_TEST_PATH/netscript
	lxc.net.0.script.down = $LXC_TEST_PATH/netscript
	lxc.net.1.type = empty
	lxc.net.1.script.up = $LXC_TEST_PATH/netscript
	EOF
	hr_start k8
	# script.up ran with the host end present, on the bridge
	grep -q '^args: k8 net up veth hrbr2 hrk8$' "$LXC_TEST_PATH/script.log"
	hr_stop k8
	cat > "$LXC_TEST_PATH/expected" <<-'EOF'
	args: k8 net up veth hrbr2 hrk8
	LXC_HOOK_SECTION=net
	LXC_HOOK_TYPE=up
	LXC_HOOK_VERSION=0
	LXC_NAME=k8
	LXC_NET_PARENT=hrbr2
	LXC_NET_PEER=hrk8
	LXC_NET_TYPE=veth
	args: k8 net up empty
	LXC_HOOK_SECTION=net
	LXC_HOOK_TYPE=up
	LXC_HOOK_VERSION=0
	LXC_NAME=k8
	LXC_NET_TYPE=empty
	args: k8 net down veth hrbr2 hrk8
	LXC_HOOK_SECTION=net
	LXC_HOOK_TYPE=down
	LXC_HOOK_VERSION=0
	LXC_NAME=k8
	LXC_NET_PARENT=hrbr2
	LXC_NET_PEER=hrk8
	LXC_NET_TYPE=veth
	EOF
	diff -u "$LXC_TEST_PATH/expected" "$LXC_TEST_PATH/script.log"
}

@test "script.up with lxc.hook.version = 1: TYPE LINK VETH only, as LXC 5 passes them" {
	write_script
	hr_create k9 <<-EOF
	lxc.hook.version = 1
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.veth.pair = hrk9
	lxc.net.0.script.up = $LXC_TEST_PATH/netscript
	lxc.net.0.script.down = $LXC_TEST_PATH/netscript
	EOF
	hr_start k9
	hr_stop k9
	run grep '^args:' "$LXC_TEST_PATH/script.log"
	[ "${lines[0]}" = "args: veth hrbr2 hrk9" ]
	[ "${lines[1]}" = "args: veth hrbr2 hrk9" ]
	grep -q '^LXC_HOOK_VERSION=1$' "$LXC_TEST_PATH/script.log"
}

@test "a failing script.up aborts the start, names the key, and leaves nothing behind" {
	printf '#!/bin/sh\necho "no bridge for you" >&2\nexit 3\n' > "$LXC_TEST_PATH/failing"
	chmod +x "$LXC_TEST_PATH/failing"
	write_script
	hr_create k10 <<-EOF
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr2
	lxc.net.0.script.down = $LXC_TEST_PATH/netscript
	lxc.net.1.type = veth
	lxc.net.1.link = hrbr2
	lxc.net.1.script.up = $LXC_TEST_PATH/failing
	EOF
	before=$(hr_links)
	run hr_start k10
	[ "$status" -eq 1 ]
	[[ "$output" == *"lxc.net.1.script.up"*"no bridge for you"* ]]
	[ "$(hr_links)" = "$before" ]
	# the first NIC was complete: its script.down ran
	grep -q '^args: k10 net down veth hrbr2 veth' "$LXC_TEST_PATH/script.log"
	run lxc-info -P "$LXC_TEST_PATH" -n k10 -s
	[ "$output" = "State:          STOPPED" ]
}

@test "LXC 1.x keys: lxc.network.* with ipv4, ipv6, gateways, hwaddr, veth.pair, several NICs" {
	hr_create old <<-'EOF'
	lxc.network.type = veth
	lxc.network.link = hrbr2
	lxc.network.flags = up
	lxc.network.name = hrold0
	lxc.network.hwaddr = 00:16:3e:xx:xx:xx
	lxc.network.veth.pair = hrold
	lxc.network.mtu = 1450
	lxc.network.ipv4 = 10.214.2.11/24
	lxc.network.ipv4.gateway = auto
	lxc.network.ipv6 = fd42:214:2::11/64
	lxc.network.type = empty
	EOF
	grep -Eq '^lxc.network.hwaddr = 00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$' "$LXC_TEST_PATH/old/config"
	mac=$(sed -n 's/^lxc.network.hwaddr = //p' "$LXC_TEST_PATH/old/config")
	hr_start old
	run in_ct old ip -o link show hrold0
	[[ "$output" == *" mtu 1450 "* ]]
	[[ "$output" == *"link/ether $mac "* ]]
	run in_ct old ip -o addr show hrold0
	[[ "$output" == *"inet 10.214.2.11/24 brd 10.214.2.255"* ]]
	[[ "$output" == *"inet6 fd42:214:2::11/64"* ]]
	run in_ct old ip -4 route show default
	[[ "$output" == "default via 10.214.2.1 dev hrold0"* ]]
	run ip -n "$HR_NS" -o link show master hrbr2
	[[ "$output" == *" hrold@"* ]]
	hr_stop old
}
