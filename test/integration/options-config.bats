#!/usr/bin/env bats
# Container config keys as the running container sees them: uts, environment, init
# command/ids/cwd, prlimits, sysctls, no_new_privs, signals, lxc.proc.*, capabilities
# and a user namespace (lxc.idmap).

load helpers
load runtime_helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/hsc-cfg.XXXXXX)
	make_busybox hscc
	cp "$LXC_TEST_PATH/hscc/config" "$LXC_TEST_PATH/config.orig"
}

teardown_file() {
	lxc_cleanup_path
}

teardown() {
	lxc-stop -P "$LXC_TEST_PATH" -n hscc -k >/dev/null 2>&1 || true
	cp "$LXC_TEST_PATH/config.orig" "$LXC_TEST_PATH/hscc/config"
}

P() { echo "$LXC_TEST_PATH"; }
in_ct() { lxc-attach -P "$(P)" -n hscc -- "$@"; }
# start hscc with these extra config lines (printf format)
start_with() {
	printf "$1\n" >> "$(P)/hscc/config"
	lxc-start -P "$(P)" -n hscc
	pid=$(init_pid hscc)
	[ -n "$pid" ]
}
status_field() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$pid/status; }

@test "lxc.uts.name, lxc.environment and container=lxc reach init" {
	start_with 'lxc.uts.name = hsc-uts\nlxc.environment = HSC_A=1\nlxc.environment = HSC_B=two words'
	run in_ct /bin/hostname
	[ "$output" = hsc-uts ]
	run bash -c "tr '\0' '\n' < /proc/$pid/environ | sort"
	echo "$output"
	[[ "$output" == *"container=lxc"* ]]
	[[ "$output" == *"HSC_A=1"* ]]
	[[ "$output" == *"HSC_B=two words"* ]]
	# nothing of the caller's environment leaks into init
	HSC_LEAK=1 lxc-stop -P "$(P)" -n hscc -k
	HSC_LEAK=1 lxc-start -P "$(P)" -n hscc
	pid=$(init_pid hscc)
	! tr '\0' '\n' < /proc/$pid/environ | grep -q HSC_LEAK
}

@test "lxc.init.cmd (quoted words), lxc.init.uid, lxc.init.gid, lxc.init.cwd" {
	start_with "lxc.init.cmd = /bin/sh -c 'echo \$\$ > /tmp/hsc-init; exec sleep 1000'\nlxc.init.uid = 1000\nlxc.init.gid = 1001\nlxc.init.cwd = /tmp"
	[ "$(tr '\0' ' ' < /proc/$pid/cmdline)" = "sleep 1000 " ]
	[ "$(status_field Uid)" = 1000 ]
	[ "$(status_field Gid)" = 1001 ]
	[ "$(readlink /proc/$pid/cwd)" = "$(P)/hscc/rootfs/tmp" ] || [ "$(readlink /proc/$pid/cwd)" = /tmp ]
	run in_ct /bin/cat /tmp/hsc-init
	[ "$output" = 1 ]
	# still dies with its monitor after the uid change (PDEATHSIG set again)
	[ "$(status_field CapEff)" = 0000000000000000 ]
}

@test "lxc.init.cmd: an unbalanced quote is refused before anything is set up" {
	printf "lxc.init.cmd = /bin/sh -c 'oops\n" >> "$(P)/hscc/config"
	run lxc-start -P "$(P)" -n hscc
	[ "$status" -eq 1 ]
	[[ "$output" == *"lxc.init.cmd: unbalanced '"* ]]
	run leftovers "$(P)" hscc
	[ -z "$output" ]
}

@test "lxc.prlimit.*" {
	start_with 'lxc.prlimit.nofile = 1024:2048\nlxc.prlimit.core = 0\nlxc.prlimit.nproc = 3000:4000'
	run grep -E "^Max (open files|core file size|processes) " /proc/$pid/limits
	echo "$output"
	[[ "$output" == *"Max open files            1024                 2048"* ]]
	[[ "$output" == *"Max core file size        0                    0"* ]]
	[[ "$output" == *"Max processes             3000                 4000"* ]]
}

@test "lxc.sysctl.* in the container's namespaces only" {
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	host_msgmax=$(cat /proc/sys/kernel/msgmax)
	start_with 'lxc.sysctl.net.ipv4.ip_forward = 1\nlxc.sysctl.kernel.msgmax = 12345'
	run in_ct /bin/cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 12345 ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
	[ "$(cat /proc/sys/kernel/msgmax)" = "$host_msgmax" ]
}

@test "lxc.no_new_privs: init and attached processes" {
	start_with 'lxc.no_new_privs = 1'
	[ "$(status_field NoNewPrivs)" = 1 ]
	run in_ct /bin/sh -c 'grep ^NoNewPrivs /proc/self/status'
	[ "$output" = "NoNewPrivs:	1" ]
	lxc-stop -P "$(P)" -n hscc -k
	cp "$(P)/config.orig" "$(P)/hscc/config"
	start_with ''
	[ "$(status_field NoNewPrivs)" = 0 ]
}

@test "lxc.proc.*" {
	start_with 'lxc.proc.oom_score_adj = 123'
	[ "$(cat /proc/$pid/oom_score_adj)" = 123 ]
}

@test "lxc.signal.halt and lxc.signal.stop are what lxc-stop sends" {
	start_with "lxc.signal.halt = SIGUSR2\nlxc.signal.stop = SIGQUIT\nlxc.init.cmd = /bin/sh -c 'trap \"echo halt > /hsc-sig; exit 0\" USR2; trap \"echo stop > /hsc-sig; exit 0\" QUIT; while :; do sleep 0.1; done'"
	run lxc-stop -P "$(P)" -n hscc -t 10
	[ "$status" -eq 0 ]
	[ "$(cat "$(P)/hscc/rootfs/hsc-sig")" = halt ]
	lxc-start -P "$(P)" -n hscc
	run lxc-stop -P "$(P)" -n hscc -k
	[ "$status" -eq 0 ]
	[ "$(cat "$(P)/hscc/rootfs/hsc-sig")" = stop ]
	rm -f "$(P)/hscc/rootfs/hsc-sig"
}

@test "lxc.cap.drop: bounding, permitted and effective sets lose the caps; inheritable and ambient are empty" {
	start_with 'lxc.cap.drop = net_raw sys_admin'
	for set in CapBnd CapPrm CapEff; do
		v=$(status_field $set)
		echo "$set=$v"
		[ $((0x$v >> 13 & 1)) -eq 0 ]
		[ $((0x$v >> 21 & 1)) -eq 0 ]
		[ $((0x$v & 1)) -eq 1 ] # chown is still there
	done
	[ "$(status_field CapInh)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
	run in_ct /bin/sh -c 'grep -E "^Cap(Bnd|Inh|Amb)" /proc/self/status'
	[[ "${lines[0]}" == "CapInh:	0000000000000000" ]]
	[ "${lines[1]#*	}" = "$(status_field CapBnd)" ]
	[[ "${lines[2]}" == "CapAmb:	0000000000000000" ]]
	# and it is enforced: no raw sockets
	run in_ct /bin/ping -c 1 -W 1 127.0.0.1
	[ "$status" -ne 0 ]
}

@test "lxc.cap.keep: exactly those caps in bounding, permitted and effective" {
	start_with 'lxc.cap.drop =\nlxc.cap.keep = chown net_admin sys_admin setuid setgid'
	want=$(printf '%016x' $(((1 << 0) | (1 << 12) | (1 << 21) | (1 << 7) | (1 << 6))))
	for set in CapBnd CapPrm CapEff; do
		[ "$(status_field $set)" = "$want" ]
	done
	[ "$(status_field CapInh)" = 0000000000000000 ]
	[ "$(status_field CapAmb)" = 0000000000000000 ]
}

@test "lxc.idmap: a user namespace with the uid map, on a rootfs chowned for the mapped root" {
	make_busybox hscu
	chmod 755 "$(P)"
	chown 100000:100000 "$(P)/hscu"
	chown -R -h 100000:100000 "$(P)/hscu/rootfs"
	printf 'lxc.idmap = u 0 100000 65536\nlxc.idmap = g 0 100000 65536\n' >> "$(P)/hscu/config"
	lxc-start -P "$(P)" -n hscu
	pid=$(lxc-info -P "$(P)" -n hscu -p | awk '{ print $2 }')
	run lxc-attach -P "$(P)" -n hscu -- /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	echo "$output"
	[ "$(echo ${lines[0]})" = "0 100000 65536" ]
	[ "$(echo ${lines[1]})" = "0 100000 65536" ]
	[ "${lines[2]}" = 0 ]
	# on the host the container's root is uid 100000
	[ "$(status_field Uid)" = 100000 ]
	[ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ]
	lxc-stop -P "$(P)" -n hscu -k
	run leftovers "$(P)" hscu
	[ -z "$output" ]
	lxc-destroy -P "$(P)" -n hscu
}
