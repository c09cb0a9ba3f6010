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

/* ---- explaining a path (counterexamples; slow: never while exploring) ---- */

/* A node of the static top, preorder (node 0 is the root): its operator
 * term (PAR, ALPHA, HIDE, RENAME, LINK, PRIO) or, for a component, the
 * component's initial term; its children (node numbers); the components
 * below it are [*first, *first + *n_leaves). */
uint32_t net_nodes(const Net *n);
const Proc *net_node(const Net *n, uint32_t node, const uint32_t **kids, uint32_t *n_kids,
                     uint32_t *first, uint32_t *n_leaves);
/* The term of component i in a state (Omega once it has terminated). */
const Proc *net_component_term(Net *n, uint32_t state, uint32_t i);

/* What each component did in transition k (its place in net_transitions's
 * array) of state `from`: did[i] is the event component i performed, as the
 * component names it (before any hiding, renaming or linking above it),
 * NET_IDLE if it took no part. false after a reported runtime error. The
 * transitions array is no longer valid afterwards. */
#define NET_IDLE UINT32_MAX
bool net_explain_step(Net *n, uint32_t from, uint32_t k, uint32_t *did);

/* The events a component's event may become at node `upto` (an ancestor,
 * or itself), climbing through hiding (tau), renaming (its images),
 * linking (tau) and termination of a parallel (tau). Up to max into out;
 * returns how many. */
uint32_t net_lift(Net *n, uint32_t leaf, uint32_t ev, uint32_t upto, uint32_t *out, uint32_t max);

/* States stored so far, components, and the bytes the store takes. */
uint32_t net_states(const Net *n);
uint32_t net_components(const Net *n);
size_t net_bytes(const Net *n);

/* ---- keys and cursors: a packed network's states on several threads ----
 * While every component's state fits its field (net_keyed), a state is one
 * 64-bit key, and an explorer may keep keys in tables of its own (one per
 * thread) instead of the network's dense ids. A cursor expands keys on
 * one thread, reading the network's components and routes without
 * changing them: what is not known yet it cannot expand, and net_learn
 * works it out on one thread while no cursor runs. Keys are good while
 * net_layout stays the same (a component outgrowing its field lays the
 * keys out again, or makes the network unkeyed). */

typedef struct NetCursor NetCursor;

typedef struct NetKeyTrans {
    uint32_t event;
    uint64_t key;           /* the state reached */
} NetKeyTrans;

bool net_keyed(const Net *n);
uint32_t net_layout(const Net *n);
/* The bits of a key that hold component leaf's state (0 if not keyed). */
uint64_t net_leaf_bits(const Net *n, uint32_t leaf);
/* The key of the initial state, in the current layout. */
uint64_t net_initial_key(const Net *n);

/* The state id of a key of the current layout (numbered now if new). */
uint32_t net_state_of_key(Net *n, uint64_t key);

/* A cursor over n (owned by the caller; free it before n). */
NetCursor *net_cursor_new(Net *n);
void net_cursor_free(NetCursor *c);
/* The cursor sees what net_learn added (call on the cursor's thread while
 * no cursor runs). */
void net_cursor_sync(NetCursor *c);
/* The transitions of the state with this key, in net_transitions' order
 * (valid until the next call), and in *done whether it has terminated;
 * NULL when they need something not known yet (net_learn). Thread-safe
 * across cursors while nobody calls net_learn. */
const NetKeyTrans *net_cursor_next(NetCursor *c, uint64_t key, uint32_t *count, bool *done);
/* On one thread, no cursor running: works out what expanding the state
 * with this key needs (its components' transitions, its events' routes).
 * false after a reported runtime error. The layout may change (keys made
 * before are void) and the network may stop being keyed. */
bool net_learn(Net *n, uint64_t key);

#endif
