# Helpers for the runtime suites (failures, security, options-*, hooks, compat):
# where a container's runtime files live, and what a start may leave behind.

# FNV-1a 64 of "lxcpath/name" (or lxcpath alone), as lib/runtime.c names /run/lxc paths.
runtime_hash() {
	local s=$1 h=-3750763034362895579 i c
	[ $# -gt 1 ] && s="$1/$2"
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(((h ^ c) * 1099511628211))
	done
	printf '%016x\n' "$h"
}

# Everything of container $2 in lxcpath $1 that outlives a stopped container when it
# should not: runtime files, lock, event dir, cgroups, mounts under the lxcpath, links
# named after the container. Empty output means clean.
leftovers() {
	local path=$1 name=$2 h
	h=$(runtime_hash "$path" "$name")
	for f in "/run/lxc/c/$h".*; do [ -e "$f" ] && echo "runtime file $f"; done
	[ -e "/run/lxc/lock/$h" ] && echo "lock /run/lxc/lock/$h"
	[ -e "/run/lxc/events/$(runtime_hash "$path")" ] && echo "event dir /run/lxc/events/$(runtime_hash "$path")"
	find /sys/fs/cgroup -maxdepth 6 -type d \( -name "lxc.payload.$name" -o -name "lxc.monitor.$name" \
		-o -name "lxc.payload.$name-*" -o -name "lxc.monitor.$name-*" \) 2>/dev/null | sed 's/^/cgroup /'
	awk -v p="$path" 'index($5, p) == 1 { print "mount " $5 }' /proc/self/mountinfo
	ip -o link 2>/dev/null | awk -F': ' -v n="$name" 'index($2, n) == 1 { print "link " $2 }'
	return 0
}

# A busybox container of our template with our conf/common.conf included, as the issue
# describes a default container. Extra config lines come from stdin when given.
make_default() {
	local name=$1
	make_busybox "$name"
	echo "lxc.include = $LXC_TOP/conf/common.conf" >> "$(lxc_test_path)/$name/config"
}

# The pid of a running container's init.
init_pid() {
	lxc-info -P "$(lxc_test_path)" -n "$1" -p | awk '{ print $2 }'
}

# Wait until the container reports state $2 (up to $3 tenths of a second).
wait_state() {
	wait_until "[ \"\$(lxc-info -P '$(lxc_test_path)' -n '$1' -s 2>/dev/null)\" = 'State:          $2' ]" "${3:-100}"
}
