/* pp_tok_export.h — a trained SentencePiece model in the Hugging Face
 * tokenizer.json format. */
#ifndef PP_TOK_EXPORT_H
#define PP_TOK_EXPORT_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Write DIR/tokenizer.json and DIR/tokenizer_config.json (DIR is created
 * when missing) for the SentencePiece model at `model` (PREFIX.model; a
 * PREFIX.json sidecar asking for NFC pre-normalization becomes an NFC
 * normalizer). The file encodes id for id as the model does: Unigram keeps
 * the pieces and scores, user-defined pieces get SentencePiece's selection
 * bonus as their score; BPE becomes a vocabulary and the merges SentencePiece
 * would make, ranked by the merged piece's score. The space mark and the
 * dummy prefix become normalizers (Prepend, Replace), so text is segmented
 * as one sequence as SentencePiece does. Models this mapping would not
 * reproduce exactly (a normalization rule other than identity, collapsed
 * white space, word/char models, BPE with user-defined pieces) are refused
 * with PP_ERR_UNSUPPORTED. `pieces` (may be NULL) gets the vocabulary size. */
PP_API pp_status pp_tok_export_hf(const char *model, const char *dir, size_t *pieces,
                                  pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
