#!/usr/bin/env bats
# lxc-checkpoint and TCP: a client in a network namespace of its own talks to a server in
# the container over a bridge; the connection carries data both ways after -s and -r,
# also when the container is restored on a second "host" (its own mount and network
# namespace, bridge and lxcpath) with its memory sent there by CRIU's page server.

load helpers

A() { echo "$LXC_TEST_PATH"; }
B() { echo "$HCK_HOST2"; }

# hckclient HOST PORT FIFO LOG: one TCP connection; each line read from FIFO is sent and
# its echo read back, logged as "echo LINE" (errors as "error ..."); "quit" ends it.
build_client() {
	cat > "$BATS_FILE_TMPDIR/hckclient.c" <<'EOF'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char line[256], got[256];
	FILE *log;
	int s = -1;

	if (argc != 5 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1)
		return 2;
	a.sin_port = htons(atoi(argv[2]));
	log = fopen(argv[4], "a");
	if (!log)
		return 1;
	setvbuf(log, NULL, _IOLBF, 0);
	for (int i = 0; i < 100; i++) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0)
			break;
		close(s);
		s = -1;
		usleep(100000);
	}
	if (s < 0) {
		fprintf(log, "error connect: %s\n", strerror(errno));
		return 1;
	}
	fprintf(log, "connected\n");
	for (;;) {
		FILE *f = fopen(argv[3], "r");

		if (!f)
			return 1;
		while (fgets(line, sizeof(line), f)) {
			size_t len = strlen(line), have = 0;

			if (!strcmp(line, "quit\n"))
				return 0;
			if (send(s, line, len, MSG_NOSIGNAL) != (ssize_t)len) {
				fprintf(log, "error send: %s\n", strerror(errno));
				return 1;
			}
			while (have < len) {
				ssize_t n = recv(s, got + have, len - have, 0);

				if (n <= 0) {
					fprintf(log, "error recv: %s\n", n ? strerror(errno) : "closed");
					return 1;
				}
				have += n;
			}
			got[have] = '\0';
			fprintf(log, "echo %s", got);
		}
		fclose(f);
	}
}
EOF
	musl-gcc -static -O2 -o "$BATS_FILE_TMPDIR/hckclient" "$BATS_FILE_TMPDIR/hckclient.c"
}

# netns NS with veth NS-side IF (ADDR) whose peer PEER is on bridge BR (netns BRNS or root)
client_ns() {
	local ns=$1 ifname=$2 addr=$3 peer=$4 br=$5
	ip netns add "$ns"
	ip link add "$peer" type veth peer name "$ifname" netns "$ns"
	ip link set "$peer" master "$br" up
	ip -n "$ns" addr add "$addr" dev "$ifname"
	ip -n "$ns" link set "$ifname" up
	ip -n "$ns" link set lo up
}

net_container() {
	local name=$1 br=$2 addr=$3 pair=$4
	make_busybox "$name"
	cat >> "$(A)/$name/config" <<-EOF
		lxc.net.0.type = veth
		lxc.net.0.link = $br
		lxc.net.0.flags = up
		lxc.net.0.name = eth0
		lxc.net.0.veth.pair = $pair
		lxc.net.0.ipv4.address = $addr
	EOF
}

setup_file() {
	needs root criu
	export LXC_TEST_PATH=$(mktemp -d /tmp/hck-ckptnet.XXXXXX)
	export HCK_HOST2=$(mktemp -d /tmp/hck-host2.XXXXXX)
	build_client
	ip link add hkbr1 type bridge && ip link set hkbr1 up
	ip link add hkbr2 type bridge && ip link set hkbr2 up
	client_ns hkcl1 hkcl1a 10.215.1.1/24 hkcl1b hkbr1
	client_ns hkcl2 hkcl2a 10.215.2.1/24 hkcl2b hkbr2
	net_container hckn1 hkbr1 10.215.1.2/24 hkvp1
	net_container hckn2 hkbr2 10.215.2.2/24 hkvp2
	# the second host: a network namespace with a bridge of the same name, reachable for
	# the page server through a transfer veth
	ip netns add hkhost2
	ip -n hkhost2 link set lo up
	ip -n hkhost2 link add hkbr2 type bridge
	ip -n hkhost2 link set hkbr2 up
	ip link add hkx0 type veth peer name hkx1 netns hkhost2
	ip addr add 10.215.9.1/24 dev hkx0 && ip link set hkx0 up
	ip -n hkhost2 addr add 10.215.9.2/24 dev hkx1 && ip -n hkhost2 link set hkx1 up
}

teardown_file() {
	# the clients first, while their peers can still answer their FIN
	for ns in hkcl1 hkcl2; do
		[ -e "$BATS_FILE_TMPDIR/fifo-$ns" ] && timeout 5 sh -c "echo quit > '$BATS_FILE_TMPDIR/fifo-$ns'" || true
	done
	pkill -f "$BATS_FILE_TMPDIR/hckclient" 2>/dev/null || true
	for c in hckn1 hckn2; do
		lxc-stop -P "$(B)" -n "$c" -k >/dev/null 2>&1 || true
		lxc-destroy -P "$(B)" -n "$c" -f >/dev/null 2>&1 || true
	done
	lxc_cleanup_path
	rm -rf "$(B)"
	ip netns del hkcl1 2>/dev/null || true
	ip netns del hkcl2 2>/dev/null || true
	ip netns del hkhost2 2>/dev/null || true
	# a client socket still closing keeps its netns (and veth) alive: remove the pairs
	for l in hkbr1 hkbr2 hkx0 hkvp1 hkvp2 hkcl1b hkcl2b; do ip link del "$l" 2>/dev/null || true; done
}

# an echo server in the container (a session of its own: CRIU dumps only sessions
# that start inside the container)
start_server() {
	lxc-attach -P "$1" -n "$2" -- setsid sh -c 'nc -ll -p 5000 -e cat </dev/null >/dev/null 2>&1 &'
}

# the client in netns NS, connected to ADDR:5000
start_client() {
	local ns=$1 addr=$2
	mkfifo "$BATS_FILE_TMPDIR/fifo-$ns"
	ip netns exec "$ns" "$BATS_FILE_TMPDIR/hckclient" "$addr" 5000 "$BATS_FILE_TMPDIR/fifo-$ns" \
		"$BATS_FILE_TMPDIR/log-$ns" </dev/null >/dev/null 2>&1 &
	wait_until "grep -q connected '$BATS_FILE_TMPDIR/log-$ns' 2>/dev/null" 100
}

# send a line through the client; its echo must come back on the same connection
roundtrip() {
	local ns=$1 msg=$2
	timeout 10 sh -c "echo '$msg' > '$BATS_FILE_TMPDIR/fifo-$ns'"
	wait_until "grep -qx 'echo $msg' '$BATS_FILE_TMPDIR/log-$ns'" 100 || {
		cat "$BATS_FILE_TMPDIR/log-$ns" >&2
		return 1
	}
}

@test "tcp: an established connection carries data both ways after -s and -r" {
	start_settled "$(A)" hckn1
	start_server "$(A)" hckn1
	start_client hkcl1 10.215.1.2
	roundtrip hkcl1 before-checkpoint
	run lxc-checkpoint -P "$(A)" -n hckn1 -D "$BATS_TEST_TMPDIR/img" -s
	[ "$status" -eq 0 ]
	[ "$(lxc-info -P "$(A)" -n hckn1 -s | awk '{print $2}')" = STOPPED ]
	refute ip link show hkvp1 2>/dev/null
	run lxc-checkpoint -P "$(A)" -n hckn1 -D "$BATS_TEST_TMPDIR/img" -r
	[ "$status" -eq 0 ]
	ip link show hkvp1 | grep -q 'master hkbr1'
	roundtrip hkcl1 after-restore
	roundtrip hkcl1 "$(head -c 60 /dev/urandom | base64 -w0 | tr -d '/+=')"
	[ "$(grep -c connected "$BATS_FILE_TMPDIR/log-hkcl1")" -eq 1 ]
	refute grep -q error "$BATS_FILE_TMPDIR/log-hkcl1"
	# and through a dump that leaves the container running
	run lxc-checkpoint -P "$(A)" -n hckn1 -D "$BATS_TEST_TMPDIR/img2"
	[ "$status" -eq 0 ]
	roundtrip hkcl1 after-leave-running
}

@test "a failed restore of a networked container leaves no veth; the next one works" {
	script=$BATS_TEST_TMPDIR/refuse
	printf '#!/bin/sh\n[ "$CRTOOLS_SCRIPT_ACTION" != post-restore ]\n' > "$script"
	chmod +x "$script"
	lxc-stop -P "$(A)" -n hckn1 -k 2>/dev/null || true
	start_settled "$(A)" hckn1
	lxc-checkpoint -P "$(A)" -n hckn1 -D "$BATS_TEST_TMPDIR/img" -s
	run lxc-checkpoint -P "$(A)" -n hckn1 -D "$BATS_TEST_TMPDIR/img" -r -A "$script"
	[ "$status" -eq 1 ]
	refute ip link show hkvp1 2>/dev/null
	[ "$(lxc-info -P "$(A)" -n hckn1 -s | awk '{print $2}')" = STOPPED ]
	run lxc-checkpoint -P "$(A)" -n hckn1 -D "$BATS_TEST_TMPDIR/img" -r
	[ "$status" -eq 0 ]
	ip link show hkvp1 | grep -q 'master hkbr1'
	lxc-stop -P "$(A)" -n hckn1 -k
}

@test "another host: pages over the page server, images and container copied, connection kept" {
	img_a=$BATS_TEST_TMPDIR/img-a
	img_b=$(B)/img
	# CRIU's page server does not reuse an address in TIME_WAIT: a fresh port per run
	port=$((27000 + RANDOM % 2000))
	start_settled "$(A)" hckn2
	start_server "$(A)" hckn2
	start_client hkcl2 10.215.2.2
	roundtrip hkcl2 on-host-a
	# the receiving side first: a page server in the second host's network
	nsenter --net=/run/netns/hkhost2 lxc-checkpoint -P "$(B)" -n hckn2 -D "$img_b" --page-server-listen 10.215.9.2:$port \
		</dev/null >"$BATS_TEST_TMPDIR/ps.out" 2>&1 &
	ps_pid=$!
	wait_until "ip netns exec hkhost2 ss -ltn | grep -q ':$port'" 100
	run lxc-checkpoint -P "$(A)" -n hckn2 -D "$img_a" -s --page-server 10.215.9.2:$port
	[ "$status" -eq 0 ]
	wait "$ps_pid"
	[ ! -s "$BATS_TEST_TMPDIR/ps.out" ]
	# the memory went over TCP: pages are on B's side only
	refute ls "$img_a"/pages-*.img 2>/dev/null
	ls "$img_b"/pages-*.img >/dev/null
	# copy the rest of the images, and the container (its rootfs path follows the lxcpath)
	cp -a "$img_a/." "$img_b/"
	cp -a "$(A)/hckn2" "$(B)/"
	sed -i "s|$(A)/hckn2|$(B)/hckn2|" "$(B)/hckn2/config"
	# the client's cable moves to the second host's bridge
	ip link set hkcl2b netns hkhost2
	ip -n hkhost2 link set hkcl2b master hkbr2 up
	# restore on the second host, where the first host's lxcpath does not exist (nsenter,
	# not "ip netns exec": that one remounts /sys and hides the cgroup hierarchies)
	run unshare -m --propagation slave nsenter --net=/run/netns/hkhost2 sh -c \
		"mount -t tmpfs hck-host2 '$(A)' && lxc-checkpoint -P '$(B)' -n hckn2 -D '$img_b' -r"
	[ "$status" -eq 0 ]
	[ "$(lxc-info -P "$(B)" -n hckn2 -s | awk '{print $2}')" = RUNNING ]
	ip -n hkhost2 link show hkvp2 | grep -q 'master hkbr2'
	roundtrip hkcl2 on-host-b
	[ "$(grep -c connected "$BATS_FILE_TMPDIR/log-hkcl2")" -eq 1 ]
	lxc-stop -P "$(B)" -n hckn2 -k
}
