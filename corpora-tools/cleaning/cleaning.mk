# corpora-tools/cleaning/cleaning.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Cleaning: quality filters with a per-language exclusion audit, deduplication
# (exact + MinHash/LSH, two-phase sharded mode) and PII detection/redaction.
pp_filter_public = corpora-tools/cleaning/pp_filter.h
nobase_pkginclude_HEADERS += $(pp_filter_public)
libpolyphony_la_SOURCES += $(pp_filter_public) corpora-tools/cleaning/pp_filter_int.h \
	corpora-tools/cleaning/pp_filter_stats.h corpora-tools/cleaning/pp_filter_stats.c \
	corpora-tools/cleaning/pp_filter.c corpora-tools/cleaning/pp_filter_gopher.c \
	corpora-tools/cleaning/pp_filter_c4.c corpora-tools/cleaning/pp_filter_culture.c
polyphony_SOURCES += corpora-tools/cleaning/cmd_filter.c

check_PROGRAMS += tests/check_filter
TESTS += tests/check_filter
tests_check_filter_SOURCES = tests/check_filter.c
tests_check_filter_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_filter_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/filter/udhr-yo-am.jsonl tests/data/filter/SOURCE.md \
	tests/data/filter/codemix.jsonl tests/data/filter/regenerate-codemix.py
TESTS += tests/cli/filter.sh
EXTRA_DIST += tests/cli/filter.sh
dist_man_MANS += docs/man/polyphony-filter.1
EXTRA_DIST += docs/filter.md bench/corpora/filter-survival.sh bench/corpora/bible-docs.py

# Deduplication and PII.
nobase_pkginclude_HEADERS += corpora-tools/cleaning/pp_dedup.h corpora-tools/cleaning/pp_pii.h
libpolyphony_la_SOURCES += corpora-tools/cleaning/pp_dedup.h corpora-tools/cleaning/pp_dedup.c \
	corpora-tools/cleaning/pp_dedup_index.c corpora-tools/cleaning/pp_dedup_sig.c \
	corpora-tools/cleaning/pp_pii.h corpora-tools/cleaning/pp_pii.c
polyphony_SOURCES += corpora-tools/cleaning/cmd_dedup.c corpora-tools/cleaning/cmd_pii.c

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
