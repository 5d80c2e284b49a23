#!/bin/sh
# Builds a VM lane initramfs (uncompressed newc cpio: TCG pays for every decompressed byte):
# Debian's static busybox, the listed kernel modules in load order, an /init, extra files.
# Usage: test/vm/initramfs.sh -o OUT -k TREE -v VERSION -i INIT [-m "MOD…"] [-f SRC:DEST]…
set -eu

# paths given relative to where we were started; the build runs in a staging directory
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
out= tree= version= init= modules= files=
while getopts o:k:v:i:m:f: opt; do
	case $opt in
	o) out=$(abs "$OPTARG") ;; k) tree=$(abs "$OPTARG") ;; v) version=$OPTARG ;;
	i) init=$(abs "$OPTARG") ;; m) modules=$OPTARG ;; f) files="$files $(abs "$OPTARG")" ;;
	*) echo "usage: $0 -o OUT -k TREE -v VERSION -i INIT [-m MODULES] [-f SRC:DEST]..." >&2; exit 2 ;;
	esac
done
[ -n "$out" ] && [ -n "$tree" ] && [ -n "$version" ] && [ -n "$init" ] || { echo "$0: missing option" >&2; exit 2; }

busybox=${VM_BUSYBOX:-/bin/busybox}
file -L "$busybox" | grep -q 'statically linked' ||
	{ echo "$0: $busybox is not a static busybox (Debian busybox-static)" >&2; exit 1; }

stage=$(mktemp -d /tmp/hvm-initramfs.XXXXXX)
trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys tmp run mnt lib/modules
cp "$busybox" bin/busybox
# the other applets' links are made by /init (busybox --install -s): one process, not 400
ln -s busybox bin/sh
# the kernel opens /dev/console for init's stdio before anything is mounted
mknod -m 600 dev/console c 5 1
mknod -m 666 dev/null c 1 3
cp "$init" init
chmod 755 init

# Modules: each wanted one after what it depends on, once; "builtin" lines are skipped.
: > lib/modules/load-order
for m in $modules; do
	modprobe --show-depends -d "$tree" -S "$version" "$m" > deps ||
		{ echo "$0: no module $m in $tree" >&2; exit 1; }
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		name=$(basename "$path")
		grep -qx "$name" lib/modules/load-order && continue
		cp "$path" "lib/modules/$name"
		echo "$name" >> lib/modules/load-order
	done < deps
done
rm -f deps

for f in $files; do
	src=${f%%:*} dest=${f#*:}
	mkdir -p "./$(dirname "$dest")"
	cp -L "$src" "./$dest"
done

find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 > "$out.tmp"
mv "$out.tmp" "$out"
