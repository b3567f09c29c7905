/* pp_template.c — load a prompt template (XML), validate it against the
 * RelaxNG schema with libxml2, check what the schema cannot (BCP 47 tags,
 * pattern syntax, declared arguments) and work out the ICU locale it renders
 * in. */
#include "config.h"

#include "src/pp_data.h"
#include "corpora-tools/community/pp_instruct.h"
#include "src/pp_langtag.h"
#include "langs/pp_registry.h"
#include "corpora-tools/community/pp_template_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

/* The community profiles come from the registry (langs/pp_registry.h). The
 * references are weak so that this file links into builds that carry the
 * registry's header but not (yet) its implementation; then templates fall
 * back to their own <locale> element and to ICU's defaults. */
#pragma weak pp_profile_find
#pragma weak pp_profile_free
#pragma weak pp_profile_calendar
#pragma weak pp_profile_numbering

static char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void pp_tpl_langkey(const char *tag, char *out, size_t cap)
{
    char canon[128];
    out[0] = '\0';
    if (!tag || pp_langtag_canonicalize(tag, canon, sizeof canon, NULL) != PP_OK)
        return;
    size_t i = 0;
    while (canon[i] && canon[i] != '-' && i + 1 < cap) {
        out[i] = canon[i];
        i++;
    }
    out[i] = '\0';
}

/* ---------------------------------------------------------- libxml helpers */

static int is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, name))
            return c;
    return NULL;
}

/* malloc'd text content / attribute (NULL when absent). */
static char *text_of(const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    char *s = xstrdup(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

/* Trim leading/trailing white space in place (patterns are written indented). */
static void trim(char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    size_t i = 0;
    while (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r')
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
}

static int parse_type(const char *s, pp_msgarg_type *t)
{
    if (!s || strcmp(s, "string") == 0)
        *t = PP_MSGARG_STRING;
    else if (strcmp(s, "number") == 0)
        *t = PP_MSGARG_NUMBER;
    else if (strcmp(s, "date") == 0)
        *t = PP_MSGARG_DATE;
    else
        return 0;
    return 1;
}

/* "YYYY-MM-DD" -> milliseconds at 12:00 UTC that day (noon keeps the
 * calendar day the same in every time zone within +-12 h). */
static int parse_date(const char *s, double *ms)
{
    int y, m, d;
    char tail;
    if (!s || sscanf(s, "%d-%d-%d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31)
        return 0;
    /* days from civil (proleptic Gregorian), H. Hinnant's algorithm */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long days = era * 146097 + doe - 719468;
    *ms = ((double)days * 86400.0 + 43200.0) * 1000.0;
    return 1;
}

static pp_status parse_arg(const xmlNode *n, const char *path, tpl_arg *a, pp_error *err)
{
    a->name = attr(n, "name");
    a->field = attr(n, "field");
    a->line = xmlGetLineNo(n);
    char *ty = attr(n, "type");
    int ok = parse_type(ty, &a->type);
    free(ty);
    if (!a->name || !a->field || !ok)
        return pp_error_set(err, PP_ERR_INVALID, path, xmlGetLineNo(n), "bad <arg> element");
    return PP_OK;
}

/* ------------------------------------------------------------- free */

static void free_args(tpl_arg *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(a[i].name);
        free(a[i].field);
    }
    free(a);
}

void pp_template_free(pp_template *t)
{
    if (!t)
        return;
    free(t->path), free(t->id), free(t->task), free(t->lang), free(t->variety);
    pp_strv_free(t->srckeys, t->nsrckeys);
    free(t->langkey), free(t->locale), free(t->review_status), free(t->review_note);
    free(t->license), free(t->dataset), free(t->split);
    pp_strv_free(t->authors, t->nauthors);
    pp_strv_free(t->reviewers, t->nreviewers);
    free_args(t->args, t->nargs);
    for (size_t i = 0; i < t->nconsts; i++)
        free(t->consts[i].name), free(t->consts[i].str);
    free(t->consts);
    for (size_t i = 0; i < t->nwheres; i++)
        free(t->wheres[i].field), free(t->wheres[i].equals);
    free(t->wheres);
    free(t->pair_lang), free(t->pair_key), free(t->pair_doc);
    pp_strv_free(t->pair_on, t->npair_on);
    free_args(t->pair_args, t->npair_args);
    free(t->cloze_arg), free(t->cloze_masked), free(t->cloze_answer), free(t->cloze_blank);
    free(t->input), free(t->target);
    for (size_t i = 0; i < t->nchoices; i++)
        free(t->choices[i].code), pp_strv_free(t->choices[i].keys, t->choices[i].nkeys),
            free(t->choices[i].text);
    free(t->choices);
    free(t->family);
    pp_strv_free(t->metrics, t->nmetrics);
    free(t);
}

/* ------------------------------------------------------------- schema */

typedef struct schema_errs {
    char first[900];
    long line;
} schema_errs;

static void schema_err_cb(void *ud, const xmlError *e)
{
    schema_errs *se = ud;
    if (se->first[0] || !e || !e->message)
        return;
    snprintf(se->first, sizeof se->first, "%s", e->message);
    size_t n = strlen(se->first);
    while (n && se->first[n - 1] == '\n')
        se->first[--n] = '\0';
    se->line = e->line;
}

static pp_status validate_schema(xmlDoc *doc, const char *path, const char *schema_path,
                                 pp_error *err)
{
    char sp[4096];
    if (!schema_path) {
        pp_status st = pp_data_path("langs/schema/template.rng", sp, sizeof sp, err);
        if (st != PP_OK)
            return st;
        schema_path = sp;
    }
    schema_errs se = {{0}, 0};
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(schema_path);
    if (!pc)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    xmlRelaxNGSetParserStructuredErrors(pc, (xmlStructuredErrorFunc)schema_err_cb, &se);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    if (!schema)
        return pp_error_set(err, PP_ERR_PARSE, schema_path, se.line, "template schema unusable: %s",
                            se.first[0] ? se.first : "cannot read it");
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(schema);
    if (!vc) {
        xmlRelaxNGFree(schema);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    se.first[0] = '\0';
    se.line = 0;
    xmlRelaxNGSetValidStructuredErrors(vc, (xmlStructuredErrorFunc)schema_err_cb, &se);
    int rc = xmlRelaxNGValidateDoc(vc, doc);
    xmlRelaxNGFreeValidCtxt(vc);
    xmlRelaxNGFree(schema);
    if (rc != 0)
        return pp_error_set(err, PP_ERR_INVALID, path, se.line,
                            "template does not validate against template.rng: %s",
                            se.first[0] ? se.first : "invalid");
    return PP_OK;
}

/* ------------------------------------------------------------- locale */

static pp_status compute_locale(pp_template *t, const char *cal, const char *num, pp_error *err)
{
    char loc[256];
    pp_profile *prof = NULL;
    char pcal[64] = "", pnum[64] = "";
    if ((!cal || !num) && pp_profile_find && pp_profile_calendar && pp_profile_numbering &&
        pp_profile_free) {
        if (pp_profile_find(t->lang, &prof, NULL) == PP_OK && prof) {
            const char *c = pp_profile_calendar(prof), *n = pp_profile_numbering(prof);
            snprintf(pcal, sizeof pcal, "%s", c ? c : "");
            snprintf(pnum, sizeof pnum, "%s", n ? n : "");
            pp_profile_free(prof);
        }
    }
    const char *c = cal ? cal : pcal;
    const char *n = num ? num : pnum;
    /* "gregorian" is every locale's default: leave the keyword out then. */
    if (c && strcmp(c, "gregorian") == 0 && !cal)
        c = NULL;
    pp_status st = pp_msgformat_locale(t->variety, c, n, loc, sizeof loc, err);
    if (st != PP_OK)
        return st;
    t->locale = xstrdup(loc);
    return t->locale ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
}

/* ------------------------------------------------------------- load */

static int known_name(const pp_template *t, const char *name)
{
    for (size_t i = 0; i < t->nargs; i++)
        if (strcmp(t->args[i].name, name) == 0)
            return 1;
    for (size_t i = 0; i < t->nconsts; i++)
        if (strcmp(t->consts[i].name, name) == 0)
            return 1;
    for (size_t i = 0; i < t->npair_args; i++)
        if (strcmp(t->pair_args[i].name, name) == 0)
            return 1;
    if (t->has_cloze &&
        (strcmp(t->cloze_masked, name) == 0 || strcmp(t->cloze_answer, name) == 0))
        return 1;
    if (t->nchoices && (strcmp(name, "choices") == 0 || strcmp(name, "answer") == 0))
        return 1;
    return 0;
}

static pp_status check_pattern(const pp_template *t, const char *pat, long line, pp_error *err)
{
    char **names = NULL;
    size_t n = 0;
    pp_error e;
    pp_error_clear(&e);
    if (pp_msgformat_names(pat, &names, &n, &e) != PP_OK)
        return pp_error_set(err, e.code, t->path, line, "%s", e.message);
    pp_status st = PP_OK;
    for (size_t i = 0; i < n && st == PP_OK; i++)
        if (!known_name(t, names[i]))
            st = pp_error_set(err, PP_ERR_NOT_FOUND, t->path, line,
                              "pattern uses {%s}, but the template declares no <arg>, <const>, "
                              "<cloze> or <choices> that provides it",
                              names[i]);
    pp_strv_free(names, n);
    return st;
}

static pp_status canon_tag(const char *tag, char **out, const char *path, long line, pp_error *err)
{
    char buf[128];
    pp_error e;
    pp_error_clear(&e);
    if (pp_langtag_canonicalize(tag, buf, sizeof buf, &e) != PP_OK)
        return pp_error_set(err, PP_ERR_INVALID, path, line, "%s", e.message);
    *out = xstrdup(buf);
    return *out ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
}

static pp_status push_str(char ***v, size_t *n, char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv || !s) {
        free(s);
        if (nv)
            *v = nv;
        return PP_ERR_NOMEM;
    }
    nv[(*n)++] = s;
    *v = nv;
    return PP_OK;
}

/* Space-separated language codes -> canonical primary subtags. */
static pp_status split_keys(const char *codes, char ***keys, size_t *n, const char *path,
                            long line, pp_error *err)
{
    char *dup = xstrdup(codes ? codes : ""), *save = NULL;
    if (!dup)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (char *tok = strtok_r(dup, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
        char key[64];
        pp_tpl_langkey(tok, key, sizeof key);
        if (!key[0]) {
            pp_error_set(err, PP_ERR_INVALID, path, line, "\"%s\" is not a language tag", tok);
            free(dup);
            return PP_ERR_INVALID;
        }
        if (push_str(keys, n, xstrdup(key)) != PP_OK) {
            free(dup);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
    }
    free(dup);
    if (*n == 0)
        return pp_error_set(err, PP_ERR_INVALID, path, line, "no language code given");
    return PP_OK;
}

static pp_status load_source(pp_template *t, xmlNode *src, pp_error *err)
{
    t->dataset = attr(src, "dataset");
    t->split = attr(src, "split");
    char *needs = attr(src, "needs");
    t->needs = PP_NEED_TEXT;
    for (char *save = NULL, *tok = needs ? strtok_r(needs, " ", &save) : NULL; tok;
         tok = strtok_r(NULL, " ", &save))
        t->needs |= strcmp(tok, "parallel") == 0  ? PP_NEED_PARALLEL
                    : strcmp(tok, "title") == 0   ? PP_NEED_TITLE
                    : strcmp(tok, "article") == 0 ? PP_NEED_ARTICLE
                                                  : 0;
    free(needs);
    char *langs = attr(src, "langs");
    pp_status lst = split_keys(langs ? langs : t->langkey, &t->srckeys, &t->nsrckeys, t->path,
                               xmlGetLineNo(src), err);
    free(langs);
    if (lst != PP_OK)
        return lst;
    for (xmlNode *c = src->children; c; c = c->next) {
        if (is_el(c, "arg")) {
            tpl_arg *na = realloc(t->args, (t->nargs + 1) * sizeof *na);
            if (!na)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            t->args = na;
            memset(&t->args[t->nargs], 0, sizeof *na);
            pp_status st = parse_arg(c, t->path, &t->args[t->nargs++], err);
            if (st != PP_OK)
                return st;
        } else if (is_el(c, "const")) {
            tpl_const *nc = realloc(t->consts, (t->nconsts + 1) * sizeof *nc);
            if (!nc)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            t->consts = nc;
            tpl_const *k = &t->consts[t->nconsts++];
            memset(k, 0, sizeof *k);
            k->name = attr(c, "name");
            char *ty = attr(c, "type");
            parse_type(ty, &k->type);
            free(ty);
            k->str = attr(c, "value");
            if (k->type == PP_MSGARG_DATE && !parse_date(k->str, &k->num))
                return pp_error_set(err, PP_ERR_INVALID, t->path, xmlGetLineNo(c),
                                    "<const %s>: date \"%s\" is not YYYY-MM-DD", k->name,
                                    k->str ? k->str : "");
            if (k->type == PP_MSGARG_NUMBER) {
                char *end;
                errno = 0;
                k->num = strtod(k->str ? k->str : "", &end);
                if (errno || !k->str || end == k->str || *end)
                    return pp_error_set(err, PP_ERR_INVALID, t->path, xmlGetLineNo(c),
                                        "<const %s>: \"%s\" is not a number", k->name,
                                        k->str ? k->str : "");
            }
        } else if (is_el(c, "where")) {
            tpl_where *nw = realloc(t->wheres, (t->nwheres + 1) * sizeof *nw);
            if (!nw)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            t->wheres = nw;
            tpl_where *w = &t->wheres[t->nwheres++];
            memset(w, 0, sizeof *w);
            w->field = attr(c, "field");
            w->equals = attr(c, "equals");
            char *mn = attr(c, "min"), *mx = attr(c, "max");
            if (mn)
                w->has_min = 1, w->min = strtod(mn, NULL);
            if (mx)
                w->has_max = 1, w->max = strtod(mx, NULL);
            free(mn), free(mx);
        } else if (is_el(c, "pair")) {
            t->has_pair = 1;
            char *pl = attr(c, "lang");
            pp_status st = canon_tag(pl, &t->pair_lang, t->path, xmlGetLineNo(c), err);
            free(pl);
            if (st != PP_OK)
                return st;
            char key[32];
            pp_tpl_langkey(t->pair_lang, key, sizeof key);
            t->pair_key = xstrdup(key);
            t->pair_doc = attr(c, "doc");
            char *on = attr(c, "on");
            char *save = NULL;
            for (char *tok = strtok_r(on, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
                if (push_str(&t->pair_on, &t->npair_on, xstrdup(tok)) != PP_OK) {
                    free(on);
                    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                }
            free(on);
            if (!t->npair_on)
                return pp_error_set(err, PP_ERR_INVALID, t->path, xmlGetLineNo(c),
                                    "<pair on=\"...\"> names no field to join on");
            for (xmlNode *a = c->children; a; a = a->next) {
                if (!is_el(a, "arg"))
                    continue;
                tpl_arg *na = realloc(t->pair_args, (t->npair_args + 1) * sizeof *na);
                if (!na)
                    return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                t->pair_args = na;
                memset(&t->pair_args[t->npair_args], 0, sizeof *na);
                st = parse_arg(a, t->path, &t->pair_args[t->npair_args++], err);
                if (st != PP_OK)
                    return st;
            }
        } else if (is_el(c, "cloze")) {
            t->has_cloze = 1;
            t->cloze_arg = attr(c, "arg");
            t->cloze_masked = attr(c, "masked");
            t->cloze_answer = attr(c, "answer");
            t->cloze_blank = attr(c, "blank");
            if (!t->cloze_blank)
                t->cloze_blank = xstrdup("____");
            char *ml = attr(c, "min-letters");
            t->cloze_min = ml ? atoi(ml) : 4;
            free(ml);
            int found = 0;
            for (size_t i = 0; i < t->nargs; i++)
                found |= strcmp(t->args[i].name, t->cloze_arg) == 0;
            if (!found)
                return pp_error_set(err, PP_ERR_NOT_FOUND, t->path, xmlGetLineNo(c),
                                    "<cloze arg=\"%s\"> names no declared <arg>", t->cloze_arg);
        }
    }
    return PP_OK;
}

static pp_status load_choices(pp_template *t, xmlNode *ch, pp_error *err)
{
    char *kind = attr(ch, "kind"), *list = attr(ch, "list");
    t->choices_language = kind && strcmp(kind, "language") == 0;
    t->list_mode = !list || strcmp(list, "or") == 0 ? 1 : strcmp(list, "lines") == 0 ? 2 : 0;
    free(kind), free(list);
    if (t->list_mode < 2) {
        static const char *const probe[] = {"A", "B", "C"};
        char *tmp = NULL;
        pp_error e;
        pp_error_clear(&e);
        pp_status st = pp_list_format(t->locale, t->list_mode == 1, probe, 3, &tmp, &e);
        free(tmp);
        if (st != PP_OK)
            return pp_error_set(err, st, t->path, xmlGetLineNo(ch),
                                "%s; use <choices list=\"lines\">", e.message);
    }
    for (xmlNode *c = ch->children; c; c = c->next) {
        if (!is_el(c, "choice"))
            continue;
        tpl_choice *nc = realloc(t->choices, (t->nchoices + 1) * sizeof *nc);
        if (!nc)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        t->choices = nc;
        tpl_choice *k = &t->choices[t->nchoices++];
        memset(k, 0, sizeof *k);
        k->code = attr(c, "code");
        k->text = text_of(c);
        trim(k->text);
        if (t->choices_language) {
            pp_status st = split_keys(k->code, &k->keys, &k->nkeys, t->path, xmlGetLineNo(c), err);
            if (st != PP_OK)
                return st;
            char first[64];
            snprintf(first, sizeof first, "%s", k->code);
            first[strcspn(first, " \t\n")] = '\0';
            if (!k->text[0]) {
                /* No name written: take CLDR's name in the template's language. */
                char *nm = NULL;
                pp_error e;
                pp_error_clear(&e);
                if (pp_language_display_name(first, t->lang, &nm, &e) != PP_OK)
                    return pp_error_set(err, PP_ERR_NOT_FOUND, t->path, xmlGetLineNo(c),
                                        "%s; write the name inside <choice code=\"%s\">",
                                        e.message, k->code);
                free(k->text);
                k->text = nm;
            }
        } else if (!k->text[0]) {
            return pp_error_set(err, PP_ERR_INVALID, t->path, xmlGetLineNo(c),
                                "<choice code=\"%s\"> has no text", k->code);
        }
    }
    return PP_OK;
}

static pp_status load_doc(pp_template *t, xmlDoc *doc, pp_error *err)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    pp_status st;
    t->id = attr(root, "id");
    t->task = text_of(child(root, "task"));
    trim(t->task);
    xmlNode *ln = child(root, "language"), *vn = child(root, "variety");
    char *l = text_of(ln), *v = text_of(vn);
    trim(l), trim(v);
    st = canon_tag(l, &t->lang, t->path, xmlGetLineNo(ln), err);
    if (st == PP_OK)
        st = canon_tag(v, &t->variety, t->path, xmlGetLineNo(vn), err);
    free(l), free(v);
    if (st != PP_OK)
        return st;
    char lk[32], vk[32];
    pp_tpl_langkey(t->lang, lk, sizeof lk);
    pp_tpl_langkey(t->variety, vk, sizeof vk);
    if (strcmp(lk, vk) != 0)
        return pp_error_set(err, PP_ERR_INVALID, t->path, xmlGetLineNo(vn),
                            "variety %s is not a variety of language %s", t->variety, t->lang);
    t->langkey = xstrdup(lk);
    xmlNode *lo = child(root, "locale");
    char *cal = lo ? attr(lo, "calendar") : NULL, *num = lo ? attr(lo, "numbers") : NULL;
    st = compute_locale(t, cal, num, err);
    free(cal), free(num);
    if (st != PP_OK)
        return st;
    for (xmlNode *a = child(child(root, "authors"), "author"); a; a = a->next)
        if (is_el(a, "author")) {
            char *s = text_of(a);
            trim(s);
            if (push_str(&t->authors, &t->nauthors, s) != PP_OK)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
    for (xmlNode *a = child(root, "reviewers")->children; a; a = a->next)
        if (is_el(a, "reviewer")) {
            char *s = text_of(a);
            trim(s);
            if (push_str(&t->reviewers, &t->nreviewers, s) != PP_OK)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
    xmlNode *rv = child(root, "review");
    t->review_status = attr(rv, "status");
    t->review_note = text_of(rv);
    trim(t->review_note);
    if (strcmp(t->review_status, "draft") != 0 && t->nreviewers == 0)
        return pp_error_set(err, PP_ERR_INVALID, t->path, xmlGetLineNo(rv),
                            "review status \"%s\" but no <reviewer> is named", t->review_status);
    t->license = text_of(child(root, "license"));
    trim(t->license);
    st = load_source(t, child(root, "source"), err);
    if (st != PP_OK)
        return st;
    /* what the fields read imply, declared or not */
    if (t->has_pair)
        t->needs |= PP_NEED_PARALLEL;
    for (size_t i = 0; i < t->nargs; i++) {
        if (strcmp(t->args[i].field, "meta.article") == 0)
            t->needs |= PP_NEED_ARTICLE;
        if (strcmp(t->args[i].field, "meta.title") == 0)
            t->needs |= PP_NEED_TITLE;
    }
    xmlNode *ch = child(root, "choices");
    if (ch && (st = load_choices(t, ch, err)) != PP_OK)
        return st;
    xmlNode *in = child(root, "input"), *tg = child(root, "target");
    t->input = text_of(in);
    t->target = text_of(tg);
    trim(t->input), trim(t->target);
    t->input_line = xmlGetLineNo(in);
    t->target_line = xmlGetLineNo(tg);
    if ((st = check_pattern(t, t->input, t->input_line, err)) != PP_OK ||
        (st = check_pattern(t, t->target, t->target_line, err)) != PP_OK)
        return st;
    xmlNode *md = child(root, "metadata");
    t->family = text_of(child(md, "family"));
    trim(t->family);
    for (xmlNode *m = md->children; m; m = m->next)
        if (is_el(m, "metric")) {
            char *s = text_of(m);
            trim(s);
            if (push_str(&t->metrics, &t->nmetrics, s) != PP_OK)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
    char *cip = text_of(child(md, "choices-in-prompt"));
    trim(cip);
    t->choices_in_prompt = cip && (strcmp(cip, "true") == 0 || strcmp(cip, "1") == 0);
    free(cip);
    {
        pp_error e;
        pp_error_clear(&e);
        /* Patterns must also build in the locale (argument styles such as
         * {n, spellout} depend on it). */
        char *tmp = NULL;
        if (pp_msgformat(t->locale, t->input, NULL, 0, &tmp, &e) != PP_OK)
            st = pp_error_set(err, e.code, t->path, t->input_line, "%s", e.message);
        free(tmp);
        tmp = NULL;
        if (st == PP_OK && pp_msgformat(t->locale, t->target, NULL, 0, &tmp, &e) != PP_OK)
            st = pp_error_set(err, e.code, t->path, t->target_line, "%s", e.message);
        free(tmp);
    }
    return st;
}

pp_status pp_template_load(const char *path, const char *schema_path, pp_template **out,
                           pp_error *err)
{
    if (!path || !out)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "pp_template_load: NULL argument");
    *out = NULL;
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        FILE *f = fopen(path, "rb");
        if (!f)
            return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
        fclose(f);
        char msg[600] = "not well-formed XML";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "not well-formed XML: %s", e->message);
            size_t n = strlen(msg);
            while (n && msg[n - 1] == '\n')
                msg[--n] = '\0';
        }
        return pp_error_set(err, PP_ERR_PARSE, path, e ? e->line : 0, "%s", msg);
    }
    pp_status st = validate_schema(doc, path, schema_path, err);
    if (st != PP_OK) {
        xmlFreeDoc(doc);
        return st;
    }
    pp_template *t = calloc(1, sizeof *t);
    if (!t) {
        xmlFreeDoc(doc);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    t->path = xstrdup(path);
    st = load_doc(t, doc, err);
    xmlFreeDoc(doc);
    if (st != PP_OK) {
        pp_template_free(t);
        return st;
    }
    *out = t;
    return PP_OK;
}

const char *pp_template_id(const pp_template *t) { return t->id; }
const char *pp_template_path(const pp_template *t) { return t->path; }
const char *pp_template_task(const pp_template *t) { return t->task; }
const char *pp_template_lang(const pp_template *t) { return t->lang; }
const char *pp_template_variety(const pp_template *t) { return t->variety; }
const char *pp_template_review_status(const pp_template *t) { return t->review_status; }
const char *pp_template_dataset(const pp_template *t) { return t->dataset; }
unsigned pp_template_needs(const pp_template *t) { return t->needs; }

void pp_template_need_describe(const pp_template *t, unsigned need, char *buf, size_t cap)
{
    switch (need) {
    case PP_NEED_PARALLEL: {
        char on[256] = "";
        for (size_t i = 0; i < t->npair_on; i++) {
            size_t l = strlen(on);
            snprintf(on + l, sizeof on - l, "%s%s", i ? " " : "", t->pair_on[i]);
        }
        snprintf(buf, cap, "a parallel text in %s (joined on %s)",
                 t->pair_lang ? t->pair_lang : "?", on);
        break;
    }
    case PP_NEED_TITLE: snprintf(buf, cap, "a title (meta.title)"); break;
    case PP_NEED_ARTICLE: snprintf(buf, cap, "an article number (meta.article)"); break;
    default: snprintf(buf, cap, "a text in %s", t->lang); break;
    }
}
const char *pp_template_locale(const pp_template *t) { return t->locale; }
long pp_template_input_line(const pp_template *t) { return t->input_line; }
size_t pp_template_nauthors(const pp_template *t) { return t->nauthors; }
const char *pp_template_author(const pp_template *t, size_t i)
{
    return i < t->nauthors ? t->authors[i] : NULL;
}
size_t pp_template_nreviewers(const pp_template *t) { return t->nreviewers; }
const char *pp_template_reviewer(const pp_template *t, size_t i)
{
    return i < t->nreviewers ? t->reviewers[i] : NULL;
}
