/* pp_instruct.h — community-written prompt templates and the instruction
 * sets rendered from them (docs/instruct.md).
 *
 * A template (langs/<code>/templates/NAME.xml, RelaxNG schema
 * langs/schema/template.rng) says who wrote it, in which language and
 * variety, who reviewed it and how far review got, which dataset and fields
 * it reads, and an input and a target pattern in ICU MessageFormat syntax
 * with NAMED arguments. Patterns are rendered in the language's locale with
 * the community's calendar and numbering system (from its profile, or the
 * template's own <locale> element), so numbers, dates, plurals and lists come
 * out in the language's own conventions. */
#ifndef PP_INSTRUCT_H
#define PP_INSTRUCT_H

#include "src/pp_common.h"

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------- MessageFormat (ICU) */

typedef enum pp_msgarg_type {
    PP_MSGARG_STRING = 0,
    PP_MSGARG_NUMBER,
    PP_MSGARG_DATE /* num = milliseconds since 1970-01-01T00:00Z */
} pp_msgarg_type;

typedef struct pp_msgarg {
    const char *name;
    pp_msgarg_type type;
    const char *str; /* PP_MSGARG_STRING */
    double num;      /* PP_MSGARG_NUMBER, PP_MSGARG_DATE */
} pp_msgarg;

/* Format an ICU MessageFormat `pattern` with named arguments in `locale` (an
 * ICU locale id such as "am@calendar=ethiopic" or a BCP 47 tag). *out is
 * malloc'd UTF-8. A pattern that does not parse gives PP_ERR_PARSE. Missing
 * arguments are NOT an error for ICU (it prints "{name}"): check them first
 * with pp_msgformat_names(). */
PP_API pp_status pp_msgformat(const char *locale, const char *pattern, const pp_msgarg *args,
                              size_t nargs, char **out, pp_error *err);

/* The distinct argument names a pattern uses, in order of first use
 * (*names malloc'd; free with pp_strv_free). Numbered arguments ({0}) are
 * refused with PP_ERR_INVALID. */
PP_API pp_status pp_msgformat_names(const char *pattern, char ***names, size_t *n,
                                    pp_error *err);

PP_API void pp_strv_free(char **v, size_t n);

/* ICU locale id for a BCP 47 tag with a CLDR calendar and numbering system
 * ("am", "ethiopic", NULL -> "am@calendar=ethiopic"; "ar", NULL, "arab" ->
 * "ar@numbers=arab"). NULL or "" leaves a keyword out. */
PP_API pp_status pp_msgformat_locale(const char *tag, const char *calendar, const char *numbering,
                                     char *out, size_t cap, pp_error *err);

/* Join items the locale's way ("A, B, or C"; disjunction != 0 for "or"). */
PP_API pp_status pp_list_format(const char *locale, int disjunction, const char *const *items,
                                size_t n, char **out, pp_error *err);

/* Name of language `code` in the language of `in_locale` from CLDR (ICU).
 * PP_ERR_NOT_FOUND when ICU has no data for in_locale or no name for code
 * (never an English fallback). */
PP_API pp_status pp_language_display_name(const char *code, const char *in_locale, char **out,
                                          pp_error *err);

/* ------------------------------------------------------------ templates */

typedef struct pp_template pp_template;

/* Load and validate a template file against the RelaxNG schema at
 * `schema_path` (NULL: the installed langs/schema/template.rng found through
 * pp_data_path). Beyond the schema: BCP 47 tags must be well formed, every
 * argument a pattern uses must be declared (error names file:line of the
 * pattern), patterns must parse. */
PP_API pp_status pp_template_load(const char *path, const char *schema_path, pp_template **out,
                                  pp_error *err);
PP_API void pp_template_free(pp_template *t);

PP_API const char *pp_template_id(const pp_template *t);
PP_API const char *pp_template_path(const pp_template *t);
PP_API const char *pp_template_task(const pp_template *t);
PP_API const char *pp_template_lang(const pp_template *t);     /* canonical BCP 47 */
PP_API const char *pp_template_variety(const pp_template *t);  /* canonical BCP 47 */
PP_API const char *pp_template_review_status(const pp_template *t);
/* The dataset the template is limited to (<source dataset>), NULL when it
 * renders on any corpus of its language. */
PP_API const char *pp_template_dataset(const pp_template *t);

/* What a record must provide for the template (<source needs="...">, plus
 * what its fields imply): a text in the language, a parallel text in the
 * <pair> language, a title (meta.title), an article number (meta.article). */
enum {
    PP_NEED_TEXT = 1,
    PP_NEED_PARALLEL = 2,
    PP_NEED_TITLE = 4,
    PP_NEED_ARTICLE = 8
};
PP_API unsigned pp_template_needs(const pp_template *t);
/* "a text in yo", "a parallel text in en (joined on meta.article meta.paragraph)",
 * "a title (meta.title)", "an article number (meta.article)" for one PP_NEED_* bit. */
PP_API void pp_template_need_describe(const pp_template *t, unsigned need, char *buf, size_t cap);
PP_API size_t pp_template_nauthors(const pp_template *t);
PP_API const char *pp_template_author(const pp_template *t, size_t i);
PP_API size_t pp_template_nreviewers(const pp_template *t);
PP_API const char *pp_template_reviewer(const pp_template *t, size_t i);

/* The ICU locale the template renders in: the template's variety with the
 * calendar and numbering system of its <locale> element, else of the
 * community profile (langs/pp_registry.h) when the build has profiles, else
 * ICU's defaults for the variety. */
PP_API const char *pp_template_locale(const pp_template *t);

/* Line of the <input> element in the template file (for messages). */
PP_API long pp_template_input_line(const pp_template *t);

/* ------------------------------------------------------ records & build */

typedef struct pp_instruct_data pp_instruct_data;

PP_API pp_status pp_instruct_data_new(pp_instruct_data **out, pp_error *err);
PP_API void pp_instruct_data_free(pp_instruct_data *d);

/* Add a record (a new reference is taken; the caller keeps its own). `file`
 * and `line` are kept for messages. Records without a string `id`, `text`
 * or `lang` give PP_ERR_INVALID naming file:line. */
PP_API pp_status pp_instruct_data_add(pp_instruct_data *d, json_t *rec, const char *file,
                                      long line, pp_error *err);
PP_API size_t pp_instruct_data_count(const pp_instruct_data *d);

typedef struct pp_instruct_opts {
    long max_per_template;      /* <= 0: all */
    unsigned long long seed;    /* sampling and cloze positions */
    const char *const *langs;   /* NULL: all; else codes (ISO 639-3 or BCP 47) */
    size_t nlangs;
} pp_instruct_opts;

/* Called once per rendered item; `item` is borrowed. A non-PP_OK return stops
 * the build and is passed through. */
typedef pp_status (*pp_instruct_emit_fn)(const json_t *item, void *ud, pp_error *err);

typedef struct pp_instruct_counts {
    size_t candidates; /* records the template could read */
    size_t items;      /* items rendered */
    size_t skipped;    /* records lacking a field, a pair or a cloze word */
    size_t in_language;/* records of the template's language (and split, dataset) */
    unsigned unmet;    /* PP_NEED_* bits no record of the language provided */
} pp_instruct_counts;

/* Render template `t` over the records of `d` and emit items:
 *   {"id","template","task","lang","variety","locale","dataset","source_id",
 *    "source_ids","license","review_status","authors","reviewers",
 *    "template_file","source","script","family","metrics","choices_in_prompt",
 *    "choices" (when the template has them),"messages":[{"role":"user",...},
 *    {"role":"assistant",...}],"prompt","completion"}
 * "source" and "dataset" name the corpus of the record the item came from.
 * Records of another split than the template's <source split> are never read. */
PP_API pp_status pp_instruct_render(const pp_template *t, const pp_instruct_data *d,
                                    const pp_instruct_opts *o, pp_instruct_emit_fn emit, void *ud,
                                    pp_instruct_counts *counts, pp_error *err);

/* Render `t` on one sample record (validation): fills *prompt and *completion
 * (malloc'd). A missing field is PP_ERR_NOT_FOUND naming the field, an empty
 * target PP_ERR_INVALID; both carry the template's file and the pattern's line. */
PP_API pp_status pp_template_try(const pp_template *t, const pp_instruct_data *d, char **prompt,
                                 char **completion, pp_error *err);

/* The template's own wording: its input pattern rendered with every string
 * argument empty and numbers 1 (what language ID should recognise as the
 * template's language). *out malloc'd. */
PP_API pp_status pp_template_wording(const pp_template *t, char **out, pp_error *err);

/* Language check: identify the template's wording (pp_template_wording)
 * with a language-ID model (langs/pp_lid.h; lid.176 or GlotLID/OpenLID
 * labels) and compare the decision with the template's language (its
 * <source langs> count too). *match is 1 when they agree; `got` receives the
 * decided label (BCP 47, or "und_<Script>" when the model abstained) and
 * *prob its probability. */
struct pp_lid;
PP_API pp_status pp_template_check_lid(const pp_template *t, struct pp_lid *lid, int *match,
                                       char *got, size_t gotcap, float *prob, pp_error *err);

#ifdef __cplusplus
}
#endif
#endif
