/* cmd_spool.h — helpers shared by the filter, dedup, sample and datasheet commands
 * (private to the polyphony command). */
#ifndef PP_CMD_SPOOL_H
#define PP_CMD_SPOOL_H

#include "src/pp_common.h"

/* Commands that read their input twice: when `path` is NULL or "-", copy
 * the (decompressed) standard input to a temporary file and return its name
 * in *tmp (the caller unlink()s and free()s it); otherwise *tmp is NULL. */
pp_status cmd_spool_stdin(const char *path, char **tmp, pp_error *err);

#endif
