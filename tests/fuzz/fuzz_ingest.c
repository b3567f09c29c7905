/* fuzz_ingest.c — pp_ingest_file() on the input, with a sink that
 * serializes every record (as `polyphony ingest` does) and accepts rejects. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_ingest.h"

#include <stdlib.h>
#include <string.h>

/* The record must be one JSON object, its text and language as handed. */
static pp_status emit(void *ctx, const pp_ingest_record *rec, pp_error *err)
{
    fuzz_touch(rec->json, rec->json_len);
    fuzz_touch(rec->text, rec->text_len);
    fuzz_touch_str(rec->lang);
    json_t *j = json_loadb(rec->json, rec->json_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(j))
        abort();
    json_t *t = json_object_get(j, "text");
    if (json_string_length(t) != rec->text_len ||
        memcmp(json_string_value(t), rec->text, rec->text_len) != 0 ||
        strcmp(json_string_value(json_object_get(j, "lang")), rec->lang) != 0)
        abort();
    json_decref(j);
    return PP_OK;
}

static pp_status reject(void *ctx, const char *file, long line, const char *reason,
                        const char *raw, size_t rawlen, pp_error *err)
{
    fuzz_touch(raw, rawlen);
    fuzz_touch_str(reason);
    return PP_OK;
}

void fuzz_ingest(pp_ingest_format format, const char *suffix, const uint8_t *data, size_t size)
{
    static const pp_segment_mode modes[] = {PP_SEGMENT_NONE, PP_SEGMENT_PARAGRAPHS,
                                            PP_SEGMENT_SENTENCES};
    fuzz_use_source_data();
    pp_ingest_opts o;
    pp_ingest_opts_init(&o);
    o.format = format;
    o.segment = modes[size % 3];
    pp_ingest_sink sink = {emit, reject, NULL};
    pp_ingest_file(fuzz_file(suffix, data, size), &o, &sink, NULL);
}
