#!/bin/sh
# tests/sh/model.sh: the tagger's shipped weights, data/model/tagger.txt.
#
#   model/in-image      the compiled lexicon (KHALDUN_DATA) carries a trained tagger
#   model/provenance    the weights were trained on UD English-EWT dev, nothing else
#   model/same-image    compiling the weights file again gives the same image, byte for byte
#   model/bad-file      a damaged weights file is refused with FILE:LINE:COL
#   model/stale         weights trained against another lexicon are refused unless
#                       --stale-model-ok
#   model/reproducible  retraining on ../shared's EWT dev (what `make model` runs) gives a
#                       byte-identical weights file and image; skipped without ../shared
# Prints ok/FAIL/skip lines.
cd "$(dirname "$0")/../.." || exit 1
T=model
BIN=${KHALDUN_BIN:-./khaldun}
SHARED=${KHALDUN_SHARED:-../shared}
DATA=${KHALDUN_DATA:-build/data}
WORDNET=${KHALDUN_WORDNET:-/usr/share/wordnet}
MODEL=data/model/tagger.txt
TRAIN=$SHARED/reference/ud/en_ewt-ud-dev.conllu

if [ ! -f "$DATA/lexicon.img" ]; then echo "skip $T (no $DATA/lexicon.img: make data)"; exit 0; fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
build() { # OUT ARGS...
    out=$1; shift
    "$BIN" lex build --wordnet "$WORDNET" --closed data/lexicon "$@" -o "$out" 2>"$TMP/err"
}

if "$BIN" lex info "$DATA/lexicon.img" | grep -q 'averaged perceptron'; then
    echo "ok   $T/in-image"
else
    echo "FAIL $T/in-image ($DATA/lexicon.img has no trained tagger)"
fi

if grep -q '^trained-on en_ewt-ud-dev\.conllu [0-9a-f]\{16\}$' "$MODEL"; then
    echo "ok   $T/provenance"
else
    echo "FAIL $T/provenance ($(grep '^trained-on' "$MODEL"))"
fi

if build "$TMP/same.img" --model "$MODEL" && cmp -s "$TMP/same.img" "$DATA/lexicon.img"; then
    echo "ok   $T/same-image"
else
    echo "FAIL $T/same-image"; sed 's/^/    /' "$TMP/err" | head -n 3
fi

# A weight with a class that does not exist, on the first feature line.
sed '0,/^[0-9a-f]\{16\} /s/ [A-Z]*:/ NOPE:/' "$MODEL" >"$TMP/bad.txt"
line=$(grep -n 'NOPE:' "$TMP/bad.txt" | cut -d: -f1)
if ! build "$TMP/bad.img" --model "$TMP/bad.txt" && grep -q "bad.txt:$line:18: unknown part-of-speech class" "$TMP/err" &&
    [ ! -e "$TMP/bad.img" ]; then
    echo "ok   $T/bad-file"
else
    echo "FAIL $T/bad-file"; sed 's/^/    /' "$TMP/err" | head -n 3
fi

sed 's/^lexicon [0-9a-f]*$/lexicon 0123456789abcdef/' "$MODEL" >"$TMP/stale.txt"
if ! build "$TMP/stale.img" --model "$TMP/stale.txt" && grep -q 'trained against another lexicon' "$TMP/err" &&
    build "$TMP/stale.img" --model "$TMP/stale.txt" --stale-model-ok; then
    echo "ok   $T/stale"
else
    echo "FAIL $T/stale"; sed 's/^/    /' "$TMP/err" | head -n 3
fi

if [ ! -f "$TRAIN" ]; then
    echo "skip $T/reproducible (no shared)"
elif build "$TMP/trained.img" --train "$TRAIN" --save-model "$TMP/tagger.txt" &&
    cmp -s "$TMP/tagger.txt" "$MODEL" && cmp -s "$TMP/trained.img" "$DATA/lexicon.img"; then
    echo "ok   $T/reproducible"
else
    echo "FAIL $T/reproducible (retrain with 'make model' and commit $MODEL if the change is meant)"
    sed 's/^/    /' "$TMP/err" | head -n 3
    [ -f "$TMP/tagger.txt" ] && diff "$MODEL" "$TMP/tagger.txt" | head -n 5 | sed 's/^/    /'
fi
exit 0
