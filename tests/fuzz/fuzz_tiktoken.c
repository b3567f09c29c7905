/* fuzz_tiktoken.c — tiktoken rank files ("base64-token rank" lines) with
 * the cl100k_base pre-tokenization pattern, then encoding and decoding. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_tokenizer(fuzz_file(".tiktoken", data, size), PP_TOK_TIKTOKEN, "cl100k_base");
    return 0;
}
