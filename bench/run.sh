#!/bin/sh
# make bench: end-to-end ingest (ingest + extract + store + linking) on
# ../shared/corpus-bench, with one and two extraction threads, the database
# on disk and in /dev/shm, the share of time per stage, peak RSS; a grep -P
# reference pass with the money rule's pattern; the same on a large corpus
# made by repeating corpus-bench (BENCH_LARGE_MB, default 1000; 0 skips it),
# with the timeline and the README's queries on the large database; the
# stream recipe (pack | extract --stream | load) with 1 and 2 jobs of GNU
# parallel, and the merge of two shards of BENCH_SHARD_ARTICLES articles
# (default 100000); first, the same extraction and ingest by the build of
# BENCH_BASE (a commit, default HEAD~1; empty skips it), interleaved, as
# ratios. Reports, never fails the build. Writes bench/RESULTS.md.
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
large_mb=${BENCH_LARGE_MB:-1000}
shard_articles=${BENCH_SHARD_ARTICLES:-100000}
# work files beside the build (hard links to corpus-bench need the same file system)
work=build/bench-work
rm -rf "$work"
mkdir -p "$work"
shm=/dev/shm/newsclaims-bench.$$
trap 'rm -rf "$work" "$shm".db*' EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
# the median wall time, in seconds, of three runs of a command (output discarded):
# one run of a query is at the mercy of the page cache and the machine's neighbours
med3() {
    for _ in 1 2 3; do
        t0=$(now); "$@" > /dev/null; t1=$(now); secs "$t0" "$t1"; echo
    done | sort -n | sed -n 2p
}

# $1 label, $2 jobs, $3 db, $4... inputs: one table row; the stage line goes to $work/stages
run_ingest() {
    label=$1; jobs=$2; db=$3; shift 3
    rm -f "$db" "$db"-wal "$db"-shm
    bytes=$(find "$@" -name '*.txt' -print0 | xargs -0 cat | wc -c)
    files=$(find "$@" -name '*.txt' | wc -l)
    NEWSCLAIMS_TIMING=1 /usr/bin/time -f "%e %M" -o "$work/time" $bin ingest "$@" --db "$db" --quiet --jobs "$jobs" 2>"$work/err"
    set -- $(tail -n 1 "$work/time")
    s=$1; rss_kb=$2
    arts=$(sqlite3 "$db" "SELECT count(*) FROM articles")
    grep 'timing:' "$work/err" | sed "s|^newsclaims: timing:|$label:|" >> "$work/stages"
    awk -v l="$label" -v j="$jobs" -v b="$bytes" -v s="$s" -v a="$arts" -v r="$rss_kb" -v f="$files" 'BEGIN {
        printf "| %s | %d | %d | %.1f | %.2f | %.2f | %.0f | %.0f |\n", l, j, f, b / 1e6, s, b / 1e6 / s, a / s, r / 1024 }'
}

{
    echo "# Benchmark results"
    echo
    echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d). Machine: $(nproc) cores,"
    echo "$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/Mem:/ {print $2}') GiB."
    echo "Binary built with the Makefile's default \`-O2 -g\` from commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
    echo
    # Against another build in the same run (BENCH_BASE, a commit; default the
    # previous one, HEAD~1; empty skips it): the same work by both binaries,
    # interleaved, so the machine's load falls on both alike
    base=${BENCH_BASE-HEAD~1}
    if [ -n "$base" ] && git rev-parse -q --verify "$base^{commit}" > /dev/null 2>&1; then
        basedir=$work/base
        base_id=$(git rev-parse --short "$base^{commit}")
        if git worktree add -q --detach "$basedir" "$base_id" 2> /dev/null &&
           make -C "$basedir" -j"$(nproc)" newsclaims > "$work/base-build.log" 2>&1; then
            $bin pack "$bench/de" "$bench/en" "$bench/fr" > "$work/items.jsonl" 2> /dev/null
            echo "## Against the build of $base_id (BENCH_BASE=$base)"
            echo
            echo "The same work by this build and by the build of $base_id, interleaved, three runs each,"
            echo "medians: \`extract --stream\` over corpus-bench packed (\`newsclaims pack\`: extraction"
            echo "alone, one thread) and \`ingest --jobs 1\` into a fresh database in /dev/shm (end to end)."
            echo "CPU is user + system seconds; a ratio above 1 means this build is slower."
            echo
            echo "| work | build | wall s | CPU s |"
            echo "|---|---|---:|---:|"
            : > "$work/ab"
            for _ in 1 2 3; do
                for who in this base; do
                    b=$bin
                    [ "$who" = base ] && b=$basedir/newsclaims
                    /usr/bin/time -f "stream $who %e %U %S" -a -o "$work/ab" "$b" extract --stream < "$work/items.jsonl" > /dev/null 2>&1
                    rm -f "$shm.ab.db" "$shm.ab.db"-wal "$shm.ab.db"-shm
                    /usr/bin/time -f "ingest $who %e %U %S" -a -o "$work/ab" "$b" ingest "$bench/de" "$bench/en" "$bench/fr" \
                        --db "$shm.ab.db" --quiet --jobs 1 > /dev/null 2>&1
                done
            done
            rm -f "$shm.ab.db" "$shm.ab.db"-wal "$shm.ab.db"-shm
            for w in stream ingest; do
                for who in this base; do
                    wall=$(awk -v w=$w -v o=$who '$1 == w && $2 == o {print $3}' "$work/ab" | sort -n | sed -n 2p)
                    cpu=$(awk -v w=$w -v o=$who '$1 == w && $2 == o {printf "%.2f\n", $4 + $5}' "$work/ab" | sort -n | sed -n 2p)
                    echo "$w $who $wall $cpu" >> "$work/abm"
                    echo "| $w | $who | $wall | $cpu |"
                done
            done
            echo
            for w in stream ingest; do
                awk -v w=$w '$1 == w && $2 == "this" {tw = $3; tc = $4} $1 == w && $2 == "base" {bw = $3; bc = $4}
                    END {printf "Ratio this/base, %s: wall %.2f, CPU %.2f\n\n", w, tw / bw, tc / bc}' "$work/abm"
            done
        else
            echo "## Against the build of $base_id: it did not build (see the log); skipped"
            echo
        fi
        git worktree remove --force "$basedir" 2> /dev/null
    fi
    echo "## End-to-end ingest on ../shared/corpus-bench"
    echo
    echo "Each row: \`newsclaims ingest DIR --db DB --quiet --jobs N\` into a fresh database (ingest,"
    echo "extract, store, linking), timed with /usr/bin/time; bytes are the .txt files' sizes."
    echo
    echo "| input | jobs | files | MB | seconds | MB/s | articles/s | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    : > "$work/stages"
    for l in de en fr; do
        run_ingest "$l, on disk" 1 "$work/$l.db" "$bench/$l"
    done
    run_ingest "all three, on disk" 1 "$work/all1.db" "$bench/de" "$bench/en" "$bench/fr"
    run_ingest "all three, on disk" 2 "$work/all.db" "$bench/de" "$bench/en" "$bench/fr"
    run_ingest "all three, /dev/shm" 1 "$shm.db" "$bench/de" "$bench/en" "$bench/fr"
    run_ingest "all three, /dev/shm" 2 "$shm.db" "$bench/de" "$bench/en" "$bench/fr"
    echo
    echo "Time per stage (NEWSCLAIMS_TIMING=1; seconds; ingest and extract summed over the"
    echo "threads, read+hash and store in the one writer thread):"
    echo
    sed 's/^/    /' "$work/stages"
    echo
    echo "## Reference: grep -P with the money rule's pattern"
    echo
    echo "\`grep -P -c -i\` with the expanded pattern of each language's \`money.num\` rule"
    echo "(\`newsclaims rules --pattern fr:money.num\`) over the same files: one regex, no"
    echo "normalization, no other rule, no storage; the floor of what a regex pass costs."
    echo
    echo "| language | MB | grep -P seconds | grep MB/s | newsclaims (1 job) seconds | ratio newsclaims/grep |"
    echo "|---|---:|---:|---:|---:|---:|"
    for l in de en fr; do
        pat=$($bin rules --pattern "$l:money.num")
        cat "$bench/$l"/*.txt > "$work/$l.all"
        bytes=$(wc -c < "$work/$l.all")
        # ten passes, timed together: one takes a few milliseconds
        t0=$(now)
        for k in 1 2 3 4 5 6 7 8 9 10; do
            LC_ALL=C.UTF-8 grep -P -c -i "$pat" "$work/$l.all" > /dev/null; [ $? -lt 2 ] || echo "grep -P failed on $l" >&2
        done
        t1=$(now)
        g=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 10}')
        n=$(grep "^$l, on disk:" "$work/stages" | sed 's/.*wall \([0-9.]*\) s.*/\1/')
        awk -v l="$l" -v b="$bytes" -v g="$g" -v n="$n" 'BEGIN {
            printf "| %s | %.1f | %.4f | %.0f | %.2f | %.0f |\n", l, b / 1e6, g, b / 1e6 / (g > 0 ? g : 0.0001), n, n / (g > 0 ? g : 0.0001) }'
    done
    echo
    echo "## Reading the database built from all three"
    echo
    echo "Median of three runs each."
    echo
    echo "| command | seconds |"
    echo "|---|---:|"
    for q in "timeline --format text" "timeline --format json" "timeline --format html" "timeline --company Twitter" "stats"; do
        # shellcheck disable=SC2086 # $q is the command's words
        echo "| \`newsclaims $q\` | $(med3 $bin $q --db "$work/all.db") |"
    done
    for q in "SELECT count(*) FROM v_timeline WHERE n_langs >= 2" "SELECT count(*) FROM v_conflicts" \
             "SELECT count(*) FROM v_amounts_owed" "SELECT count(*) FROM v_claims WHERE subject = 'Twitter'"; do
        echo "| \`sqlite3 db \"$q\"\` | $(med3 sqlite3 "$work/all.db" "$q") |"
    done

    if [ "$large_mb" -gt 0 ]; then
        echo
        echo "## A large corpus: corpus-bench repeated to about $large_mb MB"
        echo
        one=$(find "$bench" -name '*.txt' -print0 | xargs -0 cat | wc -c)
        copies=$(( (large_mb * 1000000 + one - 1) / one ))
        mkdir -p "$work/large"
        i=0
        while [ "$i" -lt "$copies" ]; do
            mkdir -p "$work/large/c$i"
            cp -al "$bench/de" "$bench/en" "$bench/fr" "$work/large/c$i/" 2>/dev/null ||
                cp -a "$bench/de" "$bench/en" "$bench/fr" "$work/large/c$i/"
            i=$((i + 1))
        done
        echo "$copies copies of corpus-bench under distinct paths (each copy is stored: the same text"
        echo "under another path is another file). The claim groups grow accordingly: every claim has"
        echo "$copies identical copies."
        echo
        echo "| input | jobs | files | MB | seconds | MB/s | articles/s | peak RSS MB |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|"
        run_ingest "large, on disk" 2 "$work/large.db" "$work/large"
        echo
        echo "    $(grep '^large' "$work/stages")"
        echo
        echo "Median of three runs each."
        echo
        echo "| command on the large database | seconds |"
        echo "|---|---:|"
        echo "| \`newsclaims ingest\` again, nothing changed | $(med3 $bin ingest "$work/large" --db "$work/large.db" --quiet) |"
        for q in "timeline --company Twitter" "timeline --company Twitter --format json" "timeline --format text" "stats"; do
            # shellcheck disable=SC2086 # $q is the command's words
            echo "| \`newsclaims $q\` | $(med3 $bin $q --db "$work/large.db") |"
        done
        for q in "SELECT count(*) FROM v_timeline WHERE n_langs >= 2" "SELECT count(*) FROM v_conflicts" \
                 "SELECT count(*) FROM v_amounts_owed" "SELECT count(*) FROM v_claims WHERE subject = 'Twitter'"; do
            echo "| \`sqlite3 db \"$q\"\` | $(med3 sqlite3 "$work/large.db" "$q") |"
        done
        rm -rf "$work/large" "$work/large.db"*
    fi

    if command -v parallel >/dev/null 2>&1; then
        echo
        echo "## Stream mode and shards (README, \"Beyond one machine\")"
        echo
        $bin pack "$bench" > "$work/items.jsonl"
        bytes=$(find "$bench" -name '*.txt' -print0 | xargs -0 cat | wc -c)
        echo "\`newsclaims pack ../shared/corpus-bench > items.jsonl\`, then"
        echo "\`parallel --pipe -N 200 -j J 'newsclaims extract --stream' < items.jsonl > articles.jsonl\`:"
        echo
        echo "| jobs | seconds | MB/s |"
        echo "|---:|---:|---:|"
        for j in 1 2; do
            t0=$(now)
            parallel --will-cite --pipe --block 16M -N 200 -j "$j" -k "$bin extract --stream 2>/dev/null" < "$work/items.jsonl" > "$work/arts.jsonl"
            t1=$(now)
            awk -v j="$j" -v s="$(secs "$t0" "$t1")" -v b="$bytes" 'BEGIN {printf "| %d | %.2f | %.2f |\n", j, s, b / 1e6 / s}'
        done
        n=$(wc -l < "$work/arts.jsonl")
        copies=$(( (shard_articles + n - 1) / n ))
        for sh in a b; do
            i=0
            while [ "$i" -lt "$copies" ]; do
                sed "s|^{\"type\":\"article\",\"path\":\"|{\"type\":\"article\",\"path\":\"$sh$i/|" "$work/arts.jsonl"
                i=$((i + 1))
            done | head -n "$shard_articles" > "$work/shard-$sh.jsonl"
        done
        t0=$(now); $bin load "$work/shard-a.jsonl" --db "$work/shard-a.db" --quiet 2>"$work/err"; load_rc=$?; t1=$(now)
        load_s=$(secs "$t0" "$t1")
        $bin load "$work/shard-b.jsonl" --db "$work/shard-b.db" --quiet 2>>"$work/err"
        t0=$(now); /usr/bin/time -f "%M" -o "$work/time" $bin merge "$work/shard-a.db" "$work/shard-b.db" --db "$work/merged.db" --quiet 2>>"$work/err"; merge_rc=$?; t1=$(now)
        merge_s=$(secs "$t0" "$t1")
        echo
        echo "Two shards of $shard_articles articles each (corpus-bench's lines repeated under"
        echo "distinct paths): \`newsclaims load\` of one shard took $load_s s (exit $load_rc); \`newsclaims merge"
        echo "shard-a.db shard-b.db --db merged.db\` (copy and relink everything) took $merge_s s (exit $merge_rc), peak RSS"
        echo "$(tail -n 1 "$work/time" | awk '{printf "%.0f", $1 / 1024}') MB."
        if [ "$merge_rc" -ne 0 ] || [ "$load_rc" -ne 0 ]; then
            echo
            echo "**Failed:** $(head -c 300 "$work/err")"
        fi
    fi
    echo
    echo "## How to read this"
    echo
    echo "MB/s and articles/s are end to end, wall clock; peak RSS is the process's maximum"
    echo "resident set. The English folder has many short Reuters items, so its articles/s is"
    echo "high and its MB/s low; compare runs on the same machine only."
} > "$out"
cat "$out"
