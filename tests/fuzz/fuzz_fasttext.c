/* fuzz_fasttext.c — fastText model files (.bin/.ftz) through the shim: the
 * file check, the fast-path walker over the arrays, and a prediction on a
 * few texts when the model loads. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_texts.h"
#include "langs/pp_fasttext.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_fasttext *ft = NULL;
    if (pp_fasttext_load(fuzz_file(".ftz", data, size), &ft, NULL) != PP_OK)
        return 0;
    int nl = pp_fasttext_nlabels(ft);
    for (int i = 0; i < nl; i++)
        fuzz_touch_str(pp_fasttext_label(ft, i));
    for (size_t t = 0; t < FUZZ_NTEXTS; t++) {
        pp_ft_prediction p[5];
        int n = 0;
        if (pp_fasttext_predict(ft, fuzz_texts[t], 5, 0.0f, p, &n, NULL) == PP_OK)
            for (int i = 0; i < n; i++)
                fuzz_touch_str(p[i].label);
    }
    pp_fasttext_free(ft);
    return 0;
}
