/* train_util.h — small pieces the training commands share (train, align). */
#ifndef TRAIN_UTIL_H
#define TRAIN_UTIL_H

/* Seconds of a monotonic clock. */
double now_s(void);

/* Create DIR when missing (one level); 0 when it exists as a directory. */
int mkdir_p(const char *dir);

#endif
