/* train_util.c — helpers of the training commands (train_util.h). */
#include "config.h"
#include "align/train_util.h"

#include <errno.h>
#include <sys/stat.h>
#include <time.h>

double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int mkdir_p(const char *dir)
{
    struct stat sb;
    if (stat(dir, &sb) == 0)
        return S_ISDIR(sb.st_mode) ? 0 : -1;
    return mkdir(dir, 0777) == 0 || errno == EEXIST ? 0 : -1;
}
