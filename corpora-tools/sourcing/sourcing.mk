# corpora-tools/sourcing/sourcing.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Sourcing: ingest (txt, JSONL, UDHR, HTML, CES, TMX and TEI files into corpus
# records) and `stats`, the per-language inventory of a corpus.
nobase_pkginclude_HEADERS += corpora-tools/sourcing/pp_ingest.h
libpolyphony_la_SOURCES += corpora-tools/sourcing/pp_ingest.h corpora-tools/sourcing/ingest_private.h \
	corpora-tools/sourcing/ingest.c corpora-tools/sourcing/ingest_emit.c corpora-tools/sourcing/ingest_xml.c corpora-tools/sourcing/ingest_txt.c \
	corpora-tools/sourcing/ingest_jsonl.c corpora-tools/sourcing/ingest_udhr.c corpora-tools/sourcing/ingest_html.c \
	corpora-tools/sourcing/ingest_ces.c corpora-tools/sourcing/ingest_tmx.c corpora-tools/sourcing/ingest_tei.c
polyphony_SOURCES += corpora-tools/sourcing/cmd_ingest.c corpora-tools/sourcing/cmd_stats.c

# Tests: the library on fixtures (tests/data/ingest, see SOURCES.md there)
# and the command line.
check_PROGRAMS += tests/check_ingest
TESTS += tests/check_ingest tests/cli/ingest.sh tests/cli/stats.sh
tests_check_ingest_SOURCES = tests/check_ingest.c
tests_check_ingest_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_ingest_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/cli/ingest.sh tests/cli/stats.sh tests/data/ingest/SOURCES.md tests/data/ingest/udhr-yor.html \
	tests/data/ingest/udhr-meta.jsonl tests/data/ingest/ces-basque.xml \
	tests/data/ingest/memory.tmx tests/data/ingest/play.tei.xml tests/data/ingest/page.html \
	tests/data/ingest/paragraphs.txt tests/data/ingest/mapped.jsonl

# Benchmark (run by hand): JSONL throughput against jq.
EXTRA_DIST += bench/ingest/run.sh
# the cases where the record parser and jansson could differ (tests/cli/stream-bytes.sh)
EXTRA_DIST += tests/data/stream/view-cases.jsonl tests/data/stream/ingest-view.expected \
	tests/data/stream/ingest-view-rejects.expected

dist_man_MANS += docs/man/polyphony-ingest.1 docs/man/polyphony-stats.1
EXTRA_DIST += docs/ingest.md
