/* pp_prefs.c — preference records with per-annotator judgements, their
 * annotators and groups, Krippendorff's alpha within and between groups, and
 * aggregation into training pairs (majority, per group, distribution). */
#include "config.h"

#include "corpora-tools/community/pp_prefs.h"
#include "src/pp_record.h"
#include "src/pp_stream.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================ annotators */

struct pp_annotators {
    json_t *byid;  /* id -> groups object */
    json_t *dims;  /* array of dimension names, in order of first declaration */
    char path[512];
};

void pp_annotators_free(pp_annotators *a)
{
    if (!a)
        return;
    json_decref(a->byid);
    json_decref(a->dims);
    free(a);
}

size_t pp_annotators_count(const pp_annotators *a) { return json_object_size(a->byid); }

const json_t *pp_annotators_groups(const pp_annotators *a, const char *id)
{
    return id ? json_object_get(a->byid, id) : NULL;
}

static int dims_has(const json_t *dims, const char *d)
{
    size_t i;
    json_t *v;
    json_array_foreach(dims, i, v) if (strcmp(json_string_value(v), d) == 0) return 1;
    return 0;
}

static pp_status annot_add(pp_annotators *a, const json_t *e, const char *file, long line,
                           pp_error *err)
{
    const char *id = json_string_value(json_object_get(e, "id"));
    const json_t *g = json_object_get(e, "groups");
    if (!json_is_object(e) || !id || !*id)
        return pp_error_set(err, PP_ERR_INVALID, file, line, "annotator entry needs a string \"id\"");
    if (!json_is_object(g))
        return pp_error_set(err, PP_ERR_INVALID, file, line,
                            "annotator %s needs a \"groups\" object (e.g. {\"community\":...})", id);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)g, k, v) {
        int ok = json_is_string(v);
        if (json_is_array(v)) {
            size_t i;
            json_t *x;
            ok = json_array_size(v) > 0;
            json_array_foreach(v, i, x) ok = ok && json_is_string(x);
        }
        if (!ok)
            return pp_error_set(err, PP_ERR_INVALID, file, line,
                                "annotator %s: group \"%s\" must be a string or an array of strings",
                                id, k);
        if (!dims_has(a->dims, k))
            json_array_append_new(a->dims, json_string(k));
    }
    if (json_object_get(a->byid, id))
        return pp_error_set(err, PP_ERR_INVALID, file, line, "annotator %s is declared twice", id);
    json_object_set(a->byid, id, (json_t *)g);
    return PP_OK;
}

pp_status pp_annotators_load(const char *path, pp_annotators **out, pp_error *err)
{
    *out = NULL;
    pp_annotators *a = calloc(1, sizeof *a);
    if (!a)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    a->byid = json_object();
    a->dims = json_array();
    snprintf(a->path, sizeof a->path, "%s", path ? path : "-");
    char *data = NULL;
    size_t len = 0;
    pp_status st = pp_input_slurp_path(path, &data, &len, err);
    if (st != PP_OK) {
        pp_annotators_free(a);
        return st;
    }
    size_t i = 0;
    while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r'))
        i++;
    if (i < len && data[i] == '[') {
        json_error_t je;
        json_t *arr = json_loadb(data, len, 0, &je);
        if (!arr) {
            st = pp_error_set(err, PP_ERR_PARSE, path, je.line, "annotators file: %s", je.text);
        } else {
            size_t k;
            json_t *e;
            json_array_foreach(arr, k, e) {
                if (st != PP_OK)
                    break;
                char where[64];
                snprintf(where, sizeof where, "entry %zu", k + 1);
                pp_error e2;
                pp_error_clear(&e2);
                if ((st = annot_add(a, e, path, 0, &e2)) != PP_OK)
                    pp_error_set(err, st, path, 0, "%s: %s", where, e2.message);
            }
            json_decref(arr);
        }
    } else {
        /* JSONL: one annotator a line */
        long line = 0;
        char *p = data, *end = data + len;
        while (st == PP_OK && p < end) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            line++;
            size_t b = 0;
            while (b < n && (p[b] == ' ' || p[b] == '\t' || p[b] == '\r'))
                b++;
            if (b < n) {
                json_error_t je;
                json_t *e = json_loadb(p, n, 0, &je);
                if (!e)
                    st = pp_error_set(err, PP_ERR_PARSE, path, line, "not JSON: %s", je.text);
                else
                    st = annot_add(a, e, path, line, err);
                json_decref(e);
            }
            p += n + 1;
        }
    }
    free(data);
    if (st == PP_OK && json_object_size(a->byid) == 0)
        st = pp_error_set(err, PP_ERR_INVALID, path, 0, "annotators file declares no annotator");
    if (st != PP_OK) {
        pp_annotators_free(a);
        return st;
    }
    *out = a;
    return PP_OK;
}

pp_status pp_annotators_from_json(const json_t *entries, const char *name, pp_annotators **out,
                                  pp_error *err)
{
    *out = NULL;
    pp_annotators *a = calloc(1, sizeof *a);
    if (!a)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    a->byid = json_object();
    a->dims = json_array();
    snprintf(a->path, sizeof a->path, "%s", name ? name : "-");
    pp_status st = PP_OK;
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        if (st == PP_OK)
            st = annot_add(a, e, a->path, 0, err);
    }
    if (st == PP_OK && json_object_size(a->byid) == 0)
        st = pp_error_set(err, PP_ERR_INVALID, a->path, 0, "no annotator declared");
    if (st != PP_OK) {
        pp_annotators_free(a);
        return st;
    }
    *out = a;
    return PP_OK;
}

/* ================================================================ records */

struct pp_prefset {
    const pp_annotators *ann;
    json_t *items; /* canonical records */
    json_t *index; /* merge key -> item index */
    json_t *ids;   /* item id -> item index; generated ids are true in gen */
    json_t *gen;   /* ids made up for records without one (p<N>) */
};

pp_status pp_prefset_new(const pp_annotators *a, pp_prefset **out, pp_error *err)
{
    pp_prefset *s = calloc(1, sizeof *s);
    if (!s)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    s->ann = a;
    s->items = json_array();
    s->index = json_object();
    s->ids = json_object();
    s->gen = json_object();
    if (!s->items || !s->index || !s->ids || !s->gen) {
        pp_prefset_free(s);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    *out = s;
    return PP_OK;
}

void pp_prefset_free(pp_prefset *s)
{
    if (!s)
        return;
    json_decref(s->items);
    json_decref(s->index);
    json_decref(s->ids);
    json_decref(s->gen);
    free(s);
}

size_t pp_prefset_count(const pp_prefset *s) { return json_array_size(s->items); }
const json_t *pp_prefset_item(const pp_prefset *s, size_t i) { return json_array_get(s->items, i); }

/* An id for an item whose records carry none: p<N>, N the item's number,
 * or the next N no item holds. */
static void generated_id(const pp_prefset *s, char out[32])
{
    size_t n = json_array_size(s->items) + 1;
    do
        snprintf(out, 32, "p%zu", n++);
    while (json_object_get(s->ids, out));
}

/* Record a new item's id. When a record names an id that was made up
 * earlier for another item, that item gets another: ids stay unique and the
 * record's own id is kept. */
static void claim_id(pp_prefset *s, const char *id, size_t at)
{
    json_t *old = json_object_get(s->ids, id);
    if (old && json_object_get(s->gen, id)) {
        size_t other = (size_t)json_integer_value(old);
        char fresh[32];
        generated_id(s, fresh);
        json_object_set_new(json_array_get(s->items, other), "id", json_string(fresh));
        json_object_set_new(s->ids, fresh, json_integer((json_int_t)other));
        json_object_set_new(s->gen, fresh, json_true());
        json_object_del(s->gen, id);
    }
    json_object_set_new(s->ids, id, json_integer((json_int_t)at));
}

/* Response id for `text` in item, adding it (as r<N>) when new. */
static const char *response_id(json_t *item, const char *text, const char *want_id)
{
    json_t *rs = json_object_get(item, "responses");
    size_t i;
    json_t *r;
    json_array_foreach(rs, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "text")), text) == 0)
            return json_string_value(json_object_get(r, "id"));
    }
    /* an explicit id already naming another text is a conflict */
    json_array_foreach(rs, i, r) {
        if (want_id && strcmp(json_string_value(json_object_get(r, "id")), want_id) == 0)
            return NULL;
    }
    char id[32];
    if (!want_id) {
        snprintf(id, sizeof id, "r%zu", json_array_size(rs) + 1);
        want_id = id;
    }
    json_array_append_new(rs, json_pack("{s:s,s:s}", "id", want_id, "text", text));
    return json_string_value(json_object_get(json_array_get(rs, json_array_size(rs) - 1), "id"));
}

static int has_response(const json_t *item, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(item, "responses"), i, r) {
        if (strcmp(json_string_value(json_object_get(r, "id")), id) == 0)
            return 1;
    }
    return 0;
}

static pp_status add_judgement(pp_prefset *s, json_t *item, const json_t *j, const char *preferred,
                               const char *rec_guideline, const char *file, long line,
                               pp_error *err)
{
    const char *ann = json_string_value(json_object_get(j, "annotator"));
    const char *gl = json_string_value(json_object_get(j, "guideline"));
    if (!gl)
        gl = rec_guideline;
    if (!ann)
        return pp_error_set(err, PP_ERR_INVALID, file, line,
                            "judgement without an \"annotator\": every preference must say who "
                            "judged it");
    const json_t *groups = pp_annotators_groups(s->ann, ann);
    if (!groups)
        return pp_error_set(err, PP_ERR_NOT_FOUND, file, line,
                            "unknown annotator \"%s\" (not declared in the annotators file %s)",
                            ann, s->ann->path);
    if (!gl)
        return pp_error_set(err, PP_ERR_INVALID, file, line,
                            "judgement by %s has no \"guideline\" (annotation guideline version)",
                            ann);
    const json_t *rg = json_object_get(j, "groups");
    if (rg && !json_equal((json_t *)rg, (json_t *)groups))
        return pp_error_set(err, PP_ERR_INVALID, file, line,
                            "judgement by %s gives groups that differ from the annotators file",
                            ann);
    if (!preferred || !has_response(item, preferred))
        return pp_error_set(err, PP_ERR_INVALID, file, line,
                            "judgement by %s prefers \"%s\", which is not one of the responses",
                            ann, preferred ? preferred : "(nothing)");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(item, "judgements"), i, x) {
        if (strcmp(json_string_value(json_object_get(x, "annotator")), ann) == 0)
            return pp_error_set(err, PP_ERR_INVALID, file, line,
                                "annotator %s judges item %s twice", ann,
                                json_string_value(json_object_get(item, "id")));
    }
    json_array_append_new(json_object_get(item, "judgements"),
                          json_pack("{s:s,s:s,s:s,s:O}", "annotator", ann, "preferred", preferred,
                                    "guideline", gl, "groups", groups));
    return PP_OK;
}

pp_status pp_prefset_add(pp_prefset *s, const json_t *rec, const char *file, long line,
                         pp_error *err)
{
    const char *prompt = pp_record_str(rec, "prompt");
    const char *id = pp_record_str(rec, "id");
    const char *gl = pp_record_str(rec, "guideline");
    if (!prompt)
        return pp_error_set(err, PP_ERR_INVALID, file, line, "record has no string \"prompt\"");
    const char *chosen = pp_record_str(rec, "chosen"), *rejected = pp_record_str(rec, "rejected");
    const json_t *responses = json_object_get(rec, "responses");
    if (!(chosen && rejected) && !json_is_array(responses))
        return pp_error_set(err, PP_ERR_INVALID, file, line,
                            "record needs \"chosen\" and \"rejected\", or a \"responses\" list");
    /* find or create the item */
    char key[2048];
    snprintf(key, sizeof key, "%s%s", id ? "id\x1f" : "prompt\x1f", id ? id : prompt);
    json_t *ix = json_object_get(s->index, key);
    json_t *item;
    int fresh = 0;
    if (ix) {
        item = json_array_get(s->items, (size_t)json_integer_value(ix));
        if (strcmp(json_string_value(json_object_get(item, "prompt")), prompt) != 0)
            return pp_error_set(err, PP_ERR_INVALID, file, line,
                                "record %s repeats an id with a different prompt", id);
    } else {
        char gen[32];
        generated_id(s, gen);
        item = json_pack("{s:s,s:s,s:[],s:[]}", "id", id ? id : gen, "prompt", prompt,
                         "responses", "judgements");
        const char *lang = pp_record_str(rec, "lang");
        if (lang)
            json_object_set_new(item, "lang", json_string(lang));
        const json_t *syn = json_object_get(rec, "synthetic");
        if (syn)
            json_object_set(item, "synthetic", (json_t *)syn);
        fresh = 1;
    }
    /* work on a copy so that a bad line leaves the set unchanged */
    json_t *work = json_deep_copy(item);
    if (fresh)
        json_decref(item);
    pp_status st = PP_OK;
    if (chosen && rejected) {
        if (strcmp(chosen, rejected) == 0)
            st = pp_error_set(err, PP_ERR_INVALID, file, line, "chosen and rejected are identical");
        const char *cid = NULL;
        if (st == PP_OK) {
            cid = response_id(work, chosen, NULL);
            response_id(work, rejected, NULL);
        }
        if (st == PP_OK) {
            const json_t *js = json_object_get(rec, "judgements");
            if (json_is_array(js) && json_array_size(js)) {
                size_t i;
                json_t *j;
                json_array_foreach(js, i, j) {
                    if (st == PP_OK)
                        st = add_judgement(s, work, j, cid, gl, file, line, err);
                }
            } else {
                st = add_judgement(s, work, rec, cid, gl, file, line, err);
            }
        }
    } else {
        size_t i;
        json_t *r;
        json_array_foreach(responses, i, r) {
            if (st != PP_OK)
                break;
            const char *text = json_is_string(r) ? json_string_value(r)
                                                 : json_string_value(json_object_get(r, "text"));
            const char *rid = json_is_object(r) ? json_string_value(json_object_get(r, "id")) : NULL;
            if (!text)
                st = pp_error_set(err, PP_ERR_INVALID, file, line,
                                  "response %zu has no text", i + 1);
            else if (!response_id(work, text, rid))
                st = pp_error_set(err, PP_ERR_INVALID, file, line,
                                  "response id \"%s\" names two different texts", rid);
        }
        if (st == PP_OK && json_array_size(json_object_get(work, "responses")) < 2)
            st = pp_error_set(err, PP_ERR_INVALID, file, line,
                              "a preference needs at least two different responses");
        const json_t *js = json_object_get(rec, "judgements");
        if (st == PP_OK && !json_is_array(js))
            st = pp_error_set(err, PP_ERR_INVALID, file, line, "record has no \"judgements\" list");
        json_t *j;
        json_array_foreach(js, i, j) {
            if (st != PP_OK)
                break;
            const char *pref = json_string_value(json_object_get(j, "preferred"));
            st = add_judgement(s, work, j, pref, gl, file, line, err);
        }
    }
    if (st != PP_OK) {
        json_decref(work);
        return st;
    }
    if (ix) {
        json_array_set_new(s->items, (size_t)json_integer_value(ix), work);
    } else {
        size_t at = json_array_size(s->items);
        json_object_set_new(s->index, key, json_integer((json_int_t)at));
        json_array_append_new(s->items, work);
        claim_id(s, json_string_value(json_object_get(work, "id")), at);
        if (!id)
            json_object_set_new(s->gen, json_string_value(json_object_get(work, "id")), json_true());
    }
    return PP_OK;
}

pp_status pp_prefset_read(pp_prefset *s, const char *path, int keep_going, size_t *nbad,
                          pp_error *err)
{
    pp_reader *r = NULL;
    if (nbad)
        *nbad = 0;
    pp_status st = pp_reader_open(path, &r, err);
    if (st != PP_OK)
        return st;
    pp_status first = PP_OK;
    for (;;) {
        json_t *rec = NULL;
        pp_error e;
        pp_error_clear(&e);
        st = pp_reader_next(r, &rec, &e);
        if (st == PP_OK && !rec)
            break;
        if (st == PP_OK)
            st = pp_prefset_add(s, rec, pp_reader_name(r), pp_reader_lineno(r), &e);
        json_decref(rec);
        if (st == PP_OK)
            continue;
        if (nbad)
            (*nbad)++;
        if (first == PP_OK) {
            first = st;
            if (err)
                *err = e;
        }
        if (!keep_going || st == PP_ERR_IO || st == PP_ERR_STREAM || st == PP_ERR_NOMEM)
            break;
    }
    pp_reader_close(r);
    return first;
}

/* ================================================================ alpha */

double pp_krippendorff_alpha_nominal(const int *const *values, const size_t *m, size_t nunits,
                                     size_t *npairable)
{
    /* Coincidences o_ck = sum_u sum_{i != j} [v_i = c][v_j = k] / (m_u - 1);
     * n_c = sum_k o_ck; n = sum_c n_c;
     * alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k. */
    int maxv = -1;
    for (size_t u = 0; u < nunits; u++)
        for (size_t i = 0; i < m[u]; i++)
            if (values[u][i] > maxv)
                maxv = values[u][i];
    if (npairable)
        *npairable = 0;
    if (maxv < 0)
        return NAN;
    size_t V = (size_t)maxv + 1;
    double *o = calloc(V * V, sizeof *o);
    size_t *cnt = calloc(V, sizeof *cnt);
    if (!o || !cnt) {
        free(o), free(cnt);
        return NAN;
    }
    for (size_t u = 0; u < nunits; u++) {
        if (m[u] < 2)
            continue;
        memset(cnt, 0, V * sizeof *cnt);
        for (size_t i = 0; i < m[u]; i++)
            cnt[values[u][i]]++;
        double w = 1.0 / (double)(m[u] - 1);
        for (size_t c = 0; c < V; c++) {
            if (!cnt[c])
                continue;
            for (size_t k = 0; k < V; k++) {
                if (!cnt[k])
                    continue;
                double pairs = c == k ? (double)cnt[c] * (double)(cnt[c] - 1)
                                      : (double)cnt[c] * (double)cnt[k];
                o[c * V + k] += pairs * w;
            }
        }
    }
    double n = 0, dis_o = 0, dis_e = 0;
    double *nc = calloc(V, sizeof *nc);
    if (!nc) {
        free(o), free(cnt);
        return NAN;
    }
    for (size_t c = 0; c < V; c++)
        for (size_t k = 0; k < V; k++) {
            nc[c] += o[c * V + k];
            if (c != k)
                dis_o += o[c * V + k];
        }
    for (size_t c = 0; c < V; c++)
        n += nc[c];
    for (size_t c = 0; c < V; c++)
        for (size_t k = 0; k < V; k++)
            if (c != k)
                dis_e += nc[c] * nc[k];
    free(o), free(cnt), free(nc);
    if (npairable)
        *npairable = (size_t)llround(n);
    if (n < 2 || dis_e <= 0)
        return NAN;
    return 1.0 - (n - 1.0) * dis_o / dis_e;
}

/* ================================================================ stats */

static int resp_index(const json_t *item, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(item, "responses"), i, r) {
        if (strcmp(json_string_value(json_object_get(r, "id")), id) == 0)
            return (int)i;
    }
    return -1;
}

/* Does a judgement's annotator belong to group `g` of dimension `dim`?
 * (g NULL: any judgement.) */
static int in_group(const json_t *j, const char *dim, const char *g)
{
    if (!g)
        return 1;
    const json_t *v = json_object_get(json_object_get(j, "groups"), dim);
    if (json_is_string(v))
        return strcmp(json_string_value(v), g) == 0;
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) if (strcmp(json_string_value(x), g) == 0) return 1;
    return 0;
}

static int share_group(const json_t *a, const json_t *b, const char *dim, int *both)
{
    const json_t *va = json_object_get(json_object_get(a, "groups"), dim);
    const json_t *vb = json_object_get(json_object_get(b, "groups"), dim);
    *both = va && vb;
    if (!*both)
        return 0;
    if (json_is_string(va))
        return in_group(b, dim, json_string_value(va));
    size_t i;
    json_t *x;
    json_array_foreach(va, i, x) if (in_group(b, dim, json_string_value(x))) return 1;
    return 0;
}

/* alpha over the judgements of group g (NULL: all). */
static double alpha_for(const pp_prefset *s, const char *dim, const char *g, size_t *npair,
                        size_t *njudge)
{
    size_t nu = json_array_size(s->items);
    int **vals = calloc(nu ? nu : 1, sizeof *vals);
    size_t *m = calloc(nu ? nu : 1, sizeof *m);
    size_t total = 0;
    for (size_t u = 0; vals && m && u < nu; u++) {
        const json_t *item = json_array_get(s->items, u);
        const json_t *js = json_object_get(item, "judgements");
        vals[u] = calloc(json_array_size(js) + 1, sizeof **vals);
        if (!vals[u])
            continue;
        size_t i;
        json_t *j;
        json_array_foreach(js, i, j) {
            if (!in_group(j, dim, g))
                continue;
            int v = resp_index(item, json_string_value(json_object_get(j, "preferred")));
            if (v >= 0)
                vals[u][m[u]++] = v, total++;
        }
    }
    double a = (vals && m) ? pp_krippendorff_alpha_nominal((const int *const *)vals, m, nu, npair)
                           : NAN;
    for (size_t u = 0; vals && u < nu; u++)
        free(vals[u]);
    free(vals), free(m);
    if (njudge)
        *njudge = total;
    return a;
}

static json_t *num_or_null(double x) { return isfinite(x) ? json_real(x) : json_null(); }

/* Group values of dimension dim, in order of first appearance in the annotators file. */
static json_t *group_values(const pp_annotators *a, const char *dim)
{
    json_t *out = json_array();
    const char *id;
    json_t *g;
    json_object_foreach(a->byid, id, g) {
        const json_t *v = json_object_get(g, dim);
        json_t *list = json_is_array(v) ? (json_t *)v : NULL;
        size_t n = list ? json_array_size(list) : (v ? 1 : 0);
        for (size_t i = 0; i < n; i++) {
            const char *s = json_string_value(list ? json_array_get(list, i) : v);
            int seen = 0;
            size_t k;
            json_t *x;
            json_array_foreach(out, k, x) seen |= strcmp(json_string_value(x), s) == 0;
            if (!seen)
                json_array_append_new(out, json_string(s));
        }
    }
    return out;
}

/* Index of the unique most preferred response among counts, -1 on a tie or none. */
static int argmax_unique(const size_t *c, size_t n)
{
    int best = -1;
    size_t bv = 0;
    int tie = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i] > bv) {
            bv = c[i], best = (int)i, tie = 0;
        } else if (c[i] == bv && bv > 0) {
            tie = 1;
        }
    }
    return tie ? -1 : best;
}

static json_t *dimension_report(const pp_prefset *s, const char *dim)
{
    json_t *groups = group_values(s->ann, dim);
    size_t ng = json_array_size(groups);
    json_t *rows = json_array();
    for (size_t gi = 0; gi < ng; gi++) {
        const char *g = json_string_value(json_array_get(groups, gi));
        size_t npair = 0, nj = 0, nann = 0;
        double a = alpha_for(s, dim, g, &npair, &nj);
        const char *id;
        json_t *gr;
        json_object_foreach(s->ann->byid, id, gr) {
            json_t *tmp = json_pack("{s:O}", "groups", gr);
            nann += in_group(tmp, dim, g);
            json_decref(tmp);
        }
        json_array_append_new(rows, json_pack("{s:s,s:I,s:I,s:o,s:I}", "group", g, "annotators",
                                               (json_int_t)nann, "judgements", (json_int_t)nj,
                                               "alpha", num_or_null(a), "pairable",
                                               (json_int_t)npair));
    }
    /* pairwise agreement within vs across groups */
    double agree_w = 0, pairs_w = 0, agree_b = 0, pairs_b = 0;
    size_t nu = json_array_size(s->items);
    json_t *disagree = json_array();
    size_t *overruled = calloc(ng ? ng : 1, sizeof *overruled);
    size_t *gjudg = calloc(ng ? ng : 1, sizeof *gjudg);
    size_t *gcontra = calloc(ng ? ng : 1, sizeof *gcontra);
    size_t *follows = calloc(ng ? ng : 1, sizeof *follows);
    for (size_t u = 0; u < nu; u++) {
        const json_t *item = json_array_get(s->items, u);
        const json_t *js = json_object_get(item, "judgements");
        size_t nj = json_array_size(js);
        for (size_t i = 0; i < nj; i++)
            for (size_t k = i + 1; k < nj; k++) {
                const json_t *a = json_array_get(js, i), *b = json_array_get(js, k);
                int both;
                int same = share_group(a, b, dim, &both);
                if (!both)
                    continue;
                int agree = strcmp(json_string_value(json_object_get(a, "preferred")),
                                   json_string_value(json_object_get(b, "preferred"))) == 0;
                if (same)
                    pairs_w++, agree_w += agree;
                else
                    pairs_b++, agree_b += agree;
            }
        /* per-group preference on this prompt */
        size_t nr = json_array_size(json_object_get(item, "responses"));
        size_t *all = calloc(nr ? nr : 1, sizeof *all);
        size_t *gc = calloc((ng ? ng : 1) * (nr ? nr : 1), sizeof *gc);
        if (!all || !gc) {
            free(all), free(gc);
            continue;
        }
        for (size_t i = 0; i < nj; i++) {
            const json_t *j = json_array_get(js, i);
            int v = resp_index(item, json_string_value(json_object_get(j, "preferred")));
            if (v < 0)
                continue;
            all[v]++;
            for (size_t gi = 0; gi < ng; gi++)
                if (in_group(j, dim, json_string_value(json_array_get(groups, gi))))
                    gc[gi * nr + (size_t)v]++;
        }
        int maj = argmax_unique(all, nr);
        int differ = 0, firstpref = -2;
        for (size_t gi = 0; gi < ng; gi++) {
            int p = argmax_unique(gc + gi * nr, nr);
            if (p < 0)
                continue;
            if (firstpref == -2)
                firstpref = p;
            else if (p != firstpref)
                differ = 1;
        }
        for (size_t gi = 0; gi < ng; gi++) {
            size_t tot = 0;
            for (size_t r = 0; r < nr; r++)
                tot += gc[gi * nr + r];
            gjudg[gi] += tot;
            if (maj >= 0)
                gcontra[gi] += tot - gc[gi * nr + (size_t)maj];
        }
        if (differ) {
            json_t *per = json_object();
            json_t *over = json_array();
            for (size_t gi = 0; gi < ng; gi++) {
                const char *g = json_string_value(json_array_get(groups, gi));
                json_t *counts = json_object();
                for (size_t r = 0; r < nr; r++)
                    json_object_set_new(
                        counts,
                        json_string_value(json_object_get(
                            json_array_get(json_object_get(item, "responses"), r), "id")),
                        json_integer((json_int_t)gc[gi * nr + r]));
                int p = argmax_unique(gc + gi * nr, nr);
                const char *pid =
                    p >= 0 ? json_string_value(json_object_get(
                                 json_array_get(json_object_get(item, "responses"), (size_t)p), "id"))
                           : NULL;
                json_object_set_new(per, g, json_pack("{s:o,s:o}", "counts", counts, "preferred",
                                                      pid ? json_string(pid) : json_null()));
                if (p >= 0 && maj >= 0 && p != maj) {
                    json_array_append_new(over, json_string(g));
                    overruled[gi]++;
                }
                if (p >= 0 && maj >= 0 && p == maj)
                    follows[gi]++;
            }
            const char *mid =
                maj >= 0 ? json_string_value(json_object_get(
                               json_array_get(json_object_get(item, "responses"), (size_t)maj), "id"))
                         : NULL;
            json_array_append_new(
                disagree, json_pack("{s:O,s:O,s:o,s:o,s:o}", "id", json_object_get(item, "id"),
                                    "prompt", json_object_get(item, "prompt"), "groups", per,
                                    "majority", mid ? json_string(mid) : json_null(), "overruled",
                                    over));
        }
        free(all), free(gc);
    }
    json_t *summary = json_array();
    for (size_t gi = 0; gi < ng; gi++)
        json_array_append_new(
            summary, json_pack("{s:s,s:I,s:I,s:o}", "group",
                               json_string_value(json_array_get(groups, gi)), "overruled_prompts",
                               (json_int_t)overruled[gi], "followed_prompts",
                               (json_int_t)follows[gi], "judgements_contradicted_by_majority",
                               num_or_null(gjudg[gi] ? (double)gcontra[gi] / (double)gjudg[gi]
                                                     : NAN)));
    free(overruled), free(gjudg), free(gcontra), free(follows);
    json_t *rep = json_pack(
        "{s:s,s:o,s:{s:o,s:I,s:o,s:I},s:I,s:o,s:o}", "dimension", dim, "groups", rows, "between",
        "agreement_within", num_or_null(pairs_w ? agree_w / pairs_w : NAN), "pairs_within",
        (json_int_t)pairs_w, "agreement_across", num_or_null(pairs_b ? agree_b / pairs_b : NAN),
        "pairs_across", (json_int_t)pairs_b, "prompts_where_groups_differ",
        (json_int_t)json_array_size(disagree), "disagreements", disagree, "majority_effect",
        summary);
    json_decref(groups);
    return rep;
}

pp_status pp_prefs_stats(const pp_prefset *s, const pp_prefs_stats_opts *o, json_t **out,
                         pp_error *err)
{
    size_t npair = 0, nj = 0;
    double a = alpha_for(s, NULL, NULL, &npair, &nj);
    json_t *guides = json_array();
    size_t u;
    json_t *item;
    json_array_foreach(s->items, u, item) {
        size_t i;
        json_t *j;
        json_array_foreach(json_object_get(item, "judgements"), i, j) {
            const char *g = json_string_value(json_object_get(j, "guideline"));
            int seen = 0;
            size_t k;
            json_t *x;
            json_array_foreach(guides, k, x) seen |= strcmp(json_string_value(x), g) == 0;
            if (!seen)
                json_array_append_new(guides, json_string(g));
        }
    }
    json_t *dims = json_array();
    const char *by = o ? o->by : NULL;
    if (by && !dims_has(s->ann->dims, by)) {
        json_decref(guides), json_decref(dims);
        return pp_error_set(err, PP_ERR_NOT_FOUND, s->ann->path, 0,
                            "no annotator declares a group \"%s\"", by);
    }
    size_t d;
    json_t *dn;
    json_array_foreach(s->ann->dims, d, dn) {
        if (by && strcmp(by, json_string_value(dn)) != 0)
            continue;
        json_array_append_new(dims, dimension_report(s, json_string_value(dn)));
    }
    *out = json_pack("{s:I,s:I,s:I,s:o,s:{s:o,s:I},s:o}", "prompts",
                     (json_int_t)json_array_size(s->items), "judgements", (json_int_t)nj,
                     "annotators", (json_int_t)pp_annotators_count(s->ann), "guidelines", guides,
                     "alpha_overall", "alpha", num_or_null(a), "pairable", (json_int_t)npair,
                     "dimensions", dims);
    return *out ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
}

static void print_num(FILE *f, const json_t *v)
{
    if (json_is_number(v))
        fprintf(f, "%.3f", json_number_value(v));
    else
        fputs("undefined", f);
}

void pp_prefs_stats_print(const json_t *r, FILE *f)
{
    long long np = (long long)json_integer_value(json_object_get(r, "prompts")),
              nj = (long long)json_integer_value(json_object_get(r, "judgements")),
              na = (long long)json_integer_value(json_object_get(r, "annotators"));
    fprintf(f, "%lld prompt%s, %lld judgement%s, %lld annotator%s; %s:", np, np == 1 ? "" : "s",
            nj, nj == 1 ? "" : "s", na, na == 1 ? "" : "s",
            json_array_size(json_object_get(r, "guidelines")) == 1 ? "guideline" : "guidelines");
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "guidelines"), i, x) fprintf(f, " %s",
                                                                       json_string_value(x));
    fputc('\n', f);
    const json_t *ov = json_object_get(r, "alpha_overall");
    fputs("Krippendorff's alpha (nominal), all annotators pooled: ", f);
    print_num(f, json_object_get(ov, "alpha"));
    fprintf(f, " (%lld pairable judgements)\n",
            (long long)json_integer_value(json_object_get(ov, "pairable")));
    json_array_foreach(json_object_get(r, "dimensions"), i, x) {
        const char *dim = json_string_value(json_object_get(x, "dimension"));
        fprintf(f, "\nby %s:\n  %-20s %10s %10s %8s\n", dim, "group", "annotators", "judgements",
                "alpha");
        size_t k;
        json_t *g;
        json_array_foreach(json_object_get(x, "groups"), k, g) {
            char al[32];
            const json_t *av = json_object_get(g, "alpha");
            if (json_is_number(av))
                snprintf(al, sizeof al, "%.3f", json_number_value(av));
            else
                snprintf(al, sizeof al, "undefined");
            fprintf(f, "  %-20s %10lld %10lld %8s\n", json_string_value(json_object_get(g, "group")),
                    (long long)json_integer_value(json_object_get(g, "annotators")),
                    (long long)json_integer_value(json_object_get(g, "judgements")), al);
        }
        const json_t *b = json_object_get(x, "between");
        fputs("  agreement between two judgements of the same prompt: same group ", f);
        print_num(f, json_object_get(b, "agreement_within"));
        fputs(", different groups ", f);
        print_num(f, json_object_get(b, "agreement_across"));
        fputc('\n', f);
        long nd = (long)json_integer_value(json_object_get(x, "prompts_where_groups_differ"));
        fprintf(f, "  prompts where the groups' preferences differ: %ld of %lld\n", nd,
                (long long)json_integer_value(json_object_get(r, "prompts")));
        json_array_foreach(json_object_get(x, "disagreements"), k, g) {
            fprintf(f, "    %-10s", json_string_value(json_object_get(g, "id")));
            const char *gn;
            json_t *pg;
            json_object_foreach(json_object_get(g, "groups"), gn, pg) {
                const json_t *p = json_object_get(pg, "preferred");
                fprintf(f, "  %s: %s (", gn, json_is_string(p) ? json_string_value(p) : "tie");
                const char *rid;
                json_t *c;
                int first = 1;
                json_object_foreach(json_object_get(pg, "counts"), rid, c) {
                    fprintf(f, "%s%s=%lld", first ? "" : " ", rid,
                            (long long)json_integer_value(c));
                    first = 0;
                }
                fputc(')', f);
            }
            const json_t *m = json_object_get(g, "majority");
            fprintf(f, "  majority: %s", json_is_string(m) ? json_string_value(m) : "tie");
            size_t q;
            json_t *o;
            json_array_foreach(json_object_get(g, "overruled"), q, o) fprintf(
                f, "%s%s", q ? ", " : " -> overrules ", json_string_value(o));
            fputc('\n', f);
        }
        if (nd > 0) {
            json_array_foreach(json_object_get(x, "majority_effect"), k, g) {
                long over = (long)json_integer_value(json_object_get(g, "overruled_prompts"));
                fprintf(f, "  majority vote overrules %s=%s on %ld of %ld such prompts; ",
                        dim, json_string_value(json_object_get(g, "group")), over, nd);
                fputs("contradicts ", f);
                const json_t *c = json_object_get(g, "judgements_contradicted_by_majority");
                if (json_is_number(c))
                    fprintf(f, "%.0f%%", 100.0 * json_number_value(c));
                else
                    fputs("-", f);
                fputs(" of its judgements overall\n", f);
            }
            fprintf(f, "  NOTE: the groups disagree on %ld prompt%s; a majority vote would hide "
                       "this between-group disagreement (use --aggregate per-group or "
                       "distribution to keep it).\n",
                    nd, nd == 1 ? "" : "s");
        }
    }
}

/* ================================================================ aggregation */

static const char *resp_text(const json_t *item, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(item, "responses"), i),
                                             "text"));
}

static const char *resp_id(const json_t *item, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(item, "responses"), i),
                                             "id"));
}

/* Base of every pair: prompt, provenance (annotators, guidelines). */
static json_t *pair_base(const json_t *item, const char *how, size_t a, size_t b)
{
    char id[512];
    snprintf(id, sizeof id, "%s:%s>%s", json_string_value(json_object_get(item, "id")),
             resp_id(item, a), resp_id(item, b));
    json_t *p = json_pack("{s:s,s:s,s:O,s:s,s:s,s:s}", "id", id, "source_id",
                          json_string_value(json_object_get(item, "id")), "prompt",
                          json_object_get(item, "prompt"), "chosen", resp_text(item, a),
                          "rejected", resp_text(item, b), "aggregate", how);
    const json_t *lang = json_object_get(item, "lang");
    if (lang)
        json_object_set(p, "lang", (json_t *)lang);
    json_t *anns = json_array(), *gls = json_array();
    size_t i;
    json_t *j;
    json_array_foreach(json_object_get(item, "judgements"), i, j) {
        json_array_append(anns, json_object_get(j, "annotator"));
        const char *g = json_string_value(json_object_get(j, "guideline"));
        int seen = 0;
        size_t k;
        json_t *x;
        json_array_foreach(gls, k, x) seen |= strcmp(json_string_value(x), g) == 0;
        if (!seen)
            json_array_append_new(gls, json_string(g));
    }
    json_object_set_new(p, "annotators", anns);
    json_object_set_new(p, "guidelines", gls);
    return p;
}

static void count_prefs(const json_t *item, const char *dim, const char *g, size_t *c, size_t nr)
{
    memset(c, 0, nr * sizeof *c);
    size_t i;
    json_t *j;
    json_array_foreach(json_object_get(item, "judgements"), i, j) {
        if (!in_group(j, dim, g))
            continue;
        int v = resp_index(item, json_string_value(json_object_get(j, "preferred")));
        if (v >= 0)
            c[v]++;
    }
}

static json_t *shares(const json_t *item, const size_t *c, size_t nr)
{
    size_t tot = 0;
    for (size_t r = 0; r < nr; r++)
        tot += c[r];
    json_t *o = json_object();
    for (size_t r = 0; r < nr; r++)
        json_object_set_new(o, resp_id(item, r), json_real(tot ? (double)c[r] / (double)tot : 0));
    return o;
}

pp_status pp_prefs_aggregate_pairs(const pp_prefset *s, pp_prefs_aggregate how, const char *by,
                                   pp_prefs_emit_fn emit, void *ud, size_t *dropped,
                                   pp_error *err)
{
    size_t drop = 0;
    if (how == PP_AGG_PER_GROUP && (!by || !dims_has(s->ann->dims, by)))
        return pp_error_set(err, PP_ERR_INVALID, s->ann->path, 0,
                            "per-group aggregation needs a group dimension the annotators file "
                            "declares (--by %s)",
                            by ? by : "DIM");
    json_t *groups = how == PP_AGG_PER_GROUP ? group_values(s->ann, by) : NULL;
    pp_status st = PP_OK;
    size_t u;
    json_t *item;
    json_array_foreach(s->items, u, item) {
        if (st != PP_OK)
            break;
        size_t nr = json_array_size(json_object_get(item, "responses"));
        size_t *c = calloc(nr ? nr : 1, sizeof *c);
        if (!c) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            break;
        }
        if (how == PP_AGG_MAJORITY) {
            count_prefs(item, NULL, NULL, c, nr);
            int m = argmax_unique(c, nr);
            if (m < 0)
                drop++;
            size_t tot = 0;
            for (size_t r = 0; r < nr; r++)
                tot += c[r];
            for (size_t r = 0; m >= 0 && r < nr && st == PP_OK; r++) {
                if ((int)r == m)
                    continue;
                json_t *p = pair_base(item, "majority", (size_t)m, r);
                json_object_set_new(p, "p_chosen", json_real((double)c[m] / (double)tot));
                json_object_set_new(p, "votes_chosen", json_integer((json_int_t)c[m]));
                json_object_set_new(p, "votes_rejected", json_integer((json_int_t)c[r]));
                st = emit(p, ud, err);
                json_decref(p);
            }
        } else if (how == PP_AGG_PER_GROUP) {
            size_t gi;
            json_t *gv;
            json_array_foreach(groups, gi, gv) {
                if (st != PP_OK)
                    break;
                const char *g = json_string_value(gv);
                count_prefs(item, by, g, c, nr);
                size_t tot = 0;
                for (size_t r = 0; r < nr; r++)
                    tot += c[r];
                if (!tot)
                    continue;
                int m = argmax_unique(c, nr);
                if (m < 0) {
                    drop++;
                    continue;
                }
                for (size_t r = 0; r < nr && st == PP_OK; r++) {
                    if ((int)r == m)
                        continue;
                    json_t *p = pair_base(item, "per-group", (size_t)m, r);
                    char gid[600];
                    snprintf(gid, sizeof gid, "%s@%s=%s", json_string_value(json_object_get(p, "id")),
                             by, g);
                    json_object_set_new(p, "id", json_string(gid));
                    json_object_set_new(p, "group", json_string(g));
                    json_object_set_new(p, "group_dimension", json_string(by));
                    json_object_set_new(p, "p_chosen", json_real((double)c[m] / (double)tot));
                    json_object_set_new(p, "votes_chosen", json_integer((json_int_t)c[m]));
                    json_object_set_new(p, "votes_rejected", json_integer((json_int_t)c[r]));
                    st = emit(p, ud, err);
                    json_decref(p);
                }
            }
        } else {
            count_prefs(item, NULL, NULL, c, nr);
            size_t tot = 0;
            for (size_t r = 0; r < nr; r++)
                tot += c[r];
            if (!tot)
                drop++;
            json_t *dist = shares(item, c, nr);
            /* the same shares within every group of every dimension */
            json_t *gd = json_object();
            size_t d;
            json_t *dn;
            json_array_foreach(s->ann->dims, d, dn) {
                const char *dim = json_string_value(dn);
                json_t *gs = group_values(s->ann, dim), *o = json_object();
                size_t gi;
                json_t *gv;
                size_t *gc = calloc(nr ? nr : 1, sizeof *gc);
                json_array_foreach(gs, gi, gv) {
                    if (!gc)
                        break;
                    count_prefs(item, dim, json_string_value(gv), gc, nr);
                    size_t gt = 0;
                    for (size_t r = 0; r < nr; r++)
                        gt += gc[r];
                    if (gt)
                        json_object_set_new(o, json_string_value(gv), shares(item, gc, nr));
                }
                free(gc);
                json_object_set_new(gd, dim, o);
                json_decref(gs);
            }
            for (size_t a = 0; tot && a < nr && st == PP_OK; a++) {
                if (!c[a])
                    continue;
                for (size_t b = 0; b < nr && st == PP_OK; b++) {
                    if (a == b)
                        continue;
                    json_t *p = pair_base(item, "distribution", a, b);
                    json_object_set_new(p, "weight", json_real((double)c[a] / (double)tot));
                    json_object_set_new(p, "p_chosen", json_real((double)c[a] / (double)tot));
                    json_object_set(p, "distribution", dist);
                    json_object_set(p, "group_distribution", gd);
                    st = emit(p, ud, err);
                    json_decref(p);
                }
            }
            json_decref(dist);
            json_decref(gd);
        }
        free(c);
    }
    json_decref(groups);
    if (dropped)
        *dropped = drop;
    return st;
}
