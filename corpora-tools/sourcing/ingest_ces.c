/* ingest_ces.c — Corpus Encoding Standard XML as used by the massively
 * parallel Bible corpus:
 *
 *   <cesDoc><cesHeader>... <h.title>Bible(BAQ)</h.title> ...
 *       <language id="eu" iso639="baq">Basque</language> ...</cesHeader>
 *     <text><body id="Bible" lang="eu">
 *       <div id="b.MAT" type="book"><div id="b.MAT.1" type="chapter">
 *         <seg id="b.MAT.1.1" type="verse">...</seg>
 *
 * A record per <seg type="verse">; id = the verse id (the same verse has the
 * same id in every language: the `source` field tells the files apart).
 * The language is <language iso639=..> (ISO 639-2/B codes mapped to their
 * 639-2/T form first, since ICU knows only the latter), else <body lang=..>,
 * else --lang. The corpus header names no license, so `license` is set only
 * by --license. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ISO 639-2 bibliographic codes and their terminological equivalents. */
static const char *const b_to_t[][2] = {
    {"alb", "sqi"}, {"arm", "hye"}, {"baq", "eus"}, {"bur", "mya"}, {"chi", "zho"},
    {"cze", "ces"}, {"dut", "nld"}, {"fre", "fra"}, {"geo", "kat"}, {"ger", "deu"},
    {"gre", "ell"}, {"ice", "isl"}, {"mac", "mkd"}, {"mao", "mri"}, {"may", "msa"},
    {"per", "fas"}, {"rum", "ron"}, {"slo", "slk"}, {"tib", "bod"}, {"wel", "cym"}};

static const char *terminological(const char *code)
{
    for (size_t i = 0; i < sizeof b_to_t / sizeof b_to_t[0]; i++)
        if (strcmp(code, b_to_t[i][0]) == 0)
            return b_to_t[i][1];
    return code;
}

typedef struct ces {
    pp_ingest_run *r;
    const char *lang;
    const char *title;
    pp_buf b;
    pp_status s;
    pp_error *err;
} ces;

/* "b.MAT.1.1" -> book MAT, chapter 1, verse 1 (when the id has that form). */
static json_t *verse_meta(const char *id, const char *title)
{
    json_t *m = json_object();
    if (title && *title)
        json_object_set_new(m, "title", json_string(title));
    char book[32];
    long ch, vs;
    int used = 0;
    if (sscanf(id, "b.%31[^.].%ld.%ld%n", book, &ch, &vs, &used) == 3 && id[used] == '\0') {
        json_object_set_new(m, "book", json_string(book));
        json_object_set_new(m, "chapter", json_integer(ch));
        json_object_set_new(m, "verse", json_integer(vs));
    }
    return m;
}

static void walk(ces *c, xmlNode *n)
{
    for (xmlNode *e = n->children; e && c->s == PP_OK; e = e->next) {
        if (e->type != XML_ELEMENT_NODE)
            continue;
        if (!pp_xml_is(e, "seg")) {
            walk(c, e);
            continue;
        }
        char *type = pp_xml_attr(e, "type");
        int verse = !type || strcmp(type, "verse") == 0;
        xmlFree(type);
        if (!verse)
            continue;
        char *id = pp_xml_attr(e, "id");
        long line = (long)xmlGetLineNo(e);
        if (!id || !*id) {
            c->s = pp_ingest_reject(c->r, line, "<seg> without an id attribute", NULL, 0, c->err);
        } else {
            c->b.len = 0;
            if (!pp_xml_text(e, NULL, &c->b) || !pp_buf_add(&c->b, "", 0))
                c->s = pp_error_set(c->err, PP_ERR_NOMEM, c->r->name, line, "out of memory");
            else
                c->s = pp_ingest_text(c->r, id, c->b.s, c->b.len, c->lang, NULL,
                                      verse_meta(id, c->title), PP_TEXT_COLLAPSE, line, c->err);
        }
        xmlFree(id);
    }
}

pp_status pp_ingest_ces(pp_ingest_run *r, xmlDocPtr doc, pp_error *err)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !pp_xml_is(root, "cesDoc"))
        return pp_error_set(err, PP_ERR_PARSE, r->name, root ? (long)xmlGetLineNo(root) : 0,
                            "not a CES document: the root element is not <cesDoc>");
    xmlNode *header = pp_xml_child(root, "cesHeader");
    xmlNode *text = pp_xml_child(root, "text");
    xmlNode *body = pp_xml_child(text, "body");

    char langbuf[64] = "";
    xmlNode *language = pp_xml_find(header, "language");
    char *iso = pp_xml_attr(language, "iso639");
    if (iso && *iso) {
        snprintf(langbuf, sizeof langbuf, "%s", terminological(iso));
    } else {
        char *bl = pp_xml_attr(body, "lang");
        if (bl && *bl)
            snprintf(langbuf, sizeof langbuf, "%s", bl);
        xmlFree(bl);
    }
    xmlFree(iso);

    pp_buf title = {0};
    xmlNode *t = pp_xml_find(header, "h.title");
    if (t && pp_xml_text(t, NULL, &title) && pp_buf_add(&title, "", 0))
        title.len = pp_collapse_space(title.s, title.len), title.s[title.len] = '\0';

    ces c = {r, langbuf[0] ? langbuf : NULL, title.s, {0}, PP_OK, err};
    walk(&c, text ? text : root);
    pp_buf_free(&c.b);
    pp_buf_free(&title);
    return c.s;
}
