/* fuzz_ingest_tmx.c — ingest of a TMX translation memory: one record per tuv. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_ingest(PP_FMT_TMX, ".tmx", data, size);
    return 0;
}
