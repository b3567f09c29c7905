/* pp_source.c — records of several files under one bad-input policy
 * (pp_record.h): bad lines to --rejects or back to the caller, a broken
 * stream ends the input, and the count that decides the exit status. */
#include "config.h"
#include "src/pp_record.h"
#include "src/pp_record_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pp_source {
    pp_source_opts o;
    int next_file; /* index of the file to open after the current one */
    int cur;       /* index of the current file */
    pp_reader *r;
    long bad, kept;
};

/* The file's name as the caller wants it shown (opts.names). */
static void rename_file(const pp_source *s, pp_error *e)
{
    const char *n = s->o.names && s->cur < s->o.nfiles ? s->o.names[s->cur] : NULL;
    if (n)
        snprintf(e->file, sizeof e->file, "%s", n);
}

pp_status pp_source_open(const pp_source_opts *o, pp_source **out, pp_error *err)
{
    *out = NULL;
    pp_source *s = calloc(1, sizeof *s);
    if (!s)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    s->o = *o;
    /* Own copies of the two arrays (not of the strings), so a caller may
     * build them on its stack. */
    int n = o->nfiles > 0 && o->files ? o->nfiles : 0;
    s->o.nfiles = n;
    s->o.files = NULL;
    s->o.names = NULL;
    if (n) {
        const char **f = malloc((size_t)n * sizeof *f), **nm = NULL;
        if (f && o->names)
            nm = malloc((size_t)n * sizeof *nm);
        if (!f || (o->names && !nm)) {
            free(f);
            free(s);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        memcpy(f, o->files, (size_t)n * sizeof *f);
        if (nm)
            memcpy(nm, o->names, (size_t)n * sizeof *nm);
        s->o.files = f;
        s->o.names = nm;
    }
    const char *first = n ? o->files[0] : "-";
    pp_status st = pp_reader_open(first, &s->r, err);
    if (st != PP_OK) {
        if (err)
            rename_file(s, err);
        pp_source_close(s);
        return st;
    }
    s->next_file = 1;
    *out = s;
    return PP_OK;
}

/* Hand `e` to the caller; an error of the input (not of the rejects file)
 * names the file as the caller wants it shown. */
static pp_status give(const pp_source *s, pp_error *err, pp_error *e, pp_status st, int input)
{
    if (st != PP_OK && input)
        rename_file(s, e);
    if (err && st != PP_OK)
        *err = *e;
    return st;
}

/* The next record as a view (when `view` is not NULL and the fast parser
 * took the line) or as a tree. */
static pp_status next(pp_source *s, const pp_record_view **view, json_t **rec, pp_error *err)
{
    *rec = NULL;
    if (view)
        *view = NULL;
    pp_error e;
    for (;;) {
        if (!s->r)
            return PP_OK;
        pp_error_clear(&e);
        json_t *j = NULL;
        const pp_record_view *v = NULL;
        pp_status st = pp_reader_next_view(s->r, &v, &j, &e);
        if (st != PP_OK && !pp_reader_can_go_on(st))
            return give(s, err, &e, st, 1); /* the input ends: never a line to skip */
        if (st == PP_OK && !j && !v) {
            pp_reader_close(s->r);
            s->r = NULL;
            if (s->next_file < s->o.nfiles) {
                s->cur = s->next_file;
                st = pp_reader_open(s->o.files[s->next_file++], &s->r, &e);
                if (st != PP_OK)
                    return give(s, err, &e, st, 1);
            }
            continue;
        }
        int has_text = 1;
        if (st == PP_OK && v && s->o.text_field && !strchr(s->o.text_field, '.')) {
            const pp_jfield *f = pp_record_view_get(v, s->o.text_field);
            has_text = f && f->type == PP_J_STRING;
        } else if (st == PP_OK && s->o.text_field) {
            /* a dotted path, or a record jansson parsed: through the tree */
            if (v && !(j = pp_record_view_tree(v)))
                return give(s, err, &e,
                            pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory"), 0);
            v = NULL;
            has_text = json_is_string(pp_record_get(j, s->o.text_field));
        }
        if (!has_text)
            st = pp_error_set(&e, PP_ERR_PARSE, pp_reader_name(s->r), pp_reader_lineno(s->r),
                              "record has no \"%s\" string", s->o.text_field);
        if (st == PP_OK && v && !view && !(j = pp_record_view_tree(v)))
            st = pp_error_set(&e, PP_ERR_NOMEM, pp_reader_name(s->r), pp_reader_lineno(s->r),
                              "out of memory");
        if (st == PP_OK) {
            if (j)
                *rec = j;
            else
                *view = v;
            return PP_OK;
        }
        if (st == PP_ERR_NOMEM)
            return give(s, err, &e, st, 0);
        s->bad++;
        rename_file(s, &e);
        if (s->o.rejects && !s->o.strict) {
            size_t rawlen;
            const char *raw = pp_reader_raw(s->r, &rawlen);
            if (v && !j)
                j = pp_record_view_tree(v); /* the record, as rejects keep it */
            pp_error we;
            pp_error_clear(&we);
            pp_status ws =
                pp_reject_put(s->o.rejects, e.file, e.line, e.message, j, raw, rawlen, &we);
            json_decref(j);
            if (ws != PP_OK)
                return give(s, err, &we, ws, 0);
            s->kept++;
            continue;
        }
        json_decref(j);
        return give(s, err, &e, st, 0); /* already renamed */
    }
}

pp_status pp_source_next(pp_source *s, json_t **rec, pp_error *err)
{
    return next(s, NULL, rec, err);
}

pp_status pp_source_next_view(pp_source *s, const pp_record_view **view, json_t **rec,
                              pp_error *err)
{
    return next(s, view, rec, err);
}

pp_status pp_source_reject(pp_source *s, const json_t *rec, const char *reason, pp_error *err)
{
    pp_error e;
    pp_error_set(&e, PP_ERR_PARSE, pp_reader_name(s->r), pp_reader_lineno(s->r), "%s", reason);
    rename_file(s, &e);
    s->bad++;
    if (s->o.rejects && !s->o.strict) {
        size_t rawlen;
        const char *raw = pp_reader_raw(s->r, &rawlen);
        pp_error we;
        pp_error_clear(&we);
        pp_status ws = pp_reject_put(s->o.rejects, e.file, e.line, e.message, rec, raw, rawlen, &we);
        if (ws != PP_OK)
            return give(s, err, &we, ws, 0);
        s->kept++;
        return PP_OK;
    }
    return give(s, err, &e, PP_ERR_PARSE, 0);
}

void pp_source_set_rejects(pp_source *s, pp_writer *rejects)
{
    if (s)
        s->o.rejects = rejects;
}

pp_reader *pp_source_reader(const pp_source *s) { return s ? s->r : NULL; }
long pp_source_bad(const pp_source *s) { return s ? s->bad : 0; }
long pp_source_kept(const pp_source *s) { return s ? s->kept : 0; }
int pp_source_lost(const pp_source *s) { return s && s->bad > s->kept; }

void pp_source_close(pp_source *s)
{
    if (!s)
        return;
    pp_reader_close(s->r);
    free((void *)s->o.files);
    free((void *)s->o.names);
    free(s);
}
