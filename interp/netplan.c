/* netplan.c - the root's plan: a packed network under a parallel expands
 * a key without records (see net_internal.h).
 * gen_par puts a state's records together from its children's, and a
 * child's records depend only on its slice of the key (its leaves'
 * codes), which takes few values: a philosopher and his fork are in one
 * of a few dozen joint states. So each child keeps, per slice met, its
 * records compiled into steps: what the record does to the key (clear
 * mask, set bits) and what the root does with its event (passes it on,
 * blocks it, or synchronises it with the other children that take part,
 * led by the first of them). A state's successors are then a walk over
 * its children's steps in the order gen_par gives, combining the led
 * events: no record, no route looked up, no field unpacked. A child whose
 * slices are seldom met twice turns the plan off, and so does running
 * out of steps; a new layout (widened fields) makes it void.
 */
#include "net_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
    PLAN_TRIAL = 4096,          /* compiled slices before the plan is judged */
    PLAN_MAX_STEPS = 1u << 20   /* 24 MiB of steps at most */
};

typedef enum { STEP_PASS, STEP_LEAD, STEP_SKIP } StepHow;

typedef struct {
    uint64_t mask, bits;        /* the successor's key: key & ~mask | bits */
    uint32_t event;             /* the child's event (a tick is never passed on alone) */
    uint32_t how;               /* StepHow */
} Step;

typedef struct {
    uint32_t first, n;          /* steps[first .. first + n) */
    bool done;                  /* the child has terminated in this slice */
    bool ticks;                 /* the child can tick (the root ticks when all can) */
} Entry;

typedef struct {
    uint32_t node;
    uint8_t shift;
    uint64_t mask;              /* the slice: key >> shift & mask */
    SliceMap entries;           /* slice -> entry */
} Kid;

typedef struct Plan {
    Kid *kids;
    uint32_t n_kids;
    Entry *entries;
    uint32_t n_entries, cap_entries;
    Step *steps;
    uint32_t n_steps, cap_steps;
    uint64_t used;              /* slices looked up */
    bool off;
    uint32_t epoch;             /* the layout it was made for */
} Plan;

void net_plan_free(Net *n)
{
    Plan *p = n->plan;
    if (!p) return;
    for (uint32_t i = 0; i < p->n_kids; i++) net_slices_free(&p->kids[i].entries);
    free(p->kids);
    free(p->entries);
    free(p->steps);
    free(p);
    n->plan = NULL;
}

/* A plan for the current layout, NULL if the network has none. */
static Plan *plan_new(Net *n)
{
    const NetNode *root = &n->nodes[0];
    if (root->kind != NK_PAR || root->n_kids == 0) return NULL;
    Plan *p = xcalloc(1, sizeof *p);
    p->epoch = n->epoch;
    p->n_kids = root->n_kids;
    p->kids = xcalloc(p->n_kids, sizeof *p->kids);
    for (uint32_t i = 0; i < p->n_kids; i++) {
        Kid *k = &p->kids[i];
        const NetNode *x = &n->nodes[root->kids[i]];
        const Field *lo = &n->fields[x->first], *hi = &n->fields[x->first + x->n_leaves - 1];
        uint32_t bits = hi->shift + hi->bits - lo->shift;
        k->node = root->kids[i];
        k->shift = lo->shift;
        k->mask = bits < 64 ? ((uint64_t)1 << bits) - 1 : UINT64_MAX;
        net_slices_init(&k->entries, bits);
    }
    return p;
}

/* What the root does with child i's record r (gen_par's tests, in its
 * order), given the child's records before it in [lo, r). */
static StepHow step_how(Net *n, uint32_t i, uint32_t lo, uint32_t r)
{
    uint32_t ev = n->recs[r].event;
    if (ev == EVENT_TICK) return STEP_SKIP;   /* joint: every child ticks together (net.c) */
    if (ev == EVENT_TAU) return STEP_PASS;
    NetNode *root = &n->nodes[0];
    const Route *rt = net_route(root, ev);
    if (root->term->kind == PROC_ALPHA && !net_takes_part(rt, i)) return STEP_SKIP;   /* blocked */
    if (rt->n <= 1) return STEP_PASS;
    if (net_part(rt->parts, 0) != i) return STEP_SKIP;   /* led by its first participant */
    for (uint32_t k = lo; k < r; k++)
        if (n->recs[k].event == ev) return STEP_SKIP;   /* led once, by its first record */
    return STEP_LEAD;
}

/* Compiles child i's records in its slice s of the key n->key into a new
 * entry, *e its number. PLAN_GENERAL when a field must widen first (or
 * the plan is full). */
static PlanResult compile(Net *n, Plan *p, uint32_t i, uint64_t s, uint32_t *e)
{
    const NetNode *x = &n->nodes[p->kids[i].node];
    for (uint32_t l = x->first; l < x->first + x->n_leaves; l++) {
        const Field *f = &n->fields[l];
        n->vals[l] = field_value(f, n->key >> f->shift & field_mask(f));
    }
    n->n_recs = n->n_chg = 0;
    n->vals_packed = true;
    Range r;
    bool ok = net_gen(n, p->kids[i].node, &r);
    n->vals_packed = false;
    const NetNode *root = &n->nodes[0];
    if (!ok || (root->stuck && *root->stuck)) return PLAN_FAILED;   /* a cursor: net_learn first */
    if (n->widen) return PLAN_GENERAL;
    uint32_t m = r.hi - r.lo;
    if (p->n_steps + m > PLAN_MAX_STEPS) {
        p->off = true;
        return PLAN_GENERAL;
    }
    if (p->n_steps + m > p->cap_steps) {
        uint32_t cap = p->cap_steps ? p->cap_steps : 256;
        while (cap < p->n_steps + m) cap *= 2;
        p->steps = xrealloc(p->steps, (size_t)cap * sizeof *p->steps);
        p->cap_steps = cap;
    }
    Step *out = p->steps ? p->steps + p->n_steps : NULL;   /* NULL: no step yet, and m is 0 */
    for (uint32_t k = 0; k < m; k++) {
        const Rec *rec = &n->recs[r.lo + k];
        Step st = { 0, 0, rec->event, step_how(n, i, r.lo, r.lo + k) };
        for (uint32_t c = 0; c < rec->n; c++) {
            const Change *ch = &n->chg[rec->first + c];
            const Field *f = &n->fields[ch->leaf];
            uint64_t fm = field_mask(f) << f->shift;
            st.mask |= fm;
            st.bits = (st.bits & ~fm) | field_code(f, ch->val) << f->shift;
        }
        out[k] = st;
    }
    if (root->stuck && *root->stuck) return PLAN_FAILED;   /* a route the root does not know yet */
    if (p->n_entries == p->cap_entries) {
        p->cap_entries = p->cap_entries ? 2 * p->cap_entries : 64;
        p->entries = xrealloc(p->entries, p->cap_entries * sizeof *p->entries);
    }
    *e = p->n_entries++;
    bool ticks = false;
    for (uint32_t k = 0; k < m; k++) ticks |= out[k].event == EVENT_TICK;
    p->entries[*e] = (Entry){ p->n_steps, m, net_done(n, p->kids[i].node), ticks };
    p->n_steps += m;
    net_slices_put(&p->kids[i].entries, s, *e);
    return PLAN_OK;
}

/* Child i's entry for the key n->key, compiled if new. */
static PlanResult entry(Net *n, Plan *p, uint32_t i, uint32_t *e)
{
    const Kid *k = &p->kids[i];
    uint64_t s = n->key >> k->shift & k->mask;
    *e = net_slices_get(&k->entries, s);
    return *e != NONE ? PLAN_OK : compile(n, p, i, s, e);
}

static void put(Net *n, uint32_t *count, uint32_t event, uint64_t key)
{
    if (*count == n->cap_plan_out) {
        n->cap_plan_out = n->cap_plan_out ? 2 * n->cap_plan_out : 64;
        n->plan_out = xrealloc(n->plan_out, n->cap_plan_out * sizeof *n->plan_out);
    }
    n->plan_out[(*count)++] = (NetKeyTrans){ event, key };
}

/* Every way the participants parts[k..] do ev together, the first one
 * outermost (gen_par's combine); mask and bits so far. */
static void combine(Net *n, const Plan *p, const Entry *const *at, const uint32_t *parts, uint32_t n_parts,
                    uint32_t k, uint32_t ev, uint64_t mask, uint64_t bits, uint32_t *count)
{
    if (k == n_parts) {
        put(n, count, ev, (n->key & ~mask) | bits);
        return;
    }
    const Entry *e = at[net_part(parts, k)];
    for (uint32_t j = 0; j < e->n; j++) {
        const Step *st = &p->steps[e->first + j];
        if (st->event == ev) combine(n, p, at, parts, n_parts, k + 1, ev, mask | st->mask, bits | st->bits, count);
    }
}

static bool offers(const Plan *p, const Entry *e, uint32_t ev)
{
    for (uint32_t j = 0; j < e->n; j++)
        if (p->steps[e->first + j].event == ev) return true;
    return false;
}

PlanResult net_plan_expand(Net *n, uint64_t key, uint32_t *count)
{
    Plan *p = n->plan;
    if (p && p->epoch != n->epoch) net_plan_free(n), p = NULL;
    if (!p) p = n->plan = plan_new(n);
    if (!p || p->off || n->widen) return PLAN_GENERAL;
    const NetNode *root = &n->nodes[0];
    const Field *f0 = &n->fields[root->first];
    if (field_value(f0, key >> f0->shift & field_mask(f0)) == MARK) return PLAN_GENERAL;   /* terminated */
    n->key = key;
    /* The children's entries (numbers first: compiling one may move them) */
    uint32_t small_e[16], *num = p->n_kids <= 16 ? small_e : xmalloc(p->n_kids * sizeof *num);
    const Entry *small[16], **at = p->n_kids <= 16 ? small : xmalloc(p->n_kids * sizeof *at);
    PlanResult r = PLAN_OK;
    for (uint32_t i = 0; i < p->n_kids && r == PLAN_OK; i++) r = entry(n, p, i, &num[i]);
    bool all_done = true, all_tick = true;
    for (uint32_t i = 0; i < p->n_kids && r == PLAN_OK; i++) {
        at[i] = &p->entries[num[i]];
        all_done &= at[i]->done;
        all_tick &= at[i]->ticks;
    }
    p->used += p->n_kids;
    if (p->n_entries >= PLAN_TRIAL && (uint64_t)p->n_entries * 4 > p->used) p->off = true;   /* seldom met twice */
    if (r == PLAN_OK && (all_done || all_tick)) r = PLAN_GENERAL;   /* the root's tick: records' way */
    uint32_t m = 0;
    for (uint32_t i = 0; i < p->n_kids && r == PLAN_OK; i++) {
        const Entry *e = at[i];
        for (uint32_t j = 0; j < e->n; j++) {
            const Step *st = &p->steps[e->first + j];
            if (st->how == STEP_PASS) put(n, &m, st->event, (key & ~st->mask) | st->bits);
            if (st->how != STEP_LEAD) continue;
            const Route *rt = &n->nodes[0].routes[st->event];
            bool all = true;
            for (uint32_t q = 0; q < rt->n && all; q++) all = offers(p, at[net_part(rt->parts, q)], st->event);
            if (all) combine(n, p, at, rt->parts, rt->n, 0, st->event, 0, 0, &m);
        }
    }
    if (at != small) free(at);
    if (num != small_e) free(num);
    *count = m;
    return r;
}
