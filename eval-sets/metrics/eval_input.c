/* eval_input.c — prediction records to per-item metric statistics. */
#include "config.h"
#include "eval-sets/metrics/eval_input.h"
#include "src/pp_langtag.h"
#include "src/pp_record.h"
#include "src/pp_stream.h"

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
    for (size_t i = 0; s->recs && i < s->n; i++)
        json_decref(s->recs[i]);
    free(s->recs);
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

/* Map the configured fields onto the names pp_metric_item reads. */
static void map_fields(json_t *rec, const eval_opts *o)
{
    if (o && o->prediction_field && strcmp(o->prediction_field, "prediction") != 0) {
        json_t *v = json_object_get(rec, o->prediction_field);
        if (v)
            json_object_set(rec, "prediction", v);
        else
            json_object_del(rec, "prediction");
    }
    if (o && o->reference_field && strcmp(o->reference_field, "reference") != 0 &&
        strcmp(o->reference_field, "references") != 0) {
        json_t *v = json_object_get(rec, o->reference_field);
        json_object_del(rec, "reference");
        json_object_del(rec, "references");
        if (v)
            json_object_set(rec, json_is_array(v) ? "references" : "reference", v);
    }
}

static size_t nrefs_of(const json_t *rec)
{
    const json_t *r = json_object_get(rec, "references");
    return json_is_array(r) ? json_array_size(r) : json_object_get(rec, "reference") ? 1 : 0;
}

/* Statistics of every record for metric m, in parallel; the first failing
 * line (in file order) is reported. */
static pp_status compute(eval_set *s, pp_metric m, pp_bleu_tokenize tok, pp_error *err)
{
    double *stats = calloc(s->n * pp_metric_nstats(m) + 1, sizeof *stats);
    if (!stats)
        return pp_error_set(err, PP_ERR_NOMEM, s->file, 0, "out of memory");
    size_t k = pp_metric_nstats(m);
    long bad = -1;
    pp_error first;
    pp_error_clear(&first);
#pragma omp parallel for schedule(dynamic, 16)
    for (size_t i = 0; i < s->n; i++) {
        pp_error e;
        pp_error_clear(&e);
        if (pp_metric_item_tok(m, s->recs[i], s->items[i].lang, tok, stats + i * k, &e) != PP_OK) {
#pragma omp critical(eval_input_err)
            {
                if (bad < 0 || (long)i < bad) {
                    bad = (long)i;
                    first = e;
                }
            }
        }
    }
    if (bad >= 0) {
        free(stats);
        return pp_error_set(err, first.code ? first.code : PP_ERR_INVALID, s->file,
                            s->items[bad].line, "record '%s' (metric %s): %s", s->items[bad].id,
                            pp_metric_name(m), first.message);
    }
    free(s->stats);
    s->stats = stats;
    s->k = k;
    s->metric = m;
    s->tok = tok;
    s->nrefs_min = s->nrefs_max = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t r = nrefs_of(s->recs[i]);
        if (i == 0 || r < s->nrefs_min)
            s->nrefs_min = r;
        if (r > s->nrefs_max)
            s->nrefs_max = r;
    }
    return PP_OK;
}

pp_status eval_set_restat(eval_set *s, pp_metric m, pp_bleu_tokenize tok, pp_error *err)
{
    return compute(s, m, tok, err);
}

/* Append one record (taken) with its id, language and group; errors name
 * file and line. *skip is set when the record is of another language. */
static pp_status add_record(eval_set *s, size_t *cap, json_t *rec, long line, const eval_opts *o,
                            int *skip, pp_error *err)
{
    const char *name = s->file;
    *skip = 0;
    map_fields(rec, o);
    const char *lf = o && o->lang_field ? o->lang_field : "lang";
    const json_t *id = json_object_get(rec, "id");
    const json_t *jl = json_object_get(rec, lf);
    const char *lang = json_is_string(jl) ? json_string_value(jl) : NULL;
    const json_t *grp = json_object_get(rec, "group");
    if (!id) {
        json_decref(rec);
        return pp_error_set(err, PP_ERR_INVALID, name, line, "record has no 'id'");
    }
    char *idt = id_text(id);
    if (!idt) {
        json_decref(rec);
        return pp_error_set(err, PP_ERR_INVALID, name, line, "'id' must be a string or an integer");
    }
    pp_status st = PP_OK;
    char tag[128];
    if (!jl && o && o->lang) {
        lang = o->lang; /* records without a language are in the one asked for */
    } else if (!jl) {
        st = pp_error_set(err, PP_ERR_INVALID, name, line, "record '%s' has no '%s'%s", idt, lf,
                          o && o->lang_field ? "" : " (or give --lang)");
    } else if (!lang || !*lang) {
        st = pp_error_set(err, PP_ERR_INVALID, name, line,
                          "record '%s' has an empty or non-string '%s'", idt, lf);
    }
    if (st == PP_OK && pp_langtag_canonicalize(lang, tag, sizeof tag, NULL) != PP_OK)
        st = pp_error_set(err, PP_ERR_INVALID, name, line,
                          "record '%s': '%s' \"%s\" is not a BCP 47 tag", idt, lf, lang);
    if (st == PP_OK && o && o->lang && !pp_lang_matches(o->reg, o->lang, tag)) {
        *skip = 1;
        json_decref(rec);
        free(idt);
        return PP_OK;
    }
    if (st != PP_OK) {
        json_decref(rec);
        free(idt);
        return st;
    }
    if (s->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        eval_item *ni = realloc(s->items, nc * sizeof *ni);
        if (ni)
            s->items = ni;
        json_t **nr = ni ? realloc(s->recs, nc * sizeof *nr) : NULL;
        if (nr)
            s->recs = nr;
        if (!ni || !nr) {
            json_decref(rec);
            free(idt);
            return pp_error_set(err, PP_ERR_NOMEM, name, line, "out of memory");
        }
        *cap = nc;
    }
    eval_item *it = &s->items[s->n];
    memset(it, 0, sizeof *it);
    it->line = line;
    s->recs[s->n++] = rec;
    it->id = idt;
    it->lang = strdup(tag);
    if (grp && !json_is_null(grp)) {
        if (!json_is_string(grp) || !*json_string_value(grp))
            return pp_error_set(err, PP_ERR_INVALID, name, line,
                                "record '%s': 'group' must be a non-empty string", it->id);
        it->group = strdup(json_string_value(grp));
    }
    return PP_OK;
}

/* Duplicate ids, then the statistics. */
static pp_status finish(eval_set *s, pp_metric m, const eval_opts *o, pp_error *err)
{
    if (s->n == 0)
        return pp_error_set(err, PP_ERR_INVALID, s->file, 0, "no records to evaluate%s%s",
                            o && o->lang ? " in language " : "", o && o->lang ? o->lang : "");
    eval_item **by = malloc(s->n * sizeof *by);
    if (!by)
        return pp_error_set(err, PP_ERR_NOMEM, s->file, 0, "out of memory");
    pp_status st = PP_OK;
    for (size_t i = 0; i < s->n; i++)
        by[i] = &s->items[i];
    if (s->n > 1)
        qsort(by, s->n, sizeof *by, cmp_id);
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(by[i]->id, by[i - 1]->id) == 0) {
            long a = by[i]->line < by[i - 1]->line ? by[i]->line : by[i - 1]->line;
            long b = by[i]->line < by[i - 1]->line ? by[i - 1]->line : by[i]->line;
            st = pp_error_set(err, PP_ERR_INVALID, s->file, b, "duplicate id '%s' (first on line %ld)",
                              by[i]->id, a);
            break;
        }
    free(by);
    return st == PP_OK ? compute(s, m, o ? o->tok : PP_BLEU_TOK_13A, err) : st;
}

static eval_set *set_new(const char *name)
{
    eval_set *s = calloc(1, sizeof *s);
    if (s && !(s->file = strdup(name))) {
        free(s);
        s = NULL;
    }
    return s;
}

pp_status eval_set_read(const char *path, pp_metric m, const eval_opts *o, eval_set **out,
                        pp_error *err)
{
    *out = NULL;
    pp_reader *rd = NULL;
    pp_status st = pp_reader_open(path, &rd, err);
    if (st != PP_OK)
        return st;
    eval_set *s = set_new(pp_reader_name(rd));
    if (!s) {
        pp_reader_close(rd);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    size_t cap = 0;
    for (;;) {
        json_t *rec = NULL;
        st = pp_reader_next(rd, &rec, err);
        if (st != PP_OK || !rec)
            break;
        int skip;
        if ((st = add_record(s, &cap, rec, pp_reader_lineno(rd), o, &skip, err)) != PP_OK)
            break;
    }
    pp_reader_close(rd);
    if (st == PP_OK)
        st = finish(s, m, o, err);
    if (st != PP_OK) {
        eval_set_free(s);
        return st;
    }
    *out = s;
    return PP_OK;
}

pp_status eval_set_read_text(const char *hyp, char *const *refs, size_t nrefs, pp_metric m,
                             const eval_opts *o, eval_set **out, pp_error *err)
{
    *out = NULL;
    if (!o || !o->lang)
        return pp_error_set(err, PP_ERR_INVALID, hyp, 0,
                            "plain-text input needs --lang (the language of its lines)");
    pp_input *in[1 + 16];
    size_t nin = 1 + nrefs;
    if (nrefs == 0 || nrefs > 16)
        return pp_error_set(err, PP_ERR_INVALID, hyp, 0, "give 1 to 16 reference files");
    memset(in, 0, sizeof in);
    pp_status st = PP_OK;
    for (size_t f = 0; f < nin && st == PP_OK; f++)
        st = pp_input_open(f ? refs[f - 1] : hyp, &in[f], err);
    eval_set *s = st == PP_OK ? set_new(pp_input_name(in[0])) : NULL;
    if (st == PP_OK && !s)
        st = pp_error_set(err, PP_ERR_NOMEM, hyp, 0, "out of memory");
    size_t cap = 0;
    for (long line = 1; st == PP_OK; line++) {
        json_t *rec = json_object(), *ra = json_array();
        long ended = -1, going = -1; /* a file that ended, one that did not */
        for (size_t f = 0; f < nin && st == PP_OK; f++) {
            const char *l;
            size_t len;
            if ((st = pp_input_getline(in[f], &l, &len, err)) != PP_OK)
                break;
            if (!l) {
                ended = (long)f;
                continue;
            }
            going = (long)f;
            if (len && l[len - 1] == '\r')
                len--;
            json_t *str = json_stringn(l, len);
            if (!str) {
                st = pp_error_set(err, PP_ERR_ENCODING, pp_input_name(in[f]), line,
                                  "not valid UTF-8");
                break;
            }
            if (f == 0)
                json_object_set_new(rec, "prediction", str);
            else
                json_array_append_new(ra, str);
        }
        if (st == PP_OK && ended >= 0 && going >= 0)
            st = pp_error_set(err, PP_ERR_INVALID, pp_input_name(in[ended]), line - 1,
                              "ends here but %s goes on (hypothesis and reference files need "
                              "one line per segment)",
                              pp_input_name(in[going]));
        if (st != PP_OK || ended >= 0) {
            json_decref(rec);
            json_decref(ra);
            break;
        }
        json_object_set_new(rec, "references", ra);
        json_object_set_new(rec, "id", json_integer(line));
        json_object_set_new(rec, "lang", json_string(o->lang));
        eval_opts plain = *o;
        plain.prediction_field = plain.reference_field = plain.lang_field = NULL;
        plain.lang = NULL; /* every line is in the language given */
        int skip;
        st = add_record(s, &cap, rec, line, &plain, &skip, err);
    }
    for (size_t f = 0; f < nin; f++)
        if (in[f])
            pp_input_close(in[f]);
    if (st == PP_OK)
        st = finish(s, m, o, err);
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
