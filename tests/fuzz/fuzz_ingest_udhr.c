/* fuzz_ingest_udhr.c — ingest of a UDHR translation page (HTML): one record per paragraph, with its article. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_ingest(PP_FMT_UDHR, ".html", data, size);
    return 0;
}
