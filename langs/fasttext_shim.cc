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
}

extern "C" pp_status pp_fasttext_load(const char *path, pp_fasttext **out, pp_error *err)
{
    *out = nullptr;
    try {
        // fastText's loadModel does not check for a missing file cleanly.
        std::ifstream probe(path, std::ios::binary);
        if (!probe.good())
            return pp_error_set(err, PP_ERR_IO, path, 0, "cannot open model file");
        probe.close();
        auto m = std::make_unique<pp_fasttext>();
        m->ft.loadModel(std::string(path));
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
            q.qout = true;
            q.retrain = false;
            q.cutoff = (size_t)o->cutoff;
            q.dsub = 2;
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
