/* proc.h - CSP process terms, hash-consed.
 * A ProcTable owns the canonical form of every process term of a session:
 * structurally equal terms are the same pointer (compare with ==), with a
 * dense id. Terms are immutable (apart from their cached transitions) and
 * die with their table. A CALL term is a process expression of the script
 * paired with the values of its free variables; it is unfolded into an
 * operator term only when its transitions are asked for, so recursive
 * processes are finite graphs of terms. Event sets are interned sorted
 * arrays of event numbers (event.h). Depends on eval.h, event.h.
 */
#ifndef CSP_PROC_H
#define CSP_PROC_H

#include "eval.h"
#include "event.h"

#define PROC_KINDS(X) \
    X(STOP) X(SKIP) X(OMEGA) X(DIV) X(PREFIX) X(EXT) X(INT) X(SEQ) X(HIDE) X(RENAME) \
    X(PAR) X(ALPHA) X(INTERRUPT) X(TIMEOUT) X(EXCEPT) X(LINK) X(RUN) X(CHAOS) X(PRIO) X(CALL) \
    X(SYNCEXT) X(SYNCINT)
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
struct AlphaIndex;

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
    const EventRel *rel;    /* RENAME, LINK; PRIO: pairs (priority level from 1, event) */
    struct Node *node;      /* CALL: the expression */
    const Val **fv;         /* CALL: values of its free variables */
    void *env;              /* CALL: an environment giving those values */
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

/* Prints a term briefly (for states in messages and the REPL). */
void proc_print(FILE *out, ProcTable *t, const Proc *p);

#endif
