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
 * paragraphs cuts it at blank lines. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_record.h"

#include <stdio.h>
#include <string.h>

/* Fields the record is built from (or that it recomputes); every other
 * field moves into meta. An input "text", "lang" or "id" that is not the
 * mapped field is kept in meta too. */
static int is_core_field(const pp_ingest_opts *o, const char *k)
{
    return strcmp(k, o->text_field) == 0 || strcmp(k, o->lang_field) == 0 ||
           strcmp(k, o->id_field) == 0 || strcmp(k, "script") == 0 ||
           strcmp(k, "source") == 0 || strcmp(k, "license") == 0 || strcmp(k, "meta") == 0;
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
        snprintf(idbuf, sizeof idbuf, "%s-l%ld", r->id_stem, lineno);
        id = idbuf;
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
    r->text_json = t;
    pp_status s = pp_ingest_text(r, id, json_string_value(t), json_string_length(t),
                                 json_string_value(l), lic, meta, PP_TEXT_PARAGRAPHS, lineno,
                                 err);
    r->rec_source = NULL;
    r->text_json = NULL;
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
    for (;;) {
        json_t *rec = NULL;
        pp_error e;
        pp_error_clear(&e);
        s = pp_source_next(src, &rec, &e);
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
        if (!rec)
            break;
        s = one_record(r, rec, pp_reader_lineno(pp_source_reader(src)), raw, rawlen, err);
        json_decref(rec);
        if (s != PP_OK)
            break;
    }
    pp_source_close(src);
    return s;
}
