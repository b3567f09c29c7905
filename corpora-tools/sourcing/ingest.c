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

/* Ingest one file; `stem` starts the ids minted from a position (NULL: the
 * source name, as for a run of one file). */
static pp_status ingest_one(const char *path, const char *stem, const pp_ingest_opts *o,
                            const pp_ingest_sink *sink, pp_error *err)
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
    snprintf(r.id_stem, sizeof r.id_stem, "%s", stem ? stem : r.source);

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

pp_status pp_ingest_file(const char *path, const pp_ingest_opts *o, const pp_ingest_sink *sink,
                         pp_error *err)
{
    return ingest_one(path, NULL, o, sink, err);
}

/* The stem of file i of a run: its name (as the default source), or the
 * path as given when another file of the run has the same name
 * (2020/part-0.txt, 2021/part-0.txt); after --source NAME, "NAME/" first,
 * since the source no longer tells the files apart. */
static pp_status file_stem(const char *const *paths, size_t n, size_t i, const char *source,
                           char *out, size_t cap, pp_error *err)
{
    char name[256], other[256];
    default_source(paths[i], name, sizeof name);
    const char *use = name;
    for (size_t j = 0; j < n; j++) {
        if (j == i)
            continue;
        default_source(paths[j], other, sizeof other);
        if (strcmp(name, other) == 0) {
            use = paths[i] && strcmp(paths[i], "-") != 0 ? paths[i] : name;
            break;
        }
    }
    int len = source && *source ? snprintf(out, cap, "%s/%s", source, use)
                                : snprintf(out, cap, "%s", use);
    if (len < 0 || (size_t)len >= cap)
        return pp_error_set(err, PP_ERR_INVALID, paths[i], 0,
                            "the ids of this file would start with %d bytes (at most %zu): "
                            "shorten --source or the path",
                            len, cap - 1);
    return PP_OK;
}

pp_status pp_ingest_files(const char *const *paths, size_t n, const pp_ingest_opts *o,
                          const pp_ingest_sink *sink, pp_error *err)
{
    if (n == 0)
        return ingest_one("-", NULL, o, sink, err);
    if (n == 1)
        return ingest_one(paths[0], NULL, o, sink, err);
    char stem[256];
    pp_status s = PP_OK;
    for (size_t i = 0; s == PP_OK && i < n; i++) {
        s = file_stem(paths, n, i, o->source, stem, sizeof stem, err);
        if (s == PP_OK)
            s = ingest_one(paths[i], stem, o, sink, err);
    }
    return s;
}
