/* cmd_prefs_variants.c — `prefs synth --variants CODE_A,CODE_B`: preference
 * pairs between two written variants of one language in the bundled UDHR. */
#include "config.h"

#include "corpora-tools/community/cmd_prefs_int.h"
#include "src/cli/cli.h"
#include "src/pp_data.h"

#include <stdio.h>
#include <string.h>

typedef struct sinks {
    pp_writer *train, *eval;
} sinks;

static pp_status put_train(const json_t *r, void *ud, pp_error *err)
{
    return pp_writer_put(((sinks *)ud)->train, r, err);
}

static pp_status put_eval(const json_t *r, void *ud, pp_error *err)
{
    sinks *s = ud;
    return pp_writer_put(s->eval ? s->eval : s->train, r, err);
}

int prefs_synth_variants(const char *cmd, const char *variants, double majority, long seed,
                         const char *udhr, long max_chars, int by_annotators, const char *out,
                         const char *eval_out)
{
    char a[128], path[4096];
    const char *comma = strchr(variants, ',');
    if (!comma || comma == variants || !comma[1] || strchr(comma + 1, ',') ||
        (size_t)(comma - variants) >= sizeof a)
        return cli_usage(cmd, "--variants expects two declaration codes, CODE_A,CODE_B");
    snprintf(a, sizeof a, "%.*s", (int)(comma - variants), variants);
    pp_error e;
    pp_error_clear(&e);
    if (!udhr) {
        if (pp_data_path("eval-sets/udhr/udhr.jsonl.zst", path, sizeof path, &e) != PP_OK)
            return cli_fail(cmd, &e);
        udhr = path;
    }
    pp_prefs_variants_opts o = {udhr,      a,         comma + 1,
                                majority,  (unsigned long long)seed, max_chars,
                                by_annotators ? PP_PREFS_SPLIT_ANNOTATORS : PP_PREFS_SPLIT_PAIRS};
    pp_prefs_variants_counts n;
    sinks s = {NULL, NULL};
    int rc = 0;
    if (pp_writer_open(out, &s.train, &e) != PP_OK ||
        (eval_out && pp_writer_open(eval_out, &s.eval, &e) != PP_OK) ||
        pp_prefs_variants(&o, put_train, put_eval, &s, &n, &e) != PP_OK) {
        rc = cli_fail(cmd, &e);
        pp_writer_abort(s.train);
        pp_writer_abort(s.eval);
        return rc;
    }
    if (pp_writer_close(s.train, &e) != PP_OK)
        rc = cli_fail(cmd, &e);
    if (s.eval && pp_writer_close(s.eval, &e) != PP_OK && rc == 0)
        rc = cli_fail(cmd, &e);
    if (rc == 0 && by_annotators)
        fprintf(stderr,
                "polyphony %s: %s vs %s: %zu training paragraphs judged by both groups, %zu "
                "records (%zu %s-convention, %zu %s-convention: %zu:%zu a paragraph), %zu "
                "evaluation paragraphs x 2 groups; %zu identical and %zu too long left out "
                "(majority %.2f)\n",
                cmd, a, comma + 1, n.train_paragraphs, n.train_a + n.train_b, n.train_a, a,
                n.train_b, comma + 1, n.copies_a, n.copies_b, n.eval_pairs, n.identical,
                n.too_long, majority);
    else if (rc == 0)
        fprintf(stderr,
                "polyphony %s: %s vs %s: %zu training pairs (%zu %s-convention, %zu "
                "%s-convention), %zu evaluation paragraphs x 2 groups; %zu identical and %zu "
                "too long left out (seed %ld, majority %.2f)\n",
                cmd, a, comma + 1, n.train_a + n.train_b, n.train_a, a, n.train_b, comma + 1,
                n.eval_pairs, n.identical, n.too_long, seed, majority);
    return rc;
}
