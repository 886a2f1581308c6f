#!/bin/sh
# tools/mkplaces.sh: generate the gazetteer, the [places] section of the default dictionary.
#
#   sh tools/mkplaces.sh OUTFILE
#
# Set-up time only (tools/build-data.sh runs it). Source: Debian's libgeonames0, GeoNames'
# cities15000 set (24,361 populated places: every place of 15,000 people or more, and every
# capital; GeoNames data, CC BY 4.0). tools/fetch-gazetteer.sh installs the package.
# Steps: build tools/mkplaces.c (it dumps the library's cities as TSV), map each ISO 3166
# alpha-2 country code to alpha-3 with Debian's iso-codes (jq), clean the names, write
#
#     NAMES | ISO3 | ADMIN1 | LAT,LON | POPULATION | FEATURE ID
#     Tehran | IRN | Tehran Province | 35.6944,51.4215 | 7153309 | 112931
#
# NAMES is the GeoNames name and, when it differs, its ASCII transliteration ("São Paulo;
# Sao Paulo"). ADMIN1 is the region's name, or its GeoNames code when the name is missing.
# FEATURE ID is the GeoNames id. Lines are sorted by population (largest first), then id,
# so the output is deterministic and a reader meets the likeliest reading of a name first.
# Names holding a dictionary metacharacter (| ; #) are dropped, and so is a place left
# with no name; places whose country has no ISO 3166-1 code (GeoNames' XK, Kosovo) are
# dropped and counted on standard error.
#
# Each first-level region the places lie in is a place too (news names provinces and
# states: "in Takhar Province", "Balochistan"), so that a story naming only its regions
# gives its country (src/actors/context.c):
#
#     State of Manipur; Manipur | IND | State of Manipur | 24.6929,93.8705 | 0 | 0
#
# its names the region's and, when that has one, the name without its kind ("State of",
# "Province", "Governorate", "Region", "Oblast" ...), but no name made of compass and
# generic words only ("Northern", "North West", "Eastern Region") and none under four
# letters ("Bar", "Bay"); its coordinates the mean of its places';
# population 0 (a town of the same name is always the likelier reading) and no feature id.
# A region name held by regions of two countries ("Punjab") is dropped: it is no evidence
# of either. Needs: cc, jq, iso-codes, libgeonames0.
set -eu
[ $# -eq 1 ] || { echo "usage: sh tools/mkplaces.sh OUTFILE" >&2; exit 2; }
OUT=$1
case $OUT in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
cd "$(dirname "$0")/.."
ISO=${KHALDUN_ISO3166:-/usr/share/iso-codes/json/iso_3166-1.json}
[ -r "$ISO" ] || { echo "mkplaces: $ISO not found (install Debian's iso-codes)" >&2; exit 1; }
command -v jq >/dev/null 2>&1 || { echo "mkplaces: jq not found (install Debian's jq)" >&2; exit 1; }
VERSION=$(dpkg-query -W -f='${Version}' libgeonames0 2>/dev/null || true)
[ -n "$VERSION" ] || { echo "mkplaces: libgeonames0 is not installed (run sh tools/fetch-gazetteer.sh)" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -o "$TMP/mkplaces" tools/mkplaces.c -ldl
"$TMP/mkplaces" >"$TMP/raw.tsv"
jq -r '."3166-1"[] | [.alpha_2, .alpha_3] | @tsv' "$ISO" >"$TMP/iso.tsv"
# Kosovo has no ISO 3166-1 code; CAMEO (and khaldun's data/countries.txt) use KSV.
printf 'XK\tKSV\n' >>"$TMP/iso.tsv"

LC_ALL=C awk -F '\t' -v dropped_file="$TMP/dropped" '
function clean(s) {
    gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s)
    return s
}
function ok(s) { return s != "" && s !~ /[|;#]/ }
FILENAME == ARGV[1] { iso3[$1] = $2; next }
{
    # GEONAMES_ID NAME ASCII_NAME ADMIN1_CODE ADMIN1_NAME ISO2 POPULATION LAT LON
    if (!($6 in iso3)) { nodrop[$6]++; next }
    name = clean($2); ascii = clean($3)
    names = ""
    if (ok(name)) names = name
    if (ok(ascii) && ascii != name) names = names == "" ? ascii : names "; " ascii
    if (names == "") { noname++; next }
    admin = clean($5)
    if (!ok(admin)) admin = clean($4)
    if (!ok(admin)) admin = ""
    printf "%d\t%d\t%s | %s | %s | %s,%s | %d | %d\n", $7, $1, names, iso3[$6], admin, $8, $9, $7, $1
    if (admin ~ /[a-z]/) {
        k = iso3[$6] SUBSEP admin
        if (!(k in rn)) { order[++nr] = k; rn[k] = 0 }
        rn[k]++; rlat[k] += $8; rlon[k] += $9
    }
}
function fold(s) {
    gsub(/ā|á|à|â|ä|ã|å/, "a", s); gsub(/Ā|Á|À|Â|Ä/, "A", s); gsub(/ē|é|è|ê|ë/, "e", s)
    gsub(/É|È/, "E", s); gsub(/ī|í|ì|î|ï/, "i", s); gsub(/Ī|Í/, "I", s); gsub(/ō|ó|ò|ô|ö|õ/, "o", s)
    gsub(/Ō|Ó|Ö/, "O", s); gsub(/ū|ú|ù|û|ü/, "u", s); gsub(/Ū|Ú|Ü/, "U", s); gsub(/ç|ć/, "c", s)
    gsub(/ñ|ń/, "n", s); gsub(/ş|ś/, "s", s); gsub(/Ş|Ś/, "S", s); gsub(/‘|’|ʼ/, "", s)
    return s
}
# A name made of compass and generic words only ("North West", "Eastern Region",
# "Maritime"): no evidence of any one country.
function generic(s) {
    return tolower(s) ~ /^((north|south|east|west|central|northern|southern|eastern|western|northeast|northwest|southeast|southwest|upper|lower|middle|centre|center|coast|coastal|capital|greater|far|inner|outer|islands?|lakes?|plateau|littoral|maritime|savanes|mountains?|highlands?|lowlands?|valley|river|city|district|federal|national|special|autonomous|region|province|state|territory|and|of|the)([ -]|$))+$/
}
function short(s,   t) {
    t = s
    sub(/^(State|Province|Region|Republic|Department|Governorate|Municipality) of (the )?/, "", t)
    sub(/ (Province|Governorate|Region|Oblast|Prefecture|Department|District|State|Division|County|Municipality|Territory|Krai|Voivodeship|Emirate)$/, "", t)
    if (t == s || t !~ /^[A-Z]/)
        return ""
    return t
}
END {
    for (i = 1; i <= nr; i++) {
        split(order[i], kc, SUBSEP)
        nm[i, 1] = kc[2]; nm[i, 2] = fold(kc[2]); nm[i, 3] = short(kc[2]); nm[i, 4] = fold(nm[i, 3])
        for (j = 1; j <= 4; j++) {
            lc = tolower(nm[i, j])
            if (nm[i, j] == "" || (lc, kc[1]) in claimed) continue
            claimed[lc, kc[1]] = 1; claims[lc]++
        }
    }
    for (i = 1; i <= nr; i++) {
        split(order[i], kc, SUBSEP)
        names = ""; delete seen
        for (j = 1; j <= 4; j++) {
            lc = tolower(nm[i, j])
            if (length(nm[i, j]) < 4 || !ok(nm[i, j]) || generic(nm[i, j]) || claims[lc] > 1 || lc in seen) continue
            seen[lc] = 1; names = names == "" ? nm[i, j] : names "; " nm[i, j]
        }
        if (names == "") continue
        k = order[i]
        printf "0\t0\t%s | %s | %s | %.4f,%.4f | 0 | 0\n", names, kc[1], kc[2], rlat[k] / rn[k], rlon[k] / rn[k]
    }
    for (c in nodrop) printf "mkplaces: dropped %d places of country %s (no ISO 3166-1 code)\n", nodrop[c], c > dropped_file
    if (noname) printf "mkplaces: dropped %d places with no usable name\n", noname > dropped_file
}' "$TMP/iso.tsv" "$TMP/raw.tsv" >"$TMP/lines.tsv"
[ -f "$TMP/dropped" ] && sort "$TMP/dropped" >&2

{
    echo "# Generated by tools/mkplaces.sh from Debian's libgeonames0 $VERSION: do not edit."
    echo "# Data: GeoNames (geonames.org) cities15000, licensed CC BY 4.0."
    echo "# NAMES | ISO3 | ADMIN1 | LAT,LON | POPULATION | FEATURE ID (GeoNames id)"
    echo "[places]"
    LC_ALL=C sort -t "$(printf '\t')" -k1,1nr -k2,2n "$TMP/lines.tsv" | cut -f 3-
} >"$TMP/places.txt"
n=$(grep -c '^[^#[]' "$TMP/places.txt" || true)
[ "$n" -ge 20000 ] || { echo "mkplaces: only $n places (expected at least 20000)" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
mv "$TMP/places.txt" "$OUT"
echo "mkplaces: $n places -> $OUT" >&2
