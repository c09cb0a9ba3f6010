/* lts.c - explicit labelled state machines: building, exploring a term,
 * spelling labels out with taus. See lts.h.
 */
#include "lts.h"

#include <stdlib.h>
#include <string.h>

void *lts_grow(Eval *E, void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return p;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *q = eval_tmp(E, c * size);
    if (*cap && p) memcpy(q, p, *cap * size);
    eval_tmp_free(E, p);
    *cap = c;
    return q;
}

uint32_t lts_add_state(LtsBuild *b, uint8_t label)
{
    b->label = lts_grow(b->E, b->label, &b->cap_n, (size_t)b->n + 1, 1);
    b->label[b->n] = label;
    if (label) b->labelled = true;
    return b->n++;
}

void lts_add_edge(LtsBuild *b, uint32_t from, uint32_t event, uint32_t to)
{
    b->e = lts_grow(b->E, b->e, &b->cap_e, 3 * ((size_t)b->n_e + 1), sizeof *b->e);
    b->e[3 * b->n_e] = from;
    b->e[3 * b->n_e + 1] = event;
    b->e[3 * b->n_e + 2] = to;
    b->n_e++;
}

void lts_add_acc(LtsBuild *b, uint32_t state, const EventSet *set)
{
    b->a = lts_grow(b->E, b->a, &b->cap_a, (size_t)b->n_a + 1, sizeof *b->a);
    b->a[b->n_a++] = (struct LtsAcc){ state, set };
}

static void *mem(Eval *E, Arena *a, size_t bytes)
{
    if (bytes == 0) bytes = 1;
    if (a) return arena_alloc(a, bytes);
    void *p = eval_tmp(E, bytes);
    memset(p, 0, bytes);
    return p;
}

static int cmp_edge(const void *x, const void *y)
{
    const LtsEdge *a = x, *b = y;
    if (a->event != b->event) return (a->event > b->event) - (a->event < b->event);
    return (a->to > b->to) - (a->to < b->to);
}

static int cmp_set(const void *x, const void *y)
{
    uint32_t a = (*(const EventSet *const *)x)->id, b = (*(const EventSet *const *)y)->id;
    return (a > b) - (a < b);
}

Lts *lts_finish(LtsBuild *b, uint32_t initial, Arena *a)
{
    Eval *E = b->E;
    uint32_t n = b->n;
    /* edges and acceptances grouped by state (counting sort) */
    uint32_t *off = mem(E, NULL, ((size_t)n + 1) * sizeof *off);
    uint32_t *ord = mem(E, NULL, (size_t)b->n_e * sizeof *ord);
    for (uint32_t i = 0; i < b->n_e; i++) off[b->e[3 * i] + 1]++;
    for (uint32_t s = 0; s < n; s++) off[s + 1] += off[s];
    uint32_t *fill = mem(E, NULL, ((size_t)n + 1) * sizeof *fill);
    memcpy(fill, off, ((size_t)n + 1) * sizeof *fill);
    for (uint32_t i = 0; i < b->n_e; i++) ord[fill[b->e[3 * i]]++] = i;
    /* breadth-first numbering from the initial state */
    uint32_t *id = mem(E, NULL, (size_t)n * sizeof *id), *queue = mem(E, NULL, (size_t)n * sizeof *queue);
    for (uint32_t s = 0; s < n; s++) id[s] = UINT32_MAX;
    uint32_t k = 0, m = 0;
    if (n) {
        id[initial] = 0;
        queue[k++] = initial;
    }
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = off[queue[i]]; j < off[queue[i] + 1]; j++) {
            uint32_t to = b->e[3 * ord[j] + 2];
            m++;
            if (id[to] == UINT32_MAX) {
                id[to] = k;
                queue[k++] = to;
            }
        }
    Lts *L = mem(E, a, sizeof *L);
    L->n = k;
    L->first = mem(E, a, ((size_t)k + 1) * sizeof *L->first);
    L->edges = mem(E, a, (size_t)m * sizeof *L->edges);
    uint32_t ne = 0;
    for (uint32_t i = 0; i < k; i++) {
        uint32_t s = queue[i], start = ne;
        L->first[i] = ne;
        for (uint32_t j = off[s]; j < off[s + 1]; j++)
            L->edges[ne++] = (LtsEdge){ b->e[3 * ord[j] + 1], id[b->e[3 * ord[j] + 2]] };
        qsort(L->edges + start, ne - start, sizeof *L->edges, cmp_edge);
        uint32_t w = start;
        for (uint32_t j = start; j < ne; j++)
            if (j == start || cmp_edge(&L->edges[j], &L->edges[w - 1]) != 0) L->edges[w++] = L->edges[j];
        ne = w;
    }
    L->first[k] = ne;
    L->n_edges = ne;
    if (b->labelled) {
        L->label = mem(E, a, k);
        for (uint32_t i = 0; i < k; i++) L->label[i] = b->label[queue[i]];
        uint32_t *cnt = mem(E, NULL, ((size_t)k + 1) * sizeof *cnt);
        for (uint32_t i = 0; i < b->n_a; i++)
            if (id[b->a[i].state] != UINT32_MAX) cnt[id[b->a[i].state] + 1]++;
        for (uint32_t i = 0; i < k; i++) cnt[i + 1] += cnt[i];
        const EventSet **accs = mem(E, NULL, ((size_t)cnt[k] + 1) * sizeof *accs);
        uint32_t *pos = mem(E, NULL, ((size_t)k + 1) * sizeof *pos);
        memcpy(pos, cnt, ((size_t)k + 1) * sizeof *pos);
        for (uint32_t i = 0; i < b->n_a; i++)
            if (id[b->a[i].state] != UINT32_MAX) accs[pos[id[b->a[i].state]]++] = b->a[i].set;
        L->acc_first = mem(E, a, ((size_t)k + 1) * sizeof *L->acc_first);
        L->accs = mem(E, a, ((size_t)cnt[k] + 1) * sizeof *L->accs);
        uint32_t na = 0;
        for (uint32_t i = 0; i < k; i++) {
            L->acc_first[i] = na;
            qsort(accs + cnt[i], cnt[i + 1] - cnt[i], sizeof *accs, cmp_set);
            for (uint32_t j = cnt[i]; j < cnt[i + 1]; j++)
                if (na == L->acc_first[i] || L->accs[na - 1] != accs[j]) L->accs[na++] = accs[j];
        }
        L->acc_first[k] = na;
        eval_tmp_free(E, pos);
        eval_tmp_free(E, accs);
        eval_tmp_free(E, cnt);
    }
    eval_tmp_free(E, queue);
    eval_tmp_free(E, id);
    eval_tmp_free(E, fill);
    eval_tmp_free(E, ord);
    eval_tmp_free(E, off);
    eval_tmp_free(E, b->label);
    eval_tmp_free(E, b->e);
    eval_tmp_free(E, b->a);
    memset(b, 0, sizeof *b);
    return L;
}

void lts_free_tmp(Eval *E, Lts *L)
{
    if (!L) return;
    eval_tmp_free(E, L->first);
    eval_tmp_free(E, L->edges);
    eval_tmp_free(E, L->label);
    eval_tmp_free(E, L->acc_first);
    eval_tmp_free(E, (void *)L->accs);
    eval_tmp_free(E, L);
}

Lts *lts_copy(Eval *E, const Lts *L, Arena *a)
{
    Lts *c = mem(E, a, sizeof *c);
    c->n = L->n;
    c->n_edges = L->n_edges;
    c->first = mem(E, a, ((size_t)L->n + 1) * sizeof *c->first);
    memcpy(c->first, L->first, ((size_t)L->n + 1) * sizeof *c->first);
    c->edges = mem(E, a, (size_t)L->n_edges * sizeof *c->edges);
    if (L->n_edges) memcpy(c->edges, L->edges, (size_t)L->n_edges * sizeof *c->edges);
    if (L->label) {
        c->label = mem(E, a, L->n);
        memcpy(c->label, L->label, L->n);
        c->acc_first = mem(E, a, ((size_t)L->n + 1) * sizeof *c->acc_first);
        memcpy(c->acc_first, L->acc_first, ((size_t)L->n + 1) * sizeof *c->acc_first);
        uint32_t na = L->acc_first[L->n];
        c->accs = mem(E, a, ((size_t)na + 1) * sizeof *c->accs);
        if (na) memcpy((void *)c->accs, L->accs, na * sizeof *c->accs);
    }
    return c;
}

/* ---- exploring a term ---- */

static uint32_t hash_id(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    return x ^ (x >> 16);
}

/* Term id -> state, open addressing (key id + 1, 0 empty), in temporaries. */
typedef struct {
    uint32_t *slot;         /* pairs: key, state */
    uint32_t cap, n;
} IdMap;

static void idmap_grow(Eval *E, IdMap *m)
{
    uint32_t ncap = m->cap ? m->cap * 2 : 256;
    uint32_t *ns = eval_tmp(E, 2 * (size_t)ncap * sizeof *ns);
    memset(ns, 0, 2 * (size_t)ncap * sizeof *ns);
    for (uint32_t j = 0; j < m->cap; j++) {
        if (!m->slot[2 * j]) continue;
        uint32_t h = hash_id(m->slot[2 * j]) & (ncap - 1);
        while (ns[2 * h]) h = (h + 1) & (ncap - 1);
        ns[2 * h] = m->slot[2 * j];
        ns[2 * h + 1] = m->slot[2 * j + 1];
    }
    eval_tmp_free(E, m->slot);
    m->slot = ns;
    m->cap = ncap;
}

/* The slot of term id: holding it, or empty where it goes. */
static uint32_t *idmap_slot(IdMap *m, uint32_t id)
{
    uint32_t h = hash_id(id + 1) & (m->cap - 1);
    while (m->slot[2 * h] && m->slot[2 * h] != id + 1) h = (h + 1) & (m->cap - 1);
    return &m->slot[2 * h];
}

Lts *lts_of_term(ProcTable *t, const Proc *p, uint64_t max_states, Span at, const char *what)
{
    Eval *E = proc_eval(t);
    LtsBuild b = { .E = E };
    IdMap map = { 0 };
    const Proc **states = NULL;
    size_t cap_states = 0;
    idmap_grow(E, &map);
    Trans *ts = NULL;
    size_t cap_ts = 0;
    p = proc_state_in(t, p);   /* states as the checker counts them (proc_state) */
    uint32_t *sl = idmap_slot(&map, p->id);
    sl[0] = p->id + 1;
    sl[1] = lts_add_state(&b, 0);
    map.n = 1;
    states = lts_grow(E, states, &cap_states, 1, sizeof *states);
    states[0] = p;
    for (uint32_t i = 0; i < b.n; i++) {
        if ((i & 255) == 255) eval_poll(E, at);
        /* not cached on the term (each state is expanded once here); copied,
         * since finding a state's form may compute other transitions once */
        uint32_t m;
        const Trans *once = proc_transitions_once_in(t, states[i], &m);
        ts = lts_grow(E, ts, &cap_ts, m, sizeof *ts);
        if (m) memcpy(ts, once, m * sizeof *ts);
        for (uint32_t k = 0; k < m; k++) {
            const Proc *q = proc_state_in(t, ts[k].next);
            sl = idmap_slot(&map, q->id);
            if (!sl[0]) {
                if (b.n >= max_states)
                    eval_limit(E, at, "%s: the process has more than %llu states (is it infinite?)",
                               what, (unsigned long long)max_states);
                sl[0] = q->id + 1;
                sl[1] = lts_add_state(&b, 0);
                states = lts_grow(E, states, &cap_states, (size_t)b.n, sizeof *states);
                states[sl[1]] = q;
                lts_add_edge(&b, i, ts[k].event, sl[1]);
                if (++map.n * 2 > map.cap) idmap_grow(E, &map);
            } else {
                lts_add_edge(&b, i, ts[k].event, sl[1]);
            }
        }
    }
    eval_tmp_free(E, ts);
    eval_tmp_free(E, map.slot);
    eval_tmp_free(E, states);
    return lts_finish(&b, 0, NULL);
}

/* ---- labels spelled out ---- */

const EventSet *lts_initials(ProcTable *t, const Lts *L, uint32_t s)
{
    uint32_t n = L->first[s + 1] - L->first[s];
    uint32_t *ev = eval_tmp(proc_eval(t), ((size_t)n + 1) * sizeof *ev);
    uint32_t k = 0;
    for (uint32_t j = L->first[s]; j < L->first[s + 1]; j++)
        if (L->edges[j].event != EVENT_TAU) ev[k++] = L->edges[j].event;
    const EventSet *r = proc_sorted_set(t, ev, k);
    eval_tmp_free(proc_eval(t), ev);
    return r;
}

Lts *lts_explicate(ProcTable *t, const Lts *L, Arena *a)
{
    Eval *E = proc_eval(t);
    LtsBuild b = { .E = E };
    for (uint32_t s = 0; s < L->n; s++) lts_add_state(&b, 0);
    for (uint32_t s = 0; s < L->n; s++) {
        for (uint32_t j = L->first[s]; j < L->first[s + 1]; j++)
            lts_add_edge(&b, s, L->edges[j].event, L->edges[j].to);
        if (!L->label || !(L->label[s] & LTS_LABELLED)) continue;
        bool div = L->label[s] & LTS_DIVERGENT;
        uint32_t a0 = L->acc_first[s], a1 = L->acc_first[s + 1];
        if (!div && a1 - a0 == 1 && L->accs[a0] == lts_initials(t, L, s)) continue;
        if (div) lts_add_edge(&b, s, EVENT_TAU, s);
        for (uint32_t i = a0; i < a1; i++) {
            uint32_t x = lts_add_state(&b, 0);
            lts_add_edge(&b, s, EVENT_TAU, x);
            for (uint32_t j = L->first[s]; j < L->first[s + 1]; j++)
                if (proc_in_set(L->accs[i], L->edges[j].event))
                    lts_add_edge(&b, x, L->edges[j].event, L->edges[j].to);
        }
    }
    return lts_finish(&b, 0, a);
}
