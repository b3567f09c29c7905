/* audit_axis.c — "nice" chart axes (ticks at 1, 2 or 5 x 10^k) and plain
 * number formatting for the audit's outputs. */
#include "config.h"
#include "eval-sets/audit/audit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void audit_nice_axis(double lo, double hi, int target, audit_axis *ax)
{
    if (!isfinite(lo) || !isfinite(hi) || hi < lo) {
        lo = 0;
        hi = 1;
    }
    if (hi == lo) {
        double d = lo == 0 ? 1 : fabs(lo) * 0.1;
        lo -= d;
        hi += d;
    }
    if (target < 1)
        target = 1;
    double raw = (hi - lo) / target, p = pow(10, floor(log10(raw))), f = raw / p;
    double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    ax->lo = floor(lo / step + 1e-9) * step;
    ax->hi = ceil(hi / step - 1e-9) * step;
    ax->step = step;
    ax->n = (int)llround((ax->hi - ax->lo) / step) + 1;
}

void audit_fmt_num(char *buf, size_t cap, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, cap, "-");
        return;
    }
    double a = fabs(v);
    if (v == floor(v) || a >= 1e4) {
        snprintf(buf, cap, "%.0f", v);
        return;
    }
    /* 4 significant digits as a plain decimal */
    int dec = a >= 1 ? 4 - 1 - (int)floor(log10(a)) : 3 - (int)floor(log10(a));
    if (dec < 0)
        dec = 0;
    if (dec > 12)
        dec = 12;
    snprintf(buf, cap, "%.*f", dec, v);
    if (strchr(buf, '.')) { /* no trailing zeros */
        size_t n = strlen(buf);
        while (n > 1 && buf[n - 1] == '0')
            buf[--n] = '\0';
        if (buf[n - 1] == '.')
            buf[n - 1] = '\0';
    }
}
