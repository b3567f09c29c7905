/* fuzz_jsonl.c — the JSONL record reader on the input as it is: plain,
 * or gzip/zstd recognised by their magic bytes (the seeds have all three),
 * so corrupt and truncated compressed streams are exercised too. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_read_records(fuzz_file(".jsonl", data, size));
    return 0;
}
