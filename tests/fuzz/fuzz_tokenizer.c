/* fuzz_tokenizer.c — the tokenizer work shared by fuzz_hf and fuzz_tiktoken. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_texts.h"
#include "tests/fuzz/fuzz_tokenizer.h"

#include <stdlib.h>
#include <string.h>

void fuzz_tokenizer(const char *path, pp_tok_format fmt, const char *pattern)
{
    pp_tokenizer *t = NULL;
    if (pp_tokenizer_load(path, fmt, pattern, &t, NULL) != PP_OK)
        return;
    fuzz_touch_str(pp_tokenizer_describe(t));
    fuzz_touch_str(pp_tokenizer_normalization(t));
    size_t nv = pp_tokenizer_vocab_size(t);
    for (size_t i = 0; i < nv && i < 4096; i++) {
        size_t len;
        const char *p = pp_tokenizer_piece(t, (int32_t)i, &len);
        fuzz_touch(p, p ? len : 0);
        (void)pp_tokenizer_is_unknown(t, (int32_t)i);
        (void)pp_tokenizer_is_byte(t, (int32_t)i);
    }
    for (size_t k = 0; k < FUZZ_NTEXTS; k++) {
        const char *s = fuzz_texts[k];
        pp_encoding e = {0};
        if (pp_tokenizer_encode(t, s, strlen(s), &e, NULL) == PP_OK) {
            for (size_t i = 0; i < e.n; i++)
                if (e.start[i] > e.end[i] || e.end[i] > e.text_len)
                    abort(); /* spans must lie inside the text they refer to */
            /* ids alone are the same ids (for SentencePiece unigram models
             * they come from the C encoder, the spans from the library) */
            int32_t *ids = NULL;
            size_t n = 0;
            if (pp_tokenizer_encode_ids(t, s, strlen(s), &ids, &n, NULL) == PP_OK &&
                (n != e.n || (n && memcmp(ids, e.ids, n * sizeof *ids) != 0)))
                abort();
            free(ids);
            char *back = NULL;
            size_t blen;
            if (pp_tokenizer_decode(t, e.ids, e.n, &back, &blen, NULL) == PP_OK) {
                fuzz_touch(back, blen + 1);
                free(back);
            }
        }
        pp_encoding_clear(&e);
        char *norm = NULL;
        size_t nlen;
        if (pp_tokenizer_normalize(t, s, strlen(s), &norm, &nlen, NULL) == PP_OK) {
            fuzz_touch(norm, nlen);
            free(norm);
        }
    }
    pp_tokenizer_free(t);
}
