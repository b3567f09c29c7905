# tokenizers/tokenizers.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# One tokenizer interface (SentencePiece, Hugging Face tokenizer.json,
# tiktoken), culture-aware training and the per-language fairness audit.
nobase_pkginclude_HEADERS += tokenizers/pp_tokenizer.h tokenizers/pp_tok_audit.h tokenizers/pp_tok_defaults.h \
	tokenizers/pp_tok_export.h tokenizers/pp_tok_records.h
libpolyphony_la_SOURCES += tokenizers/pp_tokenizer.h tokenizers/tok_internal.h \
	tokenizers/pp_tokenizer.c tokenizers/tok_util.c tokenizers/tok_bpe.c \
	tokenizers/tok_pretok.c tokenizers/tok_tiktoken.c tokenizers/tok_hf.c \
	tokenizers/tok_unigram.c tokenizers/tok_spm_unigram.c tokenizers/pp_tok_audit.h tokenizers/pp_tok_audit.c \
	tokenizers/pp_tok_defaults.h tokenizers/pp_tok_defaults.c \
	tokenizers/pp_tok_export.h tokenizers/pp_tok_export.c \
	tokenizers/pp_tok_records.h tokenizers/pp_tok_records.c

polyphony_SOURCES += tokenizers/cmd_tokenizer.c

check_PROGRAMS += tests/check_tokenizer tests/check_tokenizer_unigram tests/check_tok_records
TESTS += tests/check_tokenizer tests/check_tokenizer_unigram tests/check_tok_records tests/cli/tokenizer.sh tests/cli/tokenizer-export.sh
TESTS += tests/cli/stream-bytes.sh
tests_check_tokenizer_SOURCES = tests/check_tokenizer.c
tests_check_tokenizer_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_tokenizer_LDADD = $(PP_TEST_LIBS)
tests_check_tok_records_SOURCES = tests/check_tok_records.c
tests_check_tok_records_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_tok_records_LDADD = $(PP_TEST_LIBS)
tests_check_tokenizer_unigram_SOURCES = tests/check_tokenizer_unigram.c
tests_check_tokenizer_unigram_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_tokenizer_unigram_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/cli/tokenizer.sh tests/cli/tokenizer-export.sh tests/data/tokenizers/SOURCE.md \
	tests/data/tokenizers/regenerate.sh tests/data/tokenizers/reference.mjs \
	tests/data/tokenizers/udhr-dev.mjs tests/data/tokenizers/sample.jsonl \
	tests/data/tokenizers/cl100k_base.tiktoken.zst tests/data/tokenizers/cl100k_base.expected.jsonl \
	tests/data/tokenizers/o200k_base.expected.jsonl \
	tests/data/tokenizers/llama3-small.tokenizer.json tests/data/tokenizers/llama3-small.expected.jsonl \
	tests/data/tokenizers/llama2-small.tokenizer.json tests/data/tokenizers/llama2-small.expected.jsonl \
	tests/data/tokenizers/yo-udhr-train.jsonl tests/data/tokenizers/yo-news.txt
EXTRA_DIST += tests/cli/stream-bytes.sh tests/data/stream/SOURCE.md tests/data/stream/records.jsonl \
	tests/data/stream/bad-lines.jsonl tests/data/stream/plain.txt \
	tests/data/stream/tiny-nfkc.model.zst tests/data/stream/tiny-bytes.model.zst \
	tests/data/stream/encode-nfkc.expected tests/data/stream/encode-bytes.expected \
	tests/data/stream/encode-pieces-nfkc.expected tests/data/stream/encode-pieces-bytes.expected \
	tests/data/stream/encode-plain-nfkc.expected tests/data/stream/encode-plain-bytes.expected \
	tests/data/stream/ingest.expected tests/data/stream/ingest-rejects.expected \
	tests/data/stream/encode-cases.jsonl tests/data/stream/encode-cases-nfkc.expected \
	tests/data/stream/encode-cases-bytes.expected tests/data/stream/encode-plain-cases.txt \
	tests/data/stream/encode-plain-cases-bytes.expected tests/data/stream/encode-bad-lines.jsonl \
	tests/data/stream/encode-bad-lines.expected
dist_man_MANS += docs/man/polyphony-tokenizer.1
EXTRA_DIST += bench/tokenizers/run.sh bench/tokenizers/verify-full.sh bench/tokenizers/spm-speed.sh \
	bench/tokenizers/spm-differential.sh \
	bench/paired.sh bench/README.md docs/tokenizers.md \
	bench/tokenizers/export-transformersjs.sh
