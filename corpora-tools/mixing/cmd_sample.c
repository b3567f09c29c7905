/* cmd_sample.c — `polyphony sample`: a multilingual mixture drawn to a budget.
 *
 * Two passes over the input: the first counts each language's documents and
 * characters and gives every document a seeded random key; the budget is
 * allocated across languages (pp_sample.h); a language allocated e epochs
 * gets every document floor(e) times plus the documents with the smallest
 * keys up to the fractional part; the second pass writes them in input order
 * (repeats of a document are adjacent — shuffle downstream). */
#include "config.h"
#include "src/cli/cli.h"
#include "corpora-tools/cmd_spool.h"
#include "src/pp_ledger.h"
#include "src/pp_record.h"
#include "corpora-tools/mixing/pp_sample.h"
#include "src/pp_text.h"

#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

static const char *CMD = "sample";

void usage_sample(FILE *out)
{
    fprintf(out,
            "Usage: polyphony sample --strategy temperature|unimax --budget N [OPTIONS] [FILE]\n"
            "Draw a multilingual mixture to a budget; report each language's share and epochs.\n"
            "\n"
            "  -s, --strategy NAME   temperature (p ~ size^alpha) or unimax (Chung et al. 2023)\n"
            "  -a, --alpha A         temperature exponent, 1/T (default 0.3)\n"
            "  -b, --budget N        documents or characters to draw (required)\n"
            "  -u, --unit UNIT       docs or chars (default docs)\n"
            "  -e, --epochs-cap E    at most E passes over any language (unimax default 1)\n"
            "      --seed S          random seed (default 1)\n"
            "  -o, --output FILE     sampled records (default stdout)\n"
            "      --report FILE     write the allocation as JSON\n"
            "      --dry-run         only report: table on stdout, no records\n"
            "      --ledger FILE     append per-language share and epochs rows\n"
            "      --rejects FILE    malformed records and records without lang go there\n"
            "      --strict          a malformed record or one without lang is an error\n"
            "  -q, --quiet           no table on stderr\n"
            "  -h, --help            show this help\n"
            "See polyphony-sample(1).\n");
}

typedef struct slang {
    char *lang;
    long docs;
    double chars;
    double size, alloc;
    /* per-document keys and sizes, in input order */
    uint64_t *key;
    double *dsize;
    size_t nd, cap;
    uint64_t thr;         /* docs with a key below it get one more copy */
    int thr_all;          /* ... or all of them */
    long full;            /* whole epochs */
    long drawn_docs;
    double drawn_units;
} slang;

typedef struct sstate {
    slang *l;
    size_t n, cap;
} sstate;

static slang *slang_get(sstate *s, const char *lang)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->l[i].lang, lang) == 0)
            return &s->l[i];
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 32;
        slang *nl = realloc(s->l, nc * sizeof *nl);
        if (!nl)
            return NULL;
        s->l = nl;
        s->cap = nc;
    }
    slang *L = &s->l[s->n];
    memset(L, 0, sizeof *L);
    if (!(L->lang = strdup(lang)))
        return NULL;
    s->n++;
    return L;
}

static void sstate_free(sstate *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->l[i].lang);
        free(s->l[i].key);
        free(s->l[i].dsize);
    }
    free(s->l);
}

static int cmp_lang(const void *a, const void *b)
{
    return strcmp(((const slang *)a)->lang, ((const slang *)b)->lang);
}

typedef struct korder {
    uint64_t key;
    double size;
} korder;

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = ((const korder *)a)->key, y = ((const korder *)b)->key;
    return x < y ? -1 : x > y;
}

/* Work out floor(epochs) and the key threshold for the fractional part. */
static int plan(slang *L, int chars)
{
    if (L->size <= 0.0 || L->alloc <= 0.0)
        return 1;
    double ep = L->alloc / L->size;
    L->full = (long)floor(ep + 1e-9);
    double rest = L->alloc - (double)L->full * L->size;
    L->drawn_docs = L->full * L->docs;
    L->drawn_units = (double)L->full * L->size;
    L->thr = 0;
    L->thr_all = 0;
    if (rest <= 1e-9)
        return 1;
    korder *o = malloc(L->nd * sizeof *o);
    if (!o)
        return 0;
    for (size_t i = 0; i < L->nd; i++) {
        o[i].key = L->key[i];
        o[i].size = L->dsize[i];
    }
    if (L->nd > 1)
        qsort(o, L->nd, sizeof *o, cmp_key);
    double acc = 0.0;
    size_t i = 0;
    /* docs: the rest is a whole number (largest-remainder rounding across
     * languages); chars: documents in key order while a document's middle
     * still falls inside the rest (the nearest total to it) */
    double want = rest;
    while (i < L->nd && acc < want - 1e-9) {
        double sz = chars ? o[i].size : 1.0;
        if (chars && acc + sz / 2.0 > want)
            break;
        acc += sz;
        i++;
    }
    if (i < L->nd)
        L->thr = o[i].key;
    else
        L->thr_all = 1;
    L->drawn_docs += (long)i;
    L->drawn_units += acc;
    free(o);
    return 1;
}

/* Units for each language. UniMax is pp_sample_unimax. Temperature with an
 * epoch cap: a language whose allocation would pass cap × its size is fixed
 * there, and the rest of the budget is split again by temperature over the
 * others, until no language passes its cap. */
static pp_status allocate(int unimax, const double *sizes, size_t n, double budget, double alpha,
                          double cap, double *alloc, pp_error *err)
{
    double *sh = malloc(n * sizeof *sh), *ep = malloc(n * sizeof *ep);
    double *sub = malloc(n * sizeof *sub);
    char *capped = calloc(n, 1);
    pp_status s = PP_OK;
    if (!sh || !ep || !sub || !capped) {
        s = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    if (unimax) {
        s = pp_sample_unimax(sizes, n, budget, cap, sh, ep, err);
        for (size_t i = 0; s == PP_OK && i < n; i++)
            alloc[i] = sh[i] * budget;
        goto out;
    }
    double left = budget;
    for (size_t i = 0; i < n; i++)
        alloc[i] = 0.0;
    for (;;) {
        size_t open = 0;
        for (size_t i = 0; i < n; i++) {
            sub[i] = capped[i] ? 0.0 : sizes[i];
            open += sub[i] > 0.0;
        }
        if (!open || left <= 0.0)
            break;
        s = pp_sample_temperature(sub, n, 1.0 / alpha, left, sh, ep, err);
        if (s != PP_OK)
            break;
        int changed = 0;
        for (size_t i = 0; i < n; i++)
            if (!capped[i]) {
                alloc[i] = sh[i] * left;
                if (cap > 0.0 && alloc[i] > cap * sizes[i]) {
                    alloc[i] = cap * sizes[i];
                    capped[i] = 1;
                    changed = 1;
                }
            }
        if (!changed)
            break;
        left = budget;
        for (size_t i = 0; i < n; i++)
            if (capped[i])
                left -= alloc[i];
    }
out:
    free(sh);
    free(ep);
    free(sub);
    free(capped);
    return s;
}

static uint64_t doc_key(uint64_t seed, long idx)
{
    uint64_t v[2] = {seed, (uint64_t)idx};
    return XXH3_64bits(v, sizeof v);
}

int cmd_sample(int argc, char **argv)
{
    enum { O_SEED = 256, O_REPORT, O_DRY };
    static const struct option opts[] = {
        {"strategy", required_argument, NULL, 's'}, {"alpha", required_argument, NULL, 'a'},
        {"budget", required_argument, NULL, 'b'},   {"unit", required_argument, NULL, 'u'},
        {"epochs-cap", required_argument, NULL, 'e'}, {"seed", required_argument, NULL, O_SEED},
        CLI_LONG_OUTPUT,                            {"report", required_argument, NULL, O_REPORT},
        {"dry-run", no_argument, NULL, O_DRY},      CLI_LONG_LEDGER, CLI_LONG_REJECTS,
        CLI_LONG_STRICT, CLI_LONG_QUIET, CLI_LONG_HELP,
        {NULL, 0, NULL, 0}};
    const char *strategy = NULL, *unit = "docs", *output = NULL, *report = NULL, *ledger = NULL;
    const char *rejects = NULL;
    double alpha = 0.3, budget = 0.0, cap = -1.0;
    long seed = 1;
    int dry = 0, quiet = 0, strict = 0, c, cr;
    cli_common co;
    cli_common_init(&co, "sample", NULL);
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:a:b:u:e:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 's': strategy = optarg; break;
        case 'a':
            if (!cli_parse_double(CMD, "--alpha", optarg, 1e-6, 100.0, &alpha))
                return 2;
            break;
        case 'b':
            if (!cli_parse_double(CMD, "--budget", optarg, 1e-9, 1e18, &budget))
                return 2;
            break;
        case 'u': unit = optarg; break;
        case 'e':
            if (!cli_parse_double(CMD, "--epochs-cap", optarg, 1e-9, 1e9, &cap))
                return 2;
            break;
        case O_SEED:
            if (!cli_parse_long(CMD, "--seed", optarg, 0, 0x7fffffffL, &seed))
                return 2;
            break;
        case O_REPORT: report = optarg; break;
        case O_DRY: dry = 1; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    output = co.output;
    ledger = co.ledger;
    rejects = co.rejects;
    strict = co.strict;
    quiet = co.quiet;
    if (!strategy)
        return cli_usage(CMD, "--strategy is required (temperature or unimax)");
    if (!(budget > 0.0))
        return cli_usage(CMD, "--budget is required");
    if (strcmp(unit, "docs") != 0 && strcmp(unit, "chars") != 0)
        return cli_usage(CMD, "--unit expects docs or chars, not '%s'", unit);
    if (argc - optind > 1)
        return cli_usage(CMD, "expects at most one input FILE");
    pp_error e;
    int unimax = strcmp(strategy, "unimax") == 0;
    if (!unimax && strcmp(strategy, "temperature") != 0)
        return cli_usage(CMD, "unknown strategy '%s' (expected temperature or unimax)", strategy);
    const char *sname = unimax ? "unimax" : "temperature";
    if (unimax && cap <= 0.0)
        cap = 1.0;
    int chars = strcmp(unit, "chars") == 0;
    const char *input = optind < argc ? argv[optind] : NULL;

    char *spool = NULL;
    sstate st = {0};
    pp_source *rd = NULL;
    pp_writer *out = NULL, *rej = NULL;
    double *sizes = NULL, *alloc = NULL;
    long bad = 0;
    int rc = 0, lost = 0;
    if (!dry && cmd_spool_stdin(input, &spool, &e) != PP_OK) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if (spool)
        input = spool;
    if (rejects && pp_writer_open(rejects, &rej, &e) != PP_OK) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    /* pass 1 */
    const char *const files[] = {input ? input : "-"};
    pp_source_opts so = {files, 1, "text", rej, strict, NULL};
    if (pp_source_open(&so, &rd, &e) != PP_OK) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    long idx = 0;
    for (;;) {
        json_t *rec = NULL;
        pp_error_clear(&e);
        pp_status s = pp_source_next(rd, &rec, &e);
        if (s != PP_OK && !pp_reader_can_go_on(s)) { /* the input ends */
            rc = cli_fail(CMD, &e);
            goto done;
        }
        if (s == PP_OK && !rec)
            break;
        const char *lang = rec ? pp_record_str(rec, "lang") : NULL;
        json_t *jt = rec ? json_object_get(rec, "text") : NULL;
        if (s == PP_OK && (!lang || !*lang)) {
            s = pp_source_reject(rd, rec, "record has no \"lang\"", &e);
            json_decref(rec);
            rec = NULL;
            if (s == PP_OK)
                continue; /* kept in --rejects */
            if (!pp_reader_can_go_on(s)) {
                rc = cli_fail(CMD, &e);
                goto done;
            }
        }
        if (s != PP_OK) { /* a bad line or record not kept in --rejects */
            json_decref(rec);
            if (strict) {
                rc = cli_fail(CMD, &e);
                goto done;
            }
            char buf[1700];
            cli_warn(CMD, "%s (record skipped)", pp_error_format(&e, buf, sizeof buf));
            continue;
        }
        slang *L = slang_get(&st, lang);
        double sz = chars ? (double)pp_utf8_length(json_string_value(jt), json_string_length(jt))
                          : 1.0;
        json_decref(rec);
        if (!L) {
            pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory");
            rc = cli_fail(CMD, &e);
            goto done;
        }
        if (L->nd == L->cap) {
            size_t nc = L->cap ? L->cap * 2 : 64;
            uint64_t *nk = realloc(L->key, nc * sizeof *nk);
            if (nk)
                L->key = nk;
            double *ns = realloc(L->dsize, nc * sizeof *ns);
            if (ns)
                L->dsize = ns;
            if (!nk || !ns) {
                pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory");
                rc = cli_fail(CMD, &e);
                goto done;
            }
            L->cap = nc;
        }
        L->key[L->nd] = doc_key((uint64_t)seed, idx++);
        L->dsize[L->nd++] = sz;
        L->docs++;
        L->chars += chars ? sz : 0.0;
        L->size += sz;
    }
    bad = pp_source_bad(rd);
    lost = pp_source_lost(rd);
    pp_source_close(rd);
    rd = NULL;
    if (st.n == 0) {
        pp_error_set(&e, PP_ERR_INVALID, input ? input : "<stdin>", 0,
                     "no usable records (each needs text and lang)");
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if (st.n > 1)
        qsort(st.l, st.n, sizeof *st.l, cmp_lang);
    sizes = malloc(st.n * sizeof *sizes);
    alloc = malloc(st.n * sizeof *alloc);
    if (!sizes || !alloc) {
        pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory");
        rc = cli_fail(CMD, &e);
        goto done;
    }
    for (size_t i = 0; i < st.n; i++)
        sizes[i] = st.l[i].size;
    if (allocate(unimax, sizes, st.n, budget, alpha, cap, alloc, &e) != PP_OK) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    if (!chars) {
        /* whole documents: floor everything, then hand the remaining documents
         * to the largest fractional parts (the total stays the rounded sum) */
        double sum = 0.0, fl = 0.0;
        for (size_t i = 0; i < st.n; i++) {
            sum += alloc[i];
            fl += floor(alloc[i] + 1e-9);
        }
        long extra = (long)floor(sum + 0.5 - fl);
        for (size_t i = 0; i < st.n; i++)
            sizes[i] = alloc[i] - floor(alloc[i] + 1e-9); /* reuse: fractional parts */
        for (size_t i = 0; i < st.n; i++)
            alloc[i] = floor(alloc[i] + 1e-9);
        for (; extra > 0; extra--) {
            size_t best = 0;
            for (size_t i = 1; i < st.n; i++)
                if (sizes[i] > sizes[best])
                    best = i;
            if (sizes[best] <= 0.0)
                break;
            alloc[best] += 1.0;
            sizes[best] = 0.0;
        }
    }
    double total = 0.0, natural = 0.0;
    for (size_t i = 0; i < st.n; i++) {
        st.l[i].alloc = alloc[i];
        if (!plan(&st.l[i], chars)) {
            pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory");
            rc = cli_fail(CMD, &e);
            goto done;
        }
        total += st.l[i].drawn_units;
        natural += st.l[i].size;
    }
    /* pass 2 */
    if (!dry) {
        /* pass 2: the same source with bad lines given back, to skip quietly */
        so.rejects = NULL;
        so.strict = 0;
        if (pp_writer_open(output, &out, &e) != PP_OK || pp_source_open(&so, &rd, &e) != PP_OK) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
        idx = 0;
        size_t *pos = calloc(st.n, sizeof *pos);
        if (!pos) {
            rc = 1;
            goto done;
        }
        for (;;) {
            json_t *rec = NULL;
            pp_status s = pp_source_next(rd, &rec, &e);
            if (s != PP_OK && !pp_reader_can_go_on(s)) {
                free(pos);
                rc = cli_fail(CMD, &e);
                goto done;
            }
            if (s == PP_OK && !rec)
                break;
            const char *lang = rec ? pp_record_str(rec, "lang") : NULL;
            if (s != PP_OK || !lang || !*lang) {
                json_decref(rec);
                continue;
            }
            size_t li = 0;
            while (li < st.n && strcmp(st.l[li].lang, lang) != 0)
                li++;
            slang *L = &st.l[li];
            size_t k = pos[li]++;
            idx++;
            long copies = L->full + ((L->thr_all || L->key[k] < L->thr) ? 1 : 0);
            for (long j = 0; j < copies && rc == 0; j++)
                if (pp_writer_put(out, rec, &e) != PP_OK)
                    rc = cli_fail(CMD, &e);
            json_decref(rec);
            if (rc)
                break;
        }
        free(pos);
        if (rc)
            goto done;
        pp_status s = pp_writer_close(out, &e);
        out = NULL;
        if (s != PP_OK) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
    }
    if (rej) {
        pp_status s = pp_writer_close(rej, &e);
        rej = NULL;
        if (s != PP_OK) {
            rc = cli_fail(CMD, &e);
            goto done;
        }
    }
    /* report */
    json_t *rep = json_object();
    json_object_set_new(rep, "strategy", json_string(sname));
    if (!unimax)
        json_object_set_new(rep, "alpha", json_real(alpha));
    json_object_set_new(rep, "unit", json_string(unit));
    json_object_set_new(rep, "budget", json_real(budget));
    json_object_set_new(rep, "epochs_cap", cap > 0 ? json_real(cap) : json_null());
    json_object_set_new(rep, "seed", json_integer(seed));
    json_object_set_new(rep, "drawn", json_real(total));
    json_t *langs = json_array();
    FILE *tab = dry ? stdout : quiet ? NULL : stderr;
    if (tab)
        fprintf(tab, "%-14s %10s %14s %9s %14s %9s %8s\n", "lang", "docs", unit, "natural",
                "drawn", "share", "epochs");
    for (size_t i = 0; i < st.n; i++) {
        slang *L = &st.l[i];
        double share = total > 0 ? L->drawn_units / total : 0.0;
        double nat = natural > 0 ? L->size / natural : 0.0;
        double ep = L->size > 0 ? L->drawn_units / L->size : 0.0;
        json_array_append_new(langs,
                              json_pack("{s:s,s:I,s:f,s:f,s:f,s:I,s:f,s:f}", "lang", L->lang,
                                        "docs", (json_int_t)L->docs, "size", L->size,
                                        "natural_share", nat, "drawn", L->drawn_units,
                                        "drawn_docs", (json_int_t)L->drawn_docs, "share", share,
                                        "epochs", ep));
        if (tab)
            fprintf(tab, "%-14s %10ld %14.0f %8.2f%% %14.0f %8.2f%% %8.3f\n", L->lang, L->docs,
                    L->size, 100.0 * nat, L->drawn_units, 100.0 * share, ep);
    }
    json_object_set_new(rep, "languages", langs);
    if (tab && total < budget * 0.99) /* beyond whole-document rounding */
        fprintf(tab, "the corpus fills %.0f of the budget of %.0f under the epoch cap\n", total,
                budget);
    if (report) {
        char *s = json_dumps(rep, JSON_INDENT(1));
        pp_output *o = NULL;
        pp_status ps = s ? pp_output_open(report, &o, &e)
                         : pp_error_set(&e, PP_ERR_NOMEM, NULL, 0, "out of memory");
        if (ps == PP_OK)
            ps = pp_output_write(o, s, strlen(s), &e);
        if (ps == PP_OK)
            ps = pp_output_write(o, "\n", 1, &e);
        if (ps == PP_OK)
            ps = pp_output_close(o, &e);
        else
            pp_output_abort(o);
        free(s);
        if (ps != PP_OK)
            rc = cli_fail(CMD, &e);
    }
    json_decref(rep);
    if (!rc && ledger) {
        pp_ledger *lg = NULL;
        pp_status ps = pp_ledger_open(ledger, "sample", &lg, &e);
        for (size_t i = 0; i < st.n && ps == PP_OK; i++) {
            slang *L = &st.l[i];
            ps = pp_ledger_add(lg, sname, L->lang, "share",
                               total > 0 ? L->drawn_units / total : 0.0, L->docs, NAN, NAN, &e);
            if (ps == PP_OK)
                ps = pp_ledger_add(lg, sname, L->lang, "epochs",
                                   L->size > 0 ? L->drawn_units / L->size : 0.0, L->docs, NAN,
                                   NAN, &e);
        }
        pp_status cs = pp_ledger_close(lg, ps == PP_OK ? &e : NULL);
        if (ps != PP_OK || cs != PP_OK)
            rc = cli_fail(CMD, &e);
    }
    if (bad && !quiet)
        cli_warn(CMD, "%ld malformed or unusable records were skipped", bad);
    if (lost && rc == 0)
        rc = 1; /* skipped without a --rejects file to hold them: not a clean run */
done:
    pp_source_close(rd);
    pp_writer_abort(out);
    pp_writer_abort(rej);
    free(sizes);
    free(alloc);
    sstate_free(&st);
    if (spool) {
        unlink(spool);
        free(spool);
    }
    return rc;
}
