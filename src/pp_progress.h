/* pp_progress.h — progress lines for long work.
 *
 * The library does not print on its own: the caller hands a stream (the CLI
 * passes stderr, and only when it is a terminal or --progress was given). */
#ifndef PP_PROGRESS_H
#define PP_PROGRESS_H

#include "src/pp_common.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_progress pp_progress;

/* `stream` NULL gives a silent progress object (all calls are cheap no-ops).
 * `unit` names the items ("records", "lines"). */
PP_API pp_progress *pp_progress_new(FILE *stream, const char *label, const char *unit);

/* Count `items` more items and `bytes` more input bytes; redraws at most ~4
 * times a second. */
PP_API void pp_progress_add(pp_progress *p, long items, long bytes);

/* Print the final line and free. NULL is a no-op. */
PP_API void pp_progress_done(pp_progress *p);

#ifdef __cplusplus
}
#endif
#endif
