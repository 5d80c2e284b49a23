#!/usr/bin/env bats
# lxc-top with the real binary: batch CSV and JSON lines from two busy containers (one
# burning CPU, one holding 64 MiB), the refresh cost, containers coming and going, and
# the interactive screen driven through tmux (header, rows, sort keys, resize, q, SIGTERM).

load helpers

setup_file() {
	export LXC_TEST_PATH=$(mktemp -d /tmp/lxc-htd-top.XXXXXX)
	export HTD_TMUX="$LXC_TEST_PATH/tmux.sock"
	make_busybox htd-cpu
	make_busybox htd-mem
	lxc-execute -d -P "$LXC_TEST_PATH" -n htd-cpu -- /bin/sh -c 'while :; do :; done'
	# tmpfs pages are charged to the memory cgroup of the process that wrote them
	lxc-execute -d -P "$LXC_TEST_PATH" -n htd-mem -- /bin/sh -c \
		'dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 2>/dev/null; touch /dev/shm/done; exec sleep 3600'
}

teardown_file() {
	tmux -S "$HTD_TMUX" kill-server 2>/dev/null || true
	lxc_cleanup_path
}

P() { echo "$LXC_TEST_PATH"; }

mem_filled() {
	lxc-attach -P "$(P)" -n htd-mem -- /bin/test -e /dev/shm/done </dev/null
}

# field N (1-based) of the CSV rows of container $2 in file $1
csv_field() {
	awk -F, -v c="$2" -v f="$3" '$2 == c { print $f }' "$1"
}

@test "lxc-top -b: LXC's CSV header, CPU use rising, 64 MiB held" {
	wait_until mem_filled 100
	out=$BATS_TEST_TMPDIR/batch.csv
	lxc-top -P "$(P)" -b -d 0.5 -n 3 </dev/null >"$out"
	[ "$(head -n 1 "$out")" = "time_ms,container,cpu_nanos,cpu_sys_userhz,cpu_user_userhz,blkio_bytes,blkio_iops,mem_used_bytes,memsw_used_bytes,kernel_mem_used_bytes" ]
	[ "$(wc -l <"$out")" -eq 7 ]
	cpu=($(csv_field "$out" htd-cpu 3))
	[ "${#cpu[@]}" -eq 3 ]
	# half a second of a busy loop each interval
	[ "${cpu[1]}" -gt $((cpu[0] + 100000000)) ]
	[ "${cpu[2]}" -gt $((cpu[1] + 100000000)) ]
	for mem in $(csv_field "$out" htd-mem 8); do
		[ "$mem" -ge $((64 * 1024 * 1024)) ]
	done
	# time_ms is wall-clock milliseconds, the same for every row of one interval
	t=($(awk -F, 'NR > 1 { print $1 }' "$out"))
	now=$(date +%s%3N)
	[ "${t[0]}" = "${t[1]}" ]
	[ "${t[2]}" -ge $((t[0] + 400)) ]
	[ "${t[5]}" -le "$now" ] && [ "${t[5]}" -gt $((now - 60000)) ]
}

@test "lxc-top on cgroup v2: counters from cpu.stat, memory.current and memory.stat" {
	needs cgroup2
	wait_until mem_filled 100
	out=$BATS_TEST_TMPDIR/v2.csv
	lxc-top -P "$(P)" -b -d 0.5 -n 2 </dev/null >"$out"
	cpu=($(csv_field "$out" htd-cpu 3))
	user=($(csv_field "$out" htd-cpu 5))
	[ "${cpu[1]}" -gt $((cpu[0] + 100000000)) ]
	[ "${user[1]}" -gt 0 ]
	for mem in $(csv_field "$out" htd-mem 8); do
		[ "$mem" -ge $((64 * 1024 * 1024)) ]
	done
	for kmem in $(csv_field "$out" htd-mem 10); do
		[ "$kmem" -gt 0 ]
	done
}

@test "lxc-top --format jsonl: one JSON object per container per interval" {
	run lxc-top -P "$(P)" --format jsonl -d 0 -n 2 </dev/null
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^\{\"time_ms\":[0-9]+,\"container\":\"htd-(cpu|mem)\",\"cpu_nanos\":[0-9]+,.*\"kernel_mem_used_bytes\":[0-9]+\}$ ]]
	done
	[[ "${lines[0]}" == *'"container":"htd-cpu"'* ]]
	[[ "${lines[1]}" == *'"container":"htd-mem"'* ]]
	# sorted by memory, largest first
	run lxc-top -P "$(P)" --format jsonl -s m -d 0 -n 1 </dev/null
	[[ "${lines[0]}" == *'"container":"htd-mem"'* ]]
	run lxc-top -P "$(P)" --format jsonl -s m -r -d 0 -n 1 </dev/null
	[[ "${lines[0]}" == *'"container":"htd-cpu"'* ]]
}

@test "lxc-top: monitors are asked once; a refresh is cheap" {
	run lxc-top -P "$(P)" --bench=50
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^lxc-top\ refresh\ of\ 2\ containers:\ [0-9.]+\ ms\ CPU$ ]]
	[[ "${lines[1]}" == *"4 monitor queries; 50 refreshes after it: 0 monitor queries" ]]
	ms=$(echo "${lines[0]}" | awk '{ print $(NF - 2) }')
	# 100 containers must take under 20 ms (test/bench/top.sh); 2 take far less, even under TCG
	awk -v ms="$ms" 'BEGIN { exit !(ms < 20) }'
}

@test "lxc-top: bad options and no terminal" {
	run lxc-top -P "$(P)" </dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"must be a terminal (use -b for batch output)"* ]]
	run lxc-top -P "$(P)" -s x -b
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid sort key "x"'* ]]
	run lxc-top -P "$(P)" -d -1 -b
	[ "$status" -eq 1 ]
	run lxc-top -P "$(P)" --format xml
	[[ "$output" == *'unknown format "xml"'* ]]
	run lxc-top --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Usage: lxc-top " ]
	[[ "$output" == *"lxc-top monitors the state of the active containers"* ]]
	[[ "$output" == *"  -s, --sort      sort by [n,c,b,m] (default: n) where"* ]]
	run lxc-top -P /nonexistent-htd -b -n 1
	[ "$status" -eq 1 ]
	[[ "$output" == *'cannot read the container path "/nonexistent-htd"'* ]]
}

# ---- the interactive screen, in a tmux pane ----------------------------------------------

tm() { tmux -S "$HTD_TMUX" "$@"; }

teardown() {
	tm kill-server 2>/dev/null || true
}

pane() { tm capture-pane -p -t htd; }

# start a shell in a 150x12 pane that records the terminal modes before and after lxc-top
start_pane() {
	tm -f /dev/null new-session -d -s htd -x 150 -y 12 "env -i PATH='$PATH' TERM=xterm HOME=/ PS1='htd\$ ' /bin/sh"
	# keys typed before the shell's prompt would be echoed ahead of it
	wait_until "pane | grep -q '^htd\\$'" 300
	# the shell prints HTD-2 when lxc-top has ended; the typed line says HTD-\$((1+1))
	tm send-keys -t htd "stty -a | tail -n +2 > $BATS_TEST_TMPDIR/stty.before; lxc-top -P $(P) -d 1 $*; stty -a | tail -n +2 > $BATS_TEST_TMPDIR/stty.after; echo HTD-\$((1+1))" Enter
	wait_until "pane | grep -q '^TOTAL 2 of 2'" 300 || { pane; false; }
}

first_row() { pane | sed -n 3p | awk '{ print $1 }'; }

@test "lxc-top screen: header, rows, sort keys, resize, q restores the terminal" {
	start_pane
	[ "$(tm display -p -t htd '#{alternate_on}')" = 1 ]
	run pane
	[[ "${lines[0]}" =~ ^Container\ +CPU\ +CPU\ +CPU\ +BlkIO\ +Mem ]]
	[[ "${lines[1]}" =~ ^Name\ +Used\ +Sys\ +User\ +Total\(Read/Write\)\ +Used ]]
	[[ "${lines[2]}" == htd-cpu* ]]
	[[ "${lines[3]}" == htd-mem* ]]
	[[ "${lines[4]}" =~ ^TOTAL\ 2\ of\ 2 ]]
	# the header is in reverse video
	tm capture-pane -p -e -t htd | head -n 1 | grep -q $'\e\[1;7m'
	# m: by memory, largest first; m again: reversed; n: by name
	tm send-keys -t htd m
	wait_until '[ "$(first_row)" = htd-mem ]' 300
	tm send-keys -t htd m
	wait_until '[ "$(first_row)" = htd-cpu ]' 300
	tm send-keys -t htd c
	wait_until '[ "$(first_row)" = htd-cpu ]' 300
	tm send-keys -t htd r
	wait_until '[ "$(first_row)" = htd-mem ]' 300
	# a smaller window: lines cut to its width, as many rows as fit (4 - 3)
	tm resize-window -t htd -x 60 -y 4
	wait_until "pane | grep -q '^TOTAL 1 of 2'" 300
	[ "$(pane | awk '{ if (length($0) > m) m = length($0) } END { print m }')" -le 60 ]
	tm resize-window -t htd -x 150 -y 12
	wait_until "pane | grep -q '^TOTAL 2 of 2'" 300
	tm send-keys -t htd q
	wait_until "pane | grep -q 'HTD-2'" 300 || { pane; false; }
	[ "$(tm display -p -t htd '#{alternate_on}')" = 0 ]
	# the modes (echo, icanon...) are back as they were
	diff "$BATS_TEST_TMPDIR/stty.before" "$BATS_TEST_TMPDIR/stty.after"
	grep -q ' icanon ' "$BATS_TEST_TMPDIR/stty.after"
}

@test "lxc-top screen: SIGTERM restores the terminal too" {
	start_pane
	pkill -TERM -f "lxc-top -P $(P) -d 1" -P "$(tm display -p -t htd '#{pane_pid}')"
	wait_until "pane | grep -q 'HTD-2'" 300 || { pane; false; }
	[ "$(tm display -p -t htd '#{alternate_on}')" = 0 ]
	diff "$BATS_TEST_TMPDIR/stty.before" "$BATS_TEST_TMPDIR/stty.after"
}

@test "lxc-top -b: a container that stops leaves the list, one that starts joins it" {
	out=$BATS_TEST_TMPDIR/come-go.csv
	lxc-top -P "$(P)" -b -d 1 -n 7 </dev/null >"$out" &
	top=$!
	sleep 1.5
	lxc-stop -P "$(P)" -n htd-cpu -k
	sleep 2
	lxc-execute -d -P "$(P)" -n htd-cpu -- /bin/sh -c 'exec sleep 3600'
	wait "$top"
	# interval by interval: which containers were there
	seq=$(awk -F, 'NR > 1 { rows[$1] = rows[$1] " " $2 } END { for (t in rows) print t, rows[t] }' "$out" | sort -n |
		awk '{ $1 = ""; print }' | tr '\n' '|')
	echo "$seq"
	[[ "$seq" == " htd-cpu htd-mem|"* ]]
	[[ "$seq" == *"| htd-mem|"* ]]
	[[ "$seq" == *"| htd-cpu htd-mem|" ]]
}
