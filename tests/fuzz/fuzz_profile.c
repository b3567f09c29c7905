/* fuzz_profile.c — a community profile.xml: parsing, the RelaxNG validation
 * against langs/schema/profile.rng, and the reading of every field. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "langs/pp_registry.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_use_source_data();
    pp_profile *p = NULL;
    if (pp_profile_load_with_schema(fuzz_file(".xml", data, size), NULL, &p, NULL) != PP_OK)
        return 0;
    const char *fields[] = {pp_profile_code(p),      pp_profile_name(p),
                            pp_profile_status(p),    pp_profile_normalization(p),
                            pp_profile_scripts(p),   pp_profile_exemplars(p),
                            pp_profile_required_marks(p), pp_profile_calendar(p),
                            pp_profile_numbering(p), pp_profile_bcp47(p),
                            pp_profile_autonym(p),   pp_profile_family(p),
                            pp_profile_review(p)};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        fuzz_touch_str(fields[i]);
    for (size_t i = 0; i < pp_profile_nstopwords(p); i++)
        fuzz_touch_str(pp_profile_stopword(p, i));
    for (size_t i = 0; i < pp_profile_nvarieties(p); i++) {
        fuzz_touch_str(pp_profile_variety_tag(p, i));
        fuzz_touch_str(pp_profile_variety_name(p, i));
    }
    for (size_t i = 0; i < pp_profile_nsources(p); i++) {
        fuzz_touch_str(pp_profile_source_name(p, i));
        fuzz_touch_str(pp_profile_source_license(p, i));
    }
    for (size_t i = 0; i < pp_profile_ncontacts(p); i++) {
        fuzz_touch_str(pp_profile_contact(p, i));
        fuzz_touch_str(pp_profile_contact_role(p, i));
    }
    pp_profile_free(p);
    return 0;
}
