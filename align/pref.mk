# align/pref.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Preference optimization in the model stage: the objectives (DPO, IPO, cDPO,
# distributional, group-robust weighting) and completion log-probs through the model.
libpolyphony_la_SOURCES += align/pp_pref_loss.c align/pp_pref_seq.c align/pp_pref_data.c align/pp_pref_cond.c
nobase_pkginclude_HEADERS += align/pp_pref_loss.h align/pp_pref_seq.h align/pp_pref_data.h
check_PROGRAMS += tests/check_pref
TESTS += tests/check_pref
tests_check_pref_SOURCES = tests/check_pref.c tests/testutil.h tests/model_fixtures.h
tests_check_pref_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_pref_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/model/regenerate_prefs.py tests/data/model/prefs.safetensors
polyphony_SOURCES += align/cmd_align.c align/cmd_align_eval.c align/align_cli.c align/align_cli.h
dist_man_MANS += docs/man/polyphony-align.1
TESTS += tests/cli/align.sh tests/cli/align-lora.sh
dist_check_SCRIPTS += tests/cli/align.sh tests/cli/align-lora.sh
EXTRA_DIST += tests/data/align/regenerate.py tests/data/align/yo-tones-train.jsonl tests/data/align/yo-tones-heldout.jsonl tests/data/align/SOURCE.md
EXTRA_DIST += docs/alignment.md scripts/alignment-experiment.sh
EXTRA_DIST += scripts/main-job-align.sh
if HAVE_MPI
TESTS += tests/cli/align-mpi.sh
endif
dist_check_SCRIPTS += tests/cli/align-mpi.sh
