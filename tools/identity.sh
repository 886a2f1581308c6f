#!/bin/sh
# tools/identity.sh: byte-identity check of khaldun's outputs between two
# commits, for restructurings that must not change what khaldun writes.
#
#   sh tools/identity.sh BASE_COMMIT [KHALDUN_BINARY]
#
# Builds BASE_COMMIT in a temporary git worktree, then runs it and the given
# binary (default ./khaldun, the working tree's build) on the same inputs,
# each with the images its own tree builds (tools/build-data.sh, with that
# tree's `khaldun lex build` and `dict build`) from the same sources: the
# lexicon image format changed during the restructuring (version 2 carries
# the word classes, data/lexicon/classes/, which older trees do not read),
# so one binary cannot read the other's lexicon. The dictionary images of
# the two sides must come out the same for the outputs, which carry the
# dictionary's hash, to compare equal. The inputs: the bundled example
# and the whole Reuters-21578 corpus (when $KHALDUN_SHARED has it) as JSON
# Lines events, GDELT Events + Mentions, a store exported as GDELT and JSON
# Lines, `parse` and `explain` of the example, and both peers' suites; and
# the combinations of `code` options that the base commit accepted but ran
# differently (-j with --format gdelt or --db, --stats with --db), which
# must still give the same bytes. Prints
# "same NAME" or "DIFF NAME" per output and exits 1 on any difference.
set -u
BASE=${1:?usage: sh tools/identity.sh BASE_COMMIT [KHALDUN_BINARY]}
NEW=${2:-./khaldun}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $NEW in /*) ;; *) NEW=$(pwd)/$NEW ;; esac
SHARED=${KHALDUN_SHARED:-$ROOT/../shared}
fail=0
TMP=$(mktemp -d)
trap 'git -C "$ROOT" worktree remove --force "$TMP/base" >/dev/null 2>&1; rm -rf "$TMP"' EXIT INT TERM

git -C "$ROOT" worktree add --detach "$TMP/base" "$BASE" >/dev/null 2>&1 ||
    { echo "identity: cannot check out $BASE" >&2; exit 2; }
make -C "$TMP/base" -s -j2 khaldun >/dev/null 2>"$TMP/build.err" ||
    { cat "$TMP/build.err" >&2; echo "identity: $BASE does not build" >&2; exit 2; }
OLD=$TMP/base/khaldun

# Each side's images, built by its own tree from its own data/.
for side in old new; do
    if [ $side = old ]; then dir=$TMP/base; bin=$OLD; else dir=$ROOT; bin=$NEW; fi
    (cd "$dir" && KHALDUN_SHARED=$SHARED sh tools/build-data.sh "$bin" "$TMP/data-$side") \
        >/dev/null 2>"$TMP/data-$side.err" ||
        { cat "$TMP/data-$side.err" >&2; echo "identity: cannot build the $side images" >&2; exit 2; }
done
if cmp -s "$TMP/data-old/khaldun.dict" "$TMP/data-new/khaldun.dict"; then
    echo "same dictionary image"
else
    echo "DIFF dictionary image"; fail=1
fi

SEED=$ROOT/examples/seed-2024.txt
REUTERS=$SHARED/corpora/reuters21578/reuters21578.jsonl

# run NAME COMMAND: runs COMMAND (a shell command in which "$KH" is the
# binary and {out} a per-binary output folder) once per binary, and compares
# its stdout, exit status and every file written.
run() {
    name=$1
    shift
    for side in old new; do
        bin=$OLD
        [ $side = new ] && bin=$NEW
        mkdir -p "$TMP/$side/$name"
        args=$(printf '%s\n' "$*" | sed "s#{out}#$TMP/$side/$name#g")
        # the same path on both sides ($TMP/data), should an output name it
        ln -sfn "data-$side" "$TMP/data"
        (cd "$TMP/$side/$name" && KH=$bin && KHALDUN_DATA=$TMP/data &&
            export KHALDUN_DATA && eval "$args") >"$TMP/$side/$name.stdout" 2>"$TMP/$side/$name.stderr"
        echo "rc=$?" >>"$TMP/$side/$name.stdout"
    done
    if grep -q '^rc=2$' "$TMP/new/$name.stdout"; then
        echo "FAIL $name (exit 2):"; head -3 "$TMP/new/$name.stderr"
        fail=1
    elif diff -r "$TMP/old/$name" "$TMP/new/$name" >/dev/null &&
        cmp -s "$TMP/old/$name.stdout" "$TMP/new/$name.stdout"; then
        echo "same $name ($(wc -c <"$TMP/new/$name.stdout") bytes)"
    else
        echo "DIFF $name"
        diff "$TMP/old/$name.stdout" "$TMP/new/$name.stdout" | head -5
        fail=1
    fi
}

run seed-jsonl '"$KH" code --date 2024-04-24 "$SEED"'
run seed-gdelt '"$KH" code --date 2024-04-24 --format gdelt --mentions {out}/mentions.tsv "$SEED"'
run seed-parse '"$KH" parse "$SEED"'
run seed-explain '"$KH" explain --date 2024-04-24 "$SEED"'
run seed-store '"$KH" code --db {out}/e.db --date 2024-04-24 "$SEED" && "$KH" export --db {out}/e.db --format gdelt --events {out}/ev.tsv --mentions {out}/mn.tsv && "$KH" export --db {out}/e.db --format jsonl && "$KH" query --db {out}/e.db --actor "PRK*" && rm {out}/e.db*'
run seed-store-j2 '"$KH" code -j 2 --stats --db {out}/e.db --date 2024-04-24 "$SEED" && "$KH" export --db {out}/e.db --format gdelt --events {out}/ev.tsv --mentions {out}/mn.tsv && "$KH" export --db {out}/e.db --format jsonl && rm {out}/e.db*'
if [ -f "$REUTERS" ]; then
    run reuters-jsonl '"$KH" code "$REUTERS"'
    run reuters-gdelt '"$KH" code --format gdelt --mentions {out}/mentions.tsv "$REUTERS"'
    run reuters-j2 '"$KH" code -j 2 "$REUTERS"'
    run reuters-j2-gdelt '"$KH" code -j 2 --format gdelt --mentions {out}/mentions.tsv "$REUTERS"'
    run reuters-store-j2 'head -n 3000 "$REUTERS" >{out}/r.jsonl && "$KH" code -j 2 --db {out}/e.db {out}/r.jsonl && "$KH" export --db {out}/e.db --format gdelt --events {out}/ev.tsv --mentions {out}/mn.tsv && "$KH" export --db {out}/e.db --format csv && "$KH" query --db {out}/e.db --actor "USA*" && rm {out}/e.db* {out}/r.jsonl'
    run tabari-suite '"$KH" eval --verbose "$SHARED/suites/tabari-validate"'
    run petrarch-suite '"$KH" eval --verbose "$SHARED/suites/petrarch-unittest"'
else
    echo "skip reuters and suites (no $SHARED)"
fi
exit $fail
