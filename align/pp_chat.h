/* pp_chat.h — chat templates for the model stage: conversations (the `messages`
 * records `instruct build` writes: [{"role":..., "content":...}, ...]) rendered
 * to token ids the way a model was trained to read them.
 *
 * Models polyphony trains use ChatML:
 *   <|im_start|>role\ncontent<|im_end|>\n
 * with <|im_start|> and <|im_end|> as special tokens (`tokenizer train
 * --chat-markers`). Loaded checkpoints declare a Jinja template in
 * tokenizer_config.json ("chat_template"); the common named ones are recognised
 * (ChatML, Llama 3) and others refused by name, never approximated.
 *
 * Special tokens are looked up in the vocabulary by their piece and inserted
 * as ids: the tokenizers encode text as ordinary text only. */
#ifndef PP_CHAT_H
#define PP_CHAT_H

#include "src/pp_common.h"
#include "tokenizers/pp_tokenizer.h"

#include <jansson.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_chat_kind {
    PP_CHAT_NONE = 0,
    PP_CHAT_CHATML,
    PP_CHAT_LLAMA3
} pp_chat_kind;

/* The Jinja text of the ChatML template (what checkpoints polyphony writes record). */
PP_API const char *pp_chat_chatml_jinja(void);

/* Recognise a Jinja chat template: ChatML or Llama 3. Anything else is
 * PP_ERR_UNSUPPORTED with a message naming `source`. NULL/empty: PP_CHAT_NONE. */
PP_API pp_status pp_chat_detect(const char *jinja, const char *source, pp_chat_kind *out,
                                pp_error *err);
PP_API const char *pp_chat_kind_name(pp_chat_kind k);

/* Id of the vocabulary entry spelled exactly `piece`, or -1. */
PP_API int32_t pp_tokenizer_find_piece(const pp_tokenizer *t, const char *piece);

/* Token ids and a per-token flag: mask[i] = 1 when token i belongs to an
 * assistant turn (its content and its end marker), the tokens SFT learns. */
typedef struct pp_chat_ids {
    int32_t *ids;
    uint8_t *mask;
    size_t n, cap;
} pp_chat_ids;

PP_API void pp_chat_ids_clear(pp_chat_ids *c);

/* Render `messages` (a JSON array of {role, content}) with template `kind`,
 * appending to `out`. add_generation_prompt: end with the opening of an
 * assistant turn (for generation). bos >= 0 is put first. Errors: a message
 * without a string role/content, a marker missing from the vocabulary. */
PP_API pp_status pp_chat_render(pp_tokenizer *t, pp_chat_kind kind, const json_t *messages,
                                int add_generation_prompt, int32_t bos, pp_chat_ids *out,
                                pp_error *err);

/* The token that ends an assistant turn (<|im_end|>, <|eot_id|>), or -1. */
PP_API int32_t pp_chat_end_token(const pp_tokenizer *t, pp_chat_kind kind);

#ifdef __cplusplus
}
#endif
#endif
