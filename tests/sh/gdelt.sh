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

# Conventions (docs/formats.md). Needs python3 for the loading checks.
SHARED=${KHALDUN_SHARED:-../shared}
if ! command -v python3 >/dev/null; then
    if [ "${CI:-}" = true ]; then echo "FAIL gdelt/python3 (not installed: sh tools/setup.sh)"; else echo "skip gdelt/conventions (no python3)"; fi
    exit 0
fi

# The FIPS table: a line for every country khaldun codes, and the generated C table current.
missing=$(grep -oE '^[A-Z][A-Z][A-Z] [|]' data/countries.txt | cut -c1-3 | while read -r c; do
    grep -q "^$c |" data/fips.txt || printf '%s ' "$c"; done)
[ -z "$missing" ] && echo "ok   gdelt/fips-every-country" || echo "FAIL gdelt/fips-every-country: no line for $missing"
bad=$(awk -F' [|] ' '$1 ~ /^[A-Z][A-Z][A-Z]$/ && $2 == "-" && $0 !~ /Minor Outlying/ {print $1}' data/fips.txt)
[ -z "$bad" ] && echo "ok   gdelt/fips-gaps-documented" || echo "FAIL gdelt/fips-gaps-documented: '-' without a documented reason for $bad"
if sh tools/mktables.sh "$T/tables" && cmp -s "$T/tables/fips_table.c" src/sinks/fips_table.c; then
    echo "ok   gdelt/fips-table-current"
else
    echo "FAIL gdelt/fips-table-current (run sh tools/mktables.sh)"
fi

# Options after file names are options (the class: every subcommand's loop).
"$BIN" code examples/seed-2024.txt --date 2024-04-24 --format gdelt --quiet >"$T/late.tsv" 2>"$T/late.err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$T/late.tsv" "$T/events.tsv"; then echo "ok   gdelt/options-after-files"
else echo "FAIL gdelt/options-after-files (exit $rc): $(head -c 200 "$T/late.err")"; fi

# ... and in the other subcommands that take files (read, parse, explain, dict), with "--".
"$BIN" read examples/seed-2024.txt --no-tokens --date 2024-04-24 >"$T/r1" 2>/dev/null
"$BIN" read --no-tokens --date 2024-04-24 examples/seed-2024.txt >"$T/r2" 2>/dev/null
"$BIN" parse examples/seed-2024.txt --pretty >"$T/p1" 2>/dev/null
"$BIN" parse --pretty examples/seed-2024.txt >"$T/p2" 2>/dev/null
cp examples/seed-2024.txt "$T/-dash.txt"
case $BIN in /*) ABS=$BIN ;; *) ABS=$(pwd)/$BIN ;; esac
(cd "$T" && KHALDUN_DATA=${KHALDUN_DATA:-$OLDPWD/build/data} "$ABS" code -q -- -dash.txt --format >"$T/d1" 2>/dev/null)
drc=$?
"$BIN" code -q examples/seed-2024.txt >"$T/d2" 2>/dev/null
if [ -s "$T/r1" ] && cmp -s "$T/r1" "$T/r2" && [ -s "$T/p1" ] && cmp -s "$T/p1" "$T/p2" &&
    [ $drc -eq 1 ] && [ -s "$T/d1" ]; then
    echo "ok   gdelt/operands-anywhere (read, parse; files after --)"
else
    echo "FAIL gdelt/operands-anywhere (read, parse, or files after --: exit $drc)"
fi

# GLOBALEVENTID: the same in any run, split or not; two inputs share only their common events.
head -n 1 examples/seed-2024.txt >"$T/a.txt"
tail -n +2 examples/seed-2024.txt >"$T/b.txt"
"$BIN" code -q --date 2024-04-24 --format gdelt "$T/a.txt" >"$T/a.tsv"
"$BIN" code -q --date 2024-04-24 --format gdelt "$T/b.txt" >"$T/b.tsv"
cut -f1 "$T/a.tsv" "$T/b.tsv" | sort -u >"$T/split.ids"
cut -f1 "$T/events.tsv" | sort -u >"$T/one.ids"
if [ -s "$T/one.ids" ] && cmp -s "$T/split.ids" "$T/one.ids"; then echo "ok   gdelt/ids-same-split-or-not"
else echo "FAIL gdelt/ids-same-split-or-not"; fi
d=$(cut -f1 "$T/events.tsv" | sort | uniq -d | head -n 3)
[ -z "$d" ] && echo "ok   gdelt/ids-unique-in-a-run" || echo "FAIL gdelt/ids-unique-in-a-run: $d"
printf 'The UNHCR criticized Greece on Monday.\nAmnesty International accused Iran of torture.\n' >"$T/groups.txt"
printf 'Iranian officials met Russian diplomats in Isfahan on Monday.\nThe US president visited Chicago.\n' >>"$T/groups.txt"
"$BIN" code -q --date 2024-04-24 --format gdelt "$T/groups.txt" >"$T/groups.tsv"
d=$(cut -f1 "$T/groups.tsv" "$T/events.tsv" | sort | uniq -d | head -n 3)
[ -z "$d" ] && echo "ok   gdelt/ids-differ-across-inputs" || echo "FAIL gdelt/ids-differ-across-inputs: $d"

# Actor columns by GDELT's lookups: UNHCR is known group HCR, type IGO.
row=$(awk -F'\t' '$6 == "IGOUNOHCR" {print $8 "|" $9 "|" $13; exit}' "$T/groups.tsv")
[ "$row" = "|HCR|IGO" ] && echo "ok   gdelt/actor-known-group-and-type" || echo "FAIL gdelt/actor-known-group-and-type: country|group|type1 = '$row'"

# Actor1Geo/Actor2Geo where the actor's own words name a place: a capital is the city (or the
# country when the gazetteer names the capital otherwise), a demonym names no place.
printf 'Tehran rejected the demands of Washington.\nIranian troops attacked Iraq.\n' >"$T/ageo.txt"
"$BIN" code -q --date 2024-04-24 --format gdelt "$T/ageo.txt" >"$T/ageo.tsv"
got=$(awk -F'\t' '{print $6 ">" $16 ": " $36 "," $37 "," $38 " / " $44 "," $45 "," $46}' "$T/ageo.tsv" | tr '\n' ';')
want="IRN>USA: 4,Tehran, Tehran Province, Iran,IR / 1,United States,US;IRNMIL>IRQ: ,, / 1,Iraq,IZ;"
[ "$got" = "$want" ] && echo "ok   gdelt/actor-geo" || echo "FAIL gdelt/actor-geo: got '$got', want '$want'"

# Mentions: offsets in characters (the text starts with multibyte letters), empty for a missing actor.
printf '\303\211t\303\251 \342\200\224 Iran criticized Israel on Monday. Russia threatened.\n' >"$T/utf8.txt"
"$BIN" code -q --date 2024-04-24 --format gdelt --mentions "$T/utf8.men" "$T/utf8.txt" >/dev/null
out=$(python3 - "$T/utf8.txt" "$T/utf8.men" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read().rstrip("\n")
bad = []
for line in open(sys.argv[2], encoding="utf-8"):
    c = line.rstrip("\n").split("\t")
    a1, a2 = c[7], c[8]
    if a1 == "" or not text[int(a1):].startswith(("Iran", "Russia")):
        bad.append("Actor1CharOffset %r" % a1)
    if a2 != "" and not text[int(a2):].startswith("Israel"):
        bad.append("Actor2CharOffset %r" % a2)
    if c[11] != "" or c[13] != "":
        bad.append("Confidence/MentionDocTone %r/%r" % (c[11], c[13]))
    if int(c[12]) != len(text):
        bad.append("MentionDocLen %s != %d characters" % (c[12], len(text)))
print("; ".join(bad) or "ok")
PY
)
[ "$out" = ok ] && echo "ok   gdelt/mentions-char-offsets" || echo "FAIL gdelt/mentions-char-offsets: $out"
if awk -F'\t' '$1 != "" && $9 == "" {found = 1} END {exit !found}' "$T/utf8.men"; then
    echo "ok   gdelt/mentions-missing-actor-empty"
else
    echo "FAIL gdelt/mentions-missing-actor-empty (no source-only event with an empty Actor2CharOffset)"
fi

# Loading as an analyst does: python3's csv with the codebook's names and types, empty = NaN;
# ActionGeo_CountryCode is FIPS wherever there is a place and empty where there is none.
if [ ! -f "$ref" ]; then
    echo "skip gdelt/load (no shared)" # tests/run.sh fails a skip in CI when ../shared is there
    exit 0
fi
cat "$T/events.tsv" "$T/groups.tsv" >"$T/all.tsv"
out=$(python3 - "$ref" "$T/all.tsv" <<'PY'
import csv, math, sys
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    cols = [(r["tableId"], r["dataType"]) for r in csv.DictReader(f) if r["tableId"]]
names = [n for n, _ in cols]
conv = {"INTEGER": lambda v: int(v) if v != "" else math.nan,
        "FLOAT": lambda v: float(v) if v != "" else math.nan, "STRING": str}
bad, rows = [], []
with open(sys.argv[2], encoding="utf-8", newline="") as f:
    for i, raw in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), 1):
        if len(raw) != len(names):
            bad.append("row %d: %d columns, want %d" % (i, len(raw), len(names)))
            continue
        try:
            rows.append({n: conv[t](v) for (n, t), v in zip(cols, raw)})
        except ValueError as e:
            bad.append("row %d: %s" % (i, e))
for r in rows:
    if not math.isnan(r["AvgTone"]):
        bad.append("AvgTone %r is not NaN" % r["AvgTone"])
    if not 0 < r["GLOBALEVENTID"] < 2 ** 63:
        bad.append("GLOBALEVENTID %r" % r["GLOBALEVENTID"])
    has_place = not math.isnan(r["ActionGeo_Type"])
    cc = r["ActionGeo_CountryCode"]
    if has_place and not (len(cc) == 2 and cc.isupper()):
        bad.append("ActionGeo_CountryCode %r is not FIPS" % cc)
    if not has_place and cc:
        bad.append("ActionGeo_CountryCode %r without a place" % cc)
    if r["ActionGeo_Type"] == 1 and (math.isnan(r["ActionGeo_Lat"]) or r["ActionGeo_FeatureID"] != cc):
        bad.append("country-level place without centroid or FIPS FeatureID")
    if r["ActionGeo_Type"] in (3, 4) and r["ActionGeo_FullName"].count(",") < 1:
        bad.append("city FullName %r" % r["ActionGeo_FullName"])
types = [r["ActionGeo_Type"] for r in rows]
if not (1 in types and 3 in types and 4 in types):
    bad.append("want country (1), US city (3) and world city (4) places, have %r" % sorted(set(t for t in types if t == t)))
print("; ".join(bad[:3]) or "ok %d rows, %d with a place" % (len(rows), sum(t == t for t in types)))
PY
)
case $out in ok*) echo "ok   gdelt/load-codebook-names-and-types (${out#ok })" ;; *) echo "FAIL gdelt/load-codebook-names-and-types: $out" ;; esac
mref=${KHALDUN_SHARED:-../shared}/reference/gdelt/GDELT_2.0_eventMentions_Column_Labels_Header_Row_Sep2016.tsv
out=$(python3 - "$mref" "$T/utf8.men" "$T/mentions.tsv" <<'PY'
import csv, math, sys
cols = []
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    for r in csv.reader(f, delimiter="\t"):
        if len(r) > 2 and r[2] in ("INTEGER", "FLOAT", "STRING"):
            cols.append((r[1], r[2]))
conv = {"INTEGER": lambda v: int(v) if v != "" else math.nan,
        "FLOAT": lambda v: float(v) if v != "" else math.nan, "STRING": str}
bad, n = [], 0
for path in sys.argv[2:]:
    with open(path, encoding="utf-8", newline="") as f:
        for raw in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            n += 1
            if len(raw) != len(cols):
                bad.append("%d columns, want %d" % (len(raw), len(cols)))
                continue
            try:
                r = {k: conv[t](v) for (k, t), v in zip(cols, raw)}
            except ValueError as e:
                bad.append(str(e))
                continue
            if not math.isnan(r["Confidence"]) or not math.isnan(r["MentionDocTone"]):
                bad.append("Confidence/MentionDocTone measured?")
print("; ".join(bad[:3]) or "ok %d rows" % n)
PY
)
case $out in ok*) echo "ok   gdelt/mentions-load-codebook-types (${out#ok })" ;; *) echo "FAIL gdelt/mentions-load-codebook-types: $out" ;; esac

# The README's pandas load, as written there (Debian's python3-pandas, which tools/setup.sh
# installs, may sit beside another python3 on PATH).
PD=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import pandas' 2>/dev/null; then PD=$p; break; fi
done
if [ -z "$PD" ]; then
    if [ "${CI:-}" = true ]; then echo "FAIL gdelt/pandas-load (no pandas: sh tools/setup.sh)"; else echo "skip gdelt/pandas-load (no pandas)"; fi
    exit 0
fi
cp "$ref" "$T/GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv"
cp "$T/events.tsv" "$T/events-readme.tsv"
out=$(cd "$T" && "$PD" - <<'PY'
import pandas as pd
names = pd.read_csv("GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv")["tableId"].tolist()
ev = pd.read_csv("events-readme.tsv", sep="\t", header=None, names=names,
                 dtype={"EventCode": str, "EventBaseCode": str, "EventRootCode": str})
bad = []
if len(ev.columns) != 61 or ev.GLOBALEVENTID.dtype != "int64" or ev.GoldsteinScale.dtype != "float64":
    bad.append("columns/types: %d %s %s" % (len(ev.columns), ev.GLOBALEVENTID.dtype, ev.GoldsteinScale.dtype))
if not ev.AvgTone.isna().all():
    bad.append("AvgTone not NaN")
if ev.EventCode.str.len().min() < 2 or ev.EventRootCode.str.len().min() != 2:
    bad.append("event codes lost their leading zeros")
print("; ".join(bad) or "ok %d rows" % len(ev))
PY
)
case $out in ok*) echo "ok   gdelt/pandas-load (${out#ok })" ;; *) echo "FAIL gdelt/pandas-load: $out" ;; esac
