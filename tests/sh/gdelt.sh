#!/bin/sh
# tests/sh/gdelt.sh: GDELT 2.0 output has the reference's shape: 61 tab-separated
# columns per Events row and 16 per Mentions row (as in
# ../shared/reference/gdelt/), with the INTEGER and FLOAT columns numeric.
set -u
BIN=${KHALDUN_BIN:-./khaldun}
if [ ! -f "${KHALDUN_DATA:-build/data}/khaldun.dict" ]; then echo "skip gdelt (no images: make data)"; exit 0; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$BIN" code --quiet --format gdelt --mentions "$T/mentions.tsv" --date 2024-04-24 examples/seed-2024.txt >"$T/events.tsv"
n=$(wc -l <"$T/events.tsv")
[ "$n" -gt 0 ] && echo "ok   gdelt/events-written ($n rows)" || echo "FAIL gdelt/events-written"
ref=${KHALDUN_SHARED:-../shared}/reference/gdelt/GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv
want=61
if [ -f "$ref" ]; then want=$(awk -F, 'NR > 1 && $1 != "" && $2 ~ /^(STRING|INTEGER|FLOAT)$/ {n++} END {print n}' "$ref"); fi
bad=$(awk -F'\t' -v w="$want" 'NF != w {print NR": "NF}' "$T/events.tsv" | head -n 3)
[ -z "$bad" ] && echo "ok   gdelt/events-columns ($want)" || echo "FAIL gdelt/events-columns (want $want): $bad"
bad=$(awk -F'\t' 'NF != 16 {print NR": "NF}' "$T/mentions.tsv" | head -n 3)
[ -z "$bad" ] && echo "ok   gdelt/mentions-columns (16)" || echo "FAIL gdelt/mentions-columns: $bad"
# Types: GLOBALEVENTID, SQLDATE, MonthYear, Year INTEGER; FractionDate FLOAT;
# IsRootEvent 26, QuadClass 30, NumMentions 32..NumArticles 34 INTEGER; GoldsteinScale 31 FLOAT.
bad=$(awk -F'\t' '{
    for (c = 1; c <= 4; c++) if ($c !~ /^[0-9]+$/) print NR": column "c" = "$c
    if ($5 !~ /^[0-9]+(\.[0-9]+)?$/) print NR": FractionDate = "$5
    if ($26 !~ /^[01]$/) print NR": IsRootEvent = "$26
    if ($30 !~ /^[1-4]$/) print NR": QuadClass = "$30
    if ($31 !~ /^-?[0-9]+(\.[0-9]+)?$/) print NR": GoldsteinScale = "$31
    for (c = 32; c <= 34; c++) if ($c !~ /^[0-9]+$/) print NR": column "c" = "$c
    if ($27 !~ /^[0-9][0-9]+$/ || substr($27, 1, 2) != $29) print NR": EventCode/EventRootCode = "$27"/"$29
}' "$T/events.tsv" | head -n 3)
[ -z "$bad" ] && echo "ok   gdelt/events-types" || echo "FAIL gdelt/events-types: $bad"
