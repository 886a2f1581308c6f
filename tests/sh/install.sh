#!/bin/sh
# tests/sh/install.sh: `make install` and `make uninstall`, into a temporary
# DESTDIR with PREFIX=/opt/khaldun-test.
#
#   install/make-install   make install succeeds
#   install/files          binary, images, man page, library and links, header, khaldun.pc
#   install/soname         libkhaldun.so's SONAME is libkhaldun.so.MAJOR
#   install/exports        it exports exactly the KH_API functions of include/khaldun.h
#   install/finds-data     the installed binary, run from another folder with no
#                          KHALDUN_DATA, uses the images under its own prefix
#   install/seed           ... and codes examples/seed-2024.txt as the in-tree build does
#   install/khaldun-data   KHALDUN_DATA overrides the prefix; a wrong one is an error naming it
#   install/missing-image  a missing image is an error naming every folder searched
#   install/client         a program built with pkg-config against the installed header
#                          and libkhaldun.so codes a sentence
#   install/uninstall      make uninstall leaves no file behind
# Prints ok/FAIL/skip lines.
cd "$(dirname "$0")/../.." || exit 1
T=install
BUILD=${KHALDUN_BUILD:-build}
BIN=${KHALDUN_BIN:-./khaldun}
DATA=${KHALDUN_DATA:-build/data}
REPO=$(pwd)
case $DATA in /*) ;; *) DATA=$REPO/$DATA ;; esac
PREFIX=/opt/khaldun-test

if [ ! -f "$DATA/lexicon.img" ] || [ ! -f "$DATA/khaldun.dict" ]; then
    echo "skip $T (no images in $DATA: make data)"; exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
DEST=$TMP/dest
ROOT=$DEST$PREFIX
ok() { echo "ok   $T/$1${2:+ ($2)}"; }
fail() { echo "FAIL $T/$1${2:+ ($2)}"; [ -s "$TMP/err" ] && sed 's/^/    /' "$TMP/err" | head -n 5; }
# The install is a make of its own: not part of the make running the tests.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s BUILD="$BUILD" DATA_DIR="$DATA" \
          DESTDIR="$DEST" PREFIX="$PREFIX" "$@"; }

if mk install >"$TMP/out" 2>"$TMP/err"; then ok make-install; else fail make-install; exit 0; fi

VERSION=$(sed -n 's/^#define KH_VERSION_STRING "\(.*\)"/\1/p' include/khaldun.h)
MAJOR=${VERSION%%.*}
missing=""
for f in bin/khaldun share/khaldun/lexicon.img share/khaldun/khaldun.dict share/man/man1/khaldun.1 \
         lib/libkhaldun.so.$VERSION include/khaldun.h lib/pkgconfig/khaldun.pc; do
    [ -f "$ROOT/$f" ] || missing="$missing $f"
done
[ "$(readlink "$ROOT/lib/libkhaldun.so.$MAJOR")" = "libkhaldun.so.$VERSION" ] || missing="$missing lib/libkhaldun.so.$MAJOR"
[ "$(readlink "$ROOT/lib/libkhaldun.so")" = "libkhaldun.so.$MAJOR" ] || missing="$missing lib/libkhaldun.so"
cmp -s "$ROOT/share/khaldun/lexicon.img" "$DATA/lexicon.img" || missing="$missing (lexicon.img differs)"
if [ -z "$missing" ]; then ok files; else fail files "missing or wrong:$missing"; fi

SO=$ROOT/lib/libkhaldun.so.$VERSION
soname=$(readelf -d "$SO" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libkhaldun.so.$MAJOR" ] && ok soname "$soname" || fail soname "'$soname'"

# Exported functions (ignoring a sanitizer build's runtime hooks) against KH_API.
nm -D --defined-only "$SO" | awk '$2 == "T" || $2 == "W" || $2 == "D" || $2 == "B" || $2 == "R" {print $3}' |
    grep -v '^__' | sort >"$TMP/exported"
sed -n 's/^KH_API [^(]*[ *]\(kh_[a-z0-9_]*\)(.*/\1/p' include/khaldun.h | sort >"$TMP/declared"
if [ -s "$TMP/declared" ] && cmp -s "$TMP/exported" "$TMP/declared"; then
    ok exports "$(wc -l <"$TMP/declared" | tr -d ' ') kh_ functions, nothing else"
else
    fail exports "$(diff "$TMP/declared" "$TMP/exported" | grep '^[<>]' | head -n 5 | tr '\n' ' ')"
fi

# From another folder, without KHALDUN_DATA: the images under the prefix.
mkdir -p "$TMP/elsewhere/examples"
cp examples/seed-2024.txt "$TMP/elsewhere/examples/"
where=$(cd "$TMP/elsewhere" && env -u KHALDUN_DATA "$ROOT/bin/khaldun" lex info 2>"$TMP/err" | sed -n 's/^lexicon //p')
[ "$where" = "$ROOT/share/khaldun/lexicon.img" ] && ok finds-data || fail finds-data "lexicon '$where'"
"$BIN" code --quiet --date 2024-04-24 examples/seed-2024.txt >"$TMP/tree.jsonl" 2>"$TMP/err"
(cd "$TMP/elsewhere" && env -u KHALDUN_DATA "$ROOT/bin/khaldun" code --quiet --date 2024-04-24 \
    examples/seed-2024.txt) >"$TMP/installed.jsonl" 2>"$TMP/err"
if [ -s "$TMP/tree.jsonl" ] && cmp -s "$TMP/tree.jsonl" "$TMP/installed.jsonl"; then
    ok seed "$(wc -l <"$TMP/tree.jsonl" | tr -d ' ') events, same bytes as in the tree"
else
    fail seed "$(cmp "$TMP/tree.jsonl" "$TMP/installed.jsonl" 2>&1 | head -n 1)"
fi

mkdir -p "$TMP/empty"
(cd "$TMP/elsewhere" && KHALDUN_DATA=$DATA "$ROOT/bin/khaldun" lex info) >"$TMP/out" 2>"$TMP/err"
if grep -q "^lexicon $DATA/lexicon.img" "$TMP/out" &&
    ! (cd "$TMP/elsewhere" && KHALDUN_DATA=$TMP/empty "$ROOT/bin/khaldun" code examples/seed-2024.txt) \
        >/dev/null 2>"$TMP/err" && grep -q "KHALDUN_DATA is $TMP/empty, which has no lexicon.img" "$TMP/err"; then
    ok khaldun-data
else
    fail khaldun-data
fi

mv "$ROOT/share/khaldun/khaldun.dict" "$TMP/dict.aside"
(cd "$TMP/elsewhere" && env -u KHALDUN_DATA "$ROOT/bin/khaldun" code examples/seed-2024.txt) >/dev/null 2>"$TMP/err"
rc=$?
mv "$TMP/dict.aside" "$ROOT/share/khaldun/khaldun.dict"
if [ $rc = 2 ] && grep -q "no dictionary image: looked for khaldun.dict in .*$ROOT/share/khaldun" "$TMP/err"; then
    ok missing-image
else
    fail missing-image "exit $rc"
fi

# A client of the installed library, built the way pkg-config says.
cat >"$TMP/client.c" <<'EOF'
#include <stdio.h>
#include <string.h>

#include <khaldun.h>

static kh_status out(void *ctx, const char *data, size_t len)
{
    (void)ctx;
    return fwrite(data, 1, len, stdout) == len ? KH_OK : KH_ERR_IO;
}

int main(int argc, char **argv)
{
    kh_lexicon *lex = NULL;
    kh_dict *dict = NULL;
    kh_coder *coder = NULL;
    kh_error err;
    memset(&err, 0, sizeof err);
    if (argc != 4 || kh_lexicon_load(argv[1], NULL, &lex, &err) ||
        kh_dict_load(argv[2], NULL, &dict, &err)) {
        fprintf(stderr, "client: %s\n", err.message);
        return 1;
    }
    kh_code_options opt;
    memset(&opt, 0, sizeof opt);
    opt.dict = dict;
    opt.lexicon = lex;
    kh_story story;
    kh_unit unit;
    const kh_event *events;
    size_t n = 0;
    kh_story_from_text(&story, &unit, argv[3], strlen(argv[3]));
    int rc = kh_coder_new(&opt, &coder) || kh_coder_code(coder, &story, &events, &n) ||
             kh_events_write_json(&story, events, n, kh_dict_hash(dict), out, NULL);
    printf("khaldun %s: %zu events\n", kh_version(), n);
    kh_coder_free(coder);
    kh_dict_free(dict);
    kh_lexicon_free(lex);
    return rc;
}
EOF
san=""
readelf -d "$SO" | grep -q 'libasan' && san="-fsanitize=address"
# shellcheck disable=SC2046
if flags=$(PKG_CONFIG_PATH=$ROOT/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$DEST pkg-config --cflags --libs khaldun 2>"$TMP/err") &&
    ${CC:-cc} $san -o "$TMP/client" "$TMP/client.c" $flags 2>"$TMP/err" &&
    readelf -d "$TMP/client" | grep -q "Shared library: \[libkhaldun.so.$MAJOR\]" &&
    LD_LIBRARY_PATH=$ROOT/lib "$TMP/client" "$ROOT/share/khaldun/lexicon.img" "$ROOT/share/khaldun/khaldun.dict" \
        "Russian President Vladimir Putin arrived in Beijing for talks with Chinese President Xi Jinping." \
        >"$TMP/client.out" 2>"$TMP/err" &&
    grep -q '"code":"042"' "$TMP/client.out"; then
    ok client "pkg-config: $(echo $flags | sed "s#$DEST##g")"
else
    fail client "${flags:-no pkg-config flags}"
fi

if mk uninstall >"$TMP/out" 2>"$TMP/err"; then
    left=$(find "$DEST" ! -type d | sed "s#^$DEST##")
    [ -z "$left" ] && ok uninstall || fail uninstall "left behind: $(echo "$left" | head -n 5 | tr '\n' ' ')"
else
    fail uninstall "make uninstall failed"
fi
exit 0
