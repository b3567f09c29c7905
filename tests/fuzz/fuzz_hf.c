/* fuzz_hf.c — Hugging Face tokenizer.json (BPE byte-level and character
 * level, Unigram; normalizers, pre-tokenizers, decoders), then encoding and
 * decoding the fixed texts. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_tokenizer(fuzz_file(".tokenizer.json", data, size), PP_TOK_HF, NULL);
    return 0;
}
