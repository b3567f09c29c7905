/* pp_stream.h — byte streams with transparent compression.
 *
 * Input: plain, gzip or zstd, recognised by magic bytes (so stdin works too),
 * read line by line. Output: compression chosen by the file extension
 * (.gz, .zst); files are written under a temporary name and renamed into
 * place by pp_output_close(), so a failed run never leaves a half file
 * under the final name. */
#ifndef PP_STREAM_H
#define PP_STREAM_H

#include "src/pp_common.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_compression {
    PP_COMP_NONE = 0,
    PP_COMP_GZIP,
    PP_COMP_ZSTD
} pp_compression;

typedef struct pp_input pp_input;
typedef struct pp_output pp_output;

/* Open `path` for reading ("-" or NULL: stdin). The compression is detected
 * from the first bytes. Caller owns the result; free with pp_input_close(). */
PP_API pp_status pp_input_open(const char *path, pp_input **out, pp_error *err);

/* Read the next line (without its '\n'; a trailing '\r' is kept). *line points
 * into an internal buffer valid until the next call; *len is its length in
 * bytes (lines may contain NUL bytes). Returns PP_OK and sets *line NULL at end
 * of input. A final line without '\n' is returned as a line. A truncated or
 * corrupt compressed stream returns PP_ERR_STREAM (err->line: the line that
 * cannot be read) and a read failure PP_ERR_IO; either ends the input and is
 * returned again by every later call (pp_input_read() too). */
PP_API pp_status pp_input_getline(pp_input *in, const char **line, size_t *len, pp_error *err);

/* Read up to `cap` decompressed bytes. Returns the count in *got (0 at end). */
PP_API pp_status pp_input_read(pp_input *in, void *buf, size_t cap, size_t *got, pp_error *err);

/* Read the whole (decompressed) stream into a NUL-terminated malloc'd buffer. */
PP_API pp_status pp_input_slurp(pp_input *in, char **data, size_t *len, pp_error *err);

/* Open `path` (NULL or "-": stdin; compressed or not), read it whole as
 * pp_input_slurp does, and close it. */
PP_API pp_status pp_input_slurp_path(const char *path, char **data, size_t *len, pp_error *err);

/* Name used in messages ("<stdin>" for stdin) and number of the last line read. */
PP_API const char *pp_input_name(const pp_input *in);
PP_API long pp_input_lineno(const pp_input *in);
PP_API pp_compression pp_input_compression(const pp_input *in);

/* Close; NULL is a no-op. */
PP_API void pp_input_close(pp_input *in);

/* Compression implied by a file name (.gz, .zst; anything else: none). */
PP_API pp_compression pp_compression_for_path(const char *path);

/* Open `path` for writing ("-" or NULL: stdout, uncompressed). For a file the
 * data goes to a temporary file in the same directory until pp_output_close(). */
PP_API pp_status pp_output_open(const char *path, pp_output **out, pp_error *err);

/* Same, with the compression given explicitly (used for stdout or odd names). */
PP_API pp_status pp_output_open_with(const char *path, pp_compression comp, pp_output **out,
                                     pp_error *err);

PP_API pp_status pp_output_write(pp_output *out, const void *data, size_t len, pp_error *err);

/* Finish the stream: flush, finish compression, fsync-free close and rename to
 * the final name. After an error the temporary file is removed. Always frees. */
PP_API pp_status pp_output_close(pp_output *out, pp_error *err);

/* Abandon the output: remove the temporary file. Frees; NULL is a no-op. */
PP_API void pp_output_abort(pp_output *out);

PP_API const char *pp_output_name(const pp_output *out);

/* Nonzero when `path` is a file (same device and inode) that this process
 * has opened with pp_input_open(). */
PP_API int pp_path_is_input(const char *path);

/* PP_ERR_INVALID when writing `path` would replace one of the run's inputs.
 * pp_output_open() checks it, and pp_output_close() again before renaming;
 * other writers (ledgers, side files) call it themselves. */
PP_API pp_status pp_output_check_path(const char *path, pp_error *err);

/* Remove the temporary files of the outputs still open. Only unlink(), so a
 * signal handler may call it before the process dies. */
PP_API void pp_output_remove_temporaries(void);

/* Add a temporary file written by other means (a training text, files a
 * library writes under a temporary prefix) to those removed on a signal;
 * `path` must stay valid until pp_temp_untrack(path). */
PP_API void pp_temp_track(const char *path);
PP_API void pp_temp_untrack(const char *path);

#ifdef __cplusplus
}
#endif
#endif
