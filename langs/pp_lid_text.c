/* pp_lid_text.c — the one preprocessing function shared by LID training and
 * prediction, and the script-compatibility rule. */
#include "config.h"
#include "langs/pp_lid.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

/* What a code point becomes: kept, folded to an ASCII apostrophe, or a space. */
static UChar32 map_cp(UChar32 c)
{
    if (c == 0x27 || c == 0x2BC)
        return c;
    if (c == 0x2019 || c == 0x2018 || c == 0x2BB || c == 0x60 || c == 0xB4)
        return 0x27;
    int8_t t = u_charType(c);
    switch (t) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
        return c;
    default: /* digits, punctuation, symbols, separators, controls */
        return 0x20;
    }
}

/* Append c to out (UTF-8), collapsing spaces; *pending_space tracks a
 * space not yet written (never at the start, never at the end). */
static void put(char *out, size_t *o, UChar32 c, int *pending_space)
{
    if (c == 0x20) {
        if (*o > 0)
            *pending_space = 1;
        return;
    }
    if (*pending_space) {
        out[(*o)++] = ' ';
        *pending_space = 0;
    }
    size_t i = *o;
    UBool err = 0;
    U8_APPEND((uint8_t *)out, i, (size_t)-1 >> 1, c, err);
    (void)err;
    *o = i;
}

static int ascii_only(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* The per-code-point table of the fast path. An entry holds what preprocessing
 * makes of the code point when it stands for itself: its full lowercase
 * mapping (root locale) passed through map_cp (bits 0-20), its canonical
 * combining class (bits 21-28), and whether the fast path may use it at all
 * (bit 29): NFC quick check "yes" and a lowercase mapping that is one code
 * point and needs no context; bit 30: the code point is alphabetic. The only such mappings are U+0130 (two code
 * points) and capital sigma (final or not); both go the ICU way. Plane 0 is
 * kept in pages of 256 entries built on first use; other planes are looked
 * up every time (rare in text). */
#define E_OUT 0x1FFFFFu
#define E_CCC_SHIFT 21
#define E_OK (1u << 29)
#define E_ALPHA (1u << 30) /* u_isalpha */

static uint32_t entry_of(UChar32 c)
{
    uint32_t e = u_isalpha(c) ? E_ALPHA : 0;
    UChar32 low = u_tolower(c);
    UChar in[2], lo[8];
    int32_t il = 0, k = 0;
    U16_APPEND_UNSAFE(in, il, c);
    UErrorCode st = U_ZERO_ERROR;
    int32_t ol = u_strToLower(lo, 8, in, il, "", &st);
    UChar32 full = -1;
    if (U_SUCCESS(st) && ol > 0)
        U16_NEXT(lo, k, ol, full);
    int qc = u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES;
    if (qc && U_SUCCESS(st) && k == ol && full == low && c != 0x3A3)
        e |= E_OK;
    e |= (uint32_t)u_getCombiningClass(c) << E_CCC_SHIFT;
    e |= (uint32_t)map_cp(low) & E_OUT;
    return e;
}

/* Plane 0: 256 pages; a page's state is 0 (empty), 1 (being filled by some
 * thread: compute the entry directly) or 2 (ready). */
static uint32_t bmp[0x10000];
static int page_state[256];

static uint32_t __attribute__((noinline)) lookup_slow(UChar32 c)
{
    if (c > 0xFFFF)
        return entry_of(c);
    int pg = c >> 8, empty = 0;
    if (__atomic_compare_exchange_n(&page_state[pg], &empty, 1, 0, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
        for (int i = 0; i < 256; i++)
            bmp[(pg << 8) | i] = entry_of((pg << 8) | i);
        __atomic_store_n(&page_state[pg], 2, __ATOMIC_RELEASE);
        return bmp[c];
    }
    return entry_of(c); /* another thread is filling the page */
}

static inline uint32_t lookup(UChar32 c)
{
    if (c <= 0xFFFF && __atomic_load_n(&page_state[c >> 8], __ATOMIC_ACQUIRE) == 2)
        return bmp[c];
    return lookup_slow(c);
}

/* The fast path: UTF-8 in, UTF-8 out, one table look-up per code point.
 * Returns 0 (and writes nothing usable) when the text needs ICU: invalid
 * UTF-8, text that is not NFC by the quick check (NFC quick check "no" or
 * "maybe", or combining marks out of canonical order), a lowercase mapping
 * that is not one code point or depends on context. The result is then the
 * ICU path's, code point for code point: NFC leaves such text unchanged and
 * lowercasing it maps each code point on its own. */
static int preprocess_table(const char *s, size_t len, char *o, size_t *outlen)
{
    size_t n = 0;
    int sp = 0;
    unsigned last_ccc = 0;
    for (size_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, len, c);
        if (c < 0)
            return 0;
        uint32_t e = lookup(c);
        unsigned ccc = (e >> E_CCC_SHIFT) & 0xFF;
        if (!(e & E_OK) || (ccc != 0 && last_ccc > ccc))
            return 0;
        last_ccc = ccc;
        put(o, &n, (UChar32)(e & E_OUT), &sp);
    }
    o[n] = '\0';
    *outlen = n;
    return 1;
}

pp_status pp_lid_preprocess(const char *s, size_t len, char **out, size_t *outlen, pp_error *err)
{
    *out = NULL;
    if (outlen)
        *outlen = 0;
    if (!s)
        len = 0;
    if (ascii_only(s, len)) {
        /* NFC and ICU root lowercasing are the identity / A-Z -> a-z here. */
        char *o = malloc(len + 1);
        if (!o)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        size_t n = 0;
        int sp = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            put(o, &n, map_cp(c), &sp);
        }
        o[n] = '\0';
        *out = o;
        if (outlen)
            *outlen = n;
        return PP_OK;
    }
    /* PP_LID_PREPROCESS_ICU=1: always the ICU path (to compare the two). */
    const char *force = getenv("PP_LID_PREPROCESS_ICU");
    if (!force || strcmp(force, "1") != 0) {
        /* UTF-8 code points take at most as many bytes lowercased and
         * mapped: U+0130 and U+03A3, the exceptions, go to ICU. */
        char *o = malloc(len * 4 + 1);
        if (!o)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        size_t n = 0;
        if (preprocess_table(s, len, o, &n)) {
            *out = o;
            if (outlen)
                *outlen = n;
            return PP_OK;
        }
        free(o);
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8WithSub(NULL, 0, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return pp_error_set(err, PP_ERR_ENCODING, NULL, 0, "cannot convert text: %s",
                            u_errorName(st));
    st = U_ZERO_ERROR;
    UChar *u = malloc(sizeof(UChar) * ((size_t)ulen + 1));
    UChar *nfc = malloc(sizeof(UChar) * ((size_t)ulen * 3 + 16));
    if (!u || !nfc) {
        free(u);
        free(nfc);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    u_strFromUTF8WithSub(u, ulen + 1, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
    const UNormalizer2 *n2 = unorm2_getNFCInstance(&st);
    int32_t nlen = 0;
    if (U_SUCCESS(st) && unorm2_quickCheck(n2, u, ulen, &st) == UNORM_YES && U_SUCCESS(st)) {
        /* already NFC (most text): normalizing would copy it unchanged */
        memcpy(nfc, u, sizeof(UChar) * (size_t)ulen);
        nlen = ulen;
    } else if (U_SUCCESS(st))
        nlen = unorm2_normalize(n2, u, ulen, nfc, ulen * 3 + 16, &st);
    if (U_FAILURE(st)) {
        free(u);
        free(nfc);
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "NFC normalization failed: %s",
                            u_errorName(st));
    }
    /* Lowercasing may grow the string (rarely); size for the worst case. */
    int32_t cap = nlen * 3 + 16;
    UChar *low = realloc(u, sizeof(UChar) * (size_t)cap);
    if (!low) {
        free(u);
        free(nfc);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    int32_t llen = u_strToLower(low, cap, nfc, nlen, "", &st);
    free(nfc);
    if (U_FAILURE(st)) {
        free(low);
        return pp_error_set(err, PP_ERR_ICU, NULL, 0, "lowercasing failed: %s", u_errorName(st));
    }
    char *o = malloc((size_t)llen * 4 + 1);
    if (!o) {
        free(low);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t n = 0;
    int sp = 0;
    for (int32_t i = 0; i < llen;) {
        UChar32 c;
        U16_NEXT(low, i, llen, c);
        put(o, &n, map_cp(c), &sp);
    }
    o[n] = '\0';
    free(low);
    *out = o;
    if (outlen)
        *outlen = n;
    return PP_OK;
}

static int has_script(const char *scripts, const char *sc)
{
    size_t n = strlen(sc);
    for (const char *p = scripts; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == n && n > 0 && memcmp(p, sc, n) == 0)
            return 1;
        p = e;
    }
    return 0;
}

int pp_lid_script_ok(const char *scripts, const char *ts)
{
    if (!scripts || !*scripts || !ts || !*ts)
        return 1;
    if (has_script(scripts, ts))
        return 1;
    int han = strcmp(ts, "Hani") == 0;
    int kana = strcmp(ts, "Hira") == 0 || strcmp(ts, "Kana") == 0;
    int hangul = strcmp(ts, "Hang") == 0;
    if ((han || kana) && has_script(scripts, "Jpan"))
        return 1;
    if ((han || hangul) && has_script(scripts, "Kore"))
        return 1;
    if (han && (has_script(scripts, "Hans") || has_script(scripts, "Hant")))
        return 1;
    if ((han || kana) && (has_script(scripts, "Hira") || has_script(scripts, "Kana")))
        return 1; /* Japanese labelled by its kana */
    return 0;
}

/* Han, kana and Hangul are read together: Japanese mixes Han with kana,
 * Korean may mix Han with Hangul, Chinese has neither. A few kana in Chinese
 * text (a quoted name) are not Japanese: kana must be at least 5% of the
 * CJK letters; Hangul at least 20%. */
void pp_lid_writing_system(const char *s, size_t len, const char *majority, char ws[8],
                           long *letters)
{
    long n = 0, han = 0, kana = 0, hangul = 0;
    int is_cjk = strcmp(majority, "Hani") == 0 || strcmp(majority, "Hira") == 0 ||
                 strcmp(majority, "Kana") == 0 || strcmp(majority, "Hang") == 0;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) { /* ASCII: the letters are A-Z and a-z, Latin (not CJK) */
            i++;
            n += (unsigned)((b | 0x20) - 'a') < 26;
            continue;
        }
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, len, c);
        if (c < 0 || !(c <= 0xFFFF ? lookup(c) & E_ALPHA : u_isalpha(c)))
            continue;
        n++;
        if (!is_cjk)
            continue; /* the script look-up is needed only to read Han text */
        UErrorCode e = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript(c, &e);
        if (sc == USCRIPT_HAN)
            han++;
        else if (sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA)
            kana++;
        else if (sc == USCRIPT_HANGUL)
            hangul++;
    }
    if (letters)
        *letters = n;
    long cjk = han + kana + hangul;
    if (!is_cjk || cjk == 0) {
        size_t ml = strnlen(majority, 7); /* (snprintf's cost showed in profiles) */
        memcpy(ws, majority, ml);
        ws[ml] = '\0';
    }
    else if (hangul * 5 >= cjk)
        snprintf(ws, 8, "Kore");
    else if (kana * 20 >= cjk)
        snprintf(ws, 8, "Jpan");
    else
        snprintf(ws, 8, "Hani");
}
