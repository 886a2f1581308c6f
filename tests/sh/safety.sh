#!/bin/sh
# tests/sh/safety.sh: khaldun never loses a user's data and never claims a success that did not
# happen (issue 17). Each case is an everyday mistake that used to destroy data or report a false
# success; each check is run as a user would run it, and the files involved are compared
# (sha256sum, row counts) before and after.
#   1. export's outputs over the store it reads (--events / --mentions = the store).
#   2. dict build -o / lex build -o over a source, a device or a pipe (the image writer).
#   3. --db '' (an unset variable) and --db :memory: reported stories as stored and kept none.
#   4. --db file:other.db (an SQLite URI) skipped the "not a khaldun store" check; a store that
#      fails PRAGMA quick_check was written into.
#   5. code --mentions FILE truncated FILE when it was an input; with standard output closed the
#      Mentions file took descriptor 1 and got the Events rows too, with a success summary.
#   6. an empty or comment-only dictionary was accepted: 0 events and exit 0; with --db the
#      stories were marked as stored, and recode deleted every event.
#   7. a dictionary line with more than 256 names or synset members lost the rest silently.
#   8. story text reached the terminal raw (ESC[2J, OSC 52) in query's table, explain, parse --pretty.
#  10. lone-CR line ends made a whole file one story; UTF-16 input was read as junk with exit 0.
#  15. --help and --version exited 0 on a full or closed standard output.
#  16. an endless line with no newline (/dev/zero) was read forever.
#  17. a NUL (\u0000) inside a JSON story cut the stored evidence sentence short of its spans.
#  19. query options: --limit -1, --root 1, a long --text word, stats' header before a failure,
#      undated events labelled "all" by stats --by week|month.
#  20. a .jsonl file whose first line is not an object was coded as plain text.
# Prints "ok NAME" / "FAIL NAME" / "skip NAME" lines for tests/run.sh.
# Never points a khaldun under test at a real device (/dev/null, /dev/stdout): a build with the
# old behaviour would replace it. Devices are made privately (mkfifo, mknod as root) in $TMP.
cd "$(dirname "$0")/../.." || exit 1
T=safety
. tests/sh/lib.sh
FIX=tests/fixtures/store
need_images lexicon.img
need_tools sqlite3 sha256sum
make_tmp
sum() { sha256sum "$1" 2>/dev/null | cut -c1-64; }
events() { sqlite3 "$1" "SELECT count(*) FROM events" 2>/dev/null; }

DICT=$TMP/fix.dict
if ! "$BIN" dict build -o "$DICT" data/cameo.txt $FIX/dict.txt >"$TMP/dict.out" 2>&1; then
    fail dict-build "$(head -n 3 "$TMP/dict.out")"; exit 0
fi
DB=$TMP/events.db
"$BIN" code --quiet --dict "$DICT" --db "$DB" $FIX/stories.jsonl 2>"$TMP/code.err"
N=$(events "$DB")
[ "${N:-0}" -gt 0 ]
check setup-store $? "$(head -n 3 "$TMP/code.err")"
sqlite3 "$DB" ".backup '$TMP/pristine.db'"
# A fresh copy of the store, so that each check starts from the same data.
fresh() { rm -f "$DB" "$DB-wal" "$DB-shm"; cp "$TMP/pristine.db" "$DB"; }

# --- 1. export over its own store ----------------------------------------------------------
# The output named the store: it was opened (and truncated) for writing before the store was
# read, which emptied the store. Now refused before anything is opened; the store is intact.
for opt in --events --mentions; do
    name=export${opt#-}-over-store
    fresh
    before=$(sum "$DB")
    "$BIN" export --db "$DB" --format gdelt $opt "$DB" >"$TMP/x.out" 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(sum "$DB")" = "$before" ] && [ "$(events "$DB")" = "$N" ] &&
        [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] && grep -q 'store' "$TMP/x.err"
    check "$name" $? "rc $rc, $(events "$DB") events of $N, $(head -n 1 "$TMP/x.err")"
done
# The same file named twice: both outputs would be written into one file.
fresh
"$BIN" export --db "$DB" --format gdelt --events "$TMP/same.tsv" --mentions "$TMP/same.tsv" \
    >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$TMP/same.tsv" ]
check export-same-file-twice $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# A folder is refused with a message, not half-written.
mkdir "$TMP/dir"
"$BIN" export --db "$DB" --format jsonl --events "$TMP/dir" >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && grep -q 'folder' "$TMP/x.err"
check export-to-folder $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# A regular file that exists is replaced only once the export is complete: same bytes as
# standard output, and a file still open by a reader keeps its old bytes.
echo old >"$TMP/out.tsv"
exec 3<"$TMP/out.tsv"
"$BIN" export --db "$DB" --format gdelt --events "$TMP/out.tsv" 2>"$TMP/x.err"
rc=$?
"$BIN" export --db "$DB" --format gdelt >"$TMP/stdout.tsv" 2>/dev/null
[ $rc -eq 0 ] && cmp -s "$TMP/out.tsv" "$TMP/stdout.tsv" && [ "$(cat <&3)" = old ]
check export-replaces-when-done $? "rc $rc, $(head -n 1 "$TMP/x.err")"
exec 3<&-
ls -a "$TMP" | grep -q 'out\.tsv\..' && fail export-no-temporary-left "$(ls -a "$TMP")" ||
    ok export-no-temporary-left

# --- 2. the image writer: dict build -o, lex build -o --------------------------------------
# It renamed a temporary over whatever was at PATH: a hand-written source became a binary image,
# a device or pipe became a regular file.
cp $FIX/dict.txt "$TMP/src.txt"
before=$(sum "$TMP/src.txt")
for spelling in src.txt ./src.txt; do
    cp $FIX/dict.txt "$TMP/src.txt"
    "$BIN" dict build -o "$TMP/$spelling" data/cameo.txt "$TMP/src.txt" >"$TMP/x.out" 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(sum "$TMP/src.txt")" = "$before" ] && grep -q 'source' "$TMP/x.err"
    check "dict-build-over-its-source ($spelling)" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
done
cp $FIX/dict.txt "$TMP/src.txt"
ln "$TMP/src.txt" "$TMP/hard.txt"
"$BIN" dict build -o "$TMP/hard.txt" data/cameo.txt "$TMP/src.txt" >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ "$(sum "$TMP/src.txt")" = "$before" ]
check dict-build-over-a-hard-link-of-its-source $? "rc $rc, $(head -n 1 "$TMP/x.err")"
cp $FIX/dict.txt "$TMP/src.txt"
"$BIN" dict build -o "$TMP/dir" data/cameo.txt "$TMP/src.txt" >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ -d "$TMP/dir" ] && grep -q folder "$TMP/x.err"
check dict-build-to-folder $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# A named pipe is written, not replaced: the reader gets the image.
mkfifo "$TMP/pipe"
cat "$TMP/pipe" >"$TMP/from-pipe" &
reader=$!
"$BIN" dict build -o "$TMP/pipe" data/cameo.txt $FIX/dict.txt >/dev/null 2>"$TMP/x.err"
rc=$?
# The reader waits for a writer: stop it when none came (refused, or the pipe was replaced).
{ [ $rc -ne 0 ] || [ ! -p "$TMP/pipe" ]; } && kill $reader 2>/dev/null
wait $reader 2>/dev/null
pipe_ok=1
[ $rc -eq 0 ] && [ -p "$TMP/pipe" ] && cmp -s "$TMP/from-pipe" "$DICT" || pipe_ok=0
check dict-build-to-a-pipe $((1 - pipe_ok)) "rc $rc, $(head -n 1 "$TMP/x.err")"
# A character device (a private null device made as root) stays a device.
if [ "$(id -u)" = 0 ] && mknod "$TMP/null" c 1 3 2>/dev/null; then
    "$BIN" dict build -o "$TMP/null" data/cameo.txt $FIX/dict.txt >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 0 ] && [ -c "$TMP/null" ]
    check dict-build-to-a-device $? "rc $rc, $(ls -l "$TMP/null")"
    rm -f "$TMP/null"
else
    echo "skip $T/dict-build-to-a-device (needs root and mknod)"
fi
# Standard output by name, only with a build that passed the pipe check (an old build would
# replace the /dev/stdout link of the machine).
if [ $pipe_ok = 1 ]; then
    "$BIN" dict build -o /dev/stdout data/cameo.txt $FIX/dict.txt >"$TMP/stdout.dict" 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 0 ] && cmp -s "$TMP/stdout.dict" "$DICT" && [ -L /dev/stdout ]
    check dict-build-to-stdout $? "rc $rc, $(head -n 1 "$TMP/x.err")"
fi
# lex build shares the writer: its output cannot be one of the WordNet files it reads.
cp -r tests/fixtures/wordnet "$TMP/wn"
before=$(sum "$TMP/wn/index.noun")
"$BIN" lex build --wordnet "$TMP/wn" --closed tests/fixtures/lexicon -o "$TMP/wn/index.noun" \
    >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ "$(sum "$TMP/wn/index.noun")" = "$before" ]
check lex-build-over-its-input $? "rc $rc, $(head -n 1 "$TMP/x.err")"

# --- 3. a store that is not a file ---------------------------------------------------------
# SQLite opens "" as a private temporary database and ":memory:" in memory: the run reported
# "2 added ... now holds 2 stories" and exit 0, and nothing was kept.
printf 'Iran accused the United States of sabotage.\n\nJapan visited the United States.\n' >"$TMP/two.txt"
mkdir "$TMP/cwd"
for name in "" ":memory:"; do
    label=${name:-empty}; [ "$name" = ":memory:" ] && label=memory
    (cd "$TMP/cwd" && "$BIN" code --dict "$DICT" --db "$name" "$TMP/two.txt") >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && ! grep -q 'now holds' "$TMP/x.err" && [ -z "$(ls -A "$TMP/cwd")" ]
    check "code-db-$label-refused" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
    (cd "$TMP/cwd" && "$BIN" query --db "$name") >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ]
    check "query-db-$label-refused" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
done

# --- 4. URIs and damaged stores: checked before any write -----------------------------------
# "file:NAME" is an SQLite URI: the check looked for a file called "file:other.db", found none,
# and SQLite then opened other.db, switched it to WAL, overwrote its application_id and added
# khaldun's tables. Another program's database must be left byte for byte as it was.
mkdir "$TMP/uri"
for name in file:other.db "file:other.db?mode=rwc"; do
    rm -f "$TMP/uri/"*
    sqlite3 "$TMP/uri/other.db" "CREATE TABLE t(a); INSERT INTO t VALUES (1)"
    before=$(sum "$TMP/uri/other.db")
    (cd "$TMP/uri" && "$BIN" code --dict "$DICT" --db "$name" "$TMP/two.txt") >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(sum "$TMP/uri/other.db")" = "$before" ] &&
        [ "$(sqlite3 "$TMP/uri/other.db" 'PRAGMA journal_mode')" = delete ] &&
        [ "$(ls "$TMP/uri")" = other.db ]
    check "code-db-uri-refused ($name)" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
done
# A file whose name begins with "file:" is reached by its path.
(cd "$TMP/uri" && "$BIN" code --quiet --dict "$DICT" --db ./file:new.db "$TMP/two.txt") 2>"$TMP/x.err"
rc=$?
[ $rc -eq 0 ] && [ "$(events "$TMP/uri/file:new.db")" -gt 0 ]
check code-db-file-colon-path $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# A store that fails quick_check (here: its meta table's page, which ingestion never reads) is
# refused before anything is written, by code --db and recode alike.
fresh
root=$(sqlite3 "$DB" "SELECT rootpage FROM sqlite_master WHERE name = 'meta'")
psize=$(sqlite3 "$DB" "PRAGMA page_size")
printf '\377\377\377\377' | dd of="$DB" bs=1 seek=$(( (root - 1) * psize + 8 )) conv=notrunc 2>/dev/null
if [ "$(sqlite3 "$DB" 'PRAGMA quick_check' 2>&1 | head -n 1)" = ok ]; then
    fail damaged-store-setup "quick_check passes on the damaged copy"
else
    before=$(sum "$DB")
    printf 'Russia threatened Japan.\n' >"$TMP/r.txt"
    "$BIN" code --dict "$DICT" --db "$DB" "$TMP/r.txt" >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(sum "$DB")" = "$before" ] && grep -q quick_check "$TMP/x.err"
    check code-db-damaged-store-refused $? "rc $rc, $(head -n 1 "$TMP/x.err")"
    "$BIN" recode --db "$DB" --dict "$DICT" >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(sum "$DB")" = "$before" ]
    check recode-damaged-store-refused $? "rc $rc, $(head -n 1 "$TMP/x.err")"
fi

# --- 5. code --mentions: inputs, and a closed standard output --------------------------------
printf 'Iran accused the United States of sabotage.\n' >"$TMP/in1.txt"
printf 'Russia threatened Japan.\n' >"$TMP/in2.txt"
before=$(sum "$TMP/in2.txt")
for spelling in in2.txt ./in2.txt; do
    "$BIN" code --format gdelt --dict "$DICT" --mentions "$TMP/$spelling" "$TMP/in1.txt" \
        "$TMP/in2.txt" >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(sum "$TMP/in2.txt")" = "$before" ] && grep -q input "$TMP/x.err"
    check "code-mentions-over-an-input ($spelling)" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
done
# Mentions into the file that is also standard output: the two tables would mix.
"$BIN" code --format gdelt --dict "$DICT" --mentions "$TMP/both.tsv" "$TMP/in1.txt" \
    >"$TMP/both.tsv" 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ]
check code-mentions-is-stdout $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# Standard output closed: an error, and no Mentions file with Events rows in it.
rm -f "$TMP/m.tsv"
"$BIN" code --format gdelt --dict "$DICT" --mentions "$TMP/m.tsv" "$TMP/in1.txt" >&- 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$TMP/m.tsv" ] && ! grep -q 'written' "$TMP/x.err"
check code-stdout-closed $? "rc $rc, $(head -n 1 "$TMP/x.err"), $(wc -l 2>/dev/null <"$TMP/m.tsv") rows in m.tsv"
fresh
rm -f "$TMP/m.tsv"
"$BIN" export --db "$DB" --format gdelt --mentions "$TMP/m.tsv" >&- 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$TMP/m.tsv" ]
check export-stdout-closed $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# Every descriptor closed but stderr: still no file takes descriptor 0 or 1.
"$BIN" code --format gdelt --dict "$DICT" --mentions "$TMP/m.tsv" "$TMP/in1.txt" <&- >&- 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$TMP/m.tsv" ]
check code-stdin-stdout-closed $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# Standard input closed: reading it is an error, not an empty input coded with success.
"$BIN" code --dict "$DICT" <&- >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
[ $rc -ne 0 ] && grep -q 'standard input\|-: ' "$TMP/x.err"
check code-stdin-closed $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# And with everything open, --mentions still writes its table (and only it).
"$BIN" code --format gdelt --dict "$DICT" --mentions "$TMP/m.tsv" "$TMP/in1.txt" \
    >"$TMP/e.tsv" 2>"$TMP/x.err"
rc=$?
[ $rc -eq 0 ] && [ "$(awk -F'\t' '{print NF}' "$TMP/m.tsv" | sort -u)" = 16 ] &&
    [ "$(awk -F'\t' '{print NF}' "$TMP/e.tsv" | sort -u)" = 61 ]
check code-mentions-written $? "rc $rc, $(head -n 1 "$TMP/x.err")"

# --- 6. empty dictionaries --------------------------------------------------------------------
: >"$TMP/empty.txt"
printf '# only comments\n\n   # and blank lines\n[actors]\n' >"$TMP/comments.txt"
for src in empty comments; do
    "$BIN" dict build -o "$TMP/$src.dict" "$TMP/$src.txt" >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 1 ] && [ ! -e "$TMP/$src.dict" ] && grep -q "$src.txt" "$TMP/x.err"
    check "dict-build-$src-source" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
    "$BIN" dict check "$TMP/$src.txt" >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 1 ] && grep -q "$src.txt" "$TMP/x.err" && ! grep -q 'no errors' "$TMP/x.err"
    check "dict-check-$src-source" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
    # As sources given to code: built on the fly, refused the same way.
    "$BIN" code --dict "$TMP/$src.txt" "$TMP/in1.txt" >"$TMP/x.out" 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && [ ! -s "$TMP/x.out" ]
    check "code-dict-$src-source" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
done
# An image that can code nothing (the CAMEO code table alone: no verb patterns, no actors).
"$BIN" dict build -o "$TMP/codes.dict" data/cameo.txt >/dev/null 2>&1
"$BIN" code --dict "$TMP/codes.dict" "$TMP/in1.txt" >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$TMP/x.out" ] && grep -q codes.dict "$TMP/x.err"
check code-empty-image $? "rc $rc, $(head -n 1 "$TMP/x.err")"
"$BIN" explain --dict "$TMP/codes.dict" -e "Iran accused the United States." >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ]
check explain-empty-image $? "rc $rc, $(head -n 1 "$TMP/x.err")"
# With --db nothing is marked as stored: the re-run with the right dictionary codes the stories.
rm -f "$TMP/e.db"
"$BIN" code --quiet --dict "$TMP/codes.dict" --db "$TMP/e.db" "$TMP/in1.txt" 2>"$TMP/x.err"
rc=$?
"$BIN" code --quiet --dict "$DICT" --db "$TMP/e.db" "$TMP/in1.txt" 2>/dev/null
[ $rc -eq 2 ] && [ "$(events "$TMP/e.db")" -gt 0 ]
check code-db-empty-image $? "rc $rc, $(events "$TMP/e.db") events after the re-run, $(head -n 1 "$TMP/x.err")"
# recode with it deleted every event; now refused, the store unchanged.
fresh
before=$(sum "$DB")
"$BIN" recode --db "$DB" --dict "$TMP/codes.dict" >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ "$(events "$DB")" = "$N" ] && [ "$(sum "$DB")" = "$before" ]
check recode-empty-image $? "rc $rc, $(events "$DB") events of $N, $(head -n 1 "$TMP/x.err")"

# --- 7. long lists in one dictionary line -----------------------------------------------------
# Every name of a 300-name actor line, every member of a 300-member synset and every demonym of
# a 300-demonym country resolves; a line past the hard limit is an error at FILE:LINE:COL.
{
    echo '[countries]'
    printf 'ZZZ | Zedland | '; for i in $(seq 1 299); do printf 'Zedder%d; ' "$i"; done; echo 'Zedlander'
    echo '[actors]'
    for i in $(seq 1 299); do printf 'Name%d; ' "$i"; done; echo 'Last Person | ZZZGOV'
    echo '[synsets]'
    printf '&BIG | '; for i in $(seq 1 299); do printf 'gadget%d; ' "$i"; done; echo 'widget'
    echo '[verbs]'
    echo 'provide $T with &BIG | 070 |'
} >"$TMP/long.txt"
"$BIN" dict build -o "$TMP/long.dict" data/cameo.txt "$TMP/long.txt" >/dev/null 2>"$TMP/x.err"
rc=$?
"$BIN" dict lookup --image "$TMP/long.dict" Name1 Name256 Name257 Name299 "Last Person" Zedder257 \
    Zedlander gadget257 widget >"$TMP/x.out" 2>&1
lrc=$?
[ $rc -eq 0 ] && [ $lrc -eq 0 ] && ! grep -q '	-	-	-' "$TMP/x.out" &&
    [ "$(grep -c '	actor	ZZZGOV	' "$TMP/x.out")" = 5 ] &&
    [ "$(grep -c '	demonym	ZZZ	' "$TMP/x.out")" = 2 ] &&
    [ "$(grep -c '	synset	' "$TMP/x.out")" = 2 ]
check dict-long-lists-kept $? "rc $rc/$lrc, $(grep '	-	-	-' "$TMP/x.out" | cut -f1 | tr '\n' ' ')"
"$BIN" dict check data/cameo.txt "$TMP/long.txt" >/dev/null 2>"$TMP/x.err"
check dict-check-long-lists $? "$(head -n 1 "$TMP/x.err")"
# Past the hard limit: an error that names the line and column, and no image.
{
    echo '[actors]'
    awk 'BEGIN { for (i = 1; i <= 70000; i++) printf "N%d; ", i; print "Zed | ZZZ" }'
} >"$TMP/huge.txt"
"$BIN" dict check data/cameo.txt "$TMP/huge.txt" >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -eq 1 ] && grep -q "huge.txt:2:[0-9][0-9]*: " "$TMP/x.err" && ! grep -q 'no errors' "$TMP/x.err"
check dict-list-over-the-limit $? "rc $rc, $(head -n 1 "$TMP/x.err" | cut -c1-160)"

# --- 8. story text on a terminal ----------------------------------------------------------------
# Escape sequences inside a story (clear screen, OSC 52 that writes the clipboard, a C1 CSI) were
# printed raw by every human-readable output. Now each control character is shown escaped.
printf '%s\n' '{"id":"esc\u001b[2Jid","date":"2024-01-02","text":"Iran accused the United States of sabotage \u001b[2J\u001b]52;c;aGk=\u0007\u009b31m on Monday."}' >"$TMP/esc.jsonl"
rm -f "$TMP/esc.db"
"$BIN" code --quiet --dict "$DICT" --db "$TMP/esc.db" "$TMP/esc.jsonl" 2>/dev/null
# no C0 control but newline, no DEL, no UTF-8-encoded C1 control (U+0080..U+009F)
raw_controls() { LC_ALL=C tr -d '\n' <"$1" | LC_ALL=C grep -c "$(printf '[\001-\037\177]\\|\302[\200-\237]')"; }
for cmd in query explain parse; do
    case $cmd in
    query) "$BIN" query --db "$TMP/esc.db" >"$TMP/t.out" 2>"$TMP/x.err" ;;
    explain) "$BIN" explain --dict "$DICT" "$TMP/esc.jsonl" >"$TMP/t.out" 2>"$TMP/x.err" ;;
    parse) "$BIN" parse --pretty "$TMP/esc.jsonl" >"$TMP/t.out" 2>"$TMP/x.err" ;;
    esac
    rc=$?
    [ $rc -eq 0 ] && [ "$(raw_controls "$TMP/t.out")" = 0 ] && grep -q "Iran accused the United States" "$TMP/t.out" &&
        grep -qF '\x1b[2J' "$TMP/t.out"
    check "terminal-escapes-$cmd" $? "rc $rc, $(raw_controls "$TMP/t.out") lines with raw controls"
done

# --- 10. line ends and encodings ---------------------------------------------------------------
# Old Mac exports end lines with a lone CR: the same stories and events as with LF.
tr '\n' '\r' <examples/seed-2024.txt >"$TMP/seed-cr.txt"
"$BIN" code --dict "$DICT" --date 2024-04-24 examples/seed-2024.txt >"$TMP/lf.out" 2>"$TMP/lf.err"
"$BIN" code --dict "$DICT" --date 2024-04-24 "$TMP/seed-cr.txt" >"$TMP/cr.out" 2>"$TMP/cr.err"
rc=$?
[ $rc -eq 0 ] && [ "$(tail -n 1 "$TMP/lf.err")" = "$(tail -n 1 "$TMP/cr.err" | sed "s#$TMP/seed-cr.txt#x#")" ] ||
    [ $rc -eq 0 ] && [ "$(tail -n 1 "$TMP/cr.err")" = "$(tail -n 1 "$TMP/lf.err")" ]
check text-lone-cr $? "rc $rc, LF: $(tail -n 1 "$TMP/lf.err"); CR: $(tail -n 1 "$TMP/cr.err")"
tr '\n' '\r' <tests/golden/read/tabari-basic.in >"$TMP/tabari-cr.txt"
"$BIN" read --no-tokens tests/golden/read/tabari-basic.in 2>/dev/null | wc -l >"$TMP/lf.n"
"$BIN" read --no-tokens "$TMP/tabari-cr.txt" 2>/dev/null | wc -l >"$TMP/cr.n"
[ "$(cat "$TMP/lf.n")" -gt 1 ] && cmp -s "$TMP/lf.n" "$TMP/cr.n"
check tabari-lone-cr $? "$(cat "$TMP/lf.n") records with LF, $(cat "$TMP/cr.n") with CR"
# UTF-16 with a byte order mark (both orders): refused with a clear message and exit 1.
printf '\377\376' >"$TMP/u16le.txt"
printf 'Iran accused the United States of sabotage.\n' | sed 's/./&\n/g' | tr -d '\n' | od -An -c >/dev/null
printf 'I\0s\0r\0a\0e\0l\0 \0a\0t\0t\0a\0c\0k\0e\0d\0 \0G\0a\0z\0a\0.\0\n\0' >>"$TMP/u16le.txt"
printf '\376\377\0I\0s\0r\0a\0e\0l\0 \0a\0t\0t\0a\0c\0k\0e\0d\0 \0G\0a\0z\0a\0.\0\n' >"$TMP/u16be.txt"
for f in u16le u16be; do
    "$BIN" code --dict "$DICT" "$TMP/$f.txt" >"$TMP/x.out" 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 1 ] && [ ! -s "$TMP/x.out" ] && grep -q "$f.txt:1: .*UTF-16" "$TMP/x.err"
    check "utf16-refused-${f#u16}" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
done

# --- 15. help and version on a full or closed standard output ----------------------------------
for args in --help --version "code --help" "query --help" "dict --help"; do
    name=$(echo "$args" | tr -d ' -')
    # shellcheck disable=SC2086
    "$BIN" $args >/dev/full 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && grep -q 'No space left' "$TMP/x.err"
    check "full-stdout-$name" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
    # shellcheck disable=SC2086
    "$BIN" $args >&- 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 2 ] && grep -q 'standard output is closed' "$TMP/x.err"
    check "closed-stdout-$name" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
done

# --- 16. an endless line ---------------------------------------------------------------------
# /dev/zero has no newline: the line limit ends the reading (the timeout only stops a build that
# reads forever; nothing here measures time).
for cmd in read code; do
    timeout 60 "$BIN" $cmd --max-line 64k /dev/zero >"$TMP/x.out" 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 1 ] && grep -q '/dev/zero:1: .*line' "$TMP/x.err" && [ ! -s "$TMP/x.out" ]
    check "endless-line-$cmd" $? "rc $rc, $(grep -v warning "$TMP/x.err" | head -n 1)"
done
# From a pipe, and the next file is still read.
printf 'Iran accused the United States of sabotage.\n' >"$TMP/ok.txt"
head -c 200000000 /dev/zero | timeout 60 "$BIN" code --max-line 1m --dict "$DICT" - "$TMP/ok.txt" \
    >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
[ $rc -eq 1 ] && grep -q "USA" "$TMP/x.out"
check endless-line-then-next-file $? "rc $rc, $(grep -v warning "$TMP/x.err" | head -n 1)"

# --- 17. NUL inside a JSON story -------------------------------------------------------------
printf '%s\n' '{"id":"n1","date":"2024-01-02","text":"Iran accused the United States of sabotage\u0000 on Monday, officials said."}' >"$TMP/nul.jsonl"
rm -f "$TMP/nul.db"
"$BIN" code --quiet --dict "$DICT" --db "$TMP/nul.db" "$TMP/nul.jsonl" 2>"$TMP/x.err"
"$BIN" query --db "$TMP/nul.db" --format jsonl --evidence >"$TMP/x.out" 2>>"$TMP/x.err"
slen=$(sqlite3 "$TMP/nul.db" "SELECT length(text) FROM sentences LIMIT 1" 2>/dev/null)
[ "${slen:-0}" -ge 70 ] && grep -q 'on Monday, officials said' "$TMP/x.out"
check nul-in-json-evidence $? "stored sentence $slen bytes of 70, $(head -n 1 "$TMP/x.err")"

# --- 19. query options -----------------------------------------------------------------------
fresh
"$BIN" query --db "$DB" --limit -1 >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$TMP/x.out" ] && grep -q 'limit' "$TMP/x.err"
check query-limit-negative $? "rc $rc, $(head -n 1 "$TMP/x.err")"
"$BIN" query --db "$DB" --root 4 --format csv >"$TMP/r1.out" 2>&1
"$BIN" query --db "$DB" --root 04 --format csv >"$TMP/r01.out" 2>&1
[ "$(wc -l <"$TMP/r01.out")" -gt 1 ] && cmp -s "$TMP/r1.out" "$TMP/r01.out"
check query-root-one-digit $? "$(wc -l <"$TMP/r1.out") lines for --root 4, $(wc -l <"$TMP/r01.out") for 04"
"$BIN" query --db "$DB" --root 21 >/dev/null 2>"$TMP/x.err"
[ $? -eq 2 ]
check query-root-out-of-range $? "$(head -n 1 "$TMP/x.err")"
long=$(printf 'w%.0s' $(seq 1 200))
"$BIN" query --db "$DB" --text "$long" >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && ! grep -q '16 words' "$TMP/x.err" && grep -q 'word' "$TMP/x.err" && [ ! -s "$TMP/x.out" ]
check query-text-long-word $? "rc $rc, $(head -n 1 "$TMP/x.err")"
"$BIN" stats --db "$DB" --text "$long" >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
[ $rc -eq 2 ] && [ ! -s "$TMP/x.out" ]
check stats-no-header-on-failure $? "rc $rc, $(head -c 80 "$TMP/x.out")"
cp "$DB" "$TMP/undated.db"
printf 'Iran accused the United States of sabotage.\n' >"$TMP/undated.txt"
"$BIN" code --quiet --dict "$DICT" --db "$TMP/undated.db" "$TMP/undated.txt" 2>/dev/null
ok_by=0
for by in day week month year; do
    "$BIN" stats --db "$TMP/undated.db" --by $by >"$TMP/x.out" 2>&1
    grep -q '^undated ' "$TMP/x.out" && ! grep -q '^all ' "$TMP/x.out" || ok_by=1
done
"$BIN" stats --db "$TMP/undated.db" >"$TMP/x.out" 2>&1
grep -q '^all ' "$TMP/x.out" || ok_by=1
check stats-undated-label $ok_by "$(grep -c '^all ' "$TMP/x.out") rows labelled all"

# --- 20. a .jsonl file that does not begin with an object ------------------------------------
for first in '[1,2]' 'Plain words, not JSON.' '"a string"'; do
    { echo "$first"; echo '{"id":"j2","text":"Iran accused the United States of sabotage."}'; } >"$TMP/bad.jsonl"
    "$BIN" code --dict "$DICT" "$TMP/bad.jsonl" >"$TMP/x.out" 2>"$TMP/x.err"
    rc=$?
    [ $rc -eq 1 ] && grep -q 'bad.jsonl:1: ' "$TMP/x.err" && ! grep -qF "$first" "$TMP/x.out" &&
        grep -q '"story":"j2"' "$TMP/x.out"
    check "jsonl-first-line-$(echo "$first" | cut -c1-3 | tr -c 'a-zA-Z0-9\n' _)" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
done

# --- 21. dict check: one name, two codes; &NAME inside a synset ------------------------------
# "Smith" names two actors with different codes: which code a story gets depended on the order
# of the entries, silently. "&WEAPON" inside a synset was taken as the literal word "&WEAPON".
{
    echo '[actors]'
    echo 'John Smith; Smith | USAGOV'
    echo 'Adam Smith; Smith | GBRGOV'
    echo 'Jane Roe; Roe | USAGOV'
    echo 'Roe | USAGOV'
    echo '[synsets]'
    echo '&ARMS | gun; &WEAPON; rifle'
} >"$TMP/amb.txt"
"$BIN" dict check data/cameo.txt "$TMP/amb.txt" >"$TMP/x.out" 2>"$TMP/x.err"
rc=$?
[ $rc -eq 0 ] && grep -q "amb.txt:3:[0-9]*: warning: .*'Smith'.*USAGOV.*amb.txt:2" "$TMP/x.err" &&
    ! grep -q "'Roe'" "$TMP/x.err"
check dict-check-name-two-codes $? "rc $rc, $(grep Smith "$TMP/x.err" | head -n 1)"
[ $rc -eq 0 ] && grep -q "amb.txt:7:[0-9]*: warning: .*&WEAPON" "$TMP/x.err"
check dict-check-synset-in-synset $? "rc $rc, $(grep -v Smith "$TMP/x.err" | head -n 1)"

# --- 18. -j is capped at a sane multiple of the cores ---------------------------------------
# -j 256 on a 2-core machine started 256 coding threads, each with its scratch (1.27 GB).
"$BIN" code --stats -j 256 --dict "$DICT" $FIX/stories.jsonl >/dev/null 2>"$TMP/x.err"
rc=$?
cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
used=$(sed -n 's/.*threads=\([0-9]*\).*/\1/p' "$TMP/x.err" | head -n 1)
[ $rc -eq 0 ] && [ -n "$used" ] && [ "$used" -le $((4 * cores)) ] && grep -q -- '-j 256' "$TMP/x.err"
check jobs-capped $? "rc $rc, $used threads on $cores cores, $(grep -v stats "$TMP/x.err" | head -n 1)"
# query --evidence and export held every mention of an event in memory at once (480 MB for a
# million). Here 300,000 mentions of one event: the peak stays under 64 MB (it was 200 MB),
# and the output still holds every one of them.
# Measured in the plain build only: ASan's quarantine keeps freed memory (KHALDUN_HEAVY=0 there).
if [ "${KHALDUN_HEAVY:-1}" = 0 ]; then
    echo "# $T: evidence-streamed measures memory in the plain build only"
elif [ -x /usr/bin/time ]; then
    fresh
    sqlite3 "$DB" "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000)
        INSERT INTO mentions(event, story, sentence, kind, text_off, text_len, source_off,
        source_len, target_off, target_len, verb_off, verb_len, pattern)
        SELECT m.event, m.story, m.sentence, m.kind, m.text_off, m.text_len, m.source_off,
        m.source_len, m.target_off, m.target_len, m.verb_off, m.verb_len, m.pattern
        FROM c, (SELECT * FROM mentions ORDER BY id LIMIT 1) m;
        UPDATE events SET num_mentions = (SELECT count(*) FROM mentions WHERE event = events.id);" 2>"$TMP/x.err"
    want=$(sqlite3 "$DB" "SELECT count(*) FROM mentions")
    for cmd in query export; do
        if [ $cmd = query ]; then
            /usr/bin/time -f %M -o "$TMP/rss" "$BIN" query --db "$DB" --format jsonl --evidence >"$TMP/x.out" 2>"$TMP/x.err"
        else
            /usr/bin/time -f %M -o "$TMP/rss" "$BIN" export --db "$DB" --format gdelt --events "$TMP/e.tsv" --mentions "$TMP/x.out" 2>"$TMP/x.err"
        fi
        rc=$?
        if [ $cmd = query ]; then got=$(grep -o '"story":' "$TMP/x.out" | wc -l); else got=$(wc -l <"$TMP/x.out"); fi
        rss=$(tail -n 1 "$TMP/rss")
        [ $rc -eq 0 ] && [ "$rss" -lt 64000 ] && [ "$got" = "$want" ]
        check "evidence-streamed-$cmd" $? "rc $rc, peak $rss KB, $got of $want mentions, $(head -n 1 "$TMP/x.err")"
    done
else
    fail evidence-streamed "no /usr/bin/time (tools/setup.sh installs the time package)"
fi
