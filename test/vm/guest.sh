#!/bin/sh
# PID 1 of the VM lane's guest after switch_root into the overlay of the host's root: sets up
# a pure cgroup2 host with AppArmor and the test modules, runs the job's bats files, and
# writes their TAP and "hvm-status N" to /dev/ttyS1 (a file on the host), then powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
umask 022
results=/dev/ttyS1

say() { echo "hvm-guest: $*"; }
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

mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
[ -c /dev/null ] || mount -t devtmpfs devtmpfs /dev || fail "mount /dev"
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts /dev/pts || fail "mount devpts"
ln -sf pts/ptmx /dev/ptmx
# what udev would create: bash's process substitution needs /dev/fd
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs -o mode=1777 tmpfs /dev/shm || fail "mount /dev/shm"
mount -t mqueue mqueue /dev/mqueue || fail "mount mqueue"
mount -t tmpfs -o mode=755 tmpfs /run || fail "mount /run"
mkdir -p /run/lock /run/netns
mount -t tmpfs -o mode=1777 tmpfs /tmp || fail "mount /tmp"
mount -t tmpfs -o mode=1777 tmpfs /var/tmp || fail "mount /var/tmp"

# a pure cgroup v2 hierarchy: no v1 anywhere, every controller delegated below the root
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
	echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control || fail "enable cgroup controller $c"
done
mount -t securityfs securityfs /sys/kernel/security || fail "mount securityfs"
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mount -t fusectl fusectl /sys/fs/fuse/connections 2>/dev/null

for arg in $(cat /proc/cmdline); do
	case $arg in hvm.job=*) job=${arg#hvm.job=} ;; esac
done
[ -n "${job:-}" ] && [ -f "$job" ] || fail "no readable hvm.job= file (${job:-unset})"
. "$job"
: "${HVM_KVER:?}" "${HVM_KTREE:?}" "${LXC_TOP:?}"

# The kernel's modules come from the unpacked package on the shared root.
mkdir -p "/lib/modules/$HVM_KVER"
mount --bind "$HVM_KTREE/lib/modules/$HVM_KVER" "/lib/modules/$HVM_KVER" || fail "bind /lib/modules"
for m in ${HVM_MODULES:-}; do
	modprobe "$m" || fail "modprobe $m"
done

hostname hvm
ip link set lo up || fail "bring up lo"
stty -F "$results" raw -echo 2>/dev/null
read -r up _ < /proc/uptime
report "# hvm: guest ready after ${up}s (kernel $(uname -r))"

cd "$LXC_TOP" || fail "cd $LXC_TOP"
export LXC_TOP LXC_BIN="$LXC_TOP/build/lxc" PATH="$LXC_TOP/build/bin:$PATH" HVM_GUEST=1
if [ -n "${HVM_CMD:-}" ]; then
	# test/vm/run's VM_CMD: a bash script instead of the suites (to measure, to debug)
	bash "$HVM_CMD" > "$results" 2>&1
else
	# shellcheck disable=SC2086 # HVM_FILES is a list of paths without blanks
	bats --tap ${HVM_BATS_OPTS:-} $HVM_FILES > "$results" 2>&1
fi
rc=$?
read -r end _ < /proc/uptime
report "# hvm: suites done after ${end}s"
finish $rc
