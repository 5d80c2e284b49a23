#!/usr/bin/env bats
# Options of lxc-start, lxc-stop, lxc-execute and lxc-console with the real binary.

load helpers
load runtime_helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/hsc-opt.XXXXXX)
	make_busybox hsco
	make_busybox hsco2
}

teardown_file() {
	lxc_cleanup_path
}

# a failed test must not leave its containers to the next one
teardown() {
	tmux -S "$LXC_TEST_PATH/tmux" kill-server 2>/dev/null || true
	for c in hsco hsco2; do
		lxc-stop -P "$LXC_TEST_PATH" -n "$c" -k >/dev/null 2>&1 || true
	done
}

P() { echo "$LXC_TEST_PATH"; }
in_ct() { local n=$1; shift; lxc-attach -P "$(P)" -n "$n" -- "$@"; }

# ---- lxc-start ------------------------------------------------------------------------

@test "lxc-start -F -- CMD: console relayed, stdin /dev/null, exit status propagated" {
	run lxc-start -F -P "$(P)" -n hsco -- /bin/sh -c 'echo hello-from-console; exit 3' </dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *hello-from-console* ]]
	[[ "$output" != *epoll* ]]
	run bash -c "echo 'echo piped-\$((40+2)); exit 5' | lxc-start -F -P $(P) -n hsco -- /bin/sh"
	echo "$output"
	[ "$status" -eq 5 ]
	[[ "$output" == *piped-42* ]]
	run leftovers "$(P)" hsco
	[ -z "$output" ]
}

@test "lxc-start -F: stdin from a regular file is the console's input" {
	f=$(P)/input
	printf 'echo file-$((6*7))\nexit 6\n' > "$f"
	run lxc-start -F -P "$(P)" -n hsco -- /bin/sh < "$f"
	echo "$output"
	[ "$status" -eq 6 ]
	[[ "$output" == *file-42* ]]
}

@test "lxc-start -p: the pidfile names the monitor while it runs, and goes with it" {
	lxc-start -P "$(P)" -n hsco -p "$(P)/pid"
	pid=$(init_pid hsco)
	[ "$(cat "$(P)/pid")" = "$(awk '{ print $4 }' /proc/$pid/stat)" ]
	lxc-stop -P "$(P)" -n hsco -k
	[ ! -e "$(P)/pid" ]
}

@test "lxc-start (daemon) keeps no fd of its caller: \$(lxc-start 7>&1) returns at once" {
	# the daemon holding a dup of the command substitution's pipe kept its reader waiting
	# for as long as the container ran (LXC: --daemon implies --close-all-fds)
	run timeout 30 bash -c 'x=$(lxc-start -P "$1" -n hsco 7>&1 8>"$1/fd8"); echo returned' _ "$(P)"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = returned ]
	# nobody holds the file given as fd 8 (monitor and guard included)
	[ "$(lxc-info -P "$(P)" -n hsco -s)" = "State:          RUNNING" ]
	[ -z "$(find /proc/[0-9]*/fd -lname "$(P)/fd8" 2>/dev/null)" ]
}

# fd8_held_by_foreground_start [OPTION]: whether lxc-start -F [OPTION], given a file as fd 8,
# still holds it once the container runs
fd8_held_by_foreground_start() {
	lxc-start -F "$@" -P "$(P)" -n hsco -- /bin/sh -c 'sleep 30' < /dev/null > /dev/null 2>&1 8>"$(P)/fd8" &
	local fg=$! held
	wait_state hsco RUNNING
	held=$(find /proc/$fg/fd -lname "$(P)/fd8")
	lxc-stop -P "$(P)" -n hsco -k
	wait "$fg" || true
	[ -n "$held" ]
}

@test "lxc-start -F -C closes the fds it inherited; without -C they stay (as in LXC)" {
	run fd8_held_by_foreground_start -C
	[ "$status" -eq 1 ]
	fd8_held_by_foreground_start
}

@test "lxc-start -f and --rcfile: another config file" {
	sed 's/^lxc.uts.name = .*/lxc.uts.name = hsc-rcfile/' "$(P)/hsco/config" > "$(P)/alt.conf"
	lxc-start -P "$(P)" -n hsco -f "$(P)/alt.conf"
	run in_ct hsco /bin/hostname
	[ "$output" = hsc-rcfile ]
	lxc-stop -P "$(P)" -n hsco -k
	lxc-start -P "$(P)" -n hsco --rcfile "$(P)/alt.conf"
	run in_ct hsco /bin/hostname
	[ "$output" = hsc-rcfile ]
	lxc-stop -P "$(P)" -n hsco -k
	# the container's own config was not touched
	grep -q '^lxc.uts.name = "hsco"$' "$(P)/hsco/config"
}

@test "lxc-start -s KEY=VAL overrides the config" {
	lxc-start -P "$(P)" -n hsco -s lxc.uts.name=hsc-define -s lxc.environment=HSC_DEF=1
	run in_ct hsco /bin/hostname
	[ "$output" = hsc-define ]
	run in_ct hsco /bin/sh -c 'tr "\0" "\n" < /proc/1/environ | grep ^HSC_DEF='
	[ "$output" = HSC_DEF=1 ]
	lxc-stop -P "$(P)" -n hsco -k
	run lxc-start -P "$(P)" -n hsco -s lxc.bogus=1
	[ "$status" -eq 1 ]
	[[ "$output" == *lxc.bogus* ]]
}

@test "lxc-start -L: the console log gets the console's output; -c: a console file" {
	lxc-start -P "$(P)" -n hsco -L "$(P)/console.log" -- /bin/sh -c 'echo to-the-log; exec sleep 100'
	wait_until "grep -q to-the-log '$(P)/console.log'"
	lxc-stop -P "$(P)" -n hsco -k
	: > "$(P)/console.out"
	lxc-start -P "$(P)" -n hsco -c "$(P)/console.out" -- /bin/sh -c 'echo to-the-device; exec sleep 100'
	wait_until "grep -q to-the-device '$(P)/console.out'"
	lxc-stop -P "$(P)" -n hsco -k
}

@test "lxc-start --share-net, --share-ipc, --share-uts with a container name and a pid" {
	lxc-start -P "$(P)" -n hsco
	a=$(init_pid hsco)
	lxc-start -P "$(P)" -n hsco2 --share-net=hsco --share-ipc="$a" --share-uts=hsco
	b=$(init_pid hsco2)
	for ns in net ipc uts; do
		[ "$(readlink /proc/$a/ns/$ns)" = "$(readlink /proc/$b/ns/$ns)" ]
	done
	[ "$(readlink /proc/$a/ns/mnt)" != "$(readlink /proc/$b/ns/mnt)" ]
	[ "$(readlink /proc/$a/ns/pid)" != "$(readlink /proc/$b/ns/pid)" ]
	run in_ct hsco2 /bin/hostname
	[ "$output" = hsco ]
	lxc-stop -P "$(P)" -n hsco2 -k
	# a pid of the host: the host's network namespace
	sleep 100 &
	host=$!
	lxc-start -P "$(P)" -n hsco2 --share-net=$host
	b=$(init_pid hsco2)
	[ "$(readlink /proc/$b/ns/net)" = "$(readlink /proc/$host/ns/net)" ]
	kill $host
	lxc-stop -P "$(P)" -n hsco2 -k
	run lxc-start -P "$(P)" -n hsco2 --share-net=hsc-not-running
	[ "$status" -eq 1 ]
	[[ "$output" == *'"hsc-not-running" is not running'* ]]
	lxc-stop -P "$(P)" -n hsco -k
}

# ---- lxc-stop -------------------------------------------------------------------------

@test "lxc-stop: clean halt with lxc.signal.halt (busybox init halts on SIGUSR1)" {
	lxc-start -P "$(P)" -n hsco
	pid=$(init_pid hsco)
	run lxc-stop -P "$(P)" -n hsco -t 20
	[ "$status" -eq 0 ]
	run lxc-info -P "$(P)" -n hsco -s
	[ "$output" = "State:          STOPPED" ]
	[ ! -d /proc/$pid ] || ! grep -q init /proc/$pid/cmdline
	# the lock went with the container: a start right after works
	run lxc-start -P "$(P)" -n hsco
	[ "$status" -eq 0 ]
	lxc-stop -P "$(P)" -n hsco -k
}

@test "lxc-stop -t: an init that ignores the halt signal is killed after the timeout" {
	lxc-start -P "$(P)" -n hsco -- /bin/sh -c 'exec sleep 1000'
	start=$(date +%s%N)
	run lxc-stop -P "$(P)" -n hsco -t 1
	[ "$status" -eq 0 ]
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "took $ms ms"
	[ "$ms" -ge 1000 ] && [ "$ms" -lt 10000 ]
	run lxc-info -P "$(P)" -n hsco -s
	[ "$output" = "State:          STOPPED" ]
}

@test "lxc-stop --nokill: only asks; exit 1 when the container is still running" {
	lxc-start -P "$(P)" -n hsco -- /bin/sh -c 'exec sleep 1000'
	run lxc-stop -P "$(P)" -n hsco -t 1 --nokill
	[ "$status" -eq 1 ]
	[[ "$output" == *"did not stop within 1 seconds"* ]]
	run lxc-info -P "$(P)" -n hsco -s
	[ "$output" = "State:          RUNNING" ]
	run lxc-stop -P "$(P)" -n hsco -k --nolock
	[ "$status" -eq 0 ]
	run lxc-info -P "$(P)" -n hsco -s
	[ "$output" = "State:          STOPPED" ]
}

@test "lxc-stop -k kills at once; -W does not wait" {
	lxc-start -P "$(P)" -n hsco -- /bin/sh -c 'exec sleep 1000'
	start=$(date +%s%N)
	run lxc-stop -P "$(P)" -n hsco -k
	[ "$status" -eq 0 ]
	[ $((($(date +%s%N) - start) / 1000000)) -lt 6000 ]
	run lxc-info -P "$(P)" -n hsco -s
	[ "$output" = "State:          STOPPED" ]
	lxc-start -P "$(P)" -n hsco
	run lxc-stop -P "$(P)" -n hsco -W
	[ "$status" -eq 0 ]
	wait_state hsco STOPPED
}

@test "lxc-stop -r: the container comes back RUNNING with a new init" {
	lxc-start -P "$(P)" -n hsco
	old=$(init_pid hsco)
	in_ct hsco /bin/touch /hsc-reboot-marker
	run lxc-stop -P "$(P)" -n hsco -r -t 30
	echo "$output"
	[ "$status" -eq 0 ]
	run lxc-info -P "$(P)" -n hsco -s
	[ "$output" = "State:          RUNNING" ]
	new=$(init_pid hsco)
	[ -n "$new" ] && [ "$new" != "$old" ]
	[ ! -d /proc/$old ] || ! grep -q init /proc/$old/cmdline
	run in_ct hsco /bin/sh -c 'ps -o pid,args | grep -c "[i]nit"'
	[ "$output" -ge 1 ]
	# same rootfs, new pid 1, a fresh cgroup with only the new container in it
	run in_ct hsco /bin/ls /hsc-reboot-marker
	[ "$status" -eq 0 ]
	rm -f "$(P)/hsco/rootfs/hsc-reboot-marker"
	lxc-stop -P "$(P)" -n hsco -k
	run leftovers "$(P)" hsco
	[ -z "$output" ]
}

@test "reboot(2) inside the container restarts it; lxc.signal.reboot is what -r sends" {
	echo 'lxc.signal.reboot = SIGUSR2' >> "$(P)/hsco/config"
	lxc-start -P "$(P)" -n hsco -- /bin/sh -c 'trap "reboot -f" USR2; while :; do sleep 0.1; done'
	old=$(init_pid hsco)
	run lxc-stop -P "$(P)" -n hsco -r -t 10
	sed -i '/^lxc.signal.reboot = SIGUSR2$/d' "$(P)/hsco/config"
	[ "$status" -eq 0 ]
	new=$(init_pid hsco)
	[ "$new" != "$old" ]
	lxc-stop -P "$(P)" -n hsco -k
}

@test "after a reboot, a monitor killed with its guard is cleaned up by the next start" {
	# the state file is rewritten in place: the second run's record is shorter than the
	# first run's (no monitor cgroup yet), and the reader must go by its lengths
	echo 'lxc.signal.reboot = SIGUSR2' >> "$(P)/hsco/config"
	lxc-start -P "$(P)" -n hsco -- /bin/sh -c 'trap "reboot -f" USR2; while :; do sleep 0.1; done'
	run lxc-stop -P "$(P)" -n hsco -r -t 10
	sed -i '/^lxc.signal.reboot = SIGUSR2$/d' "$(P)/hsco/config"
	[ "$status" -eq 0 ]
	pid=$(init_pid hsco)
	monitor=$(awk '{ print $4 }' "/proc/$pid/stat")
	kill -9 "$(guard_of "$monitor")" "$monitor"
	wait_until "[ ! -d /proc/$pid ]"
	[ -n "$(find /sys/fs/cgroup -maxdepth 6 -type d -name lxc.payload.hsco)" ]
	lxc-start -P "$(P)" -n hsco
	lxc-stop -P "$(P)" -n hsco -k
	run leftovers "$(P)" hsco
	echo "$output"
	[ -z "$output" ]
}

@test "a guard that wakes late after a normal stop leaves the next start's container alone" {
	# the guard goes by its lock file, not by a state file the next start may have written
	lxc-start -P "$(P)" -n hsco
	pid=$(init_pid hsco)
	monitor=$(awk '{ print $4 }' "/proc/$pid/stat")
	guard=$(guard_of "$monitor")
	kill -STOP "$guard"
	lxc-stop -P "$(P)" -n hsco -k
	lxc-start -P "$(P)" -n hsco
	pid2=$(init_pid hsco)
	kill -CONT "$guard"
	wait_until "[ ! -d /proc/$guard ]"
	[ "$(lxc-info -P "$(P)" -n hsco -s)" = "State:          RUNNING" ]
	[ "$(init_pid hsco)" = "$pid2" ]
	[ -n "$(find /sys/fs/cgroup -maxdepth 6 -type d -name lxc.payload.hsco)" ]
	lxc-stop -P "$(P)" -n hsco -k
	run leftovers "$(P)" hsco
	[ -z "$output" ]
}

@test "ttys and the console are there when the devices rules deny ptys (as in LXC)" {
	cp "$(P)/hsco/config" "$(P)/hsco/config.bak"
	printf 'lxc.tty.max = 3\nlxc.cgroup.devices.deny = a\nlxc.cgroup.devices.allow = c 1:3 rwm\n' >> "$(P)/hsco/config"
	# the ttys are opened before init enters its cgroups, the console is bound by path
	lxc-start -P "$(P)" -n hsco
	run in_ct hsco ls /dev/tty1 /dev/tty2 /dev/tty3 /dev/console
	lxc-stop -P "$(P)" -n hsco -k
	cp "$(P)/hsco/config.bak" "$(P)/hsco/config"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
}

# ---- lxc-execute ----------------------------------------------------------------------

@test "lxc-execute: an application container has a console but no ttys (as LXC)" {
	grep -q '^lxc.tty.max = [1-9]' "$(P)/hsco/config"
	rm -f "$(P)/hsco/rootfs/hsc-ready"
	lxc-execute -P "$(P)" -n hsco -- /bin/sh -c \
		'ls /dev > /hsc-dev; env > /hsc-env; touch /hsc-ready; sleep 100' &
	pid=$!
	wait_until "[ -e $(P)/hsco/rootfs/hsc-ready ]" 100
	run lxc-console -P "$(P)" -n hsco -t 1
	kill -TERM "$pid"
	wait "$pid" || true
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"tty 1 does not exist (an lxc-execute container has no ttys)"* ]]
	grep -qx console "$(P)/hsco/rootfs/hsc-dev"
	refute grep -q '^tty[0-9]' "$(P)/hsco/rootfs/hsc-dev"
	refute grep -q '^container_ttys=' "$(P)/hsco/rootfs/hsc-env"
	rm -f "$(P)/hsco/rootfs"/hsc-*
}

@test "lxc-execute: init reaps orphaned zombies" {
	run lxc-execute -P "$(P)" -n hsco -- /bin/sh -c \
		'sh -c "sleep 0.3 & exit 0"; sleep 1; ps -o stat,pid,args | grep -c "^Z"'
	echo "$output"
	[ "${lines[-1]}" = 0 ]
}

@test "lxc-execute: signals reach the command (SIGTERM to lxc-execute -> trap -> exit 3)" {
	rm -f "$(P)/hsco/rootfs/hsc-ready"
	lxc-execute -P "$(P)" -n hsco -- /bin/sh -c 'trap "exit 3" TERM; touch /hsc-ready; sleep 100 & wait' &
	pid=$!
	wait_until "[ -e $(P)/hsco/rootfs/hsc-ready ]" 100
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 3 ]
	run leftovers "$(P)" hsco
	[ -z "$output" ]
}

# ---- lxc-console ----------------------------------------------------------------------

tm() { tmux -S "$(P)/tmux" "$@"; }
screen_has() { wait_until "tmux -S $(P)/tmux capture-pane -p -t hsc | grep -q -- '$1'" "${2:-50}"; }

@test "lxc-console -t 1: a tty of the container; Ctrl-a q leaves" {
	lxc-start -P "$(P)" -n hsco
	tm new-session -d -s hsc -x 120 -y 30 "lxc-console -P $(P) -n hsco -t 1; echo CONSOLE-EXIT=\$?; sleep 60"
	screen_has "Connected to tty 1"
	screen_has "Type <Ctrl+a q> to exit the console"
	tm send-keys -t hsc Enter
	screen_has "hsco login:"
	tm send-keys -t hsc C-a q
	screen_has "CONSOLE-EXIT=0"
	tm kill-session -t hsc
}

@test "lxc-console -t 0: the console; -e changes the escape key" {
	lxc-start -P "$(P)" -n hsco
	tm new-session -d -s hsc -x 120 -y 30 "lxc-console -P $(P) -n hsco -t 0 -e '^b'; echo CONSOLE-EXIT=\$?; sleep 60"
	screen_has "Connected to tty 0"
	screen_has "Type <Ctrl+b q> to exit the console"
	# busybox init's "askfirst" shell on the console
	tm send-keys -t hsc Enter
	sleep 0.5
	tm send-keys -t hsc 'echo hsc-$((6*7))' Enter
	screen_has "hsc-42"
	# Ctrl-a is an ordinary key now
	tm send-keys -t hsc C-a q
	sleep 0.5
	run tm capture-pane -p -t hsc
	[[ "$output" != *CONSOLE-EXIT* ]]
	tm send-keys -t hsc C-b q
	screen_has "CONSOLE-EXIT=0"
	tm kill-session -t hsc
	# a tty that does not exist
	run lxc-console -P "$(P)" -n hsco -t 9
	[ "$status" -eq 1 ]
	[[ "$output" == *"tty 9 does not exist"* ]]
	lxc-stop -P "$(P)" -n hsco -k
}
