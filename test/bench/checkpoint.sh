#!/bin/sh
# make bench, checkpoint rows: lxc-checkpoint -s and -r of a busybox container, ours and
# LXC 5's /usr/bin/lxc-checkpoint side by side on the same container (made by LXC's
# lxc-create; ttys and console off, which LXC's dump needs; LXC's restore also needs the
# /lib binds gone: CRIU's mount-v2 cannot bind a merged-/usr symlink), ours on the template's
# default container, the criu processes per operation, and a container holding 256 MiB of
# touched memory against CRIU run directly (criu dump/restore CLI on the same tree).
# Medians of BENCH_CKPT_RUNS cycles (default 7); images on tmpfs. Nothing is asserted.
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
ours="$top/build/bin"
runs=${BENCH_CKPT_RUNS:-7}
work=$(mktemp -d /tmp/hck-bench.XXXXXX)
imgs=$(mktemp -d /dev/shm/hck-bench.XXXXXX)
P="$work/lxc"
mkdir -p "$P"

cleanup() {
	runc delete -f "hck-bench-$$" >/dev/null 2>&1 || true
	for c in bb bbnolib bbtty bbmem; do
		"$ours/lxc-stop" -P "$P" -n $c -k >/dev/null 2>&1 || true
		/usr/bin/lxc-stop -P "$P" -n $c -k >/dev/null 2>&1 || true
	done
	for d in $(find /sys/fs/cgroup -maxdepth 6 -type d -name 'lxc.payload.bbmem' 2>/dev/null); do
		rmdir "$d" 2>/dev/null || true
	done
	rm -rf "$work" "$imgs"
}
trap cleanup EXIT INT TERM

command -v criu >/dev/null || { echo "checkpoint bench: no criu" >&2; exit 1; }
[ -x /usr/bin/lxc-checkpoint ] || { echo "checkpoint bench: no LXC 5 lxc-checkpoint" >&2; exit 1; }

now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }
median() { python3 -c 'import sys, statistics; v = [float(x) for x in sys.argv[1:]]; print("%.0f" % statistics.median(v) if v else "n/a")' "$@"; }
ratio() { python3 -c 'import sys
a, b = sys.argv[1], sys.argv[2]
print("%.2f" % (float(a) / float(b)) if a != "n/a" and b not in ("n/a", "0") else "n/a")' "$1" "$2"; }

# LXC 5 runs criu from PATH with our environment. CRIU 4.1 hung here without CRIU_FAULT=130
# (hardware breakpoints never fire in this VM); CRIU 4.2 notices by itself. Ours sets it when
# its own probe sees no trap; LXC gets the same here when criu check complains.
lxc_env=""
if criu check 2>&1 | grep -q "Hardware breakpoints don't seem to work"; then
	lxc_env="CRIU_FAULT=130"
fi

echo "checkpoint: preparing busybox containers (LXC 5's lxc-create), criu $(criu --version | sed -n 's/^Version: //p')" >&2
/usr/bin/lxc-create -P "$P" -n bb -t busybox -f /dev/null >/dev/null 2>&1
printf 'lxc.tty.max = 0\nlxc.console.path = none\n' >> "$P/bb/config"
sed -i '/^lxc.tty.max = 5$/d' "$P/bb/config"
/usr/bin/lxc-create -P "$P" -n bbnolib -t busybox -f /dev/null >/dev/null 2>&1
printf 'lxc.tty.max = 0\nlxc.console.path = none\n' >> "$P/bbnolib/config"
sed -i -e '/^lxc.tty.max = 5$/d' -e '/^lxc.mount.entry = \/[a-z0-9/]*lib[0-9]* /d' "$P/bbnolib/config"
"$ours/lxc-create" -P "$P" -n bbtty -t busybox -f /dev/null >/dev/null
/usr/bin/lxc-create -P "$P" -n bbmem -t busybox -f /dev/null >/dev/null 2>&1
printf 'lxc.tty.max = 0\nlxc.console.path = none\n' >> "$P/bbmem/config"
sed -i '/^lxc.tty.max = 5$/d' "$P/bbmem/config"

# cycle TOOL NAME TAG: RUNS x (start, timed dump -s, timed restore, stop); TOOL is "ours"
# or "lxc"; times go to $work/TAG.dump and TAG.restore (ms per line)
cycle() {
	tool=$1 name=$2 tag=$3
	: > "$work/$tag.dump"
	: > "$work/$tag.restore"
	i=0
	while [ $i -lt "$runs" ]; do
		d="$imgs/$tag.$i"
		if [ "$tool" = ours ]; then
			"$ours/lxc-start" -P "$P" -n "$name"
			sleep 0.3
			t0=$(now); "$ours/lxc-checkpoint" -P "$P" -n "$name" -D "$d" -s; t1=$(now)
			"$ours/lxc-checkpoint" -P "$P" -n "$name" -D "$d" -r; t2=$(now)
			"$ours/lxc-stop" -P "$P" -n "$name" -k
		else
			/usr/bin/lxc-start -P "$P" -n "$name"
			sleep 0.3
			t0=$(now); env $lxc_env /usr/bin/lxc-checkpoint -P "$P" -n "$name" -D "$d" -s; t1=$(now)
			if env $lxc_env /usr/bin/lxc-checkpoint -P "$P" -n "$name" -D "$d" -r 2>/dev/null; then
				t2=$(now)
				echo "$(ms "$t1" "$t2")" >> "$work/$tag.restore"
			fi
			/usr/bin/lxc-stop -P "$P" -n "$name" -k >/dev/null 2>&1 || true
			t2=$t1
		fi
		echo "$(ms "$t0" "$t1")" >> "$work/$tag.dump"
		[ "$tool" = ours ] && echo "$(ms "$t1" "$t2")" >> "$work/$tag.restore"
		rm -rf "$d"
		i=$((i + 1))
	done
}
med() { median $(cat "$work/$1"); }

cycle ours bb ours-bb
cycle lxc bb lxc-bb
cycle ours bbnolib ours-nolib
cycle lxc bbnolib lxc-nolib
cycle ours bbtty ours-tty

dump_ours=$(med ours-bb.dump) dump_lxc=$(med lxc-bb.dump)
rst_ours=$(med ours-nolib.restore) rst_lxc=$(med lxc-nolib.restore)
echo "checkpoint: dump ours $dump_ours ms, LXC 5 $dump_lxc ms, ratio $(ratio "$dump_ours" "$dump_lxc")  (lxc-checkpoint -s, busybox, ttys and console off)"
echo "checkpoint: restore ours $rst_ours ms, LXC 5 $rst_lxc ms, ratio $(ratio "$rst_ours" "$rst_lxc")  (lxc-checkpoint -r, the same without the /lib binds)"
echo "checkpoint: restore ours $(med ours-bb.restore) ms, LXC 5 fails (mnt-v2: cannot bind the /lib symlink)  (with the /lib binds)"
echo "checkpoint: default busybox container (5 ttys, console, binds): dump ours $(med ours-tty.dump) ms, restore ours $(med ours-tty.restore) ms; LXC 5 cannot dump it"

# criu processes per operation: count the execs of a wrapper
printf '#!/bin/sh\necho "$*" >> %s/criu-execs\nexec %s "$@"\n' "$work" "$(command -v criu)" > "$work/criu-count"
chmod +x "$work/criu-count"
"$ours/lxc-start" -P "$P" -n bb
sleep 0.3
CRIU="$work/criu-count" "$ours/lxc-checkpoint" -P "$P" -n bb -D "$imgs/count" -s
n_dump=$(wc -l < "$work/criu-execs")
CRIU="$work/criu-count" "$ours/lxc-checkpoint" -P "$P" -n bb -D "$imgs/count" -r
n_rst=$(($(wc -l < "$work/criu-execs") - n_dump))
"$ours/lxc-stop" -P "$P" -n bb -k
rm -rf "$imgs/count"
echo "checkpoint: criu processes: $n_dump per dump, $n_rst per restore (criu swrk: VERSION kept open, then the request)"

# runc on a copy of the same rootfs: `sleep` as its process, no terminal
if command -v runc >/dev/null; then
	bundle="$work/runc"
	mkdir -p "$bundle"
	cp -a "$P/bb/rootfs" "$bundle/rootfs"
	(cd "$bundle" && runc spec)
	python3 - "$bundle/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "1000"]
c["root"]["readonly"] = False
json.dump(c, open(sys.argv[1], "w"))
EOF
	: > "$work/runc.dump"; : > "$work/runc.restore"
	i=0
	while [ $i -lt "$runs" ]; do
		id="hck-bench-$$" d="$imgs/runc.$i"
		runc run -d -b "$bundle" "$id" </dev/null >/dev/null 2>&1
		sleep 0.3
		t0=$(now); runc checkpoint --image-path "$d" "$id"; t1=$(now)
		runc restore -d --image-path "$d" -b "$bundle" "$id" </dev/null >/dev/null 2>&1; t2=$(now)
		echo "$(ms "$t0" "$t1")" >> "$work/runc.dump"
		echo "$(ms "$t1" "$t2")" >> "$work/runc.restore"
		runc delete -f "$id" >/dev/null 2>&1
		rm -rf "$d"
		i=$((i + 1))
	done
	echo "checkpoint: runc checkpoint $(med runc.dump) ms, restore $(med runc.restore) ms (same rootfs, sleep as its process); ours $dump_ours and $rst_ours ms"
else
	echo "checkpoint: runc is not installed: no runc row"
fi

# 256 MiB of touched memory: ours against the criu CLI with the same options
cat > "$work/hckmem.c" <<'EOF'
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	size_t len = (size_t)atoi(argv[1]) << 20;
	int p[2];
	char c;
	if (pipe(p) < 0)
		return 1;
	if (fork() > 0) {
		close(p[1]);
		return read(p[0], &c, 1) == 1 ? 0 : 1;
	}
	setsid();
	int null = open("/dev/null", O_RDWR);
	dup2(null, 0); dup2(null, 1); dup2(null, 2);
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 1;
	unsigned long long x = 88172645463325252ULL;
	for (size_t i = 0; i < len; i += 8) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		memcpy(m + i, &x, 8);
	}
	if (write(p[1], "r", 1) < 0)
		return 1;
	close(p[1]);
	for (;;)
		pause();
}
EOF
musl-gcc -static -O2 -o "$P/bbmem/rootfs/bin/hckmem" "$work/hckmem.c"
memstart() {
	"$ours/lxc-start" -P "$P" -n bbmem
	sleep 0.3
	"$ours/lxc-attach" -P "$P" -n bbmem -- /bin/hckmem 256
}
rootfs="$P/bbmem/rootfs"
ext_dump="" ext_rst="" k=0
for src_dst in "/lib lib" "/usr/lib usr/lib" "/lib64 lib64" "/usr/lib64 usr/lib64" "/sys/kernel/security sys/kernel/security"; do
	set -- $src_dst
	if grep -q "^lxc.mount.entry = $1 $2 " "$P/bbmem/config"; then
		ext_dump="$ext_dump --external mnt[/$2]:lxc-bind$k"
		ext_rst="$ext_rst --external mnt[lxc-bind$k]:$(realpath "$1")"
		k=$((k + 1))
	fi
done
: > "$work/cli.dump"; : > "$work/cli.restore"; : > "$work/mem.dump"; : > "$work/mem.restore"
memruns=${BENCH_CKPT_MEM_RUNS:-5}
i=0
while [ $i -lt "$memruns" ]; do
	# CRIU directly: same options as ours (--empty-ns net: the container's network namespace
	# is as a new one, which ours leaves out of the images too); the restored tree dies with criu (its init has a
	# parent-death signal and criu is its parent), which is after the time taken
	memstart
	pid=$("$ours/lxc-info" -P "$P" -n bbmem -p | awk '{print $2}')
	freezer=$(awk -F: '$2 == "freezer" {print $3}' "/proc/$pid/cgroup")
	d="$imgs/cli.$i"; mkdir -p "$d"
	t0=$(now)
	criu dump -t "$pid" -D "$d" -o dump.log -v2 --tcp-established --skip-in-flight --file-locks --link-remap \
		--manage-cgroups=soft --freeze-cgroup "/sys/fs/cgroup/freezer$freezer" --network-lock skip --empty-ns net \
		--ext-mount-map auto --enable-external-sharing --enable-external-masters $ext_dump
	t1=$(now)
	echo "$(ms "$t0" "$t1")" >> "$work/cli.dump"
	while "$ours/lxc-info" -P "$P" -n bbmem -s | grep -q RUNNING; do sleep 0.1; done
	size=$(du -sb "$d" | awk '{print $1}')
	unshare -m --propagation slave sh -c "mount --bind '$rootfs' '$rootfs' &&
		t0=\$(date +%s%N) && criu restore -D '$d' -o restore.log -v2 --root '$rootfs' --restore-detached \
		--tcp-established --file-locks --link-remap --manage-cgroups=soft --evasive-devices --empty-ns net $ext_rst &&
		t1=\$(date +%s%N) && echo \$(((t1 - t0) / 1000000)) >> '$work/cli.restore'"
	sleep 0.5
	for cg in $(find /sys/fs/cgroup -maxdepth 6 -type d -name 'lxc.payload.bbmem' 2>/dev/null); do
		rmdir "$cg" 2>/dev/null || true
	done
	rm -rf "$d"
	# ours
	memstart
	d="$imgs/mem.$i"
	t0=$(now); "$ours/lxc-checkpoint" -P "$P" -n bbmem -D "$d" -s; t1=$(now)
	"$ours/lxc-checkpoint" -P "$P" -n bbmem -D "$d" -r; t2=$(now)
	echo "$(ms "$t0" "$t1")" >> "$work/mem.dump"
	echo "$(ms "$t1" "$t2")" >> "$work/mem.restore"
	osize=$(du -sb "$d" | awk '{print $1}')
	"$ours/lxc-stop" -P "$P" -n bbmem -k
	rm -rf "$d"
	i=$((i + 1))
done
overhead() { python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print("%+.0f%%" % ((a - b) * 100 / b))' "$1" "$2"; }
mbps() { python3 -c 'import sys; print("%.0f" % (float(sys.argv[1]) / 1048576 / (float(sys.argv[2]) / 1000)))' "$1" "$2"; }
md=$(med mem.dump) cd=$(med cli.dump) mr=$(med mem.restore) cr=$(med cli.restore)
echo "checkpoint: 256 MiB dump ours $md ms, criu CLI $cd ms, overhead $(overhead "$md" "$cd"); image $((osize / 1048576)) MiB (criu CLI $((size / 1048576)) MiB), $(mbps "$osize" "$md") MB/s"
echo "checkpoint: 256 MiB restore ours $mr ms, criu CLI $cr ms, overhead $(overhead "$mr" "$cr"), $(mbps "$osize" "$mr") MB/s"
echo "checkpoint: (ours includes lxc-checkpoint, the monitor, cgroups and ptys, waiting for STOPPED; criu CLI probes the kernel each run: /run is no tmpfs here)"
