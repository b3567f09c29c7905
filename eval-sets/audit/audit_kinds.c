/* audit_kinds.c — the metric table the audit ships (metric-kinds.tsv):
 * quality, cost or inventory, direction and range of each ledger metric. */
#include "config.h"
#include "eval-sets/audit/audit.h"
#include "src/pp_data.h"

#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define KINDS_FILE "eval-sets/audit/metric-kinds.tsv"

const char *audit_kind_name(audit_kind k)
{
    return k == AUDIT_COST ? "cost" : k == AUDIT_INVENTORY ? "inventory" : "quality";
}

static const char *const pool_names[] = {"mean", "sum", "rate", "share"};

const char *audit_pool_name(audit_pool p)
{
    return pool_names[p];
}

static int pool_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, pool_names[i]) == 0)
            return i;
    return -1;
}

audit_pool audit_pool_default(const audit_metric *m)
{
    return m->kind == AUDIT_INVENTORY && isinf(m->hi) ? AUDIT_POOL_SUM : AUDIT_POOL_MEAN;
}

static double bound(const char *s)
{
    if (strcmp(s, "inf") == 0)
        return INFINITY;
    if (strcmp(s, "-inf") == 0)
        return -INFINITY;
    char *end;
    double v = strtod(s, &end);
    return end != s && !*end ? v : NAN;
}

/* Match `key` against every line of the table; 1 when a rule applied. */
static int lookup(audit_metric *m, FILE *fp, const char *path)
{
    char line[512];
    long no = 0;
    while (fgets(line, sizeof line, fp)) {
        no++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *f[7];
        int nf = 0;
        for (char *save = NULL, *t = strtok_r(line, "\t", &save); t && nf < 7;
             t = strtok_r(NULL, "\t", &save))
            f[nf++] = t;
        int ok5 = nf == 5 || nf == 6, pool = nf == 6 ? pool_parse(f[5]) : -2;
        double lo = ok5 ? bound(f[3]) : NAN, hi = ok5 ? bound(f[4]) : NAN;
        int kind = !ok5 ? -1 : strcmp(f[1], "quality") == 0 ? AUDIT_QUALITY
                               : strcmp(f[1], "cost") == 0      ? AUDIT_COST
                               : strcmp(f[1], "inventory") == 0 ? AUDIT_INVENTORY : -1;
        if (kind < 0 || (strcmp(f[2], "higher") && strcmp(f[2], "lower")) || isnan(lo) ||
            isnan(hi) || !(lo < hi) || pool == -1) {
            fprintf(stderr, "polyphony audit: %s:%ld: expected pattern<TAB>quality|cost|inventory"
                            "<TAB>higher|lower<TAB>lo<TAB>hi[<TAB>mean|sum|rate|share]\n", path,
                    no);
            return -1;
        }
        if (fnmatch(f[0], m->key, 0) == 0) {
            m->kind = (audit_kind)kind;
            m->lower = strcmp(f[2], "lower") == 0;
            m->lo = lo;
            m->hi = hi;
            m->declared = 1;
            m->pool = pool >= 0 ? (audit_pool)pool : audit_pool_default(m);
            m->pool_declared = pool >= 0;
            return 1;
        }
    }
    return 0;
}

int audit_kind_of(audit_metric *m)
{
    /* assumed when no rule names the metric: quality, direction by name */
    m->kind = AUDIT_QUALITY;
    m->lower = pp_gap_lower_is_better(m->name);
    m->lo = 0;
    m->hi = INFINITY;
    m->declared = 0;
    m->pool_declared = 0;
    m->pool = AUDIT_POOL_MEAN;
    char path[4096];
    if (pp_data_path(KINDS_FILE, path, sizeof path, NULL) != PP_OK)
        return 1; /* not installed: every metric assumed, and the report says so */
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 1;
    int r = lookup(m, fp, path);
    fclose(fp);
    return r >= 0;
}
