# align/commands.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The model stage's commands (train, score, generate, model info) and the
# library pieces they stand on: the training data stream, chat templates,
# tokenizers in checkpoints, scoring.
libpolyphony_la_SOURCES += align/pp_train_data.c align/pp_chat.c align/pp_model_dir.c \
	align/pp_score.c
nobase_pkginclude_HEADERS += align/pp_train_data.h align/pp_chat.h align/pp_model_dir.h align/pp_score.h
polyphony_SOURCES += align/cmd_train.c align/cmd_score.c align/cmd_generate.c align/cmd_model.c \
	align/train_mpi.c align/train_mpi.h align/lora_options.c align/lora_options.h \
	align/cmd_model_merge.c align/train_log.c align/train_log.h
polyphony_CPPFLAGS += $(MPI_CFLAGS)
polyphony_LDADD += $(MPI_LIBS)
dist_man_MANS += docs/man/polyphony-train.1 docs/man/polyphony-score.1 \
	docs/man/polyphony-generate.1 docs/man/polyphony-model.1
TESTS += tests/cli/train.sh tests/cli/score.sh tests/cli/lora.sh tests/cli/model-hf-layout.sh
dist_check_SCRIPTS += tests/cli/train.sh tests/cli/score.sh tests/cli/lora.sh \
	tests/cli/model-hf-layout.sh
if HAVE_MPI
TESTS += tests/cli/train-mpi.sh
endif
dist_check_SCRIPTS += tests/cli/train-mpi.sh
EXTRA_DIST += docs/train.md tests/data/model/train/SOURCE.md \
	tests/data/model/train/config.json
check_PROGRAMS += tests/check_train
TESTS += tests/check_train
tests_check_train_SOURCES = tests/check_train.c tests/testutil.h
tests_check_train_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_train_LDADD = $(PP_TEST_LIBS)
# helpers the training commands share
polyphony_SOURCES += align/train_util.c align/train_util.h
