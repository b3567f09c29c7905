/* eval_input.c — prediction records to per-item metric statistics. */
#include "config.h"
#include "eval-sets/metrics/eval_input.h"
#include "src/pp_langtag.h"
#include "src/pp_record.h"

#include <stdlib.h>
#include <string.h>

void eval_set_free(eval_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].id);
        free(s->items[i].lang);
        free(s->items[i].group);
    }
    free(s->items);
    free(s->stats);
    free(s->file);
    free(s);
}

static int cmp_id(const void *a, const void *b)
{
    const eval_item *const *x = a, *const *y = b;
    return strcmp((*x)->id, (*y)->id);
}

/* A record's id as text: strings as they are, integers printed. */
static char *id_text(const json_t *v)
{
    if (json_is_string(v))
        return strdup(json_string_value(v));
    if (json_is_integer(v)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    }
    return NULL;
}

pp_status eval_set_read(const char *path, pp_metric m, eval_set **out, pp_error *err)
{
    *out = NULL;
    pp_reader *rd = NULL;
    pp_status st = pp_reader_open(path, &rd, err);
    if (st != PP_OK)
        return st;
    const char *name = pp_reader_name(rd);
    eval_set *s = calloc(1, sizeof *s);
    size_t cap = 0;
    json_t **recs = NULL;
    if (!s) {
        pp_reader_close(rd);
        return pp_error_set(err, PP_ERR_NOMEM, name, 0, "out of memory");
    }
    s->file = strdup(name);
    s->metric = m;
    s->k = pp_metric_nstats(m);
    for (;;) {
        json_t *rec = NULL;
        st = pp_reader_next(rd, &rec, err);
        if (st != PP_OK || !rec)
            break;
        long line = pp_reader_lineno(rd);
        if (s->n == cap) {
            cap = cap ? 2 * cap : 256;
            eval_item *ni = realloc(s->items, cap * sizeof *ni);
            json_t **nr = ni ? realloc(recs, cap * sizeof *nr) : NULL;
            if (ni)
                s->items = ni;
            if (!ni || !nr) {
                json_decref(rec);
                st = pp_error_set(err, PP_ERR_NOMEM, name, line, "out of memory");
                break;
            }
            recs = nr;
        }
        eval_item *it = &s->items[s->n];
        memset(it, 0, sizeof *it);
        it->line = line;
        recs[s->n++] = rec;
        const json_t *id = json_object_get(rec, "id");
        const char *lang = pp_record_str(rec, "lang");
        const json_t *grp = json_object_get(rec, "group");
        if (!id) {
            st = pp_error_set(err, PP_ERR_INVALID, name, line, "record has no 'id'");
            break;
        }
        if (!(it->id = id_text(id))) {
            st = pp_error_set(err, PP_ERR_INVALID, name, line, "'id' must be a string or an integer");
            break;
        }
        if (!json_object_get(rec, "lang")) {
            st = pp_error_set(err, PP_ERR_INVALID, name, line, "record '%s' has no 'lang'", it->id);
            break;
        }
        if (!lang || !*lang) {
            st = pp_error_set(err, PP_ERR_INVALID, name, line,
                              "record '%s' has an empty or non-string 'lang'", it->id);
            break;
        }
        char tag[128];
        pp_error terr;
        if (pp_langtag_canonicalize(lang, tag, sizeof tag, &terr) != PP_OK) {
            st = pp_error_set(err, PP_ERR_INVALID, name, line,
                              "record '%s': 'lang' \"%s\" is not a BCP 47 tag", it->id, lang);
            break;
        }
        it->lang = strdup(tag);
        if (grp && !json_is_null(grp)) {
            if (!json_is_string(grp) || !*json_string_value(grp)) {
                st = pp_error_set(err, PP_ERR_INVALID, name, line,
                                  "record '%s': 'group' must be a non-empty string", it->id);
                break;
            }
            it->group = strdup(json_string_value(grp));
        }
    }
    pp_reader_close(rd);
    if (st == PP_OK && s->n == 0)
        st = pp_error_set(err, PP_ERR_INVALID, s->file, 0, "no records to evaluate");
    if (st == PP_OK) {
        /* Duplicate ids. */
        eval_item **by = malloc(s->n * sizeof *by);
        if (!by) {
            st = pp_error_set(err, PP_ERR_NOMEM, s->file, 0, "out of memory");
        } else {
            for (size_t i = 0; i < s->n; i++)
                by[i] = &s->items[i];
            if (s->n > 1)
                qsort(by, s->n, sizeof *by, cmp_id);
            for (size_t i = 1; i < s->n; i++)
                if (strcmp(by[i]->id, by[i - 1]->id) == 0) {
                    long a = by[i]->line < by[i - 1]->line ? by[i]->line : by[i - 1]->line;
                    long b = by[i]->line < by[i - 1]->line ? by[i - 1]->line : by[i]->line;
                    st = pp_error_set(err, PP_ERR_INVALID, s->file, b,
                                      "duplicate id '%s' (first on line %ld)", by[i]->id, a);
                    break;
                }
            free(by);
        }
    }
    if (st == PP_OK && !(s->stats = calloc(s->n * s->k, sizeof *s->stats)))
        st = pp_error_set(err, PP_ERR_NOMEM, s->file, 0, "out of memory");
    if (st == PP_OK) {
        /* Statistics in parallel; the first failing line (in file order) is reported. */
        long bad = -1;
        pp_error first;
        pp_error_clear(&first);
#pragma omp parallel for schedule(dynamic, 16)
        for (size_t i = 0; i < s->n; i++) {
            pp_error e;
            pp_error_clear(&e);
            if (pp_metric_item(m, recs[i], s->items[i].lang, s->stats + i * s->k, &e) != PP_OK) {
#pragma omp critical(eval_input_err)
                {
                    if (bad < 0 || (long)i < bad) {
                        bad = (long)i;
                        first = e;
                    }
                }
            }
        }
        if (bad >= 0)
            st = pp_error_set(err, first.code ? first.code : PP_ERR_INVALID, s->file,
                              s->items[bad].line, "record '%s' (metric %s): %s",
                              s->items[bad].id, pp_metric_name(m), first.message);
    }
    for (size_t i = 0; i < s->n; i++)
        json_decref(recs[i]);
    free(recs);
    if (st != PP_OK) {
        eval_set_free(s);
        return st;
    }
    *out = s;
    return PP_OK;
}

static const eval_set *sort_set;
static int sort_kind;

static const char *key_of(const eval_set *s, size_t i, int kind)
{
    return kind == 0 ? s->items[i].lang : s->items[i].group;
}

static int cmp_idx(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int c = strcmp(key_of(sort_set, x, sort_kind), key_of(sort_set, y, sort_kind));
    return c ? c : (x > y) - (x < y);
}

pp_status eval_cells(const eval_set *s, int kind, eval_cell **out, size_t *ncells, pp_error *err)
{
    *out = NULL;
    *ncells = 0;
    size_t *idx = malloc((s->n ? s->n : 1) * sizeof *idx), m = 0;
    if (!idx)
        return pp_error_set(err, PP_ERR_NOMEM, s->file, 0, "out of memory");
    for (size_t i = 0; i < s->n; i++)
        if (key_of(s, i, kind))
            idx[m++] = i;
    sort_set = s;
    sort_kind = kind;
    if (m > 1)
        qsort(idx, m, sizeof *idx, cmp_idx);
    eval_cell *c = calloc(m ? m : 1, sizeof *c);
    if (!c) {
        free(idx);
        return pp_error_set(err, PP_ERR_NOMEM, s->file, 0, "out of memory");
    }
    size_t nc = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        while (j < m && strcmp(key_of(s, idx[j], kind), key_of(s, idx[i], kind)) == 0)
            j++;
        c[nc].key = key_of(s, idx[i], kind);
        c[nc].n = j - i;
        c[nc].idx = malloc((j - i) * sizeof(size_t));
        if (!c[nc].idx) {
            eval_cells_free(c, nc);
            free(idx);
            return pp_error_set(err, PP_ERR_NOMEM, s->file, 0, "out of memory");
        }
        memcpy(c[nc].idx, idx + i, (j - i) * sizeof(size_t));
        nc++;
        i = j;
    }
    free(idx);
    *out = c;
    *ncells = nc;
    return PP_OK;
}

void eval_cells_free(eval_cell *c, size_t n)
{
    if (!c)
        return;
    for (size_t i = 0; i < n; i++)
        free(c[i].idx);
    free(c);
}

double *eval_gather(const eval_set *s, const eval_cell *c)
{
    double *d = malloc((c->n ? c->n : 1) * s->k * sizeof *d);
    if (!d)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        memcpy(d + i * s->k, s->stats + c->idx[i] * s->k, s->k * sizeof *d);
    return d;
}
