/* cmd_model.c — `polyphony model info`: what a checkpoint (or a config not yet
 * trained) holds and what it costs: parameters, configuration, tokenizer, the
 * dtypes of its tensors and the memory plan for inference and for training. */
#include "config.h"
#include "align/lora_options.h"
#include "align/pp_model.h"
#include "align/pp_model_dir.h"
#include "align/pp_safetensors.h"
#include "src/cli/cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *CMD = "model";

void usage_model(FILE *fp)
{
    fprintf(fp, "Usage: polyphony model info (DIR | --config CONFIG.json) [OPTIONS]\n"
                "       polyphony model merge --model BASE --adapter DIR --out OUT\n"
                "Describe a model checkpoint or configuration; merge a LoRA adapter.\n");
}

void usage_model_info(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony model info (DIR | --config CONFIG.json) [OPTIONS]\n"
            "Parameters, configuration, tokenizer, tensor dtypes and the memory plan for\n"
            "inference and for training of a checkpoint directory or a config.json.\n"
            "\n"
            "      --config FILE      a config.json (a model not trained yet)\n"
            "  -b, --batch-size B     rows per training step for the plan (default 8)\n"
            "  -T, --seq-len T        tokens per row (default 256 or max_position_embeddings)\n"
            "      --lora-rank R      also the plan of LoRA training at rank R (frozen base)\n"
            "      --lora-targets L   modules the adapters target (default all linear layers)\n"
            "      --base-dtype D     f32 or bf16: the frozen base's dtype in the LoRA plan\n"
            "      --recompute        training plans with gradient checkpointing\n"
            "      --json             one JSON object instead of the text\n"
            "  -h, --help             show this help\n"
            "See polyphony-model(1).\n");
}

static json_t *plan_json(const pp_memory_plan *p)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "params", (json_int_t)p->params,
                     "adapters", (json_int_t)p->adapters,
                     "grads", (json_int_t)p->grads, "adam_m", (json_int_t)p->adam_m, "adam_v",
                     (json_int_t)p->adam_v, "activations", (json_int_t)p->activations, "scratch",
                     (json_int_t)p->scratch, "kv_cache", (json_int_t)p->kv_cache, "total",
                     (json_int_t)p->total);
}

/* dtype name -> tensor count, from the checkpoint's safetensors files */
static pp_status dtypes(const char *dir, json_t *out, pp_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    json_t *files = json_array();
    if (access(path, F_OK) == 0) {
        json_array_append_new(files, json_string(path));
    } else {
        snprintf(path, sizeof path, "%s/model.safetensors.index.json", dir);
        json_error_t je;
        json_t *idx = json_load_file(path, 0, &je);
        json_t *wm = json_object_get(idx, "weight_map");
        const char *k;
        json_t *v;
        json_object_foreach(wm, k, v) {
            char shard[4096];
            snprintf(shard, sizeof shard, "%s/%s", dir, json_string_value(v));
            size_t i;
            json_t *x;
            int seen = 0;
            json_array_foreach(files, i, x) seen |= strcmp(json_string_value(x), shard) == 0;
            if (!seen)
                json_array_append_new(files, json_string(shard));
        }
        json_decref(idx);
    }
    size_t i;
    json_t *f;
    pp_status st = PP_OK;
    json_array_foreach(files, i, f) {
        pp_safetensors *sf = NULL;
        if ((st = pp_safetensors_open(json_string_value(f), &sf, err)) != PP_OK)
            break;
        for (int t = 0; t < pp_safetensors_count(sf); t++) {
            const char *d = pp_safetensors_at(sf, t)->dtype_name;
            json_int_t n = json_integer_value(json_object_get(out, d));
            json_object_set_new(out, d, json_integer(n + 1));
        }
        pp_safetensors_close(sf);
    }
    json_decref(files);
    return st;
}

int cmd_model_info(int argc, char **argv)
{
    enum { O_CONFIG = 1, O_JSON, O_DTYPE, O_RECOMP };
    static const struct option opts[] = {
        {"config", required_argument, NULL, O_CONFIG}, {"batch-size", required_argument, NULL, 'b'},
        {"seq-len", required_argument, NULL, 'T'}, {"json", no_argument, NULL, O_JSON},
        {"lora-rank", required_argument, NULL, LORA_OPT_RANK},
        {"lora-targets", required_argument, NULL, LORA_OPT_TARGETS},
        {"base-dtype", required_argument, NULL, O_DTYPE},
        {"recompute", no_argument, NULL, O_RECOMP}, CLI_LONG_QUIET, CLI_LONG_HELP, {NULL, 0, NULL, 0}};
    cli_common co;
    cli_common_init(&co, CMD, "info");
    const char *config = NULL;
    long B = 8, T = 0;
    int as_json = 0, c, cr, wbytes = 4, recompute = 0;
    lora_cli lo;
    lora_cli_init(&lo);
    optind = 1;
    while ((c = getopt_long(argc, argv, "b:T:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case O_CONFIG: config = optarg; break;
        case 'b':
            if (!cli_parse_long(CMD, "--batch-size", optarg, 1, 1 << 20, &B))
                return 2;
            break;
        case 'T':
            if (!cli_parse_long(CMD, "--seq-len", optarg, 1, 1 << 24, &T))
                return 2;
            break;
        case O_JSON: as_json = 1; break;
        case O_RECOMP: recompute = 1; break;
        case O_DTYPE:
            if (strcmp(optarg, "f32") != 0 && strcmp(optarg, "bf16") != 0)
                return cli_usage("model info", "--base-dtype is f32 or bf16, not '%s'", optarg);
            wbytes = optarg[0] == 'b' ? 2 : 4;
            break;
        default:
            if ((cr = lora_cli_opt(&lo, "model info", c, optarg)) >= 0) {
                if (cr)
                    return cr;
                break;
            }
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    const char *dir = optind < argc ? argv[optind] : NULL;
    if (!dir == !config)
        return cli_usage("model info", "give a checkpoint DIR or --config CONFIG.json");
    if (argc - optind > 1)
        return cli_usage("model info", "one DIR at most");
    if ((cr = lora_cli_check(&lo, "model info")) >= 0)
        return cr;
    pp_error err;
    pp_error_clear(&err);
    pp_llama_config cfg;
    char cpath[4096];
    snprintf(cpath, sizeof cpath, "%s/config.json", dir ? dir : "");
    if (pp_llama_config_load(config ? config : cpath, &cfg, &err) != PP_OK)
        return cli_fail("model info", &err);
    if (T == 0)
        T = cfg.max_position_embeddings < 256 ? cfg.max_position_embeddings : 256;
    if (T > cfg.max_position_embeddings) {
        pp_error_set(&err, PP_ERR_INVALID, config ? config : cpath, 0,
                     "--seq-len %ld is longer than max_position_embeddings %d", T,
                     cfg.max_position_embeddings);
        return cli_fail("model info", &err);
    }
    json_t *dt = json_object();
    pp_tokenizer *tok = NULL;
    pp_chat_kind chat = PP_CHAT_NONE;
    const char *tok_path = NULL;
    if (dir) {
        if (dtypes(dir, dt, &err) != PP_OK) {
            json_decref(dt);
            return cli_fail("model info", &err);
        }
        pp_status s = pp_model_dir_tokenizer(dir, &tok, &chat, &tok_path, &err);
        if (s == PP_ERR_UNSUPPORTED && tok) /* shown as chat template none */
            s = PP_OK;
        if (s != PP_OK && s != PP_ERR_NOT_FOUND) {
            json_decref(dt);
            return cli_fail("model info", &err);
        }
    }
    /* inference: one sequence of T tokens with its KV cache; training: B x T */
    pp_memory_plan inf = pp_memory_plan_compute(&cfg, 1, (int)T, 0);
    pp_memory_plan tr = pp_memory_plan_compute(&cfg, (int)B, (int)T, recompute ? 2 : 1);
    pp_lora_config lc = lora_cli_config(&lo);
    pp_memory_plan trl = {0};
    if (lo.rank) {
        if (pp_lora_config_check(&cfg, &lc, &err) != PP_OK) {
            json_decref(dt);
            pp_tokenizer_free(tok);
            return cli_fail("model info", &err);
        }
        trl = pp_lora_memory_plan(&cfg, lc.r, lc.targets, (int)B, (int)T, wbytes, recompute);
    }
    size_t np = pp_llama_config_num_params(&cfg);
    if (as_json) {
        json_t *o = json_pack(
            "{s:s,s:I,s:o,s:o,s:o,s:{s:i,s:i,s:o},s:{s:i,s:o}}",
            "source", dir ? dir : config, "parameters", (json_int_t)np, "config",
            pp_llama_config_to_json(&cfg), "dtypes", dt,
            "tokenizer",
            tok ? json_pack("{s:s,s:s,s:I,s:s}", "file", tok_path, "kind",
                            pp_tokenizer_describe(tok), "vocab_size",
                            (json_int_t)pp_tokenizer_vocab_size(tok), "chat_template",
                            pp_chat_kind_name(chat))
                : json_null(),
            "training", "batch_size", (int)B, "seq_len", (int)T, "memory", plan_json(&tr),
            "inference", "seq_len", (int)T, "memory", plan_json(&inf));
        if (lo.rank)
            json_object_set_new(o, "lora_training",
                                json_pack("{s:i,s:f,s:s,s:I,s:i,s:i,s:o}", "r", lc.r,
                                          "lora_alpha", (double)lc.alpha, "base_dtype",
                                          wbytes == 2 ? "bf16" : "f32", "trainable",
                                          (json_int_t)(trl.adapters / sizeof(float)),
                                          "batch_size", (int)B, "seq_len", (int)T, "memory",
                                          plan_json(&trl)));
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(9));
        printf("%s\n", s);
        free(s);
        json_decref(o);
    } else {
        printf("model:        %s\n", dir ? dir : config);
        printf("architecture: LlamaForCausalLM\n");
        printf("parameters:   %zu (%.2f M)\n", np, (double)np / 1e6);
        printf("config:       vocab %d, hidden %d, intermediate %d, layers %d, heads %d, "
               "kv heads %d, head_dim %d, max positions %d, rope_theta %g, rms_norm_eps %g, "
               "%s embeddings, bos %d, eos %d\n",
               cfg.vocab_size, cfg.hidden_size, cfg.intermediate_size, cfg.num_hidden_layers,
               cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim,
               cfg.max_position_embeddings, (double)cfg.rope_theta, (double)cfg.rms_norm_eps,
               cfg.tie_word_embeddings ? "tied" : "untied", cfg.bos_token_id, cfg.eos_token_id);
        if (cfg.num_eos_token_ids > 1) {
            printf("eos ids:     ");
            for (int i = 0; i < cfg.num_eos_token_ids; i++)
                printf(" %d", cfg.eos_token_ids[i]);
            printf("\n");
        }
        if (cfg.rope_kind == PP_ROPE_LINEAR)
            printf("rope scaling: linear, factor %g\n", (double)cfg.rope_factor);
        else if (cfg.rope_kind == PP_ROPE_LLAMA3)
            printf("rope scaling: llama3, factor %g, low_freq_factor %g, high_freq_factor %g, "
                   "original_max_position_embeddings %d\n",
                   (double)cfg.rope_factor, (double)cfg.rope_low_freq_factor,
                   (double)cfg.rope_high_freq_factor, cfg.rope_original_max_position_embeddings);
        if (tok)
            printf("tokenizer:    %s (%s, %zu entries; chat template %s)\n", tok_path,
                   pp_tokenizer_describe(tok), pp_tokenizer_vocab_size(tok),
                   pp_chat_kind_name(chat));
        else
            printf("tokenizer:    none\n");
        if (dir) {
            printf("dtypes:      ");
            const char *k;
            json_t *v;
            json_object_foreach(dt, k, v) printf(" %s x %lld", k, (long long)json_integer_value(v));
            printf(" (tensors)\n");
        }
        printf("\ninference, one sequence of %ld tokens:\n", T);
        pp_memory_plan_print(&inf, stdout);
        printf("\ntraining, batch %ld x %ld%s:\n", B, T, recompute ? ", recomputing layers" : "");
        pp_memory_plan_print(&tr, stdout);
        if (lo.rank) {
            printf("\nLoRA training, rank %d (%zu trainable parameters, frozen %s base), "
                   "batch %ld x %ld:\n",
                   lc.r, trl.adapters / sizeof(float), wbytes == 2 ? "BF16" : "F32", B, T);
            pp_memory_plan_print(&trl, stdout);
        }
        json_decref(dt);
    }
    pp_tokenizer_free(tok);
    return 0;
}
