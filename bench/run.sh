#!/bin/sh
# make bench: end-to-end ingest (ingest + extract + store + linking) on
# ../shared/corpus-bench, per language and all together, with the database on
# disk and in /dev/shm; peak RSS; the timeline and the README's queries on the
# result. Reports, never fails the build. Writes bench/RESULTS.md.
set -u
cd "$(dirname "$0")/.."
bench=../shared/corpus-bench
if [ ! -d "$bench" ]; then
    echo "make bench: $bench not found beside the checkout; nothing to measure (CI has it, a user's clone does not)"
    exit 0
fi
if [ ! -x /usr/bin/time ] || ! command -v sqlite3 >/dev/null; then
    echo "make bench: needs /usr/bin/time (Debian package time) and sqlite3: run sh .ci/deps bench" >&2
    exit 0
fi
bin=./newsclaims
out=bench/RESULTS.md
tmp=$(mktemp -d)
shm=/dev/shm/newsclaims-bench.$$
trap 'rm -rf "$tmp" "$shm".db*' EXIT
now() { date +%s.%N; }

run_ingest() {   # $1 label, $2 db, $3... inputs; prints a table row
    label=$1; db=$2; shift 2
    rm -f "$db" "$db"-wal "$db"-shm
    bytes=$(cat $(find "$@" -name '*.txt') | wc -c)
    files=$(find "$@" -name '*.txt' | wc -l)
    /usr/bin/time -f "%e %M" -o "$tmp/time" $bin ingest "$@" --db "$db" --quiet 2>"$tmp/err"
    set -- $(tail -n 1 "$tmp/time")
    secs=$1; rss_kb=$2
    arts=$(sqlite3 "$db" "SELECT count(*) FROM articles")
    awk -v l="$label" -v b="$bytes" -v s="$secs" -v a="$arts" -v r="$rss_kb" -v f="$files" 'BEGIN {
        printf "| %s | %d | %.1f | %.2f | %.2f | %.0f | %.0f |\n", l, f, b / 1e6, s, b / 1e6 / s, a / s, r / 1024 }'
}

{
    echo "# Benchmark results"
    echo
    echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d). Machine: $(nproc) cores,"
    echo "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/Mem:/ {print $2}') GiB."
    echo "Binary built with the Makefile's default \`-O2 -g\`; one ingest process (one core)."
    echo
    echo "## End-to-end ingest on ../shared/corpus-bench"
    echo
    echo "Each row: \`newsclaims ingest DIR --db DB --quiet\` into a fresh database (ingest, extract,"
    echo "store, linking), timed with /usr/bin/time; bytes are the .txt files' sizes."
    echo
    echo "| input | files | MB | seconds | MB/s | articles/s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for l in de en fr; do
        run_ingest "$l, database on disk" "$tmp/$l.db" "$bench/$l"
    done
    run_ingest "all three, database on disk" "$tmp/all.db" "$bench/de" "$bench/en" "$bench/fr"
    run_ingest "all three, database in /dev/shm" "$shm.db" "$bench/de" "$bench/en" "$bench/fr"
    echo
    echo "## Reading the database built from all three"
    echo
    echo "| command | seconds |"
    echo "|---|---:|"
    for q in "timeline --format text" "timeline --format json" "timeline --format html" "timeline --company Twitter" "stats"; do
        t0=$(now); $bin $q --db "$tmp/all.db" > /dev/null; t1=$(now)
        echo "| \`newsclaims $q\` | $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}') |"
    done
    for q in "SELECT count(*) FROM v_timeline WHERE n_langs >= 2" "SELECT count(*) FROM v_conflicts" \
             "SELECT count(*) FROM v_amounts_owed" "SELECT count(*) FROM v_claims WHERE subject = 'Twitter'"; do
        t0=$(now); sqlite3 "$tmp/all.db" "$q" > /dev/null; t1=$(now)
        echo "| \`sqlite3 db \"$q\"\` | $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}') |"
    done
    echo
    echo "## How to read this"
    echo
    echo "MB/s and articles/s are end to end, wall clock, for one process; peak RSS is the"
    echo "process's maximum resident set. The English folder has many short Reuters items, so"
    echo "its articles/s is high and its MB/s low; compare runs on the same machine only."
} > "$out"
cat "$out"
