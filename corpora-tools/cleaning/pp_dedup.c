/* pp_dedup.c — normalization, shingling and MinHash/LSH signatures. */
#include "config.h"
#include "corpora-tools/cleaning/pp_dedup.h"
#include "src/pp_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>
#include <xxhash.h>

void pp_dedup_params_default(pp_dedup_params *p)
{
    memset(p, 0, sizeof *p);
    p->shingle = PP_SHINGLE_AUTO;
    p->word_n = 3;
    p->char_n = 3;
    p->bands = 25;
    p->rows = 4;
    p->seed = 1;
    p->threshold = 0.5;
    p->bucket_cap = 256;
}

pp_status pp_dedup_parse_shingle(const char *spec, pp_dedup_params *p, pp_error *err)
{
    if (!spec)
        spec = "";
    if (strcmp(spec, "auto") == 0) {
        p->shingle = PP_SHINGLE_AUTO;
        return PP_OK;
    }
    pp_shingle_kind kind;
    const char *rest;
    if (strncmp(spec, "word:", 5) == 0) {
        kind = PP_SHINGLE_WORD;
        rest = spec + 5;
    } else if (strncmp(spec, "char:", 5) == 0) {
        kind = PP_SHINGLE_CHAR;
        rest = spec + 5;
    } else {
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "unknown shingle '%s' (expected auto, word:N or char:N)", spec);
    }
    char *end;
    long n = strtol(rest, &end, 10);
    if (end == rest || *end || n < 1 || n > 32)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "shingle size in '%s' must be an integer from 1 to 32", spec);
    p->shingle = kind;
    if (kind == PP_SHINGLE_WORD)
        p->word_n = (int)n;
    else
        p->char_n = (int)n;
    return PP_OK;
}

const char *pp_dedup_shingle_name(const pp_dedup_params *p, char *buf, size_t len)
{
    switch (p->shingle) {
    case PP_SHINGLE_WORD: snprintf(buf, len, "word:%d", p->word_n); break;
    case PP_SHINGLE_CHAR: snprintf(buf, len, "char:%d", p->char_n); break;
    default: snprintf(buf, len, "auto(word:%d,char:%d)", p->word_n, p->char_n); break;
    }
    return buf;
}

pp_status pp_dedup_params_check(const pp_dedup_params *p, pp_error *err)
{
    if (p->bands < 1 || p->rows < 1 || (long)p->bands * p->rows > PP_DEDUP_MAX_PERM)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "bands (%d) x rows (%d) must be between 1 and %d permutations",
                            p->bands, p->rows, PP_DEDUP_MAX_PERM);
    if (!(p->threshold >= 0.0 && p->threshold <= 1.0))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "threshold must be in [0, 1]");
    if (p->word_n < 1 || p->word_n > 32 || p->char_n < 1 || p->char_n > 32)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "shingle size must be in [1, 32]");
    if (p->bucket_cap < 1)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "bucket cap must be positive");
    return PP_OK;
}

int pp_dedup_params_compatible(const pp_dedup_params *a, const pp_dedup_params *b)
{
    if (a->bands != b->bands || a->rows != b->rows || a->seed != b->seed || a->shingle != b->shingle)
        return 0;
    if (a->shingle != PP_SHINGLE_CHAR && a->word_n != b->word_n)
        return 0;
    if (a->shingle != PP_SHINGLE_WORD && a->char_n != b->char_n)
        return 0;
    return 1;
}

double pp_dedup_lsh_threshold(int bands, int rows)
{
    return pow(1.0 / bands, 1.0 / rows);
}

double pp_dedup_lsh_probability(double s, int bands, int rows)
{
    return 1.0 - pow(1.0 - pow(s, rows), bands);
}

pp_status pp_dedup_normalize(const char *s, size_t len, char **out, size_t *outlen, pp_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st))
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "NFKC_Casefold unavailable: %s",
                            u_errorName(st));
    if (len > (size_t)INT32_MAX / 4)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "text too long (%zu bytes)", len);
    int32_t ulen = 0;
    u_strFromUTF8WithSub(NULL, 0, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return pp_error_set(err, PP_ERR_ENCODING, NULL, 0, "cannot convert text: %s",
                            u_errorName(st));
    st = U_ZERO_ERROR;
    UChar *u = malloc(sizeof(UChar) * ((size_t)ulen + 1));
    if (!u)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    u_strFromUTF8WithSub(u, ulen + 1, NULL, s, (int32_t)len, 0xFFFD, NULL, &st);
    int32_t cap = ulen * 3 + 16, nlen = 0;
    UChar *n = malloc(sizeof(UChar) * (size_t)cap);
    if (!n) {
        free(u);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    nlen = unorm2_normalize(nf, u, ulen, n, cap, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        st = U_ZERO_ERROR;
        free(n);
        cap = nlen + 1;
        n = malloc(sizeof(UChar) * (size_t)cap);
        if (!n) {
            free(u);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        nlen = unorm2_normalize(nf, u, ulen, n, cap, &st);
    }
    free(u);
    if (U_FAILURE(st)) {
        free(n);
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "normalization failed: %s", u_errorName(st));
    }
    int32_t blen = 0;
    u_strToUTF8(NULL, 0, &blen, n, nlen, &st);
    st = U_ZERO_ERROR;
    char *b = malloc((size_t)blen + 1);
    if (!b) {
        free(n);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    u_strToUTF8(b, blen + 1, NULL, n, nlen, &st);
    free(n);
    if (U_FAILURE(st)) {
        free(b);
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "UTF-8 conversion failed: %s",
                            u_errorName(st));
    }
    b[blen] = '\0';
    size_t k = pp_collapse_space(b, (size_t)blen);
    b[k] = '\0';
    *out = b;
    if (outlen)
        *outlen = k;
    return PP_OK;
}

double pp_dedup_jaccard(const uint32_t *a, const uint32_t *b, int k)
{
    int eq = 0;
    for (int i = 0; i < k; i++)
        eq += a[i] == b[i];
    return k > 0 ? (double)eq / k : 0.0;
}

/* Scripts written without spaces between words. */
static int spaceless_script(const char code[5])
{
    static const char *const list[] = {"Thai", "Laoo", "Khmr", "Mymr", "Tibt", "Hani", "Hira",
                                       "Kana", "Jpan", "Bali", "Java"};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        if (memcmp(code, list[i], 4) == 0)
            return 1;
    return 0;
}

static int unit_char(UChar32 c)
{
    return u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK);
}

typedef struct {
    uint64_t *v;
    size_t n, cap;
} u64vec;

static int vec_push(u64vec *v, uint64_t x)
{
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 256;
        uint64_t *p = realloc(v->v, nc * sizeof *p);
        if (!p)
            return 0;
        v->v = p;
        v->cap = nc;
    }
    v->v[v->n++] = x;
    return 1;
}

/* Shingle hashes of the normalized text into `sh`. Word shingles hash a
 * window of token hashes; char shingles hash a window of code points. */
static int shingles(const char *t, size_t len, int use_char, int n, u64vec *sh)
{
    u64vec units = {0};
    int32_t i = 0, L = (int32_t)len;
    if (use_char) {
        while (i < L) {
            UChar32 c;
            U8_NEXT(t, i, L, c);
            if (c >= 0 && unit_char(c) && !vec_push(&units, (uint64_t)(uint32_t)c))
                goto oom;
        }
    } else {
        int32_t start = -1;
        while (i <= L) {
            int32_t at = i;
            UChar32 c = -1;
            if (i < L)
                U8_NEXT(t, i, L, c);
            else
                i++;
            int in = c >= 0 && unit_char(c);
            if (in && start < 0)
                start = at;
            if (!in && start >= 0) {
                if (!vec_push(&units, XXH3_64bits(t + start, (size_t)(at - start))))
                    goto oom;
                start = -1;
            }
        }
    }
    if (units.n > 0) {
        size_t w = units.n < (size_t)n ? units.n : (size_t)n;
        for (size_t k = 0; k + w <= units.n; k++)
            if (!vec_push(sh, XXH3_64bits(units.v + k, w * sizeof(uint64_t))))
                goto oom;
    }
    free(units.v);
    return 1;
oom:
    free(units.v);
    return 0;
}

static void perm_seeds(uint64_t seed, int k, uint64_t *out)
{
    for (int i = 0; i < k; i++) {
        uint64_t x = (uint64_t)i;
        out[i] = XXH3_64bits_withSeed(&x, sizeof x, seed);
    }
}

pp_status pp_dedup_signature(const pp_dedup_params *p, const char *text, size_t len,
                             uint8_t exact[16], uint32_t *minhash, uint64_t *bands,
                             size_t *nshingles, pp_error *err)
{
    return pp_dedup_signature_skip(p, text, len, NULL, NULL, exact, minhash, bands, nshingles,
                                   err);
}

pp_status pp_dedup_signature_skip(const pp_dedup_params *p, const char *text, size_t len,
                                  int (*skip)(void *ud, const uint8_t exact[16]), void *ud,
                                  uint8_t exact[16], uint32_t *minhash, uint64_t *bands,
                                  size_t *nshingles, pp_error *err)
{
    char *norm = NULL;
    size_t nlen = 0;
    pp_status st = pp_dedup_normalize(text, len, &norm, &nlen, err);
    if (st != PP_OK)
        return st;
    XXH128_hash_t h = XXH3_128bits(norm, nlen);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, h);
    memcpy(exact, c.digest, 16);
    if (skip && skip(ud, exact)) {
        free(norm);
        *nshingles = 0;
        return PP_OK;
    }

    int use_char = p->shingle == PP_SHINGLE_CHAR;
    if (p->shingle == PP_SHINGLE_AUTO) {
        char code[5];
        pp_script_of(text, len, code, NULL);
        use_char = spaceless_script(code);
    }
    u64vec sh = {0};
    if (!shingles(norm, nlen, use_char, use_char ? p->char_n : p->word_n, &sh)) {
        free(norm);
        free(sh.v);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    free(norm);
    int k = p->bands * p->rows;
    uint64_t seeds[PP_DEDUP_MAX_PERM];
    perm_seeds(p->seed, k, seeds);
    for (int i = 0; i < k; i++)
        minhash[i] = UINT32_MAX;
    for (size_t s = 0; s < sh.n; s++) {
        uint64_t x = sh.v[s];
        for (int i = 0; i < k; i++) {
            uint32_t v = (uint32_t)XXH3_64bits_withSeed(&x, sizeof x, seeds[i]);
            if (v < minhash[i])
                minhash[i] = v;
        }
    }
    for (int b = 0; b < p->bands; b++) {
        uint64_t bh = XXH3_64bits_withSeed(minhash + (size_t)b * p->rows,
                                           sizeof(uint32_t) * (size_t)p->rows,
                                           p->seed + 0x9E3779B97F4A7C15ULL * (uint64_t)(b + 1));
        bands[b] = bh ? bh : 1; /* 0 marks an empty slot in the index */
    }
    *nshingles = sh.n;
    free(sh.v);
    return PP_OK;
}
