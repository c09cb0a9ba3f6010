/* mpilink.c - the ranks' transport over MPI; see mpilink.h. */
#define _POSIX_C_SOURCE 200809L   /* nanosleep */
#include "mpilink.h"

#include "arena.h"

#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Per pair of ranks: the header, then the number of keys that follow. */
enum { PAIR_WORDS = RANKS_HDR_WORDS + 1 };
/* A rank waiting for the others tests its exchange this many times, then
 * sleeps WAIT_NS between tests: on a machine with more ranks than idle
 * cores, a rank that spins takes the core from the rank it waits for. */
enum { SPIN_TESTS = 2000, WAIT_NS = 20000 };

typedef struct {
    uint64_t *pairs_out, *pairs_in;     /* size * PAIR_WORDS each */
    int *n_send, *at_send, *n_recv, *at_recv;
    uint64_t *send, *recv;
    size_t cap_send, cap_recv;
    bool broken;
} Link;

/* Waits for a nonblocking collective; false if it failed. */
static bool wait_for(MPI_Request *rq)
{
    for (unsigned spins = 0;; spins++) {
        int done = 0;
        if (MPI_Test(rq, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return false;
        if (done) return true;
        if (spins >= SPIN_TESTS) nanosleep(&(struct timespec){ 0, WAIT_NS }, NULL);
    }
}

static bool exchange(RankLink *l, const uint64_t *hdr, uint64_t *const *out, const uint32_t *n_out,
                     uint64_t *hdr_in, const uint64_t **in, uint32_t *n_in)
{
    Link *k = l->ctx;
    unsigned n = l->size;
    if (k->broken) return false;
    size_t total = 0;
    for (unsigned r = 0; r < n; r++) {
        memcpy(k->pairs_out + (size_t)r * PAIR_WORDS, hdr, RANKS_HDR_WORDS * sizeof *hdr);
        k->pairs_out[(size_t)r * PAIR_WORDS + RANKS_HDR_WORDS] = n_out[r];
        total += n_out[r];
    }
    MPI_Request rq;
    if (MPI_Ialltoall(k->pairs_out, PAIR_WORDS, MPI_UINT64_T, k->pairs_in, PAIR_WORDS, MPI_UINT64_T,
                      MPI_COMM_WORLD, &rq) != MPI_SUCCESS || !wait_for(&rq))
        return !(k->broken = true);
    size_t total_in = 0;
    for (unsigned r = 0; r < n; r++) {
        memcpy(hdr_in + (size_t)r * RANKS_HDR_WORDS, k->pairs_in + (size_t)r * PAIR_WORDS,
               RANKS_HDR_WORDS * sizeof *hdr_in);
        n_in[r] = (uint32_t)k->pairs_in[(size_t)r * PAIR_WORDS + RANKS_HDR_WORDS];
        total_in += n_in[r];
    }
    /* MPI counts and displacements are ints (2^31 keys: 16 GB in one
     * exchange, far more than a round of ranks.c sends). */
    if (total > INT_MAX || total_in > INT_MAX) return !(k->broken = true);
    if (total > k->cap_send) k->send = xrealloc(k->send, (k->cap_send = 2 * total) * sizeof *k->send);
    if (total_in > k->cap_recv) k->recv = xrealloc(k->recv, (k->cap_recv = 2 * total_in) * sizeof *k->recv);
    int at = 0, at_in = 0;
    for (unsigned r = 0; r < n; r++) {
        if (n_out[r]) memcpy(k->send + at, out[r], n_out[r] * sizeof *k->send);
        k->n_send[r] = (int)n_out[r];
        k->at_send[r] = at;
        at += (int)n_out[r];
        k->n_recv[r] = (int)n_in[r];
        k->at_recv[r] = at_in;
        at_in += (int)n_in[r];
    }
    if (MPI_Ialltoallv(k->send, k->n_send, k->at_send, MPI_UINT64_T, k->recv, k->n_recv, k->at_recv,
                       MPI_UINT64_T, MPI_COMM_WORLD, &rq) != MPI_SUCCESS || !wait_for(&rq))
        return !(k->broken = true);
    *in = k->recv;
    return true;
}

bool mpilink_open(int *argc, char ***argv, RankLink *l)
{
    int provided, rank, size;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS ||
        provided < MPI_THREAD_SERIALIZED) {
        fprintf(stderr, "cspi: error: MPI could not start (with calls from one thread at a time)\n");
        return false;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    Link *k = xcalloc(1, sizeof *k);
    k->pairs_out = xcalloc((size_t)size * PAIR_WORDS, sizeof *k->pairs_out);
    k->pairs_in = xcalloc((size_t)size * PAIR_WORDS, sizeof *k->pairs_in);
    k->n_send = xcalloc((size_t)size, sizeof(int));
    k->at_send = xcalloc((size_t)size, sizeof(int));
    k->n_recv = xcalloc((size_t)size, sizeof(int));
    k->at_recv = xcalloc((size_t)size, sizeof(int));
    *l = (RankLink){ .rank = (unsigned)rank, .size = (unsigned)size, .exchange = exchange, .ctx = k };
    return true;
}

void mpilink_close(RankLink *l)
{
    Link *k = l->ctx;
    if (k) {
        free(k->pairs_out);
        free(k->pairs_in);
        free(k->n_send);
        free(k->at_send);
        free(k->n_recv);
        free(k->at_recv);
        free(k->send);
        free(k->recv);
        free(k);
    }
    l->ctx = NULL;
    MPI_Finalize();
}
