/* spm_proto.h — what the SentencePiece shim reads of a serialized ModelProto
 * itself (the generated sentencepiece_model.pb.h is not installed). C++,
 * internal to the shim. */
#ifndef PP_SPM_PROTO_H
#define PP_SPM_PROTO_H

#include <cstddef>
#include <cstdint>
#include <string>

// A minimal protobuf walk over the serialized ModelProto (the generated
// sentencepiece_model.pb.h is not installed): field 2 trainer_spec
// (3 model_type, 35 byte_fallback), field 3 normalizer_spec (1 name,
// 2 precompiled_charsmap, 3 add_dummy_prefix, 4 remove_extra_whitespaces).
namespace spm_proto {
inline bool varint(const unsigned char *&p, const unsigned char *e, uint64_t &v)
{
    v = 0;
    for (int s = 0; p < e && s < 64; s += 7) {
        unsigned char c = *p++;
        v |= static_cast<uint64_t>(c & 0x7F) << s;
        if (!(c & 0x80))
            return true;
    }
    return false;
}

// Calls f(field, wiretype, varint value, bytes, length) for each field.
template <class F> void walk(const unsigned char *p, const unsigned char *e, F f)
{
    while (p < e) {
        uint64_t key, v = 0;
        if (!varint(p, e, key))
            return;
        unsigned wt = key & 7, field = static_cast<unsigned>(key >> 3);
        const unsigned char *data = nullptr;
        size_t len = 0;
        if (wt == 0) {
            if (!varint(p, e, v))
                return;
        } else if (wt == 2) {
            uint64_t l;
            if (!varint(p, e, l) || l > static_cast<uint64_t>(e - p))
                return;
            data = p;
            len = l;
            p += l;
        } else if (wt == 5) {
            if (e - p < 4)
                return;
            p += 4;
        } else if (wt == 1) {
            if (e - p < 8)
                return;
            p += 8;
        } else {
            return;
        }
        f(field, wt, v, data, len);
    }
}
} // namespace spm_proto

/* Why the library must not be given this model (its serialized proto, as
 * the library re-serializes it), or NULL: SentencePiece walks some of the
 * model's structures in place without bounds, and a malformed model makes it
 * read outside its memory (a crash, or results that depend on that memory).
 * spm_model_check.cc. */
const char *spm_model_unsafe(const std::string &proto);

#endif
