/* fuzz_safetensors.c — the safetensors reader: the header (JSON, dtypes, shapes,
 * offsets checked against the file) and then every tensor read and converted to
 * float, as a checkpoint load does. */
#include "config.h"
#include "align/pp_safetensors.h"
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_safetensors *st = NULL;
    pp_error err;
    if (pp_safetensors_open(fuzz_file(".safetensors", data, size), &st, &err) != PP_OK) {
        fuzz_touch_str(err.message);
        return 0;
    }
    fuzz_touch_str(pp_safetensors_path(st));
    int n = pp_safetensors_count(st);
    for (int i = 0; i < n; i++) {
        const pp_st_tensor *t = pp_safetensors_at(st, i);
        fuzz_touch_str(t->name);
        if (pp_safetensors_find(st, t->name) == NULL)
            abort(); /* a listed tensor must be found by its name */
        uint64_t k = pp_st_numel(t);
        if (k > (1u << 20)) /* the header allows it; the fuzzer's inputs cannot hold it */
            continue;
        float *dst = malloc(sizeof(float) * (k ? k : 1));
        if (!dst)
            continue;
        if (pp_safetensors_read_f32(st, t, dst, k, &err) == PP_OK)
            fuzz_touch(dst, sizeof(float) * k);
        else
            fuzz_touch_str(err.message);
        free(dst);
    }
    pp_safetensors_close(st);
    return 0;
}
