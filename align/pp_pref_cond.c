/* pp_pref_cond.c — the group conditioning an aligned checkpoint records
 * (polyphony_alignment.json, pp_pref_data.h). */
#include "config.h"
#include "align/pp_pref_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COND_FILE "polyphony_alignment.json"

pp_status pp_pref_conditioning_load(const char *dir, pp_pref_conditioning *c, pp_error *err)
{
    memset(c, 0, sizeof *c);
    char path[4096];
    snprintf(path, sizeof path, "%s/" COND_FILE, dir);
    if (access(path, F_OK) != 0)
        return PP_OK;
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        return pp_error_set(err, PP_ERR_PARSE, path, j ? 0 : je.line, "%s",
                            j ? "not a JSON object" : je.text);
    }
    const char *cond = json_string_value(json_object_get(j, "conditioning"));
    const char *pre = json_string_value(json_object_get(j, "group_prefix"));
    const char *obj = json_string_value(json_object_get(j, "objective"));
    const char *gf = json_string_value(json_object_get(j, "group_field"));
    pp_status st = PP_OK;
    if (cond && strcmp(cond, "system-turn") == 0) {
        if (!pre)
            st = pp_error_set(err, PP_ERR_PARSE, path, 0, "'group_prefix' is missing");
        c->conditioned = 1;
    } else if (cond && strcmp(cond, "none") != 0) {
        st = pp_error_set(err, PP_ERR_UNSUPPORTED, path, 0, "unknown conditioning '%s'", cond);
    }
    snprintf(c->group_prefix, sizeof c->group_prefix, "%s", pre ? pre : "");
    snprintf(c->objective, sizeof c->objective, "%s", obj ? obj : "");
    snprintf(c->group_field, sizeof c->group_field, "%s", gf ? gf : "group");
    c->beta = json_number_value(json_object_get(j, "beta"));
    json_decref(j);
    return st;
}

pp_status pp_pref_conditioning_save(const char *dir, const pp_pref_conditioning *c, pp_error *err)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/" COND_FILE, dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    json_t *j = json_pack("{s:s, s:f, s:s, s:s}", "objective", c->objective, "beta", c->beta,
                          "group_field", c->group_field, "conditioning",
                          c->conditioned ? "system-turn" : "none");
    if (!j)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    if (c->conditioned)
        json_object_set_new(j, "group_prefix", json_string(c->group_prefix));
    int bad = json_dump_file(j, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0;
    json_decref(j);
    if (bad || rename(tmp, path) != 0) {
        unlink(tmp);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write");
    }
    return PP_OK;
}

json_t *pp_pref_condition_messages(const json_t *messages, const char *group_prefix,
                                   const char *group)
{
    json_t *out = json_array();
    size_t n = strlen(group_prefix) + strlen(group) + 1;
    char *sys = malloc(n);
    if (!out || !sys) {
        free(sys);
        json_decref(out);
        return NULL;
    }
    snprintf(sys, n, "%s%s", group_prefix, group);
    json_array_append_new(out, json_pack("{s:s, s:s}", "role", "system", "content", sys));
    free(sys);
    json_array_extend(out, (json_t *)messages);
    return out;
}
