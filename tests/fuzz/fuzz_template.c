/* fuzz_template.c — an instruction template: parsing, the RelaxNG
 * validation against langs/schema/template.rng, and the checks beyond the
 * schema (tags, declared arguments, MessageFormat patterns). */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "corpora-tools/community/pp_instruct.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_use_source_data();
    pp_template *t = NULL;
    if (pp_template_load(fuzz_file(".xml", data, size), NULL, &t, NULL) != PP_OK)
        return 0;
    const char *fields[] = {pp_template_id(t),     pp_template_path(t),
                            pp_template_task(t),   pp_template_lang(t),
                            pp_template_variety(t), pp_template_review_status(t),
                            pp_template_dataset(t), pp_template_locale(t)};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        fuzz_touch_str(fields[i]);
    for (size_t i = 0; i < pp_template_nauthors(t); i++)
        fuzz_touch_str(pp_template_author(t, i));
    for (size_t i = 0; i < pp_template_nreviewers(t); i++)
        fuzz_touch_str(pp_template_reviewer(t, i));
    pp_template_free(t);
    return 0;
}
