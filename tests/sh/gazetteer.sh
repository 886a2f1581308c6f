#!/bin/sh
# tests/sh/gazetteer.sh: the set-up time generators of the gazetteer and the ISO countries.
#
# Runs tools/mkplaces.sh and tools/mkcountries.sh into a temporary folder and checks what
# they write: at least 20,000 places, six columns a line, first-level regions as places, every country code one of
# iso-codes' 249, the seed's capitals where they belong (Tehran in IRN near 35.69,51.42,
# Pyongyang in PRK, Washington in USA), a deterministic output, and 249 distinct countries.
# Prints "ok NAME" / "FAIL NAME" / "skip NAME" lines for tests/run.sh. A missing
# libgeonames0, jq or iso-codes is a FAIL, not a skip: tools/setup.sh installs them.
cd "$(dirname "$0")/../.." || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
T=gazetteer

ok() { echo "ok   $T/$1"; }
fail() { echo "FAIL $T/$1${2:+ ($2)}"; }
check() { # NAME CONDITION-STATUS [DETAIL]
    if [ "$2" -eq 0 ]; then ok "$1"; else fail "$1" "${3:-}"; fi
}

# --- countries -----------------------------------------------------------------------------
if sh tools/mkcountries.sh "$TMP/countries.txt" 2>"$TMP/countries.err"; then
    ok mkcountries
    grep '^[A-Z][A-Z][A-Z] |' "$TMP/countries.txt" | cut -c1-3 >"$TMP/codes"
    n=$(wc -l <"$TMP/codes")
    d=$(sort -u "$TMP/codes" | wc -l)
    [ "$n" -eq 249 ] && [ "$d" -eq 249 ]
    check countries-249-distinct $? "$n lines, $d distinct codes"
    bad=$(grep -v -e '^#' -e '^\[countries\]$' -e '^$' "$TMP/countries.txt" |
        awk -F'|' 'NF != 4 || $2 ~ /^ *$/ || $1 !~ /^[A-Z][A-Z][A-Z] $/' | head -n 3)
    [ -z "$bad" ]
    check countries-columns $? "$bad"
    grep -q '^PRK | .*North Korea' "$TMP/countries.txt" && grep -q '^IRN | .*; Iran |' "$TMP/countries.txt" &&
        grep -q '^KOR | .*Republic of Korea' "$TMP/countries.txt"
    check countries-names $?
else
    fail mkcountries "$(head -n 1 "$TMP/countries.err")"
fi

# --- places --------------------------------------------------------------------------------
start=$(date +%s)
if sh tools/mkplaces.sh "$TMP/places.txt" 2>"$TMP/places.err"; then
    ok mkplaces "$(($(date +%s) - start))s, reported, not asserted: tests never assert timings"
    grep -v -e '^#' -e '^\[places\]$' -e '^$' "$TMP/places.txt" >"$TMP/lines"
    n=$(wc -l <"$TMP/lines")
    [ "$n" -ge 20000 ]
    check places-20000 $? "$n places"
    bad=$(awk -F'|' 'NF != 6' "$TMP/lines" | head -n 3)
    [ -z "$bad" ]
    check places-six-columns $? "$bad"
    # NAMES nonempty, ISO3, LAT,LON with 4 decimals in range, integer population and id.
    bad=$(awk -F' [|] ' '
        $1 == "" || $1 ~ /^ / || $1 ~ /[#]/ || $2 !~ /^[A-Z][A-Z][A-Z]$/ ||
        $4 !~ /^-?[0-9]+[.][0-9][0-9][0-9][0-9],-?[0-9]+[.][0-9][0-9][0-9][0-9]$/ ||
        $5 !~ /^[0-9]+$/ || $6 !~ /^[0-9]+$/ { print; next }
        { split($4, c, ","); if (c[1] < -90 || c[1] > 90 || c[2] < -180 || c[2] > 180) print }
    ' "$TMP/lines" | head -n 3)
    [ -z "$bad" ]
    check places-fields $? "$bad"
    # ISO 3166-1 codes, plus Kosovo's CAMEO code KSV (ISO has none; mkplaces maps XK to it).
    { jq -r '."3166-1"[].alpha_3' /usr/share/iso-codes/json/iso_3166-1.json; echo KSV; } | sort >"$TMP/iso3"
    awk -F' [|] ' '{ print $2 }' "$TMP/lines" | sort -u >"$TMP/used"
    bad=$(comm -23 "$TMP/used" "$TMP/iso3" | head -n 5 | tr '\n' ' ')
    [ -z "$bad" ]
    check places-iso3-valid $? "not in iso-codes: $bad"
    if [ -f "$TMP/codes" ]; then
        bad=$({ cat "$TMP/codes"; echo KSV; } | sort -u | comm -13 - "$TMP/used" | head -n 5 | tr '\n' ' ')
        [ -z "$bad" ]
        check places-iso3-in-countries $? "not in the countries file: $bad"
    fi
    dup=$(awk -F' [|] ' '$6 != 0 { print $6 }' "$TMP/lines" | sort | uniq -d | head -n 3 | tr '\n' ' ')
    [ -z "$dup" ]
    check places-ids-distinct $? "$dup"
    # First-level regions are places (feature id 0): with the name without its kind, never
    # a name two countries' regions hold, never a name of compass words only.
    awk -F' [|] ' '$6 == 0' "$TMP/lines" >"$TMP/regions"
    grep -q '^Khyber Pakhtunkhwa | PAK | Khyber Pakhtunkhwa | [0-9.]*,[0-9.]* | 0 | 0$' "$TMP/regions" &&
        grep -q '^Sindh Province; Sindh | PAK |' "$TMP/regions" && grep -q '; Manipur | IND |' "$TMP/regions"
    check places-regions $?
    bad=$(grep -E -i -e '(^|; )(Punjab|North West|Northern|Eastern Region)( ;| [|])' "$TMP/regions" | head -n 3)
    [ -z "$bad" ]
    check places-regions-unambiguous $? "$bad"
    # place NAME ISO3 LAT LON: a line whose names include NAME, in ISO3, within 0.2 degrees
    place() {
        awk -F' [|] ' -v name="$1" -v iso="$2" -v lat="$3" -v lon="$4" '
            function abs(x) { return x < 0 ? -x : x }
            $2 == iso {
                k = split($1, names, "; ")
                for (i = 1; i <= k; i++) if (names[i] == name) {
                    split($4, c, ",")
                    if (lat == "" || (abs(c[1] - lat) < 0.2 && abs(c[2] - lon) < 0.2)) found = 1
                }
            }
            END { exit !found }' "$TMP/lines"
    }
    place Tehran IRN 35.69 51.42
    check place-tehran $?
    place Pyongyang PRK 39.03 125.75
    check place-pyongyang $?
    place "Washington D.C." USA 38.90 -77.04
    check place-washington-dc $?
    place Washington USA
    check place-washington-usa $?
    place "Sao Paulo" BRA -23.55 -46.64
    check place-ascii-name $?
    sh tools/mkplaces.sh "$TMP/places2.txt" 2>/dev/null && cmp -s "$TMP/places.txt" "$TMP/places2.txt"
    check places-deterministic $?
else
    fail mkplaces "$(head -n 1 "$TMP/places.err")"
fi
exit 0
