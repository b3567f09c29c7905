/* pp_lid_eval.c — per-language precision, recall, F1 and false-positive
 * rate of a language identifier, macro averages and confused pairs. */
#include "config.h"
#include "langs/pp_lid.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct pp_lid_eval {
    json_t *gold;       /* lang -> [gold, tp, fp, abstained] counts (gold classes and predicted) */
    json_t *confusions; /* "gold\tpred" -> n */
    json_t *only;       /* NULL or set of allowed gold classes */
    long items, correct;
    long gold_und, abstained, right_abstained; /* abstentions, and those on gold "und" */
    /* sorted class names, rebuilt lazily */
    const char **sorted;
    size_t nsorted;
    int dirty;
};

pp_lid_eval *pp_lid_eval_new(void)
{
    pp_lid_eval *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->gold = json_object();
    e->confusions = json_object();
    if (!e->gold || !e->confusions) {
        pp_lid_eval_free(e);
        return NULL;
    }
    return e;
}

void pp_lid_eval_free(pp_lid_eval *e)
{
    if (!e)
        return;
    json_decref(e->gold);
    json_decref(e->confusions);
    json_decref(e->only);
    free(e->sorted);
    free(e);
}

pp_status pp_lid_eval_restrict(pp_lid_eval *e, const char *langs, pp_error *err)
{
    json_decref(e->only);
    e->only = json_object();
    if (!e->only)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    char buf[64];
    for (const char *p = langs; p && *p;) {
        while (*p == ',' || *p == ' ' || *p == '\n' || *p == '\t')
            p++;
        const char *q = p;
        while (*q && *q != ',' && *q != ' ' && *q != '\n' && *q != '\t')
            q++;
        if (q > p) {
            if ((size_t)(q - p) >= sizeof buf)
                return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "language code too long");
            memcpy(buf, p, (size_t)(q - p));
            buf[q - p] = '\0';
            json_object_set_new(e->only, buf, json_true());
        }
        p = q;
    }
    return PP_OK;
}

/* counts: [gold, tp, fp, abstained] */
static json_t *cls(pp_lid_eval *e, const char *lang)
{
    json_t *c = json_object_get(e->gold, lang);
    if (!c) {
        c = json_pack("[iiii]", 0, 0, 0, 0);
        json_object_set_new(e->gold, lang, c);
        e->dirty = 1;
    }
    return c;
}

static void inc(json_t *arr, size_t i)
{
    json_t *v = json_array_get(arr, i);
    json_integer_set(v, json_integer_value(v) + 1);
}

static int abstains(const char *pred)
{
    return !pred || !*pred || strncmp(pred, "und", 3) == 0;
}

void pp_lid_eval_add(pp_lid_eval *e, const char *gold, const char *pred)
{
    if (!gold || !*gold)
        return;
    int und = abstains(gold);
    if (!und && e->only && !json_object_get(e->only, gold))
        return;
    e->items++;
    if (abstains(pred))
        e->abstained++;
    if (und) { /* the identifier should abstain: not a class of its own */
        e->gold_und++;
        if (abstains(pred)) {
            e->right_abstained++;
            e->correct++;
            return;
        }
        inc(cls(e, pred), 2);
        char key[160];
        snprintf(key, sizeof key, "und\t%s", pred);
        json_t *c = json_object_get(e->confusions, key);
        if (c)
            inc(c, 2);
        else
            json_object_set_new(e->confusions, key, json_pack("[ssi]", "und", pred, 1));
        return;
    }
    json_t *g = cls(e, gold);
    inc(g, 0);
    if (abstains(pred)) {
        inc(g, 3);
        return;
    }
    if (strcmp(gold, pred) == 0) {
        inc(g, 1);
        e->correct++;
        return;
    }
    /* A false positive for pred; counted only for classes scored (gold
     * classes), but tracked for every predicted code. */
    inc(cls(e, pred), 2);
    char key[160];
    snprintf(key, sizeof key, "%s\t%s", gold, pred);
    json_t *c = json_object_get(e->confusions, key);
    if (c)
        inc(c, 2);
    else
        json_object_set_new(e->confusions, key, json_pack("[ssi]", gold, pred, 1));
}

long pp_lid_eval_items(const pp_lid_eval *e)
{
    return e->items;
}

void pp_lid_eval_abstention(const pp_lid_eval *e, pp_lid_abstention_stats *o)
{
    o->items = e->items;
    o->abstained = e->abstained;
    o->gold_und = e->gold_und;
    o->correct = e->right_abstained;
    o->rate = e->items ? (double)e->abstained / (double)e->items : 0.0;
    o->precision = e->abstained ? (double)e->right_abstained / (double)e->abstained : 0.0;
    o->recall = e->gold_und ? (double)e->right_abstained / (double)e->gold_und : 0.0;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Gold classes (those with gold > 0), sorted. */
static void rebuild(pp_lid_eval *e)
{
    if (!e->dirty && e->sorted)
        return;
    free(e->sorted);
    e->sorted = malloc((json_object_size(e->gold) + 1) * sizeof *e->sorted);
    e->nsorted = 0;
    if (!e->sorted)
        return;
    const char *k;
    json_t *v;
    json_object_foreach(e->gold, k, v) {
        if (json_integer_value(json_array_get(v, 0)) > 0)
            e->sorted[e->nsorted++] = k;
    }
    if (e->nsorted > 1)
        qsort(e->sorted, e->nsorted, sizeof *e->sorted, cmpstr);
    e->dirty = 0;
}

size_t pp_lid_eval_nclasses(const pp_lid_eval *e)
{
    rebuild((pp_lid_eval *)e);
    return e->nsorted;
}

void pp_lid_eval_class(const pp_lid_eval *e, size_t i, pp_lid_class_stats *o)
{
    rebuild((pp_lid_eval *)e);
    memset(o, 0, sizeof *o);
    if (i >= e->nsorted)
        return;
    json_t *c = json_object_get(e->gold, e->sorted[i]);
    o->lang = e->sorted[i];
    o->gold = (long)json_integer_value(json_array_get(c, 0));
    o->tp = (long)json_integer_value(json_array_get(c, 1));
    o->fp = (long)json_integer_value(json_array_get(c, 2));
    o->abstained = (long)json_integer_value(json_array_get(c, 3));
    o->fn = o->gold - o->tp;
    o->tn = e->items - o->gold - o->fp;
    o->precision = o->tp + o->fp > 0 ? (double)o->tp / (double)(o->tp + o->fp) : 0.0;
    o->recall = o->gold > 0 ? (double)o->tp / (double)o->gold : 0.0;
    o->f1 = 2 * o->tp + o->fp + o->fn > 0
                ? 2.0 * (double)o->tp / (double)(2 * o->tp + o->fp + o->fn)
                : 0.0;
    o->fpr = o->fp + o->tn > 0 ? (double)o->fp / (double)(o->fp + o->tn) : 0.0;
}

void pp_lid_eval_macro(const pp_lid_eval *e, double *p, double *r, double *f1, double *fpr,
                       double *acc)
{
    size_t n = pp_lid_eval_nclasses(e);
    double sp = 0, sr = 0, sf = 0, sfpr = 0;
    for (size_t i = 0; i < n; i++) {
        pp_lid_class_stats s;
        pp_lid_eval_class(e, i, &s);
        sp += s.precision;
        sr += s.recall;
        sf += s.f1;
        sfpr += s.fpr;
    }
    double d = n ? (double)n : 1.0;
    if (p)
        *p = sp / d;
    if (r)
        *r = sr / d;
    if (f1)
        *f1 = sf / d;
    if (fpr)
        *fpr = sfpr / d;
    if (acc)
        *acc = e->items ? (double)e->correct / (double)e->items : 0.0;
}

size_t pp_lid_eval_confusions(const pp_lid_eval *e, pp_lid_confusion *out, size_t k)
{
    /* Selection of the k largest (ties: by key order, for determinism). */
    size_t n = 0;
    const char *key;
    json_t *v;
    if (k == 0)
        return 0;
    size_t total = json_object_size(e->confusions);
    const char **ks = malloc((total + 1) * sizeof *ks);
    if (!ks)
        return 0;
    json_object_foreach(e->confusions, key, v) ks[n++] = key;
    if (n > 1)
        qsort(ks, n, sizeof *ks, cmpstr);
    /* stable selection sort by count, descending */
    size_t w = 0;
    int *used = calloc(n + 1, sizeof *used);
    if (!used) {
        free(ks);
        return 0;
    }
    while (w < k) {
        long best = 0;
        size_t bi = n;
        for (size_t i = 0; i < n; i++) {
            if (used[i])
                continue;
            long c = (long)json_integer_value(
                json_array_get(json_object_get(e->confusions, ks[i]), 2));
            if (c > best) {
                best = c;
                bi = i;
            }
        }
        if (bi == n)
            break;
        used[bi] = 1;
        json_t *c = json_object_get(e->confusions, ks[bi]);
        out[w].gold = json_string_value(json_array_get(c, 0));
        out[w].pred = json_string_value(json_array_get(c, 1));
        out[w].n = best;
        w++;
    }
    free(used);
    free(ks);
    return w;
}
