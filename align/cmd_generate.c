/* cmd_generate.c — `polyphony generate`: continue prompts with a model, one
 * token at a time through the KV cache (the prompt is fed once, never
 * recomputed); temperature 0 is greedy, otherwise top-k / top-p sampling with a
 * seeded generator. Stops at EOS (or the chat template's end of turn) or after
 * --max-new-tokens. The choice of each token is pp_sample_token's. */
#include "config.h"
#include "align/lora_options.h"
#include "align/pp_model.h"
#include "align/pp_model_dir.h"
#include "align/pp_pref_data.h"
#include "src/cli/cli.h"
#include "src/pp_record.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *CMD = "generate";

void usage_generate(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony generate --model DIR [OPTIONS] [FILE | --prompt TEXT]\n"
            "Continue each record's prompt with a model; the record is written back with\n"
            "`output` (the new text) and, with --output-format ids, `output_ids`.\n"
            "\n"
            "  -m, --model DIR          checkpoint directory (Hugging Face layout)\n"
            "      --adapter DIR        apply a LoRA adapter (PEFT layout), merged into the\n"
            "                           weights in memory\n"
            "      --input-format F     text (field prompt, else text; a leading BOS if the\n"
            "                           model's tokenizer adds one),\n"
            "                           messages (rendered with the model's chat template)\n"
            "                           or ids (field ids, used as given)\n"
            "      --output-format F    text (default) or ids (also output_ids)\n"
            "      --field F            the prompt field\n"
            "      --group G            (messages) a system turn naming group G first, as a\n"
            "                           steerable or group-robust `align` conditioned\n"
            "  -p, --prompt TEXT        one prompt from the command line instead of FILE\n"
            "  -n, --max-new-tokens N   at most N new tokens (default 64)\n"
            "  -t, --temperature T      0 = greedy (default 1)\n"
            "  -k, --top-k K            sample among the K most likely tokens (0 = all)\n"
            "      --top-p P            ... among the smallest set with probability >= P (1)\n"
            "                           (the model's generation_config.json replaces these\n"
            "                           defaults; options given here replace both)\n"
            "      --seed S             sampling seed (default 1)\n"
            "      --threads N          OpenMP/BLAS threads (default: all)\n"
            "  -o, --output FILE        records with outputs (default stdout)\n"
            "  -q, --quiet              nothing on stderr but errors\n"
            "  -h, --help               show this help\n"
            "See polyphony-generate(1).\n");
}

typedef struct gopts {
    int fmt_in;   /* 0 text, 1 messages, 2 ids */
    int ids_out;
    const char *field;
    const char *group, *group_prefix; /* condition messages on a group (align) */
    long max_new, top_k, seed;
    double temperature, top_p;
    int set_max_new, set_temperature, set_top_k, set_top_p; /* given on the command line */
    int bos;                                              /* config.json's, else generation's */
    int text_bos;                                         /* text prompts start with it */
    int neos, eos[PP_MAX_EOS_IDS + 1];                    /* ids that end a generation */
} gopts;

/* What generation_config.json sets applies where the command line says nothing
 * (command line > generation_config.json > the defaults of --help); do_sample false
 * there means greedy. Its eos ids, when given, replace config.json's, as in
 * Hugging Face's generate(). */
static void apply_generation_config(gopts *o, const pp_generation_config *g,
                                    const pp_llama_config *cfg)
{
    if (!o->set_max_new && g->max_new_tokens >= 0)
        o->max_new = g->max_new_tokens;
    if (!o->set_temperature) {
        if (g->do_sample == 0)
            o->temperature = 0.0;
        else if (g->temperature >= 0)
            o->temperature = g->temperature;
    }
    if (!o->set_top_k && g->top_k >= 0)
        o->top_k = g->top_k;
    if (!o->set_top_p && g->top_p > 0)
        o->top_p = g->top_p;
    o->bos = cfg->bos_token_id >= 0 ? cfg->bos_token_id : g->bos_token_id;
    o->neos = 0;
    if (g->num_eos_token_ids > 0)
        for (int i = 0; i < g->num_eos_token_ids; i++)
            o->eos[o->neos++] = g->eos_token_ids[i];
    else if (g->eos_token_id >= 0)
        o->eos[o->neos++] = g->eos_token_id;
    else if (cfg->num_eos_token_ids > 0)
        for (int i = 0; i < cfg->num_eos_token_ids; i++)
            o->eos[o->neos++] = cfg->eos_token_ids[i];
    else if (cfg->eos_token_id >= 0)
        o->eos[o->neos++] = cfg->eos_token_id;
}

static int is_stop(const gopts *o, int32_t id)
{
    for (int i = 0; i < o->neos; i++)
        if (o->eos[i] == id)
            return 1;
    return 0;
}

/* The prompt ids of one record. */
static pp_status prompt_ids(json_t *rec, const gopts *o, pp_tokenizer *tok, pp_chat_kind chat,
                            const pp_llama_config *cfg, pp_chat_ids *out, pp_error *err)
{
    if (o->fmt_in == 1 && o->group) {
        json_t *msgs = json_object_get(rec, o->field ? o->field : "messages");
        json_t *cm = json_is_array(msgs) ? pp_pref_condition_messages(msgs, o->group_prefix, o->group)
                                         : json_incref(msgs);
        pp_status st = pp_chat_render(tok, chat, cm, 1, o->bos, out, err);
        json_decref(cm);
        return st;
    }
    if (o->fmt_in == 1)
        return pp_chat_render(tok, chat, json_object_get(rec, o->field ? o->field : "messages"), 1,
                              o->bos, out, err);
    if (o->fmt_in == 2) {
        const char *f = o->field ? o->field : "ids";
        json_t *v = json_object_get(rec, f);
        if (!json_is_array(v) || json_array_size(v) == 0)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "record has no id list '%s'", f);
        size_t i;
        json_t *x;
        out->n = 0;
        out->cap = json_array_size(v);
        out->ids = malloc(out->cap * sizeof *out->ids);
        out->mask = calloc(out->cap, 1);
        if (!out->ids || !out->mask)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        json_array_foreach(v, i, x) {
            if (!json_is_integer(x) || json_integer_value(x) < 0 ||
                json_integer_value(x) >= cfg->vocab_size)
                return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                    "'%s'[%zu] is not an id of the vocabulary (vocab_size %d)", f,
                                    i, cfg->vocab_size);
            out->ids[out->n++] = (int32_t)json_integer_value(x);
        }
        return PP_OK;
    }
    const char *f = o->field;
    json_t *v = f ? json_object_get(rec, f) : json_object_get(rec, "prompt");
    if (!f && !v)
        v = json_object_get(rec, "text");
    if (!json_is_string(v))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "record has no string field '%s'",
                            f ? f : "prompt");
    if (o->text_bos && o->bos < 0)
        return pp_error_set(err, PP_ERR_MODEL, NULL, 0, "the model has no bos_token_id");
    int32_t *ids = NULL;
    size_t n = 0;
    pp_status st = pp_tokenizer_encode_ids(tok, json_string_value(v), json_string_length(v), &ids,
                                           &n, err);
    if (st != PP_OK)
        return st;
    out->ids = malloc((n + 1) * sizeof *out->ids);
    out->mask = calloc(n + 1, 1);
    if (!out->ids || !out->mask) {
        free(ids);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t nb = o->text_bos ? 1 : 0;
    if (nb)
        out->ids[0] = o->bos;
    memcpy(out->ids + nb, ids, n * sizeof *ids);
    out->n = out->cap = n + nb;
    if (out->n == 0) {
        free(ids);
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "the prompt is empty");
    }
    free(ids);
    return PP_OK;
}

static pp_status generate_one(pp_model *m, pp_tokenizer *tok, pp_chat_kind chat, const gopts *o,
                              json_t *rec, float *logits, uint64_t *rng, pp_error *err)
{
    const pp_llama_config *cfg = pp_model_config(m);
    pp_chat_ids p = {0};
    pp_kv_cache *kv = NULL;
    int32_t *out = NULL;
    size_t nout = 0;
    pp_status st = prompt_ids(rec, o, tok, chat, cfg, &p, err);
    if (st != PP_OK)
        goto done;
    if (p.n > (size_t)cfg->max_position_embeddings) {
        st = pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                          "the prompt has %zu tokens, more than max_position_embeddings (%d)", p.n,
                          cfg->max_position_embeddings);
        goto done;
    }
    size_t cap = p.n + (size_t)o->max_new;
    if (cap > (size_t)cfg->max_position_embeddings)
        cap = (size_t)cfg->max_position_embeddings;
    if ((st = pp_kv_cache_new(m, (int)cap, &kv, err)) != PP_OK)
        goto done;
    out = malloc(((size_t)o->max_new + 1) * sizeof *out);
    if (!out) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
    }
    st = pp_model_prefill(m, kv, p.ids, (int)p.n, logits, err); /* the prompt at once */
    int32_t stop2 = chat && tok ? pp_chat_end_token(tok, chat) : -1;
    pp_sampler smp = {(float)o->temperature, (int)o->top_k, (float)o->top_p};
    while (st == PP_OK && nout < (size_t)o->max_new) {
        int32_t next = -1;
        if ((st = pp_sample_token(logits, cfg->vocab_size, &smp, rng, &next, err)) != PP_OK)
            break;
        if (is_stop(o, next) || next == stop2)
            break;
        out[nout++] = next;
        if (nout == (size_t)o->max_new || (size_t)pp_kv_cache_len(kv) >= cap)
            break;
        st = pp_model_decode(m, kv, next, logits, err);
    }
    if (st != PP_OK)
        goto done;
    if (tok) {
        char *text = NULL;
        size_t len = 0;
        if ((st = pp_tokenizer_decode(tok, out, nout, &text, &len, err)) != PP_OK)
            goto done;
        json_object_set_new(rec, "output", json_stringn(text, len));
        free(text);
    }
    if (o->ids_out || !tok) {
        json_t *a = json_array();
        for (size_t i = 0; i < nout; i++)
            json_array_append_new(a, json_integer(out[i]));
        json_object_set_new(rec, "output_ids", a);
    }
done:
    free(out);
    pp_kv_cache_free(kv);
    pp_chat_ids_clear(&p);
    return st;
}

int cmd_generate(int argc, char **argv)
{
    enum { O_IN = 1, O_OUT, O_FIELD, O_TOPP, O_SEED, O_THREADS, O_GROUP };
    static const struct option opts[] = {
        {"model", required_argument, NULL, 'm'}, {"input-format", required_argument, NULL, O_IN},
        {"output-format", required_argument, NULL, O_OUT}, {"field", required_argument, NULL, O_FIELD},
        {"group", required_argument, NULL, O_GROUP}, {"prompt", required_argument, NULL, 'p'}, {"max-new-tokens", required_argument, NULL, 'n'},
        {"temperature", required_argument, NULL, 't'}, {"top-k", required_argument, NULL, 'k'},
        {"top-p", required_argument, NULL, O_TOPP}, {"seed", required_argument, NULL, O_SEED},
        {"threads", required_argument, NULL, O_THREADS}, CLI_LONG_OUTPUT, LORA_CLI_LONG_USE,
        CLI_LONG_QUIET, CLI_LONG_HELP, {NULL, 0, NULL, 0}};
    lora_cli lo;
    lora_cli_init(&lo);
    cli_common co;
    cli_common_init(&co, CMD, NULL);
    gopts o = {.max_new = 64, .seed = 1, .temperature = 1.0, .top_p = 1.0, .text_bos = 1};
    const char *model_dir = NULL, *prompt = NULL, *fin = "text", *fout = "text";
    long threads = 0;
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:p:n:t:k:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'm': model_dir = optarg; break;
        case O_IN: fin = optarg; break;
        case O_OUT: fout = optarg; break;
        case O_FIELD: o.field = optarg; break;
        case O_GROUP: o.group = optarg; break;
        case 'p': prompt = optarg; break;
        case 'n':
            if (!cli_parse_long(CMD, "--max-new-tokens", optarg, 0, 1 << 24, &o.max_new))
                return 2;
            o.set_max_new = 1;
            break;
        case 't':
            if (!cli_parse_double(CMD, "--temperature", optarg, 0, 1e6, &o.temperature))
                return 2;
            o.set_temperature = 1;
            break;
        case 'k':
            if (!cli_parse_long(CMD, "--top-k", optarg, 0, 1 << 30, &o.top_k))
                return 2;
            o.set_top_k = 1;
            break;
        case O_TOPP:
            if (!cli_parse_double(CMD, "--top-p", optarg, 1e-9, 1, &o.top_p))
                return 2;
            o.set_top_p = 1;
            break;
        case O_SEED:
            if (!cli_parse_long(CMD, "--seed", optarg, 0, 1L << 62, &o.seed))
                return 2;
            break;
        case O_THREADS:
            if (!cli_parse_long(CMD, "--threads", optarg, 1, 4096, &threads))
                return 2;
            break;
        default:
            if ((cr = lora_cli_opt(&lo, CMD, c, optarg)) >= 0) {
                if (cr)
                    return cr;
                break;
            }
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (!model_dir)
        return cli_usage(CMD, "--model DIR is required");
    if (strcmp(fin, "text") == 0)
        o.fmt_in = 0;
    else if (strcmp(fin, "messages") == 0)
        o.fmt_in = 1;
    else if (strcmp(fin, "ids") == 0)
        o.fmt_in = 2;
    else
        return cli_usage(CMD, "--input-format is text, messages or ids, not '%s'", fin);
    if (strcmp(fout, "ids") == 0)
        o.ids_out = 1;
    else if (strcmp(fout, "text") != 0)
        return cli_usage(CMD, "--output-format is text or ids, not '%s'", fout);
    if (o.group && o.fmt_in != 1)
        return cli_usage(CMD, "--group conditions chat prompts: --input-format messages");
    if (prompt && optind < argc)
        return cli_usage(CMD, "give a FILE or --prompt, not both");
    if (prompt && o.fmt_in != 0)
        return cli_usage(CMD, "--prompt is text; --input-format %s reads records", fin);
    if (argc - optind > 1)
        return cli_usage(CMD, "one input FILE at most");
    if (threads > 0) {
        extern void omp_set_num_threads(int);
        omp_set_num_threads((int)threads);
    }

    pp_error err;
    pp_error_clear(&err);
    pp_model *m = NULL;
    pp_tokenizer *tok = NULL;
    pp_chat_kind chat = PP_CHAT_NONE;
    pp_reader *r = NULL;
    pp_writer *w = NULL;
    float *logits = NULL;
    int rc = 0;
    uint64_t rng = (uint64_t)o.seed;
    /* decoding has no adapter hooks: the adapter is merged (W + (alpha/r) B A) */
    if (pp_model_load(model_dir, &m, &err) != PP_OK || lora_cli_attach(&lo, m, 0, &err) != PP_OK ||
        (lo.adapter && pp_lora_merge(m, &err) != PP_OK))
        goto fail;
    {
        char gpath[4200];
        pp_generation_config gc;
        snprintf(gpath, sizeof gpath, "%s/generation_config.json", model_dir);
        if (pp_generation_config_load(gpath, pp_model_config(m), &gc, &err) != PP_OK)
            goto fail;
        apply_generation_config(&o, &gc, pp_model_config(m));
    }
    pp_status ts = pp_model_dir_tokenizer(model_dir, &tok, &chat, NULL, &err);
    /* a chat template polyphony cannot render matters only for messages */
    if (ts == PP_ERR_UNSUPPORTED && tok && o.fmt_in != 1)
        ts = PP_OK;
    if (ts != PP_OK && (o.fmt_in != 2 || !o.ids_out || ts != PP_ERR_NOT_FOUND))
        goto fail;
    if (tok && pp_model_dir_adds_bos(model_dir, &o.text_bos, &err) != PP_OK)
        goto fail;
    if (o.fmt_in == 1 && chat == PP_CHAT_NONE) {
        pp_error_set(&err, PP_ERR_MODEL, model_dir, 0,
                     "the model has no chat template (tokenizer_config.json chat_template)");
        goto fail;
    }
    pp_pref_conditioning cond;
    if (o.group) {
        if (pp_pref_conditioning_load(model_dir, &cond, &err) != PP_OK)
            goto fail;
        if (!cond.conditioned) {
            pp_error_set(&err, PP_ERR_MODEL, model_dir, 0,
                         "--group needs a model aligned with group conditioning (steerable or "
                         "group-robust)");
            goto fail;
        }
        o.group_prefix = cond.group_prefix;
    }
    int V = pp_model_config(m)->vocab_size;
    logits = malloc((size_t)V * sizeof *logits);
    if (!logits) {
        pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    if (pp_writer_open(co.output, &w, &err) != PP_OK)
        goto fail;
    if (prompt) {
        json_t *rec = json_pack("{s:s}", "prompt", prompt);
        pp_status st = generate_one(m, tok, chat, &o, rec, logits, &rng, &err);
        if (st == PP_OK)
            st = pp_writer_put(w, rec, &err);
        json_decref(rec);
        if (st != PP_OK)
            goto fail;
    } else {
        if (pp_reader_open(optind < argc ? argv[optind] : "-", &r, &err) != PP_OK)
            goto fail;
        json_t *rec = NULL;
        pp_status st;
        while ((st = pp_reader_next(r, &rec, &err)) == PP_OK && rec) {
            st = generate_one(m, tok, chat, &o, rec, logits, &rng, &err);
            if (st != PP_OK && !err.file[0]) {
                snprintf(err.file, sizeof err.file, "%s", pp_reader_name(r));
                err.line = pp_reader_lineno(r);
            }
            if (st == PP_OK)
                st = pp_writer_put(w, rec, &err);
            json_decref(rec);
            if (st != PP_OK)
                break;
        }
        if (st != PP_OK)
            goto fail;
    }
    pp_status cs = pp_writer_close(w, &err);
    w = NULL;
    if (cs != PP_OK)
        goto fail;
    goto out;
fail:
    rc = cli_fail(CMD, &err);
out:
    if (w)
        pp_writer_abort(w);
    pp_reader_close(r);
    free(logits);
    pp_tokenizer_free(tok);
    pp_model_free(m);
    return rc;
}
