/* align_cli.h — what `polyphony align` and `polyphony align eval` share:
 * reading preference files under the bad-input policy, and the per-group
 * evaluation of a model on preference pairs. */
#ifndef ALIGN_CLI_H
#define ALIGN_CLI_H

#include "align/pp_model.h"
#include "align/pp_pref_data.h"
#include "src/pp_ledger.h"
#include "src/pp_record.h"

#include <stdio.h>

/* Read `path` into `set`. A record that cannot be used goes to `rej` (when
 * given) with its reason, else is reported as file:line and ends the read;
 * skip_bad drops it silently (an MPI rank other than 0, whose rank 0 keeps the
 * rejects file). Returns 0, or 1 after printing the error. */
int align_read_prefs(const char *cmd, const char *path, const pp_pref_render *r,
                     const char *group_field, size_t max_len, pp_writer *rej, int skip_bad,
                     pp_pref_set *set);

/* Length-normalized log-probs of one pair's completions under m. */
int align_pair_logps(pp_model *m, const pp_pref_example *e, double lp[2], long nt[2],
                     pp_error *err);

typedef struct align_eval_opts {
    const double *ref;            /* 2 summed reference log-probs a pair, or NULL */
    double beta;                  /* of the implicit reward */
    const char *step;             /* ledger step */
    uint64_t seed;
    long resamples;
    FILE *out;                    /* JSON lines, or NULL */
    pp_ledger *ledger;            /* or NULL */
} align_eval_opts;

/* Per group and per language: choice accuracy, implicit-reward accuracy (with
 * ref), distributional match, steerability (when the render conditions), with
 * bootstrap intervals; the worst group and its gap to the best. Returns 0 or 1
 * after printing the error. */
int align_evaluate(const char *cmd, pp_model *m, const pp_pref_set *set, const align_eval_opts *o);

#endif
