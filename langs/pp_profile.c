/* pp_profile.c — community profiles (langs/<code>/profile.xml): parse with
 * libxml2, validate against langs/schema/profile.rng (RelaxNG), and expose
 * the fields other stages need (orthography, stopwords, varieties...). */
#include "config.h"
#include "langs/pp_registry.h"

#include "src/pp_data.h"
#include "src/pp_langtag.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <unicode/utf8.h>

#define PP_PROFILE_SCHEMA "langs/schema/profile.rng"

typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec;

struct pp_profile {
    char *code, *bcp47, *name, *autonym, *family, *status, *review, *normalization;
    char *scripts, *exemplars, *marks, *calendar, *numbering;
    strvec stopwords, var_tags, var_names, src_names, src_licenses, contacts, contact_roles;
    strvec mixing;        /* accepted mixing: ISO 15924 codes of <mixing script> */
    double *mixing_share; /* and each one's max-share */
};

static int sv_push(strvec *s, const char *x)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 16;
        char **nv = realloc(s->v, nc * sizeof *nv);
        if (!nv)
            return 0;
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n] = strdup(x ? x : "");
    if (!s->v[s->n])
        return 0;
    s->n++;
    return 1;
}

static void sv_free(strvec *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

void pp_profile_free(pp_profile *p)
{
    if (!p)
        return;
    char *f[] = {p->code,    p->bcp47,     p->name,  p->autonym,  p->family,
                 p->status,  p->review,    p->normalization, p->scripts, p->exemplars,
                 p->marks,   p->calendar,  p->numbering};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        free(f[i]);
    strvec *v[] = {&p->stopwords, &p->var_tags,     &p->var_names,    &p->src_names,
                   &p->src_licenses, &p->contacts, &p->contact_roles, &p->mixing};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        sv_free(v[i]);
    free(p->mixing_share);
    free(p);
}

/* ------------------------------------------------------------ errors */

typedef struct errcap {
    pp_error *err;
    int seen;
    const char *path;
    pp_status code;
    int use_node; /* e->node is alive (validation), not a freed parse tree */
} errcap;

static void capture(void *data, xmlErrorPtr e)
{
    errcap *c = data;
    if (c->seen || !e || e->level == XML_ERR_WARNING)
        return;
    c->seen = 1;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
    size_t L = strlen(msg);
    while (L && (msg[L - 1] == '\n' || msg[L - 1] == ' '))
        msg[--L] = '\0';
    /* name the element the validator complains about */
    xmlNodePtr node = c->use_node ? e->node : NULL;
    if (node && node->type == XML_ELEMENT_NODE && node->name &&
        !strstr(msg, (const char *)node->name))
        pp_error_set(c->err, c->code, e->file ? e->file : c->path, e->line, "element %s: %s",
                     (const char *)node->name, msg);
    else
        pp_error_set(c->err, c->code, e->file ? e->file : c->path, e->line, "%s", msg);
}

/* -------------------------------------------------------------- helpers */

static xmlNodePtr kid(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

static char *text_of(xmlNodePtr n)
{
    if (!n)
        return strdup("");
    xmlChar *t = xmlNodeGetContent(n);
    /* collapse white space */
    char *s = strdup(t ? (const char *)t : "");
    xmlFree(t);
    if (!s)
        return NULL;
    char *w = s;
    int space = 1;
    for (char *r = s; *r; r++) {
        if (isspace((unsigned char)*r)) {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = *r;
            space = 0;
        }
    }
    if (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
    return s;
}

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = strdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

/* Unique code points of a space-separated list of exemplars, in order. */
static char *unique_chars(const char *list)
{
    size_t len = strlen(list);
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        UChar32 c;
        size_t start = i;
        U8_NEXT((const uint8_t *)list, i, len, c);
        if (c < 0 || c == ' ')
            continue;
        size_t n = i - start;
        int dup = 0;
        for (size_t k = 0; k + n <= o && !dup;) {
            UChar32 d;
            U8_NEXT((const uint8_t *)out, k, o, d);
            dup = d == c;
        }
        if (!dup) {
            memcpy(out + o, list + start, n);
            o += n;
        }
    }
    out[o] = '\0';
    return out;
}

static pp_status extract(xmlNodePtr root, pp_profile *p, const char *path, pp_error *err)
{
    p->code = prop(root, "code");
    p->bcp47 = prop(root, "bcp47");
    p->status = prop(root, "status");
    p->name = text_of(kid(root, "name"));
    p->autonym = text_of(kid(root, "autonym"));
    p->family = text_of(kid(root, "family"));
    p->review = text_of(kid(root, "review"));
    xmlNodePtr o = kid(root, "orthography");
    p->normalization = prop(o, "normalization");
    char *ex = text_of(kid(o, "exemplars"));
    p->exemplars = ex ? unique_chars(ex) : NULL;
    free(ex);
    size_t scap = 1, mcap = 1;
    for (xmlNodePtr c = o->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "script") == 0) {
            char *s = prop(c, "code");
            if (!s)
                return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
            scap += strlen(s) + 1;
            char *ns = realloc(p->scripts, scap);
            if (!ns) {
                free(s);
                return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
            }
            if (!p->scripts)
                ns[0] = '\0';
            p->scripts = ns;
            if (*p->scripts)
                strcat(p->scripts, " ");
            strcat(p->scripts, s);
            free(s);
        }
    }
    /* accepted mixing: <mixing script="Latn" max-share="0.3" use="..."/> */
    for (xmlNodePtr c = o->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "mixing") != 0)
            continue;
        char *sc = prop(c, "script"), *sh = prop(c, "max-share");
        double *ns = realloc(p->mixing_share, (p->mixing.n + 1) * sizeof *ns);
        int ok = sc && sh && ns && sv_push(&p->mixing, sc);
        if (ns) {
            p->mixing_share = ns;
            if (ok)
                ns[p->mixing.n - 1] = *sh ? strtod(sh, NULL) : 1.0;
        }
        free(sc);
        free(sh);
        if (!ok)
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    p->marks = calloc(1, 1);
    for (xmlNodePtr c = kid(o, "required-marks") ? kid(o, "required-marks")->children : NULL; c;
         c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        char *m = prop(c, "char");
        if (!m || !p->marks) {
            free(m);
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        }
        mcap += strlen(m);
        char *nm = realloc(p->marks, mcap);
        if (!nm) {
            free(m);
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        }
        p->marks = nm;
        strcat(p->marks, m);
        free(m);
    }
    for (xmlNodePtr c = kid(root, "varieties")->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            char *t = prop(c, "tag"), *n = prop(c, "name");
            int ok = t && n && sv_push(&p->var_tags, t) && sv_push(&p->var_names, n);
            free(t);
            free(n);
            if (!ok)
                return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        }
    for (xmlNodePtr c = kid(root, "function-words")->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            char *w = text_of(c);
            int ok = w && sv_push(&p->stopwords, w);
            free(w);
            if (!ok)
                return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        }
    for (xmlNodePtr c = kid(root, "data-sources")->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            char *n = prop(c, "name"), *l = prop(c, "license");
            int ok = n && l && sv_push(&p->src_names, n) && sv_push(&p->src_licenses, l);
            free(n);
            free(l);
            if (!ok)
                return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        }
    for (xmlNodePtr c = kid(root, "maintainers")->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            char *r = prop(c, "role"), *t = text_of(c);
            int ok = r && t && sv_push(&p->contact_roles, r) && sv_push(&p->contacts, t);
            free(r);
            free(t);
            if (!ok)
                return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        }
    xmlNodePtr cu = kid(root, "culture");
    p->calendar = text_of(kid(cu, "calendar"));
    p->numbering = text_of(kid(cu, "numbering"));
    if (!p->code || !p->bcp47 || !p->status || !p->name || !p->autonym || !p->family ||
        !p->review || !p->normalization || !p->exemplars || !p->marks || !p->calendar ||
        !p->numbering)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    if (!p->scripts)
        p->scripts = calloc(1, 1);
    return p->scripts ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
}

/* Parse and validate `path` against the schema at `schema`. */
static pp_status load_doc(const char *path, const char *schema, xmlDocPtr *out, pp_error *err)
{
    *out = NULL;
    errcap cap = {err, 0, path, PP_ERR_PARSE, 0};
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    xmlDocPtr doc = xmlCtxtReadFile(ctxt, path, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        if (e && e->code == XML_IO_LOAD_ERROR)
            pp_error_set(err, PP_ERR_IO, path, 0, "cannot open the profile");
        else if (e)
            capture(&cap, e);
        else
            pp_error_set(err, PP_ERR_PARSE, path, 0, "cannot parse the profile");
        xmlFreeParserCtxt(ctxt);
        return err ? err->code : PP_ERR_PARSE;
    }
    xmlFreeParserCtxt(ctxt);

    errcap scap = {err, 0, schema, PP_ERR_PARSE, 0};
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(schema);
    xmlRelaxNGSetParserStructuredErrors(pc, capture, &scap);
    xmlRelaxNGPtr rng = pc ? xmlRelaxNGParse(pc) : NULL;
    xmlRelaxNGFreeParserCtxt(pc);
    if (!rng) {
        xmlFreeDoc(doc);
        if (!scap.seen)
            pp_error_set(err, PP_ERR_PARSE, schema, 0, "cannot load the profile schema");
        return PP_ERR_PARSE;
    }
    errcap vcap = {err, 0, path, PP_ERR_INVALID, 1};
    xmlRelaxNGValidCtxtPtr vc = xmlRelaxNGNewValidCtxt(rng);
    xmlRelaxNGSetValidStructuredErrors(vc, capture, &vcap);
    int rc = vc ? xmlRelaxNGValidateDoc(vc, doc) : -1;
    xmlRelaxNGFreeValidCtxt(vc);
    xmlRelaxNGFree(rng);
    if (rc != 0) {
        xmlFreeDoc(doc);
        if (!vcap.seen)
            pp_error_set(err, PP_ERR_INVALID, path, 0, "the profile does not match the schema");
        return PP_ERR_INVALID;
    }
    *out = doc;
    return PP_OK;
}

pp_status pp_profile_load_with_schema(const char *path, const char *schema, pp_profile **out,
                                      pp_error *err)
{
    *out = NULL;
    char found[4096];
    if (!schema) {
        pp_status st = pp_data_path(PP_PROFILE_SCHEMA, found, sizeof found, err);
        if (st)
            return st;
        schema = found;
    }
    xmlDocPtr doc;
    pp_status st = load_doc(path, schema, &doc, err);
    if (st)
        return st;
    pp_profile *p = calloc(1, sizeof *p);
    if (!p) {
        xmlFreeDoc(doc);
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    }
    st = extract(xmlDocGetRootElement(doc), p, path, err);
    xmlFreeDoc(doc);
    if (st) {
        pp_profile_free(p);
        return st;
    }
    *out = p;
    return PP_OK;
}

pp_status pp_profile_load(const char *path, pp_profile **out, pp_error *err)
{
    return pp_profile_load_with_schema(path, NULL, out, err);
}

static pp_status try_code(const char *code3, pp_profile **out, pp_error *err)
{
    char rel[64], path[4096];
    snprintf(rel, sizeof rel, "langs/%s/profile.xml", code3);
    pp_error tmp;
    if (pp_data_path(rel, path, sizeof path, &tmp) != PP_OK)
        return PP_ERR_NOT_FOUND;
    return pp_profile_load(path, out, err);
}

pp_status pp_profile_find(const char *code, pp_profile **out, pp_error *err)
{
    *out = NULL;
    if (!code || !*code)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "empty language code");
    pp_registry *r = NULL;
    pp_error rerr;
    const pp_language *l = NULL;
    if (pp_registry_open(NULL, &r, &rerr) == PP_OK)
        l = pp_registry_get(r, code);
    char c3[4] = "";
    if (l)
        snprintf(c3, sizeof c3, "%s", l->iso639_3);
    else
        pp_langtag_iso639_3(code, c3);
    pp_status st = PP_ERR_NOT_FOUND;
    if (*c3)
        st = try_code(c3, out, err);
    /* a member of a macrolanguage whose community keeps one profile ("swh" -> swa) */
    if (st == PP_ERR_NOT_FOUND && l && l->macrolanguage)
        st = try_code(l->macrolanguage, out, err);
    /* a macrolanguage with exactly one profiled member ("ar" -> arb) */
    if (st == PP_ERR_NOT_FOUND && l && l->scope == 'M') {
        const char *only = NULL;
        int count = 0;
        char rel[64], path[4096];
        for (size_t i = 0; i < pp_registry_count(r); i++) {
            const pp_language *m = pp_registry_at(r, i);
            if (!m->macrolanguage || strcmp(m->macrolanguage, l->iso639_3))
                continue;
            snprintf(rel, sizeof rel, "langs/%s/profile.xml", m->iso639_3);
            if (pp_data_path(rel, path, sizeof path, NULL) == PP_OK) {
                only = m->iso639_3;
                count++;
            }
        }
        if (count == 1)
            st = try_code(only, out, err);
    }
    pp_registry_free(r);
    if (st == PP_ERR_NOT_FOUND)
        return pp_error_set(err, PP_ERR_NOT_FOUND, NULL, 0,
                            "no community profile for '%s' (langs/%s/profile.xml)", code,
                            *c3 ? c3 : code);
    return st;
}

/* ------------------------------------------------------------ getters */

const char *pp_profile_code(const pp_profile *p) { return p->code; }
const char *pp_profile_bcp47(const pp_profile *p) { return p->bcp47; }
const char *pp_profile_name(const pp_profile *p) { return p->name; }
const char *pp_profile_autonym(const pp_profile *p) { return p->autonym; }
const char *pp_profile_family(const pp_profile *p) { return p->family; }
const char *pp_profile_status(const pp_profile *p) { return p->status; }
const char *pp_profile_review(const pp_profile *p) { return p->review; }
const char *pp_profile_normalization(const pp_profile *p) { return p->normalization; }
const char *pp_profile_scripts(const pp_profile *p) { return p->scripts; }
const char *pp_profile_exemplars(const pp_profile *p) { return p->exemplars; }
const char *pp_profile_required_marks(const pp_profile *p) { return p->marks; }
const char *pp_profile_calendar(const pp_profile *p) { return p->calendar; }
const char *pp_profile_numbering(const pp_profile *p) { return p->numbering; }
size_t pp_profile_nmixing(const pp_profile *p) { return p->mixing.n; }
const char *pp_profile_mixing_script(const pp_profile *p, size_t i)
{
    return i < p->mixing.n ? p->mixing.v[i] : NULL;
}
double pp_profile_mixing_share(const pp_profile *p, size_t i)
{
    return i < p->mixing.n ? p->mixing_share[i] : 0.0;
}
size_t pp_profile_nstopwords(const pp_profile *p) { return p->stopwords.n; }
size_t pp_profile_nvarieties(const pp_profile *p) { return p->var_tags.n; }
size_t pp_profile_nsources(const pp_profile *p) { return p->src_names.n; }
size_t pp_profile_ncontacts(const pp_profile *p) { return p->contacts.n; }

const char *pp_profile_stopword(const pp_profile *p, size_t i)
{
    return i < p->stopwords.n ? p->stopwords.v[i] : NULL;
}

const char *pp_profile_variety_tag(const pp_profile *p, size_t i)
{
    return i < p->var_tags.n ? p->var_tags.v[i] : NULL;
}

const char *pp_profile_variety_name(const pp_profile *p, size_t i)
{
    return i < p->var_names.n ? p->var_names.v[i] : NULL;
}

const char *pp_profile_source_name(const pp_profile *p, size_t i)
{
    return i < p->src_names.n ? p->src_names.v[i] : NULL;
}

const char *pp_profile_source_license(const pp_profile *p, size_t i)
{
    return i < p->src_licenses.n ? p->src_licenses.v[i] : NULL;
}

const char *pp_profile_contact(const pp_profile *p, size_t i)
{
    return i < p->contacts.n ? p->contacts.v[i] : NULL;
}

const char *pp_profile_contact_role(const pp_profile *p, size_t i)
{
    return i < p->contact_roles.n ? p->contact_roles.v[i] : NULL;
}
