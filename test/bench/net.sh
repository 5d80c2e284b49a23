#!/bin/sh
# Start+stop time of a busybox container with one veth on a bridge: ours against Debian's
# LXC 5 (/usr/bin/lxc-*) on an identical container (same config, same template, own
# lxcpath) on the same bridge. Prints
#   veth start+stop: ours X ms, LXC 5 Y ms, ratio Z
# with medians over the runs and Z = ours / LXC 5 (below 1: we are faster).
# Usage: test/bench/net.sh [RUNS] (default 20, after 2 warm-up runs each); as root.
# Everything lives in a network namespace of its own (bridge hrbrb0, 10.214.20.0/24).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-20}
bin=${LXC_BIN_DIR:-$top/build/bin}
ns=hnr-bench-$$
dir=$(mktemp -d /tmp/hnr-bench.XXXXXX)

[ "$(id -u)" = 0 ] || { echo "net.sh: needs root" >&2; exit 1; }
[ -x "$bin/lxc-start" ] || { echo "net.sh: $bin/lxc-start missing (make first)" >&2; exit 1; }
[ -x /usr/bin/lxc-start ] || { echo "net.sh: needs Debian's LXC 5 in /usr/bin" >&2; exit 1; }

cleanup() {
	"$bin/lxc-stop" -P "$dir/ours" -n hrb -k > /dev/null 2>&1 || true
	in_ns /usr/bin/lxc-stop -P "$dir/lxc5" -n hrb -k > /dev/null 2>&1 || true
	"$bin/lxc-destroy" -P "$dir/ours" -n hrb -f > /dev/null 2>&1 || true
	/usr/bin/lxc-destroy -P "$dir/lxc5" -n hrb -f > /dev/null 2>&1 || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# A command in the namespace, with /sys/class/net showing it (LXC 5 looks for the bridge
# there) and a mount namespace of its own for that; both implementations run this way.
in_ns() {
	nsenter --net="/run/netns/$ns" unshare -m --propagation slave sh -c '
		d=$(mktemp -d /tmp/hnr-sys.XXXXXX)
		mount -t sysfs sysfs "$d" && mount --bind "$d/class/net" /sys/class/net &&
			mount --bind "$d/devices/virtual/net" /sys/devices/virtual/net
		umount -l "$d"; rmdir "$d"
		exec "$@"' sh "$@"
}

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add hrbrb0 type bridge
ip -n "$ns" addr add 10.214.20.1/24 dev hrbrb0
ip -n "$ns" link set hrbrb0 up
cat > "$dir/net.conf" <<EOF
lxc.net.0.type = veth
lxc.net.0.link = hrbrb0
lxc.net.0.flags = up
lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx
lxc.net.0.ipv4.address = 10.214.20.2/24
EOF
"$bin/lxc-create" -P "$dir/ours" -n hrb -t busybox -f "$dir/net.conf" > /dev/null
/usr/bin/lxc-create -P "$dir/lxc5" -n hrb -t busybox -f "$dir/net.conf" > /dev/null 2>&1

# RUNS start+stop cycles after 2 warm-up ones, inside one namespace entry; prints one
# duration in microseconds per line.
cycle() {
	in_ns sh -c '
		start=$1 stop=$2 path=$3 runs=$4
		i=0
		while [ $i -lt $((runs + 2)) ]; do
			t0=$(date +%s%N)
			"$start" -P "$path" -n hrb || exit 1
			"$stop" -P "$path" -n hrb -k || exit 1
			t1=$(date +%s%N)
			[ $i -lt 2 ] || echo $(((t1 - t0) / 1000))
			i=$((i + 1))
		done' sh "$1/lxc-start" "$1/lxc-stop" "$2" "$3"
}

median_ms() {
	sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
}

# two passes in opposite order, so that neither side always runs on a warmer machine
pass() {
	cycle "$1" "$dir/$2" "$3" >> "$dir/$2.us" || {
		echo "net.sh: a start or stop with $1/lxc-start failed (try it by hand in $dir)" >&2
		trap - EXIT
		exit 1
	}
}
half=$(((runs + 1) / 2))
pass "$bin" ours "$half"
pass /usr/bin lxc5 "$half"
pass /usr/bin lxc5 "$((runs - half))"
pass "$bin" ours "$((runs - half))"

ours=$(median_ms < "$dir/ours.us")
lxc5=$(median_ms < "$dir/lxc5.us")
ratio=$(awk -v a="$ours" -v b="$lxc5" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "veth start+stop: ours $ours ms, LXC 5 $lxc5 ms, ratio $ratio"
