/* pp_template_int.h — the parsed form of a prompt template, shared by
 * pp_template.c (loading) and pp_instruct.c (rendering). Private. */
#ifndef PP_TEMPLATE_INT_H
#define PP_TEMPLATE_INT_H

#include "corpora-tools/community/pp_instruct.h"

typedef struct tpl_arg {
    char *name;
    char *field; /* dotted path into the record: "text", "meta.article" */
    pp_msgarg_type type;
    long line; /* of the <arg> element */
} tpl_arg;

typedef struct tpl_const {
    char *name;
    pp_msgarg_type type;
    char *str;
    double num;
} tpl_const;

typedef struct tpl_where {
    char *field;
    int has_min, has_max;
    double min, max;
    char *equals;
} tpl_where;

typedef struct tpl_choice {
    char *code;
    char **keys; /* canonical primary language subtags (kind="language"): the
                  * codes listed in code="...", the first names the language */
    size_t nkeys;
    char *text; /* as written, or the CLDR name in the template's language */
} tpl_choice;

struct pp_template {
    char *path, *id, *task, *lang, *variety, *langkey, *locale;
    char **srckeys; /* language keys of the records read (<source langs>, default langkey) */
    size_t nsrckeys;
    char *review_status, *review_note, *license, *dataset, *split;
    char **authors, **reviewers;
    size_t nauthors, nreviewers;
    tpl_arg *args;
    size_t nargs;
    tpl_const *consts;
    size_t nconsts;
    tpl_where *wheres;
    size_t nwheres;
    int has_pair;
    char *pair_lang, *pair_key;
    char *pair_doc; /* field naming the document a record belongs to (meta.udhr_code) */
    char **pair_on;
    size_t npair_on;
    tpl_arg *pair_args;
    size_t npair_args;
    int has_cloze, cloze_min;
    char *cloze_arg, *cloze_masked, *cloze_answer, *cloze_blank;
    char *input, *target;
    long input_line, target_line;
    tpl_choice *choices;
    size_t nchoices;
    int choices_language;
    int list_mode; /* 0 "and", 1 "or" (ICU ListFormatter), 2 one choice a line */
    char *family;
    char **metrics;
    size_t nmetrics;
    int choices_in_prompt;
    unsigned needs; /* PP_NEED_* bits: what a record must provide */
};

/* Canonical primary language subtag of a tag ("yor" -> "yo", "arb" -> "ar",
 * "ha-NG" -> "ha"); "" when the tag is not well formed. */
void pp_tpl_langkey(const char *tag, char *out, size_t cap);

#endif
