#!/bin/sh
# make check: the whole suite, then the whole suite again built with
# AddressSanitizer and UndefinedBehaviorSanitizer (binary and tests), then
# each libFuzzer target for NEWSCLAIMS_FUZZ_SECONDS (default 60) after its
# kept regression inputs, and one closing line "N passed, N failed" adding
# them all up. Without clang the fuzzers are counted as skipped, with a message.
# Under ASan the first-open race runs 5 trials, not 20 (each of its processes
# starts 4-5 times slower there: 20 took 206 s on a shared 2-CPU machine).
# Usage: tests/check.sh PLAIN_RUNNER ASAN_RUNNER
set -u
plain=$1
asan=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
total_pass=0
total_fail=0
total_skip=0
run() {
    label=$1
    shift
    echo "== $label"
    "$@" 2>&1 | tee "$out"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
    if [ -z "$line" ]; then
        echo "$label: the runner ended without a result line" >&2
        total_fail=$((total_fail + 1))
        return
    fi
    p=$(echo "$line" | sed 's/ passed.*//')
    f=$(echo "$line" | sed 's/.*passed, \([0-9]*\) failed.*/\1/')
    s=$(echo "$line" | sed -n 's/.*failed, \([0-9]*\) skipped.*/\1/p')
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    total_skip=$((total_skip + ${s:-0}))
}
run "tests" "$plain"
echo "== building with -fsanitize=address,undefined"
if make -s check-asan >"$out" 2>&1; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    NEWSCLAIMS_TEST_RACE_TRIALS=5 \
    NEWSCLAIMS_BIN=build-asan/newsclaims NEWSCLAIMS_CONFORMANCE_BIN=build-asan/conformance run "tests under ASan+UBSan" "$asan"
else
    cat "$out"
    echo "the sanitizer build failed" >&2
    total_fail=$((total_fail + 1))
fi
fuzz_secs=${NEWSCLAIMS_FUZZ_SECONDS:-60}
if command -v clang >/dev/null 2>&1; then
    echo "== building the fuzz targets (clang, libFuzzer, ASan+UBSan)"
    if make -s fuzz-build >"$out" 2>&1; then
        run "fuzzing, ${fuzz_secs} s per target" sh tests/fuzz/run.sh "$fuzz_secs" fuzz_ingest fuzz_extract fuzz_normalize
    else
        cat "$out"
        echo "the fuzz build failed" >&2
        total_fail=$((total_fail + 1))
    fi
else
    echo "skip: fuzzing: clang is not installed (sh .ci/deps test installs clang and libFuzzer)"
    total_skip=$((total_skip + 3))
fi
if [ "$total_skip" -gt 0 ]; then
    echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
    echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
