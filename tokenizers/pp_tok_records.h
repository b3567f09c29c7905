/* pp_tok_records.h — the records `polyphony tokenizer encode` writes.
 *
 * A record in, the same record out with its token ids: the record's fields
 * in their order with "tokens" left out, then (with `pieces`) "pieces" —
 * in place when the record has one, else appended —, then "tokens": the
 * ids. The bytes are those of jansson's json_dumpb(JSON_COMPACT) of the
 * record so changed (reals with 17 significant digits, jansson's default),
 * written from a parsed record view (pp_record_view.h) without a tree.
 *
 * Each function appends the line (no '\n') to *buf, whose length is *len
 * and capacity *cap (grown with realloc; *buf NULL and *cap 0 to start).
 * Errors carry no file or line: the caller names its input. */
#ifndef PP_TOK_RECORDS_H
#define PP_TOK_RECORDS_H

#include "src/pp_common.h"
#include "src/pp_record_view.h"
#include "tokenizers/pp_tokenizer.h"

#include <jansson.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A record read by the fast parser. PP_ERR_PARSE when it has no "text"
 * string; the tokenizer's error when encoding fails. */
PP_API pp_status pp_tok_encode_view(pp_tokenizer *t, const pp_record_view *v, int pieces,
                                    char **buf, size_t *len, size_t *cap, pp_error *err);

/* The same for a record as a jansson object (a line the fast parser left
 * to jansson). */
PP_API pp_status pp_tok_encode_tree(pp_tokenizer *t, const json_t *rec, int pieces, char **buf,
                                    size_t *len, size_t *cap, pp_error *err);

/* A line of plain text as the record {"text": line}. PP_ERR_ENCODING
 * ("invalid UTF-8 at byte N", N counted from 0) when it is not UTF-8. */
PP_API pp_status pp_tok_encode_text(pp_tokenizer *t, const char *text, size_t n, int pieces,
                                    char **buf, size_t *len, size_t *cap, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
