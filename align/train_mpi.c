/* train_mpi.c — MPI for data-parallel training, or one rank without it (train_mpi.h). */
#include "config.h"
#include "align/train_mpi.h"

#ifdef HAVE_MPI
#include <mpi.h>
#include <stdlib.h>

/* Launched by mpirun/mpiexec (Open MPI, MPICH/Hydra) or srun (PMI, PMIx)? A plain
 * run stays a single process without MPI_Init. */
static int launched_by_mpi(void)
{
    static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                                 "MPI_LOCALNRANKS"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}
#endif

pp_status train_mpi_init(train_mpi *mp, pp_error *err)
{
    mp->rank = 0;
    mp->size = 1;
    mp->initialized_here = 0;
#ifdef HAVE_MPI
    int done = 0;
    MPI_Initialized(&done);
    if (!done && !launched_by_mpi())
        return PP_OK;
    if (!done) {
        if (MPI_Init(NULL, NULL) != MPI_SUCCESS)
            return pp_error_set(err, PP_ERR_IO, NULL, 0, "MPI_Init failed");
        mp->initialized_here = 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &mp->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mp->size);
#else
    (void)err;
#endif
    return PP_OK;
}

void train_mpi_finish(train_mpi *mp)
{
#ifdef HAVE_MPI
    if (mp->initialized_here)
        MPI_Finalize();
#endif
    mp->initialized_here = 0;
}

void train_mpi_abort(train_mpi *mp, int code)
{
#ifdef HAVE_MPI
    if (mp->size > 1)
        MPI_Abort(MPI_COMM_WORLD, code);
#else
    (void)mp;
    (void)code;
#endif
}

void train_mpi_barrier(train_mpi *mp)
{
#ifdef HAVE_MPI
    if (mp->size > 1)
        MPI_Barrier(MPI_COMM_WORLD);
#else
    (void)mp;
#endif
}

void train_mpi_sum_floats(train_mpi *mp, float *x, size_t n)
{
#ifdef HAVE_MPI
    /* in chunks: MPI counts are int */
    for (size_t off = 0; mp->size > 1 && off < n; off += 1u << 30) {
        size_t c = n - off < (1u << 30) ? n - off : (1u << 30);
        MPI_Allreduce(MPI_IN_PLACE, x + off, (int)c, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    }
#else
    (void)mp;
    (void)x;
    (void)n;
#endif
}

void train_mpi_sum_doubles(train_mpi *mp, double *x, size_t n)
{
#ifdef HAVE_MPI
    if (mp->size > 1)
        MPI_Allreduce(MPI_IN_PLACE, x, (int)n, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
#else
    (void)mp;
    (void)x;
    (void)n;
#endif
}

int train_mpi_any_flag(train_mpi *mp, int flag)
{
#ifdef HAVE_MPI
    if (mp->size > 1) {
        int any = 0;
        MPI_Allreduce(&flag, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        return any;
    }
#else
    (void)mp;
#endif
    return flag;
}
