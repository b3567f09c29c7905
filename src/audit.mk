# src/audit.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Evaluation metrics with bootstrap intervals and the per-community gap audit:
# the library part (pp_eval.h, pp_gap.h) and the `eval` and `audit` commands.
pp_audit_public = src/pp_eval.h src/pp_gap.h
pkginclude_HEADERS += $(pp_audit_public)
libpolyphony_la_SOURCES += $(pp_audit_public) src/pp_chrf.c src/pp_answer.c src/pp_metric.c \
	src/pp_bootstrap.c src/pp_gap.c
polyphony_SOURCES += src/audit/eval_input.h src/audit/eval_input.c src/audit/cmd_eval.c

check_PROGRAMS += tests/check_eval
TESTS += tests/check_eval
tests_check_eval_SOURCES = tests/check_eval.c
tests_check_eval_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_eval_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/eval/chrf_reference.py tests/data/eval/regenerate.sh \
	tests/data/eval/SOURCE.md tests/data/eval/chrf_input.jsonl tests/data/eval/chrf_expected.jsonl
polyphony_SOURCES += src/audit/audit.h src/audit/audit_ledger.c src/audit/audit_speakers.c \
	src/audit/audit_write.c src/audit/audit_html.c src/audit/cmd_audit.c

check_PROGRAMS += tests/check_audit
TESTS += tests/check_audit
tests_check_audit_SOURCES = tests/check_audit.c
tests_check_audit_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_audit_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/eval/audit_reference.py tests/data/eval/audit_ledger.jsonl \
	tests/data/eval/speakers.tsv tests/data/eval/audit_expected.json

TESTS += tests/cli/eval.sh tests/cli/audit.sh tests/cli/audit-html.sh
EXTRA_DIST += tests/cli/eval.sh tests/cli/audit.sh tests/cli/audit-html.sh
dist_man_MANS += docs/man/polyphony-eval.1 docs/man/polyphony-audit.1
EXTRA_DIST += docs/audit.md
