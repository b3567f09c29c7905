/* fuzz_ingest.h — the ingest work shared by the XML and HTML targets. */
#ifndef PP_FUZZ_INGEST_H
#define PP_FUZZ_INGEST_H

#include "corpora-tools/sourcing/pp_ingest.h"

#include <stddef.h>
#include <stdint.h>

/* Ingest the input as `format` (written to a file with `suffix`). The
 * segmentation mode is taken from the input's length modulo 3, so the
 * mutations reach all three without a header byte the seeds would need. */
void fuzz_ingest(pp_ingest_format format, const char *suffix, const uint8_t *data, size_t size);

#endif
