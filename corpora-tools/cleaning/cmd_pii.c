/* cmd_pii.c — `polyphony pii`: mark or redact emails, phone numbers, IP
 * addresses, IBANs and payment-card numbers in JSONL records. */
#include "config.h"
#include "src/cli/cli.h"
#include "src/pp_ledger.h"
#include "corpora-tools/cleaning/pp_pii.h"
#include "src/pp_progress.h"
#include "src/pp_record.h"
#include "src/pp_stats.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CMD "pii"
#define NTYPES 5

static const pp_pii_type ORDER[NTYPES] = {PP_PII_EMAIL, PP_PII_PHONE, PP_PII_IP, PP_PII_IBAN,
                                          PP_PII_CARD};

static int type_index(pp_pii_type t)
{
    for (int i = 0; i < NTYPES; i++)
        if (ORDER[i] == t)
            return i;
    return 0;
}

void usage_pii(FILE *f)
{
    fprintf(f,
            "Usage: polyphony pii [OPTIONS] [FILE...]\n"
            "\n"
            "Find personal data in the \"text\" of JSONL records: emails (also\n"
            "internationalized, and glued to text without spaces), phone numbers (any\n"
            "Unicode decimal digits), IPv4/IPv6 addresses, IBANs (mod-97) and payment\n"
            "cards (Luhn, length, issuer range). Without --redact each record gets a\n"
            "\"pii\" array of {type, start, end} (Unicode code point offsets into text);\n"
            "with --redact each match is replaced by <EMAIL>, <PHONE>, <IP>, <IBAN> or\n"
            "<CARD> and \"pii_redacted\" counts what was replaced. No FILE or '-' = stdin.\n"
            "\n"
            "Options:\n"
            "  -r, --redact        replace matches by typed tags\n"
            "  -t, --types LIST    comma-separated subset of email,phone,ip,iban,card\n"
            "                      (default all)\n"
            "      --ledger FILE   append per-language counts and the share of records\n"
            "                      with PII (Wilson 95%%)\n"
            "      --rejects FILE  write bad lines there (with a reason) and go on\n"
            "      --strict        treat bad lines as errors even with --rejects\n"
            "  -o, --output FILE   write there instead of stdout (.gz/.zst compress)\n"
            "      --progress, --quiet   force progress on stderr on or off\n"
            "  -h, --help          show this help\n"
            "\n"
            "Records without \"lang\" are counted as \"und\" in the ledger (reported).\n"
            "What it cannot find: see polyphony-pii(1) and docs/pii.md.\n");
}

typedef struct {
    char *lang;
    long n, with;
    long count[NTYPES];
} lrow;

typedef struct {
    lrow *rows;
    size_t n;
} ltab;

static lrow *lang_row(ltab *t, const char *lang)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].lang, lang) == 0)
            return &t->rows[i];
    lrow *r = realloc(t->rows, sizeof *r * (t->n + 1));
    if (!r)
        return NULL;
    t->rows = r;
    memset(&r[t->n], 0, sizeof r[0]);
    r[t->n].lang = strdup(lang);
    if (!r[t->n].lang)
        return NULL;
    return &r[t->n++];
}

static int process(json_t *rec, unsigned mask, int redact, lrow *lr, pp_error *err)
{
    json_t *t = json_object_get(rec, "text");
    const char *text = json_string_value(t);
    size_t len = json_string_length(t);
    pp_pii_span *sp = NULL;
    size_t n = 0;
    if (pp_pii_find(text, len, mask, &sp, &n, err) != PP_OK)
        return 0;
    lr->n++;
    if (n)
        lr->with++;
    for (size_t k = 0; k < n; k++)
        lr->count[type_index(sp[k].type)]++;
    int ok = 1;
    if (redact) {
        if (n) {
            char *out = NULL;
            size_t olen = 0;
            if (pp_pii_redact(text, len, sp, n, &out, &olen, err) != PP_OK) {
                free(sp);
                return 0;
            }
            json_object_set_new(rec, "text", json_stringn(out, olen));
            free(out);
            json_t *cnt = json_object();
            for (size_t k = 0; k < n; k++) {
                const char *nm = pp_pii_type_name(sp[k].type);
                json_t *v = json_object_get(cnt, nm);
                json_object_set_new(cnt, nm, json_integer(v ? json_integer_value(v) + 1 : 1));
            }
            json_object_set_new(rec, "pii_redacted", cnt);
        }
    } else {
        json_t *arr = json_array();
        for (size_t k = 0; k < n && arr; k++)
            json_array_append_new(arr, json_pack("{s:s,s:I,s:I}", "type",
                                                 pp_pii_type_name(sp[k].type), "start",
                                                 (json_int_t)sp[k].cstart, "end",
                                                 (json_int_t)sp[k].cend));
        if (!arr)
            ok = 0;
        else
            json_object_set_new(rec, "pii", arr);
    }
    free(sp);
    if (!ok)
        pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    return ok;
}

int cmd_pii(int argc, char **argv)
{
    static const struct option lo[] = {
        {"redact", no_argument, 0, 'r'},          {"types", required_argument, 0, 't'},
        CLI_LONG_LEDGER, CLI_LONG_REJECTS, CLI_LONG_STRICT, CLI_LONG_OUTPUT,
        CLI_LONG_PROGRESS, CLI_LONG_QUIET, CLI_LONG_HELP, {0, 0, 0, 0}};
    cli_common co;
    cli_common_init(&co, "pii", NULL);
    int redact = 0, strict = 0, progress = -1, c, cr;
    unsigned mask = PP_PII_ALL;
    const char *ledger = NULL, *rejects_path = NULL, *output = NULL;
    pp_error err;
    optind = 1;
    while ((c = getopt_long(argc, argv, "rt:o:" CLI_SHORT_COMMON, lo, NULL)) != -1) {
        switch (c) {
        case 'r': redact = 1; break;
        case 't':
            if (pp_pii_parse_types(optarg, &mask, &err) != PP_OK)
                return cli_usage(CMD, "%s", err.message);
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    ledger = co.ledger;
    rejects_path = co.rejects;
    strict = co.strict;
    output = co.output;
    progress = co.progress;
    char *def[] = {"-"};
    int nfiles = argc - optind;
    char **files = argv + optind;
    if (nfiles == 0) {
        nfiles = 1;
        files = def;
    }
    pp_writer *w = NULL, *rj = NULL;
    pp_source *src = NULL;
    ltab tab = {0};
    long nrejected = 0, no_lang = 0;
    int rc = 0;
    if (rejects_path && pp_writer_open(rejects_path, &rj, &err) != PP_OK)
        return cli_fail(CMD, &err);
    if (pp_writer_open(output, &w, &err) != PP_OK) {
        pp_writer_abort(rj);
        return cli_fail(CMD, &err);
    }
    pp_source_opts so = {(const char *const *)files, nfiles, "text", rj, strict, NULL};
    if (pp_source_open(&so, &src, &err) != PP_OK) {
        pp_writer_abort(w);
        pp_writer_abort(rj);
        return cli_fail(CMD, &err);
    }
    pp_progress *pg = pp_progress_new(cli_progress_stream(progress), "pii", "records");
    for (;;) {
        json_t *rec = NULL;
        pp_error_clear(&err);
        pp_status st = pp_source_next(src, &rec, &err);
        if (st != PP_OK) {
            rc = cli_fail(CMD, &err);
            if (!rj && pp_reader_can_go_on(st))
                fprintf(stderr, "polyphony %s: use --rejects FILE to set bad lines aside "
                                "and go on\n", CMD);
            break;
        }
        if (!rec)
            break;
        const char *display = pp_reader_name(pp_source_reader(src));
        long line = pp_reader_lineno(pp_source_reader(src));
        const char *lang = pp_record_str(rec, "lang");
        if (!lang || !*lang) {
            lang = "und";
            no_lang++;
        }
        lrow *lr = lang_row(&tab, lang);
        if (!lr) {
            json_decref(rec);
            pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            rc = cli_fail(CMD, &err);
            break;
        }
        size_t tl = json_string_length(json_object_get(rec, "text"));
        if (!process(rec, mask, redact, lr, &err) || pp_writer_put(w, rec, &err) != PP_OK) {
            if (!err.file[0]) {
                snprintf(err.file, sizeof err.file, "%s", display);
                err.line = line;
            }
            json_decref(rec);
            rc = cli_fail(CMD, &err);
            break;
        }
        json_decref(rec);
        pp_progress_add(pg, 1, (long)tl);
    }
    nrejected = pp_source_kept(src);
    pp_source_close(src);
    pp_progress_done(pg);
    if (rc == 0) {
        if (pp_writer_close(w, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
        w = NULL;
    }
    pp_writer_abort(w);
    if (rj) {
        if (rc == 0 && pp_writer_close(rj, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
        else if (rc)
            pp_writer_abort(rj);
        if (rc == 0 && nrejected)
            cli_warn(CMD, "%ld bad line%s written to %s", nrejected, nrejected == 1 ? "" : "s",
                     rejects_path);
    }
    if (no_lang)
        cli_warn(CMD, "%ld record%s without \"lang\": counted as \"und\" in the ledger", no_lang,
                 no_lang == 1 ? "" : "s");
    if (rc == 0) {
        long tot[NTYPES] = {0}, n = 0, with = 0;
        for (size_t i = 0; i < tab.n; i++) {
            n += tab.rows[i].n;
            with += tab.rows[i].with;
            for (int k = 0; k < NTYPES; k++)
                tot[k] += tab.rows[i].count[k];
        }
        fprintf(stderr,
                "polyphony %s: %ld %s, %ld with PII: %ld email, %ld phone, %ld ip, %ld "
                "iban, %ld card%s\n",
                CMD, n, cli_noun(n, "record", "records"), with, tot[0], tot[1], tot[2], tot[3], tot[4], redact ? " (redacted)" : "");
    }
    if (rc == 0 && ledger) {
        pp_ledger *lg = NULL;
        if (pp_ledger_open(ledger, "pii", &lg, &err) != PP_OK) {
            rc = cli_fail(CMD, &err);
        } else {
            const char *step = redact ? "redact" : "detect";
            for (size_t i = 0; i < tab.n && rc == 0; i++) {
                lrow *r = &tab.rows[i];
                double wlo, whi;
                pp_wilson_interval(r->with, r->n, &wlo, &whi);
                if (pp_ledger_add(lg, step, r->lang, "records_with_pii",
                                  r->n ? (double)r->with / r->n : 0.0, r->n, wlo, whi, &err) != PP_OK)
                    rc = 1;
                for (int k = 0; k < NTYPES && rc == 0; k++) {
                    if (!(mask & ORDER[k]))
                        continue;
                    if (pp_ledger_add(lg, step, r->lang, pp_pii_type_name(ORDER[k]),
                                      (double)r->count[k], r->n, NAN, NAN, &err) != PP_OK)
                        rc = 1;
                }
            }
            if (pp_ledger_close(lg, rc ? NULL : &err) != PP_OK)
                rc = 1;
            if (rc)
                cli_fail(CMD, &err);
        }
    }
    for (size_t i = 0; i < tab.n; i++)
        free(tab.rows[i].lang);
    free(tab.rows);
    return rc;
}
