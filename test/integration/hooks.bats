#!/usr/bin/env bats
# lxc.hook.*: every hook runs at its step with LXC's arguments (NAME lxc TYPE [...]) and
# LXC_* environment; a failing hook aborts the start and leaves nothing behind.

load helpers
load runtime_helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/hsc-hook.XXXXXX)
	make_busybox hsch
	# one script records each call: type, arguments, LXC_* environment, what it saw
	cat > "$LXC_TEST_PATH/hook.sh" <<'EOF'
#!/bin/sh
log=${HSC_HOOK_LOG:-/hsc-hooks.log}
{
	echo "== $LXC_HOOK_TYPE"
	echo "args: $*"
	env | grep '^LXC_' | sort
	case "$LXC_HOOK_TYPE" in
	mount) [ -x "$LXC_ROOTFS_MOUNT/bin/busybox" ] && echo "rootfs mounted" ;;
	autodev) mknod "$LXC_ROOTFS_MOUNT/dev/hsc-hooknode" c 1 3 && echo "node made" ;;
	start) [ "$(cat /proc/1/comm 2>/dev/null)" != "" ] && echo "pid $$ in container: $(hostname)" ;;
	stop)
		for a in "$@"; do
			case "$a" in uts:*) echo "uts: $(nsenter --uts="${a#uts:}" hostname)" ;; esac
		done ;;
	esac
} >> "$log"
exit 0
EOF
	chmod 755 "$LXC_TEST_PATH/hook.sh"
	cp "$LXC_TEST_PATH/hook.sh" "$LXC_TEST_PATH/hsch/rootfs/hsc-hook.sh"
	cp "$LXC_TEST_PATH/hsch/config" "$LXC_TEST_PATH/config.orig"
}

teardown_file() {
	lxc_cleanup_path
}

teardown() {
	lxc-stop -P "$LXC_TEST_PATH" -n hsch -k >/dev/null 2>&1 || true
	cp "$LXC_TEST_PATH/config.orig" "$LXC_TEST_PATH/hsch/config"
	rm -f "$LXC_TEST_PATH/hooks.log" "$LXC_TEST_PATH/hsch/rootfs/hsc-hooks.log"
}

P() { echo "$LXC_TEST_PATH"; }
# the record of hook $1 in log $2
record() { awk -v t="== $1" '$0 == t { on = 1; next } /^== / { on = 0 } on' "$2"; }

@test "every hook runs in order, with NAME lxc TYPE and the LXC_* environment" {
	export HSC_HOOK_LOG="$(P)/hooks.log"
	for h in pre-start pre-mount mount autodev stop post-stop destroy; do
		echo "lxc.hook.$h = $(P)/hook.sh" >> "$(P)/hsch/config"
	done
	# start runs in the container: its script and log are the container's
	echo "lxc.hook.start = /hsc-hook.sh" >> "$(P)/hsch/config"
	lxc-start -P "$(P)" -n hsch
	pid=$(init_pid hsch)
	run lxc-attach -P "$(P)" -n hsch -- /bin/ls -l /dev/hsc-hooknode
	[[ "$output" == c* ]]
	lxc-stop -P "$(P)" -n hsch -k
	log=$(P)/hooks.log
	cat "$log"
	[ "$(grep '^== ' "$log" | tr '\n' ' ')" = "== pre-start == pre-mount == mount == autodev == stop == post-stop " ]
	for h in pre-start pre-mount mount autodev post-stop; do
		record $h "$log" | grep -qx "args: hsch lxc $h"
	done
	for h in pre-start pre-mount mount autodev stop post-stop; do
		r=$(record $h "$log")
		grep -qx "LXC_NAME=hsch" <<<"$r"
		grep -qx "LXC_HOOK_TYPE=$h" <<<"$r"
		grep -qx "LXC_HOOK_SECTION=lxc" <<<"$r"
		grep -qx "LXC_HOOK_VERSION=0" <<<"$r"
		grep -qx "LXC_CONFIG_FILE=$(P)/hsch/config" <<<"$r"
		grep -qx "LXC_ROOTFS_PATH=dir:$(P)/hsch/rootfs" <<<"$r"
		grep -qx "LXC_ROOTFS_MOUNT=/.*" <<<"$r"
		grep -qx "LXC_CGNS_AWARE=1" <<<"$r"
		grep -q "^LXC_LOG_LEVEL=" <<<"$r"
	done
	record mount "$log" | grep -qx "rootfs mounted"
	record autodev "$log" | grep -qx "node made"
	# what the autodev hook made in the container's /dev is there for init
	grep -q "^== start" "$(P)/hsch/rootfs/hsc-hooks.log"
	# stop: the container's namespaces as extra arguments, still usable
	record stop "$log" | grep -q "^args: hsch lxc stop .*uts:/proc/[0-9]*/fd/[0-9]*"
	# only the container's own namespaces (it has no user namespace)
	record stop "$log" | refute grep -q "user:/proc"
	record stop "$log" | grep -qx "uts: hsch"
	record stop "$log" | grep -qx "LXC_PID=$pid"
	record stop "$log" | grep -qx "LXC_TARGET=stop"
	record post-stop "$log" | grep -qx "LXC_TARGET=stop"
	# start: inside the container, with the container's view
	clog=$(P)/hsch/rootfs/hsc-hooks.log
	cat "$clog"
	record start "$clog" | grep -qx "args: hsch lxc start"
	record start "$clog" | grep -q "^pid [0-9]* in container: hsch$"
	record start "$clog" | grep -qx "LXC_NAME=hsch"
	# destroy: run by lxc-destroy
	make_busybox hschd
	echo "lxc.hook.destroy = $(P)/hook.sh" >> "$(P)/hschd/config"
	lxc-destroy -P "$(P)" -n hschd
	record destroy "$log" | grep -qx "args: hschd lxc destroy"
	record destroy "$log" | grep -qx "LXC_CONFIG_FILE=$(P)/hschd/config"
}

@test "lxc.hook.version = 1: the information comes only in the environment" {
	export HSC_HOOK_LOG="$(P)/hooks.log"
	printf 'lxc.hook.version = 1\nlxc.hook.pre-start = %s\n' "$(P)/hook.sh" >> "$(P)/hsch/config"
	lxc-start -P "$(P)" -n hsch
	cat "$(P)/hooks.log"
	record pre-start "$(P)/hooks.log" | grep -qx "args: "
	record pre-start "$(P)/hooks.log" | grep -qx "LXC_HOOK_VERSION=1"
}

@test "a reboot runs stop and post-stop with LXC_TARGET=reboot, then the start hooks again" {
	export HSC_HOOK_LOG="$(P)/hooks.log"
	for h in pre-start stop post-stop; do
		echo "lxc.hook.$h = $(P)/hook.sh" >> "$(P)/hsch/config"
	done
	lxc-start -P "$(P)" -n hsch
	lxc-stop -P "$(P)" -n hsch -r -t 30
	cat "$(P)/hooks.log"
	[ "$(grep '^== ' "$(P)/hooks.log" | tr '\n' ' ')" = "== pre-start == stop == post-stop == pre-start " ]
	grep -qx "LXC_TARGET=reboot" "$(P)/hooks.log"
}

# Each failing hook: exit 1, one line naming the hook, nothing left behind.
hook_fails() {
	echo "lxc.hook.$1 = $2" >> "$(P)/hsch/config"
	run lxc-start -P "$(P)" -n hsch
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"$1 hook \"$2\" failed with exit status 3"* ]]
	run leftovers "$(P)" hsch
	echo "$output"
	[ -z "$output" ]
}

@test "a failing pre-start hook aborts the start and cleans up" {
	hook_fails pre-start "/bin/sh -c 'exit 3'"
}

@test "a failing pre-mount hook aborts the start and cleans up" {
	hook_fails pre-mount "/bin/sh -c 'exit 3'"
}

@test "a failing autodev hook aborts the start and cleans up" {
	hook_fails autodev "/bin/sh -c 'exit 3'"
}

@test "a failing start hook (in the container) aborts the start and cleans up" {
	hook_fails start "/bin/sh -c 'exit 3'"
}

@test "a failing stop or post-stop hook does not keep the container from stopping" {
	echo "lxc.hook.stop = /bin/false" >> "$(P)/hsch/config"
	echo "lxc.hook.post-stop = /bin/false" >> "$(P)/hsch/config"
	lxc-start -P "$(P)" -n hsch
	run lxc-stop -P "$(P)" -n hsch -k
	[ "$status" -eq 0 ]
	run leftovers "$(P)" hsch
	[ -z "$output" ]
}
