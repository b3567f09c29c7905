/* check_dedup.c — normalization, MinHash estimates, LSH, clusters and the
 * signature file format. */
#include "config.h"
#include "corpora-tools/cleaning/pp_dedup.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pp_dedup_params P;

static void setup(void)
{
    pp_dedup_params_default(&P);
}

typedef struct {
    uint8_t exact[16];
    uint32_t mh[PP_DEDUP_MAX_PERM];
    uint64_t bands[PP_DEDUP_MAX_PERM];
    size_t nsh;
} sig;

static void sign(const pp_dedup_params *p, const char *t, sig *s)
{
    pp_error err;
    ck_assert_int_eq(pp_dedup_signature(p, t, strlen(t), s->exact, s->mh, s->bands, &s->nsh, &err),
                     PP_OK);
}

START_TEST(test_normalize)
{
    char *out;
    size_t n;
    pp_error err;
    /* casefold, NFKC (fullwidth, ligature), white space collapse and trim */
    const char *in = "  ＨＥＬＬＯ\t\n ﬁne  Straße ";
    ck_assert_int_eq(pp_dedup_normalize(in, strlen(in), &out, &n, &err), PP_OK);
    ck_assert_str_eq(out, "hello fine strasse");
    ck_assert_uint_eq(n, strlen(out));
    free(out);
    /* composed and decomposed forms agree */
    sig a, b;
    sign(&P, "Café au lait", &a);
    sign(&P, "Cafe\xcc\x81  AU lait", &b);
    ck_assert_mem_eq(a.exact, b.exact, 16);
    sign(&P, "Cafe au lait", &b);
    ck_assert(memcmp(a.exact, b.exact, 16) != 0);
}
END_TEST

START_TEST(test_shingle_parse)
{
    pp_error err;
    ck_assert_int_eq(pp_dedup_parse_shingle("word:5", &P, &err), PP_OK);
    ck_assert_int_eq(P.shingle, PP_SHINGLE_WORD);
    ck_assert_int_eq(P.word_n, 5);
    ck_assert_int_eq(pp_dedup_parse_shingle("char:4", &P, &err), PP_OK);
    ck_assert_int_eq(P.char_n, 4);
    ck_assert_int_eq(pp_dedup_parse_shingle("auto", &P, &err), PP_OK);
    ck_assert_int_eq(P.shingle, PP_SHINGLE_AUTO);
    ck_assert_int_eq(pp_dedup_parse_shingle("word:0", &P, &err), PP_ERR_INVALID);
    ck_assert_int_eq(pp_dedup_parse_shingle("word:x", &P, &err), PP_ERR_INVALID);
    ck_assert_int_eq(pp_dedup_parse_shingle("byte:3", &P, &err), PP_ERR_INVALID);
    ck_assert_int_eq(pp_dedup_parse_shingle(NULL, &P, &err), PP_ERR_INVALID);
    P.bands = 0;
    ck_assert_int_eq(pp_dedup_params_check(&P, &err), PP_ERR_INVALID);
    P.bands = 100;
    P.rows = 100;
    ck_assert_int_eq(pp_dedup_params_check(&P, &err), PP_ERR_INVALID);
}
END_TEST

START_TEST(test_lsh_curve)
{
    ck_assert_double_eq_tol(pp_dedup_lsh_threshold(25, 4), pow(1.0 / 25, 0.25), 1e-12);
    ck_assert_double_eq_tol(pp_dedup_lsh_threshold(20, 5), 0.549, 1e-3);
    /* the S-curve: probability rises with similarity, near 1/2 at the threshold */
    double t = pp_dedup_lsh_threshold(25, 4);
    double pt = pp_dedup_lsh_probability(t, 25, 4);
    ck_assert(pt > 0.5 && pt < 0.7);
    ck_assert(pp_dedup_lsh_probability(0.2, 25, 4) < 0.05);
    ck_assert(pp_dedup_lsh_probability(0.8, 25, 4) > 0.999);
}
END_TEST

/* Two synthetic documents over distinct tokens with a known shingle Jaccard. */
START_TEST(test_minhash_estimate)
{
    pp_dedup_params p = P;
    pp_dedup_parse_shingle("word:1", &p, NULL);
    p.bands = 64;
    p.rows = 4; /* 256 permutations */
    char *a = malloc(20000), *b = malloc(20000);
    size_t la = 0, lb = 0;
    /* tokens 0..299 in a, 100..399 in b: Jaccard 200/400 = 0.5 */
    for (int i = 0; i < 300; i++)
        la += (size_t)sprintf(a + la, "w%d ", i);
    for (int i = 100; i < 400; i++)
        lb += (size_t)sprintf(b + lb, "w%d ", i);
    sig sa, sb;
    sign(&p, a, &sa);
    sign(&p, b, &sb);
    ck_assert_uint_eq(sa.nsh, 300);
    double j = pp_dedup_jaccard(sa.mh, sb.mh, 256);
    ck_assert_msg(fabs(j - 0.5) < 0.1, "estimated %f for 0.5", j);
    /* identical token sets: estimate 1 and equal band hashes */
    sign(&p, a, &sb);
    ck_assert_double_eq(pp_dedup_jaccard(sa.mh, sb.mh, 256), 1.0);
    ck_assert_mem_eq(sa.bands, sb.bands, sizeof(uint64_t) * 64);
    /* a different seed gives other values */
    p.seed = 99;
    sign(&p, a, &sb);
    ck_assert(pp_dedup_jaccard(sa.mh, sb.mh, 256) < 0.1);
    free(a);
    free(b);
}
END_TEST

START_TEST(test_auto_shingles)
{
    /* Thai without spaces gets char shingles: a one-word edit keeps most of them */
    pp_dedup_params p = P;
    sig a, b, w;
    sign(&p, "ทุกคนมีสิทธิในการมีชีวิตเสรีภาพและความมั่นคงแห่งบุคคล", &a);
    ck_assert_uint_gt(a.nsh, 20);
    sign(&p, "ทุกคนมีสิทธิในการมีชีวิตเสรีภาพและความมั่นคงแห่งบุคคลนะ", &b);
    ck_assert(pp_dedup_jaccard(a.mh, b.mh, p.bands * p.rows) > 0.7);
    /* forced word shingles see one "word" only */
    pp_dedup_parse_shingle("word:3", &p, NULL);
    sign(&p, "ทุกคนมีสิทธิในการมีชีวิตเสรีภาพและความมั่นคงแห่งบุคคล", &w);
    ck_assert_uint_eq(w.nsh, 1);
    /* punctuation-only text has no shingle */
    sign(&P, "... !!! ???", &w);
    ck_assert_uint_eq(w.nsh, 0);
}
END_TEST

static uint32_t add(pp_dedup_index *ix, uint32_t shard, const char *id, const char *text)
{
    sig s;
    uint32_t d;
    pp_error err;
    sign(&P, text, &s);
    ck_assert_int_eq(pp_dedup_index_add(ix, shard, 1, id, "en", s.exact, s.mh, s.bands, s.nsh, &d,
                                        &err),
                     PP_OK);
    return d;
}

static const char *BASE =
    "all human beings are born free and equal in dignity and rights they are endowed with "
    "reason and conscience and should act towards one another in a spirit of brotherhood";

START_TEST(test_index_clusters)
{
    pp_dedup_index *ix;
    pp_error err;
    ck_assert_int_eq(pp_dedup_index_new(&P, &ix, &err), PP_OK);
    uint32_t sh;
    ck_assert_int_eq(pp_dedup_index_shard(ix, "s", &sh, &err), PP_OK);
    uint32_t a = add(ix, sh, "a", BASE);
    uint32_t b = add(ix, sh, "b", "Everyone has the right to an effective remedy by the competent "
                                  "national tribunals for acts violating the fundamental rights");
    uint32_t c = add(ix, sh, "c", "ALL human beings are born free and equal in dignity and rights. "
                                  "They are endowed with reason and conscience and should act "
                                  "towards one another in a spirit of brotherhood.");
    uint32_t d = add(ix, sh, "d", "all human beings are born free and equal in dignity and rights "
                                  "they are endowed with reason and conscience and should act "
                                  "towards one another in a spirit of sisterhood");
    uint32_t e = add(ix, sh, "e", BASE);
    ck_assert_uint_eq(pp_dedup_index_count(ix), 5);
    ck_assert_uint_eq(pp_dedup_index_kept(ix, a), a);
    ck_assert_uint_eq(pp_dedup_index_kept(ix, b), b);
    /* c differs only by case and punctuation: a near duplicate (punctuation
     * changes the exact hash but not the shingles) */
    ck_assert_uint_eq(pp_dedup_index_kept(ix, c), a);
    ck_assert_int_eq(pp_dedup_index_kind(ix, c), PP_DUP_NEAR);
    ck_assert_uint_eq(pp_dedup_index_kept(ix, d), a);
    ck_assert_uint_eq(pp_dedup_index_kept(ix, e), a);
    ck_assert_int_eq(pp_dedup_index_kind(ix, e), PP_DUP_EXACT);
    ck_assert_int_eq(pp_dedup_index_kind(ix, a), PP_DUP_NONE);
    ck_assert_str_eq(pp_dedup_index_id(ix, d), "d");
    ck_assert_str_eq(pp_dedup_index_lang(ix, d), "en");
    ck_assert_uint_gt(pp_dedup_index_bytes(ix), 0);
    pp_dedup_index_free(ix);
    pp_dedup_index_free(NULL);
}
END_TEST

/* a ~ c and b ~ c but a !~ b: c joins both, the earliest (a) is kept for all. */
START_TEST(test_index_transitive)
{
    pp_dedup_params p = P;
    pp_dedup_parse_shingle("word:1", &p, NULL);
    p.bands = 50;
    p.rows = 2;
    pp_dedup_index *ix;
    pp_error err;
    uint32_t sh;
    char a[4096] = "", b[4096] = "", c[4096] = "";
    /* a = t0..t59, b = t40..t99, c = t20..t79: J(a,c) = J(b,c) = 40/80, J(a,b) = 20/100 */
    for (int i = 0; i < 100; i++) {
        char w[16];
        snprintf(w, sizeof w, "t%d ", i);
        if (i < 60)
            strcat(a, w);
        if (i >= 40)
            strcat(b, w);
        if (i >= 20 && i < 80)
            strcat(c, w);
    }
    p.threshold = 0.4;
    ck_assert_int_eq(pp_dedup_index_new(&p, &ix, &err), PP_OK);
    pp_dedup_index_shard(ix, "s", &sh, &err);
    sig s;
    uint32_t da, db, dc;
    sign(&p, a, &s);
    pp_dedup_index_add(ix, sh, 1, "a", NULL, s.exact, s.mh, s.bands, s.nsh, &da, &err);
    sign(&p, b, &s);
    pp_dedup_index_add(ix, sh, 2, "b", NULL, s.exact, s.mh, s.bands, s.nsh, &db, &err);
    ck_assert_uint_eq(pp_dedup_index_kept(ix, db), db); /* b alone so far */
    sign(&p, c, &s);
    pp_dedup_index_add(ix, sh, 3, "c", NULL, s.exact, s.mh, s.bands, s.nsh, &dc, &err);
    ck_assert_uint_eq(pp_dedup_index_kept(ix, dc), da);
    ck_assert_uint_eq(pp_dedup_index_kept(ix, db), da); /* joined through c */
    ck_assert_str_eq(pp_dedup_index_lang(ix, da), "und");
    pp_dedup_index_free(ix);
}
END_TEST

START_TEST(test_sig_roundtrip)
{
    char path[] = "/tmp/check_dedup_sigXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    pp_error err;
    pp_sig_writer *w;
    ck_assert_int_eq(pp_sig_writer_open(path, &P, "part-0.jsonl", &w, &err), PP_OK);
    sig s;
    sign(&P, BASE, &s);
    pp_sig_entry e = {0};
    e.pos = 7;
    e.id = "x1";
    e.lang = "yo";
    memcpy(e.exact, s.exact, 16);
    e.nshingles = s.nsh;
    e.minhash = s.mh;
    e.bands = s.bands;
    ck_assert_int_eq(pp_sig_writer_put(w, &e, &err), PP_OK);
    pp_sig_entry empty = {0};
    empty.pos = 9;
    empty.id = "part-0.jsonl:9";
    empty.id_is_position = 1;
    empty.lang = "";
    ck_assert_int_eq(pp_sig_writer_put(w, &empty, &err), PP_OK);
    ck_assert_int_eq(pp_sig_writer_close(w, &err), PP_OK);

    pp_sig_reader *r;
    pp_dedup_params q;
    const char *shard;
    ck_assert_int_eq(pp_sig_reader_open(path, &q, &shard, &r, &err), PP_OK);
    ck_assert_str_eq(shard, "part-0.jsonl");
    ck_assert(pp_dedup_params_compatible(&P, &q));
    pp_sig_entry g;
    int more;
    ck_assert_int_eq(pp_sig_reader_next(r, &g, &more, &err), PP_OK);
    ck_assert_int_eq(more, 1);
    ck_assert_uint_eq(g.pos, 7);
    ck_assert_str_eq(g.id, "x1");
    ck_assert_str_eq(g.lang, "yo");
    ck_assert_mem_eq(g.exact, s.exact, 16);
    ck_assert_uint_eq(g.nshingles, s.nsh);
    ck_assert_mem_eq(g.minhash, s.mh, sizeof(uint32_t) * (size_t)(P.bands * P.rows));
    ck_assert_mem_eq(g.bands, s.bands, sizeof(uint64_t) * (size_t)P.bands);
    ck_assert_int_eq(pp_sig_reader_next(r, &g, &more, &err), PP_OK);
    ck_assert_int_eq(more, 1);
    ck_assert_int_eq(g.id_is_position, 1);
    ck_assert_uint_eq(g.nshingles, 0);
    ck_assert_int_eq(pp_sig_reader_next(r, &g, &more, &err), PP_OK);
    ck_assert_int_eq(more, 0);
    pp_sig_reader_close(r);

    /* truncation is detected */
    FILE *f = fopen(path, "r+b");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    ck_assert_int_eq(truncate(path, size - 5), 0);
    ck_assert_int_eq(pp_sig_reader_open(path, &q, &shard, &r, &err), PP_OK);
    pp_status st = PP_OK;
    do
        st = pp_sig_reader_next(r, &g, &more, &err);
    while (st == PP_OK && more);
    ck_assert_int_eq(st, PP_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "truncated"));
    pp_sig_reader_close(r);

    /* not a signature file */
    f = fopen(path, "wb");
    fputs("{\"id\":1}\n", f);
    fclose(f);
    ck_assert_int_eq(pp_sig_reader_open(path, &q, &shard, &r, &err), PP_ERR_PARSE);
    unlink(path);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dedup");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_normalize);
    tcase_add_test(tc, test_shingle_parse);
    tcase_add_test(tc, test_lsh_curve);
    tcase_add_test(tc, test_minhash_estimate);
    tcase_add_test(tc, test_auto_shingles);
    tcase_add_test(tc, test_index_clusters);
    tcase_add_test(tc, test_index_transitive);
    tcase_add_test(tc, test_sig_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}

#include "tests/testutil.h"

int main(void) { return tu_run(suite()); }
