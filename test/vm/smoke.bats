#!/usr/bin/env bats
# The VM lane gives what later suites need: Debian's 6.1 kernel, a pure cgroup2 hierarchy whose
# limits bite, AppArmor that confines, nbd, the OVS kernel datapath, VLANs and soft-dirty.

load ../integration/helpers

setup() {
	[ "${HVM_GUEST:-0}" = 1 ] || skip "runs in the VM lane only (test/vm/run)"
}

# Each test cleans what it made, also when it fails half-way (every exec costs under TCG).
teardown() {
	for cg in /sys/fs/cgroup/hvm-smoke-*; do
		[ -d "$cg" ] || continue
		# anything left in it first, then the group itself
		while read -r pid; do kill -9 "$pid" 2>/dev/null; done < "$cg/cgroup.procs"
		rmdir "$cg" 2>/dev/null
	done
	# a netns takes its veths, VLANs and OVS datapath with it
	[ ! -e /run/netns/hvm-smoke ] || ip netns del hvm-smoke
	[ -z "${nbd_img:-}" ] || { qemu-nbd -d /dev/nbd0 > /dev/null 2>&1; rm -f "$nbd_img"; }
	true
}

# run_in_cgroup CGROUP CMD...: CMD as a member of CGROUP (a child of the root)
run_in_cgroup() {
	local cg=$1
	shift
	run sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" "$@"
}

@test "the guest runs Debian's 6.1 kernel" {
	[[ "$(uname -r)" == 6.1.* ]]
	grep -q Debian /proc/version
}

@test "/sys/fs/cgroup is a pure cgroup2 hierarchy with the usual controllers" {
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
	# no v1 hierarchy mounted anywhere
	run awk '$3 == "cgroup"' /proc/self/mounts
	[ -z "$output" ]
	read -r -a ctrls < /sys/fs/cgroup/cgroup.controllers
	for c in memory pids cpu io cpuset; do
		[[ " ${ctrls[*]} " == *" $c "* ]] || { echo "missing controller $c"; false; }
	done
	# and they are enabled for children, as on a systemd host
	[[ " $(cat /sys/fs/cgroup/cgroup.subtree_control) " == *" memory "* ]]
	# a child with cpuset and memory stays for the guest's life (test/vm/init-overlay: why)
	[[ " $(cat /sys/fs/cgroup/hvm-keys/cgroup.controllers) " == *" cpuset "*" memory "* ]]
	# no v1 hierarchy can take a controller away either (cgroup_no_v1=all)
	d=$(mktemp -d /tmp/hvm-smoke.XXXXXX)
	run mount -t cgroup -o memory cgroup "$d"
	umount "$d" 2>/dev/null || true
	rmdir "$d"
	[ "$status" -ne 0 ]
}

@test "helpers.bash's needs() finds every VM lane feature" {
	for f in cgroup2 apparmor softdirty nbd openvswitch 8021q; do
		( skip() { echo "needs $f skipped: $*"; exit 1; }; needs "$f" )
	done
}

@test "a cgroup2 memory.max makes an allocation beyond it fail (OOM kill)" {
	cg=/sys/fs/cgroup/hvm-smoke-mem
	mkdir "$cg"
	echo 16M > "$cg/memory.max"
	echo 0 > "$cg/memory.swap.max"
	# tail keeps a whole line in memory: 8 MiB of zeros fit, 64 MiB do not
	run_in_cgroup "$cg" sh -c 'head -c 8M /dev/zero | tail -n 1 | wc -c'
	[ "$status" -eq 0 ]
	[ "$output" = 8388608 ]
	run_in_cgroup "$cg" sh -c 'head -c 64M /dev/zero | tail -n 1 | wc -c'
	[ "$output" != 67108864 ]
	run awk '$1 == "oom_kill" { print $2 }' "$cg/memory.events"
	[ "$output" -ge 1 ]
}

@test "a cgroup2 pids.max stops forks beyond it" {
	cg=/sys/fs/cgroup/hvm-smoke-pids
	mkdir "$cg"
	echo 3 > "$cg/pids.max"
	run_in_cgroup "$cg" sh -c 'for i in 1 2 3 4 5 6; do sleep 1 & done; wait'
	[ "$status" -ne 0 ]
	[[ "$output" == *"fork"* || "$output" == *"Resource temporarily unavailable"* ]]
	run awk '$1 == "max" { print $2 }' "$cg/pids.events"
	[ "$output" -ge 1 ]
}

@test "AppArmor is enabled and a loaded profile confines a process" {
	[ "$(cat /sys/module/apparmor/parameters/enabled)" = Y ]
	[ -d /sys/kernel/security/apparmor ]
	grep -q apparmor /sys/kernel/security/lsm
	profile="profile hvm-smoke flags=(enforce) {
		file,
		deny /etc/hostname r,
	}"
	echo "$profile" | apparmor_parser -r
	grep -q '^hvm-smoke (enforce)' /sys/kernel/security/apparmor/profiles
	run aa-exec -p hvm-smoke -- cat /proc/self/attr/current
	[ "$output" = "hvm-smoke (enforce)" ]
	run aa-exec -p hvm-smoke -- cat /etc/hostname
	[ "$status" -ne 0 ]
	[[ "$output" == *"Permission denied"* ]]
	echo "$profile" | apparmor_parser -R
}

@test "nbd: modprobe nbd gives /dev/nbd0, and qemu-nbd serves an image on it" {
	modprobe nbd
	[ -b /dev/nbd0 ]
	nbd_img=$(mktemp /tmp/hvm-smoke.XXXXXX)
	qemu-img create -q -f qcow2 "$nbd_img" 8M
	qemu-nbd -c /dev/nbd0 "$nbd_img"
	for _ in $(seq 50); do
		[ "$(blockdev --getsize64 /dev/nbd0 2>/dev/null)" = 8388608 ] && break
		sleep 0.2
	done
	[ "$(blockdev --getsize64 /dev/nbd0)" = 8388608 ]
}

@test "openvswitch: the kernel datapath takes a datapath and a port" {
	modprobe openvswitch
	ip netns add hvm-smoke
	ip -n hvm-smoke link add hvm-smoke-a type veth peer name hvm-smoke-b
	ip netns exec hvm-smoke ovs-dpctl add-dp hvm-smoke
	ip netns exec hvm-smoke ovs-dpctl add-if hvm-smoke hvm-smoke-a
	run ip netns exec hvm-smoke ovs-dpctl show hvm-smoke
	[[ "$output" == *"port 1: hvm-smoke-a"* ]]
}

@test "8021q: a VLAN device on a veth in a private netns" {
	modprobe 8021q
	ip netns add hvm-smoke
	ip -n hvm-smoke link add hvm-smoke-a type veth peer name hvm-smoke-b
	ip -n hvm-smoke link add link hvm-smoke-a name hvm-smoke-a.10 type vlan id 10
	run ip -n hvm-smoke -d link show hvm-smoke-a.10
	[[ "$output" == *"vlan protocol 802.1Q id 10"* ]]
}

@test "soft-dirty: clear_refs 4 clears bit 55 of pagemap and a write sets it again" {
	run python3 - <<-'EOF'
	import ctypes, mmap, struct
	page = mmap.mmap(-1, 4096)
	page[0] = 1
	addr = ctypes.addressof(ctypes.c_char.from_buffer(page))
	def softdirty():
	    with open("/proc/self/pagemap", "rb") as f:
	        f.seek(addr // 4096 * 8)
	        return (struct.unpack("Q", f.read(8))[0] >> 55) & 1
	before = softdirty()
	with open("/proc/self/clear_refs", "w") as f:
	    f.write("4")
	cleared = softdirty()
	page[0] = 2
	print(before, cleared, softdirty())
	EOF
	[ "$status" -eq 0 ]
	[ "$output" = "1 0 1" ]
}

@test "init reaps orphans, as on a host with a real init" {
	pid=$(sh -c 'sleep 0.3 > /dev/null 2>&1 & echo $!')
	for _ in $(seq 50); do
		[ -e "/proc/$pid" ] || break
		sleep 0.2
	done
	[ ! -e "/proc/$pid" ]
}
