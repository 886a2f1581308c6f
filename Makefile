# khaldun: the front door. GNU make (Debian's default make).
#
#   make            library, ./khaldun
#   make data       compile the default lexicon and dictionary images (needs tools/setup.sh once)
#   make model      retrain the tagger's shipped weights, data/model/tagger.txt (needs ../shared)
#   make check      every test: unit, golden (CLI), suites, pathological
#   make asan       the whole test suite under AddressSanitizer + UBSan (+ LeakSanitizer)
#   make ubsan      the whole test suite under UndefinedBehaviorSanitizer alone
#   make fuzz       build the libFuzzer harnesses (clang) and run each for FUZZ_SECONDS
#   make bench      speed and memory over ../shared/corpora
#   make lint       cppcheck + the strict warning set with -Werror
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
SHARED  ?= $(or $(KHALDUN_SHARED),$(abspath ../shared))
WORDNET ?= /usr/share/wordnet
FUZZ_SECONDS ?= 30

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

.PHONY: all data model check asan ubsan fuzz fuzz-replay bench lint clean distclean

all: $(KHALDUN_BIN)

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(XCFLAGS) -c -o $@ $<

$(BUILD)/libkhaldun.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(KHALDUN_BIN): $(CLI_OBJ) $(BUILD)/libkhaldun.a
	$(CC) $(XCFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libkhaldun.a $(LDLIBS)

$(BUILD)/test-unit: $(TEST_OBJ) $(BUILD)/libkhaldun.a
	$(CC) $(XCFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libkhaldun.a $(LDLIBS)

# The default images: lexicon (WordNet + data/lexicon/) and dictionary (data/).
DATA_DIR = $(BUILD)/data
data: $(KHALDUN_BIN)
	sh tools/build-data.sh $(KHALDUN_BIN) $(DATA_DIR)

# The tagger's weights, committed as data/model/tagger.txt so that set-up
# needs no training data. Trained on UD English-EWT dev only: EWT test and
# GUM (non-commercial licence) are for evaluation, never for shipped weights.
# The same data gives a byte-identical file (tests/sh/model.sh checks it).
UD_TRAIN = $(SHARED)/reference/ud/en_ewt-ud-dev.conllu
model: $(KHALDUN_BIN)
	@[ -f "$(UD_TRAIN)" ] || { echo "make model: no $(UD_TRAIN) (set SHARED=DIR)" >&2; exit 2; }
	@mkdir -p $(BUILD)/model
	$(KHALDUN_BIN) lex build --wordnet $(WORDNET) --closed data/lexicon --train $(UD_TRAIN) \
	    --save-model data/model/tagger.txt -o $(BUILD)/model/lexicon.img
	@echo "make model: now run 'make data' to compile it into $(DATA_DIR)/lexicon.img" >&2

check: $(KHALDUN_BIN) $(BUILD)/test-unit
	KHALDUN_SHARED=$(SHARED) sh tests/run.sh $(KHALDUN_BIN) $(BUILD)

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	    SANFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -DKH_ARENA_MALLOC" check

ubsan:
	$(MAKE) BUILD=build-ubsan OPT="-O1 -g" \
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

clean:
	rm -rf build build-asan build-ubsan build-lint build-fuzz khaldun

distclean: clean
