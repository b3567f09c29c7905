/* cli_util.c — messages, option parsing and progress helpers for subcommands. */
#include "config.h"
#include "src/cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail(const char *cmd, const pp_error *err)
{
    char buf[2048];
    fprintf(stderr, "polyphony %s: %s\n", cmd, pp_error_format(err, buf, sizeof buf));
    return 1;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "polyphony %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'polyphony help %s' for more information.\n", cmd);
    return 2;
}

void cli_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "polyphony %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

FILE *cli_progress_stream(int mode)
{
    if (mode == 0)
        return NULL;
    if (mode == 1)
        return stderr;
    return isatty(STDERR_FILENO) ? stderr : NULL;
}

const char *cli_noun(double n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int cli_parse_long(const char *cmd, const char *opt, const char *val, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    if (errno || end == val || *end || v < min || v > max) {
        cli_usage(cmd, "%s expects an integer from %ld to %ld, not '%s'", opt, min, max, val);
        return 0;
    }
    *out = v;
    return 1;
}

int cli_parse_double(const char *cmd, const char *opt, const char *val, double min, double max,
                     double *out)
{
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (errno || end == val || *end || !(v >= min && v <= max)) {
        cli_usage(cmd, "%s expects a number from %g to %g, not '%s'", opt, min, max, val);
        return 0;
    }
    *out = v;
    return 1;
}
