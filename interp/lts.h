/* lts.h - explicit labelled state machines (LTS): a process's reachable
 * states numbered densely, 0 the initial one, each with its transitions
 * (event, target) sorted by event then target. A state may carry labels
 * instead of tau moves: divergent or not, and its minimal acceptances (the
 * sets of events its stable tau-descendants offer, least ones only). Such
 * a labelled state stands for the tau-closure it summarises, as a
 * normal-form node does; it has no tau moves of its own. Compressions
 * (compress.h) read and write these machines.
 *
 * Machines are built with an LtsBuild (states, edges and acceptances in
 * any order, then lts_finish numbers what the initial state reaches in
 * breadth-first order). Working machines live in evaluator temporaries
 * (an error unwinding past them frees them); lts_finish into an Arena, or
 * lts_copy, makes one that lives as long as the arena. Everything here
 * runs under proc_guard: errors and limits unwind. Depends on proc.h.
 */
#ifndef CSP_LTS_H
#define CSP_LTS_H

#include "proc.h"

typedef struct LtsEdge {
    uint32_t event, to;
} LtsEdge;

/* A state's label bits. */
enum { LTS_LABELLED = 1, LTS_DIVERGENT = 2 };

typedef struct Lts {
    uint32_t n;             /* states */
    uint32_t n_edges;
    uint32_t *first;        /* n + 1 offsets: state s's edges are edges[first[s] .. first[s+1]) */
    LtsEdge *edges;
    uint8_t *label;         /* NULL: a plain machine; else LTS_LABELLED | LTS_DIVERGENT per state */
    uint32_t *acc_first;    /* with label: n + 1 offsets into accs */
    const EventSet **accs;  /* a labelled state's minimal acceptances, by set id */
} Lts;

/* A compressed process: the machine its LTS terms walk (plain: labels
 * spelled out with taus, see lts_explicate) and the compression's own
 * result when it has labels (a later compression of the same process
 * starts from it). Owned by the compression cache (compress.h). */
typedef struct LtsMachine {
    const Lts *plain;
    const Lts *labelled;    /* NULL when the result was plain already */
    const char *name;       /* the compression, for printing states */
    const Proc *of;         /* the term compressed */
} LtsMachine;

/* ---- building ---- */

typedef struct LtsBuild {
    Eval *E;
    uint32_t n;             /* states so far */
    size_t cap_n;
    uint8_t *label;
    bool labelled;          /* some state has a label */
    uint32_t n_e;
    size_t cap_e;
    uint32_t *e;            /* triples: from, event, to */
    uint32_t n_a;
    size_t cap_a;
    struct LtsAcc { uint32_t state; const EventSet *set; } *a;
} LtsBuild;

/* A new state (label bits, 0 for a plain state); its number. */
uint32_t lts_add_state(LtsBuild *b, uint8_t label);
void lts_add_edge(LtsBuild *b, uint32_t from, uint32_t event, uint32_t to);
/* One minimal acceptance of a labelled state (duplicates are dropped). */
void lts_add_acc(LtsBuild *b, uint32_t state, const EventSet *set);
/* The machine of what `initial` reaches, renumbered breadth-first (initial
 * is 0), edges sorted and duplicates dropped. Into arena a, or evaluator
 * temporaries when a is NULL (free with lts_free_tmp). Frees the builder. */
Lts *lts_finish(LtsBuild *b, uint32_t initial, Arena *a);
void lts_free_tmp(Eval *E, Lts *L);
Lts *lts_copy(Eval *E, const Lts *L, Arena *a);

/* ---- from processes, to processes ---- */

/* The reachable states of term p, explored breadth-first through the
 * process layer's transitions (a plain machine in temporaries). More than
 * max_states states is a limit error at `at`, naming `what`; the watch
 * (Ctrl-C, memory, time) is polled. */
Lts *lts_of_term(ProcTable *t, const Proc *p, uint64_t max_states, Span at, const char *what);

/* A plain machine with the same traces, stable failures and divergences
 * as labelled machine L: a labelled state keeps its edges, gains a tau to
 * itself when divergent and a tau to one new stable state per minimal
 * acceptance (offering exactly those events), unless it has one acceptance
 * equal to its initials and no divergence (then it is plain already). */
Lts *lts_explicate(ProcTable *t, const Lts *L, Arena *a);

/* The initials of state s (events of its edges, tau left out), interned. */
const EventSet *lts_initials(ProcTable *t, const Lts *L, uint32_t s);

/* Grows an evaluator temporary array p of *cap items of `size` bytes to
 * hold `need` (doubling); returns it. */
void *lts_grow(Eval *E, void *p, size_t *cap, size_t need, size_t size);

#endif
