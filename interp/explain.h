/* explain.h - a failed assertion's counterexample explained (cspi check
 * --explain, the REPL's :debug): the implementation's process structure,
 * every step of the counterexample with the internal ones, which
 * components took part in each and by which of their own events, each
 * component's state and offers, and why the assertion fails. An
 * Explanation is built by the checker after a check failed (check.c asks
 * explain.c; nothing of it is kept while exploring) and owns all it holds
 * but the terms and event sets, which live in the ProcTable.
 * Depends on proc.h.
 */
#ifndef CSP_EXPLAIN_H
#define CSP_EXPLAIN_H

#include "proc.h"

#include <stdio.h>

struct JsonWriter;

/* A node of the implementation's static top (0 the root; preorder). */
typedef struct ExplNode {
    const Proc *term;       /* operator term, or the component's initial term */
    uint32_t n_kids, *kids;
    uint32_t first, n_leaves;   /* the components below: [first, first + n_leaves) */
    uint32_t parent;        /* UINT32_MAX for the root */
    const Proc *name_call;  /* its name: expression name_expr with name_call's values */
    const struct Node *name_expr;   /* (NULL: the term is printed) */
    bool named;             /* the script names its term (SYSTEM, PHIL(0)) */
    struct Env *name_env;   /* or: name_expr in this environment (a replicated operator's kid) */
    const Proc *body_call;  /* the expression its operands are parts of (NULL: none), */
    const struct Node *body_expr;
    struct Env *body_env;   /* with body_call's values, or (when not NULL) this environment's */
} ExplNode;

/* One step: the event as the whole does it (EVENT_TAU when internal) and
 * what each component did (its own event, EXPL_IDLE if nothing). */
#define EXPL_IDLE UINT32_MAX
typedef struct ExplStep {
    uint32_t event;
    uint32_t *did;          /* n_comp */
    uint32_t *at_node;      /* by node: the event there (EXPL_IDLE: not involved) */
} ExplStep;

/* A path through the implementation's states. */
typedef struct ExplPath {
    const char *title;      /* what this behaviour is */
    uint32_t n_steps;
    ExplStep *steps;
    uint32_t *state;        /* n_steps + 1 states of the network */
    const Proc **at;        /* (n_steps + 1) * n_comp: each component's term at each point */
    const Proc **at_name;   /* the same: a call from the script standing for that term, or NULL */
    const Proc **whole;     /* n_steps + 1: the whole process's term at each point */
    uint32_t loop_at;       /* divergence: the point the tau loop returns to, else EXPL_IDLE */
    bool last_is_error;     /* a trace counterexample: the last step is the error event */
    /* each point's transitions, for :graph */
    uint32_t *out_first;    /* n_steps + 2 offsets into out_ev / out_to */
    uint32_t *out_ev, *out_to;
} ExplPath;

typedef struct Explanation {
    ProcTable *t;
    char kind[32];          /* "Deadlock", "Trace", "Min Acceptance", "Divergence", ... */
    char name[128];         /* the implementation's text */
    uint32_t n_nodes, n_comp;
    ExplNode *nodes;
    uint32_t *comp_node;    /* component -> its node */
    uint32_t n_paths;       /* 0 when no path could be found within the limits */
    ExplPath paths[2];      /* determinism: the path that performs the event, then the one refusing it */
    uint32_t error_event;   /* Trace, Determinism, has trace: the event */
    bool has_error_event;
    const EventSet *impl_acc;       /* Min Acceptance: the implementation's */
    const EventSet **spec_acc;      /* and the specification's minimal acceptances */
    uint32_t n_spec_acc;
    bool spec_diverges;     /* Min Acceptance with no spec acceptance: it only diverges */
} Explanation;

void expl_free(Explanation *x);

/* The whole explanation, indented under an assertion's block. */
void expl_print(const Explanation *x, FILE *out);
/* The same as the member "explanation" of the object open in j. */
void expl_json(const Explanation *x, struct JsonWriter *j);
/* Point i (0: the start; after step i) of path p, for replay: the step
 * taken to get there and each component's state and offers. */
void expl_print_point(const Explanation *x, uint32_t p, uint32_t i, FILE *out);
/* The states of the counterexample and every transition out of them, in
 * Graphviz dot, the path's edges highlighted. */
void expl_dot(const Explanation *x, FILE *out);

#endif
