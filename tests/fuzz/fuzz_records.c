/* fuzz_records.c — the record loop of fuzz_jsonl, fuzz_jsonl_gz and
 * fuzz_jsonl_zst: what a command does with pp_reader (records to a writer,
 * bad lines to a rejects writer with their raw bytes). Every record the
 * reader gives (parsed by simdjson into a view, jansson only for the lines
 * the view leaves) must be what jansson alone would have read. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_records.h"
#include "src/pp_record.h"

#include <stdlib.h>
#include <string.h>

/* The record `rec` read from the last line is jansson's record of it. */
static void same_as_jansson(pp_reader *r, const json_t *rec)
{
    size_t len, skip = 0;
    const char *raw = pp_reader_raw(r, &len);
    if (pp_reader_lineno(r) == 1 && len >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;
    json_t *j = json_loadb(raw + skip, len - skip, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(j))
        abort();
    char *a = NULL, *b = NULL;
    size_t ca = 0, cb = 0;
    size_t na = pp_record_dump(rec, &a, &ca), nb = pp_record_dump(j, &b, &cb);
    if (na != nb || (na && memcmp(a, b, na) != 0))
        abort();
    free(a);
    free(b);
    json_decref(j);
}

void fuzz_read_records(const char *path)
{
    pp_error err;
    pp_reader *r = NULL;
    if (pp_reader_open(path, &r, &err) != PP_OK)
        return;
    pp_writer *w = NULL;
    if (pp_writer_open(fuzz_out_path(".jsonl"), &w, &err) != PP_OK) {
        pp_reader_close(r);
        return;
    }
    for (;;) {
        json_t *rec = NULL;
        pp_status s = pp_reader_next(r, &rec, &err);
        if (s == PP_OK) {
            if (!rec)
                break;
            same_as_jansson(r, rec);
            fuzz_touch_str(pp_record_str(rec, "text"));
            fuzz_touch_str(pp_record_str(rec, "lang"));
            pp_writer_put(w, rec, NULL);
            json_decref(rec);
            continue;
        }
        /* a bad line moves the reader on; a stream (gzip/zstd) or read error
         * ends the input */
        if (!pp_reader_can_go_on(s))
            break;
        size_t len;
        const char *raw = pp_reader_raw(r, &len);
        pp_reject_put(w, pp_reader_name(r), pp_reader_lineno(r), err.message, NULL, raw, len,
                      NULL);
    }
    pp_writer_abort(w);
    pp_reader_close(r);
}
