/* ranks.c - breadth-first exploration across processes; see ranks.h.
 * Every rank runs the same loop, and every exchange is made by all ranks
 * together, so all take the same decisions from the same headers:
 *  1. rounds: expand up to ROUND_STATES of its states of the level, send
 *     the successors others own, keep what it was sent; again until no
 *     rank has any state of the level left (or a rank found something,
 *     passed the state limit or was told to stop by its watch);
 *  2. learning: every rank sends every rank the keys its cursor could not
 *     expand; each learns all of them, rank 0's first, and expands its own
 *     deferred states again (their successors go out in the next round);
 *     again until no rank has any left. A layout that changed starts the
 *     search again on every rank, as on threads;
 *  3. a round with nothing to send gives the exact counts: the decision.
 */
#include "ranks.h"

#include "arena.h"
#include "keyset.h"

#include <stdlib.h>
#include <string.h>

/* States a rank expands between two exchanges; every POLL_EVERY states it
 * looks at its watch. */
enum { ROUND_STATES = 65536, POLL_EVERY = 256 };
/* Per destination, the last keys sent, by a few bits of their hash: a
 * successor met again soon (diamonds) is not sent twice. */
enum { SENT_BITS = 12 };
/* A rank's record of divergence searches may hold this many keys more
 * than its share of the states; past that, one process decides. */
enum { DIV_SLACK = 1u << 20 };

/* The header's words, and the flags of H_FLAGS. */
enum { H_PHASE, H_FLAGS, H_STOP, H_STORED, H_TRANS, H_AUX };
enum { PHASE_SEARCH = 1, PHASE_END = 2 };
enum { F_MORE = 1, F_FOUND = 2, F_DEADLOCK = 4, F_TAUS = 8, F_STUCK = 16 };

_Static_assert((int)H_AUX < (int)RANKS_HDR_WORDS, "the header holds every word");

typedef struct {
    uint64_t *k;
    uint32_t n, cap;
} Keys;

/* Marks of the divergence record (0: no entry). */
enum { MARK_ON_STACK = 1, MARK_YES, MARK_NO, MARK_UNKNOWN };

typedef struct {
    uint64_t key;
    uint32_t next;              /* the next transition to follow */
    bool yes;
} Frame;

typedef struct {
    RankLink *link;
    Net *net;
    const WorkOptions *o;
    Watch *watch;
    NetCursor *cur;
    KeySet set;
    uint32_t lo, hi;            /* the level being expanded: set.keys[lo, hi) */
    Keys *out;                  /* by rank: successors it owns, to send */
    uint64_t *sent;             /* by rank, 1 << SENT_BITS keys: sent lately (0: none) */
    uint64_t **out_k;           /* the link's view of them */
    uint32_t *n_out;
    uint64_t *hdr_in;
    uint32_t *n_in;
    const uint64_t *in;
    Keys deferred;              /* states of the level its cursor could not expand */
    Keys blockers;              /* the keys whose expansion stopped them (to learn) */
    KeySet learnt;              /* the blockers learnt in this level (one learnt and still
                                 * a blocker: learning cannot go on, F_STUCK) */
    NetKeyTrans *pri;           /* scratch: transitions kept under tau priority */
    uint32_t cap_pri;
    uint64_t transitions;
    unsigned flags;             /* this rank's F_* of this level */
    int my_stop;                /* its watch's stop, seen while expanding */
    /* Agreed at the last exchange: */
    unsigned all_flags;
    int stop;                   /* the first rank's stop (WatchStop) */
    bool mismatch;              /* a rank was not exploring */
    bool full;                  /* more than max_states */
    uint64_t total, total_trans;
    uint32_t *level_at;         /* where each level starts in set.keys */
    uint32_t n_levels, cap_levels;
    uint64_t trans_levels;      /* transitions of the levels before this one (all ranks) */
    uint64_t aux;               /* sent in H_AUX; agreed: their least and their sum */
    uint64_t aux_min, aux_sum;
    /* Ranking after a deadlock at level L (see below). */
    uint32_t step;              /* the level a step works on */
    uint8_t *mark;              /* by index: reaches a deadlock of level L by levels */
    uint8_t *less;              /* by index: visited before the deadlock by one process */
    Keys *ask;                  /* by rank: the indexes of the states whose successors it was asked about */
    uint64_t *path;             /* the deadlock's first discoverers' keys, level by level */
    uint64_t *index;            /* and the transitions taken */
    KeySet fresh;               /* successors new at level L of states before the deadlock */
    uint64_t trans_before;
    bool broken;                /* a state could not be expanded again */
    /* Divergence: what the depth-first searches of tau paths found: the
     * keys met, and a mark by their index there. */
    KeySet div;
    uint8_t *marks;
    uint32_t cap_marks;
    Frame *stack;
    uint32_t cap_stack;
} Rank;

static void push(Keys *v, uint64_t key)
{
    if (v->n == v->cap) v->k = xrealloc(v->k, (v->cap = v->cap ? 2 * v->cap : 1024) * sizeof *v->k);
    v->k[v->n++] = key;
}

/* ---- keeping and sending ---- */

static void keep(Rank *R, uint64_t key, uint64_t h)
{
    if (!R->full) keyset_add(&R->set, key, h);
}

/* A successor goes to its owner's batch; this rank's own are stored with
 * what comes in at the next exchange (keep_received), a batch whose
 * probes overlap. */
static void send(Rank *R, uint64_t key)
{
    uint64_t h = keyset_mix(key);
    unsigned to = keyset_owner(h, R->link->size);
    uint64_t *seen = &R->sent[((size_t)to << SENT_BITS) + (h & ((1u << SENT_BITS) - 1))];
    if (*seen == key + 1 && key != UINT64_MAX) return;   /* sent already: its owner has it */
    *seen = key + 1;
    push(&R->out[to], key);
}

/* The exchange every rank makes together: the header (flags, stop, this
 * rank's counts) to all, out[r] to rank r (or, when to_all, the same keys
 * to every rank); what came is in R->in. Then the agreed state. false
 * when the transport failed. */
static bool exchange(Rank *R, unsigned flags, const Keys *to_all)
{
    RankLink *l = R->link;
    uint64_t hdr[RANKS_HDR_WORDS] = { 0 };
    hdr[H_PHASE] = PHASE_SEARCH;
    hdr[H_FLAGS] = flags;
    hdr[H_STOP] = (uint64_t)(R->my_stop ? R->my_stop : (int)watch_stopped(R->watch));
    hdr[H_STORED] = R->set.n;
    hdr[H_TRANS] = R->transitions;
    hdr[H_AUX] = R->aux;
    for (unsigned r = 0; r < l->size; r++) {
        const Keys *v = to_all ? to_all : &R->out[r];
        R->out_k[r] = v->k;
        R->n_out[r] = r == l->rank && !to_all ? 0 : v->n;
    }
    if (!l->exchange(l, hdr, R->out_k, R->n_out, R->hdr_in, &R->in, R->n_in)) return false;
    for (unsigned r = 0; r < l->size; r++)
        if (r != l->rank || to_all) R->out[r].n = 0;
    R->all_flags = 0;
    R->stop = WATCH_NONE;
    R->total = R->total_trans = 0;
    R->aux_min = UINT64_MAX;
    R->aux_sum = 0;
    for (unsigned r = 0; r < l->size; r++) {
        const uint64_t *h = R->hdr_in + (size_t)r * RANKS_HDR_WORDS;
        if (h[H_AUX] < R->aux_min) R->aux_min = h[H_AUX];
        R->aux_sum += h[H_AUX];
        R->mismatch |= h[H_PHASE] != PHASE_SEARCH;
        R->all_flags |= (unsigned)h[H_FLAGS];
        if (!R->stop && h[H_STOP]) R->stop = (int)h[H_STOP];
        R->total += h[H_STORED];
        R->total_trans += h[H_TRANS];
    }
    if (R->o->max_states && R->total > R->o->max_states) R->full = true;
    return true;
}

/* Whether every rank stops expanding now (agreed). Past --max-states the
 * level is finished all the same, storing nothing more, to see whether a
 * deadlock comes first (as one process would meet it). */
static bool halted(const Rank *R)
{
    return R->stop || R->mismatch || (R->all_flags & F_FOUND);
}

/* Keeps its own successors and those the last exchange brought. */
static void keep_received(Rank *R)
{
    Keys *own = &R->out[R->link->rank];
    uint64_t n = 0;
    for (unsigned r = 0; r < R->link->size; r++) n += R->n_in[r];
    if (!R->full) {
        keyset_add_all(&R->set, own->k, own->n);
        keyset_add_all(&R->set, R->in, n);
    }
    own->n = 0;
}

/* ---- expanding ---- */

/* The transitions of key under tau priority (valid until the cursor
 * expands again) and whether one is tau; NULL when the cursor cannot
 * expand it yet (the key is then a blocker, to learn). */
static const NetKeyTrans *next_of(Rank *R, uint64_t key, uint32_t *m, bool *done, bool *tau)
{
    const NetKeyTrans *ts = net_cursor_next(R->cur, key, m, done);
    if (!ts) {
        if (keyset_find(&R->learnt, key, keyset_mix(key)) != UINT32_MAX) R->flags |= F_STUCK;
        push(&R->blockers, key);
        return NULL;
    }
    *tau = false;
    for (uint32_t k = 0; k < *m && !*tau; k++) *tau = ts[k].event == EVENT_TAU;
    if (*tau && R->o->tau_pri) {
        if (*m > R->cap_pri) R->pri = xrealloc(R->pri, (R->cap_pri = 2 * *m) * sizeof *R->pri);
        uint32_t kept = 0;
        for (uint32_t k = 0; k < *m; k++)
            if (ts[k].event < 2 || !proc_in_set(R->o->tau_pri, ts[k].event)) R->pri[kept++] = ts[k];
        ts = R->pri;
        *m = kept;
    }
    return ts;
}

static unsigned mark_of(const Rank *R, uint64_t key)
{
    uint32_t i = keyset_find(&R->div, key, keyset_mix(key));
    unsigned m = i == UINT32_MAX ? 0 : R->marks[i];
    return m == MARK_UNKNOWN ? 0 : m;
}

static void set_mark(Rank *R, uint64_t key, unsigned mark)
{
    uint64_t h = keyset_mix(key);
    uint32_t i = keyset_add(&R->div, key, h) ? R->div.n - 1 : keyset_find(&R->div, key, h);
    if (i >= R->cap_marks) R->marks = xrealloc(R->marks, (R->cap_marks = 2 * i + 1024) * sizeof *R->marks);
    R->marks[i] = (uint8_t)mark;
}

/* Whether the state with this key can start an infinite tau path: a
 * depth-first search over tau successors, each frame's transitions asked
 * of the cursor again when the search comes back to it. 1 yes (or a
 * search too big to keep: one process decides), 0 no (or the watch said
 * stop), -1 a state on the way cannot be expanded yet. A search given up
 * leaves the keys on its stack unknown again. */
static int diverges(Rank *R, uint64_t key)
{
    unsigned known = mark_of(R, key);
    if (known == MARK_YES || known == MARK_NO) return known == MARK_YES;
    if (!R->cap_stack) R->stack = xmalloc((R->cap_stack = 64) * sizeof *R->stack);
    uint32_t depth = 0, steps = 0;
    int result = 0;
    R->stack[depth++] = (Frame){ key, 0, false };
    set_mark(R, key, MARK_ON_STACK);
    while (depth) {
        Frame *f = &R->stack[depth - 1];
        if (++steps % 1024 == 0 && watch_stopped(R->watch) != WATCH_NONE) R->my_stop = (int)watch_stopped(R->watch);
        bool big = R->div.n > R->set.n + DIV_SLACK || (R->o->max_states && R->div.n > R->o->max_states);
        uint32_t m;
        bool done, tau;
        const NetKeyTrans *ts = R->my_stop || big ? NULL : next_of(R, f->key, &m, &done, &tau);
        if (!ts) {
            while (depth) set_mark(R, R->stack[--depth].key, MARK_UNKNOWN);
            return R->my_stop ? 0 : big ? 1 : -1;
        }
        while (f->next < m && ts[f->next].event != EVENT_TAU) f->next++;
        if (f->next == m) {
            bool yes = f->yes;
            set_mark(R, f->key, yes ? MARK_YES : MARK_NO);
            if (--depth) R->stack[depth - 1].yes |= yes;
            else result = yes;
            continue;
        }
        uint64_t q = ts[f->next++].key;
        unsigned mark = mark_of(R, q);
        if (mark == MARK_ON_STACK || mark == MARK_YES) {
            f->yes = true;
        } else if (!mark) {
            if (depth == R->cap_stack) R->stack = xrealloc(R->stack, (R->cap_stack *= 2) * sizeof *R->stack);
            R->stack[depth++] = (Frame){ q, 0, false };
            set_mark(R, q, MARK_ON_STACK);
        }
    }
    return result;
}

/* Expands the state with this key; false if the cursor cannot yet. */
static bool expand(Rank *R, uint64_t key)
{
    const WorkOptions *o = R->o;
    uint32_t m;
    bool done, tau;
    const NetKeyTrans *ts = next_of(R, key, &m, &done, &tau);
    if (!ts) return false;
    if (tau) R->flags |= F_TAUS;
    if (tau && o->divergence) {
        int d = diverges(R, key);
        if (d < 0) return false;
        if (d > 0) {
            R->flags |= F_FOUND;
            return true;
        }
        ts = next_of(R, key, &m, &done, &tau);   /* the search expanded others */
        if (!ts) return false;
    }
    R->transitions += m;
    if (o->deadlock && m == 0 && !done) {
        R->flags |= F_DEADLOCK;
        return true;
    }
    /* A deadlock does not stop the level (the ranking needs all of it
     * expanded once, learning included), but what it reaches is no
     * longer kept. */
    if ((R->flags | R->all_flags) & F_DEADLOCK) return true;
    for (uint32_t k = 0; k < m; k++) send(R, ts[k].key);
    return true;
}

/* Expands the keys [from, to) of list, or of the set when list is NULL
 * (read again each time: keeping successors may move it), stopping when
 * something was found or the watch said stop; what cannot be expanded
 * yet is deferred. */
static void expand_range(Rank *R, const Keys *list, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to && !R->my_stop && !(R->flags & F_FOUND); i++) {
        if ((i - from) % POLL_EVERY == POLL_EVERY - 1) R->my_stop = (int)watch_stopped(R->watch);
        uint64_t key = list ? list->k[i] : R->set.keys[i];
        if (!expand(R, key)) push(&R->deferred, key);
    }
}

/* ---- a level ---- */

/* Rounds until no rank has any state of the level left; false when the
 * transport failed. */
static bool expand_level(Rank *R)
{
    uint32_t i = R->lo;
    for (;;) {
        uint32_t end = R->hi - i < ROUND_STATES ? R->hi : i + ROUND_STATES;
        expand_range(R, NULL, i, end);
        i = end;
        bool stopping = R->my_stop || (R->flags & F_FOUND);
        bool more = i < R->hi && !stopping;
        if (!exchange(R, R->flags | (more ? F_MORE : 0), NULL)) return false;
        keep_received(R);
        if (halted(R) || !(R->all_flags & F_MORE)) return true;
    }
}

/* What learning met: the network failed (an error), stopped being keyed,
 * or laid its keys out again. */
typedef enum { LEARNT, LEARN_ERROR, LEARN_UNKEYED, LEARN_RELAYOUT } Learnt;

/* Every rank learns every rank's blockers, rank 0's first (the networks
 * stay alike), then expands its deferred states again; until none is
 * left anywhere. false when the transport failed. */
static bool learn_level(Rank *R, Learnt *why)
{
    *why = LEARNT;
    for (;;) {
        if (!exchange(R, R->flags, &R->blockers)) return false;
        if (halted(R)) return true;
        R->blockers.n = 0;
        if (R->all_flags & F_STUCK) {   /* as threads give up when learning once is not enough */
            *why = LEARN_UNKEYED;
            return true;
        }
        uint64_t n = 0;
        for (unsigned r = 0; r < R->link->size; r++) n += R->n_in[r];
        if (n == 0) return true;
        uint32_t layout = net_layout(R->net);
        for (uint64_t i = 0; i < n && *why == LEARNT; i++) {
            keyset_add(&R->learnt, R->in[i], keyset_mix(R->in[i]));
            if (!net_learn(R->net, R->in[i])) *why = LEARN_ERROR;
            else if (!net_keyed(R->net)) *why = LEARN_UNKEYED;
            else if (net_layout(R->net) != layout) *why = LEARN_RELAYOUT;
        }
        if (*why != LEARNT) return true;
        net_cursor_sync(R->cur);
        Keys again = R->deferred;
        R->deferred = (Keys){ 0 };
        expand_range(R, &again, 0, again.n);
        free(again.k);
        if (!exchange(R, R->flags, NULL)) return false;
        keep_received(R);
        if (halted(R)) return true;
    }
}

static void reset(Rank *R)
{
    keyset_clear(&R->set);
    R->lo = R->hi = 0;
    R->transitions = 0;
    R->flags = 0;
    R->deferred.n = R->blockers.n = 0;
    R->full = false;
    R->n_levels = 0;
    R->trans_levels = 0;
    keyset_clear(&R->div);
    memset(R->sent, 0, ((size_t)R->link->size << SENT_BITS) * sizeof *R->sent);   /* keys of another layout */
    net_cursor_sync(R->cur);
    uint64_t init = net_initial_key(R->net), h = keyset_mix(init);
    if (keyset_owner(h, R->link->size) == R->link->rank) keep(R, init, h);
}

static WorkResult rank_deadlock(Rank *R, WorkStats *st);

/* A rank's watch said stop: every rank's watch says so from now on. */
static WorkResult stopped(Rank *R)
{
    if (watch_stopped(R->watch) == WATCH_NONE) atomic_store(&R->watch->stop, R->stop);
    return WORK_STOPPED;
}

/* The search (WORK_ERROR also when the transport failed). */
static WorkResult search(Rank *R, WorkStats *st)
{
    const WorkOptions *o = R->o;
    reset(R);
    st->levels = 0;
    for (;;) {
        R->lo = R->hi;
        R->hi = R->set.n;
        R->flags = 0;
        keyset_clear(&R->learnt);
        if (R->n_levels == R->cap_levels)
            R->level_at = xrealloc(R->level_at, (R->cap_levels = R->cap_levels ? 2 * R->cap_levels : 64) *
                                   sizeof *R->level_at);
        R->level_at[R->n_levels++] = R->lo;
        R->trans_levels = st->transitions;
        if (!expand_level(R)) return WORK_ERROR;
        Learnt why = LEARNT;
        if (!halted(R) && !learn_level(R, &why)) return WORK_ERROR;
        if (why == LEARN_RELAYOUT) {   /* every key so far is void, on every rank */
            reset(R);
            st->levels = 0;
            continue;
        }
        /* The exact counts, whether any rank has new states, and the decision. */
        if (!exchange(R, R->flags | (R->set.n > R->hi ? F_MORE : 0), NULL)) return WORK_ERROR;
        st->states = R->total;
        st->transitions = R->total_trans;
        if (R->stop) return stopped(R);
        if (R->mismatch || why == LEARN_ERROR) return WORK_ERROR;
        if (why == LEARN_UNKEYED) return WORK_UNKEYED;
        if (R->all_flags & F_FOUND) return WORK_FOUND;
        /* With taus and divergence asked about, one process decides: its
         * search for a divergence may meet limits at other moments. The
         * state limit met while the deadlock's level was expanded is
         * decided by the ranking (the levels up to it are whole). */
        if (R->all_flags & F_DEADLOCK)
            return o->divergence && (R->all_flags & F_TAUS) ? WORK_FOUND : rank_deadlock(R, st);
        if (R->full) return o->divergence && (R->all_flags & F_TAUS) ? WORK_FOUND : WORK_LIMIT;
        st->levels++;
        if (!(R->all_flags & F_MORE)) return WORK_DONE;
        if (o->progress) o->progress(o->ctx, st->states, st->transitions);
    }
}

/* ---- a deadlock: the one one process finds first ----
 * One process visits a level in the order of each state's first
 * discoverer (the least rank of a parent in the level before, then the
 * least index of a transition from it), which is the order of each
 * state's least path of transition indexes. So the first deadlock it
 * meets at level L is the end of the least such path to any deadlock of
 * level L, found here without ranking whole levels:
 *  1. marks, backwards from level L: a state reaches a deadlock of level
 *     L by levels if it is one, or if a successor in the next level is
 *     marked (its owner is asked);
 *  2. the path: from the initial state, every rank expands the state on
 *     the path and offers the least index of a transition to a marked
 *     state it owns in the next level; the least of the offers is taken;
 *  3. what one process visits before the deadlock: a state of level l + 1
 *     comes before the path's state if a parent comes before the path's
 *     state of level l, or the path's state of level l reaches it by a
 *     smaller index (owners are told); then the counts at the deadlock
 *     are those one process gives: every state of the levels up to L and
 *     the new successors of the states before it; the transitions of the
 *     levels before L and of level L's states up to it. */

static uint32_t level_end(const Rank *R, uint32_t l) { return l + 1 < R->n_levels ? R->level_at[l + 1] : R->hi; }

/* The index of key if this rank owns it and it is at level l, else UINT32_MAX. */
static uint32_t at_level(const Rank *R, uint64_t key, uint32_t l)
{
    uint32_t i = keyset_find(&R->set, key, keyset_mix(key));
    return i != UINT32_MAX && i >= R->level_at[l] && i < level_end(R, l) ? i : UINT32_MAX;
}

static bool is_mine(const Rank *R, uint64_t key)
{
    return keyset_owner(keyset_mix(key), R->link->size) == R->link->rank;
}

/* Transitions of the state at index i (NULL: broken, noted). */
static const NetKeyTrans *again(Rank *R, uint64_t key, uint32_t *m, bool *done)
{
    bool tau;
    const NetKeyTrans *ts = next_of(R, key, m, done, &tau);
    if (!ts) R->broken = true;
    return ts;
}

typedef void EachFn(Rank *R, uint32_t i);
typedef bool TakeFn(Rank *R);

/* Every rank works on its states [from, to) in rounds: each(i) for each,
 * then an exchange, then take() of what came; until no rank has any left.
 * false when the transport failed. */
static bool rounds(Rank *R, uint32_t from, uint32_t to, EachFn *each, TakeFn *take)
{
    for (uint32_t i = from;;) {
        uint32_t end = to - i < ROUND_STATES ? to : i + ROUND_STATES;
        for (; i < end; i++) each(R, i);
        if (!exchange(R, i < to ? F_MORE : 0, NULL)) return false;
        bool more = R->all_flags & F_MORE;
        if (!take(R)) return false;
        if (!more) return true;
    }
}

/* 1. Level L: its deadlocks. */
static void mark_deadlock(Rank *R, uint32_t i)
{
    uint32_t m;
    bool done;
    R->mark[i] = again(R, R->set.keys[i], &m, &done) && m == 0 && !done;
}

static bool take_nothing(Rank *R)
{
    (void)R;
    return true;
}

/* 1. Level step: ask the owners of its successors in level step + 1. */
static void ask_successors(Rank *R, uint32_t i)
{
    uint32_t m;
    bool done;
    const NetKeyTrans *ts = again(R, R->set.keys[i], &m, &done);
    for (uint32_t k = 0; ts && k < m && !R->mark[i]; k++) {
        uint64_t h = keyset_mix(ts[k].key);
        unsigned to = keyset_owner(h, R->link->size);
        if (to != R->link->rank) {
            push(&R->out[to], ts[k].key);
            push(&R->ask[to], i);
            continue;
        }
        uint32_t j = at_level(R, ts[k].key, R->step + 1);
        if (j != UINT32_MAX && R->mark[j]) R->mark[i] = 1;
    }
}

/* Answers what was asked (1: marked at level step + 1), and marks what
 * the answers say. */
static bool answer(Rank *R)
{
    const uint64_t *q = R->in;
    for (unsigned r = 0; r < R->link->size; r++)
        for (uint32_t j = 0; j < R->n_in[r]; j++, q++) {
            uint32_t at = at_level(R, *q, R->step + 1);
            push(&R->out[r], at != UINT32_MAX && R->mark[at]);
        }
    if (!exchange(R, 0, NULL)) return false;
    const uint64_t *a = R->in;
    for (unsigned r = 0; r < R->link->size; r++) {
        for (uint32_t j = 0; j < R->n_in[r]; j++, a++)
            if (*a) R->mark[R->ask[r].k[j]] = 1;
        R->ask[r].n = 0;
    }
    return true;
}

/* 2. The path: the least index of a transition to a marked state of the
 * next level, offered by every rank for the states it owns. */
static bool find_path(Rank *R, uint32_t L, uint32_t *trace)
{
    R->path[0] = net_initial_key(R->net);
    for (uint32_t l = 0; l < L; l++) {
        uint32_t m = 0;
        bool done;
        const NetKeyTrans *ts = again(R, R->path[l], &m, &done);
        R->aux = UINT64_MAX;
        for (uint32_t k = 0; ts && k < m && R->aux == UINT64_MAX; k++) {
            uint32_t j = is_mine(R, ts[k].key) ? at_level(R, ts[k].key, l + 1) : UINT32_MAX;
            if (j != UINT32_MAX && R->mark[j]) R->aux = k;
        }
        if (!exchange(R, 0, NULL)) return false;
        if (!ts || R->aux_min >= m) {
            R->broken = true;
            return true;
        }
        R->index[l] = R->aux_min;
        trace[l] = ts[R->aux_min].event;
        R->path[l + 1] = ts[R->aux_min].key;
    }
    return true;
}

/* 3. Level step: its states before the path's tell their successors
 * they are before it too, and so does the path's state for the
 * successors it reaches by a smaller index. */
static void tell_before(Rank *R, uint32_t i)
{
    uint64_t key = R->set.keys[i];
    bool on_path = key == R->path[R->step];
    if (!R->less[i] && !on_path) return;
    uint32_t m;
    bool done;
    const NetKeyTrans *ts = again(R, key, &m, &done);
    for (uint32_t k = 0; ts && k < m; k++) {
        if (!R->less[i] && k >= R->index[R->step]) break;
        if (!is_mine(R, ts[k].key)) {
            push(&R->out[keyset_owner(keyset_mix(ts[k].key), R->link->size)], ts[k].key);
            continue;
        }
        uint32_t j = at_level(R, ts[k].key, R->step + 1);
        if (j != UINT32_MAX) R->less[j] = 1;
    }
}

static bool take_before(Rank *R)
{
    uint64_t n = 0;
    for (unsigned r = 0; r < R->link->size; r++) n += R->n_in[r];
    for (uint64_t i = 0; i < n; i++) {
        uint32_t j = at_level(R, R->in[i], R->step + 1);
        if (j != UINT32_MAX) R->less[j] = 1;
    }
    return true;
}

/* 3. Level L: the transitions of its states up to the deadlock, and the
 * successors of those before it that no level up to L holds. */
static void new_after(Rank *R, uint64_t key)
{
    uint64_t h = keyset_mix(key);
    uint32_t i = keyset_find(&R->set, key, h);
    if (i == UINT32_MAX || i >= R->hi) keyset_add(&R->fresh, key, h);
}

static void count_before(Rank *R, uint32_t i)
{
    uint64_t key = R->set.keys[i];
    if (!R->less[i] && key != R->path[R->step]) return;
    uint32_t m;
    bool done;
    const NetKeyTrans *ts = again(R, key, &m, &done);
    if (!ts) return;
    R->trans_before += m;
    for (uint32_t k = 0; R->less[i] && k < m; k++) {
        if (is_mine(R, ts[k].key)) new_after(R, ts[k].key);
        else push(&R->out[keyset_owner(keyset_mix(ts[k].key), R->link->size)], ts[k].key);
    }
}

static bool take_fresh(Rank *R)
{
    uint64_t n = 0;
    for (unsigned r = 0; r < R->link->size; r++) n += R->n_in[r];
    for (uint64_t i = 0; i < n; i++) new_after(R, R->in[i]);
    return true;
}

/* The three steps, then the counts at the deadlock into st and its
 * events into trace (L of them); WORK_FOUND when they cannot be worked
 * out here (one process will), WORK_ERROR when the transport failed. */
static WorkResult rank_steps(Rank *R, WorkStats *st, uint32_t *trace)
{
    uint32_t L = R->n_levels - 1;
    R->step = L;
    if (!rounds(R, R->level_at[L], R->hi, mark_deadlock, take_nothing)) return WORK_ERROR;
    for (uint32_t l = L; l-- > 0;) {
        R->step = l;
        if (!rounds(R, R->level_at[l], level_end(R, l), ask_successors, answer)) return WORK_ERROR;
    }
    if (!find_path(R, L, trace)) return WORK_ERROR;
    for (uint32_t l = 0; l < L; l++) {
        R->step = l;
        if (!rounds(R, R->level_at[l], level_end(R, l), tell_before, take_before)) return WORK_ERROR;
    }
    R->step = L;
    R->trans_before = 0;
    if (!rounds(R, R->level_at[L], R->hi, count_before, take_fresh)) return WORK_ERROR;
    /* The sums, and whether any rank could not expand a state again. */
    uint64_t sums[3], mine[3] = { R->hi + R->fresh.n, R->trans_before, R->broken };
    for (unsigned k = 0; k < 3; k++) {
        R->aux = mine[k];
        if (!exchange(R, 0, NULL)) return WORK_ERROR;
        sums[k] = R->aux_sum;
    }
    R->aux = 0;
    if (sums[2]) return WORK_FOUND;
    st->states = sums[0];
    st->transitions = R->trans_levels + sums[1];
    if (R->o->max_states && st->states > R->o->max_states) return WORK_LIMIT;
    st->key = R->path[L];
    return WORK_FAILED;
}

static WorkResult rank_deadlock(Rank *R, WorkStats *st)
{
    uint32_t L = R->n_levels - 1, n = R->link->size;
    R->mark = xcalloc(R->hi ? R->hi : 1, 1);
    R->less = xcalloc(R->hi ? R->hi : 1, 1);
    R->ask = xcalloc(n, sizeof *R->ask);
    R->path = xcalloc(L + 1, sizeof *R->path);
    R->index = xcalloc(L + 1, sizeof *R->index);
    R->broken = false;
    uint32_t *trace = xmalloc((L ? L : 1) * sizeof *trace);
    WorkResult r = rank_steps(R, st, trace);
    if (R->stop && r != WORK_ERROR) r = stopped(R);   /* agreed at the last exchange */
    if (r == WORK_FAILED) {
        st->trace = trace;
        st->trace_len = L;
    } else {
        free(trace);
    }
    for (unsigned i = 0; i < n; i++) free(R->ask[i].k);
    free(R->ask);
    free(R->mark);
    free(R->less);
    free(R->path);
    free(R->index);
    keyset_clear(&R->fresh);
    return r;
}

WorkResult ranks_explore(Net *net, RankLink *link, const WorkOptions *o, Watch *watch, WorkStats *st)
{
    *st = (WorkStats){ 0 };
    Rank *R = xcalloc(1, sizeof *R);
    R->link = link;
    R->net = net;
    R->o = o;
    R->watch = watch;
    R->cur = net_cursor_new(net);
    unsigned n = link->size;
    R->out = xcalloc(n, sizeof *R->out);
    R->sent = xcalloc((size_t)n << SENT_BITS, sizeof *R->sent);
    R->out_k = xcalloc(n, sizeof *R->out_k);
    R->n_out = xcalloc(n, sizeof *R->n_out);
    R->n_in = xcalloc(n, sizeof *R->n_in);
    R->hdr_in = xcalloc((size_t)n * RANKS_HDR_WORDS, sizeof *R->hdr_in);
    WorkResult r = search(R, st);
    st->bytes = keyset_bytes(&R->set);
    keyset_clear(&R->set);
    net_cursor_free(R->cur);
    for (unsigned i = 0; i < n; i++) free(R->out[i].k);
    free(R->out);
    free(R->sent);
    free(R->out_k);
    free(R->n_out);
    free(R->n_in);
    free(R->hdr_in);
    free(R->deferred.k);
    free(R->blockers.k);
    free(R->pri);
    keyset_clear(&R->div);
    keyset_clear(&R->learnt);
    free(R->marks);
    free(R->stack);
    free(R->level_at);
    free(R);
    return r;
}

int ranks_end_unit(RankLink *link, int outcome, Watch *watch)
{
    unsigned n = link->size;
    uint64_t hdr[RANKS_HDR_WORDS] = { 0 };
    uint64_t *hdr_in = xcalloc((size_t)n * RANKS_HDR_WORDS, sizeof *hdr_in);
    uint64_t **out = xcalloc(n, sizeof *out);
    uint32_t *n_out = xcalloc(n, sizeof *n_out), *n_in = xcalloc(n, sizeof *n_in);
    hdr[H_PHASE] = PHASE_END;
    hdr[H_AUX] = (uint64_t)outcome;
    int worst = outcome;
    for (bool all_here = false; !all_here;) {
        const uint64_t *in;
        hdr[H_STOP] = (uint64_t)watch_stopped(watch);
        if (!link->exchange(link, hdr, out, n_out, hdr_in, &in, n_in)) break;
        all_here = true;
        for (unsigned r = 0; r < n; r++) {
            const uint64_t *h = hdr_in + (size_t)r * RANKS_HDR_WORDS;
            all_here &= h[H_PHASE] == PHASE_END;
            if (h[H_PHASE] == PHASE_END && (int)h[H_AUX] > worst) worst = (int)h[H_AUX];
        }
    }
    free(hdr_in);
    free(out);
    free(n_out);
    free(n_in);
    return worst;
}
