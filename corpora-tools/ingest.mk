# corpora-tools/ingest.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Ingest: txt, JSONL, UDHR, HTML, CES, TMX and TEI files into corpus records.
pkginclude_HEADERS += corpora-tools/pp_ingest.h
libpolyphony_la_SOURCES += corpora-tools/pp_ingest.h corpora-tools/ingest_private.h \
	corpora-tools/ingest.c corpora-tools/ingest_xml.c corpora-tools/ingest_txt.c \
	corpora-tools/ingest_jsonl.c corpora-tools/ingest_udhr.c corpora-tools/ingest_html.c \
	corpora-tools/ingest_ces.c corpora-tools/ingest_tmx.c corpora-tools/ingest_tei.c
polyphony_SOURCES += corpora-tools/cmd_ingest.c

# Tests: the library on fixtures (tests/data/ingest, see SOURCES.md there)
# and the command line.
check_PROGRAMS += tests/check_ingest
TESTS += tests/check_ingest tests/cli/ingest.sh
tests_check_ingest_SOURCES = tests/check_ingest.c
tests_check_ingest_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_ingest_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/cli/ingest.sh tests/data/ingest/SOURCES.md tests/data/ingest/udhr-yor.html \
	tests/data/ingest/udhr-meta.jsonl tests/data/ingest/ces-basque.xml \
	tests/data/ingest/memory.tmx tests/data/ingest/play.tei.xml tests/data/ingest/page.html \
	tests/data/ingest/paragraphs.txt tests/data/ingest/mapped.jsonl

# Benchmark (run by hand): JSONL throughput against jq.
EXTRA_DIST += bench/ingest/run.sh

dist_man_MANS += docs/man/polyphony-ingest.1
EXTRA_DIST += docs/ingest.md
