/* udhr_load.c — read the bundled UDHR and choose one declaration per language. */
#include "config.h"
#include "eval-sets/tasks/udhr_tasks.h"
#include "src/pp_data.h"
#include "src/pp_record.h"

#include <stdlib.h>
#include <string.h>

typedef struct raw {
    char *lang, *code, *name, *iso;
    udhr_para p;
} raw;

static int cmp_raw(const void *a, const void *b)
{
    const raw *x = a, *y = b;
    int c = strcmp(x->lang, y->lang);
    if (!c)
        c = strcmp(x->code, y->code);
    if (!c)
        c = x->p.article - y->p.article;
    if (!c)
        c = x->p.paragraph - y->p.paragraph;
    return c;
}

static int meta_int(const json_t *meta, const char *k, int *v)
{
    const json_t *j = json_object_get(meta, k);
    if (!json_is_integer(j))
        return 0;
    *v = (int)json_integer_value(j);
    return 1;
}

pp_status udhr_load(const char *path, size_t min_test, udhr_set **out, pp_error *err)
{
    *out = NULL;
    char buf[4096];
    if (!path) {
        pp_status s = pp_data_path("eval-sets/udhr/udhr.jsonl.zst", buf, sizeof buf, err);
        if (s != PP_OK)
            return s;
        path = buf;
    }
    pp_reader *rd = NULL;
    pp_status st = pp_reader_open(path, &rd, err);
    if (st != PP_OK)
        return st;
    raw *r = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        json_t *j = NULL;
        st = pp_reader_next(rd, &j, err);
        if (st != PP_OK || !j)
            break;
        const json_t *meta = json_object_get(j, "meta");
        const char *lang = pp_record_str(j, "lang"), *text = pp_record_str(j, "text");
        const char *code = pp_record_str(meta, "udhr_code"), *split = pp_record_str(meta, "split");
        int art, par;
        if (!lang || !text || !code || !split || !meta_int(meta, "article", &art) ||
            !meta_int(meta, "paragraph", &par)) {
            json_decref(j);
            st = pp_error_set(err, PP_ERR_INVALID, pp_reader_name(rd), pp_reader_lineno(rd),
                              "UDHR record lacks lang, text or meta.udhr_code/article/paragraph/split");
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            raw *nr = realloc(r, cap * sizeof *nr);
            if (!nr) {
                json_decref(j);
                st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                break;
            }
            r = nr;
        }
        raw *x = &r[n++];
        x->lang = strdup(lang);
        x->code = strdup(code);
        x->name = strdup(pp_record_str(meta, "name") ? pp_record_str(meta, "name") : lang);
        x->iso = strdup(pp_record_str(meta, "iso639_3") ? pp_record_str(meta, "iso639_3") : "");
        x->p.article = art;
        x->p.paragraph = par;
        x->p.split = !strcmp(split, "test") ? 't' : !strcmp(split, "dev") ? 'd' : 'r';
        x->p.text = strdup(text);
        json_decref(j);
    }
    pp_reader_close(rd);
    udhr_set *s = calloc(1, sizeof *s);
    if (st == PP_OK && !s)
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    if (st == PP_OK) {
        if (n > 1)
            qsort(r, n, sizeof *r, cmp_raw);
        s->l = calloc(n ? n : 1, sizeof *s->l);
        s->texts = calloc(n ? n : 1, sizeof *s->texts);
        for (size_t i = 0; i < n;) {
            /* all declarations of this language: pick the one with most test paragraphs */
            size_t j = i, best = i, best_test = 0;
            while (j < n && strcmp(r[j].lang, r[i].lang) == 0) {
                size_t k = j, t = 0;
                while (k < n && strcmp(r[k].lang, r[i].lang) == 0 && strcmp(r[k].code, r[j].code) == 0)
                    t += r[k++].p.split == 't';
                if (t > best_test)
                    best = j, best_test = t;
                j = k;
            }
            if (best_test >= min_test && best_test > 0) {
                udhr_lang *L = &s->l[s->nl++];
                size_t k = best;
                while (k < n && strcmp(r[k].lang, r[best].lang) == 0 && strcmp(r[k].code, r[best].code) == 0)
                    k++;
                L->lang = strdup(r[best].lang);
                L->code = strdup(r[best].code);
                L->name = strdup(r[best].name);
                L->iso639_3 = strdup(r[best].iso);
                L->np = k - best;
                L->p = malloc(L->np * sizeof *L->p);
                for (size_t q = best; q < k; q++) {
                    L->p[q - best] = r[q].p;
                    s->texts[s->ntexts++] = (char *)r[q].p.text;
                    r[q].p.text = NULL;
                }
                L->ntest = best_test;
            }
            i = j;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(r[i].lang), free(r[i].code), free(r[i].name), free(r[i].iso);
        free((char *)r[i].p.text);
    }
    free(r);
    if (st != PP_OK) {
        udhr_free(s);
        return st;
    }
    if (s->nl == 0) {
        udhr_free(s);
        return pp_error_set(err, PP_ERR_INVALID, path, 0,
                            "no language has %zu or more test paragraphs", min_test);
    }
    *out = s;
    return PP_OK;
}

void udhr_free(udhr_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nl; i++) {
        free(s->l[i].lang), free(s->l[i].code), free(s->l[i].name), free(s->l[i].iso639_3);
        free(s->l[i].p);
    }
    free(s->l);
    for (size_t i = 0; i < s->ntexts; i++)
        free(s->texts[i]);
    free(s->texts);
    free(s);
}

const udhr_lang *udhr_find(const udhr_set *s, const char *lang)
{
    size_t lo = 0, hi = s->nl;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->l[mid].lang, lang);
        if (!c)
            return &s->l[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
