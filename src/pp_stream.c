/* pp_stream.c — plain/gzip/zstd input by magic bytes, line reading, and
 * output written to a temporary name then renamed into place. */
#include "config.h"
#include "src/pp_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define RAW_CHUNK (1 << 17)

struct pp_input {
    int fd;
    int own_fd;
    char *name;
    pp_compression comp;
    int eof_raw;   /* no more raw bytes */
    int done;      /* no more decompressed bytes */
    /* raw (compressed or plain) bytes */
    unsigned char *raw;
    size_t raw_len, raw_pos;
    /* decoders */
    z_stream zs;
    int zs_init;
    ZSTD_DCtx *zd;
    /* decompressed bytes waiting to be consumed */
    char *buf;
    size_t buf_cap, buf_start, buf_end;
    /* line assembly */
    char *line;
    size_t line_cap;
    long lineno;
    /* A decoder or read failure ends the input: it is kept and returned by
     * every later call, so no caller can read past it or report it twice as
     * different lines. */
    pp_status failed;
    pp_error fail;
};

/* Process-wide lists, touched from the thread that opens and closes streams:
 * the files read so far (device and inode), so that no output replaces one of
 * them, and the temporary files not yet renamed, so that a signal handler can
 * remove them. */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
} file_id;
static file_id *inputs_read;
static size_t ninputs_read, inputs_cap;

#define MAX_TEMPS 64
static char *volatile temps[MAX_TEMPS];

static void remember_input(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    for (size_t i = 0; i < ninputs_read; i++)
        if (inputs_read[i].dev == st.st_dev && inputs_read[i].ino == st.st_ino)
            return;
    if (ninputs_read == inputs_cap) {
        size_t nc = inputs_cap ? inputs_cap * 2 : 16;
        file_id *n = realloc(inputs_read, nc * sizeof *n);
        if (!n)
            return;
        inputs_read = n;
        inputs_cap = nc;
    }
    inputs_read[ninputs_read].dev = st.st_dev;
    inputs_read[ninputs_read].ino = st.st_ino;
    ninputs_read++;
}

int pp_path_is_input(const char *path)
{
    struct stat st;
    if (!path || strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return 0;
    for (size_t i = 0; i < ninputs_read; i++)
        if (inputs_read[i].dev == st.st_dev && inputs_read[i].ino == st.st_ino)
            return 1;
    return 0;
}

pp_status pp_output_check_path(const char *path, pp_error *err)
{
    if (pp_path_is_input(path))
        return pp_error_set(err, PP_ERR_INVALID, path, 0,
                            "this file is also an input of the run: writing it would destroy "
                            "the input (choose another output name)");
    return PP_OK;
}

static void temp_add(char *name)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (!temps[i]) {
            temps[i] = name;
            return;
        }
}

static void temp_drop(const char *name)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temps[i] == name)
            temps[i] = NULL;
}

void pp_temp_track(const char *path) { temp_add((char *)path); }
void pp_temp_untrack(const char *path) { temp_drop(path); }

void pp_output_remove_temporaries(void)
{
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *t = temps[i];
        if (t)
            unlink(t); /* async-signal-safe */
    }
}

static pp_status io_error(pp_error *err, const char *name, const char *what)
{
    return pp_error_set(err, PP_ERR_IO, name, 0, "%s: %s", what, strerror(errno));
}

static pp_status fill_raw(pp_input *in, pp_error *err)
{
    if (in->raw_pos < in->raw_len || in->eof_raw)
        return PP_OK;
    for (;;) {
        ssize_t r = read(in->fd, in->raw, RAW_CHUNK);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return io_error(err, in->name, "cannot read");
        }
        in->raw_len = (size_t)r;
        in->raw_pos = 0;
        if (r == 0)
            in->eof_raw = 1;
        return PP_OK;
    }
}

pp_status pp_input_open(const char *path, pp_input **out, pp_error *err)
{
    *out = NULL;
    pp_input *in = calloc(1, sizeof *in);
    if (!in)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    int is_stdin = !path || strcmp(path, "-") == 0;
    in->name = strdup(is_stdin ? "<stdin>" : path);
    in->raw = malloc(RAW_CHUNK);
    in->buf_cap = RAW_CHUNK * 4;
    in->buf = malloc(in->buf_cap);
    if (!in->name || !in->raw || !in->buf) {
        pp_input_close(in);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    if (is_stdin) {
        in->fd = 0;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            pp_status s = io_error(err, path, "cannot open");
            pp_input_close(in);
            return s;
        }
        struct stat st;
        if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            pp_error_set(err, PP_ERR_IO, path, 0, "is a directory");
            close(in->fd);
            in->fd = -1;
            pp_input_close(in);
            return PP_ERR_IO;
        }
        in->own_fd = 1;
        remember_input(in->fd);
    }
    /* Read until we have 4 bytes (or end) to recognise the format. */
    size_t have = 0;
    while (have < 4) {
        ssize_t r = read(in->fd, in->raw + have, RAW_CHUNK - have);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            pp_status s = io_error(err, in->name, "cannot read");
            pp_input_close(in);
            return s;
        }
        if (r == 0) {
            in->eof_raw = 1;
            break;
        }
        have += (size_t)r;
    }
    in->raw_len = have;
    in->raw_pos = 0;
    const unsigned char *m = in->raw;
    if (have >= 2 && m[0] == 0x1f && m[1] == 0x8b) {
        in->comp = PP_COMP_GZIP;
        if (inflateInit2(&in->zs, 15 + 32) != Z_OK) {
            pp_input_close(in);
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "cannot start gzip decoder");
        }
        in->zs_init = 1;
    } else if (have >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd) {
        in->comp = PP_COMP_ZSTD;
        in->zd = ZSTD_createDCtx();
        if (!in->zd) {
            pp_input_close(in);
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "cannot start zstd decoder");
        }
    } else {
        in->comp = PP_COMP_NONE;
    }
    *out = in;
    return PP_OK;
}

/* A decoder failure: the line being assembled is lost and so is the rest of
 * the input. The message names the line that cannot be read and the last
 * complete one, so the user knows how much of the file was used. */
static pp_status stream_error(pp_input *in, pp_error *err, const char *what, const char *detail)
{
    char tail[128];
    if (in->lineno > 0)
        snprintf(tail, sizeof tail, "the input ends here (line %ld was the last complete line)",
                 in->lineno);
    else
        snprintf(tail, sizeof tail, "no complete line could be read");
    return pp_error_set(err, PP_ERR_STREAM, in->name, in->lineno + 1, "%s%s%s%s: %s", what,
                        detail ? " (" : "", detail ? detail : "", detail ? ")" : "", tail);
}

static pp_status refill_once(pp_input *in, pp_error *err);

/* Append more decompressed bytes after buf_end; a failure is kept (sticky). */
static pp_status refill(pp_input *in, pp_error *err)
{
    if (in->failed) {
        if (err)
            *err = in->fail;
        return in->failed;
    }
    pp_error e;
    pp_error_clear(&e);
    pp_status s = refill_once(in, &e);
    if (s != PP_OK && s != PP_ERR_NOMEM) {
        in->failed = s;
        in->fail = e;
        in->done = 1;
        in->buf_start = in->buf_end = 0; /* a partial line is not a line */
    }
    if (s != PP_OK && err)
        *err = e;
    return s;
}

/* Append more decompressed bytes after buf_end. Sets in->done at the end. */
static pp_status refill_once(pp_input *in, pp_error *err)
{
    /* Compact the buffer. */
    if (in->buf_start > 0) {
        memmove(in->buf, in->buf + in->buf_start, in->buf_end - in->buf_start);
        in->buf_end -= in->buf_start;
        in->buf_start = 0;
    }
    if (in->buf_end == in->buf_cap)
        return PP_OK; /* caller drains first */
    size_t before = in->buf_end;
    while (in->buf_end == before && !in->done) {
        pp_status s = fill_raw(in, err);
        if (s != PP_OK)
            return s;
        size_t avail_raw = in->raw_len - in->raw_pos;
        if (in->comp == PP_COMP_NONE) {
            if (avail_raw == 0) {
                in->done = 1;
                break;
            }
            size_t n = in->buf_cap - in->buf_end;
            if (n > avail_raw)
                n = avail_raw;
            memcpy(in->buf + in->buf_end, in->raw + in->raw_pos, n);
            in->buf_end += n;
            in->raw_pos += n;
        } else if (in->comp == PP_COMP_GZIP) {
            if (avail_raw == 0 && in->eof_raw) {
                if (in->zs_init == 2) { /* between members: clean end */
                    in->done = 1;
                    break;
                }
                return stream_error(in, err, "truncated gzip stream", NULL);
            }
            if (in->zs_init == 2) { /* new member after a finished one */
                inflateReset(&in->zs);
                in->zs_init = 1;
            }
            in->zs.next_in = in->raw + in->raw_pos;
            in->zs.avail_in = (uInt)avail_raw;
            in->zs.next_out = (Bytef *)in->buf + in->buf_end;
            in->zs.avail_out = (uInt)(in->buf_cap - in->buf_end);
            int zr = inflate(&in->zs, Z_NO_FLUSH);
            in->raw_pos = (size_t)(in->zs.next_in - in->raw);
            in->buf_end = (size_t)((char *)in->zs.next_out - in->buf);
            if (zr == Z_STREAM_END) {
                in->zs_init = 2;
            } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
                return stream_error(in, err, "corrupt gzip data",
                                    in->zs.msg ? in->zs.msg : "inflate failed");
            }
        } else { /* ZSTD */
            if (avail_raw == 0 && in->eof_raw) {
                if (in->zs_init == 0) { /* frame finished (or nothing read) */
                    in->done = 1;
                    break;
                }
                return stream_error(in, err, "truncated zstd stream", NULL);
            }
            ZSTD_inBuffer ib = {in->raw, in->raw_len, in->raw_pos};
            ZSTD_outBuffer ob = {in->buf, in->buf_cap, in->buf_end};
            size_t zr = ZSTD_decompressStream(in->zd, &ob, &ib);
            if (ZSTD_isError(zr))
                return stream_error(in, err, "corrupt zstd data", ZSTD_getErrorName(zr));
            in->raw_pos = ib.pos;
            in->buf_end = ob.pos;
            in->zs_init = zr != 0; /* 0: a frame is complete */
        }
    }
    return PP_OK;
}

pp_status pp_input_getline(pp_input *in, const char **line, size_t *len, pp_error *err)
{
    *line = NULL;
    *len = 0;
    if (in->failed)
        return refill(in, err);
    size_t scan_from = in->buf_start;
    for (;;) {
        char *nl = memchr(in->buf + scan_from, '\n', in->buf_end - scan_from);
        if (nl) {
            size_t n = (size_t)(nl - (in->buf + in->buf_start));
            *line = in->buf + in->buf_start;
            *len = n;
            in->buf_start += n + 1;
            in->lineno++;
            return PP_OK;
        }
        if (in->done) {
            if (in->buf_end > in->buf_start) {
                /* Last line without a newline: copy so it can be NUL-free safe. */
                size_t n = in->buf_end - in->buf_start;
                *line = in->buf + in->buf_start;
                *len = n;
                in->buf_start = in->buf_end;
                in->lineno++;
            }
            return PP_OK;
        }
        /* Need more bytes; grow when one line fills the buffer. */
        size_t pending = in->buf_end - in->buf_start;
        if (in->buf_start == 0 && in->buf_end == in->buf_cap) {
            size_t ncap = in->buf_cap * 2;
            char *nb = realloc(in->buf, ncap);
            if (!nb)
                return pp_error_set(err, PP_ERR_NOMEM, in->name, in->lineno + 1,
                                    "line too long for memory");
            in->buf = nb;
            in->buf_cap = ncap;
        }
        pp_status s = refill(in, err);
        if (s != PP_OK)
            return s;
        scan_from = in->buf_start + pending; /* buf_start is 0 after refill */
    }
}

pp_status pp_input_read(pp_input *in, void *dst, size_t cap, size_t *got, pp_error *err)
{
    *got = 0;
    if (in->failed)
        return refill(in, err);
    while (*got < cap) {
        if (in->buf_end == in->buf_start) {
            if (in->done)
                break;
            pp_status s = refill(in, err);
            if (s != PP_OK)
                return s;
            continue;
        }
        size_t n = in->buf_end - in->buf_start;
        if (n > cap - *got)
            n = cap - *got;
        memcpy((char *)dst + *got, in->buf + in->buf_start, n);
        in->buf_start += n;
        *got += n;
    }
    return PP_OK;
}

pp_status pp_input_slurp(pp_input *in, char **data, size_t *len, pp_error *err)
{
    size_t cap = 1 << 16, n = 0;
    char *d = malloc(cap + 1);
    if (!d)
        return pp_error_set(err, PP_ERR_NOMEM, in->name, 0, "out of memory");
    for (;;) {
        if (cap - n < (1 << 15)) {
            cap *= 2;
            char *nd = realloc(d, cap + 1);
            if (!nd) {
                free(d);
                return pp_error_set(err, PP_ERR_NOMEM, in->name, 0, "file too large for memory");
            }
            d = nd;
        }
        size_t got;
        pp_status s = pp_input_read(in, d + n, cap - n, &got, err);
        if (s != PP_OK) {
            free(d);
            return s;
        }
        if (got == 0)
            break;
        n += got;
    }
    d[n] = '\0';
    *data = d;
    *len = n;
    return PP_OK;
}

const char *pp_input_name(const pp_input *in) { return in ? in->name : ""; }
long pp_input_lineno(const pp_input *in) { return in ? in->lineno : 0; }
pp_compression pp_input_compression(const pp_input *in) { return in ? in->comp : PP_COMP_NONE; }

void pp_input_close(pp_input *in)
{
    if (!in)
        return;
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    if (in->zs_init)
        inflateEnd(&in->zs);
    ZSTD_freeDCtx(in->zd);
    free(in->raw);
    free(in->buf);
    free(in->line);
    free(in->name);
    free(in);
}

/* ------------------------------------------------------------------ output */

struct pp_output {
    int fd;
    int own_fd;
    char *name;     /* final name */
    char *tmpname;  /* temporary name (NULL for stdout) */
    pp_compression comp;
    z_stream zs;
    int zs_init;
    ZSTD_CCtx *zc;
    unsigned char *cbuf; /* compressed output staging */
    char *wbuf;          /* uncompressed write buffer */
    size_t wlen;
    int failed;
};

#define WBUF_CAP (1 << 17)

pp_compression pp_compression_for_path(const char *path)
{
    if (!path)
        return PP_COMP_NONE;
    size_t n = strlen(path);
    if (n >= 3 && strcmp(path + n - 3, ".gz") == 0)
        return PP_COMP_GZIP;
    if (n >= 4 && strcmp(path + n - 4, ".zst") == 0)
        return PP_COMP_ZSTD;
    return PP_COMP_NONE;
}

pp_status pp_output_open(const char *path, pp_output **out, pp_error *err)
{
    int is_stdout = !path || strcmp(path, "-") == 0;
    return pp_output_open_with(path, is_stdout ? PP_COMP_NONE : pp_compression_for_path(path), out,
                               err);
}

pp_status pp_output_open_with(const char *path, pp_compression comp, pp_output **out, pp_error *err)
{
    *out = NULL;
    pp_output *o = calloc(1, sizeof *o);
    if (!o)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    o->fd = -1;
    int is_stdout = !path || strcmp(path, "-") == 0;
    o->name = strdup(is_stdout ? "<stdout>" : path);
    o->wbuf = malloc(WBUF_CAP);
    o->cbuf = malloc(WBUF_CAP);
    o->comp = comp;
    if (!o->name || !o->wbuf || !o->cbuf) {
        pp_output_abort(o);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    struct stat st;
    if (is_stdout) {
        o->fd = 1;
    } else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* A device or a FIFO (/dev/null, a pipe a reader waits on) is written
         * in place: renaming a temporary file over it would replace it with a
         * regular file (for /dev/null, the whole system's). */
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            pp_status s = io_error(err, path, "cannot open for writing");
            pp_output_abort(o);
            return s;
        }
        o->own_fd = 1;
    } else {
        pp_status chk = pp_output_check_path(path, err);
        if (chk != PP_OK) {
            pp_output_abort(o);
            return chk;
        }
        size_t n = strlen(path);
        o->tmpname = malloc(n + 16);
        if (!o->tmpname) {
            pp_output_abort(o);
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        }
        snprintf(o->tmpname, n + 16, "%s.tmp.XXXXXX", path);
        o->fd = mkstemp(o->tmpname);
        if (o->fd < 0) {
            pp_status s = io_error(err, path, "cannot create output file");
            free(o->tmpname);
            o->tmpname = NULL;
            pp_output_abort(o);
            return s;
        }
        temp_add(o->tmpname);
        /* mkstemp creates 0600; give the file the usual permissions. */
        mode_t um = umask(0);
        umask(um);
        fchmod(o->fd, 0666 & ~um);
        o->own_fd = 1;
    }
    if (comp == PP_COMP_GZIP) {
        if (deflateInit2(&o->zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            pp_output_abort(o);
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "cannot start gzip encoder");
        }
        o->zs_init = 1;
    } else if (comp == PP_COMP_ZSTD) {
        o->zc = ZSTD_createCCtx();
        if (!o->zc) {
            pp_output_abort(o);
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "cannot start zstd encoder");
        }
        ZSTD_CCtx_setParameter(o->zc, ZSTD_c_compressionLevel, 19);
        ZSTD_CCtx_setParameter(o->zc, ZSTD_c_checksumFlag, 1);
    }
    *out = o;
    return PP_OK;
}

static pp_status write_all(pp_output *o, const void *data, size_t len, pp_error *err)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(o->fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            o->failed = 1;
            return io_error(err, o->name, "cannot write");
        }
        p += w;
        len -= (size_t)w;
    }
    return PP_OK;
}

/* Push `len` uncompressed bytes through the encoder; `finish` ends the stream. */
static pp_status encode(pp_output *o, const char *data, size_t len, int finish, pp_error *err)
{
    if (o->comp == PP_COMP_NONE)
        return write_all(o, data, len, err);
    if (o->comp == PP_COMP_GZIP) {
        o->zs.next_in = (Bytef *)data;
        o->zs.avail_in = (uInt)len;
        for (;;) {
            o->zs.next_out = o->cbuf;
            o->zs.avail_out = WBUF_CAP;
            int zr = deflate(&o->zs, finish ? Z_FINISH : Z_NO_FLUSH);
            if (zr == Z_STREAM_ERROR) {
                o->failed = 1;
                return pp_error_set(err, PP_ERR_IO, o->name, 0, "gzip encoder failed");
            }
            pp_status s = write_all(o, o->cbuf, WBUF_CAP - o->zs.avail_out, err);
            if (s != PP_OK)
                return s;
            if (finish ? zr == Z_STREAM_END : o->zs.avail_in == 0)
                return PP_OK;
        }
    }
    ZSTD_inBuffer ib = {data, len, 0};
    for (;;) {
        ZSTD_outBuffer ob = {o->cbuf, WBUF_CAP, 0};
        size_t zr = ZSTD_compressStream2(o->zc, &ob, &ib, finish ? ZSTD_e_end : ZSTD_e_continue);
        if (ZSTD_isError(zr)) {
            o->failed = 1;
            return pp_error_set(err, PP_ERR_IO, o->name, 0, "zstd encoder failed: %s",
                                ZSTD_getErrorName(zr));
        }
        pp_status s = write_all(o, o->cbuf, ob.pos, err);
        if (s != PP_OK)
            return s;
        if (finish ? zr == 0 : ib.pos == ib.size)
            return PP_OK;
    }
}

pp_status pp_output_write(pp_output *o, const void *data, size_t len, pp_error *err)
{
    if (o->failed)
        return pp_error_set(err, PP_ERR_IO, o->name, 0, "earlier write failed");
    if (o->wlen + len > WBUF_CAP) {
        pp_status s = encode(o, o->wbuf, o->wlen, 0, err);
        o->wlen = 0;
        if (s != PP_OK)
            return s;
        if (len > WBUF_CAP / 2)
            return encode(o, data, len, 0, err);
    }
    memcpy(o->wbuf + o->wlen, data, len);
    o->wlen += len;
    return PP_OK;
}

const char *pp_output_name(const pp_output *o) { return o ? o->name : ""; }

static void output_free(pp_output *o)
{
    if (o->tmpname)
        temp_drop(o->tmpname);
    if (o->zs_init)
        deflateEnd(&o->zs);
    ZSTD_freeCCtx(o->zc);
    free(o->wbuf);
    free(o->cbuf);
    free(o->name);
    free(o->tmpname);
    free(o);
}

pp_status pp_output_close(pp_output *o, pp_error *err)
{
    if (!o)
        return PP_OK;
    pp_status s = PP_OK;
    if (!o->failed) {
        s = encode(o, o->wbuf, o->wlen, o->comp != PP_COMP_NONE, err);
        o->wlen = 0;
    } else {
        s = pp_error_set(err, PP_ERR_IO, o->name, 0, "earlier write failed");
    }
    if (o->own_fd) {
        if (close(o->fd) != 0 && s == PP_OK)
            s = io_error(err, o->name, "cannot close");
        o->fd = -1;
        if (s == PP_OK && o->tmpname) /* an input opened after this output began */
            s = pp_output_check_path(o->name, err);
        if (s == PP_OK && o->tmpname) {
            if (rename(o->tmpname, o->name) != 0)
                s = io_error(err, o->name, "cannot rename temporary file into place");
        }
        if (s != PP_OK && o->tmpname)
            unlink(o->tmpname);
    }
    output_free(o);
    return s;
}

void pp_output_abort(pp_output *o)
{
    if (!o)
        return;
    if (o->own_fd && o->fd >= 0) {
        close(o->fd);
        if (o->tmpname)
            unlink(o->tmpname);
    }
    output_free(o);
}

pp_status pp_input_slurp_path(const char *path, char **data, size_t *len, pp_error *err)
{
    pp_input *in = NULL;
    pp_status st = pp_input_open(path, &in, err);
    if (st != PP_OK)
        return st;
    st = pp_input_slurp(in, data, len, err);
    pp_input_close(in);
    return st;
}
