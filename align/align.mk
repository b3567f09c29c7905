# align/align.mk — automake fragment included by the top-level Makefile.am (paths relative to the top).
# The model stage: a Llama-architecture transformer (config, layers with naive
# references, AdamW, checkpoints in the Hugging Face layout).
libpolyphony_la_SOURCES += align/pp_llama_config.c align/pp_model.c align/pp_model_internal.h \
	align/pp_ops.h align/pp_ops_dense.c align/pp_ops_attention.c align/pp_optim.c \
	align/pp_safetensors.c align/pp_checkpoint.c align/pp_decode.c \
	align/pp_sample.c align/pp_lora.c align/pp_lora_io.c align/pp_lora_internal.h \
	align/pp_ops_lora.c align/pp_model_bf16.c \
	align/pp_model_weights.c align/pp_rope.c align/pp_llama_json.h align/pp_generation_config.c \
	align/pp_prefill.c
nobase_pkginclude_HEADERS += align/pp_model.h align/pp_safetensors.h align/pp_lora.h

# Tests: against the PyTorch fixtures in tests/data/model (regenerate.py writes them).
check_PROGRAMS += tests/check_model
TESTS += tests/check_model
tests_check_model_SOURCES = tests/check_model.c tests/testutil.h tests/model_fixtures.h align/pp_ops_dense.c \
	align/pp_ops_attention.c
tests_check_model_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_model_LDADD = $(PP_TEST_LIBS)
check_PROGRAMS += tests/check_lora
TESTS += tests/check_lora
tests_check_lora_SOURCES = tests/check_lora.c tests/testutil.h tests/model_fixtures.h align/pp_ops_lora.c \
	align/pp_model_weights.c
tests_check_lora_CPPFLAGS = $(PP_TEST_CPPFLAGS)
tests_check_lora_LDADD = $(PP_TEST_LIBS)
EXTRA_DIST += tests/data/model/lora-fixtures.safetensors \
	tests/data/model/tiny-lora/adapter_config.json tests/data/model/tiny-lora/adapter_model.safetensors
EXTRA_DIST += align/README.md tests/data/model/regenerate.py tests/data/model/fixtures.safetensors \
	tests/data/model/tiny/config.json tests/data/model/tiny/model.safetensors \
	tests/data/model/tiny-bf16/config.json tests/data/model/tiny-bf16/model.safetensors \
	tests/data/model/hf_layout.py \
	tests/data/model/hf-llama3/config.json \
	tests/data/model/hf-llama3/expected.jsonl \
	tests/data/model/hf-llama3/generation_config.json \
	tests/data/model/hf-llama3/model-00001-of-00002.safetensors \
	tests/data/model/hf-llama3/model-00002-of-00002.safetensors \
	tests/data/model/hf-llama3/model.safetensors.index.json \
	tests/data/model/hf-llama3/tokenizer.json \
	tests/data/model/hf-llama3/tokenizer_config.json \
	tests/data/model/hf-llama2/config.json \
	tests/data/model/hf-llama2/expected.jsonl \
	tests/data/model/hf-llama2/generation_config.json \
	tests/data/model/hf-llama2/model.safetensors \
	tests/data/model/hf-llama2/tokenizer.json \
	tests/data/model/hf-llama2/tokenizer_config.json
