# corpora-tools/mixing/mixing.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Mixing: multilingual sampling (temperature/UniMax over languages). The
# language sampler (pp_sample.h) is public: multilingual tokenizer training
# uses it too.
nobase_pkginclude_HEADERS += corpora-tools/mixing/pp_sample.h
libpolyphony_la_SOURCES += corpora-tools/mixing/pp_sample.h corpora-tools/mixing/pp_sample.c
polyphony_SOURCES += corpora-tools/mixing/cmd_sample.c
dist_man_MANS += docs/man/polyphony-sample.1
