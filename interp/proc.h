/* proc.h - CSP process terms, hash-consed.
 * A ProcTable owns the canonical form of every process term of a session:
 * structurally equal terms are the same pointer (compare with ==), with a
 * dense id. Terms are immutable (apart from their cached transitions) and
 * die with their table. A CALL term is a process expression of the script
 * paired with the values of its free variables; it is unfolded into an
 * operator term only when its transitions are asked for, so recursive
 * processes are finite graphs of terms. Event sets are interned sorted
 * arrays of event numbers (event.h). The last part is for the layers that
 * compile and explore terms (net, check): event sets, and rebuilding a term
 * from its parts. Depends on eval.h, event.h.
 */
#ifndef CSP_PROC_H
#define CSP_PROC_H

#include "eval.h"
#include "event.h"

#define PROC_KINDS(X) \
    X(STOP) X(SKIP) X(OMEGA) X(DIV) X(PREFIX) X(EXT) X(INT) X(SEQ) X(HIDE) X(RENAME) \
    X(PAR) X(ALPHA) X(INTERRUPT) X(TIMEOUT) X(EXCEPT) X(LINK) X(RUN) X(CHAOS) X(PRIO) X(CALL) \
    X(SYNCEXT) X(SYNCINT) X(PRIOPO) X(LTS) X(CHASE)
#define PROC_AS_ENUM(k) PROC_##k,
typedef enum { PROC_KINDS(PROC_AS_ENUM) PROC__COUNT } ProcKind;
extern const char *const proc_kind_name[PROC__COUNT];

/* A set of events: sorted, distinct event numbers; interned. */
typedef struct EventSet {
    uint32_t n, id;
    uint32_t ev[];
} EventSet;

/* A relation on events (renaming, links): sorted pairs, interned. */
typedef struct EventRel {
    uint32_t n, id;
    uint32_t pair[];        /* from0, to0, from1, to1, ... sorted by from */
} EventRel;

typedef struct Proc Proc;

/* One transition: an event number (EVENT_TAU, EVENT_TICK or visible) and
 * the term reached. */
typedef struct Trans {
    uint32_t event;
    const Proc *next;
} Trans;

struct Proc {                /* ordered to leave no padding: one per explored state */
    uint8_t kind;           /* ProcKind */
    uint8_t trans_state;    /* 0 not computed, 1 computing, 2 cached */
    uint32_t id, hash;
    uint32_t depth;         /* 1 + deepest child: bounded by PROC_MAX_DEPTH */
    uint32_t n;             /* children */
    uint32_t event;         /* PREFIX */
    uint32_t n_fv;          /* CALL: values in fv */
    uint32_t n_trans;       /* cached transitions */
    const EventSet *set;    /* PAR: sync set; HIDE; EXCEPT; RUN/CHAOS; SYNCEXT/SYNCINT: A */
    const EventSet **sets;  /* ALPHA: one alphabet per child (shared, see alpha) */
    const struct AlphaIndex *alpha; /* ALPHA: the alphabets and who takes part in each event */
    const EventRel *rel;    /* RENAME, LINK; PRIO: pairs (priority level from 1, event);
                             * PRIOPO: pairs (event, an event or tau or tick above it) */
    struct Node *node;      /* CALL: the expression */
    const Val **fv;         /* CALL: values of its free variables */
    void *env;              /* CALL: an environment giving those values; LTS: its
                             * machine (a const LtsMachine *, lts.h), whose state
                             * number is `event`; CHASE: where it was written (a
                             * const Span *, for its limit's message; not in the key) */
    const Proc *unfolded;   /* CALL: the term it stands for once built (itself while building) */
    Trans *trans;           /* cached transitions */
    const Proc *kids[];
};

typedef struct ProcTable ProcTable;

/* Terms nested deeper than this are an error (a process that grows without
 * bound, like P = (a -> P) [[a <- b]]), never a crash. */
#define PROC_MAX_DEPTH 2000

/* A table bound to an evaluator (which evaluates CALL terms) and an event
 * table; both are borrowed. */
ProcTable *proc_table_new(Eval *E, EventTable *events);
void proc_table_free(ProcTable *t);
uint32_t proc_count(const ProcTable *t);
EventTable *proc_events(ProcTable *t);
Eval *proc_eval(ProcTable *t);

/* The term of a process value (V_PROC from the evaluator; at: the
 * expression it came from, where errors about it point). Reports and
 * returns NULL on a runtime error (e.g. an event outside its channel). */
const Proc *proc_of_value(ProcTable *t, const Val *v, Span at);

/* The transitions of a term (cached). NULL on a runtime error, which has
 * been reported (e.g. unguarded recursion). */
const Trans *proc_transitions(ProcTable *t, const Proc *p, uint32_t *n);

/* The same without caching them on p (their children's are cached): for
 * states that are expanded once, like an exploration's states, so that
 * memory per stored state stays small. The array is valid until the next
 * call for another term that has no cached transitions. */
const Trans *proc_transitions_once(ProcTable *t, const Proc *p, uint32_t *n);

/* For a parallel or alphabetised parallel term: how many of its components
 * must take part in event ev (1 or 0: a component does it alone). */
uint32_t proc_participants(const Proc *par, uint32_t ev);

/* The operator term a CALL stands for (unfolding calls of calls); other
 * terms are returned as they are. NULL after a reported runtime error. */
const Proc *proc_body(ProcTable *t, const Proc *p);

/* The first operator term below any hiding and renaming at the top of p
 * (calls unfolded): where the components of a system are. NULL after a
 * reported runtime error. */
const Proc *proc_under_wrappers(ProcTable *t, const Proc *p);

/* The representative of a state: a CALL at the root is replaced by the
 * term it stands for, so a process reached again by returning to its
 * operator term (S = P ||| Q coming back to P ||| Q) is one state, not two.
 * Children are left alone: they change only by moving, so they stay
 * comparable. NULL after a reported runtime error. */
const Proc *proc_state(ProcTable *t, const Proc *p);

/* A name for a state from the script (for explaining counterexamples):
 * a call already unfolded to it: which PROC_NAME_ANY (a process name or
 * an application like PHIL(0) first, else an expression), PROC_NAME_ONLY
 * (only those) or PROC_NAME_BODY (only an expression, like the body of a
 * definition); NULL if none. It searches the whole table: for messages,
 * not for exploring. */
enum { PROC_NAME_ANY, PROC_NAME_ONLY, PROC_NAME_BODY };
const Proc *proc_name_of(ProcTable *t, const Proc *state, int which);
/* The same for many states in one pass over the table: for each of
 * states[0..n), names[i] (PROC_NAME_ONLY's answer) and bodies[i]
 * (PROC_NAME_BODY's). */
void proc_names_of(ProcTable *t, const Proc *const *states, uint32_t n, const Proc **names, const Proc **bodies);
/* Prints expression e, a part of call's expression, with the call's
 * values for its free variables (PHIL(i) as PHIL(0)). */
void proc_print_part(FILE *out, ProcTable *t, const Proc *call, const struct Node *e);

/* Prints a term briefly (for states in messages and the REPL). */
void proc_print(FILE *out, ProcTable *t, const Proc *p);

/* ---- event sets and term parts, for the network and the checker ---- */

/* Runs fn(ctx) under the evaluator's error handler. After an error (already
 * reported) the terms left half-done forget it, so a later query reports
 * again instead of seeing a stale mark; returns false. */
bool proc_guard(ProcTable *t, void (*fn)(void *), void *ctx);

const EventSet *proc_eventset(ProcTable *t, const uint32_t *ev, uint32_t n);
/* Sorts and deduplicates ev in place, then interns it. */
const EventSet *proc_sorted_set(ProcTable *t, uint32_t *ev, uint32_t n);
bool proc_in_set(const EventSet *s, uint32_t ev);
/* prioritise's relation holds (level, event) pairs: the level of visible
 * event ev, 0 when it is in none of the sets. */
uint32_t proc_prio_level(const EventRel *r, uint32_t ev);
/* prioritisepo's relation holds (event, above) pairs: the *n pairs from ev
 * (their second items are the events, tau or tick above ev; none for tau
 * and tick). ev is held back when one of those is possible. */
const uint32_t *proc_po_above(const EventRel *r, uint32_t ev, uint32_t *n);
/* Whether ev is the first (side 0) or second (side 1) of a pair of r. */
bool proc_rel_has(const EventRel *r, uint32_t ev, int side);

/* The event numbers of a set value of events: NULL after a reported error. */
const EventSet *proc_events_of_checked(ProcTable *t, const Val *set);
/* The number of an event value, or -1 if it is not a complete event
 * (nothing is reported: the caller says what was wrong). */
int64_t proc_event_checked(ProcTable *t, const Val *event);

const Proc *proc_leaf(ProcTable *t, ProcKind kind);
/* The operator term of this kind over kids with its set, alphabets or
 * relation (the kids that keep running are stored in state form, see
 * proc_state). Evaluator errors unwind: call it under proc_guard. */
const Proc *proc_op(ProcTable *t, ProcKind kind, const Proc *const *kids, uint32_t n,
                    const EventSet *set, const EventSet *const *sets, const EventRel *rel);

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

/* ---- for the compressions (lts.h, compress.h) ----
 * A compressed process is an explicit machine (lts.h); its states are LTS
 * terms, leaves of a network like any other term. */

/* proc_transitions and proc_state for a caller already inside proc_guard:
 * errors unwind. */
const Trans *proc_transitions_in(ProcTable *t, const Proc *p, uint32_t *n);
const Proc *proc_state_in(ProcTable *t, const Proc *p);
/* proc_transitions_once for a caller inside proc_guard (errors unwind);
 * the array is valid until the next transitions computed once. */
const Trans *proc_transitions_once_in(ProcTable *t, const Proc *p, uint32_t *n);
/* The term of state s of machine m (a const struct LtsMachine *, which must
 * live as long as the table). Errors unwind. */
const Proc *proc_lts_state(ProcTable *t, const void *m, uint32_t s);

/* chase(P), written at `at` (the first place a chase of P was written is
 * the one its messages name). */
const Proc *proc_chase(ProcTable *t, const Proc *p, Span at);
/* The compression cache of the table (compress.c owns what it points to;
 * proc_table_free frees it with compress_cache_free). */
struct CompressCache **proc_compress_cache(ProcTable *t);

#endif
