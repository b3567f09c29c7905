/* fuzz_ingest_ces.c — ingest of a CES (Corpus Encoding Standard) XML corpus: one record per verse/segment. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_ingest(PP_FMT_CES, ".xml", data, size);
    return 0;
}
