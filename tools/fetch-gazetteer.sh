#!/bin/sh
# tools/fetch-gazetteer.sh: make sure the gazetteer package is installed.
#
#   sh tools/fetch-gazetteer.sh [BUILD_DIR]
#
# The gazetteer (the [places] section, written by tools/mkplaces.sh) comes from
# Debian's libgeonames0: 24,361 populated places of GeoNames' cities15000 set
# (every place of 15,000 people or more, and every capital), with GeoNames id,
# country, first-level region, coordinates and population, compiled into the
# library as a GResource. Data: GeoNames, CC BY 4.0; library: GPL-3.
# libgeonames0 pulls in libgeonames-common and libglib2.0-0; nothing else is
# needed at run time (mkplaces.c opens the libraries with dlopen, so neither
# libgeonames-dev nor libglib2.0-dev is needed to build it).
#
# Idempotent: does nothing when the package is already installed. BUILD_DIR is
# accepted for symmetry with the other set-up steps; nothing is written there.
# Exits 1 with a message when the package cannot be installed (no network to
# Debian's archive, not root and no sudo).
set -eu
PKG=libgeonames0
if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed'; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "fetch-gazetteer: $PKG is not installed and this is not root (no sudo): run 'apt-get install $PKG' as root" >&2
        exit 1
    fi
fi
echo "fetch-gazetteer: installing $PKG" >&2
if ! $SUDO apt-get update -qq >/dev/null 2>&1; then
    echo "fetch-gazetteer: 'apt-get update' failed: is Debian's package archive reachable?" >&2
    exit 1
fi
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$PKG" >/dev/null; then
    echo "fetch-gazetteer: 'apt-get install $PKG' failed: is Debian's package archive reachable?" >&2
    exit 1
fi
dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q 'ok installed' || {
    echo "fetch-gazetteer: $PKG still not installed after apt-get" >&2
    exit 1
}
