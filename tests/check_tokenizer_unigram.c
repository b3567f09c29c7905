/* check_tokenizer_unigram.c — the C SentencePiece unigram encoder
 * (pp_tokenizer_encode_ids) against the library (pp_spm_encode_ids) on model
 * protos written here, each with what a fuzzed or unusual model may hold: a
 * piece type outside the enum, repeated type fields, a NUL byte inside a
 * piece, control characters in pieces, a user symbol that ends inside a
 * character, a hand-made normalization map whose
 * rules replace a byte by another, by nothing and by white space; and the
 * models the shim refuses because the library would read outside them. */
#include "config.h"

#include "src/pp_record.h"
#include "tokenizers/pp_spm.h"
#include "tokenizers/pp_tokenizer.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"

static char tmpdir[256];

static void setup(void)
{
    tu_tmpdir(tmpdir, sizeof tmpdir);
}

static void teardown(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ------------------------------------------------ protobuf, written by hand */

typedef struct pbuf {
    unsigned char p[8192];
    size_t n;
} pbuf;

static void put(pbuf *b, const void *s, size_t n)
{
    ck_assert_uint_le(b->n + n, sizeof b->p);
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void varint(pbuf *b, uint64_t v)
{
    do {
        unsigned char c = (unsigned char)(v & 0x7F);
        v >>= 7;
        if (v)
            c |= 0x80;
        put(b, &c, 1);
    } while (v);
}

static void field_varint(pbuf *b, int num, uint64_t v)
{
    varint(b, (uint64_t)num << 3);
    varint(b, v);
}

static void field_bytes(pbuf *b, int num, const void *s, size_t n)
{
    varint(b, (uint64_t)num << 3 | 2);
    varint(b, n);
    put(b, s, n);
}

/* A SentencePiece message: piece (n bytes), score, then each type field
 * given (0 ends the list; none: the proto's default, NORMAL). */
static void piece(pbuf *m, const char *s, size_t n, float score, int type1, int type2)
{
    pbuf p = {.n = 0};
    field_bytes(&p, 1, s, n);
    uint32_t bits;
    memcpy(&bits, &score, 4);
    varint(&p, 2 << 3 | 5);
    unsigned char le[4] = {bits & 0xFF, bits >> 8 & 0xFF, bits >> 16 & 0xFF, bits >> 24};
    put(&p, le, 4);
    if (type1)
        field_varint(&p, 3, (uint64_t)type1);
    if (type2)
        field_varint(&p, 3, (uint64_t)type2);
    field_bytes(m, 1, p.p, p.n);
}

/* The model's trainer spec (unigram) and normalizer spec, then the file. */
static const char *finish(pbuf *m, const char *name, const void *charsmap, size_t charsmap_len,
                          int remove_extra_ws)
{
    pbuf t = {.n = 0}, ns = {.n = 0};
    field_varint(&t, 3, 1); /* model_type UNIGRAM */
    field_bytes(m, 2, t.p, t.n);
    field_bytes(&ns, 1, "custom", 6);
    if (charsmap)
        field_bytes(&ns, 2, charsmap, charsmap_len);
    field_varint(&ns, 4, (uint64_t)remove_extra_ws);
    field_bytes(m, 3, ns.p, ns.n);
    static char path[512];
    snprintf(path, sizeof path, "%s/%s.model", tmpdir, name);
    tu_write_file(path, m->p, m->n);
    return path;
}

/* ---------------------------------------------------------- the comparison */

/* The ids of every text, and of 2000 random strings of the atoms, are the
 * library's. */
static void same_ids(const char *path, const char *const *atoms, size_t na)
{
    pp_error err;
    pp_tokenizer *t = NULL;
    pp_spm *spm = NULL;
    ck_assert_msg(pp_tokenizer_load(path, PP_TOK_SPM, NULL, &t, &err) == PP_OK, "%s", err.message);
    ck_assert_msg(pp_spm_load(path, &spm, &err) == PP_OK, "%s", err.message);
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    char text[2048]; /* up to 16 atoms: the longest is 69 bytes */
    for (int round = 0; round < 2000 + (int)na; round++) {
        size_t len = 0;
        if (round < (int)na) { /* each atom alone first */
            len = strlen(atoms[round]);
            ck_assert_uint_le(len, sizeof text);
            memcpy(text, atoms[round], len);
        } else {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            int k = (int)(seed >> 60) + 1;
            for (int j = 0; j < k; j++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                const char *a = atoms[(seed >> 33) % na];
                ck_assert_uint_le(len + strlen(a), sizeof text);
                memcpy(text + len, a, strlen(a));
                len += strlen(a);
            }
        }
        int32_t *mine = NULL;
        int *lib = NULL;
        size_t nm = 0, nl = 0;
        ck_assert_int_eq(pp_tokenizer_encode_ids(t, text, len, &mine, &nm, &err), PP_OK);
        ck_assert_int_eq(pp_spm_encode_ids(spm, text, len, &lib, &nl, &err), PP_OK);
        ck_assert_msg(nm == nl, "%s: '%.*s': %zu ids, library %zu", path, (int)len, text, nm, nl);
        for (size_t i = 0; i < nm; i++)
            ck_assert_msg(mine[i] == lib[i], "%s: '%.*s': id %zu is %d, library %d", path,
                          (int)len, text, i, mine[i], lib[i]);
        free(mine);
        free(lib);
    }
    pp_spm_free(spm);
    pp_tokenizer_free(t);
}

static const char *const atoms[] = {"a", "b", "c", "ab", "ba", " ", "  ", "\t", "\n", "\x01",
                                    "\x7f", "x", "q", "Q", "z", "\xe2\x96\x81", "\xc3\xa9", "."};
#define NATOMS (sizeof atoms / sizeof *atoms)

/* A type outside the enum (10) is an unknown field to protobuf: the piece
 * stays NORMAL in the library and is matched as one; a repeated type keeps
 * the last valid value. The shim reports the types the library uses. */
START_TEST(type_outside_the_enum)
{
    pbuf m = {.n = 0};
    piece(&m, "<unk>", 5, 0, 2, 0);
    piece(&m, "a", 1, -1, 10, 0);        /* NORMAL to the library */
    piece(&m, "\xe2\x96\x81" "a", 4, -1.5f, 0, 0);
    piece(&m, "b", 1, -2, 4, 10);        /* USER_DEFINED */
    piece(&m, "ab", 2, -1, 10, 5);       /* UNUSED */
    piece(&m, "c", 1, -3, 1, 3);         /* CONTROL: not matched */
    piece(&m, "\xe2\x96\x81", 3, -2, 0, 0);
    piece(&m, "x", 1, -2.5f, 99, 0);
    const char *path = finish(&m, "types", NULL, 0, 1);
    same_ids(path, atoms, NATOMS);
    pp_spm *spm = NULL;
    ck_assert_int_eq(pp_spm_load(path, &spm, NULL), PP_OK);
    int types[8];
    ck_assert_int_eq(pp_spm_vocab_size(spm), 8);
    ck_assert_int_eq(pp_spm_piece_types(spm, types, NULL), PP_OK);
    const int want[8] = {PP_SPM_UNKNOWN, PP_SPM_NORMAL,  PP_SPM_NORMAL, PP_SPM_USER_DEFINED,
                         PP_SPM_UNUSED,  PP_SPM_CONTROL, PP_SPM_NORMAL, PP_SPM_NORMAL};
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(types[i], want[i]);
    /* "a" is a piece of its own to the library */
    int *ids = NULL;
    size_t n = 0;
    ck_assert_int_eq(pp_spm_encode_ids(spm, "xa", 2, &ids, &n, NULL), PP_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(ids[2], 1);
    free(ids);
    pp_spm_free(spm);
}
END_TEST

/* The library's trie takes pieces as C strings: "\n\0x" is matched as "\n"
 * (such models stay on the library, whose ids these are). */
START_TEST(nul_inside_a_piece)
{
    pbuf m = {.n = 0};
    piece(&m, "<unk>", 5, 0, 2, 0);
    piece(&m, "\n\0x", 3, -1, 0, 0);
    piece(&m, "a\0", 2, -1, 4, 0);
    piece(&m, "a", 1, -4, 0, 0);
    piece(&m, "\xe2\x96\x81", 3, -2, 0, 0);
    piece(&m, "b", 1, -2, 0, 0);
    const char *path = finish(&m, "nul", NULL, 0, 0);
    same_ids(path, atoms, NATOMS);
}
END_TEST

/* Control characters are ordinary bytes to the trie and the normalizer. */
START_TEST(control_characters_in_pieces)
{
    pbuf m = {.n = 0};
    piece(&m, "<unk>", 5, 0, 2, 0);
    piece(&m, "\n", 1, -1, 0, 0);
    piece(&m, "\x01", 1, -1, 0, 0);
    piece(&m, "\t\x7f", 2, -0.5f, 0, 0);
    piece(&m, "\x7f", 1, -3, 4, 0);
    piece(&m, "\xe2\x96\x81\n", 4, -1, 0, 0);
    piece(&m, "\xe2\x96\x81", 3, -2, 0, 0);
    piece(&m, "a", 1, -2, 0, 0);
    piece(&m, "ab", 2, -2, 0, 0);
    for (int ws = 0; ws < 2; ws++)
        same_ids(finish(&m, ws ? "ctl-ws" : "ctl", NULL, 0, ws), atoms, NATOMS);
}
END_TEST

/* A user symbol that ends inside a character ("ọ" cut after two bytes, as
 * fuzzing found) leaves the character's last byte malformed: the library's
 * normalizer writes U+FFFD for it. */
START_TEST(symbol_ending_inside_a_character)
{
    pbuf m = {.n = 0};
    piece(&m, "<unk>", 5, 0, 2, 0);
    piece(&m, "\xe1\xbb", 2, 0, 4, 0);
    piece(&m, "\xe2\x96\x81", 3, -2, 0, 0);
    piece(&m, "\xe2\x96\x81" "gb\xe1\xbb\x8d", 8, -1, 0, 0);
    piece(&m, "\xe1\xbb\x8d", 3, -1, 0, 0);
    piece(&m, "\xef\xbf\xbd", 3, -1, 0, 0);
    piece(&m, "g", 1, -2, 0, 0);
    piece(&m, "b", 1, -2, 0, 0);
    static const char *const cut[] = {"gb\xe1\xbb\x8d", "\xe1\xbb\x8d", " ", "g", "b",
                                      "\xe1\xbb\x8c", "\xef\xbf\xbd"};
    for (int ws = 0; ws < 2; ws++)
        same_ids(finish(&m, ws ? "cut-ws" : "cut", NULL, 0, ws), cut, 7);
}
END_TEST

/* A normalization map made here: a Darts double array of 256 units whose
 * root (offset 1) has a child per rule byte b at unit 1^b (label b, a leaf,
 * offset 256), then `nstr` bytes of replacement strings starting with
 * `strings`. The leaf of b, unit 256 + (1^b), lies past the array, in the
 * strings (when nstr reaches it): the library walks the map in place without
 * bounds and reads it there. Returns the map's length. */
typedef struct rule {
    unsigned char byte;
    uint32_t value;
} rule;

static size_t make_map(unsigned char *map, size_t nstr, const rule *rules, size_t nr,
                       const char *strings, size_t slen)
{
    enum { NUNITS = 256 };
    uint32_t units[2 * NUNITS] = {0};
    units[0] = 1u << 10; /* the root: offset 1 */
    for (size_t i = 0; i < nr; i++) {
        uint32_t node = 1u ^ rules[i].byte;
        units[node] = rules[i].byte | 1u << 8 | 256u << 10;
        units[node ^ 256u] = 1u << 31 | rules[i].value;
    }
    uint32_t tsize = NUNITS * 4;
    size_t len = 0;
    for (int k = 0; k < 4; k++)
        map[len++] = (unsigned char)(tsize >> (8 * k));
    for (size_t i = 0; i < NUNITS + nstr / 4; i++)
        for (int k = 0; k < 4; k++)
            map[len++] = (unsigned char)(units[i] >> (8 * k));
    memcpy(map + 4 + tsize, strings, slen); /* where no leaf is: they are at 4 × (1^b) ≥ 320 */
    return 4 + tsize + nstr;
}

/* Rules: a -> "b", q -> " ", Q -> "  x ", z -> "" (the offset of the
 * strings' end), x -> U+2581, the first byte of "é" -> "b" (its second byte
 * is left malformed: U+FFFD); "ab" is a user symbol, which the normalizer
 * leaves alone, and so is "c", without a rule. Every walk stays inside the
 * map, and the C encoder reads the leaves where the library does. */
START_TEST(hand_made_normalization_map)
{
    static const char strings[] = "b\0 \0  x \0\xe2\x96\x81";
    const rule rules[] = {{'a', 0}, {'q', 2}, {'Q', 4}, {'z', 1024}, {'x', 9}, {0xC3, 0}};
    unsigned char map[4 + 2048];
    size_t len = make_map(map, 1024, rules, sizeof rules / sizeof *rules, strings, sizeof strings);
    pbuf m = {.n = 0};
    piece(&m, "<unk>", 5, 0, 2, 0);
    piece(&m, "\xe2\x96\x81", 3, -2, 0, 0);
    piece(&m, "b", 1, -1, 0, 0);
    piece(&m, "\xe2\x96\x81" "b", 4, -1, 0, 0);
    piece(&m, "x", 1, -1, 0, 0);
    piece(&m, "c", 1, -1, 4, 0); /* a user symbol */
    piece(&m, "ab", 2, -1, 4, 0); /* a user symbol: left as it is, not "bb" */
    /* other bytes are rules of no one and stay */
    static const char *const ascii[] = {"a", "b", "c", "q", "Q", "z", "x", " ", "  ", "ab", "zz",
                                        "\xc3\xa9"};
    for (int ws = 0; ws < 2; ws++)
        same_ids(finish(&m, ws ? "map-ws" : "map", map, len, ws), ascii,
                 sizeof ascii / sizeof *ascii);
}
END_TEST

static void refused(const char *path)
{
    pp_spm *spm = NULL;
    pp_tokenizer *t = NULL;
    pp_error err;
    ck_assert_int_eq(pp_spm_load(path, &spm, &err), PP_ERR_MODEL);
    ck_assert_ptr_null(spm);
    ck_assert_int_eq(pp_tokenizer_load(path, PP_TOK_SPM, NULL, &t, &err), PP_ERR_MODEL);
    ck_assert_ptr_null(t);
}

/* Models that make the library read outside their memory are refused at
 * load (fuzzing found maps that crashed it): a map whose walk leaves it, a
 * rule's offset past the strings, a user symbol with more than 64 symbols as
 * prefixes. The same models within the limits load and encode. */
START_TEST(models_the_library_would_read_outside_of)
{
    const rule ok[] = {{'a', 0}};
    unsigned char map[4 + 2048];
    pbuf base = {.n = 0};
    piece(&base, "<unk>", 5, 0, 2, 0);
    piece(&base, "\xe2\x96\x81", 3, -2, 0, 0);
    piece(&base, "b", 1, -1, 0, 0);
    pbuf m = base;
    /* the leaves past the end of the map */
    refused(finish(&m, "short", map, make_map(map, 16, ok, 1, "b", 2), 1));
    /* an offset past the strings (1024 bytes of them) */
    const rule far[] = {{'a', 1025}};
    m = base;
    refused(finish(&m, "far", map, make_map(map, 1024, far, 1, "b", 2), 1));
    m = base;
    const char *path = finish(&m, "near", map, make_map(map, 1024, ok, 1, "b", 2), 1);
    static const char *const ab[] = {"a", "b", " "};
    same_ids(path, ab, 3);
    /* "a", "aa", ... as user symbols: 64 load, 65 do not */
    char sym[80];
    for (int n = 64; n <= 65; n++) {
        m = base;
        for (int k = 1; k <= n; k++) {
            memset(sym, 'a', (size_t)k);
            piece(&m, sym, (size_t)k, 0, 4, 0);
        }
        path = finish(&m, n == 64 ? "sym64" : "sym65", NULL, 0, 1);
        if (n == 65) {
            refused(path);
        } else {
            char many[70];
            memset(many, 'a', sizeof many - 1);
            many[sizeof many - 1] = '\0';
            const char *as[] = {"a", many, "b", " "};
            same_ids(path, as, 4);
        }
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tokenizer_unigram");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, type_outside_the_enum);
    tcase_add_test(tc, nul_inside_a_piece);
    tcase_add_test(tc, control_characters_in_pieces);
    tcase_add_test(tc, symbol_ending_inside_a_character);
    tcase_add_test(tc, hand_made_normalization_map);
    tcase_add_test(tc, models_the_library_would_read_outside_of);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tu_run(suite());
}
