#!/bin/sh
# The VM lane's kernel: Debian's stock 6.1 kernel package, fetched from Debian's registry,
# unpacked and depmod'ed under the cache, plus the unpacked ELF kernel (TREE/boot/vmlinux-VERSION)
# that qemu boots without decompressing. Prints "VERSION TREE".
# Usage: test/vm/kernel.sh   (root; idempotent, a second run only reads the cache)
set -eu

cache=${VM_CACHE:-/var/cache/lxc-static-deps/vm}
meta=${VM_KERNEL_META:-linux-image-amd64}
log() { printf 'vm-kernel: %s\n' "$*" >&2; }

# The exact package (linux-image-6.1.0-NN-amd64) is what the metapackage depends on today.
resolve() {
	apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}

# apt-cache takes seconds: reuse the answer until apt's lists change (apt-get update)
if [ -s "$cache/resolved" ] && [ "$cache/resolved" -nt /var/lib/apt/lists ]; then
	pkg=$(cat "$cache/resolved")
else
	pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
	apt-get update -qq >&2 || true
	pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
	# No package lists (offline): the last kernel fetched is as good as any.
	tree=$(ls -d "$cache"/linux-image-*/ 2>/dev/null | tail -n 1)
	[ -n "$tree" ] || { log "cannot resolve $meta and nothing is cached in $cache"; exit 1; }
	pkg=$(basename "$tree")
	log "no package lists; using the cached $pkg"
fi
mkdir -p "$cache"
echo "$pkg" > "$cache/resolved"
version=${pkg#linux-image-}
tree="$cache/$pkg"

if [ ! -f "$tree/.stamp" ]; then
	mkdir -p "$cache"
	dl="$cache/download"
	rm -rf "$dl" "$tree" "$tree.tmp" && mkdir -p "$dl"
	log "fetching $pkg"
	# _apt cannot write into a root-only directory; apt then downloads as root (a warning)
	(cd "$dl" && apt-get download -q "$pkg" >&2 2>/dev/null) ||
		(apt-get update -qq >&2 && cd "$dl" && apt-get download -q "$pkg" >&2)
	deb=$(ls "$dl"/*.deb)
	dpkg-deb -x "$deb" "$tree.tmp"
	[ -f "$tree.tmp/boot/vmlinuz-$version" ] || { log "$deb holds no boot/vmlinuz-$version"; exit 1; }
	depmod -b "$tree.tmp" "$version"
	# The bzImage's xz payload takes TCG ~12 s to unpack at every boot; qemu boots the
	# unpacked ELF directly through its PVH entry (CONFIG_PVH). vmlinuz stays the fallback.
	z="$tree.tmp/boot/vmlinuz-$version"
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$z" | head -n 1 | cut -d: -f1)
	if [ -n "$off" ] && tail -c +"$((off + 1))" "$z" | xz -dc --single-stream > "$tree.tmp/vmlinux" 2>/dev/null &&
		readelf -n "$tree.tmp/vmlinux" 2>/dev/null | grep -q 'Xen.*0x00000012'; then
		mv "$tree.tmp/vmlinux" "$tree.tmp/boot/vmlinux-$version"
	else
		log "could not unpack an ELF vmlinux with a PVH entry from $z: booting the bzImage (slower)"
		rm -f "$tree.tmp/vmlinux"
	fi
	rm -rf "$dl"
	mv "$tree.tmp" "$tree"
	touch "$tree/.stamp"
	# older kernels are 400 MB each: keep only the current one
	for old in "$cache"/linux-image-*; do
		[ "$old" = "$tree" ] || rm -rf "$old"
	done
fi
echo "$version $tree"
