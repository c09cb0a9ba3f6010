/* proc_internal.h - what proc.c, procbuild.c and sem.c share (the proc
 * module): the table and the term constructors. Other modules use proc.h.
 * The evaluator is reached through eval.h only.
 */
#ifndef CSP_PROC_INTERNAL_H
#define CSP_PROC_INTERNAL_H

#include "eval.h"
#include "proc.h"
#include "unparse.h"

typedef HashSlot ProcSlot;

/* Each unfolding in progress takes levels of the evaluator's budget
 * (eval_charge: sem.c's UNFOLD_LEVELS, procbuild.c's BUILD_LEVELS); these
 * many more must be left for evaluating a body at the deepest, so that
 * "process nested too deeply to unfold" speaks before "recursion too
 * deep" does. */
enum { PROC_LEAF_LEVELS = 16 };

struct ProcTable {
    Eval *E;                /* borrowed */
    EventTable *events;     /* borrowed */
    Arena *arena;
    struct { ProcSlot *slots; uint32_t cap, n; } procs, sets, rels, free_vars, alphas,
        proc_vals;          /* proc_vals: ProcAsVal by term, see procbuild.c's same_process */
    uint32_t n_procs;
    uint32_t unfold_depth;  /* transition computations in progress (unguarded recursion) */
    uint32_t build_depth;   /* CALL unfoldings in progress (unbounded nesting) */
    uint32_t same_depth;    /* procbuild.c's same_process calls in progress */
    const Proc *calling;    /* the innermost CALL being unfolded or expanded (for locations) */
    const struct AlphaIndex *last_alpha;   /* proc_alpha's last answer: rebuilt terms reuse it */
    const Proc *once_of;    /* proc_transitions_once: whose transitions once[] holds */
    Trans *once;
    uint32_t n_once, once_cap;
    struct CompressCache *compress;   /* compress.c: compressed machines, by (compression, term) */
};

/* The state form of a component (see proc_state; errors unwind). A CALL
 * that is being unfolded is left as it is: recursion through a running
 * component (P = P ||| Q) is reported when its transitions are asked for. */
const Proc *proc_state_form(ProcTable *t, const Proc *p);

/* Passing the sets array of an index (a term's p->sets) finds that index
 * without hashing the sets again when it was the last one asked for. */
const AlphaIndex *proc_alpha(ProcTable *t, const EventSet *const *sets, uint32_t n);
const EventRel *proc_relation(ProcTable *t, uint32_t *pairs, uint32_t n_pairs);

const Proc *proc_intern(ProcTable *t, const Proc *key);
const Proc *proc_prefix(ProcTable *t, uint32_t ev, const Proc *next);
const Proc *proc_choice(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n);
/* Whether child i of a term of this kind keeps running as the term moves
 * (a component, stored in state form by proc_op). */
bool proc_runs_on(ProcKind kind, uint32_t i);
/* proc_op for children already in state form (a moved component replaced
 * in a term proc_op built): skips the check on the hot path. */
const Proc *proc_op_formed(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n,
                           const EventSet *set, const EventSet *const *sets, const EventRel *rel);
const Proc *proc_call(ProcTable *t, Node *node, const Val *const *fv, uint32_t n_fv, void *env);

/* The event numbers of a set value of events (evaluator errors unwind;
 * proc_events_of_checked in proc.h does not). */
const EventSet *proc_events_of(ProcTable *t, const Val *set, Span at);

/* The local variables a process expression uses from outside itself, in
 * the order of a CALL's values (cached per node). */
typedef struct {
    Node *node;
    uint32_t n;
    const ResDef **defs;
} FreeVars;
const FreeVars *proc_free_vars(ProcTable *t, Node *node);

/* procbuild.c: the built-in process a CALL on one of procbuild's marker
 * nodes stands for ("loop", "TSTOP", "TSKIP", "WAIT"), else NULL. */
const char *proc_builtin_call(const Proc *call);
/* procbuild.c: the operator term a CALL stands for (evaluator errors unwind). */
const Proc *proc_unfold(ProcTable *t, const Proc *call);
/* The term of a V_PROC value (evaluator errors unwind). */
const Proc *proc_term(ProcTable *t, const Val *v, Span at);

#endif
