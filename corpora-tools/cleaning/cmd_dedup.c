/* cmd_dedup.c — `polyphony dedup`: exact and near-duplicate removal, in one
 * process or in the shardable two-phase mode (signatures / merge / apply). */
#include "config.h"
#include "src/cli/cli.h"
#include "corpora-tools/cmd_spool.h"
#include "corpora-tools/cleaning/pp_dedup.h"
#include "src/pp_ledger.h"
#include "src/pp_progress.h"
#include "src/pp_record.h"
#include "src/pp_stats.h"
#include "src/pp_stream.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CMD "dedup"

typedef struct {
    pp_dedup_params p;
    int mark;
    const char *ledger;
    const char *rejects_path;
    const char *output;
    const char *table;
    const char *name;
    int strict;
    int progress;
    pp_writer *rejects;
    long nrejected;
    long no_id;
    long no_lang;
} opts;

static const char syn_single[] = "polyphony dedup [OPTIONS] [FILE...]\n";
static const char syn_signatures[] = "polyphony dedup signatures [OPTIONS] SHARD > SHARD.sig\n";
static const char syn_merge[] =
    "polyphony dedup merge [--threshold J] [--ledger F] [-o TABLE] SIG...\n";
static const char syn_apply[] = "polyphony dedup apply --table TABLE [--mark] [-o OUT] SHARD\n";

/* The help after the synopsis, shared by the single pass and the two-phase mode
 * (one option table): the defaults come from the library. */
static void usage_body(FILE *f)
{
    pp_dedup_params d;
    pp_dedup_params_default(&d);
    fprintf(f,
            "\n"
            "Remove exact duplicates (XXH3-128 of NFKC_Casefold text with collapsed white\n"
            "space) and near duplicates (MinHash + LSH banding, candidates verified by the\n"
            "estimated Jaccard similarity). In each cluster the first record in input order\n"
            "is kept. No FILE or '-' reads stdin (spooled to a temporary file: the input is\n"
            "read twice, only signatures stay in memory).\n"
            "\n"
            "Options:\n"
            "  -t, --threshold J   Jaccard similarity for near duplicates (default %.2f)\n"
            "  -m, --mark          keep every record; add \"dup_of\" (kept id) and \"dup_kind\"\n"
            "                      (exact|near) to duplicates\n"
            "  -s, --shingle S     auto | word:N | char:N (default auto = word:%d for scripts\n"
            "                      written with spaces, char:%d for Thai, Lao, Khmer, Myanmar,\n"
            "                      Tibetan, Han, kana, Balinese, Javanese)\n"
            "  -b, --bands B       LSH bands (default %d)\n"
            "  -r, --rows R        MinHash values per band (default %d); B x R permutations;\n"
            "                      the LSH S-curve is at (1/B)^(1/R) = %.3f by default\n"
            "      --seed S        permutation seed (default %" PRIu64 ")\n"
            "      --bucket-cap N  compare with at most N members of one bucket (default %d)\n"
            "      --ledger FILE   append per-language removed shares (Wilson 95%%)\n"
            "      --rejects FILE  write bad lines there (with a reason) and go on\n"
            "      --strict        treat bad lines as errors even with --rejects\n"
            "  -o, --output FILE   write there instead of stdout (.gz/.zst compress)\n"
            "      --name NAME     shard name stored in signatures / looked up by apply\n"
            "                      (default: the file's base name)\n"
            "      --table FILE    duplicates table made by 'dedup merge' (for apply)\n"
            "      --progress, --quiet   force progress on stderr on or off\n"
            "  -h, --help          show this help\n"
            "\n"
            "Records without \"id\" get the position id FILE:LINE in dup_of; records\n"
            "without \"lang\" are counted as \"und\" in the ledger (both are reported).\n",
            d.threshold, d.word_n, d.char_n, d.bands, d.rows,
            pp_dedup_lsh_threshold(d.bands, d.rows), d.seed, d.bucket_cap);
}

void usage_dedup(FILE *f)
{
    fprintf(f, "Usage: %s       %s       %s       %s", syn_single, syn_signatures, syn_merge,
            syn_apply);
    usage_body(f);
}

void usage_dedup_signatures(FILE *f)
{
    fprintf(f, "Usage: %s", syn_signatures);
    usage_body(f);
}

void usage_dedup_merge(FILE *f)
{
    fprintf(f, "Usage: %s", syn_merge);
    usage_body(f);
}

void usage_dedup_apply(FILE *f)
{
    fprintf(f, "Usage: %s", syn_apply);
    usage_body(f);
}

static int parse_opts(int argc, char **argv, opts *o, const char *mode)
{
    enum { O_SEED = 256, O_NAME, O_TABLE, O_CAP };
    cli_common co;
    cli_common_init(&co, "dedup", mode);
    static const struct option lo[] = {
        {"threshold", required_argument, 0, 't'}, {"mark", no_argument, 0, 'm'},
        {"shingle", required_argument, 0, 's'},   {"bands", required_argument, 0, 'b'},
        {"rows", required_argument, 0, 'r'},      {"seed", required_argument, 0, O_SEED},
        CLI_LONG_LEDGER, CLI_LONG_REJECTS, CLI_LONG_STRICT, CLI_LONG_OUTPUT,
        {"name", required_argument, 0, O_NAME},   {"table", required_argument, 0, O_TABLE},
        CLI_LONG_PROGRESS, CLI_LONG_QUIET,
        {"bucket-cap", required_argument, 0, O_CAP}, CLI_LONG_HELP,
        {0, 0, 0, 0}};
    int c, cr;
    long v;
    pp_error err;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:ms:b:r:o:" CLI_SHORT_COMMON, lo, NULL)) != -1) {
        switch (c) {
        case 't':
            if (!cli_parse_double(CMD, "--threshold", optarg, 0.0, 1.0, &o->p.threshold))
                return 2;
            break;
        case 'm': o->mark = 1; break;
        case 's':
            if (pp_dedup_parse_shingle(optarg, &o->p, &err) != PP_OK)
                return cli_usage(CMD, "%s", err.message);
            break;
        case 'b':
            if (!cli_parse_long(CMD, "--bands", optarg, 1, PP_DEDUP_MAX_PERM, &v))
                return 2;
            o->p.bands = (int)v;
            break;
        case 'r':
            if (!cli_parse_long(CMD, "--rows", optarg, 1, PP_DEDUP_MAX_PERM, &v))
                return 2;
            o->p.rows = (int)v;
            break;
        case O_SEED: {
            char *end;
            unsigned long long s = strtoull(optarg, &end, 10);
            if (end == optarg || *end || optarg[0] == '-')
                return cli_usage(CMD, "--seed expects a non-negative integer, not '%s'", optarg);
            o->p.seed = s;
            break;
        }
        case O_CAP:
            if (!cli_parse_long(CMD, "--bucket-cap", optarg, 1, 1L << 30, &v))
                return 2;
            o->p.bucket_cap = (int)v;
            break;
        case O_NAME: o->name = optarg; break;
        case O_TABLE: o->table = optarg; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    o->ledger = co.ledger;
    o->rejects_path = co.rejects;
    o->strict = co.strict;
    o->output = co.output;
    o->progress = co.progress;
    if (pp_dedup_params_check(&o->p, &err) != PP_OK)
        return cli_usage(CMD, "%s", err.message);
    return -1;
}

static const char *base_name(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return "<stdin>";
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* ---- reading records with the bad-input policy ---- */

typedef struct {
    json_t *rec;
    const char *raw; /* the input line, valid until the next read */
    size_t rawlen;
    const char *text;
    size_t tlen;
    char id[256];
    const char *idp;
    int id_is_position;
    const char *lang;
    long line;
} item;

/* Open `path` as a record source named `display` in messages and rejects.
 * With `report` zero (pass two) bad lines come back quietly to be skipped:
 * pass one reported them. 0 on success, else the exit status (printed). */
static int open_source(opts *o, const char *path, const char *display, int report,
                       pp_source **src)
{
    pp_error err;
    const char *const files[] = {path}, *const names[] = {display};
    pp_source_opts so = {files, 1, "text", report ? o->rejects : NULL, report && o->strict,
                         names};
    if (pp_source_open(&so, src, &err) != PP_OK)
        return cli_fail(CMD, &err);
    return 0;
}

/* 1: a usable record in *it; 0: end; -1: error (printed). When `report` is
 * zero the bad lines are skipped quietly (they were reported in pass one). */
static int next_item(opts *o, pp_source *src, const char *display, int report, item *it)
{
    for (;;) {
        pp_error err;
        pp_error_clear(&err);
        json_t *rec = NULL;
        pp_status st = pp_source_next(src, &rec, &err);
        if (st != PP_OK && pp_reader_can_go_on(st) && !report)
            continue;
        if (st != PP_OK) {
            cli_fail(CMD, &err);
            if (pp_reader_can_go_on(st) && !o->rejects)
                fprintf(stderr, "polyphony %s: use --rejects FILE to set bad lines aside "
                                "and go on\n", CMD);
            return -1;
        }
        if (!rec)
            return 0;
        pp_reader *r = pp_source_reader(src);
        long line = pp_reader_lineno(r);
        json_t *t = json_object_get(rec, "text");
        it->rec = rec;
        it->raw = pp_reader_raw(r, &it->rawlen);
        while (it->rawlen > 0 && (it->raw[it->rawlen - 1] == '\r' || it->raw[it->rawlen - 1] == ' ' ||
                                  it->raw[it->rawlen - 1] == '\t'))
            it->rawlen--;
        it->text = json_string_value(t);
        it->tlen = json_string_length(t);
        it->line = line;
        json_t *id = json_object_get(rec, "id");
        it->id_is_position = 0;
        if (json_is_string(id)) {
            it->idp = json_string_value(id);
        } else if (json_is_integer(id)) {
            snprintf(it->id, sizeof it->id, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
            it->idp = it->id;
        } else {
            snprintf(it->id, sizeof it->id, "%s:%ld", display, line);
            it->idp = it->id;
            it->id_is_position = 1;
            if (report)
                o->no_id++;
        }
        it->lang = pp_record_str(rec, "lang");
        if ((!it->lang || !*it->lang) && report)
            o->no_lang++;
        return 1;
    }
}

static int open_rejects(opts *o)
{
    if (!o->rejects_path)
        return 1;
    pp_error err;
    if (pp_writer_open(o->rejects_path, &o->rejects, &err) != PP_OK) {
        cli_fail(CMD, &err);
        return 0;
    }
    return 1;
}

static int close_rejects(opts *o)
{
    pp_error err;
    if (o->rejects && pp_writer_close(o->rejects, &err) != PP_OK) {
        o->rejects = NULL;
        return cli_fail(CMD, &err);
    }
    o->rejects = NULL;
    if (o->nrejected)
        cli_warn(CMD, "%ld bad line%s written to %s", o->nrejected, o->nrejected == 1 ? "" : "s",
                 o->rejects_path);
    return 0;
}

static void notes(opts *o)
{
    if (o->no_id)
        cli_warn(CMD, "%ld record%s without \"id\": position ids FILE:LINE are used for them",
                 o->no_id, o->no_id == 1 ? "" : "s");
    if (o->no_lang)
        cli_warn(CMD, "%ld record%s without \"lang\": counted as \"und\" in the ledger", o->no_lang,
                 o->no_lang == 1 ? "" : "s");
}

/* ---- per-language report ---- */

static int report(opts *o, pp_dedup_index *ix)
{
    uint32_t n = pp_dedup_index_count(ix);
    /* languages are interned in first-seen order; gather counts by name */
    typedef struct { const char *lang; long n, exact, near; } row;
    row *rows = NULL;
    size_t nrows = 0;
    long tot_exact = 0, tot_near = 0;
    for (uint32_t d = 0; d < n; d++) {
        const char *l = pp_dedup_index_lang(ix, d);
        size_t i;
        for (i = 0; i < nrows; i++)
            if (rows[i].lang == l)
                break;
        if (i == nrows) {
            row *nr = realloc(rows, sizeof(row) * (nrows + 1));
            if (!nr) {
                free(rows);
                pp_error err;
                pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                return cli_fail(CMD, &err);
            }
            rows = nr;
            rows[nrows++] = (row){l, 0, 0, 0};
        }
        rows[i].n++;
        pp_dup_kind k = pp_dedup_index_kind(ix, d);
        if (k == PP_DUP_EXACT) {
            rows[i].exact++;
            tot_exact++;
        } else if (k == PP_DUP_NEAR) {
            rows[i].near++;
            tot_near++;
        }
    }
    uint64_t ncmp = pp_dedup_index_comparisons(ix);
    fprintf(stderr, "polyphony %s: %u %s, %ld exact and %ld near %s%s (%" PRIu64 " candidate %s verified)\n",
            CMD, n, cli_noun(n, "record", "records"), tot_exact, tot_near,
            cli_noun(tot_exact + tot_near, "duplicate", "duplicates"),
            o->mark ? " marked" : " removed", ncmp, cli_noun(ncmp, "pair", "pairs"));
    int rc = 0;
    if (o->ledger) {
        pp_ledger *lg = NULL;
        pp_error err;
        if (pp_ledger_open(o->ledger, "dedup", &lg, &err) != PP_OK) {
            free(rows);
            return cli_fail(CMD, &err);
        }
        for (size_t i = 0; i < nrows && rc == 0; i++) {
            double lo, hi, nn = (double)rows[i].n;
            long rm = rows[i].exact + rows[i].near;
            pp_wilson_interval(rm, rows[i].n, &lo, &hi);
            if (pp_ledger_add(lg, "dedup", rows[i].lang, "removed", rm / nn, rows[i].n, lo, hi,
                              &err) != PP_OK)
                rc = 1;
            pp_wilson_interval(rows[i].exact, rows[i].n, &lo, &hi);
            if (!rc && pp_ledger_add(lg, "exact", rows[i].lang, "removed", rows[i].exact / nn,
                                     rows[i].n, lo, hi, &err) != PP_OK)
                rc = 1;
            pp_wilson_interval(rows[i].near, rows[i].n, &lo, &hi);
            if (!rc && pp_ledger_add(lg, "near", rows[i].lang, "removed", rows[i].near / nn,
                                     rows[i].n, lo, hi, &err) != PP_OK)
                rc = 1;
        }
        if (pp_ledger_close(lg, rc ? NULL : &err) != PP_OK)
            rc = 1;
        if (rc)
            cli_fail(CMD, &err);
    }
    free(rows);
    return rc;
}

/* ---- pass one: signatures into an index or a signature file ---- */

/* The exact hashes seen in one shard (signature mode): a record whose exact
 * twin came earlier in the shard needs no MinHash, since merge resolves it by
 * the exact hash before looking at its shingles. */
typedef struct {
    uint8_t (*keys)[16];
    unsigned char *used;
    size_t cap, n;
} exact_set;

static int exact_set_add(exact_set *s, const uint8_t k[16])
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 4096;
        uint8_t(*nk)[16] = malloc(nc * 16);
        unsigned char *nu = calloc(nc, 1);
        if (!nk || !nu) {
            free(nk);
            free(nu);
            return -1;
        }
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->used[i])
                continue;
            uint64_t h;
            memcpy(&h, s->keys[i], 8);
            size_t j = h & (nc - 1);
            while (nu[j])
                j = (j + 1) & (nc - 1);
            memcpy(nk[j], s->keys[i], 16);
            nu[j] = 1;
        }
        free(s->keys);
        free(s->used);
        s->keys = nk;
        s->used = nu;
        s->cap = nc;
    }
    uint64_t h;
    memcpy(&h, k, 8);
    size_t j = h & (s->cap - 1);
    while (s->used[j]) {
        if (memcmp(s->keys[j], k, 16) == 0)
            return 1;
        j = (j + 1) & (s->cap - 1);
    }
    memcpy(s->keys[j], k, 16);
    s->used[j] = 1;
    s->n++;
    return 0;
}

typedef struct {
    pp_dedup_index *ix;
    exact_set *set;
    int oom;
} skip_ctx;

static int skip_seen(void *ud, const uint8_t exact[16])
{
    skip_ctx *c = ud;
    if (c->ix)
        return pp_dedup_index_has_exact(c->ix, exact);
    int r = exact_set_add(c->set, exact);
    if (r < 0) {
        c->oom = 1;
        return 0;
    }
    return r;
}

static int sign_file(opts *o, const char *path, const char *display, const char *shardname,
                     pp_dedup_index *ix, uint32_t shard, pp_sig_writer *sw, pp_progress *pg)
{
    pp_source *r = NULL;
    pp_error err;
    int orc = open_source(o, path, shardname, 1, &r);
    if (orc)
        return orc;
    int k = o->p.bands * o->p.rows;
    uint32_t *mh = malloc(sizeof(uint32_t) * (size_t)k);
    uint64_t *bh = malloc(sizeof(uint64_t) * (size_t)o->p.bands);
    int rc = 0;
    if (!mh || !bh) {
        pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        rc = cli_fail(CMD, &err);
    }
    exact_set set = {0};
    skip_ctx sk = {ix, &set, 0};
    item it;
    int got;
    while (rc == 0 && (got = next_item(o, r, shardname, 1, &it)) != 0) {
        if (got < 0) {
            rc = 1;
            break;
        }
        pp_sig_entry e = {0};
        e.pos = (uint64_t)it.line;
        e.id = it.idp;
        e.id_is_position = it.id_is_position;
        e.lang = it.lang ? it.lang : "";
        pp_status st = pp_dedup_signature_skip(&o->p, it.text, it.tlen, skip_seen, &sk, e.exact,
                                               mh, bh, &e.nshingles, &err);
        if (st == PP_OK && sk.oom)
            st = pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        e.minhash = mh;
        e.bands = bh;
        if (st == PP_OK && ix)
            st = pp_dedup_index_add(ix, shard, e.pos, e.id, e.lang, e.exact, mh, bh, e.nshingles,
                                    NULL, &err);
        if (st == PP_OK && sw)
            st = pp_sig_writer_put(sw, &e, &err);
        json_decref(it.rec);
        if (st != PP_OK) {
            if (!err.file[0]) {
                snprintf(err.file, sizeof err.file, "%s", display);
                err.line = it.line;
            }
            rc = cli_fail(CMD, &err);
        }
        pp_progress_add(pg, 1, (long)it.tlen);
    }
    free(mh);
    free(bh);
    free(set.keys);
    free(set.used);
    o->nrejected += pp_source_kept(r);
    pp_source_close(r);
    return rc;
}

/* ---- pass two: write records, dropping or marking duplicates ---- */

typedef struct {
    uint64_t pos;
    char *dup_of;
    int exact;
} tab_row;

static int emit(opts *o, pp_writer *w, item *it, const char *dup_of, int exact, pp_error *err)
{
    if (!dup_of) /* kept records are copied byte for byte */
        return pp_writer_put_raw(w, it->raw, it->rawlen, err) == PP_OK ? 0 : 1;
    if (!o->mark)
        return 0;
    json_object_set_new(it->rec, "dup_of", json_string(dup_of));
    json_object_set_new(it->rec, "dup_kind", json_string(exact ? "exact" : "near"));
    return pp_writer_put(w, it->rec, err) == PP_OK ? 0 : 1;
}

static int run_single(opts *o, int nfiles, char **files)
{
    char *stdin_file = NULL;
    int rc = 0;
    pp_error err;
    pp_dedup_index *ix = NULL;
    pp_writer *w = NULL;
    char *def[] = {"-"};
    if (nfiles == 0) {
        nfiles = 1;
        files = def;
    }
    for (int i = 0; i < nfiles; i++)
        if (strcmp(files[i], "-") == 0 && !stdin_file) {
            if (cmd_spool_stdin(files[i], &stdin_file, &err) != PP_OK)
                return cli_fail(CMD, &err);
        }
    if (pp_dedup_index_new(&o->p, &ix, &err) != PP_OK) {
        rc = cli_fail(CMD, &err);
        goto done;
    }
    if (!open_rejects(o)) {
        rc = 1;
        goto done;
    }
    pp_progress *pg = pp_progress_new(cli_progress_stream(o->progress), "dedup", "records");
    for (int i = 0; i < nfiles && rc == 0; i++) {
        int isin = strcmp(files[i], "-") == 0;
        const char *path = isin ? stdin_file : files[i];
        const char *display = isin ? "<stdin>" : files[i];
        uint32_t shard;
        if (pp_dedup_index_shard(ix, display, &shard, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
        else
            rc = sign_file(o, path, display, display, ix, shard, NULL, pg);
    }
    pp_progress_done(pg);
    if (rc)
        goto done;
    if (pp_writer_open(o->output, &w, &err) != PP_OK) {
        rc = cli_fail(CMD, &err);
        goto done;
    }
    uint32_t d = 0, n = pp_dedup_index_count(ix);
    for (int i = 0; i < nfiles && rc == 0; i++) {
        int isin = strcmp(files[i], "-") == 0;
        const char *path = isin ? stdin_file : files[i];
        const char *display = isin ? "<stdin>" : files[i];
        pp_source *r = NULL;
        if ((rc = open_source(o, path, display, 0, &r)) != 0)
            break;
        item it;
        int got;
        while ((got = next_item(o, r, display, 0, &it)) > 0) {
            if (d >= n) {
                json_decref(it.rec);
                pp_error_set(&err, PP_ERR_IO, display, it.line, "input changed between passes");
                rc = cli_fail(CMD, &err);
                break;
            }
            uint32_t kept = pp_dedup_index_kept(ix, d);
            const char *dup = kept == d ? NULL : pp_dedup_index_id(ix, kept);
            if (emit(o, w, &it, dup, pp_dedup_index_kind(ix, d) == PP_DUP_EXACT, &err))
                rc = cli_fail(CMD, &err);
            json_decref(it.rec);
            d++;
            if (rc)
                break;
        }
        if (got < 0)
            rc = 1;
        pp_source_close(r);
    }
    if (rc == 0 && d != n) {
        pp_error_set(&err, PP_ERR_IO, NULL, 0, "input changed between passes");
        rc = cli_fail(CMD, &err);
    }
    if (rc == 0) {
        if (pp_writer_close(w, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
        w = NULL;
    }
    if (rc == 0)
        rc = report(o, ix);
done:
    pp_writer_abort(w);
    if (o->rejects) {
        if (rc)
            pp_writer_abort(o->rejects), o->rejects = NULL;
        else
            rc = close_rejects(o);
    }
    notes(o);
    pp_dedup_index_free(ix);
    if (stdin_file)
        unlink(stdin_file);
    free(stdin_file);
    return rc;
}

/* ---- two-phase mode ---- */

static int run_signatures(opts *o, int nfiles, char **files)
{
    if (nfiles != 1)
        return cli_usage(CMD, "dedup signatures takes exactly one SHARD (got %d)", nfiles);
    pp_error err;
    const char *shard = o->name ? o->name : base_name(files[0]);
    if (strcmp(files[0], "-") == 0 && !o->name)
        return cli_usage(CMD, "dedup signatures on stdin needs --name NAME");
    if (!open_rejects(o))
        return 1;
    pp_sig_writer *sw = NULL;
    if (pp_sig_writer_open(o->output, &o->p, shard, &sw, &err) != PP_OK) {
        pp_writer_abort(o->rejects);
        return cli_fail(CMD, &err);
    }
    pp_progress *pg = pp_progress_new(cli_progress_stream(o->progress), "signatures", "records");
    int rc = sign_file(o, files[0], strcmp(files[0], "-") == 0 ? "<stdin>" : files[0], shard, NULL,
                       0, sw, pg);
    pp_progress_done(pg);
    if (rc == 0) {
        if (pp_sig_writer_close(sw, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
    } else {
        pp_sig_writer_abort(sw);
    }
    if (rc)
        pp_writer_abort(o->rejects), o->rejects = NULL;
    else
        rc = close_rejects(o);
    notes(o);
    return rc;
}

static int run_merge(opts *o, int nfiles, char **files)
{
    if (nfiles < 1)
        return cli_usage(CMD, "dedup merge needs at least one signature file");
    pp_error err;
    pp_dedup_index *ix = NULL;
    pp_dedup_params first;
    int rc = 0;
    pp_writer *w = NULL;
    long *nrec = calloc((size_t)nfiles, sizeof *nrec); /* records per shard */
    if (!nrec) {
        pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        return cli_fail(CMD, &err);
    }
    for (int i = 0; i < nfiles && rc == 0; i++) {
        pp_sig_reader *r = NULL;
        pp_dedup_params p;
        const char *shard;
        if (pp_sig_reader_open(files[i], &p, &shard, &r, &err) != PP_OK) {
            rc = cli_fail(CMD, &err);
            break;
        }
        if (i == 0) {
            first = p;
            p.threshold = o->p.threshold;
            p.bucket_cap = o->p.bucket_cap;
            if (pp_dedup_index_new(&p, &ix, &err) != PP_OK) {
                pp_sig_reader_close(r);
                rc = cli_fail(CMD, &err);
                break;
            }
        } else if (!pp_dedup_params_compatible(&first, &p)) {
            pp_sig_reader_close(r);
            pp_error_set(&err, PP_ERR_INVALID, files[i], 0,
                         "signatures made with other shingles, bands, rows or seed than %s",
                         files[0]);
            rc = cli_fail(CMD, &err);
            break;
        }
        for (uint32_t s = 0; s + 1 <= (uint32_t)i; s++)
            if (strcmp(pp_dedup_index_shard_name(ix, s), shard) == 0) {
                pp_error_set(&err, PP_ERR_INVALID, files[i], 0,
                             "shard name '%s' appears twice (use --name when signing)", shard);
                rc = cli_fail(CMD, &err);
            }
        uint32_t sh;
        if (rc == 0 && pp_dedup_index_shard(ix, shard, &sh, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
        int more = 1;
        while (rc == 0) {
            pp_sig_entry e;
            if (pp_sig_reader_next(r, &e, &more, &err) != PP_OK) {
                rc = cli_fail(CMD, &err);
                break;
            }
            if (!more)
                break;
            nrec[i]++;
            if (e.id_is_position)
                o->no_id++;
            if (!*e.lang)
                o->no_lang++;
            if (pp_dedup_index_add(ix, sh, e.pos, e.id, e.lang, e.exact, e.minhash, e.bands,
                                   e.nshingles, NULL, &err) != PP_OK)
                rc = cli_fail(CMD, &err);
        }
        pp_sig_reader_close(r);
    }
    if (rc == 0 && pp_writer_open(o->output, &w, &err) != PP_OK)
        rc = cli_fail(CMD, &err);
    /* One row per shard first, so that apply can tell a shard with no
     * duplicates from a shard this table was not made for. */
    for (int i = 0; rc == 0 && i < nfiles; i++) {
        json_t *row = json_pack("{s:s,s:I}", "shard", pp_dedup_index_shard_name(ix, (uint32_t)i),
                                "records", (json_int_t)nrec[i]);
        if (!row || pp_writer_put(w, row, &err) != PP_OK) {
            if (!row)
                pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            rc = cli_fail(CMD, &err);
        }
        json_decref(row);
    }
    free(nrec);
    nrec = NULL;
    uint32_t n = ix ? pp_dedup_index_count(ix) : 0;
    for (uint32_t d = 0; rc == 0 && d < n; d++) {
        uint32_t kept = pp_dedup_index_kept(ix, d);
        if (kept == d)
            continue;
        json_t *row = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s}", "shard",
                                pp_dedup_index_shard_name(ix, pp_dedup_index_doc_shard(ix, d)),
                                "pos", (json_int_t)pp_dedup_index_pos(ix, d), "id",
                                pp_dedup_index_id(ix, d), "dup_of", pp_dedup_index_id(ix, kept),
                                "kept_shard",
                                pp_dedup_index_shard_name(ix, pp_dedup_index_doc_shard(ix, kept)),
                                "kind",
                                pp_dedup_index_kind(ix, d) == PP_DUP_EXACT ? "exact" : "near");
        if (!row) {
            pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            rc = cli_fail(CMD, &err);
            break;
        }
        if (pp_writer_put(w, row, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
        json_decref(row);
    }
    if (rc == 0) {
        if (pp_writer_close(w, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
        w = NULL;
    }
    if (rc == 0)
        rc = report(o, ix);
    pp_writer_abort(w);
    notes(o);
    pp_dedup_index_free(ix);
    free(nrec);
    return rc;
}

static int cmp_row(const void *a, const void *b)
{
    const tab_row *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int run_apply(opts *o, int nfiles, char **files)
{
    if (!o->table)
        return cli_usage(CMD, "dedup apply needs --table TABLE (from dedup merge)");
    if (nfiles != 1)
        return cli_usage(CMD, "dedup apply takes exactly one SHARD (got %d)", nfiles);
    const char *shard = o->name ? o->name : base_name(files[0]);
    const char *display = strcmp(files[0], "-") == 0 ? "<stdin>" : files[0];
    pp_error err;
    pp_reader *tr = NULL;
    if (pp_reader_open(o->table, &tr, &err) != PP_OK)
        return cli_fail(CMD, &err);
    tab_row *rows = NULL;
    size_t nrows = 0, cap = 0;
    int rc = 0, listed = 0;
    long declared = 0, other_rows = 0;
    for (;;) {
        json_t *j = NULL;
        if (pp_reader_next(tr, &j, &err) != PP_OK) {
            rc = cli_fail(CMD, &err);
            break;
        }
        if (!j)
            break;
        const char *s = pp_record_str(j, "shard"), *dup = pp_record_str(j, "dup_of"),
                   *kind = pp_record_str(j, "kind");
        json_t *pos = json_object_get(j, "pos");
        if (s && !pos && json_is_integer(json_object_get(j, "records"))) { /* a shard row */
            declared++;
            if (strcmp(s, shard) == 0)
                listed = 1;
            json_decref(j);
            continue;
        }
        if (!s || !dup || !json_is_integer(pos) || json_integer_value(pos) < 0) {
            pp_error_set(&err, PP_ERR_PARSE, o->table, pp_reader_lineno(tr),
                         "not a dedup table row (needs shard, pos, dup_of)");
            json_decref(j);
            rc = cli_fail(CMD, &err);
            break;
        }
        const char *ks = pp_record_str(j, "kept_shard");
        if (ks && strcmp(ks, shard) == 0)
            listed = 1; /* an old table still names it as holding originals */
        else if (strcmp(s, shard) != 0)
            other_rows++;
        if (strcmp(s, shard) == 0) {
            if (nrows == cap) {
                cap = cap ? cap * 2 : 256;
                tab_row *nr = realloc(rows, sizeof *rows * cap);
                if (!nr) {
                    json_decref(j);
                    pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                    rc = cli_fail(CMD, &err);
                    break;
                }
                rows = nr;
            }
            rows[nrows].pos = (uint64_t)json_integer_value(pos);
            rows[nrows].dup_of = strdup(dup);
            rows[nrows].exact = kind && strcmp(kind, "exact") == 0;
            nrows++;
        }
        json_decref(j);
    }
    pp_reader_close(tr);
    if (rc == 0 && declared == 0 && nrows == 0 && !listed && other_rows > 0) {
        /* a table from before the shard rows: it names other shards only */
        pp_error_set(&err, PP_ERR_INVALID, o->table, 0,
                     "no row names a shard '%s' and the table does not list the shards it was "
                     "made for (make it again with dedup merge, or give the shard's --name)",
                     shard);
        rc = cli_fail(CMD, &err);
    }
    if (rc == 0 && declared > 0 && !listed) {
        pp_error_set(&err, PP_ERR_INVALID, o->table, 0,
                     "the table was not made for a shard named '%s' (sign it under the name "
                     "it had: --name)", shard);
        rc = cli_fail(CMD, &err);
    }
    pp_source *r = NULL;
    pp_writer *w = NULL;
    if (rc == 0 && nrows > 1)
        qsort(rows, nrows, sizeof *rows, cmp_row);
    if (rc == 0 && !open_rejects(o))
        rc = 1;
    if (rc == 0)
        rc = open_source(o, files[0], display, 1, &r);
    if (rc == 0 && pp_writer_open(o->output, &w, &err) != PP_OK)
        rc = cli_fail(CMD, &err);
    size_t at = 0;
    long removed = 0;
    while (rc == 0) {
        item it;
        int got = next_item(o, r, display, 1, &it);
        if (got < 0)
            rc = 1;
        if (got <= 0)
            break;
        while (at < nrows && rows[at].pos < (uint64_t)it.line) {
            pp_error_set(&err, PP_ERR_INVALID, o->table, 0,
                         "table names line %" PRIu64 " of %s, which is not a record there",
                         rows[at].pos, shard);
            rc = cli_fail(CMD, &err);
            break;
        }
        if (rc) {
            json_decref(it.rec);
            break;
        }
        const char *dup = NULL;
        int exact = 0;
        if (at < nrows && rows[at].pos == (uint64_t)it.line) {
            dup = rows[at].dup_of;
            exact = rows[at].exact;
            at++;
            removed++;
        }
        if (emit(o, w, &it, dup, exact, &err))
            rc = cli_fail(CMD, &err);
        json_decref(it.rec);
    }
    if (rc == 0 && at < nrows) {
        pp_error_set(&err, PP_ERR_INVALID, o->table, 0,
                     "table names line %" PRIu64 " of %s, past its last record", rows[at].pos,
                     shard);
        rc = cli_fail(CMD, &err);
    }
    if (rc == 0) {
        if (pp_writer_close(w, &err) != PP_OK)
            rc = cli_fail(CMD, &err);
        w = NULL;
    }
    pp_writer_abort(w);
    o->nrejected += pp_source_kept(r);
    pp_source_close(r);
    if (rc)
        pp_writer_abort(o->rejects), o->rejects = NULL;
    else
        rc = close_rejects(o);
    if (rc == 0)
        fprintf(stderr, "polyphony %s: %s: %ld duplicate%s %s\n", CMD, shard, removed,
                removed == 1 ? "" : "s", o->mark ? "marked" : "removed");
    for (size_t i = 0; i < nrows; i++)
        free(rows[i].dup_of);
    free(rows);
    o->no_lang = 0; /* apply writes no ledger: languages do not matter here */
    notes(o);
    return rc;
}

/* One run: mode NULL for single-pass dedup, else signatures, merge or apply
 * (argv[0] is then the mode). */
static int dedup_run(const char *mode, int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    pp_dedup_params_default(&o.p);
    o.progress = -1;
    int rc = parse_opts(argc, argv, &o, mode);
    if (rc >= 0)
        return rc;
    int nfiles = argc - optind;
    char **files = argv + optind;
    if (!mode)
        return run_single(&o, nfiles, files);
    if (strcmp(mode, "signatures") == 0)
        return run_signatures(&o, nfiles, files);
    if (strcmp(mode, "merge") == 0)
        return run_merge(&o, nfiles, files);
    return run_apply(&o, nfiles, files);
}

int cmd_dedup(int argc, char **argv)
{
    return dedup_run(NULL, argc, argv);
}

int cmd_dedup_sub(int argc, char **argv)
{
    return dedup_run(argv[0], argc, argv);
}
