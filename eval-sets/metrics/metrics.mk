# eval-sets/metrics/metrics.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Evaluation metrics with bootstrap intervals: the library part (pp_eval.h)
# and the `eval` command that scores predictions per language.
pp_metrics_public = eval-sets/metrics/pp_eval.h
nobase_pkginclude_HEADERS += $(pp_metrics_public)
libpolyphony_la_SOURCES += $(pp_metrics_public) eval-sets/metrics/pp_chrf.c \
	eval-sets/metrics/pp_answer.c eval-sets/metrics/pp_metric.c eval-sets/metrics/pp_bootstrap.c \
	eval-sets/metrics/pp_bleu.c eval-sets/metrics/pp_ter.c
polyphony_SOURCES += eval-sets/metrics/eval_input.h eval-sets/metrics/eval_input.c \
	eval-sets/metrics/cmd_eval.c

check_PROGRAMS += tests/check_eval
TESTS += tests/check_eval
tests_check_eval_SOURCES = tests/check_eval.c
tests_check_eval_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_eval_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/eval/chrf_reference.py tests/data/eval/regenerate.sh \
	tests/data/eval/SOURCE.md tests/data/eval/chrf_input.jsonl tests/data/eval/chrf_expected.jsonl \
	tests/data/eval/bleu_ter_reference.py tests/data/eval/bleu_ter_expected.jsonl

TESTS += tests/cli/eval.sh
EXTRA_DIST += tests/cli/eval.sh
dist_man_MANS += docs/man/polyphony-eval.1
