/* pp_registry.h — the language registry (every ISO 639-3 language, with
 * CLDR populations, scripts, coordinates, family, digital-support proxies)
 * and the community profiles in langs/<code>/profile.xml. */
#ifndef PP_REGISTRY_H
#define PP_REGISTRY_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pp_registry pp_registry;

typedef struct pp_language {
    const char *iso639_3;      /* "yor" */
    const char *bcp47;         /* canonical BCP 47 tag, "yo" */
    const char *name;          /* reference name (ISO 639-3) */
    char scope;                /* 'I' individual, 'M' macrolanguage, 'S' special */
    char type;                 /* 'L' living, 'E' extinct, 'A' ancient, 'H' historical, 'C' constructed, 'S' special */
    const char *macrolanguage; /* ISO 639-3 of the macrolanguage it belongs to, or NULL */
    double speakers;           /* CLDR population estimate (sum over territories); < 0 unknown */
    const char *scripts;       /* space-separated ISO 15924 codes, "" unknown */
    const char *family;        /* language family, or NULL */
    double latitude;           /* NAN when unknown */
    double longitude;          /* NAN when unknown */
    int joshi_class;           /* Joshi et al. 2020 resource class 0-5; -1 unknown */
    int cldr_coverage;         /* CLDR locale coverage level: 0 none, 1 basic, 2 moderate, 3 modern */
    int in_udhr;               /* number of UDHR declarations in the bundled collection */
    double digital_support;    /* documented indicator in [0,1] (see docs/registry.md) */
} pp_language;

/* Open the registry: `path` NULL means the bundled snapshot. */
PP_API pp_status pp_registry_open(const char *path, pp_registry **out, pp_error *err);
PP_API void pp_registry_free(pp_registry *r);

/* Look up by ISO 639-3, ISO 639-1 or a BCP 47 tag (its language subtag).
 * NULL when unknown. The pointer lives as long as the registry. */
PP_API const pp_language *pp_registry_get(const pp_registry *r, const char *code);
PP_API size_t pp_registry_count(const pp_registry *r);
PP_API const pp_language *pp_registry_at(const pp_registry *r, size_t i);

/* Low-resource per the registry's documented rule (Joshi class <= 2 where
 * known, else the digital-support indicator below a threshold). */
PP_API int pp_language_is_low_resource(const pp_language *l);

/* The threshold of that rule: digital_support = 0.4 * CLDR coverage score
 * (modern 1, moderate 0.6, basic 0.3, none 0) + 0.2 * (ICU has locale data)
 * + 0.2 * (a UDHR declaration exists) + 0.2 * (a spell-checking dictionary
 * is packaged in Debian); for a macrolanguage the last two count when any
 * member has them. See docs/registry.md for what each proxy can and cannot
 * tell. */
#define PP_LOW_RESOURCE_THRESHOLD 0.9

/* Extra fields of a registry entry (`l` must come from pp_registry_get/at):
 * the ISO 639-1 code ("" when none), the ISO 639-5 group path of the family
 * ("nic/alv", "" when unknown), whether ICU has locale data (1/0), and
 * whether Debian packages a spell-checking dictionary for it (1/0). */
PP_API const char *pp_language_iso639_1(const pp_language *l);
PP_API const char *pp_language_family_path(const pp_language *l);
PP_API int pp_language_icu_locale(const pp_language *l);
PP_API int pp_language_spellcheck(const pp_language *l);

/* The CLDR/ICU locale code under which CLDR keeps this language's data: its
 * own code ("yo"), or the code CLDR folds it into ("qu" for quz, "ar" for
 * arb, "fil" for tgl); "" when ICU has no data for it. */
PP_API const char *pp_language_cldr_locale(const pp_language *l);

/* Exemplar characters of a language from CLDR through ICU (ulocdata), as a
 * UTF-8 string of the characters (no brackets); *out malloc'd. PP_ERR_NOT_FOUND
 * when ICU has no data for the language. When ICU has nothing under the tag
 * itself, the bundled registry is asked where CLDR keeps the language's data
 * (CLDR folds "quz" into "qu", "arb" into "ar", "tl" into "fil"). Multi-
 * character exemplars ("gb", "ẹ̀") contribute each of their characters, so
 * combining marks appear on their own. */
PP_API pp_status pp_exemplar_chars(const char *tag, char **out, pp_error *err);

/* ------------------------------------------------------- language identity
 *
 * The one rule every command uses to decide whether a record belongs to a
 * language asked for (`--lang`, `--langs`) and under which code a record is
 * counted (the audit's --lang-level). A tag is read by its language subtag
 * through the registry, so "sw", "swa" and "sw-KE" name one language.
 *
 *   pp_lang_matches: a request for an individual language selects that
 *   language; a request for a macrolanguage ("sw") selects the
 *   macrolanguage's own records and those of every individual language it
 *   contains ("swh", "swc"). When the request has script or region subtags
 *   ("sr-Latn"), the record's tag must carry the same ones. Codes unknown to
 *   the registry match by their canonical language subtag.
 *
 *   pp_lang_key: the canonical BCP 47 tag under which a record is counted.
 *   PP_LANG_INDIVIDUAL keeps the language; PP_LANG_MACROLANGUAGE replaces an
 *   individual language that belongs to a macrolanguage by the macrolanguage
 *   ("swh" -> "sw", "arb-EG" -> "ar-EG"). */
typedef enum pp_lang_level { PP_LANG_INDIVIDUAL = 0, PP_LANG_MACROLANGUAGE = 1 } pp_lang_level;

/* 1 when a record tagged `tag` belongs to the language requested as `want`
 * (either may be ISO 639-1/639-3 or BCP 47; `r` may be NULL: then only equal
 * canonical language subtags match). */
PP_API int pp_lang_matches(const pp_registry *r, const char *want, const char *tag);

/* The key of `tag` at `level` (see above), written to out (cap bytes).
 * PP_ERR_INVALID when the tag is not well-formed BCP 47. */
PP_API pp_status pp_lang_key(const pp_registry *r, const char *tag, pp_lang_level level,
                             char *out, size_t cap, pp_error *err);

/* The macrolanguage entry of an individual language, or NULL. */
PP_API const pp_language *pp_language_macrolanguage(const pp_registry *r, const pp_language *l);

/* ------------------------------------------------------------ profiles */

typedef struct pp_profile pp_profile;

/* Load a profile.xml (validated against the RelaxNG schema). */
PP_API pp_status pp_profile_load(const char *path, pp_profile **out, pp_error *err);

/* Load the installed profile of a language (any code form); PP_ERR_NOT_FOUND
 * when the community has no profile. */
PP_API pp_status pp_profile_find(const char *code, pp_profile **out, pp_error *err);

PP_API void pp_profile_free(pp_profile *p);

PP_API const char *pp_profile_code(const pp_profile *p);          /* ISO 639-3 */
PP_API const char *pp_profile_name(const pp_profile *p);
PP_API const char *pp_profile_status(const pp_profile *p);        /* "draft", "reviewed", ... */
PP_API const char *pp_profile_normalization(const pp_profile *p); /* "NFC", "NFKC", "none" */
PP_API const char *pp_profile_scripts(const pp_profile *p);       /* space-separated ISO 15924 */
PP_API const char *pp_profile_exemplars(const pp_profile *p);     /* main exemplar characters */
PP_API const char *pp_profile_required_marks(const pp_profile *p);/* marks that must survive */
PP_API size_t pp_profile_nstopwords(const pp_profile *p);
PP_API const char *pp_profile_stopword(const pp_profile *p, size_t i);
PP_API size_t pp_profile_nvarieties(const pp_profile *p);
PP_API const char *pp_profile_variety_tag(const pp_profile *p, size_t i);
PP_API const char *pp_profile_variety_name(const pp_profile *p, size_t i);
PP_API const char *pp_profile_calendar(const pp_profile *p);      /* CLDR calendar id, "gregorian", "ethiopic" */
PP_API const char *pp_profile_numbering(const pp_profile *p);     /* CLDR numbering system, "latn", "arab" */

/* Load a profile validating against the schema at `schema` (NULL: the
 * installed langs/schema/profile.rng). Errors name the file and line. */
PP_API pp_status pp_profile_load_with_schema(const char *path, const char *schema,
                                             pp_profile **out, pp_error *err);
PP_API const char *pp_profile_bcp47(const pp_profile *p);
PP_API const char *pp_profile_autonym(const pp_profile *p);   /* "" when absent */
PP_API const char *pp_profile_family(const pp_profile *p);    /* "" when absent */
PP_API const char *pp_profile_review(const pp_profile *p);    /* the review note */
PP_API size_t pp_profile_nsources(const pp_profile *p);
PP_API const char *pp_profile_source_name(const pp_profile *p, size_t i);
PP_API const char *pp_profile_source_license(const pp_profile *p, size_t i);
PP_API size_t pp_profile_ncontacts(const pp_profile *p);
PP_API const char *pp_profile_contact(const pp_profile *p, size_t i);
PP_API const char *pp_profile_contact_role(const pp_profile *p, size_t i);

#ifdef __cplusplus
}
#endif
#endif
