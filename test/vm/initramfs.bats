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
	! grep -q '^present: ' <<< "$output"
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

@test "initramfs: lxc-checkconfig finds namespaces and cgroup v2 on the guest kernel" {
	vm_needs_applets lxc-checkconfig
	vm_initramfs 'lxc-checkconfig'
	[ "$status" -eq 0 ]
	[[ "$output" == *"amespace"* ]]
	[[ "$output" == *"group"* ]]
	[[ "$output" != *"missing"* ]] || [[ "$output" == *"enabled"* ]]
}

@test "initramfs: create, start, attach and stop a busybox container" {
	vm_needs_applets lxc-create lxc-start lxc-attach lxc-stop lxc-info lxc-destroy
	vm_initramfs '
		set -e
		lxc-create -n hvm-mini -t busybox
		lxc-start -n hvm-mini
		i=0
		until lxc-info -n hvm-mini -s | grep -q RUNNING; do
			i=$((i + 1)); [ $i -lt 150 ] || { echo "never RUNNING"; exit 1; }
			sleep 0.2
		done
		echo "hostname: $(lxc-attach -n hvm-mini -- hostname)"
		echo "cgroup: $(lxc-attach -n hvm-mini -- cat /proc/self/cgroup)"
		echo "pid1: $(lxc-attach -n hvm-mini -- cat /proc/1/comm)"
		lxc-stop -n hvm-mini
		echo "after stop: $(lxc-info -n hvm-mini -s)"
		lxc-destroy -n hvm-mini
		[ ! -e /var/lib/lxc/hvm-mini ] && echo destroyed'
	[ "$status" -eq 0 ]
	grep -qx 'hostname: hvm-mini' <<< "$output"
	# the one cgroup2 line, somewhere below the root and named after the container
	grep -qE '^cgroup: 0::/.*hvm-mini' <<< "$output"
	grep -qE '^pid1: (init|busybox|sh)$' <<< "$output"
	grep -qE '^after stop: .*STOPPED' <<< "$output"
	grep -qx destroyed <<< "$output"
}
