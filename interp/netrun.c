/* netrun.c - walking a large network in place; see netrun.h.
 * Kid i of the top parallel lists, for each of its records in order, the
 * transitions of the whole that sem lists there: one for tau, none for
 * tick (the components tick together); for a visible event it does alone, one per event the wrappers
 * (hiding, renaming above the parallel) make of it; for a shared event,
 * only where its first participant first offers it, one per combination of
 * the participants' records times the wrappers' events. The top's own tick
 * (every kid can tick) comes last.
 */
#include "netrun.h"

#include "net_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    uint32_t node;          /* its network node */
    Rec *recs;              /* its transitions now (changes into chg) */
    Change *chg;
    uint32_t n_recs, cap_recs, n_chg, cap_chg;
    uint64_t count, taus;   /* transitions of the whole it lists, and of them tau */
    uint32_t stamp;         /* marks it to be recounted within one step */
    uint32_t moved;         /* marks it as moved within one step */
    bool ticks;             /* it can tick now */
} Kid;

struct NetRun {
    Net *n;
    NetNode *par;
    bool alpha;             /* alphabetised parallel (else one sync set) */
    uint32_t wrap[NET_MAX_DEPTH];    /* hiding and renaming above the parallel, outermost first */
    uint32_t n_wrap;
    Kid *kids;
    uint32_t n_kids;
    uint32_t *kid_of_leaf;
    uint64_t *fen;          /* Fenwick tree of the kids' counts, 1-based */
    uint64_t listed, taus;  /* sums of the kids' counts and taus */
    uint32_t n_ticking;
    bool finished;          /* the top has ticked */
    /* per event: what the wrappers make of it (pool offsets), computed once */
    uint32_t *out_first, *out_n, *out_taus;
    uint32_t cap_ev;
    uint32_t *pool;
    uint32_t n_pool, cap_pool;
    /* scratch for a step */
    uint32_t stamp;
    uint32_t *touched, n_touched, cap_touched;   /* kids to recount */
    uint32_t *moved, n_moved, cap_moved;         /* kids whose components changed */
    uint32_t *choice;       /* a shared event's record per participant */
    Change *apply;
    uint32_t cap_apply;
};

/* ---- what the wrappers make of an event ---- */

static void pool_push(NetRun *r, uint32_t ev)
{
    r->pool = net_grow(r->pool, &r->cap_pool, r->n_pool + 1, sizeof *r->pool);
    r->pool[r->n_pool++] = ev;
}

/* The events the wrappers make of visible event ev, in sem's order. */
static const uint32_t *outputs(NetRun *r, uint32_t ev, uint32_t *n)
{
    if (ev >= r->cap_ev) {
        uint32_t old = r->cap_ev, c1 = old, c2 = old;
        r->out_first = net_grow(r->out_first, &r->cap_ev, ev + 1, sizeof *r->out_first);
        r->out_n = net_grow(r->out_n, &c1, r->cap_ev, sizeof *r->out_n);
        r->out_taus = net_grow(r->out_taus, &c2, r->cap_ev, sizeof *r->out_taus);
        memset(r->out_n + old, 0, (r->cap_ev - old) * sizeof *r->out_n);
    }
    if (!r->out_n[ev]) {
        uint32_t start = r->n_pool, count = 1;
        pool_push(r, ev);
        for (uint32_t w = r->n_wrap; w-- > 0;) {   /* innermost first */
            NetNode *x = &r->n->nodes[r->wrap[w]];
            uint32_t from = start, to = r->n_pool;
            start = r->n_pool;
            for (uint32_t k = from; k < to; k++) {
                uint32_t e = r->pool[k];
                if (e == EVENT_TAU) {
                    pool_push(r, e);
                } else if (x->kind == NK_HIDE) {
                    pool_push(r, net_route(x, e)->n ? EVENT_TAU : e);
                } else {
                    const EventRel *rel = x->term->rel;
                    bool renamed = false;
                    for (uint32_t i = 0; i < rel->n; i++)
                        if (rel->pair[2 * i] == e) {
                            pool_push(r, rel->pair[2 * i + 1]);
                            renamed = true;
                        }
                    if (!renamed) pool_push(r, e);
                }
            }
            count = r->n_pool - start;
        }
        r->out_first[ev] = start;
        r->out_n[ev] = count;
        r->out_taus[ev] = 0;
        for (uint32_t k = 0; k < count; k++) r->out_taus[ev] += r->pool[start + k] == EVENT_TAU;
    }
    *n = r->out_n[ev];
    return r->pool + r->out_first[ev];
}

/* ---- what each kid lists ---- */

static uint32_t records_with(const Kid *k, uint32_t ev)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < k->n_recs; i++) c += k->recs[i].event == ev;
    return c;
}

/* The route of a visible event if it is shared by several kids, else NULL. */
static const Route *shared(NetRun *r, uint32_t ev)
{
    const Route *rt = net_route(r->par, ev);
    return rt->n > 1 ? rt : NULL;
}

/* How many transitions of the whole kid i lists at its record q, and how
 * many of them are tau. */
static uint64_t listed_at(NetRun *r, uint32_t i, uint32_t q, uint64_t *taus)
{
    const Kid *k = &r->kids[i];
    uint32_t ev = k->recs[q].event;
    *taus = 0;
    if (ev == EVENT_TICK) return 0;   /* only the top's joint tick */
    if (ev == EVENT_TAU) {
        *taus = 1;
        return 1;
    }
    const Route *rt = net_route(r->par, ev);
    if (r->alpha && !net_takes_part(rt, i)) return 0;   /* blocked */
    uint32_t n_out;
    outputs(r, ev, &n_out);
    uint64_t combos = 1;
    if (rt->n > 1) {
        if (net_part(rt->parts, 0) != i) return 0;
        for (uint32_t p = 0; p < q; p++)
            if (k->recs[p].event == ev) return 0;   /* listed once */
        for (uint32_t p = 0; p < rt->n && combos; p++) combos *= records_with(&r->kids[net_part(rt->parts, p)], ev);
    }
    *taus = combos * r->out_taus[ev];
    return combos * n_out;
}

static void fen_add(NetRun *r, uint32_t i, int64_t delta)
{
    for (uint32_t x = i + 1; x <= r->n_kids; x += x & -x) r->fen[x] += (uint64_t)delta;
}

/* Recounts kid i and updates the tree and the sums. */
static void recount(NetRun *r, uint32_t i)
{
    Kid *k = &r->kids[i];
    uint64_t count = 0, taus = 0;
    for (uint32_t q = 0; q < k->n_recs; q++) {
        uint64_t t;
        count += listed_at(r, i, q, &t);
        taus += t;
    }
    fen_add(r, i, (int64_t)(count - k->count));
    r->listed += count - k->count;
    r->taus += taus - k->taus;
    k->count = count;
    k->taus = taus;
}

/* Kid i's transitions in the current vals (copied out of the network's
 * scratch buffers). */
static bool regenerate(NetRun *r, uint32_t i)
{
    Net *n = r->n;
    Kid *k = &r->kids[i];
    n->n_recs = n->n_chg = 0;
    Range out;
    if (!net_gen(n, k->node, &out)) return false;
    uint32_t m = out.hi - out.lo, changes = 0;
    for (uint32_t q = out.lo; q < out.hi; q++) changes += n->recs[q].n;
    k->recs = net_grow(k->recs, &k->cap_recs, m + 1, sizeof *k->recs);
    k->chg = net_grow(k->chg, &k->cap_chg, changes + 1, sizeof *k->chg);
    k->n_recs = k->n_chg = 0;
    for (uint32_t q = out.lo; q < out.hi; q++) {
        Rec rec = n->recs[q];
        memcpy(k->chg + k->n_chg, n->chg + rec.first, rec.n * sizeof *k->chg);
        k->recs[k->n_recs++] = (Rec){ rec.event, k->n_chg, rec.n };
        k->n_chg += rec.n;
    }
    bool ticks = records_with(k, EVENT_TICK) > 0;
    r->n_ticking += (uint32_t)ticks - (uint32_t)k->ticks;
    k->ticks = ticks;
    return true;
}

static void touch(NetRun *r, uint32_t i)
{
    if (r->kids[i].stamp == r->stamp) return;
    r->kids[i].stamp = r->stamp;
    r->touched = net_grow(r->touched, &r->cap_touched, r->n_touched + 1, sizeof *r->touched);
    r->touched[r->n_touched++] = i;
}

/* The kids that list the shared events kid i offers now need recounting. */
static void touch_listers(NetRun *r, uint32_t i)
{
    const Kid *k = &r->kids[i];
    for (uint32_t q = 0; q < k->n_recs; q++) {
        uint32_t ev = k->recs[q].event;
        if (ev == EVENT_TAU || ev == EVENT_TICK) continue;
        const Route *rt = shared(r, ev);
        if (rt && (!r->alpha || net_takes_part(rt, i))) touch(r, net_part(rt->parts, 0));
    }
}

/* ---- the interface ---- */

NetRun *netrun_new(ProcTable *t, const Proc *p, uint32_t min_kids, bool *failed)
{
    *failed = false;
    Net *n = net_new(t, p);
    if (!n) {
        *failed = true;
        return NULL;
    }
    uint32_t top = 0, n_wrap = 0, wrap[NET_MAX_DEPTH];   /* deeper: no parallel is compiled there */
    while ((n->nodes[top].kind == NK_HIDE || n->nodes[top].kind == NK_RENAME) && n_wrap < NET_MAX_DEPTH) {
        wrap[n_wrap++] = top;
        top = n->nodes[top].kids[0];
    }
    if (n->nodes[top].kind != NK_PAR || n->nodes[top].n_kids < min_kids) {
        net_free(n);
        return NULL;
    }
    NetRun *r = xcalloc(1, sizeof *r);
    r->n = n;
    r->par = &n->nodes[top];
    r->alpha = r->par->term->kind == PROC_ALPHA;
    memcpy(r->wrap, wrap, n_wrap * sizeof *wrap);
    r->n_wrap = n_wrap;
    r->n_kids = r->par->n_kids;
    r->kids = xcalloc(r->n_kids, sizeof *r->kids);
    r->fen = xcalloc(r->n_kids + 1, sizeof *r->fen);
    r->kid_of_leaf = xcalloc(n->n_leaves, sizeof *r->kid_of_leaf);
    r->choice = xcalloc(r->n_kids, sizeof *r->choice);
    for (uint32_t i = 0; i < r->n_kids; i++) {
        r->kids[i].node = r->par->kids[i];
        uint32_t from = n->nodes[r->par->kids[i]].first;
        uint32_t to = i + 1 < r->n_kids ? n->nodes[r->par->kids[i + 1]].first : n->n_leaves;
        for (uint32_t l = from; l < to; l++) r->kid_of_leaf[l] = i;
    }
    bool ok = true;
    for (uint32_t i = 0; i < r->n_kids && ok; i++) ok = regenerate(r, i);
    for (uint32_t i = 0; i < r->n_kids && ok; i++) recount(r, i);
    if (!ok) {
        netrun_free(r);
        *failed = true;
        return NULL;
    }
    return r;
}

void netrun_free(NetRun *r)
{
    if (!r) return;
    for (uint32_t i = 0; i < r->n_kids; i++) {
        free(r->kids[i].recs);
        free(r->kids[i].chg);
    }
    free(r->kids);
    free(r->fen);
    free(r->kid_of_leaf);
    free(r->choice);
    free(r->out_first);
    free(r->out_n);
    free(r->out_taus);
    free(r->pool);
    free(r->touched);
    free(r->moved);
    free(r->apply);
    net_free(r->n);
    free(r);
}

static bool top_can_tick(const NetRun *r) { return !r->finished && r->n_ticking == r->n_kids; }

uint64_t netrun_count(const NetRun *r, uint64_t *taus)
{
    if (r->finished) {
        *taus = 0;
        return 0;
    }
    *taus = r->taus;
    return r->listed + top_can_tick(r);
}

bool netrun_terminated(const NetRun *r) { return r->finished; }

/* The kid whose listing holds transition k, and k's offset in it. */
static uint32_t find_kid(const NetRun *r, uint64_t *k)
{
    uint32_t pos = 0, step = 1;
    while (step * 2 <= r->n_kids) step *= 2;
    for (; step; step /= 2)
        if (pos + step <= r->n_kids && r->fen[pos + step] <= *k) {
            pos += step;
            *k -= r->fen[pos];
        }
    return pos;   /* 0-based kid index */
}

static void add_apply(NetRun *r, uint32_t *n_apply, const Kid *k, const Rec *rec)
{
    r->apply = net_grow(r->apply, &r->cap_apply, *n_apply + rec->n, sizeof *r->apply);
    memcpy(r->apply + *n_apply, k->chg + rec->first, rec->n * sizeof *r->apply);
    *n_apply += rec->n;
}

bool netrun_step(NetRun *r, uint64_t k, uint32_t *event)
{
    if (k >= r->listed) {   /* the top's tick */
        r->finished = true;
        *event = EVENT_TICK;
        return true;
    }
    uint32_t i = find_kid(r, &k);
    const Kid *kid = &r->kids[i];
    uint32_t q = 0;
    for (;; q++) {
        uint64_t t, m = listed_at(r, i, q, &t);
        if (k < m) break;
        k -= m;
    }
    const Rec *rec = &kid->recs[q];
    uint32_t n_apply = 0;
    if (rec->event == EVENT_TAU) {
        *event = EVENT_TAU;
        add_apply(r, &n_apply, kid, rec);
    } else {
        uint32_t n_out;
        const uint32_t *outs = outputs(r, rec->event, &n_out);
        *event = outs[k % n_out];
        uint64_t combo = k / n_out;
        const Route *rt = net_route(r->par, rec->event);
        if (rt->n <= 1) {
            add_apply(r, &n_apply, kid, rec);
        } else {
            for (uint32_t p = rt->n; p-- > 0;) {   /* the first participant varies slowest */
                uint32_t c = records_with(&r->kids[net_part(rt->parts, p)], rec->event);
                r->choice[p] = (uint32_t)(combo % c);
                combo /= c;
            }
            for (uint32_t p = 0; p < rt->n; p++) {
                const Kid *pk = &r->kids[net_part(rt->parts, p)];
                for (uint32_t m = 0, seen = 0; m < pk->n_recs; m++)
                    if (pk->recs[m].event == rec->event && seen++ == r->choice[p]) {
                        add_apply(r, &n_apply, pk, &pk->recs[m]);
                        break;
                    }
            }
        }
    }
    /* The kids that moved, and those that list events they offered or offer. */
    r->stamp++;
    r->n_touched = r->n_moved = 0;
    for (uint32_t c = 0; c < n_apply; c++) {
        uint32_t j = r->kid_of_leaf[r->apply[c].leaf];
        if (r->kids[j].moved == r->stamp) continue;
        r->kids[j].moved = r->stamp;
        touch(r, j);
        r->moved = net_grow(r->moved, &r->cap_moved, r->n_moved + 1, sizeof *r->moved);
        r->moved[r->n_moved++] = j;
        touch_listers(r, j);
    }
    for (uint32_t c = 0; c < n_apply; c++) r->n->vals[r->apply[c].leaf] = r->apply[c].val;
    for (uint32_t m = 0; m < r->n_moved; m++) {
        if (!regenerate(r, r->moved[m])) return false;
        touch_listers(r, r->moved[m]);
    }
    for (uint32_t m = 0; m < r->n_touched; m++) recount(r, r->touched[m]);
    return true;
}

const Proc *netrun_term(NetRun *r)
{
    return r->finished ? proc_leaf(r->n->t, PROC_OMEGA) : net_term_now(r->n);
}
