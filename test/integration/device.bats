#!/usr/bin/env bats
# lxc-device with the real binary: host device nodes (/dev/net/tun, a loop device,
# /dev/fuse) created in a running container with their cgroup rule and removed again;
# host interfaces moved in and back (on del and on stop); the errors users meet.
# The container gets LXC's common.conf device rules, so access is denied by default.

load helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/lxc-htd-dev.XXXXXX)
	export HTD_STATE=$(mktemp -d /tmp/htd-dev-state.XXXXXX)
	grep -E '^lxc\.cgroup2?\.devices\.' "$LXC_TOP/conf/common.conf" > "$HTD_STATE/devices.conf"
	LXC_TEST_CONFIG="$HTD_STATE/devices.conf" make_busybox htd-d1
	LXC_TEST_CONFIG="$HTD_STATE/devices.conf" make_busybox htd-d2
	lxc-start -P "$LXC_TEST_PATH" -n htd-d1
}

teardown_file() {
	lxc_cleanup_path
	for l in $(cat "$HTD_STATE/loops" 2>/dev/null); do losetup -d "$l" 2>/dev/null || true; done
	ip netns del htd-dns 2>/dev/null || true
	for i in htd-dv0 htd-dv2 htd-dv4 htd-dv6; do ip link del "$i" 2>/dev/null || true; done
	rm -rf "$HTD_STATE"
}

P() { echo "$LXC_TEST_PATH"; }

# The host node $1 from module $2 (loaded when missing, as in the VM lane), else skip.
host_dev() {
	[ -e "$1" ] || modprobe "$2" 2>/dev/null || true
	[ -e "$1" ] || skip "no $1 on this host (module $2)"
}
# stdin not a terminal: no pty between us and the command (no \r in its output)
in_c() { lxc-attach -P "$(P)" -n "${HTD_C:-htd-d1}" -- /bin/sh -c "$1" </dev/null; }
dev() { lxc-device -P "$(P)" -n "${HTD_C:-htd-d1}" "$@"; }

@test "lxc-device /dev/net/tun: the node works inside; del removes node and rule" {
	host_dev /dev/net/tun tun
	run in_c 'tunctl -t htdtap0'
	[ "$status" -ne 0 ]
	run dev add /dev/net/tun
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the host's type, rdev, mode and owner
	inside=$(in_c 'stat -c "%F %t:%T %a %u:%g" /dev/net/tun')
	host=$(stat -c '%F %t:%T %a %u:%g' /dev/net/tun)
	[ "$inside" = "$host" ]
	run in_c 'tunctl -t htdtap0 && ip link show htdtap0'
	[ "$status" -eq 0 ]
	[[ "$output" == *"htdtap0:"* ]]
	run dev del /dev/net/tun
	[ "$status" -eq 0 ]
	run in_c 'test -e /dev/net/tun'
	[ "$status" -ne 0 ]
	# the rule went with it: a node made inside cannot be opened
	run in_c 'mknod /dev/net/tun c 10 200 && tunctl -t htdtap1; s=$?; rm -f /dev/net/tun; exit $s'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
}

@test "lxc-device: a loop device, at another path with new parent directories" {
	host_dev /dev/loop-control loop
	truncate -s 3M "$HTD_STATE/img"
	loop=$(losetup -f --show "$HTD_STATE/img")
	echo "$loop" >> "$HTD_STATE/loops"
	run dev add "$loop" /dev/htd/disks/vol
	[ "$status" -eq 0 ]
	size=$(in_c 'blockdev --getsize64 /dev/htd/disks/vol')
	[ "$size" = 3145728 ]
	[ "$(in_c 'stat -c %a /dev/htd/disks')" = 755 ]
	run dev del "$loop" /dev/htd/disks/vol
	[ "$status" -eq 0 ]
	minor=$(stat -c '%T' "$loop")
	run in_c "test ! -e /dev/htd/disks/vol && mknod /dev/htdvol b 7 $((16#$minor)) && blockdev --getsize64 /dev/htdvol"
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	in_c 'rm -f /dev/htdvol'
}

@test "lxc-device /dev/fuse: opens after add; del also revokes a rule the config gave" {
	host_dev /dev/fuse fuse
	run dev add /dev/fuse
	[ "$status" -eq 0 ]
	run in_c 'exec 3<>/dev/fuse'
	[ "$status" -eq 0 ]
	run dev del /dev/fuse
	[ "$status" -eq 0 ]
	run in_c 'mknod /dev/fuse c 10 229; exec 3<>/dev/fuse'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	in_c 'rm -f /dev/fuse'
	# devices the config allows and lxc-device did not touch still work
	run in_c 'echo x > /dev/null && head -c 1 /dev/zero | wc -c'
	[ "$status" -eq 0 ]
}

@test "lxc-device: a symlink in the container cannot send the node to the host" {
	host_dev /dev/net/tun tun
	in_c 'mkdir -p /htdlinks && ln -sf /etc /htdlinks/up && ln -sf ../../../../../../etc /htdlinks/dotdot'
	run dev add /dev/net/tun /htdlinks/up/htd-tun
	[ "$status" -eq 0 ]
	run dev add /dev/net/tun /htdlinks/dotdot/htd-tun2
	[ "$status" -eq 0 ]
	[ ! -e /etc/htd-tun ] && [ ! -e /etc/htd-tun2 ]
	[ -c "$(P)/htd-d1/rootfs/etc/htd-tun" ]
	[ -c "$(P)/htd-d1/rootfs/etc/htd-tun2" ]
	dev del /dev/net/tun /etc/htd-tun
	dev del /dev/net/tun /etc/htd-tun2
	[ ! -e "$(P)/htd-d1/rootfs/etc/htd-tun" ]
}

@test "lxc-device on cgroup v1: devices.list gains and loses the rule" {
	needs cgroup1
	[ -d /sys/fs/cgroup/devices ] || skip "no v1 devices controller"
	host_dev /dev/net/tun tun
	dev add /dev/net/tun
	lxc-cgroup -P "$(P)" -n htd-d1 devices.list | grep -qx 'c 10:200 rwm'
	dev del /dev/net/tun
	! lxc-cgroup -P "$(P)" -n htd-d1 devices.list | grep -qx 'c 10:200 rwm'
}

@test "lxc-device on cgroup v2: the device program is replaced, config rules kept" {
	needs cgroup2
	host_dev /dev/net/tun tun
	run in_c 'exec 3</dev/net/tun'
	[ "$status" -ne 0 ]
	dev add /dev/net/tun
	run in_c 'tunctl -t htdtap2 && ip link show htdtap2'
	[ "$status" -eq 0 ]
	dev del /dev/net/tun
	run in_c 'mknod /dev/net/tun c 10 200; exec 3<>/dev/net/tun'
	[ "$status" -ne 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	in_c 'rm -f /dev/net/tun'
	run in_c 'echo x > /dev/null && head -c 1 /dev/urandom | wc -c'
	[ "$status" -eq 0 ]
}

@test "lxc-device: errors name the cause" {
	run dev add /dev/htd-no-such-node
	[ "$status" -eq 1 ]
	[[ "$output" == *'no such device "/dev/htd-no-such-node" on the host'* ]]
	run dev add /etc/hostname
	[ "$status" -eq 1 ]
	[[ "$output" == *'"/etc/hostname" is a regular file, not a device node'* ]]
	run dev add /dev/zero /dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *'destination "/dev/null" already exists in the container (a character device)'* ]]
	run dev add htd-no-such-if
	[ "$status" -eq 1 ]
	[[ "$output" == *'no such network interface "htd-no-such-if" on the host'* ]]
	run dev del htd-no-such-if
	[[ "$output" == *'no such network interface "htd-no-such-if" in the container'* ]]
	run dev del /dev/htd-no-such-node
	[[ "$output" == *'no device node "/dev/htd-no-such-node" in the container'* ]]
	run lxc-device -P "$(P)" -n htd-d2 add /dev/zero
	[ "$status" -eq 1 ]
	[[ "$output" == *"htd-d2 is not running"* ]]
	run lxc-device -P "$(P)" -n htd-none add /dev/zero
	[[ "$output" == *"htd-none doesn't exist"* ]]
	run lxc-device -P "$(P)" -n htd-d1 move /dev/zero
	[[ "$output" == *'unknown operation "move"'* ]]
	run lxc-device -P "$(P)" add /dev/zero
	[[ "$output" == *"No container name specified"* ]]
	run lxc-device -P "$(P)" -n htd-d1 add
	[ "$status" -eq 1 ]
	[[ "$output" == *"Usage: lxc-device --name=NAME -- add|del DEV [DEST]"* ]]
}

@test "lxc-device: an interface busy in another namespace is named" {
	ip link add htd-dv0 type veth peer name htd-dv1
	ip netns add htd-dns
	ip link set htd-dv1 netns htd-dns
	run dev add htd-dv1
	[ "$status" -eq 1 ]
	[[ "$output" == *'interface "htd-dv1" is busy in another network namespace, the one bound at "/run/netns/htd-dns"'* ]]
	ip netns del htd-dns
	unshare -n sleep 60 &
	holder=$!
	wait_until "[ \"\$(readlink /proc/$holder/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
	ip link add htd-dv2 type veth peer name htd-dv3
	ip link set htd-dv3 netns "$holder"
	run dev add htd-dv3
	kill "$holder"
	[ "$status" -eq 1 ]
	[[ "$output" == *"interface \"htd-dv3\" is busy in another network namespace, that of process $holder (sleep)"* ]]
}

@test "lxc-device: an interface moves in (renamed, up) and back on del and on stop" {
	ip link add htd-dv4 type veth peer name htd-dv5
	ip link set htd-dv4 up
	run lxc-device -P "$(P)" --name=htd-d1 -- add htd-dv4 eth5
	[ "$status" -eq 0 ]
	refute ip link show htd-dv4 2>/dev/null
	run in_c 'ip link show eth5'
	[ "$status" -eq 0 ]
	[[ "$output" == *",UP"* ]]
	run dev add htd-dv4
	[[ "$output" == *'interface "htd-dv4" is already in the container, as "eth5"'* ]]
	run dev del eth5
	[ "$status" -eq 0 ]
	ip link show htd-dv4
	run in_c 'ip link show eth5'
	[ "$status" -ne 0 ]
	# del by the name it had on the host works too
	dev add htd-dv4 eth7
	dev del htd-dv4
	ip link show htd-dv4
	# moved again; the container stops: the monitor gives it back under its own name
	dev add htd-dv4 eth6
	lxc-stop -P "$(P)" -n htd-d1 -k
	ip link show htd-dv4
	ip link show htd-dv5
	lxc-start -P "$(P)" -n htd-d1
}
