/* cmd_datasheet.c — `polyphony datasheet`: a datasheet / data statement for a
 * corpus or an instruction or preference set, from the records and the
 * metrics ledger.
 *
 * What can be counted is counted (records, languages and varieties,
 * sources, licenses, scripts, templates and review status, annotators and
 * their groups, per-language losses recorded by filter/dedup/pii). What
 * only the maintainers know is asked: each question is answered from the
 * --answers file or printed as "not stated: <question>" — never guessed. */
#include "config.h"
#include "src/cli/cli.h"
#include "src/pp_record.h"
#include "langs/pp_registry.h"
#include "src/pp_stream.h"
#include "src/pp_text.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *CMD = "datasheet";

void usage_datasheet(FILE *out)
{
    fprintf(out,
            "Usage: polyphony datasheet [OPTIONS] FILE\n"
            "Write a datasheet for a corpus, an instruction set (messages) or a preference set\n"
            "(prompt/chosen/rejected): what the data counts, what the ledger recorded, and the\n"
            "questions only its makers can answer (\"not stated: ...\" until they do).\n"
            "\n"
            "  -l, --ledger FILE     metrics ledger of the pipeline that built the data (repeatable)\n"
            "  -a, --answers FILE    the maintainers' answers: a JSON object {\"question id\": \"answer\"}\n"
            "      --questions FILE  extra questions: a JSON array of {\"id\",\"section\",\"question\"}\n"
            "  -f, --format FMT      md or json on stdout (default md)\n"
            "  -o, --out PREFIX      write PREFIX.md and PREFIX.json instead\n"
            "      --title TEXT      the data set's name (default: the file name)\n"
            "      --strict          stop at the first malformed record (default: report it,\n"
            "                        leave it out of the counts, and exit 1 at the end)\n"
            "  -h, --help            show this help\n"
            "      --list-questions  print the built-in question ids and exit\n"
            "See polyphony-datasheet(1).\n");
}

/* ------------------------------------------------------------ questions */

typedef struct question {
    const char *id, *section, *text;
} question;

/* Datasheets for Datasets (Gebru et al. 2021), data statements (Bender &
 * Friedman 2018), and the value-setting questions surveys of alignment data
 * ask of every data set (whose objectives, who decided, annotators, prompt
 * selection, size, filtering, use, publication). */
static const question QUESTIONS[] = {
    {"motivation.purpose", "Motivation", "For what purpose was the data set created?"},
    {"motivation.creators", "Motivation", "Who created it, on behalf of which community or organisation?"},
    {"motivation.funding", "Motivation", "Who funded its creation?"},
    {"sources.description", "Sources and licenses", "Where does the text come from, and were the sources' terms respected?"},
    {"consent.obtained", "Consent", "Did the people whose language or writing is in the data consent, and how?"},
    {"consent.revocation", "Consent", "Can they withdraw consent or ask for removal, and how?"},
    {"varieties.description", "Languages and varieties", "Which varieties, dialects and registers does the data represent, and who are its speakers?"},
    {"collection.process", "Collection process", "How was the data collected (crawling, donation, translation, elicitation)?"},
    {"collection.timeframe", "Collection process", "Over what time frame was it collected?"},
    {"annotation.process", "Annotation process", "How was the data annotated or written, with which guidelines?"},
    {"filtering.rationale", "Filtering and deduplication", "Which quality notion did the filters apply, and was it checked with speakers of each language?"},
    {"pii.handling", "PII handling", "How was personal information found and handled, and what could not be caught?"},
    {"uses.intended", "Uses", "What is the data intended for?"},
    {"uses.out_of_scope", "Uses", "What should it not be used for?"},
    {"distribution.how", "Distribution", "How is the data distributed, and to whom?"},
    {"distribution.license", "Distribution", "Under which license or terms is it distributed?"},
    {"maintenance.contact", "Distribution", "Who maintains it and how can they be reached?"},
    {"values.objectives", "Value-setting questions", "Which objectives or values does the data encode (e.g. helpfulness, harmlessness, a community's norms)?"},
    {"values.who_chose", "Value-setting questions", "Who chose those objectives, and who was consulted?"},
    {"annotators.selection", "Value-setting questions", "How were annotators or writers selected and paid?"},
    {"annotators.demographics", "Value-setting questions", "What are the annotators' demographics (languages, regions, communities)?"},
    {"prompts.selection", "Value-setting questions", "How were the prompts or source texts selected?"},
    {"size.rationale", "Value-setting questions", "Why this size, and is each language's share deliberate?"},
    {"filtering.values", "Value-setting questions", "What was filtered out, by whose standard, and what did each language lose?"},
    {"use.intended_alignment", "Value-setting questions", "Which models or uses is the data meant to shape?"},
    {"publication", "Value-setting questions", "Is the data published (where, under what terms), and are the guidelines published with it?"},
};

/* ------------------------------------------------------------ counting */

typedef struct sheet {
    const char *kind;
    long records, bad, chars;
    json_t *langs;       /* lang -> {records, chars, varieties{}} */
    json_t *sources, *licenses, *scripts, *templates, *review, *groups, *annotators,
        *guidelines;
    long judgements;
} sheet;

static void bump(json_t *obj, const char *key, long by)
{
    if (!key || !*key)
        key = "(not given)";
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer((v ? json_integer_value(v) : 0) + by));
}

static const char *str_or_meta(const json_t *rec, const char *key)
{
    const char *s = pp_record_str(rec, key);
    if (!s) {
        json_t *m = json_object_get(rec, "meta");
        if (json_is_object(m))
            s = pp_record_str(m, key);
    }
    return s;
}

static long text_chars(const json_t *rec)
{
    long n = 0;
    const char *keys[] = {"text", "prompt", "chosen", "rejected", "completion"};
    for (size_t i = 0; i < 5; i++) {
        json_t *v = json_object_get(rec, keys[i]);
        if (json_is_string(v))
            n += (long)pp_utf8_length(json_string_value(v), json_string_length(v));
    }
    json_t *msgs = json_object_get(rec, "messages");
    size_t k;
    json_t *m;
    if (json_is_array(msgs))
        json_array_foreach(msgs, k, m) {
            json_t *c = json_object_get(m, "content");
            if (json_is_string(c))
                n += (long)pp_utf8_length(json_string_value(c), json_string_length(c));
        }
    return n;
}

static void count_groups(sheet *sh, const json_t *g)
{
    size_t k;
    json_t *v;
    if (json_is_string(g)) {
        bump(sh->groups, json_string_value(g), 1);
    } else if (json_is_array(g)) {
        json_array_foreach(g, k, v) {
            if (json_is_string(v))
                bump(sh->groups, json_string_value(v), 1);
        }
    } else if (json_is_object(g)) {
        const char *key;
        json_object_foreach((json_t *)g, key, v) if (json_is_string(v)) {
            char buf[256];
            snprintf(buf, sizeof buf, "%s=%s", key, json_string_value(v));
            bump(sh->groups, buf, 1);
        }
    }
}

static void count_judgement(sheet *sh, const json_t *j)
{
    const char *a = pp_record_str(j, "annotator");
    if (!a)
        a = pp_record_str(j, "annotator_id");
    if (a) {
        sh->judgements++;
        bump(sh->annotators, a, 1);
    }
    json_t *g = json_object_get(j, "groups");
    if (!g)
        g = json_object_get(j, "group");
    if (g)
        count_groups(sh, g);
    const char *gv = pp_record_str(j, "guideline_version");
    if (!gv)
        gv = pp_record_str(j, "guideline");
    if (gv)
        bump(sh->guidelines, gv, 1);
}

static void count_record(sheet *sh, const json_t *rec)
{
    int is_pref = json_object_get(rec, "chosen") && json_object_get(rec, "rejected");
    int is_pref2 = json_is_array(json_object_get(rec, "responses"));
    int is_inst = json_is_array(json_object_get(rec, "messages")) ||
                  (json_object_get(rec, "prompt") && json_object_get(rec, "completion"));
    const char *kind = is_pref || is_pref2 ? "preference" : is_inst ? "instruction" : "corpus";
    if (!sh->kind)
        sh->kind = kind;
    else if (strcmp(sh->kind, kind) != 0 && strcmp(sh->kind, "mixed") != 0)
        sh->kind = "mixed";
    sh->records++;
    long ch = text_chars(rec);
    sh->chars += ch;
    const char *lang = pp_record_str(rec, "lang");
    if (!lang || !*lang)
        lang = "(no lang)";
    json_t *L = json_object_get(sh->langs, lang);
    if (!L) {
        L = json_pack("{s:i,s:i,s:{}}", "records", 0, "chars", 0, "varieties");
        json_object_set_new(sh->langs, lang, L);
    }
    json_object_set_new(L, "records", json_integer(json_integer_value(json_object_get(L, "records")) + 1));
    json_object_set_new(L, "chars", json_integer(json_integer_value(json_object_get(L, "chars")) + ch));
    const char *var = str_or_meta(rec, "variety");
    if (var)
        bump(json_object_get(L, "varieties"), var, 1);
    bump(sh->sources, str_or_meta(rec, "source"), 1);
    bump(sh->licenses, str_or_meta(rec, "license"), 1);
    const char *script = str_or_meta(rec, "script");
    if (script)
        bump(sh->scripts, script, 1);
    const char *tpl = pp_record_str(rec, "template");
    if (tpl)
        bump(sh->templates, tpl, 1);
    const char *rs = pp_record_str(rec, "review_status");
    if (rs)
        bump(sh->review, rs, 1);
    count_judgement(sh, rec);
    json_t *js = json_object_get(rec, "judgements");
    if (!js)
        js = json_object_get(rec, "judgments");
    size_t k;
    json_t *j;
    if (json_is_array(js))
        json_array_foreach(js, k, j) if (json_is_object(j)) count_judgement(sh, j);
}

/* ------------------------------------------------------------ ledger */

static int read_ledger(const char *path, json_t *rows)
{
    pp_error e;
    pp_reader *rd = NULL;
    if (pp_reader_open(path, &rd, &e) != PP_OK)
        return cli_fail(CMD, &e);
    for (;;) {
        json_t *r = NULL;
        pp_status s = pp_reader_next(rd, &r, &e);
        if (s != PP_OK) {
            pp_reader_close(rd);
            return cli_fail(CMD, &e);
        }
        if (!r)
            break;
        if (!pp_record_str(r, "stage") || !pp_record_str(r, "metric")) {
            pp_error_set(&e, PP_ERR_PARSE, pp_reader_name(rd), pp_reader_lineno(rd),
                         "ledger row without stage or metric");
            json_decref(r);
            pp_reader_close(rd);
            return cli_fail(CMD, &e);
        }
        json_array_append_new(rows, r);
    }
    pp_reader_close(rd);
    return 0;
}

/* Rows a datasheet shows: filter survival (as loss), and every dedup and pii
 * row; rule-level filter rows stay in the JSON only. */
static json_t *ledger_summary(const json_t *rows)
{
    json_t *out = json_object();
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *stage = pp_record_str(r, "stage"), *metric = pp_record_str(r, "metric");
        const char *step = pp_record_str(r, "step");
        if (strcmp(stage, "filter") == 0 && strcmp(metric, "survival") != 0)
            continue;
        json_t *st = json_object_get(out, stage);
        if (!st) {
            st = json_array();
            json_object_set_new(out, stage, st);
        }
        json_t *row = json_object();
        json_object_set_new(row, "step", json_string(step ? step : ""));
        json_object_set(row, "lang", json_object_get(r, "lang"));
        json_object_set_new(row, "metric", json_string(metric));
        json_object_set(row, "value", json_object_get(r, "value"));
        json_object_set(row, "n", json_object_get(r, "n"));
        if (json_object_get(r, "lo"))
            json_object_set(row, "lo", json_object_get(r, "lo"));
        if (json_object_get(r, "hi"))
            json_object_set(row, "hi", json_object_get(r, "hi"));
        json_array_append_new(st, row);
    }
    return out;
}

/* ------------------------------------------------------------ output */

static void md_counts(FILE *o, const char *title, const json_t *obj, long total)
{
    if (!obj || json_object_size(obj) == 0)
        return;
    fprintf(o, "\n| %s | records | share |\n|---|---:|---:|\n", title);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v)
        fprintf(o, "| %s | %lld | %.1f%% |\n", k, (long long)json_integer_value(v),
                total ? 100.0 * (double)json_integer_value(v) / (double)total : 0.0);
}

static void md_answer(FILE *o, const json_t *q)
{
    const char *ans = pp_record_str(q, "answer");
    if (ans)
        fprintf(o, "- **%s** %s\n", pp_record_str(q, "question"), ans);
    else
        fprintf(o, "- not stated: %s\n", pp_record_str(q, "question"));
}

static void md_section_questions(FILE *o, const json_t *qs, const char *section)
{
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q) if (strcmp(pp_record_str(q, "section"), section) == 0)
        md_answer(o, q);
}

/* A number as a reader writes it: integers in full, decimals plain (up to
 * 6 significant digits), never an exponent. Uses one of 4 rotating buffers
 * so a call can appear several times in one printf. */
static const char *plain(double v)
{
    static char bufs[4][64];
    static int k;
    char *b = bufs[k++ & 3];
    if (!isfinite(v))
        return "-";
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(b, 64, "%.0f", v);
        return b;
    }
    double a = fabs(v);
    int dec = a >= 1 ? 6 - 1 - (int)floor(log10(a)) : 5 - (int)floor(log10(a));
    dec = dec < 0 ? 0 : dec > 12 ? 12 : dec;
    snprintf(b, 64, "%.*f", dec, v);
    size_t n = strlen(b);
    while (n > 1 && b[n - 1] == '0')
        b[--n] = '\0';
    if (b[n - 1] == '.')
        b[n - 1] = '\0';
    return b;
}

static double num(const json_t *v) { return json_is_number(v) ? json_number_value(v) : NAN; }

static void write_md(FILE *o, const json_t *doc, const json_t *qs)
{
    const sheet *dummy = NULL;
    (void)dummy;
    const char *title = pp_record_str(doc, "title");
    long records = (long)json_integer_value(json_object_get(doc, "records"));
    fprintf(o, "# Datasheet: %s\n\n", title);
    fprintf(o, "Generated by polyphony datasheet from the records%s. Counts are measured; "
               "everything else is what the maintainers stated, or an open question.\n",
            json_object_size(json_object_get(doc, "ledger")) ? " and the metrics ledger" : "");
    fprintf(o, "\n## Motivation\n\n");
    md_section_questions(o, qs, "Motivation");
    fprintf(o, "\n## Composition\n\n- kind: %s\n- records: %ld\n- characters: %lld\n",
            pp_record_str(doc, "kind"), records,
            (long long)json_integer_value(json_object_get(doc, "characters")));
    long bad = (long)json_integer_value(json_object_get(doc, "malformed_records"));
    if (bad)
        fprintf(o, "- malformed records (not counted above): %ld\n", bad);
    fprintf(o, "\n## Sources and licenses\n");
    md_counts(o, "source", json_object_get(doc, "sources"), records);
    md_counts(o, "license", json_object_get(doc, "licenses"), records);
    fprintf(o, "\n");
    md_section_questions(o, qs, "Sources and licenses");
    fprintf(o, "\n## Consent\n\n");
    md_section_questions(o, qs, "Consent");
    fprintf(o, "\n## Languages and varieties\n\n| language | name | records | share | characters | "
               "varieties |\n|---|---|---:|---:|---:|---|\n");
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(doc, "languages"), k, v) {
        long n = (long)json_integer_value(json_object_get(v, "records"));
        const char *nm = pp_record_str(v, "name");
        fprintf(o, "| %s | %s | %ld | %.1f%% | %lld | ", k, nm ? nm : "", n,
                records ? 100.0 * (double)n / (double)records : 0.0,
                (long long)json_integer_value(json_object_get(v, "chars")));
        const char *vk;
        json_t *vv;
        int first = 1;
        json_object_foreach(json_object_get(v, "varieties"), vk, vv) {
            fprintf(o, "%s%s (%lld)", first ? "" : ", ", vk, (long long)json_integer_value(vv));
            first = 0;
        }
        fprintf(o, "%s |\n", first ? "not stated" : "");
    }
    md_counts(o, "script", json_object_get(doc, "scripts"), records);
    fprintf(o, "\n");
    md_section_questions(o, qs, "Languages and varieties");
    fprintf(o, "\n## Collection process\n\n");
    md_section_questions(o, qs, "Collection process");
    fprintf(o, "\n## Annotation process\n");
    md_counts(o, "template", json_object_get(doc, "templates"), records);
    md_counts(o, "review status", json_object_get(doc, "review_status"), records);
    json_t *ann = json_object_get(doc, "annotators");
    if (json_integer_value(json_object_get(ann, "judgements")) > 0) {
        fprintf(o, "\n- judgements with an annotator id: %lld, distinct annotators: %lld\n",
                (long long)json_integer_value(json_object_get(ann, "judgements")),
                (long long)json_integer_value(json_object_get(ann, "distinct")));
        md_counts(o, "annotator group", json_object_get(ann, "groups"),
                  (long)json_integer_value(json_object_get(ann, "judgements")));
        md_counts(o, "guideline version", json_object_get(ann, "guidelines"),
                  (long)json_integer_value(json_object_get(ann, "judgements")));
    }
    fprintf(o, "\n");
    md_section_questions(o, qs, "Annotation process");
    fprintf(o, "\n## Filtering and deduplication\n\n");
    json_t *lg = json_object_get(doc, "ledger");
    int any = 0;
    json_object_foreach(lg, k, v) {
        if (strcmp(k, "filter") != 0 && strcmp(k, "dedup") != 0)
            continue;
        any = 1;
        int filt = strcmp(k, "filter") == 0;
        fprintf(o, "Stage `%s` (from the ledger%s):\n\n| step | language | metric | value | n | "
                   "95%% interval |\n|---|---|---|---:|---:|---|\n",
                k, filt ? "; loss = 1 - survival" : "");
        size_t i;
        json_t *r;
        json_array_foreach(v, i, r) {
            double val = num(json_object_get(r, "value")), lo = num(json_object_get(r, "lo")),
                   hi = num(json_object_get(r, "hi"));
            const char *lang = pp_record_str(r, "lang");
            if (filt)
                fprintf(o, "| %s | %s | loss | %.3f | %lld | %s%.3f, %.3f%s |\n",
                        pp_record_str(r, "step"), lang ? lang : "", 1.0 - val,
                        (long long)json_integer_value(json_object_get(r, "n")), "[", 1.0 - hi,
                        1.0 - lo, "]");
            else if (isfinite(lo))
                fprintf(o, "| %s | %s | %s | %s | %lld | [%s, %s] |\n", pp_record_str(r, "step"),
                        lang ? lang : "", pp_record_str(r, "metric"), plain(val),
                        (long long)json_integer_value(json_object_get(r, "n")), plain(lo), plain(hi));
            else
                fprintf(o, "| %s | %s | %s | %s | %lld | |\n", pp_record_str(r, "step"),
                        lang ? lang : "", pp_record_str(r, "metric"), plain(val),
                        (long long)json_integer_value(json_object_get(r, "n")));
        }
        fprintf(o, "\n");
    }
    if (!any)
        fprintf(o, "- not stated: no filter or dedup rows in a ledger were given, so the "
                   "per-language losses are unknown\n");
    md_section_questions(o, qs, "Filtering and deduplication");
    fprintf(o, "\n## PII handling\n\n");
    json_t *pii = json_object_get(lg, "pii");
    if (pii) {
        fprintf(o, "| step | language | metric | value | n |\n|---|---|---|---:|---:|\n");
        size_t i;
        json_t *r;
        json_array_foreach(pii, i, r) {
            const char *lang = pp_record_str(r, "lang");
            fprintf(o, "| %s | %s | %s | %s | %lld |\n", pp_record_str(r, "step"),
                    lang ? lang : "", pp_record_str(r, "metric"), plain(num(json_object_get(r, "value"))),
                    (long long)json_integer_value(json_object_get(r, "n")));
        }
        fprintf(o, "\n");
    } else {
        fprintf(o, "- not stated: no pii rows in a ledger were given\n");
    }
    md_section_questions(o, qs, "PII handling");
    int other = 0;
    json_object_foreach(lg, k, v) {
        if (!strcmp(k, "filter") || !strcmp(k, "dedup") || !strcmp(k, "pii"))
            continue;
        if (!other++)
            fprintf(o, "\n## Other pipeline measurements\n");
        fprintf(o, "\nStage `%s` (from the ledger):\n\n| step | language | metric | value | n |\n"
                   "|---|---|---|---:|---:|\n", k);
        size_t i;
        json_t *r;
        json_array_foreach(v, i, r) {
            const char *lang = pp_record_str(r, "lang");
            fprintf(o, "| %s | %s | %s | %s | %lld |\n", pp_record_str(r, "step"),
                    lang ? lang : "", pp_record_str(r, "metric"), plain(num(json_object_get(r, "value"))),
                    (long long)json_integer_value(json_object_get(r, "n")));
        }
    }
    fprintf(o, "\n## Uses\n\n");
    md_section_questions(o, qs, "Uses");
    fprintf(o, "\n## Distribution\n\n");
    md_section_questions(o, qs, "Distribution");
    fprintf(o, "\n## Value-setting questions\n\n");
    size_t nlang = json_object_size(json_object_get(doc, "languages"));
    fprintf(o, "Measured: %ld %s in %zu %s; see the sections above for sizes and losses.\n\n",
            records, cli_noun(records, "record", "records"), nlang,
            cli_noun(nlang, "language", "languages"));
    md_section_questions(o, qs, "Value-setting questions");
    /* extra sections from --questions */
    size_t i;
    json_t *q;
    json_t *seen = json_object();
    static const char *const known[] = {"Motivation", "Sources and licenses", "Consent",
                                        "Languages and varieties", "Collection process",
                                        "Annotation process", "Filtering and deduplication",
                                        "PII handling", "Uses", "Distribution",
                                        "Value-setting questions"};
    for (size_t s = 0; s < sizeof known / sizeof known[0]; s++)
        json_object_set_new(seen, known[s], json_true());
    json_array_foreach(qs, i, q) {
        const char *sec = pp_record_str(q, "section");
        if (json_object_get(seen, sec))
            continue;
        json_object_set_new(seen, sec, json_true());
        fprintf(o, "\n## %s\n\n", sec);
        md_section_questions(o, qs, sec);
    }
    json_decref(seen);
}

static int write_text(const char *path, const char *text, pp_error *e)
{
    pp_output *o = NULL;
    pp_status s = pp_output_open(path, &o, e);
    if (s == PP_OK)
        s = pp_output_write(o, text, strlen(text), e);
    if (s == PP_OK)
        s = pp_output_close(o, e);
    else
        pp_output_abort(o);
    return s == PP_OK ? 0 : 1;
}

/* ------------------------------------------------------------ entry */

int cmd_datasheet(int argc, char **argv)
{
    enum { O_QUESTIONS = 256, O_TITLE, O_LIST };
    static const struct option opts[] = {
        CLI_LONG_LEDGER,                            {"answers", required_argument, NULL, 'a'},
        {"questions", required_argument, NULL, O_QUESTIONS},
        {"format", required_argument, NULL, 'f'},   {"out", required_argument, NULL, 'o'},
        {"title", required_argument, NULL, O_TITLE}, CLI_LONG_STRICT,
        {"list-questions", no_argument, NULL, O_LIST}, CLI_LONG_QUIET, CLI_LONG_HELP,
        {NULL, 0, NULL, 0}};
    const char *ledgers[16], *answers = NULL, *questions = NULL, *format = "md", *out = NULL;
    const char *title = NULL;
    int nledgers = 0, strict = 0, c, cr;
    cli_common co;
    cli_common_init(&co, "datasheet", NULL);
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:a:f:o:" CLI_SHORT_COMMON, opts, NULL)) != -1) {
        switch (c) {
        case 'l': /* -l, and --ledger: repeatable, so kept here */
        case CLI_OPT_LEDGER:
            if (nledgers == 16)
                return cli_usage(CMD, "at most 16 --ledger files");
            ledgers[nledgers++] = optarg;
            break;
        case 'a': answers = optarg; break;
        case O_QUESTIONS: questions = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case O_TITLE: title = optarg; break;
        case O_LIST:
            for (size_t i = 0; i < sizeof QUESTIONS / sizeof QUESTIONS[0]; i++)
                printf("%-26s %s\n", QUESTIONS[i].id, QUESTIONS[i].text);
            return 0;
        default:
            if ((cr = cli_common_opt(&co, c, optarg)) >= 0)
                return cr;
            break;
        }
    }
    strict = co.strict;
    if (strcmp(format, "md") != 0 && strcmp(format, "json") != 0)
        return cli_usage(CMD, "--format expects md or json, not '%s'", format);
    if (argc - optind != 1)
        return cli_usage(CMD, "expects one FILE (the corpus or set to describe)");
    const char *input = argv[optind];
    pp_error e;
    int rc = 0;
    json_t *ans = NULL, *extra = NULL, *rows = json_array(), *qs = json_array(), *doc = NULL;
    json_error_t je;
    sheet sh = {0};
    sh.langs = json_object();
    sh.sources = json_object();
    sh.licenses = json_object();
    sh.scripts = json_object();
    sh.templates = json_object();
    sh.review = json_object();
    sh.groups = json_object();
    sh.annotators = json_object();
    sh.guidelines = json_object();
    if (answers) {
        ans = json_load_file(answers, 0, &je);
        if (!json_is_object(ans)) {
            pp_error_set(&e, PP_ERR_PARSE, answers, ans ? 0 : je.line, "%s",
                         ans ? "answers must be a JSON object {\"id\": \"answer\"}" : je.text);
            rc = cli_fail(CMD, &e);
            goto done;
        }
        const char *k;
        json_t *v;
        json_object_foreach(ans, k, v) if (!json_is_string(v)) {
            pp_error_set(&e, PP_ERR_PARSE, answers, 0, "the answer to '%s' is not a string", k);
            rc = cli_fail(CMD, &e);
            goto done;
        }
    }
    if (questions) {
        extra = json_load_file(questions, 0, &je);
        size_t i;
        json_t *q;
        int okq = json_is_array(extra);
        if (okq)
            json_array_foreach(extra, i, q) if (!pp_record_str(q, "id") ||
                                                !pp_record_str(q, "section") ||
                                                !pp_record_str(q, "question")) okq = 0;
        if (!okq) {
            pp_error_set(&e, PP_ERR_PARSE, questions, extra ? 0 : je.line, "%s",
                         extra ? "questions must be a JSON array of {\"id\",\"section\",\"question\"}"
                               : je.text);
            rc = cli_fail(CMD, &e);
            goto done;
        }
    }
    for (int i = 0; i < nledgers; i++)
        if ((rc = read_ledger(ledgers[i], rows)) != 0)
            goto done;
    /* the records */
    pp_source *rd = NULL;
    const char *const files[] = {input ? input : "-"};
    pp_source_opts so = {files, 1, NULL, NULL, strict, NULL};
    if (pp_source_open(&so, &rd, &e) != PP_OK) {
        rc = cli_fail(CMD, &e);
        goto done;
    }
    for (;;) {
        json_t *rec = NULL;
        pp_status s = pp_source_next(rd, &rec, &e);
        if (s != PP_OK && !pp_reader_can_go_on(s)) { /* the input ends */
            pp_source_close(rd);
            rc = cli_fail(CMD, &e);
            goto done;
        }
        json_t *tx = rec ? json_object_get(rec, "text") : NULL;
        if (s == PP_OK && rec &&
            (tx ? !json_is_string(tx)
                : !json_object_get(rec, "messages") && !json_object_get(rec, "prompt"))) {
            /* not a text record: a bad line like a malformed one */
            s = pp_source_reject(rd, rec,
                                 "record has no \"text\" string (nor \"messages\" or \"prompt\")",
                                 &e);
            json_decref(rec);
            rec = NULL;
        }
        if (s != PP_OK) {
            if (strict) {
                pp_source_close(rd);
                rc = cli_fail(CMD, &e);
                goto done;
            }
            char buf[1700];
            cli_warn(CMD, "%s (not counted)", pp_error_format(&e, buf, sizeof buf));
            continue;
        }
        if (!rec)
            break;
        count_record(&sh, rec);
        json_decref(rec);
    }
    sh.bad = pp_source_bad(rd);
    pp_source_close(rd);
    /* questions with answers */
    for (size_t i = 0; i < sizeof QUESTIONS / sizeof QUESTIONS[0]; i++) {
        json_t *a = ans ? json_object_get(ans, QUESTIONS[i].id) : NULL;
        json_array_append_new(qs, json_pack("{s:s,s:s,s:s,s:O?}", "id", QUESTIONS[i].id,
                                            "section", QUESTIONS[i].section, "question",
                                            QUESTIONS[i].text, "answer",
                                            a && *json_string_value(a) ? a : NULL));
    }
    if (extra) {
        size_t i;
        json_t *q;
        json_array_foreach(extra, i, q) {
            json_t *a = ans ? json_object_get(ans, pp_record_str(q, "id")) : NULL;
            json_array_append_new(qs, json_pack("{s:s,s:s,s:s,s:O?}", "id",
                                                pp_record_str(q, "id"), "section",
                                                pp_record_str(q, "section"), "question",
                                                pp_record_str(q, "question"), "answer",
                                                a && *json_string_value(a) ? a : NULL));
        }
    }
    if (ans) {
        const char *k;
        json_t *v;
        json_object_foreach(ans, k, v) {
            size_t i;
            json_t *q;
            int found = 0;
            json_array_foreach(qs, i, q) found |= strcmp(pp_record_str(q, "id"), k) == 0;
            if (!found)
                cli_warn(CMD, "%s: no question has the id '%s' (see --list-questions)", answers, k);
        }
    }
    {
        size_t i;
        json_t *q;
        json_array_foreach(qs, i, q) if (!json_object_get(q, "answer") ||
                                         json_is_null(json_object_get(q, "answer"))) {
            json_object_del(q, "answer");
            json_object_set_new(q, "status", json_string("not stated"));
        }
        else json_object_set_new(q, "status", json_string("answered"));
    }
    {
        /* reference names from the registry, when it is installed */
        pp_registry *reg = NULL;
        if (pp_registry_open(NULL, &reg, NULL) == PP_OK) {
            const char *k;
            json_t *v;
            json_object_foreach(sh.langs, k, v) {
                const pp_language *l = pp_registry_get(reg, k);
                if (l && l->name) {
                    json_object_set_new(v, "name", json_string(l->name));
                    json_object_set_new(v, "iso639_3", json_string(l->iso639_3));
                }
            }
            pp_registry_free(reg);
        }
    }
    const char *base = strrchr(input, '/');
    doc = json_pack("{s:s,s:s,s:I,s:I,s:I}", "title", title ? title : base ? base + 1 : input,
                    "kind", sh.kind ? sh.kind : "empty", "records", (json_int_t)sh.records,
                    "characters", (json_int_t)sh.chars, "malformed_records", (json_int_t)sh.bad);
    json_object_set(doc, "languages", sh.langs);
    json_object_set(doc, "sources", sh.sources);
    json_object_set(doc, "licenses", sh.licenses);
    json_object_set(doc, "scripts", sh.scripts);
    json_object_set(doc, "templates", sh.templates);
    json_object_set(doc, "review_status", sh.review);
    json_object_set_new(doc, "annotators",
                        json_pack("{s:I,s:I,s:O,s:O}", "judgements", (json_int_t)sh.judgements,
                                  "distinct", (json_int_t)json_object_size(sh.annotators),
                                  "groups", sh.groups, "guidelines", sh.guidelines));
    json_object_set_new(doc, "ledger", ledger_summary(rows));
    json_object_set(doc, "questions", qs);
    if (out || strcmp(format, "json") == 0) {
        char *js = json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS);
        if (!js) {
            rc = 1;
            goto done;
        }
        if (out) {
            size_t n = strlen(out) + 8;
            char *p = malloc(n);
            snprintf(p, n, "%s.json", out);
            size_t jl = strlen(js);
            char *js2 = malloc(jl + 2);
            memcpy(js2, js, jl);
            js2[jl] = '\n';
            js2[jl + 1] = 0;
            if (write_text(p, js2, &e))
                rc = cli_fail(CMD, &e);
            free(js2);
            free(p);
        } else {
            printf("%s\n", js);
        }
        free(js);
    }
    if (!rc && (out || strcmp(format, "md") == 0)) {
        char *buf = NULL;
        size_t blen = 0;
        FILE *m = open_memstream(&buf, &blen);
        if (!m) {
            rc = 1;
            goto done;
        }
        write_md(m, doc, qs);
        fclose(m);
        if (out) {
            size_t n = strlen(out) + 8;
            char *p = malloc(n);
            snprintf(p, n, "%s.md", out);
            if (write_text(p, buf, &e))
                rc = cli_fail(CMD, &e);
            free(p);
        } else {
            fputs(buf, stdout);
        }
        free(buf);
    }
    if (sh.bad) {
        cli_warn(CMD, "%ld malformed records were not counted", sh.bad);
        if (rc == 0)
            rc = 1; /* the datasheet was written, but it does not describe every record */
    }
done:
    json_decref(doc);
    json_decref(ans);
    json_decref(extra);
    json_decref(rows);
    json_decref(qs);
    json_decref(sh.langs);
    json_decref(sh.sources);
    json_decref(sh.licenses);
    json_decref(sh.scripts);
    json_decref(sh.templates);
    json_decref(sh.review);
    json_decref(sh.groups);
    json_decref(sh.annotators);
    json_decref(sh.guidelines);
    return rc;
}
