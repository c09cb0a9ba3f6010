/* graph.c - the labelled transition system of a small process; see graph.h. */
#define _POSIX_C_SOURCE 200809L   /* open_memstream */
#include "graph.h"

#include "event.h"

#include <stdlib.h>

GraphStatus graph_explore(ProcTable *t, const Proc *p, const Proc **states, uint32_t max, uint32_t *n)
{
    *n = 0;
    if (!(p = proc_state(t, p))) return GRAPH_ERROR;
    states[(*n)++] = p;
    for (uint32_t i = 0; i < *n; i++) {
        uint32_t m;
        const Trans *ts = proc_transitions(t, states[i], &m);
        if (!ts) return GRAPH_ERROR;
        for (uint32_t k = 0; k < m; k++) {
            const Proc *next = proc_state(t, ts[k].next);
            if (!next) return GRAPH_ERROR;
            bool seen = false;
            for (uint32_t j = 0; j < *n && !seen; j++) seen = states[j] == next;
            if (seen) continue;
            if (*n == max) return GRAPH_TOO_BIG;
            states[(*n)++] = next;
        }
    }
    return GRAPH_OK;
}

/* An event as a dot string's contents: quotes and backslashes escaped
 * (events may carry strings). */
static void write_label(FILE *out, ProcTable *t, uint32_t ev)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        fputs("cspi: out of memory\n", stderr);
        exit(70);
    }
    event_print(m, proc_events(t), ev);
    fclose(m);
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '"' || text[i] == '\\') fputc('\\', out);
        fputc(text[i], out);
    }
    free(text);
}

void graph_write_dot(FILE *out, ProcTable *t, const Proc *const *states, uint32_t n)
{
    fputs("digraph LTS {\n  rankdir=LR;\n  node [shape=circle, label=\"\"];\n", out);
    fputs("  s0 [shape=doublecircle];\n", out);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m;
        const Trans *ts = proc_transitions(t, states[i], &m);
        for (uint32_t k = 0; k < m; k++) {
            const Proc *next = proc_state(t, ts[k].next);   /* cached by now */
            uint32_t j = 0;
            while (j < n && states[j] != next) j++;
            fprintf(out, "  s%u -> s%u [label=\"", i, j);
            write_label(out, t, ts[k].event);
            fputs("\"];\n", out);
        }
    }
    fputs("}\n", out);
}
