#!/bin/sh
# tests/sh/gold_real.sh: khaldun's own coder on real news (issue 11).
#
#   1. `khaldun eval --gold` on the real-news gold, tests/gold/real/*.jsonl
#      (docs/annotation.md; not tests/gold/real/agreement/), dev and test parts
#      each against its root+dyad floors. Until that gold is in the tree, on
#      tests/fixtures/gold/*.jsonl instead: a few Reuters records annotated
#      for these tests (addresses and codes only).
#   2. `khaldun eval --conflibert` on ../shared/corpora/conflibert-cameo-dev:
#      coverage, penta accuracy overall and among coded sentences, span
#      agreement, each against its floor.
# The corpora come from $KHALDUN_SHARED; without them every check is skipped.
# A gold unit whose text moved (the reader changed what it points at) fails
# the run: re-address it with tools/gold-units.py.
#
# Floors sit just under what was measured when they were set (about one event
# or two sentences below), so a regression fails. They only go up. The test
# part's floors are set once, when it is frozen (issue 11).
# Measured 2024 (commit of this file; `khaldun eval --gold tests/gold/real`,
# gold of main 38ed3be, 1,052 units, 230 stories):
#   dev   root+dyad recall 11/381 = 2.9%, precision 11/59 = 18.6%
#   test  root+dyad recall 9/175 = 5.1%,  precision 9/30 = 30.0%
# fixture (tests/fixtures/gold/reuters-sample.jsonl):
#   dev   root+dyad recall 1/6 = 16.7%,   precision 1/5 = 20.0%
#   all   root+dyad recall 1/10 = 10.0%,  precision 1/9 = 11.1%
# ConfliBERT dev: coverage 210/451 = 0.466, penta 183/451 = 0.406 overall,
#   183/210 = 0.871 among coded, spans 111/404 = 0.275.
# After the first real-news mechanisms (country from context, sides the text
# leaves open, statements by what they say, references to the reporter,
# targets in the clause, headline futures, coordinated demonyms):
#   dev   root+dyad recall 34/381 = 8.9%,  precision 33/150 = 22.0%
#   test  root+dyad recall 20/175 = 11.4%, precision 21/74 = 28.4%
#   ConfliBERT coverage 0.650, penta 0.534 overall, 0.823 among coded,
#   spans 0.384. The among-coded floor went from 86 to 80 (the issue's
#   target): it is a share of a set that grew by 81 sentences, while the
#   overall accuracy, over all 451, rose from 0.406 to 0.532.
# Lower-cased text (`--case lower`: feeds without capitals; the recasing
# stage, src/analyze/recase.c), measured when its floors were set:
#   before recasing: dev root+dyad recall 9/381 = 2.4%, precision 7/85 = 8.2%;
#     test 4/175 = 2.3%, 4/48 = 8.3%; ConfliBERT coverage 0.306, penta
#     0.237 overall, 0.775 among coded, spans 0.067
#   with it:         dev recall 33/381 = 8.7%, precision 32/136 = 23.5%;
#     test 20/175 = 11.4%, 21/73 = 28.8%; ConfliBERT coverage 0.623, penta
#     0.508 overall, 0.815 among coded, spans 0.351
# After modality from clause structure and demands from obligations (branch
# dates; docs/dates-and-modality.md):
#   dev   root+dyad recall 34/381 = 8.9%,  precision 34/151 = 22.5%
#   test  root+dyad recall 20/175 = 11.4%, precision 21/72 = 29.2%
#   ConfliBERT coverage 291/451 = 0.645, penta 244/451 = 0.541 overall,
#   244/291 = 0.838 among coded, spans 158/404 = 0.391. Coverage fell by two
#   sentences (conditions and claims no longer coded as facts, all of a
#   wrong class): its floor stays at 64.
# Third session, with every branch merged (plain statements by political
# speakers, victims as subjects and the attack's owner, unknown organisations
# by head noun, fighting between two sides, reports placed after their
# content, the European Community; recasing; dates and modality):
#   dev   root+dyad recall 43/381 = 11.3%, precision 42/169 = 24.9%
#   test  root+dyad recall 22/175 = 12.6%, precision 23/83 = 27.7%
#   lower dev 40/381 = 10.5%, 39/155 = 25.2%; lower test 22/175 = 12.6%, 23/80 = 28.8%
#   ConfliBERT coverage 0.663, penta 0.554, among coded 0.836, spans 0.396;
#   lower case 0.632, 0.525, 0.832, 0.361
# Fourth session, with every branch merged (country codes by the story's date
# and provinces as places, nouns that tell events, statements of a feeling,
# armed roles and locatives in targets, a doerless act merged with the same
# act told with its doer, force verbs whose object names no one):
#   dev   root+dyad recall 71/381 = 18.6%, precision 71/185 = 38.4%
#   test  root+dyad recall 29/175 = 16.6%, precision 31/86 = 36.0%
#   lower dev 66/381 = 17.3%, 66/171 = 38.6%; lower test 27/175 = 15.4%, 29/84 = 34.5%
#   ConfliBERT coverage 0.670, penta 0.561, among coded 0.838, spans 0.408;
#   lower case 0.652, 0.545, 0.837, 0.386
# Fifth session, every branch merged (-ing event nouns, pronouns to the nearest
# antecedent in their sentence, scheduled acts as intents, later surnames as
# speakers, routine attribution not coded, parties, titled people, story acronyms):
#   dev   root+dyad recall 89/381 = 23.4%, precision 88/198 = 44.4%
#   test  root+dyad recall 30/175 = 17.1%, precision 34/91 = 37.4%
#   lower dev 80/381 = 21.0%, 80/177 = 45.2%; lower test 27/175 = 15.4%, 29/83 = 34.9%
#   ConfliBERT coverage 0.692, penta 0.583, among coded 0.843, spans 0.423;
#   lower case 0.672, 0.565, 0.842, 0.401
cd "$(dirname "$0")/../.." || exit 1
BIN=${KHALDUN_BIN:-./khaldun}
SHARED=${KHALDUN_SHARED:-../shared}
DATA=${KHALDUN_DATA:-build/data}

REAL_DEV_RECALL=23.3  REAL_DEV_PRECISION=44.3
REAL_TEST_RECALL=17.0  REAL_TEST_PRECISION=37.3
FIX_DEV_RECALL=15     FIX_DEV_PRECISION=18
FIX_ALL_RECALL=9      FIX_ALL_PRECISION=10
CB_COVERAGE=69.1  CB_PENTA=58.2  CB_PENTA_CODED=84.2  CB_SPANS=42.2
LOWER_DEV_RECALL=20.9  LOWER_DEV_PRECISION=45.1
LOWER_TEST_RECALL=15.3  LOWER_TEST_PRECISION=34.8
CB_LOWER_COVERAGE=67.1  CB_LOWER_PENTA=56.4  CB_LOWER_PENTA_CODED=84.1  CB_LOWER_SPANS=40.0

if [ ! -d "$SHARED/corpora" ]; then
    echo "skip gold_real (no shared)"; echo "skip conflibert (no shared)"; exit 0
fi
if [ ! -f "$DATA/khaldun.dict" ]; then
    echo "skip gold_real (no images: make data)"; echo "skip conflibert (no images: make data)"; exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

# gold NAME SPLIT RECALL PRECISION FILE...
gold() {
    name=$1 split=$2 recall=$3 precision=$4
    shift 4
    "$BIN" eval --gold --split "$split" --shared "$SHARED" --min-root-dyad-recall "$recall" \
        --min-root-dyad-precision "$precision" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    line=$(sed -n "s/^  $split  *root+dyad  *//p" "$TMP/out" | tr -s ' ')
    moved=$(grep -c ': unit moved' "$TMP/err")
    if [ $rc -eq 0 ] && [ "$moved" -eq 0 ]; then
        echo "ok   $name ($line; floors $recall% recall, $precision% precision)"
    else
        echo "FAIL $name ($line; floors $recall% recall, $precision% precision; $moved units moved)"
        sed 's/^/    /' "$TMP/err" | head -n 10
    fi
}

set -- tests/gold/real/*.jsonl
if [ -f "$1" ]; then
    gold gold_real/dev dev "$REAL_DEV_RECALL" "$REAL_DEV_PRECISION" "$@"
    gold gold_real/test test "$REAL_TEST_RECALL" "$REAL_TEST_PRECISION" "$@"
    gold gold_real/dev-lower dev "$LOWER_DEV_RECALL" "$LOWER_DEV_PRECISION" --case lower "$@"
    gold gold_real/test-lower test "$LOWER_TEST_RECALL" "$LOWER_TEST_PRECISION" --case lower "$@"
else
    gold gold_real/fixture-dev dev "$FIX_DEV_RECALL" "$FIX_DEV_PRECISION" tests/fixtures/gold/*.jsonl
    gold gold_real/fixture-all all "$FIX_ALL_RECALL" "$FIX_ALL_PRECISION" tests/fixtures/gold/*.jsonl
fi

CB=$SHARED/corpora/conflibert-cameo-dev
if [ ! -f "$CB/penta.tsv" ]; then echo "skip conflibert (no $CB)"; exit 0; fi
# conflibert NAME COVERAGE PENTA PENTA_CODED SPANS [--case MODE]
conflibert() {
    name=$1
    "$BIN" eval --conflibert "$CB" --min-coverage "$2" --min-penta "$3" \
        --min-penta-coded "$4" --min-spans "$5" $6 $7 >"$TMP/cb" 2>"$TMP/cberr"
    rc=$?
    figures=$(sed -n 's/^  \(coverage\|penta overall\|penta among coded\|spans\) .*= \([0-9.]*\).*/\1 \2/p' "$TMP/cb" |
        paste -sd, - | sed 's/,/, /g')
    if [ $rc -eq 0 ]; then
        echo "ok   $name ($figures)"
    else
        echo "FAIL $name ($figures)"; sed 's/^/    /' "$TMP/cberr" | head -n 5
    fi
}
conflibert conflibert $CB_COVERAGE $CB_PENTA $CB_PENTA_CODED $CB_SPANS
conflibert conflibert-lower $CB_LOWER_COVERAGE $CB_LOWER_PENTA $CB_LOWER_PENTA_CODED $CB_LOWER_SPANS \
    --case lower
