#!/bin/sh
# make demo: the binary, its applets, the kernel check, then a busybox container's
# whole life: create, start, lxc-ls -f, lxc-info, lxc-attach, stop, destroy.
set -eu
cd "$(dirname "$0")/.."
PATH="$(pwd)/build/bin:$PATH"
export PATH
path=$(mktemp -d /tmp/lxc-demo.XXXXXX)
name=demo
trap 'lxc-stop -P "$path" -n $name -k >/dev/null 2>&1 || true; lxc-destroy -P "$path" -n $name >/dev/null 2>&1 || true; rm -rf "$path"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "file build/lxc"; file build/lxc
step "ls -l build/lxc"; ls -l build/lxc
step "lxc --list"; lxc --list | tr '\n' ' '; echo
step "lxc-checkconfig"; lxc-checkconfig || true
step "lxc-create -n $name -t busybox"; LXC_SYSTEM_CONF=/dev/null lxc-create -P "$path" -n $name -t busybox
step "lxc-start -n $name"; lxc-start -P "$path" -n $name
step "lxc-ls -f"; lxc-ls -P "$path" -f
step "lxc-info -n $name"; lxc-info -P "$path" -n $name
step "lxc-attach -n $name -- ps"; lxc-attach -P "$path" -n $name -- ps
step "lxc-attach -n $name -- uname -n"; lxc-attach -P "$path" -n $name -- uname -n
step "lxc-stop -n $name"; lxc-stop -P "$path" -n $name -t 10
step "lxc-info -n $name"; lxc-info -P "$path" -n $name
step "lxc-destroy -n $name"; lxc-destroy -P "$path" -n $name
step "lxc-ls"; lxc-ls -P "$path"; echo "(empty)"
