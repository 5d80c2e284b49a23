#!/usr/bin/env bats
# The multicall binary: dispatch by argv[0] and by "lxc APPLET", --list, --install,
# unknown names, and the options every applet shares.

load helpers

@test "the binary is static and stripped" {
	run file "$LXC_BIN"
	[[ "$output" == *"statically linked"* ]]
	[[ "$output" == *"stripped"* ]]
	run ldd "$LXC_BIN"
	[ "$status" -ne 0 ] || [[ "$output" == *"not a dynamic executable"* ]]
}

@test "lxc --list lists lxc-config" {
	run "$LXC_BIN" --list
	[ "$status" -eq 0 ]
	[[ "$output" == *"lxc-config"* ]]
}

@test "lxc APPLET and lxc-APPLET symlink give the same output" {
	run "$LXC_BIN" config -l
	a=$output
	run lxc-config -l
	[ "$status" -eq 0 ]
	[ "$output" = "$a" ]
	run "$LXC_BIN" lxc-config -l
	[ "$output" = "$a" ]
}

@test "unknown applet exits 127 with a message" {
	run -127 "$LXC_BIN" bogus
	[ "$status" -eq 127 ]
	[[ "$output" == *"applet not found: bogus"* ]]
	d=$(mktemp -d)
	ln -s "$LXC_BIN" "$d/lxc-bogus"
	run -127 "$d/lxc-bogus"
	rm -rf "$d"
	[ "$status" -eq 127 ]
}

@test "lxc --install DIR creates a symlink per applet" {
	d=$(mktemp -d)
	run "$LXC_BIN" --install "$d"
	[ "$status" -eq 0 ]
	n=$("$LXC_BIN" --list | wc -l)
	[ "$(ls "$d" | wc -l)" -eq "$n" ]
	[ "$(readlink "$d/lxc-config")" = "$(readlink -f "$LXC_BIN")" ]
	rm -rf "$d"
}

@test "--version prints the version on stdout" {
	run --separate-stderr lxc-config --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9]+\.[0-9]+ ]]
}

@test "--help goes to stderr, exits 0, ends with the man page line" {
	run --separate-stderr lxc-config --help
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == "Usage: lxc-config "* ]]
	[[ "$stderr" == *"Common options :"* ]]
	[[ "$stderr" == *"See the lxc-config man page for further information."* ]]
}

@test "--usage prints a short usage" {
	run --separate-stderr lxc-config --usage
	[ "$status" -eq 0 ]
	[[ "$stderr" == "Usage: lxc-config "* ]]
}

@test "unknown option: LXC's message, the help, exit 1" {
	run --separate-stderr lxc-config --bogus
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == "lxc-config: unrecognized option '--bogus'" ]]
	[[ "$stderr" == *"Common options :"* ]]
}

@test "bad -l priority is refused" {
	run lxc-config -P /tmp -l NOPE lxc.lxcpath
	# lxc-config owns -l (list), so check the priority on another applet's path
	run "$LXC_BIN" config --logpriority=NOPE lxc.lxcpath
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid log priority "NOPE"'* ]]
}
