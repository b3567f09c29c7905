/* fuzz_file.c — scratch files for the fuzz targets (see fuzz.h). */
#include "config.h"
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];

static void cleanup(void)
{
    char cmd[4200];
    if (!*dir)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", dir);
}

static const char *scratch_dir(void)
{
    if (*dir)
        return dir;
    const char *t = getenv("TMPDIR");
    if (!t || !*t)
        t = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof dir, "%s/pp-fuzz-XXXXXX", t);
    if (!mkdtemp(dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(cleanup);
    return dir;
}

const char *fuzz_out_path(const char *suffix)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/out%s", scratch_dir(), suffix);
    return path;
}

const char *fuzz_file(const char *suffix, const uint8_t *data, size_t size)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/in%s", scratch_dir(), suffix);
    FILE *fp = fopen(path, "wb");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0) {
        perror("fuzz: writing the scratch file");
        abort();
    }
    return path;
}

static volatile unsigned char sink;

void fuzz_touch(const void *p, size_t n)
{
    const unsigned char *b = p;
    unsigned char x = 0;
    for (size_t i = 0; b && i < n; i++)
        x ^= b[i];
    sink = x;
}

void fuzz_touch_str(const char *s)
{
    if (s)
        fuzz_touch(s, strlen(s));
}

void fuzz_use_source_data(void)
{
    if (!getenv("POLYPHONY_DATA"))
        setenv("POLYPHONY_DATA", PP_FUZZ_SRCDIR, 0);
}
