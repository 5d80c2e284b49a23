#!/usr/bin/env bats
# The files under conf/ (installed in /usr/share/lxc/config, /etc/lxc, /etc/default and the
# init system's directories): their syntax, their keys, the includes, and their effect
# compared with LXC 5's own files when LXC is installed.

load helpers

CONF="$LXC_TOP/conf"
DISTROS="debian ubuntu oracle centos fedora archlinux opensuse alpine busybox"

# LXC 1.x keys (lxc-1.1.md §3); list keys and prefixes end with a dot
LXC1_KEYS="lxc.include lxc.arch lxc.utsname lxc.haltsignal lxc.stopsignal lxc.init_cmd lxc.network.
lxc.pts lxc.tty lxc.devttydir lxc.console lxc.console.logfile lxc.autodev lxc.kmsg lxc.mount
lxc.mount.entry lxc.mount.auto lxc.rootfs lxc.rootfs.mount lxc.rootfs.options lxc.pivotdir lxc.cgroup.
lxc.cap.drop lxc.cap.keep lxc.aa_profile lxc.aa_allow_incomplete lxc.se_context lxc.seccomp lxc.id_map
lxc.hook. lxc.loglevel lxc.logfile lxc.start.auto lxc.start.delay lxc.start.order lxc.group lxc.environment"

conf_files() {
	find "$CONF" -name '*.conf' -not -path '*/init/*' | sort
}

# "lxc.key = value" lines of a file, spaces around "=" normalized
settings() {
	grep -v '^[[:space:]]*#' "$1" | grep -v '^[[:space:]]*$' |
		sed -E 's/^[[:space:]]*([^=[:space:]]+)[[:space:]]*=[[:space:]]*/\1 = /; s/[[:space:]]+$//'
}

@test "every line of conf/*.conf is blank, a comment or lxc.KEY = VALUE" {
	for f in $(conf_files); do
		run grep -nvE '^[[:space:]]*(#.*)?$|^lxc\.[a-z0-9_.-]*[a-z0-9_][[:space:]]*=([[:space:]].*)?$' "$f"
		[ "$status" -ne 0 ] || { echo "$f: $output"; false; }
	done
}

@test "every key is documented in lxc.container.conf(5) or is an LXC 1.x key" {
	man -w lxc.container.conf >/dev/null 2>&1 || skip "LXC 5's man page lxc.container.conf is not installed"
	page=$(MANWIDTH=1000 man lxc.container.conf 2>/dev/null | col -b)
	# plain keys, and the templates lxc.cgroup.[controller name]..., lxc.net.[i].KEY
	documented=$( (grep -oE 'lxc\.[a-z0-9_.-]*[a-z0-9_]' <<<"$page"
		grep -oE 'lxc\.(cgroup2?|net)\.\[[a-z ]+\](\.[a-z0-9_.]*[a-z0-9_])?' <<<"$page") | sort -u)
	[ -n "$documented" ]
	for f in $(conf_files); do
		for key in $(settings "$f" | cut -d' ' -f1 | sort -u); do
			grep -qxF "$key" <<<"$documented" && continue
			case "$key" in
			lxc.cgroup.*) grep -qF 'lxc.cgroup.[controller name]' <<<"$documented" && continue ;;
			lxc.cgroup2.*) grep -qF 'lxc.cgroup2.[controller name]' <<<"$documented" && continue ;;
			lxc.net.[0-9]*.*)
				grep -qxF "lxc.net.[i].${key#lxc.net.*.}" <<<"$documented" && continue ;;
			esac
			old=no
			for k in $LXC1_KEYS; do
				[ "$key" = "$k" ] && old=yes
				case "$k" in *.) case "$key" in "$k"*) old=yes ;; esac ;; esac
			done
			[ "$old" = yes ] || { echo "$f: undocumented key $key"; false; }
		done
	done
}

@test "the files users expect are there" {
	for f in common.conf userns.conf nesting.conf default.conf lxc-net.default common.conf.d/README; do
		[ -s "$CONF/$f" ] || { echo "missing conf/$f"; false; }
	done
	for d in $DISTROS; do
		[ -s "$CONF/$d.common.conf" ] && [ -s "$CONF/$d.userns.conf" ] || { echo "missing $d"; false; }
	done
}

@test "each distro file starts from common.conf or userns.conf" {
	for d in $DISTROS; do
		[ "$(settings "$CONF/$d.common.conf" | head -n 1)" = "lxc.include = /usr/share/lxc/config/common.conf" ]
		[ "$(settings "$CONF/$d.userns.conf" | head -n 1)" = "lxc.include = /usr/share/lxc/config/userns.conf" ]
	done
}

@test "common.conf names the seccomp profile and ends with common.conf.d" {
	run settings "$CONF/common.conf"
	[[ "$output" == *"lxc.seccomp.profile = /usr/share/lxc/config/common.seccomp"* ]]
	[ "${lines[-1]}" = "lxc.include = /usr/share/lxc/config/common.conf.d/" ]
	# make install puts the default profile at that path
	grep -q 'seccomp/default.seccomp .*/share/lxc/config/common.seccomp' "$LXC_TOP/Makefile"
}

@test "the same settings as LXC 5's files, where LXC has the file" {
	[ -d /usr/share/lxc/config ] || skip "LXC 5 is not installed"
	n=0
	for f in $(conf_files); do
		lxc=/usr/share/lxc/config/${f#"$CONF"/}
		[ -f "$lxc" ] || continue
		diff <(settings "$f") <(settings "$lxc") || { echo "differs from $lxc"; false; }
		n=$((n + 1))
	done
	[ "$n" -ge 19 ]
}

@test "default.conf: a veth on lxcbr0, up, with a random 00:16:3e address" {
	run settings "$CONF/default.conf"
	[ "${lines[0]}" = "lxc.net.0.type = veth" ]
	[ "${lines[1]}" = "lxc.net.0.link = lxcbr0" ]
	[ "${lines[2]}" = "lxc.net.0.flags = up" ]
	[ "${lines[3]}" = "lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx" ]
}

@test "lxc-net.default: LXC's variables with LXC's defaults, and it is valid sh" {
	sh -n "$CONF/lxc-net.default"
	for v in 'USE_LXC_BRIDGE="true"' 'LXC_BRIDGE="lxcbr0"' 'LXC_BRIDGE_MAC="00:16:3e:00:00:00"' \
		'LXC_ADDR="10.0.3.1"' 'LXC_NETMASK="255.255.255.0"' 'LXC_NETWORK="10.0.3.0/24"' \
		'LXC_DHCP_RANGE="10.0.3.2,10.0.3.254"' 'LXC_DHCP_MAX="253"' 'LXC_DHCP_CONFILE=""' \
		'LXC_DHCP_PING="true"' 'LXC_DOMAIN=""' 'LXC_USE_NFT="true"' 'LXC_IPV6_ADDR=""' \
		'LXC_IPV6_MASK=""' 'LXC_IPV6_NETWORK=""' 'LXC_IPV6_NAT="false"'; do
		grep -qxE "#?$v" "$CONF/lxc-net.default" || { echo "missing $v"; false; }
	done
	# sourcing it sets only the bridge switch
	run env -i sh -c ". '$CONF/lxc-net.default'; echo \"\$USE_LXC_BRIDGE/\${LXC_ADDR-unset}\""
	[ "$output" = "true/unset" ]
	run env -i sh -c ". '$CONF/lxc.default'; echo \"\$LXC_AUTO|\$BOOTGROUPS|\$SHUTDOWNDELAY|\$STOPOPTS\""
	[ "$output" = "true|onboot,|5|-a -A -s" ]
}

@test "systemd units run our applets with LXC's settings" {
	u="$CONF/init/systemd"
	grep -qx 'ExecStart=/usr/bin/lxc-net start' "$u/lxc-net.service"
	grep -qx 'ExecStop=/usr/bin/lxc-net stop' "$u/lxc-net.service"
	grep -qx 'Type=oneshot' "$u/lxc-net.service"
	grep -qx 'Before=lxc.service' "$u/lxc-net.service"
	grep -qx 'ConditionVirtualization=!lxc' "$u/lxc-net.service"
	grep -q '^ExecStart=.*/usr/bin/lxc-autostart ' "$u/lxc.service"
	grep -qx 'Wants=lxc-net.service' "$u/lxc.service"
	grep -qx 'Delegate=yes' "$u/lxc.service"
	grep -qx 'EnvironmentFile=-/etc/default/lxc' "$u/lxc.service"
	grep -qx 'ExecStart=/usr/bin/lxc-start -F -n %i' "$u/lxc@.service"
	grep -qx 'ExecStop=/usr/bin/lxc-stop -n %i' "$u/lxc@.service"
	grep -qx 'KillMode=mixed' "$u/lxc@.service"
	grep -qx 'TimeoutStopSec=120s' "$u/lxc@.service"
}

@test "lxc.service's start command honours /etc/default/lxc" {
	# the ExecStart shell line, with systemd's $$ unescaped, run against a fake lxc-autostart
	d=$(mktemp -d /tmp/hsec-units.XXXXXX)
	printf '#!/bin/sh\necho "autostart $*"\n' > "$d/lxc-autostart"
	chmod +x "$d/lxc-autostart"
	cmd=$(sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'$/\1/p" "$CONF/init/systemd/lxc.service" |
		sed 's/\$\$/$/g; s|/usr/bin/lxc-autostart|'"$d"'/lxc-autostart|')
	run env LXC_AUTO=true BOOTGROUPS=onboot, OPTIONS=-a sh -c "$cmd"
	[ "$output" = "autostart -a -g onboot," ]
	run env LXC_AUTO=false BOOTGROUPS=onboot, sh -c "$cmd"
	[ "$status" -eq 0 ] && [ -z "$output" ]
	rm -rf "$d"
}

@test "sysvinit scripts and upstart jobs: valid, executable, calling our applets" {
	for s in lxc lxc-net; do
		sh -n "$CONF/init/sysvinit/$s"
		[ -x "$CONF/init/sysvinit/$s" ]
		grep -q '^### BEGIN INIT INFO' "$CONF/init/sysvinit/$s"
		grep -q "^# Provides: *$s\$" "$CONF/init/sysvinit/$s"
	done
	grep -q '/usr/bin/lxc-net' "$CONF/init/sysvinit/lxc-net"
	grep -q '/usr/bin/lxc-autostart' "$CONF/init/sysvinit/lxc"
	grep -q 'pre-start exec /usr/bin/lxc-net start' "$CONF/init/upstart/lxc-net.conf"
	grep -q '/usr/bin/lxc-autostart' "$CONF/init/upstart/lxc.conf"
	run "$CONF/init/sysvinit/lxc-net" bogus
	# without an installed lxc-net it exits quietly; with one it prints the usage
	[ "$status" -eq 0 ] || [ "$status" -eq 2 ]
}
