#!/bin/sh
# bench/tagger-cv.sh: the tagger's tuning yardstick, K-fold cross-validation on
# UD English-EWT dev (the only treebank the shipped weights may learn from).
#
#   sh bench/tagger-cv.sh [KHALDUN_BINARY] [lex build options, e.g. --epochs 16]
#
# Splits $KHALDUN_SHARED/reference/ud/en_ewt-ud-dev.conllu into TAGGER_CV_FOLDS
# folds (default 5; sentence i goes to fold i mod K), trains on all folds but
# one with `khaldun lex build --train`, tags the held-out fold with
# `khaldun eval --pos`, and prints UPOS accuracy summed over the folds, on the
# text as written, lower-cased and upper-cased (FORM re-cased, gold tags kept).
# Compare feature templates, training options and decoding rules with it;
# EWT test and GUM stay evaluation only (never tune on them). The folds and
# images live in a temporary folder, removed at the end; nothing is kept.
set -u
BIN=${1:-./khaldun}
[ $# -ge 1 ] && shift
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
SHARED=${KHALDUN_SHARED:-$(cd .. && pwd)/shared}
DEV=$SHARED/reference/ud/en_ewt-ud-dev.conllu
K=${TAGGER_CV_FOLDS:-5}
[ -x "$BIN" ] || { echo "tagger-cv: no khaldun binary at $BIN" >&2; exit 2; }
[ -f "$DEV" ] || { echo "tagger-cv: no $DEV (set KHALDUN_SHARED)" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

# Paragraph mode: one record per sentence; fold files for training and test.
awk -v k="$K" -v dir="$TMP" 'BEGIN { RS = ""; ORS = "\n\n" }
    { f = (NR - 1) % k
      for (j = 0; j < k; j++) print > (dir "/" (j == f ? "test" : "train") j ".conllu") }' "$DEV"
recase() { # recase lower|upper FILE: FORM (column 2) re-cased
    awk -F'\t' -v m="$1" 'BEGIN { OFS = "\t" }
        /^#/ || NF < 4 { print; next }
        { $2 = m == "lower" ? tolower($2) : toupper($2); print }' "$2"
}
i=0
while [ "$i" -lt "$K" ]; do
    "$BIN" lex build --train "$TMP/train$i.conllu" "$@" -o "$TMP/lex$i.img" >/dev/null 2>"$TMP/err" ||
        { echo "tagger-cv: training on fold $i failed:" >&2; cat "$TMP/err" >&2; exit 1; }
    recase lower "$TMP/test$i.conllu" >"$TMP/lower$i.conllu"
    recase upper "$TMP/test$i.conllu" >"$TMP/upper$i.conllu"
    i=$((i + 1))
done
for v in test lower upper; do
    i=0
    : >"$TMP/counts"
    while [ "$i" -lt "$K" ]; do
        "$BIN" eval --pos "$TMP/$v$i.conllu" --lexicon "$TMP/lex$i.img" |
            sed -n 's/^ *UPOS accuracy .*(\([0-9]*\)\/\([0-9]*\)).*/\1 \2/p' >>"$TMP/counts"
        i=$((i + 1))
    done
    case $v in test) name="as written" ;; *) name=$v-cased ;; esac
    awk -v n="$name" -v k="$K" '{ c += $1; t += $2 }
        END { if (t) printf "tagger-cv: EWT dev %d-fold UPOS %-12s %.2f%% (%d/%d)\n", k, n, 100 * c / t, c, t }' \
        "$TMP/counts"
done
