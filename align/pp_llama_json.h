/* pp_llama_json.h — JSON helpers shared by the readers and writers of config.json and
 * generation_config.json (not installed). */
#ifndef PP_LLAMA_JSON_H
#define PP_LLAMA_JSON_H

#include <jansson.h>

#include "align/pp_model.h"

/* A token id field that may be an integer or a list of up to PP_MAX_EOS_IDS integers
 * (eos_token_id of Llama 3 models): *first = the integer or the list's first (-1 when
 * v is NULL, null or an empty list); ids/n = the list (n = 0 for a plain integer).
 * `key` and `src` name the field and the file in errors. */
pp_status pp_token_id_list(json_t *v, const char *key, int *first, int *ids, int *n,
                           const char *src, pp_error *err);

/* eos_token_id as written back: an integer, or the list when there are several. */
json_t *pp_llama_eos_to_json(const pp_llama_config *c);

#endif
