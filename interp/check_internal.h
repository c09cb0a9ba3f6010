/* check_internal.h - private to the checker (check.c, explore.c, normal.c,
 * report.c): the state of one assertion's check (Chk), the networks it
 * explores (Space), normal-form nodes, counterexamples, and the functions
 * the four files share. Nothing outside the checker includes it.
 *
 * Invariants: every failure inside a check (a runtime error, a limit, Ctrl-C)
 * unwinds with chk_bail to chk_assertion's setjmp, which reports it and
 * frees all of Chk; visits are breadth-first, so a visit's trail back to
 * visit 0 (chk_trace_to) is a shortest counterexample.
 */
#ifndef CSP_CHECK_INTERNAL_H
#define CSP_CHECK_INTERNAL_H

#include "check.h"
#include "net.h"
#include "proc.h"

#include <setjmp.h>
#include <stdio.h>
#include <time.h>

/* A counterexample names its implementation by its text, cut (with "...")
 * beyond this; and shows what this many parallel components offer, then
 * says how many more there are. */
enum { CHK_NAME_MAX = 128, CHK_COMPONENTS_SHOWN = 16 };
/* A deadlocked component's name is shown up to this many characters. */
enum { CHK_COMPONENT_NAME_MAX = 60 };

/* ---- the checker's state ---- */

/* A visible transition of a normal-form node's member: its event, the
 * state reached, and its position among the node's transitions. */
typedef struct Step {
    uint32_t event, next, pos;
} Step;

typedef struct NNode {
    uint32_t n;
    uint32_t *members;      /* states of the normal-formed network, ascending */
    bool succ_done;
    uint32_t n_succ;
    uint32_t *succ_ev, *succ_node;
    uint64_t *succ_by_ev;   /* with many successors: (event << 32 | index into
                             * succ_ev) ascending, for nf_after's binary search */
    int8_t divergent;       /* -1 unknown */
    bool acc_done;
    uint32_t n_acc;         /* minimal acceptances */
    const EventSet **acc;
    bool has_stable;
} NNode;

/* A network being explored, with what is known of its states' divergence. */
typedef struct {
    Net *net;
    uint8_t *div;           /* 2 bits by state: 0 unknown, 1 on stack, 2 yes, 3 no */
    uint32_t div_cap;
    /* The tau successors of states, once asked for (closures ask again and
     * again, and a network recomputes all of a state's transitions when it
     * is not the one asked for last): by state, 1 + where its list starts
     * in tau_pool (0: not known yet); a list is its length, then the states. */
    uint32_t *tau_at, tau_at_cap;
    uint32_t *tau_pool, n_pool, cap_pool;
} Space;

typedef struct {
    ProcTable *t;
    Eval *E;
    EventTable *ev;
    const ChkOptions *o;
    ChkStats *st;
    Arena *arena;
    jmp_buf jb;
    int failure;            /* CHK_ERROR or CHK_LIMIT when jumping */
    const EventSet *tau_pri;
    Space impl;             /* the process explored */
    Space spec;             /* the process normal-formed (nodes' members are its states) */
    void *div_stack;        /* chk_diverges()'s depth-first stack, kept here so a bail frees it */
    uint32_t div_stack_cap;
    uint32_t *set_buf;      /* scratch for a set of states being closed (the same reason) */
    uint32_t set_cap;
    uint32_t *in_set;       /* by spec state: the stamp of the set it was last put in */
    uint32_t in_set_cap, set_stamp;
    uint64_t side_work;     /* steps of normalising and divergence search (limits now and then) */
    uint64_t trans_work;    /* transitions worked out since the watch was last looked at */
    struct Step *steps_buf; /* scratch: a node's visible transitions, sorted by event */
    uint32_t steps_cap;
    const struct Step **groups;    /* scratch: each event's first step there */
    uint32_t group_cap;
    NetTrans *ts_buf;       /* scratch: a copy of an implementation state's transitions */
    uint32_t ts_cap;
    NetTrans *pri_buf;      /* scratch: transitions kept under tau priority */
    uint32_t pri_cap;
    uint32_t *perm;         /* scratch: a node's successors in the order determinism tries them */
    uint32_t perm_cap;
    const EventSet **acc_buf;   /* scratch: the acceptances of a node's stable states */
    uint32_t acc_cap;
    NNode *nodes;
    uint32_t n_nodes, cap_nodes;
    uint32_t *node_slots, node_cap;     /* hash of member sets: node + 1 */
    uint64_t *pair_keys;    /* hash set of (node, proc id) */
    uint32_t *pair_vals;
    uint32_t pair_cap, n_pairs;
    /* Visits in breadth-first order. A pair exploration keeps, per visit,
     * the visit it was reached from (UINT32_MAX for the first), by which
     * event, and its implementation state. A single-process exploration
     * keeps where each breadth-first level starts instead: a visit was
     * reached from the first visit of the level before with a transition
     * to it, by the first such transition; and while it visits states in
     * the order the network numbers them, visit i is state i and v_state
     * is not kept either. */
    uint32_t *v_parent, *v_event, *v_state;
    bool pairs;             /* a pair exploration */
    uint32_t *level_start;
    uint32_t n_levels, cap_levels;
    uint32_t level_end;     /* the first visit of the level after the one being expanded */
    uint32_t n_visits, cap_visits;
    uint32_t *pair_node;    /* by visit: the normal-form node of a pair */
    uint32_t pair_node_cap;
    uint32_t *visit_of;     /* by state: visit index + 1 (single-process explorations) */
    uint32_t visit_cap;
    Span at;                /* the assertion, for limit messages */
    const char *normalising;    /* what building a normal form is called in limit messages */
    struct timespec t0;     /* when the check started */
    bool progress_shown;    /* a progress line needs clearing */
} Chk;


typedef struct {
    const char *kind;       /* "Trace", "Min Acceptance", "Divergence", "Deadlock", ... */
    uint32_t visit;         /* where (index into visits) */
    uint32_t error_event;   /* Trace: the event the specification cannot do */
    int64_t node;           /* the specification node there, or -1 */
    const EventSet *acceptance;
    bool has_event;
} Counterexample;

/* What deciding an assertion found; kept on the heap (not in locals) so that
 * it survives the longjmp of a runtime error or a limit. */
typedef struct {
    bool holds, has_x;
    Counterexample x;       /* when has_x */
    uint32_t *trace;        /* has trace: the trace asked about (owned) */
    uint32_t trace_len, trace_fail;   /* its length; how far the process got */
    char name[CHK_NAME_MAX];          /* the implementation, for the counterexample */
    struct Explanation *expl;         /* --explain: the counterexample explained (explain.h) */
} Outcome;


/* ---- explore.c: limits, transitions, divergence, visits ---- */

/* A check starts (its clock, --timeout's, with it); at is where limit
 * messages point. chk_close frees all of it. */
Chk *chk_open(ProcTable *t, const ChkOptions *o, ChkStats *stats, Span at);
void chk_close(Chk *c);

/* Unwind to chk_assertion with why (CHK_ERROR or CHK_LIMIT); after the
 * evaluator reported a failure, chk_bail_eval maps its kind. */
_Noreturn void chk_bail(Chk *c, int why);
_Noreturn void chk_bail_eval(Chk *c);
/* One more state explored: --max-states, Ctrl-C, progress. */
void chk_count_state(Chk *c);
/* One step of work that visits no state of the check's own (normalising,
 * looking for a divergence; what says which), held to the same limits. */
void chk_side_step(Chk *c, Space *sp, const char *what);
/* A state's transitions under tau priority (valid until the next call);
 * chk_trans_ahead also names the state asked for next (UINT32_MAX: unknown). */
const NetTrans *chk_trans_ahead(Chk *c, Space *sp, uint32_t s, uint32_t next, uint32_t *n);
const NetTrans *chk_trans(Chk *c, Space *sp, uint32_t s, uint32_t *n);
/* Grows a zero-filled array so that index need exists. */
void chk_grow_u32(uint32_t **a, uint32_t *cap, uint32_t need);
void chk_space_open(Chk *c, Space *sp, const Proc *p);
void chk_space_close(Space *sp);
/* The tau successors of state s, remembered (valid until the next call). */
const uint32_t *chk_tau_next(Chk *c, Space *sp, uint32_t s, uint32_t *n);
/* Can state p start an infinite run of taus? (remembered per state) */
bool chk_diverges(Chk *c, Space *sp, uint32_t p);
/* Deadlock and divergence freedom of c->impl, or (spec) its refinement
 * of a normal form, on several threads (--workers) or on several
 * processes (c->o->ranks, ranks.h): 1 it holds, 0 it fails (*x
 * is the counterexample, with the visits on its way), -1 when one thread
 * must explore (one worker asked for, a network that is not keyed, a
 * divergence found, an error met: the counterexample and the counts at it
 * come from the one-thread exploration). The counts and the threads used
 * are in c->st. Limits bail. */
struct WorkSpec;
int chk_explore_workers(Chk *c, bool deadlock, bool divergence, const struct WorkSpec *spec, Counterexample *x);
/* Determinism of c->spec (its normal form's initial node made) on
 * several threads (detwork.h): 1 it holds, 0 it fails (*x, with the
 * visits on its way), -1 when one thread explores (one worker asked for, a
 * network that is not keyed, --explain), CHK_WORKERS_GAVE_UP when the
 * threads tried and one thread must decide (it normalises afresh: the
 * threads learnt on c->spec's network). Limits bail. */
enum { CHK_WORKERS_GAVE_UP = -2 };
int chk_deterministic_workers(Chk *c, bool divergence, Counterexample *x);
/* Visits: a new one (counted against the limits); keep each visit's state
 * from now on; the state of visit i; the visit of state p of a
 * single-process exploration, new (*fresh) or known. */
void chk_push_visit(Chk *c, uint32_t state, uint32_t parent, uint32_t event);
void chk_keep_states(Chk *c);
uint32_t chk_visit_state(const Chk *c, uint32_t i);
uint32_t chk_visit(Chk *c, uint32_t p, uint32_t parent, uint32_t event, bool *fresh);
/* The visit visit i was reached from, and by which event (tau included). */
uint32_t chk_parent(Chk *c, uint32_t i, uint32_t *event);
/* The visible events on the way to visit i, last first (malloc'd; *n of them). */
uint32_t *chk_trace_to(Chk *c, uint32_t i, uint32_t *n);

/* ---- normal.c: the normal form of c->spec ---- */

/* The normal form of p starts: p becomes c->spec; its initial node. */
uint32_t nf_initial_node(Chk *c, const Proc *p);
/* A node's successors on each visible event and tick (into the node), the
 * successor on one event (-1: none), whether it may diverge, and its
 * minimal acceptances (into the node). */
void nf_successors(Chk *c, uint32_t id);
int64_t nf_after(Chk *c, uint32_t id, uint32_t ev);
bool nf_divergent(Chk *c, uint32_t id);
void nf_acceptances(Chk *c, uint32_t id);
/* The normal form as the workers see it (workers.h's WorkSpec) for a
 * refinement in model m from node root; ctx is the caller's, alive while
 * the workers run. Learning a node catches a failure (it does not bail). */
typedef struct NfWork { Chk *c; Model m; } NfWork;
void nf_work_spec(NfWork *ctx, uint32_t root, struct WorkSpec *out);
/* Forgets the normal form (after the workers gave up: one thread starts
 * again from a fresh one, so that whatever they met is met again in
 * order); returns the new root of p's. */
uint32_t nf_restart(Chk *c, const Proc *p);
/* A state's acceptance (its visible events and tick); whether it is
 * stable (no tau); whether a is a subset of b. */
const EventSet *chk_acceptance(Chk *c, Space *sp, uint32_t p);
bool chk_is_stable(Chk *c, Space *sp, uint32_t p);
bool chk_subset(const EventSet *a, const EventSet *b);

/* ---- explain.c: a failed assertion explained (explain.h), into r->expl ---- */

struct Explanation *chk_explain(Chk *c, Outcome *r);
/* The names of the components of the parallel at the top of sp's network
 * (under hiding and renaming), as --explain names them: *n malloc'd
 * strings (NULL, *n = 0 when the top is not a parallel). */
char **chk_top_names(Chk *c, Space *sp, uint32_t *n);

/* ---- report.c: printing a decided assertion ---- */

void chk_print_counterexample(Chk *c, const Counterexample *x, const char *impl, FILE *out);
void chk_report_json(Chk *c, const char *text, ChkResult result, const Outcome *r);
void chk_report_text(Chk *c, const char *text, ChkResult result, const Outcome *r);

#endif
