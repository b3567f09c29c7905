/* cmd_prefs_lewidi.h — the LeWiDi input of `polyphony prefs` (CLI only). */
#ifndef CMD_PREFS_LEWIDI_H
#define CMD_PREFS_LEWIDI_H

#include "corpora-tools/community/pp_prefs_lewidi.h"
#include "src/pp_record.h"

/* Read items and metadata; bad judgements go to `rej` when given, else each
 * is reported (file: item: reason) and the result is 1. 0 on success. */
int prefs_lewidi_load(const char *cmd, char **files, size_t n, const char *meta,
                      const char *group_by, pp_writer *rej, pp_lewidi **out);

/* Write the preference records to `out` ("-" or NULL: stdout); ties go to
 * `rej` when given. Exit status. */
int prefs_lewidi_import(const char *cmd, pp_lewidi *l, const char *out, pp_writer *rej,
                        const char *rejf);

#endif
