# langs/registry.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The language registry (vendored snapshot + lookups), community profiles and
# `polyphony langs`.
nobase_pkginclude_HEADERS += langs/pp_registry.h
libpolyphony_la_SOURCES += langs/pp_registry.h langs/pp_registry.c langs/pp_exemplars.c \
	langs/pp_lang_identity.c \
	langs/pp_profile.c
polyphony_SOURCES += langs/cmd_langs.c

# The snapshot and its sources, the schema and the community profiles.
pp_profiles = langs/amh/profile.xml langs/arb/profile.xml langs/hau/profile.xml \
	langs/hin/profile.xml langs/ibo/profile.xml langs/nav/profile.xml langs/quz/profile.xml \
	langs/gug/profile.xml langs/swa/profile.xml langs/tgl/profile.xml langs/tha/profile.xml langs/wol/profile.xml \
	langs/yor/profile.xml langs/zul/profile.xml
nobase_dist_pkgdata_DATA += langs/data/registry.tsv langs/data/SOURCES.md \
	langs/data/joshi-classes.tsv langs/schema/profile.rng $(pp_profiles)

# The template schema and each community's seed templates (read by
# `polyphony instruct`), installed under $(pkgdatadir).
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

# The snapshot builder, compiled and run by langs/tools/regenerate-registry.sh
# (by hand, when iso-codes/CLDR/UDHR change). Not installed.
EXTRA_DIST += langs/tools/regenerate-registry.sh langs/tools/build-registry.c

check_PROGRAMS += tests/check_registry
TESTS += tests/check_registry
tests_check_registry_SOURCES = tests/check_registry.c
tests_check_registry_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_registry_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/registry/bad-profile.xml tests/data/registry/bad-registry.tsv

TESTS += tests/cli/langs.sh
EXTRA_DIST += tests/cli/langs.sh
dist_man_MANS += docs/man/polyphony-langs.1
EXTRA_DIST += docs/registry.md
