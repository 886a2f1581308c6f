#!/bin/sh
# tests/sh/parallel.sh: `khaldun code -j N` writes the same bytes as `-j 1`, and memory does
# not grow with the input.
#
# Codes the first 3,000 lines of the Reuters corpus (without ../shared: of the in-tree gold
# sentences, repeated) with -j 1, -j 2 and -j 3 and compares
# the outputs byte for byte (cmp), and with --stats (the staged, timed analysis) against
# without. When the default image has no verb patterns yet, a test image is built from the
# default sources plus a few patterns written below, so that events are actually compared.
# Then generates 10 MB and 100 MB of input (the corpus repeated) and checks that the peak
# resident memory of coding 100 MB is under twice that of 10 MB (GNU time; skipped
# without it). Also: no progress line is drawn when standard error is not a terminal.
# Prints "ok NAME" / "FAIL NAME" / "skip NAME" lines for tests/run.sh. Timings are never
# asserted.
cd "$(dirname "$0")/../.." || exit 1
T=parallel
. tests/sh/lib.sh
CORPUS=$SHARED/corpora/reuters21578/reuters21578.jsonl
make_tmp

if [ ! -f "$DATA/khaldun.dict" ] || [ ! -f "$DATA/lexicon.img" ]; then
    skip all "no data images in $DATA (make data)"
    exit 0
fi
if [ -f "$CORPUS" ]; then
    SRC=$CORPUS
else
    # No ../shared: the in-tree gold sentences, repeated (11 MB), stand in for the corpus.
    cat tests/gold/news.jsonl tests/gold/heldout.jsonl >"$TMP/gold.jsonl"
    for i in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/gold.jsonl"; done >"$TMP/gold10.jsonl"
    for i in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/gold10.jsonl"; done >"$TMP/gold100.jsonl"
    for i in 1 2 3 4 5 6 7 8 9 10 11 12; do cat "$TMP/gold100.jsonl"; done >"$TMP/src.jsonl"
    SRC=$TMP/src.jsonl
    echo "    (no shared: the in-tree gold sentences, repeated, stand in for Reuters-21578)"
fi
head -n 3000 "$SRC" >"$TMP/in.jsonl"

# The image to code with: the default one, or the default sources plus a few patterns
# when it has none (the verb dictionary is written by another issue).
DICT=$DATA/khaldun.dict
patterns=$("$BIN" dict info "$DICT" | sed -n 's/^patterns *//p')
if [ "${patterns:-0}" = 0 ]; then
    cat >"$TMP/verbs.txt" <<'EOF'
[verbs]
visit $T | 042 |
meet with $T | 040 |
meet $T | 040 |
hold talks with $T | 040 |
accuse $T of | 112 |
criticize $T | 111 |
agree with $T | 057 |
buy $T | 061 |
sell $T | 061 |
urge $T | 010 |
ask $T | 020 |
warn $T | 130 |
attack $T | 190 |
support $T | 051 |
reject $T | 120 |
offer $T | 030 |
sue $T | 115 |
EOF
    SOURCES=""
    for f in data/cameo.txt data/countries.txt "$DATA/gen/countries.txt" data/actors data/agents.txt \
             "$TMP/verbs.txt" "$DATA/gen/places.txt"; do
        [ -e "$f" ] && SOURCES="$SOURCES $f"
    done
    # shellcheck disable=SC2086
    if "$BIN" dict build -o "$TMP/test.dict" $SOURCES 2>"$TMP/build.err"; then
        DICT=$TMP/test.dict
    else
        fail build-test-image "$(grep -v warning "$TMP/build.err" | head -n 1)"
    fi
fi

# --- -j N gives the bytes of -j 1 ------------------------------------------------------
"$BIN" code -j 1 --dict "$DICT" "$TMP/in.jsonl" >"$TMP/j1.out" 2>"$TMP/j1.err"
rc=$?
events=$(wc -l <"$TMP/j1.out" | tr -d ' ')
if [ $rc -gt 1 ]; then
    fail code-j1 "exit $rc: $(grep -v warning "$TMP/j1.err" | head -n 1)"
else
    ok code-j1 "$events events"
    [ "$events" -gt 0 ] && ok events-to-compare || fail events-to-compare "no events coded: the comparisons below prove little"
    for j in 2 3; do
        "$BIN" code -j $j --dict "$DICT" "$TMP/in.jsonl" >"$TMP/j$j.out" 2>"$TMP/j$j.err"
        rc=$?
        if [ $rc -le 1 ] && cmp -s "$TMP/j1.out" "$TMP/j$j.out"; then
            ok "j$j-identical"
        else
            fail "j$j-identical" "exit $rc; $(cmp "$TMP/j1.out" "$TMP/j$j.out" 2>&1 | head -n 1)"
        fi
    done
    # the summary line counts the same events
    tail -n 1 "$TMP/j1.err" >"$TMP/s1"
    tail -n 1 "$TMP/j2.err" >"$TMP/s2"
    cmp -s "$TMP/s1" "$TMP/s2" && ok summary-identical || fail summary-identical "$(cat "$TMP/s1") vs $(cat "$TMP/s2")"
    # --stats analyses stage by stage: same document, same bytes
    for j in 1 2; do
        "$BIN" code -j $j --stats --dict "$DICT" "$TMP/in.jsonl" >"$TMP/st$j.out" 2>"$TMP/st$j.err"
        if cmp -s "$TMP/j1.out" "$TMP/st$j.out" && grep -q 'stats: threads=' "$TMP/st$j.err"; then
            ok "stats-j$j-identical"
        else
            fail "stats-j$j-identical" "$(cmp "$TMP/j1.out" "$TMP/st$j.out" 2>&1 | head -n 1)"
        fi
    done
    # standard input, and several files in a row
    "$BIN" code -j 2 --dict "$DICT" - <"$TMP/in.jsonl" >"$TMP/stdin.out" 2>/dev/null
    cmp -s "$TMP/j1.out" "$TMP/stdin.out" && ok stdin-identical || fail stdin-identical
    head -n 1000 "$TMP/in.jsonl" >"$TMP/a.jsonl"
    tail -n +1001 "$TMP/in.jsonl" >"$TMP/b.jsonl"
    "$BIN" code -j 1 --dict "$DICT" "$TMP/a.jsonl" "$TMP/b.jsonl" >"$TMP/ab1.out" 2>/dev/null
    "$BIN" code -j 3 --dict "$DICT" "$TMP/a.jsonl" "$TMP/b.jsonl" >"$TMP/ab3.out" 2>/dev/null
    cmp -s "$TMP/ab1.out" "$TMP/ab3.out" && ok files-identical || fail files-identical
    # GDELT numbering is sequential: -j is accepted and gives the -j 1 bytes
    "$BIN" code -j 1 --format gdelt --dict "$DICT" "$TMP/in.jsonl" >"$TMP/g1.out" 2>/dev/null
    "$BIN" code -j 2 --format gdelt --dict "$DICT" "$TMP/in.jsonl" >"$TMP/g2.out" 2>/dev/null
    cmp -s "$TMP/g1.out" "$TMP/g2.out" && ok gdelt-identical || fail gdelt-identical
    # standard error is not a terminal here: no progress line (no carriage return)
    if grep -q "$(printf '\r')" "$TMP/j1.err" "$TMP/j2.err"; then
        fail no-progress-off-terminal
    else
        ok no-progress-off-terminal
    fi
    "$BIN" code -j 2 --quiet --dict "$DICT" "$TMP/in.jsonl" 2>"$TMP/q.err" >/dev/null
    grep -q 'events written' "$TMP/q.err" && fail quiet || ok quiet
fi
# bad -j values are usage errors
"$BIN" code -j 0 /dev/null >/dev/null 2>&1
[ $? -eq 2 ] && ok j0-usage || fail j0-usage

# --- memory independent of the input size ------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    skip rss-100mb "no /usr/bin/time (Debian package time)"
    exit 0
fi
one=$(wc -c <"$SRC" | tr -d ' ')
make_input() { # FILE MB
    : >"$1"
    n=$(( ($2 * 1000000 + one - 1) / one ))
    i=0
    while [ $i -lt $n ]; do cat "$SRC" >>"$1"; i=$((i + 1)); done
}
head -c 10000000 "$SRC" >"$TMP/10b.jsonl"
make_input "$TMP/100.jsonl" 100
/usr/bin/time -o "$TMP/10.rss" -f '%M' "$BIN" code --quiet --dict "$DICT" "$TMP/10b.jsonl" >/dev/null 2>&1
/usr/bin/time -o "$TMP/100.rss" -f '%M' "$BIN" code --quiet --dict "$DICT" "$TMP/100.jsonl" >/dev/null 2>&1
r10=$(tail -n 1 "$TMP/10.rss")
r100=$(tail -n 1 "$TMP/100.rss")
if [ -n "$r10" ] && [ -n "$r100" ] && [ "$r100" -lt $((2 * r10)) ]; then
    ok rss-100mb "peak ${r100} KB for 100 MB, ${r10} KB for 10 MB"
else
    fail rss-100mb "peak ${r100:-?} KB for 100 MB, ${r10:-?} KB for 10 MB"
fi
exit 0
