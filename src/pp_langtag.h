/* pp_langtag.h — BCP 47 language tags through ICU. */
#ifndef PP_LANGTAG_H
#define PP_LANGTAG_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Canonicalize a BCP 47 tag (or an ICU/POSIX locale id such as "pt_BR") with
 * ICU: case, '_' -> '-', deprecated and alias codes replaced per CLDR (so
 * "iw" -> "he", "eng" -> "en"). Writes at most cap bytes (NUL included).
 * An ill-formed tag gives PP_ERR_INVALID. */
PP_API pp_status pp_langtag_canonicalize(const char *tag, char *out, size_t cap, pp_error *err);

/* The ISO 639-3 code for a tag's language subtag ("en" -> "eng", "yo" ->
 * "yor", "arb" -> "arb"). Writes "" when ICU has no mapping. */
PP_API void pp_langtag_iso639_3(const char *tag, char out[4]);

/* The script subtag of the tag, or of its likely subtags (CLDR) when the tag
 * has none: "am" -> "Ethi". Writes "" when unknown. */
PP_API void pp_langtag_script(const char *tag, char out[5]);

#ifdef __cplusplus
}
#endif
#endif
