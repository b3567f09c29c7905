/* pp_optim.c — gradient norm and clipping, AdamW (as torch.optim.AdamW) and the
 * learning-rate schedules. */
#include "config.h"
#include "align/pp_lora_internal.h"
#include "align/pp_model_internal.h"
#include "align/pp_ops.h"

#include <math.h>
#include <string.h>

/* The trainable parameters: the adapter's while one is attached (pp_lora.h). */
static float *trainable_grads(const pp_model *m) { return m->lora ? m->lora->grads : m->grads; }

float pp_model_grad_norm(const pp_model *m)
{
    const float *g = trainable_grads(m);
    if (!g)
        return 0.0f;
    double s = 0.0;
    long n = (long)pp_model_num_trainable(m);
#pragma omp parallel for if (n >= PP_OMP_MIN_WORK) schedule(static) reduction(+ : s)
    for (long i = 0; i < n; i++)
        s += (double)g[i] * g[i];
    return (float)sqrt(s);
}

float pp_model_clip_grad_norm(pp_model *m, float max_norm)
{
    float norm = pp_model_grad_norm(m);
    float *g = trainable_grads(m);
    if (max_norm <= 0.0f || !g)
        return norm;
    float coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f) {
        long n = (long)pp_model_num_trainable(m);
#pragma omp parallel for if (n >= PP_OMP_MIN_WORK) schedule(static)
        for (long i = 0; i < n; i++)
            g[i] *= coef;
    }
    return norm;
}

static void adamw_range(float *p, const float *g, float *mm, float *vv, size_t n,
                        const pp_adamw *o, float lr, float wd, float bc1, float bc2_sqrt)
{
    float b1 = o->beta1, b2 = o->beta2, step = lr / bc1;
#pragma omp parallel for if ((long)n >= PP_OMP_MIN_WORK) schedule(static)
    for (size_t i = 0; i < n; i++) {
        float gi = g[i];
        p[i] -= lr * wd * p[i];
        mm[i] = b1 * mm[i] + (1.0f - b1) * gi;
        vv[i] = b2 * vv[i] + (1.0f - b2) * gi * gi;
        p[i] -= step * mm[i] / (sqrtf(vv[i]) / bc2_sqrt + o->eps);
    }
}

void pp_model_adamw_step(pp_model *m, const pp_adamw *o, float lr, long step, int decay_norms)
{
    if (!trainable_grads(m) || step < 1)
        return;
    float bc1 = 1.0f - powf(o->beta1, (float)step);
    float bc2_sqrt = sqrtf(1.0f - powf(o->beta2, (float)step));
    if (m->lora) { /* adapters only; they have no norm weights */
        struct pp_lora *lo = m->lora;
        adamw_range(lo->params, lo->grads, lo->adam_m, lo->adam_v, lo->n, o, lr,
                    o->weight_decay, bc1, bc2_sqrt);
        return;
    }
    if (decay_norms) {
        adamw_range(m->params, m->grads, m->adam_m, m->adam_v, m->num_params, o, lr,
                    o->weight_decay, bc1, bc2_sqrt);
        return;
    }
    for (int k = 0; k < PK_COUNT; k++) {
        size_t off = m->kind_offset[k];
        int norm = k == PK_LN1 || k == PK_LN2 || k == PK_LNF;
        adamw_range(m->params + off, m->grads + off, m->adam_m + off, m->adam_v + off,
                    m->kind_size[k], o, lr, norm ? 0.0f : o->weight_decay, bc1, bc2_sqrt);
    }
}

pp_status pp_lr_schedule_parse(const char *name, pp_lr_schedule *out, pp_error *err)
{
    if (name && strcmp(name, "constant") == 0)
        *out = PP_LR_CONSTANT;
    else if (name && strcmp(name, "cosine") == 0)
        *out = PP_LR_COSINE;
    else if (name && strcmp(name, "linear") == 0)
        *out = PP_LR_LINEAR;
    else
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "unknown schedule \"%s\" (constant, cosine or linear)",
                            name ? name : "");
    return PP_OK;
}

float pp_lr_at(pp_lr_schedule s, float lr, float min_lr, long step, long warmup, long total)
{
    if (warmup > 0 && step < warmup)
        return lr * (float)(step + 1) / (float)warmup;
    if (s == PP_LR_CONSTANT || total <= warmup)
        return lr;
    double frac = (double)(step - warmup) / (double)(total - warmup);
    if (frac > 1.0)
        frac = 1.0;
    if (s == PP_LR_COSINE)
        return min_lr + (lr - min_lr) * (float)(0.5 * (1.0 + cos(M_PI * frac)));
    return lr + (min_lr - lr) * (float)frac;
}
