# eval-sets/eval-sets.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Tasks derived from the test split of the bundled UDHR, their loader and
# simple baselines (`polyphony eval-sets`).
polyphony_SOURCES += eval-sets/udhr_tasks.h eval-sets/udhr_load.c eval-sets/udhr_build.c \
	eval-sets/udhr_baseline.c eval-sets/udhr_lid_baseline.c eval-sets/cmd_eval_sets.c
EXTRA_DIST += eval-sets/README.md eval-sets/demo-gap-report.sh
dist_man_MANS += docs/man/polyphony-eval-sets.1
TESTS += tests/cli/eval-sets.sh
EXTRA_DIST += tests/cli/eval-sets.sh
