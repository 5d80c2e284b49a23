#!/bin/sh
# make check-vm's dependencies from Debian's registry: qemu (TCG), cpio, kmod, static busybox,
# and the guest-side tools the smoke suite uses (apparmor_parser, qemu-nbd, ovs-dpctl); then
# Debian's stock 6.1 kernel for the guest (test/vm/kernel.sh). Prints "VERSION TREE".
# Idempotent; called by test/vm/run, so `make check-vm` needs no separate step.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

PACKAGES="qemu-system-x86 qemu-utils cpio kmod xz-utils binutils busybox-static bats coreutils file python3
 apparmor openvswitch-switch"

[ "$(id -u)" = 0 ] || { echo "deps-vm: must run as root" >&2; exit 1; }
# one dpkg-query for all: this runs before every `make check-vm`
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $PACKAGES 2>/dev/null | awk '$2 ~ /^ii/ { print $1 }')
missing=
for p in $PACKAGES; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps-vm: installing:$missing" >&2
	apt-get update -qq >&2
	# maintainer scripts (apparmor, openvswitch) must not start services on a build machine
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	apt-get install -y -qq --no-install-recommends $missing >&2
	rm -f /usr/sbin/policy-rc.d
fi
exec sh test/vm/kernel.sh
