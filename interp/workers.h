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
 * With a specification (WorkSpec, refinement), a state is a pair (node of
 * the specification's normal form, key) and is judged as one thread
 * judges it: divergence, acceptances, then each event against the node.
 * The result is decided when the whole space was explored (the numbers
 * of states and transitions then do not depend on the order), at a limit
 * at the end of a level, and at a failed state (a deadlock, or a pair the
 * specification rejects): the levels up to it are then ranked in the
 * order one thread visits them (each state's first discoverer), which
 * gives the first failure one thread meets, the counts at it and its
 * trace. When a divergence is found, the caller
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
    WORK_FAILED,        /* a state failed (a deadlock, or the specification's test): st has
                         * the counts at the first one one thread meets, and its trace */
    WORK_FOUND,         /* a divergence (or a search for one too big to keep), or a failure
                         * whose counterexample one thread must find */
    WORK_LIMIT,         /* more than max_states states at the end of a level */
    WORK_STOPPED,       /* the watch said stop (Ctrl-C, time, memory) */
    WORK_ERROR,         /* learning reported an error (explore on one thread to see it) */
    WORK_UNKEYED        /* the network stopped being keyed */
} WorkResult;

/* How a state failed (WORK_FAILED). */
typedef enum {
    WORK_FAIL_DEADLOCK,     /* no transition, not terminated */
    WORK_FAIL_DIVERGENCE,   /* WorkSpec.divergence: it can start an infinite tau path */
    WORK_FAIL_ACCEPTANCE,   /* WorkSpec.acceptances: stable, and its events hold no acceptance */
    WORK_FAIL_TRACE         /* an event the specification's node cannot do */
} WorkFail;

/* A specification explored with the network, for refinement: a state is a
 * pair (node of the specification's normal form, key of the network), and
 * an event moves the node too (tau leaves it). Node 0 is never special.
 * The callbacks that read run on any thread while the workers run; learn
 * runs on the calling thread while no worker runs, and is the only one
 * that may change what the others read. */
typedef enum { WORK_NODE_UNKNOWN, WORK_NODE_READY, WORK_NODE_DIVERGENT } WorkNodeState;

typedef struct WorkSpec {
    void *ctx;
    uint32_t initial;           /* the initial state's node */
    bool divergence;            /* a state that can diverge fails, unless its node is divergent */
    bool acceptances;           /* a stable state fails unless its events hold one of its node's
                                 * acceptances */
    /* READY: after and accepts may be asked; DIVERGENT: anything is allowed
     * from here on (the state is neither judged nor expanded); UNKNOWN:
     * learn first. */
    WorkNodeState (*state)(void *ctx, uint32_t node);
    /* The node after a visible event or tick; -1 if the node cannot do it. */
    int64_t (*after)(void *ctx, uint32_t node, uint32_t event);
    /* Whether the events of ts hold one of node's acceptances. */
    bool (*accepts)(void *ctx, uint32_t node, const NetKeyTrans *ts, uint32_t n);
    /* Makes node's state known; false after an error or a limit (the
     * workers give up with WORK_ERROR, and one thread explores again). */
    bool (*learn)(void *ctx, uint32_t node);
} WorkSpec;

/* Below this many slots a worker's set takes successors at once: its
 * lines and pages are met often enough without the buckets, which then
 * only cost (philosophers N = 8 on two workers: 3.6-3.7 s of CPU with
 * them, 2.9-3.1 s without, alternating runs; at N = 9 and N = 10, whose
 * sets pass it, they gain). A measuring build may set it lower
 * (-DWORK_BUCKETS_FROM_SLOTS=1048576u: N = 9 then uses the buckets as
 * N = 10 does, nearly throughout). */
#ifndef WORK_BUCKETS_FROM_SLOTS
#define WORK_BUCKETS_FROM_SLOTS (1u << 25)
#endif

typedef struct {
    unsigned workers;           /* threads, 1..WORKERS_MAX */
    uint64_t max_states;        /* 0: none */
    const EventSet *tau_pri;    /* tau has priority over these (NULL: none) */
    bool deadlock;              /* look for deadlocks */
    bool divergence;            /* look for states that can start an infinite tau path */
    const WorkSpec *spec;       /* NULL: the network alone; else the pairs (see WorkSpec) */
    const Watch *watch;         /* NULL: none */
    /* A worker's set takes its successors through buckets (workers.c,
     * PEND_BITS) once it has this many slots (0: WORK_BUCKETS_FROM_SLOTS;
     * tests set 1 to exercise them on small spaces). */
    uint32_t buckets_from_slots;
    /* Once this many states are stored (0: OWNERS_SAMPLE_FROM, owners.h), the
     * owners of states are chosen from a sample (owners.h); tests set a
     * few dozen to exercise the choice on small spaces. */
    uint32_t owner_sample;
    /* Called between levels on the calling thread (NULL: not called). */
    void (*progress)(void *ctx, uint64_t states, uint64_t transitions);
    void *ctx;
} WorkOptions;

typedef struct {
    uint64_t states, transitions;
    uint32_t levels;
    size_t bytes;               /* the visited sets' memory at the end */
    uint64_t owner_mask;        /* the key's bits that named owners (0: the whole key; owners.h) */
    uint32_t *trace;            /* WORK_FAILED: the events on the way (tau too; malloc'd) */
    uint32_t trace_len;
    uint64_t key;               /* WORK_FAILED: the failing state's key */
    uint32_t node;              /* WORK_FAILED: its node (with a spec) */
    WorkFail fail;              /* WORK_FAILED: how */
    uint32_t event;             /* WORK_FAIL_TRACE: the event the node cannot do */
} WorkStats;

/* Explores net from its initial state. The calling thread is worker 0
 * and learns for all of them. */
WorkResult workers_explore(Net *net, const WorkOptions *o, WorkStats *st);

/* The cores this process may run on (at least 1). */
unsigned workers_cores(void);

#endif
