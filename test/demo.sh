#!/bin/sh
# make demo: the binary, its applets, the kernel check, then a busybox container's
# whole life: create, start, lxc-ls -f, lxc-info, lxc-attach, a checkpoint and restore
# with a live TCP connection (lxc-checkpoint), stop, destroy.
set -eu
cd "$(dirname "$0")/.."
PATH="$(pwd)/build/bin:$PATH"
export PATH
path=$(mktemp -d /tmp/lxc-demo.XXXXXX)
name=demo
# the checkpoint part: a bridge, and a client in a network namespace of its own
bridge=hkdemobr0
netns=hkdemo
client_pid=
images=$(mktemp -d /tmp/lxc-demo-checkpoint.XXXXXX)
ckpt_cleanup() {
	rm -rf "$images"
	[ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null || true
	ip netns del $netns 2>/dev/null || true
	ip link del ${netns}0p 2>/dev/null || true
	ip link del $bridge 2>/dev/null || true
}
trap 'lxc-stop -P "$path" -n $name -k >/dev/null 2>&1 || true; lxc-destroy -P "$path" -n $name >/dev/null 2>&1 || true; ckpt_cleanup; rm -rf "$path"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "file build/lxc"; file build/lxc
step "ls -l build/lxc"; ls -l build/lxc
step "lxc --list"; lxc --list | tr '\n' ' '; echo
step "lxc-checkconfig"; lxc-checkconfig || true
step "lxc-create -n $name -t busybox"; LXC_SYSTEM_CONF=/dev/null lxc-create -P "$path" -n $name -t busybox
ckpt=false
if command -v criu >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	ckpt=true
	ip link add $bridge type bridge && ip link set $bridge up
	ip netns add $netns
	ip link add ${netns}0p type veth peer name ${netns}0 netns $netns
	ip link set ${netns}0p master $bridge up
	ip -n $netns addr add 10.215.200.1/24 dev ${netns}0
	ip -n $netns link set ${netns}0 up
	step "a NIC on bridge $bridge, where a client waits in network namespace $netns"
	printf 'lxc.net.0.type = veth\nlxc.net.0.link = %s\nlxc.net.0.flags = up\nlxc.net.0.ipv4.address = 10.215.200.2/24\n' \
		$bridge | tee -a "$path/$name/config"
fi
step "lxc-start -n $name"; lxc-start -P "$path" -n $name
step "lxc-ls -f"; lxc-ls -P "$path" -f
step "lxc-info -n $name"; lxc-info -P "$path" -n $name
step "lxc-attach -n $name -- ps"; lxc-attach -P "$path" -n $name -- ps
step "lxc-attach -n $name -- uname -n"; lxc-attach -P "$path" -n $name -- uname -n
if $ckpt; then
	step "lxc-attach -n $name -- nc -ll -p 5000 -e cat   (an echo server, in the background)"
	lxc-attach -P "$path" -n $name -- setsid sh -c 'nc -ll -p 5000 -e cat </dev/null >/dev/null 2>&1 &'
	mkfifo "$path/to-server" "$path/from-server"
	ip netns exec $netns busybox nc 10.215.200.2 5000 <"$path/to-server" >"$path/from-server" &
	client_pid=$!
	exec 3>"$path/to-server" 4<"$path/from-server"
	step "client: one TCP connection to 10.215.200.2:5000"
	echo "hello before the checkpoint" >&3
	read -r line <&4
	echo "client got back: $line"
	step "lxc-attach -n $name -- ps"; lxc-attach -P "$path" -n $name -- ps
	step "time lxc-checkpoint -n $name -D $images -s   (dump and stop)"
	t0=$(date +%s%N)
	lxc-checkpoint -P "$path" -n $name -D "$images" -s
	echo "done in $((($(date +%s%N) - t0) / 1000000)) ms; images: $(du -sh "$images" | cut -f1)"
	step "lxc-info -n $name -s"; lxc-info -P "$path" -n $name -s
	step "time lxc-checkpoint -n $name -D $images -r   (restore)"
	t0=$(date +%s%N)
	lxc-checkpoint -P "$path" -n $name -D "$images" -r
	echo "done in $((($(date +%s%N) - t0) / 1000000)) ms"
	step "lxc-info -n $name"; lxc-info -P "$path" -n $name
	step "lxc-attach -n $name -- ps   (the same pids)"; lxc-attach -P "$path" -n $name -- ps
	step "client: the same connection, after the restore"
	echo "hello after the restore" >&3
	read -r line <&4
	echo "client got back: $line"
	exec 3>&- 4<&-
fi
step "lxc-stop -n $name"; lxc-stop -P "$path" -n $name -t 10
step "lxc-info -n $name"; lxc-info -P "$path" -n $name
step "lxc-destroy -n $name"; lxc-destroy -P "$path" -n $name
step "lxc-ls"; lxc-ls -P "$path"; echo "(empty)"
