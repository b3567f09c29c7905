/* fuzz_ingest_tei.c — ingest of a TEI document: one record per paragraph-like element. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_ingest(PP_FMT_TEI, ".tei.xml", data, size);
    return 0;
}
