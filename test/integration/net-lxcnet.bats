#!/usr/bin/env bats
# lxc-net with real containers: the default container config (veth on the lxc-net bridge)
# pointed at a private bridge; two busybox containers get leases from dnsmasq with their
# own udhcpc, find each other by name through dnsmasq's DNS, ping each other and the
# bridge; lxc-net stop/restart under running containers. Everything lives in the test's
# network namespace, whose only devices are lo, the bridge and the containers' veths: no
# packet can leave the machine, and the test checks that only the bridge's subnet is used.

load helpers
load net-lib

setup_file() {
	needs root
	hr_setup lxcnet
	HR_DIR=$(mktemp -d /tmp/hnr-lxcnet.XXXXXX)
	export HR_DIR
	export LXC_NET_CONFIG=$HR_DIR/lxc-net LXC_NET_RUNDIR=$HR_DIR/run LXC_NET_LEASEDIR=$HR_DIR/lib
	cat > "$LXC_NET_CONFIG" <<-'EOF'
	USE_LXC_BRIDGE="true"
	LXC_BRIDGE="hrbr0"
	LXC_BRIDGE_MAC="00:16:3e:21:40:01"
	LXC_ADDR="10.214.0.1"
	LXC_NETMASK="255.255.255.0"
	LXC_NETWORK="10.214.0.0/24"
	LXC_DHCP_RANGE="10.214.0.100,10.214.0.150"
	LXC_DHCP_MAX="50"
	LXC_DHCP_PING="false"
	LXC_DOMAIN="hnr.test"
	EOF
	# the shipped default container config, with its bridge renamed to ours
	sed 's/lxcbr0/hrbr0/' "$LXC_TOP/conf/default.conf" > "$HR_DIR/default.conf"
	printf 'lxc.default_config = %s\n' "$HR_DIR/default.conf" > "$HR_DIR/lxc.conf"
	export LXC_SYSTEM_CONF=$HR_DIR/lxc.conf
}

teardown_file() {
	lxc_cleanup_path
	if [ -f "$HR_DIR/run/dnsmasq.pid" ]; then
		pid=$(cat "$HR_DIR/run/dnsmasq.pid")
		[ "$(cat /proc/$pid/comm 2>/dev/null)" != dnsmasq ] || kill "$pid"
	fi
	[ -z "${HR_NS:-}" ] || ip netns del "$HR_NS" 2>/dev/null || true
	rm -rf "$HR_DIR"
}

# udhcpc in the container, sending its name; the template's script applies the lease.
lease() {
	hr_attach "$1" udhcpc -i eth0 -n -q -t 10 -T 1 -x "hostname:$1" -s /usr/share/udhcpc/default.script
}

ipv4_of() {
	in_ct "$1" ip -4 -o addr show eth0 | awk '{ print $4 }'
}

@test "lxc-net start: the bridge is up; containers from the default config are created on it" {
	run in_ns lxc-net start
	[ "$status" -eq 0 ]
	[[ "$(ip -n "$HR_NS" -o addr show hrbr0)" == *"inet 10.214.0.1/24 brd 10.214.0.255"* ]]
	for c in hrc1 hrc2; do
		lxc-create -P "$LXC_TEST_PATH" -n "$c" -t busybox
		grep -q '^lxc.net.0.link = hrbr0$' "$LXC_TEST_PATH/$c/config"
		grep -Eq '^lxc.net.0.hwaddr = 00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$' "$LXC_TEST_PATH/$c/config"
		hr_start "$c"
	done
	[ "$(ip -n "$HR_NS" -o link show master hrbr0 | wc -l)" -eq 2 ]
}

@test "both containers get a lease from dnsmasq in the bridge's range, and only its subnet" {
	for c in hrc1 hrc2; do
		run lease "$c"
		[ "$status" -eq 0 ]
	done
	ip1=$(ipv4_of hrc1)
	ip2=$(ipv4_of hrc2)
	[[ "$ip1" =~ ^10\.214\.0\.(1[0-4][0-9]|150)/24$ ]]
	[[ "$ip2" =~ ^10\.214\.0\.(1[0-4][0-9]|150)/24$ ]]
	[ "$ip1" != "$ip2" ]
	for c in hrc1 hrc2; do
		run in_ct "$c" ip -4 -o addr
		[ "${#lines[@]}" -eq 2 ] # lo and eth0
		run in_ct "$c" ip -4 route
		[[ "${lines[0]}" == "default via 10.214.0.1 dev eth0"* ]]
		for l in "${lines[@]}"; do [[ "$l" == *10.214.0.* ]]; done
		run hr_attach "$c" cat /etc/resolv.conf
		[[ "$output" == *"nameserver 10.214.0.1"* ]]
		grep -q " $c " "$HR_DIR/lib/dnsmasq.hrbr0.leases"
	done
	# the namespace the containers hang off has no way out: lo, the bridge, two veths
	[ "$(ip -n "$HR_NS" -o link | wc -l)" -eq 4 ]
	run ip -n "$HR_NS" route
	[ "$output" = "10.214.0.0/24 dev hrbr0 proto kernel scope link src 10.214.0.1 " ] ||
		[ "$output" = "10.214.0.0/24 dev hrbr0 proto kernel scope link src 10.214.0.1" ]
}

@test "the containers resolve each other through dnsmasq and ping each other and the bridge" {
	ip2=$(ipv4_of hrc2)
	ip1=$(ipv4_of hrc1)
	run hr_attach hrc1 nslookup hrc2
	[ "$status" -eq 0 ]
	[[ "$output" == *"Address: ${ip2%/24}"* ]]
	run hr_attach hrc2 nslookup hrc1.hnr.test
	[ "$status" -eq 0 ]
	[[ "$output" == *"Address: ${ip1%/24}"* ]]
	run hr_attach hrc1 ping -c1 -W3 "${ip2%/24}"
	[ "$status" -eq 0 ]
	run hr_attach hrc2 ping -c1 -W3 "${ip1%/24}"
	[ "$status" -eq 0 ]
	run hr_attach hrc1 ping -c1 -W3 10.214.0.1
	[ "$status" -eq 0 ]
}

@test "lxc-net restart under running containers: fresh dnsmasq, same bridge, leases renew" {
	pid=$(cat "$HR_DIR/run/dnsmasq.pid")
	run in_ns lxc-net restart
	[ "$status" -eq 0 ]
	[ "$(cat "$HR_DIR/run/dnsmasq.pid")" != "$pid" ]
	[ "$(ip -n "$HR_NS" -o link show master hrbr0 | wc -l)" -eq 2 ]
	run lease hrc1
	[ "$status" -eq 0 ]
	run hr_attach hrc1 nslookup hrc1
	[ "$status" -eq 0 ]
	run hr_attach hrc2 ping -c1 -W3 10.214.0.1
	[ "$status" -eq 0 ]
}

@test "lxc-net stop with containers running keeps their bridge; after they stop, all is gone" {
	run in_ns lxc-net stop
	[ "$status" -eq 0 ]
	[ ! -e "$HR_DIR/run/dnsmasq.pid" ]
	[ "$(ip -n "$HR_NS" -o link show master hrbr0 | wc -l)" -eq 2 ]
	hr_stop hrc1
	hr_stop hrc2
	run ip -n "$HR_NS" -o link show master hrbr0
	[ -z "$output" ]
	# a stopped lxc-net with a leftover port-less bridge: start takes it over, stop removes it
	in_ns lxc-net start
	in_ns lxc-net stop
	run ip -n "$HR_NS" -o link
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "1: lo:"* ]]
}

@test "make install puts default.conf in /etc/lxc only when there is none" {
	dest=$(mktemp -d /tmp/hnr-install.XXXXXX)
	make -C "$LXC_TOP" -s install DESTDIR="$dest" > /dev/null
	cmp "$LXC_TOP/conf/default.conf" "$dest/etc/lxc/default.conf"
	echo "lxc.net.0.type = empty" > "$dest/etc/lxc/default.conf"
	make -C "$LXC_TOP" -s install DESTDIR="$dest" > /dev/null
	[ "$(cat "$dest/etc/lxc/default.conf")" = "lxc.net.0.type = empty" ]
	rm -rf "$dest"
}
