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
TESTS += tests/cli/instruct.sh tests/cli/prefs.sh
EXTRA_DIST += tests/cli/instruct.sh tests/cli/prefs.sh \
	tests/data/instruct/SOURCE.md tests/data/instruct/udhr-sample.jsonl \
	tests/data/instruct/templates/ar-article-qa.xml tests/data/instruct/templates/am-dated.xml \
	tests/data/instruct/bad/schema.xml tests/data/instruct/bad/missing-arg.xml \
	tests/data/instruct/bad/missing-field.xml tests/data/instruct/bad/no-reviewer.xml \
	tests/data/instruct/bad/wrong-language.xml \
	tests/data/prefs/SOURCE.md tests/data/prefs/annotators.json tests/data/prefs/pairs.jsonl \
	tests/data/prefs/unknown-annotator.jsonl

# Template schema and the seed templates, installed under $(pkgdatadir).
nobase_dist_pkgdata_DATA += langs/schema/template.rng \
	langs/amh/templates/article-qa.xml \
	langs/amh/templates/cloze.xml \
	langs/amh/templates/language-id.xml \
	langs/amh/templates/translation.xml \
	langs/arb/templates/article-qa.xml \
	langs/arb/templates/cloze.xml \
	langs/arb/templates/language-id.xml \
	langs/arb/templates/translation.xml \
	langs/gug/templates/article-qa.xml \
	langs/gug/templates/cloze.xml \
	langs/gug/templates/language-id.xml \
	langs/gug/templates/translation.xml \
	langs/hau/templates/article-qa.xml \
	langs/hau/templates/cloze.xml \
	langs/hau/templates/language-id.xml \
	langs/hau/templates/translation.xml \
	langs/hin/templates/article-qa.xml \
	langs/hin/templates/cloze.xml \
	langs/hin/templates/language-id.xml \
	langs/hin/templates/translation.xml \
	langs/ibo/templates/article-qa.xml \
	langs/ibo/templates/cloze.xml \
	langs/ibo/templates/language-id.xml \
	langs/ibo/templates/translation.xml \
	langs/quc/templates/article-qa.xml \
	langs/quc/templates/cloze.xml \
	langs/quc/templates/language-id.xml \
	langs/quc/templates/translation.xml \
	langs/quz/templates/article-qa.xml \
	langs/quz/templates/cloze.xml \
	langs/quz/templates/language-id.xml \
	langs/quz/templates/translation.xml \
	langs/swa/templates/article-qa.xml \
	langs/swa/templates/cloze.xml \
	langs/swa/templates/language-id.xml \
	langs/swa/templates/translation.xml \
	langs/tgl/templates/article-qa.xml \
	langs/tgl/templates/cloze.xml \
	langs/tgl/templates/language-id.xml \
	langs/tgl/templates/translation.xml \
	langs/tha/templates/article-qa.xml \
	langs/tha/templates/cloze.xml \
	langs/tha/templates/language-id.xml \
	langs/tha/templates/translation.xml \
	langs/wol/templates/article-qa.xml \
	langs/wol/templates/cloze.xml \
	langs/wol/templates/language-id.xml \
	langs/wol/templates/translation.xml \
	langs/yor/templates/article-qa.xml \
	langs/yor/templates/cloze.xml \
	langs/yor/templates/language-id.xml \
	langs/yor/templates/translation.xml \
	langs/zul/templates/article-qa.xml \
	langs/zul/templates/cloze.xml \
	langs/zul/templates/language-id.xml \
	langs/zul/templates/translation.xml

dist_man_MANS += docs/man/polyphony-instruct.1 docs/man/polyphony-prefs.1
EXTRA_DIST += docs/instruct.md docs/prefs.md
