/* pp_chat.c — ChatML and Llama 3 conversations to token ids (pp_chat.h). */
#include "config.h"
#include "align/pp_chat.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char CHATML_JINJA[] =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const char *pp_chat_chatml_jinja(void) { return CHATML_JINJA; }

const char *pp_chat_kind_name(pp_chat_kind k)
{
    return k == PP_CHAT_CHATML ? "chatml" : k == PP_CHAT_LLAMA3 ? "llama3" : "none";
}

pp_status pp_chat_detect(const char *jinja, const char *source, pp_chat_kind *out, pp_error *err)
{
    *out = PP_CHAT_NONE;
    if (!jinja || !*jinja)
        return PP_OK;
    /* The markers name the template: every ChatML variant writes <|im_start|>,
     * every Llama 3 one <|start_header_id|>. */
    if (strstr(jinja, "<|im_start|>") && strstr(jinja, "<|im_end|>"))
        *out = PP_CHAT_CHATML;
    else if (strstr(jinja, "<|start_header_id|>") && strstr(jinja, "<|eot_id|>"))
        *out = PP_CHAT_LLAMA3;
    else
        return pp_error_set(err, PP_ERR_UNSUPPORTED, source, 0,
                            "chat template not recognised: only ChatML and Llama 3 templates "
                            "are supported");
    return PP_OK;
}

int32_t pp_tokenizer_find_piece(const pp_tokenizer *t, const char *piece)
{
    size_t want = strlen(piece), n = pp_tokenizer_vocab_size(t);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const char *p = pp_tokenizer_piece(t, (int32_t)i, &len);
        if (p && len == want && memcmp(p, piece, len) == 0)
            return (int32_t)i;
    }
    return -1;
}

void pp_chat_ids_clear(pp_chat_ids *c)
{
    free(c->ids);
    free(c->mask);
    memset(c, 0, sizeof *c);
}

static pp_status push(pp_chat_ids *c, int32_t id, uint8_t m, pp_error *err)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 256;
        int32_t *ni = realloc(c->ids, nc * sizeof *ni);
        if (ni)
            c->ids = ni;
        uint8_t *nm = realloc(c->mask, nc);
        if (nm)
            c->mask = nm;
        if (!ni || !nm)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        c->cap = nc;
    }
    c->ids[c->n] = id;
    c->mask[c->n] = m;
    c->n++;
    return PP_OK;
}

static pp_status push_text(pp_tokenizer *t, const char *s, size_t len, uint8_t m, pp_chat_ids *c,
                           pp_error *err)
{
    if (!len)
        return PP_OK;
    int32_t *ids = NULL;
    size_t n = 0;
    pp_status st = pp_tokenizer_encode_ids(t, s, len, &ids, &n, err);
    for (size_t i = 0; st == PP_OK && i < n; i++)
        st = push(c, ids[i], m, err);
    free(ids);
    return st;
}

static pp_status marker(const pp_tokenizer *t, const char *piece, int32_t *id, pp_error *err)
{
    *id = pp_tokenizer_find_piece(t, piece);
    if (*id < 0)
        return pp_error_set(err, PP_ERR_MODEL, NULL, 0,
                            "the tokenizer has no special token %s (train it with "
                            "`polyphony tokenizer train --chat-markers`)",
                            piece);
    return PP_OK;
}

int32_t pp_chat_end_token(const pp_tokenizer *t, pp_chat_kind kind)
{
    if (kind == PP_CHAT_CHATML)
        return pp_tokenizer_find_piece(t, "<|im_end|>");
    if (kind == PP_CHAT_LLAMA3)
        return pp_tokenizer_find_piece(t, "<|eot_id|>");
    return -1;
}

pp_status pp_chat_render(pp_tokenizer *t, pp_chat_kind kind, const json_t *messages,
                         int add_generation_prompt, int32_t bos, pp_chat_ids *out, pp_error *err)
{
    if (kind == PP_CHAT_NONE)
        return pp_error_set(err, PP_ERR_MODEL, NULL, 0, "the model has no chat template");
    if (!json_is_array(messages) || json_array_size(messages) == 0)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "'messages' must be a non-empty array of {role, content}");
    int llama3 = kind == PP_CHAT_LLAMA3;
    int32_t open, close, head_end = -1;
    pp_status st = marker(t, llama3 ? "<|start_header_id|>" : "<|im_start|>", &open, err);
    if (st == PP_OK)
        st = marker(t, llama3 ? "<|eot_id|>" : "<|im_end|>", &close, err);
    if (st == PP_OK && llama3)
        st = marker(t, "<|end_header_id|>", &head_end, err);
    if (st != PP_OK)
        return st;
    if (bos >= 0 && (st = push(out, bos, 0, err)) != PP_OK)
        return st;
    size_t i;
    json_t *msg;
    json_array_foreach(messages, i, msg) {
        const char *role = json_string_value(json_object_get(msg, "role"));
        json_t *cv = json_object_get(msg, "content");
        if (!role || !json_is_string(cv))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "message %zu needs a string 'role' and 'content'", i);
        const char *content = json_string_value(cv);
        size_t clen = json_string_length(cv);
        uint8_t m = strcmp(role, "assistant") == 0;
        if ((st = push(out, open, 0, err)) != PP_OK ||
            (st = push_text(t, role, strlen(role), 0, out, err)) != PP_OK)
            return st;
        if (llama3) {
            /* the Llama 3 template trims the content */
            while (clen && isspace((unsigned char)*content))
                content++, clen--;
            while (clen && isspace((unsigned char)content[clen - 1]))
                clen--;
            if ((st = push(out, head_end, 0, err)) != PP_OK ||
                (st = push_text(t, "\n\n", 2, 0, out, err)) != PP_OK ||
                (st = push_text(t, content, clen, m, out, err)) != PP_OK ||
                (st = push(out, close, m, err)) != PP_OK)
                return st;
        } else {
            if ((st = push_text(t, "\n", 1, 0, out, err)) != PP_OK ||
                (st = push_text(t, content, clen, m, out, err)) != PP_OK ||
                (st = push(out, close, m, err)) != PP_OK ||
                (st = push_text(t, "\n", 1, 0, out, err)) != PP_OK)
                return st;
        }
    }
    if (add_generation_prompt) {
        if ((st = push(out, open, 0, err)) != PP_OK ||
            (st = push_text(t, "assistant", 9, 0, out, err)) != PP_OK)
            return st;
        if (llama3)
            st = push(out, head_end, 0, err) != PP_OK ? PP_ERR_NOMEM
                                                      : push_text(t, "\n\n", 2, 0, out, err);
        else
            st = push_text(t, "\n", 1, 0, out, err);
    }
    return st;
}
