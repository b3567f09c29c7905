/* cmd_train.c — `polyphony train`: pretrain or fine-tune the Llama model on a
 * token stream or on JSONL text/chat records, with checkpoints that resume
 * exactly, a per-step JSON log, per-language held-out loss in the ledger and,
 * when built with MPI, data parallelism over ranks (train_mpi.h). */
#include "config.h"
#include "align/lora_options.h"
#include "align/pp_model.h"
#include "align/pp_model_dir.h"
#include "align/pp_score.h"
#include "align/pp_train_data.h"
#include "align/train_log.h"
#include "align/train_mpi.h"
#include "align/train_util.h"
#include "src/cli/cli.h"
#include "src/pp_ledger.h"
#include "src/pp_record.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *CMD = "train";

void usage_train(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony train (--config CONFIG.json | --init DIR) --out DIR --steps N\n"
            "                       [OPTIONS] [--data] FILE...\n"
            "Train the Llama model: from a fresh initialization (--config) or a checkpoint\n"
            "(--init, resuming its optimizer state, data position and step when it has one).\n"
            "\n"
            "Model and data:\n"
            "      --config FILE        config.json (LlamaForCausalLM fields) for a fresh model\n"
            "      --tokenizer FILE     tokenizer (PREFIX.model or tokenizer.json), copied into\n"
            "                           the checkpoint; not needed with --data-format tokens\n"
            "      --init DIR           start from a checkpoint directory\n"
            "      --restart            with --init: ignore its training state (step 0, new\n"
            "                           optimizer, data from the start)\n"
            "      --objective O        lm (every token) or sft (assistant tokens only)\n"
            "      --data FILE          training data (repeatable; also as operands)\n"
            "      --data-format F      tokens (little-endian uint32), jsonl or messages\n"
            "                           (default jsonl)\n"
            "      --field F            text field of jsonl records (default text)\n"
            "      --mix M              language mixture: natural, temperature:T or unimax:E\n"
            "  -o, --out DIR            checkpoint directory (required)\n"
            "\n"
            "Optimization:\n"
            "      --steps N            updates in total, counting those of a resumed run;\n"
            "                           0 writes the initialized checkpoint\n"
            "      --batch-size B       rows per step (default 8; split across MPI ranks)\n"
            "      --seq-len T          tokens per row (default 256 or max_position_embeddings)\n"
            "      --grad-accum K       micro-batches of B rows per update (default 1)\n"
            "      --lr LR              peak learning rate (default 3e-4)\n"
            "      --min-lr LR          end of the cosine or linear decay (default 0)\n"
            "      --schedule S         constant, cosine or linear (default cosine)\n"
            "      --warmup N           linear warmup steps (default 0)\n"
            "      --weight-decay W     AdamW decoupled weight decay (default 0.1)\n"
            "      --adam-beta1 B1      (default 0.9)\n"
            "      --adam-beta2 B2      (default 0.95)\n"
            "      --adam-eps E         (default 1e-8)\n"
            "      --grad-clip C        clip the global gradient norm to C; 0 = off (default 1)\n"
            "      --init-std S         standard deviation of a fresh initialization (0.02)\n"
            "      --seed S             initialization and mixing seed (default 1)\n"
            "      --threads N          OpenMP/BLAS threads (default: all)\n"
            "      --base-dtype D       f32 or bf16: the frozen base of a LoRA run kept in BF16\n"
            "                           (half the memory; default f32)\n"
            "      --recompute          gradient checkpointing: keep only the residual stream\n"
            "                           between layers; backward recomputes each layer\n"
            "      --max-memory SIZE    refuse (with the memory plan) a run whose plan exceeds\n"
            "                           SIZE bytes (suffix K, M, G; default: physical memory)\n"
            "\n"
            "LoRA (needs --init: the checkpoint is the frozen base):\n");
    lora_cli_usage(fp, 1);
    fprintf(fp,
            "\n"
            "Output:\n"
            "      --save-every N       also write DIR/step-NNNNNN every N steps\n"
            "      --log-json FILE      one JSON object per step: step, loss, lr, grad_norm,\n"
            "                           tokens_per_s; a resumed run drops the rows after its\n"
            "                           checkpoint's step and appends its own\n"
            "      --eval-data FILE     held-out JSONL records with lang (text or messages)\n"
            "      --eval-every N       held-out bits per byte per language every N steps\n"
            "                           (and after the last)\n"
            "      --ledger FILE        append mixture shares and held-out bits_per_byte rows\n"
            "      --progress           progress on stderr even when it is not a terminal\n"
            "  -q, --quiet              no plan, mixture or progress on stderr\n"
            "  -h, --help               show this help\n"
            "SIGINT and SIGTERM write a checkpoint (with its training state) to --out and exit 1.\n"
            "See polyphony-train(1).\n");
}

static volatile sig_atomic_t stop_signal = 0;
static void on_signal(int sig) { stop_signal = sig; }

typedef struct topts {
    const char *config, *tokenizer, *init, *out, *format, *field, *objective, *mix_s;
    const char *log_json, *eval_data, *schedule;
    const char **data;
    int ndata, restart;
    lora_cli lora;
    double max_mem;
    const char *base_dtype;
    int recompute;
    long steps, B, T, K, warmup, seed, threads, save_every, eval_every;
    double lr, min_lr, wd, beta1, beta2, eps, clip, init_std;
} topts;

static void fmt_eta(double s, char *buf, size_t n)
{
    long t = s > 0 && s < 1e9 ? (long)(s + 0.5) : 0;
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

/* Model (or, in a LoRA run, the adapter with a pointer to `base`), training state and
 * tokenizer into dir. */
static pp_status save_all(const pp_model *m, const pp_train_state *ts, const char *dir,
                          const char *tok_src_dir, const char *base, pp_error *err)
{
    pp_status st = pp_model_lora(m) ? pp_lora_save(m, dir, base, err) : pp_model_save(m, dir, err);
    if (st == PP_OK)
        st = pp_train_state_save(m, ts, dir, err);
    if (st == PP_OK && tok_src_dir && strcmp(tok_src_dir, dir) != 0)
        st = pp_model_dir_copy_tokenizer(tok_src_dir, dir, err);
    return st;
}

/* Held-out bits per byte per language: records of eval_path scored in windows of
 * the training seq-len; rows to the ledger (step "step-N") and stderr. */
static int run_eval(pp_model *m, pp_tokenizer *tok, int32_t bos, const char *path, int T,
                    long step, pp_chat_kind chat, pp_ledger *lg, int quiet)
{
    pp_error err;
    pp_error_clear(&err);
    pp_reader *r = NULL;
    if (pp_reader_open(path, &r, &err) != PP_OK)
        return cli_fail(CMD, &err);
    typedef struct { char lang[64]; double lp, bytes; long n; } acc;
    acc *a = NULL;
    size_t na = 0;
    json_t *rec = NULL;
    pp_status st;
    int rc = 0;
    while ((st = pp_reader_next(r, &rec, &err)) == PP_OK && rec) {
        const char *lang = pp_record_str(rec, "lang");
        const char *text = pp_record_str(rec, "text");
        json_t *msgs = json_object_get(rec, "messages");
        double lp = 0;
        long ntok = 0;
        size_t bytes = 0;
        if (text) {
            bytes = strlen(text);
            st = pp_score_text(m, tok, bos, text, bytes, T, &lp, &ntok, &err);
        } else if (msgs) {
            pp_chat_ids c = {0};
            st = pp_chat_render(tok, chat, msgs, 0, bos, &c, &err);
            if (st == PP_OK)
                st = pp_score_ids(m, c.ids, c.n, T, &lp, &err);
            size_t i;
            json_t *msg;
            json_array_foreach(msgs, i, msg) bytes += json_string_length(json_object_get(msg, "content"));
            pp_chat_ids_clear(&c);
        } else {
            st = pp_error_set(&err, PP_ERR_INVALID, NULL, 0, "record has neither 'text' nor 'messages'");
        }
        if (st != PP_OK) {
            if (!err.file[0]) {
                snprintf(err.file, sizeof err.file, "%s", pp_reader_name(r));
                err.line = pp_reader_lineno(r);
            }
            json_decref(rec);
            break;
        }
        size_t i;
        for (i = 0; i < na && strcmp(a[i].lang, lang ? lang : "und") != 0; i++)
            ;
        if (i == na) {
            acc *nb = realloc(a, (na + 1) * sizeof *nb);
            if (!nb) {
                json_decref(rec);
                st = pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                break;
            }
            a = nb;
            memset(&a[na], 0, sizeof *a);
            snprintf(a[na].lang, sizeof a->lang, "%s", lang ? lang : "und");
            na++;
        }
        a[i].lp += lp;
        a[i].bytes += (double)bytes;
        a[i].n++;
        json_decref(rec);
    }
    pp_reader_close(r);
    if (st != PP_OK) {
        rc = cli_fail(CMD, &err);
    } else {
        char name[48];
        snprintf(name, sizeof name, "step-%ld", step);
        for (size_t i = 0; i < na; i++) {
            double bpb = a[i].bytes > 0 ? -a[i].lp / (log(2.0) * a[i].bytes) : NAN;
            if (!quiet)
                fprintf(stderr, "eval step %ld: %-8s bits_per_byte %.4f (%ld %s)\n", step,
                        a[i].lang, bpb, a[i].n, cli_noun(a[i].n, "record", "records"));
            if (lg && isfinite(bpb) && pp_ledger_add(lg, name, a[i].lang, "bits_per_byte", bpb,
                                                     a[i].n, NAN, NAN, &err) != PP_OK) {
                rc = cli_fail(CMD, &err);
                break;
            }
        }
    }
    free(a);
    return rc;
}

static int parse_args(int argc, char **argv, topts *o, cli_common *co)
{
    enum {
        O_CONFIG = 1, O_TOK, O_INIT, O_RESTART, O_OBJ, O_DATA, O_FMT, O_FIELD, O_MIX, O_STEPS,
        O_BATCH, O_SEQ, O_ACCUM, O_LR, O_MINLR, O_SCHED, O_WARM, O_WD, O_B1, O_B2, O_EPS,
        O_CLIP, O_STD, O_SEED, O_THREADS, O_SAVE, O_LOG, O_EVAL, O_EVERY, O_MAXMEM, O_DTYPE, O_RECOMP
    };
    static const struct option opts[] = {
        {"config", required_argument, NULL, O_CONFIG}, {"tokenizer", required_argument, NULL, O_TOK},
        {"init", required_argument, NULL, O_INIT}, {"restart", no_argument, NULL, O_RESTART},
        {"objective", required_argument, NULL, O_OBJ}, {"data", required_argument, NULL, O_DATA},
        {"data-format", required_argument, NULL, O_FMT}, {"field", required_argument, NULL, O_FIELD},
        {"mix", required_argument, NULL, O_MIX}, {"out", required_argument, NULL, 'o'},
        {"steps", required_argument, NULL, O_STEPS}, {"batch-size", required_argument, NULL, O_BATCH},
        {"seq-len", required_argument, NULL, O_SEQ}, {"grad-accum", required_argument, NULL, O_ACCUM},
        {"lr", required_argument, NULL, O_LR}, {"min-lr", required_argument, NULL, O_MINLR},
        {"schedule", required_argument, NULL, O_SCHED}, {"warmup", required_argument, NULL, O_WARM},
        {"weight-decay", required_argument, NULL, O_WD}, {"adam-beta1", required_argument, NULL, O_B1},
        {"adam-beta2", required_argument, NULL, O_B2}, {"adam-eps", required_argument, NULL, O_EPS},
        {"grad-clip", required_argument, NULL, O_CLIP}, {"init-std", required_argument, NULL, O_STD},
        {"seed", required_argument, NULL, O_SEED}, {"threads", required_argument, NULL, O_THREADS},
        {"save-every", required_argument, NULL, O_SAVE}, {"log-json", required_argument, NULL, O_LOG},
        {"eval-data", required_argument, NULL, O_EVAL}, {"eval-every", required_argument, NULL, O_EVERY},
        {"max-memory", required_argument, NULL, O_MAXMEM}, {"base-dtype", required_argument, NULL, O_DTYPE},
        {"recompute", no_argument, NULL, O_RECOMP},
        LORA_CLI_LONG_TRAIN,
        CLI_LONG_LEDGER, CLI_LONG_PROGRESS, CLI_LONG_QUIET, CLI_LONG_HELP, {NULL, 0, NULL, 0}};
    int c, cr;
    const long BIG = 1L << 40;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case O_CONFIG: o->config = optarg; break;
        case O_TOK: o->tokenizer = optarg; break;
        case O_INIT: o->init = optarg; break;
        case O_RESTART: o->restart = 1; break;
        case O_OBJ: o->objective = optarg; break;
        case O_DATA: o->data[o->ndata++] = optarg; break;
        case O_FMT: o->format = optarg; break;
        case O_FIELD: o->field = optarg; break;
        case O_MIX: o->mix_s = optarg; break;
        case 'o': o->out = optarg; break;
        case O_STEPS: if (!cli_parse_long(CMD, "--steps", optarg, 0, BIG, &o->steps)) return 2; break;
        case O_BATCH: if (!cli_parse_long(CMD, "--batch-size", optarg, 1, 1 << 20, &o->B)) return 2; break;
        case O_SEQ: if (!cli_parse_long(CMD, "--seq-len", optarg, 1, 1 << 24, &o->T)) return 2; break;
        case O_ACCUM: if (!cli_parse_long(CMD, "--grad-accum", optarg, 1, 1 << 20, &o->K)) return 2; break;
        case O_LR: if (!cli_parse_double(CMD, "--lr", optarg, 0, 10, &o->lr)) return 2; break;
        case O_MINLR: if (!cli_parse_double(CMD, "--min-lr", optarg, 0, 10, &o->min_lr)) return 2; break;
        case O_SCHED: o->schedule = optarg; break;
        case O_WARM: if (!cli_parse_long(CMD, "--warmup", optarg, 0, BIG, &o->warmup)) return 2; break;
        case O_WD: if (!cli_parse_double(CMD, "--weight-decay", optarg, 0, 10, &o->wd)) return 2; break;
        case O_B1: if (!cli_parse_double(CMD, "--adam-beta1", optarg, 0, 0.999999999, &o->beta1)) return 2; break;
        case O_B2: if (!cli_parse_double(CMD, "--adam-beta2", optarg, 0, 0.999999999, &o->beta2)) return 2; break;
        case O_EPS: if (!cli_parse_double(CMD, "--adam-eps", optarg, 1e-30, 1, &o->eps)) return 2; break;
        case O_CLIP: if (!cli_parse_double(CMD, "--grad-clip", optarg, 0, 1e30, &o->clip)) return 2; break;
        case O_STD: if (!cli_parse_double(CMD, "--init-std", optarg, 0, 10, &o->init_std)) return 2; break;
        case O_SEED: if (!cli_parse_long(CMD, "--seed", optarg, 0, BIG, &o->seed)) return 2; break;
        case O_THREADS: if (!cli_parse_long(CMD, "--threads", optarg, 1, 4096, &o->threads)) return 2; break;
        case O_SAVE: if (!cli_parse_long(CMD, "--save-every", optarg, 1, BIG, &o->save_every)) return 2; break;
        case O_LOG: o->log_json = optarg; break;
        case O_EVAL: o->eval_data = optarg; break;
        case O_EVERY: if (!cli_parse_long(CMD, "--eval-every", optarg, 1, BIG, &o->eval_every)) return 2; break;
        case O_DTYPE: o->base_dtype = optarg; break;
        case O_RECOMP: o->recompute = 1; break;
        case O_MAXMEM: {
            char *end;
            double v = strtod(optarg, &end);
            double mul = *end == 'K' ? 1024.0 : *end == 'M' ? 1048576.0 : *end == 'G' ? 1073741824.0 : 1.0;
            if (end == optarg || !(v > 0) || (*end && (mul == 1.0 || end[1])))
                return cli_usage(CMD, "--max-memory takes a size in bytes (suffix K, M or G), not '%s'", optarg);
            o->max_mem = v * mul;
            break;
        }
        default:
            if ((cr = lora_cli_opt(&o->lora, CMD, c, optarg)) >= 0) {
                if (cr)
                    return cr;
                break;
            }
            if ((cr = cli_common_opt(co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    for (int i = optind; i < argc; i++)
        o->data[o->ndata++] = argv[i];
    if (!o->out)
        return cli_usage(CMD, "--out DIR is required");
    if (!o->config == !o->init)
        return cli_usage(CMD, "give either --config (fresh model) or --init (a checkpoint)");
    if (o->steps < 0)
        return cli_usage(CMD, "--steps N is required");
    if (strcmp(o->objective, "lm") != 0 && strcmp(o->objective, "sft") != 0)
        return cli_usage(CMD, "--objective is lm or sft, not '%s'", o->objective);
    if (strcmp(o->format, "tokens") != 0 && strcmp(o->format, "jsonl") != 0 &&
        strcmp(o->format, "messages") != 0)
        return cli_usage(CMD, "--data-format is tokens, jsonl or messages, not '%s'", o->format);
    if (strcmp(o->objective, "sft") == 0 && strcmp(o->format, "messages") != 0)
        return cli_usage(CMD, "--objective sft needs --data-format messages");
    if (o->mix_s && strcmp(o->format, "tokens") == 0)
        return cli_usage(CMD, "--mix needs records with languages (jsonl or messages)");
    if (o->steps > 0 && o->ndata == 0)
        return cli_usage(CMD, "no training data (--data FILE)");
    if (o->eval_every && !o->eval_data)
        return cli_usage(CMD, "--eval-every needs --eval-data");
    if ((cr = lora_cli_check(&o->lora, CMD)) >= 0)
        return cr;
    if (lora_cli_active(&o->lora) && !o->init)
        return cli_usage(CMD, "LoRA adapts a trained model: give its checkpoint with --init DIR");
    if (o->base_dtype && strcmp(o->base_dtype, "f32") != 0 && strcmp(o->base_dtype, "bf16") != 0)
        return cli_usage(CMD, "--base-dtype is f32 or bf16, not '%s'", o->base_dtype);
    if (o->base_dtype && strcmp(o->base_dtype, "bf16") == 0 && !lora_cli_active(&o->lora))
        return cli_usage(CMD, "--base-dtype bf16 keeps a frozen base: it needs --lora-rank or --adapter");
    return -1;
}

int cmd_train(int argc, char **argv)
{
    topts o = {.format = "jsonl", .objective = "lm", .schedule = "cosine", .steps = -1, .B = 8,
               .K = 1, .lr = 3e-4, .wd = 0.1, .beta1 = 0.9, .beta2 = 0.95, .eps = 1e-8,
               .clip = 1.0, .init_std = 0.02, .seed = 1};
    o.data = calloc((size_t)argc + 1, sizeof *o.data);
    if (!o.data)
        return 1;
    lora_cli_init(&o.lora);
    cli_common co;
    cli_common_init(&co, CMD, NULL);
    int rc = parse_args(argc, argv, &o, &co);
    if (rc >= 0) {
        free(o.data);
        return rc;
    }
    rc = 0;
    int failed = 0;
    pp_error err;
    pp_error_clear(&err);
    pp_lr_schedule sched;
    pp_mix mix = {PP_MIX_NONE, 0};
    if (pp_lr_schedule_parse(o.schedule, &sched, &err) != PP_OK ||
        (o.mix_s && pp_mix_parse(o.mix_s, &mix, &err) != PP_OK)) {
        free(o.data);
        return cli_usage(CMD, "%s", err.message);
    }

    train_mpi mp;
    if (train_mpi_init(&mp, &err) != PP_OK) {
        free(o.data);
        return cli_fail(CMD, &err);
    }
    if (o.B % mp.size != 0) {
        train_mpi_finish(&mp);
        free(o.data);
        return cli_usage(CMD, "--batch-size %ld does not split over %d ranks", o.B, mp.size);
    }
    int quiet = co.quiet || mp.rank != 0;
    FILE *prog = mp.rank == 0 ? cli_progress_stream(co.progress) : NULL;
    if (o.threads > 0) {
        omp_set_num_threads((int)o.threads);
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
        extern void openblas_set_num_threads(int);
        openblas_set_num_threads((int)o.threads);
#endif
    }

    pp_model *m = NULL;
    pp_tokenizer *tok = NULL;
    pp_chat_kind chat = PP_CHAT_NONE;
    pp_train_data data = {0};
    pp_ledger *lg = NULL;
    FILE *logf = NULL;
    int32_t *in = NULL, *tg = NULL;
    const char *tok_dir = NULL; /* where the checkpoint's tokenizer files come from */
    int needs_tok = (o.ndata && strcmp(o.format, "tokens") != 0) || o.eval_data;
    pp_train_state ts = {0};
    const char *src_name = o.config ? o.config : o.init;
    int bf16 = o.base_dtype && strcmp(o.base_dtype, "bf16") == 0;

    /* the model */
    if (o.config) {
        pp_llama_config cfg;
        if (pp_llama_config_load(o.config, &cfg, &err) != PP_OK ||
            pp_model_new(&cfg, &m, &err) != PP_OK)
            goto fail;
        pp_model_init_random(m, (uint64_t)o.seed, (float)o.init_std);
    } else if (bf16 ? pp_model_load_bf16(o.init, &m, &err) != PP_OK
                    : pp_model_load(o.init, &m, &err) != PP_OK) {
        goto fail;
    }
    pp_llama_config *cfgp = (pp_llama_config *)pp_model_config(m);
    /* the tokenizer */
    if (o.tokenizer) {
        if (mkdir_p(o.out) != 0) {
            pp_error_set(&err, PP_ERR_IO, o.out, 0, "cannot create the directory: %s", strerror(errno));
            goto fail;
        }
        if (mp.rank == 0 && pp_model_dir_put_tokenizer(o.out, o.tokenizer, &err) != PP_OK)
            goto fail;
        train_mpi_barrier(&mp);
        if (pp_model_dir_tokenizer(o.out, &tok, &chat, NULL, &err) != PP_OK)
            goto fail;
        tok_dir = o.out;
    } else if (o.init) {
        pp_status s = pp_model_dir_tokenizer(o.init, &tok, &chat, NULL, &err);
        if (s == PP_OK)
            tok_dir = o.init;
        else if (s != PP_ERR_NOT_FOUND || needs_tok)
            goto fail;
    } else if (needs_tok) {
        pp_error_set(&err, PP_ERR_INVALID, o.config, 0,
                     "a fresh model trained on %s needs --tokenizer",
                     o.eval_data ? "text (--eval-data)" : o.format);
        goto fail;
    }
    if (tok) {
        size_t tv = pp_tokenizer_vocab_size(tok);
        if (tv > (size_t)cfgp->vocab_size) {
            pp_error_set(&err, PP_ERR_INVALID, src_name, 0,
                         "the tokenizer has %zu tokens, more than vocab_size %d", tv,
                         cfgp->vocab_size);
            goto fail;
        }
        /* a fresh config without BOS/EOS takes the tokenizer's (<s>, </s> or Llama 3's) */
        static const char *bos_names[] = {"<s>", "<|begin_of_text|>", "<|endoftext|>"};
        static const char *eos_names[] = {"</s>", "<|end_of_text|>", "<|endoftext|>"};
        for (size_t i = 0; cfgp->bos_token_id < 0 && i < 3; i++)
            cfgp->bos_token_id = pp_tokenizer_find_piece(tok, bos_names[i]);
        for (size_t i = 0; cfgp->eos_token_id < 0 && i < 3; i++)
            cfgp->eos_token_id = pp_tokenizer_find_piece(tok, eos_names[i]);
    }
    if (o.T == 0)
        o.T = cfgp->max_position_embeddings < 256 ? cfgp->max_position_embeddings : 256;
    if (o.T > cfgp->max_position_embeddings) {
        pp_error_set(&err, PP_ERR_INVALID, src_name, 0,
                     "--seq-len %ld is longer than max_position_embeddings %d", o.T,
                     cfgp->max_position_embeddings);
        goto fail;
    }
    int Bl = (int)(o.B / mp.size), T = (int)o.T, K = (int)o.K;
    if (lora_cli_attach(&o.lora, m, (uint64_t)o.seed, &err) != PP_OK)
        goto fail;
    {
        /* refuse before the activations are allocated when the plan cannot fit */
        const pp_lora_config *lc = pp_model_lora(m);
        pp_memory_plan plan = lc ? pp_lora_memory_plan(cfgp, lc->r, lc->targets, Bl, T,
                                                       bf16 ? 2 : 4, o.recompute)
                                 : pp_memory_plan_compute(cfgp, Bl, T, o.recompute ? 2 : 1);
        double limit = o.max_mem;
        if (limit <= 0) {
            long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
            limit = pages > 0 && psz > 0 ? (double)pages * (double)psz : 0;
        }
        if (limit > 0 && (double)plan.total > limit) {
            fprintf(stderr, "polyphony train: memory plan for batch %d x %d:\n", Bl, T);
            pp_memory_plan_print(&plan, stderr);
            pp_error_set(&err, PP_ERR_NOMEM, src_name, 0,
                         "the plan needs %.1f MiB, more than the %.1f MiB allowed (--max-memory)",
                         (double)plan.total / 1048576.0, limit / 1048576.0);
            goto fail;
        }
    }
    if (pp_model_prepare(m, Bl, T, o.recompute ? 2 : 1, &err) != PP_OK)
        goto fail;
    if (!quiet) {
        pp_memory_plan plan = pp_model_memory_plan(m);
        fprintf(stderr, "polyphony train: %zu parameters", pp_model_num_params(m));
        if (pp_model_lora(m))
            fprintf(stderr, " (frozen), %zu in the LoRA adapter", pp_model_num_trainable(m));
        fprintf(stderr, "; memory plan for batch %d x %d%s:\n", Bl, T,
                mp.size > 1 ? " per rank" : "");
        pp_memory_plan_print(&plan, stderr);
    }
    /* the training state of a checkpoint */
    /* (of the adapter in a LoRA run: the base's own state is not this run's) */
    const char *state_dir = lora_cli_active(&o.lora) ? o.lora.adapter : o.init;
    if (state_dir && !o.restart) {
        char p[4096];
        snprintf(p, sizeof p, "%s/training_state.bin", state_dir);
        if (access(p, F_OK) == 0 && pp_train_state_load(m, &ts, state_dir, &err) != PP_OK)
            goto fail;
    }

    /* the data */
    if (o.ndata) {
        if (strcmp(o.format, "tokens") == 0) {
            for (int i = 0; i < o.ndata; i++)
                if (pp_train_data_read_tokens(o.data[i], &data, &err) != PP_OK ||
                    pp_train_data_check(&data, cfgp->vocab_size, o.data[i], &err) != PP_OK)
                    goto fail;
        } else {
            pp_train_text_opts to = {.messages = strcmp(o.format, "messages") == 0,
                                     .field = o.field, .chat = chat,
                                     .sft = strcmp(o.objective, "sft") == 0,
                                     .bos = cfgp->bos_token_id, .eos = cfgp->eos_token_id,
                                     .mix = mix, .seed = (uint64_t)o.seed};
            if (pp_train_data_read_jsonl(o.data, o.ndata, tok, &to, &data, &err) != PP_OK ||
                pp_train_data_check(&data, cfgp->vocab_size, o.data[0], &err) != PP_OK)
                goto fail;
        }
        if (pp_train_data_rows(&data, T) < 1) {
            pp_error_set(&err, PP_ERR_INVALID, o.data[0], 0,
                         "%zu tokens of data, fewer than one row of --seq-len %d + 1", data.n, T);
            goto fail;
        }
    }
    if (co.ledger && mp.rank == 0 && pp_ledger_open(co.ledger, "train", &lg, &err) != PP_OK)
        goto fail;
    if (data.nlangs && mp.rank == 0) {
        if (!quiet) {
            fprintf(stderr, "mixture (%s): %ld %s, %zu tokens\n",
                    o.mix_s ? o.mix_s : "input order", data.docs,
                    cli_noun(data.docs, "document", "documents"), data.n);
            for (size_t i = 0; i < data.nlangs; i++)
                fprintf(stderr, "  %-10s %6ld docs %10.0f tokens  share %.4f  epochs %.3f\n",
                        data.langs[i].lang, data.langs[i].docs, data.langs[i].tokens,
                        data.langs[i].share, data.langs[i].epochs);
        }
        for (size_t i = 0; lg && i < data.nlangs; i++)
            if (pp_ledger_add(lg, "mixture", data.langs[i].lang, "share", data.langs[i].share,
                              data.langs[i].docs, NAN, NAN, &err) != PP_OK)
                goto fail;
    }
    if (o.log_json && mp.rank == 0 && train_log_open(o.log_json, (long)ts.step, &logf, &err) != PP_OK)
        goto fail;
    if (mp.rank == 0 && mkdir_p(o.out) != 0) {
        pp_error_set(&err, PP_ERR_IO, o.out, 0, "cannot create the directory: %s", strerror(errno));
        goto fail;
    }
    if (!o.tokenizer && o.init)
        tok_dir = o.init;

    in = malloc((size_t)Bl * T * sizeof *in);
    tg = malloc((size_t)Bl * T * sizeof *tg);
    if (!in || !tg) {
        pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    if (ts.step == 0 && ts.rng[0] == 0)
        ts.rng[0] = (uint64_t)o.seed;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    /* a signal the caller chose to ignore (nohup, background jobs) stays ignored */
    static const int stop_sigs[] = {SIGINT, SIGTERM};
    for (size_t i = 0; i < 2; i++) {
        struct sigaction old;
        if (sigaction(stop_sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(stop_sigs[i], &sa, NULL);
    }

    pp_adamw opt = {(float)o.beta1, (float)o.beta2, (float)o.eps, (float)o.wd};
    double t_start = now_s();
    long first = (long)ts.step;
    for (long s = first; s < o.steps; s++) {
        double t0 = now_s();
        float lr = pp_lr_at(sched, (float)o.lr, (float)o.min_lr, s, o.warmup, o.steps);
        double loss = 0;
        pp_model_zero_grad(m);
        for (int j = 0; j < K; j++) {
            for (int r = 0; r < Bl; r++)
                pp_train_data_row(&data, ts.data_pos + (int64_t)j * o.B + (int64_t)mp.rank * Bl + r,
                                  T, in + (size_t)r * T, tg + (size_t)r * T);
            float l = 0;
            /* LoRA dropout masks: a function of the seed, step, micro-batch and rank, so a
             * resumed run draws the same ones */
            pp_lora_set_dropout_seed(m, (uint64_t)o.seed * 0x9E3779B97F4A7C15ull +
                                            ((uint64_t)s * K + j) * 1024 + (uint64_t)mp.rank);
            if (pp_model_forward(m, in, tg, Bl, T, &l, &err) != PP_OK)
                goto fail;
            /* every target of the global micro-batch weighs the same, whichever
             * rank holds it: scale this rank's mean by its share of the targets */
            double nloc = (double)pp_model_num_targets(m), part[2] = {l * nloc, nloc};
            train_mpi_sum_doubles(&mp, part, 2);
            double scale = part[1] > 0 ? nloc / part[1] / K : 0;
            if (part[1] > 0)
                loss += part[0] / part[1] / K;
            if (pp_model_backward(m, (float)scale, &err) != PP_OK)
                goto fail;
        }
        train_mpi_sum_floats(&mp, pp_model_grads(m), pp_model_num_trainable(m));
        float gnorm = o.clip > 0 ? pp_model_clip_grad_norm(m, (float)o.clip) : pp_model_grad_norm(m);
        pp_model_adamw_step(m, &opt, lr, s + 1, 1);
        ts.step = s + 1;
        ts.data_pos += (int64_t)K * o.B;
        double dt = now_s() - t0, tps = dt > 0 ? (double)K * o.B * T / dt : 0;
        if (logf) {
            fprintf(logf,
                    "{\"step\":%ld,\"loss\":%.9g,\"lr\":%.9g,\"grad_norm\":%.9g,"
                    "\"tokens_per_s\":%.1f}\n",
                    s + 1, loss, lr, gnorm, tps);
            fflush(logf);
        }
        if (prog) {
            char eta[32];
            double per = (now_s() - t_start) / (double)(s + 1 - first);
            fmt_eta(per * (double)(o.steps - s - 1), eta, sizeof eta);
            fprintf(prog, "\rstep %ld/%ld  loss %.4f  %.0f tok/s  ETA %s   ", s + 1, o.steps,
                    loss, tps, eta);
            if (s + 1 == o.steps)
                fputc('\n', prog);
            fflush(prog);
        }
        if (!isfinite(loss)) {
            pp_error_set(&err, PP_ERR_MODEL, NULL, 0, "the loss is not finite at step %ld", s + 1);
            goto fail;
        }
        int last = s + 1 == o.steps;
        if (o.eval_data && mp.rank == 0 &&
            ((o.eval_every && (s + 1) % o.eval_every == 0) || last)) {
            if (prog)
                fputc('\n', prog);
            if ((rc = run_eval(m, tok, cfgp->bos_token_id, o.eval_data, T, s + 1, chat, lg, quiet)))
                goto out;
        }
        if (o.save_every && (s + 1) % o.save_every == 0 && !last && mp.rank == 0) {
            char dir[4096];
            snprintf(dir, sizeof dir, "%s/step-%06ld", o.out, s + 1);
            if (save_all(m, &ts, dir, tok_dir, o.init, &err) != PP_OK)
                goto fail;
        }
        int sig = train_mpi_any_flag(&mp, stop_signal != 0);
        if (sig && !last) {
            if (mp.rank == 0) {
                if (prog)
                    fputc('\n', prog);
                if (save_all(m, &ts, o.out, tok_dir, o.init, &err) != PP_OK)
                    goto fail;
                if (pp_model_lora(m))
                    fprintf(stderr,
                            "polyphony train: interrupted after step %ld; adapter in %s "
                            "(continue with --init %s --adapter %s)\n",
                            s + 1, o.out, o.init, o.out);
                else
                    fprintf(stderr,
                            "polyphony train: interrupted after step %ld; checkpoint in %s "
                            "(continue with --init %s)\n",
                            s + 1, o.out, o.out);
            }
            rc = 1;
            goto out;
        }
    }
    if (mp.rank == 0) {
        if (save_all(m, &ts, o.out, tok_dir, o.init, &err) != PP_OK)
            goto fail;
        if (!quiet)
            fprintf(stderr, "polyphony train: %ld %s; checkpoint in %s\n", (long)ts.step,
                    cli_noun(ts.step, "step", "steps"), o.out);
    }
    goto out;
fail:
    rc = cli_fail(CMD, &err);
    failed = 1;
out:
    if (logf && fclose(logf) != 0 && !rc) {
        pp_error_set(&err, PP_ERR_IO, o.log_json, 0, "write error");
        rc = cli_fail(CMD, &err);
    }
    if (lg && pp_ledger_close(lg, &err) != PP_OK && !rc)
        rc = cli_fail(CMD, &err);
    free(in);
    free(tg);
    pp_train_data_clear(&data);
    pp_tokenizer_free(tok);
    pp_model_free(m);
    free(o.data);
    if (failed && mp.size > 1)
        train_mpi_abort(&mp, rc); /* the other ranks would wait for this one */
    train_mpi_finish(&mp);
    return rc;
}
