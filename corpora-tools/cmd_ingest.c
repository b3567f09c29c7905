/* cmd_ingest.c — `polyphony ingest`: raw files in, corpus records (JSONL) out. */
#include "config.h"
#include "cli/cli.h"
#include "pp_ingest.h"
#include "pp_langtag.h"
#include "pp_progress.h"
#include "pp_record.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
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
    int quiet;
    long nrec;
    long nrej;
} ingest_ctx;

static pp_status on_emit(void *vctx, json_t *rec, pp_error *err)
{
    ingest_ctx *c = vctx;
    pp_status s = pp_writer_put(c->out, rec, err);
    json_decref(rec);
    c->nrec++;
    pp_progress_add(c->prog, 1, 0);
    return s;
}

static pp_status on_reject(void *vctx, const char *file, long line, const char *reason,
                           const char *raw, size_t rawlen, pp_error *err)
{
    ingest_ctx *c = vctx;
    c->nrej++;
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

int cmd_ingest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},  {"segment", required_argument, NULL, 's'},
        {"text-field", required_argument, NULL, 1}, {"lang-field", required_argument, NULL, 2},
        {"id-field", required_argument, NULL, 3},   {"lang", required_argument, NULL, 'l'},
        {"source", required_argument, NULL, 4},     {"license", required_argument, NULL, 5},
        {"meta", required_argument, NULL, 6},       {"output", required_argument, NULL, 'o'},
        {"rejects", required_argument, NULL, 7},    {"strict", no_argument, NULL, 8},
        {"progress", no_argument, NULL, 9},         {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    const char *output = NULL, *rejects = NULL;
    int strict = 0, progress = -1, quiet = 0;
    pp_error err;
    pp_error_clear(&err);
    optind = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "f:s:l:o:qh", longopts, NULL)) != -1) {
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
        case 'o':
            output = optarg;
            break;
        case 7:
            rejects = optarg;
            break;
        case 8:
            strict = 1;
            break;
        case 9:
            progress = 1;
            break;
        case 'q':
            quiet = 1;
            progress = 0;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            return cli_usage("ingest", "unknown option");
        }
    }
    if (o.lang) {
        /* a bad --lang is a usage error, not a reject per record */
        char canon[96];
        if (pp_langtag_canonicalize(o.lang, canon, sizeof canon, &err) != PP_OK)
            return cli_usage("ingest", "--lang: %s", err.message);
    }

    ingest_ctx c = {0};
    c.strict = strict;
    c.quiet = quiet;
    if (pp_writer_open(output, &c.out, &err) != PP_OK)
        return cli_fail("ingest", &err);
    if (rejects && pp_writer_open(rejects, &c.rejects, &err) != PP_OK) {
        pp_writer_abort(c.out);
        return cli_fail("ingest", &err);
    }
    c.prog = pp_progress_new(cli_progress_stream(progress), "ingest", "records");
    pp_ingest_sink sink = {on_emit, on_reject, &c};

    int nfiles = argc - optind;
    pp_status s = PP_OK;
    for (int i = 0; s == PP_OK && i < (nfiles > 0 ? nfiles : 1); i++) {
        const char *path = nfiles > 0 ? argv[optind + i] : "-";
        s = pp_ingest_file(path, &o, &sink, &err);
    }
    pp_progress_done(c.prog);
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
    if (c.nrej > 0 && !c.rejects && !quiet)
        fprintf(stderr, "polyphony ingest: %ld item%s rejected (use --rejects FILE to keep them)\n",
                c.nrej, c.nrej == 1 ? "" : "s");
    return 0;
}
