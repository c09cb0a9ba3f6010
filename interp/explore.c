/* explore.c - the checker's breadth-first exploration of one network: its
 * limits (states, memory, time, Ctrl-C; progress on a terminal), its
 * transitions under tau priority, divergence (an infinite tau path), and the
 * visits with the trail back to the start that makes counterexamples
 * shortest. See check_internal.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "check_internal.h"

#include "detwork.h"
#include "ranks.h"
#include "workers.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

Chk *chk_open(ProcTable *t, const ChkOptions *o, ChkStats *stats, Span at)
{
    Chk *c = xcalloc(1, sizeof *c);
    c->t = t;
    c->E = proc_eval(t);
    c->ev = proc_events(t);
    c->o = o;
    c->st = stats;
    c->arena = arena_new(1 << 16);
    c->at = at;
    c->normalising = "normalising the specification";
    memset(stats, 0, sizeof *stats);
    stats->threads = 1;
    clock_gettime(CLOCK_MONOTONIC, &c->t0);
    watch_begin(eval_watch(c->E));   /* --timeout is per check: its clock starts now */
    return c;
}

void chk_close(Chk *c)
{
    free(c->pair_node);
    free(c->perm);
    free(c->acc_buf);
    chk_space_close(&c->impl);
    chk_space_close(&c->spec);
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
}

_Noreturn void chk_bail(Chk *c, int why)
{
    c->failure = why;
    longjmp(c->jb, 1);
}

/* After a failure the evaluator reported (building a process, its
 * transitions): a limit it reached (steps, memory, time, Ctrl-C) is a
 * limit here too. */
_Noreturn void chk_bail_eval(Chk *c)
{
    chk_bail(c, eval_failure(c->E) == EVAL_LIMIT ? CHK_LIMIT : CHK_ERROR);
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
    chk_bail(c, CHK_LIMIT);
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
        chk_bail(c, CHK_LIMIT);
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
void chk_side_step(Chk *c, Space *sp, const char *what)
{
    if ((++c->side_work & 1023) == 0 || (c->o->max_states && net_states(sp->net) > c->o->max_states))
        side_limits(c, sp, what);
}

void chk_count_state(Chk *c)
{
    c->st->states++;
    if ((c->st->states & 0xFFFF) == 0) every_so_often(c);
    if (c->o->max_states && c->st->states > c->o->max_states) {
        diag_error(eval_diag(c->E), c->at,
                   "explored %llu states, the limit; raise --max-states",
                   (unsigned long long)c->o->max_states);
        chk_bail(c, CHK_LIMIT);
    }
    if ((c->st->states & 1023) == 0 && eval_interrupted(c->E)) {
        char where[64];
        snprintf(where, sizeof where, "after %llu states", (unsigned long long)c->st->states);
        stopped(c, where);
    }
}

/* Transitions worked out between two looks at the watch (see chk_trans_ahead). */
enum { TRANS_WORK_PER_LOOK = 1 << 16 };

/* Transitions of a state, with tau given priority over the events of
 * tau_pri; next is the state asked for next, if known (UINT32_MAX if
 * not). Valid until the next call (see net_transitions). */
const NetTrans *chk_trans_ahead(Chk *c, Space *sp, uint32_t s, uint32_t next, uint32_t *n)
{
    const NetTrans *ts = net_transitions_ahead(sp->net, s, next, n);
    if (!ts) chk_bail_eval(c);
    /* A wide process's states have thousands of transitions each: the
     * watch is also looked at every TRANS_WORK_PER_LOOK of them, so that a
     * stop is noticed between the visits counted above. */
    c->trans_work += *n;
    if (c->trans_work >= TRANS_WORK_PER_LOOK) {
        c->trans_work = 0;
        if (eval_interrupted(c->E)) {
            char where[64];
            snprintf(where, sizeof where, "after %llu states", (unsigned long long)c->st->states);
            stopped(c, where);
        }
    }
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

const NetTrans *chk_trans(Chk *c, Space *sp, uint32_t s, uint32_t *n)
{
    return chk_trans_ahead(c, sp, s, UINT32_MAX, n);
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

void chk_grow_u32(uint32_t **a, uint32_t *cap, uint32_t need)
{
    if (need < *cap) return;
    uint32_t ncap = *cap ? *cap : 1024;
    while (ncap <= need) ncap *= 2;
    *a = xrealloc(*a, ncap * sizeof **a);
    memset(*a + *cap, 0, (ncap - *cap) * sizeof **a);
    *cap = ncap;
}

/* The network of a process, for an exploration. */
void chk_space_open(Chk *c, Space *sp, const Proc *p)
{
    sp->net = net_new(c->t, p);
    if (!sp->net) chk_bail_eval(c);
}

void chk_space_close(Space *sp)
{
    net_free(sp->net);
    free(sp->div);
    free(sp->tau_at);
    free(sp->tau_pool);
}

/* The tau successors of state s (valid until the next call). */
const uint32_t *chk_tau_next(Chk *c, Space *sp, uint32_t s, uint32_t *n)
{
    chk_grow_u32(&sp->tau_at, &sp->tau_at_cap, s);
    if (!sp->tau_at[s]) {
        uint32_t m, k = 0;
        const NetTrans *ts = chk_trans(c, sp, s, &m);
        for (uint32_t i = 0; i < m; i++) k += ts[i].event == EVENT_TAU;
        if ((uint64_t)sp->n_pool + k + 1 > UINT32_MAX - 1) {
            diag_error(eval_diag(c->E), c->at, "more than 4 billion tau transitions "
                       "to remember while normalising; the limit");
            chk_bail(c, CHK_LIMIT);
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

bool chk_diverges(Chk *c, Space *sp, uint32_t p)
{
    unsigned known = div_get(sp, p);
    if (known >= 2) return known == 2;
    uint32_t n0;
    const NetTrans *ts0 = chk_trans(c, sp, p, &n0);
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
        chk_side_step(c, sp, "looking for a divergence");
        Frame *f = &stack[depth - 1];
        uint32_t n;
        const NetTrans *ts = chk_trans(c, sp, f->s, &n);
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

/* ---- on several workers (workers.c) or processes (ranks.c) ---- */

/* Between two levels: the progress line, as every 65536 states here. */
static void work_progress(void *ctx, uint64_t states, uint64_t transitions)
{
    Chk *c = ctx;
    c->st->states = states;
    c->st->transitions = transitions;
    every_so_often(c);
}

/* A chain of visits along trace (pairs' parents and events), one per
 * event after visit 0, each of state 0: the last one is the failure's. */
static uint32_t visits_along(Chk *c, const uint32_t *trace, uint32_t len)
{
    uint32_t n = len + 1;
    c->pairs = true;
    c->cap_visits = n;
    c->v_parent = xrealloc(c->v_parent, n * sizeof *c->v_parent);
    c->v_event = xrealloc(c->v_event, n * sizeof *c->v_event);
    c->v_state = xrealloc(c->v_state, n * sizeof *c->v_state);
    for (uint32_t i = 0; i < n; i++) {
        c->v_parent[i] = i ? i - 1 : UINT32_MAX;
        c->v_event[i] = i ? trace[i - 1] : EVENT_TAU;
        c->v_state[i] = 0;
    }
    c->n_visits = n;
    return n - 1;
}

/* The visits on the way to a failure the workers found: one per step of
 * its trace, the last one its state; and the counterexample there. */
static void trail_of(Chk *c, const WorkStats *ws, Counterexample *x)
{
    uint32_t last = visits_along(c, ws->trace, ws->trace_len);
    uint32_t state = net_state_of_key(c->impl.net, ws->key);
    c->v_state[last] = state;
    switch (ws->fail) {
    case WORK_FAIL_DEADLOCK:
        *x = (Counterexample){ "Deadlock", last, 0, -1, proc_eventset(c->t, NULL, 0), false };
        break;
    case WORK_FAIL_DIVERGENCE:
        *x = (Counterexample){ "Divergence", last, 0, ws->node, NULL, false };
        break;
    case WORK_FAIL_ACCEPTANCE:
        *x = (Counterexample){ "Min Acceptance", last, 0, ws->node, chk_acceptance(c, &c->impl, state), false };
        break;
    case WORK_FAIL_TRACE:
        *x = (Counterexample){ "Trace", last, ws->event, ws->node, NULL, true };
        break;
    }
}

/* How many threads to explore on: --workers, or every core; 0 when one
 * thread explores the network (one asked for, not keyed, --explain: an
 * explanation replays the counterexample's states, which one thread's
 * visits keep and the workers' trail does not). */
static unsigned threads_for(Chk *c, Net *net, bool ranks)
{
    unsigned n = c->o->workers ? c->o->workers : workers_cores();
    c->st->threads = 1;
    return (n <= 1 && !ranks) || !net_keyed(net) || c->o->explain ? 0 : n;
}

/* The threads met a limit: more than --max-states, or (watch) the watch
 * said stop after `states`. */
static _Noreturn void threads_stopped(Chk *c, bool watch, uint64_t states)
{
    if (watch) {
        char where[64];
        snprintf(where, sizeof where, "after %llu states", (unsigned long long)states);
        stopped(c, where);
    }
    diag_error(eval_diag(c->E), c->at, "explored %llu states, the limit; raise --max-states",
               (unsigned long long)c->o->max_states);
    chk_bail(c, CHK_LIMIT);
}

/* The threads gave up: one thread explores, counting afresh. */
static void one_thread_again(Chk *c)
{
    c->st->states = c->st->transitions = 0;
    c->st->threads = 1;
}

int chk_explore_workers(Chk *c, bool deadlock, bool divergence, const WorkSpec *spec, Counterexample *x)
{
    RankLink *ranks = c->o->ranks && c->o->ranks->size > 1 ? c->o->ranks : NULL;
    unsigned n = threads_for(c, c->impl.net, ranks != NULL);
    if (!n) return -1;
    WorkOptions wo = { .workers = n, .max_states = c->o->max_states, .tau_pri = c->tau_pri,
                       .deadlock = deadlock, .divergence = divergence, .spec = spec, .watch = eval_watch(c->E),
                       .progress = work_progress, .ctx = c };
    /* An error met while learning is reported by the exploration on one
     * thread that follows, where that exploration meets it (if it does). */
    Diag *d = eval_diag(c->E);
    Diag saved = *d;
    d->quiet = true;
    WorkStats ws;
    WorkResult r = ranks ? ranks_explore(c->impl.net, ranks, &wo, eval_watch(c->E), &ws)
                         : workers_explore(c->impl.net, &wo, &ws);
    *d = saved;
    c->st->states = ws.states;
    c->st->transitions = ws.transitions;
    c->st->threads = n;
    switch (r) {
    case WORK_DONE:
        return 1;
    case WORK_FAILED:
        trail_of(c, &ws, x);
        free(ws.trace);
        return 0;
    case WORK_LIMIT:
    case WORK_STOPPED:
        threads_stopped(c, r == WORK_STOPPED, ws.states);
    default:
        one_thread_again(c);
        return -1;
    }
}

int chk_deterministic_workers(Chk *c, bool divergence, Counterexample *x)
{
    RankLink *ranks = c->o->ranks && c->o->ranks->size > 1 ? c->o->ranks : NULL;
    unsigned n = threads_for(c, c->spec.net, ranks != NULL);
    if (!n) return -1;
    DetOptions o = { .workers = n, .max_states = c->o->max_states, .tau_pri = c->tau_pri,
                     .divergence = divergence, .events = c->ev, .watch = eval_watch(c->E),
                     .ranks = ranks, .progress = work_progress, .ctx = c };
    /* An error met while learning is met again by one thread, where it
     * meets it (if it does). */
    Diag *d = eval_diag(c->E);
    Diag saved = *d;
    d->quiet = true;
    DetStats ds;
    DetResult r = detwork_explore(c->spec.net, &o, &ds);
    *d = saved;
    c->st->states = ds.states;
    c->st->transitions = ds.transitions;
    c->st->threads = n;
    switch (r) {
    case DET_HOLDS:
        return 1;
    case DET_FAILED: {
        uint32_t last = visits_along(c, ds.trace, ds.trace_len);
        free(ds.trace);
        if (ds.fail == DET_FAIL_DIVERGENCE) *x = (Counterexample){ "Divergence", last, 0, -1, NULL, false };
        else *x = (Counterexample){ "Determinism", last, ds.event, -1, NULL, true };
        return 0;
    }
    case DET_LIMIT:
    case DET_STOPPED:
        threads_stopped(c, r == DET_STOPPED, ds.states);
    default:
        one_thread_again(c);
        return CHK_WORKERS_GAVE_UP;
    }
}

/* ---- single-process breadth-first exploration ---- */

void chk_push_visit(Chk *c, uint32_t state, uint32_t parent, uint32_t event)
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
    chk_count_state(c);
}

/* Visits keep their states from now on (pair explorations; a
 * single-process one whose states were numbered ahead of it). */
void chk_keep_states(Chk *c)
{
    if (c->v_state) return;
    c->v_state = xmalloc((c->cap_visits ? c->cap_visits : 1) * sizeof *c->v_state);
    for (uint32_t i = 0; i < c->n_visits; i++) c->v_state[i] = i;
}

uint32_t chk_visit_state(const Chk *c, uint32_t i) { return c->v_state ? c->v_state[i] : i; }

uint32_t chk_visit(Chk *c, uint32_t p, uint32_t parent, uint32_t event, bool *fresh)
{
    if (!c->visit_of) {
        /* While the network numbers states in the order they are visited,
         * a state's number is its visit: no index is needed. */
        *fresh = p == c->n_visits;
        if (p <= c->n_visits) {
            if (*fresh) chk_push_visit(c, p, parent, event);
            return p;
        }
        chk_grow_u32(&c->visit_of, &c->visit_cap, p);   /* numbered ahead (by diverges): index from now */
        for (uint32_t i = 0; i < c->n_visits; i++) c->visit_of[i] = i + 1;
        chk_keep_states(c);
    }
    chk_grow_u32(&c->visit_of, &c->visit_cap, p);
    if (c->visit_of[p]) {
        *fresh = false;
        return c->visit_of[p] - 1;
    }
    chk_push_visit(c, p, parent, event);
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
        const NetTrans *ts = chk_trans(c, &c->impl, chk_visit_state(c, p), &n);
        for (uint32_t k = 0; k < n; k++)
            if (visit_of_state(c, ts[k].next) == i) {
                *event = ts[k].event;
                return p;
            }
    }
    *event = EVENT_TAU;   /* not reached: some visit of that level discovered i */
    return 0;
}

uint32_t chk_parent(Chk *c, uint32_t i, uint32_t *event)
{
    if (!c->pairs) return discoverer(c, i, event);
    *event = c->v_event[i];
    return c->v_parent[i];
}

/* The visible events (and ticks) on the way to visit i, last first, in a
 * malloc'd array (however long: a counterexample is never cut); *n says
 * how many. The caller frees it. */
uint32_t *chk_trace_to(Chk *c, uint32_t i, uint32_t *n)
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

