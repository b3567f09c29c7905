/* pp_cluster.h — character-trigram profiles of texts and deterministic
 * agglomerative clustering (average linkage on cosine similarity), used by
 * discovery to group documents no known language claims. */
#ifndef PP_CLUSTER_H
#define PP_CLUSTER_H

#include "src/pp_common.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_profile_vec pp_profile_vec;

/* The L2-normalized character trigram profile of a text, after the LID
 * preprocessing (pp_lid_preprocess), with a space at both ends. */
PP_API pp_status pp_trigram_profile(const char *text, size_t len, pp_profile_vec **out,
                                    pp_error *err);
PP_API void pp_profile_vec_free(pp_profile_vec *v);
/* The 3-code-point windows every trigram function uses: writes " " + pre +
 * " " into s (plen + 3 bytes) and the byte offset of each of its code points
 * into off (plen + 3 entries); returns the number of windows. Window i is
 * s[off[i] .. off[i + 3]). */
PP_API size_t pp_trigram_windows(const char *pre, size_t plen, char *s, int32_t *off);
/* The trigram hashes (XXH3-64 of each 3-code-point window of " " + text +
 * " ") of an already preprocessed text, unsorted; *h malloc'd. */
PP_API pp_status pp_trigram_hashes(const char *pre, size_t len, uint64_t **h, size_t *n,
                                   pp_error *err);
/* A profile from n (hash, weight) pairs (any order; a repeated hash counts
 * once, with the sum of its weights); weights are L2-normalized. */
PP_API pp_status pp_profile_vec_from(const uint64_t *keys, const double *w, size_t n,
                                     pp_profile_vec **out, pp_error *err);
/* The distinct trigram hashes of a preprocessed text with L2-normalized
 * counts, unsorted (*keys and *w malloc'd). */
PP_API pp_status pp_trigram_counts(const char *pre, size_t len, uint64_t **keys, double **w,
                                   size_t *n, pp_error *err);
/* The same counts in buffers kept by a counter between calls (no allocation
 * once they are large enough); *keys and *w stay valid until the next call.
 * A counter is used by one thread at a time. */
typedef struct pp_trigram_counter pp_trigram_counter;
PP_API pp_trigram_counter *pp_trigram_counter_new(void);
PP_API void pp_trigram_counter_free(pp_trigram_counter *c);
PP_API pp_status pp_trigram_counter_count(pp_trigram_counter *c, const char *pre, size_t len,
                                          const uint64_t **keys, const double **w, size_t *n,
                                          pp_error *err);
/* Dot product of such counts with a profile made by pp_profile_vec_from
 * (hash lookups; 0 for other profiles): the cosine when both are normalized. */
PP_API double pp_profile_dot(const pp_profile_vec *prof, const uint64_t *keys, const double *w,
                             size_t n);
/* The profile of an already preprocessed text. */
PP_API pp_status pp_trigram_profile_pre(const char *pre, size_t len, pp_profile_vec **out,
                                        pp_error *err);
/* Cosine similarity of two profiles, in [0, 1]. */
PP_API double pp_profile_cosine(const pp_profile_vec *a, const pp_profile_vec *b);

/* Cluster n profiles: average-linkage agglomeration, merging the most
 * similar pair of clusters (lowest indices first on ties) while their
 * average similarity is at least min_sim. Writes a cluster id per item in
 * assign[] (0..nclusters-1, numbered by the lowest item in each cluster) and
 * returns the number of clusters in *nclusters. O(n^3) time, O(n^2) memory:
 * meant for a few hundred items. */
PP_API pp_status pp_cluster_average(pp_profile_vec *const *v, size_t n, double min_sim,
                                    size_t *assign, size_t *nclusters, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
