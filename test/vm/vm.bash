# Helpers for the VM lane's host-side scenarios (bats files with a "# vm-lane: host" line,
# run on the host by test/vm/run): each vm_initramfs call boots its own small VM.

# vm_initramfs SCRIPT: boots the minimal initramfs (busybox + build/lxc, nothing else) and
# runs SCRIPT (busybox sh) in it; sets $status and $output to the guest's, like bats' run.
vm_initramfs() {
	local script="$BATS_TEST_TMPDIR/hvm-scenario.sh"
	printf '%s\n' "$1" > "$script"
	run --separate-stderr env VM_TIMEOUT="${VM_BOOT_TIMEOUT:-300}" \
		sh "$LXC_TOP/test/vm/run" --initramfs "$script"
	# shown by bats only if the test fails: how the boot went, then what the guest printed
	printf '%s\n' "$stderr" "--- guest output (status $status) ---" "$output" >&2
}

# vm_needs_applets NAME...: skip unless build/lxc has every applet named.
vm_needs_applets() {
	local missing= a
	for a in "$@"; do
		"$LXC_BIN" --list | grep -qx "$a" || missing="$missing $a"
	done
	[ -z "$missing" ] || skip "runtime applets not built yet (missing:$missing)"
}
