# src/core.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The core library: errors, streams, records, ICU text helpers, BCP 47 tags, ledger, progress.
pp_core_public = src/pp_common.h src/pp_stream.h src/pp_record.h src/pp_record_view.h src/pp_text.h \
	src/pp_ledger.h src/pp_stats.h src/pp_progress.h src/pp_data.h src/pp_langtag.h
pkginclude_HEADERS += src/polyphony.h
nobase_pkginclude_HEADERS += $(pp_core_public)
libpolyphony_la_SOURCES += src/polyphony.h $(pp_core_public) src/pp_error.c src/pp_stream.c src/pp_record.c src/pp_json_buf.h src/pp_record_dump.c src/pp_record_view.cc src/pp_source.c \
	src/pp_text.c src/pp_ledger.c src/pp_stats.c src/pp_progress.c src/pp_data.c src/pp_langtag.c
