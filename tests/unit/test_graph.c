/* test_graph.c - the LTS of a small process (graph.h): its states counted,
 * the initial state first, GRAPH_TOO_BIG past the bound, and the dot text's
 * edges, with quotes in event labels escaped.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include "fixture.h"

#include "eval.h"
#include "event.h"
#include "interp.h"
#include "graph.h"
#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(graph);

/* The process the script's last declaration binds. */
static const Proc *load(Loaded *l, const char *script)
{
    const Proc *p = fixture_load(l, "<graph>", script);
    cr_assert_not_null(p);
    return p;
}

static void unload(Loaded *l) { fixture_unload(l); }

Test(graph, counts_states_initial_first)
{
    Loaded l;
    const Proc *p = load(&l, "channel a, b\nP = a -> b -> P [] b -> STOP\n");
    const Proc *states[GRAPH_MAX_STATES];
    uint32_t n;
    cr_assert_eq(graph_explore(l.pt, p, states, GRAPH_MAX_STATES, &n), GRAPH_OK);
    cr_assert_eq(n, 3);   /* P, b -> P, STOP */
    cr_assert_eq(states[0], proc_state(l.pt, p));
    unload(&l);
}

Test(graph, too_big_past_the_bound)
{
    Loaded l;
    const Proc *p = load(&l, "channel c : {0..9}\nC(i) = c.i -> C((i + 1) % 10)\nP = C(0)\n");
    const Proc *states[GRAPH_MAX_STATES];
    uint32_t n;
    cr_assert_eq(graph_explore(l.pt, p, states, 10, &n), GRAPH_OK);
    cr_assert_eq(n, 10);
    cr_assert_eq(graph_explore(l.pt, p, states, 9, &n), GRAPH_TOO_BIG);
    unload(&l);
}

Test(graph, dot_edges_and_escaped_labels)
{
    Loaded l;
    const Proc *p = load(&l, "channel say : {\"hi \\\"you\\\"\"}\nP = say?x -> STOP\n");
    const Proc *states[GRAPH_MAX_STATES];
    uint32_t n;
    cr_assert_eq(graph_explore(l.pt, p, states, GRAPH_MAX_STATES, &n), GRAPH_OK);
    char *dot = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&dot, &len);
    graph_write_dot(f, l.pt, states, n);
    fclose(f);
    cr_assert(strstr(dot, "  s0 [shape=doublecircle];\n") != NULL, "%s", dot);
    cr_assert(strstr(dot, "  s0 -> s1 [label=\"say.\\\"hi \\\\\\\"you\\\\\\\"\\\"\"];\n") != NULL, "%s", dot);
    free(dot);
    unload(&l);
}
