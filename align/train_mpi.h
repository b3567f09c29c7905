/* train_mpi.h — the little of MPI that `polyphony train` uses: ranks, sums over
 * ranks (gradients, loss and target counts) and a barrier. Built without MPI
 * (./configure without --with-mpi) these are the one-rank identities. */
#ifndef PP_TRAIN_MPI_H
#define PP_TRAIN_MPI_H

#include "src/pp_common.h"

#include <stddef.h>

typedef struct train_mpi {
    int rank, size;
    int initialized_here; /* MPI_Init was ours, so MPI_Finalize is too */
} train_mpi;

pp_status train_mpi_init(train_mpi *mp, pp_error *err);
void train_mpi_finish(train_mpi *mp);
void train_mpi_abort(train_mpi *mp, int code);
void train_mpi_barrier(train_mpi *mp);
/* In place: every rank ends with the sum over ranks. */
void train_mpi_sum_floats(train_mpi *mp, float *x, size_t n);
void train_mpi_sum_doubles(train_mpi *mp, double *x, size_t n);
/* 1 when flag is set on any rank (a signal reached one of them). */
int train_mpi_any_flag(train_mpi *mp, int flag);

#endif
