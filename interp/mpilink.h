/* mpilink.h - the ranks' transport (ranks.h's RankLink) over MPI, for
 * cspi-mpi only (compiled by mpicc with -DCSPI_MPI; the plain cspi never
 * links it). One exchange is an MPI_Ialltoall of every pair's header and
 * key count, then an MPI_Ialltoallv of the keys, each waited for by
 * testing, then sleeping between tests (a waiting rank leaves its core). Depends on ranks.h (and
 * Open MPI's mpi.h in mpilink.c).
 */
#ifndef CSP_MPILINK_H
#define CSP_MPILINK_H

#include "ranks.h"

/* MPI_Init_thread (MPI calls are made by one thread at a time: the work
 * thread) and the link of MPI_COMM_WORLD into *l; false if MPI could not
 * start (a message on stderr). */
bool mpilink_open(int *argc, char ***argv, RankLink *l);
/* Frees the link's buffers and ends MPI (MPI_Finalize). */
void mpilink_close(RankLink *l);

#endif
