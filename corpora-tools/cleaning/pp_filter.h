/* pp_filter.h — document quality filters with a per-language audit.
 *
 * Three presets, each a table of small rules over precomputed document
 * statistics (corpora-tools/pp_filter_stats.c):
 *
 *   gopher         the quality and repetition rules of MassiveText (Rae et
 *                  al. 2021, Gopher, Table A1), English-tuned, whitespace words;
 *   c4             the C4 line and page rules (Raffel et al. 2020, sec. 2.2);
 *   culture-aware  per-language rules: function words from the community
 *                  profile or estimated from the data, script consistency
 *                  against the language's exemplar characters (CLDR through
 *                  ICU), ICU word segmentation, and thresholds calibrated from
 *                  each language's own distribution (median and MAD, clamped
 *                  to documented floors and ceilings) — no English constants.
 *
 * Every rule is evaluated on its own, so a caller learns both the decision
 * (the preset as published) and which rules a document fails one by one
 * (what each rule alone would remove: the exclusion audit).
 *
 * The culture-aware preset needs calibration: feed the calibration corpus
 * (usually the input itself) through pp_filter_observe() for each pass
 * 0 .. pp_filter_calibration_passes()-1, calling pp_filter_end_pass() after
 * each; then pp_filter_apply() every document. */
#ifndef PP_FILTER_H
#define PP_FILTER_H

#include "src/pp_common.h"

#include <stdint.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pp_filter_preset {
    PP_FILTER_GOPHER = 0,
    PP_FILTER_C4,
    PP_FILTER_CULTURE
} pp_filter_preset;

typedef struct pp_filter pp_filter;

/* "gopher", "c4", "culture-aware" (also "culture"). */
PP_API pp_status pp_filter_preset_parse(const char *name, pp_filter_preset *out, pp_error *err);
PP_API const char *pp_filter_preset_name(pp_filter_preset p);

PP_API pp_status pp_filter_new(pp_filter_preset preset, pp_filter **out, pp_error *err);
PP_API void pp_filter_free(pp_filter *f);
PP_API pp_filter_preset pp_filter_get_preset(const pp_filter *f);

/* Rules of the preset, in evaluation order (at most 64). */
PP_API size_t pp_filter_nrules(const pp_filter *f);
PP_API const char *pp_filter_rule_name(const pp_filter *f, size_t i);
PP_API const char *pp_filter_rule_description(const pp_filter *f, size_t i);

/* Calibration (culture-aware; 0 passes for gopher and c4). Pass 0 collects
 * word and character frequencies per language (function words and, where
 * CLDR has none, exemplar characters are estimated from them); pass 1
 * collects each statistic's distribution per language. `lang` is a BCP 47
 * tag; `text` UTF-8 of `len` bytes. */
PP_API int pp_filter_calibration_passes(const pp_filter *f);
PP_API pp_status pp_filter_observe(pp_filter *f, int pass, const char *lang, const char *text,
                                   size_t len, pp_error *err);
PP_API pp_status pp_filter_end_pass(pp_filter *f, int pass, pp_error *err);

/* Culture-aware: read function words and exemplar characters from the
 * community profile of each language when one is installed (langs/<code>/
 * profile.xml, through pp_profile_find); on by default. Call before
 * calibration. No effect on the other presets. */
PP_API void pp_filter_use_profiles(pp_filter *f, int on);

/* Use these function words for `lang` instead of estimating them (e.g. the
 * stopwords of the community profile). Call before calibration. Copies. */
PP_API pp_status pp_filter_set_function_words(pp_filter *f, const char *lang,
                                              const char *const *words, size_t n, pp_error *err);

/* Use these exemplar characters (UTF-8, any order) for `lang` instead of
 * CLDR's. Call before calibration. */
PP_API pp_status pp_filter_set_exemplars(pp_filter *f, const char *lang, const char *chars,
                                         pp_error *err);

typedef struct pp_filter_result {
    int keep;              /* the preset's decision */
    uint64_t failed;       /* bit i set: rule i fails on its own */
    int rule;              /* first failing rule that decides, -1 when kept */
    char reason[256];      /* "rule: detail", empty when kept */
    char *text;            /* rewritten text (c4 keeps only the good lines), or NULL
                              when the text is unchanged; malloc'd, caller frees */
    size_t textlen;
} pp_filter_result;

/* Judge one document. Never fails on text content; fails only on invalid
 * arguments, memory or ICU errors. */
PP_API pp_status pp_filter_apply(pp_filter *f, const char *lang, const char *text, size_t len,
                                 pp_filter_result *res, pp_error *err);

/* The thresholds in use for `lang` (culture-aware: calibrated; others: the
 * published constants), as a new JSON object: {"rule": {"min":..,"max":..},
 * ..., "calibration": {"docs": n, "source": "language"|"pooled"},
 * "exemplars": "cldr"|"profile"|"estimated"|"none", "function_words": [...]}. */
PP_API json_t *pp_filter_thresholds(const pp_filter *f, const char *lang);

#ifdef __cplusplus
}
#endif
#endif
