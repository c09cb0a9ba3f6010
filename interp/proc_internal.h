/* proc_internal.h - what proc.c, procbuild.c and sem.c share: the table and
 * the term constructors. Other modules use proc.h.
 */
#ifndef CSP_PROC_INTERNAL_H
#define CSP_PROC_INTERNAL_H

#include "eval_internal.h"
#include "proc.h"
#include "unparse.h"

typedef HashSlot ProcSlot;

struct ProcTable {
    Eval *E;                /* borrowed */
    EventTable *events;     /* borrowed */
    Arena *arena;
    struct { ProcSlot *slots; uint32_t cap, n; } procs, sets, rels, free_vars, alphas;
    uint32_t n_procs;
    uint32_t unfold_depth;  /* transition computations in progress (unguarded recursion) */
    uint32_t build_depth;   /* CALL unfoldings in progress (unbounded nesting) */
    const Proc *calling;    /* the innermost CALL being unfolded or expanded (for locations) */
    const struct AlphaIndex *last_alpha;   /* proc_alpha's last answer: rebuilt terms reuse it */
    const Proc *once_of;    /* proc_transitions_once: whose transitions once[] holds */
    Trans *once;
    uint32_t n_once, once_cap;
};

/* Runs fn(ctx) under the evaluator's error handler. After an error (already
 * reported) the terms left half-done forget it, so a later query reports
 * again instead of seeing a stale mark; returns false. */
bool proc_guard(ProcTable *t, void (*fn)(void *), void *ctx);

/* The state form of a component (see proc_state; errors unwind). A CALL
 * that is being unfolded is left as it is: recursion through a running
 * component (P = P ||| Q) is reported when its transitions are asked for. */
const Proc *proc_state_form(ProcTable *t, const Proc *p);

/* The alphabets of an alphabetised parallel, interned, with an index from
 * each event to the components whose alphabet holds it (ascending). The
 * index is a direct table over the events lo..lo+cap-1 when they are dense
 * enough, else open addressing by event; a slot is one cache line at most,
 * since every step of a wide parallel looks events up. */
typedef struct AlphaSlot {
    uint32_t key;           /* hashed: event + 1, 0 empty; direct: unused */
    uint32_t first;         /* offset into members */
    uint32_t count;         /* 0: no component has the event */
} AlphaSlot;

typedef struct AlphaIndex {
    uint32_t n, id;
    const EventSet **sets;
    bool direct;            /* slot ev - lo, else hashed */
    uint32_t lo, cap;
    AlphaSlot *slots;
    uint32_t *members;
} AlphaIndex;

/* Passing the sets array of an index (a term's p->sets) finds that index
 * without hashing the sets again when it was the last one asked for. */
const AlphaIndex *proc_alpha(ProcTable *t, const EventSet *const *sets, uint32_t n);
/* The slot of ev in a's index: a direct slot (NULL outside the table), or
 * the hashed one holding ev or the empty one where it would go. */
static inline AlphaSlot *proc_alpha_slot(const AlphaIndex *a, uint32_t ev)
{
    if (a->direct) return ev - a->lo < a->cap ? &a->slots[ev - a->lo] : NULL;
    uint32_t j = (ev * 0x9E3779B9u) & (a->cap - 1);
    while (a->slots[j].key && a->slots[j].key != ev + 1) j = (j + 1) & (a->cap - 1);
    return &a->slots[j];
}

/* The components taking part in ev (NULL, *n = 0 if none). Inline: a step
 * of a wide parallel asks it for every component's events. */
static inline const uint32_t *proc_alpha_parts(const AlphaIndex *a, uint32_t ev, uint32_t *n)
{
    const AlphaSlot *s = proc_alpha_slot(a, ev);
    *n = s ? s->count : 0;
    return *n ? a->members + s->first : NULL;
}

const EventSet *proc_eventset(ProcTable *t, const uint32_t *ev, uint32_t n);
/* Sorts and deduplicates ev in place, then interns it. */
const EventSet *proc_sorted_set(ProcTable *t, uint32_t *ev, uint32_t n);
bool proc_in_set(const EventSet *s, uint32_t ev);
const EventRel *proc_relation(ProcTable *t, uint32_t *pairs, uint32_t n_pairs);
/* prioritise's relation holds (level, event) pairs: the level of visible
 * event ev, 0 when it is in none of the sets. */
uint32_t proc_prio_level(const EventRel *r, uint32_t ev);
/* Whether ev is the first (side 0) or second (side 1) of a pair of r. */
bool proc_rel_has(const EventRel *r, uint32_t ev, int side);

const Proc *proc_intern(ProcTable *t, const Proc *key);
const Proc *proc_leaf(ProcTable *t, ProcKind kind);
const Proc *proc_prefix(ProcTable *t, uint32_t ev, const Proc *next);
const Proc *proc_choice(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n);
/* Whether child i of a term of this kind keeps running as the term moves
 * (a component, stored in state form by proc_op). */
bool proc_runs_on(ProcKind kind, uint32_t i);
const Proc *proc_op(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n,
                    const EventSet *set, const EventSet *const *sets, const EventRel *rel);
/* proc_op for children already in state form (a moved component replaced
 * in a term proc_op built): skips the check on the hot path. */
const Proc *proc_op_formed(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n,
                           const EventSet *set, const EventSet *const *sets, const EventRel *rel);
const Proc *proc_call(ProcTable *t, Node *node, const Val *const *fv, uint32_t n_fv, void *env);

/* The event numbers of a set value of events (evaluator errors unwind). */
const EventSet *proc_events_of(ProcTable *t, const Val *set, Span at);

/* The same, under an error handler: NULL after a reported error. */
const EventSet *proc_events_of_checked(ProcTable *t, const Val *set);

/* The number of an event value, or -1 if it is not a complete event. */
int64_t proc_event_checked(ProcTable *t, const Val *event);

/* The local variables a process expression uses from outside itself, in
 * the order of a CALL's values (cached per node). */
typedef struct {
    Node *node;
    uint32_t n;
    const ResDef **defs;
} FreeVars;
const FreeVars *proc_free_vars(ProcTable *t, Node *node);

/* procbuild.c: the operator term a CALL stands for (evaluator errors unwind). */
const Proc *proc_unfold(ProcTable *t, const Proc *call);
/* The term of a V_PROC value (evaluator errors unwind). */
const Proc *proc_term(ProcTable *t, const Val *v, Span at);

#endif
