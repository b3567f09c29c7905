/* pp_tokenizer.c — the common tokenizer interface: loading and format
 * detection, the SentencePiece back end, pre-tokenization dispatch for the
 * hf/tiktoken back ends, decoding, and the declared normalization. */
#include "config.h"

#include "src/pp_record.h"
#include "tokenizers/pp_spm.h"
#include "src/pp_stream.h"
#include "src/pp_text.h"
#include "tokenizers/tok_internal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/utf8.h>

#define META "\xe2\x96\x81" /* U+2581, SentencePiece's space mark */

pp_status pp_tok_format_parse(const char *name, pp_tok_format *out, pp_error *err)
{
    static const char *names[] = {"auto", "spm", "hf", "tiktoken"};
    for (int i = 0; i < 4; i++)
        if (name && strcmp(name, names[i]) == 0) {
            *out = (pp_tok_format)i;
            return PP_OK;
        }
    return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                        "unknown tokenizer format '%s' (spm, hf, tiktoken)", name ? name : "");
}

const char *pp_tok_format_name(pp_tok_format f)
{
    switch (f) {
    case PP_TOK_SPM: return "spm";
    case PP_TOK_HF: return "hf";
    case PP_TOK_TIKTOKEN: return "tiktoken";
    default: return "auto";
    }
}

/* Guess the format from the first bytes: '{' → hf; "base64 digits" → tiktoken; else spm. */
static pp_status sniff(const char *path, pp_tok_format *fmt, pp_error *err)
{
    pp_input *in = NULL;
    pp_status st = pp_input_open(path, &in, err);
    if (st != PP_OK)
        return st;
    char buf[256];
    size_t got = 0;
    st = pp_input_read(in, buf, sizeof buf - 1, &got, err);
    pp_input_close(in);
    if (st != PP_OK)
        return st;
    buf[got] = '\0';
    size_t i = 0;
    while (i < got && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
        i++;
    if (i < got && buf[i] == '{') {
        *fmt = PP_TOK_HF;
        return PP_OK;
    }
    size_t j = i;
    while (j < got && (isalnum((unsigned char)buf[j]) || buf[j] == '+' || buf[j] == '/' ||
                       buf[j] == '='))
        j++;
    size_t k = j < got && buf[j] == ' ' ? j + 1 : j;
    size_t d = k;
    while (d < got && buf[d] >= '0' && buf[d] <= '9')
        d++;
    *fmt = (j > i && k > j && d > k && (d == got || buf[d] == '\n' || buf[d] == '\r'))
               ? PP_TOK_TIKTOKEN
               : PP_TOK_SPM;
    return PP_OK;
}

/* PREFIX.json next to PREFIX.model: {"prenormalize": "NFC", ...} */
static void read_sidecar(pp_tokenizer *t, const char *path)
{
    size_t l = strlen(path);
    if (l < 6 || strcmp(path + l - 6, ".model") != 0)
        return;
    char *side = malloc(l);
    if (!side)
        return;
    memcpy(side, path, l - 6);
    strcpy(side + l - 6, ".json");
    json_t *j = json_load_file(side, 0, NULL);
    free(side);
    const char *pre = json_string_value(json_object_get(j, "prenormalize"));
    pp_norm_form f;
    if (pre && pp_norm_form_parse(pre, &f, NULL) == PP_OK)
        t->prenorm_form = (int)f;
    json_decref(j);
}

/* A SentencePiece model copied away from its sidecar (into a checkpoint as
 * tokenizer.model) gets its pre-normalization from the caller. */
pp_status pp_tokenizer_set_prenormalize(pp_tokenizer *t, const char *form, pp_error *err)
{
    if (t->format != PP_TOK_SPM)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                            "only SentencePiece models take a pre-normalization");
    pp_norm_form f;
    pp_status st = pp_norm_form_parse(form, &f, err);
    if (st != PP_OK)
        return st;
    const char *base = t->normalization;
    if (t->prenorm_form == PP_NFC && strncmp(base, "NFC+", 4) == 0)
        base += 4;
    char buf[sizeof t->normalization + 8];
    snprintf(buf, sizeof buf, "%s%s", f == PP_NFC ? "NFC+" : "", base);
    snprintf(t->normalization, sizeof t->normalization, "%.*s",
             (int)sizeof t->normalization - 1, buf);
    t->prenorm_form = (int)f;
    return PP_OK;
}

/* The C encoder for the model when it reads the model as the library does
 * (same size, scores and piece types); otherwise NULL and the library alone.
 * PP_SPM_NATIVE=0 in the environment keeps every model on the library (to
 * compare the two, or measure the library). */
static tok_spmu *native_unigram(const pp_spm *spm, const char *data, size_t len)
{
    const char *off = getenv("PP_SPM_NATIVE");
    if (off && strcmp(off, "0") == 0)
        return NULL;
    tok_spmu *u = tok_spmu_load(data, len);
    int n = pp_spm_vocab_size(spm);
    int *types = u && n > 0 ? malloc(sizeof(int) * (size_t)n) : NULL;
    int same = types && tok_spmu_size(u) == (size_t)n && pp_spm_piece_types(spm, types, NULL) == PP_OK;
    for (int i = 0; same && i < n; i++)
        same = types[i] == tok_spmu_type(u, i) && pp_spm_score(spm, i) == tok_spmu_score(u, i);
    free(types);
    if (!same) {
        tok_spmu_free(u);
        return NULL;
    }
    return u;
}

static pp_status load_spm(pp_tokenizer *t, const char *path, pp_error *err)
{
    char *data = NULL;
    size_t len = 0;
    pp_status st = pp_input_slurp_path(path, &data, &len, err);
    if (st != PP_OK)
        return st;
    st = pp_spm_load_bytes(data, len, &t->spm, err);
    if (st == PP_OK) { /* kept for the C encoder, built on the first ids call */
        t->spm_model = data;
        t->spm_model_len = len;
        data = NULL;
    }
    free(data);
    if (st != PP_OK) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        return st;
    }
    pp_spm_info info;
    pp_spm_get_info(t->spm, &info);
    read_sidecar(t, path);
    t->spm_ws = info.remove_extra_whitespaces;
    t->spm_dummy_prefix = info.add_dummy_prefix;
    t->byte_fallback = info.byte_fallback;
    t->vocab_size = (size_t)pp_spm_vocab_size(t->spm);
    if (strncmp(info.normalizer, "nmt_nfkc", 8) == 0 || strncmp(info.normalizer, "nfkc", 4) == 0)
        t->norm_form = PP_NFKC;
    snprintf(t->normalization, sizeof t->normalization, "%s%s",
             t->prenorm_form == PP_NFC ? "NFC+" : "", info.normalizer);
    static const char *types[] = {"?", "unigram", "bpe", "word", "char"};
    snprintf(t->describe, sizeof t->describe, "spm %s, %zu pieces, normalizer %s%s",
             info.model_type >= 1 && info.model_type <= 4 ? types[info.model_type] : "?",
             t->vocab_size, t->normalization, info.byte_fallback ? ", byte fallback" : "");
    return PP_OK;
}

pp_status pp_tokenizer_load(const char *path, pp_tok_format fmt, const char *pattern,
                            pp_tokenizer **out, pp_error *err)
{
    *out = NULL;
    if (!path)
        return pp_error_set(err, PP_ERR_INVALID, NULL, 0, "no tokenizer model given");
    pp_status st;
    if (fmt == PP_TOK_AUTO && (st = sniff(path, &fmt, err)) != PP_OK)
        return st;
    pp_tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    t->format = fmt;
    t->norm_form = -1;
    t->prenorm_form = -1;
    t->unk_id = -1;
    snprintf(t->normalization, sizeof t->normalization, "identity");
    switch (fmt) {
    case PP_TOK_SPM: st = load_spm(t, path, err); break;
    case PP_TOK_HF: st = tok_hf_load(t, path, err); break;
    case PP_TOK_TIKTOKEN: st = tok_tiktoken_load(t, path, pattern, err); break;
    default: st = pp_error_set(err, PP_ERR_INVALID, NULL, 0, "unknown tokenizer format"); break;
    }
    if (st != PP_OK) {
        pp_tokenizer_free(t);
        return st;
    }
    *out = t;
    return PP_OK;
}

void pp_tokenizer_free(pp_tokenizer *t)
{
    if (!t)
        return;
    pp_spm_free(t->spm);
    tok_spmu_free(t->spmu);
    free(t->spm_model);
    tok_vocab_free(&t->bpe.vocab);
    tok_pairmap_free(&t->bpe.pairs);
    tok_vocab_free(&t->uni.vocab);
    free(t->uni.score);
    tok_vocab_free(&t->added);
    tok_regex_free(t->regex);
    for (int i = 0; i < t->nsteps; i++) {
        free(t->steps[i].from);
        free(t->steps[i].to);
    }
    free(t->dec_from);
    free(t->dec_to);
    free(t);
}

void pp_encoding_clear(pp_encoding *e)
{
    if (!e)
        return;
    free(e->ids);
    free(e->start);
    free(e->end);
    free(e->text);
    memset(e, 0, sizeof *e);
}

static pp_status copy_text(const char *s, size_t len, char **out, size_t *outlen, pp_error *err)
{
    char *c = malloc(len + 1);
    if (!c)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    memcpy(c, s, len);
    c[len] = '\0';
    *out = c;
    *outlen = len;
    return PP_OK;
}

static pp_status encode_spm(pp_tokenizer *t, pp_encoding *e, pp_error *err)
{
    int *ids = NULL;
    size_t n = 0;
    pp_status st = pp_spm_encode_spans(t->spm, e->text, e->text_len, &ids, &e->start, &e->end, &n,
                                       err);
    if (st != PP_OK)
        return st;
    e->ids = malloc(sizeof(int32_t) * (n ? n : 1));
    if (!e->ids) {
        free(ids);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        e->ids[i] = ids[i];
    e->n = n;
    free(ids);
    return PP_OK;
}

/* Metaspace: spaces → U+2581 (and one in front), split before each U+2581. */
static pp_status encode_metaspace(pp_tokenizer *t, pp_encoding *e, size_t *cap, pp_error *err)
{
    const char *s = e->text;
    size_t len = e->text_len;
    int prepend = t->metaspace_prepend && !(len >= 3 && memcmp(s, META, 3) == 0) && len > 0;
    size_t mlen = len * 3 + 3;
    char *m = malloc(mlen + 1);
    size_t *map = malloc(sizeof(size_t) * (mlen + 1));
    if (!m || !map) {
        free(m);
        free(map);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t o = 0;
    if (prepend) {
        memcpy(m, META, 3);
        map[0] = map[1] = map[2] = 0;
        o = 3;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ') {
            memcpy(m + o, META, 3);
            map[o] = map[o + 1] = map[o + 2] = i;
            o += 3;
        } else {
            map[o] = i;
            m[o++] = s[i];
        }
    }
    map[o] = len;
    pp_status st = PP_OK;
    size_t a = 0;
    for (size_t i = 0; i <= o && st == PP_OK; i++) {
        int boundary = i == o || (t->metaspace_split && i > a && i + 3 <= o &&
                                  memcmp(m + i, META, 3) == 0);
        if (!boundary)
            continue;
        /* spans: the map gives text offsets for the piece's own offsets */
        st = tok_unigram_encode(&t->uni, m + a, i - a, map + a, 0, e, cap, err);
        a = i;
    }
    free(m);
    free(map);
    return st;
}

/* Replace every `from` by `to` in (*s, *len) (from NULL: prepend `to`). */
static int replace_all(char **s, size_t *len, const char *from, const char *to)
{
    size_t tl = strlen(to), fl = from ? strlen(from) : 0, count = 0;
    if (from) {
        for (size_t i = 0; i + fl <= *len; i++)
            if (memcmp(*s + i, from, fl) == 0) {
                count++;
                i += fl - 1;
            }
    } else {
        count = 1;
    }
    if (from && count == 0)
        return 0;
    size_t nl = from ? *len + count * tl - count * fl : *len + tl;
    char *o = malloc(nl + 1);
    if (!o)
        return -1;
    size_t k = 0;
    if (!from) {
        memcpy(o, to, tl);
        memcpy(o + tl, *s, *len);
        k = nl;
    } else {
        for (size_t i = 0; i < *len;) {
            if (i + fl <= *len && memcmp(*s + i, from, fl) == 0) {
                memcpy(o + k, to, tl);
                k += tl;
                i += fl;
            } else {
                o[k++] = (*s)[i++];
            }
        }
    }
    o[k] = '\0';
    free(*s);
    *s = o;
    *len = k;
    return 0;
}

pp_status pp_tokenizer_encode(pp_tokenizer *t, const char *text, size_t len, pp_encoding *e,
                              pp_error *err)
{
    memset(e, 0, sizeof *e);
    size_t bad;
    if (!pp_utf8_valid(text, len, &bad))
        return pp_error_set(err, PP_ERR_ENCODING, NULL, 0, "invalid UTF-8 at byte %zu", bad);
    int form = t->format == PP_TOK_SPM ? t->prenorm_form : t->norm_form;
    pp_status st = form >= 0 ? pp_normalize(text, len, (pp_norm_form)form, &e->text, &e->text_len,
                                            err)
                             : copy_text(text, len, &e->text, &e->text_len, err);
    if (st != PP_OK)
        return st;
    if (t->format == PP_TOK_SPM) {
        st = encode_spm(t, e, err);
        goto out;
    }
    for (int i = 0; i < t->nsteps && e->text_len; i++)
        if (replace_all(&e->text, &e->text_len, t->steps[i].from, t->steps[i].to) != 0) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto out;
        }
    if (t->bl_prefix_space && e->text_len && e->text[0] != ' ') {
        char *p = malloc(e->text_len + 2);
        if (!p) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            goto out;
        }
        p[0] = ' ';
        memcpy(p + 1, e->text, e->text_len + 1);
        free(e->text);
        e->text = p;
        e->text_len++;
    }
    size_t cap = 0;
    if (t->model == TOK_MODEL_UNIGRAM) {
        st = t->metaspace ? encode_metaspace(t, e, &cap, err)
                          : tok_unigram_encode(&t->uni, e->text, e->text_len, NULL, 0, e, &cap,
                                               err);
        goto out;
    }
    if (!t->regex) {
        st = t->char_level ? tok_bpe_encode_chars(&t->bpe, e->text, e->text_len, 0,
                                                  t->byte_fallback ? t->fb_id : NULL, t->unk_id,
                                                  t->fuse_unk, e, &cap, err)
                           : tok_bpe_encode(&t->bpe, e->text, e->text_len, 0, e, &cap, err);
        goto out;
    }
    size_t *spans = NULL, n = 0;
    st = tok_regex_split(t->regex, e->text, e->text_len, &spans, &n, err);
    for (size_t i = 0; i < n && st == PP_OK; i++) {
        const char *p = e->text + spans[2 * i];
        size_t pl = spans[2 * i + 1] - spans[2 * i];
        st = t->char_level ? tok_bpe_encode_chars(&t->bpe, p, pl, spans[2 * i],
                                                  t->byte_fallback ? t->fb_id : NULL, t->unk_id,
                                                  t->fuse_unk, e, &cap, err)
                           : tok_bpe_encode(&t->bpe, p, pl, spans[2 * i], e, &cap, err);
    }
    free(spans);
out:
    if (st != PP_OK)
        pp_encoding_clear(e);
    return st;
}

pp_status pp_tokenizer_encode_ids(pp_tokenizer *t, const char *text, size_t len, int32_t **ids,
                                  size_t *n, pp_error *err)
{
    *ids = NULL;
    *n = 0;
    if (t->format != PP_TOK_SPM || t->prenorm_form >= 0) {
        pp_encoding e;
        pp_status st = pp_tokenizer_encode(t, text, len, &e, err);
        if (st != PP_OK)
            return st;
        *ids = e.ids ? e.ids : malloc(sizeof(int32_t));
        *n = e.n;
        e.ids = NULL;
        pp_encoding_clear(&e);
        return *ids ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t bad;
    if (!pp_utf8_valid(text, len, &bad))
        return pp_error_set(err, PP_ERR_ENCODING, NULL, 0, "invalid UTF-8 at byte %zu", bad);
    if (t->spm_model) {
        /* built here rather than at load: commands that load a model without
         * asking for ids (decode, audit, export) do not pay for it */
        t->spmu = native_unigram(t->spm, t->spm_model, t->spm_model_len);
        free(t->spm_model);
        t->spm_model = NULL;
    }
    int rc = t->spmu ? tok_spmu_encode(t->spmu, text, len, ids, n) : 1;
    if (rc < 0)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    if (rc == 0)
        return PP_OK;
    int *v = NULL;
    pp_status st = pp_spm_encode_ids(t->spm, text, len, &v, n, err);
    if (st != PP_OK)
        return st;
    /* int and int32_t are the same type on every platform polyphony builds on */
    _Static_assert(sizeof(int) == sizeof(int32_t), "int is 32 bits");
    *ids = (int32_t *)v;
    return PP_OK;
}

/* Replace ill-formed UTF-8 by U+FFFD, in a new buffer. */
static char *valid_utf8(const char *s, size_t len, size_t *outlen)
{
    char *o = malloc(len * 3 + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (int32_t i = 0; i < (int32_t)len;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        if (c < 0) {
            memcpy(o + k, "\xef\xbf\xbd", 3);
            k += 3;
        } else {
            memcpy(o + k, s + at, (size_t)(i - at));
            k += (size_t)(i - at);
        }
    }
    o[k] = '\0';
    *outlen = k;
    return o;
}

static int byte_piece_value(const char *s, size_t len)
{
    if (len != 6 || strncmp(s, "<0x", 3) != 0 || s[5] != '>')
        return -1;
    char h[3] = {s[3], s[4], 0};
    char *end;
    long v = strtol(h, &end, 16);
    return *end ? -1 : (int)v;
}

pp_status pp_tokenizer_decode(pp_tokenizer *t, const int32_t *ids, size_t n, char **text,
                              size_t *len, pp_error *err)
{
    *text = NULL;
    *len = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i] < 0 || (size_t)ids[i] >= t->vocab_size)
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "token id %d out of range (vocabulary size %zu)", (int)ids[i],
                                t->vocab_size);
    if (t->format == PP_TOK_SPM) {
        int *v = malloc(sizeof(int) * (n ? n : 1));
        if (!v)
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        for (size_t i = 0; i < n; i++)
            v[i] = ids[i];
        char *s = NULL;
        pp_status st = pp_spm_decode_ids(t->spm, v, n, &s, err);
        free(v);
        if (st != PP_OK)
            return st;
        *text = valid_utf8(s, strlen(s), len);
        free(s);
        return *text ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    size_t cap = 64, k = 0;
    char *buf = malloc(cap);
    if (!buf)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        size_t pl = 0;
        const char *p = pp_tokenizer_piece(t, ids[i], &pl);
        char one;
        if (!p) { /* an id in a gap of the vocabulary: no text to give back */
            free(buf);
            return pp_error_set(err, PP_ERR_INVALID, NULL, 0,
                                "token id %d is not in the vocabulary (a gap in its ids)",
                                (int)ids[i]);
        }
        if (t->model == TOK_MODEL_UNIGRAM || t->char_level) {
            int b = byte_piece_value(p, pl);
            if (b >= 0 && t->byte_fallback) {
                one = (char)b;
                p = &one;
                pl = 1;
            }
        }
        if (k + pl * 1 + 4 > cap) {
            while (k + pl + 4 > cap)
                cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            }
            buf = nb;
        }
        memcpy(buf + k, p, pl);
        k += pl;
    }
    if (t->model == TOK_MODEL_UNIGRAM && t->metaspace) {
        /* U+2581 → space; drop the prepended one */
        size_t o = 0;
        for (size_t i = 0; i < k;) {
            if (i + 3 <= k && memcmp(buf + i, META, 3) == 0) {
                if (!(o == 0 && t->metaspace_prepend))
                    buf[o++] = ' ';
                i += 3;
            } else {
                buf[o++] = buf[i++];
            }
        }
        k = o;
    }
    /* decoder steps on characters: BPE over characters, and Unigram files
     * that mark spaces with a Replace normalizer rather than Metaspace */
    int char_pieces = t->char_level || t->model == TOK_MODEL_UNIGRAM;
    if (char_pieces && t->dec_from) {
        size_t kl = k;
        buf[k] = '\0';
        if (replace_all(&buf, &kl, t->dec_from, t->dec_to) != 0) {
            free(buf);
            return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
        }
        k = kl;
    }
    for (int i = 0; char_pieces && i < t->dec_strip && k && buf[0] == ' '; i++) {
        memmove(buf, buf + 1, k - 1);
        k--;
    }
    if (t->bl_prefix_space && k && buf[0] == ' ') {
        memmove(buf, buf + 1, k - 1);
        k--;
    }
    *text = valid_utf8(buf, k, len);
    free(buf);
    return *text ? PP_OK : pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
}

pp_status pp_tokenizer_normalize(pp_tokenizer *t, const char *text, size_t len, char **out,
                                 size_t *outlen, pp_error *err)
{
    char *a = NULL;
    size_t al = 0;
    pp_status st = copy_text(text, len, &a, &al, err);
    if (st != PP_OK)
        return st;
    int forms[2] = {t->format == PP_TOK_SPM ? t->prenorm_form : -1, t->norm_form};
    for (int i = 0; i < 2; i++) {
        if (forms[i] < 0)
            continue;
        char *b = NULL;
        size_t bl = 0;
        st = pp_normalize(a, al, (pp_norm_form)forms[i], &b, &bl, err);
        free(a);
        if (st != PP_OK)
            return st;
        a = b;
        al = bl;
    }
    if (t->format == PP_TOK_SPM && t->spm_ws)
        al = pp_collapse_space(a, al);
    if (t->format == PP_TOK_SPM && t->spm_dummy_prefix && !t->spm_ws) {
        /* decoding drops the leading space that the dummy prefix stands for */
        if (al && a[0] == ' ') {
            memmove(a, a + 1, al);
            al--;
        }
    }
    a[al] = '\0';
    *out = a;
    *outlen = al;
    return PP_OK;
}

const char *pp_tokenizer_normalization(const pp_tokenizer *t) { return t->normalization; }
pp_tok_format pp_tokenizer_format(const pp_tokenizer *t) { return t->format; }
const char *pp_tokenizer_describe(const pp_tokenizer *t) { return t->describe; }
size_t pp_tokenizer_vocab_size(const pp_tokenizer *t) { return t->vocab_size; }

const char *pp_tokenizer_piece(const pp_tokenizer *t, int32_t id, size_t *len)
{
    size_t l = 0;
    const char *p = NULL;
    if (id < 0 || (size_t)id >= t->vocab_size)
        return NULL;
    if (t->format == PP_TOK_SPM) {
        p = pp_spm_id_to_piece(t->spm, id);
        l = p ? strlen(p) : 0;
    } else {
        const tok_vocab *v = t->model == TOK_MODEL_UNIGRAM ? &t->uni.vocab : &t->bpe.vocab;
        p = tok_vocab_bytes(v, id, &l);
        if (!p && t->added.n)
            p = tok_vocab_bytes(&t->added, id, &l);
    }
    if (p && len)
        *len = l;
    return p;
}

int pp_tokenizer_is_unknown(const pp_tokenizer *t, int32_t id)
{
    if (t->format == PP_TOK_SPM)
        return pp_spm_is_unknown(t->spm, id);
    return t->unk_id >= 0 && id == t->unk_id;
}

int pp_tokenizer_is_byte(const pp_tokenizer *t, int32_t id)
{
    if (t->format == PP_TOK_SPM)
        return pp_spm_is_byte(t->spm, id);
    if (!t->byte_fallback)
        return 0;
    size_t l = 0;
    const char *p = pp_tokenizer_piece(t, id, &l);
    return p && byte_piece_value(p, l) >= 0;
}

int pp_tokenizer_has_byte_fallback(const pp_tokenizer *t) { return t->byte_fallback; }
