#!/bin/sh
# tests/sh/dict.sh: the default dictionary image, checked as a user would:
# every CAMEO code has a verb pattern; every ISO 3166 country resolves by its
# name, its demonym and its capital; the seed's actors resolve with their
# role on the story's date. Prints ok/FAIL/skip lines (see tests/run.sh).
set -u
BIN=${KHALDUN_BIN:-./khaldun}
IMG=${KHALDUN_DATA:-build/data}/khaldun.dict
if [ ! -f "$IMG" ]; then echo "skip dict/all (no image: run make data)"; exit 0; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# 1. Every code of the ontology has at least one pattern.
"$BIN" dict codes "$IMG" >"$T/codes"
n=$(wc -l <"$T/codes")
none=$(awk -F'\t' '$4 == 0 {print $1}' "$T/codes" | tr '\n' ' ')
if [ "$n" -ge 300 ] && [ -z "$none" ]; then echo "ok   dict/every-code-has-a-pattern ($n codes)"
else echo "FAIL dict/every-code-has-a-pattern ($n codes; without a pattern: $none)"; fi

# 2. Every ISO 3166 country by name, demonym and capital (first of each in data/countries.txt).
ISO=/usr/share/iso-codes/json/iso_3166-1.json
if [ -f "$ISO" ] && command -v jq >/dev/null; then
    jq -r '.["3166-1"][].alpha_3' "$ISO" | sort >"$T/iso"
    awk -F'|' '/^[A-Z][A-Z][A-Z] *\|/ {
        code=$1; gsub(/ /,"",code)
        for (col = 2; col <= 4; col++) {
            if (col > NF) continue
            split($col, alts, ";"); s = alts[1]; gsub(/^ +| +$/, "", s)
            sub(/#.*/, "", s); gsub(/ +$/, "", s)
            if (s != "") print code "\t" col "\t" s
        }
    }' data/countries.txt >"$T/want"
    fails=0; checked=0
    cut -f3 "$T/want" >"$T/phrases"
    tr '\n' '\0' <"$T/phrases" | xargs -0 "$BIN" dict lookup --image "$IMG" >"$T/got" 2>/dev/null
    while IFS="$(printf '\t')" read -r code col phrase; do
        grep -q "^$code\$" "$T/iso" || continue
        checked=$((checked + 1))
        if ! awk -F'\t' -v p="$phrase" -v c="$code" '$1 == p && $3 == c {f=1} END {exit !f}' "$T/got"; then
            fails=$((fails + 1))
            [ $fails -le 10 ] && echo "    $code: '$phrase' (column $col) does not resolve to $code"
        fi
    done <"$T/want"
    covered=$(cut -f1 "$T/want" | sort -u | grep -c -x -f "$T/iso")
    if [ "$fails" -eq 0 ] && [ "$covered" -eq "$(wc -l <"$T/iso")" ]; then
        echo "ok   dict/iso-countries-resolve ($covered countries, $checked names, demonyms and capitals)"
    else
        echo "FAIL dict/iso-countries-resolve ($fails of $checked fail; $covered of $(wc -l <"$T/iso") countries covered)"
    fi
else
    echo "skip dict/iso-countries-resolve (no iso-codes or jq)"
fi

# 3. The seed's actors, on the seed's dates.
check() { # date phrase expected-code
    got=$("$BIN" dict lookup --image "$IMG" --date "$1" "$2" | awk -F'\t' '$2 == "actor" || $2 == "capital" || $2 == "country" {print $3; exit}')
    if [ "$got" = "$3" ]; then echo "ok   dict/seed-actor '$2' $1 = $3"
    else echo "FAIL dict/seed-actor '$2' $1: got '$got', want $3"; fi
}
check 2024-04-24 "Pyongyang" PRK
check 2024-04-24 "Tehran" IRN
check 2024-07-10 "Washington" USA
check 2024-04-24 "Yun Jung Ho" PRKGOV
check 2024-04-24 "Kim Jong Un" PRKGOV
check 2024-04-24 "Zhao Leji" CHNLEG
check 2019-06-01 "Zhao Leji" CHNGOV
check 2024-07-10 "Rafael Grossi" IGOUNOIAE
check 2024-07-10 "IAEA" IGOUNOIAE
check 2024-08-01 "Masoud Pezeshkian" IRNGOV
check 2019-08-01 "Pak Chol Min" PRKLEG
