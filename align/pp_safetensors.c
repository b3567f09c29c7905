/* pp_safetensors.c — the safetensors reader (every header entry checked against
 * the file before any data is read) and the F32 writer. The data are little-endian,
 * as on the hosts this builds for. */
#include "config.h"
#include "align/pp_safetensors.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* a header larger than this is refused rather than allocated */
#define ST_MAX_HEADER (100u * 1024u * 1024u)

struct pp_safetensors {
    char *path;
    FILE *fp;
    uint64_t header_len, data_len;
    pp_st_tensor *t;
    int n;
};

static const struct {
    const char *name;
    unsigned size;
    pp_st_dtype dtype;
} st_dtypes[] = {
    {"F32", 4, PP_ST_F32},   {"F16", 2, PP_ST_F16},   {"BF16", 2, PP_ST_BF16},
    {"F64", 8, PP_ST_OTHER}, {"I64", 8, PP_ST_OTHER}, {"U64", 8, PP_ST_OTHER},
    {"I32", 4, PP_ST_OTHER}, {"U32", 4, PP_ST_OTHER}, {"I16", 2, PP_ST_OTHER},
    {"U16", 2, PP_ST_OTHER}, {"I8", 1, PP_ST_OTHER},  {"U8", 1, PP_ST_OTHER},
    {"BOOL", 1, PP_ST_OTHER}, {"F8_E4M3", 1, PP_ST_OTHER}, {"F8_E5M2", 1, PP_ST_OTHER},
};

void pp_safetensors_close(pp_safetensors *st)
{
    if (!st)
        return;
    if (st->fp)
        fclose(st->fp);
    for (int i = 0; i < st->n; i++)
        free(st->t[i].name);
    free(st->t);
    free(st->path);
    free(st);
}

uint64_t pp_st_numel(const pp_st_tensor *t)
{
    uint64_t n = 1;
    for (int i = 0; i < t->ndim; i++)
        n *= (uint64_t)t->shape[i];
    return n;
}

static int cmp_begin(const void *a, const void *b)
{
    const pp_st_tensor *x = *(pp_st_tensor *const *)a, *y = *(pp_st_tensor *const *)b;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* One header entry -> t; errors name the file and the tensor. */
static pp_status parse_entry(pp_safetensors *st, const char *name, json_t *e, pp_st_tensor *t,
                             pp_error *err)
{
    const char *path = st->path;
    if (!json_is_object(e))
        return pp_error_set(err, PP_ERR_PARSE, path, 0, "tensor \"%s\": entry is not an object",
                            name);
    json_t *dt = json_object_get(e, "dtype"), *shape = json_object_get(e, "shape");
    json_t *offs = json_object_get(e, "data_offsets");
    if (!json_is_string(dt) || !json_is_array(shape) || !json_is_array(offs) ||
        json_array_size(offs) != 2)
        return pp_error_set(err, PP_ERR_PARSE, path, 0,
                            "tensor \"%s\": needs dtype, shape and data_offsets [begin, end]", name);
    unsigned size = 0;
    for (size_t i = 0; i < sizeof st_dtypes / sizeof st_dtypes[0]; i++)
        if (strcmp(json_string_value(dt), st_dtypes[i].name) == 0) {
            size = st_dtypes[i].size;
            t->dtype = st_dtypes[i].dtype;
        }
    if (!size)
        return pp_error_set(err, PP_ERR_PARSE, path, 0, "tensor \"%s\": unknown dtype \"%s\"",
                            name, json_string_value(dt));
    snprintf(t->dtype_name, sizeof t->dtype_name, "%s", json_string_value(dt));
    if (json_array_size(shape) > PP_ST_MAX_DIMS)
        return pp_error_set(err, PP_ERR_UNSUPPORTED, path, 0,
                            "tensor \"%s\": more than %d dimensions", name, PP_ST_MAX_DIMS);
    t->ndim = (int)json_array_size(shape);
    uint64_t numel = 1;
    for (int i = 0; i < t->ndim; i++) {
        json_t *d = json_array_get(shape, (size_t)i);
        if (!json_is_integer(d) || json_integer_value(d) < 0)
            return pp_error_set(err, PP_ERR_PARSE, path, 0,
                                "tensor \"%s\": shape entries must be non-negative integers", name);
        t->shape[i] = json_integer_value(d);
        if (t->shape[i] > 0 && numel > UINT64_MAX / 16 / (uint64_t)t->shape[i])
            return pp_error_set(err, PP_ERR_PARSE, path, 0, "tensor \"%s\": shape too large",
                                name);
        numel *= (uint64_t)t->shape[i];
    }
    json_t *b = json_array_get(offs, 0), *en = json_array_get(offs, 1);
    if (!json_is_integer(b) || !json_is_integer(en) || json_integer_value(b) < 0 ||
        json_integer_value(en) < json_integer_value(b))
        return pp_error_set(err, PP_ERR_PARSE, path, 0,
                            "tensor \"%s\": data_offsets must be integers 0 <= begin <= end", name);
    t->begin = (uint64_t)json_integer_value(b);
    t->end = (uint64_t)json_integer_value(en);
    if (t->end - t->begin != numel * size)
        return pp_error_set(err, PP_ERR_PARSE, path, 0,
                            "tensor \"%s\": %s shape needs %llu bytes but data_offsets span %llu",
                            name, t->dtype_name, (unsigned long long)(numel * size),
                            (unsigned long long)(t->end - t->begin));
    if (t->end > st->data_len)
        return pp_error_set(err, PP_ERR_PARSE, path, 0,
                            "tensor \"%s\": data_offsets end at %llu but the file holds only %llu "
                            "bytes of data (truncated file?)",
                            name, (unsigned long long)t->end, (unsigned long long)st->data_len);
    t->name = strdup(name);
    if (!t->name)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    return PP_OK;
}

pp_status pp_safetensors_open(const char *path, pp_safetensors **out, pp_error *err)
{
    *out = NULL;
    pp_safetensors *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    st->fp = fopen(path, "rb");
    if (!st->fp) {
        pp_error_set(err, PP_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
        pp_safetensors_close(st);
        return err ? err->code : PP_ERR_IO;
    }
    struct stat sb;
    if (fstat(fileno(st->fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        pp_safetensors_close(st);
        return pp_error_set(err, PP_ERR_IO, path, 0, "not a regular file");
    }
    uint64_t size = (uint64_t)sb.st_size;
    unsigned char len8[8];
    if (size < 8 || fread(len8, 1, 8, st->fp) != 8) {
        pp_safetensors_close(st);
        return pp_error_set(err, PP_ERR_PARSE, path, 0,
                            "truncated safetensors file (no header length)");
    }
    uint64_t n = 0;
    for (int i = 7; i >= 0; i--)
        n = (n << 8) | len8[i];
    if (n > size - 8 || n > ST_MAX_HEADER) {
        pp_safetensors_close(st);
        return pp_error_set(err, PP_ERR_PARSE, path, 0,
                            "header length %llu exceeds the file (%llu bytes)",
                            (unsigned long long)n, (unsigned long long)size);
    }
    st->header_len = n;
    st->data_len = size - 8 - n;
    char *hdr = malloc(n + 1);
    if (!hdr || fread(hdr, 1, n, st->fp) != n) {
        free(hdr);
        pp_safetensors_close(st);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot read the header");
    }
    json_error_t je;
    json_t *h = json_loadb(hdr, n, JSON_REJECT_DUPLICATES, &je);
    free(hdr);
    if (!json_is_object(h)) {
        json_decref(h);
        pp_safetensors_close(st);
        return pp_error_set(err, PP_ERR_PARSE, path, 0, "the header is not a JSON object%s%s",
                            h ? "" : ": ", h ? "" : je.text);
    }
    st->t = calloc(json_object_size(h) + 1, sizeof *st->t);
    const char *key;
    json_t *val;
    pp_status rc = st->t ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    json_object_foreach(h, key, val)
    {
        if (rc)
            break;
        if (strcmp(key, "__metadata__") == 0)
            continue;
        rc = parse_entry(st, key, val, &st->t[st->n], err);
        if (!rc)
            st->n++;
    }
    json_decref(h);
    if (!rc && st->n > 0) { /* no two tensors may share bytes */
        pp_st_tensor **order = malloc(sizeof *order * (size_t)st->n);
        if (!order)
            rc = pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        for (int i = 0; order && i < st->n; i++)
            order[i] = &st->t[i];
        if (order)
            qsort(order, (size_t)st->n, sizeof *order, cmp_begin);
        for (int i = 1; order && !rc && i < st->n; i++)
            if (order[i]->begin < order[i - 1]->end)
                rc = pp_error_set(err, PP_ERR_PARSE, path, 0,
                                  "tensor \"%s\": data_offsets overlap those of \"%s\"",
                                  order[i]->name, order[i - 1]->name);
        free(order);
    }
    if (rc) {
        pp_safetensors_close(st);
        return rc;
    }
    *out = st;
    return PP_OK;
}

const char *pp_safetensors_path(const pp_safetensors *st) { return st->path; }
int pp_safetensors_count(const pp_safetensors *st) { return st->n; }

const pp_st_tensor *pp_safetensors_at(const pp_safetensors *st, int i)
{
    return i >= 0 && i < st->n ? &st->t[i] : NULL;
}

const pp_st_tensor *pp_safetensors_find(const pp_safetensors *st, const char *name)
{
    for (int i = 0; i < st->n; i++)
        if (strcmp(st->t[i].name, name) == 0)
            return &st->t[i];
    return NULL;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: normalize */
            exp = 127 - 15 + 1;
            while (!(man & 0x400)) {
                man <<= 1;
                exp--;
            }
            bits = sign | (exp << 23) | ((man & 0x3ff) << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13);
    } else {
        bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

pp_status pp_safetensors_read_f32(pp_safetensors *st, const pp_st_tensor *t, float *dst,
                                  uint64_t n, pp_error *err)
{
    if (n != pp_st_numel(t))
        return pp_error_set(err, PP_ERR_INVALID, st->path, 0,
                            "tensor \"%s\": %llu elements, %llu expected", t->name,
                            (unsigned long long)pp_st_numel(t), (unsigned long long)n);
    if (t->dtype == PP_ST_OTHER)
        return pp_error_set(err, PP_ERR_UNSUPPORTED, st->path, 0,
                            "tensor \"%s\": dtype %s is not supported (F32, F16 or BF16)", t->name,
                            t->dtype_name);
    if (fseeko(st->fp, (off_t)(8 + st->header_len + t->begin), SEEK_SET) != 0)
        return pp_error_set(err, PP_ERR_IO, st->path, 0, "tensor \"%s\": cannot seek", t->name);
    uint64_t bytes = t->end - t->begin;
    if (t->dtype == PP_ST_F32) {
        if (fread(dst, 1, bytes, st->fp) != bytes)
            return pp_error_set(err, PP_ERR_IO, st->path, 0,
                                "tensor \"%s\": truncated file (short read)", t->name);
        return PP_OK;
    }
    /* 16-bit types: read into the upper half of dst, widen front to back */
    uint16_t *h = (uint16_t *)(void *)dst + n;
    if (fread(h, 1, bytes, st->fp) != bytes)
        return pp_error_set(err, PP_ERR_IO, st->path, 0,
                            "tensor \"%s\": truncated file (short read)", t->name);
    for (uint64_t i = 0; i < n; i++) {
        uint16_t x = h[i];
        if (t->dtype == PP_ST_BF16) {
            uint32_t bits = (uint32_t)x << 16;
            memcpy(&dst[i], &bits, 4);
        } else {
            dst[i] = half_to_float(x);
        }
    }
    return PP_OK;
}

pp_status pp_safetensors_write(const char *path, const pp_st_out *ts, int n, pp_error *err)
{
    json_t *h = json_object();
    uint64_t off = 0;
    json_object_set_new(h, "__metadata__", json_pack("{s:s}", "format", "pt"));
    for (int i = 0; i < n; i++) {
        json_t *shape = json_array();
        uint64_t numel = 1;
        for (int d = 0; d < ts[i].ndim; d++) {
            json_array_append_new(shape, json_integer(ts[i].shape[d]));
            numel *= (uint64_t)ts[i].shape[d];
        }
        json_object_set_new(h, ts[i].name,
                            json_pack("{s:s,s:o,s:[I,I]}", "dtype", "F32", "shape", shape,
                                      "data_offsets", (json_int_t)off,
                                      (json_int_t)(off + numel * 4)));
        off += numel * 4;
    }
    char *text = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(h);
    if (!text)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    size_t len = strlen(text), padded = (len + 7) / 8 * 8;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "wb");
    if (!fp) {
        free(text);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
    }
    unsigned char len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (unsigned char)((uint64_t)padded >> (8 * i));
    int ok = fwrite(len8, 1, 8, fp) == 8 && fwrite(text, 1, len, fp) == len;
    for (size_t i = len; ok && i < padded; i++)
        ok = fputc(' ', fp) != EOF;
    free(text);
    for (int i = 0; ok && i < n; i++) {
        size_t numel = 1;
        for (int d = 0; d < ts[i].ndim; d++)
            numel *= (size_t)ts[i].shape[d];
        ok = fwrite(ts[i].data, sizeof(float), numel, fp) == numel;
    }
    if (fclose(fp) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
    }
    return PP_OK;
}
