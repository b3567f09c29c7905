/* cmd_stats.c — `polyphony stats`: an inventory of a corpus per language
 * (records, characters, scripts) — the `wc` of record streams. */
#include "config.h"
#include "src/cli/cli.h"
#include "src/polyphony.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: polyphony stats [options] [FILE...]\n"
    "\n"
    "Count records and characters per language and script in JSONL corpus records\n"
    "(.gz/.zst read transparently; no FILE or '-' reads standard input).\n"
    "\n"
    "Options:\n"
    "  --by lang|script|source  group rows by this field (default: lang)\n"
    "  --field NAME         read the language from NAME instead of 'lang'\n"
    "  --json               one JSON object with totals and rows\n"
    "  --ledger FILE        append rows (stage \"corpus\": documents, characters)\n"
    "  --strict             stop at the first malformed line (default: count it and warn)\n"
    "  -q, --quiet          no progress display\n"
    "      --progress       progress display even when stderr is not a terminal\n"
    "  -h, --help           show this help\n"
    "\n"
    "Records without the grouping field are counted under \"und\" and reported.\n";

typedef struct group {
    char *key;
    long records;
    long chars;
    long bytes;
    char *scripts; /* space-separated, first seen first */
} group;

typedef struct table {
    group *g;
    size_t n, cap;
} table;

static group *find_group(table *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->g[i].key, key) == 0)
            return &t->g[i];
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        group *ng = realloc(t->g, t->cap * sizeof *ng);
        if (!ng)
            return NULL;
        t->g = ng;
    }
    group *g = &t->g[t->n++];
    memset(g, 0, sizeof *g);
    g->key = strdup(key);
    g->scripts = strdup("");
    return g;
}

static void add_script(group *g, const char *sc)
{
    if (!sc || !*sc)
        return;
    size_t n = strlen(sc);
    for (const char *p = g->scripts; (p = strstr(p, sc)) != NULL; p += n)
        if ((p == g->scripts || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return;
    size_t old = strlen(g->scripts);
    char *ns = realloc(g->scripts, old + n + 2);
    if (!ns)
        return;
    if (old)
        ns[old++] = ' ';
    memcpy(ns + old, sc, n + 1);
    g->scripts = ns;
}

static int by_records_desc(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->records != y->records)
        return x->records < y->records ? 1 : -1;
    return strcmp(x->key, y->key);
}

void usage_stats(FILE *fp)
{
    fputs(usage, fp);
}

int cmd_stats(int argc, char **argv)
{
    enum { OPT_BY = 256, OPT_FIELD, OPT_JSON };
    static const struct option opts[] = {
        {"by", required_argument, NULL, OPT_BY},     {"field", required_argument, NULL, OPT_FIELD},
        {"json", no_argument, NULL, OPT_JSON},       CLI_LONG_LEDGER,
        CLI_LONG_STRICT, CLI_LONG_QUIET, CLI_LONG_PROGRESS, CLI_LONG_HELP,
        {NULL, 0, NULL, 0}};
    cli_common co;
    cli_common_init(&co, "stats", NULL);
    const char *by = "lang", *field = NULL, *ledger_path = NULL;
    int json_out = 0, strict = 0, progress = -1;
    optind = 1;
    int c, cr;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case OPT_BY:
            by = optarg;
            if (strcmp(by, "lang") && strcmp(by, "script") && strcmp(by, "source"))
                return cli_usage("stats", "--by expects lang, script or source, not '%s'", by);
            break;
        case OPT_FIELD: field = optarg; break;
        case OPT_JSON: json_out = 1; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    ledger_path = co.ledger;
    strict = co.strict;
    progress = co.progress;
    const char *key_field = field ? field : by;
    table t = {0};
    long total_records = 0, total_chars = 0, bad_lines = 0, missing = 0;
    int rc = 0;
    pp_error err;
    pp_progress *prog = pp_progress_new(cli_progress_stream(progress), "stats", "records");
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;
    pp_source *src = NULL;
    pp_source_opts so = {(const char *const *)files, nfiles, "text", NULL, strict, NULL};
    if (pp_source_open(&so, &src, &err) != PP_OK)
        rc = cli_fail("stats", &err);
    while (rc == 0) {
        json_t *rec;
        pp_status s = pp_source_next(src, &rec, &err);
        if (pp_reader_can_go_on(s)) { /* a bad line, not kept */
            if (strict) {
                rc = cli_fail("stats", &err);
                break;
            }
            char buf[2048];
            cli_warn("stats", "%s (line skipped)", pp_error_format(&err, buf, sizeof buf));
            continue;
        }
        if (s != PP_OK) {
            rc = cli_fail("stats", &err);
            break;
        }
        if (!rec)
            break;
        const char *key = pp_record_str(rec, key_field);
        if (!key || !*key) {
            key = "und";
            missing++;
        }
        const char *text = pp_record_str(rec, "text");
        size_t tlen = text ? strlen(text) : 0;
        group *g = find_group(&t, key);
        if (!g) {
            json_decref(rec);
            pp_error_set(&err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            rc = cli_fail("stats", &err);
            break;
        }
        g->records++;
        g->chars += (long)pp_utf8_length(text ? text : "", tlen);
        g->bytes += (long)tlen;
        const char *sc = pp_record_str(rec, "script");
        char detected[5];
        if (!sc && text) {
            pp_script_of(text, tlen, detected, NULL);
            sc = detected;
        }
        add_script(g, sc);
        total_records++;
        total_chars += (long)pp_utf8_length(text ? text : "", tlen);
        pp_progress_add(prog, 1, (long)tlen + 1);
        json_decref(rec);
    }
    bad_lines = pp_source_bad(src);
    pp_source_close(src);
    pp_progress_done(prog);
    if (rc == 0) {
        if (t.n > 1)
            qsort(t.g, t.n, sizeof *t.g, by_records_desc);
        /* Distinct scripts over all groups. */
        group all = {.scripts = strdup("")};
        for (size_t i = 0; i < t.n; i++) {
            char *copy = strdup(t.g[i].scripts), *save = NULL;
            for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
                add_script(&all, tok);
            free(copy);
        }
        size_t nscripts = 0;
        for (const char *p = all.scripts; *p; p++)
            nscripts += (p == all.scripts || p[-1] == ' ');
        if (json_out) {
            json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "by", key_field, "groups",
                                  (json_int_t)t.n, "scripts", (json_int_t)nscripts, "records",
                                  (json_int_t)total_records, "characters", (json_int_t)total_chars,
                                  "malformed_lines", (json_int_t)bad_lines);
            json_t *rows = json_array();
            for (size_t i = 0; i < t.n; i++)
                json_array_append_new(
                    rows, json_pack("{s:s, s:I, s:I, s:f, s:s}", key_field, t.g[i].key, "records",
                                    (json_int_t)t.g[i].records, "characters",
                                    (json_int_t)t.g[i].chars, "share",
                                    total_chars ? (double)t.g[i].chars / (double)total_chars : 0.0,
                                    "scripts", t.g[i].scripts));
            json_object_set_new(o, "rows", rows);
            json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15)); /* no 1.33682e+06 */
            putchar('\n');
            json_decref(o);
        } else {
            printf("%-14s %9s %12s %7s  %s\n", key_field, "records", "characters", "share", "scripts");
            for (size_t i = 0; i < t.n; i++)
                printf("%-14s %9ld %12ld %6.2f%%  %s\n", t.g[i].key, t.g[i].records, t.g[i].chars,
                       total_chars ? 100.0 * (double)t.g[i].chars / (double)total_chars : 0.0,
                       t.g[i].scripts);
            printf("\n%zu %s %s, %zu %s (%s), %ld %s, %ld %s\n", t.n, key_field,
                   cli_noun(t.n, "value", "values"), nscripts,
                   cli_noun(nscripts, "script", "scripts"), all.scripts, total_records,
                   cli_noun(total_records, "record", "records"), total_chars,
                   cli_noun(total_chars, "character", "characters"));
        }
        free(all.scripts);
        if (missing)
            cli_warn("stats", "%ld %s no '%s' field; counted as \"und\"", missing,
                     cli_noun(missing, "record had", "records had"), key_field);
        if (bad_lines)
            cli_warn("stats", "%ld malformed %s skipped", bad_lines,
                     cli_noun(bad_lines, "line", "lines"));
        if (ledger_path) {
            pp_ledger *l;
            if (pp_ledger_open(ledger_path, "corpus", &l, &err) != PP_OK) {
                rc = cli_fail("stats", &err);
            } else {
                for (size_t i = 0; i < t.n && rc == 0; i++) {
                    if (pp_ledger_add(l, "stats", t.g[i].key, "documents", (double)t.g[i].records,
                                      t.g[i].records, NAN, NAN, &err) != PP_OK ||
                        pp_ledger_add(l, "stats", t.g[i].key, "characters", (double)t.g[i].chars,
                                      t.g[i].records, NAN, NAN, &err) != PP_OK)
                        rc = cli_fail("stats", &err);
                }
                if (pp_ledger_close(l, &err) != PP_OK && rc == 0)
                    rc = cli_fail("stats", &err);
            }
        }
        if (bad_lines && rc == 0)
            rc = 1; /* never silent loss: malformed input makes the run fail */
    }
    for (size_t i = 0; i < t.n; i++) {
        free(t.g[i].key);
        free(t.g[i].scripts);
    }
    free(t.g);
    return rc;
}
