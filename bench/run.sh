#!/bin/sh
# bench/run.sh: khaldun's speed and memory benchmark (what `make bench` runs).
#
#   sh bench/run.sh [KHALDUN_BINARY]
#
# Over the Reuters-21578 corpus ($KHALDUN_SHARED/corpora/reuters21578/, 20 MB) and a
# file of at least 1 GB made by repeating it (build/bench/big.jsonl, generated here on
# the first run and reused; BENCH_CLEAN=1 removes it at the end), reports the median
# of BENCH_RUNS runs (default 3) of:
#   - roofs measured on the same file in the same run: `wc -l` and `cat FILE >/dev/null`;
#   - stages 1-4: `khaldun read --no-tokens` and `khaldun read` (MB/s, stories/s,
#     sentences/s);
#   - the language layer: `khaldun parse` (tokens, tags, chunks, clauses as JSON), and the
#     tags and chunks stage times of `khaldun code --stats`;
#   - the whole pipeline, `khaldun code -j 1` and with every core: MB/s, stories/s,
#     sentences/s, events/s, peak resident memory (GNU time), user+system CPU seconds,
#     throughput as a fraction of the read roof; and the -j 2 / -j 1 ratio;
#   - the time share of each stage (`khaldun code --stats`);
#   - the dictionary image: compile time of the default sources (as tools/build-data.sh
#     builds them) and load time (`khaldun dict info --time`).
# BENCH_BIG=0 skips the 1 GB part; there only the roofs, stages 1-4 and `code` on every
# core run, BENCH_BIG_RUNS times (default 1), since one single-threaded pass takes minutes. Runs bench/store.sh, bench/peer.sh and bench/dask-archive.py too when they exist. Prints the
# report and writes it to build/bench/report.txt. Nothing here asserts a timing: the
# machine may be shared, so the load average is printed with the figures.
set -u
BIN=${1:-./khaldun}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
SHARED=${KHALDUN_SHARED:-$(cd .. && pwd)/shared}
RUNS=${BENCH_RUNS:-3}
BIG=${BENCH_BIG:-1}
OUT=build/bench
CORPUS=$SHARED/corpora/reuters21578/reuters21578.jsonl
REPORT=$OUT/report.txt
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

[ -x "$BIN" ] || { echo "bench: no khaldun binary at $BIN" >&2; exit 2; }
[ -f "$CORPUS" ] || { echo "bench: no corpus at $CORPUS (set KHALDUN_SHARED)" >&2; exit 2; }
TIME=
[ -x /usr/bin/time ] && TIME=/usr/bin/time
CORES=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)

: >"$REPORT"
say() { printf '%s\n' "$*" | tee -a "$REPORT"; }

# run NAME CMD...: runs CMD (stdout to /dev/null, stderr to $TMP/NAME.err) RUNS times;
# leaves in $TMP/NAME.wall, .rss, .cpu one line per run (seconds, KB, seconds).
run() {
    name=$1
    shift
    : >"$TMP/$name.wall"
    : >"$TMP/$name.rss"
    : >"$TMP/$name.cpu"
    r=0
    while [ "$r" -lt "$RUNS" ]; do
        t0=$(date +%s%N)
        if [ -n "$TIME" ]; then
            "$TIME" -o "$TMP/$name.time" -f '%M %U %S' "$@" >/dev/null 2>"$TMP/$name.err"
        else
            "$@" >/dev/null 2>"$TMP/$name.err"
        fi
        rc=$?
        t1=$(date +%s%N)
        if [ "$rc" -gt 1 ]; then
            echo "bench: '$*' failed (exit $rc):" >&2
            tail -n 3 "$TMP/$name.err" >&2
            return 1
        fi
        echo "$t0 $t1" | awk '{ printf "%.6f\n", ($2 - $1) / 1e9 }' >>"$TMP/$name.wall"
        if [ -n "$TIME" ]; then
            tail -n 1 "$TMP/$name.time" | awk '{ print $1 }' >>"$TMP/$name.rss"
            tail -n 1 "$TMP/$name.time" | awk '{ printf "%.2f\n", $2 + $3 }' >>"$TMP/$name.cpu"
        fi
        r=$((r + 1))
    done
}

# median FILE: the median of the numbers in FILE ("" when empty).
median() {
    sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# rate AMOUNT SECONDS: AMOUNT per second, rounded.
rate() { awk -v a="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", a / s; else print "n/a" }'; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "n/a" }'; }
# stat KEY: a key=value field of the --stats line in $TMP/stats.err
stat_of() { sed -n 's/.*stats: threads=.* '"$1"'=\([0-9.]*\).*/\1/p' "$TMP/$2" | tail -n 1; }

# line LABEL NAME BYTES [STORIES SENTENCES [EVENTS]]: one line of the report.
line() {
    label=$1 name=$2 bytes=$3
    w=$(median "$TMP/$name.wall")
    s="$(printf '%-34s %8.3f s %8s MB/s' "$label" "$w" "$(mbs "$bytes" "$w")")"
    [ -n "${4:-}" ] && s="$s $(printf '%9s stories/s %9s sentences/s' "$(rate "$4" "$w")" "$(rate "$5" "$w")")"
    [ -n "${6:-}" ] && s="$s $(printf '%8s events/s' "$(rate "$6" "$w")")"
    if [ -s "$TMP/$name.rss" ]; then
        s="$s $(printf '%7s MB peak %7s s cpu' "$(awk -v k="$(median "$TMP/$name.rss")" 'BEGIN { printf "%.1f", k / 1024 }')" "$(median "$TMP/$name.cpu")")"
    fi
    say "$s"
}

# bench_file FILE LABEL MODE: MODE "full" runs everything; "big" (the 1 GB file) runs
# the roofs, stages 1-4 and the whole pipeline on every core only, BENCH_BIG_RUNS times
# (default 1): that part is there for scale and memory.
bench_file() {
    f=$1
    mode=$3
    bytes=$(wc -c <"$f" | tr -d ' ')
    say ""
    say "== $2: $f ($(mbs "$bytes" 1) MB)"
    run wc wc -l "$f" || return 1
    run cat cat "$f" || return 1
    if [ "$mode" = full ]; then
        # Counts (stories, sentences, tokens, events) and stage shares: one --stats run.
        "$BIN" code -j 1 --stats "$f" >/dev/null 2>"$TMP/stats.err" || true
    fi
    run read0 "$BIN" read --no-tokens "$f" || return 1
    run read1 "$BIN" read "$f" || return 1
    if [ "$mode" = full ]; then
        if "$BIN" --help 2>&1 | grep -q '^  parse '; then
            run parse "$BIN" parse "$f" || return 1
        fi
        run code1 "$BIN" code -j 1 "$f" || return 1
        [ "$CORES" -ge 2 ] && { run code2 "$BIN" code -j 2 "$f" || return 1; }
        run codeN "$BIN" code "$f" || return 1
    else
        run codeN "$BIN" code --stats "$f" || return 1
        cp "$TMP/codeN.err" "$TMP/stats.err"
    fi
    grep -q 'stats: threads=' "$TMP/stats.err" || { echo "bench: khaldun code --stats failed:" >&2; grep -v warning "$TMP/stats.err" | tail -n 3 >&2; return 1; }
    stories=$(stat_of stories stats.err)
    sents=$(stat_of sentences stats.err)
    events=$(stat_of events stats.err)
    say "stories $stories, sentences $sents, events $events (from khaldun code --stats)"
    say ""
    line "roof: wc -l" wc "$bytes"
    line "roof: cat >/dev/null" cat "$bytes"
    line "read --no-tokens (stages 1-3)" read0 "$bytes" "$stories" "$sents"
    line "read (stages 1-4, tokens)" read1 "$bytes" "$stories" "$sents"
    [ -s "$TMP/parse.wall" ] && line "parse (1-5: + tags, chunks; JSON)" parse "$bytes" "$stories" "$sents"
    [ -s "$TMP/code1.wall" ] && line "code -j 1 (whole pipeline)" code1 "$bytes" "$stories" "$sents" "$events"
    [ -s "$TMP/code2.wall" ] && line "code -j 2" code2 "$bytes" "$stories" "$sents" "$events"
    line "code (-j $CORES, every core)" codeN "$bytes" "$stories" "$sents" "$events"
    wc_=$(median "$TMP/cat.wall")
    say ""
    for k in code1 codeN; do
        [ -s "$TMP/$k.wall" ] || continue
        w1=$(median "$TMP/$k.wall")
        say "$(awk -v a="$wc_" -v b="$w1" -v k="$k" 'BEGIN { printf "%s throughput / read roof (cat): %.4f (%.2f%%)", k == "code1" ? "code -j 1" : "code (every core)", a / b, 100 * a / b }')"
    done
    w1=$(median "$TMP/code1.wall" 2>/dev/null)
    if [ -s "$TMP/code2.wall" ]; then
        w2=$(median "$TMP/code2.wall")
        c1=$(median "$TMP/code1.cpu")
        c2=$(median "$TMP/code2.cpu")
        say "$(awk -v a="$w1" -v b="$w2" -v c1="${c1:-0}" -v c2="${c2:-0}" 'BEGIN {
            printf "-j 2 / -j 1 speed-up: %.2fx (wall)", a / b
            if (c2 > 0) printf "; CPU cost of -j 2 over -j 1: %.2fx, so %.2fx on two idle cores", c2 / c1, 2 * c1 / c2 }')"
    fi
    if [ "$mode" = full ]; then
        say "stage times of code -j 1 --stats (seconds of one thread):"
    else
        say "stage times of code --stats on every core (seconds, summed over the workers):"
    fi
    grep 'stats:' "$TMP/stats.err" | sed 's/^khaldun: stats: /  /' | tee -a "$REPORT"
    rm -f "$TMP"/*.wall "$TMP"/*.rss "$TMP"/*.cpu
}

say "khaldun benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $($BIN --version 2>/dev/null | head -n 1)"
say "machine: $CORES cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) (the figures are only as quiet as the machine)"
say "runs: median of $RUNS; peak memory: ${TIME:-not measured (install the Debian package time)}"

# --- the dictionary image --------------------------------------------------------------
DATA=${KHALDUN_DATA:-build/data}
SOURCES=""
for f in data/cameo.txt data/countries.txt "$DATA/gen/countries.txt" data/actors data/agents.txt \
         data/verbs.txt "$DATA/gen/places.txt"; do
    [ -e "$f" ] && SOURCES="$SOURCES $f"
done
say ""
say "== dictionary image"
# shellcheck disable=SC2086
if run dictbuild "$BIN" dict build -o "$OUT/khaldun.dict" $SOURCES; then
    say "$(printf 'compile (dict build, default sources): %.3f s (median)' "$(median "$TMP/dictbuild.wall")")"
    "$BIN" dict info "$OUT/khaldun.dict" | sed -n '3p;4,12p' | tr -s ' ' | sed 's/^/  /' | tee -a "$REPORT"
    if "$BIN" dict info --time "$OUT/khaldun.dict" 2>/dev/null | grep -q '^load_ms'; then
        : >"$TMP/load"
        r=0
        while [ "$r" -lt "$RUNS" ]; do
            "$BIN" dict info --time "$OUT/khaldun.dict" | sed -n 's/^load_ms *//p' >>"$TMP/load"
            r=$((r + 1))
        done
        say "load (kh_dict_load, in process): $(median "$TMP/load") ms (median)"
    fi
    run dictinfo "$BIN" dict info "$OUT/khaldun.dict"
    say "$(printf 'load (a whole dict info run, process start to exit): %.1f ms (median)' "$(awk -v s="$(median "$TMP/dictinfo.wall")" 'BEGIN { print s * 1000 }')")"
    rm -f "$OUT/khaldun.dict"
fi

# --- Reuters, and 1 GB of it -----------------------------------------------------------
bench_file "$CORPUS" "Reuters-21578" full
if [ "$BIG" != 0 ]; then
    BIGF=$OUT/big.jsonl
    one=$(wc -c <"$CORPUS" | tr -d ' ')
    copies=$(( (1000000000 + one - 1) / one ))
    want=$((copies * one))
    have=0
    [ -f "$BIGF" ] && have=$(wc -c <"$BIGF" | tr -d ' ')
    if [ "${have:-0}" != "$want" ]; then
        echo "bench: writing $BIGF ($copies copies of the corpus)..." >&2
        : >"$BIGF"
        i=0
        while [ $i -lt "$copies" ]; do cat "$CORPUS" >>"$BIGF"; i=$((i + 1)); done
    fi
    RUNS_SAVED=$RUNS
    RUNS=${BENCH_BIG_RUNS:-1}
    bench_file "$BIGF" "1 GB ($copies x Reuters)" big
    RUNS=$RUNS_SAVED
    [ "${BENCH_CLEAN:-0}" = 1 ] && rm -f "$BIGF"
fi

if [ -f bench/store.sh ]; then
    say ""
    say "== bench/store.sh"
    sh bench/store.sh "$BIN" 2>&1 | tee -a "$REPORT"
fi
if [ -f bench/peer.sh ]; then
    say ""
    say "== bench/peer.sh"
    sh bench/peer.sh "$BIN" 2>&1 | tee -a "$REPORT"
fi
if [ -f python/bench.py ] && /usr/bin/python3 -c 'import cffi' 2>/dev/null; then
    # The Python binding's overhead over the C coder (issue 15): CPU time, on the first
    # 4,000 records of the corpus, for .code_file() and for .code() one story at a time.
    say ""
    say "== python/bench.py (binding overhead, CPU seconds)"
    head -n 4000 "$CORPUS" >"${TMPDIR:-/tmp}/khaldun-bench-py.jsonl"
    /usr/bin/python3 python/bench.py "${TMPDIR:-/tmp}/khaldun-bench-py.jsonl" "$BIN" 2>&1 | tee -a "$REPORT"
    rm -f "${TMPDIR:-/tmp}/khaldun-bench-py.jsonl"
fi
if [ -f bench/dask-archive.py ] && /usr/bin/python3 -c 'import cffi, distributed' 2>/dev/null; then
    # Reuters through khaldun.dask on a LocalCluster of 2 worker processes against
    # `khaldun code -j 2 --db` (issue 15): walls, CPU per stage and their ratio; reported only.
    say ""
    say "== bench/dask-archive.py (Dask, 2 local workers, against code -j 2 --db)"
    KHALDUN_SHARED=$SHARED /usr/bin/python3 bench/dask-archive.py --runs "$RUNS" --bin "$BIN" \
        "$CORPUS" 2>/dev/null | tee -a "$REPORT"
fi
say ""
say "report written to $REPORT"
