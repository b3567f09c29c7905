/* pp_lora_io.c — adapters on disk in the PEFT layout: adapter_config.json (the
 * fields of PEFT's LoraConfig) and adapter_model.safetensors (F32 tensors named
 * base_model.model.model.layers.N.<module>.lora_A.weight / lora_B.weight). */
#include "config.h"
#include "align/pp_lora_internal.h"
#include "align/pp_model_internal.h"
#include "align/pp_safetensors.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATHLEN 4096

static const char *module_prefix(int t) { return t < PP_LORA_GATE ? "self_attn" : "mlp"; }

/* The shortest decimal that reads back as the float f (0.2, not 0.200000003), as
 * Python writes the value a user gave. */
static double float_decimal(float f)
{
    char buf[32];
    for (int p = 6; p <= 9; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, (double)f);
        if (strtof(buf, NULL) == f)
            break;
    }
    return strtod(buf, NULL);
}

pp_status pp_lora_save(const pp_model *m, const char *dir, const char *base, pp_error *err)
{
    const struct pp_lora *lo = m->lora;
    if (!lo)
        return pp_error_set(err, PP_ERR_INVALID, dir, 0, "the model has no adapter to save");
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return pp_error_set(err, PP_ERR_IO, dir, 0, "cannot create the directory: %s",
                            strerror(errno));
    char path[PATHLEN], tmp[PATHLEN + 8];
    json_t *targets = json_array();
    for (int t = 0; t < PP_LORA_NTARGETS; t++)
        if (lo->cfg.targets & (1u << t))
            json_array_append_new(targets, json_string(pp_lora_target_name(t)));
    /* the fields PEFT's LoraConfig writes, with the values that describe this adapter */
    json_t *c = json_pack(
        "{s:o, s:o, s:o, s:s, s:b, s:b, s:b, s:o, s:o, s:f, s:f, s:o, s:s, s:i, s:o, s:o, s:o, "
        "s:s, s:b, s:b}",
        "alpha_pattern", json_object(), "auto_mapping", json_null(), "base_model_name_or_path",
        base ? json_string(base) : json_null(), "bias", "none", "fan_in_fan_out", 0,
        "inference_mode", 1, "init_lora_weights", 1, "layers_pattern", json_null(),
        "layers_to_transform", json_null(), "lora_alpha", float_decimal(lo->cfg.alpha), "lora_dropout",
        float_decimal(lo->cfg.dropout), "modules_to_save", json_null(), "peft_type", "LORA", "r",
        lo->cfg.r, "rank_pattern", json_object(), "revision", json_null(), "target_modules",
        targets, "task_type", "CAUSAL_LM", "use_dora", 0, "use_rslora", 0);
    snprintf(path, sizeof path, "%s/adapter_config.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int rc = c ? json_dump_file(c, tmp, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(9))
               : -1;
    json_decref(c);
    if (rc != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write");
    }

    int n = 0, cap = 2 * lo->L * PP_LORA_NTARGETS;
    pp_st_out *ts = calloc((size_t)cap, sizeof *ts);
    char (*names)[112] = calloc((size_t)cap, sizeof *names);
    if (!ts || !names) {
        free(ts);
        free(names);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (int l = 0; l < lo->L; l++)
        for (int t = 0; t < PP_LORA_NTARGETS; t++) {
            if (!(lo->cfg.targets & (1u << t)))
                continue;
            const float *A = lo->params + lo->a_off[(size_t)l * PP_LORA_NTARGETS + t];
            for (int ab = 0; ab < 2; ab++, n++) {
                snprintf(names[n], sizeof names[n],
                         "base_model.model.model.layers.%d.%s.%s.lora_%c.weight", l,
                         module_prefix(t), pp_lora_target_name(t), ab ? 'B' : 'A');
                ts[n].name = names[n];
                ts[n].data = ab ? A + (size_t)lo->cfg.r * lo->in[t] : A;
                ts[n].ndim = 2;
                ts[n].shape[0] = ab ? lo->out[t] : lo->cfg.r;
                ts[n].shape[1] = ab ? lo->cfg.r : lo->in[t];
            }
        }
    snprintf(path, sizeof path, "%s/adapter_model.safetensors", dir);
    pp_status st = pp_safetensors_write(path, ts, n, err);
    free(ts);
    free(names);
    return st;
}

/* A JSON value that must be absent, null, false, "" or an empty object/array:
 * PEFT features this implementation does not apply. */
static int is_unset(const json_t *v)
{
    return !v || json_is_null(v) || json_is_false(v) ||
           (json_is_string(v) && json_string_length(v) == 0) ||
           (json_is_object(v) && json_object_size(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

static pp_status read_config(const char *path, pp_lora_config *c, char *base, size_t nbase,
                             pp_error *err)
{
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    if (!o)
        return pp_error_set(err, PP_ERR_PARSE, path, je.line, "%s", je.text);
    pp_status st = PP_OK;
    const char *pt = json_string_value(json_object_get(o, "peft_type"));
    const char *tt = json_string_value(json_object_get(o, "task_type"));
    const char *bias = json_string_value(json_object_get(o, "bias"));
    json_t *r = json_object_get(o, "r"), *alpha = json_object_get(o, "lora_alpha");
    json_t *drop = json_object_get(o, "lora_dropout"), *tm = json_object_get(o, "target_modules");
    json_t *am = json_object_get(o, "auto_mapping");
    const char *cls = json_string_value(json_object_get(am, "base_model_class"));
    static const char *unsupported[] = {"fan_in_fan_out", "use_dora", "use_rslora",
                                        "rank_pattern", "alpha_pattern", "layers_to_transform",
                                        "modules_to_save", "layer_replication"};
    memset(c, 0, sizeof *c);
    if (!pt || strcmp(pt, "LORA") != 0)
        st = pp_error_set(err, PP_ERR_MODEL, path, 0, "field \"peft_type\" is %s%s%s, not \"LORA\"",
                          pt ? "\"" : "", pt ? pt : "missing", pt ? "\"" : "");
    else if (!is_unset(json_object_get(o, "task_type")) && (!tt || strcmp(tt, "CAUSAL_LM") != 0))
        st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                          "field \"task_type\" is \"%s\": only CAUSAL_LM adapters fit this model",
                          tt ? tt : "?");
    else if (cls && strcmp(cls, "LlamaForCausalLM") != 0)
        st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                          "field \"auto_mapping.base_model_class\" names %s, not a LlamaForCausalLM",
                          cls);
    else if (!json_is_integer(r) || json_integer_value(r) < 1 ||
             json_integer_value(r) > (1 << 20))
        st = pp_error_set(err, PP_ERR_MODEL, path, 0, "field \"r\" must be a positive integer");
    else if (alpha && !json_is_number(alpha))
        st = pp_error_set(err, PP_ERR_MODEL, path, 0, "field \"lora_alpha\" must be a number");
    else if (drop && !json_is_null(drop) && !json_is_number(drop))
        st = pp_error_set(err, PP_ERR_MODEL, path, 0, "field \"lora_dropout\" must be a number");
    else if (bias && strcmp(bias, "none") != 0)
        st = pp_error_set(err, PP_ERR_UNSUPPORTED, path, 0,
                          "field \"bias\" is \"%s\": only \"none\" is supported", bias);
    for (size_t i = 0; !st && i < sizeof unsupported / sizeof *unsupported; i++)
        if (!is_unset(json_object_get(o, unsupported[i])))
            st = pp_error_set(err, PP_ERR_UNSUPPORTED, path, 0,
                              "field \"%s\" is set: not supported", unsupported[i]);
    if (!st) {
        c->r = (int)json_integer_value(r);
        c->alpha = alpha ? (float)json_number_value(alpha) : 8.0f; /* PEFT's default */
        c->dropout = json_is_number(drop) ? (float)json_number_value(drop) : 0.0f;
        if (json_is_array(tm) && json_array_size(tm) > 0) {
            size_t i;
            json_t *v;
            json_array_foreach(tm, i, v)
            {
                const char *s = json_string_value(v);
                unsigned mask;
                pp_status ts = s ? pp_lora_targets_parse(s, &mask, err) : PP_ERR_INVALID;
                if (ts) {
                    st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                                      "field \"target_modules\": unknown module \"%s\" (q_proj, "
                                      "k_proj, v_proj, o_proj, gate_proj, up_proj or down_proj)",
                                      s ? s : "(not a string)");
                    break;
                }
                c->targets |= mask;
            }
        } else if (json_is_string(tm) && strcmp(json_string_value(tm), "all-linear") == 0) {
            c->targets = (1u << PP_LORA_NTARGETS) - 1;
        } else {
            st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                              "field \"target_modules\" must be a list of module names");
        }
    }
    const char *b = json_string_value(json_object_get(o, "base_model_name_or_path"));
    if (base)
        snprintf(base, nbase, "%s", b ? b : "");
    json_decref(o);
    return st;
}

pp_status pp_lora_base_path(const char *dir, char *buf, size_t n, pp_error *err)
{
    char path[PATHLEN];
    pp_lora_config c;
    snprintf(path, sizeof path, "%s/adapter_config.json", dir);
    return read_config(path, &c, buf, n, err);
}

/* (layer, target, is_B) of a PEFT tensor name; 0 when it is not one */
static int parse_name(const char *name, int *layer, int *target, int *is_b)
{
    const char *pre = "base_model.model.model.layers.";
    if (strncmp(name, pre, strlen(pre)) != 0)
        return 0;
    char *end;
    long l = strtol(name + strlen(pre), &end, 10);
    if (end == name + strlen(pre) || l < 0 || l > 1 << 20)
        return 0;
    for (int t = 0; t < PP_LORA_NTARGETS; t++)
        for (int ab = 0; ab < 2; ab++) {
            char want[96];
            snprintf(want, sizeof want, ".%s.%s.lora_%c.weight", module_prefix(t),
                     pp_lora_target_name(t), ab ? 'B' : 'A');
            if (strcmp(end, want) == 0) {
                *layer = (int)l;
                *target = t;
                *is_b = ab;
                return 1;
            }
        }
    return 0;
}

pp_status pp_lora_load(pp_model *m, const char *dir, pp_error *err)
{
    char path[PATHLEN];
    pp_lora_config c;
    snprintf(path, sizeof path, "%s/adapter_config.json", dir);
    pp_status st = read_config(path, &c, NULL, 0, err);
    if (st)
        return st;
    if ((st = pp_lora_attach(m, &c, 0, err))) {
        if (err) { /* the rank or dropout of this file */
            char msg[sizeof err->message];
            snprintf(msg, sizeof msg, "%s", err->message);
            pp_error_set(err, st, path, 0, "%s", msg);
        }
        return st;
    }
    struct pp_lora *lo = m->lora;
    snprintf(path, sizeof path, "%s/adapter_model.safetensors", dir);
    pp_safetensors *f;
    if ((st = pp_safetensors_open(path, &f, err))) {
        pp_lora_detach(m);
        return st;
    }
    char *seen = calloc((size_t)lo->L * PP_LORA_NTARGETS * 2, 1);
    if (!seen)
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (int i = 0; !st && i < pp_safetensors_count(f); i++) {
        const pp_st_tensor *t = pp_safetensors_at(f, i);
        int l, k, ab;
        if (!parse_name(t->name, &l, &k, &ab)) {
            st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                              "tensor \"%s\" is not a LoRA weight of a Llama layer", t->name);
            break;
        }
        if (l >= lo->L) {
            st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                              "tensor \"%s\": the model has %d layers", t->name, lo->L);
            break;
        }
        if (!(c.targets & (1u << k))) {
            st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                              "tensor \"%s\": %s is not in target_modules", t->name,
                              pp_lora_target_name(k));
            break;
        }
        int64_t want0 = ab ? lo->out[k] : c.r, want1 = ab ? c.r : lo->in[k];
        if (t->ndim != 2 || t->shape[0] != want0 || t->shape[1] != want1) {
            st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                              "tensor \"%s\" has shape [%lld%s%lld], the model and r = %d need "
                              "[%lld, %lld]",
                              t->name, (long long)t->shape[0], t->ndim > 1 ? ", " : "",
                              t->ndim > 1 ? (long long)t->shape[1] : 0LL, c.r,
                              (long long)want0, (long long)want1);
            break;
        }
        size_t off = lo->a_off[(size_t)l * PP_LORA_NTARGETS + k];
        if (ab)
            off += (size_t)c.r * lo->in[k];
        st = pp_safetensors_read_f32(f, t, lo->params + off, pp_st_numel(t), err);
        seen[((size_t)l * PP_LORA_NTARGETS + k) * 2 + ab] = 1;
    }
    for (int l = 0; !st && l < lo->L; l++)
        for (int k = 0; !st && k < PP_LORA_NTARGETS; k++)
            for (int ab = 0; !st && ab < 2; ab++)
                if ((c.targets & (1u << k)) && !seen[((size_t)l * PP_LORA_NTARGETS + k) * 2 + ab])
                    st = pp_error_set(err, PP_ERR_MODEL, path, 0,
                                      "missing tensor \"base_model.model.model.layers.%d.%s.%s."
                                      "lora_%c.weight\"",
                                      l, module_prefix(k), pp_lora_target_name(k), ab ? 'B' : 'A');
    free(seen);
    pp_safetensors_close(f);
    if (st)
        pp_lora_detach(m);
    return st;
}
