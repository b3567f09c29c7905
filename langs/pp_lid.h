/* pp_lid.h — language identification on top of fastText (pp_fasttext.h).
 *
 * One text preprocessing function (pp_lid_preprocess) is used both when a
 * model is trained and when it predicts. Models may use either label style:
 * lid.176 ("__label__en") or GlotLID/OpenLID ("__label__eng_Latn"); both are
 * mapped to the same fields (BCP 47 tag, ISO 639-3 code, ISO 15924 script).
 * A model may carry a sidecar MODEL.thresholds.json with per-label score
 * thresholds and the scripts each label was seen written in. Under the
 * threshold, or when the predicted language is not written in the text's
 * script, the identifier abstains with "und_<Script>" (e.g. "und_Latn"). */
#ifndef PP_LID_H
#define PP_LID_H

#include "src/pp_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PP_LID_MAX_TOP 16

/* The shared preprocessing: NFC, lowercase (ICU root locale), digits
 * removed, punctuation replaced by spaces (apostrophes and the modifier
 * letter apostrophe kept, typographic apostrophes folded to U+0027),
 * white space collapsed and trimmed. *out is malloc'd and NUL-terminated.
 * Safe to call from several threads (its code-point table is filled on
 * first use, a page at a time, with atomic flags). PP_LID_PREPROCESS_ICU=1
 * in the environment makes it take ICU's path for every text (for
 * comparing the two; the result is the same). */
PP_API pp_status pp_lid_preprocess(const char *s, size_t len, char **out, size_t *outlen,
                                   pp_error *err);

/* One label, mapped to output fields. */
typedef struct pp_lid_label {
    char label[64];   /* the model's label without "__label__" ("en", "eng_Latn") */
    char lang[48];    /* BCP 47 ("en", "uz-Cyrl": script subtag only when not the
                         language's likely script) or "und_<Script>" */
    char iso639_3[8]; /* "eng"; "" when unknown; "und" when abstaining */
    char script[8];   /* "Latn"; "" when the label does not say and ICU does not know */
    double prob;
} pp_lid_label;

/* Map a label (without prefix) to the fields above (prob left 0). Labels
 * "xxx_Xxxx" are GlotLID/OpenLID style; anything else is taken as a
 * BCP 47 / ISO 639 code (lid.176 style). Returns PP_ERR_INVALID when the
 * label is not a well-formed tag. */
PP_API pp_status pp_lid_label_map(const char *label, pp_lid_label *out, pp_error *err);

typedef enum pp_lid_abstain {
    PP_LID_DECIDED = 0,
    PP_LID_NO_TEXT,      /* nothing to identify (no letters) */
    PP_LID_LOW_SCORE,    /* best score under the label's threshold */
    PP_LID_WRONG_SCRIPT, /* best language not written in the text's script */
    PP_LID_DISSIMILAR    /* text too far from the chosen language's trigram profile */
} pp_lid_abstain;

/* What made a decision that is not an abstention. */
typedef enum pp_lid_rule {
    PP_LID_BY_MODEL = 0, /* the model's (re-ranked) best label, over its threshold */
    PP_LID_BY_SCRIPT,    /* the only language of the label set written in the text's script */
    PP_LID_BY_MACRO,     /* the macrolanguage of every language written in that script */
    PP_LID_BY_LETTERS,   /* the model's label did not use the text's letters: the best
                            candidate that does (pp_lid_set_letter_check) */
    PP_LID_BY_SISTERS,   /* two languages of one macrolanguage the evidence could not
                            tell apart: the macrolanguage (pp_lid_set_sister_margin) */
    PP_LID_BY_GROUP      /* two close languages of no common macrolanguage the evidence
                            could not tell apart: their ISO 639-5 group, in best.lang, with
                            best.iso639_3 empty (pp_lid_set_group_margin) */
} pp_lid_rule;

typedef struct pp_lid_result {
    pp_lid_label best;          /* the decision (lang "und_Latn" when abstaining) */
    pp_lid_abstain abstained;
    char text_script[8];        /* majority script of the text ("Zyyy" if none) */
    double script_share;        /* share of the majority script among letters */
    double threshold;           /* the threshold applied to the best label */
    double similarity;          /* trigram cosine of the text with the chosen label's
                                   profile (-1 when the model has no profiles) */
    int ntop;                   /* filled entries of top[] (model order) */
    pp_lid_label top[PP_LID_MAX_TOP];
    pp_lid_rule rule;           /* how a decision was taken */
    char writing[8];            /* the text's writing system: its majority script, with
                                   Han text read as "Jpan" (kana), "Kore" (Hangul) or "Hani" */
    double foreign;             /* share of the text's letters (of its script) that the
                                   model's choice, top[0], does not use (-1: not checked) */
} pp_lid_result;

typedef struct pp_lid pp_lid;

/* The bundled default model, relative to the data directory (pp_data.h). */
#define PP_LID_BUNDLED_MODEL "langs/models/udhr-lid.ftz"

/* Load a fastText .bin/.ftz model; `model` NULL loads the bundled default
 * (PP_ERR_NOT_FOUND when it is not installed). The header is checked before
 * fastText reads it, so a corrupt or truncated file gives PP_ERR_MODEL. When
 * `thresholds` is NULL, MODEL.thresholds.json is read if it exists. */
PP_API pp_status pp_lid_load(const char *model, const char *thresholds, pp_lid **out,
                             pp_error *err);
PP_API void pp_lid_free(pp_lid *lid);

/* Override every per-label threshold with `t` (t < 0 restores the sidecar's). */
PP_API void pp_lid_set_threshold(pp_lid *lid, double t);
/* The threshold in force for a label, and the space-separated scripts it is
 * written in ("" when unknown: no script check for it). */
PP_API double pp_lid_threshold(const pp_lid *lid, const char *label);
PP_API const char *pp_lid_scripts(const pp_lid *lid, const char *label);
/* The sidecar may also hold thresholds per writing system ("writing_systems":
 * {"Thai": {"threshold": 0.2}, ...}, written by pp_lid_calibrate), calibrated
 * out of domain on the decision taken: where the text's writing system has
 * one, it applies to the chosen label's probability instead of the label's
 * threshold. -1 when there is none (or --threshold overrides them all). */
PP_API double pp_lid_writing_threshold(const pp_lid *lid, const char *writing);

/* Re-ranking with trigram profiles (MODEL.profiles.tsv, written by
 * pp_lid_train; loaded when present): the `candidates` best labels of the
 * model are re-ordered by cosine(text trigrams, label profile) + weight *
 * probability. candidates 0 or 1 turns it off. Default when profiles exist:
 * 10 candidates, weight 0 (the profile decides among the candidates). */
PP_API void pp_lid_set_rerank(pp_lid *lid, int candidates, double weight);
/* The weight alone, the number of candidates as it is. */
PP_API void pp_lid_set_rerank_weight(pp_lid *lid, double weight);
/* Skip re-ranking when the model's best score is at least p (default 0.99:
 * on the development sets re-ranking never changed such decisions; 0 never
 * re-ranks, unless a minimum similarity asks for it; any p above 1 always
 * re-ranks, although a score can itself be a little above 1). */
PP_API void pp_lid_set_rerank_skip(pp_lid *lid, double p);
/* Re-rank only the candidates whose probability is at least p (the best two
 * always; default 0.02: on the UDHR development set and out-of-domain text
 * the profile never rightly chose a label the model gave less, and each
 * candidate costs a profile look-up; 0 re-ranks all of them). */
PP_API void pp_lid_set_rerank_min_prob(pp_lid *lid, double p);
/* Abstain when the text's trigram cosine with the chosen label's profile is
 * under `s` (needs profiles; 0 turns it off; default 0). */
PP_API void pp_lid_set_min_similarity(pp_lid *lid, double s);
PP_API int pp_lid_has_profiles(const pp_lid *lid);
/* What the model is given: the text as pp_lid_preprocess leaves it
 * (default: the bundled model was trained on it, and it helps lid.176 on
 * news text too), or the text unchanged, as `fasttext predict` gives a line
 * to the model (a text without newlines then gets fastText's own labels and
 * probabilities in res->top, the re-ranking and script rule aside). The
 * script, the trigram profiles and the abstention always read the
 * preprocessed text. */
typedef enum pp_lid_preprocessing {
    PP_LID_PREPROCESS_POLYPHONY = 0,
    PP_LID_PREPROCESS_NONE
} pp_lid_preprocessing;
PP_API void pp_lid_set_preprocess(pp_lid *lid, pp_lid_preprocessing p);
PP_API pp_lid_preprocessing pp_lid_get_preprocess(const pp_lid *lid);
/* The script rule: when the text has at least `min_letters` letters and every
 * label written in its writing system (pp_lid_writing_system) belongs to one
 * language, that language is chosen whatever its score (no community is lost
 * to a threshold because of its script); when they all belong to one
 * macrolanguage (Chinese), a score under the threshold gives the
 * macrolanguage instead of an abstention. Han text is given only to labels of
 * its writing system (no Japanese label without kana). Default 4; 0 turns
 * the rule off (the model's decision and thresholds alone). */
PP_API void pp_lid_set_script_rule(pp_lid *lid, int min_letters);

/* The letter check: when more than `max_share` of the text's letters (those
 * of its majority script, marks included) are not letters the chosen
 * language uses, the one of the model's 10 first candidates whose language
 * leaves the fewest of them unused (within max_share; the best ranked of
 * equals) is chosen instead (rule PP_LID_BY_LETTERS); when none does, the
 * decision stands. A language's
 * letters are its CLDR exemplar characters (the standard set, through ICU)
 * and its community profile's (langs/<code>/profile.xml) joined with the
 * characters of its label's trigram profile (what its training text was
 * written with); without either, the profile's alone;
 * labels with neither are not checked, nor are texts in Han, kana, Hangul, Yi
 * or syllabics. Default when the model has profiles: 0.1 (calibrated out of
 * domain, docs/lid.md); without profiles (external models: lid.176, GlotLID):
 * 0, off, since only ICU's letters would be known and the check would favour
 * the languages ICU has data for. 0 turns it off. */
PP_API void pp_lid_set_letter_check(pp_lid *lid, double max_share);
/* Sisters: when the two best candidates after every other rule are
 * individual languages of one macrolanguage (registry) whose scores differ by
 * less than `margin` (profile cosines when re-ranked, else probabilities),
 * or when the best score is under its threshold but the candidates of the
 * two best's macrolanguage together reach it, the macrolanguage is chosen
 * (rule PP_LID_BY_SISTERS). Default when the model has profiles: 0.01
 * (docs/lid.md), else 0; 0 turns it off. */
PP_API void pp_lid_set_sister_margin(pp_lid *lid, double margin);
/* Groups: the same for two best candidates that are not of one macrolanguage
 * but of the same ISO 639-5 group, down to its last level (the registry's
 * family path: Zulu and Xhosa, "nic/alv/bnt"), closer than `margin`: the
 * decision is the group's code (Bantu "bnt", Turkic "trk"), a BCP 47
 * collection tag, rule PP_LID_BY_GROUP. Sisters go first. Default 0 (off):
 * a group is a coarse answer, and it turns wrong sisters and right answers
 * alike into it (docs/lid.md measures the trade). */
PP_API void pp_lid_set_group_margin(pp_lid *lid, double margin);

PP_API int pp_lid_nlabels(const pp_lid *lid);
PP_API const char *pp_lid_label_at(const pp_lid *lid, int i);

/* Identify `len` bytes of UTF-8 text; `k` (1..PP_LID_MAX_TOP) top labels are
 * kept in res->top. Uses buffers kept in `lid`: one thread at a time per
 * pp_lid (load one per thread). */
PP_API pp_status pp_lid_identify(pp_lid *lid, const char *text, size_t len, int k,
                                 pp_lid_result *res, pp_error *err);

/* Nonzero if a text in script `text_script` can be written by a language
 * written in `scripts` (space-separated; "" accepts anything). Han, kana and
 * Hangul are matched against Jpan, Kore, Hans and Hant. */
PP_API int pp_lid_script_ok(const char *scripts, const char *text_script);

/* The writing system of preprocessed text whose majority script is
 * `majority`: the majority script, except that Han, kana and Hangul are read
 * together: "Kore" when Hangul is at least 20% of those letters, "Jpan" when
 * kana is at least 5%, "Hani" otherwise. *letters: the number of letters. */
PP_API void pp_lid_writing_system(const char *s, size_t len, const char *majority, char ws[8],
                                  long *letters);

/* Calibration of the per-writing-system thresholds: identify out-of-domain
 * items with every threshold at 0 and add each decision the model took
 * (not those of the script rule): the text's writing system (res->writing),
 * the chosen label's probability, whether it was right, and whether the
 * identifier should have abstained (gold "und", or a language the model does
 * not know). For each writing system with at least `min_items` items, the
 * threshold with the most right outcomes (right decisions + abstentions on
 * items to abstain on) is written, with the model's labels, into `out`: a
 * copy of the sidecar `base` (NULL: a new one). `source` names the data. */
typedef struct pp_lid_calibrator pp_lid_calibrator;
PP_API pp_lid_calibrator *pp_lid_calibrator_new(void);
PP_API void pp_lid_calibrator_free(pp_lid_calibrator *c);
PP_API pp_status pp_lid_calibrator_add(pp_lid_calibrator *c, const char *writing, double prob,
                                       int right, int should_abstain, pp_error *err);
PP_API pp_status pp_lid_calibrate_write(pp_lid_calibrator *c, const pp_lid *lid,
                                        const char *base, const char *out, long min_items,
                                        const char *source, pp_error *err);

/* ------------------------------------------------------------ training */

typedef struct pp_lid_train_opts {
    const char *input;       /* JSONL records */
    const char *output;      /* MODEL.ftz (or .bin when quantize is 0) */
    const char *label_field; /* "lang" by default: BCP 47 or ISO 639-3, or a label "xxx_Xxxx" */
    int bcp47_labels;        /* 1: labels are canonical BCP 47 tags ("en", lid.176 style);
                                0 (default): ISO 639-3 + script ("eng_Latn", GlotLID style) */
    const char *split;       /* use only records whose meta.split equals this (NULL: all) */
    const char *dev_split;   /* calibrate on records whose meta.split equals this; NULL or
                                absent: every 10th training record (by order) is held out */
    int dim, epoch, minn, maxn, word_ngrams, bucket, seed, threads;
    int min_count;           /* words seen fewer times get no vector of their own, only
                                their character n-grams (default 1) */
    double lr;
    int quantize;            /* default 1 */
    long cutoff;             /* quantization cutoff (0: keep all) */
    int dsub;                /* quantization: dimensions per sub-vector (default 2) */
    int sentences;           /* also train on sentences and sentence pairs (default 1) */
    int min_chars;           /* labels with fewer training characters are dropped (default 0) */
    double default_threshold;/* for labels with too little dev data (default 0.0) */
    double max_threshold;    /* cap on calibrated thresholds (default 0.5): the dev split is
                                in-domain, so its best thresholds are too strict elsewhere */
    int profile_top;         /* trigrams per label in MODEL.profiles.tsv (default 400; 0: none) */
    int max_per_source;      /* at most this many training examples per label from each
                                source (the record's "source" field), a seeded choice, so a
                                large source does not dominate the labels' prior (0: all) */
    int profile_per_source;  /* one trigram profile per label and source (default 0: one per
                                label; see pp_lid_profile_opts.source_field) */
} pp_lid_train_opts;

PP_API void pp_lid_train_opts_init(pp_lid_train_opts *o);

/* What training did (for the report). */
typedef struct pp_lid_train_report {
    long records, examples, dev_examples, labels, dropped_labels;
    long skipped_und; /* records labelled "und" (no language code), not used */
    double dev_accuracy; /* top-1 accuracy on the dev sentences, before thresholds */
} pp_lid_train_report;

/* Train, quantize and calibrate: writes opts->output and
 * opts->output + ".thresholds.json". */
PP_API pp_status pp_lid_train(const pp_lid_train_opts *o, pp_lid_train_report *rep,
                              pp_error *err);

/* Trigram profiles for re-ranking (MODEL.profiles.tsv): per label, the
 * `top` most frequent character trigrams of its records (same labels as
 * pp_lid_train). Works for any model whose labels the records produce. */
typedef struct pp_lid_profile_opts {
    const char *input;       /* JSONL records */
    const char *output;      /* MODEL.profiles.tsv */
    const char *label_field; /* as in pp_lid_train_opts ("lang" when NULL) */
    const char *split;       /* only records whose meta.split equals this (NULL: all) */
    int bcp47_labels;
    int top;
    /* NULL: one profile per label; else one per label and value of this
     * record field (its domain, e.g. "source"), written as a fourth column:
     * the identifier compares a text with each of a label's profiles and
     * keeps the closest. A value is at most PP_LID_DOMAIN_MAX - 1 bytes. */
    const char *source_field;
} pp_lid_profile_opts;
#define PP_LID_DOMAIN_MAX 64

PP_API pp_status pp_lid_build_profiles(const pp_lid_profile_opts *o, pp_error *err);

/* ------------------------------------------------------------ evaluation */

typedef struct pp_lid_eval pp_lid_eval;

typedef struct pp_lid_class_stats {
    const char *lang;
    long tp, fp, fn, tn, gold, abstained;
    double precision, recall, f1, fpr;
} pp_lid_class_stats;

typedef struct pp_lid_confusion {
    const char *gold, *pred;
    long n;
} pp_lid_confusion;

PP_API pp_lid_eval *pp_lid_eval_new(void);
PP_API void pp_lid_eval_free(pp_lid_eval *e);
/* Restrict the classes scored to `langs` (comma/space separated codes). Items
 * whose gold label is outside are ignored; predictions outside count as errors. */
PP_API pp_status pp_lid_eval_restrict(pp_lid_eval *e, const char *langs, pp_error *err);
/* One item: gold and predicted codes. pred NULL, "" or "und..." means the
 * identifier abstained (a miss, not a false positive of any class). A gold
 * "und..." means the identifier should abstain: an abstention on it is
 * correct (counted in the accuracy, not a miss), a decision a false positive
 * of the class predicted; "und" is not a class. Codes are compared as given;
 * callers normalize (e.g. to ISO 639-3) first. */
PP_API void pp_lid_eval_add(pp_lid_eval *e, const char *gold, const char *pred);
PP_API long pp_lid_eval_items(const pp_lid_eval *e);

/* Abstentions: how often the identifier abstained (rate = abstained /
 * items), and how many of them were on gold "und" items (precision =
 * correct / abstained, recall = correct / gold_und). */
typedef struct pp_lid_abstention_stats {
    long items, abstained, gold_und, correct;
    double rate, precision, recall;
} pp_lid_abstention_stats;
PP_API void pp_lid_eval_abstention(const pp_lid_eval *e, pp_lid_abstention_stats *out);
/* Classes: every gold class (sorted by code). */
PP_API size_t pp_lid_eval_nclasses(const pp_lid_eval *e);
PP_API void pp_lid_eval_class(const pp_lid_eval *e, size_t i, pp_lid_class_stats *out);
/* Macro averages over the gold classes; accuracy = correct / items. */
PP_API void pp_lid_eval_macro(const pp_lid_eval *e, double *precision, double *recall,
                              double *f1, double *fpr, double *accuracy);
/* The k most frequent (gold != pred, pred not abstaining) pairs, most first;
 * returns how many were written. */
PP_API size_t pp_lid_eval_confusions(const pp_lid_eval *e, pp_lid_confusion *out, size_t k);

#ifdef __cplusplus
}
#endif
#endif
