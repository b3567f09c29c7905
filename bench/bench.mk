# bench/bench.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
EXTRA_DIST += bench/audit/run.sh
