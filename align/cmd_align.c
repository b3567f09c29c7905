/* cmd_align.c — `polyphony align`: preference optimization of a fine-tuned
 * model (DPO, IPO, cDPO, steerable, group-robust, distributional) on
 * preference records that keep their annotator groups. The reference model's
 * log-probabilities are computed once before training and kept, so one model
 * is in memory. With LoRA (--lora-rank, or --adapter to go on training an
 * adapter such as the SFT one) the base is frozen, the reference is the model as
 * it starts (base + the given adapter; a fresh adapter leaves the base as it is)
 * and the checkpoint is an adapter directory. */
#include "config.h"
#include "align/align_cli.h"
#include "align/lora_options.h"
#include "align/pp_model.h"
#include "align/pp_model_dir.h"
#include "align/pp_pref_data.h"
#include "align/pp_pref_loss.h"
#include "align/pp_pref_seq.h"
#include "align/train_mpi.h"
#include "align/train_util.h"
#include "eval-sets/metrics/pp_eval.h"
#include "src/cli/cli.h"
#include "src/pp_ledger.h"
#include "src/pp_record.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *CMD = "align";

void usage_align(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony align --objective O --init DIR --prefs FILE --out DIR --steps N\n"
            "                       [OPTIONS]\n"
            "       polyphony align eval --model DIR --prefs FILE [--ref DIR] [--ledger FILE]\n"
            "Preference optimization of a fine-tuned model on preference records\n"
            "(prompt, chosen, rejected, group, lang, optional p_chosen); see\n"
            "docs/alignment.md for the record format and the objectives.\n"
            "\n"
            "Objectives (--objective):\n"
            "  dpo              -log sigmoid(beta * margin), every pair pooled\n"
            "  ipo              (margin of length-normalized log-probs - 1/(2 beta))^2\n"
            "  cdpo             DPO with label smoothing --label-smoothing E\n"
            "  distributional   cDPO with E = 1 - p_chosen of each pair: soft targets\n"
            "  steerable        DPO conditioned on the group (a system turn naming it)\n"
            "  group-robust     steerable, minimizing the worst group's loss: group weights\n"
            "                   updated by exponentiated gradient (--group-step) each step\n"
            "\n"
            "Options:\n"
            "      --init DIR           the fine-tuned model (also the reference); with LoRA\n"
            "                           the frozen base\n"
            "      --prefs FILE         preference records (JSONL)\n"
            "  -o, --out DIR            where the aligned checkpoint goes\n"
            "      --steps N            updates (default 100)\n"
            "      --batch-size B       pairs per update (default 8; split across MPI ranks)\n"
            "      --beta B             strength of the reference (default 0.1)\n"
            "      --label-smoothing E  cdpo's E in [0, 0.5] (default 0.1)\n"
            "      --group-field F      the field naming a pair's group (default group;\n"
            "                           lang makes the languages the groups)\n"
            "      --group-step ETA     group-robust weight step (default 0.01)\n"
            "      --lr LR              peak learning rate (default 1e-5)\n"
            "      --min-lr LR          end of a cosine or linear decay (default 0)\n"
            "      --schedule S         constant, cosine or linear (default constant)\n"
            "      --warmup N           linear warmup steps (default 0)\n"
            "      --weight-decay W     AdamW decoupled weight decay (default 0)\n"
            "      --grad-clip C        clip the global gradient norm; 0 = off (default 1)\n"
            "      --seed S             order of the pairs (default 1)\n"
            "      --threads N          OpenMP/BLAS threads (default: all)\n"
            "      --log-json FILE      one JSON object per step: step, loss, lr, grad_norm,\n"
            "                           reward_accuracy, and per group its loss and weight\n"
            "      --eval-prefs FILE    held-out pairs evaluated per group after training\n"
            "      --ledger FILE        append the held-out rows (stage align)\n"
            "      --rejects FILE       unusable records go here with the reason (else exit 1)\n"
            "      --progress           progress on stderr even when it is not a terminal\n"
            "  -q, --quiet              nothing on stderr but errors\n"
            "  -h, --help               show this help\n"
            "LoRA (the checkpoint is then an adapter directory for --init's base; the\n"
            "reference is the model as it starts, base + the --adapter given):\n");
    lora_cli_usage(fp, 1);
    fprintf(fp,
            "      --base-dtype D       f32 or bf16: the frozen base's weights in memory\n"
            "                           (bf16 needs --lora-rank or --adapter)\n"
            "See polyphony-align(1).\n");
}

typedef struct aopts {
    const char *objective, *init, *prefs, *out, *group_field, *schedule, *log_json, *eval_prefs;
    const char *base_dtype;
    lora_cli lora;
    long steps, B, warmup, seed, threads;
    double beta, eps, eta, lr, min_lr, wd, clip;
} aopts;

static int parse_args(int argc, char **argv, aopts *o, cli_common *co)
{
    enum {
        O_OBJ = 1, O_INIT, O_PREFS, O_STEPS, O_BATCH, O_BETA, O_EPS, O_GF, O_ETA, O_LR, O_MINLR,
        O_SCHED, O_WARM, O_WD, O_CLIP, O_SEED, O_THREADS, O_LOG, O_EVAL, O_DTYPE
    };
    static const struct option opts[] = {
        {"objective", required_argument, NULL, O_OBJ}, {"init", required_argument, NULL, O_INIT},
        {"prefs", required_argument, NULL, O_PREFS}, {"out", required_argument, NULL, 'o'},
        {"steps", required_argument, NULL, O_STEPS}, {"batch-size", required_argument, NULL, O_BATCH},
        {"beta", required_argument, NULL, O_BETA}, {"label-smoothing", required_argument, NULL, O_EPS},
        {"group-field", required_argument, NULL, O_GF}, {"group-step", required_argument, NULL, O_ETA},
        {"lr", required_argument, NULL, O_LR}, {"min-lr", required_argument, NULL, O_MINLR},
        {"schedule", required_argument, NULL, O_SCHED}, {"warmup", required_argument, NULL, O_WARM},
        {"weight-decay", required_argument, NULL, O_WD}, {"grad-clip", required_argument, NULL, O_CLIP},
        {"seed", required_argument, NULL, O_SEED}, {"threads", required_argument, NULL, O_THREADS},
        {"log-json", required_argument, NULL, O_LOG}, {"eval-prefs", required_argument, NULL, O_EVAL},
        {"base-dtype", required_argument, NULL, O_DTYPE}, LORA_CLI_LONG_TRAIN,
        CLI_LONG_LEDGER, CLI_LONG_REJECTS, CLI_LONG_PROGRESS, CLI_LONG_QUIET, CLI_LONG_HELP,
        {NULL, 0, NULL, 0}};
    const long BIG = 1L << 40;
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case O_OBJ: o->objective = optarg; break;
        case O_INIT: o->init = optarg; break;
        case O_PREFS: o->prefs = optarg; break;
        case 'o': o->out = optarg; break;
        case O_STEPS: if (!cli_parse_long(CMD, "--steps", optarg, 0, BIG, &o->steps)) return 2; break;
        case O_BATCH: if (!cli_parse_long(CMD, "--batch-size", optarg, 1, 1 << 20, &o->B)) return 2; break;
        case O_BETA: if (!cli_parse_double(CMD, "--beta", optarg, 1e-9, 1e9, &o->beta)) return 2; break;
        case O_EPS: if (!cli_parse_double(CMD, "--label-smoothing", optarg, 0, 0.5, &o->eps)) return 2; break;
        case O_GF: o->group_field = optarg; break;
        case O_ETA: if (!cli_parse_double(CMD, "--group-step", optarg, 0, 1e6, &o->eta)) return 2; break;
        case O_LR: if (!cli_parse_double(CMD, "--lr", optarg, 0, 10, &o->lr)) return 2; break;
        case O_MINLR: if (!cli_parse_double(CMD, "--min-lr", optarg, 0, 10, &o->min_lr)) return 2; break;
        case O_SCHED: o->schedule = optarg; break;
        case O_WARM: if (!cli_parse_long(CMD, "--warmup", optarg, 0, BIG, &o->warmup)) return 2; break;
        case O_WD: if (!cli_parse_double(CMD, "--weight-decay", optarg, 0, 10, &o->wd)) return 2; break;
        case O_CLIP: if (!cli_parse_double(CMD, "--grad-clip", optarg, 0, 1e30, &o->clip)) return 2; break;
        case O_SEED: if (!cli_parse_long(CMD, "--seed", optarg, 0, BIG, &o->seed)) return 2; break;
        case O_THREADS: if (!cli_parse_long(CMD, "--threads", optarg, 1, 4096, &o->threads)) return 2; break;
        case O_LOG: o->log_json = optarg; break;
        case O_EVAL: o->eval_prefs = optarg; break;
        case O_DTYPE: o->base_dtype = optarg; break;
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
    if (optind < argc)
        return cli_usage(CMD, "unexpected operand '%s'", argv[optind]);
    if (!o->objective)
        return cli_usage(CMD, "--objective is required (dpo, ipo, cdpo, steerable, group-robust, "
                              "distributional)");
    if (!o->init || !o->prefs || !o->out)
        return cli_usage(CMD, "--init DIR, --prefs FILE and --out DIR are required");
    if ((cr = lora_cli_check(&o->lora, CMD)) >= 0)
        return cr;
    if (o->base_dtype && strcmp(o->base_dtype, "f32") != 0 && strcmp(o->base_dtype, "bf16") != 0)
        return cli_usage(CMD, "--base-dtype is f32 or bf16, not '%s'", o->base_dtype);
    if (o->base_dtype && strcmp(o->base_dtype, "bf16") == 0 && !lora_cli_active(&o->lora))
        return cli_usage(CMD, "--base-dtype bf16 keeps a frozen base: it needs --lora-rank or --adapter");
    return -1;
}

/* The objective's loss kind, whether it conditions on the group, and whether
 * it weights groups robustly. */
static int objective_of(const char *name, pp_pref_kind *k, int *cond, int *robust)
{
    *cond = *robust = 0;
    if (strcmp(name, "steerable") == 0 || strcmp(name, "group-robust") == 0) {
        *k = PP_PREF_DPO;
        *cond = 1;
        *robust = name[0] == 'g';
        return 1;
    }
    pp_error e;
    return pp_pref_kind_parse(name, k, &e) == PP_OK;
}

/* The model to optimize: --init, with the LoRA adapter the options ask for
 * (attached before pp_model_prepare, so the frozen base gets no gradients). */
static pp_status setup_model(const aopts *o, pp_model **m, pp_error *err)
{
    int bf16 = o->base_dtype && strcmp(o->base_dtype, "bf16") == 0;
    pp_status st = bf16 ? pp_model_load_bf16(o->init, m, err) : pp_model_load(o->init, m, err);
    if (st != PP_OK)
        return st;
    return lora_cli_attach(&o->lora, *m, (uint64_t)o->seed, err);
}

/* The LoRA dropout masks of pair b at step s: the same in the pass that scores
 * the pair and in the one that differentiates it (each forward advances the seed
 * by one: chosen, then rejected). */
static void pair_dropout_seed(pp_model *m, long seed, long s, int b)
{
    pp_lora_set_dropout_seed(m, (uint64_t)seed * 0x9E3779B97F4A7C15ull +
                                    ((uint64_t)s << 24) + 2 * (uint64_t)b);
}

/* Group-robust batches hold every group: slot b of step s takes group b mod G
 * and that group's next pair in the shuffled order (each group cycles through
 * its own pairs). A group missing from a batch would count a loss of 0 and
 * lose weight for being absent rather than for being served well. */
static size_t pick_stratified(const pp_pref_set *set, const size_t *order, long s, int b, int B)
{
    int G = (int)set->ngroups, g = b % G;
    size_t per = (size_t)(B + G - 1) / (size_t)G, want = (size_t)s * per + (size_t)(b / G);
    size_t ng = 0;
    for (size_t i = 0; i < set->n; i++)
        ng += set->ex[order[i]].group == g;
    want %= ng;
    for (size_t i = 0; i < set->n; i++)
        if (set->ex[order[i]].group == g && want-- == 0)
            return order[i];
    return order[0];
}

int cmd_align_train(int argc, char **argv)
{
    aopts o = {.steps = 100, .B = 8, .beta = 0.1, .eps = 0.1, .eta = 0.01, .lr = 1e-5,
               .schedule = "constant", .group_field = "group", .clip = 1.0, .seed = 1};
    lora_cli_init(&o.lora);
    cli_common co;
    cli_common_init(&co, CMD, NULL);
    int rc = parse_args(argc, argv, &o, &co);
    if (rc >= 0)
        return rc;
    rc = 0;
    pp_pref_kind kind;
    int cond, robust;
    if (!objective_of(o.objective, &kind, &cond, &robust))
        return cli_usage(CMD, "unknown objective '%s' (dpo, ipo, cdpo, steerable, group-robust, "
                              "distributional)", o.objective);
    pp_error err;
    pp_error_clear(&err);
    pp_lr_schedule sched;
    if (pp_lr_schedule_parse(o.schedule, &sched, &err) != PP_OK)
        return cli_usage(CMD, "%s", err.message);
    if (o.threads > 0) {
        omp_set_num_threads((int)o.threads);
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
        extern void openblas_set_num_threads(int);
        openblas_set_num_threads((int)o.threads);
#endif
    }
    train_mpi mp;
    if (train_mpi_init(&mp, &err) != PP_OK)
        return cli_fail(CMD, &err);
    if (o.B % mp.size != 0) {
        train_mpi_finish(&mp);
        return cli_usage(CMD, "--batch-size %ld does not split over %d ranks", o.B, mp.size);
    }
    int quiet = co.quiet || mp.rank != 0, failed = 0;
    FILE *prog = mp.rank == 0 ? cli_progress_stream(co.progress) : NULL;
    pp_model *m = NULL;
    pp_tokenizer *tok = NULL;
    pp_chat_kind chat = PP_CHAT_NONE;
    pp_pref_set train = {0}, held = {0};
    pp_writer *rej = NULL;
    pp_ledger *lg = NULL;
    FILE *logf = NULL;
    double *ref = NULL, *dc = NULL, *dr = NULL, *w = NULL, *gl = NULL;
    pp_pref_pair *pairs = NULL;
    size_t *order = NULL;
    long *ntok = NULL; /* completion tokens of every pair */
    size_t *idx = NULL; /* the batch's pairs */
    double *plp = NULL; /* their policy log-probs */

    if (setup_model(&o, &m, &err) != PP_OK ||
        pp_model_dir_tokenizer(o.init, &tok, &chat, NULL, &err) != PP_OK)
        goto fail;
    const pp_llama_config *cfg = pp_model_config(m);
    pp_pref_render rd = {tok, chat, cfg->bos_token_id, cond ? PP_PREF_GROUP_PREFIX : NULL};
    size_t max_len = (size_t)cfg->max_position_embeddings + 1;
    if (co.rejects && mp.rank == 0 && pp_writer_open(co.rejects, &rej, &err) != PP_OK)
        goto fail;
    int skip = co.rejects && mp.rank != 0;
    if ((rc = align_read_prefs(CMD, o.prefs, &rd, o.group_field, max_len, rej, skip, &train)))
        goto out;
    if (train.n == 0) {
        pp_error_set(&err, PP_ERR_INVALID, o.prefs, 0, "no usable preference pairs");
        goto fail;
    }
    if (o.eval_prefs) {
        if ((rc = align_read_prefs(CMD, o.eval_prefs, &rd, o.group_field, max_len, rej, skip, &held)))
            goto out;
        for (size_t g = 0; g < held.ngroups; g++)
            if (pp_pref_set_group(&train, held.groups[g]) < 0) {
                pp_error_set(&err, PP_ERR_INVALID, o.eval_prefs, 0,
                             "group '%s' has pairs only in the evaluation file", held.groups[g]);
                goto fail;
            }
    }
    size_t n = train.n, maxn = 2;
    for (size_t i = 0; i < n; i++) {
        maxn = train.ex[i].chosen.n > maxn ? train.ex[i].chosen.n : maxn;
        maxn = train.ex[i].rejected.n > maxn ? train.ex[i].rejected.n : maxn;
    }
    for (size_t i = 0; i < held.n; i++) {
        maxn = held.ex[i].chosen.n > maxn ? held.ex[i].chosen.n : maxn;
        maxn = held.ex[i].rejected.n > maxn ? held.ex[i].rejected.n : maxn;
    }
    /* inference buffers for the reference pass (no dropout), training ones after it */
    if (pp_model_prepare(m, 1, (int)maxn - 1, 0, &err) != PP_OK)
        goto fail;
    int G = (int)train.ngroups, B = (int)o.B;
    ref = malloc(2 * n * sizeof *ref);
    dc = malloc((size_t)B * sizeof *dc);
    dr = malloc((size_t)B * sizeof *dr);
    w = malloc((size_t)G * sizeof *w);
    gl = calloc((size_t)G, sizeof *gl);
    pairs = malloc((size_t)B * sizeof *pairs);
    order = malloc(n * sizeof *order);
    idx = malloc((size_t)B * sizeof *idx);
    plp = malloc(2 * (size_t)B * sizeof *plp);
    if (!ref || !dc || !dr || !w || !gl || !pairs || !order || !idx || !plp) {
        pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    for (int g = 0; g < G; g++)
        w[g] = 1.0 / G;
    if (!quiet) {
        fprintf(stderr, "polyphony align: %s on %zu %s in %d %s, %zu parameters", o.objective, n,
                cli_noun(n, "pair", "pairs"), G, cli_noun(G, "group", "groups"),
                pp_model_num_params(m));
        if (pp_model_lora(m))
            fprintf(stderr, " (frozen), %zu in the LoRA adapter", pp_model_num_trainable(m));
        fputc('\n', stderr);
    }

    /* the reference pass: the initial model's summed log-probs, kept */
    ntok = malloc(2 * n * sizeof *ntok);
    if (!ntok) {
        pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    /* each rank scores every size-th pair; the sums over ranks give every rank all */
    double *nt_d = calloc(2 * n, sizeof *nt_d);
    if (!nt_d) {
        pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    memset(ref, 0, 2 * n * sizeof *ref);
    for (size_t i = (size_t)mp.rank; i < n; i += (size_t)mp.size) {
        if (align_pair_logps(m, &train.ex[i], ref + 2 * i, ntok + 2 * i, &err)) {
            free(nt_d);
            goto fail;
        }
        nt_d[2 * i] = (double)ntok[2 * i];
        nt_d[2 * i + 1] = (double)ntok[2 * i + 1];
    }
    train_mpi_sum_doubles(&mp, ref, 2 * n);
    train_mpi_sum_doubles(&mp, nt_d, 2 * n);
    for (size_t i = 0; i < 2 * n; i++)
        ntok[i] = (long)nt_d[i];
    free(nt_d);
    if (pp_model_prepare(m, 1, (int)maxn - 1, 1, &err) != PP_OK)
        goto fail;
    /* the order of the pairs: a seeded shuffle, cycled */
    pp_rng rng;
    pp_rng_seed(&rng, (uint64_t)o.seed, "align");
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = pp_rng_below(&rng, i), t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
    if (o.log_json && mp.rank == 0 && !(logf = fopen(o.log_json, "w"))) {
        pp_error_set(&err, PP_ERR_IO, o.log_json, 0, "cannot open: %s", strerror(errno));
        goto fail;
    }
    pp_adamw opt = {0.9f, 0.999f, 1e-8f, (float)o.wd};
    pp_pref_opts po = {kind, o.beta, o.eps};
    double t_start = now_s();
    for (long s = 0; s < o.steps; s++) {
        float lr = pp_lr_at(sched, (float)o.lr, (float)o.min_lr, s, o.warmup, o.steps);
        /* pass 1: the policy's log-probs of the batch (rank r: pairs b = r mod size;
         * the sums over ranks give every rank the whole batch) */
        for (int b = 0; b < B; b++) {
            size_t i = idx[b] = robust ? pick_stratified(&train, order, s, b, B)
                                       : order[((size_t)s * B + b) % n];
            double lp[2] = {0, 0};
            long nt[2];
            if (b % mp.size == mp.rank) {
                pair_dropout_seed(m, o.seed, s, b);
                if (align_pair_logps(m, &train.ex[i], lp, nt, &err))
                    goto fail;
            }
            plp[2 * b] = lp[0];
            plp[2 * b + 1] = lp[1];
        }
        train_mpi_sum_doubles(&mp, plp, 2 * (size_t)B);
        for (int b = 0; b < B; b++) {
            size_t i = idx[b];
            const pp_pref_example *x = &train.ex[i];
            pairs[b] = (pp_pref_pair){plp[2 * b], plp[2 * b + 1], ref[2 * i], ref[2 * i + 1],
                                      ntok[2 * i], ntok[2 * i + 1], x->p_chosen, x->group};
        }
        double loss;
        if (pp_pref_batch_loss(&po, pairs, (size_t)B, robust ? w : NULL, G, o.eta,
                               robust ? gl : NULL, &loss, dc, dr, &err) != PP_OK) {
            goto fail;
        }
        if (!isfinite(loss)) {
            pp_error_set(&err, PP_ERR_MODEL, NULL, 0, "the loss is not finite at step %ld", s + 1);
            goto fail;
        }
        /* pass 2: backward of each completion with its share of the loss */
        pp_model_zero_grad(m);
        double acc = 0;
        for (int b = 0; b < B; b++) {
            const pp_pref_example *x = &train.ex[idx[b]];
            acc += pp_pref_reward_margin(o.beta, &pairs[b]) > 0;
            if (b % mp.size != mp.rank)
                continue;
            pair_dropout_seed(m, o.seed, s, b);
            if (pp_pref_seq_backward(m, x->chosen.ids, x->chosen.target, x->chosen.n, dc[b], &err) != PP_OK ||
                pp_pref_seq_backward(m, x->rejected.ids, x->rejected.target, x->rejected.n, dr[b], &err) != PP_OK) {
                goto fail;
            }
        }
        train_mpi_sum_floats(&mp, pp_model_grads(m), pp_model_num_trainable(m));
        float gnorm = o.clip > 0 ? pp_model_clip_grad_norm(m, (float)o.clip) : pp_model_grad_norm(m);
        pp_model_adamw_step(m, &opt, lr, s + 1, 1);
        if (logf) {
            json_t *j = json_pack("{s:I, s:f, s:f, s:f, s:f}", "step", (json_int_t)(s + 1), "loss",
                                  loss, "lr", (double)lr, "grad_norm", (double)gnorm,
                                  "reward_accuracy", acc / B);
            if (robust) {
                json_t *jw = json_object(), *jl = json_object();
                for (int g = 0; g < G; g++) {
                    json_object_set_new(jw, train.groups[g], json_real(w[g]));
                    json_object_set_new(jl, train.groups[g], json_real(gl[g]));
                }
                json_object_set_new(j, "group_weights", jw);
                json_object_set_new(j, "group_loss", jl);
            }
            json_dumpf(j, logf, JSON_COMPACT | JSON_PRESERVE_ORDER);
            fputc('\n', logf);
            json_decref(j);
            fflush(logf);
        }
        if (prog) {
            fprintf(prog, "\rstep %ld/%ld  loss %.4f  %.1f s   ", s + 1, o.steps, loss,
                    now_s() - t_start);
            if (s + 1 == o.steps)
                fputc('\n', prog);
            fflush(prog);
        }
    }
    if (mp.rank != 0)
        goto out;
    if (mkdir_p(o.out) != 0) {
        pp_error_set(&err, PP_ERR_IO, o.out, 0, "cannot create the directory: %s", strerror(errno));
        goto fail;
    }
    pp_pref_conditioning pc = {.conditioned = cond, .beta = o.beta};
    snprintf(pc.group_prefix, sizeof pc.group_prefix, "%s", PP_PREF_GROUP_PREFIX);
    snprintf(pc.objective, sizeof pc.objective, "%s", o.objective);
    snprintf(pc.group_field, sizeof pc.group_field, "%s", o.group_field);
    /* a LoRA run writes the adapter, pointing at its base */
    if ((pp_model_lora(m) ? pp_lora_save(m, o.out, o.init, &err) : pp_model_save(m, o.out, &err)) != PP_OK ||
        pp_model_dir_copy_tokenizer(o.init, o.out, &err) != PP_OK ||
        pp_pref_conditioning_save(o.out, &pc, &err) != PP_OK)
        goto fail;
    if (!quiet)
        fprintf(stderr, "polyphony align: %ld %s; checkpoint in %s\n", o.steps,
                cli_noun(o.steps, "step", "steps"), o.out);
    if (o.eval_prefs) {
        if (co.ledger && pp_ledger_open(co.ledger, "align", &lg, &err) != PP_OK)
            goto fail;
        /* the evaluation passes without dropout */
        if (pp_model_prepare(m, 1, (int)maxn - 1, 0, &err) != PP_OK)
            goto fail;
        align_eval_opts eo = {NULL, o.beta, "heldout", (uint64_t)o.seed, 1000, quiet ? NULL : stderr, lg};
        if ((rc = align_evaluate(CMD, m, &held, &eo)))
            goto out;
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
    if (rej && pp_writer_close(rej, &err) != PP_OK && !rc)
        rc = cli_fail(CMD, &err);
    free(ref);
    free(dc);
    free(dr);
    free(w);
    free(gl);
    free(pairs);
    free(order);
    free(ntok);
    free(idx);
    free(plp);
    pp_pref_set_clear(&train);
    pp_pref_set_clear(&held);
    pp_tokenizer_free(tok);
    pp_model_free(m);
    if (failed && mp.size > 1)
        train_mpi_abort(&mp, rc); /* the other ranks would wait for this one */
    train_mpi_finish(&mp);
    return rc;
}
