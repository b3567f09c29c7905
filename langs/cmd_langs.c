/* cmd_langs.c — `polyphony langs list|show|validate`: browse the language
 * registry and check community profiles. */
#include "config.h"
#include "src/cli/cli.h"
#include "src/pp_data.h"
#include "src/pp_langtag.h"
#include "langs/pp_registry.h"

#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *CMD = "langs";

/* The help of langs, pieced so that each sub-command prints its own part. */
static const char syn_list[] =
    "polyphony langs list [--low-resource] [--script S] [--family F] [--profiled]\n"
    "                            [--registry FILE] [--json]\n";
static const char syn_show[] = "polyphony langs show CODE [--registry FILE] [--json]\n";
static const char syn_validate[] = "polyphony langs validate [--schema FILE] [DIR|FILE...]\n";
static const char about[] =
    "\n"
    "Browse the language registry (every ISO 639-3 language with CLDR speaker\n"
    "estimates, scripts, family, UDHR coordinates and digital-support proxies)\n"
    "and check community profiles (langs/<code>/profile.xml).\n"
    "\n";
static const char opt_list[] =
    "  list        one language a line (tab-separated; --json: JSON lines)\n"
    "    --low-resource   only languages the registry rule calls low-resource\n"
    "    --script S       only languages written in ISO 15924 script S (Latn, Ethi...)\n"
    "    --family F       only languages whose family name contains F, or whose\n"
    "                     ISO 639-5 group path has the code F (nic, bnt...)\n"
    "    --profiled       only languages with a community profile\n";
static const char opt_show[] =
    "  show CODE   everything known about one language (ISO 639-1/639-3 or BCP 47)\n";
static const char opt_validate[] =
    "  validate    validate every profile.xml under DIR (default: the installed\n"
    "              langs directory) against the RelaxNG schema; exit 1 if any is invalid\n"
    "    --schema FILE    the schema to use (default: langs/schema/profile.rng)\n";
static const char opt_registry[] =
    "  --registry FILE    use this registry snapshot instead of the bundled one\n";
static const char opt_json[] = "  --json             JSON output\n";
static const char opt_quiet[] =
    "  -q, --quiet        accepted by every command (langs prints no progress)\n";

void usage_langs(FILE *f)
{
    fprintf(f, "Usage: %s       %s       %s%s%s%s%s%s%s%s", syn_list, syn_show, syn_validate,
            about, opt_list, opt_show, opt_validate, opt_registry, opt_json, opt_quiet);
}

static void usage_one(FILE *f, const char *syn, const char *opt, int json)
{
    fprintf(f, "Usage: %s%s%s%s%s%s", syn, about, opt, opt_registry, json ? opt_json : "", opt_quiet);
}

void usage_langs_list(FILE *f) { usage_one(f, syn_list, opt_list, 1); }
void usage_langs_show(FILE *f) { usage_one(f, syn_show, opt_show, 1); }
void usage_langs_validate(FILE *f) { usage_one(f, syn_validate, opt_validate, 0); }

static const char *scope_name(char s)
{
    switch (s) {
    case 'I': return "individual";
    case 'M': return "macrolanguage";
    case 'S': return "special";
    default: return "?";
    }
}

static const char *type_name(char t)
{
    switch (t) {
    case 'L': return "living";
    case 'E': return "extinct";
    case 'A': return "ancient";
    case 'H': return "historical";
    case 'C': return "constructed";
    case 'S': return "special";
    default: return "?";
    }
}

static const char *coverage_name(int c)
{
    static const char *n[] = {"none", "basic", "moderate", "modern"};
    return c >= 0 && c <= 3 ? n[c] : "?";
}

static const char *joshi_name(int c)
{
    static const char *n[] = {"The Left-Behinds", "The Scraping-Bys", "The Hopefuls",
                              "The Rising Stars", "The Underdogs", "The Winners"};
    return c >= 0 && c <= 5 ? n[c] : "unknown";
}

static int has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = list; (p = strstr(p, w)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return 1;
    return 0;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return n == 0;
}

static int family_matches(const pp_language *l, const char *f)
{
    if (l->family && contains_nocase(l->family, f))
        return 1;
    char path[128];
    snprintf(path, sizeof path, "%s", pp_language_family_path(l));
    for (char *s = path; *s; s++)
        if (*s == '/')
            *s = ' ';
    return has_word(path, f);
}

static int has_profile(const pp_language *l)
{
    char rel[64], path[4096];
    snprintf(rel, sizeof rel, "langs/%s/profile.xml", l->iso639_3);
    return pp_data_path(rel, path, sizeof path, NULL) == PP_OK;
}

static json_t *lang_json(const pp_language *l)
{
    json_t *o = json_object();
    json_object_set_new(o, "iso639_3", json_string(l->iso639_3));
    const char *a2 = pp_language_iso639_1(l);
    json_object_set_new(o, "iso639_1", *a2 ? json_string(a2) : json_null());
    json_object_set_new(o, "bcp47", json_string(l->bcp47));
    json_object_set_new(o, "name", json_string(l->name));
    json_object_set_new(o, "scope", json_string(scope_name(l->scope)));
    json_object_set_new(o, "type", json_string(type_name(l->type)));
    json_object_set_new(o, "macrolanguage",
                        l->macrolanguage ? json_string(l->macrolanguage) : json_null());
    json_object_set_new(o, "speakers", l->speakers >= 0 ? json_integer((json_int_t)llround(l->speakers))
                                                         : json_null());
    json_object_set_new(o, "scripts", json_string(l->scripts));
    json_object_set_new(o, "family", l->family ? json_string(l->family) : json_null());
    const char *fp = pp_language_family_path(l);
    json_object_set_new(o, "family_path", *fp ? json_string(fp) : json_null());
    json_object_set_new(o, "latitude", isnan(l->latitude) ? json_null() : json_real(l->latitude));
    json_object_set_new(o, "longitude",
                        isnan(l->longitude) ? json_null() : json_real(l->longitude));
    json_object_set_new(o, "joshi_class", l->joshi_class >= 0 ? json_integer(l->joshi_class)
                                                              : json_null());
    json_object_set_new(o, "cldr_coverage", json_string(coverage_name(l->cldr_coverage)));
    json_object_set_new(o, "icu_locale", json_boolean(pp_language_icu_locale(l)));
    const char *cl = pp_language_cldr_locale(l);
    json_object_set_new(o, "cldr_locale", *cl ? json_string(cl) : json_null());
    json_object_set_new(o, "udhr", json_integer(l->in_udhr));
    json_object_set_new(o, "spellcheck", json_boolean(pp_language_spellcheck(l)));
    json_object_set_new(o, "digital_support", json_real(l->digital_support));
    json_object_set_new(o, "low_resource", json_boolean(pp_language_is_low_resource(l)));
    return o;
}

static int open_registry(const char *path, pp_registry **r)
{
    pp_error err;
    if (pp_registry_open(path, r, &err) != PP_OK)
        return cli_fail(CMD, &err);
    return 0;
}

/* --------------------------------------------------------------- list */

int cmd_langs_list(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co, "langs", "list");
    static const struct option opts[] = {
        {"low-resource", no_argument, 0, 'l'}, {"script", required_argument, 0, 's'},
        {"family", required_argument, 0, 'f'}, {"profiled", no_argument, 0, 'p'},
        {"registry", required_argument, 0, 'r'}, {"json", no_argument, 0, 'j'},
        CLI_LONG_QUIET, CLI_LONG_HELP,         {0, 0, 0, 0}};
    int low = 0, json = 0, profiled = 0, c, cr;
    const char *script = NULL, *family = NULL, *regpath = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'l': low = 1; break;
        case 's': script = optarg; break;
        case 'f': family = optarg; break;
        case 'p': profiled = 1; break;
        case 'r': regpath = optarg; break;
        case 'j': json = 1; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (optind < argc)
        return cli_usage(CMD, "'langs list' takes no arguments ('%s')", argv[optind]);
    if (script && (strlen(script) != 4 || !isalpha((unsigned char)script[0])))
        return cli_usage(CMD, "--script expects an ISO 15924 code such as Latn, not '%s'", script);
    char sc[5] = "";
    if (script) {
        sc[0] = (char)toupper((unsigned char)script[0]);
        for (int i = 1; i < 4; i++)
            sc[i] = (char)tolower((unsigned char)script[i]);
    }
    pp_registry *r;
    int rc = open_registry(regpath, &r);
    if (rc)
        return rc;
    size_t shown = 0;
    if (!json)
        puts("#iso639_3\tbcp47\tname\tscripts\tspeakers\tfamily\tdigital_support\tlow_resource");
    for (size_t i = 0; i < pp_registry_count(r); i++) {
        const pp_language *l = pp_registry_at(r, i);
        if (low && !pp_language_is_low_resource(l))
            continue;
        if (script && !has_word(l->scripts, sc))
            continue;
        if (family && !family_matches(l, family))
            continue;
        if (profiled && !has_profile(l))
            continue;
        shown++;
        if (json) {
            json_t *o = lang_json(l);
            char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
            if (s)
                puts(s);
            free(s);
            json_decref(o);
        } else {
            printf("%s\t%s\t%s\t%s\t", l->iso639_3, l->bcp47, l->name, l->scripts);
            if (l->speakers >= 0)
                printf("%.0f", l->speakers);
            printf("\t%s\t%.2f\t%s\n", l->family ? l->family : "", l->digital_support,
                   pp_language_is_low_resource(l) ? "yes" : "no");
        }
    }
    pp_registry_free(r);
    if (fflush(stdout) != 0) {
        cli_warn(CMD, "write error on standard output");
        return 1;
    }
    if (!shown)
        cli_warn(CMD, "no language matches the filters");
    return 0;
}

/* --------------------------------------------------------------- show */

int cmd_langs_show(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co, "langs", "show");
    static const struct option opts[] = {{"registry", required_argument, 0, 'r'},
                                         {"json", no_argument, 0, 'j'},
                                         CLI_LONG_QUIET, CLI_LONG_HELP,
                                         {0, 0, 0, 0}};
    int json = 0, c, cr;
    const char *regpath = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'r': regpath = optarg; break;
        case 'j': json = 1; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    if (optind != argc - 1)
        return cli_usage(CMD, "'langs show' takes one language code");
    const char *code = argv[optind];
    pp_registry *r;
    int rc = open_registry(regpath, &r);
    if (rc)
        return rc;
    const pp_language *l = pp_registry_get(r, code);
    if (!l) {
        pp_registry_free(r);
        fprintf(stderr,
                "polyphony langs: unknown language '%s' (not an ISO 639-1/639-3 code or BCP 47 "
                "tag in the registry; try 'polyphony langs list')\n",
                code);
        return 1;
    }
    const pp_language *macro = l->macrolanguage ? pp_registry_get(r, l->macrolanguage) : NULL;
    size_t nmembers = 0;
    for (size_t i = 0; i < pp_registry_count(r); i++) {
        const pp_language *m = pp_registry_at(r, i);
        nmembers += m->macrolanguage && strcmp(m->macrolanguage, l->iso639_3) == 0;
    }
    pp_profile *prof = NULL;
    pp_error perr;
    pp_status pst = pp_profile_find(l->iso639_3, &prof, &perr);
    if (pst != PP_OK && pst != PP_ERR_NOT_FOUND) {
        /* a profile exists but is broken: say so, but still show the registry */
        char buf[2048];
        cli_warn(CMD, "%s", pp_error_format(&perr, buf, sizeof buf));
    }
    char *ex = NULL;
    pp_error eerr;
    pp_status est = pp_exemplar_chars(l->bcp47, &ex, &eerr);
    if (est != PP_OK && est != PP_ERR_NOT_FOUND) {
        char buf[2048];
        cli_warn(CMD, "%s", pp_error_format(&eerr, buf, sizeof buf));
    }

    if (json) {
        json_t *o = lang_json(l);
        json_object_set_new(o, "macrolanguage_members", json_integer((json_int_t)nmembers));
        json_object_set_new(o, "icu_exemplars", ex ? json_string(ex) : json_null());
        if (prof) {
            json_t *p = json_object();
            json_object_set_new(p, "code", json_string(pp_profile_code(prof)));
            json_object_set_new(p, "status", json_string(pp_profile_status(prof)));
            json_object_set_new(p, "scripts", json_string(pp_profile_scripts(prof)));
            json_object_set_new(p, "normalization", json_string(pp_profile_normalization(prof)));
            json_object_set_new(p, "exemplars", json_string(pp_profile_exemplars(prof)));
            json_object_set_new(p, "required_marks", json_string(pp_profile_required_marks(prof)));
            json_object_set_new(p, "calendar", json_string(pp_profile_calendar(prof)));
            json_object_set_new(p, "numbering", json_string(pp_profile_numbering(prof)));
            json_t *v = json_array();
            for (size_t i = 0; i < pp_profile_nvarieties(prof); i++) {
                json_t *e = json_object();
                json_object_set_new(e, "tag", json_string(pp_profile_variety_tag(prof, i)));
                json_object_set_new(e, "name", json_string(pp_profile_variety_name(prof, i)));
                json_array_append_new(v, e);
            }
            json_object_set_new(p, "varieties", v);
            json_t *w = json_array();
            for (size_t i = 0; i < pp_profile_nstopwords(prof); i++)
                json_array_append_new(w, json_string(pp_profile_stopword(prof, i)));
            json_object_set_new(p, "function_words", w);
            json_t *s = json_array();
            for (size_t i = 0; i < pp_profile_nsources(prof); i++) {
                json_t *e = json_object();
                json_object_set_new(e, "name", json_string(pp_profile_source_name(prof, i)));
                json_object_set_new(e, "license", json_string(pp_profile_source_license(prof, i)));
                json_array_append_new(s, e);
            }
            json_object_set_new(p, "data_sources", s);
            json_object_set_new(o, "profile", p);
        } else {
            json_object_set_new(o, "profile", json_null());
        }
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        if (s)
            puts(s);
        free(s);
        json_decref(o);
    } else {
        printf("%s — %s\n", l->iso639_3, l->name);
        printf("  codes:           ISO 639-3 %s", l->iso639_3);
        if (*pp_language_iso639_1(l))
            printf(", ISO 639-1 %s", pp_language_iso639_1(l));
        printf(", BCP 47 %s\n", l->bcp47);
        printf("  scope, type:     %s, %s\n", scope_name(l->scope), type_name(l->type));
        if (macro)
            printf("  macrolanguage:   %s (%s)\n", macro->iso639_3, macro->name);
        if (nmembers)
            printf("  members:         %zu individual languages\n", nmembers);
        if (l->speakers >= 0)
            printf("  speakers:        %.0f (CLDR estimate, all territories)\n", l->speakers);
        else if (macro && macro->speakers >= 0)
            printf("  speakers:        unknown (macrolanguage %s: %.0f)\n", macro->iso639_3,
                   macro->speakers);
        else
            printf("  speakers:        unknown\n");
        printf("  scripts:         %s\n", *l->scripts ? l->scripts : "unknown");
        if (l->family)
            printf("  family:          %s (%s)\n", l->family, pp_language_family_path(l));
        else
            printf("  family:          unknown\n");
        if (!isnan(l->latitude))
            printf("  coordinates:     %.2f, %.2f (UDHR)\n", l->latitude, l->longitude);
        printf("  UDHR:            %d declaration%s\n", l->in_udhr, l->in_udhr == 1 ? "" : "s");
        printf("  CLDR coverage:   %s\n", coverage_name(l->cldr_coverage));
        if (pp_language_icu_locale(l))
            printf("  ICU locale data: yes (CLDR locale %s)\n", pp_language_cldr_locale(l));
        else
            printf("  ICU locale data: no\n");
        printf("  spell-checker:   %s\n",
               pp_language_spellcheck(l) ? "yes (packaged in Debian)" : "no");
        if (l->joshi_class >= 0)
            printf("  Joshi class:     %d (%s; Joshi et al. 2020)\n", l->joshi_class,
                   joshi_name(l->joshi_class));
        else
            printf("  Joshi class:     unknown\n");
        printf("  digital support: %.2f\n", l->digital_support);
        printf("  low-resource:    %s\n", pp_language_is_low_resource(l) ? "yes" : "no");
        printf("  ICU exemplars:   %s\n", ex ? ex : "none (ICU has no locale data)");
        if (prof) {
            printf("profile (langs/%s/profile.xml, status %s):\n", pp_profile_code(prof),
                   pp_profile_status(prof));
            printf("  name:            %s", pp_profile_name(prof));
            if (*pp_profile_autonym(prof))
                printf(" (%s)", pp_profile_autonym(prof));
            putchar('\n');
            if (*pp_profile_family(prof))
                printf("  family:          %s\n", pp_profile_family(prof));
            printf("  scripts:         %s, normalization %s\n", pp_profile_scripts(prof),
                   pp_profile_normalization(prof));
            printf("  exemplars:       %s\n", pp_profile_exemplars(prof));
            const char *marks = pp_profile_required_marks(prof);
            printf("  required marks:  ");
            if (!*marks)
                fputs("none", stdout);
            for (const unsigned char *m = (const unsigned char *)marks; *m;) {
                /* print each mark as U+XXXX (combining marks alone render badly) */
                unsigned cp = 0;
                int n = *m < 0x80 ? 1 : *m < 0xE0 ? 2 : *m < 0xF0 ? 3 : 4;
                cp = n == 1 ? *m : (unsigned)(*m & (0xFF >> (n + 1)));
                for (int k = 1; k < n && m[k]; k++)
                    cp = (cp << 6) | (m[k] & 0x3F);
                printf("U+%04X%s", cp, m[n] ? " " : "");
                m += n;
            }
            putchar('\n');
            printf("  varieties:      ");
            for (size_t i = 0; i < pp_profile_nvarieties(prof); i++)
                printf(" %s (%s)%s", pp_profile_variety_tag(prof, i),
                       pp_profile_variety_name(prof, i),
                       i + 1 < pp_profile_nvarieties(prof) ? "," : "");
            putchar('\n');
            printf("  function words:  %zu:", pp_profile_nstopwords(prof));
            for (size_t i = 0; i < pp_profile_nstopwords(prof); i++)
                printf(" %s", pp_profile_stopword(prof, i));
            putchar('\n');
            printf("  calendar:        %s; numbering %s\n", pp_profile_calendar(prof),
                   pp_profile_numbering(prof));
            for (size_t i = 0; i < pp_profile_nsources(prof); i++)
                printf("  data source:     %s [%s]\n", pp_profile_source_name(prof, i),
                       pp_profile_source_license(prof, i));
            for (size_t i = 0; i < pp_profile_ncontacts(prof); i++)
                printf("  %-16s %s\n", pp_profile_contact_role(prof, i),
                       pp_profile_contact(prof, i));
            printf("  review:          %s\n", pp_profile_review(prof));
        } else {
            printf("profile: none (a community can add langs/%s/profile.xml)\n", l->iso639_3);
        }
    }
    free(ex);
    pp_profile_free(prof);
    pp_registry_free(r);
    return 0;
}

/* ------------------------------------------------------------ validate */

typedef struct vstate {
    const char *schema;
    pp_registry *reg;
    int files, bad;
} vstate;

/* Checks the schema cannot express: the code is a registry language and
 * the tags are well-formed BCP 47 that ICU accepts. */
static int semantic_check(const char *path, const pp_profile *p, const pp_registry *reg)
{
    int bad = 0;
    const pp_language *l = reg ? pp_registry_get(reg, pp_profile_code(p)) : NULL;
    if (reg && (!l || strcmp(l->iso639_3, pp_profile_code(p)) != 0)) {
        fprintf(stderr, "polyphony langs: %s: code '%s' is not an ISO 639-3 code in the registry\n",
                path, pp_profile_code(p));
        bad = 1;
    }
    char canon[128];
    if (pp_langtag_canonicalize(pp_profile_bcp47(p), canon, sizeof canon, NULL) != PP_OK) {
        fprintf(stderr, "polyphony langs: %s: bcp47 '%s' is not a well-formed BCP 47 tag\n", path,
                pp_profile_bcp47(p));
        bad = 1;
    }
    for (size_t i = 0; i < pp_profile_nvarieties(p); i++) {
        const char *t = pp_profile_variety_tag(p, i);
        if (pp_langtag_canonicalize(t, canon, sizeof canon, NULL) != PP_OK) {
            fprintf(stderr, "polyphony langs: %s: variety tag '%s' is not well-formed BCP 47\n",
                    path, t);
            bad = 1;
        }
    }
    const char *dir_end = strrchr(path, '/');
    if (dir_end) {
        /* langs/<code>/profile.xml: the folder names the code */
        const char *d = dir_end;
        while (d > path && d[-1] != '/')
            d--;
        if ((size_t)(dir_end - d) == 3 && strncmp(d, pp_profile_code(p), 3) != 0) {
            fprintf(stderr, "polyphony langs: %s: folder '%.3s' does not match code '%s'\n", path,
                    d, pp_profile_code(p));
            bad = 1;
        }
    }
    return bad;
}

static void validate_file(const char *path, vstate *vs)
{
    pp_profile *p = NULL;
    pp_error err;
    vs->files++;
    if (pp_profile_load_with_schema(path, vs->schema, &p, &err) != PP_OK) {
        cli_fail(CMD, &err);
        vs->bad++;
        return;
    }
    if (semantic_check(path, p, vs->reg))
        vs->bad++;
    else
        printf("%s: valid (%s, %s, %zu function words, %zu variet%s)\n", path,
               pp_profile_code(p), pp_profile_status(p), pp_profile_nstopwords(p),
               pp_profile_nvarieties(p), pp_profile_nvarieties(p) == 1 ? "y" : "ies");
    pp_profile_free(p);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every profile.xml under dir, in sorted order. */
static void walk(const char *dir, vstate *vs, int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > 8) {
        if (d)
            closedir(d);
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n] = strdup(e->d_name);
        if (names[n])
            n++;
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                walk(path, vs, depth + 1);
            else if (strcmp(names[i], "profile.xml") == 0)
                validate_file(path, vs);
        }
        free(names[i]);
    }
    free(names);
}

int cmd_langs_validate(int argc, char **argv)
{
    cli_common co;
    cli_common_init(&co, "langs", "validate");
    static const struct option opts[] = {{"schema", required_argument, 0, 's'},
                                         {"registry", required_argument, 0, 'r'},
                                         CLI_LONG_QUIET, CLI_LONG_HELP,
                                         {0, 0, 0, 0}};
    vstate vs = {0};
    const char *regpath = NULL;
    int c, cr;
    optind = 1;
    while ((c = getopt_long(argc, argv, CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 's': vs.schema = optarg; break;
        case 'r': regpath = optarg; break;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    pp_error err;
    if (pp_registry_open(regpath, &vs.reg, &err) != PP_OK)
        return cli_fail(CMD, &err);
    char defdir[4096];
    if (optind == argc) {
        snprintf(defdir, sizeof defdir, "%s/langs", pp_data_dir());
        walk(defdir, &vs, 0);
    }
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "polyphony langs: %s: no such file or directory\n", argv[i]);
            vs.bad++;
        } else if (S_ISDIR(st.st_mode)) {
            walk(argv[i], &vs, 0);
        } else {
            validate_file(argv[i], &vs);
        }
    }
    pp_registry_free(vs.reg);
    if (vs.files == 0 && vs.bad == 0) {
        fprintf(stderr, "polyphony langs: no profile.xml found under %s\n",
                optind == argc ? defdir : argv[optind]);
        return 1;
    }
    fprintf(stderr, "polyphony langs: %d profile%s checked, %d invalid\n", vs.files,
            vs.files == 1 ? "" : "s", vs.bad);
    return vs.bad ? 1 : 0;
}
