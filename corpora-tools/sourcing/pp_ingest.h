/* pp_ingest.h — turn raw text, JSONL, UDHR, HTML, CES, TMX and TEI files
 * into corpus records (DESIGN.md "Data formats").
 *
 * Every record carries id (stable across runs), text (NFC), lang (BCP 47,
 * canonicalized by ICU), script (ISO 15924), source, license where known,
 * and meta. Problems with a single item (an unreadable line, an element
 * without text, invalid UTF-8) go to the sink's reject callback with a
 * reason; problems with the whole file (cannot open, not XML) are errors. */
#ifndef PP_INGEST_H
#define PP_INGEST_H

#include "src/pp_common.h"

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_ingest_format {
    PP_FMT_TXT = 0,
    PP_FMT_JSONL,
    PP_FMT_UDHR,
    PP_FMT_HTML,
    PP_FMT_CES,
    PP_FMT_TMX,
    PP_FMT_TEI
} pp_ingest_format;

/* How text is cut into records:
 *   NONE        the format's own unit: txt line, jsonl record, udhr paragraph,
 *               html document, ces verse, tmx tuv, tei paragraph;
 *   PARAGRAPHS  blank-line paragraphs (txt, jsonl text), block elements (html);
 *               formats whose unit already is a paragraph are unchanged;
 *   SENTENCES   each unit cut by ICU's sentence BreakIterator for its language. */
typedef enum pp_segment_mode {
    PP_SEGMENT_NONE = 0,
    PP_SEGMENT_PARAGRAPHS,
    PP_SEGMENT_SENTENCES
} pp_segment_mode;

typedef struct pp_ingest_opts {
    pp_ingest_format format;
    pp_segment_mode segment;
    const char *text_field; /* jsonl: field holding the text (default "text") */
    const char *lang_field; /* jsonl: field holding the language (default "lang") */
    const char *id_field;   /* jsonl: field holding the id (default "id") */
    const char *lang;       /* language for inputs that do not say (txt, html) */
    const char *source;     /* overrides the source name (default: file name) */
    const char *license;    /* license to record when the input does not say */
    const char *meta_file;  /* udhr: JSONL of per-declaration metadata keyed by "code" */
} pp_ingest_opts;

PP_API void pp_ingest_opts_init(pp_ingest_opts *o);

/* Parse names used on the command line. */
PP_API pp_status pp_ingest_format_parse(const char *name, pp_ingest_format *f, pp_error *err);
PP_API pp_status pp_segment_mode_parse(const char *name, pp_segment_mode *m, pp_error *err);

/* The reject reason of an empty unit (an empty <seg>, a blank element). */
#define PP_INGEST_EMPTY "empty text"

/* A record the ingest made, as it is written: one compact JSON object (the
 * bytes pp_record_dump writes for it, without the '\n'), and the fields a
 * sink may count without parsing it. Valid during the emit call only. */
typedef struct pp_ingest_record {
    const char *json;
    size_t json_len;
    const char *lang; /* the canonical language tag */
    const char *text; /* the record's text (NFC), text_len bytes, not NUL-terminated */
    size_t text_len;
} pp_ingest_record;

typedef struct pp_ingest_sink {
    /* Receives a new record. Returning an error stops the ingest. */
    pp_status (*emit)(void *ctx, const pp_ingest_record *rec, pp_error *err);
    /* Receives a rejected item (raw may be NULL). Returning an error (e.g.
     * under --strict) stops the ingest. A unit with no text at all comes
     * with the reason PP_INGEST_EMPTY: nothing of the input is lost there. */
    pp_status (*reject)(void *ctx, const char *file, long line, const char *reason,
                        const char *raw, size_t rawlen, pp_error *err);
    void *ctx;
    /* Optional: a record lacks the language field (--lang-field), so the
     * fallback tag (--lang, else und) is used. Returning an error (under
     * --strict) stops the ingest. */
    pp_status (*fallback)(void *ctx, const char *file, long line, const char *reason,
                          pp_error *err);
} pp_ingest_sink;

/* Ingest one file ("-" for stdin; XML formats read it whole). */
PP_API pp_status pp_ingest_file(const char *path, const pp_ingest_opts *o,
                                const pp_ingest_sink *sink, pp_error *err);

/* Ingest the `n` files of one run in order (none: stdin). Ids minted from a
 * position stay unique across the files: with one file they start with the
 * source name, as pp_ingest_file's do; with several, with each file's name
 * (the path as given when two files share a name), after "SOURCE/" when
 * o->source is set. Ids taken from the input (a JSONL id field, CES verse
 * ids, TEI xml:id) are kept as they are. */
PP_API pp_status pp_ingest_files(const char *const *paths, size_t n, const pp_ingest_opts *o,
                                 const pp_ingest_sink *sink, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
