/* pp_rope.c — the rotary frequencies of a configuration, as Hugging Face's rope
 * initialisation functions compute them in float32: the default
 * inv_freq[i] = 1 / theta^(2i/HD), "linear" (all divided by factor) and "llama3"
 * (Llama 3.1's wavelength-dependent scaling). */
#include "config.h"
#include "align/pp_model_internal.h"
#include "align/pp_ops.h"

#include <math.h>
#include <stdlib.h>

void pp_llama_rope_inv_freq(const pp_llama_config *c, float *inv)
{
    int HD = c->head_dim, h = HD / 2;
    for (int i = 0; i < h; i++)
        inv[i] = 1.0f / powf(c->rope_theta, (float)(2 * i) / (float)HD);
    if (c->rope_kind == PP_ROPE_LINEAR) {
        for (int i = 0; i < h; i++)
            inv[i] /= c->rope_factor;
    } else if (c->rope_kind == PP_ROPE_LLAMA3) {
        /* wavelength 2*pi/inv below old_len/high_freq_factor: kept; above
         * old_len/low_freq_factor: divided by factor; between: a blend of the two with
         * weight s = (old_len/wavelength - low) / (high - low) on the kept one. Every
         * step in float, in the order of transformers' _compute_llama3_parameters. */
        float factor = c->rope_factor, lo = c->rope_low_freq_factor;
        float hi = c->rope_high_freq_factor;
        float old_len = (float)c->rope_original_max_position_embeddings;
        float lo_wavelen = old_len / lo, hi_wavelen = old_len / hi;
        for (int i = 0; i < h; i++) {
            float wavelen = (float)(2.0 * M_PI) / inv[i];
            float f = wavelen > lo_wavelen ? inv[i] / factor : inv[i];
            if (!(wavelen < hi_wavelen) && !(wavelen > lo_wavelen)) {
                float s = (old_len / wavelen - lo) / (hi - lo);
                f = (1.0f - s) * f / factor + s * f;
            }
            inv[i] = f;
        }
    }
}

void pp_llama_rope_tables(const pp_llama_config *c, float *cos_t, float *sin_t, int T)
{
    int h = c->head_dim / 2;
    float inv[h > 0 ? h : 1];
    pp_llama_rope_inv_freq(c, inv);
    pp_op_rope_tables_freq(cos_t, sin_t, T, c->head_dim, inv);
}
