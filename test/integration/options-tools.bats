#!/usr/bin/env bats
# lxc-unshare and lxc-usernsexec.

load helpers

teardown() {
	ip link del hscu0 2>/dev/null || true
	rm -rf "${HSC_TMP:-/nonexistent}"
}

@test "lxc-unshare -s UTSNAME -H: a hostname of its own; exit status propagated" {
	host=$(hostname)
	run lxc-unshare -s UTSNAME -H hsc-unshared -- /bin/hostname
	[ "$output" = hsc-unshared ]
	[ "$(hostname)" = "$host" ]
	run lxc-unshare -s UTSNAME -- /bin/sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run lxc-unshare -s BOGUS -- /bin/true
	[ "$status" -eq 1 ]
}

@test "lxc-unshare -s 'PID|MOUNT' -M: pid 1 with its own /proc" {
	run lxc-unshare -s 'PID|MOUNT' -M -- /bin/sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" -lt 5 ]
	# the host's /proc is untouched
	[ "$(ls /proc | grep -c '^[0-9]')" -gt 5 ]
}

@test "lxc-unshare -s NETWORK -i: only lo and the moved interface" {
	run lxc-unshare -s NETWORK -- ip -o link
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "1: lo:"* ]]
	ip link add hscu0 type veth peer name hscu1
	run lxc-unshare -s NETWORK -i hscu1 -- /bin/sh -c "ip -o link | awk '{ print \$2 }'"
	[ "${lines[0]}" = "lo:" ]
	[[ "${lines[1]}" == hscu1@* ]]
	# moved away: gone from the host while it ran, the pair destroyed with the namespace
	! ip link show hscu1 2>/dev/null
}

@test "lxc-unshare -u: runs as that user; -d: does not wait" {
	run lxc-unshare -s UTSNAME -u 1000 -- /bin/sh -c 'id -u'
	[ "$output" = 1000 ]
	HSC_TMP=$(mktemp -d /tmp/hsc-tools.XXXXXX)
	start=$(date +%s%N)
	lxc-unshare -s UTSNAME -H hsc-daemon -d -- /bin/sh -c "sleep 3; hostname > $HSC_TMP/out" >/dev/null 2>&1
	[ $((($(date +%s%N) - start) / 1000000)) -lt 2500 ]
	[ ! -e "$HSC_TMP/out" ]
	wait_until "[ -s $HSC_TMP/out ]" 100
	[ "$(cat "$HSC_TMP/out")" = hsc-daemon ]
}

@test "lxc-usernsexec -m: root in a user namespace with that map" {
	run lxc-usernsexec -m b:0:100000:65536 -- /bin/sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u'
	echo "$output"
	[ "$(echo ${lines[0]})" = "0 100000 65536" ]
	[ "$(echo ${lines[1]})" = "0 100000 65536" ]
	[ "${lines[2]}" = 0 ]
	# a file it creates belongs to the mapped host id
	HSC_TMP=$(mktemp -d /tmp/hsc-tools.XXXXXX)
	chmod 777 "$HSC_TMP"
	lxc-usernsexec -m u:0:100000:1 -m g:0:100000:1 -- /bin/touch "$HSC_TMP/made"
	[ "$(stat -c %u:%g "$HSC_TMP/made")" = 100000:100000 ]
	run lxc-usernsexec -m u:0:100000:1 -m g:0:100000:1 -- /bin/sh -c 'exit 4'
	[ "$status" -eq 4 ]
	run lxc-usernsexec -m x:0:1:1 -- /bin/true
	[ "$status" -eq 1 ]
}
