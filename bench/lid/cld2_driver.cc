// cld2_driver.cc — run CLD2 (libcld2, "full" tables) over JSONL records and
// add "cld2" (CLD2's language code, "un" when unknown); prints
// sentences/second (detection only, one thread) on stderr.
// `cld2_driver --languages` lists the codes CLD2 can return.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include <cld2/public/compact_lang_det.h>
#include <cld2/internal/lang_script.h>
#include <jansson.h>

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--languages") == 0) {
        for (int i = 0; i < CLD2::NUM_LANGUAGES; i++)
            std::printf("%s\n", CLD2::LanguageCode(static_cast<CLD2::Language>(i)));
        return 0;
    }
    std::vector<json_t *> recs;
    std::string line;
    while (std::getline(std::cin, line)) {
        json_error_t e;
        json_t *r = json_loads(line.c_str(), 0, &e);
        if (!r) {
            std::fprintf(stderr, "cld2_driver: bad JSON line: %s\n", e.text);
            return 1;
        }
        recs.push_back(r);
    }
    std::vector<const char *> out(recs.size());
    auto t0 = std::chrono::steady_clock::now();
    for (size_t i = 0; i < recs.size(); i++) {
        const char *t = json_string_value(json_object_get(recs[i], "text"));
        if (!t)
            t = "";
        CLD2::Language l3[3];
        int pct[3];
        double ns[3];
        int tb;
        bool rel;
        CLD2::Language l = CLD2::ExtDetectLanguageSummary(t, (int)std::strlen(t), true, nullptr, 0,
                                                         l3, pct, ns, nullptr, &tb, &rel);
        out[i] = CLD2::LanguageCode(l);
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (size_t i = 0; i < recs.size(); i++) {
        json_object_set_new(recs[i], "cld2", json_string(out[i]));
        char *s = json_dumps(recs[i], JSON_COMPACT);
        std::printf("%s\n", s);
        std::free(s);
        json_decref(recs[i]);
    }
    std::fprintf(stderr, "CLD2: %zu sentences in %.3f s = %.1f sentences/s\n", recs.size(), secs,
                 recs.size() / secs);
    return 0;
}
