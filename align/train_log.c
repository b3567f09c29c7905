/* train_log.c — the --log-json file of `polyphony train` (train_log.h). */
#include "config.h"
#include "align/train_log.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Rewrite `path` with its rows of steps <= step. */
static pp_status keep_rows_until(const char *path, long step, pp_error *err)
{
    FILE *in = fopen(path, "r");
    if (!in) {
        if (errno == ENOENT)
            return PP_OK;
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fclose(in);
        return pp_error_set(err, PP_ERR_IO, tmp, 0, "cannot create: %s", strerror(errno));
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    pp_status st = PP_OK;
    while ((n = getline(&line, &cap, in)) > 0) {
        lineno++;
        json_error_t je;
        json_t *row = json_loadb(line, (size_t)n, JSON_DISABLE_EOF_CHECK, &je);
        json_t *s = row ? json_object_get(row, "step") : NULL;
        if (!json_is_integer(s)) {
            json_decref(row);
            st = pp_error_set(err, PP_ERR_INVALID, path, lineno,
                              "not a training log row (a JSON object with an integer \"step\"); "
                              "give another --log-json to resume into");
            break;
        }
        if (json_integer_value(s) <= step && fwrite(line, 1, (size_t)n, out) != (size_t)n)
            st = pp_error_set(err, PP_ERR_IO, tmp, 0, "write error");
        json_decref(row);
        if (st != PP_OK)
            break;
    }
    free(line);
    if (st == PP_OK && ferror(in))
        st = pp_error_set(err, PP_ERR_IO, path, 0, "read error");
    fclose(in);
    if (fclose(out) != 0 && st == PP_OK)
        st = pp_error_set(err, PP_ERR_IO, tmp, 0, "write error");
    if (st == PP_OK && rename(tmp, path) != 0)
        st = pp_error_set(err, PP_ERR_IO, path, 0, "cannot replace: %s", strerror(errno));
    if (st != PP_OK)
        remove(tmp);
    return st;
}

pp_status train_log_open(const char *path, long step, FILE **out, pp_error *err)
{
    *out = NULL;
    if (step > 0) {
        pp_status st = keep_rows_until(path, step, err);
        if (st != PP_OK)
            return st;
    }
    *out = fopen(path, step > 0 ? "a" : "w");
    if (!*out)
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    return PP_OK;
}
