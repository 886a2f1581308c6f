#!/bin/sh
# tests/sh/merge.sh: shards and merges (issue 14): `khaldun code --shard I/N` and `khaldun merge`
# (src/sinks/store_hash.c, src/sinks/store_merge.c, docs/store.md).
#   - --shard I/N splits the stories of every input format (text, JSON Lines, TABARI, PETRARCH)
#     into N disjoint parts whose union is the whole (checked through `khaldun read`);
#   - N shards coded into N stores and merged give the same tables as one run over everything
#     (a dump of khaldun's tables without row ids), for N = 2 and 3 and in any input order;
#   - merging a store with a copy of itself adds nothing;
#   - merge refuses: an OUT that already holds something (left as it was), stores coded with
#     different dictionary images (unless --any-images), a file that is not a store, a store of an
#     older schema; a refused or failed merge leaves no OUT and no temporary file.
# Prints "ok NAME" / "FAIL NAME" / "skip NAME" lines for tests/run.sh.
cd "$(dirname "$0")/../.." || exit 1
T=merge
. tests/sh/lib.sh
FIX=tests/fixtures/store
need_images lexicon.img
need_tools sqlite3 jq
make_tmp

# Every khaldun table, rows named by what they are (content hash, event key), not by row id.
tables() { sqlite3 -separator '|' "$1" "
SELECT 'meta', key, value FROM meta ORDER BY key;
SELECT 'story', content_hash, story_id, date, title, publisher, url, dateline, source_file, line,
    input_offset, raw, dict_hash, src_key, units, captions, hex(text) FROM stories
    ORDER BY content_hash;
SELECT 'sentence', s.content_hash, x.idx, x.kind, x.off, x.len, x.text FROM sentences x
    JOIN stories s ON s.id = x.story ORDER BY 2, 3;
SELECT 'event', e.date, e.source, e.target, e.code, e.root, e.quad, e.goldstein, e.name,
    e.source_name, e.target_name, e.flags, e.place_name, e.place_country, e.place_admin1,
    e.place_lat, e.place_lon, e.place_type, e.place_feature, ps.content_hash, e.num_mentions,
    e.num_sources, e.num_articles, fs.content_hash, e.dict_hash FROM events e
    JOIN stories fs ON fs.id = e.first_story LEFT JOIN stories ps ON ps.id = e.place_story
    ORDER BY 2, 3, 4, 5;
SELECT 'mention', e.date, e.source, e.target, e.code, s.content_hash, m.sentence, m.kind,
    m.text_off, m.text_len, m.source_off, m.source_len, m.target_off, m.target_len, m.verb_off,
    m.verb_len, m.pattern FROM mentions m JOIN events e ON e.id = m.event
    JOIN stories s ON s.id = m.story ORDER BY 2, 3, 4, 5, 6, 7, 9, 11, 13, 15, 17;
SELECT 'source', e.date, e.source, e.target, e.code, x.src FROM event_sources x
    JOIN events e ON e.id = x.event ORDER BY 2, 3, 4, 5, 6;
SELECT 'indexed', s.content_hash, f.rowid & 16777215 FROM sentence_fts f
    JOIN stories s ON s.id = f.rowid >> 24 ORDER BY 2, 3;
SELECT 'found', s.content_hash, f.rowid & 16777215 FROM sentence_fts f
    JOIN stories s ON s.id = f.rowid >> 24 WHERE sentence_fts MATCH 'iran' ORDER BY 2, 3;"; }

# --- shards of every input format ----------------------------------------------------------
G=tests/golden/read
bad=
for f in $G/text-seed.cmd $G/jsonl-reuters.in $G/tabari-basic.in $G/petrarch-basic.in \
         examples/seed-2024.txt $FIX/stories.jsonl; do
    [ "$f" = $G/text-seed.cmd ] && continue
    "$BIN" read --no-tokens "$f" 2>/dev/null | sort >"$TMP/whole"
    : >"$TMP/parts"
    for i in 1 2 3; do
        "$BIN" read --no-tokens --shard $i/3 "$f" 2>/dev/null >>"$TMP/parts"
    done
    sort "$TMP/parts" | cmp -s - "$TMP/whole" && [ -s "$TMP/whole" ] || bad="$bad $f"
done
[ -z "$bad" ]
check shard-partition $? "union of 3 shards differs from the whole for:$bad"
# The shard does not depend on the file's name, and 1/1 is everything.
cp examples/seed-2024.txt "$TMP/renamed.txt"
a=$("$BIN" read --no-tokens --shard 2/3 examples/seed-2024.txt 2>/dev/null | jq -r .text)
b=$("$BIN" read --no-tokens --shard 2/3 "$TMP/renamed.txt" 2>/dev/null | jq -r .text)
c=$("$BIN" read --no-tokens --shard 2/3 - <examples/seed-2024.txt 2>/dev/null | jq -r .text)
[ "$a" = "$b" ] && [ "$a" = "$c" ] &&
    [ "$("$BIN" read --no-tokens --shard 1/1 examples/seed-2024.txt 2>/dev/null | wc -l)" = \
      "$("$BIN" read --no-tokens examples/seed-2024.txt 2>/dev/null | wc -l)" ]
check shard-by-content $?
for bad in 0/3 4/3 3 1/0 -1/2 x/y 1/2x; do
    "$BIN" read --shard $bad examples/seed-2024.txt >/dev/null 2>"$TMP/bad.err"
    [ $? = 2 ] && grep -q -- '--shard wants I/N' "$TMP/bad.err" || { fail "shard-bad-value" "$bad"; bad=x; }
done
[ "$bad" = x ] || ok shard-bad-value

# --- N shards + merge = one run ------------------------------------------------------------
DICT=$TMP/store.dict
if ! "$BIN" dict build -o "$DICT" data/cameo.txt $FIX/dict.txt >"$TMP/dict.out" 2>&1; then
    fail dict-build "$(head -n 3 "$TMP/dict.out")"; exit 0
fi
# Many stories with repeated events across them (same key, other stories and publishers),
# plain text, and a story given twice.
jq -c '. as $s | range(0; 40) as $i | $s | .id = "gen-\($i)-\(.id)"
    | .date = "2023-0\(($i % 3) + 1)-1\($i % 4)" | .source = "outlet-\($i % 5)"' \
    $FIX/stories.jsonl >"$TMP/many.jsonl"
INPUTS="$TMP/many.jsonl $FIX/stories.jsonl examples/seed-2024.txt $FIX/stories.jsonl"
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$TMP/one.db" $INPUTS 2>"$TMP/one.err"
check single-run $? "$(head -n 2 "$TMP/one.err")"
tables "$TMP/one.db" >"$TMP/one.tables"
for n in 2 3; do
    i=1; shards=
    while [ $i -le $n ]; do
        "$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --shard $i/$n -j 2 \
            --db "$TMP/s$i-$n.db" $INPUTS 2>>"$TMP/shard.err"
        shards="$shards $TMP/s$i-$n.db"; i=$((i + 1))
    done
    "$BIN" merge --quiet "$TMP/m$n.db" $shards 2>"$TMP/merge.err"
    rc=$?
    tables "$TMP/m$n.db" >"$TMP/m$n.tables" 2>&1
    [ $rc = 0 ] && cmp -s "$TMP/one.tables" "$TMP/m$n.tables"
    check "merge-$n-shards-equals-one-run" $? "rc $rc $(head -n 1 "$TMP/merge.err")"
    [ $rc = 0 ] || continue
    cmp -s "$TMP/one.tables" "$TMP/m$n.tables" ||
        diff "$TMP/one.tables" "$TMP/m$n.tables" | head -n 6 | cut -c 1-200 | sed 's/^/    /'
done
# Merged in another order, the same tables.
"$BIN" merge --quiet "$TMP/rev.db" "$TMP/s3-3.db" "$TMP/s1-3.db" "$TMP/s2-3.db" 2>/dev/null
tables "$TMP/rev.db" | cmp -s - "$TMP/one.tables"
check merge-order-free $?
[ "$(wc -l <"$TMP/one.tables")" -gt 100 ] && [ "$(sqlite3 "$TMP/one.db" 'SELECT max(num_articles) FROM events')" -gt 5 ]
check merge-test-has-substance $?
# A store merged with a copy of itself is itself.
cp "$TMP/one.db" "$TMP/copy.db"
"$BIN" merge --quiet "$TMP/self.db" "$TMP/one.db" "$TMP/copy.db" 2>/dev/null &&
    tables "$TMP/self.db" | cmp -s - "$TMP/one.tables"
check merge-duplicates $?
# The merged store is a store: queries and a further code run work on it.
"$BIN" query --db "$TMP/m3.db" --format jsonl >/dev/null 2>&1 &&
    "$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$TMP/m3.db" $INPUTS 2>/dev/null &&
    tables "$TMP/m3.db" | cmp -s - "$TMP/one.tables"
check merged-store-usable $?

# --- refusals: nothing written, nothing left behind ----------------------------------------
none_left() { [ -z "$(ls -A "$TMP/refuse")" ] || { ls -A "$TMP/refuse" | sed 's/^/    left: /'; return 1; }; }
mkdir "$TMP/refuse"
sum1=$(sha256sum <"$TMP/one.db")
"$BIN" merge "$TMP/one.db" "$TMP/s1-2.db" "$TMP/s2-2.db" >/dev/null 2>"$TMP/r.err"
rc=$?
[ $rc = 2 ] && [ "$sum1" = "$(sha256sum <"$TMP/one.db")" ] && grep -q 'exists' "$TMP/r.err"
check refuse-existing-out $? "rc $rc $(head -n 1 "$TMP/r.err")"
"$BIN" merge "$TMP/s1-2.db" "$TMP/s1-2.db" >/dev/null 2>"$TMP/r.err"
[ $? = 2 ] && grep -q 'exists' "$TMP/r.err"
check refuse-out-is-input $?
grep -v '^praise' $FIX/dict.txt >"$TMP/dict2.txt"
"$BIN" dict build -o "$TMP/other.dict" data/cameo.txt "$TMP/dict2.txt" >/dev/null 2>&1
"$BIN" code --quiet --dict "$TMP/other.dict" --db "$TMP/other.db" $FIX/stories.jsonl 2>/dev/null
"$BIN" merge "$TMP/refuse/x.db" "$TMP/one.db" "$TMP/other.db" >/dev/null 2>"$TMP/r.err"
rc=$?
[ $rc = 2 ] && grep -q 'different images' "$TMP/r.err" && none_left
check refuse-other-images $? "rc $rc $(head -n 1 "$TMP/r.err")"
# The same dictionary with another lexicon image (recorded per story).
cp "$TMP/s2-2.db" "$TMP/lex.db"
sqlite3 "$TMP/lex.db" "UPDATE stories SET lexicon_hash = '0123456789abcdef'"
"$BIN" merge "$TMP/refuse/x.db" "$TMP/s1-2.db" "$TMP/lex.db" >/dev/null 2>"$TMP/r.err"
rc=$?
[ $rc = 2 ] && grep -q 'lexicon 0123456789abcdef' "$TMP/r.err" && none_left &&
    [ "$(sqlite3 "$TMP/s1-2.db" "SELECT count(DISTINCT lexicon_hash) || length(max(lexicon_hash)) FROM stories")" = 116 ]
check refuse-other-lexicon $? "rc $rc $(head -n 1 "$TMP/r.err")"
"$BIN" merge --any-images --quiet "$TMP/any.db" "$TMP/other.db" "$TMP/one.db" 2>"$TMP/r.err" &&
    [ "$(sqlite3 "$TMP/any.db" 'SELECT count(DISTINCT dict_hash) FROM stories')" = 2 ]
check any-images $? "$(head -n 1 "$TMP/r.err")"
sqlite3 "$TMP/foreign.db" "CREATE TABLE t(a); INSERT INTO t VALUES (1)"
printf 'not a database\n' >"$TMP/text.db"
for f in foreign text missing; do
    "$BIN" merge "$TMP/refuse/x.db" "$TMP/one.db" "$TMP/$f.db" >/dev/null 2>"$TMP/r.err"
    rc=$?
    [ $rc = 2 ] && grep -q "$f.db" "$TMP/r.err" && none_left
    check "refuse-input-$f" $? "rc $rc $(head -n 1 "$TMP/r.err")"
done
cp "$TMP/s1-2.db" "$TMP/old.db"
sqlite3 "$TMP/old.db" 'PRAGMA user_version = 1'
"$BIN" merge "$TMP/refuse/x.db" "$TMP/old.db" >/dev/null 2>"$TMP/r.err"
rc=$?
[ $rc = 2 ] && grep -q 'older than' "$TMP/r.err" && none_left
check refuse-older-schema $? "rc $rc $(head -n 1 "$TMP/r.err")"
: >"$TMP/refuse/empty.db"
"$BIN" merge --quiet "$TMP/refuse/empty.db" "$TMP/s1-2.db" "$TMP/s2-2.db" 2>"$TMP/r.err" &&
    [ "$(ls -A "$TMP/refuse")" = empty.db ] &&
    [ "$(sqlite3 "$TMP/refuse/empty.db" 'SELECT count(*) FROM stories')" = "$(sqlite3 "$TMP/one.db" 'SELECT count(*) FROM stories')" ]
check merge-into-empty-file $? "$(head -n 1 "$TMP/r.err")"
