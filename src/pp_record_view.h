/* pp_record_view.h — a JSONL record parsed without building a tree.
 *
 * The record reader parses each line with simdjson (several times faster
 * than jansson) into a view: the record's fields in their order, strings
 * unescaped, numbers as jansson reads them (an integer when the number has
 * no '.', 'e' or 'E'). A command that needs a jansson tree gets one built
 * from the view (pp_record_view_tree); a command that only reads fields
 * and writes a record (ingest) uses the view and writes the output with
 * the same bytes pp_record_dump writes.
 *
 * The view only takes a line when jansson, under the reader's rules (no
 * duplicate keys at any depth, no NUL in a string), would take it and read
 * the same values. Everything else — malformed JSON, not an object, a
 * duplicate key, "\u0000", an integer beyond 64 bits, very deep nesting —
 * is left to jansson, which gives the message (file:line, what is wrong)
 * or, where the two parsers' limits differ, the record. */
#ifndef PP_RECORD_VIEW_H
#define PP_RECORD_VIEW_H

#include "src/pp_common.h"

#include <jansson.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_record_view pp_record_view;

typedef enum pp_jtype {
    PP_J_NULL = 0,
    PP_J_TRUE,
    PP_J_FALSE,
    PP_J_INT,
    PP_J_REAL,
    PP_J_STRING,
    PP_J_ARRAY,
    PP_J_OBJECT
} pp_jtype;

/* One member of an object. Strings (keys too) are valid UTF-8 without NUL
 * and NUL-terminated; they live until the next parse. */
typedef struct pp_jfield {
    const char *key;
    size_t key_len;
    pp_jtype type;
    const char *str; /* PP_J_STRING */
    size_t len;      /* PP_J_STRING: bytes; PP_J_ARRAY/PP_J_OBJECT: members */
    long long i;     /* PP_J_INT */
    double d;        /* PP_J_REAL */
    size_t node;     /* PP_J_ARRAY/PP_J_OBJECT: opaque, for the calls below */
} pp_jfield;

PP_API pp_status pp_record_view_new(pp_record_view **out, pp_error *err);
PP_API void pp_record_view_free(pp_record_view *v);

/* Parse `len` bytes (one line, no '\n'). 1: the view holds the record;
 * 0: the line is left to jansson (see above). Never reports an error itself. */
PP_API int pp_record_view_parse(pp_record_view *v, const char *line, size_t len);

/* The top-level members, in the record's order. */
PP_API const pp_jfield *pp_record_view_fields(const pp_record_view *v, size_t *n);

/* The member named `key` (top level), or NULL. */
PP_API const pp_jfield *pp_record_view_get(const pp_record_view *v, const char *key);

/* The members of an object field `f` (one level), in order, valid until the
 * next call of this function or the next parse; NULL when `f` is not an
 * object or out of memory. */
PP_API const pp_jfield *pp_record_view_members(const pp_record_view *v, const pp_jfield *f,
                                               size_t *n);

/* Append the compact JSON of `f`'s value to *buf (length *len, capacity
 * *cap, grown with realloc), the bytes pp_record_dump would write for it.
 * 0 on out of memory. */
PP_API int pp_record_view_dump(const pp_record_view *v, const pp_jfield *f, char **buf,
                               size_t *len, size_t *cap);

/* The whole record as a jansson object (new reference), the tree
 * json_loadb would have built from the line; NULL on out of memory. */
PP_API json_t *pp_record_view_tree(const pp_record_view *v);

#ifdef __cplusplus
}
#endif
#endif
