# tests/fuzz/fuzz.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# One fuzz target per parser (tests/fuzz/fuzz_<parser>.c, README: tests/README.md
# "Fuzzing"). With --enable-fuzzing they link libFuzzer (clang); otherwise
# replay_main.c makes them plain programs, and replay.sh feeds them the seed
# and regression corpora in `make check`.
pp_fuzz_targets = tests/fuzz/fuzz_jsonl tests/fuzz/fuzz_jsonl_gz tests/fuzz/fuzz_jsonl_zst \
	tests/fuzz/fuzz_fasttext tests/fuzz/fuzz_spm tests/fuzz/fuzz_hf tests/fuzz/fuzz_tiktoken \
	tests/fuzz/fuzz_profile tests/fuzz/fuzz_template tests/fuzz/fuzz_ingest_ces \
	tests/fuzz/fuzz_ingest_tmx tests/fuzz/fuzz_ingest_tei tests/fuzz/fuzz_ingest_udhr \
	tests/fuzz/fuzz_ingest_html tests/fuzz/fuzz_ledger tests/fuzz/fuzz_safetensors \
	tests/fuzz/fuzz_llama_config tests/fuzz/fuzz_generation_config tests/fuzz/fuzz_tok_records
pp_fuzz_targets += tests/fuzz/fuzz_lid_sidecars
check_PROGRAMS += $(pp_fuzz_targets)

if FUZZING
pp_fuzz_main =
pp_fuzz_ldflags = $(AM_LDFLAGS) -fsanitize=fuzzer
else
pp_fuzz_main = tests/fuzz/replay_main.c
pp_fuzz_ldflags = $(AM_LDFLAGS)
endif
pp_fuzz_common = tests/fuzz/fuzz.h tests/fuzz/fuzz_file.c $(pp_fuzz_main)
PP_FUZZ_CPPFLAGS = $(AM_CPPFLAGS) $(DEP_CFLAGS) -DPP_FUZZ_SRCDIR='"$(abs_top_srcdir)"'
PP_FUZZ_LIBS = libpolyphony.la $(DEP_LIBS)
pp_fuzz_records = tests/fuzz/fuzz_records.h tests/fuzz/fuzz_records.c
pp_fuzz_tok = tests/fuzz/fuzz_tokenizer.h tests/fuzz/fuzz_tokenizer.c tests/fuzz/fuzz_texts.h
pp_fuzz_ingest = tests/fuzz/fuzz_ingest.h tests/fuzz/fuzz_ingest.c

tests_fuzz_fuzz_jsonl_SOURCES = tests/fuzz/fuzz_jsonl.c $(pp_fuzz_records) $(pp_fuzz_common)
tests_fuzz_fuzz_jsonl_gz_SOURCES = tests/fuzz/fuzz_jsonl_gz.c $(pp_fuzz_records) $(pp_fuzz_common)
tests_fuzz_fuzz_jsonl_zst_SOURCES = tests/fuzz/fuzz_jsonl_zst.c $(pp_fuzz_records) $(pp_fuzz_common)
tests_fuzz_fuzz_fasttext_SOURCES = tests/fuzz/fuzz_fasttext.c tests/fuzz/fuzz_texts.h $(pp_fuzz_common)
tests_fuzz_fuzz_spm_SOURCES = tests/fuzz/fuzz_spm.c $(pp_fuzz_tok) $(pp_fuzz_common)
tests_fuzz_fuzz_hf_SOURCES = tests/fuzz/fuzz_hf.c $(pp_fuzz_tok) $(pp_fuzz_common)
tests_fuzz_fuzz_tiktoken_SOURCES = tests/fuzz/fuzz_tiktoken.c $(pp_fuzz_tok) $(pp_fuzz_common)
tests_fuzz_fuzz_profile_SOURCES = tests/fuzz/fuzz_profile.c $(pp_fuzz_common)
tests_fuzz_fuzz_template_SOURCES = tests/fuzz/fuzz_template.c $(pp_fuzz_common)
tests_fuzz_fuzz_ingest_ces_SOURCES = tests/fuzz/fuzz_ingest_ces.c $(pp_fuzz_ingest) $(pp_fuzz_common)
tests_fuzz_fuzz_ingest_tmx_SOURCES = tests/fuzz/fuzz_ingest_tmx.c $(pp_fuzz_ingest) $(pp_fuzz_common)
tests_fuzz_fuzz_ingest_tei_SOURCES = tests/fuzz/fuzz_ingest_tei.c $(pp_fuzz_ingest) $(pp_fuzz_common)
tests_fuzz_fuzz_ingest_udhr_SOURCES = tests/fuzz/fuzz_ingest_udhr.c $(pp_fuzz_ingest) $(pp_fuzz_common)
tests_fuzz_fuzz_ingest_html_SOURCES = tests/fuzz/fuzz_ingest_html.c $(pp_fuzz_ingest) $(pp_fuzz_common)
# The ledger reader is the audit command's own code, compiled in.
tests_fuzz_fuzz_ledger_SOURCES = tests/fuzz/fuzz_ledger.c $(pp_audit_cmd_logic) $(pp_fuzz_common)
tests_fuzz_fuzz_safetensors_SOURCES = tests/fuzz/fuzz_safetensors.c $(pp_fuzz_common)
tests_fuzz_fuzz_llama_config_SOURCES = tests/fuzz/fuzz_llama_config.c $(pp_fuzz_common)
tests_fuzz_fuzz_generation_config_SOURCES = tests/fuzz/fuzz_generation_config.c $(pp_fuzz_common)
tests_fuzz_fuzz_tok_records_SOURCES = tests/fuzz/fuzz_tok_records.c $(pp_fuzz_common)

# Every target gets the same flags (automake wants them per program).
tests_fuzz_fuzz_jsonl_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_jsonl_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_jsonl_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_jsonl_gz_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_jsonl_gz_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_jsonl_gz_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_jsonl_zst_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_jsonl_zst_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_jsonl_zst_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_fasttext_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_fasttext_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_fasttext_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_spm_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_spm_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_spm_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_hf_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_hf_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_hf_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_tiktoken_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_tiktoken_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_tiktoken_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_profile_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_profile_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_profile_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_template_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_template_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_template_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_ingest_ces_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_ingest_ces_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_ingest_ces_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_ingest_tmx_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_ingest_tmx_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_ingest_tmx_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_ingest_tei_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_ingest_tei_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_ingest_tei_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_ingest_udhr_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_ingest_udhr_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_ingest_udhr_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_ingest_html_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_ingest_html_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_ingest_html_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_ledger_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_ledger_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_ledger_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_safetensors_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_safetensors_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_safetensors_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_llama_config_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_llama_config_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_llama_config_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_generation_config_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_generation_config_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_generation_config_LDADD = $(PP_FUZZ_LIBS)
tests_fuzz_fuzz_tok_records_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_tok_records_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_tok_records_LDADD = $(PP_FUZZ_LIBS)
# The identifier's sidecars, read next to a small fixed model.
tests_fuzz_fuzz_lid_sidecars_SOURCES = tests/fuzz/fuzz_lid_sidecars.c tests/fuzz/fuzz_texts.h $(pp_fuzz_common)
tests_fuzz_fuzz_lid_sidecars_CPPFLAGS = $(PP_FUZZ_CPPFLAGS)
tests_fuzz_fuzz_lid_sidecars_LDFLAGS = $(pp_fuzz_ldflags)
tests_fuzz_fuzz_lid_sidecars_LDADD = $(PP_FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/make-seeds-lid.sh tests/data/lid/tiny.ftz tests/data/lid/tiny.jq \
	tests/data/lid/SOURCE.md

# make check: every target replays its seeds and regression inputs.
TESTS += tests/fuzz/replay.sh
AM_TESTS_ENVIRONMENT += PP_FUZZ_TARGETS='$(pp_fuzz_targets)'; export PP_FUZZ_TARGETS;
EXTRA_DIST += tests/fuzz/replay.sh tests/fuzz/run.sh tests/fuzz/make-seeds.sh \
	tests/fuzz/known.tsv tests/fuzz/seeds tests/fuzz/regressions tests/fuzz/known tests/fuzz/dicts

# make fuzz: build the targets; make fuzz-run FUZZ_SECONDS=N: fuzz each for
# N seconds (tests/fuzz/run.sh; meant for a --enable-fuzzing build).
FUZZ_SECONDS = 50
fuzz: $(pp_fuzz_targets)
fuzz-run: fuzz
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	PP_FUZZ_TARGETS='$(pp_fuzz_targets)' \
		$(SHELL) '$(top_srcdir)/tests/fuzz/run.sh' $(FUZZ_SECONDS)
.PHONY: fuzz fuzz-run
