#!/usr/bin/env bats
# make install: the binary, its lxc-* symlinks, the config files, man pages and bash
# completion, into a DESTDIR; /etc files only when absent.

load helpers

setup_file() {
	export DEST=$(mktemp -d /tmp/lxc-install.XXXXXX)
	make -C "$LXC_TOP" -s install PREFIX=/usr DESTDIR="$DEST" >/dev/null
}

teardown_file() {
	rm -rf "$DEST"
}

@test "binary and one symlink per applet" {
	[ -x "$DEST/usr/bin/lxc" ]
	for a in $("$LXC_BIN" --list); do
		[ "$(readlink "$DEST/usr/bin/$a")" = lxc ]
	done
}

@test "config files under share/lxc/config, the default profile as common.seccomp" {
	for f in common.conf userns.conf nesting.conf debian.common.conf busybox.common.conf common.seccomp; do
		[ -f "$DEST/usr/share/lxc/config/$f" ]
	done
	[ -f "$DEST/usr/share/lxc/config/common.conf.d/README" ]
	cmp "$DEST/usr/share/lxc/config/common.seccomp" "$LXC_TOP/seccomp/default.seccomp"
	[ ! -e "$DEST/usr/share/lxc/config/default.conf" ]
}

@test "/etc/lxc/default.conf and /etc/default/lxc-net installed, kept when present" {
	grep -q '^lxc.net.0.link = lxcbr0' "$DEST/etc/lxc/default.conf"
	grep -q 'LXC_BRIDGE' "$DEST/etc/default/lxc-net"
	echo "# mine" > "$DEST/etc/lxc/default.conf"
	make -C "$LXC_TOP" -s install PREFIX=/usr DESTDIR="$DEST" >/dev/null
	[ "$(cat "$DEST/etc/lxc/default.conf")" = "# mine" ]
}

@test "man pages render, one per applet plus lxc.container.conf(5)" {
	for a in $("$LXC_BIN" --list); do
		[ -s "$DEST/usr/share/man/man1/$a.1" ]
	done
	run man -l "$DEST/usr/share/man/man1/lxc-start.1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"lxc-start start COMMAND in specified container NAME"* ]]
	[[ "$output" == *"EXIT VALUE"* ]]
	grep -q 'lxc\\.uts\\.name\|lxc.uts.name' "$DEST/usr/share/man/man5/lxc.container.conf.5"
}

@test "bash completion completes container names through lxc-ls" {
	f="$DEST/usr/share/bash-completion/completions/_lxc"
	bash -n "$f"
	grep -q 'lxc-ls $filter -1' "$f"
	[ "$(readlink "$DEST/usr/share/bash-completion/completions/lxc-start")" = _lxc ]
	run bash -c "source '$f'; COMP_WORDS=(lxc-start -n ''); COMP_CWORD=2; lxc-ls() { echo c1 c2; }; _lxc_tool; echo \${COMPREPLY[*]}"
	[ "$output" = "c1 c2" ]
}

@test "init scripts for systemd, sysvinit and upstart" {
	grep -q 'ExecStart=/usr/bin/lxc-net start' "$DEST/usr/lib/systemd/system/lxc-net.service"
	[ -x "$DEST/etc/init.d/lxc-net" ]
	[ -f "$DEST/etc/init/lxc-net.conf" ]
}
