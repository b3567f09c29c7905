/* tok_tiktoken.c — tiktoken rank files and the pre-tokenization patterns.
 *
 * A rank file has one token a line: its bytes in base64, a space, its rank
 * (which is also its id). BPE merges adjacent parts whose concatenation has
 * the lowest rank; the pair table is derived from the ranks once at load. */
#include "config.h"

#include "src/pp_stream.h"
#include "tokenizers/tok_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The encodings' own patterns as their reference implementation (js-tiktoken)
 * writes them; tok_translate_pattern() turns them into ICU syntax. */
static const char CL100K[] =
    "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)|"
    "[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|"
    "\\s+(?!\\S)|\\s+";
static const char O200K[] =
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
    "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|"
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
    "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|"
    "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const char *pp_tiktoken_pattern(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "cl100k_base") == 0)
        return CL100K;
    if (strcmp(name, "o200k_base") == 0)
        return O200K;
    return NULL;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decode standard base64 (with '=' padding) into out; returns the length or -1. */
static long b64decode(const char *s, size_t len, char *out)
{
    long n = 0;
    unsigned acc = 0;
    int bits = 0;
    size_t i = 0;
    for (; i < len && s[i] != '='; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (char)((acc >> bits) & 0xFF);
        }
    }
    for (; i < len; i++)
        if (s[i] != '=')
            return -1;
    return n;
}

pp_status tok_tiktoken_load(pp_tokenizer *t, const char *path, const char *pattern, pp_error *err)
{
    const char *name = NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (pattern && pp_tiktoken_pattern(pattern)) {
        name = pattern;
        pattern = pp_tiktoken_pattern(pattern);
    } else if (!pattern) {
        if (strncmp(base, "cl100k_base", 11) == 0)
            name = "cl100k_base";
        else if (strncmp(base, "o200k_base", 10) == 0)
            name = "o200k_base";
        if (!name)
            return pp_error_set(err, PP_ERR_INVALID, path, 0,
                                "unknown tiktoken encoding: give its pre-tokenization pattern "
                                "(--pattern REGEX, or cl100k_base / o200k_base)");
        pattern = pp_tiktoken_pattern(name);
    }
    pp_input *in = NULL;
    pp_status st = pp_input_open(path, &in, err);
    if (st != PP_OK)
        return st;
    if (tok_vocab_init(&t->bpe.vocab, 1024) != 0) {
        pp_input_close(in);
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    }
    const char *line;
    size_t len;
    char buf[1024];
    long count = 0;
    while ((st = pp_input_getline(in, &line, &len, err)) == PP_OK && line) {
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        if (!len)
            continue;
        const char *sp = memchr(line, ' ', len);
        long lineno = pp_input_lineno(in);
        if (!sp || (size_t)(sp - line) * 3 / 4 + 4 > sizeof buf) {
            st = pp_error_set(err, PP_ERR_PARSE, path, lineno,
                              "not a tiktoken rank line (expected: base64-token rank)");
            break;
        }
        long n = b64decode(line, (size_t)(sp - line), buf);
        char rankbuf[32];
        size_t rl = len - (size_t)(sp - line) - 1;
        char *endp;
        if (n <= 0 || rl == 0 || rl >= sizeof rankbuf) {
            st = pp_error_set(err, PP_ERR_PARSE, path, lineno,
                              "not a tiktoken rank line (bad base64 token or rank)");
            break;
        }
        memcpy(rankbuf, sp + 1, rl);
        rankbuf[rl] = '\0';
        errno = 0;
        long rank = strtol(rankbuf, &endp, 10);
        if (errno || *endp || rank < 0 || rank > 10000000) {
            st = pp_error_set(err, PP_ERR_PARSE, path, lineno, "bad rank '%s'", rankbuf);
            break;
        }
        if (tok_vocab_set(&t->bpe.vocab, (int32_t)rank, buf, (size_t)n) != 0) {
            st = pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
            break;
        }
        count++;
    }
    pp_input_close(in);
    if (st != PP_OK)
        return st;
    if (count < 256)
        return pp_error_set(err, PP_ERR_MODEL, path, 0,
                            "not a tiktoken rank file (%ld tokens; a byte-level vocabulary has "
                            "at least 256)",
                            count);
    if (tok_vocab_index(&t->bpe.vocab) != 0)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (int b = 0; b < 256; b++) {
        char c = (char)b;
        t->bpe.byte_id[b] = tok_strmap_get(&t->bpe.vocab.map, &c, 1);
        if (t->bpe.byte_id[b] < 0)
            return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                "not a byte-level rank file: byte 0x%02X has no token", b);
    }
    if (tok_bpe_pairs_from_ranks(&t->bpe) != 0)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    t->bpe.whole_first = 1;
    t->model = TOK_MODEL_BPE;
    t->vocab_size = t->bpe.vocab.n;
    t->unk_id = -1;
    char *icu = tok_translate_pattern(pattern);
    if (!icu)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    st = tok_regex_new(icu, &t->regex, err);
    free(icu);
    if (st != PP_OK)
        return st;
    snprintf(t->describe, sizeof t->describe, "tiktoken %s", name ? name : "(custom pattern)");
    snprintf(t->normalization, sizeof t->normalization, "identity");
    return PP_OK;
}
