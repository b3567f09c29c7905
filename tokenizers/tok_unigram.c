/* tok_unigram.c — Unigram language-model segmentation (Kudo 2018) by Viterbi
 * over character boundaries: the best-scoring sequence of vocabulary pieces;
 * a character no piece starts with becomes the unknown piece (scored
 * min score − 10, as SentencePiece and Hugging Face do), consecutive
 * unknowns fused into one, or its UTF-8 bytes as <0xNN> pieces when the
 * model has byte fallback. */
#include "config.h"

#include "tokenizers/tok_internal.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

pp_status tok_unigram_encode(const tok_unigram *u, const char *s, size_t len, const size_t *map,
                             size_t base, pp_encoding *e, size_t *cap, pp_error *err)
{
    if (len == 0)
        return PP_OK;
    if (len > INT32_MAX / 2)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pre-token too long (%zu bytes)", len);
    double *best = malloc(sizeof(double) * (len + 1));
    int32_t *from = malloc(sizeof(int32_t) * (len + 1));
    int32_t *piece = malloc(sizeof(int32_t) * (len + 1));
    int32_t *path = NULL;
    pp_status st = PP_OK;
    if (!best || !from || !piece)
        goto oom;
    for (size_t i = 0; i <= len; i++) {
        best[i] = -DBL_MAX;
        from[i] = -1;
    }
    best[0] = 0;
    for (int32_t i = 0; i < (int32_t)len;) {
        int32_t next = i;
        UChar32 c;
        U8_NEXT(s, next, (int32_t)len, c);
        (void)c;
        if (best[i] > -DBL_MAX) {
            int single = 0;
            /* every piece starting at i that ends on a character boundary */
            for (int32_t j = next; j <= (int32_t)len && (size_t)(j - i) <= u->max_len;) {
                int32_t id = tok_strmap_get(&u->vocab.map, s + i, (size_t)(j - i));
                if (id >= 0 && id != u->unk_id) {
                    double sc = best[i] + u->score[id];
                    if (sc > best[j]) {
                        best[j] = sc;
                        from[j] = i;
                        piece[j] = id;
                    }
                    if (j == next)
                        single = 1;
                }
                if (j == (int32_t)len)
                    break;
                U8_NEXT(s, j, (int32_t)len, c);
            }
            if (!single) {
                double sc = best[i] + u->unk_score;
                if (sc > best[next]) {
                    best[next] = sc;
                    from[next] = i;
                    piece[next] = -1; /* unknown */
                }
            }
        }
        i = next;
    }
    /* back-track; the unknown piece makes every position reachable, but a
     * model that breaks that must not send us to from[-1]. */
    if (from[len] < 0) {
        st = pp_error_set(err, PP_ERR_MODEL, NULL, 0,
                          "Unigram segmentation found no path through the text (model scores)");
        goto done;
    }
    size_t np = 0;
    path = malloc(sizeof(int32_t) * (len + 1));
    if (!path)
        goto oom;
    for (int32_t j = (int32_t)len; j > 0; j = from[j])
        path[np++] = j;
    size_t prev_end_pos = 0;
    int last_unk = 0;
    for (size_t k = np; k-- > 0;) {
        int32_t j = path[k], i = from[j];
        size_t a = map ? map[i] : (size_t)i, b = map ? map[j] : (size_t)j;
        (void)prev_end_pos;
        if (piece[j] >= 0) {
            if (tok_enc_push(e, cap, piece[j], base + a, base + b) != 0)
                goto oom;
            last_unk = 0;
        } else if (u->byte_fallback) {
            for (int32_t x = i; x < j; x++) {
                int32_t bid = u->byte_id[(unsigned char)s[x]];
                if (bid < 0)
                    bid = u->unk_id;
                if (tok_enc_push(e, cap, bid, base + a, base + b) != 0)
                    goto oom;
            }
            last_unk = 0;
        } else if (last_unk && e->n) {
            e->end[e->n - 1] = base + b; /* fuse with the previous unknown */
        } else {
            if (tok_enc_push(e, cap, u->unk_id, base + a, base + b) != 0)
                goto oom;
            last_unk = 1;
        }
    }
    goto done;
oom:
    st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
done:
    free(best);
    free(from);
    free(piece);
    free(path);
    return st;
}
