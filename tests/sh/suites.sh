#!/bin/sh
# tests/sh/suites.sh: the peers' own validation suites, coded with the
# peers' own dictionaries through khaldun's importers and the imported
# matcher (src/events/imported.c).
#
# Runs `khaldun eval --min-strict FLOOR` on ../shared/suites/tabari-validate
# and ../shared/suites/petrarch-unittest. Each floor sits just under the
# strict pass rate reached when it was set; floors only ever go up (never
# lower one to make a run green, never edit the suites). Skips when the
# shared suites are absent ($KHALDUN_SHARED overrides ../shared; the binary
# is $KHALDUN_BIN). Prints ok/FAIL/skip lines.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KHALDUN_BIN:-./khaldun}
SHARED=${KHALDUN_SHARED:-../shared}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

suite() { # NAME DIR FLOOR
    T=suites/$1
    if [ ! -d "$2" ]; then echo "skip $T (no shared)"; return; fi
    if "$BIN" eval --min-strict "$3" "$2" >"$TMP/out" 2>"$TMP/err"; then
        echo "ok   $T ($(tail -n 1 "$TMP/out" | sed 's/.*strict/strict/'); floor $3%)"
    else
        echo "FAIL $T (floor $3%)"
        tail -n 1 "$TMP/out" | sed 's/^/    /'
        sed 's/^/    /' "$TMP/err" | head -n 5
    fi
}

suite tabari "$SHARED/suites/tabari-validate" 94.9
suite petrarch "$SHARED/suites/petrarch-unittest" 90.0
