#!/bin/sh
# lxc-top's cost: starts N tiny containers (default 100: busybox "sleep" under lxc-execute,
# one shared rootfs, no ttys), then times refreshes with `lxc-top --bench` and prints
# "lxc-top refresh of N containers: X ms CPU". Removes everything it made, also on ^C.
# Usage: test/bench/top.sh [N] [ROUNDS]   (as root; build first with `make`)
set -eu
cd "$(dirname "$0")/../.."
n=${1:-100}
rounds=${2:-200}
bin=$(pwd)/build/bin
[ -x "$bin/lxc-top" ] || { echo "top.sh: build first (make build/bin/.stamp)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "top.sh: needs root" >&2; exit 1; }
PATH="$bin:$PATH"
path=$(mktemp -d /tmp/lxc-bench-top.XXXXXX)
started=""

cleanup() {
	trap - EXIT INT TERM
	# one at a time: a hundred lxc-stop at once have been seen to wait forever for an event
	for c in $started; do
		timeout 30 lxc-stop -P "$path" -n "$c" -k >/dev/null 2>&1 || true
	done
	rm -rf "$path"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# one rootfs for all: each container is a directory with a config pointing at it
lxc-create -P "$path" -n bench-rootfs -t busybox -f /dev/null >/dev/null
i=1
while [ "$i" -le "$n" ]; do
	c=bench$i
	mkdir "$path/$c"
	sed -e "s/^lxc.uts.name = .*/lxc.uts.name = $c/" "$path/bench-rootfs/config" > "$path/$c/config"
	echo "lxc.tty.max = 0" >> "$path/$c/config"
	lxc-execute -d -P "$path" -n "$c" -- /bin/sleep 100000
	started="$started $c"
	i=$((i + 1))
done
running=$(lxc-ls -P "$path" --running -1 | wc -l)
echo "# $running containers running" >&2
lxc-top -P "$path" --bench="$rounds"
