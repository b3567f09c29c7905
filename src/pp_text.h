/* pp_text.h — ICU text helpers: normalization, segmentation, script.
 *
 * All strings are UTF-8. Offsets are byte offsets into the input. */
#ifndef PP_TEXT_H
#define PP_TEXT_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_norm_form {
    PP_NFC = 0,
    PP_NFD,
    PP_NFKC,
    PP_NFKD
} pp_norm_form;

/* Parse "nfc"/"NFC", ... Returns PP_ERR_INVALID for other names. */
PP_API pp_status pp_norm_form_parse(const char *name, pp_norm_form *form, pp_error *err);

/* Normalize `len` bytes of `s` into a new NUL-terminated malloc'd string. */
PP_API pp_status pp_normalize(const char *s, size_t len, pp_norm_form form, char **out,
                              size_t *outlen, pp_error *err);

/* Nonzero if `s` is already in `form` (fast check, no allocation for ASCII). */
PP_API int pp_is_normalized(const char *s, size_t len, pp_norm_form form);

typedef enum pp_seg_kind {
    PP_SEG_SENTENCE = 0,
    PP_SEG_WORD
} pp_seg_kind;

/* A segment [start, end) in bytes. For words, `wordlike` is nonzero for
 * letters/numbers/ideographs/kana and zero for spaces and punctuation. */
typedef struct pp_span {
    size_t start;
    size_t end;
    int wordlike;
} pp_span;

/* Segment with ICU's BreakIterator for `locale` (a BCP 47 tag or ICU locale
 * id; NULL or "" for root). Dictionary-based word breaking applies where ICU
 * has it (Thai, Lao, Khmer, Burmese, Chinese, Japanese). For sentences,
 * spans keep trailing whitespace out. *spans is malloc'd (free() it). */
PP_API pp_status pp_segment(const char *s, size_t len, const char *locale, pp_seg_kind kind,
                            pp_span **spans, size_t *n, pp_error *err);

/* Majority ISO 15924 script of `s`, counted over code points whose script is
 * neither Common (Zyyy) nor Inherited (Zinh). Writes the 4-letter code (e.g.
 * "Latn", "Ethi", "Deva", "Arab", "Thai") into code[5]. Text with no such
 * code point gets "Zyyy". Han, Hiragana and Katakana are reported separately.
 * If share is not NULL it receives the fraction of counted code points in the
 * majority script (0 when none were counted). */
PP_API void pp_script_of(const char *s, size_t len, char code[5], double *share);

/* Number of Unicode code points in well-formed UTF-8. */
PP_API size_t pp_utf8_length(const char *s, size_t len);

/* Collapse runs of Unicode white space to one ASCII space and trim both ends,
 * in place. Returns the new length. */
PP_API size_t pp_collapse_space(char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif
