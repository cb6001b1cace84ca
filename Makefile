# newsclaims — build, test, demo, bench, install.
# Targets: all (default), demo, check (plain + ASan/UBSan), check-plain, check-asan, valgrind,
# bench, install, uninstall, deps, clean.

PKGS     := libxml-2.0 libpcre2-8 icu-uc icu-i18n sqlite3
CC       ?= cc
CFLAGS   ?= -O2 -g
# flags the code needs whatever CFLAGS the user gives
NC_FLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DPCRE2_CODE_UNIT_WIDTH=8 -pthread \
            -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wno-format-nonliteral -Wno-overlength-strings
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS   += $(PKG_LIBS) -lm -pthread
PREFIX   ?= /usr/local
BUILD    ?= build

LIB_SRC  := $(wildcard ingest/*.c) $(wildcard extract/*.c) $(wildcard store/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
HDRS     := $(wildcard ingest/*.h extract/*.h store/*.h tests/*.h tests/*.def)
TEST_SRC := $(wildcard tests/*.c)
CONF_SRC := tests/conformance/conformance.c
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

CONFORMANCE_DIR ?= ../shared/conformance/recognizers-text

.PHONY: fuzz fuzz-build conformance all demo check check-asan check-plain valgrind bench install uninstall clean deps

all: newsclaims

$(BUILD)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(NC_FLAGS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/libnewsclaims.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

newsclaims: $(BUILD)/cli/main.o $(BUILD)/libnewsclaims.a
	$(CC) $(NC_FLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/run: $(TEST_OBJ) $(BUILD)/libnewsclaims.a
	$(CC) $(NC_FLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/conformance: $(BUILD)/tests/conformance/conformance.o $(BUILD)/libnewsclaims.a
	$(CC) $(NC_FLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The peer's public test cases (../shared/conformance): per file, the share of
# cases whose spans and values match. Skipped, with a message, without ../shared.
conformance: $(BUILD)/conformance
	$(BUILD)/conformance $(CONFORMANCE_DIR)

# ---------------------------------------------------------------- fuzzing
# libFuzzer targets built with clang, AddressSanitizer and UBSan in
# build-fuzz/. `make fuzz` runs each for FUZZ_SECONDS (default 60) from seeds
# taken from corpus/ and tests/cases/, after replaying every input kept in
# tests/fuzz/regressions/<target>/ (inputs that once crashed, hung or leaked).
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := fuzz_ingest fuzz_extract fuzz_normalize
FUZZ_FLAGS   := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build-fuzz/%.o)

build-fuzz/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(NC_FLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c $< -o $@

build-fuzz/libnewsclaims.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libnewsclaims.a $(HDRS)
	$(FUZZ_CC) $(NC_FLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $< build-fuzz/libnewsclaims.a $(LDLIBS)

fuzz-build: $(FUZZ_TARGETS:%=build-fuzz/%)

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

deps:
	sh .ci/deps

# Ingest corpus/ into a fresh database and print the claim timeline.
demo: newsclaims
	rm -f demo.db demo.db-wal demo.db-shm
	./newsclaims ingest corpus --db demo.db
	./newsclaims timeline --db demo.db --format text

# The whole suite, then again under AddressSanitizer + UBSan; the last line
# is the combined "N passed, N failed".
check: newsclaims $(BUILD)/tests/run $(BUILD)/conformance
	@sh tests/check.sh $(BUILD)/tests/run build-asan/tests/run

check-plain: newsclaims $(BUILD)/tests/run $(BUILD)/conformance
	$(BUILD)/tests/run

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# The suite's binaries built with AddressSanitizer + UBSan (run by make check).
check-asan:
	$(MAKE) BUILD=build-asan CFLAGS="$(ASAN_FLAGS)" build-asan/tests/run build-asan/newsclaims build-asan/conformance

$(BUILD)/newsclaims: $(BUILD)/cli/main.o $(BUILD)/libnewsclaims.a
	$(CC) $(NC_FLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The suite under valgrind (the binary's runs too, through NEWSCLAIMS_BIN).
# PCRE2 JIT code reads ahead with vector loads that memcheck reports without
# PCRE2's own valgrind support compiled in, so the interpreter is used here;
# the ASan run of make check covers the JIT path. The bad-input test's 50 MB
# file is 2 MB here, the SIGKILL test kills 5 ingests, not 50, and the
# parallel recipe takes 40 files per language of corpus-bench, not all, and the
# first-open race runs 2 trials, not 20:
# under memcheck they would take a quarter of an hour each.
VALGRIND := valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	  --suppressions=tests/valgrind.supp
valgrind: newsclaims $(BUILD)/tests/run $(BUILD)/conformance
	NEWSCLAIMS_NO_JIT=1 NEWSCLAIMS_TEST_BIG_MB=2 NEWSCLAIMS_TEST_KILLS=5 NEWSCLAIMS_TEST_RECIPE_SAMPLE=40 NEWSCLAIMS_TEST_RACE_TRIALS=2 NEWSCLAIMS_BIN="$(VALGRIND) ./newsclaims" $(VALGRIND) $(BUILD)/tests/run

# Throughput and memory on ../shared/corpus-bench, written to bench/RESULTS.md.
bench: newsclaims
	sh bench/run.sh

# make install PREFIX=/usr/local: the binary, the static library with its
# headers (include/newsclaims/newsclaims.h includes the three stage headers),
# a pkg-config file, the data files the binary finds relative to the prefix,
# the schema document and man pages.
DESTDIR ?=
install: newsclaims $(BUILD)/libnewsclaims.a
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include/newsclaims/ingest $(DESTDIR)$(PREFIX)/include/newsclaims/extract \
	  $(DESTDIR)$(PREFIX)/include/newsclaims/store $(DESTDIR)$(PREFIX)/share/newsclaims/rules \
	  $(DESTDIR)$(PREFIX)/share/newsclaims/ingest $(DESTDIR)$(PREFIX)/share/doc/newsclaims \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 newsclaims $(DESTDIR)$(PREFIX)/bin/newsclaims
	install -m 644 $(BUILD)/libnewsclaims.a $(DESTDIR)$(PREFIX)/lib/libnewsclaims.a
	install -m 644 ingest/ingest.h $(DESTDIR)$(PREFIX)/include/newsclaims/ingest/ingest.h
	install -m 644 extract/extract.h $(DESTDIR)$(PREFIX)/include/newsclaims/extract/extract.h
	install -m 644 store/store.h $(DESTDIR)$(PREFIX)/include/newsclaims/store/store.h
	printf '/* newsclaims: the pipeline as a library (ingest -> extract -> store). */\n#ifndef NEWSCLAIMS_H\n#define NEWSCLAIMS_H\n#include "store/store.h"\n#endif\n' \
	  > $(DESTDIR)$(PREFIX)/include/newsclaims/newsclaims.h
	install -m 644 extract/rules/*.rules extract/rules/orgs.tsv extract/rules/predicates.tsv extract/rules/README.md $(DESTDIR)$(PREFIX)/share/newsclaims/rules/
	install -m 644 ingest/data/*.lang ingest/data/README.md $(DESTDIR)$(PREFIX)/share/newsclaims/ingest/
	install -m 644 store/SCHEMA.md README.md $(DESTDIR)$(PREFIX)/share/doc/newsclaims/
	install -m 644 cli/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\ndatadir=$${prefix}/share/newsclaims\n\nName: newsclaims\nDescription: news claims extraction pipeline (ingest, extract, store)\nVersion: %s\nRequires: $(PKGS)\nLibs: -L$${libdir} -lnewsclaims -lm -pthread\nCflags: -I$${includedir}/newsclaims\n' \
	  '$(PREFIX)' "$$(sed -n 's/^#define NC_VERSION "\(.*\)"/\1/p' ingest/ingest.h)" > $(DESTDIR)$(PREFIX)/lib/pkgconfig/newsclaims.pc

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/bin/newsclaims $(DESTDIR)$(PREFIX)/lib/libnewsclaims.a \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/newsclaims.pc $(DESTDIR)$(PREFIX)/include/newsclaims \
	  $(DESTDIR)$(PREFIX)/share/newsclaims $(DESTDIR)$(PREFIX)/share/doc/newsclaims \
	  $(DESTDIR)$(PREFIX)/share/man/man1/newsclaims.1 $(DESTDIR)$(PREFIX)/share/man/man1/newsclaims-*.1

clean:
	rm -rf build build-asan newsclaims demo.db demo.db-wal demo.db-shm tests/out
