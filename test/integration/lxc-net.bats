#!/usr/bin/env bats
# lxc-net start/stop/restart/status: the bridge, its address, NAT rules, dnsmasq, the
# network_up guard, and DHCP + DNS for two "containers". Every test runs lxc-net inside its
# own network namespace (the test's "host") with a private config, run dir and lease dir.

load helpers

setup() {
	needs root
	HN_DIR=$(mktemp -d /tmp/hnet-lxcnet.XXXXXX)
	HN_NS=hnet-ln$$
	export LXC_NET_CONFIG=$HN_DIR/lxc-net LXC_NET_RUNDIR=$HN_DIR/run LXC_NET_LEASEDIR=$HN_DIR/lib
	cat > "$LXC_NET_CONFIG" <<-'EOF'
	# private test network
	USE_LXC_BRIDGE="true"
	LXC_BRIDGE="hnbr0"
	LXC_BRIDGE_MAC="00:16:3e:21:30:01"
	LXC_ADDR="10.213.0.1"
	LXC_NETMASK="255.255.255.0"
	LXC_NETWORK="10.213.0.0/24"
	LXC_DHCP_RANGE="10.213.0.100,10.213.0.150"
	LXC_DHCP_MAX="50"
	LXC_DHCP_PING="false"
	LXC_DOMAIN="hnet.test"
	EOF
	ip netns add "$HN_NS"
}

teardown() {
	[ -n "${HN_NS:-}" ] || return 0
	if [ -f "$HN_DIR/run/dnsmasq.pid" ]; then
		pid=$(cat "$HN_DIR/run/dnsmasq.pid")
		[ "$(cat /proc/$pid/comm 2>/dev/null)" = dnsmasq ] && kill "$pid"
	fi
	for ns in "$HN_NS-c1" "$HN_NS-c2" "$HN_NS"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$HN_DIR"
}

innet() {
	ip netns exec "$HN_NS" "$@"
}

dnsmasq_pid() {
	cat "$HN_DIR/run/dnsmasq.pid"
}

@test "lxc-net start: bridge with address and MAC, forwarding, nft rules, dnsmasq, network_up" {
	run innet lxc-net start
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run ip -n "$HN_NS" addr show hnbr0
	[[ "$output" == *"inet 10.213.0.1/24 brd 10.213.0.255 scope global hnbr0"* ]]
	[[ "$output" == *"link/ether 00:16:3e:21:30:01"* ]]
	[[ "$output" == *",UP"* ]]
	run ip -n "$HN_NS" -d link show hnbr0
	[[ "$output" == *"bridge "* ]]
	[ "$(innet cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	run innet nft list ruleset
	[[ "$output" == *"table inet lxc"* ]]
	[[ "$output" == *'iifname "hnbr0" udp dport { 53, 67 } accept'* ]]
	[[ "$output" == *'oifname "hnbr0" accept'* ]]
	[[ "$output" == *"table ip lxc"* ]]
	[[ "$output" == *"ip saddr 10.213.0.0/24 ip daddr != 10.213.0.0/24"*masquerade* ]]
	pid=$(dnsmasq_pid)
	[ "$(cat /proc/$pid/comm)" = dnsmasq ]
	cmdline=$(tr '\0' ' ' < /proc/$pid/cmdline)
	[[ "$cmdline" == *"--strict-order --bind-interfaces --pid-file=$HN_DIR/run/dnsmasq.pid --listen-address 10.213.0.1 --dhcp-range 10.213.0.100,10.213.0.150 --dhcp-lease-max=50 --dhcp-no-override --except-interface=lo --interface=hnbr0 --dhcp-leasefile=$HN_DIR/lib/dnsmasq.hnbr0.leases --dhcp-authoritative"* ]]
	[[ "$cmdline" == *"--conf-file=/dev/null -s hnet.test -S /hnet.test/ --no-ping -u "* ]]
	# dnsmasq lives in the test's namespace, not the host's
	[ "$(readlink /proc/$pid/ns/net)" = "$(innet readlink /proc/self/ns/net)" ]
	[ -f "$HN_DIR/run/network_up" ]
	[ -f "$HN_DIR/lib/dnsmasq.hnbr0.leases" ]
}

@test "a second lxc-net start is refused and changes nothing" {
	innet lxc-net start
	pid=$(dnsmasq_pid)
	run innet lxc-net start
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-net is already running" ]
	[ "$(dnsmasq_pid)" = "$pid" ]
	[ -d /proc/$pid ]
	[ "$(pgrep -x -c dnsmasq --ns $pid --nslist net)" -eq 1 ]
	run ip -n "$HN_NS" -4 -o addr show hnbr0
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"10.213.0.1/24"* ]]
}

@test "lxc-net status before start, when running, after stop" {
	run innet lxc-net status
	[ "$status" -eq 3 ]
	[ "$output" = "lxc-net isn't running" ]
	innet lxc-net start
	run innet lxc-net status
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "lxc-net is running" ]
	[ "${lines[1]}" = "bridge: hnbr0 (up) 10.213.0.1/24" ]
	[ "${lines[2]}" = "dnsmasq: pid $(dnsmasq_pid)" ]
	[ "${lines[3]}" = "firewall: nft" ]
	innet lxc-net stop
	run innet lxc-net status
	[ "$status" -eq 3 ]
}

@test "lxc-net stop removes the bridge, the rules, dnsmasq and its files" {
	innet lxc-net start
	pid=$(dnsmasq_pid)
	run innet lxc-net stop
	[ "$status" -eq 0 ]
	run ip -n "$HN_NS" link show hnbr0
	[ "$status" -ne 0 ]
	run innet nft list ruleset
	[[ "$output" != *lxc* ]]
	[ ! -d /proc/$pid ]
	[ ! -e "$HN_DIR/run/dnsmasq.pid" ]
	[ ! -e "$HN_DIR/run/network_up" ]
	[ ! -e "$HN_DIR/lib/dnsmasq.hnbr0.leases" ]
	[ "$(innet ip -o link | wc -l)" -eq 1 ]
	run innet lxc-net stop
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-net isn't running" ]
}

@test "lxc-net stop keeps a bridge that still has ports, as LXC does" {
	innet lxc-net start
	ip -n "$HN_NS" link add hnlnp0 type veth peer name hnlnp1
	ip -n "$HN_NS" link set hnlnp0 master hnbr0
	run innet lxc-net stop
	[ "$status" -eq 0 ]
	run ip -n "$HN_NS" addr show hnbr0
	[ "$status" -eq 0 ]
	[[ "$output" != *"inet "* ]]
	[[ "$output" != *",UP"* ]]
	[ ! -e "$HN_DIR/run/network_up" ]
	# a later start takes the left bridge over
	run innet lxc-net start
	[ "$status" -eq 0 ]
	run ip -n "$HN_NS" addr show hnbr0
	[[ "$output" == *"10.213.0.1/24"* ]]
	innet lxc-net stop
}

@test "lxc-net restart gives a fresh dnsmasq" {
	innet lxc-net start
	pid=$(dnsmasq_pid)
	run innet lxc-net restart
	[ "$status" -eq 0 ]
	[ "$(dnsmasq_pid)" != "$pid" ]
	[ ! -d /proc/$pid ]
	[ -f "$HN_DIR/run/network_up" ]
}

@test "lxc-net with LXC_USE_NFT=false installs and removes iptables rules" {
	echo 'LXC_USE_NFT="false"' >> "$LXC_NET_CONFIG"
	run innet lxc-net start
	[ "$status" -eq 0 ]
	run innet iptables-save
	[[ "$output" == *"-A INPUT -i hnbr0 -p udp -m udp --dport 67 -j ACCEPT"* ]]
	[[ "$output" == *"-A INPUT -i hnbr0 -p tcp -m tcp --dport 53 -j ACCEPT"* ]]
	[[ "$output" == *"-A FORWARD -o hnbr0 -j ACCEPT"* ]]
	[[ "$output" == *"-A POSTROUTING -s 10.213.0.0/24 ! -d 10.213.0.0/24 -j MASQUERADE"* ]]
	[[ "$output" == *"-A POSTROUTING -o hnbr0 -p udp -m udp --dport 68 -j CHECKSUM --checksum-fill"* ]]
	run innet nft list tables
	[[ "$output" != *"lxc"* ]]
	run innet lxc-net stop
	[ "$status" -eq 0 ]
	run innet iptables-save
	[[ "$output" != *"hnbr0"* ]]
	[[ "$output" != *"10.213.0.0/24"* ]]
}

@test "lxc-net reports a broken config file with its line" {
	echo 'if true; then LXC_BRIDGE=x; fi' >> "$LXC_NET_CONFIG"
	run innet lxc-net start
	[ "$status" -eq 1 ]
	[[ "$output" == *"$LXC_NET_CONFIG:12: not a KEY=value assignment"* ]]
	run ip -n "$HN_NS" link show hnbr0
	[ "$status" -ne 0 ]
	run innet lxc-net bogus
	[ "$status" -eq 2 ]
	[[ "$output" == "Usage: lxc-net {start|stop|restart|reload|force-reload|status}" ]]
}

# A "container": a netns with eth0 whose peer is on hnbr0.
add_child() {
	local ns=$HN_NS-$1
	ip netns add "$ns"
	ip -n "$HN_NS" link add "hn$1h" type veth peer name eth0 netns "$ns"
	ip -n "$HN_NS" link set "hn$1h" master hnbr0 up
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
}

@test "two containers get DHCP leases on the bridge's subnet and find each other by name" {
	innet lxc-net start
	cat > "$HN_DIR/udhcpc.sh" <<-'EOF'
	#!/bin/sh
	case "$1" in
	bound|renew)
		ip addr flush dev "$interface"
		ip addr add "$ip/$mask" dev "$interface"
		[ -z "$router" ] || ip route replace default via "${router%% *}" dev "$interface"
		;;
	esac
	EOF
	chmod +x "$HN_DIR/udhcpc.sh"
	for c in c1 c2; do
		add_child $c
		run ip netns exec "$HN_NS-$c" busybox udhcpc -i eth0 -n -q -t 5 -T 1 -s "$HN_DIR/udhcpc.sh" -x hostname:hn$c
		[ "$status" -eq 0 ]
	done
	ip1=$(ip -n "$HN_NS-c1" -4 -o addr show eth0 | awk '{print $4}')
	ip2=$(ip -n "$HN_NS-c2" -4 -o addr show eth0 | awk '{print $4}')
	# only the bridge's own subnet, inside LXC_DHCP_RANGE
	[[ "$ip1" =~ ^10\.213\.0\.(1[0-4][0-9]|150)/24$ ]]
	[[ "$ip2" =~ ^10\.213\.0\.(1[0-4][0-9]|150)/24$ ]]
	[ "$ip1" != "$ip2" ]
	for c in c1 c2; do
		run ip -n "$HN_NS-$c" -4 -o addr show
		[ "${#lines[@]}" -eq 2 ] # lo and eth0
		run ip -n "$HN_NS-$c" -4 route
		[[ "${lines[0]}" == "default via 10.213.0.1 dev eth0"* ]]
		for l in "${lines[@]}"; do [[ "$l" == *10.213.0.* ]]; done
	done
	grep -q " hnc1 " "$HN_DIR/lib/dnsmasq.hnbr0.leases"
	grep -q " hnc2 " "$HN_DIR/lib/dnsmasq.hnbr0.leases"
	# DNS from dnsmasq on the bridge address, with and without LXC_DOMAIN
	run ip netns exec "$HN_NS-c1" busybox nslookup -type=a hnc2 10.213.0.1
	[ "$status" -eq 0 ]
	[[ "$output" == *"Address: ${ip2%/24}"* ]]
	run ip netns exec "$HN_NS-c2" busybox nslookup -type=a hnc1.hnet.test 10.213.0.1
	[ "$status" -eq 0 ]
	[[ "$output" == *"Address: ${ip1%/24}"* ]]
	run ip netns exec "$HN_NS-c1" busybox ping -c1 -W3 "${ip2%/24}"
	[[ "$output" == *"1 packets received"* ]]
	run ip netns exec "$HN_NS-c2" busybox ping -c1 -W3 10.213.0.1
	[[ "$output" == *"1 packets received"* ]]
	# stop takes dnsmasq and the rules away; the bridge keeps its ports (containers still there)
	run innet lxc-net stop
	[ "$status" -eq 0 ]
	[ ! -e "$HN_DIR/run/dnsmasq.pid" ]
	run innet nft list ruleset
	[[ "$output" != *lxc* ]]
	ip netns del "$HN_NS-c1"
	ip netns del "$HN_NS-c2"
}

@test "lxc-net with LXC_IPV6_*: address, forwarding, IPv6 NAT table, router advertisements" {
	cat >> "$LXC_NET_CONFIG" <<-'EOF2'
	LXC_IPV6_ADDR="fd42:213::1"
	LXC_IPV6_MASK="64"
	LXC_IPV6_NETWORK="fd42:213::/64"
	LXC_IPV6_NAT="true"
	EOF2
	run innet lxc-net start
	[ "$status" -eq 0 ]
	run ip -n "$HN_NS" -6 addr show hnbr0
	[[ "$output" == *"inet6 fd42:213::1/64 scope global"* ]]
	[ "$(innet cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ]
	[ "$(innet cat /proc/sys/net/ipv6/conf/hnbr0/autoconf)" = 0 ]
	run innet nft list table ip6 lxc
	[[ "$output" == *"ip6 saddr fd42:213::/64 ip6 daddr != fd42:213::/64"*masquerade* ]]
	cmdline=$(tr '\0' ' ' < /proc/$(dnsmasq_pid)/cmdline)
	[[ "$cmdline" == *"--dhcp-range=fd42:213::1,ra-only --listen-address fd42:213::1"* ]]
	run innet lxc-net stop
	[ "$status" -eq 0 ]
	run innet nft list tables
	[[ "$output" != *lxc* ]]
}
