# eval-sets/tasks/tasks.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Tasks derived from the test split of the bundled UDHR, their loader and
# simple baselines (`polyphony eval-sets`).
polyphony_SOURCES += eval-sets/tasks/udhr_tasks.h eval-sets/tasks/udhr_load.c \
	eval-sets/tasks/udhr_build.c eval-sets/tasks/udhr_baseline.c \
	eval-sets/tasks/udhr_lid_baseline.c eval-sets/tasks/cmd_eval_sets.c
EXTRA_DIST += eval-sets/README.md eval-sets/demo-gap-report.sh
dist_man_MANS += docs/man/polyphony-eval-sets.1
TESTS += tests/cli/eval-sets.sh
EXTRA_DIST += tests/cli/eval-sets.sh

# The bundled UDHR (eval-sets/udhr/SOURCE.md): records and per-declaration
# metadata are installed; the scripts that regenerate them are distributed.
nobase_dist_pkgdata_DATA += eval-sets/udhr/udhr.jsonl.zst eval-sets/udhr/declarations.jsonl
EXTRA_DIST += eval-sets/udhr/SOURCE.md eval-sets/udhr/SPLIT.md eval-sets/udhr/regenerate.sh \
	eval-sets/udhr/export-metadata.mjs eval-sets/udhr/declarations.mjs
