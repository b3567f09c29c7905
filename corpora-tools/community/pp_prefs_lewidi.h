/* pp_prefs_lewidi.h — rating data in the Learning-With-Disagreements
 * (LeWiDi) shared-task JSON (docs/prefs.md, "LeWiDi rating data"): items keyed
 * by id with per-annotator labels, and a separate annotator-metadata file.
 *
 * Every annotator's label is kept. Per group of annotators (the values of the
 * metadata fields named by group_by), the labels' shares give the group's
 * preferred label, written as a preference record (docs/prefs.md,
 * "Preference records") with p_chosen the group's share; the same judgements
 * go into a pp_prefset so that pp_prefs_stats() measures agreement within
 * and across the groups. */
#ifndef PP_PREFS_LEWIDI_H
#define PP_PREFS_LEWIDI_H

#include "corpora-tools/community/pp_prefs.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_lewidi pp_lewidi;

/* Read the annotator metadata (`meta`: a JSON object keyed by annotator id,
 * or an array of objects with "Annotator_id") and one or more items files.
 * `group_by` names metadata fields, comma-separated ("Gender,Nationality").
 * `labels` (comma-separated) declares the labels when the soft labels do
 * not name the annotation scale (ConvAbuse: annotations -3..1, soft labels
 * 0/1); NULL: each item's soft_label keys, else the labels it was given.
 * Problems that concern one item or one judgement (unknown annotator,
 * missing metadata, a label outside the declared set, annotators and
 * annotations of different lengths) do not fail the read: they are kept as
 * issues (pp_lewidi_issues) and the judgement or item is left out. A file
 * that cannot be read or is not LeWiDi JSON is an error. */
PP_API pp_status pp_lewidi_read(const char *const *items, size_t nitems, const char *meta,
                                const char *group_by, const char *labels, pp_lewidi **out,
                                pp_error *err);
PP_API void pp_lewidi_free(pp_lewidi *l);

/* The issues found: an array of {"file","item","annotator"?,"reason"}
 * (borrowed). Ties found by pp_lewidi_prefs() are appended with
 * "kind":"tie". */
PP_API const json_t *pp_lewidi_issues(const pp_lewidi *l);
PP_API size_t pp_lewidi_item_count(const pp_lewidi *l);
/* The group dimension: the group-by fields joined with "/". */
PP_API const char *pp_lewidi_dimension(const pp_lewidi *l);

/* Group-conditioned preference records, one per item and group with a
 * unique preferred label; *nrec and *nties count the records written and
 * the (item, group) pairs left out because two labels tie. */
PP_API pp_status pp_lewidi_prefs(pp_lewidi *l, pp_prefs_emit_fn emit, void *ud, size_t *nrec,
                                 size_t *nties, pp_error *err);

/* The judgements as a preference set (responses = the labels, one
 * judgement per annotator) and its annotators, whose groups are the
 * dimension and, when several fields are grouped, each field alone. */
PP_API pp_status pp_lewidi_prefset(const pp_lewidi *l, pp_annotators **ann, pp_prefset **set,
                                   pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
