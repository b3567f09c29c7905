# corpora-tools/instruct.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
pkginclude_HEADERS += corpora-tools/pp_instruct.h
libpolyphony_la_SOURCES += corpora-tools/pp_instruct.h corpora-tools/pp_template_int.h \
	corpora-tools/msgformat_shim.cc corpora-tools/pp_template.c corpora-tools/pp_instruct.c
polyphony_SOURCES += corpora-tools/cmd_instruct.c
