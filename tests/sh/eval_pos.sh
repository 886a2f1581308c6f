#!/bin/sh
# tests/sh/eval_pos.sh: tagging accuracy on the UD English-EWT test set.
#
# Runs `khaldun eval --pos` on ../shared/reference/ud/en_ewt-ud-test.conllu with
# the compiled lexicon (KHALDUN_DATA/lexicon.img, whose tagger was trained on
# the EWT dev set only) and asserts UPOS and lemma accuracy floors, for the
# trained tagger and for the rule-based fallback. Floors sit just under what
# the tagger reached when they were set; they only ever go up. Skips when the
# shared data or the lexicon image is absent. Prints ok/FAIL/skip lines.
cd "$(dirname "$0")/../.." || exit 1
T=eval_pos
BIN=${KHALDUN_BIN:-./khaldun}
SHARED=${KHALDUN_SHARED:-../shared}
DATA=${KHALDUN_DATA:-build/data}
GOLD=$SHARED/reference/ud/en_ewt-ud-test.conllu
UPOS_FLOOR=93.3
LEMMA_FLOOR=97.1
RULES_FLOOR=87.9

if [ ! -f "$GOLD" ]; then echo "skip $T (no shared)"; exit 0; fi
if [ ! -f "$DATA/lexicon.img" ]; then echo "skip $T (no $DATA/lexicon.img: make data)"; exit 0; fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

at_least() { # VALUE FLOOR
    awk -v v="$1" -v f="$2" 'BEGIN { exit !(v + 0 >= f + 0) }'
}
field() { # LABEL FILE -> the percentage on that line
    sed -n "s/^ *$1 *\([0-9.]*\)%.*/\1/p" "$2"
}

if ! "$BIN" eval --pos "$GOLD" --lexicon "$DATA/lexicon.img" >"$TMP/out" 2>&1; then
    echo "FAIL $T/run"; sed 's/^/    /' "$TMP/out" | head -n 5; exit 0
fi
if "$BIN" lex info "$DATA/lexicon.img" | grep -q 'averaged perceptron'; then
    u=$(field "UPOS accuracy" "$TMP/out")
    if at_least "$u" "$UPOS_FLOOR"; then echo "ok   $T/upos ($u% >= $UPOS_FLOOR%)"
    else echo "FAIL $T/upos ($u% < $UPOS_FLOOR%)"; fi
    l=$(field "lemma accuracy" "$TMP/out")
    if at_least "$l" "$LEMMA_FLOOR"; then echo "ok   $T/lemma ($l% >= $LEMMA_FLOOR%)"
    else echo "FAIL $T/lemma ($l% < $LEMMA_FLOOR%)"; fi
else
    echo "skip $T/upos (lexicon built without tagger weights)"
fi
"$BIN" eval --pos "$GOLD" --lexicon "$DATA/lexicon.img" --rules >"$TMP/rules" 2>&1
r=$(field "UPOS accuracy" "$TMP/rules")
if at_least "$r" "$RULES_FLOOR"; then echo "ok   $T/rules-upos ($r% >= $RULES_FLOOR%)"
else echo "FAIL $T/rules-upos ($r% < $RULES_FLOOR%)"; fi
