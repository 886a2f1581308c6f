#!/bin/sh
# tests/run.sh: khaldun's test runner (what `make check` runs).
#
#   sh tests/run.sh KHALDUN_BINARY BUILD_DIR
#
# Runs, in order:
#   1. the unit tests (BUILD_DIR/test-unit), through the library;
#   2. the golden tests in tests/golden/<stage>/: for each NAME.cmd, runs
#      `khaldun <args of NAME.cmd>` with {in} replaced by NAME.in (or the file
#      named there) and {shared} by $KHALDUN_SHARED, and compares standard
#      output with NAME.out, and when present standard error with NAME.err and
#      the exit status with NAME.rc (default 0);
#   3. every tests/sh/*.sh script (pathological inputs, suites, kill tests),
#      each printing "ok NAME" / "FAIL NAME" / "skip NAME (why)" lines.
# Tests that need ../shared ($KHALDUN_SHARED) say "skip NAME (no shared)"
# without it, so a clone on its own passes. With CI=true and ../shared
# present, any skip fails the run.
# Ends with the line "N passed, N failed, N skipped" that CI reads; exits 1
# on failure.
set -u
BIN=${1:-./khaldun}
BUILD=${2:-build}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
export KHALDUN_SHARED=${KHALDUN_SHARED:-$(cd .. && pwd)/shared}
if [ -z "${KHALDUN_DATA:-}" ]; then
    # Compiled images are plain data: sanitizer builds reuse the normal build's.
    if [ -d "$BUILD/data" ]; then KHALDUN_DATA=$(pwd)/$BUILD/data; else KHALDUN_DATA=$(pwd)/build/data; fi
fi
export KHALDUN_DATA
export KHALDUN_BIN=$BIN
export KHALDUN_BUILD=$BUILD
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
pass=0
fail=0
skip=0

# 1. unit tests
if [ -x "$BUILD/test-unit" ]; then
    "$BUILD/test-unit" >"$TMP/unit.out" 2>"$TMP/unit.err"
    grep -E '^(ok|FAIL|skip) ' "$TMP/unit.out"
    p=$(grep -c '^ok ' "$TMP/unit.out")
    f=$(grep -c '^FAIL ' "$TMP/unit.out")
    s=$(grep -c '^skip ' "$TMP/unit.out")
    if ! tail -n 1 "$TMP/unit.out" | grep -q ' passed, '; then
        echo "FAIL unit (runner crashed)"; f=$((f + 1))
    fi
    [ "$f" -gt 0 ] && sed 's/^/    /' "$TMP/unit.err"
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
else
    echo "FAIL unit (no $BUILD/test-unit)"; fail=$((fail + 1))
fi

# 2. golden tests
for cmd in tests/golden/*/*.cmd; do
    [ -f "$cmd" ] || continue
    base=${cmd%.cmd}
    name=golden/${base#tests/golden/}
    in=$base.in
    args=$(sed -e "s#{in}#$in#g" -e "s#{shared}#$KHALDUN_SHARED#g" -e "s#{data}#$KHALDUN_DATA#g" -e "s#{tmp}#$TMP#g" "$cmd")
    case $args in *"$KHALDUN_SHARED"*) [ -d "$KHALDUN_SHARED" ] || { echo "skip $name (no shared)"; skip=$((skip + 1)); continue; } ;; esac
    # shellcheck disable=SC2086
    eval "\"$BIN\" $args" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    want_rc=0
    [ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
    ok=1
    if ! cmp -s "$TMP/out" "$base.out"; then ok=0; diff -u "$base.out" "$TMP/out" | head -n 40 | sed 's/^/    /'; fi
    if [ -f "$base.err" ] && ! cmp -s "$TMP/err" "$base.err"; then ok=0; diff -u "$base.err" "$TMP/err" | head -n 20 | sed 's/^/    /'; fi
    if [ "$rc" != "$want_rc" ]; then ok=0; echo "    exit status $rc, expected $want_rc"; sed 's/^/    /' "$TMP/err" | head -n 5; fi
    if [ $ok = 1 ]; then echo "ok   $name"; pass=$((pass + 1)); else echo "FAIL $name"; fail=$((fail + 1)); fi
done

# 3. scripted tests
for t in tests/sh/*.sh; do
    [ -f "$t" ] && [ "$t" != tests/sh/lib.sh ] || continue # lib.sh: their common head
    sh "$t" >"$TMP/sh.out" 2>&1
    rc=$?
    cat "$TMP/sh.out"
    p=$(grep -c '^ok ' "$TMP/sh.out")
    f=$(grep -c '^FAIL ' "$TMP/sh.out")
    s=$(grep -c '^skip ' "$TMP/sh.out")
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then echo "FAIL $t (exit $rc)"; f=1; fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done

# In CI the run with ../shared beside it must run everything: a skip there
# means a test silently stopped testing. (The no-shared clone's run, see
# .ci/run, reports its skips.)
if [ "${CI:-}" = true ] && [ -d "$KHALDUN_SHARED" ] && [ "$skip" -gt 0 ]; then
    echo "FAIL ci/no-skips ($skip skipped with $KHALDUN_SHARED present)"
    fail=$((fail + 1))
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
