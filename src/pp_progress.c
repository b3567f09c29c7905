/* pp_progress.c — a one-line progress display, redrawn a few times a second. */
#include "config.h"
#include "src/pp_progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pp_progress {
    FILE *fp;
    char label[64];
    char unit[32];
    long items;
    long bytes;
    double start, last;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

pp_progress *pp_progress_new(FILE *stream, const char *label, const char *unit)
{
    pp_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->fp = stream;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "");
    snprintf(p->unit, sizeof p->unit, "%s", unit ? unit : "items");
    p->start = p->last = now();
    return p;
}

static void draw(pp_progress *p, double t, int final)
{
    double el = t - p->start;
    double mb = (double)p->bytes / 1e6;
    fprintf(p->fp, "\r%s: %ld %s, %.1f MB, %.1f s, %.1f MB/s%s", p->label, p->items, p->unit, mb,
            el, el > 0 ? mb / el : 0.0, final ? "\n" : "\033[K");
    fflush(p->fp);
}

void pp_progress_add(pp_progress *p, long items, long bytes)
{
    if (!p)
        return;
    p->items += items;
    p->bytes += bytes;
    if (!p->fp || (p->items & 255) != 0)
        return;
    double t = now();
    if (t - p->last >= 0.25) {
        p->last = t;
        draw(p, t, 0);
    }
}

void pp_progress_done(pp_progress *p)
{
    if (!p)
        return;
    if (p->fp)
        draw(p, now(), 1);
    free(p);
}
