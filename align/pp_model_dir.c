/* pp_model_dir.c — tokenizer files in a checkpoint directory (pp_model_dir.h). */
#include "config.h"
#include "align/pp_model_dir.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static pp_status copy_file(const char *from, const char *to, pp_error *err)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return pp_error_set(err, PP_ERR_IO, from, 0, "cannot open: %s", strerror(errno));
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", to);
    FILE *out = fopen(tmp, "wb");
    if (!out) {
        fclose(in);
        return pp_error_set(err, PP_ERR_IO, tmp, 0, "cannot create: %s", strerror(errno));
    }
    char buf[65536];
    size_t n;
    int bad = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            bad = 1;
    bad |= ferror(in);
    fclose(in);
    bad |= fclose(out) != 0;
    if (bad || rename(tmp, to) != 0) {
        unlink(tmp);
        return pp_error_set(err, PP_ERR_IO, to, 0, "cannot write");
    }
    return PP_OK;
}

static pp_status dump(json_t *j, const char *path, pp_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (json_dump_file(j, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write");
    }
    return PP_OK;
}

pp_status pp_model_dir_tokenizer(const char *dir, pp_tokenizer **tok, pp_chat_kind *chat,
                                 const char **path_out, pp_error *err)
{
    static __thread char path[4096];
    char cfg[4096];
    *tok = NULL;
    *chat = PP_CHAT_NONE;
    snprintf(path, sizeof path, "%s/tokenizer.model", dir);
    pp_tok_format fmt = PP_TOK_SPM;
    if (!exists(path)) {
        snprintf(path, sizeof path, "%s/tokenizer.json", dir);
        fmt = PP_TOK_HF;
        if (!exists(path))
            return pp_error_set(err, PP_ERR_NOT_FOUND, dir, 0,
                                "no tokenizer in the model directory (tokenizer.model or "
                                "tokenizer.json): give the training --tokenizer");
    }
    pp_status st = pp_tokenizer_load(path, fmt, NULL, tok, err);
    if (st != PP_OK)
        return st;
    if (path_out)
        *path_out = path;
    snprintf(cfg, sizeof cfg, "%s/tokenizer_config.json", dir);
    if (!exists(cfg))
        return PP_OK;
    json_error_t je;
    json_t *j = json_load_file(cfg, 0, &je);
    if (!j) {
        st = pp_error_set(err, PP_ERR_PARSE, cfg, je.line, "%s", je.text);
        goto fail;
    }
    const char *pre = json_string_value(json_object_get(j, "polyphony_prenormalize"));
    if (pre && fmt == PP_TOK_SPM && (st = pp_tokenizer_set_prenormalize(*tok, pre, err)) != PP_OK)
        goto fail_j;
    json_t *tpl = json_object_get(j, "chat_template");
    if (json_is_string(tpl))
        st = pp_chat_detect(json_string_value(tpl), cfg, chat, err);
    else if (tpl && !json_is_null(tpl))
        st = pp_error_set(err, PP_ERR_UNSUPPORTED, cfg, 0,
                          "chat template not recognised: only one template given as a string "
                          "(ChatML or Llama 3) is supported");
    if (st == PP_ERR_UNSUPPORTED) { /* the tokenizer stays usable for plain text */
        json_decref(j);
        return st;
    }
    if (st != PP_OK)
        goto fail_j;
    json_decref(j);
    return PP_OK;
fail_j:
    json_decref(j);
fail:
    pp_tokenizer_free(*tok);
    *tok = NULL;
    return st;
}

pp_status pp_model_dir_put_tokenizer(const char *dir, const char *path, pp_error *err)
{
    char to[4096];
    size_t l = strlen(path);
    int hf = l >= 5 && strcmp(path + l - 5, ".json") == 0;
    pp_tokenizer *t = NULL;
    pp_status st = pp_tokenizer_load(path, hf ? PP_TOK_HF : PP_TOK_SPM, NULL, &t, err);
    if (st != PP_OK)
        return st;
    json_t *cfg = json_object();
    snprintf(to, sizeof to, "%s/%s", dir, hf ? "tokenizer.json" : "tokenizer.model");
    st = copy_file(path, to, err);
    if (st == PP_OK && !hf && l > 6 && strcmp(path + l - 6, ".model") == 0) {
        /* the sidecar's pre-normalization travels in tokenizer_config.json */
        char side[4096];
        snprintf(side, sizeof side, "%.*s.json", (int)(l - 6), path);
        json_t *sj = json_load_file(side, 0, NULL);
        const char *pre = json_string_value(json_object_get(sj, "prenormalize"));
        if (pre)
            json_object_set_new(cfg, "polyphony_prenormalize", json_string(pre));
        json_decref(sj);
    }
    if (st == PP_OK) {
        if (pp_tokenizer_find_piece(t, "<|im_start|>") >= 0 &&
            pp_tokenizer_find_piece(t, "<|im_end|>") >= 0)
            json_object_set_new(cfg, "chat_template", json_string(pp_chat_chatml_jinja()));
        int32_t b = pp_tokenizer_find_piece(t, "<s>"), e = pp_tokenizer_find_piece(t, "</s>");
        if (b >= 0)
            json_object_set_new(cfg, "bos_token", json_string("<s>"));
        if (e >= 0)
            json_object_set_new(cfg, "eos_token", json_string("</s>"));
        /* polyphony's training starts every document with BOS */
        json_object_set_new(cfg, "add_bos_token", json_true());
        snprintf(to, sizeof to, "%s/tokenizer_config.json", dir);
        st = dump(cfg, to, err);
    }
    json_decref(cfg);
    pp_tokenizer_free(t);
    return st;
}

pp_status pp_model_dir_copy_tokenizer(const char *from, const char *to, pp_error *err)
{
    static const char *names[] = {"tokenizer.model", "tokenizer.json", "tokenizer_config.json"};
    char a[4096], b[4096];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(a, sizeof a, "%s/%s", from, names[i]);
        snprintf(b, sizeof b, "%s/%s", to, names[i]);
        if (!exists(a))
            continue;
        pp_status st = copy_file(a, b, err);
        if (st != PP_OK)
            return st;
    }
    return PP_OK;
}

/* Whether a tokenizer.json post-processor starts a single sequence with a special
 * token (TemplateProcessing "single": [{"SpecialToken": ...}, {"Sequence": ...}]),
 * also inside a "Sequence" of processors. */
static int template_adds_bos(json_t *pp)
{
    const char *type = json_string_value(json_object_get(pp, "type"));
    if (!type)
        return 0;
    if (strcmp(type, "Sequence") == 0) {
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(pp, "processors"), i, p) if (template_adds_bos(p))
            return 1;
        return 0;
    }
    if (strcmp(type, "TemplateProcessing") != 0)
        return 0;
    return json_object_get(json_array_get(json_object_get(pp, "single"), 0), "SpecialToken") !=
           NULL;
}

pp_status pp_model_dir_adds_bos(const char *dir, int *adds, pp_error *err)
{
    char p[4096];
    json_error_t je;
    *adds = 1;
    snprintf(p, sizeof p, "%s/tokenizer_config.json", dir);
    if (exists(p)) {
        json_t *j = json_load_file(p, 0, &je);
        if (!j)
            return pp_error_set(err, PP_ERR_PARSE, p, je.line, "%s", je.text);
        json_t *a = json_object_get(j, "add_bos_token");
        int given = json_is_boolean(a);
        if (given)
            *adds = json_is_true(a);
        json_decref(j);
        if (given)
            return PP_OK;
    }
    snprintf(p, sizeof p, "%s/tokenizer.model", dir);
    if (exists(p))
        return PP_OK; /* SentencePiece Llama tokenizers add BOS */
    snprintf(p, sizeof p, "%s/tokenizer.json", dir);
    if (!exists(p))
        return PP_OK;
    json_t *j = json_load_file(p, 0, &je);
    if (!j)
        return pp_error_set(err, PP_ERR_PARSE, p, je.line, "%s", je.text);
    json_t *pp = json_object_get(j, "post_processor");
    if (pp && !json_is_null(pp))
        *adds = template_adds_bos(pp);
    json_decref(j);
    return PP_OK;
}
