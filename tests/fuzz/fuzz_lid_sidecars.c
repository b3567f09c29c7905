/* fuzz_lid_sidecars.c — the language identifier's sidecar files, read next to
 * a small fixed model (tests/data/lid/tiny.ftz): the trigram profiles
 * (MODEL.profiles.tsv, or .tsv.zst compressed here) and the thresholds
 * (MODEL.thresholds.json).
 *
 * Input: a first byte, then the file(s). The first byte modulo 5 says which
 * sidecars the rest is: 0 profiles.tsv, 1 profiles.tsv.zst, 2 thresholds.json,
 * 3 and 4 both (the thresholds, the separator line FUZZ_LID_SEP, the profiles;
 * plain or compressed). Its next bit gives the model the text unchanged
 * instead of preprocessed. When the identifier opens, it identifies a few
 * texts with every rule on: re-ranking of every candidate (a minimum
 * similarity makes every text compared), the letter check and the sisters. */
#include "config.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/fuzz_texts.h"
#include "langs/pp_lid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define FUZZ_LID_SEP "\n-8<-\n"

/* Texts in the model's languages (German text is what its Norwegian sisters
 * were trained on), so that re-ranking and the rules have candidates. */
static const char *const lid_texts[] = {
    "Die Kinder gehen jeden Morgen zur Schule.",
    "Сегодня очень холодный ветер.",
    "Les enfants vont à l'école chaque matin.",
    "The river is very cold this morning, ok?",
    "Schule école ветер",
};
#define LID_NTEXTS (sizeof lid_texts / sizeof lid_texts[0])

static char model[4200];  /* the model's copy in the scratch directory */
static char side[4][4300]; /* its sidecars' paths */
enum { PROF, PROF_ZST, THR, NSIDE };

/* Copy the model next to the scratch files, once. */
static void setup(void)
{
    if (*model)
        return;
    fuzz_use_source_data();
    char src[4200];
    snprintf(src, sizeof src, "%s/tests/data/lid/tiny.ftz", PP_FUZZ_SRCDIR);
    FILE *fp = fopen(src, "rb");
    static uint8_t buf[1 << 16];
    size_t n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
    if (!fp || n == 0 || n == sizeof buf) {
        fprintf(stderr, "fuzz: cannot read %s\n", src);
        abort();
    }
    fclose(fp);
    snprintf(model, sizeof model, "%s", fuzz_file(".ftz", buf, n));
    snprintf(side[PROF], sizeof side[0], "%s.profiles.tsv", model);
    snprintf(side[PROF_ZST], sizeof side[0], "%s.profiles.tsv.zst", model);
    snprintf(side[THR], sizeof side[0], "%s.thresholds.json", model);
}

static void write_file(const char *path, const void *data, size_t size)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) {
        perror(path);
        abort();
    }
}

static void write_zst(const char *path, const uint8_t *data, size_t size)
{
    size_t cap = ZSTD_compressBound(size);
    void *out = malloc(cap ? cap : 1);
    if (!out)
        abort();
    size_t n = ZSTD_compress(out, cap, data, size, 3);
    if (ZSTD_isError(n))
        abort();
    write_file(path, out, n);
    free(out);
}

/* What a result holds must be whole and in range. */
static void check_result(const pp_lid_result *r, int k)
{
    fuzz_touch_str(r->best.label);
    fuzz_touch_str(r->best.lang);
    fuzz_touch_str(r->best.iso639_3);
    fuzz_touch_str(r->best.script);
    fuzz_touch_str(r->writing);
    fuzz_touch_str(r->text_script);
    if (r->ntop < 0 || r->ntop > k)
        abort();
    for (int i = 0; i < r->ntop; i++) {
        fuzz_touch_str(r->top[i].lang);
        if (!(r->top[i].prob >= 0.0 && r->top[i].prob <= 1.0))
            abort();
    }
    /* A cosine of non-negative weights: -1 (not compared) or in [0, 1]. */
    if (!(r->similarity == -1.0 || (r->similarity >= 0.0 && r->similarity <= 1.0 + 1e-6)))
        abort();
    if (!(r->foreign == -1.0 || (r->foreign >= 0.0 && r->foreign <= 1.0)))
        abort();
    if (!(r->best.prob >= 0.0 && r->best.prob <= 1.0))
        abort();
    /* The sidecar's thresholds are probabilities: one outside [0, 1] is refused at load. */
    if (!(r->threshold >= 0.0 && r->threshold <= 1.0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    for (int i = 0; i < NSIDE; i++)
        unlink(side[i]);
    if (size == 0)
        return 0;
    int mode = data[0] % 5, raw = (data[0] / 5) & 1;
    const uint8_t *thr = NULL, *prof = NULL;
    size_t thr_n = 0, prof_n = 0;
    data++;
    size--;
    if (mode == 2) {
        thr = data;
        thr_n = size;
    } else if (mode < 2) {
        prof = data;
        prof_n = size;
    } else {
        const size_t sl = sizeof FUZZ_LID_SEP - 1;
        const uint8_t *cut = NULL;
        for (size_t i = 0; i + sl <= size && !cut; i++)
            if (memcmp(data + i, FUZZ_LID_SEP, sl) == 0)
                cut = data + i;
        thr = data;
        thr_n = cut ? (size_t)(cut - data) : size;
        prof = cut ? cut + sl : (const uint8_t *)"";
        prof_n = cut ? size - thr_n - sl : 0;
    }
    if (thr)
        write_file(side[THR], thr, thr_n);
    if (prof && (mode == 1 || mode == 4))
        write_zst(side[PROF_ZST], prof, prof_n);
    else if (prof)
        write_file(side[PROF], prof, prof_n);

    pp_lid *lid = NULL;
    pp_error err;
    if (pp_lid_load(model, NULL, &lid, &err) != PP_OK) {
        fuzz_touch_str(err.message);
        return 0;
    }
    pp_lid_set_min_similarity(lid, 0.001);
    pp_lid_set_rerank_min_prob(lid, 0.0);
    pp_lid_set_letter_check(lid, 0.1);
    pp_lid_set_sister_margin(lid, 0.05);
    if (raw)
        pp_lid_set_preprocess(lid, PP_LID_PREPROCESS_NONE);
    for (int i = 0; i < pp_lid_nlabels(lid); i++) {
        const char *lab = pp_lid_label_at(lid, i);
        fuzz_touch_str(pp_lid_scripts(lid, lab));
        double t = pp_lid_threshold(lid, lab);
        if (!(t >= 0.0 && t <= 1.0))
            abort();
    }
    const size_t nt = LID_NTEXTS + FUZZ_NTEXTS;
    static const char *const writing[] = {"Latn", "Cyrl", "Hani", "Jpan", "Kore", "Thai"};
    for (size_t i = 0; i < sizeof writing / sizeof writing[0]; i++) {
        double t = pp_lid_writing_threshold(lid, writing[i]);
        if (!(t == -1.0 || (t >= 0.0 && t <= 1.0)))
            abort();
    }
    for (size_t t = 0; t < nt; t++) {
        const char *s = t < LID_NTEXTS ? lid_texts[t] : fuzz_texts[t - LID_NTEXTS];
        pp_lid_result r;
        if (pp_lid_identify(lid, s, strlen(s), 5, &r, &err) == PP_OK)
            check_result(&r, 5);
    }
    pp_lid_free(lid);
    return 0;
}
