/* pp_error.c — status names and error filling. */
#include "config.h"
#include "src/pp_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *pp_status_name(pp_status s)
{
    switch (s) {
    case PP_OK: return "success";
    case PP_ERR_IO: return "I/O error";
    case PP_ERR_PARSE: return "parse error";
    case PP_ERR_ENCODING: return "encoding error";
    case PP_ERR_NOMEM: return "out of memory";
    case PP_ERR_INVALID: return "invalid value";
    case PP_ERR_UNSUPPORTED: return "unsupported";
    case PP_ERR_MODEL: return "model error";
    case PP_ERR_ICU: return "ICU error";
    case PP_ERR_NOT_FOUND: return "not found";
    case PP_ERR_STREAM: return "corrupt compressed stream";
    }
    return "unknown error";
}

pp_status pp_error_set(pp_error *err, pp_status code, const char *file, long line,
                       const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void pp_error_clear(pp_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
}

const char *pp_error_format(const pp_error *err, char *buf, size_t len)
{
    if (!err || !buf || len == 0)
        return "";
    if (err->file[0] && err->line > 0)
        snprintf(buf, len, "%s:%ld: %s", err->file, err->line, err->message);
    else if (err->file[0])
        snprintf(buf, len, "%s: %s", err->file, err->message);
    else
        snprintf(buf, len, "%s", err->message[0] ? err->message : pp_status_name(err->code));
    return buf;
}

const char *pp_version(void)
{
    return PACKAGE_VERSION;
}
