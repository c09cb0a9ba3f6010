/* workers.c - breadth-first exploration of a keyed network on several
 * threads; see workers.h.
 * Every worker runs the same loop: expand the level's states it owns,
 * send what others own, barrier, take in what was sent, barrier; then
 * worker 0 alone learns and expands what could not be expanded, decides
 * whether to go on, and sets up the next level while the others wait at
 * the barrier that starts it.
 */
#define _GNU_SOURCE   /* sched_getaffinity, CPU_COUNT */
#include "workers.h"

#include "arena.h"
#include "hugemem.h"
#include "keyset.h"
#include "owners.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Keys sent to another worker go in chunks of this many; every POLL_EVERY
 * states a worker looks at the watch and takes in what it was sent. */
enum { CHUNK_KEYS = 1024, POLL_EVERY = 256 };
/* Keys on their way into a worker's set: RING of them, their slots
 * fetched when they come, the key a full slot names RING / 2 later, and
 * stored RING later (each probe would otherwise wait for memory alone). */
enum { RING = 16 };
/* Successors on their way into a worker's set wait first in PEND_BUCKETS
 * buckets by the top PEND_BITS bits of their hash's low half, which pick
 * their slot (keyset_first_slot is monotone in it). When a bucket is full,
 * and at a level's end, every bucket goes in in turn, each sorted by the
 * next PEND_BITS bits: the probes sweep the slots in order, and the keys
 * they read, which earlier sweeps stored in that order too, in a few
 * places at a time, so that a large set's lines and pages are met close
 * together instead of at random. A bucket holds one successor for each
 * PEND_SLOTS * PEND_BUCKETS slots of the set (at least PEND_MIN). */
enum { PEND_BITS = 8, PEND_BUCKETS = 1 << PEND_BITS, PEND_SLOTS = 32, PEND_MIN = 16 };
/* A bucket of fewer keys goes in as they came (sorting costs PEND_BUCKETS
 * steps); fewer buckets used than all go in as they were first used, so
 * that a level of a few successors costs a few steps (a deep and narrow
 * space has a level for each state). */
enum { PEND_SORT_FROM = 64 };
/* A level whose successors went through the buckets is stored in the order
 * of their slots, which scatters the successors of one state over the
 * level: expanded in that order, the two orders of a diamond (two moves in
 * either order) would come far apart and the memory of recent states
 * (RECENT_BITS) would keep few of them back (philosophers N = 8 on two
 * workers, buckets from 2^20 slots: 37 million lookups instead of 31).
 * Such a level is expanded in about the order its states were found
 * instead: each pending key keeps its window, its place among its flush's
 * keys over 2^order_shift (ORDER_WINDOWS windows a flush at most), and the
 * flush's new states go into the next level's order by window (a counting
 * sort), in the order of their slots within one. A window is a few dozen
 * states' successors, well within the recent memory. A state expanded
 * waits ORDER_AHEAD states while its key is fetched. */
enum { ORDER_WINDOWS = 1 << 16, ORDER_AHEAD = 8 };
#define ORDER_NONE UINT32_MAX
/* A worker's record of divergence searches may hold this many keys more
 * than all the workers have stored (a search follows taus into every
 * share); past that, one thread decides. */
enum { DIV_SLACK = 1u << 20 };
/* A worker remembers the last state it kept, sent or took in per hash's
 * low RECENT_BITS bits (as net.c's table, NET_RECENT_BITS): most
 * successors were met a few thousand states before (two moves in either
 * order), and one found there is neither looked up nor sent again. */
enum { RECENT_BITS = 14 };
#define RECENT_MASK ((1u << RECENT_BITS) - 1)

typedef struct {
    uint64_t key;
    uint32_t node, used;
} Recent;

typedef struct Chunk {
    struct Chunk *next;
    uint32_t n;
    uint64_t keys[CHUNK_KEYS];
    uint32_t nodes[CHUNK_KEYS];     /* with a specification: each key's node */
} Chunk;

/* A state that failed in this level: its index in the set, how, and
 * (WORK_FAIL_TRACE) the transition that did. */
typedef struct {
    uint32_t at, k;
    WorkFail how;
} Failure;

typedef struct Worker {
    struct Pool *pool;
    unsigned id;
    pthread_t thread;
    NetCursor *cur;
    KeySet set;
    uint32_t lo, hi;            /* the level being expanded: set.keys[lo, hi) */
    Chunk **out;                /* by worker: the chunk being filled for it */
    pthread_mutex_t lock;       /* guards inbox */
    Chunk *inbox;               /* full chunks sent to this worker */
    uint32_t *deferred;         /* states its cursor could not expand yet (indexes in set) */
    uint32_t n_deferred, cap_deferred;
    NetKeyTrans *pri;           /* scratch: transitions kept under tau priority */
    uint32_t cap_pri;
    /* Divergence: what the depth-first searches of tau paths found, by
     * key (DIV_*), their stack, and the tau successors of its frames. */
    struct { uint64_t *keys; uint8_t *mark; uint32_t n, cap; } div;
    struct DivFrame *stack;
    uint32_t cap_stack;
    uint64_t *succ;
    uint32_t n_succ, cap_succ;
    struct { uint64_t key, h; uint32_t node, seq; } ring[RING];
    uint64_t ring_in, ring_out; /* keys that came into the ring, left it */
    /* Successors waiting (see PEND_BITS): PEND_BUCKETS buckets of
     * pend_cap keys, with a specification their nodes beside them; and
     * one bucket in the order of its slots. */
    uint64_t *pend, *sorted_keys;
    uint32_t *pend_nodes, *sorted_nodes;
    uint16_t *pend_seq, *sorted_seq;   /* each pending key's window (see ORDER_WINDOWS) */
    uint32_t n_flush;           /* keys pending since the last flush */
    uint32_t order_shift;       /* a window is 2^order_shift of them */
    uint32_t flush_first;       /* the set's size when the flush began */
    uint16_t *fresh_seq;        /* the window of each state new in the flush */
    uint32_t cap_fresh_seq;
    uint32_t *windows;          /* counting sort: ORDER_WINDOWS counts */
    bool ordering;              /* this level's successors go through the buckets, their order recorded */
    bool ordered;               /* the level being expanded was: it goes in the order of order */
    uint32_t *order, cap_order; /* the level's indexes, in about the order they were found */
    uint32_t *order_next, n_order_next, cap_order_next; /* the next level's, as they are stored */
    uint32_t pend_n[PEND_BUCKETS];
    uint32_t pend_cap;
    uint16_t used[PEND_BUCKETS];   /* the buckets holding keys, as they were first used */
    uint32_t n_used;
    Recent *recent;             /* by hash's low bits: stored, or on its way to its owner */
    uint64_t transitions;
    uint32_t since_count;       /* states stored since the shared count was updated */
    bool found;                 /* a divergence (one thread explores again) */
    Failure *fails;             /* the states that failed in this level */
    uint32_t n_fails, cap_fails;
    uint32_t *level_at;         /* where each level starts in set.keys */
    uint32_t n_levels, cap_levels;
    /* Ranking (after a deadlock): by level, each state's rank in the level
     * and the least (parent's rank, transition) that reaches it. */
    uint32_t **rank;
    _Atomic uint64_t **disc;
    struct Disc { uint64_t disc; uint32_t at; } *sorted, *sorting;   /* a share of a level by discoverer; scratch */
    struct Fresh { uint64_t key; uint32_t node; } *fresh;  /* successors new at the failure's level */
    uint32_t n_fresh, cap_fresh;
    uint64_t least;             /* the least rank of a failure of the level */
    uint32_t least_at;          /* its index in the level */
    uint64_t trans_before;      /* transitions of the level's states ranked up to it */
    bool broken;                /* its cursor could not expand a state again */
} Worker;

typedef struct Pool {
    const WorkOptions *o;
    Net *net;
    unsigned n;
    uint64_t owner_mask;        /* the key's bits that name its owner (0: all, and the node; owners.h) */
    bool owner_chosen;          /* owner_mask was chosen for this layout (choose_owners) */
    Worker *w;
    pthread_barrier_t barrier;
    pthread_mutex_t gate;       /* threads wait here until the barrier is made */
    pthread_cond_t opened;
    bool open;
    atomic_bool halt;           /* stop expanding this level (found, or the watch) */
    atomic_bool full;           /* more than max_states: store nothing more */
    atomic_bool failed;         /* a failure in this level: the next one is not needed */
    _Atomic uint64_t count;     /* states stored, updated now and then */
    bool quit;                  /* set by worker 0 between levels */
    WorkResult trouble;         /* why learning could not go on (worker 0) */
    uint64_t trans_levels;      /* transitions of the levels before this one */
    atomic_bool taus;           /* a tau was met */
    uint32_t step_level;        /* ranking: the level a step works on */
    void (*step)(struct Pool *, struct Worker *);   /* ranking: what each thread does */
    uint64_t least;             /* ranking: the rank of the first failure */
    bool relayout;              /* learning changed the layout: start again */
    WorkResult result;
    uint32_t levels;
} Pool;

/* Which worker owns (key, node), whose hash is h. */
static unsigned owner_of(const Pool *p, uint64_t key, uint64_t h)
{
    return owners_of(p->owner_mask, key, h, p->n);
}

/* ---- the visited set ---- */

/* A worker's part of the visited set is a KeySet (keyset.h): its keys in
 * the order they came (level after level), with a specification their
 * nodes beside them. */

/* Empties s; paired: it keeps nodes from now on. */
static void set_clear(KeySet *s, bool paired)
{
    keyset_clear(s);
    s->paired = paired;
}

/* ---- storing and sending ---- */

/* Room in the next level's order for m more. */
static void order_room(Worker *w, uint32_t m)
{
    if ((uint64_t)w->n_order_next + m <= w->cap_order_next) return;
    uint64_t cap = (uint64_t)w->n_order_next + m;
    if (cap < 2 * (uint64_t)w->cap_order_next) cap = 2 * (uint64_t)w->cap_order_next;
    if (cap < 1024) cap = 1024;
    if (cap > UINT32_MAX) cap = UINT32_MAX;   /* a set holds fewer than 2^32 */
    /* hugemem's: each level's is freed, and a wide level's would stay
     * resident in malloc's heap */
    w->order_next = huge_realloc(w->order_next, (size_t)w->cap_order_next * sizeof *w->order_next,
                                 cap * sizeof *w->order_next);
    w->cap_order_next = (uint32_t)cap;
}

/* The state just stored (index w->set.n - 1) was found in window seq of
 * the flush; ORDER_NONE: stored alone between levels, after every flush,
 * it goes at the end of the next level's order at once. */
static void record(Worker *w, uint32_t seq)
{
    uint32_t index = w->set.n - 1;
    if (seq == ORDER_NONE) {
        order_room(w, 1);
        w->order_next[w->n_order_next++] = index;
        return;
    }
    uint32_t at = index - w->flush_first;
    if (at == w->cap_fresh_seq)
        w->fresh_seq = xrealloc(w->fresh_seq, (w->cap_fresh_seq = w->cap_fresh_seq ? 2 * w->cap_fresh_seq : 1024) *
                                sizeof *w->fresh_seq);
    w->fresh_seq[at] = (uint16_t)seq;
}

/* The owner w keeps (key, node) (hash h): a new state of the next level,
 * found at place seq of the flush (ORDER_NONE: not through the buckets). */
static void keep(Pool *p, Worker *w, uint64_t key, uint32_t node, uint64_t h, uint32_t seq)
{
    if (atomic_load_explicit(&p->full, memory_order_relaxed)) return;
    if (!keyset_add_pair(&w->set, key, node, h)) return;
    if (w->ordering) record(w, seq);
    if (++w->since_count == POLL_EVERY) {
        uint64_t all = atomic_fetch_add_explicit(&p->count, POLL_EVERY, memory_order_relaxed) + POLL_EVERY;
        w->since_count = 0;
        if (p->o->max_states && all > p->o->max_states) atomic_store(&p->full, true);
    }
}

/* The same, in time: the key enters w's ring (see RING). */
static void keep_soon(Pool *p, Worker *w, uint64_t key, uint32_t node, uint64_t h, uint32_t seq)
{
    const KeySet *s = &w->set;
    if (s->n_slots) __builtin_prefetch(&s->slots[keyset_first_slot(s->n_slots, h)]);
    w->ring[w->ring_in % RING].key = key;
    w->ring[w->ring_in % RING].h = h;
    w->ring[w->ring_in % RING].node = node;
    w->ring[w->ring_in % RING].seq = seq;
    w->ring_in++;
    if (w->ring_in - w->ring_out > RING / 2 && s->n_slots) {
        uint64_t h2 = w->ring[(w->ring_in - 1 - RING / 2) % RING].h;
        uint32_t e = keyset_entry(s, s->slots[keyset_first_slot(s->n_slots, h2)], h2);
        if (e != UINT32_MAX) __builtin_prefetch(&s->keys[e]);
    }
    if (w->ring_in - w->ring_out == RING) {
        uint32_t i = w->ring_out++ % RING;
        keep(p, w, w->ring[i].key, w->ring[i].node, w->ring[i].h, w->ring[i].seq);
    }
}

/* Stores what is left in w's ring. */
static void keep_ring(Pool *p, Worker *w)
{
    while (w->ring_out < w->ring_in) {
        uint32_t i = w->ring_out++ % RING;
        keep(p, w, w->ring[i].key, w->ring[i].node, w->ring[i].h, w->ring[i].seq);
    }
}

/* w's buckets sized for its set as it is now (they are empty). */
static void size_buckets(Worker *w)
{
    uint64_t cap = w->set.n_slots / ((uint64_t)PEND_SLOTS * PEND_BUCKETS);
    if (cap < PEND_MIN) cap = PEND_MIN;
    if (cap == w->pend_cap && (w->pend_nodes != NULL) == w->set.paired) return;
    free(w->pend);
    free(w->pend_nodes);
    free(w->sorted_keys);
    free(w->sorted_nodes);
    free(w->pend_seq);
    free(w->sorted_seq);
    w->pend_cap = (uint32_t)cap;
    w->pend = xmalloc(cap * PEND_BUCKETS * sizeof *w->pend);
    w->sorted_keys = xmalloc(cap * sizeof *w->sorted_keys);
    w->pend_seq = xmalloc(cap * PEND_BUCKETS * sizeof *w->pend_seq);
    w->order_shift = 0;   /* a flush has at most cap * PEND_BUCKETS keys */
    while ((cap * PEND_BUCKETS - 1) >> w->order_shift >= ORDER_WINDOWS) w->order_shift++;
    w->sorted_seq = xmalloc(cap * sizeof *w->sorted_seq);
    w->pend_nodes = w->set.paired ? xmalloc(cap * PEND_BUCKETS * sizeof *w->pend_nodes) : NULL;
    w->sorted_nodes = w->set.paired ? xmalloc(cap * sizeof *w->sorted_nodes) : NULL;
}

/* Where the hash h (keyset_hash) goes among a bucket's keys: the bits
 * below those that chose the bucket. */
static unsigned sub_bucket(uint64_t h) { return (uint32_t)h >> (32 - 2 * PEND_BITS) & (PEND_BUCKETS - 1); }

/* Bucket b of w goes in: sorted by the next PEND_BITS bits if it holds
 * PEND_SORT_FROM keys or more, else as they came. */
static void keep_bucket(Pool *p, Worker *w, unsigned b)
{
    const uint64_t *keys = &w->pend[(size_t)b * w->pend_cap];
    const uint32_t *nodes = w->pend_nodes ? &w->pend_nodes[(size_t)b * w->pend_cap] : NULL;
    const uint16_t *seqs = &w->pend_seq[(size_t)b * w->pend_cap];
    uint32_t n = w->pend_n[b];
    w->pend_n[b] = 0;
    if (n >= PEND_SORT_FROM) {
        uint32_t at[PEND_BUCKETS] = { 0 };
        for (uint32_t i = 0; i < n; i++) at[sub_bucket(keyset_hash(keys[i], nodes ? nodes[i] : 0))]++;
        for (uint32_t k = 0, sum = 0; k < PEND_BUCKETS; k++) {
            uint32_t c = at[k];
            at[k] = sum;
            sum += c;
        }
        for (uint32_t i = 0; i < n; i++) {
            uint32_t j = at[sub_bucket(keyset_hash(keys[i], nodes ? nodes[i] : 0))]++;
            w->sorted_keys[j] = keys[i];
            w->sorted_seq[j] = seqs[i];
            if (nodes) w->sorted_nodes[j] = nodes[i];
        }
        keys = w->sorted_keys;
        seqs = w->sorted_seq;
        nodes = nodes ? w->sorted_nodes : NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t node = nodes ? nodes[i] : 0;
        keep_soon(p, w, keys[i], node, keyset_hash(keys[i], node), seqs[i]);
    }
}

/* The states new in w's flush go into the next level's order by window,
 * each window's in the order they were stored (see ORDER_WINDOWS). */
static void order_flush(Worker *w)
{
    uint32_t m = w->set.n - w->flush_first;
    uint32_t n_windows = ((w->n_flush - 1) >> w->order_shift) + 1;
    if (!m) return;
    if (!w->windows) w->windows = xmalloc(ORDER_WINDOWS * sizeof *w->windows);
    memset(w->windows, 0, n_windows * sizeof *w->windows);
    for (uint32_t i = 0; i < m; i++) w->windows[w->fresh_seq[i]]++;
    for (uint32_t k = 0, sum = w->n_order_next; k < n_windows; k++) {
        uint32_t c = w->windows[k];
        w->windows[k] = sum;
        sum += c;
    }
    order_room(w, m);
    for (uint32_t i = 0; i < m; i++) w->order_next[w->windows[w->fresh_seq[i]]++] = w->flush_first + i;
    w->n_order_next += m;
}

/* The pending successors of w go in (see PEND_BITS): every bucket in the
 * order of its slots, or only those used, as they were first used, and
 * the new states into the next level's order; then the buckets are sized
 * again for the set as it is now. */
static void keep_pending(Pool *p, Worker *w)
{
    w->flush_first = w->set.n;
    if (w->n_used == PEND_BUCKETS)
        for (unsigned b = 0; b < PEND_BUCKETS; b++) keep_bucket(p, w, b);
    else
        for (uint32_t i = 0; i < w->n_used; i++) keep_bucket(p, w, w->used[i]);
    w->n_used = 0;
    keep_ring(p, w);
    if (w->n_flush) order_flush(w);
    w->n_flush = 0;
    size_buckets(w);
}

/* The same, later: (key, node) (hash h) waits in w's buckets. */
static void keep_later(Pool *p, Worker *w, uint64_t key, uint32_t node, uint64_t h)
{
    if (!w->ordering) {
        keep_soon(p, w, key, node, h, ORDER_NONE);
        return;
    }
    if (!w->pend_cap) size_buckets(w);
    uint32_t b = (uint32_t)h >> (32 - PEND_BITS);
    if (!w->pend_n[b]) w->used[w->n_used++] = (uint16_t)b;
    size_t at = (size_t)b * w->pend_cap + w->pend_n[b]++;
    w->pend[at] = key;
    w->pend_seq[at] = (uint16_t)(w->n_flush++ >> w->order_shift);
    if (w->pend_nodes) w->pend_nodes[at] = node;
    if (w->pend_n[b] == w->pend_cap) keep_pending(p, w);
}

static void post(Worker *to, Chunk *c)
{
    pthread_mutex_lock(&to->lock);
    c->next = to->inbox;
    to->inbox = c;
    pthread_mutex_unlock(&to->lock);
}

/* Whether w met the state (key, node) (hash h) lately; it has now. */
static bool seen(Worker *w, uint64_t key, uint32_t node, uint64_t h)
{
    Recent *r = &w->recent[h & RECENT_MASK];
    if (r->used && r->key == key && r->node == node) return true;
    *r = (Recent){ key, node, 1 };
    return false;
}

/* A successor found by worker w; alone (worker 0 between levels), it
 * stores into any worker's set. */
static void send(Pool *p, Worker *w, uint64_t key, uint32_t node, bool alone)
{
    uint64_t h = keyset_hash(key, node);
    unsigned to = owner_of(p, key, h);
    if (alone) {
        keep(p, &p->w[to], key, node, h, ORDER_NONE);
        return;
    }
    if (seen(w, key, node, h)) return;
    if (to == w->id) {
        keep_later(p, w, key, node, h);
        return;
    }
    Chunk *c = w->out[to];
    if (!c) c = w->out[to] = xmalloc(sizeof *c), c->n = 0;
    c->nodes[c->n] = node;
    c->keys[c->n++] = key;
    if (c->n == CHUNK_KEYS) {
        post(&p->w[to], c);
        w->out[to] = NULL;
    }
}

static void flush(Pool *p, Worker *w)
{
    for (unsigned i = 0; i < p->n; i++)
        if (w->out[i]) {
            post(&p->w[i], w->out[i]);
            w->out[i] = NULL;
        }
}

/* Takes in the keys sent to w. */
static void drain(Pool *p, Worker *w)
{
    pthread_mutex_lock(&w->lock);
    Chunk *c = w->inbox;
    w->inbox = NULL;
    pthread_mutex_unlock(&w->lock);
    while (c) {
        Chunk *next = c->next;
        for (uint32_t k = 0; k < c->n; k++) {
            uint64_t h = keyset_hash(c->keys[k], c->nodes[k]);
            if (!seen(w, c->keys[k], c->nodes[k], h)) keep_later(p, w, c->keys[k], c->nodes[k], h);
        }
        free(c);
        c = next;
    }
}

/* ---- learning (worker 0 alone) ---- */

/* Works out what expanding key needs, and shows it to cursor cur; false
 * when the exploration cannot go on as it was (p->trouble, p->relayout). */
static bool learn_one(Pool *p, NetCursor *cur, uint64_t key)
{
    uint32_t layout = net_layout(p->net);
    if (!net_learn(p->net, key)) p->trouble = WORK_ERROR;
    else if (!net_keyed(p->net)) p->trouble = WORK_UNKEYED;
    else if (net_layout(p->net) != layout) p->relayout = true;
    else {
        net_cursor_sync(cur);
        return true;
    }
    return false;
}

/* The transitions of key under tau priority (as the checker's chk_trans;
 * valid until cur expands again), whether one is tau, and whether the
 * state has terminated; NULL when cur cannot expand it (alone: after
 * learning failed). */
static const NetKeyTrans *next_of(Pool *p, Worker *w, NetCursor *cur, uint64_t key, bool alone, uint32_t *m,
                                  bool *done, bool *tau)
{
    const NetKeyTrans *ts = net_cursor_next(cur, key, m, done);
    if (!ts && alone && learn_one(p, cur, key)) ts = net_cursor_next(cur, key, m, done);
    if (!ts) return NULL;
    *tau = false;
    for (uint32_t k = 0; k < *m && !*tau; k++) *tau = ts[k].event == EVENT_TAU;
    if (*tau && p->o->tau_pri) {
        if (*m > w->cap_pri) w->pri = xrealloc(w->pri, (w->cap_pri = 2 * *m) * sizeof *w->pri);
        uint32_t kept = 0;
        for (uint32_t k = 0; k < *m; k++)
            if (ts[k].event < 2 || !proc_in_set(p->o->tau_pri, ts[k].event)) w->pri[kept++] = ts[k];
        ts = w->pri;
        *m = kept;
    }
    return ts;
}

/* ---- divergence: can a state start an infinite tau path? ---- */

/* Marks by key; a slot's mark 0 is empty, DIV_FORGOT is a key whose
 * search was abandoned (unknown again). */
enum { DIV_UNKNOWN, DIV_ON_STACK, DIV_YES, DIV_NO, DIV_FORGOT };

typedef struct DivFrame {
    uint64_t key;
    uint32_t first, n, next;    /* its tau successors: succ[first, first + n); the next to follow */
    bool yes;
} DivFrame;

static uint32_t div_slot(const Worker *w, uint64_t key)
{
    uint32_t j = (uint32_t)hash_mix64(key) & (w->div.cap - 1);
    while (w->div.mark[j] && w->div.keys[j] != key) j = (j + 1) & (w->div.cap - 1);
    return j;
}

static unsigned div_get(const Worker *w, uint64_t key)
{
    if (!w->div.cap) return DIV_UNKNOWN;
    unsigned m = w->div.mark[div_slot(w, key)];
    return m == DIV_FORGOT ? DIV_UNKNOWN : m;
}

static void div_set(Worker *w, uint64_t key, unsigned mark)
{
    if ((w->div.n + 1) * 2 > w->div.cap) {
        uint64_t *keys = w->div.keys;
        uint8_t *marks = w->div.mark;
        uint32_t cap = w->div.cap;
        w->div.cap = cap ? 2 * cap : 1024;
        w->div.keys = xmalloc(w->div.cap * sizeof *w->div.keys);
        w->div.mark = xcalloc(w->div.cap, 1);
        for (uint32_t i = 0; i < cap; i++)
            if (marks[i]) {
                uint32_t j = div_slot(w, keys[i]);
                w->div.keys[j] = keys[i];
                w->div.mark[j] = marks[i];
            }
        free(keys);
        free(marks);
    }
    uint32_t j = div_slot(w, key);
    if (!w->div.mark[j]) w->div.n++;
    w->div.keys[j] = key;
    w->div.mark[j] = (uint8_t)mark;
}

static void div_clear(Worker *w)
{
    free(w->div.keys);
    free(w->div.mark);
    memset(&w->div, 0, sizeof w->div);
}

/* Appends key's tau successors to w->succ: how many, -1 if cur cannot
 * expand it. */
static int64_t tau_next(Pool *p, Worker *w, NetCursor *cur, uint64_t key, bool alone)
{
    uint32_t m;
    bool done, tau;
    const NetKeyTrans *ts = next_of(p, w, cur, key, alone, &m, &done, &tau);
    if (!ts) return -1;
    uint32_t k0 = w->n_succ;
    for (uint32_t k = 0; k < m; k++) {
        if (ts[k].event != EVENT_TAU) continue;
        if (w->n_succ == w->cap_succ)
            w->succ = xrealloc(w->succ, (w->cap_succ = w->cap_succ ? 2 * w->cap_succ : 256) * sizeof *w->succ);
        w->succ[w->n_succ++] = ts[k].key;
    }
    return w->n_succ - k0;
}

/* Whether the state with this key can start an infinite tau path, by a
 * depth-first search over its tau successors (as the checker's
 * chk_diverges): 1 yes, 2 too big a search to keep (one thread decides),
 * 0 no (or the watch said stop), -1 cur cannot expand a state on the way. */
static int diverges(Pool *p, Worker *w, NetCursor *cur, uint64_t key, bool alone)
{
    unsigned known = div_get(w, key);
    if (known == DIV_YES || known == DIV_NO) return known == DIV_YES;
    w->n_succ = 0;
    int64_t n = tau_next(p, w, cur, key, alone);
    if (n < 0) return -1;
    uint32_t depth = 0, steps = 0;
    int result = 0;
    if (!w->cap_stack) w->stack = xmalloc((w->cap_stack = 64) * sizeof *w->stack);
    w->stack[depth++] = (DivFrame){ key, 0, (uint32_t)n, 0, false };
    div_set(w, key, DIV_ON_STACK);
    while (depth) {
        DivFrame *f = &w->stack[depth - 1];
        bool stop = ++steps % 1024 == 0 && p->o->watch && watch_stopped(p->o->watch) != WATCH_NONE;
        if (stop) atomic_store(&p->halt, true);
        /* Past --max-states, one thread says where its own search stops. */
        uint64_t all = atomic_load_explicit(&p->count, memory_order_relaxed);
        bool big = w->div.n > all + DIV_SLACK || (p->o->max_states && w->div.n > p->o->max_states);
        if (stop || big) {
            while (depth) div_set(w, w->stack[--depth].key, DIV_FORGOT);
            return stop ? 0 : 2;
        }
        if (f->next == f->n) {
            bool yes = f->yes;
            div_set(w, f->key, yes ? DIV_YES : DIV_NO);
            w->n_succ = f->first;
            depth--;
            if (depth) w->stack[depth - 1].yes |= yes;
            else result = yes;
            continue;
        }
        uint64_t q = w->succ[f->first + f->next++];
        unsigned mark = div_get(w, q);
        if (mark == DIV_ON_STACK || mark == DIV_YES) {
            f->yes = true;
        } else if (mark == DIV_UNKNOWN) {
            uint32_t first = w->n_succ;
            n = tau_next(p, w, cur, q, alone);
            if (n < 0) {
                while (depth) div_set(w, w->stack[--depth].key, DIV_FORGOT);
                return -1;
            }
            if (depth == w->cap_stack) w->stack = xrealloc(w->stack, (w->cap_stack *= 2) * sizeof *w->stack);
            w->stack[depth++] = (DivFrame){ q, first, (uint32_t)n, 0, false };
            div_set(w, q, DIV_ON_STACK);
        }
    }
    return result;
}

/* ---- expanding ---- */

/* The node a transition on ev leads to from node: with a specification,
 * its node's (tau: the same; -1: it cannot do ev); without, 0. */
static int64_t next_node(const Pool *p, uint32_t node, uint32_t ev)
{
    const WorkSpec *sp = p->o->spec;
    if (!sp || ev == EVENT_TAU) return node;
    return sp->after(sp->ctx, node, ev);
}

/* Whether a state with this node is expanded at all (a divergent node
 * allows anything: one thread goes no further there either). */
static bool node_open(const Pool *p, uint32_t node)
{
    const WorkSpec *sp = p->o->spec;
    return !sp || sp->state(sp->ctx, node) != WORK_NODE_DIVERGENT;
}

/* State at of w's set failed (how; WORK_FAIL_TRACE: at transition k). The
 * level is finished (the ranking needs all of it expanded once), but
 * what it reaches is no longer stored. */
static void failed(Pool *p, Worker *w, uint32_t at, WorkFail how, uint32_t k)
{
    if (w->n_fails == w->cap_fails)
        w->fails = xrealloc(w->fails, (w->cap_fails = w->cap_fails ? 2 * w->cap_fails : 16) * sizeof *w->fails);
    w->fails[w->n_fails++] = (Failure){ at, k, how };
    if (!atomic_load_explicit(&p->failed, memory_order_relaxed)) atomic_store(&p->failed, true);
}

/* The node of a state, known (the specification learnt it if alone): 1
 * judge and expand it, 0 its node is divergent (nothing to do), -1 not
 * yet (not alone; or learning failed: p->trouble). */
static int node_ready(Pool *p, uint32_t node, bool alone)
{
    const WorkSpec *sp = p->o->spec;
    if (!sp) return 1;
    WorkNodeState ns = sp->state(sp->ctx, node);
    if (ns == WORK_NODE_UNKNOWN) {
        if (!alone) return -1;
        if (!sp->learn(sp->ctx, node)) {
            p->trouble = WORK_ERROR;
            return -1;
        }
        ns = sp->state(sp->ctx, node);
    }
    return ns != WORK_NODE_DIVERGENT;
}

/* Expands state at of w's set with cursor cur, judging it first; false if
 * it cannot yet (alone: learning could not go on, p->trouble says why). */
static bool expand(Pool *p, Worker *w, NetCursor *cur, uint32_t at, bool alone)
{
    const WorkOptions *o = p->o;
    const WorkSpec *sp = o->spec;
    uint64_t key = w->set.keys[at];
    uint32_t node = keyset_node(&w->set, at);
    int ready = node_ready(p, node, alone);
    if (ready <= 0) return ready == 0;
    uint32_t m;
    bool done, tau;
    const NetKeyTrans *ts = next_of(p, w, cur, key, alone, &m, &done, &tau);
    if (!ts) return false;
    if (tau && !atomic_load_explicit(&p->taus, memory_order_relaxed)) atomic_store(&p->taus, true);
    if (tau && (o->divergence || (sp && sp->divergence))) {
        int d = diverges(p, w, cur, key, alone);
        if (d < 0) return false;
        if (d == 1 && sp) {
            failed(p, w, at, WORK_FAIL_DIVERGENCE, 0);
            return true;
        }
        if (d > 0) {   /* one thread finds the counterexample */
            w->found = true;
            atomic_store(&p->halt, true);
            return true;
        }
        ts = next_of(p, w, cur, key, alone, &m, &done, &tau);   /* the search expanded others */
        if (!ts) return false;
    }
    if (sp && sp->acceptances && !tau && !sp->accepts(sp->ctx, node, ts, m)) {
        failed(p, w, at, WORK_FAIL_ACCEPTANCE, 0);
        return true;
    }
    if (o->deadlock && m == 0 && !done) {
        failed(p, w, at, WORK_FAIL_DEADLOCK, 0);
        return true;
    }
    bool store = !atomic_load_explicit(&p->failed, memory_order_relaxed);
    for (uint32_t k = 0; k < m; k++) {
        int64_t next = next_node(p, node, ts[k].event);
        if (next < 0) {
            w->transitions += k + 1;
            failed(p, w, at, WORK_FAIL_TRACE, k);
            return true;
        }
        if (store) send(p, w, ts[k].key, (uint32_t)next, alone);
    }
    w->transitions += m;
    return true;
}

static void expand_level(Pool *p, Worker *w)
{
    const KeySet *s = &w->set;
    for (uint32_t t = w->lo; t < w->hi; t++) {
        uint32_t i = t;
        if (w->ordered) {   /* in the order of discovery (see ORDER_AHEAD) */
            i = w->order[t - w->lo];
            if (t + ORDER_AHEAD < w->hi) {
                uint32_t ahead = w->order[t + ORDER_AHEAD - w->lo];
                __builtin_prefetch(&s->keys[ahead]);
                if (s->nodes) __builtin_prefetch(&s->nodes[ahead]);
            }
        }
        if ((t - w->lo) % POLL_EVERY == POLL_EVERY - 1) {
            if (p->o->watch && watch_stopped(p->o->watch) != WATCH_NONE) atomic_store(&p->halt, true);
            if (atomic_load_explicit(&p->halt, memory_order_relaxed)) return;
            drain(p, w);
        }
        if (!expand(p, w, w->cur, i, false)) {
            if (w->n_deferred == w->cap_deferred)
                w->deferred = xrealloc(w->deferred, (w->cap_deferred = w->cap_deferred ? 2 * w->cap_deferred : 256) *
                                       sizeof *w->deferred);
            w->deferred[w->n_deferred++] = i;
        }
    }
}

/* ---- between levels (worker 0 alone) ---- */

static void start(Pool *p)
{
    for (unsigned i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        set_clear(&w->set, p->o->spec != NULL);
        w->lo = w->hi = 0;
        w->transitions = 0;
        w->n_deferred = 0;
        w->since_count = 0;
        w->found = false;
        w->n_fails = 0;
        w->ring_in = w->ring_out = 0;
        memset(w->pend_n, 0, sizeof w->pend_n);
        w->n_used = 0;
        w->n_flush = 0;
        w->ordering = w->ordered = false;
        w->n_order_next = 0;
        w->n_levels = 0;
        div_clear(w);
        memset(w->recent, 0, ((size_t)RECENT_MASK + 1) * sizeof *w->recent);
        net_cursor_sync(w->cur);
    }
    atomic_store(&p->count, 0);
    atomic_store(&p->full, false);
    atomic_store(&p->taus, false);
    atomic_store(&p->failed, false);
    p->levels = 0;
    p->trans_levels = 0;
    send(p, &p->w[0], net_initial_key(p->net), p->o->spec ? p->o->spec->initial : 0, true);
}

/* Learns and expands the states the cursors could not: false when the
 * exploration cannot go on this way (p->result says why), or starts again
 * (the layout changed: p->levels is 0 afterwards). */
static bool learn_deferred(Pool *p)
{
    Worker *w0 = &p->w[0];
    for (unsigned i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        for (uint32_t d = 0; d < w->n_deferred; d++) {
            uint32_t at = w->deferred[d];
            if (learn_one(p, w0->cur, w->set.keys[at]) && expand(p, w, w0->cur, at, true)) continue;
            if (p->relayout) {   /* every key so far is void */
                p->relayout = false;
                p->owner_mask = 0;   /* its bits name other fields now */
                p->owner_chosen = false;
                start(p);
                return true;
            }
            p->result = p->trouble != WORK_DONE ? p->trouble : WORK_UNKEYED;
            return false;
        }
        w->n_deferred = 0;
    }
    for (unsigned i = 1; i < p->n; i++) net_cursor_sync(p->w[i].cur);
    return true;
}

static uint64_t stored(const Pool *p)
{
    uint64_t all = 0;
    for (unsigned i = 0; i < p->n; i++) all += p->w[i].set.n;
    return all;
}

static uint64_t transitions(const Pool *p)
{
    uint64_t all = 0;
    for (unsigned i = 0; i < p->n; i++) all += p->w[i].transitions;
    return all;
}

/* The states stored since the level before started make the next level. */
static bool begin_level(Pool *p)
{
    bool more = false;
    for (unsigned i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        w->lo = w->hi;
        w->hi = w->set.n;
        if (w->n_levels == w->cap_levels)
            w->level_at = xrealloc(w->level_at, (w->cap_levels = w->cap_levels ? 2 * w->cap_levels : 64) *
                                   sizeof *w->level_at);
        w->level_at[w->n_levels++] = w->lo;
        more |= w->lo < w->hi;
        /* The level's order of discovery, if its successors were ordered
         * (see ORDER_AHEAD); this level's are if the set is large. */
        w->ordered = w->ordering;
        huge_free(w->order, (size_t)w->cap_order * sizeof *w->order);   /* the level before's */
        w->order = w->order_next;
        w->cap_order = w->cap_order_next;
        w->order_next = NULL;
        w->n_order_next = w->cap_order_next = 0;
        uint32_t from = p->o->buckets_from_slots ? p->o->buckets_from_slots : WORK_BUCKETS_FROM_SLOTS;
        w->ordering = w->set.n_slots >= from;
    }
    p->trans_levels = transitions(p);
    return more;
}

/* Whether one thread's searches for a divergence, which count the states
 * they reach against --max-states at other moments than the levels, may
 * meet the limit first: one thread must then say which it meets. */
static bool divergence_counts(const Pool *p)
{
    return (p->o->divergence || (p->o->spec && p->o->spec->divergence)) && atomic_load(&p->taus);
}

/* Once a layout's search has stored OWNERS_SAMPLE_FROM states, worker 0 looks
 * at a sample of them for a few components that name owners better than
 * the whole key (owners.h); if it finds them, the search starts again
 * with them: true. The sample costs a few hundredths of a second; the
 * states explored before are explored again. */
static bool choose_owners(Pool *p, uint64_t all)
{
    if (p->owner_chosen || p->n < 2 || all < (p->o->owner_sample ? p->o->owner_sample : OWNERS_SAMPLE_FROM)) return false;
    p->owner_chosen = true;
    const KeySet *sets[WORKERS_MAX];
    for (unsigned i = 0; i < p->n; i++) sets[i] = &p->w[i].set;
    p->owner_mask = owners_sample(p->net, p->w[0].cur, sets, p->n, p->n);
    if (!p->owner_mask) return false;
    start(p);
    return true;
}

/* Decides whether to go on, and sets up the next level if so. */
static void between_levels(Pool *p)
{
    const WorkOptions *o = p->o;
    bool watched = o->watch && watch_stopped(o->watch) != WATCH_NONE;
    if (!watched && !atomic_load(&p->halt) && !learn_deferred(p)) {
        p->quit = true;
        return;
    }
    bool found = false, failure = false;
    for (unsigned i = 0; i < p->n; i++) {
        found |= p->w[i].found;
        failure |= p->w[i].n_fails > 0;
    }
    uint64_t all = stored(p);
    p->quit = true;
    if (watched || (o->watch && watch_stopped(o->watch) != WATCH_NONE)) p->result = WORK_STOPPED;
    else if (found) p->result = WORK_FOUND;
    else if (failure) p->result = WORK_FAILED;   /* ranked after the threads are joined */
    else if (o->max_states && all > o->max_states)
        /* One thread's searches for a divergence count the states they
         * reach against the limit too, at other moments: it says which
         * limit it meets first. */
        p->result = divergence_counts(p) ? WORK_FOUND : WORK_LIMIT;
    else {
        if (choose_owners(p, all)) all = stored(p);
        bool more = begin_level(p);
        p->levels++;
        p->quit = !more;
        p->result = WORK_DONE;
        atomic_store(&p->halt, false);
        if (o->progress && more) o->progress(o->ctx, all, transitions(p));
    }
}

/* ---- a failure: ranking the levels as one thread would visit them ----
 * One thread visits a level in the order of each state's least (rank of
 * a parent in the level before, index of the transition), its first
 * discoverer. The levels up to the failure's are expanded again, on the
 * threads, each state keeping the least such pair (an atomic minimum:
 * the visited sets are only read now), and each level is ranked by it
 * (each worker sorts its share; a state's rank is how many of every
 * share come before it). Then the first failure is the least ranked one,
 * the counts at it are what one thread had counted, and its trail back
 * through first discoverers is the counterexample one thread gives. */

static uint32_t level_end(const Worker *w, uint32_t l)
{
    return l + 1 < w->n_levels ? w->level_at[l + 1] : w->hi;
}

/* Where a successor is: its owner and its index there, the index
 * UINT32_MAX if it is not stored. */
static uint32_t locate(const Pool *p, uint64_t key, uint32_t node, unsigned *who)
{
    uint64_t h = keyset_hash(key, node);
    *who = owner_of(p, key, h);
    return keyset_find_pair(&p->w[*who].set, key, node, h);
}

static void least_of(_Atomic uint64_t *a, uint64_t v)
{
    uint64_t cur = atomic_load_explicit(a, memory_order_relaxed);
    while (v < cur && !atomic_compare_exchange_weak_explicit(a, &cur, v, memory_order_relaxed, memory_order_relaxed)) {}
}

typedef void StepFn(Pool *p, Worker *w);

static void *step_main(void *arg)
{
    Worker *w = arg;
    w->pool->step(w->pool, w);
    return NULL;
}

/* Runs fn on every worker, one thread each (the caller is worker 0). */
static void on_threads(Pool *p, StepFn *fn)
{
    p->step = fn;
    unsigned started = 1;
    pthread_t th[WORKERS_MAX];
    for (unsigned i = 1; i < p->n; i++, started++)
        if (pthread_create(&th[i], NULL, step_main, &p->w[i]) != 0) break;
    for (unsigned i = started; i < p->n; i++) fn(p, &p->w[i]);   /* no thread: here */
    fn(p, &p->w[0]);
    for (unsigned i = 1; i < started; i++) pthread_join(th[i], NULL);
}

/* The transitions of state i of w's set, expanded again (its node was
 * open and known then); NULL when w's cursor cannot (w->broken). */
static const NetKeyTrans *again(Pool *p, Worker *w, uint32_t i, uint32_t *m)
{
    bool done, tau;
    const NetKeyTrans *ts = next_of(p, w, w->cur, w->set.keys[i], false, m, &done, &tau);
    if (!ts) w->broken = true;
    return ts;
}

/* A successor offered the pair disc: if it is in level l + 1, it keeps
 * the least pair offered. */
static void offer_one(Pool *p, uint32_t l, uint64_t key, uint32_t node, uint64_t h, uint64_t disc)
{
    const Worker *o = &p->w[owner_of(p, key, h)];
    uint32_t at = keyset_find_pair(&o->set, key, node, h);
    if (at == UINT32_MAX || at < o->level_at[l + 1] || at >= level_end(o, l + 1)) return;
    least_of(&o->disc[l + 1][at - o->level_at[l + 1]], disc);
}

/* Level l's states of w offer their successors of level l + 1 the pair
 * (their rank, the transition's index). Each successor waits in a ring
 * of RING while its slot is fetched (as keep_soon's), since finding it
 * in its owner's set is most of the cost. */
static void offer(Pool *p, Worker *w)
{
    uint32_t l = p->step_level;
    struct { uint64_t key, h, disc; uint32_t node; } ring[RING];
    uint64_t in = 0, out = 0;
    for (uint32_t i = w->level_at[l]; i < level_end(w, l) && !w->broken; i++) {
        uint32_t node = keyset_node(&w->set, i), m;
        if (!node_open(p, node)) continue;
        const NetKeyTrans *ts = again(p, w, i, &m);
        if (!ts) break;
        uint64_t r = (uint64_t)w->rank[l][i - w->level_at[l]] << 32;
        for (uint32_t k = 0; k < m; k++) {
            int64_t next = next_node(p, node, ts[k].event);
            if (next < 0) continue;
            uint64_t h = keyset_hash(ts[k].key, (uint32_t)next);
            const KeySet *s = &p->w[owner_of(p, ts[k].key, h)].set;
            if (s->n_slots) __builtin_prefetch(&s->slots[keyset_first_slot(s->n_slots, h)]);
            if (in - out == RING) {
                uint32_t j = out++ % RING;
                offer_one(p, l, ring[j].key, ring[j].node, ring[j].h, ring[j].disc);
            }
            uint32_t j = in++ % RING;
            ring[j].key = ts[k].key;
            ring[j].node = (uint32_t)next;
            ring[j].h = h;
            ring[j].disc = r | k;
        }
    }
    while (out < in) {
        uint32_t j = out++ % RING;
        offer_one(p, l, ring[j].key, ring[j].node, ring[j].h, ring[j].disc);
    }
}

/* w sorts its share of level l by first discoverer: a radix sort, a byte
 * of the discoverer a pass from the lowest, skipping the bytes every
 * state shares (most of a pair's: a rank has a few significant bytes, a
 * transition's index one). */
static void sort_share(Pool *p, Worker *w)
{
    enum { DIGIT_BITS = 8, DIGITS = 64 / DIGIT_BITS, RADIX = 1 << DIGIT_BITS };
    uint32_t l = p->step_level, n = level_end(w, l) - w->level_at[l];
    w->sorted = xrealloc(w->sorted, (n ? n : 1) * sizeof *w->sorted);
    w->sorting = xrealloc(w->sorting, (n ? n : 1) * sizeof *w->sorting);
    uint32_t (*count)[RADIX] = xcalloc(DIGITS, sizeof *count);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t d = atomic_load_explicit(&w->disc[l][i], memory_order_relaxed);
        w->sorted[i].disc = d;
        w->sorted[i].at = i;
        for (unsigned b = 0; b < DIGITS; b++) count[b][(d >> (b * DIGIT_BITS)) & (RADIX - 1)]++;
    }
    for (unsigned b = 0; b < DIGITS; b++) {
        if (n == 0 || count[b][(w->sorted[0].disc >> (b * DIGIT_BITS)) & (RADIX - 1)] == n) continue;
        uint32_t at = 0;
        for (unsigned v = 0; v < RADIX; v++) {
            uint32_t c = count[b][v];
            count[b][v] = at;
            at += c;
        }
        for (uint32_t i = 0; i < n; i++)   /* stable: the lower bytes' order stays */
            w->sorting[count[b][(w->sorted[i].disc >> (b * DIGIT_BITS)) & (RADIX - 1)]++] = w->sorted[i];
        void *t = w->sorted;
        w->sorted = w->sorting;
        w->sorting = t;
    }
    free(count);
}

/* w's states of level l learn their ranks: before it, its own that come
 * before, and every other share's. */
static void rank_share(Pool *p, Worker *w)
{
    uint32_t l = p->step_level, n = level_end(w, l) - w->level_at[l];
    uint32_t pos[WORKERS_MAX] = { 0 };
    for (uint32_t i = 0; i < n; i++) {
        uint64_t d = w->sorted[i].disc, r = i;
        for (unsigned v = 0; v < p->n; v++) {
            if (v == w->id) continue;
            const Worker *o = &p->w[v];
            uint32_t on = level_end(o, l) - o->level_at[l];
            while (pos[v] < on && o->sorted[pos[v]].disc < d) pos[v]++;
            r += pos[v];
        }
        w->rank[l][w->sorted[i].at] = (uint32_t)r;
    }
}

/* The failure's level: each worker's least ranked failure. */
static void find_least(Pool *p, Worker *w)
{
    uint32_t l = p->step_level;
    w->least = UINT64_MAX;
    for (uint32_t f = 0; f < w->n_fails; f++) {
        uint32_t r = w->rank[l][w->fails[f].at - w->level_at[l]];
        if (r < w->least) w->least = r, w->least_at = f;
    }
}

/* Keeps successor (key, node) of a state of level l if it is in no level
 * up to l: one thread had stored it as new by then. */
static void fresh(Pool *p, Worker *w, uint32_t l, uint64_t key, uint32_t node)
{
    unsigned v;
    uint32_t at = locate(p, key, node, &v);
    if (at != UINT32_MAX && at < level_end(&p->w[v], l)) return;
    if (w->n_fresh == w->cap_fresh)
        w->fresh = xrealloc(w->fresh, (w->cap_fresh = w->cap_fresh ? 2 * w->cap_fresh : 1024) * sizeof *w->fresh);
    w->fresh[w->n_fresh++] = (struct Fresh){ key, node };
}

/* Up to the failure (rank p->least): the transitions of the level's
 * states up to it, and the new successors of those before it (and of
 * the failed state's transitions before the one that failed). */
static void count_before(Pool *p, Worker *w)
{
    uint32_t l = p->step_level;
    w->trans_before = 0;
    w->n_fresh = 0;
    const Failure *first = NULL;
    for (uint32_t f = 0; f < w->n_fails; f++)
        if (w->rank[l][w->fails[f].at - w->level_at[l]] == p->least) first = &w->fails[f];
    for (uint32_t i = w->level_at[l]; i < level_end(w, l) && !w->broken; i++) {
        uint64_t r = w->rank[l][i - w->level_at[l]];
        uint32_t node = keyset_node(&w->set, i), m;
        if (r > p->least || !node_open(p, node)) continue;
        const NetKeyTrans *ts = again(p, w, i, &m);
        if (!ts) break;
        if (r == p->least) {   /* the failed state: only a trace's failure counts transitions */
            m = first && first->how == WORK_FAIL_TRACE ? first->k : 0;
            w->trans_before += m + (first && first->how == WORK_FAIL_TRACE);
        } else {
            w->trans_before += m;
        }
        for (uint32_t k = 0; k < m; k++) fresh(p, w, l, ts[k].key, (uint32_t)next_node(p, node, ts[k].event));
    }
}

static int by_state(const void *a, const void *b)
{
    const struct Fresh *x = a, *y = b;
    if (x->key != y->key) return (x->key > y->key) - (x->key < y->key);
    return (x->node > y->node) - (x->node < y->node);
}

static void free_ranks(Pool *p, uint32_t levels)
{
    for (unsigned i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        for (uint32_t l = 0; l < levels && w->rank; l++) {
            free(w->rank[l]);
            free(w->disc[l]);
        }
        free(w->rank);
        free(w->disc);
        w->rank = NULL;
        w->disc = NULL;
    }
}

/* Ranks levels 0..L on the threads; false when a cursor could not expand
 * a state again or the watch said stop. */
static bool rank_levels(Pool *p, uint32_t L)
{
    for (unsigned i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        w->broken = false;
        w->rank = xcalloc(L + 1, sizeof *w->rank);
        w->disc = xcalloc(L + 1, sizeof *w->disc);
        for (uint32_t l = 0; l <= L; l++) {
            uint32_t n = level_end(w, l) - w->level_at[l];
            w->rank[l] = xcalloc(n ? n : 1, sizeof **w->rank);
            w->disc[l] = xmalloc((n ? n : 1) * sizeof **w->disc);
            for (uint32_t k = 0; k < n; k++) atomic_init(&w->disc[l][k], UINT64_MAX);
        }
    }
    bool ok = true;
    for (uint32_t l = 0; l < L && ok; l++) {   /* level 0 is the initial state, rank 0 */
        p->step_level = l;
        on_threads(p, offer);
        p->step_level = l + 1;
        on_threads(p, sort_share);
        on_threads(p, rank_share);
        for (unsigned i = 0; i < p->n; i++) ok &= !p->w[i].broken;
        if (p->o->watch && watch_stopped(p->o->watch) != WATCH_NONE) ok = false;
    }
    return ok;
}

/* The states counted at the first failure: the levels before it, and the
 * distinct new successors of what was expanded before it in its level. */
static uint64_t states_at(Pool *p, uint32_t L)
{
    uint64_t states = 0, n_fresh = 0;
    for (unsigned i = 0; i < p->n; i++) {
        states += level_end(&p->w[i], L);
        n_fresh += p->w[i].n_fresh;
    }
    struct Fresh *all = xmalloc((n_fresh ? n_fresh : 1) * sizeof *all);
    uint64_t k = 0;
    for (unsigned i = 0; i < p->n; i++) {
        if (p->w[i].n_fresh) memcpy(all + k, p->w[i].fresh, p->w[i].n_fresh * sizeof *all);
        k += p->w[i].n_fresh;
    }
    qsort(all, n_fresh, sizeof *all, by_state);
    for (uint64_t i = 0; i < n_fresh; i++) states += i == 0 || by_state(&all[i], &all[i - 1]) != 0;
    free(all);
    return states;
}

/* The trail back from state `at` of worker wi's share of level L through
 * first discoverers: the events into st->trace; false if a cursor could
 * not expand a state again. */
static bool trail_back(Pool *p, unsigned wi, uint32_t at, uint32_t L, WorkStats *st)
{
    st->trace = xmalloc((L ? L : 1) * sizeof *st->trace);
    st->trace_len = L;
    bool ok = true;
    for (uint32_t l = L; l > 0 && ok; l--) {
        uint64_t d = atomic_load(&p->w[wi].disc[l][at]);
        uint32_t r = (uint32_t)(d >> 32), t = (uint32_t)d;
        bool seen = false;
        for (unsigned i = 0; i < p->n && !seen; i++)
            for (uint32_t j = 0; j < level_end(&p->w[i], l - 1) - p->w[i].level_at[l - 1] && !seen; j++)
                if (p->w[i].rank[l - 1][j] == r) wi = i, at = j, seen = true;
        uint32_t m;
        bool done, tau;
        const NetKeyTrans *ts = seen ? next_of(p, &p->w[0], p->w[0].cur, p->w[wi].set.keys[p->w[wi].level_at[l - 1] + at],
                                               false, &m, &done, &tau) : NULL;
        ok = ts && t < m;
        if (ok) st->trace[l - 1] = ts[t].event;
    }
    if (!ok) {
        free(st->trace);
        st->trace = NULL;
    }
    return ok;
}

/* After a failure: the counts at the first one and its trace, into st
 * (p->result becomes WORK_LIMIT if one thread would have met the state
 * limit first); false if that cannot be worked out here. */
static bool rank_failure(Pool *p, WorkStats *st)
{
    if (atomic_load(&p->full) || (p->o->divergence && atomic_load(&p->taus))) return false;
    uint32_t L = p->w[0].n_levels - 1;
    for (uint32_t l = 0; l <= L; l++) {   /* ranks are 32 bits */
        uint64_t n = 0;
        for (unsigned i = 0; i < p->n; i++) n += level_end(&p->w[i], l) - p->w[i].level_at[l];
        if (n > UINT32_MAX) return false;
    }
    bool ok = rank_levels(p, L);
    p->step_level = L;
    if (ok) on_threads(p, find_least);
    p->least = UINT64_MAX;
    unsigned wi = 0;
    for (unsigned i = 0; i < p->n && ok; i++)
        if (p->w[i].least < p->least) p->least = p->w[i].least, wi = i;
    ok &= p->least != UINT64_MAX;
    if (ok) on_threads(p, count_before);
    uint64_t trans = p->trans_levels, searched = 0;
    for (unsigned i = 0; i < p->n && ok; i++) {
        ok &= !p->w[i].broken;
        trans += p->w[i].trans_before;
        searched += p->w[i].div.n;
    }
    uint64_t states = ok ? states_at(p, L) : 0;
    /* One thread had looked for divergences from the states before the
     * failure, numbering at most the states the workers' searches met. */
    if (ok && p->o->max_states && divergence_counts(p) && states + searched > p->o->max_states) ok = false;
    if (!ok) {
        free_ranks(p, L + 1);
        return false;
    }
    st->states = states;
    st->transitions = trans;
    if (p->o->max_states && states > p->o->max_states) {
        p->result = WORK_LIMIT;
        free_ranks(p, L + 1);
        return true;
    }
    const Worker *w = &p->w[wi];
    const Failure *f = &w->fails[w->least_at];
    st->key = w->set.keys[f->at];
    st->node = keyset_node(&w->set, f->at);
    st->fail = f->how;
    if (f->how == WORK_FAIL_TRACE) {   /* the event: its transition k, again */
        uint32_t m;
        bool done, tau;
        const NetKeyTrans *ts = next_of(p, &p->w[0], p->w[0].cur, st->key, false, &m, &done, &tau);
        ok = ts && f->k < m;
        if (ok) st->event = ts[f->k].event;
    }
    ok = ok && trail_back(p, wi, f->at - w->level_at[L], L, st);
    free_ranks(p, L + 1);
    return ok;
}

/* ---- the threads ---- */

static void run(Worker *w)
{
    Pool *p = w->pool;
    for (;;) {
        pthread_barrier_wait(&p->barrier);   /* worker 0 has set up the level */
        if (p->quit) return;
        expand_level(p, w);
        flush(p, w);
        pthread_barrier_wait(&p->barrier);
        drain(p, w);
        keep_pending(p, w);
        pthread_barrier_wait(&p->barrier);
        if (w->id == 0) between_levels(p);
    }
}

static void *thread_main(void *arg)
{
    Worker *w = arg;
    Pool *p = w->pool;
    pthread_mutex_lock(&p->gate);
    while (!p->open) pthread_cond_wait(&p->opened, &p->gate);
    pthread_mutex_unlock(&p->gate);
    if (w->id < p->n) run(w);
    return NULL;
}

WorkResult workers_explore(Net *net, const WorkOptions *o, WorkStats *st)
{
    *st = (WorkStats){ 0 };
    if (!net_keyed(net)) return WORK_UNKEYED;
    Pool *p = xcalloc(1, sizeof *p);
    p->o = o;
    p->net = net;
    p->n = o->workers < 1 ? 1 : o->workers > WORKERS_MAX ? WORKERS_MAX : o->workers;
    p->w = xcalloc(p->n, sizeof *p->w);
    for (unsigned i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        w->pool = p;
        w->id = i;
        w->cur = net_cursor_new(net);
        w->out = xcalloc(p->n, sizeof *w->out);
        w->recent = xcalloc((size_t)RECENT_MASK + 1, sizeof *w->recent);
        pthread_mutex_init(&w->lock, NULL);
    }
    pthread_mutex_init(&p->gate, NULL);
    pthread_cond_init(&p->opened, NULL);
    unsigned made = p->n, started = 1;
    for (unsigned i = 1; i < made; i++) {
        if (pthread_create(&p->w[i].thread, NULL, thread_main, &p->w[i]) != 0) break;
        started++;
    }
    p->n = started;   /* the threads there are (fewer than asked if some could not start) */
    pthread_barrier_init(&p->barrier, NULL, p->n);
    start(p);
    begin_level(p);   /* the first level: the initial state */
    pthread_mutex_lock(&p->gate);
    p->open = true;
    pthread_cond_broadcast(&p->opened);
    pthread_mutex_unlock(&p->gate);
    run(&p->w[0]);
    for (unsigned i = 1; i < started; i++) pthread_join(p->w[i].thread, NULL);
    WorkResult r = p->result;
    st->states = stored(p);
    st->transitions = transitions(p);
    if (r == WORK_FAILED) {
        if (!rank_failure(p, st)) r = WORK_FOUND;
        else r = p->result;   /* WORK_FAILED, or WORK_LIMIT first */
    }
    st->levels = p->levels;
    st->owner_mask = p->owner_mask;
    st->bytes = 0;
    for (unsigned i = 0; i < made; i++) {
        Worker *w = &p->w[i];
        st->bytes += keyset_bytes(&w->set);
        set_clear(&w->set, false);
        net_cursor_free(w->cur);
        for (unsigned k = 0; k < made; k++) free(w->out[k]);
        free(w->out);
        for (Chunk *c = w->inbox, *next; c; c = next) {
            next = c->next;
            free(c);
        }
        free(w->deferred);
        free(w->pri);
        free(w->level_at);
        free(w->sorted);
        free(w->sorting);
        free(w->fresh);
        free(w->fails);
        div_clear(w);
        free(w->recent);
        free(w->pend);
        free(w->pend_nodes);
        free(w->sorted_keys);
        free(w->sorted_nodes);
        free(w->pend_seq);
        free(w->sorted_seq);
        huge_free(w->order, (size_t)w->cap_order * sizeof *w->order);
        huge_free(w->order_next, (size_t)w->cap_order_next * sizeof *w->order_next);
        free(w->fresh_seq);
        free(w->windows);
        free(w->stack);
        free(w->succ);
        pthread_mutex_destroy(&w->lock);
    }
    pthread_barrier_destroy(&p->barrier);
    pthread_mutex_destroy(&p->gate);
    pthread_cond_destroy(&p->opened);
    free(p->w);
    free(p);
    return r;
}

unsigned workers_cores(void)
{
#ifdef __EMSCRIPTEN__
    return 1;   /* the playground's WebAssembly has no threads: one worker, no pthread_create */
#else
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return (unsigned)(n > WORKERS_MAX ? WORKERS_MAX : n);
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)(n > WORKERS_MAX ? WORKERS_MAX : n) : 1;
#endif
}
