/* pp_prefs_variants.c — preference sets from two written variants of one
 * language in the bundled UDHR (spelling reforms, tone marking, scripts,
 * regional standards): groups with opposite, known conventions on the same
 * paragraphs, a majority and a minority (docs/prefs.md). */
#include "config.h"

#include "corpora-tools/community/pp_prefs.h"
#include "src/pp_record.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: a small, portable, seeded generator (same sequence everywhere) */
static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b, b = t;
    }
    return a;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The language's name without the variant: "Romanian (1953)" -> "Romanian". */
static void language_name(const char *a, char *out, size_t cap)
{
    snprintf(out, cap, "%s", a ? a : "");
    char *p = strstr(out, " (");
    if (p)
        *p = '\0';
}

typedef struct para {
    long article, paragraph;
    const char *split;
    const char *text[2];
} para;

static int para_cmp(const void *pa, const void *pb)
{
    const para *a = pa, *b = pb;
    if (a->article != b->article)
        return a->article < b->article ? -1 : 1;
    return (a->paragraph > b->paragraph) - (a->paragraph < b->paragraph);
}

/* copy > 0 numbers the repeated records of the annotators design */
static json_t *record(const para *p, int chosen, const char *const code[2], const char *lang,
                      const char *name, double p_chosen, const char *split, const char *majority,
                      int copy)
{
    char src[64], id[256], group[160], prompt[512];
    snprintf(src, sizeof src, "udhr-a%ld-p%ld", p->article, p->paragraph);
    snprintf(group, sizeof group, "%s-convention", code[chosen]);
    if (copy > 0)
        snprintf(id, sizeof id, "%s/%s/%d", src, group, copy);
    else
        snprintf(id, sizeof id, "%s/%s", src, group);
    if (p->article == 0)
        snprintf(prompt, sizeof prompt,
                 "Write paragraph %ld of the preamble of the Universal Declaration of Human "
                 "Rights in %s.",
                 p->paragraph, name);
    else
        snprintf(prompt, sizeof prompt,
                 "Write article %ld, paragraph %ld of the Universal Declaration of Human Rights "
                 "in %s.",
                 p->article, p->paragraph, name);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:f,s:s,s:s,s:I,s:I,s:{s:s,s:s},s:s}", "id", id,
                     "prompt", prompt, "chosen", p->text[chosen], "rejected", p->text[!chosen],
                     "group", group, "lang", lang, "p_chosen", p_chosen, "split", split,
                     "source_id", src, "article", (json_int_t)p->article, "paragraph",
                     (json_int_t)p->paragraph, "variants", "chosen", code[chosen], "rejected",
                     code[!chosen], "majority_group", majority);
}

pp_status pp_prefs_variants(const pp_prefs_variants_opts *o, pp_prefs_emit_fn emit_train,
                            pp_prefs_emit_fn emit_eval, void *ud,
                            pp_prefs_variants_counts *counts, pp_error *err)
{
    memset(counts, 0, sizeof *counts);
    const char *code[2] = {o->code_a, o->code_b};
    if (!code[0] || !code[1] || strcmp(code[0], code[1]) == 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "two different declaration codes needed");
    if (o->split_by != PP_PREFS_SPLIT_PAIRS && o->split_by != PP_PREFS_SPLIT_ANNOTATORS)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "unknown split design %d",
                            (int)o->split_by);
    if (!(o->majority >= 0.5 && o->majority < 1.0))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "the majority share must be in [0.5, 1) (the minority needs pairs)");
    if (o->split_by == PP_PREFS_SPLIT_ANNOTATORS && o->majority >= 0.995)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "the majority share must be below 0.995 when split by annotators "
                            "(the minority's share is counted in hundredths)");
    pp_reader *r = NULL;
    pp_status st = pp_reader_open(o->udhr, &r, err);
    if (st != PP_OK)
        return st;
    json_t *keep = json_array(); /* the records of the two declarations */
    json_t *info[2] = {NULL, NULL};
    for (;;) {
        json_t *rec = NULL;
        st = pp_reader_next(r, &rec, err);
        if (st != PP_OK || !rec)
            break;
        const char *c = json_string_value(pp_record_get(rec, "meta.udhr_code"));
        for (int k = 0; k < 2; k++) {
            if (c && strcmp(c, code[k]) == 0) {
                json_array_append(keep, rec);
                if (!info[k])
                    info[k] = json_incref(rec);
            }
        }
        json_decref(rec);
    }
    pp_reader_close(r);
    for (int k = 0; k < 2 && st == PP_OK; k++)
        if (!info[k])
            st = pp_error_set(err, PP_ERR_NOT_FOUND, o->udhr, 0,
                              "no declaration with code \"%s\" (the `code` of "
                              "eval-sets/udhr/declarations.jsonl)",
                              code[k]);
    const char *iso[2] = {NULL, NULL}, *lang[2] = {NULL, NULL};
    for (int k = 0; k < 2 && st == PP_OK; k++) {
        iso[k] = json_string_value(pp_record_get(info[k], "meta.iso639_3"));
        lang[k] = json_string_value(json_object_get(info[k], "lang"));
    }
    if (st == PP_OK && (!iso[0] || !iso[1] || strcmp(iso[0], iso[1]) != 0))
        st = pp_error_set(err, PP_ERR_INVALID, o->udhr, 0,
                          "%s (%s) and %s (%s) are not variants of one language", code[0],
                          iso[0] ? iso[0] : "?", code[1], iso[1] ? iso[1] : "?");
    /* paragraphs present in both, by (article, paragraph) */
    size_t n = 0, cap = json_array_size(keep) + 1;
    para *ps = st == PP_OK ? calloc(cap, sizeof *ps) : NULL;
    if (st == PP_OK && !ps)
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    size_t i;
    json_t *rec;
    json_array_foreach(keep, i, rec) {
        if (st != PP_OK)
            break;
        int k = strcmp(json_string_value(pp_record_get(rec, "meta.udhr_code")), code[0]) == 0 ? 0 : 1;
        long a = (long)json_integer_value(pp_record_get(rec, "meta.article"));
        long pg = (long)json_integer_value(pp_record_get(rec, "meta.paragraph"));
        const char *text = json_string_value(json_object_get(rec, "text"));
        const char *split = json_string_value(pp_record_get(rec, "meta.split"));
        if (!text || !split)
            continue;
        size_t at = 0;
        while (at < n && !(ps[at].article == a && ps[at].paragraph == pg))
            at++;
        if (at == n) {
            ps[n].article = a, ps[n].paragraph = pg, ps[n].split = split;
            n++;
        }
        ps[at].text[k] = text;
    }
    if (st == PP_OK)
        qsort(ps, n, sizeof *ps, para_cmp);
    /* usable pairs: both texts, different, within max_chars */
    size_t *train = st == PP_OK ? calloc(n + 1, sizeof *train) : NULL;
    size_t ntrain = 0;
    for (size_t p = 0; st == PP_OK && p < n; p++) {
        if (!ps[p].text[0] || !ps[p].text[1]) {
            ps[p].split = NULL;
            continue;
        }
        if (strcmp(ps[p].text[0], ps[p].text[1]) == 0) {
            counts->identical++;
            ps[p].split = NULL;
            continue;
        }
        if (o->max_chars > 0 && (utf8_chars(ps[p].text[0]) > (size_t)o->max_chars ||
                                 utf8_chars(ps[p].text[1]) > (size_t)o->max_chars)) {
            counts->too_long++;
            ps[p].split = NULL;
            continue;
        }
        if (strcmp(ps[p].split, "train") == 0)
            train[ntrain++] = p;
    }
    /* round(majority * N) of the training paragraphs to A, drawn with the seed */
    size_t na = (size_t)floor(o->majority * (double)ntrain + 0.5);
    if (st == PP_OK && (ntrain < 2 || (na >= ntrain && o->split_by == PP_PREFS_SPLIT_PAIRS)))
        st = pp_error_set(err, PP_ERR_INVALID, o->udhr, 0,
                          "%zu training %s between %s and %s: too few for a "
                          "minority share of %.2f",
                          ntrain, ntrain == 1 ? "paragraph differs" : "paragraphs differ",
                          code[0], code[1], 1.0 - o->majority);
    int *to_a = st == PP_OK ? calloc(n + 1, sizeof *to_a) : NULL;
    if (st == PP_OK) {
        uint64_t rng = o->seed ^ 0x5851F42D4C957F2DULL;
        for (size_t k = ntrain; k > 1; k--) { /* Fisher-Yates */
            size_t j = (size_t)(mix(&rng) % k);
            size_t t = train[k - 1];
            train[k - 1] = train[j];
            train[j] = t;
        }
        for (size_t k = 0; k < na; k++)
            to_a[train[k]] = 1;
    }
    char name[256], lg[64], majority[160];
    if (st == PP_OK) {
        language_name(json_string_value(pp_record_get(info[0], "meta.name")), name, sizeof name);
        /* the language tag both share: the primary subtag when they differ */
        snprintf(lg, sizeof lg, "%s", lang[0] ? lang[0] : iso[0]);
        if (lang[1] && strcmp(lg, lang[1]) != 0) {
            char *dash = strchr(lg, '-');
            if (dash)
                *dash = '\0';
        }
        snprintf(majority, sizeof majority, "%s-convention", code[0]);
    }
    /* annotators design: the majority share in hundredths, reduced */
    int copies[2] = {1, 1};
    if (o->split_by == PP_PREFS_SPLIT_ANNOTATORS) {
        copies[0] = (int)floor(o->majority * 100.0 + 0.5);
        copies[1] = 100 - copies[0];
        int g = gcd(copies[0], copies[1]);
        copies[0] /= g, copies[1] /= g;
        counts->copies_a = (size_t)copies[0], counts->copies_b = (size_t)copies[1];
    }
    counts->train_paragraphs = ntrain;
    for (size_t p = 0; st == PP_OK && p < n; p++) {
        if (!ps[p].split)
            continue;
        if (strcmp(ps[p].split, "train") == 0 && o->split_by == PP_PREFS_SPLIT_ANNOTATORS) {
            for (int k = 0; k < 2; k++)
                for (int c = 1; c <= copies[k] && st == PP_OK; c++) {
                    json_t *x = record(&ps[p], k, code, lg, name,
                                       k == 0 ? o->majority : 1.0 - o->majority, "train",
                                       majority, c);
                    st = emit_train(x, ud, err);
                    json_decref(x);
                    if (k == 0)
                        counts->train_a++;
                    else
                        counts->train_b++;
                }
        } else if (strcmp(ps[p].split, "train") == 0) {
            int k = to_a[p] ? 0 : 1;
            json_t *x = record(&ps[p], k, code, lg, name, k == 0 ? o->majority : 1.0 - o->majority,
                               "train", majority, 0);
            st = emit_train(x, ud, err);
            json_decref(x);
            if (k == 0)
                counts->train_a++;
            else
                counts->train_b++;
        } else {
            for (int k = 0; k < 2 && st == PP_OK; k++) {
                json_t *x = record(&ps[p], k, code, lg, name,
                                   k == 0 ? o->majority : 1.0 - o->majority, "eval", majority,
                                   0);
                st = emit_eval(x, ud, err);
                json_decref(x);
            }
            counts->eval_pairs++;
        }
    }
    free(to_a);
    free(train);
    free(ps);
    json_decref(keep);
    json_decref(info[0]);
    json_decref(info[1]);
    return st;
}
