/* pp_filter_gopher.c — the Gopher (MassiveText) quality and repetition rules.
 *
 * Rae et al. 2021, "Scaling Language Models: Methods, Analysis & Insights
 * from Training Gopher", appendix A.1.1 and Table A1; the same constants are
 * the defaults of datatrove's GopherQualityFilter and GopherRepetitionFilter:
 *
 *   word count                        50 .. 100,000
 *   mean word length                  3 .. 10 characters
 *   symbol-to-word ratio              < 0.1 for '#' and for ellipses
 *   lines starting with a bullet      <= 90%
 *   lines ending with an ellipsis     <= 30%
 *   words with an alphabetic char     >= 80%
 *   English stop words present        >= 2 of: the be to of and that have with
 *   duplicate line fraction           <= 0.30   (lines)
 *   duplicate paragraph fraction      <= 0.30   (paragraphs)
 *   duplicate line char fraction      <= 0.20
 *   duplicate paragraph char fraction <= 0.20
 *   top 2/3/4-gram char fraction      <= 0.20 / 0.18 / 0.16
 *   duplicate 5..10-gram char fraction <= 0.15 0.14 0.13 0.12 0.11 0.10
 *
 * Words are whitespace-separated tokens, as in the paper: that is exactly
 * what makes these rules English-tuned (a Thai or Chinese line is one
 * "word"). Word counts, mean length and the symbol ratios use the tokens
 * that are not only punctuation. Stop words: at least 2 occurrences (as
 * datatrove counts them), matched case-sensitively on tokens stripped of
 * surrounding punctuation. Bullets: lines starting with U+2022, U+25CF, '-'
 * or '*'. Lines for the repetition rules are split on runs of line feeds
 * (blank lines are not lines). */
#include "config.h"
#include "corpora-tools/cleaning/pp_filter_int.h"

#include <stdlib.h>
#include <string.h>

static const double TOP_NGRAM_MAX[3] = {0.20, 0.18, 0.16};
static const double DUP_NGRAM_MAX[6] = {0.15, 0.14, 0.13, 0.12, 0.11, 0.10};

static const pp_frule_info RULES[] = {
    {"gopher_word_count", "50 <= words <= 100000 (whitespace tokens)"},
    {"gopher_mean_word_length", "3 <= mean word length <= 10"},
    {"gopher_hash_ratio", "'#' per word < 0.1"},
    {"gopher_ellipsis_ratio", "ellipses per word < 0.1"},
    {"gopher_bullet_lines", "<= 90% of lines start with a bullet"},
    {"gopher_ellipsis_lines", "<= 30% of lines end with an ellipsis"},
    {"gopher_alpha_words", ">= 80% of words contain a letter"},
    {"gopher_stop_words", ">= 2 occurrences of the English words the, be, to, of, and, that, have, with"},
    {"gopher_dup_line_frac", "duplicate lines <= 30%"},
    {"gopher_dup_para_frac", "duplicate paragraphs <= 30%"},
    {"gopher_dup_line_char_frac", "characters in duplicate lines <= 20%"},
    {"gopher_dup_para_char_frac", "characters in duplicate paragraphs <= 20%"},
    {"gopher_top_2gram", "characters in the top 2-gram <= 20%"},
    {"gopher_top_3gram", "characters in the top 3-gram <= 18%"},
    {"gopher_top_4gram", "characters in the top 4-gram <= 16%"},
    {"gopher_dup_5gram", "characters in duplicate 5-grams <= 15%"},
    {"gopher_dup_6gram", "characters in duplicate 6-grams <= 14%"},
    {"gopher_dup_7gram", "characters in duplicate 7-grams <= 13%"},
    {"gopher_dup_8gram", "characters in duplicate 8-grams <= 12%"},
    {"gopher_dup_9gram", "characters in duplicate 9-grams <= 11%"},
    {"gopher_dup_10gram", "characters in duplicate 10-grams <= 10%"},
};
enum { R_WORDS, R_MWL, R_HASH, R_ELL, R_BUL, R_ELLL, R_ALPHA, R_STOP, R_DLF, R_DPF, R_DLC, R_DPC,
       R_TOP2, R_DUP5 = R_TOP2 + 3 };

static int stop_words_present(const pp_fdoc *d)
{
    static const char *const STOP[] = {"the", "be", "to", "of", "and", "that", "have", "with"};
    int seen = 0;
    for (size_t k = 0; k < d->nwords; k++) {
        const char *s = d->text + d->words[k].start;
        size_t a = 0, b = d->words[k].end - d->words[k].start;
        while (a < b && strchr("\"'()[]{},.;:!?-", s[a]))
            a++;
        while (b > a && strchr("\"'()[]{},.;:!?-", s[b - 1]))
            b--;
        for (unsigned i = 0; i < 8; i++)
            if (b - a == strlen(STOP[i]) && memcmp(s + a, STOP[i], b - a) == 0)
                seen++;
    }
    return seen;
}

static pp_status judge(void *st, const char *lang, const char *text, size_t len,
                       pp_filter_result *res, pp_error *err)
{
    (void)st;
    (void)lang;
    pp_fdoc d;
    pp_status s = pp_fdoc_compute(&d, text, len, PP_WORDS_WHITESPACE, NULL, err);
    if (s != PP_OK)
        return s;
    size_t nw = d.n_nonsymbol;
    if (nw < 50 || nw > 100000)
        pp_fresult_fail(res, RULES, R_WORDS, "%zu word%s", nw, nw == 1 ? "" : "s");
    if (d.mean_word_len < 3 || d.mean_word_len > 10)
        pp_fresult_fail(res, RULES, R_MWL, "mean word length %.2f", d.mean_word_len);
    if (d.hash_ratio > 0.1)
        pp_fresult_fail(res, RULES, R_HASH, "%.3f", d.hash_ratio);
    if (d.ellipsis_ratio > 0.1)
        pp_fresult_fail(res, RULES, R_ELL, "%.3f", d.ellipsis_ratio);
    if (d.bullet_lines > 0.9)
        pp_fresult_fail(res, RULES, R_BUL, "%.3f", d.bullet_lines);
    if (d.ellipsis_lines > 0.3)
        pp_fresult_fail(res, RULES, R_ELLL, "%.3f", d.ellipsis_lines);
    if (d.alpha_words < 0.8)
        pp_fresult_fail(res, RULES, R_ALPHA, "%.3f", d.alpha_words);
    int stops = stop_words_present(&d);
    if (stops < 2)
        pp_fresult_fail(res, RULES, R_STOP, "%d stop words", stops);
    if (d.dup_line_frac > 0.3)
        pp_fresult_fail(res, RULES, R_DLF, "%.3f", d.dup_line_frac);
    if (d.dup_para_frac > 0.3)
        pp_fresult_fail(res, RULES, R_DPF, "%.3f", d.dup_para_frac);
    if (d.dup_line_char_frac > 0.2)
        pp_fresult_fail(res, RULES, R_DLC, "%.3f", d.dup_line_char_frac);
    if (d.dup_para_char_frac > 0.2)
        pp_fresult_fail(res, RULES, R_DPC, "%.3f", d.dup_para_char_frac);
    for (int k = 0; k < 3; k++)
        if (d.top_ngram[k] > TOP_NGRAM_MAX[k])
            pp_fresult_fail(res, RULES, R_TOP2 + k, "%.3f", d.top_ngram[k]);
    for (int k = 0; k < 6; k++)
        if (d.dup_ngram[k] > DUP_NGRAM_MAX[k])
            pp_fresult_fail(res, RULES, R_DUP5 + k, "%.3f", d.dup_ngram[k]);
    pp_fdoc_clear(&d);
    return PP_OK;
}

static json_t *thresholds(const void *st, const char *lang)
{
    (void)st;
    (void)lang;
    json_t *o = json_object();
    json_object_set_new(o, "gopher_word_count", json_pack("{s:i,s:i}", "min", 50, "max", 100000));
    json_object_set_new(o, "gopher_mean_word_length", json_pack("{s:f,s:f}", "min", 3.0, "max", 10.0));
    json_object_set_new(o, "gopher_hash_ratio", json_pack("{s:f}", "max", 0.1));
    json_object_set_new(o, "gopher_ellipsis_ratio", json_pack("{s:f}", "max", 0.1));
    json_object_set_new(o, "gopher_bullet_lines", json_pack("{s:f}", "max", 0.9));
    json_object_set_new(o, "gopher_ellipsis_lines", json_pack("{s:f}", "max", 0.3));
    json_object_set_new(o, "gopher_alpha_words", json_pack("{s:f}", "min", 0.8));
    json_object_set_new(o, "gopher_stop_words", json_pack("{s:i}", "min", 2));
    json_object_set_new(o, "gopher_dup_line_frac", json_pack("{s:f}", "max", 0.3));
    json_object_set_new(o, "gopher_dup_para_frac", json_pack("{s:f}", "max", 0.3));
    json_object_set_new(o, "gopher_dup_line_char_frac", json_pack("{s:f}", "max", 0.2));
    json_object_set_new(o, "gopher_dup_para_char_frac", json_pack("{s:f}", "max", 0.2));
    for (int k = 0; k < 3; k++)
        json_object_set_new(o, RULES[R_TOP2 + k].name, json_pack("{s:f}", "max", TOP_NGRAM_MAX[k]));
    for (int k = 0; k < 6; k++)
        json_object_set_new(o, RULES[R_DUP5 + k].name, json_pack("{s:f}", "max", DUP_NGRAM_MAX[k]));
    return o;
}

const pp_fpreset pp_fpreset_gopher = {
    .name = "gopher",
    .rules = RULES,
    .nrules = sizeof RULES / sizeof RULES[0],
    .passes = 0,
    .judge = judge,
    .thresholds = thresholds,
};
