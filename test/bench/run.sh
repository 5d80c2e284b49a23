#!/bin/sh
# make bench: our tools side by side with Debian's LXC 5 in one run, as ratios.
# - lxc-execute -- /bin/true on one busybox container (made by LXC 5's lxc-create, so
#   both runtimes read the very same config), plus runc and bwrap on its rootfs;
# - a start + stop cycle of the daemonized container; lxc-ls -f over 500 containers;
# - the monitor's RSS and the binary's size. Extra scripts in test/bench/*.sh add rows.
# Medians from hyperfine; nothing here is an assertion. Ours and LXC 5 take turns in blocks
# (bench_pair): this VM's speed drifts by 20 % and more within minutes, and one block
# each would put the drift into the ratio.
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
ours="$top/build/bin"
runs=${BENCH_RUNS:-40}
work=$(mktemp -d /tmp/lxc-bench.XXXXXX)
lxcpath="$work/lxc"
results="$work/results"
mkdir -p "$lxcpath" "$results"

cleanup() {
	"$ours/lxc-stop" -P "$lxcpath" -n bb -k >/dev/null 2>&1 || true
	/usr/bin/lxc-stop -P "$lxcpath" -n bb -k >/dev/null 2>&1 || true
	/usr/bin/lxc-destroy -P "$lxcpath" -n bb >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

need() { command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is missing (make deps)" >&2; exit 1; }; }
need hyperfine
need /usr/bin/lxc-execute

# hyperfine's median in ms for a JSON export
median_ms() { python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$1"; }

bench() { # name command...
	name=$1; shift
	hyperfine -N --warmup 5 --runs "$runs" --export-json "$results/$name.json" "$@" >/dev/null 2>&1 ||
		{ echo "bench: $name failed: $*" >&2; echo "n/a"; return; }
	median_ms "$results/$name.json"
}

# bench_pair NAME_A NAME_B CMD_A CMD_B: $rounds rounds of a block of each in turn (runs/rounds
# runs, after a warmup of 2); prints "MEDIAN_A MEDIAN_B" in ms over all the runs of each
rounds=${BENCH_ROUNDS:-4}
bench_pair() {
	a=$1 b=$2 cmd_a=$3 cmd_b=$4 r=0
	while [ $r -lt "$rounds" ]; do
		for side in a b; do
			if [ $side = a ]; then name=$a cmd=$cmd_a; else name=$b cmd=$cmd_b; fi
			hyperfine -N --warmup 2 --runs $((runs / rounds)) --export-json "$results/$name.$r.json" "$cmd" \
				>/dev/null 2>&1 || { echo "bench: $name failed: $cmd" >&2; echo "n/a n/a"; return; }
		done
		r=$((r + 1))
	done
	python3 -c 'import glob, json, statistics, sys
def med(name):
    times = [t for f in sorted(glob.glob(sys.argv[1] + "/" + name + ".*.json")) for t in json.load(open(f))["results"][0]["times"]]
    return "%.2f" % (statistics.median(times) * 1000)
print(med(sys.argv[2]), med(sys.argv[3]))' "$results" "$a" "$b"
}

ratio() { python3 -c 'import sys
a, b = sys.argv[1], sys.argv[2]
print("%.2fx" % (float(a) / float(b)) if a not in ("n/a", "") and b not in ("n/a", "", "0") else "n/a")' "$1" "$2"; }

echo "preparing: busybox container made by LXC 5's lxc-create (no network), runc bundle" >&2
/usr/bin/lxc-create -P "$lxcpath" -n bb -t busybox -f /dev/null >/dev/null 2>&1
rootfs="$lxcpath/bb/rootfs"

# runc: same rootfs, /bin/true, no terminal
bundle="$work/bundle"
mkdir -p "$bundle"
(cd "$bundle" && runc spec)
sed -i -e "s|\"path\": \"rootfs\"|\"path\": \"$rootfs\"|" -e 's|"terminal": true|"terminal": false|' \
	-e 's|"sh"|"/bin/true"|' "$bundle/config.json"

set -- $(bench_pair exec-ours exec-lxc5 "$ours/lxc-execute -P $lxcpath -n bb -- /bin/true" \
	"/usr/bin/lxc-execute -P $lxcpath -n bb -- /bin/true")
exec_ours=$1 exec_lxc=$2
exec_runc=$(bench exec-runc "runc run -b $bundle bench-$$")
exec_bwrap=$(bench exec-bwrap "bwrap --unshare-all --bind $rootfs / --proc /proc --dev /dev /bin/true")
floor=$(bench exec-unshare "unshare -fpmnuiC --mount-proc /bin/true")

set -- $(bench_pair cycle-ours cycle-lxc5 \
	"sh -c '$ours/lxc-start -P $lxcpath -n bb && $ours/lxc-stop -P $lxcpath -n bb -k'" \
	"sh -c '/usr/bin/lxc-start -P $lxcpath -n bb && /usr/bin/lxc-stop -P $lxcpath -n bb -k'")
cycle_ours=$1 cycle_lxc=$2

# 500 defined containers (stopped): copies of bb's config, no rootfs needed to list them
many="$work/many"
mkdir -p "$many"
i=0
while [ $i -lt 500 ]; do
	mkdir "$many/c$i"
	cp "$lxcpath/bb/config" "$many/c$i/config"
	i=$((i + 1))
done
ls_ours=$(bench ls-ours "$ours/lxc-ls -P $many -f")
ls_lxc=$(bench ls-lxc5 "/usr/bin/lxc-ls -P $many -f")

# the monitor's resident set while the container runs
"$ours/lxc-start" -P "$lxcpath" -n bb
init=$("$ours/lxc-info" -P "$lxcpath" -n bb -p | awk '{print $2}')
monitor=$(awk '{print $4}' "/proc/$init/stat")
rss_ours=$(awk '/^VmRSS/ {print $2}' "/proc/$monitor/status")
"$ours/lxc-stop" -P "$lxcpath" -n bb -k
/usr/bin/lxc-start -P "$lxcpath" -n bb
init=$(/usr/bin/lxc-info -P "$lxcpath" -n bb -p | awk '{print $2}')
monitor=$(awk '{print $4}' "/proc/$init/stat")
rss_lxc=$(awk '/^VmRSS/ {print $2}' "/proc/$monitor/status")
/usr/bin/lxc-stop -P "$lxcpath" -n bb -k

size=$(stat -c %s "$top/build/lxc")

printf '\n%-46s %12s %12s %8s\n' "measurement (median of $runs)" "ours" "LXC 5" "ratio"
printf '%-46s %12s %12s %8s\n' "lxc-execute -- /bin/true (ms)" "$exec_ours" "$exec_lxc" "$(ratio "$exec_ours" "$exec_lxc")"
printf '%-46s %12s %12s %8s\n' "lxc-start + lxc-stop -k, daemonized (ms)" "$cycle_ours" "$cycle_lxc" "$(ratio "$cycle_ours" "$cycle_lxc")"
printf '%-46s %12s %12s %8s\n' "lxc-ls -f, 500 defined containers (ms)" "$ls_ours" "$ls_lxc" "$(ratio "$ls_ours" "$ls_lxc")"
printf '%-46s %12s %12s %8s\n' "monitor RSS (KiB)" "$rss_ours" "$rss_lxc" "$(ratio "$rss_ours" "$rss_lxc")"
printf '%-46s %12s\n' "binary size (bytes, static, stripped)" "$size"
printf '\n%-46s %12s %8s\n' "same rootfs, /bin/true (ms)" "median" "ours/x"
printf '%-46s %12s %8s\n' "runc run" "$exec_runc" "$(ratio "$exec_ours" "$exec_runc")"
printf '%-46s %12s %8s\n' "bwrap --unshare-all" "$exec_bwrap" "$(ratio "$exec_ours" "$exec_bwrap")"
printf '%-46s %12s %8s\n' "unshare -fpmnuiC --mount-proc" "$floor" "$(ratio "$exec_ours" "$floor")"

# rows that other parts of the project add (networking, lxc-top, checkpoint)
for extra in "$top"/test/bench/*.sh; do
	[ -x "$extra" ] && [ "$(basename "$extra")" != run.sh ] || continue
	echo
	"$extra" || echo "bench: $(basename "$extra") failed" >&2
done
