/* netrun.h - walking a large network in place (`cspi run`, DESIGN.md
 * "Networks" and "Run").
 * A NetRun holds the current state of a network whose top is a parallel
 * composition (under any hiding and renaming): each component of that
 * parallel keeps its own transitions, and how many transitions of the whole
 * each component stands for is kept in a Fenwick tree. A step changes the
 * components that take part, and recounts only them and the components
 * that list an event they share; so a step costs what it changes, not the
 * size of the system. Transitions are numbered as in sem's list for the
 * equivalent term, so a run is the same run as a walk over terms.
 * Depends on net.h.
 */
#ifndef CSP_NETRUN_H
#define CSP_NETRUN_H

#include "net.h"

typedef struct NetRun NetRun;

/* A walker for p if its top is a parallel of at least min_kids
 * components; otherwise NULL (*failed tells whether a runtime error was
 * reported on the way). */
NetRun *netrun_new(ProcTable *t, const Proc *p, uint32_t min_kids, bool *failed);
void netrun_free(NetRun *r);

/* The number of transitions of the current state, and how many are tau. */
uint64_t netrun_count(const NetRun *r, uint64_t *taus);

/* Performs transition k (0 <= k < netrun_count) and gives its event.
 * false after a reported runtime error. */
bool netrun_step(NetRun *r, uint64_t k, uint32_t *event);

/* Whether the current state is Omega. */
bool netrun_terminated(const NetRun *r);

/* The term of the current state, for messages (NULL after an error). */
const Proc *netrun_term(NetRun *r);

#endif
