/* pp_tok_export.c — a SentencePiece model written as a Hugging Face
 * tokenizer.json that segments text the same way.
 *
 * SentencePiece marks spaces with U+2581, puts one in front of the text
 * (add_dummy_prefix) and segments the whole marked line at once. The file
 * therefore says so with normalizers (NFC when the sidecar asks for it,
 * Prepend "▁", Replace " " → "▁") and no pre-tokenizer: a Metaspace
 * pre-tokenizer would not add the dummy prefix in front of a line that
 * already starts with a space, which SentencePiece does. */
#include "config.h"

#include "src/pp_stream.h"
#include "tokenizers/pp_spm.h"
#include "tokenizers/pp_tok_export.h"

#include <errno.h>
#include <float.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/utf8.h>

#define META "\xe2\x96\x81"

typedef struct merge {
    float score;   /* of the merged piece: higher merges first */
    int32_t id;    /* the merged piece */
    int32_t split; /* byte offset of the split */
    int32_t left, right;
} merge;

static int cmp_merge(const void *a, const void *b)
{
    const merge *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x->split < y->split ? -1 : x->split > y->split;
}

/* "NFC" when PREFIX.json beside PREFIX.model asks for NFC pre-normalization. */
static const char *sidecar_prenormalize(const char *model)
{
    size_t l = strlen(model);
    if (l < 6 || strcmp(model + l - 6, ".model") != 0)
        return NULL;
    char *side = malloc(l);
    if (!side)
        return NULL;
    memcpy(side, model, l - 6);
    strcpy(side + l - 6, ".json");
    json_t *j = json_load_file(side, 0, NULL);
    free(side);
    const char *pre = json_string_value(json_object_get(j, "prenormalize"));
    static const char *forms[] = {"NFC", "NFD", "NFKC", "NFKD"};
    const char *found = NULL;
    for (int i = 0; pre && i < 4; i++)
        if (strcmp(pre, forms[i]) == 0)
            found = forms[i];
    json_decref(j);
    return found;
}

static json_t *string_pattern(const char *s)
{
    return json_pack("{s:s}", "String", s);
}

static json_t *normalizer(const char *prenorm, int dummy_prefix)
{
    json_t *seq = json_array();
    if (prenorm)
        json_array_append_new(seq, json_pack("{s:s}", "type", prenorm));
    if (dummy_prefix)
        json_array_append_new(seq, json_pack("{s:s,s:s}", "type", "Prepend", "prepend", META));
    json_array_append_new(seq, json_pack("{s:s,s:o,s:s}", "type", "Replace", "pattern",
                                         string_pattern(" "), "content", META));
    return json_pack("{s:s,s:o}", "type", "Sequence", "normalizers", seq);
}

static json_t *decoder(int dummy_prefix)
{
    json_t *seq = json_array();
    json_array_append_new(seq, json_pack("{s:s,s:o,s:s}", "type", "Replace", "pattern",
                                         string_pattern(META), "content", " "));
    json_array_append_new(seq, json_pack("{s:s}", "type", "ByteFallback"));
    json_array_append_new(seq, json_pack("{s:s}", "type", "Fuse"));
    if (dummy_prefix)
        json_array_append_new(seq, json_pack("{s:s,s:s,s:i,s:i}", "type", "Strip", "content", " ",
                                             "start", 1, "stop", 0));
    return json_pack("{s:s,s:o}", "type", "Sequence", "decoders", seq);
}

static json_t *unigram_model(pp_spm *m, const int *types, int n, int unk, int byte_fallback)
{
    /* SentencePiece lets a user-defined piece win every segmentation with the
     * score length_in_bytes × max_score − 0.1, max_score being the best
     * normal piece's score and at least FLT_MIN (unigram_model.cc). */
    float max_score = FLT_MIN;
    for (int i = 0; i < n; i++)
        if (types[i] == PP_SPM_NORMAL && pp_spm_score(m, i) > max_score)
            max_score = pp_spm_score(m, i);
    json_t *vocab = json_array();
    for (int i = 0; i < n; i++) {
        const char *p = pp_spm_id_to_piece(m, i);
        float sc = pp_spm_score(m, i);
        if (types[i] == PP_SPM_USER_DEFINED)
            sc = (float)strlen(p) * max_score - 0.1f;
        json_array_append_new(vocab, json_pack("[s,f]", p, (double)sc));
    }
    return json_pack("{s:s,s:i,s:o,s:b}", "type", "Unigram", "unk_id", unk, "vocab", vocab,
                     "byte_fallback", byte_fallback);
}

static json_t *bpe_model(pp_spm *m, const int *types, int n, int unk, int byte_fallback,
                         pp_error *err)
{
    json_t *vocab = json_object();
    for (int i = 0; i < n; i++)
        json_object_set_new(vocab, pp_spm_id_to_piece(m, i), json_integer(i));
    /* every split of a normal piece into two pieces is a merge (SentencePiece
     * merges any adjacent pair whose concatenation is a piece, best score first) */
    merge *mg = NULL;
    size_t nm = 0, cap = 0;
    for (int i = 0; i < n; i++) {
        if (types[i] != PP_SPM_NORMAL)
            continue;
        const char *p = pp_spm_id_to_piece(m, i);
        int32_t len = (int32_t)strlen(p);
        for (int32_t k = 0; k < len;) {
            UChar32 c;
            U8_NEXT(p, k, len, c);
            (void)c;
            if (k >= len)
                break;
            char *l = strndup(p, (size_t)k);
            json_t *li = l ? json_object_get(vocab, l) : NULL;
            json_t *ri = json_object_get(vocab, p + k);
            free(l);
            if (!li || !ri)
                continue;
            if (nm == cap) {
                cap = cap ? cap * 2 : 1024;
                merge *x = realloc(mg, cap * sizeof *x);
                if (!x) {
                    free(mg);
                    json_decref(vocab);
                    pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
                    return NULL;
                }
                mg = x;
            }
            mg[nm++] = (merge){pp_spm_score(m, i), i, k, (int32_t)json_integer_value(li),
                               (int32_t)json_integer_value(ri)};
        }
    }
    if (nm)
        qsort(mg, nm, sizeof *mg, cmp_merge);
    json_t *merges = json_array();
    for (size_t i = 0; i < nm; i++)
        json_array_append_new(merges, json_pack("[s,s]", pp_spm_id_to_piece(m, mg[i].left),
                                                pp_spm_id_to_piece(m, mg[i].right)));
    free(mg);
    return json_pack("{s:s,s:n,s:s,s:n,s:n,s:b,s:b,s:b,s:o,s:o}", "type", "BPE", "dropout",
                     "unk_token", pp_spm_id_to_piece(m, unk), "continuing_subword_prefix",
                     "end_of_word_suffix", "fuse_unk", 1, "byte_fallback", byte_fallback,
                     "ignore_merges", 0, "vocab", vocab, "merges", merges);
}

static pp_status write_json(json_t *j, const char *dir, const char *name, pp_error *err)
{
    size_t pl = strlen(dir) + strlen(name) + 2;
    char *path = malloc(pl);
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
    pp_output *out = NULL;
    pp_status st;
    if (!path || !text) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    } else {
        snprintf(path, pl, "%s/%s", dir, name);
        if ((st = pp_output_open(path, &out, err)) == PP_OK) {
            st = pp_output_write(out, text, strlen(text), err);
            if (st == PP_OK)
                st = pp_output_write(out, "\n", 1, err);
            pp_status cs = pp_output_close(out, st == PP_OK ? err : NULL);
            if (st == PP_OK)
                st = cs;
        }
    }
    free(path);
    free(text);
    return st;
}

pp_status pp_tok_export_hf(const char *model, const char *dir, size_t *pieces, pp_error *err)
{
    char *data = NULL;
    size_t len = 0;
    pp_spm *m = NULL;
    int *types = NULL;
    json_t *root = NULL, *config = NULL;
    pp_status st = pp_input_slurp_path(model, &data, &len, err);
    if (st != PP_OK)
        return st;
    st = pp_spm_load_bytes(data, len, &m, err);
    free(data);
    if (st != PP_OK) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", model);
        return st;
    }
    pp_spm_info info;
    pp_spm_get_info(m, &info);
    int n = pp_spm_vocab_size(m);
    if (info.model_type != 1 && info.model_type != 2) {
        st = pp_error_set(err, PP_ERR_UNSUPPORTED, model, 0,
                          "only unigram and bpe models can be exported (this one is %s)",
                          info.model_type == 3 ? "word" : "char");
        goto out;
    }
    if (strcmp(info.normalizer, "identity") != 0 || info.has_custom_rules) {
        st = pp_error_set(err, PP_ERR_UNSUPPORTED, model, 0,
                          "normalization rule %s cannot be written exactly as tokenizer.json "
                          "normalizers (train with the identity rule: the default)",
                          info.normalizer);
        goto out;
    }
    if (info.remove_extra_whitespaces) {
        st = pp_error_set(err, PP_ERR_UNSUPPORTED, model, 0,
                          "models that collapse white space cannot be exported exactly");
        goto out;
    }
    types = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!types) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    if ((st = pp_spm_piece_types(m, types, err)) != PP_OK) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", model);
        goto out;
    }
    int unk = -1, user = 0;
    for (int i = 0; i < n; i++) {
        if (types[i] == PP_SPM_UNKNOWN && unk < 0)
            unk = i;
        user += types[i] == PP_SPM_USER_DEFINED;
    }
    if (unk < 0) {
        st = pp_error_set(err, PP_ERR_MODEL, model, 0, "the model has no unknown piece");
        goto out;
    }
    if (info.model_type == 2 && user) {
        /* SentencePiece's BPE starts from user-defined pieces as whole
         * symbols; tokenizer.json could only split them off as added tokens,
         * and its normalizers would then prefix each remaining part. */
        st = pp_error_set(err, PP_ERR_UNSUPPORTED, model, 0,
                          "a bpe model with user-defined pieces cannot be exported exactly "
                          "(unigram models can)");
        goto out;
    }
    json_t *mj = info.model_type == 1
                     ? unigram_model(m, types, n, unk, info.byte_fallback)
                     : bpe_model(m, types, n, unk, info.byte_fallback, err);
    if (!mj) {
        st = err ? err->code : PP_ERR_NOMEM;
        goto out;
    }
    /* control and unknown pieces: special added tokens, for decoding and for
     * the tools that look them up by name */
    json_t *added = json_array();
    const char *bos = NULL, *eos = NULL;
    for (int i = 0; i < n; i++) {
        if (types[i] != PP_SPM_CONTROL && types[i] != PP_SPM_UNKNOWN)
            continue;
        const char *p = pp_spm_id_to_piece(m, i);
        if (strcmp(p, "<s>") == 0)
            bos = p;
        if (strcmp(p, "</s>") == 0)
            eos = p;
        json_array_append_new(added, json_pack("{s:i,s:s,s:b,s:b,s:b,s:b,s:b}", "id", i,
                                               "content", p, "single_word", 0, "lstrip", 0,
                                               "rstrip", 0, "normalized", 0, "special", 1));
    }
    const char *prenorm = sidecar_prenormalize(model);
    root = json_object();
    json_object_set_new(root, "version", json_string("1.0"));
    json_object_set_new(root, "truncation", json_null());
    json_object_set_new(root, "padding", json_null());
    json_object_set_new(root, "added_tokens", added);
    json_object_set_new(root, "normalizer", normalizer(prenorm, info.add_dummy_prefix));
    json_object_set_new(root, "pre_tokenizer", json_null());
    json_object_set_new(root, "post_processor", json_null());
    json_object_set_new(root, "decoder", decoder(info.add_dummy_prefix));
    json_object_set_new(root, "model", mj);
    config = json_object();
    json_object_set_new(config, "tokenizer_class", json_string("PreTrainedTokenizerFast"));
    json_object_set_new(config, "unk_token", json_string(pp_spm_id_to_piece(m, unk)));
    if (bos)
        json_object_set_new(config, "bos_token", json_string(bos));
    if (eos)
        json_object_set_new(config, "eos_token", json_string(eos));
    json_object_set_new(config, "add_bos_token", json_false());
    json_object_set_new(config, "add_eos_token", json_false());
    json_object_set_new(config, "clean_up_tokenization_spaces", json_false());
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        st = pp_error_set(err, PP_ERR_IO, dir, 0, "cannot create the directory: %s",
                          strerror(errno));
        goto out;
    }
    if ((st = write_json(root, dir, "tokenizer.json", err)) != PP_OK ||
        (st = write_json(config, dir, "tokenizer_config.json", err)) != PP_OK)
        goto out;
    if (pieces)
        *pieces = (size_t)n;
out:
    json_decref(root);
    json_decref(config);
    free(types);
    pp_spm_free(m);
    return st;
}
