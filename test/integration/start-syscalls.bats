#!/usr/bin/env bats
# What a start asks of the kernel (strace of a real lxc-execute): the cheap forms chosen on
# purpose, each of which a refactoring could silently undo. Times are in make bench.

load helpers

setup_file() {
	lxc_test_path > /dev/null # a fresh lxcpath, exported for the tests
	make_busybox hsy
}

teardown_file() {
	lxc_cleanup_path
}

P() { echo "$LXC_TEST_PATH"; }

# strace_execute PREFIX [STRACE OPTIONS...]: lxc-execute -- /bin/true under strace, one
# file per process (PREFIX.PID: no interleaved lines); prints the monitor's file
strace_execute() {
	local prefix=$1
	shift
	strace -ff -qq -o "$prefix" "$@" lxc-execute -P "$(P)" -n hsy -- /bin/true
	grep -l '^execve(".*lxc-execute"' "$prefix".*
}

@test "no open is followed by an fcntl(F_SETFD) on its fd (open.c: musl adds one for old kernels)" {
	needs root
	strace_execute "$BATS_TEST_TMPDIR/st" -e trace=execve,open,openat,fcntl > /dev/null
	run awk '
		FNR == 1 { delete last }
		/^(open|openat)\(/ && / = [0-9]+$/ { last[1] = $NF; next }
		/^fcntl\(/ { split($1, a, /[(,]/); if (a[2] == last[1] && /F_SETFD/) bad++ }
		{ delete last }
		END { print bad + 0 }' "$BATS_TEST_TMPDIR"/st.*
	[ "$output" = 0 ]
	# the check sees opens at all
	[ "$(cat "$BATS_TEST_TMPDIR"/st.* | grep -cE '^open(at)?\(')" -gt 20 ]
}

@test "cgroup v1: the monitor moves itself as a thread (\"0\" to tasks, no threadgroup lock), in and out of lxc.monitor.NAME" {
	needs root cgroup1
	mon=$(strace_execute "$BATS_TEST_TMPDIR/st" -e trace=execve,openat,write)
	pid=${mon##*.}
	v1=$(awk -F: '$1 != 0 { n++ } END { print n }' /proc/self/cgroup)
	# into its cgroup while init execs, out of it before removing it: twice per hierarchy
	run awk '
		/^openat\(/ { if (/"tasks", O_WRONLY/) fd[$NF] = 1; else delete fd[$NF]; next }
		/^write\(/ { split($1, a, /[(,]/); if (a[2] in fd && /, "0", 1\) += 1$/) n++ }
		END { print n + 0 }' "$mon"
	[ "$output" = $((2 * v1)) ]
	# and never writes its own pid anywhere (cgroup.procs would take the global lock)
	! grep -q "^write([0-9]*, \"$pid\"" "$mon"
}

@test "cgroup v1: a running monitor is in lxc.monitor.NAME and init in lxc.payload.NAME in every hierarchy; stop removes both" {
	needs root cgroup1
	lxc-start -P "$(P)" -n hsy -d -- sleep 1000
	init=$(lxc-info -P "$(P)" -n hsy -p | awk '{ print $2 }')
	monitor=$(awk '$1 == "PPid:" { print $2 }' "/proc/$init/status")
	v1=$(awk -F: '$1 != 0 { n++ } END { print n }' /proc/self/cgroup)
	[ "$(grep -c ':/.*lxc\.monitor\.hsy$' "/proc/$monitor/cgroup")" -ge "$v1" ]
	[ "$(grep -c ':/.*lxc\.payload\.hsy$' "/proc/$init/cgroup")" -ge "$v1" ]
	lxc-stop -P "$(P)" -n hsy -k
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d \( -name lxc.monitor.hsy -o -name lxc.payload.hsy \))" ]
}

@test "the guard shares the monitor's memory (clone with CLONE_VM, no fork) and, after a normal exit, execs nothing" {
	needs root
	mon=$(strace_execute "$BATS_TEST_TMPDIR/st" -e trace=execve,clone,clone3,fork,vfork)
	grep -E '^clone\(.*flags=CLONE_VM\|SIGCHLD\) = [0-9]+$' "$mon"
	refute grep -qE '^(fork|vfork)\(' "$mon"
	guard=$(grep -E '^clone\(.*CLONE_VM' "$mon" | awk '{ print $NF }')
	[ -f "$BATS_TEST_TMPDIR/st.$guard" ]
	refute grep -q '^execve(' "$BATS_TEST_TMPDIR/st.$guard"
}

@test "what is slow to free goes to the guard: mount namespace, sealed binary, console pty (freed after lxc-execute returns)" {
	needs root
	mon=$(strace_execute "$BATS_TEST_TMPDIR/st" -e trace=execve,socketpair,sendmsg -y)
	sock=$(grep -m1 -oE '^socketpair\(AF_UNIX, SOCK_DGRAM\|SOCK_CLOEXEC, 0, \[[0-9]+' "$mon" | grep -oE '[0-9]+$')
	[ -n "$sock" ]
	run grep -E "^sendmsg\($sock<.*SCM_RIGHTS" "$mon"
	echo "$output"
	[ "${#lines[@]}" -eq 4 ]
	[[ "$output" == *"mnt:["* ]]
	[[ "$output" == *"/memfd:lxc"* ]]
	[[ "$output" == *"/dev/ptmx"* || "$output" == *"/dev/pts/"* ]]
}

@test "the monitor enters its own cgroup once init has exec'd (EOF on the sync socket), not while it execs" {
	needs root
	mon=$(strace_execute "$BATS_TEST_TMPDIR/st" -y -e trace=execve,recvmsg,write)
	run awk '/^recvmsg\(.*\) = 0$/ && !eof { eof = NR }
		/^write\([0-9]+<[^>]*lxc\.monitor\.[^>]*\/(tasks|cgroup\.procs)>/ && !w { w = NR }
		END { print eof + 0, w + 0 }' "$mon"
	echo "$output"
	eof=${output% *} w=${output#* }
	[ "$eof" -gt 0 ] && [ "$w" -gt "$eof" ]
}
