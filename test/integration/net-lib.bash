# Shared by the net-*.bats suites: each file gets a network namespace of its own that
# plays the host. lxc-start runs in it (network namespace only: cgroups, /run and the
# mounts stay the machine's), so every device, address and route a test makes is there.

# hr_setup NAME: namespace hnr-NAME-PID with lo up, and a private lxcpath.
hr_setup() {
	HR_NS=hnr-$1-$$
	export HR_NS
	ip netns add "$HR_NS"
	ip -n "$HR_NS" link set lo up
	LXC_TEST_PATH=$(mktemp -d "/tmp/hnr-$1.XXXXXX")
	export LXC_TEST_PATH
}

hr_teardown() {
	lxc_cleanup_path
	if [ -n "${HR_NS:-}" ]; then
		ip netns del "$HR_NS" 2>/dev/null || true
	fi
}

# A command in the test's namespace.
in_ns() {
	nsenter --net="/run/netns/$HR_NS" "$@"
}

# hr_create NAME: a busybox container whose config (lxc.net.* lines) is read from stdin.
hr_create() {
	cat > "$LXC_TEST_PATH/$1.conf"
	lxc-create -P "$LXC_TEST_PATH" -n "$1" -t busybox -f "$LXC_TEST_PATH/$1.conf"
}

hr_start() {
	in_ns lxc-start -P "$LXC_TEST_PATH" -n "$@"
}

hr_stop() {
	lxc-stop -P "$LXC_TEST_PATH" -n "$1" -k
}

hr_pid() {
	lxc-info -P "$LXC_TEST_PATH" -n "$1" -p -H | awk '{ print $2 }'
}

# A host program (iproute2) in a container's network namespace.
in_ct() {
	local pid
	pid=$(hr_pid "$1")
	shift
	nsenter --net="/proc/$pid/ns/net" "$@"
}

# A command inside the container (its busybox).
hr_attach() {
	local name=$1
	shift
	lxc-attach -P "$LXC_TEST_PATH" -n "$name" -- "$@"
}

# What a container may leave behind: the test namespace's devices, bridge ports and
# addresses, and the machine's devices named like ours (nothing should ever get there).
hr_links() {
	ip -n "$HR_NS" -o link | awk '{ sub(/@.*/, "", $2); print "ns", $2, $0 ~ / master / ? "port" : "" }'
	# link-local IPv6 comes and goes with a bridge's carrier: not ours
	ip -n "$HR_NS" -o addr | awk '$4 !~ /^fe80:/ { print "addr", $2, $4 }'
	ip -o link | awk '{ sub(/@.*/, "", $2); print "host", $2 }' | grep '^host hr' | sort || true
}

# MAC address of a device in the test namespace.
hr_mac() {
	ip -n "$HR_NS" -o link show "$1" | sed -n 's|.*link/ether \([0-9a-f:]*\).*|\1|p'
}
