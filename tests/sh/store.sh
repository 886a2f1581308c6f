#!/bin/sh
# tests/sh/store.sh: the event store (stage 9, src/sinks/store.c, docs/store.md).
#
# Builds a store from wire-copy fixtures (tests/fixtures/store/stories.jsonl) coded with a tiny
# fixture dictionary (tests/fixtures/store/dict.txt + data/cameo.txt), then checks:
#   - every query and stats kind in tests/fixtures/store/queries.txt against expected/NAME.out;
#   - cross-story dedup counts (NumMentions, NumSources, NumArticles) read straight from SQL;
#   - re-running the same input adds nothing (row counts and a table dump unchanged);
#   - JSON Lines output is valid JSON (jq), GDELT rows have 61 / 16 columns;
#   - kill -9 at several points of a run over 14,000 generated stories: integrity_check after
#     each kill, and the resumed run ends with exactly what a clean single run stores;
#   - recode with another image replaces the events in one go and records the new hash;
#   - a database with another application_id, a newer schema version, or that is not SQLite
#     at all is refused and its bytes are unchanged (sha256sum);
#   - a read-only database gives a clear error and stays as it was;
#   - dates keep their precision (a year is 2019-01-01 with "year" in the store, SQLDATE
#     20190000 in GDELT), and a schema-1 store is read as it is and migrated when written.
# Prints "ok NAME" / "FAIL NAME" / "skip NAME" lines for tests/run.sh.
# Regenerate expectations (after checking the differences by hand): STORE_BLESS=1 sh tests/sh/store.sh
cd "$(dirname "$0")/../.." || exit 1
T=store
. tests/sh/lib.sh
FIX=tests/fixtures/store
need_images lexicon.img
need_tools sqlite3 jq sha256sum
make_tmp
counts() { sqlite3 "$1" "SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM events),
    (SELECT count(*) FROM mentions), (SELECT count(*) FROM sentences),
    (SELECT total(num_mentions) FROM events), (SELECT total(num_sources) FROM events),
    (SELECT total(num_articles) FROM events)"; }
dump() { sqlite3 "$1" "SELECT date, source, target, code, num_mentions, num_sources, num_articles,
    coalesce(place_name, '') FROM events ORDER BY date, source, target, code"; }

# --- build ---------------------------------------------------------------------------------
DICT=$TMP/store.dict
if ! "$BIN" dict build -o "$DICT" data/cameo.txt $FIX/dict.txt >"$TMP/dict.out" 2>&1; then
    fail dict-build "$(head -n 3 "$TMP/dict.out")"; exit 0
fi
DB=$TMP/events.db
"$BIN" code --quiet --dict "$DICT" --db "$DB" $FIX/stories.jsonl 2>"$TMP/code.err"
check code-db $? "$(head -n 3 "$TMP/code.err")"
[ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] &&
    [ "$(sqlite3 "$DB" 'PRAGMA journal_mode')" = wal ] &&
    [ "$(sqlite3 "$DB" 'PRAGMA application_id')" = 1263027278 ] &&
    [ "$(sqlite3 "$DB" 'PRAGMA user_version')" = 2 ]
check schema-pragmas $?

# --- each query kind -----------------------------------------------------------------------
mkdir -p "$TMP/got"
grep -v -e '^#' -e '^ *$' $FIX/queries.txt | while IFS='|' read -r name args; do
    name=$(echo "$name" | tr -d ' ')
    sub=${args# }; sub=${sub%% *}; rest=${args# }; rest=${rest#"$sub"}
    eval "\"$BIN\" $sub --db \"$DB\" $rest" 2>&1 | sed -E 's/\b[0-9a-f]{16}\b/DICT/g' >"$TMP/got/$name.out"
    if [ -n "${STORE_BLESS:-}" ]; then mkdir -p $FIX/expected; cp "$TMP/got/$name.out" $FIX/expected/; fi
    if [ ! -s "$TMP/got/$name.out" ] || ! cmp -s "$TMP/got/$name.out" "$FIX/expected/$name.out"; then
        fail "query/$name" "khaldun$args"
        diff -u "$FIX/expected/$name.out" "$TMP/got/$name.out" 2>&1 | head -n 20 | sed 's/^/    /'
    else
        ok "query/$name"
    fi
done

# Cross-story dedup, read from SQL: "Iran accused the United States" is in three stories
# from two publishers.
got=$(sqlite3 "$DB" "SELECT num_mentions, num_sources, num_articles FROM events
    WHERE source = 'IRN' AND target = 'USA' AND code = '112'")
[ "$got" = "3|2|3" ]
check dedup-counts $? "$got"
got=$(sqlite3 "$DB" "SELECT count(*) FROM events e WHERE num_mentions <> (SELECT count(*) FROM
    mentions WHERE event = e.id) OR num_articles <> (SELECT count(DISTINCT story) FROM mentions
    WHERE event = e.id)")
[ "$got" = 0 ]
check counts-match-mentions $? "$got events disagree"

"$BIN" query --db "$DB" --format jsonl --evidence | jq -e . >/dev/null 2>&1
check jsonl-valid $?
"$BIN" export --db "$DB" --format gdelt --events "$TMP/ev.tsv" --mentions "$TMP/men.tsv" &&
    [ "$(awk -F'\t' '{print NF}' "$TMP/ev.tsv" | sort -u)" = 61 ] &&
    [ "$(awk -F'\t' '{print NF}' "$TMP/men.tsv" | sort -u)" = 16 ] &&
    [ "$(wc -l <"$TMP/ev.tsv")" -eq "$(sqlite3 "$DB" 'SELECT count(*) FROM events')" ] &&
    [ "$(wc -l <"$TMP/men.tsv")" -eq "$(sqlite3 "$DB" 'SELECT count(*) FROM mentions')" ]
check export-gdelt $?
"$BIN" export --db "$DB" --format jsonl >"$TMP/export.jsonl" &&
    [ "$(jq -s 'map(.evidence | length) | add' "$TMP/export.jsonl")" -eq "$(sqlite3 "$DB" 'SELECT count(*) FROM mentions')" ]
check export-jsonl $?

# --- re-running adds nothing ---------------------------------------------------------------
before=$(counts "$DB"); dump "$DB" >"$TMP/dump1"
"$BIN" code --quiet --dict "$DICT" --db "$DB" $FIX/stories.jsonl $FIX/stories.jsonl 2>/dev/null
after=$(counts "$DB"); dump "$DB" >"$TMP/dump2"
[ "$before" = "$after" ] && cmp -s "$TMP/dump1" "$TMP/dump2"
check rerun-adds-nothing $? "$before -> $after"

# --- kill -9 and resume --------------------------------------------------------------------
jq -c --argjson n 14000 '. as $s | range(0; $n / 7 | ceil) as $i
    | $s | .id = "gen-\($i)-\(.id)" | .date = "2023-\(($i % 12) + 1 | tostring | if length < 2 then "0" + . else . end)-\(($i % 28) + 1 | tostring | if length < 2 then "0" + . else . end)"' \
    $FIX/stories.jsonl >"$TMP/many.jsonl" 2>/dev/null ||
    echo "FAIL $T/generate-stories (jq could not repeat the fixture stories)"
n=$(wc -l <"$TMP/many.jsonl")
CLEAN=$TMP/clean.db
"$BIN" code --quiet --dict "$DICT" --db "$CLEAN" "$TMP/many.jsonl" 2>/dev/null
KILLED=$TMP/killed.db
kills=0; consistent=1
for delay in 0.05 0.3 0.6 0.9 1.3; do
    "$BIN" code --quiet --dict "$DICT" --db "$KILLED" "$TMP/many.jsonl" 2>/dev/null &
    pid=$!
    sleep $delay
    if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
    wait $pid 2>/dev/null
    if [ -f "$KILLED" ] && [ "$(sqlite3 "$KILLED" "SELECT count(*) FROM sqlite_master WHERE name = 'events'")" = 0 ]; then
        echo "    killed at ${delay}s before the schema was committed (the next run creates it)"
    elif [ -f "$KILLED" ]; then
        r=$(sqlite3 "$KILLED" 'PRAGMA integrity_check' 2>&1)
        [ "$r" = ok ] || { consistent=0; echo "    after kill at ${delay}s: $r"; }
        # every stored story is whole: its events' mentions are there
        r=$(sqlite3 "$KILLED" "SELECT count(*) FROM events e WHERE num_mentions <> (SELECT count(*)
            FROM mentions WHERE event = e.id)" 2>&1)
        [ "$r" = 0 ] || { consistent=0; echo "    after kill at ${delay}s: $r events with torn counts"; }
        echo "    killed at ${delay}s with $(sqlite3 "$KILLED" 'SELECT count(*) FROM stories' 2>/dev/null) of $n stories stored"
    fi
done
[ $consistent = 1 ] && [ $kills -ge 2 ]
check kill-consistent $? "$kills kills landed"
"$BIN" code --quiet --dict "$DICT" --db "$KILLED" "$TMP/many.jsonl" 2>/dev/null
c1=$(counts "$CLEAN"); c2=$(counts "$KILLED")
dump "$CLEAN" >"$TMP/d1"; dump "$KILLED" >"$TMP/d2"
[ "$c1" = "$c2" ] && cmp -s "$TMP/d1" "$TMP/d2" && [ "$(sqlite3 "$CLEAN" 'SELECT count(*) FROM stories')" -eq "$n" ]
check kill-resume-complete $? "clean $c1, resumed $c2"

# --- recode --------------------------------------------------------------------------------
grep -v '^praise' $FIX/dict.txt >"$TMP/dict2.txt"
"$BIN" dict build -o "$TMP/store2.dict" data/cameo.txt "$TMP/dict2.txt" >/dev/null 2>&1
H2=$("$BIN" dict info "$TMP/store2.dict" 2>/dev/null | grep -o '[0-9a-f]\{16\}' | head -n 1)
cp "$DB" "$TMP/recode.db"; sqlite3 "$TMP/recode.db" 'PRAGMA wal_checkpoint' >/dev/null
"$BIN" recode --quiet --db "$TMP/recode.db" --dict "$TMP/store2.dict" 2>"$TMP/recode.err"
r1=$(sqlite3 "$TMP/recode.db" "SELECT count(*) FROM events WHERE code = '051'")
r2=$(sqlite3 "$TMP/recode.db" "SELECT count(DISTINCT dict_hash) || ':' || max(dict_hash) FROM events")
r3=$(sqlite3 "$TMP/recode.db" "SELECT count(*) FROM events")
[ "$r1" = 0 ] && [ "$r2" = "1:$H2" ] && [ "$r3" -eq $(($(sqlite3 "$DB" 'SELECT count(*) FROM events') - 2)) ]
check recode $? "051 events $r1, hashes $r2 (want $H2), events $r3; $(head -n 1 "$TMP/recode.err")"

# --- refusing what is not ours -------------------------------------------------------------
sqlite3 "$TMP/foreign.db" "CREATE TABLE t(a); INSERT INTO t VALUES (1)"
sqlite3 "$TMP/newer.db" "PRAGMA application_id = 1263027278; PRAGMA user_version = 99; CREATE TABLE meta(key, value)"
printf 'not a database at all\n' >"$TMP/text.db"
for f in foreign newer text; do
    sum1=$(sha256sum <"$TMP/$f.db")
    "$BIN" code --quiet --dict "$DICT" --db "$TMP/$f.db" $FIX/stories.jsonl >/dev/null 2>"$TMP/$f.err"
    rc1=$?
    "$BIN" query --db "$TMP/$f.db" >/dev/null 2>>"$TMP/$f.err"
    rc2=$?
    sum2=$(sha256sum <"$TMP/$f.db")
    case $f in newer) want='newer than this khaldun' ;; *) want='not a khaldun event store' ;; esac
    [ $rc1 = 2 ] && [ $rc2 = 2 ] && [ "$sum1" = "$sum2" ] && grep -q "$want" "$TMP/$f.err" &&
        [ ! -e "$TMP/$f.db-wal" ]
    check "refuse-$f" $? "rc $rc1/$rc2, $(head -n 1 "$TMP/$f.err")"
done

# --- date precision, and migrating a schema-1 store --------------------------------------------
printf '%s\n' '{"id":"prec-1","date":"2024-04-24","text":"In 2019, Japan condemned North Korea."}' \
    '{"id":"prec-2","date":"2024-04-24","text":"Earlier this month, Japan condemned North Korea."}' >"$TMP/prec.jsonl"
cp "$DB" "$TMP/prec.db"
"$BIN" code --quiet --dict "$DICT" --db "$TMP/prec.db" "$TMP/prec.jsonl" 2>"$TMP/prec.err"
p1=$(sqlite3 "$TMP/prec.db" "SELECT date || ' ' || date_precision FROM events WHERE first_story IN
    (SELECT id FROM stories WHERE story_id LIKE 'prec-%') ORDER BY date")
p2=$("$BIN" export --db "$TMP/prec.db" --format gdelt 2>&1 | awk -F '\t' '$2 ~ /^20(19|24)0[0-4]00$/ {print $2, $3}' | sort | tr '\n' ';')
[ "$p1" = "2019-01-01 year
2024-04-01 month" ] && [ "$p2" = "20190000 201900;20240400 202404;" ]
check date-precision $? "store: $(echo "$p1" | tr '\n' ';') gdelt: $p2 $(head -n 1 "$TMP/prec.err")"
# A schema-1 store (no date_precision): read as it is, migrated when opened for writing.
V1P=$TMP/v1-precision.db
sqlite3 "$V1P" <$FIX/v1.sql
old_events=$(sqlite3 "$V1P" 'SELECT count(*) FROM events')
n1=$("$BIN" query --db "$V1P" --format jsonl 2>"$TMP/v1p.err" | jq -r '.date_precision' | sort -u)
v1=$(sqlite3 "$V1P" 'PRAGMA user_version')
"$BIN" code --quiet --dict "$DICT" --db "$V1P" "$TMP/prec.jsonl" 2>>"$TMP/v1p.err"
v2=$(sqlite3 "$V1P" "SELECT (SELECT value FROM meta WHERE key = 'schema_version') ||
    (SELECT user_version FROM pragma_user_version) || ':' ||
    (SELECT count(*) FROM events WHERE date_precision IS NULL) || ':' ||
    (SELECT count(*) FROM events WHERE date_precision = 'year')")
[ "$n1" = day ] && [ "$v1" = 1 ] && [ "$v2" = "22:$old_events:1" ]
check migrate-1-to-2 $? "read: $n1, version $v1 -> $v2; $(head -n 1 "$TMP/v1p.err")"

# --- read-only -----------------------------------------------------------------------------
RO=$TMP/ro
mkdir "$RO"; cp "$DB" "$RO/events.db"; sqlite3 "$RO/events.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
rm -f "$RO/events.db-wal" "$RO/events.db-shm"
chmod 444 "$RO/events.db"; chmod 555 "$RO"; chmod 755 "$TMP"; chmod 644 "$DICT"
AS=
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1; then AS="setpriv --reuid=65534 --regid=65534 --clear-groups"; else AS=skip; fi
fi
if [ "$AS" = skip ]; then
    echo "skip $T/read-only (root without setpriv)"
else
    sum1=$(sha256sum <"$RO/events.db")
    $AS "$BIN" code --quiet --dict "$DICT" --db "$RO/events.db" $FIX/stories.jsonl >/dev/null 2>"$TMP/ro.err"
    rc1=$?
    $AS "$BIN" query --db "$RO/events.db" --actor JPN >"$TMP/ro.out" 2>>"$TMP/ro.err"
    rc2=$?
    sum2=$(sha256sum <"$RO/events.db")
    [ $rc1 = 2 ] && grep -q 'read-only' "$TMP/ro.err" && [ "$sum1" = "$sum2" ] && [ $rc2 = 0 ] &&
        [ "$(wc -l <"$TMP/ro.out")" -gt 1 ]
    check read-only $? "rc $rc1/$rc2: $(head -n 2 "$TMP/ro.err" | tr '\n' ' ')"
fi
chmod 755 "$RO"

# --- a write that fails half-way (file size limit: EFBIG, as a full disk) ------------------
FULL=$TMP/full.db
"$BIN" code --quiet --dict "$DICT" --db "$FULL" $FIX/stories.jsonl 2>/dev/null
sqlite3 "$FULL" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
before=$(counts "$FULL")
(trap '' XFSZ; ulimit -f 64; exec "$BIN" code --quiet --dict "$DICT" --db "$FULL" "$TMP/many.jsonl") \
    >/dev/null 2>"$TMP/full.err"
rc=$?
r=$(sqlite3 "$FULL" 'PRAGMA integrity_check' 2>&1)
s=$(sqlite3 "$FULL" 'SELECT count(*) FROM stories')
[ $rc = 2 ] && [ "$r" = ok ] && grep -q -i -e 'full' -e 'disk' -e 'I/O' "$TMP/full.err" &&
    [ $((s % 500)) -eq 7 ]
check write-failure-consistent $? "rc $rc, integrity $r, $s stories, $(head -n 1 "$TMP/full.err")"

# --- upgrading a store of schema version 1 --------------------------------------------------
# Read-only use leaves it as it is; the first write upgrades it in one transaction, keeping
# every story, event and count.
V1=$TMP/v1.db
sqlite3 "$V1" <$FIX/v1.sql
sum1=$(sha256sum <"$V1")
"$BIN" query --db "$V1" >/dev/null 2>&1 && [ "$sum1" = "$(sha256sum <"$V1")" ]
check v1-read-untouched $?
before=$(counts "$V1")
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$V1" $FIX/stories.jsonl 2>"$TMP/v1.err"
rc=$?
[ $rc = 0 ] && [ "$(sqlite3 "$V1" 'PRAGMA user_version')" = 2 ] &&
    [ "$(sqlite3 "$V1" "SELECT value FROM meta WHERE key = 'schema_version'")" = 2 ] &&
    [ "$(counts "$V1")" = "$before" ] && [ "$(sqlite3 "$V1" 'PRAGMA integrity_check')" = ok ] &&
    [ "$(sqlite3 "$V1" 'SELECT count(*) FROM events WHERE place_name IS NOT NULL AND place_story IS NULL')" = 0 ]
check v1-upgraded $? "rc $rc, $before -> $(counts "$V1"), $(head -n 1 "$TMP/v1.err")"

# --- issue 17 case 9: a story is its content and its own metadata, not the file's name ----------
# The same file as seed.txt, ./seed.txt, an absolute path or standard input was stored again
# each time, multiplying NumArticles, NumSources and NumMentions.
S9=$TMP/case9.db
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$S9" examples/seed-2024.txt 2>/dev/null
before=$(counts "$S9")
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$S9" ./examples/seed-2024.txt \
    "$(pwd)/examples/seed-2024.txt" 2>/dev/null
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$S9" - <examples/seed-2024.txt 2>/dev/null
cp examples/seed-2024.txt "$TMP/copy-of-seed.txt"
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$S9" "$TMP/copy-of-seed.txt" 2>/dev/null
[ "$(counts "$S9")" = "$before" ]
check case9-same-story-other-path $? "$before -> $(counts "$S9")"
# Two outlets' copies of one wire story stay two articles.
printf '{"id":"a-1","source":"Outlet A","url":"https://a.example/1","text":"Iran accused the United States of sabotage."}\n{"id":"b-7","source":"Outlet B","url":"https://b.example/7","text":"Iran accused the United States of sabotage."}\n' >"$TMP/two-outlets.jsonl"
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$TMP/outlets.db" "$TMP/two-outlets.jsonl" 2>/dev/null
[ "$(sqlite3 "$TMP/outlets.db" 'SELECT count(*), max(num_articles), max(num_sources) FROM stories, events')" = "2|2|2" ]
check case9-two-outlets-two-articles $? "$(sqlite3 "$TMP/outlets.db" 'SELECT count(*), max(num_articles), max(num_sources) FROM stories, events')"
# A store of version 1 (seed-2024.txt stored under an absolute path) is upgraded to the new
# identity: the same file under a relative path is known.
V9=$TMP/v1-case9.db
sqlite3 "$V9" <$FIX/v1.sql
before=$(counts "$V9")
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$V9" examples/seed-2024.txt $FIX/stories.jsonl 2>/dev/null
[ "$(counts "$V9")" = "$before" ]
check case9-upgraded-store-knows-its-stories $? "$before -> $(counts "$V9")"

# --- Goldstein without float noise, a missing target is NULL (issue 14, item 5) ----------------
# Goldstein was stored from the dictionary's float (1.9 as 1.89999997615814), so goldstein = 1.9
# matched nothing; a missing target was '' in the store and null in JSON Lines. Both for a new
# store and for one upgraded from version 1.
for db in "$DB" "$V1"; do
    g=$(sqlite3 "$db" "SELECT count(*) FROM events WHERE goldstein <> round(goldstein, 1)
        OR CAST(goldstein AS TEXT) GLOB '*[0-9][0-9][0-9][0-9][0-9]*'")
    t=$(sqlite3 "$db" "SELECT count(*) FROM events WHERE target = ''")
    [ "$g" = 0 ] && [ "$t" = 0 ]
    check "goldstein-and-null-target/$(basename "$db")" $? "$g noisy Goldstein, $t targets ''"
done
[ "$(sqlite3 "$V1" "SELECT count(*) FROM events WHERE goldstein = 1.9 AND code = '042'")" -gt 0 ]
check goldstein-equals-1.9 $?
# A source-only event: NULL in SQL, null in JSON, and a second story with it merges into it.
printf '{"id":"so-1","source":"X","text":"Iran protested."}\n{"id":"so-2","source":"Y","text":"Iran protested."}\n' >"$TMP/so.jsonl"
printf 'Iran protested.\n' >"$TMP/so.txt"
{ cat $FIX/dict.txt; echo 'protest | 141 |'; } >"$TMP/so-dict.txt"
"$BIN" dict build -o "$TMP/so.dict" data/cameo.txt "$TMP/so-dict.txt" >/dev/null 2>&1
"$BIN" code --quiet --dict "$TMP/so.dict" --date 2024-04-24 --db "$TMP/so.db" "$TMP/so.jsonl" "$TMP/so.txt" 2>/dev/null
n=$(sqlite3 "$TMP/so.db" "SELECT count(*) || ':' || max(num_articles) FROM events WHERE target IS NULL")
j=$("$BIN" query --db "$TMP/so.db" --format jsonl 2>/dev/null | jq -r 'select(.target == null) | .num_articles' | head -n 1)
[ "$n" = "1:3" ] && [ "$j" = 3 ]
check null-target-source-only $? "sql $n, json $j"

# --- query --text through the FTS5 index (issue 14) ------------------------------------------
# Every evidence sentence is indexed, in a new store, an upgraded one and after recode; words are
# words, never FTS5 syntax; a final * is a prefix.
fts_ok() { [ "$(sqlite3 "$1" 'SELECT count(*) FROM sentences')" = "$(sqlite3 "$1" 'SELECT count(*) FROM sentence_fts')" ] &&
    [ "$(sqlite3 "$1" "SELECT count(*) FROM sentence_fts WHERE sentence_fts MATCH 'iran*'")" = \
      "$(sqlite3 "$1" "SELECT count(*) FROM sentences WHERE ' ' || text LIKE '% iran%'")" ]; }
fts_ok "$DB" && fts_ok "$V1" && fts_ok "$TMP/recode.db"
check fts-index-complete $?
a=$("$BIN" query --db "$DB" --text 'sabot*' --format csv 2>&1 | wc -l)
b=$("$BIN" query --db "$DB" --text 'SABOTAGE' --format csv 2>&1 | wc -l)
[ "$a" -gt 1 ] && [ "$a" = "$b" ]
check fts-prefix $? "$a vs $b rows"
ok=1
for w in 'sabotage OR' '"' 'NEAR(iran' 'iran -united' 'col:iran' '*' 'iran^' "it's"; do
    out=$("$BIN" query --db "$DB" --text "$w" --format csv 2>&1); rc=$?
    [ $rc = 0 ] || { ok=0; echo "    --text '$w': rc $rc: $out" | head -n 2; }
done
[ $ok = 1 ]
check fts-no-syntax $?
"$BIN" query --db "$DB" --text "$(printf 'w%.0s' $(seq 1 150))" >/dev/null 2>"$TMP/long.err"
[ $? = 2 ] && grep -q 'at most 100 bytes' "$TMP/long.err"
check fts-long-word-message $? "$(head -n 1 "$TMP/long.err")"
! grep -n 'LIKE' src/sinks/store_query.c
check fts-no-like-scan $?
V1RO=$TMP/v1-ro.db
sqlite3 "$V1RO" <$FIX/v1.sql
"$BIN" query --db "$V1RO" --text iran >/dev/null 2>"$TMP/v1ro.err"
[ $? = 2 ] && grep -q 'version 2' "$TMP/v1ro.err" && [ "$(sqlite3 "$V1RO" 'PRAGMA user_version')" = 1 ]
check fts-old-store-says-upgrade $? "$(head -n 1 "$TMP/v1ro.err")"

# --- issue 17 case 12: two writers creating one new store at once -----------------------------
# The second printed 265 bytes of CREATE TABLE SQL and failed; both must succeed, and the store
# hold each story once.
bad=0
for i in 1 2 3 4 5; do
    rm -f "$TMP/race.db" "$TMP/race.db-wal" "$TMP/race.db-shm"
    "$BIN" code --quiet --dict "$DICT" --db "$TMP/race.db" $FIX/stories.jsonl 2>"$TMP/race1.err" &
    p1=$!
    "$BIN" code --quiet --dict "$DICT" --db "$TMP/race.db" $FIX/stories.jsonl 2>"$TMP/race2.err" &
    p2=$!
    wait $p1; r1=$?; wait $p2; r2=$?
    if [ $r1 != 0 ] || [ $r2 != 0 ] || [ -s "$TMP/race1.err" ] || [ -s "$TMP/race2.err" ] ||
        [ "$(sqlite3 "$TMP/race.db" 'SELECT count(*) FROM stories')" != 7 ]; then
        bad=$((bad + 1)); cat "$TMP/race1.err" "$TMP/race2.err" | head -n 2 | cut -c 1-160 | sed 's/^/    /'
    fi
done
[ $bad = 0 ]
check case12-concurrent-create $? "$bad of 5 races failed"

# --- issue 17 case 13: device paths, misleading messages, messages cut short -------------------
# A missing folder was reported as "read-only"; a device left PATH-journal behind; messages
# were cut at 255 bytes and image paths at 40 characters.
"$BIN" code --quiet --dict "$DICT" --db "$TMP/no-such-folder/x.db" $FIX/stories.jsonl 2>"$TMP/c13.err"
rc=$?
[ $rc = 2 ] && grep -q 'no such folder' "$TMP/c13.err" && ! grep -q 'read-only' "$TMP/c13.err"
check case13-missing-folder $? "rc $rc: $(head -n 1 "$TMP/c13.err")"
mkfifo "$TMP/fifo.db"
"$BIN" code --quiet --dict "$DICT" --db "$TMP/fifo.db" $FIX/stories.jsonl 2>"$TMP/c13.err" </dev/null
rc=$?
[ $rc = 2 ] && grep -q 'not a regular file' "$TMP/c13.err" && [ ! -e "$TMP/fifo.db-journal" ] &&
    [ ! -e "$TMP/fifo.db-wal" ] && [ -p "$TMP/fifo.db" ]
check case13-device-refused $? "rc $rc: $(head -n 1 "$TMP/c13.err")"
LONG=$TMP/$(printf 'a%.0s' $(seq 1 120))/$(printf 'b%.0s' $(seq 1 120))
"$BIN" code --quiet --dict "$DICT" --db "$LONG/end-of-the-name.db" $FIX/stories.jsonl 2>"$TMP/c13.err"
grep -q 'end-of-the-name.db: no such folder' "$TMP/c13.err"
check case13-long-message-whole $? "$(wc -c <"$TMP/c13.err") bytes: $(cut -c 1-80 "$TMP/c13.err")..."
mkdir -p "$LONG"
printf 'KHALDUN\0this is no image at all, only its magic bytes and some text to be long enough' >"$LONG/broken.dict"
head -c 4096 /dev/zero >>"$LONG/broken.dict"
"$BIN" code --quiet --dict "$LONG/broken.dict" $FIX/stories.jsonl >/dev/null 2>"$TMP/c13.err"
rc=$?
[ $rc = 2 ] && grep -q "$LONG/broken.dict" "$TMP/c13.err"
check case13-image-path-whole $? "rc $rc: $(cut -c 1-120 "$TMP/c13.err")"

# --- issue 17 case 14: a corrected --date reaches the stories already stored -------------------
# Stories coded with a wrong --date were known on the re-run and kept it; recode had no --date.
# A record's own date is never replaced.
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$TMP/right.db" examples/seed-2024.txt 2>/dev/null
"$BIN" code --quiet --dict "$DICT" --date 2020-01-01 --db "$TMP/redate.db" examples/seed-2024.txt 2>/dev/null
"$BIN" code --quiet --dict "$DICT" --date 2024-04-24 --db "$TMP/redate.db" examples/seed-2024.txt 2>"$TMP/c14.err"
rc=$?
dump "$TMP/right.db" >"$TMP/right.dump"; dump "$TMP/redate.db" >"$TMP/redate.dump"
[ $rc = 0 ] && cmp -s "$TMP/right.dump" "$TMP/redate.dump" && [ "$(counts "$TMP/redate.db")" = "$(counts "$TMP/right.db")" ] &&
    [ "$(sqlite3 "$TMP/redate.db" "SELECT count(*) FROM stories WHERE date = '2020-01-01'")" = 0 ]
check case14-code-corrected-date $? "rc $rc $(head -n 1 "$TMP/c14.err"); $(counts "$TMP/redate.db") vs $(counts "$TMP/right.db")"
"$BIN" code --quiet --dict "$DICT" --date 2020-01-01 --db "$TMP/redate2.db" examples/seed-2024.txt 2>/dev/null
"$BIN" recode --quiet --db "$TMP/redate2.db" --dict "$DICT" --date 2024-04-24 2>"$TMP/c14.err"
rc=$?
dump "$TMP/redate2.db" >"$TMP/redate2.dump"
[ $rc = 0 ] && cmp -s "$TMP/right.dump" "$TMP/redate2.dump"
check case14-recode-date $? "rc $rc $(head -n 1 "$TMP/c14.err")"
cp "$DB" "$TMP/own-dates.db"
before=$(sqlite3 "$TMP/own-dates.db" 'SELECT group_concat(date) FROM stories')
"$BIN" code --quiet --dict "$DICT" --date 2020-01-01 --db "$TMP/own-dates.db" $FIX/stories.jsonl 2>/dev/null
"$BIN" recode --quiet --db "$TMP/own-dates.db" --dict "$DICT" --date 2020-01-01 2>/dev/null
[ "$(sqlite3 "$TMP/own-dates.db" 'SELECT group_concat(date) FROM stories')" = "$before" ]
check case14-record-dates-kept $?

# --- GDELT Mentions from the store: character offsets, as `code --format gdelt` writes them -----
# The store keeps byte spans; export used to write them as bytes (and MentionDocLen in bytes), so
# a story with non-ASCII text before an actor got other offsets from the store than live.
printf '%s\n\n%s\n' 'Le président français — «très inquiet» — said on Monday that Russian troops attacked Ukrainian soldiers near Kharkiv.' \
    'Syrian forces shelled rebel positions in Idlib, état-major sources said.' >"$TMP/utf8.txt"
"$BIN" code --quiet --date 2024-04-24 --format gdelt --mentions "$TMP/live-m.tsv" "$TMP/utf8.txt" >/dev/null 2>&1
"$BIN" code --quiet --date 2024-04-24 --db "$TMP/utf8.db" "$TMP/utf8.txt" 2>/dev/null
"$BIN" export --db "$TMP/utf8.db" --format gdelt --mentions "$TMP/export-m.tsv" >/dev/null 2>&1
[ -s "$TMP/live-m.tsv" ] && cmp -s "$TMP/live-m.tsv" "$TMP/export-m.tsv"
check export-mentions-characters $? "$(diff "$TMP/live-m.tsv" "$TMP/export-m.tsv" 2>&1 | head -n 3 | tr '\n' ' ')"
