/* udhr_baseline.c — simple baselines for the UDHR tasks, trained only on the
 * train split of the same declaration, so the demo gap report rests on real
 * measurements without any external model:
 *   lm           byte trigram model with Witten-Bell interpolation
 *                (down to a uniform distribution over 256 bytes)
 *   cloze        the most frequent word of 4+ code points in the train split
 *   translation  the source text copied (a lower bound every system should beat)
 *   lid          character-trigram profiles (udhr_lid_baseline.c) */
#include "config.h"
#include "eval-sets/tasks/udhr_tasks.h"
#include "src/pp_record.h"
#include "src/pp_text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ byte trigram LM */

typedef struct lm {
    uint32_t uni[256], n1, t1;  /* unigram counts, total, distinct */
    uint32_t *bi;               /* [65536]: count of (c1, b) */
    uint32_t *ctx1, *typ1;      /* [256]: total and distinct continuations of c1 */
    uint32_t *ctx2, *typ2;      /* [65536]: total and distinct continuations of (c2, c1) */
    uint32_t *tkey, *tcnt;      /* open-addressing table of trigram counts */
    size_t tcap;
} lm;

static uint32_t *tri_slot(lm *m, uint32_t key)
{
    size_t h = (key * 2654435761u) & (m->tcap - 1);
    while (m->tkey[h] != 0 && m->tkey[h] != key)
        h = (h + 1) & (m->tcap - 1);
    m->tkey[h] = key;
    return &m->tcnt[h];
}

static uint32_t tri_get(const lm *m, uint32_t key)
{
    size_t h = (key * 2654435761u) & (m->tcap - 1);
    while (m->tkey[h] != 0) {
        if (m->tkey[h] == key)
            return m->tcnt[h];
        h = (h + 1) & (m->tcap - 1);
    }
    return 0;
}

static void lm_free(lm *m)
{
    free(m->bi), free(m->ctx1), free(m->typ1), free(m->ctx2), free(m->typ2);
    free(m->tkey), free(m->tcnt);
}

static int lm_train(lm *m, const unsigned char *t, size_t n)
{
    memset(m, 0, sizeof *m);
    m->bi = calloc(65536, 4), m->ctx1 = calloc(256, 4), m->typ1 = calloc(256, 4);
    m->ctx2 = calloc(65536, 4), m->typ2 = calloc(65536, 4);
    m->tcap = 1024;
    while (m->tcap < 2 * n + 2)
        m->tcap *= 2;
    m->tkey = calloc(m->tcap, 4), m->tcnt = calloc(m->tcap, 4);
    if (!m->bi || !m->ctx1 || !m->typ1 || !m->ctx2 || !m->typ2 || !m->tkey || !m->tcnt)
        return 0;
    unsigned c2 = '\n', c1 = '\n';
    for (size_t i = 0; i < n; i++) {
        unsigned b = t[i];
        if (m->uni[b]++ == 0)
            m->t1++;
        m->n1++;
        if (m->bi[c1 << 8 | b]++ == 0)
            m->typ1[c1]++;
        m->ctx1[c1]++;
        /* key 1 + (c2, c1, b) so that 0 marks an empty slot */
        uint32_t *tc = tri_slot(m, 1u + (c2 << 16 | c1 << 8 | b));
        if ((*tc)++ == 0)
            m->typ2[c2 << 8 | c1]++;
        m->ctx2[c2 << 8 | c1]++;
        c2 = c1;
        c1 = b;
    }
    return 1;
}

static double lm_prob(const lm *m, unsigned c2, unsigned c1, unsigned b)
{
    double p = 1.0 / 256.0;
    if (m->n1)
        p = (m->uni[b] + m->t1 * p) / (double)(m->n1 + m->t1);
    uint32_t n = m->ctx1[c1], t = m->typ1[c1];
    if (n)
        p = (m->bi[c1 << 8 | b] + t * p) / (double)(n + t);
    n = m->ctx2[c2 << 8 | c1], t = m->typ2[c2 << 8 | c1];
    if (n)
        p = (tri_get(m, 1u + (c2 << 16 | c1 << 8 | b)) + t * p) / (double)(n + t);
    return p;
}

static double lm_logprob(const lm *m, const unsigned char *t, size_t n)
{
    unsigned c2 = '\n', c1 = '\n';
    double lp = 0;
    for (size_t i = 0; i < n; i++) {
        lp += log(lm_prob(m, c2, c1, t[i]));
        c2 = c1;
        c1 = t[i];
    }
    return lp;
}

/* The train split of a declaration, paragraphs joined by newlines. */
static char *train_text(const udhr_lang *L, size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; i < L->np; i++)
        if (L->p[i].split == 'r')
            n += strlen(L->p[i].text) + 1;
    char *s = malloc(n + 1), *w = s;
    if (!s)
        return NULL;
    for (size_t i = 0; i < L->np; i++)
        if (L->p[i].split == 'r') {
            size_t l = strlen(L->p[i].text);
            memcpy(w, L->p[i].text, l);
            w += l;
            *w++ = '\n';
        }
    *w = '\0';
    *len = (size_t)(w - s);
    return s;
}

/* ------------------------------------------------------------ frequent word */

typedef struct wcount {
    char *w;
    size_t n, first;
} wcount;

static int cmp_w(const void *a, const void *b)
{
    return strcmp(((const wcount *)a)->w, ((const wcount *)b)->w);
}

static char *frequent_word(const udhr_lang *L)
{
    size_t len;
    char *t = train_text(L, &len);
    pp_span *sp = NULL;
    size_t n = 0;
    if (!t || pp_segment(t, len, L->lang, PP_SEG_WORD, &sp, &n, NULL) != PP_OK) {
        free(t);
        return NULL;
    }
    wcount *w = malloc((n ? n : 1) * sizeof *w);
    size_t nw = 0;
    for (size_t i = 0; w && i < n; i++)
        if (sp[i].wordlike && pp_utf8_length(t + sp[i].start, sp[i].end - sp[i].start) >= 4) {
            w[nw].w = strndup(t + sp[i].start, sp[i].end - sp[i].start);
            w[nw].first = i;
            w[nw++].n = 1;
        }
    char *best = NULL;
    if (w) {
        if (nw > 1)
            qsort(w, nw, sizeof *w, cmp_w);
        size_t bn = 0, bfirst = 0;
        for (size_t i = 0; i < nw;) {
            size_t j = i, first = w[i].first;
            while (j < nw && strcmp(w[j].w, w[i].w) == 0) {
                if (w[j].first < first)
                    first = w[j].first;
                j++;
            }
            if (j - i > bn || (j - i == bn && first < bfirst))
                best = w[i].w, bn = j - i, bfirst = first;
            i = j;
        }
        best = best ? strdup(best) : NULL;
        for (size_t i = 0; i < nw; i++)
            free(w[i].w);
        free(w);
    }
    free(sp);
    free(t);
    return best;
}

/* ------------------------------------------------------------ driver */

pp_status udhr_baseline(const udhr_set *s, udhr_task t, const json_t *prompts, json_t *outputs,
                        pp_error *err)
{
    if (t == UDHR_LID)
        return udhr_lid_baseline(s, prompts, outputs, err);
    size_t n = json_array_size(prompts);
    const udhr_lang *cur = NULL;
    lm model;
    int have_model = 0;
    char *word = NULL;
    pp_status st = PP_OK;
    for (size_t i = 0; i < n && st == PP_OK; i++) {
        const json_t *p = json_array_get(prompts, i);
        const char *id = pp_record_str(p, "id"), *lang = pp_record_str(p, "lang");
        const udhr_lang *L = lang ? udhr_find(s, lang) : NULL;
        if (!id || !L) {
            st = pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                              "prompt %zu has no id or a language without UDHR text", i + 1);
            break;
        }
        if (L != cur) { /* prompts come grouped by language; retrain on change */
            if (have_model)
                lm_free(&model);
            have_model = 0;
            free(word);
            word = NULL;
            cur = L;
            if (t == UDHR_LM) {
                size_t len;
                char *tr = train_text(L, &len);
                have_model = tr && lm_train(&model, (const unsigned char *)tr, len);
                free(tr);
                if (!have_model) {
                    lm_free(&model);
                    st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                    break;
                }
            } else if (t == UDHR_CLOZE) {
                word = frequent_word(L);
            }
        }
        json_t *o = json_pack("{s:s}", "id", id);
        if (t == UDHR_LM) {
            const char *text = pp_record_str(p, "text");
            json_object_set_new(o, "logprob",
                                json_real(text ? lm_logprob(&model, (const unsigned char *)text,
                                                            strlen(text))
                                               : 0.0));
        } else if (t == UDHR_CLOZE) {
            json_object_set_new(o, "output", json_string(word ? word : ""));
        } else {
            const char *src = pp_record_str(p, "source");
            json_object_set_new(o, "output", json_string(src ? src : ""));
        }
        json_array_append_new(outputs, o);
    }
    if (have_model)
        lm_free(&model);
    free(word);
    return st;
}
