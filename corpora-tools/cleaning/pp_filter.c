/* pp_filter.c — preset dispatch for the quality filters (pp_filter.h). */
#include "config.h"
#include "corpora-tools/cleaning/pp_filter_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct pp_filter {
    pp_filter_preset preset;
    const pp_fpreset *ops;
    void *state;
};

static const pp_fpreset *preset_ops(pp_filter_preset p)
{
    switch (p) {
    case PP_FILTER_GOPHER: return &pp_fpreset_gopher;
    case PP_FILTER_C4: return &pp_fpreset_c4;
    case PP_FILTER_CULTURE: return &pp_fpreset_culture;
    }
    return NULL;
}

pp_status pp_filter_preset_parse(const char *name, pp_filter_preset *out, pp_error *err)
{
    if (name && strcasecmp(name, "gopher") == 0)
        *out = PP_FILTER_GOPHER;
    else if (name && strcasecmp(name, "c4") == 0)
        *out = PP_FILTER_C4;
    else if (name && (strcasecmp(name, "culture-aware") == 0 || strcasecmp(name, "culture") == 0))
        *out = PP_FILTER_CULTURE;
    else
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "unknown preset '%s' (expected gopher, c4 or culture-aware)",
                            name ? name : "");
    return PP_OK;
}

const char *pp_filter_preset_name(pp_filter_preset p)
{
    const pp_fpreset *o = preset_ops(p);
    return o ? o->name : "?";
}

pp_status pp_filter_new(pp_filter_preset preset, pp_filter **out, pp_error *err)
{
    *out = NULL;
    const pp_fpreset *ops = preset_ops(preset);
    if (!ops)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "unknown preset %d", (int)preset);
    pp_filter *f = calloc(1, sizeof *f);
    if (!f)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    f->preset = preset;
    f->ops = ops;
    if (ops->state_new) {
        f->state = ops->state_new();
        if (!f->state) {
            free(f);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
    }
    *out = f;
    return PP_OK;
}

void pp_filter_free(pp_filter *f)
{
    if (!f)
        return;
    if (f->ops->state_free)
        f->ops->state_free(f->state);
    free(f);
}

pp_filter_preset pp_filter_get_preset(const pp_filter *f) { return f->preset; }
size_t pp_filter_nrules(const pp_filter *f) { return f->ops->nrules; }

const char *pp_filter_rule_name(const pp_filter *f, size_t i)
{
    return i < f->ops->nrules ? f->ops->rules[i].name : NULL;
}

const char *pp_filter_rule_description(const pp_filter *f, size_t i)
{
    return i < f->ops->nrules ? f->ops->rules[i].description : NULL;
}

int pp_filter_calibration_passes(const pp_filter *f) { return f->ops->passes; }

pp_status pp_filter_observe(pp_filter *f, int pass, const char *lang, const char *text,
                            size_t len, pp_error *err)
{
    if (!f->ops->observe || pass < 0 || pass >= f->ops->passes)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "preset %s has no calibration pass %d",
                            f->ops->name, pass);
    if (!lang || !*lang || !text)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "observe needs a language and a text");
    return f->ops->observe(f->state, pass, lang, text, len, err);
}

pp_status pp_filter_end_pass(pp_filter *f, int pass, pp_error *err)
{
    if (!f->ops->end_pass || pass < 0 || pass >= f->ops->passes)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "preset %s has no calibration pass %d",
                            f->ops->name, pass);
    return f->ops->end_pass(f->state, pass, err);
}

pp_status pp_filter_set_function_words(pp_filter *f, const char *lang, const char *const *words,
                                       size_t n, pp_error *err)
{
    if (!f->ops->set_function_words)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "function words apply to the culture-aware preset only");
    return f->ops->set_function_words(f->state, lang, words, n, err);
}

void pp_filter_use_profiles(pp_filter *f, int on)
{
    if (f->ops->use_profiles)
        f->ops->use_profiles(f->state, on);
}

pp_status pp_filter_set_exemplars(pp_filter *f, const char *lang, const char *chars,
                                  pp_error *err)
{
    if (!f->ops->set_exemplars)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "exemplar characters apply to the culture-aware preset only");
    return f->ops->set_exemplars(f->state, lang, chars, err);
}

pp_status pp_filter_apply(pp_filter *f, const char *lang, const char *text, size_t len,
                          pp_filter_result *res, pp_error *err)
{
    memset(res, 0, sizeof *res);
    res->rule = -1;
    if (!text)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no text");
    pp_status s = f->ops->judge(f->state, lang, text, len, res, err);
    if (s != PP_OK) {
        free(res->text);
        res->text = NULL;
        return s;
    }
    res->keep = res->rule < 0;
    return PP_OK;
}

json_t *pp_filter_thresholds(const pp_filter *f, const char *lang)
{
    return f->ops->thresholds(f->state, lang);
}

void pp_fresult_fail(pp_filter_result *res, const pp_frule_info *rules, int i, const char *fmt, ...)
{
    res->failed |= (uint64_t)1 << i;
    if (res->rule >= 0)
        return;
    res->rule = i;
    int n = snprintf(res->reason, sizeof res->reason, "%s: ", rules[i].name);
    if (n < 0 || (size_t)n >= sizeof res->reason)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->reason + n, sizeof res->reason - (size_t)n, fmt, ap);
    va_end(ap);
}
