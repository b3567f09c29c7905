/* pp_spm.h — C interface to SentencePiece, implemented by a C++ shim that
 * turns every exception and every non-OK status into a pp_status. */
#ifndef PP_SPM_H
#define PP_SPM_H

#include "pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_spm pp_spm;

/* Train with a SentencePiece option string, exactly as spm_train takes it
 * ("--input=a.txt --model_prefix=m --vocab_size=8000 ..."). */
PP_API pp_status pp_spm_train(const char *args, pp_error *err);

/* Load a .model file. */
PP_API pp_status pp_spm_load(const char *path, pp_spm **out, pp_error *err);

/* Load a model from its serialized bytes. */
PP_API pp_status pp_spm_load_bytes(const void *data, size_t len, pp_spm **out, pp_error *err);

/* Encode UTF-8 text to ids. *ids is malloc'd (free() it). */
PP_API pp_status pp_spm_encode_ids(pp_spm *m, const char *text, size_t len, int **ids, size_t *n,
                                   pp_error *err);

/* Encode to pieces: *pieces is a malloc'd array of malloc'd strings; free with
 * pp_spm_free_pieces(). */
PP_API pp_status pp_spm_encode_pieces(pp_spm *m, const char *text, size_t len, char ***pieces,
                                      size_t *n, pp_error *err);
PP_API void pp_spm_free_pieces(char **pieces, size_t n);

/* Decode ids to a malloc'd NUL-terminated string. */
PP_API pp_status pp_spm_decode_ids(pp_spm *m, const int *ids, size_t n, char **text,
                                   pp_error *err);

PP_API int pp_spm_vocab_size(const pp_spm *m);
/* The piece of id i (NULL when out of range); valid while the model lives. */
PP_API const char *pp_spm_id_to_piece(const pp_spm *m, int id);
PP_API int pp_spm_is_unknown(const pp_spm *m, int id);
PP_API int pp_spm_is_byte(const pp_spm *m, int id);

PP_API void pp_spm_free(pp_spm *m);

#ifdef __cplusplus
}
#endif
#endif
