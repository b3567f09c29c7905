/* audit.h — `polyphony audit`: ledger rows joined per community, gap
 * statistics per metric, and the report writers (private to the command). */
#ifndef PP_AUDIT_H
#define PP_AUDIT_H

#include "eval-sets/audit/pp_gap.h"

#include <stdio.h>

/* One language of one metric: its ledger row and its gap statistics. */
typedef struct audit_cell {
    size_t lang;        /* index into audit.langs */
    double value, lo, hi;
    long n;
} audit_cell;

typedef struct audit_metric {
    char *key;          /* "eval.chrf", "filter.gopher.survival" */
    char *stage, *step, *name;
    int lower;          /* lower is better */
    size_t ncells;
    audit_cell *cells;  /* sorted by language */
    pp_gap_lang *gap;   /* parallel to cells */
    pp_gap_summary sum;
    size_t nskipped;    /* rows without a finite value */
} audit_metric;

typedef struct audit_lang {
    char *lang;         /* canonical BCP 47 */
    char *name;         /* from the registry or the UDHR metadata; may be NULL */
    double speakers;    /* < 0 unknown */
    double lat, lon;    /* NAN unknown */
} audit_lang;

typedef struct audit {
    audit_metric *m;
    size_t nm;
    audit_lang *l;
    size_t nl;
    double tau;
    const char *speakers_source; /* "registry", a file name, or "none" */
    long nrows;
    long nfiles;
} audit;

/* Read ledger files, keep the last row of each (stage, step, metric, lang),
 * group by metric in pipeline order. Returns 0 after printing an error. */
int audit_read(audit *a, char **files, int nfiles);

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

/* Index of a language in a->l, or (size_t)-1. */
size_t audit_lang_index(const audit *a, const char *lang);

#endif
