#!/bin/sh
# make fuzz: for each target, replay the kept regression inputs, then fuzz
# for SECONDS from seeds (corpus/, tests/cases/, what earlier runs found).
# Prints "fuzz TARGET: ok (N runs, N s)" or the failure, and a closing
# "N passed, N failed" line. A crash, hang (> 10 s per input), leak or
# out-of-memory (> 2 GB) fails; libFuzzer saves the input in build-fuzz/.
# Usage: tests/fuzz/run.sh SECONDS TARGET...
set -u
secs=$1
shift
pass=0
fail=0
for t in "$@"; do
    bin=build-fuzz/$t
    work=build-fuzz/corpus-$t
    seeds=build-fuzz/seeds-$t
    mkdir -p "$work" "$seeds"
    cp corpus/*.txt "$seeds/" 2>/dev/null
    for f in tests/cases/*/*.txt; do cp "$f" "$seeds/case-$(basename "$(dirname "$f")")-$(basename "$f")"; done
    opts="-timeout=10 -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=build-fuzz/$t-"
    reg=tests/fuzz/regressions/$t
    if [ -d "$reg" ] && [ -n "$(ls -A "$reg" 2>/dev/null)" ]; then
        if ! "$bin" $opts "$reg"/* >build-fuzz/$t-regressions.log 2>&1; then
            echo "fuzz $t: a kept regression input fails again (build-fuzz/$t-regressions.log)"
            tail -n 30 build-fuzz/$t-regressions.log
            fail=$((fail + 1))
            continue
        fi
    fi
    if "$bin" $opts -max_total_time="$secs" -print_final_stats=1 "$work" "$seeds" >build-fuzz/$t.log 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' build-fuzz/$t.log)
        echo "fuzz $t: ok (${runs:-?} runs in ${secs} s)"
        pass=$((pass + 1))
    else
        echo "fuzz $t: FAILED (build-fuzz/$t.log; the input is saved as build-fuzz/$t-*)"
        grep -E "ERROR|SUMMARY|Test unit written" build-fuzz/$t.log | head -n 10
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
