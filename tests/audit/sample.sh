#!/bin/sh
# Draw the claim audit sample: N typed claims per language (not bare amounts,
# counts or percentages) from a database of ../shared/corpus-bench, each with
# its sentence, as a TSV for a reader to judge (tests/audit/README.md).
#   [AUDIT_SEED=K] sh tests/audit/sample.sh [DB] [N] > sample.tsv
# Without DB, ingests ../shared/corpus-bench into /tmp/audit.db first; skipped
# with a message where ../shared is absent.
set -eu
db=${1:-}
n=${2:-20}
# AUDIT_SEED (a whole number, 1 by default) picks another fixed order, so that a
# later audit can draw claims the earlier ones did not read
seed=${AUDIT_SEED:-1}
case $seed in ''|*[!0-9]*|0) echo "audit: AUDIT_SEED must be a whole number above 0" >&2; exit 2 ;; esac
# the order's multiplier: 1 for seed 1, else a large one that spreads small keys too.
# Seeds 2 and 3 (the audits claims-2026-12-07c and -d) order by key * mult alone, and
# so share much of their order (3's multiplier is 3/2 of 2's): from seed 4 on the key
# is also squared after an offset, which makes the orders of two seeds unrelated
mult=1
[ "$seed" -eq 1 ] || mult=$(( (seed % 1000003) * 2654435761 % 1000003 ))
[ "$mult" -ne 0 ] || mult=1
offset=0
square=0
if [ "$seed" -ge 4 ]; then offset=$(( seed * 7919 % 1000003 )); square=1; fi
bin=${NEWSCLAIMS_BIN:-./newsclaims}
if [ -z "$db" ]; then
    if [ ! -d ../shared/corpus-bench ]; then
        echo "audit: ../shared/corpus-bench is absent; nothing to sample" >&2
        exit 0
    fi
    db=/tmp/audit.db
    rm -f "$db" "$db-wal" "$db-shm"
    "$bin" ingest ../shared/corpus-bench --db "$db" --quiet >&2
fi
printf 'claim_id\tlang\tpath\tpredicate\tsubject\tobject\tamount\tcurrency\tduration\tevent_date\tsentence\tpredicate_ok\tsubject_ok\tobject_ok\tvalue_ok\tnote\n'
# the key of a claim's order, from its content
k="(((length(c.sentence) * 7919 + unicode(substr(c.path, -6)) * 104729 + c.sentence_idx * 31 + unicode(c.predicate)) % 1000003) * $mult % 1000003)"
for lang in de en fr; do
    # a fixed pseudo-random order over the claims' content (not their ids), so
    # the same database gives the same sample
    sqlite3 -separator '	' "$db" "
      SELECT c.claim_id, c.lang, c.path, c.predicate, coalesce(c.subject, c.subject_org, ''),
             coalesce(c.object, c.object_org, ''), coalesce(c.amount, ''), coalesce(c.currency, ''),
             coalesce(c.duration, ''), coalesce(c.event_date, ''), replace(replace(c.sentence, char(9), ' '), char(10), ' '),
             '', '', '', '', ''
      FROM v_claims c JOIN predicates p ON p.name = c.predicate
      WHERE c.lang = '$lang' AND p.bare = 0
      ORDER BY CASE $square WHEN 0 THEN $k ELSE (($k + $offset) % 1000003) * (($k + $offset) % 1000003) % 1000003 END, c.claim_id
      LIMIT $n"
done
