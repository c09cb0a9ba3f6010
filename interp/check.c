/* check.c - the assertion checker; see check.h.
 * Explorations are breadth-first over the states of a network (net.h: a
 * state is a dense id naming a compact vector of component states).
 * Refinement and determinism build the normal form of a process on the fly:
 * nodes are tau-closed sets of its states, with their minimal acceptances
 * (stable failures) and a divergence mark (failures-divergences).
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include "json.h"
#include "net.h"
#include "proc.h"
#include "unparse.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A counterexample names its implementation by its text, cut (with "...")
 * beyond this; and shows what this many parallel components offer, then
 * says how many more there are. */
enum { CHK_NAME_MAX = 128, CHK_COMPONENTS_SHOWN = 16 };

/* ---- the checker's state ---- */

/* A visible transition of a normal-form node's member: its event, the
 * state reached, and its position among the node's transitions. */
typedef struct Step {
    uint32_t event, next, pos;
} Step;

typedef struct NNode {
    uint32_t n;
    uint32_t *members;      /* states of the normal-formed network, ascending */
    bool succ_done;
    uint32_t n_succ;
    uint32_t *succ_ev, *succ_node;
    int8_t divergent;       /* -1 unknown */
    bool acc_done;
    uint32_t n_acc;         /* minimal acceptances */
    const EventSet **acc;
    bool has_stable;
} NNode;

/* A network being explored, with what is known of its states' divergence. */
typedef struct {
    Net *net;
    uint8_t *div;           /* 2 bits by state: 0 unknown, 1 on stack, 2 yes, 3 no */
    uint32_t div_cap;
    /* The tau successors of states, once asked for (closures ask again and
     * again, and a network recomputes all of a state's transitions when it
     * is not the one asked for last): by state, 1 + where its list starts
     * in tau_pool (0: not known yet); a list is its length, then the states. */
    uint32_t *tau_at, tau_at_cap;
    uint32_t *tau_pool, n_pool, cap_pool;
} Space;

typedef struct {
    ProcTable *t;
    Eval *E;
    EventTable *ev;
    const ChkOptions *o;
    ChkStats *st;
    Arena *arena;
    jmp_buf jb;
    int failure;            /* CHK_ERROR or CHK_LIMIT when jumping */
    const EventSet *tau_pri;
    Space impl;             /* the process explored */
    Space spec;             /* the process normal-formed (nodes' members are its states) */
    void *div_stack;        /* diverges()'s depth-first stack, kept here so a bail frees it */
    uint32_t div_stack_cap;
    uint32_t *set_buf;      /* scratch for a set of states being closed (the same reason) */
    uint32_t set_cap;
    uint32_t *in_set;       /* by spec state: the stamp of the set it was last put in */
    uint32_t in_set_cap, set_stamp;
    uint64_t side_work;     /* steps of normalising and divergence search (limits now and then) */
    struct Step *steps_buf; /* scratch: a node's visible transitions, sorted by event */
    uint32_t steps_cap;
    const struct Step **groups;    /* scratch: each event's first step there */
    uint32_t group_cap;
    NetTrans *ts_buf;       /* scratch: a copy of an implementation state's transitions */
    uint32_t ts_cap;
    NetTrans *pri_buf;      /* scratch: transitions kept under tau priority */
    uint32_t pri_cap;
    NNode *nodes;
    uint32_t n_nodes, cap_nodes;
    uint32_t *node_slots, node_cap;     /* hash of member sets: node + 1 */
    uint64_t *pair_keys;    /* hash set of (node, proc id) */
    uint32_t *pair_vals;
    uint32_t pair_cap, n_pairs;
    /* Visits in breadth-first order. A pair exploration keeps, per visit,
     * the visit it was reached from (UINT32_MAX for the first), by which
     * event, and its implementation state. A single-process exploration
     * keeps where each breadth-first level starts instead: a visit was
     * reached from the first visit of the level before with a transition
     * to it, by the first such transition; and while it visits states in
     * the order the network numbers them, visit i is state i and v_state
     * is not kept either. */
    uint32_t *v_parent, *v_event, *v_state;
    bool pairs;             /* a pair exploration */
    uint32_t *level_start;
    uint32_t n_levels, cap_levels;
    uint32_t level_end;     /* the first visit of the level after the one being expanded */
    uint32_t n_visits, cap_visits;
    uint32_t *pair_node;    /* by visit: the normal-form node of a pair */
    uint32_t pair_node_cap;
    uint32_t *visit_of;     /* by state: visit index + 1 (single-process explorations) */
    uint32_t visit_cap;
    Span at;                /* the assertion, for limit messages */
    struct timespec t0;     /* when the check started */
    bool progress_shown;    /* a progress line needs clearing */
} Chk;

static _Noreturn void bail(Chk *c, int why)
{
    c->failure = why;
    longjmp(c->jb, 1);
}

/* After a failure the evaluator reported (building a process, its
 * transitions): a limit it reached (steps, memory, time, Ctrl-C) is a
 * limit here too. */
static _Noreturn void bail_eval(Chk *c)
{
    bail(c, eval_failure(c->E) == EVAL_LIMIT ? CHK_LIMIT : CHK_ERROR);
}

/* The watch (watch.h) asked to stop: the located message says why and
 * where the check was ("after N states", "while normalising ..."). */
static _Noreturn void stopped(Chk *c, const char *where)
{
    char why[160];
    Watch *w = eval_watch(c->E);
    if (watch_stopped(w) == WATCH_INTERRUPT)
        diag_error(eval_diag(c->E), c->at, "interrupted %s", where);
    else
        diag_error(eval_diag(c->E), c->at, "stopped %s: %s", where,
                   watch_reason(w, why, sizeof why));
    bail(c, CHK_LIMIT);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Every 65536 states: progress after a second. */
static void every_so_often(Chk *c)
{
    double secs = seconds_since(&c->t0);
    if (c->o->progress && secs > 1.0) {
        uint64_t mem = watch_resident_bytes();
        fprintf(stderr, "\r  %llu states, %.0f states/s, %llu MB   ", (unsigned long long)c->st->states,
                c->st->states / secs, (unsigned long long)(mem >> 20));
        c->progress_shown = true;
    }
}

/* The limits, for work that visits no state of the check's own: states of
 * space sp reached while normalising a specification or while following
 * taus to find a divergence (what), which may be many. Their states are
 * held to --max-states as visits are (see side_step). */
static void side_limits(Chk *c, Space *sp, const char *what)
{
    if (c->o->max_states && net_states(sp->net) > c->o->max_states) {
        diag_error(eval_diag(c->E), c->at, "%s reached more than %llu states, the "
                   "limit; raise --max-states", what, (unsigned long long)c->o->max_states);
        bail(c, CHK_LIMIT);
    }
    if (eval_interrupted(c->E)) {
        char where[96];
        snprintf(where, sizeof where, "while %s", what);
        stopped(c, where);
    }
    if ((c->side_work & 0xFFFF) == 0) every_so_often(c);
}

/* One step of such work in space sp: the limits every 1024 steps, and at
 * once when sp has more states than --max-states. */
static void side_step(Chk *c, Space *sp, const char *what)
{
    if ((++c->side_work & 1023) == 0 || (c->o->max_states && net_states(sp->net) > c->o->max_states))
        side_limits(c, sp, what);
}

static void count_state(Chk *c)
{
    c->st->states++;
    if ((c->st->states & 0xFFFF) == 0) every_so_often(c);
    if (c->o->max_states && c->st->states > c->o->max_states) {
        diag_error(eval_diag(c->E), c->at,
                   "explored %llu states, the limit; raise --max-states",
                   (unsigned long long)c->o->max_states);
        bail(c, CHK_LIMIT);
    }
    if ((c->st->states & 1023) == 0 && eval_interrupted(c->E)) {
        char where[64];
        snprintf(where, sizeof where, "after %llu states", (unsigned long long)c->st->states);
        stopped(c, where);
    }
}

/* Transitions of a state, with tau given priority over the events of
 * tau_pri; next is the state asked for next, if known (UINT32_MAX if
 * not). Valid until the next call (see net_transitions). */
static const NetTrans *trans_ahead(Chk *c, Space *sp, uint32_t s, uint32_t next, uint32_t *n)
{
    const NetTrans *ts = net_transitions_ahead(sp->net, s, next, n);
    if (!ts) bail_eval(c);
    if (!c->tau_pri) return ts;
    bool tau = false;
    for (uint32_t i = 0; i < *n && !tau; i++) tau = ts[i].event == EVENT_TAU;
    if (!tau) return ts;
    if (*n > c->pri_cap) c->pri_buf = xrealloc(c->pri_buf, (c->pri_cap = 2 * *n) * sizeof *c->pri_buf);
    uint32_t m = 0;
    for (uint32_t i = 0; i < *n; i++)
        if (ts[i].event < 2 || !proc_in_set(c->tau_pri, ts[i].event)) c->pri_buf[m++] = ts[i];
    *n = m;
    return c->pri_buf;
}

static const NetTrans *trans(Chk *c, Space *sp, uint32_t s, uint32_t *n)
{
    return trans_ahead(c, sp, s, UINT32_MAX, n);
}

static void grow_u8(uint8_t **a, uint32_t *cap, uint32_t need)
{
    if (need < *cap) return;
    uint32_t ncap = *cap ? *cap : 1024;
    while (ncap <= need) ncap *= 2;
    *a = xrealloc(*a, ncap);
    memset(*a + *cap, 0, ncap - *cap);
    *cap = ncap;
}

static void grow_u32(uint32_t **a, uint32_t *cap, uint32_t need)
{
    if (need < *cap) return;
    uint32_t ncap = *cap ? *cap : 1024;
    while (ncap <= need) ncap *= 2;
    *a = xrealloc(*a, ncap * sizeof **a);
    memset(*a + *cap, 0, (ncap - *cap) * sizeof **a);
    *cap = ncap;
}

/* The network of a process, for an exploration. */
static void space_open(Chk *c, Space *sp, const Proc *p)
{
    sp->net = net_new(c->t, p);
    if (!sp->net) bail_eval(c);
}

static void space_close(Space *sp)
{
    net_free(sp->net);
    free(sp->div);
    free(sp->tau_at);
    free(sp->tau_pool);
}

/* The tau successors of state s (valid until the next call). */
static const uint32_t *tau_next(Chk *c, Space *sp, uint32_t s, uint32_t *n)
{
    grow_u32(&sp->tau_at, &sp->tau_at_cap, s);
    if (!sp->tau_at[s]) {
        uint32_t m, k = 0;
        const NetTrans *ts = trans(c, sp, s, &m);
        for (uint32_t i = 0; i < m; i++) k += ts[i].event == EVENT_TAU;
        if ((uint64_t)sp->n_pool + k + 1 > UINT32_MAX - 1) {
            diag_error(eval_diag(c->E), c->at, "more than 4 billion tau transitions "
                       "to remember while normalising; the limit");
            bail(c, CHK_LIMIT);
        }
        while (sp->n_pool + k + 1 > sp->cap_pool) {
            uint32_t ncap = sp->cap_pool ? sp->cap_pool * 2 : 1024;
            sp->tau_pool = xrealloc(sp->tau_pool, (size_t)ncap * sizeof *sp->tau_pool);
            sp->cap_pool = ncap;
        }
        uint32_t at = sp->n_pool;
        sp->tau_pool[at] = k;
        for (uint32_t i = 0, j = at + 1; i < m; i++)
            if (ts[i].event == EVENT_TAU) sp->tau_pool[j++] = ts[i].next;
        sp->n_pool += k + 1;
        sp->tau_at[s] = at + 1;
    }
    const uint32_t *list = sp->tau_pool + sp->tau_at[s] - 1;
    *n = list[0];
    return list + 1;
}

/* ---- divergence: can a state start an infinite tau path? ---- */

static unsigned div_get(const Space *sp, uint32_t s)
{
    return s / 4 < sp->div_cap ? (sp->div[s / 4] >> (2 * (s % 4))) & 3u : 0;
}

static void div_set(Space *sp, uint32_t s, unsigned v)
{
    grow_u8(&sp->div, &sp->div_cap, s / 4);
    unsigned shift = 2 * (s % 4);
    sp->div[s / 4] = (uint8_t)((sp->div[s / 4] & ~(3u << shift)) | v << shift);
}

static bool has_tau(const NetTrans *ts, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (ts[i].event == EVENT_TAU) return true;
    return false;
}

static bool diverges(Chk *c, Space *sp, uint32_t p)
{
    unsigned known = div_get(sp, p);
    if (known >= 2) return known == 2;
    uint32_t n0;
    const NetTrans *ts0 = trans(c, sp, p, &n0);
    if (!has_tau(ts0, n0)) return false;   /* most states: nothing to remember */
    typedef struct { uint32_t s; uint32_t next; bool yes; } Frame;
    if (!c->div_stack) {
        c->div_stack_cap = 64;
        c->div_stack = xmalloc(c->div_stack_cap * sizeof(Frame));
    }
    uint32_t cap = c->div_stack_cap, depth = 0;
    Frame *stack = c->div_stack;
    stack[depth++] = (Frame){ p, 0, false };
    div_set(sp, p, 1);
    bool result = false;
    while (depth) {
        side_step(c, sp, "looking for a divergence");
        Frame *f = &stack[depth - 1];
        uint32_t n;
        const NetTrans *ts = trans(c, sp, f->s, &n);
        while (f->next < n && ts[f->next].event != EVENT_TAU) f->next++;
        if (f->next == n) {
            bool yes = f->yes;
            div_set(sp, f->s, yes ? 2 : 3);
            depth--;
            if (depth) stack[depth - 1].yes |= yes;
            else result = yes;
            continue;
        }
        uint32_t q = ts[f->next++].next;
        unsigned s = div_get(sp, q);
        if (s == 1 || s == 2) f->yes = true;
        else if (s == 0) {
            if (depth == cap) {
                cap *= 2;
                stack = xrealloc(stack, cap * sizeof *stack);
                c->div_stack = stack;
                c->div_stack_cap = cap;
                f = &stack[depth - 1];
            }
            div_set(sp, q, 1);
            stack[depth++] = (Frame){ q, 0, false };
        }
    }
    return result;
}

/* ---- single-process breadth-first exploration ---- */

static void push_visit(Chk *c, uint32_t state, uint32_t parent, uint32_t event)
{
    if (c->n_visits == c->cap_visits) {
        c->cap_visits = c->cap_visits ? c->cap_visits * 2 : 1024;
        if (c->pairs) {
            c->v_parent = xrealloc(c->v_parent, c->cap_visits * sizeof *c->v_parent);
            c->v_event = xrealloc(c->v_event, c->cap_visits * sizeof *c->v_event);
        }
        if (c->v_state) c->v_state = xrealloc(c->v_state, c->cap_visits * sizeof *c->v_state);
    }
    if (c->pairs) {
        c->v_parent[c->n_visits] = parent;
        c->v_event[c->n_visits] = event;
    }
    if (c->v_state) c->v_state[c->n_visits] = state;
    c->n_visits++;
    count_state(c);
}

/* Visits keep their states from now on (pair explorations; a
 * single-process one whose states were numbered ahead of it). */
static void keep_states(Chk *c)
{
    if (c->v_state) return;
    c->v_state = xmalloc((c->cap_visits ? c->cap_visits : 1) * sizeof *c->v_state);
    for (uint32_t i = 0; i < c->n_visits; i++) c->v_state[i] = i;
}

static uint32_t visit_state(const Chk *c, uint32_t i) { return c->v_state ? c->v_state[i] : i; }

static uint32_t visit(Chk *c, uint32_t p, uint32_t parent, uint32_t event, bool *fresh)
{
    if (!c->visit_of) {
        /* While the network numbers states in the order they are visited,
         * a state's number is its visit: no index is needed. */
        *fresh = p == c->n_visits;
        if (p <= c->n_visits) {
            if (*fresh) push_visit(c, p, parent, event);
            return p;
        }
        grow_u32(&c->visit_of, &c->visit_cap, p);   /* numbered ahead (by diverges): index from now */
        for (uint32_t i = 0; i < c->n_visits; i++) c->visit_of[i] = i + 1;
        keep_states(c);
    }
    grow_u32(&c->visit_of, &c->visit_cap, p);
    if (c->visit_of[p]) {
        *fresh = false;
        return c->visit_of[p] - 1;
    }
    push_visit(c, p, parent, event);
    c->visit_of[p] = c->n_visits;
    *fresh = true;
    return c->n_visits - 1;
}

/* The visit of a state of a single-process exploration, UINT32_MAX if none. */
static uint32_t visit_of_state(const Chk *c, uint32_t s)
{
    if (!c->visit_of) return s < c->n_visits ? s : UINT32_MAX;
    return s < c->visit_cap && c->visit_of[s] ? c->visit_of[s] - 1 : UINT32_MAX;
}

/* A single-process exploration: visit i (not the first) was reached from
 * the first visit of the level before that has a transition to it, by
 * the first such transition. Returns that visit; the event in *event. */
static uint32_t discoverer(Chk *c, uint32_t i, uint32_t *event)
{
    uint32_t lo = 0, hi = c->n_levels;   /* the level of i: the last start <= i */
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (c->level_start[mid] <= i) lo = mid;
        else hi = mid;
    }
    uint32_t from = c->level_start[lo - 1], to = c->level_start[lo];
    for (uint32_t p = from; p < to; p++) {
        uint32_t n;
        const NetTrans *ts = trans(c, &c->impl, visit_state(c, p), &n);
        for (uint32_t k = 0; k < n; k++)
            if (visit_of_state(c, ts[k].next) == i) {
                *event = ts[k].event;
                return p;
            }
    }
    *event = EVENT_TAU;   /* not reached: some visit of that level discovered i */
    return 0;
}

/* The visible events (and ticks) on the way to visit i, last first, in a
 * malloc'd array (however long: a counterexample is never cut); *n says
 * how many. The caller frees it. */
static uint32_t *trace_to(Chk *c, uint32_t i, uint32_t *n)
{
    uint32_t cap = 64, k = 0;
    uint32_t *path = xmalloc(cap * sizeof *path);
    while (i != 0) {
        uint32_t ev;
        if (c->pairs) {
            ev = c->v_event[i];
            i = c->v_parent[i];
        } else {
            i = discoverer(c, i, &ev);
        }
        if (ev == EVENT_TAU) continue;
        if (k == cap) path = xrealloc(path, (cap *= 2) * sizeof *path);
        path[k++] = ev;
    }
    *n = k;
    return path;
}

static void print_trace(Chk *c, uint32_t i, FILE *out)
{
    uint32_t n, *path = trace_to(c, i, &n);
    fputc('<', out);
    for (uint32_t k = n; k-- > 0;) {
        event_print(out, c->ev, path[k]);
        if (k) fputs(", ", out);
    }
    fputc('>', out);
    free(path);
}

static void print_initials(Chk *c, const Proc *p, FILE *out)
{
    uint32_t n;
    const Trans *ts = proc_transitions(c->t, p, &n);
    if (!ts) bail_eval(c);
    fputc('{', out);
    uint32_t shown = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (ts[k].event == EVENT_TAU) continue;
        bool dup = false;
        for (uint32_t j = 0; j < k && !dup; j++) dup = ts[j].event == ts[k].event;
        if (dup) continue;
        if (shown++) fputs(", ", out);
        event_print(out, c->ev, ts[k].event);
    }
    fputc('}', out);
}

/* What each component of a parallel state offers (for deadlocks). */
static void print_components(Chk *c, Space *sp, uint32_t state, FILE *out, const char *indent)
{
    const Proc *p = net_term(sp->net, state);
    if (p) p = proc_under_wrappers(c->t, p);
    if (!p || (p->kind != PROC_PAR && p->kind != PROC_ALPHA && p->kind != PROC_LINK)) return;
    for (uint32_t i = 0; i < p->n && i < CHK_COMPONENTS_SHOWN; i++) {
        fprintf(out, "%sComponent %u offers ", indent, i + 1);
        print_initials(c, p->kids[i], out);
        fputc('\n', out);
    }
    if (p->n > CHK_COMPONENTS_SHOWN)
        fprintf(out, "%s... and %u more components\n", indent, p->n - CHK_COMPONENTS_SHOWN);
}

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
    grow_u32(&c->in_set, &c->in_set_cap, s);
    if (c->in_set[s] == c->set_stamp) return n;
    c->in_set[s] = c->set_stamp;
    if (n == c->set_cap) c->set_buf = xrealloc(c->set_buf, (c->set_cap *= 2) * sizeof *c->set_buf);
    c->set_buf[n] = s;
    side_step(c, &c->spec, "normalising the specification");
    return n + 1;
}

/* The tau-closure of the set in set_buf, whose n members were put there
 * since set_start (returns the new count, sorted). */
static uint32_t closure(Chk *c, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t m;
        const uint32_t *next = tau_next(c, &c->spec, c->set_buf[i], &m);
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
static uint32_t initial_node(Chk *c, const Proc *p)
{
    space_open(c, &c->spec, p);
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

static int cmp_group(const void *a, const void *b)
{
    const Step *x = *(const Step *const *)a, *y = *(const Step *const *)b;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* The successors of a node on each visible event and tick, in the order
 * its members' transitions first show the events. The members'
 * transitions are gathered once and sorted by event: a node offering E
 * events costs E log E, not E squared. */
static void node_successors(Chk *c, uint32_t id)
{
    if (c->nodes[id].succ_done) return;
    uint32_t n_steps = 0;
    for (uint32_t i = 0; i < c->nodes[id].n; i++) {
        uint32_t m;
        const NetTrans *ts = trans(c, &c->spec, c->nodes[id].members[i], &m);
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
    NNode *x = &c->nodes[id];
    x->succ_ev = evs;
    x->succ_node = succ;
    x->n_succ = n_ev;
    x->succ_done = true;
}

static int64_t node_after(Chk *c, uint32_t id, uint32_t ev)
{
    node_successors(c, id);
    for (uint32_t i = 0; i < c->nodes[id].n_succ; i++)
        if (c->nodes[id].succ_ev[i] == ev) return c->nodes[id].succ_node[i];
    return -1;
}

static bool node_divergent(Chk *c, uint32_t id)
{
    if (c->nodes[id].divergent < 0) {
        bool d = false;
        for (uint32_t i = 0; i < c->nodes[id].n && !d; i++) d = diverges(c, &c->spec, c->nodes[id].members[i]);
        c->nodes[id].divergent = d;
    }
    return c->nodes[id].divergent;
}

/* The acceptance of a stable state: its visible events and tick. */
static const EventSet *acceptance(Chk *c, Space *sp, uint32_t p)
{
    uint32_t n;
    const NetTrans *ts = trans(c, sp, p, &n);
    uint32_t *ev = xmalloc((n ? n : 1) * sizeof *ev);
    for (uint32_t i = 0; i < n; i++) ev[i] = ts[i].event;
    const EventSet *s = proc_sorted_set(c->t, ev, n);
    free(ev);
    return s;
}

static bool is_stable(Chk *c, Space *sp, uint32_t p)
{
    uint32_t n;
    const NetTrans *ts = trans(c, sp, p, &n);
    for (uint32_t i = 0; i < n; i++)
        if (ts[i].event == EVENT_TAU) return false;
    return true;
}

static bool subset(const EventSet *a, const EventSet *b)
{
    for (uint32_t i = 0; i < a->n; i++)
        if (!proc_in_set(b, a->ev[i])) return false;
    return true;
}

static void node_acceptances(Chk *c, uint32_t id)
{
    NNode *x = &c->nodes[id];
    if (x->acc_done) return;
    const EventSet **acc = arena_alloc(c->arena, (x->n ? x->n : 1) * sizeof *acc);
    uint32_t n = 0;
    for (uint32_t i = 0; i < x->n; i++) {
        if (!is_stable(c, &c->spec, x->members[i])) continue;
        x->has_stable = true;
        const EventSet *a = acceptance(c, &c->spec, x->members[i]);
        bool redundant = false;
        for (uint32_t j = 0; j < n && !redundant; j++) redundant = subset(acc[j], a);
        if (redundant) continue;
        uint32_t m = 0;   /* drop the supersets of a */
        for (uint32_t j = 0; j < n; j++)
            if (!subset(a, acc[j])) acc[m++] = acc[j];
        n = m;
        acc[n++] = a;
    }
    x->acc = acc;
    x->n_acc = n;
    x->acc_done = true;
}

static void print_set(Chk *c, const EventSet *s, FILE *out)
{
    fputc('{', out);
    for (uint32_t i = 0; i < s->n; i++) {
        if (i) fputs(", ", out);
        event_print(out, c->ev, s->ev[i]);
    }
    fputc('}', out);
}

/* ---- the assertions ---- */

typedef struct {
    const char *kind;       /* "Trace", "Min Acceptance", "Divergence", "Deadlock", ... */
    uint32_t visit;         /* where (index into visits) */
    uint32_t error_event;   /* Trace: the event the specification cannot do */
    int64_t node;           /* the specification node there, or -1 */
    const EventSet *acceptance;
    bool has_event;
} Counterexample;

static void print_counterexample(Chk *c, const Counterexample *x, const char *impl, FILE *out)
{
    fprintf(out, "    Counterexample (%s Counterexample)\n", x->kind);
    if (x->node >= 0 && strcmp(x->kind, "Determinism") != 0) {
        fputs("        Specification Debug:\n            Trace: ", out);
        print_trace(c, x->visit, out);
        fputs("\n            Available Events: {", out);
        node_successors(c, (uint32_t)x->node);
        NNode *n = &c->nodes[x->node];
        for (uint32_t i = 0; i < n->n_succ; i++) {
            if (i) fputs(", ", out);
            event_print(out, c->ev, n->succ_ev[i]);
        }
        fputs("}\n", out);
        if (strcmp(x->kind, "Min Acceptance") == 0) {
            node_acceptances(c, (uint32_t)x->node);
            fputs("            Minimal Acceptances: {", out);
            for (uint32_t i = 0; i < n->n_acc; i++) {
                if (i) fputs(", ", out);
                print_set(c, n->acc[i], out);
            }
            /* No acceptance at all (not the one acceptance {}): every
             * state here can do tau, so the specification only diverges. */
            fputs(n->n_acc ? "}\n" : "} (no stable state: the specification diverges here)\n", out);
        }
    }
    fprintf(out, "        Implementation Debug:\n            %s (%s Behaviour):\n                Trace: ",
            impl, strcmp(x->kind, "Trace") == 0 ? "Trace" : strcmp(x->kind, "Divergence") == 0
            ? "Divergence" : "Failure");
    print_trace(c, x->visit, out);
    fputc('\n', out);
    if (x->has_event) {
        fputs(strcmp(x->kind, "Determinism") == 0 ? "                Performs then refuses: "
                                                  : "                Error Event: ", out);
        event_print(out, c->ev, x->error_event);
        fputc('\n', out);
    }
    if (x->acceptance) {
        fputs("                Min Acceptance: ", out);
        print_set(c, x->acceptance, out);
        fputc('\n', out);
    }
    if (strcmp(x->kind, "Divergence") == 0) fputs("                Diverges (an endless run of tau steps)\n", out);
    if (strcmp(x->kind, "Deadlock") == 0)
        print_components(c, &c->impl, visit_state(c, x->visit), out, "                ");
}

/* Pair table for refinement: (node, impl state) -> visit index. */
static uint32_t pair_visit(Chk *c, uint32_t node, uint32_t p, uint32_t parent, uint32_t ev, bool *fresh)
{
    uint64_t key = ((uint64_t)node << 32 | p) + 1;
    if (c->n_pairs * 2 >= c->pair_cap) {
        uint32_t ncap = c->pair_cap ? c->pair_cap * 2 : 4096;
        uint64_t *keys = xcalloc(ncap, sizeof *keys);
        uint32_t *vals = xmalloc(ncap * sizeof *vals);
        for (uint32_t i = 0; i < c->pair_cap; i++) {
            if (!c->pair_keys[i]) continue;
            uint32_t j = (uint32_t)(c->pair_keys[i] * 0x9E3779B97F4A7C15u >> 32) & (ncap - 1);
            while (keys[j]) j = (j + 1) & (ncap - 1);
            keys[j] = c->pair_keys[i];
            vals[j] = c->pair_vals[i];
        }
        free(c->pair_keys);
        free(c->pair_vals);
        c->pair_keys = keys;
        c->pair_vals = vals;
        c->pair_cap = ncap;
    }
    uint32_t j = (uint32_t)(key * 0x9E3779B97F4A7C15u >> 32) & (c->pair_cap - 1);
    for (; c->pair_keys[j]; j = (j + 1) & (c->pair_cap - 1))
        if (c->pair_keys[j] == key) {
            *fresh = false;
            return c->pair_vals[j];
        }
    c->pair_keys[j] = key;
    c->pair_vals[j] = c->n_visits;
    c->n_pairs++;
    push_visit(c, p, parent, ev);
    *fresh = true;
    return c->n_visits - 1;
}

/* The first pair of an exploration: (root, state 0), visit 0. Returns the
 * array of each visit's node (it moves as it grows: re-read c->pair_node). */
static uint32_t *start_pairs(Chk *c, uint32_t root)
{
    bool fresh;
    keep_states(c);
    c->pairs = true;
    pair_visit(c, root, 0, UINT32_MAX, EVENT_TAU, &fresh);
    grow_u32(&c->pair_node, &c->pair_node_cap, 0);
    c->pair_node[0] = root;
    return c->pair_node;
}

/* SPEC [m= IMPL, exploring (normal-form node, implementation state) pairs. */
static __attribute__((noinline)) bool refines(Chk *c, const Proc *spec, const Proc *impl, Model m,
                                              Counterexample *x)
{
    uint32_t root = initial_node(c, spec);
    space_open(c, &c->impl, impl);
    uint32_t *nodes = start_pairs(c, root);
    bool fresh;
    bool ok = true;
    for (uint32_t i = 0; i < c->n_visits && ok; i++) {
        uint32_t node = nodes[i];
        uint32_t p = c->v_state[i];
        if (m == MODEL_FD) {
            if (node_divergent(c, node)) continue;   /* the spec allows anything now */
            if (diverges(c, &c->impl, p)) {
                *x = (Counterexample){ "Divergence", i, 0, node, NULL, false };
                ok = false;
                break;
            }
        }
        if ((m == MODEL_F || m == MODEL_FD) && is_stable(c, &c->impl, p)) {
            node_acceptances(c, node);
            const EventSet *a = acceptance(c, &c->impl, p);
            bool allowed = false;
            for (uint32_t k = 0; k < c->nodes[node].n_acc && !allowed; k++)
                allowed = subset(c->nodes[node].acc[k], a);
            if (!allowed) {
                *x = (Counterexample){ "Min Acceptance", i, 0, node, a, false };
                ok = false;
                break;
            }
        }
        uint32_t n;
        const NetTrans *ts = trans(c, &c->impl, p, &n);
        /* The array is valid until the next expansion: work on a copy. */
        if (n > c->ts_cap) c->ts_buf = xrealloc(c->ts_buf, (c->ts_cap = 2 * n) * sizeof *c->ts_buf);
        if (n) memcpy(c->ts_buf, ts, n * sizeof *ts);
        ts = c->ts_buf;
        for (uint32_t k = 0; k < n; k++) {
            c->st->transitions++;
            int64_t next = ts[k].event == EVENT_TAU ? node : node_after(c, node, ts[k].event);
            if (next < 0) {
                *x = (Counterexample){ "Trace", i, ts[k].event, node, NULL, true };
                ok = false;
                break;
            }
            uint32_t v = pair_visit(c, (uint32_t)next, ts[k].next, i, ts[k].event, &fresh);
            if (fresh) {
                grow_u32(&c->pair_node, &c->pair_node_cap, v);
                nodes = c->pair_node;
                nodes[v] = (uint32_t)next;
            }
        }
    }
    return ok;
}

/* Single-process exploration for deadlock and divergence freedom. */
static __attribute__((noinline)) bool explore(Chk *c, const Proc *p, bool deadlock, bool divergence, Counterexample *x)
{
    space_open(c, &c->impl, p);
    bool fresh;
    visit(c, 0, UINT32_MAX, EVENT_TAU, &fresh);
    for (uint32_t i = 0; i < c->n_visits; i++) {
        if (i == c->level_end) {   /* a new breadth-first level starts */
            if (c->n_levels == c->cap_levels)
                c->level_start = xrealloc(c->level_start, (c->cap_levels = c->cap_levels ? 2 * c->cap_levels : 64) *
                                          sizeof *c->level_start);
            c->level_start[c->n_levels++] = i;
            c->level_end = c->n_visits;
        }
        uint32_t s = visit_state(c, i), n;
        /* Knowing the next visit, the network works its successors out
         * while this state's are looked up. */
        trans_ahead(c, &c->impl, s, i + 1 < c->n_visits ? visit_state(c, i + 1) : UINT32_MAX, &n);
        c->st->transitions += n;   /* counted before a divergence here stops the search */
        if (divergence && diverges(c, &c->impl, s)) {
            *x = (Counterexample){ "Divergence", i, 0, -1, NULL, false };
            return false;
        }
        const NetTrans *ts = trans(c, &c->impl, s, &n);   /* again: diverges may have asked for others */
        if (deadlock && n == 0 && !net_terminated(c->impl.net, s)) {
            *x = (Counterexample){ "Deadlock", i, 0, -1, proc_eventset(c->t, NULL, 0), false };
            return false;
        }
        for (uint32_t k = 0; k < n; k++) visit(c, ts[k].next, i, ts[k].event, &fresh);
    }
    return true;
}

/* Determinism: the normal form of P, node by node. */
static __attribute__((noinline)) bool deterministic(Chk *c, const Proc *p, Model m, Counterexample *x)
{
    /* Visits here are normal-form nodes, keyed through the pair table with state 0. */
    uint32_t *nodes = start_pairs(c, initial_node(c, p));
    bool fresh;
    bool ok = true;
    for (uint32_t i = 0; i < c->n_visits && ok; i++) {
        uint32_t node = nodes[i];
        if (m == MODEL_FD && node_divergent(c, node)) {
            *x = (Counterexample){ "Divergence", i, 0, -1, NULL, false };
            ok = false;
            break;
        }
        node_successors(c, node);
        NNode *nd = &c->nodes[node];
        for (uint32_t e = 0; e < nd->n_succ && ok; e++) {
            for (uint32_t s = 0; s < nd->n; s++) {
                uint32_t q = nd->members[s];
                if (!is_stable(c, &c->spec, q)) continue;
                if (!proc_in_set(acceptance(c, &c->spec, q), nd->succ_ev[e])) {
                    *x = (Counterexample){ "Determinism", i, nd->succ_ev[e], -1, NULL, true };
                    ok = false;
                    break;
                }
            }
        }
        nd = &c->nodes[node];
        for (uint32_t e = 0; e < nd->n_succ && ok; e++) {
            c->st->transitions++;
            uint32_t v = pair_visit(c, nd->succ_node[e], 0, i, nd->succ_ev[e], &fresh);
            if (fresh) {
                grow_u32(&c->pair_node, &c->pair_node_cap, v);
                nodes = c->pair_node;
                nodes[v] = nd->succ_node[e];
            }
        }
    }
    return ok;
}

static bool has_trace(Chk *c, const Proc *p, const uint32_t *events, uint32_t n_events,
                      uint32_t *failed_at)
{
    /* Walks the normal form: one state per node reached, one transition per event. */
    uint32_t node = initial_node(c, p);
    count_state(c);
    for (uint32_t i = 0; i < n_events; i++) {
        int64_t next = node_after(c, node, events[i]);
        if (next < 0) {
            *failed_at = i;
            return false;
        }
        node = (uint32_t)next;
        count_state(c);
        c->st->transitions++;
    }
    return true;
}

/* ---- one assertion ---- */

/* The assertion as written, on one line. */
static void assertion_text(Chk *c, Node *decl, char *buf, size_t size)
{
    chk_assertion_text(eval_diag(c->E)->src, decl, buf, size);
}

/* Counts the assertions of a block (a script or a Timed section, whose
 * own sections nest) up to the one numbered want. */
static Node *each_assertion_in(const Node *list, bool in_timed, uint32_t want, bool *timed,
                               uint32_t *count)
{
    for (uint32_t i = 0; i < list->n; i++) {
        Node *a = list->kid[i];
        if (a->kind == N_TIMED) {
            Node *found = each_assertion_in(a->kid[0], true, want, timed, count);
            if (found) return found;
            continue;
        }
        if (a->kind != N_ASSERT) continue;
        if (++*count == want) {
            *timed = in_timed;
            return a;
        }
    }
    return NULL;
}

/* The assertion numbered want (from 1), and the count of all of them (when
 * want is 0 or past the end). */
static Node *each_assertion(const Node *script, uint32_t want, bool *timed, uint32_t *count)
{
    *count = 0;
    return each_assertion_in(script, false, want, timed, count);
}

uint32_t chk_count_assertions(const Node *script)
{
    bool timed;
    uint32_t n;
    each_assertion(script, 0, &timed, &n);
    return n;
}

Node *chk_nth_assertion(const Node *script, uint32_t n, bool *timed)
{
    uint32_t count;
    *timed = false;
    return n ? each_assertion(script, n, timed, &count) : NULL;
}

void chk_assertion_text(SrcSet *src, Node *decl, char *buf, size_t size)
{
    Node *a = decl->kid[0];
    Span sp = a->span;
    const char *text = src_text(src, sp.file);
    size_t k = 0;
    if (decl->op) k = (size_t)snprintf(buf, size, "not ");
    bool space = false;
    uint32_t i = sp.start;
    for (; i < sp.end && k + 5 < size; i++) {   /* room for "..." and the NUL */
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ') {
            space = k > 0;
            continue;
        }
        if (space) buf[k++] = ' ';
        space = false;
        buf[k++] = (char)ch;
    }
    if (i < sp.end && size >= 5) {   /* cut: say so */
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = 0;
}

static const Proc *process(Chk *c, Node *e)
{
    const Val *v;
    if (eval_node(c->E, e, &v) != EVAL_OK) bail_eval(c);
    if (v->kind != V_PROC) {
        diag_error(eval_diag(c->E), e->span, "this is not a process");
        bail(c, CHK_ERROR);
    }
    const Proc *p = proc_of_value(c->t, v, e->span);
    if (!p) bail_eval(c);
    return p;
}

static const char *impl_name(Node *e, char *buf, size_t size)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&s, &len);
    if (f) {
        unparse_expr(f, e);
        fclose(f);
    }
    /* Long names are cut, visibly: CHK_NAME_MAX. */
    if (s && strlen(s) >= size) snprintf(buf, size, "%.*s...", (int)size - 4, s);
    else snprintf(buf, size, "%s", s ? s : "the process");
    free(s);
    return buf;
}

static bool unsupported_model(Chk *c, int64_t m, Span at)
{
    if (m == MODEL_R || m == MODEL_RD || m == MODEL_V || m == MODEL_VD) {
        diag_error(eval_diag(c->E), at, "unsupported model [%s]: cspi checks the traces [T], "
                   "stable failures [F] and failures-divergences [FD] models", ast_model_name[m]);
        return true;
    }
    return false;
}

void chk_print_undecided(const ChkOptions *o, const char *text, ChkResult why, const char *message)
{
    FILE *out = o->out;
    const char *what = why == CHK_LIMIT ? "limit" : why == CHK_INTERRUPTED ? "interrupted" : "error";
    if (o->json) {
        json_object_begin(o->json);
        json_key(o->json, "assertion");
        json_string(o->json, text);
        json_key(o->json, "result");
        json_string(o->json, what);
        json_key(o->json, "message");
        json_string(o->json, message);
        json_object_end(o->json);
    } else if (o->brief) {
        fprintf(out, "Not decided: %s\n", text);
    } else {
        fprintf(out, "%s:\n    Result: Not decided (%s)\n    Reason: %s\n", text,
                why == CHK_LIMIT ? "a limit was reached" : why == CHK_INTERRUPTED ? "interrupted"
                : "a runtime error", message);
    }
}

/* What deciding an assertion found; kept on the heap (not in locals) so that
 * it survives the longjmp of a runtime error or a limit. */
typedef struct {
    bool holds, has_x;
    Counterexample x;       /* when has_x */
    uint32_t *trace;        /* has trace: the trace asked about (owned) */
    uint32_t trace_len, trace_fail;   /* its length; how far the process got */
    char name[CHK_NAME_MAX];          /* the implementation, for the counterexample */
} Outcome;

/* The `:[tau priority]: A` option of an assertion, into c->tau_pri. */
static void read_options(Chk *c, Node *a)
{
    Node *opts = a->kind == N_REFINE ? a->kid[2] : a->kind == N_PROPERTY ? a->kid[1] : a->kid[2];
    for (uint32_t i = 0; i < opts->n; i++) {
        Node *op = opts->kid[i];
        if (op->op == OPT_POR) continue;   /* partial order reduction: same verdict */
        const Val *v;
        if (eval_node(c->E, op->kid[0], &v) != EVAL_OK) bail_eval(c);
        c->tau_pri = proc_events_of_checked(c->t, v);
        if (!c->tau_pri) bail_eval(c);
    }
}

/* `has trace`: the trace as event numbers, into r (errors bail). */
static void read_trace(Chk *c, Node *expr, Outcome *r)
{
    const Val *tv;
    if (eval_node(c->E, expr, &tv) != EVAL_OK) bail_eval(c);
    if (tv->kind != V_SEQ) {
        diag_error(eval_diag(c->E), expr->span, "has trace needs a sequence of events");
        bail(c, CHK_ERROR);
    }
    r->trace_len = tv->n;
    r->trace = xmalloc((tv->n ? tv->n : 1) * sizeof *r->trace);
    for (uint32_t i = 0; i < tv->n; i++) {
        int64_t id = proc_event_checked(c->t, tv->items[i]);
        if (id < 0) {
            diag_error(eval_diag(c->E), expr->span, "the trace holds something that is "
                       "not an event (item %u)", i + 1);
            bail(c, CHK_ERROR);
        }
        r->trace[i] = (uint32_t)id;
    }
}

/* Decides assertion a (refinement, property or has trace) into r. Runtime
 * errors and limits unwind to chk_assertion's setjmp. */
static void decide(Chk *c, Node *a, Outcome *r)
{
    switch (a->kind) {
    case N_REFINE: {
        if (unsupported_model(c, a->op, a->span)) bail(c, CHK_ERROR);
        const Proc *spec = process(c, a->kid[0]), *impl = process(c, a->kid[1]);
        impl_name(a->kid[1], r->name, sizeof r->name);
        r->holds = refines(c, spec, impl, (Model)a->op, &r->x);
        r->has_x = !r->holds;
        return;
    }
    case N_PROPERTY: {
        Model m = a->num == MODEL_NONE ? MODEL_FD : (Model)a->num;
        if (unsupported_model(c, m, a->span)) bail(c, CHK_ERROR);
        if (m == MODEL_T && a->op != PROP_DIVERGENCE) {
            diag_error(eval_diag(c->E), a->span, "this property needs the [F] or [FD] model");
            bail(c, CHK_ERROR);
        }
        const Proc *p = process(c, a->kid[0]);
        impl_name(a->kid[0], r->name, sizeof r->name);
        if (a->op == PROP_DEADLOCK) r->holds = explore(c, p, true, m == MODEL_FD, &r->x);
        else if (a->op == PROP_DIVERGENCE) r->holds = explore(c, p, false, true, &r->x);
        else r->holds = deterministic(c, p, m, &r->x);
        r->has_x = !r->holds;
        return;
    }
    default: {   /* has trace */
        if (unsupported_model(c, a->num, a->span)) bail(c, CHK_ERROR);
        const Proc *p = process(c, a->kid[0]);
        impl_name(a->kid[0], r->name, sizeof r->name);
        read_trace(c, a->kid[1], r);
        uint32_t failed_at = 0;
        r->holds = has_trace(c, p, r->trace, r->trace_len, &failed_at);
        r->trace_fail = failed_at;
        return;
    }
    }
}

/* The has-trace counterexample exists: the trace failed part way. */
static bool trace_failed(const Outcome *r, ChkResult result)
{
    return r->trace && r->trace_fail < r->trace_len && !r->holds && result == CHK_FAILED;
}

/* A decided assertion as one JSON object. */
static void report_json(Chk *c, const char *text, ChkResult result, const Outcome *r)
{
    JsonWriter *j = c->o->json;
    json_object_begin(j);
    json_key(j, "assertion");
    json_string(j, text);
    json_key(j, "result");
    json_string(j, result == CHK_PASSED ? "passed" : "failed");
    json_key(j, "states");
    json_uint(j, c->st->states);
    json_key(j, "transitions");
    json_uint(j, c->st->transitions);
    /* Like the text blocks, timing is opt-in so that output is reproducible. */
    if (c->o->show_time) {
        json_key(j, "time");
        json_fixed(j, c->st->seconds, 3);
    }
    if (r->has_x && result == CHK_FAILED) {
        json_key(j, "counterexample");
        json_object_begin(j);
        json_key(j, "kind");
        json_string(j, r->x.kind);
        json_key(j, "trace");
        json_array_begin(j);
        uint32_t n, *path = trace_to(c, r->x.visit, &n);
        for (uint32_t k = n; k-- > 0;) {
            event_print(json_capture_begin(j), c->ev, path[k]);
            json_capture_end(j);
        }
        json_array_end(j);
        free(path);
        if (r->x.has_event) {
            json_key(j, "error_event");
            event_print(json_capture_begin(j), c->ev, r->x.error_event);
            json_capture_end(j);
        }
        json_object_end(j);
    }
    if (trace_failed(r, result)) {
        /* has trace: how far the process got, and the event it could not do */
        json_key(j, "counterexample");
        json_object_begin(j);
        json_key(j, "kind");
        json_string(j, "Trace");
        json_key(j, "trace");
        json_array_begin(j);
        for (uint32_t i = 0; i < r->trace_fail; i++) {
            event_print(json_capture_begin(j), c->ev, r->trace[i]);
            json_capture_end(j);
        }
        json_array_end(j);
        json_key(j, "error_event");
        event_print(json_capture_begin(j), c->ev, r->trace[r->trace_fail]);
        json_capture_end(j);
        json_object_end(j);
    }
    json_object_end(j);
}

/* A decided assertion in FDR's block layout (or one --brief line). */
static void report_text(Chk *c, const char *text, ChkResult result, const Outcome *r)
{
    FILE *out = c->o->out;
    const char *verdict = result == CHK_PASSED ? "Passed" : "Failed";
    if (c->o->brief) {
        fprintf(out, "%s: %s\n", verdict, text);
        return;
    }
    fprintf(out, "%s:\n    Result: %s\n    Visited States: %llu\n    Visited Transitions: %llu\n",
            text, verdict, (unsigned long long)c->st->states, (unsigned long long)c->st->transitions);
    if (c->o->show_time) fprintf(out, "    Time: %.3f s\n", c->st->seconds);
    if (r->has_x && result == CHK_FAILED) print_counterexample(c, &r->x, r->name, out);
    if (trace_failed(r, result)) {
        fputs("    Counterexample (Trace Counterexample)\n        Implementation Debug:\n"
              "            Performs: <", out);
        for (uint32_t i = 0; i < r->trace_fail; i++) {
            if (i) fputs(", ", out);
            event_print(out, c->ev, r->trace[i]);
        }
        fputs(">\n            Then cannot perform: ", out);
        event_print(out, c->ev, r->trace[r->trace_fail]);
        fputc('\n', out);
    }
}

ChkResult chk_assertion(ProcTable *t, Node *decl, const ChkOptions *o, ChkStats *stats)
{
    Chk *c = xcalloc(1, sizeof *c);
    c->t = t;
    c->E = proc_eval(t);
    c->ev = proc_events(t);
    c->o = o;
    c->st = stats;
    c->arena = arena_new(1 << 16);
    memset(stats, 0, sizeof *stats);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    c->t0 = t0;
    watch_begin(eval_watch(c->E));   /* --timeout is per assertion: its clock starts now */
    Node *a = decl->kid[0];
    c->at = a->span;
    eval_diag(c->E)->last_error[0] = 0;   /* the reason, if this one is not decided */
    char text[CHK_TEXT_MAX];
    assertion_text(c, decl, text, sizeof text);
    Outcome *r = xcalloc(1, sizeof *r);
    r->x.node = -1;
    volatile ChkResult result = CHK_ERROR;
    if (setjmp(c->jb)) {
        result = (ChkResult)c->failure;
        if (result == CHK_LIMIT && watch_stopped(eval_watch(c->E)) == WATCH_INTERRUPT) result = CHK_INTERRUPTED;
    } else {
        read_options(c, a);
        decide(c, a, r);
        result = r->holds != (decl->op != 0) ? CHK_PASSED : CHK_FAILED;
    }
    if (c->progress_shown) fputs("\r\033[K", stderr);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (result == CHK_ERROR || result == CHK_LIMIT || result == CHK_INTERRUPTED) {
        const char *message = eval_diag(c->E)->last_error;
        chk_print_undecided(o, text, result, *message ? message : "see the messages above");
    } else if (o->json) {
        report_json(c, text, result, r);
    } else {
        report_text(c, text, result, r);
    }
    free(r->trace);
    free(r);
    free(c->pair_node);
    space_close(&c->impl);
    space_close(&c->spec);
    free(c->pri_buf);
    free(c->div_stack);
    free(c->set_buf);
    free(c->in_set);
    free(c->steps_buf);
    free(c->groups);
    free(c->ts_buf);
    free(c->nodes);
    free(c->node_slots);
    free(c->pair_keys);
    free(c->pair_vals);
    free(c->v_parent);
    free(c->level_start);
    free(c->v_event);
    free(c->v_state);
    free(c->visit_of);
    arena_free(c->arena);
    free(c);
    return result;
}
