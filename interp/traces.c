/* traces.c - a process's traces, shortest first, read off the checker's
 * normal form (normal.c): each node reached by a trace is the tau-closed
 * set of states after it, so the traces one event longer are the node's
 * successors. The REPL's :traces lists them; see check.h.
 */
#include "check_internal.h"

#include <stdlib.h>

/* The traces found so far: item i is the trace of item parent[i] then
 * event[i] (item 0 is <>), ending in normal-form node node[i]. */
typedef struct {
    uint32_t *node, *parent, *event;
    uint32_t n, cap;
    uint32_t *buf, buf_cap;   /* one trace spelled out, for emit */
    uint32_t *order, order_cap;   /* a node's successors in event order */
} Items;

static void push(Items *it, uint32_t node, uint32_t parent, uint32_t event)
{
    if (it->n == it->cap) {
        it->cap = it->cap ? 2 * it->cap : 64;
        it->node = xrealloc(it->node, it->cap * sizeof *it->node);
        it->parent = xrealloc(it->parent, it->cap * sizeof *it->parent);
        it->event = xrealloc(it->event, it->cap * sizeof *it->event);
    }
    it->node[it->n] = node;
    it->parent[it->n] = parent;
    it->event[it->n] = event;
    it->n++;
}

/* Item i's trace, first event first, in it->buf; returns its length. */
static uint32_t spell(Items *it, uint32_t i, uint32_t len)
{
    if (len > it->buf_cap) it->buf = xrealloc(it->buf, (it->buf_cap = 2 * len) * sizeof *it->buf);
    for (uint32_t k = len; k-- > 0; i = it->parent[i]) it->buf[k] = it->event[i];
    return len;
}

static int cmp_by_event(const void *a, const void *b, void *succ_ev)
{
    const uint32_t *ev = succ_ev;
    uint32_t x = ev[*(const uint32_t *)a], y = ev[*(const uint32_t *)b];
    return (x > y) - (x < y);
}

/* qsort_r is not C11: a node offers few events, so sort them by insertion. */
static void sort_by_event(uint32_t *order, uint32_t n, const uint32_t *succ_ev)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = order[i], j = i;
        for (; j > 0 && cmp_by_event(&order[j - 1], &x, (void *)succ_ev) > 0; j--) order[j] = order[j - 1];
        order[j] = x;
    }
}

/* The traces level by level until depth, or until emit says stop. */
static void list_traces(Chk *c, const Proc *p, uint32_t depth, ChkTraceFn emit, void *ctx, Items *it)
{
    push(it, nf_initial_node(c, p), UINT32_MAX, 0);
    chk_count_state(c);
    if (!emit(ctx, NULL, 0)) return;
    uint32_t from = 0;
    for (uint32_t len = 1; len <= depth && from < it->n; len++) {
        uint32_t to = it->n;
        for (uint32_t i = from; i < to; i++) {
            uint32_t id = it->node[i];
            nf_successors(c, id);
            uint32_t n = c->nodes[id].n_succ;
            if (n > it->order_cap) it->order = xrealloc(it->order, (it->order_cap = 2 * n) * sizeof *it->order);
            uint32_t *order = it->order;
            for (uint32_t k = 0; k < n; k++) order[k] = k;
            sort_by_event(order, n, c->nodes[id].succ_ev);
            for (uint32_t k = 0; k < n; k++) {
                const NNode *x = &c->nodes[id];   /* nodes move as the normal form grows */
                push(it, x->succ_node[order[k]], i, x->succ_ev[order[k]]);
                chk_count_state(c);
                /* Spelled before it->buf is read: spelling may move it. */
                uint32_t n_ev = spell(it, it->n - 1, len);
                if (!emit(ctx, it->buf, n_ev)) return;
            }
        }
        from = to;
    }
}

ChkResult chk_traces(ProcTable *t, const Proc *p, uint32_t depth, const ChkOptions *o, Span at,
                     ChkTraceFn emit, void *ctx)
{
    ChkStats stats;
    Chk *c = chk_open(t, o, &stats, at);
    c->normalising = "listing traces";
    Items *it = xcalloc(1, sizeof *it);   /* on the heap: it survives a bail */
    volatile ChkResult result = CHK_PASSED;
    if (setjmp(c->jb)) {
        result = (ChkResult)c->failure;
        if (result == CHK_LIMIT && watch_stopped(eval_watch(c->E)) == WATCH_INTERRUPT) result = CHK_INTERRUPTED;
    } else {
        list_traces(c, p, depth, emit, ctx, it);
    }
    if (c->progress_shown) fputs("\r\033[K", stderr);
    free(it->node);
    free(it->parent);
    free(it->event);
    free(it->buf);
    free(it->order);
    free(it);
    chk_close(c);
    return result;
}
