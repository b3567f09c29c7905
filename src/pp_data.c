/* pp_data.c — locate bundled data files. */
#include "config.h"
#include "src/pp_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifndef PP_DATADIR
#define PP_DATADIR "/usr/local/share/polyphony"
#endif

const char *pp_data_dir(void)
{
    const char *env = getenv("POLYPHONY_DATA");
    return env && *env ? env : PP_DATADIR;
}

pp_status pp_data_path(const char *relpath, char *out, size_t cap, pp_error *err)
{
    const char *dir = pp_data_dir();
    int n = snprintf(out, cap, "%s/%s", dir, relpath);
    if (n < 0 || (size_t)n >= cap)
        return pp_error_set(err, PP_ERR_INVALID, relpath, 0, "data path too long");
    if (access(out, R_OK) != 0)
        return pp_error_set(err, PP_ERR_NOT_FOUND, out, 0,
                            "bundled data file not found (set POLYPHONY_DATA to the data directory)");
    return PP_OK;
}
