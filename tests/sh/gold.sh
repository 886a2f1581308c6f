#!/bin/sh
# tests/sh/gold.sh: khaldun's own gold sentences (tests/gold/*.jsonl: wire-style
# sentences written for khaldun, with the events a careful coder records),
# coded with the default dictionaries. Floors only go up.
set -u
BIN=${KHALDUN_BIN:-./khaldun}
if [ ! -f "${KHALDUN_DATA:-build/data}/khaldun.dict" ]; then echo "skip gold (no images: make data)"; exit 0; fi
check() { # file floor
    out=$("$BIN" eval --min-strict "$2" "$1" 2>&1)
    rc=$?
    line=$(printf '%s\n' "$out" | tail -n 1)
    if [ $rc -eq 0 ]; then echo "ok   gold/$(basename "$1") ($line)"
    else echo "FAIL gold/$(basename "$1") below floor $2%: $line"; printf '%s\n' "$out" | head -n 20 | sed 's/^/    /'; fi
}
check tests/gold/news.jsonl 92
# Written after the coder, and run once before any change made for it: the honest figure.
check tests/gold/heldout.jsonl 52
