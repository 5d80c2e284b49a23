#!/usr/bin/env bats
# What lxc-info and lxc-ls show of a running container's network: "IP:" lines, per NIC
# "Link:" with the host device's counters seen from the container, the IPV4/IPV6 and
# INTERFACE columns, the JSON forms; the layout compared with LXC 5's own lxc-info.

load helpers
load net-lib

setup_file() {
	needs root
	hr_setup info
	ip -n "$HR_NS" link add hrbr5 type bridge
	ip -n "$HR_NS" addr add 10.214.5.1/24 dev hrbr5
	ip -n "$HR_NS" link set hrbr5 up
	ip -n "$HR_NS" link add hrim0 type veth peer name hrim1
	ip -n "$HR_NS" link set hrim0 up
	ip -n "$HR_NS" link set hrim1 up
	cat > "$LXC_TEST_PATH/info.conf" <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr5
	lxc.net.0.flags = up
	lxc.net.0.ipv4.address = 10.214.5.9/24
	lxc.net.0.ipv4.address = 10.214.5.10/24
	lxc.net.0.ipv6.address = fd42:214:5::9/64
	lxc.net.1.type = macvlan
	lxc.net.1.link = hrim0
	lxc.net.1.macvlan.mode = bridge
	lxc.net.1.flags = up
	lxc.net.1.ipv4.address = 10.214.15.9/24
	EOF
	lxc-create -P "$LXC_TEST_PATH" -n i1 -t busybox -f "$LXC_TEST_PATH/info.conf"
	hr_start i1
}

teardown_file() {
	hr_teardown
}

P() { echo "$LXC_TEST_PATH"; }

host_veth() {
	ip -n "$HR_NS" -o link show master hrbr5 | awk '{ sub(/@.*/, "", $2); print $2 }'
}

@test "lxc-info: IP lines sorted as LXC sorts them, Link lines per NIC in config order" {
	run lxc-info -P "$(P)" -n i1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Name:           i1" ]
	[ "${lines[1]}" = "State:          RUNNING" ]
	[[ "${lines[2]}" =~ ^"PID:            "[0-9]+$ ]]
	[ "${lines[3]}" = "IP:             10.214.15.9" ]
	[ "${lines[4]}" = "IP:             10.214.5.10" ]
	[ "${lines[5]}" = "IP:             10.214.5.9" ]
	[ "${lines[6]}" = "IP:             fd42:214:5::9" ]
	[[ "${lines[7]}" == "CPU use:        "*" seconds" ]]
	[[ "${lines[8]}" == "BlkIO use:      "* ]]
	[[ "${lines[9]}" == "Memory use:     "* ]]
	n=10
	[[ "${lines[10]}" != "KMem use:       "* ]] || n=11
	[ "${lines[$n]}" = "Link:           $(host_veth)" ]
	[[ "${lines[$((n + 1))]}" =~ ^" TX bytes:      "[0-9.]+" "(bytes|KiB|MiB)$ ]]
	[[ "${lines[$((n + 2))]}" =~ ^" RX bytes:      "[0-9.]+" "(bytes|KiB|MiB)$ ]]
	[[ "${lines[$((n + 3))]}" =~ ^" Total bytes:   "[0-9.]+" "(bytes|KiB|MiB)$ ]]
	[ "${lines[$((n + 4))]}" = "Link:           hrim0" ]
	[ "${#lines[@]}" -eq $((n + 8)) ]
	run lxc-info -P "$(P)" -n i1 -i
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "IP:             10.214.15.9" ]
}

@test "lxc-info -c lxc.net.0.veth.pair: the kernel-chosen host end of a running container" {
	run lxc-info -P "$(P)" -n i1 -c lxc.net.0.veth.pair -c lxc.network.0.veth.pair -c lxc.net.1.link
	[ "$status" -eq 0 ]
	[ -n "$(host_veth)" ]
	[ "${lines[0]}" = "lxc.net.0.veth.pair = $(host_veth)" ]
	[ "${lines[1]}" = "lxc.network.0.veth.pair = $(host_veth)" ]
	[ "${lines[2]}" = "lxc.net.1.link = hrim0" ]
}

@test "lxc-info: TX is what the container sent (the host end's RX), RX what it received" {
	# a sink on the host side: its stdin (a FIFO held open) never ends, so it reads until
	# the container closes; the container sends 400 KiB and receives only ACKs
	mkfifo "$LXC_TEST_PATH/hold"
	sleep 30 > "$LXC_TEST_PATH/hold" &
	holder=$!
	in_ns timeout 20 busybox nc -l -p 5000 < "$LXC_TEST_PATH/hold" > "$LXC_TEST_PATH/sink" &
	sink=$!
	wait_until "in_ns busybox netstat -ltn | grep -q ':5000 '"
	hr_attach i1 sh -c 'dd if=/dev/zero bs=1024 count=400 2>/dev/null | timeout 10 nc 10.214.5.1 5000'
	wait "$sink" || true
	kill "$holder"
	[ "$(stat -c %s "$LXC_TEST_PATH/sink")" -eq 409600 ]
	veth=$(host_veth)
	run lxc-info -P "$(P)" -n i1 -S -H
	tx=$(printf '%s\n' "${lines[@]}" | sed -n 's/^ TX bytes: *//p' | head -n 1)
	rx=$(printf '%s\n' "${lines[@]}" | sed -n 's/^ RX bytes: *//p' | head -n 1)
	total=$(printf '%s\n' "${lines[@]}" | sed -n 's/^ Total bytes: *//p' | head -n 1)
	[ "$tx" -gt 400000 ]
	[ "$rx" -lt $((tx / 4)) ]
	[ "$total" -eq $((tx + rx)) ]
	# the host end's own counters, the other way round
	host_rx=$(ip -n "$HR_NS" -s link show "$veth" | awk '/RX:/ { getline; print $1; exit }')
	host_tx=$(ip -n "$HR_NS" -s link show "$veth" | awk '/TX:/ { getline; print $1; exit }')
	[ "$host_rx" -ge "$tx" ]
	[ "$host_rx" -lt $((tx + 20000)) ]
	[ "$host_tx" -ge "$rx" ]
	# humanised: KiB for this size
	run lxc-info -P "$(P)" -n i1 -S
	[[ "$(printf '%s\n' "${lines[@]}" | grep '^ TX bytes:' | head -n 1)" =~ ^" TX bytes:      "[0-9]+\.[0-9]{2}" KiB"$ ]]
}

@test "lxc-info works from any network namespace, and from the container's" {
	in_ns lxc-info -P "$(P)" -n i1 > "$LXC_TEST_PATH/from-ns"
	lxc-info -P "$(P)" -n i1 > "$LXC_TEST_PATH/from-host"
	diff <(grep -E '^(IP|Link):' "$LXC_TEST_PATH/from-ns") <(grep -E '^(IP|Link):' "$LXC_TEST_PATH/from-host")
	[ "$(grep -c '^Link:' "$LXC_TEST_PATH/from-host")" -eq 2 ]
}

@test "lxc-ls -f fills IPV4 and IPV6; -F INTERFACE lists the container's interfaces" {
	run lxc-ls -P "$(P)" -f
	[ "${lines[0]}" = "NAME STATE   AUTOSTART GROUPS IPV4                                 IPV6          UNPRIVILEGED " ]
	[ "${lines[1]}" = "i1   RUNNING 0         -      10.214.15.9, 10.214.5.10, 10.214.5.9 fd42:214:5::9 false        " ]
	run lxc-ls -P "$(P)" -f -F NAME,INTERFACE,IPV6
	[ "${lines[1]}" = "i1   eth0, eth1, lo fd42:214:5::9 " ]
}

@test "--format json carries the addresses and links" {
	run lxc-info -P "$(P)" -n i1 --format json
	[[ "$output" == *'"ips":["10.214.15.9","10.214.5.10","10.214.5.9","fd42:214:5::9"]'* ]]
	[[ "$output" == *'"links":[{"name":"'"$(host_veth)"'","tx_bytes":'*'},{"name":"hrim0","tx_bytes":'* ]]
	run lxc-ls -P "$(P)" --format json
	[[ "$output" == *'"interfaces":["eth0","eth1","lo"],"ipv4":["10.214.15.9","10.214.5.10","10.214.5.9"],"ipv6":["fd42:214:5::9"]'* ]]
}

# LXC 5 in the test's namespace, with /sys/class/net showing that namespace (it reads
# its devices there) and its abstract command sockets reachable.
lxc5() {
	nsenter --net="/run/netns/$HR_NS" unshare -m --propagation slave sh -c '
		d=$(mktemp -d /tmp/hnr-sys.XXXXXX)
		mount -t sysfs sysfs "$d" && mount --bind "$d/class/net" /sys/class/net &&
			mount --bind "$d/devices/virtual/net" /sys/devices/virtual/net
		umount -l "$d"; rmdir "$d"
		exec "$@"' sh "$@"
}

# lxc-info with every number, unit and generated name made the same.
masked() {
	sed -E 's/[0-9]+(\.[0-9]+)? (bytes|KiB|MiB|GiB|seconds)$/N U/; s/veth[A-Za-z0-9]{6}/vethX/; s/^(PID: +)[0-9]+$/\1N/'
}

@test "lxc-info's layout is LXC 5's, line for line (numbers masked)" {
	[ -x /usr/bin/lxc-info ] || skip "needs Debian's LXC 5 (/usr/bin/lxc-*)"
	lxc5dir=$(mktemp -d /tmp/hnr-lxc5.XXXXXX)
	# LXC 5.0.2 does not configure IPv4 on veth here: addresses on the macvlan only
	cat > "$lxc5dir/net.conf" <<-'EOF'
	lxc.net.0.type = veth
	lxc.net.0.link = hrbr5
	lxc.net.0.flags = up
	lxc.net.1.type = macvlan
	lxc.net.1.link = hrim0
	lxc.net.1.macvlan.mode = bridge
	lxc.net.1.flags = up
	lxc.net.1.ipv4.address = 10.214.15.21/24
	lxc.net.1.ipv4.address = 10.214.15.3/24
	EOF
	/usr/bin/lxc-create -P "$lxc5dir" -n hrl5 -t busybox -f "$lxc5dir/net.conf" > /dev/null 2>&1
	sed 's/10.214.15/10.214.16/' "$lxc5dir/net.conf" | hr_create i2
	hr_start i2
	if ! lxc5 /usr/bin/lxc-start -P "$lxc5dir" -n hrl5; then
		hr_stop i2
		/usr/bin/lxc-destroy -P "$lxc5dir" -n hrl5 > /dev/null 2>&1 || true
		rm -rf "$lxc5dir"
		skip "LXC 5 cannot start a container on this machine"
	fi
	lxc5 /usr/bin/lxc-info -P "$lxc5dir" -n hrl5 | masked | sed 's/hrl5/NAME/; s/10.214.15/10.214.X/' > "$lxc5dir/theirs" || true
	lxc5 /usr/bin/lxc-stop -P "$lxc5dir" -n hrl5 -k || true
	/usr/bin/lxc-destroy -P "$lxc5dir" -n hrl5 > /dev/null 2>&1 || true
	lxc-info -P "$(P)" -n i2 | masked | sed 's/i2/NAME/; s/10.214.16/10.214.X/' > "$lxc5dir/ours"
	hr_stop i2
	run diff -u "$lxc5dir/theirs" "$lxc5dir/ours"
	rm -rf "$lxc5dir"
	echo "$output"
	[ "$status" -eq 0 ]
}
