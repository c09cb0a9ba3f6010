/* sem.c - the operational semantics: the transitions of one term, by the
 * firing rules of LANGUAGE.md §4.2, cached on the term. Events are numbers
 * (event.h): EVENT_TAU, EVENT_TICK or visible. Omega (PROC_OMEGA) is the
 * state after a tick. Part of the process layer (proc.h).
 */
#include "proc_internal.h"
#include "lts.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    Trans *items;
    uint32_t n, cap;
} TVec;

static void add(Eval *E, TVec *v, uint32_t ev, const Proc *next)
{
    if (v->n == v->cap) {
        uint32_t cap = v->cap ? v->cap * 2 : 8;
        Trans *items = eval_tmp(E, cap * sizeof *items);
        if (v->n) memcpy(items, v->items, v->n * sizeof *items);
        eval_tmp_free(E, v->items);
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = (Trans){ ev, next };
}

static const Trans *compute_trans(ProcTable *t, const Proc *p, uint32_t *n);

/* The transitions of p: cached, or computed now (errors unwind). The cached
 * case is inline, since a wide parallel asks it of every component. */
static inline const Trans *trans(ProcTable *t, const Proc *p, uint32_t *n)
{
    if (p->trans_state == 2) {
        *n = p->n_trans;
        return p->trans;
    }
    return compute_trans(t, p, n);
}

/* p with child i replaced by c (same operator and sets). */
static const Proc *with_child(ProcTable *t, const Proc *p, uint32_t i, const Proc *c)
{
    if (c->kind == PROC_CALL && proc_runs_on((ProcKind)p->kind, i)) c = proc_state_form(t, c);
    if (p->kids[i] == c) return p;   /* a component that returns to itself */
    const Proc *small[8];
    const Proc **kids = p->n <= 8 ? small : eval_tmp(t->E, p->n * sizeof *kids);
    memcpy(kids, p->kids, p->n * sizeof *kids);
    kids[i] = c;
    const Proc *r;
    if (p->kind == PROC_EXT || p->kind == PROC_INT) r = proc_choice(t, (ProcKind)p->kind, kids, p->n);
    else r = proc_op_formed(t, (ProcKind)p->kind, kids, p->n, p->set, p->sets, p->rel);
    if (kids != small) eval_tmp_free(t->E, kids);
    return r;
}

static const Proc *omega(ProcTable *t) { return proc_leaf(t, PROC_OMEGA); }

/* P [] Q: visible events and tick resolve the choice, tau does not. */
static void ext_rules(ProcTable *t, const Proc *p, TVec *out)
{
    for (uint32_t i = 0; i < p->n; i++) {
        uint32_t n;
        const Trans *ts = trans(t, p->kids[i], &n);
        for (uint32_t k = 0; k < n; k++) {
            if (ts[k].event == EVENT_TAU) add(t->E, out, EVENT_TAU, with_child(t, p, i, ts[k].next));
            else add(t->E, out, ts[k].event, ts[k].next);
        }
    }
}

/* Parallel with one synchronisation set A over n components, and the
 * alphabetised form (each component has its own alphabet): an event in the
 * interface needs every component that takes part in it (all of them for
 * [| A |]; those whose alphabet holds it for ||); tick of a component
 * becomes tau and leaves Omega; all Omega ticks. */

/* The components that must take part in visible ev, into *parts (all of
 * them, as a NULL list, for a parallel's sync set). Returns their number;
 * 0 for an event a component performs alone. */
static uint32_t participants(const Proc *p, uint32_t ev, const uint32_t **parts)
{
    *parts = NULL;
    if (p->kind == PROC_PAR) return proc_in_set(p->set, ev) ? p->n : 0;
    uint32_t n;
    *parts = proc_alpha_parts(p->alpha, ev, &n);
    return n;
}

static uint32_t part(const uint32_t *parts, uint32_t k) { return parts ? parts[k] : k; }

uint32_t proc_participants(const Proc *par, uint32_t ev)
{
    const uint32_t *parts;
    return ev < 2 ? 1 : participants(par, ev, &parts);
}

static bool offers(ProcTable *t, const Proc *q, uint32_t ev)
{
    uint32_t n;
    const Trans *ts = trans(t, q, &n);
    for (uint32_t k = 0; k < n; k++)
        if (ts[k].event == ev) return true;
    return false;
}

/* Did an earlier transition of the list carry ev? (A shared event is
 * listed once.) */
static bool offered_before(const Trans *ts, uint32_t k, uint32_t ev)
{
    for (uint32_t q = 0; q < k; q++)
        if (ts[q].event == ev) return true;
    return false;
}

static void sync_combinations(ProcTable *t, const Proc *p, uint32_t ev, const uint32_t *parts,
                              uint32_t n_parts, uint32_t k, const Proc **state, TVec *out)
{
    if (k == n_parts) {
        add(t->E, out, ev, proc_op(t, (ProcKind)p->kind, state, p->n, p->set, p->sets, p->rel));
        return;
    }
    uint32_t i = part(parts, k), n;
    const Trans *ts = trans(t, p->kids[i], &n);
    const Proc *keep = state[i];
    for (uint32_t m = 0; m < n; m++) {
        if (ts[m].event != ev) continue;
        state[i] = ts[m].next;
        sync_combinations(t, p, ev, parts, n_parts, k + 1, state, out);
    }
    state[i] = keep;
}

static void shared_event(ProcTable *t, const Proc *p, uint32_t ev, const uint32_t *parts,
                         uint32_t n_parts, TVec *out)
{
    for (uint32_t k = 0; k < n_parts; k++)
        if (!offers(t, p->kids[part(parts, k)], ev)) return;
    const Proc *small[8];
    const Proc **state = p->n <= 8 ? small : eval_tmp(t->E, p->n * sizeof *state);
    memcpy(state, p->kids, p->n * sizeof *state);
    sync_combinations(t, p, ev, parts, n_parts, 0, state, out);
    if (state != small) eval_tmp_free(t->E, state);
}

/* P [+A+] Q (n operands): tau of an operand keeps the choice open; tick
 * and an event outside A resolve it as [] does; an event in A needs every
 * operand, moves them all and keeps the choice open. */
static void syncext_rules(ProcTable *t, const Proc *p, TVec *out)
{
    for (uint32_t i = 0; i < p->n; i++) {
        uint32_t n;
        const Trans *ts = trans(t, p->kids[i], &n);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t ev = ts[k].event;
            if (ev == EVENT_TAU) add(t->E, out, EVENT_TAU, with_child(t, p, i, ts[k].next));
            else if (ev == EVENT_TICK || !proc_in_set(p->set, ev)) add(t->E, out, ev, ts[k].next);
            else if (i == 0 && !offered_before(ts, k, ev)) shared_event(t, p, ev, NULL, p->n, out);
        }
    }
}

/* P /+A+\ Q: P runs on by tau and events outside A, and ends with its
 * tick; Q's tau keeps the interrupt pending; Q's tick and events outside A
 * interrupt; an event in A needs both, moves both and does not interrupt. */
static void syncint_rules(ProcTable *t, const Proc *p, TVec *out)
{
    uint32_t n;
    const Trans *ts = trans(t, p->kids[0], &n);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t ev = ts[k].event;
        if (ev == EVENT_TICK) add(t->E, out, EVENT_TICK, omega(t));
        else if (ev == EVENT_TAU || !proc_in_set(p->set, ev)) add(t->E, out, ev, with_child(t, p, 0, ts[k].next));
        else if (!offered_before(ts, k, ev)) shared_event(t, p, ev, NULL, 2, out);
    }
    ts = trans(t, p->kids[1], &n);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t ev = ts[k].event;
        if (ev == EVENT_TAU) add(t->E, out, EVENT_TAU, with_child(t, p, 1, ts[k].next));
        else if (ev == EVENT_TICK || !proc_in_set(p->set, ev)) add(t->E, out, ev, ts[k].next);
    }
}

static bool can_tick(const Trans *ts, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        if (ts[k].event == EVENT_TICK) return true;
    return false;
}

/* P [|A|] Q, P ||| Q, P [A||B] Q and their n-ary forms: events outside the
 * set by one component, events in it by all (their participants); a tick
 * only when every component can tick, all together, to Omega (FDR's
 * verdicts on the tick-tock library: MANUAL.md chapter 6). */
static void par_rules(ProcTable *t, const Proc *p, TVec *out)
{
    bool all_tick = true;
    for (uint32_t i = 0; i < p->n; i++) {
        uint32_t n;
        const Trans *ts = trans(t, p->kids[i], &n);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t ev = ts[k].event;
            if (ev == EVENT_TAU) {
                add(t->E, out, EVENT_TAU, with_child(t, p, i, ts[k].next));
                continue;
            }
            if (ev == EVENT_TICK) continue;   /* joint: below */
            const uint32_t *parts;
            uint32_t n_parts = participants(p, ev, &parts);
            /* Under ||, i may do ev only if its alphabet holds it: if i is
             * among the participants (parts lists them by the index). */
            if (p->kind == PROC_ALPHA && (n_parts == 0 || (n_parts == 1 && parts[0] != i)))
                continue;   /* blocked */
            if (n_parts <= 1) {
                add(t->E, out, ev, with_child(t, p, i, ts[k].next));
                continue;
            }
            /* Shared: listed once, where its first participant lists it. */
            if (part(parts, 0) != i) continue;
            if (!offered_before(ts, k, ev)) shared_event(t, p, ev, parts, n_parts, out);
        }
        if (!can_tick(ts, n)) all_tick = false;
    }
    if (all_tick) add(t->E, out, EVENT_TICK, omega(t));
}

/* P [a <-> b] Q: linked pairs synchronise as tau; other events of each side
 * alone; a joint tick as for parallel. */
bool proc_rel_has(const EventRel *r, uint32_t ev, int side)
{
    for (uint32_t i = 0; i < r->n; i++)
        if (r->pair[2 * i + side] == ev) return true;
    return false;
}

static void link_rules(ProcTable *t, const Proc *p, TVec *out)
{
    uint32_t nl, nr;
    const Trans *l = trans(t, p->kids[0], &nl);
    const Trans *r = trans(t, p->kids[1], &nr);
    for (uint32_t side = 0; side < 2; side++) {
        const Trans *ts = side ? r : l;
        uint32_t n = side ? nr : nl;
        for (uint32_t k = 0; k < n; k++) {
            uint32_t ev = ts[k].event;
            if (ev == EVENT_TAU) add(t->E, out, EVENT_TAU, with_child(t, p, side, ts[k].next));
            else if (ev == EVENT_TICK) continue;   /* termination is joint: below */
            else if (!proc_rel_has(p->rel, ev, (int)side))
                add(t->E, out, ev, with_child(t, p, side, ts[k].next));
        }
    }
    for (uint32_t a = 0; a < nl; a++)
        for (uint32_t b = 0; b < nr; b++)
            for (uint32_t i = 0; i < p->rel->n; i++)
                if (p->rel->pair[2 * i] == l[a].event && p->rel->pair[2 * i + 1] == r[b].event) {
                    const Proc *kids[2] = { l[a].next, r[b].next };
                    add(t->E, out, EVENT_TAU, proc_op(t, PROC_LINK, kids, 2, NULL, NULL, p->rel));
                }
    if (can_tick(l, nl) && can_tick(r, nr)) add(t->E, out, EVENT_TICK, omega(t));
}

static void rename_rules(ProcTable *t, const Proc *p, TVec *out)
{
    uint32_t n;
    const Trans *ts = trans(t, p->kids[0], &n);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t ev = ts[k].event;
        if (ev == EVENT_TICK) {
            add(t->E, out, EVENT_TICK, omega(t));
            continue;
        }
        const Proc *next = with_child(t, p, 0, ts[k].next);
        bool renamed = false;
        for (uint32_t i = 0; ev != EVENT_TAU && i < p->rel->n; i++)
            if (p->rel->pair[2 * i] == ev) {
                add(t->E, out, p->rel->pair[2 * i + 1], next);
                renamed = true;
            }
        if (!renamed) add(t->E, out, ev, next);
    }
}

/* The priority level of an event under prioritise: tau and tick are 1 (maximal),
 * an event of A_i is i, an event of no A_i is 0 (unconstrained). */
static uint32_t level(const EventRel *r, uint32_t ev)
{
    return ev == EVENT_TAU || ev == EVENT_TICK ? 1 : proc_prio_level(r, ev);
}

/* prioritise(P, <A1, ..., An>): an event of A_i (i > 1) happens only when no
 * tau, tick or event of an earlier A_j is possible (LANGUAGE.md §4.2). */
static void prio_rules(ProcTable *t, const Proc *p, TVec *out)
{
    uint32_t n;
    const Trans *ts = trans(t, p->kids[0], &n);
    uint32_t best = UINT32_MAX;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t l = level(p->rel, ts[k].event);
        if (l && l < best) best = l;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t l = level(p->rel, ts[k].event);
        if (l > best) continue;
        add(t->E, out, ts[k].event, ts[k].event == EVENT_TICK ? omega(t) : with_child(t, p, 0, ts[k].next));
    }
}

/* prioritisepo(P, A, order, maximal): an event happens only when no event
 * above it in the order's closure is possible (tau and tick are above
 * every event of A that is not maximal). */
static void priopo_rules(ProcTable *t, const Proc *p, TVec *out)
{
    uint32_t n;
    const Trans *ts = trans(t, p->kids[0], &n);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t m;
        const uint32_t *above = proc_po_above(p->rel, ts[k].event, &m);
        bool blocked = false;
        for (uint32_t i = 0; i < m && !blocked; i++)
            for (uint32_t j = 0; j < n && !blocked; j++) blocked = ts[j].event == above[2 * i + 1];
        if (blocked) continue;
        add(t->E, out, ts[k].event, ts[k].event == EVENT_TICK ? omega(t) : with_child(t, p, 0, ts[k].next));
    }
}

/* The longest chain of taus chase follows before giving up (a process that
 * keeps moving silently through new states). */
enum { CHASE_MAX_TAUS = 1000000 };

/* chase(P): P's taus are taken eagerly, the first one each time, until a
 * state with none; chase then offers that state's events (its taus are
 * never a choice). A tau cycle is a divergence: chase(P) -tau-> itself. */
static void chase_rules(ProcTable *t, const Proc *p, TVec *out)
{
    const Proc *q = p->kids[0], *mark = q;
    const Span at = p->env ? *(const Span *)p->env : SPAN_NONE;
    uint32_t n, power = 1, len = 0;
    const Trans *ts;
    for (uint64_t steps = 0;; steps++) {
        ts = trans(t, q, &n);
        uint32_t k = 0;
        while (k < n && ts[k].event != EVENT_TAU) k++;
        if (k == n) break;
        q = ts[k].next;
        if (q == mark) {   /* Brent: a cycle of taus */
            add(t->E, out, EVENT_TAU, p);
            return;
        }
        if (++len == power) {
            mark = q;
            power *= 2;
            len = 0;
        }
        if (steps == CHASE_MAX_TAUS)
            eval_limit(t->E, at, "chase followed more than %d taus without reaching a stable state",
                       CHASE_MAX_TAUS);
        if ((steps & 1023) == 1023) eval_poll(t->E, at);
    }
    for (uint32_t k = 0; k < n; k++) {
        if (ts[k].event == EVENT_TICK) add(t->E, out, EVENT_TICK, omega(t));
        else add(t->E, out, ts[k].event, proc_chase(t, ts[k].next, at));
    }
}

static void compute(ProcTable *t, const Proc *p, TVec *out)
{
    Eval *E = t->E;
    uint32_t n;
    const Trans *ts;
    switch ((ProcKind)p->kind) {
    case PROC_STOP: case PROC_OMEGA: return;
    case PROC_SKIP: add(E, out, EVENT_TICK, omega(t)); return;   /* SKIP -✓-> Ω */
    case PROC_DIV: add(E, out, EVENT_TAU, p); return;            /* DIV -τ-> DIV */
    case PROC_PREFIX: add(E, out, p->event, p->kids[0]); return; /* e -> P -e-> P */
    case PROC_RUN: case PROC_CHAOS:
        for (uint32_t i = 0; i < p->set->n; i++) add(E, out, p->set->ev[i], p);
        if (p->kind == PROC_CHAOS) add(E, out, EVENT_TAU, proc_leaf(t, PROC_STOP));
        return;
    case PROC_EXT: ext_rules(t, p, out); return;
    case PROC_INT:   /* P |~| Q -τ-> P, Q */
        for (uint32_t i = 0; i < p->n; i++) add(E, out, EVENT_TAU, p->kids[i]);
        return;
    case PROC_SEQ:   /* P ; Q: P's tick becomes tau to Q */
        ts = trans(t, p->kids[0], &n);
        for (uint32_t k = 0; k < n; k++) {
            if (ts[k].event == EVENT_TICK) add(E, out, EVENT_TAU, p->kids[1]);
            else add(E, out, ts[k].event, with_child(t, p, 0, ts[k].next));
        }
        return;
    case PROC_HIDE:  /* hidden events become tau; tick is never hidden */
        ts = trans(t, p->kids[0], &n);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t ev = ts[k].event;
            if (ev == EVENT_TICK) add(E, out, EVENT_TICK, omega(t));
            else add(E, out, proc_in_set(p->set, ev) ? EVENT_TAU : ev, with_child(t, p, 0, ts[k].next));
        }
        return;
    case PROC_TIMEOUT:   /* P [> Q: P's visible events and tick resolve; tau to Q */
        ts = trans(t, p->kids[0], &n);
        for (uint32_t k = 0; k < n; k++) {
            if (ts[k].event == EVENT_TAU) add(E, out, EVENT_TAU, with_child(t, p, 0, ts[k].next));
            else add(E, out, ts[k].event, ts[k].next);
        }
        add(E, out, EVENT_TAU, p->kids[1]);
        return;
    case PROC_INTERRUPT:
        ts = trans(t, p->kids[0], &n);
        for (uint32_t k = 0; k < n; k++) {
            if (ts[k].event == EVENT_TICK) add(E, out, EVENT_TICK, omega(t));
            else add(E, out, ts[k].event, with_child(t, p, 0, ts[k].next));
        }
        ts = trans(t, p->kids[1], &n);
        for (uint32_t k = 0; k < n; k++) {
            if (ts[k].event == EVENT_TAU) add(E, out, EVENT_TAU, with_child(t, p, 1, ts[k].next));
            else add(E, out, ts[k].event, ts[k].next);
        }
        return;
    case PROC_EXCEPT:   /* P [|A|> Q: an event of A hands over to Q */
        ts = trans(t, p->kids[0], &n);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t ev = ts[k].event;
            if (ev == EVENT_TICK) add(E, out, EVENT_TICK, omega(t));
            else if (ev != EVENT_TAU && proc_in_set(p->set, ev)) add(E, out, ev, p->kids[1]);
            else add(E, out, ev, with_child(t, p, 0, ts[k].next));
        }
        return;
    case PROC_PAR: case PROC_ALPHA: par_rules(t, p, out); return;
    case PROC_LINK: link_rules(t, p, out); return;
    case PROC_RENAME: rename_rules(t, p, out); return;
    case PROC_PRIO: prio_rules(t, p, out); return;
    case PROC_PRIOPO: priopo_rules(t, p, out); return;
    case PROC_SYNCEXT: syncext_rules(t, p, out); return;
    case PROC_SYNCINT: syncint_rules(t, p, out); return;
    case PROC_LTS: {   /* a compressed machine's state: its edges (lts.h) */
        const Lts *m = ((const LtsMachine *)p->env)->plain;
        for (uint32_t k = m->first[p->event]; k < m->first[p->event + 1]; k++)   /* a tick ends in Omega */
            add(E, out, m->edges[k].event, m->edges[k].event == EVENT_TICK ? omega(t)
                                           : proc_lts_state(t, p->env, m->edges[k].to));
        return;
    }
    case PROC_CHASE: chase_rules(t, p, out); return;
    case PROC_CALL: {
        /* A name is unfolded without a tau (LANGUAGE.md §4.2 "Recursion"). */
        const Proc *body = proc_unfold(t, p), *outer = t->calling;
        t->calling = p;
        ts = trans(t, body, &n);
        t->calling = outer;
        for (uint32_t k = 0; k < n; k++) add(E, out, ts[k].event, ts[k].next);
        return;
    }
    case PROC__COUNT: break;
    }
}

/* Transition computations nested in one another, at most; each also takes
 * UNFOLD_LEVELS of the evaluator's budget in levels, which bounds them far
 * sooner on a browser's small stack (web/api.c: Recursion, where the cost
 * of a level, compute_trans and compute, was measured). */
enum { MAX_UNFOLD_DEPTH = 10000, UNFOLD_LEVELS = 2 };

static const Trans *compute_trans(ProcTable *t, const Proc *p, uint32_t *n)
{
    Proc *q = (Proc *)p;   /* the transition cache is the only mutable part of a term */
    const Proc *call = q->kind == PROC_CALL ? q : t->calling;   /* where errors point */
    Span at = call && call->node->kind != N_LIST ? call->node->span : SPAN_NONE;
    if (q->trans_state == 1)
        eval_fail(t->E, at, "unguarded recursion: this process can reach itself without an event "
                  "(its transitions would depend on themselves)");
    if (++t->unfold_depth > MAX_UNFOLD_DEPTH || !eval_charge(t->E, UNFOLD_LEVELS + PROC_LEAF_LEVELS)) {
        uint32_t most = t->unfold_depth > MAX_UNFOLD_DEPTH ? MAX_UNFOLD_DEPTH
                                                           : t->unfold_depth - 1 + t->build_depth;
        t->unfold_depth = 0;
        eval_fail(t->E, at, "process nested too deeply to unfold (more than %u levels)", most);
    }
    eval_discharge(t->E, PROC_LEAF_LEVELS);   /* only asked to be there */
    q->trans_state = 1;
    TVec out = { 0 };
    compute(t, p, &out);
    q->trans = arena_dup(t->arena, out.items, out.n * sizeof *out.items);
    q->n_trans = out.n;
    eval_tmp_free(t->E, out.items);
    q->trans_state = 2;
    t->unfold_depth--;
    eval_discharge(t->E, UNFOLD_LEVELS);
    *n = q->n_trans;
    return q->trans;
}

typedef struct {
    ProcTable *t;
    const Proc *p;
    const Trans *out;
    uint32_t n;
} TransCall;

static void trans_call(void *ctx)
{
    TransCall *c = ctx;
    c->out = trans(c->t, c->p, &c->n);
}

static void once_call(void *ctx)
{
    TransCall *c = ctx;
    ProcTable *t = c->t;
    Proc *q = (Proc *)c->p;
    q->trans_state = 1;   /* still catches unguarded recursion through q */
    t->unfold_depth++;
    TVec out = { 0 };
    compute(t, q, &out);
    t->unfold_depth--;
    q->trans_state = 0;
    if (!t->once || out.n > t->once_cap) {
        t->once_cap = out.n * 2 > 8 ? out.n * 2 : 8;
        t->once = xrealloc(t->once, t->once_cap * sizeof *t->once);
    }
    if (out.n) memcpy(t->once, out.items, out.n * sizeof *t->once);
    eval_tmp_free(t->E, out.items);
    t->n_once = out.n;
    t->once_of = q;
    c->out = t->once;
    c->n = out.n;
}

const Trans *proc_transitions_once(ProcTable *t, const Proc *p, uint32_t *n)
{
    if (p->trans_state == 2) {
        *n = p->n_trans;
        return p->trans;
    }
    if (t->once_of == p) {
        *n = t->n_once;
        return t->once;
    }
    TransCall c = { t, p, NULL, 0 };
    t->once_of = NULL;
    if (!proc_guard(t, once_call, &c)) return NULL;
    *n = c.n;
    return c.out;
}

const Trans *proc_transitions_in(ProcTable *t, const Proc *p, uint32_t *n) { return trans(t, p, n); }

const Trans *proc_transitions_once_in(ProcTable *t, const Proc *p, uint32_t *n)
{
    if (p->trans_state == 2) {
        *n = p->n_trans;
        return p->trans;
    }
    TransCall c = { t, p, NULL, 0 };
    t->once_of = NULL;
    once_call(&c);
    *n = c.n;
    return c.out;
}

const Trans *proc_transitions(ProcTable *t, const Proc *p, uint32_t *n)
{
    if (p->trans_state == 2) {   /* cached: nothing can fail, so no error handler */
        *n = p->n_trans;
        return p->trans;
    }
    TransCall c = { t, p, NULL, 0 };
    if (!proc_guard(t, trans_call, &c)) return NULL;
    *n = c.n;
    return c.out;
}
