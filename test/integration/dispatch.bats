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

# ---- the common options on a real applet (lxc-info on a stopped container) ----------

common_setup() {
	CP=$(mktemp -d /tmp/lxc-common.XXXXXX)
	mkdir "$CP/c1"
	printf 'lxc.uts.name = fromconfig\n' > "$CP/c1/config"
}

@test "-n and a positional NAME, -P and --lxcpath" {
	common_setup
	run lxc-info -P "$CP" -n c1 -s
	[ "$output" = "State:          STOPPED" ]
	run lxc-info --lxcpath="$CP" c1 -s
	[ "$output" = "State:          STOPPED" ]
	run lxc-info --name=c1 -P "$CP" -c lxc.uts.name
	[ "$output" = "lxc.uts.name = fromconfig" ]
	run lxc-info -s
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-info: No container name specified" ]
	rm -rf "$CP"
}

@test "--rcfile replaces the container's config" {
	common_setup
	printf 'lxc.uts.name = fromrcfile\n' > "$CP/other.conf"
	run lxc-info -P "$CP" -n c1 --rcfile "$CP/other.conf" -c lxc.uts.name
	[ "$output" = "lxc.uts.name = fromrcfile" ]
	rm -rf "$CP"
}

@test "-o and -l write the log file at the given priority" {
	common_setup
	log="$CP/log"
	run lxc-start -P "$CP" -n nosuch -o "$log" -l DEBUG
	[ "$status" -eq 1 ]
	grep -q 'lxc-start nosuch .* ERROR .*nosuch doesn'"'"'t exist' "$log"
	run lxc-start -P "$CP" -n nosuch --logfile="$log.2" --logpriority=FATAL
	[ ! -s "$log.2" ]
	rm -rf "$CP"
}

@test "-q silences error messages, the exit status stays" {
	common_setup
	run lxc-start -P "$CP" -n nosuch -q
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	run lxc-start -P "$CP" -n nosuch --quiet
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	rm -rf "$CP"
}

@test "an unknown name creates nothing" {
	common_setup
	before=$(ls -R "$CP")
	for t in lxc-start lxc-stop lxc-info lxc-attach lxc-freeze lxc-console lxc-destroy lxc-cgroup; do
		run $t -P "$CP" -n typo
		[ "$status" -ne 0 ]
	done
	[ "$(ls -R "$CP")" = "$before" ]
	rm -rf "$CP"
}
