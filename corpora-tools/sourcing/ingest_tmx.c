/* ingest_tmx.c — TMX translation memories:
 *
 *   <tmx version="1.4"><header srclang="en" .../>
 *     <body><tu tuid="7"><tuv xml:lang="en"><seg>Hello</seg></tuv>
 *                        <tuv xml:lang="yo"><seg>Báwo</seg></tuv></tu>
 *
 * A record per <tuv>; meta.pair is the tu's tuid (or its 1-based position
 * when it has none), so the variants of one unit can be paired again;
 * meta.srclang is the tu's srclang, else the header's. The language is the
 * tuv's xml:lang (TMX 1.4) or lang (TMX 1.1). Inline markup that holds
 * native codes (bpt, ept, it, ph, ut) is not text and is left out. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const codes[] = {"bpt", "ept", "it", "ph", "ut", NULL};

static pp_status one_tu(pp_ingest_run *r, xmlNode *tu, long index, const char *hsrc,
                        pp_buf *b, pp_error *err)
{
    char pair[128];
    char *tuid = pp_xml_attr(tu, "tuid");
    if (tuid && *tuid)
        snprintf(pair, sizeof pair, "%s", tuid);
    else
        snprintf(pair, sizeof pair, "%ld", index);
    xmlFree(tuid);
    char *tsrc = pp_xml_attr(tu, "srclang");
    const char *src = tsrc && *tsrc ? tsrc : hsrc;

    pp_status s = PP_OK;
    long k = 0;
    for (xmlNode *v = tu->children; v && s == PP_OK; v = v->next) {
        if (!pp_xml_is(v, "tuv"))
            continue;
        k++;
        long line = (long)xmlGetLineNo(v);
        char id[448];
        snprintf(id, sizeof id, "%.255s-%.127s-v%ld", r->id_stem, pair, k);
        xmlNode *seg = pp_xml_child(v, "seg");
        if (!seg) {
            s = pp_ingest_reject(r, line, "<tuv> without <seg>", NULL, 0, err);
            continue;
        }
        char *lang = pp_xml_lang(v);
        b->len = 0;
        if (!pp_xml_text(seg, codes, b) || !pp_buf_add(b, "", 0)) {
            xmlFree(lang);
            s = pp_error_set(err, PP_ERR_NOMEM, r->name, line, "out of memory");
            break;
        }
        json_t *meta = json_pack("{s:s}", "pair", pair);
        if (src && *src)
            json_object_set_new(meta, "srclang", json_string(src));
        s = pp_ingest_text(r, id, b->s, b->len, lang, NULL, meta, PP_TEXT_COLLAPSE, line, err);
        xmlFree(lang);
    }
    xmlFree(tsrc);
    return s;
}

pp_status pp_ingest_tmx(pp_ingest_run *r, xmlDocPtr doc, pp_error *err)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !pp_xml_is(root, "tmx"))
        return pp_error_set(err, PP_ERR_PARSE, r->name, root ? (long)xmlGetLineNo(root) : 0,
                            "not a TMX document: the root element is not <tmx>");
    char *hsrc = pp_xml_attr(pp_xml_child(root, "header"), "srclang");
    xmlNode *body = pp_xml_child(root, "body");
    pp_buf b = {0};
    pp_status s = PP_OK;
    long index = 0;
    for (xmlNode *tu = body ? body->children : NULL; tu && s == PP_OK; tu = tu->next) {
        if (!pp_xml_is(tu, "tu"))
            continue;
        s = one_tu(r, tu, ++index, hsrc, &b, err);
    }
    pp_buf_free(&b);
    xmlFree(hsrc);
    return s;
}
