/* pp_dedup_sig.c — the binary signature files of the two-phase mode (format
 * in pp_dedup.h). Output goes through pp_output, so a name ending in .zst or
 * .gz is compressed and any input compression is detected on reading. */
#include "config.h"
#include "corpora-tools/cleaning/pp_dedup.h"
#include "src/pp_stream.h"

#include <stdlib.h>
#include <string.h>

static const char MAGIC[8] = {'P', 'P', 'D', 'S', 'I', 'G', '1', '\n'};

struct pp_sig_writer {
    pp_output *out;
    int k, bands;
    uint64_t count;
    unsigned char *buf;
    size_t len, cap;
};

struct pp_sig_reader {
    pp_input *in;
    char *name;
    char *shard;
    int k, bands;
    uint64_t count;
    char id[65536];
    char lang[256];
    uint32_t *mh;
    uint64_t *bh;
    int done;
};

static int put(pp_sig_writer *w, const void *p, size_t n)
{
    if (w->len + n > w->cap) {
        size_t nc = w->cap ? w->cap : 4096;
        while (nc < w->len + n)
            nc *= 2;
        unsigned char *b = realloc(w->buf, nc);
        if (!b)
            return 0;
        w->buf = b;
        w->cap = nc;
    }
    memcpy(w->buf + w->len, p, n);
    w->len += n;
    return 1;
}

static int put_u8(pp_sig_writer *w, unsigned v)
{
    unsigned char b = (unsigned char)v;
    return put(w, &b, 1);
}

static int put_le(pp_sig_writer *w, uint64_t v, int bytes)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return put(w, b, (size_t)bytes);
}

static pp_status flush(pp_sig_writer *w, pp_error *err)
{
    pp_status st = pp_output_write(w->out, w->buf, w->len, err);
    w->len = 0;
    return st;
}

pp_status pp_sig_writer_open(const char *path, const pp_dedup_params *p, const char *shard,
                             pp_sig_writer **out, pp_error *err)
{
    pp_status st = pp_dedup_params_check(p, err);
    if (st != PP_OK)
        return st;
    size_t slen = strlen(shard ? shard : "");
    if (slen > 65535)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "shard name too long");
    pp_sig_writer *w = calloc(1, sizeof *w);
    if (!w)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    w->k = p->bands * p->rows;
    w->bands = p->bands;
    st = pp_output_open(path, &w->out, err);
    if (st != PP_OK) {
        free(w);
        return st;
    }
    int ok = put(w, MAGIC, 8) && put_le(w, (uint64_t)p->bands, 4) &&
             put_le(w, (uint64_t)p->rows, 4) && put_le(w, (uint64_t)p->shingle, 4) &&
             put_le(w, (uint64_t)p->word_n, 4) && put_le(w, (uint64_t)p->char_n, 4) &&
             put_le(w, p->seed, 8) && put_le(w, slen, 2) && put(w, shard ? shard : "", slen);
    if (!ok) {
        pp_sig_writer_abort(w);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    *out = w;
    return PP_OK;
}

pp_status pp_sig_writer_put(pp_sig_writer *w, const pp_sig_entry *e, pp_error *err)
{
    size_t idlen = strlen(e->id ? e->id : ""), langlen = strlen(e->lang ? e->lang : "");
    if (idlen > 65535)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "id longer than 65535 bytes");
    if (langlen > 255)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "language tag longer than 255 bytes");
    int ok = put_u8(w, 'R') && put_le(w, e->pos, 8) && put_u8(w, e->id_is_position ? 1 : 0) &&
             put_le(w, idlen, 2) && put(w, e->id ? e->id : "", idlen) && put_u8(w, (unsigned)langlen) &&
             put(w, e->lang ? e->lang : "", langlen) && put(w, e->exact, 16) &&
             put_le(w, e->nshingles > UINT32_MAX ? UINT32_MAX : e->nshingles, 4);
    if (ok && e->nshingles) {
        for (int i = 0; ok && i < w->k; i++)
            ok = put_le(w, e->minhash[i], 4);
        for (int i = 0; ok && i < w->bands; i++)
            ok = put_le(w, e->bands[i], 8);
    }
    if (!ok)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    w->count++;
    if (w->len >= 1 << 16)
        return flush(w, err);
    return PP_OK;
}

pp_status pp_sig_writer_close(pp_sig_writer *w, pp_error *err)
{
    if (!w)
        return PP_OK;
    pp_status st = PP_OK;
    if (!put_u8(w, 'E') || !put_le(w, w->count, 8))
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    if (st == PP_OK)
        st = flush(w, err);
    if (st == PP_OK)
        st = pp_output_close(w->out, err);
    else
        pp_output_abort(w->out);
    free(w->buf);
    free(w);
    return st;
}

void pp_sig_writer_abort(pp_sig_writer *w)
{
    if (!w)
        return;
    pp_output_abort(w->out);
    free(w->buf);
    free(w);
}

/* ---- reader ---- */

static pp_status get(pp_sig_reader *r, void *p, size_t n, pp_error *err)
{
    size_t have = 0;
    while (have < n) {
        size_t got = 0;
        pp_status st = pp_input_read(r->in, (char *)p + have, n - have, &got, err);
        if (st != PP_OK)
            return st;
        if (got == 0)
            return pp_error_set(err, PP_ERR_PARSE, r->name, 0,
                                "signature file is truncated after %llu entries",
                                (unsigned long long)r->count);
        have += got;
    }
    return PP_OK;
}

static pp_status get_le(pp_sig_reader *r, uint64_t *v, int bytes, pp_error *err)
{
    unsigned char b[8];
    pp_status st = get(r, b, (size_t)bytes, err);
    if (st != PP_OK)
        return st;
    *v = 0;
    for (int i = 0; i < bytes; i++)
        *v |= (uint64_t)b[i] << (8 * i);
    return PP_OK;
}

pp_status pp_sig_reader_open(const char *path, pp_dedup_params *p, const char **shard,
                             pp_sig_reader **out, pp_error *err)
{
    pp_sig_reader *r = calloc(1, sizeof *r);
    if (!r)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    pp_status st = pp_input_open(path, &r->in, err);
    if (st != PP_OK) {
        free(r);
        return st;
    }
    r->name = strdup(pp_input_name(r->in));
    char magic[8];
    uint64_t bands, rows, kind, wn, cn, seed, slen;
    if (!r->name) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    if ((st = get(r, magic, 8, err)) != PP_OK || memcmp(magic, MAGIC, 8) != 0) {
        st = pp_error_set(err, PP_ERR_PARSE, r->name, 0,
                          "not a polyphony dedup signature file (bad magic)");
        goto fail;
    }
    if ((st = get_le(r, &bands, 4, err)) || (st = get_le(r, &rows, 4, err)) ||
        (st = get_le(r, &kind, 4, err)) || (st = get_le(r, &wn, 4, err)) ||
        (st = get_le(r, &cn, 4, err)) || (st = get_le(r, &seed, 8, err)) ||
        (st = get_le(r, &slen, 2, err)))
        goto fail;
    pp_dedup_params_default(p);
    p->bands = (int)bands;
    p->rows = (int)rows;
    p->shingle = kind <= PP_SHINGLE_CHAR ? (pp_shingle_kind)kind : PP_SHINGLE_AUTO;
    p->word_n = (int)wn;
    p->char_n = (int)cn;
    p->seed = seed;
    if (kind > PP_SHINGLE_CHAR || bands == 0 || rows == 0 || bands * rows > PP_DEDUP_MAX_PERM ||
        wn < 1 || wn > 32 || cn < 1 || cn > 32) {
        st = pp_error_set(err, PP_ERR_PARSE, r->name, 0, "signature header has invalid parameters");
        goto fail;
    }
    r->k = (int)(bands * rows);
    r->bands = (int)bands;
    r->shard = malloc(slen + 1);
    r->mh = malloc(sizeof(uint32_t) * (size_t)r->k);
    r->bh = malloc(sizeof(uint64_t) * (size_t)r->bands);
    if (!r->shard || !r->mh || !r->bh) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto fail;
    }
    if ((st = get(r, r->shard, slen, err)) != PP_OK)
        goto fail;
    r->shard[slen] = '\0';
    *shard = r->shard;
    *out = r;
    return PP_OK;
fail:
    pp_sig_reader_close(r);
    return st;
}

pp_status pp_sig_reader_next(pp_sig_reader *r, pp_sig_entry *e, int *more, pp_error *err)
{
    *more = 0;
    if (r->done)
        return PP_OK;
    unsigned char tag;
    uint64_t v, pos, idlen, langlen, nsh;
    pp_status st = get(r, &tag, 1, err);
    if (st != PP_OK)
        return st;
    if (tag == 'E') {
        if ((st = get_le(r, &v, 8, err)) != PP_OK)
            return st;
        if (v != r->count)
            return pp_error_set(err, PP_ERR_PARSE, r->name, 0,
                                "signature file says %llu entries but holds %llu",
                                (unsigned long long)v, (unsigned long long)r->count);
        r->done = 1;
        return PP_OK;
    }
    if (tag != 'R')
        return pp_error_set(err, PP_ERR_PARSE, r->name, 0, "corrupt signature entry %llu",
                            (unsigned long long)r->count + 1);
    unsigned char flags;
    if ((st = get_le(r, &pos, 8, err)) || (st = get(r, &flags, 1, err)) ||
        (st = get_le(r, &idlen, 2, err)) || (st = get(r, r->id, idlen, err)) ||
        (st = get_le(r, &langlen, 1, err)) || (st = get(r, r->lang, langlen, err)) ||
        (st = get(r, e->exact, 16, err)) || (st = get_le(r, &nsh, 4, err)))
        return st;
    r->id[idlen] = '\0';
    r->lang[langlen] = '\0';
    if (nsh) {
        /* Sized for the largest block the header check admits: k <= MAX_PERM
         * MinHash values of 4 bytes, bands <= k band hashes of 8 bytes. */
        unsigned char blk[PP_DEDUP_MAX_PERM * 8];
        if ((size_t)r->k * 4 > sizeof blk || (size_t)r->bands * 8 > sizeof blk)
            return pp_error_set(err, PP_ERR_PARSE, r->name, 0,
                                "signature header has invalid parameters");
        if ((st = get(r, blk, (size_t)r->k * 4, err)) != PP_OK)
            return st;
        for (int i = 0; i < r->k; i++) {
            const unsigned char *b = blk + 4 * i;
            r->mh[i] = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                       (uint32_t)b[3] << 24;
        }
        if ((st = get(r, blk, (size_t)r->bands * 8, err)) != PP_OK)
            return st;
        for (int i = 0; i < r->bands; i++) {
            uint64_t x = 0;
            for (int j = 0; j < 8; j++)
                x |= (uint64_t)blk[8 * i + j] << (8 * j);
            r->bh[i] = x;
        }
    }
    e->pos = pos;
    e->id_is_position = flags & 1;
    e->id = r->id;
    e->lang = r->lang;
    e->nshingles = (size_t)nsh;
    e->minhash = r->mh;
    e->bands = r->bh;
    r->count++;
    *more = 1;
    return PP_OK;
}

void pp_sig_reader_close(pp_sig_reader *r)
{
    if (!r)
        return;
    pp_input_close(r->in);
    free(r->name);
    free(r->shard);
    free(r->mh);
    free(r->bh);
    free(r);
}
