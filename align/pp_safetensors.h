/* pp_safetensors.h — reading and writing the safetensors format: an 8-byte
 * little-endian header length N, N bytes of JSON {"name": {"dtype", "shape",
 * "data_offsets": [begin, end]}, "__metadata__": {...}}, then the data; offsets are
 * relative to the end of the header.
 *
 * The reader checks every entry before anything is read: known dtype, shape
 * product x dtype size == end - begin, offsets inside the file, no overlaps. */
#ifndef PP_SAFETENSORS_H
#define PP_SAFETENSORS_H

#include <stdint.h>

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PP_ST_MAX_DIMS 8

typedef enum pp_st_dtype {
    PP_ST_F32 = 0,
    PP_ST_F16,
    PP_ST_BF16,
    PP_ST_OTHER /* a valid safetensors dtype this reader does not convert (I64, F64, ...) */
} pp_st_dtype;

typedef struct pp_st_tensor {
    char *name;
    char dtype_name[16];           /* as written in the header: "F32", "BF16", ... */
    pp_st_dtype dtype;
    int ndim;
    int64_t shape[PP_ST_MAX_DIMS];
    uint64_t begin, end;           /* byte offsets relative to the data section */
} pp_st_tensor;

typedef struct pp_safetensors pp_safetensors;

/* Open `path` and parse/validate its header. Errors name the file (and the tensor
 * when one entry is wrong). The data is read only by pp_safetensors_read_f32. */
PP_API pp_status pp_safetensors_open(const char *path, pp_safetensors **out, pp_error *err);
PP_API void pp_safetensors_close(pp_safetensors *st);

PP_API const char *pp_safetensors_path(const pp_safetensors *st);
PP_API int pp_safetensors_count(const pp_safetensors *st);
PP_API const pp_st_tensor *pp_safetensors_at(const pp_safetensors *st, int i);
/* NULL when absent. */
PP_API const pp_st_tensor *pp_safetensors_find(const pp_safetensors *st, const char *name);

/* Number of elements of a tensor (product of its shape; 1 for a scalar). */
PP_API uint64_t pp_st_numel(const pp_st_tensor *t);

/* Read tensor `t` converted to float into dst (n floats; n must equal its numel).
 * F32, F16 and BF16 are converted; other dtypes are PP_ERR_UNSUPPORTED. A short
 * read (file truncated since open) is an error naming file and tensor. */
PP_API pp_status pp_safetensors_read_f32(pp_safetensors *st, const pp_st_tensor *t, float *dst,
                                         uint64_t n, pp_error *err);

/* A tensor to write: F32 data of the given shape. */
typedef struct pp_st_out {
    const char *name;
    const float *data;
    int ndim;
    int64_t shape[PP_ST_MAX_DIMS];
} pp_st_out;

/* Write n tensors as F32 in the order given, with {"format": "pt"} metadata, to
 * `path` (through a temporary file renamed when complete). */
PP_API pp_status pp_safetensors_write(const char *path, const pp_st_out *tensors, int n,
                                      pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
