#!/bin/sh
# tests/sh/torture.sh: every subcommand under the failures a user's machine throws at it, in the
# spirit of SQLite's torture tests (issue 17). Asserted: a non-zero exit for every failure, no
# output file half-written or replaced by a failed run, and, after a kill or a full disk, that
# resuming gives a store identical to an uninterrupted run (a dump of khaldun's tables).
#   kill       SIGKILL at random moments of code --db, recode, export, dict build, merge, then
#              resume;
#   disk full  a small tmpfs when root may mount one, else a size-limited loop file, else
#              `ulimit -f` (writes fail with EFBIG): code --db, merge, code --mentions, export,
#              dict build, lex build (TORTURE_DISK=tmpfs|loop|ulimit picks one);
#   stdout     /dev/full and a closed standard output for every subcommand that prints;
#   inputs     an unreadable file (as nobody when root), a folder as a file, a read-only store
#              and a read-only folder for an image.
# Heavy: runs in the plain build only (KHALDUN_HEAVY=0, set by `make asan` and `make ubsan`,
# turns it off with a comment line, neither a pass nor a skip). Random moments come from
# TORTURE_SEED (default: the clock), printed so that a failure can be replayed. Nothing here
# measures time; the sleeps only choose when the kills land.
# Prints "ok NAME" / "FAIL NAME" / "skip NAME" lines for tests/run.sh.
cd "$(dirname "$0")/../.." || exit 1
T=torture
if [ "${KHALDUN_HEAVY:-1}" = 0 ]; then echo "# $T: heavy tests off in this build (KHALDUN_HEAVY=0)"; exit 0; fi
. tests/sh/lib.sh
FIX=tests/fixtures/store
need_images lexicon.img
need_tools sqlite3 jq cmp
TMP=$(mktemp -d)
MNT=
cleanup() {
    [ -n "$MNT" ] && umount "$MNT" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
chmod 755 "$TMP" # the unreadable-input checks run as nobody when root
SEED=${TORTURE_SEED:-$(date +%s)}
echo "# $T: TORTURE_SEED=$SEED"
# next_delay: DELAY becomes a pseudo-random 0.00 to 0.99 seconds from the seed (a small LCG, so
# that the shell needs no $RANDOM; called directly, never in $(...), so the seed moves on).
next_delay() {
    SEED=$(( (SEED * 1103515245 + 12345) % 2147483648 ))
    r=$(( SEED / 65536 % 100 ))
    DELAY=$(printf '%d.%02d' $((r / 100)) $((r % 100)))
}

# The store's contents, without row ids (a resumed run may number rows differently).
dump() {
    sqlite3 "$1" "
SELECT 'story', story_id, date, title, publisher, url, dateline, source_file, line, input_offset,
    raw, content_hash, dict_hash, src_key, units, captions, hex(text) FROM stories ORDER BY content_hash;
SELECT 'sentence', st.content_hash, s.idx, s.kind, s.off, s.len, s.text FROM sentences s
    JOIN stories st ON st.id = s.story ORDER BY 2, 3;
SELECT 'event', date, source, target, code, root, quad, goldstein, name, source_name, target_name,
    flags, place_name, place_country, place_admin1, place_lat, place_lon, place_type, place_feature,
    num_mentions, num_sources, num_articles,
    (SELECT content_hash FROM stories WHERE id = first_story), dict_hash
    FROM events ORDER BY date, source, target, code;
SELECT 'mention', e.date, e.source, e.target, e.code, st.content_hash, m.sentence, m.kind,
    m.text_off, m.text_len, m.source_off, m.source_len, m.target_off, m.target_len, m.verb_off,
    m.verb_len, m.pattern FROM mentions m JOIN events e ON e.id = m.event
    JOIN stories st ON st.id = m.story ORDER BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
SELECT 'source', e.date, e.source, e.target, e.code, s.src FROM event_sources s
    JOIN events e ON e.id = s.event ORDER BY 2, 3, 4, 5, 6;
SELECT 'meta', key, value FROM meta ORDER BY key;" 2>&1
}
intact() { [ "$(sqlite3 "$1" 'PRAGMA integrity_check' 2>&1)" = ok ]; }

# --- set-up ----------------------------------------------------------------------------------
DICT=$TMP/fix.dict
if ! "$BIN" dict build -o "$DICT" data/cameo.txt $FIX/dict.txt >"$TMP/x.out" 2>&1; then
    fail dict-build "$(head -n 3 "$TMP/x.out")"; exit 0
fi
grep -v '^praise' $FIX/dict.txt >"$TMP/dict2.txt"
"$BIN" dict build -o "$TMP/fix2.dict" data/cameo.txt "$TMP/dict2.txt" >/dev/null 2>&1
jq -c --argjson n 2800 '. as $s | range(0; $n / 7 | ceil) as $i
    | $s | .id = "t-\($i)-\(.id)" | .date = "2023-\(($i % 12) + 1 | tostring | if length < 2 then "0" + . else . end)-\(($i % 28) + 1 | tostring | if length < 2 then "0" + . else . end)"' \
    $FIX/stories.jsonl >"$TMP/many.jsonl" 2>/dev/null || { fail generate-stories; exit 0; }
CLEAN=$TMP/clean.db
"$BIN" code --quiet --dict "$DICT" --db "$CLEAN" "$TMP/many.jsonl" 2>"$TMP/x.err"
check setup-clean-store $? "$(head -n 2 "$TMP/x.err")"
dump "$CLEAN" >"$TMP/clean.dump"
cp "$CLEAN" "$TMP/recoded.db"
"$BIN" recode --quiet --db "$TMP/recoded.db" --dict "$TMP/fix2.dict" 2>/dev/null
dump "$TMP/recoded.db" >"$TMP/recoded.dump"
"$BIN" export --db "$CLEAN" --format gdelt --events "$TMP/clean.tsv" --mentions "$TMP/clean.m.tsv" 2>/dev/null

# --- kill at random moments, then resume --------------------------------------------------------
# kill_run NAME CMD...: runs CMD in the background and SIGKILLs it after a random delay;
# LANDED becomes 1 when the kill hit a running process, else 0.
kill_run() {
    what=$1
    shift
    "$@" >/dev/null 2>&1 &
    pid=$!
    next_delay
    sleep "$DELAY"
    LANDED=0
    if kill -9 $pid 2>/dev/null; then LANDED=1; fi
    wait $pid 2>/dev/null
    echo "# $T: $what killed at $DELAY s$([ $LANDED = 1 ] || echo ' (it had ended)')"
}
# code --db: each kill leaves a store that passes integrity_check; the resumed run stores
# exactly what the uninterrupted one did.
K=$TMP/killed.db
landed=0; bad=
for i in 1 2 3 4 5; do
    kill_run code "$BIN" code --quiet --dict "$DICT" --db "$K" "$TMP/many.jsonl"
    landed=$((landed + LANDED))
    if [ -f "$K" ] && ! intact "$K"; then bad="$bad integrity after kill $i;"; fi
done
"$BIN" code --quiet --dict "$DICT" --db "$K" "$TMP/many.jsonl" 2>"$TMP/x.err"
rc=$?
dump "$K" >"$TMP/k.dump"
echo "# $T: $landed of 5 kills of code --db landed"
[ $rc -eq 0 ] && [ -z "$bad" ] && cmp -s "$TMP/clean.dump" "$TMP/k.dump"
check kill-code-resume $? "rc $rc, $landed of 5 kills landed,$bad $(diff "$TMP/clean.dump" "$TMP/k.dump" | head -n 3)"
# recode: after a kill the store is the old one or the new one, whole; the rerun gives the new.
cp "$CLEAN" "$K"; rm -f "$K-wal" "$K-shm"
bad=
for i in 1 2 3; do
    kill_run recode "$BIN" recode --quiet --db "$K" --dict "$TMP/fix2.dict"
    dump "$K" >"$TMP/k.dump"
    cmp -s "$TMP/k.dump" "$TMP/clean.dump" || cmp -s "$TMP/k.dump" "$TMP/recoded.dump" ||
        bad="$bad torn after kill $i;"
    cp "$CLEAN" "$K"; rm -f "$K-wal" "$K-shm"
done
kill_run recode "$BIN" recode --quiet --db "$K" --dict "$TMP/fix2.dict"
"$BIN" recode --quiet --db "$K" --dict "$TMP/fix2.dict" 2>"$TMP/x.err"
rc=$?
dump "$K" >"$TMP/k.dump"
[ $rc -eq 0 ] && [ -z "$bad" ] && cmp -s "$TMP/recoded.dump" "$TMP/k.dump"
check kill-recode-resume $? "rc $rc,$bad $(head -n 1 "$TMP/x.err")"
# export over an existing file: after a kill the file is the old one or the complete new one.
bad=
for i in 1 2 3; do
    echo old >"$TMP/e.tsv"
    kill_run export "$BIN" export --db "$CLEAN" --format gdelt --events "$TMP/e.tsv" \
        --mentions "$TMP/e.m.tsv"
    [ "$(cat "$TMP/e.tsv")" = old ] || cmp -s "$TMP/e.tsv" "$TMP/clean.tsv" || bad="$bad torn file after kill $i;"
done
"$BIN" export --db "$CLEAN" --format gdelt --events "$TMP/e.tsv" --mentions "$TMP/e.m.tsv" 2>/dev/null
rc=$?
[ $rc -eq 0 ] && [ -z "$bad" ] && cmp -s "$TMP/e.tsv" "$TMP/clean.tsv" && cmp -s "$TMP/e.m.tsv" "$TMP/clean.m.tsv"
check kill-export-resume $? "rc $rc,$bad"
# dict build over an existing image: the old image or the new one, never a torn one.
bad=
cp "$TMP/fix2.dict" "$TMP/d.dict"
for i in 1 2 3; do
    kill_run dict "$BIN" dict build -o "$TMP/d.dict" data/cameo.txt data/countries.txt data/actors \
        data/agents.txt data/verbs.txt
    cmp -s "$TMP/d.dict" "$TMP/fix2.dict" || "$BIN" dict info "$TMP/d.dict" >/dev/null 2>&1 ||
        bad="$bad torn image after kill $i;"
done
check kill-dict-build $([ -z "$bad" ]; echo $?) "$bad"
# merge: after a kill OUT is absent or the whole merged store, never a torn one; the rerun (after
# the killed run's temporary file is removed, as a user would) gives what one run over all gives.
for i in 1 2; do
    "$BIN" code --quiet --dict "$DICT" --shard $i/2 --db "$TMP/s$i.db" "$TMP/many.jsonl" 2>/dev/null
done
M=$TMP/m/merged.db
mkdir -p "$TMP/m"
bad=
for i in 1 2 3; do
    kill_run merge "$BIN" merge --quiet "$M" "$TMP/s1.db" "$TMP/s2.db"
    if [ -f "$M" ]; then
        dump "$M" >"$TMP/m.dump"
        cmp -s "$TMP/m.dump" "$TMP/clean.dump" || bad="$bad torn store after kill $i;"
    fi
    rm -f "$TMP"/m/*
done
"$BIN" merge --quiet "$M" "$TMP/s1.db" "$TMP/s2.db" 2>"$TMP/x.err"
rc=$?
dump "$M" >"$TMP/m.dump"
[ $rc -eq 0 ] && [ -z "$bad" ] && cmp -s "$TMP/m.dump" "$TMP/clean.dump"
check kill-merge-resume $? "rc $rc,$bad $(head -n 1 "$TMP/x.err") $(diff "$TMP/clean.dump" "$TMP/m.dump" | head -n 3)"

# --- a full disk ---------------------------------------------------------------------------
# The smallest disk that holds the inputs: a tmpfs (root), else a loop-mounted file (root where
# tmpfs is refused), else `ulimit -f` in the child (no root): writes then fail with EFBIG.
FULL=$TMP/full
mkdir -p "$FULL"
how=ulimit
want=${TORTURE_DISK:-any} # tmpfs, loop or ulimit: one way only (to test each)
if [ "$(id -u)" = 0 ] && [ "$want" != ulimit ]; then
    if [ "$want" != loop ] && mount -t tmpfs -o size=384k tmpfs "$FULL" 2>/dev/null; then
        how=tmpfs; MNT=$FULL
    elif [ "$want" != tmpfs ] && command -v mkfs.ext2 >/dev/null 2>&1 && dd if=/dev/zero of="$TMP/disk.img" bs=1k count=512 2>/dev/null &&
        mkfs.ext2 -q -F "$TMP/disk.img" 2>/dev/null && mount -o loop "$TMP/disk.img" "$FULL" 2>/dev/null; then
        how=loop; MNT=$FULL
    fi
fi
echo "# $T: disk full by $how"
# on_full CMD...: runs CMD where the disk is full (ROOM KiB left: 384 for the store, 8 for files).
ROOM=384
on_full() {
    if [ $how = ulimit ]; then
        (ulimit -f $ROOM; trap '' XFSZ; exec "$@")
    else
        "$@"
    fi
}
# The store grows until the disk is full: an error, an intact store, and the rest is stored
# once there is room (the store moved to a roomy disk, the run resumed).
on_full "$BIN" code --quiet --dict "$DICT" --db "$FULL/f.db" "$TMP/many.jsonl" 2>"$TMP/x.err"
rc=$?
[ $rc -ne 0 ] && { [ ! -f "$FULL/f.db" ] || intact "$FULL/f.db"; }
check full-code-db $? "rc $rc, $(head -n 1 "$TMP/x.err")"
if [ -f "$FULL/f.db" ]; then cp "$FULL/f.db" "$TMP/f.db"; [ -f "$FULL/f.db-wal" ] && cp "$FULL/f.db-wal" "$TMP/f.db-wal"; fi
rm -f "$FULL"/f.db*
"$BIN" code --quiet --dict "$DICT" --db "$TMP/f.db" "$TMP/many.jsonl" 2>"$TMP/x.err"
rc=$?
dump "$TMP/f.db" >"$TMP/f.dump"
[ $rc -eq 0 ] && cmp -s "$TMP/clean.dump" "$TMP/f.dump"
check full-code-db-resume $? "rc $rc, $(head -n 1 "$TMP/x.err") $(diff "$TMP/clean.dump" "$TMP/f.dump" | head -n 2)"
# merge onto a full disk: an error, and neither OUT nor a temporary file is left behind.
rm -f "$FULL"/f.db*
on_full "$BIN" merge --quiet "$FULL/m.db" "$TMP/s1.db" "$TMP/s2.db" 2>"$TMP/x.err"
rc=$?
left=$(ls -A "$FULL" | grep -v '^lost+found$' | tr '\n' ' ')
[ $rc -ne 0 ] && [ -z "$left" ]
check full-merge $? "rc $rc, left: $left, $(head -n 1 "$TMP/x.err")"
# Files: each write fails part-way; an existing file keeps its bytes, no new file appears.
# The disk is filled up to its last 8 KiB first.
ROOM=8
if [ $how != ulimit ]; then
    avail=$(df -k "$FULL" | awk 'NR == 2 { print $4 }')
    dd if=/dev/zero of="$FULL/filler" bs=1k count=$((avail - ROOM)) 2>/dev/null
fi
for what in export mentions dict lex; do
    rm -f "$FULL"/out* "$FULL"/.out*
    [ $what = dict ] && echo keep >"$FULL/out"
    case $what in
    export) on_full "$BIN" export --db "$CLEAN" --format jsonl --events "$FULL/out" ;;
    mentions) on_full "$BIN" code --quiet --dict "$DICT" --format gdelt --mentions "$FULL/out" \
        "$TMP/many.jsonl" >/dev/null ;;
    dict) on_full "$BIN" dict build -o "$FULL/out" data/cameo.txt data/countries.txt data/actors \
        data/agents.txt data/verbs.txt ;;
    lex) on_full "$BIN" lex build --wordnet tests/fixtures/wordnet --closed data/lexicon -o "$FULL/out" ;;
    esac >/dev/null 2>"$TMP/x.err"
    rc=$?
    left=$(ls -A "$FULL" | grep -v -e '^lost+found$' -e '^filler$' | tr '\n' ' ')
    if [ $what = dict ]; then
        [ $rc -ne 0 ] && [ "$(cat "$FULL/out")" = keep ] && [ "$left" = "out " ]
    else
        [ $rc -ne 0 ] && [ -z "$left" ]
    fi
    check "full-$what" $? "rc $rc, left: $left, $(head -n 1 "$TMP/x.err")"
done
rm -f "$FULL"/out* "$FULL/filler"

# --- standard output full or closed, for every subcommand that prints ------------------------
S1=$TMP/one.txt
printf 'Iran accused the United States of sabotage on Monday.\n' >"$S1"
while IFS='|' read -r name args; do
    for how_out in full closed; do
        if [ $how_out = full ]; then
            eval "\"$BIN\" $args" >/dev/full 2>"$TMP/x.err"
        else
            eval "\"$BIN\" $args" >&- 2>"$TMP/x.err"
        fi
        rc=$?
        [ $rc -ne 0 ] && [ -s "$TMP/x.err" ]
        check "stdout-$how_out-$name" $? "rc $rc"
    done
done <<EOF
read|read "$S1"
parse|parse "$S1"
parse-pretty|parse --pretty "$S1"
code|code --dict "$DICT" "$S1"
code-gdelt|code --dict "$DICT" --format gdelt "$S1"
explain|explain --dict "$DICT" "$S1"
dict-info|dict info "$DICT"
dict-lookup|dict lookup --image "$DICT" Iran
dict-build|dict build -o /dev/stdout data/cameo.txt $FIX/dict.txt
lex-info|lex info
lex-lookup|lex lookup attacked
query|query --db "$CLEAN"
query-jsonl|query --db "$CLEAN" --format jsonl --evidence
stats|stats --db "$CLEAN" --by month
export|export --db "$CLEAN" --format gdelt
eval|eval --gold --shared tests/golden/eval/shared --dict tests/golden/eval/fixture-dict.txt tests/golden/eval/scorer.in
help|--help
version|--version
EOF

# --- unreadable and read-only inputs ---------------------------------------------------------
# As root every file is readable: the checks then run as nobody (setpriv), where it exists.
AS=
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
cp "$S1" "$TMP/secret.txt"; chmod 000 "$TMP/secret.txt"
mkdir -p "$TMP/folder.txt"
for input in secret.txt folder.txt; do
    for cmd in read code parse explain; do
        # shellcheck disable=SC2086
        $AS "$BIN" $cmd "$TMP/$input" >"$TMP/x.out" 2>"$TMP/x.err"
        rc=$?
        [ $rc -ne 0 ] && grep -q "$input" "$TMP/x.err"
        check "unreadable-$cmd-${input%.txt}" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
    done
done
# shellcheck disable=SC2086
$AS "$BIN" dict build -o "$TMP/x.dict" "$TMP/secret.txt" >/dev/null 2>"$TMP/x.err"
rc=$?
[ $rc -ne 0 ] && [ ! -e "$TMP/x.dict" ]
check unreadable-dict-source $? "rc $rc, $(head -n 1 "$TMP/x.err")"
if [ "$(id -u)" != 0 ] || [ -n "$AS" ]; then
    # A read-only store: code --db and recode fail and leave it as it was.
    cp "$CLEAN" "$TMP/ro.db"; chmod 444 "$TMP/ro.db"
    [ -n "$AS" ] || chmod 555 "$TMP"
    for cmd in code recode; do
        if [ $cmd = code ]; then
            # shellcheck disable=SC2086
            $AS "$BIN" code --quiet --dict "$DICT" --db "$TMP/ro.db" "$S1" >/dev/null 2>"$TMP/x.err"
        else
            # shellcheck disable=SC2086
            $AS "$BIN" recode --quiet --db "$TMP/ro.db" --dict "$TMP/fix2.dict" >/dev/null 2>"$TMP/x.err"
        fi
        rc=$?
        dump "$TMP/ro.db" >"$TMP/ro.dump"
        [ $rc -ne 0 ] && cmp -s "$TMP/ro.dump" "$TMP/clean.dump"
        check "read-only-store-$cmd" $? "rc $rc, $(head -n 1 "$TMP/x.err")"
    done
    # A read-only folder: no image, a message.
    mkdir -p "$TMP/ro"; chmod 555 "$TMP/ro"
    # shellcheck disable=SC2086
    $AS "$BIN" dict build -o "$TMP/ro/x.dict" data/cameo.txt $FIX/dict.txt >/dev/null 2>"$TMP/x.err"
    rc=$?
    [ $rc -ne 0 ] && [ ! -e "$TMP/ro/x.dict" ] && grep -q 'x.dict' "$TMP/x.err"
    check read-only-folder-image $? "rc $rc, $(head -n 1 "$TMP/x.err")"
    chmod 755 "$TMP" "$TMP/ro"
else
    echo "skip $T/read-only (root without setpriv)"
fi
chmod 644 "$TMP/secret.txt"
