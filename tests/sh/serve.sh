#!/bin/sh
# tests/sh/serve.sh: `khaldun serve` (cli/cmd_serve.c, cli/serve_api.c, docs/serve.md).
#
# Codes examples/seed-2024.txt and tests/fixtures/serve/hostile.txt (markup in a story, and a
# sentence with non-ASCII text before its spans) into a store, starts the server on a free
# loopback port, and checks with curl and jq:
#   api/NAME        each request of tests/fixtures/serve/requests.txt: status and body against
#                   expected/NAME.out (JSON sorted by jq -S); errors are JSON with "error"
#   read-only       the store's bytes are unchanged after every request; POST, PUT, DELETE 405
#   loopback        it listens on 127.0.0.1 only (/proc/net/tcp); a foreign Host header is 403
#   log             one log line per request
#   concurrent      50 parallel API requests per round while `khaldun code --db` ingests into
#                   the same store: every answer a 200 with valid JSON, and the server sees the
#                   ingested events without a restart
#   sigint          Ctrl-C (SIGINT) stops it: exit status 0, "stopped" logged
# In the plain build only (not under build-asan / build-ubsan, where they would measure the
# sanitizers): the load test (tests/serve/load.mjs, requests/s for a page of 100 events,
# reported, not asserted) and the browser test (tests/serve/browser.mjs, headless Debian
# chromium through puppeteer-core; screenshots in build/serve/). Without node, chromium or
# node_modules (npm ci) the browser test skips saying why; with CI=true tests/run.sh fails
# on that skip.
# Regenerate expectations (after checking the differences by hand): SERVE_BLESS=1 sh tests/sh/serve.sh
cd "$(dirname "$0")/../.." || exit 1
T=serve
BIN=${KHALDUN_BIN:-$(pwd)/khaldun}
DATA=${KHALDUN_DATA:-build/data}
BUILD=${KHALDUN_BUILD:-build}
FIX=tests/fixtures/serve
if [ ! -f "$DATA/lexicon.img" ]; then echo "skip $T (no $DATA/lexicon.img: make data)"; exit 0; fi
for tool in curl jq sha256sum; do
    command -v $tool >/dev/null 2>&1 || { echo "FAIL $T/tools ($tool missing: tools/setup.sh installs it)"; exit 0; }
done
export KHALDUN_DATA=$DATA
TMP=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
ok() { echo "ok   $T/$1${2:+ ($2)}"; }
fail() { echo "FAIL $T/$1${2:+ ($2)}"; }
check() { if [ "$2" -eq 0 ]; then ok "$1" "${4:-}"; else fail "$1" "${3:-}"; fi; }

# start DB LOG: starts the server on a free port; sets PID and URL (fails the test when not up).
start() {
    "$BIN" serve --db "$1" --port 0 2>"$2" &
    PID=$!
    i=0
    while [ $i -lt 300 ]; do
        port=$(sed -n 's#^khaldun: serving .* on http://127\.0\.0\.1:\([0-9]*\)/ .*#\1#p' "$2")
        [ -n "$port" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1; i=$((i + 1))
    done
    if [ -z "$port" ]; then fail start "$(head -n 3 "$2")"; PID=""; return 1; fi
    URL=http://127.0.0.1:$port
}
# stop: SIGINT, then waits (at most 30 s) for the exit; sets STOP_RC.
stop() {
    kill -INT "$PID"
    i=0
    while kill -0 "$PID" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$PID" 2>/dev/null; then kill -9 "$PID"; STOP_RC=killed; else wait "$PID"; STOP_RC=$?; fi
    PID=""
}
# get PATH: body to $TMP/body, status to $TMP/code.
# Image hashes and dictionary line numbers change with every dictionary edit.
NORM='s/[0-9a-f]{16}/DICT/g; s|(data/[a-z]+[.]txt):[0-9]+|\1:N|g'
get() { curl -s -g --path-as-is -o "$TMP/body" -w '%{http_code}' "$URL$1" >"$TMP/code" 2>/dev/null; }

DB=$TMP/events.db
"$BIN" code --quiet --date 2024-04-24 --db "$DB" examples/seed-2024.txt $FIX/hostile.txt 2>"$TMP/code.err"
check code-db $? "$(head -n 3 "$TMP/code.err")"
start "$DB" "$TMP/serve.log" || exit 0
before=$(sha256sum <"$DB")

# --- the API against expectations ------------------------------------------------------------
mkdir -p "$TMP/got"
n_requests=0
grep -v -e '^#' -e '^ *$' $FIX/requests.txt >"$TMP/requests"
while IFS='|' read -r name path want; do
    name=$(echo "$name" | tr -d ' '); path=$(echo "$path" | tr -d ' '); want=$(echo "$want" | tr -d ' ')
    get "$path"
    n_requests=$((n_requests + 1))
    code=$(cat "$TMP/code")
    case $path in
        /api/export*format=csv* | /api/export*format=gdelt*) sed -E "$NORM" "$TMP/body" ;;
        *) jq -S . "$TMP/body" 2>/dev/null | sed -E "$NORM" ;;
    esac >"$TMP/got/$name.out"
    if [ -n "${SERVE_BLESS:-}" ]; then mkdir -p $FIX/expected; cp "$TMP/got/$name.out" $FIX/expected/; fi
    why=""
    [ "$code" = "$want" ] || why="status $code, expected $want"
    case $want in 4*) jq -e '.error | type == "string"' "$TMP/body" >/dev/null 2>&1 || why="$why; no JSON error" ;; esac
    if [ ! -s "$TMP/got/$name.out" ] || ! cmp -s "$TMP/got/$name.out" "$FIX/expected/$name.out"; then
        why="$why; body differs"
        diff -u "$FIX/expected/$name.out" "$TMP/got/$name.out" 2>&1 | head -n 15 | sed 's/^/    /'
    fi
    if [ -z "$why" ]; then ok "api/$name"; else fail "api/$name" "GET $path: ${why#; }"; fi
done <"$TMP/requests"

# --- nothing can write ------------------------------------------------------------------------
bad=""
for m in POST PUT DELETE PATCH; do
    code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X $m -d 'x=1' "$URL/api/events")
    n_requests=$((n_requests + 1))
    [ "$code" = 405 ] && jq -e .error "$TMP/body" >/dev/null 2>&1 || bad="$bad $m:$code"
done
[ -z "$bad" ] && [ "$(sha256sum <"$DB")" = "$before" ] && [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]
check read-only $? "writes answered$bad, or the store changed" "POST PUT DELETE PATCH: 405, store unchanged"

# --- loopback and Host ------------------------------------------------------------------------
hexport=$(printf '%04X' "${URL##*:}")
listen=$(awk -v p=":$hexport" '$2 ~ p"$" && $4 == "0A" {print $2}' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: evil.example' "$URL/api/info")
code2=$(curl -s -o /dev/null -w '%{http_code}' -H "Host: localhost:${URL##*:}" "$URL/api/info")
n_requests=$((n_requests + 2))
[ "$listen" = "0100007F:$hexport" ] && [ "$code" = 403 ] && [ "$code2" = 200 ]
check loopback $? "listening on '$listen', foreign Host $code, localhost $code2"

# --- one log line per request -----------------------------------------------------------------
lines=$(grep -c '^serve: 127\.0\.0\.1 ' "$TMP/serve.log")
[ "$lines" -eq "$n_requests" ]
check log $? "$lines log lines for $n_requests requests" "$lines lines"

# --- Ctrl-C -----------------------------------------------------------------------------------
stop
[ "$STOP_RC" = 0 ] && tail -n 1 "$TMP/serve.log" | grep -q 'stopped$'
check sigint $? "exit $STOP_RC: $(tail -n 1 "$TMP/serve.log")"

# --- parallel requests while an ingest writes -------------------------------------------------
# Short stories on 1,500 different days: 3,000 new events, committed every 500 stories.
gen() { # gen N PREFIX: N JSON Lines stories
    awk -v n="$1" -v p="$2" 'BEGIN { for (i = 0; i < n; i++) {
        d = 1 + i % 28; m = 1 + int(i / 28) % 12; y = 2000 + int(i / 336);
        printf "{\"id\":\"%s-%d\",\"date\":\"%04d-%02d-%02d\",\"text\":\"Iran accused the United States of spying on Tehran. Israel’s président Herzog met Egypt’s leader in Cairo.\"}\n", p, i, y, m, d } }'
}
gen 1500 ingest >"$TMP/ingest.jsonl"
start "$DB" "$TMP/serve2.log" || exit 0
get /api/info
first=$(jq .events "$TMP/body")
"$BIN" code --quiet --db "$DB" "$TMP/ingest.jsonl" 2>"$TMP/ingest.err" &
INGEST=$!
round=0
mkdir -p "$TMP/par"
paths="/api/events?limit=100 /api/series?period=month /api/network /api/places /api/top?by=actors /api/info /api/events?actor=IRN*&offset=10 /api/event?id=1 /api/top?by=codes&quad=3 /api/series?dyad=IRN,USA&period=week"
while :; do
    round=$((round + 1))
    i=0
    for k in 1 2 3 4 5; do for p in $paths; do i=$((i + 1)); echo "$i $p"; done; done >"$TMP/par/list"
    # 50 requests at once; each answer's status and body kept.
    xargs -P 50 -L 1 sh -c 'curl -s -g -o "$0/$1.$3.body" -w "%{http_code}" "$2$4" >"$0/$1.$3.code"' \
        "$TMP/par" "$round" "$URL" <"$TMP/par/list"
    kill -0 "$INGEST" 2>/dev/null || break
    [ $round -ge 200 ] && break
done
wait "$INGEST"
ingest_rc=$?
get /api/info
last=$(jq .events "$TMP/body")
stored=$(sqlite3 "$DB" 'SELECT count(*) FROM events')
total=0; bad=0
for f in "$TMP"/par/*.code; do
    total=$((total + 1))
    b=${f%.code}.body
    if [ "$(cat "$f")" != 200 ] || ! jq -e . "$b" >/dev/null 2>&1; then
        bad=$((bad + 1)); [ $bad -le 3 ] && echo "    $(basename "$f"): $(cat "$f") $(head -c 200 "$b")"
    fi
done
[ "$ingest_rc" = 0 ] && [ "$bad" = 0 ] && [ "$total" -ge 50 ] && [ "$last" = "$stored" ] && [ "$last" -gt "$first" ]
check concurrent $? "ingest exit $ingest_rc; $bad of $total answers bad; events $first -> $last, store has $stored" \
    "$total requests in $round rounds during the ingest, all 200 JSON; events $first -> $last"
stop

# --- load and browser (plain build only) ------------------------------------------------------
if [ "$BUILD" != build ]; then
    echo "    (serve: load and browser tests run in the plain make check, not under $BUILD)"
    exit 0
fi
if ! command -v node >/dev/null 2>&1; then
    echo "skip $T/load (no node: tools/setup.sh installs nodejs)"
    echo "skip $T/browser (no node: tools/setup.sh installs nodejs)"
    exit 0
fi
LDB=$TMP/load.db
gen 300 load >"$TMP/load.jsonl"
"$BIN" code --quiet --db "$LDB" "$TMP/load.jsonl" 2>/dev/null
start "$LDB" "$TMP/serve3.log" || exit 0
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
c0=$(cpu)
if node tests/serve/load.mjs "$URL/api/events?limit=100" 4000 8 >"$TMP/load.out" 2>&1; then
    c1=$(cpu)
    ticks=$(getconf CLK_TCK)
    ok load "$(cat "$TMP/load.out"); server CPU $(awk -v c=$((c1 - c0)) -v t="$ticks" 'BEGIN { printf "%.3f", c / t * 1000 / 4000 }') ms a request"
else
    fail load "$(cat "$TMP/load.out")"
fi
stop

CHROMIUM=""
for c in /usr/lib/chromium/chromium /usr/bin/chromium; do [ -x "$c" ] && { CHROMIUM=$c; break; }; done
if [ -z "$CHROMIUM" ]; then echo "skip $T/browser (no chromium: tools/setup.sh installs it)"; exit 0; fi
if [ ! -d node_modules/puppeteer-core ]; then echo "skip $T/browser (no node_modules/puppeteer-core: npm ci)"; exit 0; fi
if [ ! -f "$DATA/web/vendor/uPlot.iife.min.js" ]; then echo "skip $T/browser (no pages with libraries in $DATA/web: npm ci && make web)"; exit 0; fi
# The browser's store: the example again (the ingest above added to $DB).
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" code --quiet --date 2024-04-24 --db "$DB" examples/seed-2024.txt $FIX/hostile.txt 2>/dev/null
start "$DB" "$TMP/serve4.log" || exit 0
mkdir -p "$BUILD/serve"
CHROMIUM=$CHROMIUM node tests/serve/browser.mjs "$URL/" "$BUILD/serve" >"$TMP/browser.out" 2>&1
rc=$?
sed -n '/^ok\|^FAIL\|^    /p' "$TMP/browser.out"
if [ $rc -ne 0 ] && ! grep -q '^FAIL' "$TMP/browser.out"; then fail browser "exit $rc: $(tail -n 3 "$TMP/browser.out")"; fi
stop
