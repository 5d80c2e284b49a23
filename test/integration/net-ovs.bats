#!/usr/bin/env bats
# Open vSwitch: lxc.net.N.link naming an OVS bridge puts the host veth on it with
# "ovs-vsctl --may-exist add-port" and takes it off with "del-port" on stop and after a
# monitor crash. A private ovsdb-server and an ovs-vswitchd run for the test, the switch in
# the test's network namespace: with the kernel datapath where the kernel has the
# openvswitch module (VM lane), with the userspace one otherwise (this host).

load helpers
load net-lib

setup_file() {
	needs root
	command -v ovs-vswitchd > /dev/null && command -v ovsdb-server > /dev/null ||
		skip "needs Open vSwitch (ovs-vswitchd, ovsdb-server)"
	hr_setup ovs
	HR_OVS=$(mktemp -d /tmp/hnr-ovs.XXXXXX)
	# ovs-vsctl, also the one the monitor runs, finds the private database through these
	export OVS_RUNDIR=$HR_OVS OVS_DBDIR=$HR_OVS OVS_LOGDIR=$HR_OVS HR_OVS
	ovsdb-tool create "$HR_OVS/conf.db" /usr/share/openvswitch/vswitch.ovsschema
	ovsdb-server "$HR_OVS/conf.db" --remote="punix:$HR_OVS/db.sock" --pidfile="$HR_OVS/ovsdb-server.pid" \
		--detach --log-file="$HR_OVS/ovsdb-server.log"
	ovs-vsctl --no-wait init
	in_ns ovs-vswitchd "unix:$HR_OVS/db.sock" --pidfile="$HR_OVS/ovs-vswitchd.pid" --detach \
		--log-file="$HR_OVS/ovs-vswitchd.log"
	HR_OVS_DP=netdev
	! modprobe openvswitch 2>/dev/null || HR_OVS_DP=system
	export HR_OVS_DP
	ovs-vsctl --timeout=20 add-br hrovs0 -- set bridge hrovs0 "datapath_type=$HR_OVS_DP"
	ip -n "$HR_NS" link set hrovs0 up
	for c in o1 o2; do
		n=${c#o}
		hr_create "$c" <<-EOF
		lxc.net.0.type = veth
		lxc.net.0.link = hrovs0
		lxc.net.0.veth.pair = hrov$n
		lxc.net.0.flags = up
		lxc.net.0.ipv4.address = 10.214.10.$n/24
		EOF
	done
}

teardown_file() {
	lxc_cleanup_path
	if [ -n "${HR_OVS:-}" ]; then
		ovs-vsctl --timeout=5 --if-exists del-br hrovs0 || true
		for d in ovs-vswitchd ovsdb-server; do
			[ ! -f "$HR_OVS/$d.pid" ] || kill "$(cat "$HR_OVS/$d.pid")" 2>/dev/null || true
		done
		for d in ovs-vswitchd ovsdb-server; do
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				[ -f "$HR_OVS/$d.pid" ] && [ -d "/proc/$(cat "$HR_OVS/$d.pid")" ] || break
				sleep 0.2
			done
		done
		rm -rf "$HR_OVS"
	fi
	[ -z "${HR_NS:-}" ] || ip netns del "$HR_NS" 2>/dev/null || true
}

ports() {
	ovs-vsctl --timeout=10 list-ports hrovs0 | tr '\n' ' '
}

@test "two containers on an OVS bridge: their veths become ports, and they exchange packets" {
	before=$(hr_links)
	hr_start o1
	hr_start o2
	[ "$(ports)" = "hrov1 hrov2 " ]
	# the ports are the kernel's veths, handled by the switch (not a kernel bridge): the
	# kernel datapath shows as their master "ovs-system", the userspace one not at all
	run ip -n "$HR_NS" -o link show hrov1
	if [ "$HR_OVS_DP" = system ]; then
		[[ "$output" == *" master ovs-system "* ]]
	else
		[[ "$output" != *" master "* ]]
	fi
	wait_until "hr_attach o1 ping -c1 -W1 10.214.10.2 > /dev/null" 100
	run hr_attach o2 ping -c3 -W3 10.214.10.1
	[ "$status" -eq 0 ]
	[[ "$output" == *"3 packets received"* ]]
	hr_stop o1
	hr_stop o2
	[ "$(ports)" = "" ]
	[ "$(hr_links)" = "$before" ]
}

@test "the kernel datapath: the container's veth is a port of the kernel's datapath" {
	needs openvswitch
	[ "$HR_OVS_DP" = system ]
	hr_start o1
	run in_ns ovs-dpctl show
	[[ "$output" == *": hrov1"* ]]
	hr_stop o1
	run in_ns ovs-dpctl show
	[[ "$output" != *"hrov1"* ]]
}

@test "lxc-info names the OVS port as the container's link" {
	hr_start o1
	run lxc-info -P "$LXC_TEST_PATH" -n o1
	[[ "$output" == *"Link:           hrov1"* ]]
	hr_stop o1
}

@test "a port left by a previous run is taken over (--may-exist), and removed at stop" {
	ovs-vsctl --timeout=10 add-port hrovs0 hrov1
	hr_start o1
	[ "$(ports)" = "hrov1 " ]
	hr_stop o1
	[ "$(ports)" = "" ]
}

@test "kill -9 of the monitor: the guard deletes the OVS port" {
	before=$(hr_links)
	hr_start o2
	[ "$(ports)" = "hrov2 " ]
	init=$(hr_pid o2)
	monitor=$(awk '/^PPid:/ { print $2 }' "/proc/$init/status")
	guard=$(guard_of "$monitor")
	kill -9 "$monitor"
	wait_until "[ ! -d /proc/$guard ]" 100
	[ "$(ports)" = "" ]
	wait_until '[ "$(hr_links)" = "$before" ]'
	[ "$(hr_links)" = "$before" ]
}
