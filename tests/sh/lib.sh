# tests/sh/lib.sh: the common head of the shell tests, sourced from the project root after the
# test has set T, its name:
#
#   cd "$(dirname "$0")/../.." || exit 1
#   T=merge
#   . tests/sh/lib.sh
#   need_images lexicon.img        # "skip T (...)" and exit 0 when set-up has not built them
#   need_tools sqlite3 jq          # "FAIL T/tools (...)" and exit 0 when one is missing
#   make_tmp                       # $TMP, removed on exit (a test with more to clean up sets
#                                  # its own trap after this)
#
# It sets BIN (KHALDUN_BIN, else ./khaldun by its full path), DATA (KHALDUN_DATA, else the full
# build/data, exported as KHALDUN_DATA by need_images) and SHARED (KHALDUN_SHARED, else
# ../shared), and defines the lines tests/run.sh counts: ok NAME [DETAIL], fail NAME [DETAIL],
# skip NAME [DETAIL], and check NAME STATUS [FAIL-DETAIL] [OK-DETAIL] (ok when STATUS is 0);
# event_case DATE TEXT WANT NAME codes TEXT as a story of DATE and checks that one of its
# events is WANT, "SOURCE TARGET ROOT" ("-" for none) (needs jq and make_tmp).
BIN=${KHALDUN_BIN:-$(pwd)/khaldun}
DATA=${KHALDUN_DATA:-$(pwd)/build/data}
SHARED=${KHALDUN_SHARED:-$(cd .. && pwd)/shared}

ok() { echo "ok   $T/$1${2:+ ($2)}"; }
fail() { echo "FAIL $T/$1${2:+ ($2)}"; }
skip() { echo "skip $T/$1${2:+ ($2)}"; }
check() { if [ "$2" -eq 0 ]; then ok "$1" "${4:-}"; else fail "$1" "${3:-}"; fi; }

need_images() {
    for img in "$@"; do
        [ -f "$DATA/$img" ] || { echo "skip $T (no $DATA/$img: make data)"; exit 0; }
    done
    export KHALDUN_DATA=$DATA
}

need_tools() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 ||
            { echo "FAIL $T/tools ($tool missing: tools/setup.sh installs it)"; exit 0; }
    done
}

make_tmp() {
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT INT TERM
}

event_case_n=0
event_case() {
    event_case_n=$((event_case_n + 1))
    jq -cn --arg id "c$event_case_n" --arg d "$1" --arg t "$2" '{id: $id, date: $d, text: $t}' >"$TMP/in"
    "$BIN" code --quiet "$TMP/in" 2>"$TMP/err" |
        jq -r '[.source // "-", .target // "-", .code[0:2]] | join(" ")' >"$TMP/got"
    grep -qx "$3" "$TMP/got"
    check "$4" $? "want $3; got: $(tr '\n' ';' <"$TMP/got") $(head -c 200 "$TMP/err")"
}
