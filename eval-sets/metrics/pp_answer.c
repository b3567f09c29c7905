/* pp_answer.c — SQuAD-style answer normalization, exact match and token F1. */
#include "config.h"
#include "eval-sets/metrics/pp_eval.h"
#include "src/pp_text.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

static int is_english(const char *lang)
{
    return lang && lang[0] == 'e' && lang[1] == 'n' && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

pp_status pp_answer_normalize(const char *s, const char *lang, char **out, pp_error *err)
{
    *out = NULL;
    char *nfkc = NULL;
    size_t nlen = 0;
    pp_status st = pp_normalize(s, strlen(s), PP_NFKC, &nfkc, &nlen, err);
    if (st != PP_OK)
        return st;
    UErrorCode ue = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8(NULL, 0, &ulen, nfkc, (int32_t)nlen, &ue);
    ue = U_ZERO_ERROR;
    UChar *u = malloc(((size_t)ulen + 1) * sizeof(UChar));
    int32_t cap = 2 * ulen + 8; /* case folding can lengthen the text */
    UChar *f = malloc((size_t)cap * sizeof(UChar));
    if (!u || !f) {
        free(nfkc), free(u), free(f);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    u_strFromUTF8(u, ulen + 1, NULL, nfkc, (int32_t)nlen, &ue);
    free(nfkc);
    int32_t flen = U_SUCCESS(ue) ? u_strFoldCase(f, cap, u, ulen, U_FOLD_CASE_DEFAULT, &ue) : 0;
    free(u);
    if (U_FAILURE(ue)) {
        free(f);
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "case folding failed: %s", u_errorName(ue));
    }
    /* Back to UTF-8, turning punctuation, symbols and white space into one space. */
    char *buf = malloc((size_t)flen * 4 + 2);
    if (!buf) {
        free(f);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t b = 0;
    for (int32_t i = 0; i < flen;) {
        UChar32 c;
        U16_NEXT(f, i, flen, c);
        int8_t cat = u_charType(c);
        int gap = u_isUWhiteSpace(c) || cat == U_DASH_PUNCTUATION || cat == U_START_PUNCTUATION ||
                  cat == U_END_PUNCTUATION || cat == U_CONNECTOR_PUNCTUATION ||
                  cat == U_OTHER_PUNCTUATION || cat == U_INITIAL_PUNCTUATION ||
                  cat == U_FINAL_PUNCTUATION || cat == U_MATH_SYMBOL ||
                  cat == U_CURRENCY_SYMBOL || cat == U_MODIFIER_SYMBOL || cat == U_OTHER_SYMBOL;
        if (gap) {
            if (b > 0 && buf[b - 1] != ' ')
                buf[b++] = ' ';
        } else {
            UBool bad = 0;
            U8_APPEND((uint8_t *)buf, b, (size_t)flen * 4 + 2, c, bad);
            (void)bad;
        }
    }
    free(f);
    while (b > 0 && buf[b - 1] == ' ')
        b--;
    buf[b] = '\0';
    if (is_english(lang)) {
        /* Drop the words a, an, the. */
        char *o = buf, *p = buf;
        while (*p) {
            char *e = strchr(p, ' ');
            size_t wl = e ? (size_t)(e - p) : strlen(p);
            int art = (wl == 1 && p[0] == 'a') || (wl == 2 && !strncmp(p, "an", 2)) ||
                      (wl == 3 && !strncmp(p, "the", 3));
            if (!art) {
                if (o != buf)
                    *o++ = ' ';
                memmove(o, p, wl);
                o += wl;
            }
            p += wl;
            if (*p == ' ')
                p++;
        }
        *o = '\0';
    }
    *out = buf;
    return PP_OK;
}

typedef struct tok {
    const char *p;
    size_t len;
} tok;

static int cmp_tok(const void *a, const void *b)
{
    const tok *x = a, *y = b;
    size_t m = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->p, y->p, m);
    return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

static size_t split_tokens(const char *s, tok **out)
{
    size_t n = 0, cap = 8;
    tok *t = malloc(cap * sizeof *t);
    const char *p = s;
    while (t && *p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, ' ');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (n == cap) {
            tok *nt = realloc(t, 2 * cap * sizeof *t);
            if (!nt) {
                free(t);
                t = NULL;
                break;
            }
            t = nt;
            cap *= 2;
        }
        t[n].p = p;
        t[n++].len = l;
        p += l;
    }
    *out = t;
    return t ? n : 0;
}

static double f1_of(tok *a, size_t na, tok *b, size_t nb)
{
    if (na == 0 || nb == 0)
        return na == nb ? 1.0 : 0.0;
    if (na > 1)
        qsort(a, na, sizeof *a, cmp_tok);
    if (nb > 1)
        qsort(b, nb, sizeof *b, cmp_tok);
    size_t i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        int c = cmp_tok(&a[i], &b[j]);
        if (c == 0)
            common++, i++, j++;
        else if (c < 0)
            i++;
        else
            j++;
    }
    if (common == 0)
        return 0.0;
    double p = (double)common / na, r = (double)common / nb;
    return 2 * p * r / (p + r);
}

pp_status pp_token_f1(const char *pred, const char *const *refs, size_t nrefs, const char *lang,
                      double *f1, double *em, pp_error *err)
{
    *f1 = *em = 0.0;
    char *np = NULL;
    pp_status s = pp_answer_normalize(pred, lang, &np, err);
    if (s != PP_OK)
        return s;
    tok *pt = NULL;
    size_t npt = split_tokens(np, &pt);
    for (size_t k = 0; k < nrefs && s == PP_OK; k++) {
        char *nr = NULL;
        s = pp_answer_normalize(refs[k], lang, &nr, err);
        if (s != PP_OK)
            break;
        if (strcmp(np, nr) == 0)
            *em = 1.0;
        tok *rt = NULL;
        size_t nrt = split_tokens(nr, &rt);
        double f = f1_of(pt, npt, rt, nrt);
        if (f > *f1)
            *f1 = f;
        free(rt);
        free(nr);
    }
    free(pt);
    free(np);
    return s;
}
