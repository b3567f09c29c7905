/* check_shims.c — the C++ shims link and work from C: a tiny fastText
 * classifier and a tiny SentencePiece model are trained, used, and bad
 * model files come back as errors instead of exceptions or exits. */
#include "config.h"
#include "src/polyphony.h"
#include "langs/pp_fasttext.h"
#include "tokenizers/pp_spm.h"
#include "tests/testutil.h"

static char dir[512];
static void setup(void) { tu_tmpdir(dir, sizeof dir); }
static void teardown(void) { tu_rmtree(dir); }

static const char *yo[] = {"gbogbo ènìyàn ni a bí ní òmìnira", "ẹ̀tọ́ ọmọnìyàn", "ọ̀rọ̀ àti ìṣe wọn",
                           "ó ní ẹ̀tọ́ láti ní òmìnira"};
static const char *sw[] = {"watu wote wamezaliwa huru", "haki za binadamu", "kila mtu ana haki",
                           "hakuna mtu atakayeteswa"};

START_TEST(test_fasttext_train_predict)
{
    char input[700], prefix[700], model[720];
    snprintf(input, sizeof input, "%s/train.txt", dir);
    snprintf(prefix, sizeof prefix, "%s/lid", dir);
    snprintf(model, sizeof model, "%s/lid.bin", dir);
    FILE *fp = fopen(input, "w");
    for (int rep = 0; rep < 30; rep++)
        for (int i = 0; i < 4; i++) {
            fprintf(fp, "__label__yor %s\n", yo[i]);
            fprintf(fp, "__label__swa %s\n", sw[i]);
        }
    fclose(fp);
    pp_ft_train_opts o;
    pp_ft_train_opts_init(&o);
    o.input = input;
    o.output = prefix;
    o.epoch = 20;
    o.bucket = 20000;
    o.dim = 16;
    pp_fasttext *ft = NULL;
    pp_error err;
    ck_assert_int_eq(pp_fasttext_train(&o, &ft, &err), PP_OK);
    ck_assert_int_eq(pp_fasttext_nlabels(ft), 2);
    pp_fasttext_free(ft);

    ck_assert_int_eq(pp_fasttext_load(model, &ft, &err), PP_OK);
    pp_ft_prediction p[2];
    int n;
    ck_assert_int_eq(pp_fasttext_predict(ft, "kila mtu ana haki ya kuishi", 2, 0.0f, p, &n, &err),
                     PP_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(p[0].label, "swa");
    ck_assert(p[0].prob > p[1].prob);
    ck_assert_int_eq(pp_fasttext_predict(ft, "ẹ̀tọ́ láti ní òmìnira", 1, 0.0f, p, &n, &err), PP_OK);
    ck_assert_int_eq(n, 1);
    ck_assert_str_eq(p[0].label, "yor");
    pp_fasttext_free(ft);
}
END_TEST

START_TEST(test_fasttext_bad_files)
{
    char path[700];
    snprintf(path, sizeof path, "%s/corrupt.ftz", dir);
    tu_write_file(path, "this is not a fastText model", 28);
    pp_fasttext *ft = NULL;
    pp_error err;
    ck_assert_int_eq(pp_fasttext_load(path, &ft, &err), PP_ERR_MODEL);
    ck_assert_ptr_null(ft);
    ck_assert(strstr(err.message, "fastText") != NULL);
    ck_assert_int_eq(pp_fasttext_load("/nonexistent/model.bin", &ft, &err), PP_ERR_IO);
    pp_fasttext_free(NULL);
}
END_TEST

START_TEST(test_spm_train_encode_decode)
{
    char input[700], prefix[700], model[720], args[2400];
    snprintf(input, sizeof input, "%s/corpus.txt", dir);
    snprintf(prefix, sizeof prefix, "%s/m", dir);
    snprintf(model, sizeof model, "%s/m.model", dir);
    FILE *fp = fopen(input, "w");
    for (int rep = 0; rep < 20; rep++)
        for (int i = 0; i < 4; i++)
            fprintf(fp, "%s\n%s\n", yo[i], sw[i]);
    fclose(fp);
    snprintf(args, sizeof args,
             "--input=%s --model_prefix=%s --vocab_size=320 --hard_vocab_limit=false --model_type=unigram "
             "--character_coverage=1.0 --byte_fallback=true --normalization_rule_name=identity "
             "--minloglevel=2 --num_threads=1",
             input, prefix);
    pp_error err;
    ck_assert_msg(pp_spm_train(args, &err) == PP_OK, "%s", err.message);
    pp_spm *m;
    ck_assert_int_eq(pp_spm_load(model, &m, &err), PP_OK);
    ck_assert_int_le(pp_spm_vocab_size(m), 320);
    ck_assert_int_gt(pp_spm_vocab_size(m), 256);
    const char *text = "ẹ̀tọ́ ọmọnìyàn ni haki"; /* tone marks must survive */
    int *ids;
    size_t n;
    ck_assert_int_eq(pp_spm_encode_ids(m, text, strlen(text), &ids, &n, &err), PP_OK);
    ck_assert_uint_gt(n, 0);
    char *back;
    ck_assert_int_eq(pp_spm_decode_ids(m, ids, n, &back, &err), PP_OK);
    ck_assert_str_eq(back, text);
    free(back);
    free(ids);
    char **pieces;
    ck_assert_int_eq(pp_spm_encode_pieces(m, "haki", 4, &pieces, &n, &err), PP_OK);
    ck_assert_uint_ge(n, 1);
    ck_assert(strstr(pieces[0], "\xe2\x96\x81") == pieces[0]); /* ▁ word boundary marker */
    pp_spm_free_pieces(pieces, n);
    /* Characters absent from training fall back to bytes, not <unk>. */
    ck_assert_int_eq(pp_spm_encode_ids(m, "ж", strlen("ж"), &ids, &n, &err), PP_OK);
    int bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += pp_spm_is_byte(m, ids[i]);
    ck_assert_int_eq(bytes, 2);
    free(ids);
    int bad = 100000;
    ck_assert_int_eq(pp_spm_decode_ids(m, &bad, 1, &back, &err), PP_ERR_INVALID);
    pp_spm_free(m);
}
END_TEST

START_TEST(test_spm_bad_files)
{
    char path[700];
    snprintf(path, sizeof path, "%s/corrupt.model", dir);
    tu_write_file(path, "\x0a\x05garbage\xff\xff", 11);
    pp_spm *m = NULL;
    pp_error err;
    ck_assert_int_eq(pp_spm_load(path, &m, &err), PP_ERR_MODEL);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(pp_spm_load("/nonexistent/x.model", &m, &err), PP_ERR_IO);
    ck_assert_int_eq(pp_spm_train("--input=/nonexistent/none.txt --model_prefix=/nonexistent/m "
                                  "--vocab_size=10 --minloglevel=3",
                                  &err),
                     PP_ERR_MODEL);
    pp_spm_free(NULL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("shims");
    TCase *tc = tcase_create("cxx");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_fasttext_train_predict);
    tcase_add_test(tc, test_fasttext_bad_files);
    tcase_add_test(tc, test_spm_train_encode_decode);
    tcase_add_test(tc, test_spm_bad_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tu_run(suite()); }
