/* pp_generation_config.c — generation_config.json: the end-of-sequence ids and the
 * sampling defaults a checkpoint's authors chose, with Hugging Face's field names. */
#include "config.h"
#include "align/pp_llama_json.h"
#include "align/pp_model.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void absent(pp_generation_config *g)
{
    memset(g, 0, sizeof *g);
    g->bos_token_id = g->pad_token_id = g->eos_token_id = -1;
    g->do_sample = g->top_k = -1;
    g->temperature = g->top_p = -1.0f;
    g->max_new_tokens = -1;
}

static pp_status id_field(json_t *o, const char *key, int *out, const pp_llama_config *cfg,
                          const char *src, pp_error *err)
{
    int ids[PP_MAX_EOS_IDS], n = 0;
    pp_status st = pp_token_id_list(json_object_get(o, key), key, out, ids, &n, src, err);
    if (st == PP_OK && cfg && *out >= cfg->vocab_size)
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "%s %d is outside the vocabulary (vocab_size %d)", key, *out,
                            cfg->vocab_size);
    return st;
}

static pp_status num_field(json_t *o, const char *key, double lo, double hi, double *out,
                           const char *src, pp_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return PP_OK;
    if (!json_is_number(v) || !(json_number_value(v) >= lo && json_number_value(v) <= hi))
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "field \"%s\" must be a number in [%g, %g]",
                            key, lo, hi);
    *out = json_number_value(v);
    return PP_OK;
}

static pp_status from_json(json_t *o, const char *src, const pp_llama_config *cfg,
                           pp_generation_config *g, pp_error *err)
{
    absent(g);
    g->present = 1;
    if (!json_is_object(o))
        return pp_error_set(err, PP_ERR_PARSE, src, 0, "the generation configuration is not a "
                                                       "JSON object");
    pp_status st;
    if ((st = id_field(o, "bos_token_id", &g->bos_token_id, cfg, src, err)) ||
        (st = pp_token_id_list(json_object_get(o, "eos_token_id"), "eos_token_id",
                               &g->eos_token_id, g->eos_token_ids, &g->num_eos_token_ids, src,
                               err)))
        return st;
    for (int i = 0; cfg && i < (g->num_eos_token_ids ? g->num_eos_token_ids : 1); i++) {
        int id = g->num_eos_token_ids ? g->eos_token_ids[i] : g->eos_token_id;
        if (id >= cfg->vocab_size)
            return pp_error_set(err, PP_ERR_INVALID, src, 0,
                                "eos_token_id %d is outside the vocabulary (vocab_size %d)", id,
                                cfg->vocab_size);
    }
    /* pad_token_id: nothing is padded (one sequence at a time); kept when it is an id of
     * the vocabulary, ignored otherwise (old Llama conversions wrote -1) */
    json_t *pad = json_object_get(o, "pad_token_id");
    if (json_is_integer(pad) && json_integer_value(pad) >= 0 &&
        (!cfg || json_integer_value(pad) < cfg->vocab_size))
        g->pad_token_id = (int)json_integer_value(pad);
    json_t *ds = json_object_get(o, "do_sample");
    if (ds && !json_is_null(ds)) {
        if (!json_is_boolean(ds))
            return pp_error_set(err, PP_ERR_INVALID, src, 0,
                                "field \"do_sample\" must be true or false");
        g->do_sample = json_is_true(ds);
    }
    double t = -1, p = -1, k = -1, n = -1;
    if ((st = num_field(o, "temperature", 0, 1e6, &t, src, err)) ||
        (st = num_field(o, "top_p", 0, 1, &p, src, err)) ||
        (st = num_field(o, "top_k", 0, 1 << 30, &k, src, err)) ||
        (st = num_field(o, "max_new_tokens", 0, 1 << 24, &n, src, err)))
        return st;
    if ((k >= 0 && k != (double)(long)k) || (n >= 0 && n != (double)(long)n))
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "fields \"top_k\" and \"max_new_tokens\" must be integers");
    g->temperature = (float)t;
    g->top_p = (float)p;
    g->top_k = (int)k;
    g->max_new_tokens = (long)n;
    if (g->do_sample == 1) { /* GenerationConfig's defaults */
        if (g->temperature < 0)
            g->temperature = 1.0f;
        if (g->top_k < 0)
            g->top_k = 50;
        if (g->top_p < 0)
            g->top_p = 1.0f;
    }
    return PP_OK;
}

pp_status pp_generation_config_parse(const char *text, const char *source,
                                     const pp_llama_config *cfg, pp_generation_config *g,
                                     pp_error *err)
{
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);
    if (!o) {
        absent(g);
        return pp_error_set(err, PP_ERR_PARSE, source, je.line, "invalid JSON: %s", je.text);
    }
    pp_status st = from_json(o, source, cfg, g, err);
    json_decref(o);
    return st;
}

pp_status pp_generation_config_load(const char *path, const pp_llama_config *cfg,
                                    pp_generation_config *g, pp_error *err)
{
    absent(g);
    struct stat sb;
    if (stat(path, &sb) != 0 && errno == ENOENT)
        return PP_OK;
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    if (!o)
        return pp_error_set(err, je.line > 0 ? PP_ERR_PARSE : PP_ERR_IO, path, je.line, "%s",
                            je.text);
    pp_status st = from_json(o, path, cfg, g, err);
    json_decref(o);
    return st;
}
