# tests/tests.mk — Check unit tests for the core library and the shims.
pp_core_tests = tests/check_stream tests/check_record tests/check_text tests/check_ledger \
	tests/check_shims
check_PROGRAMS += $(pp_core_tests)
TESTS += $(pp_core_tests)
tests_check_stream_SOURCES = tests/check_stream.c tests/testutil.h
tests_check_stream_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_stream_LDADD = $(PP_TEST_LIBS)
tests_check_record_SOURCES = tests/check_record.c tests/testutil.h
tests_check_record_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_record_LDADD = $(PP_TEST_LIBS)
tests_check_text_SOURCES = tests/check_text.c tests/testutil.h
tests_check_text_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_text_LDADD = $(PP_TEST_LIBS)
tests_check_ledger_SOURCES = tests/check_ledger.c tests/testutil.h
tests_check_ledger_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_ledger_LDADD = $(PP_TEST_LIBS)
tests_check_shims_SOURCES = tests/check_shims.c tests/testutil.h
tests_check_shims_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_shims_LDADD = $(PP_TEST_LIBS)

# The command-line basics (help, version, exit statuses).
TESTS += tests/cli/basics.sh tests/cli/stats.sh
EXTRA_DIST += tests/cli/basics.sh tests/cli/stats.sh tests/cli/lib.sh
# Help, -q and manual pages of every command and sub-command.
TESTS += tests/cli/help.sh
EXTRA_DIST += tests/cli/help.sh
