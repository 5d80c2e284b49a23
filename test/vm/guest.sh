#!/bin/sh
# PID 1 of the VM lane's guest after switch_root into the overlay of the host's root (whose
# system mounts test/vm/init-overlay made): loads the test modules, runs the job's bats files,
# writes their TAP and "hvm-status N" to /dev/ttyS1 (a file on the host), then powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
umask 022
results=/dev/ttyS1

say() { read -r _up _ < /proc/uptime; echo "hvm-guest: [$_up] $*"; }
report() { echo "$*" > "$results"; }
finish() {
	report "hvm-status $1"
	sync
	# reboot(2) at once (busybox -f); should it fail, PID 1 exiting panics and panic=-1 with
	# qemu's -no-reboot ends the VM all the same
	busybox poweroff -f
	exit "$1"
}
fail() { say "$*"; report "# hvm: guest setup failed: $*"; finish 125; }

# run_bats FILE: bats on one file, its TAP copied to the host as it comes. The file runs in a
# session of its own, watched: still running after HVM_FILE_TIMEOUT seconds (default 300; the
# slowest file takes about 60), it is taken as hung: the TAP gets a "not ok" naming the test
# and what the kernel reports, the console what every process is doing, the session is killed
# and the lane goes on with the next file.
run_bats() {
	_tap=/tmp/hvm-tap
	: > "$_tap"
	# shellcheck disable=SC2086 # HVM_BATS_OPTS holds separate options
	setsid bats --tap ${HVM_BATS_OPTS:-} "$1" < /dev/null > "$_tap" 2>&1 &
	_bats=$!
	tail -n +1 -f --pid=$_bats "$_tap" > "$results" &
	_tail=$!
	(
		trap 'kill $_sleep 2>/dev/null; exit 0' TERM
		sleep "${HVM_FILE_TIMEOUT:-300}" &
		_sleep=$!
		wait $_sleep
		hang_verdict "$1" "$_tap"
		# reading /proc can block on a task stuck in the kernel: the report runs aside and
		# gets a while, the kill comes regardless
		hang_report < /dev/null &
		sleep 20
		kill -s KILL -- -"$_bats"
	) &
	_watch=$!
	wait $_bats
	_rc=$?
	kill $_watch 2>/dev/null
	wait $_watch $_tail
	return $_rc
}

# hang_verdict FILE TAP: the "not ok" of the test of FILE that hangs (the one after the last
# result in TAP), with the kernel's own word when it has one (a soft lockup, a hung task).
hang_verdict() {
	_done=$(grep -cE '^(not )?ok ' "$2")
	_name=$(awk -v n=$((_done + 1)) '/^@test / && ++i == n { sub(/^@test +"/, ""); sub(/" *\{ *$/, ""); print }' "$1")
	_kernel=$(dmesg 2>/dev/null | grep -m1 -E 'soft lockup|blocked for more than|self-detected stall|BUG:|Oops' | sed 's/^\[[^]]*\] *//')
	echo "not ok - ${1#"$LXC_TOP"/}: test $((_done + 1)) ($_name) hung: still running after ${HVM_FILE_TIMEOUT:-300}s; killed${_kernel:+; the kernel: $_kernel} (processes and kernel stacks on the guest's console)" >> "$2"
	say "${1#"$LXC_TOP"/}: test $((_done + 1)) still running after ${HVM_FILE_TIMEOUT:-300}s; what the processes are doing:"
}

# hang_report: the kernel's view first (it cannot block: blocked tasks, then every CPU's
# backtrace, which shows a task spinning in the kernel), then each process's name and kernel
# stack from /proc, every read bounded.
hang_report() {
	echo w > /proc/sysrq-trigger
	echo l > /proc/sysrq-trigger
	sleep 1
	timeout -s KILL 10 ps --ppid 2 -p 2 --deselect -o pid,ppid,pgid,stat,wchan:32,etimes,args
	for _p in /proc/[0-9]*; do
		[ -e "$_p/exe" ] || continue	# a kernel thread
		say "kernel stack of ${_p#/proc/} ($(timeout -s KILL 2 cat "$_p/comm")):"
		timeout -s KILL 2 cat "$_p/stack"
	done
}

say "stage 2 started"
[ -f /sys/fs/cgroup/cgroup.subtree_control ] || fail "stage 1 left no cgroup2 at /sys/fs/cgroup"

for arg in $(cat /proc/cmdline); do
	case $arg in hvm.job=*) job=${arg#hvm.job=} ;; esac
done
[ -n "${job:-}" ] && [ -f "$job" ] || fail "no readable hvm.job= file (${job:-unset})"
. "$job"
: "${HVM_KVER:?}" "${HVM_KTREE:?}" "${LXC_TOP:?}"

say "loading modules: ${HVM_MODULES:-}"
# The kernel's modules come from the unpacked package on the shared root.
mkdir -p "/lib/modules/$HVM_KVER"
mount --bind "$HVM_KTREE/lib/modules/$HVM_KVER" "/lib/modules/$HVM_KVER" || fail "bind /lib/modules"
for m in ${HVM_MODULES:-}; do
	modprobe "$m" || fail "modprobe $m"
done

say "modules loaded"
hostname hvm
ip link set lo up || fail "bring up lo"
stty -F "$results" raw -echo 2>/dev/null
read -r up _ < /proc/uptime
report "# hvm: guest ready after ${up}s (kernel $(uname -r))"

cd "$LXC_TOP" || fail "cd $LXC_TOP"
export LXC_TOP LXC_BIN="$LXC_TOP/build/lxc" PATH="$LXC_TOP/build/bin:$PATH" HVM_GUEST=1
if [ -n "${HVM_CMD:-}" ]; then
	# test/vm/run's VM_CMD: a bash script instead of the suites (to measure, to debug)
	bash "$HVM_CMD" < /dev/null > "$results" 2>&1
else
	# One bats per file, timed (TCG is slow: the lane has a time budget). stdin is not the
	# console: a tool that finds a terminal there (lxc-attach makes a pty) would behave
	# otherwise than under CI.
	rc=0
	for f in $HVM_FILES; do
		read -r t0 _ < /proc/uptime
		run_bats "$f" || rc=1
		read -r t1 _ < /proc/uptime
		report "# hvm: ${f#"$LXC_TOP"/}: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')s"
	done
	(exit $rc)
fi
rc=$?
read -r end _ < /proc/uptime
report "# hvm: suites done after ${end}s"
finish $rc
