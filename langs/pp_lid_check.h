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

/* A check with ICU's letters alone until profile lines are given to it;
 * NULL when out of memory. One thread at a time (it keeps the text being
 * checked, and builds each label's letters on first use): the identifier's.
 * PP_LID_CHECK_NAIVE=1 in the environment when it is created makes it read
 * the whole text again for every label (the reference path the tests
 * compare with). */
pp_lid_check *pp_lid_check_new(void);
/* The characters of the model's trigram profiles (MODEL.profiles.tsv), given
 * while the identifier reads them: the label of the lines that follow, each
 * line's trigram, then the end. */
void pp_lid_check_profile_label(pp_lid_check *c, const char *label);
void pp_lid_check_profile_trigram(pp_lid_check *c, const char *trigram, size_t len);
void pp_lid_check_profile_end(pp_lid_check *c);
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

/* Kin among the candidates: sisters share a macrolanguage (the answer is
 * its ISO 639-3 code); a group shares the registry's family path down to its
 * last level, an ISO 639-5 code, and is not sisters (the answer is that code). */
typedef enum { PP_LID_KIN_SISTERS, PP_LID_KIN_GROUP } pp_lid_kin;

/* The code that different languages a and b share as `kind` kin, in
 * code[8]; 0 when they are the same language or not such kin. */
int pp_lid_check_kin(const pp_registry *reg, pp_lid_kin kind, const char *a, const char *b,
                     char code[8]);
/* The summed probability of the candidates that are language a's `kind` kin
 * (a among them). */
double pp_lid_check_kin_prob(const pp_registry *reg, pp_lid_kin kind, const char *a,
                             const pp_lid_label *cands, int n);

#endif
