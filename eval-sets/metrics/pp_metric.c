/* pp_metric.c — the metric table and the statistics of one input record. */
#include "config.h"
#include "eval-sets/metrics/pp_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    size_t nstats;
    int lower;
} metrics[] = {
    [PP_METRIC_ACCURACY] = {"accuracy", 2, 0},
    [PP_METRIC_EXACT_MATCH] = {"exact_match", 2, 0},
    [PP_METRIC_TOKEN_F1] = {"token_f1", 2, 0},
    [PP_METRIC_CHRF] = {"chrf", 3 * PP_CHRF_CHAR_ORDER, 0},
    [PP_METRIC_CHRFPP] = {"chrf++", 3 * (PP_CHRF_CHAR_ORDER + 2), 0},
    [PP_METRIC_BPB] = {"bits_per_byte", 2, 1},
    [PP_METRIC_BLEU] = {"bleu", PP_BLEU_NSTATS, 0},
    [PP_METRIC_TER] = {"ter", PP_TER_NSTATS, 1},
};
#define NMETRICS (sizeof metrics / sizeof metrics[0])

pp_status pp_metric_parse(const char *name, pp_metric *m, pp_error *err)
{
    for (size_t i = 0; name && i < NMETRICS; i++)
        if (strcmp(name, metrics[i].name) == 0) {
            *m = (pp_metric)i;
            return PP_OK;
        }
    return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                        "unknown metric '%s' (accuracy, exact_match, token_f1, chrf, chrf++, "
                        "bleu, ter, bits_per_byte)",
                        name ? name : "");
}

const char *pp_metric_name(pp_metric m) { return (size_t)m < NMETRICS ? metrics[m].name : "?"; }
size_t pp_metric_nstats(pp_metric m) { return (size_t)m < NMETRICS ? metrics[m].nstats : 0; }
int pp_metric_lower_is_better(pp_metric m) { return (size_t)m < NMETRICS && metrics[m].lower; }

double pp_metric_score(pp_metric m, const double *s)
{
    switch (m) {
    case PP_METRIC_CHRF:
        return pp_chrf_score(s, PP_CHRF_CHAR_ORDER, PP_CHRF_BETA);
    case PP_METRIC_CHRFPP:
        return pp_chrf_score(s, PP_CHRF_CHAR_ORDER + 2, PP_CHRF_BETA);
    case PP_METRIC_BPB:
        return s[1] > 0 ? s[0] / (M_LN2 * s[1]) : NAN;
    case PP_METRIC_BLEU:
        return pp_bleu_score(s);
    case PP_METRIC_TER:
        return pp_ter_score(s);
    default:
        return s[1] > 0 ? s[0] / s[1] : NAN;
    }
}

/* References of a record: `references` (array of strings) or `reference`
 * (string). *refs is malloc'd (the strings belong to rec). */
static pp_status get_refs(const json_t *rec, const char ***refs, size_t *n, pp_error *err)
{
    const json_t *r = json_object_get(rec, "references");
    const json_t *one = json_object_get(rec, "reference");
    if (!r && !one)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "record has neither 'reference' nor 'references'");
    if (r) {
        if (!json_is_array(r) || json_array_size(r) == 0)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "'references' must be a non-empty array of strings");
        *n = json_array_size(r);
        *refs = malloc(*n * sizeof **refs);
        if (!*refs)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        for (size_t i = 0; i < *n; i++) {
            const json_t *s = json_array_get(r, i);
            if (!json_is_string(s)) {
                free(*refs);
                *refs = NULL;
                return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                    "'references' element %zu is not a string", i);
            }
            (*refs)[i] = json_string_value(s);
        }
        return PP_OK;
    }
    if (!json_is_string(one))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'reference' must be a string");
    *refs = malloc(sizeof **refs);
    if (!*refs)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    (*refs)[0] = json_string_value(one);
    *n = 1;
    return PP_OK;
}

/* Strip leading and trailing ASCII white space for answer comparison. */
static int same_trimmed(const char *a, const char *b)
{
    while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
        a++;
    while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
        b++;
    size_t la = strlen(a), lb = strlen(b);
    while (la && strchr(" \t\n\r", a[la - 1]))
        la--;
    while (lb && strchr(" \t\n\r", b[lb - 1]))
        lb--;
    return la == lb && memcmp(a, b, la) == 0;
}

/* Index of the answer of a multiple-choice record (-1 with err on error). */
static long choice_index(const json_t *choices, const json_t *v, const char *field, int *known,
                         pp_error *err)
{
    size_t n = json_array_size(choices);
    *known = 1;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i < 0 || (size_t)i >= n) {
            pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'%s' index %lld is outside the %zu choices",
                         field, (long long)i, n);
            return -1;
        }
        return (long)i;
    }
    if (json_is_string(v)) {
        for (size_t i = 0; i < n; i++) {
            const json_t *c = json_array_get(choices, i);
            if (json_is_string(c) && same_trimmed(json_string_value(c), json_string_value(v)))
                return (long)i;
        }
        *known = 0; /* a text that is none of the choices */
        return -1;
    }
    pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'%s' must be a choice index or a choice text",
                 field);
    return -1;
}

pp_status pp_metric_item(pp_metric m, const json_t *rec, const char *lang, double *st,
                         pp_error *err)
{
    return pp_metric_item_tok(m, rec, lang, PP_BLEU_TOK_13A, st, err);
}

pp_status pp_metric_item_tok(pp_metric m, const json_t *rec, const char *lang,
                             pp_bleu_tokenize tok, double *st, pp_error *err)
{
    if (m == PP_METRIC_BPB) {
        const json_t *lp = json_object_get(rec, "logprob"), *by = json_object_get(rec, "bytes");
        if (!lp || !by)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "bits_per_byte needs 'logprob' (natural log, <= 0) and 'bytes'; "
                                "record has no '%s'",
                                !lp ? "logprob" : "bytes");
        if (!json_is_number(lp) || json_number_value(lp) > 0 || !isfinite(json_number_value(lp)))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "'logprob' must be a finite number <= 0 (a natural-log probability)");
        if (!json_is_integer(by) || json_integer_value(by) <= 0)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'bytes' must be a positive integer");
        st[0] = -json_number_value(lp);
        st[1] = (double)json_integer_value(by);
        return PP_OK;
    }
    const json_t *choices = json_object_get(rec, "choices");
    const json_t *pred = json_object_get(rec, "prediction");
    if (m == PP_METRIC_ACCURACY && choices) {
        const json_t *ans = json_object_get(rec, "answer");
        if (!json_is_array(choices) || json_array_size(choices) == 0)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'choices' must be a non-empty array");
        if (!ans)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "record with 'choices' has no 'answer'");
        if (!pred)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "record with 'choices' has no 'prediction' (an index or a text)");
        int known_a, known_p;
        long a = choice_index(choices, ans, "answer", &known_a, err);
        if (a < 0 && known_a)
            return err ? err->code : PP_ERR_INVALID;
        if (!known_a)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'answer' is not one of the choices");
        long p = choice_index(choices, pred, "prediction", &known_p, err);
        if (p < 0 && known_p)
            return err ? err->code : PP_ERR_INVALID;
        st[0] = (known_p && p == a) ? 1.0 : 0.0;
        st[1] = 1.0;
        return PP_OK;
    }
    if (!pred)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "record has no 'prediction'");
    if (!json_is_string(pred))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'prediction' must be a string");
    const char **refs = NULL;
    size_t nrefs = 0;
    pp_status s = get_refs(rec, &refs, &nrefs, err);
    if (s != PP_OK)
        return s;
    const char *p = json_string_value(pred);
    switch (m) {
    case PP_METRIC_ACCURACY:
        st[0] = 0.0;
        for (size_t i = 0; i < nrefs; i++)
            if (same_trimmed(p, refs[i]))
                st[0] = 1.0;
        st[1] = 1.0;
        break;
    case PP_METRIC_EXACT_MATCH:
    case PP_METRIC_TOKEN_F1: {
        double f1, em;
        s = pp_token_f1(p, refs, nrefs, lang, &f1, &em, err);
        st[0] = m == PP_METRIC_EXACT_MATCH ? em : f1;
        st[1] = 1.0;
        break;
    }
    case PP_METRIC_CHRF:
    case PP_METRIC_CHRFPP:
        s = pp_chrf_stats(p, refs, nrefs, m == PP_METRIC_CHRFPP ? 2 : 0, st, err);
        break;
    case PP_METRIC_BLEU:
        s = pp_bleu_stats(p, refs, nrefs, tok, st, err);
        break;
    case PP_METRIC_TER:
        s = pp_ter_stats(p, refs, nrefs, st, err);
        break;
    default:
        s = pp_error_set(err, PP_ERR_INVALID, NULL, 0, "unknown metric");
    }
    free(refs);
    return s;
}
