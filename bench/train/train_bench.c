/* train_bench.c — tokens/s of one training step (forward + backward + gradient
 * clipping + AdamW) of the Llama model, the FLOP/s that makes, and this machine's
 * cblas_sgemm FLOP/s measured in the same run; then generation tokens/s (one token at a
 * time through the KV cache) and scoring tokens/s (log-probabilities of T tokens).
 *
 * Usage: train_bench [--steps N] [--batch B] [--seq T] [--vocab V] [--hidden C]
 *                    [--layers L] [--heads NH] [--kv-heads NKV] [--intermediate I]
 * Output: one JSON object on stdout. Threads: OMP_NUM_THREADS / OPENBLAS_NUM_THREADS. */
#include "config.h"
#include "align/pp_model.h"

#include <cblas.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* FLOP/s of cblas_sgemm on the shape of the model's largest linear layers */
static double sgemm_flops(int M, int N, int K)
{
    float *a = malloc(sizeof(float) * (size_t)M * K), *b = malloc(sizeof(float) * (size_t)N * K);
    float *c = malloc(sizeof(float) * (size_t)M * N);
    for (size_t i = 0; i < (size_t)M * K; i++)
        a[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < (size_t)N * K; i++)
        b[i] = (float)(i % 5) * 0.1f;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, a, K, b, K, 0.0f, c, N);
    int reps = 0;
    double t0 = now(), t;
    do {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, M, N, K, 1.0f, a, K, b, K, 0.0f, c,
                    N);
        reps++;
    } while ((t = now() - t0) < 1.0);
    free(a);
    free(b);
    free(c);
    return 2.0 * M * N * (double)K * reps / t;
}

int main(int argc, char **argv)
{
    pp_llama_config c = {.vocab_size = 8000, .hidden_size = 384, .intermediate_size = 1024,
                         .num_hidden_layers = 6, .num_attention_heads = 6,
                         .num_key_value_heads = 2, .head_dim = 64,
                         .max_position_embeddings = 2048, .rms_norm_eps = 1e-5f,
                         .rope_theta = 10000.0f, .tie_word_embeddings = 0, .bos_token_id = 1,
                         .eos_token_id = 2};
    int B = 8, T = 256, steps = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--steps")) steps = v;
        else if (!strcmp(argv[i], "--batch")) B = v;
        else if (!strcmp(argv[i], "--seq")) T = v;
        else if (!strcmp(argv[i], "--vocab")) c.vocab_size = v;
        else if (!strcmp(argv[i], "--hidden")) c.hidden_size = v;
        else if (!strcmp(argv[i], "--layers")) c.num_hidden_layers = v;
        else if (!strcmp(argv[i], "--heads")) c.num_attention_heads = v;
        else if (!strcmp(argv[i], "--kv-heads")) c.num_key_value_heads = v;
        else if (!strcmp(argv[i], "--intermediate")) c.intermediate_size = v;
        else {
            fprintf(stderr, "train_bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    c.head_dim = c.hidden_size / c.num_attention_heads;
    pp_error e;
    pp_model *m;
    if (pp_model_new(&c, &m, &e) || (pp_model_init_random(m, 1, 0.02f), 0) ||
        pp_model_prepare(m, B, T, 1, &e)) {
        fprintf(stderr, "train_bench: %s\n", e.message);
        return 1;
    }
    pp_memory_plan plan = pp_model_memory_plan(m);
    pp_memory_plan_print(&plan, stderr);
    if (steps < 1)
        return pp_model_free(m), 0;
    int N = B * T;
    int32_t *in = malloc(sizeof(int32_t) * (size_t)N), *tg = malloc(sizeof(int32_t) * (size_t)N);
    uint64_t s = 12345;
    pp_adamw opt = {0.9f, 0.95f, 1e-8f, 0.1f};
    double t_total = 0.0, loss_sum = 0.0, t_fwd = 0.0, t_bwd = 0.0;
    for (int step = 0; step <= steps; step++) { /* step 0 warms up, untimed */
        for (int i = 0; i < N; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            in[i] = (int32_t)((s >> 33) % (uint64_t)c.vocab_size);
        }
        for (int i = 0; i < N; i++)
            tg[i] = i + 1 < N ? in[i + 1] : in[0];
        double t0 = now();
        float loss;
        if (pp_model_forward(m, in, tg, B, T, &loss, &e)) {
            fprintf(stderr, "train_bench: %s\n", e.message);
            return 1;
        }
        double t1 = now();
        pp_model_zero_grad(m);
        if (pp_model_backward(m, 1.0f, &e)) {
            fprintf(stderr, "train_bench: %s\n", e.message);
            return 1;
        }
        double t2 = now();
        pp_model_clip_grad_norm(m, 1.0f);
        pp_model_adamw_step(m, &opt, 1e-3f, step + 1, 1);
        double dt = now() - t0;
        if (step > 0) {
            t_fwd += t1 - t0;
            t_bwd += t2 - t1;
            t_total += dt;
            loss_sum += loss;
        }
    }
    /* useful matmul FLOPs of a step: linear layers and the causal half of attention,
     * forward once and backward twice */
    double hc = c.hidden_size, hi = c.intermediate_size, hv = c.vocab_size;
    double QD = (double)c.num_attention_heads * c.head_dim;
    double KVD = (double)c.num_key_value_heads * c.head_dim;
    double lin = 2.0 * N * (hc * QD + 2 * hc * KVD + QD * hc + 3 * hc * hi) * c.num_hidden_layers +
                 2.0 * N * hc * hv;
    double att = 2.0 * 2.0 * B * c.num_attention_heads * ((double)T * (T + 1) / 2) * c.head_dim *
                 c.num_hidden_layers;
    double flops = 3.0 * (lin + att);
    double step_s = t_total / steps;
    double peak = sgemm_flops(N, c.intermediate_size, c.hidden_size);
    /* inference: T tokens one at a time through the KV cache, then scored at once */
    pp_kv_cache *kv;
    float *logits = malloc(sizeof(float) * (size_t)c.vocab_size), *lp = malloc(sizeof(float) * T);
    if (pp_kv_cache_new(m, T, &kv, &e)) {
        fprintf(stderr, "train_bench: %s\n", e.message);
        return 1;
    }
    double t0 = now();
    for (int t = 0; t < T; t++)
        pp_model_decode(m, kv, in[t], logits, &e);
    double decode_s = now() - t0;
    pp_kv_cache_reset(kv); /* the same T tokens as one prompt */
    t0 = now();
    pp_model_prefill(m, kv, in, T, logits, &e);
    double prefill_s = now() - t0;
    t0 = now();
    int reps = 0;
    do {
        pp_model_logprobs(m, in, T, lp, &e);
        reps++;
    } while (now() - t0 < 1.0);
    double score_s = (now() - t0) / reps;
    pp_kv_cache_free(kv);
    free(logits);
    free(lp);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("{\"impl\":\"polyphony\",\"threads\":%d,\"params\":%zu,\"batch\":%d,\"seq\":%d,"
           "\"steps\":%d,\"step_s\":%.4f,\"forward_s\":%.4f,\"backward_s\":%.4f,\"tokens_per_s\":%.1f,\"gflops\":%.2f,"
           "\"sgemm_gflops\":%.2f,\"sgemm_fraction\":%.3f,\"mean_loss\":%.4f,"
           "\"plan_mib\":%.1f,\"peak_rss_mib\":%.1f,\"decode_tokens_per_s\":%.1f,"
           "\"prefill_tokens_per_s\":%.1f,\"score_tokens_per_s\":%.1f}\n",
           omp_get_max_threads(), pp_model_num_params(m), B, T, steps, step_s, t_fwd / steps,
           t_bwd / steps, N / step_s,
           flops / step_s * 1e-9, peak * 1e-9, flops / step_s / peak, loss_sum / steps,
           (double)plan.total / 1048576.0, (double)ru.ru_maxrss / 1024.0, T / decode_s,
           T / prefill_s, (T - 1) / score_s);
    free(in);
    free(tg);
    pp_model_free(m);
    return 0;
}
