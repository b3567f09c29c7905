/* ingest_xml.c — loading HTML/XML with libxml2 and walking the tree. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_stream.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int pp_buf_add(pp_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            return 0;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 1;
}

void pp_buf_free(pp_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* Whether an HTML document names its encoding near the top (a meta charset
 * or an XML declaration); otherwise it is read as UTF-8, not libxml2's
 * HTML default of ISO-8859-1. */
static int declares_charset(const char *data, size_t len)
{
    size_t n = len < 2048 ? len : 2048;
    for (size_t i = 0; i + 8 <= n; i++)
        if (strncasecmp(data + i, "charset=", 8) == 0 || strncmp(data + i, "encoding=", 9) == 0)
            return 1;
    return 0;
}

/* Keeps the first error of a parse (the later ones tend to be consequences)
 * and stops libxml2 from printing anything. */
typedef struct first_error {
    int set;
    long line;
    char message[400];
} first_error;

static void keep_first(void *user, xmlErrorPtr e)
{
    xmlParserCtxtPtr ctxt = user;
    first_error *fe = ctxt ? ctxt->_private : NULL;
    if (!fe || fe->set || !e || e->level < XML_ERR_ERROR)
        return;
    fe->set = 1;
    fe->line = e->line;
    snprintf(fe->message, sizeof fe->message, "%s", e->message ? e->message : "");
    size_t n = strlen(fe->message);
    while (n > 0 && (fe->message[n - 1] == '\n' || fe->message[n - 1] == ' '))
        fe->message[--n] = '\0';
}

/* Entity references stay nodes (the parser does not substitute them) and
 * pp_xml_text() inserts an internal entity's text where it is referenced.
 * Before that, every reference is checked: an external entity is never
 * loaded, so its text would silently be missing; a nested reference is not
 * expanded; and all insertions together are bounded, since a short file can
 * reference a long entity many thousand times. */
#define XML_MAX_ENTITY_TEXT (8L << 20)

static pp_status check_entities(const xmlNode *n, xmlDocPtr doc, const char *name, long *total,
                                pp_error *err)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            pp_status s = check_entities(c, doc, name, total, err);
            if (s != PP_OK)
                return s;
            continue;
        }
        if (c->type != XML_ENTITY_REF_NODE)
            continue;
        long line = c->parent ? xmlGetLineNo(c->parent) : 0;
        xmlEntityPtr e = xmlGetDocEntity(doc, c->name);
        if (!e || e->etype != XML_INTERNAL_GENERAL_ENTITY)
            return pp_error_set(err, PP_ERR_UNSUPPORTED, name, line,
                                "the entity &%s; is external or undeclared and is not loaded "
                                "(no file outside the document is read), so the text would be "
                                "incomplete",
                                (const char *)c->name);
        const char *v = e->content ? (const char *)e->content : "";
        if (strchr(v, '&'))
            return pp_error_set(err, PP_ERR_UNSUPPORTED, name, line,
                                "the entity &%s; refers to other entities, which are not expanded",
                                (const char *)c->name);
        *total += (long)strlen(v);
        if (*total > XML_MAX_ENTITY_TEXT)
            return pp_error_set(err, PP_ERR_PARSE, name, line,
                                "entity references expand to more than %ld MB of text "
                                "(an entity amplification)",
                                XML_MAX_ENTITY_TEXT >> 20);
    }
    return PP_OK;
}

pp_status pp_xml_load(const char *path, int html, xmlDocPtr *doc, pp_error *err)
{
    *doc = NULL;
    pp_input *in = NULL;
    pp_status s = pp_input_open(path, &in, err);
    if (s != PP_OK)
        return s;
    char *data = NULL;
    size_t len = 0;
    s = pp_input_slurp(in, &data, &len, err);
    char name[512];
    snprintf(name, sizeof name, "%s", pp_input_name(in));
    pp_input_close(in);
    if (s != PP_OK)
        return s;
    if (len > (size_t)INT32_MAX) {
        free(data);
        return pp_error_set(err, PP_ERR_UNSUPPORTED, name, 0, "file too large for the XML parser");
    }
    if (html) {
        htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
        if (!ctxt) {
            free(data);
            return pp_error_set(err, PP_ERR_NOMEM, name, 0, "out of memory");
        }
        /* HTML is parsed with recovery, as browsers do; the encoding defaults
         * to UTF-8 unless the document declares another. */
        *doc = htmlCtxtReadMemory(ctxt, data, (int)len, name, declares_charset(data, len) ? NULL : "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET | XML_PARSE_HUGE);
        htmlFreeParserCtxt(ctxt);
        free(data);
        if (!*doc)
            return pp_error_set(err, PP_ERR_PARSE, name, 0, "not an HTML document");
        return PP_OK;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        free(data);
        return pp_error_set(err, PP_ERR_NOMEM, name, 0, "out of memory");
    }
    first_error fe = {0};
    ctxt->_private = &fe;
    ctxt->sax->serror = keep_first;
    /* No network, no external DTD or entity loading, no entity substitution:
     * only what the file itself says. */
    *doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                 XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    if (!*doc || !ctxt->wellFormed) {
        if (!fe.set) {
            xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
            keep_first(ctxt, e);
        }
        xmlFreeDoc(*doc);
        *doc = NULL;
        xmlFreeParserCtxt(ctxt);
        free(data);
        return pp_error_set(err, PP_ERR_PARSE, name, fe.line, "malformed XML: %s",
                            fe.set ? fe.message : "not well-formed");
    }
    xmlFreeParserCtxt(ctxt);
    free(data);
    long total = 0;
    s = check_entities(xmlDocGetRootElement(*doc), *doc, name, &total, err);
    if (s != PP_OK) {
        xmlFreeDoc(*doc);
        *doc = NULL;
    }
    return s;
}

int pp_xml_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->name &&
           strcasecmp((const char *)n->name, name) == 0;
}

char *pp_xml_attr(const xmlNode *n, const char *name)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return NULL;
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

char *pp_xml_lang(const xmlNode *n)
{
    for (; n; n = n->parent) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        /* xml:lang on this element only: xmlNodeGetLang() would walk up to the
         * root from every ancestor, quadratic in the depth of the document. */
        xmlChar *v = xmlGetNsProp(n, (const xmlChar *)"lang", XML_XML_NAMESPACE);
        if (v && *v)
            return (char *)v;
        xmlFree(v);
        v = xmlGetNoNsProp(n, (const xmlChar *)"lang");
        if (v && *v)
            return (char *)v;
        xmlFree(v);
    }
    return NULL;
}

xmlNode *pp_xml_child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (pp_xml_is(c, name))
            return c;
    return NULL;
}

xmlNode *pp_xml_find(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (pp_xml_is(c, name))
            return c;
        xmlNode *d = pp_xml_find(c, name);
        if (d)
            return d;
    }
    return NULL;
}

static int in_list(const xmlNode *n, const char *const *skip)
{
    for (size_t i = 0; skip && skip[i]; i++)
        if (pp_xml_is(n, skip[i]))
            return 1;
    return 0;
}

int pp_xml_text(const xmlNode *n, const char *const *skip, pp_buf *b)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        switch (c->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (c->content && !pp_buf_add(b, (const char *)c->content,
                                          strlen((const char *)c->content)))
                return 0;
            break;
        case XML_ENTITY_REF_NODE: {
            /* checked by pp_xml_load: internal, flat, bounded in total */
            xmlEntityPtr e = xmlGetDocEntity(c->doc, c->name);
            const char *v = e && e->content ? (const char *)e->content : "";
            if (!pp_buf_add(b, v, strlen(v)))
                return 0;
            break;
        }
        case XML_ELEMENT_NODE:
            if (in_list(c, skip))
                break;
            if (pp_xml_is(c, "br") && !pp_buf_add(b, " ", 1))
                return 0;
            if (!pp_xml_text(c, skip, b))
                return 0;
            break;
        default:
            break;
        }
    }
    return 1;
}
