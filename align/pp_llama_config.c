/* pp_llama_config.c — config.json with LlamaForCausalLM field names: parse, validate,
 * write, count parameters. */
#include "config.h"
#include "align/pp_llama_json.h"
#include "align/pp_model.h"

#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* An integer field: required (absent -> error) or default `def`. */
static pp_status get_int(json_t *o, const char *key, int required, int def, int *out,
                         const char *src, pp_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        if (required)
            return pp_error_set(err, PP_ERR_INVALID, src, 0, "missing field \"%s\"", key);
        *out = def;
        return PP_OK;
    }
    if (!json_is_integer(v))
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "field \"%s\" must be an integer", key);
    json_int_t x = json_integer_value(v);
    if (x < -1 || x > 0x7fffffff)
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "field \"%s\" is out of range (%lld)",
                            key, (long long)x);
    *out = (int)x;
    return PP_OK;
}

static pp_status get_float(json_t *o, const char *key, float def, float *out, const char *src,
                           pp_error *err)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v)) {
        *out = def;
        return PP_OK;
    }
    if (!json_is_number(v) || !(fabs(json_number_value(v)) <= FLT_MAX))
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "field \"%s\" must be a number", key);
    *out = (float)json_number_value(v);
    return PP_OK;
}

/* bos may be an integer or a list of integers (the first is used). */
static pp_status get_token_id(json_t *o, const char *key, int *out, const char *src,
                              pp_error *err)
{
    json_t *v = json_object_get(o, key);
    if (json_is_array(v))
        v = json_array_size(v) > 0 ? json_array_get(v, 0) : NULL;
    if (!v || json_is_null(v)) {
        *out = -1;
        return PP_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 0x7fffffff)
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "field \"%s\" must be a token id", key);
    *out = (int)json_integer_value(v);
    return PP_OK;
}

pp_status pp_token_id_list(json_t *v, const char *key, int *first, int *ids, int *n,
                           const char *src, pp_error *err)
{
    *first = -1;
    *n = 0;
    if (!v || json_is_null(v))
        return PP_OK;
    if (!json_is_array(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > 0x7fffffff)
            return pp_error_set(err, PP_ERR_INVALID, src, 0,
                                "field \"%s\" must be a token id or a list of them", key);
        *first = (int)json_integer_value(v);
        return PP_OK;
    }
    if (json_array_size(v) > PP_MAX_EOS_IDS)
        return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0,
                            "field \"%s\" lists %zu ids, more than %d", key, json_array_size(v),
                            PP_MAX_EOS_IDS);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 0x7fffffff)
            return pp_error_set(err, PP_ERR_INVALID, src, 0,
                                "field \"%s\"[%zu] must be a token id", key, i);
        ids[(*n)++] = (int)json_integer_value(x);
    }
    *first = *n > 0 ? ids[0] : -1;
    return PP_OK;
}

int pp_llama_config_is_eos(const pp_llama_config *c, int id)
{
    if (id < 0)
        return 0;
    if (id == c->eos_token_id)
        return 1;
    for (int i = 0; i < c->num_eos_token_ids && i < PP_MAX_EOS_IDS; i++)
        if (c->eos_token_ids[i] == id)
            return 1;
    return 0;
}

/* A positive number of rope_scaling, required. */
static pp_status rope_number(json_t *rs, const char *key, float *out, const char *src,
                             pp_error *err)
{
    json_t *v = json_object_get(rs, key);
    if (!json_is_number(v) || !(json_number_value(v) > 0.0) || json_number_value(v) > 1e30)
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "rope_scaling needs \"%s\", a positive number", key);
    *out = (float)json_number_value(v);
    return PP_OK;
}

/* rope_scaling: null, or {"rope_type" (or "type"): "default" | "linear" | "llama3", ...} */
static pp_status rope_from_json(json_t *rs, const char *src, pp_llama_config *c, pp_error *err)
{
    c->rope_kind = PP_ROPE_DEFAULT;
    if (!rs || json_is_null(rs))
        return PP_OK;
    if (!json_is_object(rs))
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "rope_scaling must be an object or null");
    json_t *kind = json_object_get(rs, "rope_type");
    if (!kind)
        kind = json_object_get(rs, "type");
    const char *k = json_is_string(kind) ? json_string_value(kind) : NULL;
    pp_status st;
    if (k && strcmp(k, "default") == 0)
        return PP_OK;
    if (k && strcmp(k, "linear") == 0) {
        c->rope_kind = PP_ROPE_LINEAR;
        return rope_number(rs, "factor", &c->rope_factor, src, err);
    }
    if (k && strcmp(k, "llama3") == 0) {
        c->rope_kind = PP_ROPE_LLAMA3;
        if ((st = rope_number(rs, "factor", &c->rope_factor, src, err)) ||
            (st = rope_number(rs, "low_freq_factor", &c->rope_low_freq_factor, src, err)) ||
            (st = rope_number(rs, "high_freq_factor", &c->rope_high_freq_factor, src, err)))
            return st;
        json_t *om = json_object_get(rs, "original_max_position_embeddings");
        if (!json_is_integer(om) || json_integer_value(om) <= 0 ||
            json_integer_value(om) > 0x7fffffff)
            return pp_error_set(err, PP_ERR_INVALID, src, 0,
                                "rope_scaling needs \"original_max_position_embeddings\", a "
                                "positive integer");
        c->rope_original_max_position_embeddings = (int)json_integer_value(om);
        if (!(c->rope_high_freq_factor > c->rope_low_freq_factor))
            return pp_error_set(err, PP_ERR_INVALID, src, 0,
                                "rope_scaling \"high_freq_factor\" (%g) must exceed "
                                "\"low_freq_factor\" (%g)",
                                (double)c->rope_high_freq_factor, (double)c->rope_low_freq_factor);
        return PP_OK;
    }
    return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0,
                        "rope_scaling \"%s\" is not supported (only null, \"default\", "
                        "\"linear\" and \"llama3\")",
                        k ? k : "?");
}

static pp_status config_from_json(json_t *o, const char *src, pp_llama_config *c, pp_error *err)
{
    if (!json_is_object(o))
        return pp_error_set(err, PP_ERR_PARSE, src, 0, "the configuration is not a JSON object");
    json_t *mt = json_object_get(o, "model_type");
    if (mt && !(json_is_string(mt) && strcmp(json_string_value(mt), "llama") == 0))
        return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0,
                            "model_type \"%s\" is not supported (only \"llama\")",
                            json_is_string(mt) ? json_string_value(mt) : "?");
    json_t *arch = json_object_get(o, "architectures");
    if (json_is_array(arch) && json_array_size(arch) > 0) {
        int llama = 0;
        size_t i;
        json_t *a;
        json_array_foreach(arch, i, a) llama |=
            json_is_string(a) && strcmp(json_string_value(a), "LlamaForCausalLM") == 0;
        if (!llama)
            return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0,
                                "architectures [\"%s\", ...] is not supported (only "
                                "LlamaForCausalLM)",
                                json_is_string(json_array_get(arch, 0))
                                    ? json_string_value(json_array_get(arch, 0))
                                    : "?");
    }
    json_t *act = json_object_get(o, "hidden_act");
    if (act && !(json_is_string(act) && strcmp(json_string_value(act), "silu") == 0))
        return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0,
                            "hidden_act \"%s\" is not supported (only \"silu\")",
                            json_is_string(act) ? json_string_value(act) : "?");
    if (json_object_get(o, "quantization_config"))
        return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0,
                            "quantization_config: quantized checkpoints are not supported");
    json_t *prf = json_object_get(o, "partial_rotary_factor");
    if (prf && !json_is_null(prf) && !(json_is_number(prf) && json_number_value(prf) == 1.0))
        return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0,
                            "partial_rotary_factor other than 1 is not supported");
    json_t *ab = json_object_get(o, "attention_bias");
    if (json_is_true(ab))
        return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0,
                            "attention_bias true is not supported");
    json_t *mb = json_object_get(o, "mlp_bias");
    if (json_is_true(mb))
        return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0, "mlp_bias true is not supported");

    memset(c, 0, sizeof *c);
    pp_status st;
    if ((st = get_int(o, "vocab_size", 1, 0, &c->vocab_size, src, err)) ||
        (st = get_int(o, "hidden_size", 1, 0, &c->hidden_size, src, err)) ||
        (st = get_int(o, "intermediate_size", 1, 0, &c->intermediate_size, src, err)) ||
        (st = get_int(o, "num_hidden_layers", 1, 0, &c->num_hidden_layers, src, err)) ||
        (st = get_int(o, "num_attention_heads", 1, 0, &c->num_attention_heads, src, err)) ||
        (st = get_int(o, "num_key_value_heads", 0, c->num_attention_heads,
                      &c->num_key_value_heads, src, err)) ||
        (st = get_int(o, "max_position_embeddings", 0, 2048, &c->max_position_embeddings, src,
                      err)) ||
        (st = get_float(o, "rms_norm_eps", 1e-6f, &c->rms_norm_eps, src, err)) ||
        (st = get_float(o, "rope_theta", 10000.0f, &c->rope_theta, src, err)) ||
        (st = get_token_id(o, "bos_token_id", &c->bos_token_id, src, err)) ||
        (st = pp_token_id_list(json_object_get(o, "eos_token_id"), "eos_token_id",
                               &c->eos_token_id, c->eos_token_ids, &c->num_eos_token_ids, src,
                               err)) ||
        (st = rope_from_json(json_object_get(o, "rope_scaling"), src, c, err)))
        return st;
    int hd_default = c->num_attention_heads > 0 ? c->hidden_size / c->num_attention_heads : 0;
    if (c->num_attention_heads > 0 && c->hidden_size % c->num_attention_heads != 0 &&
        !json_object_get(o, "head_dim"))
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "num_attention_heads (%d) does not divide hidden_size (%d) and "
                            "head_dim is not given",
                            c->num_attention_heads, c->hidden_size);
    if ((st = get_int(o, "head_dim", 0, hd_default, &c->head_dim, src, err)))
        return st;
    json_t *tie = json_object_get(o, "tie_word_embeddings");
    if (tie && !json_is_boolean(tie))
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "field \"tie_word_embeddings\" must be true or false");
    c->tie_word_embeddings = tie ? json_is_true(tie) : 0; /* LlamaConfig's default is false */
    return pp_llama_config_validate(c, src, err);
}

pp_status pp_llama_config_parse(const char *text, const char *source, pp_llama_config *cfg,
                                pp_error *err)
{
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);
    if (!o)
        return pp_error_set(err, PP_ERR_PARSE, source, je.line, "invalid JSON: %s", je.text);
    pp_status st = config_from_json(o, source, cfg, err);
    json_decref(o);
    return st;
}

pp_status pp_llama_config_load(const char *path, pp_llama_config *cfg, pp_error *err)
{
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    if (!o)
        return pp_error_set(err, je.line > 0 ? PP_ERR_PARSE : PP_ERR_IO, path, je.line, "%s",
                            je.text);
    pp_status st = config_from_json(o, path, cfg, err);
    json_decref(o);
    return st;
}

pp_status pp_llama_config_validate(const pp_llama_config *c, const char *src, pp_error *err)
{
#define POSITIVE(f)                                                                              \
    if (c->f <= 0)                                                                               \
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "field \"" #f "\" must be positive (%d)", \
                            c->f);
    POSITIVE(vocab_size)
    POSITIVE(hidden_size)
    POSITIVE(intermediate_size)
    POSITIVE(num_hidden_layers)
    POSITIVE(num_attention_heads)
    POSITIVE(num_key_value_heads)
    POSITIVE(head_dim)
    POSITIVE(max_position_embeddings)
#undef POSITIVE
    if (c->num_attention_heads % c->num_key_value_heads != 0)
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "num_key_value_heads (%d) does not divide num_attention_heads (%d)",
                            c->num_key_value_heads, c->num_attention_heads);
    if (c->head_dim % 2 != 0)
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "head_dim (%d) must be even for rotary embeddings", c->head_dim);
    if (!(c->rms_norm_eps > 0.0f))
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "field \"rms_norm_eps\" must be positive");
    if (!(c->rope_theta > 0.0f))
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "field \"rope_theta\" must be positive");
    if (c->bos_token_id >= c->vocab_size)
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "bos_token_id (%d) is outside the vocabulary (vocab_size %d)",
                            c->bos_token_id, c->vocab_size);
    if (c->eos_token_id >= c->vocab_size)
        return pp_error_set(err, PP_ERR_INVALID, src, 0,
                            "eos_token_id (%d) is outside the vocabulary (vocab_size %d)",
                            c->eos_token_id, c->vocab_size);
    for (int i = 0; i < c->num_eos_token_ids && i < PP_MAX_EOS_IDS; i++)
        if (c->eos_token_ids[i] < 0 || c->eos_token_ids[i] >= c->vocab_size)
            return pp_error_set(err, PP_ERR_INVALID, src, 0,
                                "eos_token_id %d is outside the vocabulary (vocab_size %d)",
                                c->eos_token_ids[i], c->vocab_size);
    if (c->num_eos_token_ids < 0 || c->num_eos_token_ids > PP_MAX_EOS_IDS)
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "too many eos_token_id values");
    if (c->rope_kind == PP_ROPE_LINEAR || c->rope_kind == PP_ROPE_LLAMA3) {
        if (!(c->rope_factor > 0.0f))
            return pp_error_set(err, PP_ERR_INVALID, src, 0, "rope_scaling factor must be positive");
        if (c->rope_kind == PP_ROPE_LLAMA3 &&
            (!(c->rope_low_freq_factor > 0.0f) ||
             !(c->rope_high_freq_factor > c->rope_low_freq_factor) ||
             c->rope_original_max_position_embeddings <= 0))
            return pp_error_set(err, PP_ERR_INVALID, src, 0,
                                "rope_scaling llama3 needs 0 < low_freq_factor < high_freq_factor "
                                "and original_max_position_embeddings > 0");
    } else if (c->rope_kind != PP_ROPE_DEFAULT)
        return pp_error_set(err, PP_ERR_INVALID, src, 0, "unknown rope_scaling kind %d",
                            c->rope_kind);
    /* every tensor must be addressable with int sizes in the kernels */
    if ((double)c->vocab_size * c->hidden_size > 2147483647.0 ||
        (double)c->intermediate_size * c->hidden_size > 2147483647.0 ||
        (double)c->num_attention_heads * c->head_dim * c->hidden_size > 2147483647.0)
        return pp_error_set(err, PP_ERR_UNSUPPORTED, src, 0, "a weight matrix is too large");
    return PP_OK;
}

static json_t *rope_to_json(const pp_llama_config *c)
{
    if (c->rope_kind == PP_ROPE_LINEAR)
        return json_pack("{s:s,s:f}", "rope_type", "linear", "factor", (double)c->rope_factor);
    if (c->rope_kind == PP_ROPE_LLAMA3)
        return json_pack("{s:s,s:f,s:f,s:f,s:i}", "rope_type", "llama3", "factor",
                         (double)c->rope_factor, "low_freq_factor",
                         (double)c->rope_low_freq_factor, "high_freq_factor",
                         (double)c->rope_high_freq_factor, "original_max_position_embeddings",
                         c->rope_original_max_position_embeddings);
    return json_null();
}

json_t *pp_llama_eos_to_json(const pp_llama_config *c)
{
    if (c->num_eos_token_ids <= 1)
        return json_integer(c->eos_token_id);
    json_t *a = json_array();
    for (int i = 0; i < c->num_eos_token_ids && i < PP_MAX_EOS_IDS; i++)
        json_array_append_new(a, json_integer(c->eos_token_ids[i]));
    return a;
}

json_t *pp_llama_config_to_json(const pp_llama_config *c)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "architectures", json_pack("[s]", "LlamaForCausalLM"));
    json_object_set_new(o, "model_type", json_string("llama"));
    json_object_set_new(o, "vocab_size", json_integer(c->vocab_size));
    json_object_set_new(o, "hidden_size", json_integer(c->hidden_size));
    json_object_set_new(o, "intermediate_size", json_integer(c->intermediate_size));
    json_object_set_new(o, "num_hidden_layers", json_integer(c->num_hidden_layers));
    json_object_set_new(o, "num_attention_heads", json_integer(c->num_attention_heads));
    json_object_set_new(o, "num_key_value_heads", json_integer(c->num_key_value_heads));
    json_object_set_new(o, "head_dim", json_integer(c->head_dim));
    json_object_set_new(o, "max_position_embeddings", json_integer(c->max_position_embeddings));
    json_object_set_new(o, "rms_norm_eps", json_real(c->rms_norm_eps));
    json_object_set_new(o, "rope_theta", json_real(c->rope_theta));
    json_object_set_new(o, "rope_scaling", rope_to_json(c));
    json_object_set_new(o, "hidden_act", json_string("silu"));
    json_object_set_new(o, "attention_bias", json_false());
    json_object_set_new(o, "mlp_bias", json_false());
    json_object_set_new(o, "tie_word_embeddings", json_boolean(c->tie_word_embeddings));
    if (c->bos_token_id >= 0)
        json_object_set_new(o, "bos_token_id", json_integer(c->bos_token_id));
    if (c->eos_token_id >= 0 || c->num_eos_token_ids > 0)
        json_object_set_new(o, "eos_token_id", pp_llama_eos_to_json(c));
    json_object_set_new(o, "torch_dtype", json_string("float32"));
    return o;
}

pp_status pp_llama_config_save(const pp_llama_config *c, const char *path, pp_error *err)
{
    json_t *o = pp_llama_config_to_json(c);
    if (!o)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int rc = json_dump_file(o, tmp, JSON_INDENT(2) | JSON_REAL_PRECISION(9));
    json_decref(o);
    if (rc != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write the configuration");
    }
    return PP_OK;
}

size_t pp_llama_config_num_params(const pp_llama_config *c)
{
    size_t C = (size_t)c->hidden_size, V = (size_t)c->vocab_size, I = (size_t)c->intermediate_size;
    size_t QD = (size_t)c->num_attention_heads * c->head_dim;
    size_t KVD = (size_t)c->num_key_value_heads * c->head_dim;
    size_t layer = C + QD * C + 2 * KVD * C + C * QD + C + 3 * I * C;
    return V * C + (size_t)c->num_hidden_layers * layer + C + (c->tie_word_embeddings ? 0 : V * C);
}
