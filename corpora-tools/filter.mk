# corpora-tools/filter.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Quality filters with a per-language exclusion audit, multilingual sampling,
# datasheets. The language sampler (pp_sample.h) is public: multilingual
# tokenizer training uses it too.
pp_filter_public = corpora-tools/pp_filter.h corpora-tools/pp_sample.h
pkginclude_HEADERS += $(pp_filter_public)
libpolyphony_la_SOURCES += $(pp_filter_public) corpora-tools/pp_sample.c corpora-tools/pp_filter_int.h \
	corpora-tools/pp_filter_stats.h corpora-tools/pp_filter_stats.c corpora-tools/pp_filter.c \
	corpora-tools/pp_filter_gopher.c corpora-tools/pp_filter_c4.c \
	corpora-tools/pp_filter_culture.c
polyphony_SOURCES += corpora-tools/cmd_filter.c corpora-tools/cmd_sample.c \
	corpora-tools/cmd_datasheet.c corpora-tools/cmd_spool.h corpora-tools/cmd_spool.c

check_PROGRAMS += tests/check_filter
TESTS += tests/check_filter
tests_check_filter_SOURCES = tests/check_filter.c
tests_check_filter_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_filter_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/filter/udhr-yo-am.jsonl tests/data/filter/SOURCE.md
TESTS += tests/cli/filter.sh
EXTRA_DIST += tests/cli/filter.sh
dist_man_MANS += docs/man/polyphony-filter.1 docs/man/polyphony-sample.1 docs/man/polyphony-datasheet.1
EXTRA_DIST += docs/filter.md bench/corpora/filter-survival.sh bench/corpora/bible-docs.py
