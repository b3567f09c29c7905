/* pp_pii.h — finding and redacting personal data in text.
 *
 * Detectors (all over UTF-8, all Unicode-aware):
 *   email  local@domain; internationalized local parts and domains (the
 *          domain is checked with ICU UTS #46 IDNA); an address glued to text
 *          of a script written without spaces (Thai, Chinese, Japanese...) is
 *          cut at the script change, or at an ICU word boundary when the
 *          address itself is in such a script.
 *   phone  "+" and 8-15 digits (E.164 length), "00" international prefix, or
 *          national forms with 9-12 digits in groups (area codes in
 *          parentheses, separators space, hyphen, dot; 8 digits with a
 *          trunk 0); digits of any Unicode
 *          decimal digit system (ICU u_charDigitValue), not mixed. Dates,
 *          verse references, year ranges, numbers with thousands separators
 *          and prices are rejected by shape.
 *   ip     IPv4 dotted quads (0-255, no leading zeros) and IPv6 (inet_pton).
 *   iban   ISO 13616: known country code, the country's length, mod-97 = 1;
 *          compact or in groups of four.
 *   card   13-19 digits (optionally grouped by spaces or hyphens), Luhn,
 *          and an issuer (IIN) range whose card lengths include this one.
 * What none of them catches is listed in docs/pii.md. */
#ifndef PP_PII_H
#define PP_PII_H

#include "src/pp_common.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_pii_type {
    PP_PII_EMAIL = 1,
    PP_PII_PHONE = 2,
    PP_PII_IP = 4,
    PP_PII_IBAN = 8,
    PP_PII_CARD = 16
} pp_pii_type;

#define PP_PII_ALL 31u

typedef struct pp_pii_span {
    pp_pii_type type;
    size_t start, end;   /* byte offsets [start, end) */
    size_t cstart, cend; /* the same in Unicode code points */
} pp_pii_span;

/* "email,phone,ip,iban,card" (any subset, comma-separated; "all") -> mask. */
PP_API pp_status pp_pii_parse_types(const char *list, unsigned *mask, pp_error *err);

/* "email", "phone", ... and the redaction tags "<EMAIL>", "<PHONE>", ... */
PP_API const char *pp_pii_type_name(pp_pii_type t);
PP_API const char *pp_pii_type_tag(pp_pii_type t);

/* Find the spans of the types in `mask` in well-formed UTF-8 `text`. Spans
 * do not overlap and come in text order. *spans is malloc'd (free() it;
 * NULL when none). */
PP_API pp_status pp_pii_find(const char *text, size_t len, unsigned mask, pp_pii_span **spans,
                             size_t *n, pp_error *err);

/* Replace each span by its tag. *out is malloc'd and NUL-terminated. */
PP_API pp_status pp_pii_redact(const char *text, size_t len, const pp_pii_span *spans, size_t n,
                               char **out, size_t *outlen, pp_error *err);

/* Checks on ASCII digit strings (no separators). */
PP_API int pp_luhn_valid(const char *digits, size_t n);
/* Luhn + length + issuer range. */
PP_API int pp_card_valid(const char *digits, size_t n);
/* An IBAN, compact or with single spaces: country, length and mod 97. */
PP_API int pp_iban_valid(const char *s, size_t len);

/* Value of a Unicode decimal digit (general category Nd) or -1. */
PP_API int pp_pii_digit_value(int32_t c);

#ifdef __cplusplus
}
#endif
#endif
