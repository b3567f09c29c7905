/* ingest_txt.c — plain text: a document per line, or (--segment paragraphs)
 * a document per run of non-blank lines. */
#include "config.h"
#include "corpora-tools/sourcing/ingest_private.h"

#include "src/pp_stream.h"

#include <stdio.h>
#include <string.h>

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\f' && s[i] != '\v')
            return 0;
    return 1;
}

static pp_status flush_para(pp_ingest_run *r, pp_buf *b, long first_line, size_t *para,
                            pp_error *err)
{
    if (b->len == 0)
        return PP_OK;
    char id[320];
    ++*para;
    snprintf(id, sizeof id, "%s-p%zu", r->id_stem, *para);
    json_t *meta = json_pack("{s:I}", "line", (json_int_t)first_line);
    pp_status s = pp_ingest_text(r, id, b->s, b->len, NULL, NULL, meta, PP_TEXT_COLLAPSE,
                                 first_line, err);
    b->len = 0;
    return s;
}

pp_status pp_ingest_txt(pp_ingest_run *r, const char *path, pp_error *err)
{
    pp_input *in = NULL;
    pp_status s = pp_input_open(path, &in, err);
    if (s != PP_OK)
        return s;
    int paras = r->o->segment == PP_SEGMENT_PARAGRAPHS;
    pp_buf b = {0};
    size_t para = 0;
    long first = 0;
    const char *line;
    size_t len;
    while ((s = pp_input_getline(in, &line, &len, err)) == PP_OK && line) {
        long lineno = pp_input_lineno(in);
        if (!paras) {
            if (blank(line, len))
                continue; /* empty lines are not documents */
            char id[320];
            snprintf(id, sizeof id, "%s-l%ld", r->id_stem, lineno);
            s = pp_ingest_text(r, id, line, len, NULL, NULL, NULL, PP_TEXT_COLLAPSE, lineno,
                               err);
        } else if (blank(line, len)) {
            s = flush_para(r, &b, first, &para, err);
        } else {
            if (b.len == 0)
                first = lineno;
            else if (!pp_buf_add(&b, "\n", 1))
                s = pp_error_set(err, PP_ERR_NOMEM, r->name, lineno, "out of memory");
            if (s == PP_OK && !pp_buf_add(&b, line, len))
                s = pp_error_set(err, PP_ERR_NOMEM, r->name, lineno, "out of memory");
        }
        if (s != PP_OK)
            break;
    }
    if (s == PP_OK && paras)
        s = flush_para(r, &b, first, &para, err);
    pp_buf_free(&b);
    pp_input_close(in);
    return s;
}
