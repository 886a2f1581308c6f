#!/bin/sh
# tests/sh/pathological.sh: pathological inputs with time budgets (issue 8).
#
# Generates each input on the fly into a temporary folder: a 1,000,000-token
# sentence, 100,000 repetitions of an actor name (one paragraph, and one
# sentence a paragraph), 100,000 levels of nested quotes and brackets, a story
# of only abbreviations, a 100 MB line with no newline (plain text and as a
# JSON line), 10 MB of NUL bytes, invalid UTF-8 soup, an empty file, a JSON
# record cut in half followed by a good one, and a binary file (/bin/ls).
# Each runs through `khaldun read` and `khaldun code` under `timeout` with a
# generous budget proportional to its size (guards against quadratic blow-up,
# not benchmarks: 30 s + 60 s per 100 MB, times 8 for sanitizer builds), and
# checks: exit status 0 or 1 (never a crash, never 2), standard output valid
# JSON Lines (jq), and a rejected record named as `khaldun: FILE:LINE: ...`.
# Prints "ok NAME (seconds)" / "FAIL NAME" / "skip NAME" lines for tests/run.sh.
cd "$(dirname "$0")/../.." || exit 1
BIN=${KHALDUN_BIN:-./khaldun}
T=pathological
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

ok() { echo "ok   $T/$1${2:+ ($2)}"; }
fail() { echo "FAIL $T/$1${2:+ ($2)}"; }
skip() { echo "skip $T/$1${2:+ ($2)}"; }

if [ ! -x "$BIN" ]; then skip all "no $BIN"; exit 0; fi
if ! command -v jq >/dev/null 2>&1; then fail all "jq is missing (tools/setup.sh installs it)"; exit 0; fi
DATA=${KHALDUN_DATA:-build/data}
have_images=1
[ -f "$DATA/lexicon.img" ] && [ -f "$DATA/khaldun.dict" ] || have_images=0
export KHALDUN_DATA=$DATA

# Sanitizer builds are many times slower: widen the budgets, keep the guard.
SLOW=${KH_PATHO_SLOW:-1}
case $BIN in *asan* | *ubsan* | *build-*) SLOW=${KH_PATHO_SLOW:-8} ;; esac

now_ms() { date +%s%3N; }

# Doubles FILE until it holds at least BYTES bytes, then cuts it there.
grow() { # FILE BYTES
    while [ "$(wc -c <"$1")" -lt "$2" ]; do
        cat "$1" "$1" >"$1.tmp" && mv "$1.tmp" "$1"
    done
    head -c "$2" "$1" >"$1.tmp" && mv "$1.tmp" "$1"
}

# run NAME CMD FILE [EXPECT_REJECT_LINE]: one command on one input, checked.
# EXPECT_REJECT_LINE, when given, is a line number that must be reported as
# `khaldun: FILE:LINE: ...` on standard error.
run() {
    name=$1 cmd=$2 file=$3 want_line=${4:-}
    size=$(wc -c <"$file")
    budget=$(((30 + size / 1666666) * SLOW)) # 30 s + 60 s per 100 MB
    t0=$(now_ms)
    timeout "$budget" "$BIN" "$cmd" "$file" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    t1=$(now_ms)
    secs=$(awk -v ms=$((t1 - t0)) 'BEGIN { printf "%.2fs", ms / 1000 }')
    if [ "$rc" -eq 124 ]; then fail "$name/$cmd" "over its budget of ${budget}s"; return; fi
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
        fail "$name/$cmd" "exit status $rc: $(head -c 300 "$TMP/err")"; return
    fi
    if ! jq -c . <"$TMP/out" >/dev/null 2>"$TMP/jq.err"; then
        fail "$name/$cmd" "output is not valid JSON Lines: $(head -c 200 "$TMP/jq.err")"; return
    fi
    # every message names the file (and a line when it is about a record)
    if grep -v -e "^khaldun: $file:[0-9][0-9]*: " -e '^khaldun: [0-9]* stor' "$TMP/err" |
        grep -q .; then
        fail "$name/$cmd" "message without FILE:LINE: $(grep -v "^khaldun: $file:" "$TMP/err" | head -n 2)"
        return
    fi
    if [ -n "$want_line" ] && ! grep -q "^khaldun: $file:$want_line: " "$TMP/err"; then
        fail "$name/$cmd" "no 'khaldun: $file:$want_line: ...' message"; return
    fi
    if [ "$rc" -eq 1 ] && ! grep -q "^khaldun: $file:[0-9][0-9]*: " "$TMP/err"; then
        fail "$name/$cmd" "exit status 1 with no rejected record named"; return
    fi
    ok "$name/$cmd" "$secs, budget ${budget}s, rc $rc"
}

both() { # NAME FILE [EXPECT_REJECT_LINE]
    run "$1" read "$2" "${3:-}"
    if [ $have_images = 1 ]; then run "$1" code "$2" "${3:-}"; else skip "$1/code" "no images in $DATA"; fi
}

# --- a 1,000,000-token sentence ------------------------------------------------------------
printf 'Iran ' >"$TMP/tok"
grow "$TMP/tok" 5000000 # 1,000,000 tokens of "Iran "
printf 'visited Russia.\n' >>"$TMP/tok"
both million-tokens "$TMP/tok"

# --- 100,000 repetitions of an actor name --------------------------------------------------
printf 'Pezeshkian met Putin. ' >"$TMP/rep1"
grow "$TMP/rep1" 2200000 # 22 bytes x 100,000, one paragraph
printf '\n' >>"$TMP/rep1"
both actor-100k-paragraph "$TMP/rep1"
printf 'Pezeshkian met Putin.\n\n' >"$TMP/rep2"
grow "$TMP/rep2" 2300000 # one sentence a paragraph
both actor-100k-sentences "$TMP/rep2"

# --- 100,000 levels of nested quotes and brackets ------------------------------------------
printf '("[{\xe2\x80\x9c' >"$TMP/open"
grow "$TMP/open" 700000 # 7 bytes x 100,000
printf '\xe2\x80\x9d}]")' >"$TMP/close"
grow "$TMP/close" 700000
{ cat "$TMP/open"; printf ' Iran visited Russia. '; cat "$TMP/close"; printf '\n'; } >"$TMP/nest"
both nested-100k "$TMP/nest"
printf '"' >"$TMP/q"
grow "$TMP/q" 100000
{ cat "$TMP/q"; printf 'Iran said "Russia said "Putin met Pezeshkian".\n'; } >"$TMP/quotes"
both quotes-100k "$TMP/quotes"

# --- a story of only abbreviations ---------------------------------------------------------
printf 'U.S. Gen. Mr. Dr. e.g. i.e. Jan. Sen. Rep. No. St. A. B. C. ' >"$TMP/abbr"
grow "$TMP/abbr" 1000000
printf '\n' >>"$TMP/abbr"
both abbreviations "$TMP/abbr"

# --- a 100 MB line with no newline: plain text, and one JSON line ---------------------------
head -c 100000000 /dev/zero | tr '\0' 'a' >"$TMP/line.txt"
both line-100mb "$TMP/line.txt"
{ printf '{"id":"big","text":"'; head -c 100000000 /dev/zero | tr '\0' 'a'; printf '"}'; } >"$TMP/line.jsonl"
both line-100mb-json "$TMP/line.jsonl" 1
rm -f "$TMP/line.txt" "$TMP/line.jsonl"

# --- 10 MB of NUL bytes --------------------------------------------------------------------
head -c 10000000 /dev/zero >"$TMP/nul"
both nul-10mb "$TMP/nul"

# --- invalid UTF-8 soup --------------------------------------------------------------------
printf 'Iran \xff\xfe visited \xc0\x80 Russia \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x80 . \x80\x80 Putin\xc3 met \xf0\x9f\x98 Pezeshkian.\n' >"$TMP/soup"
grow "$TMP/soup" 3000000
both utf8-soup "$TMP/soup"

# --- an empty file -------------------------------------------------------------------------
: >"$TMP/empty"
both empty "$TMP/empty"

# --- a JSON record cut in half, then a good one -------------------------------------------
printf '{"id":"cut","text":"Iran visited Russia and met\n{"id":"good","date":"2024-08-01","text":"Pezeshkian met Putin in Moscow."}\n' >"$TMP/cut.jsonl"
both json-cut "$TMP/cut.jsonl" 1
"$BIN" read "$TMP/cut.jsonl" 2>/dev/null | jq -r .id >"$TMP/ids" 2>/dev/null
if [ "$(cat "$TMP/ids")" = good ]; then ok json-cut/good-read; else fail json-cut/good-read "ids: $(tr '\n' ' ' <"$TMP/ids")"; fi
if [ $have_images = 1 ]; then
    "$BIN" code "$TMP/cut.jsonl" >/dev/null 2>"$TMP/err"
    if grep -q "^khaldun: 1 story read, 1 rejected" "$TMP/err"; then ok json-cut/good-coded
    else fail json-cut/good-coded "$(tail -n 1 "$TMP/err")"; fi
fi

# --- a binary file -------------------------------------------------------------------------
if [ -f /bin/ls ]; then
    cp /bin/ls "$TMP/ls.bin"
    both binary "$TMP/ls.bin"
else
    skip binary "no /bin/ls"
fi
exit 0
