/* ingest_private.h — helpers shared by the ingest readers (not installed).
 *
 * Every reader turns its input into pieces of text with an id, a language
 * and a meta object, and hands each piece to pp_ingest_text(), which builds
 * the record (UTF-8 check, whitespace, NFC, BCP 47, script, segmentation)
 * and passes it to the sink, or rejects it with a reason.
 *
 * Id scheme (stable across runs: ids depend only on the input's content
 * and its file name, never on time or order of files):
 *   txt    <stem>-l<line>              a line
 *          <stem>-p<n>                 the n-th blank-line paragraph
 *   jsonl  the record's id field, else <stem>-l<line>
 *   udhr   udhr-<code>-a<article>-p<paragraph>
 *   html   <stem>                      the document; <stem>-p<n> per block
 *   ces    the verse id (b.MAT.1.1)
 *   tmx    <stem>-<pair>-v<k>          the k-th tuv of a translation unit
 *   tei    the element's xml:id, else <stem>-p<n>
 * Paragraph splitting of a unit appends -p<n>, sentence splitting -s<n>.
 * The stem is the source name; when one run reads several files it is made
 * unique per file (pp_ingest_files in ingest.c). */
#ifndef PP_INGEST_PRIVATE_H
#define PP_INGEST_PRIVATE_H

#include "corpora-tools/sourcing/pp_ingest.h"
#include "src/pp_json_buf.h"

#include <jansson.h>
#include <libxml/tree.h>

typedef struct pp_ingest_run {
    const pp_ingest_opts *o;
    const pp_ingest_sink *sink;
    const char *name;   /* file name used in messages ("<stdin>" for stdin) */
    char source[256];   /* value of the source field */
    char id_stem[256];  /* start of the ids minted from a position (see above) */
    const char *rec_source;  /* jsonl: the record's own source, overrides `source` */
    const char *text_ok;     /* jsonl: the input's text, already known to be UTF-8 */
    size_t text_ok_len;      /* without NUL (parts of it are not checked again) */
    const char *meta_json;   /* jsonl: the record's meta already written, or NULL */
    size_t meta_json_len;
    pp_jbuf out;             /* the record being written */
    pp_jbuf meta;            /* jsonl: the meta being written */
    /* One-entry cache of the last language tag canonicalized. */
    char lang_in[96];
    char lang_out[96];
    int lang_status; /* PP_OK or the error of the cached tag */
    char lang_msg[160];
} pp_ingest_run;

/* How pp_ingest_text treats white space. */
enum {
    PP_TEXT_COLLAPSE = 1,   /* collapse runs of white space to one space */
    PP_TEXT_PARAGRAPHS = 2  /* under --segment paragraphs, cut at blank lines first */
};

/* Build a record from `len` bytes of `text` and emit it (or several under
 * --segment). `id` is the unit's id, `lang` a tag or NULL (then --lang, then
 * "und"), `license` NULL for none known (then --license). `meta` is stolen
 * (may be NULL). `line` locates the unit for rejects (0 if unknown). */
pp_status pp_ingest_text(pp_ingest_run *r, const char *id, const char *text, size_t len,
                         const char *lang, const char *license, json_t *meta, int flags,
                         long line, pp_error *err);

/* Hand a rejected item to the sink. */
pp_status pp_ingest_reject(pp_ingest_run *r, long line, const char *reason, const char *raw,
                           size_t rawlen, pp_error *err);

/* Readers, one per format (ingest_<format>.c). */
pp_status pp_ingest_txt(pp_ingest_run *r, const char *path, pp_error *err);
pp_status pp_ingest_jsonl(pp_ingest_run *r, const char *path, pp_error *err);
pp_status pp_ingest_udhr(pp_ingest_run *r, xmlDocPtr doc, pp_error *err);
pp_status pp_ingest_html(pp_ingest_run *r, xmlDocPtr doc, pp_error *err);
pp_status pp_ingest_ces(pp_ingest_run *r, xmlDocPtr doc, pp_error *err);
pp_status pp_ingest_tmx(pp_ingest_run *r, xmlDocPtr doc, pp_error *err);
pp_status pp_ingest_tei(pp_ingest_run *r, xmlDocPtr doc, pp_error *err);

/* --- XML helpers (ingest_xml.c) --- */

/* Read `path` whole and parse it as HTML (recovering) or XML (no network,
 * no external entities). Parse errors name the file and libxml2's line. */
pp_status pp_xml_load(const char *path, int html, xmlDocPtr *doc, pp_error *err);

/* Local name equals `name` (case-insensitive for HTML). */
int pp_xml_is(const xmlNode *n, const char *name);

/* Attribute value (malloc'd by libxml2; free with xmlFree) or NULL. */
char *pp_xml_attr(const xmlNode *n, const char *name);

/* xml:lang (or lang) of the node or its nearest ancestor; malloc'd or NULL. */
char *pp_xml_lang(const xmlNode *n);

/* First element child / next element sibling / first descendant named `name`. */
xmlNode *pp_xml_child(const xmlNode *n, const char *name);
xmlNode *pp_xml_find(xmlNode *n, const char *name);

/* Text content of an element into a growing buffer (appended); elements whose
 * name is in `skip` (NULL-terminated list) are left out. Returns 0 on OOM. */
typedef struct pp_buf {
    char *s;
    size_t len, cap;
} pp_buf;
int pp_buf_add(pp_buf *b, const char *s, size_t n);
void pp_buf_free(pp_buf *b);
int pp_xml_text(const xmlNode *n, const char *const *skip, pp_buf *b);

#endif
