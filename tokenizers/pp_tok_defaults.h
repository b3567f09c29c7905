/* pp_tok_defaults.h — a language's defaults for tokenizer training. */
#ifndef PP_TOK_DEFAULTS_H
#define PP_TOK_DEFAULTS_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#ifdef __cplusplus
}
#endif
#endif

/* The Unicode form to pre-normalize training text with ("NFC", or "NFKC"
 * when the community profile asks for it; "none" leaves text alone) and the
 * characters that must be in the vocabulary: the community profile's
 * required marks and exemplars when the registry has a profile, and CLDR's
 * standard exemplar set (with case mappings, through ICU ulocdata) in any
 * case, NFC-normalized and split into code points. *required is malloc'd
 * UTF-8 without duplicates; *source tells where the defaults came from. */
PP_API pp_status pp_tok_lang_defaults(const char *code, char norm[16], char **required, char source[128],
                            pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
