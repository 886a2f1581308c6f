#!/bin/sh
# tests/sh/seed.sh: the bundled example (examples/seed-2024.txt), coded with
# the default dictionaries: the main events a reader sees in each story are
# found with the right actors and codes, and no event comes from a caption
# or a credit line. Expected events were written by reading the stories.
set -u
BIN=${KHALDUN_BIN:-./khaldun}
if [ ! -f "${KHALDUN_DATA:-build/data}/khaldun.dict" ]; then echo "skip seed (no images: make data)"; exit 0; fi
if ! command -v jq >/dev/null; then echo "skip seed (no jq)"; exit 0; fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$BIN" code --quiet --date 2024-04-24 examples/seed-2024.txt >"$T/events" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] && echo "ok   seed/code-runs" || { echo "FAIL seed/code-runs (exit $rc)"; cat "$T/err"; }
jq -r '[.source, (.target // "-"), .code] | join(" ")' "$T/events" >"$T/got"
want() { # source target code why
    if grep -qx "$1 $2 $3" "$T/got"; then echo "ok   seed/event $1 $2 $3 ($4)"
    else echo "FAIL seed/event $1 $2 $3 ($4) not found; got: $(tr '\n' ';' <"$T/got")"; fi
}
want PRK IRN 042 "North Korea sends a delegation to Iran"
want PRKGOV RUS 042 "Kim visited Russia's Far East in 2023"
want PRKGOV CHNLEG 043 "Kim hosted Zhao Leji"
want IGOUNOIAE IRN 036 "Grossi intends to visit Tehran, ready to travel to Iran"
want USA IRN 130 "Washington sent a secret warning to Tehran"
# The headline's event: Grossi wants to meet Pezeshkian (an Iranian government
# or legislature code, depending on the date his presidency starts).
if grep -Eq '^IGOUNOIAE IRN(GOV|LEG) 036$' "$T/got"; then echo "ok   seed/event Grossi wants to meet Pezeshkian"
else echo "FAIL seed/event Grossi wants to meet Pezeshkian not found"; fi
# Dates, with the precision the text gives: the 2023 visit (a year, not 1 January),
# last month's warning, the meeting earlier this month.
date_of() { jq -r "select($1) | .date + \" \" + .date_precision" "$T/events" | head -n 1; }
d=$(date_of '.code == "042" and .source == "PRKGOV"')
[ "$d" = "2023-01-01 year" ] && echo "ok   seed/date 'In 2023' -> $d" || echo "FAIL seed/date 'In 2023' -> '$d'"
d=$(date_of '.code == "130"')
[ "$d" = "2024-03-01 month" ] && echo "ok   seed/date 'last month' -> $d" || echo "FAIL seed/date 'last month' -> '$d'"
d=$(date_of '.code == "043"')
[ "$d" = "2024-04-01 month" ] && echo "ok   seed/date 'Earlier this month' -> $d" ||
    echo "FAIL seed/date 'Earlier this month' -> '$d'"
# GDELT has no precision column: a year is SQLDATE YYYY0000 (MonthYear YYYY00), a month YYYYMM00.
"$BIN" code --quiet --format gdelt --date 2024-04-24 examples/seed-2024.txt 2>/dev/null |
    awk -F '\t' '{print $2, $3, $4}' | sort -u >"$T/gd"
if grep -qx '20230000 202300 2023' "$T/gd" && grep -qx '20240300 202403 2024' "$T/gd" &&
    ! grep -q '^20230101' "$T/gd"; then echo "ok   seed/gdelt-sqldate-precision"
else echo "FAIL seed/gdelt-sqldate-precision (got $(tr '\n' ';' <"$T/gd"))"; fi
# No event from the background clause "until North Korea sealed its borders" (modality.c);
# with --hypothetical it is there, flagged, and not dated by the next clause's "in 2023".
if jq -r '.text' "$T/events" | grep -q 'sealed its borders'; then
    echo "FAIL seed/no-background-event (the 'sealed its borders' clause was coded)"
else
    echo "ok   seed/no-background-event"
fi
"$BIN" code --quiet --hypothetical --date 2024-04-24 examples/seed-2024.txt 2>/dev/null |
    jq -r 'select(.text | test("sealed its borders")) | [.modality, .date] | join(" ")' >"$T/bg"
[ "$(cat "$T/bg")" = "background 2024-04-24" ] && echo "ok   seed/background-flagged" ||
    echo "FAIL seed/background-flagged (got '$(tr '\n' ';' <"$T/bg")')"
# Nothing from captions or credits; every event has evidence inside a unit.
if jq -r '.text' "$T/events" | grep -Eq 'Photo by|\(Reuters\)|Grand Bazaar|Dupont Circle'; then
    echo "FAIL seed/no-caption-events"
else
    echo "ok   seed/no-caption-events"
fi
