/* detwork.h - determinism of a keyed network on several threads, or across
 * the ranks of cspi-mpi (DESIGN.md "detwork").
 * The search walks the normal form of the network's process: a node is
 * the set of states the process may be in after a trace, closed under
 * tau, kept as its states' keys in ascending order. Nodes are shared out
 * among the workers by a hash of their keys; each worker owns its part of
 * the visited nodes (the keys of their states in one array, and a hash
 * index), expands the nodes of the current level it owns with its own
 * cursor (its states' transitions; the node's test; each visible event's
 * successor node, tau-closed with the cursor, hashed) and writes each
 * successor into a buffer for its owner, which stores the new ones after
 * the level's barrier. What a cursor cannot expand yet is learnt and
 * expanded between levels on the calling thread.
 * The order is one thread's (check.c's deterministic): breadth first, a
 * node's successors in the order of their events' values (event_order),
 * so that each node keeps its first discoverer (the least pair of its
 * parent's rank in the level before and its place among that parent's
 * successors), and each level is ranked by it before it is expanded. A
 * node fails when it may diverge (divergence asked about) or when one of
 * its stable states refuses an event one of its states can do (the
 * first such event in that order); the search finishes the level of the
 * first failure, then gives the counts one thread had at the least
 * ranked failure and its trace.
 * One thread also numbers every state its normal form meets and stops
 * when they pass max_states ("normalising ... reached more than N
 * states"): the workers count the states of the nodes (with repeats
 * while that is below max_states, then each once: each state's key kept
 * by the worker its hash names), which is what one thread numbers when
 * every node made is expanded, and bound what it may have numbered where
 * it stops; past max_states, one thread decides (DET_ONE_THREAD) and
 * says which limit it meets first.
 * Across ranks (DetOptions.ranks, cspi-mpi) the same search runs with one
 * worker per rank: the nodes a rank's successors name go to their owners
 * in rounds through the RankLink, each level's discoverers are sent to
 * every rank to rank it, what a cursor cannot expand is expanded again by
 * every rank alike (learning the same things in the same order, so the
 * networks stay identical), and the first failure, its counts and trace
 * are agreed on in a few exchanges; where the threads would keep every
 * node's states to count them, the ranks let one process decide.
 * Depends on net.h, event.h, keyset.h, workers.h (WORKERS_MAX), ranks.h
 * and watch.h.
 */
#ifndef CSP_DETWORK_H
#define CSP_DETWORK_H

#include "event.h"
#include "net.h"
#include "ranks.h"
#include "watch.h"

typedef enum {
    DET_HOLDS,          /* every node explored, none failed */
    DET_FAILED,         /* a node failed: the stats have the counts at the first one one
                         * thread meets, its trace and how it failed */
    DET_LIMIT,          /* more than max_states nodes before any failure */
    DET_STOPPED,        /* the watch said stop (Ctrl-C, time, memory) */
    DET_ONE_THREAD      /* one thread must decide: learning met an error, the network stopped
                         * being keyed, or one thread may meet a limit of its own first */
} DetResult;

typedef enum {
    DET_FAIL_DIVERGENCE,    /* the node may diverge (DetOptions.divergence) */
    DET_FAIL_REFUSAL        /* a stable state of the node refuses an event another can do */
} DetFail;

typedef struct {
    unsigned workers;           /* threads, 1..WORKERS_MAX */
    uint64_t max_states;        /* nodes (0: no limit) */
    const EventSet *tau_pri;    /* tau has priority over these (NULL: none) */
    bool divergence;            /* a node that may diverge fails ([FD]) */
    const EventTable *events;   /* the events' values, for their order */
    Watch *watch;               /* NULL: none (across ranks: a stop any rank's watch
                                 * says is set in every rank's) */
    /* Across processes (cspi-mpi): every rank calls detwork_explore
     * together with the same network and options, and explores on one
     * thread its share of the nodes (owned by their hash among the ranks;
     * workers is not used); NULL: on threads. */
    RankLink *ranks;
    /* Called between levels on the calling thread (NULL: not called). */
    void (*progress)(void *ctx, uint64_t states, uint64_t transitions);
    void *ctx;
} DetOptions;

typedef struct {
    uint64_t states, transitions;   /* nodes visited and their successors, as one thread counts */
    uint32_t levels;
    size_t bytes;               /* the visited nodes' memory at the end */
    uint32_t *trace;            /* DET_FAILED: the events on the way (malloc'd) */
    uint32_t trace_len;
    DetFail fail;               /* DET_FAILED: how */
    uint32_t event;             /* DET_FAIL_REFUSAL: the event performed then refused */
} DetStats;

/* Explores the normal form of net's process from its initial state on
 * o->workers threads (the calling thread is worker 0 and learns for
 * all). net is left with what was learnt. */
DetResult detwork_explore(Net *net, const DetOptions *o, DetStats *st);

#endif
