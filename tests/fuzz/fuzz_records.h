/* fuzz_records.h — the JSONL record loop the three record targets share. */
#ifndef PP_FUZZ_RECORDS_H
#define PP_FUZZ_RECORDS_H

#include <stddef.h>

/* Read every record of `path` the way a command does: each record written
 * out again, each bad line passed to the rejects writer with its raw bytes. */
void fuzz_read_records(const char *path);

#endif
