/* eval_input.h — read prediction records into per-item statistics for
 * `polyphony eval` (private to the command). */
#ifndef PP_EVAL_INPUT_H
#define PP_EVAL_INPUT_H

#include "eval-sets/metrics/pp_eval.h"

typedef struct eval_item {
    char *id;
    char *lang;   /* canonical BCP 47 */
    char *group;  /* NULL when absent */
    long line;
} eval_item;

typedef struct eval_set {
    char *file;
    pp_metric metric;
    size_t k;        /* statistics per item */
    size_t n;
    eval_item *items;
    double *stats;   /* n * k */
} eval_set;

/* Read every record of `path` and compute its statistics (in parallel).
 * Missing or ill-typed fields, empty or invalid language tags, duplicate
 * ids and an input without records are errors naming file and line. */
pp_status eval_set_read(const char *path, pp_metric m, eval_set **out, pp_error *err);
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
