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
TESTS += tests/cli/basics.sh
EXTRA_DIST += tests/README.md tests/cli/basics.sh tests/cli/lib.sh

# The layering rule, on every #include of the tree; public headers are the
# ones the fragments install.
TESTS += tests/layering.sh
EXTRA_DIST += tests/layering.sh
AM_TESTS_ENVIRONMENT += PP_PUBLIC_HEADERS='$(pkginclude_HEADERS) $(nobase_pkginclude_HEADERS)'; \
	export PP_PUBLIC_HEADERS;

# make installcheck (run by distcheck): a program that includes every
# installed public header, the way a user of the library finds them
# (-I$(pkgincludedir), as polyphony.pc says), and links the installed library.
installcheck-local:
	{ echo '#include "polyphony.h"'; \
	  for h in $(nobase_pkginclude_HEADERS); do echo "#include \"$$h\""; done; \
	  echo 'int main(void) { char t[16]; return pp_langtag_canonicalize("en", t, sizeof t, NULL) != PP_OK; }'; \
	} >installcheck-headers.c
	$(CC) $(CFLAGS) -std=gnu11 -I$(DESTDIR)$(pkgincludedir) $(DEP_CFLAGS) -o installcheck-headers$(EXEEXT) \
	    installcheck-headers.c -L$(DESTDIR)$(libdir) -lpolyphony $(DEP_LIBS)
	rm -f installcheck-headers.c installcheck-headers$(EXEEXT)
# Help, -q and manual pages of every command and sub-command.
TESTS += tests/cli/help.sh
EXTRA_DIST += tests/cli/help.sh
