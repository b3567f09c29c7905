/* check_train.c — the pieces under the model stage's commands: the token-stream
 * layout a training run reads (rows, wrap-around, SFT masks, bad streams), language
 * mixtures, chat-template recognition, and scoring in windows against the model's
 * own log-probabilities. */
#include "config.h"
#include "align/pp_chat.h"
#include "align/pp_model.h"
#include "align/pp_score.h"
#include "align/pp_train_data.h"
#include "tests/testutil.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static void write_u32(const char *path, const uint32_t *v, size_t n)
{
    unsigned char *b = malloc(4 * n);
    for (size_t i = 0; i < n; i++) {
        b[4 * i] = (unsigned char)(v[i] & 0xff);
        b[4 * i + 1] = (unsigned char)(v[i] >> 8 & 0xff);
        b[4 * i + 2] = (unsigned char)(v[i] >> 16 & 0xff);
        b[4 * i + 3] = (unsigned char)(v[i] >> 24);
    }
    tu_write_file(path, b, 4 * n);
    free(b);
}

START_TEST(test_stream_rows)
{
    char dir[256], path[512];
    tu_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/s.bin", dir);
    uint32_t v[11];
    for (int i = 0; i < 11; i++)
        v[i] = (uint32_t)(100 + i) | (i == 3 ? 0x10000u : 0); /* one id above 65535 */
    write_u32(path, v, 11);
    pp_train_data d = {0};
    pp_error e;
    ck_assert_int_eq(pp_train_data_read_tokens(path, &d, &e), PP_OK);
    ck_assert_uint_eq(d.n, 11);
    ck_assert_int_eq(d.ids[3], 65536 + 103);
    /* T = 3: rows start at 0, 3, 6 (three rows: the last needs tokens 6..9) */
    ck_assert_int_eq(pp_train_data_rows(&d, 3), 3);
    int32_t in[3], tg[3];
    pp_train_data_row(&d, 1, 3, in, tg);
    ck_assert_int_eq(in[0], 103 + 65536);
    ck_assert_int_eq(in[2], 105);
    ck_assert_int_eq(tg[0], 104);
    ck_assert_int_eq(tg[2], 106);
    pp_train_data_row(&d, 4, 3, in, tg); /* wraps to row 1 */
    ck_assert_int_eq(tg[2], 106);
    ck_assert_int_eq(pp_train_data_rows(&d, 10), 1);
    ck_assert_int_eq(pp_train_data_rows(&d, 11), 0);
    ck_assert_int_eq(pp_train_data_check(&d, 65536 + 104, "s", &e), PP_OK);
    ck_assert_int_eq(pp_train_data_check(&d, 65536, "s", &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "token 3 is 65639"));
    pp_train_data_clear(&d);
    /* a length that is not whole tokens */
    tu_write_file(path, "abcdef", 6);
    ck_assert_int_eq(pp_train_data_read_tokens(path, &d, &e), PP_ERR_PARSE);
    ck_assert_ptr_nonnull(strstr(e.message, "2 bytes left"));
    pp_train_data_clear(&d);
    /* ids above INT32_MAX are out of every vocabulary */
    uint32_t big[3] = {1, 0xffffffffu, 2};
    write_u32(path, big, 3);
    ck_assert_int_eq(pp_train_data_read_tokens(path, &d, &e), PP_OK);
    ck_assert_int_eq(pp_train_data_check(&d, 64, "s", &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "4294967295"));
    pp_train_data_clear(&d);
    tu_rmtree(dir);
}
END_TEST

START_TEST(test_masked_targets)
{
    pp_train_data d = {0};
    int32_t ids[6] = {1, 5, 6, 7, 8, 2};
    uint8_t mask[6] = {0, 0, 0, 1, 1, 0};
    d.ids = ids;
    d.mask = mask;
    d.n = 6;
    int32_t in[5], tg[5];
    pp_train_data_row(&d, 0, 5, in, tg);
    /* targets are ids[1..6) with the mask of the target token */
    int32_t want[5] = {-1, -1, 7, 8, -1};
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(in[i], ids[i]);
        ck_assert_int_eq(tg[i], want[i]);
    }
}
END_TEST

START_TEST(test_mix_parse)
{
    pp_mix m;
    pp_error e;
    ck_assert_int_eq(pp_mix_parse("natural", &m, &e), PP_OK);
    ck_assert_int_eq(m.kind, PP_MIX_NATURAL);
    ck_assert_int_eq(pp_mix_parse("temperature:3.5", &m, &e), PP_OK);
    ck_assert_int_eq(m.kind, PP_MIX_TEMPERATURE);
    ck_assert(fabs(m.value - 3.5) < 1e-12);
    ck_assert_int_eq(pp_mix_parse("unimax:2", &m, &e), PP_OK);
    ck_assert_int_eq(m.kind, PP_MIX_UNIMAX);
    ck_assert_int_eq(pp_mix_parse("temperature:0", &m, &e), PP_ERR_INVALID);
    ck_assert_int_eq(pp_mix_parse("temperature:x", &m, &e), PP_ERR_INVALID);
    ck_assert_int_eq(pp_mix_parse("unimax:", &m, &e), PP_ERR_INVALID);
    ck_assert_int_eq(pp_mix_parse("uniform", &m, &e), PP_ERR_INVALID);
}
END_TEST

START_TEST(test_chat_detect)
{
    pp_chat_kind k;
    pp_error e;
    ck_assert_int_eq(pp_chat_detect(pp_chat_chatml_jinja(), "t", &k, &e), PP_OK);
    ck_assert_int_eq(k, PP_CHAT_CHATML);
    ck_assert_int_eq(pp_chat_detect("{{ bos_token }}{% for m in messages %}<|start_header_id|>"
                                    "{{ m['role'] }}<|end_header_id|>\n\n{{ m['content'] | trim }}"
                                    "<|eot_id|>{% endfor %}",
                                    "t", &k, &e),
                     PP_OK);
    ck_assert_int_eq(k, PP_CHAT_LLAMA3);
    ck_assert_int_eq(pp_chat_detect(NULL, "t", &k, &e), PP_OK);
    ck_assert_int_eq(k, PP_CHAT_NONE);
    ck_assert_int_eq(pp_chat_detect("{% for m in messages %}[INST] {{ m.content }} [/INST]"
                                    "{% endfor %}",
                                    "cfg.json", &k, &e),
                     PP_ERR_UNSUPPORTED);
    ck_assert_str_eq(e.file, "cfg.json");
    ck_assert_ptr_nonnull(strstr(e.message, "ChatML and Llama 3"));
}
END_TEST

/* Scoring in windows is the sum of each window's own log-probabilities. */
START_TEST(test_score_windows)
{
    pp_model *m = NULL;
    pp_error e;
    ck_assert_int_eq(pp_model_load(TESTDATA "/model/tiny", &m, &e), PP_OK);
    int32_t ids[21];
    for (int i = 0; i < 21; i++)
        ids[i] = (i * 7) % 60 + 3;
    float lp[20];
    ck_assert_int_eq(pp_model_logprobs(m, ids, 21, lp, &e), PP_OK);
    double whole = 0;
    for (int i = 0; i < 20; i++)
        whole += lp[i];
    double got = 0;
    ck_assert_int_eq(pp_score_ids(m, ids, 21, 0, &got, &e), PP_OK);
    ck_assert(fabs(got - whole) < 1e-4);
    /* windows of 8 predictions: [0..8], [8..16], [16..20] */
    double want = 0;
    int starts[3] = {0, 8, 16}, lens[3] = {9, 9, 5};
    for (int w = 0; w < 3; w++) {
        ck_assert_int_eq(pp_model_logprobs(m, ids + starts[w], lens[w], lp, &e), PP_OK);
        for (int i = 0; i < lens[w] - 1; i++)
            want += lp[i];
    }
    ck_assert_int_eq(pp_score_ids(m, ids, 21, 8, &got, &e), PP_OK);
    ck_assert(fabs(got - want) < 1e-4);
    ck_assert(fabs(got - whole) > 1e-3); /* the context really is cut */
    /* one id: nothing to predict */
    ck_assert_int_eq(pp_score_ids(m, ids, 1, 0, &got, &e), PP_OK);
    ck_assert(got == 0);
    ids[5] = 64;
    ck_assert_int_eq(pp_score_ids(m, ids, 21, 0, &got, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "id 64 at position 5"));
    int32_t longer[70] = {0};
    ck_assert_int_eq(pp_score_ids(m, longer, 70, 0, &got, &e), PP_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.message, "69 tokens"));
    ck_assert_int_eq(pp_score_ids(m, longer, 70, 65, &got, &e), PP_ERR_INVALID);
    ck_assert_int_eq(pp_score_ids(m, longer, 70, 64, &got, &e), PP_OK);
    pp_model_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_stream_rows);
    tcase_add_test(tc, test_masked_targets);
    tcase_add_test(tc, test_mix_parse);
    tcase_add_test(tc, test_chat_detect);
    tcase_add_test(tc, test_score_windows);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tu_run(suite()); }
