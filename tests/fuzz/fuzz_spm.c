/* fuzz_spm.c — SentencePiece model loading from bytes through the shim,
 * then what the tokenizer commands ask of a model: its declared settings,
 * its pieces, encoding with spans and decoding; then the same model as a
 * polyphony tokenizer (fuzz_tokenizer: ids alone equal the spans' ids). */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_texts.h"
#include "tests/fuzz/fuzz_tokenizer.h"
#include "tokenizers/pp_spm.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_spm *m = NULL;
    if (pp_spm_load_bytes(data, size, &m, NULL) != PP_OK)
        return 0;
    pp_spm_info info;
    pp_spm_get_info(m, &info);
    int nv = pp_spm_vocab_size(m);
    for (int i = 0; i < nv && i < 4096; i++) {
        const char *p = pp_spm_id_to_piece(m, i);
        fuzz_touch_str(p);
        (void)pp_spm_is_unknown(m, i);
        (void)pp_spm_is_byte(m, i);
        (void)pp_spm_score(m, i);
    }
    for (size_t t = 0; t < FUZZ_NTEXTS; t++) {
        const char *s = fuzz_texts[t];
        int *ids = NULL;
        size_t *b = NULL, *e = NULL, n = 0;
        if (pp_spm_encode_spans(m, s, strlen(s), &ids, &b, &e, &n, NULL) == PP_OK) {
            char *back = NULL;
            if (pp_spm_decode_ids(m, ids, n, &back, NULL) == PP_OK) {
                fuzz_touch_str(back);
                free(back);
            }
        }
        free(ids), free(b), free(e);
    }
    pp_spm_free(m);
    fuzz_tokenizer(fuzz_file(".model", data, size), PP_TOK_SPM, NULL);
    return 0;
}
