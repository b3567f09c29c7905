/* fuzz_tokenizer.h — what the tokenizer targets do with a loaded tokenizer. */
#ifndef PP_FUZZ_TOKENIZER_H
#define PP_FUZZ_TOKENIZER_H

#include "tokenizers/pp_tokenizer.h"

/* Load `path` as `fmt`; when it loads, encode the fixed texts, decode the
 * ids, normalize, and read every piece. */
void fuzz_tokenizer(const char *path, pp_tok_format fmt, const char *pattern);

#endif
