# langs/lid.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Language identification (fastText), its evaluation, and corpus discovery.
pkginclude_HEADERS += langs/pp_lid.h langs/pp_cluster.h
libpolyphony_la_SOURCES += langs/pp_lid.h langs/pp_lid.c langs/pp_lid_text.c langs/pp_cluster.h langs/pp_cluster.c \
	langs/pp_lid_train.c langs/pp_lid_eval.c
polyphony_SOURCES += langs/cmd_lid.c langs/cmd_discover.c

check_PROGRAMS += tests/check_lid
TESTS += tests/check_lid
tests_check_lid_SOURCES = tests/check_lid.c
tests_check_lid_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_lid_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/lid/train.jsonl
TESTS += tests/cli/lid.sh
EXTRA_DIST += tests/cli/lid.sh
