/* netexplain.c - explaining a network's steps, for counterexamples (see
 * net.h, "explaining a path"): the static top's nodes, each component's
 * term in a state, and which components took part in a transition, by
 * which of their own events. It works a state's transitions out again as
 * the exploration did (the same records in the same order), so it costs
 * nothing until a counterexample is explained.
 */
#include "net_internal.h"

#include <stdlib.h>
#include <string.h>

/* Events an event can become on its way up through one renaming: at most
 * this many are followed (a relation mapping one event to more is cut). */
enum { LIFT_MAX = 64 };

uint32_t net_nodes(const Net *n) { return n->n_nodes; }

const Proc *net_node(const Net *n, uint32_t node, const uint32_t **kids, uint32_t *n_kids,
                     uint32_t *first, uint32_t *n_leaves)
{
    const NetNode *x = &n->nodes[node];
    *kids = x->kids;
    *n_kids = x->kind == NK_LEAF ? 0 : x->n_kids;
    *first = x->first;
    *n_leaves = x->n_leaves;
    return x->term;
}

const Proc *net_component_term(Net *n, uint32_t state, uint32_t i)
{
    net_load(n, state);
    uint32_t v = n->vals[i];
    return v >= MARK ? proc_leaf(n->t, PROC_OMEGA) : n->leaves[i].terms[v];
}

/* The node just above node (NONE for the root). */
static uint32_t parent_of(const Net *n, uint32_t node)
{
    for (uint32_t i = node; i-- > 0;) {
        const NetNode *x = &n->nodes[i];
        if (x->kind == NK_LEAF) continue;
        for (uint32_t k = 0; k < x->n_kids; k++)
            if (x->kids[k] == node) return i;
    }
    return NONE;
}

/* The node of component leaf. */
static uint32_t leaf_node(const Net *n, uint32_t leaf)
{
    for (uint32_t i = 0; i < n->n_nodes; i++)
        if (n->nodes[i].kind == NK_LEAF && n->nodes[i].first == leaf) return i;
    return NONE;
}

static uint32_t add_unique(uint32_t *out, uint32_t k, uint32_t max, uint32_t ev)
{
    for (uint32_t i = 0; i < k; i++)
        if (out[i] == ev) return k;
    if (k < max) out[k++] = ev;
    return k;
}

uint32_t net_lift(Net *n, uint32_t leaf, uint32_t ev, uint32_t upto, uint32_t *out, uint32_t max)
{
    uint32_t cur[LIFT_MAX], nxt[LIFT_MAX], k = 1;
    cur[0] = ev;
    uint32_t node = leaf_node(n, leaf);
    while (node != upto && node != NONE) {
        uint32_t up = parent_of(n, node);
        if (up == NONE) break;
        NetNode *x = &n->nodes[up];
        uint32_t m = 0;
        for (uint32_t i = 0; i < k; i++) {
            uint32_t e = cur[i];
            bool visible = e != EVENT_TAU && e != EVENT_TICK;
            switch ((NetKind)x->kind) {
            case NK_HIDE:
                m = add_unique(nxt, m, LIFT_MAX, visible && net_route(x, e)->n ? EVENT_TAU : e);
                break;
            case NK_RENAME: {
                const Route *r = visible ? net_route(x, e) : NULL;
                if (!r || r->n == 0) m = add_unique(nxt, m, LIFT_MAX, e);
                else
                    for (uint32_t j = 0; j < r->n; j++) m = add_unique(nxt, m, LIFT_MAX, r->parts[j]);
                break;
            }
            case NK_LINK: {
                int side = x->kids[0] == node ? 0 : 1;
                bool linked = visible && proc_rel_has(x->term->rel, e, side);
                m = add_unique(nxt, m, LIFT_MAX, linked ? EVENT_TAU : e);
                break;
            }
            default:   /* a parallel's tick is its components' joint tick */
                m = add_unique(nxt, m, LIFT_MAX, e);
                break;
            }
        }
        memcpy(cur, nxt, m * sizeof *cur);
        k = m;
        node = up;
    }
    uint32_t w = k < max ? k : max;
    memcpy(out, cur, w * sizeof *out);
    return w;
}

static bool lifts_to(Net *n, uint32_t leaf, uint32_t ev, uint32_t top)
{
    uint32_t out[LIFT_MAX];
    uint32_t k = net_lift(n, leaf, ev, 0, out, LIFT_MAX);
    for (uint32_t i = 0; i < k; i++)
        if (out[i] == top) return true;
    return false;
}

bool net_explain_step(Net *n, uint32_t from, uint32_t k, uint32_t *did)
{
    for (uint32_t i = 0; i < n->n_leaves; i++) did[i] = NET_IDLE;
    net_load(n, from);
    n->n_recs = n->n_chg = 0;
    Range r;
    if (!net_gen(n, 0, &r)) return false;
    if (k >= r.hi - r.lo) return true;
    Rec rec = n->recs[r.lo + k];
    /* The records are overwritten by the components' own transitions below:
     * copy this one's changes first. */
    Change small[16];
    Change *chg = rec.n <= 16 ? small : xmalloc(rec.n * sizeof *chg);
    memcpy(chg, n->chg + rec.first, rec.n * sizeof *chg);
    /* A component's candidates: its transitions to its new state whose
     * event can become the step's. Components that synchronise do the same
     * event, so one with a single candidate settles the others' choice:
     * first those, then the rest, preferring an event already chosen. */
    bool ok = true;
    for (int pass = 0; pass < 2 && ok; pass++)
        for (uint32_t c = 0; c < rec.n && ok; c++) {
            uint32_t leaf = chg[c].leaf, v = n->vals[leaf], to = chg[c].val;
            if (did[leaf] != NET_IDLE) continue;
            if (to >= MARK || v >= MARK) {   /* a parallel below has terminated as a whole */
                did[leaf] = EVENT_TICK;
                continue;
            }
            uint32_t m;
            const LocalTrans *ts = net_local_transitions(n, leaf, v, &m);
            if (!ts) {
                ok = false;
                break;
            }
            uint32_t pick = NONE, count = 0;
            for (uint32_t j = 0; j < m; j++)
                if (ts[j].next == to && lifts_to(n, leaf, ts[j].event, rec.event)) {
                    if (pick == NONE) pick = j;
                    count++;
                }
            if (pass == 0 && count != 1) continue;
            for (uint32_t j = 0; j < m && count > 1; j++) {
                if (ts[j].next != to || !lifts_to(n, leaf, ts[j].event, rec.event)) continue;
                bool chosen = false;
                for (uint32_t o = 0; o < rec.n && !chosen; o++) chosen = did[chg[o].leaf] == ts[j].event;
                if (chosen) {
                    pick = j;
                    break;
                }
            }
            for (uint32_t j = 0; j < m && pick == NONE; j++)
                if (ts[j].next == to) pick = j;
            did[leaf] = pick == NONE ? EVENT_TAU : ts[pick].event;
        }
    if (chg != small) free(chg);
    return ok;
}
