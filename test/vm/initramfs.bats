#!/usr/bin/env bats
# vm-lane: host
# The design card's embedded case: an initramfs holding only busybox and the static binary (no
# glibc, no /usr/share/lxc, no /etc/lxc) under Debian's 6.1 kernel, pure cgroup2. Each test boots.

load ../integration/helpers
load vm

setup() {
	needs root
}

@test "initramfs: the image holds busybox and lxc only, and lxc --list runs there" {
	vm_initramfs '
		for f in $(find / -xdev -type f ! -name "*.ko"); do
			[ "$(head -c 4 "$f" | tail -c 3)" = ELF ] && echo "elf: $f"
		done
		ls -d /lib/*.so* /lib64 /usr/lib /usr/share/lxc /etc/lxc 2>/dev/null | sed "s/^/present: /"
		awk "\$2 == \"/sys/fs/cgroup\" { print \"cgroup: \" \$3 }" /proc/mounts
		lxc --list | sed "s/^/applet: /"
		lxc-config --version | sed "s/^/version: /"'
	[ "$status" -eq 0 ]
	[ "$(grep '^elf: ' <<< "$output" | sort | tr '\n' ' ')" = "elf: /bin/busybox elf: /bin/lxc " ]
	[ -z "$(grep '^present: ' <<< "$output")" ]
	[ "$(grep '^cgroup: ' <<< "$output")" = "cgroup: cgroup2" ]
	grep -qx 'applet: lxc-config' <<< "$output"
	# every applet the host build lists is there, and the binary knows its version
	[ "$(grep -c '^applet: ' <<< "$output")" -eq "$("$LXC_BIN" --list | wc -l)" ]
	grep -qE '^version: [0-9]+\.[0-9]+' <<< "$output"
}

@test "initramfs: lxc-config answers from built-in defaults, with no files installed" {
	vm_initramfs '
		echo "lxcpath: $(lxc-config lxc.lxcpath)"
		echo "default_config: $(lxc-config lxc.default_config)"
		echo "keys: $(lxc-config -l | wc -l)"'
	[ "$status" -eq 0 ]
	grep -qx 'lxcpath: /var/lib/lxc' <<< "$output"
	grep -qx 'default_config: /etc/lxc/default.conf' <<< "$output"
	[ "$(sed -n 's/^keys: //p' <<< "$output")" -eq "$("$LXC_BIN" config -l | wc -l)" ]
}

@test "initramfs: lxc-checkconfig probes the live kernel (no /proc/config.gz there)" {
	vm_needs_applets lxc-checkconfig
	vm_initramfs '
		[ -e /proc/config.gz ] && echo "config.gz present"
		lxc-checkconfig'
	[ "$status" -eq 0 ]
	[[ "$output" != *"config.gz present"* ]]
	grep -q 'No kernel configuration found: probing the running kernel' <<< "$output"
	grep -qE '^Cgroup namespace: .*enabled' <<< "$output"
	grep -qE '^Pid namespace: .*enabled' <<< "$output"
	grep -qx ' - /sys/fs/cgroup' <<< "$output"
	grep -qE '^Veth pair device: .*enabled' <<< "$output"
}

@test "initramfs: create, start, attach and stop a busybox container; the embedded seccomp profile" {
	vm_needs_applets lxc-create lxc-start lxc-attach lxc-stop lxc-info lxc-destroy lxc-execute
	vm_initramfs '
		set -e
		lxc-create -n hvm-mini -t busybox
		# the profile LXC'"'"'s common.conf names: not installed here
		echo "lxc.seccomp.profile = /usr/share/lxc/config/common.seccomp" >> /var/lib/lxc/hvm-mini/config
		lxc-start -n hvm-mini -l INFO -o /tmp/start.log
		i=0
		until lxc-info -n hvm-mini -s | grep -q RUNNING; do
			i=$((i + 1)); [ $i -lt 150 ] || { echo "never RUNNING"; exit 1; }
			sleep 0.2
		done
		set -- $(lxc-info -n hvm-mini -p)
		echo "hostname: $(lxc-attach -n hvm-mini -- hostname)"
		echo "cgroup: $(lxc-attach -n hvm-mini -- cat /proc/self/cgroup)"
		echo "host cgroup: $(cat /proc/$2/cgroup)"
		echo "pid1: $(lxc-attach -n hvm-mini -- cat /proc/1/comm)"
		echo "init $(grep ^Seccomp: /proc/$2/status)"
		echo "attached $(lxc-attach -n hvm-mini -- grep ^Seccomp: /proc/self/status)"
		sed -n "s/.*\(using the built-in default seccomp profile\).*/log: \1/p; s/.*\(moving .* onto \"\/\" and chrooting into it\).*/log: \1/p" /tmp/start.log
		lxc-stop -n hvm-mini
		echo "after stop: $(lxc-info -n hvm-mini -s)"
		echo "default $(lxc-execute -n hvm-mini -s lxc.seccomp.profile=default -- grep ^Seccomp: /proc/self/status)"
		lxc-destroy -n hvm-mini
		[ ! -e /var/lib/lxc/hvm-mini ] && echo destroyed'
	[ "$status" -eq 0 ]
	grep -qx 'hostname: hvm-mini' <<< "$output"
	# its own cgroup namespace, rooted at the container's cgroup
	grep -qx 'cgroup: 0::/' <<< "$output"
	grep -qx 'host cgroup: 0::/lxc.payload.hvm-mini' <<< "$output"
	grep -qE '^pid1: (init|busybox|sh)$' <<< "$output"
	# filter mode 2, from the compiled-in profile
	grep -qP '^init Seccomp:\t2$' <<< "$output"
	grep -qP '^attached Seccomp:\t2$' <<< "$output"
	grep -qP '^default Seccomp:\t2$' <<< "$output"
	grep -qx 'log: using the built-in default seccomp profile' <<< "$output"
	# the initramfs cannot be pivoted away: the rootfs is moved over it
	grep -qx 'log: moving "/var/lib/lxc/hvm-mini/rootfs" onto "/" and chrooting into it' <<< "$output"
	grep -qE '^after stop: .*STOPPED' <<< "$output"
	grep -qx destroyed <<< "$output"
}

@test "initramfs: with the rootfs moved over the initramfs, chroot(2) and .. do not reach it" {
	vm_needs_applets lxc-create lxc-start lxc-attach lxc-stop
	# a chroot into a subdirectory leaves the cwd outside the new root: the classic escape
	cat > "$BATS_TEST_TMPDIR/escape.c" <<-'EOF'
	#include <dirent.h>
	#include <stdio.h>
	#include <sys/stat.h>
	#include <unistd.h>
	int main(void)
	{
		struct dirent *e;
		DIR *d;

		mkdir("/hvm-sub", 0755);
		if (chroot("/hvm-sub") < 0)
			return perror("chroot"), 1;
		for (int i = 0; i < 16; i++)
			if (chdir("..") < 0)
				return perror("chdir"), 1;
		if (chroot(".") < 0 || !(d = opendir("/")))
			return perror("chroot ."), 1;
		while ((e = readdir(d)))
			printf("seen: %s\n", e->d_name);
		return 0;
	}
	EOF
	musl-gcc -static -Os -s -o "$BATS_TEST_TMPDIR/escape" "$BATS_TEST_TMPDIR/escape.c"
	vm_initramfs "
		set -e
		: > /hvm-initramfs-marker
		lxc-create -n hvm-esc -t busybox > /dev/null
		base64 -d > /var/lib/lxc/hvm-esc/rootfs/escape <<'EOF'
$(base64 "$BATS_TEST_TMPDIR/escape")
EOF
		chmod 755 /var/lib/lxc/hvm-esc/rootfs/escape
		: > /var/lib/lxc/hvm-esc/rootfs/hvm-container-marker
		lxc-start -n hvm-esc 2> /dev/null
		lxc-attach -n hvm-esc -- /escape
		lxc-stop -n hvm-esc -k"
	[ "$status" -eq 0 ]
	# it stays in the container's root
	grep -qx 'seen: hvm-container-marker' <<< "$output"
	[ -z "$(grep -x 'seen: hvm-initramfs-marker' <<< "$output")" ]
	[ -z "$(grep -x 'seen: init' <<< "$output")" ]
}
