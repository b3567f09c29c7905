/* pp_spm.h — C interface to SentencePiece, implemented by a C++ shim that
 * turns every exception and every non-OK status into a pp_status. */
#ifndef PP_SPM_H
#define PP_SPM_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_spm pp_spm;

/* Train with a SentencePiece option string, exactly as spm_train takes it
 * ("--input=a.txt --model_prefix=m --vocab_size=8000 ..."). */
PP_API pp_status pp_spm_train(const char *args, pp_error *err);

/* Train with options as key/value pairs (keys as spm_train names them,
 * without dashes: "input", "model_prefix", "vocab_size", ...). Values may
 * contain spaces (e.g. required_chars). */
PP_API pp_status pp_spm_train_kv(const char *const *keys, const char *const *values, size_t n,
                                 pp_error *err);

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

/* Encode to ids with the byte span [begin, end) of the input each piece
 * covers. The three arrays are malloc'd (free() them). */
PP_API pp_status pp_spm_encode_spans(pp_spm *m, const char *text, size_t len, int **ids,
                                     size_t **begin, size_t **end, size_t *n, pp_error *err);

PP_API float pp_spm_score(const pp_spm *m, int id);

/* What the model declares about itself (read from its serialized proto). */
typedef struct pp_spm_info {
    char normalizer[64];          /* normalizer_spec.name: "nmt_nfkc", "identity", ... */
    int add_dummy_prefix;         /* normalizer_spec.add_dummy_prefix */
    int remove_extra_whitespaces; /* normalizer_spec.remove_extra_whitespaces */
    int has_custom_rules;         /* a precompiled rule set is present */
    int model_type;               /* trainer_spec.model_type: 1 unigram, 2 bpe, 3 word, 4 char */
    int byte_fallback;            /* trainer_spec.byte_fallback */
} pp_spm_info;
PP_API void pp_spm_get_info(const pp_spm *m, pp_spm_info *info);

/* Piece types as the model proto declares them. */
enum {
    PP_SPM_NORMAL = 1,
    PP_SPM_UNKNOWN = 2,
    PP_SPM_CONTROL = 3,
    PP_SPM_USER_DEFINED = 4,
    PP_SPM_UNUSED = 5,
    PP_SPM_BYTE = 6
};
/* Fill types[0 .. vocab size) with the type of each piece (read from the
 * serialized proto; a piece without a type field is PP_SPM_NORMAL). */
PP_API pp_status pp_spm_piece_types(const pp_spm *m, int *types, pp_error *err);

PP_API void pp_spm_free(pp_spm *m);

#ifdef __cplusplus
}
#endif
#endif
