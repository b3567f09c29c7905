/* train_log.h — the --log-json file of `polyphony train` (one JSON object per step). */
#ifndef TRAIN_LOG_H
#define TRAIN_LOG_H

#include <stdio.h>

#include "src/pp_common.h"

/* Open `path` for the rows of a run that starts after update `step`. A fresh run
 * (step 0) truncates the file. A resumed run keeps the rows of steps 1..step and drops
 * the later ones (rows an interrupted run wrote after the checkpoint it resumes
 * from), then appends, so that the file reads as the uninterrupted run's log. A line
 * that is not a row (a JSON object with an integer "step") is an error naming
 * path:line, and the file is left as it was. */
pp_status train_log_open(const char *path, long step, FILE **out, pp_error *err);

#endif
