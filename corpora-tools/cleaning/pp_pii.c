/* pp_pii.c — detectors for emails, phone numbers, IP addresses, IBANs and
 * payment-card numbers, and their redaction. The text is decoded once into
 * code points; each detector walks them and claims non-overlapping spans in
 * a fixed priority order (email, iban, card, ip, phone). */
#include "config.h"
#include "corpora-tools/cleaning/pp_pii.h"
#include "src/pp_text.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uidna.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

/* ---- names ---- */

static const struct {
    pp_pii_type t;
    const char *name, *tag;
} TYPES[] = {{PP_PII_EMAIL, "email", "<EMAIL>"}, {PP_PII_PHONE, "phone", "<PHONE>"},
             {PP_PII_IP, "ip", "<IP>"},          {PP_PII_IBAN, "iban", "<IBAN>"},
             {PP_PII_CARD, "card", "<CARD>"}};

const char *pp_pii_type_name(pp_pii_type t)
{
    for (size_t i = 0; i < 5; i++)
        if (TYPES[i].t == t)
            return TYPES[i].name;
    return "pii";
}

const char *pp_pii_type_tag(pp_pii_type t)
{
    for (size_t i = 0; i < 5; i++)
        if (TYPES[i].t == t)
            return TYPES[i].tag;
    return "<PII>";
}

pp_status pp_pii_parse_types(const char *list, unsigned *mask, pp_error *err)
{
    unsigned m = 0;
    const char *p = list ? list : "";
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int found = 0;
        if (n == 3 && strncmp(p, "all", 3) == 0) {
            m |= PP_PII_ALL;
            found = 1;
        }
        for (size_t i = 0; i < 5 && !found; i++)
            if (strlen(TYPES[i].name) == n && strncmp(p, TYPES[i].name, n) == 0) {
                m |= TYPES[i].t;
                found = 1;
            }
        if (!found)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "unknown PII type '%.*s' (expected email, phone, ip, iban, card "
                                "or all)", (int)n, p);
        p += n;
        if (*p == ',')
            p++;
    }
    if (!m)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no PII type given");
    *mask = m;
    return PP_OK;
}

/* ---- checksums ---- */

int pp_luhn_valid(const char *d, size_t n)
{
    if (n == 0)
        return 0;
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        char c = d[n - 1 - i];
        if (c < '0' || c > '9')
            return 0;
        int v = c - '0';
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

static int prefix_in(const char *d, size_t n, int digits, long lo, long hi)
{
    if (n < (size_t)digits)
        return 0;
    long v = 0;
    for (int i = 0; i < digits; i++)
        v = v * 10 + (d[i] - '0');
    return v >= lo && v <= hi;
}

int pp_card_valid(const char *d, size_t n)
{
    if (n < 13 || n > 19 || !pp_luhn_valid(d, n))
        return 0;
    /* issuer ranges and their card lengths (ISO/IEC 7812 IINs as published
     * by the networks) */
    if (d[0] == '4')
        return n == 13 || n == 16 || n == 19; /* Visa */
    if (prefix_in(d, n, 2, 51, 55) || prefix_in(d, n, 4, 2221, 2720))
        return n == 16; /* Mastercard */
    if (prefix_in(d, n, 2, 34, 34) || prefix_in(d, n, 2, 37, 37))
        return n == 15; /* American Express */
    if (prefix_in(d, n, 4, 2200, 2204))
        return n >= 16; /* Mir */
    if (prefix_in(d, n, 4, 3528, 3589))
        return n >= 16; /* JCB */
    if (prefix_in(d, n, 3, 300, 305) || prefix_in(d, n, 2, 36, 36) || prefix_in(d, n, 2, 38, 39))
        return n >= 14; /* Diners Club */
    if (prefix_in(d, n, 4, 6011, 6011) || prefix_in(d, n, 3, 644, 649) ||
        prefix_in(d, n, 2, 65, 65) || prefix_in(d, n, 2, 62, 62) || prefix_in(d, n, 2, 60, 60))
        return n >= 16; /* Discover, UnionPay, RuPay */
    if (prefix_in(d, n, 6, 506099, 506198) || prefix_in(d, n, 6, 650002, 650027))
        return n == 16 || n == 18 || n == 19; /* Verve */
    if (prefix_in(d, n, 2, 50, 50) || prefix_in(d, n, 2, 56, 58) || prefix_in(d, n, 2, 63, 63) ||
        prefix_in(d, n, 2, 67, 67))
        return 1; /* Maestro: 12-19 */
    return 0;
}

static const struct {
    char cc[3];
    int len;
} IBAN_LEN[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27},
    {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24}, {"PL", 28},
    {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28},
    {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30}};

static int iban_length(const char *cc)
{
    for (size_t i = 0; i < sizeof IBAN_LEN / sizeof IBAN_LEN[0]; i++)
        if (IBAN_LEN[i].cc[0] == cc[0] && IBAN_LEN[i].cc[1] == cc[1])
            return IBAN_LEN[i].len;
    return 0;
}

/* Compact uppercase IBAN of n chars. */
static int iban_check(const char *s, size_t n)
{
    if (n < 15 || n > 34)
        return 0;
    if (!(s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= '0' &&
          s[2] <= '9' && s[3] >= '0' && s[3] <= '9'))
        return 0;
    if ((size_t)iban_length(s) != n)
        return 0;
    unsigned r = 0;
    for (size_t k = 0; k < n; k++) {
        char c = s[(k + 4) % n];
        if (c >= '0' && c <= '9')
            r = (r * 10 + (unsigned)(c - '0')) % 97;
        else if (c >= 'A' && c <= 'Z')
            r = (r * 100 + (unsigned)(c - 'A' + 10)) % 97;
        else
            return 0;
    }
    return r == 1;
}

int pp_iban_valid(const char *s, size_t len)
{
    char buf[40];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ')
            continue;
        if (n >= sizeof buf)
            return 0;
        buf[n++] = s[i];
    }
    return iban_check(buf, n);
}

int pp_pii_digit_value(int32_t c)
{
    if (c < 0 || u_charType(c) != U_DECIMAL_DIGIT_NUMBER)
        return -1;
    return u_charDigitValue(c);
}

/* ---- scanning context ---- */

typedef struct {
    const char *s;
    size_t len;
    UChar32 *cp;
    size_t *off; /* byte offset of cp[i]; off[n] = len */
    size_t n;
    unsigned char *taken;
    pp_pii_span *spans;
    size_t nspans, cap;
} ctx;

static int claim(ctx *c, pp_pii_type t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (c->taken[i])
            return 1; /* overlaps a span of a higher priority: skip */
    if (c->nspans == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 8;
        pp_pii_span *s = realloc(c->spans, nc * sizeof *s);
        if (!s)
            return 0;
        c->spans = s;
        c->cap = nc;
    }
    memset(c->taken + a, 1, b - a);
    c->spans[c->nspans++] = (pp_pii_span){t, c->off[a], c->off[b], a, b};
    return 1;
}

static UChar32 at(const ctx *c, long i)
{
    return i >= 0 && (size_t)i < c->n ? c->cp[i] : -1;
}

static int is_letter(UChar32 c)
{
    return c >= 0 && (u_isalpha(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK));
}

static int is_digit(UChar32 c)
{
    return pp_pii_digit_value(c) >= 0;
}

/* Scripts written without spaces between words. */
static int spaceless(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript(c, &st);
    switch (s) {
    case USCRIPT_THAI: case USCRIPT_LAO: case USCRIPT_KHMER: case USCRIPT_MYANMAR:
    case USCRIPT_HAN: case USCRIPT_HIRAGANA: case USCRIPT_KATAKANA: case USCRIPT_TIBETAN:
    case USCRIPT_BALINESE: case USCRIPT_JAVANESE:
        return 1;
    default:
        return 0;
    }
}

static UScriptCode script_of(UChar32 c)
{
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode s = uscript_getScript(c, &st);
    if (s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA)
        return USCRIPT_HAN; /* Japanese mixes them inside words */
    return s;
}

/* A letter of a script written with spaces: it glues to a number only when
 * they form one token (a product code, "A1234..."). */
static int spaced_letter(UChar32 c)
{
    return is_letter(c) && !spaceless(c);
}

/* ---- email ---- */

static int local_char(UChar32 c)
{
    if (c < 0)
        return 0;
    if (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK))
        return 1;
    return c < 128 && strchr(".!#$%&'*+/=?^_`{|}~-", (int)c) != NULL;
}

static int domain_char(UChar32 c)
{
    return c >= 0 && (u_isalnum(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) || c == '-');
}

static int is_dot(UChar32 c)
{
    return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61;
}

/* First (last_word = 0) or last ICU word of cp[a, b): returns the cut. */
static size_t word_cut(const ctx *c, size_t a, size_t b, int last_word)
{
    pp_span *sp = NULL;
    size_t ns = 0;
    size_t ba = c->off[a], bb = c->off[b];
    if (pp_segment(c->s + ba, bb - ba, NULL, PP_SEG_WORD, &sp, &ns, NULL) != PP_OK || ns < 2) {
        free(sp);
        return last_word ? a : b;
    }
    size_t byte = last_word ? ba + sp[ns - 1].start : ba + sp[0].end;
    free(sp);
    size_t i = a;
    while (i < b && c->off[i] < byte)
        i++;
    return i;
}

static int find_emails(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->cp[i] != '@' && c->cp[i] != 0xFF20)
            continue;
        /* local part, backwards */
        long j = (long)i - 1;
        UScriptCode sc = USCRIPT_COMMON;
        while (j >= 0 && local_char(c->cp[j])) {
            if (is_letter(c->cp[j])) {
                UScriptCode s = script_of(c->cp[j]);
                if (sc != USCRIPT_COMMON && s != sc && s != USCRIPT_INHERITED &&
                    (spaceless(c->cp[j]) || spaceless(c->cp[j + 1])))
                    break;
                if (s != USCRIPT_INHERITED)
                    sc = s;
            }
            j--;
        }
        size_t a = (size_t)(j + 1);
        while (a < i && c->cp[a] == '.')
            a++;
        if (a >= i || c->cp[i - 1] == '.')
            continue;
        /* a long local part all in a spaceless script probably carries the
         * words before it: keep its last ICU word */
        if (spaceless(c->cp[a]) && i - a > 6)
            a = word_cut(c, a, i, 1);
        if (a >= i)
            continue;
        /* domain, forwards */
        size_t k = i + 1, labels = 0, last_label = k;
        UScriptCode dsc = USCRIPT_COMMON;
        int cut = 0;
        for (;;) {
            size_t ls = k;
            while (k < c->n && domain_char(c->cp[k])) {
                if (is_letter(c->cp[k])) {
                    UScriptCode s = script_of(c->cp[k]);
                    if (dsc != USCRIPT_COMMON && s != dsc && s != USCRIPT_INHERITED &&
                        (spaceless(c->cp[k]) || spaceless(c->cp[k - 1]))) {
                        cut = 1;
                        break;
                    }
                    if (s != USCRIPT_INHERITED)
                        dsc = s;
                }
                k++;
            }
            if (k == ls)
                break;
            labels++;
            last_label = ls;
            if (cut || k >= c->n || !is_dot(c->cp[k]) || !domain_char(at(c, (long)k + 1)))
                break;
            k++;
        }
        if (labels < 2)
            continue;
        size_t b = k;
        /* a long top-level label in a spaceless script runs on into the text */
        if (spaceless(c->cp[last_label]) && b - last_label > 4)
            b = word_cut(c, last_label, b, 0);
        /* top-level label: letters only, at least two */
        size_t tl = 0;
        int letters = 1;
        for (size_t t = last_label; t < b; t++, tl++)
            if (!is_letter(c->cp[t]))
                letters = 0;
        int xn = b - last_label > 4 && c->cp[last_label] == 'x' && c->cp[last_label + 1] == 'n' &&
                 c->cp[last_label + 2] == '-' && c->cp[last_label + 3] == '-';
        if (tl < 2 || (!letters && !xn))
            continue;
        /* IDNA (UTS #46) check of the domain */
        UErrorCode st = U_ZERO_ERROR;
        UIDNA *idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII, &st);
        if (U_FAILURE(st))
            return 0;
        char ascii[512];
        UIDNAInfo info = UIDNA_INFO_INITIALIZER;
        size_t db = c->off[i + 1], de = c->off[b];
        uidna_nameToASCII_UTF8(idna, c->s + db, (int32_t)(de - db), ascii, sizeof ascii, &info, &st);
        uidna_close(idna);
        if (U_FAILURE(st) || (info.errors & ~(unsigned)(UIDNA_ERROR_HYPHEN_3_4)) != 0)
            continue;
        if (!claim(c, PP_PII_EMAIL, a, b))
            return 0;
        i = b > i ? b - 1 : i;
    }
    return 1;
}

/* ---- digit runs (cards, phones) ---- */

static int space_sep(UChar32 c)
{
    return c == ' ' || c == 0xA0 || c == 0x202F || c == 0x2009 || c == 0x2007;
}

static int dash(UChar32 c)
{
    return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFF0D;
}

static int bidi_mark(UChar32 c)
{
    return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

/* Something that glues a digit run to a larger number or token. */
static int number_glue_before(const ctx *c, long i)
{
    UChar32 p = at(c, i - 1);
    if (p < 0)
        return 0;
    if (is_digit(p) || spaced_letter(p) || p == '_' || p == '#' || p == '/' || p == '@' || p == '[' ||
        p == '$' || p == 0x20AC || p == 0xA3 || p == 0xA5 || u_charType(p) == U_CURRENCY_SYMBOL)
        return 1;
    if ((p == '.' || p == ',' || p == ':' || dash(p) || p == 0x066B || p == 0x066C) &&
        is_digit(at(c, i - 2)))
        return 1;
    return 0;
}

static int number_glue_after(const ctx *c, size_t e)
{
    UChar32 q = at(c, (long)e);
    if (q < 0)
        return 0;
    if (is_digit(q) || spaced_letter(q) || q == '_' || q == '%' || q == '/' || q == '@' || q == ']' ||
        q == 0x066A || u_charType(q) == U_CURRENCY_SYMBOL)
        return 1;
    if ((q == '.' || q == ',' || q == ':' || dash(q) || q == 0x066B || q == 0x066C) &&
        is_digit(at(c, (long)e + 1)))
        return 1;
    return 0;
}

typedef struct {
    size_t a, b;       /* code point span */
    char digits[40];   /* ASCII digits */
    int nd;
    int groups[24];    /* group lengths */
    int ng;
    int plus, paren;
    int seps;          /* bit 0 space, 1 dash, 2 dot, 3 paren */
    int mixed;         /* digits of two systems */
} run;

/* Scan a run of digits and separators starting at i (a digit, '+' or '(').
 * `allow` is a bitmask of separators allowed (see run.seps). */
static int scan_run(const ctx *c, size_t i, int allow, run *r)
{
    memset(r, 0, sizeof *r);
    r->a = i;
    size_t k = i;
    if (c->cp[k] == '+' || c->cp[k] == 0xFF0B) {
        r->plus = 1;
        k++;
        if (k < c->n && space_sep(c->cp[k]) && is_digit(at(c, (long)k + 1)))
            k++;
    }
    UChar32 zero = -1;
    int cur = 0, open = 0;
    size_t last_digit_end = k;
    while (k < c->n) {
        UChar32 ch = c->cp[k];
        int v = pp_pii_digit_value(ch);
        if (v >= 0) {
            if (zero < 0)
                zero = ch - v;
            else if (ch - v != zero)
                r->mixed = 1;
            if (r->nd >= 39)
                return 0;
            r->digits[r->nd++] = (char)('0' + v);
            cur++;
            k++;
            last_digit_end = k;
            continue;
        }
        /* up to two separator characters between digit groups */
        size_t s = k;
        int nsep = 0, bad = 0, seps = r->seps, op = open;
        while (s < c->n && nsep < 3 && !is_digit(c->cp[s])) {
            UChar32 x = c->cp[s];
            if (space_sep(x) && (allow & 1))
                seps |= 1;
            else if (dash(x) && (allow & 2))
                seps |= 2;
            else if (x == '.' && (allow & 4))
                seps |= 4;
            else if (x == '(' && (allow & 8) && !op && r->nd == 0)
                op = 1, seps |= 8; /* only around the first group (area code) */
            else if (x == ')' && (allow & 8) && op == 1 && r->ng == 0)
                op = 2;
            else if (bidi_mark(x))
                ;
            else {
                bad = 1;
                break;
            }
            s++;
            if (!bidi_mark(x))
                nsep++;
        }
        if (bad || nsep > 2 || s >= c->n || !is_digit(c->cp[s]))
            break;
        r->seps = seps;
        if (op == 1 && !open)
            r->paren = 1;
        open = op;
        if (cur) {
            if (r->ng >= 24)
                return 0;
            r->groups[r->ng++] = cur;
        }
        cur = 0;
        k = s;
    }
    if (cur && r->ng < 24)
        r->groups[r->ng++] = cur;
    if (open == 1)
        return 0;
    r->b = last_digit_end;
    return r->nd > 0;
}

static int find_cards(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (!is_digit(c->cp[i]) || c->taken[i] || number_glue_before(c, (long)i))
            continue;
        run r;
        if (!scan_run(c, i, 1 | 2, &r)) {
            continue;
        }
        size_t next = r.b;
        if (r.nd >= 13 && r.nd <= 19 && !r.mixed && !number_glue_after(c, r.b)) {
            int ok = 1;
            for (int g = 0; g < r.ng; g++)
                if (r.groups[g] < 3 && r.ng > 1)
                    ok = 0;
            if (ok && pp_card_valid(r.digits, (size_t)r.nd) && !claim(c, PP_PII_CARD, r.a, r.b))
                return 0;
        }
        i = next > i ? next - 1 : i;
    }
    return 1;
}

static int find_ibans(ctx *c)
{
    for (size_t i = 0; i + 15 <= c->n; i++) {
        UChar32 a0 = c->cp[i], a1 = c->cp[i + 1];
        if (!(a0 >= 'A' && a0 <= 'Z' && a1 >= 'A' && a1 <= 'Z'))
            continue;
        if (i > 0 && (spaced_letter(c->cp[i - 1]) || is_digit(c->cp[i - 1])))
            continue;
        char cc[3] = {(char)a0, (char)a1, 0};
        int want = iban_length(cc);
        if (!want)
            continue;
        char buf[40];
        int n = 0;
        size_t k = i;
        while (k < c->n && n < want) {
            UChar32 x = c->cp[k];
            if ((x >= 'A' && x <= 'Z') || (x >= '0' && x <= '9')) {
                buf[n++] = (char)x;
                k++;
            } else if (x == ' ' && n % 4 == 0 && n > 0 && k + 1 < c->n &&
                       ((c->cp[k + 1] >= 'A' && c->cp[k + 1] <= 'Z') ||
                        (c->cp[k + 1] >= '0' && c->cp[k + 1] <= '9'))) {
                k++;
            } else {
                break;
            }
        }
        if (n != want)
            continue;
        UChar32 after = at(c, (long)k);
        if ((after >= 'A' && after <= 'Z') || (after >= '0' && after <= '9') ||
            spaced_letter(after))
            continue;
        if (!iban_check(buf, (size_t)n))
            continue;
        if (!claim(c, PP_PII_IBAN, i, k))
            return 0;
        i = k - 1;
    }
    return 1;
}

static int hexdig(UChar32 x)
{
    return (x >= '0' && x <= '9') || (x >= 'a' && x <= 'f') || (x >= 'A' && x <= 'F');
}

static int find_ips(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->taken[i] || !(hexdig(c->cp[i]) || c->cp[i] == ':'))
            continue;
        UChar32 p = at(c, (long)i - 1);
        if (p >= 0 && (u_isalnum(p) || p == '.' || p == ':' || p == '_' || p == '-'))
            continue;
        size_t k = i;
        int colons = 0, dots = 0;
        while (k < c->n && (hexdig(c->cp[k]) || c->cp[k] == ':' || c->cp[k] == '.') && k - i < 60) {
            colons += c->cp[k] == ':';
            dots += c->cp[k] == '.';
            k++;
        }
        size_t e = k;
        while (e > i && (c->cp[e - 1] == '.' || c->cp[e - 1] == ':')) {
            if (c->cp[e - 1] == ':' && e - i >= 2 && c->cp[e - 2] == ':')
                break; /* "::" may end an address */
            e--;
        }
        UChar32 q = at(c, (long)e);
        if (q >= 0 && (u_isalnum(q) || q == '_' || q == '-' ||
                       ((q == '.' || q == ':') && hexdig(at(c, (long)e + 1))))) {
            i = k > i ? k - 1 : i;
            continue;
        }
        char buf[64];
        size_t n = e - i;
        if (n == 0 || n >= sizeof buf) {
            i = k > i ? k - 1 : i;
            continue;
        }
        for (size_t t = 0; t < n; t++)
            buf[t] = (char)c->cp[i + t];
        buf[n] = '\0';
        unsigned char addr[16];
        int ok = 0;
        colons = dots = 0;
        int hex = 0;
        for (size_t t = 0; t < n; t++) {
            colons += buf[t] == ':';
            dots += buf[t] == '.';
            hex += hexdig((UChar32)buf[t]);
        }
        if (colons == 0 && dots == 3) {
            /* inet_pton(AF_INET) takes only canonical dotted quads */
            int lead0 = 0;
            for (size_t t = 0; t < n; t++)
                if (buf[t] == '0' && (t == 0 || buf[t - 1] == '.') && t + 1 < n &&
                    buf[t + 1] != '.')
                    lead0 = 1;
            ok = !lead0 && inet_pton(AF_INET, buf, addr) == 1;
        } else if (colons >= 2 && hex > 0) {
            ok = inet_pton(AF_INET6, buf, addr) == 1;
        }
        if (ok && !claim(c, PP_PII_IP, i, e))
            return 0;
        i = k > i ? k - 1 : i;
    }
    return 1;
}

/* ---- phones ---- */

static int looks_like_years(const run *r)
{
    int off = 0;
    for (int g = 0; g < r->ng; g++) {
        if (r->groups[g] != 4)
            return 0;
        int y = (r->digits[off] - '0') * 1000 + (r->digits[off + 1] - '0') * 100 +
                (r->digits[off + 2] - '0') * 10 + (r->digits[off + 3] - '0');
        if (y < 1000 || y > 2199)
            return 0;
        off += 4;
    }
    return 1;
}

static int phone_shape(const run *r)
{
    if (r->mixed)
        return 0;
    if (r->plus)
        return r->nd >= 8 && r->nd <= 15 && r->digits[0] != '0';
    if (r->nd >= 11 && r->nd <= 17 && r->digits[0] == '0' && r->digits[1] == '0' && r->ng >= 2)
        return 1; /* 00 international prefix */
    if (r->ng == 1)
        /* a run without separators: only a trunk-prefixed national number */
        return r->digits[0] == '0' && r->nd >= 10 && r->nd <= 11;
    /* 9-12 digits; 8 with a trunk 0 and a short first group (088 53396)
     * unless shaped like a date (01.02.2024) or an ISSN (0378-5955) */
    if (r->nd == 8 && r->digits[0] == '0') {
        if (r->groups[0] > 3 ||
            (r->ng == 3 && r->groups[2] == 4 && r->groups[0] <= 2 && r->groups[1] <= 2))
            return 0;
    } else if (r->nd < 9 || r->nd > 12) {
        return 0;
    }
    for (int g = 0; g < r->ng; g++)
        if (r->groups[g] < 2 && !(g == 0 && r->paren))
            return 0;
    /* without a trunk 0 or an area code in parentheses, national numbers
     * start with a group of three or more digits (555 123 4567, 98765 43210) */
    if (r->digits[0] != '0' && !r->paren && r->groups[0] < 3)
        return 0;
    if (looks_like_years(r))
        return 0;
    /* thousands: 1-3 digits then groups of exactly three, separated by
     * dots or by spaces after a short head */
    int thousands = r->groups[0] <= 3;
    for (int g = 1; g < r->ng; g++)
        if (r->groups[g] != 3)
            thousands = 0;
    if (thousands && !r->paren && ((r->seps & 4) || r->groups[0] < 3) && r->digits[0] != '0')
        return 0;
    return 1;
}

static int find_phones(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        UChar32 x = c->cp[i];
        if (c->taken[i])
            continue;
        int starter = is_digit(x) || ((x == '+' || x == 0xFF0B) && (is_digit(at(c, (long)i + 1)) ||
                                       (space_sep(at(c, (long)i + 1)) && is_digit(at(c, (long)i + 2))))) ||
                      (x == '(' && is_digit(at(c, (long)i + 1)));
        if (!starter || number_glue_before(c, (long)i))
            continue;
        run r;
        if (!scan_run(c, i, 1 | 2 | 4 | 8, &r))
            continue;
        size_t next = r.b;
        int overlap = 0;
        for (size_t t = r.a; t < r.b; t++)
            overlap |= c->taken[t];
        if (!overlap && !number_glue_after(c, r.b) && phone_shape(&r) &&
            !claim(c, PP_PII_PHONE, r.a, r.b))
            return 0;
        i = next > i ? next - 1 : i;
    }
    return 1;
}

static int cmp_span(const void *a, const void *b)
{
    const pp_pii_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

pp_status pp_pii_find(const char *text, size_t len, unsigned mask, pp_pii_span **spans, size_t *n,
                      pp_error *err)
{
    *spans = NULL;
    *n = 0;
    ctx c = {0};
    c.s = text;
    c.len = len;
    c.cp = malloc(sizeof(UChar32) * (len + 1));
    c.off = malloc(sizeof(size_t) * (len + 1));
    c.taken = calloc(len + 1, 1);
    if (!c.cp || !c.off || !c.taken)
        goto oom;
    int32_t i = 0, L = (int32_t)len;
    while (i < L) {
        c.off[c.n] = (size_t)i;
        UChar32 ch;
        U8_NEXT(text, i, L, ch);
        if (ch < 0) {
            size_t bad = c.off[c.n];
            free(c.cp);
            free(c.off);
            free(c.taken);
            return pp_error_set(err, PP_ERR_ENCODING, NULL, 0, "invalid UTF-8 at byte %zu", bad);
        }
        c.cp[c.n++] = ch;
    }
    c.off[c.n] = len;
    if (((mask & PP_PII_EMAIL) && !find_emails(&c)) || ((mask & PP_PII_IBAN) && !find_ibans(&c)) ||
        ((mask & PP_PII_CARD) && !find_cards(&c)) || ((mask & PP_PII_IP) && !find_ips(&c)) ||
        ((mask & PP_PII_PHONE) && !find_phones(&c)))
        goto oom;
    if (c.nspans > 1)
        qsort(c.spans, c.nspans, sizeof *c.spans, cmp_span);
    *spans = c.spans;
    *n = c.nspans;
    free(c.cp);
    free(c.off);
    free(c.taken);
    return PP_OK;
oom:
    free(c.cp);
    free(c.off);
    free(c.taken);
    free(c.spans);
    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
}

pp_status pp_pii_redact(const char *text, size_t len, const pp_pii_span *spans, size_t n,
                        char **out, size_t *outlen, pp_error *err)
{
    size_t cap = len + 1;
    for (size_t k = 0; k < n; k++)
        cap += strlen(pp_pii_type_tag(spans[k].type));
    char *o = malloc(cap);
    if (!o)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    size_t w = 0, pos = 0;
    for (size_t k = 0; k < n; k++) {
        if (spans[k].start < pos || spans[k].end > len || spans[k].end < spans[k].start) {
            free(o);
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "spans overlap or exceed the text");
        }
        memcpy(o + w, text + pos, spans[k].start - pos);
        w += spans[k].start - pos;
        const char *tag = pp_pii_type_tag(spans[k].type);
        memcpy(o + w, tag, strlen(tag));
        w += strlen(tag);
        pos = spans[k].end;
    }
    memcpy(o + w, text + pos, len - pos);
    w += len - pos;
    o[w] = '\0';
    *out = o;
    if (outlen)
        *outlen = w;
    return PP_OK;
}
