/* graph.h - the labelled transition system of a small process, for pictures.
 * graph_explore collects the states a process reaches (breadth first, the
 * initial state first) up to a bound; graph_write_dot writes them and their
 * transitions as Graphviz dot text. The REPL's :graph and the browser
 * playground (web/api.c) draw with these. Depends on proc.h.
 */
#ifndef CSP_GRAPH_H
#define CSP_GRAPH_H

#include "proc.h"

#include <stdio.h>

/* The most states a picture shows: more cannot be read as a drawing. */
enum { GRAPH_MAX_STATES = 200 };

typedef enum { GRAPH_OK, GRAPH_TOO_BIG, GRAPH_ERROR } GraphStatus;

/* The states p reaches, p's own state first, into states[0..*n) (room for
 * max). GRAPH_TOO_BIG when there are more than max; GRAPH_ERROR after a
 * reported runtime error. */
GraphStatus graph_explore(ProcTable *t, const Proc *p, const Proc **states, uint32_t max, uint32_t *n);

/* The graph states[0..n) (0 the initial state, drawn as a double circle)
 * in dot: state i is node si, each transition an edge labelled with its
 * event ("tau", "tick" for the hidden and termination events). */
void graph_write_dot(FILE *out, ProcTable *t, const Proc *const *states, uint32_t n);

#endif
