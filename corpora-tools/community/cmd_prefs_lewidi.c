/* cmd_prefs_lewidi.c — `prefs import|validate|stats --format lewidi`: read
 * LeWiDi items with their annotator metadata, report or reject the bad
 * judgements, write group-conditioned preference records. */
#include "config.h"

#include "corpora-tools/community/cmd_prefs_int.h"
#include "src/cli/cli.h"

#include <stdio.h>
#include <string.h>

/* Each issue to the rejects stream with its reason, or reported on stderr.
 * Returns the number reported on stderr (bad input without --rejects). */
static size_t route_issues(const char *cmd, const json_t *issues, size_t from, pp_writer *rej,
                           int *ok)
{
    size_t nrep = 0;
    for (size_t i = from; i < json_array_size(issues); i++) {
        const json_t *x = json_array_get(issues, i);
        const char *reason = json_string_value(json_object_get(x, "reason"));
        if (rej) {
            json_t *what = json_pack("{s:O,s:O}", "item", json_object_get(x, "item"), "kind",
                                     json_object_get(x, "kind"));
            if (json_object_get(x, "annotator"))
                json_object_set(what, "annotator", json_object_get(x, "annotator"));
            pp_error e;
            pp_error_clear(&e);
            if (pp_reject_put(rej, json_string_value(json_object_get(x, "file")), 0, reason, what,
                              NULL, 0, &e) != PP_OK) {
                cli_fail(cmd, &e);
                *ok = 0;
            }
            json_decref(what);
        } else {
            fprintf(stderr, "polyphony %s: %s\n", cmd, reason);
            nrep++;
        }
    }
    return nrep;
}

int prefs_lewidi_load(const char *cmd, char **files, size_t n, const char *meta,
                      const char *group_by, const char *labels, pp_writer *rej, pp_lewidi **out)
{
    pp_error e;
    pp_error_clear(&e);
    *out = NULL;
    if (pp_lewidi_read((const char *const *)files, n, meta, group_by, labels, out, &e) != PP_OK)
        return cli_fail(cmd, &e);
    int ok = 1;
    size_t bad = route_issues(cmd, pp_lewidi_issues(*out), 0, rej, &ok);
    if (!ok)
        return 1;
    if (bad) {
        fprintf(stderr,
                "polyphony %s: %zu bad %s; fix %s or pass --rejects FILE to set %s aside\n",
                cmd, bad, cli_noun(bad, "judgement or item", "judgements or items"),
                cli_noun(bad, "it", "them"), cli_noun(bad, "it", "them"));
        return 1;
    }
    return 0;
}

static pp_status emit(const json_t *rec, void *ud, pp_error *err)
{
    return pp_writer_put((pp_writer *)ud, rec, err);
}

int prefs_lewidi_import(const char *cmd, pp_lewidi *l, const char *out, pp_writer *rej,
                        const char *rejf)
{
    pp_error e;
    pp_error_clear(&e);
    pp_writer *w = NULL;
    size_t before = json_array_size(pp_lewidi_issues(l)), nrec = 0, nties = 0;
    if (pp_writer_open(out ? out : "-", &w, &e) != PP_OK ||
        pp_lewidi_prefs(l, emit, w, &nrec, &nties, &e) != PP_OK) {
        pp_writer_abort(w);
        return cli_fail(cmd, &e);
    }
    if (pp_writer_close(w, &e) != PP_OK)
        return cli_fail(cmd, &e);
    /* ties are not bad input: set aside with --rejects, else counted */
    int ok = 1;
    if (rej)
        route_issues(cmd, pp_lewidi_issues(l), before, rej, &ok);
    fprintf(stderr, "polyphony %s: %zu %s, %zu preference %s by %s", cmd,
            pp_lewidi_item_count(l), cli_noun(pp_lewidi_item_count(l), "item", "items"), nrec,
            cli_noun(nrec, "record", "records"), pp_lewidi_dimension(l));
    if (nties)
        fprintf(stderr, "; %zu item-group %s tied, left out%s%s", nties,
                cli_noun(nties, "pair", "pairs"), rejf ? " (reasons in " : "", rejf ? rejf : "");
    fprintf(stderr, "%s\n", nties && rejf ? ")" : "");
    return ok ? 0 : 1;
}
