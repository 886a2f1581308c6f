#!/bin/sh
# bench/store.sh: the event store's ingest rate and query time (stage 9).
#
#   sh bench/store.sh [KHALDUN_BINARY]
#
# Codes the Reuters-21578 corpus ($KHALDUN_SHARED/corpora/reuters21578/reuters21578.jsonl;
# KHALDUN_SHARED defaults to ../shared) into a fresh database with `khaldun code --db` and
# prints stories/s and events/s (coding included: that is what an analyst waits for), then
# times the dyad time series `khaldun stats --by month --dyad A,B` for the most frequent dyad
# (USA,JPN when the store holds none) and a re-run over the same input (which skips every
# story). KHALDUN_DICT selects another dictionary image (default: the installed one).
# Called by `make bench` through bench/run.sh; prints "store: ..." lines.
cd "$(dirname "$0")/.." || exit 1
BIN=${1:-${KHALDUN_BIN:-./khaldun}}
SHARED=${KHALDUN_SHARED:-../shared}
CORPUS=$SHARED/corpora/reuters21578/reuters21578.jsonl
if [ ! -f "$CORPUS" ]; then echo "store: skip (no $CORPUS)"; exit 0; fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
DB=$TMP/reuters.db
set -- code --quiet --db "$DB"
[ -n "${KHALDUN_DICT:-}" ] && set -- "$@" --dict "$KHALDUN_DICT"
now() { date +%s.%N; }
t0=$(now)
"$BIN" "$@" "$CORPUS" 2>"$TMP/err" || { echo "store: FAIL ingest: $(tail -n 1 "$TMP/err")"; exit 1; }
t1=$(now)
stories=$(sqlite3 "$DB" 'SELECT count(*) FROM stories')
events=$(sqlite3 "$DB" 'SELECT count(*) FROM events')
mentions=$(sqlite3 "$DB" 'SELECT count(*) FROM mentions')
size=$(du -k "$DB" | cut -f1)
awk -v s="$stories" -v e="$events" -v m="$mentions" -v a="$t0" -v b="$t1" -v k="$size" 'BEGIN {
    t = b - a; if (t <= 0) t = 1e-9
    printf "store: ingest %d stories, %d events (%d mentions) in %.2f s: %.0f stories/s, %.0f events/s (mentions/s %.0f); database %.1f MB\n",
        s, e, m, t, s / t, e / t, m / t, k / 1024 }'
t2=$(now)
"$BIN" "$@" "$CORPUS" 2>/dev/null
t3=$(now)
awk -v a="$t2" -v b="$t3" 'BEGIN { printf "store: re-run over the same input (adds nothing): %.2f s\n", b - a }'
dyad=$(sqlite3 "$DB" "SELECT source || ',' || target FROM events WHERE target <> '' GROUP BY source, target ORDER BY count(*) DESC LIMIT 1")
[ -n "$dyad" ] || dyad=USA,JPN
t4=$(now)
n=0
while [ $n -lt 10 ]; do
    "$BIN" stats --db "$DB" --by month --dyad "$dyad" >"$TMP/stats.out" || exit 1
    n=$((n + 1))
done
t5=$(now)
rows=$(($(wc -l <"$TMP/stats.out") - 1))
awk -v a="$t4" -v b="$t5" -v d="$dyad" -v r="$rows" 'BEGIN {
    printf "store: khaldun stats --by month --dyad %s: %.1f ms (mean of 10 runs, process start included), %d rows\n", d, (b - a) * 100, r }'
