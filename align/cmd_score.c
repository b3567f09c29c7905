/* cmd_score.c — `polyphony score`: the log-probability a model gives each
 * record (text after a leading BOS, or an id list whose first id is context),
 * written beside the record so that `polyphony eval --metric bits_per_byte`
 * reads it; per-language bits per byte to the ledger. */
#include "config.h"
#include "align/lora_options.h"
#include "align/pp_model.h"
#include "align/pp_model_dir.h"
#include "align/pp_pref_data.h"
#include "align/pp_pref_seq.h"
#include "align/pp_score.h"
#include "src/cli/cli.h"
#include "src/pp_ledger.h"
#include "src/pp_record.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *CMD = "score";

void usage_score(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony score --model DIR [OPTIONS] [FILE]\n"
            "Score every JSONL record with a model: logprob (summed natural log of each token\n"
            "given those before it), tokens, bytes and bits_per_byte are added to the record.\n"
            "\n"
            "  -m, --model DIR          checkpoint directory (Hugging Face layout)\n"
            "      --adapter DIR        apply a LoRA adapter (PEFT layout) to --model,\n"
            "                           unmerged: W x + (alpha/r) B A x\n"
            "      --input-format F     text (the field tokenized after a leading BOS) or ids\n"
            "                           (a list of ids scored as given; the first is context)\n"
            "      --field F            the field to score (default text, or ids)\n"
            "      --window N           score long records in windows of N predictions, each\n"
            "                           window's context starting at its own first token\n"
            "                           (default: a record is one window; longer than\n"
            "                           max_position_embeddings is an error)\n"
            "      --group G            score the text as the model's answer when serving\n"
            "                           group G, conditioned as `align` trained it (after\n"
            "                           the record's prompt, if any; a chat turn)\n"
            "      --step NAME          the ledger rows' step (default model)\n"
            "      --threads N          OpenMP/BLAS threads (default: all)\n"
            "  -o, --output FILE        scored records (default stdout)\n"
            "      --ledger FILE        append bits_per_byte per language (stage score)\n"
            "  -q, --quiet              no summary on stderr\n"
            "  -h, --help               show this help\n"

            "See polyphony-score(1).\n");
}

typedef struct lang_acc {
    char lang[64];
    double lp, bytes;
    long n;
} lang_acc;

static lang_acc *acc_get(lang_acc **a, size_t *n, const char *lang)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*a)[i].lang, lang) == 0)
            return &(*a)[i];
    lang_acc *na = realloc(*a, (*n + 1) * sizeof *na);
    if (!na)
        return NULL;
    *a = na;
    memset(&na[*n], 0, sizeof *na);
    snprintf(na[*n].lang, sizeof na->lang, "%s", lang);
    return &na[(*n)++];
}

/* The ids of a record's field: a JSON array of integers. */
static pp_status record_ids(const json_t *v, const char *field, int32_t **ids, size_t *n,
                            pp_error *err)
{
    if (!json_is_array(v))
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "record has no id list '%s'", field);
    *n = json_array_size(v);
    *ids = malloc((*n ? *n : 1) * sizeof **ids);
    if (!*ids)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        json_t *x = json_array_get(v, i);
        if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > INT32_MAX) {
            free(*ids);
            *ids = NULL;
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "'%s'[%zu] is not a token id (a non-negative integer)", field, i);
        }
        (*ids)[i] = (int32_t)json_integer_value(x);
    }
    return PP_OK;
}

/* The text as the assistant turn after the group's system turn and the
 * record's prompt (a text or messages; none when absent). */
static pp_status score_as_group(pp_model *m, const pp_pref_render *rd, const json_t *rec,
                                json_t *text, const char *group, double *lp, long *ntok,
                                pp_error *err)
{
    json_t *prompt = json_object_get(rec, "prompt");
    json_t *conv = json_pack("{s:o, s:O}", "prompt", prompt ? json_incref(prompt) : json_array(),
                             "text", text);
    pp_pref_seq q = {0};
    pp_status st = conv ? pp_pref_render_one(rd, conv, "text", group, &q, err)
                        : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    if (st == PP_OK)
        st = pp_pref_seq_logprob(m, q.ids, q.target, q.n, lp, ntok, err);
    pp_pref_seq_clear(&q);
    json_decref(conv);
    return st;
}

int cmd_score(int argc, char **argv)
{
    enum { O_FMT = 1, O_FIELD, O_STEP, O_THREADS, O_WINDOW, O_GROUP };
    static const struct option opts[] = {
        {"model", required_argument, NULL, 'm'}, {"input-format", required_argument, NULL, O_FMT},
        {"field", required_argument, NULL, O_FIELD}, {"step", required_argument, NULL, O_STEP},
        {"group", required_argument, NULL, O_GROUP},
        {"threads", required_argument, NULL, O_THREADS}, {"window", required_argument, NULL, O_WINDOW},
        CLI_LONG_OUTPUT, CLI_LONG_LEDGER, LORA_CLI_LONG_USE,
        CLI_LONG_QUIET, CLI_LONG_HELP, {NULL, 0, NULL, 0}};
    lora_cli lo;
    lora_cli_init(&lo);
    cli_common co;
    cli_common_init(&co, CMD, NULL);
    const char *model_dir = NULL, *fmt = "text", *field = NULL, *step = "model", *group = NULL;
    long threads = 0, window = 0;
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'm': model_dir = optarg; break;
        case O_FMT: fmt = optarg; break;
        case O_FIELD: field = optarg; break;
        case O_STEP: step = optarg; break;
        case O_GROUP: group = optarg; break;
        case O_THREADS:
            if (!cli_parse_long(CMD, "--threads", optarg, 1, 4096, &threads))
                return 2;
            break;
        case O_WINDOW:
            if (!cli_parse_long(CMD, "--window", optarg, 1, 1 << 24, &window))
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
    int ids_in = strcmp(fmt, "ids") == 0;
    if (!ids_in && strcmp(fmt, "text") != 0)
        return cli_usage(CMD, "--input-format is text or ids, not '%s'", fmt);
    if (argc - optind > 1)
        return cli_usage(CMD, "one input FILE at most");
    if (!field)
        field = ids_in ? "ids" : "text";
    if (group && ids_in)
        return cli_usage(CMD, "--group conditions text; --input-format ids is scored as given");
    const char *path = optind < argc ? argv[optind] : "-";
    if (threads > 0) {
        extern void omp_set_num_threads(int);
        omp_set_num_threads((int)threads);
    }

    pp_error err;
    pp_error_clear(&err);
    pp_model *m = NULL;
    pp_tokenizer *tok = NULL;
    pp_chat_kind chat;
    pp_reader *r = NULL;
    pp_writer *w = NULL;
    pp_ledger *lg = NULL;
    lang_acc *acc = NULL;
    size_t nacc = 0;
    long nrec = 0;
    int rc = 0;
    if (pp_model_load(model_dir, &m, &err) != PP_OK || lora_cli_attach(&lo, m, 0, &err) != PP_OK)
        goto fail;
    pp_status ts = pp_model_dir_tokenizer(model_dir, &tok, &chat, NULL, &err);
    if (ts == PP_ERR_UNSUPPORTED && tok) /* scoring renders no chat template */
        ts = PP_OK;
    if (ts != PP_OK && (!ids_in || ts != PP_ERR_NOT_FOUND))
        goto fail;
    const pp_llama_config *cfg = pp_model_config(m);
    pp_pref_conditioning cond;
    if (group && (pp_pref_conditioning_load(model_dir, &cond, &err) != PP_OK ||
                  !cond.conditioned || chat == PP_CHAT_NONE ||
                  pp_model_prepare(m, 1, cfg->max_position_embeddings, 0, &err) != PP_OK)) {
        if (err.code == PP_OK)
            pp_error_set(&err, PP_ERR_MODEL, model_dir, 0,
                         "--group needs a model aligned with group conditioning (steerable or "
                         "group-robust) and a chat template");
        goto fail;
    }
    pp_pref_render grd = {tok, chat, cfg->bos_token_id, group ? cond.group_prefix : NULL};
    if (pp_reader_open(path, &r, &err) != PP_OK || pp_writer_open(co.output, &w, &err) != PP_OK ||
        (co.ledger && pp_ledger_open(co.ledger, CMD, &lg, &err) != PP_OK))
        goto fail;
    json_t *rec = NULL;
    pp_status st;
    while ((st = pp_reader_next(r, &rec, &err)) == PP_OK && rec) {
        double lp = 0;
        long ntok = 0, bytes = -1;
        if (ids_in) {
            int32_t *ids = NULL;
            size_t n = 0;
            st = record_ids(json_object_get(rec, field), field, &ids, &n, &err);
            if (st == PP_OK)
                st = pp_score_ids(m, ids, n, (int)window, &lp, &err);
            ntok = n > 0 ? (long)n - 1 : 0;
            const char *text = pp_record_str(rec, "text");
            if (st == PP_OK && text) {
                bytes = (long)strlen(text);
            } else if (st == PP_OK && tok && n > 1) {
                char *dec = NULL;
                size_t dl = 0;
                st = pp_tokenizer_decode(tok, ids + 1, n - 1, &dec, &dl, &err);
                bytes = (long)dl;
                free(dec);
            }
            free(ids);
        } else {
            json_t *tv = json_object_get(rec, field);
            if (!json_is_string(tv))
                st = pp_error_set(&err, PP_ERR_INVALID, NULL, 0, "record has no string field '%s'",
                                  field);
            else if (group) {
                bytes = (long)json_string_length(tv);
                st = score_as_group(m, &grd, rec, tv, group, &lp, &ntok, &err);
            } else {
                bytes = (long)json_string_length(tv);
                st = pp_score_text(m, tok, cfg->bos_token_id, json_string_value(tv),
                                   json_string_length(tv), (int)window, &lp, &ntok, &err);
            }
        }
        if (st != PP_OK) {
            if (!err.file[0]) {
                snprintf(err.file, sizeof err.file, "%s", pp_reader_name(r));
                err.line = pp_reader_lineno(r);
            }
            json_decref(rec);
            goto fail;
        }
        json_object_set_new(rec, "logprob", json_real(lp));
        json_object_set_new(rec, "tokens", json_integer(ntok));
        if (bytes > 0) {
            json_object_set_new(rec, "bytes", json_integer(bytes));
            json_object_set_new(rec, "bits_per_byte", json_real(-lp / (log(2.0) * (double)bytes)));
            const char *lang = pp_record_str(rec, "lang");
            lang_acc *a = acc_get(&acc, &nacc, lang ? lang : "und");
            if (!a) {
                json_decref(rec);
                pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                goto fail;
            }
            a->lp += lp;
            a->bytes += (double)bytes;
            a->n++;
        }
        st = pp_writer_put(w, rec, &err);
        json_decref(rec);
        if (st != PP_OK)
            goto fail;
        nrec++;
    }
    if (st != PP_OK)
        goto fail;
    if (pp_writer_close(w, &err) != PP_OK) {
        w = NULL;
        goto fail;
    }
    w = NULL;
    for (size_t i = 0; i < nacc; i++) {
        double bpb = -acc[i].lp / (log(2.0) * acc[i].bytes);
        if (!co.quiet)
            fprintf(stderr, "%-10s %6ld records  bits_per_byte %.4f\n", acc[i].lang, acc[i].n, bpb);
        if (lg && pp_ledger_add(lg, step, acc[i].lang, "bits_per_byte", bpb, acc[i].n, NAN, NAN,
                                &err) != PP_OK)
            goto fail;
    }
    if (!co.quiet)
        fprintf(stderr, "polyphony score: %ld %s\n", nrec, cli_noun(nrec, "record", "records"));
    goto out;
fail:
    rc = cli_fail(CMD, &err);
out:
    if (w)
        pp_writer_abort(w);
    pp_reader_close(r);
    if (lg && pp_ledger_close(lg, &err) != PP_OK && !rc)
        rc = cli_fail(CMD, &err);
    free(acc);
    pp_tokenizer_free(tok);
    pp_model_free(m);
    return rc;
}
