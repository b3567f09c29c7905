/* cmd_prefs_int.h — pieces of `polyphony prefs` kept in their own files
 * (CLI only): the LeWiDi input, the UDHR variant sets of `prefs synth`. */
#ifndef CMD_PREFS_INT_H
#define CMD_PREFS_INT_H

#include "corpora-tools/community/pp_prefs_lewidi.h"
#include "src/pp_record.h"

/* Read items and metadata; bad judgements go to `rej` when given, else each
 * is reported (file: item: reason) and the result is 1. 0 on success. */
int prefs_lewidi_load(const char *cmd, char **files, size_t n, const char *meta,
                      const char *group_by, const char *labels, pp_writer *rej, pp_lewidi **out);

/* Write the preference records to `out` ("-" or NULL: stdout); ties go to
 * `rej` when given. Exit status. */
int prefs_lewidi_import(const char *cmd, pp_lewidi *l, const char *out, pp_writer *rej,
                        const char *rejf);

/* `prefs synth --variants A,B ...`: options as parsed by cmd_prefs_synth. */
int prefs_synth_variants(const char *cmd, const char *variants, double majority, long seed,
                         const char *udhr, long max_chars, int by_annotators, const char *out,
                         const char *eval_out);

#endif
