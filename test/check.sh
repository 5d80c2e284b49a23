#!/bin/sh
# make check: unit tests (lib/ with the host compiler under ASan+UBSan), integration
# tests (bats, the real static binary as root) and a short fuzz run. Prints every
# result as TAP, names each skip with its reason, and ends with "N passed, N failed".
# Usage: test/check.sh [unit|integration|fuzz]... (default: all)
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
build="$top/build"
results="$build/test-results"
rm -rf "$results" && mkdir -p "$results"
lanes=${*:-unit integration fuzz}

run_unit() {
	out="$build/unit-tests"
	# lib/ and the tests, glibc + sanitizers; the generated seccomp blob comes from the build
	srcs="$(ls lib/*.c lib/storage/*.c 2>/dev/null) $(ls test/unit/*.c) $(ls $build/seccomp_default.c 2>/dev/null)"
	if ! gcc -std=gnu11 -g -O1 -D_GNU_SOURCE -DLXC_UNIT_TEST -I. -Ilib -I"$build" -Itest/unit \
		-Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
		$srcs -lseccomp -lcap -o "$out" 2>"$results/unit-build.log"; then
		cat "$results/unit-build.log"
		echo "not ok 1 unit tests build" > "$results/unit.tap"
		return
	fi
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		LXC_TOP="$top" "$out" > "$results/unit.tap" 2>"$results/unit.stderr"
	rc=$?
	cat "$results/unit.tap"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$results/unit.tap"; then
		# a sanitizer report or crash outside any single test's CHECKs
		cat "$results/unit.stderr"
		echo "not ok - unit tests exited with status $rc (sanitizer or crash; see above)" >> "$results/unit.tap"
	elif [ -s "$results/unit.stderr" ] && grep -q 'Sanitizer' "$results/unit.stderr"; then
		cat "$results/unit.stderr"
		echo "not ok - sanitizer report during unit tests" >> "$results/unit.tap"
	fi
	# the static binary's own malloc (not in lib/: ASan brings its own), built with musl
	if ! musl-gcc -std=gnu11 -O1 -D_GNU_SOURCE -Wall -Wextra -Werror -static test/malloc/test_malloc.c malloc.c \
		-o "$build/malloc-tests" 2>"$results/malloc-build.log"; then
		cat "$results/malloc-build.log"
		echo "not ok - malloc tests build" > "$results/malloc.tap"
	else
		"$build/malloc-tests" > "$results/malloc.tap"
		rc=$?
		[ $rc -eq 0 ] || echo "not ok - malloc tests exited with status $rc (a crash)" >> "$results/malloc.tap"
	fi
	cat "$results/malloc.tap"
}

run_integration() {
	if [ "$(id -u)" != 0 ]; then
		echo "ok 1 integration # skip needs root" > "$results/integration.tap"
		return
	fi
	# a test that hangs fails after BATS_TEST_TIMEOUT seconds (none takes a minute) and the
	# run goes on: CI has a time budget, and the report names the test
	PATH="$build/bin:$PATH" LXC_TOP="$top" LXC_BIN="$build/lxc" BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-600} \
		bats --tap test/integration/*.bats > "$results/integration.tap" 2>&1
	cat "$results/integration.tap"
}

run_fuzz() {
	FUZZ_QUIET=1 sh test/fuzz/run.sh "${FUZZ_SECONDS:-10}" > "$results/fuzz.tap" 2>"$results/fuzz.log"
	cat "$results/fuzz.tap"
}

for lane in $lanes; do
	echo "# --- $lane ---"
	"run_$lane"
done

# Summary over every TAP file.
cat "$results"/*.tap | awk '
	/^ok / && /# [Ss][Kk][Ii][Pp]/ { skipped++; sub(/^ok [0-9]* */, ""); skips[skipped] = $0; next }
	/^ok / { passed++; next }
	/^not ok / { failed++; sub(/^not ok [0-9]* */, ""); fails[failed] = $0; next }
	END {
		for (i = 1; i <= skipped; i++) printf "skipped: %s\n", skips[i];
		for (i = 1; i <= failed; i++) printf "FAILED: %s\n", fails[i];
		if (skipped) printf "%d skipped (named above with their reason)\n", skipped;
		printf "%d passed, %d failed\n", passed, failed;
		exit failed ? 1 : 0
	}'
