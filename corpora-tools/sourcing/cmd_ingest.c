/* cmd_ingest.c — `polyphony ingest`: raw files in, corpus records (JSONL) out. */
#include "config.h"
#include "src/cli/cli.h"
#include "corpora-tools/sourcing/pp_ingest.h"
#include "src/pp_langtag.h"
#include "src/pp_ledger.h"
#include "src/pp_text.h"
#include "src/pp_progress.h"
#include "src/pp_record.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void usage_ingest(FILE *f)
{
    fprintf(f,
            "Usage: polyphony ingest [OPTION]... [FILE]...\n"
            "Turn text, JSONL, UDHR, HTML, CES, TMX or TEI files into corpus records\n"
            "(JSONL: id, text, lang, script, source, license, meta). With no FILE, or\n"
            "when FILE is -, read standard input. Input may be gzip or zstd compressed.\n"
            "\n"
            "  -f, --format=FMT        txt (default), jsonl, udhr, html, ces, tmx, tei\n"
            "  -s, --segment=MODE      none (default), paragraphs, sentences\n"
            "      --text-field=NAME   jsonl: field holding the text (default text)\n"
            "      --lang-field=NAME   jsonl: field holding the language (default lang)\n"
            "      --id-field=NAME     jsonl: field holding the id (default id)\n"
            "  -l, --lang=TAG          language of input that does not name one (default und)\n"
            "      --source=NAME       value of the source field (default: the file name)\n"
            "      --license=NAME      license to record when the input names none\n"
            "      --meta=FILE         udhr: JSONL of per-declaration metadata keyed by code\n"
            "  -o, --output=FILE       write records to FILE (.gz/.zst compress; default stdout)\n"
            "      --rejects=FILE      write rejected items with a reason to FILE\n"
            "      --strict            a rejected item is an error (exit 1)\n"
            "      --ledger=FILE       append per-language rows (records, characters) to FILE\n"
            "      --progress          show progress on stderr\n"
            "  -q, --quiet             no progress, no reject warnings\n"
            "  -h, --help              show this help\n"
            "\n"
            "Exit status: 0 done, 1 input or runtime error, 2 usage error.\n");
}

typedef struct ingest_ctx {
    pp_writer *out;
    pp_writer *rejects;
    pp_progress *prog;
    int strict;
    long nempty; /* rejects that were empty units */
    long nfallback; /* records tagged with the fallback language */
    char fallback_reason[160];
    int quiet;
    long nrec;
    long nrej;
    char *buf;
    size_t cap;
    /* per-language tallies for --ledger (NULL when not asked for) */
    struct lang_count *langs;
    size_t nlangs, caplangs, last;
    int count_langs;
} ingest_ctx;

typedef struct lang_count {
    char lang[96];
    long records;
    long chars;
} lang_count;

static pp_status tally(ingest_ctx *c, const pp_ingest_record *rec, pp_error *err)
{
    const char *lang = rec->lang;
    if (!lang)
        return PP_OK;
    size_t i = c->last;
    if (i >= c->nlangs || strcmp(c->langs[i].lang, lang) != 0) {
        for (i = 0; i < c->nlangs && strcmp(c->langs[i].lang, lang) != 0; i++)
            ;
        if (i == c->nlangs) {
            if (c->nlangs == c->caplangs) {
                size_t nc = c->caplangs ? c->caplangs * 2 : 64;
                lang_count *p = realloc(c->langs, nc * sizeof *p);
                if (!p)
                    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                c->langs = p;
                c->caplangs = nc;
            }
            snprintf(c->langs[i].lang, sizeof c->langs[i].lang, "%s", lang);
            c->langs[i].records = c->langs[i].chars = 0;
            c->nlangs++;
        }
        c->last = i;
    }
    c->langs[i].records++;
    c->langs[i].chars += (long)pp_utf8_length(rec->text, rec->text_len);
    return PP_OK;
}

static int by_lang(const void *a, const void *b)
{
    return strcmp(((const lang_count *)a)->lang, ((const lang_count *)b)->lang);
}

/* One row per language and metric: records and characters (code points)
 * that entered the corpus. */
static pp_status write_ledger(ingest_ctx *c, const char *path, const char *step, pp_error *err)
{
    pp_ledger *l = NULL;
    pp_status s = pp_ledger_open(path, "ingest", &l, err);
    if (s != PP_OK)
        return s;
    if (c->nlangs > 1)
        qsort(c->langs, c->nlangs, sizeof *c->langs, by_lang);
    for (size_t i = 0; i < c->nlangs && s == PP_OK; i++) {
        const lang_count *k = &c->langs[i];
        s = pp_ledger_add(l, step, k->lang, "records", (double)k->records, k->records, NAN, NAN,
                          err);
        if (s == PP_OK)
            s = pp_ledger_add(l, step, k->lang, "characters", (double)k->chars, k->records, NAN,
                              NAN, err);
    }
    pp_status s2 = pp_ledger_close(l, s == PP_OK ? err : NULL);
    return s != PP_OK ? s : s2;
}

/* The record comes written (reals with 15 significant digits, as
 * pp_writer_put writes them: a latitude of 7.15 stays "7.15"). */
static pp_status on_emit(void *vctx, const pp_ingest_record *rec, pp_error *err)
{
    ingest_ctx *c = vctx;
    if (c->count_langs && tally(c, rec, err) != PP_OK)
        return err ? err->code : PP_ERR_NOMEM;
    pp_status s = pp_writer_put_raw(c->out, rec->json, rec->json_len, err);
    c->nrec++;
    pp_progress_add(c->prog, 1, 0);
    return s;
}

static pp_status on_reject(void *vctx, const char *file, long line, const char *reason,
                           const char *raw, size_t rawlen, pp_error *err)
{
    ingest_ctx *c = vctx;
    c->nrej++;
    if (strcmp(reason, PP_INGEST_EMPTY) == 0)
        c->nempty++;
    if (c->strict)
        return pp_error_set(err, PP_ERR_PARSE, file, line, "%s", reason);
    if (c->rejects)
        return pp_reject_put(c->rejects, file, line, reason, NULL, raw, rawlen, err);
    if (!c->quiet && c->nrej <= 5) {
        if (line > 0)
            fprintf(stderr, "polyphony ingest: %s:%ld: rejected: %s\n", file, line, reason);
        else
            fprintf(stderr, "polyphony ingest: %s: rejected: %s\n", file, reason);
    }
    return PP_OK;
}

static pp_status on_fallback(void *vctx, const char *file, long line, const char *reason,
                             pp_error *err)
{
    ingest_ctx *c = vctx;
    if (c->strict)
        return pp_error_set(err, PP_ERR_PARSE, file, line, "%s", reason);
    if (c->nfallback++ == 0)
        snprintf(c->fallback_reason, sizeof c->fallback_reason, "%s:%ld", file, line);
    return PP_OK;
}

int cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},  {"segment", required_argument, NULL, 's'},
        {"text-field", required_argument, NULL, 1}, {"lang-field", required_argument, NULL, 2},
        {"id-field", required_argument, NULL, 3},   {"lang", required_argument, NULL, 'l'},
        {"source", required_argument, NULL, 4},     {"license", required_argument, NULL, 5},
        {"meta", required_argument, NULL, 6},       CLI_LONG_OUTPUT,
        CLI_LONG_REJECTS, CLI_LONG_STRICT, CLI_LONG_PROGRESS, CLI_LONG_LEDGER, CLI_LONG_QUIET,
        CLI_LONG_HELP,                              {NULL, 0, NULL, 0}};
    cli_common co;
    cli_common_init(&co, "ingest", NULL);
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    const char *output = NULL, *rejects = NULL, *ledger = NULL;
    int strict = 0, progress = -1, quiet = 0;
    pp_error err;
    pp_error_clear(&err);
    optind = 0;
    int ch, cr;
    while ((ch = getopt_long(argc, argv, "f:s:l:o:" CLI_SHORT_COMMON, longopts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            if (pp_ingest_format_parse(optarg, &o.format, &err) != PP_OK)
                return cli_usage("ingest", "%s", err.message);
            break;
        case 's':
            if (pp_segment_mode_parse(optarg, &o.segment, &err) != PP_OK)
                return cli_usage("ingest", "%s", err.message);
            break;
        case 1:
            o.text_field = optarg;
            break;
        case 2:
            o.lang_field = optarg;
            break;
        case 3:
            o.id_field = optarg;
            break;
        case 'l':
            o.lang = optarg;
            break;
        case 4:
            o.source = optarg;
            break;
        case 5:
            o.license = optarg;
            break;
        case 6:
            o.meta_file = optarg;
            break;
        default:
            if ((cr = cli_common_opt(&co, ch, optarg)) >= 0)
                return cr;
            break;
        }
    }
    output = co.output;
    rejects = co.rejects;
    strict = co.strict;
    progress = co.progress;
    ledger = co.ledger;
    quiet = co.quiet;
    if (o.lang) {
        /* a bad --lang is a usage error, not a reject per record */
        char canon[96];
        if (pp_langtag_canonicalize(o.lang, canon, sizeof canon, &err) != PP_OK)
            return cli_usage("ingest", "--lang: %s", err.message);
    }

    ingest_ctx c = {0};
    c.strict = strict;
    c.quiet = quiet;
    c.count_langs = ledger != NULL;
    if (pp_writer_open(output, &c.out, &err) != PP_OK)
        return cli_fail("ingest", &err);
    if (rejects && pp_writer_open(rejects, &c.rejects, &err) != PP_OK) {
        pp_writer_abort(c.out);
        return cli_fail("ingest", &err);
    }
    c.prog = pp_progress_new(cli_progress_stream(progress), "ingest", "records");
    pp_ingest_sink sink = {on_emit, on_reject, &c, on_fallback};

    pp_status s = pp_ingest_files((const char *const *)argv + optind, (size_t)(argc - optind),
                                  &o, &sink, &err);
    pp_progress_done(c.prog);
    free(c.buf);
    if (s == PP_OK && ledger) {
        static const char *const names[] = {"txt", "jsonl", "udhr", "html", "ces", "tmx", "tei"};
        s = write_ledger(&c, ledger, names[o.format], &err);
    }
    free(c.langs);
    if (s != PP_OK) {
        pp_writer_abort(c.out);
        pp_writer_abort(c.rejects);
        return cli_fail("ingest", &err);
    }
    if (pp_writer_close(c.out, &err) != PP_OK) {
        pp_writer_abort(c.rejects);
        return cli_fail("ingest", &err);
    }
    if (pp_writer_close(c.rejects, &err) != PP_OK)
        return cli_fail("ingest", &err);
    if (c.nfallback > 0)
        fprintf(stderr, "polyphony ingest: %ld record%s without the language field '%s' (first: "
                "%s): tagged %s\n", c.nfallback, c.nfallback == 1 ? "" : "s", o.lang_field,
                c.fallback_reason, o.lang && *o.lang ? o.lang : "und");
    /* Bad input never exits 0: rejected items are lost unless --rejects kept
     * them (an empty unit loses nothing, so it is only counted). */
    if (c.nrej > 0 && !c.rejects && (!quiet || c.nrej > c.nempty))
        fprintf(stderr, "polyphony ingest: %ld item%s rejected (use --rejects FILE to keep them)\n",
                c.nrej, c.nrej == 1 ? "" : "s");
    return c.nrej > c.nempty && !c.rejects ? 1 : 0;
}
