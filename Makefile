# khaldun: the front door. GNU make (Debian's default make).
#
#   make            library, ./khaldun
#   make data       compile the default lexicon and dictionary images (needs tools/setup.sh once)
#   make model      retrain the tagger's shipped weights, data/model/tagger.txt (needs ../shared)
#   make check      every test: unit, golden (CLI), suites, pathological, torture (HEAVY=0: not it)
#   make asan       the whole test suite under AddressSanitizer + UBSan (+ LeakSanitizer)
#   make ubsan      the whole test suite under UndefinedBehaviorSanitizer alone
#   make fuzz       build the libFuzzer harnesses (clang) and run each for FUZZ_SECONDS
#   make bench      speed and memory over ../shared/corpora
#   make lint       cppcheck + the strict warning set with -Werror
#   make lib        build/libkhaldun.so.VERSION (soname libkhaldun.so.MAJOR)
#   make web        the pages of `khaldun serve` and their npm libraries (npm ci first) into
#                   the data folder
#   make install    the binary, data images, man page, libkhaldun.so, khaldun.h, khaldun.pc
#                   under $(DESTDIR)$(PREFIX) (default /usr/local); make uninstall removes them
#
# Builds go to $(BUILD) (default build/); sanitizer builds to build-asan/,
# build-ubsan/ so they never mix objects with the normal build.

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
WARN    = -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wstrict-prototypes \
          -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wundef -Wvla
WERROR  ?=
CFLAGS  ?=
XCFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) $(WERROR) \
          -Iinclude -Isrc $(SANFLAGS) $(CFLAGS)
LDLIBS  = -lsqlite3 -lpthread -lm
CLI_LDLIBS = -lmicrohttpd
SHARED  ?= $(or $(KHALDUN_SHARED),$(abspath ../shared))
WORDNET ?= /usr/share/wordnet
FUZZ_SECONDS ?= 30
# Heavy tests (tests/sh/torture.sh: kills, full disks) run in the plain build;
# the sanitizer builds pass HEAVY=0.
HEAVY   ?= 1

# Installation. The binary finds its images in ../share/khaldun relative to
# its own folder, so bin/ and share/khaldun/ stay under one PREFIX.
PREFIX       ?= /usr/local
DESTDIR      ?=
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
MANDIR       ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
KH_BINDIR    = $(PREFIX)/bin
KH_DATADIR   = $(PREFIX)/share/khaldun
VERSION  := $(shell sed -n 's/^\#define KH_VERSION_STRING "\(.*\)"/\1/p' include/khaldun.h)
SOMAJOR  := $(shell sed -n 's/^\#define KH_VERSION_MAJOR \([0-9]*\)/\1/p' include/khaldun.h)
SO_NAME  = libkhaldun.so.$(SOMAJOR)
SO_FILE  = libkhaldun.so.$(VERSION)

LIB_SRC  := $(sort $(shell find src -name '*.c'))
CLI_SRC  := $(sort $(wildcard cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
TOOL_SRC := $(sort $(wildcard tools/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
HDRS     := include/khaldun.h $(shell find src cli tests/unit -name '*.h')

ifeq ($(BUILD),build)
KHALDUN_BIN = khaldun
else
KHALDUN_BIN = $(BUILD)/khaldun
endif

.PHONY: all lib data web model check asan ubsan fuzz fuzz-replay bench lint install uninstall \
        clean distclean

all: $(KHALDUN_BIN)

# The library's objects serve both libkhaldun.a (linked into ./khaldun and the
# tests) and libkhaldun.so: position-independent, and hidden except for the
# KH_API functions of include/khaldun.h.
$(LIB_OBJ): LIBFLAGS = -fPIC -fvisibility=hidden

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(XCFLAGS) $(LIBFLAGS) -c -o $@ $<

lib: $(BUILD)/$(SO_FILE)

$(BUILD)/$(SO_FILE): $(LIB_OBJ)
	$(CC) $(XCFLAGS) -shared -Wl,-soname,$(SO_NAME) -o $@ $(LIB_OBJ) $(LDLIBS)

$(BUILD)/libkhaldun.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(KHALDUN_BIN): $(CLI_OBJ) $(BUILD)/libkhaldun.a
	$(CC) $(XCFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libkhaldun.a $(CLI_LDLIBS) $(LDLIBS)

$(BUILD)/test-unit: $(TEST_OBJ) $(BUILD)/libkhaldun.a
	$(CC) $(XCFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libkhaldun.a $(LDLIBS)

# The default images: lexicon (WordNet + data/lexicon/) and dictionary (data/).
DATA_DIR = $(BUILD)/data
data: $(KHALDUN_BIN)
	sh tools/build-data.sh $(KHALDUN_BIN) $(DATA_DIR)

# The pages of `khaldun serve` (web/), and the JavaScript libraries they use,
# installed by `npm ci` from package-lock.json, with their licences. Without
# node_modules the pages are copied alone (the server says what is missing).
WEB_DIR = $(DATA_DIR)/web
WEB_SRC := $(wildcard web/*.html web/*.css web/*.js)
WEB_VENDOR = uplot/dist/uPlot.iife.min.js uplot/dist/uPlot.min.css cytoscape/dist/cytoscape.min.js \
             leaflet/dist/leaflet.js leaflet/dist/leaflet.css topojson-client/dist/topojson-client.min.js \
             world-atlas/countries-110m.json tabulator-tables/dist/js/tabulator.min.js \
             tabulator-tables/dist/css/tabulator.min.css
WEB_LIBS = uplot cytoscape leaflet topojson-client world-atlas tabulator-tables
web:
	@mkdir -p $(WEB_DIR)/vendor/licenses
	cp $(WEB_SRC) web/LICENSES.md $(WEB_DIR)/
	@if [ -d node_modules/uplot ]; then \
	    for f in $(WEB_VENDOR); do cp node_modules/$$f $(WEB_DIR)/vendor/ || exit 1; done; \
	    for l in $(WEB_LIBS); do cp node_modules/$$l/LICENSE $(WEB_DIR)/vendor/licenses/$$l.txt || exit 1; done; \
	else echo "make web: no node_modules (run npm ci): the pages are copied without their libraries" >&2; fi

# The tagger's weights, committed as data/model/tagger.txt so that set-up
# needs no training data. Trained on UD English-EWT dev only: EWT test and
# GUM (non-commercial licence) are for evaluation, never for shipped weights.
# The same data gives a byte-identical file (tests/sh/model.sh checks it).
UD_TRAIN = $(SHARED)/reference/ud/en_ewt-ud-dev.conllu
model: $(KHALDUN_BIN)
	@[ -f "$(UD_TRAIN)" ] || { echo "make model: no $(UD_TRAIN) (set SHARED=DIR)" >&2; exit 2; }
	@mkdir -p $(BUILD)/model
	./$(KHALDUN_BIN) lex build --wordnet $(WORDNET) --closed data/lexicon --train $(UD_TRAIN) \
	    --save-model data/model/tagger.txt -o $(BUILD)/model/lexicon.img
	@echo "make model: now run 'make data' to compile it into $(DATA_DIR)/lexicon.img" >&2

# The plain build's check refreshes the pages (sanitizer builds read the plain
# build's data folder, and do not run the browser test).
check: $(KHALDUN_BIN) $(BUILD)/test-unit $(BUILD)/$(SO_FILE) $(if $(filter build,$(BUILD)),web)
	KHALDUN_HEAVY=$(HEAVY) KHALDUN_SHARED=$(SHARED) sh tests/run.sh $(KHALDUN_BIN) $(BUILD)

asan:
	$(MAKE) BUILD=build-asan HEAVY=0 OPT="-O1 -g -fno-omit-frame-pointer" \
	    SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -DKH_ARENA_MALLOC" check

ubsan:
	$(MAKE) BUILD=build-ubsan HEAVY=0 OPT="-O1 -g" \
	    SANFLAGS="-fsanitize=undefined -fno-sanitize-recover=all" check

fuzz:
	sh fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-replay:
	sh fuzz/run.sh build-fuzz 0

bench: $(KHALDUN_BIN)
	KHALDUN_SHARED=$(SHARED) sh bench/run.sh $(KHALDUN_BIN)

lint:
	$(MAKE) BUILD=build-lint WERROR=-Werror build-lint/khaldun build-lint/test-unit
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
	    --inline-suppr -Iinclude -Isrc src cli

# What `make install` puts under $(DESTDIR)$(PREFIX); `make uninstall` removes
# exactly these (and share/khaldun/ when it is left empty).
INSTALLED = $(KH_BINDIR)/khaldun $(KH_DATADIR)/lexicon.img $(KH_DATADIR)/khaldun.dict \
            $(KH_DATADIR)/README.tagger.md $(MANDIR)/man1/khaldun.1 $(LIBDIR)/$(SO_FILE) \
            $(LIBDIR)/$(SO_NAME) $(LIBDIR)/libkhaldun.so $(INCLUDEDIR)/khaldun.h \
            $(PKGCONFIGDIR)/khaldun.pc $(PY_INSTALLED)
# The Python package (python/khaldun), for Debian's /usr/bin/python3: PYTHONDIR
# is on its path for PREFIX=/usr/local (else add it to PYTHONPATH).
PYVER        := $(shell /usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo 3)
PYTHONDIR    ?= $(PREFIX)/lib/python$(PYVER)/dist-packages
PY_INSTALLED = $(addprefix $(PYTHONDIR)/khaldun/,$(notdir $(wildcard python/khaldun/*.py)))

install: $(KHALDUN_BIN) $(BUILD)/$(SO_FILE)
	@for f in $(DATA_DIR)/lexicon.img $(DATA_DIR)/khaldun.dict; do \
	    [ -f $$f ] || { echo "make install: no $$f (run tools/setup.sh, or make data)" >&2; exit 2; }; \
	done
	install -d $(DESTDIR)$(KH_BINDIR) $(DESTDIR)$(KH_DATADIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 $(KHALDUN_BIN) $(DESTDIR)$(KH_BINDIR)/khaldun
	install -m 644 $(DATA_DIR)/lexicon.img $(DATA_DIR)/khaldun.dict $(DESTDIR)$(KH_DATADIR)/
	install -m 644 data/model/README.md $(DESTDIR)$(KH_DATADIR)/README.tagger.md
	install -m 644 docs/khaldun.1 $(DESTDIR)$(MANDIR)/man1/khaldun.1
	install -m 755 $(BUILD)/$(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SO_FILE)
	ln -sf $(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SO_NAME)
	ln -sf $(SO_NAME) $(DESTDIR)$(LIBDIR)/libkhaldun.so
	install -m 644 include/khaldun.h $(DESTDIR)$(INCLUDEDIR)/khaldun.h
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' \
	    'datadir=$(KH_DATADIR)' '' 'Name: khaldun' \
	    'Description: political event coder (CAMEO) for news text' 'Version: $(VERSION)' \
	    'Requires.private: sqlite3' 'Libs: -L$${libdir} -lkhaldun' \
	    'Libs.private: -lpthread -lm' 'Cflags: -I$${includedir}' \
	    >$(DESTDIR)$(PKGCONFIGDIR)/khaldun.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/khaldun.pc
	@if [ -d $(WEB_DIR)/vendor ]; then rm -rf $(DESTDIR)$(KH_DATADIR)/web; \
	    cp -R $(WEB_DIR) $(DESTDIR)$(KH_DATADIR)/web; fi
	install -d $(DESTDIR)$(PYTHONDIR)/khaldun
	install -m 644 python/khaldun/*.py $(DESTDIR)$(PYTHONDIR)/khaldun/
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rm -rf $(DESTDIR)$(KH_DATADIR)/web
	-rmdir $(DESTDIR)$(KH_DATADIR) 2>/dev/null
	rm -rf $(DESTDIR)$(PYTHONDIR)/khaldun/__pycache__
	-rmdir $(DESTDIR)$(PYTHONDIR)/khaldun 2>/dev/null

clean:
	rm -rf build build-asan build-ubsan build-lint build-fuzz khaldun

distclean: clean
