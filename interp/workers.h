/* workers.h - breadth-first exploration of a keyed network on several
 * threads (DESIGN.md "Workers").
 * The states are partitioned by a hash of their key among the workers;
 * each owns its part of the visited set (the keys, in the order it met
 * them, and a hash index), expands the states of the current level it
 * owns with its own cursor, keeps the successors it owns and sends the
 * others to their owners in batches of keys. Levels end at a barrier, so
 * the search is breadth-first and stops at the end of the first level
 * where something was found. What a cursor cannot expand yet (a component
 * state or an event met for the first time) is learnt between levels on
 * one thread (net_learn), and expanded there.
 * The result is decided when the whole space was explored (the numbers
 * of states and transitions then do not depend on the order), at a limit
 * at the end of a level, and at a deadlock: the levels up to it are then
 * ranked in the order one thread visits them (each state's first
 * discoverer), which gives the first deadlock one thread meets, the
 * counts at it and its trace. When a divergence is found, the caller
 * explores again on one thread, which gives the counterexample and the
 * counts exactly as they were before workers. A worker looks for a
 * divergence from a state with a tau by a depth-first search of tau paths
 * with its own cursor, remembering what it found by key (its own record:
 * a search crosses every worker's share).
 * Depends on net.h and watch.h.
 */
#ifndef CSP_WORKERS_H
#define CSP_WORKERS_H

#include "net.h"
#include "watch.h"

/* At most this many threads (--workers). */
enum { WORKERS_MAX = 256 };

typedef enum {
    WORK_DONE,          /* every state explored, nothing found */
    WORK_DEADLOCK,      /* a deadlock: st has the counts at the first one and its trace */
    WORK_FOUND,         /* a divergence (or a search for one too big to keep), or a deadlock
                         * whose counterexample one thread must find */
    WORK_LIMIT,         /* more than max_states states at the end of a level */
    WORK_STOPPED,       /* the watch said stop (Ctrl-C, time, memory) */
    WORK_ERROR,         /* learning reported an error (explore on one thread to see it) */
    WORK_UNKEYED        /* the network stopped being keyed */
} WorkResult;

typedef struct {
    unsigned workers;           /* threads, 1..WORKERS_MAX */
    uint64_t max_states;        /* 0: none */
    const EventSet *tau_pri;    /* tau has priority over these (NULL: none) */
    bool deadlock;              /* look for deadlocks */
    bool divergence;            /* look for states that can start an infinite tau path */
    const Watch *watch;         /* NULL: none */
    /* Called between levels on the calling thread (NULL: not called). */
    void (*progress)(void *ctx, uint64_t states, uint64_t transitions);
    void *ctx;
} WorkOptions;

typedef struct {
    uint64_t states, transitions;
    uint32_t levels;
    size_t bytes;               /* the visited sets' memory at the end */
    uint32_t *trace;            /* WORK_DEADLOCK: the events on the way (tau too; malloc'd) */
    uint32_t trace_len;
    uint64_t key;               /* WORK_DEADLOCK: the deadlocked state */
} WorkStats;

/* Explores net from its initial state. The calling thread is worker 0
 * and learns for all of them. */
WorkResult workers_explore(Net *net, const WorkOptions *o, WorkStats *st);

/* The cores this process may run on (at least 1). */
unsigned workers_cores(void);

#endif
