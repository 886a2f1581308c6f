#!/bin/sh
# tests/sh/python.sh: the Python binding (python/khaldun) with pytest, against the
# plain build's libkhaldun.so and against a copy installed by `make install` into a
# temporary DESTDIR.
#
#   python/<test>            python/tests/*.py against $KHALDUN_BUILD/libkhaldun.so: the
#                            binding codes the seed, a Reuters slice and single stories
#                            as the CLI does (record for record), errors carry file and
#                            line, threads, the store as DataFrames; test_dask.py codes
#                            shards on a LocalCluster of 2 worker processes, compares the
#                            merged store with one `khaldun code --db` run, re-runs
#                            (skipping finished shards) and kills a worker mid-run
#   python/installed/<test>  the installed package, library, header and images, found
#                            from their prefix with no KHALDUN_* variable set
#
# Uses Debian's /usr/bin/python3 (python3-cffi, -pandas, -pytest, -dask, -distributed;
# tools/setup.sh installs them). Without them the tests skip, unless CI=true. A sanitizer
# build's library cannot be loaded into an ordinary Python, so under make asan/ubsan
# nothing runs here (the plain make check runs it). pytest's results are turned into
# ok/FAIL/skip lines for tests/run.sh, whose summary stays the last line.
cd "$(dirname "$0")/../.." || exit 1
T=python
PY=/usr/bin/python3
BUILD=${KHALDUN_BUILD:-build}
BIN=${KHALDUN_BIN:-./khaldun}
DATA=${KHALDUN_DATA:-build/data}
REPO=$(pwd)
case $BIN in /*) ;; *) BIN=$REPO/$BIN ;; esac
case $DATA in /*) ;; *) DATA=$REPO/$DATA ;; esac
fail() { echo "FAIL $T/$1${2:+ ($2)}"; }
skip() { echo "skip $T/$1${2:+ ($2)}"; }

SO=$(ls "$REPO/$BUILD"/libkhaldun.so.*.*.* 2>/dev/null | head -n 1)
san=0
case $BUILD in *asan* | *ubsan*) san=1 ;; esac
[ -n "$SO" ] && readelf -d "$SO" 2>/dev/null | grep -q 'lib[a-z]*san' && san=1
if [ $san = 1 ]; then
    echo "python: not run against the sanitizer build in $BUILD (its library cannot be loaded"
    echo "python: into python3); the plain make check runs these tests"
    exit 0
fi
if [ -z "$SO" ]; then fail lib "no $BUILD/libkhaldun.so.* (make lib)"; exit 0; fi
if ! $PY -c 'import cffi, pandas, pytest' 2>/dev/null; then
    missing="python3-cffi, python3-pandas or python3-pytest missing: sh tools/setup.sh"
    if [ "${CI:-}" = true ]; then fail all "$missing"; else skip all "$missing"; fi
    exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
export PYTHONDONTWRITEBYTECODE=1

# Runs pytest on $2... and prints its results with the prefix $1.
run_pytest() {
    prefix=$1; shift
    $PY -m pytest -q -p no:cacheprovider -p no:logging -W ignore::DeprecationWarning \
        --junitxml="$TMP/junit.xml" "$@" >"$TMP/pytest.out" 2>&1
    rc=$?
    if [ $rc -gt 1 ] || [ ! -s "$TMP/junit.xml" ]; then
        fail "${prefix}pytest" "pytest exited $rc"; tail -n 15 "$TMP/pytest.out" | sed 's/^/    /'
        return
    fi
    $PY - "$TMP/junit.xml" "$T/$prefix" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET
for case in ET.parse(sys.argv[1]).iter("testcase"):
    name = sys.argv[2] + case.get("name")
    bad = case.find("failure") if case.find("failure") is not None else case.find("error")
    sk = case.find("skipped")
    if bad is not None:
        print("FAIL %s" % name)
        text = (bad.get("message") or "") + "\n" + (bad.text or "")
        for line in [l for l in text.splitlines() if l.strip()][-12:]:
            print("    " + line[:200])
    elif sk is not None:
        reason = (sk.get("message") or "").replace("Skipped: ", "")
        print("skip %s (%s)" % (name, reason))
    else:
        print("ok   %s" % name)
PYEOF
}

KHALDUN_LIB=$SO KHALDUN_BIN=$BIN KHALDUN_DATA=$DATA run_pytest "" python/tests

# The installed copy, found from its own prefix.
DEST=$TMP/dest
PREFIX=/opt/khaldun-py
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s BUILD="$BUILD" DATA_DIR="$DATA" DESTDIR="$DEST" \
       PREFIX="$PREFIX" install >"$TMP/install.out" 2>&1; then
    ROOT=$DEST$PREFIX
    PYDIR=$(ls -d "$ROOT"/lib/python*/dist-packages 2>/dev/null | head -n 1)
    (
        unset KHALDUN_LIB KHALDUN_HEADER KHALDUN_DATA
        cd "$TMP" && KHALDUN_PY_INSTALLED=$ROOT PYTHONPATH=$PYDIR KHALDUN_BIN=$ROOT/bin/khaldun \
            run_pytest installed/ "$REPO/python/tests/test_binding.py" \
            -k 'imported or seed or one_story or store_dataframes or rejected'
    )
else
    fail installed/make-install; sed 's/^/    /' "$TMP/install.out" | head -n 5
fi
exit 0
