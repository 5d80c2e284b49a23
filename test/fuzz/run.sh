#!/bin/sh
# make fuzz: builds every test/fuzz/fuzz_*.c as a libFuzzer target (clang, ASan+UBSan,
# glibc build of lib/) and runs each for SECONDS (default 60). Prints one TAP line per target.
# Seeds live in test/fuzz/seeds/<target>/; findings are kept in build/fuzz/.
set -u
cd "$(dirname "$0")/../.."
seconds=${1:-60}
out=build/fuzz
mkdir -p "$out"
n=0
for src in test/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	n=$((n + 1))
	bin="$out/$name"
	libs=$(ls lib/*.c lib/storage/*.c 2>/dev/null | grep -v '^lib/seccomp_default')
	gen=$(ls build/seccomp_default.c 2>/dev/null)
	if ! clang -g -O1 -std=gnu11 -D_GNU_SOURCE -DLXC_FUZZ -I. -Ilib -Ibuild \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		"$src" $libs $gen -lseccomp -lcap -o "$bin" 2>"$out/$name.build.log"; then
		cat "$out/$name.build.log" >&2
		echo "not ok $n fuzz $name (build failed)"
		continue
	fi
	corpus="$out/$name.corpus"
	mkdir -p "$corpus"
	seeds=test/fuzz/seeds/$name
	[ -d "$seeds" ] || seeds=
	# a leak inside libseccomp is suppressed by function (lsan.supp), which needs the slow
	# unwinder there: libseccomp is built without frame pointers
	unwind=
	[ "$name" = fuzz_seccomp ] && unwind=fast_unwind_on_malloc=0
	if ASAN_OPTIONS="$unwind" LSAN_OPTIONS=suppressions=test/fuzz/lsan.supp \
		"$bin" -max_total_time="$seconds" -max_len=102400 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/$name-" "$corpus" $seeds >"$out/$name.log" 2>&1; then
		execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$')
		echo "ok $n fuzz $name (${seconds}s, ${execs:-?} runs)"
	else
		tail -n 30 "$out/$name.log" >&2
		echo "not ok $n fuzz $name (crash, see $out/$name.log)"
	fi
done
[ $n -gt 0 ] || echo "1..0 # no fuzz targets"
