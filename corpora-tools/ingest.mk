# corpora-tools/ingest.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Ingest: txt, JSONL, UDHR, HTML, CES, TMX and TEI files into corpus records.
pkginclude_HEADERS += corpora-tools/pp_ingest.h
libpolyphony_la_SOURCES += corpora-tools/pp_ingest.h corpora-tools/ingest_private.h \
	corpora-tools/ingest.c corpora-tools/ingest_xml.c corpora-tools/ingest_txt.c \
	corpora-tools/ingest_jsonl.c corpora-tools/ingest_udhr.c corpora-tools/ingest_html.c \
	corpora-tools/ingest_ces.c corpora-tools/ingest_tmx.c corpora-tools/ingest_tei.c
polyphony_SOURCES += corpora-tools/cmd_ingest.c

# The bundled UDHR (eval-sets/udhr/SOURCE.md): records and per-declaration
# metadata are installed; the scripts that regenerate them are distributed.
nobase_dist_pkgdata_DATA += eval-sets/udhr/udhr.jsonl.zst eval-sets/udhr/declarations.jsonl
EXTRA_DIST += eval-sets/udhr/SOURCE.md eval-sets/udhr/SPLIT.md eval-sets/udhr/regenerate.sh \
	eval-sets/udhr/export-metadata.mjs eval-sets/udhr/declarations.mjs
