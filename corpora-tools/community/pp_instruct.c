/* pp_instruct.c — render prompt templates over records into instruction
 * items in the `messages` chat format, each with its provenance. */
#include "config.h"

#include "src/pp_data.h"
#include "langs/pp_lid.h"
#include "corpora-tools/community/pp_instruct.h"
#include "src/pp_langtag.h"
#include "src/pp_record.h"
#include "langs/pp_registry.h"
#include "corpora-tools/community/pp_template_int.h"
#include "src/pp_text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct irec {
    json_t *rec;
    char *file;
    long line;
    char key[16];  /* canonical primary language subtag of `lang` */
    char key2[16]; /* same for meta.iso639_3 ("arb" where lang says "ar") */
    char *canon;   /* canonical full tag of `lang` */
    char macro[16]; /* the macrolanguage's key ("sw" for swh), "" when none: a
                       request for the macrolanguage selects the record
                       (pp_lang_matches, computed once here) */
} irec;

struct pp_instruct_data {
    irec *recs;
    size_t n, cap;
    json_t *pairs; /* "dataset\x1f" "langkey\x1f" "joinvalues" -> index (first record wins) */
    pp_registry *reg; /* NULL when the registry cannot be opened: equal codes only */
};

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

pp_status pp_instruct_data_new(pp_instruct_data **out, pp_error *err)
{
    pp_instruct_data *d = calloc(1, sizeof *d);
    if (!d)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    if (pp_registry_open(NULL, &d->reg, NULL) != PP_OK)
        d->reg = NULL;
    *out = d;
    return PP_OK;
}

void pp_instruct_data_free(pp_instruct_data *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        json_decref(d->recs[i].rec);
        free(d->recs[i].file);
        free(d->recs[i].canon);
    }
    free(d->recs);
    json_decref(d->pairs);
    pp_registry_free(d->reg);
    free(d);
}

size_t pp_instruct_data_count(const pp_instruct_data *d) { return d->n; }

pp_status pp_instruct_data_add(pp_instruct_data *d, json_t *rec, const char *file, long line,
                               pp_error *err)
{
    const char *id = pp_record_str(rec, "id"), *text = pp_record_str(rec, "text"),
               *lang = pp_record_str(rec, "lang");
    if (!id || !text || !lang)
        return pp_error_set(err, PP_ERR_INVALID, file, line,
                            "record lacks a string \"%s\"", !id ? "id" : !text ? "text" : "lang");
    char canon[128];
    pp_error e;
    pp_error_clear(&e);
    if (pp_langtag_canonicalize(lang, canon, sizeof canon, &e) != PP_OK)
        return pp_error_set(err, PP_ERR_INVALID, file, line, "record %s: %s", id, e.message);
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 256;
        irec *nr = realloc(d->recs, nc * sizeof *nr);
        if (!nr)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        d->recs = nr;
        d->cap = nc;
    }
    irec *r = &d->recs[d->n];
    memset(r, 0, sizeof *r);
    r->file = xstrdup(file ? file : "");
    r->canon = xstrdup(canon);
    if (!r->file || !r->canon) {
        free(r->file), free(r->canon);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    pp_tpl_langkey(canon, r->key, sizeof r->key);
    const pp_language *ml = pp_language_macrolanguage(d->reg, pp_registry_get(d->reg, r->key));
    if (ml && ml->bcp47)
        pp_tpl_langkey(ml->bcp47, r->macro, sizeof r->macro);
    const json_t *iso = json_object_get(json_object_get(rec, "meta"), "iso639_3");
    if (json_is_string(iso))
        pp_tpl_langkey(json_string_value(iso), r->key2, sizeof r->key2);
    r->line = line;
    r->rec = json_incref(rec);
    d->n++;
    json_decref(d->pairs); /* join index is rebuilt lazily */
    d->pairs = NULL;
    return PP_OK;
}

/* ------------------------------------------------------------ fields */

/* Value at a dotted path ("meta.article"), or NULL. */
static const json_t *field_get(const json_t *rec, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *cur = rec;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && cur; tok = strtok_r(NULL, ".", &save)) {
        if (!json_is_object(cur))
            return NULL;
        cur = json_object_get(cur, tok);
    }
    return cur;
}

/* Append the join value of `path` to buf ("" when absent -> returns 0). */
static int join_value(const json_t *rec, const char *path, char *buf, size_t cap)
{
    const json_t *v = field_get(rec, path);
    size_t n = strlen(buf);
    if (!v || n + 2 >= cap)
        return 0;
    if (json_is_string(v))
        snprintf(buf + n, cap - n, "\x1f%s", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf + n, cap - n, "\x1f%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf + n, cap - n, "\x1f%.17g", json_real_value(v));
    else
        return 0;
    return 1;
}

/* Join key over the first `nfields` join fields (all: npair_on). */
static int join_key_n(const pp_template *t, size_t nfields, const char *dataset,
                      const char *langkey, const json_t *rec, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s%s\x1f%s", nfields < t->npair_on ? "#" : "", dataset ? dataset : "",
             langkey);
    for (size_t i = 0; i < nfields; i++)
        if (!join_value(rec, t->pair_on[i], buf, cap))
            return 0;
    return 1;
}

/* Group key of a record for the paragraph-count check: its document (the
 * <pair doc="..."> field, else its full language tag) and every join field
 * but the last. */
static int group_key(const pp_template *t, const char *dataset, const irec *r, char *buf,
                     size_t cap)
{
    const char *doc = r->canon;
    char tmp[256];
    /* a corpus whose records name no document: the language is the document */
    const json_t *v = t->pair_doc ? field_get(r->rec, t->pair_doc) : NULL;
    if (json_is_string(v)) {
        snprintf(tmp, sizeof tmp, "doc=%s", json_string_value(v));
        doc = tmp;
    }
    return join_key_n(t, t->npair_on - 1, dataset, doc, r->rec, buf, cap);
}

static int join_key(const pp_template *t, const char *dataset, const char *langkey,
                    const json_t *rec, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s\x1f%s", dataset ? dataset : "", langkey);
    for (size_t i = 0; i < t->npair_on; i++)
        if (!join_value(rec, t->pair_on[i], buf, cap))
            return 0;
    return 1;
}

/* Lazily index the records of the pair language by the join fields. */
static pp_status build_pairs(pp_instruct_data *d, const pp_template *t, pp_error *err)
{
    /* one index per (template join fields) would be more general; templates
     * share the same `on` fields in practice, so the index is keyed by them
     * and rebuilt when they change. */
    static const char *const tag = "\x1e";
    char sig[512] = "";
    for (size_t i = 0; i < t->npair_on; i++) {
        size_t n = strlen(sig);
        snprintf(sig + n, sizeof sig - n, "%s%s", i ? " " : "", t->pair_on[i]);
    }
    if (d->pairs) {
        const char *have = json_string_value(json_object_get(d->pairs, tag));
        if (have && strcmp(have, sig) == 0)
            return PP_OK;
        json_decref(d->pairs);
    }
    d->pairs = json_object();
    if (!d->pairs || json_object_set_new(d->pairs, tag, json_string(sig)) != 0)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < d->n; i++) {
        const char *ds = pp_record_str(d->recs[i].rec, "source");
        char ck[1024];
        if (t->npair_on > 1 && group_key(t, ds, &d->recs[i], ck, sizeof ck)) {
            /* records per document and group of the join fields but the last
             * (paragraphs per article of one declaration) */
            json_t *c = json_object_get(d->pairs, ck);
            if (json_object_set_new(d->pairs, ck, json_integer(c ? json_integer_value(c) + 1 : 1)) != 0)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        const char *keys[2] = {d->recs[i].key, d->recs[i].key2};
        for (int k = 0; k < 2; k++) {
            char key[1024];
            if (!keys[k][0] || (k == 1 && strcmp(keys[0], keys[1]) == 0))
                continue;
            if (!join_key(t, ds, keys[k], d->recs[i].rec, key, sizeof key))
                continue;
            if (json_object_get(d->pairs, key))
                continue;
            if (json_object_set_new(d->pairs, key, json_integer((json_int_t)i)) != 0)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
    }
    return PP_OK;
}

static pp_status fill_arg(const tpl_arg *a, const irec *r, const pp_template *t, pp_msgarg *out,
                          pp_error *err)
{
    const json_t *v = field_get(r->rec, a->field);
    const char *id = pp_record_str(r->rec, "id");
    out->name = a->name;
    out->type = a->type;
    if (!v || json_is_null(v))
        return pp_error_set(err, PP_ERR_NOT_FOUND, t->path, a->line,
                            "template %s: record %s (%s:%ld) has no field \"%s\" for {%s}", t->id,
                            id, r->file, r->line, a->field, a->name);
    if (a->type == PP_MSGARG_STRING) {
        if (!json_is_string(v))
            return pp_error_set(err, PP_ERR_INVALID, t->path, a->line,
                                "template %s: field \"%s\" of record %s (%s:%ld) is not a string",
                                t->id, a->field, id, r->file, r->line);
        out->str = json_string_value(v);
        return PP_OK;
    }
    if (!json_is_number(v))
        return pp_error_set(err, PP_ERR_INVALID, t->path, a->line,
                            "template %s: field \"%s\" of record %s (%s:%ld) is not a number",
                            t->id, a->field, id, r->file, r->line);
    out->num = json_number_value(v);
    if (a->type == PP_MSGARG_DATE)
        out->num *= 1000.0; /* records carry dates as Unix seconds */
    return PP_OK;
}

/* ------------------------------------------------------------ sampling */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t str_hash(const char *s, uint64_t h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001B3ULL;
    return h;
}

/* ------------------------------------------------------------ candidates */

static int where_ok(const pp_template *t, const json_t *rec)
{
    for (size_t i = 0; i < t->nwheres; i++) {
        const tpl_where *w = &t->wheres[i];
        const json_t *v = field_get(rec, w->field);
        if (!v)
            return 0;
        if (w->equals) {
            char buf[64];
            const char *s = json_string_value(v);
            if (!s && json_is_integer(v)) {
                snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
                s = buf;
            }
            if (!s || strcmp(s, w->equals) != 0)
                return 0;
        }
        if (w->has_min || w->has_max) {
            if (!json_is_number(v))
                return 0;
            double x = json_number_value(v);
            if ((w->has_min && x < w->min) || (w->has_max && x > w->max))
                return 0;
        }
    }
    return 1;
}

static int rec_has_key(const irec *r, char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(r->key, keys[i]) == 0 || (r->key2[0] && strcmp(r->key2, keys[i]) == 0) ||
            (r->macro[0] && strcmp(r->macro, keys[i]) == 0))
            return 1;
    return 0;
}

static int choice_of(const pp_template *t, const irec *r)
{
    for (size_t i = 0; i < t->nchoices; i++)
        if (rec_has_key(r, t->choices[i].keys, t->choices[i].nkeys))
            return (int)i;
    return -1;
}

/* Indices of the records template `t` reads, in data order. */
/* What a record lacks of the template's record-level needs (PP_NEED_* bits;
 * a parallel text is looked for when rendering). */
static unsigned record_lacks(const pp_template *t, const json_t *rec)
{
    unsigned lacks = 0;
    const json_t *v = json_object_get(rec, "text");
    if ((t->needs & PP_NEED_TEXT) && !(json_is_string(v) && json_string_length(v)))
        lacks |= PP_NEED_TEXT;
    v = field_get(rec, "meta.title");
    if ((t->needs & PP_NEED_TITLE) && !(json_is_string(v) && json_string_length(v)))
        lacks |= PP_NEED_TITLE;
    if ((t->needs & PP_NEED_ARTICLE) && !json_is_number(field_get(rec, "meta.article")))
        lacks |= PP_NEED_ARTICLE;
    return lacks;
}

typedef struct cand_stats {
    size_t in_language; /* records of the language, split and dataset */
    unsigned met;       /* needs at least one of them met */
} cand_stats;

static pp_status candidates(const pp_template *t, const pp_instruct_data *d, size_t **idx,
                            size_t *n, cand_stats *counts, pp_error *err)
{
    *idx = NULL;
    *n = 0;
    if (d->n == 0)
        return PP_OK;
    size_t *v = malloc(d->n * sizeof *v);
    if (!v)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    /* A template written for a regional variety (ha-NG) reads the records
     * tagged with exactly that variety when there are any. */
    int exact = 0;
    if (!t->choices_language && strchr(t->variety, '-'))
        for (size_t i = 0; i < d->n && !exact; i++)
            exact = strcmp(d->recs[i].canon, t->variety) == 0;
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        const irec *r = &d->recs[i];
        const char *src = pp_record_str(r->rec, "source");
        if (t->dataset && (!src || strcmp(src, t->dataset) != 0))
            continue;
        if (t->split) {
            const json_t *sp = field_get(r->rec, "meta.split");
            if (json_is_string(sp) && strcmp(json_string_value(sp), t->split) != 0)
                continue;
        }
        if (t->choices_language) {
            if (choice_of(t, r) < 0)
                continue;
        } else if (exact ? strcmp(r->canon, t->variety) != 0
                         : !rec_has_key(r, t->srckeys, t->nsrckeys)) {
            continue;
        }
        if (counts)
            counts->in_language++;
        unsigned lacks = record_lacks(t, r->rec);
        if (counts)
            counts->met |= t->needs & ~lacks;
        if (lacks)
            continue;
        if (!where_ok(t, r->rec))
            continue;
        v[k++] = i;
    }
    *idx = v;
    *n = k;
    return PP_OK;
}

/* ------------------------------------------------------------ one item */

typedef struct rendered {
    char *prompt, *completion;
    const irec *pair;
    char *masked, *answer, *choices;
} rendered;

static void rendered_clear(rendered *x)
{
    free(x->prompt), free(x->completion), free(x->masked), free(x->answer), free(x->choices);
    memset(x, 0, sizeof *x);
}

/* Cloze: blank out one word of at least min letters, chosen by hash. */
static pp_status make_cloze(const pp_template *t, const char *text, const char *id, uint64_t seed,
                            rendered *x, pp_error *err)
{
    pp_span *sp = NULL;
    size_t n = 0;
    pp_status st = pp_segment(text, strlen(text), t->lang, PP_SEG_WORD, &sp, &n, err);
    if (st != PP_OK)
        return st;
    size_t ok = 0;
    for (size_t i = 0; i < n; i++)
        if (sp[i].wordlike &&
            pp_utf8_length(text + sp[i].start, sp[i].end - sp[i].start) >= (size_t)t->cloze_min)
            ok++;
    if (!ok) {
        free(sp);
        return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0, "record %s has no word of %d letters",
                            id, t->cloze_min);
    }
    uint64_t h = str_hash(id, seed ^ 0xcbf29ce484222325ULL);
    size_t pick = (size_t)(splitmix64(&h) % ok), j = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(sp[i].wordlike &&
              pp_utf8_length(text + sp[i].start, sp[i].end - sp[i].start) >= (size_t)t->cloze_min))
            continue;
        if (j++ != pick)
            continue;
        size_t wl = sp[i].end - sp[i].start, bl = strlen(t->cloze_blank), tl = strlen(text);
        x->answer = malloc(wl + 1);
        x->masked = malloc(tl - wl + bl + 1);
        if (!x->answer || !x->masked) {
            free(sp);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        memcpy(x->answer, text + sp[i].start, wl);
        x->answer[wl] = '\0';
        memcpy(x->masked, text, sp[i].start);
        memcpy(x->masked + sp[i].start, t->cloze_blank, bl);
        memcpy(x->masked + sp[i].start + bl, text + sp[i].end, tl - sp[i].end + 1);
        break;
    }
    free(sp);
    return PP_OK;
}

/* "- A\n- B\n- C": one choice a line, no words of any language. */
static pp_status lines_list(const char **items, size_t n, char **out, pp_error *err)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 3;
    char *s = malloc(len);
    if (!s)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(s + k, "%s- %s", i ? "\n" : "", items[i]);
    s[k] = '\0';
    *out = s;
    return PP_OK;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static pp_status render_one(const pp_template *t, pp_instruct_data *d, const irec *r,
                            uint64_t seed, rendered *x, pp_error *err)
{
    size_t cap = t->nargs + t->nconsts + t->npair_args + 4;
    pp_msgarg *args = calloc(cap, sizeof *args);
    if (!args)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    size_t na = 0;
    pp_status st = PP_OK;
    for (size_t i = 0; i < t->nargs && st == PP_OK; i++)
        st = fill_arg(&t->args[i], r, t, &args[na++], err);
    for (size_t i = 0; i < t->nconsts && st == PP_OK; i++) {
        pp_msgarg *a = &args[na++];
        a->name = t->consts[i].name;
        a->type = t->consts[i].type;
        a->str = t->consts[i].str;
        a->num = t->consts[i].num;
    }
    if (st == PP_OK && t->has_pair) {
        char key[1024];
        const char *ds = pp_record_str(r->rec, "source");
        json_t *hit = NULL;
        if ((st = build_pairs(d, t, err)) == PP_OK && join_key(t, ds, t->pair_key, r->rec, key, sizeof key))
            hit = json_object_get(d->pairs, key);
        if (hit && t->npair_on > 1) {
            /* same number of records in the group on both sides (the
             * article has as many paragraphs in both languages) */
            char k1[1024], k2[1024];
            const irec *pr = &d->recs[json_integer_value(hit)];
            if (!group_key(t, ds, r, k1, sizeof k1) || !group_key(t, ds, pr, k2, sizeof k2) ||
                !json_equal(json_object_get(d->pairs, k1), json_object_get(d->pairs, k2)))
                hit = NULL;
        }
        if (st == PP_OK && !hit)
            st = pp_error_set(err, PP_ERR_NOT_FOUND, t->path, t->input_line,
                              "template %s: record %s (%s:%ld) has no %s counterpart", t->id,
                              pp_record_str(r->rec, "id"), r->file, r->line, t->pair_lang);
        if (st == PP_OK) {
            x->pair = &d->recs[json_integer_value(hit)];
            for (size_t i = 0; i < t->npair_args && st == PP_OK; i++)
                st = fill_arg(&t->pair_args[i], x->pair, t, &args[na++], err);
        }
    }
    if (st == PP_OK && t->has_cloze) {
        const char *src = NULL;
        for (size_t i = 0; i < t->nargs; i++)
            if (strcmp(t->args[i].name, t->cloze_arg) == 0)
                src = args[i].str;
        st = make_cloze(t, src ? src : "", pp_record_str(r->rec, "id"), seed, x, err);
        if (st == PP_OK) {
            args[na++] = (pp_msgarg){t->cloze_masked, PP_MSGARG_STRING, x->masked, 0};
            args[na++] = (pp_msgarg){t->cloze_answer, PP_MSGARG_STRING, x->answer, 0};
        }
    }
    if (st == PP_OK && t->nchoices) {
        const char **items = malloc(t->nchoices * sizeof *items);
        if (!items)
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        for (size_t i = 0; st == PP_OK && i < t->nchoices; i++)
            items[i] = t->choices[i].text;
        if (st == PP_OK && t->list_mode == 2)
            st = lines_list(items, t->nchoices, &x->choices, err);
        else if (st == PP_OK)
            st = pp_list_format(t->locale, t->list_mode == 1, items, t->nchoices, &x->choices,
                                err);
        free(items);
        int c = t->choices_language ? choice_of(t, r) : -1;
        if (st == PP_OK) {
            args[na++] = (pp_msgarg){"choices", PP_MSGARG_STRING, x->choices, 0};
            if (c >= 0)
                args[na++] = (pp_msgarg){"answer", PP_MSGARG_STRING, t->choices[c].text, 0};
        }
    }
    if (st == PP_OK) {
        pp_error e;
        pp_error_clear(&e);
        if (pp_msgformat(t->locale, t->input, args, na, &x->prompt, &e) != PP_OK)
            st = pp_error_set(err, e.code, t->path, t->input_line, "%s", e.message);
        else if (pp_msgformat(t->locale, t->target, args, na, &x->completion, &e) != PP_OK)
            st = pp_error_set(err, e.code, t->path, t->target_line, "%s", e.message);
        else if (is_blank(x->completion))
            st = pp_error_set(err, PP_ERR_INVALID, t->path, t->target_line,
                              "template %s: target renders empty for record %s", t->id,
                              pp_record_str(r->rec, "id"));
    }
    free(args);
    return st;
}

static json_t *str_array(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

/* What tells a record apart from another of the same id: its source field
 * (the corpus key is source and id: CES verse ids are the same in every
 * translation), else its data file's base name. */
static const char *rec_origin(const irec *r)
{
    const char *src = pp_record_str(r->rec, "source");
    if (src)
        return src;
    const char *b = strrchr(r->file, '/');
    return b ? b + 1 : r->file;
}

/* The ids that a template's candidate records of different origins share
 * (NULL when out of memory): their items' ids get the origin, so that two
 * translations' "b.MAT.1.1" make two item ids. */
static json_t *shared_ids(const pp_instruct_data *d, const size_t *idx, size_t n)
{
    json_t *first = json_object(), *shared = json_object();
    int oom = !first || !shared;
    for (size_t i = 0; i < n && !oom; i++) {
        const irec *r = &d->recs[idx[i]];
        const char *id = pp_record_str(r->rec, "id"), *o = rec_origin(r);
        json_t *f = json_object_get(first, id);
        if (!f)
            oom = json_object_set_new(first, id, json_string(o)) != 0;
        else if (strcmp(json_string_value(f), o) != 0)
            oom = json_object_set_new(shared, id, json_true()) != 0;
    }
    json_decref(first);
    if (oom) {
        json_decref(shared);
        return NULL;
    }
    return shared;
}

static json_t *make_item(const pp_template *t, const json_t *shared, const irec *r,
                         const rendered *x)
{
    const char *sid = pp_record_str(r->rec, "id");
    const char *lic = pp_record_str(r->rec, "license");
    char id[1024];
    if (json_object_get(shared, sid))
        snprintf(id, sizeof id, "%s:%s/%s", t->id, rec_origin(r), sid);
    else
        snprintf(id, sizeof id, "%s:%s", t->id, sid);
    json_t *msgs = json_pack("[{s:s,s:s},{s:s,s:s}]", "role", "user", "content", x->prompt,
                             "role", "assistant", "content", x->completion);
    json_t *ids = json_array();
    json_array_append_new(ids, json_string(sid));
    json_t *lics = json_array();
    json_array_append_new(lics, json_string(lic ? lic : "unknown"));
    if (x->pair) {
        json_array_append_new(ids, json_string(pp_record_str(x->pair->rec, "id")));
        const char *pl = pp_record_str(x->pair->rec, "license");
        if (pl && (!lic || strcmp(pl, lic) != 0))
            json_array_append_new(lics, json_string(pl));
    }
    /* the template file relative to the data directory when it is installed
     * data (items do not carry this machine's paths) */
    const char *tfile = t->path, *dd = pp_data_dir();
    /* the corpus the item came from: the record's own source */
    const char *corpus = pp_record_str(r->rec, "source");
    if (!corpus)
        corpus = t->dataset ? t->dataset : "unknown";
    size_t ddl = dd ? strlen(dd) : 0;
    if (ddl && strncmp(tfile, dd, ddl) == 0 && tfile[ddl] == '/')
        tfile += ddl + 1;
    json_t *item = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:s,s:o,s:o,s:s,s:s,"
                             "s:s,s:o,s:s,s:s}",
                             "id", id, "template", t->id, "task", t->task, "lang", t->lang,
                             "variety", t->variety, "locale", t->locale, "dataset", corpus,
                             "source_id", sid, "source_ids", ids, "license",
                             lic ? lic : "unknown", "licenses", lics, "review_status",
                             t->review_status, "authors", str_array(t->authors, t->nauthors),
                             "reviewers", str_array(t->reviewers, t->nreviewers), "review_note",
                             t->review_note ? t->review_note : "", "template_file", tfile,
                             "family", t->family, "messages", msgs, "prompt", x->prompt,
                             "completion", x->completion);
    if (item) {
        json_object_set_new(item, "metrics", str_array(t->metrics, t->nmetrics));
        json_object_set_new(item, "choices_in_prompt", json_boolean(t->choices_in_prompt));
    }
    if (item && t->nchoices) {
        json_t *ch = json_array();
        for (size_t i = 0; i < t->nchoices; i++)
            json_array_append_new(ch, json_string(t->choices[i].text));
        json_object_set_new(item, "choices", ch);
    }
    /* `source` and `script` as in corpus records (datasheets count them) */
    if (item)
        json_object_set_new(item, "source", json_string(corpus));
    const char *script = pp_record_str(r->rec, "script");
    if (item && script)
        json_object_set_new(item, "script", json_string(script));
    if (item && t->license && t->license[0])
        json_object_set_new(item, "template_license", json_string(t->license));
    if (item && x->pair)
        json_object_set_new(item, "pair_lang", json_string(x->pair->canon));
    if (item && t->choices_language)
        json_object_set_new(item, "item_lang", json_string(r->canon));
    return item;
}

static int lang_selected(const pp_template *t, const pp_instruct_opts *o, const pp_registry *reg)
{
    if (!o || !o->langs || !o->nlangs)
        return 1;
    for (size_t i = 0; i < o->nlangs; i++) {
        char k[32];
        pp_tpl_langkey(o->langs[i], k, sizeof k);
        if (strcmp(k, t->langkey) == 0 || strcmp(o->langs[i], t->variety) == 0 ||
            pp_lang_matches(reg, o->langs[i], t->langkey))
            return 1;
        for (size_t j = 0; j < t->nsrckeys; j++)
            if (strcmp(k, t->srckeys[j]) == 0)
                return 1;
    }
    return 0;
}

typedef struct outitem {
    size_t order;
    json_t *item;
} outitem;

static int cmp_out(const void *a, const void *b)
{
    size_t x = ((const outitem *)a)->order, y = ((const outitem *)b)->order;
    return x < y ? -1 : x > y;
}

pp_status pp_instruct_render(const pp_template *t, const pp_instruct_data *cd,
                             const pp_instruct_opts *o, pp_instruct_emit_fn emit, void *ud,
                             pp_instruct_counts *counts, pp_error *err)
{
    pp_instruct_data *d = (pp_instruct_data *)cd; /* the join index is a cache */
    pp_instruct_counts c = {0, 0, 0, 0, 0};
    if (counts)
        *counts = c;
    if (!lang_selected(t, o, d->reg))
        return PP_OK;
    size_t *idx = NULL, n = 0;
    cand_stats cs = {0, 0};
    pp_status st = candidates(t, d, &idx, &n, &cs, err);
    if (st != PP_OK)
        return st;
    c.candidates = n;
    json_t *shared = shared_ids(d, idx, n);
    if (!shared) {
        free(idx);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    uint64_t seed = o ? o->seed : 0;
    /* Seeded shuffle (Fisher-Yates) when sampling; items then go out in data order. */
    long max = o ? o->max_per_template : 0;
    if (max > 0 && (size_t)max < n) {
        uint64_t s = str_hash(t->id, seed ^ 0x5851F42D4C957F2DULL);
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = (size_t)(splitmix64(&s) % (i + 1));
            size_t tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
    }
    outitem *items = calloc(n ? n : 1, sizeof *items);
    if (!items) {
        free(idx);
        json_decref(shared);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t k = 0;
    int paired = 0;
    for (size_t i = 0; i < n && (max <= 0 || k < (size_t)max); i++) {
        rendered x;
        memset(&x, 0, sizeof x);
        pp_error e;
        pp_error_clear(&e);
        st = render_one(t, d, &d->recs[idx[i]], seed, &x, &e);
        paired |= x.pair != NULL;
        if (st == PP_ERR_NOT_FOUND || st == PP_ERR_INVALID) {
            /* record-level: this record cannot feed the template */
            c.skipped++;
            rendered_clear(&x);
            st = PP_OK;
            continue;
        }
        if (st != PP_OK) {
            if (err)
                *err = e;
            rendered_clear(&x);
            break;
        }
        json_t *it = make_item(t, shared, &d->recs[idx[i]], &x);
        rendered_clear(&x);
        if (!it) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            break;
        }
        items[k].order = idx[i];
        items[k++].item = it;
    }
    if (st == PP_OK && k > 1)
        qsort(items, k, sizeof *items, cmp_out);
    for (size_t i = 0; i < k; i++) {
        if (st == PP_OK) {
            st = emit(items[i].item, ud, err);
            if (st == PP_OK)
                c.items++;
        }
        json_decref(items[i].item);
    }
    free(items);
    free(idx);
    json_decref(shared);
    c.in_language = cs.in_language;
    if (cs.in_language)
        c.unmet = t->needs & ~cs.met & ~(unsigned)PP_NEED_PARALLEL;
    if ((t->needs & PP_NEED_PARALLEL) && n && !paired)
        c.unmet |= PP_NEED_PARALLEL;
    if (counts)
        *counts = c;
    return st;
}

pp_status pp_template_try(const pp_template *t, const pp_instruct_data *cd, char **prompt,
                          char **completion, pp_error *err)
{
    pp_instruct_data *d = (pp_instruct_data *)cd;
    *prompt = *completion = NULL;
    size_t *idx = NULL, n = 0;
    pp_status st = candidates(t, d, &idx, &n, NULL, err);
    if (st != PP_OK)
        return st;
    if (n == 0) {
        free(idx);
        return pp_error_set(err, PP_ERR_NOT_FOUND, t->path, t->input_line,
                            "template %s: no %s record in %s%s%s to render on", t->id,
                            t->choices_language ? "choice-language" : t->variety,
                            t->dataset ? t->dataset : "the data",
                            t->split ? " split " : "", t->split ? t->split : "");
    }
    pp_error first;
    pp_error_clear(&first);
    st = PP_ERR_NOT_FOUND;
    for (size_t i = 0; i < n; i++) {
        rendered x;
        memset(&x, 0, sizeof x);
        pp_error e;
        pp_error_clear(&e);
        pp_status s = render_one(t, d, &d->recs[idx[i]], 0, &x, &e);
        if (s == PP_OK) {
            *prompt = x.prompt;
            *completion = x.completion;
            x.prompt = x.completion = NULL;
            rendered_clear(&x);
            st = PP_OK;
            break;
        }
        rendered_clear(&x);
        if (first.code == PP_OK)
            first = e;
        if (s != PP_ERR_NOT_FOUND && s != PP_ERR_INVALID) {
            st = s;
            break;
        }
    }
    free(idx);
    if (st != PP_OK && err)
        *err = first;
    return st;
}

pp_status pp_template_wording(const pp_template *t, char **out, pp_error *err)
{
    size_t cap = t->nargs + t->nconsts + t->npair_args + 4;
    pp_msgarg *args = calloc(cap, sizeof *args);
    if (!args)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    size_t na = 0;
    for (size_t i = 0; i < t->nargs; i++)
        args[na++] = (pp_msgarg){t->args[i].name, t->args[i].type, "", 1};
    for (size_t i = 0; i < t->nconsts; i++)
        args[na++] = (pp_msgarg){t->consts[i].name, t->consts[i].type, "", t->consts[i].num};
    for (size_t i = 0; i < t->npair_args; i++)
        args[na++] = (pp_msgarg){t->pair_args[i].name, t->pair_args[i].type, "", 1};
    if (t->has_cloze) {
        args[na++] = (pp_msgarg){t->cloze_masked, PP_MSGARG_STRING, "", 0};
        args[na++] = (pp_msgarg){t->cloze_answer, PP_MSGARG_STRING, "", 0};
    }
    if (t->nchoices) {
        args[na++] = (pp_msgarg){"choices", PP_MSGARG_STRING, "", 0};
        args[na++] = (pp_msgarg){"answer", PP_MSGARG_STRING, "", 0};
    }
    pp_error e;
    pp_error_clear(&e);
    pp_status st = pp_msgformat(t->locale, t->input, args, na, out, &e);
    if (st != PP_OK)
        pp_error_set(err, e.code, t->path, t->input_line, "%s", e.message);
    free(args);
    return st;
}

pp_status pp_template_check_lid(const pp_template *t, struct pp_lid *lid, int *match,
                                char *got, size_t gotcap, float *prob, pp_error *err)
{
    *match = 0;
    if (gotcap)
        got[0] = '\0';
    *prob = 0;
    char *wording = NULL;
    pp_status st = pp_template_wording(t, &wording, err);
    if (st != PP_OK)
        return st;
    pp_lid_result res;
    st = pp_lid_identify(lid, wording, strlen(wording), 1, &res, err);
    free(wording);
    if (st != PP_OK)
        return st;
    snprintf(got, gotcap, "%s", res.best.lang);
    *prob = (float)res.best.prob;
    if (res.abstained != PP_LID_DECIDED)
        return PP_OK;
    char k1[32], k2[32];
    pp_tpl_langkey(res.best.lang, k1, sizeof k1);
    pp_tpl_langkey(res.best.iso639_3, k2, sizeof k2);
    const char *keys[2] = {k1, k2};
    for (int i = 0; i < 2; i++) {
        if (!keys[i][0])
            continue;
        if (strcmp(keys[i], t->langkey) == 0)
            *match = 1;
        for (size_t j = 0; j < t->nsrckeys; j++)
            if (strcmp(keys[i], t->srckeys[j]) == 0)
                *match = 1;
    }
    /* Members of one macrolanguage (Cusco and Ayacucho Quechua) are not told
     * apart on a short prompt; naming a sister variety is not a mismatch. */
    pp_registry *reg = NULL;
    if (!*match && pp_registry_open(NULL, &reg, NULL) == PP_OK) {
        const pp_language *a = pp_registry_get(reg, res.best.iso639_3);
        const pp_language *b = pp_registry_get(reg, t->langkey);
        if (a && b) {
            const char *ma = a->macrolanguage ? a->macrolanguage : a->iso639_3;
            const char *mb = b->macrolanguage ? b->macrolanguage : b->iso639_3;
            *match = strcmp(ma, mb) == 0;
        }
    }
    pp_registry_free(reg);
    return PP_OK;
}
