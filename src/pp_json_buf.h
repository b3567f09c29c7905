/* pp_json_buf.h — a growing byte buffer and the compact JSON pieces the
 * record writer is made of, byte for byte what jansson's json_dumpb(...,
 * JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) writes for the
 * same values. Used by pp_record_dump (a jansson tree) and by writers that
 * build a record straight from parsed fields (pp_record_view.h), so every
 * record the project writes has the same bytes whichever way it was built.
 * Not installed. Every function returns 0 on failure (out of memory, a
 * string that is not valid UTF-8, a real that is not finite). */
#ifndef PP_JSON_BUF_H
#define PP_JSON_BUF_H

#include "src/pp_record.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_jbuf {
    char *s;    /* malloc'd; always at least one byte of room after len */
    size_t len;
    size_t cap;
} pp_jbuf;

/* Room for `more` bytes and one more after them. */
int pp_jbuf_reserve(pp_jbuf *b, size_t more);
int pp_jbuf_put(pp_jbuf *b, const char *s, size_t n);
/* A JSON string: quotes, jansson's escapes (\uXXXX upper-case for other
 * control characters), UTF-8 checked. */
int pp_jbuf_string(pp_jbuf *b, const char *s, size_t n);
/* The same for a string already known to be valid UTF-8 (not checked again). */
int pp_jbuf_string_valid(pp_jbuf *b, const char *s, size_t n);
int pp_jbuf_int(pp_jbuf *b, long long x);
int pp_jbuf_real(pp_jbuf *b, double d);
/* A real as json_dumpb prints it under JSON_REAL_PRECISION(prec), prec in
 * 1..17 (jansson's default, JSON_COMPACT alone, is 17). */
int pp_jbuf_real_prec(pp_jbuf *b, double d, int prec);
/* Any jansson value. */
int pp_jbuf_json(pp_jbuf *b, const json_t *v);

/* The value of a record view's field (pp_record_view.h), reals printed with
 * `prec` significant digits as pp_jbuf_real_prec does (pp_record_view_dump
 * is this with 15). Implemented in pp_record_view.cc. */
typedef struct pp_record_view pp_record_view;
typedef struct pp_jfield pp_jfield;
int pp_jbuf_view_value(pp_jbuf *b, const pp_record_view *v, const pp_jfield *f, int prec);

#ifdef __cplusplus
}
#endif
#endif
