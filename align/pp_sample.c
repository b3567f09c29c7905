/* pp_sample.c — choosing the next token from logits: greedy, or temperature with
 * top-k and top-p (nucleus) filtering, as Hugging Face's generate() applies them
 * (temperature, then top-k, then top-p keeping at least one token). */
#include "config.h"
#include "align/pp_model.h"

#include <math.h>
#include <stdlib.h>

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct scored {
    float p;
    int32_t id;
} scored;

/* by probability, highest first; ties by id so the order is total */
static int by_p_desc(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->p != y->p)
        return x->p > y->p ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

pp_status pp_sample_token(const float *logits, int V, const pp_sampler *s, uint64_t *rng,
                          int32_t *out, pp_error *err)
{
    if (V <= 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "empty vocabulary");
    int best = 0;
    for (int v = 1; v < V; v++)
        if (logits[v] > logits[best])
            best = v;
    if (!s || s->temperature <= 0.0f || s->top_k == 1) {
        *out = best;
        return PP_OK;
    }
    if (s->top_p < 0.0f || s->top_p > 1.0f || s->top_k < 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "top-p must be in [0, 1] and top-k non-negative");
    scored *c = malloc(sizeof *c * (size_t)V);
    if (!c)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    double sum = 0.0;
    for (int v = 0; v < V; v++) {
        c[v].p = expf((logits[v] - logits[best]) / s->temperature);
        c[v].id = v;
        sum += c[v].p;
    }
    int n = V;
    if ((s->top_k > 0 && s->top_k < V) || (s->top_p > 0.0f && s->top_p < 1.0f)) {
        qsort(c, (size_t)V, sizeof *c, by_p_desc);
        if (s->top_k > 0 && s->top_k < n)
            n = s->top_k;
        sum = 0.0;
        for (int i = 0; i < n; i++)
            sum += c[i].p;
        if (s->top_p > 0.0f && s->top_p < 1.0f) {
            double acc = 0.0;
            int keep = n;
            for (int i = 0; i < n; i++) {
                acc += c[i].p / sum;
                if (acc >= s->top_p) {
                    keep = i + 1;
                    break;
                }
            }
            n = keep;
            sum = 0.0;
            for (int i = 0; i < n; i++)
                sum += c[i].p;
        }
    }
    double u = (double)(next_random(rng) >> 11) / 9007199254740992.0 * sum, acc = 0.0;
    *out = c[n - 1].id;
    for (int i = 0; i < n; i++) {
        acc += c[i].p;
        if (u < acc) {
            *out = c[i].id;
            break;
        }
    }
    free(c);
    return PP_OK;
}
