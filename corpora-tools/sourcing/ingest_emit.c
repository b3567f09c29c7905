/* ingest_emit.c — the record builder every reader hands its units to (UTF-8
 * check, white space, NFC, BCP 47, script, --segment) and the reject path:
 * both end at the caller's sink. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_langtag.h"
#include "src/pp_record.h"
#include "src/pp_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

pp_status pp_ingest_reject(pp_ingest_run *r, long line, const char *reason, const char *raw,
                           size_t rawlen, pp_error *err)
{
    if (!r->sink->reject)
        return PP_OK;
    return r->sink->reject(r->sink->ctx, r->name, line, reason, raw, rawlen, err);
}

/* Canonical tag for `tag` through a one-entry cache (files are mostly in one
 * language, and ICU's canonicalization is the costly step per record). */
static pp_status canon_lang(pp_ingest_run *r, const char *tag, const char **out)
{
    if (strcmp(tag, r->lang_in) != 0 || !r->lang_in[0]) {
        snprintf(r->lang_in, sizeof r->lang_in, "%s", tag);
        pp_error e;
        pp_error_clear(&e);
        r->lang_status =
            (int)pp_langtag_canonicalize(tag, r->lang_out, sizeof r->lang_out, &e);
        snprintf(r->lang_msg, sizeof r->lang_msg, "%.150s", e.message);
        if (strlen(tag) >= sizeof r->lang_in) /* do not cache truncated keys */
            r->lang_in[0] = '\0';
    }
    *out = r->lang_out;
    return (pp_status)r->lang_status;
}

/* Emit one record built from NFC text `t` (n bytes, non-empty, valid
 * UTF-8: text_unit checked it or it comes from a parsed record), written
 * field by field (pp_json_buf.h) in the order of DESIGN.md's record. */
static pp_status emit_one(pp_ingest_run *r, const char *id, const char *t, size_t n,
                          const char *lang, const char *license, json_t *meta, pp_error *err)
{
    char script[5];
    pp_script_of(t, n, script, NULL);
    const char *src = r->rec_source ? r->rec_source : r->source;
    size_t srclen = strlen(src);
    if (!pp_utf8_valid(src, srclen, NULL))
        return pp_error_set(err, PP_ERR_ENCODING, r->name, 0,
                            "the source name is not valid UTF-8 (use --source)");
    if (license && !pp_utf8_valid(license, strlen(license), NULL))
        return pp_error_set(err, PP_ERR_NOMEM, r->name, 0, "out of memory");
    pp_jbuf *o = &r->out;
    o->len = 0;
    int ok = pp_jbuf_put(o, "{\"id\":", 6) && pp_jbuf_string(o, id, strlen(id)) &&
             pp_jbuf_put(o, ",\"text\":", 8) && pp_jbuf_string_valid(o, t, n) &&
             pp_jbuf_put(o, ",\"lang\":", 8) && pp_jbuf_string(o, lang, strlen(lang)) &&
             pp_jbuf_put(o, ",\"script\":", 10) && pp_jbuf_string(o, script, strlen(script)) &&
             pp_jbuf_put(o, ",\"source\":", 10) && pp_jbuf_string(o, src, srclen);
    if (ok && license)
        ok = pp_jbuf_put(o, ",\"license\":", 11) && pp_jbuf_string(o, license, strlen(license));
    if (ok && r->meta_json)
        ok = pp_jbuf_put(o, ",\"meta\":", 8) && pp_jbuf_put(o, r->meta_json, r->meta_json_len);
    else if (ok && meta && json_object_size(meta) > 0)
        ok = pp_jbuf_put(o, ",\"meta\":", 8) && pp_jbuf_json(o, meta);
    if (!ok || !pp_jbuf_put(o, "}", 1))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "a record cannot be serialized as JSON");
    pp_ingest_record rec = {o->s, o->len, lang, t, n};
    return r->sink->emit(r->sink->ctx, &rec, err);
}

/* Text whose code points are all below U+0300 is in NFC: no character there
 * decomposes or has a nonzero combining class, and U+0300 (the first
 * combining mark) is the first code point whose NFC quick check is not Yes.
 * In UTF-8 that means no byte >= 0xCC. This spares most Latin-script text
 * the UTF-16 round trip of the full check. */
static int below_u0300(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0xCC)
            return 0;
    return 1;
}

static int is_blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
            return 0;
    return 1;
}

static pp_status text_unit(pp_ingest_run *r, const char *id, const char *text, size_t len,
                           const char *lang, const char *license, json_t *meta, int flags,
                           long line, pp_error *err);

pp_status pp_ingest_text(pp_ingest_run *r, const char *id, const char *text, size_t len,
                         const char *lang, const char *license, json_t *meta, int flags,
                         long line, pp_error *err)
{
    if (!(flags & PP_TEXT_PARAGRAPHS) || r->o->segment != PP_SEGMENT_PARAGRAPHS) {
        pp_status s = text_unit(r, id, text, len, lang, license, meta, flags, line, err);
        json_decref(meta);
        return s;
    }
    /* Cut at blank lines: a paragraph is a run of non-blank lines. */
    pp_status s = PP_OK;
    size_t i = 0, para = 0;
    size_t idlen = strlen(id);
    char *pid = malloc(idlen + 24);
    if (!pid) {
        json_decref(meta);
        return pp_error_set(err, PP_ERR_NOMEM, r->name, line, "out of memory");
    }
    while (i < len && s == PP_OK) {
        size_t start = i, end = i;
        /* skip blank lines */
        for (;;) {
            size_t e = start;
            while (e < len && text[e] != '\n')
                e++;
            if (e < len && is_blank_line(text + start, e - start)) {
                start = e + 1;
                continue;
            }
            if (e >= len && is_blank_line(text + start, e - start))
                start = len;
            break;
        }
        if (start >= len)
            break;
        end = start;
        for (;;) {
            size_t e = end;
            while (e < len && text[e] != '\n')
                e++;
            if (is_blank_line(text + end, e - end))
                break;
            end = e < len ? e + 1 : e;
            if (end >= len)
                break;
        }
        i = end;
        para++;
        snprintf(pid, idlen + 24, "%s-p%zu", id, para);
        json_t *m = meta ? json_deep_copy(meta) : json_object();
        if (!m) {
            s = pp_error_set(err, PP_ERR_NOMEM, r->name, line, "out of memory");
            break;
        }
        json_object_set_new(m, "paragraph", json_integer((json_int_t)para));
        s = text_unit(r, pid, text + start, end - start, lang, license, m,
                      flags | PP_TEXT_COLLAPSE, line, err);
        json_decref(m);
    }
    free(pid);
    json_decref(meta);
    return s;
}

/* One unit: checks, normalization, then one record or its sentences.
 * Does not steal `meta`. */
static pp_status text_unit(pp_ingest_run *r, const char *id, const char *text, size_t len,
                           const char *lang, const char *license, json_t *meta, int flags,
                           long line, pp_error *err)
{
    char reason[256];
    size_t bad;
    /* A string of a parsed JSON record (or a part of one) is already known
     * to be well-formed UTF-8 without NUL (the record reader): not checked again. */
    const char *js = r->text_ok;
    int checked = js && text >= js && text + len <= js + r->text_ok_len;
    if (!checked && !pp_utf8_valid(text, len, &bad)) {
        snprintf(reason, sizeof reason, "invalid UTF-8 at byte %zu of the text", bad + 1);
        return pp_ingest_reject(r, line, reason, text, len, err);
    }
    /* As for records (pp_record_parse): a NUL would cut the text short in
     * every later stage, so the unit is refused, never truncated. */
    if (!checked && memchr(text, '\0', len))
        return pp_ingest_reject(r, line, "text contains a NUL character", text, len, err);
    if (!lang || !*lang)
        lang = r->o->lang && *r->o->lang ? r->o->lang : "und";
    const char *canon;
    if (canon_lang(r, lang, &canon) != PP_OK) {
        snprintf(reason, sizeof reason, "bad language tag: %s", r->lang_msg);
        return pp_ingest_reject(r, line, reason, text, len, err);
    }
    if (!license)
        license = r->o->license && *r->o->license ? r->o->license : NULL;

    char *nfc = NULL;
    size_t n = 0;
    char *work = NULL;
    const char *t = text;
    n = len;
    if (flags & PP_TEXT_COLLAPSE) {
        work = malloc(len + 1);
        if (!work)
            return pp_error_set(err, PP_ERR_NOMEM, r->name, line, "out of memory");
        memcpy(work, text, len);
        work[len] = '\0';
        n = pp_collapse_space(work, len);
        work[n] = '\0';
        t = work;
    }
    if (!below_u0300(t, n) && !pp_is_normalized(t, n, PP_NFC)) {
        pp_status s = pp_normalize(t, n, PP_NFC, &nfc, &n, err);
        if (s != PP_OK) {
            free(work);
            if (err)
                err->line = line;
            return s;
        }
        t = nfc;
    }
    pp_status s = PP_OK;
    if (n == 0 || is_blank_line(t, n)) {
        s = pp_ingest_reject(r, line, PP_INGEST_EMPTY, text, len, err);
    } else if (r->o->segment != PP_SEGMENT_SENTENCES) {
        s = emit_one(r, id, t, n, canon, license, meta, err);
    } else {
        pp_span *sp = NULL;
        size_t ns = 0;
        char canon_copy[96];
        snprintf(canon_copy, sizeof canon_copy, "%s", canon);
        s = pp_segment(t, n, canon_copy, PP_SEG_SENTENCE, &sp, &ns, err);
        if (s != PP_OK && err)
            err->line = line;
        size_t idlen = strlen(id), k = 0;
        char *sid = s == PP_OK ? malloc(idlen + 24) : NULL;
        if (s == PP_OK && !sid)
            s = pp_error_set(err, PP_ERR_NOMEM, r->name, line, "out of memory");
        for (size_t i = 0; s == PP_OK && i < ns; i++) {
            size_t a = sp[i].start, b = sp[i].end;
            while (a < b && (t[a] == ' ' || t[a] == '\n' || t[a] == '\t' || t[a] == '\r'))
                a++;
            while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\n' || t[b - 1] == '\t' ||
                             t[b - 1] == '\r'))
                b--;
            if (a == b)
                continue;
            k++;
            snprintf(sid, idlen + 24, "%s-s%zu", id, k);
            json_t *m = meta ? json_deep_copy(meta) : json_object();
            if (!m) {
                s = pp_error_set(err, PP_ERR_NOMEM, r->name, line, "out of memory");
                break;
            }
            json_object_set_new(m, "sentence", json_integer((json_int_t)k));
            char *piece = strndup(t + a, b - a);
            if (!piece) {
                json_decref(m);
                s = pp_error_set(err, PP_ERR_NOMEM, r->name, line, "out of memory");
                break;
            }
            s = emit_one(r, sid, piece, b - a, canon_copy, license, m, err);
            free(piece);
            json_decref(m);
        }
        free(sid);
        free(sp);
    }
    free(nfc);
    free(work);
    return s;
}
