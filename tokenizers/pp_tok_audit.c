/* pp_tok_audit.c — per-language tokenizer statistics (see pp_tok_audit.h). */
#include "config.h"

#include "src/pp_text.h"
#include "tokenizers/pp_tok_audit.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define LOST_MAX 32 /* distinct lost characters kept per language */

typedef struct lang_acc {
    pp_tok_lang_stats s;
    char *name;
    int32_t *ids;      /* every token id, for the unigram distribution */
    size_t nids, capids;
    json_t *keys;      /* alignment key → tokens */
    char lost[LOST_MAX * 4 + 1];
    size_t nlost;
} lang_acc;

struct pp_tok_audit {
    pp_tokenizer *t;
    lang_acc *langs;
    size_t n, cap;
};

pp_status pp_tok_audit_new(pp_tokenizer *t, pp_tok_audit **out, pp_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    (*out)->t = t;
    return PP_OK;
}

void pp_tok_audit_free(pp_tok_audit *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->langs[i].name);
        free(a->langs[i].ids);
        json_decref(a->langs[i].keys);
    }
    free(a->langs);
    free(a);
}

static lang_acc *find_lang(pp_tok_audit *a, const char *lang)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->langs[i].name, lang) == 0)
            return &a->langs[i];
    if (a->n == a->cap) {
        size_t c = a->cap ? a->cap * 2 : 16;
        lang_acc *v = realloc(a->langs, c * sizeof *v);
        if (!v)
            return NULL;
        a->langs = v;
        a->cap = c;
    }
    lang_acc *l = &a->langs[a->n];
    memset(l, 0, sizeof *l);
    l->name = strdup(lang);
    l->keys = json_object();
    if (!l->name || !l->keys) {
        free(l->name);
        json_decref(l->keys);
        return NULL;
    }
    a->n++;
    return l;
}

char *pp_tok_align_key(const char *id)
{
    if (!id)
        return NULL;
    /* find the last "-a<digits>-p<digits>" at the end */
    size_t n = strlen(id);
    for (size_t i = n; i-- > 0;) {
        if (id[i] != '-' || i + 2 >= n || id[i + 1] != 'a')
            continue;
        size_t j = i + 2, d = 0;
        while (j < n && id[j] >= '0' && id[j] <= '9')
            j++, d++;
        if (!d || j + 2 >= n || id[j] != '-' || id[j + 1] != 'p')
            continue;
        size_t k = j + 2, e = 0;
        while (k < n && id[k] >= '0' && id[k] <= '9')
            k++, e++;
        if (e && k == n)
            return strdup(id + i + 1);
    }
    return strdup(id);
}

static int no_space_script(const char *code)
{
    static const char *s[] = {"Thai", "Laoo", "Khmr", "Mymr", "Hani", "Hira", "Kana", "Jpan"};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (strcmp(code, s[i]) == 0)
            return 1;
    return 0;
}

/* Words of `s` as byte spans (pairs); whitespace-separated or ICU words. */
static pp_status words_of(const char *s, size_t len, size_t **out, size_t *n, pp_error *err)
{
    *out = NULL;
    *n = 0;
    char script[5];
    pp_script_of(s, len, script, NULL);
    size_t cap = 0, cnt = 0, *v = NULL;
    if (no_space_script(script)) {
        pp_span *spans = NULL;
        size_t ns = 0;
        pp_status st = pp_segment(s, len, NULL, PP_SEG_WORD, &spans, &ns, err);
        if (st != PP_OK)
            return st;
        v = malloc(sizeof(size_t) * 2 * (ns ? ns : 1));
        if (!v) {
            free(spans);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        for (size_t i = 0; i < ns; i++)
            if (spans[i].wordlike) {
                v[2 * cnt] = spans[i].start;
                v[2 * cnt + 1] = spans[i].end;
                cnt++;
            }
        free(spans);
        *out = v;
        *n = cnt;
        return PP_OK;
    }
    size_t start = 0;
    int in = 0;
    for (int32_t i = 0; i <= (int32_t)len;) {
        int32_t at = i;
        UChar32 c = ' ';
        if (i < (int32_t)len)
            U8_NEXT(s, i, (int32_t)len, c);
        else
            i++;
        /* white space, and the Ethiopic word space U+1361 */
        /* (U+2581 is a normalized space for Metaspace/SentencePiece-style hf models) */
        int ws = c < 0 ? 0 : (u_isUWhiteSpace(c) || c == 0x1361 || c == 0x2581);
        if (!ws && !in) {
            in = 1;
            start = (size_t)at;
        } else if (ws && in) {
            in = 0;
            if (cnt == cap) {
                cap = cap ? cap * 2 : 32;
                size_t *nv = realloc(v, sizeof(size_t) * 2 * cap);
                if (!nv) {
                    free(v);
                    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                }
                v = nv;
            }
            v[2 * cnt] = start;
            v[2 * cnt + 1] = (size_t)at;
            cnt++;
        }
    }
    *out = v;
    *n = cnt;
    return PP_OK;
}

static int cmp_cp(const void *a, const void *b)
{
    UChar32 x = *(const UChar32 *)a, y = *(const UChar32 *)b;
    return (x > y) - (x < y);
}

/* Record the code points of `want` that `got` lacks (sorted set lookups, so
 * a long line costs O(n log n)). */
static void note_lost(lang_acc *l, const char *want, size_t wl, const char *got, size_t gl)
{
    UChar32 *have = malloc(sizeof(UChar32) * (gl + 1));
    if (!have)
        return;
    size_t nh = 0;
    for (int32_t i = 0; i < (int32_t)gl;) {
        UChar32 c;
        U8_NEXT(got, i, (int32_t)gl, c);
        have[nh++] = c;
    }
    if (nh > 1)
        qsort(have, nh, sizeof *have, cmp_cp);
    for (int32_t i = 0; i < (int32_t)wl && l->nlost < LOST_MAX;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(want, i, (int32_t)wl, c);
        size_t cl = (size_t)(i - at);
        if (c < 0 || bsearch(&c, have, nh, sizeof *have, cmp_cp))
            continue;
        size_t len = strlen(l->lost);
        int dup = 0;
        for (size_t k = 0; k + cl <= len && !dup; k++)
            dup = memcmp(l->lost + k, want + at, cl) == 0;
        if (!dup && len + cl < sizeof l->lost) {
            memcpy(l->lost + len, want + at, cl);
            l->lost[len + cl] = '\0';
            l->nlost++;
        }
    }
    free(have);
}

pp_status pp_tok_audit_add(pp_tok_audit *a, const char *lang, const char *key, const char *text,
                           size_t len, pp_error *err)
{
    lang_acc *l = find_lang(a, lang);
    if (!l)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    pp_encoding e;
    pp_status st = pp_tokenizer_encode(a->t, text, len, &e, err);
    if (st != PP_OK)
        return st;
    size_t *words = NULL, nw = 0;
    char *dec = NULL, *norm = NULL;
    size_t dl = 0, nl = 0;
    if ((st = words_of(e.text, e.text_len, &words, &nw, err)) != PP_OK)
        goto out;
    l->s.lines++;
    l->s.tokens += (long)e.n;
    l->s.words += (long)nw;
    l->s.chars += (long)pp_utf8_length(text, len);
    l->s.bytes += (long)len;
    if (l->nids + e.n > l->capids) {
        size_t c = l->capids ? l->capids : 256;
        while (c < l->nids + e.n)
            c *= 2;
        int32_t *v = realloc(l->ids, c * sizeof *v);
        if (!v) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto out;
        }
        l->ids = v;
        l->capids = c;
    }
    for (size_t i = 0; i < e.n; i++) {
        l->ids[l->nids++] = e.ids[i];
        l->s.unk += pp_tokenizer_is_unknown(a->t, e.ids[i]) != 0;
        l->s.byte_tokens += pp_tokenizer_is_byte(a->t, e.ids[i]) != 0;
    }
    /* continued words: words overlapped by two or more (non-empty) tokens */
    size_t k = 0;
    for (size_t w = 0; w < nw; w++) {
        size_t ws = words[2 * w], we = words[2 * w + 1];
        while (k < e.n && e.end[k] <= ws)
            k++;
        int cover = 0;
        for (size_t j = k; j < e.n && e.start[j] < we; j++)
            if (e.end[j] > e.start[j] && e.end[j] > ws)
                cover++;
        l->s.continued += cover >= 2;
    }
    if (key && !json_object_get(l->keys, key))
        json_object_set_new(l->keys, key, json_integer((json_int_t)e.n));
    /* round trip */
    if ((st = pp_tokenizer_decode(a->t, e.ids, e.n, &dec, &dl, err)) != PP_OK ||
        (st = pp_tokenizer_normalize(a->t, text, len, &norm, &nl, err)) != PP_OK)
        goto out;
    if (dl == nl && memcmp(dec, norm, dl) == 0)
        l->s.lossless++;
    else
        note_lost(l, norm, nl, dec, dl);
out:
    free(words);
    free(dec);
    free(norm);
    pp_encoding_clear(&e);
    return st;
}

static int cmp_i32(const void *x, const void *y)
{
    int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
    return (a > b) - (a < b);
}

static int cmp_lang(const void *x, const void *y)
{
    return strcmp(((const lang_acc *)x)->name, ((const lang_acc *)y)->name);
}

double pp_renyi_efficiency(const long *counts, size_t n, double alpha, size_t v)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += (double)counts[i];
    if (total <= 0 || v < 2)
        return NAN;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (counts[i] > 0)
            sum += pow((double)counts[i] / total, alpha);
    double h = alpha == 1.0 ? NAN : log(sum) / (1.0 - alpha);
    if (alpha == 1.0) {
        h = 0;
        for (size_t i = 0; i < n; i++)
            if (counts[i] > 0) {
                double p = (double)counts[i] / total;
                h -= p * log(p);
            }
    }
    return h / log((double)v);
}

static double ratio(long a, long b) { return b > 0 ? (double)a / (double)b : NAN; }

pp_status pp_tok_audit_finish(pp_tok_audit *a, const char *reference, pp_error *err)
{
    if (a->n > 1)
        qsort(a->langs, a->n, sizeof *a->langs, cmp_lang);
    lang_acc *ref = NULL;
    for (size_t i = 0; i < a->n; i++)
        if (reference && strcmp(a->langs[i].name, reference) == 0)
            ref = &a->langs[i];
    if (reference && !ref && a->n)
        return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                            "reference language '%s' is not in the input", reference);
    size_t v = pp_tokenizer_vocab_size(a->t);
    for (size_t i = 0; i < a->n; i++) {
        lang_acc *l = &a->langs[i];
        pp_tok_lang_stats *s = &l->s;
        s->lang = l->name;
        s->lost = l->lost;
        s->fertility = ratio(s->tokens, s->words);
        s->chars_per_token = ratio(s->chars, s->tokens);
        s->bytes_per_token = ratio(s->bytes, s->tokens);
        s->continued_words = ratio(s->continued, s->words);
        s->unk_rate = ratio(s->unk, s->tokens);
        s->byte_fallback_rate = ratio(s->byte_tokens, s->tokens);
        s->roundtrip_lossless = ratio(s->lossless, s->lines);
        /* unigram distribution: sort the ids and count runs */
        if (l->nids > 1)
            qsort(l->ids, l->nids, sizeof *l->ids, cmp_i32);
        long *counts = malloc(sizeof(long) * (l->nids ? l->nids : 1));
        if (!counts)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        size_t nc = 0;
        for (size_t j = 0; j < l->nids;) {
            size_t k = j;
            while (k < l->nids && l->ids[k] == l->ids[j])
                k++;
            counts[nc++] = (long)(k - j);
            j = k;
        }
        s->renyi_efficiency = pp_renyi_efficiency(counts, nc, 2.5, v);
        free(counts);
        /* premium over the keys both have */
        s->premium = NAN;
        if (ref) {
            const char *key;
            json_t *val;
            long mine = 0, theirs = 0, n = 0;
            json_object_foreach(l->keys, key, val)
            {
                json_t *r = json_object_get(ref->keys, key);
                if (!r)
                    continue;
                mine += (long)json_integer_value(val);
                theirs += (long)json_integer_value(r);
                n++;
            }
            s->aligned = n;
            s->aligned_tokens = mine;
            s->reference_tokens = theirs;
            s->premium = ratio(mine, theirs);
        }
    }
    return PP_OK;
}

size_t pp_tok_audit_count(const pp_tok_audit *a) { return a->n; }

const pp_tok_lang_stats *pp_tok_audit_get(const pp_tok_audit *a, size_t i)
{
    return i < a->n ? &a->langs[i].s : NULL;
}
