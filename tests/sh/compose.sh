#!/bin/sh
# tests/sh/compose.sh: every option of `khaldun code` composes with every other, through
# the one driver loop and the sinks (cli/parallel.c, src/sinks/):
#   -j 2 --format gdelt --mentions F    the bytes of -j 1 (Events and Mentions)
#   --db with -j 2                      the same store (sqlite3 .dump) as -j 1
#   --db with --format gdelt --mentions the store of --db alone, and the output of no --db
#   --db with --stats                   the stats lines, the same store
#   --db -j 2 again                     adds nothing
# and options that cannot combine are usage errors (exit 2). Input: the first 1,500 lines
# of the Reuters corpus when $KHALDUN_SHARED has it, else the bundled example.
# Prints "ok NAME" / "FAIL NAME" / "skip NAME" lines for tests/run.sh.
cd "$(dirname "$0")/../.." || exit 1
T=compose
. tests/sh/lib.sh
CORPUS=$SHARED/corpora/reuters21578/reuters21578.jsonl
make_tmp
same() { # NAME FILE FILE
    if cmp -s "$2" "$3"; then ok "$1"; else fail "$1" "$(cmp "$2" "$3" 2>&1 | head -n 1)"; fi
}

if [ ! -f "$DATA/khaldun.dict" ] || [ ! -f "$DATA/lexicon.img" ]; then
    skip all "no data images in $DATA (make data)"
    exit 0
fi
if ! command -v sqlite3 >/dev/null 2>&1; then
    skip all "no sqlite3 (Debian package sqlite3)"
    exit 0
fi
if [ -f "$CORPUS" ]; then
    head -n 1500 "$CORPUS" >"$TMP/in"
else
    cp examples/seed-2024.txt "$TMP/in"
fi
code() { "$BIN" code --date 2024-04-24 "$@" "$TMP/in"; }

# GDELT with -j: the numbering follows the input order
code -j 1 --format gdelt --mentions "$TMP/m1.tsv" >"$TMP/g1.tsv" 2>/dev/null
code -j 2 --format gdelt --mentions "$TMP/m2.tsv" >"$TMP/g2.tsv" 2>/dev/null
n=$(wc -l <"$TMP/g1.tsv" | tr -d ' ')
[ "$n" -gt 0 ] && ok gdelt-events "$n rows" || fail gdelt-events "no events: the comparisons prove little"
same gdelt-j2-events "$TMP/g1.tsv" "$TMP/g2.tsv"
same gdelt-j2-mentions "$TMP/m1.tsv" "$TMP/m2.tsv"

# --db with -j: the same store
code -j 1 --db "$TMP/s1.db" >"$TMP/s1.out" 2>"$TMP/s1.err"
code -j 2 --db "$TMP/s2.db" >"$TMP/s2.out" 2>"$TMP/s2.err"
sqlite3 "$TMP/s1.db" .dump >"$TMP/s1.dump"
sqlite3 "$TMP/s2.db" .dump >"$TMP/s2.dump"
grep -q 'INSERT INTO events' "$TMP/s1.dump" && ok db-events || fail db-events "no events stored"
same db-j2-store "$TMP/s1.dump" "$TMP/s2.dump"
[ ! -s "$TMP/s1.out" ] && [ ! -s "$TMP/s2.out" ] && ok db-alone-prints-nothing || fail db-alone-prints-nothing
sed 's/s[12]\.db/S.db/' "$TMP/s1.err" | tail -n 1 >"$TMP/s1.sum"
sed 's/s[12]\.db/S.db/' "$TMP/s2.err" | tail -n 1 >"$TMP/s2.sum"
same db-j2-summary "$TMP/s1.sum" "$TMP/s2.sum"

# --db again, with -j 2: nothing new
code -j 2 --db "$TMP/s2.db" >/dev/null 2>"$TMP/again.err"
sqlite3 "$TMP/s2.db" .dump >"$TMP/again.dump"
same db-rerun-unchanged "$TMP/s1.dump" "$TMP/again.dump"
grep -q ' 0 added' "$TMP/again.err" && ok db-rerun-adds-nothing || fail db-rerun-adds-nothing "$(tail -n 1 "$TMP/again.err")"

# --db with --format gdelt --mentions (and -j 2, --stats): both outputs, as if run apart
code -j 2 --stats --db "$TMP/s3.db" --format gdelt --mentions "$TMP/m3.tsv" >"$TMP/g3.tsv" 2>"$TMP/s3.err"
sqlite3 "$TMP/s3.db" .dump >"$TMP/s3.dump"
same db-gdelt-events "$TMP/g1.tsv" "$TMP/g3.tsv"
same db-gdelt-mentions "$TMP/m1.tsv" "$TMP/m3.tsv"
same db-gdelt-store "$TMP/s1.dump" "$TMP/s3.dump"
grep -q 'stats: threads=2' "$TMP/s3.err" && ok db-stats || fail db-stats "no stats line"

# --db with --format jsonl prints what plain `code` prints
code -j 2 --db "$TMP/s4.db" --format jsonl >"$TMP/j4.out" 2>/dev/null
code -j 1 >"$TMP/j1.out" 2>/dev/null
same db-jsonl-output "$TMP/j1.out" "$TMP/j4.out"

# what cannot combine is a usage error
code --db "$TMP/s5.db" --mentions "$TMP/m5.tsv" >/dev/null 2>"$TMP/u.err"
rc=$?
[ $rc -eq 2 ] && grep -q 'goes with --format gdelt' "$TMP/u.err" && [ ! -e "$TMP/s5.db" ] &&
    ok usage-mentions-needs-gdelt || fail usage-mentions-needs-gdelt "exit $rc"
exit 0
