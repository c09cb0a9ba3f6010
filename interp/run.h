/* run.h - walking a process: the trace of one run.
 * run_walk starts at a term and takes one transition at a time, chosen at
 * random (a seeded PRNG of our own, so every machine prints the same run),
 * deterministically (the leftmost component that can move), or by a person
 * (a numbered menu read from a stream). Visible events are printed as they
 * happen; the walk ends at termination, deadlock, the step limit, a
 * livelock (only tau for a long time), or a quit. Depends on proc.h.
 */
#ifndef CSP_RUN_H
#define CSP_RUN_H

#include "proc.h"

#include <stdio.h>

struct JsonWriter;

typedef enum { SCHED_RANDOM, SCHED_FIRST, SCHED_INTERACTIVE } Schedule;

typedef struct RunOptions {
    Schedule schedule;
    uint64_t seed;
    uint64_t max_steps;     /* transitions, tau included */
    uint64_t livelock_after; /* consecutive steps in states offering only tau */
    bool show_tau;          /* print tau and tick as they happen */
    struct JsonWriter *json; /* non-NULL: "trace", "end", "events" and "steps" as members
                              * of the object open in this writer, instead of lines */
    bool quiet;             /* count events, print only the end */
    FILE *out;              /* trace and end line */
    FILE *in;               /* interactive choices */
    bool tau_cycles;        /* a walk that comes back to a state by tau steps alone is a
                             * livelock (it can diverge there): a random walk ends, the
                             * stepper says so and asks (the REPL sets this) */
} RunOptions;

/* RUN_STOPPED: the evaluator's watch (Ctrl-C, memory, time) stopped it. */
typedef enum { RUN_TERMINATED, RUN_DEADLOCK, RUN_STEP_LIMIT, RUN_LIVELOCK, RUN_QUIT,
               RUN_STOPPED, RUN_ERROR } RunEnd;

typedef struct RunStats {
    uint64_t steps, events;
} RunStats;

/* Walks from start; returns why it stopped (RUN_ERROR after a reported
 * runtime error). */
RunEnd run_walk(ProcTable *t, const Proc *start, const RunOptions *o, RunStats *stats);

/* The PRNG (splitmix64): the same numbers on every machine for a seed. */
uint64_t run_random(uint64_t *state);
/* A choice below n (n >= 1) from run_random, every value equally likely. */
uint64_t run_uniform(uint64_t *state, uint64_t n);

#endif
