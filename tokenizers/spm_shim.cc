// spm_shim.cc — the C face of SentencePiece. Non-OK util::Status values and
// exceptions both become pp_status with the library's message.
#include "config.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

extern "C" {
#include "pp_spm.h"
}

struct pp_spm {
    sentencepiece::SentencePieceProcessor sp;
};

extern "C" pp_status pp_spm_train(const char *args, pp_error *err)
{
    try {
        auto st = sentencepiece::SentencePieceTrainer::Train(args ? args : "");
        if (!st.ok())
            return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece training failed: %s",
                                st.ToString().c_str());
        return PP_OK;
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece training failed: %s",
                            e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece training failed");
    }
}

extern "C" pp_status pp_spm_load(const char *path, pp_spm **out, pp_error *err)
{
    *out = nullptr;
    try {
        auto m = std::make_unique<pp_spm>();
        auto st = m->sp.Load(path);
        if (!st.ok())
            return pp_error_set(err, st.code() == sentencepiece::util::StatusCode::kNotFound
                                         ? PP_ERR_IO : PP_ERR_MODEL,
                                path, 0, "cannot load SentencePiece model: %s", st.ToString().c_str());
        *out = m.release();
        return PP_OK;
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, path, 0, "cannot load SentencePiece model: %s", e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, path, 0, "cannot load SentencePiece model");
    }
}

extern "C" pp_status pp_spm_load_bytes(const void *data, size_t len, pp_spm **out, pp_error *err)
{
    *out = nullptr;
    try {
        auto m = std::make_unique<pp_spm>();
        auto st = m->sp.LoadFromSerializedProto(
            absl::string_view(static_cast<const char *>(data), len));
        if (!st.ok())
            return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "cannot load SentencePiece model: %s",
                                st.ToString().c_str());
        *out = m.release();
        return PP_OK;
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "cannot load SentencePiece model: %s",
                            e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "cannot load SentencePiece model");
    }
}

extern "C" pp_status pp_spm_encode_ids(pp_spm *m, const char *text, size_t len, int **ids, size_t *n,
                                       pp_error *err)
{
    *ids = nullptr;
    *n = 0;
    try {
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
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece encode failed: %s", e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece encode failed");
    }
}

extern "C" pp_status pp_spm_encode_pieces(pp_spm *m, const char *text, size_t len, char ***pieces,
                                          size_t *n, pp_error *err)
{
    *pieces = nullptr;
    *n = 0;
    try {
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
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece encode failed: %s", e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece encode failed");
    }
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
    try {
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
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece decode failed: %s", e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "SentencePiece decode failed");
    }
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

extern "C" void pp_spm_free(pp_spm *m)
{
    delete m;
}
