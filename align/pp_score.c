/* pp_score.c — log-probabilities of texts and id sequences (pp_score.h). */
#include "config.h"
#include "align/pp_score.h"

#include <stdlib.h>
#include <string.h>

pp_status pp_score_ids(pp_model *m, const int32_t *ids, size_t n, int window, double *logprob,
                       pp_error *err)
{
    const pp_llama_config *c = pp_model_config(m);
    *logprob = 0;
    if (n < 2)
        return PP_OK;
    if (window > c->max_position_embeddings)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "window %d is longer than max_position_embeddings (%d)", window,
                            c->max_position_embeddings);
    if (window <= 0) {
        if (n - 1 > (size_t)c->max_position_embeddings)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "%zu tokens to score, more than max_position_embeddings (%d)",
                                n - 1, c->max_position_embeddings);
        window = (int)(n - 1);
    }
    for (size_t i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= c->vocab_size)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "id %d at position %zu is outside the vocabulary (vocab_size %d)",
                                ids[i], i, c->vocab_size);
    float *lp = malloc((size_t)window * sizeof *lp);
    if (!lp)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    pp_status st = PP_OK;
    double sum = 0;
    for (size_t start = 0; st == PP_OK && start + 1 < n; start += (size_t)window) {
        size_t len = n - start < (size_t)window + 1 ? n - start : (size_t)window + 1;
        st = pp_model_logprobs(m, ids + start, (int)len, lp, err);
        for (size_t t = 0; st == PP_OK && t + 1 < len; t++)
            sum += lp[t];
    }
    free(lp);
    *logprob = sum;
    return st;
}

pp_status pp_score_text(pp_model *m, pp_tokenizer *tok, int32_t bos, const char *text, size_t len,
                        int window, double *logprob, long *ntokens, pp_error *err)
{
    if (bos < 0)
        return pp_error_set(err, PP_ERR_MODEL, NULL, 0,
                            "the model has no bos_token_id: scoring a text needs one");
    int32_t *ids = NULL;
    size_t n = 0;
    pp_status st = pp_tokenizer_encode_ids(tok, text, len, &ids, &n, err);
    if (st != PP_OK)
        return st;
    int32_t *all = malloc((n + 1) * sizeof *all);
    if (!all) {
        free(ids);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    all[0] = bos;
    memcpy(all + 1, ids, n * sizeof *ids);
    free(ids);
    st = pp_score_ids(m, all, n + 1, window, logprob, err);
    *ntokens = (long)n;
    free(all);
    return st;
}
