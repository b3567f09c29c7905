/* ingest_tei.c — basic TEI (P5 <TEI>, P4 <TEI.2>, or a <teiCorpus> of them):
 *
 *   <TEI xml:lang="yo"><teiHeader><fileDesc>
 *       <titleStmt><title>..</title></titleStmt>
 *       <publicationStmt><availability><licence target="..">..</licence>...
 *     <text><body><div><head>..</head><p>..</p>...
 *
 * A record per <p>, <head>, <ab>, verse line <l> and stanza <lg> (its
 * lines joined by spaces) of the text (front, body, back), in document
 * order; an element inside one of these (a <p> in a <note>) is part of its
 * text, not a record of its own; <note>s are left out. The id is the
 * element's xml:id, else <source>-p<n>. The language is the inherited xml:lang,
 * else --lang. The licence's text (or its target) becomes `license`;
 * the title goes into meta.title. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Editorial notes are not part of the running text. */
static const char *const notes[] = {"note", NULL};

typedef struct tei {
    pp_ingest_run *r;
    const char *title;
    const char *license;
    size_t n;
    pp_buf b;
    pp_status s;
    pp_error *err;
} tei;

static void collapse(pp_buf *b)
{
    if (b->s) {
        b->len = pp_collapse_space(b->s, b->len);
        b->s[b->len] = '\0';
    }
}

static void walk(tei *t, xmlNode *n)
{
    for (xmlNode *e = n->children; e && t->s == PP_OK; e = e->next) {
        if (e->type != XML_ELEMENT_NODE)
            continue;
        int lg = pp_xml_is(e, "lg");
        if (!pp_xml_is(e, "p") && !pp_xml_is(e, "head") && !pp_xml_is(e, "ab") &&
            !pp_xml_is(e, "l") && !lg) {
            walk(t, e);
            continue;
        }
        long line = (long)xmlGetLineNo(e);
        t->n++;
        t->b.len = 0;
        int ok = 1;
        if (lg) /* a stanza: its lines, separated by spaces */
            for (xmlNode *c = e->children; c && ok; c = c->next)
                ok = c->type != XML_ELEMENT_NODE || pp_xml_is(c, "note") ||
                     (pp_xml_text(c, notes, &t->b) && pp_buf_add(&t->b, " ", 1));
        else
            ok = pp_xml_text(e, notes, &t->b);
        if (!ok || !pp_buf_add(&t->b, "", 0)) {
            t->s = pp_error_set(t->err, PP_ERR_NOMEM, t->r->name, line, "out of memory");
            return;
        }
        char id[400];
        xmlChar *xid = xmlGetNsProp(e, (const xmlChar *)"id", XML_XML_NAMESPACE);
        if (xid && *xid)
            snprintf(id, sizeof id, "%s", (const char *)xid);
        else
            snprintf(id, sizeof id, "%s-p%zu", t->r->id_stem, t->n);
        xmlFree(xid);
        char *lang = pp_xml_lang(e);
        json_t *meta = json_pack("{s:s,s:I}", "element", (const char *)e->name, "paragraph",
                                 (json_int_t)t->n);
        if (t->title && *t->title)
            json_object_set_new(meta, "title", json_string(t->title));
        t->s = pp_ingest_text(t->r, id, t->b.s, t->b.len, lang, t->license, meta,
                              PP_TEXT_COLLAPSE, line, t->err);
        xmlFree(lang);
    }
}

static pp_status one_doc(pp_ingest_run *r, xmlNode *doc, size_t *n, pp_error *err)
{
    xmlNode *header = pp_xml_child(doc, "teiHeader");
    xmlNode *fd = pp_xml_child(header, "fileDesc");
    pp_buf title = {0}, lic = {0};
    xmlNode *tn = pp_xml_find(pp_xml_child(fd, "titleStmt"), "title");
    if (tn && pp_xml_text(tn, NULL, &title) && pp_buf_add(&title, "", 0))
        collapse(&title);
    xmlNode *ln = pp_xml_find(pp_xml_child(fd, "publicationStmt"), "licence");
    if (ln && pp_xml_text(ln, NULL, &lic) && pp_buf_add(&lic, "", 0))
        collapse(&lic);
    char *target = pp_xml_attr(ln, "target");
    const char *license = lic.len ? lic.s : (target && *target ? target : NULL);

    tei t = {r, title.s, license, *n, {0}, PP_OK, err};
    xmlNode *text = pp_xml_child(doc, "text");
    if (text)
        walk(&t, text);
    *n = t.n;
    pp_buf_free(&t.b);
    pp_buf_free(&title);
    pp_buf_free(&lic);
    xmlFree(target);
    return t.s;
}

pp_status pp_ingest_tei(pp_ingest_run *r, xmlDocPtr doc, pp_error *err)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    size_t n = 0;
    if (root && (pp_xml_is(root, "TEI") || pp_xml_is(root, "TEI.2")))
        return one_doc(r, root, &n, err);
    if (root && pp_xml_is(root, "teiCorpus")) {
        pp_status s = PP_OK;
        for (xmlNode *c = root->children; c && s == PP_OK; c = c->next)
            if (pp_xml_is(c, "TEI") || pp_xml_is(c, "TEI.2"))
                s = one_doc(r, c, &n, err);
        return s;
    }
    return pp_error_set(err, PP_ERR_PARSE, r->name, root ? (long)xmlGetLineNo(root) : 0,
                        "not a TEI document: the root element is not <TEI>, <TEI.2> or "
                        "<teiCorpus>");
}
