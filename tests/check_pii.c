/* check_pii.c — checksums, digit systems, emails (IDN, glued to text without
 * spaces), phones, IPs, IBANs, cards, false positives and redaction. */
#include "config.h"
#include "corpora-tools/cleaning/pp_pii.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

/* The text of the only span of type t in s, or "" if there is none; fails
 * when there are several spans. */
static char *only(const char *s, unsigned mask)
{
    static char buf[512];
    pp_pii_span *sp;
    size_t n;
    pp_error err;
    ck_assert_int_eq(pp_pii_find(s, strlen(s), mask, &sp, &n, &err), PP_OK);
    buf[0] = '\0';
    ck_assert_msg(n <= 1, "%zu spans in '%s'", n, s);
    if (n == 1) {
        size_t len = sp[0].end - sp[0].start;
        memcpy(buf, s + sp[0].start, len);
        buf[len] = '\0';
    }
    free(sp);
    return buf;
}

static size_t count(const char *s, unsigned mask)
{
    pp_pii_span *sp;
    size_t n;
    pp_error err;
    ck_assert_int_eq(pp_pii_find(s, strlen(s), mask, &sp, &n, &err), PP_OK);
    free(sp);
    return n;
}

START_TEST(test_luhn_card)
{
    ck_assert(pp_luhn_valid("79927398713", 11));
    ck_assert(!pp_luhn_valid("79927398710", 11));
    ck_assert(!pp_luhn_valid("7992a398713", 11));
    ck_assert(pp_card_valid("4111111111111111", 16));     /* Visa */
    ck_assert(pp_card_valid("5555555555554444", 16));     /* Mastercard */
    ck_assert(pp_card_valid("2223003122003222", 16));     /* Mastercard 2-series */
    ck_assert(pp_card_valid("378282246310005", 15));      /* Amex */
    ck_assert(pp_card_valid("6011111111111117", 16));     /* Discover */
    ck_assert(pp_card_valid("3530111333300000", 16));     /* JCB */
    ck_assert(!pp_card_valid("4111111111111112", 16));    /* Luhn fails */
    ck_assert(!pp_card_valid("378282246310005", 14));     /* truncated */
    ck_assert(!pp_card_valid("1234567812345670", 16));    /* Luhn ok, no issuer */
    ck_assert(!pp_card_valid("37828224631000", 14));      /* Amex must be 15 */
}
END_TEST

START_TEST(test_iban)
{
    ck_assert(pp_iban_valid("DE89370400440532013000", 22));
    ck_assert(pp_iban_valid("GB82 WEST 1234 5698 7654 32", 27));
    ck_assert(pp_iban_valid("FR1420041010050500013M02606", 27));
    ck_assert(pp_iban_valid("NO9386011117947", 15));
    ck_assert(!pp_iban_valid("DE89370400440532013001", 22)); /* mod 97 */
    ck_assert(!pp_iban_valid("DE8937040044053201300", 21));  /* length */
    ck_assert(!pp_iban_valid("ZZ89370400440532013000", 22)); /* country */
    ck_assert_str_eq(only("Pay to DE89 3704 0044 0532 0130 00 today.", PP_PII_ALL),
                     "DE89 3704 0044 0532 0130 00");
    ck_assert_str_eq(only("IBAN:GB82WEST12345698765432.", PP_PII_ALL), "GB82WEST12345698765432");
    ck_assert_str_eq(only("DE89 3704 0044 0532 0130 01", PP_PII_IBAN), "");
}
END_TEST

START_TEST(test_digit_systems)
{
    ck_assert_int_eq(pp_pii_digit_value('7'), 7);
    ck_assert_int_eq(pp_pii_digit_value(0x0667), 7); /* Arabic-Indic */
    ck_assert_int_eq(pp_pii_digit_value(0x06F7), 7); /* Extended Arabic-Indic */
    ck_assert_int_eq(pp_pii_digit_value(0x096D), 7); /* Devanagari */
    ck_assert_int_eq(pp_pii_digit_value(0x09ED), 7); /* Bengali */
    ck_assert_int_eq(pp_pii_digit_value(0x0E57), 7); /* Thai */
    ck_assert_int_eq(pp_pii_digit_value(0xFF17), 7); /* fullwidth */
    ck_assert_int_eq(pp_pii_digit_value(0x1369), -1); /* Ethiopic digits are not decimal */
    ck_assert_int_eq(pp_pii_digit_value('x'), -1);
    /* the same phone in seven digit systems */
    ck_assert_str_eq(only("call +234 803 123 4567 now", PP_PII_PHONE), "+234 803 123 4567");
    ck_assert_str_eq(only("اتصل على +٢٠ ١٠ ١٢٣٤ ٥٦٧٨ الآن", PP_PII_PHONE), "+٢٠ ١٠ ١٢٣٤ ٥٦٧٨");
    ck_assert_str_eq(only("شماره +۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹ است", PP_PII_PHONE), "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹");
    ck_assert_str_eq(only("फ़ोन +९१ ९८७६५ ४३२१० पर", PP_PII_PHONE), "+९१ ९८७६५ ४३२१०");
    ck_assert_str_eq(only("ফোন +৮৮০ ১৭১১ ১২৩৪৫৬ এ", PP_PII_PHONE), "+৮৮০ ১৭১১ ১২৩৪৫৬");
    ck_assert_str_eq(only("โทร+๖๖ ๘๑ ๒๓๔ ๕๖๗๘ค่ะ", PP_PII_PHONE), "+๖๖ ๘๑ ๒๓๔ ๕๖๗๘");
    ck_assert_str_eq(only("電話＋８１ ９０-１２３４-５６７８まで", PP_PII_PHONE), "＋８１ ９０-１２３４-５６７８");
    /* mixed digit systems are not one number */
    ck_assert_str_eq(only("+٢٠ 10 1234 5678", PP_PII_PHONE), "");
}
END_TEST

START_TEST(test_phone_formats)
{
    ck_assert_str_eq(only("Tel: (011) 2345-6789.", PP_PII_PHONE), "(011) 2345-6789");
    ck_assert_str_eq(only("ring 020 7946 0958 today", PP_PII_PHONE), "020 7946 0958");
    ck_assert_str_eq(only("appelez le 01 23 45 67 89", PP_PII_PHONE), "01 23 45 67 89");
    ck_assert_str_eq(only("call 555-123-4567", PP_PII_PHONE), "555-123-4567");
    ck_assert_str_eq(only("+1-202-555-0143", PP_PII_PHONE), "+1-202-555-0143");
    ck_assert_str_eq(only("0044 20 7946 0958", PP_PII_PHONE), "0044 20 7946 0958");
    ck_assert_str_eq(only("pigia 08031234567 sasa", PP_PII_PHONE), "08031234567");
    ck_assert_str_eq(only("+2348031234567", PP_PII_PHONE), "+2348031234567");
    ck_assert_str_eq(only("simu 088 53396 leo", PP_PII_PHONE), "088 53396");
}
END_TEST

/* Numbers that are not phone numbers must stay untouched. */
START_TEST(test_false_positives)
{
    static const char *clean[] = {
        "On 2024-01-15 at 10:30:45 the court met.",
        "Dated 15/01/2024 and 15.01.2024 and 01-15-2024.",
        "For God so loved the world (John 3:16).",
        "Read Matthew 5:3-12 and Genesis 1:1-2:3 and Psalm 119:105.",
        "The war lasted from 1939-1945; the declaration came in 1948.",
        "Years 1948 1949 1950 and 1966.",
        "It costs $1,234.56 or 1.234.567,89 EUR or ₦ 25 000 000.",
        "A population of 12 500 000 people and 1 000 000 000 stars.",
        "ISBN 978-3-16-148410-0 and ISSN 0378-5955.",
        "Article 25, paragraph 1, of resolution 217 A (III) of 10 December 1948.",
        "Version 1.2.3 of the tool; section 4.1.2.",
        "The number 3.14159265358979 is pi.",
        "Chapter 12345 verse 678901.",
        "٢٥ ديسمبر ١٩٤٨ و ١٠/١٢/١٩٤٨",
        "Order A123-456-7890 shipped.",
        "Kilometre 12.345.678 of the road.",
        "We met at 12:30 on 3/4.",
        "The ratio was 1:2:3:4.",
        "Call the ambulance at 112 or 911.",
        "phone number 12345678",
        "na tu ondoo miliyun (200.000.000) suudati",
        "N [10 16 27500] Estague, na guajo",
        "in the year 10 16 27500 of the count",
        "on 01.02.2024 and 09-12-1948 and 0202-12-31",
    };
    for (size_t i = 0; i < sizeof clean / sizeof clean[0]; i++)
        ck_assert_msg(count(clean[i], PP_PII_ALL) == 0, "false positive in '%s': '%s'", clean[i],
                      only(clean[i], PP_PII_ALL));
}
END_TEST

START_TEST(test_emails)
{
    ck_assert_str_eq(only("Write to amina.bello@example.com.", PP_PII_ALL),
                     "amina.bello@example.com");
    ck_assert_str_eq(only("(x+tag@mail.example.org)", PP_PII_ALL), "x+tag@mail.example.org");
    /* internationalized domains and local parts */
    ck_assert_str_eq(only("Пишите на почта@пример.рф сегодня", PP_PII_ALL), "почта@пример.рф");
    ck_assert_str_eq(only("or info@münchen.de", PP_PII_ALL), "info@münchen.de");
    ck_assert_str_eq(only("ईमेल अजय@उदाहरण.भारत पर", PP_PII_ALL), "अजय@उदाहरण.भारत");
    ck_assert_str_eq(only("γράψτε στο δοκιμή@παράδειγμα.δοκιμή", PP_PII_ALL),
                     "δοκιμή@παράδειγμα.δοκιμή");
    /* glued to text written without spaces */
    ck_assert_str_eq(only("请发邮件到zhang.wei@example.cn联系我们", PP_PII_ALL),
                     "zhang.wei@example.cn");
    ck_assert_str_eq(only("ติดต่อsomchai@example.co.thขอบคุณ", PP_PII_ALL),
                     "somchai@example.co.th");
    ck_assert_str_eq(only("メールはtanaka@example.jpまでお願いします", PP_PII_ALL),
                     "tanaka@example.jp");
    ck_assert_str_eq(only("邮箱：用户@例子.广告", PP_PII_ALL), "用户@例子.广告");
    /* not addresses */
    ck_assert_str_eq(only("a @ b", PP_PII_ALL), "");
    ck_assert_str_eq(only("user@localhost", PP_PII_ALL), "");
    ck_assert_str_eq(only("twitter @handle and x@y.z", PP_PII_ALL), "");
    ck_assert_str_eq(only("bad@-example.com", PP_PII_ALL), "");
}
END_TEST

START_TEST(test_ip)
{
    ck_assert_str_eq(only("server 192.168.1.20.", PP_PII_ALL), "192.168.1.20");
    ck_assert_str_eq(only("dns 8.8.8.8 ok", PP_PII_ALL), "8.8.8.8");
    ck_assert_str_eq(only("v6 2001:db8::1 ok", PP_PII_ALL), "2001:db8::1");
    ck_assert_str_eq(only("fe80::1ff:fe23:4567:890a", PP_PII_ALL), "fe80::1ff:fe23:4567:890a");
    ck_assert_str_eq(only("999.1.1.1", PP_PII_ALL), "");
    ck_assert_str_eq(only("1.2.3.4.5", PP_PII_ALL), "");
    ck_assert_str_eq(only("010.1.1.1", PP_PII_ALL), "");
    ck_assert_str_eq(only("12:30:45", PP_PII_ALL), "");
}
END_TEST

START_TEST(test_cards_and_types)
{
    ck_assert_str_eq(only("card 4111 1111 1111 1111 exp", PP_PII_ALL), "4111 1111 1111 1111");
    ck_assert_str_eq(only("amex 3782-822463-10005.", PP_PII_ALL), "3782-822463-10005");
    ck_assert_str_eq(only("4111 1111 1111 1112", PP_PII_CARD), "");
    /* only the requested types */
    const char *t = "mail a@example.com or +234 803 123 4567";
    ck_assert_uint_eq(count(t, PP_PII_ALL), 2);
    ck_assert_str_eq(only(t, PP_PII_PHONE), "+234 803 123 4567");
    unsigned m;
    pp_error err;
    ck_assert_int_eq(pp_pii_parse_types("email,card", &m, &err), PP_OK);
    ck_assert_uint_eq(m, PP_PII_EMAIL | PP_PII_CARD);
    ck_assert_int_eq(pp_pii_parse_types("email,ssn", &m, &err), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "ssn"));
    ck_assert_int_eq(pp_pii_parse_types("", &m, &err), PP_ERR_INVALID);
}
END_TEST

START_TEST(test_redact_offsets)
{
    const char *t = "é a@example.com é +234 803 123 4567";
    pp_pii_span *sp;
    size_t n;
    pp_error err;
    ck_assert_int_eq(pp_pii_find(t, strlen(t), PP_PII_ALL, &sp, &n, &err), PP_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(sp[0].type, PP_PII_EMAIL);
    ck_assert_uint_eq(sp[0].cstart, 2);  /* code points */
    ck_assert_uint_eq(sp[0].start, 3);   /* bytes */
    ck_assert_uint_eq(sp[0].cend, 15);
    char *out;
    size_t olen;
    ck_assert_int_eq(pp_pii_redact(t, strlen(t), sp, n, &out, &olen, &err), PP_OK);
    ck_assert_str_eq(out, "é <EMAIL> é <PHONE>");
    ck_assert_uint_eq(olen, strlen(out));
    free(out);
    free(sp);
    /* invalid UTF-8 is refused */
    ck_assert_int_eq(pp_pii_find("a\xff", 2, PP_PII_ALL, &sp, &n, &err), PP_ERR_ENCODING);
    ck_assert_str_eq(pp_pii_type_tag(PP_PII_IBAN), "<IBAN>");
    ck_assert_str_eq(pp_pii_type_name(PP_PII_CARD), "card");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pii");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_luhn_card);
    tcase_add_test(tc, test_iban);
    tcase_add_test(tc, test_digit_systems);
    tcase_add_test(tc, test_phone_formats);
    tcase_add_test(tc, test_false_positives);
    tcase_add_test(tc, test_emails);
    tcase_add_test(tc, test_ip);
    tcase_add_test(tc, test_cards_and_types);
    tcase_add_test(tc, test_redact_offsets);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(suite()); }
