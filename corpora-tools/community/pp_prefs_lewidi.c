/* pp_prefs_lewidi.c — LeWiDi items and annotator metadata read into
 * judgements grouped by metadata, group-conditioned preference records, and
 * the preference set `prefs stats` measures (docs/prefs.md). */
#include "config.h"

#include "corpora-tools/community/pp_prefs_lewidi.h"
#include "src/pp_stream.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pp_lewidi {
    json_t *meta;   /* annotator id -> metadata object */
    json_t *fields; /* group-by field names */
    json_t *labels; /* declared labels given by the caller, or NULL */
    json_t *items;  /* normalised items (see item_read) */
    json_t *issues;
    char *dim;
    char meta_path[512];
};

void pp_lewidi_free(pp_lewidi *l)
{
    if (!l)
        return;
    json_decref(l->meta);
    json_decref(l->fields);
    json_decref(l->labels);
    json_decref(l->items);
    json_decref(l->issues);
    free(l->dim);
    free(l);
}

const json_t *pp_lewidi_issues(const pp_lewidi *l) { return l->issues; }
size_t pp_lewidi_item_count(const pp_lewidi *l) { return json_array_size(l->items); }
const char *pp_lewidi_dimension(const pp_lewidi *l) { return l->dim; }

static void issue(pp_lewidi *l, const char *file, const char *item, const char *ann,
                  const char *kind, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void issue(pp_lewidi *l, const char *file, const char *item, const char *ann,
                  const char *kind, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "file", file, "item", item, "kind", kind,
                          "reason", msg);
    if (ann)
        json_object_set_new(o, "annotator", json_string(ann));
    json_array_append_new(l->issues, o);
}

/* Remove, in place, each comma that only white space separates from a
 * closing } or ] (outside strings). Returns the new length. */
static size_t drop_trailing_commas(char *d, size_t len)
{
    size_t w = 0;
    int in_str = 0, esc = 0;
    for (size_t r = 0; r < len; r++) {
        char c = d[r];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == ',') {
            size_t k = r + 1;
            while (k < len && (d[k] == ' ' || d[k] == '\t' || d[k] == '\n' || d[k] == '\r'))
                k++;
            if (k < len && (d[k] == '}' || d[k] == ']'))
                continue;
        }
        d[w++] = c;
    }
    return w;
}

static pp_status slurp_json(const char *path, json_t **out, pp_error *err)
{
    char *data = NULL;
    size_t len = 0;
    pp_status st = pp_input_slurp_path(path, &data, &len, err);
    if (st != PP_OK)
        return st;
    json_error_t je;
    *out = json_loadb(data, len, 0, &je);
    if (!*out) {
        /* a comma before a closing bracket is not JSON, but the published
         * VariErrNLI metadata has them: drop those commas and try again */
        size_t n = drop_trailing_commas(data, len);
        if (n != len)
            *out = json_loadb(data, n, 0, NULL);
    }
    free(data);
    if (!*out)
        return pp_error_set(err, PP_ERR_PARSE, path, je.line, "not JSON: %s", je.text);
    return PP_OK;
}

/* Labels compare as numbers when they are numbers: "1.0" and "1" are one
 * label (MP's soft_label keys "0.0"/"1.0" against annotations "0"/"1"). */
static void label_canon(const char *s, char *out, size_t cap)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf - 1 ? n : sizeof buf - 1), s);
    char *end = NULL;
    double v = n ? strtod(buf, &end) : 0;
    if (n && end && *end == '\0' && isfinite(v))
        snprintf(out, cap, "%.15g", v == 0 ? 0.0 : v);
    else
        snprintf(out, cap, "%s", buf);
}

static void json_label(const json_t *v, char *out, size_t cap)
{
    if (json_is_string(v))
        label_canon(json_string_value(v), out, cap);
    else if (json_is_number(v)) {
        char b[64];
        snprintf(b, sizeof b, "%.17g", json_number_value(v));
        label_canon(b, out, cap);
    } else
        out[0] = '\0';
}

static int arr_has(const json_t *a, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

/* Split on commas into canonical labels (sorted, without repeats). */
static json_t *split_labels(const char *s)
{
    json_t *a = json_array();
    const char *p = s;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char piece[256], lab[256];
        snprintf(piece, sizeof piece, "%.*s", (int)(n < 255 ? n : 255), p);
        label_canon(piece, lab, sizeof lab);
        if (*lab && !arr_has(a, lab)) {
            size_t at = 0;
            while (at < json_array_size(a) &&
                   strcmp(json_string_value(json_array_get(a, at)), lab) < 0)
                at++;
            json_array_insert_new(a, at, json_string(lab));
        }
        if (!c)
            break;
        p = c + 1;
    }
    return a;
}

/* Metadata of annotator `id`: the key itself, else without an "Ann" prefix
 * (MP names annotators "Ann12" in items and "12" in its metadata). */
static const json_t *meta_of(const pp_lewidi *l, const char *id)
{
    const json_t *m = json_object_get(l->meta, id);
    if (!m && strncmp(id, "Ann", 3) == 0)
        m = json_object_get(l->meta, id + 3);
    return m;
}

/* A metadata value as a group value; NULL when missing (absent, null, empty
 * or "DATA_EXPIRED", Prolific's mark for withdrawn data). */
static const char *meta_value(const json_t *m, const char *field, char *buf, size_t cap)
{
    const json_t *v = json_object_get(m, field);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (!*s || strcmp(s, "DATA_EXPIRED") == 0)
            return NULL;
        snprintf(buf, cap, "%s", s);
        return buf;
    }
    if (json_is_number(v)) {
        snprintf(buf, cap, "%.15g", json_number_value(v));
        return buf;
    }
    if (json_is_boolean(v)) {
        snprintf(buf, cap, "%s", json_is_true(v) ? "true" : "false");
        return buf;
    }
    return NULL;
}

/* The text shown to annotators: a string, or an object of named texts
 * (CSC context/response, MP post/reply, Par Question1/Question2, VariErrNLI
 * context/statement, ConvAbuse's turns, possibly as a JSON string). */
static char *render_text(const json_t *t)
{
    json_t *parsed = NULL;
    if (json_is_string(t)) {
        const char *s = json_string_value(t);
        if (s[0] == '{')
            parsed = json_loads(s, 0, NULL);
        if (!json_is_object(parsed)) {
            json_decref(parsed);
            return strdup(s);
        }
        t = parsed;
    }
    if (!json_is_object(t))
        return NULL;
    size_t cap = 64, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)t, k, v) {
        char *vs = json_is_string(v) ? strdup(json_string_value(v))
                                     : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!vs)
            continue;
        size_t need = len + strlen(k) + strlen(vs) + 4;
        if (need >= cap) {
            while (need >= cap)
                cap *= 2;
            char *n = realloc(out, cap);
            if (!n) {
                free(vs);
                break;
            }
            out = n;
        }
        len += (size_t)sprintf(out + len, "%s%s: %s", len ? "\n" : "", k, vs);
        free(vs);
    }
    json_decref(parsed);
    return out;
}

/* One item into l->items:
 *   {"id","file","prompt","lang","split"?,"task"?,"labels":[...],
 *    "judgements":[{"annotator","labels":[...],"value","group"}]} */
static void item_read(pp_lewidi *l, const char *file, const char *id, const json_t *it)
{
    if (!json_is_object(it)) {
        issue(l, file, id, NULL, "item", "%s: item %s: not a JSON object", file, id);
        return;
    }
    char *text = render_text(json_object_get(it, "text"));
    if (!text) {
        issue(l, file, id, NULL, "item", "%s: item %s: no \"text\" (a string or an object of texts)",
              file, id);
        return;
    }
    const char *task = json_string_value(json_object_get(it, "annotation task"));
    const char *lang = json_string_value(json_object_get(it, "lang"));
    const char *split = json_string_value(json_object_get(it, "split"));
    /* the declared labels: soft_label's keys, else those seen */
    json_t *declared = l->labels ? json_copy(l->labels) : NULL;
    const json_t *soft = json_object_get(it, "soft_label");
    if (!declared && json_is_object(soft) && json_object_size(soft)) {
        declared = json_array();
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)soft, k, v) {
            char lab[256];
            label_canon(k, lab, sizeof lab);
            if (!arr_has(declared, lab))
                json_array_append_new(declared, json_string(lab));
        }
    }
    /* (annotator, raw label) pairs: a dict (2025), or comma-separated
     * annotators with comma-separated (2023) or listed annotations */
    json_t *pairs = json_array();
    const json_t *an = json_object_get(it, "annotations");
    const char *who = json_string_value(json_object_get(it, "annotators"));
    int ok = 1;
    if (json_is_object(an)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)an, k, v) json_array_append_new(pairs, json_pack("[s,O]", k, v));
    } else if ((json_is_string(an) || json_is_array(an)) && who) {
        json_t *ids = json_array(), *vals = json_array();
        for (const char *p = who;;) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            while (n && *p == ' ')
                p++, n--;
            while (n && p[n - 1] == ' ')
                n--;
            json_array_append_new(ids, json_stringn(p, n));
            if (!c)
                break;
            p = c + 1;
        }
        if (json_is_array(an)) {
            json_array_extend(vals, (json_t *)an);
        } else {
            for (const char *p = json_string_value(an);;) {
                const char *c = strchr(p, ',');
                size_t n = c ? (size_t)(c - p) : strlen(p);
                json_array_append_new(vals, json_stringn(p, n));
                if (!c)
                    break;
                p = c + 1;
            }
        }
        if (json_array_size(ids) != json_array_size(vals)) {
            issue(l, file, id, NULL, "item",
                  "%s: item %s: %zu annotators but %zu annotations (they pair up in order)", file,
                  id, json_array_size(ids), json_array_size(vals));
            ok = 0;
        } else {
            for (size_t i = 0; i < json_array_size(ids); i++)
                json_array_append_new(pairs, json_pack("[O,O]", json_array_get(ids, i),
                                                       json_array_get(vals, i)));
        }
        json_decref(ids), json_decref(vals);
    } else {
        issue(l, file, id, NULL, "item",
              "%s: item %s: no \"annotations\" (an object by annotator, or a comma-separated "
              "list with \"annotators\")",
              file, id);
        ok = 0;
    }
    json_t *seen = json_array(), *js = json_array();
    size_t i;
    json_t *pr;
    json_array_foreach(pairs, i, pr) {
        if (!ok)
            break;
        const char *ann = json_string_value(json_array_get(pr, 0));
        const json_t *v = json_array_get(pr, 1);
        json_t *labs;
        if (json_is_string(v) && json_is_object(an)) {
            labs = split_labels(json_string_value(v)); /* VariErrNLI: "contradiction,neutral" */
        } else {
            char lab[256];
            json_label(v, lab, sizeof lab);
            labs = json_array();
            if (*lab)
                json_array_append_new(labs, json_string(lab));
        }
        if (arr_has(seen, ann)) {
            issue(l, file, id, ann, "judgement", "%s: item %s: annotator %s appears twice", file,
                  id, ann);
            json_decref(labs);
            continue;
        }
        json_array_append_new(seen, json_string(ann));
        if (json_array_size(labs) == 0) {
            issue(l, file, id, ann, "judgement", "%s: item %s: annotator %s gives no label", file,
                  id, ann);
            json_decref(labs);
            continue;
        }
        const char *bad = NULL;
        size_t k;
        json_t *x;
        json_array_foreach(labs, k, x) if (declared && !arr_has(declared, json_string_value(x)))
            bad = json_string_value(x);
        if (bad) {
            char *dl = json_dumps(declared, JSON_COMPACT);
            issue(l, file, id, ann, "judgement",
                  "%s: item %s: annotator %s gives label \"%s\", not one of the declared labels "
                  "%s (soft_label)",
                  file, id, ann, bad, dl ? dl : "");
            free(dl);
            json_decref(labs);
            continue;
        }
        const json_t *m = meta_of(l, ann);
        if (!m) {
            issue(l, file, id, ann, "judgement",
                  "%s: item %s: unknown annotator %s (not in the annotator metadata %s)", file, id,
                  ann, l->meta_path);
            json_decref(labs);
            continue;
        }
        char group[1024] = "";
        size_t len = 0, f;
        json_t *fn;
        const char *missing = NULL;
        json_array_foreach(l->fields, f, fn) {
            char buf[256];
            const char *val = meta_value(m, json_string_value(fn), buf, sizeof buf);
            if (!val) {
                missing = json_string_value(fn);
                break;
            }
            len += (size_t)snprintf(group + len, sizeof group - len, "%s%s", f ? "/" : "", val);
            if (len >= sizeof group)
                len = sizeof group - 1;
        }
        if (missing) {
            issue(l, file, id, ann, "judgement",
                  "%s: item %s: annotator %s has no \"%s\" in the annotator metadata %s", file, id,
                  ann, missing, l->meta_path);
            json_decref(labs);
            continue;
        }
        char value[512] = "";
        size_t vl = 0;
        json_array_foreach(labs, k, x) {
            vl += (size_t)snprintf(value + vl, sizeof value - vl, "%s%s", k ? "+" : "",
                                   json_string_value(x));
            if (vl >= sizeof value)
                vl = sizeof value - 1;
        }
        json_array_append_new(js, json_pack("{s:s,s:o,s:s,s:s}", "annotator", ann, "labels", labs,
                                            "value", value, "group", group));
    }
    json_decref(seen);
    json_decref(pairs);
    if (ok && json_array_size(js) == 0)
        issue(l, file, id, NULL, "item", "%s: item %s: no usable annotation", file, id);
    if (!ok || json_array_size(js) == 0) {
        json_decref(js), json_decref(declared), free(text);
        return;
    }
    if (!declared) { /* the labels seen, in order */
        declared = json_array();
        json_t *j;
        json_array_foreach(js, i, j) {
            size_t k;
            json_t *x;
            json_array_foreach(json_object_get(j, "labels"), k, x) if (!arr_has(
                declared, json_string_value(x))) json_array_append(declared, x);
        }
    }
    /* the prompt: the task, the text, and the labels to choose from */
    char *dl = NULL;
    size_t dlen = 0;
    FILE *mf = open_memstream(&dl, &dlen);
    if (mf) {
        if (task)
            fprintf(mf, "Task: %s\n", task);
        fprintf(mf, "%s\nLabel (", text);
        json_t *x;
        json_array_foreach(declared, i, x) fprintf(mf, "%s%s", i ? ", " : "", json_string_value(x));
        fputs("):", mf);
        fclose(mf);
    }
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "id", id, "file", file, "prompt",
                          dl ? dl : text, "lang", lang ? lang : "und", "labels", declared,
                          "judgements", js);
    if (split)
        json_object_set_new(o, "split", json_string(split));
    if (task)
        json_object_set_new(o, "task", json_string(task));
    json_array_append_new(l->items, o);
    free(dl);
    free(text);
}

static pp_status meta_load(pp_lewidi *l, const char *path, pp_error *err)
{
    json_t *m = NULL;
    pp_status st = slurp_json(path, &m, err);
    if (st != PP_OK)
        return st;
    if (json_is_array(m)) { /* [{"Annotator_id":"Ann1",...}] */
        json_t *o = json_object();
        size_t i;
        json_t *e;
        json_array_foreach(m, i, e) {
            const char *id = json_string_value(json_object_get(e, "Annotator_id"));
            if (!id)
                id = json_string_value(json_object_get(e, "id"));
            if (!id) {
                json_decref(o), json_decref(m);
                return pp_error_set(err, PP_ERR_INVALID, path, 0,
                                    "annotator metadata entry %zu has no \"Annotator_id\"", i + 1);
            }
            json_object_set(o, id, e);
        }
        json_decref(m);
        m = o;
    }
    if (!json_is_object(m)) {
        json_decref(m);
        return pp_error_set(err, PP_ERR_INVALID, path, 0,
                            "annotator metadata must be a JSON object keyed by annotator id");
    }
    const char *k;
    json_t *v;
    json_object_foreach(m, k, v) {
        if (!json_is_object(v)) {
            json_decref(m);
            return pp_error_set(err, PP_ERR_INVALID, path, 0,
                                "annotator metadata of %s is not an object", k);
        }
    }
    l->meta = m;
    return PP_OK;
}

/* The name that tells item file i apart: its base name, or the path as
 * given when another file of the run has the same base name. */
static const char *file_label(const char *const *items, size_t nitems, size_t i)
{
    const char *b = strrchr(items[i], '/');
    b = b ? b + 1 : items[i];
    for (size_t j = 0; j < nitems; j++) {
        const char *o = strrchr(items[j], '/');
        o = o ? o + 1 : items[j];
        if (j != i && strcmp(b, o) == 0 && strcmp(items[i], items[j]) != 0)
            return items[i];
    }
    return b;
}

/* Item keys are unique within a file only (each split of a LeWiDi data set
 * numbers its own): a key found in several files of the run becomes
 * FILE:KEY in every one of them, so that record ids (KEY/group) and
 * source_id stay unique. A file given twice is the same items twice. */
static pp_status qualify_shared_keys(pp_lewidi *l, const char *const *items, size_t nitems,
                                     pp_error *err)
{
    if (nitems < 2)
        return PP_OK;
    json_t *first = json_object(), *shared = json_object();
    size_t u;
    json_t *item;
    int oom = !first || !shared;
    json_array_foreach(l->items, u, item) {
        if (oom)
            break;
        const char *id = json_string_value(json_object_get(item, "id"));
        const char *file = json_string_value(json_object_get(item, "file"));
        json_t *f = json_object_get(first, id);
        if (!f)
            oom = json_object_set_new(first, id, json_string(file)) != 0;
        else if (strcmp(json_string_value(f), file) != 0)
            oom = json_object_set_new(shared, id, json_true()) != 0;
    }
    json_array_foreach(l->items, u, item) {
        if (oom || json_object_size(shared) == 0)
            break;
        const char *id = json_string_value(json_object_get(item, "id"));
        if (!json_object_get(shared, id))
            continue;
        const char *file = json_string_value(json_object_get(item, "file"));
        size_t i = 0;
        while (i < nitems && strcmp(items[i], file) != 0)
            i++;
        json_t *q = json_sprintf("%s:%s", i < nitems ? file_label(items, nitems, i) : file, id);
        oom = !q || json_object_set_new(item, "id", q) != 0;
    }
    json_decref(first);
    json_decref(shared);
    return oom ? pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory") : PP_OK;
}

pp_status pp_lewidi_read(const char *const *items, size_t nitems, const char *meta,
                         const char *group_by, const char *labels, pp_lewidi **out,
                         pp_error *err)
{
    *out = NULL;
    if (!group_by || !*group_by)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no group-by field");
    pp_lewidi *l = calloc(1, sizeof *l);
    if (!l)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    l->fields = json_array();
    l->items = json_array();
    l->issues = json_array();
    l->dim = strdup(group_by);
    for (char *p = l->dim; *p; p++)
        if (*p == ',')
            *p = '/';
    for (const char *p = group_by;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 0) {
            pp_lewidi_free(l);
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "empty field in group-by \"%s\"",
                                group_by);
        }
        json_array_append_new(l->fields, json_stringn(p, n));
        if (!c)
            break;
        p = c + 1;
    }
    if (labels) {
        /* in the order given (not split_labels, which sorts) */
        l->labels = json_array();
        for (const char *p = labels;;) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            char piece[256], lab[256];
            snprintf(piece, sizeof piece, "%.*s", (int)(n < 255 ? n : 255), p);
            label_canon(piece, lab, sizeof lab);
            if (*lab && !arr_has(l->labels, lab))
                json_array_append_new(l->labels, json_string(lab));
            if (!c)
                break;
            p = c + 1;
        }
        if (json_array_size(l->labels) < 2) {
            pp_lewidi_free(l);
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "the declared labels \"%s\" name fewer than two labels", labels);
        }
    }
    snprintf(l->meta_path, sizeof l->meta_path, "%s", meta);
    pp_status st = meta_load(l, meta, err);
    /* a group-by field no annotator has is a usage mistake, not data */
    size_t f;
    json_t *fn;
    json_array_foreach(l->fields, f, fn) {
        if (st != PP_OK)
            break;
        int any = 0;
        const char *k;
        json_t *v;
        json_object_foreach(l->meta, k, v) any |= json_object_get(v, json_string_value(fn)) != NULL;
        if (!any)
            st = pp_error_set(err, PP_ERR_INVALID, meta, 0,
                              "no annotator has the field \"%s\" (group-by)",
                              json_string_value(fn));
    }
    for (size_t i = 0; i < nitems && st == PP_OK; i++) {
        json_t *doc = NULL;
        st = slurp_json(items[i], &doc, err);
        if (st != PP_OK)
            break;
        if (!json_is_object(doc)) {
            json_decref(doc);
            st = pp_error_set(err, PP_ERR_INVALID, items[i], 0,
                              "LeWiDi items must be a JSON object keyed by item id");
            break;
        }
        const char *id;
        json_t *it;
        json_object_foreach(doc, id, it) item_read(l, items[i], id, it);
        json_decref(doc);
    }
    if (st == PP_OK)
        st = qualify_shared_keys(l, items, nitems, err);
    if (st != PP_OK) {
        pp_lewidi_free(l);
        return st;
    }
    *out = l;
    return PP_OK;
}

/* Label shares among the judgements of group `g` (all when NULL); multi-
 * label judgements count once for each of their labels. */
static json_t *shares(const json_t *item, const char *g, size_t *n)
{
    json_t *c = json_object();
    *n = 0;
    size_t i;
    json_t *j;
    json_array_foreach(json_object_get(item, "judgements"), i, j) {
        const char *jg = json_string_value(json_object_get(j, "group"));
        if (g && strcmp(jg, g) != 0)
            continue;
        (*n)++;
        size_t k;
        json_t *x;
        json_array_foreach(json_object_get(j, "labels"), k, x) {
            const char *lab = json_string_value(x);
            json_object_set_new(c, lab,
                                json_integer(json_integer_value(json_object_get(c, lab)) + 1));
        }
    }
    return c;
}

/* The declared label with the highest count other than `except` (first in
 * declared order on ties); NULL when every other count is 0 and !any. */
static const char *top_label(const json_t *item, const json_t *cnt, const char *except, int any,
                             json_int_t *best, int *tie)
{
    const char *top = NULL;
    *best = -1;
    *tie = 0;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(item, "labels"), i, x) {
        const char *lab = json_string_value(x);
        if (except && strcmp(lab, except) == 0)
            continue;
        json_int_t c = json_integer_value(json_object_get(cnt, lab));
        if (c == 0 && !any)
            continue;
        if (c > *best) {
            *best = c, top = lab, *tie = 0;
        } else if (c == *best) {
            *tie = 1;
        }
    }
    return top;
}

pp_status pp_lewidi_prefs(pp_lewidi *l, pp_prefs_emit_fn emit, void *ud, size_t *nrec,
                          size_t *nties, pp_error *err)
{
    *nrec = 0, *nties = 0;
    size_t u;
    json_t *item;
    json_array_foreach(l->items, u, item) {
        const char *iid = json_string_value(json_object_get(item, "id"));
        const char *file = json_string_value(json_object_get(item, "file"));
        /* the item's groups, sorted, so that the output is stable */
        json_t *groups = json_array();
        size_t i;
        json_t *j;
        json_array_foreach(json_object_get(item, "judgements"), i, j) {
            const char *g = json_string_value(json_object_get(j, "group"));
            if (arr_has(groups, g))
                continue;
            size_t at = 0;
            while (at < json_array_size(groups) &&
                   strcmp(json_string_value(json_array_get(groups, at)), g) < 0)
                at++;
            json_array_insert_new(groups, at, json_string(g));
        }
        size_t gi;
        json_t *gv;
        json_array_foreach(groups, gi, gv) {
            const char *g = json_string_value(gv);
            size_t n = 0;
            json_t *cnt = shares(item, g, &n);
            json_int_t cbest, rbest;
            int tie, rtie;
            const char *chosen = top_label(item, cnt, NULL, 0, &cbest, &tie);
            if (!chosen || tie) {
                issue(l, file, iid, NULL, "tie",
                      "%s: item %s: group %s=%s: no single preferred label (a tie), left out",
                      file, iid, l->dim, g);
                (*nties)++;
                json_decref(cnt);
                continue;
            }
            /* rejected: the group's next label; else what the other
             * annotators gave most; else the next declared label */
            const char *rejected = top_label(item, cnt, chosen, 0, &rbest, &rtie);
            if (!rejected) {
                size_t na = 0;
                json_t *all = shares(item, NULL, &na);
                rejected = top_label(item, all, chosen, 0, &rbest, &rtie);
                if (!rejected)
                    rejected = top_label(item, all, chosen, 1, &rbest, &rtie);
                json_decref(all);
            }
            if (!rejected) {
                issue(l, file, iid, NULL, "item", "%s: item %s: one label only, no pair", file,
                      iid);
                json_decref(cnt);
                continue;
            }
            json_t *dist = json_object(), *anns = json_object();
            size_t k;
            json_t *x;
            json_array_foreach(json_object_get(item, "labels"), k, x) {
                const char *lab = json_string_value(x);
                json_object_set_new(dist, lab,
                                    json_real((double)json_integer_value(json_object_get(cnt, lab)) /
                                              (double)n));
            }
            json_array_foreach(json_object_get(item, "judgements"), k, x) {
                if (strcmp(json_string_value(json_object_get(x, "group")), g) == 0)
                    json_object_set(anns, json_string_value(json_object_get(x, "annotator")),
                                    json_object_get(x, "value"));
            }
            char rid[1024];
            snprintf(rid, sizeof rid, "%s/%s", iid, g);
            json_t *rec = json_pack(
                "{s:s,s:O,s:s,s:s,s:s,s:O,s:f,s:f,s:s,s:I,s:s,s:o,s:o}", "id", rid, "prompt",
                json_object_get(item, "prompt"), "chosen", chosen, "rejected", rejected, "group", g,
                "lang", json_object_get(item, "lang"), "p_chosen",
                (double)json_integer_value(json_object_get(cnt, chosen)) / (double)n, "p_rejected",
                (double)json_integer_value(json_object_get(cnt, rejected)) / (double)n,
                "group_by", l->dim, "n_annotators", (json_int_t)n, "source_id", iid,
                "distribution", dist, "annotations", anns);
            if (json_object_get(item, "split"))
                json_object_set(rec, "split", json_object_get(item, "split"));
            json_decref(cnt);
            pp_status st = emit(rec, ud, err);
            json_decref(rec);
            if (st != PP_OK) {
                json_decref(groups);
                return st;
            }
            (*nrec)++;
        }
        json_decref(groups);
    }
    return PP_OK;
}

pp_status pp_lewidi_prefset(const pp_lewidi *l, pp_annotators **ann, pp_prefset **set,
                            pp_error *err)
{
    *ann = NULL, *set = NULL;
    /* annotators: the dimension, and each field alone when there are several */
    json_t *decl = json_array(), *done = json_object();
    size_t u;
    json_t *item;
    json_array_foreach(l->items, u, item) {
        size_t i;
        json_t *j;
        json_array_foreach(json_object_get(item, "judgements"), i, j) {
            const char *a = json_string_value(json_object_get(j, "annotator"));
            if (json_object_get(done, a))
                continue;
            json_object_set_new(done, a, json_true());
            json_t *g = json_pack("{s:O}", l->dim, json_object_get(j, "group"));
            if (json_array_size(l->fields) > 1) {
                size_t f;
                json_t *fn;
                const json_t *m = meta_of(l, a);
                json_array_foreach(l->fields, f, fn) {
                    char buf[256];
                    const char *v = meta_value(m, json_string_value(fn), buf, sizeof buf);
                    json_object_set_new(g, json_string_value(fn), json_string(v ? v : ""));
                }
            }
            json_array_append_new(decl, json_pack("{s:s,s:o}", "id", a, "groups", g));
        }
    }
    json_decref(done);
    pp_status st = pp_annotators_from_json(decl, l->meta_path, ann, err);
    json_decref(decl);
    if (st == PP_OK)
        st = pp_prefset_new(*ann, set, err);
    /* responses: every label (and label combination) of the whole set in
     * one order, so that a label is the same category in every item
     * (nominal alpha compares response indices across items) */
    json_t *all = json_array();
    json_array_foreach(l->items, u, item) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(item, "labels"), i, x) if (!arr_has(
            all, json_string_value(x))) json_array_append(all, x);
    }
    json_array_foreach(l->items, u, item) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(item, "judgements"), i, x) {
            json_t *v = json_object_get(x, "value");
            if (!arr_has(all, json_string_value(v)))
                json_array_append(all, v);
        }
    }
    if (json_array_size(all) < 2) /* one label in the whole set: still an agreement */
        json_array_append_new(all, json_string("(other)"));
    json_t *resp = json_array();
    size_t ri;
    json_t *rv;
    json_array_foreach(all, ri, rv) json_array_append_new(resp, json_pack("{s:O,s:O}", "id", rv, "text", rv));
    json_decref(all);
    json_array_foreach(l->items, u, item) {
        if (st != PP_OK)
            break;
        json_t *judg = json_array();
        size_t i;
        json_t *x;
        const char *task = json_string_value(json_object_get(item, "task"));
        json_array_foreach(json_object_get(item, "judgements"), i, x) {
            json_array_append_new(judg, json_pack("{s:O,s:O,s:s}", "annotator",
                                                  json_object_get(x, "annotator"), "preferred",
                                                  json_object_get(x, "value"), "guideline",
                                                  task ? task : "lewidi"));
        }
        json_t *rec = json_pack("{s:O,s:O,s:O,s:O,s:o}", "id", json_object_get(item, "id"),
                                "prompt", json_object_get(item, "prompt"), "lang",
                                json_object_get(item, "lang"), "responses", resp, "judgements",
                                judg);
        st = pp_prefset_add(*set, rec, json_string_value(json_object_get(item, "file")), 0, err);
        json_decref(rec);
    }
    json_decref(resp);
    if (st != PP_OK) {
        pp_prefset_free(*set);
        pp_annotators_free(*ann);
        *set = NULL, *ann = NULL;
    }
    return st;
}
