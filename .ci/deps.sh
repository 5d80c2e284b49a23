#!/bin/sh
# make deps: installs what the build and the tests need, from Debian's registry only,
# and builds musl-linked libseccomp and libcap (and CRIU when the packaged one is too old).
# Idempotent; a second run only checks stamps and package states.
set -eu

DEPS_DIR=${DEPS_DIR:-/var/cache/lxc-static-deps}
SRC_LIST=/etc/apt/sources.list.d/lxc-static-src.sources
SRC_LIST_SID=/etc/apt/sources.list.d/lxc-static-src-sid.sources
export DEBIAN_FRONTEND=noninteractive

PACKAGES="
 gcc make musl-tools linux-libc-dev gperf xz-utils file binutils ca-certificates
 bats busybox-static iproute2 util-linux procps psmisc tmux socat cpio kmod strace
 clang libclang-rt-14-dev libseccomp-dev libcap-dev
 lxc runc bubblewrap hyperfine
 dnsmasq-base iptables nftables openvswitch-switch
 btrfs-progs qemu-utils qemu-system-x86
 libprotobuf-c-dev protobuf-c-compiler libprotobuf-dev protobuf-compiler libnl-3-dev
 libnet1-dev libbsd-dev libgnutls28-dev libnftables-dev uuid-dev pkgconf python3-protobuf
"

log() { printf 'deps: %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }

# --- apt sources: deb-src for bookworm (libseccomp, libcap) and trixie (criu 4.1) ----------
apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	apt-get update -qq >&2
	apt_updated=1
}
if [ ! -f "$SRC_LIST" ]; then
	cat > "$SRC_LIST" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	apt_update
fi

# --- packages -----------------------------------------------------------------------------
missing=
for p in $PACKAGES; do
	s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$s" in ii*) ;; *) missing="$missing $p" ;; esac
done
if [ -n "$missing" ]; then
	log "installing:$missing"
	apt_update
	# lxc's maintainer scripts must not start services on a build machine
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	apt-get install -y -qq --no-install-recommends $missing >&2
	rm -f /usr/sbin/policy-rc.d
fi

mkdir -p "$DEPS_DIR/src" "$DEPS_DIR/lib" "$DEPS_DIR/include"

# --- kernel headers for musl: linux/, asm/, asm-generic/ only ---------------------------
kh="$DEPS_DIR/kernel-headers"
if [ ! -e "$kh/linux/version.h" ]; then
	mkdir -p "$kh"
	ln -sfn /usr/include/linux "$kh/linux"
	ln -sfn /usr/include/x86_64-linux-gnu/asm "$kh/asm"
	ln -sfn /usr/include/asm-generic "$kh/asm-generic"
fi
MUSL_CC="musl-gcc -isystem $kh"

fetch_source() { # package/suite  glob-of-orig-tarball
	cd "$DEPS_DIR/src"
	if ! ls $2 >/dev/null 2>&1; then
		apt_update
		# the orig tarball is all we need; a missing Debian tarball is not fatal
		apt-get source --download-only "$1" >&2 || true
	fi
	ls $2 >/dev/null 2>&1 || { log "could not fetch $1 from Debian's sources"; exit 1; }
	ls $2 | head -n 1
}

# --- libseccomp (bookworm) built with musl ------------------------------------------------
if [ ! -f "$DEPS_DIR/lib/libseccomp.a" ]; then
	tarball=$(fetch_source libseccomp/bookworm 'libseccomp_*.orig.tar.gz')
	log "building libseccomp with musl from $tarball"
	cd "$DEPS_DIR/src" && rm -rf libseccomp-build && mkdir libseccomp-build
	tar -xzf "$tarball" -C libseccomp-build --strip-components=1
	cd libseccomp-build
	CC="$MUSL_CC" ./configure -q --enable-static --disable-shared --prefix="$DEPS_DIR" >&2
	make -s -j"$(nproc)" -C src >&2
	make -s -C src install >&2
	make -s -C include install >&2
fi

# --- libcap (bookworm) built with musl -----------------------------------------------------
if [ ! -f "$DEPS_DIR/lib/libcap.a" ]; then
	tarball=$(fetch_source libcap2/bookworm 'libcap2_*.orig.tar.xz')
	log "building libcap with musl from $tarball"
	cd "$DEPS_DIR/src" && rm -rf libcap-build && mkdir libcap-build
	tar -xJf "$tarball" -C libcap-build --strip-components=1
	make -s -C libcap-build/libcap CC="$MUSL_CC" BUILD_CC=gcc SHARED=no libcap.a >&2
	cp libcap-build/libcap/libcap.a "$DEPS_DIR/lib/"
	mkdir -p "$DEPS_DIR/include/sys"
	cp libcap-build/libcap/include/sys/capability.h "$DEPS_DIR/include/sys/"
fi

# --- CRIU >= 4.1 on PATH --------------------------------------------------------------------
# Linux 6.16 refuses SO_PASSCRED/SO_PASSSEC on inet sockets: CRIU before 4.2 then cannot
# dump any TCP or UDP socket (lxc-checkpoint's tcp_established), so there 4.2 is needed,
# from Debian sid's source (trixie has 4.1.1).
kernel=$(uname -r); kmaj=${kernel%%.*}; krest=${kernel#*.}; kmin=${krest%%[!0-9]*}
criu_minor=1; criu_src=criu/trixie; criu_glob='criu_4.1*.orig.tar.xz'
if [ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -ge 16 ]; }; then
	criu_minor=2; criu_src=criu/sid; criu_glob='criu_4.[2-9]*.orig.tar.xz'
fi
criu_ok() {
	command -v criu >/dev/null 2>&1 || return 1
	v=$(criu --version 2>/dev/null | sed -n 's/^Version: *//p')
	major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
	[ -n "$major" ] && { [ "$major" -gt 4 ] || { [ "$major" -eq 4 ] && [ "$minor" -ge "$criu_minor" ]; }; } || return 1
	criu check >/dev/null 2>&1
}
if ! criu_ok; then
	if [ "$criu_src" = criu/sid ] && [ ! -f "$SRC_LIST_SID" ]; then
		printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$SRC_LIST_SID"
		apt_updated=
		apt_update
	fi
	tarball=$(fetch_source "$criu_src" "$criu_glob")
	log "building CRIU from $tarball"
	cd "$DEPS_DIR/src" && rm -rf criu-build && mkdir criu-build
	tar -xJf "$tarball" -C criu-build --strip-components=1
	make -s -j"$(nproc)" -C criu-build criu >&2
	install -m 0755 criu-build/criu/criu /usr/local/sbin/criu
	hash -r 2>/dev/null || true
	criu_ok || { log "CRIU built but 'criu check' fails"; criu check >&2 || true; exit 1; }
fi

touch "$DEPS_DIR/.stamp"
