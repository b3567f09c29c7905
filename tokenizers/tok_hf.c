/* tok_hf.c — Hugging Face tokenizer.json: BPE with byte-level
 * pre-tokenization (Split by the model's regex, then the GPT-2 byte
 * alphabet) and Unigram with Metaspace pre-tokenization.
 *
 * Supported pieces of the format: normalizer null / NFC / NFD / NFKC / NFKD
 * (also inside a Sequence; "Precompiled" is taken as NFKC and said so in the
 * description); pre_tokenizer Split (Regex or String pattern, behaviour
 * Isolated), ByteLevel (with its own GPT-2 regex when use_regex), Metaspace,
 * Sequence; model BPE (merges as "a b" strings or [a, b] pairs, ignore_merges)
 * and Unigram (unk_id, byte_fallback); added_tokens for decoding. Anything
 * else is refused with PP_ERR_UNSUPPORTED rather than tokenized differently. */
#include "config.h"

#include "src/pp_stream.h"
#include "src/pp_text.h"
#include "tokenizers/tok_internal.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

static const char GPT2_PATTERN[] =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

static pp_status unsupported(pp_error *err, const char *path, const char *what, const char *type)
{
    return pp_error_set(err, PP_ERR_UNSUPPORTED, path, 0, "unsupported %s \"%s\" in tokenizer.json",
                        what, type ? type : "?");
}

static pp_status parse_normalizer(pp_tokenizer *t, json_t *n, const char *path, pp_error *err)
{
    if (!n || json_is_null(n))
        return PP_OK;
    const char *type = json_string_value(json_object_get(n, "type"));
    if (type && strcmp(type, "Sequence") == 0) {
        json_t *list = json_object_get(n, "normalizers");
        size_t i;
        json_t *x;
        json_array_foreach(list, i, x)
        {
            pp_status st = parse_normalizer(t, x, path, err);
            if (st != PP_OK)
                return st;
        }
        return PP_OK;
    }
    if (type && (strcmp(type, "Prepend") == 0 || strcmp(type, "Replace") == 0)) {
        const char *from = NULL, *to = NULL;
        if (strcmp(type, "Prepend") == 0) {
            to = json_string_value(json_object_get(n, "prepend"));
        } else {
            from = json_string_value(json_object_get(json_object_get(n, "pattern"), "String"));
            to = json_string_value(json_object_get(n, "content"));
            if (!from || !*from)
                return unsupported(err, path, "normalizer", "Replace with a Regex pattern");
        }
        if (!to || t->nsteps >= (int)(sizeof t->steps / sizeof t->steps[0]))
            return unsupported(err, path, "normalizer", type);
        t->steps[t->nsteps].from = from ? strdup(from) : NULL;
        t->steps[t->nsteps].to = strdup(to);
        if ((from && !t->steps[t->nsteps].from) || !t->steps[t->nsteps].to)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        t->nsteps++;
        return PP_OK;
    }
    static const struct {
        const char *name;
        int form;
    } forms[] = {{"NFC", PP_NFC}, {"NFD", PP_NFD}, {"NFKC", PP_NFKC}, {"NFKD", PP_NFKD},
                 {"Precompiled", PP_NFKC}};
    for (size_t i = 0; type && i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(type, forms[i].name) == 0) {
            if (t->norm_form >= 0 && t->norm_form != forms[i].form)
                return unsupported(err, path, "normalizer sequence with", type);
            t->norm_form = forms[i].form;
            snprintf(t->normalization, sizeof t->normalization, "%s",
                     strcmp(type, "Precompiled") == 0 ? "NFKC (precompiled map, approximated)"
                                                      : type);
            return PP_OK;
        }
    return unsupported(err, path, "normalizer", type);
}

static pp_status parse_pretok(pp_tokenizer *t, json_t *p, char **pattern, const char *path,
                              pp_error *err)
{
    if (!p || json_is_null(p))
        return PP_OK;
    const char *type = json_string_value(json_object_get(p, "type"));
    if (!type)
        return unsupported(err, path, "pre_tokenizer", NULL);
    if (strcmp(type, "Sequence") == 0) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(p, "pretokenizers"), i, x)
        {
            pp_status st = parse_pretok(t, x, pattern, path, err);
            if (st != PP_OK)
                return st;
        }
        return PP_OK;
    }
    if (strcmp(type, "Split") == 0) {
        json_t *pat = json_object_get(p, "pattern");
        const char *behavior = json_string_value(json_object_get(p, "behavior"));
        if (*pattern)
            return unsupported(err, path, "pre_tokenizer", "two Split regexes");
        if (behavior && strcmp(behavior, "Isolated") != 0)
            return unsupported(err, path, "Split behavior", behavior);
        if (json_is_true(json_object_get(p, "invert")))
            return unsupported(err, path, "Split", "invert");
        const char *re = json_string_value(json_object_get(pat, "Regex"));
        const char *lit = json_string_value(json_object_get(pat, "String"));
        if (re) {
            *pattern = tok_translate_pattern(re);
        } else if (lit) {
            /* a literal string: quote it for ICU */
            size_t l = strlen(lit);
            *pattern = malloc(l + 5);
            if (*pattern)
                snprintf(*pattern, l + 5, "\\Q%s\\E", lit);
        } else {
            return unsupported(err, path, "Split pattern", NULL);
        }
        return *pattern ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (strcmp(type, "ByteLevel") == 0) {
        t->byte_level = 1;
        t->bl_prefix_space = json_is_true(json_object_get(p, "add_prefix_space"));
        json_t *ur = json_object_get(p, "use_regex");
        if ((!ur || json_is_true(ur)) && !*pattern) {
            *pattern = tok_translate_pattern(GPT2_PATTERN);
            if (!*pattern)
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        return PP_OK;
    }
    if (strcmp(type, "Metaspace") == 0) {
        const char *rep = json_string_value(json_object_get(p, "replacement"));
        if (rep && strcmp(rep, "\xe2\x96\x81") != 0)
            return unsupported(err, path, "Metaspace replacement", rep);
        t->metaspace = 1;
        const char *scheme = json_string_value(json_object_get(p, "prepend_scheme"));
        json_t *aps = json_object_get(p, "add_prefix_space");
        t->metaspace_prepend = scheme ? strcmp(scheme, "never") != 0 : (!aps || json_is_true(aps));
        json_t *split = json_object_get(p, "split");
        t->metaspace_split = !split || json_is_true(split);
        return PP_OK;
    }
    return unsupported(err, path, "pre_tokenizer", type);
}

/* The decoder steps that matter for character-level models: Replace (a
 * string), Strip (leading characters); ByteFallback and Fuse are what
 * decoding does anyway; ByteLevel and Metaspace are handled by the model. */
static pp_status parse_decoder(pp_tokenizer *t, json_t *d, const char *path, pp_error *err)
{
    if (!d || json_is_null(d))
        return PP_OK;
    const char *type = json_string_value(json_object_get(d, "type"));
    if (!type)
        return unsupported(err, path, "decoder", NULL);
    if (strcmp(type, "Sequence") == 0) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(d, "decoders"), i, x)
        {
            pp_status st = parse_decoder(t, x, path, err);
            if (st != PP_OK)
                return st;
        }
        return PP_OK;
    }
    if (strcmp(type, "Replace") == 0) {
        const char *from = json_string_value(json_object_get(json_object_get(d, "pattern"), "String"));
        const char *to = json_string_value(json_object_get(d, "content"));
        if (!from || !*from || !to || t->dec_from)
            return unsupported(err, path, "decoder", "Replace");
        t->dec_from = strdup(from);
        t->dec_to = strdup(to);
        return t->dec_from && t->dec_to ? PP_OK
                                        : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    if (strcmp(type, "Strip") == 0) {
        const char *content = json_string_value(json_object_get(d, "content"));
        if ((content && strcmp(content, " ") != 0) ||
            json_integer_value(json_object_get(d, "stop")) != 0)
            return unsupported(err, path, "decoder", "Strip");
        t->dec_strip = (int)json_integer_value(json_object_get(d, "start"));
        return PP_OK;
    }
    if (strcmp(type, "ByteFallback") == 0 || strcmp(type, "Fuse") == 0 ||
        strcmp(type, "ByteLevel") == 0 || strcmp(type, "Metaspace") == 0)
        return PP_OK;
    return unsupported(err, path, "decoder", type);
}

/* A byte-level vocabulary entry (GPT-2 alphabet) to raw bytes; entries with
 * characters outside the alphabet are kept as they are. */
static size_t unmap_bytes(const char *s, size_t len, char *out)
{
    size_t o = 0;
    for (int32_t i = 0; i < (int32_t)len;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        int b = c >= 0 ? tok_cp_to_byte((uint32_t)c) : -1;
        if (b < 0) {
            memcpy(out, s, len);
            return len;
        }
        (void)at;
        out[o++] = (char)b;
    }
    return o;
}

static int byte_piece(const char *s, size_t len)
{
    /* "<0xNN>" → NN, else -1 */
    if (len != 6 || strncmp(s, "<0x", 3) != 0 || s[5] != '>')
        return -1;
    unsigned v = 0;
    for (int i = 3; i < 5; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else
            return -1;
    }
    return (int)v;
}

static pp_status load_bpe(pp_tokenizer *t, json_t *model, const char *path, pp_error *err)
{
    json_t *vocab = json_object_get(model, "vocab"), *merges = json_object_get(model, "merges");
    if (!json_is_object(vocab) || !json_is_array(merges))
        return pp_error_set(err, PP_ERR_MODEL, path, 0, "BPE model without vocab/merges");
    t->char_level = !t->byte_level;
    if (t->char_level && t->metaspace)
        return unsupported(err, path, "character-level BPE with a pre-tokenizer", "model");
    if (tok_vocab_init(&t->bpe.vocab, json_object_size(vocab)) != 0)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    const char *key;
    json_t *val;
    char *buf = NULL;
    size_t bufcap = 0;
    json_object_foreach(vocab, key, val)
    {
        json_int_t id = json_integer_value(val);
        size_t kl = strlen(key);
        if (!json_is_integer(val) || id < 0 || id > 10000000) {
            free(buf);
            return pp_error_set(err, PP_ERR_MODEL, path, 0, "bad id for vocabulary entry");
        }
        if (kl + 1 > bufcap) {
            bufcap = kl * 2 + 16;
            char *nb = realloc(buf, bufcap);
            if (!nb) {
                free(buf);
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            }
            buf = nb;
        }
        size_t bl = t->char_level ? (memcpy(buf, key, kl), kl) : unmap_bytes(key, kl, buf);
        if (tok_vocab_set(&t->bpe.vocab, (int32_t)id, buf, bl) != 0) {
            free(buf);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
    }
    free(buf);
    if (tok_vocab_index(&t->bpe.vocab) != 0 ||
        tok_pairmap_init(&t->bpe.pairs, json_array_size(merges)) != 0)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (int b = 0; b < 256; b++) {
        char c = (char)b;
        t->bpe.byte_id[b] = tok_strmap_get(&t->bpe.vocab.map, &c, 1);
    }
    size_t i;
    json_t *m;
    char *ab = NULL;
    size_t abcap = 0;
    json_array_foreach(merges, i, m)
    {
        const char *a, *b;
        size_t al, bl;
        char *tmp = NULL;
        if (json_is_array(m) && json_array_size(m) == 2) {
            a = json_string_value(json_array_get(m, 0));
            b = json_string_value(json_array_get(m, 1));
            if (!a || !b)
                goto bad;
            al = strlen(a);
            bl = strlen(b);
        } else if (json_is_string(m)) {
            a = json_string_value(m);
            const char *sp = strchr(a, ' ');
            if (!sp)
                goto bad;
            al = (size_t)(sp - a);
            b = sp + 1;
            bl = strlen(b);
        } else {
            goto bad;
        }
        if ((al + bl) * 2 + 2 > abcap) {
            abcap = (al + bl) * 4 + 16;
            tmp = realloc(ab, abcap);
            if (!tmp) {
                free(ab);
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            }
            ab = tmp;
        }
        size_t ra = t->char_level ? (memcpy(ab, a, al), al) : unmap_bytes(a, al, ab);
        size_t rb = t->char_level ? (memcpy(ab + ra, b, bl), bl) : unmap_bytes(b, bl, ab + ra);
        int32_t ia = tok_strmap_get(&t->bpe.vocab.map, ab, ra);
        int32_t ib = tok_strmap_get(&t->bpe.vocab.map, ab + ra, rb);
        int32_t im = tok_strmap_get(&t->bpe.vocab.map, ab, ra + rb);
        if (ia < 0 || ib < 0 || im < 0)
            continue; /* a merge whose tokens are not all in the vocabulary never applies */
        if (tok_pairmap_put(&t->bpe.pairs, ia, ib, (int32_t)i, im) != 0) {
            free(ab);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        continue;
    bad:
        free(ab);
        return pp_error_set(err, PP_ERR_MODEL, path, 0, "merge %zu is not \"a b\" nor [a, b]", i);
    }
    free(ab);
    t->bpe.whole_first = json_is_true(json_object_get(model, "ignore_merges"));
    t->byte_fallback = json_is_true(json_object_get(model, "byte_fallback"));
    t->fuse_unk = json_is_true(json_object_get(model, "fuse_unk"));
    for (int b = 0; b < 256; b++) {
        char piece[8];
        snprintf(piece, sizeof piece, "<0x%02X>", b);
        t->fb_id[b] = t->byte_fallback ? tok_strmap_get(&t->bpe.vocab.map, piece, 6) : -1;
    }
    const char *unk = json_string_value(json_object_get(model, "unk_token"));
    t->unk_id = unk ? tok_strmap_get(&t->bpe.vocab.map, unk, strlen(unk)) : -1;
    t->model = TOK_MODEL_BPE;
    t->vocab_size = t->bpe.vocab.n;
    snprintf(t->describe, sizeof t->describe, "hf BPE (%s), %zu merges",
             t->char_level ? (t->byte_fallback ? "characters, byte fallback" : "characters")
                           : "byte-level",
             t->bpe.pairs.n);
    return PP_OK;
}

static pp_status load_unigram(pp_tokenizer *t, json_t *model, const char *path, pp_error *err)
{
    json_t *vocab = json_object_get(model, "vocab");
    if (!json_is_array(vocab) || json_array_size(vocab) == 0)
        return pp_error_set(err, PP_ERR_MODEL, path, 0, "Unigram model without a vocab array");
    tok_unigram *u = &t->uni;
    size_t n = json_array_size(vocab);
    if (tok_vocab_init(&u->vocab, n) != 0 || !(u->score = malloc(sizeof(double) * n)))
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    double min = INFINITY;
    for (int b = 0; b < 256; b++)
        u->byte_id[b] = -1;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(vocab, i);
        const char *piece = json_string_value(json_array_get(e, 0));
        json_t *sc = json_array_get(e, 1);
        if (!piece || !json_is_number(sc))
            return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                "Unigram vocab entry %zu is not [piece, score]", i);
        size_t l = strlen(piece);
        if (tok_vocab_set(&u->vocab, (int32_t)i, piece, l) != 0)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        u->score[i] = json_number_value(sc);
        /* Scores are log-probabilities. Bounded, a sum over any text stays
         * finite, so Viterbi always reaches the end (through unknowns). */
        if (!(fabs(u->score[i]) <= PP_UNIGRAM_MAX_SCORE))
            return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                "Unigram vocab entry %zu has score %g (a log-probability must "
                                "be finite and within +-%g)",
                                i, u->score[i], PP_UNIGRAM_MAX_SCORE);
        if (u->score[i] < min)
            min = u->score[i];
        if (l > u->max_len)
            u->max_len = l;
        int b = byte_piece(piece, l);
        if (b >= 0)
            u->byte_id[b] = (int32_t)i;
    }
    if (tok_vocab_index(&u->vocab) != 0)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    json_t *unk = json_object_get(model, "unk_id");
    if (!json_is_integer(unk) || json_integer_value(unk) < 0 ||
        (size_t)json_integer_value(unk) >= n)
        return pp_error_set(err, PP_ERR_MODEL, path, 0, "Unigram model without a valid unk_id");
    u->unk_id = (int32_t)json_integer_value(unk);
    u->unk_score = min - 10.0;
    u->byte_fallback = json_is_true(json_object_get(model, "byte_fallback"));
    t->unk_id = u->unk_id;
    t->byte_fallback = u->byte_fallback;
    t->model = TOK_MODEL_UNIGRAM;
    t->vocab_size = n;
    snprintf(t->describe, sizeof t->describe, "hf Unigram, %zu pieces", n);
    return PP_OK;
}

pp_status tok_hf_load(pp_tokenizer *t, const char *path, pp_error *err)
{
    char *data = NULL;
    size_t len = 0;
    pp_status st = pp_input_slurp_path(path, &data, &len, err);
    if (st != PP_OK)
        return st;
    json_error_t je;
    json_t *root = json_loadb(data, len, 0, &je);
    free(data);
    if (!root)
        return pp_error_set(err, PP_ERR_MODEL, path, je.line, "not a tokenizer.json: %s", je.text);
    char *pattern = NULL;
    json_t *model = json_object_get(root, "model");
    if (!json_is_object(root) || !json_is_object(model)) {
        st = pp_error_set(err, PP_ERR_MODEL, path, 0, "not a tokenizer.json: no \"model\" object");
        goto out;
    }
    snprintf(t->normalization, sizeof t->normalization, "identity");
    if ((st = parse_normalizer(t, json_object_get(root, "normalizer"), path, err)) != PP_OK ||
        (st = parse_pretok(t, json_object_get(root, "pre_tokenizer"), &pattern, path, err)) !=
            PP_OK)
        goto out;
    if ((st = parse_decoder(t, json_object_get(root, "decoder"), path, err)) != PP_OK)
        goto out;
    const char *type = json_string_value(json_object_get(model, "type"));
    if (!type)
        type = json_is_array(json_object_get(model, "vocab")) ? "Unigram" : "BPE";
    if (strcmp(type, "BPE") == 0)
        st = load_bpe(t, model, path, err);
    else if (strcmp(type, "Unigram") == 0)
        st = load_unigram(t, model, path, err);
    else
        st = unsupported(err, path, "model type", type);
    if (st != PP_OK)
        goto out;
    if (pattern && (st = tok_regex_new(pattern, &t->regex, err)) != PP_OK)
        goto out;
    /* added tokens: decoding and vocabulary size */
    size_t i;
    json_t *a;
    if (tok_vocab_init(&t->added, 1) != 0) {
        st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        goto out;
    }
    json_array_foreach(json_object_get(root, "added_tokens"), i, a)
    {
        json_t *id = json_object_get(a, "id");
        const char *content = json_string_value(json_object_get(a, "content"));
        if (!json_is_integer(id) || !content || json_integer_value(id) < 0 ||
            json_integer_value(id) > 10000000)
            continue;
        if (tok_vocab_set(&t->added, (int32_t)json_integer_value(id), content, strlen(content)) !=
            0) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto out;
        }
        if ((size_t)json_integer_value(id) + 1 > t->vocab_size)
            t->vocab_size = (size_t)json_integer_value(id) + 1;
    }
    if (t->norm_form >= 0) {
        size_t l = strlen(t->describe);
        snprintf(t->describe + l, sizeof t->describe - l, ", %s", t->normalization);
    }
out:
    free(pattern);
    json_decref(root);
    return st;
}
