/* fuzz_jsonl_gz.c — the JSONL record reader through the gzip decoder: the
 * input is the decompressed text; the target compresses it (split into two
 * gzip members when it is long enough, as concatenated files are) so the
 * mutations reach the records rather than the compressed bytes. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_records.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

/* Append one gzip member of [data, data+size) to fp. */
static int gzip_member(FILE *fp, const uint8_t *data, size_t size)
{
    z_stream z = {0};
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    size_t cap = deflateBound(&z, size) + 64;
    unsigned char *out = malloc(cap);
    if (!out) {
        deflateEnd(&z);
        return 0;
    }
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)size;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int ok = deflate(&z, Z_FINISH) == Z_STREAM_END &&
             fwrite(out, 1, cap - z.avail_out, fp) == cap - z.avail_out;
    deflateEnd(&z);
    free(out);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        abort();
    size_t cut = size > 64 ? size / 2 : size;
    if (!gzip_member(fp, data, cut) || (cut < size && !gzip_member(fp, data + cut, size - cut)) ||
        fclose(fp) != 0)
        abort();
    const char *path = fuzz_file(".jsonl.gz", (const uint8_t *)buf, len);
    free(buf);
    fuzz_read_records(path);
    return 0;
}
