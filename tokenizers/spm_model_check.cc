// spm_model_check.cc — models the SentencePiece library must not be given
// because it would read outside their memory (see spm_proto.h). Found by
// fuzzing fuzz_spm; SentencePiece's own builders never write such models.
#include "config.h"

#include <set>
#include <string>
#include <vector>

#include "tokenizers/spm_proto.h"

using spm_proto::walk;

namespace {

// The normalization map (precompiled_charsmap): a uint32 size, a Darts
// double array of that many bytes, then NUL-terminated replacements. The
// library reads it in place: from a node at unit u, the next byte c reads
// unit (u ^ offset(u)) ^ c, and a node with a leaf reads its value at
// u ^ offset(u), an offset into the replacements. Every read must stay in
// the map (with the NUL that ends the protobuf string), every value inside
// the replacements, and no path may pass more than 32 leaves: the library
// keeps 32 matches on its stack and reads on past them.
bool charsmap_unsafe(const unsigned char *p, size_t len)
{
    if (len == 0)
        return false;
    if (len < 4)
        return true;
    uint32_t tsize = p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24;
    if (tsize > len - 4)
        return true;
    size_t nunits = (len - 4 + 1) / 4, strings = len - 4 - tsize;
    if (nunits == 0)
        return true;
    std::vector<uint32_t> units(nunits);
    for (size_t i = 0; i < nunits; i++) {
        unsigned char q[4] = {0, 0, 0, 0};
        for (size_t k = 0; k < 4 && 4 + 4 * i + k < len; k++)
            q[k] = p[4 + 4 * i + k];
        units[i] = static_cast<uint32_t>(q[0] | q[1] << 8 | q[2] << 16) |
                   static_cast<uint32_t>(q[3]) << 24;
    }
    auto unit = [&](size_t i) { return units[i]; };
    auto offset = [](uint32_t u) { return (u >> 10) << ((u & (1u << 9)) >> 6); };
    // the most leaves on a path to each node reached so far (-1: not reached)
    std::vector<signed char> leaves(nunits, -1);
    std::vector<size_t> work{0};
    leaves[0] = 0;
    while (!work.empty()) {
        size_t u = work.back();
        work.pop_back();
        uint32_t x = unit(u);
        size_t base = u ^ offset(x);
        if ((base | 0xFF) >= nunits)
            return true;
        int k = leaves[u];
        if (u != 0 && ((x >> 8) & 1)) { // a leaf: its value is read
            if (++k > 32 || (unit(base) & 0x7FFFFFFFu) > strings)
                return true;
        }
        for (unsigned c = 0; c < 256; c++) {
            size_t v = base ^ c;
            if ((unit(v) & 0x800000FFu) == c && k > leaves[v]) {
                leaves[v] = static_cast<signed char>(k);
                work.push_back(v);
            }
        }
    }
    return false;
}

// The user-defined symbols' matcher keeps 64 matches and reads on past
// them: no symbol may have more than 64 symbols as prefixes (itself
// included), the pieces taken as C strings as the matcher's trie takes them.
bool symbols_unsafe(const std::set<std::string> &symbols)
{
    for (const auto &s : symbols) {
        int n = 0;
        for (size_t k = 1; k <= s.size(); k++)
            n += symbols.count(s.substr(0, k)) != 0;
        if (n > 64)
            return true;
    }
    return false;
}

} // namespace

const char *spm_model_unsafe(const std::string &proto)
{
    auto b = reinterpret_cast<const unsigned char *>(proto.data());
    // the maps of normalizer_spec (3, for encoding) and denormalizer_spec
    // (5, which decoding applies): the last of each
    const unsigned char *map[2] = {nullptr, nullptr};
    size_t map_len[2] = {0, 0};
    bool have_map[2] = {false, false};
    std::set<std::string> symbols;
    walk(b, b + proto.size(), [&](unsigned field, unsigned wt, uint64_t, const unsigned char *d,
                                  size_t l) {
        if (wt != 2)
            return;
        if (field == 1) { // a piece: its spelling and its type (the last valid one)
            std::string piece;
            int type = 1;
            walk(d, d + l, [&](unsigned f, unsigned w, uint64_t v, const unsigned char *s,
                               size_t sl) {
                if (f == 1 && w == 2)
                    piece.assign(reinterpret_cast<const char *>(s), sl);
                else if (f == 3 && w == 0 && v >= 1 && v <= 6)
                    type = static_cast<int>(v);
            });
            if (type == 4) // USER_DEFINED
                symbols.insert(piece.c_str());
        } else if (field == 3 || field == 5) { // (de)normalizer_spec: its map
            int which = field == 5;
            walk(d, d + l, [&](unsigned f, unsigned w, uint64_t, const unsigned char *s,
                               size_t sl) {
                if (f == 2 && w == 2) {
                    map[which] = s;
                    map_len[which] = sl;
                    have_map[which] = true;
                }
            });
        }
    });
    if (have_map[0] && charsmap_unsafe(map[0], map_len[0]))
        return "its normalization map leads outside itself";
    if (have_map[1] && charsmap_unsafe(map[1], map_len[1]))
        return "its denormalization map (used to decode) leads outside itself";
    if (symbols_unsafe(symbols))
        return "a user-defined symbol has more than 64 others as prefixes";
    return nullptr;
}
