/* ranks.h - breadth-first exploration of a keyed network across processes
 * (ranks), the search of workers.h with messages instead of shared memory
 * (doc/DISTRIBUTED.md). Every rank loaded the same script and compiled the
 * same network; each owns the keys whose hash names it (keyset_owner),
 * expands its share of a level in rounds and hands the successors others
 * own to a transport, a RankLink, which every rank calls together (a
 * bulk-synchronous exchange: headers to all, keys to their owners). What a
 * cursor cannot expand yet is learnt between levels by every rank, the
 * same keys in the same order (rank 0's first), so the networks, their
 * component numbering and their keys stay alike on every rank. Levels end
 * when no rank has anything left to expand or to learn; the decision
 * (found, limit, watch, no new state) is read from the headers, the same
 * on every rank.
 * With a specification (WorkSpec: refinement), a state is a pair (node of
 * its normal form, key), owned by the pair's hash; a node not worked out
 * yet is learnt as a key is, by every rank in the same order, so every
 * rank numbers the nodes alike (each builds the same normal form).
 * The result is decided, as on threads, when the order of visits cannot
 * matter: the whole space explored, a limit at a level's end, the watch.
 * A failure (a deadlock; a pair the specification rejects: a divergence,
 * an acceptance, a trace) is WORK_FAILED with the first failure one
 * process meets, the counts at it and its trace, worked out across the
 * ranks; a divergence of deadlock or divergence freedom is WORK_FOUND:
 * the caller explores again on one process (every rank alike) for the
 * counterexample and its counts.
 * The transport is not here: mpilink.c makes one from MPI (cspi-mpi); the
 * unit tests make one from threads. Depends on workers.h, keyset.h and
 * watch.h.
 */
#ifndef CSP_RANKS_H
#define CSP_RANKS_H

#include "watch.h"
#include "workers.h"

/* The words of the header every rank sends every other one per exchange. */
enum { RANKS_HDR_WORDS = 6 };

typedef struct RankLink RankLink;
struct RankLink {
    unsigned rank, size;    /* this process, and how many there are (1..) */
    /* Every rank calls it together. Sends hdr (RANKS_HDR_WORDS words) to
     * every rank and n_out[r] keys out[r] to rank r; receives every rank's
     * header into hdr_in (size * RANKS_HDR_WORDS words, by rank) and what
     * each sent here into *in (by rank, rank 0's first; n_in[r] from rank
     * r; owned by the link, valid until the next call). false when the
     * transport failed (then every later call fails too). */
    bool (*exchange)(RankLink *l, const uint64_t *hdr, uint64_t *const *out, const uint32_t *n_out,
                     uint64_t *hdr_in, const uint64_t **in, uint32_t *n_in);
    void *ctx;
};

/* ---- one exchange of a search, for the explorers across ranks (ranks.c,
 * and detwork.c's determinism) ---- */

/* What a rank says in its header. */
typedef struct {
    unsigned flags;             /* the explorer's own flags */
    int stop;                   /* its watch's stop (WatchStop; 0: none) */
    uint64_t stored, trans;     /* its counts */
    uint64_t aux;               /* a word of the explorer's (summed and least) */
} RankSay;

/* What every rank said, read alike on every rank. */
typedef struct {
    unsigned flags;             /* every rank's flags, or'ed */
    int stop;                   /* the first rank's stop that is one (0: none) */
    bool mismatch;              /* a rank was not exploring (it ended its unit: ranks_end_unit) */
    uint64_t stored, trans;     /* the sums */
    uint64_t aux_min, aux_sum;
} RankHeard;

/* A rank's end of the exchanges: what it sends, what came. */
typedef struct {
    RankLink *link;
    uint64_t **out;             /* by rank: the words for it (set before each exchange) */
    uint32_t *n_out;
    uint64_t *hdr_in;
    uint32_t *n_in;             /* by rank: the words that came from it */
    const uint64_t *in;         /* what came, rank 0's first (owned by the link) */
    uint64_t n_in_all;          /* their sum */
    RankHeard heard;
} RankPort;

void ranks_port_open(RankPort *p, RankLink *link);
void ranks_port_close(RankPort *p);
/* Every rank calls it together: say to every rank, p->n_out[r] words
 * p->out[r] to rank r; then p->in and p->heard. false when the transport
 * failed. */
bool ranks_port_exchange(RankPort *p, const RankSay *say);
/* The aux word rank r said in the last exchange. */
uint64_t ranks_port_said(const RankPort *p, unsigned r);

/* Explores net from its initial state on every rank of link (each calls it
 * together with the same network and options; o->workers is not used:
 * one thread per rank). The watch's stop on any rank stops every rank, and
 * is set in each rank's watch, so all report the same limit. st->states
 * and st->transitions are the sums over the ranks; st->bytes this rank's
 * share. */
WorkResult ranks_explore(Net *net, RankLink *link, const WorkOptions *o, Watch *watch, WorkStats *st);

/* At the end of every unit of work (an assertion), every rank calls this
 * with its outcome (a small number, larger is worse); it returns the
 * worst outcome of all the ranks, and is where a rank that did not reach
 * an exploration others are in (a limit met earlier on one rank only)
 * meets them again: they see it and stop. */
int ranks_end_unit(RankLink *link, int outcome, Watch *watch);

#endif
