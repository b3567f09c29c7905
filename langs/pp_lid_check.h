/* pp_lid_check.h — private to the identifier (not installed): checks of a
 * decision against what the text is written with, taken after the model and
 * the profile re-ranking.
 *
 * Letters: a language's letters are its CLDR exemplar characters (the
 * standard set, through ICU) and those of its community profile
 * (langs/<code>/profile.xml) when it has one, joined with the characters of its label's
 * trigram profile (MODEL.profiles.tsv: what the training text was written
 * with); a label without ICU data has the profile's characters alone, and a
 * label with neither is not checked. Only the letters (and combining marks)
 * of the text's majority script are counted: Latin names in an Ethiopic text
 * are not held against Amharic.
 *
 * Sisters: two candidates of one macrolanguage (registry) that the evidence
 * does not tell apart give the macrolanguage. */
#ifndef PP_LID_CHECK_H
#define PP_LID_CHECK_H

#include "langs/pp_lid.h"
#include "langs/pp_registry.h"

/* Defaults when the model has profiles (docs/lid.md says how they were
 * calibrated). */
#define PP_LID_LETTER_CHECK_DEFAULT 0.1
#define PP_LID_SISTER_MARGIN_DEFAULT 0.01

typedef struct pp_lid_check pp_lid_check;

/* profiles: the model's MODEL.profiles.tsv(.zst), or NULL (ICU alone); read
 * once, the first time a label's letters are needed. NULL when out of memory. */
pp_lid_check *pp_lid_check_new(const char *profiles);
void pp_lid_check_free(pp_lid_check *c);
/* The registry that says where CLDR keeps a language's data (borrowed; NULL:
 * no CLDR letters, the profiles' alone). */
void pp_lid_check_set_registry(pp_lid_check *c, const pp_registry *reg);

/* The share of the letters of preprocessed text `pre` (majority script
 * `script`) that the language of label `m` does not use; -1 when its letters
 * are unknown or the text has none of that script. *nletters: letters counted. */
double pp_lid_check_foreign(pp_lid_check *c, const pp_lid_label *m, const char *pre,
                            size_t len, const char *script, long *nletters);

/* The letter check over candidates cands[0..n) (best first): 0 when the
 * first one's foreign share is at most max_share (or unknown), or the text
 * is in a script of thousands of characters (Han, kana, Hangul, Yi,
 * syllabics: neither profiles nor exemplars list them all); else the index
 * of the candidate with the lowest share within max_share (the best ranked
 * of equals; names and loanwords leave a right language a few foreign
 * letters too); -1 when none is.
 * *foreign0: the first one's share (-1 unknown). */
int pp_lid_check_letters(pp_lid_check *c, const pp_lid_label *cands, int n, const char *pre,
                         size_t len, const char *script, double max_share, double *foreign0);

/* The macrolanguage (ISO 639-3, in macro[8]) that individual languages a and
 * b both belong to; 0 when they are the same language or not sisters. */
int pp_lid_check_sisters(const pp_registry *reg, const char *a, const char *b, char macro[8]);
/* The summed probability of the candidates that belong to `macro`. */
double pp_lid_check_macro_prob(const pp_registry *reg, const char *macro,
                               const pp_lid_label *cands, int n);

#endif
