# langs/shim.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The fastText C shim.
nobase_pkginclude_HEADERS += langs/pp_fasttext.h
libpolyphony_la_SOURCES += langs/pp_fasttext.h langs/fasttext_shim.cc
