/* pp_lid.c — loading a LID model (+ thresholds sidecar), label mapping and
 * identification with abstention. */
#include "config.h"
#include "langs/pp_lid.h"

#include "langs/pp_cluster.h"
#include "src/pp_data.h"
#include "langs/pp_fasttext.h"
#include "langs/pp_lid_check.h"
#include "src/pp_langtag.h"
#include "src/pp_record.h"
#include "langs/pp_registry.h"
#include "src/pp_stream.h"
#include "src/pp_text.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unicode/utf8.h>
#include <xxhash.h>

struct pp_lid {
    pp_fasttext *ft;
    int nlabels;
    pp_lid_label *map;   /* per model label */
    double *thr;         /* sidecar thresholds per label */
    char **scripts;      /* per label, space-separated */
    json_t *index;       /* label -> integer index */
    int *ltab;           /* the same as an open-addressing table of label indexes (-1 empty) */
    pp_trigram_counter *counter; /* the text's trigram counts, buffers reused between calls */
    size_t lmask;
    double override;     /* < 0: use thr[] */
    double deflt;
    /* Trigram profiles (MODEL.profiles.tsv): a label has one per domain of
     * its training text; its similarity is its best one's. */
    struct prof_run {
        size_t from, to;     /* its range in pkeys/pw */
        int next;            /* the label's next profile (-1: none) */
        int label;           /* whose profile it is */
        uint64_t dom;        /* hash of its domain ("" when the file has none) */
        pp_profile_vec *vec; /* its look-up table, built on first use */
    } *runs;
    int nruns, capruns;
    int *pfirst;         /* per label: its first run (-1: no profile) */
    int *plast;          /* and its last (new profiles are linked after it) */
    int nprof;           /* labels with a profile */
    uint64_t *pkeys;     /* profiles' hashed trigrams, run by run */
    double *pw;          /* and their weights, log(1 + count) */
    int rerank;          /* candidates re-ranked by profile (0: off) */
    double rerank_weight;/* weight of the model's probability against the cosine */
    double min_sim;      /* abstain under this profile similarity (0: off) */
    double rerank_skip;  /* no re-ranking when the model's best score reaches this */
    double rerank_min_prob; /* candidates under this probability are not re-ranked */
    int script_min;      /* script rule: letters needed (0: off) */
    struct wthr { char ws[8]; double t; } *wthr; /* sidecar "writing_systems": thresholds
                                                    of the decision taken, per writing system */
    int nwthr;
    pp_lid_preprocessing prep; /* what the model is given */
    char *raw;           /* PP_LID_PREPROCESS_NONE: the text, NUL-terminated */
    size_t rawcap;
    struct script_group {
        char ws[8];      /* writing system */
        char lone[8];    /* the one language written in it ("" if several or unknown) */
        char macro[8];   /* the macrolanguage all of them belong to ("" otherwise) */
    } groups[48];        /* computed on first use */
    int ngroups;
    char (*likely)[5];   /* per label: its language's usual script, Han/kana/Hangul
                            folded (fold_cjk); filled on first use */
    pp_registry *reg;    /* for macrolanguages; opened on first use */
    int reg_tried;
    pp_lid_check *check; /* letters and sisters (pp_lid_check.c) */
    double letter_max;   /* the letter check's foreign share (0: off) */
    double sister_margin;/* sisters closer than this give the macrolanguage (0: off) */
    double group_margin; /* close languages of one ISO 639-5 group: the group (0: off) */
};

static void build_label_table(pp_lid *l);

static int is_script_subtag(const char *s)
{
    return strlen(s) == 4 && isupper((unsigned char)s[0]) && islower((unsigned char)s[1]) &&
           islower((unsigned char)s[2]) && islower((unsigned char)s[3]);
}

pp_status pp_lid_label_map(const char *label, pp_lid_label *out, pp_error *err)
{
    memset(out, 0, sizeof *out);
    if (!label || !*label || strlen(label) >= sizeof out->label)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "invalid label '%s'",
                            label ? label : "");
    snprintf(out->label, sizeof out->label, "%s", label);
    char code[64];
    snprintf(code, sizeof code, "%s", label);
    const char *script = NULL;
    char *us = strchr(code, '_');
    if (us && is_script_subtag(us + 1)) { /* GlotLID / OpenLID: xxx_Xxxx */
        *us = '\0';
        script = us + 1;
    }
    if (strcmp(code, "und") == 0) {
        snprintf(out->lang, sizeof out->lang, "und_%s", script ? script : "Zyyy");
        snprintf(out->iso639_3, sizeof out->iso639_3, "und");
        snprintf(out->script, sizeof out->script, "%s", script ? script : "Zyyy");
        return PP_OK;
    }
    char canon[48];
    pp_error e2;
    if (pp_langtag_canonicalize(code, canon, sizeof canon, &e2) != PP_OK)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "label '%s' is not a language code",
                            label);
    size_t clen = strlen(code);
    int three = clen == 3;
    for (size_t i = 0; i < clen; i++)
        if (!islower((unsigned char)code[i]))
            three = 0;
    if (three)
        snprintf(out->iso639_3, sizeof out->iso639_3, "%.7s", code);
    else {
        char iso[4];
        pp_langtag_iso639_3(canon, iso);
        snprintf(out->iso639_3, sizeof out->iso639_3, "%s", iso);
    }
    char likely[5] = "";
    pp_langtag_script(canon, likely);
    if (script) {
        snprintf(out->script, sizeof out->script, "%s", script);
        /* A script subtag only when it is not the language's usual one. */
        if (likely[0] && strcmp(likely, script) != 0 && !strchr(canon, '-'))
            snprintf(out->lang, sizeof out->lang, "%.40s-%.4s", canon, script);
        else
            snprintf(out->lang, sizeof out->lang, "%s", canon);
    } else {
        snprintf(out->script, sizeof out->script, "%s", likely);
        snprintf(out->lang, sizeof out->lang, "%s", canon);
    }
    return PP_OK;
}

void pp_lid_free(pp_lid *l)
{
    if (!l)
        return;
    pp_registry_free(l->reg);
    pp_lid_check_free(l->check);
    free(l->likely);
    free(l->raw);
    if (l->scripts)
        for (int i = 0; i < l->nlabels; i++)
            free(l->scripts[i]);
    free(l->scripts);
    for (int i = 0; i < l->nruns; i++)
        pp_profile_vec_free(l->runs[i].vec);
    free(l->runs);
    free(l->pfirst);
    free(l->plast);
    free(l->pkeys);
    free(l->pw);
    free(l->thr);
    free(l->wthr);
    free(l->map);
    json_decref(l->index);
    free(l->ltab);
    pp_trigram_counter_free(l->counter);
    pp_fasttext_free(l->ft);
    free(l);
}

/* A threshold is compared with a probability: one outside [0, 1] would
 * make every decision (or none) abstain, whatever the model says. */
static int threshold_in_range(const json_t *t)
{
    double v = json_number_value(t);
    return v >= 0.0 && v <= 1.0;
}

static pp_status read_sidecar(pp_lid *l, const char *path, pp_error *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return pp_error_set(err, PP_ERR_PARSE, path, je.line, "bad thresholds file: %s", je.text);
    pp_status st = PP_OK;
    json_t *labels = json_object_get(root, "labels");
    json_t *def = json_object_get(root, "default");
    if (!json_is_object(root) || !json_is_object(labels)) {
        st = pp_error_set(err, PP_ERR_PARSE, path, 0,
                          "bad thresholds file: expected an object with \"labels\"");
        goto done;
    }
    /* A field of the wrong type is an error: ignored, it would leave the
     * thresholds the user meant to set silently unset. */
    json_t *ws = json_object_get(root, "writing_systems");
    if (def && !json_is_number(def) && !json_is_null(def)) {
        st = pp_error_set(err, PP_ERR_PARSE, path, 0,
                          "bad thresholds file: \"default\" is not a number");
        goto done;
    }
    if (json_is_number(def) && !threshold_in_range(def)) {
        st = pp_error_set(err, PP_ERR_PARSE, path, 0,
                          "bad thresholds file: \"default\" is %g, not a threshold from 0 to 1",
                          json_number_value(def));
        goto done;
    }
    if (ws && !json_is_object(ws) && !json_is_null(ws)) {
        st = pp_error_set(err, PP_ERR_PARSE, path, 0,
                          "bad thresholds file: \"writing_systems\" is not an object");
        goto done;
    }
    if (json_is_number(def))
        l->deflt = json_number_value(def);
    for (int i = 0; i < l->nlabels; i++)
        l->thr[i] = l->deflt;
    const char *key;
    json_t *v;
    json_object_foreach(labels, key, v) {
        json_t *t = json_object_get(v, "threshold");
        json_t *s = json_object_get(v, "scripts");
        const char *bad = !json_is_object(v)         ? "is not an object"
                          : t && !json_is_number(t)  ? "has a threshold that is not a number"
                          : t && !threshold_in_range(t) ? "has a threshold that is not from 0 to 1"
                          : s && !json_is_string(s)  ? "has scripts that are not a string"
                                                     : NULL;
        if (bad) {
            st = pp_error_set(err, PP_ERR_PARSE, path, 0, "bad thresholds file: label '%s' %s",
                              key, bad);
            goto done;
        }
        json_t *ix = json_object_get(l->index, key);
        if (!ix)
            continue; /* a label the model does not have */
        int i = (int)json_integer_value(ix);
        if (t)
            l->thr[i] = json_number_value(t);
        if (s) {
            char *dup = strdup(json_string_value(s));
            if (!dup) {
                st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                goto done;
            }
            free(l->scripts[i]);
            l->scripts[i] = dup;
        }
    }
    /* As many writing systems as the file has (no fixed table to overflow). */
    size_t nws = json_is_object(ws) ? json_object_size(ws) : 0;
    if (nws && !(l->wthr = calloc(nws, sizeof *l->wthr))) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
    }
    json_object_foreach(ws, key, v) {
        json_t *t = json_object_get(v, "threshold");
        if (!json_is_number(t) || strlen(key) >= sizeof l->wthr[0].ws) {
            st = pp_error_set(err, PP_ERR_PARSE, path, 0,
                              "bad thresholds file: writing system '%s' is not a script code "
                              "with a numeric threshold", key);
            goto done;
        }
        if (!threshold_in_range(t)) {
            st = pp_error_set(err, PP_ERR_PARSE, path, 0,
                              "bad thresholds file: writing system '%s' has a threshold that is "
                              "not from 0 to 1", key);
            goto done;
        }
        snprintf(l->wthr[l->nwthr].ws, sizeof l->wthr[0].ws, "%s", key);
        l->wthr[l->nwthr++].t = json_number_value(t);
    }
done:
    json_decref(root);
    return st;
}

/* MODEL.profiles.tsv(.zst): "label<TAB>trigram<TAB>count[<TAB>domain]" lines
 * ('#' comments). The lines of one label and domain make one profile,
 * wherever they are in the file: a label trained on several domains (the source of its records,
 * `lid profiles --per-source`) has one per domain, and its similarity to a
 * text is that of its closest profile, so a text in a domain where the
 * label had little training text is not held against it. Each vector weighs
 * a trigram by log(1 + count). Loading keeps the hashed trigrams and
 * weights; a profile's look-up table is built the first time re-ranking
 * needs it (label_sim), so a short run pays only for the labels it meets. */

/* A count as `lid profiles` writes it (printf "%u"): decimal digits alone,
 * at most UINT32_MAX; -1 for anything else (a sign, a fraction, an
 * exponent, hex, inf, nan: strtod took them all, and 1e308 weighed a
 * trigram as log(1e308) = 709 against the writer's few units). */
static double parse_count(const char *s, size_t n)
{
    if (n == 0 || n > 10)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v <= UINT32_MAX ? (double)v : -1;
}

/* One line of the profiles file, cut into its fields. */
typedef struct prof_line {
    const char *label, *tri, *dom; /* dom: "" without a fourth column */
    size_t label_n, tri_n, dom_n;
    double count;
} prof_line;

/* Cut a line (its line end removed) into pl; NULL, or what is wrong with it
 * (in why, which the message then shows). */
static const char *parse_profile_line(const char *line, size_t len, prof_line *pl, char *why,
                                      size_t whysz)
{
    const char *end = line + len;
    const char *t1 = memchr(line, '\t', len);
    const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
    if (!t2)
        return "fewer than three tab-separated columns";
    const char *t3 = memchr(t2 + 1, '\t', (size_t)(end - t2 - 1));
    pl->label = line;
    pl->label_n = (size_t)(t1 - line);
    pl->tri = t1 + 1;
    pl->tri_n = (size_t)(t2 - t1 - 1);
    pl->dom = t3 ? t3 + 1 : "";
    pl->dom_n = t3 ? (size_t)(end - t3 - 1) : 0;
    size_t bad;
    if (t3 && memchr(pl->dom, '\t', pl->dom_n))
        return "more than four tab-separated columns";
    if (pl->label_n >= 64)
        return "the label is longer than 63 bytes";
    if (memchr(line, '\0', pl->label_n))
        return "the label has a NUL byte";
    if (pl->tri_n == 0)
        return "the trigram is empty";
    if (!pp_utf8_valid(pl->tri, pl->tri_n, &bad)) {
        snprintf(why, whysz, "the trigram is not valid UTF-8 (byte %zu of it)", bad + 1);
        return why;
    }
    pl->count = parse_count(t2 + 1, (size_t)((t3 ? t3 : end) - t2 - 1));
    if (pl->count < 0)
        return "the count is not a whole number in decimal digits from 0 to 4294967295";
    if (t3 && pl->dom_n == 0)
        return "the domain (fourth column) is empty";
    if (memchr(pl->dom, '\r', pl->dom_n)) /* (the writer refuses such a source) */
        return "the domain has a carriage return (CR) in it";
    if (pl->dom_n >= PP_LID_DOMAIN_MAX) {
        snprintf(why, whysz, "the domain is longer than %d bytes", PP_LID_DOMAIN_MAX - 1);
        return why;
    }
    if (!pp_utf8_valid(pl->dom, pl->dom_n, &bad)) {
        snprintf(why, whysz, "the domain is not valid UTF-8 (byte %zu of it)", bad + 1);
        return why;
    }
    return NULL;
}

/* The profiles met so far while reading, by (label, domain): an
 * open-addressing table of profile indexes (-1 empty), so that a label's
 * lines for one domain make one profile however the file orders them. */
typedef struct prof_index {
    int *slot;
    size_t mask, used;
} prof_index;

static size_t prof_hash(int label, uint64_t dom)
{
    uint64_t h = dom ^ ((uint64_t)(unsigned)label * 0x9E3779B97F4A7C15ULL);
    return (size_t)(h ^ (h >> 29));
}

/* Label ix's profile for domain dom: found, or made and linked after the
 * label's last one; -1 out of memory. */
static int profile_for(pp_lid *l, prof_index *pi, int ix, uint64_t dom)
{
    if (2 * (pi->used + 1) > pi->mask + 1) { /* grow and rehash at half full */
        size_t nm = pi->mask ? 2 * pi->mask + 1 : 1023;
        int *ns = malloc((nm + 1) * sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i <= nm; i++)
            ns[i] = -1;
        for (size_t i = 0; pi->slot && i <= pi->mask; i++) {
            int r = pi->slot[i];
            if (r < 0)
                continue;
            size_t k = prof_hash(l->runs[r].label, l->runs[r].dom) & nm;
            while (ns[k] >= 0)
                k = (k + 1) & nm;
            ns[k] = r;
        }
        free(pi->slot);
        pi->slot = ns;
        pi->mask = nm;
    }
    size_t k = prof_hash(ix, dom) & pi->mask;
    for (; pi->slot[k] >= 0; k = (k + 1) & pi->mask) {
        const struct prof_run *r = &l->runs[pi->slot[k]];
        if (r->label == ix && r->dom == dom)
            return pi->slot[k];
    }
    if (l->nruns == l->capruns) {
        int nc = l->capruns ? 2 * l->capruns : 512;
        struct prof_run *nr = realloc(l->runs, (size_t)nc * sizeof *nr);
        if (!nr)
            return -1;
        l->runs = nr;
        l->capruns = nc;
    }
    struct prof_run *r = &l->runs[l->nruns];
    memset(r, 0, sizeof *r);
    r->next = -1;
    r->label = ix;
    r->dom = dom;
    if (l->pfirst[ix] < 0) {
        l->pfirst[ix] = l->nruns;
        l->nprof++;
    } else {
        l->runs[l->plast[ix]].next = l->nruns;
    }
    l->plast[ix] = l->nruns;
    pi->slot[k] = l->nruns;
    pi->used++;
    return l->nruns++;
}

static pp_status read_profiles(pp_lid *l, const char *path, pp_error *err)
{
    pp_input *in = NULL;
    pp_status st = pp_input_open(path, &in, err);
    if (st != PP_OK)
        return st;
    size_t cap = 4096, n = 0;
    uint64_t *keys = malloc(cap * sizeof *keys);
    double *w = malloc(cap * sizeof *w);
    int *krun = malloc(cap * sizeof *krun); /* each line's profile */
    prof_index pi = {NULL, 0, 0};
    l->pfirst = malloc(((size_t)l->nlabels + 1) * sizeof *l->pfirst);
    l->plast = malloc(((size_t)l->nlabels + 1) * sizeof *l->plast);
    if (!keys || !w || !krun || !l->pfirst || !l->plast) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (int i = 0; i <= l->nlabels; i++)
        l->pfirst[i] = -1; /* no profile */
    char cur[64] = "", dom[PP_LID_DOMAIN_MAX] = "";
    size_t curlen = (size_t)-1, domlen = 0;
    double lg[1024]; /* log1p of small integer counts, -1 until needed */
    for (size_t i = 0; i < sizeof lg / sizeof lg[0]; i++)
        lg[i] = -1.0;
    int cur_ix = -1, run = -1; /* the line's label; its profile */
    for (;;) {
        const char *line;
        size_t len;
        st = pp_input_getline(in, &line, &len, err);
        if (st != PP_OK)
            goto done;
        if (!line)
            break;
        if (len > 0 && line[len - 1] == '\r')
            len--; /* a CR LF line end (a file written on Windows) */
        if (len == 0 || line[0] == '#')
            continue;
        prof_line pl;
        char why[96];
        const char *bad = parse_profile_line(line, len, &pl, why, sizeof why);
        if (bad) {
            st = pp_error_set(err, PP_ERR_PARSE, path, pp_input_lineno(in),
                              "bad profile line: %s; a line is label, trigram, count and an "
                              "optional domain, separated by tabs",
                              bad);
            goto done;
        }
        double c = pl.count;
        size_t ll = pl.label_n, dl = pl.dom_n;
        int new_run = 0;
        if (ll != curlen || memcmp(line, cur, ll) != 0) {
            memcpy(cur, line, ll);
            cur[ll] = '\0';
            curlen = ll;
            json_t *ix = json_object_get(l->index, cur);
            cur_ix = ix ? (int)json_integer_value(ix) : -1;
            if (l->check)
                pp_lid_check_profile_label(l->check, cur);
            new_run = 1;
        }
        if (dl != domlen || (dl && memcmp(pl.dom, dom, dl) != 0)) {
            if (dl)
                memcpy(dom, pl.dom, dl);
            dom[dl] = '\0';
            domlen = dl;
            new_run = 1;
        }
        if (l->check) /* the letters the label's training text used */
            pp_lid_check_profile_trigram(l->check, pl.tri, pl.tri_n);
        if (new_run) {
            run = -1;
            if (cur_ix >= 0 && (run = profile_for(l, &pi, cur_ix, XXH3_64bits(dom, domlen))) < 0) {
                st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                goto done;
            }
        }
        if (cur_ix < 0)
            continue; /* a label the model does not have */
        if (n == cap) {
            cap *= 2;
            uint64_t *nk = realloc(keys, cap * sizeof *nk);
            if (nk)
                keys = nk;
            double *nw = realloc(w, cap * sizeof *nw);
            if (nw)
                w = nw;
            int *nr = realloc(krun, cap * sizeof *nr);
            if (nr)
                krun = nr;
            if (!nk || !nw || !nr) {
                st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                goto done;
            }
        }
        krun[n] = run;
        keys[n] = XXH3_64bits(pl.tri, pl.tri_n);
        /* Log-scaled counts: frequent trigrams shared by many languages must
         * not drown the rarer ones that tell close languages apart. Most
         * counts are small: each one's log1p is computed once. */
        if (c < (double)(sizeof lg / sizeof lg[0])) {
            size_t ci = (size_t)c;
            if (!(lg[ci] >= 0))
                lg[ci] = log1p(c);
            w[n] = lg[ci];
        } else
            w[n] = log1p(c);
        n++;
    }
    if (l->check)
        pp_lid_check_profile_end(l->check);
    /* Each profile's lines together (a counting sort by profile, stable):
     * the file may interleave a label's domains, or other labels. */
    for (int r = 0; r < l->nruns; r++)
        l->runs[r].from = l->runs[r].to = 0;
    for (size_t i = 0; i < n; i++)
        l->runs[krun[i]].to++;
    size_t at = 0;
    for (int r = 0; r < l->nruns; r++) {
        size_t c = l->runs[r].to;
        l->runs[r].from = l->runs[r].to = at;
        at += c;
    }
    l->pkeys = malloc((n ? n : 1) * sizeof *l->pkeys);
    l->pw = malloc((n ? n : 1) * sizeof *l->pw);
    if (!l->pkeys || !l->pw) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = l->runs[krun[i]].to++;
        l->pkeys[j] = keys[i];
        l->pw[j] = w[i];
    }
done:
    free(keys);
    free(w);
    free(krun);
    free(pi.slot);
    pp_input_close(in);
    return st;
}

/* The cosine of the text's trigrams (tk, tw: hashes and weights) with label
 * ix's closest profile; 0 when it has none (or memory ran out building one:
 * that profile then counts as missing). */
static double label_sim(pp_lid *l, int ix, const uint64_t *tk, const double *tw, size_t tn)
{
    if (ix < 0 || !l->pfirst)
        return 0.0;
    double best = 0.0;
    for (int k = l->pfirst[ix]; k >= 0; k = l->runs[k].next) {
        struct prof_run *r = &l->runs[k];
        if (!r->vec && r->to > r->from &&
            pp_profile_vec_from(l->pkeys + r->from, l->pw + r->from, r->to - r->from, &r->vec,
                                NULL) != PP_OK)
            r->to = r->from; /* (not tried again on every text) */
        double c = r->vec ? pp_profile_dot(r->vec, tk, tw, tn) : 0.0;
        if (c > best)
            best = c;
    }
    return best;
}

/* Without a sidecar, a label without a script of its own (lid.176 style
 * "sr") is checked against every script the registry lists for the
 * language, not only ICU's likely one ("sr": Cyrl and Latn). No registry:
 * the likely script alone. */
static void add_registry_scripts(pp_lid *l)
{
    pp_registry *reg = NULL;
    int need = 0;
    for (int i = 0; i < l->nlabels && !need; i++)
        need = strchr(l->map[i].label, '_') == NULL;
    if (!need || pp_registry_open(NULL, &reg, NULL) != PP_OK)
        return;
    for (int i = 0; i < l->nlabels; i++) {
        if (strchr(l->map[i].label, '_'))
            continue;
        const pp_language *lang = pp_registry_get(reg, l->map[i].label);
        if (!lang || !lang->scripts || !*lang->scripts)
            continue;
        size_t n = strlen(l->scripts[i]) + strlen(lang->scripts) + 2;
        char *u = malloc(n);
        if (!u)
            break;
        snprintf(u, n, "%s", l->scripts[i]);
        const char *p = lang->scripts;
        while (*p) {
            while (*p == ' ')
                p++;
            const char *e = p;
            while (*e && *e != ' ')
                e++;
            char sc[16];
            snprintf(sc, sizeof sc, "%.*s", (int)(e - p), p);
            if (*sc && !pp_lid_script_ok(u[0] ? u : "-", sc)) {
                if (u[0])
                    strcat(u, " ");
                strcat(u, sc);
            }
            p = e;
        }
        free(l->scripts[i]);
        l->scripts[i] = u;
    }
    pp_registry_free(reg);
}

pp_status pp_lid_load(const char *model, const char *thresholds, pp_lid **out, pp_error *err)
{
    *out = NULL;
    char bundled[4096];
    if (!model) {
        pp_status st = pp_data_path(PP_LID_BUNDLED_MODEL, bundled, sizeof bundled, err);
        if (st != PP_OK)
            return st;
        model = bundled;
    }
    pp_lid *l = calloc(1, sizeof *l);
    if (!l)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    l->override = -1;
    l->script_min = 4;
    pp_status st = pp_fasttext_load(model, &l->ft, err);
    if (st != PP_OK) {
        pp_lid_free(l);
        return st;
    }
    l->nlabels = pp_fasttext_nlabels(l->ft);
    l->map = calloc((size_t)l->nlabels + 1, sizeof *l->map);
    l->thr = calloc((size_t)l->nlabels + 1, sizeof *l->thr);
    l->scripts = calloc((size_t)l->nlabels + 1, sizeof *l->scripts);
    l->index = json_object();
    if (!l->map || !l->thr || !l->scripts || !l->index) {
        pp_lid_free(l);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (int i = 0; i < l->nlabels; i++) {
        const char *lab = pp_fasttext_label(l->ft, i);
        if (pp_lid_label_map(lab, &l->map[i], NULL) != PP_OK) {
            /* Keep unknown labels usable: the label itself as the tag. */
            memset(&l->map[i], 0, sizeof l->map[i]);
            snprintf(l->map[i].label, sizeof l->map[i].label, "%s", lab);
            snprintf(l->map[i].lang, sizeof l->map[i].lang, "%s", lab);
        }
        l->scripts[i] = strdup(l->map[i].script);
        if (!l->scripts[i] || json_object_set_new(l->index, lab, json_integer(i)) != 0) {
            pp_lid_free(l);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
    }
    build_label_table(l);
    char side[4096 + 32]; /* the model's path plus a sidecar suffix */
    const char *sp = thresholds;
    if (!sp) {
        snprintf(side, sizeof side, "%s.thresholds.json", model);
        if (access(side, R_OK) == 0)
            sp = side;
    }
    if (sp) {
        st = read_sidecar(l, sp, err);
        if (st != PP_OK) {
            pp_lid_free(l);
            return st;
        }
    } else {
        add_registry_scripts(l);
    }
    snprintf(side, sizeof side, "%s.profiles.tsv.zst", model);
    if (access(side, R_OK) != 0)
        snprintf(side, sizeof side, "%s.profiles.tsv", model);
    if (access(side, R_OK) == 0) {
        l->check = pp_lid_check_new(); /* (read_profiles gives it the profiles' letters) */
        st = read_profiles(l, side, err);
        if (st != PP_OK) {
            pp_lid_free(l);
            return st;
        }
        l->rerank = 10;
        l->rerank_weight = 0.0;
        l->rerank_skip = 0.99;
        l->rerank_min_prob = 0.02;
        l->letter_max = PP_LID_LETTER_CHECK_DEFAULT;
        l->sister_margin = PP_LID_SISTER_MARGIN_DEFAULT;
    }
    *out = l;
    return PP_OK;
}

void pp_lid_set_rerank(pp_lid *l, int candidates, double weight)
{
    l->rerank = candidates < 0 ? 0 : candidates > PP_LID_MAX_TOP ? PP_LID_MAX_TOP : candidates;
    l->rerank_weight = weight;
}

void pp_lid_set_rerank_weight(pp_lid *l, double weight)
{
    l->rerank_weight = weight;
}

void pp_lid_set_rerank_skip(pp_lid *l, double p)
{
    l->rerank_skip = p;
}

void pp_lid_set_rerank_min_prob(pp_lid *l, double p)
{
    l->rerank_min_prob = p;
}

void pp_lid_set_letter_check(pp_lid *l, double max_share)
{
    l->letter_max = max_share > 0 ? max_share : 0;
    if (l->letter_max > 0 && !l->check)
        l->check = pp_lid_check_new(); /* ICU's exemplars alone */
}

void pp_lid_set_sister_margin(pp_lid *l, double margin)
{
    l->sister_margin = margin > 0 ? margin : 0;
}

void pp_lid_set_group_margin(pp_lid *l, double margin)
{
    l->group_margin = margin > 0 ? margin : 0;
}

void pp_lid_set_min_similarity(pp_lid *l, double s)
{
    l->min_sim = s;
}

int pp_lid_has_profiles(const pp_lid *l)
{
    return l && l->nprof > 0;
}

void pp_lid_set_threshold(pp_lid *l, double t)
{
    l->override = t;
}

static int label_index(const pp_lid *l, const char *label)
{
    if (l->ltab) { /* called several times per text: no JSON look-up */
        size_t n = strlen(label);
        for (size_t s = (size_t)XXH3_64bits(label, n) & l->lmask;; s = (s + 1) & l->lmask) {
            int i = l->ltab[s];
            if (i < 0)
                return -1;
            if (strcmp(pp_fasttext_label(l->ft, i), label) == 0)
                return i;
        }
    }
    json_t *ix = json_object_get(l->index, label);
    return ix ? (int)json_integer_value(ix) : -1;
}

static void build_label_table(pp_lid *l)
{
    size_t size = 16;
    while (size < 2 * (size_t)l->nlabels + 2)
        size *= 2;
    l->ltab = malloc(size * sizeof *l->ltab);
    if (!l->ltab)
        return; /* label_index falls back to the JSON index */
    for (size_t i = 0; i < size; i++)
        l->ltab[i] = -1;
    l->lmask = size - 1;
    for (int i = 0; i < l->nlabels; i++) {
        const char *lab = pp_fasttext_label(l->ft, i);
        size_t s = (size_t)XXH3_64bits(lab, strlen(lab)) & l->lmask;
        while (l->ltab[s] >= 0)
            s = (s + 1) & l->lmask;
        l->ltab[s] = i;
    }
}

double pp_lid_threshold(const pp_lid *l, const char *label)
{
    if (l->override >= 0)
        return l->override;
    int i = label_index(l, label);
    return i >= 0 ? l->thr[i] : l->deflt;
}

const char *pp_lid_scripts(const pp_lid *l, const char *label)
{
    int i = label_index(l, label);
    return i >= 0 ? l->scripts[i] : "";
}

double pp_lid_writing_threshold(const pp_lid *l, const char *ws)
{
    for (int i = 0; i < l->nwthr; i++)
        if (strcmp(l->wthr[i].ws, ws) == 0)
            return l->wthr[i].t;
    return -1.0;
}

int pp_lid_nlabels(const pp_lid *l)
{
    return l ? l->nlabels : 0;
}

const char *pp_lid_label_at(const pp_lid *l, int i)
{
    return pp_fasttext_label(l->ft, i);
}

void pp_lid_set_preprocess(pp_lid *l, pp_lid_preprocessing p)
{
    l->prep = p;
}

pp_lid_preprocessing pp_lid_get_preprocess(const pp_lid *l)
{
    return l->prep;
}

void pp_lid_set_script_rule(pp_lid *l, int min_letters)
{
    l->script_min = min_letters < 0 ? 0 : min_letters;
}

static int has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == n && n > 0 && memcmp(p, w, n) == 0)
            return 1;
        p = e;
    }
    return 0;
}

/* snprintf(dst, size, "%s", src) without the format machinery (its cost
 * showed in per-record profiles): src cut to size - 1 bytes. */
static void copy_str(char *dst, size_t size, const char *src)
{
    size_t n = 0;
    while (n + 1 < size && src[n])
        n++;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Is label i written in writing system ws? -1 when its scripts are unknown. */
static int in_writing(const pp_lid *l, int i, const char *ws)
{
    const char *sc = l->scripts[i], *iso = l->map[i].iso639_3;
    if (!*sc)
        return -1;
    int han = has_word(sc, "Hani") || has_word(sc, "Hans") || has_word(sc, "Hant");
    if (strcmp(ws, "Jpan") == 0)
        return has_word(sc, "Jpan") || has_word(sc, "Hira") || has_word(sc, "Kana") ||
               (han && strcmp(iso, "jpn") == 0);
    if (strcmp(ws, "Kore") == 0)
        return has_word(sc, "Kore") || has_word(sc, "Hang") || (han && strcmp(iso, "kor") == 0);
    if (strcmp(ws, "Hani") == 0)
        return han && strcmp(iso, "jpn") != 0 && strcmp(iso, "kor") != 0;
    return has_word(sc, ws);
}

/* Han, kana and Hangul scripts as the writing systems of pp_lid_writing_system. */
static void fold_cjk(char sc[5])
{
    if (!strcmp(sc, "Hans") || !strcmp(sc, "Hant"))
        snprintf(sc, 5, "Hani");
    else if (!strcmp(sc, "Hira") || !strcmp(sc, "Kana"))
        snprintf(sc, 5, "Jpan");
    else if (!strcmp(sc, "Hang"))
        snprintf(sc, 5, "Kore");
}

/* Is ws the usual script of the language of label i (ICU's likely script)?
 * Vietnamese is written in Han too, but not usually: it does not keep Han
 * text from Chinese. */
static int usual_writing(pp_lid *l, int i, const char *ws)
{
    if (!l->likely && (l->likely = calloc((size_t)l->nlabels + 1, sizeof *l->likely)))
        for (int j = 0; j < l->nlabels; j++) {
            const pp_lid_label *m = &l->map[j];
            pp_langtag_script(m->iso639_3[0] ? m->iso639_3 : m->lang, l->likely[j]);
            fold_cjk(l->likely[j]);
        }
    if (!l->likely || !l->likely[i][0])
        return 1;
    char w[5];
    copy_str(w, sizeof w, ws);
    fold_cjk(w);
    return strcmp(l->likely[i], w) == 0;
}

/* The languages of the label set written (usually) in ws, as one language or
 * one macrolanguage (cached). */
static const struct script_group *script_group(pp_lid *l, const char *ws)
{
    for (int g = 0; g < l->ngroups; g++)
        if (strcmp(l->groups[g].ws, ws) == 0)
            return &l->groups[g];
    int cap = (int)(sizeof l->groups / sizeof l->groups[0]);
    struct script_group *gr = &l->groups[l->ngroups < cap ? l->ngroups++ : cap - 1];
    memset(gr, 0, sizeof *gr);
    snprintf(gr->ws, sizeof gr->ws, "%s", ws);
    char one[8] = "", macro[8] = "";
    int several = 0, nomacro = 0;
    for (int i = 0; i < l->nlabels; i++) {
        const char *iso = l->map[i].iso639_3;
        if (!iso[0] || strcmp(iso, "und") == 0)
            continue;
        int w = in_writing(l, i, ws);
        if (w < 0)
            return gr; /* a label of unknown script could be this one's: no rule */
        if (!w || !usual_writing(l, i, ws))
            continue;
        if (!one[0])
            snprintf(one, sizeof one, "%s", iso);
        else if (strcmp(one, iso) != 0)
            several = 1;
        if (!l->reg_tried) {
            l->reg_tried = 1;
            if (pp_registry_open(NULL, &l->reg, NULL) != PP_OK)
                l->reg = NULL;
        }
        const pp_language *pl = l->reg ? pp_registry_get(l->reg, iso) : NULL;
        const char *m = pl && pl->macrolanguage ? pl->macrolanguage : iso;
        if (!macro[0])
            snprintf(macro, sizeof macro, "%s", m);
        else if (strcmp(macro, m) != 0)
            nomacro = 1;
    }
    if (one[0] && !several)
        snprintf(gr->lone, sizeof gr->lone, "%s", one);
    else if (macro[0] && !nomacro)
        snprintf(gr->macro, sizeof gr->macro, "%s", macro);
    return gr;
}

static void abstain(pp_lid_result *res, pp_lid_abstain why, double prob)
{
    memset(&res->best, 0, sizeof res->best);
    snprintf(res->best.lang, sizeof res->best.lang, "und_%s", res->text_script);
    snprintf(res->best.iso639_3, sizeof res->best.iso639_3, "und");
    snprintf(res->best.script, sizeof res->best.script, "%s", res->text_script);
    res->best.prob = prob;
    res->abstained = why;
}

/* The decision of the script rule: the group's one language (its label the
 * model ranks best) or its macrolanguage, with the group's probability. */
static void decide_by_script(const pp_lid *l, const struct script_group *grp, pp_lid_result *res,
                             double prob)
{
    memset(&res->best, 0, sizeof res->best);
    if (grp->lone[0]) {
        int pick = -1;
        for (int i = 0; i < res->ntop && pick < 0; i++)
            if (strcmp(res->top[i].iso639_3, grp->lone) == 0)
                pick = label_index(l, res->top[i].label);
        for (int i = 0; i < l->nlabels && pick < 0; i++)
            if (strcmp(l->map[i].iso639_3, grp->lone) == 0 && in_writing(l, i, res->writing) == 1)
                pick = i;
        if (pick >= 0)
            res->best = l->map[pick];
        res->rule = PP_LID_BY_SCRIPT;
    } else {
        pp_lid_label_map(grp->macro, &res->best, NULL);
        res->rule = PP_LID_BY_MACRO;
    }
    if (!res->best.script[0] || strcmp(res->best.script, res->text_script) != 0)
        copy_str(res->best.script, sizeof res->best.script, res->text_script);
    res->best.prob = prob > 1.0 ? 1.0 : prob;
    res->abstained = PP_LID_DECIDED;
}

/* The registry (macrolanguages, where CLDR keeps a language's data), opened
 * on first use; NULL when it cannot be. */
static const pp_registry *lid_registry(pp_lid *l)
{
    if (!l->reg_tried) {
        l->reg_tried = 1;
        if (pp_registry_open(NULL, &l->reg, NULL) != PP_OK)
            l->reg = NULL;
    }
    if (l->check) /* (the script rule may have opened it) */
        pp_lid_check_set_registry(l->check, l->reg);
    return l->reg;
}

/* The letter check's decision: candidate `pick`, whose language uses the
 * text's letters. */
static pp_status decide_by_letters(const pp_lid_label *cand, int pick, pp_lid_result *res)
{
    res->best = cand[pick];
    if (!res->best.script[0])
        copy_str(res->best.script, sizeof res->best.script, res->text_script);
    res->rule = PP_LID_BY_LETTERS;
    res->abstained = PP_LID_DECIDED;
    return PP_OK;
}

/* Sisters or a group: the code the two best candidates share as `kind` kin
 * (their macrolanguage, or their ISO 639-5 group), when their kin's
 * probability among the candidates reaches need. */
static int decide_by_kin(pp_lid *l, pp_lid_kin kind, const pp_lid_label *cand, int n,
                         double need, pp_lid_result *res)
{
    if (n < 2)
        return 0;
    lid_registry(l);
    char code[8];
    if (!pp_lid_check_kin(l->reg, kind, cand[0].iso639_3, cand[1].iso639_3, code))
        return 0;
    double prob = pp_lid_check_kin_prob(l->reg, kind, cand[0].iso639_3, cand, n);
    if (prob < need)
        return 0;
    memset(&res->best, 0, sizeof res->best);
    if (kind == PP_LID_KIN_SISTERS) {
        pp_lid_label_map(code, &res->best, NULL);
        res->rule = PP_LID_BY_SISTERS;
    } else { /* an ISO 639-5 code is no ISO 639-3 one: iso639_3 stays empty */
        copy_str(res->best.lang, sizeof res->best.lang, code);
        copy_str(res->best.label, sizeof res->best.label, code);
        res->rule = PP_LID_BY_GROUP;
    }
    snprintf(res->best.script, sizeof res->best.script, "%s",
             cand[0].script[0] ? cand[0].script : res->text_script);
    res->best.prob = prob > 1.0 ? 1.0 : prob;
    res->abstained = PP_LID_DECIDED;
    return 1;
}

pp_status pp_lid_identify(pp_lid *l, const char *text, size_t len, int k, pp_lid_result *res,
                          pp_error *err)
{
    memset(res, 0, sizeof *res);
    res->similarity = -1.0;
    res->foreign = -1.0;
    if (k < 1)
        k = 1;
    if (k > PP_LID_MAX_TOP)
        k = PP_LID_MAX_TOP;
    char *p = NULL;
    size_t plen = 0;
    pp_status st = pp_lid_preprocess(text, len, &p, &plen, err);
    if (st != PP_OK)
        return st;
    char sc[5];
    pp_script_of(p, plen, sc, &res->script_share);
    copy_str(res->text_script, sizeof res->text_script, sc);
    if (plen == 0 || strcmp(sc, "Zyyy") == 0) {
        free(p);
        abstain(res, PP_LID_NO_TEXT, 0.0);
        return PP_OK;
    }
    pp_ft_prediction preds[PP_LID_MAX_TOP];
    int n = 0;
    int rr = l->nprof > 0 && l->rerank > 1 ? l->rerank : 0;
    int kk = rr > k ? rr : k;
    if (l->letter_max > 0 && kk < 10)
        kk = 10; /* the letter check looks further than the model's first few */
    const char *input = p; /* what the model reads */
    if (l->prep == PP_LID_PREPROCESS_NONE) {
        if (len + 1 > l->rawcap) {
            char *nr = realloc(l->raw, len + 1);
            if (!nr) {
                free(p);
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            }
            l->raw = nr;
            l->rawcap = len + 1;
        }
        memcpy(l->raw, text, len);
        l->raw[len] = '\0';
        input = l->raw;
    }
    st = pp_fasttext_predict(l->ft, input, kk, 0.0f, preds, &n, err);
    if (st != PP_OK) {
        free(p);
        return st;
    }
    /* The threshold applies to the model's best score (is this text in a
     * language the model knows?); the profile re-ranking then chooses among
     * the best candidates by trigram cosine + weight * probability. */
    double top_prob = n > 0 ? preds[0].prob : 0.0;
    double best_sim = -1.0;
    double cs[PP_LID_MAX_TOP]; /* cosines of the re-ranked candidates */
    int ncs = 0;
    char top_label[64];
    copy_str(top_label, sizeof top_label, n > 0 ? preds[0].label : "");
    /* (a skip above 1 re-ranks every text: fastText's probability can itself
     * exceed 1 by 1e-5, exp(log(p + 1e-5))) */
    if (rr && n > 1 &&
        (l->rerank_skip > 1 || preds[0].prob < l->rerank_skip || l->min_sim > 0)) {
        const uint64_t *tk = NULL;
        const double *tw = NULL;
        size_t tn = 0;
        if (!l->counter && !(l->counter = pp_trigram_counter_new()))
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        else
            st = pp_trigram_counter_count(l->counter, p, plen, &tk, &tw, &tn, err);
        if (st != PP_OK) {
            free(p);
            return st;
        }
        double rs[PP_LID_MAX_TOP];
        int m = n < rr ? n : rr;
        while (m > 2 && preds[m - 1].prob < l->rerank_min_prob)
            m--; /* unlikely candidates are not worth a profile look-up */
        for (int i = 0; i < m; i++) {
            int ix = label_index(l, preds[i].label);
            double c = label_sim(l, ix, tk, tw, tn);
            cs[i] = c;
            rs[i] = c + l->rerank_weight * preds[i].prob;
        }
        for (int i = 1; i < m; i++) /* stable insertion sort, best first */
            for (int j = i; j > 0 && rs[j] > rs[j - 1]; j--) {
                double t = rs[j];
                rs[j] = rs[j - 1];
                rs[j - 1] = t;
                t = cs[j];
                cs[j] = cs[j - 1];
                cs[j - 1] = t;
                pp_ft_prediction tp = preds[j];
                preds[j] = preds[j - 1];
                preds[j - 1] = tp;
            }
        best_sim = cs[0];
        ncs = m;
    }
    /* The script rule (pp_lid_set_script_rule): a best label that cannot be
     * written in the text's writing system gives way to the best one that
     * can (Han text without kana is not Japanese). */
    long letters = 0;
    const struct script_group *grp = NULL;
    double group_prob = 0.0;
    int top_outside = 0; /* no candidate can be written in the text's writing system */
    copy_str(res->writing, sizeof res->writing, sc);
    if (l->script_min > 0) {
        pp_lid_writing_system(p, plen, sc, res->writing, &letters);
        grp = script_group(l, res->writing);
        int ix0 = n > 0 ? label_index(l, preds[0].label) : -1;
        for (int i = 1; ix0 >= 0 && i < n && in_writing(l, ix0, res->writing) == 0; i++) {
            int ix = label_index(l, preds[i].label);
            if (ix < 0 || in_writing(l, ix, res->writing) != 1)
                continue;
            pp_ft_prediction t = preds[i];
            memmove(preds + 1, preds, (size_t)i * sizeof *preds);
            preds[0] = t;
            top_prob = t.prob;
            copy_str(top_label, sizeof top_label, t.label);
            best_sim = i < ncs ? cs[i] : -1.0;
            break;
        }
        int ixb = n > 0 ? label_index(l, preds[0].label) : -1;
        top_outside = ixb >= 0 && in_writing(l, ixb, res->writing) == 0;
        for (int i = 0; i < n; i++) { /* the probability of the group's language(s) */
            int ix = label_index(l, preds[i].label);
            if (ix < 0)
                continue;
            if (grp->lone[0] ? strcmp(l->map[ix].iso639_3, grp->lone) == 0
                             : in_writing(l, ix, res->writing) == 1 &&
                                   usual_writing(l, ix, res->writing))
                group_prob += preds[i].prob;
        }
    }
    /* The letter check and the sisters (pp_lid_check.c) see every candidate. */
    pp_lid_label cand[PP_LID_MAX_TOP];
    for (int i = 0; i < n; i++) {
        int ix = label_index(l, preds[i].label);
        if (ix >= 0)
            cand[i] = l->map[ix];
        else
            pp_lid_label_map(preds[i].label, &cand[i], NULL);
        cand[i].prob = preds[i].prob > 1.0 ? 1.0 : preds[i].prob;
    }
    res->foreign = -1.0;
    int letter_pick = 0;
    if (l->letter_max > 0 && l->check && n > 0 && (lid_registry(l) || 1))
        letter_pick = pp_lid_check_letters(l->check, cand, n, p, plen, sc, l->letter_max,
                                           &res->foreign);
    free(p);
    int ncand = n;
    double sister_gap = ncs > 1 ? cs[0] - cs[1] : n > 1 ? preds[0].prob - preds[1].prob : 1.0;
    if (n > k)
        n = k;
    for (int i = 0; i < n; i++) {
        int ix = label_index(l, preds[i].label);
        if (ix >= 0)
            res->top[i] = l->map[ix];
        else
            pp_lid_label_map(preds[i].label, &res->top[i], NULL);
        /* fastText's softmax output can exceed 1 by rounding; clamp. */
        double pr = preds[i].prob;
        res->top[i].prob = pr > 1.0 ? 1.0 : pr < 0.0 ? 0.0 : pr;
    }
    res->ntop = n;
    if (n == 0) {
        abstain(res, PP_LID_LOW_SCORE, 0.0);
        return PP_OK;
    }
    const pp_lid_label *b = &res->top[0];
    res->similarity = best_sim;
    /* A threshold calibrated for the writing system applies to the decision
     * taken (the chosen label's probability); a label's own threshold to the
     * model's best score, as it was calibrated. */
    double wt = pp_lid_writing_threshold(l, res->writing);
    int low;
    if (l->override < 0 && wt >= 0) {
        res->threshold = wt;
        low = b->prob < wt;
    } else {
        res->threshold = pp_lid_threshold(l, top_label);
        low = top_prob < res->threshold;
    }
    pp_lid_abstain why = PP_LID_DECIDED;
    if (low)
        why = PP_LID_LOW_SCORE;
    else if (top_outside || !pp_lid_script_ok(pp_lid_scripts(l, b->label), res->text_script))
        why = PP_LID_WRONG_SCRIPT; /* (Han text without kana is not Japanese) */
    else if (l->min_sim > 0 && best_sim >= 0 && best_sim < l->min_sim)
        why = PP_LID_DISSIMILAR;
    /* Sisters the model could not choose between, sure of their macrolanguage. */
    if (why == PP_LID_LOW_SCORE && l->sister_margin > 0 &&
        decide_by_kin(l, PP_LID_KIN_SISTERS, cand, ncand, res->threshold, res))
        return PP_OK;
    if (why == PP_LID_LOW_SCORE && l->group_margin > 0 &&
        decide_by_kin(l, PP_LID_KIN_GROUP, cand, ncand, res->threshold, res))
        return PP_OK;
    if (why != PP_LID_DECIDED && grp && letters >= l->script_min &&
        (grp->lone[0] || grp->macro[0])) {
        decide_by_script(l, grp, res, group_prob);
        return PP_OK;
    }
    if (why == PP_LID_DECIDED && letter_pick > 0)
        return decide_by_letters(cand, letter_pick, res);
    if (why != PP_LID_DECIDED) {
        abstain(res, why, b->prob);
        return PP_OK;
    }
    if (l->sister_margin > 0 && sister_gap < l->sister_margin &&
        decide_by_kin(l, PP_LID_KIN_SISTERS, cand, ncand, 0.0, res))
        return PP_OK;
    if (l->group_margin > 0 && sister_gap < l->group_margin &&
        decide_by_kin(l, PP_LID_KIN_GROUP, cand, ncand, 0.0, res))
        return PP_OK;
    res->best = *b;
    if (!res->best.script[0])
        copy_str(res->best.script, sizeof res->best.script, res->text_script);
    res->abstained = PP_LID_DECIDED;
    return PP_OK;
}
