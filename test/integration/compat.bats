#!/usr/bin/env bats
# Compatibility with Debian's LXC 5: a container made by LXC's own lxc-create (busybox
# template, Debian's /etc/lxc/default.conf: a veth on lxcbr0) plus LXC's common.conf
# starts, attaches and stops with our binary, config untouched; and LXC's template
# script runs unchanged under our lxc-create.
#
# The network: the config wants a bridge lxcbr0. Creating one on the host would collide
# with other tests and with a real lxc-net, so each start runs in a private network
# namespace (unshare -n) where the test makes its own lxcbr0 with a DHCP server, as
# lxc-net would. Our monitor and the host side of the veth live there; lxc-attach and
# lxc-stop work from anywhere.

load helpers
load runtime_helpers

setup_file() {
	[ -x /usr/bin/lxc-create ] || return 0
	export LXC_TEST_PATH=$(mktemp -d /tmp/hsc-compat.XXXXXX)
	/usr/bin/lxc-create -P "$LXC_TEST_PATH" -n hscl5 -t busybox >/dev/null 2>&1
	echo "lxc.include = /usr/share/lxc/config/common.conf" >> "$LXC_TEST_PATH/hscl5/config"
	sha256sum "$LXC_TEST_PATH/hscl5/config" > "$LXC_TEST_PATH/config.sum"
}

teardown_file() {
	lxc_cleanup_path
	# LXC 5's own lock directory for this lxcpath
	[ -n "${LXC_TEST_PATH:-}" ] && rm -rf "/run/lxc/lock/$LXC_TEST_PATH"
	true
}

P() { echo "$LXC_TEST_PATH"; }

# Run the script on stdin in a private network namespace with a bridge lxcbr0 and a DHCP
# server on it (10.0.3.0/24 in that namespace only; the busybox template's rcS waits for
# a lease before its init takes signals). In the script, wait_ip NAME prints the
# container's IPv4 address once it has one.
in_private_net() {
	local f=$LXC_TEST_PATH/net.sh
	{
		cat <<-'SETUP'
		set -e
		ip link set lo up
		ip link add lxcbr0 type bridge
		ip addr add 10.0.3.1/24 dev lxcbr0
		ip link set lxcbr0 up
		dnsmasq --keep-in-foreground --port=0 --no-ping --strict-order --bind-interfaces \
			--interface=lxcbr0 --except-interface=lo --listen-address=10.0.3.1 \
			--dhcp-range=10.0.3.2,10.0.3.254 --dhcp-leasefile="$LXC_TEST_PATH/leases" \
			--pid-file="$LXC_TEST_PATH/dnsmasq.pid" --conf-file=/dev/null 2>/dev/null &
		dns=$!
		trap 'kill $dns 2>/dev/null' EXIT
		wait_ip() {
			for i in $(seq 200); do
				a=$(lxc-attach -P "$LXC_TEST_PATH" -n "$1" -- /bin/sh -c 'ip -4 -o addr show eth0' |
					awk '{ print $4 }')
				[ -n "$a" ] && break
				sleep 0.1
			done
			echo "${a%/*}"
		}
		SETUP
		cat
	} > "$f"
	timeout 120 unshare -n bash "$f"
}

@test "LXC 5's busybox container with common.conf: starts, attaches and stops; config unchanged" {
	[ -x /usr/bin/lxc-create ] || skip "Debian's lxc package is not installed"
	grep -q '^lxc.net.0.link = lxcbr0$' "$(P)/hscl5/config"
	grep -q '^lxc.apparmor.profile = generated$' "$(P)/hscl5/config"
	run in_private_net <<-'EOF'
	lxc-start -P "$LXC_TEST_PATH" -n hscl5
	lxc-info -P "$LXC_TEST_PATH" -n hscl5 -s
	lxc-attach -P "$LXC_TEST_PATH" -n hscl5 -- /bin/hostname
	# the host side of the veth is on the bridge; the container got a lease through it
	ip -o link show master lxcbr0 | grep -c veth
	wait_ip hscl5
	lxc-stop -P "$LXC_TEST_PATH" -n hscl5 -t 30
	lxc-info -P "$LXC_TEST_PATH" -n hscl5 -s
	ip -o link show master lxcbr0 | wc -l
	EOF
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "State:          RUNNING" ]
	[ "${lines[1]}" = hscl5 ]
	[ "${lines[2]}" = 1 ]
	[[ "${lines[3]}" == 10.0.3.* ]]
	[ "${lines[4]}" = "State:          STOPPED" ]
	[ "${lines[5]}" = 0 ]
	sha256sum -c "$(P)/config.sum"
	run leftovers "$(P)" hscl5
	[ -z "$output" ]
}

@test "LXC 5's container: our lxc-ls and lxc-info read it; LXC's own tools still do too" {
	[ -x /usr/bin/lxc-create ] || skip "Debian's lxc package is not installed"
	run lxc-ls -P "$(P)" -1
	[[ "$output" == *hscl5* ]]
	run lxc-info -P "$(P)" -n hscl5 -c lxc.uts.name
	[ "$output" = "lxc.uts.name = hscl5" ]
	run /usr/bin/lxc-info -P "$(P)" -n hscl5 -s
	[[ "$output" == *STOPPED* ]]
}

@test "LXC's template script, unchanged, under our lxc-create: the container starts" {
	[ -x /usr/share/lxc/templates/lxc-busybox ] || skip "Debian's lxc package is not installed"
	run lxc-create -P "$(P)" -n hsct -t /usr/share/lxc/templates/lxc-busybox
	echo "$output"
	[ "$status" -eq 0 ]
	head -n 1 "$(P)/hsct/config" | grep -q "^# Template used to create this container: /usr/share/lxc/templates/lxc-busybox$"
	grep -q '^lxc.signal.halt = SIGUSR1$' "$(P)/hsct/config"
	run in_private_net <<-'EOF'
	lxc-start -P "$LXC_TEST_PATH" -n hsct
	lxc-attach -P "$LXC_TEST_PATH" -n hsct -- /bin/hostname
	wait_ip hsct
	lxc-stop -P "$LXC_TEST_PATH" -n hsct -t 30
	lxc-info -P "$LXC_TEST_PATH" -n hsct -s
	EOF
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hsct ]
	[[ "${lines[1]}" == 10.0.3.* ]]
	[ "${lines[2]}" = "State:          STOPPED" ]
	run leftovers "$(P)" hsct
	[ -z "$output" ]
}
