# corpora-tools/dedup.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Deduplication (exact + MinHash/LSH, two-phase sharded mode) and PII detection/redaction.
pkginclude_HEADERS += corpora-tools/pp_dedup.h corpora-tools/pp_pii.h
libpolyphony_la_SOURCES += corpora-tools/pp_dedup.h corpora-tools/pp_dedup.c \
	corpora-tools/pp_dedup_index.c corpora-tools/pp_dedup_sig.c \
	corpora-tools/pp_pii.h corpora-tools/pp_pii.c
polyphony_SOURCES += corpora-tools/cmd_dedup.c corpora-tools/cmd_pii.c

check_PROGRAMS += tests/check_dedup tests/check_pii
TESTS += tests/check_dedup tests/check_pii
tests_check_dedup_SOURCES = tests/check_dedup.c
tests_check_dedup_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_dedup_LDADD = $(PP_TEST_LIBS)
tests_check_pii_SOURCES = tests/check_pii.c
tests_check_pii_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_pii_LDADD = $(PP_TEST_LIBS)

TESTS += tests/cli/dedup.sh tests/cli/pii.sh tests/cli/parallel.sh
EXTRA_DIST += tests/cli/dedup.sh tests/cli/pii.sh tests/cli/parallel.sh \
	tests/data/dedup/corpus.jsonl tests/data/pii/records.jsonl

dist_man_MANS += docs/man/polyphony-dedup.1 docs/man/polyphony-pii.1
EXTRA_DIST += docs/dedup.md docs/pii.md docs/scale.md bench/corpora/run.sh \
	bench/corpora/eval-dedup.py bench/corpora/eval-pii.py bench/corpora/peer-phonenumbers.py
