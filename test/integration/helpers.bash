# Shared setup for the bats suites: the binary under test, a private lxcpath per
bats_require_minimum_version 1.5.0
# test file, and kernel-feature tags ("# needs: cgroup2 apparmor") that skip with a reason.

LXC_TOP=${LXC_TOP:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
LXC_BIN=${LXC_BIN:-$LXC_TOP/build/lxc}
export PATH="$LXC_TOP/build/bin:$PATH"

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
		*)
			modprobe -n "$feature" 2>/dev/null || [ -d "/sys/module/$feature" ] ||
				skip "needs kernel module $feature (VM lane)" ;;
		esac
	done
}
