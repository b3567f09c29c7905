/* pp_pref_data.c — preference records rendered to token sequences (pp_pref_data.h). */
#include "config.h"
#include "align/pp_pref_data.h"

#include <stdlib.h>
#include <string.h>

void pp_pref_seq_clear(pp_pref_seq *q)
{
    free(q->ids);
    free(q->target);
    memset(q, 0, sizeof *q);
}

void pp_pref_set_clear(pp_pref_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        pp_pref_seq_clear(&s->ex[i].chosen);
        pp_pref_seq_clear(&s->ex[i].rejected);
        json_decref(s->ex[i].rec);
    }
    for (size_t i = 0; i < s->ngroups; i++)
        free(s->groups[i]);
    for (size_t i = 0; i < s->nlangs; i++)
        free(s->langs[i]);
    free(s->ex);
    free(s->groups);
    free(s->langs);
    memset(s, 0, sizeof *s);
}

static json_t *turn(const char *role, const char *content)
{
    return json_pack("{s:s, s:s}", "role", role, "content", content);
}

pp_status pp_pref_render_one(const pp_pref_render *r, const json_t *rec, const char *which,
                             const char *group, pp_pref_seq *out, pp_error *err)
{
    memset(out, 0, sizeof *out);
    const json_t *prompt = json_object_get(rec, "prompt");
    const char *comp = json_string_value(json_object_get(rec, which));
    if (!comp)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'%s' is missing or not a string", which);
    if (!prompt || !(json_is_string(prompt) || json_is_array(prompt)))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "'prompt' is missing or neither a string nor a list of messages");
    if (r->chat == PP_CHAT_NONE)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "the model has no chat template: preference pairs need one");
    json_t *msgs = json_array();
    if (r->group_prefix && group) {
        size_t n = strlen(r->group_prefix) + strlen(group) + 1;
        char *sys = malloc(n);
        if (!sys) {
            json_decref(msgs);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        snprintf(sys, n, "%s%s", r->group_prefix, group);
        json_array_append_new(msgs, turn("system", sys));
        free(sys);
    }
    if (json_is_string(prompt))
        json_array_append_new(msgs, turn("user", json_string_value(prompt)));
    else
        json_array_extend(msgs, (json_t *)prompt);
    json_array_append_new(msgs, turn("assistant", comp));
    pp_chat_ids c = {0};
    pp_status st = pp_chat_render(r->tok, r->chat, msgs, 0, r->bos, &c, err);
    json_decref(msgs);
    if (st != PP_OK) {
        pp_chat_ids_clear(&c);
        return st;
    }
    /* only the last assistant turn is the completion (what follows its end
     * marker, e.g. ChatML's newline, is not) */
    size_t end = c.n;
    while (end > 0 && !c.mask[end - 1])
        end--;
    size_t start = end;
    while (start > 0 && c.mask[start - 1])
        start--;
    for (size_t j = 0; j < start; j++)
        c.mask[j] = 0;
    out->ids = c.ids;
    out->target = c.mask;
    out->n = c.n;
    return PP_OK;
}

static int intern(char ***names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*names)[i], name) == 0)
            return (int)i;
    char **nb = realloc(*names, (*n + 1) * sizeof *nb);
    if (!nb)
        return -1;
    *names = nb;
    if (!(nb[*n] = strdup(name)))
        return -1;
    return (int)(*n)++;
}

int pp_pref_set_group(const pp_pref_set *s, const char *name)
{
    for (size_t i = 0; i < s->ngroups; i++)
        if (strcmp(s->groups[i], name) == 0)
            return (int)i;
    return -1;
}

pp_status pp_pref_set_add(pp_pref_set *s, const pp_pref_render *r, json_t *rec,
                          const char *group_field, size_t max_len, long line, pp_error *err)
{
    const json_t *gv = json_object_get(rec, group_field);
    const char *group = json_string_value(gv);
    if (!group || !*group)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'%s' is missing or empty", group_field);
    double p = 1.0;
    const json_t *pv = json_object_get(rec, "p_chosen");
    if (pv && !json_is_null(pv)) {
        if (!json_is_number(pv))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'p_chosen' is not a number");
        p = json_number_value(pv);
        if (!(p >= 0 && p <= 1))
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "'p_chosen' %g is outside [0, 1]", p);
    }
    pp_pref_example e = {.p_chosen = p, .line = line};
    pp_status st = pp_pref_render_one(r, rec, "chosen", group, &e.chosen, err);
    if (st == PP_OK)
        st = pp_pref_render_one(r, rec, "rejected", group, &e.rejected, err);
    if (st == PP_OK && (e.chosen.n > max_len || e.rejected.n > max_len))
        st = pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                          "the prompt with its completion is %zu tokens, more than the model's "
                          "context (%zu)",
                          e.chosen.n > e.rejected.n ? e.chosen.n : e.rejected.n, max_len);
    if (st != PP_OK) {
        pp_pref_seq_clear(&e.chosen);
        pp_pref_seq_clear(&e.rejected);
        return st;
    }
    const char *lang = json_string_value(json_object_get(rec, "lang"));
    e.group = intern(&s->groups, &s->ngroups, group);
    e.lang = intern(&s->langs, &s->nlangs, lang && *lang ? lang : "und");
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 64;
        pp_pref_example *nb = realloc(s->ex, nc * sizeof *nb);
        if (nb) {
            s->ex = nb;
            s->cap = nc;
        }
    }
    if (e.group < 0 || e.lang < 0 || s->n == s->cap) {
        pp_pref_seq_clear(&e.chosen);
        pp_pref_seq_clear(&e.rejected);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    e.rec = json_incref(rec);
    s->ex[s->n++] = e;
    return PP_OK;
}
