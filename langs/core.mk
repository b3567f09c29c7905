# langs/core.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# BCP 47 tags (ICU) and the fastText C shim.
pkginclude_HEADERS += langs/pp_langtag.h langs/pp_fasttext.h
libpolyphony_la_SOURCES += langs/pp_langtag.h langs/pp_langtag.c langs/pp_fasttext.h \
	langs/fasttext_shim.cc
