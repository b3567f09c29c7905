/* cmd_spool.c — copy standard input to a temporary file for two-pass commands. */
#include "config.h"
#include "corpora-tools/cmd_spool.h"
#include "src/pp_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

pp_status cmd_spool_stdin(const char *path, char **tmp, pp_error *err)
{
    *tmp = NULL;
    if (path && strcmp(path, "-") != 0)
        return PP_OK;
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    size_t n = strlen(dir) + 32;
    char *name = malloc(n);
    if (!name)
        return pp_error_set(err, PP_ERR_NOMEM, NULL, 0, "out of memory");
    snprintf(name, n, "%s/polyphony-XXXXXX", dir);
    int fd = mkstemp(name);
    if (fd < 0) {
        pp_error_set(err, PP_ERR_IO, name, 0, "cannot create a temporary file");
        free(name);
        return PP_ERR_IO;
    }
    FILE *f = fdopen(fd, "wb");
    pp_input *in = NULL;
    pp_status s = f ? pp_input_open(NULL, &in, err)
                    : pp_error_set(err, PP_ERR_IO, name, 0, "cannot write a temporary file");
    char buf[1 << 16];
    while (s == PP_OK) {
        size_t got = 0;
        s = pp_input_read(in, buf, sizeof buf, &got, err);
        if (s != PP_OK || got == 0)
            break;
        if (fwrite(buf, 1, got, f) != got)
            s = pp_error_set(err, PP_ERR_IO, name, 0, "cannot write a temporary file");
    }
    pp_input_close(in);
    if (f && fclose(f) != 0 && s == PP_OK)
        s = pp_error_set(err, PP_ERR_IO, name, 0, "cannot write a temporary file");
    if (!f)
        close(fd);
    if (s != PP_OK) {
        unlink(name);
        free(name);
        return s;
    }
    *tmp = name;
    return PP_OK;
}
