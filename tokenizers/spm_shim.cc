// spm_shim.cc — the C face of SentencePiece. Non-OK util::Status values and
// exceptions both become pp_status with the library's message.
#include "config.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

extern "C" {
#include "tokenizers/pp_spm.h"
}
#include "tokenizers/spm_proto.h"

using spm_proto::walk;

struct pp_spm {
    sentencepiece::SentencePieceProcessor sp;
};

// Run f, turning any exception into a pp_status with `what` as the message
// prefix: no exception ever crosses into C.
template <typename F> static pp_status guarded(pp_error *err, const char *file, const char *what, F f)
{
    try {
        return f();
    } catch (const std::bad_alloc &) {
        return pp_error_set(err, PP_ERR_NOMEM, file, 0, "%s: out of memory", what);
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, file, 0, "%s: %s", what, e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, file, 0, "%s", what);
    }
}

extern "C" pp_status pp_spm_train(const char *args, pp_error *err)
{
    return guarded(err, nullptr, "SentencePiece training failed", [&]() -> pp_status {
            auto st = sentencepiece::SentencePieceTrainer::Train(args ? args : "");
            if (!st.ok())
                return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece training failed: %s",
                                    st.ToString().c_str());
            return PP_OK;
    });
}

extern "C" pp_status pp_spm_train_kv(const char *const *keys, const char *const *values,
                                     size_t n, pp_error *err)
{
    return guarded(err, nullptr, "SentencePiece training failed", [&]() -> pp_status {
            std::unordered_map<std::string, std::string> kw;
            for (size_t i = 0; i < n; i++)
                kw[keys[i]] = values[i];
            auto st = sentencepiece::SentencePieceTrainer::Train(kw);
            if (!st.ok())
                return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece training failed: %s",
                                    st.ToString().c_str());
            return PP_OK;
    });
}

extern "C" pp_status pp_spm_load(const char *path, pp_spm **out, pp_error *err)
{
    *out = nullptr;
    return guarded(err, path, "cannot load SentencePiece model", [&]() -> pp_status {
            auto m = std::make_unique<pp_spm>();
            auto st = m->sp.Load(path);
            if (!st.ok())
                return pp_error_set(err, st.code() == sentencepiece::util::StatusCode::kNotFound
                                             ? PP_ERR_IO : PP_ERR_MODEL,
                                    path, 0, "cannot load SentencePiece model: %s", st.ToString().c_str());
            if (const char *why = spm_model_unsafe(m->sp.serialized_model_proto()))
                return pp_error_set(err, PP_ERR_MODEL, path, 0, "cannot load SentencePiece model: %s",
                                    why);
            *out = m.release();
            return PP_OK;
    });
}

extern "C" pp_status pp_spm_load_bytes(const void *data, size_t len, pp_spm **out, pp_error *err)
{
    *out = nullptr;
    return guarded(err, nullptr, "cannot load SentencePiece model", [&]() -> pp_status {
            auto m = std::make_unique<pp_spm>();
            auto st = m->sp.LoadFromSerializedProto(
                absl::string_view(static_cast<const char *>(data), len));
            if (!st.ok())
                return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "cannot load SentencePiece model: %s",
                                    st.ToString().c_str());
            if (const char *why = spm_model_unsafe(m->sp.serialized_model_proto()))
                return pp_error_set(err, PP_ERR_MODEL, nullptr, 0,
                                    "cannot load SentencePiece model: %s", why);
            *out = m.release();
            return PP_OK;
    });
}

extern "C" pp_status pp_spm_encode_ids(pp_spm *m, const char *text, size_t len, int **ids, size_t *n,
                                       pp_error *err)
{
    *ids = nullptr;
    *n = 0;
    return guarded(err, nullptr, "SentencePiece encode failed", [&]() -> pp_status {
            std::vector<int> v;
            auto st = m->sp.Encode(absl::string_view(text, len), &v);
            if (!st.ok())
                return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece encode failed: %s",
                                    st.ToString().c_str());
            int *o = static_cast<int *>(std::malloc(sizeof(int) * (v.size() ? v.size() : 1)));
            if (!o)
                return pp_error_set(err, PP_ERR_NOMEM, nullptr, 0, "out of memory");
            if (!v.empty())
                std::memcpy(o, v.data(), sizeof(int) * v.size());
            *ids = o;
            *n = v.size();
            return PP_OK;
    });
}

extern "C" pp_status pp_spm_encode_pieces(pp_spm *m, const char *text, size_t len, char ***pieces,
                                          size_t *n, pp_error *err)
{
    *pieces = nullptr;
    *n = 0;
    return guarded(err, nullptr, "SentencePiece encode failed", [&]() -> pp_status {
            std::vector<std::string> v;
            auto st = m->sp.Encode(absl::string_view(text, len), &v);
            if (!st.ok())
                return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece encode failed: %s",
                                    st.ToString().c_str());
            char **o = static_cast<char **>(std::calloc(v.size() ? v.size() : 1, sizeof(char *)));
            if (!o)
                return pp_error_set(err, PP_ERR_NOMEM, nullptr, 0, "out of memory");
            for (size_t i = 0; i < v.size(); i++) {
                o[i] = static_cast<char *>(std::malloc(v[i].size() + 1));
                if (!o[i]) {
                    pp_spm_free_pieces(o, i);
                    return pp_error_set(err, PP_ERR_NOMEM, nullptr, 0, "out of memory");
                }
                std::memcpy(o[i], v[i].c_str(), v[i].size() + 1);
            }
            *pieces = o;
            *n = v.size();
            return PP_OK;
    });
}

extern "C" void pp_spm_free_pieces(char **pieces, size_t n)
{
    if (!pieces)
        return;
    for (size_t i = 0; i < n; i++)
        std::free(pieces[i]);
    std::free(pieces);
}

extern "C" pp_status pp_spm_decode_ids(pp_spm *m, const int *ids, size_t n, char **text,
                                       pp_error *err)
{
    *text = nullptr;
    return guarded(err, nullptr, "SentencePiece decode failed", [&]() -> pp_status {
            int vs = m->sp.GetPieceSize();
            for (size_t i = 0; i < n; i++)
                if (ids[i] < 0 || ids[i] >= vs)
                    return pp_error_set(err, PP_ERR_INVALID, nullptr, 0,
                                        "token id %d out of range (vocabulary size %d)", ids[i], vs);
            std::vector<int> v(ids, ids + n);
            std::string s;
            auto st = m->sp.Decode(v, &s);
            if (!st.ok())
                return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece decode failed: %s",
                                    st.ToString().c_str());
            char *o = static_cast<char *>(std::malloc(s.size() + 1));
            if (!o)
                return pp_error_set(err, PP_ERR_NOMEM, nullptr, 0, "out of memory");
            std::memcpy(o, s.c_str(), s.size() + 1);
            *text = o;
            return PP_OK;
    });
}

extern "C" int pp_spm_vocab_size(const pp_spm *m) { return m ? m->sp.GetPieceSize() : 0; }

extern "C" const char *pp_spm_id_to_piece(const pp_spm *m, int id)
{
    if (!m || id < 0 || id >= m->sp.GetPieceSize())
        return nullptr;
    // IdToPiece returns a reference into the model proto: stable while loaded.
    return m->sp.IdToPiece(id).c_str();
}

extern "C" int pp_spm_is_unknown(const pp_spm *m, int id)
{
    return m && id >= 0 && id < m->sp.GetPieceSize() && m->sp.IsUnknown(id);
}

extern "C" int pp_spm_is_byte(const pp_spm *m, int id)
{
    return m && id >= 0 && id < m->sp.GetPieceSize() && m->sp.IsByte(id);
}

extern "C" pp_status pp_spm_encode_spans(pp_spm *m, const char *text, size_t len, int **ids,
                                         size_t **begin, size_t **end, size_t *n, pp_error *err)
{
    *ids = nullptr;
    *begin = *end = nullptr;
    *n = 0;
    try {
        auto spt = m->sp.EncodeAsImmutableProto(absl::string_view(text, len));
        size_t k = spt.pieces_size(), c = k ? k : 1;
        int *o = static_cast<int *>(std::malloc(sizeof(int) * c));
        size_t *b = static_cast<size_t *>(std::malloc(sizeof(size_t) * c));
        size_t *e = static_cast<size_t *>(std::malloc(sizeof(size_t) * c));
        if (!o || !b || !e) {
            std::free(o);
            std::free(b);
            std::free(e);
            return pp_error_set(err, PP_ERR_NOMEM, nullptr, 0, "out of memory");
        }
        for (size_t i = 0; i < k; i++) {
            auto p = spt.pieces(static_cast<int>(i));
            o[i] = static_cast<int>(p.id());
            b[i] = p.begin();
            e[i] = p.end();
        }
        *ids = o;
        *begin = b;
        *end = e;
        *n = k;
        return PP_OK;
    } catch (const std::exception &ex) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece encode failed: %s",
                            ex.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece encode failed");
    }
}

extern "C" float pp_spm_score(const pp_spm *m, int id)
{
    if (!m || id < 0 || id >= m->sp.GetPieceSize())
        return 0.0f;
    return m->sp.GetScore(id);
}


extern "C" void pp_spm_get_info(const pp_spm *m, pp_spm_info *info)
{
    std::memset(info, 0, sizeof *info);
    std::strcpy(info->normalizer, "nmt_nfkc");
    info->add_dummy_prefix = 1;
    info->remove_extra_whitespaces = 1;
    info->model_type = 1;
    if (!m)
        return;
    try {
        std::string proto = m->sp.serialized_model_proto();
        auto b = reinterpret_cast<const unsigned char *>(proto.data());
        walk(b, b + proto.size(),
             [&](unsigned field, unsigned wt, uint64_t, const unsigned char *d, size_t l) {
                 if (wt != 2)
                     return;
                 if (field == 2)
                     walk(d, d + l, [&](unsigned f, unsigned w, uint64_t v, const unsigned char *,
                                        size_t) {
                         if (w == 0 && f == 3 && v >= 1 && v <= 4) /* ModelType */
                             info->model_type = static_cast<int>(v);
                         else if (w == 0 && f == 35)
                             info->byte_fallback = v != 0;
                     });
                 else if (field == 3)
                     walk(d, d + l, [&](unsigned f, unsigned w, uint64_t v, const unsigned char *s,
                                        size_t sl) {
                         if (w == 2 && f == 1) {
                             size_t c = sl < sizeof info->normalizer - 1 ? sl
                                                                         : sizeof info->normalizer - 1;
                             std::memcpy(info->normalizer, s, c);
                             info->normalizer[c] = '\0';
                         } else if (w == 2 && f == 2) {
                             info->has_custom_rules = sl > 0;
                         } else if (w == 0 && f == 3) {
                             info->add_dummy_prefix = v != 0;
                         } else if (w == 0 && f == 4) {
                             info->remove_extra_whitespaces = v != 0;
                         }
                     });
             });
    } catch (...) {
    }
}

// Field 1 of ModelProto: the pieces, each {1 piece, 2 score, 3 type}.
extern "C" pp_status pp_spm_piece_types(const pp_spm *m, int *types, pp_error *err)
{
    return guarded(err, nullptr, "cannot read the SentencePiece model", [&]() -> pp_status {
            int n = m->sp.GetPieceSize(), k = 0;
            std::string proto = m->sp.serialized_model_proto();
            auto b = reinterpret_cast<const unsigned char *>(proto.data());
            walk(b, b + proto.size(),
                 [&](unsigned field, unsigned wt, uint64_t, const unsigned char *d, size_t l) {
                     if (field != 1 || wt != 2 || k >= n)
                         return;
                     int type = PP_SPM_NORMAL;
                     walk(d, d + l, [&](unsigned f, unsigned w, uint64_t v, const unsigned char *,
                                        size_t) {
                         /* a value outside the enum is an unknown field to
                          * protobuf: the library keeps the piece's type */
                         if (f == 3 && w == 0 && v >= PP_SPM_NORMAL && v <= PP_SPM_BYTE)
                             type = static_cast<int>(v);
                     });
                     types[k++] = type;
                 });
            if (k != n)
                return pp_error_set(err, PP_ERR_MODEL, nullptr, 0,
                                    "the model proto lists %d pieces, the model %d", k, n);
            return PP_OK;
    });
}

extern "C" void pp_spm_free(pp_spm *m)
{
    delete m;
}
