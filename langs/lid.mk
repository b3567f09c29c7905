# langs/lid.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# Language identification (fastText), its evaluation, and corpus discovery.
nobase_pkginclude_HEADERS += langs/pp_lid.h langs/pp_cluster.h
libpolyphony_la_SOURCES += langs/pp_lid.h langs/pp_lid.c langs/pp_lid_text.c langs/pp_cluster.h langs/pp_cluster.c \
	langs/pp_lid_train.c langs/pp_lid_eval.c langs/pp_lid_calibrate.c
polyphony_SOURCES += langs/cmd_lid.c langs/cmd_discover.c

check_PROGRAMS += tests/check_lid
TESTS += tests/check_lid
tests_check_lid_SOURCES = tests/check_lid.c
tests_check_lid_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_lid_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/lid/train.jsonl tests/data/lid/raw-lines.txt
TESTS += tests/cli/lid.sh
EXTRA_DIST += tests/cli/lid.sh
dist_man_MANS += docs/man/polyphony-lid.1 docs/man/polyphony-discover.1

# The bundled model: trained on the bundled UDHR's train split, on the
# training books of the CES Bible corpus and on the GTK/GLib/GStreamer message
# catalogs (langs/models/data/SOURCE.md), at most 600 examples per label from
# each source (--max-per-source); thresholds calibrated
# on the UDHR dev split (eval-sets/udhr/SPLIT.md). Reproducible: fixed seed, one
# thread. Regenerate by hand with `make lid-model` (takes minutes).
PP_LID_TRAIN_FILES = $(top_srcdir)/eval-sets/udhr/udhr.jsonl.zst \
	$(top_srcdir)/langs/models/data/bible-train.jsonl.zst \
	$(top_srcdir)/langs/models/data/catalog-train.jsonl.zst
PP_LID_MODEL_OPTS = --split train --dev-split dev --min-chars 2000 \
	--dim 32 --epoch 10 --lr 0.5 --minn 2 --maxn 4 --min-count 1000000 \
	--bucket 500000 --cutoff 0 --dsub 2 --max-threshold 0.5 --profile-top 600 \
	--max-per-source 600 --profile-per-source --seed 1 --threads 1
lid-model: polyphony$(EXEEXT)
	$(MKDIR_P) $(top_srcdir)/langs/models
	zstd -dcq $(PP_LID_TRAIN_FILES) > lid-train.jsonl
	./polyphony$(EXEEXT) lid train --input lid-train.jsonl \
	    --output $(top_srcdir)/langs/models/udhr-lid.ftz $(PP_LID_MODEL_OPTS)
	rm -f lid-train.jsonl
.PHONY: lid-model
EXTRA_DIST += bench/lid/run.sh bench/lid/udhr-test.sh bench/lid/bible2jsonl.mjs \
	bench/lid/franc.mjs bench/lid/cld2_driver.cc bench/lid/macro-fold.tsv \
	bench/lid/script-rule.sh bench/lid/catalogs2jsonl.py bench/lid/fasttext-parity.sh \
	bench/lid/calibrate.sh bench/lid/e2e.sh bench/lid/catalogs.sh bench/lid/ui-locales.txt \
	bench/lid/lid176.sh bench/lid/groups.sh \
	langs/models/data/SOURCE.md langs/models/data/bible-train.py \
	langs/models/data/bible-train.jsonl.zst langs/models/data/catalog-train.py \
	langs/models/data/catalog_strings.py langs/models/data/catalog-train.jsonl.zst
nobase_dist_pkgdata_DATA += langs/models/udhr-lid.ftz langs/models/udhr-lid.ftz.thresholds.json \
	langs/models/udhr-lid.ftz.profiles.tsv.zst langs/models/README.md langs/models/LABELS.tsv \
	langs/models/RESULTS.md
EXTRA_DIST += docs/lid.md
# The checks of a decision: letters and sisters (private header).
libpolyphony_la_SOURCES += langs/pp_lid_check.h langs/pp_lid_check.c
EXTRA_DIST += bench/lid/letter-check.sh
# check_lid compares the letter check's two paths through its private API.
tests_check_lid_SOURCES += langs/pp_lid_check.c
TESTS += tests/cli/lid-fasttext-order.sh
EXTRA_DIST += tests/cli/lid-fasttext-order.sh
TESTS += tests/cli/lid-sidecars.sh
EXTRA_DIST += tests/cli/lid-sidecars.sh
