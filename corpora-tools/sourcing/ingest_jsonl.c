/* ingest_jsonl.c — JSONL records with field mapping.
 *
 * The text comes from --text-field (default "text"), the language from
 * --lang-field (default "lang"; a dotted path such as metadata.language
 * reaches into nested objects), the id from --id-field (default "id"; a
 * string or an integer). `source` and `license` are kept when the input has
 * them as strings. Every other top-level field (an unmapped "text", "lang"
 * or "id" included) moves into `meta` (next to
 * the fields of an input `meta` object, which win on a clash), so the output
 * always has the record shape of DESIGN.md and nothing is lost. `script` is
 * always recomputed. The text is NFC-normalized but its white space is kept
 * (a JSONL document may have line breaks that mean something); --segment
 * paragraphs cuts it at blank lines.
 *
 * Records come from the record reader as views (pp_record_view.h): the
 * fields are read and the meta written straight from them, without a
 * jansson tree. Trees are used where the view is not enough: --segment
 * (which adds to meta per piece), a dotted --lang-field or --text-field,
 * the rare line the fast parser leaves to jansson, and PP_INGEST_TREE set
 * in the environment (so that tests can compare the two ways). */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_record.h"
#include "src/pp_record_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fields the record is built from (or that it recomputes); every other
 * field moves into meta. An input "text", "lang" or "id" that is not the
 * mapped field is kept in meta too. */
static int is_core_field(const pp_ingest_opts *o, const char *k)
{
    /* the fixed names start with s, l or m: most other keys end here */
    if (*k != 's' && *k != 'l' && *k != 'm' && *k != *o->text_field && *k != *o->lang_field &&
        *k != *o->id_field)
        return 0;
    return strcmp(k, o->text_field) == 0 || strcmp(k, o->lang_field) == 0 ||
           strcmp(k, o->id_field) == 0 || strcmp(k, "script") == 0 ||
           strcmp(k, "source") == 0 || strcmp(k, "license") == 0 || strcmp(k, "meta") == 0;
}

/* The id of a record without one (both ways of reading records use it). */
static const char *line_id(const pp_ingest_run *r, long lineno, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s-l%ld", r->id_stem, lineno);
    return buf;
}

static pp_status one_record(pp_ingest_run *r, json_t *rec, long lineno, const char *raw,
                            size_t rawlen, pp_error *err)
{
    const pp_ingest_opts *o = r->o;
    char reason[256];
    json_t *t = json_object_get(rec, o->text_field);
    if (!json_is_string(t)) {
        snprintf(reason, sizeof reason, "%s field '%s'", t ? "non-string" : "no",
                 o->text_field);
        return pp_ingest_reject(r, lineno, reason, raw, rawlen, err);
    }
    json_t *l = pp_record_get(rec, o->lang_field); /* "metadata.language" too */
    if (l && !json_is_string(l) && !json_is_null(l)) {
        snprintf(reason, sizeof reason, "language field '%s' is not a string", o->lang_field);
        return pp_ingest_reject(r, lineno, reason, raw, rawlen, err);
    }
    if (!json_is_string(l) && r->sink->fallback) {
        snprintf(reason, sizeof reason, "no language field '%s'", o->lang_field);
        pp_status fs = r->sink->fallback(r->sink->ctx, r->name, lineno, reason, err);
        if (fs != PP_OK)
            return fs;
    }
    char idbuf[320];
    json_t *idv = json_object_get(rec, o->id_field);
    const char *id;
    if (json_is_string(idv) && json_string_length(idv) > 0)
        id = json_string_value(idv);
    else if (json_is_integer(idv)) {
        snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(idv));
        id = idbuf;
    } else {
        id = line_id(r, lineno, idbuf, sizeof idbuf);
    }
    /* meta: the input's meta object plus every non-core top-level field */
    json_t *m = json_object_get(rec, "meta");
    const char *k;
    json_t *v;
    size_t extra = 0;
    json_object_foreach(rec, k, v)
    {
        if (!is_core_field(o, k))
            extra++;
    }
    json_t *meta = NULL;
    if (json_is_object(m))
        meta = extra ? json_copy(m) : json_incref(m);
    else if (m && !json_is_null(m))
        meta = json_pack("{s:O}", "meta", m);
    json_object_foreach(rec, k, v)
    {
        if (is_core_field(o, k))
            continue;
        if (!meta)
            meta = json_object();
        if (meta && !json_object_get(meta, k))
            json_object_set_nocheck(meta, k, v);
    }

    const char *src = json_string_value(json_object_get(rec, "source"));
    const char *lic = json_string_value(json_object_get(rec, "license"));
    r->rec_source = (src && *src && !(o->source && *o->source)) ? src : NULL;
    r->text_ok = json_string_value(t);
    r->text_ok_len = json_string_length(t);
    pp_status s = pp_ingest_text(r, id, json_string_value(t), json_string_length(t),
                                 json_string_value(l), lic, meta, PP_TEXT_PARAGRAPHS, lineno,
                                 err);
    r->rec_source = NULL;
    r->text_ok = NULL;
    return s;
}

static int is_string(const pp_jfield *f) { return f && f->type == PP_J_STRING; }

/* Add `f` as a member of the meta being written. */
static int meta_add(pp_jbuf *b, size_t *count, const pp_record_view *v, const pp_jfield *f)
{
    if ((*count)++ && !pp_jbuf_put(b, ",", 1))
        return 0;
    if (!pp_jbuf_string_valid(b, f->key, f->key_len) || !pp_jbuf_put(b, ":", 1))
        return 0;
    return pp_record_view_dump(v, f, &b->s, &b->len, &b->cap);
}

/* one_record over a view: the same checks, id, meta and record, read from
 * the parsed fields. */
static pp_status one_view(pp_ingest_run *r, const pp_record_view *v, long lineno,
                          const char *raw, size_t rawlen, pp_error *err)
{
    const pp_ingest_opts *o = r->o;
    char reason[256];
    const pp_jfield *t = pp_record_view_get(v, o->text_field);
    if (!is_string(t)) {
        snprintf(reason, sizeof reason, "%s field '%s'", t ? "non-string" : "no",
                 o->text_field);
        return pp_ingest_reject(r, lineno, reason, raw, rawlen, err);
    }
    const pp_jfield *l = pp_record_view_get(v, o->lang_field);
    if (l && !is_string(l) && l->type != PP_J_NULL) {
        snprintf(reason, sizeof reason, "language field '%s' is not a string", o->lang_field);
        return pp_ingest_reject(r, lineno, reason, raw, rawlen, err);
    }
    if (!is_string(l) && r->sink->fallback) {
        snprintf(reason, sizeof reason, "no language field '%s'", o->lang_field);
        pp_status fs = r->sink->fallback(r->sink->ctx, r->name, lineno, reason, err);
        if (fs != PP_OK)
            return fs;
    }
    char idbuf[320];
    const pp_jfield *idv = pp_record_view_get(v, o->id_field);
    const char *id;
    if (is_string(idv) && idv->len > 0)
        id = idv->str;
    else if (idv && idv->type == PP_J_INT) {
        snprintf(idbuf, sizeof idbuf, "%lld", idv->i);
        id = idbuf;
    } else {
        id = line_id(r, lineno, idbuf, sizeof idbuf);
    }
    /* meta: the input's meta object (or {"meta": value} for another value),
     * then every non-core top-level field it does not already have. */
    pp_jbuf *b = &r->meta;
    b->len = 0;
    size_t count = 0, nf, nm = 0;
    int ok = pp_jbuf_put(b, "{", 1);
    const pp_jfield *m = pp_record_view_get(v, "meta");
    const pp_jfield *mm = NULL;
    if (m && m->type == PP_J_OBJECT) {
        mm = pp_record_view_members(v, m, &nm);
        ok = ok && (mm || nm == 0);
        for (size_t i = 0; ok && i < nm; i++)
            ok = meta_add(b, &count, v, &mm[i]);
    } else if (m && m->type != PP_J_NULL) {
        ok = ok && pp_jbuf_put(b, "\"meta\":", 7) &&
             pp_record_view_dump(v, m, &b->s, &b->len, &b->cap);
        count++;
    }
    const pp_jfield *f = pp_record_view_fields(v, &nf);
    for (size_t i = 0; ok && i < nf; i++) {
        if (is_core_field(o, f[i].key))
            continue;
        size_t j = 0;
        while (j < nm && !(mm[j].key_len == f[i].key_len &&
                           memcmp(mm[j].key, f[i].key, f[i].key_len) == 0))
            j++;
        if (j == nm)
            ok = meta_add(b, &count, v, &f[i]);
    }
    if (!ok || !pp_jbuf_put(b, "}", 1))
        return pp_error_set(err, PP_ERR_NOMEM, r->name, lineno, "out of memory");
    const pp_jfield *src = pp_record_view_get(v, "source");
    const pp_jfield *lic = pp_record_view_get(v, "license");
    r->rec_source = is_string(src) && src->len && !(o->source && *o->source) ? src->str : NULL;
    r->text_ok = t->str;
    r->text_ok_len = t->len;
    r->meta_json = count ? b->s : NULL;
    r->meta_json_len = b->len;
    pp_status s = pp_ingest_text(r, id, t->str, t->len, is_string(l) ? l->str : NULL,
                                 is_string(lic) ? lic->str : NULL, NULL, PP_TEXT_PARAGRAPHS,
                                 lineno, err);
    r->rec_source = NULL;
    r->text_ok = NULL;
    r->meta_json = NULL;
    return s;
}

pp_status pp_ingest_jsonl(pp_ingest_run *r, const char *path, pp_error *err)
{
    /* The record source finds bad lines and records without the text
     * string; they go to the ingest's own rejects (its sink). */
    const char *const files[] = {path};
    pp_source_opts so = {files, 1, r->o->text_field, NULL, 0, NULL};
    pp_source *src = NULL;
    pp_status s = pp_source_open(&so, &src, err);
    if (s != PP_OK)
        return s;
    const char *tree = getenv("PP_INGEST_TREE");
    int views = r->o->segment == PP_SEGMENT_NONE && !strchr(r->o->lang_field, '.') &&
                !(tree && *tree);
    for (;;) {
        json_t *rec = NULL;
        const pp_record_view *view = NULL;
        pp_error e;
        pp_error_clear(&e);
        s = views ? pp_source_next_view(src, &view, &rec, &e) : pp_source_next(src, &rec, &e);
        size_t rawlen;
        const char *raw = pp_reader_raw(pp_source_reader(src), &rawlen);
        if (pp_reader_can_go_on(s)) {
            s = pp_ingest_reject(r, e.line, e.message, raw, rawlen, err);
            if (s != PP_OK)
                break;
            continue;
        }
        if (s != PP_OK) {
            if (err)
                *err = e;
            break;
        }
        if (!rec && !view)
            break;
        long lineno = pp_reader_lineno(pp_source_reader(src));
        s = view ? one_view(r, view, lineno, raw, rawlen, err)
                 : one_record(r, rec, lineno, raw, rawlen, err);
        json_decref(rec);
        if (s != PP_OK)
            break;
    }
    pp_source_close(src);
    return s;
}
