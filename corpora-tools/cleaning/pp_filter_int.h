/* pp_filter_int.h — how the presets plug into pp_filter (private). */
#ifndef PP_FILTER_INT_H
#define PP_FILTER_INT_H

#include "corpora-tools/cleaning/pp_filter.h"
#include "corpora-tools/cleaning/pp_filter_stats.h"

#include <stdio.h>

typedef struct pp_frule_info {
    const char *name;
    const char *description;
} pp_frule_info;

typedef struct pp_fpreset {
    const char *name;
    const pp_frule_info *rules;
    size_t nrules;
    int passes;
    /* state for presets that calibrate (NULL otherwise) */
    void *(*state_new)(void);
    void (*state_free)(void *st);
    pp_status (*observe)(void *st, int pass, const char *lang, const char *text, size_t len,
                         pp_error *err);
    pp_status (*end_pass)(void *st, int pass, pp_error *err);
    pp_status (*judge)(void *st, const char *lang, const char *text, size_t len,
                       pp_filter_result *res, pp_error *err);
    json_t *(*thresholds)(const void *st, const char *lang);
    /* per-language overrides, for presets that take them (NULL otherwise) */
    pp_status (*set_function_words)(void *st, const char *lang, const char *const *w, size_t n,
                                    pp_error *err);
    void (*use_profiles)(void *st, int on);
    pp_status (*set_exemplars)(void *st, const char *lang, const char *chars, pp_error *err);
} pp_fpreset;

extern const pp_fpreset pp_fpreset_gopher;
extern const pp_fpreset pp_fpreset_c4;
extern const pp_fpreset pp_fpreset_culture;

/* Record a failing rule in res (first one wins the reason). */
void pp_fresult_fail(pp_filter_result *res, const pp_frule_info *rules, int i, const char *fmt,
                     ...)
#ifdef __GNUC__
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
