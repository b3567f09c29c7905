/* cmd_tokenizer.c — `polyphony tokenizer train|audit|encode|decode`. */
#include "config.h"

#include "src/cli/cli.h"
#include "src/pp_langtag.h"
#include "src/pp_ledger.h"
#include "src/pp_progress.h"
#include "src/pp_record.h"
#include "src/pp_record_view.h"
#include "corpora-tools/mixing/pp_sample.h"
#include "tokenizers/pp_spm.h"
#include "src/pp_stats.h"
#include "src/pp_stream.h"
#include "src/pp_text.h"
#include "tokenizers/pp_tok_audit.h"
#include "tokenizers/pp_tokenizer.h"
#include "tokenizers/pp_tok_records.h"
#include "tokenizers/pp_tok_defaults.h"
#include "tokenizers/pp_tok_export.h"
#include "langs/pp_registry.h"

#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

/* The help, pieced so that each sub-command prints its own part. */
#define SYN_TRAIN \
    "polyphony tokenizer train --lang CODE|--langs CODES [--vocab-size N]\n" \
    "                 [--model-type unigram|bpe] --input FILE... --output PREFIX [options]\n"
#define SYN_AUDIT \
    "polyphony tokenizer audit --model M [--format spm|hf|tiktoken] [--pattern RE]\n" \
    "                 (--parallel DIR | FILE...) [--reference LANG] [--ledger FILE] [--json]\n"
#define SYN_ENCODE \
    "polyphony tokenizer encode --model M [--format F] [--pattern RE] [--pieces] [FILE]\n"
#define SYN_DECODE \
    "polyphony tokenizer decode --model M [--format F] [FILE]\n"
#define SYN_EXPORT \
    "polyphony tokenizer export --format hf --model PREFIX.model --output DIR\n"
#define ABOUT \
    "Train SentencePiece tokenizers with a language's own defaults, and measure\n" \
    "what any tokenizer (SentencePiece .model, Hugging Face tokenizer.json,\n" \
    "tiktoken rank file) costs each language.\n"
#define OPT_MODEL \
    "  -m, --model FILE        the tokenizer (.gz/.zst accepted)\n" \
    "  -f, --format F          spm, hf or tiktoken (default: from the file)\n" \
    "      --pattern RE        tiktoken pre-tokenization regex, or cl100k_base / o200k_base\n" \
    "                          (default: from the rank file's name)\n"
#define OPT_TRAIN \
    "      --lang CODE         the language (BCP 47 or ISO 639-3)\n" \
    "      --langs A,B,...     several languages (records need a lang field)\n" \
    "      --vocab-size N      vocabulary size (default 8000, SentencePiece's, or\n" \
    "                          fewer when the text cannot fill it: the choice is printed)\n" \
    "      --model-type T      unigram (default) or bpe\n" \
    "  -i, --input FILE        JSONL records (text, lang) or plain text; repeatable\n" \
    "  -o, --output PREFIX     writes PREFIX.model, PREFIX.vocab and PREFIX.json\n" \
    "      --normalization N   nfc (default from the profile), nfkc, nmt_nfkc or identity\n" \
    "      --no-byte-fallback  unknown characters become <unk> instead of bytes\n" \
    "      --no-split-digits   keep digit runs together\n" \
    "      --no-exemplars      do not add the language's required characters\n" \
    "                          (with --normalization nmt_nfkc --no-byte-fallback:\n" \
    "                          SentencePiece's own defaults)\n" \
    "      --user-symbols A,B  pieces that are never split\n" \
    "      --chat-markers      add <|im_start|> and <|im_end|> (ChatML) as special tokens\n" \
    "      --required-chars S  characters to keep in addition to the language's own\n" \
    "      --character-coverage F  share of characters to cover (default 0.9995)\n" \
    "      --sampling M        temperature (default) or unimax, for several languages\n" \
    "      --temperature T     temperature sampling: shares ~ p^(1/T) (default 3.33)\n" \
    "      --unimax-epochs E   UniMax: at most E passes over a language (default 4)\n" \
    "      --budget BYTES      bytes of training text to draw (default: all there is)\n" \
    "      --seed N            seed of the sampler (default 1)\n"
#define OPT_AUDIT \
    "      --parallel DIR      aligned files DIR/<lang>.txt or DIR/<lang>.<split> (FLORES)\n" \
    "      FILE...             JSONL records with lang (and id; UDHR ids align by -aN-pM)\n" \
    "      --reference LANG    premiums relative to LANG (default en, eng or eng_Latn)\n" \
    "      --ledger FILE       append per-language rows (stage tokenizer)\n" \
    "      --json              a JSON array, one object per language\n"
#define OPT_CODEC \
    "encode/decode: JSONL records (or plain text lines, for encode) in; records\n" \
    "with \"tokens\" (ids) out, and back (\"text\" set from \"tokens\").\n" \
    "      --pieces            encode: also write the pieces\n"
#define OPT_EXPORT \
    "export: a trained SentencePiece model as Hugging Face files that encode id for id\n" \
    "as it does: DIR/tokenizer.json and DIR/tokenizer_config.json.\n" \
    "  -f, --format hf         the format to write (hf, the only one)\n" \
    "  -m, --model FILE        PREFIX.model (its PREFIX.json sidecar is read too)\n" \
    "  -o, --output DIR        the directory to write (created when missing)\n"
#define OPT_TAIL \
    "      --progress          audit: show progress; train: SentencePiece's trainer log\n" \
    "                          (default: when stderr is a terminal)\n" \
    "  -q, --quiet             no progress or trainer log\n" \
    "  -h, --help              this help\n"

static const char USAGE[] = "Usage: " SYN_TRAIN "       " SYN_AUDIT "       " SYN_ENCODE "       " SYN_DECODE
    "       " SYN_EXPORT
    "\n" ABOUT "\nModel options (audit, encode, decode):\n" OPT_MODEL "\ntrain:\n" OPT_TRAIN
    "\naudit:\n" OPT_AUDIT "\n" OPT_CODEC "\n" OPT_EXPORT "\n" OPT_TAIL;

void usage_tokenizer_train(FILE *fp)
{
    fputs("Usage: " SYN_TRAIN "\n" ABOUT "\n" OPT_TRAIN "\n" OPT_TAIL, fp);
}

void usage_tokenizer_audit(FILE *fp)
{
    fputs("Usage: " SYN_AUDIT "\n" ABOUT "\n" OPT_MODEL "\n" OPT_AUDIT "\n" OPT_TAIL, fp);
}

void usage_tokenizer_encode(FILE *fp)
{
    fputs("Usage: " SYN_ENCODE "\n" ABOUT "\n" OPT_MODEL "\n" OPT_CODEC OPT_TAIL, fp);
}

void usage_tokenizer_decode(FILE *fp)
{
    fputs("Usage: " SYN_DECODE "\n" ABOUT "\n" OPT_MODEL "\n" OPT_CODEC OPT_TAIL, fp);
}

void usage_tokenizer_export(FILE *fp)
{
    fputs("Usage: " SYN_EXPORT "\n" ABOUT "\n" OPT_EXPORT "\n" OPT_TAIL, fp);
}

/* ------------------------------------------------------------ helpers */

static int load_model(const char *cmd, const char *model, const char *format, const char *pattern,
                      pp_tokenizer **t)
{
    pp_error err;
    pp_tok_format f = PP_TOK_AUTO;
    if (!model)
        return cli_usage(cmd, "--model is required");
    if (format && pp_tok_format_parse(format, &f, &err) != PP_OK)
        return cli_usage(cmd, "%s", err.message);
    if (pp_tokenizer_load(model, f, pattern, t, &err) != PP_OK)
        return cli_fail(cmd, &err);
    return 0;
}

/* Is this input a file of records? Decided once per input (*records < 0 on
 * the first line): a .jsonl/.json name, or a first line that opens a JSON
 * object. Records are then read by the reader's rules, every line; other
 * inputs are plain text, one {"text": line} per line. */
static int is_record_input(const char *name, const char *line, size_t len)
{
    static const char *ext[] = {".jsonl", ".json", ".jsonl.gz", ".jsonl.zst", ".json.gz",
                                ".json.zst"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcmp(name + n - e, ext[i]) == 0)
            return 1;
    }
    size_t i = len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    return i < len && line[i] == '{';
}

/* A UTF-8 byte order mark, skipped on a file's first line as the record
 * reader does. */
static size_t bom_skip(pp_input *in, const char *line, size_t len)
{
    return pp_input_lineno(in) == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* The record of a line as a jansson tree: with a `view` (decode), built
 * from the fast parser's view when it takes the line, else (and without a
 * view: audit, train) by jansson, which gives the same tree or the message
 * naming the line. */
static int line_record(const char *cmd, pp_input *in, int *records, pp_record_view *view,
                       const char *line, size_t len, json_t **rec)
{
    pp_error err;
    size_t bad = 0;
    *rec = NULL;
    if (*records < 0)
        *records = is_record_input(pp_input_name(in), line, len);
    if (*records) {
        size_t skip = bom_skip(in, line, len);
        if (view && pp_record_view_parse(view, line + skip, len - skip)) {
            if (!(*rec = pp_record_view_tree(view))) {
                pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                return cli_fail(cmd, &err);
            }
            return 0;
        }
        if (pp_record_parse(line, len, pp_input_name(in), pp_input_lineno(in), rec, &err) != PP_OK)
            return cli_fail(cmd, &err);
        return 0;
    }
    /* jansson checks the UTF-8 of the string it makes */
    json_t *text = json_stringn(line, len);
    if (!text) {
        pp_utf8_valid(line, len, &bad);
        pp_error_set(&err, PP_ERR_ENCODING, pp_input_name(in), pp_input_lineno(in),
                     "invalid UTF-8 at byte %zu", bad);
        return cli_fail(cmd, &err);
    }
    *rec = json_object();
    json_object_set_new(*rec, "text", text);
    return 0;
}

/* encode: the output line of an input line into *buf (pp_tok_records.h):
 * from the fast parser's view, or from jansson's tree for a line the view
 * leaves to it, or from plain text. */
static pp_status encode_line(pp_tokenizer *t, pp_input *in, int *records, pp_record_view *view,
                             const char *line, size_t len, int pieces, char **buf, size_t *blen,
                             size_t *cap, pp_error *err)
{
    pp_status s;
    *blen = 0;
    if (*records < 0)
        *records = is_record_input(pp_input_name(in), line, len);
    if (!*records) {
        s = pp_tok_encode_text(t, line, len, pieces, buf, blen, cap, err);
    } else {
        size_t skip = bom_skip(in, line, len);
        if (pp_record_view_parse(view, line + skip, len - skip)) {
            s = pp_tok_encode_view(t, view, pieces, buf, blen, cap, err);
        } else {
            json_t *rec = NULL;
            s = pp_record_parse(line, len, pp_input_name(in), pp_input_lineno(in), &rec, err);
            if (s != PP_OK)
                return s;
            s = pp_tok_encode_tree(t, rec, pieces, buf, blen, cap, err);
            json_decref(rec);
        }
    }
    if (s != PP_OK) {
        snprintf(err->file, sizeof err->file, "%s", pp_input_name(in));
        err->line = pp_input_lineno(in);
    }
    return s;
}

/* ------------------------------------------------------------ encode / decode */

static int run_codec(const char *cmd, int decode, const char *model, const char *format,
                     const char *pattern, int pieces, const char *file)
{
    pp_tokenizer *t = NULL;
    int rc = load_model(cmd, model, format, pattern, &t);
    if (rc)
        return rc;
    pp_error err;
    pp_input *in = NULL;
    pp_writer *w = NULL;
    pp_record_view *view = NULL;
    if (pp_record_view_new(&view, &err) != PP_OK || pp_input_open(file, &in, &err) != PP_OK ||
        pp_writer_open("-", &w, &err) != PP_OK) {
        pp_input_close(in);
        pp_record_view_free(view);
        pp_tokenizer_free(t);
        return cli_fail(cmd, &err);
    }
    const char *line;
    size_t len;
    pp_status st;
    int records = -1;
    char *obuf = NULL; /* encode: the output line, kept from line to line */
    size_t olen = 0, ocap = 0;
    while ((st = pp_input_getline(in, &line, &len, &err)) == PP_OK && line) {
        if (len && line[len - 1] == '\r')
            len--;
        if (len == 0)
            continue;
        if (!decode) {
            if (encode_line(t, in, &records, view, line, len, pieces, &obuf, &olen, &ocap,
                            &err) != PP_OK ||
                pp_writer_put_raw(w, obuf, olen, &err) != PP_OK) {
                rc = cli_fail(cmd, &err);
                break;
            }
            continue;
        }
        json_t *rec = NULL;
        if ((rc = line_record(cmd, in, &records, view, line, len, &rec)) != 0)
            break;
        json_t *ids = json_object_get(rec, "tokens");
        size_t n = json_array_size(ids), i;
        json_t *v;
        int32_t *arr = malloc(sizeof(int32_t) * (n ? n : 1));
        int ok = json_is_array(ids) && arr;
        json_array_foreach(ids, i, v)
        {
            if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
                json_integer_value(v) > INT32_MAX) {
                ok = 0;
                break;
            }
            arr[i] = (int32_t)json_integer_value(v);
        }
        char *text = NULL;
        size_t tl = 0;
        if (!ok) {
            pp_error_set(&err, PP_ERR_PARSE, pp_input_name(in), pp_input_lineno(in),
                         "record has no \"tokens\" array of integer ids");
        } else if (pp_tokenizer_decode(t, arr, n, &text, &tl, &err) != PP_OK) {
            snprintf(err.file, sizeof err.file, "%s", pp_input_name(in));
            err.line = pp_input_lineno(in);
            ok = 0;
        }
        free(arr);
        if (!ok) {
            json_decref(rec);
            rc = cli_fail(cmd, &err);
            break;
        }
        json_object_set_new(rec, "text", json_stringn(text, tl));
        free(text);
        if (pp_writer_put(w, rec, &err) != PP_OK) {
            json_decref(rec);
            rc = cli_fail(cmd, &err);
            break;
        }
        json_decref(rec);
    }
    if (!rc && st != PP_OK)
        rc = cli_fail(cmd, &err);
    if (pp_writer_close(w, &err) != PP_OK && !rc)
        rc = cli_fail(cmd, &err);
    free(obuf);
    pp_input_close(in);
    pp_record_view_free(view);
    pp_tokenizer_free(t);
    return rc;
}

/* ------------------------------------------------------------ audit */

typedef struct audit_ctx {
    const char *cmd;
    pp_tok_audit *a;
    json_t *langs; /* seen language names */
    pp_progress *progress;
} audit_ctx;

static int audit_add(audit_ctx *c, pp_input *in, const char *lang, const char *key,
                     const char *text, size_t len)
{
    pp_error err;
    json_object_set_new(c->langs, lang, json_true());
    pp_progress_add(c->progress, 1, (long)len);
    if (pp_tok_audit_add(c->a, lang, key, text, len, &err) != PP_OK) {
        snprintf(err.file, sizeof err.file, "%s", pp_input_name(in));
        err.line = pp_input_lineno(in);
        return cli_fail(c->cmd, &err);
    }
    return 0;
}

static int audit_jsonl(audit_ctx *c, const char *file)
{
    pp_error err;
    pp_input *in = NULL;
    if (pp_input_open(file, &in, &err) != PP_OK)
        return cli_fail(c->cmd, &err);
    const char *line;
    size_t len;
    pp_status st;
    int rc = 0, records = -1;
    while (!rc && (st = pp_input_getline(in, &line, &len, &err)) == PP_OK && line) {
        if (len && line[len - 1] == '\r')
            len--;
        if (len == 0)
            continue;
        json_t *rec = NULL;
        if ((rc = line_record(c->cmd, in, &records, NULL, line, len, &rec)) != 0)
            break;
        json_t *tx = json_object_get(rec, "text");
        const char *lang = pp_record_str(rec, "lang");
        if (!json_is_string(tx) || !lang || !*lang) {
            pp_error_set(&err, PP_ERR_PARSE, pp_input_name(in), pp_input_lineno(in),
                         "record needs \"text\" and \"lang\" strings");
            json_decref(rec);
            rc = cli_fail(c->cmd, &err);
            break;
        }
        char *key = pp_tok_align_key(pp_record_str(rec, "id"));
        rc = audit_add(c, in, lang, key, json_string_value(tx), json_string_length(tx));
        free(key);
        json_decref(rec);
    }
    if (!rc && st != PP_OK)
        rc = cli_fail(c->cmd, &err);
    pp_input_close(in);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int audit_dir(audit_ctx *c, const char *dir)
{
    pp_error err;
    DIR *d = opendir(dir);
    if (!d) {
        pp_error_set(&err, PP_ERR_IO, dir, 0, "cannot open directory");
        return cli_fail(c->cmd, &err);
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *dot = strchr(de->d_name, '.');
        if (de->d_name[0] == '.' || !dot || dot == de->d_name)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    int rc = 0, files = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t pl = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(pl);
        snprintf(path, pl, "%s/%s", dir, names[i]);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            free(path);
            continue;
        }
        /* <lang>.<split>: the language is the stem, lines align by split and number */
        char *lang = strdup(names[i]);
        char *dot = strchr(lang, '.');
        *dot = '\0';
        const char *split = dot + 1;
        pp_input *in = NULL;
        if (pp_input_open(path, &in, &err) != PP_OK) {
            rc = cli_fail(c->cmd, &err);
        } else {
            const char *line;
            size_t len;
            pp_status st;
            while (!rc && (st = pp_input_getline(in, &line, &len, &err)) == PP_OK && line) {
                if (len && line[len - 1] == '\r')
                    len--;
                if (len == 0)
                    continue;
                size_t bad;
                if (!pp_utf8_valid(line, len, &bad)) {
                    pp_error_set(&err, PP_ERR_ENCODING, pp_input_name(in), pp_input_lineno(in),
                                 "invalid UTF-8 at byte %zu", bad);
                    rc = cli_fail(c->cmd, &err);
                    break;
                }
                char key[256];
                snprintf(key, sizeof key, "%s:%ld", split, pp_input_lineno(in));
                rc = audit_add(c, in, lang, key, line, len);
            }
            if (!rc && st != PP_OK)
                rc = cli_fail(c->cmd, &err);
            pp_input_close(in);
            files++;
        }
        free(lang);
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (!rc && files == 0) {
        pp_error_set(&err, PP_ERR_NOT_FOUND, dir, 0, "no <lang>.<split> files in the directory");
        rc = cli_fail(c->cmd, &err);
    }
    return rc;
}

static json_t *num(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static void fmt(char *b, size_t n, int prec, double v)
{
    if (isfinite(v))
        snprintf(b, n, "%.*f", prec, v);
    else
        snprintf(b, n, "-");
}

static int run_audit(const char *cmd, const char *model, const char *format, const char *pattern,
                     const char *dir, const char *reference, const char *ledger, int as_json,
                     int progress, int nfiles, char **files)
{
    if (!dir && nfiles == 0)
        return cli_usage(cmd, "give --parallel DIR or JSONL files");
    if (dir && nfiles)
        return cli_usage(cmd, "give either --parallel DIR or files, not both");
    pp_tokenizer *t = NULL;
    int rc = load_model(cmd, model, format, pattern, &t);
    if (rc)
        return rc;
    pp_error err;
    audit_ctx c = {cmd, NULL, json_object(),
                   pp_progress_new(cli_progress_stream(progress), "tokenizer audit", "lines")};
    if (pp_tok_audit_new(t, &c.a, &err) != PP_OK) {
        pp_tokenizer_free(t);
        json_decref(c.langs);
        return cli_fail(cmd, &err);
    }
    if (dir)
        rc = audit_dir(&c, dir);
    for (int i = 0; i < nfiles && !rc; i++)
        rc = audit_jsonl(&c, files[i]);
    pp_progress_done(c.progress);
    if (!rc && !reference) {
        static const char *defaults[] = {"en", "eng", "eng_Latn", "en-US"};
        for (size_t i = 0; i < 4 && !reference; i++)
            if (json_object_get(c.langs, defaults[i]))
                reference = defaults[i];
    }
    if (!rc && pp_tok_audit_finish(c.a, reference, &err) != PP_OK)
        rc = cli_fail(cmd, &err);
    const char *base = strrchr(model, '/');
    base = base ? base + 1 : model;
    pp_ledger *lg = NULL;
    if (!rc && ledger && pp_ledger_open(ledger, "tokenizer", &lg, &err) != PP_OK)
        rc = cli_fail(cmd, &err);
    json_t *arr = json_array();
    size_t n = rc ? 0 : pp_tok_audit_count(c.a);
    if (!rc && !as_json) {
        printf("tokenizer: %s (normalization %s, vocabulary %zu)\n", pp_tokenizer_describe(t),
               pp_tokenizer_normalization(t), pp_tokenizer_vocab_size(t));
        printf("reference: %s\n", reference ? reference : "(none: no premiums)");
        printf("%-12s %6s %8s %8s %9s %9s %9s %9s %8s %7s %7s %8s\n", "lang", "lines", "tokens",
               "premium", "fertility", "chars/tok", "bytes/tok", "continued", "renyi2.5",
               "unk", "bytefb", "lossless");
    }
    for (size_t i = 0; i < n; i++) {
        const pp_tok_lang_stats *s = pp_tok_audit_get(c.a, i);
        json_t *o = json_object();
        json_object_set_new(o, "lang", json_string(s->lang));
        json_object_set_new(o, "tokens", json_integer(s->tokens));
        json_object_set_new(o, "premium", num(s->premium));
        json_object_set_new(o, "fertility", num(s->fertility));
        json_object_set_new(o, "chars_per_token", num(s->chars_per_token));
        json_object_set_new(o, "bytes_per_token", num(s->bytes_per_token));
        json_object_set_new(o, "continued_words", num(s->continued_words));
        json_object_set_new(o, "renyi_efficiency", num(s->renyi_efficiency));
        json_object_set_new(o, "unk_rate", num(s->unk_rate));
        json_object_set_new(o, "byte_fallback_rate", num(s->byte_fallback_rate));
        json_object_set_new(o, "roundtrip_lossless", num(s->roundtrip_lossless));
        json_array_append_new(arr, o);
        if (!as_json) {
            char b[10][24];
            fmt(b[0], 24, 3, s->premium);
            fmt(b[1], 24, 3, s->fertility);
            fmt(b[2], 24, 3, s->chars_per_token);
            fmt(b[3], 24, 3, s->bytes_per_token);
            fmt(b[4], 24, 3, s->continued_words);
            fmt(b[5], 24, 4, s->renyi_efficiency);
            fmt(b[6], 24, 4, s->unk_rate);
            fmt(b[7], 24, 4, s->byte_fallback_rate);
            fmt(b[8], 24, 3, s->roundtrip_lossless);
            printf("%-12s %6ld %8ld %8s %9s %9s %9s %9s %8s %7s %7s %8s\n", s->lang, s->lines,
                   s->tokens, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8]);
        }
        if (lg) {
            double lo, hi;
            pp_ledger_add(lg, base, s->lang, "tokens", (double)s->tokens, s->lines, NAN, NAN,
                          NULL);
            if (isfinite(s->premium))
                pp_ledger_add(lg, base, s->lang, "premium", s->premium, s->aligned, NAN, NAN,
                              NULL);
            if (isfinite(s->fertility))
                pp_ledger_add(lg, base, s->lang, "fertility", s->fertility, s->words, NAN, NAN,
                              NULL);
            if (isfinite(s->chars_per_token))
                pp_ledger_add(lg, base, s->lang, "chars_per_token", s->chars_per_token,
                              s->tokens, NAN, NAN, NULL);
            if (isfinite(s->bytes_per_token))
                pp_ledger_add(lg, base, s->lang, "bytes_per_token", s->bytes_per_token,
                              s->tokens, NAN, NAN, NULL);
            if (isfinite(s->continued_words)) {
                pp_wilson_interval(s->continued, s->words, &lo, &hi);
                pp_ledger_add(lg, base, s->lang, "continued_words", s->continued_words, s->words,
                              lo, hi, NULL);
            }
            if (isfinite(s->renyi_efficiency))
                pp_ledger_add(lg, base, s->lang, "renyi_efficiency", s->renyi_efficiency,
                              s->tokens, NAN, NAN, NULL);
            if (s->tokens) {
                pp_wilson_interval(s->unk, s->tokens, &lo, &hi);
                pp_ledger_add(lg, base, s->lang, "unk_rate", s->unk_rate, s->tokens, lo, hi, NULL);
                pp_wilson_interval(s->byte_tokens, s->tokens, &lo, &hi);
                pp_ledger_add(lg, base, s->lang, "byte_fallback_rate", s->byte_fallback_rate,
                              s->tokens, lo, hi, NULL);
            }
            pp_wilson_interval(s->lossless, s->lines, &lo, &hi);
            pp_ledger_add(lg, base, s->lang, "roundtrip_lossless", s->roundtrip_lossless, s->lines,
                          lo, hi, NULL);
        }
    }
    /* the characters lost in round trips, by language */
    int header = 0;
    for (size_t i = 0; i < n; i++) {
        const pp_tok_lang_stats *s = pp_tok_audit_get(c.a, i);
        if (s->lossless == s->lines)
            continue;
        FILE *o = as_json ? stderr : stdout;
        if (!header && !as_json)
            fputs("\nround trip loses:\n", o);
        header = 1;
        fprintf(o, "%s%s: %ld of %ld %s changed; characters lost: %s\n",
                as_json ? "polyphony tokenizer audit: " : "  ", s->lang, s->lines - s->lossless,
                s->lines, cli_noun(s->lines, "line", "lines"), *s->lost ? s->lost : "(none: order or spacing changed)");
    }
    if (!rc && as_json) {
        char *out = json_dumps(arr, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        if (out) {
            puts(out);
            free(out);
        }
    }
    if (lg && pp_ledger_close(lg, &err) != PP_OK && !rc)
        rc = cli_fail(cmd, &err);
    json_decref(arr);
    json_decref(c.langs);
    pp_tok_audit_free(c.a);
    pp_tokenizer_free(t);
    return rc;
}

/* ------------------------------------------------------------ train */

typedef struct lang_data {
    char code[64];
    char iso[4];
    char **lines;
    size_t n, cap;
    double bytes;
    double share, epochs;
    char source[128];
} lang_data;

static uint64_t rng_next(uint64_t *s)
{
    /* splitmix64 */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int add_line(lang_data *l, const char *s, size_t len, int nfc)
{
    char *copy = NULL;
    size_t cl = 0;
    if (nfc) {
        if (pp_normalize(s, len, PP_NFC, &copy, &cl, NULL) != PP_OK)
            return -1;
    } else {
        copy = malloc(len + 1);
        if (!copy)
            return -1;
        memcpy(copy, s, len);
        copy[len] = '\0';
        cl = len;
    }
    /* SentencePiece reads one sentence a line */
    for (size_t i = 0; i < cl; i++)
        if (copy[i] == '\n' || copy[i] == '\r')
            copy[i] = ' ';
    if (l->n == l->cap) {
        size_t c = l->cap ? l->cap * 2 : 256;
        char **v = realloc(l->lines, c * sizeof *v);
        if (!v) {
            free(copy);
            return -1;
        }
        l->lines = v;
        l->cap = c;
    }
    l->lines[l->n++] = copy;
    l->bytes += (double)cl;
    return 0;
}

#define TOK_DEFAULT_VOCAB 8000 /* SentencePiece's own default */

/* Add the code points of s to the set. */
static int add_chars_to_set(json_t *set, const char *s, size_t len)
{
    for (int32_t i = 0; i < (int32_t)len;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        if (c < 0 || c == ' ')
            continue;
        char k[8];
        memcpy(k, s + at, (size_t)(i - at));
        k[i - at] = '\0';
        if (json_object_set_new(set, k, json_true()) != 0)
            return -1;
    }
    return 0;
}

/* How many pieces the training text can certainly fill: the special pieces,
 * the byte pieces, the user-defined ones, every character (of the text and
 * the required ones) and one piece per distinct word of 2 to 16 letters (BPE
 * merges until each such word of the training text is one piece; SentencePiece caps pieces at 16
 * characters and splits at digits, punctuation and script changes, so only
 * all-letter words count). A lower bound, so that training never runs out. */
static int vocab_capacity(const char *text_path, const char *required,
                          const char *user_symbols, int byte_fallback, size_t *chars,
                          size_t *words, long *most)
{
    json_t *cs = json_object(), *ws = json_object();
    FILE *fp = fopen(text_path, "r");
    int rc = cs && ws && fp ? 0 : -1;
    if (!rc && required)
        rc = add_chars_to_set(cs, required, strlen(required));
    char *s = NULL;
    size_t scap = 0;
    ssize_t got;
    while (!rc && (got = getline(&s, &scap, fp)) > 0) {
        size_t len = (size_t)got;
        if (s[len - 1] == '\n')
            s[--len] = '\0';
        rc = add_chars_to_set(cs, s, len);
        /* words: runs between spaces made only of letters and marks */
        for (size_t a = 0; a < len && !rc;) {
            size_t b = a;
            while (b < len && s[b] != ' ')
                b++;
            int32_t n = 0, letters = 1;
            for (int32_t j = (int32_t)a; j < (int32_t)b && letters;) {
                UChar32 c;
                U8_NEXT(s, j, (int32_t)b, c);
                letters = c >= 0 && (u_isalpha(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK));
                n++;
            }
            if (letters && n >= 2 && n <= 16) {
                char *w = strndup(s + a, b - a);
                rc = !w || json_object_set_new(ws, w, json_true()) != 0 ? -1 : 0;
                free(w);
            }
            a = b + 1;
        }
    }
    free(s);
    if (fp)
        fclose(fp);
    long user = 0;
    for (const char *p = user_symbols; p && *p; p++)
        if (p == user_symbols || p[-1] == ',')
            user++;
    *chars = json_object_size(cs);
    *words = json_object_size(ws);
    *most = 3 + (byte_fallback ? 256 : 0) + user + (long)*chars + (long)*words;
    json_decref(cs);
    json_decref(ws);
    return rc;
}

/* SentencePiece's BPE trainer aborts the process on a required character
 * that the training text does not contain: keep only those in `seen` (the
 * others are written as byte pieces anyway). Returns how many were dropped. */
static long keep_seen_required(json_t *seen, char *required)
{
    long dropped = 0;
    size_t o = 0, len = strlen(required);
    for (int32_t i = 0; i < (int32_t)len;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(required, i, (int32_t)len, c);
        char key[8];
        memcpy(key, required + at, (size_t)(i - at));
        key[i - at] = '\0';
        if (c >= 0 && json_object_get(seen, key)) {
            memmove(required + o, required + at, (size_t)(i - at));
            o += (size_t)(i - at);
        } else {
            dropped++;
        }
    }
    required[o] = '\0';
    return dropped;
}

typedef struct train_opts {
    const char *langs, *output, *model_type, *normalization, *user_symbols, *required_extra;
    const char *sampling;
    long vocab;
    double coverage, temperature, unimax_epochs, budget;
    long seed;
    int byte_fallback, split_digits, quiet, exemplars, trainer_log;
    char **inputs;
    int ninputs;
} train_opts;

static int run_train(const char *cmd, train_opts *o)
{
    pp_error err;
    if (!o->langs)
        return cli_usage(cmd, "--lang or --langs is required");
    if (!o->output)
        return cli_usage(cmd, "--output PREFIX is required");
    if (o->ninputs == 0)
        return cli_usage(cmd, "--input FILE is required");
    if (strcmp(o->model_type, "unigram") != 0 && strcmp(o->model_type, "bpe") != 0)
        return cli_usage(cmd, "--model-type is unigram or bpe, not '%s'", o->model_type);
    if (strcmp(o->sampling, "temperature") != 0 && strcmp(o->sampling, "unimax") != 0)
        return cli_usage(cmd, "--sampling is temperature or unimax, not '%s'", o->sampling);
    /* languages */
    lang_data *L = NULL;
    size_t nl = 0;
    char *list = strdup(o->langs);
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        L = realloc(L, (nl + 1) * sizeof *L);
        memset(&L[nl], 0, sizeof *L);
        snprintf(L[nl].code, sizeof L[nl].code, "%s", tok);
        pp_langtag_iso639_3(tok, L[nl].iso);
        nl++;
    }
    free(list);
    if (!nl) {
        free(L);
        return cli_usage(cmd, "no language given");
    }
    /* defaults: the normalization and the characters each language needs */
    char norm[16] = "NFC";
    int all_nfkc = 1;
    size_t reqcap = 256, reqlen = 0;
    char *required = calloc(reqcap, 1);
    int rc = 0;
    for (size_t i = 0; i < nl && !rc; i++) {
        char ln[16], *req = NULL;
        if (pp_tok_lang_defaults(L[i].code, ln, &req, L[i].source, &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            break;
        }
        if (strcmp(ln, "NFKC") != 0)
            all_nfkc = 0;
        if (!o->exemplars) {
            req[0] = '\0';
            snprintf(L[i].source, sizeof L[i].source, "required characters not added");
        }
        size_t rl = strlen(req);
        if (reqlen + rl + 1 > reqcap) {
            reqcap = (reqlen + rl + 1) * 2;
            required = realloc(required, reqcap);
        }
        memcpy(required + reqlen, req, rl + 1);
        reqlen += rl;
        free(req);
    }
    if (all_nfkc)
        strcpy(norm, "NFKC");
    const char *rule = "identity";
    int prenorm_nfc = 1, remove_ws = 0;
    if (o->normalization) {
        if (strcmp(o->normalization, "nfc") == 0 || strcmp(o->normalization, "NFC") == 0) {
            strcpy(norm, "NFC");
        } else if (strcmp(o->normalization, "identity") == 0) {
            strcpy(norm, "none");
            prenorm_nfc = 0;
        } else if (strcmp(o->normalization, "nfkc") == 0 || strcmp(o->normalization, "NFKC") == 0) {
            strcpy(norm, "NFKC");
        } else if (strcmp(o->normalization, "nmt_nfkc") == 0) {
            strcpy(norm, "nmt_nfkc");
        } else {
            free(L);
            free(required);
            return cli_usage(cmd, "--normalization is nfc, nfkc, nmt_nfkc or identity");
        }
    }
    if (strcmp(norm, "NFKC") == 0) {
        rule = "nfkc";
        prenorm_nfc = 0;
    } else if (strcmp(norm, "nmt_nfkc") == 0) {
        rule = "nmt_nfkc";
        prenorm_nfc = 0;
        remove_ws = 1;
    } else if (strcmp(norm, "none") == 0) {
        prenorm_nfc = 0;
    }
    if (o->required_extra) {
        size_t rl = strlen(o->required_extra);
        required = realloc(required, reqlen + rl + 1);
        memcpy(required + reqlen, o->required_extra, rl + 1);
        reqlen += rl;
    }
    /* read the corpus; records join a language by the registry's identity
     * rule (--lang sw takes swh and swc records too) */
    long skipped = 0;
    pp_registry *reg = NULL;
    if (pp_registry_open(NULL, &reg, NULL) != PP_OK)
        reg = NULL; /* without the registry: equal language subtags only */
    char last_lang[64] = "";
    lang_data *last_target = NULL;
    int have_last = 0;
    for (int f = 0; f < o->ninputs && !rc; f++) {
        pp_input *in = NULL;
        if (pp_input_open(o->inputs[f], &in, &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            break;
        }
        const char *line;
        size_t len;
        pp_status st;
        int records = -1;
        while (!rc && (st = pp_input_getline(in, &line, &len, &err)) == PP_OK && line) {
            if (len && line[len - 1] == '\r')
                len--;
            if (len == 0)
                continue;
            json_t *rec = NULL;
            if ((rc = line_record(cmd, in, &records, NULL, line, len, &rec)) != 0)
                break;
            json_t *tx = json_object_get(rec, "text");
            const char *lang = pp_record_str(rec, "lang");
            lang_data *target = NULL;
            if (!json_is_string(tx)) {
                pp_error_set(&err, PP_ERR_PARSE, pp_input_name(in), pp_input_lineno(in),
                             "record has no \"text\" string");
                rc = cli_fail(cmd, &err);
            } else if (!lang) {
                if (nl == 1)
                    target = &L[0];
                else {
                    pp_error_set(&err, PP_ERR_PARSE, pp_input_name(in), pp_input_lineno(in),
                                 "with several languages every record needs \"lang\"");
                    rc = cli_fail(cmd, &err);
                }
            } else if (have_last && strcmp(lang, last_lang) == 0) {
                target = last_target; /* corpora come in runs of one tag */
                if (!target)
                    skipped++;
            } else {
                for (size_t i = 0; i < nl && !target; i++)
                    if (strcmp(lang, L[i].code) == 0 || pp_lang_matches(reg, L[i].code, lang))
                        target = &L[i];
                if (!target)
                    skipped++;
                have_last = strlen(lang) < sizeof last_lang;
                if (have_last) {
                    strcpy(last_lang, lang);
                    last_target = target;
                }
            }
            if (target && json_string_length(tx) &&
                add_line(target, json_string_value(tx), json_string_length(tx), prenorm_nfc) != 0) {
                pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                rc = cli_fail(cmd, &err);
            }
            json_decref(rec);
        }
        if (!rc && st != PP_OK)
            rc = cli_fail(cmd, &err);
        pp_input_close(in);
    }
    pp_registry_free(reg);
    if (!rc && skipped && !o->quiet)
        cli_warn(cmd, "%ld %s in other languages skipped", skipped,
                 cli_noun(skipped, "record", "records"));
    /* sampling */
    double *sizes = calloc(nl, sizeof *sizes), *shares = calloc(nl, sizeof *shares),
           *epochs = calloc(nl, sizeof *epochs);
    double total = 0;
    for (size_t i = 0; i < nl; i++) {
        sizes[i] = L[i].bytes;
        total += sizes[i];
    }
    if (!rc && total <= 0) {
        pp_error_set(&err, PP_ERR_INVALID, o->inputs[0], 0, "no training text for %s", o->langs);
        rc = cli_fail(cmd, &err);
    }
    double budget = o->budget > 0 ? o->budget : total;
    if (!rc) {
        pp_status st = strcmp(o->sampling, "unimax") == 0
                           ? pp_sample_unimax(sizes, nl, budget, o->unimax_epochs, shares, epochs,
                                              &err)
                           : pp_sample_temperature(sizes, nl, o->temperature, budget, shares,
                                                   epochs, &err);
        if (st != PP_OK)
            rc = cli_fail(cmd, &err);
    }
    /* the sampled training text */
    size_t pl = strlen(o->output);
    char *tmp = malloc(pl + 32);
    snprintf(tmp, pl + 32, "%s.train-XXXXXX", o->output);
    int fd = -1;
    FILE *tf = NULL;
    /* SentencePiece writes PREFIX.model and PREFIX.vocab itself: it gets the
     * training text's temporary name as its prefix, and both files are
     * renamed into place once it has finished, like every other output. */
    char *tmp_model = malloc(pl + 48), *tmp_vocab = malloc(pl + 48);
    if (!rc) {
        fd = mkstemp(tmp);
        if (fd >= 0) {
            pp_temp_track(tmp);
            snprintf(tmp_model, pl + 48, "%s.model", tmp);
            snprintf(tmp_vocab, pl + 48, "%s.vocab", tmp);
            pp_temp_track(tmp_model);
            pp_temp_track(tmp_vocab);
        }
        tf = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!tf) {
            pp_error_set(&err, PP_ERR_IO, tmp, 0, "cannot create the training text file");
            rc = cli_fail(cmd, &err);
        }
    }
    uint64_t seed = (uint64_t)o->seed;
    /* bpe: the characters of the sampled text (see keep_seen_required) */
    json_t *seen = strcmp(o->model_type, "bpe") == 0 ? json_object() : NULL;
    for (size_t i = 0; i < nl && !rc; i++) {
        lang_data *l = &L[i];
        l->share = shares[i];
        l->epochs = epochs[i];
        double want = shares[i] * budget;
        /* whole passes, then a random part of the lines */
        while (want >= l->bytes && l->bytes > 0) {
            for (size_t k = 0; k < l->n; k++) {
                fprintf(tf, "%s\n", l->lines[k]);
                if (seen && add_chars_to_set(seen, l->lines[k], strlen(l->lines[k])) != 0)
                    rc = -1;
            }
            want -= l->bytes;
        }
        for (size_t k = l->n; k > 1; k--) {
            size_t j = (size_t)(rng_next(&seed) % k);
            char *x = l->lines[k - 1];
            l->lines[k - 1] = l->lines[j];
            l->lines[j] = x;
        }
        for (size_t k = 0; k < l->n && want > 0; k++) {
            fprintf(tf, "%s\n", l->lines[k]);
            if (seen && add_chars_to_set(seen, l->lines[k], strlen(l->lines[k])) != 0)
                rc = -1;
            want -= (double)strlen(l->lines[k]);
        }
    }
    if (rc == -1) {
        pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        rc = cli_fail(cmd, &err);
    }
    if (tf && fclose(tf) != 0 && !rc) {
        pp_error_set(&err, PP_ERR_IO, tmp, 0, "cannot write the training text");
        rc = cli_fail(cmd, &err);
    }
    if (!rc && seen) {
        long dropped = keep_seen_required(seen, required);
        if (dropped && !o->quiet) {
            cli_warn(cmd, "bpe: %ld required characters absent from the text left to byte "
                          "fallback", dropped);
        }
    }
    /* the vocabulary size: given, or SentencePiece's default when the text can fill it */
    if (!rc) {
        size_t chars = 0, words = 0;
        long most = 0;
        if (vocab_capacity(tmp, required, o->user_symbols, o->byte_fallback, &chars, &words,
                           &most) != 0) {
            pp_error_set(&err, PP_ERR_IO, tmp, 0, "cannot read the training text back");
            rc = cli_fail(cmd, &err);
        } else if (o->vocab <= 0) {
            o->vocab = most < TOK_DEFAULT_VOCAB ? most : TOK_DEFAULT_VOCAB;
            if (!o->quiet) {
                if (o->vocab == TOK_DEFAULT_VOCAB)
                    fprintf(stderr, "polyphony %s: vocabulary size %ld (SentencePiece's default)\n",
                            cmd, o->vocab);
                else
                    fprintf(stderr,
                            "polyphony %s: vocabulary size %ld, scaled down from %d to what the "
                            "text can fill (%zu characters, %zu distinct words); give "
                            "--vocab-size to choose\n",
                            cmd, o->vocab, TOK_DEFAULT_VOCAB, chars, words);
            }
        } else if (strcmp(o->model_type, "bpe") == 0 && o->vocab > most) {
            /* SentencePiece's BPE trainer aborts the process when it runs out
             * of pairs to merge: refuse before calling it */
            pp_error_set(&err, PP_ERR_INVALID, o->inputs[0], 0,
                         "--vocab-size %ld is more than this text can fill with bpe pieces "
                         "(about %ld: %zu characters, %zu distinct words); give a smaller size "
                         "or more text",
                         o->vocab, most, chars, words);
            rc = cli_fail(cmd, &err);
        }
    }
    /* train */
    char vs[32], cov[32];
    snprintf(vs, sizeof vs, "%ld", o->vocab);
    snprintf(cov, sizeof cov, "%g", o->coverage);
    const char *keys[32], *vals[32];
    size_t nk = 0;
#define KV(k, v) (keys[nk] = (k), vals[nk] = (v), nk++)
    KV("input", tmp);
    KV("model_prefix", tmp);
    KV("vocab_size", vs);
    KV("model_type", o->model_type);
    KV("normalization_rule_name", rule);
    KV("remove_extra_whitespaces", remove_ws ? "true" : "false");
    KV("byte_fallback", o->byte_fallback ? "true" : "false");
    KV("split_digits", o->split_digits ? "true" : "false");
    KV("character_coverage", cov);
    KV("hard_vocab_limit", "false");
    KV("num_threads", "2");
    KV("minloglevel", o->quiet ? "2" : o->trainer_log ? "0" : "1");
    if (*required)
        KV("required_chars", required);
    if (o->user_symbols && *o->user_symbols)
        KV("user_defined_symbols", o->user_symbols);
#undef KV
    if (!rc && pp_spm_train_kv(keys, vals, nk, &err) != PP_OK)
        rc = cli_fail(cmd, &err);
    if (fd >= 0) {
        unlink(tmp);
        pp_temp_untrack(tmp);
        const char *from[2] = {tmp_model, tmp_vocab}, *ext[2] = {".model", ".vocab"};
        for (int k = 0; k < 2; k++) {
            char *final = malloc(pl + 8);
            snprintf(final, pl + 8, "%s%s", o->output, ext[k]);
            if (!rc && pp_output_check_path(final, &err) != PP_OK)
                rc = cli_fail(cmd, &err);
            if (!rc && rename(from[k], final) != 0) {
                pp_error_set(&err, PP_ERR_IO, final, 0,
                             "cannot rename the trained file into place: %s", strerror(errno));
                rc = cli_fail(cmd, &err);
            }
            unlink(from[k]); /* after a failure (or a failed rename) */
            pp_temp_untrack(from[k]);
            free(final);
        }
    }
    free(tmp_model);
    free(tmp_vocab);
    /* the sidecar */
    if (!rc) {
        json_t *side = json_object(), *langs = json_array(), *corpus = json_array();
        for (size_t i = 0; i < nl; i++)
            json_array_append_new(
                langs, json_pack("{s:s,s:I,s:f,s:f,s:f,s:s}", "lang", L[i].code, "lines",
                                 (json_int_t)L[i].n, "bytes", L[i].bytes, "share", L[i].share,
                                 "epochs", L[i].epochs, "defaults", L[i].source));
        for (int f = 0; f < o->ninputs; f++)
            json_array_append_new(corpus, json_string(o->inputs[f]));
        json_t *sampling = json_pack("{s:s,s:f}", "method", nl > 1 ? o->sampling : "none",
                                     "budget_bytes", budget);
        if (nl > 1 && strcmp(o->sampling, "temperature") == 0)
            json_object_set_new(sampling, "temperature", json_real(o->temperature));
        if (nl > 1 && strcmp(o->sampling, "unimax") == 0)
            json_object_set_new(sampling, "max_epochs", json_real(o->unimax_epochs));
        json_object_set_new(sampling, "seed", json_integer(o->seed));
        size_t ml = pl + 8;
        char *mpath = malloc(ml);
        snprintf(mpath, ml, "%s.model", o->output);
        json_object_set_new(side, "polyphony_version", json_string(pp_version()));
        json_object_set_new(side, "model", json_string(mpath));
        json_object_set_new(side, "model_type", json_string(o->model_type));
        json_object_set_new(side, "vocab_size", json_integer(o->vocab));
        json_object_set_new(side, "corpus", corpus);
        json_object_set_new(side, "languages", langs);
        json_object_set_new(side, "sampling", sampling);
        json_object_set_new(side, "prenormalize", prenorm_nfc ? json_string("NFC") : json_null());
        json_object_set_new(side, "normalization_rule", json_string(rule));
        json_object_set_new(side, "remove_extra_whitespaces", json_boolean(remove_ws));
        json_object_set_new(side, "byte_fallback", json_boolean(o->byte_fallback));
        json_object_set_new(side, "split_digits", json_boolean(o->split_digits));
        json_object_set_new(side, "character_coverage", json_real(o->coverage));
        json_object_set_new(side, "required_chars", json_string(required));
        json_object_set_new(side, "user_defined_symbols",
                            json_string(o->user_symbols ? o->user_symbols : ""));
        free(mpath);
        char *text = json_dumps(side, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        json_decref(side);
        snprintf(tmp, pl + 32, "%s.json", o->output);
        pp_output *out = NULL;
        if (!text || pp_output_open(tmp, &out, &err) != PP_OK ||
            pp_output_write(out, text, strlen(text), &err) != PP_OK ||
            pp_output_write(out, "\n", 1, &err) != PP_OK || pp_output_close(out, &err) != PP_OK) {
            out = NULL;
            rc = cli_fail(cmd, &err);
        }
        free(text);
        if (!rc && !o->quiet) {
            size_t nreq = pp_utf8_length(required, strlen(required));
            fprintf(stderr, "polyphony tokenizer train: wrote %s.model and %s.json "
                            "(normalization %s%s, %zu required %s)\n",
                    o->output, o->output, prenorm_nfc ? "NFC+" : "", rule, nreq,
                    cli_noun(nreq, "character", "characters"));
            for (size_t i = 0; i < nl; i++)
                fprintf(stderr, "  %s: %zu %s, %.0f bytes, share %.3f, %.2f epochs (%s)\n",
                        L[i].code, L[i].n, cli_noun(L[i].n, "line", "lines"), L[i].bytes, L[i].share, L[i].epochs, L[i].source);
        }
    }
    for (size_t i = 0; i < nl; i++) {
        for (size_t k = 0; k < L[i].n; k++)
            free(L[i].lines[k]);
        free(L[i].lines);
    }
    free(L);
    free(required);
    free(sizes);
    free(shares);
    free(epochs);
    free(tmp);
    json_decref(seen);
    return rc;
}

/* ------------------------------------------------------------ export */

static int run_export(const char *cmd, const char *model, const char *format, const char *dir,
                      int quiet)
{
    if (!format)
        return cli_usage(cmd, "--format hf is required");
    if (strcmp(format, "hf") != 0)
        return cli_usage(cmd, "--format is hf (Hugging Face tokenizer.json), not '%s'", format);
    if (!model)
        return cli_usage(cmd, "--model PREFIX.model is required");
    if (!dir)
        return cli_usage(cmd, "--output DIR is required");
    pp_error err;
    size_t n = 0;
    if (pp_tok_export_hf(model, dir, &n, &err) != PP_OK)
        return cli_fail(cmd, &err);
    if (!quiet)
        fprintf(stderr, "polyphony %s: wrote %s/tokenizer.json and %s/tokenizer_config.json "
                        "(%zu %s)\n", cmd, dir, dir, n, cli_noun(n, "piece", "pieces"));
    return 0;
}

/* ------------------------------------------------------------ dispatch */

void usage_tokenizer(FILE *fp)
{
    fputs(USAGE, fp);
}

/* train, audit, encode and decode share one option table: argv[0] says which. */
int cmd_tokenizer_sub(int argc, char **argv)
{
    const char *sub = argv[0];
    cli_common co;
    cli_common_init(&co, "tokenizer", sub);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "tokenizer %s", sub);
    int is_train = strcmp(sub, "train") == 0, is_audit = strcmp(sub, "audit") == 0;
    int is_enc = strcmp(sub, "encode") == 0, is_dec = strcmp(sub, "decode") == 0;
    int is_export = strcmp(sub, "export") == 0;
    if (!is_train && !is_audit && !is_enc && !is_dec && !is_export)
        return cli_usage("tokenizer",
                         "unknown subcommand '%s' (train, audit, encode, decode, export)", sub);
    enum {
        O_FORMAT = 256, O_PATTERN, O_PARALLEL, O_REFERENCE, O_JSON, O_PIECES, O_LANG,
        O_LANGS, O_VOCAB, O_TYPE, O_NORM, O_NOBF, O_NOSD, O_USER, O_REQ, O_COV, O_SAMPLING,
        O_TEMP, O_UNIMAX, O_BUDGET, O_SEED, O_NOEX, O_CHAT
    };
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},     {"format", required_argument, 0, 'f'},
        {"pattern", required_argument, 0, O_PATTERN},
        {"parallel", required_argument, 0, O_PARALLEL},
        {"reference", required_argument, 0, O_REFERENCE},
        CLI_LONG_LEDGER, {"json", no_argument, 0, O_JSON},
        {"pieces", no_argument, 0, O_PIECES},      {"lang", required_argument, 0, O_LANG},
        {"langs", required_argument, 0, O_LANGS},  {"vocab-size", required_argument, 0, O_VOCAB},
        {"model-type", required_argument, 0, O_TYPE},
        {"input", required_argument, 0, 'i'},      CLI_LONG_OUTPUT,
        {"normalization", required_argument, 0, O_NORM},
        {"no-byte-fallback", no_argument, 0, O_NOBF},
        {"no-split-digits", no_argument, 0, O_NOSD},
        {"no-exemplars", no_argument, 0, O_NOEX},
        {"user-symbols", required_argument, 0, O_USER},
        {"chat-markers", no_argument, 0, O_CHAT},
        {"required-chars", required_argument, 0, O_REQ},
        {"character-coverage", required_argument, 0, O_COV},
        {"sampling", required_argument, 0, O_SAMPLING},
        {"temperature", required_argument, 0, O_TEMP},
        {"unimax-epochs", required_argument, 0, O_UNIMAX},
        {"budget", required_argument, 0, O_BUDGET}, {"seed", required_argument, 0, O_SEED},
        CLI_LONG_QUIET, CLI_LONG_PROGRESS, CLI_LONG_HELP,
        {0, 0, 0, 0}};
    const char *model = NULL, *format = NULL, *pattern = NULL, *dir = NULL, *reference = NULL,
               *ledger = NULL;
    int as_json = 0, pieces = 0, progress = -1, chat_markers = 0;
    char *user_symbols = NULL;
    train_opts t = {0};
    t.model_type = "unigram";
    t.sampling = "temperature";
    t.coverage = 0.9995;
    t.temperature = 1.0 / 0.3;
    t.unimax_epochs = 4;
    t.seed = 1;
    t.byte_fallback = 1;
    t.split_digits = 1;
    t.exemplars = 1;
    char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    int c, rc = 0, cr;
    optind = 1;
    int sargc = argc;
    char **sargv = argv;
    while (!rc && (c = getopt_long(sargc, sargv, "m:f:i:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'f': format = optarg; break;
        case O_PATTERN: pattern = optarg; break;
        case O_PARALLEL: dir = optarg; break;
        case O_REFERENCE: reference = optarg; break;
        case O_JSON: as_json = 1; break;
        case O_PIECES: pieces = 1; break;
        case O_LANG:
        case O_LANGS: t.langs = optarg; break;
        case O_VOCAB:
            if (!cli_parse_long(cmd, "--vocab-size", optarg, 1, 10000000, &t.vocab))
                rc = 2;
            break;
        case O_TYPE: t.model_type = optarg; break;
        case 'i': inputs[t.ninputs++] = optarg; break;
        case O_NORM: t.normalization = optarg; break;
        case O_NOBF: t.byte_fallback = 0; break;
        case O_NOSD: t.split_digits = 0; break;
        case O_NOEX: t.exemplars = 0; break;
        case O_USER: t.user_symbols = optarg; break;
        case O_CHAT: chat_markers = 1; break;
        case O_REQ: t.required_extra = optarg; break;
        case O_COV:
            if (!cli_parse_double(cmd, "--character-coverage", optarg, 0.5, 1.0, &t.coverage))
                rc = 2;
            break;
        case O_SAMPLING: t.sampling = optarg; break;
        case O_TEMP:
            if (!cli_parse_double(cmd, "--temperature", optarg, 0.01, 1000, &t.temperature))
                rc = 2;
            break;
        case O_UNIMAX:
            if (!cli_parse_double(cmd, "--unimax-epochs", optarg, 0.01, 1e6, &t.unimax_epochs))
                rc = 2;
            break;
        case O_BUDGET:
            if (!cli_parse_double(cmd, "--budget", optarg, 1, 1e15, &t.budget))
                rc = 2;
            break;
        case O_SEED:
            if (!cli_parse_long(cmd, "--seed", optarg, 0, INT32_MAX, &t.seed))
                rc = 2;
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0) {
                free(inputs);
                return cr;
            }
            break;
        }
    }
    ledger = co.ledger;
    t.output = co.output;
    t.quiet = co.quiet;
    progress = co.progress;
    t.trainer_log = !co.quiet && cli_progress_stream(progress) != NULL;
    if (rc) {
        free(inputs);
        return rc;
    }
    int rest = sargc - optind;
    char **files = sargv + optind;
    if (is_train) {
        for (int i = 0; i < rest; i++)
            inputs[t.ninputs++] = files[i];
        t.inputs = inputs;
        if (chat_markers) {
            /* ChatML's markers as user-defined symbols: never split, one id each */
            const char *mk = "<|im_start|>,<|im_end|>";
            size_t ul = t.user_symbols ? strlen(t.user_symbols) : 0;
            user_symbols = malloc(ul + strlen(mk) + 2);
            if (!user_symbols) {
                free(inputs);
                return 1;
            }
            snprintf(user_symbols, ul + strlen(mk) + 2, "%s%s%s", ul ? t.user_symbols : "",
                     ul ? "," : "", mk);
            t.user_symbols = user_symbols;
        }
        rc = run_train(cmd, &t);
        free(user_symbols);
    } else if (is_export) {
        rc = rest ? cli_usage(cmd, "unexpected argument '%s'", files[0])
                  : run_export(cmd, model, format, co.output, co.quiet);
    } else if (is_audit) {
        rc = run_audit(cmd, model, format, pattern, dir, reference, ledger, as_json, progress, rest,
                       files);
    } else {
        if (rest > 1)
            rc = cli_usage(cmd, "one input file at most");
        else
            rc = run_codec(cmd, is_dec, model, format, pattern, pieces, rest ? files[0] : NULL);
    }
    free(inputs);
    return rc;
}
