// fasttext_shim.cc — the C face of libfasttext. Every call is wrapped in
// try/catch: fastText reports bad files and arguments by throwing (and a few
// paths by calling exit(), which we avoid by checking inputs first).
#include "config.h"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fasttext/args.h>
#include <fasttext/fasttext.h>

extern "C" {
#include "langs/pp_fasttext.h"
}

// The forward pass of a softmax classifier, computed here from the model's
// own arrays (read from the file once fastText has accepted it): fastText's
// predictLine parses a stream, builds a std::string per character n-gram and
// decodes the product quantizer through several calls per sub-vector.
// Results are fastText's: the same rows and the same output layer (a word's
// rows are summed before they join the text's, so probabilities can differ
// in a float's last bits; tests/cli/lid.sh compares the two), and the k best
// chosen and ordered as fastText's heap does (best_k, quick_k).
struct ft_fast {
    bool ok = false;
    int32_t dim = 0, minn = 0, maxn = 0, bucket = 0, nwords = 0, osz = 0;
    int32_t eos = -1;          // id of "</s>" when it is in the vocabulary
    int64_t rows = 0;          // input rows (nwords + bucket)
    bool quant = false, qnorm = false;
    std::vector<float> in;     // dense input rows x dim
    const uint8_t *codes = nullptr; // quantized: rows x nsubq, in the model's mapping
    int32_t nsubq = 0, dsub = 0, lastdsub = 0;
    std::vector<float> cent;   // dim x 256 centroids
    const uint8_t *ncodes = nullptr; // rows, in the mapping
    std::vector<float> ncent;  // 256 norm centroids
    std::vector<float> outT;   // the output matrix transposed: dim x opad
    int32_t opad = 0;          // osz rounded up to a multiple of 8 (zeros)
    // sums of the rows of recent words (see fast_predict)
    static const size_t kCache = 1 << 14;
    std::vector<uint64_t> ckey;
    std::vector<int32_t> cn;
    std::vector<float> cvec;
    // hh % bucket without a division (Lemire's fastmod; exact for 32-bit hh)
    uint64_t bucket_m = 0;
    // scratch, reused between calls
    std::vector<int32_t> ids;
    struct tok {
        const char *p;
        size_t n;
        uint64_t key;
    };
    std::vector<tok> toks;
    std::vector<float> hidden, output;
    std::vector<float> prob;                         // the softmax, osz
    std::vector<std::pair<float, int32_t>> heap;     // best_k's
    std::string word;
};

// The model file, mapped read-only (or read into memory when it cannot be
// mapped): the quantized rows are used where they lie, not copied.
struct model_bytes {
    const char *p = nullptr;
    size_t n = 0;
    bool mapped = false;
    std::vector<char> copy;
    ~model_bytes()
    {
        if (mapped)
            munmap(const_cast<char *>(p), n);
    }
};

// An istream's buffer over bytes in memory, seekable (fastText's loaders and
// check_file read through istreams).
struct mem_buf : std::streambuf {
    mem_buf(const char *p, size_t n)
    {
        char *b = const_cast<char *>(p);
        setg(b, b, b + n);
    }
    pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override
    {
        char *base = dir == std::ios_base::beg ? eback() : dir == std::ios_base::cur ? gptr() : egptr();
        if ((off < 0 && -off > base - eback()) || (off > 0 && off > egptr() - base))
            return pos_type(off_type(-1));
        setg(eback(), base + off, egptr());
        return pos_type(gptr() - eback());
    }
    pos_type seekpos(pos_type pos, std::ios_base::openmode which) override
    {
        return seekoff(off_type(pos), std::ios_base::beg, which);
    }
};

struct pp_fasttext {
    model_bytes bytes;  // declared first: freed last
    std::shared_ptr<fasttext::Args> args;
    std::shared_ptr<const fasttext::Dictionary> dict;
    fasttext::FastText ft; // loaded only when the fast path cannot serve the model
    std::vector<std::string> labels; // without "__label__"
    ft_fast fast;
};

static const std::string kPrefix = "__label__";

static std::string strip_prefix(const std::string &l)
{
    return l.compare(0, kPrefix.size(), kPrefix) == 0 ? l.substr(kPrefix.size()) : l;
}

static void collect_labels(pp_fasttext *m)
{
    auto &dict = m->dict;
    m->labels.clear();
    for (int32_t i = 0; i < dict->nlabels(); i++)
        m->labels.push_back(strip_prefix(dict->getLabel(i)));
}

extern "C" void pp_ft_train_opts_init(pp_ft_train_opts *o)
{
    std::memset(o, 0, sizeof *o);
    o->dim = 64;
    o->epoch = 5;
    o->lr = 0.5;
    o->minn = 1;
    o->maxn = 4;
    o->word_ngrams = 1;
    o->min_count = 1;
    o->bucket = 2000000;
    o->threads = 1;
    o->seed = 1;
    o->dsub = 2;
    o->qout = 0;
}

// Walk the whole fastText file structure ourselves before handing it to
// fastText, which trusts every size it reads: on a truncated file it loops
// forever reading a word (EOF never equals '\0') or computes with values it
// never read. Layout (fastText 0.9, versions 11 and 12):
//   int32 magic, int32 version;
//   Args: 12 int32 (dim, ws, epoch, minCount, neg, wordNgrams, loss, model,
//         bucket, minn, maxn, lrUpdateRate) and a double (t);
//   Dictionary: int32 size, nwords, nlabels; int64 ntokens, pruneidx_size;
//         size x (NUL-terminated word, int64 count, int8 type);
//         pruneidx_size x (int32, int32);
//   bool quant_input; input matrix; bool qout; output matrix, where
//   DenseMatrix = int64 m, int64 n, float[m*n] and
//   QuantMatrix = bool qnorm, int64 m, int64 n, int32 codesize,
//         uint8[codesize], PQ, and if qnorm: uint8[m], PQ;
//   PQ = int32 dim, nsubq, dsub, lastdsub, float[dim * 256].
namespace {
// What the walk learned about one matrix, for the consistency checks.
struct mat_info {
    bool quant = false, qnorm = false;
    int64_t m = 0, n = 0;
    int32_t codesize = 0;
    int32_t pq[4] = {0, 0, 0, 0};  // dim, nsubq, dsub, lastdsub
    int32_t npq[4] = {0, 0, 0, 0}; // the norm quantizer's (qnorm)
};

struct walker {
    std::istream &in;
    long long size;
    std::string why;
    bool get(void *p, size_t n)
    {
        if (!in.read(static_cast<char *>(p), (std::streamsize)n)) {
            why = "the file is truncated";
            return false;
        }
        return true;
    }
    bool skip(long long n)
    {
        long long pos = (long long)in.tellg();
        if (n < 0 || pos < 0 || n > size - pos) {
            why = "the file is truncated";
            return false;
        }
        in.seekg(n, std::ios::cur);
        return true;
    }
    bool pq(int32_t d[4])
    {
        if (!get(d, 4 * sizeof(int32_t)))
            return false;
        if (d[0] <= 0 || d[0] > 100000 || d[1] <= 0 || d[2] <= 0 || d[3] < 0) {
            why = "implausible product quantizer sizes (corrupt file)";
            return false;
        }
        return skip((long long)d[0] * 256 * (long long)sizeof(float));
    }
    bool matrix(bool quant, mat_info &mi)
    {
        mi.quant = quant;
        if (!quant) {
            int64_t mn[2];
            if (!get(mn, sizeof mn))
                return false;
            if (mn[0] < 0 || mn[1] < 0 || mn[1] > 100000 || mn[0] > size) {
                why = "implausible matrix sizes (corrupt file)";
                return false;
            }
            mi.m = mn[0], mi.n = mn[1];
            return skip(mn[0] * mn[1] * (long long)sizeof(float));
        }
        uint8_t qnorm;
        int64_t mn[2];
        int32_t codesize;
        if (!get(&qnorm, 1) || !get(mn, sizeof mn) || !get(&codesize, sizeof codesize))
            return false;
        if (qnorm > 1 || mn[0] < 0 || mn[1] < 0 || mn[0] > size || codesize < 0) {
            why = "implausible quantized matrix sizes (corrupt file)";
            return false;
        }
        mi.qnorm = qnorm != 0, mi.m = mn[0], mi.n = mn[1], mi.codesize = codesize;
        if (!skip(codesize) || !pq(mi.pq))
            return false;
        if (qnorm && (!skip(mn[0]) || !pq(mi.npq)))
            return false;
        return true;
    }
};

// fastText trusts the numbers in a file: a dimension that disagrees with a
// matrix, a row count that is not the vocabulary plus the hash buckets, or a
// quantizer that does not cover the dimension makes its code divide by zero,
// assert, or read and free outside its arrays. Each field is checked against
// the others here; the message names the one that disagrees.
static bool check_matrix(const mat_info &mi, const char *which, int32_t dim, int64_t rows,
                         const char *rows_what, std::string &why)
{
    std::string w(which);
    if (mi.n != dim) {
        why = w + " matrix has " + std::to_string(mi.n) + " columns but the header's dim is " +
              std::to_string(dim);
        return false;
    }
    if (mi.m != rows) {
        why = w + " matrix has " + std::to_string(mi.m) + " rows, expected " +
              std::to_string(rows) + " (" + rows_what + ")";
        return false;
    }
    if (!mi.quant)
        return true;
    const int32_t *q = mi.pq;
    if (q[0] != dim) {
        why = w + " quantizer's dim is " + std::to_string(q[0]) + " but the header's dim is " +
              std::to_string(dim);
        return false;
    }
    // fastText's own rule: nsubq = ceil(dim / dsub), lastdsub = the remainder or dsub.
    int32_t dsub = q[2];
    int32_t nsubq = dim / dsub + (dim % dsub ? 1 : 0);
    int32_t lastdsub = dim % dsub ? dim % dsub : dsub;
    if (dsub > dim) {
        why = w + " quantizer's dsub (" + std::to_string(dsub) + ") exceeds dim (" +
              std::to_string(dim) + ")";
        return false;
    }
    if (q[1] != nsubq) {
        why = w + " quantizer's nsubq is " + std::to_string(q[1]) + ", expected " +
              std::to_string(nsubq) + " for dim " + std::to_string(dim) + " and dsub " +
              std::to_string(dsub);
        return false;
    }
    if (q[3] != lastdsub) {
        why = w + " quantizer's lastdsub is " + std::to_string(q[3]) + ", expected " +
              std::to_string(lastdsub);
        return false;
    }
    if ((int64_t)mi.codesize != mi.m * nsubq) {
        why = w + " matrix has " + std::to_string(mi.codesize) + " codes, expected rows x nsubq = " +
              std::to_string(mi.m * nsubq);
        return false;
    }
    if (mi.qnorm && (mi.npq[0] != 1 || mi.npq[1] != 1 || mi.npq[2] != 1 || mi.npq[3] != 1)) {
        why = w + " matrix's norm quantizer is not 1-dimensional";
        return false;
    }
    return true;
}
} // namespace

// fastText builds a hierarchical-softmax model's tree at load
// (HierarchicalSoftmaxLoss::buildTree) by merging the two smallest counts,
// assuming the counts sorted as it writes them, then walks each leaf's
// parents. Counts a corrupt file leaves unsorted (or at 1e15, its "not yet
// built" mark) make it merge a node not yet built: a parent loop the walk
// never leaves, growing a path until memory runs out. The same merges are
// replayed here; the tree is sound when every merged node was built before
// (a parent always comes after its children) and the paths stay small.
static bool huffman_tree_is_sound(const std::vector<int64_t> &counts)
{
    const size_t osz = counts.size();
    if (osz < 2)
        return true;
    const int64_t unbuilt = 1000000000000000LL; // fastText's initial count
    std::vector<int64_t> count(2 * osz - 1, unbuilt);
    std::vector<int64_t> parent(2 * osz - 1, -1);
    for (size_t i = 0; i < osz; i++)
        count[i] = counts[i];
    int64_t leaf = (int64_t)osz - 1, node = (int64_t)osz;
    for (int64_t i = (int64_t)osz; i < (int64_t)(2 * osz - 1); i++) {
        int64_t mini[2];
        for (int j = 0; j < 2; j++) {
            if (leaf >= 0 && count[leaf] < count[node])
                mini[j] = leaf--;
            else
                mini[j] = node++;
            if (mini[j] >= i)
                return false; // not built yet
        }
        // fastText adds in int64_t; wrap as it does in practice
        count[i] = (int64_t)((uint64_t)count[mini[0]] + (uint64_t)count[mini[1]]);
        parent[mini[0]] = i;
        parent[mini[1]] = i;
    }
    // the depth of every node from the root down: the paths fastText stores
    std::vector<uint32_t> depth(2 * osz - 1, 0);
    uint64_t total = 0;
    for (int64_t x = (int64_t)(2 * osz - 3); x >= 0; x--) {
        if (parent[x] < 0)
            return false; // a node outside the tree
        depth[x] = depth[parent[x]] + 1;
        if (x < (int64_t)osz)
            total += depth[x];
    }
    return total <= (uint64_t)1 << 24;
}

static bool check_file(std::istream &in, long long fsize, std::string &why)
{
    walker w{in, fsize, ""};
    int32_t h[2];
    if (fsize < (long long)sizeof h) {
        why = "file too short for a fastText header";
        return false;
    }
    if (!w.get(h, sizeof h))
        return why = w.why, false;
    if (h[0] != 793712314) {
        why = "bad magic number (not a fastText .bin/.ftz file)";
        return false;
    }
    if (h[1] < 11 || h[1] > 12) {
        why = "unsupported fastText file version " + std::to_string(h[1]);
        return false;
    }
    int32_t a[12];
    double t;
    int32_t d[3];
    int64_t d2[2];
    if (!w.get(a, sizeof a) || !w.get(&t, sizeof t) || !w.get(d, sizeof d) ||
        !w.get(d2, sizeof d2)) {
        why = "truncated header";
        return false;
    }
    int32_t dim = a[0], word_ngrams = a[5], loss = a[6], model = a[7], bucket = a[8],
            minn = a[9], maxn = a[10];
    if (dim <= 0 || dim > 100000 || loss < 1 || loss > 4 || model < 1 || model > 3 ||
        bucket < 0 || bucket > 100000000 || minn < 0 || maxn < 0 || minn > 64 || maxn > 64) {
        why = "implausible model arguments in the header (corrupt file)";
        return false;
    }
    // Character n-grams and word n-grams are hashed modulo bucket.
    if (bucket == 0 && (maxn > 0 || word_ngrams > 1)) {
        why = "bucket is 0 but the model hashes " +
              std::string(maxn > 0 ? "character" : "word") + " n-grams into buckets";
        return false;
    }
    int32_t size = d[0], nwords = d[1], nlabels = d[2];
    int64_t prune = d2[1];
    if (size < 0 || nwords < 0 || nlabels < 0 || (long long)nwords + nlabels != size ||
        (long long)size > fsize || d2[0] < 0 || prune < -1 || prune > fsize) {
        why = "implausible dictionary sizes in the header (corrupt file)";
        return false;
    }
    if (model == 3 /* supervised */ && nlabels == 0) {
        why = "a classifier with no labels (nlabels is 0)";
        return false;
    }
    std::streambuf *sb = in.rdbuf();
    std::vector<int64_t> targets; // the counts fastText's loss is built from
    for (int32_t i = 0; i < size; i++) {
        int c;
        long len = 0;
        while ((c = sb->sbumpc()) != 0) {
            if (c == std::char_traits<char>::eof()) {
                why = "the file is truncated (in the dictionary)";
                return false;
            }
            if (++len > 1000000) {
                why = "implausible dictionary entry (corrupt file)";
                return false;
            }
        }
        int64_t count;
        int8_t type;
        if (!w.get(&count, sizeof count) || !w.get(&type, sizeof type))
            return why = w.why, false;
        if (type != 0 && type != 1) {
            why = "bad dictionary entry type (corrupt file)";
            return false;
        }
        // fastText keeps words first, then labels, and indexes them so.
        if (type != (i < nwords ? 0 : 1)) {
            why = "dictionary entry " + std::to_string(i) + " is a " +
                  (type ? "label" : "word") + " but nwords is " + std::to_string(nwords);
            return false;
        }
        if (loss == 1 /* hs */ && type == (model == 3 ? 1 : 0))
            targets.push_back(count);
    }
    if (loss == 1 && !huffman_tree_is_sound(targets)) {
        why = "the counts of the dictionary do not make a hierarchical-softmax tree (corrupt "
              "file)";
        return false;
    }
    // A pruned model maps each kept bucket to a row after the words.
    for (int64_t i = 0; i < prune; i++) {
        int32_t pr[2];
        if (!w.get(pr, sizeof pr))
            return why = w.why, false;
        if (pr[0] < 0 || (bucket > 0 && pr[0] >= bucket) || pr[1] < 0 || pr[1] >= prune) {
            why = "pruned bucket index out of range (corrupt file)";
            return false;
        }
    }
    uint8_t quant_input, qout;
    mat_info min, mout;
    if (!w.get(&quant_input, 1) || quant_input > 1)
        return why = w.why.empty() ? "bad matrix flag (corrupt file)" : w.why, false;
    if (!w.matrix(quant_input, min))
        return why = w.why, false;
    if (!w.get(&qout, 1) || qout > 1)
        return why = w.why.empty() ? "bad matrix flag (corrupt file)" : w.why, false;
    if (!w.matrix(quant_input && qout, mout))
        return why = w.why, false;
    if ((long long)in.tellg() != fsize) {
        why = "trailing bytes after the model (corrupt file)";
        return false;
    }
    int64_t in_rows = (int64_t)nwords + (prune >= 0 ? prune : (int64_t)bucket);
    if (!check_matrix(min, "the input", dim, in_rows,
                      prune >= 0 ? "nwords + pruned buckets" : "nwords + bucket", why))
        return false;
    int64_t out_rows = model == 3 ? nlabels : nwords;
    return check_matrix(mout, "the output", dim, out_rows, model == 3 ? "nlabels" : "nwords", why);
}

// Read the arrays the fast path needs (the file has passed check_file).
// Any layout it does not handle (pruned dictionary, word n-grams > 1, a loss
// other than softmax, a quantized output matrix) leaves it off: fastText's
// own predictLine is used then.
template <typename T> static bool rd(std::istream &in, T *p, size_t n = 1)
{
    return (bool)in.read(reinterpret_cast<char *>(p), (std::streamsize)(sizeof(T) * n));
}

static bool rd_pq(std::istream &in, int32_t &dim, int32_t &nsubq, int32_t &dsub,
                  int32_t &lastdsub, std::vector<float> &cent)
{
    int32_t d[4];
    if (!rd(in, d, 4))
        return false;
    dim = d[0], nsubq = d[1], dsub = d[2], lastdsub = d[3];
    cent.resize((size_t)dim * 256);
    return rd(in, cent.data(), cent.size());
}

static void load_fast(pp_fasttext *m)
{
    ft_fast &f = m->fast;
    f.ok = false;
    mem_buf buf(m->bytes.p, m->bytes.n);
    std::istream in(&buf);
    int32_t h[2], a[12], d[3];
    double t;
    int64_t d2[2];
    if (!rd(in, h, 2) || !rd(in, a, 12) || !rd(in, &t) || !rd(in, d, 3) || !rd(in, d2, 2))
        return;
    f.dim = a[0];
    int32_t word_ngrams = a[5], loss = a[6];
    f.bucket = a[8], f.minn = a[9], f.maxn = a[10];
    f.nwords = d[1];
    int32_t size = d[0];
    if (word_ngrams > 1 || loss != 3 /* softmax */ || d2[1] >= 0)
        return;
    std::streambuf *sb = in.rdbuf();
    for (int32_t i = 0; i < size; i++) {
        while (sb->sbumpc() > 0) {
        }
        char skip[9];
        if (!rd(in, skip, 9))
            return;
    }
    uint8_t qin, qout;
    if (!rd(in, &qin))
        return;
    f.quant = qin != 0;
    if (f.quant) {
        uint8_t qn;
        int64_t mn[2];
        int32_t codesize, pdim;
        if (!rd(in, &qn) || !rd(in, mn, 2) || !rd(in, &codesize))
            return;
        f.qnorm = qn != 0;
        f.rows = mn[0];
        if (mn[1] != f.dim)
            return;
        f.codes = reinterpret_cast<const uint8_t *>(m->bytes.p) + (size_t)in.tellg();
        if (!in.seekg(codesize, std::ios::cur) ||
            !rd_pq(in, pdim, f.nsubq, f.dsub, f.lastdsub, f.cent))
            return;
        if (pdim != f.dim || f.nsubq <= 0 || (int64_t)codesize != f.rows * f.nsubq ||
            (int64_t)(f.nsubq - 1) * f.dsub + f.lastdsub != f.dim)
            return;
        if (f.qnorm) {
            int32_t nd, nn, nds, nl;
            f.ncodes = reinterpret_cast<const uint8_t *>(m->bytes.p) + (size_t)in.tellg();
            if (!in.seekg(f.rows, std::ios::cur) ||
                !rd_pq(in, nd, nn, nds, nl, f.ncent) || nd != 1)
                return;
        }
    } else {
        int64_t mn[2];
        if (!rd(in, mn, 2) || mn[1] != f.dim)
            return;
        f.rows = mn[0];
        f.in.resize((size_t)(mn[0] * mn[1]));
        if (!rd(in, f.in.data(), f.in.size()))
            return;
    }
    if (!rd(in, &qout) || (f.quant && qout))
        return;
    int64_t mn[2];
    if (!rd(in, mn, 2) || mn[1] != f.dim || mn[0] != (int64_t)m->labels.size())
        return;
    f.osz = (int32_t)mn[0];
    std::vector<float> out((size_t)(mn[0] * mn[1]));
    if (!rd(in, out.data(), out.size()))
        return;
    f.opad = (f.osz + 7) / 8 * 8;
    f.outT.assign((size_t)f.opad * (size_t)f.dim, 0.0f);
    for (int64_t i = 0; i < mn[0]; i++)
        for (int64_t j = 0; j < mn[1]; j++)
            f.outT[(size_t)(j * f.opad + i)] = out[(size_t)(i * mn[1] + j)];
    if (f.rows != (int64_t)f.nwords + f.bucket)
        return;
    f.eos = m->dict->getId(fasttext::Dictionary::EOS);
    f.hidden.resize((size_t)f.dim);
    f.ckey.assign(ft_fast::kCache, 0);
    f.cn.assign(ft_fast::kCache, -1);
    f.cvec.assign(ft_fast::kCache * (size_t)f.dim, 0.0f);
    f.output.resize((size_t)f.opad);
    f.prob.resize((size_t)f.osz);
    if (f.bucket > 0)
        f.bucket_m = UINT64_MAX / (uint32_t)f.bucket + 1;
    f.ok = !std::getenv("PP_FASTTEXT_SLOW"); // for comparing the two paths
}

typedef float v8f __attribute__((vector_size(32)));

static inline uint32_t fnv_step(uint32_t h, char c)
{
    return (h ^ uint32_t(int8_t(c))) * 16777619u;
}

static inline bool ft_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

static inline uint32_t bucket_of(const ft_fast &f, uint32_t h)
{
    uint64_t low = f.bucket_m * h;
    return (uint32_t)(((unsigned __int128)low * (uint32_t)f.bucket) >> 64);
}

// Input rows of one token, as Dictionary::getLine / addSubwords give them.
static void token_rows(ft_fast &f, const fasttext::Dictionary &dict, const char *w, size_t n)
{
    f.word.assign(w, n);
    uint32_t hw = 2166136261u;
    for (size_t i = 0; i < n; i++)
        hw = fnv_step(hw, w[i]);
    int32_t wid = f.nwords > 0 ? dict.getId(f.word, hw) : -1;
    if (wid >= 0) {
        if (dict.getType(wid) != fasttext::entry_type::word)
            return;
        const std::vector<int32_t> &sw = dict.getSubwords(wid);
        f.ids.insert(f.ids.end(), sw.begin(), sw.end());
        return;
    }
    if (n >= 9 && std::memcmp(w, "__label__", 9) == 0)
        return; // a label token, not a word
    if (f.bucket <= 0 || f.maxn <= 0)
        return;
    // character n-grams of "<" word ">", counted in UTF-8 characters
    f.word.insert(f.word.begin(), '<');
    f.word.push_back('>');
    const char *s = f.word.data();
    size_t len = f.word.size();
    for (size_t i = 0; i < len; i++) {
        if ((s[i] & 0xC0) == 0x80)
            continue;
        uint32_t hh = 2166136261u;
        for (size_t j = i, k = 1; j < len && k <= (size_t)f.maxn; k++) {
            hh = fnv_step(hh, s[j++]);
            while (j < len && (s[j] & 0xC0) == 0x80)
                hh = fnv_step(hh, s[j++]);
            if (k >= (size_t)f.minn && !(k == 1 && (i == 0 || j == len)))
                f.ids.push_back(f.nwords + (int32_t)bucket_of(f, hh));
        }
    }
}

// o = W_out hid over the transposed, padded matrix, eight labels at a time
// (each o[i] sums its terms in fastText's order); AVX2 where the CPU has it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__) // ifunc
__attribute__((target_clones("avx2", "default")))
#endif
static void output_layer(const float *outT, int32_t opad, const float *hid, int32_t dim, float *o)
{
    for (int32_t i = 0; i < opad; i += 8) {
        v8f acc = {0, 0, 0, 0, 0, 0, 0, 0};
        const float *col = outT + i;
        for (int32_t j = 0; j < dim; j++) {
            v8f b;
            std::memcpy(&b, col + (size_t)j * opad, sizeof b);
            acc += b * hid[j];
        }
        std::memcpy(o + i, &acc, sizeof acc);
    }
}

// Add the input rows ids[0..n) to x (fetching rows ahead: they are random).
// Quantized rows with 2-dimensional sub-vectors (fastText's default) are
// summed a sub-vector at a time over up to 64 rows, in registers; each x[j]
// still adds the rows in order.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__) // ifunc
__attribute__((target_clones("avx2", "default")))
#endif
static void add_rows(const ft_fast &f, const int32_t *ids, size_t n, float *__restrict x)
{
    const int32_t dim = f.dim;
    if (f.quant && f.dsub == 2 && f.lastdsub == 2) {
        const float *cent = f.cent.data();
        const uint8_t *cp[64];
        int32_t rid[64];
        float al[64];
        for (size_t t0 = 0; t0 < n;) {
            size_t m = 0;
            for (; t0 < n && m < 64; t0++) {
                int32_t id = ids[t0];
                if (id < 0 || id >= f.rows)
                    continue;
                rid[m] = id;
                cp[m] = f.codes + (size_t)id * f.nsubq;
                __builtin_prefetch(cp[m]);
                if (f.qnorm)
                    __builtin_prefetch(f.ncodes + id);
                m++;
            }
            for (size_t r = 0; r < m; r++)
                al[r] = f.qnorm ? f.ncent[f.ncodes[rid[r]]] : 1.0f;
            int32_t q = 0;
            // Four sub-vectors (eight components) at a time in one vector
            // register: a centroid pair is 8 bytes, four of them one v8f.
            for (; q + 4 <= f.nsubq; q += 4) {
                const float *c0 = cent + (size_t)q * 512;
                v8f acc;
                std::memcpy(&acc, x + 2 * q, sizeof acc);
                for (size_t r = 0; r < m; r++) {
                    const uint8_t *code = cp[r] + q;
                    uint64_t pr[4];
                    std::memcpy(&pr[0], c0 + (size_t)code[0] * 2, 8);
                    std::memcpy(&pr[1], c0 + 512 + (size_t)code[1] * 2, 8);
                    std::memcpy(&pr[2], c0 + 1024 + (size_t)code[2] * 2, 8);
                    std::memcpy(&pr[3], c0 + 1536 + (size_t)code[3] * 2, 8);
                    v8f b;
                    std::memcpy(&b, pr, sizeof b);
                    acc += b * al[r];
                }
                std::memcpy(x + 2 * q, &acc, sizeof acc);
            }
            for (; q < f.nsubq; q++) {
                const float *cq = cent + (size_t)q * 256 * 2;
                float x0 = x[2 * q], x1 = x[2 * q + 1];
                for (size_t r = 0; r < m; r++) {
                    const float *c = cq + (size_t)cp[r][q] * 2;
                    x0 += al[r] * c[0];
                    x1 += al[r] * c[1];
                }
                x[2 * q] = x0;
                x[2 * q + 1] = x1;
            }
        }
        return;
    }
    for (size_t t = 0; t < n; t++) {
        int32_t id = ids[t];
        if (t + 8 < n && ids[t + 8] >= 0 && ids[t + 8] < f.rows) {
            int32_t nx = ids[t + 8];
            if (f.quant) {
                __builtin_prefetch(f.codes + (size_t)nx * f.nsubq);
                if (f.qnorm)
                    __builtin_prefetch(f.ncodes + nx);
            } else {
                __builtin_prefetch(f.in.data() + (size_t)nx * dim);
            }
        }
        if (id < 0 || id >= f.rows)
            continue;
        if (!f.quant) {
            const float *r = f.in.data() + (size_t)id * dim;
            for (int32_t j = 0; j < dim; j++)
                x[j] += r[j];
            continue;
        }
        float alpha = f.qnorm ? f.ncent[f.ncodes[(size_t)id]] : 1.0f;
        const uint8_t *code = f.codes + (size_t)id * f.nsubq;
        const float *cent = f.cent.data();
        const int32_t dsub = f.dsub, last = f.nsubq - 1;
        if (dsub == 2) { // the usual case (fastText's default)
            for (int32_t q = 0; q < last; q++) {
                const float *c = cent + ((size_t)q * 256 + code[q]) * 2;
                x[2 * q] += alpha * c[0];
                x[2 * q + 1] += alpha * c[1];
            }
        } else {
            for (int32_t q = 0; q < last; q++) {
                const float *c = cent + ((size_t)q * 256 + code[q]) * dsub;
                for (int32_t j = 0; j < dsub; j++)
                    x[q * dsub + j] += alpha * c[j];
            }
        }
        const float *c = cent + (size_t)last * 256 * dsub + (size_t)code[last] * f.lastdsub;
        for (int32_t j = 0; j < f.lastdsub; j++)
            x[last * dsub + j] += alpha * c[j];
    }
}

// x += v, eight components at a time (each component's sum in the same order).
static inline void add_vec(float *__restrict x, const float *__restrict v, int32_t dim)
{
    int32_t j = 0;
    for (; j + 8 <= dim; j += 8) {
        v8f a, b;
        std::memcpy(&a, x + j, sizeof a);
        std::memcpy(&b, v + j, sizeof b);
        a += b;
        std::memcpy(x + j, &a, sizeof a);
    }
    for (; j < dim; j++)
        x[j] += v[j];
}

// The k best labels of a softmax output, chosen and ordered as fastText's
// SoftmaxLoss::computeOutput and Loss::findKBest do it, so that near and exact
// ties come out in fastText's order: each probability is exp() in double
// rounded to float (expf can round otherwise), divided by the float sum; a
// label is ranked by log(p + 1e-5) rounded to float (probabilities that differ
// can share that key), and the keys go through the same heap (std::push_heap
// and friends, a min-heap on the key) and std::sort_heap. Ranking by logit, as
// an earlier version did, put exact key ties in index order and gave another
// order than `fasttext predict` on weakly trained models.
static bool key_greater(const std::pair<float, int32_t> &l, const std::pair<float, int32_t> &r)
{
    return l.first > r.first;
}

static int best_k(ft_fast &f, const float *o, int k, float threshold, pp_ft_prediction *preds,
                  const std::vector<std::string> &labels)
{
    const int32_t osz = f.osz;
    float mx = o[0];
    for (int32_t i = 0; i < osz; i++)
        mx = std::max(o[i], mx);
    float *e = f.prob.data();
    float z = 0.0f;
    for (int32_t i = 0; i < osz; i++) {
        e[i] = (float)std::exp((double)(o[i] - mx));
        z += e[i];
    }
    if (k > osz)
        k = osz;
    std::vector<std::pair<float, int32_t>> &heap = f.heap;
    heap.clear();
    // Once the heap is full, a label whose p + 1e-5 is under `below` has a
    // key under the heap's smallest (below is exp of the float just under
    // it): its logarithm is not needed.
    double below = 0.0;
    for (int32_t i = 0; i < osz; i++) {
        const bool full = (int)heap.size() == k;
        float p = e[i] / z;
        if (p < threshold)
            continue;
        double x = (double)p + 1e-5;
        if (full && x < below)
            continue;
        float key = (float)std::log(x);
        if (full && key < heap.front().first)
            continue;
        heap.push_back(std::make_pair(key, i));
        std::push_heap(heap.begin(), heap.end(), key_greater);
        if ((int)heap.size() > k) {
            std::pop_heap(heap.begin(), heap.end(), key_greater);
            heap.pop_back();
        }
        if ((int)heap.size() == k)
            below = std::exp((double)std::nextafter(heap.front().first, -HUGE_VALF));
    }
    std::sort_heap(heap.begin(), heap.end(), key_greater);
    int n = 0;
    for (const auto &h : heap) {
        const std::string &lab = labels[(size_t)h.second];
        size_t ll = std::min(lab.size(), sizeof preds[n].label - 1);
        std::memcpy(preds[n].label, lab.data(), ll);
        preds[n].label[ll] = '\0';
        preds[n].prob = std::exp(h.first); // as predictLine reports it (in float)
        n++;
    }
    return n;
}

// The same answer without an exp() in double per label, when the order is
// certain: fastText's key is a non-decreasing function of the logit, so where
// the logits of the k + 1 best are far enough apart that their keys differ by
// more than the rounding can bridge (and than the word cache's last bits can
// move a logit, see ft_fast), ranking by logit gives fastText's order. Close
// logits, or probabilities so small that log(p + 1e-5) hardly moves, return
// -1: best_k decides, on fastText's own hidden vector (exact_output). The
// probabilities reported here are computed with a sum of expf()s, which can
// differ from fastText's in a float's last bits.
static int quick_k(ft_fast &f, const float *o, int k, float threshold, pp_ft_prediction *preds,
                   const std::vector<std::string> &labels)
{
    const int32_t osz = f.osz;
    if (threshold > 0.0f || k > 63)
        return -1;
    float mx = o[0];
    for (int32_t i = 1; i < osz; i++)
        mx = std::max(o[i], mx);
    float z = 0;
    for (int32_t i = 0; i < osz; i++) {
        float d = o[i] - mx;
        if (d > -30.0f)
            z += std::exp(d);
    }
    // the k + 1 best logits (ties: the lower index first)
    int n = 0, kk = k + 1;
    int idx[64];
    for (int32_t i = 0; i < osz; i++) {
        if (n == kk && o[i] <= o[idx[n - 1]])
            continue;
        int j = n < kk ? n++ : n - 1;
        while (j > 0 && o[idx[j - 1]] < o[i]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    // Keys differ when the logits do by more than about 4e-6 (p + 1e-5) / p
    // (a float's rounding of the key, of p and of its exp); the word cache
    // moved probabilities by a few 1e-6 (relative) on the texts measured. The
    // margin covers both many times over; a larger logit gets a larger one.
    for (int i = 0; i + 1 < n; i++) {
        const float oa = o[idx[i]], ob = o[idx[i + 1]];
        double pb = std::exp((double)(ob - mx)) / z;
        if (!(pb > 0.0))
            return -1;
        double margin = (1e-4 + 1e-5 * std::max(std::fabs(oa), std::fabs(ob))) * (pb + 1e-5) / pb;
        if (!((double)(oa - ob) > margin))
            return -1;
    }
    if (n > k)
        n = k;
    for (int i = 0; i < n; i++) {
        float p = (float)std::exp((double)(o[idx[i]] - mx)) / z;
        float key = (float)std::log((double)p + 1e-5);
        const std::string &lab = labels[(size_t)idx[i]];
        size_t ll = std::min(lab.size(), sizeof preds[i].label - 1);
        std::memcpy(preds[i].label, lab.data(), ll);
        preds[i].label[ll] = '\0';
        preds[i].prob = std::exp(key);
    }
    return n;
}

// The output layer again, on the hidden vector fastText computes: every
// input row added to it in the line's order (the word cache adds a word's
// rows together first, which can move the last bit of a probability and so
// the order of labels whose keys nearly tie). For best_k, on the tokens
// fast_predict has split.
static void exact_output(ft_fast &f, const fasttext::Dictionary &dict, float *o)
{
    float *hid = f.hidden.data();
    std::fill(f.hidden.begin(), f.hidden.end(), 0.0f);
    size_t nrows = 0;
    for (const ft_fast::tok &t : f.toks) {
        f.ids.clear();
        token_rows(f, dict, t.p, t.n);
        add_rows(f, f.ids.data(), f.ids.size(), hid);
        nrows += f.ids.size();
    }
    if (f.eos >= 0) {
        add_rows(f, &f.eos, 1, hid);
        nrows++;
    }
    float inv = (float)(1.0 / (double)nrows);
    for (int32_t j = 0; j < f.dim; j++)
        hid[j] *= inv;
    output_layer(f.outT.data(), f.opad, hid, f.dim, o);
}

static int fast_predict(pp_fasttext *m, const char *text, int k, float threshold,
                        pp_ft_prediction *preds)
{
    ft_fast &f = m->fast;
    const fasttext::Dictionary &dict = *m->dict;
    const int32_t dim = f.dim;
    float *__restrict hid = f.hidden.data();
    std::fill(f.hidden.begin(), f.hidden.end(), 0.0f);
    // The tokens first, so that each one's cache slot can be fetched a few
    // tokens ahead (the cache is larger than the CPU's).
    f.toks.clear();
    for (const char *p = text; *p;) {
        while (*p && ft_space(*p))
            p++;
        const char *e = p;
        while (*e && !ft_space(*e))
            e++;
        if (e == p)
            break;
        size_t n = (size_t)(e - p);
        // A word's rows sum to the same vector every time: keep the sums of
        // recent words (text repeats its words), keyed by a 64-bit hash.
        uint64_t key = 14695981039346656037ull;
        for (size_t i = 0; i < n; i++)
            key = (key ^ (uint8_t)p[i]) * 1099511628211ull;
        key ^= n;
        f.toks.push_back({p, n, key});
        p = e;
    }
    enum { AHEAD = 4 };
    const size_t ntok = f.toks.size();
    size_t nrows = 0;
    for (size_t t = 0; t < ntok; t++) {
        if (t + AHEAD < ntok) {
            uint64_t k2 = f.toks[t + AHEAD].key;
            size_t s2 = (size_t)(k2 ^ (k2 >> 29)) & (ft_fast::kCache - 1);
            __builtin_prefetch(&f.ckey[s2]);
            __builtin_prefetch(&f.cn[s2]);
            const float *v2 = f.cvec.data() + s2 * (size_t)dim;
            for (int32_t j = 0; j < dim; j += 16)
                __builtin_prefetch(v2 + j);
        }
        const uint64_t key = f.toks[t].key;
        size_t slot = (size_t)(key ^ (key >> 29)) & (ft_fast::kCache - 1);
        float *__restrict v = f.cvec.data() + slot * (size_t)dim;
        if (f.ckey[slot] != key || f.cn[slot] < 0) {
            f.ids.clear();
            token_rows(f, dict, f.toks[t].p, f.toks[t].n);
            std::fill(v, v + dim, 0.0f);
            add_rows(f, f.ids.data(), f.ids.size(), v);
            f.ckey[slot] = key;
            f.cn[slot] = (int32_t)f.ids.size();
        }
        add_vec(hid, v, dim);
        nrows += (size_t)f.cn[slot];
    }
    if (f.eos >= 0) { // the end of line fastText reads as a token
        add_rows(f, &f.eos, 1, hid);
        nrows++;
    }
    if (nrows == 0)
        return 0;
    float inv = (float)(1.0 / (double)nrows);
    for (int32_t j = 0; j < dim; j++)
        hid[j] *= inv;
    float *o = f.output.data();
    // output = W_out hidden, as one axpy per hidden component over the
    // transposed matrix: each o[i] sums its terms in fastText's order, and the
    // loop over labels vectorizes.
    output_layer(f.outT.data(), f.opad, hid, dim, o);
    int n = quick_k(f, o, k, threshold, preds, m->labels);
    if (n >= 0)
        return n;
    exact_output(f, dict, o);
    return best_k(f, o, k, threshold, preds, m->labels);
}

// Map the file (read it when it cannot be mapped, e.g. a pipe).
static bool map_file(const char *path, model_bytes &b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *p = mmap(nullptr, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            close(fd);
            b.p = static_cast<const char *>(p), b.n = (size_t)st.st_size, b.mapped = true;
            return true;
        }
    }
    char chunk[65536];
    ssize_t r;
    while ((r = read(fd, chunk, sizeof chunk)) > 0)
        b.copy.insert(b.copy.end(), chunk, chunk + r);
    close(fd);
    if (r < 0)
        return false;
    b.p = b.copy.data(), b.n = b.copy.size();
    return true;
}

extern "C" pp_status pp_fasttext_load(const char *path, pp_fasttext **out, pp_error *err)
{
    *out = nullptr;
    try {
        auto m = std::make_unique<pp_fasttext>();
        if (!map_file(path, m->bytes))
            return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open model file");
        mem_buf buf(m->bytes.p, m->bytes.n);
        std::istream in(&buf);
        std::string why;
        if (!check_file(in, (long long)m->bytes.n, why))
            return pp_error_set(err, PP_ERR_MODEL, path, 0, "not a valid fastText model: %s",
                                why.c_str());
        // The arguments and the dictionary, as FastText::loadModel(istream&)
        // reads them (after the magic and version).
        in.clear();
        in.seekg(2 * sizeof(int32_t), std::ios::beg);
        m->args = std::make_shared<fasttext::Args>();
        m->args->load(in);
        m->dict = std::make_shared<fasttext::Dictionary>(m->args, in);
        if (in.fail())
            return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                "not a valid fastText model: the file is truncated");
        if (m->args->model != fasttext::model_name::sup)
            return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                "not a supervised (classification) fastText model");
        collect_labels(m.get());
        load_fast(m.get());
        if (!m->fast.ok) { // fastText's own predictLine will serve it
            in.clear();
            in.seekg(2 * sizeof(int32_t), std::ios::beg);
            m->ft.loadModel(in);
            if (in.fail())
                return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                    "not a valid fastText model: the file is truncated");
            if (in.peek() != std::char_traits<char>::eof())
                return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                    "not a valid fastText model: trailing bytes after the model");
        }
        *out = m.release();
        return PP_OK;
    } catch (const std::bad_alloc &) {
        return pp_error_set(err, PP_ERR_MODEL, path, 0,
                            "not a valid fastText model (corrupt or truncated file)");
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, path, 0, "not a valid fastText model: %s", e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, path, 0, "not a valid fastText model");
    }
}

extern "C" pp_status pp_fasttext_train(const pp_ft_train_opts *o, pp_fasttext **out, pp_error *err)
{
    if (out)
        *out = nullptr;
    try {
        std::ifstream probe(o->input);
        if (!probe.good())
            return pp_error_set(err, PP_ERR_IO, o->input, 0, "cannot open training file");
        probe.close();
        // fastText hashes n-grams modulo bucket (a division by zero otherwise).
        if (o->bucket <= 0 && (o->maxn > 0 || o->word_ngrams > 1))
            return pp_error_set(err, PP_ERR_INVALID, o->input, 0,
                                "bucket must be at least 1 when the model uses n-grams");
        fasttext::Args a;
        a.input = o->input;
        a.output = o->output;
        a.model = fasttext::model_name::sup;
        a.loss = fasttext::loss_name::softmax;
        a.dim = o->dim;
        a.epoch = o->epoch;
        a.lr = o->lr;
        a.minn = o->minn;
        a.maxn = o->maxn;
        a.wordNgrams = o->word_ngrams;
        a.minCount = o->min_count;
        a.bucket = o->bucket;
        a.thread = o->threads > 0 ? o->threads : 1;
        a.seed = o->seed;
        a.verbose = 0;
        auto m = std::make_unique<pp_fasttext>();
        m->ft.train(a);
        std::string prefix(o->output);
        if (o->quantize) {
            fasttext::Args q = a;
            q.qout = o->qout != 0;
            q.retrain = false;
            q.cutoff = (size_t)o->cutoff;
            q.dsub = o->dsub > 0 ? o->dsub : 2;
            q.qnorm = true;
            m->ft.quantize(q);
            m->ft.saveModel(prefix + ".ftz");
        } else {
            m->ft.saveModel(prefix + ".bin");
        }
        m->dict = m->ft.getDictionary(); // predictions go through fastText's predictLine
        collect_labels(m.get());
        if (out)
            *out = m.release();
        return PP_OK;
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, o->input, 0, "fastText training failed: %s", e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, o->input, 0, "fastText training failed");
    }
}

extern "C" pp_status pp_fasttext_predict(pp_fasttext *m, const char *text, int k, float threshold,
                                         pp_ft_prediction *preds, int *n, pp_error *err)
{
    *n = 0;
    if (k <= 0)
        return PP_OK;
    try {
        if (m->fast.ok) {
            *n = fast_predict(m, text, k, threshold, preds);
            return PP_OK;
        }
        std::string line(text);
        for (char &c : line)
            if (c == '\n' || c == '\r')
                c = ' ';
        line.push_back('\n');
        std::istringstream in(line);
        std::vector<std::pair<fasttext::real, std::string>> out;
        m->ft.predictLine(in, out, k, threshold);
        int count = 0;
        for (auto &p : out) {
            if (count >= k)
                break;
            std::string lab = strip_prefix(p.second);
            std::snprintf(preds[count].label, sizeof preds[count].label, "%s", lab.c_str());
            preds[count].prob = p.first;
            count++;
        }
        *n = count;
        return PP_OK;
    } catch (const std::exception &e) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "fastText prediction failed: %s", e.what());
    } catch (...) {
        return pp_error_set(err, PP_ERR_MODEL, nullptr, 0, "fastText prediction failed");
    }
}

extern "C" int pp_fasttext_nlabels(const pp_fasttext *m)
{
    return m ? (int)m->labels.size() : 0;
}

extern "C" const char *pp_fasttext_label(const pp_fasttext *m, int i)
{
    if (!m || i < 0 || (size_t)i >= m->labels.size())
        return nullptr;
    return m->labels[(size_t)i].c_str();
}

extern "C" void pp_fasttext_free(pp_fasttext *m)
{
    delete m;
}
