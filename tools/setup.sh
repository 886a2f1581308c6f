#!/bin/sh
# tools/setup.sh: set up a fresh Debian 12 machine for khaldun, build it and
# compile its default data. Idempotent; run as root (or with sudo).
#
#   sh tools/setup.sh            install packages, build ./khaldun, build the data images
#   sh tools/setup.sh --no-apt   skip the package installation (already done)
#
# Packages, and why:
#   build-essential, pkg-config  the C compiler and make
#   clang, libclang-rt-14-dev    libFuzzer harnesses and sanitizer runtimes (make fuzz, make asan)
#   libsqlite3-dev               the embedded event store (khaldun code --db)
#   wordnet-base                 the lexicon: word forms, lemmas, parts of speech
#   iso-codes                    ISO 3166 country names and codes for the actor dictionary
#   libgeonames0                 the gazetteer: GeoNames cities15000, 24k places (data CC BY 4.0)
#   sqlite3, jq                  used by the tests to check the store and JSON output
#   cppcheck                     make lint
#   time                         GNU time: peak memory in make bench and the tests
#   python3, python3-pandas      the GDELT load tests (csv and pandas with the codebook's
#                                names and types) and tools/plover-gsr.py (PLOVER agreement);
#                                with python3-cffi the Python binding (python/khaldun)
#   python3-dask, python3-distributed  khaldun.dask: archives coded on a Dask cluster
#   python3-pytest               the Python tests (tests/sh/python.sh)
#   libmicrohttpd-dev, curl      khaldun serve's HTTP server; curl for its API tests
#   chromium                     the headless browser of serve's browser test
#   nodejs, npm                  npm ci installs the pages' JavaScript libraries (package-lock.json)
#                                and the browser test's driver; not asked for when a node
#                                with npm is already installed (NodeSource's nodejs bundles npm)
set -eu
cd "$(dirname "$0")/.."
APT=1
[ "${1:-}" = "--no-apt" ] && APT=0
PKGS="build-essential pkg-config git clang libclang-rt-14-dev libsqlite3-dev wordnet-base iso-codes \
libgeonames0 sqlite3 jq cppcheck time diffutils util-linux python3 \
python3-pandas python3-cffi python3-dask python3-distributed python3-pytest libmicrohttpd-dev \
curl chromium"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
if [ $APT = 1 ]; then
    missing=""
    for p in $PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        SUDO=""
        [ "$(id -u)" -ne 0 ] && SUDO=sudo
        echo "setup: installing$missing" >&2
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
    fi
fi
make -s
make -s data
# The pages' libraries, at the lock file's versions (skipped when node_modules is
# already current). Without npm or the registry the pages are installed alone and
# the browser test says why it skips.
if command -v npm >/dev/null 2>&1; then
    if [ ! node_modules/.package-lock.json -nt package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error || echo "setup: npm ci failed: khaldun serve's pages will lack their libraries" >&2
    fi
else
    echo "setup: no npm: khaldun serve's pages will lack their libraries" >&2
fi
make -s web
