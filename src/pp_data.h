/* pp_data.h — where the bundled data (UDHR, registry, models) lives. */
#ifndef PP_DATA_H
#define PP_DATA_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Resolve `relpath` (e.g. "eval-sets/udhr/udhr.jsonl.zst") against the data
 * directory: $POLYPHONY_DATA if set, else the installed $(pkgdatadir).
 * Returns PP_ERR_NOT_FOUND (with the paths tried) when the file is absent. */
PP_API pp_status pp_data_path(const char *relpath, char *out, size_t cap, pp_error *err);

/* The data directory in use. */
PP_API const char *pp_data_dir(void);

#ifdef __cplusplus
}
#endif
#endif
