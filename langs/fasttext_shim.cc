// fasttext_shim.cc — the C face of libfasttext. Every call is wrapped in
// try/catch: fastText reports bad files and arguments by throwing (and a few
// paths by calling exit(), which we avoid by checking inputs first).
#include "config.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fasttext/args.h>
#include <fasttext/fasttext.h>

extern "C" {
#include "pp_fasttext.h"
}

struct pp_fasttext {
    fasttext::FastText ft;
    std::vector<std::string> labels; // without "__label__"
};

static const std::string kPrefix = "__label__";

static std::string strip_prefix(const std::string &l)
{
    return l.compare(0, kPrefix.size(), kPrefix) == 0 ? l.substr(kPrefix.size()) : l;
}

static void collect_labels(pp_fasttext *m)
{
    auto dict = m->ft.getDictionary();
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
    bool pq()
    {
        int32_t d[4];
        if (!get(d, sizeof d))
            return false;
        if (d[0] <= 0 || d[0] > 100000 || d[1] <= 0 || d[2] <= 0 || d[3] < 0) {
            why = "implausible product quantizer sizes (corrupt file)";
            return false;
        }
        return skip((long long)d[0] * 256 * (long long)sizeof(float));
    }
    bool matrix(bool quant)
    {
        if (!quant) {
            int64_t mn[2];
            if (!get(mn, sizeof mn))
                return false;
            if (mn[0] < 0 || mn[1] < 0 || mn[1] > 100000 || mn[0] > size) {
                why = "implausible matrix sizes (corrupt file)";
                return false;
            }
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
        if (!skip(codesize) || !pq())
            return false;
        if (qnorm && (!skip(mn[0]) || !pq()))
            return false;
        return true;
    }
};
} // namespace

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
    int32_t dim = a[0], loss = a[6], model = a[7], bucket = a[8], minn = a[9], maxn = a[10];
    if (dim <= 0 || dim > 100000 || loss < 1 || loss > 4 || model < 1 || model > 3 ||
        bucket < 0 || bucket > 100000000 || minn < 0 || maxn < 0 || minn > 64 || maxn > 64) {
        why = "implausible model arguments in the header (corrupt file)";
        return false;
    }
    int32_t size = d[0], nwords = d[1], nlabels = d[2];
    if (size < 0 || nwords < 0 || nlabels < 0 || (long long)nwords + nlabels != size ||
        (long long)size > fsize || d2[0] < 0 || d2[1] < -1 || d2[1] > fsize) {
        why = "implausible dictionary sizes in the header (corrupt file)";
        return false;
    }
    std::streambuf *sb = in.rdbuf();
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
    }
    if (d2[1] > 0 && !w.skip(d2[1] * 2 * (long long)sizeof(int32_t)))
        return why = w.why, false;
    uint8_t quant_input, qout;
    if (!w.get(&quant_input, 1) || quant_input > 1)
        return why = w.why.empty() ? "bad matrix flag (corrupt file)" : w.why, false;
    if (!w.matrix(quant_input))
        return why = w.why, false;
    if (!w.get(&qout, 1) || qout > 1)
        return why = w.why.empty() ? "bad matrix flag (corrupt file)" : w.why, false;
    if (!w.matrix(quant_input && qout))
        return why = w.why, false;
    if ((long long)in.tellg() != fsize) {
        why = "trailing bytes after the model (corrupt file)";
        return false;
    }
    return true;
}

extern "C" pp_status pp_fasttext_load(const char *path, pp_fasttext **out, pp_error *err)
{
    *out = nullptr;
    try {
        std::ifstream in(path, std::ios::binary);
        if (!in.good())
            return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open model file");
        in.seekg(0, std::ios::end);
        long long fsize = (long long)in.tellg();
        in.seekg(0, std::ios::beg);
        std::string why;
        if (!check_file(in, fsize, why))
            return pp_error_set(err, PP_ERR_MODEL, path, 0, "not a valid fastText model: %s",
                                why.c_str());
        // FastText::loadModel(istream&) expects the magic and version read.
        in.clear();
        in.seekg(2 * sizeof(int32_t), std::ios::beg);
        auto m = std::make_unique<pp_fasttext>();
        m->ft.loadModel(in);
        if (in.fail())
            return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                "not a valid fastText model: the file is truncated");
        if (in.peek() != std::char_traits<char>::eof())
            return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                "not a valid fastText model: trailing bytes after the model");
        if (m->ft.getArgs().model != fasttext::model_name::sup)
            return pp_error_set(err, PP_ERR_MODEL, path, 0,
                                "not a supervised (classification) fastText model");
        collect_labels(m.get());
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
