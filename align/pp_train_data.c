/* pp_train_data.c — the token stream a training run reads (pp_train_data.h). */
#include "config.h"
#include "align/pp_train_data.h"

#include "corpora-tools/mixing/pp_sample.h"
#include "src/pp_record.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pp_train_data_clear(pp_train_data *d)
{
    free(d->ids);
    free(d->mask);
    free(d->langs);
    memset(d, 0, sizeof *d);
}

pp_status pp_mix_parse(const char *s, pp_mix *out, pp_error *err)
{
    char *end;
    out->value = 0;
    if (strcmp(s, "natural") == 0) {
        out->kind = PP_MIX_NATURAL;
        return PP_OK;
    }
    const char *arg = NULL;
    if (strncmp(s, "temperature:", 12) == 0)
        out->kind = PP_MIX_TEMPERATURE, arg = s + 12;
    else if (strncmp(s, "unimax:", 7) == 0)
        out->kind = PP_MIX_UNIMAX, arg = s + 7;
    if (!arg)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "mix '%s': use temperature:T, unimax:E or natural", s);
    errno = 0;
    out->value = strtod(arg, &end);
    if (errno || end == arg || *end || !(out->value > 0) || !isfinite(out->value))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "mix '%s': %s needs a number > 0", s,
                            out->kind == PP_MIX_UNIMAX ? "unimax" : "temperature");
    return PP_OK;
}

static pp_status grow(pp_train_data *d, size_t more, int with_mask, pp_error *err)
{
    if (d->n + more <= d->cap && (!with_mask || d->mask))
        return PP_OK;
    size_t nc = d->cap ? d->cap : 4096;
    while (nc < d->n + more)
        nc *= 2;
    int32_t *ni = realloc(d->ids, nc * sizeof *ni);
    if (!ni)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory for the token stream");
    d->ids = ni;
    if (with_mask || d->mask) {
        uint8_t *nm = realloc(d->mask, nc);
        if (!nm)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory for the token stream");
        if (!d->mask)
            memset(nm, 1, d->n);
        d->mask = nm;
    }
    d->cap = nc;
    return PP_OK;
}

pp_status pp_train_data_read_tokens(const char *path, pp_train_data *d, pp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    unsigned char buf[65536];
    size_t got, carry = 0;
    pp_status st = PP_OK;
    while (st == PP_OK && (got = fread(buf + carry, 1, sizeof buf - carry, f)) > 0) {
        got += carry;
        size_t whole = got / 4;
        if ((st = grow(d, whole, 0, err)) != PP_OK)
            break;
        for (size_t i = 0; i < whole; i++) {
            const unsigned char *b = buf + 4 * i;
            uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                         (uint32_t)b[3] << 24;
            d->ids[d->n] = v > INT32_MAX ? -1 : (int32_t)v;
            if (d->mask)
                d->mask[d->n] = 1;
            d->n++;
        }
        carry = got - whole * 4;
        memmove(buf, buf + whole * 4, carry);
    }
    if (st == PP_OK && ferror(f))
        st = pp_error_set(err, PP_ERR_IO, path, 0, "read error");
    else if (st == PP_OK && carry)
        st = pp_error_set(err, PP_ERR_PARSE, path, 0,
                          "not a uint32 token stream: %zu bytes left after the last whole token",
                          carry);
    fclose(f);
    return st;
}

pp_status pp_train_data_check(const pp_train_data *d, int vocab, const char *source, pp_error *err)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->ids[i] < 0 || d->ids[i] >= vocab)
            return pp_error_set(err, PP_ERR_INVALID, source, 0,
                                "token %zu is %lld, outside the vocabulary (vocab_size %d)", i,
                                d->ids[i] < 0 ? (long long)(uint32_t)d->ids[i]
                                              : (long long)d->ids[i],
                                vocab);
    return PP_OK;
}

int64_t pp_train_data_rows(const pp_train_data *d, int T)
{
    return d->n < (size_t)T + 1 ? 0 : (int64_t)((d->n - 1) / (size_t)T);
}

void pp_train_data_row(const pp_train_data *d, int64_t k, int T, int32_t *inputs, int32_t *targets)
{
    int64_t rows = pp_train_data_rows(d, T);
    size_t p = (size_t)(k % rows) * (size_t)T;
    for (int t = 0; t < T; t++) {
        inputs[t] = d->ids[p + t];
        targets[t] = d->mask && !d->mask[p + t + 1] ? -1 : d->ids[p + t + 1];
    }
}

/* ---- JSONL records ---- */

typedef struct doc {
    size_t off, len; /* into the staging stream */
    size_t lang;
    uint64_t key;
} doc;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int cmp_key(const void *a, const void *b)
{
    const doc *x = *(const doc *const *)a, *y = *(const doc *const *)b;
    return x->key < y->key ? -1 : x->key > y->key;
}

static pp_status lang_index(pp_train_data *d, const char *lang, size_t *out, pp_error *err)
{
    for (size_t i = 0; i < d->nlangs; i++)
        if (strcmp(d->langs[i].lang, lang) == 0) {
            *out = i;
            return PP_OK;
        }
    pp_mix_lang *nl = realloc(d->langs, (d->nlangs + 1) * sizeof *nl);
    if (!nl)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    d->langs = nl;
    memset(&nl[d->nlangs], 0, sizeof *nl);
    snprintf(nl[d->nlangs].lang, sizeof nl->lang, "%s", lang);
    *out = d->nlangs++;
    return PP_OK;
}

/* One record's tokens appended to the staging stream s. */
static pp_status stage_record(pp_tokenizer *tok, const pp_train_text_opts *o, const json_t *rec,
                              pp_train_data *s, pp_error *err)
{
    pp_status st;
    if (o->messages) {
        pp_chat_ids c = {0};
        st = pp_chat_render(tok, o->chat, json_object_get(rec, "messages"), 0, o->bos, &c, err);
        if (st == PP_OK && (st = grow(s, c.n + 1, 1, err)) == PP_OK) {
            for (size_t i = 0; i < c.n; i++) {
                s->ids[s->n] = c.ids[i];
                s->mask[s->n++] = o->sft ? c.mask[i] : 1;
            }
            if (o->eos >= 0) {
                s->ids[s->n] = o->eos;
                s->mask[s->n++] = !o->sft;
            }
        }
        pp_chat_ids_clear(&c);
        return st;
    }
    const char *field = o->field ? o->field : "text";
    json_t *tv = json_object_get(rec, field);
    if (!json_is_string(tv))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "record has no string field '%s'", field);
    int32_t *ids = NULL;
    size_t n = 0;
    st = pp_tokenizer_encode_ids(tok, json_string_value(tv), json_string_length(tv), &ids, &n, err);
    if (st == PP_OK && (st = grow(s, n + 2, 1, err)) == PP_OK) {
        if (o->bos >= 0)
            s->ids[s->n] = o->bos, s->mask[s->n++] = 1;
        for (size_t i = 0; i < n; i++)
            s->ids[s->n] = ids[i], s->mask[s->n++] = 1;
        if (o->eos >= 0)
            s->ids[s->n] = o->eos, s->mask[s->n++] = 1;
    }
    free(ids);
    return st;
}

/* How many copies of each document: floor(epochs) plus the fraction by seeded key. */
static pp_status draw(pp_train_data *d, doc *docs, size_t nd, const pp_train_text_opts *o,
                      doc ***order, size_t *norder, pp_error *err)
{
    size_t nl = d->nlangs;
    double *sizes = calloc(nl, sizeof *sizes), *shares = calloc(nl, sizeof *shares);
    double *epochs = calloc(nl, sizeof *epochs), total = 0;
    doc **byk = malloc((nd ? nd : 1) * sizeof *byk);
    pp_status st = PP_OK;
    *order = NULL;
    *norder = 0;
    if (!sizes || !shares || !epochs || !byk) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nl; i++)
        total += sizes[i] = d->langs[i].tokens;
    if (o->mix.kind == PP_MIX_TEMPERATURE)
        st = pp_sample_temperature(sizes, nl, o->mix.value, total, shares, epochs, err);
    else if (o->mix.kind == PP_MIX_UNIMAX)
        st = pp_sample_unimax(sizes, nl, total, o->mix.value, shares, epochs, err);
    else
        for (size_t i = 0; i < nl; i++)
            shares[i] = total > 0 ? sizes[i] / total : 0, epochs[i] = o->mix.kind ? 1.0 : 1.0;
    if (st != PP_OK)
        goto out;
    size_t cap = 0;
    for (size_t i = 0; i < nl; i++) {
        d->langs[i].share = shares[i];
        d->langs[i].epochs = epochs[i];
        cap += (size_t)ceil(epochs[i] + 1e-9) * (size_t)d->langs[i].docs;
    }
    doc **ord = malloc((cap ? cap : 1) * sizeof *ord);
    if (!ord) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    size_t no = 0;
    for (size_t i = 0; i < nl; i++) {
        size_t nk = 0;
        for (size_t j = 0; j < nd; j++)
            if (docs[j].lang == i)
                byk[nk++] = &docs[j];
        long full = (long)floor(epochs[i] + 1e-9);
        for (long e = 0; e < full; e++)
            for (size_t j = 0; j < nk; j++)
                ord[no++] = byk[j];
        /* the fraction: documents in seeded key order while tokens remain */
        double rest = (epochs[i] - (double)full) * sizes[i];
        qsort(byk, nk, sizeof *byk, cmp_key);
        for (size_t j = 0; j < nk && rest > 0.5 * (double)byk[j]->len; j++) {
            ord[no++] = byk[j];
            rest -= (double)byk[j]->len;
        }
    }
    /* shuffle the drawn documents (Fisher-Yates with the seed) */
    uint64_t rs = o->seed ^ 0x5eed5eed5eedULL;
    for (size_t i = no; i > 1; i--) {
        size_t j = (size_t)(splitmix(&rs) % i);
        doc *t = ord[i - 1];
        ord[i - 1] = ord[j];
        ord[j] = t;
    }
    *order = ord;
    *norder = no;
out:
    free(sizes);
    free(shares);
    free(epochs);
    free(byk);
    return st;
}

pp_status pp_train_data_read_jsonl(const char *const *paths, int npaths, pp_tokenizer *tok,
                                   const pp_train_text_opts *o, pp_train_data *d, pp_error *err)
{
    pp_train_data s = {0};
    doc *docs = NULL;
    size_t nd = 0, dcap = 0;
    pp_status st = PP_OK;
    uint64_t ks = o->seed;
    for (int f = 0; st == PP_OK && f < npaths; f++) {
        pp_reader *r = NULL;
        if ((st = pp_reader_open(paths[f], &r, err)) != PP_OK)
            break;
        json_t *rec = NULL;
        while ((st = pp_reader_next(r, &rec, err)) == PP_OK && rec) {
            size_t before = s.n, li = 0;
            const char *lang = pp_record_str(rec, "lang");
            st = stage_record(tok, o, rec, &s, err);
            if (st == PP_OK)
                st = lang_index(d, lang ? lang : "und", &li, err);
            json_decref(rec);
            if (st != PP_OK) {
                if (err && !err->file[0]) {
                    snprintf(err->file, sizeof err->file, "%s", pp_reader_name(r));
                    err->line = pp_reader_lineno(r);
                }
                break;
            }
            if (nd == dcap) {
                size_t nc = dcap ? dcap * 2 : 256;
                doc *ndocs = realloc(docs, nc * sizeof *ndocs);
                if (!ndocs) {
                    st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                    break;
                }
                docs = ndocs;
                dcap = nc;
            }
            docs[nd].off = before;
            docs[nd].len = s.n - before;
            docs[nd].lang = li;
            docs[nd].key = splitmix(&ks);
            nd++;
            d->langs[li].docs++;
            d->langs[li].tokens += (double)(s.n - before);
        }
        pp_reader_close(r);
    }
    if (st == PP_OK && o->mix.kind == PP_MIX_NONE) {
        /* input order */
        for (size_t i = 0; i < d->nlangs; i++) {
            d->langs[i].share = s.n ? d->langs[i].tokens / (double)s.n : 0;
            d->langs[i].epochs = 1;
        }
        if ((st = grow(d, s.n, o->sft, err)) == PP_OK) {
            memcpy(d->ids + d->n, s.ids, s.n * sizeof *s.ids);
            if (d->mask)
                memcpy(d->mask + d->n, s.mask, s.n);
            d->n += s.n;
            d->docs += (long)nd;
        }
    } else if (st == PP_OK) {
        doc **ord = NULL;
        size_t no = 0;
        st = draw(d, docs, nd, o, &ord, &no, err);
        for (size_t i = 0; st == PP_OK && i < no; i++) {
            if ((st = grow(d, ord[i]->len, o->sft, err)) != PP_OK)
                break;
            memcpy(d->ids + d->n, s.ids + ord[i]->off, ord[i]->len * sizeof *s.ids);
            if (d->mask)
                memcpy(d->mask + d->n, s.mask + ord[i]->off, ord[i]->len);
            d->n += ord[i]->len;
        }
        d->docs += (long)no;
        free(ord);
    }
    free(docs);
    pp_train_data_clear(&s);
    return st;
}
