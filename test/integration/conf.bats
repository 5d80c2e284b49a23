#!/usr/bin/env bats
# The config engine seen from the binary: lxc-update-config on LXC 1.x configs (backup,
# idempotence, the result parses here and with LXC 5, 1.x keys gone, includes untouched),
# its errors, and a config made by LXC 5's lxc-create -t busybox.

load helpers

setup() {
	HCONF_DIR=$(mktemp -d /tmp/hconf-bats.XXXXXX)
}

teardown() {
	if [ -n "${HCONF_LXCPATH:-}" ] && [ -x /usr/bin/lxc-destroy ]; then
		/usr/bin/lxc-destroy -P "$HCONF_LXCPATH" -n hconf-bb >/dev/null 2>&1 || true
	fi
	rm -rf "$HCONF_DIR"
}

write_1x_config() {
	cat > "$HCONF_DIR/inc.conf" <<-'EOF'
	lxc.utsname = from-include
	EOF
	cat > "$HCONF_DIR/config" <<-'EOF'
	# An LXC 1.1 container
	lxc.include = inc.conf
	lxc.utsname = web
	lxc.rootfs = /var/lib/lxc/web/rootfs
	lxc.rootfs.backend = dir
	lxc.pivotdir = lxc_putold
	lxc.kmsg = 0
	lxc.tty = 4
	lxc.pts = 1024
	lxc.devttydir = lxc
	lxc.console = none
	lxc.mount = /var/lib/lxc/web/fstab
	lxc.aa_profile = unconfined
	lxc.haltsignal = SIGPWR
	lxc.id_map = u 0 100000 65536
	lxc.id_map = g 0 100000 65536
	lxc.loglevel = 5
	lxc.logfile = /var/log/web.log
	lxc.limit.nofile = 1024

	# first NIC
	lxc.network.type = veth
	lxc.network.link = lxcbr0
	lxc.network.flags = up
	lxc.network.hwaddr = 00:16:3e:xx:xx:xx
	lxc.network.ipv4 = 10.0.3.50/24
	lxc.network.ipv4.gateway = 10.0.3.1
	# second NIC
	lxc.network.type = macvlan
	lxc.network.link = eth0
	lxc.network.macvlan.mode = bridge
	lxc.cgroup.devices.allow = c 1:3 rwm
	EOF
}

@test "lxc-update-config rewrites 1.x keys, keeps comments and order, keeps a backup" {
	write_1x_config
	cp "$HCONF_DIR/config" "$HCONF_DIR/original"
	cp "$HCONF_DIR/inc.conf" "$HCONF_DIR/inc.original"
	run lxc-update-config -c "$HCONF_DIR/config"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cmp "$HCONF_DIR/config.backup" "$HCONF_DIR/original"
	cmp "$HCONF_DIR/inc.conf" "$HCONF_DIR/inc.original"
	run cat "$HCONF_DIR/config"
	[ "${lines[0]}" = "# An LXC 1.1 container" ]
	[ "${lines[1]}" = "lxc.include = inc.conf" ]
	[ "${lines[2]}" = "lxc.uts.name = web" ]
	[ "${lines[3]}" = "lxc.rootfs.path = dir:/var/lib/lxc/web/rootfs" ]
	[ "${lines[4]}" = "lxc.tty.max = 4" ]
	[[ "$output" == *$'\n'"lxc.idmap = g 0 100000 65536"$'\n'* ]]
	[[ "$output" == *$'\n'"lxc.prlimit.nofile = 1024"$'\n'* ]]
	[[ "$output" == *$'\n'"lxc.signal.halt = SIGPWR"$'\n'* ]]
	[[ "$output" == *$'\n\n'"# first NIC"$'\n'"lxc.net.0.type = veth"$'\n'"lxc.net.0.link = lxcbr0"$'\n'* ]]
	[[ "$output" == *$'\n'"lxc.net.0.ipv4.address = 10.0.3.50/24"$'\n'"lxc.net.0.ipv4.gateway = 10.0.3.1"$'\n'* ]]
	[[ "$output" == *$'\n'"# second NIC"$'\n'"lxc.net.1.type = macvlan"$'\n'"lxc.net.1.link = eth0"$'\n'"lxc.net.1.macvlan.mode = bridge"$'\n'* ]]
	# every 1.x key is gone
	run grep -nE '^[[:space:]]*lxc\.(network|utsname|rootfs[[:space:]]*=|rootfs\.backend|pivotdir|kmsg|tty[[:space:]]*=|pts|devttydir|console[[:space:]]*=|mount[[:space:]]*=|aa_|haltsignal|id_map|loglevel|logfile|limit\.)' "$HCONF_DIR/config"
	[ "$status" -eq 1 ]
}

@test "lxc-update-config is idempotent: a second run changes nothing, not even the backup" {
	write_1x_config
	lxc-update-config -c "$HCONF_DIR/config"
	cp "$HCONF_DIR/config" "$HCONF_DIR/after1"
	cp "$HCONF_DIR/config.backup" "$HCONF_DIR/backup1"
	run lxc-update-config -c "$HCONF_DIR/config"
	[ "$status" -eq 0 ]
	cmp "$HCONF_DIR/config" "$HCONF_DIR/after1"
	cmp "$HCONF_DIR/config.backup" "$HCONF_DIR/backup1"
}

@test "the updated config parses here and with LXC 5" {
	[ -x /usr/bin/lxc-info ] || skip "needs LXC 5's lxc-info (Debian's lxc package)"
	write_1x_config
	# LXC 5 rejects the 1.x file ...
	mkdir -p "$HCONF_DIR/lxc/hconf-web"
	cp "$HCONF_DIR/config" "$HCONF_DIR/lxc/hconf-web/config"
	cp "$HCONF_DIR/inc.conf" "$HCONF_DIR/lxc/hconf-web/"
	run /usr/bin/lxc-info -P "$HCONF_DIR/lxc" -n hconf-web -c lxc.uts.name
	[ "$status" -ne 0 ]
	# ... and reads the updated one, with the same meaning
	lxc-update-config -c "$HCONF_DIR/lxc/hconf-web/config"
	# the included file is left alone by design; LXC 5 needs it modern too, and reads a
	# relative include from its working directory (we: from the including file's directory)
	printf 'lxc.uts.name = from-include\n' > "$HCONF_DIR/lxc/hconf-web/inc.conf"
	sed -i "s|^lxc.include = inc.conf|lxc.include = $HCONF_DIR/lxc/hconf-web/inc.conf|" \
		"$HCONF_DIR/lxc/hconf-web/config"
	run /usr/bin/lxc-info -P "$HCONF_DIR/lxc" -n hconf-web -c lxc.net.1.macvlan.mode -c lxc.uts.name \
		-c lxc.net.0.ipv4.address -c lxc.idmap
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "lxc.net.1.macvlan.mode = bridge" ]
	[ "${lines[1]}" = "lxc.uts.name = web" ]
	[ "${lines[2]}" = "lxc.net.0.ipv4.address = 10.0.3.50/24" ]
	# our parser reads it too (a second update parses the whole file and finds nothing to do)
	run lxc-update-config -c "$HCONF_DIR/lxc/hconf-web/config"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "lxc-update-config on a missing file: one line, exit 1, nothing written" {
	run lxc-update-config -c "$HCONF_DIR/nope"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "lxc-update-config: failed to open \"$HCONF_DIR/nope\": No such file or directory" ]
	[ ! -e "$HCONF_DIR/nope" ]
	[ ! -e "$HCONF_DIR/nope.backup" ]
	[ -z "$(ls -A "$HCONF_DIR")" ]
}

@test "lxc-update-config on a bad config names file, line and key, and writes nothing" {
	printf 'lxc.utsname = a\nlxc.network.type = vethh\n' > "$HCONF_DIR/config"
	cp "$HCONF_DIR/config" "$HCONF_DIR/original"
	run lxc-update-config -c "$HCONF_DIR/config"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "lxc-update-config: $HCONF_DIR/config:2: lxc.network.type: unknown network type \"vethh\""* ]]
	cmp "$HCONF_DIR/config" "$HCONF_DIR/original"
	[ ! -e "$HCONF_DIR/config.backup" ]
}

@test "lxc-update-config without -c prints its usage" {
	run lxc-update-config
	[ "$status" -eq 0 ]
	[[ "$output" == "Usage: lxc-update-config -c|--config CONFIG"* ]]
}

@test "a config made by LXC 5's lxc-create -t busybox parses (and needs no update)" {
	[ -x /usr/bin/lxc-create ] || skip "needs LXC 5's lxc-create (Debian's lxc package)"
	command -v busybox >/dev/null || skip "needs busybox for the busybox template"
	HCONF_LXCPATH="$HCONF_DIR/lxcpath"
	mkdir -p "$HCONF_LXCPATH"
	run /usr/bin/lxc-create -P "$HCONF_LXCPATH" -n hconf-bb -t busybox
	[ "$status" -eq 0 ]
	cp "$HCONF_LXCPATH/hconf-bb/config" "$HCONF_DIR/created"
	run lxc-update-config -c "$HCONF_LXCPATH/hconf-bb/config"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cmp "$HCONF_LXCPATH/hconf-bb/config" "$HCONF_DIR/created"
	[ ! -e "$HCONF_LXCPATH/hconf-bb/config.backup" ]
}
