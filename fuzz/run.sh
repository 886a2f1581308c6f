#!/bin/sh
# fuzz/run.sh: build every libFuzzer harness (fuzz/fuzz_*.c) with clang,
# ASan and UBSan, then either fuzz each for SECONDS, or (SECONDS = 0) replay
# the kept inputs: every file in fuzz/crashes/NAME/ (inputs that once
# crashed, fixed since) and fuzz/corpus/NAME/ (seeds).
#
#   sh fuzz/run.sh BUILD_DIR SECONDS
#
# New crashes found while fuzzing are written to fuzz/crashes/NAME/; keep
# them (after the fix) so `make fuzz-replay` replays them forever.
# Ends with "N passed, N failed".
set -u
OUT=${1:-build-fuzz}
SECONDS_EACH=${2:-30}
CC=${FUZZ_CC:-clang}
mkdir -p "$OUT"
LIB_SRC=$(find src -name '*.c' | sort)
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer \
-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DKH_ARENA_MALLOC -Iinclude -Isrc"
pass=0
fail=0
for h in fuzz/fuzz_*.c; do
    [ -f "$h" ] || continue
    name=$(basename "$h" .c)
    name=${name#fuzz_}
    bin="$OUT/fuzz_$name"
    # shellcheck disable=SC2086
    if ! $CC $FLAGS -o "$bin" "$h" $LIB_SRC -lsqlite3 -lm 2>"$OUT/$name.build.err"; then
        echo "FAIL fuzz/$name (build)"; sed 's/^/    /' "$OUT/$name.build.err" | head -n 20
        fail=$((fail + 1))
        continue
    fi
    mkdir -p "fuzz/crashes/$name"
    if [ "$SECONDS_EACH" = 0 ]; then
        files=$(find "fuzz/crashes/$name" "fuzz/corpus/$name" -type f ! -name '.gitkeep' 2>/dev/null | sort)
        if [ -z "$files" ]; then
            echo "ok   fuzz/$name (no kept inputs)"; pass=$((pass + 1)); continue
        fi
        # shellcheck disable=SC2086
        if "$bin" -runs=1 $files >"$OUT/$name.replay.log" 2>&1; then
            echo "ok   fuzz/$name (replayed $(echo "$files" | wc -l) inputs)"; pass=$((pass + 1))
        else
            echo "FAIL fuzz/$name (replay)"; tail -n 30 "$OUT/$name.replay.log" | sed 's/^/    /'
            fail=$((fail + 1))
        fi
    else
        work="$OUT/corpus-$name"
        mkdir -p "$work"
        [ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
        dict=""
        [ -f "fuzz/dict/$name.dict" ] && dict="-dict=fuzz/dict/$name.dict"
        # shellcheck disable=SC2086
        if "$bin" $dict -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="fuzz/crashes/$name/" "$work" >"$OUT/$name.fuzz.log" 2>&1; then
            echo "ok   fuzz/$name ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$OUT/$name.fuzz.log" | tail -n 1 | awk '{print $2}') runs in ${SECONDS_EACH}s)"
            pass=$((pass + 1))
        else
            echo "FAIL fuzz/$name: crash kept in fuzz/crashes/$name/"; tail -n 30 "$OUT/$name.fuzz.log" | sed 's/^/    /'
            fail=$((fail + 1))
        fi
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
