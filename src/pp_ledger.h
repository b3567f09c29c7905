/* pp_ledger.h — the metrics ledger every stage writes (DESIGN.md).
 *
 * One JSON object a line, appended:
 *   {"stage":"filter","step":"gopher","lang":"yor","metric":"survival",
 *    "value":0.62,"n":1200,"lo":0.59,"hi":0.65,"run":"2026-11-23T10:00:00Z"}
 * `lo`/`hi` are written only when they are finite. */
#ifndef PP_LEDGER_H
#define PP_LEDGER_H

#include "src/pp_common.h"

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_ledger pp_ledger;

/* Open `path` for appending rows of `stage`. The run stamp is the current UTC
 * time, or $PP_RUN when set (for reproducible ledgers in tests). */
PP_API pp_status pp_ledger_open(const char *path, const char *stage, pp_ledger **out,
                                pp_error *err);

/* Append a row. `step` may be NULL (omitted). Use NAN for lo/hi when there is
 * no interval. */
PP_API pp_status pp_ledger_add(pp_ledger *l, const char *step, const char *lang,
                               const char *metric, double value, long n, double lo, double hi,
                               pp_error *err);

/* The same with more fields (an object whose members are added after the
 * standard ones; members named like a standard field are ignored). */
PP_API pp_status pp_ledger_add_extra(pp_ledger *l, const char *step, const char *lang,
                                     const char *metric, double value, long n, double lo,
                                     double hi, json_t *extra, pp_error *err);

PP_API const char *pp_ledger_run(const pp_ledger *l);

/* Flush and close. NULL is a no-op returning PP_OK. */
PP_API pp_status pp_ledger_close(pp_ledger *l, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
