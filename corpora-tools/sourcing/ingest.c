/* ingest.c — options and dispatch by format; the readers hand what they
 * read to the record builder in ingest_emit.c. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pp_ingest_opts_init(pp_ingest_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = PP_FMT_TXT;
    o->segment = PP_SEGMENT_NONE;
    o->text_field = "text";
    o->lang_field = "lang";
    o->id_field = "id";
}

static const char *const format_names[] = {"txt", "jsonl", "udhr", "html", "ces", "tmx", "tei"};

pp_status pp_ingest_format_parse(const char *name, pp_ingest_format *f, pp_error *err)
{
    for (size_t i = 0; name && i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcmp(name, format_names[i]) == 0) {
            *f = (pp_ingest_format)i;
            return PP_OK;
        }
    return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                        "unknown format '%s' (expected txt, jsonl, udhr, html, ces, tmx or tei)",
                        name ? name : "");
}

pp_status pp_segment_mode_parse(const char *name, pp_segment_mode *m, pp_error *err)
{
    if (name && strcmp(name, "none") == 0)
        *m = PP_SEGMENT_NONE;
    else if (name && strcmp(name, "paragraphs") == 0)
        *m = PP_SEGMENT_PARAGRAPHS;
    else if (name && strcmp(name, "sentences") == 0)
        *m = PP_SEGMENT_SENTENCES;
    else
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "unknown segmentation '%s' (expected none, paragraphs or sentences)",
                            name ? name : "");
    return PP_OK;
}

/* Default source: the file's base name without .gz/.zst ("stdin" for stdin). */
static void default_source(const char *path, char *out, size_t cap)
{
    if (!path || strcmp(path, "-") == 0) {
        snprintf(out, cap, "stdin");
        return;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, cap, "%s", base);
    size_t n = strlen(out);
    if (n > 3 && strcmp(out + n - 3, ".gz") == 0)
        out[n - 3] = '\0';
    else if (n > 4 && strcmp(out + n - 4, ".zst") == 0)
        out[n - 4] = '\0';
}

pp_status pp_ingest_file(const char *path, const pp_ingest_opts *o, const pp_ingest_sink *sink,
                         pp_error *err)
{
    pp_ingest_run r;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.sink = sink;
    r.name = (!path || strcmp(path, "-") == 0) ? "<stdin>" : path;
    if (o->source && *o->source)
        snprintf(r.source, sizeof r.source, "%s", o->source);
    else if (o->format == PP_FMT_UDHR)
        snprintf(r.source, sizeof r.source, "udhr");
    else
        default_source(path, r.source, sizeof r.source);

    pp_status s;
    if (o->format == PP_FMT_TXT || o->format == PP_FMT_JSONL) {
        s = o->format == PP_FMT_TXT ? pp_ingest_txt(&r, path, err) : pp_ingest_jsonl(&r, path, err);
        free(r.out.s);
        free(r.meta.s);
        return s;
    }
    xmlDocPtr doc = NULL;
    int html = o->format == PP_FMT_UDHR || o->format == PP_FMT_HTML;
    s = pp_xml_load(path, html, &doc, err);
    if (s != PP_OK)
        return s;
    switch (o->format) {
    case PP_FMT_UDHR:
        s = pp_ingest_udhr(&r, doc, err);
        break;
    case PP_FMT_HTML:
        s = pp_ingest_html(&r, doc, err);
        break;
    case PP_FMT_CES:
        s = pp_ingest_ces(&r, doc, err);
        break;
    case PP_FMT_TMX:
        s = pp_ingest_tmx(&r, doc, err);
        break;
    case PP_FMT_TEI:
        s = pp_ingest_tei(&r, doc, err);
        break;
    default:
        s = pp_error_set(err, PP_ERR_UNSUPPORTED, r.name, 0, "unsupported format");
    }
    xmlFreeDoc(doc);
    free(r.out.s);
    return s;
}
