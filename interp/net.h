/* net.h - a process as a network of components, and its states as
 * compact vectors (DESIGN.md "Networks").
 * The static top of a term (parallel, alphabetised and linked parallel,
 * hiding, renaming: operators that keep running as their children move) is
 * compiled once into a tree; its leaves are the components. A state is a
 * vector holding each component's local state number, stored in a
 * tree-compressed table and named by a dense id (0 is the initial state).
 * Each component's transitions are computed by sem once per local state and
 * kept as (event, local state) pairs, so a step of the network touches no
 * term. Transitions come in the order sem gives the equivalent term, and
 * two states are the same id exactly when their terms are the same, so
 * explorations count and order states as they would over terms.
 * Depends on proc.h.
 */
#ifndef CSP_NET_H
#define CSP_NET_H

#include "proc.h"

#include <stddef.h>

typedef struct Net Net;

typedef struct NetTrans {
    uint32_t event;         /* EVENT_TAU, EVENT_TICK or visible */
    uint32_t next;          /* state id */
} NetTrans;

/* The network of process p (its initial state is id 0). NULL after a
 * reported runtime error. */
Net *net_new(ProcTable *t, const Proc *p);
void net_free(Net *n);

/* The transitions of a state. The array is valid until the next call;
 * asking again for the same state returns it without recomputing. NULL
 * after a reported runtime error. */
const NetTrans *net_transitions(Net *n, uint32_t state, uint32_t *count);

/* The same, and a hint: next is the state that will be asked for next
 * (UINT32_MAX if not known). Its successors are worked out while this state's
 * are looked up, so the table's memory latency overlaps useful work. */
const NetTrans *net_transitions_ahead(Net *n, uint32_t state, uint32_t next, uint32_t *count);

/* Whether the state is Omega (it has terminated). */
bool net_terminated(Net *n, uint32_t state);

/* The term of a state, for messages (NULL after a reported error). */
const Proc *net_term(Net *n, uint32_t state);

/* States stored so far, components, and the bytes the store takes. */
uint32_t net_states(const Net *n);
uint32_t net_components(const Net *n);
size_t net_bytes(const Net *n);

#endif
