/* pp_filter_c4.c — the C4 page and line rules.
 *
 * Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a
 * Unified Text-to-Text Transformer" (JMLR 21), section 2.2, with the details
 * of the TFDS c4 implementation that datatrove's C4QualityFilter also uses
 * (its defaults: split_paragraph, remove_citations, filter_no_terminal_punct,
 * min_num_sentences=5, min_words_per_line=3, max_word_length=1000,
 * filter_lorem_ipsum, filter_javascript, filter_curly_bracket, filter_policy):
 *
 *   for each line (stripped): drop it if a word is longer than 1000
 *   characters; remove citation marks ([1], [edit], [citation needed]); drop
 *   it unless it ends in . ? ! " ' (and not in "..."); drop it if it has
 *   fewer than 3 whitespace words; reject the page if it says "lorem ipsum";
 *   drop it if it mentions javascript; reject the page if it has '{'; drop
 *   it if it has a cookie/terms/privacy policy phrase. The page survives
 *   when the kept lines hold at least 5 sentences, and its text becomes the
 *   kept lines. The bad-words list of the paper is not applied (we do not
 *   ship an offensive word list).
 *
 * Sentences are counted with ICU's root sentence break rules. Each line rule
 * is also evaluated on its own (the page fails that rule when the lines it
 * alone keeps hold fewer than 5 sentences): the exclusion audit reads those. */
#include "config.h"
#include "corpora-tools/cleaning/pp_filter_int.h"
#include "src/pp_text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define C4_MIN_SENTENCES 5
#define C4_MIN_WORDS 3
#define C4_MAX_WORD 1000

static const pp_frule_info RULES[] = {
    {"c4_min_sentences", "the page holds >= 5 sentences (after the line rules)"},
    {"c4_terminal_punct", "lines end in . ? ! \" ' (not ...)"},
    {"c4_min_words_per_line", "lines have >= 3 whitespace words"},
    {"c4_long_word", "lines have no word longer than 1000 characters"},
    {"c4_javascript", "lines do not mention javascript"},
    {"c4_policy", "lines have no terms-of-use / privacy / cookie policy phrase"},
    {"c4_lorem_ipsum", "the page has no \"lorem ipsum\""},
    {"c4_curly_bracket", "the page has no '{'"},
};
enum { R_SENT, R_PUNCT, R_WORDS, R_LONG, R_JS, R_POLICY, R_LOREM, R_CURLY };
enum { L_PUNCT = 1, L_WORDS = 2, L_LONG = 4, L_JS = 8, L_POLICY = 16 };

typedef struct c4line {
    size_t a, b;     /* cleaned line in the buffer */
    unsigned drop;   /* L_* reasons it would be dropped */
    int sentences;
    int lorem, curly;
} c4line;

static int contains_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        size_t j = 0;
        while (j < m && tolower((unsigned char)s[i + j]) == needle[j])
            j++;
        if (j == m)
            return 1;
    }
    return 0;
}

/* Copy s[a,b) into buf at *o removing [digits], [edit], [citation needed]. */
static void copy_uncited(const char *s, size_t a, size_t b, char *buf, size_t *o)
{
    for (size_t i = a; i < b;) {
        if (s[i] == '[') {
            size_t j = i + 1;
            while (j < b && isdigit((unsigned char)s[j]))
                j++;
            if (j < b && s[j] == ']') {
                i = j + 1;
                continue;
            }
            if (b - i >= 6 && memcmp(s + i, "[edit]", 6) == 0) {
                i += 6;
                continue;
            }
            if (b - i >= 17 && memcmp(s + i, "[citation needed]", 17) == 0) {
                i += 17;
                continue;
            }
        }
        buf[(*o)++] = s[i++];
    }
}

static int is_space_byte_run(const char *s, size_t i, size_t n, size_t *adv)
{
    UChar32 c;
    int32_t k = (int32_t)i;
    U8_NEXT(s, k, (int32_t)n, c);
    *adv = (size_t)k - i;
    return c >= 0 && u_isUWhiteSpace(c);
}

static pp_status judge(void *st, const char *lang, const char *text, size_t len,
                       pp_filter_result *res, pp_error *err)
{
    (void)st;
    (void)lang;
    static const char *const POLICY[] = {"terms of use", "privacy policy", "cookie policy",
                                         "uses cookies", "use of cookies", "use cookies"};
    char *buf = malloc(len + 1);
    size_t nl = 1;
    for (size_t i = 0; i < len; i++)
        nl += text[i] == '\n';
    c4line *L = calloc(nl, sizeof *L);
    if (!buf || !L) {
        free(buf);
        free(L);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t o = 0, n = 0;
    for (size_t a = 0; a <= len;) {
        size_t b = a;
        while (b < len && text[b] != '\n')
            b++;
        /* strip Unicode white space at both ends (Python str.strip) */
        size_t x = a, y = b, adv;
        while (x < y && is_space_byte_run(text, x, y, &adv))
            x += adv;
        while (y > x) {
            size_t p = y - 1;
            while (p > x && ((unsigned char)text[p] & 0xC0) == 0x80)
                p--;
            if (!is_space_byte_run(text, p, y, &adv))
                break;
            y = p;
        }
        c4line *l = &L[n++];
        /* words (whitespace split of the stripped line, before citations go) */
        size_t words = 0, wl = 0;
        int in = 0, longw = 0;
        for (size_t i = x; i < y;) {
            int sp = is_space_byte_run(text, i, y, &adv);
            if (!sp) {
                if (!in)
                    words++, wl = 0;
                in = 1;
                if (++wl > C4_MAX_WORD)
                    longw = 1;
            } else {
                in = 0;
            }
            i += adv ? adv : 1;
        }
        l->a = o;
        copy_uncited(text, x, y, buf, &o);
        l->b = o;
        buf[o++] = '\n';
        const char *ls = buf + l->a;
        size_t ln = l->b - l->a;
        if (longw)
            l->drop |= L_LONG;
        int ends = ln > 0 && strchr(".?!\"'", ls[ln - 1]) != NULL;
        if (!ends || (ln >= 3 && memcmp(ls + ln - 3, "...", 3) == 0))
            l->drop |= L_PUNCT;
        if (words < C4_MIN_WORDS)
            l->drop |= L_WORDS;
        l->lorem = contains_ci(ls, ln, "lorem ipsum");
        if (contains_ci(ls, ln, "javascript"))
            l->drop |= L_JS;
        l->curly = memchr(ls, '{', ln) != NULL;
        for (size_t p = 0; p < sizeof POLICY / sizeof POLICY[0]; p++)
            if (contains_ci(ls, ln, POLICY[p]))
                l->drop |= L_POLICY;
        if (b == len)
            break;
        a = b + 1;
    }
    /* sentences per line: one ICU pass over the cleaned lines (a line feed
     * always ends a sentence in ICU's rules) */
    pp_span *sp = NULL;
    size_t ns = 0;
    pp_status s = pp_segment(buf, o, NULL, PP_SEG_SENTENCE, &sp, &ns, err);
    if (s != PP_OK) {
        free(buf);
        free(L);
        return s;
    }
    size_t li = 0;
    for (size_t k = 0; k < ns; k++) {
        while (li < n && sp[k].start > L[li].b)
            li++;
        if (li < n)
            L[li].sentences++;
    }
    free(sp);

    /* the decision, in C4's order */
    long kept_sent = 0, total_sent = 0;
    long alone[5] = {0, 0, 0, 0, 0};
    const unsigned bits[5] = {L_PUNCT, L_WORDS, L_LONG, L_JS, L_POLICY};
    int doc_rule = -1;
    for (size_t i = 0; i < n; i++) {
        c4line *l = &L[i];
        total_sent += l->sentences;
        for (int r = 0; r < 5; r++)
            if (!(l->drop & bits[r]))
                alone[r] += l->sentences;
        if (doc_rule >= 0)
            continue;
        if (l->drop & (L_LONG | L_PUNCT | L_WORDS))
            continue;
        if (l->lorem) {
            doc_rule = R_LOREM;
            continue;
        }
        if (l->drop & L_JS)
            continue;
        if (l->curly) {
            doc_rule = R_CURLY;
            continue;
        }
        if (l->drop & L_POLICY)
            continue;
        l->drop |= 0x100; /* kept */
        kept_sent += l->sentences;
    }
    if (total_sent < C4_MIN_SENTENCES)
        pp_fresult_fail(res, RULES, R_SENT, "%ld sentence%s in the page", total_sent,
                        total_sent == 1 ? "" : "s");
    const int rule_of[5] = {R_PUNCT, R_WORDS, R_LONG, R_JS, R_POLICY};
    for (int r = 0; r < 5; r++)
        if (alone[r] < C4_MIN_SENTENCES && total_sent >= C4_MIN_SENTENCES)
            pp_fresult_fail(res, RULES, rule_of[r], "%ld sentence%s left by this rule alone",
                            alone[r], alone[r] == 1 ? "" : "s");
    if (doc_rule >= 0) {
        /* page rules decide before anything else */
        res->rule = -1;
        res->reason[0] = 0;
        pp_fresult_fail(res, RULES, doc_rule, "%s", doc_rule == R_LOREM ? "lorem ipsum" : "'{'");
    } else if (kept_sent < C4_MIN_SENTENCES) {
        if (res->rule < 0)
            pp_fresult_fail(res, RULES, R_SENT, "%ld sentence%s left after the line rules",
                            kept_sent, kept_sent == 1 ? "" : "s");
    } else {
        /* kept: forget counterfactual reasons, keep the bits */
        res->rule = -1;
        res->reason[0] = 0;
        size_t w = 0;
        char *out = malloc(o + 1);
        if (!out) {
            free(buf);
            free(L);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
            if (L[i].drop & 0x100) {
                if (w)
                    out[w++] = '\n';
                memcpy(out + w, buf + L[i].a, L[i].b - L[i].a);
                w += L[i].b - L[i].a;
            }
        out[w] = 0;
        if (w == len && memcmp(out, text, len) == 0) {
            free(out);
        } else {
            res->text = out;
            res->textlen = w;
        }
    }
    free(buf);
    free(L);
    return PP_OK;
}

static json_t *thresholds(const void *st, const char *lang)
{
    (void)st;
    (void)lang;
    return json_pack("{s:{s:i},s:{s:i},s:{s:i},s:{s:s}}", "c4_min_sentences", "min",
                     C4_MIN_SENTENCES, "c4_min_words_per_line", "min", C4_MIN_WORDS,
                     "c4_long_word", "max", C4_MAX_WORD, "c4_terminal_punct", "chars",
                     ". ? ! \" '");
}

const pp_fpreset pp_fpreset_c4 = {
    .name = "c4",
    .rules = RULES,
    .nrules = sizeof RULES / sizeof RULES[0],
    .passes = 0,
    .judge = judge,
    .thresholds = thresholds,
};
