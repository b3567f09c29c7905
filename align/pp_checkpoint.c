/* pp_checkpoint.c — checkpoints in the Hugging Face directory layout (config.json,
 * generation_config.json, model.safetensors or shards listed in
 * model.safetensors.index.json) and the training state for resuming. */
#include "config.h"
#include "align/pp_lora_internal.h"
#include "align/pp_llama_json.h"
#include "align/pp_model_internal.h"
#include "align/pp_safetensors.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PATHLEN 4096

/* The opened shard files of one checkpoint and which file holds which tensor. */
typedef struct shards {
    pp_safetensors **files;
    int nfiles;
    json_t *weight_map; /* name -> file name, NULL for a single file */
} shards;

static void shards_close(shards *s)
{
    for (int i = 0; i < s->nfiles; i++)
        pp_safetensors_close(s->files[i]);
    free(s->files);
    json_decref(s->weight_map);
}

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static pp_status shards_open(const char *dir, shards *s, pp_error *err)
{
    memset(s, 0, sizeof *s);
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/model.safetensors.index.json", dir);
    if (!file_exists(path)) {
        snprintf(path, sizeof path, "%s/model.safetensors", dir);
        s->files = calloc(1, sizeof *s->files);
        if (!s->files)
            return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
        pp_status st = pp_safetensors_open(path, &s->files[0], err);
        if (st)
            return st;
        s->nfiles = 1;
        return PP_OK;
    }
    json_error_t je;
    json_t *idx = json_load_file(path, 0, &je);
    json_t *wm = idx ? json_object_get(idx, "weight_map") : NULL;
    if (!json_is_object(wm)) {
        json_decref(idx);
        return pp_error_set(err, PP_ERR_PARSE, path, je.line,
                            "not a safetensors index (no \"weight_map\" object)");
    }
    s->weight_map = json_incref(wm);
    json_decref(idx);
    size_t n = json_object_size(wm);
    s->files = calloc(n + 1, sizeof *s->files);
    if (!s->files)
        return pp_error_set(err, PP_ERR_NOMEM, path, 0, "out of memory");
    const char *key;
    json_t *val;
    json_object_foreach(s->weight_map, key, val)
    {
        const char *f = json_string_value(val);
        if (!f || strchr(f, '/'))
            return pp_error_set(err, PP_ERR_PARSE, path, 0,
                                "tensor \"%s\": the shard must be a file name in the directory", key);
        char fp[PATHLEN];
        snprintf(fp, sizeof fp, "%s/%s", dir, f);
        int seen = 0;
        for (int i = 0; i < s->nfiles && !seen; i++)
            seen = strcmp(pp_safetensors_path(s->files[i]), fp) == 0;
        if (seen)
            continue;
        pp_status st = pp_safetensors_open(fp, &s->files[s->nfiles], err);
        if (st)
            return st;
        s->nfiles++;
    }
    return PP_OK;
}

/* The file that should hold `name` and the tensor there (NULL if missing). */
static pp_safetensors *shards_find(const shards *s, const char *name, const pp_st_tensor **t)
{
    *t = NULL;
    if (!s->weight_map) {
        *t = pp_safetensors_find(s->files[0], name);
        return s->files[0];
    }
    const char *f = json_string_value(json_object_get(s->weight_map, name));
    for (int i = 0; f && i < s->nfiles; i++) {
        const char *p = pp_safetensors_path(s->files[i]);
        const char *base = strrchr(p, '/');
        if (strcmp(base ? base + 1 : p, f) == 0) {
            *t = pp_safetensors_find(s->files[i], name);
            return s->files[i];
        }
    }
    return s->files[0];
}

pp_status pp_model_load(const char *dir, pp_model **out, pp_error *err)
{
    *out = NULL;
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/config.json", dir);
    pp_llama_config cfg;
    pp_status st = pp_llama_config_load(path, &cfg, err);
    if (st)
        return st;
    pp_model *m;
    if ((st = pp_model_new(&cfg, &m, err)))
        return st;
    st = pp_checkpoint_read_each(dir, m, err);
    if (st) {
        pp_model_free(m);
        return st;
    }
    *out = m;
    return PP_OK;
}

/* Every tensor of the checkpoint into m's parameters (F32), or through a buffer of
 * one tensor into its BF16 block. */
pp_status pp_checkpoint_read_each(const char *dir, pp_model *m, pp_error *err)
{
    float *buf = NULL;
    if (m->params_bf16) {
        size_t mx = 0;
        for (int i = 0; i < m->ntensors; i++) {
            size_t k = (size_t)m->tensors[i].shape[0] *
                       (size_t)(m->tensors[i].ndim == 2 ? m->tensors[i].shape[1] : 1);
            mx = k > mx ? k : mx;
        }
        if (!(buf = malloc(mx * sizeof(float))))
            return pp_error_set(err, PP_ERR_NOMEM, dir, 0, "out of memory");
    }
    shards s;
    pp_status st = shards_open(dir, &s, err);
    for (int i = 0; !st && i < m->ntensors; i++) {
        const pp_named_tensor *nt = &m->tensors[i];
        const pp_st_tensor *t;
        pp_safetensors *f = shards_find(&s, nt->name, &t);
        if (!t) {
            char where[PATHLEN];
            if (s.weight_map && !json_object_get(s.weight_map, nt->name))
                snprintf(where, sizeof where, "%s/model.safetensors.index.json", dir);
            else
                snprintf(where, sizeof where, "%s", pp_safetensors_path(f));
            st = pp_error_set(err, PP_ERR_MODEL, where, 0, "missing tensor \"%s\"", nt->name);
            break;
        }
        const char *fname = pp_safetensors_path(f);
        int same = t->ndim == nt->ndim && t->shape[0] == nt->shape[0] &&
                   (nt->ndim == 1 || t->shape[1] == nt->shape[1]);
        if (!same) {
            char got[128] = "";
            for (int d = 0; d < t->ndim && d < 4; d++)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", d ? ", " : "",
                         (long long)t->shape[d]);
            if (nt->ndim == 2)
                st = pp_error_set(err, PP_ERR_MODEL, fname, 0,
                                  "tensor \"%s\" has shape [%s], the configuration needs [%lld, %lld]",
                                  nt->name, got, (long long)nt->shape[0], (long long)nt->shape[1]);
            else
                st = pp_error_set(err, PP_ERR_MODEL, fname, 0,
                                  "tensor \"%s\" has shape [%s], the configuration needs [%lld]",
                                  nt->name, got, (long long)nt->shape[0]);
            break;
        }
        if (t->dtype == PP_ST_OTHER) {
            st = pp_error_set(err, PP_ERR_MODEL, fname, 0,
                              "tensor \"%s\" has dtype %s (F32, F16 or BF16 expected)", nt->name,
                              t->dtype_name);
            break;
        }
        if (buf) {
            st = pp_safetensors_read_f32(f, t, buf, pp_st_numel(t), err);
            if (st == PP_OK)
                pp_model_bf16_store(m, nt->offset, buf, pp_st_numel(t));
        } else {
            st = pp_safetensors_read_f32(f, t, m->params + nt->offset, pp_st_numel(t), err);
        }
    }
    shards_close(&s);
    free(buf);
    return st;
}

pp_status pp_model_save(const pp_model *m, const char *dir, pp_error *err)
{
    if (!m->params)
        return pp_error_set(err, PP_ERR_INVALID, dir, 0,
                            "a BF16 base is not saved (its adapter is)");
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return pp_error_set(err, PP_ERR_IO, dir, 0, "cannot create the directory: %s",
                            strerror(errno));
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/config.json", dir);
    pp_status st = pp_llama_config_save(&m->cfg, path, err);
    if (st)
        return st;

    snprintf(path, sizeof path, "%s/generation_config.json", dir);
    json_t *g = json_object();
    if (m->cfg.bos_token_id >= 0)
        json_object_set_new(g, "bos_token_id", json_integer(m->cfg.bos_token_id));
    if (m->cfg.eos_token_id >= 0 || m->cfg.num_eos_token_ids > 0)
        json_object_set_new(g, "eos_token_id", pp_llama_eos_to_json(&m->cfg));
    char tmp[PATHLEN + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int rc = json_dump_file(g, tmp, JSON_INDENT(2));
    json_decref(g);
    if (rc != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write");
    }

    pp_st_out *ts = calloc((size_t)m->ntensors, sizeof *ts);
    if (!ts)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    for (int i = 0; i < m->ntensors; i++) {
        const pp_named_tensor *nt = &m->tensors[i];
        ts[i].name = nt->name;
        ts[i].data = m->params + nt->offset;
        ts[i].ndim = nt->ndim;
        ts[i].shape[0] = nt->shape[0];
        ts[i].shape[1] = nt->shape[1];
    }
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    st = pp_safetensors_write(path, ts, m->ntensors, err);
    free(ts);
    return st;
}

/* ---- training state: training_state.bin ----
 * little-endian: "PPTRAIN1" (8 bytes), step i64, data_pos i64, rng u64[4],
 * num_params u64, then AdamW m (num_params f32) and v (num_params f32). With a LoRA
 * adapter attached, num_params and the moments are the adapter's. */

static const char TS_MAGIC[8] = {'P', 'P', 'T', 'R', 'A', 'I', 'N', '1'};

pp_status pp_train_state_save(const pp_model *m, const pp_train_state *s, const char *dir,
                              pp_error *err)
{
    char path[PATHLEN], tmp[PATHLEN + 8];
    snprintf(path, sizeof path, "%s/training_state.bin", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    const float *am = m->lora ? m->lora->adam_m : m->adam_m;
    const float *av = m->lora ? m->lora->adam_v : m->adam_v;
    if (!am)
        return pp_error_set(err, PP_ERR_INVALID, path, 0,
                            "the model has no optimizer state (not prepared for training)");
    FILE *fp = fopen(tmp, "wb");
    if (!fp)
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write: %s", strerror(errno));
    uint64_t np = pp_model_num_trainable(m);
    int ok = fwrite(TS_MAGIC, 1, 8, fp) == 8 && fwrite(&s->step, 8, 1, fp) == 1 &&
             fwrite(&s->data_pos, 8, 1, fp) == 1 && fwrite(s->rng, 8, 4, fp) == 4 &&
             fwrite(&np, 8, 1, fp) == 1 && fwrite(am, 4, np, fp) == np &&
             fwrite(av, 4, np, fp) == np;
    if (fclose(fp) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        remove(tmp);
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot write");
    }
    return PP_OK;
}

pp_status pp_train_state_load(pp_model *m, pp_train_state *s, const char *dir, pp_error *err)
{
    char path[PATHLEN];
    snprintf(path, sizeof path, "%s/training_state.bin", dir);
    float *am = m->lora ? m->lora->adam_m : m->adam_m;
    float *av = m->lora ? m->lora->adam_v : m->adam_v;
    size_t want = pp_model_num_trainable(m);
    if (!am)
        return pp_error_set(err, PP_ERR_INVALID, path, 0,
                            "prepare the model for training before loading its optimizer state");
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    char magic[8];
    uint64_t np = 0;
    pp_train_state t;
    int ok = fread(magic, 1, 8, fp) == 8 && memcmp(magic, TS_MAGIC, 8) == 0;
    if (!ok) {
        fclose(fp);
        return pp_error_set(err, PP_ERR_PARSE, path, 0, "not a polyphony training state");
    }
    ok = fread(&t.step, 8, 1, fp) == 1 && fread(&t.data_pos, 8, 1, fp) == 1 &&
         fread(t.rng, 8, 4, fp) == 4 && fread(&np, 8, 1, fp) == 1;
    if (ok && np != want) {
        fclose(fp);
        return pp_error_set(err, PP_ERR_MODEL, path, 0,
                            "optimizer state for %llu parameters, the model trains %zu%s",
                            (unsigned long long)np, want, m->lora ? " (adapter)" : "");
    }
    ok = ok && fread(am, 4, np, fp) == np && fread(av, 4, np, fp) == np;
    fclose(fp);
    if (!ok)
        return pp_error_set(err, PP_ERR_PARSE, path, 0, "truncated training state");
    *s = t;
    return PP_OK;
}
