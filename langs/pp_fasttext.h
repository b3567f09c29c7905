/* pp_fasttext.h — C interface to fastText (libfasttext), implemented by a
 * C++ shim that turns every exception into a pp_status. */
#ifndef PP_FASTTEXT_H
#define PP_FASTTEXT_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_fasttext pp_fasttext;

typedef struct pp_ft_prediction {
    char label[64]; /* without the "__label__" prefix */
    float prob;
} pp_ft_prediction;

/* Supervised training options (fastText's own names). */
typedef struct pp_ft_train_opts {
    const char *input;  /* fastText training file: "__label__X text" lines */
    const char *output; /* path prefix; writes PREFIX.bin (or .ftz when quantized) */
    int dim, epoch, minn, maxn, word_ngrams, min_count, bucket, threads, seed;
    double lr;
    int quantize; /* 1: quantize and write PREFIX.ftz */
    long cutoff;  /* quantization: keep this many words/ngrams (0: all) */
    int dsub;     /* quantization: dimensions per sub-vector (default 2) */
    int qout;     /* quantization: also quantize the output matrix (default 0: slower
                     prediction, little size gain for a few hundred labels) */
} pp_ft_train_opts;

/* Fill defaults suited to language ID: dim 64, epoch 5, lr 0.5, minn 1, maxn 4,
 * wordNgrams 1, minCount 1, bucket 2000000, threads 1, seed 1, no quantization
 * (dsub 2, qout 0 when quantizing). */
PP_API void pp_ft_train_opts_init(pp_ft_train_opts *o);

/* Train a supervised model; the model is also returned loaded when out != NULL. */
PP_API pp_status pp_fasttext_train(const pp_ft_train_opts *o, pp_fasttext **out, pp_error *err);

/* Load a .bin or .ftz model. */
PP_API pp_status pp_fasttext_load(const char *path, pp_fasttext **out, pp_error *err);

/* Predict the k most likely labels for one line of text (no newline inside;
 * the shim replaces newlines by spaces). Writes up to k predictions, best
 * first, and their count in *n. Labels below `threshold` are dropped.
 * Uses buffers kept in `ft`: one thread at a time per model. Setting
 * PP_FASTTEXT_SLOW=1 in the environment before loading makes it use
 * fastText's own predictLine (slower; for comparison). */
PP_API pp_status pp_fasttext_predict(pp_fasttext *ft, const char *text, int k, float threshold,
                                     pp_ft_prediction *preds, int *n, pp_error *err);

/* Number of labels and the i-th label (without prefix). */
PP_API int pp_fasttext_nlabels(const pp_fasttext *ft);
PP_API const char *pp_fasttext_label(const pp_fasttext *ft, int i);

PP_API void pp_fasttext_free(pp_fasttext *ft);

#ifdef __cplusplus
}
#endif
#endif
