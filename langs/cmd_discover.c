/* cmd_discover.c — `polyphony discover`: what languages and scripts a corpus
 * holds, which are low-resource, which the model confuses, and clusters of
 * documents it could not identify (candidate unlisted languages/varieties). */
#include "config.h"
#include "src/cli/cli.h"

#include "langs/pp_cluster.h"
#include "src/pp_data.h"
#include "src/pp_ledger.h"
#include "langs/pp_lid.h"
#include "src/pp_record.h"
#include "langs/pp_registry.h"
#include "src/pp_stats.h"
#include "src/pp_text.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void usage_discover(FILE *f)
{
    fprintf(f,
            "Usage: polyphony discover [options] [FILE]\n"
            "Inventory a corpus: documents, characters and share per language and script;\n"
            "low-resource languages (per the registry); confusable groups (languages the model\n"
            "mixes up, from the second-best label's probability); and the documents it could\n"
            "not identify, clustered by character-trigram profile into candidate unlisted\n"
            "languages or varieties, with example sentences and the nearest known languages.\n"
            "  -m, --model M           LID model (default: the bundled UDHR model)\n"
            "  -t, --threshold T       one LID threshold for every label\n"
            "      --min-similarity S  also treat as unidentified the documents whose trigram\n"
            "                          cosine with the chosen language's profile is under S\n"
            "      --field F           text field (default text)\n"
            "      --similarity S      merge clusters while average cosine >= S (default 0.15)\n"
            "      --min-cluster N     smallest cluster reported (default 2)\n"
            "      --max-unidentified N  cluster at most N unidentified documents (default 500)\n"
            "      --confusable P      report pairs whose second label gets >= P on average\n"
            "                          over their documents (default 0.15)\n"
            "      --examples N        example sentences per cluster (default 3)\n"
            "      --json              JSON report\n"
            "      --ledger FILE       append per-language rows (stage discover)\n");
}

typedef struct udoc {
    char *text;
    char *id;
    char script[8];
} udoc;

static void add_count(json_t *obj, const char *key, long docs, long chars)
{
    json_t *e = json_object_get(obj, key);
    if (!e) {
        e = json_pack("[II]", (json_int_t)0, (json_int_t)0);
        json_object_set_new(obj, key, e);
    }
    json_integer_set(json_array_get(e, 0), json_integer_value(json_array_get(e, 0)) + docs);
    json_integer_set(json_array_get(e, 1), json_integer_value(json_array_get(e, 1)) + chars);
}

/* Sort helper: keys of an object by chars (desc), then name. */
static json_t *sort_obj;
static int by_chars(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    json_int_t cx = json_integer_value(json_array_get(json_object_get(sort_obj, x), 1));
    json_int_t cy = json_integer_value(json_array_get(json_object_get(sort_obj, y), 1));
    if (cx != cy)
        return cx > cy ? -1 : 1;
    return strcmp(x, y);
}

static const char **sorted_keys(json_t *obj, size_t *n)
{
    const char **k = malloc((json_object_size(obj) + 1) * sizeof *k);
    *n = 0;
    if (!k)
        return NULL;
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) k[(*n)++] = key;
    sort_obj = obj;
    if (*n > 1)
        qsort(k, *n, sizeof *k, by_chars);
    return k;
}

/* Shorten a text to about `max` bytes at a UTF-8 boundary, with "...". */
static json_t *excerpt(const char *t, size_t max)
{
    size_t n = strlen(t);
    if (n <= max)
        return json_string(t);
    size_t cut = max;
    while (cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80)
        cut--;
    char *b = malloc(cut + 4);
    if (!b)
        return json_string("");
    memcpy(b, t, cut);
    memcpy(b + cut, "...", 4);
    json_t *s = json_string(b);
    free(b);
    return s;
}

int cmd_discover(int argc, char **argv)
{
    const char *cmd = "discover";
    cli_common co;
    cli_common_init(&co, "discover", NULL);
    const char *model = NULL, *field = "text", *ledger = NULL;
    double thr = -1, min_sim = 0.15, conf_p = 0.15;
    long min_cluster = 2, max_unid = 500, nex = 3;
    int json = 0;
    enum { O_FIELD = 256, O_SIM, O_MINC, O_MAXU, O_CONF, O_EX, O_JSON, O_MINSIM };
    double lid_min_sim = 0;
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"threshold", required_argument, 0, 't'},
        {"field", required_argument, 0, O_FIELD}, {"similarity", required_argument, 0, O_SIM},
        {"min-cluster", required_argument, 0, O_MINC},
        {"max-unidentified", required_argument, 0, O_MAXU},
        {"confusable", required_argument, 0, O_CONF}, {"examples", required_argument, 0, O_EX},
        {"json", no_argument, 0, O_JSON}, CLI_LONG_LEDGER, CLI_LONG_QUIET,
        {"min-similarity", required_argument, 0, O_MINSIM}, CLI_LONG_HELP,
        {0, 0, 0, 0}};
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:t:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case O_FIELD: field = optarg; break;
        case O_JSON: json = 1; break;
        case 't':
            if (!cli_parse_double(cmd, "threshold", optarg, 0, 1, &thr))
                return 2;
            break;
        case O_MINSIM:
            if (!cli_parse_double(cmd, "min-similarity", optarg, 0, 1, &lid_min_sim))
                return 2;
            break;
        case O_SIM:
            if (!cli_parse_double(cmd, "similarity", optarg, 0, 1, &min_sim))
                return 2;
            break;
        case O_CONF:
            if (!cli_parse_double(cmd, "confusable", optarg, 0, 1, &conf_p))
                return 2;
            break;
        case O_MINC:
            if (!cli_parse_long(cmd, "min-cluster", optarg, 1, 1000000, &min_cluster))
                return 2;
            break;
        case O_MAXU:
            if (!cli_parse_long(cmd, "max-unidentified", optarg, 0, 5000, &max_unid))
                return 2;
            break;
        case O_EX:
            if (!cli_parse_long(cmd, "examples", optarg, 0, 100, &nex))
                return 2;
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    ledger = co.ledger;
    if (argc - optind > 1)
        return cli_usage(cmd, "at most one input file");
    const char *file = optind < argc ? argv[optind] : "-";

    pp_error err;
    pp_lid *lid = NULL; /* model NULL: the bundled default */
    if (pp_lid_load(model, NULL, &lid, &err) != PP_OK)
        return cli_fail(cmd, &err);
    if (thr >= 0)
        pp_lid_set_threshold(lid, thr);
    pp_lid_set_min_similarity(lid, lid_min_sim);
    pp_registry *reg = NULL;
    pp_error rerr;
    if (pp_registry_open(NULL, &reg, &rerr) != PP_OK) {
        char b[1200];
        cli_warn(cmd, "no registry (%s); low-resource status not reported",
                 pp_error_format(&rerr, b, sizeof b));
        reg = NULL;
    }

    int rc = 0;
    pp_source *src = NULL;
    json_t *inv = json_object();   /* "lang\tscript" -> [docs, chars] */
    json_t *pairs = json_object(); /* "a\tb" -> [docs, mass*1e6] */
    json_t *langdocs = json_object();
    udoc *ud = NULL;
    size_t nud = 0, capud = 0;
    long docs = 0, chars = 0, unid_docs = 0, unid_chars = 0, unid_skipped = 0;
    pp_profile_vec **vec = NULL;
    size_t *assign = NULL;
    json_t *report = NULL;
    const char *const files[] = {file};
    pp_source_opts so = {files, 1, field, NULL, 0, NULL}; /* the first bad line ends the run */
    if (pp_source_open(&so, &src, &err) != PP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }
    for (;;) {
        json_t *rec = NULL;
        if (pp_source_next(src, &rec, &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
        if (!rec)
            break;
        const char *text = json_string_value(pp_record_get(rec, field));
        size_t len = strlen(text);
        long nch = (long)pp_utf8_length(text, len);
        pp_lid_result res;
        if (pp_lid_identify(lid, text, len, 2, &res, &err) != PP_OK) {
            json_decref(rec);
            rc = cli_fail(cmd, &err);
            goto out;
        }
        docs++;
        chars += nch;
        char key[128];
        snprintf(key, sizeof key, "%s\t%s", res.best.lang, res.best.script);
        add_count(inv, key, 1, nch);
        if (res.abstained == PP_LID_DECIDED) {
            add_count(langdocs, res.best.lang, 1, nch);
            if (res.ntop >= 2) {
                const char *a = res.top[0].lang, *b = res.top[1].lang;
                char pk[128];
                if (strcmp(a, b) < 0)
                    snprintf(pk, sizeof pk, "%s\t%s", a, b);
                else
                    snprintf(pk, sizeof pk, "%s\t%s", b, a);
                add_count(pairs, pk, res.top[1].prob >= conf_p ? 1 : 0,
                          (long)llround(res.top[1].prob * 1e6));
            }
        } else if (res.abstained != PP_LID_NO_TEXT) {
            unid_docs++;
            unid_chars += nch;
            if ((long)nud >= max_unid) {
                unid_skipped++;
            } else {
                if (nud == capud) {
                    size_t nc = capud ? capud * 2 : 64;
                    udoc *nu = realloc(ud, nc * sizeof *nu);
                    if (!nu) {
                        json_decref(rec);
                        rc = cli_fail(cmd, &(pp_error){.code = PP_ERR_NOMEM,
                                                       .message = "out of memory"});
                        goto out;
                    }
                    ud = nu;
                    capud = nc;
                }
                const char *id = pp_record_str(rec, "id");
                char lineid[64];
                snprintf(lineid, sizeof lineid, "line %ld", pp_reader_lineno(pp_source_reader(src)));
                ud[nud].text = strdup(text);
                ud[nud].id = strdup(id ? id : lineid);
                snprintf(ud[nud].script, sizeof ud[nud].script, "%s", res.text_script);
                nud++;
            }
        }
        json_decref(rec);
    }

    /* Cluster the unidentified documents. */
    size_t ncl = 0;
    vec = calloc(nud + 1, sizeof *vec);
    assign = calloc(nud + 1, sizeof *assign);
    if (!vec || !assign) {
        rc = cli_fail(cmd, &(pp_error){.code = PP_ERR_NOMEM, .message = "out of memory"});
        goto out;
    }
    for (size_t i = 0; i < nud; i++)
        if (pp_trigram_profile(ud[i].text, strlen(ud[i].text), &vec[i], &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
    if (pp_cluster_average(vec, nud, min_sim, assign, &ncl, &err) != PP_OK) {
        rc = cli_fail(cmd, &err);
        goto out;
    }

    /* Build the report. */
    report = json_object();
    json_object_set_new(report, "documents", json_integer(docs));
    json_object_set_new(report, "characters", json_integer(chars));
    json_object_set_new(report, "model", json_string(model));
    json_t *jinv = json_array();
    size_t nk;
    const char **keys = sorted_keys(inv, &nk);
    for (size_t i = 0; keys && i < nk; i++) {
        json_t *e = json_object_get(inv, keys[i]);
        char lang[96], script[32];
        const char *tab = strchr(keys[i], '\t');
        snprintf(lang, sizeof lang, "%.*s", (int)(tab - keys[i]), keys[i]);
        snprintf(script, sizeof script, "%s", tab + 1);
        long d = (long)json_integer_value(json_array_get(e, 0));
        long ch = (long)json_integer_value(json_array_get(e, 1));
        json_t *row = json_pack("{s:s,s:s,s:I,s:I,s:f,s:f}", "lang", lang, "script", script,
                                "documents", (json_int_t)d, "characters", (json_int_t)ch,
                                "share", chars ? (double)ch / (double)chars : 0.0, "doc_share",
                                docs ? (double)d / (double)docs : 0.0);
        if (strncmp(lang, "und", 3) == 0) {
            json_object_set_new(row, "identified", json_false());
        } else {
            char iso[8] = "";
            pp_lid_label m;
            /* lang is BCP 47 here; its ISO 639-3 through the label mapping */
            if (pp_lid_label_map(lang, &m, NULL) == PP_OK)
                snprintf(iso, sizeof iso, "%s", m.iso639_3);
            json_object_set_new(row, "iso639_3", json_string(iso));
            const pp_language *L = reg ? pp_registry_get(reg, iso[0] ? iso : lang) : NULL;
            if (L) {
                json_object_set_new(row, "name", json_string(L->name));
                json_object_set_new(row, "low_resource",
                                    json_boolean(pp_language_is_low_resource(L)));
            }
        }
        json_array_append_new(jinv, row);
    }
    free(keys);
    json_object_set_new(report, "inventory", jinv);

    /* Confusable pairs and their groups (connected components). */
    json_t *jpairs = json_array();
    size_t np;
    const char **pk = sorted_keys(pairs, &np);
    json_t *comp = json_object(); /* lang -> group id (union-find by relabelling) */
    size_t ngroups = 0;
    for (size_t i = 0; pk && i < np; i++) {
        json_t *e = json_object_get(pairs, pk[i]);
        long amb = (long)json_integer_value(json_array_get(e, 0));
        double mass = (double)json_integer_value(json_array_get(e, 1)) / 1e6;
        char a[96], b[96];
        const char *tab = strchr(pk[i], '\t');
        snprintf(a, sizeof a, "%.*s", (int)(tab - pk[i]), pk[i]);
        snprintf(b, sizeof b, "%s", tab + 1);
        long da = (long)json_integer_value(json_array_get(json_object_get(langdocs, a), 0));
        long db = (long)json_integer_value(json_array_get(json_object_get(langdocs, b), 0));
        long both = da + db;
        double mean = both ? mass / (double)both : 0.0;
        if (amb < 2 || mean < conf_p / 4)
            continue;
        json_array_append_new(jpairs, json_pack("{s:s,s:s,s:I,s:f}", "a", a, "b", b,
                                                "ambiguous_documents", (json_int_t)amb,
                                                "mean_second_score", mean));
        json_t *ga = json_object_get(comp, a), *gb = json_object_get(comp, b);
        if (!ga && !gb) {
            json_object_set_new(comp, a, json_integer((json_int_t)ngroups));
            json_object_set_new(comp, b, json_integer((json_int_t)ngroups));
            ngroups++;
        } else if (ga && !gb) {
            json_object_set_new(comp, b, json_integer(json_integer_value(ga)));
        } else if (!ga && gb) {
            json_object_set_new(comp, a, json_integer(json_integer_value(gb)));
        } else if (json_integer_value(ga) != json_integer_value(gb)) {
            json_int_t from = json_integer_value(gb), to = json_integer_value(ga);
            const char *k;
            json_t *v;
            json_object_foreach(comp, k, v) if (json_integer_value(v) == from)
                json_integer_set(v, to);
        }
    }
    free(pk);
    json_t *groups = json_array();
    for (size_t g = 0; g < ngroups; g++) {
        json_t *members = json_array();
        size_t nm;
        /* members in name order */
        const char **ck = malloc((json_object_size(comp) + 1) * sizeof *ck);
        nm = 0;
        const char *k;
        json_t *v;
        json_object_foreach(comp, k, v) if ((size_t)json_integer_value(v) == g) ck[nm++] = k;
        for (size_t i = 1; i < nm; i++)
            for (size_t j = i; j > 0 && strcmp(ck[j - 1], ck[j]) > 0; j--) {
                const char *t = ck[j];
                ck[j] = ck[j - 1];
                ck[j - 1] = t;
            }
        for (size_t i = 0; i < nm; i++)
            json_array_append_new(members, json_string(ck[i]));
        free(ck);
        if (nm > 0)
            json_array_append_new(groups, members);
        else
            json_decref(members);
    }
    json_decref(comp);
    json_object_set_new(report, "confusable_pairs", jpairs);
    json_object_set_new(report, "confusable_groups", groups);

    /* Clusters of unidentified documents. */
    json_t *jcl = json_array();
    long unclustered = 0;
    for (size_t cid = 0; cid < ncl; cid++) {
        size_t members = 0;
        long cch = 0;
        for (size_t i = 0; i < nud; i++)
            if (assign[i] == cid) {
                members++;
                cch += (long)pp_utf8_length(ud[i].text, strlen(ud[i].text));
            }
        if ((long)members < min_cluster) {
            unclustered += (long)members;
            continue;
        }
        json_t *ex = json_array(), *ids = json_array();
        size_t cap = 0, got = 0;
        for (size_t i = 0; i < nud; i++)
            if (assign[i] == cid)
                cap += strlen(ud[i].text) + 1;
        char *all = malloc(cap + 1);
        if (!all) {
            json_decref(ex);
            json_decref(ids);
            rc = cli_fail(cmd, &(pp_error){.code = PP_ERR_NOMEM, .message = "out of memory"});
            goto out;
        }
        size_t o = 0;
        const char *script = "";
        for (size_t i = 0; i < nud; i++) {
            if (assign[i] != cid)
                continue;
            if (!*script)
                script = ud[i].script;
            if ((long)got < nex)
                json_array_append_new(ex, excerpt(ud[i].text, 160));
            if (json_array_size(ids) < 20)
                json_array_append_new(ids, json_string(ud[i].id));
            got++;
            size_t l = strlen(ud[i].text);
            memcpy(all + o, ud[i].text, l);
            o += l;
            all[o++] = ' ';
        }
        all[o] = '\0';
        /* Nearest known languages: the model's best labels for the whole
         * cluster's text (no thresholds: these are neighbours, not answers). */
        pp_lid_result res;
        json_t *near = json_array();
        if (pp_lid_identify(lid, all, o, 3, &res, &err) == PP_OK)
            for (int i = 0; i < res.ntop; i++)
                if (res.top[i].prob >= 0.01)
                    json_array_append_new(near, json_pack("{s:s,s:f}", "lang", res.top[i].lang,
                                                          "score", res.top[i].prob));
        free(all);
        json_array_append_new(jcl, json_pack("{s:I,s:s,s:I,s:I,s:o,s:o,s:o}", "cluster",
                                             (json_int_t)json_array_size(jcl), "script", script,
                                             "documents", (json_int_t)members, "characters",
                                             (json_int_t)cch, "nearest", near, "examples", ex,
                                             "ids", ids));
    }
    json_t *junid = json_pack("{s:I,s:I,s:I,s:I,s:o}", "documents", (json_int_t)unid_docs,
                              "characters", (json_int_t)unid_chars, "not_clustered",
                              (json_int_t)unid_skipped, "singletons", (json_int_t)unclustered,
                              "clusters", jcl);
    json_object_set_new(report, "unidentified", junid);
    json_object_set_new(report, "cluster_similarity", json_real(min_sim));

    if (json) {
        json_dumpf(report, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(4));
        fputc('\n', stdout);
    } else {
        printf("%ld %s, %ld %s\n\n", docs, cli_noun(docs, "document", "documents"), chars,
               cli_noun(chars, "character", "characters"));
        printf("%-14s %-6s %9s %11s %7s  %s\n", "lang", "script", "documents", "characters",
               "share", "");
        size_t ni = json_array_size(jinv);
        for (size_t i = 0; i < ni; i++) {
            json_t *row = json_array_get(jinv, i);
            json_t *lr = json_object_get(row, "low_resource");
            const char *name = json_string_value(json_object_get(row, "name"));
            printf("%-14s %-6s %9lld %11lld %6.2f%%  %s%s\n",
                   json_string_value(json_object_get(row, "lang")),
                   json_string_value(json_object_get(row, "script")),
                   (long long)json_integer_value(json_object_get(row, "documents")),
                   (long long)json_integer_value(json_object_get(row, "characters")),
                   100 * json_real_value(json_object_get(row, "share")), name ? name : "",
                   json_is_true(lr) ? " [low-resource]" : "");
        }
        printf("\nconfusable groups:");
        if (json_array_size(groups) == 0)
            printf(" none\n");
        else
            printf("\n");
        for (size_t i = 0; i < json_array_size(groups); i++) {
            json_t *g = json_array_get(groups, i);
            printf("  {");
            for (size_t j = 0; j < json_array_size(g); j++)
                printf("%s%s", j ? ", " : "", json_string_value(json_array_get(g, j)));
            printf("}\n");
        }
        for (size_t i = 0; i < json_array_size(jpairs); i++) {
            json_t *p = json_array_get(jpairs, i);
            long long amb = (long long)json_integer_value(json_object_get(p, "ambiguous_documents"));
            printf("    %s ~ %s: %lld ambiguous %s, mean second score %.3f\n",
                   json_string_value(json_object_get(p, "a")),
                   json_string_value(json_object_get(p, "b")), amb,
                   cli_noun(amb, "document", "documents"),
                   json_real_value(json_object_get(p, "mean_second_score")));
        }
        printf("\nunidentified: %ld %s, %ld %s; %zu candidate %s (similarity >= %.2f), %ld %s%s\n",
               unid_docs, cli_noun(unid_docs, "document", "documents"), unid_chars,
               cli_noun(unid_chars, "character", "characters"), json_array_size(jcl),
               cli_noun(json_array_size(jcl), "cluster", "clusters"), min_sim, unclustered,
               cli_noun(unclustered, "singleton", "singletons"),
               unid_skipped ? " (some not clustered: --max-unidentified)" : "");
        for (size_t i = 0; i < json_array_size(jcl); i++) {
            json_t *cl = json_array_get(jcl, i);
            long long cd = (long long)json_integer_value(json_object_get(cl, "documents")),
                      cc = (long long)json_integer_value(json_object_get(cl, "characters"));
            printf("  cluster %zu: %lld %s, %lld %s, script %s; nearest:", i, cd,
                   cli_noun(cd, "document", "documents"), cc,
                   cli_noun(cc, "character", "characters"),
                   json_string_value(json_object_get(cl, "script")));
            json_t *nr = json_object_get(cl, "nearest");
            for (size_t j = 0; j < json_array_size(nr); j++)
                printf(" %s (%.2f)",
                       json_string_value(json_object_get(json_array_get(nr, j), "lang")),
                       json_real_value(json_object_get(json_array_get(nr, j), "score")));
            printf("\n");
            json_t *ex = json_object_get(cl, "examples");
            for (size_t j = 0; j < json_array_size(ex); j++)
                printf("    \"%s\"\n", json_string_value(json_array_get(ex, j)));
        }
    }
    if (ledger) {
        pp_ledger *lg = NULL;
        if (pp_ledger_open(ledger, "discover", &lg, &err) != PP_OK) {
            rc = cli_fail(cmd, &err);
            goto out;
        }
        size_t ni = json_array_size(jinv);
        for (size_t i = 0; i < ni && rc == 0; i++) {
            json_t *row = json_array_get(jinv, i);
            const char *lang = json_string_value(json_object_get(row, "lang"));
            const char *script = json_string_value(json_object_get(row, "script"));
            char step[64];
            snprintf(step, sizeof step, "inventory-%s", script);
            long d = (long)json_integer_value(json_object_get(row, "documents"));
            double lo, hi;
            pp_wilson_interval(d, docs, &lo, &hi);
            if (pp_ledger_add(lg, step, lang, "doc_share", docs ? (double)d / docs : 0, docs, lo,
                              hi, &err) ||
                pp_ledger_add(lg, step, lang, "char_share",
                              json_real_value(json_object_get(row, "share")), chars, NAN, NAN,
                              &err))
                rc = cli_fail(cmd, &err);
        }
        if (rc == 0 && pp_ledger_add(lg, "unidentified", "und", "clusters",
                                     (double)json_array_size(jcl), unid_docs, NAN, NAN, &err))
            rc = cli_fail(cmd, &err);
        if (pp_ledger_close(lg, rc ? NULL : &err) != PP_OK && rc == 0)
            rc = cli_fail(cmd, &err);
    }
out:
    json_decref(report);
    if (vec)
        for (size_t i = 0; i < nud; i++)
            pp_profile_vec_free(vec[i]);
    free(vec);
    free(assign);
    for (size_t i = 0; i < nud; i++) {
        free(ud[i].text);
        free(ud[i].id);
    }
    free(ud);
    json_decref(inv);
    json_decref(pairs);
    json_decref(langdocs);
    pp_source_close(src);
    pp_registry_free(reg);
    pp_lid_free(lid);
    return rc;
}
