# corpora-tools/community/community.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Community resources: instruction sets from community-written templates (ICU
# MessageFormat with named arguments), preference sets that keep annotator
# disagreement, and datasheets that document a corpus per language.
nobase_pkginclude_HEADERS += corpora-tools/community/pp_instruct.h corpora-tools/community/pp_prefs.h \
	corpora-tools/community/pp_prefs_lewidi.h
libpolyphony_la_SOURCES += corpora-tools/community/pp_instruct.h corpora-tools/community/pp_template_int.h \
	corpora-tools/community/msgformat_shim.cc corpora-tools/community/pp_template.c corpora-tools/community/pp_instruct.c \
	corpora-tools/community/pp_prefs.h corpora-tools/community/pp_prefs.c corpora-tools/community/pp_prefs_synth.c \
	corpora-tools/community/pp_prefs_lewidi.h corpora-tools/community/pp_prefs_lewidi.c \
	corpora-tools/community/pp_prefs_variants.c
polyphony_SOURCES += corpora-tools/community/cmd_instruct.c corpora-tools/community/cmd_prefs.c \
	corpora-tools/community/cmd_prefs_int.h corpora-tools/community/cmd_prefs_lewidi.c \
	corpora-tools/community/cmd_prefs_variants.c \
	corpora-tools/community/cmd_datasheet.c

check_PROGRAMS += tests/check_instruct tests/check_prefs
TESTS += tests/check_instruct tests/check_prefs
tests_check_instruct_SOURCES = tests/check_instruct.c
tests_check_instruct_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_instruct_LDADD = $(PP_TEST_LIBS)
tests_check_prefs_SOURCES = tests/check_prefs.c
tests_check_prefs_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_prefs_LDADD = $(PP_TEST_LIBS)
check_PROGRAMS += tests/check_prefs_lewidi
TESTS += tests/check_prefs_lewidi
tests_check_prefs_lewidi_SOURCES = tests/check_prefs_lewidi.c
tests_check_prefs_lewidi_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_prefs_lewidi_LDADD = $(PP_TEST_LIBS)
TESTS += tests/cli/instruct.sh tests/cli/prefs.sh tests/cli/prefs-lewidi.sh
EXTRA_DIST += tests/cli/instruct.sh tests/cli/prefs.sh tests/cli/prefs-lewidi.sh \
	tests/data/instruct/SOURCE.md tests/data/instruct/udhr-sample.jsonl \
	tests/data/instruct/templates/ar-article-qa.xml tests/data/instruct/templates/am-dated.xml \
	tests/data/instruct/bad/schema.xml tests/data/instruct/bad/missing-arg.xml \
	tests/data/instruct/bad/missing-field.xml tests/data/instruct/bad/no-reviewer.xml \
	tests/data/instruct/bad/wrong-language.xml \
	tests/data/prefs/SOURCE.md tests/data/prefs/annotators.json tests/data/prefs/pairs.jsonl \
	tests/data/prefs/unknown-annotator.jsonl \
	tests/data/prefs/lewidi/SOURCE.md tests/data/prefs/lewidi/alpha_reference.py \
	tests/data/prefs/lewidi/alpha_expected.json tests/data/prefs/lewidi/mp_items.json \
	tests/data/prefs/lewidi/mp_annotators_meta.json tests/data/prefs/lewidi/brexit_items.json \
	tests/data/prefs/lewidi/brexit_annotators.json tests/data/prefs/lewidi/nli_items.json \
	tests/data/prefs/lewidi/nli_annotators_meta.json tests/data/prefs/lewidi/bad_items.json \
	tests/data/prefs/lewidi/conv_items.json tests/data/prefs/lewidi/conv_annotators.json

dist_man_MANS += docs/man/polyphony-instruct.1 docs/man/polyphony-prefs.1 \
	docs/man/polyphony-datasheet.1
EXTRA_DIST += docs/instruct.md docs/prefs.md
