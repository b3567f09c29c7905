/* pp_eval.h — evaluation metrics with bootstrap intervals and paired tests.
 *
 * Every metric is a function of statistics summed over items ("corpus
 * level"): an item contributes a fixed-length vector of numbers and the
 * score is computed from the sum. Accuracy, exact match and token F1 are
 * means (item vector [value, 1]); bits per byte is [-logprob, bytes]; chrF
 * and chrF++ are sacreBLEU's [hyp, ref, match] counts per n-gram order. The
 * bootstrap therefore resamples items and recomputes the score from the
 * resampled sums, exactly as the corpus score itself is computed.
 *
 * Scales: accuracy, exact_match and token_f1 in [0, 1]; chrf, chrf++ and
 * bleu in [0, 100] as sacreBLEU reports them; ter >= 0 and bits_per_byte
 * >= 0 (lower is better). */
#ifndef PP_EVAL_H
#define PP_EVAL_H

#include "src/pp_common.h"

#include <jansson.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_metric {
    PP_METRIC_ACCURACY = 0,
    PP_METRIC_EXACT_MATCH,
    PP_METRIC_TOKEN_F1,
    PP_METRIC_CHRF,   /* character order 6, word order 0, beta 2 */
    PP_METRIC_CHRFPP, /* character order 6, word order 2, beta 2 */
    PP_METRIC_BPB,    /* bits per byte from natural-log probabilities */
    PP_METRIC_BLEU,   /* sacreBLEU BLEU (0-100), tokenizer chosen per run */
    PP_METRIC_TER     /* sacreBLEU TER (0-100+, lower is better) */
} pp_metric;

/* The tokenizers of sacreBLEU's BLEU this library has. */
typedef enum pp_bleu_tokenize {
    PP_BLEU_TOK_13A = 0, /* mteval-v13a, sacreBLEU's default */
    PP_BLEU_TOK_INTL,    /* mteval-v14 international (Unicode punctuation and symbols) */
    PP_BLEU_TOK_CHAR,    /* every character a token */
    PP_BLEU_TOK_NONE     /* white space only */
} pp_bleu_tokenize;

#define PP_BLEU_NSTATS 10 /* hyp length, closest ref length, matches 1-4, totals 1-4 */
#define PP_TER_NSTATS 2   /* edits, average reference length */

#define PP_CHRF_CHAR_ORDER 6
#define PP_CHRF_BETA 2.0
/* Largest number of statistics any metric uses (chrF++: 3 * (6 + 2)). */
#define PP_METRIC_MAX_STATS 24

/* "accuracy", "exact_match", "token_f1", "chrf", "chrf++", "bits_per_byte",
 * "bleu", "ter".
 * PP_ERR_INVALID (listing the names) for anything else. */
PP_API pp_status pp_metric_parse(const char *name, pp_metric *m, pp_error *err);
PP_API const char *pp_metric_name(pp_metric m);
/* Length of an item's statistics vector. */
PP_API size_t pp_metric_nstats(pp_metric m);
/* 1 when smaller scores are better (bits_per_byte), else 0. */
PP_API int pp_metric_lower_is_better(pp_metric m);
/* The score from statistics summed over items (NAN when undefined, e.g. no
 * bytes for bits_per_byte). */
PP_API double pp_metric_score(pp_metric m, const double *sums);

/* Statistics of one input record for metric `m` (see polyphony-eval(1) for
 * the record fields). On a missing or ill-typed field returns PP_ERR_INVALID
 * with a message naming the field (file and line left for the caller). */
PP_API pp_status pp_metric_item(pp_metric m, const json_t *rec, const char *lang, double *stats,
                                pp_error *err);
/* The same with BLEU's tokenizer (pp_metric_item uses 13a). */
PP_API pp_status pp_metric_item_tok(pp_metric m, const json_t *rec, const char *lang,
                                    pp_bleu_tokenize tok, double *stats, pp_error *err);

/* ------------------------------------------------------------ BLEU, TER */

/* "13a", "intl", "char", "none"; sacreBLEU's other tokenizers ("zh",
 * "ja-mecab", "ko-mecab", "spm", "flores101", "flores200") are refused by
 * name with PP_ERR_INVALID: they need segmenters this build does not have. */
PP_API pp_status pp_bleu_tokenize_parse(const char *name, pp_bleu_tokenize *t, pp_error *err);
PP_API const char *pp_bleu_tokenize_name(pp_bleu_tokenize t);

/* sacreBLEU BLEU statistics of a hypothesis against references (UTF-8):
 * PP_BLEU_NSTATS numbers (see above; matches clipped by the most any
 * reference has, the reference length closest to the hypothesis, the
 * shorter on ties). */
PP_API pp_status pp_bleu_stats(const char *hyp, const char *const *refs, size_t nrefs,
                               pp_bleu_tokenize tok, double *stats, pp_error *err);
/* BLEU (0-100) from summed statistics: geometric mean of the four
 * precisions with sacreBLEU's 'exp' smoothing, times the brevity penalty;
 * 0 when no unigram matches. */
PP_API double pp_bleu_score(const double *sums);

/* sacreBLEU TER statistics (default settings: lower-cased, white-space
 * tokens): [fewest edits over the references, their average length]. */
PP_API pp_status pp_ter_stats(const char *hyp, const char *const *refs, size_t nrefs,
                              double *stats, pp_error *err);
/* TER (0-100, more when the edits outnumber the reference words). */
PP_API double pp_ter_score(const double *sums);

/* ------------------------------------------------------------ chrF */

/* sacreBLEU chrF statistics of a hypothesis against one or more references
 * (UTF-8): for character orders 1..6 (white space removed) and then word
 * orders 1..word_order, three numbers each: hypothesis n-grams (0 when the
 * reference has none of that order), reference n-grams, clipped matches.
 * With several references the one with the best sentence score is kept
 * (the first on ties). `stats` has 3 * (6 + word_order) slots. */
PP_API pp_status pp_chrf_stats(const char *hyp, const char *const *refs, size_t nrefs,
                               int word_order, double *stats, pp_error *err);

/* chrF (0-100) from summed statistics of `order` = 6 + word_order orders:
 * precision and recall averaged over the orders with non-zero hypothesis
 * and reference counts (sacreBLEU's effective order), then F_beta. */
PP_API double pp_chrf_score(const double *sums, int order, double beta);

/* ------------------------------------------------------------ token F1 */

/* SQuAD-style normalization: NFKC, Unicode case folding, punctuation and
 * symbols (general categories P* and S*) replaced by spaces, the English
 * articles a/an/the removed when `lang` is English ("en", "en-..."), white
 * space collapsed. *out is malloc'd. */
PP_API pp_status pp_answer_normalize(const char *s, const char *lang, char **out, pp_error *err);

/* Token F1 and exact match of a prediction against references (maximum over
 * references), after pp_answer_normalize; tokens are white-space separated. */
PP_API pp_status pp_token_f1(const char *pred, const char *const *refs, size_t nrefs,
                             const char *lang, double *f1, double *em, pp_error *err);

/* ------------------------------------------------------------ resampling */

/* A small seeded generator (splitmix64) so that results do not depend on the
 * platform's rand(). */
typedef struct pp_rng {
    uint64_t s;
} pp_rng;

PP_API void pp_rng_seed(pp_rng *r, uint64_t seed, const char *stream);
PP_API uint64_t pp_rng_next(pp_rng *r);
/* Uniform integer in [0, n). */
PP_API size_t pp_rng_below(pp_rng *r, size_t n);

/* Percentile bootstrap: `items` is n rows of k statistics (row-major). Draws
 * `resamples` samples of n items with replacement, scores each from its
 * summed statistics and returns the 2.5% and 97.5% percentiles (linear
 * interpolation between order statistics). The generator is seeded from
 * (seed, stream) so each language gets its own reproducible sequence,
 * independent of thread scheduling. With n < 2 or resamples < 1 both bounds
 * are NAN. */
PP_API void pp_bootstrap_interval(pp_metric m, const double *items, size_t n, uint64_t seed,
                                  const char *stream, long resamples, double *lo, double *hi);

typedef struct pp_paired_result {
    double a, b;           /* scores of the two systems */
    double delta;          /* a - b */
    double delta_lo;       /* 95% paired-bootstrap interval of a - b */
    double delta_hi;
    double p_bootstrap;    /* two-sided: 2 (1 + min(#{d* <= 0}, #{d* >= 0})) / (B + 1), capped at 1 */
    double p_randomization;/* approximate randomization: (1 + #{|d_r| >= |d|}) / (R + 1) */
} pp_paired_result;

/* Paired bootstrap (Koehn 2004) and approximate randomization (Noreen 1989;
 * Riezler & Maxwell 2005) over n aligned items of two systems. For a
 * lower-is-better metric the delta keeps the sign a - b. */
PP_API void pp_paired_test(pp_metric m, const double *items_a, const double *items_b, size_t n,
                           uint64_t seed, const char *stream, long resamples,
                           pp_paired_result *res);

#ifdef __cplusplus
}
#endif
#endif
