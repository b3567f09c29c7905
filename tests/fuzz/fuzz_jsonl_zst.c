/* fuzz_jsonl_zst.c — the JSONL record reader through the zstd decoder: the
 * input is the decompressed text, compressed here (in small blocks, so a
 * line crosses frame blocks) before reading. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_records.h"

#include <stdlib.h>
#include <zstd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = ZSTD_compressBound(size);
    void *out = malloc(cap ? cap : 1);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    if (!out || !cc)
        abort();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    size_t n = ZSTD_compress2(cc, out, cap, data, size);
    ZSTD_freeCCtx(cc);
    if (ZSTD_isError(n))
        abort();
    const char *path = fuzz_file(".jsonl.zst", out, n);
    free(out);
    fuzz_read_records(path);
    return 0;
}
