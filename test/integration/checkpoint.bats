#!/usr/bin/env bats
# lxc-checkpoint with real CRIU on the default busybox container (ttys, console, /lib
# binds, autodev, cgroups with limits) and on one including conf/common.conf (seccomp,
# dropped capabilities, devices cgroup, lxc.tty.dir): dump, stop, restore, state kept,
# tools working on the restored container, checkpointing it again, failures.

load helpers

P() { echo "$LXC_TEST_PATH"; }

# A static helper run inside the containers (copied into their rootfs as /bin/hckprobe):
#   state DIR MIB  daemon holding MIB MiB of patterned memory, a file at offset 5, a pipe
#                  and a unix socket pair with unread data; SIGUSR1 checks them all and
#                  writes DIR/result; its pid is in DIR/pid
#   perf DIR       daemon holding a perf event fd (a file CRIU cannot dump)
#   vforker DIR    daemon that keeps vforking a child which waits 300 ms before it execs
#                  /bin/true, and waits 300 ms after it
#   lotcp DIR      daemon holding both ends of a TCP connection over 127.0.0.1; SIGUSR1
#                  sends bytes each way and writes DIR/result ("ok tcp" when they arrive)
build_probe() {
	local src="$BATS_FILE_TMPDIR/hckprobe.c"
	cat > "$src" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned char *mem;
static size_t memlen;
static uint64_t sum0;
static int filefd, pipefd[2], sk[2];
static volatile sig_atomic_t asked;
static char dir[512];

static uint64_t pattern(int write)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL, sum = 0;

	for (size_t i = 0; i < memlen; i += 8) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		if (write)
			memcpy(mem + i, &x, 8);
		else {
			uint64_t v;
			memcpy(&v, mem + i, 8);
			if (v != x)
				return 0;
		}
		sum += x;
	}
	return sum;
}

static void put(const char *name, const char *text)
{
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0) {
		}
		close(fd);
	}
}

static void check(void)
{
	char out[512], pbuf[16] = "", ubuf[16] = "";
	uint64_t sum = pattern(0);
	off_t off = lseek(filefd, 0, SEEK_CUR);
	ssize_t np = read(pipefd[0], pbuf, 10), nu = recv(sk[1], ubuf, 10, MSG_PEEK);

	if (np > 0 && write(pipefd[1], pbuf, np) < 0)
		np = -1;
	snprintf(out, sizeof(out), "%s mem=%s file=%lld pipe=%s unix=%s\n",
		 sum == sum0 && off == 5 && np == 10 && nu == 10 && !strcmp(pbuf, "hello-pipe") &&
		 !strcmp(ubuf, "hello-unix") ? "ok" : "bad", sum == sum0 ? "same" : "changed",
		 (long long)off, np == 10 ? pbuf : "?", nu == 10 ? ubuf : "?");
	put("result", out);
}

static void on_usr1(int s) { (void)s; asked = 1; }

/* both ends of one loopback connection; the check sends each way */
static int tcp_client, tcp_server;

static int tcp_connect_pair(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	tcp_client = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || tcp_client < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0 ||
	    connect(tcp_client, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	tcp_server = accept(l, NULL, NULL);
	close(l);
	return tcp_server < 0 ? -1 : 0;
}

static void tcp_check(void)
{
	char a[8] = "", b[8] = "";
	int ok = send(tcp_client, "ping", 4, 0) == 4 && recv(tcp_server, a, 4, MSG_WAITALL) == 4 &&
		 send(tcp_server, "pong", 4, 0) == 4 && recv(tcp_client, b, 4, MSG_WAITALL) == 4 &&
		 !strcmp(a, "ping") && !strcmp(b, "pong");

	put("result", ok ? "ok tcp\n" : "bad tcp\n");
}

/* fork; the parent returns once the child is set up (so lxc-attach returns then) */
static void daemonize(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		exit(1);
	pid = fork();
	if (pid > 0) {
		close(p[1]);
		exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	int null = open("/dev/null", O_RDWR);
	dup2(null, 0); dup2(null, 1); dup2(null, 2);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	/* the ready byte is written by the caller after setup: keep p[1] in fd 9 */
	dup2(p[1], 9);
	close(p[1]);
}

static void ready(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	put("pid", pid);
	if (write(9, "r", 1) < 0) {
	}
	close(9);
}

/* ready, then fn on each SIGUSR1 */
static void serve(void (*fn)(void))
{
	signal(SIGUSR1, on_usr1);
	ready();
	for (;;) {
		pause();
		if (asked) {
			asked = 0;
			fn();
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	if (!strcmp(argv[1], "state") && argc > 3) {
		char path[600];

		daemonize();
		memlen = (size_t)atoi(argv[3]) << 20;
		mem = mmap(NULL, memlen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			return 1;
		sum0 = pattern(1);
		snprintf(path, sizeof(path), "%s/file", dir);
		filefd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (filefd < 0 || write(filefd, "0123456789", 10) != 10 || lseek(filefd, 5, SEEK_SET) != 5)
			return 1;
		if (pipe(pipefd) < 0 || write(pipefd[1], "hello-pipe", 10) != 10)
			return 1;
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sk) < 0 || send(sk[0], "hello-unix", 10, 0) != 10)
			return 1;
		serve(check);
	}
	if (!strcmp(argv[1], "vforker")) {
		daemonize();
		ready();
		for (;;) {
			pid_t pid = vfork();

			if (pid == 0) {
				usleep(300000);
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
			usleep(300000);
		}
	}
	if (!strcmp(argv[1], "lotcp")) {
		daemonize();
		if (tcp_connect_pair() < 0)
			return 1;
		serve(tcp_check);
	}
	if (!strcmp(argv[1], "perf")) {
		/* struct perf_event_attr, version 0 (64 bytes): PERF_TYPE_SOFTWARE,
		 * PERF_COUNT_SW_CPU_CLOCK, disabled */
		uint32_t attr[16] = { 1, 64 };
		long fd;

		attr[10] = 1;
		daemonize();
		fd = syscall(SYS_perf_event_open, attr, 0, -1, -1, 0);
		if (fd < 0)
			return 1;
		ready();
		for (;;)
			pause();
	}
	return 2;
}
EOF
	musl-gcc -static -O2 -o "$BATS_FILE_TMPDIR/hckprobe" "$src"
}

# busybox container NAME with the probe, optional extra config lines on stdin
make_container() {
	local name=$1
	make_busybox "$name"
	cat >> "$(P)/$name/config"
	cp "$BATS_FILE_TMPDIR/hckprobe" "$(P)/$name/rootfs/bin/hckprobe"
}

setup_file() {
	needs root criu
	export LXC_TEST_PATH=$(mktemp -d /tmp/hck-ckpt.XXXXXX)
	build_probe
	# the template's default container, with cgroup limits set
	make_container hckc1 <<-EOF
		lxc.cgroup.memory.limit_in_bytes = 268435456
		lxc.cgroup.pids.max = 200
		lxc.cgroup2.memory.max = 268435456
		lxc.cgroup2.pids.max = 200
	EOF
	# the same including common.conf: seccomp, capabilities, devices cgroup, lxc.tty.dir
	make_container hckc2 <<-EOF
		lxc.include = $LXC_TOP/conf/common.conf
	EOF
	make_container hckc3 </dev/null
}

teardown_file() {
	lxc_cleanup_path
}

teardown() {
	for c in hckc1 hckc2 hckc3; do
		lxc-stop -P "$(P)" -n "$c" -k >/dev/null 2>&1 || true
	done
}

state() { lxc-info -P "$(P)" -n "$1" -s | awk '{print $2}'; }
init_pid() { lxc-info -P "$(P)" -n "$1" -p | awk '{print $2}'; }

# the probe's check, run inside the container: "ok mem=same file=5 ..."
probe_check() {
	local name=$1 pid
	pid=$(cat "$(P)/$name/rootfs/tmp/hck/pid")
	rm -f "$(P)/$name/rootfs/tmp/hck/result"
	lxc-attach -P "$(P)" -n "$name" -- kill -USR1 "$pid"
	wait_until "[ -s '$(P)/$name/rootfs/tmp/hck/result' ]" 50
	cat "$(P)/$name/rootfs/tmp/hck/result"
}

# mounts a restore could leave on the host (other helpers' tests add and remove theirs
# meanwhile, so host_snapshot would be racy): ours involve the lxcpath or criu
our_mounts() {
	grep -E "$(P)|criu" /proc/self/mountinfo | awk '{print $5, $9, $10}' | sort
}

# payload cgroups of a container left on the host
leftover_cgroups() {
	find /sys/fs/cgroup -maxdepth 6 -type d \( -name "lxc.payload.$1" -o -name "lxc.monitor.$1" \) 2>/dev/null
}

@test "help: LXC 5's options and text" {
	run --separate-stderr lxc-checkpoint --help
	[ "$status" -eq 0 ]
	for line in "  -r, --restore             Restore container" \
		"  -D, --checkpoint-dir=DIR  directory to save the checkpoint in" \
		"  -v, --verbose             Enable verbose criu logs" \
		"  -A, --action-script=PATH  Path to criu action script" \
		"  -s, --stop                Stop the container after checkpointing." \
		"  -p, --pre-dump            Only pre-dump the memory of the container." \
		"  --predump-dir=DIR         path to images from previous dump (relative to -D)" \
		"  -d, --daemon              Daemonize the container (default)" \
		"  -F, --foreground          Start with the current tty attached to /dev/console"; do
		grep -qxF -- "$line" <<< "$stderr"
	done
}

@test "inside the container the cgroup namespace is rooted at its payload cgroup" {
	start_settled "$(P)" hckc3
	run --separate-stderr lxc-attach -P "$(P)" -n hckc3 -- cat /proc/self/cgroup
	lxc-stop -P "$(P)" -n hckc3 -k
	[ "$status" -eq 0 ]
	# "/" (or a sub-cgroup of it), never "/../lxc.payload..." (the monitor's cgroup as root)
	refute grep -q '\.\.' <<< "$output"
	grep -q '^0::/' <<< "$output"
}

@test "errors: one line, exit 1, nothing changed" {
	d=$BATS_TEST_TMPDIR/img
	run lxc-checkpoint -P "$(P)" -n hckc1
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: hckc1: Checkpoint directory must be specified (-D DIR)" ]
	run lxc-checkpoint -P "$(P)" -n nosuch -D "$d"
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: nosuch: nosuch doesn't exist" ]
	run lxc-checkpoint -P "$(P)" -n nosuch -D "$d" -r
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: nosuch: nosuch doesn't exist" ]
	# dump of a stopped container
	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d"
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: hckc1: hckc1 is not running" ]
	[ ! -e "$d" ]
	# restore from a missing, an empty and a foreign directory
	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d" -r
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: hckc1: checkpoint directory \"$d\": No such file or directory" ]
	mkdir -p "$d"
	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d" -r
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: hckc1: $d holds no checkpoint (no lxc-checkpoint.meta)" ]
	printf 'format 1\nkind dump\nname other\nlxcpath /x\ncriu 4.2.1\n' > "$d/lxc-checkpoint.meta"
	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d" -r
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: hckc1: $d holds a checkpoint of container \"other\", not of \"hckc1\"" ]
	[ "$(state hckc1)" = STOPPED ]
	[ -z "$(leftover_cgroups hckc1)" ]
	# -r on a running container
	start_settled "$(P)" hckc3
	pid=$(init_pid hckc3)
	run lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: hckc3: hckc3 is running: only a stopped container can be restored" ]
	[ "$(init_pid hckc3)" = "$pid" ]
	lxc-stop -P "$(P)" -n hckc3 -k
}

@test "dump: silent, exit 0, the container keeps running; the directory describes itself" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc1
	pid=$(init_pid hckc1)
	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(state hckc1)" = RUNNING ]
	[ "$(init_pid hckc1)" = "$pid" ]
	run --separate-stderr lxc-attach -P "$(P)" -n hckc1 -- echo alive
	[ "$output" = alive ]
	ls "$d"/core-*.img "$d"/pages-*.img "$d/dump.log" >/dev/null
	cmp "$d/lxc.config" "$(P)/hckc1/config"
	grep -qx 'kind dump' "$d/lxc-checkpoint.meta"
	grep -qx 'name hckc1' "$d/lxc-checkpoint.meta"
	grep -qx "criu $(criu --version | sed -n 's/^Version: //p')" "$d/lxc-checkpoint.meta"
	# the console and the five ttys are external, and so are the /lib style binds
	[ "$(grep -c '^tty ' "$d/lxc-checkpoint.meta")" -eq 6 ]
	grep -qx 'bind 0 /lib' "$d/lxc-checkpoint.meta"
	lxc-stop -P "$(P)" -n hckc1 -k
}

@test "dump -s, restore: pids, memory, files, pipes, unix sockets, console, cgroup limits" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc1
	mkdir -p "$(P)/hckc1/rootfs/tmp/hck"
	lxc-attach -P "$(P)" -n hckc1 -- /bin/hckprobe state /tmp/hck 16
	probe=$(cat "$(P)/hckc1/rootfs/tmp/hck/pid")
	[ "$(probe_check hckc1)" = "ok mem=same file=5 pipe=hello-pipe unix=hello-unix" ]
	before=$(lxc-attach -P "$(P)" -n hckc1 -- ps -o pid,comm | sort)

	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d" -s
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(state hckc1)" = STOPPED ]
	[ -z "$(leftover_cgroups hckc1)" ]

	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d" -r
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(state hckc1)" = RUNNING ]
	# the same processes with the same pids inside the container
	after=$(lxc-attach -P "$(P)" -n hckc1 -- ps -o pid,comm | sort)
	[ "$(grep -v ' ps$' <<< "$before")" = "$(grep -v ' ps$' <<< "$after")" ]
	[ "$(cat "$(P)/hckc1/rootfs/tmp/hck/pid")" = "$probe" ]
	[ "$(probe_check hckc1)" = "ok mem=same file=5 pipe=hello-pipe unix=hello-unix" ]
	# limits of the config applied to the new cgroups
	if [ -d /sys/fs/cgroup/memory ]; then
		[ "$(lxc-cgroup -P "$(P)" -n hckc1 memory.limit_in_bytes)" = 268435456 ]
	else
		[ "$(lxc-cgroup -P "$(P)" -n hckc1 memory.max)" = 268435456 ]
	fi
	[ "$(lxc-cgroup -P "$(P)" -n hckc1 pids.max)" = 200 ]
	# the console answers (busybox init's askfirst shell)
	run sh -c "(sleep 1; printf '\n'; sleep 1; printf 'echo hck-\$((6*7))\n'; sleep 1; printf '\001q') |
		timeout 20 lxc-console -P '$(P)' -n hckc1 -t 0"
	[[ "$output" == *hck-42* ]]
	lxc-stop -P "$(P)" -n hckc1 -k
}

@test "a restored container: lxc-info, lxc-ls, lxc-attach, lxc-freeze, checkpoint again, lxc-stop" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc1
	lxc-checkpoint -P "$(P)" -n hckc1 -D "$d/1" -s
	lxc-checkpoint -P "$(P)" -n hckc1 -D "$d/1" -r
	run lxc-info -P "$(P)" -n hckc1
	[ "${lines[1]}" = "State:          RUNNING" ]
	[[ "${lines[2]}" =~ ^PID:\ +[0-9]+$ ]]
	run lxc-ls -P "$(P)" --running
	[[ "$output" == *hckc1* ]]
	run --separate-stderr lxc-attach -P "$(P)" -n hckc1 -- hostname
	[ "$output" = hckc1 ]
	lxc-freeze -P "$(P)" -n hckc1
	[ "$(state hckc1)" = FROZEN ]
	lxc-unfreeze -P "$(P)" -n hckc1
	[ "$(state hckc1)" = RUNNING ]
	# a restored container can be checkpointed and restored again
	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d/2" -s
	[ "$status" -eq 0 ]
	run lxc-checkpoint -P "$(P)" -n hckc1 -D "$d/2" -r
	[ "$status" -eq 0 ]
	run --separate-stderr lxc-attach -P "$(P)" -n hckc1 -- echo again
	[ "$output" = again ]
	run lxc-stop -P "$(P)" -n hckc1 -t 10
	[ "$status" -eq 0 ]
	[ "$(state hckc1)" = STOPPED ]
	[ -z "$(leftover_cgroups hckc1)" ]
}

@test "common.conf: seccomp filter, capabilities, devices cgroup and tty.dir survive" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc2
	pid=$(init_pid hckc2)
	before=$(grep -E '^(Cap(Prm|Eff|Bnd)|NoNewPrivs|Seccomp|Seccomp_filters):' "/proc/$pid/status")
	grep -q '^Seccomp:	2' <<< "$before"
	devices=$([ ! -d /sys/fs/cgroup/devices ] || lxc-cgroup -P "$(P)" -n hckc2 devices.list)
	lxc-checkpoint -P "$(P)" -n hckc2 -D "$d" -s
	lxc-checkpoint -P "$(P)" -n hckc2 -D "$d" -r
	pid=$(init_pid hckc2)
	after=$(grep -E '^(Cap(Prm|Eff|Bnd)|NoNewPrivs|Seccomp|Seccomp_filters):' "/proc/$pid/status")
	[ "$before" = "$after" ]
	[ "$([ ! -d /sys/fs/cgroup/devices ] || lxc-cgroup -P "$(P)" -n hckc2 devices.list)" = "$devices" ]
	# the ttys sit in /dev/lxc and answer
	run --separate-stderr lxc-attach -P "$(P)" -n hckc2 -- ls /dev/lxc
	[[ "$output" == *console* ]] && [[ "$output" == *tty1* ]]
	run sh -c "(sleep 1; printf '\n'; sleep 1; printf 'echo hck-\$((6*7))\n'; sleep 1; printf '\001q') |
		timeout 20 lxc-console -P '$(P)' -n hckc2 -t 0"
	[[ "$output" == *hck-42* ]]
	lxc-stop -P "$(P)" -n hckc2 -k
}

@test "a task in the middle of a vfork: the dump waits for its exec" {
	start_settled "$(P)" hckc3
	mkdir -p "$(P)/hckc3/rootfs/tmp/hck"
	lxc-attach -P "$(P)" -n hckc3 -- /bin/hckprobe vforker /tmp/hck
	# half of the time a vfork child waits for its exec: a dump caught there never ends
	for i in 1 2 3 4 5 6; do
		lxc-checkpoint -P "$(P)" -n hckc3 -D "$BATS_TEST_TMPDIR/img$i"
		[ "$(state hckc3)" = RUNNING ]
	done
	lxc-stop -P "$(P)" -n hckc3 -k
}

@test "a failed dump: the container stays RUNNING; CRIU's log and errors are named" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc3
	mkdir -p "$(P)/hckc3/rootfs/tmp/hck"
	lxc-attach -P "$(P)" -n hckc3 -- /bin/hckprobe perf /tmp/hck
	run lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "lxc-checkpoint: hckc3: criu dump failed: see $d/dump.log: Error ("* ]]
	[[ "$output" == *"anon_inode:[perf_event]"* ]]
	[ "$(state hckc3)" = RUNNING ]
	run --separate-stderr lxc-attach -P "$(P)" -n hckc3 -- echo usable
	[ "$output" = usable ]
	[ ! -e "$d/lxc-checkpoint.meta" ]
	run lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r
	[ "$status" -eq 1 ]
	lxc-stop -P "$(P)" -n hckc3 -k
}

@test "a failed restore leaves images, no cgroup, mount or monitor; a second restore works" {
	d=$BATS_TEST_TMPDIR/img
	script=$BATS_TEST_TMPDIR/refuse
	printf '#!/bin/sh\necho "$CRTOOLS_SCRIPT_ACTION" >> %s/actions\n[ "$CRTOOLS_SCRIPT_ACTION" != post-restore ]\n' \
		"$BATS_TEST_TMPDIR" > "$script"
	chmod +x "$script"
	start_settled "$(P)" hckc3
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s
	sums=$(cd "$d" && md5sum *.img | sort)
	snap=$(our_mounts)
	run lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r -A "$script"
	[ "$status" -eq 1 ]
	[[ "$output" == *'notify "post-restore": action script'*'failed (exit status 1)'* ]]
	grep -qx post-restore "$BATS_TEST_TMPDIR/actions"
	[ "$(state hckc3)" = STOPPED ]
	[ -z "$(leftover_cgroups hckc3)" ]
	[ "$(our_mounts)" = "$snap" ]
	refute pgrep -f "lxc-checkpoint -P $(P) -n hckc3" >/dev/null
	[ "$(cd "$d" && md5sum *.img | sort)" = "$sums" ]
	run lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r
	[ "$status" -eq 0 ]
	[ "$(state hckc3)" = RUNNING ]
	lxc-stop -P "$(P)" -n hckc3 -k
}

@test "a restore in the background keeps no fd of its caller: \$(lxc-checkpoint -r 7>&1) returns at once" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc3
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s
	run timeout 60 bash -c 'x=$(lxc-checkpoint -P "$1" -n hckc3 -D "$2" -r 7>&1 8>"$2.fd8"); echo returned' _ "$(P)" "$d"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = returned ]
	[ "$(state hckc3)" = RUNNING ]
	[ -z "$(find /proc/[0-9]*/fd -lname "$d.fd8" 2>/dev/null)" ]
	lxc-stop -P "$(P)" -n hckc3 -k
}

@test "-r -F: a restore in the foreground returns when the container stops" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc3
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r -F </dev/null >"$BATS_TEST_TMPDIR/fg.out" 2>&1 &
	fg=$!
	wait_until '[ "$(state hckc3)" = RUNNING ]' 100
	run --separate-stderr lxc-attach -P "$(P)" -n hckc3 -- echo foreground
	[ "$output" = foreground ]
	lxc-stop -P "$(P)" -n hckc3 -k
	rc=0
	wait "$fg" || rc=$?
	# init's status, as lxc-start -F returns it: killed by SIGKILL
	[ "$rc" -eq 137 ]
}

@test "-A: the action script sees CRIU's notifications" {
	d=$BATS_TEST_TMPDIR/img
	script=$BATS_TEST_TMPDIR/log
	printf '#!/bin/sh\necho "$CRTOOLS_SCRIPT_ACTION $CRTOOLS_IMAGE_DIR" >> %s/actions\n' "$BATS_TEST_TMPDIR" > "$script"
	chmod +x "$script"
	start_settled "$(P)" hckc3
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s -A "$script"
	grep -qx "pre-dump $d" "$BATS_TEST_TMPDIR/actions"
	grep -qx "post-dump $d" "$BATS_TEST_TMPDIR/actions"
	: > "$BATS_TEST_TMPDIR/actions"
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r -A "$script"
	grep -qx "pre-restore $d" "$BATS_TEST_TMPDIR/actions"
	grep -qx "post-restore $d" "$BATS_TEST_TMPDIR/actions"
	lxc-stop -P "$(P)" -n hckc3 -k
}

@test "restore refuses another config or another CRIU version, changing nothing" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc3
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s
	cp "$(P)/hckc3/config" "$BATS_TEST_TMPDIR/config"
	echo "lxc.environment = HCK=1" >> "$(P)/hckc3/config"
	run lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r
	cp "$BATS_TEST_TMPDIR/config" "$(P)/hckc3/config"
	[ "$status" -eq 1 ]
	[[ "$output" == "lxc-checkpoint: hckc3: the container's config changed since the checkpoint in $d: line "*'was "(end of file)", is "lxc.environment = HCK=1"' ]]
	sed -i 's/^criu .*/criu 3.17.1/' "$d/lxc-checkpoint.meta"
	run lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r
	[ "$status" -eq 1 ]
	[[ "$output" == *"$d was made by criu 3.17.1; this is criu "*"restore with the same CRIU version" ]]
	[ "$(state hckc3)" = STOPPED ]
	[ -z "$(leftover_cgroups hckc3)" ]
}

@test "CRIU that is missing or no CRIU: one line" {
	start_settled "$(P)" hckc3
	run env CRIU=/nonexistent/criu lxc-checkpoint -P "$(P)" -n hckc3 -D "$BATS_TEST_TMPDIR/img"
	[ "$status" -eq 1 ]
	[ "$output" = 'lxc-checkpoint: hckc3: $CRIU: "/nonexistent/criu": No such file or directory' ]
	run env CRIU=/bin/true lxc-checkpoint -P "$(P)" -n hckc3 -D "$BATS_TEST_TMPDIR/img"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"/bin/true: no answer to VERSION (CRIU 4.1 or newer is needed)"* ]]
	[ "$(state hckc3)" = RUNNING ]
	lxc-stop -P "$(P)" -n hckc3 -k
}

@test "a dump failing where CRIU cannot work at all: criu check's verdict first, one line" {
	# a criu that dumps (and fails on the perf fd), then cannot check: in a user namespace
	# it lacks the privileges CRIU needs
	wrapper=$BATS_TEST_TMPDIR/criu
	printf '#!/bin/sh\nn=$(cat %s/count 2>/dev/null || echo 0)\necho $((n + 1)) > %s/count\n' \
		"$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR" > "$wrapper"
	printf '[ "$n" -ge 1 ] && exec unshare --user --map-root-user %s "$@"\nexec %s "$@"\n' \
		"$(command -v criu)" "$(command -v criu)" >> "$wrapper"
	chmod +x "$wrapper"
	start_settled "$(P)" hckc3
	mkdir -p "$(P)/hckc3/rootfs/tmp/hck"
	lxc-attach -P "$(P)" -n hckc3 -- /bin/hckprobe perf /tmp/hck
	run env CRIU="$wrapper" lxc-checkpoint -P "$(P)" -n hckc3 -D "$BATS_TEST_TMPDIR/img" -s
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "lxc-checkpoint: hckc3: criu "*" ($wrapper) cannot work on this system: "*"; criu dump failed: see $BATS_TEST_TMPDIR/img/dump.log: Error ("* ]]
	[ "$(state hckc3)" = RUNNING ]
}

@test "-p without soft-dirty: the kernel lacks it, said in one line" {
	if grep -q ' sd' /proc/self/smaps 2>/dev/null; then
		skip "this kernel has soft-dirty (checkpoint-predump.bats covers it)"
	fi
	start_settled "$(P)" hckc3
	run lxc-checkpoint -P "$(P)" -n hckc3 -D "$BATS_TEST_TMPDIR/pre" -p
	[ "$status" -eq 1 ]
	[ "$output" = "lxc-checkpoint: hckc3: --pre-dump needs memory change tracking (soft-dirty), which this kernel lacks (CONFIG_MEM_SOFT_DIRTY; \`criu check --feature mem_dirty_track\`)" ]
	[ "$(state hckc3)" = RUNNING ]
	lxc-stop -P "$(P)" -n hckc3 -k
}

# lxc-checkpoint's description of the container's network namespace: "fresh" when it was
# left out of the images (as a new one, lo up), "dumped" when CRIU carried it
netns_kind() {
	if grep -qx 'netns fresh' "$1/lxc-checkpoint.meta"; then echo fresh; else echo dumped; fi
}

@test "no NICs, namespace untouched: left out of the images; lo and a loopback TCP connection work after restore" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc3
	mkdir -p "$(P)/hckc3/rootfs/tmp/hck"
	lxc-attach -P "$(P)" -n hckc3 -- /bin/hckprobe lotcp /tmp/hck
	pid=$(cat "$(P)/hckc3/rootfs/tmp/hck/pid")
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s
	[ "$(netns_kind "$d")" = fresh ]
	refute ls "$d"/netdev-*.img "$d"/route-*.img "$d"/iptables-*.img 2>/dev/null
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r
	[ "$(state hckc3)" = RUNNING ]
	[ "$(cat "$(P)/hckc3/rootfs/tmp/hck/pid")" = "$pid" ]
	[ "$(probe_check hckc3)" = "ok tcp" ]
	run --separate-stderr lxc-attach -P "$(P)" -n hckc3 -- ip -o addr show dev lo
	[[ "$output" == *"inet 127.0.0.1/8"* ]]
	[[ "$output" == *"inet6 ::1/128"* ]]
	run --separate-stderr lxc-attach -P "$(P)" -n hckc3 -- ip -o link show dev lo
	[[ "$output" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	# the restored namespace is as fresh as the first: checkpointed again the same way
	rm -rf "$d"
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s
	[ "$(netns_kind "$d")" = fresh ]
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r
	[ "$(probe_check hckc3)" = "ok tcp" ]
	lxc-stop -P "$(P)" -n hckc3 -k
}

@test "no NICs, namespace changed (address, route, nftables, sysctl, nested netns): CRIU dumps and restores it" {
	d=$BATS_TEST_TMPDIR/img
	start_settled "$(P)" hckc3
	in_ns() { nsenter -t "$(init_pid hckc3)" -n "$@"; }
	dump_kind() {
		rm -rf "$d"
		lxc-checkpoint -P "$(P)" -n hckc3 -D "$d"
		netns_kind "$d"
	}
	[ "$(dump_kind)" = fresh ]
	# each change alone is seen, and undoing it makes the namespace fresh again
	in_ns ip addr add 127.0.0.2/8 dev lo
	[ "$(dump_kind)" = dumped ]
	in_ns ip addr del 127.0.0.2/8 dev lo
	[ "$(dump_kind)" = fresh ]
	in_ns ip route add 10.99.1.0/24 dev lo
	[ "$(dump_kind)" = dumped ]
	in_ns ip route del 10.99.1.0/24 dev lo
	[ "$(dump_kind)" = fresh ]
	in_ns nft add table inet hcktest
	[ "$(dump_kind)" = dumped ]
	in_ns nft delete table inet hcktest
	[ "$(dump_kind)" = fresh ]
	in_ns sysctl -qw net.ipv4.conf.lo.route_localnet=1
	[ "$(dump_kind)" = dumped ]
	in_ns sysctl -qw net.ipv4.conf.lo.route_localnet=0
	[ "$(dump_kind)" = fresh ]
	lxc-attach -P "$(P)" -n hckc3 -- sh -c 'unshare -n sleep 1234 >/dev/null 2>&1 </dev/null &'
	[ "$(dump_kind)" = dumped ]
	pkill -f '^sleep 1234$'
	wait_until "[ \"\$(dump_kind)\" = fresh ]" 20
	# all of them but the nested namespace, through -s and -r
	in_ns ip addr add 127.0.0.2/8 dev lo
	in_ns ip route add 10.99.1.0/24 dev lo
	in_ns nft add table inet hcktest
	in_ns sysctl -qw net.ipv4.conf.lo.route_localnet=1
	rm -rf "$d"
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -s
	[ "$(netns_kind "$d")" = dumped ]
	ls "$d"/netdev-*.img "$d"/route-*.img >/dev/null
	lxc-checkpoint -P "$(P)" -n hckc3 -D "$d" -r
	[ "$(state hckc3)" = RUNNING ]
	[[ "$(in_ns ip -o addr show dev lo)" == *"inet 127.0.0.2/8"* ]]
	[[ "$(in_ns ip route show 10.99.1.0/24)" == "10.99.1.0/24 dev lo"* ]]
	[[ "$(in_ns nft list tables)" == *"table inet hcktest"* ]]
	[ "$(in_ns sysctl -n net.ipv4.conf.lo.route_localnet)" = 1 ]
	lxc-stop -P "$(P)" -n hckc3 -k
}
