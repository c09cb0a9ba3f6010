/* compress.c - the compressions over explicit machines, and their cache.
 * Strong bisimulation by signature refinement (a state's signature: its
 * block and the set of (event, block) it moves to; blocks split until no
 * block splits), tau-loops by Tarjan's algorithm, diamond elimination by
 * tau-closures, the normal form by the subset construction over
 * tau-closures; weak and delay bisimulation are strong bisimulation of the
 * saturated machine. Labels (divergence, minimal acceptances) take part in
 * every comparison. See compress.h.
 */
#include "compress.h"
#include "resolve.h"

#include <stdlib.h>
#include <string.h>

#define COMPRESS_AS_NAME(k) #k,
const char *const compress_name[COMPRESS__COUNT] = { COMPRESSIONS(COMPRESS_AS_NAME) };

int compress_of_builtin(int builtin)
{
    switch (builtin) {
    case RES_BI_sbisim: return COMPRESS_sbisim;
    case RES_BI_normal: case RES_BI_normalise: case RES_BI_lazynorm: return COMPRESS_normal;
    case RES_BI_diamond: return COMPRESS_diamond;
    case RES_BI_tau_loop_factor: return COMPRESS_tau_loop_factor;
    case RES_BI_wbisim: return COMPRESS_wbisim;
    case RES_BI_dbisim: return COMPRESS_dbisim;
    case RES_BI_explicate: case RES_BI_lazyenumerate: return COMPRESS_explicate;
    default: return -1;
    }
}

/* ---- helpers ---- */

typedef struct {
    ProcTable *t;
    Eval *E;
    const Lts *L;
    uint64_t max;
    Span at;
    const char *what;
} Cx;

static void *tmp0(Eval *E, size_t n, size_t size)
{
    void *p = eval_tmp(E, (n ? n : 1) * size);
    memset(p, 0, (n ? n : 1) * size);
    return p;
}

static bool labelled(const Lts *L, uint32_t s) { return L->label && (L->label[s] & LTS_LABELLED); }
static bool div_label(const Lts *L, uint32_t s) { return L->label && (L->label[s] & LTS_DIVERGENT); }

static bool has_tau(const Lts *L, uint32_t s)
{
    return L->first[s] < L->first[s + 1] && L->edges[L->first[s]].event == EVENT_TAU;   /* sorted: tau is 0 */
}

static bool tau_self_loop(const Lts *L, uint32_t s)
{
    for (uint32_t j = L->first[s]; j < L->first[s + 1] && L->edges[j].event == EVENT_TAU; j++)
        if (L->edges[j].to == s) return true;
    return false;
}

static bool subset(const EventSet *a, const EventSet *b)
{
    for (uint32_t i = 0; i < a->n; i++)
        if (!proc_in_set(b, a->ev[i])) return false;
    return true;
}

/* A list of minimal acceptances being gathered. */
typedef struct {
    const EventSet **a;
    uint32_t n;
    size_t cap;
} Accs;

static void accs_add(Eval *E, Accs *x, const EventSet *s)
{
    for (uint32_t j = 0; j < x->n; j++)
        if (subset(x->a[j], s)) return;   /* s is no smaller */
    uint32_t m = 0;
    for (uint32_t j = 0; j < x->n; j++)
        if (!subset(s, x->a[j])) x->a[m++] = x->a[j];
    x->n = m;
    x->a = lts_grow(E, x->a, &x->cap, (size_t)x->n + 1, sizeof *x->a);
    x->a[x->n++] = s;
}

/* What state u contributes to the acceptances of a closure holding it. */
static void accs_of_state(Cx *c, Accs *x, uint32_t u)
{
    if (labelled(c->L, u)) {
        for (uint32_t i = c->L->acc_first[u]; i < c->L->acc_first[u + 1]; i++) accs_add(c->E, x, c->L->accs[i]);
    } else if (!has_tau(c->L, u)) {
        accs_add(c->E, x, lts_initials(c->t, c->L, u));
    }
}

static void limit(Cx *c, uint64_t n)
{
    if (n > c->max)
        eval_limit(c->E, c->at, "%s: more than %llu states (is the process infinite?)", c->what,
                   (unsigned long long)c->max);
}

/* ---- tau-closures (stamped visits) ---- */

typedef struct {
    uint32_t *stamp, now;
    uint32_t *out;          /* the closure's states */
    size_t cap;
    uint32_t n;
    uint32_t *stack;
    size_t cap_stack;
} Closure;

static void closure_open(Eval *E, Closure *k, uint32_t n)
{
    memset(k, 0, sizeof *k);
    k->stamp = tmp0(E, n, sizeof *k->stamp);
}

static void closure_close(Eval *E, Closure *k)
{
    eval_tmp_free(E, k->stamp);
    eval_tmp_free(E, k->out);
    eval_tmp_free(E, k->stack);
}

static void closure_start(Cx *c, Closure *k)
{
    if (++k->now == 0) {
        memset(k->stamp, 0, (size_t)c->L->n * sizeof *k->stamp);
        k->now = 1;
    }
    k->n = 0;
}

/* Adds s and the states it reaches by taus (self-loops aside). */
static void closure_add(Cx *c, Closure *k, uint32_t s)
{
    if (k->stamp[s] == k->now) return;
    uint32_t sp = 0;
    k->stamp[s] = k->now;
    k->stack = lts_grow(c->E, k->stack, &k->cap_stack, 1, sizeof *k->stack);
    k->stack[sp++] = s;
    while (sp) {
        uint32_t u = k->stack[--sp];
        k->out = lts_grow(c->E, k->out, &k->cap, (size_t)k->n + 1, sizeof *k->out);
        k->out[k->n++] = u;
        for (uint32_t j = c->L->first[u]; j < c->L->first[u + 1] && c->L->edges[j].event == EVENT_TAU; j++) {
            uint32_t v = c->L->edges[j].to;
            if (k->stamp[v] == k->now) continue;
            k->stamp[v] = k->now;
            k->stack = lts_grow(c->E, k->stack, &k->cap_stack, (size_t)sp + 1, sizeof *k->stack);
            k->stack[sp++] = v;
        }
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ---- tau-loops: Tarjan's strongly connected components over taus ---- */

/* comp[s]: s's component; cyclic[comp]: a tau cycle runs through it. */
static uint32_t tau_sccs(Cx *c, uint32_t *comp, uint8_t **cyclic_out)
{
    const Lts *L = c->L;
    Eval *E = c->E;
    uint32_t n = L->n, n_comp = 0, counter = 0;
    uint32_t *index = tmp0(E, n, sizeof *index), *low = tmp0(E, n, sizeof *low);
    uint32_t *stack = tmp0(E, n, sizeof *stack), sp = 0;
    uint32_t *call = tmp0(E, n, sizeof *call), *pos = tmp0(E, n, sizeof *pos), cp = 0;
    uint8_t *on = tmp0(E, n, 1);
    uint8_t *cyclic = tmp0(E, n, 1);
    for (uint32_t r = 0; r < n; r++) {
        if (index[r]) continue;
        call[cp] = r;
        pos[cp++] = L->first[r];
        index[r] = low[r] = ++counter;
        stack[sp++] = r;
        on[r] = 1;
        while (cp) {
            uint32_t u = call[cp - 1];
            uint32_t j = pos[cp - 1];
            if (j < L->first[u + 1] && L->edges[j].event == EVENT_TAU) {
                pos[cp - 1]++;
                uint32_t v = L->edges[j].to;
                if (!index[v]) {
                    index[v] = low[v] = ++counter;
                    stack[sp++] = v;
                    on[v] = 1;
                    call[cp] = v;
                    pos[cp++] = L->first[v];
                } else if (on[v] && index[v] < low[u]) {
                    low[u] = index[v];
                }
                continue;
            }
            cp--;
            if (cp && low[u] < low[call[cp - 1]]) low[call[cp - 1]] = low[u];
            if (low[u] != index[u]) continue;
            uint32_t size = 0;
            bool cyc = false;
            uint32_t v;
            do {
                v = stack[--sp];
                on[v] = 0;
                comp[v] = n_comp;
                size++;
                if (tau_self_loop(L, v)) cyc = true;
            } while (v != u);
            cyclic[n_comp++] = cyc || size > 1;
        }
    }
    eval_tmp_free(E, on);
    eval_tmp_free(E, pos);
    eval_tmp_free(E, call);
    eval_tmp_free(E, stack);
    eval_tmp_free(E, low);
    eval_tmp_free(E, index);
    *cyclic_out = cyclic;
    return n_comp;
}

/* Copies state s's labels into state x of b. */
static void copy_labels(LtsBuild *b, const Lts *L, uint32_t s, uint32_t x)
{
    for (uint32_t i = L->acc_first[s]; i < L->acc_first[s + 1]; i++) lts_add_acc(b, x, L->accs[i]);
}

static Lts *tau_loop_factor(Cx *c)
{
    const Lts *L = c->L;
    uint32_t *comp = tmp0(c->E, L->n, sizeof *comp);
    uint8_t *cyclic;
    uint32_t n_comp = tau_sccs(c, comp, &cyclic);
    LtsBuild b = { .E = c->E };
    uint8_t *lab = tmp0(c->E, n_comp, 1);
    for (uint32_t s = 0; s < L->n; s++)
        if (labelled(L, s)) lab[comp[s]] = L->label[s];   /* labelled states have no taus: alone */
    for (uint32_t k = 0; k < n_comp; k++) lts_add_state(&b, lab[k]);
    for (uint32_t s = 0; s < L->n; s++) {
        if (labelled(L, s)) copy_labels(&b, L, s, comp[s]);
        for (uint32_t j = L->first[s]; j < L->first[s + 1]; j++) {
            uint32_t to = L->edges[j].to;
            if (L->edges[j].event == EVENT_TAU && comp[to] == comp[s]) continue;
            lts_add_edge(&b, comp[s], L->edges[j].event, comp[to]);
        }
    }
    for (uint32_t k = 0; k < n_comp; k++)
        if (cyclic[k]) lts_add_edge(&b, k, EVENT_TAU, k);   /* the loop, as one divergent node */
    uint32_t init = comp[0];
    eval_tmp_free(c->E, lab);
    eval_tmp_free(c->E, cyclic);
    eval_tmp_free(c->E, comp);
    return lts_finish(&b, init, NULL);
}

/* ---- strong bisimulation: signature refinement ---- */

/* Interned signatures (arrays of words) of one round. */
typedef struct {
    uint32_t *pool;
    size_t cap_pool, n_pool;
    uint32_t *off, *len;    /* by block */
    size_t cap_blocks;
    uint32_t n_blocks;
    uint32_t *slot, cap;    /* block + 1 */
} Sigs;

static uint32_t sig_hash(const uint32_t *w, uint32_t n)
{
    uint64_t h = n * 0x9E3779B97F4A7C15u;
    for (uint32_t i = 0; i < n; i++) h = (h ^ w[i]) * 0x100000001B3u;
    return (uint32_t)(h ^ (h >> 31));
}

static uint32_t sig_intern(Eval *E, Sigs *g, const uint32_t *w, uint32_t n)
{
    if (2 * ((size_t)g->n_blocks + 1) > g->cap) {
        uint32_t ncap = g->cap ? g->cap * 2 : 1024;
        uint32_t *ns = tmp0(E, ncap, sizeof *ns);
        for (uint32_t b = 0; b < g->n_blocks; b++) {
            uint32_t h = sig_hash(g->pool + g->off[b], g->len[b]) & (ncap - 1);
            while (ns[h]) h = (h + 1) & (ncap - 1);
            ns[h] = b + 1;
        }
        eval_tmp_free(E, g->slot);
        g->slot = ns;
        g->cap = ncap;
    }
    uint32_t h = sig_hash(w, n) & (g->cap - 1);
    for (; g->slot[h]; h = (h + 1) & (g->cap - 1)) {
        uint32_t b = g->slot[h] - 1;
        if (g->len[b] == n && memcmp(g->pool + g->off[b], w, n * sizeof *w) == 0) return b;
    }
    uint32_t b = g->n_blocks++;
    size_t cb = g->cap_blocks;
    g->off = lts_grow(E, g->off, &cb, g->n_blocks, sizeof *g->off);
    cb = g->cap_blocks;
    g->len = lts_grow(E, g->len, &cb, g->n_blocks, sizeof *g->len);
    g->cap_blocks = cb;
    g->pool = lts_grow(E, g->pool, &g->cap_pool, g->n_pool + n, sizeof *g->pool);
    if (n) memcpy(g->pool + g->n_pool, w, n * sizeof *w);
    g->off[b] = (uint32_t)g->n_pool;
    g->len[b] = n;
    g->n_pool += n;
    g->slot[h] = b + 1;
    return b;
}

static void sigs_free(Eval *E, Sigs *g)
{
    eval_tmp_free(E, g->pool);
    eval_tmp_free(E, g->off);
    eval_tmp_free(E, g->len);
    eval_tmp_free(E, g->slot);
    memset(g, 0, sizeof *g);
}

/* The coarsest strong bisimulation of L respecting labels (and the
 * initial classes init, if given): block of each state; *n_blocks. */
static uint32_t *bisim_blocks(Cx *c, const Lts *L, const uint32_t *init, uint32_t *n_blocks)
{
    Eval *E = c->E;
    uint32_t *blk = tmp0(E, L->n, sizeof *blk);
    uint32_t *w = NULL;
    size_t cap_w = 0;
    uint64_t *pairs = NULL;
    size_t cap_pairs = 0;
    Sigs g = { 0 };
    for (uint32_t s = 0; s < L->n; s++) {   /* round 0: the labels */
        uint32_t n = 0;
        w = lts_grow(E, w, &cap_w, 4 + (size_t)(L->label ? L->acc_first[s + 1] - L->acc_first[s] : 0), sizeof *w);
        w[n++] = L->label ? L->label[s] : 0;
        w[n++] = init ? init[s] : 0;
        if (labelled(L, s))
            for (uint32_t i = L->acc_first[s]; i < L->acc_first[s + 1]; i++) w[n++] = L->accs[i]->id;
        blk[s] = sig_intern(E, &g, w, n);
    }
    uint32_t before = g.n_blocks;
    Sigs h = { 0 };         /* the next round's; the two swap, keeping their memory */
    uint32_t *nb = tmp0(E, L->n, sizeof *nb);
    for (uint32_t round = 0;; round++) {
        eval_poll(E, c->at);
        h.n_pool = 0;
        h.n_blocks = 0;
        if (h.slot) memset(h.slot, 0, h.cap * sizeof *h.slot);
        for (uint32_t s = 0; s < L->n; s++) {
            uint32_t m = L->first[s + 1] - L->first[s];
            pairs = lts_grow(E, pairs, &cap_pairs, (size_t)m + 1, sizeof *pairs);
            for (uint32_t j = 0; j < m; j++) {
                const LtsEdge *e = &L->edges[L->first[s] + j];
                pairs[j] = (uint64_t)e->event << 32 | blk[e->to];
            }
            qsort(pairs, m, sizeof *pairs, cmp_u64);
            w = lts_grow(E, w, &cap_w, 1 + 2 * (size_t)m, sizeof *w);
            uint32_t n = 0;
            w[n++] = blk[s];
            for (uint32_t j = 0; j < m; j++) {
                if (j && pairs[j] == pairs[j - 1]) continue;
                w[n++] = (uint32_t)(pairs[j] >> 32);
                w[n++] = (uint32_t)pairs[j];
            }
            nb[s] = sig_intern(E, &h, w, n);
        }
        uint32_t after = h.n_blocks;
        Sigs sw = g;
        g = h;
        h = sw;
        uint32_t *bw = blk;
        blk = nb;
        nb = bw;
        if (after == before) break;   /* signatures hold the old block: no split, stable */
        before = after;
    }
    *n_blocks = g.n_blocks;
    sigs_free(E, &g);
    sigs_free(E, &h);
    eval_tmp_free(E, nb);
    eval_tmp_free(E, w);
    eval_tmp_free(E, pairs);
    return blk;
}

/* L's quotient by blocks: a block's edges and labels are its first
 * member's (all members have the same). */
static Lts *quotient_strong(Cx *c, const Lts *L, const uint32_t *blk, uint32_t n_blocks)
{
    LtsBuild b = { .E = c->E };
    uint32_t *rep = tmp0(c->E, n_blocks, sizeof *rep);
    for (uint32_t k = 0; k < n_blocks; k++) rep[k] = UINT32_MAX;
    for (uint32_t s = 0; s < L->n; s++)
        if (rep[blk[s]] == UINT32_MAX) rep[blk[s]] = s;
    for (uint32_t k = 0; k < n_blocks; k++) lts_add_state(&b, L->label ? L->label[rep[k]] : 0);
    for (uint32_t k = 0; k < n_blocks; k++) {
        uint32_t s = rep[k];
        if (labelled(L, s)) copy_labels(&b, L, s, k);
        for (uint32_t j = L->first[s]; j < L->first[s + 1]; j++)
            lts_add_edge(&b, k, L->edges[j].event, blk[L->edges[j].to]);
    }
    eval_tmp_free(c->E, rep);
    return lts_finish(&b, blk[0], NULL);
}

static Lts *sbisim(Cx *c, const Lts *L)
{
    uint32_t n_blocks;
    uint32_t *blk = bisim_blocks(c, L, NULL, &n_blocks);
    Lts *r = quotient_strong(c, L, blk, n_blocks);
    eval_tmp_free(c->E, blk);
    return r;
}

/* ---- diamond elimination ---- */

/* Divergent within a tau-loop-free machine: a tau self-loop or the label. */
static bool divergent_point(const Lts *L, uint32_t s) { return div_label(L, s) || tau_self_loop(L, s); }

static Lts *diamond(Cx *c)
{
    const Lts *L = c->L;   /* tau-loop-factored */
    Eval *E = c->E;
    LtsBuild b = { .E = E };
    uint32_t *id = tmp0(E, L->n, sizeof *id);   /* original state + 1 -> node + 1 */
    uint32_t *queue = tmp0(E, L->n, sizeof *queue), nq = 0;
    Closure k, r;
    closure_open(E, &k, L->n);
    closure_open(E, &r, L->n);
    uint64_t *steps = NULL;
    size_t cap_steps = 0;
    Accs acc = { 0 };
    id[0] = lts_add_state(&b, LTS_LABELLED) + 1;
    queue[nq++] = 0;
    for (uint32_t q = 0; q < nq; q++) {
        uint32_t s = queue[q], node = id[s] - 1;
        if ((q & 255) == 255) eval_poll(E, c->at);
        closure_start(c, &k);
        closure_add(c, &k, s);
        bool div = false;
        acc.n = 0;
        uint32_t n_steps = 0;
        for (uint32_t i = 0; i < k.n; i++) {
            uint32_t u = k.out[i];
            if (divergent_point(L, u)) div = true;
            accs_of_state(c, &acc, u);
            for (uint32_t j = L->first[u]; j < L->first[u + 1]; j++) {
                if (L->edges[j].event == EVENT_TAU) continue;
                steps = lts_grow(E, steps, &cap_steps, (size_t)n_steps + 1, sizeof *steps);
                steps[n_steps++] = (uint64_t)L->edges[j].event << 32 | L->edges[j].to;
            }
        }
        if (div) b.label[node] |= LTS_DIVERGENT;
        for (uint32_t i = 0; i < acc.n; i++) lts_add_acc(&b, node, acc.a[i]);
        if (n_steps > 1) qsort(steps, n_steps, sizeof *steps, cmp_u64);
        for (uint32_t i = 0; i < n_steps;) {
            uint32_t ev = (uint32_t)(steps[i] >> 32), end = i;
            while (end < n_steps && (uint32_t)(steps[end] >> 32) == ev) end++;
            /* the earliest targets: those no other target reaches by taus */
            closure_start(c, &r);
            for (uint32_t j = i; j < end; j++) {
                uint32_t t = (uint32_t)steps[j];
                for (uint32_t x = L->first[t]; x < L->first[t + 1] && L->edges[x].event == EVENT_TAU; x++)
                    if (L->edges[x].to != t) closure_add(c, &r, L->edges[x].to);
            }
            for (uint32_t j = i; j < end; j++) {
                uint32_t t = (uint32_t)steps[j];
                if (j > i && steps[j] == steps[j - 1]) continue;
                if (r.stamp[t] == r.now) continue;
                if (!id[t]) {
                    id[t] = lts_add_state(&b, LTS_LABELLED) + 1;
                    queue[nq++] = t;
                }
                lts_add_edge(&b, node, ev, id[t] - 1);
            }
            i = end;
        }
    }
    eval_tmp_free(E, acc.a);
    eval_tmp_free(E, steps);
    closure_close(E, &r);
    closure_close(E, &k);
    eval_tmp_free(E, queue);
    eval_tmp_free(E, id);
    return lts_finish(&b, 0, NULL);
}

/* ---- normal form: subset construction over tau-closures ---- */

static Lts *normal(Cx *c)
{
    const Lts *L = c->L;
    Eval *E = c->E;
    uint32_t *comp = tmp0(E, L->n, sizeof *comp);
    uint8_t *cyclic;
    tau_sccs(c, comp, &cyclic);
    Closure k;
    closure_open(E, &k, L->n);
    Sigs nodes = { 0 };     /* interned sorted member sets */
    LtsBuild b = { .E = E };
    uint64_t *steps = NULL;
    size_t cap_steps = 0;
    uint32_t *members = NULL;
    size_t cap_members = 0;
    Accs acc = { 0 };
    closure_start(c, &k);
    closure_add(c, &k, 0);
    qsort(k.out, k.n, sizeof *k.out, cmp_u32);
    sig_intern(E, &nodes, k.out, k.n);
    lts_add_state(&b, LTS_LABELLED);
    for (uint32_t id = 0; id < nodes.n_blocks; id++) {
        if ((id & 255) == 255) eval_poll(E, c->at);
        uint32_t n = nodes.len[id];
        members = lts_grow(E, members, &cap_members, (size_t)n + 1, sizeof *members);
        if (n) memcpy(members, nodes.pool + nodes.off[id], n * sizeof *members);   /* the pool may move */
        bool div = false;
        acc.n = 0;
        uint32_t n_steps = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t u = members[i];
            if (div_label(L, u) || cyclic[comp[u]]) div = true;
            accs_of_state(c, &acc, u);
            for (uint32_t j = L->first[u]; j < L->first[u + 1]; j++) {
                if (L->edges[j].event == EVENT_TAU) continue;
                steps = lts_grow(E, steps, &cap_steps, (size_t)n_steps + 1, sizeof *steps);
                steps[n_steps++] = (uint64_t)L->edges[j].event << 32 | L->edges[j].to;
            }
        }
        if (div) b.label[id] |= LTS_DIVERGENT;
        for (uint32_t i = 0; i < acc.n; i++) lts_add_acc(&b, id, acc.a[i]);
        if (n_steps > 1) qsort(steps, n_steps, sizeof *steps, cmp_u64);
        for (uint32_t i = 0; i < n_steps;) {
            uint32_t ev = (uint32_t)(steps[i] >> 32), end = i;
            closure_start(c, &k);
            for (; end < n_steps && (uint32_t)(steps[end] >> 32) == ev; end++) closure_add(c, &k, (uint32_t)steps[end]);
            qsort(k.out, k.n, sizeof *k.out, cmp_u32);
            uint32_t before = nodes.n_blocks, to = sig_intern(E, &nodes, k.out, k.n);
            if (to == before) {
                limit(c, (uint64_t)nodes.n_blocks);
                lts_add_state(&b, LTS_LABELLED);
            }
            lts_add_edge(&b, id, ev, to);
            i = end;
        }
    }
    eval_tmp_free(E, acc.a);
    eval_tmp_free(E, members);
    eval_tmp_free(E, steps);
    sigs_free(E, &nodes);
    closure_close(E, &k);
    eval_tmp_free(E, cyclic);
    eval_tmp_free(E, comp);
    Lts *nf = lts_finish(&b, 0, NULL);
    Lts *r = sbisim(c, nf);   /* the normal form is deterministic: this minimises it */
    lts_free_tmp(E, nf);
    return r;
}

/* ---- weak and delay bisimulation ---- */

/* The coarsest divergence-respecting weak (delay: the visible move last)
 * bisimulation of the tau-loop-free L, as strong bisimulation of the
 * saturated machine; then L's quotient, taus inside a block dropped. */
static Lts *weak_bisim(Cx *c, bool delay)
{
    const Lts *L = c->L;
    Eval *E = c->E;
    Closure k, r;
    closure_open(E, &k, L->n);
    closure_open(E, &r, L->n);
    LtsBuild sat = { .E = E };
    uint32_t *cls = tmp0(E, L->n, sizeof *cls);   /* divergence (bit 0), labelled (bit 1) */
    for (uint32_t s = 0; s < L->n; s++) lts_add_state(&sat, 0);
    uint64_t n_edges = 0;
    for (uint32_t s = 0; s < L->n; s++) {
        if ((s & 255) == 255) eval_poll(E, c->at);
        closure_start(c, &k);
        closure_add(c, &k, s);
        bool div = false;
        for (uint32_t i = 0; i < k.n; i++) {
            uint32_t u = k.out[i];
            if (divergent_point(L, u)) div = true;
            lts_add_edge(&sat, s, EVENT_TAU, u);   /* tau*: staying put matches a tau too */
            for (uint32_t j = L->first[u]; j < L->first[u + 1]; j++) {
                if (L->edges[j].event == EVENT_TAU) continue;
                if (delay) {
                    lts_add_edge(&sat, s, L->edges[j].event, L->edges[j].to);
                    continue;
                }
                closure_start(c, &r);
                closure_add(c, &r, L->edges[j].to);
                for (uint32_t x = 0; x < r.n; x++) lts_add_edge(&sat, s, L->edges[j].event, r.out[x]);
                n_edges += r.n;
                limit(c, n_edges / 16);
            }
        }
        cls[s] = (div ? 1u : 0u) | (labelled(L, s) ? 2u : 0u);
    }
    closure_close(E, &r);
    closure_close(E, &k);
    /* the saturated machine keeps L's numbering: finish would renumber, so
     * build it by hand from the builder's triples */
    Lts *S = tmp0(E, 1, sizeof *S);
    S->n = L->n;
    S->first = tmp0(E, (size_t)L->n + 1, sizeof *S->first);
    S->edges = tmp0(E, sat.n_e, sizeof *S->edges);
    for (uint32_t i = 0; i < sat.n_e; i++) S->first[sat.e[3 * i] + 1]++;
    for (uint32_t s = 0; s < L->n; s++) S->first[s + 1] += S->first[s];
    uint32_t *fill = tmp0(E, (size_t)L->n + 1, sizeof *fill);
    memcpy(fill, S->first, ((size_t)L->n + 1) * sizeof *fill);
    for (uint32_t i = 0; i < sat.n_e; i++)
        S->edges[fill[sat.e[3 * i]]++] = (LtsEdge){ sat.e[3 * i + 1], sat.e[3 * i + 2] };
    S->n_edges = sat.n_e;
    S->label = L->label;
    S->acc_first = L->acc_first;
    S->accs = L->accs;
    eval_tmp_free(E, fill);
    eval_tmp_free(E, sat.label);
    eval_tmp_free(E, sat.e);
    uint32_t n_blocks;
    uint32_t *blk = bisim_blocks(c, S, cls, &n_blocks);
    S->label = NULL;
    S->acc_first = NULL;
    S->accs = NULL;
    lts_free_tmp(E, S);
    /* the quotient of L */
    LtsBuild b = { .E = E };
    uint32_t *rep = tmp0(E, n_blocks, sizeof *rep);
    for (uint32_t x = 0; x < n_blocks; x++) rep[x] = UINT32_MAX;
    for (uint32_t s = 0; s < L->n; s++)
        if (rep[blk[s]] == UINT32_MAX) rep[blk[s]] = s;
    for (uint32_t x = 0; x < n_blocks; x++) lts_add_state(&b, labelled(L, rep[x]) ? L->label[rep[x]] : 0);
    for (uint32_t x = 0; x < n_blocks; x++) {
        if (labelled(L, rep[x])) copy_labels(&b, L, rep[x], x);
        else if (cls[rep[x]] & 1) lts_add_edge(&b, x, EVENT_TAU, x);   /* divergent */
    }
    for (uint32_t s = 0; s < L->n; s++)
        for (uint32_t j = L->first[s]; j < L->first[s + 1]; j++) {
            uint32_t to = L->edges[j].to;
            if (L->edges[j].event == EVENT_TAU && blk[to] == blk[s]) continue;
            lts_add_edge(&b, blk[s], L->edges[j].event, blk[to]);
        }
    uint32_t init = blk[0];
    eval_tmp_free(E, rep);
    eval_tmp_free(E, blk);
    eval_tmp_free(E, cls);
    return lts_finish(&b, init, NULL);
}

/* ---- the compressions ---- */

Lts *compress_lts(ProcTable *t, Compression which, const Lts *L, uint64_t max_states, Span at)
{
    Eval *E = proc_eval(t);
    Cx c = { t, E, L, max_states, at, compress_name[which] };
    switch (which) {
    case COMPRESS_explicate: return lts_copy(E, L, NULL);
    case COMPRESS_sbisim: return sbisim(&c, L);
    case COMPRESS_tau_loop_factor: return tau_loop_factor(&c);
    case COMPRESS_normal: return normal(&c);
    case COMPRESS_diamond: case COMPRESS_wbisim: case COMPRESS_dbisim: {
        Lts *f = tau_loop_factor(&c);   /* these need a machine without tau cycles */
        c.L = f;
        Lts *r = which == COMPRESS_diamond ? diamond(&c) : weak_bisim(&c, which == COMPRESS_dbisim);
        lts_free_tmp(E, f);
        return r;
    }
    case COMPRESS__COUNT: break;
    }
    return lts_copy(E, L, NULL);
}

/* ---- the cache ---- */

typedef struct {
    uint32_t key[2];        /* compression + 1, term id */
    const Proc *term;       /* the result's initial state; NULL: empty */
} CacheSlot;

typedef struct CompressCache {
    Arena *arena;           /* machines */
    uint64_t max_states;
    CacheSlot *slot;
    uint32_t cap, n;
    CompressLog *log;
    uint32_t n_log, cap_log;
} CompressCache;

static CompressCache *cache_of(ProcTable *t)
{
    CompressCache **cc = proc_compress_cache(t);
    if (!*cc) {
        *cc = xcalloc(1, sizeof **cc);
        (*cc)->arena = arena_new(1 << 16);
        (*cc)->max_states = COMPRESS_DEFAULT_MAX_STATES;
        (*cc)->cap = 64;
        (*cc)->slot = xcalloc((*cc)->cap, sizeof *(*cc)->slot);
    }
    return *cc;
}

void compress_set_max_states(ProcTable *t, uint64_t max_states) { cache_of(t)->max_states = max_states; }

void compress_cache_free(CompressCache *c)
{
    if (!c) return;
    arena_free(c->arena);
    free(c->slot);
    free(c->log);
    free(c);
}

const CompressLog *compress_log(ProcTable *t, uint32_t *n)
{
    CompressCache *c = *proc_compress_cache(t);
    *n = c ? c->n_log : 0;
    return c ? c->log : NULL;
}

static uint32_t slot_of(CompressCache *c, uint32_t which, uint32_t id)
{
    uint32_t h = (uint32_t)((which * 0x9E3779B97F4A7C15u ^ id) * 0xBF58476D1CE4E5B9u >> 32) & (c->cap - 1);
    while (c->slot[h].term && !(c->slot[h].key[0] == which + 1 && c->slot[h].key[1] == id))
        h = (h + 1) & (c->cap - 1);
    return h;
}

const Proc *compress_term(ProcTable *t, Compression which, const Proc *p, Span at)
{
    CompressCache *c = cache_of(t);
    uint32_t h = slot_of(c, which, p->id);
    if (c->slot[h].term) return c->slot[h].term;
    Eval *E = proc_eval(t);
    const Lts *in;
    Lts *own = NULL;
    if (p->kind == PROC_LTS && p->event == 0 && ((const LtsMachine *)p->env)->labelled) {
        in = ((const LtsMachine *)p->env)->labelled;   /* compressed already: start from its labels */
    } else {
        in = own = lts_of_term(t, p, c->max_states, at, compress_name[which]);
    }
    Lts *out = compress_lts(t, which, in, c->max_states, at);
    LtsMachine *m = ARENA_NEW(c->arena, LtsMachine);
    m->name = compress_name[which];
    m->of = p;
    if (out->label) {
        m->labelled = lts_copy(E, out, c->arena);
        m->plain = lts_explicate(t, out, c->arena);
    } else {
        m->plain = lts_copy(E, out, c->arena);
    }
    uint32_t before = in->n, after = out->n;
    lts_free_tmp(E, out);
    lts_free_tmp(E, own);
    const Proc *r = proc_lts_state(t, m, 0);
    if (c->n_log == c->cap_log) {
        c->cap_log = c->cap_log ? 2 * c->cap_log : 16;
        c->log = xrealloc(c->log, c->cap_log * sizeof *c->log);
    }
    c->log[c->n_log++] = (CompressLog){ m->name, p, before, after, m->plain->n };
    h = slot_of(c, which, p->id);   /* compressing may have compressed others */
    c->slot[h].key[0] = which + 1;
    c->slot[h].key[1] = p->id;
    c->slot[h].term = r;
    if (++c->n * 2 > c->cap) {
        uint32_t old = c->cap;
        CacheSlot *os = c->slot;
        c->cap *= 2;
        c->slot = xcalloc(c->cap, sizeof *c->slot);
        for (uint32_t i = 0; i < old; i++)
            if (os[i].term) c->slot[slot_of(c, os[i].key[0] - 1, os[i].key[1])] = os[i];
        free(os);
    }
    return r;
}
