/* pp_lid_train.c — train a fastText LID model from JSONL records, quantize
 * it and calibrate per-label thresholds on a dev split (the sidecar
 * MODEL.thresholds.json). Reproducible: one thread, a seeded shuffle. */
#include "config.h"
#include "langs/pp_lid.h"

#include "langs/pp_cluster.h"
#include "langs/pp_fasttext.h"
#include "src/pp_langtag.h"
#include "src/pp_record.h"
#include "src/pp_stream.h"
#include "src/pp_text.h"

#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unicode/utf8.h>
#include <xxhash.h>

void pp_lid_train_opts_init(pp_lid_train_opts *o)
{
    memset(o, 0, sizeof *o);
    o->label_field = "lang";
    o->dim = 64;
    o->epoch = 5;
    o->minn = 1;
    o->maxn = 4;
    o->word_ngrams = 1;
    o->bucket = 500000;
    o->seed = 1;
    o->threads = 1;
    o->lr = 0.5;
    o->quantize = 1;
    o->cutoff = 0;
    o->min_count = 1;
    o->dsub = 2;
    o->sentences = 1;
    o->min_chars = 0;
    o->default_threshold = 0.0;
    o->max_threshold = 0.5;
    o->profile_top = 600;
}

/* A growing list of examples: label index + preprocessed text. */
typedef struct ex {
    int label;
    int src; /* index of the record's "source" (for max_per_source) */
    char *text;
} ex;

typedef struct exlist {
    ex *v;
    size_t n, cap;
} exlist;

static int ex_push(exlist *l, int label, const char *s, size_t len)
{
    if (len == 0)
        return 0;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 4096;
        ex *nv = realloc(l->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        l->v = nv;
        l->cap = nc;
    }
    char *t = malloc(len + 1);
    if (!t)
        return -1;
    memcpy(t, s, len);
    t[len] = '\0';
    l->v[l->n].label = label;
    l->v[l->n].src = 0;
    l->v[l->n].text = t;
    l->n++;
    return 0;
}

static void ex_free(exlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
}

/* Preprocess [s, s+len) and push it. */
static pp_status push_pre(exlist *l, int label, const char *s, size_t len, pp_error *err)
{
    char *p;
    size_t plen;
    pp_status st = pp_lid_preprocess(s, len, &p, &plen, err);
    if (st != PP_OK)
        return st;
    int r = ex_push(l, label, p, plen);
    free(p);
    return r ? pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory") : PP_OK;
}

/* The paragraph, and (sentences) its sentences, pairs of consecutive
 * sentences and windows of 8 words, so the model sees short inputs. */
static pp_status push_text(exlist *l, int label, const char *text, size_t len, int sentences,
                           pp_error *err)
{
    pp_status st = push_pre(l, label, text, len, err);
    if (st != PP_OK || !sentences)
        return st;
    pp_span *sp = NULL;
    size_t n = 0;
    st = pp_segment(text, len, NULL, PP_SEG_SENTENCE, &sp, &n, err);
    if (st != PP_OK)
        return st;
    if (n > 1) {
        for (size_t i = 0; i < n && st == PP_OK; i++)
            st = push_pre(l, label, text + sp[i].start, sp[i].end - sp[i].start, err);
        for (size_t i = 0; n > 2 && i + 1 < n && st == PP_OK; i++)
            st = push_pre(l, label, text + sp[i].start, sp[i + 1].end - sp[i].start, err);
    }
    free(sp);
    if (st != PP_OK)
        return st;
    /* Word windows over the preprocessed text (space-separated words). */
    char *p;
    size_t plen;
    st = pp_lid_preprocess(text, len, &p, &plen, err);
    if (st != PP_OK)
        return st;
    size_t words = 1;
    for (size_t i = 0; i < plen; i++)
        words += p[i] == ' ';
    if (words >= 16) {
        size_t start = 0, w = 0;
        for (size_t i = 0; i <= plen; i++) {
            if (i == plen || p[i] == ' ') {
                w++;
                if (w == 8 || i == plen) {
                    if (w >= 4 && ex_push(l, label, p + start, i - start)) {
                        free(p);
                        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                    }
                    start = i + 1;
                    w = 0;
                }
            }
        }
    }
    free(p);
    return PP_OK;
}

/* Sentences only (the dev set: short inputs are what thresholds must suit). */
static pp_status push_dev(exlist *l, int label, const char *text, size_t len, pp_error *err)
{
    pp_span *sp = NULL;
    size_t n = 0;
    pp_status st = pp_segment(text, len, NULL, PP_SEG_SENTENCE, &sp, &n, err);
    if (st != PP_OK)
        return st;
    if (n == 0)
        st = push_pre(l, label, text, len, err);
    for (size_t i = 0; i < n && st == PP_OK; i++)
        st = push_pre(l, label, text + sp[i].start, sp[i].end - sp[i].start, err);
    free(sp);
    return st;
}

static int is_glot_label(const char *v)
{
    const char *us = strchr(v, '_');
    if (!us || strlen(us + 1) != 4 || !isupper((unsigned char)us[1]))
        return 0;
    for (const char *c = v; c < us; c++)
        if (!islower((unsigned char)*c))
            return 0;
    return us - v >= 2 && us - v <= 3;
}

/* The record's meta.split, or NULL. */
static const char *record_split(const json_t *rec)
{
    const json_t *meta = json_object_get(rec, "meta");
    return meta ? pp_record_str(meta, "split") : NULL;
}

/* The next record that has a "text" string and, when `want` is set, that
 * meta.split; *rec is NULL at the end of the input (the caller owns it). */
static pp_status next_in_split(pp_reader *r, const char *want, json_t **rec, const char **text,
                               pp_error *err)
{
    for (;;) {
        *rec = NULL;
        pp_status st = pp_reader_next(r, rec, err);
        if (st != PP_OK || !*rec)
            return st;
        *text = pp_record_str(*rec, "text");
        const char *split = record_split(*rec);
        if (*text && (!want || (split && strcmp(split, want) == 0)))
            return PP_OK;
        json_decref(*rec);
    }
}

/* The training label of a record: "xxx_Xxxx" (ISO 639-3 + script). */
static pp_status record_label(const json_t *rec, const char *field, int bcp47, const char *text,
                              size_t len, char *out, size_t cap, pp_error *err)
{
    const char *v = pp_record_str(rec, field);
    if (!v || !*v)
        return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0, "no \"%s\" string field", field);
    if (bcp47) {
        char canon[64];
        if (pp_langtag_canonicalize(v, canon, sizeof canon, NULL) != PP_OK || strchr(canon, ' '))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "\"%s\" is not a language tag: %s",
                                field, v);
        snprintf(out, cap, "%s", canon);
        return PP_OK;
    }
    if (is_glot_label(v)) {
        snprintf(out, cap, "%s", v);
        return PP_OK;
    }
    char iso[8] = "";
    const json_t *meta = json_object_get(rec, "meta");
    const char *miso = meta ? pp_record_str(meta, "iso639_3") : NULL;
    if (strcmp(field, "lang") == 0 && miso && strlen(miso) == 3)
        snprintf(iso, sizeof iso, "%s", miso);
    else {
        char canon[64];
        if (pp_langtag_canonicalize(v, canon, sizeof canon, NULL) != PP_OK)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "\"%s\" is not a language tag: %s",
                                field, v);
        char i3[4];
        pp_langtag_iso639_3(canon, i3);
        snprintf(iso, sizeof iso, "%.7s", i3[0] ? i3 : canon);
        char *dash = strchr(iso, '-');
        if (dash)
            *dash = '\0';
    }
    char sc[8] = "";
    const char *rs = pp_record_str(rec, "script");
    if (rs && strlen(rs) == 4)
        snprintf(sc, sizeof sc, "%s", rs);
    else {
        char c5[5];
        pp_script_of(text, len, c5, NULL);
        snprintf(sc, sizeof sc, "%s", c5);
    }
    snprintf(out, cap, "%s_%s", iso, sc);
    return PP_OK;
}

/* record_label with the reader's file and line in the error; *und is set
 * when the label names no language ("und", "und_Xxxx"). */
static pp_status reader_label(pp_reader *r, const json_t *rec, const char *field, int bcp47,
                              const char *text, size_t len, char *lab, size_t cap, int *und,
                              pp_error *err)
{
    pp_status st = record_label(rec, field, bcp47, text, len, lab, cap, err);
    if (st != PP_OK) {
        if (err) {
            snprintf(err->file, sizeof err->file, "%s", pp_reader_name(r));
            err->line = pp_reader_lineno(r);
        }
        return st;
    }
    *und = strncmp(lab, "und", 3) == 0 && (lab[3] == '_' || lab[3] == '\0');
    return PP_OK;
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Per-label calibration data. */
typedef struct cal {
    double *score;
    int *correct;
    size_t n, cap;
    long gold, train_ex, train_chars;
} cal;

static int cal_push(cal *c, double s, int ok)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        double *ns = realloc(c->score, nc * sizeof *ns);
        if (!ns)
            return -1;
        c->score = ns;
        int *nk = realloc(c->correct, nc * sizeof *nk);
        if (!nk)
            return -1;
        c->correct = nk;
        c->cap = nc;
    }
    c->score[c->n] = s;
    c->correct[c->n] = ok;
    c->n++;
    return 0;
}

/* The threshold maximizing this label's F1 on dev, where items under the
 * threshold count as abstentions (misses). Ties go to the lower threshold. */
static double best_threshold(const cal *c, double *f1out)
{
    double best_t = 0.0, best_f = -1.0;
    for (size_t i = 0; i <= c->n; i++) {
        double t = i < c->n ? c->score[i] : 0.0;
        long tp = 0, fp = 0;
        for (size_t j = 0; j < c->n; j++)
            if (c->score[j] >= t) {
                if (c->correct[j])
                    tp++;
                else
                    fp++;
            }
        long fn = c->gold - tp;
        double f = 2.0 * tp + fp + fn > 0 ? 2.0 * tp / (2.0 * tp + fp + fn) : 0.0;
        if (f > best_f + 1e-12 || (f > best_f - 1e-12 && t < best_t)) {
            best_f = f;
            best_t = t;
        }
    }
    if (f1out)
        *f1out = best_f;
    return best_t;
}

static pp_status write_text_file(const char *path, const exlist *train, const char **names,
                                 pp_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write training file");
    for (size_t i = 0; i < train->n; i++)
        fprintf(f, "__label__%s %s\n", names[train->v[i].label], train->v[i].text);
    if (fclose(f) != 0)
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write training file");
    return PP_OK;
}


/* The index of label `lab` in label_ix, adding it when new: names[] and a
 * parallel array of `esize`-byte elements (*extra, zeroed for the new label)
 * grow together. -1 when out of memory. */
static long label_slot(json_t *label_ix, const char *lab, const char ***names, void **extra,
                       size_t esize, size_t *n, size_t *cap)
{
    json_t *ix = json_object_get(label_ix, lab);
    if (ix)
        return (long)json_integer_value(ix);
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        const char **nn = realloc(*names, nc * sizeof *nn);
        if (nn)
            *names = nn;
        void *ne = realloc(*extra, nc * esize);
        if (ne)
            *extra = ne;
        if (!nn || !ne)
            return -1;
        *cap = nc;
    }
    size_t li = (*n)++;
    memset((char *)*extra + li * esize, 0, esize);
    json_object_set_new(label_ix, lab, json_integer((json_int_t)li));
    (*names)[li] = json_object_iter_key(json_object_iter_at(label_ix, lab));
    return (long)li;
}

/* The index of a source name (records without one share ""), or -1. */
static int source_index(json_t *sources, const char *name)
{
    if (!name)
        name = "";
    json_t *v = json_object_get(sources, name);
    if (v)
        return (int)json_integer_value(v);
    int i = (int)json_object_size(sources);
    return json_object_set_new(sources, name, json_integer(i)) == 0 ? i : -1;
}

/* Keep at most o->max_per_source examples per (label, source): a seeded
 * choice among each group's examples; the kept ones stay in input order. */
static pp_status cap_per_source(exlist *l, size_t nlabels, size_t nsources,
                                const pp_lid_train_opts *o, pp_error *err)
{
    if (nsources == 0)
        nsources = 1;
    size_t groups = nlabels * nsources;
    size_t *perm = malloc((l->n ? l->n : 1) * sizeof *perm);
    long *count = calloc(groups ? groups : 1, sizeof *count);
    char *keep = calloc(l->n ? l->n : 1, 1);
    if (!perm || !count || !keep) {
        free(perm);
        free(count);
        free(keep);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < l->n; i++)
        perm[i] = i;
    uint64_t s = 0xD1B54A32D192ED03ULL ^ (uint64_t)(o->seed > 0 ? o->seed : 1);
    for (size_t i = l->n; i > 1; i--) {
        size_t j = (size_t)(rng_next(&s) % i), t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < l->n; i++) {
        const ex *e = &l->v[perm[i]];
        long *c = &count[(size_t)e->label * nsources + (size_t)e->src];
        if (*c < o->max_per_source) {
            keep[perm[i]] = 1;
            (*c)++;
        }
    }
    size_t w = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (keep[i])
            l->v[w++] = l->v[i];
        else
            free(l->v[i].text);
    }
    l->n = w;
    free(perm);
    free(count);
    free(keep);
    return PP_OK;
}

pp_status pp_lid_train(const pp_lid_train_opts *o, pp_lid_train_report *rep, pp_error *err)
{
    pp_lid_train_report dummy;
    if (!rep)
        rep = &dummy;
    memset(rep, 0, sizeof *rep);
    size_t olen = strlen(o->output);
    int want_ftz = olen > 4 && strcmp(o->output + olen - 4, ".ftz") == 0;
    int want_bin = olen > 4 && strcmp(o->output + olen - 4, ".bin") == 0;
    if (!want_ftz && !want_bin)
        return pp_error_set(err, PP_ERR_INVALID, o->output, 0,
                            "the model name must end in .ftz (quantized) or .bin");
    if (want_ftz != (o->quantize != 0))
        return pp_error_set(err, PP_ERR_INVALID, o->output, 0,
                            "a quantized model must be named .ftz, an unquantized one .bin");

    pp_reader *r = NULL;
    pp_status st = pp_reader_open(o->input, &r, err);
    if (st != PP_OK)
        return st;
    json_t *label_ix = json_object(); /* label -> index */
    const char **names = NULL;
    size_t nnames = 0, capnames = 0;
    exlist train = {0}, dev = {0};
    json_t **label_scripts = NULL; /* per label: script -> count */
    char *tmpdir_file = NULL;
    pp_fasttext *ft = NULL;
    cal *cals = NULL;
    json_t *side = NULL;
    json_t *sources = json_object(); /* source name -> index */
    long rec_no = 0;
    for (;;) {
        json_t *rec = NULL;
        st = pp_reader_next(r, &rec, err);
        if (st != PP_OK)
            goto done; /* training data must be clean: fail on the first bad line */
        if (!rec)
            break;
        const char *text = pp_record_str(rec, "text");
        const char *split = record_split(rec);
        int is_train = 1, is_dev = 0;
        if (o->split) {
            is_train = split && strcmp(split, o->split) == 0;
            is_dev = o->dev_split && split && strcmp(split, o->dev_split) == 0;
        } else if (o->dev_split && split && strcmp(split, o->dev_split) == 0) {
            is_train = 0;
            is_dev = 1;
        }
        if ((!is_train && !is_dev) || !text || !*text) {
            json_decref(rec);
            if (!text)
                {
                    st = pp_error_set(err, PP_ERR_PARSE, pp_reader_name(r), pp_reader_lineno(r),
                                      "record has no \"text\" string");
                    goto done;
                }
            continue;
        }
        size_t tlen = strlen(text);
        char lab[64];
        int und = 0;
        st = reader_label(r, rec, o->label_field, o->bcp47_labels, text, tlen, lab, sizeof lab,
                          &und, err);
        if (st != PP_OK) {
            json_decref(rec);
            goto done;
        }
        if (und) {
            /* no language to learn: an unlisted variety stays unlisted */
            json_decref(rec);
            rep->skipped_und++;
            continue;
        }
        void *ls = label_scripts;
        long slot = label_slot(label_ix, lab, &names, &ls, sizeof *label_scripts, &nnames,
                               &capnames);
        label_scripts = ls;
        if (slot < 0) {
            json_decref(rec);
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto done;
        }
        int li = (int)slot;
        if (!label_scripts[li])
            label_scripts[li] = json_object();
        char sc[5];
        pp_script_of(text, tlen, sc, NULL);
        json_t *cnt = json_object_get(label_scripts[li], sc);
        json_object_set_new(label_scripts[li], sc,
                            json_integer(cnt ? json_integer_value(cnt) + 1 : 1));
        rec_no++;
        size_t first = train.n;
        if (is_dev || (!o->dev_split && rec_no % 10 == 0))
            st = push_dev(&dev, li, text, tlen, err);
        else
            st = push_text(&train, li, text, tlen, o->sentences, err);
        if (st == PP_OK && o->max_per_source > 0 && train.n > first) {
            int si = source_index(sources, pp_record_str(rec, "source"));
            if (si < 0)
                st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            for (size_t k = first; k < train.n; k++)
                train.v[k].src = si;
        }
        json_decref(rec);
        if (st != PP_OK)
            goto done;
    }
    rep->records = rec_no;
    if (train.n == 0) {
        st = pp_error_set(err, PP_ERR_INVALID, o->input, 0, "no training records");
        goto done;
    }
    if (o->max_per_source > 0) {
        st = cap_per_source(&train, nnames, json_object_size(sources), o, err);
        if (st != PP_OK)
            goto done;
    }
    cals = calloc(nnames ? nnames : 1, sizeof *cals);
    if (!cals) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < train.n; i++) {
        cals[train.v[i].label].train_ex++;
        cals[train.v[i].label].train_chars += (long)pp_utf8_length(train.v[i].text,
                                                                  strlen(train.v[i].text));
    }
    /* Drop labels with too little text (their examples are removed). */
    if (o->min_chars > 0) {
        size_t w = 0;
        for (size_t i = 0; i < train.n; i++) {
            if (cals[train.v[i].label].train_chars < o->min_chars)
                free(train.v[i].text);
            else
                train.v[w++] = train.v[i];
        }
        train.n = w;
        w = 0;
        for (size_t i = 0; i < dev.n; i++) {
            if (cals[dev.v[i].label].train_chars < o->min_chars)
                free(dev.v[i].text);
            else
                dev.v[w++] = dev.v[i];
        }
        dev.n = w;
        for (size_t i = 0; i < nnames; i++)
            if (cals[i].train_chars < o->min_chars)
                rep->dropped_labels++;
    }
    rep->labels = (long)nnames - rep->dropped_labels;
    rep->examples = (long)train.n;
    rep->dev_examples = (long)dev.n;
    /* Seeded Fisher-Yates shuffle: fastText reads the file in order and its
     * learning rate decays, so grouped labels would bias the model. */
    uint64_t s = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(o->seed > 0 ? o->seed : 1);
    for (size_t i = train.n; i > 1; i--) {
        size_t j = (size_t)(rng_next(&s) % i);
        ex t = train.v[i - 1];
        train.v[i - 1] = train.v[j];
        train.v[j] = t;
    }
    size_t plen = olen - 4;
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%.*s.tmp%ld", (int)plen, o->output, (long)getpid());
    tmpdir_file = malloc(strlen(prefix) + 8);
    if (!tmpdir_file) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
    }
    sprintf(tmpdir_file, "%s.txt", prefix);
    st = write_text_file(tmpdir_file, &train, names, err);
    if (st != PP_OK)
        goto done;
    pp_ft_train_opts fo;
    pp_ft_train_opts_init(&fo);
    fo.input = tmpdir_file;
    fo.output = prefix;
    fo.dim = o->dim;
    fo.epoch = o->epoch;
    fo.minn = o->minn;
    fo.maxn = o->maxn;
    fo.word_ngrams = o->word_ngrams;
    fo.bucket = o->bucket;
    fo.seed = o->seed;
    fo.threads = o->threads;
    fo.lr = o->lr;
    fo.quantize = o->quantize;
    fo.cutoff = o->cutoff;
    fo.dsub = o->dsub;
    fo.min_count = o->min_count;
    st = pp_fasttext_train(&fo, &ft, err);
    unlink(tmpdir_file);
    if (st != PP_OK)
        goto done;
    char built[4200];
    snprintf(built, sizeof built, "%s.%s", prefix, o->quantize ? "ftz" : "bin");

    /* Calibrate on dev sentences. */
    long correct = 0;
    for (size_t i = 0; i < dev.n; i++) {
        pp_ft_prediction pr[1];
        int n = 0;
        cals[dev.v[i].label].gold++;
        st = pp_fasttext_predict(ft, dev.v[i].text, 1, 0.0f, pr, &n, err);
        if (st != PP_OK)
            goto done_rm;
        if (n < 1)
            continue;
        json_t *ix = json_object_get(label_ix, pr[0].label);
        if (!ix)
            continue;
        int pl = (int)json_integer_value(ix);
        int ok = pl == dev.v[i].label;
        correct += ok;
        if (cal_push(&cals[pl], pr[0].prob, ok)) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto done_rm;
        }
    }
    rep->dev_accuracy = dev.n ? (double)correct / (double)dev.n : 0.0;
    side = json_object();
    json_t *jl = json_object();
    json_object_set_new(side, "format", json_string("polyphony-lid-thresholds/1"));
    json_object_set_new(side, "method",
                        json_string("per label: the score threshold maximizing the label's F1 on "
                                    "the dev sentences (items under it count as misses), capped at "
                                    "max_threshold; labels with fewer than 5 dev sentences get "
                                    "the default"));
    json_object_set_new(side, "default", json_real(o->default_threshold));
    json_object_set_new(side, "max_threshold", json_real(o->max_threshold));
    json_object_set_new(side, "dev_sentences", json_integer((json_int_t)dev.n));
    json_object_set_new(side, "dev_accuracy", json_real(rep->dev_accuracy));
    for (size_t i = 0; i < nnames; i++) {
        if (o->min_chars > 0 && cals[i].train_chars < o->min_chars)
            continue;
        json_t *e = json_object();
        double f1 = 0.0;
        double t = cals[i].gold >= 5 ? best_threshold(&cals[i], &f1) : o->default_threshold;
        if (t > o->max_threshold)
            t = o->max_threshold;
        json_object_set_new(e, "threshold", json_real(t));
        /* Scripts: the label's own, then every script that is the majority
         * script of at least 10% of its records. */
        char scripts[256] = "";
        const char *us = strchr(names[i], '_');
        if (us)
            snprintf(scripts, sizeof scripts, "%s", us + 1);
        else {
            char ls[5];
            pp_langtag_script(names[i], ls);
            snprintf(scripts, sizeof scripts, "%s", ls);
        }
        long total = 0;
        const char *k;
        json_t *v;
        json_object_foreach(label_scripts[i], k, v) total += (long)json_integer_value(v);
        json_object_foreach(label_scripts[i], k, v) {
            if (json_integer_value(v) * 10 >= total && strcmp(k, "Zyyy") != 0 &&
                !strstr(scripts, k) && strlen(scripts) + 6 < sizeof scripts) {
                if (scripts[0])
                    strcat(scripts, " ");
                strcat(scripts, k);
            }
        }
        json_object_set_new(e, "scripts", json_string(scripts));
        json_object_set_new(e, "train_examples", json_integer(cals[i].train_ex));
        json_object_set_new(e, "train_chars", json_integer(cals[i].train_chars));
        json_object_set_new(e, "dev_sentences", json_integer(cals[i].gold));
        if (cals[i].gold >= 5)
            json_object_set_new(e, "dev_f1", json_real(f1));
        json_object_set_new(jl, names[i], e);
    }
    json_object_set_new(side, "labels", jl);
    char sidepath[4200];
    snprintf(sidepath, sizeof sidepath, "%s.thresholds.json", o->output);
    char *dump = json_dumps(side, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
    pp_output *out = NULL;
    st = dump ? pp_output_open(sidepath, &out, err)
              : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    if (st == PP_OK)
        st = pp_output_write(out, dump, strlen(dump), err);
    if (st == PP_OK)
        st = pp_output_write(out, "\n", 1, err);
    if (out) {
        if (st == PP_OK)
            st = pp_output_close(out, err);
        else
            pp_output_abort(out);
    }
    free(dump);
    if (st != PP_OK)
        goto done_rm;
    if (o->profile_top > 0) {
        char ppath[4200];
        snprintf(ppath, sizeof ppath, "%s.profiles.tsv.zst", o->output);
        pp_lid_profile_opts po = {o->input, ppath, o->label_field, o->split, o->bcp47_labels,
                                  o->profile_top, o->profile_per_source ? "source" : NULL};
        st = pp_lid_build_profiles(&po, err);
        if (st != PP_OK)
            goto done_rm;
    }
    if (rename(built, o->output) != 0) {
        st = pp_error_set(err, PP_ERR_IO, o->output, 0, "cannot rename the model into place");
        goto done_rm;
    }
    goto done;
done_rm:
    unlink(built);
done:
    if (cals)
        for (size_t i = 0; i < nnames; i++) {
            free(cals[i].score);
            free(cals[i].correct);
        }
    free(cals);
    for (size_t i = 0; i < nnames; i++)
        json_decref(label_scripts[i]);
    free(label_scripts);
    free(names);
    json_decref(label_ix);
    json_decref(sources);
    json_decref(side);
    ex_free(&train);
    ex_free(&dev);
    free(tmpdir_file);
    pp_fasttext_free(ft);
    pp_reader_close(r);
    return st;
}

/* ------------------------------------------------------- trigram profiles */

typedef struct hc {
    uint64_t h;
    uint32_t c;
} hc;

typedef struct tri_acc {
    uint64_t *raw;
    size_t nraw, capraw;
    hc *pairs;
    size_t npairs;
} tri_acc;

static int cmp_u64b(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Fold the raw hashes into the sorted (hash, count) pairs. */
static int acc_compact(tri_acc *a)
{
    if (a->nraw == 0)
        return 0;
    if (a->nraw > 1)
        qsort(a->raw, a->nraw, sizeof *a->raw, cmp_u64b);
    hc *out = malloc(sizeof *out * (a->npairs + a->nraw));
    if (!out)
        return -1;
    size_t i = 0, j = 0, o = 0;
    while (i < a->npairs || j < a->nraw) {
        uint64_t h;
        uint32_t c = 0;
        if (j >= a->nraw || (i < a->npairs && a->pairs[i].h <= a->raw[j]))
            h = a->pairs[i].h;
        else
            h = a->raw[j];
        while (i < a->npairs && a->pairs[i].h == h)
            c += a->pairs[i++].c;
        while (j < a->nraw && a->raw[j] == h) {
            c++;
            j++;
        }
        out[o].h = h;
        out[o].c = c;
        o++;
    }
    free(a->pairs);
    a->pairs = out;
    a->npairs = o;
    a->nraw = 0;
    return 0;
}

static int acc_add(tri_acc *a, const uint64_t *h, size_t n)
{
    if (a->nraw + n > a->capraw) {
        if (acc_compact(a))
            return -1;
        if (n > a->capraw) {
            size_t nc = n > 65536 ? n : 65536;
            uint64_t *nr = realloc(a->raw, nc * sizeof *nr);
            if (!nr)
                return -1;
            a->raw = nr;
            a->capraw = nc;
        }
    }
    memcpy(a->raw + a->nraw, h, n * sizeof *h);
    a->nraw += n;
    return 0;
}

static int cmp_count_desc(const void *a, const void *b)
{
    const hc *x = a, *y = b;
    if (x->c != y->c)
        return x->c > y->c ? -1 : 1;
    return x->h < y->h ? -1 : x->h > y->h;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

pp_status pp_lid_build_profiles(const pp_lid_profile_opts *o, pp_error *err)
{
    pp_reader *r = NULL;
    pp_status st = pp_reader_open(o->input, &r, err);
    if (st != PP_OK)
        return st;
    json_t *label_ix = json_object();
    tri_acc *acc = NULL;
    const char **names = NULL;
    size_t nnames = 0, cap = 0;
    pp_output *out = NULL;
    uint64_t *want = NULL;
    char **wstr = NULL;
    size_t nwant_alloc = 0;
    size_t *order = NULL;
    for (;;) {
        json_t *rec = NULL;
        const char *text = NULL;
        st = next_in_split(r, o->split, &rec, &text, err);
        if (st != PP_OK)
            goto done;
        if (!rec)
            break;
        size_t tlen = strlen(text);
        char lab[64];
        int und = 0;
        st = reader_label(r, rec, o->label_field ? o->label_field : "lang", o->bcp47_labels, text,
                          tlen, lab, sizeof lab, &und, err);
        if (st != PP_OK) {
            json_decref(rec);
            goto done;
        }
        if (und) {
            json_decref(rec);
            continue;
        }
        /* one profile per label, or per label and domain: "label<TAB>domain" */
        char key[64 + PP_LID_DOMAIN_MAX + 1];
        if (o->source_field) {
            json_t *sv = json_object_get(rec, o->source_field);
            const char *src = json_string_value(sv);
            size_t sl = src ? strlen(src) : 0;
            if ((sv && !json_is_string(sv) && !json_is_null(sv)) || sl >= PP_LID_DOMAIN_MAX ||
                (src && (sl == 0 || strpbrk(src, "\t\n\r")))) {
                st = pp_error_set(err, PP_ERR_INVALID, pp_reader_name(r), pp_reader_lineno(r),
                                  "\"%s\" is not usable as a profile domain (a string of 1 to "
                                  "%d bytes, no tab or line break)", o->source_field,
                                  PP_LID_DOMAIN_MAX - 1);
                json_decref(rec);
                goto done;
            }
            snprintf(key, sizeof key, "%s\t%s", lab, src ? src : "");
        } else
            snprintf(key, sizeof key, "%s", lab);
        void *av = acc;
        long slot = label_slot(label_ix, key, &names, &av, sizeof *acc, &nnames, &cap);
        acc = av;
        if (slot < 0) {
            json_decref(rec);
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto done;
        }
        size_t li = (size_t)slot;
        char *p;
        size_t plen;
        st = pp_lid_preprocess(text, tlen, &p, &plen, err);
        json_decref(rec);
        if (st != PP_OK)
            goto done;
        uint64_t *h;
        size_t nh;
        st = pp_trigram_hashes(p, plen, &h, &nh, err);
        free(p);
        if (st != PP_OK)
            goto done;
        int bad = acc_add(&acc[li], h, nh);
        free(h);
        if (bad) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto done;
        }
    }
    /* Select each label's top trigrams, then find their text in a second
     * pass (the file stores the trigrams themselves, not hashes). */
    size_t nsel = 0;
    for (size_t i = 0; i < nnames; i++) {
        if (acc_compact(&acc[i])) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto done;
        }
        if (acc[i].npairs > 1)
            qsort(acc[i].pairs, acc[i].npairs, sizeof *acc[i].pairs, cmp_count_desc);
        if (acc[i].npairs > (size_t)o->top)
            acc[i].npairs = (size_t)o->top;
        nsel += acc[i].npairs;
    }
    want = malloc((nsel + 1) * sizeof *want);
    wstr = calloc(nsel + 1, sizeof *wstr);
    nwant_alloc = nsel;
    if (!want || !wstr) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
    }
    size_t nw = 0;
    for (size_t i = 0; i < nnames; i++)
        for (size_t j = 0; j < acc[i].npairs; j++)
            want[nw++] = acc[i].pairs[j].h;
    if (nw > 1)
        qsort(want, nw, sizeof *want, cmp_u64b);
    size_t u = 0;
    for (size_t i = 0; i < nw; i++)
        if (u == 0 || want[u - 1] != want[i])
            want[u++] = want[i];
    nw = u;
    size_t missing = nw;
    pp_reader_close(r);
    r = NULL;
    st = pp_reader_open(o->input, &r, err);
    if (st != PP_OK)
        goto done;
    while (missing > 0) {
        json_t *rec = NULL;
        const char *text = NULL;
        st = next_in_split(r, o->split, &rec, &text, err);
        if (st != PP_OK)
            goto done;
        if (!rec)
            break;
        char *p;
        size_t plen;
        st = pp_lid_preprocess(text, strlen(text), &p, &plen, err);
        json_decref(rec);
        if (st != PP_OK)
            goto done;
        /* the same windows pp_trigram_hashes hashes, kept as text */
        size_t cap2 = plen + 3;
        char *b = malloc(cap2);
        int32_t *off = malloc(sizeof *off * cap2);
        if (!b || !off) {
            free(p);
            free(b);
            free(off);
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto done;
        }
        size_t nwin = pp_trigram_windows(p, plen, b, off);
        free(p);
        for (size_t i = 0; i < nwin; i++) {
            size_t tl = (size_t)(off[i + 3] - off[i]);
            uint64_t h = XXH3_64bits(b + off[i], tl);
            uint64_t *hit = bsearch(&h, want, nw, sizeof *want, cmp_u64b);
            if (hit && !wstr[hit - want]) {
                wstr[hit - want] = strndup(b + off[i], tl);
                missing--;
            }
        }
        free(b);
        free(off);
    }
    if (nnames == 0) { /* never replace a model's profiles with an empty file */
        st = pp_error_set(err, PP_ERR_INVALID, o->input, 0,
                          "no record with a text and a label: no profiles to write (%s is left "
                          "as it was)", o->output);
        goto done;
    }
    st = pp_output_open(o->output, &out, err);
    if (st != PP_OK)
        goto done;
    char line[512];
    int len;
    if (o->source_field)
        len = snprintf(line, sizeof line,
                       "# polyphony-lid-profiles/1: label, character trigram of the preprocessed "
                       "text padded with spaces, count (the %d most frequent per label and "
                       "domain), domain (the records' \"%s\")\n",
                       o->top, o->source_field);
    else
        len = snprintf(line, sizeof line,
                       "# polyphony-lid-profiles/1: label, character trigram of the preprocessed "
                       "text padded with spaces, count (the %d most frequent per label)\n",
                       o->top);
    st = pp_output_write(out, line, (size_t)len, err);
    /* A label's profiles one after another, labels in the order first met:
     * sort the slots by (first slot of their label, slot). */
    order = malloc((nnames + 1) * sizeof *order);
    if (!order && st == PP_OK)
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    size_t no = 0;
    json_t *firsts = json_object();
    for (size_t i = 0; i < nnames && st == PP_OK; i++) {
        char lab1[64];
        snprintf(lab1, sizeof lab1, "%.*s", (int)strcspn(names[i], "\t"), names[i]);
        json_t *f = json_object_get(firsts, lab1);
        if (!f)
            json_object_set_new(firsts, lab1, f = json_integer((json_int_t)i));
        order[no++] = (size_t)json_integer_value(f) * (nnames + 1) + i;
    }
    json_decref(firsts);
    if (no > 1)
        qsort(order, no, sizeof *order, cmp_size);
    for (size_t oi = 0; oi < no; oi++)
        order[oi] %= nnames + 1;
    for (size_t oi = 0; oi < no && st == PP_OK; oi++) {
        size_t i = order[oi];
        for (size_t j = 0; j < acc[i].npairs && st == PP_OK; j++) {
            uint64_t *hit = bsearch(&acc[i].pairs[j].h, want, nw, sizeof *want, cmp_u64b);
            const char *tri = hit ? wstr[hit - want] : NULL;
            if (!tri)
                continue;
            const char *tab = strchr(names[i], '\t');
            if (tab && tab[1]) /* (records without a source: no domain column) */
                len = snprintf(line, sizeof line, "%.*s\t%s\t%u\t%s\n", (int)(tab - names[i]),
                               names[i], tri, acc[i].pairs[j].c, tab + 1);
            else
                len = snprintf(line, sizeof line, "%.*s\t%s\t%u\n",
                               (int)strcspn(names[i], "\t"), names[i], tri, acc[i].pairs[j].c);
            st = pp_output_write(out, line, (size_t)len, err);
        }
    }
    if (st == PP_OK) {
        st = pp_output_close(out, err);
        out = NULL;
    }
done:
    free(order);
    pp_output_abort(out);
    if (wstr) {
        for (size_t i = 0; i < nwant_alloc; i++)
            free(wstr[i]);
    }
    free(wstr);
    free(want);
    for (size_t i = 0; i < nnames; i++) {
        free(acc[i].raw);
        free(acc[i].pairs);
    }
    free(acc);
    free(names);
    json_decref(label_ix);
    pp_reader_close(r);
    return st;
}
