/* eval_input.h — read prediction records into per-item statistics for
 * `polyphony eval` (private to the command). */
#ifndef PP_EVAL_INPUT_H
#define PP_EVAL_INPUT_H

#include "eval-sets/metrics/pp_eval.h"
#include "langs/pp_registry.h"

typedef struct eval_item {
    char *id;
    char *lang;   /* canonical BCP 47 */
    char *group;  /* NULL when absent */
    long line;
} eval_item;

/* How records are read: field names, the language wanted, BLEU's tokenizer. */
typedef struct eval_opts {
    const char *prediction_field; /* NULL: "prediction" */
    const char *reference_field;  /* NULL: "reference" or "references" */
    const char *lang_field;       /* NULL: "lang" */
    const char *lang;             /* NULL, or only records of this language (the registry's
                                     identity rule: "sw" takes swh); the language of records
                                     without one and of plain-text lines */
    const pp_registry *reg;
    pp_bleu_tokenize tok;
} eval_opts;

typedef struct eval_set {
    char *file;
    pp_metric metric;
    pp_bleu_tokenize tok;
    json_t **recs;   /* the records (prediction/reference fields mapped), kept for
                        other metrics */
    size_t nrefs_min, nrefs_max; /* references per record */
    size_t k;        /* statistics per item */
    size_t n;
    eval_item *items;
    double *stats;   /* n * k */
} eval_set;

/* Read every record of `path` and compute its statistics (in parallel).
 * Missing or ill-typed fields, empty or invalid language tags, duplicate
 * ids and an input without records are errors naming file and line. */
pp_status eval_set_read(const char *path, pp_metric m, const eval_opts *o, eval_set **out,
                        pp_error *err);

/* Plain text: line i of `hyp` against line i of each reference file, all
 * in language o->lang (required); ids are line numbers. Files of different
 * line counts are an error naming both. */
pp_status eval_set_read_text(const char *hyp, char *const *refs, size_t nrefs, pp_metric m,
                             const eval_opts *o, eval_set **out, pp_error *err);

/* Recompute the statistics of every item for another metric. */
pp_status eval_set_restat(eval_set *s, pp_metric m, pp_bleu_tokenize tok, pp_error *err);
void eval_set_free(eval_set *s);

/* A subset of items (indices into the set) sharing a language or group. */
typedef struct eval_cell {
    const char *key;
    size_t n;
    size_t *idx;
} eval_cell;

/* Cells by language (kind 0) or by group (kind 1), sorted by key; items
 * without a group are left out of the groups. Free with eval_cells_free. */
pp_status eval_cells(const eval_set *s, int kind, eval_cell **out, size_t *ncells, pp_error *err);
void eval_cells_free(eval_cell *c, size_t n);

/* Gather the statistics of a cell into a contiguous n * k array (malloc'd). */
double *eval_gather(const eval_set *s, const eval_cell *c);

#endif
