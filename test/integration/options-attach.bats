#!/usr/bin/env bats
# lxc-attach options: namespace selection, elevated privileges, environment, -R, ids,
# exit status, a pty for terminals and plain pipes otherwise, signal forwarding.

load helpers
load runtime_helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/hsc-att.XXXXXX)
	make_busybox hsca
	# something to tell the elevated capability set from the container's
	echo 'lxc.cap.drop = sys_nice' >> "$LXC_TEST_PATH/hsca/config"
	lxc-start -P "$LXC_TEST_PATH" -n hsca
}

teardown_file() {
	lxc_cleanup_path
}

P() { echo "$LXC_TEST_PATH"; }
att() { lxc-attach -P "$(P)" -n hsca "$@"; }

@test "exit status is propagated; a command killed by a signal gives 128+N" {
	run att -- /bin/sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run att -- /bin/sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	run att -- /nonexistent/cmd
	[ "$status" -ne 0 ]
	[[ "$output" == *'failed to exec "/nonexistent/cmd"'* ]]
}

@test "-s selects namespaces: UTSNAME only keeps the host's mounts and pids" {
	run att -s UTSNAME -- /bin/hostname
	[ "$output" = hsca ]
	# the command came from the host's file system, and sees the host's processes
	run att -s UTSNAME -- /bin/sh -c 'test -d /proc/$PPID && echo host-pids; test -e '"$(P)"' && echo host-fs'
	[[ "$output" == *host-pids* ]]
	[[ "$output" == *host-fs* ]]
	run att -s 'UTSNAME|NETWORK' -- /bin/sh -c 'readlink /proc/self/ns/net'
	[ "$output" = "$(readlink /proc/$(init_pid hsca)/ns/net)" ]
	run att -s 'MOUNT|PID' -- /bin/sh -c 'echo $$; test -e '"$(P)"' || echo own-fs'
	[ "${lines[0]}" -lt 100 ]
	[ "${lines[1]}" = own-fs ]
	run att -s BOGUS -- /bin/true
	[ "$status" -eq 1 ]
}

@test "-e elevates privileges: the container's capability bounding set only without it" {
	bnd() { awk '/^CapBnd/ { print $2 }'; }
	inside=$(att -- /bin/sh -c 'cat /proc/self/status' | bnd)
	elevated=$(att -e -- /bin/sh -c 'cat /proc/self/status' | bnd)
	cap=$(att --elevated-privileges=CAP -- /bin/sh -c 'cat /proc/self/status' | bnd)
	init=$(bnd < /proc/$(init_pid hsca)/status)
	echo "inside=$inside elevated=$elevated cap=$cap init=$init"
	[ "$inside" = "$init" ]
	[ "$elevated" != "$inside" ]
	[ "$cap" = "$elevated" ]
	# sys_nice (23) is dropped inside
	[ $((0x$inside >> 23 & 1)) -eq 0 ]
	[ $((0x$elevated >> 23 & 1)) -eq 1 ]
	# -e CGROUP: stays in our own cgroup
	# -e CGROUP: the command stays in our cgroup, outside the container's cgroup root
	run att -eCGROUP -- /bin/sh -c 'grep -c ":/\.\." /proc/self/cgroup'
	[ "$output" -ge 1 ]
	run att -- /bin/sh -c 'grep -c ":/\.\." /proc/self/cgroup'
	[ "$output" = 0 ]
	run att --elevated-privileges=BOGUS -- /bin/true
	[ "$status" -eq 1 ]
}

@test "environment: kept by default, --clear-env, --keep-var, -v" {
	export HSC_HOST_VAR=from-host HSC_KEEP=kept
	run att -- /bin/sh -c 'echo "$HSC_HOST_VAR $container"'
	[ "$output" = "from-host lxc" ]
	run att --keep-env -- /bin/sh -c 'echo "$HSC_HOST_VAR"'
	[ "$output" = from-host ]
	run att --clear-env -- /bin/sh -c 'env | sort | cut -d= -f1 | tr "\n" " "'
	echo "$output"
	[[ "$output" != *HSC_HOST_VAR* ]]
	[[ "$output" == *container* ]]
	run att --clear-env --keep-var HSC_KEEP -v HSC_SET=set -v HSC_SET2='a b' -- \
		/bin/sh -c 'echo "$HSC_KEEP|$HSC_SET|$HSC_SET2|${HSC_HOST_VAR:-unset}"'
	[ "$output" = "kept|set|a b|unset" ]
}

@test "-R remounts /proc and /sys when the mount namespace is not joined" {
	run att -s PID -- /bin/sh -c 'ls /proc | grep -c "^[0-9]"'
	host=$output
	run att -s PID -R -- /bin/sh -c 'ls /proc | grep -c "^[0-9]"'
	echo "without -R: $host, with -R: $output"
	[ "$output" -lt 20 ]
	[ "$host" -gt "$output" ]
	# and the host's /proc was not touched
	[ "$(ls /proc | grep -c '^[0-9]')" -gt 20 ]
}

@test "-u and -g run the command with those ids" {
	run att -u 1000 -g 1001 -- /bin/sh -c 'id -u; id -g; grep ^CapEff /proc/self/status'
	echo "$output"
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	[ "${lines[2]}" = "CapEff:	0000000000000000" ]
	run att -u nobody -- /bin/true
	[ "$status" -eq 1 ]
}

@test "plain pipes without a terminal: stdin, stdout and stderr as given" {
	run bash -c "echo piped-in | lxc-attach -P $(P) -n hsca -- /bin/sh -c '[ -t 0 ] || echo no-tty; cat; echo to-err >&2' 2>/dev/null"
	[ "${lines[0]}" = no-tty ]
	[ "${lines[1]}" = piped-in ]
	[ "${#lines[@]}" -eq 2 ]
	run att -- /bin/sh -c 'readlink /proc/self/fd/1' < /dev/null
	[[ "$output" == pipe:* ]]
}

@test "a pty when stdin is a terminal (under script), from the container's devpts" {
	run bash -c "sleep 3 | timeout 20 script -qec \"lxc-attach -P $(P) -n hsca -- /bin/sh -c '[ -t 0 ] && [ -t 1 ] && echo pty-yes; t=\\\$(tty) && [ -c \\\$t ] && echo name-resolves:\\\$t; readlink /proc/self/fd/0'\" /dev/null"
	echo "$output"
	[[ "$output" == *pty-yes* ]]
	# its name means something inside (tty, ttyname): the container's own devpts
	[[ "$output" == *"name-resolves:/dev/pts/"* ]]
	# -u: the terminal belongs to the user it runs as
	run bash -c "sleep 3 | timeout 20 script -qec \"lxc-attach -P $(P) -n hsca -u 1000 -g 1000 -- /bin/sh -c 'stat -c %u:%g \\\$(tty)'\" /dev/null"
	[[ "$output" == *"1000:1000"* ]]
	# not the caller's terminal: a new pty
	[[ "$output" != *"$(tty 2>/dev/null || echo none)"* ]]
	# with stdout redirected, output still goes where it was sent
	out=$(P)/attach.out
	run bash -c "sleep 3 | timeout 20 script -qec \"lxc-attach -P $(P) -n hsca -- /bin/sh -c 'echo to-file; [ -t 1 ] || echo stdout-not-tty' > $out\" /dev/null"
	[ "$(cat "$out")" = "to-file
stdout-not-tty" ]
}

@test "signals to lxc-attach reach the attached command (no pty)" {
	rm -f "$(P)/hsca/rootfs/hsc-ready"
	lxc-attach -P "$(P)" -n hsca -- /bin/sh -c 'trap "exit 7" TERM; touch /hsc-ready; sleep 100 & wait' </dev/null &
	pid=$!
	wait_until "[ -e $(P)/hsca/rootfs/hsc-ready ]" 100
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 7 ]
	run att -- /bin/sh -c 'ps -o args | grep -c "^[s]leep 100"'
	[ "$output" -le 1 ]
}
