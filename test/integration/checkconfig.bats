#!/usr/bin/env bats
# lxc-checkconfig: LXC's sections, lines and order; CONFIG= with plain and gzip files;
# probing when there is no configuration; the cgroup layouts; colors only on a tty.

load helpers

setup() {
	TMP=$(mktemp -d /tmp/hsec-checkconfig.XXXXXX)
}

teardown() {
	rm -rf "$TMP"
}

# A small kernel configuration: namespaces but no network namespace, vlan as a module.
fake_config() {
	cat > "$1" <<-'EOF'
	#
	# Automatically generated file; DO NOT EDIT.
	# Linux/x86 6.1.0 Kernel Configuration
	#
	CONFIG_NAMESPACES=y
	CONFIG_UTS_NS=y
	CONFIG_IPC_NS=y
	CONFIG_PID_NS=y
	CONFIG_USER_NS=y
	# CONFIG_NET_NS is not set
	CONFIG_CGROUPS=y
	CONFIG_MEMCG=y
	CONFIG_SMP=y
	CONFIG_VETH=m
	CONFIG_VLAN_8021Q=m
	CONFIG_X86_64_CONFIG_MACVLAN=y
	CONFIG_FHANDLE=y
	EOF
}

# "Label: state" of one line
state_of() {
	grep -m1 "^$1: " <<<"$output" | sed "s|^$1: ||"
}

@test "sections and their order are LXC's" {
	run lxc-checkconfig
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "LXC version $("$LXC_BIN" --version)" ]
	run grep -- '^--- ' <<<"$output"
	[ "${lines[0]}" = "--- Namespaces ---" ]
	[ "${lines[1]}" = "--- Control groups ---" ]
	[ "${lines[2]}" = "--- Misc ---" ]
	[ "${lines[3]}" = "--- Checkpoint/Restore ---" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "same lines as LXC 5's lxc-checkconfig, but for the version and our path" {
	[ -x /usr/bin/lxc-checkconfig ] || skip "LXC 5 is not installed"
	ours=$(lxc-checkconfig | sed '1d; /^usage : /d')
	theirs=$(/usr/bin/lxc-checkconfig | sed '1d; /^usage : /d')
	diff <(echo "$ours") <(echo "$theirs")
}

@test "the usage line names the tool that runs" {
	run lxc-checkconfig
	usage=$(grep '^usage : CONFIG=/path/to/config ' <<<"$output")
	path=${usage#usage : CONFIG=/path/to/config }
	[ "$(readlink -f "$path")" = "$(readlink -f "$LXC_BIN")" ]
	[ "${lines[-1]}" = "$usage" ]
	[ "${lines[-2]}" = "Note : Before booting a new kernel, you can check its configuration" ]
}

@test "CONFIG= a plain file: enabled and missing follow it" {
	fake_config "$TMP/config"
	CONFIG="$TMP/config" run lxc-checkconfig
	[ "$status" -eq 0 ]
	[[ "$output" != *"WARNING"* ]]
	[[ "$output" != *"searching"* ]]
	[ "$(state_of 'Pid namespace')" = enabled ]
	[ "$(state_of 'User namespace')" = enabled ]
	[ "$(state_of 'Network namespace')" = missing ]
	[ "$(state_of 'Veth pair device')" = enabled ]
	[ "$(state_of 'Vlan')" = enabled ]
	# only a line that starts with the option counts
	[ "$(state_of 'Macvlan')" = missing ]
	[ "$(state_of 'Bridges')" = missing ]
	[ "$(state_of 'Cgroup memory controller')" = enabled ]
	[ "$(state_of 'Cgroup device')" = missing ]
	[ "$(state_of 'Cgroup cpuset')" = missing ]
	[ "$(state_of 'CONFIG_FHANDLE')" = enabled ]
	[ "$(state_of 'CONFIG_EPOLL')" = missing ]
	[ "$(state_of 'File capabilities')" = enabled ]
	# an older kernel of the 4.x series adds the lines LXC adds for it
	sed -i 's/6\.1\.0/4.4.0/' "$TMP/config"
	CONFIG="$TMP/config" run lxc-checkconfig
	[ "$(state_of 'Multiple /dev/pts instances')" = missing ]
	[ "$(state_of 'CONFIG_NF_NAT_IPV4')" = missing ]
}

@test "CONFIG= a gzip file gives the same answers" {
	fake_config "$TMP/config"
	gzip -c "$TMP/config" > "$TMP/config.gz"
	plain=$(CONFIG="$TMP/config" lxc-checkconfig)
	CONFIG="$TMP/config.gz" run lxc-checkconfig
	[ "$status" -eq 0 ]
	[ "$output" = "$plain" ]
}

@test "a missing required feature says required and exits 1" {
	fake_config "$TMP/config"
	sed -i '/CONFIG_PID_NS/d' "$TMP/config"
	CONFIG="$TMP/config" run lxc-checkconfig
	[ "$status" -eq 1 ]
	[ "$(state_of 'Pid namespace')" = required ]
	# the rest is still printed
	[[ "$output" == *"--- Checkpoint/Restore ---"* ]]
}

@test "a configuration without a version line: LXC's warning, latest assumed" {
	fake_config "$TMP/config"
	sed -i '/Kernel Configuration/d' "$TMP/config"
	CONFIG="$TMP/config" run lxc-checkconfig
	[ "${lines[1]}" = "WARNING: Unable to detect version from configuration, assuming latest" ]
	[[ "$output" != *"Multiple /dev/pts instances"* ]]
}

@test "no configuration file: the running kernel is probed, and agrees with its config" {
	[ -r /proc/config.gz ] || skip "needs /proc/config.gz to compare with"
	[ "$(id -u)" = 0 ] || skip "link kinds are probed in a network namespace"
	CONFIG=/nonexistent/hsec-config run lxc-checkconfig
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "Kernel configuration not found at /nonexistent/hsec-config; searching..." ]
	[[ "${lines[2]}" == "No kernel configuration found: probing the running kernel"* ]]
	probed=$(grep -E '^[^:]+: (enabled|missing|required)$' <<<"$output")
	real=$(CONFIG=/proc/config.gz lxc-checkconfig | grep -E '^[^:]+: (enabled|missing|required)$')
	# every line the probe could answer matches the configuration's answer
	[ "$(wc -l <<<"$probed")" -ge 25 ]
	while read -r line; do
		grep -qxF "$line" <<<"$real" || { echo "probe says '$line'"; false; }
	done <<<"$probed"
}

@test "cgroups on this host: every cgroup mount is listed under its version" {
	run lxc-checkconfig
	v1=$(awk '$3 == "cgroup" { print " - " $2 }' /proc/self/mounts)
	v2=$(awk '$3 == "cgroup2" { print " - " $2 }' /proc/self/mounts)
	listed_v1=$(sed -n '/^Cgroup v1 mount points: $/,/^Cgroup v2 mount points: $/p' <<<"$output" | grep '^ - ' || true)
	listed_v2=$(sed -n '/^Cgroup v2 mount points: $/,/^Cgroup [^v]/p' <<<"$output" | grep '^ - ' || true)
	[ "$listed_v1" = "$v1" ]
	[ "$listed_v2" = "$v2" ]
}

@test "cgroups, pure v2 host: no v1 lines (private mount namespace)" {
	needs root
	run unshare -m --propagation private sh -c \
		'umount -R /sys/fs/cgroup 2>/dev/null; mount -t cgroup2 none /sys/fs/cgroup && lxc-checkconfig'
	[ "$status" -eq 0 ]
	block=$(sed -n '/^--- Control groups ---$/,/^$/p' <<<"$output")
	grep -qx 'Cgroup v1 mount points: ' <<<"$block"
	[ "$(sed -n '/^Cgroup v2 mount points: $/{n;p}' <<<"$block")" = " - /sys/fs/cgroup" ]
	[ "$(grep -c '^ - ' <<<"$block")" -eq 1 ]
	[[ "$block" != *"systemd controller"* ]]
	[[ "$block" != *"clone_children"* ]]
}

@test "cgroups, hybrid host without systemd and freezer hierarchies: both reported missing" {
	needs root cgroup1
	run unshare -m --propagation private sh -c \
		'umount /sys/fs/cgroup/systemd 2>/dev/null; umount /sys/fs/cgroup/freezer 2>/dev/null; lxc-checkconfig'
	[ "$(state_of 'Cgroup v1 systemd controller')" = missing ]
	[ "$(state_of 'Cgroup v1 freezer controller')" = missing ]
	# and the host kept its mounts
	grep -q ' /sys/fs/cgroup/freezer ' /proc/self/mounts
}

@test "no colors unless stdout is a tty" {
	run lxc-checkconfig
	[[ "$output" != *$'\033'* ]]
	command -v script >/dev/null || skip "script(1) is needed for a tty"
	run script -qec "lxc-checkconfig" /dev/null
	[[ "$output" == *$'\033[1;32menabled\033[0;39m'* ]]
}
