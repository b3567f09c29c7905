# corpora-tools/dedup.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Deduplication (exact + MinHash/LSH, two-phase sharded mode) and PII detection/redaction.
pkginclude_HEADERS += corpora-tools/pp_dedup.h corpora-tools/pp_pii.h
libpolyphony_la_SOURCES += corpora-tools/pp_dedup.h corpora-tools/pp_dedup.c \
	corpora-tools/pp_dedup_index.c corpora-tools/pp_dedup_sig.c \
	corpora-tools/pp_pii.h corpora-tools/pp_pii.c
polyphony_SOURCES += corpora-tools/cmd_dedup.c corpora-tools/cmd_pii.c
