/* udhr_tasks.h — evaluation tasks derived from the test split of the bundled
 * UDHR (eval-sets/udhr/SPLIT.md), private to `polyphony eval-sets`. */
#ifndef PP_UDHR_TASKS_H
#define PP_UDHR_TASKS_H

#include "src/pp_common.h"

#include <jansson.h>

typedef struct udhr_para {
    int article, paragraph;
    char split;          /* 't' test, 'd' dev, 'r' train */
    const char *text;
} udhr_para;

/* One declaration chosen per language. */
typedef struct udhr_lang {
    char *lang;          /* BCP 47 */
    char *code;          /* UDHR declaration code */
    char *name;
    char *iso639_3;
    udhr_para *p;        /* paragraphs in (article, paragraph) order */
    size_t np;
    size_t ntest;        /* test paragraphs */
} udhr_lang;

typedef struct udhr_set {
    udhr_lang *l;        /* sorted by lang */
    size_t nl;
    char **texts;        /* storage */
    size_t ntexts;
} udhr_set;

/* Load the UDHR (`path` NULL: the bundled copy) and keep, for each language,
 * the declaration with the most test paragraphs (ties: smallest code), and
 * only languages with at least `min_test` test paragraphs. */
pp_status udhr_load(const char *path, size_t min_test, udhr_set **out, pp_error *err);
void udhr_free(udhr_set *s);
const udhr_lang *udhr_find(const udhr_set *s, const char *lang);

typedef enum udhr_task { UDHR_LM = 0, UDHR_CLOZE, UDHR_LID, UDHR_TRANSLATION, UDHR_NTASKS } udhr_task;

int udhr_task_parse(const char *name, udhr_task *t);
const char *udhr_task_name(udhr_task t);
const char *udhr_task_summary(udhr_task t);
const char *udhr_task_metric(udhr_task t);

/* Build the items of a task as prompt records (id, lang, task, prompt and
 * reference fields), appended to `out` (a JSON array). `langs` (NULL: all)
 * restricts languages; `pairs` ("src-tgt,..." with '*' for any language;
 * NULL: "en-*") the translation directions. */
pp_status udhr_build(const udhr_set *s, udhr_task t, const char *langs, const char *pairs,
                     json_t *out, pp_error *err);

/* Outputs of a simple baseline trained on the train split of the same
 * declaration: byte-trigram language model (lm), the most frequent long word
 * of the language (cloze), the nearest character-trigram profile (lid), the
 * source text itself (translation). */
pp_status udhr_baseline(const udhr_set *s, udhr_task t, const json_t *prompts, json_t *outputs,
                        pp_error *err);

/* The lid baseline: nearest character-trigram profile of the train split. */
pp_status udhr_lid_baseline(const udhr_set *s, const json_t *prompts, json_t *outputs,
                            pp_error *err);

#endif
