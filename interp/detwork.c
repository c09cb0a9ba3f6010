/* detwork.c - determinism on threads and across ranks; see detwork.h.
 * Every worker runs the same loop over the levels: rank the level's nodes
 * it owns (sort its share by first discoverer; barrier; count what each
 * other share has before each), expand them (writing successors into the
 * owners' buffers), barrier, store what the buffers bring, barrier; then
 * worker 0 alone expands what the cursors could not (learning first),
 * stores what that wrote, and decides whether to go on. Across ranks
 * (cspi-mpi) there is one worker per rank, and the barriers are
 * exchanges (see "across ranks" below).
 */
#define _POSIX_C_SOURCE 200809L   /* pthread barriers */
#include "detwork.h"

#include "arena.h"
#include "keyset.h"
#include "workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Every POLL_EVERY nodes a worker looks at the watch; every COUNT_EVERY
 * nodes stored it adds them to the shared count. */
enum { POLL_EVERY = 256, COUNT_EVERY = 64 };
/* A message to a node's owner: its hash, its discoverer, its event (high
 * half) and size (low half), the transitions of its states (for the
 * bound), then its keys. */
enum { MSG_HEAD = 4 };
/* Arrays up to this long are sorted by insertion (qsort costs more there). */
enum { SMALL_SORT = 16 };

typedef struct {
    uint64_t *v;
    size_t n, cap;
} Words;

/* k more words at the end of w (their room: filled by the caller). */
static uint64_t *words_add(Words *w, size_t k)
{
    if (w->n + k > w->cap) {
        w->cap = w->cap * 2 > w->n + k ? w->cap * 2 : w->n + k + 1024;
        w->v = xrealloc(w->v, w->cap * sizeof *w->v);
    }
    w->n += k;
    return w->v + w->n - k;
}

typedef struct {
    uint64_t hash;
    uint64_t disc;      /* first discoverer: least (parent's rank << 32 | place among its successors) */
    uint64_t at;        /* its keys: the worker's keys.v[at, at + n) */
    uint32_t n;
    uint32_t event;     /* the event from the discoverer */
    uint32_t rank;      /* its place in its level, in one thread's order */
    uint32_t n_succ;    /* its successors, once expanded (0: it failed) */
} DNode;

typedef struct {
    uint32_t at;        /* the node */
    DetFail how;
    uint32_t event;     /* DET_FAIL_REFUSAL */
} Failure;

/* A visible transition of a node's state: its event, the state reached,
 * the state (index among the node's). */
typedef struct {
    uint32_t event, member;
    uint64_t key;
} Step;

typedef struct Worker {
    struct Pool *pool;
    unsigned id;
    pthread_t thread;
    NetCursor *cur;
    DNode *nodes;
    uint32_t n_nodes, cap_nodes;
    Words keys;                 /* the nodes' states, node after node */
    uint32_t *slots;            /* node index + 1, by hash, with a tag of the hash (see tag_of) */
    uint32_t n_slots, id_mask;
    size_t *at_msg;             /* scratch: where each message of a buffer starts */
    uint32_t cap_msg;
    uint32_t *level_at;         /* where each level starts in nodes */
    uint32_t n_levels, cap_levels;
    uint32_t lo, hi;            /* the level being expanded: nodes[lo, hi) */
    Words *out;                 /* by worker: messages for it */
    size_t *mark;               /* by worker: out's length before the node being expanded */
    uint32_t *deferred;         /* nodes its cursor could not expand yet */
    uint32_t n_deferred, cap_deferred;
    Failure *fails;             /* the nodes of the level that failed */
    uint32_t n_fails, cap_fails;
    struct Sorted { uint64_t disc; uint32_t at; } *sorted;   /* its share of the level, by discoverer */
    uint64_t *discs;            /* their discoverers, in that order */
    uint32_t cap_sorted;
    uint64_t transitions;       /* successors of the nodes expanded */
    /* What one thread may have numbered (see between_levels): the states
     * of the nodes (its share of them, by key's hash, once Pool.tracking),
     * sent to it in sout by each node's owner; the transitions of the
     * states of the nodes new in the level being made; and of those the
     * nodes of the level that failed made. */
    KeySet states;
    Words *sout;                /* by worker: states of nodes it stored, for their owner */
    uint64_t bound_new, bound_fail;
    uint32_t since_count;       /* nodes stored since the shared count was updated */
    bool give_up;               /* a closure past max_states: one thread decides */
    /* Scratch for expanding a node. */
    Step *steps;
    uint32_t n_steps, cap_steps;
    struct Edge { uint32_t from, to; } *edges;   /* tau transitions between the node's states */
    uint32_t n_edges, cap_edges;
    uint32_t *evs, *first, *perm, cap_evs;      /* its events, where each starts in steps, their order */
    uint64_t *by_rank;                          /* its events' ranks, for sorting */
    uint32_t *seen, *count, *queue, cap_members;
    bool *stable;
    Words cl;                   /* a tau-closure being made */
    uint64_t *cl_keys;          /* its index: keys, by hash, where cl_gen marks them */
    uint32_t *cl_mark, cl_cap, cl_gen;
} Worker;

typedef struct Pool {
    const DetOptions *o;
    Net *net;
    unsigned n;                 /* the workers in this process */
    unsigned owners, me;        /* the owners nodes are shared out among (threads, or ranks), and
                                 * which of them worker 0 is */
    Worker *w;
    pthread_barrier_t barrier;
    struct {                    /* the threads wait here until worker 0 has made the barrier */
        pthread_mutex_t lock;
        pthread_cond_t opened;
        bool open;
    } gate;
    atomic_bool halt;           /* stop expanding this level (the watch) */
    atomic_bool full;           /* more than max_states nodes: store nothing more */
    _Atomic uint64_t count;     /* nodes stored, updated now and then */
    bool quit;                  /* set by worker 0 between levels */
    bool relayout;              /* learning changed the layout: start again */
    bool tracking;              /* the workers keep the nodes' states (see between_levels) */
    uint64_t trans_levels;      /* transitions of the levels before this one */
    uint32_t *ev_rank;          /* by event: its place in event_order's order (from 1) */
    uint32_t n_ranked;          /* events ranked (those numbered when last ranked) */
    DetResult result;
    uint32_t levels;
    DetStats *st;
    /* Across ranks: the exchanges, a rank's own stop, and the counts of
     * every rank's at the last exchange between levels. */
    RankPort port;
    int my_stop;
    uint64_t all_nodes, all_trans;
    uint64_t parents;           /* the nodes of the level before (0: none) */
    struct ByRank {             /* by rank: scratch for ranking (merge_places) */
        const uint64_t *run;    /* the discoverers it sent, sorted */
        uint64_t base;          /* the nodes of the ranges before its own */
        uint32_t n, cursor;     /* how many, and the next one to merge */
        uint32_t heap;          /* (a heap of ranks, by their runs' heads) */
    } *by;
} Pool;

static bool watched(const Pool *p) { return p->o->watch && watch_stopped(p->o->watch) != WATCH_NONE; }

/* ---- the visited nodes ---- */

static uint64_t hash_keys(const uint64_t *k, uint32_t n)
{
    uint64_t h = hash_mix64(n + 0x9E3779B97F4A7C15ULL);
    for (uint32_t i = 0; i < n; i++) h = hash_mix64(h ^ k[i]) + i;
    return h;
}

/* While indexes are few enough (below NODE_TAGGED_IDS), a slot's high
 * bits hold a tag of the hash, so that most slots that name another node
 * are passed over without reading it. */
#define NODE_TAGGED_IDS 0x07FFFFFFu
static uint32_t tag_of(const Worker *w, uint64_t h)
{
    return w->id_mask == NODE_TAGGED_IDS ? ((uint32_t)h << 27) & ~NODE_TAGGED_IDS : 0;
}

static void rebuild(Worker *w, uint32_t ncap)
{
    free(w->slots);
    w->slots = xcalloc(ncap, sizeof *w->slots);
    w->n_slots = ncap;
    w->id_mask = ncap <= NODE_TAGGED_IDS ? NODE_TAGGED_IDS : UINT32_MAX;
    for (uint32_t e = 0; e < w->n_nodes; e++) {
        uint32_t j = keyset_first_slot(ncap, w->nodes[e].hash);
        while (w->slots[j]) j = j + 1 == ncap ? 0 : j + 1;
        w->slots[j] = (e + 1) | tag_of(w, w->nodes[e].hash);
    }
}

/* The owner w stores the node of keys k[0, n) (hash h) if it is new; if
 * it is new in the level being made, it keeps the least discoverer. bound:
 * the transitions of its states. */
static void store(Pool *p, Worker *w, uint64_t h, uint64_t disc, uint32_t ev, uint64_t bound, const uint64_t *k,
                  uint32_t n)
{
    if ((uint64_t)(w->n_nodes + 1) * 4 >= (uint64_t)w->n_slots * 3)
        rebuild(w, w->n_slots ? w->n_slots * 2 : 1024);
    uint32_t j = keyset_first_slot(w->n_slots, h), tag = tag_of(w, h);
    for (uint32_t v; (v = w->slots[j]) != 0; j = j + 1 == w->n_slots ? 0 : j + 1) {
        if ((v & ~w->id_mask) != tag) continue;
        v &= w->id_mask;
        DNode *x = &w->nodes[v - 1];
        const uint64_t *xk = w->keys.v + x->at;
        if (x->hash != h || x->n != n || xk[0] != k[0] || memcmp(xk, k, n * sizeof *k) != 0) continue;
        if (v - 1 >= w->hi && disc < x->disc) {
            x->disc = disc;
            x->event = ev;
        }
        return;
    }
    if (atomic_load_explicit(&p->full, memory_order_relaxed)) return;
    if (w->n_nodes == w->cap_nodes)
        w->nodes = xrealloc(w->nodes, (w->cap_nodes = w->cap_nodes ? 2 * w->cap_nodes : 1024) * sizeof *w->nodes);
    uint64_t at = w->keys.n;
    memcpy(words_add(&w->keys, n), k, n * sizeof *k);
    w->nodes[w->n_nodes] = (DNode){ .hash = h, .disc = disc, .at = at, .n = n, .event = ev };
    w->slots[j] = ++w->n_nodes | tag;
    w->bound_new += bound;
    if (p->tracking)
        for (uint32_t i = 0; i < n; i++) *words_add(&w->sout[keyset_owner(keyset_mix(k[i]), p->owners)], 1) = k[i];
    if (++w->since_count == COUNT_EVERY) {
        uint64_t all = atomic_fetch_add(&p->count, COUNT_EVERY) + COUNT_EVERY;
        w->since_count = 0;
        if (p->o->max_states && all > p->o->max_states) atomic_store(&p->full, true);
    }
}

/* w stores the messages v[0, n). The slot of a message AHEAD places on
 * is fetched, and the node it names AHEAD / 2 on (each lookup would
 * otherwise wait for memory alone). */
static void take_msgs(Pool *p, Worker *w, const uint64_t *b, size_t n)
{
    enum { AHEAD = 16 };
    uint32_t n_msg = 0;
    for (size_t at = 0; at < n; at += MSG_HEAD + (uint32_t)b[at + 2]) {
        if (n_msg == w->cap_msg)
            w->at_msg = xrealloc(w->at_msg, (w->cap_msg = w->cap_msg ? 2 * w->cap_msg : 1024) * sizeof *w->at_msg);
        w->at_msg[n_msg++] = at;
    }
    for (uint32_t i = 0; i < n_msg; i++) {
        if (i + AHEAD < n_msg && w->n_slots)
            __builtin_prefetch(&w->slots[keyset_first_slot(w->n_slots, b[w->at_msg[i + AHEAD]])]);
        if (i + AHEAD / 2 < n_msg && w->n_slots) {
            uint64_t h = b[w->at_msg[i + AHEAD / 2]];
            uint32_t v = w->slots[keyset_first_slot(w->n_slots, h)];
            if (v && (v & ~w->id_mask) == tag_of(w, h)) __builtin_prefetch(&w->nodes[(v & w->id_mask) - 1]);
        }
        const uint64_t *m = b + w->at_msg[i];
        store(p, w, m[0], m[1], (uint32_t)(m[2] >> 32), m[3], m + MSG_HEAD, (uint32_t)m[2]);
    }
}

/* w stores the messages of buffer b, which is emptied. */
static void take_in(Pool *p, Worker *w, Words *b)
{
    take_msgs(p, w, b->v, b->n);
    b->n = 0;
}

/* ---- learning (worker 0 alone) ---- */

/* Works out what expanding key needs and shows it to cur; false when the
 * exploration cannot go on as it was: an error, a network no longer
 * keyed, or a new layout (p->relayout: every key is void). */
static bool learn_one(Pool *p, NetCursor *cur, uint64_t key)
{
    uint32_t layout = net_layout(p->net);
    if (!net_learn(p->net, key) || !net_keyed(p->net)) return false;
    if (net_layout(p->net) != layout) {
        p->relayout = true;
        return false;
    }
    net_cursor_sync(cur);
    return true;
}

/* The transitions of key (valid until cur expands again); NULL when cur
 * cannot expand it (alone: when learning could not go on). */
static const NetKeyTrans *next_of(Pool *p, NetCursor *cur, uint64_t key, bool alone, uint32_t *m)
{
    bool done;
    const NetKeyTrans *ts = net_cursor_next(cur, key, m, &done);
    if (!ts && alone && learn_one(p, cur, key)) ts = net_cursor_next(cur, key, m, &done);
    return ts;
}

/* ---- tau-closures ---- */

static uint32_t cl_slot(const Worker *w, uint64_t key)
{
    uint32_t j = (uint32_t)hash_mix64(key) & (w->cl_cap - 1);
    while (w->cl_mark[j] == w->cl_gen && w->cl_keys[j] != key) j = (j + 1) & (w->cl_cap - 1);
    return j;
}

/* A new closure starts, empty. */
static void cl_start(Worker *w)
{
    w->cl.n = 0;
    if (++w->cl_gen == 0) {   /* wrapped: forget every old mark */
        memset(w->cl_mark, 0, w->cl_cap * sizeof *w->cl_mark);
        w->cl_gen = 1;
    }
}

static void cl_add(Worker *w, uint64_t key)
{
    if ((w->cl.n + 1) * 2 > w->cl_cap) {
        free(w->cl_keys);
        free(w->cl_mark);
        w->cl_cap = w->cl_cap ? 2 * w->cl_cap : 1024;
        w->cl_keys = xmalloc(w->cl_cap * sizeof *w->cl_keys);
        w->cl_mark = xcalloc(w->cl_cap, sizeof *w->cl_mark);
        w->cl_gen = 1;
        for (size_t i = 0; i < w->cl.n; i++) {
            uint32_t j = cl_slot(w, w->cl.v[i]);
            w->cl_keys[j] = w->cl.v[i];
            w->cl_mark[j] = w->cl_gen;
        }
    }
    uint32_t j = cl_slot(w, key);
    if (w->cl_mark[j] == w->cl_gen) return;
    w->cl_keys[j] = key;
    w->cl_mark[j] = w->cl_gen;
    *words_add(&w->cl, 1) = key;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The keys in w->cl closed under tau, in ascending order; the number of
 * transitions of their states (all of them: one thread numbers every
 * state they reach) added to *trans. 1 done, 0 cur cannot expand a state
 * yet, -1 learning could not go on (alone) or more than max_states
 * states (w->give_up). */
static int closure(Pool *p, Worker *w, NetCursor *cur, bool alone, uint64_t *trans)
{
    for (size_t i = 0; i < w->cl.n; i++) {
        uint32_t m;
        const NetKeyTrans *ts = next_of(p, cur, w->cl.v[i], alone, &m);
        if (!ts) return alone ? -1 : 0;
        *trans += m;
        for (uint32_t k = 0; k < m; k++)
            if (ts[k].event == EVENT_TAU) cl_add(w, ts[k].key);
        if (p->o->max_states && w->cl.n > p->o->max_states) {
            w->give_up = true;
            return -1;
        }
    }
    if (w->cl.n > 1) qsort(w->cl.v, w->cl.n, sizeof *w->cl.v, cmp_u64);
    return 1;
}

/* ---- expanding a node ---- */

static void *grow(void *a, uint32_t *cap, uint32_t need, size_t size)
{
    if (need <= *cap) return a;
    uint32_t ncap = *cap ? *cap : 64;
    while (ncap < need) ncap *= 2;
    *cap = ncap;
    return xrealloc(a, (size_t)ncap * size);
}

static void push_step(Worker *w, uint32_t ev, uint32_t member, uint64_t key)
{
    w->steps = grow(w->steps, &w->cap_steps, w->n_steps + 1, sizeof *w->steps);
    w->steps[w->n_steps++] = (Step){ ev, member, key };
}

/* The states of node k[0, n) and their transitions under tau priority:
 * visible ones into w->steps, tau ones (as edges between the node's
 * states, which are closed under tau) into w->edges when edges is asked
 * for, stable or not into w->stable. 1, 0 or -1 as closure's. */
static int gather(Pool *p, Worker *w, NetCursor *cur, const uint64_t *k, uint32_t n, bool alone, bool edges)
{
    w->n_steps = w->n_edges = 0;
    if (n > w->cap_members) {
        w->seen = grow(w->seen, &w->cap_members, n, sizeof *w->seen);
        w->count = xrealloc(w->count, w->cap_members * sizeof *w->count);
        w->queue = xrealloc(w->queue, w->cap_members * sizeof *w->queue);
        w->stable = xrealloc(w->stable, w->cap_members * sizeof *w->stable);
    }
    const EventSet *pri = p->o->tau_pri;
    for (uint32_t s = 0; s < n; s++) {
        uint32_t m;
        const NetKeyTrans *ts = next_of(p, cur, k[s], alone, &m);
        if (!ts) return alone ? -1 : 0;
        bool tau = false;
        for (uint32_t t = 0; t < m && !tau; t++) tau = ts[t].event == EVENT_TAU;
        w->stable[s] = !tau;
        for (uint32_t t = 0; t < m; t++) {
            uint32_t ev = ts[t].event;
            if (ev == EVENT_TAU) {
                if (!edges) continue;
                const uint64_t *to = bsearch(&ts[t].key, k, n, sizeof *k, cmp_u64);
                if (!to) {   /* not closed: cannot happen, but one thread would know */
                    w->give_up = true;
                    return -1;
                }
                w->edges = grow(w->edges, &w->cap_edges, w->n_edges + 1, sizeof *w->edges);
                w->edges[w->n_edges++] = (struct Edge){ s, (uint32_t)(to - k) };
            } else if (!(tau && pri && ev != EVENT_TICK && proc_in_set(pri, ev))) {
                push_step(w, ev, s, ts[t].key);
            }
        }
    }
    return 1;
}

static int by_from(const void *a, const void *b)
{
    const struct Edge *x = a, *y = b;
    return (x->from > y->from) - (x->from < y->from);
}

/* Whether the tau edges between the node's n states hold a cycle (some
 * state can start an infinite run of taus, which stays in the node):
 * states no edge enters are taken off until none is left, or a cycle. */
static bool cyclic(Worker *w, uint32_t n)
{
    if (!w->n_edges) return false;
    qsort(w->edges, w->n_edges, sizeof *w->edges, by_from);
    uint32_t *indeg = w->count, *start = w->seen, *queue = w->queue;
    memset(indeg, 0, n * sizeof *indeg);
    for (uint32_t e = 0; e < w->n_edges; e++) indeg[w->edges[e].to]++;
    for (uint32_t s = 0, e = 0; s < n; s++) {   /* start[s]: the first edge from s */
        start[s] = e;
        while (e < w->n_edges && w->edges[e].from == s) e++;
    }
    uint32_t head = 0, tail = 0;
    for (uint32_t s = 0; s < n; s++)
        if (!indeg[s]) queue[tail++] = s;
    while (head < tail) {
        uint32_t s = queue[head++];
        for (uint32_t e = start[s]; e < w->n_edges && w->edges[e].from == s; e++)
            if (--indeg[w->edges[e].to] == 0) queue[tail++] = w->edges[e].to;
    }
    return tail < n;
}

static int by_step(const void *a, const void *b)
{
    const Step *x = a, *y = b;
    if (x->event != y->event) return (x->event > y->event) - (x->event < y->event);
    return (x->key > y->key) - (x->key < y->key);
}

/* Each event's place in event_order's order, for the events numbered so
 * far (worker 0 between levels: events are numbered while learning). */
static void rank_events(Pool *p)
{
    uint32_t n = event_count(p->o->events);
    if (n == p->n_ranked) return;
    uint32_t *evs = xmalloc(n * sizeof *evs), *perm = xmalloc(n * sizeof *perm), k = 0;
    for (uint32_t e = EVENT_TICK; e < n; e++) evs[k++] = e;
    event_order(p->o->events, evs, k, perm);
    p->ev_rank = xrealloc(p->ev_rank, n * sizeof *p->ev_rank);
    p->ev_rank[EVENT_TAU] = 0;
    for (uint32_t i = 0; i < k; i++) p->ev_rank[evs[perm[i]]] = i + 1;
    p->n_ranked = n;
    free(evs);
    free(perm);
}

/* perm[0, n) becomes the order of evs[0, n) (distinct events) by their
 * ranks, as event_order orders them; event_order itself when one is
 * newer than the ranks (learnt by worker 0 alone). */
static void order_events(Pool *p, const uint32_t *evs, uint32_t n, uint32_t *perm, uint64_t *scratch)
{
    for (uint32_t i = 0; i < n; i++) {
        if (evs[i] >= p->n_ranked) {
            event_order(p->o->events, evs, n, perm);
            return;
        }
        scratch[i] = (uint64_t)p->ev_rank[evs[i]] << 32 | i;
    }
    if (n > SMALL_SORT) qsort(scratch, n, sizeof *scratch, cmp_u64);
    else
        for (uint32_t i = 1; i < n; i++) {   /* most nodes offer a few events */
            uint64_t x = scratch[i];
            uint32_t j = i;
            for (; j > 0 && scratch[j - 1] > x; j--) scratch[j] = scratch[j - 1];
            scratch[j] = x;
        }
    for (uint32_t i = 0; i < n; i++) perm[i] = (uint32_t)scratch[i];
}

/* The node's events (w->evs, each one's first step in w->first, sorted
 * steps) in the order one thread tries them (w->perm); how many. */
static uint32_t events_of(Pool *p, Worker *w)
{
    if (w->n_steps > SMALL_SORT) qsort(w->steps, w->n_steps, sizeof *w->steps, by_step);
    else
        for (uint32_t i = 1; i < w->n_steps; i++) {
            Step x = w->steps[i];
            uint32_t j = i;
            for (; j > 0 && by_step(&w->steps[j - 1], &x) > 0; j--) w->steps[j] = w->steps[j - 1];
            w->steps[j] = x;
        }
    if (w->n_steps + 1 > w->cap_evs) {   /* at most one event per step */
        uint32_t cap = w->cap_evs;
        w->evs = grow(w->evs, &cap, w->n_steps + 1, sizeof *w->evs);
        w->first = xrealloc(w->first, cap * sizeof *w->first);
        w->perm = xrealloc(w->perm, cap * sizeof *w->perm);
        w->by_rank = xrealloc(w->by_rank, cap * sizeof *w->by_rank);
        w->cap_evs = cap;
    }
    uint32_t n_ev = 0;
    for (uint32_t i = 0; i < w->n_steps; i++) {
        if (i && w->steps[i].event == w->steps[i - 1].event) continue;
        w->evs[n_ev] = w->steps[i].event;
        w->first[n_ev++] = i;
    }
    w->first[n_ev] = w->n_steps;
    order_events(p, w->evs, n_ev, w->perm, w->by_rank);
    return n_ev;
}

/* The first event, in the order one thread tries them, that a stable
 * state of the node refuses; UINT32_MAX if none does. */
static uint32_t refused(Worker *w, uint32_t n, uint32_t n_ev)
{
    uint32_t *count = w->count, *seen = w->seen;
    memset(count, 0, n * sizeof *count);
    memset(seen, 0, n * sizeof *seen);
    for (uint32_t g = 0; g < n_ev; g++)   /* the events each state offers */
        for (uint32_t i = w->first[g]; i < w->first[g + 1]; i++) {
            uint32_t s = w->steps[i].member;
            if (seen[s] != g + 1) seen[s] = g + 1, count[s]++;
        }
    bool all = true;
    for (uint32_t s = 0; s < n && all; s++) all = !w->stable[s] || count[s] == n_ev;
    if (all) return UINT32_MAX;
    for (uint32_t j = 0; j < n_ev; j++) {
        uint32_t g = w->perm[j];
        for (uint32_t i = w->first[g]; i < w->first[g + 1]; i++) seen[w->steps[i].member] = n_ev + 1 + j;
        for (uint32_t s = 0; s < n; s++)
            if (w->stable[s] && seen[s] != n_ev + 1 + j) return w->evs[g];
    }
    return UINT32_MAX;
}

static void failed(Worker *v, uint32_t at, DetFail how, uint32_t ev)
{
    v->fails = grow(v->fails, &v->cap_fails, v->n_fails + 1, sizeof *v->fails);
    v->fails[v->n_fails++] = (Failure){ at, how, ev };
    v->nodes[at].n_succ = 0;
}

/* Writes the successor node on group g (the j-th the node tries) of a
 * node ranked rank into w's buffer for its owner; its states'
 * transitions added to *trans. 1, 0 or -1 as closure's. */
static int successor(Pool *p, Worker *w, NetCursor *cur, bool alone, uint32_t rank, uint32_t j, uint64_t *trans)
{
    uint32_t g = w->perm[j];
    cl_start(w);
    for (uint32_t i = w->first[g]; i < w->first[g + 1]; i++) cl_add(w, w->steps[i].key);
    uint64_t t = 0;
    int r = closure(p, w, cur, alone, &t);
    if (r <= 0) return r;
    uint32_t n = (uint32_t)w->cl.n;
    *trans += n;   /* the states themselves, for a node that fails (it stores none) */
    uint64_t h = hash_keys(w->cl.v, n);
    uint64_t *m = words_add(&w->out[keyset_owner(h, p->owners)], MSG_HEAD + n);
    m[0] = h;
    m[1] = (uint64_t)rank << 32 | j;
    m[2] = (uint64_t)w->evs[g] << 32 | n;
    m[3] = t;
    memcpy(m + MSG_HEAD, w->cl.v, n * sizeof *m);
    *trans += t;
    return 1;
}

/* How a node's expansion judged it. */
typedef struct {
    bool failed;
    DetFail how;
    uint32_t event;             /* DET_FAIL_REFUSAL */
    uint32_t n_succ;            /* not failed: its successors */
    uint64_t bound;             /* failed by a refusal: the transitions one thread made for it */
} Judged;

/* Expands the node of keys k[0, n), ranked rank in its level, working
 * with w's scratch, buffers and cursor cur (alone: learning what it
 * needs): 1 done (judged into *j, and unless it failed its successors
 * written), 0 cur cannot expand a state it needs yet (nothing written),
 * -1 learning could not go on (alone; p->relayout if the layout changed)
 * or one thread must decide (w->give_up). */
static int expand_node(Pool *p, Worker *w, NetCursor *cur, const uint64_t *k, uint32_t n, uint32_t rank, bool alone,
                       Judged *j)
{
    *j = (Judged){ 0 };
    int r = gather(p, w, cur, k, n, alone, p->o->divergence);
    if (r <= 0) return r;
    if (p->o->divergence && cyclic(w, n)) {   /* before its successors, as one thread */
        *j = (Judged){ .failed = true, .how = DET_FAIL_DIVERGENCE };
        return 1;
    }
    uint32_t n_ev = events_of(p, w);
    for (unsigned d = 0; d < p->owners; d++) w->mark[d] = w->out[d].n;
    uint64_t trans = 0;
    for (uint32_t e = 0; e < n_ev; e++) {   /* one thread makes them all, then judges */
        r = successor(p, w, cur, alone, rank, e, &trans);
        if (r <= 0) {
            for (unsigned d = 0; d < p->owners; d++) w->out[d].n = w->mark[d];
            return r;
        }
    }
    uint32_t ev = refused(w, n, n_ev);
    if (ev != UINT32_MAX) {
        for (unsigned d = 0; d < p->owners; d++) w->out[d].n = w->mark[d];
        /* one thread made its successors, though it visits none */
        *j = (Judged){ .failed = true, .how = DET_FAIL_REFUSAL, .event = ev, .bound = trans };
        return 1;
    }
    j->n_succ = n_ev;
    return 1;
}

/* Node `at` of v's share is judged so. */
static void judged(Worker *v, uint32_t at, const Judged *j)
{
    if (j->failed) {
        v->bound_fail += j->bound;
        failed(v, at, j->how, j->event);
        return;
    }
    v->nodes[at].n_succ = j->n_succ;
    v->transitions += j->n_succ;
}

/* Expands node `at` of v's share with w's scratch (expand_node). */
static int expand(Pool *p, Worker *v, Worker *w, NetCursor *cur, uint32_t at, bool alone)
{
    const DNode x = v->nodes[at];
    Judged j;
    int r = expand_node(p, w, cur, v->keys.v + x.at, x.n, x.rank, alone, &j);
    if (r > 0) judged(v, at, &j);
    return r;
}

static void defer(Worker *w, uint32_t at)
{
    w->deferred = grow(w->deferred, &w->cap_deferred, w->n_deferred + 1, sizeof *w->deferred);
    w->deferred[w->n_deferred++] = at;
}

static void expand_level(Pool *p, Worker *w)
{
    for (uint32_t i = w->lo; i < w->hi; i++) {
        if ((i - w->lo) % POLL_EVERY == POLL_EVERY - 1) {
            if (watched(p)) atomic_store(&p->halt, true);
            if (atomic_load_explicit(&p->halt, memory_order_relaxed)) return;
        }
        int r = expand(p, w, w, w->cur, i, false);
        if (r < 0) return;   /* w->give_up */
        if (r == 0) defer(w, i);
    }
}

/* ---- ranking a level: one thread's order ---- */

static int by_disc(const void *a, const void *b)
{
    const struct Sorted *x = a, *y = b;
    return (x->disc > y->disc) - (x->disc < y->disc);
}

/* w sorts its share of the level by first discoverer (discoverers are
 * distinct: one parent's place names one successor). */
static void sort_share(Worker *w)
{
    uint32_t n = w->hi - w->lo;
    uint32_t cap = w->cap_sorted;
    w->sorted = grow(w->sorted, &cap, n ? n : 1, sizeof *w->sorted);
    w->discs = grow(w->discs, &w->cap_sorted, n ? n : 1, sizeof *w->discs);
    for (uint32_t i = 0; i < n; i++) w->sorted[i] = (struct Sorted){ w->nodes[w->lo + i].disc, w->lo + i };
    qsort(w->sorted, n, sizeof *w->sorted, by_disc);
    for (uint32_t i = 0; i < n; i++) w->discs[i] = w->sorted[i].disc;
}

/* How many of the n ascending discoverers discs[] are below d. */
static uint32_t below(const uint64_t *discs, uint32_t n, uint64_t d)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (discs[mid] < d) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* w's nodes of the level learn their ranks: how many of its own and of
 * every other share come before each. */
static void rank_share(Pool *p, Worker *w)
{
    for (uint32_t i = 0; i < w->hi - w->lo; i++) {
        uint64_t r = i;
        for (unsigned v = 0; v < p->n; v++)
            if (v != w->id) r += below(p->w[v].discs, p->w[v].hi - p->w[v].lo, w->sorted[i].disc);
        w->nodes[w->sorted[i].at].rank = (uint32_t)r;
    }
}

/* ---- between levels (worker 0 alone) ---- */

static void clear(Worker *w)
{
    w->n_nodes = 0;
    w->keys.n = 0;
    if (w->n_slots) memset(w->slots, 0, w->n_slots * sizeof *w->slots);
    w->n_levels = 0;
    w->lo = w->hi = 0;
    w->n_deferred = w->n_fails = 0;
    w->transitions = w->bound_new = w->bound_fail = 0;
    w->since_count = 0;
    w->give_up = false;
    keyset_clear(&w->states);
    for (unsigned d = 0; d < w->pool->owners; d++) w->out[d].n = w->sout[d].n = 0;
}

/* The levels so far become the levels before; the nodes stored since
 * make the next level. Whether there are any. */
static bool begin_level(Pool *p)
{
    bool more = false;
    rank_events(p);
    p->trans_levels = 0;
    for (unsigned i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        w->lo = w->hi;
        w->hi = w->n_nodes;
        w->level_at = grow(w->level_at, &w->cap_levels, w->n_levels + 1, sizeof *w->level_at);
        w->level_at[w->n_levels++] = w->lo;
        more |= w->lo < w->hi;
        p->trans_levels += w->transitions;
        w->bound_new = w->bound_fail = 0;
    }
    return more;
}

/* (Again) from the initial node, made alone: false when learning could
 * not go on (p->result says why). */
static bool start(Pool *p)
{
    for (;;) {
        for (unsigned i = 0; i < p->n; i++) {
            clear(&p->w[i]);
            net_cursor_sync(p->w[i].cur);
        }
        atomic_store(&p->count, 0);
        atomic_store(&p->full, false);
        p->levels = 0;
        p->parents = 0;
        p->relayout = false;
        p->tracking = false;
        Worker *w0 = &p->w[0];
        cl_start(w0);
        cl_add(w0, net_initial_key(p->net));
        uint64_t trans = 0;
        if (closure(p, w0, w0->cur, true, &trans) > 0) {
            uint32_t n = (uint32_t)w0->cl.n;
            uint64_t h = hash_keys(w0->cl.v, n);
            unsigned owner = keyset_owner(h, p->owners);
            if (p->n == p->owners) store(p, &p->w[owner], h, 0, EVENT_TAU, trans, w0->cl.v, n);
            else if (owner == p->me) store(p, w0, h, 0, EVENT_TAU, trans, w0->cl.v, n);   /* ranks */
            begin_level(p);
            return true;
        }
        if (!p->relayout) break;
    }
    p->result = DET_ONE_THREAD;
    return false;
}

static uint32_t level_end(const Worker *w, uint32_t l) { return l + 1 < w->n_levels ? w->level_at[l + 1] : w->hi; }

/* The events on the way to node `at` of worker wi in level L, each node's
 * first discoverer after another, into st. */
static void trail_back(Pool *p, unsigned wi, uint32_t at, uint32_t L, DetStats *st)
{
    st->trace = xmalloc((L ? L : 1) * sizeof *st->trace);
    st->trace_len = L;
    for (uint32_t l = L; l > 0; l--) {
        const DNode *x = &p->w[wi].nodes[at];
        st->trace[l - 1] = x->event;
        uint32_t rank = (uint32_t)(x->disc >> 32);
        bool seen = false;
        for (unsigned i = 0; i < p->n && !seen; i++)
            for (uint32_t j = p->w[i].level_at[l - 1]; j < level_end(&p->w[i], l - 1) && !seen; j++)
                if (p->w[i].nodes[j].rank == rank) wi = i, at = j, seen = true;
    }
}

/* The level has failures: the counts at the least ranked one (the one
 * one thread meets), or the limit if one thread met it first. */
static void decide_failure(Pool *p)
{
    uint32_t least = UINT32_MAX, L = p->levels;
    unsigned wi = 0;
    const Failure *first = NULL;
    for (unsigned i = 0; i < p->n; i++)
        for (uint32_t f = 0; f < p->w[i].n_fails; f++) {
            const Failure *x = &p->w[i].fails[f];
            if (p->w[i].nodes[x->at].rank < least) least = p->w[i].nodes[x->at].rank, wi = i, first = x;
        }
    uint64_t states = 0, trans = p->trans_levels;
    for (unsigned i = 0; i < p->n; i++) {
        const Worker *w = &p->w[i];
        states += w->hi;   /* every level up to this one */
        for (uint32_t j = w->hi; j < w->n_nodes; j++) states += (w->nodes[j].disc >> 32) < least;
        for (uint32_t j = w->lo; j < w->hi; j++)
            if (w->nodes[j].rank < least) trans += w->nodes[j].n_succ;
    }
    p->st->states = states;
    p->st->transitions = trans;
    if (p->o->max_states && states > p->o->max_states) {
        p->result = DET_LIMIT;
        return;
    }
    p->result = DET_FAILED;
    p->st->fail = first->how;
    p->st->event = first->event;
    trail_back(p, wi, first->at, L, p->st);
}

/* w takes in the states the owners of nodes sent it. */
static void take_states(Pool *p, Worker *w)
{
    for (unsigned from = 0; from < p->n; from++) {
        Words *b = &p->w[from].sout[w->id];
        keyset_add_all(&w->states, b->v, b->n);
        b->n = 0;
    }
}

typedef enum { DEFERRED_DONE, DEFERRED_RESTARTED, DEFERRED_STOP } Deferred;

/* Expands alone what the cursors could not, then stores what that wrote
 * (DEFERRED_STOP: the search cannot go on, p->result says why). */
static Deferred expand_deferred(Pool *p)
{
    Worker *w0 = &p->w[0];
    for (unsigned i = 0; i < p->n; i++) {
        Worker *v = &p->w[i];
        for (uint32_t d = 0; d < v->n_deferred; d++) {
            if (expand(p, v, w0, w0->cur, v->deferred[d], true) > 0) continue;
            if (p->relayout) return start(p) ? DEFERRED_RESTARTED : DEFERRED_STOP;   /* every key so far is void */
            p->result = DET_ONE_THREAD;
            return DEFERRED_STOP;
        }
        v->n_deferred = 0;
    }
    for (unsigned d = 0; d < p->n; d++) take_in(p, &p->w[d], &w0->out[d]);
    for (unsigned d = 0; d < p->n; d++) take_states(p, &p->w[d]);
    for (unsigned i = 1; i < p->n; i++) net_cursor_sync(p->w[i].cur);
    return DEFERRED_DONE;
}

/* The workers keep the states of the nodes from now on, those of the
 * nodes stored so far first (alone); how many there are. Until the
 * states of all the nodes, counted as often as they are met, pass the
 * limit, that count bounds them well enough. */
static uint64_t track_states(Pool *p)
{
    p->tracking = true;
    uint64_t seen = 0;
    for (unsigned i = 0; i < p->n; i++)
        for (size_t k = 0; k < p->w[i].keys.n; k++) {
            uint64_t key = p->w[i].keys.v[k], h = keyset_mix(key);
            keyset_add(&p->w[keyset_owner(h, p->n)].states, key, h);
        }
    for (unsigned i = 0; i < p->n; i++) seen += p->w[i].states.n;
    return seen;
}

/* Decides whether to go on, and sets up the next level if so.
 * One thread numbers every state it meets and stops past max_states
 * (normalising): the states of the nodes made, and the states their
 * states' transitions reach. When every node made is expanded, those are
 * states of nodes; so one thread that explores it all numbers the states
 * of all the nodes (when more than max_states, one thread decides: it
 * meets that limit, or another first). One that stops in this level had
 * numbered at most those of the nodes stored, plus the transitions of
 * the states of the next level's nodes and of those the nodes that
 * failed made (extra). */
static void between_levels(Pool *p)
{
    const DetOptions *o = p->o;
    p->quit = true;
    bool give_up = false;
    for (unsigned i = 0; i < p->n; i++) give_up |= p->w[i].give_up;
    if (!give_up && !watched(p) && !atomic_load(&p->halt)) {
        Deferred d = expand_deferred(p);
        if (d == DEFERRED_STOP) return;
        if (d == DEFERRED_RESTARTED) {
            p->quit = false;
            return;
        }
    }
    if (watched(p) || atomic_load(&p->halt)) {
        p->result = DET_STOPPED;
        return;
    }
    uint64_t seen = 0, extra = 0, stored = 0, max = o->max_states ? o->max_states : UINT64_MAX;
    bool failure = false;
    for (unsigned i = 0; i < p->n; i++) {
        const Worker *w = &p->w[i];
        seen += p->tracking ? w->states.n : w->keys.n;
        extra += w->bound_new + w->bound_fail;
        stored += w->n_nodes;
        failure |= w->n_fails > 0;
        give_up |= w->give_up;
    }
    bool stops_here = failure || stored > max;   /* one thread stops in this level */
    if (!p->tracking && (seen > max || (stops_here && seen + extra > max))) seen = track_states(p);
    if (give_up || atomic_load(&p->full) || seen > max || (stops_here && seen + extra > max))
        p->result = DET_ONE_THREAD;
    else if (failure) decide_failure(p);
    else if (stored > max) p->result = DET_LIMIT;
    else if (!begin_level(p)) p->result = DET_HOLDS;
    else {
        p->levels++;
        p->quit = false;
        if (o->progress) o->progress(o->ctx, stored, p->trans_levels);
    }
}

/* ---- across ranks (DetOptions.ranks): one worker per rank ----
 * Every rank runs the same loop, and every exchange is made by all ranks
 * together, so all take the same decisions from the same headers:
 * rank the level (each node's discoverer to the rank whose range of
 * parents holds it, its place back); expand it in rounds (successor nodes
 * to their owners); expand again what a
 * cursor could not (every rank's such nodes to every rank: each rank
 * expands all of them, in rank order, learning alike, and keeps the
 * successors it owns); decide (the sums in the headers). */

/* Nodes a rank expands between two exchanges, unless the words it has
 * to send pass ROUND_WORDS first (nodes of many states). */
enum { ROUND_NODES = 8192, ROUND_WORDS = 1u << 24 };
/* A rank's flags in its header. */
enum { RF_MORE = 1, RF_FAILED = 2, RF_GIVE_UP = 4 };

/* One exchange: out[r] to rank r (the same words `all` to every rank,
 * this one included, unless NULL); what came is in p->port. false when
 * the transport failed or a rank is not exploring (p->result set: one
 * process decides). */
static bool rank_exchange(Pool *p, unsigned flags, uint64_t stored, uint64_t trans, uint64_t aux, const Words *all)
{
    Worker *w = &p->w[0];
    RankPort *port = &p->port;
    for (unsigned r = 0; r < p->owners; r++) {
        const Words *b = all ? all : &w->out[r];
        port->out[r] = b->v;
        port->n_out[r] = all || r != p->me ? (uint32_t)b->n : 0;
    }
    int stop = p->my_stop ? p->my_stop : (int)watch_stopped(p->o->watch);
    RankSay say = { flags, stop, stored, trans, aux };
    if (!ranks_port_exchange(port, &say) || port->heard.mismatch) {
        p->result = DET_ONE_THREAD;
        return false;
    }
    if (!all)
        for (unsigned r = 0; r < p->owners; r++)
            if (r != p->me) w->out[r].n = 0;
    return true;
}

/* What rank r sent this one in the last exchange to owners (n words):
 * a rank's own words to itself stay in its buffer. */
static const uint64_t *came_from(const Pool *p, unsigned r, uint32_t *n)
{
    if (r == p->me) {
        *n = (uint32_t)p->w[0].out[r].n;
        return p->w[0].out[r].v;
    }
    const uint64_t *at = p->port.in;
    for (unsigned q = 0; q < r; q++) at += p->port.n_in[q];
    *n = p->port.n_in[r];
    return at;
}

/* A rank's watch said stop (heard at the last exchange): every rank's
 * watch says so from now on, and the search stops after `nodes`. */
static bool rank_stopped(Pool *p, uint64_t nodes)
{
    int stop = p->port.heard.stop;
    if (!stop) return false;
    if (p->o->watch && watch_stopped(p->o->watch) == WATCH_NONE) atomic_store(&p->o->watch->stop, stop);
    p->all_nodes = nodes;
    p->result = DET_STOPPED;
    return true;
}

/* After work each rank did alone, learning (which a rank's watch may stop
 * while the others' go on): every rank says whether it failed, and all
 * go on only if none did; a stop any rank's watch says stops all of
 * them, else a failure makes one process decide. */
static bool rank_agree(Pool *p, bool failed)
{
    Worker *w = &p->w[0];
    if (!rank_exchange(p, failed ? RF_GIVE_UP : 0, w->n_nodes, 0, 0, &(Words){ 0 })) return false;
    if (rank_stopped(p, p->port.heard.stored)) return false;
    if (!(p->port.heard.flags & RF_GIVE_UP)) return true;
    p->result = DET_ONE_THREAD;
    return false;
}

/* (Again) from the initial node, made by every rank alone; whether all
 * did. */
static bool rank_start(Pool *p)
{
    bool ok = start(p);
    return rank_agree(p, !ok);
}

/* The rank that ranks the nodes discovered by the parents ranked
 * (disc >> 32) in a level of p->parents: the parents' ranks are cut into
 * as many ranges as there are ranks. */
static unsigned ranker_of(const Pool *p, uint64_t disc)
{
    return p->parents ? (unsigned)((disc >> 32) * p->owners / p->parents) : 0;
}

/* The head of run q (its next discoverer). */
static uint64_t head(const Pool *p, uint32_t q) { return p->by[q].run[p->by[q].cursor]; }

/* Sifts heap[at] down among the first n, by their runs' heads. */
static void sift(Pool *p, uint32_t at, uint32_t n)
{
    struct ByRank *b = p->by;
    for (;;) {
        uint32_t least = at, l = 2 * at + 1, r = l + 1;
        if (l < n && head(p, b[l].heap) < head(p, b[least].heap)) least = l;
        if (r < n && head(p, b[r].heap) < head(p, b[least].heap)) least = r;
        if (least == at) return;
        uint32_t t = b[at].heap;
        b[at].heap = b[least].heap;
        b[least].heap = t;
        at = least;
    }
}

/* The discoverers every rank sent here (a sorted run from each) merged:
 * each one's place among all of them, written in the order its rank sent
 * them into the buffer back to it (this rank's own in place); how many. */
static uint64_t merge_places(Pool *p)
{
    Worker *w = &p->w[0];
    uint32_t n = 0;
    struct ByRank *b = p->by;
    for (unsigned q = 0; q < p->owners; q++) {
        b[q].run = came_from(p, q, &b[q].n);
        b[q].cursor = 0;
        if (q != p->me) {   /* room for the places, in the order q sent them */
            w->out[q].n = 0;
            words_add(&w->out[q], b[q].n);
        }
        if (b[q].n) b[n++].heap = q;
    }
    for (uint32_t i = n / 2; i-- > 0;) sift(p, i, n);
    uint64_t k = 0;
    while (n) {
        uint32_t q = b[0].heap;
        w->out[q].v[b[q].cursor++] = k++;   /* the head is read: its word is free */
        if (b[q].cursor == b[q].n) b[0].heap = b[--n].heap;
        sift(p, 0, n);
    }
    return k;
}

/* A level's nodes are ranked by their discoverers: every rank sends its
 * share's (sorted) to the rank whose range holds their parents' ranks;
 * that rank merges what it got and answers each node's place among them,
 * and says how many it got; a node's rank is its place plus the nodes of
 * the ranges before its own. Two exchanges, a word each way per node,
 * whatever the number of ranks. */
static bool rank_level_ranks(Pool *p)
{
    Worker *w = &p->w[0];
    sort_share(w);
    uint32_t n = w->hi - w->lo;
    for (uint32_t i = 0; i < n; i++) *words_add(&w->out[ranker_of(p, w->discs[i])], 1) = w->discs[i];
    if (!rank_exchange(p, 0, n, 0, 0, NULL)) return false;
    uint64_t level = p->port.heard.stored;
    if (!rank_exchange(p, 0, 0, 0, merge_places(p), NULL)) return false;
    uint64_t base = 0;
    for (unsigned r = 0; r < p->owners; r++) {   /* the nodes of the ranges before r's */
        p->by[r].cursor = 0;
        p->by[r].base = base;
        base += ranks_port_said(&p->port, r);
    }
    for (uint32_t i = 0; i < n; i++) {
        unsigned r = ranker_of(p, w->discs[i]);
        uint32_t m;
        const uint64_t *place = came_from(p, r, &m);
        w->nodes[w->sorted[i].at].rank = (uint32_t)(p->by[r].base + place[p->by[r].cursor++]);
    }
    w->out[p->me].n = 0;
    p->parents = level;
    return true;
}

static size_t out_words(const Pool *p)
{
    size_t n = 0;
    for (unsigned r = 0; r < p->owners; r++) n += p->w[0].out[r].n;
    return n;
}

/* Every rank expands its share of the level in rounds, its successors
 * going to their owners; until no rank has any left. false when the
 * search stops here (p->result). */
static bool rank_expand_level(Pool *p)
{
    Worker *w = &p->w[0];
    const uint64_t max = p->o->max_states;
    for (uint32_t i = w->lo;;) {
        uint32_t end = w->hi - i < ROUND_NODES ? w->hi : i + ROUND_NODES;
        for (; i < end && !p->my_stop && !w->give_up && out_words(p) < ROUND_WORDS; i++) {
            if ((i - w->lo) % POLL_EVERY == POLL_EVERY - 1) p->my_stop = (int)watch_stopped(p->o->watch);
            int r = expand(p, w, w, w->cur, i, false);
            if (r == 0) defer(w, i);
        }
        unsigned flags = (i < w->hi ? RF_MORE : 0) | (w->give_up ? RF_GIVE_UP : 0);
        if (!rank_exchange(p, flags, w->n_nodes, 0, 0, NULL)) return false;
        take_in(p, w, &w->out[p->me]);
        take_msgs(p, w, p->port.in, p->port.n_in_all);
        if (max && p->port.heard.stored > max) atomic_store(&p->full, true);
        if (rank_stopped(p, p->port.heard.stored)) return false;
        if (p->port.heard.flags & RF_GIVE_UP) {
            p->result = DET_ONE_THREAD;
            return false;
        }
        if (!(p->port.heard.flags & RF_MORE)) return true;
    }
}

/* Every rank's nodes its cursor could not expand go to every rank, and
 * every rank expands all of them, rank 0's first, learning what they
 * need (so all learn the same things in the same order); each keeps the
 * successors it owns, and judges its own nodes. */
static Deferred rank_expand_deferred(Pool *p)
{
    Worker *w = &p->w[0];
    Words mine = { 0 };
    for (uint32_t d = 0; d < w->n_deferred; d++) {
        const DNode *x = &w->nodes[w->deferred[d]];
        uint64_t *m = words_add(&mine, 2 + x->n);
        m[0] = w->deferred[d];
        m[1] = (uint64_t)x->rank << 32 | x->n;
        memcpy(m + 2, w->keys.v + x->at, x->n * sizeof *m);
    }
    w->n_deferred = 0;
    bool ok = rank_exchange(p, 0, 0, 0, 0, &mine);
    free(mine.v);
    if (!ok) return DEFERRED_STOP;
    if (!p->port.n_in_all) return DEFERRED_DONE;
    const uint64_t *m = p->port.in;
    int done = 1;
    for (unsigned q = 0; q < p->owners && done > 0; q++)
        for (const uint64_t *to = m + p->port.n_in[q]; m < to && done > 0; m += 2 + (uint32_t)m[1]) {
            Judged j;
            done = q == p->me ? expand(p, w, w, w->cur, (uint32_t)m[0], true)
                              : expand_node(p, w, w->cur, m + 2, (uint32_t)m[1], (uint32_t)(m[1] >> 32), true, &j);
        }
    if (!rank_agree(p, done <= 0 && !p->relayout)) return DEFERRED_STOP;
    if (p->relayout) return rank_start(p) ? DEFERRED_RESTARTED : DEFERRED_STOP;   /* every key so far is void */
    for (unsigned r = 0; r < p->owners; r++)
        if (r != p->me) w->out[r].n = 0;   /* their owners made them too */
    take_in(p, w, &w->out[p->me]);
    return DEFERRED_DONE;
}

/* The least of every rank's word (UINT64_MAX: none); false as
 * rank_exchange. */
static bool least_of_ranks(Pool *p, uint64_t mine, uint64_t *least)
{
    if (!rank_exchange(p, 0, 0, 0, mine, &(Words){ 0 })) return false;
    *least = p->port.heard.aux_min;
    return true;
}

/* The level has failures on some ranks: the counts at the least ranked
 * one, its kind and its trace (each node's first discoverer's owner says
 * its event and its parent's rank), or the limit if one process met it
 * first. */
static bool rank_decide_failure(Pool *p)
{
    Worker *w = &p->w[0];
    uint32_t at = UINT32_MAX, L = p->levels;
    for (uint32_t f = 0; f < w->n_fails; f++)
        if (at == UINT32_MAX || w->nodes[w->fails[f].at].rank < w->nodes[at].rank) at = w->fails[f].at;
    uint64_t least;
    if (!least_of_ranks(p, at == UINT32_MAX ? UINT64_MAX : w->nodes[at].rank, &least)) return false;
    if (at != UINT32_MAX && w->nodes[at].rank != least) at = UINT32_MAX;
    uint64_t states = w->hi, trans = 0;
    for (uint32_t j = w->hi; j < w->n_nodes; j++) states += (w->nodes[j].disc >> 32) < least;
    for (uint32_t j = w->lo; j < w->hi; j++)
        if (w->nodes[j].rank < least) trans += w->nodes[j].n_succ;
    if (!rank_exchange(p, 0, states, trans, 0, &(Words){ 0 })) return false;
    p->st->states = p->port.heard.stored;
    p->st->transitions = p->trans_levels + p->port.heard.trans;
    if (p->o->max_states && p->st->states > p->o->max_states) {
        p->result = DET_LIMIT;
        return true;
    }
    uint64_t how = UINT64_MAX;
    for (uint32_t f = 0; f < w->n_fails && at != UINT32_MAX; f++)
        if (w->fails[f].at == at) how = (uint64_t)w->fails[f].how << 32 | w->fails[f].event;
    if (!least_of_ranks(p, how, &how)) return false;
    p->st->fail = (DetFail)(how >> 32);
    p->st->event = (uint32_t)how;
    p->st->trace = xmalloc((L ? L : 1) * sizeof *p->st->trace);
    p->st->trace_len = L;
    for (uint32_t l = L; l > 0; l--) {
        const DNode *x = at == UINT32_MAX ? NULL : &w->nodes[at];
        uint64_t step;
        if (!least_of_ranks(p, x ? (uint64_t)x->event << 32 | (x->disc >> 32) : UINT64_MAX, &step)) {
            free(p->st->trace);   /* the transport failed: one process decides */
            p->st->trace = NULL;
            return false;
        }
        p->st->trace[l - 1] = (uint32_t)(step >> 32);
        at = UINT32_MAX;
        for (uint32_t j = w->level_at[l - 1]; j < level_end(w, l - 1) && at == UINT32_MAX; j++)
            if (w->nodes[j].rank == (uint32_t)step) at = j;
    }
    p->result = DET_FAILED;
    return true;
}

/* Decides, from every rank's counts, whether to go on (as between_levels
 * does), and sets up the next level if so. Where the threads would keep
 * every node's states to count them once, one process decides. */
static void rank_between_levels(Pool *p)
{
    Worker *w = &p->w[0];
    const DetOptions *o = p->o;
    p->quit = true;
    unsigned flags = (w->n_fails ? RF_FAILED : 0) | (w->give_up ? RF_GIVE_UP : 0) |
                     (w->n_nodes > w->hi ? RF_MORE : 0);
    if (!rank_exchange(p, flags, w->n_nodes, w->transitions, w->keys.n, &(Words){ 0 })) return;
    RankHeard heard = p->port.heard;
    if (!rank_exchange(p, 0, 0, 0, w->bound_new + w->bound_fail, &(Words){ 0 })) return;
    uint64_t extra = p->port.heard.aux_sum, max = o->max_states ? o->max_states : UINT64_MAX;
    p->all_nodes = heard.stored;
    p->all_trans = heard.trans;
    if (rank_stopped(p, heard.stored)) return;
    bool failure = heard.flags & RF_FAILED;
    bool stops_here = failure || heard.stored > max;   /* one process stops in this level */
    if ((heard.flags & RF_GIVE_UP) || atomic_load(&p->full) || heard.aux_sum > max ||
        (stops_here && heard.aux_sum + extra > max))
        p->result = DET_ONE_THREAD;
    else if (failure) rank_decide_failure(p);
    else if (heard.stored > max) p->result = DET_LIMIT;
    else if (!(heard.flags & RF_MORE)) p->result = DET_HOLDS;
    else {
        begin_level(p);
        p->trans_levels = heard.trans;
        p->levels++;
        p->quit = false;
        if (o->progress) o->progress(o->ctx, heard.stored, p->trans_levels);
    }
}

/* The levels, on every rank alike. */
static void run_ranks(Pool *p)
{
    if (!rank_start(p)) return;
    while (rank_level_ranks(p) && rank_expand_level(p)) {
        Deferred d = rank_expand_deferred(p);
        if (d == DEFERRED_STOP) return;
        if (d == DEFERRED_RESTARTED) continue;
        rank_between_levels(p);
        if (p->quit) return;
    }
}

/* ---- the threads ---- */

/* Every thread's loop over the levels; the others wait at the gate
 * until worker 0 has made the barrier (and leave if not counted in it). */
static void run(Worker *w)
{
    Pool *p = w->pool;
    pthread_mutex_lock(&p->gate.lock);
    while (!p->gate.open) pthread_cond_wait(&p->gate.opened, &p->gate.lock);
    pthread_mutex_unlock(&p->gate.lock);
    while (w->id < p->n) {
        pthread_barrier_wait(&p->barrier);   /* worker 0 has set up the level */
        if (p->quit) return;
        sort_share(w);
        pthread_barrier_wait(&p->barrier);
        rank_share(p, w);   /* reads the others' sorted shares only */
        expand_level(p, w);
        pthread_barrier_wait(&p->barrier);
        for (unsigned from = 0; from < p->n; from++) take_in(p, w, &p->w[from].out[w->id]);
        pthread_barrier_wait(&p->barrier);
        take_states(p, w);
        pthread_barrier_wait(&p->barrier);
        if (w->id == 0) between_levels(p);
    }
}

static void *run_thread(void *arg)
{
    run(arg);
    return NULL;
}

static size_t worker_bytes(const Worker *w)
{
    return (size_t)w->cap_nodes * sizeof *w->nodes + w->keys.cap * sizeof *w->keys.v +
           (size_t)w->n_slots * sizeof *w->slots + keyset_bytes(&w->states);
}

static void worker_free(Worker *w, unsigned made)
{
    net_cursor_free(w->cur);
    free(w->nodes);
    free(w->keys.v);
    free(w->slots);
    free(w->at_msg);
    free(w->level_at);
    for (unsigned d = 0; d < made; d++) {
        free(w->out[d].v);
        free(w->sout[d].v);
    }
    free(w->out);
    free(w->sout);
    keyset_clear(&w->states);
    free(w->mark);
    free(w->deferred);
    free(w->fails);
    free(w->sorted);
    free(w->discs);
    free(w->steps);
    free(w->edges);
    free(w->evs);
    free(w->first);
    free(w->perm);
    free(w->by_rank);
    free(w->seen);
    free(w->count);
    free(w->queue);
    free(w->stable);
    free(w->cl.v);
    free(w->cl_keys);
    free(w->cl_mark);
}

/* The threads: worker 0 is the calling one. */
static void run_threads(Pool *p, unsigned made)
{
    pthread_mutex_init(&p->gate.lock, NULL);
    pthread_cond_init(&p->gate.opened, NULL);
    unsigned started = 1;
    for (unsigned i = 1; i < made; i++) {
        if (pthread_create(&p->w[i].thread, NULL, run_thread, &p->w[i]) != 0) break;
        started++;
    }
    p->n = p->owners = started;   /* the threads there are (fewer than asked if some could not start) */
    pthread_barrier_init(&p->barrier, NULL, p->n);
    p->quit = !start(p);
    pthread_mutex_lock(&p->gate.lock);
    p->gate.open = true;
    pthread_cond_broadcast(&p->gate.opened);
    pthread_mutex_unlock(&p->gate.lock);
    run(&p->w[0]);
    for (unsigned i = 1; i < started; i++) pthread_join(p->w[i].thread, NULL);
    pthread_barrier_destroy(&p->barrier);
    pthread_mutex_destroy(&p->gate.lock);
    pthread_cond_destroy(&p->gate.opened);
    if (p->result != DET_FAILED && p->result != DET_LIMIT) {
        for (unsigned i = 0; i < p->n; i++) {
            p->st->states += p->w[i].n_nodes;
            p->st->transitions += p->w[i].transitions;
        }
    }
}

DetResult detwork_explore(Net *net, const DetOptions *o, DetStats *st)
{
    *st = (DetStats){ 0 };
    if (!net_keyed(net)) return DET_ONE_THREAD;
    Pool *p = xcalloc(1, sizeof *p);
    p->o = o;
    p->net = net;
    p->st = st;
    RankLink *link = o->ranks;
    unsigned made = link ? 1 : o->workers < 1 ? 1 : o->workers > WORKERS_MAX ? WORKERS_MAX : o->workers;
    p->n = made;
    p->owners = link ? link->size : made;   /* buffers: one per owner */
    unsigned bufs = p->owners;
    p->me = link ? link->rank : 0;
    p->w = xcalloc(made, sizeof *p->w);
    for (unsigned i = 0; i < made; i++) {
        Worker *w = &p->w[i];
        w->pool = p;
        w->id = i;
        w->cur = net_cursor_new(net);
        w->out = xcalloc(bufs, sizeof *w->out);
        w->sout = xcalloc(bufs, sizeof *w->sout);
        w->mark = xcalloc(bufs, sizeof *w->mark);
    }
    if (link) {
        ranks_port_open(&p->port, link);
        p->by = xcalloc(bufs, sizeof *p->by);
        run_ranks(p);
        ranks_port_close(&p->port);
        free(p->by);
        if (p->result != DET_FAILED && p->result != DET_LIMIT) {
            st->states = p->all_nodes;
            st->transitions = p->all_trans;
        }
    } else {
        run_threads(p, made);
    }
    DetResult r = p->result;
    st->levels = p->levels;
    for (unsigned i = 0; i < made; i++) {
        st->bytes += worker_bytes(&p->w[i]);
        worker_free(&p->w[i], bufs);
    }
    free(p->ev_rank);
    free(p->w);
    free(p);
    return r;
}
