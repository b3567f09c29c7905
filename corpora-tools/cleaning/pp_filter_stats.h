/* pp_filter_stats.h — document statistics shared by the filter presets
 * (private to libpolyphony).
 *
 * One pass over a document computes everything the rules of every preset
 * read: word counts and lengths, symbol and bullet/ellipsis ratios, the
 * Gopher repetition fractions, script consistency. Words are either
 * whitespace-separated tokens (what Gopher and C4 do) or ICU word-break
 * segments (culture-aware; dictionary segmentation for Thai, Lao, Khmer,
 * Burmese, Chinese, Japanese). */
#ifndef PP_FILTER_STATS_H
#define PP_FILTER_STATS_H

#include "src/pp_common.h"

#include <stdint.h>
#include <unicode/uset.h>

typedef enum pp_word_mode {
    PP_WORDS_WHITESPACE = 0,
    PP_WORDS_ICU
} pp_word_mode;

typedef struct pp_fword {
    size_t start, end;  /* bytes */
    size_t cplen;       /* code points */
    uint64_t hash;      /* xxh3 of the bytes (whitespace) or of the case-folded word (ICU) */
    int has_alpha;      /* contains a letter */
    int symbolic;       /* only punctuation and symbols */
} pp_fword;

typedef struct pp_fdoc {
    pp_word_mode mode;
    const char *text;
    size_t len;
    size_t nchars;            /* code points */
    pp_fword *words;          /* tokens (whitespace) or word-like segments (ICU) */
    size_t nwords;            /* entries in words */
    size_t n_nonsymbol;       /* tokens with something other than punctuation/symbols */
    double mean_word_len;     /* code points, over non-symbol tokens */
    double hash_ratio;        /* '#' per non-symbol word */
    double ellipsis_ratio;    /* "..." and U+2026 per non-symbol word */
    double bullet_lines;      /* fraction of lines starting with a bullet */
    double ellipsis_lines;    /* fraction of lines ending with an ellipsis */
    double alpha_words;       /* fraction of tokens with a letter */
    double symbol_share;      /* punctuation+symbol code points / non-space code points */
    size_t nlines;            /* non-empty lines */
    double dup_line_frac, dup_para_frac, dup_line_char_frac, dup_para_char_frac;
    double top_ngram[3];      /* n = 2, 3, 4: top n-gram characters / document characters */
    double dup_ngram[6];      /* n = 5..10: characters in duplicated n-grams / document characters */
    /* script consistency, filled by pp_fdoc_exemplar_share() */
    size_t n_letters;         /* letters and combining marks (NFD), neutral tokens left out */
    size_t n_neutral;         /* tokens that are URLs, e-mails, handles, hashtags or names */
    size_t n_plain_tokens;    /* tokens with letters that are neither neutral nor markup */
    double exemplar_share;    /* share of them inside the exemplar set */
} pp_fdoc;

/* Compute the statistics of `text`. `locale` is used for ICU word breaks. */
pp_status pp_fdoc_compute(pp_fdoc *d, const char *text, size_t len, pp_word_mode mode,
                          const char *locale, pp_error *err);
void pp_fdoc_clear(pp_fdoc *d);

/* Share of letters (NFD code points that are alphabetic or combining marks,
 * case-folded) inside `set`, over the whitespace tokens that are not
 * neutral: URLs, e-mail addresses (pp_pii), handles, hashtags, and names (a
 * capitalised word whose first letter is outside `set`) are left out, so
 * that code-mixed writing is not counted as foreign text. */
pp_status pp_fdoc_exemplar_share(pp_fdoc *d, const USet *set, pp_error *err);
/* The same, with a profile's accepted mixing: letters outside `set` but in
 * `mix` count as inside, up to mix_share of the letters. */
pp_status pp_fdoc_exemplar_share_mixed(pp_fdoc *d, const USet *set, const USet *mix,
                                       double mix_share, pp_error *err);

/* 1 when a whitespace token is a URL, an e-mail address, a handle or a hashtag. */
int pp_fdoc_neutral_token(const char *t, size_t len);

/* xxh3 of the case-folded UTF-8 form of s (used for function words). */
uint64_t pp_fold_hash(const char *s, size_t len);

/* Build a set of case-folded NFD code points from a list of characters or an
 * ICU exemplar set; caller uset_close()s. */
USet *pp_exemplar_set_from_chars(const char *utf8, size_t len, pp_error *err);
USet *pp_exemplar_set_from_cldr(const char *tag, pp_error *err); /* NULL + PP_ERR_NOT_FOUND */

/* Lists of exemplar characters name the common ideographs of a language,
 * not its writing system: a set holding Han characters gets all of them. */
void pp_exemplar_set_widen(USet *set);

#endif
