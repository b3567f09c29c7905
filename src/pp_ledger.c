/* pp_ledger.c — append per-language metric rows (DESIGN.md). */
#include "config.h"
#include "src/pp_ledger.h"
#include "src/pp_stream.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pp_ledger {
    FILE *fp;
    char *path;
    char *stage;
    char run[64];
};

pp_status pp_ledger_open(const char *path, const char *stage, pp_ledger **out, pp_error *err)
{
    *out = NULL;
    if (!path || !*path || !stage || !*stage)
        return pp_error_set(err, PP_ERR_INVALID, path, 0, "a ledger needs a path and a stage");
    pp_status chk = pp_output_check_path(path, err); /* appending would corrupt an input */
    if (chk != PP_OK)
        return chk;
    pp_ledger *l = calloc(1, sizeof *l);
    if (!l)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    l->fp = fopen(path, "a");
    if (!l->fp) {
        pp_status s = pp_error_set(err, PP_ERR_IO, path, 0, "cannot open ledger: %s", strerror(errno));
        free(l);
        return s;
    }
    l->path = strdup(path);
    l->stage = strdup(stage);
    const char *fixed = getenv("PP_RUN");
    if (fixed && *fixed) {
        snprintf(l->run, sizeof l->run, "%s", fixed);
    } else {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(l->run, sizeof l->run, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
    *out = l;
    return PP_OK;
}

pp_status pp_ledger_add(pp_ledger *l, const char *step, const char *lang, const char *metric,
                        double value, long n, double lo, double hi, pp_error *err)
{
    return pp_ledger_add_extra(l, step, lang, metric, value, n, lo, hi, NULL, err);
}

pp_status pp_ledger_add_extra(pp_ledger *l, const char *step, const char *lang, const char *metric,
                              double value, long n, double lo, double hi, json_t *extra,
                              pp_error *err)
{
    if (!lang || !metric)
        return pp_error_set(err, PP_ERR_INVALID, l->path, 0, "a ledger row needs lang and metric");
    json_t *j = json_object();
    json_object_set_new(j, "stage", json_string(l->stage));
    if (step)
        json_object_set_new(j, "step", json_string(step));
    json_object_set_new(j, "lang", json_string(lang));
    json_object_set_new(j, "metric", json_string(metric));
    json_object_set_new(j, "value", isfinite(value) ? json_real(value) : json_null());
    json_object_set_new(j, "n", json_integer(n));
    if (isfinite(lo))
        json_object_set_new(j, "lo", json_real(lo));
    if (isfinite(hi))
        json_object_set_new(j, "hi", json_real(hi));
    json_object_set_new(j, "run", json_string(l->run));
    if (extra)
        json_object_update_missing(j, extra);
    int rc = json_dumpf(j, l->fp, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(j);
    if (rc != 0 || fputc('\n', l->fp) == EOF)
        return pp_error_set(err, PP_ERR_IO, l->path, 0, "cannot write ledger row: %s", strerror(errno));
    return PP_OK;
}

const char *pp_ledger_run(const pp_ledger *l) { return l ? l->run : ""; }

pp_status pp_ledger_close(pp_ledger *l, pp_error *err)
{
    if (!l)
        return PP_OK;
    pp_status s = PP_OK;
    if (fclose(l->fp) != 0)
        s = pp_error_set(err, PP_ERR_IO, l->path, 0, "cannot close ledger: %s", strerror(errno));
    free(l->path);
    free(l->stage);
    free(l);
    return s;
}
