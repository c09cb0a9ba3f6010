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
 * With a specification (refinement), a state is a pair (normal-form node,
 * key), hashed, owned, sent (two words) and stored as a pair; a node not
 * worked out yet is learnt as a key is, by every rank in the same order,
 * so the nodes are numbered alike everywhere.
 */
#include "ranks.h"

#include "arena.h"
#include "keyset.h"
#include "owners.h"

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
enum { F_MORE = 1, F_FOUND = 2, F_FAILED = 4, F_TAUS = 8, F_STUCK = 16, F_ERROR = 32 };
/* With a specification, what is to be learnt is two words: what, then
 * which (a key of the network, or a node of the specification). */
enum { LEARN_KEY, LEARN_NODE };

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

/* A state of the level that failed: how, and (WORK_FAIL_TRACE) at which
 * transition. */
typedef struct {
    uint64_t key;
    uint32_t node, k;
    WorkFail how;
} Failure;

typedef struct {
    RankLink *link;
    Net *net;
    const WorkOptions *o;
    const WorkSpec *sp;         /* o->spec */
    bool paired;                /* a state is a pair (node, key): W = 2 words */
    unsigned W;                 /* words a state takes in a list (Keys) or a message */
    Watch *watch;
    NetCursor *cur;
    KeySet set;
    uint64_t owner_mask;        /* the key's bits that name its owner (0: all, and the node; owners.h) */
    bool owner_chosen;          /* owner_mask was chosen for this layout (choose_owners) */
    uint32_t lo, hi;            /* the level being expanded: set.keys[lo, hi) */
    Keys *out;                  /* by rank: successors it owns, to send */
    uint64_t *sent;             /* by rank, 1 << SENT_BITS keys: sent lately (0: none) */
    uint32_t *sent_node;        /* paired: and their nodes */
    RankPort port;              /* the exchanges */
    Keys deferred;              /* states of the level it could not expand yet */
    Keys blockers;              /* what stopped them: keys (and nodes), to learn */
    KeySet learnt;              /* the keys learnt in this level (one learnt and still
                                 * a blocker: learning cannot go on, F_STUCK) */
    KeySet asked;               /* the nodes among the blockers (each once) */
    Failure *fails;             /* the states of this level that failed */
    uint32_t n_fails, cap_fails;
    bool taus;                  /* a tau was met (by any rank, in any level) */
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
    /* Ranking after a failure at level L (see below). */
    uint32_t step;              /* the level a step works on */
    uint8_t *mark;              /* by index: reaches a failure of level L by levels */
    uint8_t *less;              /* by index: visited before the failure by one process */
    Keys *ask;                  /* by rank: the indexes of the states whose successors it was asked about */
    uint64_t *path;             /* the failure's first discoverers' keys, level by level */
    uint32_t *path_node;        /* and their nodes */
    uint64_t *index;            /* and the transitions taken */
    WorkFail how;               /* how the failure failed, */
    uint32_t how_k;             /* and at which transition (WORK_FAIL_TRACE) */
    KeySet fresh;               /* successors new at level L of states before the failure */
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

/* A state into a list: its key, and with a specification its node. */
static void push_state(const Rank *R, Keys *v, uint64_t key, uint32_t node)
{
    push(v, key);
    if (R->paired) push(v, node);
}

/* ---- keeping and sending ---- */

/* The hash of a state (of its key alone without a specification: node 0). */
static uint64_t hash_of(uint64_t key, uint32_t node) { return keyset_hash(key, node); }

/* The rank that owns (key, node). */
static unsigned owner_of(const Rank *R, uint64_t key, uint32_t node)
{
    return owners_of(R->owner_mask, key, hash_of(key, node), R->link->size);
}

static bool is_mine(const Rank *R, uint64_t key, uint32_t node) { return owner_of(R, key, node) == R->link->rank; }

static void keep(Rank *R, uint64_t key, uint32_t node, uint64_t h)
{
    if (R->full) return;
    if (R->paired) keyset_add_pair(&R->set, key, node, h);
    else keyset_add(&R->set, key, h);
}

/* The index of a state in this rank's set, UINT32_MAX if it is not there. */
static uint32_t find(const Rank *R, uint64_t key, uint32_t node)
{
    uint64_t h = hash_of(key, node);
    return R->paired ? keyset_find_pair(&R->set, key, node, h) : keyset_find(&R->set, key, h);
}

/* A successor goes to its owner's batch; this rank's own are stored with
 * what comes in at the next exchange (keep_received), a batch whose
 * probes overlap. */
static void send(Rank *R, uint64_t key, uint32_t node)
{
    uint64_t h = hash_of(key, node);
    unsigned to = owners_of(R->owner_mask, key, h, R->link->size);
    size_t at = ((size_t)to << SENT_BITS) + (h & ((1u << SENT_BITS) - 1));
    if (R->sent[at] == key + 1 && key != UINT64_MAX && (!R->paired || R->sent_node[at] == node))
        return;   /* sent already: its owner has it */
    R->sent[at] = key + 1;
    if (R->paired) R->sent_node[at] = node;
    push_state(R, &R->out[to], key, node);
}

/* The exchange every rank makes together: the header (flags, stop, this
 * rank's counts) to all, out[r] to rank r (or, when to_all, the same keys
 * to every rank); what came is in R->port.in. Then the agreed state. false
 * when the transport failed. */
static bool exchange(Rank *R, unsigned flags, const Keys *to_all)
{
    RankLink *l = R->link;
    RankPort *p = &R->port;
    RankSay say = { flags, R->my_stop ? R->my_stop : (int)watch_stopped(R->watch), R->set.n, R->transitions,
                    R->aux };
    for (unsigned r = 0; r < l->size; r++) {
        const Keys *v = to_all ? to_all : &R->out[r];
        p->out[r] = v->k;
        p->n_out[r] = r == l->rank && !to_all ? 0 : v->n;
    }
    if (!ranks_port_exchange(p, &say)) return false;
    for (unsigned r = 0; r < l->size; r++)
        if (r != l->rank || to_all) R->out[r].n = 0;
    const RankHeard *h = &p->heard;
    R->all_flags = h->flags;
    R->stop = h->stop;
    R->total = h->stored;
    R->total_trans = h->trans;
    R->aux_min = h->aux_min;
    R->aux_sum = h->aux_sum;
    R->mismatch |= h->mismatch;
    if (R->o->max_states && R->total > R->o->max_states) R->full = true;
    if (R->all_flags & F_TAUS) R->taus = true;
    return true;
}

void ranks_port_open(RankPort *p, RankLink *link)
{
    unsigned n = link->size;
    *p = (RankPort){ .link = link };
    p->out = xcalloc(n, sizeof *p->out);
    p->n_out = xcalloc(n, sizeof *p->n_out);
    p->n_in = xcalloc(n, sizeof *p->n_in);
    p->hdr_in = xcalloc((size_t)n * RANKS_HDR_WORDS, sizeof *p->hdr_in);
}

void ranks_port_close(RankPort *p)
{
    free(p->out);
    free(p->n_out);
    free(p->n_in);
    free(p->hdr_in);
    *p = (RankPort){ 0 };
}

bool ranks_port_exchange(RankPort *p, const RankSay *say)
{
    RankLink *l = p->link;
    uint64_t hdr[RANKS_HDR_WORDS] = { 0 };
    hdr[H_PHASE] = PHASE_SEARCH;
    hdr[H_FLAGS] = say->flags;
    hdr[H_STOP] = (uint64_t)say->stop;
    hdr[H_STORED] = say->stored;
    hdr[H_TRANS] = say->trans;
    hdr[H_AUX] = say->aux;
    if (!l->exchange(l, hdr, p->out, p->n_out, p->hdr_in, &p->in, p->n_in)) return false;
    RankHeard *a = &p->heard;
    *a = (RankHeard){ .aux_min = UINT64_MAX };
    p->n_in_all = 0;
    for (unsigned r = 0; r < l->size; r++) {
        const uint64_t *h = p->hdr_in + (size_t)r * RANKS_HDR_WORDS;
        p->n_in_all += p->n_in[r];
        if (h[H_AUX] < a->aux_min) a->aux_min = h[H_AUX];
        a->aux_sum += h[H_AUX];
        a->mismatch |= h[H_PHASE] != PHASE_SEARCH;
        a->flags |= (unsigned)h[H_FLAGS];
        if (!a->stop && h[H_STOP]) a->stop = (int)h[H_STOP];
        a->stored += h[H_STORED];
        a->trans += h[H_TRANS];
    }
    return true;
}

uint64_t ranks_port_said(const RankPort *p, unsigned r) { return p->hdr_in[(size_t)r * RANKS_HDR_WORDS + H_AUX]; }

/* Whether every rank stops expanding now (agreed). Past --max-states the
 * level is finished all the same, storing nothing more, to see whether a
 * deadlock comes first (as one process would meet it). */
static bool halted(const Rank *R)
{
    return R->stop || R->mismatch || (R->all_flags & (F_FOUND | F_ERROR));
}

/* Keeps its own successors and those the last exchange brought. */
static void keep_received(Rank *R)
{
    Keys *own = &R->out[R->link->rank];
    uint64_t n = R->port.n_in_all;
    if (!R->full) {
        keyset_add_all(&R->set, own->k, own->n / R->W);
        keyset_add_all(&R->set, R->port.in, n / R->W);
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
        if (R->paired) push(&R->blockers, LEARN_KEY);
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
 * of the cursor again when the search comes back to it. 1 yes, 2 a search
 * too big to keep (one process decides), 0 no (or the watch said stop),
 * -1 a state on the way cannot be expanded yet. A search given up leaves
 * the keys on its stack unknown again. */
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
            return R->my_stop ? 0 : big ? 2 : -1;
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

/* The node a transition on ev leads to from node: with a specification,
 * its node's (tau: the same; -1: it cannot do ev); without, 0. */
static int64_t next_node(const Rank *R, uint32_t node, uint32_t ev)
{
    if (!R->sp || ev == EVENT_TAU) return node;
    return R->sp->after(R->sp->ctx, node, ev);
}

/* Whether a state with this node is expanded at all (a divergent node
 * allows anything: one process goes no further there either). */
static bool node_open(const Rank *R, uint32_t node)
{
    return !R->sp || R->sp->state(R->sp->ctx, node) != WORK_NODE_DIVERGENT;
}

/* A state of the level failed. The level is finished all the same (the
 * ranking needs all of it expanded once, learning included), but what
 * it reaches is no longer kept. */
static void failed(Rank *R, uint64_t key, uint32_t node, WorkFail how, uint32_t k)
{
    if (R->n_fails == R->cap_fails)
        R->fails = xrealloc(R->fails, (R->cap_fails = R->cap_fails ? 2 * R->cap_fails : 16) * sizeof *R->fails);
    R->fails[R->n_fails++] = (Failure){ key, node, k, how };
    R->flags |= F_FAILED;
}

/* Expands the state (node, key), judging it first as one process does;
 * false if it cannot yet (its node or its key is to be learnt). */
static bool expand(Rank *R, uint64_t key, uint32_t node)
{
    const WorkOptions *o = R->o;
    const WorkSpec *sp = R->sp;
    if (sp) {
        WorkNodeState ns = sp->state(sp->ctx, node);
        if (ns == WORK_NODE_UNKNOWN) {
            if (keyset_add(&R->asked, node, keyset_mix(node))) {
                push(&R->blockers, LEARN_NODE);
                push(&R->blockers, node);
            }
            return false;
        }
        if (ns == WORK_NODE_DIVERGENT) return true;
    }
    uint32_t m;
    bool done, tau;
    const NetKeyTrans *ts = next_of(R, key, &m, &done, &tau);
    if (!ts) return false;
    if (tau) R->flags |= F_TAUS;
    if (tau && (o->divergence || (sp && sp->divergence))) {
        int d = diverges(R, key);
        if (d < 0) return false;
        if (d == 1 && sp) {
            failed(R, key, node, WORK_FAIL_DIVERGENCE, 0);
            return true;
        }
        if (d > 0) {   /* one process finds the counterexample */
            R->flags |= F_FOUND;
            return true;
        }
        ts = next_of(R, key, &m, &done, &tau);   /* the search expanded others */
        if (!ts) return false;
    }
    if (sp && sp->acceptances && !tau && !sp->accepts(sp->ctx, node, ts, m)) {
        failed(R, key, node, WORK_FAIL_ACCEPTANCE, 0);
        return true;
    }
    if (o->deadlock && m == 0 && !done) {
        failed(R, key, node, WORK_FAIL_DEADLOCK, 0);
        return true;
    }
    bool store = !((R->flags | R->all_flags) & F_FAILED);
    for (uint32_t k = 0; k < m; k++) {
        int64_t next = next_node(R, node, ts[k].event);
        if (next < 0) {
            R->transitions += k + 1;
            failed(R, key, node, WORK_FAIL_TRACE, k);
            return true;
        }
        if (store) send(R, ts[k].key, (uint32_t)next);
    }
    R->transitions += m;
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
        uint64_t key = list ? list->k[(size_t)i * R->W] : R->set.keys[i];
        uint32_t node = list ? (R->paired ? (uint32_t)list->k[(size_t)i * 2 + 1] : 0) : keyset_node(&R->set, i);
        if (!expand(R, key, node)) push_state(R, &R->deferred, key, node);
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
 * and the specification's nodes stay alike), then expands its deferred
 * states again; until none is left anywhere. false when the transport
 * failed. */
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
        uint64_t n = R->port.n_in_all;
        if (n == 0) return true;
        uint32_t layout = net_layout(R->net);
        for (uint64_t i = 0; i < n && *why == LEARNT; i += R->W) {
            uint64_t what = R->port.in[i + R->W - 1];
            if (R->paired && R->port.in[i] == LEARN_NODE) {
                if (!R->sp->learn(R->sp->ctx, (uint32_t)what)) *why = LEARN_ERROR;
                continue;
            }
            keyset_add(&R->learnt, what, keyset_mix(what));
            if (!net_learn(R->net, what)) *why = LEARN_ERROR;
            else if (!net_keyed(R->net)) *why = LEARN_UNKEYED;
            else if (net_layout(R->net) != layout) *why = LEARN_RELAYOUT;
        }
        if (*why != LEARNT) return true;
        keyset_clear(&R->asked);
        net_cursor_sync(R->cur);
        Keys again = R->deferred;
        R->deferred = (Keys){ 0 };
        expand_range(R, &again, 0, again.n / R->W);
        free(again.k);
        if (!exchange(R, R->flags, NULL)) return false;
        keep_received(R);
        if (halted(R)) return true;
    }
}

static void reset(Rank *R)
{
    keyset_clear(&R->set);
    if (R->paired) keyset_pair(&R->set);
    R->lo = R->hi = 0;
    R->transitions = 0;
    R->flags = 0;
    R->deferred.n = R->blockers.n = 0;
    R->n_fails = 0;
    R->full = false;
    R->taus = false;
    R->n_levels = 0;
    R->trans_levels = 0;
    keyset_clear(&R->div);
    keyset_clear(&R->asked);
    /* keys of another layout */
    memset(R->sent, 0, ((size_t)R->link->size << SENT_BITS) * sizeof *R->sent);
    net_cursor_sync(R->cur);
    uint64_t init = net_initial_key(R->net);
    uint32_t node = R->sp ? R->sp->initial : 0;
    if (is_mine(R, init, node)) keep(R, init, node, hash_of(init, node));
}

static WorkResult rank_failure(Rank *R, WorkStats *st);

/* A rank's watch said stop: every rank's watch says so from now on. */
static WorkResult stopped(Rank *R)
{
    if (watch_stopped(R->watch) == WATCH_NONE) atomic_store(&R->watch->stop, R->stop);
    return WORK_STOPPED;
}

/* Whether one process's searches for a divergence, which count the
 * states they reach against --max-states at other moments than the
 * levels, may meet the limit first (then one process says which). */
static bool divergence_counts(const Rank *R)
{
    return (R->o->divergence || (R->sp && R->sp->divergence)) && R->taus;
}

static bool least_of_all(Rank *R, uint64_t mine, uint64_t *least);

/* Once a layout's search has stored OWNERS_SAMPLE_FROM states (all ranks
 * together), rank 0 looks at a sample of its own (a share the whole
 * key's hash picked: a fair sample) for a few components that name
 * owners better than the whole key (owners.h), and every rank takes its
 * choice: 1 if there is one (the search starts again under it), 0 if
 * not, -1 when the transport failed. */
static int choose_owners(Rank *R)
{
    uint64_t from = R->o->owner_sample ? R->o->owner_sample : OWNERS_SAMPLE_FROM;
    if (R->owner_chosen || R->link->size < 2 || R->total < from) return 0;
    R->owner_chosen = true;
    const KeySet *mine = &R->set;
    uint64_t mask = R->link->rank == 0 ? owners_sample(R->net, R->cur, &mine, 1, R->link->size) : UINT64_MAX;
    if (!least_of_all(R, mask, &R->owner_mask)) return -1;
    return R->owner_mask != 0;
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
        R->n_fails = 0;
        keyset_clear(&R->learnt);
        keyset_clear(&R->asked);
        if (R->n_levels == R->cap_levels)
            R->level_at = xrealloc(R->level_at, (R->cap_levels = R->cap_levels ? 2 * R->cap_levels : 64) *
                                   sizeof *R->level_at);
        R->level_at[R->n_levels++] = R->lo;
        R->trans_levels = st->transitions;
        if (!expand_level(R)) return WORK_ERROR;
        Learnt why = LEARNT;
        if (!halted(R) && !learn_level(R, &why)) return WORK_ERROR;
        if (why == LEARN_RELAYOUT) {   /* every key so far is void, on every rank */
            R->owner_mask = 0;   /* its bits name other fields now */
            R->owner_chosen = false;
            reset(R);
            st->levels = 0;
            st->states = st->transitions = 0;
            continue;
        }
        /* The exact counts, whether any rank has new states, and the decision. */
        unsigned flags = R->flags | (R->set.n > R->hi ? F_MORE : 0) | (why == LEARN_ERROR ? F_ERROR : 0);
        if (!exchange(R, flags, NULL)) return WORK_ERROR;
        st->states = R->total;
        st->transitions = R->total_trans;
        if (R->stop) return stopped(R);
        if (R->mismatch || (R->all_flags & F_ERROR)) return WORK_ERROR;
        if (why == LEARN_UNKEYED) return WORK_UNKEYED;
        if (R->all_flags & F_FOUND) return WORK_FOUND;
        /* Deadlock freedom with taus and divergence asked about: one
         * process decides, as on threads (its search for a divergence may
         * meet limits at other moments). The state limit met while the
         * failure's level was expanded is decided by the ranking (the
         * levels up to it are whole). */
        if (R->all_flags & F_FAILED) return o->divergence && R->taus ? WORK_FOUND : rank_failure(R, st);
        if (R->full) return divergence_counts(R) ? WORK_FOUND : WORK_LIMIT;
        st->levels++;
        if (!(R->all_flags & F_MORE)) return WORK_DONE;
        if (o->progress) o->progress(o->ctx, st->states, st->transitions);
        int chosen = choose_owners(R);
        if (chosen < 0) return WORK_ERROR;
        if (R->stop) return stopped(R);
        if (chosen) {   /* on every rank: start again under the owners chosen */
            reset(R);
            st->levels = 0;
            st->states = st->transitions = 0;
        }
    }
}

/* ---- a failure: the one one process finds first ----
 * (a deadlock; with a specification, a pair it rejects: a divergence, an
 * acceptance, or a trace at one of its transitions.) One process visits
 * a level in the order of each state's first discoverer (the least rank
 * of a parent in the level before, then the least index of a transition
 * from it), which is the order of each state's least path of transition
 * indexes. So the first failure it meets at level L is the end of the
 * least such path to any failure of level L, found here without ranking
 * whole levels:
 *  1. marks, backwards from level L: a state reaches a failure of level
 *     L by levels if it is one, or if a successor in the next level is
 *     marked (its owner is asked);
 *  2. the path: from the initial state, every rank expands the state on
 *     the path and offers the least index of a transition to a marked
 *     state it owns in the next level; the least of the offers is taken;
 *     the owner of its end says how it failed;
 *  3. what one process visits before the failure: a state of level l + 1
 *     comes before the path's state if a parent comes before the path's
 *     state of level l, or the path's state of level l reaches it by a
 *     smaller index (owners are told); then the counts at the failure
 *     are those one process gives: every state of the levels up to L and
 *     the new successors of the states before it (and of a trace's
 *     transitions before the one that failed); the transitions of the
 *     levels before L and of level L's states up to it. */

static uint32_t level_end(const Rank *R, uint32_t l) { return l + 1 < R->n_levels ? R->level_at[l + 1] : R->hi; }

/* The index of a state if this rank owns it and it is at level l, else
 * UINT32_MAX. */
static uint32_t at_level(const Rank *R, uint64_t key, uint32_t node, uint32_t l)
{
    uint32_t i = find(R, key, node);
    return i != UINT32_MAX && i >= R->level_at[l] && i < level_end(R, l) ? i : UINT32_MAX;
}

/* The transitions of a key, again (NULL: broken, noted). */
static const NetKeyTrans *again(Rank *R, uint64_t key, uint32_t *m)
{
    bool done, tau;
    const NetKeyTrans *ts = next_of(R, key, m, &done, &tau);
    if (!ts) R->broken = true;
    return ts;
}

/* The i-th state of what came in (by rank, W words each). */
static uint64_t in_key(const Rank *R, uint64_t i) { return R->port.in[i * R->W]; }
static uint32_t in_node(const Rank *R, uint64_t i) { return R->paired ? (uint32_t)R->port.in[i * 2 + 1] : 0; }

static uint64_t n_received(const Rank *R)
{
    return R->port.n_in_all / R->W;
}

/* A successor of a state of level step goes to its owner (a message) or
 * is looked up here: its index at level step + 1, UINT32_MAX if none or
 * sent. */
static uint32_t local_or_send(Rank *R, uint64_t key, uint32_t node)
{
    unsigned to = owner_of(R, key, node);
    if (to == R->link->rank) return at_level(R, key, node, R->step + 1);
    push_state(R, &R->out[to], key, node);
    return UINT32_MAX;
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

/* 1. Level step: ask the owners of its successors in level step + 1. */
static void ask_successors(Rank *R, uint32_t i)
{
    uint64_t key = R->set.keys[i];
    uint32_t node = keyset_node(&R->set, i), m;
    if (!node_open(R, node)) return;
    const NetKeyTrans *ts = again(R, key, &m);
    for (uint32_t k = 0; ts && k < m && !R->mark[i]; k++) {
        int64_t next = next_node(R, node, ts[k].event);
        if (next < 0) continue;
        unsigned to = owner_of(R, ts[k].key, (uint32_t)next);
        if (to != R->link->rank) {
            push_state(R, &R->out[to], ts[k].key, (uint32_t)next);
            push(&R->ask[to], i);
            continue;
        }
        uint32_t j = at_level(R, ts[k].key, (uint32_t)next, R->step + 1);
        if (j != UINT32_MAX && R->mark[j]) R->mark[i] = 1;
    }
}

/* Answers what was asked (1: marked at level step + 1), and marks what
 * the answers say. */
static bool answer(Rank *R)
{
    uint64_t q = 0;
    for (unsigned r = 0; r < R->link->size; r++)
        for (uint32_t j = 0; j < R->port.n_in[r] / R->W; j++, q++) {
            uint32_t at = at_level(R, in_key(R, q), in_node(R, q), R->step + 1);
            push(&R->out[r], at != UINT32_MAX && R->mark[at]);
        }
    if (!exchange(R, 0, NULL)) return false;
    const uint64_t *a = R->port.in;
    for (unsigned r = 0; r < R->link->size; r++) {
        for (uint32_t j = 0; j < R->port.n_in[r]; j++, a++)
            if (*a) R->mark[R->ask[r].k[j]] = 1;
        R->ask[r].n = 0;
    }
    return true;
}

/* The least of every rank's aux; false when the transport failed. */
static bool least_of_all(Rank *R, uint64_t mine, uint64_t *least)
{
    R->aux = mine;
    bool ok = exchange(R, 0, NULL);
    R->aux = 0;
    *least = R->aux_min;
    return ok;
}

/* 2. The path: the least index of a transition to a marked state of the
 * next level, offered by every rank for the states it owns; then how its
 * end failed, said by its owner. */
static bool find_path(Rank *R, uint32_t L, uint32_t *trace)
{
    R->path[0] = net_initial_key(R->net);
    R->path_node[0] = R->sp ? R->sp->initial : 0;
    for (uint32_t l = 0; l < L; l++) {
        uint32_t m = 0, node = R->path_node[l];
        const NetKeyTrans *ts = again(R, R->path[l], &m);
        uint64_t offer = UINT64_MAX, least;
        for (uint32_t k = 0; ts && k < m && offer == UINT64_MAX; k++) {
            int64_t next = next_node(R, node, ts[k].event);
            if (next < 0 || !is_mine(R, ts[k].key, (uint32_t)next)) continue;
            uint32_t j = at_level(R, ts[k].key, (uint32_t)next, l + 1);
            if (j != UINT32_MAX && R->mark[j]) offer = k;
        }
        if (!least_of_all(R, offer, &least)) return false;
        if (!ts || least >= m) {
            R->broken = true;
            return true;
        }
        R->index[l] = least;
        trace[l] = ts[least].event;
        R->path[l + 1] = ts[least].key;
        R->path_node[l + 1] = (uint32_t)next_node(R, node, ts[least].event);
    }
    uint64_t how = UINT64_MAX, least;
    for (uint32_t f = 0; f < R->n_fails && how == UINT64_MAX; f++)
        if (R->fails[f].key == R->path[L] && R->fails[f].node == R->path_node[L])
            how = (uint64_t)R->fails[f].how << 32 | R->fails[f].k;
    if (!least_of_all(R, how, &least)) return false;
    if (least == UINT64_MAX) R->broken = true;
    R->how = (WorkFail)(least >> 32);
    R->how_k = (uint32_t)least;
    return true;
}

/* 3. Level step: its states before the path's tell their successors
 * they are before it too, and so does the path's state for the
 * successors it reaches by a smaller index. */
static void tell_before(Rank *R, uint32_t i)
{
    uint64_t key = R->set.keys[i];
    uint32_t node = keyset_node(&R->set, i), m;
    bool on_path = key == R->path[R->step] && node == R->path_node[R->step];
    if ((!R->less[i] && !on_path) || !node_open(R, node)) return;
    const NetKeyTrans *ts = again(R, key, &m);
    for (uint32_t k = 0; ts && k < m; k++) {
        if (!R->less[i] && k >= R->index[R->step]) break;
        int64_t next = next_node(R, node, ts[k].event);
        if (next < 0) continue;
        uint32_t j = local_or_send(R, ts[k].key, (uint32_t)next);
        if (j != UINT32_MAX) R->less[j] = 1;
    }
}

static bool take_before(Rank *R)
{
    for (uint64_t i = 0, n = n_received(R); i < n; i++) {
        uint32_t j = at_level(R, in_key(R, i), in_node(R, i), R->step + 1);
        if (j != UINT32_MAX) R->less[j] = 1;
    }
    return true;
}

/* 3. Level L: the transitions of its states up to the failure, and the
 * successors of those before it that no level up to L holds. */
static void new_after(Rank *R, uint64_t key, uint32_t node)
{
    uint32_t i = find(R, key, node);
    if (i != UINT32_MAX && i < R->hi) return;
    if (R->paired) keyset_add_pair(&R->fresh, key, node, hash_of(key, node));
    else keyset_add(&R->fresh, key, keyset_mix(key));
}

static void count_before(Rank *R, uint32_t i)
{
    uint64_t key = R->set.keys[i];
    uint32_t node = keyset_node(&R->set, i), m;
    bool on_path = key == R->path[R->step] && node == R->path_node[R->step];
    if ((!R->less[i] && !on_path) || !node_open(R, node)) return;
    const NetKeyTrans *ts = again(R, key, &m);
    if (!ts) return;
    if (on_path) {   /* the failure: only a trace's counts transitions, up to the one that failed */
        bool trace = R->how == WORK_FAIL_TRACE;
        m = trace && R->how_k < m ? R->how_k : 0;
        R->trans_before += m + trace;
    } else {
        R->trans_before += m;
    }
    for (uint32_t k = 0; k < m; k++) {
        int64_t next = next_node(R, node, ts[k].event);
        if (next < 0) continue;
        if (is_mine(R, ts[k].key, (uint32_t)next)) new_after(R, ts[k].key, (uint32_t)next);
        else push_state(R, &R->out[owner_of(R, ts[k].key, (uint32_t)next)], ts[k].key, (uint32_t)next);
    }
}

static bool take_fresh(Rank *R)
{
    for (uint64_t i = 0, n = n_received(R); i < n; i++) new_after(R, in_key(R, i), in_node(R, i));
    return true;
}

/* The three steps, then the counts at the failure into st and its events
 * into trace (L of them); WORK_FOUND when they cannot be worked out here
 * (one process will), WORK_ERROR when the transport failed. */
static WorkResult rank_steps(Rank *R, WorkStats *st, uint32_t *trace)
{
    uint32_t L = R->n_levels - 1;
    for (uint32_t f = 0; f < R->n_fails; f++) {
        uint32_t i = at_level(R, R->fails[f].key, R->fails[f].node, L);
        if (i != UINT32_MAX) R->mark[i] = 1;
    }
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
    /* The sums: the states and transitions at the failure, whether any
     * rank could not expand a state again, and the keys the searches for
     * a divergence met. */
    uint64_t sums[4], mine[4] = { R->hi + R->fresh.n, R->trans_before, R->broken, R->div.n };
    for (unsigned k = 0; k < 4; k++) {
        R->aux = mine[k];
        if (!exchange(R, 0, NULL)) return WORK_ERROR;
        sums[k] = R->aux_sum;
    }
    R->aux = 0;
    if (sums[2]) return WORK_FOUND;
    st->states = sums[0];
    st->transitions = R->trans_levels + sums[1];
    /* One process had looked for divergences from the states before the
     * failure, numbering at most the states the ranks' searches met. */
    uint64_t max = R->o->max_states;
    if (max && divergence_counts(R) && st->states + sums[3] > max) return WORK_FOUND;
    if (max && st->states > max) return WORK_LIMIT;
    st->key = R->path[L];
    st->node = R->path_node[L];
    st->fail = R->how;
    if (R->how == WORK_FAIL_TRACE) {   /* the event: its transition k, again */
        uint32_t m;
        const NetKeyTrans *ts = again(R, st->key, &m);
        if (!ts || R->how_k >= m) return WORK_FOUND;
        st->event = ts[R->how_k].event;
    }
    return WORK_FAILED;
}

static WorkResult rank_failure(Rank *R, WorkStats *st)
{
    uint32_t L = R->n_levels - 1, n = R->link->size;
    R->mark = xcalloc(R->hi ? R->hi : 1, 1);
    R->less = xcalloc(R->hi ? R->hi : 1, 1);
    R->ask = xcalloc(n, sizeof *R->ask);
    R->path = xcalloc(L + 1, sizeof *R->path);
    R->path_node = xcalloc(L + 1, sizeof *R->path_node);
    R->index = xcalloc(L + 1, sizeof *R->index);
    R->broken = false;
    keyset_clear(&R->fresh);
    if (R->paired) keyset_pair(&R->fresh);
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
    free(R->path_node);
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
    R->sp = o->spec;
    R->paired = o->spec != NULL;
    R->W = R->paired ? 2 : 1;
    R->watch = watch;
    R->cur = net_cursor_new(net);
    unsigned n = link->size;
    R->out = xcalloc(n, sizeof *R->out);
    R->sent = xcalloc((size_t)n << SENT_BITS, sizeof *R->sent);
    if (R->paired) R->sent_node = xcalloc((size_t)n << SENT_BITS, sizeof *R->sent_node);
    ranks_port_open(&R->port, link);
    WorkResult r = search(R, st);
    st->bytes = keyset_bytes(&R->set);
    st->owner_mask = R->owner_mask;
    keyset_clear(&R->set);
    net_cursor_free(R->cur);
    for (unsigned i = 0; i < n; i++) free(R->out[i].k);
    free(R->out);
    free(R->sent);
    free(R->sent_node);
    ranks_port_close(&R->port);
    free(R->deferred.k);
    free(R->blockers.k);
    free(R->pri);
    free(R->fails);
    keyset_clear(&R->div);
    keyset_clear(&R->learnt);
    keyset_clear(&R->asked);
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
