# align/pref.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Preference optimization in the model stage: the objectives (DPO, IPO, cDPO,
# distributional, group-robust weighting) and completion log-probs through the model.
libpolyphony_la_SOURCES += align/pp_pref_loss.c align/pp_pref_seq.c
nobase_pkginclude_HEADERS += align/pp_pref_loss.h align/pp_pref_seq.h
check_PROGRAMS += tests/check_pref
TESTS += tests/check_pref
tests_check_pref_SOURCES = tests/check_pref.c tests/testutil.h
tests_check_pref_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_pref_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/model/regenerate_prefs.py tests/data/model/prefs.safetensors
