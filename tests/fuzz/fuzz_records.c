/* fuzz_records.c — the record loop of fuzz_jsonl, fuzz_jsonl_gz and
 * fuzz_jsonl_zst: what a command does with pp_reader (records to a writer,
 * bad lines to a rejects writer with their raw bytes). */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_records.h"
#include "src/pp_record.h"

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
