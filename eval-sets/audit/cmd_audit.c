/* cmd_audit.c — `polyphony audit`: join ledger rows of every stage into
 * per-community scorecards and gap statistics; table, JSON, CSV, HTML. */
#include "config.h"
#include "eval-sets/audit/audit.h"
#include "src/cli/cli.h"
#include "src/pp_stream.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void usage_audit(FILE *fp)
{
    fprintf(fp,
            "Usage: polyphony audit [options] LEDGER...\n"
            "\n"
            "Join the ledger rows of every stage into per-community scorecards and gap\n"
            "statistics per metric: gap to the best language, worst language, utility\n"
            "u_l, M_tau (speaker-weighted tau=1, every language equal tau=0), Gini and\n"
            "priorities w_l(tau)(1 - u_l), for quality and cost metrics; inventory\n"
            "metrics (counts, shares of a mix) are shown as context. Each metric's kind,\n"
            "direction and range come from the shipped table metric-kinds.tsv (or the\n"
            "rows' kind/better/range fields). With no LEDGER, or '-', read standard input.\n"
            "\n"
            "Options:\n"
            "      --lang-level L   group rows by 'individual' language (default; a\n"
            "                       macrolanguage tag joins its only individual language\n"
            "                       in the ledger) or by 'macrolanguage' (swh -> sw)\n"
            "      --speakers SRC   'registry' (default), 'none', or a TSV file of\n"
            "                       lang<TAB>speakers[<TAB>latitude<TAB>longitude]\n"
            "      --tau T          tau for the priorities and utility_tau (default 1)\n"
            "      --json           write the gap statistics as JSON on stdout\n"
            "      --csv FILE       write one row per metric and language\n"
            "      --html FILE      write a self-contained HTML report with SVG charts\n"
            "      --top N          priorities listed per metric in the table (default 5)\n"
            "  -h, --help           show this help\n");
}

/* Render with `fn` into memory, then write FILE atomically (temp + rename). */
static int write_file(const char *path, int (*fn)(const audit *, FILE *), const audit *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        fprintf(stderr, "polyphony audit: out of memory\n");
        return 0;
    }
    int ok = fn(a, mem);
    fclose(mem);
    pp_output *out = NULL;
    pp_error err;
    pp_error_clear(&err);
    if (ok) {
        pp_status st = pp_output_open(path, &out, &err);
        if (st == PP_OK && (st = pp_output_write(out, buf, len, &err)) != PP_OK)
            pp_output_abort(out);
        else if (st == PP_OK)
            st = pp_output_close(out, &err);
        if (st != PP_OK) {
            char m[2048];
            fprintf(stderr, "polyphony audit: %s\n", pp_error_format(&err, m, sizeof m));
            ok = 0;
        }
    }
    free(buf);
    return ok;
}

int cmd_audit(int argc, char **argv)
{
    static const struct option opts[] = {
        {"speakers", required_argument, NULL, 'p'}, {"tau", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},           {"csv", required_argument, NULL, 'c'},
        {"html", required_argument, NULL, 'H'},     {"top", required_argument, NULL, 'n'},
        {"lang-level", required_argument, NULL, 'L'},
        CLI_LONG_QUIET, CLI_LONG_HELP,              {NULL, 0, NULL, 0}};
    cli_common co;
    cli_common_init(&co, "audit", NULL);
    const char *speakers = "registry", *csv = NULL, *html = NULL;
    int json_out = 0;
    double tau = 1.0;
    pp_lang_level level = PP_LANG_INDIVIDUAL;
    long top = 5;
    optind = 1;
    int c, cr;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'p': speakers = optarg; break;
        case 't':
            if (!cli_parse_double("audit", "--tau", optarg, 0, 100, &tau))
                return 2;
            break;
        case 'j': json_out = 1; break;
        case 'L':
            if (strcmp(optarg, "individual") == 0)
                level = PP_LANG_INDIVIDUAL;
            else if (strcmp(optarg, "macrolanguage") == 0)
                level = PP_LANG_MACROLANGUAGE;
            else
                return cli_usage("audit", "--lang-level is individual or macrolanguage, not '%s'",
                                 optarg);
            break;
        case 'c': csv = optarg; break;
        case 'H': html = optarg; break;
        case 'n':
            if (!cli_parse_long("audit", "--top", optarg, 0, 100000, &top))
                return 2;
            break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    char *stdin_only[] = {"-"};
    char **files = optind < argc ? argv + optind : stdin_only;
    int nfiles = optind < argc ? argc - optind : 1;

    audit a;
    memset(&a, 0, sizeof a);
    a.tau = tau;
    a.level = level;
    int rc = 1;
    if (!audit_read(&a, files, nfiles) || !audit_speakers(&a, speakers) || !audit_compute(&a))
        goto done;

    /* Say which languages lack a speaker count and which carry their
     * macrolanguage's. */
    size_t nosp = 0, nmac = 0;
    for (size_t l = 0; l < a.nl; l++) {
        nosp += !(a.l[l].speakers > 0);
        nmac += a.l[l].speakers_from != NULL;
    }
    if (nosp && strcmp(a.speakers_source, "none") != 0) {
        fprintf(stderr, "polyphony audit: no speaker count (%s) for %zu of %zu %s:",
                a.speakers_source, nosp, a.nl, cli_noun(a.nl, "language", "languages"));
        size_t shown = 0;
        for (size_t l = 0; l < a.nl && shown < 20; l++)
            if (!(a.l[l].speakers > 0))
                fprintf(stderr, "%s %s", shown++ ? "," : "", a.l[l].lang);
        fprintf(stderr, "%s; %s left out of the speaker-weighted figures (M_1, "
                        "priorities) and %s in M_0\n",
                nosp > shown ? ", ..." : "", cli_noun(nosp, "it is", "they are"),
                cli_noun(nosp, "counts", "count"));
    }
    for (size_t l = 0; l < a.nl && nmac; l++)
        if (a.l[l].speakers_from)
            fprintf(stderr, "polyphony audit: %s has no speaker count of its own; it carries "
                            "its macrolanguage %s's (%.0f)\n",
                    a.l[l].lang, a.l[l].speakers_from, a.l[l].speakers);
    for (size_t i = 0; i < a.nm; i++)
        if (a.m[i].nskipped)
            cli_warn("audit", "%s: %zu %s without a value left out", a.m[i].key, a.m[i].nskipped,
                     cli_noun(a.m[i].nskipped, "row", "rows"));

    int ok = 1;
    if (json_out)
        ok = audit_write_json(&a, stdout);
    else
        ok = audit_write_table(&a, stdout, (int)top);
    if (ok && csv)
        ok = write_file(csv, audit_write_csv, &a);
    if (ok && html)
        ok = write_file(html, audit_write_html, &a);
    if (fflush(stdout) != 0)
        ok = 0;
    rc = ok ? 0 : 1;
done:
    audit_free(&a);
    return rc;
}
