#!/bin/sh
# bench/peer.sh: the peer wing with a peer's production dictionaries (what
# `make bench` runs after its own rows; alone: sh bench/peer.sh [KHALDUN]).
#
# With TABARI's 2012 set ($KHALDUN_SHARED/reference/peer-dictionaries/tabari-2012)
# and TABARI's own run on the 147,696 Reuters sentence records
# (reference/peer-outputs/tabari-reuters: 8,741 records/s, load included),
# reports: the image's build time and load time (`dict info --time`), and
# `khaldun code -j 1 --input tabari --format tabari` over the records,
# whole process, load included: records/s by CPU time (user+system) and by
# wall time, and the ratio to TABARI's 8,741. Median of BENCH_RUNS runs
# (default 3). Asserts nothing: the machine may be shared (load printed).
set -u
BIN=${1:-./khaldun}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
SHARED=${KHALDUN_SHARED:-$(cd .. && pwd)/shared}
RUNS=${BENCH_RUNS:-3}
DICTS=$SHARED/reference/peer-dictionaries/tabari-2012
REF=$SHARED/reference/peer-outputs/tabari-reuters
TABARI_RATE=8741
[ -d "$DICTS" ] && [ -f "$REF/records.txt" ] || { echo "bench/peer: no TABARI set (set KHALDUN_SHARED)"; exit 0; }
[ -x /usr/bin/time ] || { echo "bench/peer: needs GNU time (/usr/bin/time)"; exit 0; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
IMG=$TMP/tabari.dict
RECORDS=$(grep -c '^[0-9]\{6\} ' "$REF/records.txt")

/usr/bin/time -o "$TMP/build.time" -f '%e %U %S' "$BIN" dict build -o "$IMG" --format tabari \
    "$DICTS" 2>"$TMP/build.err" || { tail -n 3 "$TMP/build.err"; exit 1; }
load=$("$BIN" dict info --time "$IMG" | sed -n 's/^load_ms *//p')
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$TMP/cpu"
: >"$TMP/wall"
r=0
while [ "$r" -lt "$RUNS" ]; do
    /usr/bin/time -o "$TMP/code.time" -f '%e %U %S %M' "$BIN" code --dict "$IMG" --input tabari \
        --format tabari -j 1 --quiet "$REF/records.txt" >"$TMP/events" 2>"$TMP/code.err" ||
        { tail -n 3 "$TMP/code.err"; exit 1; }
    awk '{ printf "%.2f\n", $2 + $3 }' "$TMP/code.time" >>"$TMP/cpu"
    awk '{ print $1 }' "$TMP/code.time" >>"$TMP/wall"
    r=$((r + 1))
done
cpu=$(median <"$TMP/cpu")
wall=$(median <"$TMP/wall")
awk -v n="$RECORDS" -v c="$cpu" -v w="$wall" -v t="$TABARI_RATE" -v l="$load" \
    -v b="$(awk '{ print $1 }' "$TMP/build.time")" -v e="$(wc -l <"$TMP/events")" \
    -v rss="$(awk '{ print $4 }' "$TMP/code.time")" 'BEGIN {
    printf "peer wing, TABARI 2012 set: image build %.2f s, load %s ms\n", b, l
    printf "peer wing, TABARI 2012 set: code -j 1 %d records, %d events: %.0f records/s cpu (%.2fx TABARI), %.0f records/s wall (%.2fx), %.1f MB peak\n",
        n, e, n / c, n / c / t, n / w, n / w / t, rss / 1024
}'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
