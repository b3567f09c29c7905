/* pp_model_dir.h — what a checkpoint directory holds beside the weights: the
 * tokenizer the model reads (tokenizer.model for SentencePiece, tokenizer.json
 * for Hugging Face tokenizers) and tokenizer_config.json with the chat
 * template and, for SentencePiece models trained by `polyphony tokenizer
 * train`, the Unicode pre-normalization their sidecar declared. */
#ifndef PP_MODEL_DIR_H
#define PP_MODEL_DIR_H

#include "align/pp_chat.h"
#include "src/pp_common.h"
#include "tokenizers/pp_tokenizer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Load DIR's tokenizer and chat template. PP_ERR_NOT_FOUND (naming DIR) when
 * it has neither tokenizer.model nor tokenizer.json; an unrecognised chat
 * template is PP_ERR_UNSUPPORTED with the tokenizer still loaded in *tok (the
 * caller frees it) and *chat PP_CHAT_NONE, so that plain text can still be
 * encoded. *path_out (optional) names the file loaded (valid until the next call). */
PP_API pp_status pp_model_dir_tokenizer(const char *dir, pp_tokenizer **tok, pp_chat_kind *chat,
                                        const char **path_out, pp_error *err);

/* Put the tokenizer at `path` (a SentencePiece PREFIX.model with its optional
 * PREFIX.json sidecar, or a Hugging Face tokenizer.json) into DIR, with a
 * tokenizer_config.json recording the ChatML template when the vocabulary has
 * its markers. */
PP_API pp_status pp_model_dir_put_tokenizer(const char *dir, const char *path, pp_error *err);

/* Copy DIR_FROM's tokenizer files (tokenizer.model, tokenizer.json,
 * tokenizer_config.json) into DIR_TO; files absent in DIR_FROM are skipped. */
PP_API pp_status pp_model_dir_copy_tokenizer(const char *from, const char *to, pp_error *err);

/* Whether a text given to DIR's model starts with BOS, as its Hugging Face tokenizer
 * decides: tokenizer_config.json's add_bos_token when given; else yes for a
 * SentencePiece tokenizer.model; else whether tokenizer.json's post-processor puts a
 * special token first (Llama 2 and 3 do; GPT-2-style byte-level ones such as
 * SmolLM's do not); yes when it has none (tokenizer.json files polyphony exports).
 * Checkpoints polyphony trains record add_bos_token true. */
PP_API pp_status pp_model_dir_adds_bos(const char *dir, int *adds, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
