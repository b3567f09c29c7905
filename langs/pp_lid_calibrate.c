/* pp_lid_calibrate.c — abstention thresholds per writing system, chosen on
 * out-of-domain items for the decision actually taken (after re-ranking and
 * the script rule), and written into a thresholds sidecar. */
#include "config.h"
#include "langs/pp_lid.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct calib_item {
    char ws[8];
    double p;
    char right, und;
} calib_item;

struct pp_lid_calibrator {
    calib_item *items;
    size_t n, cap;
};

pp_lid_calibrator *pp_lid_calibrator_new(void)
{
    return calloc(1, sizeof(pp_lid_calibrator));
}

void pp_lid_calibrator_free(pp_lid_calibrator *c)
{
    if (c)
        free(c->items);
    free(c);
}

pp_status pp_lid_calibrator_add(pp_lid_calibrator *c, const char *writing, double prob, int right,
                                int should_abstain, pp_error *err)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 1024;
        calib_item *ni = realloc(c->items, nc * sizeof *ni);
        if (!ni)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        c->items = ni;
        c->cap = nc;
    }
    calib_item *it = &c->items[c->n++];
    snprintf(it->ws, sizeof it->ws, "%s", writing);
    it->p = prob;
    it->right = right != 0;
    it->und = should_abstain != 0;
    return PP_OK;
}

static int by_ws_p(const void *a, const void *b)
{
    const calib_item *x = a, *y = b;
    int c = strcmp(x->ws, y->ws);
    if (c)
        return c;
    return x->p < y->p ? -1 : x->p > y->p;
}

/* The threshold of one writing system's items (sorted by p): abstaining on
 * the first j items is right for those that should be abstained on, deciding
 * the others right for those decided right; the j with the most right
 * outcomes wins (the smallest on a tie). */
static double best_threshold(const calib_item *it, size_t m, long *best_right, long *right_at_0)
{
    long right = 0;
    for (size_t i = 0; i < m; i++)
        right += it[i].right;
    *right_at_0 = right;
    long best = right;
    size_t bj = 0;
    for (size_t j = 1; j <= m; j++) {
        right += it[j - 1].und - it[j - 1].right; /* item j-1 now abstained on */
        if (j < m && it[j].p == it[j - 1].p)
            continue; /* a threshold cannot split equal scores */
        if (j == m && it[m - 1].p >= 1.0)
            continue; /* nor pass a score of 1: a threshold is at most 1 */
        if (right > best) {
            best = right;
            bj = j;
        }
    }
    *best_right = best;
    if (bj == 0)
        return 0.0;
    if (bj == m)
        return nextafter(it[m - 1].p, 2.0);
    return it[bj].p;
}

pp_status pp_lid_calibrate_write(pp_lid_calibrator *c, const pp_lid *lid, const char *base,
                                 const char *out, long min_items, const char *source,
                                 pp_error *err)
{
    json_t *root = NULL;
    if (base) {
        json_error_t je;
        root = json_load_file(base, 0, &je);
        if (!root)
            return pp_error_set(err, PP_ERR_PARSE, base, je.line, "bad thresholds file: %s",
                                je.text);
    } else {
        root = json_pack("{s:s,s:f,s:{}}", "format", "polyphony-lid-thresholds/1", "default",
                         0.0, "labels");
    }
    json_t *labels = json_object_get(root, "labels");
    if (!json_is_object(labels)) {
        json_decref(root);
        return pp_error_set(err, PP_ERR_PARSE, base, 0,
                            "bad thresholds file: expected an object with \"labels\"");
    }
    /* every label keeps the scripts and threshold it has now (those of a
     * model without a sidecar come from the registry) */
    for (int i = 0; i < pp_lid_nlabels(lid); i++) {
        const char *lab = pp_lid_label_at(lid, i);
        json_t *e = json_object_get(labels, lab);
        if (!e) {
            e = json_object();
            json_object_set_new(labels, lab, e);
        }
        if (!json_object_get(e, "scripts"))
            json_object_set_new(e, "scripts", json_string(pp_lid_scripts(lid, lab)));
        if (!json_object_get(e, "threshold"))
            json_object_set_new(e, "threshold", json_real(pp_lid_threshold(lid, lab)));
    }
    if (c->n > 1)
        qsort(c->items, c->n, sizeof *c->items, by_ws_p);
    json_t *ws = json_object();
    for (size_t i = 0; i < c->n;) {
        size_t j = i;
        while (j < c->n && strcmp(c->items[j].ws, c->items[i].ws) == 0)
            j++;
        if ((long)(j - i) >= min_items) {
            long best, at0;
            double t = best_threshold(c->items + i, j - i, &best, &at0);
            json_object_set_new(ws, c->items[i].ws,
                                json_pack("{s:f,s:I,s:f,s:f}", "threshold", t, "items",
                                          (json_int_t)(j - i), "accuracy",
                                          (double)best / (double)(j - i), "accuracy_at_0",
                                          (double)at0 / (double)(j - i)));
        }
        i = j;
    }
    json_object_set_new(root, "writing_systems", ws);
    if (source)
        json_object_set_new(root, "writing_systems_source", json_string(source));
    int rc = json_dump_file(root, out, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
    json_decref(root);
    if (rc != 0)
        return pp_error_set(err, PP_ERR_IO, out, 0, "cannot write the thresholds file");
    return PP_OK;
}
