/* fuzz_ingest_html.c — ingest of an HTML page (recovering parser): the document or its blocks. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_ingest(PP_FMT_HTML, ".html", data, size);
    return 0;
}
