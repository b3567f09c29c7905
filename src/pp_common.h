/* pp_common.h — export macro, status codes and the error struct shared by
 * every libpolyphony function.
 *
 * Conventions (see DESIGN.md): fallible functions return pp_status and fill
 * an optional pp_error; the library never exits, aborts or prints. */
#ifndef PP_COMMON_H
#define PP_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Symbols are hidden by default (-fvisibility=hidden); PP_API marks the
 * public interface. */
#if defined(_WIN32)
#define PP_API __declspec(dllexport)
#elif defined(__GNUC__)
#define PP_API __attribute__((visibility("default")))
#else
#define PP_API
#endif

typedef enum pp_status {
    PP_OK = 0,
    PP_ERR_IO,          /* open/read/write/rename failed */
    PP_ERR_PARSE,       /* malformed input (JSON, XML, numbers...) */
    PP_ERR_ENCODING,    /* invalid UTF-8 or a failed conversion */
    PP_ERR_NOMEM,       /* allocation failed */
    PP_ERR_INVALID,     /* invalid argument or value */
    PP_ERR_UNSUPPORTED, /* a format or option this build does not handle */
    PP_ERR_MODEL,       /* a model file could not be loaded or used */
    PP_ERR_ICU,         /* an ICU call failed */
    PP_ERR_NOT_FOUND,   /* a named thing (language, field, file) is absent */
    PP_ERR_STREAM       /* a compressed stream is truncated or corrupt: the input ends
                           there, unlike a bad line, which a reader can skip */
} pp_status;

/* Where an error happened and why. `file` and `line` are empty/0 when they
 * do not apply. Messages are complete sentences without a trailing newline. */
typedef struct pp_error {
    pp_status code;
    char file[512];
    long line;
    char message[1024];
} pp_error;

/* Human name of a status ("I/O error", "parse error", ...). Never NULL. */
PP_API const char *pp_status_name(pp_status s);

/* Fill `err` (if not NULL) and return `code`. printf-style message. */
PP_API pp_status pp_error_set(pp_error *err, pp_status code, const char *file, long line,
                              const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Reset to PP_OK with empty fields. */
PP_API void pp_error_clear(pp_error *err);

/* Format "file:line: message" (or shorter forms when fields are absent) into buf. */
PP_API const char *pp_error_format(const pp_error *err, char *buf, size_t len);

/* Library version string, e.g. "0.1.0". */
PP_API const char *pp_version(void);

#ifdef __cplusplus
}
#endif
#endif
