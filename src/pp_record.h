/* pp_record.h — JSONL corpus records (DESIGN.md "Data formats").
 *
 * A record is a jansson object, one per line: id, text, lang, script,
 * source, license, optional meta. The reader validates UTF-8 (ICU) and JSON
 * per line; a bad line is reported with file and line and the reader can
 * go on, so callers decide between --strict (stop) and --rejects (log and
 * continue). */
#ifndef PP_RECORD_H
#define PP_RECORD_H

#include "src/pp_common.h"
#include "src/pp_stream.h"

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_reader pp_reader;
typedef struct pp_writer pp_writer;
typedef struct pp_record_view pp_record_view; /* src/pp_record_view.h */

/* Open a JSONL reader over `path` ("-"/NULL: stdin; .gz/.zst detected). */
PP_API pp_status pp_reader_open(const char *path, pp_reader **out, pp_error *err);

/* Next record. On PP_OK *rec is a new reference (caller json_decref()s it) or
 * NULL at end of input. Blank lines are skipped. A bad line returns
 * PP_ERR_PARSE (not JSON / not an object / truncated / a string holding a
 * NUL character, which C strings would cut short) or PP_ERR_ENCODING
 * (invalid UTF-8) with err->file, err->line and a reason; the reader stays
 * usable and the next call moves to the following line. Anything else ends
 * the input: a read error (PP_ERR_IO) or a truncated or corrupt gzip/zstd
 * stream (PP_ERR_STREAM) is returned again by every later call, so a caller
 * must stop on it (pp_reader_can_go_on() tells the two kinds apart). */
PP_API pp_status pp_reader_next(pp_reader *r, json_t **rec, pp_error *err);

/* Next record without a tree where the fast parser takes the line: on
 * PP_OK either *view is set (the reader's view, valid until the next call;
 * *rec NULL) or *rec is a new reference (a line the view left to jansson),
 * or both are NULL at the end of input. Errors as pp_reader_next. */
PP_API pp_status pp_reader_next_view(pp_reader *r, const pp_record_view **view, json_t **rec,
                                     pp_error *err);

/* Parse one line as a record by the reader's rules (UTF-8 checked first, a
 * JSON object, no duplicate keys, no NUL in strings, a byte order mark
 * skipped on line 1). PP_ERR_PARSE/PP_ERR_ENCODING name `name`:`lineno`. */
PP_API pp_status pp_record_parse(const char *line, size_t len, const char *name, long lineno,
                                 json_t **rec, pp_error *err);

/* Nonzero when `s`, returned by pp_reader_next(), is a bad line the reader
 * can skip; zero for PP_OK and for every status that ends the input. */
PP_API int pp_reader_can_go_on(pp_status s);

/* The raw bytes of the line last read (for rejects). Valid until the next call. */
PP_API const char *pp_reader_raw(const pp_reader *r, size_t *len);
PP_API const char *pp_reader_name(const pp_reader *r);
PP_API long pp_reader_lineno(const pp_reader *r);
PP_API void pp_reader_close(pp_reader *r);

/* A record source: the records of several files (or stdin) read under one
 * bad-input policy, so that every command treats a bad line, a record
 * without text and a broken stream the same way.
 *
 * A bad line (see pp_reader_next) or a record whose `text_field` is not a
 * string goes to `rejects` when given (and the source goes on); otherwise
 * pp_source_next returns it as PP_ERR_PARSE/PP_ERR_ENCODING with file, line
 * and reason, and the caller reports it and calls again (or stops, under
 * `strict`). Anything else ends the input (a read or stream error, a
 * rejects file that cannot be written). */
typedef struct pp_source pp_source;
typedef struct pp_source_opts {
    const char *const *files; /* NULL or none: standard input */
    int nfiles;
    const char *text_field;   /* required string field, or NULL */
    pp_writer *rejects;       /* where bad lines go, or NULL */
    int strict;               /* the first bad line ends the run */
    const char *const *names; /* how each file is named in messages and rejects
                               * (NULL, or a NULL entry: its path) */
} pp_source_opts;

/* The arrays in `o` are copied; the strings they point to must outlive the source. */
PP_API pp_status pp_source_open(const pp_source_opts *o, pp_source **out, pp_error *err);

/* Send bad lines to `rejects` from now on (NULL: back to the caller). For
 * commands that open their outputs after their inputs, so that an output
 * naming an input is refused (pp_output_check_path). */
PP_API void pp_source_set_rejects(pp_source *s, pp_writer *rejects);

/* Next usable record (new reference) or *rec NULL at the end (PP_OK). */
PP_API pp_status pp_source_next(pp_source *s, json_t **rec, pp_error *err);

/* Same, without building a tree where the fast parser took the line: on
 * PP_OK *view (valid until the next call) or *rec is set, or neither at the
 * end (see pp_reader_next_view). A dotted `text_field` gives trees. */
PP_API pp_status pp_source_next_view(pp_source *s, const pp_record_view **view, json_t **rec,
                                     pp_error *err);

/* A record the caller finds unusable (`reason`, e.g. a field it needs is
 * missing), under the same policy as a bad line: counted, and sent to
 * `rejects` (PP_OK) or returned as PP_ERR_PARSE with file, line and reason
 * for the caller to report. A rejects file that cannot be written is
 * returned as its error. Does not steal `rec`. */
PP_API pp_status pp_source_reject(pp_source *s, const json_t *rec, const char *reason,
                                  pp_error *err);

/* The reader of the current file (name, line, raw bytes of the last line). */
PP_API pp_reader *pp_source_reader(const pp_source *s);

/* Bad lines met so far, and those of them that went to `rejects`. */
PP_API long pp_source_bad(const pp_source *s);
PP_API long pp_source_kept(const pp_source *s);

/* The exit-status rule: nonzero when input was lost (bad lines that did
 * not go to a rejects file), so the run must not exit 0. */
PP_API int pp_source_lost(const pp_source *s);

PP_API void pp_source_close(pp_source *s);

/* Open a JSONL writer ("-"/NULL: stdout; .gz/.zst by extension; files are
 * renamed into place on pp_writer_close()). */
PP_API pp_status pp_writer_open(const char *path, pp_writer **out, pp_error *err);

/* Write one record as a compact JSON line. Does not steal the reference. */
PP_API pp_status pp_writer_put(pp_writer *w, const json_t *rec, pp_error *err);

/* Compact JSON of `v` into *buf (grown with realloc as needed; *cap is its
 * size, 0 with *buf NULL to start): exactly the bytes of json_dumpb(v,
 * JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)), written faster.
 * Returns the length (not NUL-terminated), 0 when `v` cannot be serialized
 * (a string that is not valid UTF-8, a real that is not finite) or on
 * out of memory. */
PP_API size_t pp_record_dump(const json_t *v, char **buf, size_t *cap);

/* Write raw bytes (already a JSON line without '\n') followed by '\n'. */
PP_API pp_status pp_writer_put_raw(pp_writer *w, const char *line, size_t len, pp_error *err);

/* Finish and rename into place. Always frees; NULL is a no-op returning PP_OK. */
PP_API pp_status pp_writer_close(pp_writer *w, pp_error *err);

/* Drop a partly written output (temporary file removed). NULL is a no-op. */
PP_API void pp_writer_abort(pp_writer *w);

/* A rejects stream: each rejected item becomes one JSON line
 *   {"file":..., "line":..., "reason":..., "record":{...}}   or
 *   {"file":..., "line":..., "reason":..., "raw":"..."}
 * `record` wins when given; `raw` is stored as a string with invalid UTF-8
 * bytes replaced by U+FFFD so the rejects file itself is always valid. */
PP_API pp_status pp_reject_put(pp_writer *w, const char *file, long line, const char *reason,
                               const json_t *record, const char *raw, size_t rawlen,
                               pp_error *err);

/* The value at `path`: the key itself when the record has it, else a dotted
 * path into nested objects ("metadata.language"). NULL when absent. */
PP_API json_t *pp_record_get(const json_t *rec, const char *path);

/* Convenience accessors: the string value of `key`, or NULL if absent or not a string. */
PP_API const char *pp_record_str(const json_t *rec, const char *key);

/* Check that `s` (len bytes) is well-formed UTF-8 (ICU U8_NEXT). On failure
 * returns 0 and, if bad_offset is not NULL, stores the offset of the first
 * ill-formed byte. */
PP_API int pp_utf8_valid(const char *s, size_t len, size_t *bad_offset);

#ifdef __cplusplus
}
#endif
#endif
