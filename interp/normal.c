/* normal.c - the normal form of a specification, built on the fly:
 * nodes are tau-closed sets of its states, interned; each node's successor
 * on each visible event, its minimal acceptances (stable failures) and a
 * divergence mark (failures-divergences). See check_internal.h.
 */
#include "check_internal.h"

#include "workers.h"

#include <stdlib.h>
#include <string.h>

/* ---- normal form ---- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A new set of spec states starts: none is in it. */
static void set_start(Chk *c)
{
    if (++c->set_stamp == 0) {   /* wrapped: forget every old stamp */
        memset(c->in_set, 0, c->in_set_cap * sizeof *c->in_set);
        c->set_stamp = 1;
    }
}

/* Appends spec state s to the set in set_buf (n members) unless it is in
 * it already. Sets can be as large as the specification (a big closure
 * under hiding), so membership is a stamp per state, and the work counts
 * towards the limits. */
static uint32_t set_add(Chk *c, uint32_t n, uint32_t s)
{
    chk_grow_u32(&c->in_set, &c->in_set_cap, s);
    if (c->in_set[s] == c->set_stamp) return n;
    c->in_set[s] = c->set_stamp;
    if (n == c->set_cap) c->set_buf = xrealloc(c->set_buf, (c->set_cap *= 2) * sizeof *c->set_buf);
    c->set_buf[n] = s;
    chk_side_step(c, &c->spec, c->normalising);
    return n + 1;
}

/* The tau-closure of the set in set_buf, whose n members were put there
 * since set_start (returns the new count, sorted). */
static uint32_t closure(Chk *c, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m;
        const uint32_t *next = chk_tau_next(c, &c->spec, c->set_buf[i], &m);
        for (uint32_t k = 0; k < m; k++) n = set_add(c, n, next[k]);
    }
    qsort(c->set_buf, n, sizeof *c->set_buf, cmp_u32);
    return n;
}

static uint32_t node_hash(const uint32_t *m, uint32_t n)
{
    uint64_t h = n * 0x9E3779B97F4A7C15u;
    for (uint32_t i = 0; i < n; i++) h = (h ^ m[i]) * 0x100000001B3u;
    return (uint32_t)(h ^ (h >> 29));
}

/* The node for a tau-closed, sorted set of states (interned). */
static uint32_t node_of(Chk *c, const uint32_t *m, uint32_t n)
{
    if (c->n_nodes * 2 >= c->node_cap) {
        uint32_t ncap = c->node_cap ? c->node_cap * 2 : 1024;
        uint32_t *slots = xcalloc(ncap, sizeof *slots);
        for (uint32_t i = 0; i < c->n_nodes; i++) {
            uint32_t j = node_hash(c->nodes[i].members, c->nodes[i].n) & (ncap - 1);
            while (slots[j]) j = (j + 1) & (ncap - 1);
            slots[j] = i + 1;
        }
        free(c->node_slots);
        c->node_slots = slots;
        c->node_cap = ncap;
    }
    uint32_t j = node_hash(m, n) & (c->node_cap - 1);
    for (; c->node_slots[j]; j = (j + 1) & (c->node_cap - 1)) {
        NNode *x = &c->nodes[c->node_slots[j] - 1];
        if (x->n == n && memcmp(x->members, m, n * sizeof *m) == 0) return c->node_slots[j] - 1;
    }
    if (c->n_nodes == c->cap_nodes) {
        c->cap_nodes = c->cap_nodes ? c->cap_nodes * 2 : 256;
        c->nodes = xrealloc(c->nodes, c->cap_nodes * sizeof *c->nodes);
    }
    NNode *x = &c->nodes[c->n_nodes];
    memset(x, 0, sizeof *x);
    x->n = n;
    x->members = arena_dup(c->arena, m, n * sizeof *m);
    x->divergent = -1;
    c->node_slots[j] = ++c->n_nodes;
    return c->n_nodes - 1;
}

/* The scratch set of states, emptied, with room for at least 16. */
static uint32_t *scratch_set(Chk *c)
{
    if (!c->set_buf) {
        c->set_cap = 16;
        c->set_buf = xmalloc(c->set_cap * sizeof *c->set_buf);
    }
    return c->set_buf;
}

/* The normal form of p starts here: p becomes the spec space. */
uint32_t nf_initial_node(Chk *c, const Proc *p)
{
    chk_space_open(c, &c->spec, p);
    scratch_set(c);
    set_start(c);
    uint32_t n = closure(c, set_add(c, 0, 0));
    return node_of(c, c->set_buf, n);
}

static int cmp_step(const void *a, const void *b)
{
    const Step *x = a, *y = b;
    if (x->event != y->event) return (x->event > y->event) - (x->event < y->event);
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* A node with more successors than this gets an index by event
 * (succ_by_ev); below it a scan is as quick. */
enum { NF_SCAN_MAX = 16 };

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_group(const void *a, const void *b)
{
    const Step *x = *(const Step *const *)a, *y = *(const Step *const *)b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The successors of a node on each visible event and tick, in the order
 * its members' transitions first show the events. The members'
 * transitions are gathered once and sorted by event: a node offering E
 * events costs E log E, not E squared. */
void nf_successors(Chk *c, uint32_t id)
{
    if (c->nodes[id].succ_done) return;
    uint32_t n_steps = 0;
    for (uint32_t i = 0; i < c->nodes[id].n; i++) {
        uint32_t m;
        const NetTrans *ts = chk_trans(c, &c->spec, c->nodes[id].members[i], &m);
        for (uint32_t k = 0; k < m; k++) {
            if (ts[k].event == EVENT_TAU) continue;
            if (n_steps == c->steps_cap)
                c->steps_buf = xrealloc(c->steps_buf, (c->steps_cap = c->steps_cap ? 2 * c->steps_cap : 64) *
                                        sizeof *c->steps_buf);
            c->steps_buf[n_steps] = (Step){ ts[k].event, ts[k].next, n_steps };
            n_steps++;
        }
    }
    if (n_steps > 1) qsort(c->steps_buf, n_steps, sizeof *c->steps_buf, cmp_step);
    uint32_t n_ev = 0;   /* each event's first step, then in order of first showing */
    for (uint32_t k = 0; k < n_steps; k++) {
        if (k && c->steps_buf[k].event == c->steps_buf[k - 1].event) continue;
        if (n_ev == c->group_cap)
            c->groups = xrealloc(c->groups, (c->group_cap = c->group_cap ? 2 * c->group_cap : 16) *
                                 sizeof *c->groups);
        c->groups[n_ev++] = &c->steps_buf[k];
    }
    if (n_ev > 1) qsort(c->groups, n_ev, sizeof *c->groups, cmp_group);
    uint32_t *evs = arena_alloc(c->arena, (n_ev ? n_ev : 1) * sizeof *evs);
    uint32_t *succ = arena_alloc(c->arena, (n_ev ? n_ev : 1) * sizeof *succ);
    for (uint32_t e = 0; e < n_ev; e++) {
        const Step *g = c->groups[e], *end = c->steps_buf + n_steps;
        uint32_t n = 0;
        evs[e] = g->event;
        scratch_set(c);
        set_start(c);
        for (; g < end && g->event == evs[e]; g++) n = set_add(c, n, g->next);
        n = closure(c, n);
        succ[e] = node_of(c, c->set_buf, n);
    }
    uint64_t *by_ev = NULL;
    if (n_ev > NF_SCAN_MAX) {   /* an index by event beside the order of showing */
        by_ev = arena_alloc(c->arena, n_ev * sizeof *by_ev);
        for (uint32_t e = 0; e < n_ev; e++) by_ev[e] = (uint64_t)evs[e] << 32 | e;
        qsort(by_ev, n_ev, sizeof *by_ev, cmp_u64);
    }
    NNode *x = &c->nodes[id];
    x->succ_ev = evs;
    x->succ_node = succ;
    x->succ_by_ev = by_ev;
    x->n_succ = n_ev;
    x->succ_done = true;
}

int64_t nf_after(Chk *c, uint32_t id, uint32_t ev)
{
    nf_successors(c, id);
    const NNode *x = &c->nodes[id];
    if (x->succ_by_ev) {   /* a spec such as [] e : 1000 events @ e -> S */
        uint32_t lo = 0, hi = x->n_succ;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            uint32_t e = (uint32_t)(x->succ_by_ev[mid] >> 32);
            if (e == ev) return x->succ_node[(uint32_t)x->succ_by_ev[mid]];
            if (e < ev) lo = mid + 1;
            else hi = mid;
        }
        return -1;
    }
    for (uint32_t i = 0; i < x->n_succ; i++)
        if (x->succ_ev[i] == ev) return x->succ_node[i];
    return -1;
}

bool nf_divergent(Chk *c, uint32_t id)
{
    if (c->nodes[id].divergent < 0) {
        bool d = false;
        for (uint32_t i = 0; i < c->nodes[id].n && !d; i++) d = chk_diverges(c, &c->spec, c->nodes[id].members[i]);
        c->nodes[id].divergent = d;
    }
    return c->nodes[id].divergent;
}

/* The acceptance of a stable state: its visible events and tick. */
const EventSet *chk_acceptance(Chk *c, Space *sp, uint32_t p)
{
    uint32_t n;
    const NetTrans *ts = chk_trans(c, sp, p, &n);
    uint32_t *ev = xmalloc((n ? n : 1) * sizeof *ev);
    for (uint32_t i = 0; i < n; i++) ev[i] = ts[i].event;
    const EventSet *s = proc_sorted_set(c->t, ev, n);
    free(ev);
    return s;
}

bool chk_is_stable(Chk *c, Space *sp, uint32_t p)
{
    uint32_t n;
    const NetTrans *ts = chk_trans(c, sp, p, &n);
    for (uint32_t i = 0; i < n; i++)
        if (ts[i].event == EVENT_TAU) return false;
    return true;
}

bool chk_subset(const EventSet *a, const EventSet *b)
{
    for (uint32_t i = 0; i < a->n; i++)
        if (!proc_in_set(b, a->ev[i])) return false;
    return true;
}

void nf_acceptances(Chk *c, uint32_t id)
{
    NNode *x = &c->nodes[id];
    if (x->acc_done) return;
    const EventSet **acc = arena_alloc(c->arena, (x->n ? x->n : 1) * sizeof *acc);
    uint32_t n = 0;
    for (uint32_t i = 0; i < x->n; i++) {
        if (!chk_is_stable(c, &c->spec, x->members[i])) continue;
        x->has_stable = true;
        const EventSet *a = chk_acceptance(c, &c->spec, x->members[i]);
        bool redundant = false;
        for (uint32_t j = 0; j < n && !redundant; j++) redundant = chk_subset(acc[j], a);
        if (redundant) continue;
        uint32_t m = 0;   /* drop the supersets of a */
        for (uint32_t j = 0; j < n; j++)
            if (!chk_subset(a, acc[j])) acc[m++] = acc[j];
        n = m;
        acc[n++] = a;
    }
    x->acc = acc;
    x->n_acc = n;
    x->acc_done = true;
}


/* ---- the normal form on several threads (workers.h's WorkSpec) ----
 * The workers read nodes while they run and never build them: a node
 * whose successors (and, as the model needs, divergence and acceptances)
 * are not known yet is learnt between levels on the calling thread. */

static WorkNodeState work_state(void *ctx, uint32_t id)
{
    const NfWork *w = ctx;
    const NNode *x = &w->c->nodes[id];
    if (w->m == MODEL_FD) {
        if (x->divergent < 0) return WORK_NODE_UNKNOWN;
        if (x->divergent) return WORK_NODE_DIVERGENT;
    }
    if (!x->succ_done || (w->m != MODEL_T && !x->acc_done)) return WORK_NODE_UNKNOWN;
    return WORK_NODE_READY;
}

static int64_t work_after(void *ctx, uint32_t id, uint32_t ev)
{
    const NNode *x = &((const NfWork *)ctx)->c->nodes[id];
    for (uint32_t i = 0; i < x->n_succ; i++)
        if (x->succ_ev[i] == ev) return x->succ_node[i];
    return -1;
}

/* Whether the events of ts hold one of the node's minimal acceptances (as
 * chk_subset of each against the state's acceptance). */
static bool work_accepts(void *ctx, uint32_t id, const NetKeyTrans *ts, uint32_t n)
{
    const NNode *x = &((const NfWork *)ctx)->c->nodes[id];
    for (uint32_t a = 0; a < x->n_acc; a++) {
        bool all = true;
        for (uint32_t i = 0; i < x->acc[a]->n && all; i++) {
            bool in = false;
            for (uint32_t k = 0; k < n && !in; k++) in = ts[k].event == x->acc[a]->ev[i];
            all = in;
        }
        if (all) return true;
    }
    return false;
}

/* Learns a node as one thread would when it meets it: divergence first
 * ([FD=), then, if it is not divergent, its successors and acceptances. A
 * failure (an error, a limit) is caught here: the workers give up. */
static bool work_learn(void *ctx, uint32_t id)
{
    NfWork *w = ctx;
    Chk *c = w->c;
    jmp_buf outer;
    memcpy(outer, c->jb, sizeof outer);
    volatile bool ok = false;
    if (!setjmp(c->jb)) {
        if (w->m != MODEL_FD || !nf_divergent(c, id)) {
            nf_successors(c, id);
            if (w->m != MODEL_T) nf_acceptances(c, id);
        }
        ok = true;
    }
    memcpy(c->jb, outer, sizeof outer);
    return ok;
}

void nf_work_spec(NfWork *ctx, uint32_t root, WorkSpec *out)
{
    *out = (WorkSpec){ .ctx = ctx, .initial = root, .divergence = ctx->m == MODEL_FD,
                       .acceptances = ctx->m != MODEL_T, .state = work_state, .after = work_after,
                       .accepts = work_accepts, .learn = work_learn };
}

uint32_t nf_restart(Chk *c, const Proc *p)
{
    chk_space_close(&c->spec);
    memset(&c->spec, 0, sizeof c->spec);
    c->n_nodes = 0;
    free(c->node_slots);
    c->node_slots = NULL;
    c->node_cap = 0;
    return nf_initial_node(c, p);
}
