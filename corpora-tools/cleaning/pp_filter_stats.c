/* pp_filter_stats.c — the document statistics every filter rule reads.
 *
 * Definitions follow the Gopher paper (Rae et al. 2021, appendix A.1.1) as
 * implemented by datatrove's GopherQualityFilter / GopherRepetitionFilter:
 * repetition fractions count every repeated occurrence after the first;
 * character fractions are over the document's code points; top n-gram
 * characters = length of the n-gram joined by spaces × its count; duplicate
 * n-gram characters (also joined by spaces) are counted on non-overlapping
 * repeats (skip n words after a repeat). Lines are split on runs of line
 * feeds, paragraphs on runs of two or more. */
#include "config.h"
#include "corpora-tools/cleaning/pp_filter_stats.h"
#include "corpora-tools/cleaning/pp_pii.h"
#include "src/pp_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/ulocdata.h>
#include <unicode/uscript.h>
#include <unicode/uloc.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <xxhash.h>

/* ------------------------------------------------------------ hash counts */

typedef struct hcount {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
} hcount;

static int hc_init(hcount *h, size_t expect)
{
    size_t cap = 16;
    while (cap < expect * 2 + 2)
        cap <<= 1;
    h->keys = calloc(cap, sizeof *h->keys);
    h->vals = calloc(cap, sizeof *h->vals);
    h->cap = cap;
    h->n = 0;
    return h->keys && h->vals;
}

static void hc_free(hcount *h)
{
    free(h->keys);
    free(h->vals);
}

/* Increment the count of key (0 is remapped); returns the new count. The
 * table is sized for at most `expect` keys by hc_init, so it never fills. */
static uint32_t hc_add(hcount *h, uint64_t key)
{
    if (key == 0)
        key = 0x9e3779b97f4a7c15ULL;
    size_t m = h->cap - 1, i = (size_t)(key ^ (key >> 29)) & m;
    while (h->keys[i] && h->keys[i] != key)
        i = (i + 1) & m;
    if (!h->keys[i]) {
        h->keys[i] = key;
        h->n++;
    }
    return ++h->vals[i];
}

/* ------------------------------------------------------------ helpers */

static int is_punct_or_symbol(UChar32 c)
{
    int8_t t = u_charType(c);
    return u_ispunct(c) || t == U_MATH_SYMBOL || t == U_CURRENCY_SYMBOL ||
           t == U_MODIFIER_SYMBOL || t == U_OTHER_SYMBOL;
}

static int push_word(pp_fdoc *d, size_t *cap, const char *s, size_t a, size_t b, int fold)
{
    if (d->nwords == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        pp_fword *w = realloc(d->words, nc * sizeof *w);
        if (!w)
            return 0;
        d->words = w;
        *cap = nc;
    }
    pp_fword *w = &d->words[d->nwords++];
    w->start = a;
    w->end = b;
    w->cplen = 0;
    w->has_alpha = 0;
    w->symbolic = 1;
    for (int32_t i = (int32_t)a; i < (int32_t)b;) {
        UChar32 c;
        U8_NEXT(s, i, (int32_t)b, c);
        w->cplen++;
        if (c < 0)
            continue;
        if (u_isalpha(c))
            w->has_alpha = 1;
        if (!is_punct_or_symbol(c))
            w->symbolic = 0;
    }
    w->hash = fold ? pp_fold_hash(s + a, b - a) : XXH3_64bits(s + a, b - a);
    return 1;
}

uint64_t pp_fold_hash(const char *s, size_t len)
{
    /* Simple case folding code point by code point; a folded code point
     * takes at most 4 bytes, like any code point. */
    char small[256];
    size_t cap = len * 4 + 4;
    char *buf = cap <= sizeof small ? small : malloc(cap);
    if (!buf)
        return XXH3_64bits(s, len);
    size_t o = 0;
    for (int32_t i = 0; i < (int32_t)len;) {
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        if (c < 0)
            c = 0xFFFD;
        c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
        U8_APPEND_UNSAFE(buf, o, c);
    }
    uint64_t h = o ? XXH3_64bits(buf, o) : XXH3_64bits("", 0);
    if (buf != small)
        free(buf);
    return h;
}

/* Duplicate elements among pieces [starts[i], ends[i]) (exact byte match). */
static void find_dups(const char *s, const size_t *starts, const size_t *ends, size_t n,
                      size_t *dup_elems, size_t *dup_chars)
{
    *dup_elems = *dup_chars = 0;
    if (n == 0)
        return;
    hcount h;
    if (!hc_init(&h, n))
        goto out;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = XXH3_64bits(s + starts[i], ends[i] - starts[i]);
        if (hc_add(&h, k) > 1) {
            (*dup_elems)++;
            *dup_chars += pp_utf8_length(s + starts[i], ends[i] - starts[i]);
        }
    }
out:
    hc_free(&h);
}

/* Split on runs of at least `minrun` consecutive '\n' (after trimming the
 * text when `trim`), like re.split(r"\n{minrun,}"). */
static size_t split_runs(const char *s, size_t len, int minrun, size_t **starts, size_t **ends)
{
    size_t cap = 16, n = 0;
    *starts = malloc(cap * sizeof **starts);
    *ends = malloc(cap * sizeof **ends);
    if (!*starts || !*ends)
        return 0;
    size_t a = 0;
    for (size_t i = 0; i <= len;) {
        size_t run = 0;
        while (i + run < len && s[i + run] == '\n')
            run++;
        if (i == len || (int)run >= minrun) {
            if (n == cap) {
                cap *= 2;
                size_t *ns = realloc(*starts, cap * sizeof *ns);
                if (ns)
                    *starts = ns;
                size_t *ne = realloc(*ends, cap * sizeof *ne);
                if (ne)
                    *ends = ne;
                if (!ns || !ne)
                    return n;
            }
            (*starts)[n] = a;
            (*ends)[n] = i;
            n++;
            if (i == len)
                break;
            i += run;
            a = i;
        } else {
            i += run ? run : 1;
        }
    }
    return n;
}

static int is_trim_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Characters of the n-gram starting at word i: its words joined by spaces
 * (whitespace words, as Gopher counts them), or the text it spans (ICU
 * words: scripts without spaces must not gain spaces they do not have). */
static size_t ngram_chars(const pp_fdoc *d, size_t i, int n)
{
    if (d->mode == PP_WORDS_ICU)
        return pp_utf8_length(d->text + d->words[i].start,
                              d->words[i + (size_t)n - 1].end - d->words[i].start);
    size_t c = (size_t)n - 1;
    for (int j = 0; j < n; j++)
        c += d->words[i + (size_t)j].cplen;
    return c;
}

static void repetition(pp_fdoc *d)
{
    const char *s = d->text;
    size_t len = d->len;
    size_t *st = NULL, *en = NULL, n, de, dc;
    double nchars = d->nchars ? (double)d->nchars : 1.0;

    /* paragraphs: split of the stripped text on \n{2,} */
    size_t a = 0, b = len;
    while (a < b && is_trim_space(s[a]))
        a++;
    while (b > a && is_trim_space(s[b - 1]))
        b--;
    n = split_runs(s + a, b - a, 2, &st, &en);
    for (size_t i = 0; i < n; i++) {
        st[i] += a;
        en[i] += a;
    }
    find_dups(s, st, en, n, &de, &dc);
    d->dup_para_frac = n ? (double)de / (double)n : 0.0;
    d->dup_para_char_frac = (double)dc / nchars;
    free(st);
    free(en);

    /* lines: split on \n+ */
    n = split_runs(s, len, 1, &st, &en);
    find_dups(s, st, en, n, &de, &dc);
    d->dup_line_frac = n ? (double)de / (double)n : 0.0;
    d->dup_line_char_frac = (double)dc / nchars;
    free(st);
    free(en);

    /* n-grams over words */
    size_t W = d->nwords;
    for (int k = 0; k < 3; k++)
        d->top_ngram[k] = 0.0;
    for (int k = 0; k < 6; k++)
        d->dup_ngram[k] = 0.0;
    if (W < 2)
        return;
    hcount h;
    for (int n_ = 2; n_ <= 4; n_++) {
        if (W < (size_t)n_)
            break;
        if (!hc_init(&h, W))
            break;
        uint32_t best = 0;
        size_t best_i = 0;
        for (size_t i = 0; i + (size_t)n_ <= W; i++) {
            uint64_t key[4];
            for (int j = 0; j < n_; j++)
                key[j] = d->words[i + (size_t)j].hash;
            uint32_t c = hc_add(&h, XXH3_64bits(key, sizeof key[0] * (size_t)n_));
            if (c > best) {
                best = c;
                best_i = i;
            }
        }
        hc_free(&h);
        if (best > 1) {
            size_t clen = ngram_chars(d, best_i, n_);
            d->top_ngram[n_ - 2] = (double)clen * best / nchars;
        }
    }
    for (int n_ = 5; n_ <= 10; n_++) {
        if (W < (size_t)n_)
            break;
        if (!hc_init(&h, W))
            break;
        size_t rep = 0;
        for (size_t i = 0; i + (size_t)n_ <= W;) {
            uint64_t key[10];
            for (int j = 0; j < n_; j++)
                key[j] = d->words[i + (size_t)j].hash;
            if (hc_add(&h, XXH3_64bits(key, sizeof key[0] * (size_t)n_)) > 1) {
                rep += ngram_chars(d, i, n_);
                i += (size_t)n_;
            } else {
                i++;
            }
        }
        hc_free(&h);
        d->dup_ngram[n_ - 5] = (double)rep / nchars;
    }
}

/* Line statistics: bullets at the start, ellipses at the end (all lines,
 * as Python's str.splitlines would give them). */
static void line_stats(pp_fdoc *d)
{
    const char *s = d->text;
    size_t len = d->len, nl = 0, bullets = 0, ellipses = 0;
    size_t a = 0;
    while (a <= len) {
        size_t b = a;
        while (b < len && s[b] != '\n')
            b++;
        if (!(b == len && a == len && nl > 0)) {
            size_t x = a, y = b;
            while (x < y && is_trim_space(s[x]))
                x++;
            while (y > x && is_trim_space(s[y - 1]))
                y--;
            nl++;
            if (y > x) {
                /* bullets: ● • * - */
                if (s[x] == '*' || s[x] == '-' ||
                    (y - x >= 3 && (memcmp(s + x, "\xe2\x97\x8f", 3) == 0 ||
                                    memcmp(s + x, "\xe2\x80\xa2", 3) == 0)))
                    bullets++;
                if ((y - x >= 3 && memcmp(s + y - 3, "...", 3) == 0) ||
                    (y - x >= 3 && memcmp(s + y - 3, "\xe2\x80\xa6", 3) == 0))
                    ellipses++;
            }
        }
        if (b == len)
            break;
        a = b + 1;
    }
    d->nlines = nl;
    d->bullet_lines = nl ? (double)bullets / (double)nl : 0.0;
    d->ellipsis_lines = nl ? (double)ellipses / (double)nl : 0.0;
}

pp_status pp_fdoc_compute(pp_fdoc *d, const char *text, size_t len, pp_word_mode mode,
                          const char *locale, pp_error *err)
{
    memset(d, 0, sizeof *d);
    d->mode = mode;
    d->text = text;
    d->len = len;
    size_t cap = 0, hashes = 0, ell = 0, nonspace = 0, sym = 0;
    /* characters, '#', ellipses, symbol share */
    for (int32_t i = 0; i < (int32_t)len;) {
        UChar32 c;
        int32_t at = i;
        U8_NEXT(text, i, (int32_t)len, c);
        d->nchars++;
        if (c < 0)
            continue;
        if (c == '#')
            hashes++;
        else if (c == 0x2026)
            ell++;
        else if (c == '.' && at + 2 < (int32_t)len && text[at + 1] == '.' && text[at + 2] == '.') {
            ell++;
            i = at + 3;
            d->nchars += 2;
        }
        if (!u_isUWhiteSpace(c)) {
            nonspace++;
            if (is_punct_or_symbol(c))
                sym++;
        }
    }
    d->symbol_share = nonspace ? (double)sym / (double)nonspace : 0.0;
    if (mode == PP_WORDS_WHITESPACE) {
        size_t a = 0;
        int32_t i = 0;
        int in = 0;
        while (i < (int32_t)len) {
            int32_t at = i;
            UChar32 c;
            U8_NEXT(text, i, (int32_t)len, c);
            int sp = c >= 0 && u_isUWhiteSpace(c);
            if (!sp && !in) {
                in = 1;
                a = (size_t)at;
            } else if (sp && in) {
                in = 0;
                if (!push_word(d, &cap, text, a, (size_t)at, 0))
                    goto nomem;
            }
        }
        if (in && !push_word(d, &cap, text, a, len, 0))
            goto nomem;
    } else {
        pp_span *sp = NULL;
        size_t n = 0;
        pp_status s = pp_segment(text, len, locale, PP_SEG_WORD, &sp, &n, err);
        if (s != PP_OK)
            return s;
        for (size_t k = 0; k < n; k++)
            if (sp[k].wordlike && !push_word(d, &cap, text, sp[k].start, sp[k].end, 1)) {
                free(sp);
                goto nomem;
            }
        free(sp);
    }
    size_t alpha = 0, lensum = 0;
    for (size_t k = 0; k < d->nwords; k++) {
        if (d->words[k].has_alpha)
            alpha++;
        if (!d->words[k].symbolic) {
            d->n_nonsymbol++;
            lensum += d->words[k].cplen;
        }
    }
    d->alpha_words = d->nwords ? (double)alpha / (double)d->nwords : 0.0;
    d->mean_word_len = d->n_nonsymbol ? (double)lensum / (double)d->n_nonsymbol : 0.0;
    d->hash_ratio = d->n_nonsymbol ? (double)hashes / (double)d->n_nonsymbol : (hashes ? 1.0 : 0.0);
    d->ellipsis_ratio = d->n_nonsymbol ? (double)ell / (double)d->n_nonsymbol : (ell ? 1.0 : 0.0);
    line_stats(d);
    repetition(d);
    return PP_OK;
nomem:
    pp_fdoc_clear(d);
    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory computing document statistics");
}

void pp_fdoc_clear(pp_fdoc *d)
{
    if (!d)
        return;
    free(d->words);
    d->words = NULL;
    d->nwords = 0;
}

/* ------------------------------------------------------------ script consistency */

static UChar *nfd_u16(const char *s, size_t len, int32_t *outlen, UErrorCode *st)
{
    int32_t n16 = 0;
    u_strFromUTF8WithSub(NULL, 0, &n16, s, (int32_t)len, 0xFFFD, NULL, st);
    if (*st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(*st))
        return NULL;
    *st = U_ZERO_ERROR;
    UChar *u = malloc(sizeof(UChar) * ((size_t)n16 + 1));
    if (!u)
        return NULL;
    u_strFromUTF8WithSub(u, n16 + 1, &n16, s, (int32_t)len, 0xFFFD, NULL, st);
    const UNormalizer2 *nfd = unorm2_getNFDInstance(st);
    if (U_FAILURE(*st)) {
        free(u);
        return NULL;
    }
    int32_t cap = n16 * 3 + 8;
    UChar *o = malloc(sizeof(UChar) * (size_t)cap);
    if (!o) {
        free(u);
        return NULL;
    }
    *outlen = unorm2_normalize(nfd, u, n16, o, cap, st);
    free(u);
    if (U_FAILURE(*st)) {
        free(o);
        return NULL;
    }
    return o;
}

static int is_letterish(UChar32 c)
{
    int8_t t = u_charType(c);
    return u_isalpha(c) || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK;
}

/* A URL, an e-mail address (the PII detector's), a handle (@name) or a
 * hashtag (#tag): text that names something rather than writing the
 * language. */
static int is_address(const char *t, size_t len)
{
    if (len > 1 && (t[0] == '@' || t[0] == '#'))
        return 1;
    if ((len > 7 && strncasecmp(t, "http://", 7) == 0) ||
        (len > 8 && strncasecmp(t, "https://", 8) == 0) || (len > 4 && strncasecmp(t, "www.", 4) == 0))
        return 1;
    if (memchr(t, '@', len)) {
        pp_pii_span *sp = NULL;
        size_t n = 0;
        int hit = pp_pii_find(t, len, PP_PII_EMAIL, &sp, &n, NULL) == PP_OK && n > 0;
        free(sp);
        return hit;
    }
    return 0;
}

int pp_fdoc_neutral_token(const char *t, size_t len) { return is_address(t, len); }

/* Markup: an element tag or an entity (<br/>, </p>, &amp;). */
static int is_markup(const char *t, size_t len)
{
    return (len >= 3 && t[0] == '<' && t[len - 1] == '>') ||
           (len >= 3 && t[0] == '&' && t[len - 1] == ';');
}

pp_status pp_fdoc_exemplar_share(pp_fdoc *d, const USet *set, pp_error *err)
{
    return pp_fdoc_exemplar_share_mixed(d, set, NULL, 0.0, err);
}

pp_status pp_fdoc_exemplar_share_mixed(pp_fdoc *d, const USet *set, const USet *mix,
                                       double mix_share, pp_error *err)
{
    /* Whitespace tokens one by one: addresses and names (a capitalised word
     * whose first letter is outside the language's characters: a Latin-script
     * name in Ethiopic text) are neutral, neither the language's letters nor
     * foreign ones; the letters of the other tokens are counted. */
    size_t letters = 0, in = 0, neutral = 0, plain = 0, mixed = 0;
    const char *s = d->text;
    size_t len = d->len;
    for (size_t a = 0; a < len;) {
        while (a < len && (s[a] == ' ' || s[a] == '\t' || s[a] == '\n' || s[a] == '\r'))
            a++;
        size_t b = a;
        while (b < len && !(s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r'))
            b++;
        if (b == a)
            break;
        if (is_address(s + a, b - a)) {
            neutral++;
            a = b;
            continue;
        }
        UErrorCode st = U_ZERO_ERROR;
        int32_t n = 0;
        UChar *u = nfd_u16(s + a, b - a, &n, &st);
        if (!u)
            return pp_error_set(err, PP_ERR_ICU, NULL, 0, "cannot normalize text: %s",
                                u_errorName(st));
        size_t tl = 0, ti = 0, tm = 0;
        int first = 1, name = 0;
        for (int32_t i = 0; i < n;) {
            UChar32 c;
            U16_NEXT(u, i, n, c);
            if (!is_letterish(c))
                continue;
            if (first) {
                name = (u_isupper(c) || u_istitle(c)) &&
                       !uset_contains(set, u_foldCase(c, U_FOLD_CASE_DEFAULT));
                first = 0;
            }
            tl++;
            UChar32 f = u_foldCase(c, U_FOLD_CASE_DEFAULT);
            if (uset_contains(set, f))
                ti++;
            else if (mix && uset_contains(mix, f))
                tm++;
        }
        free(u);
        if (name) {
            neutral++;
        } else {
            letters += tl;
            in += ti;
            mixed += tm;
            if (tl && !is_markup(s + a, b - a))
                plain++;
        }
        a = b;
    }
    d->n_letters = letters;
    d->n_neutral = neutral;
    d->n_plain_tokens = plain;
    /* accepted mixing counts as the language's own, up to its share */
    double ok = (double)in + fmin((double)mixed, mix_share * (double)letters);
    d->exemplar_share = letters ? ok / (double)letters : 1.0;
    return PP_OK;
}

/* Add the case-folded NFD code points of a UTF-16 string to `set`. */
static void add_folded(USet *set, const UChar *s, int32_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    UChar buf[64];
    int32_t m = U_SUCCESS(st) ? unorm2_normalize(nfd, s, n, buf, 64, &st) : 0;
    if (U_FAILURE(st))
        return;
    for (int32_t i = 0; i < m;) {
        UChar32 c;
        U16_NEXT(buf, i, m, c);
        if (is_letterish(c))
            uset_add(set, u_foldCase(c, U_FOLD_CASE_DEFAULT));
    }
}

USet *pp_exemplar_set_from_chars(const char *utf8, size_t len, pp_error *err)
{
    USet *set = uset_openEmpty();
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    UChar *u = nfd_u16(utf8, len, &n, &st);
    if (!u) {
        uset_close(set);
        pp_error_set(err, PP_ERR_ICU, NULL, 0, "cannot read exemplar characters: %s",
                     u_errorName(st));
        return NULL;
    }
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U16_NEXT(u, i, n, c);
        if (is_letterish(c))
            uset_add(set, u_foldCase(c, U_FOLD_CASE_DEFAULT));
    }
    free(u);
    return set;
}

/* Does ICU ship locale data for this language (and script, when the tag
 * names one that is not the language's usual script)? Exemplar look-ups
 * otherwise fall back to a parent or the root locale, whose characters
 * describe another orthography. */
static int icu_has_locale(const char *loc)
{
    UErrorCode st = U_ZERO_ERROR;
    char lang[ULOC_LANG_CAPACITY] = "", script[ULOC_SCRIPT_CAPACITY] = "";
    uloc_getLanguage(loc, lang, sizeof lang, &st);
    uloc_getScript(loc, script, sizeof script, &st);
    if (U_FAILURE(st) || !*lang)
        return 0;
    char want[ULOC_FULLNAME_CAPACITY];
    snprintf(want, sizeof want, "%s%s%s", lang, *script ? "_" : "", script);
    int lang_ok = 0, exact = 0;
    int32_t n = uloc_countAvailable();
    for (int32_t i = 0; i < n; i++) {
        const char *a = uloc_getAvailable(i);
        size_t ll = strlen(lang);
        if (strncmp(a, lang, ll) == 0 && (a[ll] == 0 || a[ll] == '_')) {
            lang_ok = 1;
            if (strncmp(a, want, strlen(want)) == 0 &&
                (a[strlen(want)] == 0 || a[strlen(want)] == '_'))
                exact = 1;
        }
    }
    if (!lang_ok)
        return 0;
    if (!*script || exact)
        return 1;
    /* the script of the tag is the language's likely script: same data */
    char max[ULOC_FULLNAME_CAPACITY], mscript[ULOC_SCRIPT_CAPACITY] = "";
    st = U_ZERO_ERROR;
    uloc_addLikelySubtags(lang, max, sizeof max, &st);
    uloc_getScript(max, mscript, sizeof mscript, &st);
    return U_SUCCESS(st) && strcmp(mscript, script) == 0;
}

static const USet *han_set(void)
{
    static USet *han;
    if (!han) {
        UErrorCode st = U_ZERO_ERROR;
        USet *h = uset_openEmpty();
        uset_applyIntPropertyValue(h, UCHAR_SCRIPT, USCRIPT_HAN, &st);
        uset_freeze(h);
        han = h;
    }
    return han;
}

void pp_exemplar_set_widen(USet *set)
{
    if (uset_containsSome(set, han_set()))
        uset_addAll(set, han_set());
}

USet *pp_exemplar_set_from_cldr(const char *tag, pp_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    char loc[ULOC_FULLNAME_CAPACITY] = "";
    int32_t parsed = 0;
    uloc_forLanguageTag(tag, loc, sizeof loc, &parsed, &st);
    if (U_FAILURE(st) || parsed == 0 || !*loc) {
        pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0, "'%s' is not a language tag ICU reads", tag);
        return NULL;
    }
    if (!icu_has_locale(loc)) {
        pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0, "CLDR has no locale data for '%s'", tag);
        return NULL;
    }
    st = U_ZERO_ERROR;
    ULocaleData *ld = ulocdata_open(loc, &st);
    if (U_FAILURE(st)) {
        pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0, "no CLDR data for '%s'", tag);
        return NULL;
    }
    USet *out = uset_openEmpty();
    int found = 0;
    static const ULocaleDataExemplarSetType kinds[] = {ULOCDATA_ES_STANDARD,
                                                       ULOCDATA_ES_AUXILIARY};
    for (size_t k = 0; k < 2; k++) {
        st = U_ZERO_ERROR;
        USet *es = ulocdata_getExemplarSet(ld, NULL, 0, kinds[k], &st);
        /* Falling back to the root locale means CLDR has nothing for this language. */
        if (U_FAILURE(st) || st == U_USING_DEFAULT_WARNING || !es) {
            if (es)
                uset_close(es);
            continue;
        }
        if (k == 0)
            found = 1;
        int32_t items = uset_getItemCount(es);
        for (int32_t i = 0; i < items; i++) {
            UChar32 a, b;
            UChar str[64];
            UErrorCode s2 = U_ZERO_ERROR;
            int32_t sl = uset_getItem(es, i, &a, &b, str, 64, &s2);
            if (U_FAILURE(s2))
                continue;
            if (sl > 0) {
                add_folded(out, str, sl);
            } else {
                for (UChar32 c = a; c <= b; c++) {
                    UChar one[2];
                    int32_t ol = 0;
                    U16_APPEND_UNSAFE(one, ol, c);
                    add_folded(out, one, ol);
                }
            }
        }
        uset_close(es);
    }
    ulocdata_close(ld);
    if (found)
        pp_exemplar_set_widen(out);
    if (!found || uset_isEmpty(out)) {
        uset_close(out);
        pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0, "CLDR has no exemplar characters for '%s'",
                     tag);
        return NULL;
    }
    return out;
}
