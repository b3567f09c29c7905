/* ingest_html.c — the visible text of a generic HTML page.
 *
 * script, style, noscript, template, head and embedded objects are skipped;
 * block elements (p, div, li, h1..h6, td, ...) end a paragraph. The unit is
 * the document (paragraphs joined by blank lines); --segment paragraphs
 * gives a record per block. The language is the nearest lang / xml:lang
 * attribute (the <html> element's for the document), else --lang. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const skipped[] = {"script", "style",  "noscript", "template", "head",
                                      "svg",    "math",   "iframe",   "object",   "canvas",
                                      "audio",  "video",  "select",   "button",   NULL};

static const char *const blocks[] = {
    "address", "article", "aside",  "blockquote", "body",     "caption", "dd",     "details",
    "dialog",  "div",     "dl",     "dt",         "fieldset", "figcaption", "figure", "footer",
    "form",    "h1",      "h2",     "h3",         "h4",       "h5",      "h6",     "header",
    "hgroup",  "hr",      "li",     "main",       "nav",      "ol",      "p",      "pre",
    "section", "summary", "table",  "tbody",      "td",       "tfoot",   "th",     "thead",
    "tr",      "ul",      "legend", "option",     "center",   NULL};

static int in_set(const xmlNode *n, const char *const *set)
{
    for (size_t i = 0; set[i]; i++)
        if (pp_xml_is(n, set[i]))
            return 1;
    return 0;
}

typedef struct para {
    char *text;
    size_t len;
    char *lang; /* xmlFree */
    long line;
} para;

typedef struct walker {
    pp_buf cur;
    const xmlNode *first; /* first text node of the current paragraph */
    para *v;
    size_t n, cap;
    int oom;
} walker;

static void flush(walker *w)
{
    if (w->oom || w->cur.len == 0)
        return;
    size_t n = pp_collapse_space(w->cur.s, w->cur.len);
    if (n > 0) {
        if (w->n == w->cap) {
            size_t nc = w->cap ? w->cap * 2 : 16;
            para *p = realloc(w->v, nc * sizeof *p);
            if (!p) {
                w->oom = 1;
                return;
            }
            w->v = p;
            w->cap = nc;
        }
        para *p = &w->v[w->n];
        p->text = strndup(w->cur.s, n);
        if (!p->text) {
            w->oom = 1;
            return;
        }
        p->len = n;
        p->lang = pp_xml_lang(w->first ? w->first->parent : NULL);
        p->line = w->first ? (long)xmlGetLineNo(w->first) : 0;
        w->n++;
    }
    w->cur.len = 0;
    w->first = NULL;
}

static void walk(walker *w, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c && !w->oom; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (!c->content)
                continue;
            if (!w->first) {
                /* a paragraph starts at its first non-space text */
                const char *s = (const char *)c->content;
                while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
                    s++;
                if (!*s)
                    continue;
                w->first = c;
            }
            if (!pp_buf_add(&w->cur, (const char *)c->content, strlen((const char *)c->content)))
                w->oom = 1;
        } else if (c->type == XML_ELEMENT_NODE) {
            if (in_set(c, skipped))
                continue;
            if (pp_xml_is(c, "br")) {
                if (!pp_buf_add(&w->cur, " ", 1))
                    w->oom = 1;
                continue;
            }
            int block = in_set(c, blocks);
            if (block)
                flush(w);
            walk(w, c);
            if (block)
                flush(w);
        }
    }
}

pp_status pp_ingest_html(pp_ingest_run *r, xmlDocPtr doc, pp_error *err)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root)
        return pp_error_set(err, PP_ERR_PARSE, r->name, 0, "empty HTML document");
    walker w = {0};
    walk(&w, root);
    flush(&w);
    pp_status s = PP_OK;
    if (w.oom)
        s = pp_error_set(err, PP_ERR_NOMEM, r->name, 0, "out of memory");

    char *doclang = pp_xml_lang(root);
    pp_buf title = {0};
    xmlNode *t = pp_xml_find(pp_xml_child(root, "head"), "title");
    if (t && (!pp_xml_text(t, NULL, &title) || !pp_buf_add(&title, "", 0)))
        s = pp_error_set(err, PP_ERR_NOMEM, r->name, 0, "out of memory");
    if (title.s)
        title.len = pp_collapse_space(title.s, title.len), title.s[title.len] = '\0';

    if (s == PP_OK && r->o->segment == PP_SEGMENT_PARAGRAPHS) {
        char id[320];
        for (size_t i = 0; i < w.n && s == PP_OK; i++) {
            snprintf(id, sizeof id, "%s-p%zu", r->id_stem, i + 1);
            json_t *meta = json_pack("{s:I}", "paragraph", (json_int_t)(i + 1));
            if (title.len)
                json_object_set_new(meta, "title", json_string(title.s));
            s = pp_ingest_text(r, id, w.v[i].text, w.v[i].len,
                               w.v[i].lang ? w.v[i].lang : doclang, NULL, meta, 0, w.v[i].line,
                               err);
        }
    } else if (s == PP_OK) {
        pp_buf all = {0};
        for (size_t i = 0; i < w.n; i++)
            if ((i > 0 && !pp_buf_add(&all, "\n\n", 2)) ||
                !pp_buf_add(&all, w.v[i].text, w.v[i].len))
                s = pp_error_set(err, PP_ERR_NOMEM, r->name, 0, "out of memory");
        if (s == PP_OK) {
            json_t *meta = json_object();
            if (title.len)
                json_object_set_new(meta, "title", json_string(title.s));
            s = pp_ingest_text(r, r->id_stem, all.s ? all.s : "", all.len, doclang, NULL, meta, 0,
                               1, err);
        }
        pp_buf_free(&all);
    }
    for (size_t i = 0; i < w.n; i++) {
        free(w.v[i].text);
        xmlFree(w.v[i].lang);
    }
    free(w.v);
    pp_buf_free(&w.cur);
    pp_buf_free(&title);
    xmlFree(doclang);
    return s;
}
