/* audit_ledger.c — read ledger rows and group them by metric and language. */
#include "config.h"
#include "eval-sets/audit/audit.h"
#include "src/pp_langtag.h"
#include "src/pp_record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    char *key, *stage, *step, *name, *lang;
    char *tag;  /* the tag as the ledger wrote it (canonical BCP 47) */
    double value, lo, hi;
    long n;
    long seq; /* order of reading: the last row of a (key, tag) wins */
    int kind; /* -1, or the row's own "kind" */
    int lower; /* -1, or the row's own "better" */
    double rlo, rhi; /* the row's own "range", NAN when absent */
} row;

/* The pipeline order of stages (DESIGN.md); others follow alphabetically. */
int audit_stage_rank(const char *s)
{
    static const char *const order[] = {"ingest", "corpus", "lid", "langs", "discover",
                                        "normalize", "filter", "dedup", "pii", "sample",
                                        "tokenizers", "tokenizer", "instruct", "prefs", "align",
                                        "train", "eval"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (strcmp(s, order[i]) == 0)
            return (int)i;
    return 1000;
}

static int cmp_row(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = audit_stage_rank(x->stage) - audit_stage_rank(y->stage);
    if (!c)
        c = strcmp(x->key, y->key);
    if (!c)
        c = strcmp(x->lang, y->lang);
    if (!c)
        c = (x->seq > y->seq) - (x->seq < y->seq);
    return c;
}

static double opt_num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

size_t audit_lang_index(const audit *a, const char *lang)
{
    size_t lo = 0, hi = a->nl;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(a->l[mid].lang, lang);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_rows(row *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].key), free(r[i].stage), free(r[i].step), free(r[i].name), free(r[i].lang);
        free(r[i].tag);
    }
    free(r);
}

static void report(const pp_error *err)
{
    char buf[2048];
    fprintf(stderr, "polyphony audit: %s\n", pp_error_format(err, buf, sizeof buf));
}

/* Append the rows of one ledger file to *rows. Returns 0 after printing an error. */
/* Whether canonical tag `tag` is undetermined ("und", "und-Latn": what
 * language ID writes for the records it abstains on). ("mul" stays: the
 * align stage's rows across communities; "mis" is a language without a code.) */
static int undetermined(const char *tag)
{
    return strncmp(tag, "und", 3) == 0 && (tag[3] == '\0' || tag[3] == '-');
}

static int read_ledger(const char *path, row **rows, size_t *n, size_t *cap, long *nund)
{
    pp_error err;
    pp_reader *rd = NULL;
    if (pp_reader_open(path, &rd, &err) != PP_OK) {
        report(&err);
        return 0;
    }
    const char *fname = pp_reader_name(rd);
    int ok = 1;
    while (ok) {
        json_t *j = NULL;
        if (pp_reader_next(rd, &j, &err) != PP_OK) {
            report(&err);
            ok = 0;
            break;
        }
        if (!j)
            break;
        long line = pp_reader_lineno(rd);
        const char *stage = pp_record_str(j, "stage"), *lang = pp_record_str(j, "lang");
        const char *metric = pp_record_str(j, "metric"), *step = pp_record_str(j, "step");
        const json_t *val = json_object_get(j, "value");
        const char *missing = !stage || !*stage ? "stage" : !lang || !*lang ? "lang"
                              : !metric || !*metric ? "metric" : !val ? "value" : NULL;
        char tag[128];
        if (missing) {
            pp_error_set(&err, PP_ERR_INVALID, fname, line,
                         "ledger row has no '%s' (rows need stage, lang, metric, value)", missing);
            ok = 0;
        } else if (!json_is_number(val) && !json_is_null(val)) {
            pp_error_set(&err, PP_ERR_INVALID, fname, line, "'value' must be a number or null");
            ok = 0;
        } else if (pp_langtag_canonicalize(lang, tag, sizeof tag, NULL) != PP_OK) {
            pp_error_set(&err, PP_ERR_INVALID, fname, line, "'lang' \"%s\" is not a BCP 47 tag", lang);
            ok = 0;
        }
        /* optional: the row says what its metric is */
        const char *kind = pp_record_str(j, "kind"), *better = pp_record_str(j, "better");
        const json_t *range = json_object_get(j, "range");
        int rkind = -1, rlower = -1;
        double rlo = NAN, rhi = NAN;
        if (ok && kind) {
            rkind = strcmp(kind, "quality") == 0 ? AUDIT_QUALITY : strcmp(kind, "cost") == 0 ? AUDIT_COST
                    : strcmp(kind, "inventory") == 0 ? AUDIT_INVENTORY : -1;
            if (rkind < 0) {
                pp_error_set(&err, PP_ERR_INVALID, fname, line,
                             "'kind' is quality, cost or inventory, not \"%s\"", kind);
                ok = 0;
            }
        }
        if (ok && better) {
            rlower = strcmp(better, "lower") == 0 ? 1 : strcmp(better, "higher") == 0 ? 0 : -1;
            if (rlower < 0) {
                pp_error_set(&err, PP_ERR_INVALID, fname, line,
                             "'better' is higher or lower, not \"%s\"", better);
                ok = 0;
            }
        }
        if (ok && range) {
            const json_t *r0 = json_array_get(range, 0), *r1 = json_array_get(range, 1);
            rlo = json_is_number(r0) ? json_number_value(r0) : json_is_null(r0) ? -INFINITY : NAN;
            rhi = json_is_number(r1) ? json_number_value(r1) : json_is_null(r1) ? INFINITY : NAN;
            if (!json_is_array(range) || json_array_size(range) != 2 || isnan(rlo) || isnan(rhi) ||
                !(rlo < rhi)) {
                pp_error_set(&err, PP_ERR_INVALID, fname, line,
                             "'range' must be [lo, hi] with lo < hi (null: unbounded)");
                ok = 0;
            }
        }
        if (!ok) {
            report(&err);
            json_decref(j);
            break;
        }
        if (undetermined(tag)) {
            ++*nund;
            json_decref(j);
            continue;
        }
        if (*n == *cap) {
            size_t nc = *cap ? 2 * *cap : 1024;
            row *nr = realloc(*rows, nc * sizeof *nr);
            if (!nr) {
                json_decref(j);
                fprintf(stderr, "polyphony audit: out of memory\n");
                ok = 0;
                break;
            }
            *rows = nr;
            *cap = nc;
        }
        row *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->stage = strdup(stage);
        r->step = step && *step ? strdup(step) : NULL;
        /* rows of one community's groups (stage align: who the model was
         * steered to serve) stay apart: the group joins the step, "dpo[plain]" */
        const char *group = pp_record_str(j, "group");
        if (group && *group) {
            size_t gl = (r->step ? strlen(r->step) : 0) + strlen(group) + 3;
            char *gs = malloc(gl);
            if (gs)
                snprintf(gs, gl, "%s[%s]", r->step ? r->step : "", group);
            free(r->step);
            r->step = gs;
        }
        r->name = strdup(metric);
        r->lang = strdup(tag);
        r->tag = strdup(tag);
        r->kind = rkind;
        r->lower = rlower;
        r->rlo = rlo;
        r->rhi = rhi;
        size_t kl = strlen(stage) + strlen(metric) + (r->step ? strlen(r->step) : 0) + 3;
        r->key = malloc(kl);
        if (r->key)
            snprintf(r->key, kl, "%s.%s%s%s", stage, r->step ? r->step : "", r->step ? "." : "",
                     metric);
        r->value = json_is_number(val) ? json_number_value(val) : NAN;
        r->lo = opt_num(j, "lo");
        r->hi = opt_num(j, "hi");
        const json_t *nn = json_object_get(j, "n");
        r->n = json_is_integer(nn) ? (long)json_integer_value(nn) : -1;
        r->seq = (long)*n;
        json_decref(j);
        if (!r->stage || !r->name || !r->lang || !r->tag || !r->key) {
            fprintf(stderr, "polyphony audit: out of memory\n");
            ok = 0;
        }
    }
    pp_reader_close(rd);
    return ok;
}

/* Replace each row's tag by its key at a->level (pp_lang_key). At the
 * individual level a macrolanguage tag ("sw") joins its individual language
 * when exactly one of its members ("swh") is in the ledger. */
static int lang_keys(audit *a, row *rows, size_t n)
{
    pp_registry *reg = NULL;
    if (pp_registry_open(NULL, &reg, NULL) != PP_OK)
        reg = NULL; /* canonical tags as they are */
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        char k[128];
        pp_error err;
        if (pp_lang_key(reg, rows[i].lang, a->level, k, sizeof k, &err) != PP_OK)
            continue; /* canonicalized already: cannot fail */
        if (strcmp(k, rows[i].lang) != 0) {
            char *d = strdup(k);
            if (!d) {
                ok = 0;
                break;
            }
            free(rows[i].lang);
            rows[i].lang = d;
        }
    }
    if (ok && reg && a->level == PP_LANG_INDIVIDUAL) {
        /* over the distinct tags (a ledger has few languages and many rows) */
        char **u = malloc((n ? n : 1) * sizeof *u);
        const char **to = calloc(n ? n : 1, sizeof *to);
        size_t nu = 0;
        if (!u || !to) {
            ok = 0;
        } else {
            for (size_t i = 0; i < n; i++)
                u[i] = rows[i].lang;
            qsort(u, n, sizeof *u, cmp_str);
            for (size_t i = 0; i < n; i++)
                if (i == 0 || strcmp(u[i], u[nu - 1]) != 0)
                    u[nu++] = u[i];
            /* own copies, so rows can drop their strings below */
            for (size_t i = 0; i < nu && ok; i++)
                if (!(u[i] = strdup(u[i]))) {
                    nu = i;
                    ok = 0;
                }
            /* a macrolanguage tag with exactly one member among the tags */
            for (size_t i = 0; i < nu; i++) {
                const pp_language *m = strchr(u[i], '-') ? NULL : pp_registry_get(reg, u[i]);
                if (!m || m->scope != 'M')
                    continue;
                const char *member = NULL;
                int several = 0;
                for (size_t j = 0; j < nu && !several; j++) {
                    if (j == i || strchr(u[j], '-'))
                        continue;
                    const pp_language *e = pp_registry_get(reg, u[j]);
                    if (e && pp_language_macrolanguage(reg, e) == m) {
                        several = member != NULL;
                        member = u[j];
                    }
                }
                if (member && !several)
                    to[i] = member;
            }
            for (size_t i = 0; i < n && ok && nu; i++) {
                char **hit = bsearch(&rows[i].lang, u, nu, sizeof *u, cmp_str);
                const char *t = hit ? to[hit - u] : NULL;
                if (t) {
                    char *d = strdup(t);
                    if (!d) {
                        ok = 0;
                        break;
                    }
                    free(rows[i].lang);
                    rows[i].lang = d;
                }
            }
            for (size_t i = 0; i < nu; i++)
                free(u[i]);
        }
        free(u);
        free(to);
    }
    pp_registry_free(reg);
    if (!ok)
        fprintf(stderr, "polyphony audit: out of memory\n");
    return ok;
}

/* Note on the language the tags that were counted under it. */
static void note_merged(audit_lang *l, const char *tag)
{
    if (strcmp(l->lang, tag) == 0)
        return;
    if (l->merged) {
        /* already listed? */
        size_t tl = strlen(tag);
        for (const char *p = l->merged; (p = strstr(p, tag)) != NULL; p += tl)
            if ((p == l->merged || p[-1] == ' ') && (p[tl] == ',' || p[tl] == '\0'))
                return;
        size_t len = strlen(l->merged) + tl + 3;
        char *m = malloc(len);
        if (!m)
            return;
        snprintf(m, len, "%s, %s", l->merged, tag);
        free(l->merged);
        l->merged = m;
    } else {
        l->merged = strdup(tag);
    }
}

int audit_read(audit *a, char **files, int nfiles)
{
    row *rows = NULL;
    size_t n = 0, cap = 0;
    int ok = 1;
    for (int f = 0; f < nfiles && ok; f++) {
        ok = read_ledger(files[f], &rows, &n, &cap, &a->nund);
        a->nfiles++;
    }
    if (ok && a->nund)
        fprintf(stderr, "polyphony audit: %ld %s of undetermined language (und: no language "
                        "named, as language ID's abstentions and uncoded varieties) left out\n",
                a->nund, a->nund == 1 ? "row" : "rows");
    if (ok && n == 0) {
        fprintf(stderr, "polyphony audit: no ledger rows in the input (rows need stage, lang, "
                        "metric, value)\n");
        ok = 0;
    }
    if (!ok) {
        free_rows(rows, n);
        return 0;
    }
    a->nrows = (long)n;
    if (!lang_keys(a, rows, n)) {
        free_rows(rows, n);
        return 0;
    }
    if (n > 1)
        qsort(rows, n, sizeof *rows, cmp_row);

    /* Languages. */
    char **tags = malloc(n * sizeof *tags);
    size_t nt = 0;
    for (size_t i = 0; i < n; i++)
        tags[i] = rows[i].lang;
    if (n > 1)
        qsort(tags, n, sizeof *tags, cmp_str);
    a->l = calloc(n, sizeof *a->l);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(tags[i], tags[i - 1]) != 0) {
            a->l[nt].lang = strdup(tags[i]);
            a->l[nt].speakers = -1;
            a->l[nt].lat = a->l[nt].lon = NAN;
            nt++;
        }
    a->nl = nt;
    free(tags);
    for (size_t i = 0; i < n; i++)
        note_merged(&a->l[audit_lang_index(a, rows[i].lang)], rows[i].tag);

    /* Metrics: rows are sorted by stage rank, key, lang, reading order. */
    a->m = calloc(n, sizeof *a->m);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(rows[j].key, rows[i].key) == 0)
            j++;
        audit_metric *m = &a->m[a->nm++];
        m->key = strdup(rows[i].key);
        m->stage = strdup(rows[i].stage);
        m->step = rows[i].step ? strdup(rows[i].step) : NULL;
        m->name = strdup(rows[i].name);
        if (!audit_kind_of(m)) {
            free_rows(rows, n);
            return 0;
        }
        m->cells = calloc(j - i, sizeof *m->cells);
        audit_cell *tagc = calloc(j - i, sizeof *tagc);
        if (!m->cells || !tagc) {
            free(tagc);
            free_rows(rows, n);
            fprintf(stderr, "polyphony audit: out of memory\n");
            return 0;
        }
        for (size_t k = i; k < j; k++) {
            /* the row's own kind, direction and range (the last row saying so wins) */
            if (rows[k].kind >= 0)
                m->kind = (audit_kind)rows[k].kind, m->declared = 1;
            if (rows[k].lower >= 0)
                m->lower = rows[k].lower, m->declared = 1;
            if (!isnan(rows[k].rlo))
                m->lo = rows[k].rlo, m->hi = rows[k].rhi;
        }
        /* a row that says what its metric is also says how it pools */
        if (!m->pool_declared)
            m->pool = audit_pool_default(m);
        /* One language's rows (in reading order): the last row of each tag
         * counts (a re-run replaces a run), and the tags' rows are pooled. */
        for (size_t g = i; g < j;) {
            size_t e = g, ntag = 0, nan = 0;
            while (e < j && strcmp(rows[e].lang, rows[g].lang) == 0)
                e++;
            for (size_t k = g; k < e; k++) {
                int later = 0;
                for (size_t q = k + 1; q < e && !later; q++)
                    later = strcmp(rows[q].tag, rows[k].tag) == 0;
                if (later)
                    continue;
                if (!isfinite(rows[k].value)) {
                    nan++;
                    continue;
                }
                audit_cell *c = &tagc[ntag++];
                c->lang = audit_lang_index(a, rows[k].lang);
                c->value = rows[k].value;
                c->lo = rows[k].lo;
                c->hi = rows[k].hi;
                c->n = rows[k].n;
            }
            m->nskipped += nan;
            if (ntag > 0)
                audit_pool_cells(m, tagc, ntag, &m->cells[m->ncells++]);
            m->npooled += ntag > 1;
            g = e;
        }
        free(tagc);
        i = j;
    }
    free_rows(rows, n);
    return 1;
}

void audit_free(audit *a)
{
    for (size_t i = 0; i < a->nm; i++) {
        free(a->m[i].key), free(a->m[i].stage), free(a->m[i].step), free(a->m[i].name);
        free(a->m[i].cells), free(a->m[i].gap);
    }
    free(a->m);
    for (size_t i = 0; i < a->nl; i++)
        free(a->l[i].lang), free(a->l[i].name), free(a->l[i].speakers_from), free(a->l[i].merged);
    free(a->l);
}

int audit_compute(audit *a)
{
    for (size_t i = 0; i < a->nm; i++) {
        audit_metric *m = &a->m[i];
        if (m->ncells == 0 || m->kind == AUDIT_INVENTORY)
            continue; /* inventory is context: no gaps */
        m->gap = calloc(m->ncells, sizeof *m->gap);
        if (!m->gap) {
            fprintf(stderr, "polyphony audit: out of memory\n");
            return 0;
        }
        for (size_t k = 0; k < m->ncells; k++) {
            m->gap[k].lang = a->l[m->cells[k].lang].lang;
            m->gap[k].value = m->cells[k].value;
            /* --speakers none: every language weighs the same (M_1 = M_0) */
            m->gap[k].speakers = a->speakers_source && strcmp(a->speakers_source, "none") == 0
                                     ? 1.0
                                     : a->l[m->cells[k].lang].speakers;
        }
        pp_error err;
        for (size_t k = 0; k < m->ncells; k++)
            m->gap[k].speakers_imputed = a->l[m->cells[k].lang].speakers_from != NULL;
        pp_gap_scale sc = {m->lower, m->lo, m->hi};
        if (pp_gap_compute_scaled(m->gap, m->ncells, &sc, a->tau, &m->sum, &err) != PP_OK) {
            fprintf(stderr, "polyphony audit: metric %s: %s\n", m->key, err.message);
            return 0;
        }
    }
    return 1;
}
