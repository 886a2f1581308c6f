#!/bin/sh
# tools/build-data.sh: compile khaldun's default data images (what `make data`
# runs, and tools/setup.sh on a fresh machine).
#
#   sh tools/build-data.sh KHALDUN_BINARY OUT_DIR
#
# Writes, under OUT_DIR (build/data by default):
#   gen/countries.txt  the 249 ISO 3166 countries, from Debian's iso-codes
#   gen/places.txt     the gazetteer, from Debian's libgeonames0 (GeoNames)
#   lexicon.img        word forms, lemmas and parts of speech: WordNet +
#                      data/lexicon/, and the tagger's shipped weights
#                      (data/model/tagger.txt, trained on UD English-EWT dev)
#   khaldun.dict       the dictionary image: data/*.txt + the generated files
set -eu
BIN=${1:-./khaldun}
case $BIN in */*) ;; *) BIN=./$BIN ;; esac
OUT=${2:-build/data}
MODEL=${KHALDUN_MODEL:-data/model/tagger.txt}
WORDNET=${KHALDUN_WORDNET:-/usr/share/wordnet}
mkdir -p "$OUT/gen"
sh tools/mkcountries.sh "$OUT/gen/countries.txt"
sh tools/mkplaces.sh "$OUT/gen/places.txt"

# The tagger's weights ship in the tree (data/model/, rebuilt by `make model`);
# set-up never trains and never reads ../shared.
"$BIN" lex build --wordnet "$WORDNET" --closed data/lexicon --model "$MODEL" -o "$OUT/lexicon.img"

# Hand-written sources first: the first name of a country is its display name.
SOURCES=""
for f in data/cameo.txt data/countries.txt "$OUT/gen/countries.txt" data/actors data/agents.txt \
         data/verbs.txt "$OUT/gen/places.txt"; do
    [ -e "$f" ] && SOURCES="$SOURCES $f"
done
# shellcheck disable=SC2086
"$BIN" dict build -o "$OUT/khaldun.dict" $SOURCES
"$BIN" dict info "$OUT/khaldun.dict" | sed -n '2p;4,12p' | tr -s ' ' | sed 's/^/  /' >&2
