# Shared setup for the bats suites: the binary under test, a private lxcpath per
# test file, and kernel-feature tags ("# needs: cgroup2 apparmor") that skip with a reason.
bats_require_minimum_version 1.5.0

# make check sets BATS_TEST_TIMEOUT: bats then runs its countdown as a background job of
# the test's shell, so a test waits for its own jobs by pid ($!), never with a bare `wait`
# or `wait %1`.
LXC_TOP=${LXC_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
LXC_BIN=${LXC_BIN:-$LXC_TOP/build/lxc}
export PATH="$LXC_TOP/build/bin:$PATH"

# start_settled LXCPATH NAME: lxc-start, then wait (up to 5 s) until the container's processes,
# their states and open files look the same twice 0.1 s apart. busybox's init starts a getty
# on tty1 as the start returns; CRIU refuses a dump that catches it half-way through its tty
# setup ("ctty inheritance detected sid/pgrp N, no PTY peer"), so a test that dumps starts so.
start_settled() {
	local init prev= cur p
	lxc-start -P "$1" -n "$2" || return
	init=$(lxc-info -P "$1" -n "$2" -p | awk '{ print $2 }')
	for _ in $(seq 50); do
		cur=$(for p in $(pgrep --ns "$init" --nslist pid); do
			echo "$p $(cut -d' ' -f3 "/proc/$p/stat" 2>/dev/null) $(ls -l "/proc/$p/fd" 2>/dev/null | awk '{ print $9, $11 }' | tr '\n' ' ')"
		done)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.1
	done
	echo "$2: its processes did not settle within 5 s" >&2
	return 1
}

# A bare `! CMD` fails a bats test only as its last line (errexit ignores negated
# commands): elsewhere an assertion that CMD fails is `refute CMD`.
refute() {
	! "$@"
}

# A fresh lxcpath for the test file; removed in teardown_file by lxc_cleanup_path.
lxc_test_path() {
	if [ -z "${LXC_TEST_PATH:-}" ]; then
		LXC_TEST_PATH=$(mktemp -d /tmp/lxc-test.XXXXXX)
		export LXC_TEST_PATH
	fi
	echo "$LXC_TEST_PATH"
}

# Skip unless the running kernel has each named feature.
needs() {
	for feature in "$@"; do
		case "$feature" in
		cgroup2)
			[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] ||
				skip "needs a pure cgroup v2 host (this one is hybrid: VM lane)" ;;
		cgroup1)
			[ -d /sys/fs/cgroup/memory ] || skip "needs cgroup v1 controllers" ;;
		apparmor)
			[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] ||
				skip "needs AppArmor in the kernel (VM lane)" ;;
		softdirty)
			grep -q ' sd' /proc/self/smaps 2>/dev/null ||
				skip "needs soft-dirty tracking (VM lane)" ;;
		root)
			[ "$(id -u)" = 0 ] || skip "needs root" ;;
		criu)
			command -v criu >/dev/null || skip "needs criu on PATH" ;;
		ia32)
			# i386 system calls through int 0x80 (the probe's getpid32 dies of SIGSEGV
			# on kernels or hypervisors that do not let them through)
			"$(probe_bin)" getpid32 >/dev/null 2>&1 ||
				skip "needs i386 system calls (int 0x80 fails on this kernel: VM lane)" ;;
		sysrq)
			[ -e /proc/sysrq-trigger ] ||
				skip "needs /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ is off in this kernel: VM lane)" ;;
		*)
			modprobe -n "$feature" 2>/dev/null || [ -d "/sys/module/$feature" ] ||
				skip "needs kernel module $feature (VM lane)" ;;
		esac
	done
}

# ---- containers ----------------------------------------------------------------------

# A busybox container in the test file's lxcpath, made with our built-in template.
# The default config is empty (no network) unless LXC_TEST_CONFIG names one.
make_busybox() {
	local name=$1 path
	path=$(lxc_test_path)
	lxc-create -P "$path" -n "$name" -t busybox -f "${LXC_TEST_CONFIG:-/dev/null}"
}

# Stop and destroy every container of the test file's lxcpath, then remove it.
lxc_cleanup_path() {
	[ -n "${LXC_TEST_PATH:-}" ] || return 0
	local c
	for c in $(ls "$LXC_TEST_PATH" 2>/dev/null); do
		lxc-stop -P "$LXC_TEST_PATH" -n "$c" -k >/dev/null 2>&1 || true
		lxc-destroy -P "$LXC_TEST_PATH" -n "$c" -f >/dev/null 2>&1 || true
	done
	rm -rf "$LXC_TEST_PATH"
}

# The static probe program (test/integration/probe/probe.c), built once per run.
probe_bin() {
	local out="$LXC_TOP/build/probe"
	if [ ! -x "$out" ] || [ "$LXC_TOP/test/integration/probe/probe.c" -nt "$out" ]; then
		musl-gcc -static -O2 -o "$out" "$LXC_TOP/test/integration/probe/probe.c" >&2
	fi
	echo "$out"
}

# Wait until a command succeeds (up to $2 tenths of a second, default 50).
wait_until() {
	local cmd=$1 tries=${2:-50}
	while [ "$tries" -gt 0 ]; do
		eval "$cmd" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# The guard of a monitor: its child named lxc-guard (it undoes what a killed monitor left).
guard_of() {
	pgrep -P "$1" -x lxc-guard
}

# What must be unchanged by a failed start: mounts, payload/monitor cgroups, links.
host_snapshot() {
	{
		awk '{print $5, $9, $10}' /proc/self/mountinfo | sort
		find /sys/fs/cgroup -maxdepth 3 -name 'lxc.payload.*' -o -maxdepth 3 -name 'lxc.monitor.*' | sort
		ip -o link | awk '{print $2}' | sort
	}
}
