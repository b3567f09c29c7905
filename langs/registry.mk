# langs/registry.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The language registry (vendored snapshot + lookups), community profiles and
# `polyphony langs`.
pkginclude_HEADERS += langs/pp_registry.h
libpolyphony_la_SOURCES += langs/pp_registry.h langs/pp_registry.c langs/pp_exemplars.c \
	langs/pp_profile.c
polyphony_SOURCES += langs/cmd_langs.c

# The snapshot and its sources, the schema and the community profiles.
pp_profiles = langs/amh/profile.xml langs/arb/profile.xml langs/hau/profile.xml \
	langs/hin/profile.xml langs/ibo/profile.xml langs/nav/profile.xml langs/quz/profile.xml \
	langs/gug/profile.xml langs/swa/profile.xml langs/tgl/profile.xml langs/tha/profile.xml langs/wol/profile.xml \
	langs/yor/profile.xml langs/zul/profile.xml
nobase_dist_pkgdata_DATA += langs/data/registry.tsv langs/data/SOURCES.md \
	langs/data/joshi-classes.tsv langs/schema/profile.rng $(pp_profiles)

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
