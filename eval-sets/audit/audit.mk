# eval-sets/audit/audit.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The per-community gap audit: the library part (pp_gap.h) and the `audit`
# command, which joins ledger rows from every stage into one scorecard.
pp_audit_public = eval-sets/audit/pp_gap.h
nobase_pkginclude_HEADERS += $(pp_audit_public)
libpolyphony_la_SOURCES += $(pp_audit_public) eval-sets/audit/pp_gap.c
# The command's logic prints its errors, so it stays out of the library; the
# Check program below compiles it in.
pp_audit_cmd_logic = eval-sets/audit/audit.h eval-sets/audit/audit_ledger.c \
	eval-sets/audit/audit_speakers.c eval-sets/audit/audit_write.c eval-sets/audit/audit_html.c \
	eval-sets/audit/audit_kinds.c eval-sets/audit/audit_axis.c eval-sets/audit/audit_pool.c
polyphony_SOURCES += $(pp_audit_cmd_logic) eval-sets/audit/cmd_audit.c
# What each ledger metric is (quality, cost, inventory), its direction and range.
nobase_dist_pkgdata_DATA += eval-sets/audit/metric-kinds.tsv
# The report's basemap (Natural Earth land 1:110m, public domain) and how it is made.
nobase_dist_pkgdata_DATA += eval-sets/audit/basemap/land-110m.path
EXTRA_DIST += eval-sets/audit/basemap/SOURCE.md eval-sets/audit/basemap/regenerate.sh \
	eval-sets/audit/basemap/topo2path.mjs

check_PROGRAMS += tests/check_audit
TESTS += tests/check_audit
tests_check_audit_SOURCES = tests/check_audit.c
tests_check_audit_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_audit_LDADD = $(PP_TEST_LIBS)
check_PROGRAMS += tests/check_audit_report
TESTS += tests/check_audit_report
tests_check_audit_report_SOURCES = tests/check_audit_report.c tests/testutil.h $(pp_audit_cmd_logic)
tests_check_audit_report_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_audit_report_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/eval/audit_reference.py tests/data/eval/audit_ledger.jsonl \
	tests/data/eval/speakers.tsv tests/data/eval/audit_expected.json

TESTS += tests/cli/audit.sh tests/cli/audit-html.sh tests/cli/pipeline.sh
EXTRA_DIST += tests/cli/audit.sh tests/cli/audit-html.sh tests/cli/png_colours.py \
	tests/cli/pipeline.sh
dist_man_MANS += docs/man/polyphony-audit.1
EXTRA_DIST += docs/audit.md
