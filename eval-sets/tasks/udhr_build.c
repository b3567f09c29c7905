/* udhr_build.c — the four UDHR tasks as prompt records for a model. */
#include "config.h"
#include "eval-sets/tasks/udhr_tasks.h"
#include "src/pp_langtag.h"
#include "src/pp_text.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name, *metric, *summary;
} tasks[UDHR_NTASKS] = {
    [UDHR_LM] = {"lm", "bits_per_byte",
                 "held-out-article language modelling: score each test article (logprob of text)"},
    [UDHR_CLOZE] = {"cloze", "exact_match",
                    "article cloze: restore the longest word of a test paragraph, masked as ____"},
    [UDHR_LID] = {"lid", "exact_match",
                  "language identification of a test paragraph (name, BCP 47 or ISO 639-3 accepted)"},
    [UDHR_TRANSLATION] = {"translation", "chrf",
                          "translation between two languages, aligned by article and paragraph"},
};

int udhr_task_parse(const char *name, udhr_task *t)
{
    for (int i = 0; i < UDHR_NTASKS; i++)
        if (name && strcmp(name, tasks[i].name) == 0) {
            *t = (udhr_task)i;
            return 1;
        }
    return 0;
}
const char *udhr_task_name(udhr_task t) { return tasks[t].name; }
const char *udhr_task_summary(udhr_task t) { return tasks[t].summary; }
const char *udhr_task_metric(udhr_task t) { return tasks[t].metric; }

/* Is `lang` in the comma-separated list (NULL: every language)? */
static int in_list(const char *list, const char *lang)
{
    if (!list || !*list)
        return 1;
    size_t ll = strlen(lang);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        char item[128], canon[128];
        if (l < sizeof item) {
            memcpy(item, p, l);
            item[l] = '\0';
            const char *cmp = pp_langtag_canonicalize(item, canon, sizeof canon, NULL) == PP_OK ? canon : item;
            if (strlen(cmp) == ll && memcmp(cmp, lang, ll) == 0)
                return 1;
        }
        p += l;
        if (*p == ',')
            p++;
    }
    return 0;
}

static json_t *item(const char *id, const udhr_lang *L, udhr_task t, const char *prompt)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "lang", L->lang, "task", tasks[t].name,
                     "udhr_code", L->code, "prompt", prompt);
}

/* Articles of the test split: paragraphs joined with newlines. */
static void build_lm(const udhr_lang *L, json_t *out)
{
    for (size_t i = 0; i < L->np;) {
        if (L->p[i].split != 't') {
            i++;
            continue;
        }
        int art = L->p[i].article;
        size_t j = i, len = 0;
        while (j < L->np && L->p[j].article == art)
            len += strlen(L->p[j++].text) + 1;
        char *text = malloc(len + 1), *w = text;
        for (size_t k = i; text && k < j; k++) {
            if (k > i)
                *w++ = '\n';
            size_t l = strlen(L->p[k].text);
            memcpy(w, L->p[k].text, l);
            w += l;
        }
        if (text) {
            *w = '\0';
            char id[256];
            snprintf(id, sizeof id, "udhr-lm-%s-a%d", L->code, art);
            json_t *o = item(id, L, UDHR_LM, "");
            json_object_set_new(o, "text", json_string(text));
            json_object_set_new(o, "bytes", json_integer((json_int_t)strlen(text)));
            json_array_append_new(out, o);
            free(text);
        }
        i = j;
    }
}

/* The longest word-like segment (ICU word break for the language) of at
 * least 4 code points; the first on ties. */
static int longest_word(const char *text, const char *lang, size_t *s, size_t *e)
{
    pp_span *sp = NULL;
    size_t n = 0, best = 0;
    int found = 0;
    if (pp_segment(text, strlen(text), lang, PP_SEG_WORD, &sp, &n, NULL) != PP_OK)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!sp[i].wordlike)
            continue;
        size_t cp = pp_utf8_length(text + sp[i].start, sp[i].end - sp[i].start);
        if (cp >= 4 && cp > best) {
            best = cp;
            *s = sp[i].start;
            *e = sp[i].end;
            found = 1;
        }
    }
    free(sp);
    return found;
}

static void build_cloze(const udhr_lang *L, json_t *out)
{
    for (size_t i = 0; i < L->np; i++) {
        if (L->p[i].split != 't')
            continue;
        const char *t = L->p[i].text;
        size_t s, e;
        if (!longest_word(t, L->lang, &s, &e))
            continue;
        size_t len = strlen(t);
        const char *head = "Fill in the blank (____) with the missing word. Answer with the word only.\n\n";
        char *prompt = malloc(strlen(head) + len + 32);
        char *word = strndup(t + s, e - s);
        if (!prompt || !word) {
            free(prompt), free(word);
            continue;
        }
        sprintf(prompt, "%s%.*s____%s\n\nAnswer:", head, (int)s, t, t + e);
        char id[256];
        snprintf(id, sizeof id, "udhr-cloze-%s-a%d-p%d", L->code, L->p[i].article, L->p[i].paragraph);
        json_t *o = item(id, L, UDHR_CLOZE, prompt);
        json_object_set_new(o, "reference", json_string(word));
        json_array_append_new(out, o);
        free(prompt);
        free(word);
    }
}

static void build_lid(const udhr_lang *L, json_t *out)
{
    for (size_t i = 0; i < L->np; i++) {
        if (L->p[i].split != 't')
            continue;
        const char *t = L->p[i].text;
        const char *head = "Which language is the following text written in? Answer with the "
                           "name of the language only.\n\n";
        char *prompt = malloc(strlen(head) + strlen(t) + 16);
        if (!prompt)
            continue;
        sprintf(prompt, "%s%s\n\nLanguage:", head, t);
        char id[256];
        snprintf(id, sizeof id, "udhr-lid-%s-a%d-p%d", L->code, L->p[i].article, L->p[i].paragraph);
        json_t *o = item(id, L, UDHR_LID, prompt);
        json_t *refs = json_array();
        json_array_append_new(refs, json_string(L->name));
        json_array_append_new(refs, json_string(L->lang));
        if (*L->iso639_3 && strcmp(L->iso639_3, L->lang) != 0)
            json_array_append_new(refs, json_string(L->iso639_3));
        json_object_set_new(o, "references", refs);
        json_object_set_new(o, "text", json_string(t));
        json_array_append_new(out, o);
        free(prompt);
    }
}

static void build_pair(const udhr_lang *S, const udhr_lang *T, json_t *out)
{
    for (size_t i = 0, j = 0; i < S->np && j < T->np;) {
        const udhr_para *a = &S->p[i], *b = &T->p[j];
        int c = a->article != b->article ? a->article - b->article : a->paragraph - b->paragraph;
        if (c < 0) {
            i++;
            continue;
        }
        if (c > 0) {
            j++;
            continue;
        }
        if (a->split == 't') {
            char *prompt = malloc(strlen(a->text) + strlen(S->name) + 2 * strlen(T->name) + 96);
            if (prompt) {
                sprintf(prompt, "Translate the following text from %s into %s.\n\n%s\n\n%s:",
                        S->name, T->name, a->text, T->name);
                char id[256], grp[160];
                snprintf(id, sizeof id, "udhr-mt-%s-%s-a%d-p%d", S->code, T->code, a->article,
                         a->paragraph);
                snprintf(grp, sizeof grp, "from:%s", S->lang);
                json_t *o = item(id, T, UDHR_TRANSLATION, prompt);
                json_object_set_new(o, "source_lang", json_string(S->lang));
                json_object_set_new(o, "source", json_string(a->text));
                json_object_set_new(o, "group", json_string(grp));
                json_object_set_new(o, "reference", json_string(b->text));
                json_array_append_new(out, o);
                free(prompt);
            }
        }
        i++, j++;
    }
}

static pp_status build_translation(const udhr_set *s, const char *langs, const char *pairs,
                                   json_t *out, pp_error *err)
{
    if (!pairs || !*pairs)
        pairs = "en-*";
    for (const char *p = pairs; *p;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        char pair[256];
        if (l >= sizeof pair)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "--pairs item too long");
        memcpy(pair, p, l);
        pair[l] = '\0';
        /* split at the '-' that separates two tags: try each '-' */
        int done = 0;
        for (char *d = strchr(pair, '-'); d && !done; d = strchr(d + 1, '-')) {
            *d = '\0';
            char sc[128] = "*", tc[128] = "*";
            int okS = !strcmp(pair, "*") || pp_langtag_canonicalize(pair, sc, sizeof sc, NULL) == PP_OK;
            int okT = !strcmp(d + 1, "*") || pp_langtag_canonicalize(d + 1, tc, sizeof tc, NULL) == PP_OK;
            int knownS = !strcmp(sc, "*") || udhr_find(s, sc), knownT = !strcmp(tc, "*") || udhr_find(s, tc);
            if (okS && okT && knownS && knownT) {
                for (size_t a = 0; a < s->nl; a++) {
                    if (strcmp(sc, "*") ? strcmp(s->l[a].lang, sc) != 0 : !in_list(langs, s->l[a].lang))
                        continue;
                    for (size_t b = 0; b < s->nl; b++) {
                        if (a == b)
                            continue;
                        if (strcmp(tc, "*") ? strcmp(s->l[b].lang, tc) != 0 : !in_list(langs, s->l[b].lang))
                            continue;
                        build_pair(&s->l[a], &s->l[b], out);
                    }
                }
                done = 1;
            }
            *d = '-';
        }
        if (!done)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "--pairs: '%s' is not SRC-TGT with two languages of the UDHR test "
                                "split (or '*')",
                                pair);
        p += l;
        if (*p == ',')
            p++;
    }
    return PP_OK;
}

pp_status udhr_build(const udhr_set *s, udhr_task t, const char *langs, const char *pairs,
                     json_t *out, pp_error *err)
{
    if (langs && *langs) {
        /* every listed language must be available */
        for (const char *p = langs; *p;) {
            const char *e = strchr(p, ',');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            char tag[128], canon[128];
            if (l == 0 || l >= sizeof tag)
                return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "--langs: empty or too long item");
            memcpy(tag, p, l);
            tag[l] = '\0';
            if (pp_langtag_canonicalize(tag, canon, sizeof canon, NULL) != PP_OK || !udhr_find(s, canon))
                return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                                    "--langs: '%s' has no UDHR declaration with enough test text "
                                    "(see 'polyphony eval-sets list --languages')",
                                    tag);
            p += l;
            if (*p == ',')
                p++;
        }
    }
    if (t == UDHR_TRANSLATION)
        return build_translation(s, langs, pairs, out, err);
    for (size_t i = 0; i < s->nl; i++) {
        if (!in_list(langs, s->l[i].lang))
            continue;
        if (t == UDHR_LM)
            build_lm(&s->l[i], out);
        else if (t == UDHR_CLOZE)
            build_cloze(&s->l[i], out);
        else
            build_lid(&s->l[i], out);
    }
    return PP_OK;
}
