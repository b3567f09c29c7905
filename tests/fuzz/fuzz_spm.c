/* fuzz_spm.c — SentencePiece model loading from bytes through the shim,
 * then what the tokenizer commands ask of a model: its declared settings,
 * its pieces, encoding with spans and decoding; then the same model as a
 * polyphony tokenizer (fuzz_tokenizer: ids alone equal the spans' ids), and
 * its ids (computed in C for unigram models) equal to the library's on texts
 * made of the model's own pieces. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_texts.h"
#include "tests/fuzz/fuzz_tokenizer.h"
#include "src/pp_record.h"
#include "tokenizers/pp_spm.h"

#include <stdlib.h>
#include <string.h>

/* Texts of up to 8 pieces of the model picked by a generator seeded with
 * the input's size, U+2581 written as a space or kept, one of a few
 * separators between them: the ids of pp_tokenizer_encode_ids are the
 * library's (abort otherwise). */
static void same_ids_on_pieces(pp_spm *m, const char *path, uint32_t seed)
{
    int nv = pp_spm_vocab_size(m);
    pp_tokenizer *t = NULL;
    if (nv <= 0 || pp_tokenizer_load(path, PP_TOK_SPM, NULL, &t, NULL) != PP_OK)
        return;
    static const char *const sep[] = {"", " ", "  ", "\t", "\n", "\xe3\x80\x80", "\xc2\xa0"};
    char text[4096];
    for (int round = 0; round < 24; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int k = (int)(seed >> 28) % 8 + 1;
        for (int j = 0; j < k; j++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pp_spm_id_to_piece(m, (int)((seed >> 8) % (uint32_t)nv));
            const char *q = sep[(seed >> 4) % (sizeof sep / sizeof *sep)];
            int spaces = (seed >> 2) & 1;
            size_t pl = p ? strlen(p) : 0, ql = strlen(q);
            if (len + pl + ql >= sizeof text)
                break;
            for (size_t i = 0; i < pl; i++) {
                if (spaces && pl - i >= 3 && memcmp(p + i, "\xe2\x96\x81", 3) == 0) {
                    text[len++] = ' ';
                    i += 2;
                } else {
                    text[len++] = p[i];
                }
            }
            memcpy(text + len, q, ql);
            len += ql;
        }
        if (!pp_utf8_valid(text, len, NULL))
            continue;
        int32_t *ids = NULL;
        int *lib = NULL;
        size_t n = 0, nl = 0;
        if (pp_tokenizer_encode_ids(t, text, len, &ids, &n, NULL) == PP_OK &&
            pp_spm_encode_ids(m, text, len, &lib, &nl, NULL) == PP_OK &&
            (n != nl || (n && memcmp(ids, lib, n * sizeof *ids) != 0)))
            abort();
        free(ids);
        free(lib);
    }
    pp_tokenizer_free(t);
}

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
    const char *path = fuzz_file(".model", data, size);
    same_ids_on_pieces(m, path, (uint32_t)size);
    pp_spm_free(m);
    fuzz_tokenizer(path, PP_TOK_SPM, NULL);
    return 0;
}
