/* pp_pref_data.h — preference records turned into token sequences for the
 * preference objectives.
 *
 * A record (what `polyphony prefs` writes; docs/alignment.md):
 *   {"id": ..., "prompt": TEXT or [{"role", "content"}, ...],
 *    "chosen": TEXT, "rejected": TEXT, "group": G, "lang": L,
 *    "p_chosen": share of the group's annotators preferring chosen (optional, [0, 1])}
 * The group is read from a configurable field (default "group").
 *
 * Each completion becomes the conversation
 *   [system turn naming the group, when conditioned] + the prompt (a text is
 *   one user turn; messages as they are) + an assistant turn holding it,
 * rendered with the model's chat template; the tokens of the assistant turn
 * (its content and end marker) are the completion scored. The system turn
 * is "<prefix><group>", prefix PP_PREF_GROUP_PREFIX unless the checkpoint's
 * polyphony_alignment.json names another. */
#ifndef PP_PREF_DATA_H
#define PP_PREF_DATA_H

#include "align/pp_chat.h"
#include "src/pp_common.h"
#include "tokenizers/pp_tokenizer.h"

#include <jansson.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PP_PREF_GROUP_PREFIX "Answer as the group: "

typedef struct pp_pref_seq {
    int32_t *ids;
    uint8_t *target; /* 1: a completion token */
    size_t n;
} pp_pref_seq;

typedef struct pp_pref_example {
    pp_pref_seq chosen, rejected;
    int group;       /* index into the set's groups */
    int lang;        /* index into the set's langs */
    double p_chosen; /* 1 when the record has none */
    long line;       /* line of the record in its file */
    json_t *rec;     /* the record (owned), for re-rendering under another group */
} pp_pref_example;

typedef struct pp_pref_set {
    pp_pref_example *ex;
    size_t n, cap;
    char **groups, **langs;
    size_t ngroups, nlangs;
} pp_pref_set;

typedef struct pp_pref_render {
    pp_tokenizer *tok;
    pp_chat_kind chat; /* must not be PP_CHAT_NONE */
    int32_t bos;       /* < 0: none */
    const char *group_prefix; /* NULL: no conditioning */
} pp_pref_render;

/* Render one completion of `rec` (field "chosen" or "rejected") conditioned on
 * `group` (ignored when r->group_prefix is NULL). Errors: no prompt, a prompt
 * that is neither a string nor an array, a completion that is not a string. */
PP_API pp_status pp_pref_render_one(const pp_pref_render *r, const json_t *rec,
                                    const char *which, const char *group, pp_pref_seq *out,
                                    pp_error *err);

/* Check and add one record: chosen/rejected strings, a non-empty string group in
 * `group_field`, p_chosen (if present) a number in [0, 1], both sequences at most
 * max_len tokens. A bad record is PP_ERR_INVALID with the reason in err->message
 * (no file/line: the caller knows them). `rec` is borrowed (a reference is kept). */
PP_API pp_status pp_pref_set_add(pp_pref_set *s, const pp_pref_render *r, json_t *rec,
                                 const char *group_field, size_t max_len, long line,
                                 pp_error *err);

/* Index of a group name, or -1. */
PP_API int pp_pref_set_group(const pp_pref_set *s, const char *name);

/* How an aligned checkpoint conditions on a group: DIR/polyphony_alignment.json
 *   {"objective": "steerable", "beta": 0.1, "group_field": "group",
 *    "conditioning": "system-turn", "group_prefix": "Answer as the group: "}
 * ("conditioning" is "none" for objectives that do not condition). `score`,
 * `generate` and `align eval` read it to condition the same way. */
typedef struct pp_pref_conditioning {
    int conditioned;       /* a system turn "<group_prefix><group>" leads every conversation */
    char group_prefix[256];
    char objective[32];
    char group_field[64];
    double beta;
} pp_pref_conditioning;

/* A missing file is PP_OK with conditioned = 0 and empty names. */
PP_API pp_status pp_pref_conditioning_load(const char *dir, pp_pref_conditioning *c,
                                           pp_error *err);
PP_API pp_status pp_pref_conditioning_save(const char *dir, const pp_pref_conditioning *c,
                                           pp_error *err);

/* A copy of `messages` (a JSON array) with the group's system turn first. */
PP_API json_t *pp_pref_condition_messages(const json_t *messages, const char *group_prefix,
                                          const char *group);

PP_API void pp_pref_seq_clear(pp_pref_seq *q);
PP_API void pp_pref_set_clear(pp_pref_set *s);

#ifdef __cplusplus
}
#endif
#endif
