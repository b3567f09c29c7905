/* audit.h — `polyphony audit`: ledger rows joined per community, gap
 * statistics per metric, and the report writers (private to the command). */
#ifndef PP_AUDIT_H
#define PP_AUDIT_H

#include "eval-sets/audit/pp_gap.h"
#include "langs/pp_registry.h"

#include <stdio.h>

/* One language of one metric: its ledger row and its gap statistics. */
typedef struct audit_cell {
    size_t lang;        /* index into audit.langs */
    double value, lo, hi;
    long n;
} audit_cell;

typedef enum audit_kind { AUDIT_QUALITY = 0, AUDIT_COST, AUDIT_INVENTORY } audit_kind;

/* How the rows of several tags that fall on one language combine
 * (audit_pool.c): an n-weighted mean, a sum of counts, a rate k/n of the
 * language's own items, a share k/N of a total all languages share. */
typedef enum audit_pool { AUDIT_POOL_MEAN = 0, AUDIT_POOL_SUM, AUDIT_POOL_RATE,
                          AUDIT_POOL_SHARE } audit_pool;

typedef struct audit_metric {
    char *key;          /* "eval.chrf", "filter.gopher.survival" */
    char *stage, *step, *name;
    int lower;          /* lower is better */
    audit_kind kind;
    double lo, hi;      /* range of the values (hi may be INFINITY) */
    int declared;       /* 1: the kind comes from metric-kinds.tsv or the rows; 0: assumed */
    audit_pool pool;    /* metric-kinds.tsv; else sum for unbounded inventory, mean otherwise */
    int pool_declared;  /* 1: the table's pool column named it */
    size_t ncells;
    audit_cell *cells;  /* sorted by language */
    pp_gap_lang *gap;   /* parallel to cells */
    pp_gap_summary sum;
    size_t nskipped;    /* rows without a finite value */
    size_t npooled;     /* languages whose cell pools the rows of several tags */
} audit_metric;

typedef struct audit_lang {
    char *lang;         /* canonical BCP 47, at the audit's --lang-level */
    char *name;         /* from the registry or the UDHR metadata; may be NULL */
    double speakers;    /* < 0 unknown */
    char *speakers_from;/* NULL: the language's own figure; else the macrolanguage
                           whose figure it carries ("swa") */
    char *merged;       /* other tags whose rows were counted here ("swh, sw"), or NULL */
    double lat, lon;    /* NAN unknown */
} audit_lang;

typedef struct audit {
    audit_metric *m;
    size_t nm;
    audit_lang *l;
    size_t nl;
    double tau;
    pp_lang_level level;
    const char *speakers_source; /* "registry", a file name, or "none" */
    long nrows;
    long nfiles;
    long nund;          /* rows left out: undetermined language (und, und-Latn) */
} audit;

/* Read ledger files, count each row under its language at a->level (the
 * registry's identity rule, pp_lang_key; at the individual level a
 * macrolanguage tag joins its only individual language present, "sw" rows
 * with "swh" rows), keep the last row of each (stage, step, metric, tag),
 * pool the tags that fall on one language (audit_pool_cells), group by
 * metric in pipeline order and give each metric its kind. Rows of an
 * undetermined language (und, und-Latn: language ID's abstentions) are left
 * out, counted in a->nund and said on stderr: they are no community.
 * Returns 0 after printing an error. */
int audit_read(audit *a, char **files, int nfiles);

/* The kind, direction and range of metric `m` from the shipped table
 * (eval-sets/audit/metric-kinds.tsv); row-level fields override it later.
 * Returns 0 after printing an error. */
int audit_kind_of(audit_metric *m);
const char *audit_kind_name(audit_kind k);
const char *audit_pool_name(audit_pool p);

/* The pool of a metric whose table line names none: sum for inventory
 * without an upper bound (counts), mean otherwise. */
audit_pool audit_pool_default(const audit_metric *m);

/* One cell from the cells `in` (n >= 1) of the tags that fall on one
 * language, the last row of each tag, combined by m->pool (audit_pool.c). */
void audit_pool_cells(const audit_metric *m, const audit_cell *in, size_t n, audit_cell *out);

/* Pipeline rank of a stage name (DESIGN.md order; unknown stages last). */
int audit_stage_rank(const char *stage);

/* Speaker counts and coordinates: "registry" or a TSV file
 * (lang<TAB>speakers[<TAB>latitude<TAB>longitude]). Coordinates missing there
 * come from the bundled UDHR metadata. Returns 0 after printing an error. */
int audit_speakers(audit *a, const char *source);

/* Compute the gap statistics of every metric. Returns 0 after an error. */
int audit_compute(audit *a);

void audit_free(audit *a);

int audit_write_table(const audit *a, FILE *fp, int top);
int audit_write_json(const audit *a, FILE *fp);
int audit_write_csv(const audit *a, FILE *fp);
int audit_write_html(const audit *a, FILE *fp);

/* An axis with "nice" ticks: lo, lo + step, ..., hi, step 1, 2 or 5 x 10^k. */
typedef struct audit_axis {
    double lo, hi, step;
    int n; /* number of ticks */
} audit_axis;

/* The axis covering [lo, hi] with about `target` intervals. */
void audit_nice_axis(double lo, double hi, int target, audit_axis *ax);

/* A number as people write it: integers in full ("171610296"), decimals
 * plain with up to 4 significant digits ("0.0123", "58.2"), never an
 * exponent; "-" when not finite. */
void audit_fmt_num(char *buf, size_t cap, double v);

/* Index of a language in a->l, or (size_t)-1. */
size_t audit_lang_index(const audit *a, const char *lang);

#endif
