/* pp_prefs.h — preference data that keeps disagreement (docs/prefs.md).
 *
 * A preference record, after `polyphony prefs import`:
 *   {"id":"p1","prompt":"...","lang":"pt",          (lang optional)
 *    "responses":[{"id":"r1","text":"..."},{"id":"r2","text":"..."}],
 *    "judgements":[{"annotator":"a1","preferred":"r1","guideline":"v1",
 *                   "groups":{"community":"a","region":"PT"}}, ...]}
 * Input may also be pairwise lines {"prompt","chosen","rejected","annotator",
 * "guideline"} (merged by `id`, else by prompt text) or the responses form
 * with responses given as plain strings. Annotators and their groups are
 * declared once in an annotators file (JSON array or JSONL of
 * {"id":"a1","groups":{"community":"a","region":"PT"}}); a judgement by an
 * undeclared annotator is an error naming the file and line.
 *
 * The training pairs written from such data (pp_prefs_aggregate_pairs), from
 * LeWiDi rating data (pp_prefs_lewidi.h) and from the UDHR variants
 * (pp_prefs_variants) are preference records {"id","prompt","chosen",
 * "rejected","group","lang","p_chosen",...}: docs/prefs.md, "Preference
 * records". */
#ifndef PP_PREFS_H
#define PP_PREFS_H

#include "src/pp_common.h"

#include <jansson.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ----------------------------------------------------------- annotators */

typedef struct pp_annotators pp_annotators;

/* Load an annotators file: a JSON array, or JSONL (one object a line). Each
 * entry needs a string "id" and an object "groups" whose values are strings
 * (or arrays of strings). Duplicate ids are an error naming file:line. */
PP_API pp_status pp_annotators_load(const char *path, pp_annotators **out, pp_error *err);
/* The same from entries in memory ({"id","groups"} objects); `name` stands
 * for the file in messages. */
PP_API pp_status pp_annotators_from_json(const json_t *entries, const char *name,
                                         pp_annotators **out, pp_error *err);
PP_API void pp_annotators_free(pp_annotators *a);
PP_API size_t pp_annotators_count(const pp_annotators *a);
/* The groups object of annotator `id` (borrowed), or NULL when undeclared. */
PP_API const json_t *pp_annotators_groups(const pp_annotators *a, const char *id);

/* ----------------------------------------------------------- records */

typedef struct pp_prefset pp_prefset;

PP_API pp_status pp_prefset_new(const pp_annotators *a, pp_prefset **out, pp_error *err);
PP_API void pp_prefset_free(pp_prefset *s);

/* Add one input record (pairwise, responses form or canonical). Pairwise
 * records with the same id (or prompt) are merged into one item. Errors
 * carry file:line: unknown annotator, missing prompt/responses/guideline,
 * a judgement preferring a response the record does not have. */
PP_API pp_status pp_prefset_add(pp_prefset *s, const json_t *rec, const char *file, long line,
                                pp_error *err);

/* Read every record of a JSONL file (.gz/.zst) into the set. With
 * `keep_going`, bad lines are counted in *nbad and the first error kept in
 * err; otherwise the first bad line stops. */
PP_API pp_status pp_prefset_read(pp_prefset *s, const char *path, int keep_going, size_t *nbad,
                                 pp_error *err);

PP_API size_t pp_prefset_count(const pp_prefset *s);
/* The i-th item in canonical form (borrowed; groups filled in from the
 * annotators file). */
PP_API const json_t *pp_prefset_item(const pp_prefset *s, size_t i);

/* ----------------------------------------------------------- agreement */

/* Krippendorff's alpha for nominal data. `values[u]` holds the m[u] values
 * (category ids >= 0) coded for unit u; units with fewer than two values are
 * not pairable and ignored. Returns NAN when there is no pairable value or
 * no variation (expected disagreement 0). *npairable gets n (may be NULL). */
PP_API double pp_krippendorff_alpha_nominal(const int *const *values, const size_t *m,
                                            size_t nunits, size_t *npairable);

/* ----------------------------------------------------------- stats */

typedef struct pp_prefs_stats_opts {
    const char *by; /* group dimension to report ("community"); NULL: every declared one */
} pp_prefs_stats_opts;

/* Agreement report: Krippendorff's alpha overall and within each group,
 * agreement between groups (pairs of judgements from different groups vs the
 * same group), and every prompt where the groups' preferences differ, with
 * what a majority vote would hide. The report is a JSON object (*out, new
 * reference); pp_prefs_stats_print() renders it as text. */
PP_API pp_status pp_prefs_stats(const pp_prefset *s, const pp_prefs_stats_opts *o, json_t **out,
                                pp_error *err);
PP_API void pp_prefs_stats_print(const json_t *report, FILE *f);

/* ----------------------------------------------------------- aggregation */

typedef enum pp_prefs_aggregate {
    PP_AGG_MAJORITY = 0, /* one pair per prompt: the most preferred vs each other (ties dropped) */
    PP_AGG_PER_GROUP,    /* the same within each group of dimension `by`, with a "group" field */
    PP_AGG_DISTRIBUTION  /* every (a, b) with a preferred at least once, weight = share for a */
} pp_prefs_aggregate;

typedef pp_status (*pp_prefs_emit_fn)(const json_t *pair, void *ud, pp_error *err);

/* Write training pairs {"prompt","chosen","rejected",...} the chosen way.
 * `by` is required for PP_AGG_PER_GROUP. *dropped counts prompts left out
 * (ties, or no judgement). */
PP_API pp_status pp_prefs_aggregate_pairs(const pp_prefset *s, pp_prefs_aggregate how,
                                          const char *by, pp_prefs_emit_fn emit, void *ud,
                                          size_t *dropped, pp_error *err);

/* ----------------------------------------------------------- synthetic set */

/* The controlled set of docs/prefs.md: two annotator groups per dimension
 * with opposed, known preferences (register: formal vs informal; variety:
 * European vs Brazilian Portuguese) on the same prompts, unequal group
 * sizes so that a majority vote always follows the larger group, and
 * seeded judgement noise. *records is a JSON array of canonical records
 * (each with a "synthetic" object giving every group's intended choice),
 * *annotators a JSON array for the annotators file. */
PP_API pp_status pp_prefs_synth(unsigned long long seed, double noise, json_t **records,
                                json_t **annotators, pp_error *err);

/* ----------------------------------------------------------- UDHR variants */

/* Preference pairs between two written variants of one language in the
 * bundled UDHR (docs/prefs.md, "Orthography preference sets"): the same
 * article and paragraph in declaration `code_a` and `code_b` (differing
 * texts only). Two groups, "<code_a>-convention" preferring code_a's text
 * and "<code_b>-convention" preferring code_b's. The share `majority` is a
 * share of pairs and of the population: of the training paragraphs (UDHR
 * split "train"), round(majority * N) drawn with `seed` get a record of
 * group A and the others one of group B, and every record's p_chosen is the
 * population share preferring its chosen text (majority for A's texts,
 * 1 - majority for B's). Evaluation paragraphs (UDHR splits dev and test)
 * get one record of each group, split "eval".
 * With split_by PP_PREFS_SPLIT_ANNOTATORS the share is one of the population
 * only: every training paragraph is judged by both groups, group A's record
 * written a times and group B's b times, a:b the majority share in
 * hundredths reduced (0.7 -> 7:3, 0.75 -> 3:1), so objectives that pool the
 * records still see A as the majority of the judgements on each paragraph
 * (copies are told apart by a "/k" suffix of the id). */
typedef enum pp_prefs_split_by {
    PP_PREFS_SPLIT_PAIRS = 0,   /* each training paragraph: one group's record */
    PP_PREFS_SPLIT_ANNOTATORS   /* each training paragraph: both groups, a:b copies */
} pp_prefs_split_by;

typedef struct pp_prefs_variants_opts {
    const char *udhr;             /* udhr.jsonl(.zst) */
    const char *code_a, *code_b;  /* declaration codes; A is the majority */
    double majority;              /* in [0.5, 1) */
    unsigned long long seed;
    long max_chars;               /* > 0: leave out pairs with a longer text */
    pp_prefs_split_by split_by;   /* 0: PP_PREFS_SPLIT_PAIRS */
} pp_prefs_variants_opts;

typedef struct pp_prefs_variants_counts {
    size_t train_a, train_b, eval_pairs, identical, too_long;
    size_t train_paragraphs;      /* training paragraphs (both designs) */
    size_t copies_a, copies_b;    /* records a paragraph gets per group (annotators) */
} pp_prefs_variants_counts;

PP_API pp_status pp_prefs_variants(const pp_prefs_variants_opts *o, pp_prefs_emit_fn emit_train,
                                   pp_prefs_emit_fn emit_eval, void *ud,
                                   pp_prefs_variants_counts *counts, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
