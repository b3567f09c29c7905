# corpora-tools/instruct.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Instruction sets from community-written templates (ICU MessageFormat with
# named arguments) and preference sets that keep annotator disagreement.
pkginclude_HEADERS += corpora-tools/pp_instruct.h corpora-tools/pp_prefs.h
libpolyphony_la_SOURCES += corpora-tools/pp_instruct.h corpora-tools/pp_template_int.h \
	corpora-tools/msgformat_shim.cc corpora-tools/pp_template.c corpora-tools/pp_instruct.c \
	corpora-tools/pp_prefs.h corpora-tools/pp_prefs.c corpora-tools/pp_prefs_synth.c
polyphony_SOURCES += corpora-tools/cmd_instruct.c corpora-tools/cmd_prefs.c

check_PROGRAMS += tests/check_instruct tests/check_prefs
TESTS += tests/check_instruct tests/check_prefs
tests_check_instruct_SOURCES = tests/check_instruct.c
tests_check_instruct_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_instruct_LDADD = $(PP_TEST_LIBS)
tests_check_prefs_SOURCES = tests/check_prefs.c
tests_check_prefs_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_prefs_LDADD = $(PP_TEST_LIBS)
